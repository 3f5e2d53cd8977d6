/* test_mask — the mask specification (export/mask.c, man/masks.inc.txt):
 * valid forms and their canonical text, read back to the same mask;
 * pixels against percentages; clamping to the frame; keys; checks against
 * the range; and hostile input (huge and negative numbers, NaN, exponents,
 * bytes that are not ASCII or not UTF-8, too many masks or keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export/export.h"
#include "util/util.h"

#define T0	INT64_C(1740823200000)	/* 2025-03-01T10:00:00Z */
#define BASE	(T0 + 47 * 60000)	/* 10:47:00Z, the range start */

/* Parses spec (base BASE, frame 1920x1080) and returns its canonical
 * text, or NULL with *cause. */
static char *
canon(const char *spec, char **cause)
{
	struct mask_list *l = mask_list_new(cause);
	char *s = NULL;

	assert_non_null(l);
	if (mask_list_add(l, spec, BASE, 1920, 1080, cause) == 0)
		s = mask_format(l, 0, cause);
	mask_list_free(l);
	return s;
}

static void
expect(const char *spec, const char *want)
{
	char *cause = NULL, *s = canon(spec, &cause), *s2;

	if (s == NULL)
		fail_msg("%s: %s", spec, cause);
	if (strcmp(s, want) != 0)
		fail_msg("%s\n  gave %s\n  want %s", spec, s, want);
	/* The canonical form reads back to itself. */
	s2 = canon(s, &cause);
	assert_non_null(s2);
	assert_string_equal(s2, s);
	free(s);
	free(s2);
}

static void
refuse(const char *spec, const char *why)
{
	char *cause = NULL, *s = canon(spec, &cause);

	if (s != NULL)
		fail_msg("%s accepted as %s", spec, s);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", spec, cause, why);
	free(cause);
}

static void
test_valid_forms(void **state)
{
	(void)state;
	expect("blur:x=10%,y=20%,w=30%,h=25%",
	    "blur:x=10%,y=20%,w=30%,h=25%,from=2025-03-01T10:47:00.000Z");
	expect("pixelate:x=10%,y=20%,w=30%,h=25%,from=+0,to=+30,"
	    "key=+10/15%/22%",
	    "pixelate:x=10%,y=20%,w=30%,h=25%,from=2025-03-01T10:47:00.000Z,"
	    "to=2025-03-01T10:47:30.000Z,key=2025-03-01T10:47:10.000Z/15%/22%");
	/* Fields in any order; M:SS, H:MM:SS, fractions; absolute times. */
	expect("solid:to=+1:30.5,h=1%,w=2.5%,from=+0:00:05,y=0.01%,x=99%",
	    "solid:x=99%,y=0.01%,w=2.5%,h=1%,from=2025-03-01T10:47:05.000Z,"
	    "to=2025-03-01T10:48:30.500Z");
	expect("blur:x=0%,y=0%,w=100%,h=100%,from=2025-03-01T10:47:10Z,"
	    "to=2025-03-01T11:48:10+01:00",
	    "blur:x=0%,y=0%,w=100%,h=100%,from=2025-03-01T10:47:10.000Z,"
	    "to=2025-03-01T10:48:10.000Z");
}

static void
test_times_and_keys(void **state)
{
	(void)state;
	/* Keys are sorted; the box's corner at from is x,y. */
	expect("solid:x=0%,y=0%,w=10%,h=10%,from=+0,to=+60,key=+40/50%/50%,"
	    "key=+20/25%/0%",
	    "solid:x=0%,y=0%,w=10%,h=10%,from=2025-03-01T10:47:00.000Z,"
	    "to=2025-03-01T10:48:00.000Z,key=2025-03-01T10:47:20.000Z/25%/0%,"
	    "key=2025-03-01T10:47:40.000Z/50%/50%");
	expect("solid:x=0%,y=0%,w=10%,h=10%,from=+2,key=+1:00/1920px/0px",
	    "solid:x=0%,y=0%,w=10%,h=10%,from=2025-03-01T10:47:02.000Z,"
	    "key=2025-03-01T10:48:00.000Z/100%/0%");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+5,key=+5/1%/1%", "key 1");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+5,to=+9,key=+9/1%/1%",
	    "key 1");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,key=+5/1%/1%,key=+5/2%/2%",
	    "same time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,key=+5/1%", "TIME/X/Y");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,key=+5/1%/1%/1%", "TIME/X/Y");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+9,to=+5", "before");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,to=+0", "before");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+1:5", "bad time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+1:60", "bad time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+1.2345", "milliseconds");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=10:47:00", "bad time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=2025-02-30T10:00:00Z",
	    "bad time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=@1740823200000", "bad time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+1234567890", "too large");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=+", "bad time");
	refuse("solid:x=0%,y=0%,w=10%,h=10%,from=", "empty time");
}

static void
test_pixels_and_clamping(void **state)
{
	char *cause = NULL;
	struct mask_list *l;

	(void)state;
	/* Pixels become hundredths of a percent, rounded outward: 37 px of
	 * 1920 is 1.927%: x down to 1.92%, the far edge up. */
	expect("blur:x=37px,y=11px,w=100px,h=50px",
	    "blur:x=1.92%,y=1.01%,w=5.22%,h=4.64%,"
	    "from=2025-03-01T10:47:00.000Z");
	/* Past the frame: sizes clamped to it, positions into it. */
	expect("solid:x=-5%,y=150%,w=500%,h=100.5%",
	    "solid:x=0%,y=100%,w=100%,h=100%,from=2025-03-01T10:47:00.000Z");
	expect("solid:x=-99999px,y=0px,w=99999px,h=1px",
	    "solid:x=0%,y=0%,w=100%,h=0.1%,from=2025-03-01T10:47:00.000Z");
	expect("solid:x=0%,y=0%,w=0.000001%,h=0.000001%",
	    "solid:x=0%,y=0%,w=0.01%,h=0.01%,from=2025-03-01T10:47:00.000Z");
	/* Pixels need the frame size. */
	l = mask_list_new(&cause);
	assert_int_equal(mask_list_add(l, "blur:x=1px,y=1%,w=1%,h=1%", BASE, 0,
	    0, &cause), -1);
	assert_non_null(strstr(cause, "frame size"));
	free(cause);
	cause = NULL;
	assert_int_equal(mask_list_add(l, "blur:x=1%,y=1%,w=1%,h=1%,"
	    "key=+1/2px/2%", BASE, 0, 0, &cause), -1);
	assert_non_null(strstr(cause, "frame size"));
	free(cause);
	cause = NULL;
	assert_int_equal(mask_list_add(l, "blur:x=1%,y=1%,w=1%,h=1%", BASE,
	    -1, 5, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(mask_list_count(l), 0);
	mask_list_free(l);
}

static void
test_hostile_input(void **state)
{
	char big[MASK_SPEC_MAX + 64];

	(void)state;
	refuse("", "empty");
	refuse("blur", "no mode");
	refuse("smear:x=1%,y=1%,w=1%,h=1%", "unknown mode");
	refuse("blur:", "empty field");
	refuse("blur:x=1%,,y=1%,w=1%,h=1%", "empty field");
	refuse("blur:x=1%,y=1%,w=1%", "all required");
	refuse("blur:x=1%,x=2%,y=1%,w=1%,h=1%", "twice");
	refuse("blur:x=1%,y=1%,w=1%,h=1%,depth=3", "unknown field");
	refuse("blur:x,y=1%,w=1%,h=1%", "no value");
	refuse("blur:x=1,y=1%,w=1%,h=1%", "unit");
	refuse("blur:x=1em,y=1%,w=1%,h=1%", "unit");
	refuse("blur:x=NaN%,y=1%,w=1%,h=1%", "not a number");
	refuse("blur:x=nan,y=1%,w=1%,h=1%", "not a number");
	refuse("blur:x=inf%,y=1%,w=1%,h=1%", "not a number");
	refuse("blur:x=1e3%,y=1%,w=1%,h=1%", "unit");
	refuse("blur:x=0x10%,y=1%,w=1%,h=1%", "unit");
	refuse("blur:x=+1%,y=1%,w=1%,h=1%", "not a number");
	refuse("blur:x=1.%,y=1%,w=1%,h=1%", "bad number");
	refuse("blur:x=.5%,y=1%,w=1%,h=1%", "not a number");
	refuse("blur:x=1.0000001%,y=1%,w=1%,h=1%", "decimals");
	refuse("blur:x=99999999999999999999%,y=1%,w=1%,h=1%", "too large");
	refuse("blur:x=1%,y=1%,w=-1%,h=1%", "positive");
	refuse("blur:x=1%,y=1%,w=0%,h=1%", "positive");
	/* Nine digits of hours reach past the year 9999, which the canonical
	 * form cannot write back (fuzz/fuzz_mask.c); seconds are capped at
	 * nine digits in every form. */
	refuse("blur:x=1%,y=1%,w=5%,h=5%,from=+99999999:00:00", "too large");
	refuse("blur:x=1%,y=1%,w=5%,h=5%,to=+277778:00:00", "too large");
	expect("blur:x=1%,y=1%,w=5%,h=5%,to=+277777:46:39.999",
	    "blur:x=1%,y=1%,w=5%,h=5%,from=2025-03-01T10:47:00.000Z,"
	    "to=2056-11-07T12:33:39.999Z");
	refuse("blur:x=1%,y=1%,w=0px,h=1%", "positive");
	refuse("blur:x=1.5px,y=1%,w=1%,h=1%", "whole");
	refuse("blur:x=1%, y=1%,w=1%,h=1%", "space");
	refuse("blur:x=1%,y=1%,w=1%,h=1%\n", "character");
	refuse("blur:x=1%,y=1%,w=1%,h=1%,from=+1\xc3\xa9", "character");
	refuse("blur:x=1%,y=1%,w=1%,h=1%,from=\xff\xfe", "0xff");
	refuse("bl\x80ur:x=1%", "0x80");
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refuse(big, "longer than");
}

static void
test_limits_and_validate(void **state)
{
	struct mask_list *l;
	char *cause = NULL, spec[MASK_SPEC_MAX + 1];
	size_t i, len;

	(void)state;
	l = mask_list_new(&cause);
	for (i = 0; i < MASK_MAX; i++)
		assert_int_equal(mask_list_add(l, "solid:x=1%,y=1%,w=1%,h=1%",
		    BASE, 0, 0, &cause), 0);
	assert_int_equal(mask_list_add(l, "solid:x=1%,y=1%,w=1%,h=1%", BASE, 0,
	    0, &cause), -1);
	assert_non_null(strstr(cause, "too many masks"));
	free(cause);
	cause = NULL;
	assert_int_equal(mask_list_count(l), MASK_MAX);
	assert_null(mask_format(l, MASK_MAX, &cause));
	free(cause);
	cause = NULL;
	mask_list_free(l);

	/* MASK_KEYS_MAX keys, then one more. */
	len = (size_t)snprintf(spec, sizeof spec, "solid:x=1%%,y=1%%,w=1%%,"
	    "h=1%%");
	for (i = 1; i <= MASK_KEYS_MAX; i++)
		len += (size_t)snprintf(spec + len, sizeof spec - len,
		    ",key=+%zu/1%%/1%%", i);
	l = mask_list_new(&cause);
	assert_int_equal(mask_list_add(l, spec, BASE, 0, 0, &cause), 0);
	snprintf(spec + len, sizeof spec - len, ",key=+9999/1%%/1%%");
	assert_int_equal(mask_list_add(l, spec, BASE, 0, 0, &cause), -1);
	assert_non_null(strstr(cause, "too many keys"));
	free(cause);
	cause = NULL;
	mask_list_free(l);

	/* Masks must meet the range being exported. */
	l = mask_list_new(&cause);
	assert_int_equal(mask_list_add(l, "blur:x=1%,y=1%,w=1%,h=1%,from=+10,"
	    "to=+20", BASE, 0, 0, &cause), 0);
	assert_int_equal(mask_list_validate(l, BASE, BASE + 15000, &cause), 0);
	assert_int_equal(mask_list_validate(l, BASE, BASE + 10000, &cause), -1);
	assert_non_null(strstr(cause, "mask 1"));
	assert_non_null(strstr(cause, "outside"));
	free(cause);
	cause = NULL;
	assert_int_equal(mask_list_validate(l, BASE + 20000, BASE + 30000,
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(mask_list_validate(NULL, 0, 1, &cause), 0);
	mask_list_free(l);
}

/* Allocation failures return errors, never crash. */
static void
test_faults(void **state)
{
	struct mask_list *l;
	char *cause = NULL, *s;
	int n, ok = 0;

	(void)state;
	for (n = 1; n < 20 && !ok; n++) {
		fault_after("clip", n, FAULT_ERROR);
		l = mask_list_new(&cause);
		s = NULL;
		if (l != NULL && mask_list_add(l, "solid:x=1%,y=1%,w=1%,h=1%,"
		    "key=+1/2%/2%,key=+2/3%/3%", BASE, 0, 0, &cause) == 0)
			s = mask_format(l, 0, &cause);
		fault_after("clip", 0, FAULT_ERROR);
		if (s != NULL)
			ok = 1;
		else {
			assert_non_null(cause);
			free(cause);
			cause = NULL;
		}
		free(s);
		mask_list_free(l);
	}
	assert_true(ok);
	assert_true(n > 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_forms),
		cmocka_unit_test(test_times_and_keys),
		cmocka_unit_test(test_pixels_and_clamping),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_limits_and_validate),
		cmocka_unit_test(test_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
