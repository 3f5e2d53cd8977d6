/* A recorder folder with 100,000 files (footage/catalog_scan.c): every
 * second of a day as a segment name plus 13,600 other names in one
 * folder; the scan, a rescan and a day's queries cope with it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "footage/footage.h"
#include "util/util.h"

#define T0		1795132800000LL		/* 2026-11-20T00:00:00Z */
#define SEGMENTS	86400
#define OTHERS		13600

static char tmpdir[] = "/tmp/vigil-test-bigdir.XXXXXX";
static char *day;

/* Creates (or, with unlink_them, removes) the files in the day folder. */
static int
bigdir_files(int unlink_them)
{
	char name[64];
	int dfd, fd, i;

	if ((dfd = open(day, O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	for (i = 0; i < SEGMENTS + OTHERS; i++) {
		if (i < SEGMENTS)
			snprintf(name, sizeof name, "%02d-%02d-%02d.mp4", i / 3600,
			    i / 60 % 60, i % 60);
		else
			snprintf(name, sizeof name, "other file %05d.txt", i);
		if (unlink_them) {
			unlinkat(dfd, name, 0);
			continue;
		}
		if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1) {
			close(dfd);
			return -1;
		}
		close(fd);
	}
	close(dfd);
	return 0;
}

static int
setup(void **state)
{
	char *p;

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	day = xasprintf("%s/rec/cam/2026-11-20", tmpdir);
	p = xasprintf("%s/rec", tmpdir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/rec/cam", tmpdir);
	mkdir(p, 0755);
	free(p);
	if (mkdir(day, 0755) == -1)
		return -1;
	return bigdir_files(0);
}

static int
teardown(void **state)
{
	char *cmd;
	int rc;

	(void)state;
	bigdir_files(1);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	rc = system(cmd);
	free(cmd);
	free(day);
	return rc == 0 ? 0 : -1;
}

static void
test_bigdir(void **state)
{
	struct catalog_opts o;
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_span *spans;
	struct catalog_range rg;
	struct catalog_day *days;
	struct catalog_state st;
	char *cause = NULL, *root, *db;
	size_t n;

	(void)state;
	root = xasprintf("%s/rec", tmpdir);
	db = xasprintf("%s/catalog.db", tmpdir);
	o.db = db;
	o.root = root;
	o.pattern = "vigil";
	o.timezone = "UTC";
	cat = catalog_open(&o, &cause);
	assert_non_null(cat);

	if (catalog_scan(cat, 0, &r, &cause) != 0)
		fail_msg("scan: %s", cause);
	assert_int_equal(r.files, SEGMENTS);
	assert_int_equal(r.added, SEGMENTS);
	assert_int_equal(r.other, OTHERS);
	catalog_scan_report_free(&r);

	assert_int_equal(catalog_scan(cat, 0, &r, &cause), 0);
	assert_int_equal(r.unchanged, SEGMENTS);
	assert_int_equal(r.added + r.changed + r.gone, 0);
	catalog_scan_report_free(&r);

	/* Empty files are corrupt at once: nothing is left to probe. */
	assert_int_equal(catalog_state(cat, &st, &cause), 0);
	assert_int_equal(st.segments, SEGMENTS);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.bad, SEGMENTS);

	assert_int_equal(catalog_days(cat, "cam", &days, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(days[0].segments, SEGMENTS);
	free(days);

	/* Each empty file counts as one bad second: one span for the day. */
	assert_int_equal(catalog_coverage(cat, "cam", T0, T0 + 86400000LL, &spans,
	    &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(spans[0].kind, CATALOG_SPAN_BAD);
	assert_int_equal(spans[0].from_ms, T0);
	free(spans);

	assert_int_equal(catalog_range(cat, "cam", T0 + 3600000, T0 + 3660000, &rg,
	    &cause), 0);
	assert_int_equal(rg.n, 60);
	assert_int_equal(rg.gaps, 0);
	assert_int_equal(rg.playable_ms, 0);
	catalog_range_free(&rg);

	catalog_close(cat);
	free(root);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bigdir),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, setup, teardown);
}
