/* vigil.conf (config/): defaults, every key, every kind of bad input
 * reported as FILE:LINE, the printed configuration reading back to
 * itself, reason checks, and the config-loaded audit entry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "config/config.h"
#include "session/session.h"
#include "footage/footage.h"
#include "util/util.h"

static char tmpdir[] = "/tmp/vigil-test-config.XXXXXX";

/* Writes text (len bytes, or strlen when len is 0) to tmpdir/name. */
static char *
write_conf(const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fwrite(text, 1, len != 0 ? len : strlen(text), f);
	fclose(f);
	chmod(path, 0644);
	return path;
}

/* Loads text and expects it to be refused as invalid with every one of
 * the NULL-terminated fragments in the message. */
static void
expect_invalid(const char *text, ...)
{
	struct config *c = (struct config *)1;
	char *path, *cause = NULL;
	const char *frag;
	va_list ap;

	path = write_conf("bad.conf", text, 0);
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_INVALID);
	assert_null(c);
	assert_non_null(cause);
	va_start(ap, text);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (strstr(cause, frag) == NULL)
			fail_msg("expected '%s' in: %s", frag, cause);
	}
	va_end(ap);
	free(cause);
	free(path);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char *cmd;

	(void)state;
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	return 0;
}

/* The built-in defaults are DESIGN.md's. */
static void
test_defaults(void **state)
{
	struct config *c = config_defaults();
	const struct config_reason *r;
	const struct config_review *rv;

	(void)state;
	assert_null(config_file(c));
	assert_string_equal(config_site_name(c), "vigil");
	assert_string_equal(config_pattern_spec(c), "vigil");
	assert_string_equal(config_pattern(c), PATTERN_PRESET_VIGIL);
	assert_string_equal(config_timezone(c), "UTC");
	assert_string_equal(config_catalog_db(c), "/var/lib/vigil/catalog.db");
	assert_string_equal(config_audit_db(c), "/var/lib/vigil/audit.db");
	assert_string_equal(config_audit_state(c), "/var/lib/vigil/audit.state");
	assert_string_equal(config_export_roots(c)[0], "/media");
	assert_null(config_export_roots(c)[1]);
	assert_string_equal(config_group(c, CONFIG_ROLE_VIEWER), "vigil-viewer");
	assert_string_equal(config_group(c, CONFIG_ROLE_EXPORTER), "vigil-exporter");
	assert_string_equal(config_group(c, CONFIG_ROLE_AUDITOR), "vigil-auditor");
	assert_string_equal(config_group(c, CONFIG_ROLE_ADMIN), "vigil-admin");
	assert_int_equal(config_video_output(c), CONFIG_VO_AUTO);
	assert_null(config_audio_cameras(c)[0]);
	assert_int_equal(config_audio_camera(c, "entrance"), 0);
	assert_int_equal(config_idle_lock(c), 300);
	assert_string_equal(config_pam_service(c), "vigil");
	assert_string_equal(config_service_user(c), "vigil");
	assert_null(config_password_help(c));
	assert_string_equal(config_signing_key(c), "/var/lib/vigil/keys/vigil-export.key");
	assert_string_equal(config_require_approval(c)[0], "POLICE");
	assert_string_equal(config_require_approval(c)[1], "DSAR");
	assert_int_equal(config_retention_days(c, "entrance"), 7);
	assert_int_equal(config_checkpoint_every(c), AUDIT_CHECKPOINT_EVERY);
	assert_int_equal(config_reason_count(c), 5);
	r = config_reason_find(c, "SYSCHECK");
	assert_non_null(r);
	assert_int_equal(r->cap_seconds, 120);
	assert_int_equal(r->range_max_minutes, CONFIG_RANGE_MAX_CAPPED);
	assert_int_equal(r->requires, 0);
	assert_int_equal(config_reason_find(c, "INCIDENT")->range_max_minutes,
	    0);
	r = config_reason_find(c, "POLICE");
	assert_int_equal(r->requires, CONFIG_REQ_REFERENCE | CONFIG_REQ_AUTHORITY);
	assert_true(r->needs_approval);
	assert_true(strstr(r->legal_basis, "GDPR") != NULL);
	assert_false(config_reason_find(c, "INCIDENT")->needs_approval);
	assert_null(config_reason_find(c, "BROWSE"));
	rv = config_review(c);
	assert_int_equal(rv->work_from, 7 * 60);
	assert_int_equal(rv->work_to, 18 * 60);
	assert_int_equal(rv->max_view_minutes, 20);
	config_free(c);
}

static const char full_conf[] =
	"# a full configuration\n"
	"[site]\n"
	"name = Sello library · PC 2\n"
	"\n"
	"[paths]\n"
	"recorder = rec\n"
	"pattern = frigate\n"
	"timezone = local\n"
	"catalog_db = /var/tmp/cat.db\n"
	"audit_db = /var/tmp/audit.db\n"
	"audit_state = /var/tmp/audit.state\n"
	"key_dir = keys\n"
	"export_roots = /media, usb stick ,/mnt/usb\n"
	"[roles]\n"
	"viewer_group = staff\n"
	"exporter_group = staff-export\n"
	"auditor_group = dpo\n"
	"admin_group = it_admin\n"
	"[player]\n"
	"video_output = null ; comment\n"
	"audio_cameras = desk, reading room\n"
	"[session]\n"
	"idle_lock = 120\n"
	"pam_service = vigil-test\n"
	"service_user = _vigil\n"
	"password_help = Change it at https://id.example.org/ or call 1234.\n"
	"[export]\n"
	"require_approval = POLICE\n"
	"signing_key = /etc/vigil/sign.key\n"
	"legal_basis.POLICE = Police Act 4 §\n"
	"[retention]\n"
	"default_days = 3\n"
	"camera.entrance = 28\n"
	"camera.reading room = 1\n"
	"[audit]\n"
	"checkpoint_every = 1\n"
	"[review]\n"
	"working_hours = 06:30-21\n"
	"max_view_minutes = 30\n"
	"max_views_per_day = 5\n"
	"max_cameras_per_reference = 2\n"
	"[reason POLICE]\n"
	"label = police request\n"
	"requires = reference, authority\n"
	"reference_regex = [0-9]{4}/[0-9]+\n"
	"note_min = 10\n"
	"[reason SYSCHECK]\n"
	"label = routine check\n"
	"requires =\n"
	"cap_seconds = 60\n"
	"range_max = 30\n";

/* Every key set; relative paths from the file's folder. */
static void
test_full(void **state)
{
	struct config *c;
	const struct config_reason *r;
	char *path, *cause = NULL, *want;
	unsigned char h[32], expect[32];
	int days;

	(void)state;
	path = write_conf("full.conf", full_conf, 0);
	assert_int_equal(config_load(path, &c, &cause), 0);
	assert_null(cause);
	assert_string_equal(config_file(c), path);
	assert_int_equal(config_file_blake2b(c, h), 0);
	crypto_generichash(expect, 32, (const unsigned char *)full_conf,
	    strlen(full_conf), NULL, 0);
	assert_memory_equal(h, expect, 32);
	assert_string_equal(config_site_name(c), "Sello library · PC 2");
	want = xasprintf("%s/rec", tmpdir);
	assert_string_equal(config_recorder(c), want);
	free(want);
	assert_string_equal(config_pattern_spec(c), "frigate");
	assert_string_equal(config_pattern(c), PATTERN_PRESET_FRIGATE);
	assert_string_equal(config_timezone(c), "local");
	want = xasprintf("%s/keys", tmpdir);
	assert_string_equal(config_key_dir(c), want);
	free(want);
	want = xasprintf("%s/usb stick", tmpdir);
	assert_string_equal(config_export_roots(c)[0], "/media");
	assert_string_equal(config_export_roots(c)[1], want);
	assert_string_equal(config_export_roots(c)[2], "/mnt/usb");
	assert_null(config_export_roots(c)[3]);
	free(want);
	assert_string_equal(config_group(c, CONFIG_ROLE_ADMIN), "it_admin");
	assert_int_equal(config_video_output(c), CONFIG_VO_NULL);
	assert_true(config_audio_camera(c, "reading room"));
	assert_false(config_audio_camera(c, "entrance"));
	assert_int_equal(config_idle_lock(c), 120);
	assert_string_equal(config_pam_service(c), "vigil-test");
	assert_string_equal(config_service_user(c), "_vigil");
	assert_string_equal(config_password_help(c),
	    "Change it at https://id.example.org/ or call 1234.");
	assert_string_equal(config_signing_key(c), "/etc/vigil/sign.key");
	assert_int_equal(config_retention_default(c), 3);
	assert_int_equal(config_retention_days(c, "entrance"), 28);
	assert_int_equal(config_retention_days(c, "reading room"), 1);
	assert_int_equal(config_retention_days(c, "stacks"), 3);
	assert_int_equal(config_retention_count(c), 2);
	assert_string_equal(config_retention_camera(c, 0, &days), "entrance");
	assert_int_equal(days, 28);
	assert_int_equal(config_checkpoint_every(c), 1);
	assert_int_equal(config_review(c)->work_from, 6 * 60 + 30);
	assert_int_equal(config_review(c)->work_to, 21 * 60);
	assert_int_equal(config_review(c)->max_cameras_per_reference, 2);
	/* The file's reasons replace the defaults. */
	assert_int_equal(config_reason_count(c), 2);
	assert_null(config_reason_find(c, "INCIDENT"));
	r = config_reason_find(c, "POLICE");
	assert_string_equal(r->label, "police request");
	assert_string_equal(r->reference_regex, "[0-9]{4}/[0-9]+");
	assert_int_equal(r->note_min, 10);
	assert_string_equal(r->legal_basis, "Police Act 4 §");
	assert_true(r->needs_approval);
	r = config_reason_find(c, "SYSCHECK");
	assert_int_equal(r->requires, 0);
	assert_int_equal(r->cap_seconds, 60);
	assert_int_equal(r->range_max_minutes, 30);
	assert_false(r->needs_approval);
	assert_true(strstr(r->legal_basis, "art. 32") != NULL);
	config_free(c);
	free(path);
}

/* The printed configuration reads back to the same configuration. */
static void
test_print_roundtrip(void **state)
{
	struct config *c, *d;
	char *path, *printed, *again, *cause = NULL, *copy;
	size_t len, len2;
	FILE *f;

	(void)state;
	path = write_conf("full.conf", full_conf, 0);
	assert_int_equal(config_load(path, &c, &cause), 0);
	f = open_memstream(&printed, &len);
	assert_int_equal(config_print(c, f), 0);
	fclose(f);
	copy = write_conf("printed.conf", printed, 0);
	if (config_load(copy, &d, &cause) != 0)
		fail_msg("printed configuration refused: %s\n%s", cause, printed);
	f = open_memstream(&again, &len2);
	assert_int_equal(config_print(d, f), 0);
	fclose(f);
	/* Equal after the header lines (which name the file and its hash). */
	assert_string_equal(strstr(printed, "\n[site]"), strstr(again, "\n[site]"));
	config_free(c);
	config_free(d);
	free(printed);
	free(again);
	free(path);
	free(copy);

	c = config_defaults();
	f = open_memstream(&printed, &len);
	assert_int_equal(config_print(c, f), 0);
	fclose(f);
	copy = write_conf("defaults.conf", printed, 0);
	assert_int_equal(config_load(copy, &d, &cause), 0);
	assert_int_equal(config_reason_count(d), 5);
	assert_int_equal(config_reason_find(d, "SYSCHECK")->cap_seconds, 120);
	config_free(c);
	config_free(d);
	free(printed);
	free(copy);
}

/* A relative path that fits on its line in the file but not once taken
 * from the file's folder: the printed file would not load, so it is
 * refused (found by fuzz/fuzz_config.c). */
static void
test_print_too_long(void **state)
{
	char name[176], *text;

	(void)state;
	memset(name, 'w', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	text = xasprintf("[paths]\nexport_roots = %s\n", name);
	expect_invalid(text, "[paths] export_roots", "relative paths", NULL);
	free(text);
}

/* An empty file is all defaults (but names the file). */
static void
test_empty_file(void **state)
{
	struct config *c;
	char *path, *cause = NULL;
	unsigned char h[32], expect[32];

	(void)state;
	path = write_conf("empty.conf", "", 0);
	assert_int_equal(config_load(path, &c, &cause), 0);
	assert_int_equal(config_file_blake2b(c, h), 0);
	crypto_generichash(expect, 32, (const unsigned char *)"", 0, NULL, 0);
	assert_memory_equal(h, expect, 32);
	assert_int_equal(config_reason_count(c), 5);
	config_free(c);
	free(path);
}

/* Files that cannot be read are CONFIG_ERR_READ with a clear message. */
static void
test_unreadable(void **state)
{
	struct config *c;
	char *path, *cause = NULL;

	(void)state;
	path = xasprintf("%s/missing.conf", tmpdir);
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_READ);
	assert_null(c);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	cause = NULL;
	free(path);

	assert_int_equal(config_load(tmpdir, &c, &cause), CONFIG_ERR_READ);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	cause = NULL;

	path = write_conf("open.conf", "[site]\nname = x\n", 0);
	chmod(path, 0666);
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_READ);
	assert_non_null(strstr(cause, "writable by anyone"));
	free(cause);
	free(path);
}

/* A path naming a FIFO, a device or a folder is refused at once with a
 * clear message (a FIFO with no writer used to block the open forever). */
static void
test_not_regular(void **state)
{
	struct config *c = (struct config *)1;
	char *path, *cause = NULL;

	(void)state;
	path = xasprintf("%s/fifo.conf", tmpdir);
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(10);	/* a hang ends the test instead of the suite */
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_READ);
	alarm(0);
	assert_null(c);
	assert_non_null(cause);
	if (strstr(cause, "fifo.conf: not a regular file (a FIFO)") == NULL)
		fail_msg("unexpected message: %s", cause);
	free(cause);
	cause = NULL;
	free(path);

	c = (struct config *)1;
	alarm(10);
	assert_int_equal(config_load("/dev/null", &c, &cause), CONFIG_ERR_READ);
	alarm(0);
	assert_null(c);
	if (strstr(cause, "/dev/null: not a regular file (a character device)") ==
	    NULL)
		fail_msg("unexpected message: %s", cause);
	free(cause);
}

/* A value quoted in a message is shortened at a character boundary: the
 * message stays valid UTF-8. */
static void
test_quote_utf8(void **state)
{
	struct config *c;
	char *path, *cause = NULL, *text, value[81];
	size_t i;
	int odd;

	(void)state;
	for (odd = 0; odd < 2; odd++) {
		/* "é" is two bytes: 40 of them, after one ASCII byte or none,
		 * so that byte 57 falls in the middle of one either way. */
		i = 0;
		if (odd)
			value[i++] = 'x';
		while (i + 2 <= 80) {
			value[i++] = '\xc3';
			value[i++] = '\xa9';
		}
		value[i] = '\0';
		text = xasprintf("[session]\nidle_lock = %s\n", value);
		path = write_conf("quote.conf", text, 0);
		assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_INVALID);
		if (!utf8_valid(cause, strlen(cause)))
			fail_msg("message is not valid UTF-8: %s", cause);
		assert_non_null(strstr(cause, "\xc3\xa9...'"));
		free(cause);
		cause = NULL;
		free(path);
		free(text);
	}
}

/* Each kind of bad input, with its line and what is expected. */
static void
test_errors(void **state)
{
	(void)state;
	expect_invalid("[site]\nname = x\nthis is not a key\n",
	    "bad.conf:3:", "expected 'key = value'", NULL);
	expect_invalid("[sight]\nname = x\n",
	    "bad.conf:1:", "unknown section [sight]", "[reason CODE]", NULL);
	expect_invalid("[paths]\nrecorder = /r\nrecordr = /x\n",
	    "bad.conf:3:", "unknown key 'recordr' in [paths]", "recorder, pattern",
	    NULL);
	expect_invalid("[session]\nidle_lock = soon\n",
	    "bad.conf:2:", "not a whole number", "seconds from 1 to 86400", NULL);
	expect_invalid("[session]\nidle_lock = 0\n",
	    "bad.conf:2:", "out of range", NULL);
	/* A log is never without checkpoints (vigil-audit(5)). */
	expect_invalid("[audit]\ncheckpoint_every = 0\n",
	    "bad.conf:2:", "out of range", "from 1 to 1000000", NULL);
	expect_invalid("[session]\nidle_lock = 99999999999999999999\n",
	    "bad.conf:2:", "not a whole number", NULL);
	expect_invalid("[player]\nvideo_output = x11\n",
	    "bad.conf:2:", "not a video output", "auto, drm, gpu, tct, sixel or null",
	    NULL);
	expect_invalid("[paths]\npattern = {camera}/{Y}-{mm}.mp4\n",
	    "bad.conf:2:", "unknown token '{mm}'", NULL);
	expect_invalid("[paths]\npattern = {camera}/{Y}.mp4\n",
	    "bad.conf:2:", "needs at least", NULL);
	expect_invalid("[paths]\ntimezone = Mars/Olympus\n",
	    "bad.conf:2:", "unknown time zone", NULL);
	expect_invalid("[paths]\ntimezone = +25:00\n", "bad.conf:2:", "bad offset",
	    NULL);
	expect_invalid("[reason INCIDENT]\nreference_regex = ([0-9]\n",
	    "bad.conf:2:", "invalid regular expression",
	    "POSIX extended regular expression", NULL);
	expect_invalid("[site]\nname = a\nname = b\n",
	    "bad.conf:3:", "given again (first on line 2)", NULL);
	expect_invalid("[site]\nname = a\n[paths]\n[site]\n",
	    "bad.conf:4:", "section [site] given again", NULL);
	expect_invalid("[site]\nname = a\n  other = b\n",
	    "bad.conf:3:", "indented line continues 'name'", NULL);
	expect_invalid("name = a\n", "bad.conf:1:", "outside any section", NULL);
	expect_invalid("[paths\nrecorder = /x\n",
	    "bad.conf:1:", "section header without ']'", NULL);
	expect_invalid("[paths]\nexport_roots = /a,,/b\n",
	    "bad.conf:2:", "empty item", NULL);
	expect_invalid("[roles]\nviewer_group = bad group\n",
	    "bad.conf:2:", "not a valid name", "a Unix group name", NULL);
	expect_invalid("[session]\nservice_user = root user\n",
	    "bad.conf:2:", "not a valid name", "a user name", NULL);
	expect_invalid("[session]\npam_service = ../login\n",
	    "bad.conf:2:", "not a valid name", "a PAM service name", NULL);
	expect_invalid("[review]\nworking_hours = 18-07\n",
	    "bad.conf:2:", "ends before it starts", NULL);
	expect_invalid("[review]\nworking_hours = 7-18\n",
	    "bad.conf:2:", "not a span of hours", NULL);
	expect_invalid("[reason police]\nlabel = x\n",
	    "bad.conf:1:", "not a reason code", NULL);
	expect_invalid("[reason A]\n[reason A]\n",
	    "bad.conf:2:", "[reason A] given again (first on line 1)", NULL);
	expect_invalid("[reason A]\nrequires = reference, signature\n",
	    "bad.conf:2:", "'signature' is not a field", NULL);
	expect_invalid("[reason A]\nlabel = x\n",
	    "bad.conf:1:", "require_approval (default POLICE, DSAR) names POLICE",
	    NULL);
	expect_invalid("[export]\nrequire_approval = NOPE\n",
	    "bad.conf:2:", "names NOPE, which is not a reason", NULL);
	expect_invalid("[export]\nlegal_basis.NOPE = x\n",
	    "bad.conf:2:", "no reason NOPE is defined", NULL);
	expect_invalid("[export]\nlegal_basis.lower = x\n",
	    "bad.conf:2:", "not a reason code", NULL);
	expect_invalid("[retention]\ncamera.entrance = forever\n",
	    "bad.conf:2:", "expected days from 1 to 3650", NULL);
	expect_invalid("[retention]\ncamera.entrance = 0\n",
	    "bad.conf:2:", "out of range", NULL);
	expect_invalid("[paths]\ncatalog_db = /x/a.db\naudit_db = /x/a.db\n",
	    "bad.conf:1:", "name the same file", NULL);
	expect_invalid("[site]\nname =\n", "bad.conf:2:", "empty", NULL);
	expect_invalid("[site]\nname = tab\there\n", "bad.conf:2:",
	    "control characters", NULL);
	expect_invalid("[player]\naudio_cameras = .hidden\n", "bad.conf:2:",
	    "not a camera name", NULL);
}

/* Lines libinih cannot hold, NUL bytes and non-UTF-8 are reported, not cut. */
static void
test_bytes(void **state)
{
	struct config *c;
	char *path, *cause = NULL, line[400];
	char *text;

	(void)state;
	memset(line, 'x', sizeof line);
	line[sizeof line - 1] = '\0';
	text = xasprintf("[site]\nname = %s\n", line);
	expect_invalid(text, "bad.conf:2:", "line longer than", NULL);
	free(text);
	/* Long keys are read whole (a camera name of 120 bytes). */
	text = xasprintf("[retention]\ncamera.%.120s = 3\n", line);
	path = write_conf("longkey.conf", text, 0);
	assert_int_equal(config_load(path, &c, &cause), 0);
	line[120] = '\0';
	assert_int_equal(config_retention_days(c, line), 3);
	config_free(c);
	free(path);
	free(text);
	/* An indented continuation of a long key is still refused. */
	text = xasprintf("[retention]\ncamera.%s = 3\n  default_days = 4\n", line);
	expect_invalid(text, "bad.conf:3:", "indented line continues", NULL);
	free(text);
	expect_invalid("[site]\nname = caf\xe9\n", "bad.conf:2:", "not valid UTF-8",
	    NULL);

	path = write_conf("nul.conf", "[site]\nname = a\0b\n", 17);
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_INVALID);
	assert_non_null(strstr(cause, "nul.conf:2: NUL byte"));
	free(cause);
	free(path);

	/* A UTF-8 byte order mark and CRLF line ends are fine. */
	path = write_conf("bom.conf", "\xef\xbb\xbf[site]\r\nname = BOM\r\n", 0);
	cause = NULL;
	assert_int_equal(config_load(path, &c, &cause), 0);
	assert_string_equal(config_site_name(c), "BOM");
	config_free(c);
	free(path);
}

/* Several problems are all reported, each on its own line. */
static void
test_many_errors(void **state)
{
	struct config *c;
	char *path, *cause = NULL, *p;
	int lines = 1;

	(void)state;
	path = write_conf("many.conf", "[site]\nnme = x\n[session]\nidle_lock = -1\n"
	    "[player]\nvideo_output = tv\n", 0);
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_INVALID);
	for (p = cause; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3);
	assert_non_null(strstr(cause, "many.conf:2:"));
	assert_non_null(strstr(cause, "many.conf:4:"));
	assert_non_null(strstr(cause, "many.conf:6:"));
	free(cause);
	free(path);
}

/* Fifty problems in a file with a long name: every one is reported, then
 * the line saying the rest were not looked at (the message once outgrew
 * its buffer when the name was 37 bytes or longer). */
static void
test_many_errors_long_name(void **state)
{
	struct config *c;
	char *path, *cause = NULL, *text, *p, *tail;
	char name[160];
	size_t i, lines = 1;

	(void)state;
	memset(name, 'n', sizeof name);
	memcpy(name + sizeof name - 6, ".conf", 6);
	text = xstrdup("[site]\n");
	for (i = 0; i < 60; i++) {
		p = xasprintf("%snot a key %zu\n", text, i);
		free(text);
		text = p;
	}
	path = write_conf(name, text, 0);
	assert_true(strlen(path) >= 37);
	assert_int_equal(config_load(path, &c, &cause), CONFIG_ERR_INVALID);
	assert_null(c);
	for (p = cause; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 51);
	tail = xasprintf("\n%s: stopped after 50 problems", path);
	assert_true(strlen(cause) > strlen(tail));
	assert_string_equal(cause + strlen(cause) - strlen(tail), tail);
	free(tail);
	free(cause);
	free(path);
	free(text);
}

/* The reason dialog's checks. */
static void
test_reason_check(void **state)
{
	struct config *c;
	char *path, *cause = NULL;

	(void)state;
	path = write_conf("full.conf", full_conf, 0);
	assert_int_equal(config_load(path, &c, &cause), 0);
	assert_int_equal(config_reason_check(c, "POLICE", "2026/1234", "Oslo police",
	    "window broken at 10:47", &cause), 0);
	assert_int_equal(config_reason_check(c, "POLICE", "", "Oslo police",
	    "window broken at 10:47", &cause), -1);
	assert_non_null(strstr(cause, "needs a reference"));
	assert_int_equal(config_reason_check(c, "POLICE", "INC-1", "Oslo police",
	    "window broken at 10:47", &cause), -1);
	assert_non_null(strstr(cause, "does not have the form"));
	/* The pattern must match the whole reference. */
	assert_int_equal(config_reason_check(c, "POLICE", "x2026/1234", "Oslo",
	    "window broken at 10:47", &cause), -1);
	assert_int_equal(config_reason_check(c, "POLICE", "2026/1234", " ",
	    "window broken at 10:47", &cause), -1);
	assert_non_null(strstr(cause, "requesting authority"));
	assert_int_equal(config_reason_check(c, "POLICE", "2026/1234", "Oslo",
	    "too short", &cause), -1);
	assert_non_null(strstr(cause, "at least 10 characters"));
	assert_int_equal(config_reason_check(c, "POLICE", "2026/1234", "Oslo",
	    "ååååååååå", &cause), -1);
	assert_int_equal(config_reason_check(c, "POLICE", "2026/1234", "Oslo",
	    "åååååååååå", &cause), 0);
	assert_int_equal(config_reason_check(c, "POLICE", "2026/1234\n", "Oslo",
	    "window broken at 10:47", &cause), -1);
	assert_non_null(strstr(cause, "control characters"));
	assert_int_equal(config_reason_check(c, "SYSCHECK", NULL, NULL, NULL,
	    &cause), 0);
	assert_int_equal(config_reason_check(c, "BROWSE", NULL, NULL, NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "expected one of POLICE, SYSCHECK"));
	free(cause);
	config_free(c);
	free(path);
}

/* config-loaded lands in the audit log with the file's BLAKE2b-256. */
static void
test_log_loaded(void **state)
{
	struct audit_keys keys;
	struct audit_log *log;
	struct audit_iter *it;
	struct audit_filter flt;
	struct audit_row row;
	struct config *c;
	json_t *j;
	char *path, *db, *st, *cause = NULL, hex[65];
	unsigned char h[32];

	(void)state;
	db = xasprintf("%s/audit.db", tmpdir);
	st = xasprintf("%s/audit.state", tmpdir);
	if (audit_create(db, st, &keys, &cause) == -1)
		fail_msg("audit_create: %s", cause);
	sodium_memzero(keys.k0, sizeof keys.k0);
	log = audit_open(db, st, 0, &cause);
	assert_non_null(log);
	path = write_conf("logged.conf", full_conf, 0);
	assert_int_equal(config_load(path, &c, &cause), 0);
	if (logconf_record(c, log, "alice", &cause) == -1)
		fail_msg("config_log_loaded: %s", cause);
	c = (config_free(c), config_defaults());
	assert_int_equal(logconf_record(c, log, "alice", &cause), 0);
	config_free(c);

	memset(&flt, 0, sizeof flt);
	flt.action = "config-loaded";
	flt.after_seq = -1;
	it = audit_iter_new(log, &flt, &cause);
	assert_non_null(it);
	assert_int_equal(audit_iter_next(it, &row, &cause), 1);
	assert_string_equal(row.actor, "alice");
	j = json_loads(row.details, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "path")), path);
	crypto_generichash(h, 32, (const unsigned char *)full_conf,
	    strlen(full_conf), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	assert_string_equal(json_string_value(json_object_get(j, "blake2b")), hex);
	json_decref(j);
	assert_int_equal(audit_iter_next(it, &row, &cause), 1);
	j = json_loads(row.details, 0, NULL);
	assert_true(json_is_null(json_object_get(j, "blake2b")));
	assert_true(json_is_true(json_object_get(j, "defaults")));
	json_decref(j);
	assert_int_equal(audit_iter_next(it, &row, &cause), 0);
	audit_iter_free(it);
	audit_close(log);
	free(path);
	free(db);
	free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_print_too_long),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_quote_utf8),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_many_errors_long_name),
		cmocka_unit_test(test_reason_check),
		cmocka_unit_test(test_log_loaded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
