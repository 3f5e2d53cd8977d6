/* catalog_overdue — footage kept longer than its camera's retention
 * period, for the data protection officer's compliance view.  Nothing is
 * deleted here. */
#include <stdlib.h>
#include <string.h>

#include "footage/footage.h"
#include "footage/footage_int.h"
#include "util/util.h"

#define DAY_MS	(24LL * 3600 * 1000)

/* The cameras of the catalog (those with any segment), by name. */
static int
overdue_cameras(struct catalog *cat, int64_t **ids, char ***names, size_t *n,
    char **cause)
{
	sqlite3_stmt *st;
	int rc;

	*ids = NULL;
	*names = NULL;
	*n = 0;
	if (catalog_prepare(cat, "SELECT id, name FROM camera ORDER BY name", &st,
	    cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, (*n + 1) * sizeof **ids);
		*names = xrealloc(*names, (*n + 1) * sizeof **names);
		(*ids)[*n] = sqlite3_column_int64(st, 0);
		(*names)[*n] = xstrdup((const char *)sqlite3_column_text(st, 1));
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return catalog_err(cat, cause, "listing cameras");
	return 0;
}

/* Adds the overdue segments of one camera to *segs. */
static int
overdue_list(struct catalog *cat, const char *camera, int64_t cutoff,
    struct catalog_segment **segs, size_t *nsegs, char **cause)
{
	struct catalog_segment *v;
	size_t n, i;

	if (catalog_list(cat, camera, INT64_MIN, cutoff, 0, &v, &n, cause) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i].start_ms + (v[i].duration_ms > 0 ? v[i].duration_ms : 0) >=
		    cutoff) {
			free(v[i].rel);
			free(v[i].path);
			free(v[i].camera);
			free(v[i].detail);
			continue;
		}
		*segs = xrealloc(*segs, (*nsegs + 1) * sizeof **segs);
		(*segs)[(*nsegs)++] = v[i];
	}
	free(v);
	return 0;
}

int
catalog_overdue(struct catalog *cat, int64_t now_ms,
    int (*days_for)(const char *, void *), void *arg,
    struct catalog_overdue **out, size_t *n,
    struct catalog_segment **segs, size_t *nsegs, char **cause)
{
	sqlite3_stmt *st = NULL;
	struct catalog_overdue *o;
	int64_t *ids, cutoff, count;
	char **names;
	size_t ncams, i;
	int days, rc, ret = -1;

	*out = NULL;
	*n = 0;
	if (segs != NULL) {
		*segs = NULL;
		*nsegs = 0;
	}
	if (overdue_cameras(cat, &ids, &names, &ncams, cause) == -1)
		goto done;
	if (catalog_prepare(cat, "SELECT count(*), total(size), min(start_ms) "
	    "FROM segment WHERE camera = ? AND gone = 0 AND start_ms < ? AND "
	    "start_ms + coalesce(max(duration_ms, 0), 0) < ?", &st, cause) == -1)
		goto done;
	for (i = 0; i < ncams; i++) {
		days = days_for(names[i], arg);
		cutoff = now_ms - days * DAY_MS;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, cutoff);
		sqlite3_bind_int64(st, 3, cutoff);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			catalog_err(cat, cause, "finding overdue footage");
			goto done;
		}
		if ((count = sqlite3_column_int64(st, 0)) == 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		o = &(*out)[(*n)++];
		o->camera = xstrdup(names[i]);
		o->days = days;
		o->cutoff_ms = cutoff;
		o->segments = count;
		o->bytes = (int64_t)sqlite3_column_double(st, 1);
		o->oldest_ms = sqlite3_column_int64(st, 2);
		if (segs != NULL && overdue_list(cat, names[i], cutoff, segs, nsegs,
		    cause) == -1)
			goto done;
	}
	ret = 0;
done:
	sqlite3_finalize(st);
	for (i = 0; i < ncams; i++)
		free(names[i]);
	free(names);
	free(ids);
	if (ret == -1) {
		catalog_overdue_free(*out, *n);
		*out = NULL;
		*n = 0;
		if (segs != NULL) {
			catalog_segments_free(*segs, *nsegs);
			*segs = NULL;
			*nsegs = 0;
		}
	}
	return ret;
}

void
catalog_overdue_free(struct catalog_overdue *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].camera);
	free(v);
}
