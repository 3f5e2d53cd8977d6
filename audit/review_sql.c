/* review_sql — building the review's SQL: a filter, the flags asked for
 * and a page position become one statement with its parameters, refused
 * whole when it would not fit (audit/review.c). */
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

/* ---- Building the SQL ---------------------------------------------------- */



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

int
review_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* 1 when the filter needs a look at rows in C (flags, a view's end). */
int
review_needs_c(const struct audit_review_filter *f)
{
	return f->flags != 0 || (review_set(f->action) &&
	    (strcmp(f->action, "view-end") == 0 ||
	    strcmp(f->action, "view-aborted") == 0));
}

/* The flags the thresholds allow at all. */
unsigned
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
int
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

int
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
