/* verify — checking a log end to end: bodies, chain, MACs, derived columns,
 * Merkle roots and checkpoint signatures (vigil-audit(5), "Verification"). */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

struct verify {
	sqlite3		*db;
	sqlite3_stmt	*entries;
	sqlite3_stmt	*ckpts;
	struct audit_verify_result *r;
	uint8_t		 log_id[AUDIT_LOGID_LEN];
	uint8_t		 pk[AUDIT_PK_LEN];
	/* The next stored checkpoint, when have_ck. */
	int		 have_ck;
	int64_t		 ck_epoch;
	int64_t		 ck_n;
	uint8_t		 ck_body[AUDIT_CKPT_LEN];
	uint8_t		 ck_sig[AUDIT_SIG_LEN];
	int		 ck_malformed;
	uint8_t		 ck_frontier[64 * HASH_LEN];
	size_t		 ck_frontier_len;	/* > sizeof: not a frontier */
	int64_t		 expect_epoch;
	int64_t		 prev_n;
	int64_t		 every;		/* checkpoint_every */
	int64_t		 uncovered_ckpt;	/* first `checkpoint` entry after
					 * the last checked checkpoint, -1 */
	char		*storage;
	size_t		 storage_len;
	/* Where the first failure lies in the order of vigil-audit(5):
	 * (position, phase); see verify_fail(). */
	int64_t		 at_pos;
	int		 at_phase;
	int64_t		 fail_pos;
	int		 fail_phase;
	atomic_llong	*stop_pos;	/* tells the others where to stop */
	/* The other thread's rows: with k0, each row's MAC inputs (ring),
	 * and the chain and Merkle tree are this thread's (m); without, each
	 * entry's leaf and chain column (tree), for the chain and tree
	 * there. */
	struct verify_ring *ring;
	struct verify_ring *tree;
	struct merkle	 m;
};

/* Phases of the checks at one position, in the order they are made. */
enum {
	PH_DELETED = 1, PH_MALFORMED, PH_MISPLACED, PH_CHAIN, PH_COLUMNS,
	PH_MAC, PH_HELD, PH_CKPT_FORM, PH_CKPT_SIG, PH_CKPT_ROOT,
	PH_CKPT_FRONTIER, PH_END
};

/* The second thread, fed by the main thread through a ring.  With k0 it
 * checks every entry's MAC and the checkpoints' signatures (the main
 * thread the rest); without, the main thread has less to do, and this one
 * checks the chain, builds the Merkle tree and checks the checkpoint the
 * caller holds and each checkpoint's signature, root and chain: either
 * way the two share the work about evenly on two cores. */
struct verify_worker {
	sqlite3		*db;
	uint8_t		 k[AUDIT_KEY_LEN];
	int		 have_k;
	int		 tree;		/* the Merkle tree is this thread's */
	uint8_t		 pk[AUDIT_PK_LEN];
	uint8_t		 log_id[AUDIT_LOGID_LEN];
	int64_t		 max_epoch;
	const struct audit_ckpt_info *held;	/* tree: the caller's, or NULL */
	int64_t		 verified;	/* checkpoints it checked, in order */
	atomic_llong	*stop_pos;
	/* The worker's first failure. */
	enum audit_fault fault;
	int64_t		 seq;
	int64_t		 pos;
	int		 phase;
	char		 detail[256];
	char		*error;
	struct verify_ring *ring;	/* the rows it checks */
};

/* One pass over the entries: the main thread, which reads every row
 * anyway, hands the second thread each row's seq, chain and mac columns
 * (with k0) or its seq, leaf and chain column (without) through a ring
 * (published a batch at a time under the mutex), so that the second
 * thread needs no walk of the table of its own. */
#define VERIFY_RING_SLOTS	8192
#define VERIFY_RING_BATCH	1024

struct verify_slot {
	int64_t		 seq;
	uint8_t		 chain[HASH_LEN];
	uint8_t		 mac[HASH_LEN];	/* with k0 */
	uint8_t		 leaf[HASH_LEN];	/* without */
	int		 ok;		/* the columns handed over are 32 bytes */
};

struct verify_ring {
	struct verify_slot *slot;
	pthread_mutex_t	 mu;
	pthread_cond_t	 more;		/* head moved, or closed */
	pthread_cond_t	 space;		/* tail moved, or quit */
	int64_t		 head;		/* published (under mu) */
	int64_t		 tail;		/* consumed (under mu) */
	int		 closed;	/* the main thread pushes no more */
	int		 quit;		/* the worker takes no more */
	/* The main thread's own. */
	int64_t		 local;		/* written, not yet published */
	int64_t		 tail_seen;
	int		 off;		/* the worker quit: stop pushing */
};

/* The worker's walk along the checkpoint signatures. */
struct verify_sigs {
	sqlite3_stmt	*s;
	int64_t		 j;
	int64_t		 prev_n;
	int64_t		 n;		/* of the loaded one */
	int		 loaded;
	int		 done;
	uint8_t		 body[AUDIT_CKPT_LEN];
	uint8_t		 sig[AUDIT_SIG_LEN];
	uint8_t		 frontier[64 * HASH_LEN];
	size_t		 frontier_len;
};

static const uint8_t verify_leaf_tag = 0x00, verify_chain_tag = 0x02,
    verify_mac_tag = 0x03;

static const char *verify_columns[] = { "time_ms", "actor", "action",
    "camera", "from_ms", "to_ms", "reason_code", "reference", "details",
    "terminal" };

const char *
audit_fault_name(enum audit_fault f)
{
	switch (f) {
	case AUDIT_OK:			return "intact";
	case AUDIT_EDITED:		return "edited";
	case AUDIT_INSERTED:		return "inserted";
	case AUDIT_DELETED:		return "deleted";
	case AUDIT_REORDERED:		return "reordered";
	case AUDIT_MAC:			return "MAC";
	case AUDIT_CKPT_SIG:		return "checkpoint signature";
	case AUDIT_CKPT_MISMATCH:	return "checkpoint mismatch";
	case AUDIT_TRUNCATED:		return "truncated below checkpoint";
	case AUDIT_NOT_LOG:		return "not a log";
	case AUDIT_CKPT_FRONTIER:	return "checkpoint frontier";
	case AUDIT_CKPT_MISSING:	return "checkpoint missing";
	case AUDIT_SCHEMA:		return "schema";
	}
	return "unknown";
}

static int verify_fail(struct verify *, enum audit_fault, int64_t,
    const char *, ...) __attribute__((format(printf, 4, 5)));
static void ring_push(struct verify_ring *, sqlite3_stmt *);
static void ring_push_leaf(struct verify_ring *, sqlite3_stmt *,
    const uint8_t *);
static void ring_close(struct verify_ring *);
static void verify_worker_fail(struct verify_worker *, enum audit_fault,
    int64_t, int64_t, int, const char *, ...)
    __attribute__((format(printf, 6, 7)));
static int frontier_differs(const struct merkle *, const uint8_t *, size_t);

/* Tells every thread that nothing after pos counts (the earliest
 * failure so far wins). */
static void
stop_at(atomic_llong *stop_pos, int64_t pos)
{
	long long cur = atomic_load(stop_pos);

	while (pos < cur && !atomic_compare_exchange_weak(stop_pos, &cur, pos))
		;
}

/* Records the main thread's first failure; returns 1 so callers can
 * stop. */
static int
verify_fail(struct verify *v, enum audit_fault f, int64_t seq,
    const char *fmt, ...)
{
	va_list ap;

	v->r->fault = f;
	v->r->seq = seq;
	v->fail_pos = v->at_pos;
	v->fail_phase = v->at_phase;
	if (v->stop_pos != NULL)
		stop_at(v->stop_pos, v->at_pos);
	va_start(ap, fmt);
	vsnprintf(v->r->detail, sizeof v->r->detail, fmt, ap);
	va_end(ap);
	utf8_cut_tail(v->r->detail);
	return 1;
}

/* Loads the next stored checkpoint into v (have_ck 0 at the end). */
static int
verify_next_ckpt(struct verify *v, char **cause)
{
	int rc = sqlite3_step(v->ckpts);

	v->have_ck = 0;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return cause_set(cause, "reading checkpoints: %s",
		    sqlite3_errmsg(v->db));
	v->have_ck = 1;
	v->ck_epoch = sqlite3_column_int64(v->ckpts, 0);
	v->ck_malformed = sqlite3_column_bytes(v->ckpts, 1) != AUDIT_CKPT_LEN ||
	    sqlite3_column_bytes(v->ckpts, 2) != AUDIT_SIG_LEN;
	if (!v->ck_malformed) {
		memcpy(v->ck_body, sqlite3_column_blob(v->ckpts, 1), AUDIT_CKPT_LEN);
		memcpy(v->ck_sig, sqlite3_column_blob(v->ckpts, 2), AUDIT_SIG_LEN);
		v->ck_n = be64_get(v->ck_body + 32);
		/* The n column serves appends; it must say what the body says. */
		if (sqlite3_column_type(v->ckpts, 3) != SQLITE_INTEGER ||
		    sqlite3_column_int64(v->ckpts, 3) != v->ck_n)
			v->ck_malformed = 1;
		v->ck_frontier_len = (size_t)sqlite3_column_bytes(v->ckpts, 4);
		if (sqlite3_column_type(v->ckpts, 4) != SQLITE_BLOB ||
		    v->ck_frontier_len > sizeof v->ck_frontier)
			v->ck_frontier_len = sizeof v->ck_frontier + 1;
		else if (v->ck_frontier_len > 0)
			memcpy(v->ck_frontier, sqlite3_column_blob(v->ckpts, 4),
			    v->ck_frontier_len);
	} else {
		v->ck_n = -1;
	}
	return 0;
}

/* Checks the stored checkpoint in v, reached by the entries (newest chain
 * value chain): its form, and its root and chain when the Merkle tree is
 * this thread's (its signature is the other thread's).  Returns 1 on a
 * failure. */
static int
verify_ckpt(struct verify *v, const uint8_t *chain)
{
	uint8_t root[HASH_LEN];
	int64_t j = v->expect_epoch;

	v->at_pos = v->ck_n > 0 ? v->ck_n - 1 : v->prev_n;
	v->at_phase = PH_CKPT_FORM;
	if (v->ck_epoch != j)
		return verify_fail(v, AUDIT_CKPT_SIG, v->prev_n, "checkpoint %lld "
		    "is missing (the next stored is %lld)", (long long)j,
		    (long long)v->ck_epoch);
	if (v->ck_malformed || memcmp(v->ck_body, CKPT_MAGIC, 8) != 0 ||
	    memcmp(v->ck_body + 8, v->log_id, AUDIT_LOGID_LEN) != 0 ||
	    be64_get(v->ck_body + 24) != j || v->ck_n <= v->prev_n)
		return verify_fail(v, AUDIT_CKPT_SIG, v->prev_n, "checkpoint %lld "
		    "is malformed", (long long)j);
	v->at_phase = PH_CKPT_ROOT;
	if (v->tree == NULL) {
		merkle_root(&v->m, root);
		if (memcmp(root, v->ck_body + 40, HASH_LEN) != 0 ||
		    memcmp(chain, v->ck_body + 72, HASH_LEN) != 0)
			return verify_fail(v, AUDIT_CKPT_MISMATCH, v->prev_n,
			    "entries %lld to %lld do not give the root and "
			    "chain signed in checkpoint %lld",
			    (long long)v->prev_n, (long long)v->ck_n - 1,
			    (long long)j);
		v->at_phase = PH_CKPT_FRONTIER;
		if (frontier_differs(&v->m, v->ck_frontier, v->ck_frontier_len))
			return verify_fail(v, AUDIT_CKPT_FRONTIER, v->prev_n,
			    "the stored frontier of checkpoint %lld does not "
			    "match the entries it covers: no later checkpoint "
			    "can be made", (long long)j);
	}
	v->prev_n = v->ck_n;
	v->expect_epoch++;
	v->uncovered_ckpt = -1;
	return 0;
}

/* Whether a stored frontier differs from the tree's (vigil-audit(5),
 * "STORAGE": the roots of its perfect subtrees, largest first). */
static int
frontier_differs(const struct merkle *m, const uint8_t *stored, size_t len)
{
	uint8_t fr[64 * HASH_LEN];
	size_t n = merkle_save(m, fr, sizeof fr);

	return len != n || (n > 0 && memcmp(fr, stored, n) != 0);
}

/* After the last row: entries a checkpoint should cover that none does
 * (vigil-audit(5), "VERIFICATION"): a `checkpoint` entry after the newest
 * stored checkpoint, or more than checkpoint_every entries after it. */
static int
verify_missing(struct verify *v, int64_t e)
{
	int64_t p = v->prev_n, m = v->uncovered_ckpt;

	if (e - p > v->every && (m < 0 || p + v->every < m))
		return verify_fail(v, AUDIT_CKPT_MISSING, p + v->every, "%lld "
		    "entries follow the %s, more than checkpoint_every (%lld): "
		    "checkpoints were removed or could not be made",
		    (long long)(e - p), p > 0 ? "newest checkpoint" :
		    "start of the log (no checkpoint)", (long long)v->every);
	if (m >= 0)
		return verify_fail(v, AUDIT_CKPT_MISSING, m, "entry %lld asks "
		    "for a checkpoint, and no stored checkpoint covers it",
		    (long long)m);
	return 0;
}

/* Tells an entry whose body carries another seq: inserted, reordered or
 * deleted (vigil-audit(5)). */
static int
verify_misplaced(struct verify *v, int64_t row_seq, int64_t body_seq)
{
	sqlite3_stmt *s;
	uint8_t want[8];
	int found = 0;

	if (body_seq < row_seq)
		return verify_fail(v, AUDIT_INSERTED, body_seq, "entry %lld is "
		    "not the original: the original entry %lld is stored at seq "
		    "%lld", (long long)body_seq, (long long)body_seq,
		    (long long)row_seq);
	be64_put(want, row_seq);
	if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM entry WHERE seq > ? AND "
	    "substr(body, 9, 8) = ? LIMIT 1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, row_seq);
		sqlite3_bind_blob(s, 2, want, 8, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	if (found)
		return verify_fail(v, AUDIT_REORDERED, row_seq, "entry %lld is "
		    "stored at seq %lld and entry %lld further on",
		    (long long)body_seq, (long long)row_seq, (long long)row_seq);
	return verify_fail(v, AUDIT_DELETED, row_seq, "entries %lld to %lld "
	    "are missing", (long long)row_seq, (long long)body_seq - 1);
}

/* Compares the derived columns of the current row with the body. */
static int
verify_columns_match(struct verify *v, const struct audit_row *b)
{
	sqlite3_stmt *s = v->entries;
	const char *strs[] = { NULL, b->actor, b->action, b->camera, NULL, NULL,
	    b->reason_code, b->reference, b->details, b->terminal };
	const int64_t nums[] = { b->time_ms, 0, 0, 0, b->from_ms, b->to_ms };
	const unsigned char *t;
	int i, col;

	for (i = 0; i < 10; i++) {
		col = 4 + i;
		if (strs[i] == NULL) {
			if (sqlite3_column_type(s, col) != SQLITE_INTEGER ||
			    sqlite3_column_int64(s, col) != nums[i])
				return i;
			continue;
		}
		/* The type first: sqlite3_column_text() would convert it. */
		if (sqlite3_column_type(s, col) != SQLITE_TEXT)
			return i;
		t = sqlite3_column_text(s, col);
		if (t == NULL || strcmp((const char *)t, strs[i]) != 0)
			return i;
	}
	return -1;
}

/* Checks the held checkpoint against the log (after the entries). */
static int
verify_against(struct verify *v, const struct audit_ckpt_info *h, char **cause)
{
	sqlite3_stmt *s;
	int rc, same;

	if (v->r->entries < h->n)
		return verify_fail(v, AUDIT_TRUNCATED, v->r->entries, "the log "
		    "holds %lld entries but the checkpoint %lld you hold covers "
		    "%lld", (long long)v->r->entries, (long long)h->epoch,
		    (long long)h->n);
	if (sqlite3_prepare_v2(v->db, "SELECT body, sig FROM checkpoint WHERE "
	    "epoch = ?", -1, &s, NULL) != SQLITE_OK)
		return cause_set(cause, "reading checkpoints: %s",
		    sqlite3_errmsg(v->db));
	sqlite3_bind_int64(s, 1, h->epoch);
	rc = sqlite3_step(s);
	same = rc == SQLITE_ROW &&
	    sqlite3_column_bytes(s, 0) == AUDIT_CKPT_LEN &&
	    sqlite3_column_bytes(s, 1) == AUDIT_SIG_LEN &&
	    memcmp(sqlite3_column_blob(s, 0), h->body, AUDIT_CKPT_LEN) == 0 &&
	    memcmp(sqlite3_column_blob(s, 1), h->sig, AUDIT_SIG_LEN) == 0;
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return verify_fail(v, AUDIT_TRUNCATED, h->n - 1, "the log does "
		    "not hold checkpoint %lld, which you hold", (long long)h->epoch);
	if (!same)
		return verify_fail(v, AUDIT_CKPT_MISMATCH, h->n - 1, "checkpoint "
		    "%lld in the log differs from the copy you hold",
		    (long long)h->epoch);
	return 0;
}

/* Streams every entry; returns 0 (result in v->r), or -1 on I/O error. */
static int
verify_stream(struct verify *v, const struct audit_verify_opts *o,
    int64_t total, char **cause)
{
	struct audit_row b;
	uint8_t chain[HASH_LEN], leaf[HASH_LEN];
	const uint8_t *body;
	const struct audit_ckpt_info *h = o->against;
	int64_t e = 0, seq;
	size_t len;
	int rc, col;

	merkle_init(&v->m);
	chain_start(v->log_id, chain);
	if (verify_next_ckpt(v, cause) != 0)
		return -1;
	if (v->have_ck && (v->ck_malformed || v->ck_n <= 0)) {
		verify_ckpt(v, chain);	/* reports it as malformed */
		return 0;
	}
	while ((rc = sqlite3_step(v->entries)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(v->entries, 0);
		if (v->ring != NULL)
			ring_push(v->ring, v->entries);
		body = sqlite3_column_blob(v->entries, 1);
		len = (size_t)sqlite3_column_bytes(v->entries, 1);
		v->at_pos = e;
		v->at_phase = PH_DELETED;
		if (seq != e) {
			verify_fail(v, AUDIT_DELETED, e, "entry %lld is missing",
			    (long long)e);
			return 0;
		}
		if (len + 8 > v->storage_len) {
			free(v->storage);
			v->storage_len = len + 8 > 4096 ? len + 8 : 4096;
			if ((v->storage = malloc(v->storage_len)) == NULL)
				return cause_set(cause, "out of memory");
		}
		v->at_phase = PH_MALFORMED;
		if (body == NULL || body_decode(body, len, &b, v->storage) != 0) {
			verify_fail(v, AUDIT_EDITED, seq, "entry %lld: the body is "
			    "malformed", (long long)seq);
			return 0;
		}
		v->at_phase = PH_MISPLACED;
		if (b.seq != seq) {
			verify_misplaced(v, seq, b.seq);
			return 0;
		}
		hash_parts(leaf, NULL, 2, &verify_leaf_tag, (size_t)1, body, len);
		if (v->tree != NULL) {
			/* The chain (PH_CHAIN) is the other thread's. */
			ring_push_leaf(v->tree, v->entries, leaf);
		} else {
			hash_parts(chain, NULL, 3, &verify_chain_tag, (size_t)1,
			    chain, (size_t)HASH_LEN, leaf, (size_t)HASH_LEN);
			v->at_phase = PH_CHAIN;
			if (sqlite3_column_bytes(v->entries, 2) != HASH_LEN ||
			    memcmp(chain, sqlite3_column_blob(v->entries, 2),
			    HASH_LEN) != 0) {
				verify_fail(v, AUDIT_EDITED, seq, "entry %lld does "
				    "not match its chain value", (long long)seq);
				return 0;
			}
		}
		v->at_phase = PH_COLUMNS;
		if ((col = verify_columns_match(v, &b)) != -1) {
			verify_fail(v, AUDIT_EDITED, seq, "entry %lld: column %s "
			    "differs from the body", (long long)seq,
			    verify_columns[col]);
			return 0;
		}
		if (v->uncovered_ckpt < 0 && (strcmp(b.action, "checkpoint") == 0 ||
		    strcmp(b.action, "heartbeat") == 0))
			v->uncovered_ckpt = seq;
		/* The MAC (phase PH_MAC) is the other thread's. */
		e++;
		v->r->entries = e;
		if (v->tree == NULL) {
			merkle_add(&v->m, leaf);
			if (h != NULL && h->n == e) {
				uint8_t root[HASH_LEN];

				v->at_pos = e - 1;
				v->at_phase = PH_HELD;
				merkle_root(&v->m, root);
				if (memcmp(root, h->root, HASH_LEN) != 0 ||
				    memcmp(chain, h->chain, HASH_LEN) != 0) {
					verify_fail(v, AUDIT_CKPT_MISMATCH, e - 1,
					    "entries 0 to %lld do not give the "
					    "checkpoint %lld you hold",
					    (long long)e - 1,
					    (long long)h->epoch);
					return 0;
				}
			}
		}
		if (v->have_ck && (v->ck_malformed || v->ck_n <= e)) {
			if (verify_ckpt(v, chain) != 0)
				return 0;
			if (verify_next_ckpt(v, cause) != 0)
				return -1;
		}
		if (o->progress != NULL && (e & 0x3fff) == 0)
			o->progress(e, total, o->arg);
		/* Another thread failed before here: nothing after counts. */
		if ((e & 0xff) == 0 && atomic_load(v->stop_pos) < e)
			return 0;
	}
	if (rc != SQLITE_DONE)
		return cause_set(cause, "reading entries: %s", sqlite3_errmsg(v->db));
	v->at_pos = INT64_MAX;
	v->at_phase = PH_END;
	if (v->have_ck) {
		if (v->ck_epoch != v->expect_epoch || v->ck_malformed)
			verify_fail(v, AUDIT_CKPT_SIG, v->prev_n, "checkpoint %lld "
			    "is missing or malformed", (long long)v->expect_epoch);
		else
			verify_fail(v, AUDIT_TRUNCATED, e, "the log holds %lld "
			    "entries but its checkpoint %lld covers %lld",
			    (long long)e, (long long)v->ck_epoch,
			    (long long)v->ck_n);
		return 0;
	}
	if (h != NULL && verify_against(v, h, cause) < 0)
		return -1;
	if (v->r->fault == AUDIT_OK)
		verify_missing(v, e);
	if (o->progress != NULL)
		o->progress(e, total, o->arg);
	return 0;
}

/* Records the worker's first failure. */
static void
verify_worker_fail(struct verify_worker *w, enum audit_fault f, int64_t seq,
    int64_t pos, int phase, const char *fmt, ...)
{
	va_list ap;

	w->fault = f;
	w->seq = seq;
	w->pos = pos;
	w->phase = phase;
	stop_at(w->stop_pos, pos);
	va_start(ap, fmt);
	vsnprintf(w->detail, sizeof w->detail, fmt, ap);
	va_end(ap);
	utf8_cut_tail(w->detail);
}

/* Publishes what the main thread wrote; called with mu held. */
static void
ring_publish(struct verify_ring *q)
{
	q->head = q->local;
	q->tail_seen = q->tail;
	if (q->quit)
		q->off = 1;
	pthread_cond_signal(&q->more);
}

/* The main thread: the next free slot, waiting while the ring is full;
 * NULL when the reader quit. */
static struct verify_slot *
ring_slot(struct verify_ring *q)
{
	if (q->off)
		return NULL;
	if (q->local - q->tail_seen >= VERIFY_RING_SLOTS) {
		pthread_mutex_lock(&q->mu);
		ring_publish(q);
		while (q->local - q->tail >= VERIFY_RING_SLOTS && !q->quit)
			pthread_cond_wait(&q->space, &q->mu);
		q->tail_seen = q->tail;
		q->off = q->quit;
		pthread_mutex_unlock(&q->mu);
		if (q->off)
			return NULL;
	}
	return &q->slot[q->local % VERIFY_RING_SLOTS];
}

/* The main thread wrote the slot: published a batch at a time. */
static void
ring_next(struct verify_ring *q)
{
	q->local++;
	if (q->local % VERIFY_RING_BATCH == 0) {
		pthread_mutex_lock(&q->mu);
		ring_publish(q);
		pthread_mutex_unlock(&q->mu);
	}
}

/* Hands one row's seq, chain and mac columns to the second thread. */
static void
ring_push(struct verify_ring *q, sqlite3_stmt *row)
{
	struct verify_slot *sl;

	if ((sl = ring_slot(q)) == NULL)
		return;
	sl->seq = sqlite3_column_int64(row, 0);
	sl->ok = sqlite3_column_bytes(row, 2) == HASH_LEN &&
	    sqlite3_column_bytes(row, 3) == HASH_LEN;
	if (sl->ok) {
		memcpy(sl->chain, sqlite3_column_blob(row, 2), HASH_LEN);
		memcpy(sl->mac, sqlite3_column_blob(row, 3), HASH_LEN);
	}
	ring_next(q);
}

/* Hands one entry's seq, leaf and chain column to the second thread. */
static void
ring_push_leaf(struct verify_ring *q, sqlite3_stmt *row, const uint8_t *leaf)
{
	struct verify_slot *sl;

	if ((sl = ring_slot(q)) == NULL)
		return;
	sl->seq = sqlite3_column_int64(row, 0);
	memcpy(sl->leaf, leaf, HASH_LEN);
	sl->ok = sqlite3_column_bytes(row, 2) == HASH_LEN;
	if (sl->ok)
		memcpy(sl->chain, sqlite3_column_blob(row, 2), HASH_LEN);
	ring_next(q);
}

/* The main thread is done: the rest is published and the worker told. */
static void
ring_close(struct verify_ring *q)
{
	pthread_mutex_lock(&q->mu);
	ring_publish(q);
	q->closed = 1;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
}

/* The worker: waits for rows; returns how many are ready from *from on
 * (0: closed and all taken). */
static int64_t
ring_take(struct verify_ring *q, int64_t *from)
{
	int64_t n;

	pthread_mutex_lock(&q->mu);
	while (q->head == q->tail && !q->closed)
		pthread_cond_wait(&q->more, &q->mu);
	*from = q->tail;
	n = q->head - q->tail;
	pthread_mutex_unlock(&q->mu);
	return n;
}

/* The worker took rows up to tail, or (quit) takes no more. */
static void
ring_done(struct verify_ring *q, int64_t tail, int quit)
{
	pthread_mutex_lock(&q->mu);
	q->tail = quit ? q->head : tail;
	if (quit)
		q->quit = 1;
	pthread_cond_signal(&q->space);
	pthread_mutex_unlock(&q->mu);
}

/* Loads the next checkpoint to check; 0 with st->n set, 1 when none is
 * left to check (missing, malformed or beyond where the main thread
 * failed: the main thread reports those). */
static int
sigs_peek(struct verify_worker *w, struct verify_sigs *st)
{
	const uint8_t *body;
	int64_t n;

	if (st->loaded)
		return 0;
	if (st->done || sqlite3_step(st->s) != SQLITE_ROW)
		goto done;
	body = sqlite3_column_blob(st->s, 1);
	if (sqlite3_column_int64(st->s, 0) != st->j ||
	    sqlite3_column_bytes(st->s, 1) != AUDIT_CKPT_LEN ||
	    sqlite3_column_bytes(st->s, 2) != AUDIT_SIG_LEN ||
	    (n = be64_get(body + 32)) <= st->prev_n ||
	    n - 1 > atomic_load(w->stop_pos))
		goto done;
	memcpy(st->body, body, AUDIT_CKPT_LEN);
	memcpy(st->sig, sqlite3_column_blob(st->s, 2), AUDIT_SIG_LEN);
	st->frontier_len = (size_t)sqlite3_column_bytes(st->s, 3);
	if (sqlite3_column_type(st->s, 3) != SQLITE_BLOB ||
	    st->frontier_len > sizeof st->frontier)
		st->frontier_len = sizeof st->frontier + 1;
	else if (st->frontier_len > 0)
		memcpy(st->frontier, sqlite3_column_blob(st->s, 3),
		    st->frontier_len);
	st->n = n;
	st->loaded = 1;
	return 0;
done:
	st->done = 1;
	return 1;
}

/* Checks the loaded checkpoint's signature with the key the one before
 * it named (pk_0 first); 1 on a failure (recorded). */
static int
sigs_check(struct verify_worker *w, struct verify_sigs *st)
{
	st->loaded = 0;
	if (crypto_sign_verify_detached(st->sig, st->body, AUDIT_CKPT_LEN,
	    w->pk) != 0) {
		verify_worker_fail(w, AUDIT_CKPT_SIG, st->prev_n, st->n - 1,
		    PH_CKPT_SIG, "the signature of checkpoint %lld does not "
		    "verify with key pk_%lld", (long long)st->j,
		    (long long)st->j);
		st->done = 1;
		return 1;
	}
	memcpy(w->pk, st->body + 112, AUDIT_PK_LEN);
	st->prev_n = st->n;
	st->j++;
	return 0;
}

/* Checks the MAC of one row with the key ratcheted to its seq; 1 on a
 * failure (recorded). */
static int
verify_worker_mac(struct verify_worker *w, const struct verify_slot *sl,
    int64_t *at)
{
	uint8_t mac[HASH_LEN], seqbe[8];

	while (*at < sl->seq) {
		state_ratchet_key(w->k);
		(*at)++;
	}
	if (sl->ok) {
		be64_put(seqbe, sl->seq);
		hash_parts(mac, w->k, 3, &verify_mac_tag, (size_t)1, seqbe,
		    (size_t)8, sl->chain, (size_t)HASH_LEN);
	}
	if (!sl->ok || memcmp(mac, sl->mac, HASH_LEN) != 0) {
		verify_worker_fail(w, AUDIT_MAC, sl->seq, sl->seq, PH_MAC,
		    "entry %lld: the MAC does not match the key for seq %lld",
		    (long long)sl->seq, (long long)sl->seq);
		return 1;
	}
	return 0;
}

/* The second thread without k0, after the leaf of entry e - 1: the checkpoint the
 * caller holds when it covers e entries (phase PH_HELD), then the stored
 * checkpoint that covers e entries: its signature with the key the one
 * before it named (pk_0 first; PH_CKPT_SIG), its root and chain
 * (PH_CKPT_ROOT).  1 on a failure (recorded). */
static int
verify_tree_at(struct verify_worker *w, struct verify_sigs *st,
    const struct merkle *m, int64_t e, const uint8_t chain[HASH_LEN])
{
	const struct audit_ckpt_info *h = w->held;
	uint8_t root[HASH_LEN];
	int64_t j, prev;

	if (h != NULL && h->n == e) {
		merkle_root(m, root);
		if (memcmp(root, h->root, HASH_LEN) != 0 ||
		    memcmp(chain, h->chain, HASH_LEN) != 0) {
			verify_worker_fail(w, AUDIT_CKPT_MISMATCH, e - 1, e - 1,
			    PH_HELD, "entries 0 to %lld do not give the "
			    "checkpoint %lld you hold", (long long)e - 1,
			    (long long)h->epoch);
			return 1;
		}
	}
	if (sigs_peek(w, st) != 0 || st->n != e)
		return 0;
	j = st->j;
	prev = st->prev_n;
	if (sigs_check(w, st) != 0)
		return 1;
	merkle_root(m, root);
	if (memcmp(root, st->body + 40, HASH_LEN) != 0 ||
	    memcmp(chain, st->body + 72, HASH_LEN) != 0) {
		verify_worker_fail(w, AUDIT_CKPT_MISMATCH, prev, e - 1,
		    PH_CKPT_ROOT, "entries %lld to %lld do not give the root "
		    "and chain signed in checkpoint %lld", (long long)prev,
		    (long long)e - 1, (long long)j);
		return 1;
	}
	if (frontier_differs(m, st->frontier, st->frontier_len)) {
		verify_worker_fail(w, AUDIT_CKPT_FRONTIER, prev, e - 1,
		    PH_CKPT_FRONTIER, "the stored frontier of checkpoint %lld "
		    "does not match the entries it covers: no later checkpoint "
		    "can be made", (long long)j);
		return 1;
	}
	w->verified = st->j;
	return 0;
}

/* The second thread: with k0, every MAC, and the checkpoint signatures in
 * step with them; without, the chain, the Merkle tree and every
 * checkpoint's signature, root and chain at the entry that ends it.  Either way in the
 * order of positions, so that the first failure it meets is its
 * earliest (a MAC at a position comes before a signature there). */
static void *
verify_worker_main(void *arg)
{
	struct verify_worker *w = arg;
	struct verify_sigs st;
	struct merkle m;
	const struct verify_slot *sl;
	uint8_t chain[HASH_LEN];
	int64_t at = 0, e = 0, from, n, i, last = -1;

	memset(&st, 0, sizeof st);
	merkle_init(&m);
	chain_start(w->log_id, chain);
	if (sqlite3_prepare_v2(w->db, "SELECT epoch, body, sig, frontier FROM "
	    "checkpoint WHERE epoch <= ? ORDER BY epoch", -1, &st.s, NULL) !=
	    SQLITE_OK) {
		w->error = xasprintf("reading checkpoints: %s",
		    sqlite3_errmsg(w->db));
		ring_done(w->ring, 0, 1);
		return NULL;
	}
	sqlite3_bind_int64(st.s, 1, w->max_epoch);
	while ((n = ring_take(w->ring, &from)) > 0) {
		for (i = from; i < from + n; i++) {
			sl = &w->ring->slot[i % VERIFY_RING_SLOTS];
			if (sl->seq > atomic_load(w->stop_pos))
				goto out;
			if (w->have_k) {
				while (!w->tree && sigs_peek(w, &st) == 0 &&
				    st.n - 1 < sl->seq) {
					if (sigs_check(w, &st) != 0)
						goto out;
					w->verified = st.j;
				}
				if (verify_worker_mac(w, sl, &at) != 0)
					goto out;
			}
			if (w->tree) {
				hash_parts(chain, NULL, 3, &verify_chain_tag,
				    (size_t)1, chain, (size_t)HASH_LEN, sl->leaf,
				    (size_t)HASH_LEN);
				if (!sl->ok || memcmp(chain, sl->chain,
				    HASH_LEN) != 0) {
					verify_worker_fail(w, AUDIT_EDITED, sl->seq,
					    sl->seq, PH_CHAIN, "entry %lld does not "
					    "match its chain value",
					    (long long)sl->seq);
					goto out;
				}
				merkle_add(&m, sl->leaf);
				e++;
				if (verify_tree_at(w, &st, &m, e, chain) != 0)
					goto out;
			}
			last = sl->seq;
		}
		ring_done(w->ring, from + n, 0);
	}
	/* The signatures of the checkpoints the rows reached. */
	while (!w->tree && sigs_peek(w, &st) == 0 && st.n - 1 <= last) {
		if (sigs_check(w, &st) != 0)
			break;
		w->verified = st.j;
	}
out:
	ring_done(w->ring, 0, 1);
	sqlite3_finalize(st.s);
	return NULL;
}

/* Opens a read-only connection for verification. */
static int
verify_open_db(const char *db, sqlite3 **h)
{
	if (sqlite3_open_v2(db, h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(*h, 5000);
	sqlite3_exec(*h, "PRAGMA cache_size=-8192", NULL, NULL, NULL);
	return 0;
}

/* Reads a meta value of exactly len bytes; 1 when missing or wrong. */
static int
verify_meta(sqlite3 *db, const char *key, void *out, int len)
{
	sqlite3_stmt *s;
	int bad = 1;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1,
	    &s, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == len) {
		memcpy(out, sqlite3_column_blob(s, 0), (size_t)len);
		bad = 0;
	}
	sqlite3_finalize(s);
	return bad;
}

/* Whether meta has a row for key. */
static int
verify_meta_present(sqlite3 *db, const char *key)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = ?", -1, &s,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

/* A ring between the main thread and one other. */
static int
ring_init(struct verify_ring *q)
{
	memset(q, 0, sizeof *q);
	if ((q->slot = calloc(VERIFY_RING_SLOTS, sizeof *q->slot)) == NULL)
		return -1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->space, NULL);
	return 0;
}

static void
ring_free(struct verify_ring *q)
{
	if (q->slot == NULL)
		return;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->space);
	sodium_memzero(q->slot, VERIFY_RING_SLOTS * sizeof *q->slot);
	free(q->slot);
	q->slot = NULL;
}

/* Takes another thread's failure when it lies before the one so far
 * (position, then phase: the order of vigil-audit(5)). */
static void
verify_merge(struct verify *v, const struct verify_worker *w)
{
	struct audit_verify_result *r = v->r;

	if (w->fault == AUDIT_OK || w->pos > v->fail_pos ||
	    (w->pos == v->fail_pos && w->phase >= v->fail_phase))
		return;
	r->fault = w->fault;
	r->seq = w->seq;
	memcpy(r->detail, w->detail, sizeof r->detail);
	v->fail_pos = w->pos;
	v->fail_phase = w->phase;
}

/* What was verified before the first failure (all, when intact): the
 * entries before its position (through it, for a checkpoint's failure),
 * and the checkpoints, checked in full by the second thread (verified of
 * them), that end before it. */
static int
verify_counts(struct verify *v, int64_t verified)
{
	struct audit_verify_result *r = v->r;
	sqlite3_stmt *s;
	int64_t before = v->fail_pos;
	int rc;

	if (r->fault != AUDIT_OK && v->fail_phase < PH_END) {
		before = v->fail_phase <= PH_MAC ? v->fail_pos :
		    v->fail_pos + 1;
		if (before < r->entries)
			r->entries = before;
		before = v->fail_pos;
	} else {
		before = INT64_MAX;
	}
	if (sqlite3_prepare_v2(v->db, "SELECT count(*), max(epoch), max(n) "
	    "FROM checkpoint WHERE epoch < ?1 AND n - 1 < ?2", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, verified);
	sqlite3_bind_int64(s, 2, before);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r->checkpoints = sqlite3_column_int64(s, 0);
		r->last_epoch = r->checkpoints > 0 ?
		    sqlite3_column_int64(s, 1) : -1;
		r->covered = r->checkpoints > 0 ?
		    sqlite3_column_int64(s, 2) : 0;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
audit_verify(const char *db, const struct audit_verify_opts *o,
    struct audit_verify_result *r, char **cause)
{
	struct verify v;
	struct verify_worker w;
	struct verify_ring ring;
	struct stat sb;
	int64_t total = 0, max_seq = -1, max_epoch = -1;
	atomic_llong stop_pos;
	pthread_t tid;
	sqlite3_stmt *s;
	int rc = -1, started = 0;

	memset(r, 0, sizeof *r);
	r->seq = -1;
	r->last_epoch = -1;
	memset(&v, 0, sizeof v);
	memset(&w, 0, sizeof w);
	memset(&ring, 0, sizeof ring);
	atomic_init(&stop_pos, INT64_MAX);
	v.r = r;
	if (sodium_init() < 0)
		return cause_set(cause, "libsodium could not be initialised");
	if (stat(db, &sb) == -1)
		return cause_set(cause, "audit log %s: %s", db, strerror(errno));
	if (verify_open_db(db, &v.db) != 0) {
		cause_set(cause, "cannot open %s: %s", db, v.db != NULL ?
		    sqlite3_errmsg(v.db) : "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(v.db, "SELECT value FROM meta WHERE key = 'format'",
	    -1, &s, NULL) != SQLITE_OK) {
		if ((sqlite3_errcode(v.db) & 0xff) == SQLITE_NOTADB)
			cause_set(cause, "%s is not a vigil audit log (not an "
			    "SQLite database)", db);
		else if ((sqlite3_errcode(v.db) & 0xff) == SQLITE_CORRUPT)
			cause_set(cause, "%s is damaged beyond reading: %s", db,
			    sqlite3_errmsg(v.db));
		else
			cause_set(cause, "%s is not a vigil audit log (%s)", db,
			    sqlite3_errmsg(v.db));
		goto out;
	}
	if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_bytes(s, 0) != 13 ||
	    memcmp(sqlite3_column_blob(s, 0), "vigil-audit-1", 13) != 0) {
		sqlite3_finalize(s);
		cause_set(cause, "%s is not a vigil audit log (format)", db);
		goto out;
	}
	sqlite3_finalize(s);
	if (verify_meta(v.db, "log_id", v.log_id, AUDIT_LOGID_LEN) ||
	    verify_meta(v.db, "pk0", v.pk, AUDIT_PK_LEN)) {
		verify_fail(&v, AUDIT_NOT_LOG, -1, "the log's meta table is "
		    "damaged (log_id or pk0)");
		rc = 0;
		goto out;
	}
	if (o->log_id != NULL && memcmp(o->log_id, v.log_id, AUDIT_LOGID_LEN) != 0) {
		verify_fail(&v, AUDIT_NOT_LOG, -1, "the log's id differs from "
		    "the one it is checked against (pinned or in your key file): "
		    "this is another log");
		rc = 0;
		goto out;
	}
	/* pk_0 never changes: a log whose meta names another one than the key
	 * it is checked against was re-keyed. */
	if (o->pk0 != NULL && memcmp(o->pk0, v.pk, AUDIT_PK_LEN) != 0) {
		verify_fail(&v, AUDIT_NOT_LOG, -1, "the log's pk0 differs from "
		    "the one it is checked against (pinned, --pk or your key "
		    "file): the log was re-keyed or replaced");
		rc = 0;
		goto out;
	}
	if (o->against != NULL &&
	    memcmp(o->against->log_id, v.log_id, AUDIT_LOGID_LEN) != 0) {
		verify_fail(&v, AUDIT_NOT_LOG, -1, "the checkpoint you hold is of "
		    "another log");
		rc = 0;
		goto out;
	}
	{
		char what[128];
		uint8_t ev[8];
		int sc = schema_check(v.db, what, sizeof what);

		if (sc < 0) {
			cause_set(cause, "%s: reading the schema: %s", db,
			    sqlite3_errmsg(v.db));
			goto out;
		}
		if (sc == 1) {
			verify_fail(&v, AUDIT_SCHEMA, -1, "the log holds %s, which "
			    "vigil-audit(5) does not list", what);
			rc = 0;
			goto out;
		}
		v.every = AUDIT_MAX_CHECKPOINT_EVERY;
		if (verify_meta(v.db, "checkpoint_every", ev, 8) == 0)
			v.every = be64_get(ev);
		else if (verify_meta_present(v.db, "checkpoint_every"))
			v.every = -1;
		if (v.every < 1 || v.every > AUDIT_MAX_CHECKPOINT_EVERY) {
			verify_fail(&v, AUDIT_NOT_LOG, -1, "the log's meta table is "
			    "damaged (checkpoint_every)");
			rc = 0;
			goto out;
		}
		if (o->checkpoint_every != 0)
			v.every = o->checkpoint_every;
		r->checkpoint_every = v.every;
		v.uncovered_ckpt = -1;
	}
	if (o->pk0 != NULL)
		memcpy(v.pk, o->pk0, AUDIT_PK_LEN);
	/* Bounds, so that both threads see the same entries even while a
	 * writer appends. */
	if (sqlite3_prepare_v2(v.db, "SELECT (SELECT max(seq) FROM entry), "
	    "(SELECT max(epoch) FROM checkpoint)", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW) {
			max_seq = sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 :
			    sqlite3_column_int64(s, 0);
			max_epoch = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 :
			    sqlite3_column_int64(s, 1);
		}
		sqlite3_finalize(s);
	}
	total = max_seq + 1;
	if (sqlite3_prepare_v2(v.db, "SELECT seq, body, chain, mac, time_ms, "
	    "actor, action, camera, from_ms, to_ms, reason_code, reference, "
	    "details, terminal FROM entry WHERE seq <= ? ORDER BY seq", -1,
	    &v.entries, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(v.db, "SELECT epoch, body, sig, n, frontier FROM "
	    "checkpoint WHERE epoch <= ? ORDER BY epoch", -1, &v.ckpts, NULL) !=
	    SQLITE_OK) {
		cause_set(cause, "%s is not a vigil audit log (%s)", db,
		    sqlite3_errmsg(v.db));
		goto out;
	}
	sqlite3_bind_int64(v.entries, 1, max_seq);
	sqlite3_bind_int64(v.ckpts, 1, max_epoch);

	v.stop_pos = w.stop_pos = &stop_pos;
	if (ring_init(&ring) != 0) {
		cause_set(cause, "out of memory");
		goto out;
	}
	w.ring = &ring;
	if (o->k0 != NULL) {
		memcpy(w.k, o->k0, AUDIT_KEY_LEN);
		w.have_k = 1;
		v.ring = &ring;
	} else {
		w.tree = 1;
		v.tree = &ring;
	}
	w.max_epoch = max_epoch;
	w.held = o->against;
	memcpy(w.pk, v.pk, AUDIT_PK_LEN);
	memcpy(w.log_id, v.log_id, AUDIT_LOGID_LEN);
	if (verify_open_db(db, &w.db) != 0) {
		cause_set(cause, "cannot open %s: %s", db, w.db != NULL ?
		    sqlite3_errmsg(w.db) : "out of memory");
		goto out;
	}
	/* The second thread reads the checkpoints once, in order: a page
	 * cache would only grow with the log. */
	sqlite3_exec(w.db, "PRAGMA cache_size=-512", NULL, NULL, NULL);
	if (pthread_create(&tid, NULL, verify_worker_main, &w) != 0) {
		cause_set(cause, "cannot start a thread");
		goto out;
	}
	started = 1;
	v.fail_pos = INT64_MAX;
	v.fail_phase = PH_END + 1;
	rc = verify_stream(&v, o, total, cause);
	ring_close(&ring);
	pthread_join(tid, NULL);
	started = 0;
	if (rc == 0 && w.error != NULL) {
		cause_set(cause, "%s: %s", db, w.error);
		rc = -1;
	}
	if (rc == 0) {
		verify_merge(&v, &w);
		if (verify_counts(&v, w.verified) != 0) {
			cause_set(cause, "reading checkpoints: %s",
			    sqlite3_errmsg(v.db));
			rc = -1;
		}
	}
out:
	atomic_store(&stop_pos, -1);
	if (started) {
		ring_close(&ring);
		pthread_join(tid, NULL);
	}
	ring_free(&ring);
	sodium_memzero(w.k, sizeof w.k);
	free(w.error);
	if (w.db != NULL)
		sqlite3_close(w.db);
	free(v.storage);
	sqlite3_finalize(v.entries);
	sqlite3_finalize(v.ckpts);
	if (v.db != NULL)
		sqlite3_close(v.db);
	return rc;
}
