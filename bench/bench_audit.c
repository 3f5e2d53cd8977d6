/* bench_audit — durable append latency, and verification throughput and
 * peak memory against b2sum over the same body bytes.  Prints Markdown. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "util/util.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A view-end entry of realistic size. */
static void
entry_fill(struct audit_entry *e, char *details, size_t len, int64_t i)
{
	snprintf(details, len, "{\"intervals\":[[%lld,%lld],[%lld,%lld]],"
	    "\"played_ms\":93000,\"seeks\":3,\"speeds\":[1,2,1],\"view\":%lld}",
	    (long long)(1795257600000 + i * 1000), (long long)(1795257690000 + i * 1000),
	    (long long)(1795257700000 + i * 1000), (long long)(1795257703000 + i * 1000),
	    (long long)i);
	memset(e, 0, sizeof *e);
	e->actor = i % 3 ? "alice" : "bob";
	e->action = "view-end";
	e->camera = i % 2 ? "entrance" : "reading-room";
	e->from_ms = 1795257600000 + i * 1000;
	e->to_ms = e->from_ms + 900000;
	e->reason_code = "POLICE";
	e->reference = "2026/1234";
	e->details = details;
	e->terminal = "tty1";
}

static void
die(const char *what, char *cause)
{
	fprintf(stderr, "bench_audit: %s: %s\n", what, cause != NULL ? cause : "");
	exit(1);
}

static void
bench_append(const char *dir)
{
	char db[512], st[512], details[256], *cause = NULL;
	struct audit_keys k;
	struct audit_log *log;
	struct audit_entry e;
	double *lat, t0, sum = 0;
	int i, n = 10000;

	snprintf(db, sizeof db, "%s/append.db", dir);
	snprintf(st, sizeof st, "%s/append.state", dir);
	if (audit_create(db, st, &k, &cause) != 0 ||
	    (log = audit_open(db, st, 0, &cause)) == NULL)
		die("create", cause);
	lat = xcalloc((size_t)n, sizeof *lat);
	for (i = 0; i < n; i++) {
		entry_fill(&e, details, sizeof details, i);
		t0 = now_s();
		if (audit_append(log, &e, &cause) < 0)
			die("append", cause);
		lat[i] = (now_s() - t0) * 1000;
		sum += lat[i];
	}
	audit_close(log);
	qsort(lat, (size_t)n, sizeof *lat, cmp_double);
	printf("### Durable append latency\n\n");
	printf("%d appends of a `view-end` entry (about 300 bytes of body) "
	    "through `audit_append()`, each returning after the SQLite commit "
	    "(WAL, `synchronous=FULL`) and the fdatasync'ed key state, with "
	    "the automatic checkpoint every 64 entries included.\n\n", n);
	printf("| p50 | p99 | max | mean | target |\n|---|---|---|---|---|\n");
	printf("| %.2f ms | %.2f ms | %.2f ms | %.2f ms | p99 < 10 ms: %s |\n\n",
	    lat[n / 2], lat[n * 99 / 100], lat[n - 1], sum / n,
	    lat[n * 99 / 100] < 10 ? "met" : "NOT met");
	free(lat);
	sodium_memzero(&k, sizeof k);
}

/* Builds a log of n entries; returns its k0 in *keys. */
static double
build(const char *db, const char *st, int64_t n, struct audit_keys *keys)
{
	struct audit_entry *batch;
	struct audit_log *log;
	char (*details)[256], *cause = NULL;
	int64_t i, done = 0;
	size_t b = 4096, j;
	double t0 = now_s();

	if (audit_create(db, st, keys, &cause) != 0 ||
	    (log = audit_open(db, st, 0, &cause)) == NULL)
		die("create", cause);
	batch = xcalloc(b, sizeof *batch);
	details = xcalloc(b, sizeof *details);
	while (done < n) {
		size_t m = (size_t)(n - done) < b ? (size_t)(n - done) : b;

		for (j = 0; j < m; j++) {
			i = done + (int64_t)j;
			entry_fill(&batch[j], details[j], sizeof details[j], i);
			batch[j].time_ms = 1795257600000 + i * 1000;
		}
		if (audit_append_many(log, batch, m, &cause) < 0)
			die("append", cause);
		done += (int64_t)m;
	}
	audit_close(log);
	free(batch);
	free(details);
	return now_s() - t0;
}

struct verify_run {
	double	seconds;
	long	maxrss_kb;
	int64_t	entries;
	int64_t	checkpoints;
};

/* Verifies db (MACs on) in a child process, for a clean peak RSS. */
static void
verify_child(const char *db, const struct audit_keys *k, struct verify_run *vr)
{
	struct audit_verify_opts o;
	struct audit_verify_result r;
	struct rusage ru;
	int fds[2], status;
	char *cause = NULL;
	pid_t pid;
	double t;

	if (pipe(fds) == -1)
		die("pipe", NULL);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		memset(&o, 0, sizeof o);
		o.k0 = k->k0;
		o.pk0 = k->pk0;
		t = now_s();
		if (audit_verify(db, &o, &r, &cause) != 0 || r.fault != AUDIT_OK) {
			fprintf(stderr, "verify: %s %s\n", cause ? cause : "",
			    r.detail);
			_exit(1);
		}
		t = now_s() - t;
		if (write(fds[1], &t, sizeof t) != sizeof t ||
		    write(fds[1], &r.entries, sizeof r.entries) != sizeof r.entries ||
		    write(fds[1], &r.checkpoints, sizeof r.checkpoints) !=
		    sizeof r.checkpoints)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &vr->seconds, sizeof vr->seconds) != sizeof vr->seconds ||
	    read(fds[0], &vr->entries, sizeof vr->entries) != sizeof vr->entries ||
	    read(fds[0], &vr->checkpoints, sizeof vr->checkpoints) !=
	    sizeof vr->checkpoints)
		die("verify child", NULL);
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("verify child failed", NULL);
	vr->maxrss_kb = ru.ru_maxrss;
}

/* Writes every body, in order, to path; returns the byte count. */
static int64_t
dump_bodies(const char *db, const char *path)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	FILE *f;
	int64_t total = 0;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT body FROM entry ORDER BY seq", -1, &s,
	    NULL) != SQLITE_OK || (f = fopen(path, "w")) == NULL)
		die("dump", NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		fwrite(sqlite3_column_blob(s, 0), 1,
		    (size_t)sqlite3_column_bytes(s, 0), f);
		total += sqlite3_column_bytes(s, 0);
	}
	sqlite3_finalize(s);
	sqlite3_close(h);
	if (fclose(f) != 0)
		die("dump write", NULL);
	return total;
}

/* Wall time of `b2sum path`, best of three. */
static double
time_b2sum(const char *path)
{
	double best = 1e9, t;
	int i, status;
	pid_t pid;

	for (i = 0; i < 3; i++) {
		t = now_s();
		if ((pid = fork()) == 0) {
			if (freopen("/dev/null", "w", stdout) == NULL)
				_exit(127);
			execlp("b2sum", "b2sum", path, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			die("b2sum", NULL);
		t = now_s() - t;
		if (t < best)
			best = t;
	}
	return best;
}

static void
bench_verify(const char *dir)
{
	const int64_t sizes[] = { 100000, 1000000 };
	struct audit_keys k;
	struct verify_run vr[2], again;
	char db[512], st[512], bodies[512];
	double build_s[2], b2[2];
	int64_t bytes[2];
	int i, j;

	for (i = 0; i < 2; i++) {
		snprintf(db, sizeof db, "%s/verify%d.db", dir, i);
		snprintf(st, sizeof st, "%s/verify%d.state", dir, i);
		snprintf(bodies, sizeof bodies, "%s/bodies%d", dir, i);
		build_s[i] = build(db, st, sizes[i], &k);
		/* Best of three, as for b2sum; the peak RSS is the largest. */
		verify_child(db, &k, &vr[i]);
		for (j = 0; j < 2; j++) {
			verify_child(db, &k, &again);
			if (again.seconds < vr[i].seconds)
				vr[i].seconds = again.seconds;
			if (again.maxrss_kb > vr[i].maxrss_kb)
				vr[i].maxrss_kb = again.maxrss_kb;
		}
		bytes[i] = dump_bodies(db, bodies);
		b2[i] = time_b2sum(bodies);
		unlink(bodies);
		sodium_memzero(&k, sizeof k);
	}
	printf("### Verification throughput and memory\n\n");
	printf("Logs built through `audit_append_many()` (one transaction per "
	    "64 entries, automatic checkpoints every 64), then verified by "
	    "`audit_verify()` with the MAC check on (k0 given) in a child "
	    "process, best of three; peak RSS is the largest child's "
	    "`ru_maxrss`. Baseline: `b2sum` "
	    "(BLAKE2b-512, coreutils) over a file holding the same body bytes, "
	    "best of three.\n\n");
	printf("| entries | checkpoints | build | verify | entries/s | peak RSS "
	    "| body bytes | b2sum | verify / b2sum |\n"
	    "|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < 2; i++) {
		printf("| %lld | %lld | %.1f s | %.2f s | %.0f | %.1f MB | %.1f MB "
		    "| %.3f s | %.1fx |\n", (long long)vr[i].entries,
		    (long long)vr[i].checkpoints, build_s[i], vr[i].seconds,
		    (double)vr[i].entries / vr[i].seconds,
		    (double)vr[i].maxrss_kb / 1024, (double)bytes[i] / 1e6, b2[i],
		    vr[i].seconds / b2[i]);
	}
	printf("\nTargets: at least 500,000 entries/s with MACs on: %s; peak "
	    "RSS under 64 MB and not growing with the log (%.1f MB at 100k, "
	    "%.1f MB at 1M): %s.\n\n",
	    (double)vr[1].entries / vr[1].seconds >= 500000 ? "met" : "NOT met",
	    (double)vr[0].maxrss_kb / 1024, (double)vr[1].maxrss_kb / 1024,
	    vr[1].maxrss_kb < 64 * 1024 &&
	    vr[1].maxrss_kb < vr[0].maxrss_kb + 4096 ? "met" : "NOT met");
}

int
main(int argc, char **argv)
{
	char when[40];

	if (argc != 2) {
		fprintf(stderr, "usage: bench_audit DIR\n");
		return 2;
	}
	if (sodium_init() < 0 || (mkdir(argv[1], 0700) == -1 && errno != EEXIST))
		die("setup", NULL);
	printf("## Audit log\n\nCommand: `make bench` (section `audit`: "
	    "`build/bench/bench_audit DIR`), run %s.\n\n",
	    clock_format_utc(clock_now_ms(), when, sizeof when));
	fflush(stdout);
	bench_append(argv[1]);
	fflush(stdout);
	bench_verify(argv[1]);
	return 0;
}
