/* The review screen's pure logic (tui/review.c): the table's columns at
 * every width from 40 to 250 (inside the screen, in order, never
 * overlapping; the reference gets the room of wider screens, seconds from
 * 100 columns), durations, ASCII fallback for terminals that are not
 * UTF-8, word wrapping (never splitting a character, always moving on),
 * JSON pretty-printing (and non-JSON left as it is); the forms' keys
 * (typing, Backspace over a UTF-8 character, ^U, ^E, choices, toggles,
 * the focus going round, the length limit, Enter and Esc). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"
#include "tui/tui_int.h"

static void
test_layout(void **state)
{
	struct review_cols c, c80;
	int cols, i, end;

	(void)state;
	for (cols = 40; cols <= 250; cols++) {
		review_layout(cols, &c);
		assert_int_equal(c.x[0], 1);
		for (i = 0; i < REVIEW_NCOLS; i++) {
			assert_true(c.w[i] >= 0);
			if (i > 0)
				assert_true(c.x[i] >= c.x[i - 1] + c.w[i - 1]);
		}
		end = c.x[REVIEW_NCOLS - 1] + c.w[REVIEW_NCOLS - 1];
		if (cols >= 76)
			assert_true(end <= cols - 1);
		assert_int_equal(c.seconds, cols >= 100);
		assert_int_equal(c.w[REVIEW_COL_FLAG], 1);
		assert_int_equal(c.w[REVIEW_COL_FOOTAGE], 16);
	}
	review_layout(80, &c80);
	/* 80 columns: every column shown, the flag in the last but one. */
	for (i = 0; i < REVIEW_NCOLS; i++)
		assert_true(c80.w[i] > 0);
	assert_int_equal(c80.x[REVIEW_COL_FLAG] + 1, 79 - 1 + 1);
	assert_int_equal(c80.w[REVIEW_COL_TIME], 11);
	review_layout(200, &c);
	assert_int_equal(c.w[REVIEW_COL_TIME], 14);
	assert_true(c.w[REVIEW_COL_REF] > 60);
	assert_int_equal(c.w[REVIEW_COL_USER], 10);
	assert_int_equal(c.x[REVIEW_COL_FLAG] + 1, 199);
}

static void
test_duration(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(review_duration(-1, b, sizeof b), "-");
	assert_string_equal(review_duration(0, b, sizeof b), "0s");
	assert_string_equal(review_duration(999, b, sizeof b), "0s");
	assert_string_equal(review_duration(59999, b, sizeof b), "59s");
	assert_string_equal(review_duration(60000, b, sizeof b), "1m00s");
	assert_string_equal(review_duration(15 * 60000 + 5000, b, sizeof b),
	    "15m05s");
	assert_string_equal(review_duration(3600000, b, sizeof b), "1h00m");
	assert_string_equal(review_duration(3600000 + 5 * 60000 + 59000, b,
	    sizeof b), "1h05m");
	assert_string_equal(review_duration(INT64_C(86400000) * 2 + 3 * 3600000,
	    b, sizeof b), "2d03h");
	/* Never longer than the column (6) for up to 99 days. */
	assert_true(strlen(review_duration(INT64_C(86400000) * 99 + 23 *
	    3600000, b, sizeof b)) <= 6);
}

static void
test_ascii(void **state)
{
	char s[64];

	(void)state;
	snprintf(s, sizeof s, "caf\xc3\xa9 \xe2\x9a\x91 x\xf0\x9f\x98\x80y");
	review_ascii(s);
	assert_string_equal(s, "caf? ? x?y");
	snprintf(s, sizeof s, "plain");
	review_ascii(s);
	assert_string_equal(s, "plain");
}

static void
test_wrap(void **state)
{
	const char *t = "the quick brown fox jumps", *p;
	char big[300];
	int used, lines;
	size_t n;

	(void)state;
	n = review_wrap_next(t, 10, &used);
	assert_int_equal(n, 9);			/* "the quick" */
	assert_int_equal(used, 10);
	n = review_wrap_next("abcdefghijklmnop", 5, &used);
	assert_int_equal(n, 5);			/* no space: cut */
	n = review_wrap_next("short", 40, &used);
	assert_int_equal(n, 5);
	assert_int_equal(used, 5);
	/* Two-byte characters are never split; a width of 1 still moves. */
	n = review_wrap_next("\xc3\xa9\xc3\xa9\xc3\xa9", 2, &used);
	assert_int_equal(n, 4);
	n = review_wrap_next("\xe4\xb8\xad", 1, &used);	/* a wide one */
	assert_true(n >= 1);
	/* Wrapping a long text ends, each line within the width. */
	memset(big, 'w', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[100] = ' ';
	for (p = big, lines = 0; *p != '\0'; lines++) {
		n = review_wrap_next(p, 30, &used);
		assert_true(n > 0);
		assert_true(used <= 30);
		p += n;
		while (*p == ' ')
			p++;
	}
	assert_true(lines >= 10 && lines <= 12);
}

static void
test_json(void **state)
{
	char *s;

	(void)state;
	s = review_json_pretty("{\"a\":1,\"b\":[1,2],\"c\":{\"d\":\"e\"}}");
	assert_string_equal(s, "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n"
	    "  \"c\": {\n    \"d\": \"e\"\n  }\n}");
	free(s);
	/* Control characters come out escaped. */
	s = review_json_pretty("{\"t\":\"x\\u001b[2J\\n\"}");
	assert_non_null(strstr(s, "\\u001B[2J\\n"));
	assert_null(strchr(s, 0x1b));
	free(s);
	s = review_json_pretty("not json {");
	assert_string_equal(s, "not json {");
	free(s);
	s = review_json_pretty("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_form(void **state)
{
	static const char *const ch[] = { "csv", "json", "txt", NULL };
	struct reviewform f;
	char big[REVIEWFORM_TEXT_MAX + 10];
	int i;

	(void)state;
	reviewform_init(&f, "T", "OK");
	assert_int_equal(reviewform_add(&f, REVIEWFORM_TEXT, "Name", NULL,
	    NULL), 0);
	assert_int_equal(reviewform_add(&f, REVIEWFORM_CHOICE, "Format", NULL,
	    ch), 1);
	assert_int_equal(reviewform_add(&f, REVIEWFORM_TOGGLE, "Views", NULL,
	    NULL), 2);
	/* Typing, a two-byte character, Backspace takes it whole. */
	assert_int_equal(reviewform_key(&f, 'a'), REVIEWFORM_NONE);
	reviewform_key(&f, 0xc3);
	reviewform_key(&f, 0xa9);
	reviewform_key(&f, 'b');
	assert_string_equal(reviewform_text(&f, 0), "a\xc3\xa9" "b");
	reviewform_key(&f, KEY_BACKSPACE);
	reviewform_key(&f, 127);
	assert_string_equal(reviewform_text(&f, 0), "a");
	/* Control keys are not typed. */
	reviewform_key(&f, 7);
	reviewform_key(&f, KEY_F(1));
	assert_string_equal(reviewform_text(&f, 0), "a");
	reviewform_key(&f, 21);		/* ^U */
	assert_string_equal(reviewform_text(&f, 0), "");
	/* Choices and toggles; typing there changes nothing. */
	reviewform_key(&f, '\t');
	assert_int_equal(f.focus, 1);
	reviewform_key(&f, ' ');
	assert_int_equal(f.f[1].choice, 1);
	reviewform_key(&f, KEY_LEFT);
	reviewform_key(&f, KEY_LEFT);
	assert_int_equal(f.f[1].choice, 2);
	reviewform_key(&f, 'x');
	assert_int_equal(f.f[1].choice, 2);
	reviewform_key(&f, KEY_DOWN);
	reviewform_key(&f, ' ');
	assert_int_equal(f.f[2].choice, 1);
	/* Round from the last field to the first, and back. */
	reviewform_key(&f, KEY_DOWN);
	assert_int_equal(f.focus, 0);
	reviewform_key(&f, KEY_UP);
	assert_int_equal(f.focus, 2);
	reviewform_key(&f, KEY_BTAB);
	assert_int_equal(f.focus, 1);
	/* ^E empties everything. */
	reviewform_set(&f, 0, "text");
	reviewform_key(&f, 5);
	assert_string_equal(reviewform_text(&f, 0), "");
	assert_int_equal(f.f[1].choice, 0);
	assert_int_equal(f.f[2].choice, 0);
	/* The limit: the rest is not taken, and the form says so. */
	f.focus = 0;
	memset(big, 'z', sizeof big);
	for (i = 0; i < (int)sizeof big; i++)
		reviewform_key(&f, big[i]);
	assert_int_equal(strlen(reviewform_text(&f, 0)), REVIEWFORM_TEXT_MAX);
	assert_non_null(strstr(f.error, "at most 512 bytes"));
	assert_int_equal(reviewform_key(&f, '\r'), REVIEWFORM_APPLY);
	assert_string_equal(f.error, "");
	assert_int_equal(reviewform_key(&f, 27), REVIEWFORM_CANCEL);
	reviewform_wipe(&f);
	assert_int_equal(f.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_form),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "en_US.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
