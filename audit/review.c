/* review — the data protection officer's view of the log: rows grouped into
 * view sessions, flags against the [review] thresholds, keyset paging in
 * SQL (newest first by entry time, then seq), who-saw, the detail of one
 * entry, the integrity panel, and the audit-review / audit-report records.
 * Rows come from the derived columns (fast); the detail view decodes the
 * body, and verification says whether the two agree. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

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

static const char *const review_flag_names[AUDIT_FLAG_COUNT] = {
	"hours", "long", "pattern", "reused", "many", "cap", "unapproved",
	"aborted"
};

const char *
audit_flag_name(unsigned flag)
{
	int i;

	for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
		if (flag == (1u << i))
			return review_flag_names[i];
	}
	return NULL;
}

unsigned
audit_flag_parse(const char *name)
{
	int i;

	for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
		if (name != NULL && strcmp(name, review_flag_names[i]) == 0)
			return 1u << i;
	}
	return 0;
}

/* FNV-1a of a string, for the caches. */
static size_t
review_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static void
review_cache_clear(struct review_cache *c)
{
	size_t i;

	for (i = 0; i < REVIEW_CACHE; i++) {
		free(c->key[i]);
		c->key[i] = NULL;
	}
	c->n = 0;
}

/* Looks key up; 1 with *val when found. */
static int
review_cache_get(struct review_cache *c, const char *key, int64_t *val)
{
	size_t i = review_hash(key) % REVIEW_CACHE;

	while (c->key[i] != NULL) {
		if (strcmp(c->key[i], key) == 0) {
			*val = c->val[i];
			return 1;
		}
		i = (i + 1) % REVIEW_CACHE;
	}
	return 0;
}

static void
review_cache_put(struct review_cache *c, const char *key, int64_t val)
{
	size_t i;

	if (c->n >= REVIEW_CACHE / 2)
		review_cache_clear(c);
	i = review_hash(key) % REVIEW_CACHE;
	while (c->key[i] != NULL)
		i = (i + 1) % REVIEW_CACHE;
	c->key[i] = xstrdup(key);
	c->val[i] = val;
	c->n++;
}

static int
review_prepare(struct audit_review *rv, sqlite3_stmt **st, const char *sql,
    char **cause)
{
	if (sqlite3_prepare_v2(log_db(rv->log), sql, -1, st, NULL) != SQLITE_OK)
		return cause_set(cause, "%s: cannot query: %s",
		    log_path(rv->log), sqlite3_errmsg(log_db(rv->log)));
	return 0;
}

/* Makes (or empties) the per-review list table name, cols its
 * "(columns) options", in the connection's temporary database. */
static int
review_list_create(struct audit_review *rv, const char *name, const char *cols)
{
	char *sql;
	int rc;

	sql = xasprintf("CREATE TEMP TABLE IF NOT EXISTS %s%s; "
	    "DELETE FROM temp.%s", name, cols, name);
	rc = sqlite3_exec(log_db(rv->log), sql, NULL, NULL, NULL);
	free(sql);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Drops a list table made by review_list_create(). */
static void
review_list_drop(struct audit_review *rv, const char *name)
{
	char *sql = xasprintf("DROP TABLE IF EXISTS temp.%s", name);

	(void)sqlite3_exec(log_db(rv->log), sql, NULL, NULL, NULL);
	free(sql);
}

static const struct review_code *review_code_find(const struct audit_review *,
    const char *);

/* Finds the reason codes of the log that no configured code names, one
 * seek of entry_reason each (not the empty code, which no view has); left
 * unknown without that index or when there are too many to name. */
static void
review_orphans(struct audit_review *rv)
{
	sqlite3_stmt *st;
	const char *code;
	char *last = xstrdup("");
	int rc;

	rv->norphans = -1;
	if (!rv->has_reason || sqlite3_prepare_v2(log_db(rv->log), "SELECT "
	    "min(reason_code) FROM entry WHERE reason_code > ?1", -1, &st,
	    NULL) != SQLITE_OK) {
		free(last);
		return;
	}
	rv->norphans = 0;
	for (;;) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW ||
		    sqlite3_column_type(st, 0) == SQLITE_NULL)
			break;
		code = (const char *)sqlite3_column_text(st, 0);
		free(last);
		last = xstrdup(code != NULL ? code : "");
		if (review_code_find(rv, last) != NULL)
			continue;
		if (rv->norphans == REVIEW_MAX_CODES) {
			rc = SQLITE_FULL;
			break;
		}
		rv->orphans[rv->norphans++] = xstrdup(last);
	}
	if (rc != SQLITE_ROW) {		/* not known: the walk failed */
		while (rv->norphans > 0)
			free(rv->orphans[--rv->norphans]);
		rv->norphans = -1;
	}
	sqlite3_finalize(st);
	free(last);
}

struct audit_review *
audit_review_new(struct audit_log *log, const struct audit_review_limits *lim,
    char **cause)
{
	struct audit_review *rv;
	struct review_code *c;
	char *full, buf[160];
	size_t i;
	int rc;

	rv = xcalloc(1, sizeof *rv);
	rv->log = log;
	rv->reused_upto = rv->long_upto = -1;
	audit_review_sql_limits(rv, 0, 0);
	rv->seen_count = -1;
	/* Unique on the connection while the review lives. */
	snprintf(rv->reused_table, sizeof rv->reused_table,
	    "vigil_review_reused_%" PRIxPTR, (uintptr_t)rv);
	snprintf(rv->long_table, sizeof rv->long_table,
	    "vigil_review_long_%" PRIxPTR, (uintptr_t)rv);
	rv->lim = *lim;
	rv->lim.codes = NULL;
	rv->lim.ncodes = 0;
	rv->codes = xcalloc(lim->ncodes + 1, sizeof *rv->codes);
	for (i = 0; i < lim->ncodes; i++) {
		c = &rv->codes[rv->ncodes++];
		c->code = xstrdup(lim->codes[i].code != NULL ?
		    lim->codes[i].code : "");
		c->cap_seconds = lim->codes[i].cap_seconds;
		c->needs_approval = lim->codes[i].needs_approval;
		if (lim->codes[i].reference_regex == NULL ||
		    lim->codes[i].reference_regex[0] == '\0')
			continue;
		c->regex_src = xstrdup(lim->codes[i].reference_regex);
		full = xasprintf("^(%s)$", c->regex_src);
		rc = regcomp(&c->re, full, REG_EXTENDED | REG_NOSUB);
		free(full);
		if (rc != 0) {
			regerror(rc, &c->re, buf, sizeof buf);
			cause_set(cause, "reason %s: reference pattern '%s' does "
			    "not compile: %s", c->code, c->regex_src, buf);
			audit_review_free(rv);
			return NULL;
		}
		c->has_re = 1;
	}
	/* A bigger page cache for the log's connection: the review reads
	 * scattered rows (ends of views, approvals) again and again. */
	(void)sqlite3_exec(log_db(log), "PRAGMA cache_size = -16384", NULL, NULL,
	    NULL);
	{
		sqlite3_stmt *st;

		/* Named in INDEXED BY when present (a log opened read-only
		 * may not have them yet). */
		if (review_prepare(rv, &st, "SELECT name FROM sqlite_master "
		    "WHERE type = 'index' AND name IN ('entry_time_ref', "
		    "'entry_reference', 'entry_view_wall', 'entry_reason')",
		    cause) != 0) {
			audit_review_free(rv);
			return NULL;
		}
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st,
			    0);

			if (strcmp(name, "entry_time_ref") == 0)
				rv->has_time_ref = 1;
			else if (strcmp(name, "entry_reference") == 0)
				rv->has_reference = 1;
			else if (strcmp(name, "entry_view_wall") == 0)
				rv->has_view_wall = 1;
			else
				rv->has_reason = 1;
		}
		sqlite3_finalize(st);
	}
	review_orphans(rv);
	if (review_prepare(rv, &rv->st_end, "SELECT seq, time_ms, action, "
	    "details FROM entry WHERE " REVIEW_VIEW_WHERE " AND "
	    REVIEW_VIEW_REF " = ?1 AND seq > ?1 ORDER BY seq LIMIT 1", cause) ||
	    review_prepare(rv, &rv->st_xend, "SELECT seq, time_ms, action, "
	    "details FROM entry WHERE " REVIEW_EXPORT_WHERE " AND "
	    REVIEW_EXPORT_REF " = ?1 AND action <> 'export-approved' AND "
	    "seq > ?1 ORDER BY seq LIMIT 1", cause) ||
	    review_prepare(rv, &rv->st_approved, "SELECT seq, actor FROM entry "
	    "WHERE " REVIEW_EXPORT_WHERE " AND " REVIEW_EXPORT_REF " = ?1 AND "
	    "action = 'export-approved' ORDER BY seq LIMIT 1", cause) ||
	    review_prepare(rv, &rv->st_xstart, "SELECT seq FROM entry WHERE "
	    "seq = ?1 AND action = 'export-start'", cause) ||
	    review_prepare(rv, &rv->st_reused, "SELECT count(DISTINCT camera) "
	    "FROM entry WHERE action IN ('view-start', 'export-start') AND "
	    "reference = ?1", cause) ||
	    review_prepare(rv, &rv->st_many, "SELECT actor, count(*) FROM entry "
	    "WHERE action = 'view-start' AND time_ms >= ?1 AND time_ms < ?2 "
	    "GROUP BY actor", cause) ||
	    review_prepare(rv, &rv->st_day, "SELECT count(*) FROM entry "
	    "INDEXED BY entry_time WHERE time_ms >= ?1 AND time_ms < ?2",
	    cause)) {
		audit_review_free(rv);
		return NULL;
	}
	return rv;
}

void
audit_review_free(struct audit_review *rv)
{
	size_t i;

	if (rv == NULL)
		return;
	for (i = 0; i < rv->ncodes; i++) {
		free(rv->codes[i].code);
		free(rv->codes[i].regex_src);
		if (rv->codes[i].has_re)
			regfree(&rv->codes[i].re);
	}
	free(rv->codes);
	for (i = 0; i < (size_t)(rv->norphans > 0 ? rv->norphans : 0); i++)
		free(rv->orphans[i]);
	sqlite3_finalize(rv->st_end);
	sqlite3_finalize(rv->st_xend);
	sqlite3_finalize(rv->st_approved);
	sqlite3_finalize(rv->st_xstart);
	sqlite3_finalize(rv->st_reused);
	sqlite3_finalize(rv->st_many);
	sqlite3_finalize(rv->st_reused_get);
	if (rv->st_reused_get != NULL)
		review_list_drop(rv, rv->reused_table);
	if (rv->long_upto >= 0)
		review_list_drop(rv, rv->long_table);
	sqlite3_finalize(rv->st_day);
	review_cache_clear(&rv->reused);
	review_cache_clear(&rv->many);
	free(rv);
}

static const struct review_code *
review_code_find(const struct audit_review *rv, const char *code)
{
	size_t i;

	for (i = 0; i < rv->ncodes; i++) {
		if (strcmp(rv->codes[i].code, code) == 0)
			return &rv->codes[i];
	}
	return NULL;
}

/* ---- Building the SQL ---------------------------------------------------- */

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

static void
review_append(struct review_sql *q, const char *s)
{
	size_t n = strlen(s);

	if (q->over || n >= q->max - q->len) {
		q->over = 1;
		return;
	}
	memcpy(q->sql + q->len, s, n + 1);
	q->len += n;
}

static void
review_cond(struct review_sql *q, const char *cond)
{
	review_append(q, " AND ");
	review_append(q, cond);
}

static void
review_bind_i(struct review_sql *q, int64_t v)
{
	if (q->nb >= q->bmax) {
		q->over = 1;
		return;
	}
	q->b[q->nb].text = 0;
	q->b[q->nb++].i = v;
}

static void
review_bind_s(struct review_sql *q, const char *s)
{
	if (q->nb >= q->bmax) {
		q->over = 1;
		return;
	}
	q->b[q->nb].text = 1;
	q->b[q->nb++].s = s;
}

static int
review_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* 1 when the filter needs a look at rows in C (flags, a view's end). */
static int
review_needs_c(const struct audit_review_filter *f)
{
	return f->flags != 0 || (review_set(f->action) &&
	    (strcmp(f->action, "view-end") == 0 ||
	    strcmp(f->action, "view-aborted") == 0));
}

/* The flags the thresholds allow at all. */
static unsigned
review_possible(const struct audit_review *rv)
{
	unsigned m = AUDIT_FLAG_UNAPPROVED | AUDIT_FLAG_ABORTED;
	size_t i;

	/* A cap: a code's, or one a view of a code no longer named
	 * recorded. */
	if (rv->norphans != 0)
		m |= AUDIT_FLAG_CAP;

	if (rv->lim.work_from != rv->lim.work_to)
		m |= AUDIT_FLAG_HOURS;
	if (rv->lim.max_view_minutes > 0)
		m |= AUDIT_FLAG_LONG;
	if (rv->lim.max_views_per_day > 0)
		m |= AUDIT_FLAG_MANY;
	if (rv->lim.max_cameras_per_reference > 0)
		m |= AUDIT_FLAG_REUSED;
	for (i = 0; i < rv->ncodes; i++) {
		if (rv->codes[i].has_re)
			m |= AUDIT_FLAG_PATTERN;
		if (rv->codes[i].cap_seconds > 0)
			m |= AUDIT_FLAG_CAP;
	}
	return m;
}

/* The actions a flags mask can be found on, as an SQL condition. */
static const char *
review_flag_actions(unsigned flags)
{
	unsigned view = AUDIT_FLAG_HOURS | AUDIT_FLAG_LONG | AUDIT_FLAG_MANY |
	    AUDIT_FLAG_CAP | AUDIT_FLAG_ABORTED;
	unsigned both = AUDIT_FLAG_PATTERN | AUDIT_FLAG_REUSED;

	if ((flags & ~view) == 0)
		return "action = 'view-start'";
	if ((flags & ~(view | both)) == 0)
		return "action IN ('view-start', 'export-start')";
	if (flags == AUDIT_FLAG_UNAPPROVED)
		return "action = 'export-done'";
	if ((flags & ~(view | AUDIT_FLAG_UNAPPROVED)) == 0)
		return "action IN ('view-start', 'export-done')";
	return "action IN ('view-start', 'export-start', 'export-done')";
}

/* Only the reason codes that have a cap (or a pattern): rows of other
 * codes cannot carry the flag.  Views whose code is no longer configured
 * keep the cap their view-start recorded, so for the cap they are kept. */
static void
review_codes(const struct audit_review *rv, unsigned flag, struct review_sql *q)
{
	size_t i;

	if (rv->ncodes > REVIEW_MAX_CODES)
		return;		/* no narrowing: the C check still applies */
	review_cond(q, "(reason_code IN (char(1)");
	for (i = 0; i < rv->ncodes; i++) {
		if (flag == AUDIT_FLAG_CAP ? rv->codes[i].cap_seconds > 0 :
		    rv->codes[i].has_re) {
			review_append(q, ", ?");
			review_bind_s(q, rv->codes[i].code);
		}
	}
	if (flag == AUDIT_FLAG_CAP && rv->norphans >= 0) {
		/* The codes no longer named, found in the log. */
		for (i = 0; i < (size_t)rv->norphans; i++) {
			review_append(q, ", ?");
			review_bind_s(q, rv->orphans[i]);
		}
	}
	review_append(q, ")");
	if (flag == AUDIT_FLAG_CAP && rv->norphans < 0) {
		review_append(q, " OR reason_code NOT IN (char(1)");
		for (i = 0; i < rv->ncodes; i++) {
			review_append(q, ", ?");
			review_bind_s(q, rv->codes[i].code);
		}
		review_append(q, ")");
	}
	review_append(q, ")");
}

/* Builds stream k (0: the main one; 1: exports of several cameras that
 * include the camera filtered on) of filter f from position at.  Returns
 * 0, or -1 with *cause set when the query does not fit its room. */
static int
review_build(const struct audit_review *rv, const struct audit_review_filter *f,
    int k, const char *sact, const struct audit_review_pos *at, int backward,
    int64_t limit, int skip, struct review_sql *q, char **cause)
{
	const char *a = review_set(f->action) ? f->action : NULL;
	int endaction = a != NULL && (strcmp(a, "view-end") == 0 ||
	    strcmp(a, "view-aborted") == 0);
	char cond[128];
	int weak;

	memset(q, 0, sizeof *q);
	q->max = rv->sql_max;
	q->bmax = rv->bind_max;
	/* A part of the reference is searched in the covering index
	 * entry_time_ref, in time order, unless a user, camera or reason code
	 * has an index that finds fewer rows. */
	review_append(q, "SELECT " REVIEW_COLS " FROM entry");
	if (rv->has_time_ref && review_set(f->reference) &&
	    !review_set(f->actor) && !review_set(f->camera) &&
	    !review_set(f->reason_code))
		review_append(q, " INDEXED BY entry_time_ref");
	review_append(q, " WHERE 1");
	if (f->from_ms != 0) {
		review_cond(q, "time_ms >= ?");
		review_bind_i(q, f->from_ms);
	}
	if (f->to_ms != 0) {
		review_cond(q, "time_ms < ?");
		review_bind_i(q, f->to_ms);
	}
	if (review_set(f->actor)) {
		review_cond(q, "actor = ?");
		review_bind_s(q, f->actor);
	}
	if (review_set(f->camera)) {
		if (k == 0) {
			review_cond(q, "camera = ?");
		} else {
			/* Exports of several cameras (index entry_multicam). */
			review_cond(q, "instr(camera, ',') > 0 AND instr(',' || "
			    "camera || ',', ',' || ? || ',') > 0");
		}
		review_bind_s(q, f->camera);
	}
	if (review_set(f->reason_code)) {
		review_cond(q, "reason_code = ?");
		review_bind_s(q, f->reason_code);
	}
	if (review_set(f->reference)) {
		review_cond(q, "instr(reference, ?) > 0");
		review_bind_s(q, f->reference);
	}
	if (f->footage_from != 0 || f->footage_to != 0) {
		review_cond(q, "from_ms < ? AND to_ms > ?");
		review_bind_i(q, f->footage_to != 0 ? f->footage_to : INT64_MAX);
		review_bind_i(q, f->footage_from);
	}
	/* Which actions.  With a user, camera or reason code the action is
	 * checked row by row (+action): their indexes find fewer rows. */
	weak = review_set(f->actor) || review_set(f->camera) ||
	    review_set(f->reason_code) || k == 1;
	if (a != NULL && strcmp(a, "view-aborted") == 0) {
		review_cond(q, "seq IN (SELECT " REVIEW_VIEW_REF " FROM entry "
		    "WHERE " REVIEW_VIEW_WHERE " AND action = 'view-aborted')");
		review_cond(q, "action = 'view-start'");
	} else if (endaction || (a != NULL && strcmp(a, "view-start") == 0)) {
		review_cond(q, weak ? "+action = 'view-start'" :
		    "action = 'view-start'");
	} else if (a != NULL) {
		review_cond(q, weak ? "+action = ?" : "action = ?");
		review_bind_s(q, a);
	}
	if (f->views_only)
		review_cond(q, weak ? "+action = 'view-start'" :
		    "action = 'view-start'");
	if (f->who_saw)	/* entry_footage, or entry_multicam for stream 1 */
		review_cond(q, k == 1 ? "+action = 'export-start'" :
		    "action IN ('view-start', 'export-start')");
	if (sact != NULL) {
		review_cond(q, weak ? "+action = ?" : "action = ?");
		review_bind_s(q, sact);
	} else if (f->flags != 0) {
		review_cond(q, review_flag_actions(f->flags));
	}
	if (f->flags == AUDIT_FLAG_CAP || f->flags == AUDIT_FLAG_PATTERN)
		review_codes(rv, f->flags, q);
	if (f->flags == AUDIT_FLAG_ABORTED)
		review_cond(q, "seq IN (SELECT " REVIEW_VIEW_REF " FROM entry "
		    "WHERE " REVIEW_VIEW_WHERE " AND action = 'view-aborted')");
	if (f->flags == AUDIT_FLAG_REUSED && rv->st_reused_get != NULL) {
		/* The references of the table made once per review; their
		 * rows found through entry_reference. */
		snprintf(cond, sizeof cond, "reference IN (SELECT reference "
		    "FROM temp.%s)", rv->reused_table);
		review_cond(q, cond);
	}
	if (f->flags == AUDIT_FLAG_LONG && rv->long_upto >= 0) {
		/* The views of the long list: few, found by seq; many,
		 * checked along the walk in time order. */
		snprintf(cond, sizeof cond, "%sseq IN (SELECT seq FROM temp.%s)",
		    rv->long_rows <= REVIEW_LONG_SMALL ? "" : "+",
		    rv->long_table);
		review_cond(q, cond);
	}
	/* The ends of views are shown with their view-start. */
	if (a == NULL && !f->views_only && !f->who_saw && f->flags == 0)
		review_cond(q, "NOT (" REVIEW_VIEW_WHERE " AND EXISTS (SELECT 1 "
		    "FROM entry s WHERE s.seq = (CASE WHEN json_valid("
		    "entry.details) THEN json_extract(entry.details, '$.view') "
		    "END) AND s.action = 'view-start' AND s.seq < entry.seq))");
	if (at != NULL) {
		if (backward) {
			review_cond(q, "time_ms >= ? AND (time_ms > ? OR seq > ?)");
		} else {
			review_cond(q, "time_ms <= ? AND (time_ms < ? OR seq < ?)");
		}
		review_bind_i(q, at->time_ms);
		review_bind_i(q, at->time_ms);
		review_bind_i(q, at->seq);
		/* SQLite takes one bound of a range from the index: the skip
		 * moves the position (time, INT64_MIN) instead. */
		if (skip) {
			q->skip = q->nb - 2;
			q->skip_at = 1;
		}
	}
	if (skip && at == NULL) {
		/* Moved past each block of working hours (hours flag) or
		 * day without too many views (many flag). */
		review_cond(q, backward ? "time_ms >= ?" : "time_ms < ?");
		review_bind_i(q, backward ? INT64_MIN : INT64_MAX);
		q->skip = q->nb;
	}
	review_append(q, backward ? " ORDER BY time_ms, seq" :
	    " ORDER BY time_ms DESC, seq DESC");
	if (limit > 0) {
		review_append(q, " LIMIT ?");
		review_bind_i(q, limit);
	}
	if (q->over)
		return cause_set(cause, "the review filter needs a query longer "
		    "than %zu bytes or with more than %d parameters; nothing "
		    "was searched: narrow the filter (fewer conditions or "
		    "reason codes)", q->max - 1, q->bmax);
	return 0;
}

void
audit_review_sql_limits(struct audit_review *rv, size_t bytes, int binds)
{
	struct review_sql q;

	rv->sql_max = bytes > 0 && bytes < sizeof q.sql ? bytes : sizeof q.sql;
	rv->bind_max = binds > 0 && binds < (int)(sizeof q.b / sizeof q.b[0]) ?
	    binds : (int)(sizeof q.b / sizeof q.b[0]);
}

static int
review_stmt(struct audit_review *rv, const struct review_sql *q,
    const char *sql, sqlite3_stmt **st, char **cause)
{
	int i;

	if (review_prepare(rv, st, sql != NULL ? sql : q->sql, cause) != 0)
		return -1;
	for (i = 0; i < q->nb; i++) {
		if (q->b[i].text)
			sqlite3_bind_text(*st, i + 1, q->b[i].s, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_int64(*st, i + 1, q->b[i].i);
	}
	return 0;
}

/* ---- Rows ---------------------------------------------------------------- */

static const char *
review_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s != NULL ? s : "";
}

/* Local time of ms as a struct tm. */
static void
review_localtime(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));

	localtime_r(&t, tm);
}

/* The local day [start, end) that ms falls in, in ms.  The last one is
 * kept: rows come in time order, and mktime() reads the time zone file
 * again each time. */
static void
review_day(struct audit_review *rv, int64_t ms, int64_t *start, int64_t *end)
{
	struct tm tm;
	time_t t;

	if (rv->day_end > rv->day_start && ms >= rv->day_start &&
	    ms < rv->day_end) {
		*start = rv->day_start;
		*end = rv->day_end;
		return;
	}
	review_localtime(ms, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	*start = (int64_t)t * 1000;
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	*end = (int64_t)t * 1000;
	rv->day_start = *start;
	rv->day_end = *end;
}

static int
review_outside_hours(const struct audit_review *rv, int64_t ms)
{
	struct tm tm;
	int m, from = rv->lim.work_from, to = rv->lim.work_to;

	if (from == to)
		return 0;
	review_localtime(ms, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	if (from < to)
		return m < from || m >= to;
	return m < from && m >= to;	/* hours across midnight */
}

/* Distinct cameras a reference was given for (views and exports). */
static int64_t
review_reused(struct audit_review *rv, const char *ref)
{
	int64_t n = 0;

	if (review_cache_get(&rv->reused, ref, &n))
		return n;
	if (rv->reused_upto >= 0 && rv->st_reused_get != NULL) {
		/* The table made for a filter: rows and filter agree. */
		sqlite3_reset(rv->st_reused_get);
		sqlite3_bind_text(rv->st_reused_get, 1, ref, -1, SQLITE_STATIC);
		if (sqlite3_step(rv->st_reused_get) == SQLITE_ROW)
			n = sqlite3_column_int64(rv->st_reused_get, 0);
		sqlite3_reset(rv->st_reused_get);
		review_cache_put(&rv->reused, ref, n);
		return n;
	}
	sqlite3_reset(rv->st_reused);
	sqlite3_bind_text(rv->st_reused, 1, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(rv->st_reused) == SQLITE_ROW)
		n = sqlite3_column_int64(rv->st_reused, 0);
	sqlite3_reset(rv->st_reused);
	review_cache_put(&rv->reused, ref, n);
	return n;
}

/* Adds reference ref with n cameras to the reused table when n is over
 * the limit (replacing what it had). */
static int
review_reused_put(struct audit_review *rv, sqlite3_stmt *ins, const char *ref,
    int64_t n)
{
	if (n <= rv->lim.max_cameras_per_reference)
		return 0;
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 2, n);
	return sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
}

/* Makes the table of references given for more cameras than the limit
 * (one walk of the index entry_reference, in reference and camera
 * order), or adds the references of entries appended since. */
static int
review_reused_table(struct audit_review *rv, char **cause)
{
	sqlite3 *db = log_db(rv->log);
	sqlite3_stmt *st = NULL, *ins = NULL;
	char *sql, *prev = NULL;
	const char *ref, *cam;
	char *pcam = NULL;
	int64_t count, n = 0;
	int rc = -1, incremental = rv->reused_upto >= 0;

	if ((count = audit_count(rv->log)) < 0)
		return cause_set(cause, "%s: cannot count the entries",
		    log_path(rv->log));
	if (rv->reused_upto == count)
		return 0;
	if (rv->reused_upto < 0) {
		if (review_list_create(rv, rv->reused_table, "(reference TEXT "
		    "PRIMARY KEY, cameras INTEGER NOT NULL) WITHOUT ROWID") != 0)
			goto fail;
		sqlite3_finalize(rv->st_reused_get);
		rv->st_reused_get = NULL;
		sql = xasprintf("SELECT cameras FROM temp.%s WHERE reference = ?",
		    rv->reused_table);
		rc = sqlite3_prepare_v2(db, sql, -1, &rv->st_reused_get, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			goto fail;
	}
	sql = xasprintf("INSERT OR REPLACE INTO temp.%s VALUES (?, ?)",
	    rv->reused_table);
	rc = sqlite3_prepare_v2(db, sql, -1, &ins, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		goto fail;
	if (!incremental) {
		rc = sqlite3_prepare_v2(db, rv->has_reference ? "SELECT reference, "
		    "camera FROM entry INDEXED BY entry_reference WHERE action "
		    "IN ('view-start', 'export-start') AND reference <> '' "
		    "ORDER BY reference, camera" : "SELECT reference, camera FROM "
		    "entry WHERE action IN ('view-start', 'export-start') AND "
		    "reference <> '' ORDER BY reference, camera", -1, &st, NULL);
	} else {
		rc = sqlite3_prepare_v2(db, "SELECT DISTINCT reference FROM entry "
		    "WHERE seq >= ? AND action IN ('view-start', 'export-start') "
		    "AND reference <> ''", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, rv->reused_upto);
	}
	if (rc != SQLITE_OK)
		goto fail;
	(void)sqlite3_exec(db, "SAVEPOINT vigil_review", NULL, NULL, NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ref = review_col(st, 0);
		if (incremental) {
			/* A reference of a new entry: counted again. */
			sqlite3_reset(rv->st_reused);
			sqlite3_bind_text(rv->st_reused, 1, ref, -1,
			    SQLITE_STATIC);
			n = sqlite3_step(rv->st_reused) == SQLITE_ROW ?
			    sqlite3_column_int64(rv->st_reused, 0) : 0;
			sqlite3_reset(rv->st_reused);
			if (review_reused_put(rv, ins, ref, n) != 0)
				break;
			continue;
		}
		cam = review_col(st, 1);
		if (prev == NULL || strcmp(prev, ref) != 0) {
			if (prev != NULL && review_reused_put(rv, ins, prev, n) != 0)
				break;
			free(prev);
			free(pcam);
			prev = xstrdup(ref);
			pcam = xstrdup(cam);
			n = 1;
		} else if (strcmp(pcam, cam) != 0) {
			free(pcam);
			pcam = xstrdup(cam);
			n++;
		}
	}
	if (rc == SQLITE_DONE && prev != NULL &&
	    review_reused_put(rv, ins, prev, n) != 0)
		rc = SQLITE_ERROR;
	(void)sqlite3_exec(db, rc == SQLITE_DONE ? "RELEASE vigil_review" :
	    "ROLLBACK TO vigil_review; RELEASE vigil_review", NULL, NULL, NULL);
	if (rc != SQLITE_DONE)
		goto fail;
	rv->reused_upto = count;
	review_cache_clear(&rv->reused);
	rc = 0;
	goto done;
fail:
	cause_set(cause, "%s: cannot list the reused references: %s",
	    log_path(rv->log), sqlite3_errmsg(db));
	rc = -1;
done:
	free(prev);
	free(pcam);
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return rc;
}

/* Ends (details d, its wall_ms w) in the long list: those whose view
 * review_fill() may find long.  Most ends have an integer wall_ms within
 * the limit: they cost one parse of the JSON. */
#define REVIEW_LONG_WHERE "NOT (typeof(w) = 'integer' AND w BETWEEN 0 " \
	"AND ?2) AND json_valid(d) AND json_type(d, '$.view') = 'integer' " \
	"AND CASE WHEN json_type(d, '$.wall_ms') = 'integer' AND " \
	"json_extract(d, '$.wall_ms') >= 0 THEN " \
	"json_extract(d, '$.wall_ms') > ?2 " \
	"WHEN json_type(d, '$.shown_ms') = 'integer' AND " \
	"json_extract(d, '$.shown_ms') >= 0 THEN " \
	"json_extract(d, '$.shown_ms') > ?2 ELSE 1 END"

/* Makes the list of view-starts that may be long: every view end (any
 * end of a view, not only its first) whose wall_ms, else shown_ms, is
 * over the limit or not known (review_flags() decides on the row), from
 * one walk of the view ends; or adds those of the entries appended
 * since. */
static int
review_long_table(struct audit_review *rv, char **cause)
{
	sqlite3 *db = log_db(rv->log);
	sqlite3_stmt *st = NULL;
	int64_t count;
	char *sql;
	int rc;

	if ((count = audit_count(rv->log)) < 0)
		return cause_set(cause, "%s: cannot count the entries",
		    log_path(rv->log));
	if (rv->long_upto == count)
		return 0;
	if (rv->long_upto < 0) {
		if (review_list_create(rv, rv->long_table,
		    "(seq INTEGER PRIMARY KEY)") != 0)
			goto fail;
		rv->long_upto = 0;
	}
	/* The first time, the ends whose integer wall_ms is over the limit
	 * or that have none (-1) are two ranges of entry_view_wall; without
	 * that index, all of them in time order along entry_action.  Then
	 * the new ones by seq.  OFFSET 0 keeps the inner query (and its one
	 * parse) apart. */
#define REVIEW_LONG_INNER "SELECT details AS d, CASE WHEN json_valid(" \
	"details) THEN json_extract(details, '$.wall_ms') END AS w FROM entry"
	if (rv->long_upto == 0 && rv->has_view_wall)
		sql = xasprintf("INSERT OR IGNORE INTO temp.%s SELECT "
		    "json_extract(d, '$.view') FROM (" REVIEW_LONG_INNER
		    " INDEXED BY entry_view_wall WHERE " REVIEW_VIEW_WHERE
		    " AND " REVIEW_VIEW_WALL " > ?2 AND seq >= ?1 UNION ALL "
		    REVIEW_LONG_INNER " INDEXED BY entry_view_wall WHERE "
		    REVIEW_VIEW_WHERE " AND " REVIEW_VIEW_WALL " < 0 AND "
		    "seq >= ?1 LIMIT -1 OFFSET 0) WHERE " REVIEW_LONG_WHERE,
		    rv->long_table);
	else
		sql = xasprintf("INSERT OR IGNORE INTO temp.%s SELECT "
		    "json_extract(d, '$.view') FROM (" REVIEW_LONG_INNER "%s "
		    "WHERE %s AND seq >= ?1 LIMIT -1 OFFSET 0) WHERE "
		    REVIEW_LONG_WHERE, rv->long_table,
		    rv->long_upto == 0 ? " INDEXED BY entry_action" : "",
		    rv->long_upto == 0 ? REVIEW_VIEW_WHERE :
		    "+" REVIEW_VIEW_WHERE);
#undef REVIEW_LONG_INNER
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, rv->long_upto);
	sqlite3_bind_int64(st, 2, (int64_t)rv->lim.max_view_minutes * 60000);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto fail;
	sql = xasprintf("SELECT count(*) FROM temp.%s", rv->long_table);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	rv->long_rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	rv->long_upto = count;
	return 0;
fail:
	sqlite3_finalize(st);
	return cause_set(cause, "%s: cannot list the long views: %s",
	    log_path(rv->log), sqlite3_errmsg(db));
}

/* Views by actor on the local day of ms.  A day's counts are read for
 * every user at once (one walk of that day's view-starts). */
static int64_t
review_many(struct audit_review *rv, const char *actor, int64_t ms)
{
	int64_t n = 0, start, end;
	char *key, day[32];
	int complete = 1;

	review_day(rv, ms, &start, &end);
	key = xasprintf("%" PRId64 " %s", start, actor);
	if (review_cache_get(&rv->many, key, &n)) {
		free(key);
		return n;
	}
	snprintf(day, sizeof day, "%" PRId64, start);
	if (review_cache_get(&rv->many, day, &n)) {
		free(key);
		return 0;	/* the day is loaded: no view by actor */
	}
	if (rv->many.n + 256 >= REVIEW_CACHE / 2)
		review_cache_clear(&rv->many);
	sqlite3_reset(rv->st_many);
	sqlite3_bind_int64(rv->st_many, 1, start);
	sqlite3_bind_int64(rv->st_many, 2, end);
	n = 0;
	while (sqlite3_step(rv->st_many) == SQLITE_ROW) {
		char *k = xasprintf("%" PRId64 " %s", start,
		    review_col(rv->st_many, 0));

		if (rv->many.n + 2 < REVIEW_CACHE / 2)
			review_cache_put(&rv->many, k, sqlite3_column_int64(
			    rv->st_many, 1));
		else
			complete = 0;
		if (strcmp(review_col(rv->st_many, 0), actor) == 0)
			n = sqlite3_column_int64(rv->st_many, 1);
		free(k);
	}
	sqlite3_reset(rv->st_many);
	/* Only a day whose every user is cached says "none" for others. */
	if (complete)
		review_cache_put(&rv->many, day, 0);
	free(key);
	return n;
}

/* For a view-start in st on a local day when nobody began more views
 * than the limit: the bound past that day in the direction of the walk
 * (descending: time_ms < *bound; ascending: time_ms >= *bound).  1 when
 * the day can be passed over. */
static int
review_many_skip(struct audit_review *rv, sqlite3_stmt *st, int backward,
    int64_t *bound)
{
	int64_t t = sqlite3_column_int64(st, 1), start, end, n, max = 0;
	char key[40];

	if (strcmp(review_col(st, 3), "view-start") != 0)
		return 0;
	review_day(rv, t, &start, &end);
	snprintf(key, sizeof key, "max %" PRId64, start);
	if (!review_cache_get(&rv->many, key, &max)) {
		/* Entries of any kind that day, from the covering index
		 * entry_time: when not over the limit, nobody's views are,
		 * and no row of the day is read. */
		sqlite3_reset(rv->st_day);
		sqlite3_bind_int64(rv->st_day, 1, start);
		sqlite3_bind_int64(rv->st_day, 2, end);
		if (sqlite3_step(rv->st_day) == SQLITE_ROW)
			max = sqlite3_column_int64(rv->st_day, 0);
		sqlite3_reset(rv->st_day);
		if (max > rv->lim.max_views_per_day) {
			max = 0;
			sqlite3_reset(rv->st_many);
			sqlite3_bind_int64(rv->st_many, 1, start);
			sqlite3_bind_int64(rv->st_many, 2, end);
			while (sqlite3_step(rv->st_many) == SQLITE_ROW) {
				n = sqlite3_column_int64(rv->st_many, 1);
				if (n > max)
					max = n;
			}
			sqlite3_reset(rv->st_many);
		}
		if (rv->many.n + 2 >= REVIEW_CACHE / 2)
			review_cache_clear(&rv->many);
		review_cache_put(&rv->many, key, max);	/* a bound, at least */
	}
	if (max > rv->lim.max_views_per_day || start > t || end <= t)
		return 0;
	*bound = backward ? end : start;
	return 1;
}

/* The cap of a view in ms: its code's, else the one its view-start
 * recorded; 0 when none. */
static int64_t
review_cap_ms(const struct audit_review *rv, const struct audit_review_row *r)
{
	const struct review_code *c = review_code_find(rv, r->reason_code);
	json_t *d;
	int64_t cap = 0;

	if (c != NULL)
		return (int64_t)c->cap_seconds * 1000;
	if ((d = json_loads(r->details, 0, NULL)) != NULL) {
		if (json_is_integer(json_object_get(d, "cap_ms")))
			cap = json_integer_value(json_object_get(d, "cap_ms"));
		json_decref(d);
	}
	return cap;
}

static int
review_pattern_bad(const struct audit_review *rv, const struct audit_review_row *r)
{
	const struct review_code *c = review_code_find(rv, r->reason_code);

	return c != NULL && c->has_re && regexec(&c->re, r->reference, 0, NULL,
	    0) != 0;
}

#define REVIEW_LINKED	(AUDIT_FLAG_LONG | AUDIT_FLAG_CAP | \
			AUDIT_FLAG_UNAPPROVED | AUDIT_FLAG_ABORTED)

/* The flags a row's own columns decide (those in mask only). */
static unsigned
review_flags_own(struct audit_review *rv, const struct audit_review_row *r,
    unsigned mask)
{
	unsigned fl = 0;
	int start = strcmp(r->action, "view-start") == 0;
	int xstart = strcmp(r->action, "export-start") == 0;

	if ((mask & AUDIT_FLAG_HOURS) && start &&
	    review_outside_hours(rv, r->time_ms))
		fl |= AUDIT_FLAG_HOURS;
	if ((mask & AUDIT_FLAG_PATTERN) && (r->is_view || xstart) &&
	    review_pattern_bad(rv, r))
		fl |= AUDIT_FLAG_PATTERN;
	if ((mask & AUDIT_FLAG_REUSED) && (r->is_view || xstart) &&
	    r->reference[0] != '\0' && rv->lim.max_cameras_per_reference > 0 &&
	    review_reused(rv, r->reference) > rv->lim.max_cameras_per_reference)
		fl |= AUDIT_FLAG_REUSED;
	if ((mask & AUDIT_FLAG_MANY) && start && rv->lim.max_views_per_day > 0 &&
	    review_many(rv, r->actor, r->time_ms) > rv->lim.max_views_per_day)
		fl |= AUDIT_FLAG_MANY;
	return fl;
}

/* Computes the flags of a filled-in row. */
static unsigned
review_flags(struct audit_review *rv, const struct audit_review_row *r)
{
	unsigned fl = review_flags_own(rv, r, AUDIT_FLAG_ALL);
	int64_t cap;

	if (r->is_view && rv->lim.max_view_minutes > 0 && r->wall_ms >
	    (int64_t)rv->lim.max_view_minutes * 60000)
		fl |= AUDIT_FLAG_LONG;
	if (r->is_view && r->played_ms >= 0 && (cap = review_cap_ms(rv, r)) > 0 &&
	    r->played_ms > cap + REVIEW_CAP_SLACK_MS)
		fl |= AUDIT_FLAG_CAP;
	if (strcmp(r->action, "export-done") == 0 && r->approved_seq < 0)
		fl |= AUDIT_FLAG_UNAPPROVED;
	if (r->is_view && (strcmp(r->end_action, "view-aborted") == 0 ||
	    strcmp(r->action, "view-aborted") == 0))
		fl |= AUDIT_FLAG_ABORTED;
	return fl;
}

/* 0 when the row in st cannot pass a flags filter, judged by its own
 * columns without looking up its end or export (the costly part). */
static int
review_precheck(struct audit_review *rv, sqlite3_stmt *st, unsigned flags)
{
	struct audit_review_row r;

	if (flags == 0 || (flags & REVIEW_LINKED) != 0)
		return 1;
	memset(&r, 0, sizeof r);
	r.time_ms = sqlite3_column_int64(st, 1);
	r.actor = review_col(st, 2);
	r.action = review_col(st, 3);
	r.reason_code = review_col(st, 7);
	r.reference = review_col(st, 8);
	r.is_view = strcmp(r.action, "view-start") == 0 ||
	    strcmp(r.action, "view-end") == 0 ||
	    strcmp(r.action, "view-aborted") == 0;
	return (review_flags_own(rv, &r, flags) & flags) != 0;
}

/* ms at minute min of the local day dd days after the one in tm. */
static int64_t
review_local_at(const struct tm *tm, int dd, int min)
{
	struct tm x = *tm;

	x.tm_mday += dd;
	x.tm_hour = min / 60;
	x.tm_min = min % 60;
	x.tm_sec = 0;
	x.tm_isdst = -1;
	return (int64_t)mktime(&x) * 1000;
}

/* For a view-start in st begun inside working hours: the time bound that
 * passes over the rest of its block of working hours in the direction of
 * the walk (descending: time_ms < *bound; ascending: time_ms >= *bound).
 * Only when the UTC offset is the same over the whole block, so that every
 * entry passed over is inside working hours too.  1 when there is one. */
static int
review_hours_skip(const struct audit_review *rv, sqlite3_stmt *st,
    int backward, int64_t *bound)
{
	int64_t t = sqlite3_column_int64(st, 1), b;
	int from = rv->lim.work_from, to = rv->lim.work_to, m;
	struct tm tm, tb;

	if (strcmp(review_col(st, 3), "view-start") != 0 ||
	    review_outside_hours(rv, t))
		return 0;
	review_localtime(t, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	if (!backward)
		b = review_local_at(&tm, from < to || m >= from ? 0 : -1, from);
	else
		b = review_local_at(&tm, from < to || m < to ? 0 : 1, to);
	if (backward ? b <= t : b > t)
		return 0;
	review_localtime(backward ? b - 1 : b, &tb);
	if (tb.tm_gmtoff != tm.tm_gmtoff)
		return 0;
	*bound = b;
	return 1;
}

/* A growing buffer of NUL-terminated strings, addressed by offset. */
struct review_buf {
	char		*p;
	size_t		 len, cap;
};

static size_t
review_put(struct review_buf *b, const char *s)
{
	size_t n = strlen(s) + 1, at = b->len;

	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return at;
}

/* An integer member of a JSON object, or def. */
static int64_t
review_jint(json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

/* Reads the entry named by lookup st (bound to seq): seq, time, action,
 * details; 1 when found. */
static int
review_lookup(sqlite3_stmt *st, int64_t seq, int64_t *rseq, int64_t *rtime,
    struct review_buf *b, size_t *action, size_t *details)
{
	int found = 0;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*rseq = sqlite3_column_int64(st, 0);
		*rtime = sqlite3_column_int64(st, 1);
		*action = review_put(b, review_col(st, 2));
		*details = review_put(b, review_col(st, 3));
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

/* Fills row from the primary entry in st (and what belongs with it);
 * its memory goes to mem (freed first). */
static void
review_fill(struct audit_review *rv, sqlite3_stmt *st,
    const struct audit_review_filter *f, struct audit_review_row *r,
    struct review_rowmem *mem)
{
	struct review_buf b = { NULL, 0, 0 };
	size_t o[11], oend_action = 0, oend_details = 0, oend_how = 0,
	    oapprover = 0;
	json_t *d, *shown, *pair;
	int64_t ref;
	size_t i, n;
	int i2, view_end_row;

	free(mem->strings);
	free(mem->shown);
	mem->strings = NULL;
	mem->shown = NULL;
	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int64(st, 0);
	r->time_ms = sqlite3_column_int64(st, 1);
	r->from_ms = sqlite3_column_int64(st, 5);
	r->to_ms = sqlite3_column_int64(st, 6);
	for (i2 = 2; i2 <= 10; i2++)
		o[i2] = review_put(&b, review_col(st, i2));
	oend_action = oend_details = oend_how = oapprover = review_put(&b, "");
	r->end_seq = r->export_seq = r->approved_seq = -1;
	r->shown_ms = r->played_ms = r->wall_ms = -1;
	r->shown_overlap = -1;
	view_end_row = strcmp(b.p + o[3], "view-end") == 0 ||
	    strcmp(b.p + o[3], "view-aborted") == 0;
	r->is_view = strcmp(b.p + o[3], "view-start") == 0 || view_end_row;

	d = NULL;
	if (strcmp(b.p + o[3], "view-start") == 0) {
		if (review_lookup(rv->st_end, r->seq, &r->end_seq,
		    &r->end_time_ms, &b, &oend_action, &oend_details))
			d = json_loads(b.p + oend_details, 0, NULL);
	} else if (view_end_row) {
		/* An end whose view-start is not in the log. */
		r->end_seq = r->seq;
		r->end_time_ms = r->time_ms;
		oend_action = o[3];
		oend_details = o[9];
		d = json_loads(b.p + o[9], 0, NULL);
	} else if (strncmp(b.p + o[3], "export-", 7) == 0) {
		ref = -1;
		if (strcmp(b.p + o[3], "export-start") == 0) {
			ref = r->seq;
			review_lookup(rv->st_xend, r->seq, &r->end_seq,
			    &r->end_time_ms, &b, &oend_action, &oend_details);
		} else if (strcmp(b.p + o[3], "export-approved") != 0) {
			d = json_loads(b.p + o[9], 0, NULL);
			ref = d != NULL ? review_jint(d, "export", -1) : -1;
			json_decref(d);
			d = NULL;
		}
		if (ref >= 0) {
			r->export_seq = ref;
			sqlite3_reset(rv->st_approved);
			sqlite3_bind_int64(rv->st_approved, 1, ref);
			if (sqlite3_step(rv->st_approved) == SQLITE_ROW) {
				r->approved_seq = sqlite3_column_int64(
				    rv->st_approved, 0);
				oapprover = review_put(&b, review_col(
				    rv->st_approved, 1));
			}
			sqlite3_reset(rv->st_approved);
		}
	}
	if (d != NULL && json_is_object(d)) {
		json_t *how = json_object_get(d, "end");

		if (json_is_string(how))
			oend_how = review_put(&b, json_string_value(how));
		r->shown_ms = review_jint(d, "shown_ms", -1);
		r->played_ms = review_jint(d, "played_ms", -1);
		r->wall_ms = review_jint(d, "wall_ms", r->shown_ms);
		shown = json_object_get(d, "shown");
		if (json_is_array(shown)) {
			n = json_array_size(shown);
			mem->shown = xcalloc(n + 1, sizeof *mem->shown);
			for (i = 0; i < n; i++) {
				pair = json_array_get(shown, i);
				if (!json_is_array(pair) ||
				    json_array_size(pair) != 2 ||
				    !json_is_integer(json_array_get(pair, 0)) ||
				    !json_is_integer(json_array_get(pair, 1)))
					continue;
				mem->shown[r->nshown][0] = json_integer_value(
				    json_array_get(pair, 0));
				mem->shown[r->nshown][1] = json_integer_value(
				    json_array_get(pair, 1));
				r->nshown++;
			}
			if (r->shown_ms < 0) {
				r->shown_ms = 0;
				for (i = 0; i < r->nshown; i++)
					r->shown_ms += mem->shown[i][1] -
					    mem->shown[i][0];
			}
		}
		if (r->wall_ms < 0)
			r->wall_ms = r->shown_ms;
		if (f->footage_from != 0 || f->footage_to != 0) {
			if (!json_is_array(shown)) {
				r->shown_overlap = -1;
			} else {
				int64_t wt = f->footage_to != 0 ?
				    f->footage_to : INT64_MAX;

				r->shown_overlap = 0;
				for (i = 0; i < r->nshown; i++) {
					if (mem->shown[i][0] < wt &&
					    mem->shown[i][1] > f->footage_from)
						r->shown_overlap = 1;
				}
			}
		}
	}
	json_decref(d);
	mem->strings = b.p;
	r->actor = b.p + o[2];
	r->action = b.p + o[3];
	r->camera = b.p + o[4];
	r->reason_code = b.p + o[7];
	r->reference = b.p + o[8];
	r->details = b.p + o[9];
	r->terminal = b.p + o[10];
	r->end_action = b.p + oend_action;
	r->end_details = b.p + oend_details;
	r->end_how = b.p + oend_how;
	r->approver = b.p + oapprover;
	r->shown = (const int64_t (*)[2])mem->shown;
	r->flags = review_flags(rv, r);
}

/* 1 when a filled-in row passes what SQL could not check. */
static int
review_keep(const struct audit_review_filter *f, const struct audit_review_row *r)
{
	if (f->flags != 0 && (r->flags & f->flags) == 0)
		return 0;
	if (review_set(f->action) && (strcmp(f->action, "view-end") == 0 ||
	    strcmp(f->action, "view-aborted") == 0) &&
	    strcmp(r->end_action, f->action) != 0)
		return 0;
	return 1;
}

/* ---- Iterators and pages ------------------------------------------------- */

/* The action of each stream of f: NULL (one stream, no action of its
 * own) unless a flags filter alone picks the actions. */
static size_t
review_stream_actions(const struct audit_review_filter *f, const char *acts[3])
{
	unsigned start = AUDIT_FLAG_ALL & ~AUDIT_FLAG_UNAPPROVED;
	unsigned xstart = AUDIT_FLAG_PATTERN | AUDIT_FLAG_REUSED;
	size_t n = 0;

	acts[0] = NULL;
	if (f->flags == 0 || review_set(f->action) || f->views_only ||
	    f->who_saw)
		return 1;
	if (f->flags & start)
		acts[n++] = "view-start";
	if (f->flags & xstart)
		acts[n++] = "export-start";
	if (f->flags & AUDIT_FLAG_UNAPPROVED)
		acts[n++] = "export-done";
	return n;
}

static struct audit_review_iter *
review_iter_open(struct audit_review *rv, const struct audit_review_filter *f,
    const struct audit_review_pos *at, int backward, int64_t limit, int split,
    int64_t budget, char **cause)
{
	struct audit_review_iter *it;
	struct review_sql q;
	struct audit_review_filter fb;
	const char *acts[3];
	size_t a, nacts;
	int64_t count;
	int b, k, ncams;

	it = xcalloc(1, sizeof *it);
	it->rv = rv;
	it->f = *f;
	it->backward = backward;
	it->cfilter = review_needs_c(f);
	it->budget = budget;
	/* Entries appended since the caches were filled may change counts. */
	if ((count = audit_count(rv->log)) != rv->seen_count) {
		review_cache_clear(&rv->reused);
		review_cache_clear(&rv->many);
		rv->seen_count = count;
	}
	/* Flags the thresholds switch off are on no row: asking only for
	 * them finds nothing, without a walk of the log. */
	if (f->flags != 0) {
		it->f.flags &= review_possible(rv);
		if (it->f.flags == 0)
			return it;
	}
	if ((it->f.flags == AUDIT_FLAG_REUSED || (split &&
	    (it->f.flags & AUDIT_FLAG_REUSED))) &&
	    review_reused_table(rv, cause) != 0) {
		audit_review_iter_free(it);
		return NULL;
	}
	/* The list of the long flag, once a walk without it has run over
	 * its budget; a flag whose list is empty is on no row. */
	if ((it->f.flags == AUDIT_FLAG_LONG || (split &&
	    (it->f.flags & AUDIT_FLAG_LONG))) && (budget == 0 ||
	    rv->long_upto >= 0)) {
		if (review_long_table(rv, cause) != 0) {
			audit_review_iter_free(it);
			return NULL;
		}
		if (rv->long_rows == 0)
			it->f.flags &= ~AUDIT_FLAG_LONG;
	}
	if (f->flags != 0 && it->f.flags == 0)
		return it;
	/* Several flags, split: the union of one set of streams per flag,
	 * each narrowed in SQL for its flag, so that a rare flag costs what
	 * it costs alone; a row in several of them is shown once.  Not
	 * split: one walk checking every flag in C (cheaper when the flags
	 * are common). */
	for (b = 0; b < AUDIT_FLAG_COUNT; b++) {
		fb = it->f;
		if ((it->f.flags == 0 || !split) && b > 0)
			break;		/* one set of streams */
		if (it->f.flags != 0 && split) {
			if ((it->f.flags & (1u << b)) == 0)
				continue;
			fb.flags = 1u << b;
		}
		/* Streams merged by order: the actions a flags filter can be
		 * found on (one each, so that each walks entry_action in order
		 * instead of SQLite sorting them all), times the exports of
		 * several cameras. */
		nacts = review_stream_actions(&fb, acts);
		ncams = review_set(f->camera) && !f->views_only ? 2 : 1;
		for (a = 0; a < nacts; a++) {
			for (k = 0; k < ncams; k++) {
				if (k == 1 && acts[a] != NULL &&
				    strncmp(acts[a], "export-", 7) != 0)
					continue;	/* only exports name several */
				if (review_build(rv, &fb, k, acts[a], at,
				    backward, it->cfilter ? 0 : limit, fb.flags ==
				    AUDIT_FLAG_HOURS || fb.flags ==
				    AUDIT_FLAG_MANY, &q, cause) != 0) {
					audit_review_iter_free(it);
					return NULL;
				}
				if (it->ns == REVIEW_MAX_STREAMS ||
				    review_stmt(rv, &q, NULL, &it->s[it->ns].st,
				    cause) != 0) {
					if (it->ns == REVIEW_MAX_STREAMS)
						cause_set(cause, "too many "
						    "streams for the filter");
					audit_review_iter_free(it);
					return NULL;
				}
				it->s[it->ns].skip = q.skip;
				it->s[it->ns].skip_at = q.skip_at;
				it->s[it->ns].flag = fb.flags;
				it->ns++;
			}
		}
	}
	return it;
}

struct audit_review_iter *
audit_review_iter_new(struct audit_review *rv, const struct audit_review_filter *f,
    char **cause)
{
	return review_iter_open(rv, f, NULL, 0, 0, 0, 0, cause);
}

/* Steps stream s unless a row waits in it; 1 when a row waits. */
static int
review_stream_peek(struct audit_review_iter *it, struct review_stream *s,
    char **cause)
{
	int64_t skip = 0;
	int rc;

	if (s->has)
		return 1;
	if (s->done)
		return 0;
	/* Rows whose own columns rule out the stream's flags are passed
	 * over here (a block of working hours at once for the hours flag,
	 * a day at once for the many flag);
	 * a row with another flag of the filter comes in that flag's
	 * stream. */
	while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {
		if (it->budget > 0 && ++it->examined > it->budget)
			return -2;	/* over budget: no error */
		/* A row passed over by the skip has not the flag; the skip
		 * comes first (for many it counts the day's entries, cheaper
		 * than the user's views). */
		if (s->skip > 0 && (s->flag == AUDIT_FLAG_HOURS ?
		    review_hours_skip(it->rv, s->st, it->backward, &skip) :
		    review_many_skip(it->rv, s->st, it->backward, &skip))) {
			sqlite3_reset(s->st);
			sqlite3_bind_int64(s->st, s->skip, skip);
			if (s->skip_at) {
				sqlite3_bind_int64(s->st, s->skip + 1, skip);
				/* Every seq: time_ms < skip going down,
				 * time_ms >= skip going up. */
				sqlite3_bind_int64(s->st, s->skip + 2, INT64_MIN);
			}
			continue;
		}
		if (review_precheck(it->rv, s->st, s->flag))
			return s->has = 1;
	}
	s->done = 1;
	if (rc != SQLITE_DONE)
		return cause_set(cause, "%s: reading entries: %s",
		    log_path(it->rv->log), sqlite3_errmsg(log_db(it->rv->log)));
	return 0;
}

int
audit_review_iter_next(struct audit_review_iter *it, struct audit_review_row *row,
    char **cause)
{
	struct review_stream *pick;
	int64_t t0, t1, s0, s1;
	size_t k;
	int rc, later;

	for (;;) {
		pick = NULL;
		for (k = 0; k < it->ns; k++) {
			if ((rc = review_stream_peek(it, &it->s[k], cause)) < 0)
				return rc == -2 ? 2 : -1;
			if (rc == 0)
				continue;
			if (pick == NULL) {
				pick = &it->s[k];
				continue;
			}
			t0 = sqlite3_column_int64(pick->st, 1);
			s0 = sqlite3_column_int64(pick->st, 0);
			t1 = sqlite3_column_int64(it->s[k].st, 1);
			s1 = sqlite3_column_int64(it->s[k].st, 0);
			later = t1 > t0 || (t1 == t0 && s1 > s0);
			if (s1 == s0) {
				it->s[k].has = 0;	/* the same row twice */
				continue;
			}
			if (later != it->backward)
				pick = &it->s[k];
		}
		if (pick == NULL)
			return 0;
		review_fill(it->rv, pick->st, &it->f, row, &it->mem);
		pick->has = 0;
		if (review_keep(&it->f, row))
			return 1;
	}
}

void
audit_review_iter_free(struct audit_review_iter *it)
{
	size_t k;

	if (it == NULL)
		return;
	for (k = 0; k < it->ns; k++)
		sqlite3_finalize(it->s[k].st);
	free(it->mem.strings);
	free(it->mem.shown);
	free(it);
}

/* 1 when f asks for several flags. */
static int
review_multi(const struct audit_review_filter *f)
{
	return (f->flags & (f->flags - 1)) != 0;
}

/* With the index entry_view_wall, the ends that may make a view long are
 * counted on the index alone; when they are few, the list of the long
 * flag is made at once (those ends read, nothing else).  Many: long views
 * are common, and a walk finds them sooner. */
static void
review_long_early(struct audit_review *rv)
{
	sqlite3_stmt *st;
	char *cause = NULL;
	int64_t n = -1;

	if (rv->long_upto >= 0 || !rv->has_view_wall || rv->long_counted)
		return;
	/* Counted once per review: the count only grows with the log. */
	rv->long_counted = 1;
	if (sqlite3_prepare_v2(log_db(rv->log), "SELECT (SELECT count(*) FROM "
	    "entry INDEXED BY entry_view_wall WHERE " REVIEW_VIEW_WHERE " AND "
	    REVIEW_VIEW_WALL " > ?1) + (SELECT count(*) FROM entry INDEXED BY "
	    "entry_view_wall WHERE " REVIEW_VIEW_WHERE " AND " REVIEW_VIEW_WALL
	    " < 0)", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, (int64_t)rv->lim.max_view_minutes * 60000);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	/* A failure here leaves the walk to find the rows (or the error). */
	if (n >= 0 && n <= REVIEW_LONG_SMALL && review_long_table(rv,
	    &cause) != 0)
		free(cause);
}

/* The rows a first walk of f may examine (0: no limit).  Several flags
 * are first taken in one walk; the long flag alone, before its list is
 * made, is first taken without the list (cheap when long views are
 * common). */
static int64_t
review_budget(struct audit_review *rv, const struct audit_review_filter *f,
    int split, int retry)
{
	if (retry)
		return 0;
	if (split && f->flags == AUDIT_FLAG_LONG &&
	    (rv->lim.max_view_minutes > 0))
		review_long_early(rv);
	if (!split || (f->flags == AUDIT_FLAG_LONG && rv->long_upto < 0))
		return REVIEW_BUDGET;
	return 0;
}

/* 1 when a row matching f lies beyond at in the direction backward. */
static int
review_any(struct audit_review *rv, const struct audit_review_filter *f,
    const struct audit_review_pos *at, int backward, char **cause)
{
	struct audit_review_iter *it;
	struct audit_review_row r;
	int rc, split = !review_multi(f), retry = 0;

	for (;;) {
		if ((it = review_iter_open(rv, f, at, backward, 1, split,
		    review_budget(rv, f, split, retry), cause)) == NULL)
			return -1;
		rc = audit_review_iter_next(it, &r, cause);
		audit_review_iter_free(it);
		if (rc != 2)
			return rc;
		split = 1;	/* the flags are rare: one stream each */
		retry = 1;
	}
}

int
audit_review_page(struct audit_review *rv, const struct audit_review_filter *f,
    const struct audit_review_pos *at, int backward, size_t max,
    struct audit_review_page **page, char **cause)
{
	struct audit_review_iter *it;
	struct review_page *p;
	struct audit_review_row r, tmp;
	struct review_rowmem m;
	struct audit_review_pos edge;
	size_t i;
	int rc, split = !review_multi(f), retry = 0;

	*page = NULL;
	if (max == 0 || max > 1000)
		return cause_set(cause, "a page holds 1 to 1000 rows, not %zu", max);
	if (at == NULL)
		backward = 0;
again:
	/* Several flags (or long, before its list): one walk first, within
	 * a budget of rows. */
	if ((it = review_iter_open(rv, f, at, backward, (int64_t)max + 1, split,
	    review_budget(rv, f, split, retry), cause)) == NULL)
		return -1;
	p = xcalloc(1, sizeof *p);
	p->pub.rows = xcalloc(max, sizeof *p->pub.rows);
	p->mem = xcalloc(max, sizeof *p->mem);
	while ((rc = audit_review_iter_next(it, &r, cause)) == 1) {
		if (p->pub.n == max) {
			if (backward)
				p->pub.more_newer = 1;
			else
				p->pub.more_older = 1;
			break;
		}
		/* The row's memory moves to the page. */
		p->pub.rows[p->pub.n] = r;
		p->mem[p->pub.n] = it->mem;
		it->mem.strings = NULL;
		it->mem.shown = NULL;
		p->pub.n++;
	}
	audit_review_iter_free(it);
	if (rc == 2) {
		/* Rare flags: again, one stream each (and lists). */
		audit_review_page_free(&p->pub);
		split = 1;
		retry = 1;
		goto again;
	}
	if (rc < 0) {
		audit_review_page_free(&p->pub);
		return -1;
	}
	if (backward) {
		for (i = 0; i < p->pub.n / 2; i++) {
			tmp = p->pub.rows[i];
			p->pub.rows[i] = p->pub.rows[p->pub.n - 1 - i];
			p->pub.rows[p->pub.n - 1 - i] = tmp;
			m = p->mem[i];
			p->mem[i] = p->mem[p->pub.n - 1 - i];
			p->mem[p->pub.n - 1 - i] = m;
		}
	}
	/* The other direction: is there anything past the near edge? */
	if (at != NULL) {
		edge = *at;
		if (p->pub.n > 0) {
			i = backward ? p->pub.n - 1 : 0;
			edge.time_ms = p->pub.rows[i].time_ms;
			edge.seq = p->pub.rows[i].seq;
		}
		if ((rc = review_any(rv, f, &edge, !backward, cause)) < 0) {
			audit_review_page_free(&p->pub);
			return -1;
		}
		if (backward)
			p->pub.more_older = rc;
		else
			p->pub.more_newer = rc;
	}
	*page = &p->pub;
	return 0;
}

void
audit_review_page_free(struct audit_review_page *pub)
{
	struct review_page *p = (struct review_page *)pub;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->pub.n; i++) {
		free(p->mem[i].strings);
		free(p->mem[i].shown);
	}
	free(p->mem);
	free(p->pub.rows);
	free(p);
}

int
audit_review_count(struct audit_review *rv, const struct audit_review_filter *f,
    int64_t limit, int64_t *n, char **cause)
{
	struct audit_review_iter *it;
	struct audit_review_row r;
	struct review_sql q;
	sqlite3_stmt *st;
	char *inner;
	int rc = 0;

	*n = 0;
	if (limit <= 0)
		limit = INT64_MAX;
	if (review_needs_c(f) || (review_set(f->camera) && !f->views_only)) {
		if ((it = review_iter_open(rv, f, NULL, 0, 0, 0, 0, cause)) ==
		    NULL)
			return -1;
		while (*n < limit && (rc = audit_review_iter_next(it, &r,
		    cause)) == 1)
			(*n)++;
		audit_review_iter_free(it);
		return *n < limit && rc < 0 ? -1 : 0;
	}
	if (review_build(rv, f, 0, NULL, NULL, 0, limit, 0, &q, cause) != 0)
		return -1;
	inner = xasprintf("SELECT count(*) FROM (%s)", q.sql);
	rc = review_stmt(rv, &q, inner, &st, cause);
	free(inner);
	if (rc != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return cause_set(cause, "%s: counting entries: %s",
		    log_path(rv->log), sqlite3_errmsg(log_db(rv->log)));
	return 0;
}

/* ---- Explanations -------------------------------------------------------- */

static void
review_hhmm(int m, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d", m / 60, m % 60);
}

char *
audit_review_flag_explain(struct audit_review *rv,
    const struct audit_review_row *r, unsigned flag)
{
	const struct review_code *c;
	char a[16], b[16], when[40];
	struct tm tm;

	if ((r->flags & flag) == 0)
		return NULL;
	switch (flag) {
	case AUDIT_FLAG_HOURS:
		review_hhmm(rv->lim.work_from, a, sizeof a);
		review_hhmm(rv->lim.work_to, b, sizeof b);
		review_localtime(r->time_ms, &tm);
		strftime(when, sizeof when, "%H:%M", &tm);
		return xasprintf("The view began at %s local time, outside the "
		    "working hours %s-%s ([review] working_hours).", when, a, b);
	case AUDIT_FLAG_LONG:
		return xasprintf("The view lasted %" PRId64 " min %02" PRId64
		    " s, longer than %d minutes ([review] max_view_minutes).",
		    r->wall_ms / 60000, r->wall_ms / 1000 % 60,
		    rv->lim.max_view_minutes);
	case AUDIT_FLAG_PATTERN:
		c = review_code_find(rv, r->reason_code);
		return xasprintf("The reference '%s' does not match the pattern "
		    "%s of reason %s ([reason %s] reference_regex); it was "
		    "accepted under an older configuration.", r->reference,
		    c != NULL && c->regex_src != NULL ? c->regex_src : "?",
		    r->reason_code, r->reason_code);
	case AUDIT_FLAG_REUSED:
		return xasprintf("The reference '%s' was given for %" PRId64
		    " different cameras, more than %d ([review] "
		    "max_cameras_per_reference).", r->reference,
		    review_reused(rv, r->reference),
		    rv->lim.max_cameras_per_reference);
	case AUDIT_FLAG_MANY:
		review_localtime(r->time_ms, &tm);
		strftime(when, sizeof when, "%Y-%m-%d", &tm);
		return xasprintf("%s began %" PRId64 " views on %s, more than %d "
		    "([review] max_views_per_day).", r->actor,
		    review_many(rv, r->actor, r->time_ms), when,
		    rv->lim.max_views_per_day);
	case AUDIT_FLAG_CAP:
		return xasprintf("%" PRId64 " s of footage were played under "
		    "reason %s, whose cap is %" PRId64 " s ([reason %s] "
		    "cap_seconds).", r->played_ms / 1000, r->reason_code,
		    review_cap_ms(rv, r) / 1000, r->reason_code);
	case AUDIT_FLAG_UNAPPROVED:
		c = review_code_find(rv, r->reason_code);
		return xasprintf("No export-approved entry names export %" PRId64
		    "; the configuration %s a second person's approval for "
		    "reason %s ([export] require_approval).", r->export_seq,
		    c != NULL && c->needs_approval ? "requires" :
		    "does not require", r->reason_code);
	case AUDIT_FLAG_ABORTED:
		return xasprintf("The view was not closed by vigil at its end "
		    "but recorded as view-aborted (entry %" PRId64 ") when vigil "
		    "next started, after a crash or power loss.", r->end_seq);
	}
	return NULL;
}

/* ---- Detail, summary, integrity ----------------------------------------- */

int
audit_review_entry_get(struct audit_review *rv, int64_t seq,
    struct audit_review_entry *e, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	memset(e, 0, sizeof *e);
	e->covered_epoch = -1;
	if ((rc = audit_entry_get(rv->log, seq, &e->row, &e->storage, cause)) != 0)
		return rc;
	e->count = audit_count(rv->log);
	if (review_prepare(rv, &st, "SELECT chain, mac FROM entry WHERE seq = ?",
	    cause) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == 32)
			memcpy(e->chain, sqlite3_column_blob(st, 0), 32);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(e->mac, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	if (review_prepare(rv, &st, "SELECT epoch FROM checkpoint WHERE n > ? "
	    "ORDER BY epoch LIMIT 1", cause) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		e->covered_epoch = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
fail:
	audit_review_entry_free(e);
	return -1;
}

void
audit_review_entry_free(struct audit_review_entry *e)
{
	free(e->storage);
	e->storage = NULL;
}

/* Adds one to the tally of key in a sorted list; returns it. */
static struct audit_review_tally *
review_tally(struct audit_review_tally **v, size_t *n, const char *key)
{
	size_t lo = 0, hi = *n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp((*v)[mid].key, key);
		if (c == 0)
			return &(*v)[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	memmove(&(*v)[lo + 1], &(*v)[lo], (*n - lo) * sizeof **v);
	memset(&(*v)[lo], 0, sizeof **v);
	(*v)[lo].key = xstrdup(key);
	(*n)++;
	return &(*v)[lo];
}

void
audit_review_summary_add(struct audit_review_summary *s,
    const struct audit_review_row *r)
{
	struct audit_review_tally *t[3];
	int i, view = r->is_view, done = strcmp(r->action, "export-done") == 0;

	s->rows++;
	for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
		if (r->flags & (1u << i))
			s->flags[i]++;
	}
	if (strcmp(r->action, "export-start") == 0)
		s->exports_started++;
	else if (done)
		s->exports_done++;
	else if (strcmp(r->action, "export-failed") == 0)
		s->exports_failed++;
	else if (strcmp(r->action, "export-approved") == 0)
		s->exports_approved++;
	if (!view && !done)
		return;
	if (view) {
		s->views++;
		if (r->end_seq < 0)
			s->views_open++;
	}
	t[0] = review_tally(&s->by_user, &s->n_user, r->actor);
	t[1] = review_tally(&s->by_camera, &s->n_camera, r->camera);
	t[2] = review_tally(&s->by_reason, &s->n_reason, r->reason_code);
	for (i = 0; i < 3; i++) {
		if (view) {
			t[i]->views++;
			if (r->wall_ms > 0)
				t[i]->viewed_ms += r->wall_ms;
		} else {
			t[i]->exports++;
		}
		if (r->flags != 0)
			t[i]->flagged++;
	}
}

static void
review_tally_free(struct audit_review_tally *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

void
audit_review_summary_free(struct audit_review_summary *s)
{
	review_tally_free(s->by_user, s->n_user);
	review_tally_free(s->by_camera, s->n_camera);
	review_tally_free(s->by_reason, s->n_reason);
	memset(s, 0, sizeof *s);
}

int
audit_review_integrity(struct audit_log *log, const char *held_path,
    struct audit_review_integrity *in, char **cause)
{
	sqlite3_stmt *st;
	uint8_t log_id[AUDIT_LOGID_LEN], pk0[AUDIT_PK_LEN];
	int rc;

	memset(in, 0, sizeof *in);
	if ((in->entries = audit_count(log)) < 0)
		return cause_set(cause, "%s: cannot count the entries",
		    log_path(log));
	if ((rc = audit_checkpoint_latest(log, &in->latest, cause)) < 0)
		return -1;
	in->has_checkpoint = rc == 0;
	in->uncovered = in->entries - (in->has_checkpoint ? in->latest.n : 0);
	if (held_path == NULL)
		return 0;
	if (audit_checkpoint_import(held_path, &in->held_ckpt, cause) != 0)
		return -1;
	audit_ids(log, log_id, pk0);
	if (memcmp(log_id, in->held_ckpt.log_id, AUDIT_LOGID_LEN) != 0) {
		in->held = -3;
		snprintf(in->held_detail, sizeof in->held_detail, "%s is a "
		    "checkpoint of another log", held_path);
		return 0;
	}
	if (sqlite3_prepare_v2(log_db(log), "SELECT body, sig FROM checkpoint "
	    "WHERE epoch = ?", -1, &st, NULL) != SQLITE_OK)
		return cause_set(cause, "%s: %s", log_path(log),
		    sqlite3_errmsg(log_db(log)));
	sqlite3_bind_int64(st, 1, in->held_ckpt.epoch);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		in->held = -2;
		snprintf(in->held_detail, sizeof in->held_detail, "the log has "
		    "no checkpoint %" PRId64 " (held in %s, covering %" PRId64
		    " entries): it was cut short", in->held_ckpt.epoch,
		    held_path, in->held_ckpt.n);
	} else if (sqlite3_column_bytes(st, 0) != AUDIT_CKPT_LEN ||
	    sqlite3_column_bytes(st, 1) != AUDIT_SIG_LEN ||
	    memcmp(sqlite3_column_blob(st, 0), in->held_ckpt.body,
	    AUDIT_CKPT_LEN) != 0 || memcmp(sqlite3_column_blob(st, 1),
	    in->held_ckpt.sig, AUDIT_SIG_LEN) != 0) {
		in->held = -1;
		snprintf(in->held_detail, sizeof in->held_detail, "checkpoint %"
		    PRId64 " in the log differs from the one held in %s",
		    in->held_ckpt.epoch, held_path);
	} else {
		in->held = 1;
		snprintf(in->held_detail, sizeof in->held_detail, "checkpoint %"
		    PRId64 " (%" PRId64 " entries) matches the one held in %s",
		    in->held_ckpt.epoch, in->held_ckpt.n, held_path);
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- Records of reviews -------------------------------------------------- */

char *
audit_review_filter_json(const struct audit_review_filter *f)
{
	json_t *o = json_object(), *fl;
	char *s;
	int i;

	if (o == NULL)
		fatal("out of memory");
	if (f->from_ms != 0)
		json_object_set_new(o, "from", json_integer(f->from_ms));
	if (f->to_ms != 0)
		json_object_set_new(o, "to", json_integer(f->to_ms));
	if (review_set(f->actor))
		json_object_set_new(o, "user", json_string(f->actor));
	if (review_set(f->camera))
		json_object_set_new(o, "camera", json_string(f->camera));
	if (review_set(f->action))
		json_object_set_new(o, "action", json_string(f->action));
	if (review_set(f->reason_code))
		json_object_set_new(o, "reason", json_string(f->reason_code));
	if (review_set(f->reference))
		json_object_set_new(o, "reference", json_string(f->reference));
	if (f->views_only)
		json_object_set_new(o, "views_only", json_true());
	if (f->flags != 0) {
		fl = json_array();
		for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
			if (f->flags & (1u << i))
				json_array_append_new(fl, json_string(
				    review_flag_names[i]));
		}
		json_object_set_new(o, "flags", fl);
	}
	if (f->footage_from != 0 || f->footage_to != 0) {
		json_object_set_new(o, "footage_from",
		    json_integer(f->footage_from));
		json_object_set_new(o, "footage_to", json_integer(f->footage_to));
	}
	if (f->who_saw)
		json_object_set_new(o, "who_saw", json_true());
	if ((s = jtext_dump(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		fatal("out of memory");
	return s;
}

/* Appends a record of the review with details d (consumed). */
static int64_t
review_record(struct audit_log *log, const char *actor, const char *terminal,
    const char *action, const struct audit_review_filter *f, json_t *d,
    char **cause)
{
	struct audit_entry e;
	char *s;
	int64_t seq;

	if ((s = jtext_dump(d, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		fatal("out of memory");
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = action;
	e.camera = f != NULL && review_set(f->camera) ? f->camera : "";
	e.reason_code = f != NULL && review_set(f->reason_code) ?
	    f->reason_code : "";
	e.reference = f != NULL && review_set(f->reference) ? f->reference : "";
	if (f != NULL && (f->footage_from != 0 || f->footage_to != 0)) {
		e.from_ms = f->footage_from;
		e.to_ms = f->footage_to;
	}
	e.details = s;
	e.terminal = terminal;
	seq = audit_append(log, &e, cause);
	free(s);
	return seq;
}

/* The filter as a JSON value (for the details of a record). */
static json_t *
review_filter_value(const struct audit_review_filter *f)
{
	char *s = audit_review_filter_json(f);
	json_t *v = json_loads(s, 0, NULL);

	free(s);
	if (v == NULL)
		fatal("out of memory");
	return v;
}

int64_t
audit_review_log_review(struct audit_log *log, const char *actor,
    const char *terminal, const char *what, const struct audit_review_filter *f,
    char **cause)
{
	json_t *d;

	d = json_pack("{s:s,s:o}", "what", what != NULL ? what : "filter",
	    "filter", review_filter_value(f));
	if (d == NULL)
		return cause_set(cause, "cannot record the review: the text is "
		    "not valid UTF-8");
	return review_record(log, actor, terminal, "audit-review", f, d, cause);
}

int64_t
audit_review_log_report(struct audit_log *log, const char *actor,
    const char *terminal, const struct audit_review_filter *f,
    const char *format, const char *path, const char *sums_hex, int64_t rows,
    char **cause)
{
	json_t *d;

	d = json_pack("{s:o,s:s,s:s,s:s,s:I}", "filter", review_filter_value(f),
	    "format", format, "path", path, "sha256sums", sums_hex, "rows",
	    (json_int_t)rows);
	if (d == NULL)
		return cause_set(cause, "cannot record the report: the path is "
		    "not valid UTF-8");
	return review_record(log, actor, terminal, "audit-report", f, d, cause);
}
