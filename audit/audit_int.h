/* audit_int — what the files of audit/ share with each other (and with its
 * unit tests, fuzzers and benchmarks) and with no other module: the
 * private half of audit/audit.h.  tests/regress/boundaries.sh checks that no
 * other folder includes it. */
#ifndef VIGIL_AUDIT_INT_H
#define VIGIL_AUDIT_INT_H

#include "audit/audit.h"

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
	uint8_t		seed[AUDIT_KEY_LEN];	/* s_{next_epoch} */
	/* The fresh seed s_{next_epoch + 1} drawn for the checkpoint being
	 * made, stored before that checkpoint is committed (all zero: none). */
	uint8_t		pending[AUDIT_KEY_LEN];
};
#define STATE_LEN	168
int state_create(const char *path, const struct state *, char **cause);
int state_open(const char *path, char **cause);
int state_lock(int fd, int timeout_ms, char **cause);
void state_unlock(int fd);
int state_read(int fd, const char *path, struct state *, char **cause);
int state_write(int fd, const char *path, const struct state *, char **cause);
void state_wipe(struct state *);
/* k_{i+1} from k_i. */
void state_ratchet_key(uint8_t k[AUDIT_KEY_LEN]);
/* The old seed ratchet s_{j+1} = Hk(s_j, 0x06 || "signkey"), no longer
 * used by vigil (its seeds are fresh): kept for the test that shows a
 * copied state no longer yields later keys. */
void state_ratchet_seed(uint8_t seed[AUDIT_KEY_LEN]);
/* The Ed25519 key pair of a checkpoint key seed. */
void state_seed_keypair(const uint8_t seed[AUDIT_KEY_LEN], uint8_t pk[32],
    uint8_t sk[64]);

/* Formats the witness line of a checkpoint (without the syslog header). */
int witness_line(char *out, size_t len, enum audit_witness_kind,
    const uint8_t body[AUDIT_CKPT_LEN], const uint8_t sig[AUDIT_SIG_LEN]);
/* Sends text as one syslog message (facility authpriv, the severity
 * given, tag vigil[PID]) to the socket at path. */
int witness_emit(const char *path, int severity, const char *text,
    char **cause);


/* Test hook: the room of one review query, at most bytes (with the NUL)
 * and binds parameters, less than the builder's own (0: all of it); a
 * filter that does not fit is refused with a message. */
void audit_review_sql_limits(struct audit_review *, size_t bytes, int binds);

/* The log's database handle (for query.c). */
sqlite3 *log_db(struct audit_log *);
/* The log's meta checkpoint_every (AUDIT_MAX_CHECKPOINT_EVERY when it
 * has none). */
unsigned log_max_every(struct audit_log *);
/* The log's path, for messages. */
const char *log_path(struct audit_log *);

/* Checks the objects of the database's schema against the list of
 * vigil-audit(5): 0 when all are listed, 1 with the first other one in
 * what ("trigger x"), -1 when the schema cannot be read. */
int schema_check(sqlite3 *db, char *what, size_t len);

/* Chain start value chain_-1 of a log. */
void chain_start(const uint8_t log_id[AUDIT_LOGID_LEN], uint8_t out[HASH_LEN]);
/* Formats a checkpoint body. */
void ckpt_encode(uint8_t out[AUDIT_CKPT_LEN], const uint8_t log_id[AUDIT_LOGID_LEN],
    int64_t epoch, int64_t n, const uint8_t root[HASH_LEN],
    const uint8_t chain[HASH_LEN], int64_t time_ms, const uint8_t pk_next[32]);

#endif
