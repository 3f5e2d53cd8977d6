/* The catalog (footage/catalog*.c): scanning names, incremental rescans,
 * hostile and impossible names, an unavailable share, the database
 * guard, and the days / list / coverage / range / overdue queries on
 * segments with known durations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "footage/footage.h"
#include "util/util.h"

#define T0	1795161600000LL		/* 2026-11-20T08:00:00Z */
#define MIN	60000LL

static char tmpdir[] = "/tmp/vigil-test-catalog.XXXXXX";
static char *root, *db;

/* Creates tmpdir/root/rel (and its folders) holding len bytes of 'x'. */
static void
put(const char *rel, size_t len)
{
	char *path = xasprintf("%s/%s", root, rel), *p, *buf;
	int fd;

	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	buf = xmalloc(len + 1);
	memset(buf, 'x', len);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
	free(path);
}

/* Sets the mtime of root/rel. */
static void
set_mtime(const char *rel, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	char *path = xasprintf("%s/%s", root, rel);

	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	free(path);
}

/* Runs a shell command, failing the test when it fails. */
static void
run(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) == -1)
		fail();
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
	free(cmd);
}

static struct catalog *
open_cat(const char *pattern, const char *tz)
{
	struct catalog_opts o = { db, root, pattern, tz };
	struct catalog *cat;
	char *cause = NULL;

	if ((cat = catalog_open(&o, &cause)) == NULL)
		fail_msg("catalog_open: %s", cause);
	return cat;
}

/* Scans and returns the result; the report is left in *r. */
static int
scan(struct catalog *cat, struct catalog_scan_report *r)
{
	char *cause = NULL;
	int rc;

	rc = catalog_scan(cat, 0, r, &cause);
	free(cause);
	return rc;
}

/* 1 when one of the report's notes contains s. */
static int
has_note(const struct catalog_scan_report *r, const char *s)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++) {
		if (strstr(r->notes[i], s) != NULL)
			return 1;
	}
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	root = xasprintf("%s/rec", tmpdir);
	db = xasprintf("%s/catalog.db", tmpdir);
	return mkdir(root, 0755);
}

static int
teardown(void **state)
{
	char *cmd;
	int rc;

	(void)state;
	cmd = xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", tmpdir, tmpdir);
	rc = system(cmd);
	free(cmd);
	free(root);
	free(db);
	return rc == 0 ? 0 : -1;
}

/* A first scan finds the segments; a second finds nothing new; changes,
 * deletions and returns are noticed. */
static void
test_scan_incremental(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_state st;
	struct catalog_camera *cams;
	struct catalog_segment *segs;
	size_t n;
	char *cause = NULL;

	(void)state;
	put("entrance/2026-11-20/08-00-00.mp4", 10);
	put("entrance/2026-11-20/08-10-00.mp4", 10);
	put("entrance/2026-11-21/08-00-00.mp4", 10);
	put("reading room/2026-11-20/08-00-00.mp4", 10);
	put("entrance/2026-11-20/notes.txt", 3);
	put("README", 3);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_true(st.stale);
	assert_non_null(strstr(st.stale_reason, "never scanned"));

	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.files, 4);
	assert_int_equal(r.added, 4);
	assert_int_equal(r.other, 2);
	assert_true(r.complete);
	catalog_scan_report_free(&r);

	assert_int_equal(catalog_cameras(cat, &cams, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(cams[0].name, "entrance");
	assert_int_equal(cams[0].segments, 3);
	assert_int_equal(cams[0].bytes, 30);
	assert_int_equal(cams[0].first_ms, T0);
	assert_int_equal(cams[0].last_ms, T0 + 24 * 60 * MIN);
	assert_string_equal(cams[1].name, "reading room");
	catalog_cameras_free(cams, n);

	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.unchanged, 4);
	assert_int_equal(r.added + r.changed + r.gone, 0);
	catalog_scan_report_free(&r);

	put("entrance/2026-11-20/08-10-00.mp4", 20);	/* changed */
	run("rm '%s/entrance/2026-11-21/08-00-00.mp4'", root);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.changed, 1);
	assert_int_equal(r.gone, 1);
	assert_int_equal(r.unchanged, 2);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_list(cat, "entrance", INT64_MIN, INT64_MAX, 0,
	    &segs, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(segs[1].size, 20);
	assert_int_equal(segs[1].status, CATALOG_PENDING);
	catalog_segments_free(segs, n);
	assert_int_equal(catalog_list(cat, "entrance", INT64_MIN, INT64_MAX, 1,
	    &segs, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_true(segs[2].gone);
	catalog_segments_free(segs, n);

	/* Back as it was: not probed again. */
	put("entrance/2026-11-21/08-00-00.mp4", 10);
	set_mtime("entrance/2026-11-21/08-00-00.mp4", 1000);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.changed, 1);		/* new mtime */
	catalog_scan_report_free(&r);
	run("rm '%s/entrance/2026-11-21/08-00-00.mp4'", root);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.gone, 1);
	catalog_scan_report_free(&r);
	put("entrance/2026-11-21/08-00-00.mp4", 10);
	set_mtime("entrance/2026-11-21/08-00-00.mp4", 1000);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.returned, 1);
	assert_int_equal(r.changed, 0);
	catalog_scan_report_free(&r);

	assert_int_equal(catalog_state(cat, &st, &cause), 0);
	assert_false(st.stale);
	assert_int_equal(st.segments, 4);
	assert_int_equal(st.cameras, 2);
	assert_true(st.last_complete_ms > 0);
	catalog_close(cat);
}

/* Settled folders (files older than CATALOG_SETTLE_MS when read) are
 * skipped while unchanged; adding or removing a file, a folder still being
 * written, or a full scan reads them again. */
static void
test_settled_folders(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_segment *segs;
	size_t n;
	char *cause = NULL;

	(void)state;
	put("old/2020-01-01/08-00-00.mp4", 5);
	put("old/2020-01-01/08-10-00.mp4", 5);
	set_mtime("old/2020-01-01/08-00-00.mp4", 1577866200);
	set_mtime("old/2020-01-01/08-10-00.mp4", 1577866800);
	set_mtime("old/2020-01-01", 1577866800);	/* as the recorder left it */
	put("live/2026-11-20/08-00-00.mp4", 5);		/* written just now */
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.folders_read, 2);
	catalog_scan_report_free(&r);

	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.folders_read, 1);		/* live */
	assert_int_equal(r.folders_unchanged, 1);	/* old */
	assert_int_equal(r.files, 3);
	assert_int_equal(r.unchanged, 3);
	catalog_scan_report_free(&r);

	/* Rewritten in place with its old mtime: only a full scan sees it. */
	put("old/2020-01-01/08-10-00.mp4", 9);
	set_mtime("old/2020-01-01/08-10-00.mp4", 1577866800);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.changed, 0);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_scan(cat, CATALOG_SCAN_FULL, &r, &cause), 0);
	assert_int_equal(r.changed, 1);
	assert_int_equal(r.folders_unchanged, 0);
	catalog_scan_report_free(&r);

	/* A new file changes the folder. */
	put("old/2020-01-01/08-20-00.mp4", 5);
	set_mtime("old/2020-01-01/08-20-00.mp4", 1577867400);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.added, 1);
	catalog_scan_report_free(&r);
	/* So does a removed one, even within the same time tick as the read
	 * before: a folder changed just before it was read is read again. */
	run("rm '%s/old/2020-01-01/08-00-00.mp4'", root);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.gone, 1);
	assert_int_equal(r.files, 3);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_list(cat, "old", INT64_MIN, INT64_MAX, 0, &segs, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(segs[0].size, 9);
	catalog_segments_free(segs, n);
	catalog_close(cat);
	free(cause);
}

/* Zero bytes, impossible dates, hostile names and symbolic links. */
static void
test_scan_bad_names(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_segment *segs;
	struct catalog_camera *cams;
	size_t n, i;
	char *cause = NULL, *outside, *link;

	(void)state;
	put("cam/2026-11-20/08-00-00.mp4", 0);			/* zero bytes */
	put("cam/2026-13-01/08-00-00.mp4", 5);			/* month 13 */
	put("cam/2026-02-30/08-00-00.mp4", 5);			/* no such day */
	put("cam/2026-11-20/25-00-00.mp4", 5);			/* hour 25 */
	put("cam/2026-11-20/08-10-00 copy.mp4", 5);		/* other */
	put("cam/2026-11-20/08-20-\xff.mp4", 5);		/* non-UTF-8 */
	put("cam with spaces/2026-11-20/08-00-00.mp4", 5);	/* fine */
	put("new\nline/2026-11-20/08-00-00.mp4", 5);		/* bad camera */
	put("bad\xfe""cam/2026-11-20/08-00-00.mp4", 5);		/* bad camera */
	put(".snapshot/2026-11-20/08-00-00.mp4", 5);		/* hidden */
	outside = xasprintf("%s/outside", tmpdir);
	run("mkdir -p '%s/2026-11-20' && : > '%s/2026-11-20/08-00-00.mp4'",
	    outside, outside);
	link = xasprintf("%s/linked", root);
	assert_int_equal(symlink(outside, link), 0);		/* camera folder */
	free(link);
	link = xasprintf("%s/cam/2026-11-20/08-30-00.mp4", root);
	assert_int_equal(symlink("/etc/passwd", link), 0);	/* segment */
	free(link);
	free(outside);

	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.files, 2);
	assert_int_equal(r.bad_time, 3);
	assert_int_equal(r.bad_camera, 2);
	assert_int_equal(r.symlinks, 2);
	assert_true(has_note(&r, "impossible month 13 (skipped)"));
	assert_true(has_note(&r, "impossible day 2026-02-30"));
	assert_true(has_note(&r, "impossible time 25:00:00"));
	assert_true(has_note(&r, "new?line: camera name"));
	assert_true(has_note(&r, "bad?cam: camera name"));
	assert_true(has_note(&r, "08-30-00.mp4: symbolic link, not followed"));
	assert_true(has_note(&r, "linked: symbolic link, not followed"));
	for (i = 0; i < r.nnotes; i++)
		assert_true(utf8_valid(r.notes[i], strlen(r.notes[i])));
	catalog_scan_report_free(&r);

	assert_int_equal(catalog_cameras(cat, &cams, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(cams[0].name, "cam");
	assert_string_equal(cams[1].name, "cam with spaces");
	catalog_cameras_free(cams, n);
	assert_int_equal(catalog_list(cat, "cam", INT64_MIN, INT64_MAX, 0, &segs,
	    &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].status, CATALOG_CORRUPT);
	assert_string_equal(segs[0].detail, "empty file (0 bytes)");
	catalog_segments_free(segs, n);
	catalog_close(cat);
}

/* The reason a catalog is stale names the recorder folder; a long name of
 * non-ASCII characters is shortened after a whole character, so the
 * reason stays valid UTF-8 (it was cut at byte 511 of its buffer). */
static void
test_stale_reason_utf8(void **state)
{
	struct catalog_opts o;
	struct catalog_scan_report r;
	struct catalog_state st;
	struct catalog *cat;
	char *cause = NULL, *deep, *part, *prev;
	size_t i, k;
	int odd;

	(void)state;
	for (odd = 0; odd < 2; odd++) {
		/* Three folders of 100 "é" (two bytes each), after one ASCII
		 * byte or none: the 512-byte buffer ends inside an "é" in one
		 * of the two runs. */
		deep = xasprintf("%s/%s", tmpdir, odd ? "x" : "");
		for (k = 0; k < 3; k++) {
			part = xmalloc(201);
			for (i = 0; i < 100; i++)
				memcpy(part + 2 * i, "\xc3\xa9", 2);
			part[200] = '\0';
			prev = deep;
			deep = xasprintf("%s/%s", prev, part);
			free(prev);
			free(part);
		}
		memset(&o, 0, sizeof o);
		o.db = db;
		o.root = deep;		/* does not exist */
		o.pattern = "vigil";
		o.timezone = "UTC";
		if ((cat = catalog_open(&o, &cause)) == NULL)
			fail_msg("catalog_open: %s", cause);
		assert_int_equal(catalog_scan(cat, 0, &r, &cause), -1);
		free(cause);
		cause = NULL;
		catalog_scan_report_free(&r);
		assert_int_equal(catalog_state(cat, &st, &cause), 0);
		assert_true(st.stale);
		assert_true(strlen(st.stale_reason) > 400);
		if (!utf8_valid(st.stale_reason, strlen(st.stale_reason)))
			fail_msg("stale reason is not valid UTF-8: %s",
			    st.stale_reason);
		catalog_close(cat);
		unlink(db);
		free(deep);
	}
}

/* A missing, emptied or unusable root leaves the catalog as it was and
 * marks it stale. */
static void
test_unavailable_share(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_state st;
	char *cause = NULL, *moved;

	(void)state;
	put("cam/2026-11-20/08-00-00.mp4", 5);
	put("cam/2026-11-20/08-10-00.mp4", 5);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);

	/* Not mounted: the mount point is there but empty. */
	moved = xasprintf("%s/away", tmpdir);
	run("mv '%s/cam' '%s'", root, moved);
	assert_int_equal(catalog_scan(cat, 0, &r, &cause), -1);
	assert_non_null(strstr(cause, "is empty but the catalog knows 2 segments: "
	    "is the share mounted?"));
	assert_non_null(strstr(cause, "keeps what it knew"));
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_true(st.stale);
	assert_int_equal(st.segments, 2);
	assert_int_equal(st.gone, 0);

	/* Gone altogether. */
	run("rmdir '%s'", root);
	assert_int_equal(catalog_scan(cat, 0, &r, &cause), -1);
	assert_non_null(strstr(cause, "No such file or directory (is the share "
	    "mounted?)"));
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_true(st.stale);
	assert_int_equal(st.segments, 2);

	/* A file where the folder should be. */
	run(": > '%s'", root);
	assert_int_equal(catalog_scan(cat, 0, &r, &cause), -1);
	assert_non_null(strstr(cause, "Not a directory"));
	catalog_scan_report_free(&r);

	/* Back: the catalog is current again. */
	run("rm '%s' && mkdir '%s' && mv '%s' '%s/cam'", root, root, moved, root);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.unchanged, 2);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_false(st.stale);
	free(cause);
	free(moved);
	catalog_close(cat);
}

/* A folder that cannot be read keeps its segments (not as root: root
 * reads everything; tests/regress/catalog-unreadable.sh covers that). */
static void
test_unreadable_folder(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_state st;
	char *dir;

	(void)state;
	if (geteuid() == 0)
		return;
	put("a/2026-11-20/08-00-00.mp4", 5);
	put("b/2026-11-20/08-00-00.mp4", 5);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);
	dir = xasprintf("%s/b", root);
	chmod(dir, 0);
	assert_int_equal(scan(cat, &r), 1);
	assert_int_equal(r.unreadable_dirs, 1);
	assert_int_equal(r.gone, 0);
	assert_true(has_note(&r, "b: cannot read folder"));
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_true(st.stale);
	assert_int_equal(st.segments, 2);
	chmod(dir, 0755);
	free(dir);
	catalog_close(cat);
}

/* The catalog never touches a database that is not its own, and starts
 * over when the recorder's layout changes. */
static void
test_database_guard(void **state)
{
	struct catalog_opts o = { db, root, "vigil", "UTC" };
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_state st;
	sqlite3 *h;
	char *cause = NULL, *other;

	(void)state;
	other = xasprintf("%s/audit.db", tmpdir);
	assert_int_equal(sqlite3_open(other, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE entry(seq INTEGER);"
	    "CREATE TABLE meta(key TEXT, value TEXT)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	o.db = other;
	assert_null(catalog_open(&o, &cause));
	assert_non_null(strstr(cause, "not a vigil catalog"));
	assert_int_equal(sqlite3_open(other, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "SELECT seq FROM entry", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	free(other);

	other = xasprintf("%s/garbage.db", tmpdir);
	run("printf 'this is not a database at all, not even close......' > '%s'",
	    other);
	o.db = other;
	assert_null(catalog_open(&o, &cause));
	assert_non_null(strstr(cause, "garbage.db"));
	free(other);

	o.db = xasprintf("%s/no/such/dir/catalog.db", tmpdir);
	assert_null(catalog_open(&o, &cause));
	assert_non_null(strstr(cause, "cannot open"));
	free((char *)o.db);

	o.db = db;
	o.pattern = "{camera}{Y}";
	assert_null(catalog_open(&o, &cause));
	assert_non_null(strstr(cause, "pattern"));
	o.pattern = "vigil";
	o.timezone = "Nowhere/Land";
	assert_null(catalog_open(&o, &cause));
	assert_non_null(strstr(cause, "unknown time zone"));

	put("cam/2026-11-20/08-00-00.mp4", 5);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);
	catalog_close(cat);
	cat = open_cat("vigil", "+01:00");
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_int_equal(st.segments, 0);
	assert_non_null(strstr(st.rebuilt, "timezone changed from 'UTC' to '+01:00'"));
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.added, 1);
	catalog_scan_report_free(&r);
	catalog_close(cat);
	free(cause);
}

/* The Frigate layout, and a zone name applied to file names. */
static void
test_frigate_and_zone(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_segment *segs;
	struct catalog_day *days;
	size_t n;
	char *cause = NULL;

	(void)state;
	put("2026-11-20/08/front_door/00.00.mp4", 5);
	put("2026-11-20/08/front_door/00.10.mp4", 5);
	put("2026-11-20/08/yard/59.50.mp4", 5);
	put("2026-11-20/23/yard/59.50.mp4", 5);
	put("2026-11-20/24/yard/00.00.mp4", 5);
	cat = open_cat("frigate", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.files, 4);
	assert_int_equal(r.bad_time, 1);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_list(cat, "front_door", INT64_MIN, INT64_MAX, 0,
	    &segs, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(segs[1].start_ms, T0 + 10000);
	assert_string_equal(segs[1].rel, "2026-11-20/08/front_door/00.10.mp4");
	catalog_segments_free(segs, n);
	assert_int_equal(catalog_days(cat, "yard", &days, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(days[0].date, "2026-11-20");
	assert_int_equal(days[0].segments, 2);
	free(days);
	catalog_close(cat);

	/* Days follow the process's local zone. */
	setenv("TZ", "Europe/Oslo", 1);
	tzset();
	cat = open_cat("frigate", "UTC");
	assert_int_equal(catalog_days(cat, "yard", &days, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(days[1].date, "2026-11-21");
	free(days);
	catalog_close(cat);
	setenv("TZ", "UTC", 1);
	tzset();

	/* Names written in Oslo time. */
	cat = open_cat("frigate", "Europe/Oslo");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_list(cat, "front_door", INT64_MIN, INT64_MAX, 0,
	    &segs, &n, &cause), 0);
	assert_int_equal(segs[0].start_ms, T0 - 60 * MIN);
	catalog_segments_free(segs, n);
	assert_string_equal(getenv("TZ"), "UTC");
	catalog_close(cat);
	free(cause);
}

/* Generates fixture clips with ffmpeg: a 10 s clip, the same with its
 * index first (faststart), and an audio-only file. */
static int
make_clips(void)
{
	char *cmd;
	int rc;

	cmd = xasprintf("cd '%s' && ffmpeg -nostdin -loglevel error -f lavfi "
	    "-i testsrc=size=64x64:rate=10:duration=10 -c:v libx264 -preset "
	    "ultrafast -g 10 -pix_fmt yuv420p clip.mp4 && ffmpeg -nostdin "
	    "-loglevel error -i clip.mp4 -c copy -movflags +faststart fast.mp4 && "
	    "ffmpeg -nostdin -loglevel error -f lavfi -i sine=duration=1 "
	    "-c:a aac audio.mp4", tmpdir);
	rc = system(cmd);
	free(cmd);
	return rc;
}

/* Copies a fixture to root/rel, optionally cut to keep bytes. */
static void
put_clip(const char *fixture, const char *rel, long keep)
{
	char *dir = xasprintf("%s/%s", root, rel), *slash;

	slash = strrchr(dir, '/');
	*slash = '\0';
	run("mkdir -p '%s'", dir);
	if (keep >= 0)
		run("head -c %ld '%s/%s' > '%s/%s'", keep, tmpdir, fixture, root, rel);
	else
		run("cp '%s/%s' '%s/%s'", tmpdir, fixture, root, rel);
	free(dir);
}

/* Containers: ok, empty, truncated (header lost or data cut short), not
 * a video, audio only. */
static void
test_probe(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_segment *segs;
	struct catalog_state st;
	struct stat sb;
	char *cause = NULL, *path;
	size_t n;
	int64_t left;

	(void)state;
	if (make_clips() != 0)
		fail_msg("ffmpeg could not make the fixture clips");
	path = xasprintf("%s/fast.mp4", tmpdir);
	assert_int_equal(stat(path, &sb), 0);
	free(path);
	put_clip("clip.mp4", "cam/2026-11-20/08-00-00.mp4", -1);
	put_clip("clip.mp4", "cam/2026-11-20/08-00-10.mp4", 3000);	/* no moov */
	put_clip("fast.mp4", "cam/2026-11-20/08-00-20.mp4", sb.st_size / 2);
	put_clip("audio.mp4", "cam/2026-11-20/08-00-30.mp4", -1);
	put("cam/2026-11-20/08-00-40.mp4", 0);
	run("echo 'not a video' > '%s/cam/2026-11-20/08-00-50.mp4'", root);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);
	assert_int_equal(catalog_probe(cat, 2, &left, &cause), 2);
	assert_int_equal(left, 3);
	assert_int_equal(catalog_probe(cat, 0, &left, &cause), 3);
	assert_int_equal(left, 0);
	assert_int_equal(catalog_probe(cat, 0, &left, &cause), 0);
	assert_int_equal(catalog_list(cat, "cam", INT64_MIN, INT64_MAX, 0, &segs,
	    &n, &cause), 0);
	assert_int_equal(n, 6);
	assert_int_equal(segs[0].status, CATALOG_OK);
	assert_int_equal(segs[0].duration_ms, 10000);
	assert_null(segs[0].detail);
	assert_int_equal(segs[1].status, CATALOG_CORRUPT);
	assert_non_null(strstr(segs[1].detail, "damaged or truncated"));
	assert_int_equal(segs[2].status, CATALOG_PARTIAL);
	assert_non_null(strstr(segs[2].detail, "truncated: only"));
	assert_true(segs[2].duration_ms > 0 && segs[2].duration_ms < 10000);
	assert_int_equal(segs[3].status, CATALOG_CORRUPT);
	assert_string_equal(segs[3].detail, "no video stream");
	assert_int_equal(segs[4].status, CATALOG_CORRUPT);
	assert_string_equal(segs[4].detail, "empty file (0 bytes)");
	assert_int_equal(segs[5].status, CATALOG_CORRUPT);
	assert_string_equal(segs[5].detail, "not a video file");
	catalog_segments_free(segs, n);
	assert_int_equal(catalog_state(cat, &st, &cause), 0);
	assert_int_equal(st.bad, 5);
	assert_int_equal(st.pending, 0);

	/* A file replaced by a symbolic link after the scan is not followed. */
	run("rm '%s/cam/2026-11-20/08-00-00.mp4' && ln -s '%s/clip.mp4' "
	    "'%s/cam/2026-11-20/08-00-00.mp4'", root, tmpdir, root);
	assert_int_equal(scan(cat, &r), 0);
	assert_int_equal(r.symlinks, 1);
	assert_int_equal(r.gone, 1);
	catalog_scan_report_free(&r);
	catalog_close(cat);
	free(cause);
}

/* Coverage, range pieces across segment boundaries with gaps, the
 * segment at an instant, lazy probing, and overdue footage. */
static void
test_queries(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_span *spans;
	struct catalog_range rg;
	struct catalog_piece pc;
	struct catalog_state st;
	char *cause = NULL;
	size_t n;
	int64_t s = T0;

	(void)state;
	if (make_clips() != 0)
		fail_msg("ffmpeg could not make the fixture clips");
	/* 08:00:00, :10, :20 (10 s each), gap, :40 corrupt, :50, 08:01:10. */
	put_clip("clip.mp4", "cam/2026-11-20/08-00-00.mp4", -1);
	put_clip("clip.mp4", "cam/2026-11-20/08-00-10.mp4", -1);
	put_clip("clip.mp4", "cam/2026-11-20/08-00-20.mp4", -1);
	put_clip("clip.mp4", "cam/2026-11-20/08-00-40.mp4", 3000);
	put_clip("clip.mp4", "cam/2026-11-20/08-00-50.mp4", -1);
	put_clip("clip.mp4", "cam/2026-11-20/08-01-10.mp4", -1);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);

	/* Before probing: coverage is estimated, nothing read. */
	assert_int_equal(catalog_coverage(cat, "cam", s, s + 2 * MIN, &spans, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(spans[0].kind, CATALOG_SPAN_UNPROBED);
	assert_int_equal(spans[0].from_ms, s);
	free(spans);
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_int_equal(st.pending, 6);

	/* A range probes what it needs: 08:00:05 - 08:00:25. */
	assert_int_equal(catalog_range(cat, "cam", s + 5000, s + 25000, &rg,
	    &cause), 0);
	assert_int_equal(rg.n, 3);
	assert_int_equal(rg.gaps, 0);
	assert_int_equal(rg.pieces[0].from_ms, s + 5000);
	assert_int_equal(rg.pieces[0].length_ms, 5000);
	assert_int_equal(rg.pieces[0].offset_ms, 5000);
	assert_int_equal(rg.pieces[0].segment_start_ms, s);
	assert_int_equal(rg.pieces[0].status, CATALOG_OK);
	assert_non_null(strstr(rg.pieces[0].path, "/rec/cam/2026-11-20/08-00-00.mp4"));
	assert_int_equal(rg.pieces[1].from_ms, s + 10000);
	assert_int_equal(rg.pieces[1].length_ms, 10000);
	assert_int_equal(rg.pieces[1].offset_ms, 0);
	assert_int_equal(rg.pieces[2].length_ms, 5000);
	assert_int_equal(rg.playable_ms, 20000);
	catalog_range_free(&rg);
	assert_int_equal(catalog_state(cat, &st, NULL), 0);
	assert_int_equal(st.pending, 3);

	assert_int_equal(catalog_probe(cat, 0, NULL, &cause), 3);
	/* The whole stretch: gap 30-40, corrupt 40-50, gap 60-70, and the
	 * range reaches 5 s past both ends. */
	assert_int_equal(catalog_range(cat, "cam", s - 5000, s + 85000, &rg,
	    &cause), 0);
	assert_int_equal(rg.n, 10);
	assert_null(rg.pieces[0].path);			/* before the first */
	assert_int_equal(rg.pieces[0].length_ms, 5000);
	assert_null(rg.pieces[4].path);			/* 08:00:30 - :40 */
	assert_int_equal(rg.pieces[4].from_ms, s + 30000);
	assert_int_equal(rg.pieces[4].length_ms, 10000);
	assert_int_equal(rg.pieces[5].status, CATALOG_CORRUPT);
	assert_int_equal(rg.pieces[5].length_ms, 10000);	/* to the next */
	assert_int_equal(rg.pieces[6].status, CATALOG_OK);
	assert_null(rg.pieces[7].path);
	assert_int_equal(rg.pieces[7].length_ms, 10000);
	assert_int_equal(rg.pieces[8].from_ms, s + 70000);
	assert_int_equal(rg.pieces[8].length_ms, 10000);
	assert_null(rg.pieces[9].path);			/* after the last */
	assert_int_equal(rg.pieces[9].length_ms, 5000);
	assert_int_equal(rg.gaps, 4);
	assert_int_equal(rg.playable_ms, 50000);
	catalog_range_free(&rg);

	assert_int_equal(catalog_coverage(cat, "cam", s - 5000, s + 85000, &spans,
	    &n, &cause), 0);
	assert_int_equal(n, 4);
	assert_int_equal(spans[0].kind, CATALOG_SPAN_FOOTAGE);
	assert_int_equal(spans[0].from_ms, s);
	assert_int_equal(spans[0].to_ms, s + 30000);
	assert_int_equal(spans[1].kind, CATALOG_SPAN_BAD);
	assert_int_equal(spans[1].from_ms, s + 40000);
	assert_int_equal(spans[2].kind, CATALOG_SPAN_FOOTAGE);
	assert_int_equal(spans[2].to_ms, s + 60000);
	assert_int_equal(spans[3].from_ms, s + 70000);
	assert_int_equal(spans[3].to_ms, s + 80000);
	free(spans);

	assert_int_equal(catalog_at(cat, "cam", s + 12345, &pc, &cause), 1);
	assert_int_equal(pc.segment_start_ms, s + 10000);
	assert_int_equal(pc.offset_ms, 2345);
	assert_int_equal(pc.length_ms, 7655);
	free(pc.path);
	assert_int_equal(catalog_at(cat, "cam", s + 35000, &pc, &cause), 0);
	assert_int_equal(catalog_at(cat, "cam", s + 45000, &pc, &cause), 1);
	assert_int_equal(pc.status, CATALOG_CORRUPT);
	free(pc.path);
	assert_int_equal(catalog_at(cat, "nobody", s, &pc, &cause), 0);
	assert_int_equal(catalog_range(cat, "cam", s, s, &rg, &cause), 0);
	assert_int_equal(rg.n, 0);

	catalog_close(cat);
	free(cause);
}

/* The retention period of a camera for test_overdue: "cam" 1 day,
 * others 30. */
static int
days_for(const char *camera, void *arg)
{
	(void)arg;
	return strcmp(camera, "cam") == 0 ? 1 : 30;
}

static void
test_overdue(void **state)
{
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_overdue *od;
	struct catalog_segment *segs;
	char *cause = NULL;
	size_t n, nsegs;

	(void)state;
	put("cam/2026-11-18/08-00-00.mp4", 5);
	put("cam/2026-11-19/08-00-00.mp4", 7);
	put("cam/2026-11-20/08-00-00.mp4", 9);
	put("other/2026-11-01/08-00-00.mp4", 5);
	cat = open_cat("vigil", "UTC");
	assert_int_equal(scan(cat, &r), 0);
	catalog_scan_report_free(&r);
	/* Now: 2026-11-20 09:00 UTC.  cam: before 11-19 09:00 is overdue. */
	assert_int_equal(catalog_overdue(cat, T0 + 60 * MIN, days_for, NULL, &od,
	    &n, &segs, &nsegs, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(od[0].camera, "cam");
	assert_int_equal(od[0].days, 1);
	assert_int_equal(od[0].segments, 2);
	assert_int_equal(od[0].bytes, 12);
	assert_int_equal(od[0].oldest_ms, T0 - 2 * 86400000LL);
	assert_int_equal(nsegs, 2);
	assert_string_equal(segs[1].rel, "cam/2026-11-19/08-00-00.mp4");
	catalog_overdue_free(od, n);
	catalog_segments_free(segs, nsegs);
	assert_int_equal(catalog_overdue(cat, T0 + 40 * 86400000LL, days_for, NULL,
	    &od, &n, NULL, NULL, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(od[1].camera, "other");
	catalog_overdue_free(od, n);
	catalog_close(cat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settled_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_bad_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unavailable_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frigate_and_zone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_reason_utf8, setup,
		    teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	probe_silence_libav();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
