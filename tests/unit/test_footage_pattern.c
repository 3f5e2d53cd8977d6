/* Segment path patterns and time zones (footage/pattern.c, footage/tz.c):
 * both presets, hostile and impossible names, bad patterns, zone
 * conversion. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "footage/footage.h"
#include "util/util.h"

/* Both presets match their own layouts and nothing else. */
static void
test_presets(void **state)
{
	struct pattern *p;
	struct pattern_fields f;
	char *cause = NULL;

	(void)state;
	p = pattern_compile("vigil", &cause);
	assert_non_null(p);
	assert_string_equal(pattern_text(p), PATTERN_PRESET_VIGIL);
	assert_int_equal(pattern_components(p), 3);
	assert_int_equal(pattern_match(p, "entrance/2026-11-20/08-10-00.mp4", &f), 1);
	assert_string_equal(f.camera, "entrance");
	assert_int_equal(f.Y, 2026);
	assert_int_equal(f.m, 11);
	assert_int_equal(f.d, 20);
	assert_int_equal(f.H, 8);
	assert_int_equal(f.M, 10);
	assert_int_equal(f.S, 0);
	assert_int_equal(pattern_match(p, "reading room/2026-11-20/08-10-00.mp4", &f), 1);
	assert_string_equal(f.camera, "reading room");
	assert_int_equal(pattern_match(p, "entrance/2026-11-20/08-10-00.mkv", &f), 0);
	assert_int_equal(pattern_match(p, "entrance/2026-11-20/8-10-00.mp4", &f), 0);
	assert_int_equal(pattern_match(p, "entrance/2026-11-20/08-10-00.mp4/x", &f), 0);
	assert_int_equal(pattern_match(p, "2026-11-20/08-10-00.mp4", &f), 0);
	assert_int_equal(pattern_match(p, "entrance/2026-1x-20/08-10-00.mp4", &f), 0);
	pattern_free(p);

	p = pattern_compile("frigate", &cause);
	assert_non_null(p);
	assert_int_equal(pattern_components(p), 4);
	assert_int_equal(pattern_match(p, "2026-11-20/23/front_door/59.07.mp4", &f), 1);
	assert_string_equal(f.camera, "front_door");
	assert_int_equal(f.H, 23);
	assert_int_equal(f.M, 59);
	assert_int_equal(f.S, 7);
	assert_int_equal(pattern_match(p, "2026-11-20/23/front_door/59.07.mp4.tmp", &f), 0);
	/* One component at a time, as the scan walks. */
	memset(&f, 0, sizeof f);
	assert_int_equal(pattern_match_component(p, 0, "2026-11-20", &f), 1);
	assert_int_equal(pattern_match_component(p, 1, "07", &f), 1);
	assert_int_equal(pattern_match_component(p, 2, "yard", &f), 1);
	assert_int_equal(pattern_match_component(p, 3, "00.30.mp4", &f), 1);
	assert_int_equal(pattern_match_component(p, 3, "recordings.db", &f), 0);
	assert_int_equal(pattern_match_component(p, 4, "x", &f), 0);
	assert_string_equal(f.camera, "yard");
	assert_int_equal(f.Y * 10000 + f.m * 100 + f.d, 20261120);
	assert_int_equal(f.H * 10000 + f.M * 100 + f.S, 70030);
	pattern_free(p);
}

/* {camera} backtracks so the text after it can match. */
static void
test_camera_backtracking(void **state)
{
	struct pattern *p;
	struct pattern_fields f;

	(void)state;
	p = pattern_compile("{camera}-{Y}{m}{d}-{H}{M}{S}.mp4", NULL);
	assert_non_null(p);
	assert_int_equal(pattern_match(p, "cam-1-20261120-081000.mp4", &f), 1);
	assert_string_equal(f.camera, "cam-1");
	assert_int_equal(f.M, 10);
	assert_int_equal(pattern_match(p, "-20261120-081000.mp4", &f), 0);
	pattern_free(p);
	/* No {S}: seconds are 0; no {M}: minutes are 0. */
	p = pattern_compile("{camera}/{Y}/{m}/{d}/{H}.ts", NULL);
	assert_non_null(p);
	assert_int_equal(pattern_match(p, "x/2026/11/20/09.ts", &f), 1);
	assert_int_equal(f.M, 0);
	assert_int_equal(f.S, 0);
	pattern_free(p);
}

/* Bad patterns are refused with a reason. */
static void
test_bad_patterns(void **state)
{
	static const struct {
		const char *spec, *why;
	} bad[] = {
		{ "", "empty pattern" },
		{ "/abs/{camera}/{Y}{m}{d}{H}.mp4", "starts with '/'" },
		{ "{camera}/{Y}-{m}-{d}/{H}/", "ends with '/'" },
		{ "{camera}//{Y}-{m}-{d}-{H}", "empty, '.' or '..'" },
		{ "{camera}/../{Y}-{m}-{d}-{H}", "empty, '.' or '..'" },
		{ "{camera}/{Y}-{m}-{d}-{H}-{X}", "unknown token '{X}'" },
		{ "{camera}/{Y}-{m}-{d}-{H}-{M", "without a closing" },
		{ "{camera}/{Y}-{m}-{d}-{H}}", "without an opening" },
		{ "{camera}/{Y}-{m}-{d}-{H}-{Y}", "{Y} given twice" },
		{ "{camera}/{Y}-{m}-{H}", "needs at least" },
		{ "{camera}{Y}-{m}-{d}-{H}", "must be followed by text" },
		{ "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/{camera}/{Y}{m}{d}{H}", "more than 16" },
	};
	char *cause = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (pattern_compile(bad[i].spec, &cause) != NULL)
			fail_msg("pattern '%s' accepted", bad[i].spec);
		if (strstr(cause, bad[i].why) == NULL)
			fail_msg("'%s': expected '%s' in '%s'", bad[i].spec, bad[i].why,
			    cause);
	}
	free(cause);
}

/* Impossible dates and unusable camera names are caught after matching. */
static void
test_fields_check(void **state)
{
	struct pattern *p;
	struct pattern_fields f;
	char *cause = NULL;

	(void)state;
	p = pattern_compile("vigil", NULL);
	assert_int_equal(pattern_match(p, "cam/2026-13-01/08-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_non_null(strstr(cause, "impossible month 13"));
	assert_int_equal(pattern_match(p, "cam/2026-02-29/08-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_non_null(strstr(cause, "impossible day"));
	assert_int_equal(pattern_match(p, "cam/2024-02-29/08-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), 0);
	assert_int_equal(pattern_match(p, "cam/2026-11-20/24-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_non_null(strstr(cause, "impossible time"));
	assert_int_equal(pattern_match(p, "cam/2026-11-20/23-59-60.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_int_equal(pattern_match(p, "cam/1969-12-31/23-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_int_equal(pattern_match(p, "ca\xffm/2026-11-20/08-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_non_null(strstr(cause, "not valid UTF-8"));
	assert_int_equal(pattern_match(p, "ca\nm/2026-11-20/08-00-00.mp4", &f), 1);
	assert_int_equal(pattern_fields_check(&f, &cause), -1);
	assert_non_null(strstr(cause, "control characters"));
	free(cause);
	pattern_free(p);
	assert_true(pattern_camera_valid("reading room", 12));
	assert_true(pattern_camera_valid("kamera ø", 9));
	assert_false(pattern_camera_valid(".snapshot", 9));
	assert_false(pattern_camera_valid("a\x7f", 2));
	assert_false(pattern_camera_valid("a\xc2\x85", 3));	/* C1 NEL */
	assert_false(pattern_camera_valid("", 0));
}

/* Zone conversion: UTC, offsets, local time and zone names. */
static void
test_tz(void **state)
{
	struct tz *tz;
	int64_t ms;
	char *cause = NULL;

	(void)state;
	tz = tz_open("UTC", NULL);
	assert_int_equal(tz_to_utc(tz, 2026, 11, 20, 8, 0, 0, &ms), 0);
	assert_int_equal(ms, 1795161600000LL);
	tz_free(tz);
	tz = tz_open("+01:30", NULL);
	assert_int_equal(tz_to_utc(tz, 2026, 11, 20, 9, 30, 0, &ms), 0);
	assert_int_equal(ms, 1795161600000LL);
	tz_free(tz);
	tz = tz_open("-0200", NULL);
	assert_int_equal(tz_to_utc(tz, 2026, 11, 20, 6, 0, 0, &ms), 0);
	assert_int_equal(ms, 1795161600000LL);
	tz_free(tz);

	/* A zone name: Oslo is UTC+1 in November, UTC+2 in July. */
	tz = tz_open("Europe/Oslo", &cause);
	if (tz == NULL)
		fail_msg("%s (package tzdata)", cause);
	tz_enter(tz);
	assert_int_equal(tz_to_utc(tz, 2026, 11, 20, 9, 0, 0, &ms), 0);
	assert_int_equal(ms, 1795161600000LL);
	assert_int_equal(tz_to_utc(tz, 2026, 11, 20, 9, 10, 5, &ms), 0);
	assert_int_equal(ms, 1795161600000LL + 605000);
	assert_int_equal(tz_to_utc(tz, 2026, 7, 1, 2, 0, 0, &ms), 0);
	assert_int_equal(ms, 1782864000000LL);
	tz_leave(tz);
	/* Without tz_enter() each conversion switches by itself. */
	assert_int_equal(tz_to_utc(tz, 2026, 7, 1, 2, 0, 0, &ms), 0);
	assert_int_equal(ms, 1782864000000LL);
	/* TZ is as it was. */
	assert_string_equal(getenv("TZ"), "UTC");
	tz_free(tz);

	tz = tz_open("local", NULL);
	assert_int_equal(tz_to_utc(tz, 2026, 11, 20, 8, 0, 0, &ms), 0);
	assert_int_equal(ms, 1795161600000LL);	/* the tests run with TZ=UTC */
	tz_free(tz);

	assert_int_equal(tz_check("Europe/../etc/passwd", &cause), -1);
	assert_int_equal(tz_check("No/Such_Zone", &cause), -1);
	assert_non_null(strstr(cause, "unknown time zone"));
	assert_int_equal(tz_check("+15:00", &cause), -1);
	assert_int_equal(tz_check("+01:60", &cause), -1);
	assert_int_equal(tz_check("", &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_camera_backtracking),
		cmocka_unit_test(test_bad_patterns),
		cmocka_unit_test(test_fields_check),
		cmocka_unit_test(test_tz),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
