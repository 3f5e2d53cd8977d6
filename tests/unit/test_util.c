/* test_util — the UTF-8 helpers that shorten text for messages: never a
 * character cut in half. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/* "é" is two bytes, "€" three, "😀" four. */
static void
test_shorten(void **state)
{
	char s[64];

	(void)state;
	snprintf(s, sizeof s, "abcdef");
	assert_string_equal(utf8_shorten(s, 6), "abcdef");	/* fits */
	assert_string_equal(utf8_shorten(s, 5), "ab...");
	snprintf(s, sizeof s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");	/* éééé */
	/* 7 bytes: 4 before "...", two whole é. */
	assert_string_equal(utf8_shorten(s, 7), "\xc3\xa9\xc3\xa9...");
	snprintf(s, sizeof s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	/* 6 bytes: 3 before "...", which end inside the second é. */
	assert_string_equal(utf8_shorten(s, 6), "\xc3\xa9...");
	snprintf(s, sizeof s, "a\xe2\x82\xac\xe2\x82\xac");	/* a€€ */
	assert_string_equal(utf8_shorten(s, 6), "a...");
	snprintf(s, sizeof s, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80x");
	assert_string_equal(utf8_shorten(s, 8), "\xf0\x9f\x98\x80...");
	assert_true(utf8_valid(s, strlen(s)));
}

static void
test_cut_tail(void **state)
{
	char s[16];

	(void)state;
	snprintf(s, sizeof s, "ab\xc3");		/* é cut after 1 of 2 */
	assert_string_equal(utf8_cut_tail(s), "ab");
	snprintf(s, sizeof s, "ab\xc3\xa9");		/* whole */
	assert_string_equal(utf8_cut_tail(s), "ab\xc3\xa9");
	snprintf(s, sizeof s, "a\xe2\x82");		/* € cut after 2 of 3 */
	assert_string_equal(utf8_cut_tail(s), "a");
	snprintf(s, sizeof s, "a\xf0\x9f\x98");	/* 😀 cut after 3 of 4 */
	assert_string_equal(utf8_cut_tail(s), "a");
	snprintf(s, sizeof s, "a\xf0\x9f\x98\x80");
	assert_string_equal(utf8_cut_tail(s), "a\xf0\x9f\x98\x80");
	snprintf(s, sizeof s, "plain");
	assert_string_equal(utf8_cut_tail(s), "plain");
	s[0] = '\0';
	assert_string_equal(utf8_cut_tail(s), "");
	/* What snprintf leaves in a buffer of 6 bytes, then of 5. */
	memcpy(s, "abc\xc3\xa9\xc3\xa9", 6);
	s[5] = '\0';
	assert_string_equal(utf8_cut_tail(s), "abc\xc3\xa9");
	memcpy(s, "abc\xc3\xa9", 5);
	s[4] = '\0';
	assert_string_equal(utf8_cut_tail(s), "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shorten),
		cmocka_unit_test(test_cut_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
