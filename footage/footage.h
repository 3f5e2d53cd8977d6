/* footage — the recorder catalog: segment files found under a root by a
 * path pattern, indexed in a SQLite database of their own (never in the
 * audit log), and the timeline queries the terminal and the player need.
 *
 * Times are UTC milliseconds since the epoch.  Every function that fails
 * returns -1 (or NULL) and, when cause is not NULL, sets *cause to a message
 * the caller frees with free().  A struct catalog is used by one thread at a
 * time.  No footage is decoded here: the only use of libavformat is reading
 * container headers for durations (footage/probe.c). */
#ifndef VIGIL_FOOTAGE_H
#define VIGIL_FOOTAGE_H

#include <stddef.h>
#include <stdint.h>

struct catalog;
struct pattern;
struct tz;

/* ---- Path patterns (footage/pattern.c) ---------------------------------
 * A pattern is a relative path with tokens: {camera} (any non-empty run of
 * characters within one path component), {Y} (4 digits), {m} {d} {H} {M}
 * {S} (2 digits each).  {camera}, {Y}, {m}, {d} and {H} are required, each
 * token at most once. */

#define PATTERN_PRESET_VIGIL	"{camera}/{Y}-{m}-{d}/{H}-{M}-{S}.mp4"
#define PATTERN_PRESET_FRIGATE	"{Y}-{m}-{d}/{H}/{camera}/{M}.{S}.mp4"
#define PATTERN_MAX_COMPONENTS	16
#define PATTERN_CAMERA_MAX	255	/* bytes of a camera name */

/* What a matched path says. */
struct pattern_fields {
	char	camera[PATTERN_CAMERA_MAX + 1];
	int	Y, m, d, H, M, S;
};

/* The pattern a preset name ("vigil", "frigate") stands for; any other
 * string is returned as it is.  Never NULL. */
const char *pattern_expand(const char *name_or_pattern);
/* Compiles a pattern or preset name; caller frees with pattern_free(). */
struct pattern *pattern_compile(const char *spec, char **cause);
void pattern_free(struct pattern *);
/* The expanded pattern text; valid while the pattern is. */
const char *pattern_text(const struct pattern *);
/* Number of path components (directories + file name). */
int pattern_components(const struct pattern *);
/* Matches one path component name against component i (0-based),
 * filling the fields that component carries.  Returns 1 or 0. */
int pattern_match_component(const struct pattern *, int i, const char *name,
    struct pattern_fields *);
/* Matches a whole relative path.  Returns 1 or 0. */
int pattern_match(const struct pattern *, const char *relpath,
    struct pattern_fields *);
/* Checks matched fields: a real calendar date and time of day, and a camera
 * name that is valid UTF-8 without control characters.  Returns 0, or -1
 * with *cause saying what is wrong. */
int pattern_fields_check(const struct pattern_fields *, char **cause);
/* 1 when name is acceptable as a camera name (see pattern_fields_check). */
int pattern_camera_valid(const char *name, size_t len);

/* ---- Time zones of a pattern (footage/tz.c) ----------------------------
 * "UTC", "local" (the process's zone, from TZ or /etc/localtime), a fixed
 * offset "+HH:MM" / "-HH:MM", or a zone name from the tz database such as
 * "Europe/Oslo".  A zone name is applied by switching TZ while names are
 * converted (between tz_enter() and tz_leave()), so scan from the main
 * thread while no other thread reads the environment. */

/* Checks a zone name.  Returns 0, or -1 with *cause. */
int tz_check(const char *name, char **cause);
/* Caller frees with tz_free(). */
struct tz *tz_open(const char *name, char **cause);
void tz_free(struct tz *);
/* Brackets a batch of conversions (switches TZ once for a zone name). */
void tz_enter(struct tz *);
void tz_leave(struct tz *);
/* Converts a wall-clock time in the zone to UTC ms.  Returns 0 or -1. */
int tz_to_utc(struct tz *, int Y, int m, int d, int H, int M, int S,
    int64_t *ms);

/* ---- The catalog (footage/catalog*.c) ------------------------------------ */

/* A segment's state.  PENDING: found by a scan, container not read yet. */
enum catalog_status {
	CATALOG_PENDING = 0,
	CATALOG_OK,		/* container read, duration known */
	CATALOG_UNREADABLE,	/* cannot be opened or read */
	CATALOG_CORRUPT,	/* empty, not a video, or header damaged */
	CATALOG_PARTIAL,	/* truncated: only the first part is playable */
};

/* The status's name as shown ("ok", "pending", "unreadable", "corrupt",
 * "partial"). */
const char *catalog_status_name(enum catalog_status);

/* Two recorded intervals closer than this are treated as continuous. */
#define CATALOG_JOIN_MS		2000
/* A segment whose duration is unknown is taken to last until the next
 * segment of its camera starts, but at most this long. */
#define CATALOG_EST_MAX_MS	(3600 * 1000)
/* A folder of segments read this long after its newest file was written
 * is settled: a later scan skips it while its mtime and ctime stay the
 * same (CATALOG_SCAN_FULL reads it anyway). */
#define CATALOG_SETTLE_MS	(3600 * 1000)
/* A folder whose mtime is this close to the time it was read is read
 * again by the next scan: a change in the same time tick would not move
 * its mtime. */
#define CATALOG_RACY_MS		2000

struct catalog_opts {
	const char	*db;		/* the catalog database file */
	const char	*root;		/* the recorder's root folder */
	const char	*pattern;	/* pattern or preset name */
	const char	*timezone;	/* time zone of the names */
};

/* Opens (creating when absent) the catalog database.  A database that is
 * not a vigil catalog is refused and never changed; a catalog built for
 * another root, pattern or zone is emptied (it is rebuilt by the next
 * scan).  Caller closes with catalog_close(). */
struct catalog *catalog_open(const struct catalog_opts *, char **cause);
void catalog_close(struct catalog *);

/* Names listed in a scan report's other_names. */
#define CATALOG_SCAN_NAMES	20

/* What a scan found; notes are the first problems worth showing (hostile
 * names are already sanitised).  Free with catalog_scan_report_free(). */
struct catalog_scan_report {
	int64_t		 files;		/* segment files there (matched names) */
	int64_t		 added;
	int64_t		 changed;	/* size or mtime changed: probed again */
	int64_t		 unchanged;
	int64_t		 returned;	/* gone before, back unchanged */
	int64_t		 gone;		/* newly marked gone */
	int64_t		 other;		/* names that do not match the pattern */
	int64_t		 other_kept;	/* in settled folders not read again,
					   as counted when last read */
	int64_t		 bad_time;	/* matched, impossible date or time */
	int64_t		 bad_camera;	/* matched, unusable camera name */
	int64_t		 symlinks;	/* symbolic links, never followed */
	int64_t		 unreadable_dirs;
	int64_t		 folders_read;		/* segment folders read through */
	int64_t		 folders_unchanged;	/* settled, unchanged: skipped */
	int64_t		 elapsed_ms;
	int		 complete;	/* every folder was read */
	char		**notes;
	size_t		 nnotes;
	int64_t		 more_notes;	/* notes left out */
	/* The first CATALOG_SCAN_NAMES of the other names read, paths under
	 * the root, escaped (catalog_name_escape()); each once a scan. */
	char		**other_names;
	size_t		 nother_names;
};

#define CATALOG_SCAN_FULL	0x1	/* read every folder, settled or not */

/* Scans the recorder's names (no container is read).  Unchanged files are
 * not touched; files no longer found are marked gone.  A settled folder
 * whose mtime and ctime are unchanged is not read again (a segment
 * rewritten in place there is noticed by a CATALOG_SCAN_FULL scan only);
 * the report's counts of names then cover the folders read.  Returns 0
 * when every folder was read, 1 when some could not be (their segments are
 * kept as they were and the catalog is marked stale), -1 when the root
 * itself is unavailable or looks unmounted (nothing changed, the catalog
 * is marked stale; *cause says why). */
int catalog_scan(struct catalog *, int flags, struct catalog_scan_report *,
    char **cause);
void catalog_scan_report_free(struct catalog_scan_report *);
/* A name (any bytes) as one line of printable UTF-8: '\\' for a backslash,
 * '\n', '\r', '\t', and '\xNN' for each other control byte (C0, DEL,
 * both bytes of a C1) and each byte that is not UTF-8.  Caller frees. */
char *catalog_name_escape(const char *name);

/* Reads the container of up to max pending segments (0: all), oldest
 * first, setting duration and status.  Sets *left to the number still
 * pending.  Returns the number probed, or -1. */
int64_t catalog_probe(struct catalog *, int64_t max, int64_t *left,
    char **cause);

/* Overall state, for the status line and "catalog status". */
struct catalog_state {
	int64_t		 last_scan_ms;		/* 0: never scanned */
	int64_t		 last_complete_ms;	/* last scan that read everything */
	int		 stale;
	char		 stale_reason[512];
	int64_t		 segments;		/* not gone */
	int64_t		 pending;
	int64_t		 bad;			/* unreadable, corrupt or partial */
	int64_t		 gone;
	int64_t		 cameras;
	int64_t		 bytes;
	int64_t		 other;			/* names that do not match the
						   pattern, at the last scan */
	char		 rebuilt[256];		/* why it was emptied at open, or "" */
};
int catalog_state(struct catalog *, struct catalog_state *, char **cause);

struct catalog_camera {
	char		*name;
	int64_t		 segments;
	int64_t		 bytes;
	int64_t		 first_ms;	/* start of the oldest segment */
	int64_t		 last_ms;	/* start of the newest segment */
};
/* The cameras with at least one segment that is not gone, by name.  Free
 * with catalog_cameras_free(). */
int catalog_cameras(struct catalog *, struct catalog_camera **, size_t *n,
    char **cause);
void catalog_cameras_free(struct catalog_camera *, size_t n);

struct catalog_day {
	char		 date[11];	/* YYYY-MM-DD, process local time */
	int64_t		 segments;	/* segments starting that day */
};
/* The days (in the process's local time zone) on which a camera has
 * footage, oldest first.  Caller frees *days with free(). */
int catalog_days(struct catalog *, const char *camera, struct catalog_day **days,
    size_t *n, char **cause);

struct catalog_segment {
	char		*rel;		/* path under the root */
	char		*path;		/* root + "/" + rel */
	char		*camera;
	int64_t		 start_ms;
	int64_t		 duration_ms;	/* -1: unknown */
	int64_t		 size;
	int64_t		 mtime_ms;
	enum catalog_status status;
	int		 gone;
	char		*detail;	/* why it is not ok, or NULL */
};
/* Segments of a camera starting in [from, to), by start; gone ones only
 * when all is 1.  Free with catalog_segments_free(). */
int catalog_list(struct catalog *, const char *camera, int64_t from, int64_t to,
    int all, struct catalog_segment **, size_t *n, char **cause);
void catalog_segments_free(struct catalog_segment *, size_t n);

enum catalog_span_kind {
	CATALOG_SPAN_FOOTAGE,	/* playable (ok, or the readable part of partial) */
	CATALOG_SPAN_UNPROBED,	/* not read yet: length estimated */
	CATALOG_SPAN_BAD,	/* corrupt or unreadable: length estimated */
};
struct catalog_span {
	int64_t		 from_ms;
	int64_t		 to_ms;
	enum catalog_span_kind kind;
};
/* Coverage of [from, to) on one camera: sorted, non-overlapping spans
 * clipped to the range, neighbours of one kind closer than CATALOG_JOIN_MS
 * merged; what lies between spans is a gap.  Reads no container.  Caller
 * frees *spans with free(). */
int catalog_coverage(struct catalog *, const char *camera, int64_t from,
    int64_t to, struct catalog_span **spans, size_t *n, char **cause);

/* One piece of a range: a stretch of one segment, or a gap (path NULL). */
struct catalog_piece {
	int64_t		 from_ms;	/* footage time the piece starts at */
	int64_t		 length_ms;
	char		*path;		/* segment file; NULL for a gap */
	int64_t		 segment_start_ms;
	int64_t		 offset_ms;	/* into the segment */
	enum catalog_status status;	/* of the segment; a piece that is not
					 * CATALOG_OK or CATALOG_PARTIAL
					 * cannot be played (for a gap it
					 * means nothing) */
};
struct catalog_range {
	struct catalog_piece *pieces;	/* in time order, covering [from, to) */
	size_t		 n;
	size_t		 gaps;		/* pieces with path NULL */
	int64_t		 playable_ms;	/* total of playable pieces */
};
/* The segments and offsets that cover [from, to) on one camera, across
 * segment boundaries, with the gaps between them; pending segments in the
 * range are probed first.  Free with catalog_range_free(). */
int catalog_range(struct catalog *, const char *camera, int64_t from, int64_t to,
    struct catalog_range *, char **cause);
void catalog_range_free(struct catalog_range *);
/* The segment piece at instant t (from t to the segment's end).  Returns 1
 * with *piece filled (free piece->path), 0 when t is in a gap, or -1. */
int catalog_at(struct catalog *, const char *camera, int64_t t,
    struct catalog_piece *piece, char **cause);

/* ---- Retention (footage/catalog_overdue.c) ---------------------------- */

struct catalog_overdue {
	char		*camera;
	int		 days;		/* its retention period */
	int64_t		 cutoff_ms;	/* footage ending before this is overdue */
	int64_t		 segments;
	int64_t		 bytes;
	int64_t		 oldest_ms;
};
/* Per camera, the segments (not gone) whose footage ended more than its
 * retention period before now; days_for(camera, arg) gives the period in
 * days.  Only cameras with overdue footage are listed.  When segs is not
 * NULL the overdue segments themselves are returned too.  Free with
 * catalog_overdue_free() and catalog_segments_free(). */
int catalog_overdue(struct catalog *, int64_t now_ms,
    int (*days_for)(const char *camera, void *arg), void *arg,
    struct catalog_overdue **, size_t *n,
    struct catalog_segment **segs, size_t *nsegs, char **cause);
void catalog_overdue_free(struct catalog_overdue *, size_t n);

/* Stops libavformat printing its own messages (probe failures are kept in
 * the catalog instead).  Process-wide: for commands that do not use
 * libmpv. */
void probe_silence_libav(void);

#endif
