/* review_int — what the files of the review (review.c, review_sql.c,
 * review_flags.c, review_report.c) share, and nothing else in audit/ or
 * outside needs: the review's state, its query builder and the steps
 * one file calls in another. */
#ifndef VIGIL_AUDIT_REVIEW_INT_H
#define VIGIL_AUDIT_REVIEW_INT_H

#include <regex.h>

#include <jansson.h>

#include "audit/audit.h"
#include "audit/audit_int.h"

/* The expressions of the indexes audit_open() adds (vigil-audit(5),
 * "INDEXES"); the queries repeat them word for word so that SQLite uses
 * the partial indexes. */
#define REVIEW_VIEW_REF	"(CASE WHEN json_valid(details) THEN " \
			"json_extract(details, '$.view') END)"
#define REVIEW_VIEW_WHERE "action IN ('view-end', 'view-aborted')"
#define REVIEW_VIEW_WALL "(CASE WHEN json_valid(details) THEN CASE WHEN " \
			"json_type(details, '$.wall_ms') = 'integer' THEN " \
			"json_extract(details, '$.wall_ms') ELSE -1 END " \
			"ELSE -1 END)"
#define REVIEW_EXPORT_REF "(CASE WHEN json_valid(details) THEN " \
			"json_extract(details, '$.export') END)"
#define REVIEW_EXPORT_WHERE "action IN ('export-done', 'export-failed', " \
			"'export-approved')"

#define REVIEW_COLS	"seq, time_ms, actor, action, camera, from_ms, to_ms, " \
			"reason_code, reference, details, terminal"
#define REVIEW_CACHE	4096
#define REVIEW_MAX_CODES 32	/* codes named in a query, at most */
#define REVIEW_CAP_SLACK_MS 1000	/* a frame or two past the cap */
/* Streams of one iterator: per flag, per action, times multi-camera. */
#define REVIEW_MAX_STREAMS (AUDIT_FLAG_COUNT * 4)
/* Rows a page of several flags examines in one walk before it takes the
 * flags one stream each. */
#define REVIEW_BUDGET	2000
/* Below this many views the long list is searched by seq (then sorted),
 * above it checked along the walk of the view-starts. */
#define REVIEW_LONG_SMALL 4096

struct review_code {
	char		*code;
	char		*regex_src;
	regex_t		 re;
	int		 has_re;
	int		 cap_seconds;
	int		 needs_approval;
};

/* A small string -> count map, emptied when full. */
struct review_cache {
	char		*key[REVIEW_CACHE];
	int64_t		 val[REVIEW_CACHE];
	size_t		 n;
};

struct audit_review {
	struct audit_log *log;
	struct audit_review_limits lim;
	struct review_code *codes;
	size_t		 ncodes;
	sqlite3_stmt	*st_end;	/* view end of a view-start */
	sqlite3_stmt	*st_xend;	/* export-done/failed of an export-start */
	sqlite3_stmt	*st_approved;	/* export-approved of an export-start */
	sqlite3_stmt	*st_xstart;	/* an export-start by seq */
	sqlite3_stmt	*st_reused;	/* distinct cameras of a reference */
	sqlite3_stmt	*st_many;	/* views of a user in a day */
	sqlite3_stmt	*st_day;	/* entries of any kind in a time range */
	struct review_cache reused, many;
	int64_t		 seen_count;	/* entries when the caches were filled */
	/* The references given for too many cameras, in a table of the
	 * connection's temporary database (bounded by SQLite's page cache,
	 * not held in memory here), made when a filter first asks for the
	 * flag and brought up to date as the log grows. */
	char		 reused_table[48];
	int64_t		 reused_upto;	/* entries it covers; -1: not made */
	sqlite3_stmt	*st_reused_get;	/* cameras of a reference in it */
	int		 has_time_ref;	/* index entry_time_ref exists */
	int		 has_reference;	/* index entry_reference exists */
	int		 has_view_wall;	/* index entry_view_wall exists */
	int		 has_reason;	/* index entry_reason exists */
	/* The reason codes in the log that the configuration does not name
	 * (their views keep the cap their view-start recorded); norphans -1:
	 * not known. */
	char		*orphans[REVIEW_MAX_CODES];
	int		 norphans;
	/* The same for the long flag: the view-starts whose end may make
	 * them long (a superset; the row's own check decides), from one
	 * walk of the view ends. */
	char		 long_table[48];
	int64_t		 long_upto;	/* entries it covers; -1: not made */
	int64_t		 long_rows;	/* views in it */
	int		 long_counted;	/* review_long_early() counted */
	int64_t		 day_start;	/* the local day review_day() found */
	int64_t		 day_end;
	/* The room of one query (audit_review_sql_limits(); 0: all of
	 * struct review_sql's). */
	size_t		 sql_max;
	int		 bind_max;
};

/* Owned copy of one row's strings and intervals. */
struct review_rowmem {
	char		*strings;
	int64_t		(*shown)[2];
};

/* One stream of primary rows (one SQL statement). */
struct review_stream {
	sqlite3_stmt	*st;
	int		 has;		/* a row is waiting in st */
	int		 done;
	int		 skip;		/* parameter of the working-hours skip */
	int		 skip_at;	/*   the first of the position's three */
	unsigned	 flag;		/* the flags its rows are prechecked for */
};

struct audit_review_iter {
	struct audit_review *rv;
	struct audit_review_filter f;
	struct review_stream s[REVIEW_MAX_STREAMS];
	size_t		 ns;
	int		 backward;	/* ascending order */
	int		 cfilter;	/* rows are filtered in C too */
	int64_t		 budget;	/* rows to examine before giving up; 0 */
	int64_t		 examined;
	struct review_rowmem mem;
};

struct review_page {
	struct audit_review_page pub;
	struct review_rowmem *mem;
};

struct review_bind {
	int		 text;
	int64_t		 i;
	const char	*s;
};

/* One query being built.  Text and parameters that would not fit set
 * over, and the query is then refused whole (review_build()): a query cut
 * short could drop a condition and show rows the filter excludes. */
struct review_sql {
	char		 sql[2048];
	struct review_bind b[16 + 2 * REVIEW_MAX_CODES];
	size_t		 len, max;	/* bytes used (without the NUL), room */
	int		 nb, bmax;
	int		 over;
	int		 skip;		/* parameter of the hours skip, or 0 */
	int		 skip_at;	/*   the first of the position's three */
};

/* The steps of one file that another calls. */
void
review_cache_clear(struct review_cache *c);
int
review_cache_get(struct review_cache *c, const char *key, int64_t *val);
void
review_cache_put(struct review_cache *c, const char *key, int64_t val);
int
review_prepare(struct audit_review *rv, sqlite3_stmt **st, const char *sql,
    char **cause);
int
review_list_create(struct audit_review *rv, const char *name, const char *cols);
const struct review_code *
review_code_find(const struct audit_review *rv, const char *code);
int
review_reused_table(struct audit_review *rv, char **cause);
int
review_long_table(struct audit_review *rv, char **cause);
int
review_many_skip(struct audit_review *rv, sqlite3_stmt *st, int backward,
    int64_t *bound);
int
review_precheck(struct audit_review *rv, sqlite3_stmt *st, unsigned flags);
int
review_hours_skip(const struct audit_review *rv, sqlite3_stmt *st,
    int backward, int64_t *bound);
void
review_fill(struct audit_review *rv, sqlite3_stmt *st,
    const struct audit_review_filter *f, struct audit_review_row *r,
    struct review_rowmem *mem);
int
review_keep(const struct audit_review_filter *f, const struct audit_review_row *r);
int
review_set(const char *s);
int
review_needs_c(const struct audit_review_filter *f);
unsigned
review_possible(const struct audit_review *rv);
int
review_build(const struct audit_review *rv, const struct audit_review_filter *f,
    int k, const char *sact, const struct audit_review_pos *at, int backward,
    int64_t limit, int skip, struct review_sql *q, char **cause);
int
review_stmt(struct audit_review *rv, const struct review_sql *q,
    const char *sql, sqlite3_stmt **st, char **cause);

#endif
