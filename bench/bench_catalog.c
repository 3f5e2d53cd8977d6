/* bench_catalog — the catalog's speed on 100,000 segment names: a scan
 * into a new catalog, a rescan with nothing changed, and the coverage and
 * range-to-segments queries, against `find ROOT -type f | wc -l` over the
 * same tree in the same run.  Prints a Markdown section for
 * bench/RESULTS.md.
 *
 *   bench_catalog DIR      DIR: an empty folder for the tree and catalog */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "footage/footage.h"
#include "util/util.h"

#define CAMERAS		10
#define PER_CAMERA	10000		/* 10-minute segments: 69.4 days */
#define DAY0		1577836800000LL	/* 2020-01-01T00:00:00Z */
#define QUERY_ROUNDS	2000

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Creates the tree of empty segment files under root. */
static void
bench_tree(const char *root)
{
	struct timespec ts[2];
	char path[512];
	time_t t;
	struct tm tm;
	int c, i, fd, lastday = -1;

	if (mkdir(root, 0755) == -1)
		fatal("%s: %s", root, strerror(errno));
	for (c = 0; c < CAMERAS; c++) {
		snprintf(path, sizeof path, "%s/camera-%02d", root, c);
		if (mkdir(path, 0755) == -1)
			fatal("%s: %s", path, strerror(errno));
		lastday = -1;
		for (i = 0; i < PER_CAMERA; i++) {
			t = (time_t)(DAY0 / 1000) + (time_t)i * 600;
			gmtime_r(&t, &tm);
			if (tm.tm_yday != lastday) {
				snprintf(path, sizeof path, "%s/camera-%02d/%04d-%02d-%02d",
				    root, c, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
				if (mkdir(path, 0755) == -1)
					fatal("%s: %s", path, strerror(errno));
				lastday = tm.tm_yday;
			}
			snprintf(path, sizeof path,
			    "%s/camera-%02d/%04d-%02d-%02d/%02d-%02d-%02d.mp4", root, c,
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			    tm.tm_min, tm.tm_sec);
			if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
				fatal("%s: %s", path, strerror(errno));
			/* Written when its ten minutes ended, as a recorder does. */
			ts[0].tv_sec = ts[1].tv_sec = t + 600;
			ts[0].tv_nsec = ts[1].tv_nsec = 0;
			if (futimens(fd, ts) == -1)
				fatal("%s: %s", path, strerror(errno));
			close(fd);
			/* The day folder, as the recorder left it: changed when
			 * its newest file was made (the scan reads a folder that
			 * changed just before it again). */
			*strrchr(path, '/') = '\0';
			if (utimensat(AT_FDCWD, path, ts, 0) == -1)
				fatal("%s: %s", path, strerror(errno));
		}
	}
}

/* Runs `find ROOT -type f | wc -l` and returns its wall time in ms. */
static double
bench_find(const char *root, long *count)
{
	char *cmd, line[64];
	double t0, t1;
	FILE *p;

	cmd = xasprintf("find '%s' -type f | wc -l", root);
	t0 = bench_now();
	if ((p = popen(cmd, "r")) == NULL)
		fatal("popen: %s", strerror(errno));
	if (fgets(line, sizeof line, p) == NULL)
		fatal("find printed nothing");
	if (pclose(p) != 0)
		fatal("%s failed", cmd);
	t1 = bench_now();
	*count = strtol(line, NULL, 10);
	free(cmd);
	return t1 - t0;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct catalog_opts o;
	struct catalog *cat;
	struct catalog_scan_report r;
	struct catalog_span *spans;
	struct catalog_range rg;
	double t0, tree_ms, find_ms, find2_ms, scan_ms, rescan_ms, full_ms, open_ms;
	double *cov, *rng;
	char *root, *db, *cause = NULL, *cmd, when[64];
	int64_t day, from;
	size_t n, i;
	long found;
	time_t now;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_catalog DIR\n");
		return 2;
	}
	setenv("TZ", "UTC", 1);
	tzset();
	root = xasprintf("%s/recorder", argv[1]);
	db = xasprintf("%s/catalog.db", argv[1]);

	t0 = bench_now();
	bench_tree(root);
	tree_ms = bench_now() - t0;

	/* Baseline: once to warm the cache like the scans below, then timed. */
	find_ms = bench_find(root, &found);
	find2_ms = bench_find(root, &found);
	if (found != CAMERAS * PER_CAMERA)
		fatal("find counted %ld files", found);

	o.db = db;
	o.root = root;
	o.pattern = "vigil";
	o.timezone = "UTC";
	t0 = bench_now();
	if ((cat = catalog_open(&o, &cause)) == NULL)
		fatal("%s", cause);
	open_ms = bench_now() - t0;
	t0 = bench_now();
	if (catalog_scan(cat, 0, &r, &cause) != 0)
		fatal("scan: %s", cause);
	scan_ms = bench_now() - t0 + open_ms;
	if (r.added != CAMERAS * PER_CAMERA)
		fatal("scan added %lld", (long long)r.added);
	catalog_scan_report_free(&r);
	t0 = bench_now();
	if (catalog_scan(cat, 0, &r, &cause) != 0)
		fatal("rescan: %s", cause);
	rescan_ms = bench_now() - t0;
	if (r.unchanged != CAMERAS * PER_CAMERA)
		fatal("rescan found %lld unchanged", (long long)r.unchanged);
	catalog_scan_report_free(&r);
	t0 = bench_now();
	if (catalog_scan(cat, CATALOG_SCAN_FULL, &r, &cause) != 0)
		fatal("full rescan: %s", cause);
	full_ms = bench_now() - t0;
	if (r.unchanged != CAMERAS * PER_CAMERA || r.folders_unchanged != 0)
		fatal("full rescan found %lld unchanged", (long long)r.unchanged);
	catalog_scan_report_free(&r);

	/* Queries on camera-05: a whole day (144 segments), and an hour that
	 * starts and ends inside segments (7 pieces), at varying places. */
	cov = xcalloc(QUERY_ROUNDS, sizeof *cov);
	rng = xcalloc(QUERY_ROUNDS, sizeof *rng);
	for (i = 0; i < QUERY_ROUNDS; i++) {
		day = DAY0 + (int64_t)(i % 60) * 86400000LL;
		t0 = bench_now();
		if (catalog_coverage(cat, "camera-05", day, day + 86400000LL, &spans,
		    &n, &cause) == -1)
			fatal("coverage: %s", cause);
		cov[i] = bench_now() - t0;
		free(spans);
		from = day + 10 * 3600000LL + 5 * 60000LL;
		t0 = bench_now();
		if (catalog_range(cat, "camera-05", from, from + 3600000LL, &rg,
		    &cause) == -1)
			fatal("range: %s", cause);
		rng[i] = bench_now() - t0;
		if (rg.n != 7)
			fatal("range gave %zu pieces", rg.n);
		catalog_range_free(&rg);
	}
	qsort(cov, QUERY_ROUNDS, sizeof *cov, bench_cmp);
	qsort(rng, QUERY_ROUNDS, sizeof *rng, bench_cmp);
	catalog_close(cat);

	now = time(NULL);
	strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", gmtime(&now));
	printf("## catalog\n\n");
	printf("Run %s UTC\nwith `sh bench/run catalog` (`bench_catalog DIR`).\n\n",
	    when);
	printf("A recorder of %d empty segment files in the vigil layout (%d "
	    "cameras x %d ten-minute segments from 2020-01-01, one folder per "
	    "camera-day, each file's mtime the end of its ten minutes), made in "
	    "%.0f ms.  Baseline: `find ROOT -type f | wc -l` over the same tree, "
	    "run once to warm the page cache (%.0f ms) and then timed; the scans "
	    "below run on the same warm cache.  A scan reads names and "
	    "`fstatat()`s the segment files; it reads no container (empty files "
	    "are marked corrupt at once, so nothing is left to probe).  The "
	    "rescan skips settled folders whose mtime and ctime are unchanged "
	    "(every one, here); `--full` stats every file again.  Queries: %d "
	    "rounds each on one camera, at 60 different days, "
	    "`catalog_coverage()` of a whole day (144 segments) and "
	    "`catalog_range()` of one hour starting 5 minutes into a segment "
	    "(7 pieces).\n\n", CAMERAS * PER_CAMERA, CAMERAS, PER_CAMERA, tree_ms,
	    find_ms, QUERY_ROUNDS);
	printf("| measure | vigil | target | `find \\| wc -l` | ratio to find |\n");
	printf("| --- | --- | --- | --- | --- |\n");
	printf("| scan into a new catalog (open + scan, one transaction) | %.0f ms "
	    "| < 2000 ms %s | %.0f ms | %.1f |\n", scan_ms,
	    scan_ms < 2000 ? "(met)" : "(MISSED)", find2_ms, scan_ms / find2_ms);
	printf("| rescan, nothing changed | %.0f ms | < 500 ms %s | %.0f ms | "
	    "%.2f |\n", rescan_ms, rescan_ms < 500 ? "(met)" : "(MISSED)", find2_ms,
	    rescan_ms / find2_ms);
	printf("| rescan `--full`, nothing changed | %.0f ms | | %.0f ms | "
	    "%.1f |\n", full_ms, find2_ms, full_ms / find2_ms);
	printf("| coverage of a camera-day, median | %.3f ms | < 1 ms %s | | |\n",
	    cov[QUERY_ROUNDS / 2], cov[QUERY_ROUNDS / 2] < 1 ? "(met)" : "(MISSED)");
	printf("| coverage of a camera-day, p99 | %.3f ms | | | |\n",
	    cov[QUERY_ROUNDS * 99 / 100]);
	printf("| range to segments (1 hour), median | %.3f ms | < 1 ms %s | | |\n",
	    rng[QUERY_ROUNDS / 2], rng[QUERY_ROUNDS / 2] < 1 ? "(met)" : "(MISSED)");
	printf("| range to segments (1 hour), p99 | %.3f ms | | | |\n",
	    rng[QUERY_ROUNDS * 99 / 100]);
	printf("\nThe host is shared with other work: expect run-to-run noise.\n");

	free(cov);
	free(rng);
	cmd = xasprintf("rm -rf '%s' '%s' '%s-wal' '%s-shm'", root, db, db, db);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_catalog: could not remove %s\n", root);
	free(cmd);
	free(root);
	free(db);
	return 0;
}
