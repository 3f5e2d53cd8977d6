/* log — creating, opening and appending to the audit log, and making
 * checkpoints (vigil-audit(5)). */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

#define LOG_FORMAT	"vigil-audit-1"

struct audit_log {
	sqlite3		*db;
	char		*db_path;
	char		*state_path;
	int		 state_fd;
	int		 readonly;
	unsigned	 every;
	unsigned	 max_every;	/* meta checkpoint_every */
	int		 timeout_ms;
	char		*ckpt_failure;	/* the last checkpoint could not be made */
	int		 ckpt_failure_logged;	/* as checkpoint-failed, this time */
	char		*witness_socket;	/* NULL: no witness lines */
	char		*witness_failure;	/* the last line was not sent */
	uint8_t		 log_id[AUDIT_LOGID_LEN];
	uint8_t		 pk0[AUDIT_PK_LEN];
	sqlite3_stmt	*st_last;
	sqlite3_stmt	*st_insert;
	sqlite3_stmt	*st_ckpt_last;
};

static const char log_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"CREATE TABLE entry(seq INTEGER PRIMARY KEY, body BLOB NOT NULL,"
	" chain BLOB NOT NULL, mac BLOB NOT NULL, time_ms INTEGER NOT NULL,"
	" actor TEXT NOT NULL, action TEXT NOT NULL, camera TEXT NOT NULL,"
	" from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL,"
	" reason_code TEXT NOT NULL, reference TEXT NOT NULL,"
	" details TEXT NOT NULL, terminal TEXT NOT NULL);"
	"CREATE INDEX entry_time ON entry(time_ms);"
	"CREATE INDEX entry_actor ON entry(actor, time_ms);"
	"CREATE INDEX entry_camera ON entry(camera, time_ms);"
	"CREATE INDEX entry_action ON entry(action, time_ms);"
	"CREATE TABLE checkpoint(epoch INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
	" body BLOB NOT NULL, sig BLOB NOT NULL, frontier BLOB NOT NULL);";

/* Indexes for the review (audit/review.c), added to logs of any age when
 * they are opened for writing (vigil-audit(5), "INDEXES").  Only indexes:
 * the tables stay as the format defines them. */
static const char log_review_indexes[] =
	"CREATE INDEX IF NOT EXISTS entry_reason ON entry(reason_code, time_ms);"
	"CREATE INDEX IF NOT EXISTS entry_time_ref ON entry(time_ms, reference);"
	"CREATE INDEX IF NOT EXISTS entry_reference ON entry(reference, camera) "
	"WHERE action IN ('view-start', 'export-start');"
	"CREATE INDEX IF NOT EXISTS entry_view_ref ON entry((CASE WHEN "
	"json_valid(details) THEN json_extract(details, '$.view') END)) WHERE "
	"action IN ('view-end', 'view-aborted');"
	"CREATE INDEX IF NOT EXISTS entry_footage ON entry(camera, to_ms, "
	"from_ms) "
	"WHERE action IN ('view-start', 'export-start');"
	"CREATE INDEX IF NOT EXISTS entry_multicam ON entry(time_ms) "
	"WHERE instr(camera, ',') > 0;"
	"CREATE INDEX IF NOT EXISTS entry_view_wall ON entry((CASE WHEN "
	"json_valid(details) THEN CASE WHEN json_type(details, '$.wall_ms') = "
	"'integer' THEN json_extract(details, '$.wall_ms') ELSE -1 END ELSE -1 "
	"END)) WHERE action IN ('view-end', 'view-aborted');"
	"CREATE INDEX IF NOT EXISTS entry_export_ref ON entry((CASE WHEN "
	"json_valid(details) THEN json_extract(details, '$.export') END)) WHERE "
	"action IN ('export-done', 'export-failed', 'export-approved');";

/* The objects of a log's schema (vigil-audit(5), "STORAGE"): a table,
 * index, trigger or view beyond these is refused at open and by
 * verification (a trigger could drop or change rows behind vigil's back). */
static const struct {
	const char	*type, *name, *table;
} log_objects[] = {
	{ "table", "meta", "meta" },
	{ "table", "entry", "entry" },
	{ "table", "checkpoint", "checkpoint" },
	{ "index", "sqlite_autoindex_meta_1", "meta" },
	{ "index", "entry_time", "entry" },
	{ "index", "entry_actor", "entry" },
	{ "index", "entry_camera", "entry" },
	{ "index", "entry_action", "entry" },
	{ "index", "entry_reason", "entry" },
	{ "index", "entry_time_ref", "entry" },
	{ "index", "entry_reference", "entry" },
	{ "index", "entry_view_ref", "entry" },
	{ "index", "entry_footage", "entry" },
	{ "index", "entry_multicam", "entry" },
	{ "index", "entry_view_wall", "entry" },
	{ "index", "entry_export_ref", "entry" },
};

int
schema_check(sqlite3 *db, char *what, size_t len)
{
	sqlite3_stmt *s;
	const char *type, *name, *table;
	size_t i;
	int rc = SQLITE_DONE, found = 1;

	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name FROM "
	    "sqlite_master ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (found && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		type = (const char *)sqlite3_column_text(s, 0);
		name = (const char *)sqlite3_column_text(s, 1);
		table = (const char *)sqlite3_column_text(s, 2);
		if (type == NULL || name == NULL || table == NULL) {
			snprintf(what, len, "an unnamed object");
			found = 0;
			break;
		}
		found = 0;
		for (i = 0; i < sizeof log_objects / sizeof log_objects[0]; i++)
			if (strcmp(type, log_objects[i].type) == 0 &&
			    strcmp(name, log_objects[i].name) == 0 &&
			    strcmp(table, log_objects[i].table) == 0)
				found = 1;
		if (!found) {
			snprintf(what, len, "%s %s", type, name);
			utf8_cut_tail(what);
		}
	}
	if (found && rc != SQLITE_DONE) {
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return found ? 0 : 1;
}

static const uint8_t log_chain_tag = 0x02, log_mac_tag = 0x03,
    log_leaf_tag = 0x00, log_start_tag = 0x05;

void
chain_start(const uint8_t log_id[AUDIT_LOGID_LEN], uint8_t out[HASH_LEN])
{
	hash_parts(out, NULL, 3, &log_start_tag, (size_t)1, BODY_MAGIC, (size_t)8,
	    log_id, (size_t)AUDIT_LOGID_LEN);
}

void
ckpt_encode(uint8_t out[AUDIT_CKPT_LEN], const uint8_t log_id[AUDIT_LOGID_LEN],
    int64_t epoch, int64_t n, const uint8_t root[HASH_LEN],
    const uint8_t chain[HASH_LEN], int64_t time_ms, const uint8_t pk_next[32])
{
	memcpy(out, CKPT_MAGIC, 8);
	memcpy(out + 8, log_id, AUDIT_LOGID_LEN);
	be64_put(out + 24, epoch);
	be64_put(out + 32, n);
	memcpy(out + 40, root, HASH_LEN);
	memcpy(out + 72, chain, HASH_LEN);
	be64_put(out + 104, time_ms);
	memcpy(out + 112, pk_next, 32);
}

/* Turns an SQLite failure into a message a person can act on. */
static int
log_sqlerr(struct audit_log *log, sqlite3 *db, const char *what, char **cause)
{
	int code = sqlite3_errcode(db);
	const char *path = log != NULL ? log->db_path : "audit log";

	switch (code & 0xff) {
	case SQLITE_NOTADB:
		return cause_set(cause, "%s is not a vigil audit log (not an "
		    "SQLite database)", path);
	case SQLITE_CORRUPT:
		return cause_set(cause, "%s is damaged (%s: %s); run vigil audit "
		    "verify", path, what, sqlite3_errmsg(db));
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return cause_set(cause, "%s is locked by another process for "
		    "more than %d ms (%s)", path, log != NULL ? log->timeout_ms :
		    5000, what);
	case SQLITE_READONLY:
		return cause_set(cause, "%s is read-only; nothing can be "
		    "logged (%s)", path, what);
	case SQLITE_FULL:
		return cause_set(cause, "the disk holding %s is full; nothing "
		    "was logged (%s)", path, what);
	case SQLITE_IOERR:
		if (sqlite3_system_errno(db) == ENOSPC)
			return cause_set(cause, "the disk holding %s is full; "
			    "nothing was logged (%s)", path, what);
		return cause_set(cause, "%s: %s: input/output error (%s)", path,
		    what, sqlite3_system_errno(db) != 0 ?
		    strerror(sqlite3_system_errno(db)) : sqlite3_errmsg(db));
	case SQLITE_CANTOPEN:
		return cause_set(cause, "cannot open %s: %s", path,
		    sqlite3_errmsg(db));
	default:
		return cause_set(cause, "%s: %s: %s", path, what,
		    sqlite3_errmsg(db));
	}
}

static int
log_exec(struct audit_log *log, const char *sql, char **cause)
{
	if (sqlite3_exec(log->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return log_sqlerr(log, log->db, sql, cause);
	return 0;
}

static void
log_rollback(struct audit_log *log)
{
	if (!sqlite3_get_autocommit(log->db))
		sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
log_free(struct audit_log *log)
{
	if (log == NULL)
		return;
	sqlite3_finalize(log->st_last);
	sqlite3_finalize(log->st_insert);
	sqlite3_finalize(log->st_ckpt_last);
	if (log->db != NULL)
		sqlite3_close(log->db);
	if (log->state_fd != -1)
		close(log->state_fd);
	free(log->db_path);
	free(log->state_path);
	free(log->ckpt_failure);
	free(log->witness_socket);
	free(log->witness_failure);
	free(log);
}

int
audit_create(const char *db, const char *state, struct audit_keys *keys,
    char **cause)
{
	return audit_create_every(db, state, AUDIT_CHECKPOINT_EVERY, keys, cause);
}

int
audit_create_every(const char *db, const char *state, unsigned every,
    struct audit_keys *keys, char **cause)
{
	struct audit_log tmp;
	struct state st;
	uint8_t sk[64];
	sqlite3 *h = NULL;
	sqlite3_stmt *ins = NULL;
	struct stat sb;
	int64_t now = clock_now_ms();

	if (sodium_init() < 0)
		return cause_set(cause, "libsodium could not be initialised");
	if (every < 1 || every > AUDIT_MAX_CHECKPOINT_EVERY)
		return cause_set(cause, "checkpoint_every must be from 1 to %d, "
		    "not %u", AUDIT_MAX_CHECKPOINT_EVERY, every);
	if (lstat(db, &sb) == 0)
		return cause_set(cause, "%s already exists; refusing to overwrite "
		    "an audit log", db);
	if (lstat(state, &sb) == 0)
		return cause_set(cause, "%s already exists; refusing to overwrite "
		    "a key state", state);

	memset(&tmp, 0, sizeof tmp);
	tmp.db_path = (char *)db;
	tmp.timeout_ms = 5000;
	memset(&st, 0, sizeof st);
	randombytes_buf(st.log_id, sizeof st.log_id);
	randombytes_buf(st.k, sizeof st.k);
	randombytes_buf(st.seed, sizeof st.seed);
	st.next_seq = 0;
	st.next_epoch = 0;
	memcpy(keys->log_id, st.log_id, AUDIT_LOGID_LEN);
	memcpy(keys->k0, st.k, AUDIT_KEY_LEN);
	keys->checkpoint_every = every;
	state_seed_keypair(st.seed, keys->pk0, sk);
	sodium_memzero(sk, sizeof sk);

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		cause_set(cause, "cannot create %s: %s", db, h != NULL ?
		    sqlite3_errmsg(h) : "out of memory");
		goto fail;
	}
	/* 16 KiB pages: a full verification reads the log in a quarter of
	 * the page fetches 4 KiB pages need (vigil-audit(5), "Storage"). */
	if (sqlite3_exec(h, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(h, log_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "INSERT INTO meta(key, value) VALUES (?, ?)",
	    -1, &ins, NULL) != SQLITE_OK)
		goto sqlfail;
#define META_PUT(k, v, n) do {						\
	sqlite3_bind_text(ins, 1, k, -1, SQLITE_STATIC);		\
	sqlite3_bind_blob(ins, 2, v, n, SQLITE_STATIC);			\
	if (sqlite3_step(ins) != SQLITE_DONE) goto sqlfail;		\
	sqlite3_reset(ins);						\
} while (0)
	META_PUT("format", LOG_FORMAT, (int)strlen(LOG_FORMAT));
	META_PUT("log_id", st.log_id, AUDIT_LOGID_LEN);
	META_PUT("pk0", keys->pk0, AUDIT_PK_LEN);
	{
		uint8_t created[8];

		be64_put(created, now);
		META_PUT("created_ms", created, 8);
	}
	{
		uint8_t ev[8];

		be64_put(ev, (int64_t)every);
		META_PUT("checkpoint_every", ev, 8);
	}
#undef META_PUT
	sqlite3_finalize(ins);
	ins = NULL;
	if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_close(h);
	h = NULL;
	if (chmod(db, 0600) == -1) {
		cause_set(cause, "%s: %s", db, strerror(errno));
		goto fail;
	}
	if (state_create(state, &st, cause) != 0)
		goto fail;
	state_wipe(&st);
	return 0;

sqlfail:
	log_sqlerr(&tmp, h, "creating the log", cause);
fail:
	state_wipe(&st);
	sodium_memzero(keys, sizeof *keys);
	sqlite3_finalize(ins);
	if (h != NULL)
		sqlite3_close(h);
	unlink(db);
	{
		char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);

		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	return -1;
}

/* Reads one meta value of exactly len bytes (len 0: any, into buf of 64). */
static int
log_meta(struct audit_log *log, const char *key, void *buf, int len,
    char **cause)
{
	sqlite3_stmt *s;
	int rc, n;

	if (sqlite3_prepare_v2(log->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &s, NULL) != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(log->db), "no such table") != NULL)
			return cause_set(cause, "%s is not a vigil audit log (no "
			    "meta table)", log->db_path);
		return log_sqlerr(log, log->db, "reading meta", cause);
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			cause_set(cause, "%s is not a vigil audit log (meta has "
			    "no %s)", log->db_path, key);
		else
			log_sqlerr(log, log->db, "reading meta", cause);
		sqlite3_finalize(s);
		return -1;
	}
	n = sqlite3_column_bytes(s, 0);
	if ((len != 0 && n != len) || (len == 0 && n > 63)) {
		sqlite3_finalize(s);
		return cause_set(cause, "%s is not a vigil audit log (meta %s "
		    "has %d bytes)", log->db_path, key, n);
	}
	memcpy(buf, sqlite3_column_blob(s, 0), (size_t)n);
	if (len == 0)
		((char *)buf)[n] = '\0';
	sqlite3_finalize(s);
	return 0;
}

/* Reads meta checkpoint_every into max_every (a log made before it was
 * recorded: the largest allowed) and sets every from it. */
static int
log_meta_every(struct audit_log *log, char **cause)
{
	sqlite3_stmt *s;
	int64_t v = AUDIT_MAX_CHECKPOINT_EVERY;
	int rc, bad = 0;

	if (sqlite3_prepare_v2(log->db, "SELECT value FROM meta WHERE key = "
	    "'checkpoint_every'", -1, &s, NULL) != SQLITE_OK)
		return log_sqlerr(log, log->db, "reading meta", cause);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != 8)
			bad = 1;
		else
			v = be64_get(sqlite3_column_blob(s, 0));
	} else if (rc != SQLITE_DONE) {
		log_sqlerr(log, log->db, "reading meta", cause);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	if (bad || v < 1 || v > AUDIT_MAX_CHECKPOINT_EVERY)
		return cause_set(cause, "%s is not a vigil audit log (meta "
		    "checkpoint_every is damaged)", log->db_path);
	log->max_every = (unsigned)v;
	log->every = log->max_every < AUDIT_CHECKPOINT_EVERY ? log->max_every :
	    AUDIT_CHECKPOINT_EVERY;
	return 0;
}

static int
log_prepare(struct audit_log *log, sqlite3_stmt **s, const char *sql,
    char **cause)
{
	if (sqlite3_prepare_v3(log->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s,
	    NULL) != SQLITE_OK)
		return log_sqlerr(log, log->db, "preparing a statement", cause);
	return 0;
}

/* Entry count and the newest entry's chain value (chain_-1 when empty). */
static int
log_tail(struct audit_log *log, int64_t *count, uint8_t chain[HASH_LEN],
    char **cause)
{
	int rc;

	sqlite3_reset(log->st_last);
	rc = sqlite3_step(log->st_last);
	if (rc == SQLITE_DONE) {
		*count = 0;
		chain_start(log->log_id, chain);
		sqlite3_reset(log->st_last);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		log_sqlerr(log, log->db, "reading the last entry", cause);
		sqlite3_reset(log->st_last);
		return -1;
	}
	*count = sqlite3_column_int64(log->st_last, 0) + 1;
	if (sqlite3_column_bytes(log->st_last, 1) != HASH_LEN) {
		sqlite3_reset(log->st_last);
		return cause_set(cause, "%s is damaged: entry %lld has no chain "
		    "value; run vigil audit verify", log->db_path,
		    (long long)*count - 1);
	}
	memcpy(chain, sqlite3_column_blob(log->st_last, 1), HASH_LEN);
	sqlite3_reset(log->st_last);
	return 0;
}

/* The newest checkpoint: *epoch -1 when there is none. */
struct log_ckpt {
	int64_t		epoch;
	int64_t		n;
	uint8_t		body[AUDIT_CKPT_LEN];
	uint8_t		frontier[64 * HASH_LEN];
	size_t		frontier_len;
};

static int
log_ckpt_last(struct audit_log *log, struct log_ckpt *ck, char **cause)
{
	int rc;

	ck->epoch = -1;
	ck->n = 0;
	sqlite3_reset(log->st_ckpt_last);
	rc = sqlite3_step(log->st_ckpt_last);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(log->st_ckpt_last);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		log_sqlerr(log, log->db, "reading the last checkpoint", cause);
		sqlite3_reset(log->st_ckpt_last);
		return -1;
	}
	ck->epoch = sqlite3_column_int64(log->st_ckpt_last, 0);
	ck->frontier_len = (size_t)sqlite3_column_bytes(log->st_ckpt_last, 3);
	if (sqlite3_column_bytes(log->st_ckpt_last, 2) != AUDIT_CKPT_LEN ||
	    ck->frontier_len > sizeof ck->frontier) {
		sqlite3_reset(log->st_ckpt_last);
		return cause_set(cause, "%s is damaged: checkpoint %lld is "
		    "malformed; run vigil audit verify", log->db_path,
		    (long long)ck->epoch);
	}
	memcpy(ck->body, sqlite3_column_blob(log->st_ckpt_last, 2), AUDIT_CKPT_LEN);
	ck->n = be64_get(ck->body + 32);	/* the body, not the column */
	memcpy(ck->frontier, sqlite3_column_blob(log->st_ckpt_last, 3),
	    ck->frontier_len);
	sqlite3_reset(log->st_ckpt_last);
	return 0;
}

/* Brings the key state in line with the log: a state that lags entries (a
 * writer died between commit and ratchet) is ratcheted forward, and one a
 * checkpoint behind takes the fresh seed it stored for that checkpoint;
 * one ahead of the log, for another log, or whose checkpoint key is not
 * the one the log names next (pk_0, or the newest checkpoint's pk_{j+1})
 * is an error.  Sets *changed. */
static int
log_sync(struct audit_log *log, struct state *st, int64_t count,
    const struct log_ckpt *ck, int *changed, char **cause)
{
	uint8_t pk[32], sk[64];
	const uint8_t *want_pk = ck->epoch >= 0 ? ck->body + 112 : log->pk0;
	int64_t want_epoch = ck->epoch + 1;
	int ok;

	*changed = 0;
	if (sodium_memcmp(st->log_id, log->log_id, AUDIT_LOGID_LEN) != 0)
		return cause_set(cause, "key state %s belongs to another log",
		    log->state_path);
	if (st->next_seq > count)
		return cause_set(cause, "key state %s is ahead of the log: it "
		    "expects entry %lld next but the log holds %lld entries; "
		    "entries may have been removed (run vigil audit verify)",
		    log->state_path, (long long)st->next_seq, (long long)count);
	if (st->next_epoch > want_epoch)
		return cause_set(cause, "key state %s is ahead of the log: it "
		    "expects checkpoint %lld next but the log's newest is %lld; "
		    "checkpoints may have been removed (run vigil audit verify)",
		    log->state_path, (long long)st->next_epoch,
		    (long long)ck->epoch);
	if (st->next_epoch < want_epoch) {
		/* Killed between committing checkpoint j and storing its
		 * seed: the seed stored before the commit is the one. */
		state_seed_keypair(st->pending, pk, sk);
		ok = st->next_epoch == want_epoch - 1 &&
		    !sodium_is_zero(st->pending, sizeof st->pending) &&
		    memcmp(pk, want_pk, 32) == 0;
		sodium_memzero(sk, sizeof sk);
		if (!ok)
			return cause_set(cause, "key state %s is older than the "
			    "log: it holds the key of checkpoint %lld but the log "
			    "already has checkpoint %lld (a copy restored from "
			    "before it?); refusing to use it", log->state_path,
			    (long long)st->next_epoch, (long long)ck->epoch);
		memcpy(st->seed, st->pending, sizeof st->seed);
		sodium_memzero(st->pending, sizeof st->pending);
		st->next_epoch = want_epoch;
		*changed = 1;
	}
	/* Invariant: the state's seed gives the key the log names next, so
	 * a substituted key state is refused before it signs anything. */
	state_seed_keypair(st->seed, pk, sk);
	sodium_memzero(sk, sizeof sk);
	if (memcmp(pk, want_pk, 32) != 0) {
		if (ck->epoch >= 0)
			return cause_set(cause, "key state %s does not match the "
			    "log: its checkpoint key is not the key checkpoint "
			    "%lld names; refusing a substituted key state",
			    log->state_path, (long long)ck->epoch);
		return cause_set(cause, "key state %s does not match the log: "
		    "its checkpoint key is not the log's pk0; refusing a "
		    "substituted key state", log->state_path);
	}
	while (st->next_seq < count) {
		state_ratchet_key(st->k);
		st->next_seq++;
		*changed = 1;
	}
	return 0;
}

struct audit_log *
audit_open(const char *db, const char *state, int flags, char **cause)
{
	struct audit_log *log;
	struct state st;
	struct log_ckpt ck;
	struct stat sb;
	char format[64];
	uint8_t chain[HASH_LEN];
	int64_t count;
	int changed, oflags;

	if (sodium_init() < 0) {
		cause_set(cause, "libsodium could not be initialised");
		return NULL;
	}
	if (stat(db, &sb) == -1) {
		if (errno == ENOENT)
			cause_set(cause, "audit log %s does not exist (create it "
			    "with vigil audit init)", db);
		else
			cause_set(cause, "audit log %s: %s", db, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		cause_set(cause, "audit log %s is not a regular file", db);
		return NULL;
	}
	if ((flags & AUDIT_OPEN_READONLY) == 0 && access(db, W_OK) == -1) {
		cause_set(cause, "audit log %s is not writable (%s); nothing can "
		    "be logged", db, errno == EROFS ? "read-only file system" :
		    strerror(errno));
		return NULL;
	}
	log = xcalloc(1, sizeof *log);
	log->state_fd = -1;
	log->db_path = xstrdup(db);
	log->state_path = state != NULL ? xstrdup(state) : NULL;
	log->readonly = (flags & AUDIT_OPEN_READONLY) != 0;
	log->every = AUDIT_CHECKPOINT_EVERY;
	log->timeout_ms = 5000;
	log->witness_socket = xstrdup(AUDIT_SYSLOG_SOCKET);

	oflags = log->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(db, &log->db, oflags | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		log_sqlerr(log, log->db, "opening", cause);
		goto fail;
	}
	sqlite3_busy_timeout(log->db, log->timeout_ms);
	if (log_meta(log, "format", format, 0, cause) != 0)
		goto fail;
	if (strcmp(format, LOG_FORMAT) != 0) {
		cause_set(cause, "%s is a log of format '%s', not %s", db,
		    format, LOG_FORMAT);
		goto fail;
	}
	if (log_meta(log, "log_id", log->log_id, AUDIT_LOGID_LEN, cause) != 0 ||
	    log_meta(log, "pk0", log->pk0, AUDIT_PK_LEN, cause) != 0 ||
	    log_meta_every(log, cause) != 0)
		goto fail;
	{
		char what[128];

		switch (log->readonly ? 0 :
		    schema_check(log->db, what, sizeof what)) {
		case 0:
			break;
		case 1:
			cause_set(cause, "%s holds %s, which is not part of a "
			    "vigil audit log (vigil-audit(5), STORAGE); refusing "
			    "to use it (run vigil audit verify)", db, what);
			goto fail;
		default:
			log_sqlerr(log, log->db, "reading the schema", cause);
			goto fail;
		}
	}
	/* The write-ahead log is copied back every 4 MB, whatever the page
	 * size. */
	if (!log->readonly && (log_exec(log, "PRAGMA journal_mode=WAL", cause) ||
	    log_exec(log, "PRAGMA synchronous=FULL", cause) ||
	    log_exec(log, "PRAGMA wal_autocheckpoint=256", cause)))
		goto fail;
	/* Not fatal: without them the review is slower, nothing else. */
	if (!log->readonly)
		(void)sqlite3_exec(log->db, log_review_indexes, NULL, NULL, NULL);
	if (log_prepare(log, &log->st_last, "SELECT seq, chain FROM entry "
	    "ORDER BY seq DESC LIMIT 1", cause) ||
	    log_prepare(log, &log->st_ckpt_last, "SELECT epoch, n, body, frontier "
	    "FROM checkpoint ORDER BY epoch DESC LIMIT 1", cause))
		goto fail;
	if (log->readonly)
		return log;

	if (state == NULL) {
		cause_set(cause, "no key state file given; appending needs one");
		goto fail;
	}
	if (log_prepare(log, &log->st_insert, "INSERT INTO entry(seq, body, "
	    "chain, mac, time_ms, actor, action, camera, from_ms, to_ms, "
	    "reason_code, reference, details, terminal) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?)", cause))
		goto fail;
	if ((log->state_fd = state_open(state, cause)) == -1)
		goto fail;
	if (state_lock(log->state_fd, log->timeout_ms, cause) != 0)
		goto fail;
	if (log_exec(log, "BEGIN IMMEDIATE", cause) != 0)
		goto unlock;
	if (state_read(log->state_fd, state, &st, cause) != 0)
		goto rollback;
	if (log_tail(log, &count, chain, cause) != 0 ||
	    log_ckpt_last(log, &ck, cause) != 0 ||
	    log_sync(log, &st, count, &ck, &changed, cause) != 0)
		goto wipe;
	if (changed && state_write(log->state_fd, state, &st, cause) != 0)
		goto wipe;
	state_wipe(&st);
	log_rollback(log);
	state_unlock(log->state_fd);
	return log;

wipe:
	state_wipe(&st);
rollback:
	log_rollback(log);
unlock:
	state_unlock(log->state_fd);
fail:
	log_free(log);
	return NULL;
}

void
audit_close(struct audit_log *log)
{
	log_free(log);
}

void
audit_set_checkpoint_every(struct audit_log *log, unsigned n)
{
	log->every = n == 0 || n > log->max_every ? log->max_every : n;
}

unsigned
audit_checkpoint_every(struct audit_log *log)
{
	return log->every;
}

const char *
audit_checkpoint_failure(struct audit_log *log)
{
	return log->ckpt_failure;
}

void
audit_set_witness_socket(struct audit_log *log, const char *path)
{
	free(log->witness_socket);
	log->witness_socket = path != NULL ? xstrdup(path) : NULL;
}

const char *
audit_witness_failure(struct audit_log *log)
{
	return log->witness_failure;
}

/* Sends the witness line of a checkpoint; a line that cannot be sent is
 * remembered for audit_witness_failure() (the collector sees a silence). */
static int
log_witness(struct audit_log *log, enum audit_witness_kind kind,
    const uint8_t body[AUDIT_CKPT_LEN], const uint8_t sig[AUDIT_SIG_LEN],
    char **cause)
{
	char line[AUDIT_WITNESS_LINE_MAX], *why = NULL;

	free(log->witness_failure);
	log->witness_failure = NULL;
	if (log->witness_socket == NULL)
		return 0;
	if (witness_line(line, sizeof line, kind, body, sig) != 0)
		return cause_set(cause, "witness line too long");
	if (witness_emit(log->witness_socket, LOG_NOTICE, line, &why) == 0)
		return 0;
	log->witness_failure = xasprintf("witness line of checkpoint %lld not "
	    "sent: %s", (long long)be64_get(body + 24), why);
	cause_set(cause, "%s", log->witness_failure);
	free(why);
	return -1;
}

void
audit_set_timeout(struct audit_log *log, int ms)
{
	log->timeout_ms = ms;
	sqlite3_busy_timeout(log->db, ms);
}

void
audit_ids(struct audit_log *log, uint8_t log_id[AUDIT_LOGID_LEN],
    uint8_t pk0[AUDIT_PK_LEN])
{
	memcpy(log_id, log->log_id, AUDIT_LOGID_LEN);
	memcpy(pk0, log->pk0, AUDIT_PK_LEN);
}

int64_t
audit_count(struct audit_log *log)
{
	uint8_t chain[HASH_LEN];
	int64_t count;

	if (log_tail(log, &count, chain, NULL) != 0)
		return -1;
	return count;
}

static void
log_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v != NULL ? v : "", -1, SQLITE_STATIC);
}

/* Binds and inserts one entry row. */
static int
log_insert(struct audit_log *log, const struct audit_entry *e, int64_t seq,
    const uint8_t *body, size_t len, const uint8_t chain[HASH_LEN],
    const uint8_t mac[HASH_LEN], char **cause)
{
	sqlite3_stmt *s = log->st_insert;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_blob(s, 2, body, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, chain, HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, mac, HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, e->time_ms);
	log_bind_text(s, 6, e->actor);
	log_bind_text(s, 7, e->action);
	log_bind_text(s, 8, e->camera);
	sqlite3_bind_int64(s, 9, e->from_ms);
	sqlite3_bind_int64(s, 10, e->to_ms);
	log_bind_text(s, 11, e->reason_code);
	log_bind_text(s, 12, e->reference);
	sqlite3_bind_text(s, 13, e->details != NULL ? e->details : "{}", -1,
	    SQLITE_STATIC);
	log_bind_text(s, 14, e->terminal);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		log_sqlerr(log, log->db, "adding the entry", cause);
	else if (sqlite3_changes(log->db) != 1) {
		/* Invariant 1: a seq is reported only for a stored row. */
		cause_set(cause, "%s: entry %lld was not stored (the database "
		    "dropped the row: something vigil-audit(5) does not list, "
		    "such as a trigger, is in the log); nothing was logged",
		    log->db_path, (long long)seq);
		rc = SQLITE_ERROR;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Appends n entries in one transaction under the lock; returns the seq of
 * the first. */
static int64_t
log_append_locked(struct audit_log *log, const struct audit_entry *e,
    size_t n, char **cause)
{
	struct state st;
	struct log_ckpt ck;
	uint8_t chain[HASH_LEN], leaf[HASH_LEN], mac[HASH_LEN], seqbe[8];
	uint8_t *body = NULL;
	size_t len, i;
	int64_t count, seq;
	int changed;

	if (log_exec(log, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	if (state_read(log->state_fd, log->state_path, &st, cause) != 0) {
		log_rollback(log);
		return -1;
	}
	if (log_tail(log, &count, chain, cause) != 0 ||
	    log_ckpt_last(log, &ck, cause) != 0 ||
	    log_sync(log, &st, count, &ck, &changed, cause) != 0)
		goto fail;

	for (i = 0; i < n; i++) {
		seq = count + (int64_t)i;
		if (body_encode(&e[i], seq, &body, &len, cause) != 0)
			goto fail;
		hash_parts(leaf, NULL, 2, &log_leaf_tag, (size_t)1, body, len);
		hash_parts(chain, NULL, 3, &log_chain_tag, (size_t)1, chain,
		    (size_t)HASH_LEN, leaf, (size_t)HASH_LEN);
		be64_put(seqbe, seq);
		hash_parts(mac, st.k, 3, &log_mac_tag, (size_t)1, seqbe,
		    (size_t)8, chain, (size_t)HASH_LEN);
		if (fault_point("audit", "insert", cause) != 0 ||
		    log_insert(log, &e[i], seq, body, len, chain, mac, cause) != 0)
			goto fail;
		free(body);
		body = NULL;
		state_ratchet_key(st.k);	/* in memory until committed */
	}
	if (fault_point("audit", "commit", cause) != 0)
		goto fail;
	if (sqlite3_exec(log->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_sqlerr(log, log->db, "committing the entry", cause);
		goto fail;
	}

	/* Committed: store the ratcheted key, so k_i no longer exists. */
	st.next_seq = count + (int64_t)n;
	if (fault_point("audit", "state", cause) != 0 ||
	    state_write(log->state_fd, log->state_path, &st, cause) != 0) {
		state_wipe(&st);
		cause_set(cause, "entry %lld was logged, but the key state could "
		    "not be updated: %s", (long long)count, cause != NULL &&
		    *cause != NULL ? *cause : "error");
		return -1;
	}
	state_wipe(&st);
	return count;

fail:
	state_wipe(&st);
	free(body);
	log_rollback(log);
	return -1;
}

/* Makes a checkpoint under the lock, dated now (ms); returns its epoch
 * (see audit_checkpoint()). */
static int64_t
log_checkpoint_locked(struct audit_log *log, int64_t now, char **cause)
{
	struct state st;
	struct log_ckpt ck;
	struct merkle m;
	sqlite3_stmt *s = NULL;
	uint8_t chain[HASH_LEN], tail[HASH_LEN], leaf[HASH_LEN], root[HASH_LEN];
	uint8_t body[AUDIT_CKPT_LEN], sig[AUDIT_SIG_LEN], pk[32], sk[64];
	uint8_t next_seed[AUDIT_KEY_LEN], pk_next[32], frontier[64 * HASH_LEN];
	int64_t count, epoch, seq, expect;
	size_t flen;
	int changed, rc;

	if (log_exec(log, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	if (state_read(log->state_fd, log->state_path, &st, cause) != 0) {
		log_rollback(log);
		return -1;
	}
	if (log_tail(log, &count, tail, cause) != 0 ||
	    log_ckpt_last(log, &ck, cause) != 0 ||
	    log_sync(log, &st, count, &ck, &changed, cause) != 0)
		goto fail;
	if (count == ck.n) {
		/* Nothing added since the newest checkpoint. */
		if (changed && state_write(log->state_fd, log->state_path, &st,
		    cause) != 0)
			goto fail;
		state_wipe(&st);
		log_rollback(log);
		return ck.epoch >= 0 ? ck.epoch : -2;
	}

	/* Start from the newest checkpoint's frontier, checked against its
	 * root, then add every entry since, checking each chain value. */
	if (ck.epoch >= 0) {
		int bad = merkle_load(&m, (uint64_t)ck.n, ck.frontier,
		    ck.frontier_len) != 0;

		if (!bad) {
			merkle_root(&m, root);
			bad = memcmp(root, ck.body + 40, HASH_LEN) != 0;
		}
		if (bad) {
			cause_set(cause, "%s: the stored frontier of checkpoint "
			    "%lld does not give the root it signed, so no "
			    "checkpoint can be made (run vigil audit verify)",
			    log->db_path, (long long)ck.epoch);
			goto fail;
		}
		memcpy(chain, ck.body + 72, HASH_LEN);
	} else {
		merkle_init(&m);
		chain_start(log->log_id, chain);
	}
	if (sqlite3_prepare_v2(log->db, "SELECT seq, body, chain FROM entry "
	    "WHERE seq >= ? ORDER BY seq", -1, &s, NULL) != SQLITE_OK) {
		log_sqlerr(log, log->db, "reading entries", cause);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, ck.n);
	expect = ck.n;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		hash_parts(leaf, NULL, 2, &log_leaf_tag, (size_t)1,
		    sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1));
		hash_parts(chain, NULL, 3, &log_chain_tag, (size_t)1, chain,
		    (size_t)HASH_LEN, leaf, (size_t)HASH_LEN);
		if (seq != expect || sqlite3_column_bytes(s, 2) != HASH_LEN ||
		    memcmp(chain, sqlite3_column_blob(s, 2), HASH_LEN) != 0) {
			cause_set(cause, "entry %lld does not match the chain; "
			    "refusing to sign a checkpoint over a damaged log (run "
			    "vigil audit verify)", (long long)expect);
			goto fail;
		}
		merkle_add(&m, leaf);
		expect++;
	}
	if (rc != SQLITE_DONE) {
		log_sqlerr(log, log->db, "reading entries", cause);
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (expect != count)
		goto damaged;
	merkle_root(&m, root);
	flen = merkle_save(&m, frontier, sizeof frontier);

	/* The next checkpoint key comes from fresh randomness, not from
	 * this one: a copy of the state yields no key after the next.  The
	 * seed is stored (as pending) before the checkpoint naming its key
	 * is committed, so a writer killed in between loses nothing. */
	epoch = ck.epoch + 1;
	randombytes_buf(next_seed, sizeof next_seed);
	state_seed_keypair(next_seed, pk_next, sk);
	memcpy(st.pending, next_seed, sizeof st.pending);
	if (fault_point("audit", "checkpoint-pending", cause) != 0 ||
	    state_write(log->state_fd, log->state_path, &st, cause) != 0)
		goto fail;
	ckpt_encode(body, log->log_id, epoch, count, root, chain, now, pk_next);
	state_seed_keypair(st.seed, pk, sk);
	crypto_sign_detached(sig, NULL, body, sizeof body, sk);
	sodium_memzero(sk, sizeof sk);

	if (fault_point("audit", "checkpoint-insert", cause) != 0)
		goto fail;
	if (sqlite3_prepare_v2(log->db, "INSERT INTO checkpoint(epoch, n, body, "
	    "sig, frontier) VALUES (?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(s, 1, epoch);
	sqlite3_bind_int64(s, 2, count);
	sqlite3_bind_blob(s, 3, body, sizeof body, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, sig, sizeof sig, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, frontier, (int)flen, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto sqlfail;
	if (sqlite3_changes(log->db) != 1) {
		cause_set(cause, "%s: checkpoint %lld was not stored (the "
		    "database dropped the row)", log->db_path, (long long)epoch);
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (fault_point("audit", "checkpoint-commit", cause) != 0)
		goto fail;
	if (sqlite3_exec(log->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;

	memcpy(st.seed, next_seed, sizeof st.seed);
	sodium_memzero(st.pending, sizeof st.pending);
	sodium_memzero(next_seed, sizeof next_seed);
	st.next_epoch = epoch + 1;
	if (fault_point("audit", "checkpoint-state", cause) != 0 ||
	    state_write(log->state_fd, log->state_path, &st, cause) != 0) {
		state_wipe(&st);
		return -1;
	}
	state_wipe(&st);

	/* Off the machine as it is made; a line that cannot be sent does
	 * not undo the checkpoint. */
	(void)log_witness(log, AUDIT_WITNESS_CHECKPOINT, body, sig, NULL);
	return epoch;

damaged:
	cause_set(cause, "%s does not match its newest checkpoint; refusing to "
	    "sign a checkpoint (run vigil audit verify)", log->db_path);
	goto fail;
sqlfail:
	log_sqlerr(log, log->db, "adding the checkpoint", cause);
fail:
	sodium_memzero(next_seed, sizeof next_seed);
	sodium_memzero(sk, sizeof sk);
	state_wipe(&st);
	sqlite3_finalize(s);
	log_rollback(log);
	return -1;
}

/* Remembers why a checkpoint could not be made (NULL: it was made), for
 * audit_checkpoint_failure(), and sends it to syslog, where the
 * checkpoints go. */
static void
log_checkpoint_result(struct audit_log *log, const char *why)
{
	char hid[2 * AUDIT_LOGID_LEN + 1], *line;

	free(log->ckpt_failure);
	log->ckpt_failure = NULL;
	if (why == NULL)
		return;
	log->ckpt_failure = xasprintf("entries are logged, but no checkpoint "
	    "can be made: %s", why);
	if (log->witness_socket == NULL)
		return;
	sodium_bin2hex(hid, sizeof hid, log->log_id, AUDIT_LOGID_LEN);
	line = xasprintf("audit checkpoint FAILED log_id=%s: %.700s", hid, why);
	(void)witness_emit(log->witness_socket, LOG_ERR, line, NULL);
	free(line);
}

/* Logs an automatic checkpoint that could not be made as a
 * checkpoint-failed entry, once until one is made again (under the lock;
 * vigil-audit(5), ACTIONS). */
static void
log_checkpoint_failed_entry(struct audit_log *log, const char *why,
    int64_t count, int64_t covered)
{
	struct audit_entry e;
	json_t *d;
	char *details;

	if (log->ckpt_failure_logged)
		return;
	log->ckpt_failure_logged = 1;
	d = json_pack("{s:s, s:I, s:I}", "error", why, "entries", (json_int_t)count,
	    "covered", (json_int_t)covered);
	details = d != NULL ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(d);
	if (details == NULL)
		return;
	memset(&e, 0, sizeof e);
	e.time_ms = clock_now_ms();
	e.actor = "vigil";
	e.action = "checkpoint-failed";
	e.details = details;
	/* Best effort: when even this cannot be written, the failure is
	 * still reported and in syslog. */
	if (body_check(&e, NULL) == 0)
		(void)log_append_locked(log, &e, 1, NULL);
	free(details);
}

/* Makes the automatic checkpoint when it is due (under the lock). */
static void
log_checkpoint_due(struct audit_log *log)
{
	struct log_ckpt ck;
	int64_t count = -1;
	char *why = NULL;

	/* A failed automatic checkpoint is reported (the entry stays
	 * logged), logged, and tried again before the next append. */
	if (log->every > 0 && log_ckpt_last(log, &ck, &why) == 0 &&
	    (count = audit_count(log)) >= 0 &&
	    count - ck.n >= (int64_t)log->every) {
		if (log_checkpoint_locked(log, clock_now_ms(), &why) >= 0) {
			log_checkpoint_result(log, NULL);
			log->ckpt_failure_logged = 0;
			return;
		}
		if (why != NULL) {
			log_checkpoint_result(log, why);
			log_checkpoint_failed_entry(log, why, count, ck.n);
		}
		free(why);
		return;
	}
	if (why != NULL)
		log_checkpoint_result(log, why);
	free(why);
}

int64_t
audit_append(struct audit_log *log, const struct audit_entry *e, char **cause)
{
	return audit_append_many(log, e, 1, cause);
}

int64_t
audit_append_many(struct audit_log *log, const struct audit_entry *e,
    size_t n, char **cause)
{
	struct audit_entry *copy;
	int64_t first = -1, seq, now = clock_now_ms();
	size_t i, done = 0, chunk;
	struct log_ckpt ck;

	if (log->readonly)
		return cause_set(cause, "the audit log was opened read-only");
	if (n == 0)
		return cause_set(cause, "no entries to append");
	if ((copy = malloc(n * sizeof *copy)) == NULL)
		return cause_set(cause, "out of memory");
	for (i = 0; i < n; i++) {
		copy[i] = e[i];
		if (copy[i].time_ms == 0)
			copy[i].time_ms = now;
		if (body_check(&copy[i], cause) != 0) {
			free(copy);
			return -1;
		}
	}
	if (state_lock(log->state_fd, log->timeout_ms, cause) != 0) {
		free(copy);
		return -1;
	}
	/* One transaction up to each automatic checkpoint; one overdue (it
	 * failed before) is tried first. */
	while (done < n) {
		log_checkpoint_due(log);
		chunk = n - done;
		if (log->every > 0 && log_ckpt_last(log, &ck, NULL) == 0 &&
		    (seq = audit_count(log)) >= 0) {
			int64_t room = ck.n + (int64_t)log->every - seq;

			if (room > 0 && (size_t)room < chunk)
				chunk = (size_t)room;
		}
		if ((seq = log_append_locked(log, copy + done, chunk, cause)) < 0)
			break;
		if (first < 0)
			first = seq;
		done += chunk;
		log_checkpoint_due(log);
	}
	state_unlock(log->state_fd);
	free(copy);
	return done == n ? first : -1;
}

int64_t
audit_checkpoint(struct audit_log *log, char **cause)
{
	int64_t epoch;

	if (log->readonly)
		return cause_set(cause, "the audit log was opened read-only");
	if (state_lock(log->state_fd, log->timeout_ms, cause) != 0)
		return -1;
	epoch = log_checkpoint_locked(log, clock_now_ms(), cause);
	if (epoch >= 0 || epoch == -2) {
		log_checkpoint_result(log, NULL);
		log->ckpt_failure_logged = 0;
	} else
		log_checkpoint_result(log, cause != NULL && *cause != NULL ?
		    *cause : "error");
	state_unlock(log->state_fd);
	return epoch;
}

/* The time of the first entry, -1 when there is none. */
static int
log_first_time(struct audit_log *log, int64_t *ms, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	*ms = -1;
	if (sqlite3_prepare_v2(log->db, "SELECT time_ms FROM entry ORDER BY seq "
	    "LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return log_sqlerr(log, log->db, "reading the first entry", cause);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*ms = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return log_sqlerr(log, log->db, "reading the first entry", cause);
	return 0;
}

/* 1 when a heartbeat is due at now_ms: interval_ms since the newest
 * checkpoint (or that long before it, the clock having gone back), or
 * with none since the first entry (an empty log has nothing to
 * witness); 0 when not, -1 when the log cannot be read. */
static int
log_heartbeat_due(struct audit_log *log, int64_t now_ms, int64_t interval_ms,
    char **cause)
{
	struct log_ckpt ck;
	int64_t age, since;

	if (log_ckpt_last(log, &ck, cause) != 0)
		return -1;
	if (ck.epoch >= 0)
		since = be64_get(ck.body + 104);
	else if (log_first_time(log, &since, cause) != 0)
		return -1;
	age = now_ms - since;
	return since >= 0 && (age >= interval_ms || age <= -interval_ms);
}

int
audit_heartbeat(struct audit_log *log, int64_t now_ms, int64_t interval_ms,
    const char *terminal, char **cause)
{
	struct audit_entry e;
	char details[64];
	int64_t epoch;
	int due;

	if (log->readonly)
		return cause_set(cause, "the audit log was opened read-only");
	if (interval_ms <= 0)
		return cause_set(cause, "no heartbeat interval");
	/* A look without the writers' lock first (the terminal looks every
	 * few seconds); then, under it, again: of several terminals on one
	 * log the first makes the heartbeat and the others see its
	 * checkpoint. */
	if ((due = log_heartbeat_due(log, now_ms, interval_ms, cause)) != 1)
		return due;
	if (state_lock(log->state_fd, log->timeout_ms, cause) != 0)
		return -1;
	if ((due = log_heartbeat_due(log, now_ms, interval_ms, cause)) != 1) {
		state_unlock(log->state_fd);
		return due;
	}
	snprintf(details, sizeof details, "{\"interval_s\":%lld}",
	    (long long)(interval_ms / 1000));
	memset(&e, 0, sizeof e);
	e.time_ms = now_ms;
	e.actor = "vigil";
	e.action = "heartbeat";
	e.details = details;
	e.terminal = terminal;
	if (body_check(&e, cause) != 0 || log_append_locked(log, &e, 1,
	    cause) < 0) {
		state_unlock(log->state_fd);
		return -1;
	}
	epoch = log_checkpoint_locked(log, now_ms, cause);
	if (epoch >= 0) {
		log_checkpoint_result(log, NULL);
		log->ckpt_failure_logged = 0;
	} else
		log_checkpoint_result(log, cause != NULL && *cause != NULL ?
		    *cause : "error");
	state_unlock(log->state_fd);
	return epoch >= 0 ? 1 : -1;
}

int
audit_witness_stop(struct audit_log *log, char **cause)
{
	struct audit_ckpt_info ck;
	int64_t epoch;
	int rc;

	if ((epoch = audit_checkpoint(log, cause)) == -1)
		return -1;
	if (epoch == -2)
		return cause_set(cause, "the log has no checkpoint to stop with");
	if ((rc = audit_checkpoint_latest(log, &ck, cause)) != 0)
		return rc == 1 ? cause_set(cause, "the log has no checkpoint "
		    "to stop with") : -1;
	return log_witness(log, AUDIT_WITNESS_STOP, ck.body, ck.sig, cause);
}

int
audit_checkpoint_latest(struct audit_log *log, struct audit_ckpt_info *info,
    char **cause)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(log->db, "SELECT epoch, body, sig FROM checkpoint "
	    "ORDER BY epoch DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return log_sqlerr(log, log->db, "reading checkpoints", cause);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		log_sqlerr(log, log->db, "reading checkpoints", cause);
		sqlite3_finalize(s);
		return -1;
	}
	if (sqlite3_column_bytes(s, 1) != AUDIT_CKPT_LEN ||
	    sqlite3_column_bytes(s, 2) != AUDIT_SIG_LEN) {
		sqlite3_finalize(s);
		return cause_set(cause, "%s is damaged: checkpoint is malformed",
		    log->db_path);
	}
	memcpy(info->body, sqlite3_column_blob(s, 1), AUDIT_CKPT_LEN);
	memcpy(info->sig, sqlite3_column_blob(s, 2), AUDIT_SIG_LEN);
	sqlite3_finalize(s);
	memcpy(info->log_id, info->body + 8, AUDIT_LOGID_LEN);
	info->epoch = be64_get(info->body + 24);
	info->n = be64_get(info->body + 32);
	memcpy(info->root, info->body + 40, HASH_LEN);
	memcpy(info->chain, info->body + 72, HASH_LEN);
	info->time_ms = be64_get(info->body + 104);
	return 0;
}

sqlite3 *
log_db(struct audit_log *log)
{
	return log->db;
}

unsigned
log_max_every(struct audit_log *log)
{
	return log->max_every;
}

const char *
log_path(struct audit_log *log)
{
	return log->db_path;
}
