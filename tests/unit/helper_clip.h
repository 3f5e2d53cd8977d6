/* helper_clip — fixtures and independent checks for the clip tests
 * (test_clip, test_redact): segment files made with the ffmpeg CLI in a
 * temporary folder, and ffprobe/ffmpeg run through popen to look at what
 * export/ wrote.  Every function returns -1 (or NULL) on failure. */
#ifndef VIGIL_TESTS_HELPER_CLIP_H
#define VIGIL_TESTS_HELPER_CLIP_H

#include <stddef.h>
#include <stdint.h>

#define CLIPFIX_T0	INT64_C(1740823200000)	/* 2025-03-01T10:00:00Z */
#define CLIPFIX_W	320
#define CLIPFIX_H	180

/* Makes a folder under /tmp; caller frees the path. */
char *clipfix_mkdtemp(const char *name);
/* Removes a folder and everything in it. */
void clipfix_rmrf(const char *dir);
/* Runs a shell command built like printf; returns its exit status. */
int clipfix_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The standard output of a shell command (caller frees), or NULL when it
 * failed. */
char *clipfix_output(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Segments of 16 s of testsrc2 (320x180, 10 fps, H.264, a keyframe every
 * second, no B-frames) cut every 4 s into dir/PREFIX0.mp4 .. PREFIX3.mp4,
 * timestamps from 0; with a 440 Hz AAC track when audio is 1.  extra is
 * appended to the encoder options (e.g. "-preset veryfast"). */
int clipfix_segments(const char *dir, const char *prefix, int audio,
    const char *extra);

/* ffprobe values. */
double clipfix_duration(const char *path);
/* The codec of the first stream of type ("v" or "a"), or "" when there is
 * none; caller frees. */
char *clipfix_codec(const char *path, const char *type);
/* The number of streams. */
int clipfix_nstreams(const char *path);

/* The MD5 of every video packet (as the demuxer gives them), in order.
 * Caller frees with clipfix_strv_free(). */
char **clipfix_packet_md5(const char *path, size_t *n);
/* The MD5 of every decoded video frame (yuv420p). */
char **clipfix_frame_md5(const char *path, size_t *n);
void clipfix_strv_free(char **v, size_t n);

/* Every decoded frame as 8-bit gray, w*h bytes a frame; caller frees. */
uint8_t *clipfix_gray(const char *path, int w, int h, size_t *nframes);

/* 1 when the top-level boxes of the MP4 are ftyp, then moov before mdat. */
int clipfix_moov_first(const char *path);
/* 1 when the file contains the bytes of needle. */
int clipfix_contains(const char *path, const char *needle);
/* 1 when path exists. */
int clipfix_exists(const char *path);

/* Region statistics on a gray frame of width w. */
double clipfix_mean(const uint8_t *f, int w, int x, int y, int rw, int rh);
double clipfix_var(const uint8_t *f, int w, int x, int y, int rw, int rh);
int clipfix_range(const uint8_t *f, int w, int x, int y, int rw, int rh);
/* Mean squared difference of horizontally adjacent pixels. */
double clipfix_grad(const uint8_t *f, int w, int x, int y, int rw, int rh);
/* PSNR of region a against b (both width w); 99 when equal. */
double clipfix_psnr(const uint8_t *a, const uint8_t *b, int w, int x, int y,
    int rw, int rh);

/* Mounts a tmpfs of kb KiB at dir (root only); 0, or -1 when it cannot. */
int clipfix_tmpfs(const char *dir, int kb);
void clipfix_umount(const char *dir);

#endif
