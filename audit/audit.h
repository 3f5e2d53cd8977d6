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

/* Default number of entries between automatic checkpoints, and the most
 * a log may be created with (vigil-audit(5): at most that many entries may
 * follow the newest checkpoint). */
#define AUDIT_CHECKPOINT_EVERY	64
#define AUDIT_MAX_CHECKPOINT_EVERY 1000000

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
	unsigned	 checkpoint_every;	/* 0: not in the key file */
};

/* Creates a new, empty log at db with its key state at state, both new
 * files (an existing one is never overwritten).  Fills *keys; the caller
 * wipes keys->k0 with sodium_memzero() once it is printed. */
int audit_create(const char *db, const char *state, struct audit_keys *keys,
    char **cause);
/* The same with every entries between automatic checkpoints (1 to
 * AUDIT_MAX_CHECKPOINT_EVERY), recorded in the log's meta: no later
 * setting makes them rarer, and verification counts more entries than
 * that after the newest checkpoint as a checkpoint missing.  audit_create()
 * records AUDIT_CHECKPOINT_EVERY. */
int audit_create_every(const char *db, const char *state, unsigned every,
    struct audit_keys *keys, char **cause);

#define AUDIT_OPEN_READONLY	0x1	/* no state file: read and verify only */

/* Opens a log.  Without AUDIT_OPEN_READONLY the state file must exist, be
 * a regular 0600 file (not a link) and match the log: its checkpoint key
 * must be the one the log names next (pk0, or the newest checkpoint's);
 * a state that lags the last committed entry (or checkpoint, by the fresh
 * seed it stored) is brought forward, one ahead of it is an error; and
 * the database may hold no table, index, trigger or view vigil-audit(5)
 * does not list.  Caller closes with audit_close(). */
struct audit_log *audit_open(const char *db, const char *state, int flags,
    char **cause);
void audit_close(struct audit_log *);

/* Sets the number of entries between automatic checkpoints; 0, or more
 * than the log recorded at creation, gives the log's own value. */
void audit_set_checkpoint_every(struct audit_log *, unsigned n);
unsigned audit_checkpoint_every(struct audit_log *);
/* Why the last checkpoint tried (automatic, after an append, or on
 * demand) could not be made, for the screen; NULL when it was made or
 * none was due.  The append itself succeeded.  Also sent to syslog.
 * Valid until the next append or checkpoint on the log. */
const char *audit_checkpoint_failure(struct audit_log *);
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

/* The quick check at start (audit/quick.c): the newest checkpoint's
 * signature (with the key the checkpoint before it names, or pk_0 as the
 * log stores it), its log id, that the log still holds the entries it
 * covers, ending in the chain value it signed, that its frontier gives its
 * root, and that at most the log's checkpoint_every entries follow it (or
 * precede the first).  Reads a few rows; a full audit_verify() is what
 * proves the whole log. */
enum audit_quick_verdict {
	AUDIT_QUICK_OK,		/* the newest checkpoint holds */
	AUDIT_QUICK_NONE,	/* no checkpoint yet */
	AUDIT_QUICK_BAD,	/* detail says what is wrong */
};
struct audit_quick {
	enum audit_quick_verdict verdict;
	int64_t		 epoch;		/* newest checkpoint, -1: none */
	int64_t		 n;		/* entries it covers */
	int64_t		 entries;	/* entries in the log */
	char		 detail[200];	/* BAD: the fault; else what is not
					 * covered ("" when everything is) */
};
/* Returns 0 with *q filled, or -1 with *cause when the log could not be
 * read. */
int audit_quick_check(struct audit_log *, struct audit_quick *q,
    char **cause);

/* Writes ck as an exported checkpoint file (vigil-audit(5)), mode 0644,
 * never overwriting; reads one back. */
int audit_checkpoint_export(const struct audit_ckpt_info *, const char *path,
    char **cause);
int audit_checkpoint_import(const char *path, struct audit_ckpt_info *,
    char **cause);

/* Writes and reads the key file: "log_id <hex>", "k0 <hex>", "pk0 <hex>"
 * and, when known, "checkpoint_every <n>" lines, mode 0600.
 * audit_keys_read() accepts a file without k0 (has_k0 then 0) or without
 * checkpoint_every (then 0). */
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
	AUDIT_CKPT_FRONTIER,	/* a stored frontier disagrees with the entries */
	AUDIT_CKPT_MISSING,	/* entries a checkpoint should cover, uncovered */
	AUDIT_SCHEMA,		/* an object vigil-audit(5) does not list */
};

struct audit_verify_opts {
	const uint8_t	*k0;		/* check every MAC when not NULL */
	const uint8_t	*pk0;		/* checkpoint key; NULL: the log's meta */
	const uint8_t	*log_id;	/* expected log id, or NULL */
	const struct audit_ckpt_info *against;	/* a checkpoint the DPO holds */
	/* Most entries allowed after the newest checkpoint; 0: the log's
	 * meta checkpoint_every (AUDIT_MAX_CHECKPOINT_EVERY without one). */
	unsigned	 checkpoint_every;
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
	int64_t		 checkpoint_every;	/* the limit applied */
	char		 detail[256];	/* what failed, for people */
};

/* Verifies the log at db.  Returns 0 when it could be read (result in *r,
 * intact when r->fault is AUDIT_OK), -1 on an I/O or usage error. */
int audit_verify(const char *db, const struct audit_verify_opts *,
    struct audit_verify_result *r, char **cause);
/* The fault's name as vigil audit verify prints it ("edited", "MAC", ...). */
const char *audit_fault_name(enum audit_fault);

/* ==== Witness (vigil-audit(5), WITNESS) ================================= */

/* Every checkpoint is sent as a witness line to a syslog socket, for a
 * collector off the machine to keep; a heartbeat makes one when none was
 * made for a while, and a clean stop sends a stop line. */
#define AUDIT_SYSLOG_SOCKET	"/dev/log"
#define AUDIT_WITNESS_LINE_MAX	2048	/* a collector's line, at most */

enum audit_witness_kind {
	AUDIT_WITNESS_CHECKPOINT,
	AUDIT_WITNESS_STOP,
};

/* Sets the syslog socket witness lines (and failed checkpoints) are sent
 * to; NULL sends none.  The default is AUDIT_SYSLOG_SOCKET. */
void audit_set_witness_socket(struct audit_log *, const char *path);
/* Why the last witness line could not be sent, for the screen; NULL when
 * it was.  Valid until the next checkpoint on the log. */
const char *audit_witness_failure(struct audit_log *);

/* The heartbeat: when no checkpoint was made in interval_ms before now_ms
 * (or now_ms is that long before the newest, the clock having gone back;
 * with no checkpoint at all, counted from the first entry),
 * appends a heartbeat entry (actor vigil, terminal as given) and a
 * checkpoint over it, both dated now_ms, under the log's lock, so that several terminals on
 * one log make one.  Returns 1 when it made one, 0 when none was due, -1
 * on failure. */
int audit_heartbeat(struct audit_log *, int64_t now_ms, int64_t interval_ms,
    const char *terminal, char **cause);
/* A clean stop: makes a checkpoint over the entries not yet covered and
 * sends a stop line for the newest checkpoint.  Returns 0, or -1 (no
 * checkpoint at all, or one could not be made or sent). */
int audit_witness_stop(struct audit_log *, char **cause);

/* One line of a collector's file: RECEIVE-TIME SP SENDER SP ... followed
 * by the witness line itself. */
struct audit_witness_record {
	int64_t		 time_ms;		/* the collector's receive time */
	char		 sender[256];
	enum audit_witness_kind kind;
	uint8_t		 log_id[AUDIT_LOGID_LEN];
	int64_t		 epoch;
	int64_t		 n;
	uint8_t		 body[AUDIT_CKPT_LEN];
	uint8_t		 sig[AUDIT_SIG_LEN];
};
/* Parses the len bytes at line (a trailing newline is ignored).  Returns
 * 0 with *w filled (its signature not checked), 1 when the line holds no
 * witness line, -1 when it holds a malformed one (why says how). */
int audit_witness_parse(const char *line, size_t len,
    struct audit_witness_record *w, char *why, size_t whylen);

/* Checking a log against collector files. */
enum audit_witness_fault {
	AUDIT_WITNESS_OK = 0,
	AUDIT_WITNESS_NONE,		/* no line of the log verifies */
	AUDIT_WITNESS_ROLLBACK,		/* a witnessed checkpoint the log lacks */
	AUDIT_WITNESS_REWRITTEN,	/* one the log holds differently */
	AUDIT_WITNESS_FORK,		/* two signed for one epoch */
	AUDIT_WITNESS_REPLACED,		/* the sender went on with another log */
	AUDIT_WITNESS_SILENCE,		/* a silence without a stop before it */
};
enum audit_witness_note_kind {
	AUDIT_WITNESS_NOTE_FAIL,	/* one of the faults above */
	AUDIT_WITNESS_NOTE_WINDOW,	/* a time or checkpoints not witnessed */
	AUDIT_WITNESS_NOTE_UNAUTH,	/* a line that does not verify */
	AUDIT_WITNESS_NOTE_INFO,	/* this log followed another one */
};
struct audit_witness_note {
	enum audit_witness_fault fault;
	enum audit_witness_note_kind kind;
	int64_t		 from_ms, to_ms;	/* -1 when not known */
	char		 text[480];
};
struct audit_witness_opts {
	const uint8_t	*log_id;	/* the log's identity: required */
	const uint8_t	*pk0;
	int64_t		 heartbeat_ms;	/* the configured heartbeat interval */
	const char *const *files;	/* the collector's files */
	size_t		 nfiles;
};
struct audit_witness_result {
	enum audit_witness_fault fault;	/* the first failure, or OK */
	int64_t		 failures;
	int64_t		 records;	/* lines read */
	int64_t		 ignored;	/* lines holding no witness line */
	int64_t		 ours;		/* lines of this log */
	int64_t		 verified;	/* of those, verified along the chain */
	int64_t		 unauthenticated;	/* malformed or not verifying */
	int64_t		 other_log;	/* lines of other logs */
	int64_t		 senders;	/* senders of verified lines */
	int64_t		 first_ms, last_ms;	/* first, last verified line */
	int64_t		 newest_epoch, newest_n, newest_ms;	/* -1: none */
	int64_t		 log_entries;
	/* Failures, windows, unauthenticated lines and notes, in the order
	 * found: at most 100 of each fault and of each other kind (omitted
	 * counts the rest), so that every fault found is among them. */
	struct audit_witness_note *notes;
	size_t		 nnotes;
	size_t		 omitted;
};
/* Checks the log at db against the collector files of o.  Returns 0 with
 * *r filled (the caller frees it with audit_witness_result_free()), or -1
 * when the log or a file could not be read. */
int audit_witness_check(const char *db, const struct audit_witness_opts *o,
    struct audit_witness_result *r, char **cause);
void audit_witness_result_free(struct audit_witness_result *);
/* The fault's name as vigil audit verify prints it. */
const char *audit_witness_fault_name(enum audit_witness_fault);

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

/* Its fault points for the tests are util's, domain "audit"
 * (fault_after("audit", n, mode)). */

/* ==== Review (audit/review.c): the data protection officer's view ========
 *
 * A review reads the log a page at a time (SQL keyset paging, newest first:
 * by entry time, then seq; never the whole log in memory).  Rows are
 * "sessions": a view-start together with the view-end or view-aborted that
 * names it ("view": seq) is one row, with the intervals watched and the
 * duration actually viewed; every other entry is a row of its own (an
 * export-done or export-failed row also says whether an export-approved
 * entry approved its export).  Each row carries the flags below; the
 * thresholds come from the caller (tui/ fills them from config_review()
 * and the reason codes; audit/ does not read the configuration).
 *
 * The review uses the log's database connection: one thread at a time, the
 * thread that owns the log.  audit_verify() opens its own connection and
 * may run on another thread meanwhile. */

struct audit_review;

/* Flags (bit masks); names as audit_flag_name() gives them and the
 * command line takes them in brackets. */
#define AUDIT_FLAG_HOURS	0x01	/* [hours] view begun outside working hours */
#define AUDIT_FLAG_LONG		0x02	/* [long] view longer than max_view_minutes */
#define AUDIT_FLAG_PATTERN	0x04	/* [pattern] reference not matching its code's pattern */
#define AUDIT_FLAG_REUSED	0x08	/* [reused] reference used for more than
					 * max_cameras_per_reference cameras */
#define AUDIT_FLAG_MANY		0x10	/* [many] more than max_views_per_day
					 * views by the user that (local) day */
#define AUDIT_FLAG_CAP		0x20	/* [cap] played longer than its code's cap */
#define AUDIT_FLAG_UNAPPROVED	0x40	/* [unapproved] export-done without an
					 * export-approved for its export */
#define AUDIT_FLAG_ABORTED	0x80	/* [aborted] view closed as view-aborted */
#define AUDIT_FLAG_COUNT	8
#define AUDIT_FLAG_ALL		0xff

/* The name of one flag bit ("hours", ...), or NULL for anything else. */
const char *audit_flag_name(unsigned flag);
/* The flag bit of a name, 0 when unknown. */
unsigned audit_flag_parse(const char *name);

/* One reason code as the review needs it; strings are copied. */
struct audit_review_code {
	const char	*code;
	const char	*reference_regex;	/* NULL: any reference */
	int		 cap_seconds;		/* 0: no cap */
	int		 needs_approval;	/* [export] require_approval */
};

/* Thresholds ([review] in vigil.conf(5)); copied by audit_review_new(). */
struct audit_review_limits {
	int		 work_from;	/* minutes after local midnight; */
	int		 work_to;	/*   equal: no working-hours flag */
	int		 max_view_minutes;		/* 0: no flag */
	int		 max_views_per_day;		/* 0: no flag */
	int		 max_cameras_per_reference;	/* 0: no flag */
	const struct audit_review_code *codes;
	size_t		 ncodes;
};

/* Starts a review of log (opened read-only or not), which the caller
 * keeps open until after audit_review_free().  Returns NULL with *cause
 * when a reference pattern does not compile.  It raises the page cache of
 * the log's connection to 16 MB (for the lifetime of the log). */
struct audit_review *audit_review_new(struct audit_log *,
    const struct audit_review_limits *, char **cause);
void audit_review_free(struct audit_review *);

/* What rows to show.  Strings are the caller's and must stay valid while
 * a page or iterator made with the filter is in use.  A zeroed filter
 * matches everything. */
struct audit_review_filter {
	int64_t		 from_ms;	/* entry time (a view: its view-start) */
	int64_t		 to_ms;		/*   in [from, to); 0: no bound */
	const char	*actor;		/* exact; NULL or "": any */
	const char	*camera;	/* exact (or one of an export's cameras) */
	const char	*action;	/* exact; a view row matches its start's
					 * and its end's action */
	const char	*reason_code;	/* exact */
	const char	*reference;	/* substring */
	int		 views_only;	/* view rows only */
	unsigned	 flags;		/* rows with any of these flags; 0: any */
	int64_t		 footage_from;	/* footage range overlaps [from, to) */
	int64_t		 footage_to;	/*   (both 0: no bound) */
	int		 who_saw;	/* views and export-start rows only */
};

/* A row's place in the order, for paging. */
struct audit_review_pos {
	int64_t		 time_ms;
	int64_t		 seq;
};

/* One row.  All pointers are owned by the page or iterator that produced
 * the row and valid until it is freed (a page) or advanced (an iterator). */
struct audit_review_row {
	int64_t		 seq;		/* the entry; the view-start of a view */
	int64_t		 time_ms;
	const char	*actor;
	const char	*action;
	const char	*camera;
	int64_t		 from_ms;	/* footage range declared */
	int64_t		 to_ms;
	const char	*reason_code;
	const char	*reference;
	const char	*details;	/* JSON */
	const char	*terminal;
	int		 is_view;	/* a view-start, or an end without one */
	/* The end of a view: seq -1 and action "" while open.  For an
	 * export-start row: its export-done or export-failed (end_details
	 * and end_action; -1 and "" while running). */
	int64_t		 end_seq;
	int64_t		 end_time_ms;
	const char	*end_action;	/* "view-end", "view-aborted" or "" */
	const char	*end_how;	/* details "end" ("stopped", "cap", ...) or "" */
	const char	*end_details;	/* JSON, "" when none */
	size_t		 nshown;	/* intervals of footage shown (merged) */
	const int64_t	(*shown)[2];	/*   [from_ms, to_ms) each */
	int64_t		 shown_ms;	/* footage shown, -1 when unknown */
	int64_t		 played_ms;	/* footage time played, -1 when unknown */
	int64_t		 wall_ms;	/* time actually spent viewing: wall_ms
					 * of the end, else shown_ms; -1 unknown */
	int64_t		 play_ms;	/* the part of it footage played, from
					 * ends that record it (their wall_ms is
					 * time on screen); -1 otherwise */
	/* export-done / export-failed: the export-start and approval. */
	int64_t		 export_seq;	/* -1 when not an export row */
	int64_t		 approved_seq;	/* export-approved naming it, or -1 */
	const char	*approver;	/* its actor, or "" */
	int		 shown_overlap;	/* who-saw: 1 when the footage shown meets
					 * the window, 0 not, -1 unknown */
	unsigned	 flags;		/* AUDIT_FLAG_* */
};

/* A page of rows, newest first. */
struct audit_review_page {
	size_t		 n;
	struct audit_review_row *rows;
	int		 more_older;	/* rows exist past the last one */
	int		 more_newer;	/* rows exist before the first one */
};

/* Reads at most max rows (1..1000) matching f, newest first.  at NULL:
 * the newest rows.  Otherwise older rows than *at (backward 0) or the max
 * rows newer than *at (backward 1; still newest first).  Caller frees
 * *page with audit_review_page_free(). */
int audit_review_page(struct audit_review *, const struct audit_review_filter *,
    const struct audit_review_pos *at, int backward, size_t max,
    struct audit_review_page **page, char **cause);
void audit_review_page_free(struct audit_review_page *);

/* Counts matching rows up to limit: *n is the count, or limit when there
 * are at least that many (then the answer is "at least *n"). */
int audit_review_count(struct audit_review *, const struct audit_review_filter *,
    int64_t limit, int64_t *n, char **cause);

/* Every matching row, newest first, one at a time (for reports).  Caller
 * frees with audit_review_iter_free(). */
struct audit_review_iter;
struct audit_review_iter *audit_review_iter_new(struct audit_review *,
    const struct audit_review_filter *, char **cause);
/* Returns 1 with *row filled (valid until the next call), 0 at the end,
 * -1 on error. */
int audit_review_iter_next(struct audit_review_iter *,
    struct audit_review_row *row, char **cause);
void audit_review_iter_free(struct audit_review_iter *);

/* A sentence saying why row carries flag, naming the threshold and its
 * configuration key; caller frees.  NULL when the row does not carry it. */
char *audit_review_flag_explain(struct audit_review *,
    const struct audit_review_row *, unsigned flag);

/* The whole entry at seq for the detail view.  Returns 0, 1 when there is
 * no such entry, or -1.  Caller frees with audit_review_entry_free(). */
struct audit_review_entry {
	struct audit_row row;		/* strings in storage */
	uint8_t		 chain[32];	/* chain_seq as stored */
	uint8_t		 mac[32];
	int64_t		 count;		/* entries in the log */
	int64_t		 covered_epoch;	/* first checkpoint covering it; -1 */
	char		*storage;
};
int audit_review_entry_get(struct audit_review *, int64_t seq,
    struct audit_review_entry *, char **cause);
void audit_review_entry_free(struct audit_review_entry *);

/* Summary of rows (a report's): counts per user, camera and reason code,
 * exports and flags.  Zero it before the first add; free its insides with
 * audit_review_summary_free().  Lists are sorted by key. */
struct audit_review_tally {
	char		*key;
	int64_t		 views;
	int64_t		 viewed_ms;	/* sum of known wall_ms */
	int64_t		 exports;	/* export-done rows */
	int64_t		 flagged;	/* rows with any flag */
};
struct audit_review_summary {
	int64_t		 rows;
	int64_t		 views;
	int64_t		 views_open;		/* no end yet */
	int64_t		 exports_started;
	int64_t		 exports_done;
	int64_t		 exports_failed;
	int64_t		 exports_approved;	/* export-approved rows */
	int64_t		 flags[AUDIT_FLAG_COUNT];	/* by bit position */
	struct audit_review_tally *by_user, *by_camera, *by_reason;
	size_t		 n_user, n_camera, n_reason;
};
void audit_review_summary_add(struct audit_review_summary *,
    const struct audit_review_row *);
void audit_review_summary_free(struct audit_review_summary *);

/* The integrity panel, without the full verification (audit_verify()):
 * the newest checkpoint and the entries it does not cover, and, when
 * held_path is not NULL, whether the log holds the checkpoint exported to
 * that file byte for byte (held 1), holds another one at its epoch
 * (held -1), none at its epoch (held -2) or is another log (held -3);
 * held_detail says so for people.  held 0 when no file was given. */
struct audit_review_integrity {
	int64_t		 entries;
	int		 has_checkpoint;
	struct audit_ckpt_info latest;
	int64_t		 uncovered;	/* entries after the newest checkpoint */
	int		 held;
	struct audit_ckpt_info held_ckpt;
	char		 held_detail[256];
};
int audit_review_integrity(struct audit_log *, const char *held_path,
    struct audit_review_integrity *, char **cause);

/* The filter as a JSON object (the keys of vigil-audit(5), "AUDIT
 * RECORDS"); caller frees. */
char *audit_review_filter_json(const struct audit_review_filter *);

/* Logs audit-review: what is "enter" (the screen was entered) or "filter"
 * (a filter was applied), with the filter.  Returns the seq or -1. */
int64_t audit_review_log_review(struct audit_log *, const char *actor,
    const char *terminal, const char *what, const struct audit_review_filter *,
    char **cause);
/* Logs audit-report: a report of rows rows in format written to path,
 * whose SHA256SUMS has the SHA-256 sums_hex, made with filter f. */
int64_t audit_review_log_report(struct audit_log *, const char *actor,
    const char *terminal, const struct audit_review_filter *,
    const char *format, const char *path, const char *sums_hex, int64_t rows,
    char **cause);

/* ==== End of Review ====================================================== */

#endif
