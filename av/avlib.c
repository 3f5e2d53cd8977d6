/* avlib — written by dist/gen-avlib (make avlib): do not edit.
 * The FFmpeg functions vigil calls, loading libavformat,
 * libavcodec, libavfilter, libavutil and libswscale on first
 * use; see dist/gen-avlib for why. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/timestamp.h>
#include <libswscale/swscale.h>

#include "av/av.h"
#include "util/util.h"

#define AVLIB_STR2(x) #x
#define AVLIB_STR(x) AVLIB_STR2(x)

static const char *const avlib_names[] = {
	"libavutil.so." AVLIB_STR(LIBAVUTIL_VERSION_MAJOR),
	"libswscale.so." AVLIB_STR(LIBSWSCALE_VERSION_MAJOR),
	"libavcodec.so." AVLIB_STR(LIBAVCODEC_VERSION_MAJOR),
	"libavformat.so." AVLIB_STR(LIBAVFORMAT_VERSION_MAJOR),
	"libavfilter.so." AVLIB_STR(LIBAVFILTER_VERSION_MAJOR),
};

static struct {
	int (*av_buffersink_get_format)(const AVFilterContext *ctx);
	int (*av_buffersink_get_frame)(AVFilterContext *ctx, AVFrame *frame);
	int (*av_buffersink_get_h)(const AVFilterContext *ctx);
	AVRational (*av_buffersink_get_sample_aspect_ratio)(const AVFilterContext *ctx);
	int (*av_buffersink_get_w)(const AVFilterContext *ctx);
	int (*av_buffersrc_add_frame_flags)(AVFilterContext *buffer_src, AVFrame *frame, int flags);
	void (*av_dict_free)(AVDictionary **m);
	int (*av_dict_set)(AVDictionary **pm, const char *key, const char *value, int flags);
	int (*av_dict_set_int)(AVDictionary **pm, const char *key, int64_t value, int flags);
	int (*av_find_best_stream)(AVFormatContext *ic, enum AVMediaType type, int wanted_stream_nb, int related_stream, const AVCodec **decoder_ret, int flags);
	AVFrame * (*av_frame_alloc)(void);
	void (*av_frame_free)(AVFrame **frame);
	void (*av_frame_unref)(AVFrame *frame);
	void (*av_free)(void *ptr);
	void (*av_freep)(void *ptr);
	const char * (*av_get_pix_fmt_name)(enum AVPixelFormat pix_fmt);
	const AVOutputFormat * (*av_guess_format)(const char *short_name, const char *filename, const char *mime_type);
	int (*av_interleaved_write_frame)(AVFormatContext *s, AVPacket *pkt);
	void (*av_log_set_level)(int level);
	void * (*av_malloc)(size_t size);
	int (*av_new_packet)(AVPacket *pkt, int size);
	int (*av_opt_set)(void *obj, const char *name, const char *val, int search_flags);
	int (*av_opt_set_double)(void *obj, const char *name, double val, int search_flags);
	AVPacket * (*av_packet_alloc)(void);
	int (*av_packet_copy_props)(AVPacket *dst, const AVPacket *src);
	void (*av_packet_free)(AVPacket **pkt);
	void (*av_packet_move_ref)(AVPacket *dst, AVPacket *src);
	void (*av_packet_rescale_ts)(AVPacket *pkt, AVRational tb_src, AVRational tb_dst);
	void (*av_packet_unref)(AVPacket *pkt);
	int (*av_probe_input_buffer2)(AVIOContext *pb, const AVInputFormat **fmt, const char *url, void *logctx, unsigned int offset, unsigned int max_probe_size);
	int (*av_read_frame)(AVFormatContext *s, AVPacket *pkt);
	int64_t (*av_rescale_q)(int64_t a, AVRational bq, AVRational cq);
	int (*av_seek_frame)(AVFormatContext *s, int stream_index, int64_t timestamp, int flags);
	char * (*av_strdup)(const char *s);
	int (*av_strerror)(int errnum, char *errbuf, size_t errbuf_size);
	int (*av_write_frame)(AVFormatContext *s, AVPacket *pkt);
	int (*av_write_trailer)(AVFormatContext *s);
	AVCodecContext * (*avcodec_alloc_context3)(const AVCodec *codec);
	const AVCodec * (*avcodec_find_decoder)(enum AVCodecID id);
	const AVCodec * (*avcodec_find_encoder_by_name)(const char *name);
	void (*avcodec_free_context)(AVCodecContext **avctx);
	const char * (*avcodec_get_name)(enum AVCodecID id);
	int (*avcodec_open2)(AVCodecContext *avctx, const AVCodec *codec, AVDictionary **options);
	AVCodecParameters * (*avcodec_parameters_alloc)(void);
	int (*avcodec_parameters_copy)(AVCodecParameters *dst, const AVCodecParameters *src);
	void (*avcodec_parameters_free)(AVCodecParameters **par);
	int (*avcodec_parameters_from_context)(AVCodecParameters *par, const AVCodecContext *codec);
	int (*avcodec_parameters_to_context)(AVCodecContext *codec, const AVCodecParameters *par);
	int (*avcodec_receive_frame)(AVCodecContext *avctx, AVFrame *frame);
	int (*avcodec_receive_packet)(AVCodecContext *avctx, AVPacket *avpkt);
	int (*avcodec_send_frame)(AVCodecContext *avctx, const AVFrame *frame);
	int (*avcodec_send_packet)(AVCodecContext *avctx, const AVPacket *avpkt);
	const AVFilter * (*avfilter_get_by_name)(const char *name);
	AVFilterGraph * (*avfilter_graph_alloc)(void);
	int (*avfilter_graph_config)(AVFilterGraph *graphctx, void *log_ctx);
	int (*avfilter_graph_create_filter)(AVFilterContext **filt_ctx, const AVFilter *filt, const char *name, const char *args, void *opaque, AVFilterGraph *graph_ctx);
	void (*avfilter_graph_free)(AVFilterGraph **graph);
	int (*avfilter_graph_parse_ptr)(AVFilterGraph *graph, const char *filters, AVFilterInOut **inputs, AVFilterInOut **outputs, void *log_ctx);
	AVFilterInOut * (*avfilter_inout_alloc)(void);
	void (*avfilter_inout_free)(AVFilterInOut **inout);
	AVFormatContext * (*avformat_alloc_context)(void);
	int (*avformat_alloc_output_context2)(AVFormatContext **ctx, const AVOutputFormat *oformat, const char *format_name, const char *filename);
	void (*avformat_close_input)(AVFormatContext **s);
	int (*avformat_find_stream_info)(AVFormatContext *ic, AVDictionary **options);
	void (*avformat_free_context)(AVFormatContext *s);
	int (*avformat_index_get_entries_count)(const AVStream *st);
	const AVIndexEntry * (*avformat_index_get_entry)(AVStream *st, int idx);
	AVStream * (*avformat_new_stream)(AVFormatContext *s, const AVCodec *c);
	int (*avformat_open_input)(AVFormatContext **ps, const char *url, const AVInputFormat *fmt, AVDictionary **options);
	int (*avformat_query_codec)(const AVOutputFormat *ofmt, enum AVCodecID codec_id, int std_compliance);
	int (*avformat_write_header)(AVFormatContext *s, AVDictionary **options);
	AVIOContext * (*avio_alloc_context)(unsigned char *buffer, int buffer_size, int write_flag, void *opaque, int (*read_packet)(void *opaque, uint8_t *buf, int buf_size), int (*write_packet)(void *opaque, uint8_t *buf, int buf_size), int64_t (*seek)(void *opaque, int64_t offset, int whence));
	void (*avio_context_free)(AVIOContext **s);
	void (*avio_flush)(AVIOContext *s);
} avlib;

static pthread_mutex_t avlib_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int avlib_ok;	/* every library and function loaded */
static char avlib_error[512];	/* why not, after a failed try */
static const char *avlib_fail_with;	/* avlib_test_fail() */

/* Loads the libraries and every function, once they all can be; a
 * failure is kept in avlib_error and tried again at the next call of
 * avlib_ready().  Called with avlib_lock held. */
static int
avlib_load(void)
{
	void *h[sizeof avlib_names / sizeof avlib_names[0] + 1];
	size_t i, n = 0;

	if (atomic_load(&avlib_ok))
		return 0;
	for (i = 0; i < sizeof avlib_names / sizeof avlib_names[0] + 1; i++) {
		const char *name = i < sizeof avlib_names / sizeof avlib_names[0] ?
		    avlib_names[i] : avlib_fail_with;

		if (name == NULL)
			continue;
		if ((h[n] = dlopen(name, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
			snprintf(avlib_error, sizeof avlib_error, "FFmpeg cannot be "
			    "loaded (%s): footage cannot be probed, exported or "
			    "verified until libavformat, libavcodec, libavfilter, "
			    "libavutil and libswscale are installed", dlerror());
			return -1;
		}
		n++;
	}
#define AVLIB_SYM(name) do {						\
	for (i = 0; i < n; i++) {					\
		if ((*(void **)&avlib.name = dlsym(h[i], #name)) != NULL)	\
			break;						\
	}								\
	if (avlib.name == NULL) {					\
		snprintf(avlib_error, sizeof avlib_error, "FFmpeg cannot be "	\
		    "used: its libraries have no %s (another version than "	\
		    "vigil was built for?)", #name);			\
		return -1;						\
	}								\
} while (0)
	AVLIB_SYM(av_buffersink_get_format);
	AVLIB_SYM(av_buffersink_get_frame);
	AVLIB_SYM(av_buffersink_get_h);
	AVLIB_SYM(av_buffersink_get_sample_aspect_ratio);
	AVLIB_SYM(av_buffersink_get_w);
	AVLIB_SYM(av_buffersrc_add_frame_flags);
	AVLIB_SYM(av_dict_free);
	AVLIB_SYM(av_dict_set);
	AVLIB_SYM(av_dict_set_int);
	AVLIB_SYM(av_find_best_stream);
	AVLIB_SYM(av_frame_alloc);
	AVLIB_SYM(av_frame_free);
	AVLIB_SYM(av_frame_unref);
	AVLIB_SYM(av_free);
	AVLIB_SYM(av_freep);
	AVLIB_SYM(av_get_pix_fmt_name);
	AVLIB_SYM(av_guess_format);
	AVLIB_SYM(av_interleaved_write_frame);
	AVLIB_SYM(av_log_set_level);
	AVLIB_SYM(av_malloc);
	AVLIB_SYM(av_new_packet);
	AVLIB_SYM(av_opt_set);
	AVLIB_SYM(av_opt_set_double);
	AVLIB_SYM(av_packet_alloc);
	AVLIB_SYM(av_packet_copy_props);
	AVLIB_SYM(av_packet_free);
	AVLIB_SYM(av_packet_move_ref);
	AVLIB_SYM(av_packet_rescale_ts);
	AVLIB_SYM(av_packet_unref);
	AVLIB_SYM(av_probe_input_buffer2);
	AVLIB_SYM(av_read_frame);
	AVLIB_SYM(av_rescale_q);
	AVLIB_SYM(av_seek_frame);
	AVLIB_SYM(av_strdup);
	AVLIB_SYM(av_strerror);
	AVLIB_SYM(av_write_frame);
	AVLIB_SYM(av_write_trailer);
	AVLIB_SYM(avcodec_alloc_context3);
	AVLIB_SYM(avcodec_find_decoder);
	AVLIB_SYM(avcodec_find_encoder_by_name);
	AVLIB_SYM(avcodec_free_context);
	AVLIB_SYM(avcodec_get_name);
	AVLIB_SYM(avcodec_open2);
	AVLIB_SYM(avcodec_parameters_alloc);
	AVLIB_SYM(avcodec_parameters_copy);
	AVLIB_SYM(avcodec_parameters_free);
	AVLIB_SYM(avcodec_parameters_from_context);
	AVLIB_SYM(avcodec_parameters_to_context);
	AVLIB_SYM(avcodec_receive_frame);
	AVLIB_SYM(avcodec_receive_packet);
	AVLIB_SYM(avcodec_send_frame);
	AVLIB_SYM(avcodec_send_packet);
	AVLIB_SYM(avfilter_get_by_name);
	AVLIB_SYM(avfilter_graph_alloc);
	AVLIB_SYM(avfilter_graph_config);
	AVLIB_SYM(avfilter_graph_create_filter);
	AVLIB_SYM(avfilter_graph_free);
	AVLIB_SYM(avfilter_graph_parse_ptr);
	AVLIB_SYM(avfilter_inout_alloc);
	AVLIB_SYM(avfilter_inout_free);
	AVLIB_SYM(avformat_alloc_context);
	AVLIB_SYM(avformat_alloc_output_context2);
	AVLIB_SYM(avformat_close_input);
	AVLIB_SYM(avformat_find_stream_info);
	AVLIB_SYM(avformat_free_context);
	AVLIB_SYM(avformat_index_get_entries_count);
	AVLIB_SYM(avformat_index_get_entry);
	AVLIB_SYM(avformat_new_stream);
	AVLIB_SYM(avformat_open_input);
	AVLIB_SYM(avformat_query_codec);
	AVLIB_SYM(avformat_write_header);
	AVLIB_SYM(avio_alloc_context);
	AVLIB_SYM(avio_context_free);
	AVLIB_SYM(avio_flush);
#undef AVLIB_SYM
	atomic_store(&avlib_ok, 1);	/* until exit */
	return 0;
}

int
avlib_ready(char **cause)
{
	int rc;

	pthread_mutex_lock(&avlib_lock);
	if ((rc = avlib_load()) == -1)
		cause_set(cause, "%s", avlib_error);
	pthread_mutex_unlock(&avlib_lock);
	return rc;
}

void
avlib_test_fail(const char *name)
{
	pthread_mutex_lock(&avlib_lock);
	avlib_fail_with = name;
	pthread_mutex_unlock(&avlib_lock);
}

/* 1 once loaded (checked before each call: a caller that did not ask
 * avlib_ready() gets a failure, not a crash). */
static int
avlib_loaded(void)
{
	int ok;

	if (atomic_load(&avlib_ok))
		return 1;
	pthread_mutex_lock(&avlib_lock);
	ok = avlib_load() == 0;
	pthread_mutex_unlock(&avlib_lock);
	return ok;
}

int
av_buffersink_get_format(const AVFilterContext *ctx)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_buffersink_get_format(ctx);
}

int
av_buffersink_get_frame(AVFilterContext *ctx, AVFrame *frame)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_buffersink_get_frame(ctx, frame);
}

int
av_buffersink_get_h(const AVFilterContext *ctx)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_buffersink_get_h(ctx);
}

AVRational
av_buffersink_get_sample_aspect_ratio(const AVFilterContext *ctx)
{
	if (!avlib_loaded())
		return (AVRational){ 0, 1 };
	return avlib.av_buffersink_get_sample_aspect_ratio(ctx);
}

int
av_buffersink_get_w(const AVFilterContext *ctx)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_buffersink_get_w(ctx);
}

int
av_buffersrc_add_frame_flags(AVFilterContext *buffer_src, AVFrame *frame, int flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_buffersrc_add_frame_flags(buffer_src, frame, flags);
}

void
av_dict_free(AVDictionary **m)
{
	if (!avlib_loaded())
		return;
	avlib.av_dict_free(m);
}

int
av_dict_set(AVDictionary **pm, const char *key, const char *value, int flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_dict_set(pm, key, value, flags);
}

int
av_dict_set_int(AVDictionary **pm, const char *key, int64_t value, int flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_dict_set_int(pm, key, value, flags);
}

int
av_find_best_stream(AVFormatContext *ic, enum AVMediaType type, int wanted_stream_nb, int related_stream, const AVCodec **decoder_ret, int flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_find_best_stream(ic, type, wanted_stream_nb, related_stream, decoder_ret, flags);
}

AVFrame *
av_frame_alloc(void)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.av_frame_alloc();
}

void
av_frame_free(AVFrame **frame)
{
	if (!avlib_loaded())
		return;
	avlib.av_frame_free(frame);
}

void
av_frame_unref(AVFrame *frame)
{
	if (!avlib_loaded())
		return;
	avlib.av_frame_unref(frame);
}

void
av_free(void *ptr)
{
	if (!avlib_loaded())
		return;
	avlib.av_free(ptr);
}

void
av_freep(void *ptr)
{
	if (!avlib_loaded())
		return;
	avlib.av_freep(ptr);
}

const char *
av_get_pix_fmt_name(enum AVPixelFormat pix_fmt)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.av_get_pix_fmt_name(pix_fmt);
}

const AVOutputFormat *
av_guess_format(const char *short_name, const char *filename, const char *mime_type)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.av_guess_format(short_name, filename, mime_type);
}

int
av_interleaved_write_frame(AVFormatContext *s, AVPacket *pkt)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_interleaved_write_frame(s, pkt);
}

void
av_log_set_level(int level)
{
	if (!avlib_loaded())
		return;
	avlib.av_log_set_level(level);
}

void *
av_malloc(size_t size)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.av_malloc(size);
}

int
av_new_packet(AVPacket *pkt, int size)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_new_packet(pkt, size);
}

int
av_opt_set(void *obj, const char *name, const char *val, int search_flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_opt_set(obj, name, val, search_flags);
}

int
av_opt_set_double(void *obj, const char *name, double val, int search_flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_opt_set_double(obj, name, val, search_flags);
}

AVPacket *
av_packet_alloc(void)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.av_packet_alloc();
}

int
av_packet_copy_props(AVPacket *dst, const AVPacket *src)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_packet_copy_props(dst, src);
}

void
av_packet_free(AVPacket **pkt)
{
	if (!avlib_loaded())
		return;
	avlib.av_packet_free(pkt);
}

void
av_packet_move_ref(AVPacket *dst, AVPacket *src)
{
	if (!avlib_loaded())
		return;
	avlib.av_packet_move_ref(dst, src);
}

void
av_packet_rescale_ts(AVPacket *pkt, AVRational tb_src, AVRational tb_dst)
{
	if (!avlib_loaded())
		return;
	avlib.av_packet_rescale_ts(pkt, tb_src, tb_dst);
}

void
av_packet_unref(AVPacket *pkt)
{
	if (!avlib_loaded())
		return;
	avlib.av_packet_unref(pkt);
}

int
av_probe_input_buffer2(AVIOContext *pb, const AVInputFormat **fmt, const char *url, void *logctx, unsigned int offset, unsigned int max_probe_size)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_probe_input_buffer2(pb, fmt, url, logctx, offset, max_probe_size);
}

int
av_read_frame(AVFormatContext *s, AVPacket *pkt)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_read_frame(s, pkt);
}

int64_t
av_rescale_q(int64_t a, AVRational bq, AVRational cq)
{
	if (!avlib_loaded())
		return (int64_t)AVERROR(ENOSYS);
	return avlib.av_rescale_q(a, bq, cq);
}

int
av_seek_frame(AVFormatContext *s, int stream_index, int64_t timestamp, int flags)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_seek_frame(s, stream_index, timestamp, flags);
}

char *
av_strdup(const char *s)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.av_strdup(s);
}

int
av_strerror(int errnum, char *errbuf, size_t errbuf_size)
{
	if (!avlib_loaded()) {
		snprintf(errbuf, errbuf_size, "%s", avlib_error);
		return AVERROR(ENOSYS);
	}
	return avlib.av_strerror(errnum, errbuf, errbuf_size);
}

int
av_write_frame(AVFormatContext *s, AVPacket *pkt)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_write_frame(s, pkt);
}

int
av_write_trailer(AVFormatContext *s)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.av_write_trailer(s);
}

AVCodecContext *
avcodec_alloc_context3(const AVCodec *codec)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avcodec_alloc_context3(codec);
}

const AVCodec *
avcodec_find_decoder(enum AVCodecID id)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avcodec_find_decoder(id);
}

const AVCodec *
avcodec_find_encoder_by_name(const char *name)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avcodec_find_encoder_by_name(name);
}

void
avcodec_free_context(AVCodecContext **avctx)
{
	if (!avlib_loaded())
		return;
	avlib.avcodec_free_context(avctx);
}

const char *
avcodec_get_name(enum AVCodecID id)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avcodec_get_name(id);
}

int
avcodec_open2(AVCodecContext *avctx, const AVCodec *codec, AVDictionary **options)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_open2(avctx, codec, options);
}

AVCodecParameters *
avcodec_parameters_alloc(void)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avcodec_parameters_alloc();
}

int
avcodec_parameters_copy(AVCodecParameters *dst, const AVCodecParameters *src)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_parameters_copy(dst, src);
}

void
avcodec_parameters_free(AVCodecParameters **par)
{
	if (!avlib_loaded())
		return;
	avlib.avcodec_parameters_free(par);
}

int
avcodec_parameters_from_context(AVCodecParameters *par, const AVCodecContext *codec)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_parameters_from_context(par, codec);
}

int
avcodec_parameters_to_context(AVCodecContext *codec, const AVCodecParameters *par)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_parameters_to_context(codec, par);
}

int
avcodec_receive_frame(AVCodecContext *avctx, AVFrame *frame)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_receive_frame(avctx, frame);
}

int
avcodec_receive_packet(AVCodecContext *avctx, AVPacket *avpkt)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_receive_packet(avctx, avpkt);
}

int
avcodec_send_frame(AVCodecContext *avctx, const AVFrame *frame)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_send_frame(avctx, frame);
}

int
avcodec_send_packet(AVCodecContext *avctx, const AVPacket *avpkt)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avcodec_send_packet(avctx, avpkt);
}

const AVFilter *
avfilter_get_by_name(const char *name)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avfilter_get_by_name(name);
}

AVFilterGraph *
avfilter_graph_alloc(void)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avfilter_graph_alloc();
}

int
avfilter_graph_config(AVFilterGraph *graphctx, void *log_ctx)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avfilter_graph_config(graphctx, log_ctx);
}

int
avfilter_graph_create_filter(AVFilterContext **filt_ctx, const AVFilter *filt, const char *name, const char *args, void *opaque, AVFilterGraph *graph_ctx)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avfilter_graph_create_filter(filt_ctx, filt, name, args, opaque, graph_ctx);
}

void
avfilter_graph_free(AVFilterGraph **graph)
{
	if (!avlib_loaded())
		return;
	avlib.avfilter_graph_free(graph);
}

int
avfilter_graph_parse_ptr(AVFilterGraph *graph, const char *filters, AVFilterInOut **inputs, AVFilterInOut **outputs, void *log_ctx)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avfilter_graph_parse_ptr(graph, filters, inputs, outputs, log_ctx);
}

AVFilterInOut *
avfilter_inout_alloc(void)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avfilter_inout_alloc();
}

void
avfilter_inout_free(AVFilterInOut **inout)
{
	if (!avlib_loaded())
		return;
	avlib.avfilter_inout_free(inout);
}

AVFormatContext *
avformat_alloc_context(void)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avformat_alloc_context();
}

int
avformat_alloc_output_context2(AVFormatContext **ctx, const AVOutputFormat *oformat, const char *format_name, const char *filename)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avformat_alloc_output_context2(ctx, oformat, format_name, filename);
}

void
avformat_close_input(AVFormatContext **s)
{
	if (!avlib_loaded())
		return;
	avlib.avformat_close_input(s);
}

int
avformat_find_stream_info(AVFormatContext *ic, AVDictionary **options)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avformat_find_stream_info(ic, options);
}

void
avformat_free_context(AVFormatContext *s)
{
	if (!avlib_loaded())
		return;
	avlib.avformat_free_context(s);
}

int
avformat_index_get_entries_count(const AVStream *st)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avformat_index_get_entries_count(st);
}

const AVIndexEntry *
avformat_index_get_entry(AVStream *st, int idx)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avformat_index_get_entry(st, idx);
}

AVStream *
avformat_new_stream(AVFormatContext *s, const AVCodec *c)
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avformat_new_stream(s, c);
}

int
avformat_open_input(AVFormatContext **ps, const char *url, const AVInputFormat *fmt, AVDictionary **options)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avformat_open_input(ps, url, fmt, options);
}

int
avformat_query_codec(const AVOutputFormat *ofmt, enum AVCodecID codec_id, int std_compliance)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avformat_query_codec(ofmt, codec_id, std_compliance);
}

int
avformat_write_header(AVFormatContext *s, AVDictionary **options)
{
	if (!avlib_loaded())
		return (int)AVERROR(ENOSYS);
	return avlib.avformat_write_header(s, options);
}

AVIOContext *
avio_alloc_context(unsigned char *buffer, int buffer_size, int write_flag, void *opaque, int (*read_packet)(void *opaque, uint8_t *buf, int buf_size), int (*write_packet)(void *opaque, uint8_t *buf, int buf_size), int64_t (*seek)(void *opaque, int64_t offset, int whence))
{
	if (!avlib_loaded())
		return NULL;
	return avlib.avio_alloc_context(buffer, buffer_size, write_flag, opaque, read_packet, write_packet, seek);
}

void
avio_context_free(AVIOContext **s)
{
	if (!avlib_loaded())
		return;
	avlib.avio_context_free(s);
}

void
avio_flush(AVIOContext *s)
{
	if (!avlib_loaded())
		return;
	avlib.avio_flush(s);
}
