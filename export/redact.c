/* redact — mode "redacted": the pieces decoded, the masks burned into the
 * pixels by a libavfilter graph (also given to mpv for the live preview),
 * and the result encoded as H.264 (libx264) in an MP4. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "export/export.h"
#include "export/export_int.h"
#include "util/util.h"

#define REDACT_DIM_MAX		16384
/* The smallest box drawn, in pixels (keeps the blur's radius valid). */
#define REDACT_MIN_BOX		16
/* A pixelated box has this many cells along its longer side; a blurred
 * one is first reduced to this many along its shorter side. */
#define REDACT_PIXEL_CELLS	8
#define REDACT_BLUR_CELLS	4
/* Half-open time windows are widened by this much (seconds) on both ends
 * against rounding in the filter's double-precision time. */
#define REDACT_EPS		0.000001
#define REDACT_CRF_MAX		51
#define REDACT_AUDIO_QUEUE	1024
/* Times and lengths in ms stay below this (about 285,000 years). */
#define REDACT_MS_MAX		((int64_t)1 << 53)

/* A point of a box's path on the timeline: where its corner is at t. */
struct redact_knot {
	int64_t		 t_ms;		/* timeline */
	double		 x, y;		/* pixels */
};

/* An interval of the timeline, ms. */
struct redact_span {
	int64_t		 a, b;
};

/* One redacted-mode export in progress. */
struct redact_job {
	const struct clip_opts	*o;
	const struct mask_list	*masks;
	struct clipio_out	 out;
	struct clipio_progress	 pr;
	int64_t			*cum;		/* timeline start of each piece, ms */
	struct clipio_cover	*cov;
	AVFilterGraph		*graph;
	AVFilterContext		*src;
	AVFilterContext		*sink;
	AVCodecContext		*enc;
	AVStream		*vst;
	AVStream		*ast;
	AVFrame			*frame;
	AVFrame			*filt;
	AVPacket		*pkt;
	AVPacket		**aq;		/* audio waiting for the first frame */
	size_t			 naq;
	int			 w, h;
	enum AVPixelFormat	 fmt;
	AVRational		 tb;		/* of the graph and the encoder */
	AVRational		 fr;
	int64_t			 first_tl;	/* tb; INT64_MIN: no frame yet */
	int64_t			 last_tl;
	int64_t			 last_dur;
	int64_t			 last_adts;
	int64_t			 frames;
};

/* What the decoder of one piece works with. */
struct redact_piece {
	size_t			 i;
	const struct clip_piece	*p;
	struct clipio_in	 in;
	AVCodecContext		*dec;
	AVRational		 stb;		/* the video stream's time base */
	AVRational		 atb;
	int64_t			 start;		/* stb */
	int64_t			 end;
	int			 shown;		/* a frame of it went out */
	int			 done;
};

static int	redact_build(struct clipio_buf *, const struct mask_list *,
		    const struct clip_piece *, size_t, int, int, char **);
static int	redact_mask(struct clipio_buf *, const struct mask *, size_t,
		    int, const struct clip_piece *, size_t, int, int, char **);
static void	redact_pos(const struct mask *, int64_t, double *, double *);
static void	redact_expr(struct clipio_buf *, const struct redact_knot *,
		    size_t, int, int, int);
static int	redact_check_pieces(const struct clip_piece *, size_t, int,
		    int, char **);
static int	redact_open_decoder(struct redact_piece *, char **);
static int	redact_setup(struct redact_job *, struct redact_piece *,
		    const AVFrame *, char **);
static int	redact_open_graph(struct redact_job *, const AVFrame *,
		    char **);
static int	redact_open_encoder(struct redact_job *, const AVFrame *,
		    char **);
static int	redact_piece(struct redact_job *, size_t, char **);
static int	redact_decoded(struct redact_job *, struct redact_piece *,
		    char **);
static int	redact_frame(struct redact_job *, struct redact_piece *,
		    AVFrame *, char **);
static int	redact_drain_graph(struct redact_job *, int, char **);
static int	redact_encode(struct redact_job *, AVFrame *, char **);
static int	redact_audio(struct redact_job *, struct redact_piece *,
		    AVPacket *, char **);
static int	redact_audio_out(struct redact_job *, AVPacket *, char **);
static int64_t	redact_nominal(const struct redact_job *, AVRational);
static void	redact_job_free(struct redact_job *);

/* ---- The filter graph ----------------------------------------------------- */

char *
redact_graph(const struct mask_list *masks, const struct clip_piece *pieces,
    size_t npieces, int width, int height, char **cause)
{
	struct clipio_buf b = { 0 };

	if (redact_build(&b, masks, pieces, npieces, width, height,
	    cause) != 0) {
		clipio_buf_free(&b);
		return NULL;
	}
	return clipio_buf_take(&b, cause);
}

char *
redact_mpv_vf(const struct mask_list *masks, const struct clip_piece *pieces,
    size_t npieces, int width, int height, char **cause)
{
	struct clipio_buf b = { 0 };

	clipio_buf_printf(&b, "lavfi=[");
	if (redact_build(&b, masks, pieces, npieces, width, height,
	    cause) != 0) {
		clipio_buf_free(&b);
		return NULL;
	}
	clipio_buf_printf(&b, "]");
	return clipio_buf_take(&b, cause);
}

/* Checks the frame size and the pieces' times for the graph. */
static int
redact_check_pieces(const struct clip_piece *pieces, size_t n, int width,
    int height, char **cause)
{
	int64_t total = 0;
	size_t i;

	if (width < 2 || height < 2 || width > REDACT_DIM_MAX ||
	    height > REDACT_DIM_MAX)
		return cause_set(cause, "frame size %dx%d out of bounds", width,
		    height);
	if (n == 0 || pieces == NULL)
		return cause_set(cause, "no footage in the range");
	if (n > CLIP_PIECES_MAX)
		return cause_set(cause, "too many segments in the range");
	for (i = 0; i < n; i++) {
		if (pieces[i].length_ms <= 0 || pieces[i].length_ms >=
		    REDACT_MS_MAX || pieces[i].start_ms <= -REDACT_MS_MAX ||
		    pieces[i].start_ms >= REDACT_MS_MAX)
			return cause_set(cause, "segment %zu has a bad start or "
			    "length", i);
		if ((total += pieces[i].length_ms) >= REDACT_MS_MAX)
			return cause_set(cause, "the segments are too long");
	}
	return 0;
}

/* Appends the graph for masks on the timeline of pieces to b. */
static int
redact_build(struct clipio_buf *b, const struct mask_list *masks,
    const struct clip_piece *pieces, size_t npieces, int width, int height,
    char **cause)
{
	size_t i, n = mask_list_count(masks), drawn = 0, last = 0;

	if (redact_check_pieces(pieces, npieces, width, height, cause) != 0)
		return -1;
	if (clip_fault("graph", cause) != 0)
		return -1;
	/* Which masks show at all, and which is the last one drawn. */
	for (i = 0; i < n; i++) {
		const struct mask *m = &masks->m[i];
		size_t k;

		for (k = 0; k < npieces; k++)
			if (m->from_ms < pieces[k].start_ms +
			    pieces[k].length_ms && m->to_ms > pieces[k].start_ms)
				break;
		if (k < npieces) {
			drawn++;
			last = i;
		}
	}
	if (drawn == 0) {
		clipio_buf_printf(b, "null");
		return b->failed ? cause_set(cause, "out of memory") : 0;
	}
	drawn = 0;
	for (i = 0; i < n; i++) {
		int rc = redact_mask(b, &masks->m[i], drawn, i == last, pieces,
		    npieces, width, height, cause);

		if (rc < 0)
			return -1;
		drawn += (size_t)rc;
		if (i == last)
			break;
	}
	return b->failed ? cause_set(cause, "out of memory") : 0;
}

/* The corner of m at recording time t, in mask units. */
static void
redact_pos(const struct mask *m, int64_t t, double *x, double *y)
{
	int64_t t0 = m->from_ms, t1;
	double x0 = m->x, y0 = m->y, f;
	size_t k;

	for (k = 0; k < m->nkeys; k++) {
		t1 = m->keys[k].t_ms;
		if (t < t1) {
			if (t <= t0) {
				*x = x0;
				*y = y0;
				return;
			}
			f = (double)(t - t0) / (double)(t1 - t0);
			*x = x0 + (m->keys[k].x - x0) * f;
			*y = y0 + (m->keys[k].y - y0) * f;
			return;
		}
		t0 = t1;
		x0 = m->keys[k].x;
		y0 = m->keys[k].y;
	}
	*x = x0;
	*y = y0;
}

/* A corner coordinate on the timeline as an expression: linear between
 * knots, rounded down to an even pixel (what crop and overlay do for
 * 4:2:0 anyway, so both agree) and kept inside [0, max]. */
static void
redact_expr(struct clipio_buf *b, const struct redact_knot *kn, size_t n,
    int use_y, int max, int fixed)
{
	size_t j;
	double v0, v1;

#define KV(j)	(use_y ? kn[j].y : kn[j].x)
	if (fixed) {
		double v = floor(KV(0) / 2) * 2;

		clipio_buf_printf(b, "%d", v < 0 ? 0 : v > max ? max : (int)v);
		return;
	}
	clipio_buf_printf(b, "clip(2*floor((lt(t,%.6f)*%.3f", kn[0].t_ms /
	    1000.0, KV(0));
	for (j = 0; j + 1 < n; j++) {
		if (kn[j + 1].t_ms <= kn[j].t_ms)
			continue;
		v0 = KV(j);
		v1 = KV(j + 1);
		clipio_buf_printf(b, "+gte(t,%.6f)*lt(t,%.6f)*(%.3f%+.6f*(t-%.6f))",
		    kn[j].t_ms / 1000.0, kn[j + 1].t_ms / 1000.0, v0,
		    (v1 - v0) / ((kn[j + 1].t_ms - kn[j].t_ms) / 1000.0),
		    kn[j].t_ms / 1000.0);
	}
	clipio_buf_printf(b, "+gte(t,%.6f)*%.3f)/2),0,%d)", kn[n - 1].t_ms /
	    1000.0, KV(n - 1), max);
#undef KV
}

/* Appends the filters for mask m (the idx-th drawn; last: the graph's
 * last).  Returns 1 when drawn, 0 when m shows nowhere, -1 on error. */
static int
redact_mask(struct clipio_buf *b, const struct mask *m, size_t idx, int last,
    const struct clip_piece *pieces, size_t npieces, int width, int height,
    char **cause)
{
	struct redact_knot *kn = NULL;
	struct redact_span *sp = NULL;
	size_t nkn = 0, nsp = 0, k, i, cap;
	int64_t cum = 0, total = 0, a, c;
	int bw, bh, maxx, maxy, fixed = 1, cell, cw, ch, r;
	double px, py;

	for (i = 0; i < npieces; i++)
		total += pieces[i].length_ms;
	cap = npieces * 2 + m->nkeys + 2;
	if (clip_fault("mask graph", cause) != 0)
		return -1;
	if ((kn = calloc(cap, sizeof *kn)) == NULL ||
	    (sp = calloc(npieces + 1, sizeof *sp)) == NULL) {
		free(kn);
		return cause_set(cause, "out of memory");
	}
	for (i = 0; i < npieces; cum += pieces[i].length_ms, i++) {
		const struct clip_piece *p = &pieces[i];

		a = m->from_ms > p->start_ms ? m->from_ms : p->start_ms;
		c = m->to_ms < p->start_ms + p->length_ms ? m->to_ms :
		    p->start_ms + p->length_ms;
		if (a >= c)
			continue;
		if (nsp > 0 && sp[nsp - 1].b == cum + (a - p->start_ms))
			sp[nsp - 1].b = cum + (c - p->start_ms);
		else {
			sp[nsp].a = cum + (a - p->start_ms);
			sp[nsp].b = cum + (c - p->start_ms);
			nsp++;
		}
		/* Knots: where the box is as this stretch starts, at each key
		 * inside it, and as it ends. */
		redact_pos(m, a, &px, &py);
		kn[nkn++] = (struct redact_knot){ cum + (a - p->start_ms),
		    px * width / MASK_UNIT, py * height / MASK_UNIT };
		for (k = 0; k < m->nkeys; k++)
			if (m->keys[k].t_ms > a && m->keys[k].t_ms < c) {
				redact_pos(m, m->keys[k].t_ms, &px, &py);
				kn[nkn++] = (struct redact_knot){ cum +
				    (m->keys[k].t_ms - p->start_ms),
				    px * width / MASK_UNIT,
				    py * height / MASK_UNIT };
			}
		redact_pos(m, c, &px, &py);
		kn[nkn++] = (struct redact_knot){ cum + (c - p->start_ms),
		    px * width / MASK_UNIT, py * height / MASK_UNIT };
	}
	if (nsp == 0) {
		free(kn);
		free(sp);
		return 0;
	}
	for (k = 1; k < nkn; k++)
		if (floor(kn[k].x / 2) != floor(kn[0].x / 2) ||
		    floor(kn[k].y / 2) != floor(kn[0].y / 2))
			fixed = 0;
	/* The box in pixels: 2 more than asked (the corner is rounded down
	 * to an even pixel), even, at least REDACT_MIN_BOX, at most the
	 * frame. */
	bw = (int)ceil((double)m->w * width / MASK_UNIT) + 2;
	bh = (int)ceil((double)m->h * height / MASK_UNIT) + 2;
	bw += bw & 1;
	bh += bh & 1;
	if (bw < REDACT_MIN_BOX)
		bw = REDACT_MIN_BOX;
	if (bh < REDACT_MIN_BOX)
		bh = REDACT_MIN_BOX;
	if (bw > (width & ~1))
		bw = width & ~1;
	if (bh > (height & ~1))
		bh = height & ~1;
	maxx = (width - bw) & ~1;
	maxy = (height - bh) & ~1;

	if (idx > 0)
		clipio_buf_printf(b, ";[o%zu]", idx - 1);
	clipio_buf_printf(b, "split=2[m%zu][c%zu];[c%zu]crop=w=%d:h=%d:x='",
	    idx, idx, idx, bw, bh);
	redact_expr(b, kn, nkn, 0, maxx, fixed);
	clipio_buf_printf(b, "':y='");
	redact_expr(b, kn, nkn, 1, maxy, fixed);
	clipio_buf_printf(b, "',");
	switch (m->mode) {
	case MASK_SOLID:
		clipio_buf_printf(b, "drawbox=x=0:y=0:w=iw:h=ih:color=black:"
		    "t=fill");
		break;
	case MASK_PIXELATE:
		cell = ((bw > bh ? bw : bh) + REDACT_PIXEL_CELLS - 1) /
		    REDACT_PIXEL_CELLS;
		cw = (bw + cell - 1) / cell;
		ch = (bh + cell - 1) / cell;
		clipio_buf_printf(b, "scale=w=%d:h=%d:flags=area,"
		    "scale=w=%d:h=%d:flags=neighbor", cw, ch, bw, bh);
		break;
	case MASK_BLUR:
		cell = ((bw < bh ? bw : bh) + REDACT_BLUR_CELLS - 1) /
		    REDACT_BLUR_CELLS;
		cw = (bw + cell - 1) / cell;
		ch = (bh + cell - 1) / cell;
		r = cell / 2 > 0 ? cell / 2 : 1;
		clipio_buf_printf(b, "scale=w=%d:h=%d:flags=area,"
		    "scale=w=%d:h=%d:flags=bilinear,boxblur=luma_radius=%d:"
		    "luma_power=2:chroma_radius=%d:chroma_power=2", cw, ch, bw,
		    bh, r, r / 2 > 0 ? r / 2 : 1);
		break;
	}
	clipio_buf_printf(b, "[e%zu];[m%zu][e%zu]overlay=x='", idx, idx, idx);
	redact_expr(b, kn, nkn, 0, maxx, fixed);
	clipio_buf_printf(b, "':y='");
	redact_expr(b, kn, nkn, 1, maxy, fixed);
	clipio_buf_printf(b, "'");
	if (!(nsp == 1 && sp[0].a <= 0 && sp[0].b >= total)) {
		clipio_buf_printf(b, ":enable='");
		for (k = 0; k < nsp; k++)
			clipio_buf_printf(b, "%sgte(t,%.6f)*lt(t,%.6f)",
			    k > 0 ? "+" : "", sp[k].a / 1000.0 - REDACT_EPS,
			    sp[k].b / 1000.0 - REDACT_EPS);
		clipio_buf_printf(b, "'");
	}
	if (!last)
		clipio_buf_printf(b, "[o%zu]", idx);
	free(kn);
	free(sp);
	return 1;
}

/* ---- Decoding, filtering, encoding ------------------------------------------- */

int
redact_clip(const struct clip_opts *o, const struct mask_list *masks,
    struct clip_result *r, char **cause)
{
	struct redact_job job;
	AVRational ms = { 1, 1000 };
	size_t i;
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(&job, 0, sizeof job);
	job.o = o;
	job.masks = masks;
	job.out.fd = -1;
	job.first_tl = INT64_MIN;
	job.last_tl = INT64_MIN;
	job.last_adts = INT64_MIN;
	if (clipio_check(o, cause) != 0)
		return -1;
	if (o->crf < 0 || o->crf > REDACT_CRF_MAX)
		return cause_set(cause, "CRF %d out of range (0 to %d)", o->crf,
		    REDACT_CRF_MAX);
	if (avcodec_find_encoder_by_name("libx264") == NULL)
		return cause_set(cause, "this libavcodec has no libx264 "
		    "encoder");
	if (clip_fault("redact job", cause) != 0)
		return -1;
	if ((job.cum = calloc(o->npieces, sizeof *job.cum)) == NULL ||
	    (job.cov = calloc(o->npieces, sizeof *job.cov)) == NULL ||
	    (job.frame = av_frame_alloc()) == NULL ||
	    (job.filt = av_frame_alloc()) == NULL ||
	    (job.pkt = av_packet_alloc()) == NULL) {
		cause_set(cause, "out of memory");
		goto out;
	}
	for (i = 1; i < o->npieces; i++)
		job.cum[i] = job.cum[i - 1] + o->pieces[i - 1].length_ms;
	/* Every piece must open before anything is written. */
	for (i = 0; i < o->npieces; i++) {
		struct clipio_in in;

		if (clipio_in_open(&in, o->pieces[i].path, cause) != 0)
			goto out;
		clipio_in_close(&in);
	}
	clipio_progress_init(&job.pr, o);
	for (i = 0; i < o->npieces; i++)
		if ((rc = redact_piece(&job, i, cause)) != 0)
			goto out;
	rc = -1;
	if (job.enc == NULL || job.first_tl == INT64_MIN) {
		cause_set(cause, "no frame of the range could be decoded");
		goto out;
	}
	if (clipio_cancelled(o)) {
		rc = CLIP_CANCELLED;
		cause_set(cause, "export cancelled");
		goto out;
	}
	/* The end: the graph, then the encoder. */
	if (av_buffersrc_add_frame_flags(job.src, NULL, 0) < 0 ||
	    redact_drain_graph(&job, 1, cause) != 0 ||
	    redact_encode(&job, NULL, cause) != 0) {
		if (cause != NULL && *cause == NULL)
			cause_set(cause, "cannot finish encoding");
		goto out;
	}
	r->frames = job.frames;
	r->width = job.enc->width;
	r->height = job.enc->height;
	snprintf(r->codec, sizeof r->codec, "%s",
	    avcodec_get_name(job.enc->codec_id));
	r->audio = job.ast != NULL;
	r->duration_ms = av_rescale_q(job.last_tl + job.last_dur -
	    job.first_tl, job.tb, ms);
	for (i = 0; i < o->npieces; i++)
		if (job.cov[i].to_ms > job.cov[i].from_ms)
			break;
	r->start_ms = job.cov[i].from_ms;
	for (i = o->npieces; i > 0; i--)
		if (job.cov[i - 1].to_ms > job.cov[i - 1].from_ms)
			break;
	r->end_ms = job.cov[i - 1].to_ms;
	if (clipio_gaps(o, job.cov, o->npieces, 2 * redact_nominal(&job, ms),
	    r, cause) != 0)
		goto out;
	if (clipio_out_finish(&job.out, cause) != 0)
		goto out;
	clipio_progress_end(&job.pr);
	rc = 0;
out:
	if (rc != 0) {
		clipio_out_abort(&job.out);
		clip_result_free(r);
	}
	redact_job_free(&job);
	return rc;
}

/* Frees what the job holds (not the clip file: see clipio_out_abort()). */
static void
redact_job_free(struct redact_job *job)
{
	size_t i;

	avfilter_graph_free(&job->graph);
	avcodec_free_context(&job->enc);
	av_frame_free(&job->frame);
	av_frame_free(&job->filt);
	av_packet_free(&job->pkt);
	for (i = 0; i < job->naq; i++)
		av_packet_free(&job->aq[i]);
	free(job->aq);
	free(job->cum);
	free(job->cov);
	memset(job, 0, sizeof *job);
}

/* One frame's nominal duration in time base tb. */
static int64_t
redact_nominal(const struct redact_job *job, AVRational tb)
{
	AVRational fr = job->fr;
	int64_t d;

	if (fr.num <= 0 || fr.den <= 0 || av_q2d(fr) > 1000 || av_q2d(fr) < 0.1)
		fr = (AVRational){ 25, 1 };
	d = av_rescale_q(1, av_inv_q(fr), tb);
	return d > 0 ? d : 1;
}

/* Opens the decoder of a piece. */
static int
redact_open_decoder(struct redact_piece *rp, char **cause)
{
	const AVCodec *codec;
	AVStream *st = rp->in.ic->streams[rp->in.vidx];
	int rc;

	if ((codec = avcodec_find_decoder(st->codecpar->codec_id)) == NULL)
		return clipio_in_fail(&rp->in, AVERROR_DECODER_NOT_FOUND,
		    "no decoder for its video", cause);
	if (clip_fault("decoder", cause) != 0)
		return -1;
	if ((rp->dec = avcodec_alloc_context3(codec)) == NULL)
		return cause_set(cause, "out of memory");
	if ((rc = avcodec_parameters_to_context(rp->dec, st->codecpar)) < 0)
		return cause_set(cause, "out of memory");
	rp->dec->pkt_timebase = st->time_base;
	rp->dec->thread_count = 0;
	if ((rc = avcodec_open2(rp->dec, codec, NULL)) < 0)
		return clipio_in_fail(&rp->in, rc, "cannot decode its video",
		    cause);
	return 0;
}

/* Decodes piece i into the graph. */
static int
redact_piece(struct redact_job *job, size_t i, char **cause)
{
	struct redact_piece rp;
	AVStream *st;
	int rc, ret = -1;

	memset(&rp, 0, sizeof rp);
	rp.i = i;
	rp.p = &job->o->pieces[i];
	if (clipio_in_open(&rp.in, rp.p->path, cause) != 0)
		return -1;
	st = rp.in.ic->streams[rp.in.vidx];
	rp.stb = st->time_base;
	if (rp.in.aidx >= 0)
		rp.atb = rp.in.ic->streams[rp.in.aidx]->time_base;
	if (redact_open_decoder(&rp, cause) != 0)
		goto out;
	clipio_in_bounds(&rp.in, rp.in.vidx, rp.p, &rp.start, &rp.end);
	job->cov[i].from_ms = job->cov[i].to_ms = rp.p->start_ms;
	if (clipio_in_seek(&rp.in, rp.in.vidx, rp.start, cause) != 0)
		goto out;
	while (!rp.done) {
		if (clipio_cancelled(job->o)) {
			ret = CLIP_CANCELLED;
			cause_set(cause, "export cancelled");
			goto out;
		}
		if ((rc = clipio_in_read(&rp.in, job->pkt, cause)) < 0)
			goto out;
		if (rc == 0) {
			/* The end of the file: what the decoder holds. */
			if ((rc = avcodec_send_packet(rp.dec, NULL)) < 0) {
				clipio_in_fail(&rp.in, rc, "cannot decode it",
				    cause);
				goto out;
			}
			if (redact_decoded(job, &rp, cause) != 0)
				goto out;
			break;
		}
		if (job->pkt->stream_index == rp.in.vidx) {
			rc = avcodec_send_packet(rp.dec, job->pkt);
			av_packet_unref(job->pkt);
			if (rc < 0 && rc != AVERROR(EAGAIN)) {
				clipio_in_fail(&rp.in, rc, "cannot decode it",
				    cause);
				goto out;
			}
			if (redact_decoded(job, &rp, cause) != 0)
				goto out;
		} else if (job->ast != NULL && job->pkt->stream_index ==
		    rp.in.aidx) {
			if (redact_audio(job, &rp, job->pkt, cause) != 0)
				goto out;
		} else
			av_packet_unref(job->pkt);
	}
	ret = clipio_cancelled(job->o) ? CLIP_CANCELLED : 0;
	if (ret != 0)
		cause_set(cause, "export cancelled");
out:
	av_packet_unref(job->pkt);
	avcodec_free_context(&rp.dec);
	clipio_in_close(&rp.in);
	return ret;
}

/* Takes every frame the decoder has ready. */
static int
redact_decoded(struct redact_job *job, struct redact_piece *rp, char **cause)
{
	int rc;

	for (;;) {
		rc = avcodec_receive_frame(rp->dec, job->frame);
		if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
			return 0;
		if (rc < 0)
			return clipio_in_fail(&rp->in, rc, "cannot decode it",
			    cause);
		rc = redact_frame(job, rp, job->frame, cause);
		av_frame_unref(job->frame);
		if (rc != 0)
			return -1;
		if (clipio_cancelled(job->o))
			return 0;
	}
}

/* Places a decoded frame on the timeline and sends it through the graph. */
static int
redact_frame(struct redact_job *job, struct redact_piece *rp, AVFrame *f,
    char **cause)
{
	AVRational ms = { 1, 1000 };
	int64_t ts, tl, dur, rec;
	char shown[512];
	int rc;

	if (rp->done)
		return 0;
	ts = f->best_effort_timestamp != AV_NOPTS_VALUE ?
	    f->best_effort_timestamp : f->pts;
	if (ts == AV_NOPTS_VALUE)
		return clipio_in_fail(&rp->in, AVERROR_INVALIDDATA,
		    "a frame has no timestamp", cause);
	if (ts < rp->start)
		return 0;
	if (ts >= rp->end) {
		rp->done = 1;
		return 0;
	}
	if (job->enc == NULL && redact_setup(job, rp, f, cause) != 0)
		return -1;
	if (f->width != job->w || f->height != job->h || f->format != job->fmt)
		return cause_set(cause, "segment %s has frames of another size "
		    "or format than the first (%dx%d %s, not %dx%d %s): they "
		    "cannot be joined in one clip (export them separately)",
		    clipio_show(rp->p->path, shown, sizeof shown), f->width,
		    f->height, av_get_pix_fmt_name(f->format) != NULL ?
		    av_get_pix_fmt_name(f->format) : "?", job->w, job->h,
		    av_get_pix_fmt_name(job->fmt) != NULL ?
		    av_get_pix_fmt_name(job->fmt) : "?");
	tl = av_rescale_q(ts - rp->start, rp->stb, job->tb) +
	    av_rescale_q(job->cum[rp->i], ms, job->tb);
	if (tl <= job->last_tl)
		return 0;	/* a repeated timestamp: keep the first frame */
	dur = f->pkt_duration > 0 ? av_rescale_q(f->pkt_duration, rp->stb,
	    job->tb) : redact_nominal(job, job->tb);
	if (dur <= 0)
		dur = 1;
	rec = rp->p->start_ms + av_rescale_q(ts - rp->start, rp->stb, ms);
	if (!rp->shown)
		job->cov[rp->i].from_ms = rec;
	rp->shown = 1;
	job->cov[rp->i].to_ms = rec + av_rescale_q(dur, job->tb, ms);
	if (job->cov[rp->i].to_ms <= job->cov[rp->i].from_ms)
		job->cov[rp->i].to_ms = job->cov[rp->i].from_ms + 1;	/* shown */
	if (job->first_tl == INT64_MIN) {
		size_t k;

		job->first_tl = tl;
		for (k = 0; k < job->naq; k++) {
			rc = redact_audio_out(job, job->aq[k], cause);
			av_packet_free(&job->aq[k]);
			if (rc != 0) {
				for (k++; k < job->naq; k++)
					av_packet_free(&job->aq[k]);
				job->naq = 0;
				return -1;
			}
		}
		job->naq = 0;
	}
	job->last_tl = tl;
	job->last_dur = dur;
	f->pts = tl;
	f->pict_type = AV_PICTURE_TYPE_NONE;
	if (clip_fault("filter", cause) != 0)
		return -1;
	if ((rc = av_buffersrc_add_frame_flags(job->src, f, 0)) < 0) {
		char err[256];

		return cause_set(cause, "cannot filter a frame: %s",
		    clipio_averr(rc, err, sizeof err));
	}
	if (redact_drain_graph(job, 0, cause) != 0)
		return -1;
	clipio_progress(&job->pr, job->cum[rp->i] + av_rescale_q(ts -
	    rp->start, rp->stb, ms));
	return 0;
}

/* Moves filtered frames to the encoder; at_end: until the graph's end. */
static int
redact_drain_graph(struct redact_job *job, int at_end, char **cause)
{
	char err[256];
	int rc;

	for (;;) {
		rc = av_buffersink_get_frame(job->sink, job->filt);
		if (rc == AVERROR(EAGAIN) && !at_end)
			return 0;
		if (rc == AVERROR_EOF)
			return 0;
		if (rc < 0)
			return cause_set(cause, "cannot filter a frame: %s",
			    clipio_averr(rc, err, sizeof err));
		job->filt->pts -= job->first_tl;
		job->filt->pict_type = AV_PICTURE_TYPE_NONE;
		rc = redact_encode(job, job->filt, cause);
		av_frame_unref(job->filt);
		if (rc != 0)
			return -1;
		job->frames++;
	}
}

/* Sends a frame (NULL: the end) to the encoder and writes what comes out. */
static int
redact_encode(struct redact_job *job, AVFrame *f, char **cause)
{
	char err[256];
	int rc;

	if ((rc = avcodec_send_frame(job->enc, f)) < 0)
		return cause_set(cause, "cannot encode a frame: %s",
		    clipio_averr(rc, err, sizeof err));
	for (;;) {
		rc = avcodec_receive_packet(job->enc, job->pkt);
		if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
			return 0;
		if (rc < 0)
			return cause_set(cause, "cannot encode a frame: %s",
			    clipio_averr(rc, err, sizeof err));
		av_packet_rescale_ts(job->pkt, job->enc->time_base,
		    job->vst->time_base);
		job->pkt->stream_index = job->vst->index;
		if (clipio_out_write(&job->out, job->pkt, cause) != 0)
			return -1;
	}
}

/* An audio packet of a piece: queued until the first frame fixes the
 * clip's zero, then written on the video's clock. */
static int
redact_audio(struct redact_job *job, struct redact_piece *rp, AVPacket *pkt,
    char **cause)
{
	AVRational ms = { 1, 1000 };
	AVPacket **q;
	int64_t astart, aend;

	if (pkt->pts == AV_NOPTS_VALUE) {
		av_packet_unref(pkt);
		return 0;
	}
	clipio_in_bounds(&rp->in, rp->in.aidx, rp->p, &astart, &aend);
	if (pkt->pts < astart || pkt->pts >= aend) {
		av_packet_unref(pkt);
		return 0;
	}
	/* On the timeline, in the output audio stream's time base. */
	pkt->pts = av_rescale_q(pkt->pts - astart, rp->atb,
	    job->ast->time_base) + av_rescale_q(job->cum[rp->i], ms,
	    job->ast->time_base);
	pkt->dts = pkt->pts;
	pkt->duration = av_rescale_q(pkt->duration, rp->atb,
	    job->ast->time_base);
	pkt->stream_index = job->ast->index;
	pkt->pos = -1;
	if (job->first_tl != INT64_MIN)
		return redact_audio_out(job, pkt, cause);
	if (job->naq >= REDACT_AUDIO_QUEUE) {
		av_packet_unref(pkt);
		return 0;
	}
	if ((q = realloc(job->aq, (job->naq + 1) * sizeof *q)) == NULL) {
		av_packet_unref(pkt);
		return cause_set(cause, "out of memory");
	}
	job->aq = q;
	if ((q[job->naq] = av_packet_alloc()) == NULL) {
		av_packet_unref(pkt);
		return cause_set(cause, "out of memory");
	}
	av_packet_move_ref(q[job->naq], pkt);
	job->naq++;
	return 0;
}

/* Writes an audio packet whose timestamps are on the timeline. */
static int
redact_audio_out(struct redact_job *job, AVPacket *pkt, char **cause)
{
	int64_t zero = av_rescale_q(job->first_tl, job->tb,
	    job->ast->time_base);

	pkt->pts -= zero;
	pkt->dts -= zero;
	if (pkt->dts < 0 || pkt->dts <= job->last_adts) {
		av_packet_unref(pkt);
		return 0;
	}
	job->last_adts = pkt->dts;
	return clipio_out_write(&job->out, pkt, cause);
}

/* Sets up graph, encoder and file from the first frame. */
static int
redact_setup(struct redact_job *job, struct redact_piece *rp, const AVFrame *f,
    char **cause)
{
	AVStream *st = rp->in.ic->streams[rp->in.vidx];
	AVDictionary *mopts = NULL;

	job->w = f->width;
	job->h = f->height;
	job->fmt = f->format;
	job->tb = st->time_base;
	job->fr = st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0 ?
	    st->avg_frame_rate : st->r_frame_rate;
	if (job->w <= 0 || job->h <= 0 || job->fmt == AV_PIX_FMT_NONE)
		return clipio_in_fail(&rp->in, AVERROR_INVALIDDATA,
		    "its frame size or pixel format is unknown", cause);
	if (redact_open_graph(job, f, cause) != 0)
		return -1;
	if (clipio_out_open(&job->out, job->o->out, job->o->nosync,
	    cause) != 0)
		return -1;
	if (redact_open_encoder(job, f, cause) != 0)
		return -1;
	if (job->o->audio && rp->in.aidx >= 0) {
		const AVCodecParameters *a =
		    rp->in.ic->streams[rp->in.aidx]->codecpar;

		if (avformat_query_codec(job->out.oc->oformat, a->codec_id,
		    FF_COMPLIANCE_NORMAL) != 1)
			return cause_set(cause, "the audio (%s) cannot be "
			    "stored in an MP4 file: export without audio",
			    avcodec_get_name(a->codec_id));
		if ((job->ast = avformat_new_stream(job->out.oc, NULL)) ==
		    NULL || avcodec_parameters_copy(job->ast->codecpar, a) < 0)
			return cause_set(cause, "out of memory");
		job->ast->codecpar->codec_tag = 0;
		job->ast->time_base = (AVRational){ 1, a->sample_rate > 0 ?
		    a->sample_rate : 90000 };
		job->out.interleave = 1;
	}
	if (av_dict_set(&mopts, "movflags", "+faststart", 0) < 0)
		return cause_set(cause, "out of memory");
	return clipio_out_header(&job->out, &mopts, cause);
}

/* Builds the filter graph: buffer source, the masks, a pixel format the
 * encoder takes, buffer sink. */
static int
redact_open_graph(struct redact_job *job, const AVFrame *f, char **cause)
{
	const AVCodec *x264 = avcodec_find_encoder_by_name("libx264");
	const enum AVPixelFormat *pf;
	AVFilterInOut *outs = NULL, *ins = NULL;
	struct clipio_buf b = { 0 };
	char args[512], err[256], *desc = NULL;
	int rc, ok = 0;

	if (clip_fault("filter graph", cause) != 0)
		return -1;
	if ((job->graph = avfilter_graph_alloc()) == NULL)
		return cause_set(cause, "out of memory");
	if ((size_t)snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:"
	    "time_base=%d/%d:pixel_aspect=%d/%d", job->w, job->h, job->fmt,
	    job->tb.num, job->tb.den, f->sample_aspect_ratio.den > 0 ?
	    f->sample_aspect_ratio.num : 0, f->sample_aspect_ratio.den > 0 ?
	    f->sample_aspect_ratio.den : 1) >= sizeof args)
		return cause_set(cause, "filter arguments too long");
	if ((rc = avfilter_graph_create_filter(&job->src,
	    avfilter_get_by_name("buffer"), "in", args, NULL, job->graph)) < 0 ||
	    (rc = avfilter_graph_create_filter(&job->sink,
	    avfilter_get_by_name("buffersink"), "out", NULL, NULL,
	    job->graph)) < 0)
		return cause_set(cause, "cannot set up the filters: %s",
		    clipio_averr(rc, err, sizeof err));
	if (redact_build(&b, job->masks, job->o->pieces, job->o->npieces,
	    job->w, job->h, cause) != 0) {
		clipio_buf_free(&b);
		return -1;
	}
	for (pf = x264->pix_fmts; pf != NULL && *pf != AV_PIX_FMT_NONE; pf++)
		if (*pf == job->fmt)
			ok = 1;
	if (!ok)
		clipio_buf_printf(&b, ",format=yuv420p");
	if ((desc = clipio_buf_take(&b, cause)) == NULL)
		return -1;
	if ((outs = avfilter_inout_alloc()) == NULL ||
	    (ins = avfilter_inout_alloc()) == NULL ||
	    (outs->name = av_strdup("in")) == NULL ||
	    (ins->name = av_strdup("out")) == NULL) {
		avfilter_inout_free(&outs);
		avfilter_inout_free(&ins);
		free(desc);
		return cause_set(cause, "out of memory");
	}
	outs->filter_ctx = job->src;
	ins->filter_ctx = job->sink;
	rc = avfilter_graph_parse_ptr(job->graph, desc, &ins, &outs, NULL);
	avfilter_inout_free(&outs);
	avfilter_inout_free(&ins);
	free(desc);
	if (rc < 0 || (rc = avfilter_graph_config(job->graph, NULL)) < 0)
		return cause_set(cause, "cannot set up the mask filters: %s",
		    clipio_averr(rc, err, sizeof err));
	return 0;
}

/* Opens libx264 for what the graph gives and adds the video stream. */
static int
redact_open_encoder(struct redact_job *job, const AVFrame *f, char **cause)
{
	const AVCodec *x264 = avcodec_find_encoder_by_name("libx264");
	AVCodecContext *e;
	char err[256];
	int rc;

	if (clip_fault("encoder", cause) != 0)
		return -1;
	if ((e = job->enc = avcodec_alloc_context3(x264)) == NULL)
		return cause_set(cause, "out of memory");
	e->width = av_buffersink_get_w(job->sink);
	e->height = av_buffersink_get_h(job->sink);
	e->pix_fmt = av_buffersink_get_format(job->sink);
	e->sample_aspect_ratio = av_buffersink_get_sample_aspect_ratio(
	    job->sink);
	e->time_base = job->tb;
	if (job->fr.num > 0 && job->fr.den > 0)
		e->framerate = job->fr;
	e->color_range = f->color_range;
	e->color_primaries = f->color_primaries;
	e->color_trc = f->color_trc;
	e->colorspace = f->colorspace;
	e->chroma_sample_location = f->chroma_location;
	e->thread_count = 0;
	if (job->out.oc->oformat->flags & AVFMT_GLOBALHEADER)
		e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if (av_opt_set(e->priv_data, "preset", job->o->preset != NULL ?
	    job->o->preset : REDACT_PRESET, 0) < 0 ||
	    av_opt_set_double(e->priv_data, "crf", job->o->crf > 0 ?
	    job->o->crf : REDACT_CRF, 0) < 0)
		return cause_set(cause, "cannot set the encoder's preset or "
		    "CRF");
	if ((rc = avcodec_open2(e, x264, NULL)) < 0)
		return cause_set(cause, "cannot open the H.264 encoder: %s%s",
		    clipio_averr(rc, err, sizeof err), job->o->preset != NULL ?
		    " (is the preset a libx264 preset?)" : "");
	if ((job->vst = avformat_new_stream(job->out.oc, NULL)) == NULL ||
	    avcodec_parameters_from_context(job->vst->codecpar, e) < 0)
		return cause_set(cause, "out of memory");
	job->vst->time_base = e->time_base;
	if (job->fr.num > 0 && job->fr.den > 0)
		job->vst->avg_frame_rate = job->fr;
	return 0;
}
