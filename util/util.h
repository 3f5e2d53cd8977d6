/* util — small helpers shared by every module: allocation that dies on
 * failure (for UI code only, see STYLE.md item 5), fatal errors, UTF-8
 * checks and time conversion. */
#ifndef VIGIL_UTIL_H
#define VIGIL_UTIL_H

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Registers a function fatal() calls before printing (the TUI restores the
 * terminal with it). */
void fatal_set_cleanup(void (*fn)(void));
/* Prints "vigil: <message>" to stderr and exits 1; for bugs and impossible
 * start-up states only. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Die-on-failure allocation; results are freed with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets *cause (if cause is not NULL) to a new string; the caller frees it.
 * Always returns -1, so `return cause_set(cause, ...)` reads naturally. */
int cause_set(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 when the len bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF, no NUL), else 0. */
int utf8_valid(const char *s, size_t len);
/* Copies s into a new string with every byte that is not printable UTF-8
 * (control characters, invalid sequences) replaced by '?'; for showing
 * hostile text.  Caller frees. */
char *utf8_sanitize(const char *s, size_t len);
/* Shortens the string s in place to at most max bytes (max >= 4) when it
 * is longer, ending it with "..." after the last whole UTF-8 character
 * that fits; a string of max bytes or fewer is left alone.  Returns s. */
char *utf8_shorten(char *s, size_t max);
/* Drops an incomplete UTF-8 sequence from the end of s, as a byte-counting
 * cut (snprintf() into a fixed buffer) leaves one; returns s. */
char *utf8_cut_tail(char *s);

/* Failure injection for the tests (util/fault.c, STYLE.md item 5): from
 * fault_after(), the n-th fault point of domain ("audit", "clip") reached
 * fails (mode FAULT_ERROR: fault_point() returns -1 with *cause "injected
 * fault at WHERE") or ends the process with _exit(99) (FAULT_EXIT); n 0
 * turns it off.  fault_points() counts the points of that domain reached
 * since. */
#define FAULT_ERROR	0
#define FAULT_EXIT	1
void fault_after(const char *domain, int n, int mode);
int fault_points(void);
int fault_point(const char *domain, const char *where, char **cause);

struct json_t;

/* The JSON text of obj (jansson's json_dumps() flags), which it consumes
 * (json_decref()), in vigil's allocator: the caller frees it with free().
 * NULL when obj is NULL or memory ran out. */
char *jtext_dump(struct json_t *obj, size_t flags);

/* Milliseconds since the Unix epoch, wall clock. */
int64_t clock_now_ms(void);
/* Milliseconds of the monotonic clock (from an arbitrary start). */
int64_t clock_mono_ms(void);
/* Parses a time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.mmm]]" (also with a
 * space for T) optionally followed by "Z" or "+HH:MM"/"-HH:MM", or "@<ms>".
 * Without an offset the time is local when local is 1, UTC otherwise.
 * Returns 0 and sets *ms, or -1. */
int clock_parse(const char *s, int local, int64_t *ms);
/* Writes ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC) into buf (at least 32
 * bytes); returns buf. */
char *clock_format_utc(int64_t ms, char *buf, size_t len);
/* Writes ms in local time as ISO 8601 with offset,
 * "YYYY-MM-DDTHH:MM:SS+HH:MM", into buf (at least 32 bytes); returns buf. */
char *clock_format_local(int64_t ms, char *buf, size_t len);

/* Reads a whole regular file of at most max bytes into a new buffer
 * (NUL-terminated, *len without it).  Returns 0, or -1 with *cause set. */
int file_read_all(const char *path, size_t max, char **buf, size_t *len, char **cause);
/* Opens path for reading without blocking (a FIFO, a device) and refuses
 * anything that is not a regular file, judged by fstat() of what was
 * opened; *st is its status.  Messages name the file as shown (path when
 * NULL).  Returns the descriptor (the caller closes it), or -1 with *cause
 * set. */
int file_open_regular(const char *path, const char *shown, struct stat *st,
    char **cause);
/* Reads the rest of fd, at most max bytes, into a new buffer as
 * file_read_all() does; shown names it in messages.  Does not close fd. */
int file_read_fd(int fd, const char *shown, size_t max, char **buf, size_t *len,
    char **cause);
/* Writes len bytes of data to a new file at path, never an existing one nor
 * through a symbolic link (O_EXCL | O_NOFOLLOW), created with mode (less
 * the umask), then fsync()s and closes it, checking each step.  On any
 * failure the partial file is removed and *cause names the step's own
 * error.  Returns 0 or -1. */
int file_write_new(const char *path, const void *data, size_t len, mode_t mode,
    char **cause);
/* Test hook (STYLE.md item 5): the next file_write_new() fails at step
 * with errno err, as if the system call had; step 0 clears it. */
enum file_write_step {
	FILE_WRITE_OK,
	FILE_WRITE_WRITE,
	FILE_WRITE_FSYNC,
	FILE_WRITE_CLOSE
};
void file_write_fault(enum file_write_step step, int err);
/* Flushes the folder at path (its entries: new and renamed files) to the
 * medium.  Returns 0, or -1 with *cause set. */
int file_sync_dir(const char *path, char **cause);

/* Name of the user running vigil (from the password database, else $USER,
 * else the numeric uid); caller frees. */
char *user_name_self(void);
/* Name of the controlling terminal ("/dev/pts/3", "tty1") or "-"; caller
 * frees. */
char *terminal_name_self(void);

#endif
