/* clipio — the libav plumbing both clip modes share: segment files read
 * through our own descriptor, the clip written through our own descriptor
 * (so every write error keeps its errno and nothing else is opened),
 * checks of the pieces, progress, gaps and message text. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/mathematics.h>

#include "av/av.h"
#include "export/export.h"
#include "export/export_int.h"
#include "util/util.h"

#define CLIPIO_IN_BUF	(256 * 1024)
#define CLIPIO_OUT_BUF	(1024 * 1024)
#define CLIPIO_RD_BUF	(256 * 1024)
/* Write-back of the clip is started every this many bytes, so the disk
 * works while the rest is cut and the final fsync has little left. */
#define CLIPIO_KICK	(8 * 1024 * 1024)
/* Recording times beyond about 285,000 years are not footage. */
#define CLIPIO_MS_MAX	((int64_t)1 << 53)
/* Demuxers a segment may be read with (names as libavformat gives them). */
#define CLIPIO_FORMATS	"mov,matroska,mpegts"

/* The faststart pass reading the clip back. */
struct clipio_reader {
	struct clipio_out	*out;
	int64_t			 pos;
};

static const AVRational clipio_ms = { 1, 1000 };

static int	clipio_gap_add(struct clip_result *, int64_t, int64_t, char **);
static int	clipio_in_readcb(void *, uint8_t *, int);
static int64_t	clipio_in_seekcb(void *, int64_t, int);
static int	clipio_in_io_open(AVFormatContext *, AVIOContext **,
		    const char *, int, AVDictionary **);
static int	clipio_out_writecb(void *, uint8_t *, int);
static int64_t	clipio_out_seekcb(void *, int64_t, int);
static int	clipio_out_io_open(AVFormatContext *, AVIOContext **,
		    const char *, int, AVDictionary **);
static int	clipio_out_io_close(AVFormatContext *, AVIOContext *);
static int	clipio_rd_readcb(void *, uint8_t *, int);
static int64_t	clipio_rd_seekcb(void *, int64_t, int);
static void	clipio_out_free(struct clipio_out *);
static int	clipio_out_ours(const struct clipio_out *);

/* ---- Strings -------------------------------------------------------------- */

void
clipio_buf_printf(struct clipio_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t need, ncap;
	char *ns;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s == NULL ? NULL : b->s + b->len,
	    b->s == NULL ? 0 : b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	need = b->len + (size_t)n + 1;
	if (b->s != NULL && need <= b->cap) {
		b->len += (size_t)n;
		return;
	}
	ncap = b->cap == 0 ? 256 : b->cap;
	while (ncap < need)
		ncap *= 2;
	if (clip_fault("string", NULL) != 0 ||
	    (ns = realloc(b->s, ncap)) == NULL) {
		b->failed = 1;
		return;
	}
	b->s = ns;
	b->cap = ncap;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->failed = 1;
		return;
	}
	b->len += (size_t)n;
}

char *
clipio_buf_take(struct clipio_buf *b, char **cause)
{
	char *s;

	if (b->failed || b->s == NULL) {
		clipio_buf_free(b);
		cause_set(cause, "out of memory");
		return NULL;
	}
	s = b->s;
	memset(b, 0, sizeof *b);
	return s;
}

void
clipio_buf_free(struct clipio_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

const char *
clipio_show(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	if (s == NULL)
		s = "(null)";
	p = (const unsigned char *)s;
	while (*p != '\0') {
		if (o + 8 >= len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (*p < 0x80) {
			buf[o++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
		if (n > 1 && strnlen((const char *)p, n) == n &&
		    utf8_valid((const char *)p, n) &&
		    !(n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else {
			buf[o++] = '?';
			p++;
		}
	}
	buf[o] = '\0';
	return buf;
}

const char *
clipio_averr(int err, char *buf, size_t len)
{
	if (av_strerror(err, buf, len) < 0)
		snprintf(buf, len, "libav error %d", err);
	return buf;
}

/* ---- Options, progress, gaps --------------------------------------------- */

int
clipio_check(const struct clip_opts *o, char **cause)
{
	const struct clip_piece *p;
	int64_t total;
	size_t i;

	if (o->out == NULL || o->out[0] == '\0')
		return cause_set(cause, "no output file given");
	if (o->from_ms >= o->to_ms || o->from_ms <= -CLIPIO_MS_MAX ||
	    o->to_ms >= CLIPIO_MS_MAX)
		return cause_set(cause, "the range to export is empty or "
		    "out of bounds");
	if (o->npieces == 0 || o->pieces == NULL)
		return cause_set(cause, "no footage in the range");
	if (o->npieces > CLIP_PIECES_MAX)
		return cause_set(cause, "too many segments in the range "
		    "(%zu; at most %d)", o->npieces, CLIP_PIECES_MAX);
	for (i = 0, total = 0; i < o->npieces; i++) {
		p = &o->pieces[i];
		if (p->path == NULL || p->path[0] == '\0')
			return cause_set(cause, "segment %zu has no file", i);
		if (p->length_ms <= 0 || p->offset_ms < 0 ||
		    p->length_ms >= CLIPIO_MS_MAX ||
		    p->offset_ms >= CLIPIO_MS_MAX ||
		    p->start_ms <= -CLIPIO_MS_MAX ||
		    p->start_ms >= CLIPIO_MS_MAX - p->length_ms)
			return cause_set(cause, "segment %zu has a bad start, "
			    "offset or length", i);
		if (i > 0 && p->start_ms < o->pieces[i - 1].start_ms +
		    o->pieces[i - 1].length_ms)
			return cause_set(cause, "segments %zu and %zu overlap "
			    "or are out of order", i - 1, i);
		if ((total += p->length_ms) >= CLIPIO_MS_MAX)
			return cause_set(cause, "the segments are too long");
	}
	/* FFmpeg is loaded here, before the first libav call of a clip. */
	return avlib_ready(cause);
}

int
clipio_cancelled(const struct clip_opts *o)
{
	return o->cancel != NULL && atomic_load(o->cancel) != 0;
}

void
clipio_progress_init(struct clipio_progress *pr, const struct clip_opts *o)
{
	size_t i;

	pr->o = o;
	pr->total_ms = 0;
	pr->last = -1;
	for (i = 0; i < o->npieces; i++)
		pr->total_ms += o->pieces[i].length_ms;
	if (o->progress != NULL)
		o->progress(0, o->progress_arg);
	pr->last = 0;
}

void
clipio_progress(struct clipio_progress *pr, int64_t done_ms)
{
	double f;

	if (pr->o->progress == NULL || pr->total_ms <= 0)
		return;
	f = (double)done_ms / (double)pr->total_ms;
	if (f < 0)
		f = 0;
	if (f > 0.999)
		f = 0.999;	/* 1 only when the file is complete */
	if (f - pr->last < 0.001)
		return;
	pr->last = f;
	pr->o->progress(f, pr->o->progress_arg);
}

void
clipio_progress_end(struct clipio_progress *pr)
{
	if (pr->o->progress != NULL)
		pr->o->progress(1, pr->o->progress_arg);
}

/* Appends the gap [a, b) to r. */
static int
clipio_gap_add(struct clip_result *r, int64_t a, int64_t b, char **cause)
{
	struct clip_gap *g;

	if (clip_fault("gap", cause) != 0)
		return -1;
	g = realloc(r->gaps, (r->ngaps + 1) * sizeof *g);
	if (g == NULL)
		return cause_set(cause, "out of memory");
	r->gaps = g;
	g[r->ngaps].from_ms = a;
	g[r->ngaps].to_ms = b;
	r->ngaps++;
	return 0;
}

int
clipio_gaps(const struct clip_opts *o, const struct clipio_cover *cov,
    size_t n, int64_t tol_ms, struct clip_result *r, char **cause)
{
	int64_t at = o->from_ms, a, b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (cov[i].to_ms <= cov[i].from_ms)
			continue;
		a = at;
		b = cov[i].from_ms < o->to_ms ? cov[i].from_ms : o->to_ms;
		if (b - a > tol_ms && clipio_gap_add(r, a, b, cause) != 0)
			return -1;
		if (cov[i].to_ms > at)
			at = cov[i].to_ms;
	}
	if (o->to_ms - at > tol_ms && clipio_gap_add(r, at, o->to_ms,
	    cause) != 0)
		return -1;
	return 0;
}

/* ---- Segment files -------------------------------------------------------- */

/* AVIO read callback of a segment. */
static int
clipio_in_readcb(void *opaque, uint8_t *buf, int size)
{
	struct clipio_in *in = opaque;
	ssize_t n;

	do
		n = read(in->fd, buf, (size_t)size);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		in->err = errno;
		return AVERROR(errno);
	}
	return n == 0 ? AVERROR_EOF : (int)n;
}

/* AVIO seek callback of a segment. */
static int64_t
clipio_in_seekcb(void *opaque, int64_t off, int whence)
{
	struct clipio_in *in = opaque;
	struct stat sb;
	off_t r;

	if (whence & AVSEEK_SIZE) {
		if (fstat(in->fd, &sb) == -1)
			return AVERROR(errno);
		return sb.st_size;
	}
	whence &= ~AVSEEK_FORCE;
	if ((r = lseek(in->fd, (off_t)off, whence)) == (off_t)-1)
		return AVERROR(errno);
	return r;
}

/* A segment never makes libavformat open anything else. */
static int
clipio_in_io_open(AVFormatContext *s, AVIOContext **pb, const char *url,
    int flags, AVDictionary **options)
{
	(void)s; (void)pb; (void)url; (void)flags; (void)options;
	return AVERROR(EPERM);
}

int
clipio_in_fail(struct clipio_in *in, int averr, const char *what,
    char **cause)
{
	char shown[512], err[256];

	clipio_show(in->path, shown, sizeof shown);
	if (in->err != 0)
		return cause_set(cause, "segment %s: %s: %s", shown, what,
		    strerror(in->err));
	return cause_set(cause, "segment %s: %s: %s", shown, what,
	    clipio_averr(averr, err, sizeof err));
}

int
clipio_in_open(struct clipio_in *in, const char *path, char **cause)
{
	AVFormatContext *ic;
	struct stat sb;
	uint8_t *buf;
	char shown[512];
	int rc, e;

	memset(in, 0, sizeof *in);
	in->path = path;
	in->vidx = in->aidx = -1;
	in->fd = -1;
	if (avlib_ready(cause) != 0)
		return -1;
	in->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (in->fd == -1) {
		e = errno;
		return cause_set(cause, "cannot open segment %s: %s",
		    clipio_show(path, shown, sizeof shown),
		    e == ELOOP ? "it is a symbolic link" : strerror(e));
	}
	if (fstat(in->fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		e = errno;
		close(in->fd);
		in->fd = -1;
		return cause_set(cause, "cannot read segment %s: %s",
		    clipio_show(path, shown, sizeof shown),
		    S_ISREG(sb.st_mode) ? strerror(e) : "not a regular file");
	}
	if (clip_fault("open segment", cause) != 0) {
		clipio_in_close(in);
		return -1;
	}
	if ((buf = av_malloc(CLIPIO_IN_BUF)) == NULL ||
	    (in->pb = avio_alloc_context(buf, CLIPIO_IN_BUF, 0, in,
	    clipio_in_readcb, NULL, clipio_in_seekcb)) == NULL) {
		av_free(buf);
		clipio_in_close(in);
		return cause_set(cause, "out of memory");
	}
	if ((ic = avformat_alloc_context()) == NULL) {
		clipio_in_close(in);
		return cause_set(cause, "out of memory");
	}
	ic->pb = in->pb;
	ic->flags |= AVFMT_FLAG_CUSTOM_IO;
	ic->io_open = clipio_in_io_open;
	if ((ic->format_whitelist = av_strdup(CLIPIO_FORMATS)) == NULL) {
		avformat_free_context(ic);
		clipio_in_close(in);
		return cause_set(cause, "out of memory");
	}
	/* avformat_open_input frees ic on failure. */
	if ((rc = avformat_open_input(&ic, "", NULL, NULL)) < 0) {
		in->err = 0;
		clipio_in_fail(in, rc, "not a readable video file", cause);
		clipio_in_close(in);
		return -1;
	}
	in->ic = ic;
	/* MP4 headers say all a copy or a decoder needs, and the file stores
	 * whole frames with their keyframe flags: probing and a parser would
	 * only cost time (and a parser could mark keyframes the file does
	 * not). */
	if (strcmp(ic->iformat->name, "mov,mp4,m4a,3gp,3g2,mj2") == 0)
		ic->flags |= AVFMT_FLAG_NOPARSE;
	else if ((rc = avformat_find_stream_info(ic, NULL)) < 0) {
		clipio_in_fail(in, rc, "cannot read its streams", cause);
		clipio_in_close(in);
		return -1;
	}
	in->vidx = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (in->vidx < 0 || (ic->streams[in->vidx]->disposition &
	    AV_DISPOSITION_ATTACHED_PIC)) {
		clipio_in_close(in);
		return cause_set(cause, "segment %s has no video stream",
		    clipio_show(path, shown, sizeof shown));
	}
	in->aidx = av_find_best_stream(ic, AVMEDIA_TYPE_AUDIO, -1, in->vidx,
	    NULL, 0);
	if (in->aidx < 0)
		in->aidx = -1;
	in->start_us = ic->start_time == AV_NOPTS_VALUE ? 0 : ic->start_time;
	return 0;
}

void
clipio_in_close(struct clipio_in *in)
{
	if (in->ic != NULL)
		avformat_close_input(&in->ic);	/* keeps the custom pb */
	if (in->pb != NULL) {
		av_freep(&in->pb->buffer);
		avio_context_free(&in->pb);
	}
	if (in->fd != -1)
		close(in->fd);
	in->fd = -1;
}

void
clipio_in_bounds(const struct clipio_in *in, int idx,
    const struct clip_piece *p, int64_t *start, int64_t *end)
{
	AVRational tb = in->ic->streams[idx]->time_base;

	*start = av_rescale_q(in->start_us, AV_TIME_BASE_Q, tb) +
	    av_rescale_q(p->offset_ms, clipio_ms, tb);
	*end = *start + av_rescale_q(p->length_ms, clipio_ms, tb);
}

int64_t
clipio_rec_ms(const struct clipio_in *in, int idx, const struct clip_piece *p,
    int64_t start, int64_t ts)
{
	return p->start_ms + av_rescale_q(ts - start,
	    in->ic->streams[idx]->time_base, clipio_ms);
}

int
clipio_in_read(struct clipio_in *in, AVPacket *pkt, char **cause)
{
	int rc;

	if (clip_fault("read segment", cause) != 0)
		return -1;
	rc = av_read_frame(in->ic, pkt);
	if (rc == AVERROR_EOF)
		return 0;
	if (rc < 0)
		return clipio_in_fail(in, rc, "cannot read it", cause);
	if (pkt->flags & AV_PKT_FLAG_CORRUPT) {
		av_packet_unref(pkt);
		return clipio_in_fail(in, AVERROR_INVALIDDATA,
		    "it is damaged (truncated or corrupt data)", cause);
	}
	return 1;
}

int
clipio_in_seek(struct clipio_in *in, int idx, int64_t ts, char **cause)
{
	int64_t first;
	int rc;

	first = av_rescale_q(in->start_us, AV_TIME_BASE_Q,
	    in->ic->streams[idx]->time_base);
	if (ts <= first)
		return 0;
	rc = av_seek_frame(in->ic, idx, ts, AVSEEK_FLAG_BACKWARD);
	if (rc < 0)
		return clipio_in_fail(in, rc, "cannot seek in it", cause);
	return 0;
}

/* ---- The clip file --------------------------------------------------------- */

/* AVIO write callback of the clip: pwrite() at the muxer's position,
 * keeping the errno of a failure; starts write-back every CLIPIO_KICK. */
static int
clipio_out_writecb(void *opaque, uint8_t *buf, int size)
{
	struct clipio_out *out = opaque;
	ssize_t n;
	size_t done = 0;

	if (clip_fault("write clip", NULL) != 0) {
		out->err = EIO;
		return AVERROR(EIO);
	}
	while (done < (size_t)size) {
		n = pwrite(out->fd, buf + done, (size_t)size - done,
		    (off_t)out->pos);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (out->err == 0)
				out->err = n == 0 ? ENOSPC : errno;
			return AVERROR(out->err);
		}
		done += (size_t)n;
		out->pos += n;
	}
	if (!out->nosync && out->pos - out->kicked >= CLIPIO_KICK) {
		/* Only a hint: errors come back from fsync at the end. */
		(void)sync_file_range(out->fd, out->kicked, out->pos -
		    out->kicked, SYNC_FILE_RANGE_WRITE);
		out->kicked = out->pos;
	}
	return size;
}

/* AVIO seek callback of the clip. */
static int64_t
clipio_out_seekcb(void *opaque, int64_t off, int whence)
{
	struct clipio_out *out = opaque;
	struct stat sb;

	if (whence & AVSEEK_SIZE) {
		if (fstat(out->fd, &sb) == -1)
			return AVERROR(errno);
		return sb.st_size;
	}
	switch (whence & ~AVSEEK_FORCE) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += out->pos;
		break;
	case SEEK_END:
		if (fstat(out->fd, &sb) == -1)
			return AVERROR(errno);
		off += sb.st_size;
		break;
	default:
		return AVERROR(EINVAL);
	}
	if (off < 0)
		return AVERROR(EINVAL);
	out->pos = off;
	return off;
}

/* AVIO read callback of the clip read back (pread(), own position). */
static int
clipio_rd_readcb(void *opaque, uint8_t *buf, int size)
{
	struct clipio_reader *rd = opaque;
	ssize_t n;

	do
		n = pread(rd->out->fd, buf, (size_t)size, (off_t)rd->pos);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (rd->out->err == 0)
			rd->out->err = errno;
		return AVERROR(errno);
	}
	if (n == 0)
		return AVERROR_EOF;
	rd->pos += n;
	return (int)n;
}

/* AVIO seek callback of the clip read back. */
static int64_t
clipio_rd_seekcb(void *opaque, int64_t off, int whence)
{
	struct clipio_reader *rd = opaque;
	struct stat sb;

	if (whence & AVSEEK_SIZE) {
		if (fstat(rd->out->fd, &sb) == -1)
			return AVERROR(errno);
		return sb.st_size;
	}
	switch (whence & ~AVSEEK_FORCE) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += rd->pos;
		break;
	case SEEK_END:
		if (fstat(rd->out->fd, &sb) == -1)
			return AVERROR(errno);
		off += sb.st_size;
		break;
	default:
		return AVERROR(EINVAL);
	}
	if (off < 0)
		return AVERROR(EINVAL);
	rd->pos = off;
	return off;
}

/* The muxer may reopen the clip itself, for reading (the faststart pass);
 * nothing else. */
static int
clipio_out_io_open(AVFormatContext *s, AVIOContext **pb, const char *url,
    int flags, AVDictionary **options)
{
	struct clipio_out *out = s->opaque;
	struct clipio_reader *rd;
	uint8_t *buf;

	(void)options;
	if ((flags & AVIO_FLAG_WRITE) || url == NULL ||
	    strcmp(url, out->path) != 0)
		return AVERROR(EPERM);
	if ((rd = calloc(1, sizeof *rd)) == NULL)
		return AVERROR(ENOMEM);
	rd->out = out;
	if ((buf = av_malloc(CLIPIO_RD_BUF)) == NULL) {
		free(rd);
		return AVERROR(ENOMEM);
	}
	*pb = avio_alloc_context(buf, CLIPIO_RD_BUF, 0, rd, clipio_rd_readcb,
	    NULL, clipio_rd_seekcb);
	if (*pb == NULL) {
		av_free(buf);
		free(rd);
		return AVERROR(ENOMEM);
	}
	return 0;
}

/* Closes what clipio_out_io_open() opened. */
static int
clipio_out_io_close(AVFormatContext *s, AVIOContext *pb)
{
	(void)s;
	if (pb == NULL)
		return 0;
	free(pb->opaque);
	av_freep(&pb->buffer);
	avio_context_free(&pb);
	return 0;
}

int
clipio_out_fail(struct clipio_out *out, int averr, const char *what,
    char **cause)
{
	char shown[512], err[256];

	clipio_show(out->path, shown, sizeof shown);
	if (out->err != 0)
		return cause_set(cause, "cannot write %s: %s%s%s", shown,
		    strerror(out->err), what != NULL ? " " : "",
		    what != NULL ? what : "");
	return cause_set(cause, "cannot write %s: %s%s%s", shown,
	    clipio_averr(averr, err, sizeof err), what != NULL ? " " : "",
	    what != NULL ? what : "");
}

int
clipio_out_open(struct clipio_out *out, const char *path, int nosync,
    char **cause)
{
	AVFormatContext *oc = NULL;
	AVIOContext *pb;
	struct stat sb;
	uint8_t *buf;
	char shown[512];
	int e;

	memset(out, 0, sizeof *out);
	out->fd = -1;
	out->nosync = nosync;
	if (clip_fault("create clip", cause) != 0 || avlib_ready(cause) != 0)
		return -1;
	if ((out->path = strdup(path)) == NULL)
		return cause_set(cause, "out of memory");
	out->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY, 0644);
	if (out->fd == -1) {
		e = errno;
		clipio_show(path, shown, sizeof shown);
		free(out->path);
		out->path = NULL;
		if (e == EEXIST)
			return cause_set(cause, "%s already exists; refusing "
			    "to overwrite it", shown);
		return cause_set(cause, "cannot create %s: %s", shown,
		    strerror(e));
	}
	if (fstat(out->fd, &sb) == -1) {
		e = errno;
		clipio_out_abort(out);
		return cause_set(cause, "cannot create %s: %s",
		    clipio_show(path, shown, sizeof shown), strerror(e));
	}
	out->dev = sb.st_dev;
	out->ino = sb.st_ino;
	if (avformat_alloc_output_context2(&oc, NULL, "mp4", NULL) < 0 ||
	    oc == NULL)
		goto oom;
	out->oc = oc;
	oc->opaque = out;
	oc->io_open = clipio_out_io_open;
	oc->io_close2 = clipio_out_io_close;
	oc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
	av_freep(&oc->url);
	if ((oc->url = av_strdup(path)) == NULL)
		goto oom;
	if ((buf = av_malloc(CLIPIO_OUT_BUF)) == NULL)
		goto oom;
	pb = avio_alloc_context(buf, CLIPIO_OUT_BUF, 1, out, NULL,
	    clipio_out_writecb, clipio_out_seekcb);
	if (pb == NULL) {
		av_free(buf);
		goto oom;
	}
	pb->direct = 1;		/* packets go straight to pwrite() */
	oc->pb = pb;
	return 0;
oom:
	clipio_out_abort(out);
	return cause_set(cause, "out of memory");
}

int
clipio_out_header(struct clipio_out *out, AVDictionary **opts, char **cause)
{
	int rc;

	if (clip_fault("clip header", cause) != 0) {
		av_dict_free(opts);
		return -1;
	}
	rc = avformat_write_header(out->oc, opts);
	av_dict_free(opts);
	if (rc < 0)
		return clipio_out_fail(out, rc, "(MP4 header)", cause);
	out->header = 1;
	return 0;
}

int
clipio_out_write(struct clipio_out *out, AVPacket *pkt, char **cause)
{
	int rc;

	if (out->interleave)
		rc = av_interleaved_write_frame(out->oc, pkt);
	else {
		rc = av_write_frame(out->oc, pkt);
		av_packet_unref(pkt);
	}
	if (rc >= 0 && out->oc->pb->error < 0)
		rc = out->oc->pb->error;
	if (rc < 0 || out->err != 0)
		return clipio_out_fail(out, rc, NULL, cause);
	return 0;
}

/* 1 when the path still names the file we created. */
static int
clipio_out_ours(const struct clipio_out *out)
{
	struct stat sb;

	return lstat(out->path, &sb) == 0 && sb.st_dev == out->dev &&
	    sb.st_ino == out->ino;
}

int
clipio_out_finish(struct clipio_out *out, char **cause)
{
	char shown[512];
	int rc, e;

	if (clip_fault("clip trailer", cause) != 0)
		goto fail;
	rc = av_write_trailer(out->oc);
	out->header = 0;
	if (rc >= 0) {
		avio_flush(out->oc->pb);
		rc = out->oc->pb->error;
	}
	if (rc < 0 || out->err != 0) {
		clipio_out_fail(out, rc, NULL, cause);
		goto fail;
	}
	if (!out->nosync && fsync(out->fd) == -1) {
		out->err = errno;
		clipio_out_fail(out, 0, "(sync)", cause);
		goto fail;
	}
	if (!clipio_out_ours(out)) {
		cause_set(cause, "%s was removed or replaced while it was "
		    "written (is the medium still there?)",
		    clipio_show(out->path, shown, sizeof shown));
		goto fail;
	}
	if (close(out->fd) == -1) {
		e = errno;
		out->fd = -1;
		out->err = e;
		clipio_out_fail(out, 0, "(close)", cause);
		goto fail;
	}
	out->fd = -1;
	clipio_out_free(out);
	return 0;
fail:
	clipio_out_abort(out);
	return -1;
}

/* Frees the muxer and closes the file, leaving the file in place. */
static void
clipio_out_free(struct clipio_out *out)
{
	if (out->oc != NULL) {
		if (out->oc->pb != NULL) {
			av_freep(&out->oc->pb->buffer);
			avio_context_free(&out->oc->pb);
		}
		avformat_free_context(out->oc);
		out->oc = NULL;
	}
	if (out->fd != -1)
		close(out->fd);
	out->fd = -1;
	free(out->path);
	out->path = NULL;
}

void
clipio_out_abort(struct clipio_out *out)
{
	if (out->path != NULL && out->fd != -1 && clipio_out_ours(out))
		unlink(out->path);
	clipio_out_free(out);
}
