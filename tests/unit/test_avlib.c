/* test_avlib — FFmpeg that cannot be loaded is an error the caller shows,
 * not an exit: the loader says why, the catalog leaves its segments
 * pending, a clip is refused with the reason, and once the libraries load
 * everything goes on.  The load is made to fail with the loader's test
 * hook (avlib_test_fail()), before anything in this process calls FFmpeg:
 * the libraries stay loaded once they are. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "av/av.h"
#include "export/export.h"
#include "footage/footage.h"
#include "util/util.h"

#define ABSENT	"libvigil-test-absent.so.0"

static char tmpdir[] = "/tmp/vigil-test-avlib.XXXXXX";

/* Fails unless msg is the loader's message naming the absent library. */
static void
expect_load_error(const char *what, const char *msg)
{
	if (msg == NULL || strstr(msg, "FFmpeg cannot be loaded") == NULL ||
	    strstr(msg, ABSENT) == NULL)
		fail_msg("%s: expected the loader's message, got: %s", what,
		    msg != NULL ? msg : "(none)");
}

/* The pending segments of the catalog. */
static int64_t
pending(struct catalog *cat)
{
	struct catalog_state s;
	char *cause = NULL;

	if (catalog_state(cat, &s, &cause) != 0)
		fail_msg("catalog_state: %s", cause);
	return s.pending;
}

static void
test_load_failure(void **state)
{
	struct catalog_opts o;
	struct catalog_scan_report rep;
	struct catalog *cat;
	struct clip_opts co;
	struct clip_piece piece;
	struct clip_result res;
	char *cause = NULL, *root, *cam, *db, *dir, *seg, *out;
	int64_t left = -1;
	int fd, w, h;

	(void)state;
	root = xasprintf("%s/recorder", tmpdir);
	cam = xasprintf("%s/gate", root);
	dir = xasprintf("%s/2026-11-20", cam);
	seg = xasprintf("%s/08-00-00.mp4", dir);
	db = xasprintf("%s/catalog.db", tmpdir);
	out = xasprintf("%s/out.mp4", tmpdir);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(cam, 0755), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	fd = open(seg, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a video", 11), 11);
	close(fd);

	/* Nothing has loaded FFmpeg yet; now it cannot be. */
	avlib_test_fail(ABSENT);
	assert_int_equal(avlib_ready(&cause), -1);
	expect_load_error("avlib_ready", cause);
	free(cause);
	cause = NULL;

	/* The catalog: found, not probed, and left pending with the reason
	 * (never marked unreadable or corrupt for want of FFmpeg). */
	memset(&o, 0, sizeof o);
	o.db = db;
	o.root = root;
	o.pattern = "vigil";
	o.timezone = "UTC";
	if ((cat = catalog_open(&o, &cause)) == NULL)
		fail_msg("catalog_open: %s", cause);
	if (catalog_scan(cat, 0, &rep, &cause) != 0)
		fail_msg("catalog_scan: %s", cause);
	catalog_scan_report_free(&rep);
	assert_int_equal(pending(cat), 1);
	assert_int_equal(catalog_probe(cat, 0, &left, &cause), -1);
	expect_load_error("catalog_probe", cause);
	free(cause);
	cause = NULL;
	assert_int_equal(pending(cat), 1);

	/* A clip: refused with the reason, no output file made. */
	assert_int_equal(clip_frame_size(seg, &w, &h, &cause), -1);
	expect_load_error("clip_frame_size", cause);
	free(cause);
	cause = NULL;
	memset(&co, 0, sizeof co);
	memset(&piece, 0, sizeof piece);
	piece.path = seg;
	piece.start_ms = 0;
	piece.length_ms = 10000;
	co.pieces = &piece;
	co.npieces = 1;
	co.from_ms = 0;
	co.to_ms = 5000;
	co.out = out;
	assert_int_equal(clip_original(&co, &res, &cause), -1);
	expect_load_error("clip_original", cause);
	free(cause);
	cause = NULL;
	clip_result_free(&res);
	assert_int_equal(access(out, F_OK), -1);

	/* The libraries can be loaded again: the same calls go on. */
	avlib_test_fail(NULL);
	if (avlib_ready(&cause) != 0)
		fail_msg("avlib_ready: %s", cause);
	assert_int_equal(catalog_probe(cat, 0, &left, &cause), 1);
	assert_int_equal(left, 0);
	assert_int_equal(pending(cat), 0);	/* probed: not a video */
	/* Once loaded, the hook changes nothing. */
	avlib_test_fail(ABSENT);
	assert_int_equal(avlib_ready(&cause), 0);
	avlib_test_fail(NULL);
	catalog_close(cat);
	free(root);
	free(cam);
	free(dir);
	free(seg);
	free(db);
	free(out);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd;
	int rc;

	(void)state;
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
