/* test_clip — mode "original" (export/clip.c) on segments made with ffmpeg
 * at test time, checked with ffprobe and ffmpeg: a cut across a segment
 * boundary and a gap (packets byte for byte, keyframe times, duration,
 * index first, no metadata), audio kept only when asked, segments with
 * other parameter sets, bad sources, cancellation, write errors (file size
 * limit, a full tmpfs, the folder removed) and injected faults. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <libavutil/log.h>

#include "export/export.h"
#include "tests/unit/helper_clip.h"
#include "util/util.h"

#define T0	CLIPFIX_T0

static char *dir;
static char seg[4][512], aseg[4][512], vfseg[512], bigseg[512];

static int
setup(void **state)
{
	int i;

	(void)state;
	av_log_set_level(AV_LOG_QUIET);
	if ((dir = clipfix_mkdtemp("clip")) == NULL)
		return -1;
	/* 0-4 s, 4-8 s, (8-12 s removed: the gap), 12-16 s. */
	if (clipfix_segments(dir, "s", 0, NULL) != 0 ||
	    clipfix_segments(dir, "a", 1, NULL) != 0 ||
	    clipfix_segments(dir, "v", 0, "-preset veryfast") != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		snprintf(seg[i], sizeof seg[i], "%s/s%d.mp4", dir, i);
		snprintf(aseg[i], sizeof aseg[i], "%s/a%d.mp4", dir, i);
	}
	snprintf(vfseg, sizeof vfseg, "%s/v1.mp4", dir);
	snprintf(bigseg, sizeof bigseg, "%s/big.mp4", dir);
	unlink(seg[2]);
	if (clipfix_run("ffmpeg -nostdin -v error -y -f lavfi -i "
	    "testsrc2=s=352x288:r=10:d=2 -c:v libx264 -preset ultrafast -g 10 "
	    "'%s'", bigseg) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	clipfix_rmrf(dir);
	free(dir);
	return 0;
}

/* The three pieces of [T0+1.5 s, T0+13.5 s): the end of segment 0, all of
 * segment 1, the start of segment 3 (after a 4 s gap). */
static void
pieces3(struct clip_piece p[3], char s[4][512])
{
	p[0] = (struct clip_piece){ s[0], T0 + 1500, 1500, 2500 };
	p[1] = (struct clip_piece){ s[1], T0 + 4000, 0, 4000 };
	p[2] = (struct clip_piece){ s[3], T0 + 12000, 0, 1500 };
}

static char *
out_path(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) == -1)
		return NULL;
	unlink(p);
	return p;
}

struct prog {
	double		 last;
	int		 calls;
	int		 backwards;
	double		 cancel_at;
	atomic_int	*cancel;
	const char	*rmdir;
};

static void
on_progress(double f, void *arg)
{
	struct prog *pr = arg;

	if (f < pr->last)
		pr->backwards = 1;
	pr->last = f;
	pr->calls++;
	if (pr->cancel != NULL && f >= pr->cancel_at)
		atomic_store(pr->cancel, 1);
	if (pr->rmdir != NULL && f >= 0.3) {
		clipfix_run("rm -rf '%s'", pr->rmdir);
		pr->rmdir = NULL;
	}
}

/* Checks that out's packets are src's packets [from, to) in order. */
static void
same_packets(char **out, size_t *at, size_t nout, const char *src, size_t from,
    size_t to)
{
	size_t n, i;
	char **v = clipfix_packet_md5(src, &n);

	assert_non_null(v);
	if (to > n)
		to = n;
	for (i = from; i < to; i++) {
		assert_true(*at < nout);
		assert_string_equal(out[*at], v[i]);
		(*at)++;
	}
	clipfix_strv_free(v, n);
}

static void
test_original_across_boundary_and_gap(void **state)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct prog pr = { 0 };
	struct clip_opts o = { 0 };
	char *out = out_path("orig.mp4"), *cause = NULL, *codec, **pk, *tags;
	size_t n, at = 0;
	double d;

	(void)state;
	pieces3(p, seg);
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 13500;
	o.out = out;
	o.progress = on_progress;
	o.progress_arg = &pr;
	assert_int_equal(clip_original(&o, &r, &cause), 0);
	assert_null(cause);

	/* Keyframes every second: from 1.0 s in segment 0 to 2.0 s into
	 * segment 3 (the first keyframe at or after 13.5 s). */
	assert_int_equal(r.start_ms, T0 + 1000);
	assert_int_equal(r.end_ms, T0 + 14000);
	assert_int_equal(r.duration_ms, 3000 + 4000 + 2000);
	assert_int_equal(r.frames, 90);
	assert_string_equal(r.codec, "h264");
	assert_int_equal(r.width, 320);
	assert_int_equal(r.height, 180);
	assert_int_equal(r.audio, 0);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0].from_ms, T0 + 8000);
	assert_int_equal(r.gaps[0].to_ms, T0 + 12000);

	/* ffprobe agrees, within one GOP of the declared footage (8 s). */
	d = clipfix_duration(out);
	assert_true(d > 8.0 - 0.001 && d <= 8.0 + 2 * 1.0 + 0.001);
	assert_true(d > r.duration_ms / 1000.0 - 0.05 &&
	    d < r.duration_ms / 1000.0 + 0.05);
	codec = clipfix_codec(out, "v");
	assert_non_null(codec);
	assert_string_equal(codec, "h264");
	free(codec);
	assert_int_equal(clipfix_nstreams(out), 1);
	assert_true(clipfix_moov_first(out));

	/* The very packets of the sources, in order. */
	pk = clipfix_packet_md5(out, &n);
	assert_non_null(pk);
	assert_int_equal(n, 90);
	same_packets(pk, &at, n, seg[0], 10, 40);
	same_packets(pk, &at, n, seg[1], 0, 40);
	same_packets(pk, &at, n, seg[3], 0, 20);
	assert_int_equal(at, n);
	clipfix_strv_free(pk, n);
	assert_int_equal(clipfix_run("ffmpeg -nostdin -v error -xerror -i '%s' "
	    "-f null - 2>&1 | grep -q . && exit 1 || exit 0", out), 0);

	/* No source names, no encoder tag, only the brands. */
	assert_false(clipfix_contains(out, "s0.mp4"));
	assert_false(clipfix_contains(out, dir));
	assert_false(clipfix_contains(out, "Lavf"));
	tags = clipfix_output("ffprobe -v error -show_entries format_tags "
	    "-of flat '%s'", out);
	assert_non_null(tags);
	assert_null(strstr(tags, "encoder"));
	assert_null(strstr(tags, "creation_time"));
	free(tags);

	/* Progress went forward and ended at 1. */
	assert_true(pr.calls >= 3);
	assert_false(pr.backwards);
	assert_true(pr.last == 1.0);
	clip_result_free(&r);
	free(out);
}

static void
test_original_audio_only_when_asked(void **state)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o = { 0 };
	char *out = out_path("noaudio.mp4"), *out2 = out_path("audio.mp4");
	char *cause = NULL, *codec;

	(void)state;
	pieces3(p, aseg);
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 13500;
	o.out = out;
	assert_int_equal(clip_original(&o, &r, &cause), 0);
	assert_int_equal(r.audio, 0);
	assert_int_equal(clipfix_nstreams(out), 1);
	codec = clipfix_codec(out, "a");
	assert_string_equal(codec, "");
	free(codec);
	clip_result_free(&r);

	o.audio = 1;
	o.nosync = 1;
	o.out = out2;
	assert_int_equal(clip_original(&o, &r, &cause), 0);
	assert_int_equal(r.audio, 1);
	assert_int_equal(clipfix_nstreams(out2), 2);
	codec = clipfix_codec(out2, "a");
	assert_string_equal(codec, "aac");
	free(codec);
	assert_true(clipfix_moov_first(out2));
	assert_int_equal(clipfix_run("ffmpeg -nostdin -v error -xerror -i '%s' "
	    "-f null - 2>&1 | grep -q . && exit 1 || exit 0", out2), 0);
	clip_result_free(&r);
	free(out);
	free(out2);
}

/* A segment encoded with other parameter sets (CABAC, other PPS) joins
 * with them in band: every frame decodes as in its source. */
static void
test_original_other_parameter_sets(void **state)
{
	struct clip_piece p[2];
	struct clip_result r;
	struct clip_opts o = { 0 };
	char *out = out_path("mixed.mp4"), *cause = NULL, **fo, **f0, **f1;
	size_t no, n0, n1, i;

	(void)state;
	p[0] = (struct clip_piece){ seg[0], T0, 0, 4000 };
	p[1] = (struct clip_piece){ vfseg, T0 + 4000, 0, 4000 };
	o.pieces = p;
	o.npieces = 2;
	o.from_ms = T0;
	o.to_ms = T0 + 8000;
	o.out = out;
	assert_int_equal(clip_original(&o, &r, &cause), 0);
	assert_int_equal(r.frames, 80);
	assert_int_equal(r.ngaps, 0);
	fo = clipfix_frame_md5(out, &no);
	f0 = clipfix_frame_md5(seg[0], &n0);
	f1 = clipfix_frame_md5(vfseg, &n1);
	assert_int_equal(no, 80);
	assert_int_equal(n0 + n1, 80);
	for (i = 0; i < n0; i++)
		assert_string_equal(fo[i], f0[i]);
	for (i = 0; i < n1; i++)
		assert_string_equal(fo[n0 + i], f1[i]);
	assert_int_equal(clipfix_run("ffmpeg -nostdin -v error -xerror -i '%s' "
	    "-f null - 2>&1 | grep -q . && exit 1 || exit 0", out), 0);
	clipfix_strv_free(fo, no);
	clipfix_strv_free(f0, n0);
	clipfix_strv_free(f1, n1);
	clip_result_free(&r);

	/* Another frame size cannot be joined: a clear error, no file. */
	unlink(out);
	p[1].path = bigseg;
	p[1].length_ms = 2000;
	o.to_ms = T0 + 6000;
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	assert_non_null(strstr(cause, "big.mp4"));
	assert_non_null(strstr(cause, "352x288"));
	assert_false(clipfix_exists(out));
	free(cause);
	free(out);
}

/* A bad source is named in the error, and no output is left. */
static void
expect_bad_source(const char *bad, const char *why)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o = { 0 };
	char *out = out_path("bad.mp4"), *cause = NULL, s[4][512];

	memcpy(s, seg, sizeof s);
	snprintf(s[1], sizeof s[1], "%s", bad);
	pieces3(p, s);
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 13500;
	o.out = out;
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, bad) == NULL || strstr(cause, why) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\" or \"%s\"", cause, bad,
		    why);
	assert_false(clipfix_exists(out));
	free(cause);
	free(out);
}

static void
test_original_bad_sources(void **state)
{
	char missing[600], garbage[600], trunc[600], fs[600];

	(void)state;
	snprintf(missing, sizeof missing, "%s/missing.mp4", dir);
	expect_bad_source(missing, "No such file");
	snprintf(garbage, sizeof garbage, "%s/garbage.mp4", dir);
	assert_int_equal(clipfix_run("head -c 100000 /dev/urandom > '%s'",
	    garbage), 0);
	expect_bad_source(garbage, "not a readable video file");
	expect_bad_source(dir, "not a regular file");
	/* Index first, media data cut short: damaged in the middle. */
	snprintf(fs, sizeof fs, "%s/fs.mp4", dir);
	snprintf(trunc, sizeof trunc, "%s/trunc.mp4", dir);
	assert_int_equal(clipfix_run("ffmpeg -nostdin -v error -y -i '%s' -c copy "
	    "-movflags +faststart '%s' && head -c 120000 '%s' > '%s'", seg[1], fs,
	    fs, trunc), 0);
	expect_bad_source(trunc, "damaged");
	/* Index last (as recorders write), cut short: no index at all. */
	assert_int_equal(clipfix_run("head -c 120000 '%s' > '%s'", seg[1],
	    trunc), 0);
	expect_bad_source(trunc, "not a readable video file");
}

static void
test_original_bad_requests(void **state)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o = { 0 };
	char *out = out_path("req.mp4"), *cause = NULL;
	struct stat sb;

	(void)state;
	pieces3(p, seg);
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 1500;
	o.out = out;
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	free(cause);
	cause = NULL;
	o.to_ms = T0 + 13500;
	o.npieces = 0;
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	assert_non_null(strstr(cause, "no footage"));
	free(cause);
	cause = NULL;
	o.npieces = 3;
	p[1].start_ms = T0 + 3000;	/* overlaps piece 0 */
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	assert_non_null(strstr(cause, "overlap"));
	free(cause);
	cause = NULL;
	p[1].start_ms = T0 + 4000;
	p[1].length_ms = INT64_MAX;
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	free(cause);
	cause = NULL;
	p[1].length_ms = 4000;

	/* An existing file is never overwritten. */
	assert_int_equal(clipfix_run("echo keep > '%s'", out), 0);
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_size, 5);
	unlink(out);
	free(out);
}

static void
test_original_cancel(void **state)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o = { 0 };
	atomic_int cancel = 0;
	struct prog pr = { 0 };
	char *out = out_path("cancel.mp4"), *cause = NULL;

	(void)state;
	pieces3(p, seg);
	pr.cancel = &cancel;
	pr.cancel_at = 0.3;
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 13500;
	o.out = out;
	o.progress = on_progress;
	o.progress_arg = &pr;
	o.cancel = &cancel;
	assert_int_equal(clip_original(&o, &r, &cause), CLIP_CANCELLED);
	assert_non_null(strstr(cause, "cancel"));
	assert_false(clipfix_exists(out));
	assert_true(pr.last < 1.0);
	free(cause);
	free(out);
}

/* Writes through a file size limit in a child: EFBIG half-way. */
static void
test_original_file_too_large(void **state)
{
	char *out = out_path("fsize.mp4");
	int st;
	pid_t pid;

	(void)state;
	if ((pid = fork()) == 0) {
		struct clip_piece p[3];
		struct clip_result r;
		struct clip_opts o = { 0 };
		struct rlimit rl = { 100 * 1024, 100 * 1024 };
		char *cause = NULL;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(3);
		pieces3(p, seg);
		o.pieces = p;
		o.npieces = 3;
		o.from_ms = T0 + 1500;
		o.to_ms = T0 + 13500;
		o.out = out;
		if (clip_original(&o, &r, &cause) != -1)
			_exit(4);
		if (strstr(cause, "File too large") == NULL ||
		    strstr(cause, "fsize.mp4") == NULL) {
			fprintf(stderr, "cause: %s\n", cause);
			_exit(5);
		}
		free(cause);
		_exit(clipfix_exists(out) ? 6 : 0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_false(clipfix_exists(out));
	free(out);
}

/* A full medium (a 200 KiB tmpfs; as root only) and a folder removed
 * half-way. */
static void
test_original_full_and_removed(void **state)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o = { 0 };
	struct prog pr = { 0 };
	char *mnt = out_path("mnt"), *sub = out_path("sub"), *out, *cause = NULL;

	(void)state;
	pieces3(p, seg);
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 13500;
	assert_int_equal(mkdir(mnt, 0755), 0);
	if (clipfix_tmpfs(mnt, 200) == 0) {
		assert_int_equal(asprintf(&out, "%s/clip.mp4", mnt) > 0, 1);
		o.out = out;
		assert_int_equal(clip_original(&o, &r, &cause), -1);
		assert_non_null(strstr(cause, "No space left on device"));
		assert_non_null(strstr(cause, "clip.mp4"));
		assert_false(clipfix_exists(out));
		free(cause);
		cause = NULL;
		clipfix_umount(mnt);
		free(out);
	} else
		fprintf(stderr, "# not root: the full-medium case is left out\n");
	rmdir(mnt);

	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(asprintf(&out, "%s/clip.mp4", sub) > 0, 1);
	pr.rmdir = sub;
	o.out = out;
	o.progress = on_progress;
	o.progress_arg = &pr;
	assert_int_equal(clip_original(&o, &r, &cause), -1);
	assert_non_null(strstr(cause, "removed"));
	assert_false(clipfix_exists(out));
	free(cause);
	free(out);
	free(mnt);
	free(sub);
}

/* Every fault point fails cleanly: -1, a cause, no file, no leak. */
static void
test_original_faults(void **state)
{
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o = { 0 };
	char *out = out_path("fault.mp4"), *cause = NULL;
	int points, n, rc, failed = 0, eio = 0;

	(void)state;
	pieces3(p, seg);
	o.pieces = p;
	o.npieces = 3;
	o.from_ms = T0 + 1500;
	o.to_ms = T0 + 13500;
	o.out = out;
	fault_after("clip", 0, FAULT_ERROR);
	assert_int_equal(clip_original(&o, &r, &cause), 0);
	clip_result_free(&r);
	points = fault_points();
	unlink(out);
	assert_true(points > 10);
	for (n = 1; n <= points; n += n < 30 ? 1 : 7) {
		fault_after("clip", n, FAULT_ERROR);
		rc = clip_original(&o, &r, &cause);
		fault_after("clip", 0, FAULT_ERROR);
		if (rc == 0) {
			clip_result_free(&r);
			unlink(out);
			continue;
		}
		failed++;
		assert_int_equal(rc, -1);
		assert_non_null(cause);
		assert_false(clipfix_exists(out));
		if (strstr(cause, "Input/output error") != NULL &&
		    strstr(cause, "fault.mp4") != NULL)
			eio++;	/* a write failing half-way */
		free(cause);
		cause = NULL;
	}
	assert_true(failed > 10);
	assert_true(eio > 0);
	free(out);
}

static void
test_frame_size(void **state)
{
	char *cause = NULL, missing[600];
	int w = 0, h = 0;

	(void)state;
	assert_int_equal(clip_frame_size(seg[0], &w, &h, &cause), 0);
	assert_int_equal(w, 320);
	assert_int_equal(h, 180);
	assert_int_equal(clip_frame_size(bigseg, &w, &h, &cause), 0);
	assert_int_equal(w, 352);
	assert_int_equal(h, 288);
	snprintf(missing, sizeof missing, "%s/none.mp4", dir);
	assert_int_equal(clip_frame_size(missing, &w, &h, &cause), -1);
	assert_non_null(strstr(cause, "none.mp4"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_original_across_boundary_and_gap),
		cmocka_unit_test(test_original_audio_only_when_asked),
		cmocka_unit_test(test_original_other_parameter_sets),
		cmocka_unit_test(test_original_bad_sources),
		cmocka_unit_test(test_original_bad_requests),
		cmocka_unit_test(test_original_cancel),
		cmocka_unit_test(test_original_file_too_large),
		cmocka_unit_test(test_original_full_and_removed),
		cmocka_unit_test(test_original_faults),
		cmocka_unit_test(test_frame_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
