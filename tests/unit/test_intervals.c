/* Viewed-interval tracking (player/intervals.c): merging checked
 * exhaustively against a bitmap over a small universe, frames, runs,
 * wall time, counters, JSON and the durable checkpoint. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "player/player.h"
#include "util/util.h"

#define UNIVERSE	9	/* points 0..8: intervals [a, b), 0 <= a < b <= 8 */

/* Checks that iv holds exactly the runs of set bits in bits[]. */
static void
check_against(const struct intervals *iv, const int bits[UNIVERSE])
{
	const struct interval *list;
	size_t n, k = 0;
	int x = 0, a;
	int64_t total = 0;

	n = intervals_list(iv, &list);
	while (x < UNIVERSE) {
		if (!bits[x]) {
			x++;
			continue;
		}
		a = x;
		while (x < UNIVERSE && bits[x])
			x++;
		assert_true(k < n);
		assert_int_equal(list[k].from_ms, a);
		assert_int_equal(list[k].to_ms, x);
		total += x - a;
		k++;
	}
	assert_int_equal(k, n);
	assert_int_equal(intervals_shown_ms(iv), total);
}

/* Every sequence of three intervals (and their prefixes) over the
 * universe, in every order: the merged set equals the union. */
static void
test_merge_exhaustive(void **state)
{
	int ivs[64][2], n = 0, a, b, i, j, k, x;
	int bits[UNIVERSE];
	struct intervals *iv;

	(void)state;
	for (a = 0; a < UNIVERSE - 1; a++)
		for (b = a + 1; b < UNIVERSE; b++) {
			ivs[n][0] = a;
			ivs[n][1] = b;
			n++;
		}
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			for (k = 0; k < n; k++) {
				int seq[3] = { i, j, k };
				int s;

				iv = intervals_new();
				memset(bits, 0, sizeof bits);
				for (s = 0; s < 3; s++) {
					intervals_add(iv, ivs[seq[s]][0],
					    ivs[seq[s]][1]);
					for (x = ivs[seq[s]][0];
					    x < ivs[seq[s]][1]; x++)
						bits[x] = 1;
					check_against(iv, bits);
				}
				intervals_free(iv);
			}
		}
	}
}

/* Many random intervals over a wider universe against a bitmap. */
static void
test_merge_random(void **state)
{
	enum { U = 2000 };
	static int bits[U];
	struct intervals *iv;
	const struct interval *list;
	unsigned seed = 12345;
	size_t n, k;
	int round, a, b, x, run;

	(void)state;
	for (round = 0; round < 20; round++) {
		iv = intervals_new();
		memset(bits, 0, sizeof bits);
		for (k = 0; k < 300; k++) {
			seed = seed * 1103515245u + 12345u;
			a = (int)((seed >> 8) % (U - 1));
			seed = seed * 1103515245u + 12345u;
			b = a + 1 + (int)((seed >> 8) % 40);
			if (b > U)
				b = U;
			intervals_add(iv, a, b);
			for (x = a; x < b; x++)
				bits[x] = 1;
		}
		n = intervals_list(iv, &list);
		k = 0;
		for (x = 0; x < U;) {
			if (!bits[x]) {
				x++;
				continue;
			}
			run = x;
			while (x < U && bits[x])
				x++;
			assert_true(k < n);
			assert_int_equal(list[k].from_ms, run);
			assert_int_equal(list[k].to_ms, x);
			k++;
		}
		assert_int_equal(k, n);
		intervals_free(iv);
	}
}

static void
test_empty_and_touching(void **state)
{
	struct intervals *iv = intervals_new();
	const struct interval *list;

	(void)state;
	intervals_add(iv, 5, 5);
	intervals_add(iv, 7, 3);
	assert_int_equal(intervals_list(iv, &list), 0);
	intervals_add(iv, 10, 20);
	intervals_add(iv, 30, 40);
	intervals_add(iv, 20, 30);	/* touches both: one interval */
	assert_int_equal(intervals_list(iv, &list), 1);
	assert_int_equal(list[0].from_ms, 10);
	assert_int_equal(list[0].to_ms, 40);
	intervals_add(iv, -1000, -999);	/* before, apart */
	intervals_add(iv, INT64_C(1700000000000), INT64_C(1700000000100));
	assert_int_equal(intervals_list(iv, &list), 3);
	assert_int_equal(list[0].from_ms, -1000);
	assert_int_equal(list[2].to_ms, INT64_C(1700000000100));
	intervals_free(iv);
}

/* Continuous frames make one run; a seek starts a new one; stepping
 * back is never continuous; the same frame twice adds nothing. */
static void
test_frames(void **state)
{
	struct intervals *iv = intervals_new();
	const struct interval *list;
	int64_t t;

	(void)state;
	for (t = 1000; t <= 2000; t += 100)
		intervals_frame(iv, t, 100, 1);
	assert_int_equal(intervals_list(iv, &list), 1);
	assert_int_equal(list[0].from_ms, 1000);
	assert_int_equal(list[0].to_ms, 2100);
	assert_int_equal(intervals_played_ms(iv), 1100);

	intervals_frame(iv, 2000, 100, 1);	/* repeated: nothing */
	assert_int_equal(intervals_played_ms(iv), 1100);

	intervals_frame(iv, 5000, 100, 0);	/* seek forward */
	intervals_frame(iv, 5300, 100, 1);	/* missed frames: covered */
	assert_int_equal(intervals_list(iv, &list), 2);
	assert_int_equal(list[1].from_ms, 5000);
	assert_int_equal(list[1].to_ms, 5400);

	intervals_frame(iv, 1500, 100, 1);	/* back: a new run */
	assert_int_equal(intervals_list(iv, &list), 2);
	assert_int_equal(intervals_played_ms(iv), 1100 + 400 + 100);
	assert_int_equal(intervals_shown_ms(iv), 1100 + 400);

	intervals_frame(iv, 9000, 0, 0);	/* zero length counts 1 ms */
	assert_int_equal(intervals_list(iv, &list), 3);
	assert_int_equal(list[2].to_ms, 9001);
	intervals_free(iv);
}

static void
test_wall_and_counters(void **state)
{
	struct intervals *iv = intervals_new();

	(void)state;
	assert_int_equal(intervals_play_ms(iv, 500), 0);
	intervals_playing(iv, 1, 1000);
	intervals_playing(iv, 1, 1200);	/* no change */
	assert_int_equal(intervals_play_ms(iv, 1500), 500);
	intervals_playing(iv, 0, 2000);
	assert_int_equal(intervals_play_ms(iv, 9000), 1000);	/* paused */
	intervals_playing(iv, 0, 9500);
	intervals_playing(iv, 1, 10000);
	intervals_playing(iv, 0, 10250);
	assert_int_equal(intervals_play_ms(iv, 20000), 1250);
	intervals_count_seek(iv);
	intervals_count_seek(iv);
	intervals_count_speed(iv);
	assert_int_equal(intervals_seeks(iv), 2);
	assert_int_equal(intervals_speed_changes(iv), 1);
	intervals_free(iv);
}

/* Time on screen: paused or playing, while a frame is up and the output
 * is not hidden (issue 14: a frame paused on screen for five minutes is
 * five minutes on screen, not the seconds it played). */
static void
test_screen_time(void **state)
{
	struct intervals *iv = intervals_new();

	(void)state;
	assert_int_equal(intervals_screen_ms(iv, 1000), 0);
	intervals_visible(iv, 1, 1000);		/* first frame up */
	intervals_playing(iv, 1, 1000);
	intervals_playing(iv, 0, 4000);		/* paused after 3 s */
	assert_int_equal(intervals_play_ms(iv, 301000), 3000);
	assert_int_equal(intervals_screen_ms(iv, 301000), 300000);
	intervals_visible(iv, 0, 301000);	/* a lock screen over it */
	intervals_visible(iv, 0, 302000);	/* no change */
	assert_int_equal(intervals_screen_ms(iv, 900000), 300000);
	intervals_visible(iv, 1, 900000);	/* unlocked */
	assert_int_equal(intervals_screen_ms(iv, 960000), 360000);
	intervals_visible(iv, 0, 960000);
	assert_int_equal(intervals_screen_ms(iv, 999999), 360000);
	/* A clock that does not move forward counts nothing. */
	intervals_visible(iv, 1, 999999);
	intervals_visible(iv, 0, 999000);
	assert_int_equal(intervals_screen_ms(iv, 999999), 360000);
	intervals_free(iv);
}

static void
test_json(void **state)
{
	struct intervals *iv = intervals_new();
	json_error_t err;
	json_t *obj, *shown;
	char *text;

	(void)state;
	intervals_add(iv, INT64_C(1763800000000), INT64_C(1763800090000));
	intervals_add(iv, INT64_C(1763800400000), INT64_C(1763800422000));
	intervals_playing(iv, 1, 0);
	intervals_visible(iv, 1, 2000);
	intervals_count_seek(iv);
	text = intervals_json(iv, 7000);
	obj = json_loads(text, 0, &err);
	assert_non_null(obj);
	shown = json_object_get(obj, "shown");
	assert_int_equal(json_array_size(shown), 2);
	assert_int_equal(json_integer_value(json_array_get(
	    json_array_get(shown, 1), 0)), INT64_C(1763800400000));
	assert_int_equal(json_integer_value(json_object_get(obj, "shown_ms")),
	    112000);
	/* Playing since 0; on screen only from 2000. */
	assert_int_equal(json_integer_value(json_object_get(obj, "play_ms")),
	    7000);
	assert_int_equal(json_integer_value(json_object_get(obj, "wall_ms")),
	    5000);
	assert_int_equal(json_integer_value(json_object_get(obj, "seeks")), 1);
	assert_int_equal(json_integer_value(json_object_get(obj,
	    "speed_changes")), 0);
	json_decref(obj);
	free(text);
	intervals_free(iv);
}

static void
test_checkpoint(void **state)
{
	char dir[] = "/tmp/vigil-intervals.XXXXXX", path[256], bad[300];
	struct intervals *iv = intervals_new();
	struct stat st;
	char *buf = NULL, *cause = NULL;
	size_t len;
	json_t *obj;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/view.json", dir);
	intervals_add(iv, 100, 200);
	assert_int_equal(intervals_checkpoint(iv, 0, path, &cause), 0);
	intervals_add(iv, 300, 400);
	assert_int_equal(intervals_checkpoint(iv, 0, path, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(file_read_all(path, 65536, &buf, &len, &cause), 0);
	obj = json_loads(buf, 0, NULL);
	assert_non_null(obj);
	assert_int_equal(json_array_size(json_object_get(obj, "shown")), 2);
	json_decref(obj);
	free(buf);

	snprintf(bad, sizeof bad, "%s/missing/view.json", dir);
	assert_int_equal(intervals_checkpoint(iv, 0, bad, &cause), -1);
	assert_non_null(cause);
	free(cause);
	unlink(path);
	rmdir(dir);
	intervals_free(iv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_exhaustive),
		cmocka_unit_test(test_merge_random),
		cmocka_unit_test(test_empty_and_touching),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_wall_and_counters),
		cmocka_unit_test(test_screen_time),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_checkpoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
