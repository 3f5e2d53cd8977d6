/* review — the data protection officer's view of the log: rows grouped into
 * view sessions, flags against the [review] thresholds, keyset paging in
 * SQL (newest first by entry time, then seq), who-saw, the detail of one
 * entry, the integrity panel, and the audit-review / audit-report records.
 * Rows come from the derived columns (fast); the detail view decodes the
 * body, and verification says whether the two agree.
 *
 * This file: the review's state, flag names, iterators and pages; the
 * queries are built in review_sql.c, rows and flags read in
 * review_flags.c, and the detail, summary, integrity panel and records of
 * reviews in review_report.c. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "audit/review_int.h"
#include "util/util.h"

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

void
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
int
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

void
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

int
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
int
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

const struct review_code *
review_code_find(const struct audit_review *rv, const char *code)
{
	size_t i;

	for (i = 0; i < rv->ncodes; i++) {
		if (strcmp(rv->codes[i].code, code) == 0)
			return &rv->codes[i];
	}
	return NULL;
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
