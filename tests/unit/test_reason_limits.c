/* The reason dialog's field limits (tui/reason.c), without drawing (issue
 * 12): text longer than a field's limit (reference 512 bytes, authority
 * 256, note 2000) is held whole, said to be too long with the limit as it
 * is typed and at Enter, and nothing is played until it is shortened;
 * nothing is cut without a word.  Text at the limit is taken. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "tui/tui.h"
#include "util/util.h"

#define T0	1795161600000LL		/* 2026-11-20 08:00 UTC */

static char tmpdir[] = "/tmp/vigil-test-rlimits.XXXXXX";
static struct config *cfg;

static int
setup(void **state)
{
	char *path, *cause = NULL;
	FILE *f;

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	path = xasprintf("%s/vigil.conf", tmpdir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	/* POLICE asks for a reference and the authority; NOTE for a note. */
	fprintf(f, "[reason POLICE]\nlabel = police\nrequires = reference, "
	    "authority\n\n[reason NOTE]\nlabel = with a note\nrequires = "
	    "note\n\n[export]\nrequire_approval = POLICE\n");
	fclose(f);
	chmod(path, 0644);
	if (config_load(path, &cfg, &cause) != 0) {
		fprintf(stderr, "config_load: %s\n", cause);
		return -1;
	}
	unlink(path);
	free(path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	config_free(cfg);
	rmdir(tmpdir);
	return 0;
}

static void
keys(struct reason *r, const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(reason_key(r, (unsigned char)*s), REASON_NONE);
}

/* Types n copies of c. */
static void
many(struct reason *r, int c, size_t n)
{
	while (n-- > 0)
		assert_int_equal(reason_key(r, c), REASON_NONE);
}

static void
backspace(struct reason *r, size_t n)
{
	while (n-- > 0)
		assert_int_equal(reason_key(r, KEY_BACKSPACE), REASON_NONE);
}

static void
test_authority(void **state)
{
	struct reason *r = reason_new(cfg);

	(void)state;
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	keys(r, "P\tP-1\t");
	assert_string_equal(reason_code(r), "POLICE");
	/* 300 bytes typed (a paste): all held, said at once. */
	many(r, 'a', 300);
	assert_int_equal(strlen(reason_authority(r)), 300);
	assert_non_null(strstr(reason_message(r), "The authority is at most "
	    "256 bytes and has 300"));
	/* Enter plays nothing and says why. */
	assert_int_equal(reason_key(r, '\r'), REASON_NONE);
	assert_non_null(strstr(reason_message(r), "The authority is at most "
	    "256 bytes and has 300"));
	assert_int_equal(strlen(reason_authority(r)), 300);
	/* Shortened to the limit: the message goes, Enter plays. */
	backspace(r, 44);
	assert_int_equal(strlen(reason_authority(r)), 256);
	assert_null(strstr(reason_message(r), "at most"));
	assert_int_equal(reason_key(r, '\r'), REASON_CONFIRM);
	assert_int_equal(strlen(reason_authority(r)), 256);
	reason_free(r);
}

static void
test_reference(void **state)
{
	struct reason *r = reason_new(cfg);

	(void)state;
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	keys(r, "P\t");
	many(r, '7', 513);
	keys(r, "\tOslo police");
	assert_int_equal(strlen(reason_reference(r)), 513);
	assert_int_equal(reason_key(r, '\r'), REASON_NONE);
	assert_non_null(strstr(reason_message(r), "The reference is at most "
	    "512 bytes and has 513"));
	/* Multi-byte text counts in bytes; a character is removed whole. */
	assert_int_equal(reason_key(r, KEY_BTAB), REASON_NONE);
	backspace(r, 3);
	keys(r, "\xc3\xa5");	/* å: 512 bytes */
	assert_int_equal(strlen(reason_reference(r)), 512);
	assert_null(strstr(reason_message(r), "at most"));
	keys(r, "\xc3\xa5");
	assert_non_null(strstr(reason_message(r), "has 514"));
	backspace(r, 1);
	assert_int_equal(strlen(reason_reference(r)), 512);
	assert_int_equal(reason_key(r, '\r'), REASON_CONFIRM);
	reason_free(r);
}

static void
test_note(void **state)
{
	struct reason *r = reason_new(cfg);

	(void)state;
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	keys(r, "N\t");
	assert_string_equal(reason_code(r), "NOTE");
	many(r, 'n', 2001);
	assert_int_equal(strlen(reason_note(r)), 2001);
	assert_int_equal(reason_key(r, '\r'), REASON_NONE);
	assert_non_null(strstr(reason_message(r), "The note is at most 2000 "
	    "bytes and has 2001"));
	/* Far more than the dialog holds: still refused, never cut to
	 * something that would pass. */
	many(r, 'n', 10000);
	assert_true(strlen(reason_note(r)) > 2000);
	assert_int_equal(reason_key(r, '\r'), REASON_NONE);
	assert_non_null(strstr(reason_message(r), "The note is at most 2000 "
	    "bytes"));
	/* ^U clears it; a short note plays. */
	assert_int_equal(reason_key(r, 0x15), REASON_NONE);
	keys(r, "checking the door");
	assert_int_equal(reason_key(r, '\r'), REASON_CONFIRM);
	reason_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authority),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_note),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
