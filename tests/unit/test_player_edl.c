/* The range timeline (player/edl.c): checks on the declared range, the
 * EDL URL, the mapping between timeline and recording time with gaps and
 * left-out segments, and matching libmpv's open error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "player/player.h"

#define T0	INT64_C(1763802000000)	/* 2025-11-22T09:00:00Z */

/* Three 10 s pieces: [T0, T0+10s), [T0+10s, T0+20s), gap, [T0+30s, +40s). */
static const struct player_item items3[] = {
	{ "/rec/a.mp4", T0, 5000, 10000 },
	{ "/rec/b.mp4", T0 + 10000, 0, 10000 },
	{ "rel/c,d;e.mp4", T0 + 30000, 0, 10000 },
};

static struct edl *
new3(int64_t from, int64_t to)
{
	struct player_range r = { from, to, items3, 3, 0 };
	char *cause = NULL;
	struct edl *e;

	e = edl_new(&r, &cause);
	assert_non_null(e);
	assert_null(cause);
	return e;
}

static void
test_url(void **state)
{
	struct edl *e = new3(T0, T0 + 40000);
	char *url;

	(void)state;
	url = edl_url(e);
	assert_string_equal(url, "edl://!no_chapters;"
	    "%10%/rec/a.mp4,start=5.000,length=10.000;"
	    "%10%/rec/b.mp4,start=0.000,length=10.000;"
	    "%15%./rel/c,d;e.mp4,start=0.000,length=10.000;");
	free(url);
	edl_exclude(e, 1);
	url = edl_url(e);
	assert_string_equal(url, "edl://!no_chapters;"
	    "%10%/rec/a.mp4,start=5.000,length=10.000;"
	    "%15%./rel/c,d;e.mp4,start=0.000,length=10.000;");
	free(url);
	edl_exclude(e, 0);
	edl_exclude(e, 2);
	assert_null(edl_url(e));
	assert_int_equal(edl_duration(e), 0);
	assert_int_equal(edl_item_at(e, 0), -1);
	edl_free(e);
}

static void
test_mapping(void **state)
{
	struct edl *e = new3(T0 - 5000, T0 + 45000);
	int cl;

	(void)state;
	assert_int_equal(edl_duration(e), 30000);
	assert_int_equal(edl_item_at(e, 0), 0);
	assert_int_equal(edl_item_at(e, 9999), 0);
	assert_int_equal(edl_item_at(e, 10000), 1);
	assert_int_equal(edl_item_at(e, 20000), 2);
	assert_int_equal(edl_item_at(e, 99999), 2);
	assert_int_equal(edl_item_at(e, -5), 0);
	assert_int_equal(edl_to_recording(e, 0), T0);
	assert_int_equal(edl_to_recording(e, 12345), T0 + 12345);
	assert_int_equal(edl_to_recording(e, 20000), T0 + 30000);
	assert_int_equal(edl_to_recording(e, 29900), T0 + 39900);

	/* Inside footage. */
	assert_int_equal(edl_to_timeline(e, T0 + 15000, 1, 100, &cl), 15000);
	assert_int_equal(cl, 0);
	assert_int_equal(edl_to_timeline(e, T0 + 35000, -1, 100, &cl), 25000);
	assert_int_equal(cl, 0);
	/* In the gap: forward to the next footage, back to the last frame
	 * before it. */
	assert_int_equal(edl_to_timeline(e, T0 + 25000, 1, 100, &cl), 20000);
	assert_int_equal(cl, 0);
	assert_int_equal(edl_to_timeline(e, T0 + 25000, -1, 100, &cl), 19900);
	assert_int_equal(cl, 0);
	/* Past the ends: clamped. */
	assert_int_equal(edl_to_timeline(e, T0 - 1, -1, 100, &cl), 0);
	assert_int_equal(cl, -1);
	assert_int_equal(edl_to_timeline(e, T0 - 6000, 1, 100, &cl), 0);
	assert_int_equal(cl, -1);
	assert_int_equal(edl_to_timeline(e, T0 - 2000, 1, 100, &cl), 0);
	assert_int_equal(cl, 0);	/* leading gap, inside the range */
	assert_int_equal(edl_to_timeline(e, T0 + 40000, 1, 100, &cl), 29900);
	assert_int_equal(cl, 1);
	assert_int_equal(edl_to_timeline(e, T0 + 42000, -1, 100, &cl), 29900);
	assert_int_equal(cl, 0);	/* trailing gap going back */
	assert_int_equal(edl_to_timeline(e, T0 + 99000, -1, 100, &cl), 29900);
	assert_int_equal(cl, 1);

	/* Neighbours. */
	assert_int_equal(edl_item_next(e, 0, 1), 1);
	assert_int_equal(edl_item_next(e, 2, 1), -1);
	assert_int_equal(edl_item_next(e, 0, -1), -1);
	assert_int_equal(edl_item_next(e, -1, 1), 0);
	assert_int_equal(edl_item_start(e, 2), 20000);

	/* Leaving the middle one out shifts the timeline. */
	edl_exclude(e, 1);
	assert_false(edl_usable(e, 1));
	assert_int_equal(edl_duration(e), 20000);
	assert_int_equal(edl_item_start(e, 1), -1);
	assert_int_equal(edl_item_start(e, 2), 10000);
	assert_int_equal(edl_item_at(e, 10000), 2);
	assert_int_equal(edl_item_next(e, 0, 1), 2);
	assert_int_equal(edl_item_next(e, 2, -1), 0);
	assert_int_equal(edl_to_recording(e, 10500), T0 + 30500);
	assert_int_equal(edl_to_timeline(e, T0 + 15000, 1, 100, &cl), 10000);
	assert_int_equal(edl_to_timeline(e, T0 + 15000, -1, 100, &cl), 9900);
	edl_free(e);
}

static void
test_refused(void **state)
{
	struct player_item bad[2];
	struct player_range r;
	char *cause = NULL;

	(void)state;
	memcpy(bad, items3, sizeof bad);
	r = (struct player_range){ T0, T0 + 20000, bad, 2, 0 };

	r.to_ms = T0;				/* empty range */
	assert_null(edl_new(&r, &cause));
	free(cause);
	cause = NULL;
	r.to_ms = T0 + 19999;			/* piece past the end */
	assert_null(edl_new(&r, &cause));
	free(cause);
	cause = NULL;
	r.to_ms = T0 + 20000;
	r.from_ms = T0 + 1;			/* piece before the start */
	assert_null(edl_new(&r, &cause));
	free(cause);
	cause = NULL;
	r.from_ms = T0;
	bad[1].start_ms = T0 + 9999;		/* overlap */
	bad[1].length_ms = 10001;
	assert_null(edl_new(&r, &cause));
	free(cause);
	cause = NULL;
	bad[1] = items3[1];
	bad[1].length_ms = 0;			/* empty piece */
	assert_null(edl_new(&r, &cause));
	free(cause);
	cause = NULL;
	bad[1] = items3[1];
	bad[1].path = "";
	assert_null(edl_new(&r, &cause));
	free(cause);
	cause = NULL;
	r.n_items = 0;
	assert_null(edl_new(&r, &cause));
	assert_non_null(cause);
	free(cause);
}

static void
test_open_error(void **state)
{
	struct edl *e = new3(T0, T0 + 40000);

	(void)state;
	assert_int_equal(edl_match_open_error(e,
	    "EDL: Could not open source file '/rec/b.mp4'."), 1);
	assert_int_equal(edl_match_open_error(e,
	    "EDL: Could not open source file './rel/c,d;e.mp4'.\n"), 2);
	assert_int_equal(edl_match_open_error(e,
	    "EDL: Could not open source file '/rec/b.mp4x'."), -1);
	assert_int_equal(edl_match_open_error(e,
	    "Cannot open file '/rec/b.mp4': No such file"), -1);
	edl_exclude(e, 1);
	assert_int_equal(edl_match_open_error(e,
	    "EDL: Could not open source file '/rec/b.mp4'."), -1);
	edl_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_open_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
