/* quick — the quick check of the log at start (vigil(1), "The title bar"):
 * the newest checkpoint against the entries, reading a few rows only, so
 * that the title bar can say at once what a full verification later
 * confirms. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

static int quick_bad(struct audit_quick *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int quick_blob(sqlite3 *, const char *sql, int64_t key, void *out,
    int len);
static int quick_frontier(sqlite3 *, const struct audit_ckpt_info *);

static int
quick_bad(struct audit_quick *q, const char *fmt, ...)
{
	va_list ap;

	q->verdict = AUDIT_QUICK_BAD;
	va_start(ap, fmt);
	vsnprintf(q->detail, sizeof q->detail, fmt, ap);
	va_end(ap);
	utf8_cut_tail(q->detail);
	return 0;
}

/* Reads one blob of exactly len bytes; 1 when missing or of another
 * length, -1 on a database error. */
static int
quick_blob(sqlite3 *db, const char *sql, int64_t key, void *out, int len)
{
	sqlite3_stmt *s;
	int rc, ret = 1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) == len) {
			memcpy(out, sqlite3_column_blob(s, 0), (size_t)len);
			ret = 0;
		}
	} else if (rc != SQLITE_DONE) {
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
}

/* Whether checkpoint ck's stored frontier gives its root: 0 yes, 1 no, -1
 * on a database error. */
static int
quick_frontier(sqlite3 *db, const struct audit_ckpt_info *ck)
{
	sqlite3_stmt *s;
	struct merkle m;
	uint8_t root[HASH_LEN];
	int rc, ret = 1;

	if (sqlite3_prepare_v2(db, "SELECT frontier FROM checkpoint WHERE "
	    "epoch = ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, ck->epoch);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_BLOB &&
		    merkle_load(&m, (uint64_t)ck->n, sqlite3_column_blob(s, 0),
		    (size_t)sqlite3_column_bytes(s, 0)) == 0) {
			merkle_root(&m, root);
			ret = memcmp(root, ck->root, HASH_LEN) != 0;
		}
	} else if (rc != SQLITE_DONE) {
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
}

int
audit_quick_check(struct audit_log *log, struct audit_quick *q, char **cause)
{
	struct audit_ckpt_info ck;
	uint8_t log_id[AUDIT_LOGID_LEN], pk[AUDIT_PK_LEN], prev[AUDIT_CKPT_LEN];
	uint8_t chain[HASH_LEN];
	sqlite3 *db = log_db(log);
	char *why = NULL;
	int64_t every;
	int rc;

	memset(q, 0, sizeof *q);
	q->epoch = -1;
	if ((q->entries = audit_count(log)) < 0)
		return cause_set(cause, "the log's entries cannot be counted: %s",
		    sqlite3_errmsg(db));
	audit_ids(log, log_id, pk);
	every = log_max_every(log);
	rc = audit_checkpoint_latest(log, &ck, &why);
	if (rc == 1) {
		/* More entries than checkpoint_every and no checkpoint: they
		 * were removed, or none can be made (vigil-audit(5)). */
		if (q->entries > every)
			return quick_bad(q, "%lld entries and no checkpoint, more "
			    "than checkpoint_every (%lld): checkpoints were removed "
			    "or cannot be made", (long long)q->entries,
			    (long long)every);
		q->verdict = AUDIT_QUICK_NONE;
		if (q->entries > 0)
			snprintf(q->detail, sizeof q->detail, "no checkpoint "
			    "yet: %lld entries protected by their MACs only",
			    (long long)q->entries);
		return 0;
	}
	if (rc == -1) {
		/* A malformed newest checkpoint is damage, not an I/O error. */
		if (strstr(why, "malformed") != NULL) {
			free(why);
			return quick_bad(q, "the newest checkpoint is malformed");
		}
		if (cause != NULL)
			*cause = why;
		else
			free(why);
		return -1;
	}
	q->epoch = ck.epoch;
	q->n = ck.n;
	if (memcmp(ck.body, CKPT_MAGIC, 8) != 0 ||
	    memcmp(ck.log_id, log_id, AUDIT_LOGID_LEN) != 0)
		return quick_bad(q, "checkpoint %lld is malformed or belongs to "
		    "another log", (long long)ck.epoch);
	if (ck.n <= 0 || ck.n > q->entries)
		return quick_bad(q, "checkpoint %lld covers %lld entries but the "
		    "log holds %lld: entries were removed", (long long)ck.epoch,
		    (long long)ck.n, (long long)q->entries);
	rc = quick_blob(db, "SELECT chain FROM entry WHERE seq = ?", ck.n - 1,
	    chain, HASH_LEN);
	if (rc == -1)
		return cause_set(cause, "reading entry %lld: %s",
		    (long long)(ck.n - 1), sqlite3_errmsg(db));
	if (rc == 1 || memcmp(chain, ck.chain, HASH_LEN) != 0)
		return quick_bad(q, "entry %lld does not end the chain that "
		    "checkpoint %lld signed", (long long)(ck.n - 1),
		    (long long)ck.epoch);
	if (ck.epoch > 0) {
		rc = quick_blob(db, "SELECT body FROM checkpoint WHERE epoch = ?",
		    ck.epoch - 1, prev, AUDIT_CKPT_LEN);
		if (rc == -1)
			return cause_set(cause, "reading checkpoint %lld: %s",
			    (long long)(ck.epoch - 1), sqlite3_errmsg(db));
		if (rc == 1)
			return quick_bad(q, "checkpoint %lld, before the newest, "
			    "is missing or malformed", (long long)(ck.epoch - 1));
		memcpy(pk, prev + 112, AUDIT_PK_LEN);
	}
	if (crypto_sign_verify_detached(ck.sig, ck.body, AUDIT_CKPT_LEN, pk) != 0)
		return quick_bad(q, "the signature of checkpoint %lld does not "
		    "verify", (long long)ck.epoch);
	/* The frontier the next checkpoint starts from. */
	if ((rc = quick_frontier(db, &ck)) == -1)
		return cause_set(cause, "reading checkpoint %lld: %s",
		    (long long)ck.epoch, sqlite3_errmsg(db));
	if (rc == 1)
		return quick_bad(q, "the stored frontier of checkpoint %lld does "
		    "not give its root: no checkpoint can be made",
		    (long long)ck.epoch);
	if (q->entries - ck.n > every)
		return quick_bad(q, "%lld entries follow checkpoint %lld, more "
		    "than checkpoint_every (%lld): checkpoints were removed or "
		    "cannot be made", (long long)(q->entries - ck.n),
		    (long long)ck.epoch, (long long)every);
	q->verdict = AUDIT_QUICK_OK;
	if (q->entries > ck.n)
		snprintf(q->detail, sizeof q->detail, "%lld entries after "
		    "checkpoint %lld are protected by their MACs only",
		    (long long)(q->entries - ck.n), (long long)ck.epoch);
	return 0;
}
