/* bench_player — time from loading a range to its first frame on screen,
 * against a bare libmpv loadfile of the same segment from the same point,
 * and peak RSS while playing.  Prints Markdown.
 *
 * "First frame on screen" is MPV_EVENT_PLAYBACK_RESTART: libmpv sends it
 * once the first frame after a load (or seek) has been handed to the video
 * output and the playback clock starts, so it is the same instant for both
 * sides, needs no polling, and with vo=null nothing but decoding and
 * demuxing is measured.  (PLAYER_EVENT_LOADED is raised on that event.)
 * The baseline uses the client API directly: it is the floor vigil's EDL
 * timeline, event pipe and bookkeeping are compared against. */
#include <sys/resource.h>
#include <sys/wait.h>

#include <locale.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpv/client.h>

#include "player/player.h"
#include "util/util.h"

#define ROUNDS		15
#define SEGMENTS	3
#define SEGMENT_S	10
#define START_MS	5000	/* the range starts 5 s into segment 0 */
#define T0		INT64_C(1795257600000)

struct result {
	double	load_ms[ROUNDS];	/* load to first frame, each round */
	long	maxrss_kb;		/* filled in by the parent */
	int	ok;
};

static char seg[SEGMENTS][512];

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Waits for a player event of type, handling events as the terminal does. */
static int
player_wait(struct player *p, enum player_event_type type)
{
	const struct player_event *ev;
	struct pollfd pfd;
	size_t n, i;

	for (;;) {
		n = player_handle_events(p, &ev);
		for (i = 0; i < n; i++) {
			if (ev[i].type == type)
				return 0;
			if (ev[i].type == PLAYER_EVENT_ERROR) {
				fprintf(stderr, "bench_player: %s\n", ev[i].message);
				return -1;
			}
		}
		pfd.fd = player_fd(p);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 30000) <= 0)
			return -1;
	}
}

/* vigil's player: load the range (three segments from 5 s into the first),
 * wait for the first frame, stop; then play it through at 8x. */
static void
run_player(struct result *r)
{
	struct player_options o = { PLAYER_VO_NULL, 0, 0 };
	struct player_item items[SEGMENTS];
	struct player_range range;
	struct player *p;
	char *cause = NULL;
	double t;
	int i;

	for (i = 0; i < SEGMENTS; i++) {
		items[i].path = seg[i];
		items[i].start_ms = T0 + (i == 0 ? START_MS : i * SEGMENT_S * 1000);
		items[i].offset_ms = i == 0 ? START_MS : 0;
		items[i].length_ms = SEGMENT_S * 1000 - items[i].offset_ms;
	}
	range.from_ms = T0 + START_MS;
	range.to_ms = T0 + SEGMENTS * SEGMENT_S * 1000;
	range.items = items;
	range.n_items = SEGMENTS;
	range.cap_ms = 0;

	if ((p = player_create(&o, &cause)) == NULL ||
	    player_set_watermark(p, "bench \xc2\xb7 SYSCHECK \xc2\xb7 now",
	    &cause) != 0) {
		fprintf(stderr, "bench_player: %s\n", cause);
		return;
	}
	for (i = -1; i < ROUNDS; i++) {	/* round -1 warms up */
		t = now_ms();
		if (player_load(p, &range, 1, &cause) != 0 ||
		    player_wait(p, PLAYER_EVENT_LOADED) != 0)
			goto out;
		if (i >= 0)
			r->load_ms[i] = now_ms() - t;
		if (player_stop(p, &cause) != 0 ||
		    player_wait(p, PLAYER_EVENT_STOPPED) != 0)
			goto out;
	}
	if (player_load(p, &range, 0, &cause) != 0 ||
	    player_wait(p, PLAYER_EVENT_LOADED) != 0)
		goto out;
	for (i = 0; i < 3; i++)
		player_speed_step(p, 1, NULL);
	if (player_wait(p, PLAYER_EVENT_END) != 0)
		goto out;
	r->ok = 1;
out:
	if (!r->ok && cause != NULL)
		fprintf(stderr, "bench_player: %s\n", cause);
	free(cause);
	player_free(p);
}

/* Waits on a bare handle for an event. */
static int
bare_wait(mpv_handle *h, mpv_event_id id)
{
	mpv_event *ev;

	for (;;) {
		ev = mpv_wait_event(h, 30);
		if (ev->event_id == id)
			return 0;
		if (ev->event_id == MPV_EVENT_NONE ||
		    ev->event_id == MPV_EVENT_SHUTDOWN)
			return -1;
		if (ev->event_id == MPV_EVENT_END_FILE &&
		    id != MPV_EVENT_END_FILE &&
		    ((mpv_event_end_file *)ev->data)->reason ==
		    MPV_END_FILE_REASON_ERROR)
			return -1;
	}
}

/* The baseline: libmpv with the same options loads the first segment
 * from the same point (start=5), first frame, stop; then plays the three
 * segments at 8x as a playlist. */
static void
run_bare(struct result *r)
{
	const char *load[] = { "loadfile", seg[0], "replace", "start=5", NULL };
	const char *stop[] = { "stop", NULL };
	mpv_handle *h;
	double t;
	int i;

	h = mpv_create();
	if (h == NULL)
		return;
	/* The same settings as the player, scripts off included. */
	mpv_set_option_string(h, "config", "no");
	mpv_set_option_string(h, "ytdl", "no");
	mpv_set_option_string(h, "load-scripts", "no");
	mpv_set_option_string(h, "osc", "no");
	mpv_set_option_string(h, "load-stats-overlay", "no");
	mpv_set_option_string(h, "load-osd-console", "no");
	mpv_set_option_string(h, "load-auto-profiles", "no");
	mpv_set_option_string(h, "vo", "null");
	mpv_set_option_string(h, "ao", "null");
	mpv_set_option_string(h, "aid", "no");
	mpv_set_option_string(h, "idle", "yes");
	mpv_set_option_string(h, "keep-open", "yes");
	mpv_set_option_string(h, "pause", "yes");
	if (mpv_initialize(h) < 0)
		goto out;
	for (i = -1; i < ROUNDS; i++) {	/* round -1 warms up */
		t = now_ms();
		if (mpv_command(h, load) < 0 ||
		    bare_wait(h, MPV_EVENT_PLAYBACK_RESTART) != 0)
			goto out;
		if (i >= 0)
			r->load_ms[i] = now_ms() - t;
		if (mpv_command(h, stop) < 0 ||
		    bare_wait(h, MPV_EVENT_END_FILE) != 0)
			goto out;
	}
	{
		const char *l0[] = { "loadfile", seg[0], "replace", "start=5",
		    NULL };
		const char *l1[] = { "loadfile", seg[1], "append", NULL };
		const char *l2[] = { "loadfile", seg[2], "append", NULL };

		mpv_set_option_string(h, "pause", "no");
		mpv_set_option_string(h, "speed", "8");
		if (mpv_command(h, l0) < 0 || mpv_command(h, l1) < 0 ||
		    mpv_command(h, l2) < 0)
			goto out;
		/* keep-open holds only the last file at its end. */
		mpv_observe_property(h, 1, "eof-reached", MPV_FORMAT_FLAG);
		for (;;) {
			mpv_event *ev = mpv_wait_event(h, 30);

			if (ev->event_id == MPV_EVENT_NONE ||
			    ev->event_id == MPV_EVENT_SHUTDOWN)
				goto out;
			if (ev->event_id == MPV_EVENT_PROPERTY_CHANGE &&
			    ((mpv_event_property *)ev->data)->format ==
			    MPV_FORMAT_FLAG &&
			    *(int *)((mpv_event_property *)ev->data)->data)
				break;
		}
	}
	r->ok = 1;
out:
	mpv_terminate_destroy(h);
}

/* Runs fn in a child so that its peak RSS is its own. */
static int
measure(void (*fn)(struct result *), struct result *r)
{
	struct rusage ru;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof *r);
	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		fn(r);
		n = write(fds[1], r, sizeof *r);
		_exit(n == (ssize_t)sizeof *r && r->ok ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], r, sizeof *r);
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || n != (ssize_t)sizeof *r)
		return -1;
	r->maxrss_kb = ru.ru_maxrss;
	return 0;
}

static void
stats(const struct result *r, double *median, double *p90, double *min)
{
	double v[ROUNDS];

	memcpy(v, r->load_ms, sizeof v);
	qsort(v, ROUNDS, sizeof v[0], cmp_double);
	*median = v[ROUNDS / 2];
	*p90 = v[(ROUNDS * 9) / 10];
	*min = v[0];
}

int
main(int argc, char **argv)
{
	struct result mine, bare;
	double m1, p1, n1, m2, p2, n2;
	char cmd[2048];
	time_t now;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_player DIR\n");
		return 2;
	}
	setlocale(LC_NUMERIC, "C");
	/* Three 10 s segments of 1280x720, 25 fps H.264, a keyframe every
	 * 2 s, like a camera's: made here, each in its own file. */
	for (i = 0; i < SEGMENTS; i++) {
		snprintf(seg[i], sizeof seg[i], "%s/seg%d.mp4", argv[1], i);
		snprintf(cmd, sizeof cmd, "mkdir -p '%s' && ffmpeg -nostdin "
		    "-v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 "
		    "-ss %d -t %d -c:v libx264 -preset veryfast -g 50 -bf 0 "
		    "-pix_fmt yuv420p '%s'", argv[1], i * SEGMENT_S, SEGMENT_S,
		    seg[i]);
		if (system(cmd) != 0) {
			fprintf(stderr, "bench_player: ffmpeg failed\n");
			return 1;
		}
	}
	if (measure(run_player, &mine) != 0 || measure(run_bare, &bare) != 0) {
		fprintf(stderr, "bench_player: a run failed\n");
		return 1;
	}
	stats(&mine, &m1, &p1, &n1);
	stats(&bare, &m2, &p2, &n2);

	now = time(NULL);
	printf("## player\n\n");
	printf("Run %s", ctime(&now));
	printf("with `sh bench/run player` (`%s`).\n\n", "bench_player DIR");
	printf("Load to first frame: vigil's `player_load()` of a range of three "
	    "10 s segments (1280x720, 25 fps H.264, keyframe every 2 s) starting "
	    "5 s into the first, until `PLAYER_EVENT_LOADED` "
	    "(`MPV_EVENT_PLAYBACK_RESTART`: the first frame handed to the "
	    "video output), polled through the wakeup pipe; baseline: a bare "
	    "libmpv `loadfile` of the first segment with `start=5` until the "
	    "same event.  vo=null, ao=null, scripts off on both, %d rounds "
	    "each after one warm-up round, warm page cache, stop between "
	    "rounds.  Peak RSS: the whole process (a child of "
	    "the benchmark) including those rounds and playing the three "
	    "segments through at 8x.\n\n", ROUNDS);
	printf("| measure | vigil player (EDL range) | bare libmpv loadfile | "
	    "ratio |\n");
	printf("| --- | --- | --- | --- |\n");
	printf("| load to first frame, median | %.1f ms | %.1f ms | %.2f |\n",
	    m1, m2, m1 / m2);
	printf("| load to first frame, p90 | %.1f ms | %.1f ms | %.2f |\n",
	    p1, p2, p1 / p2);
	printf("| load to first frame, best | %.1f ms | %.1f ms | %.2f |\n",
	    n1, n2, n1 / n2);
	printf("| peak RSS while playing | %.1f MiB | %.1f MiB | %.2f |\n",
	    mine.maxrss_kb / 1024.0, bare.maxrss_kb / 1024.0,
	    (double)mine.maxrss_kb / (double)bare.maxrss_kb);
	printf("\nThe EDL opens all %d segment files before the first frame "
	    "(mpv's timeline needs each one's streams), which is what the "
	    "range pays over a single file; crossing into the next segment "
	    "then costs no reload.  The player's extra memory was not "
	    "broken down; the likely part is libass with its fonts, set up "
	    "for the watermark overlay, which the baseline never draws.  "
	    "The host is shared: expect run-to-run noise of tens of ms.\n",
	    SEGMENTS);
	return 0;
}
