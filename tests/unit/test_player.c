/* The player against real libmpv (vo=null, ao=null) on tiny clips made
 * with ffmpeg at test time: a range across two segments, confinement at
 * both edges, pause, speed, frame steps, segment steps, a gap, corrupt
 * segments, the cap, the watermark and a clean shutdown.  Any error-level
 * mpv log line fails a test, except in the one that feeds corrupt
 * segments on purpose. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "player/player.h"
#include "util/util.h"

#define T0		INT64_C(1763802000000)	/* 2025-11-22T09:00:00Z */
#define WAIT_MS		15000			/* per condition */
#define MAX_EVENTS	4096

static char fixdir[] = "/tmp/vigil-player.XXXXXX";
static char clip_a[300], clip_b[300], garbage[300], truncated[300];

/* What a test saw: the events (messages copied) and positions. */
struct seen {
	struct player_event	 ev[MAX_EVENTS];
	size_t			 n;
	int			 errors_ok;	/* corrupt input on purpose */
	int64_t			 last_pos;
	int			 backwards;	/* position went back unasked */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
run(const char *cmd)
{
	return system(cmd);
}

/* Makes the clips: two 3 s, 10 fps H.264 MP4s with a keyframe every
 * second, a file of garbage, and an MP4 cut short before its index. */
static int
setup(void **state)
{
	char cmd[2048];
	FILE *f;
	unsigned x = 7;
	int i;

	(void)state;
	/* The watermark shows local time: the test pins its zone rather than
	 * depend on the machine's. */
	if (setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	if (setlocale(LC_NUMERIC, "C") == NULL || mkdtemp(fixdir) == NULL)
		return -1;
	snprintf(clip_a, sizeof clip_a, "%s/10-00-00.mp4", fixdir);
	snprintf(clip_b, sizeof clip_b, "%s/10-00-03.mp4", fixdir);
	snprintf(garbage, sizeof garbage, "%s/garbage.mp4", fixdir);
	snprintf(truncated, sizeof truncated, "%s/truncated.mp4", fixdir);
	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y -f lavfi "
	    "-i testsrc2=size=160x90:rate=10 -t 3 -c:v libx264 -preset "
	    "ultrafast -g 10 -bf 0 -pix_fmt yuv420p '%s' && ffmpeg -nostdin "
	    "-v error -y -f lavfi -i smptebars=size=160x90:rate=10 -t 3 "
	    "-c:v libx264 -preset ultrafast -g 10 -bf 0 -pix_fmt yuv420p '%s' "
	    "&& head -c 20000 '%s' > '%s'", clip_a, clip_b, clip_a, truncated);
	if (run(cmd) != 0)
		return -1;
	if ((f = fopen(garbage, "w")) == NULL)
		return -1;
	for (i = 0; i < 4096; i++) {
		x = x * 1103515245u + 12345u;
		fputc((int)(x >> 16) & 0xff, f);
	}
	return fclose(f);
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixdir);
	return run(cmd);
}

static struct player *
new_player(void)
{
	struct player_options o = { PLAYER_VO_NULL, 0, 0 };
	struct player *p;
	char *cause = NULL;

	p = player_create(&o, &cause);
	if (p == NULL)
		fail_msg("player_create: %s", cause);
	assert_int_equal(player_vo(p), PLAYER_VO_NULL);
	assert_int_equal(player_set_watermark(p,
	    "tester \xc2\xb7 SYSCHECK {\\b1} \xc2\xb7 2026-11-22 19:07", &cause),
	    0);
	return p;
}

static void
seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free((char *)s->ev[i].message);
	s->n = 0;
}

/* Handles whatever is pending, recording the events; fails on an mpv error
 * unless errors are expected. */
static void
pump(struct player *p, struct seen *s)
{
	const struct player_event *ev;
	struct player_state st;
	size_t n, i;

	n = player_handle_events(p, &ev);
	for (i = 0; i < n; i++) {
		if (ev[i].type == PLAYER_EVENT_ERROR && !s->errors_ok)
			fail_msg("mpv error: %s", ev[i].message);
		assert_true(s->n < MAX_EVENTS);
		s->ev[s->n] = ev[i];
		s->ev[s->n].message = ev[i].message ?
		    xstrdup(ev[i].message) : NULL;
		s->n++;
	}
	player_get_state(p, &st);
	if (st.loaded && st.position_ms < s->last_pos)
		s->backwards = 1;
	if (st.loaded)
		s->last_pos = st.position_ms;
}

/* Waits (polling the player's fd, as the terminal does) until done(). */
static void
wait_until(struct player *p, struct seen *s,
    int (*done)(struct player *, struct seen *, void *), void *arg,
    const char *what)
{
	struct pollfd pfd;
	int64_t deadline = mono_ms() + WAIT_MS, now;

	pump(p, s);
	while (!done(p, s, arg)) {
		now = mono_ms();
		if (now >= deadline)
			fail_msg("timed out waiting for %s", what);
		pfd.fd = player_fd(p);
		pfd.events = POLLIN;
		poll(&pfd, 1, (int)(deadline - now));
		pump(p, s);
	}
}

static int
has_event(struct seen *s, enum player_event_type type)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->ev[i].type == type)
			return 1;
	return 0;
}

static size_t
count_event(struct seen *s, enum player_event_type type)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		if (s->ev[i].type == type)
			n++;
	return n;
}

static const struct player_event *
find_event(struct seen *s, enum player_event_type type, size_t nth)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->ev[i].type == type && nth-- == 0)
			return &s->ev[i];
	return NULL;
}

static int
done_event(struct player *p, struct seen *s, void *arg)
{
	(void)p;
	return has_event(s, *(enum player_event_type *)arg);
}

static void
wait_event(struct player *p, struct seen *s, enum player_event_type type)
{
	char what[32];

	snprintf(what, sizeof what, "event %d", (int)type);
	wait_until(p, s, done_event, &type, what);
}

/* The position settled at want (after a seek or step). */
static int
done_position(struct player *p, struct seen *s, void *arg)
{
	struct player_state st;

	(void)s;
	player_get_state(p, &st);
	return st.loaded && !st.seeking && st.position_ms == *(int64_t *)arg;
}

static void
wait_position(struct player *p, struct seen *s, int64_t want)
{
	wait_until(p, s, done_position, &want, "position");
}

static int
done_shown(struct player *p, struct seen *s, void *arg)
{
	(void)s;
	return intervals_shown_ms(player_intervals(p)) >= *(int64_t *)arg;
}

static int
done_paused(struct player *p, struct seen *s, void *arg)
{
	struct player_state st;

	(void)s;
	(void)arg;
	player_get_state(p, &st);
	return st.paused;
}

static int
done_speed(struct player *p, struct seen *s, void *arg)
{
	struct player_state st;

	(void)s;
	player_get_state(p, &st);
	return st.speed == *(double *)arg;
}

static void
load(struct player *p, const struct player_item *items, size_t n,
    int64_t from, int64_t to, int64_t cap, int paused)
{
	struct player_range r = { from, to, items, n, cap };
	char *cause = NULL;

	if (player_load(p, &r, paused, &cause) != 0)
		fail_msg("player_load: %s", cause);
}

static void
ok(int rc, char *cause)
{
	if (rc < 0)
		fail_msg("control failed: %s", cause);
}

/* 1 s into segment a up to its end, then the first 2 s of b: one
 * timeline, no reload, one merged interval, positions never going back. */
static void
test_two_segments(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0 + 1000, 1000, 2000 },
		{ clip_b, T0 + 3000, 0, 2000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	const struct interval *list;
	struct player_state st;
	const struct player_event *ev;
	char *cause = NULL;
	double eight = 8;

	(void)state;
	load(p, items, 2, T0 + 1000, T0 + 5000, 0, 0);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	ok(player_speed_step(p, 1, &cause), cause);
	ok(player_speed_step(p, 1, &cause), cause);
	ok(player_speed_step(p, 1, &cause), cause);
	wait_until(p, &s, done_speed, &eight, "speed 8");
	wait_event(p, &s, PLAYER_EVENT_END);

	assert_false(s.backwards);
	assert_int_equal(count_event(&s, PLAYER_EVENT_LOADED), 1);
	assert_int_equal(count_event(&s, PLAYER_EVENT_SEGMENT), 2);
	ev = find_event(&s, PLAYER_EVENT_SEGMENT, 1);
	assert_int_equal(ev->segment, 1);
	assert_int_equal(ev->from_ms, T0 + 3000);
	assert_false(has_event(&s, PLAYER_EVENT_GAP));
	assert_false(has_event(&s, PLAYER_EVENT_CORRUPT));
	assert_false(has_event(&s, PLAYER_EVENT_STOPPED));

	player_get_state(p, &st);
	assert_true(st.loaded);
	assert_true(st.eof);
	assert_true(st.paused);		/* held on the last frame */
	assert_int_equal(st.segment, 1);
	assert_int_equal(st.position_ms, T0 + 4900);
	assert_true(st.speed == 8);
	assert_int_equal(intervals_list(player_intervals(p), &list), 1);
	assert_int_equal(list[0].from_ms, T0 + 1000);
	assert_int_equal(list[0].to_ms, T0 + 5000);
	assert_int_equal(intervals_speed_changes(player_intervals(p)), 3);
	assert_int_equal(intervals_seeks(player_intervals(p)), 0);
	assert_true(intervals_play_ms(player_intervals(p), mono_ms()) > 0);

	/* Resuming at the end stays at the end. */
	assert_int_equal(player_pause(p, 0, &cause), 1);
	wait_event(p, &s, PLAYER_EVENT_EDGE);
	seen_free(&s);
	player_free(p);
}

/* Seeking past either edge clamps there and says so. */
static void
test_seek_edges(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0 + 1000, 1000, 2000 },
		{ clip_b, T0 + 3000, 0, 2000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	const struct player_event *ev;
	const struct interval *list;
	char *cause = NULL;

	(void)state;
	load(p, items, 2, T0 + 1000, T0 + 5000, 0, 1);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	wait_position(p, &s, T0 + 1000);

	assert_int_equal(player_seek(p, 60000, &cause), 1);
	wait_event(p, &s, PLAYER_EVENT_EDGE);
	ev = find_event(&s, PLAYER_EVENT_EDGE, 0);
	assert_int_equal(ev->edge, 1);
	assert_int_equal(ev->from_ms, T0 + 4900);
	assert_string_equal(ev->message, "end of the declared range");
	wait_position(p, &s, T0 + 4900);

	assert_int_equal(player_seek(p, -60000, &cause), 1);
	wait_until(p, &s, done_position, &(int64_t){ T0 + 1000 }, "start");
	ev = find_event(&s, PLAYER_EVENT_EDGE, 1);
	assert_non_null(ev);
	assert_int_equal(ev->edge, -1);
	assert_int_equal(ev->from_ms, T0 + 1000);
	assert_string_equal(ev->message, "start of the declared range");

	/* Inside the range: +1.5 s lands exactly, across the boundary. */
	assert_int_equal(player_seek(p, 2500, &cause), 0);
	wait_position(p, &s, T0 + 3500);
	assert_int_equal(player_seek_to(p, T0 + 2000, &cause), 0);
	wait_position(p, &s, T0 + 2000);
	assert_int_equal(player_seek_to(p, T0 - 60000, &cause), 1);
	wait_position(p, &s, T0 + 1000);

	/* Only single frames were shown, paused. */
	assert_int_equal(intervals_list(player_intervals(p), &list), 4);
	assert_int_equal(list[0].from_ms, T0 + 1000);
	assert_int_equal(list[0].to_ms, T0 + 1100);
	assert_int_equal(list[3].from_ms, T0 + 4900);
	assert_int_equal(list[3].to_ms, T0 + 5000);
	assert_int_equal(intervals_seeks(player_intervals(p)), 5);
	assert_int_equal(intervals_play_ms(player_intervals(p), mono_ms()), 0);
	seen_free(&s);
	player_free(p);
}

/* Paused time adds neither footage nor playing time; it is time on
 * screen. */
static void
test_pause(void **state)
{
	struct player_item items[] = { { clip_a, T0, 0, 3000 } };
	struct seen s = { 0 };
	struct player *p = new_player();
	struct player_state st;
	int64_t shown, wall, on_screen, until, want = 300;
	char *cause = NULL;

	(void)state;
	load(p, items, 1, T0, T0 + 3000, 0, 0);
	wait_until(p, &s, done_shown, &want, "300 ms shown");
	ok(player_pause(p, 1, &cause), cause);
	wait_until(p, &s, done_paused, NULL, "pause");
	pump(p, &s);
	shown = intervals_shown_ms(player_intervals(p));
	wall = intervals_play_ms(player_intervals(p), mono_ms());
	on_screen = intervals_screen_ms(player_intervals(p), mono_ms());
	until = mono_ms() + 400;
	while (mono_ms() < until) {
		struct pollfd pfd = { player_fd(p), POLLIN, 0 };

		poll(&pfd, 1, (int)(until - mono_ms()) > 0 ?
		    (int)(until - mono_ms()) : 0);
		pump(p, &s);
	}
	assert_int_equal(intervals_shown_ms(player_intervals(p)), shown);
	assert_int_equal(intervals_play_ms(player_intervals(p), mono_ms()),
	    wall);
	/* ... but it is time on screen. */
	assert_true(intervals_screen_ms(player_intervals(p), mono_ms()) >=
	    on_screen + 400);
	player_get_state(p, &st);
	assert_true(st.paused);
	assert_false(st.eof);
	assert_true(st.position_ms >= T0 + 200);
	seen_free(&s);
	player_free(p);
}

/* Speeds step 0.25 .. 16 and stop at the ends. */
static void
test_speed(void **state)
{
	struct player_item items[] = { { clip_a, T0, 0, 3000 } };
	struct seen s = { 0 };
	struct player *p = new_player();
	char *cause = NULL;
	double want;
	int i;

	(void)state;
	load(p, items, 1, T0, T0 + 3000, 0, 1);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	for (i = 0; i < 4; i++)
		assert_int_equal(player_speed_step(p, 1, &cause), 0);
	assert_int_equal(player_speed_step(p, 1, &cause), 1);
	want = 16;
	wait_until(p, &s, done_speed, &want, "16x");
	for (i = 0; i < 6; i++)
		assert_int_equal(player_speed_step(p, -1, &cause), 0);
	assert_int_equal(player_speed_step(p, -1, &cause), 1);
	want = 0.25;
	wait_until(p, &s, done_speed, &want, "0.25x");
	assert_int_equal(intervals_speed_changes(player_intervals(p)), 10);
	seen_free(&s);
	player_free(p);
}

/* Frame steps move by one frame, forward and back, and stop at the
 * edges of the range; a forward step shows footage continuously. */
static void
test_frame_step(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0 + 2000, 2000, 1000 },
		{ clip_b, T0 + 3000, 0, 1000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	const struct interval *list;
	const struct player_event *ev;
	char *cause = NULL;
	int i;

	(void)state;
	load(p, items, 2, T0 + 2000, T0 + 4000, 0, 1);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	wait_position(p, &s, T0 + 2000);
	assert_int_equal(player_frame_step(p, -1, &cause), 1);
	ev = find_event(&s, PLAYER_EVENT_EDGE, 0);
	if (ev == NULL) {
		pump(p, &s);
		ev = find_event(&s, PLAYER_EVENT_EDGE, 0);
	}
	assert_non_null(ev);
	assert_int_equal(ev->edge, -1);

	assert_int_equal(player_frame_step(p, 1, &cause), 0);
	wait_position(p, &s, T0 + 2100);
	assert_int_equal(player_frame_step(p, 1, &cause), 0);
	wait_position(p, &s, T0 + 2200);
	assert_int_equal(player_frame_step(p, -1, &cause), 0);
	wait_position(p, &s, T0 + 2100);
	assert_int_equal(intervals_list(player_intervals(p), &list), 1);
	assert_int_equal(list[0].from_ms, T0 + 2000);
	assert_int_equal(list[0].to_ms, T0 + 2300);

	/* Step over the segment boundary, then into the end. */
	assert_int_equal(player_seek_to(p, T0 + 2900, &cause), 0);
	wait_position(p, &s, T0 + 2900);
	assert_int_equal(player_frame_step(p, 1, &cause), 0);
	wait_position(p, &s, T0 + 3000);
	assert_int_equal(player_seek_to(p, T0 + 3900, &cause), 0);
	wait_position(p, &s, T0 + 3900);
	for (i = 0; i < 3; i++)
		pump(p, &s);
	assert_int_equal(player_frame_step(p, 1, &cause), 1);
	pump(p, &s);
	ev = find_event(&s, PLAYER_EVENT_EDGE, 1);
	assert_non_null(ev);
	assert_int_equal(ev->edge, 1);
	seen_free(&s);
	player_free(p);
}

/* n / p move between segments and stop at the ends. */
static void
test_segment_step(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0, 0, 3000 },
		{ clip_b, T0 + 3000, 0, 3000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	struct player_state st;
	char *cause = NULL;

	(void)state;
	load(p, items, 2, T0, T0 + 6000, 0, 1);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	assert_int_equal(player_segment_step(p, 1, &cause), 0);
	wait_position(p, &s, T0 + 3000);
	player_get_state(p, &st);
	assert_int_equal(st.segment, 1);
	assert_int_equal(player_segment_step(p, 1, &cause), 1);
	assert_int_equal(player_segment_step(p, -1, &cause), 0);
	wait_position(p, &s, T0);
	assert_int_equal(player_segment_step(p, -1, &cause), 1);
	pump(p, &s);
	assert_int_equal(count_event(&s, PLAYER_EVENT_EDGE), 2);
	seen_free(&s);
	player_free(p);
}

/* A gap between two segments is skipped with a notice and splits the
 * viewed intervals; seeking into it goes to the footage after it. */
static void
test_gap(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0, 0, 3000 },
		{ clip_b, T0 + 10000, 0, 3000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	const struct player_event *ev;
	const struct interval *list;
	char *cause = NULL;
	double sixteen = 16;
	int i;

	(void)state;
	load(p, items, 2, T0 - 2000, T0 + 14000, 0, 0);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	for (i = 0; i < 4; i++)
		ok(player_speed_step(p, 1, &cause), cause);
	wait_until(p, &s, done_speed, &sixteen, "16x");
	wait_event(p, &s, PLAYER_EVENT_END);
	assert_false(s.backwards);
	assert_int_equal(count_event(&s, PLAYER_EVENT_GAP), 3);
	ev = find_event(&s, PLAYER_EVENT_GAP, 0);	/* before the footage */
	assert_int_equal(ev->from_ms, T0 - 2000);
	assert_int_equal(ev->to_ms, T0);
	ev = find_event(&s, PLAYER_EVENT_GAP, 1);	/* between */
	assert_int_equal(ev->from_ms, T0 + 3000);
	assert_int_equal(ev->to_ms, T0 + 10000);
	ev = find_event(&s, PLAYER_EVENT_GAP, 2);	/* after */
	assert_int_equal(ev->from_ms, T0 + 13000);
	assert_int_equal(ev->to_ms, T0 + 14000);
	assert_int_equal(intervals_list(player_intervals(p), &list), 2);
	assert_int_equal(list[0].from_ms, T0);
	assert_int_equal(list[0].to_ms, T0 + 3000);
	assert_int_equal(list[1].from_ms, T0 + 10000);
	assert_int_equal(list[1].to_ms, T0 + 13000);

	assert_int_equal(player_seek_to(p, T0 + 5000, &cause), 0);
	wait_position(p, &s, T0 + 10000);
	assert_int_equal(player_seek(p, -1000, &cause), 0);
	wait_position(p, &s, T0 + 2900);
	seen_free(&s);
	player_free(p);
}

/* Garbage and a file cut before its index: each is reported, left out,
 * and playback goes on with the next segment. */
static void
test_corrupt(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0, 0, 3000 },
		{ garbage, T0 + 3000, 0, 3000 },
		{ truncated, T0 + 6000, 0, 3000 },
		{ clip_b, T0 + 9000, 0, 3000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	const struct player_event *ev;
	const struct interval *list;
	char *cause = NULL;
	double sixteen = 16;
	int i;

	(void)state;
	s.errors_ok = 1;
	load(p, items, 4, T0, T0 + 12000, 0, 0);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	for (i = 0; i < 4; i++)
		ok(player_speed_step(p, 1, &cause), cause);
	wait_until(p, &s, done_speed, &sixteen, "16x");
	wait_event(p, &s, PLAYER_EVENT_END);
	assert_true(has_event(&s, PLAYER_EVENT_ERROR));
	assert_int_equal(count_event(&s, PLAYER_EVENT_CORRUPT), 2);
	ev = find_event(&s, PLAYER_EVENT_CORRUPT, 0);
	assert_int_equal(ev->segment, 1);
	assert_non_null(strstr(ev->message, "garbage.mp4"));
	ev = find_event(&s, PLAYER_EVENT_CORRUPT, 1);
	assert_int_equal(ev->segment, 2);
	assert_non_null(strstr(ev->message, "truncated.mp4"));
	ev = find_event(&s, PLAYER_EVENT_GAP, 0);
	assert_non_null(ev);
	assert_int_equal(ev->from_ms, T0 + 3000);
	assert_int_equal(ev->to_ms, T0 + 9000);
	assert_string_equal(ev->message, "2 unreadable segments skipped");
	assert_false(has_event(&s, PLAYER_EVENT_STOPPED));
	assert_int_equal(intervals_list(player_intervals(p), &list), 2);
	assert_int_equal(list[0].to_ms, T0 + 3000);
	assert_int_equal(list[1].from_ms, T0 + 9000);
	assert_int_equal(list[1].to_ms, T0 + 12000);
	seen_free(&s);

	/* Nothing playable at all: stopped, with a reason. */
	s.errors_ok = 1;
	load(p, &items[1], 1, T0 + 3000, T0 + 6000, 0, 0);
	wait_event(p, &s, PLAYER_EVENT_STOPPED);
	ev = find_event(&s, PLAYER_EVENT_STOPPED, 0);
	assert_string_equal(ev->message, "no playable footage in the range");
	seen_free(&s);
	player_free(p);
}

/* The cap stops playback once that much footage time was played. */
static void
test_cap(void **state)
{
	struct player_item items[] = {
		{ clip_a, T0, 0, 3000 },
		{ clip_b, T0 + 3000, 0, 3000 },
	};
	struct seen s = { 0 };
	struct player *p = new_player();
	struct player_state st;
	char *cause = NULL;
	int i;

	(void)state;
	load(p, items, 2, T0, T0 + 6000, 1500, 0);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	for (i = 0; i < 3; i++)
		ok(player_speed_step(p, 1, &cause), cause);
	wait_event(p, &s, PLAYER_EVENT_CAP);
	wait_event(p, &s, PLAYER_EVENT_STOPPED);
	player_get_state(p, &st);
	assert_true(st.capped);
	assert_true(st.stopped);
	assert_false(st.loaded);
	assert_true(st.played_ms >= 1500);
	assert_true(st.played_ms <= 1500 + 800);	/* a few frames at 8x */
	assert_int_equal(intervals_shown_ms(player_intervals(p)), st.played_ms);
	assert_int_equal(player_pause(p, 0, &cause), -1);
	assert_string_equal(cause, "the playback cap was reached");
	free(cause);
	cause = NULL;
	assert_int_equal(player_seek(p, -1000, &cause), -1);
	free(cause);
	assert_false(has_event(&s, PLAYER_EVENT_END));
	seen_free(&s);
	player_free(p);
}

/* A cap is time on screen too: a frame paused under a 600 ms cap plays
 * nothing more, yet the playback stops once it has been up that long
 * (issue 14: a capped code could otherwise show a slideshow of an hour). */
static void
test_cap_on_screen(void **state)
{
	struct player_item items[] = { { clip_a, T0, 0, 3000 } };
	struct seen s = { 0 };
	struct player *p = new_player();
	struct player_state st;
	int64_t left;

	(void)state;
	load(p, items, 1, T0, T0 + 3000, 600, 1);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	left = player_cap_left(p);
	assert_true(left > 0 && left <= 600);
	assert_int_equal(player_check_cap(p), 0);
	/* Paused: nothing played, time on screen runs. */
	while ((left = player_cap_left(p)) > 0) {
		struct pollfd pfd = { player_fd(p), POLLIN, 0 };

		poll(&pfd, 1, (int)left);
		pump(p, &s);
	}
	player_get_state(p, &st);
	assert_true(st.played_ms < 600);
	assert_int_equal(player_check_cap(p), 1);
	wait_event(p, &s, PLAYER_EVENT_CAP);
	wait_event(p, &s, PLAYER_EVENT_STOPPED);
	player_get_state(p, &st);
	assert_true(st.capped);
	assert_true(st.stopped);
	assert_true(intervals_screen_ms(player_intervals(p), mono_ms()) >= 600);
	assert_int_equal(player_cap_left(p), -1);
	assert_int_equal(player_check_cap(p), 0);
	seen_free(&s);
	player_free(p);
}

/* Stop unloads; quit shuts libmpv down cleanly; controls are then
 * refused. */
static void
test_stop_and_quit(void **state)
{
	struct player_item items[] = { { clip_a, T0, 0, 3000 } };
	struct seen s = { 0 };
	struct player *p = new_player();
	struct player_state st;
	char *cause = NULL, *json;

	(void)state;
	load(p, items, 1, T0, T0 + 3000, 0, 0);
	wait_event(p, &s, PLAYER_EVENT_LOADED);
	ok(player_stop(p, &cause), cause);
	wait_event(p, &s, PLAYER_EVENT_STOPPED);
	player_get_state(p, &st);
	assert_true(st.stopped);
	assert_int_equal(player_seek(p, 1000, &cause), -1);
	free(cause);
	cause = NULL;
	json = player_view_json(p);
	assert_non_null(strstr(json, "\"shown\":[["));
	free(json);

	ok(player_quit(p, &cause), cause);
	wait_event(p, &s, PLAYER_EVENT_SHUTDOWN);
	player_get_state(p, &st);
	assert_true(st.shutdown);
	assert_int_equal(player_load(p, &(struct player_range){ T0, T0 + 3000,
	    items, 1, 0 }, 0, &cause), -1);
	free(cause);
	seen_free(&s);
	player_free(p);
}

/* Loading is refused without a watermark, with a bad range, and outside
 * the C numeric locale. */
static void
test_refusals(void **state)
{
	struct player_options o = { PLAYER_VO_NULL, 0, 0 };
	struct player_item items[] = { { clip_a, T0, 0, 3000 } };
	struct player_range r = { T0, T0 + 3000, items, 1, 0 };
	struct player *p;
	char *cause = NULL;

	(void)state;
	p = player_create(&o, &cause);
	assert_non_null(p);
	assert_int_equal(player_load(p, &r, 0, &cause), -1);
	assert_string_equal(cause, "no watermark set");
	free(cause);
	cause = NULL;
	assert_int_equal(player_set_watermark(p, "", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(player_set_watermark(p, "a \xc2\xb7 b", &cause), 0);
	r.to_ms = T0 + 2000;
	assert_int_equal(player_load(p, &r, 0, &cause), -1);
	assert_string_equal(cause, "segment 0 lies outside the range");
	free(cause);
	cause = NULL;
	assert_int_equal(player_pause(p, 1, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(player_set_terminal_area(p, 20, 80, &cause), -1);
	free(cause);
	player_free(p);
}

/* The watermark line and the output choice. */
static void
test_watermark_text_and_vo(void **state)
{
	struct player_env env = { 0 };
	enum player_vo vo;
	char *t;

	(void)state;
	t = player_watermark_text("alice", "POLICE", "2026/1234",
	    INT64_C(1795374420000));	/* 2026-11-22 19:07 local (TZ=UTC) */
	assert_string_equal(t, "alice \xc2\xb7 POLICE 2026/1234 \xc2\xb7 "
	    "2026-11-22 19:07");
	free(t);
	t = player_watermark_text("bob\x1b[2J", "SYSCHECK", NULL,
	    INT64_C(1795374420000));
	assert_null(strchr(t, '\x1b'));
	assert_non_null(strstr(t, "SYSCHECK \xc2\xb7 "));
	free(t);

	assert_int_equal(player_vo_from_name("sixel", &vo), 0);
	assert_int_equal(vo, PLAYER_VO_SIXEL);
	assert_string_equal(player_vo_name(vo), "sixel");
	assert_int_equal(player_vo_from_name("xv", &vo), -1);
	assert_true(player_vo_is_terminal(PLAYER_VO_TCT));
	assert_false(player_vo_is_terminal(PLAYER_VO_DRM));
	assert_int_equal(player_vo_resolve(PLAYER_VO_NULL, &env),
	    PLAYER_VO_NULL);
	assert_int_equal(player_vo_resolve(PLAYER_VO_AUTO, &env),
	    PLAYER_VO_TCT);
	env.sixel = 1;
	assert_int_equal(player_vo_resolve(PLAYER_VO_AUTO, &env),
	    PLAYER_VO_SIXEL);
	env.text_console = 1;
	assert_int_equal(player_vo_resolve(PLAYER_VO_AUTO, &env),
	    PLAYER_VO_DRM);
	env.display = 1;
	assert_int_equal(player_vo_resolve(PLAYER_VO_AUTO, &env),
	    PLAYER_VO_GPU);
	/* No terminal on a closed fd: only the environment counts. */
	player_env_probe(-1, 1, &env);
	assert_false(env.text_console);
	assert_false(env.sixel);
}

/* The periodic checkpoint of the viewed intervals during playback. */
static void
test_checkpoint(void **state)
{
	struct player_item items[] = { { clip_a, T0, 0, 3000 } };
	struct seen s = { 0 };
	struct player *p = new_player();
	char path[400], *buf = NULL, *cause = NULL;
	size_t len;
	int64_t want = 200;

	(void)state;
	snprintf(path, sizeof path, "%s/view.json", fixdir);
	load(p, items, 1, T0, T0 + 3000, 0, 0);
	wait_until(p, &s, done_shown, &want, "200 ms shown");
	ok(player_view_checkpoint(p, path, &cause), cause);
	assert_int_equal(file_read_all(path, 65536, &buf, &len, &cause), 0);
	assert_non_null(strstr(buf, "{\"shown\":[[1763802000000,"));
	free(buf);
	unlink(path);
	seen_free(&s);
	player_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_segments),
		cmocka_unit_test(test_seek_edges),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_frame_step),
		cmocka_unit_test(test_segment_step),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_cap_on_screen),
		cmocka_unit_test(test_stop_and_quit),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_watermark_text_and_vo),
		cmocka_unit_test(test_checkpoint),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
