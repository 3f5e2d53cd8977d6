/* clip — mode "original": the recorded video packets copied, never
 * re-encoded, from the keyframe at or before the range's start to the first
 * keyframe at or after its end, across segment boundaries, into one MP4
 * with continuous timestamps and its index first. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>

#include "export/export.h"
#include "export/export_int.h"
#include "util/util.h"

/* Room for the MP4 index, reserved at the front of the file so no second
 * pass has to move the media data: at most 48 bytes a sample (size, time,
 * composition offset, chunk offset, sync and dependency tables) and a fixed
 * part for the headers. */
#define CLIP_MOOV_PER_SAMPLE	48
#define CLIP_MOOV_FIXED		(64 * 1024)
#define CLIP_MOOV_PER_PIECE	64
/* An in-band parameter-set prefix is at most this long. */
#define CLIP_BAND_MAX		(64 * 1024)

/* One original-mode export in progress. */
struct clip_job {
	const struct clip_opts	*o;
	struct clipio_out	 out;
	struct clipio_progress	 pr;
	AVCodecParameters	*vpar;		/* the output's, from piece 0 */
	AVCodecParameters	*apar;		/* or NULL: no audio */
	AVRational		 vtb0;		/* piece 0's video time base */
	AVRational		 frame_rate;	/* piece 0's nominal rate */
	int64_t			 entries;	/* index entries, -1 unknown */
	AVStream		*vst;
	AVStream		*ast;
	int64_t			 next_dts;	/* vst time base */
	int64_t			 last_vdts;
	int64_t			 last_adts;	/* ast time base */
	int64_t			 min_pts;	/* vst time base */
	int64_t			 max_end;
	int64_t			 frames;
	int64_t			 done_ms;	/* lengths of finished pieces */
	struct clipio_cover	*cov;
};

static int	clip_prepare(struct clip_job *, char **);
static int	clip_compatible(struct clip_job *, struct clipio_in *, size_t,
		    char **);
static int	clip_open_out(struct clip_job *, char **);
static int	clip_piece(struct clip_job *, size_t, char **);
static int	clip_band(const AVCodecParameters *, const AVCodecParameters *,
		    uint8_t **, size_t *);
static int	clip_avcc_nal_len(const AVCodecParameters *);
static int	clip_prefix(AVPacket *, const uint8_t *, size_t);
static int64_t	clip_nominal(const struct clip_job *, AVRational);
static void	clip_job_free(struct clip_job *);

void
clip_result_free(struct clip_result *r)
{
	if (r == NULL)
		return;
	free(r->gaps);
	memset(r, 0, sizeof *r);
}

int
clip_frame_size(const char *path, int *width, int *height, char **cause)
{
	struct clipio_in in;
	const AVCodecParameters *par;
	int rc = 0;

	if (clipio_in_open(&in, path, cause) != 0)
		return -1;
	par = in.ic->streams[in.vidx]->codecpar;
	if (par->width <= 0 || par->height <= 0)
		rc = clipio_in_fail(&in, AVERROR_INVALIDDATA, "its frame size "
		    "is unknown", cause);
	*width = par->width;
	*height = par->height;
	clipio_in_close(&in);
	return rc;
}

int
clip_original(const struct clip_opts *o, struct clip_result *r, char **cause)
{
	struct clip_job job;
	AVRational ms = { 1, 1000 };
	size_t i;
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(&job, 0, sizeof job);
	job.o = o;
	job.out.fd = -1;
	if (clipio_check(o, cause) != 0)
		return -1;
	if ((job.cov = calloc(o->npieces, sizeof *job.cov)) == NULL)
		return cause_set(cause, "out of memory");
	/* Every piece is opened and checked before anything is written. */
	if (clip_prepare(&job, cause) != 0)
		goto out;
	if (clip_open_out(&job, cause) != 0)
		goto out;
	clipio_progress_init(&job.pr, o);
	for (i = 0; i < o->npieces; i++) {
		if ((rc = clip_piece(&job, i, cause)) != 0)
			goto out;
		job.done_ms += o->pieces[i].length_ms;
	}
	rc = -1;
	if (job.frames == 0) {
		cause_set(cause, "no keyframe found in the range: nothing to "
		    "copy");
		goto out;
	}
	r->frames = job.frames;
	r->width = job.vpar->width;
	r->height = job.vpar->height;
	snprintf(r->codec, sizeof r->codec, "%s",
	    avcodec_get_name(job.vpar->codec_id));
	r->audio = job.ast != NULL;
	r->duration_ms = av_rescale_q(job.max_end - job.min_pts,
	    job.vst->time_base, ms);
	for (i = 0; i < o->npieces; i++)
		if (job.cov[i].to_ms > job.cov[i].from_ms)
			break;
	r->start_ms = job.cov[i].from_ms;
	for (i = o->npieces; i > 0; i--)
		if (job.cov[i - 1].to_ms > job.cov[i - 1].from_ms)
			break;
	r->end_ms = job.cov[i - 1].to_ms;
	if (clipio_gaps(o, job.cov, o->npieces, 2 * clip_nominal(&job, ms),
	    r, cause) != 0)
		goto out;
	if (clipio_cancelled(o)) {
		rc = CLIP_CANCELLED;
		cause_set(cause, "export cancelled");
		goto out;
	}
	if (clipio_out_finish(&job.out, cause) != 0)
		goto out;
	clipio_progress_end(&job.pr);
	rc = 0;
out:
	if (rc != 0) {
		clipio_out_abort(&job.out);
		clip_result_free(r);
	}
	clip_job_free(&job);
	return rc;
}

/* Frees what the job holds (not the clip file: see clipio_out_abort()). */
static void
clip_job_free(struct clip_job *job)
{
	avcodec_parameters_free(&job->vpar);
	avcodec_parameters_free(&job->apar);
	free(job->cov);
	job->cov = NULL;
}

/* Opens every piece once: each must be readable and match the first one's
 * video (and audio, when kept); counts the index entries the clip will
 * need at most. */
static int
clip_prepare(struct clip_job *job, char **cause)
{
	const struct clip_opts *o = job->o;
	struct clipio_in in;
	AVStream *st;
	size_t i;
	int n;

	job->entries = 0;
	for (i = 0; i < o->npieces; i++) {
		if (clipio_in_open(&in, o->pieces[i].path, cause) != 0)
			return -1;
		st = in.ic->streams[in.vidx];
		if (i == 0) {
			if ((job->vpar = avcodec_parameters_alloc()) == NULL ||
			    clip_fault("parameters", cause) != 0 ||
			    avcodec_parameters_copy(job->vpar, st->codecpar) < 0)
				goto oom;
			job->vtb0 = st->time_base;
			job->frame_rate = st->avg_frame_rate.num > 0 &&
			    st->avg_frame_rate.den > 0 ? st->avg_frame_rate :
			    st->r_frame_rate;
			if (o->audio && in.aidx >= 0) {
				if ((job->apar = avcodec_parameters_alloc()) ==
				    NULL || avcodec_parameters_copy(job->apar,
				    in.ic->streams[in.aidx]->codecpar) < 0)
					goto oom;
			}
		} else if (clip_compatible(job, &in, i, cause) != 0) {
			clipio_in_close(&in);
			return -1;
		}
		n = avformat_index_get_entries_count(st);
		if (n <= 0 || job->entries < 0)
			job->entries = -1;
		else
			job->entries += n;
		if (job->entries >= 0 && job->apar != NULL && in.aidx >= 0)
			job->entries += avformat_index_get_entries_count(
			    in.ic->streams[in.aidx]);
		clipio_in_close(&in);
	}
	return 0;
oom:
	clipio_in_close(&in);
	if (cause != NULL && *cause != NULL)
		return -1;
	return cause_set(cause, "out of memory");
}

/* Checks piece i against the first piece. */
static int
clip_compatible(struct clip_job *job, struct clipio_in *in, size_t i,
    char **cause)
{
	const AVCodecParameters *v = in->ic->streams[in->vidx]->codecpar, *a;
	char shown[512];
	uint8_t *band = NULL;
	size_t nband;

	clipio_show(in->path, shown, sizeof shown);
	if (v->codec_id != job->vpar->codec_id || v->width !=
	    job->vpar->width || v->height != job->vpar->height)
		return cause_set(cause, "segment %s is %s %dx%d, the first "
		    "segment %s %dx%d: they cannot be joined in one original "
		    "clip (export them separately, or redacted)", shown,
		    avcodec_get_name(v->codec_id), v->width, v->height,
		    avcodec_get_name(job->vpar->codec_id), job->vpar->width,
		    job->vpar->height);
	switch (clip_band(job->vpar, v, &band, &nband)) {
	case 0:
		break;
	case 1:
		free(band);
		break;
	default:
		return cause_set(cause, "segment %s was encoded with other "
		    "parameters than the first segment (piece %zu): they "
		    "cannot be joined in one original clip (export them "
		    "separately, or redacted)", shown, i);
	}
	if (job->apar == NULL || in->aidx < 0)
		return 0;
	a = in->ic->streams[in->aidx]->codecpar;
	if (a->codec_id != job->apar->codec_id ||
	    a->sample_rate != job->apar->sample_rate ||
	    a->ch_layout.nb_channels != job->apar->ch_layout.nb_channels ||
	    a->extradata_size != job->apar->extradata_size ||
	    (a->extradata_size > 0 && memcmp(a->extradata,
	    job->apar->extradata, (size_t)a->extradata_size) != 0))
		return cause_set(cause, "the audio of segment %s differs from "
		    "the first segment's: export without audio", shown);
	return 0;
}

/* The NAL length size of an H.264 avcC record, or 0 when par is not one. */
static int
clip_avcc_nal_len(const AVCodecParameters *par)
{
	if (par->codec_id != AV_CODEC_ID_H264 || par->extradata_size < 7 ||
	    par->extradata[0] != 1)
		return 0;
	return (par->extradata[4] & 3) + 1;
}

/* Compares a piece's codec set-up with the output's.  Returns 0 when they
 * are the same, 1 with *band (caller frees) set to the piece's parameter
 * sets as length-prefixed NAL units when it is H.264 (avcC) and may be
 * joined by carrying them in band, -1 when it cannot be joined. */
static int
clip_band(const AVCodecParameters *want, const AVCodecParameters *have,
    uint8_t **band, size_t *nband)
{
	const uint8_t *p, *end;
	uint8_t *b;
	size_t n = 0, len;
	int lsize, count, k, table;

	*band = NULL;
	*nband = 0;
	if (want->extradata_size == have->extradata_size &&
	    (want->extradata_size == 0 || memcmp(want->extradata,
	    have->extradata, (size_t)want->extradata_size) == 0))
		return 0;
	lsize = clip_avcc_nal_len(have);
	if (lsize == 0 || lsize != clip_avcc_nal_len(want))
		return -1;
	if ((b = malloc(CLIP_BAND_MAX)) == NULL)
		return -1;
	p = have->extradata + 5;
	end = have->extradata + have->extradata_size;
	for (table = 0; table < 2; table++) {
		if (p >= end) {
			free(b);
			return -1;
		}
		count = table == 0 ? (*p & 0x1f) : *p;
		p++;
		for (k = 0; k < count; k++) {
			if (end - p < 2) {
				free(b);
				return -1;
			}
			len = (size_t)p[0] << 8 | p[1];
			p += 2;
			if ((size_t)(end - p) < len || len == 0 ||
			    n + (size_t)lsize + len > CLIP_BAND_MAX ||
			    (lsize < 4 && (len >> (8 * lsize)) != 0)) {
				free(b);
				return -1;
			}
			for (int j = lsize - 1; j >= 0; j--)
				b[n++] = (uint8_t)(len >> (8 * j));
			memcpy(b + n, p, len);
			n += len;
			p += len;
		}
	}
	*band = b;
	*nband = n;
	return 1;
}

/* Puts band in front of pkt's data. */
static int
clip_prefix(AVPacket *pkt, const uint8_t *band, size_t nband)
{
	AVPacket *np;
	int rc;

	if ((np = av_packet_alloc()) == NULL)
		return AVERROR(ENOMEM);
	if ((rc = av_new_packet(np, pkt->size + (int)nband)) < 0 ||
	    (rc = av_packet_copy_props(np, pkt)) < 0) {
		av_packet_free(&np);
		return rc;
	}
	memcpy(np->data, band, nband);
	memcpy(np->data + nband, pkt->data, (size_t)pkt->size);
	av_packet_unref(pkt);
	av_packet_move_ref(pkt, np);
	av_packet_free(&np);
	return 0;
}

/* One frame's nominal duration in time base tb. */
static int64_t
clip_nominal(const struct clip_job *job, AVRational tb)
{
	AVRational fr = job->frame_rate;
	int64_t d;

	if (fr.num <= 0 || fr.den <= 0 || av_q2d(fr) > 1000 || av_q2d(fr) < 0.1)
		fr = (AVRational){ 25, 1 };
	d = av_rescale_q(1, av_inv_q(fr), tb);
	return d > 0 ? d : 1;
}

/* Creates the clip file with its streams and writes the header. */
static int
clip_open_out(struct clip_job *job, char **cause)
{
	AVDictionary *mopts = NULL;
	enum AVCodecID id = job->vpar->codec_id;
	int64_t moov;

	if (avformat_query_codec(av_guess_format("mp4", NULL, NULL), id,
	    FF_COMPLIANCE_NORMAL) != 1)
		return cause_set(cause, "%s video cannot be stored in an MP4 "
		    "file", avcodec_get_name(id));
	if (job->apar != NULL && avformat_query_codec(av_guess_format("mp4",
	    NULL, NULL), job->apar->codec_id, FF_COMPLIANCE_NORMAL) != 1)
		return cause_set(cause, "the audio (%s) cannot be stored in an "
		    "MP4 file: export without audio",
		    avcodec_get_name(job->apar->codec_id));
	if (clipio_out_open(&job->out, job->o->out, job->o->nosync,
	    cause) != 0)
		return -1;
	if (clip_fault("streams", cause) != 0)
		return -1;
	if ((job->vst = avformat_new_stream(job->out.oc, NULL)) == NULL ||
	    avcodec_parameters_copy(job->vst->codecpar, job->vpar) < 0)
		return cause_set(cause, "out of memory");
	job->vst->codecpar->codec_tag = 0;
	job->vst->time_base = job->vtb0;
	if (job->frame_rate.num > 0 && job->frame_rate.den > 0)
		job->vst->avg_frame_rate = job->frame_rate;
	if (job->apar != NULL) {
		if ((job->ast = avformat_new_stream(job->out.oc, NULL)) ==
		    NULL || avcodec_parameters_copy(job->ast->codecpar,
		    job->apar) < 0)
			return cause_set(cause, "out of memory");
		job->ast->codecpar->codec_tag = 0;
		job->ast->time_base = (AVRational){ 1,
		    job->apar->sample_rate > 0 ? job->apar->sample_rate :
		    90000 };
		job->out.interleave = 1;
	}
	if (job->entries >= 0) {
		moov = CLIP_MOOV_FIXED + job->entries * CLIP_MOOV_PER_SAMPLE +
		    (int64_t)job->o->npieces * CLIP_MOOV_PER_PIECE;
		if (moov > INT_MAX)
			moov = INT_MAX;
		if (av_dict_set_int(&mopts, "moov_size", moov, 0) < 0)
			return cause_set(cause, "out of memory");
	} else if (av_dict_set(&mopts, "movflags", "+faststart", 0) < 0)
		return cause_set(cause, "out of memory");
	if (clipio_out_header(&job->out, &mopts, cause) != 0)
		return -1;
	job->last_vdts = INT64_MIN;
	job->last_adts = INT64_MIN;
	job->min_pts = INT64_MAX;
	job->max_end = INT64_MIN;
	return 0;
}

/* Copies piece i. */
static int
clip_piece(struct clip_job *job, size_t i, char **cause)
{
	const struct clip_piece *p = &job->o->pieces[i];
	struct clipio_in in;
	AVRational tb, atb = { 0, 1 }, otb = job->vst->time_base;
	AVPacket *pkt = NULL;
	uint8_t *band = NULL;
	size_t nband = 0;
	int64_t start, end, first_dts = 0, first_dts_us = 0, origin;
	int64_t pts, dts, dur, first_pts_us = 0, rec, at_ms;
	int started = 0, rc, ret = -1, key;

	if (clipio_in_open(&in, p->path, cause) != 0)
		return -1;
	tb = in.ic->streams[in.vidx]->time_base;
	clipio_in_bounds(&in, in.vidx, p, &start, &end);
	if (job->ast != NULL && in.aidx >= 0)
		atb = in.ic->streams[in.aidx]->time_base;
	if (clip_band(job->vpar, in.ic->streams[in.vidx]->codecpar, &band,
	    &nband) < 0) {
		cause_set(cause, "segment %zu changed while it was exported", i);
		goto out;
	}
	if (clipio_in_seek(&in, in.vidx, start, cause) != 0)
		goto out;
	if ((pkt = av_packet_alloc()) == NULL) {
		cause_set(cause, "out of memory");
		goto out;
	}
	origin = job->next_dts;
	job->cov[i].from_ms = job->cov[i].to_ms = p->start_ms;
	for (;;) {
		if (clipio_cancelled(job->o)) {
			ret = CLIP_CANCELLED;
			cause_set(cause, "export cancelled");
			goto out;
		}
		if ((rc = clipio_in_read(&in, pkt, cause)) < 0)
			goto out;
		if (rc == 0)
			break;
		if (pkt->stream_index == in.vidx) {
			pts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
			dts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
			if (pts == AV_NOPTS_VALUE) {
				clipio_in_fail(&in, AVERROR_INVALIDDATA,
				    "a video packet has no timestamp", cause);
				goto out;
			}
			key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
			if (!started) {
				if (!key) {
					av_packet_unref(pkt);
					continue;
				}
				started = 1;
				first_dts = dts;
				first_dts_us = av_rescale_q(dts, tb,
				    AV_TIME_BASE_Q);
				first_pts_us = av_rescale_q(pts, tb,
				    AV_TIME_BASE_Q);
				job->cov[i].from_ms = clipio_rec_ms(&in,
				    in.vidx, p, start, pts);
				job->cov[i].to_ms = job->cov[i].from_ms;
			} else if (key && pts >= end) {
				av_packet_unref(pkt);
				break;
			}
			dur = pkt->duration > 0 ? av_rescale_q(pkt->duration,
			    tb, otb) : clip_nominal(job, otb);
			rec = clipio_rec_ms(&in, in.vidx, p, start, pts) +
			    av_rescale_q(dur, otb, (AVRational){ 1, 1000 });
			if (rec <= job->cov[i].from_ms)
				rec = job->cov[i].from_ms + 1;	/* shown */
			if (rec > job->cov[i].to_ms)
				job->cov[i].to_ms = rec;
			if (key && band != NULL &&
			    (rc = clip_prefix(pkt, band, nband)) < 0) {
				cause_set(cause, "out of memory");
				goto out;
			}
			pkt->pts = av_rescale_q(pts - first_dts, tb, otb) +
			    origin;
			pkt->dts = av_rescale_q(dts - first_dts, tb, otb) +
			    origin;
			pkt->duration = dur;
			if (pkt->dts <= job->last_vdts) {
				clipio_in_fail(&in, AVERROR_INVALIDDATA,
				    "its video timestamps go backwards", cause);
				goto out;
			}
			job->last_vdts = pkt->dts;
			job->next_dts = pkt->dts + dur;
			if (pkt->pts < job->min_pts)
				job->min_pts = pkt->pts;
			if (pkt->pts + dur > job->max_end)
				job->max_end = pkt->pts + dur;
			pkt->stream_index = job->vst->index;
			pkt->pos = -1;
			job->frames++;
			at_ms = av_rescale_q(pts - start, tb,
			    (AVRational){ 1, 1000 });
			if (at_ms > p->length_ms)
				at_ms = p->length_ms;
			clipio_progress(&job->pr, job->done_ms + at_ms);
			if (clipio_out_write(&job->out, pkt, cause) != 0)
				goto out;
		} else if (started && job->ast != NULL &&
		    pkt->stream_index == in.aidx &&
		    pkt->pts != AV_NOPTS_VALUE) {
			/* Audio from the first video frame on, on the
			 * video's clock. */
			int64_t us = av_rescale_q(pkt->pts, atb,
			    AV_TIME_BASE_Q);

			if (us < first_pts_us) {
				av_packet_unref(pkt);
				continue;
			}
			dts = av_rescale_q(us - first_dts_us, AV_TIME_BASE_Q,
			    job->ast->time_base) + av_rescale_q(origin, otb,
			    job->ast->time_base);
			if (dts <= job->last_adts) {
				av_packet_unref(pkt);
				continue;
			}
			job->last_adts = dts;
			pkt->pts = pkt->dts = dts;
			pkt->duration = av_rescale_q(pkt->duration, atb,
			    job->ast->time_base);
			pkt->stream_index = job->ast->index;
			pkt->pos = -1;
			if (clipio_out_write(&job->out, pkt, cause) != 0)
				goto out;
		} else
			av_packet_unref(pkt);
	}
	ret = 0;
out:
	av_packet_free(&pkt);
	free(band);
	clipio_in_close(&in);
	return ret;
}
