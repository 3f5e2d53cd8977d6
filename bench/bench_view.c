/* bench_view — from confirming the reason to the first frame shown
 * (vo=null): what the terminal does after Enter in the reason dialog —
 * the catalog's range-to-segments query, the durable view-start append to
 * the audit log, the watermark, the EDL load — up to the player's LOADED
 * event, against a bare libmpv loadfile of the same segment from the same
 * point measured in the same run.  Prints a Markdown section.
 *
 *   bench_view DIR      DIR: an empty folder */
#include <sys/stat.h>

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpv/client.h>

#include "audit/audit.h"
#include "config/config.h"
#include "footage/footage.h"
#include "tui/tui.h"
#include "util/util.h"

#define ROUNDS		15
#define T0		INT64_C(1795161600000)	/* 2026-11-20T08:00:00Z */

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

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
	}
}

/* The baseline: an initialised libmpv loads the segment from 5 s in. */
static int
bench_bare(const char *seg, double *v)
{
	const char *load[] = { "loadfile", seg, "replace", "start=5", NULL };
	const char *stop[] = { "stop", NULL };
	mpv_handle *h;
	double t;
	int i, rc = -1;

	if ((h = mpv_create()) == NULL)
		return -1;
	mpv_set_option_string(h, "config", "no");
	mpv_set_option_string(h, "load-scripts", "no");
	mpv_set_option_string(h, "ytdl", "no");
	mpv_set_option_string(h, "osc", "no");
	mpv_set_option_string(h, "vo", "null");
	mpv_set_option_string(h, "ao", "null");
	mpv_set_option_string(h, "aid", "no");
	mpv_set_option_string(h, "idle", "yes");
	mpv_set_option_string(h, "keep-open", "yes");
	if (mpv_initialize(h) < 0)
		goto out;
	for (i = -1; i < ROUNDS; i++) {
		t = bench_now();
		if (mpv_command(h, load) < 0 ||
		    bare_wait(h, MPV_EVENT_PLAYBACK_RESTART) != 0)
			goto out;
		if (i >= 0)
			v[i] = bench_now() - t;
		if (mpv_command(h, stop) < 0 ||
		    bare_wait(h, MPV_EVENT_END_FILE) != 0)
			goto out;
	}
	rc = 0;
out:
	mpv_terminate_destroy(h);
	return rc;
}

/* One view through the terminal's own code; its confirm-to-frame time. */
static double
bench_one(struct playscreen *ps)
{
	struct pollfd pfd;
	char *cause = NULL;
	double t;

	t = bench_now();
	if (playscreen_start(ps, "alice", "cam", T0 + 5000, T0 + 25000,
	    "INCIDENT", "INC-1", "", "", 0, &cause) == -1)
		fatal("playscreen_start: %s", cause);
	while (playscreen_first_frame_ms(ps) < 0) {
		pfd.fd = playscreen_fd(ps);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) != 1)
			fatal("no first frame within 10 s");
		if (playscreen_events(ps) == 1)
			fatal("the view ended before its first frame");
	}
	t = bench_now() - t;
	playscreen_end(ps, "stop", NULL);
	return t;
}

int
main(int argc, char **argv)
{
	struct audit_keys keys;
	struct catalog_opts o;
	struct catalog_scan_report rep;
	struct audit_log *log;
	struct catalog *cat;
	struct config *cfg;
	struct playscreen *ps;
	char path[1024], cmd[4096], conf[1024], *cause = NULL;
	double first, mine[ROUNDS], bare[ROUNDS], append[ROUNDS], t0;
	int64_t left;
	FILE *f;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_view DIR\n");
		return 2;
	}
	setenv("TZ", "UTC", 1);
	tzset();
	setlocale(LC_NUMERIC, "C");
	/* Three 10 s segments of 1280x720, 25 fps H.264, a keyframe every
	 * 2 s, in the vigil layout. */
	for (i = 0; i < 3; i++) {
		snprintf(cmd, sizeof cmd, "mkdir -p '%s/recorder/cam/2026-11-20' "
		    "&& ffmpeg -nostdin -v error -y -f lavfi -i "
		    "testsrc2=size=1280x720:rate=25 -ss %d -t 10 -c:v libx264 "
		    "-preset veryfast -g 50 -bf 0 -pix_fmt yuv420p "
		    "'%s/recorder/cam/2026-11-20/08-00-%02d.mp4'", argv[1],
		    i * 10, argv[1], i * 10);
		if (system(cmd) != 0)
			fatal("ffmpeg failed");
	}
	snprintf(conf, sizeof conf, "%s/vigil.conf", argv[1]);
	if ((f = fopen(conf, "w")) == NULL)
		fatal("%s: %s", conf, strerror(errno));
	fprintf(f, "[paths]\nrecorder = %s/recorder\npattern = vigil\n"
	    "timezone = UTC\ncatalog_db = %s/catalog.db\naudit_db = %s/audit.db\n"
	    "audit_state = %s/audit.state\n\n[player]\nvideo_output = null\n",
	    argv[1], argv[1], argv[1], argv[1]);
	fclose(f);
	if (config_load(conf, &cfg, &cause) < 0)
		fatal("config: %s", cause);
	if (audit_create(config_audit_db(cfg), config_audit_state(cfg), &keys,
	    &cause) == -1 || (log = audit_open(config_audit_db(cfg),
	    config_audit_state(cfg), 0, &cause)) == NULL)
		fatal("audit: %s", cause);
	memset(&keys, 0, sizeof keys);
	memset(&o, 0, sizeof o);
	o.db = config_catalog_db(cfg);
	o.root = config_recorder(cfg);
	o.pattern = config_pattern(cfg);
	o.timezone = config_timezone(cfg);
	if ((cat = catalog_open(&o, &cause)) == NULL ||
	    catalog_scan(cat, 0, &rep, &cause) == -1 ||
	    catalog_probe(cat, 0, &left, &cause) == -1)
		fatal("catalog: %s", cause);
	catalog_scan_report_free(&rep);
	probe_silence_libav();

	ps = playscreen_new(cfg, cat, log, "bench");
	first = bench_one(ps);	/* loads libmpv and starts the player */
	for (i = 0; i < ROUNDS; i++)
		mine[i] = bench_one(ps);
	snprintf(path, sizeof path, "%s/recorder/cam/2026-11-20/08-00-00.mp4",
	    argv[1]);
	if (bench_bare(path, bare) != 0)
		fatal("the bare libmpv baseline failed");
	/* The durable append alone, as playscreen_start() makes it. */
	for (i = 0; i < ROUNDS; i++) {
		struct views_decl d;
		int64_t seq;

		memset(&d, 0, sizeof d);
		d.actor = "alice";
		d.camera = "cam";
		d.from_ms = T0 + 5000;
		d.to_ms = T0 + 25000;
		d.code = "INCIDENT";
		d.reference = "INC-1";
		d.authority = d.note = "";
		d.terminal = "bench";
		t0 = bench_now();
		if ((seq = views_start(log, &d, &cause)) < 0)
			fatal("views_start: %s", cause);
		append[i] = bench_now() - t0;
		if (views_end(log, seq, &d, NULL, "stop", &cause) == -1)
			fatal("views_end: %s", cause);
	}
	qsort(append, ROUNDS, sizeof append[0], bench_cmp);
	qsort(mine, ROUNDS, sizeof mine[0], bench_cmp);
	qsort(bare, ROUNDS, sizeof bare[0], bench_cmp);
	playscreen_shutdown(ps);
	playscreen_free(ps);

	printf("## terminal: reason to first frame\n\n");
	printf("`bench_view DIR` (bench/bench_view.c): three 10 s segments of "
	    "1280x720, 25 fps H.264 (a keyframe every 2 s) in a catalog; a view "
	    "of 20 s from 5 s into the first one, vo=null.  Measured from the "
	    "reason being accepted (`playscreen_start()`: catalog range query, "
	    "durable view-start append to a real audit log, watermark, EDL "
	    "load) to the player's first-frame event, then stopped and logged; "
	    "%d rounds after the first view (which also loads libmpv and "
	    "starts the player: %.1f ms).  Baseline: an initialised libmpv "
	    "`loadfile` of the same segment with `start=5` to "
	    "MPV_EVENT_PLAYBACK_RESTART, %d rounds in the same run.\n\n",
	    ROUNDS, first, ROUNDS);
	printf("| measure | vigil | target | baseline | difference |\n");
	printf("| --- | --- | --- | --- | --- |\n");
	printf("| reason accepted to first frame, median | %.1f ms | within 50 ms "
	    "of the baseline (%s) | %.1f ms | %+.1f ms |\n", mine[ROUNDS / 2],
	    mine[ROUNDS / 2] - bare[ROUNDS / 2] <= 50 ? "met" : "NOT met",
	    bare[ROUNDS / 2], mine[ROUNDS / 2] - bare[ROUNDS / 2]);
	printf("| reason accepted to first frame, slowest | %.1f ms | | %.1f ms "
	    "| %+.1f ms |\n", mine[ROUNDS - 1], bare[ROUNDS - 1],
	    mine[ROUNDS - 1] - bare[ROUNDS - 1]);
	printf("| of which: the durable view-start append (measured apart), "
	    "median | %.1f ms | | | |\n", append[ROUNDS / 2]);
	printf("| first view of the session (libmpv loaded) | %.1f ms | | | |\n",
	    first);
	printf("\nThe view's timeline is an EDL of the pieces of every segment "
	    "in the range (here three files, each opened at load), where the "
	    "baseline opens one file; the view-start append waits for "
	    "SQLite's commit and the key state's fdatasync.\n");
	audit_close(log);
	catalog_close(cat);
	config_free(cfg);
	return 0;
}
