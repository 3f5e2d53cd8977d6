/* catalog_probe — reading the containers of pending segments and storing
 * their durations and states. */
#include <stdlib.h>
#include <string.h>

#include "av/av.h"
#include "footage/footage.h"
#include "footage/footage_int.h"
#include "util/util.h"

/* Segments probed per transaction, so a long run does not hold the
 * database's write lock for long. */
#define PROBE_BATCH	32

/* Probes the segment at rel (catalog id) and stores what was found. */
static int
catalog_probe_one(struct catalog *cat, int64_t id, const char *rel,
    char **cause)
{
	struct probe_result r;
	sqlite3_stmt *st;
	char *path;
	int rc;

	path = catalog_abspath(cat, rel);
	probe_segment(path, &r);
	free(path);
	if (r.vanished) {
		if (catalog_prepare(cat, "UPDATE segment SET gone = 1, gone_ms = ? "
		    "WHERE id = ?", &st, cause) == -1)
			return -1;
		sqlite3_bind_int64(st, 1, clock_now_ms());
		sqlite3_bind_int64(st, 2, id);
	} else {
		if (catalog_prepare(cat, "UPDATE segment SET status = ?, "
		    "duration_ms = ?, detail = ?, size = coalesce(?, size), "
		    "mtime_ns = coalesce(?, mtime_ns) WHERE id = ?", &st, cause) == -1)
			return -1;
		sqlite3_bind_text(st, 1, catalog_status_name(r.status), -1,
		    SQLITE_STATIC);
		if (r.duration_ms >= 0)
			sqlite3_bind_int64(st, 2, r.duration_ms);
		else
			sqlite3_bind_null(st, 2);
		if (r.detail[0] != '\0')
			sqlite3_bind_text(st, 3, r.detail, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 3);
		if (r.mtime_ns != 0) {
			sqlite3_bind_int64(st, 4, r.size);
			sqlite3_bind_int64(st, 5, r.mtime_ns);
		} else {
			sqlite3_bind_null(st, 4);
			sqlite3_bind_null(st, 5);
		}
		sqlite3_bind_int64(st, 6, id);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return catalog_err(cat, cause, "storing a probe result");
	if (!r.vanished && r.duration_ms > 0 &&
	    catalog_note_duration(cat, r.duration_ms, cause) == -1)
		return -1;
	return 0;
}

/* Probes the listed segments in batches of PROBE_BATCH per transaction. */
static int
catalog_probe_list(struct catalog *cat, const int64_t *ids, char *const *rels,
    size_t n, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % PROBE_BATCH == 0 && catalog_exec(cat, "BEGIN IMMEDIATE",
		    cause) == -1)
			return -1;
		if (catalog_probe_one(cat, ids[i], rels[i], cause) == -1) {
			sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if ((i % PROBE_BATCH == PROBE_BATCH - 1 || i == n - 1) &&
		    catalog_exec(cat, "COMMIT", cause) == -1) {
			sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* Collects (id, rel) of the pending segments a prepared query returns. */
static int
catalog_probe_collect(struct catalog *cat, sqlite3_stmt *st, int64_t **ids,
    char ***rels, size_t *n, char **cause)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			*ids = xrealloc(*ids, cap * sizeof **ids);
			*rels = xrealloc(*rels, cap * sizeof **rels);
		}
		(*ids)[*n] = sqlite3_column_int64(st, 0);
		(*rels)[*n] = xstrdup((const char *)sqlite3_column_text(st, 1));
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		return catalog_err(cat, cause, "finding pending segments");
	return 0;
}

static void
catalog_probe_free(int64_t *ids, char **rels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rels[i]);
	free(rels);
	free(ids);
}

int64_t
catalog_probe(struct catalog *cat, int64_t max, int64_t *left, char **cause)
{
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	char **rels = NULL;
	size_t n = 0;
	int rc;

	if (catalog_prepare(cat, "SELECT id, rel FROM segment WHERE gone = 0 AND "
	    "status = 'pending' ORDER BY start_ms LIMIT ?", &st, cause) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, max > 0 ? max : -1);
	rc = catalog_probe_collect(cat, st, &ids, &rels, &n, cause);
	sqlite3_finalize(st);
	/* Without FFmpeg nothing is probed: the segments stay pending (not
	 * marked unreadable) and the reason is the caller's to show. */
	if (rc == 0 && n > 0 && avlib_ready(cause) != 0)
		rc = -1;
	if (rc == -1 || catalog_probe_list(cat, ids, rels, n, cause) == -1) {
		catalog_probe_free(ids, rels, n);
		return -1;
	}
	catalog_probe_free(ids, rels, n);
	if (left != NULL) {
		if (catalog_prepare(cat, "SELECT count(*) FROM segment WHERE gone = 0 "
		    "AND status = 'pending'", &st, cause) == -1)
			return -1;
		rc = sqlite3_step(st);
		*left = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return catalog_err(cat, cause, "counting pending segments");
	}
	return (int64_t)n;
}

int
catalog_probe_ids(struct catalog *cat, const int64_t *want, size_t nwant,
    char **cause)
{
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	char **rels = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (nwant == 0)
		return 0;
	if (catalog_prepare(cat, "SELECT id, rel FROM segment WHERE id = ? AND "
	    "status = 'pending'", &st, cause) == -1)
		return -1;
	for (i = 0; i < nwant && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, want[i]);
		rc = catalog_probe_collect(cat, st, &ids, &rels, &n, cause);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = catalog_probe_list(cat, ids, rels, n, cause);
	catalog_probe_free(ids, rels, n);
	return rc;
}
