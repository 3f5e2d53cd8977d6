/* av — the FFmpeg libraries (libavformat, libavcodec, libavfilter,
 * libavutil, libswscale), loaded on first use by avlib.c (written by
 * dist/gen-avlib: make avlib).  A leaf: it calls no other module but
 * util/.  Its users are the ones DESIGN.md names: export/ (cutting,
 * redaction, clip checks) and footage/ (probing segments); they include
 * the libav* headers themselves and call this first. */
#ifndef VIGIL_AV_H
#define VIGIL_AV_H

/* Loads the libraries.  Returns 0 once they are loaded, or -1 with *cause
 * (the caller frees it) saying why they cannot be (tried again at the next
 * call); never exits.  A libav function called without it returns a
 * failure (AVERROR(ENOSYS), NULL, nothing) rather than crashing. */
int avlib_ready(char **cause);
/* Test hook: loading also needs the library name (one that does not exist
 * makes it fail), until called with NULL; no effect once loaded. */
void avlib_test_fail(const char *name);

#endif
