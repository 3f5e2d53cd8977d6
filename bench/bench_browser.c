/* bench_browser — the footage browser's redraw when the cursor moves, on a
 * catalog of 28 days x 16 cameras of 1-minute segments (645,120 segment
 * files), against a bare curses redraw of a full 80x24 screen of text in
 * the same run.  Also a change of day (the day's 1440 segments and its
 * coverage read from the catalog).  Prints a Markdown section for
 * bench/RESULTS.md.
 *
 *   bench_browser DIR      DIR: an empty folder for the tree and catalog
 *
 * The screen is a real curses screen (TERM xterm-256color, 80x24) whose
 * output goes to /dev/null: every redraw computes and writes its escape
 * sequences as it would to a terminal. */
#include <sys/stat.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "footage/footage.h"
#include "tui/tui.h"
#include "util/util.h"

#define CAMERAS		16
#define DAYS		28
#define PER_DAY		1440
#define DAY0		1795132800000LL	/* 2026-11-20T00:00:00Z */
#define ROUNDS		2000
#define DAY_ROUNDS	40

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

/* Creates the tree of empty 1-minute segment files under root. */
static void
bench_tree(const char *root)
{
	char path[1100];
	struct tm tm;
	time_t t;
	int c, d, i, fd;

	if (mkdir(root, 0755) == -1)
		fatal("%s: %s", root, strerror(errno));
	for (c = 0; c < CAMERAS; c++) {
		snprintf(path, sizeof path, "%s/camera-%02d", root, c);
		if (mkdir(path, 0755) == -1)
			fatal("%s: %s", path, strerror(errno));
		for (d = 0; d < DAYS; d++) {
			t = (time_t)(DAY0 / 1000) + (time_t)d * 86400;
			gmtime_r(&t, &tm);
			snprintf(path, sizeof path, "%s/camera-%02d/%04d-%02d-%02d",
			    root, c, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			if (mkdir(path, 0755) == -1)
				fatal("%s: %s", path, strerror(errno));
			for (i = 0; i < PER_DAY; i++) {
				snprintf(path, sizeof path, "%s/camera-%02d/"
				    "%04d-%02d-%02d/%02d-%02d-00.mp4", root, c,
				    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				    i / 60, i % 60);
				fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
				if (fd == -1)
					fatal("%s: %s", path, strerror(errno));
				close(fd);
			}
		}
	}
}

/* What a bare curses program does to redraw a full screen of text. */
static void
bench_bare_draw(int n)
{
	char line[128];
	int y;

	erase();
	for (y = 0; y < LINES; y++) {
		snprintf(line, sizeof line, "%3d %-20s | %02d:%02d:00  "
		    "segment %05d.mp4  10:00  ok", y, "camera", (n + y) / 60 % 24,
		    (n + y) % 60, n + y);
		mvaddstr(y, 0, line);
	}
	refresh();
}

static void
bench_stats(double *v, int n, double *median, double *p99, double *max)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp);
	*median = v[n / 2];
	*p99 = v[n * 99 / 100];
	*max = v[n - 1];
}

int
main(int argc, char **argv)
{
	struct catalog_opts o;
	struct catalog_scan_report rep;
	struct catalog *cat;
	struct screen_state st;
	struct browser *b;
	struct config *cfg;
	SCREEN *scr;
	FILE *out, *in;
	char root[512], db[512], *cause = NULL;
	double t0, t_tree, t_scan, *mv, *bare, *day;
	double m1, p1, x1, m2, p2, x2, m3, p3, x3;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_browser DIR\n");
		return 2;
	}
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(root, sizeof root, "%s/recorder", argv[1]);
	snprintf(db, sizeof db, "%s/catalog.db", argv[1]);

	if (mkdir(argv[1], 0755) == -1 && errno != EEXIST)
		fatal("%s: %s", argv[1], strerror(errno));
	t0 = bench_now();
	bench_tree(root);
	t_tree = bench_now() - t0;
	memset(&o, 0, sizeof o);
	o.db = db;
	o.root = root;
	o.pattern = "vigil";
	o.timezone = "UTC";
	t0 = bench_now();
	if ((cat = catalog_open(&o, &cause)) == NULL ||
	    catalog_scan(cat, 0, &rep, &cause) == -1)
		fatal("catalog: %s", cause);
	t_scan = bench_now() - t0;
	catalog_scan_report_free(&rep);

	cfg = config_defaults();
	if ((out = fopen("/dev/null", "w")) == NULL ||
	    (in = fopen("/dev/null", "r")) == NULL)
		fatal("/dev/null: %s", strerror(errno));
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	if ((scr = newterm("xterm-256color", out, in)) == NULL)
		fatal("newterm failed");
	set_term(scr);
	start_color();
	use_default_colors();
	init_pair(SCREEN_PAIR_ERROR, COLOR_RED, -1);
	init_pair(SCREEN_PAIR_ACCENT, COLOR_CYAN, -1);

	memset(&st, 0, sizeof st);
	st.site = "Benchmark library";
	st.user = "alice";
	st.roles = 1;
	st.privsep = 1;
	st.log_state = "intact";

	b = browser_new(cfg, cat);
	browser_draw(b, &st, NULL, 0);
	mv = xcalloc(ROUNDS, sizeof *mv);
	bare = xcalloc(ROUNDS, sizeof *bare);
	day = xcalloc(DAY_ROUNDS, sizeof *day);
	/* The cursor to mid-day first, then right one minute at a time. */
	for (i = 0; i < 600; i++)
		browser_key(b, KEY_RIGHT, -1);
	for (i = 0; i < ROUNDS; i++) {
		t0 = bench_now();
		browser_key(b, i % 2 == 0 ? KEY_RIGHT : KEY_DOWN, -1);
		browser_draw(b, &st, NULL, 0);
		mv[i] = bench_now() - t0;
	}
	for (i = 0; i < ROUNDS; i++) {
		t0 = bench_now();
		bench_bare_draw(i);
		bare[i] = bench_now() - t0;
	}
	for (i = 0; i < DAY_ROUNDS; i++) {
		t0 = bench_now();
		browser_key(b, i % 2 == 0 ? '[' : ']', -1);
		browser_draw(b, &st, NULL, 0);
		day[i] = bench_now() - t0;
	}
	bench_stats(mv, ROUNDS, &m1, &p1, &x1);
	bench_stats(bare, ROUNDS, &m2, &p2, &x2);
	bench_stats(day, DAY_ROUNDS, &m3, &p3, &x3);
	browser_free(b);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);

	printf("## terminal: browser\n\n");
	printf("`bench_browser DIR` (bench/bench_browser.c): a recorder of %d "
	    "empty 1-minute segment files (%d cameras x %d days x %d), made in "
	    "%.0f ms and scanned into a new catalog in %.0f ms (not part of the "
	    "figures).  The browser draws on a real curses screen (xterm-256color, "
	    "80x24) writing to /dev/null.  A cursor move is the key (alternately "
	    "Right: 1 minute, and Down: the next segment) and the full redraw "
	    "(title bar, 24-hour coverage bar, segment list, status); %d rounds.  "
	    "Baseline: a bare curses redraw of a full 80x24 screen of text "
	    "(`erase`, 24 `mvaddstr`, `refresh`), %d rounds in the same run.  "
	    "A day change (`[`/`]`) reads that day's 1440 segments and coverage "
	    "from the catalog; %d rounds.\n\n", CAMERAS * DAYS * PER_DAY, CAMERAS,
	    DAYS, PER_DAY, t_tree, t_scan, ROUNDS, ROUNDS, DAY_ROUNDS);
	printf("| measure | vigil | target | baseline | ratio |\n");
	printf("| --- | --- | --- | --- | --- |\n");
	printf("| cursor move + redraw, median | %.3f ms | < 5 ms (%s) | %.3f ms "
	    "| %.1f |\n", m1, m1 < 5 ? "met" : "NOT met", m2, m1 / m2);
	printf("| cursor move + redraw, p99 | %.3f ms | | %.3f ms | %.1f |\n",
	    p1, p2, p1 / p2);
	printf("| cursor move + redraw, max | %.3f ms | | %.3f ms | |\n", x1, x2);
	printf("| day change + redraw, median | %.3f ms | | | |\n", m3);
	printf("| day change + redraw, max | %.3f ms | | | |\n", x3);
	printf("\nThe target is judged on the median; the p99 and the maximum "
	    "follow the machine's load (the bare baseline's do too).\n");
	free(mv);
	free(bare);
	free(day);
	catalog_close(cat);
	config_free(cfg);
	return 0;
}
