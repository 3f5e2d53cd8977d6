/* test_redact — mode "redacted" (export/redact.c) on segments made with
 * ffmpeg at test time: the output decoded by ffmpeg and compared with the
 * sources frame by frame (solid boxes constant, blurred and pixelated ones
 * without their detail, everything else and every box outside its time
 * untouched), a box moving along its keys across a segment boundary,
 * duration, codec, streams, the graph as mpv gets it, bad sources,
 * cancellation, write errors and injected faults. */
#include <sys/stat.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <libavfilter/avfilter.h>
#include <libavutil/log.h>

#include "export/export.h"
#include "tests/unit/helper_clip.h"
#include "util/util.h"

#define T0	CLIPFIX_T0
#define W	CLIPFIX_W
#define H	CLIPFIX_H
#define NOUT	80		/* frames of [T0+1.5 s, T0+13.5 s) */

static char *dir;
static char seg[4][512], aseg[4][512];
/* The source frames (gray) of segments 0, 1 and 3. */
static uint8_t *src[4];
static size_t nsrc[4];

static int
setup(void **state)
{
	int i;

	(void)state;
	av_log_set_level(AV_LOG_QUIET);
	if ((dir = clipfix_mkdtemp("redact")) == NULL)
		return -1;
	if (clipfix_segments(dir, "s", 0, NULL) != 0 ||
	    clipfix_segments(dir, "a", 1, NULL) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		snprintf(seg[i], sizeof seg[i], "%s/s%d.mp4", dir, i);
		snprintf(aseg[i], sizeof aseg[i], "%s/a%d.mp4", dir, i);
	}
	unlink(seg[2]);
	for (i = 0; i < 4; i++)
		if (i != 2 && ((src[i] = clipfix_gray(seg[i], W, H,
		    &nsrc[i])) == NULL || nsrc[i] != 40))
			return -1;
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		free(src[i]);
	clipfix_rmrf(dir);
	free(dir);
	return 0;
}

static void
pieces3(struct clip_piece p[3], char s[4][512])
{
	p[0] = (struct clip_piece){ s[0], T0 + 1500, 1500, 2500 };
	p[1] = (struct clip_piece){ s[1], T0 + 4000, 0, 4000 };
	p[2] = (struct clip_piece){ s[3], T0 + 12000, 0, 1500 };
}

static void
opts3(struct clip_opts *o, struct clip_piece p[3], const char *out)
{
	memset(o, 0, sizeof *o);
	pieces3(p, seg);
	o->pieces = p;
	o->npieces = 3;
	o->from_ms = T0 + 1500;
	o->to_ms = T0 + 13500;
	o->out = out;
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

/* Output frame i: its recording time and the source frame it shows. */
static int64_t
frame_rec(size_t i)
{
	if (i < 25)
		return T0 + 1500 + 100 * (int64_t)i;
	if (i < 65)
		return T0 + 4000 + 100 * (int64_t)(i - 25);
	return T0 + 12000 + 100 * (int64_t)(i - 65);
}

static const uint8_t *
frame_src(size_t i)
{
	size_t fs = (size_t)W * H;

	if (i < 25)
		return src[0] + (15 + i) * fs;
	if (i < 65)
		return src[1] + (i - 25) * fs;
	return src[3] + (i - 65) * fs;
}

/* Mean of the variance of 4x4 tiles: detail left in a region. */
static double
local_var(const uint8_t *f, int x, int y, int rw, int rh)
{
	double s = 0;
	int n = 0;

	for (int j = y; j + 4 <= y + rh; j += 4)
		for (int i = x; i + 4 <= x + rw; i += 4) {
			s += clipfix_var(f, W, i, j, 4, 4);
			n++;
		}
	return s / n;
}

/* PSNR of a against b over the pixels outside every box (grown by m). */
static double
psnr_outside(const uint8_t *a, const uint8_t *b, const int (*box)[4],
    int nbox, int m)
{
	double s = 0, d;
	long n = 0;
	int x, y, k, in;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			for (in = 0, k = 0; k < nbox && !in; k++)
				in = x >= box[k][0] - m && x < box[k][0] +
				    box[k][2] + m && y >= box[k][1] - m &&
				    y < box[k][1] + box[k][3] + m;
			if (in)
				continue;
			d = (double)a[y * W + x] - b[y * W + x];
			s += d * d;
			n++;
		}
	s /= n;
	return s == 0 ? 99 : 10 * log10(255.0 * 255.0 / s);
}

struct prog {
	double		 last;
	int		 calls;
	atomic_int	*cancel;
	const char	*rmdir;
};

static void
on_progress(double f, void *arg)
{
	struct prog *pr = arg;

	pr->last = f;
	pr->calls++;
	if (pr->cancel != NULL && f >= 0.4)
		atomic_store(pr->cancel, 1);
	if (pr->rmdir != NULL && f >= 0.3) {
		clipfix_run("rm -rf '%s'", pr->rmdir);
		pr->rmdir = NULL;
	}
}

static struct mask_list *
masks(const char **specs, int n)
{
	struct mask_list *l;
	char *cause = NULL;
	int i;

	l = mask_list_new(&cause);
	assert_non_null(l);
	for (i = 0; i < n; i++)
		if (mask_list_add(l, specs[i], T0 + 1500, W, H, &cause) != 0)
			fail_msg("%s: %s", specs[i], cause);
	return l;
}

static void
test_redacted_masks_burned_in(void **state)
{
	static const char *specs[] = {
		/* 1.5-5.5 s, across the boundary of segments 0 and 1 */
		"solid:x=5%,y=30%,w=25%,h=30%,from=+0,to=+4",
		/* 4.5-7.5 s, on the noise patches */
		"blur:x=62.5%,y=60%,w=25%,h=25%,from=+3,to=+6",
		/* from 7.5 s to the end, across the gap */
		"pixelate:x=62.5%,y=60%,w=25%,h=25%,from=2025-03-01T10:00:07.5Z",
	};
	/* The boxes as asked, in pixels. */
	static const int box[3][4] = {
		{ 16, 54, 80, 54 }, { 200, 108, 80, 45 }, { 200, 108, 80, 45 },
	};
	struct mask_list *l = masks(specs, 3);
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o;
	struct prog pr = { 0 };
	char *out = out_path("red.mp4"), *cause = NULL, *s;
	const uint8_t *f, *sf;
	uint8_t *dec;
	size_t n, i;
	int64_t t;
	int blur_frames = 0, pix_frames = 0;
	double d;

	(void)state;
	opts3(&o, p, out);
	o.progress = on_progress;
	o.progress_arg = &pr;
	assert_int_equal(redact_clip(&o, l, &r, &cause), 0);
	assert_null(cause);
	assert_int_equal(r.start_ms, T0 + 1500);
	assert_int_equal(r.end_ms, T0 + 13500);
	assert_int_equal(r.duration_ms, 8000);
	assert_int_equal(r.frames, NOUT);
	assert_string_equal(r.codec, "h264");
	assert_int_equal(r.audio, 0);
	assert_int_equal(r.ngaps, 1);
	assert_int_equal(r.gaps[0].from_ms, T0 + 8000);
	assert_int_equal(r.gaps[0].to_ms, T0 + 12000);
	assert_true(pr.last == 1.0);
	clip_result_free(&r);

	/* ffprobe: 8 s within one frame, H.264, one stream, index first,
	 * the source frame rate. */
	d = clipfix_duration(out);
	assert_true(d > 8.0 - 0.1 && d < 8.0 + 0.1);
	s = clipfix_codec(out, "v");
	assert_string_equal(s, "h264");
	free(s);
	assert_int_equal(clipfix_nstreams(out), 1);
	assert_true(clipfix_moov_first(out));
	s = clipfix_output("ffprobe -v error -select_streams v:0 -show_entries "
	    "stream=avg_frame_rate,r_frame_rate:stream_disposition="
	    "attached_pic -of flat '%s'", out);
	assert_non_null(s);
	assert_non_null(strstr(s, "r_frame_rate=\"10/1\""));
	assert_non_null(strstr(s, "attached_pic=0"));
	free(s);
	assert_false(clipfix_contains(out, "s0.mp4"));

	dec = clipfix_gray(out, W, H, &n);
	assert_non_null(dec);
	assert_int_equal(n, NOUT);
	for (i = 0; i < n; i++) {
		f = dec + i * W * H;
		sf = frame_src(i);
		t = frame_rec(i);
		/* Away from the boxes the picture is the source's. */
		d = psnr_outside(f, sf, box, 3, 8);
		if (d < 30)
			fail_msg("frame %zu: PSNR %.1f outside the boxes", i, d);
		/* The solid box: one flat dark value inside its time. */
		if (t >= T0 + 1500 && t < T0 + 5500) {
			assert_true(clipfix_range(f, W, 16 + 3, 54 + 3,
			    80 - 6, 54 - 6) <= 6);
			assert_true(clipfix_mean(f, W, 19, 57, 74, 48) < 40);
		} else if (clipfix_psnr(f, sf, W, 16, 54, 80, 54) < 28)
			fail_msg("frame %zu: solid box outside its time", i);
		/* Blurred, then pixelated: the detail is gone. */
		if (t >= T0 + 4500 && t < T0 + 7500) {
			double lo = local_var(f, 204, 112, 72, 36);
			double ls = local_var(sf, 204, 112, 72, 36);

			if (ls > 50) {
				blur_frames++;
				if (lo > ls * 0.1)
					fail_msg("frame %zu: blur left %.1f of "
					    "%.1f", i, lo, ls);
			}
		} else if (t >= T0 + 7500) {
			double lo = local_var(f, 204, 112, 72, 36);
			double ls = local_var(sf, 204, 112, 72, 36);

			if (ls > 50) {
				pix_frames++;
				if (lo > ls * 0.35)
					fail_msg("frame %zu: pixelate left %.1f "
					    "of %.1f", i, lo, ls);
			}
		} else if (clipfix_psnr(f, sf, W, 200, 108, 80, 45) < 28)
			fail_msg("frame %zu: box outside its time", i);
	}
	assert_true(blur_frames >= 15);
	assert_true(pix_frames >= 10);
	free(dec);
	mask_list_free(l);
	free(out);
}

/* A black box moving from x=0% at 1.5 s to x=60% at 7.5 s (across the
 * segment boundary at 4 s), then staying there. */
static void
test_redacted_moving_mask(void **state)
{
	static const char *specs[] = {
		"solid:x=0%,y=10%,w=20%,h=20%,from=+0,to=+11,key=+6/60%/10%",
	};
	struct mask_list *l = masks(specs, 1);
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o;
	char *out = out_path("move.mp4"), *cause = NULL;
	const uint8_t *f;
	uint8_t *dec;
	size_t n, i;
	int64_t t;
	int x;

	(void)state;
	opts3(&o, p, out);
	assert_int_equal(redact_clip(&o, l, &r, &cause), 0);
	clip_result_free(&r);
	dec = clipfix_gray(out, W, H, &n);
	assert_int_equal(n, NOUT);
	for (i = 0; i < n; i++) {
		f = dec + i * W * H;
		t = frame_rec(i);
		if (t >= T0 + 12500)
			break;	/* the mask ends at 12.5 s */
		x = t < T0 + 7500 ? (int)(0.6 * W * (t - T0 - 1500) / 6000) :
		    (int)(0.6 * W);
		/* Where the keys put it: black. */
		if (clipfix_mean(f, W, x + 4, 18 + 4, 64 - 8, 36 - 8) > 40 ||
		    clipfix_range(f, W, x + 4, 22, 56, 28) > 6)
			fail_msg("frame %zu (%lld ms): no box at x=%d", i,
			    (long long)(t - T0), x);
		/* Well away from it: the source. */
		if (x > 100 && clipfix_psnr(f, frame_src(i), W, 0, 18, 64,
		    36) < 28)
			fail_msg("frame %zu: the box stayed behind", i);
	}
	/* After 12.5 s: gone. */
	f = dec + (NOUT - 1) * W * H;
	assert_true(clipfix_psnr(f, frame_src(NOUT - 1), W, 192, 18, 64,
	    36) > 28);
	free(dec);
	mask_list_free(l);
	free(out);
}

static void
test_redacted_audio_only_when_asked(void **state)
{
	struct mask_list *l = masks(NULL, 0);
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o;
	char *out = out_path("ra.mp4"), *out2 = out_path("ra2.mp4");
	char *cause = NULL, *s;

	(void)state;
	opts3(&o, p, out);
	pieces3(p, aseg);
	assert_int_equal(redact_clip(&o, l, &r, &cause), 0);
	assert_int_equal(r.audio, 0);
	clip_result_free(&r);
	assert_int_equal(clipfix_nstreams(out), 1);
	o.audio = 1;
	o.out = out2;
	assert_int_equal(redact_clip(&o, l, &r, &cause), 0);
	assert_int_equal(r.audio, 1);
	clip_result_free(&r);
	assert_int_equal(clipfix_nstreams(out2), 2);
	s = clipfix_codec(out2, "a");
	assert_string_equal(s, "aac");
	free(s);
	assert_int_equal(clipfix_run("ffmpeg -nostdin -v error -xerror -i '%s' "
	    "-f null - 2>&1 | grep -q . && exit 1 || exit 0", out2), 0);
	mask_list_free(l);
	free(out);
	free(out2);
}

/* The graph mpv gets is the graph burned in, and both parse as libavfilter
 * graphs the way mpv's lavfi filter parses them. */
static void
test_redacted_graph_for_mpv(void **state)
{
	static const char *specs[] = {
		"blur:x=10%,y=10%,w=10%,h=10%",
		"pixelate:x=50%,y=50%,w=20%,h=20%,from=+1,to=+12,key=+3/10%/10%,"
		    "key=+11/80%/70%",
		"solid:x=0%,y=0%,w=5%,h=5%,from=+20",	/* never shown */
	};
	struct mask_list *l = masks(specs, 3), *none = masks(NULL, 0);
	struct clip_piece p[3];
	AVFilterGraph *g;
	AVFilterInOut *in = NULL, *outp = NULL;
	char *graph, *vf, *cause = NULL, *want;
	int depth = 0;

	(void)state;
	pieces3(p, seg);
	graph = redact_graph(l, p, 3, W, H, &cause);
	vf = redact_mpv_vf(l, p, 3, W, H, &cause);
	assert_non_null(graph);
	assert_non_null(vf);
	assert_int_equal(asprintf(&want, "lavfi=[%s]", graph) > 0, 1);
	assert_string_equal(vf, want);
	free(want);
	/* mpv's option parser takes [...] with balanced brackets. */
	for (const char *c = vf + 6; *c != '\0'; c++) {
		depth += *c == '[' ? 1 : *c == ']' ? -1 : 0;
		assert_true(depth >= 0);
		if (depth == 0)
			assert_string_equal(c, "]");
		if (depth == 0)
			break;
	}
	/* Two masks drawn (the third starts after the range), the second
	 * only in its time. */
	assert_non_null(strstr(graph, "[o0]"));
	assert_null(strstr(graph, "[o1]"));
	assert_non_null(strstr(graph, "enable='gte(t,"));
	assert_non_null(strstr(graph, "boxblur"));
	assert_non_null(strstr(graph, "flags=neighbor"));
	g = avfilter_graph_alloc();
	assert_non_null(g);
	assert_true(avfilter_graph_parse2(g, graph, &in, &outp) >= 0);
	assert_non_null(in);
	assert_null(in->next);
	assert_non_null(outp);
	assert_null(outp->next);
	avfilter_inout_free(&in);
	avfilter_inout_free(&outp);
	avfilter_graph_free(&g);
	free(graph);
	free(vf);

	/* No masks: a pass-through. */
	graph = redact_graph(none, p, 3, W, H, &cause);
	assert_string_equal(graph, "null");
	free(graph);
	assert_null(redact_graph(l, p, 3, 0, H, &cause));
	free(cause);
	mask_list_free(l);
	mask_list_free(none);
}

static void
test_redacted_bad_source_cancel_and_removed(void **state)
{
	struct mask_list *l = masks(NULL, 0);
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o;
	struct prog pr = { 0 };
	atomic_int cancel = 0;
	char *out = out_path("rb.mp4"), *cause = NULL, *sub, *garbage;

	(void)state;
	/* A segment that is not video. */
	garbage = out_path("garbage.mp4");
	assert_int_equal(clipfix_run("head -c 50000 /dev/urandom > '%s'",
	    garbage), 0);
	opts3(&o, p, out);
	p[2].path = garbage;
	assert_int_equal(redact_clip(&o, l, &r, &cause), -1);
	assert_non_null(strstr(cause, "garbage.mp4"));
	assert_false(clipfix_exists(out));
	free(cause);
	cause = NULL;

	/* Cancelled at 40 %. */
	opts3(&o, p, out);
	pr.cancel = &cancel;
	o.progress = on_progress;
	o.progress_arg = &pr;
	o.cancel = &cancel;
	assert_int_equal(redact_clip(&o, l, &r, &cause), CLIP_CANCELLED);
	assert_false(clipfix_exists(out));
	free(cause);
	cause = NULL;

	/* The folder removed at 30 %. */
	sub = out_path("gone");
	assert_int_equal(mkdir(sub, 0755), 0);
	free(out);
	assert_int_equal(asprintf(&out, "%s/clip.mp4", sub) > 0, 1);
	memset(&pr, 0, sizeof pr);
	pr.rmdir = sub;
	opts3(&o, p, out);
	o.progress = on_progress;
	o.progress_arg = &pr;
	assert_int_equal(redact_clip(&o, l, &r, &cause), -1);
	assert_non_null(strstr(cause, "clip.mp4"));
	assert_false(clipfix_exists(out));
	free(cause);
	cause = NULL;

	/* A full medium (root only). */
	assert_int_equal(mkdir(sub, 0755), 0);
	if (clipfix_tmpfs(sub, 64) == 0) {
		opts3(&o, p, out);
		assert_int_equal(redact_clip(&o, l, &r, &cause), -1);
		assert_non_null(strstr(cause, "No space left on device"));
		assert_false(clipfix_exists(out));
		free(cause);
		clipfix_umount(sub);
	}
	rmdir(sub);
	free(sub);
	free(garbage);
	mask_list_free(l);
	free(out);
}

static void
test_redacted_faults(void **state)
{
	static const char *specs[] = { "blur:x=10%,y=10%,w=30%,h=30%" };
	struct mask_list *l = masks(specs, 1);
	struct clip_piece p[3];
	struct clip_result r;
	struct clip_opts o;
	char *out = out_path("rf.mp4"), *cause = NULL;
	int points, n, rc, failed = 0;

	(void)state;
	opts3(&o, p, out);
	o.npieces = 2;
	o.to_ms = T0 + 8000;
	fault_after("clip", 0, FAULT_ERROR);
	assert_int_equal(redact_clip(&o, l, &r, &cause), 0);
	clip_result_free(&r);
	unlink(out);
	points = fault_points();
	for (n = 1; n <= points; n += n < 20 ? 1 : 9) {
		fault_after("clip", n, FAULT_ERROR);
		rc = redact_clip(&o, l, &r, &cause);
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
		free(cause);
		cause = NULL;
	}
	assert_true(failed > 10);
	mask_list_free(l);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redacted_masks_burned_in),
		cmocka_unit_test(test_redacted_moving_mask),
		cmocka_unit_test(test_redacted_audio_only_when_asked),
		cmocka_unit_test(test_redacted_graph_for_mpv),
		cmocka_unit_test(test_redacted_bad_source_cancel_and_removed),
		cmocka_unit_test(test_redacted_faults),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
