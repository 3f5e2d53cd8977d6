/* probe — reading a segment's container header for its duration, and
 * telling an empty, truncated or non-video file from a good one.  This is
 * footage/'s only use of libavformat; nothing is decoded. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavutil/log.h>

#include "footage/footage.h"
#include "footage/footage_int.h"
#include "util/util.h"

#define PROBE_IO_BUF	32768

static int
probe_read(void *opaque, uint8_t *buf, int size)
{
	int fd = *(int *)opaque;
	ssize_t n;

	do
		n = read(fd, buf, (size_t)size);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return AVERROR(errno);
	if (n == 0)
		return AVERROR_EOF;
	return (int)n;
}

static int64_t
probe_seek(void *opaque, int64_t off, int whence)
{
	int fd = *(int *)opaque;
	struct stat st;
	off_t r;

	if (whence & AVSEEK_SIZE) {
		if (fstat(fd, &st) == -1)
			return AVERROR(errno);
		return st.st_size;
	}
	whence &= ~AVSEEK_FORCE;
	if ((r = lseek(fd, (off_t)off, whence)) == (off_t)-1)
		return AVERROR(errno);
	return r;
}

static void	probe_set(struct probe_result *, enum catalog_status,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

/* Sets r's status and a detail message. */
static void
probe_set(struct probe_result *r, enum catalog_status status, const char *fmt,
    ...)
{
	va_list ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
	utf8_cut_tail(r->detail);
}

/* Checks whether the stream's sample index reaches past the end of the
 * file; if it does, marks r partial with the readable length. */
static void
probe_truncation(AVStream *st, int64_t size, struct probe_result *r)
{
	const AVIndexEntry *e, *first;
	int n, lo, hi, mid;
	int64_t ms;
	char buf[64];

	if ((n = avformat_index_get_entries_count(st)) <= 0)
		return;
	e = avformat_index_get_entry(st, n - 1);
	if (e == NULL || e->pos + e->size <= size)
		return;
	first = avformat_index_get_entry(st, 0);
	/* The last entry lying wholly inside the file. */
	lo = -1;
	hi = n - 1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		e = avformat_index_get_entry(st, mid);
		if (e->pos + e->size <= size)
			lo = mid;
		else
			hi = mid;
	}
	if (lo < 0 || first == NULL) {
		r->duration_ms = 0;
		probe_set(r, CATALOG_PARTIAL, "%s", "truncated: no complete frame");
		return;
	}
	e = avformat_index_get_entry(st, lo);
	ms = av_rescale_q(e->timestamp - first->timestamp, st->time_base,
	    (AVRational){ 1, 1000 });
	if (ms < 0)
		ms = 0;
	snprintf(buf, sizeof buf, "%.1f of %.1f s", ms / 1000.0,
	    r->duration_ms / 1000.0);
	r->duration_ms = ms;
	probe_set(r, CATALOG_PARTIAL, "truncated: only %s readable", buf);
}

void
probe_segment(const char *path, struct probe_result *r)
{
	const AVInputFormat *fmt = NULL;
	AVFormatContext *ic = NULL;
	AVIOContext *io = NULL;
	AVStream *vst = NULL;
	unsigned char *buf;
	struct stat st;
	char err[128];
	int fd, rc, flags;
	unsigned i;

	memset(r, 0, sizeof *r);
	r->duration_ms = -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			r->vanished = 1;
		if (errno == ELOOP)
			probe_set(r, CATALOG_UNREADABLE, "%s",
			    "now a symbolic link (not followed)");
		else
			probe_set(r, CATALOG_UNREADABLE, "cannot open: %s",
			    strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		probe_set(r, CATALOG_UNREADABLE, "%s", "not a regular file");
		close(fd);
		return;
	}
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	r->size = st.st_size;
	r->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (st.st_size == 0) {
		probe_set(r, CATALOG_CORRUPT, "%s", "empty file (0 bytes)");
		close(fd);
		return;
	}
	if ((buf = av_malloc(PROBE_IO_BUF)) == NULL ||
	    (io = avio_alloc_context(buf, PROBE_IO_BUF, 0, &fd, probe_read, NULL,
	    probe_seek)) == NULL || (ic = avformat_alloc_context()) == NULL) {
		if (io == NULL)
			av_free(buf);
		probe_set(r, CATALOG_UNREADABLE, "%s", "out of memory");
		goto out;
	}
	ic->pb = io;
	ic->flags |= AVFMT_FLAG_CUSTOM_IO;
	/* The format is told by content alone, and only a confident guess
	 * counts: a file of zeros or of text is not a damaged video. */
	rc = av_probe_input_buffer2(io, &fmt, "", NULL, 0, 0);
	if (rc < 0 || rc <= AVPROBE_SCORE_RETRY) {
		if (rc == AVERROR(EIO) || rc == AVERROR(EACCES)) {
			av_strerror(rc, err, sizeof err);
			probe_set(r, CATALOG_UNREADABLE, "read error: %s", err);
		} else
			probe_set(r, CATALOG_CORRUPT, "%s", "not a video file");
		avformat_free_context(ic);
		ic = NULL;
		goto out;
	}
	if ((rc = avformat_open_input(&ic, path, fmt, NULL)) < 0) {
		/* avformat_open_input frees ic on failure. */
		av_strerror(rc, err, sizeof err);
		snprintf(r->detail, sizeof r->detail, "damaged or truncated %s file: "
		    "header unreadable (%s)", fmt->name, err);
		r->status = CATALOG_CORRUPT;
		goto out;
	}
	for (i = 0; i < ic->nb_streams && vst == NULL; i++) {
		if (ic->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
			vst = ic->streams[i];
	}
	if (vst == NULL || ic->duration == AV_NOPTS_VALUE) {
		if (avformat_find_stream_info(ic, NULL) < 0) {
			probe_set(r, CATALOG_CORRUPT, "%s", "stream data unreadable");
			goto out;
		}
		for (i = 0; i < ic->nb_streams && vst == NULL; i++) {
			if (ic->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
				vst = ic->streams[i];
		}
	}
	if (vst == NULL) {
		probe_set(r, CATALOG_CORRUPT, "%s", "no video stream");
		goto out;
	}
	if (ic->duration != AV_NOPTS_VALUE && ic->duration > 0)
		r->duration_ms = ic->duration / 1000;
	else if (vst->duration != AV_NOPTS_VALUE && vst->duration > 0)
		r->duration_ms = av_rescale_q(vst->duration, vst->time_base,
		    (AVRational){ 1, 1000 });
	if (r->duration_ms < 0) {
		probe_set(r, CATALOG_PARTIAL, "%s",
		    "no duration in the container (still being written?)");
		goto out;
	}
	r->status = CATALOG_OK;
	probe_truncation(vst, st.st_size, r);
out:
	if (ic != NULL)
		avformat_close_input(&ic);
	if (io != NULL) {
		av_freep(&io->buffer);
		avio_context_free(&io);
	}
	close(fd);
}

void
probe_silence_libav(void)
{
	av_log_set_level(AV_LOG_QUIET);
}
