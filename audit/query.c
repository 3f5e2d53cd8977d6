/* query — reading entries through a filter, a page at a time.  Rows are
 * decoded from the stored body, the part the chain protects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

struct audit_iter {
	sqlite3_stmt	*stmt;
	char		*storage;
	size_t		 storage_len;
	struct audit_log *log;
};

/* Appends " AND <cond>" to the SQL being built. */
static void
query_cond(char *sql, size_t len, const char *cond)
{
	strncat(sql, " AND ", len - strlen(sql) - 1);
	strncat(sql, cond, len - strlen(sql) - 1);
}

struct audit_iter *
audit_iter_new(struct audit_log *log, const struct audit_filter *f,
    char **cause)
{
	struct audit_iter *it;
	char sql[1024];
	int i = 1;

	snprintf(sql, sizeof sql, "SELECT seq, body FROM entry WHERE 1");
	if (f->from_ms != 0)
		query_cond(sql, sizeof sql, "time_ms >= ?");
	if (f->to_ms != 0)
		query_cond(sql, sizeof sql, "time_ms < ?");
	if (f->actor != NULL)
		query_cond(sql, sizeof sql, "actor = ?");
	if (f->action != NULL)
		query_cond(sql, sizeof sql, "action = ?");
	if (f->camera != NULL)
		query_cond(sql, sizeof sql, "camera = ?");
	if (f->reason_code != NULL)
		query_cond(sql, sizeof sql, "reason_code = ?");
	if (f->reference != NULL)
		query_cond(sql, sizeof sql, "instr(reference, ?) > 0");
	if (f->footage_from != 0 || f->footage_to != 0)
		query_cond(sql, sizeof sql, "from_ms < ? AND to_ms > ?");
	if (f->after_seq >= 0)
		query_cond(sql, sizeof sql, f->newest_first ? "seq < ?" : "seq > ?");
	strncat(sql, f->newest_first ? " ORDER BY seq DESC" : " ORDER BY seq",
	    sizeof sql - strlen(sql) - 1);
	if (f->limit > 0)
		strncat(sql, " LIMIT ?", sizeof sql - strlen(sql) - 1);

	it = xcalloc(1, sizeof *it);
	it->log = log;
	if (sqlite3_prepare_v2(log_db(log), sql, -1, &it->stmt, NULL) != SQLITE_OK) {
		cause_set(cause, "%s: cannot query: %s", log_path(log),
		    sqlite3_errmsg(log_db(log)));
		free(it);
		return NULL;
	}
	if (f->from_ms != 0)
		sqlite3_bind_int64(it->stmt, i++, f->from_ms);
	if (f->to_ms != 0)
		sqlite3_bind_int64(it->stmt, i++, f->to_ms);
	if (f->actor != NULL)
		sqlite3_bind_text(it->stmt, i++, f->actor, -1, SQLITE_TRANSIENT);
	if (f->action != NULL)
		sqlite3_bind_text(it->stmt, i++, f->action, -1, SQLITE_TRANSIENT);
	if (f->camera != NULL)
		sqlite3_bind_text(it->stmt, i++, f->camera, -1, SQLITE_TRANSIENT);
	if (f->reason_code != NULL)
		sqlite3_bind_text(it->stmt, i++, f->reason_code, -1, SQLITE_TRANSIENT);
	if (f->reference != NULL)
		sqlite3_bind_text(it->stmt, i++, f->reference, -1, SQLITE_TRANSIENT);
	if (f->footage_from != 0 || f->footage_to != 0) {
		sqlite3_bind_int64(it->stmt, i++, f->footage_to != 0 ?
		    f->footage_to : INT64_MAX);
		sqlite3_bind_int64(it->stmt, i++, f->footage_from);
	}
	if (f->after_seq >= 0)
		sqlite3_bind_int64(it->stmt, i++, f->after_seq);
	if (f->limit > 0)
		sqlite3_bind_int64(it->stmt, i++, f->limit);
	return it;
}

int
audit_iter_next(struct audit_iter *it, struct audit_row *row, char **cause)
{
	const uint8_t *body;
	size_t len;
	int64_t seq;
	int rc;

	rc = sqlite3_step(it->stmt);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return cause_set(cause, "%s: reading entries: %s",
		    log_path(it->log), sqlite3_errmsg(log_db(it->log)));
	seq = sqlite3_column_int64(it->stmt, 0);
	body = sqlite3_column_blob(it->stmt, 1);
	len = (size_t)sqlite3_column_bytes(it->stmt, 1);
	if (len + 8 > it->storage_len) {
		free(it->storage);
		it->storage_len = len + 8 > 4096 ? len + 8 : 4096;
		it->storage = xmalloc(it->storage_len);
	}
	if (body == NULL || body_decode(body, len, row, it->storage) != 0 ||
	    row->seq != seq)
		return cause_set(cause, "%s: entry %lld is damaged; run vigil "
		    "audit verify", log_path(it->log), (long long)seq);
	return 1;
}

void
audit_iter_free(struct audit_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->stmt);
	free(it->storage);
	free(it);
}

int
audit_views_open(struct audit_log *log, int64_t **seqs, size_t *n, char **cause)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	*seqs = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(log_db(log), "SELECT seq FROM entry WHERE action "
	    "= 'view-start' AND seq NOT IN (SELECT json_extract(details, "
	    "'$.view') FROM entry WHERE action IN ('view-end', 'view-aborted') "
	    "AND json_valid(details)) ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
		return cause_set(cause, "%s: cannot look for open views: %s",
		    log_path(log), sqlite3_errmsg(log_db(log)));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			*seqs = xrealloc(*seqs, cap * sizeof **seqs);
		}
		(*seqs)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*seqs);
		*seqs = NULL;
		*n = 0;
		return cause_set(cause, "%s: cannot look for open views: %s",
		    log_path(log), sqlite3_errmsg(log_db(log)));
	}
	return 0;
}

int
audit_entry_get(struct audit_log *log, int64_t seq, struct audit_row *row,
    char **storage, char **cause)
{
	sqlite3_stmt *s;
	size_t len;
	int rc;

	*storage = NULL;
	if (sqlite3_prepare_v2(log_db(log), "SELECT body FROM entry WHERE seq = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return cause_set(cause, "%s: %s", log_path(log),
		    sqlite3_errmsg(log_db(log)));
	sqlite3_bind_int64(s, 1, seq);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return cause_set(cause, "%s: %s", log_path(log),
		    sqlite3_errmsg(log_db(log)));
	}
	len = (size_t)sqlite3_column_bytes(s, 0);
	*storage = xmalloc(len + 8);
	if (sqlite3_column_blob(s, 0) == NULL ||
	    body_decode(sqlite3_column_blob(s, 0), len, row, *storage) != 0 ||
	    row->seq != seq) {
		sqlite3_finalize(s);
		free(*storage);
		*storage = NULL;
		return cause_set(cause, "%s: entry %lld is damaged; run vigil "
		    "audit verify", log_path(log), (long long)seq);
	}
	sqlite3_finalize(s);
	return 0;
}
