/* catalog_query — the timeline queries: cameras, days, segment lists,
 * coverage of a stretch of time and the pieces that play it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "footage/footage.h"
#include "footage/footage_int.h"
#include "util/util.h"

/* A segment row as the timeline queries use it. */
struct query_seg {
	int64_t		 id;
	char		*rel;
	int64_t		 start;
	int64_t		 dur;		/* -1: unknown */
	int64_t		 mtime_ms;
	enum catalog_status status;
};

static void
query_segs_free(struct query_seg *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].rel);
	free(v);
}

/* The segments (not gone) of camera starting in [lo, hi), by start. */
static int
query_window(struct catalog *cat, const char *camera, int64_t lo, int64_t hi,
    struct query_seg **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct query_seg *v = NULL, *q;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (catalog_prepare(cat, "SELECT id, rel, start_ms, duration_ms, "
	    "mtime_ns, status FROM segment WHERE camera = "
	    "(SELECT id FROM camera WHERE name = ?) AND gone = 0 AND "
	    "start_ms >= ? AND start_ms < ? ORDER BY start_ms, rel", &st,
	    cause) == -1)
		return -1;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		q = &v[(*n)++];
		q->id = sqlite3_column_int64(st, 0);
		q->rel = xstrdup((const char *)sqlite3_column_text(st, 1));
		q->start = sqlite3_column_int64(st, 2);
		q->dur = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 3);
		q->mtime_ms = sqlite3_column_int64(st, 4) / 1000000;
		rc = catalog_status_parse((const char *)sqlite3_column_text(st, 5));
		q->status = rc < 0 ? CATALOG_CORRUPT : (enum catalog_status)rc;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		query_segs_free(v, *n);
		*n = 0;
		return catalog_err(cat, cause, "reading segments");
	}
	*out = v;
	return 0;
}

/* How far back from a range's start a segment covering it may begin. */
static int64_t
query_reach(const struct catalog *cat)
{
	return cat->max_dur > CATALOG_EST_MAX_MS ? cat->max_dur : CATALOG_EST_MAX_MS;
}

static int
query_playable(enum catalog_status s)
{
	return s == CATALOG_OK || s == CATALOG_PARTIAL;
}

/* The length of segment i: its duration when known, else an estimate:
 * until its last write (mtime) when that is before the next segment,
 * else until the next segment, at most CATALOG_EST_MAX_MS. */
static int64_t
query_len(const struct query_seg *v, size_t n, size_t i)
{
	int64_t d, next = CATALOG_EST_MAX_MS;

	if (query_playable(v[i].status) && v[i].dur >= 0)
		return v[i].dur;
	if (i + 1 < n && v[i + 1].start - v[i].start < next)
		next = v[i + 1].start - v[i].start;
	d = v[i].mtime_ms - v[i].start;
	if (d > 0 && d <= next)
		return d;
	return i + 1 < n ? next : 0;
}

int
catalog_cameras(struct catalog *cat, struct catalog_camera **out, size_t *n,
    char **cause)
{
	sqlite3_stmt *st;
	struct catalog_camera *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (catalog_prepare(cat, "SELECT c.name, count(*), total(s.size), "
	    "min(s.start_ms), max(s.start_ms) FROM segment s JOIN camera c ON "
	    "c.id = s.camera WHERE s.gone = 0 GROUP BY s.camera ORDER BY c.name",
	    &st, cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[*n].name = xstrdup((const char *)sqlite3_column_text(st, 0));
		v[*n].segments = sqlite3_column_int64(st, 1);
		v[*n].bytes = (int64_t)sqlite3_column_double(st, 2);
		v[*n].first_ms = sqlite3_column_int64(st, 3);
		v[*n].last_ms = sqlite3_column_int64(st, 4);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		catalog_cameras_free(v, *n);
		*n = 0;
		return catalog_err(cat, cause, "listing cameras");
	}
	*out = v;
	return 0;
}

void
catalog_cameras_free(struct catalog_camera *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int
catalog_days(struct catalog *cat, const char *camera, struct catalog_day **out,
    size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct catalog_day *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (catalog_prepare(cat, "SELECT date(start_ms / 1000, 'unixepoch', "
	    "'localtime') AS day, count(*) FROM segment WHERE camera = "
	    "(SELECT id FROM camera WHERE name = ?) AND gone = 0 "
	    "GROUP BY day ORDER BY day", &st, cause) == -1)
		return -1;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		snprintf(v[*n].date, sizeof v[*n].date, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		v[*n].segments = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return catalog_err(cat, cause, "listing days");
	}
	*out = v;
	return 0;
}

int
catalog_list(struct catalog *cat, const char *camera, int64_t from, int64_t to,
    int all, struct catalog_segment **out, size_t *n, char **cause)
{
	sqlite3_stmt *st;
	struct catalog_segment *v = NULL, *g;
	const unsigned char *detail;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (catalog_prepare(cat, "SELECT rel, start_ms, duration_ms, size, "
	    "mtime_ns, status, gone, detail FROM segment WHERE camera = "
	    "(SELECT id FROM camera WHERE name = ?) AND start_ms >= ? AND "
	    "start_ms < ? AND (? OR gone = 0) ORDER BY start_ms, rel", &st,
	    cause) == -1)
		return -1;
	sqlite3_bind_text(st, 1, camera, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int(st, 4, all != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		g = &v[(*n)++];
		g->rel = xstrdup((const char *)sqlite3_column_text(st, 0));
		g->path = catalog_abspath(cat, g->rel);
		g->camera = xstrdup(camera);
		g->start_ms = sqlite3_column_int64(st, 1);
		g->duration_ms = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 2);
		g->size = sqlite3_column_int64(st, 3);
		g->mtime_ms = sqlite3_column_int64(st, 4) / 1000000;
		rc = catalog_status_parse((const char *)sqlite3_column_text(st, 5));
		g->status = rc < 0 ? CATALOG_CORRUPT : (enum catalog_status)rc;
		g->gone = sqlite3_column_int(st, 6);
		detail = sqlite3_column_text(st, 7);
		g->detail = detail != NULL ? xstrdup((const char *)detail) : NULL;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		catalog_segments_free(v, *n);
		*n = 0;
		return catalog_err(cat, cause, "listing segments");
	}
	*out = v;
	return 0;
}

void
catalog_segments_free(struct catalog_segment *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].rel);
		free(v[i].path);
		free(v[i].camera);
		free(v[i].detail);
	}
	free(v);
}

/* Appends [a, b) of kind k to the spans, merging with the last one. */
static void
query_span_add(struct catalog_span **v, size_t *n, size_t *cap, int64_t a,
    int64_t b, enum catalog_span_kind k)
{
	struct catalog_span *last = *n > 0 ? &(*v)[*n - 1] : NULL;

	if (last != NULL && a < last->to_ms) {
		if (last->kind == k) {
			if (b > last->to_ms)
				last->to_ms = b;
			return;
		}
		a = last->to_ms;
	}
	if (a >= b)
		return;
	if (last != NULL && last->kind == k && a - last->to_ms < CATALOG_JOIN_MS) {
		last->to_ms = b;
		return;
	}
	if (*n == *cap) {
		*cap = *cap == 0 ? 32 : *cap * 2;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[*n].from_ms = a;
	(*v)[*n].to_ms = b;
	(*v)[*n].kind = k;
	(*n)++;
}

int
catalog_coverage(struct catalog *cat, const char *camera, int64_t from,
    int64_t to, struct catalog_span **out, size_t *n, char **cause)
{
	struct query_seg *v;
	struct catalog_span *spans = NULL;
	size_t nv, i, cap = 0;
	int64_t a, b;
	enum catalog_span_kind k;

	*out = NULL;
	*n = 0;
	if (from >= to)
		return 0;
	if (query_window(cat, camera, from - query_reach(cat),
	    to + CATALOG_EST_MAX_MS, &v, &nv, cause) == -1)
		return -1;
	for (i = 0; i < nv && v[i].start < to; i++) {
		a = v[i].start;
		b = a + query_len(v, nv, i);
		if (b <= from)
			continue;
		if (a < from)
			a = from;
		if (b > to)
			b = to;
		if (query_playable(v[i].status))
			k = CATALOG_SPAN_FOOTAGE;
		else if (v[i].status == CATALOG_PENDING)
			k = CATALOG_SPAN_UNPROBED;
		else
			k = CATALOG_SPAN_BAD;
		query_span_add(&spans, n, &cap, a, b, k);
	}
	query_segs_free(v, nv);
	*out = spans;
	return 0;
}

/* Reads the window for [from, to) and probes the pending segments that
 * may lie in it, then reads it again. */
static int
query_window_probed(struct catalog *cat, const char *camera, int64_t from,
    int64_t to, struct query_seg **v, size_t *nv, char **cause)
{
	int64_t *ids = NULL;
	size_t i, nids = 0;
	int rc;

	if (query_window(cat, camera, from - query_reach(cat),
	    to + CATALOG_EST_MAX_MS, v, nv, cause) == -1)
		return -1;
	for (i = 0; i < *nv && (*v)[i].start < to; i++) {
		if ((*v)[i].status != CATALOG_PENDING ||
		    (*v)[i].start + query_len(*v, *nv, i) <= from)
			continue;
		ids = xrealloc(ids, (nids + 1) * sizeof *ids);
		ids[nids++] = (*v)[i].id;
	}
	if (nids == 0)
		return 0;
	rc = catalog_probe_ids(cat, ids, nids, cause);
	free(ids);
	query_segs_free(*v, *nv);
	*v = NULL;
	*nv = 0;
	if (rc == -1)
		return -1;
	return query_window(cat, camera, from - query_reach(cat),
	    to + CATALOG_EST_MAX_MS, v, nv, cause);
}

/* Appends a piece to r. */
static void
query_piece_add(struct catalog_range *r, size_t *cap, int64_t from,
    int64_t len, char *path, int64_t seg_start, enum catalog_status status)
{
	struct catalog_piece *p;

	if (r->n == *cap) {
		*cap = *cap == 0 ? 32 : *cap * 2;
		r->pieces = xrealloc(r->pieces, *cap * sizeof *r->pieces);
	}
	p = &r->pieces[r->n++];
	p->from_ms = from;
	p->length_ms = len;
	p->path = path;
	p->segment_start_ms = path != NULL ? seg_start : 0;
	p->offset_ms = path != NULL ? from - seg_start : 0;
	p->status = path != NULL ? status : CATALOG_PENDING;
	if (path == NULL)
		r->gaps++;
	else if (query_playable(status))
		r->playable_ms += len;
}

int
catalog_range(struct catalog *cat, const char *camera, int64_t from, int64_t to,
    struct catalog_range *r, char **cause)
{
	struct query_seg *v;
	size_t nv, i, cap = 0;
	int64_t cursor = from, a, b;

	memset(r, 0, sizeof *r);
	if (from >= to)
		return 0;
	if (query_window_probed(cat, camera, from, to, &v, &nv, cause) == -1)
		return -1;
	for (i = 0; i < nv && v[i].start < to; i++) {
		a = v[i].start;
		b = a + query_len(v, nv, i);
		if (b > to)
			b = to;
		if (a < cursor)
			a = cursor;
		if (a >= b)
			continue;
		if (a > cursor)
			query_piece_add(r, &cap, cursor, a - cursor, NULL, 0, 0);
		query_piece_add(r, &cap, a, b - a, catalog_abspath(cat, v[i].rel),
		    v[i].start, v[i].status);
		cursor = b;
	}
	if (cursor < to)
		query_piece_add(r, &cap, cursor, to - cursor, NULL, 0, 0);
	query_segs_free(v, nv);
	return 0;
}

void
catalog_range_free(struct catalog_range *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->pieces[i].path);
	free(r->pieces);
	memset(r, 0, sizeof *r);
}

int
catalog_at(struct catalog *cat, const char *camera, int64_t t,
    struct catalog_piece *piece, char **cause)
{
	struct query_seg *v;
	size_t nv, i, best = (size_t)-1;
	int64_t end, best_end = 0;

	memset(piece, 0, sizeof *piece);
	if (query_window_probed(cat, camera, t, t + 1, &v, &nv, cause) == -1)
		return -1;
	for (i = 0; i < nv && v[i].start <= t; i++) {
		end = v[i].start + query_len(v, nv, i);
		if (end <= t)
			continue;
		/* A playable segment wins over a bad one covering t too. */
		if (best == (size_t)-1 || (query_playable(v[i].status) &&
		    !query_playable(v[best].status))) {
			best = i;
			best_end = end;
		}
	}
	if (best == (size_t)-1) {
		query_segs_free(v, nv);
		return 0;
	}
	piece->from_ms = t;
	piece->length_ms = best_end - t;
	piece->path = catalog_abspath(cat, v[best].rel);
	piece->segment_start_ms = v[best].start;
	piece->offset_ms = t - v[best].start;
	piece->status = v[best].status;
	query_segs_free(v, nv);
	return 1;
}
