/* bench_export — the clip pipeline alone (export/clip.c, export/redact.c)
 * and the whole export job (export/job.c: catalog plan, audit records,
 * clip, source and clip hashing, documents, read-back, signature, rename):
 * mode "original" on about 1 GB of high-bitrate segments against cp of the
 * same files to the same place, and mode "redacted" on 60 s of 1080p25
 * with two masks against the ffmpeg command line running the same filter
 * graph with the same x264 settings.  Prints Markdown. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "audit/audit.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "util/util.h"

#define T0		INT64_C(1740823200000)	/* 2025-03-01T10:00:00Z */
#define NSEG		6			/* segments of the 1 GB range */
#define SEG_MS		10000
#define RED_MS		60000
#define ROUNDS		2			/* redacted */
#define OROUNDS		5			/* original */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *cause)
{
	fprintf(stderr, "bench_export: %s: %s\n", what,
	    cause != NULL ? cause : "");
	exit(1);
}

/* Runs a shell command; dies when it fails. */
static void
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) == -1)
		die("vasprintf", NULL);
	va_end(ap);
	if (system(cmd) != 0)
		die("command failed", cmd);
	free(cmd);
}

static long long
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static double
min2(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* Prints one row of the table and the runs. */
static void
row(const char *what, const double *t, int n, long long bytes)
{
	printf("| %s | %.2f s | %.0f MB/s | ", what, min2(t, n),
	    bytes / 1e6 / min2(t, n));
	for (int k = 0; k < n; k++)
		printf("%s%.2f", k > 0 ? ", " : "", t[k]);
	printf(" |\n");
}

/* ---- The whole job (export/job.c) ---------------------------------------- */

/* A recorder under dir/rec (pattern "vigil", UTC), its catalog, an audit
 * log, a signing key and a target folder dir/usb, for export jobs. */
struct jb {
	char			 dir[512];
	char			 target[600];
	struct config		*cfg;
	struct catalog		*cat;
	struct audit_log	*log;
	struct sign_key		*key;
};

/* Stage times of one job run, from its progress reports. */
struct jb_stages {
	double	 t0;
	double	 at[4];		/* cutting/redacting, hashing, finishing, done */
};

static void
jb_progress(const struct job_progress *p, void *arg)
{
	struct jb_stages *st = arg;
	int i = strcmp(p->stage, "hashing") == 0 ? 1 :
	    strcmp(p->stage, "finishing") == 0 ? 2 :
	    strcmp(p->stage, "done") == 0 ? 3 : 0;

	if (st->at[i] == 0)
		st->at[i] = now_s() - st->t0;
}

/* Links file as camera's segment starting at hh:mm:ss of 2025-03-01. */
static void
jb_place(struct jb *b, const char *file, const char *camera, int h, int m,
    int sec)
{
	sh("mkdir -p '%s/rec/%s/2025-03-01' && ln -f '%s' "
	    "'%s/rec/%s/2025-03-01/%02d-%02d-%02d.mp4'", b->dir, camera, file,
	    b->dir, camera, h, m, sec);
}

/* Scans and probes the recorder; opens (or creates) the log and key. */
static void
jb_open(struct jb *b)
{
	struct catalog_opts co;
	struct catalog_scan_report rep;
	struct audit_keys keys;
	char path[700], pub[700], *cause = NULL;
	int64_t left;
	FILE *f;

	if (b->cfg == NULL) {
		snprintf(path, sizeof path, "%s/vigil.conf", b->dir);
		if ((f = fopen(path, "w")) == NULL)
			die("fopen", path);
		fprintf(f, "[paths]\nrecorder = %s/rec\npattern = vigil\n"
		    "timezone = UTC\ncatalog_db = %s/catalog.db\n"
		    "audit_db = %s/audit.db\naudit_state = %s/audit.state\n"
		    "key_dir = %s\n", b->dir, b->dir, b->dir, b->dir, b->dir);
		fclose(f);
		if (config_load(path, &b->cfg, &cause) != 0)
			die("config", cause);
		sh("rm -f '%s'/audit.db* '%s'/audit.state '%s'/catalog.db* "
		    "'%s'/export.key*", b->dir, b->dir, b->dir, b->dir);
		if (audit_create(config_audit_db(b->cfg),
		    config_audit_state(b->cfg), &keys, &cause) != 0)
			die("audit_create", cause);
		if ((b->log = audit_open(config_audit_db(b->cfg),
		    config_audit_state(b->cfg), 0, &cause)) == NULL)
			die("audit_open", cause);
		snprintf(path, sizeof path, "%s/export.key", b->dir);
		snprintf(pub, sizeof pub, "%s/export.key.pub", b->dir);
		if (sign_keygen(path, pub, NULL, 0, 0, &cause) != 0 ||
		    (b->key = sign_key_load(path, NULL, &cause)) == NULL)
			die("signing key", cause);
		snprintf(b->target, sizeof b->target, "%s/usb", b->dir);
		sh("rm -rf '%s' && mkdir '%s'", b->target, b->target);
	}
	if (b->cat == NULL) {
		memset(&co, 0, sizeof co);
		co.db = config_catalog_db(b->cfg);
		co.root = config_recorder(b->cfg);
		co.pattern = config_pattern(b->cfg);
		co.timezone = config_timezone(b->cfg);
		if ((b->cat = catalog_open(&co, &cause)) == NULL)
			die("catalog_open", cause);
	}
	memset(&rep, 0, sizeof rep);
	if (catalog_scan(b->cat, CATALOG_SCAN_FULL, &rep, &cause) < 0)
		die("catalog_scan", cause);
	catalog_scan_report_free(&rep);
	if (catalog_probe(b->cat, 0, &left, &cause) < 0)
		die("catalog_probe", cause);
}

/* One export job of camera's [from, to) into the target, timed from the
 * request to export-done; the bundle is removed afterwards.  Returns the
 * wall time; *bytes is the bundle's size. */
static double
jb_run(struct jb *b, const char *camera, int64_t from, int64_t to,
    enum job_mode mode, const struct mask_list *masks,
    struct jb_stages *st, long long *bytes)
{
	const char *cams[1] = { camera };
	struct job_request rq;
	struct job *j;
	char *cause = NULL, *out;
	double t;

	memset(&rq, 0, sizeof rq);
	rq.cameras = cams;
	rq.ncameras = 1;
	rq.from_ms = from;
	rq.to_ms = to;
	rq.mode = mode;
	rq.masks = masks;
	rq.reason_code = "INCIDENT";
	rq.reference = "BENCH-1";
	rq.target = b->target;
	rq.exporter = "bench";
	memset(st, 0, sizeof *st);
	sh("sync");
	t = now_s();
	st->t0 = t;
	if ((j = job_new(&rq, b->cfg, b->cat, &cause)) == NULL)
		die("job_new", cause);
	if (job_start(j, b->log, b->key, &cause) != 0)
		die("job_start", cause);
	if (job_run(j, jb_progress, st, NULL) != 0 || job_end(j, &cause) != 0)
		die("job", cause);
	t = now_s() - t;
	if (asprintf(&out, "du -sb '%s' | cut -f1", job_bundle(j)) == -1)
		die("asprintf", NULL);
	{
		FILE *p = popen(out, "r");

		*bytes = 0;
		if (p == NULL || fscanf(p, "%lld", bytes) != 1)
			die("du", out);
		pclose(p);
	}
	free(out);
	sh("rm -rf '%s' && sync", job_bundle(j));
	job_free(j);
	return t;
}

/* The original-mode job on the NSEG segments src against cp + sync of
 * the same files to the same target. */
static void
bench_job_original(const char *dir, char src[NSEG][512], long long bytes)
{
	struct jb b;
	struct jb_stages st, best;
	double t_cp[OROUNDS], t_job[OROUNDS], t;
	long long out = 0;
	int i, k;

	memset(&b, 0, sizeof b);
	snprintf(b.dir, sizeof b.dir, "%s/job", dir);
	sh("rm -rf '%s' && mkdir -p '%s'", b.dir, b.dir);
	for (i = 0; i < NSEG; i++)
		jb_place(&b, src[i], "hall", 10, 0, i * SEG_MS / 1000);
	jb_open(&b);
	memset(&best, 0, sizeof best);
	for (k = 0; k < OROUNDS; k++) {
		sh("rm -rf '%s/cp' && mkdir '%s/cp' && sync", b.target, b.target);
		t = now_s();
		sh("cp '%s'/rec/hall/2025-03-01/*.mp4 '%s/cp/' && sync '%s'/cp/*",
		    b.dir, b.target, b.target);
		t_cp[k] = now_s() - t;
		sh("rm -rf '%s/cp' && sync", b.target);
		t_job[k] = jb_run(&b, "hall", T0, T0 + NSEG * SEG_MS,
		    JOB_ORIGINAL, NULL, &st, &out);
		if (k == 0 || t_job[k] <= min2(t_job, k))
			best = st;
	}
	printf("### Mode `original`, the whole export job, against `cp`\n\n");
	printf("The same %d segments (%.2f GB) in a catalogued recorder, "
	    "exported as one camera's range through `job_new()`, "
	    "`job_start()` (export-start committed), `job_run()` and "
	    "`job_end()` (export-done committed): the cut, SHA-256 of the "
	    "sources and of the clip, the documents, every file flushed, "
	    "dropped from the page cache and read back, the signature, the "
	    "rename.  Against `cp` of the same segment files into the same "
	    "target folder followed by `sync` of the copies.  %d rounds, in "
	    "turn; the best counts.  Bundle: %.2f GB.\n\n", NSEG,
	    bytes / 1e9, OROUNDS, out / 1e9);
	printf("| what | best | throughput | runs (s) |\n|---|---|---|---|\n");
	row("`cp` + `sync` of the copies", t_cp, OROUNDS, bytes);
	row("export job (`original`)", t_job, OROUNDS, bytes);
	printf("\nWhere the best job run spent its time: cut until %.2f s, "
	    "hashing until %.2f s, documents, read-back, signature and "
	    "rename until %.2f s, export-done at %.2f s.\n\n",
	    best.at[1], best.at[2], best.at[3], min2(t_job, OROUNDS));
	printf("Throughput against `cp` + `sync`: %.2fx (target at least "
	    "0.8x): %s.\n\n", min2(t_cp, OROUNDS) / min2(t_job, OROUNDS),
	    min2(t_cp, OROUNDS) / min2(t_job, OROUNDS) >= 0.8 ? "met" :
	    "**not met**");
	catalog_close(b.cat);
	audit_close(b.log);
	sign_key_free(b.key);
	config_free(b.cfg);
	sh("rm -rf '%s'", b.dir);
}

/* The redacted-mode job on src (60 s) with masks l, against the ffmpeg
 * command cmd (writing ref), the two in turn. */
static void
bench_job_redacted(const char *dir, const char *src, const struct mask_list *l,
    const char *cmd, const char *ref)
{
	struct jb b;
	struct jb_stages st;
	double t_job[ROUNDS] = { 0 }, t_ff[ROUNDS] = { 0 }, t;
	long long out = 0;
	int k;

	memset(&b, 0, sizeof b);
	snprintf(b.dir, sizeof b.dir, "%s/jobr", dir);
	sh("rm -rf '%s' && mkdir -p '%s'", b.dir, b.dir);
	jb_place(&b, src, "hall", 10, 0, 0);
	jb_open(&b);
	for (k = 0; k < ROUNDS; k++) {
		unlink(ref);
		sh("sync");
		if (k % 2 == 1)
			t_job[k] = jb_run(&b, "hall", T0, T0 + RED_MS,
			    JOB_REDACTED, l, &st, &out);
		t = now_s();
		sh("%s", cmd);
		t_ff[k] = now_s() - t;
		if (k % 2 == 0)
			t_job[k] = jb_run(&b, "hall", T0, T0 + RED_MS,
			    JOB_REDACTED, l, &st, &out);
	}
	unlink(ref);
	printf("### Mode `redacted`, the whole export job, against the ffmpeg "
	    "command line\n\n");
	printf("The same 60 s and masks, catalogued and exported through the "
	    "job (plan, audit records, redaction, hashing, documents, "
	    "read-back, signature), against the same ffmpeg command line as "
	    "above, the two in turn (%d rounds; the best counts).  Bundle: "
	    "%.1f MB.\n\n", ROUNDS, out / 1e6);
	printf("| what | wall time (best of %d) | runs (s) |\n|---|---|---|\n",
	    ROUNDS);
	printf("| ffmpeg command line | %.2f s | ", min2(t_ff, ROUNDS));
	for (k = 0; k < ROUNDS; k++)
		printf("%s%.2f", k > 0 ? ", " : "", t_ff[k]);
	printf(" |\n| export job (`redacted`) | %.2f s | ",
	    min2(t_job, ROUNDS));
	for (k = 0; k < ROUNDS; k++)
		printf("%s%.2f", k > 0 ? ", " : "", t_job[k]);
	printf(" |\n\nWall time against ffmpeg: %.2fx (target at most "
	    "1.1x): %s.\n\n", min2(t_job, ROUNDS) / min2(t_ff, ROUNDS),
	    min2(t_job, ROUNDS) / min2(t_ff, ROUNDS) <= 1.1 ? "met" :
	    "**not met**");
	catalog_close(b.cat);
	audit_close(b.log);
	sign_key_free(b.key);
	config_free(b.cfg);
	sh("rm -rf '%s'", b.dir);
}

/* Mode "original" on NSEG high-bitrate 1080p25 segments. */
static void
bench_original(const char *dir)
{
	struct clip_piece p[NSEG];
	struct clip_result r;
	struct clip_opts o = { 0 };
	char src[NSEG][512], out[600], cpdir[600], *cause = NULL;
	double t, t_cp[OROUNDS], t_cps[OROUNDS], t_ns[OROUNDS], t_clip[OROUNDS];
	double gen, ratio, ratio_s;
	long long bytes = 0;
	int i, k;

	t = now_s();
	/* One 10 s segment of noisy testsrc2 at a low QP (about 190 MB,
	 * 150 Mbit/s), copied NSEG times. */
	sh("ffmpeg -nostdin -v error -y -f lavfi -i "
	    "'testsrc2=s=1920x1080:r=25:d=10,noise=alls=12:allf=t' "
	    "-c:v libx264 -preset ultrafast -qp 23 -g 25 -pix_fmt yuv420p "
	    "'%s/seg0.mp4'", dir);
	for (i = 0; i < NSEG; i++) {
		snprintf(src[i], sizeof src[i], "%s/seg%d.mp4", dir, i);
		if (i > 0)
			sh("cp '%s' '%s'", src[0], src[i]);
		bytes += file_size(src[i]);
		p[i] = (struct clip_piece){ src[i], T0 + (int64_t)i * SEG_MS,
		    0, SEG_MS };
	}
	gen = now_s() - t;
	snprintf(out, sizeof out, "%s/clip.mp4", dir);
	snprintf(cpdir, sizeof cpdir, "%s/cp", dir);
	o.pieces = p;
	o.npieces = NSEG;
	o.from_ms = T0;
	o.to_ms = T0 + NSEG * SEG_MS;
	o.out = out;
	sh("cat '%s'/seg*.mp4 > /dev/null", dir);
	for (k = 0; k < OROUNDS; k++) {
		sh("rm -rf '%s' && mkdir '%s' && sync", cpdir, cpdir);
		t = now_s();
		sh("cp '%s'/seg*.mp4 '%s'/", dir, cpdir);
		t_cp[k] = now_s() - t;
		sh("rm -rf '%s' && mkdir '%s' && sync", cpdir, cpdir);
		t = now_s();
		sh("cp '%s'/seg*.mp4 '%s'/ && sync '%s'/*", dir, cpdir, cpdir);
		t_cps[k] = now_s() - t;
		sh("rm -rf '%s' && sync", cpdir);
		o.nosync = 1;
		t = now_s();
		if (clip_original(&o, &r, &cause) != 0)
			die("clip_original", cause);
		t_ns[k] = now_s() - t;
		clip_result_free(&r);
		sh("rm -f '%s' && sync", out);
		o.nosync = 0;
		t = now_s();
		if (clip_original(&o, &r, &cause) != 0)
			die("clip_original", cause);
		t_clip[k] = now_s() - t;
		clip_result_free(&r);
		sh("rm -f '%s' && sync", out);
	}
	ratio = min2(t_cp, OROUNDS) / min2(t_ns, OROUNDS);
	ratio_s = min2(t_cps, OROUNDS) / min2(t_clip, OROUNDS);
	printf("### Mode `original` (stream copy) against `cp`\n\n");
	printf("%d segments of 10 s 1920x1080 25 fps H.264 (noisy `testsrc2`, "
	    "x264 ultrafast QP 23, a keyframe a second), %.2f GB in all "
	    "(made in %.0f s), cut into one MP4 with its index first.  The "
	    "sources are in the page cache; every target is a new file on the "
	    "same file system, removed (and `sync` run) before the next.  "
	    "`clip_original()` syncs the clip at the end unless `nosync` is "
	    "set, so it is compared with `cp` both ways: without a sync, and "
	    "followed by `sync` of the copies.  %d rounds, the four in turn; "
	    "the best run counts.  This is the cut alone: the bundle "
	    "writer's hashing, read-back and signing come on top.\n\n",
	    NSEG, bytes / 1e9, gen, OROUNDS);
	printf("| what | best | throughput | runs (s) |\n|---|---|---|---|\n");
	row("`cp`", t_cp, OROUNDS, bytes);
	row("`clip_original()`, `nosync`", t_ns, OROUNDS, bytes);
	row("`cp` + `sync` of the copies", t_cps, OROUNDS, bytes);
	row("`clip_original()` (fsync)", t_clip, OROUNDS, bytes);
	printf("\nThroughput against `cp`, neither synced: %.2fx; against "
	    "`cp` + `sync`, both synced: %.2fx (target at least 0.8x): %s.\n\n",
	    ratio, ratio_s, ratio >= 0.8 && ratio_s >= 0.8 ? "met both ways" :
	    ratio_s >= 0.8 ? "met synced, **not met** unsynced" :
	    ratio >= 0.8 ? "met unsynced, **not met** synced" :
	    "**not met**");
	sh("rm -f '%s'", out);
	bench_job_original(dir, src, bytes);
	sh("rm -f '%s'/seg*.mp4", dir);
}

/* Mode "redacted" on 60 s of 1080p25 with two masks. */
static void
bench_redacted(const char *dir)
{
	static const char *specs[] = {
		"blur:x=10%,y=15%,w=20%,h=30%,from=+5,to=+50",
		"pixelate:x=60%,y=50%,w=15%,h=25%,from=+0,key=+30/20%/60%,"
		    "key=+59/70%/10%",
	};
	struct clip_piece p;
	struct clip_result r;
	struct clip_opts o = { 0 };
	struct mask_list *l;
	char src[512], out[600], ref[600], *cause = NULL, *graph, *cmd;
	double t, t_ff[ROUNDS], t_us[ROUNDS], gen;
	int k;

	snprintf(src, sizeof src, "%s/red.mp4", dir);
	snprintf(out, sizeof out, "%s/red-vigil.mp4", dir);
	snprintf(ref, sizeof ref, "%s/red-ffmpeg.mp4", dir);
	t = now_s();
	sh("ffmpeg -nostdin -v error -y -f lavfi -i "
	    "'testsrc2=s=1920x1080:r=25:d=60' -c:v libx264 -preset ultrafast "
	    "-crf 23 -g 50 -pix_fmt yuv420p '%s'", src);
	gen = now_s() - t;
	p = (struct clip_piece){ src, T0, 0, RED_MS };
	if ((l = mask_list_new(&cause)) == NULL)
		die("mask_list_new", cause);
	for (k = 0; k < 2; k++)
		if (mask_list_add(l, specs[k], T0, 1920, 1080, &cause) != 0)
			die("mask_list_add", cause);
	if ((graph = redact_graph(l, &p, 1, 1920, 1080, &cause)) == NULL)
		die("redact_graph", cause);
	if (asprintf(&cmd, "ffmpeg -nostdin -v error -y -i '%s' -an -vf \"%s\" "
	    "-c:v libx264 -preset %s -crf %d -movflags +faststart '%s'", src,
	    graph, REDACT_PRESET, REDACT_CRF, ref) == -1)
		die("asprintf", NULL);
	o.pieces = &p;
	o.npieces = 1;
	o.from_ms = T0;
	o.to_ms = T0 + RED_MS;
	o.out = out;
	for (k = 0; k < ROUNDS; k++) {
		unlink(ref);
		unlink(out);
		sh("sync");
		if (k % 2 == 0) {
			t = now_s();
			sh("%s", cmd);
			t_ff[k] = now_s() - t;
			t = now_s();
			if (redact_clip(&o, l, &r, &cause) != 0)
				die("redact_clip", cause);
			t_us[k] = now_s() - t;
		} else {
			t = now_s();
			if (redact_clip(&o, l, &r, &cause) != 0)
				die("redact_clip", cause);
			t_us[k] = now_s() - t;
			t = now_s();
			sh("%s", cmd);
			t_ff[k] = now_s() - t;
		}
		clip_result_free(&r);
	}
	printf("### Mode `redacted` against the ffmpeg command line\n\n");
	printf("60 s of 1920x1080 25 fps H.264 (`testsrc2`, made in %.0f s), "
	    "two masks (a blur for 45 s, a pixelation moving along two "
	    "keys), x264 preset `%s`, CRF %d, both sides with libav's "
	    "automatic thread counts.  The ffmpeg command runs the graph "
	    "`redact_graph()` gives (the mpv preview's graph), here with "
	    "`GRAPH` standing for it:\n\n", gen, REDACT_PRESET, REDACT_CRF);
	printf("    ffmpeg -nostdin -v error -y -i red.mp4 -an -vf \"GRAPH\" "
	    "-c:v libx264 -preset %s -crf %d -movflags +faststart "
	    "red-ffmpeg.mp4\n\n", REDACT_PRESET, REDACT_CRF);
	printf("    GRAPH = %s\n\n", graph);
	printf("| what | wall time (best of %d) | frames/s |\n|---|---|---|\n",
	    ROUNDS);
	printf("| ffmpeg command line | %.2f s | %.1f |\n", min2(t_ff, ROUNDS),
	    1500 / min2(t_ff, ROUNDS));
	printf("| `redact_clip()` | %.2f s | %.1f |\n\n", min2(t_us, ROUNDS),
	    1500 / min2(t_us, ROUNDS));
	printf("Runs: ffmpeg");
	for (k = 0; k < ROUNDS; k++)
		printf(" %.2f s", t_ff[k]);
	printf("; redact_clip");
	for (k = 0; k < ROUNDS; k++)
		printf(" %.2f s", t_us[k]);
	printf(".\n\nWall time against ffmpeg: %.2fx (target at most 1.1x): "
	    "%s.\n\n", min2(t_us, ROUNDS) / min2(t_ff, ROUNDS),
	    min2(t_us, ROUNDS) / min2(t_ff, ROUNDS) <= 1.1 ? "met" :
	    "**not met**");
	sh("rm -f '%s' '%s'", out, ref);
	bench_job_redacted(dir, src, l, cmd, ref);
	free(cmd);
	free(graph);
	mask_list_free(l);
	sh("rm -f '%s'", src);
}

int
main(int argc, char **argv)
{
	char when[64];
	time_t now = time(NULL);

	if (argc != 2) {
		fprintf(stderr, "usage: bench_export DIR\n");
		return 2;
	}
	av_log_set_level(AV_LOG_ERROR);
	sh("mkdir -p '%s'", argv[1]);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	probe_silence_libav();
	printf("## Export: clips and jobs\n\nCommand: `make bench` (section `export`: "
	    "`bench/bench_export DIR`), run %s.\n\n", when);
	bench_original(argv[1]);
	bench_redacted(argv[1]);
	return 0;
}
