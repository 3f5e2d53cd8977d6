/* bench_review — the DPO's review on a 1,000,000-entry log: the first page,
 * filter changes of several kinds, a report of about 100,000 rows as CSV
 * (with its full verification), peak RSS, against the sqlite3 command
 * selecting the same rows to CSV.  Prints Markdown.
 *
 *   bench_review WORKDIR CACHEDIR [screen]
 *
 * "screen": only the first pages and the screen's moves with flag filters
 * (a quick trial).
 *
 * The log is generated through the library once and kept in CACHEDIR
 * (review-1000000.db); later runs reuse it. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "export/export.h"
#include "util/util.h"

/* BENCH_REVIEW_ENTRIES overrides it, for a quick trial. */
static int64_t ENTRIES = 1000000;
#define START_MS	1735689600000LL		/* 2025-01-01T00:00:00Z */
#define USERS		40
#define CAMERAS		32
#define PAGE		50
#define SCREEN		16	/* rows on the review screen (80x24) */
#define REPORTS		5	/* reports timed; the median counts */

static const struct audit_review_code codes[] = {
	{ "INCIDENT", "INC-[0-9]+", 0, 0 },
	{ "POLICE", NULL, 0, 1 },
	{ "DSAR", NULL, 0, 1 },
	{ "ERASURE", NULL, 0, 0 },
	{ "SYSCHECK", NULL, 120, 0 },
};
static const struct audit_review_limits limits = {
	7 * 60, 18 * 60, 20, 10, 4, codes, 5
};
/* Thresholds that few rows meet (the flags rare, some on no row). */
static const struct audit_review_code quiet_codes[] = {
	{ "INCIDENT", NULL, 0, 0 },
	{ "POLICE", NULL, 0, 1 },
	{ "DSAR", NULL, 0, 1 },
	{ "ERASURE", NULL, 0, 0 },
	{ "SYSCHECK", NULL, 0, 0 },
};
static const struct audit_review_limits quiet = {
	1, 23 * 60 + 59, 1440, 1000, 4, quiet_codes, 5
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, char *cause)
{
	fprintf(stderr, "bench_review: %s: %s\n", what, cause != NULL ? cause :
	    strerror(errno));
	exit(1);
}

/* A small deterministic generator. */
static uint64_t rng = 88172645463325252ULL;
static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

struct gen {
	struct audit_entry *e;
	char		(*details)[320];
	char		(*strs)[4][48];
	size_t		 n, cap;
	int64_t		 base;		/* seq of e[0] */
};

static struct audit_entry *
gen_add(struct gen *g, int64_t t, const char *action)
{
	struct audit_entry *e = &g->e[g->n];

	memset(e, 0, sizeof *e);
	e->time_ms = t;
	e->action = action;
	e->terminal = "tty1";
	e->details = "{}";
	g->n++;
	return e;
}

/* Generates the log: shifts of a user (login, views, now and then an
 * export, logout), about 2 minutes apart, with flags at known rates. */
static void
generate(const char *db, const char *state)
{
	static const char *reasons[] = { "INCIDENT", "INCIDENT", "POLICE",
	    "DSAR", "SYSCHECK" };
	struct audit_keys k;
	struct audit_log *log;
	struct gen g;
	struct audit_entry *e;
	char *cause = NULL;
	int64_t t = START_MS, start_seq, seq;
	unsigned u, views, i, c, r;
	int64_t wall, played;

	if (audit_create(db, state, &k, &cause) != 0 ||
	    (log = audit_open(db, state, 0, &cause)) == NULL)
		die("create", cause);
	memset(&g, 0, sizeof g);
	g.cap = 4096;
	g.e = calloc(g.cap, sizeof *g.e);
	g.details = calloc(g.cap, sizeof *g.details);
	g.strs = calloc(g.cap, sizeof *g.strs);
	seq = 0;
	while (seq < ENTRIES) {
		g.n = 0;
		g.base = seq;
		while (g.n + 40 < g.cap && seq + (int64_t)g.n + 40 < ENTRIES) {
			u = rnd(USERS);
			/* Mostly in working hours. */
			t += 60000 + rnd(240000);
			e = gen_add(&g, t, "login");
			snprintf(g.strs[g.n - 1][0], 48, "user%02u", u);
			e->actor = g.strs[g.n - 1][0];
			views = 1 + rnd(6);
			for (i = 0; i < views; i++) {
				c = rnd(CAMERAS);
				r = rnd(5);
				t += 5000 + rnd(60000);
				start_seq = g.base + (int64_t)g.n;
				e = gen_add(&g, t, "view-start");
				snprintf(g.strs[g.n - 1][0], 48, "user%02u", u);
				snprintf(g.strs[g.n - 1][1], 48, "cam%02u", c);
				if (r <= 1)
					snprintf(g.strs[g.n - 1][2], 48, rnd(50) == 0 ?
					    "bad %u" : "INC-%u", rnd(200000));
				else if (r == 4)
					g.strs[g.n - 1][2][0] = '\0';
				else
					snprintf(g.strs[g.n - 1][2], 48, "%s/%u",
					    reasons[r], rnd(100000));
				e->actor = g.strs[g.n - 1][0];
				e->camera = g.strs[g.n - 1][1];
				e->reason_code = reasons[r];
				e->reference = g.strs[g.n - 1][2];
				e->from_ms = t - 86400000 - rnd(3600000);
				e->to_ms = e->from_ms + 900000;
				snprintf(g.details[g.n - 1], 320, "{\"authority\":\"\","
				    "\"note\":\"\",\"cap_ms\":%d,\"playable_ms\":900000}",
				    r == 4 ? 120000 : 0);
				e->details = g.details[g.n - 1];
				wall = 30000 + rnd(600000);
				if (rnd(30) == 0)
					wall = 1200000 + rnd(1200000);
				played = r == 4 ? (rnd(20) == 0 ? 150000 : 110000) :
				    wall;
				t += wall;
				e = gen_add(&g, t, rnd(200) == 0 ? "view-aborted" :
				    "view-end");
				memcpy(g.strs[g.n - 1], g.strs[g.n - 2],
				    sizeof g.strs[0]);
				e->actor = g.strs[g.n - 1][0];
				e->camera = g.strs[g.n - 1][1];
				e->reason_code = reasons[r];
				e->reference = g.strs[g.n - 1][2];
				e->from_ms = g.e[g.n - 2].from_ms;
				e->to_ms = g.e[g.n - 2].to_ms;
				snprintf(g.details[g.n - 1], 320, "{\"shown\":[[%lld,"
				    "%lld]],\"shown_ms\":%lld,\"played_ms\":%lld,"
				    "\"wall_ms\":%lld,\"seeks\":1,\"speed_changes\":0,"
				    "\"view\":%lld,\"end\":\"stopped\"}",
				    (long long)e->from_ms, (long long)(e->from_ms +
				    played), (long long)played, (long long)played,
				    (long long)wall, (long long)start_seq);
				e->details = g.details[g.n - 1];
			}
			if (rnd(20) == 0) {
				int approved = rnd(3) != 0;
				int64_t xs;

				c = rnd(CAMERAS);
				if (approved) {
					e = gen_add(&g, t += 1000, "export-approved");
					snprintf(g.details[g.n - 1], 320,
					    "{\"export\":%lld}", (long long)(g.base +
					    (int64_t)g.n));
					e->details = g.details[g.n - 1];
					e->actor = "approver";
				}
				xs = g.base + (int64_t)g.n;
				e = gen_add(&g, t += 1000, "export-start");
				snprintf(g.strs[g.n - 1][0], 48, "user%02u", u);
				snprintf(g.strs[g.n - 1][1], 48, "cam%02u", c);
				snprintf(g.strs[g.n - 1][2], 48, "POLICE/%u",
				    rnd(100000));
				e->actor = g.strs[g.n - 1][0];
				e->camera = g.strs[g.n - 1][1];
				e->reason_code = "POLICE";
				e->reference = g.strs[g.n - 1][2];
				e->from_ms = t - 86400000;
				e->to_ms = e->from_ms + 600000;
				e = gen_add(&g, t += 30000, "export-done");
				memcpy(g.strs[g.n - 1], g.strs[g.n - 2],
				    sizeof g.strs[0]);
				e->actor = g.strs[g.n - 1][0];
				e->camera = g.strs[g.n - 1][1];
				e->reason_code = "POLICE";
				e->reference = g.strs[g.n - 1][2];
				e->from_ms = g.e[g.n - 2].from_ms;
				e->to_ms = g.e[g.n - 2].to_ms;
				snprintf(g.details[g.n - 1], 320, "{\"export\":%lld}",
				    (long long)xs);
				e->details = g.details[g.n - 1];
			}
			e = gen_add(&g, t += 2000, "logout");
			snprintf(g.strs[g.n - 1][0], 48, "user%02u", u);
			e->actor = g.strs[g.n - 1][0];
		}
		/* The last few entries up to the round number. */
		if (seq + (int64_t)g.n + 40 >= ENTRIES) {
			while (seq + (int64_t)g.n < ENTRIES && g.n < g.cap)
				gen_add(&g, t += 1000, "note")->actor = "admin";
		}
		if (audit_append_many(log, g.e, g.n, &cause) != g.base)
			die("append", cause);
		seq += (int64_t)g.n;
	}
	audit_close(log);
	free(g.e);
	free(g.details);
	free(g.strs);
}

/* Time to the first page of f on a new review, median of 5. */
static double
first_page(struct audit_log *log, const struct audit_review_filter *f,
    size_t *rows)
{
	double t[5], x;
	struct audit_review *rv;
	struct audit_review_page *p;
	char *cause = NULL;
	int i, j;

	for (i = 0; i < 5; i++) {
		x = now_s();
		if ((rv = audit_review_new(log, &limits, &cause)) == NULL ||
		    audit_review_page(rv, f, NULL, 0, PAGE, &p, &cause) != 0)
			die("page", cause);
		t[i] = now_s() - x;
		*rows = p->n;
		audit_review_page_free(p);
		audit_review_free(rv);
	}
	for (i = 0; i < 5; i++)
		for (j = i + 1; j < 5; j++)
			if (t[j] < t[i]) {
				x = t[i];
				t[i] = t[j];
				t[j] = x;
			}
	return t[2];
}

/* The process's resident set now, in MB (not the peak). */
static double
rss_mb(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;

	if (fp == NULL)
		return -1;
	if (fscanf(fp, "%ld %ld", &pages, &res) != 2)
		res = -1;
	fclose(fp);
	return res < 0 ? -1 : (double)res * (double)sysconf(_SC_PAGESIZE) / 1e6;
}

/* One read of the screen: a page of 16 rows; its time in ms. */
static double
screen_read(struct audit_review *rv, const struct audit_review_filter *f,
    const struct audit_review_pos *at, int backward,
    struct audit_review_page **p)
{
	char *cause = NULL;
	double t = now_s();

	if (audit_review_page(rv, f, at, backward, SCREEN, p, &cause) != 0)
		die("page", cause);
	return (now_s() - t) * 1000;
}

static void
screen_cell(double ms)
{
	printf(" %.1f ms%s |", ms, ms < 200 ? "" : " (NOT met)");
}

/* The moves of the review screen with filter f on one review (as the
 * screen keeps it): the newest page after the filter change, PgDn, PgUp
 * back, End, PgUp from the end; a row of the table. */
static void
screen_moves(struct audit_log *log, const struct audit_review_limits *lim,
    const char *name, const struct audit_review_filter *f)
{
	struct audit_review *rv;
	struct audit_review_page *p, *q;
	struct audit_review_pos at;
	char *cause = NULL;
	double ms;

	ms = now_s();
	if ((rv = audit_review_new(log, lim, &cause)) == NULL)
		die("review", cause);
	if (audit_review_page(rv, f, NULL, 0, SCREEN, &p, &cause) != 0)
		die("page", cause);
	ms = (now_s() - ms) * 1000;
	printf("| %s | %zu |", name, p->n);
	screen_cell(ms);
	if (p->n > 0 && p->more_older) {
		at.time_ms = p->rows[p->n - 1].time_ms;
		at.seq = p->rows[p->n - 1].seq;
		screen_cell(screen_read(rv, f, &at, 0, &q));
		audit_review_page_free(p);
		p = q;
		at.time_ms = p->rows[0].time_ms;
		at.seq = p->rows[0].seq;
		screen_cell(screen_read(rv, f, &at, 1, &q));
		audit_review_page_free(q);
	} else {
		printf(" - | - |");
	}
	audit_review_page_free(p);
	at.time_ms = INT64_MIN;
	at.seq = INT64_MIN;
	screen_cell(screen_read(rv, f, &at, 1, &p));
	if (p->n > 0 && p->more_newer) {
		at.time_ms = p->rows[0].time_ms;
		at.seq = p->rows[0].seq;
		screen_cell(screen_read(rv, f, &at, 1, &q));
		audit_review_page_free(q);
	} else {
		printf(" - |");
	}
	audit_review_page_free(p);
	audit_review_free(rv);
	printf("\n");
	fflush(stdout);
}

/* Pages f from the newest to the oldest row a screenful at a time (at
 * most maxpages), then End and Home; the slowest read and the RSS. */
static void
screen_walk(struct audit_log *log, const char *name,
    const struct audit_review_filter *f, int maxpages)
{
	struct audit_review *rv;
	struct audit_review_page *p, *q;
	struct audit_review_pos at;
	char *cause = NULL;
	double ms, worst = 0, total = 0, before = rss_mb();
	int pages = 1;
	int64_t rows;

	if ((rv = audit_review_new(log, &limits, &cause)) == NULL)
		die("review", cause);
	if (audit_review_page(rv, f, NULL, 0, SCREEN, &p, &cause) != 0)
		die("page", cause);
	rows = (int64_t)p->n;
	while (p->more_older && pages < maxpages) {
		at.time_ms = p->rows[p->n - 1].time_ms;
		at.seq = p->rows[p->n - 1].seq;
		ms = screen_read(rv, f, &at, 0, &q);
		total += ms;
		if (ms > worst)
			worst = ms;
		audit_review_page_free(p);
		p = q;
		rows += (int64_t)p->n;
		pages++;
	}
	audit_review_page_free(p);
	at.time_ms = INT64_MIN;
	at.seq = INT64_MIN;
	ms = screen_read(rv, f, &at, 1, &p);
	if (ms > worst)
		worst = ms;
	audit_review_page_free(p);
	ms = screen_read(rv, f, NULL, 0, &p);
	if (ms > worst)
		worst = ms;
	audit_review_page_free(p);
	printf("| %s | %d pages, %lld rows%s | %.1f ms | %.1f ms | %.1f MB -> "
	    "%.1f MB |\n", name, pages, (long long)rows, pages >= maxpages ?
	    " (stopped)" : " (to the end)", pages > 1 ? total / (pages - 1) : 0,
	    worst, before, rss_mb());
	audit_review_free(rv);
	fflush(stdout);
}

/* Runs cmd through the shell; returns its wall time. */
static double
timed(const char *cmd)
{
	double t = now_s();

	if (system(cmd) != 0)
		die(cmd, NULL);
	return now_s() - t;
}

int
main(int argc, char **argv)
{
	struct audit_log *log;
	struct audit_review *rv;
	struct audit_review_filter f;
	struct report_opts o;
	struct report_result res;
	struct sign_key *key;
	struct rusage ru;
	struct stat sb;
	char db[512], st[512], tmpdb[600], tmpst[600], key_path[600], pub[600];
	char out[600], cmd[2048], when[40], *cause = NULL;
	double t, gen_s = 0, tf, treport, tsql, tsqlpage, trows, tverify;
	double treports[REPORTS], sorted[REPORTS];
	int64_t n, total, from, to;
	size_t rows;
	int status;
	pid_t pid;
	struct {
		const char *name;
		struct audit_review_filter f;
	} cases[32];
	size_t ncases = 0, i;
	double db_mb = 0;
	int page_size;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: bench_review WORKDIR CACHEDIR [screen]\n");
		return 2;
	}
	setenv("TZ", "UTC", 1);
	tzset();
	if (getenv("BENCH_REVIEW_ENTRIES") != NULL)
		ENTRIES = atoll(getenv("BENCH_REVIEW_ENTRIES"));
	mkdir(argv[1], 0755);
	mkdir(argv[2], 0755);
	snprintf(db, sizeof db, "%s/review-%lld.db", argv[2], (long long)ENTRIES);
	snprintf(st, sizeof st, "%s/review-%lld.state", argv[2],
	    (long long)ENTRIES);
	if (stat(db, &sb) != 0) {
		/* In a child, so that this process's peak RSS is the review's. */
		snprintf(tmpdb, sizeof tmpdb, "%s.new", db);
		snprintf(tmpst, sizeof tmpst, "%s.new", st);
		unlink(tmpdb);
		unlink(tmpst);
		t = now_s();
		fflush(NULL);
		if ((pid = fork()) == 0) {
			generate(tmpdb, tmpst);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			die("generating the log", NULL);
		gen_s = now_s() - t;
		if (rename(tmpst, st) != 0 || rename(tmpdb, db) != 0)
			die("rename", NULL);
	}
	/* Opened for writing once: adds indexes a newer vigil defines. */
	if ((log = audit_open(db, st, 0, &cause)) == NULL)
		die("open", cause);
	audit_close(log);
	if ((log = audit_open(db, NULL, AUDIT_OPEN_READONLY, &cause)) == NULL)
		die("open", cause);
	n = total = audit_count(log);

#define CASE(label) do { memset(&cases[ncases].f, 0, sizeof f); \
	cases[ncases].name = label; } while (0)
#define DONE() ncases++
	CASE("none (first page)"); DONE();
	CASE("user"); cases[ncases].f.actor = "user07"; DONE();
	CASE("camera"); cases[ncases].f.camera = "cam13"; DONE();
	CASE("action view-aborted"); cases[ncases].f.action = "view-aborted"; DONE();
	CASE("action export-done"); cases[ncases].f.action = "export-done"; DONE();
	CASE("reason code DSAR"); cases[ncases].f.reason_code = "DSAR"; DONE();
	CASE("reference substring \"INC-1999\""); cases[ncases].f.reference = "INC-1999"; DONE();
	CASE("views only"); cases[ncases].f.views_only = 1; DONE();
	CASE("date range (one month, early in the log)");
	cases[ncases].f.from_ms = START_MS + 30LL * 86400000;
	cases[ncases].f.to_ms = START_MS + 60LL * 86400000; DONE();
	CASE("user + camera + views only");
	cases[ncases].f.actor = "user07"; cases[ncases].f.camera = "cam13";
	cases[ncases].f.views_only = 1; DONE();
	CASE("flag hours"); cases[ncases].f.flags = AUDIT_FLAG_HOURS; DONE();
	CASE("flag long"); cases[ncases].f.flags = AUDIT_FLAG_LONG; DONE();
	CASE("flag pattern"); cases[ncases].f.flags = AUDIT_FLAG_PATTERN; DONE();
	CASE("flag reused"); cases[ncases].f.flags = AUDIT_FLAG_REUSED; DONE();
	CASE("flag many"); cases[ncases].f.flags = AUDIT_FLAG_MANY; DONE();
	CASE("flag cap"); cases[ncases].f.flags = AUDIT_FLAG_CAP; DONE();
	CASE("flag unapproved"); cases[ncases].f.flags = AUDIT_FLAG_UNAPPROVED; DONE();
	CASE("flag aborted"); cases[ncases].f.flags = AUDIT_FLAG_ABORTED; DONE();
	CASE("any flag"); cases[ncases].f.flags = AUDIT_FLAG_ALL; DONE();
	CASE("who-saw (camera + one day of footage)");
	cases[ncases].f.who_saw = 1; cases[ncases].f.camera = "cam05";
	cases[ncases].f.footage_from = START_MS + 200LL * 86400000;
	cases[ncases].f.footage_to = cases[ncases].f.footage_from + 86400000;
	DONE();

	printf("## Review (DPO)\n\nCommand: `make bench` (section `review`: "
	    "`build/bench/bench_review DIR CACHE`), run %s.\n\n",
	    clock_format_utc(clock_now_ms(), when, sizeof when));
	{
		struct stat dbst;

		page_size = 0;
		if (stat(db, &dbst) == 0)
			db_mb = (double)dbst.st_size / 1e6;
		snprintf(cmd, sizeof cmd, "sqlite3 -readonly '%s' 'PRAGMA "
		    "page_size' > '%s/page_size'", db, argv[1]);
		if (system(cmd) == 0) {
			FILE *pf;

			snprintf(cmd, sizeof cmd, "%s/page_size", argv[1]);
			if ((pf = fopen(cmd, "r")) != NULL) {
				if (fscanf(pf, "%d", &page_size) != 1)
					page_size = 0;
				fclose(pf);
			}
		}
	}
	printf("Log file: %.0f MB, SQLite pages of %d bytes (delete the cache "
	    "to measure a log made by the current code).\n\n", db_mb,
	    page_size);
	printf("A log of %lld entries generated through `audit_append_many()` "
	    "(40 users, 32 cameras, shifts of 1-6 views with their ends, "
	    "exports now and then; cached in `%s`%s). Each figure is the median "
	    "of 5 runs of `audit_review_new()` + `audit_review_page()` for a "
	    "first page of %d rows (newest first, sessions grouped, flags "
	    "computed) on the warm log opened read-only; a filter change is "
	    "exactly this.\n\n", (long long)n, db, gen_s > 0 ? "; generated in "
	    "this run" : "; reused", PAGE);
	printf("| filter | rows on the page | time | target |\n|---|---|---|---|\n");
	for (i = 0; i < ncases; i++) {
		tf = first_page(log, &cases[i].f, &rows);
		printf("| %s | %zu | %.1f ms | %s |\n", cases[i].name, rows,
		    tf * 1000, i == 0 ? (tf < 0.05 ? "< 50 ms: met" :
		    "< 50 ms: NOT met") : (tf < 0.2 ? "< 200 ms: met" :
		    "< 200 ms: NOT met"));
		fflush(stdout);
	}

	/* The review screen's moves with each flags filter. */
	printf("\n### Flag filters as the screen pages them\n\nOn one review "
	    "(as the screen keeps it), pages of %d rows (80x24): the newest "
	    "page after the filter change (a new review), PgDn from it, PgUp "
	    "back, End (the oldest rows), PgUp from the end.  Target: each "
	    "under 200 ms.  The bench's thresholds (07-18, 20 min, 10 views a "
	    "day, 4 cameras, a pattern and a cap), then quiet ones that few "
	    "rows meet (00:01-23:59, 1440 min, 1000 views a day, 4 cameras, no "
	    "pattern, no cap): a flag on no row costs a walk of the log (for "
	    "long, of the view ends, once per review: its list of long "
	    "views; for many, of the index of entry times).\n\n",
	    SCREEN);
	printf("| flags | rows | newest | PgDn | PgUp | End | PgUp from End |\n"
	    "|---|---|---|---|---|---|---|\n");
	for (i = 0; i <= 2 * AUDIT_FLAG_COUNT + 1; i++) {
		char label[80];
		size_t j = i % (AUDIT_FLAG_COUNT + 1);

		memset(&f, 0, sizeof f);
		f.flags = j == 0 ? AUDIT_FLAG_ALL : 1u << (j - 1);
		snprintf(label, sizeof label, "%s%s", j == 0 ? "any (flagged only)" :
		    audit_flag_name(f.flags), i > AUDIT_FLAG_COUNT ?
		    ", quiet thresholds" : "");
		screen_moves(log, i > AUDIT_FLAG_COUNT ? &quiet : &limits, label,
		    &f);
	}
	printf("\nPaging a flags filter screenful by screenful towards the "
	    "oldest row, then End and Home, on one review; the resident set "
	    "before and after (target: under 64 MB throughout).\n\n"
	    "| flags | paged | mean PgDn | slowest read | RSS |\n"
	    "|---|---|---|---|---|\n");
	memset(&f, 0, sizeof f);
	f.flags = AUDIT_FLAG_ALL;
	screen_walk(log, "any (flagged only)", &f, argc > 3 ? 400 : 100000);
	f.flags = AUDIT_FLAG_REUSED;
	screen_walk(log, "reused", &f, argc > 3 ? 400 : 4000);
	f.flags = AUDIT_FLAG_MANY;
	screen_walk(log, "many", &f, argc > 3 ? 400 : 4000);
	if (argc > 3 && strcmp(argv[3], "screen") == 0)
		return 0;

	/* A report of about 100,000 rows: the newest entries. */
	if ((rv = audit_review_new(log, &limits, &cause)) == NULL)
		die("review", cause);
	memset(&f, 0, sizeof f);
	{
		struct audit_row last;
		char *storage;

		if (audit_entry_get(log, total - 1, &last, &storage, &cause) != 0)
			die("last entry", cause);
		to = last.time_ms + 1;
		free(storage);
	}
	from = to - 86400000LL * 100;
	for (i = 0; i < 8; i++) {
		f.from_ms = from;
		f.to_ms = to;
		if (audit_review_count(rv, &f, 0, &n, &cause) != 0)
			die("count", cause);
		if (n > 97000 && n < 103000)
			break;
		from = to - (int64_t)((double)(to - from) * 100000.0 /
		    (double)(n > 0 ? n : 1));
	}
	/* The parts of the report: the rows alone, the verification alone. */
	{
		struct audit_review_iter *it;
		struct audit_review_row row;
		struct audit_verify_opts vo;
		struct audit_verify_result vr;

		t = now_s();
		if ((it = audit_review_iter_new(rv, &f, &cause)) == NULL)
			die("iter", cause);
		while (audit_review_iter_next(it, &row, &cause) == 1)
			;
		audit_review_iter_free(it);
		trows = now_s() - t;
		memset(&vo, 0, sizeof vo);
		t = now_s();
		if (audit_verify(db, &vo, &vr, &cause) != 0)
			die("verify", cause);
		tverify = now_s() - t;
	}
	snprintf(key_path, sizeof key_path, "%s/report.key", argv[1]);
	snprintf(pub, sizeof pub, "%s/report.pub", argv[1]);
	unlink(key_path);
	unlink(pub);
	if (sign_keygen(key_path, pub, NULL, 0, 0, &cause) != 0 ||
	    (key = sign_key_load(key_path, NULL, &cause)) == NULL)
		die("key", cause);
	snprintf(out, sizeof out, "%s/report", argv[1]);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	memset(&o, 0, sizeof o);
	o.log = log;
	o.review = rv;
	o.db = db;
	o.filter = &f;
	o.format = "csv";
	o.out = out;
	o.key = key;
	o.made_by = "bench";
	/* Five reports, each into a new folder; the median counts. */
	for (i = 0; i < REPORTS; i++) {
		if (system(cmd) != 0)
			die("rm", NULL);
		t = now_s();
		if (report_write(&o, &res, &cause) != 0)
			die("report", cause);
		treports[i] = now_s() - t;
	}
	memcpy(sorted, treports, sizeof sorted);
	qsort(sorted, REPORTS, sizeof sorted[0], cmp_double);
	treport = sorted[REPORTS / 2];
	sign_key_free(key);
	audit_review_free(rv);

	/* The baseline: the sqlite3 command, the same rows to CSV. */
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly -csv -header '%s' \"SELECT "
	    "seq, time_ms, actor, action, camera, from_ms, to_ms, reason_code, "
	    "reference, details, terminal FROM entry WHERE time_ms >= %lld AND "
	    "time_ms < %lld ORDER BY time_ms DESC, seq DESC\" > '%s/sqlite3.csv'",
	    db, (long long)from, (long long)to, argv[1]);
	tsql = timed(cmd);
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly -csv -header '%s' \"SELECT "
	    "seq, time_ms, actor, action, camera, from_ms, to_ms, reason_code, "
	    "reference, details, terminal FROM entry ORDER BY time_ms DESC, "
	    "seq DESC LIMIT %d\" > /dev/null", db, PAGE);
	tsqlpage = timed(cmd);
	getrusage(RUSAGE_SELF, &ru);
	audit_close(log);

	printf("\n### Report\n\n`report_write()` of %lld rows (the sessions "
	    "of %lld days at the end of the log) as CSV with summary, "
	    "README, SHA256SUMS, minisign signature and public key, written to "
	    "a partial folder, flushed, read back and renamed; the full "
	    "verification of all %lld entries (MACs not checked: no k0) runs "
	    "on a second thread meanwhile and is included.  Five reports in "
	    "turn, each into a new folder; the median counts.\n\n",
	    (long long)res.rows, (long long)((to - from) / 86400000),
	    (long long)total);
	printf("| what | time | target |\n|---|---|---|\n");
	printf("| report, %lld rows, CSV + verification (%s), median of %d "
	    "(runs:", (long long)res.rows, res.intact ? "intact" : "BROKEN",
	    REPORTS);
	for (i = 0; i < REPORTS; i++)
		printf("%s %.2f", i > 0 ? "," : "", treports[i]);
	printf(" s) | %.2f s | < 2 s: %s |\n", treport, treport < 2 ? "met" :
	    "NOT met");
	printf("| of which: reading the %lld rows (grouping, links, flags) "
	    "alone | %.2f s | |\n", (long long)res.rows, trows);
	printf("| of which: `audit_verify()` of the whole log alone (it runs "
	    "beside the rows) | %.2f s | |\n", tverify);
	printf("| baseline: `sqlite3 -csv` selecting the same entries "
	    "(no grouping, flags, signature or verification) | %.2f s | |\n",
	    tsql);
	printf("| baseline: `sqlite3 -csv` first %d entries newest first | "
	    "%.1f ms | |\n", PAGE, tsqlpage * 1000);
	printf("\nReport / sqlite3: %.1fx.\n", tsql > 0 ? treport / tsql : 0);
	printf("\nPeak RSS of this process through all of the above (pages, "
	    "filters, report with verification thread): %.1f MB; target under "
	    "64 MB: %s.\n", (double)ru.ru_maxrss / 1024,
	    ru.ru_maxrss < 64 * 1024 ? "met" : "NOT met");
	return 0;
}
