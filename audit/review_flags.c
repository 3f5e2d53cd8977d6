/* review_flags — the review's rows and flags: reading a row with its view
 * or export linked, the flags against the [review] thresholds and their
 * lists, the skips over hours and days, and the sentences that explain a
 * flag (audit/review.c). */
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
int
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
int
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
int
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
	/* The cap limits footage played and, for ends that record the time
	 * on screen (play_ms beside it), that time too. */
	if (r->is_view && (cap = review_cap_ms(rv, r)) > 0 &&
	    ((r->played_ms >= 0 && r->played_ms > cap + REVIEW_CAP_SLACK_MS) ||
	    (r->play_ms >= 0 && r->wall_ms > cap + REVIEW_CAP_SLACK_MS)))
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
int
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
int
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
void
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
	r->shown_ms = r->played_ms = r->wall_ms = r->play_ms = -1;
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
		r->play_ms = review_jint(d, "play_ms", -1);
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
int
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
		if (r->played_ms >= 0 && r->played_ms > review_cap_ms(rv, r) +
		    REVIEW_CAP_SLACK_MS)
			return xasprintf("%" PRId64 " s of footage were played "
			    "under reason %s, whose cap is %" PRId64 " s "
			    "([reason %s] cap_seconds).", r->played_ms / 1000,
			    r->reason_code, review_cap_ms(rv, r) / 1000,
			    r->reason_code);
		return xasprintf("Footage was on screen for %" PRId64 " s under "
		    "reason %s, whose cap is %" PRId64 " s ([reason %s] "
		    "cap_seconds).", r->wall_ms / 1000, r->reason_code,
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
