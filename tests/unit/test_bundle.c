/* test_bundle — writing a bundle and verifying it with stock minisign and
 * sha256sum and with bundle_verify(), intact and altered. */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "export/export.h"
#include "util/util.h"

static char dir[64];
static char *final;
static struct sign_key *key;
static char keyid[SIGN_KEYID_HEX];

static int
run(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) != -1);
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return rc;
}

/* Makes a fresh bundle from a 2-second clip; *out is its folder. */
static void
make_bundle(const char *reference, char **out)
{
	struct bundle_meta m;
	struct bundle *b;
	char *clip, *src, sums[65], *cause = NULL, *target;
	int64_t from = 1795257600000;

	target = xasprintf("%s/usb", dir);
	mkdir(target, 0755);
	src = xasprintf("%s/src.mp4", dir);
	if (access(src, F_OK) != 0)
		assert_int_equal(run("ffmpeg -v error -f lavfi -i testsrc2=size="
		    "160x90:rate=10 -t 2 -c:v libx264 -g 10 -pix_fmt yuv420p '%s'",
		    src), 0);
	memset(&m, 0, sizeof m);
	m.exporter = "bob";
	m.approver = "dora";
	m.reason_code = "POLICE";
	m.reason_label = "police request";
	m.legal_basis = "GDPR art. 6(1)(c)";
	m.reference = reference;
	m.requester = "Itä-Uusimaa police";
	m.recipient = "Constable Virtanen";
	m.mode = "original";
	m.site = "Demo library";
	m.recorder = dir;
	m.log_id = "000102030405060708090a0b0c0d0e0f";
	m.export_seq = 42;
	m.ckpt_epoch = -1;
	m.key_id = keyid;
	b = bundle_begin(target, &m, from + 86400000, &cause);
	if (b == NULL)
		fail_msg("begin: %s", cause);
	assert_int_equal(bundle_add_range(b, "entrance", from, from + 2000,
	    &cause), 0);
	assert_int_equal(bundle_add_source(b, "entrance", src, &cause), 0);
	clip = bundle_clip_path(b, "entrance", from, from + 2000);
	assert_int_equal(run("cp '%s' '%s'", src, clip), 0);
	if (bundle_add_clip(b, clip, "entrance", from, from + 2000, 2000, "h264",
	    &cause) != 0)
		fail_msg("add clip: %s", cause);
	if (bundle_finish(b, key, out, sums, &cause) != 0)
		fail_msg("finish: %s", cause);
	assert_int_equal(strlen(sums), 64);
	free(clip);
	free(src);
	free(target);
}

static int
stock_ok(const char *b)
{
	return run("cd '%s' && minisign -Vm SHA256SUMS -p vigil-%s.pub -q && "
	    "sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1", b, keyid) == 0;
}

static int
verify(const char *b, const char *needle)
{
	char *report = NULL;
	int rc = bundle_verify(b, &report);

	if (needle != NULL && strstr(report, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, report);
	free(report);
	return rc;
}

static void
test_intact(void **state)
{
	struct stat sb;
	char *p;

	(void)state;
	make_bundle("2026/1234", &final);
	p = strrchr(final, '/') + 1;
	assert_string_equal(p, "VIGIL-2026-1234-20261122T104000Z");
	assert_true(stock_ok(final));
	assert_int_equal(verify(final, "intact"), 0);
	p = xasprintf("%s/HANDOVER.txt", final);
	assert_int_equal(stat(p, &sb), 0);
	free(p);
	assert_int_equal(run("grep -q 'Constable Virtanen' '%s/HANDOVER.txt' && "
	    "grep -q '%s' '%s/HANDOVER.txt' && grep -q 'Export record (seq): *42' "
	    "'%s/HANDOVER.txt'", final, keyid, final, final), 0);
	assert_int_equal(run("ffprobe -v error -show_entries format=duration -of "
	    "csv=p=0 %s/clips/*.mp4 | grep -q '^2\\.'", final), 0);
	/* No partial folder is left behind. */
	assert_int_equal(run("ls -a '%s/usb' | grep -q vigil-partial", dir), 256);
}

/* Copies the bundle, applies cmd inside the copy, and checks that stock
 * tools and bundle_verify() both refuse it. */
static void
altered(const char *cmd, const char *needle)
{
	char *copy = xasprintf("%s/copy", dir);

	assert_int_equal(run("rm -rf '%s' && cp -a '%s' '%s'", copy, final, copy), 0);
	assert_int_equal(run("cd '%s' && %s", copy, cmd), 0);
	assert_false(stock_ok(copy));
	assert_int_equal(verify(copy, needle), 1);
	free(copy);
}

/* A shell command that flips the lowest bit of the byte at OFF of FILE. */
#define FLIP(file, off) "/usr/bin/python3 -c 'import sys; f = open(sys.argv[1], " \
	"\"r+b\"); f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); " \
	"f.write(bytes([b[0] ^ 1]))' " file " " off

static void
test_altered(void **state)
{
	(void)state;
	altered(FLIP("\"$(ls clips/*.mp4)\"", "2000"), "does not match");
	altered("sed -i 's/Constable/Sergeant/' manifest.json", "manifest.json");
	altered(FLIP("SHA256SUMS", "0"), "SHA256SUMS");
	altered("sed -i 's/reference=2026/reference=2027/' SHA256SUMS.minisig",
	    "SHA256SUMS");
}

static void
test_extra_and_partial(void **state)
{
	char *copy = xasprintf("%s/copy", dir), *partial;

	(void)state;
	assert_int_equal(run("rm -rf '%s' && cp -a '%s' '%s' && "
	    "echo x > '%s/clips/extra.mp4'", copy, final, copy, copy), 0);
	assert_int_equal(verify(copy, "not in SHA256SUMS"), 1);
	partial = xasprintf("%s/.vigil-partial-0011223344556677", dir);
	assert_int_equal(run("cp -a '%s' '%s'", final, partial), 0);
	assert_int_equal(verify(partial, "unfinished"), 2);
	assert_int_equal(verify("/nonexistent/bundle", NULL), 2);
	free(copy);
	free(partial);
}

static void
test_abort_and_bad_target(void **state)
{
	struct bundle_meta m;
	struct bundle *b;
	char *cause = NULL, *target = xasprintf("%s/usb2", dir);

	(void)state;
	memset(&m, 0, sizeof m);
	m.reference = "INC-7";
	m.ckpt_epoch = -1;
	m.key_id = keyid;
	assert_null(bundle_begin("/nonexistent/usb", &m, 0, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(mkdir(target, 0755), 0);
	b = bundle_begin(target, &m, 0, &cause);
	assert_non_null(b);
	bundle_abort(b);
	assert_int_equal(run("[ -z \"$(ls -A '%s')\" ]", target), 0);
	m.reference = "";
	assert_null(bundle_begin(target, &m, 0, &cause));
	free(cause);
	free(target);
}

static int
setup(void **state)
{
	char *sk, *pk, *cause = NULL;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/vigil-bundle.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	sk = xasprintf("%s/site.key", dir);
	pk = xasprintf("%s/site.pub", dir);
	if (sign_keygen(sk, pk, NULL, 0, 0, &cause) != 0 ||
	    (key = sign_key_load(sk, NULL, &cause)) == NULL)
		return -1;
	sign_key_id(key, keyid);
	free(sk);
	free(pk);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sign_key_free(key);
	free(final);
	return run("rm -rf '%s'", dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_altered),
		cmocka_unit_test(test_extra_and_partial),
		cmocka_unit_test(test_abort_and_bad_target),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
