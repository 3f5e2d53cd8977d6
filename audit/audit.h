/* audit — the hash-chained, forward-secure log of who watched what and why.
 *
 * The format is vigil-audit(5).  Every function that fails returns -1 (or
 * NULL) and, when cause is not NULL, sets *cause to a message the caller
 * frees with free(). */
#ifndef VIGIL_AUDIT_H
#define VIGIL_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct audit_log;
struct audit_iter;

#define AUDIT_KEY_LEN		32
#define AUDIT_LOGID_LEN		16
#define AUDIT_PK_LEN		32
#define AUDIT_CKPT_LEN		144
#define AUDIT_SIG_LEN		64

/* Size limits of entry fields, in bytes; longer input is refused before
 * anything is written. */
#define AUDIT_MAX_ACTOR		256
#define AUDIT_MAX_ACTION	64
#define AUDIT_MAX_CAMERA	256
#define AUDIT_MAX_REASON	64
#define AUDIT_MAX_REFERENCE	512
#define AUDIT_MAX_DETAILS	(64 * 1024)
#define AUDIT_MAX_TERMINAL	256

/* Default number of entries between automatic checkpoints. */
#define AUDIT_CHECKPOINT_EVERY	64

/* One entry as given to audit_append().  NULL strings are stored as empty;
 * details NULL is stored as "{}"; time_ms 0 means now. */
struct audit_entry {
	int64_t		 time_ms;
	const char	*actor;
	const char	*action;
	const char	*camera;
	int64_t		 from_ms;
	int64_t		 to_ms;
	const char	*reason_code;
	const char	*reference;
	const char	*details;	/* a JSON object */
	const char	*terminal;
};

/* One entry as read back; strings are valid until the next call on the
 * iterator that produced it. */
struct audit_row {
	int64_t		 seq;
	int64_t		 time_ms;
	const char	*actor;
	const char	*action;
	const char	*camera;
	int64_t		 from_ms;
	int64_t		 to_ms;
	const char	*reason_code;
	const char	*reference;
	const char	*details;
	const char	*terminal;
};

/* The verification material printed once by audit_create(). */
struct audit_keys {
	uint8_t		 log_id[AUDIT_LOGID_LEN];
	uint8_t		 k0[AUDIT_KEY_LEN];	/* secret */
	uint8_t		 pk0[AUDIT_PK_LEN];
};

/* Creates a new, empty log at db with its key state at state, both new
 * files (an existing one is never overwritten).  Fills *keys; the caller
 * wipes keys->k0 with sodium_memzero() once it is printed. */
int audit_create(const char *db, const char *state, struct audit_keys *keys,
    char **cause);

#define AUDIT_OPEN_READONLY	0x1	/* no state file: read and verify only */

/* Opens a log.  Without AUDIT_OPEN_READONLY the state file must exist, be
 * a regular 0600 file (not a link) and match the log; a state that lags the
 * last committed entry is ratcheted forward, one ahead of it is an error.
 * Caller closes with audit_close(). */
struct audit_log *audit_open(const char *db, const char *state, int flags,
    char **cause);
void audit_close(struct audit_log *);

/* Sets the number of entries between automatic checkpoints (0: never). */
void audit_set_checkpoint_every(struct audit_log *, unsigned n);
/* Sets how long an append waits for another writer (default 5000 ms). */
void audit_set_timeout(struct audit_log *, int ms);

/* Appends one entry.  Returns its seq only after the row is committed
 * (synchronous=FULL) and the ratcheted key is durably written; -1 when it
 * was refused or could not be written (nothing was then added). */
int64_t audit_append(struct audit_log *, const struct audit_entry *,
    char **cause);
/* Appends n entries, in one transaction up to each automatic checkpoint;
 * returns the seq of the first, or -1 (entries in transactions already
 * committed stay). */
int64_t audit_append_many(struct audit_log *, const struct audit_entry *,
    size_t n, char **cause);

/* Makes a checkpoint over every entry, when entries were added since the
 * previous one.  Returns its epoch, or the newest epoch when nothing was
 * added (-2 when there is no checkpoint at all and no entry), or -1. */
int64_t audit_checkpoint(struct audit_log *, char **cause);

/* Number of entries in the log (the next seq). */
int64_t audit_count(struct audit_log *);

/* The log's id and its first checkpoint key pk_0 as stored in the log. */
void audit_ids(struct audit_log *, uint8_t log_id[AUDIT_LOGID_LEN],
    uint8_t pk0[AUDIT_PK_LEN]);

/* The newest checkpoint: epoch, entry count, time, body and signature.
 * Returns 0, 1 when there is none yet, or -1. */
struct audit_ckpt_info {
	int64_t		epoch;
	int64_t		n;
	int64_t		time_ms;
	uint8_t		root[32];
	uint8_t		chain[32];
	uint8_t		body[AUDIT_CKPT_LEN];
	uint8_t		sig[AUDIT_SIG_LEN];
	uint8_t		log_id[AUDIT_LOGID_LEN];
};
int audit_checkpoint_latest(struct audit_log *, struct audit_ckpt_info *,
    char **cause);

/* Writes ck as an exported checkpoint file (vigil-audit(5)), mode 0644,
 * never overwriting; reads one back. */
int audit_checkpoint_export(const struct audit_ckpt_info *, const char *path,
    char **cause);
int audit_checkpoint_import(const char *path, struct audit_ckpt_info *,
    char **cause);

/* Writes and reads the key file: "log_id <hex>", "k0 <hex>", "pk0 <hex>"
 * lines, mode 0600.  audit_keys_read() accepts a file without k0 (has_k0
 * then 0). */
int audit_keys_write(const struct audit_keys *, const char *path, char **cause);
int audit_keys_read(const char *path, struct audit_keys *, int *has_k0,
    char **cause);

/* Verification (vigil-audit(5), "Verification"). */
enum audit_fault {
	AUDIT_OK = 0,
	AUDIT_EDITED,		/* body malformed or not matching its chain */
	AUDIT_INSERTED,		/* an entry that is not the original at its seq */
	AUDIT_DELETED,		/* an entry missing */
	AUDIT_REORDERED,	/* an entry stored at another seq */
	AUDIT_MAC,		/* MAC does not match the key for its seq */
	AUDIT_CKPT_SIG,		/* checkpoint body or signature wrong */
	AUDIT_CKPT_MISMATCH,	/* checkpoint root/chain disagree with the entries */
	AUDIT_TRUNCATED,	/* fewer entries than a checkpoint covers */
	AUDIT_NOT_LOG,		/* meta missing or for another log */
};

struct audit_verify_opts {
	const uint8_t	*k0;		/* check every MAC when not NULL */
	const uint8_t	*pk0;		/* checkpoint key; NULL: the log's meta */
	const uint8_t	*log_id;	/* expected log id, or NULL */
	const struct audit_ckpt_info *against;	/* a checkpoint the DPO holds */
	/* Called now and then with entries done and total; may be NULL. */
	void		(*progress)(int64_t done, int64_t total, void *arg);
	void		 *arg;
};

struct audit_verify_result {
	enum audit_fault fault;
	int64_t		 seq;		/* first failing seq, -1 when intact */
	int64_t		 entries;	/* entries checked */
	int64_t		 checkpoints;	/* checkpoints checked */
	int64_t		 last_epoch;	/* newest checkpoint, -1 when none */
	int64_t		 covered;	/* entries covered by a checkpoint */
	char		 detail[256];	/* what failed, for people */
};

/* Verifies the log at db.  Returns 0 when it could be read (result in *r,
 * intact when r->fault is AUDIT_OK), -1 on an I/O or usage error. */
int audit_verify(const char *db, const struct audit_verify_opts *,
    struct audit_verify_result *r, char **cause);
/* The fault's name as vigil audit verify prints it ("edited", "MAC", ...). */
const char *audit_fault_name(enum audit_fault);

/* Reading entries, in seq order (or newest first), through a filter. */
struct audit_filter {
	int64_t		 from_ms;	/* entry time >= from (0: no bound) */
	int64_t		 to_ms;		/* entry time < to (0: no bound) */
	const char	*actor;
	const char	*action;
	const char	*camera;
	const char	*reason_code;
	const char	*reference;	/* substring */
	int64_t		 footage_from;	/* footage range overlaps [from, to) */
	int64_t		 footage_to;	/*   (both 0: no bound) */
	int		 newest_first;
	int64_t		 after_seq;	/* paging: seq > after (or < when newest
					 * first); -1: no bound */
	int64_t		 limit;		/* 0: no limit */
};

/* Starts a query; caller frees with audit_iter_free().  The log may be
 * opened read-only. */
struct audit_iter *audit_iter_new(struct audit_log *, const struct audit_filter *,
    char **cause);
/* Returns 1 with *row filled, 0 at the end, -1 on error. */
int audit_iter_next(struct audit_iter *, struct audit_row *row, char **cause);
void audit_iter_free(struct audit_iter *);

/* Views a crash left open: the seqs of view-start entries that no
 * view-end or view-aborted names in its details ("view": seq), oldest
 * first.  Caller frees *seqs. */
int audit_views_open(struct audit_log *, int64_t **seqs, size_t *n,
    char **cause);

/* Reads the entry at seq into *row; its strings live in *storage, which the
 * caller frees.  Returns 0, 1 when there is no such entry, or -1. */
int audit_entry_get(struct audit_log *, int64_t seq, struct audit_row *row,
    char **storage, char **cause);

/* Test hook (STYLE.md item 5): the n-th fault point reached from now on
 * fails (mode 0: returns an error) or ends the process with _exit(99)
 * (mode 1).  n 0 turns it off. */
void audit_fault_after(int n, int mode);
/* Number of fault points reached since the last audit_fault_after(). */
int audit_fault_points(void);

#ifdef VIGIL_AUDIT_INTERNAL
/* Shared between the files of audit/ only (and its unit tests). */
#include <sqlite3.h>

#define BODY_MAGIC	"VIGIL1\0\0"
#define CKPT_MAGIC	"VIGCKP1\0"
#define HASH_LEN	32

/* H(x) = BLAKE2b-256 over the concatenation of n parts. */
void hash_parts(uint8_t out[HASH_LEN], const uint8_t *key, int nparts, ...);
void be64_put(uint8_t *p, int64_t v);
int64_t be64_get(const uint8_t *p);

/* Encodes e with seq into a new buffer (caller frees); -1 with *cause on
 * invalid fields. */
int body_encode(const struct audit_entry *e, int64_t seq, uint8_t **out,
    size_t *len, char **cause);
/* Decodes a body; the strings in *row are copied, NUL-terminated, into
 * storage, which holds at least len + 8 bytes.  Returns 0 or -1. */
int body_decode(const uint8_t *b, size_t len, struct audit_row *row,
    char *storage);
/* Checks entry fields without encoding them. */
int body_check(const struct audit_entry *e, char **cause);

/* The RFC 6962 Merkle tree hash, kept as a frontier of perfect subtrees. */
struct merkle {
	uint64_t	n;
	int		count;
	uint8_t		h[64][HASH_LEN];
};
void merkle_init(struct merkle *);
void merkle_add(struct merkle *, const uint8_t leaf[HASH_LEN]);
void merkle_root(const struct merkle *, uint8_t out[HASH_LEN]);
/* Serialises the frontier as count hashes; loads it back (-1 if the length
 * does not fit n). */
size_t merkle_save(const struct merkle *, uint8_t *out, size_t cap);
int merkle_load(struct merkle *, uint64_t n, const uint8_t *in, size_t len);

/* The key state file (vigil-audit(5), "Key state"). */
struct state {
	uint8_t		log_id[AUDIT_LOGID_LEN];
	int64_t		next_seq;
	uint8_t		k[AUDIT_KEY_LEN];
	int64_t		next_epoch;
	uint8_t		seed[AUDIT_KEY_LEN];
};
#define STATE_LEN	136
int state_create(const char *path, const struct state *, char **cause);
int state_open(const char *path, char **cause);
int state_lock(int fd, int timeout_ms, char **cause);
void state_unlock(int fd);
int state_read(int fd, const char *path, struct state *, char **cause);
int state_write(int fd, const char *path, const struct state *, char **cause);
void state_wipe(struct state *);
/* k_{i+1} from k_i, and the checkpoint key seed s_{j+1} from s_j. */
void state_ratchet_key(uint8_t k[AUDIT_KEY_LEN]);
void state_ratchet_seed(uint8_t seed[AUDIT_KEY_LEN]);
/* The Ed25519 key pair of a checkpoint key seed. */
void state_seed_keypair(const uint8_t seed[AUDIT_KEY_LEN], uint8_t pk[32],
    uint8_t sk[64]);

/* Fault injection: returns -1 (or exits) when the countdown hits zero. */
int fault_point(const char *where, char **cause);

/* The log's database handle (for query.c). */
sqlite3 *log_db(struct audit_log *);
/* The log's path, for messages. */
const char *log_path(struct audit_log *);

/* Chain start value chain_-1 of a log. */
void chain_start(const uint8_t log_id[AUDIT_LOGID_LEN], uint8_t out[HASH_LEN]);
/* Formats a checkpoint body. */
void ckpt_encode(uint8_t out[AUDIT_CKPT_LEN], const uint8_t log_id[AUDIT_LOGID_LEN],
    int64_t epoch, int64_t n, const uint8_t root[HASH_LEN],
    const uint8_t chain[HASH_LEN], int64_t time_ms, const uint8_t pk_next[32]);
#endif

#endif
