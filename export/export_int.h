/* export_int — what the files of export/ share with each other (and with its
 * unit tests, fuzzers and benchmarks) and with no other module: the
 * private half of export/export.h.  tests/regress/boundaries.sh checks that no
 * other folder includes it. */
#ifndef VIGIL_EXPORT_INT_H
#define VIGIL_EXPORT_INT_H

#include "export/export.h"

/* Shared between the clip, redaction and mask files of export/ only: the
 * libav plumbing of export/clipio.c and the mask list's layout. */
#include <sys/types.h>

#include <libavformat/avformat.h>

/* ---- Masks (export/mask.c) ---------------------------------------------- */

/* A frame's width (or height) in mask units: hundredths of a percent. */
#define MASK_UNIT	10000
/* to_ms of a mask that lasts to the end of the clip. */
#define MASK_OPEN_END	INT64_MAX

enum mask_mode {
	MASK_BLUR,
	MASK_PIXELATE,
	MASK_SOLID,
};

/* The box's top-left corner at recording time t_ms. */
struct mask_key {
	int64_t		 t_ms;
	int32_t		 x;
	int32_t		 y;
};

/* x and y in [0, MASK_UNIT], w and h in [1, MASK_UNIT]; keys sorted, each
 * strictly inside (from_ms, to_ms). */
struct mask {
	enum mask_mode	 mode;
	int32_t		 x, y, w, h;
	int64_t		 from_ms;
	int64_t		 to_ms;
	struct mask_key	*keys;
	size_t		 nkeys;
};

struct mask_list {
	struct mask	 m[MASK_MAX];
	size_t		 n;
};

/* "blur", "pixelate", "solid". */
const char *mask_mode_name(enum mask_mode);

/* ---- Fault injection (export/clip.c) ------------------------------------ */

/* A fault point of domain "clip" (util's fault_point()). */
#define clip_fault(where, cause)	fault_point("clip", (where), (cause))

/* ---- Plumbing shared by both modes (export/clipio.c) --------------------- */

/* A growing string; after a failed allocation every append is a no-op and
 * clipio_buf_take() reports it. */
struct clipio_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};
void clipio_buf_printf(struct clipio_buf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the string (caller frees) and resets b, or NULL with *cause when
 * an append failed. */
char *clipio_buf_take(struct clipio_buf *b, char **cause);
void clipio_buf_free(struct clipio_buf *);

/* Copies s into buf (len bytes, at least 8) for a message: control bytes
 * and invalid UTF-8 become '?', and a long string is cut with "...".
 * Returns buf. */
const char *clipio_show(const char *s, char *buf, size_t len);
/* av_strerror()'s text for err, in buf; returns buf. */
const char *clipio_averr(int err, char *buf, size_t len);

/* Checks the range and the pieces of opts (order, lengths, overflow). */
int clipio_check(const struct clip_opts *, char **cause);
/* 1 when the caller asked to stop. */
int clipio_cancelled(const struct clip_opts *);

/* Progress over total_ms of footage. */
struct clipio_progress {
	const struct clip_opts	*o;
	int64_t			 total_ms;
	double			 last;
};
void clipio_progress_init(struct clipio_progress *, const struct clip_opts *);
/* Reports done_ms of total_ms when it moved by at least 1/1000. */
void clipio_progress(struct clipio_progress *, int64_t done_ms);
void clipio_progress_end(struct clipio_progress *);

/* A segment file opened for reading through its own descriptor: no other
 * file or URL is ever opened for it, and only MP4/QuickTime, Matroska and
 * MPEG-TS are accepted. */
struct clipio_in {
	const char	*path;
	int		 fd;
	int		 err;		/* errno of a failed read, or 0 */
	AVIOContext	*pb;
	AVFormatContext	*ic;
	int		 vidx;		/* the video stream */
	int		 aidx;		/* the first audio stream, or -1 */
	int64_t		 start_us;	/* the file's first timestamp */
};
/* An MP4/QuickTime file is opened from its headers alone, and its packets
 * come exactly as stored (no parser run over them); other containers are
 * probed for their streams' parameters. */
int clipio_in_open(struct clipio_in *, const char *path, char **cause);
void clipio_in_close(struct clipio_in *);
/* The piece's [start, end) in the time base of stream idx. */
void clipio_in_bounds(const struct clipio_in *, int idx,
    const struct clip_piece *, int64_t *start, int64_t *end);
/* Reads the next packet: 1, 0 at the end of the file, or -1 with *cause
 * (a read error, or a packet the demuxer found damaged). */
int clipio_in_read(struct clipio_in *, AVPacket *, char **cause);
/* Seeks stream idx to the keyframe at or before ts (no-op when ts is at
 * or before the file's start). */
int clipio_in_seek(struct clipio_in *, int idx, int64_t ts, char **cause);
/* Formats "segment PATH: WHAT: <the error>" into *cause; returns -1. */
int clipio_in_fail(struct clipio_in *, int averr, const char *what,
    char **cause);
/* Recording time of timestamp ts (stream idx's time base) of piece p,
 * given the piece's start in that time base. */
int64_t clipio_rec_ms(const struct clipio_in *, int idx,
    const struct clip_piece *p, int64_t start, int64_t ts);

/* The clip file: an MP4 written through our own descriptor (created with
 * O_EXCL|O_NOFOLLOW), the muxer allowed to reopen only it, for reading
 * (the faststart pass). */
struct clipio_out {
	char		*path;
	int		 fd;
	dev_t		 dev;
	ino_t		 ino;
	int64_t		 pos;
	int64_t		 kicked;	/* written back up to here */
	int		 err;		/* errno of the first failed write, or 0 */
	AVFormatContext	*oc;
	int		 header;	/* 1 once the header is written */
	int		 nosync;
	int		 interleave;	/* 1: av_interleaved_write_frame */
};
/* nosync 1: no write-back started while writing, no fsync at the end. */
int clipio_out_open(struct clipio_out *, const char *path, int nosync,
    char **cause);
/* Writes the header with the muxer options in *opts (freed). */
int clipio_out_header(struct clipio_out *, AVDictionary **opts, char **cause);
/* Writes pkt (rescaled to its stream already); the packet is consumed. */
int clipio_out_write(struct clipio_out *, AVPacket *pkt, char **cause);
/* Writes the trailer, flushes and syncs the file, checks it is still the
 * file we created, closes it.  On failure the file is removed. */
int clipio_out_finish(struct clipio_out *, char **cause);
/* Frees everything and removes the file (when it is still ours). */
void clipio_out_abort(struct clipio_out *);
/* Formats "cannot write PATH: <why>" into *cause (the saved errno first,
 * else averr); returns -1. */
int clipio_out_fail(struct clipio_out *, int averr, const char *what,
    char **cause);

/* What piece i really shows, in recording time; from_ms == to_ms when it
 * showed nothing. */
struct clipio_cover {
	int64_t		 from_ms;
	int64_t		 to_ms;
};
/* Fills r->gaps with the stretches of [from_ms, to_ms) that no cover
 * shows, ignoring holes of at most tol_ms. */
int clipio_gaps(const struct clip_opts *, const struct clipio_cover *,
    size_t n, int64_t tol_ms, struct clip_result *r, char **cause);

#endif
