/* The reason dialog's keys (tui/reason.c), without drawing: no code is
 * chosen when it opens, so Enter alone plays nothing; the last reference
 * is never filled in, only offered on Ctrl-R, to the same person, within
 * [session] reuse_reference_minutes of its confirmation (0: never); a
 * reference taken that way and confirmed unchanged counts as reused. */
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

#define CTRL_R	0x12
#define T0	1795161600000LL		/* 2026-11-20 08:00 UTC */

static char tmpdir[] = "/tmp/vigil-test-reason.XXXXXX";

/* A configuration with the default reason codes and the given [session]
 * lines. */
static struct config *
load(const char *session)
{
	struct config *c = NULL;
	char *path = xasprintf("%s/vigil.conf", tmpdir), *cause = NULL;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "[session]\n%s\n", session);
	fclose(f);
	chmod(path, 0644);
	if (config_load(path, &c, &cause) != 0)
		fail_msg("config_load: %s", cause);
	free(path);
	return c;
}

static void
keys(struct reason *r, const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(reason_key(r, (unsigned char)*s), REASON_NONE);
}

static enum reason_result
enter(struct reason *r)
{
	return reason_key(r, '\r');
}

/* alice confirms INCIDENT INC-42 by choosing the code herself. */
static void
confirm_inc42(struct reason *r)
{
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	keys(r, "I\tINC-42");
	assert_int_equal(enter(r), REASON_CONFIRM);
	assert_string_equal(reason_code(r), "INCIDENT");
	assert_string_equal(reason_reference(r), "INC-42");
	assert_int_equal(reason_reused(r), 0);
}

static void
test_no_preselection(void **state)
{
	struct config *c = load("");
	struct reason *r = reason_new(c);

	(void)state;
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	assert_null(reason_offer(r));
	assert_int_equal(enter(r), REASON_NONE);
	assert_int_equal(enter(r), REASON_NONE);
	/* Tab and typing before a code is chosen confirm nothing either. */
	keys(r, "\tINC-1");
	assert_int_equal(enter(r), REASON_NONE);
	/* Down chooses the first code, deliberately. */
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	assert_int_equal(reason_key(r, KEY_DOWN), REASON_NONE);
	assert_string_equal(reason_code(r), "INCIDENT");
	/* A letter chooses its code. */
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	keys(r, "S");
	assert_string_equal(reason_code(r), "SYSCHECK");
	assert_int_equal(enter(r), REASON_CONFIRM);
	reason_free(r);
	config_free(c);
}

/* A capped code declares short ranges: SYSCHECK (a 2-minute cap) takes
 * 10 minutes at most, so that the cap cannot become a slideshow of an
 * hour (issue 14). */
static void
test_range_max(void **state)
{
	struct config *c = load("");
	struct reason *r = reason_new(c);

	(void)state;
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	keys(r, "S");
	assert_int_equal(enter(r), REASON_CONFIRM);
	reason_open(r, "alice", "entrance", T0, T0 + 600001, clock_now_ms());
	keys(r, "S");
	assert_int_equal(enter(r), REASON_NONE);
	assert_non_null(strstr(reason_message(r), "SYSCHECK allows a range of "
	    "at most 10 min (range_max)"));
	/* INCIDENT has no such limit. */
	reason_open(r, "alice", "entrance", T0, T0 + 6 * 3600000, clock_now_ms());
	keys(r, "I\tINC-7");
	assert_int_equal(enter(r), REASON_CONFIRM);
	reason_free(r);
	config_free(c);
}

static void
test_offer_same_person(void **state)
{
	struct config *c = load("");
	struct reason *r = reason_new(c);

	(void)state;
	confirm_inc42(r);
	/* Offered, not filled in: Enter still plays nothing. */
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	assert_non_null(reason_offer(r));
	assert_string_equal(reason_offer(r), "INC-42");
	assert_string_equal(reason_reference(r), "");
	assert_int_equal(enter(r), REASON_NONE);
	assert_int_equal(enter(r), REASON_NONE);
	/* Ctrl-R takes it. */
	assert_int_equal(reason_key(r, CTRL_R), REASON_NONE);
	assert_string_equal(reason_code(r), "INCIDENT");
	assert_string_equal(reason_reference(r), "INC-42");
	assert_int_equal(enter(r), REASON_CONFIRM);
	assert_int_equal(reason_reused(r), 1);

	/* Taken, then changed: not a reuse. */
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	assert_int_equal(reason_key(r, CTRL_R), REASON_NONE);
	keys(r, "\t");
	assert_int_equal(reason_key(r, KEY_BACKSPACE), REASON_NONE);
	keys(r, "3");
	assert_int_equal(enter(r), REASON_CONFIRM);
	assert_string_equal(reason_reference(r), "INC-43");
	assert_int_equal(reason_reused(r), 0);
	reason_free(r);
	config_free(c);
}

static void
test_other_person(void **state)
{
	struct config *c = load("");
	struct reason *r = reason_new(c);

	(void)state;
	confirm_inc42(r);
	reason_open(r, "bob", "entrance", T0, T0 + 600000, clock_now_ms());
	assert_null(reason_offer(r));
	assert_int_equal(reason_key(r, CTRL_R), REASON_NONE);
	assert_string_equal(reason_reference(r), "");
	assert_int_equal(enter(r), REASON_NONE);
	reason_free(r);
	config_free(c);
}

static void
test_window(void **state)
{
	struct config *c = load("");
	struct reason *r = reason_new(c);
	int64_t now;

	(void)state;
	assert_int_equal(config_reuse_reference_minutes(c), 10);
	confirm_inc42(r);
	now = clock_now_ms();
	reason_open(r, "alice", "entrance", T0, T0 + 600000,
	    now + 9 * 60000);
	assert_non_null(reason_offer(r));
	reason_open(r, "alice", "entrance", T0, T0 + 600000,
	    now + 11 * 60000);
	assert_null(reason_offer(r));
	assert_int_equal(reason_key(r, CTRL_R), REASON_NONE);
	assert_string_equal(reason_reference(r), "");
	reason_free(r);
	config_free(c);

	c = load("reuse_reference_minutes = 2");
	r = reason_new(c);
	confirm_inc42(r);
	now = clock_now_ms();
	reason_open(r, "alice", "entrance", T0, T0 + 600000, now + 60000);
	assert_non_null(reason_offer(r));
	reason_open(r, "alice", "entrance", T0, T0 + 600000, now + 3 * 60000);
	assert_null(reason_offer(r));
	reason_free(r);
	config_free(c);

	/* 0: never offered. */
	c = load("reuse_reference_minutes = 0");
	r = reason_new(c);
	confirm_inc42(r);
	reason_open(r, "alice", "entrance", T0, T0 + 600000, clock_now_ms());
	assert_null(reason_offer(r));
	reason_free(r);
	config_free(c);
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
	char *path = xasprintf("%s/vigil.conf", tmpdir);

	(void)state;
	unlink(path);
	free(path);
	rmdir(tmpdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_preselection),
		cmocka_unit_test(test_range_max),
		cmocka_unit_test(test_offer_same_person),
		cmocka_unit_test(test_other_person),
		cmocka_unit_test(test_window),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
