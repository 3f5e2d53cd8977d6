/* export — disclosure bundles and their signatures (vigil-export(5)).
 *
 * Functions that fail return -1 and, when cause is not NULL, set *cause to
 * a message the caller frees with free(). */
#ifndef VIGIL_EXPORT_H
#define VIGIL_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* Signing, compatible with minisign: "Ed" keys, "ED" (BLAKE2b-512
 * prehashed) signatures with a trusted comment. */
struct sign_key;

#define SIGN_KEYID_HEX		17	/* 16 upper-case hex digits and NUL */
#define SIGN_PASSPHRASE_MAX	1024

/* Creates a key pair: the secret key at seckey (mode 0600, never
 * overwriting), encrypted with scrypt when passphrase is not NULL, and the
 * public key at pubkey (mode 0644).  kdf_ops/kdf_mem 0 mean minisign's
 * defaults. */
int sign_keygen(const char *seckey, const char *pubkey, const char *passphrase,
    uint64_t kdf_ops, uint64_t kdf_mem, char **cause);

/* Loads a secret key; passphrase may be NULL for an unencrypted key.
 * Caller frees with sign_key_free(), which wipes it. */
struct sign_key *sign_key_load(const char *seckey, const char *passphrase,
    char **cause);
void sign_key_free(struct sign_key *);
/* 1 when the secret key file at path is passphrase-protected, 0 when not,
 * -1 when it cannot be read. */
int sign_key_encrypted(const char *path, char **cause);

/* The key id as minisign prints it. */
void sign_key_id(const struct sign_key *, char out[SIGN_KEYID_HEX]);
/* Writes the public key file (minisign format) for key, never overwriting. */
int sign_pubkey_write(const struct sign_key *, const char *path, char **cause);
/* Reads a public key file: key id (hex) and the base64 line. */
int sign_pubkey_read(const char *path, char keyid[SIGN_KEYID_HEX],
    char **b64, char **cause);

/* The public key of k as minisign's base64 line ("RW..."); caller frees. */
char *sign_key_public(const struct sign_key *);

#define SIGN_FPR_TEXT		80	/* 16 groups of 4 hex digits, NUL */
/* The fingerprint of a public key given as its base64 line: SHA-256 of
 * the 42 bytes the line decodes to ("Ed" || keyid || pk), as 64 lower-case
 * hex digits in 16 groups of 4 separated by spaces.  -1 when b64 is not a
 * minisign Ed25519 public key. */
int sign_fingerprint(const char *b64, char out[SIGN_FPR_TEXT]);
/* A public key given either as its base64 line or as the path of a public
 * key file: *b64 (caller frees) is the base64 line. */
int sign_pubkey_arg(const char *key_or_path, char **b64, char **cause);

/* Pinned signing keys (vigil-export(5), "PINNED KEYS"): the site's current
 * key and earlier ones, each earlier one with the time from which it no
 * longer signs.  A key carried inside a bundle or report is never one. */
struct sign_trust;

/* An empty list; caller frees with sign_trust_free(). */
struct sign_trust *sign_trust_new(void);
void sign_trust_free(struct sign_trust *);
/* Adds a key (base64 line or public key file); until_ms 0: current. */
int sign_trust_add(struct sign_trust *, const char *key_or_path,
    int64_t until_ms, char **cause);
/* Adds the keys of a list as [export] trusted_keys writes them: items
 * separated by commas, each a key or a public key file, optionally
 * followed by "until YYYY-MM-DD" or "until YYYY-MM-DDTHH:MM:SSZ" (UTC). */
int sign_trust_parse(struct sign_trust *, const char *list, char **cause);
size_t sign_trust_count(const struct sign_trust *);
/* 0 and *until_ms (0: current) when b64 is pinned, -1 when not. */
int sign_trust_find(const struct sign_trust *, const char *b64,
    int64_t *until_ms);

/* Signs the file at path into sigpath (a new file) with the trusted comment
 * (one line of UTF-8, no newline). */
int sign_file(const struct sign_key *, const char *path, const char *sigpath,
    const char *trusted_comment, char **cause);

/* Verifies sigpath over path with the public key file pubkey.  Returns 0
 * when valid (and *trusted, if not NULL, is the trusted comment; caller
 * frees), 1 when the file or signature does not match, -1 on error. */
int sign_verify(const char *pubkey, const char *path, const char *sigpath,
    char **trusted, char **cause);

/* Bundles (vigil-export(5)). */
struct bundle;

/* What the manifest and the handover protocol say besides the files.
 * Strings are copied by bundle_begin(); NULL means empty (approver: none). */
struct bundle_meta {
	const char	*exporter;
	const char	*approver;
	const char	*reason_code;
	const char	*reason_label;
	const char	*legal_basis;
	const char	*reference;
	const char	*requester;
	const char	*recipient;
	const char	*mode;		/* "original" or "redacted" */
	int		 audio;
	const char	*site;		/* the site name, for the documents */
	const char	*recorder;	/* sources are named relative to it */
	const char	*log_id;	/* audit log id, hex */
	int64_t		 export_seq;	/* seq of the export-start record */
	int64_t		 ckpt_epoch;	/* newest checkpoint, -1: none */
	int64_t		 ckpt_n;
	const char	*ckpt_root;	/* hex */
	const char	*key_id;	/* signing key id */
	const char	*public_key;	/* its base64 public key ("RW...") */
	const char	*id;		/* the export id (16 lower-case hex
					   digits), or NULL: a random one */
};

/* Starts a bundle under target: creates target/.vigil-partial-<id>/clips/.
 * Caller ends it with bundle_finish() or bundle_abort(). */
struct bundle *bundle_begin(const char *target, const struct bundle_meta *,
    int64_t created_ms, char **cause);
/* The export id (16 hex digits); valid until the bundle is freed. */
const char *bundle_id(const struct bundle *);
/* The partial folder; valid until the bundle is freed. */
const char *bundle_partial(const struct bundle *);
/* The path a clip of camera covering [from, to) is written to, inside the
 * partial folder; caller frees. */
char *bundle_clip_path(struct bundle *, const char *camera, int64_t from_ms,
    int64_t to_ms);
/* Records a requested range, a gap in it, and a mask specification. */
int bundle_add_range(struct bundle *, const char *camera, int64_t from_ms,
    int64_t to_ms, char **cause);
int bundle_add_gap(struct bundle *, const char *camera, int64_t from_ms,
    int64_t to_ms, char **cause);
int bundle_add_mask(struct bundle *, const char *spec, char **cause);
/* Records a source segment file, hashing it (SHA-256). */
int bundle_add_source(struct bundle *, const char *camera, const char *path,
    char **cause);
/* The same with the size and SHA-256 (hex) already known (hashed on
 * another thread, export/job.c). */
int bundle_add_source_hashed(struct bundle *, const char *camera,
    const char *path, int64_t size, const char hex[65], char **cause);
/* Records a clip written at path (from bundle_clip_path()) that really
 * covers [from, to), hashing it. */
int bundle_add_clip(struct bundle *, const char *path, const char *camera,
    int64_t from_ms, int64_t to_ms, int64_t duration_ms, const char *codec,
    char **cause);
/* Writes README.txt, HANDOVER.txt, manifest.json, SHA256SUMS, its signature
 * and the public key; flushes every file, reads each back from the medium
 * and checks it, then renames the folder into place.  On success sets
 * *final (caller frees) and sums (SHA-256 of SHA256SUMS, hex) and frees
 * the bundle; on failure the partial folder is removed and the bundle
 * freed. */
int bundle_finish(struct bundle *, const struct sign_key *, char **final,
    char sums[65], char **cause);
/* Removes the partial folder and frees the bundle. */
void bundle_abort(struct bundle *);

/* Verifies the bundle at dir (vigil-export(5), "VERIFICATION") against
 * the pinned keys of trust.  Returns 0 intact, 1 altered or signed by a key
 * that is not pinned (or an earlier key after its end), 2 not a bundle,
 * unreadable or no key pinned; *report (caller frees) says what was
 * checked or what failed. */
int bundle_verify(const char *dir, const struct sign_trust *trust,
    char **report);

/* SHA-256 of the file at path, as 64 lower-case hex digits. */
int sha256_file(const char *path, char hex[65], char **cause);

/* ==== Clips: cutting (export/clip.c), redaction (export/redact.c), masks
 * (export/mask.c) ==========================================================
 *
 * A clip is one MP4 file made from an ordered list of pieces of segment
 * files (catalog_range()'s pieces, gaps left out) that cover a declared
 * range of recording time [from_ms, to_ms).  The pieces are laid back to
 * back, as player/edl.c lays them out for mpv: the clip's clock runs on
 * across a gap, and every stretch of the declared range the clip does not
 * show is reported in clip_result.gaps so the manifest can state it.
 *
 * Both modes return 0, -1 with *cause (caller frees; names the file that
 * could not be read or written, and why), or CLIP_CANCELLED when *cancel
 * became non-zero.  On -1 and CLIP_CANCELLED the output file is removed:
 * a file at opts->out exists afterwards only on success, written, synced
 * (unless opts->nosync) and closed.  The output must not exist beforehand
 * (it is created with O_EXCL|O_NOFOLLOW, mode 0644).  Neither mode prints
 * anything; libav's own log level is left to the caller
 * (probe_silence_libav()). */

#include <stdatomic.h>

#define CLIP_CANCELLED	(-2)
#define CLIP_PIECES_MAX	100000

/* One stretch of one segment file: length_ms of the file at path from
 * offset_ms (ms after the file's first timestamp), showing recording time
 * [start_ms, start_ms + length_ms).  Pieces are in time order and do not
 * overlap. */
struct clip_piece {
	const char	*path;
	int64_t		 start_ms;	/* UTC ms */
	int64_t		 offset_ms;
	int64_t		 length_ms;
};

/* Called with the fraction done, 0 to 1 (footage time processed over
 * footage time in the pieces), at most about a thousand times a clip and
 * once with 1 at the end; for a progress bar with time remaining. */
typedef void clip_progress_fn(double done, void *arg);

struct clip_opts {
	const struct clip_piece	*pieces;
	size_t			 npieces;
	int64_t			 from_ms;	/* the declared range */
	int64_t			 to_ms;
	const char		*out;		/* the new file */
	int			 audio;		/* 1: keep the first audio stream
						   (copied, never re-encoded) */
	clip_progress_fn	*progress;	/* may be NULL */
	void			*progress_arg;
	const atomic_int	*cancel;	/* may be NULL; read between
						   packets and frames */
	int			 nosync;	/* 1: write-back left to the
						   caller (no fsync; a
						   bundle syncs every file) */
	/* redact_clip() only: libx264 preset and CRF; NULL and 0 mean
	 * REDACT_PRESET and REDACT_CRF. */
	const char		*preset;
	int			 crf;
};

/* A stretch of the declared range that the clip does not show. */
struct clip_gap {
	int64_t		 from_ms;
	int64_t		 to_ms;
};

/* What a clip holds.  Times are recording time (UTC ms) of the first frame
 * and of the end of the last frame: for an original clip the keyframes'
 * times, usually outside [from_ms, to_ms).  Free with clip_result_free(). */
struct clip_result {
	int64_t		 start_ms;
	int64_t		 end_ms;
	int64_t		 duration_ms;	/* of the file (gaps left out) */
	int64_t		 frames;
	int		 width;
	int		 height;
	char		 codec[32];	/* "h264", as ffprobe names it */
	int		 audio;		/* 1 when the file has an audio stream */
	struct clip_gap	*gaps;		/* in time order */
	size_t		 ngaps;
};
/* Frees what r holds (not r itself) and zeroes it. */
void clip_result_free(struct clip_result *r);

/* Mode "original": copies the recorded video packets (no re-encode) of
 * each piece from the keyframe at or before its start to the first
 * keyframe at or after its end (or the end of its file): the clip begins
 * at the keyframe at or before from_ms and ends at the first keyframe at
 * or after to_ms, when the pieces are clipped to the range as
 * catalog_range() clips them.  Across segment boundaries into one MP4
 * with continuous timestamps, its index (moov) before the media data.  No metadata is copied: the muxer writes only what the format
 * requires.  Segments must share codec and frame size; an H.264 segment
 * whose parameter sets differ from the first one's carries its own in
 * band.  Fills *r (caller frees with clip_result_free()). */
int clip_original(const struct clip_opts *, struct clip_result *r,
    char **cause);

/* The frame size of the video in the segment file at path (for masks
 * given in pixels). */
int clip_frame_size(const char *path, int *width, int *height, char **cause);

/* For tests: export/'s clip, redaction and mask code has util's fault
 * points of domain "clip" (fault_after("clip", n, FAULT_ERROR)), which
 * fail as if out of memory or the disk had failed. */

/* ---- Masks (export/mask.c); the text format is in man/masks.inc.txt ----
 * A mask is a box with a mode, a time range and optional keyframes (the
 * box's top-left corner at given times; it moves linearly between them).
 * Stored canonically: positions and sizes in hundredths of a percent of
 * the frame's width or height, times as recording time (UTC ms). */
struct mask_list;

#define MASK_MAX	64	/* masks in a list */
#define MASK_KEYS_MAX	256	/* keyframes in a mask */
#define MASK_SPEC_MAX	8192	/* bytes of one specification */

/* Caller frees with mask_list_free(). */
struct mask_list *mask_list_new(char **cause);
void mask_list_free(struct mask_list *);
/* A mask's time, the grammar of vigil-export(5) (mask specifications):
 * "+S[.fff]", "+M:SS[.fff]" or "+H:MM:SS[.fff]" after base_ms, or a date
 * and time (local without an offset).  The export wizard's mask editor
 * reads its times with it too.  Returns 0, or -1 with *cause. */
int mask_time(const char *s, int64_t base_ms, int64_t *ms, char **cause);
/* Parses one specification and appends it.  base_ms is what relative times
 * ("+1:30") count from: the start of the declared range.  width and height
 * are the frame's size in pixels, needed only for values given in "px"
 * (0 when unknown: such values are refused; see clip_frame_size()).  Box
 * sizes beyond the frame are clamped to it, positions to 0 .. 100%. */
int mask_list_add(struct mask_list *, const char *spec, int64_t base_ms,
    int width, int height, char **cause);
size_t mask_list_count(const struct mask_list *);
/* The canonical specification of mask i (percentages, absolute UTC
 * times); mask_list_add() reads it back to the same mask.  Caller frees. */
char *mask_format(const struct mask_list *, size_t i, char **cause);
/* Checks that every mask's time range meets [from_ms, to_ms). */
int mask_list_validate(const struct mask_list *, int64_t from_ms,
    int64_t to_ms, char **cause);

/* ---- Redaction (export/redact.c) ---------------------------------------- */

#define REDACT_PRESET	"veryfast"
#define REDACT_CRF	20

/* Mode "redacted": decodes the pieces exactly (the frames recorded in
 * [start_ms, start_ms + length_ms) of each), burns the masks into the
 * pixels with the filter graph redact_graph() gives, and encodes H.264
 * (libx264) into an MP4 with its index first, keeping the source frame
 * rate and frame timestamps.  The file holds that one video stream (and
 * the source's first audio stream, copied, only when opts->audio is 1):
 * no source stream, picture or metadata.  masks may be NULL or empty.
 * Fills *r (caller frees with clip_result_free()). */
int redact_clip(const struct clip_opts *, const struct mask_list *masks,
    struct clip_result *r, char **cause);

/* The libavfilter graph (one video input, one output; "null" without
 * masks) that burns masks into frames of width x height whose time t (in
 * seconds) is the position on the pieces laid back to back (t = 0 at
 * pieces[0].start_ms): the timeline player/edl.c gives mpv, and the one
 * redact_clip() filters on.  Caller frees. */
char *redact_graph(const struct mask_list *, const struct clip_piece *pieces,
    size_t npieces, int width, int height, char **cause);
/* The same graph as a value for mpv's vf option ("lavfi=[...]"), for the
 * live preview: what the user previews is what redact_clip() burns in.
 * Caller frees. */
char *redact_mpv_vf(const struct mask_list *, const struct clip_piece *pieces,
    size_t npieces, int width, int height, char **cause);

/* ==== End of Clips ======================================================== */

/* ==== Export jobs (export/job.c) ==========================================
 *
 * One export from request to signed bundle, with its audit records
 * (DESIGN.md invariants 1 and 4):
 *
 *   job_new()       checks the request against the configuration, reads
 *                   the catalog (pieces and gaps of every camera) and
 *                   estimates the size; no footage is read.  A camera
 *                   whose range holds no playable footage is refused here,
 *                   before anything is logged.
 *   job_estimate()  size and duration, for the wizard's summary.
 *   job_check_space() statvfs of the target against the estimate.
 *   job_start()     the approval rule, the free space, then the audit
 *                   records export-approved (when an approver is named) and
 *                   export-start (durable; if it cannot be written the
 *                   export is refused and nothing is read), then the
 *                   partial folder.
 *   job_run()       cuts or redacts one clip per camera, hashes the
 *                   sources, writes, reads back, signs and renames the
 *                   bundle.  Touches no audit log, catalog or
 *                   configuration: it may run on a worker thread (or
 *                   through job_spawn()).  It hashes the sources on a
 *                   thread of its own while the clips are cut, and flushes
 *                   each clip on another while it is hashed; both are
 *                   joined before it returns.
 *   job_end()       records export-done (with the SHA-256 of SHA256SUMS
 *                   and the bundle's path) or export-failed (with the
 *                   error; also for a cancel), after the partial folder
 *                   was removed.
 *
 * Threads: job_new, job_estimate, job_check_space, job_start, job_end and
 * job_free are called from the one thread that owns the audit log and the
 * catalog (the UI's).  Between job_start() and job_end() the job's work
 * runs either synchronously with job_run(), or on a thread of the job's
 * own with job_spawn(); then only job_fd(), job_poll(), job_cancel() and
 * job_progress_get() may be called, from any thread, until job_poll()
 * returned 1.  The audit log is only ever used by the calling thread:
 * nothing is appended from the worker.
 *
 * Authentication is the caller's: an approver is named here only after
 * auth_approve() accepted them; the job checks the rule (the reason code
 * needs an approver when [export] require_approval lists it; the approver
 * is not the exporter) and logs export-approved.  The caller checks that
 * the exporter holds the exporter role.
 *
 * Audit records (vigil-export(5), "AUDIT RECORDS"): actor the exporter
 * (the approver for export-approved), camera column the camera (several
 * joined with ","), from/to columns the range, reason code and reference
 * columns; details JSON with the keys "cameras", "from", "to" (UTC ms),
 * "mode", "masks", "audio", "reason", "reference", "requester",
 * "recipient", "legal_basis", "note", "target", "approver", "export_id",
 * "partial", "estimate_bytes" in export-start; "export" (seq of export-start), "bundle", "sha256sums",
 * "export_id", "bytes", "clips" in export-done; "export", "error",
 * "stage", "cancelled" in export-failed; "export" (seq of the
 * export-start that follows), "approver", "exporter" in export-approved. */

struct catalog;
struct audit_log;
struct config;
struct job;

enum job_mode {
	JOB_ORIGINAL,	/* stream copy (clip_original()) */
	JOB_REDACTED,	/* masks burned in, H.264 (redact_clip()) */
};

#define JOB_CAMERAS_MAX	64

/* What to export.  Strings and the mask list are copied by job_new(); the
 * caller keeps ownership of everything here.  NULL strings are empty. */
struct job_request {
	const char *const *cameras;	/* ncameras names, at least one */
	size_t		 ncameras;
	int64_t		 from_ms;	/* [from, to), UTC ms */
	int64_t		 to_ms;
	enum job_mode	 mode;
	const struct mask_list *masks;	/* NULL or empty: none; refused in
					   original mode.  Every mask applies
					   to every camera's clip. */
	int		 audio;		/* 1: keep the recorded audio */
	const char	*reason_code;	/* a configured reason code */
	const char	*reference;	/* required (names the bundle) */
	const char	*requester;	/* requesting person or authority */
	const char	*recipient;	/* receiving person and organisation */
	const char	*legal_basis;	/* NULL: [export] legal_basis.CODE */
	const char	*target;	/* an existing folder */
	const char	*exporter;	/* the person exporting (user name) */
	const char	*approver;	/* NULL: none; else authenticated */
	const char	*terminal;	/* for the audit records; NULL: "-" */
	/* For tests and the benchmark: libx264 preset and CRF of redacted
	 * clips (NULL and 0: REDACT_PRESET and REDACT_CRF). */
	const char	*preset;
	int		 crf;
	/* A free-text note, required when the reason code asks for one
	 * (config_reason_check(); requester is its "authority").  Goes
	 * into export-start's details as "note". */
	const char	*note;
};

/* Longest free text of a request, in bytes (the reference's is
 * AUDIT_MAX_REFERENCE; names AUDIT_MAX_ACTOR). */
#define JOB_REQUESTER_MAX	256	/* the reason dialog's authority */
#define JOB_RECIPIENT_MAX	512	/* person and organisation together */
#define JOB_LEGAL_MAX		4096
#define JOB_NOTE_MAX		2000	/* the reason dialog's note */

/* Checks the free text of a request: the reference, requester,
 * recipient, legal basis, note, exporter and approver (NULL ones are
 * skipped) must be valid UTF-8 within their limits above and hold no
 * control character (C0, DEL or C1: no line break, tab or escape), as
 * they go into HANDOVER.txt, the manifest and the audit log as they are.
 * job_new() checks the same (and the legal basis it falls back to), so no
 * path writes such text; callers check early to say so sooner.  Returns 0,
 * or -1 with *cause naming the field (and the limit when too long). */
int job_request_check(const struct job_request *, char **cause);

/* What job_new() found in the catalog, before anything is read. */
struct job_estimate {
	int64_t		 bytes;		/* expected size of the bundle */
	int64_t		 footage_ms;	/* playable footage, all cameras */
	int64_t		 gap_ms;	/* no recording inside the range */
	int64_t		 source_bytes;	/* of the segment files to read */
	size_t		 segments;	/* segment files to read */
	size_t		 gaps;		/* gaps, all cameras */
};

/* The redacted estimate: twice the source's bytes in the range (x264 at
 * CRF 20, "veryfast", rarely needs more than the camera's own bitrate),
 * and at least this many bits per second of footage. */
#define JOB_REDACTED_BPS	INT64_C(1000000)
/* Space kept free beyond the estimate on the target. */
#define JOB_SPACE_MARGIN	(INT64_C(16) << 20)

/* Checks the request and plans the export (see above).  Returns NULL with
 * *cause (what to fix, for people) when it is refused.  Caller frees with
 * job_free(). */
struct job *job_new(const struct job_request *, const struct config *,
    struct catalog *, char **cause);
/* Frees the job.  A job started and not ended is ended first as failed
 * ("abandoned"), which needs the log given to job_start(); a running
 * worker is cancelled and joined. */
void job_free(struct job *);

/* Fills *e; valid from job_new() on. */
void job_estimate(const struct job *, struct job_estimate *e);

/* Free bytes on the target now (statvfs, for an unprivileged user). */
int job_target_free(const char *target, int64_t *free_bytes, char **cause);
/* 0 when the target has room for the estimate plus JOB_SPACE_MARGIN, else
 * -1 with *cause ("not enough space on TARGET: N MB free, about M MB
 * needed"). */
int job_check_space(const struct job *, char **cause);

/* Starts the export: checks the approval rule and the space, appends
 * export-approved (when an approver is named) and export-start to log (not
 * owned; it must stay open until job_end()), reads the newest checkpoint
 * for the documents, creates the partial folder.  key (not owned) signs
 * the bundle and must stay valid until job_end().  Returns 0, or -1 with
 * *cause: then nothing was read, and when export-start had been written
 * export-failed follows it. */
int job_start(struct job *, struct audit_log *log, const struct sign_key *key,
    char **cause);
/* The seq of the export-start record, or -1 before job_start(). */
int64_t job_start_seq(const struct job *);

/* Progress, for a bar with time remaining. */
struct job_progress {
	double		 done;		/* 0 to 1, whole job */
	int64_t		 elapsed_ms;	/* since job_run() began */
	int64_t		 left_ms;	/* estimate; -1 while unknown */
	const char	*stage;		/* "cutting", "redacting", "hashing",
					   "finishing", "done"; static */
	size_t		 camera;	/* index of the camera being worked on */
	size_t		 ncameras;
};
/* Called on the thread that runs the job, at most about 200 times a
 * camera; must not touch the audit log or the catalog. */
typedef void job_progress_fn(const struct job_progress *, void *arg);

/* Does the work between job_start() and job_end() (see above).  cancel
 * (may be NULL) is read between packets and frames.  Returns 0 when the
 * bundle is in place, -1 on failure, CLIP_CANCELLED when cancelled; in
 * both failure cases the partial folder is gone.  The outcome is kept
 * for job_end(). */
int job_run(struct job *, job_progress_fn *, void *arg,
    const atomic_int *cancel);

/* job_run() on a thread of the job's own (its cancel flag is the job's,
 * see job_cancel()).  Returns 0, or -1 with *cause when the thread cannot
 * be started (the job can then be ended with job_end(): export-failed). */
int job_spawn(struct job *, char **cause);
/* The read side of a pipe that becomes readable when the spawned job's
 * progress moved or it finished, for poll(); -1 when not spawned. */
int job_fd(const struct job *);
/* Drains job_fd(), fills *p (may be NULL) with the latest progress;
 * returns 1 once the worker finished (it is then joined), else 0. */
int job_poll(struct job *, struct job_progress *p);
/* The latest progress (thread-safe). */
void job_progress_get(struct job *, struct job_progress *p);
/* Asks the spawned job to stop (async-signal-safe). */
void job_cancel(struct job *);

/* Ends the export (after job_run(), or after a spawned job finished;
 * waits for it when it has not): appends export-done, or export-failed
 * with the error.  Returns 0 when the bundle is in place and export-done
 * is recorded; -1 with *cause (the export's error, or why the record
 * could not be written: the bundle is then removed, as the log cannot
 * say it left) otherwise; CLIP_CANCELLED when it was cancelled (*cause
 * set too). */
int job_end(struct job *, char **cause);

/* After job_end() returned 0: the bundle's folder and the SHA-256 of its
 * SHA256SUMS (hex); NULL before. */
const char *job_bundle(const struct job *);
const char *job_sums(const struct job *);
/* The signing key id of the bundle ("" before job_start()). */
const char *job_key_id(const struct job *);

/* For tests: called with the stage name before each stage of job_run()
 * (from the thread that runs it); a hook that returns -1 makes the stage
 * fail with "injected fault at STAGE". */
void job_set_hook(struct job *, int (*hook)(const char *stage, void *arg),
    void *arg);

/* Exports a crash or a kill left open: export-start records that no
 * export-done or export-failed names ("export": seq), whose process (the
 * "pid" of export-start) is no longer running.  Each one's partial folder
 * (the "partial" of export-start, only when it is still a folder named
 * .vigil-partial-<export_id>) is removed when it can be reached, and
 * export-failed is appended with "recovered": true, the error
 * "interrupted: vigil stopped during the export" and "partial_removed"
 * true or false.  Call it from the thread that owns log, at start (as
 * views are recovered).  *closed is the number closed. */
int job_recover(struct audit_log *log, const char *terminal, size_t *closed,
    char **cause);

/* ==== Removable media (export/media.c) ====================================
 *
 * Candidate export targets: the mount points of removable block devices
 * (/sys/block/<disk>/removable is 1; a partition such as sdb1 or
 * mmcblk0p1 is resolved to its disk) and the configured export roots that
 * exist.  Mount points are read from mountinfo (octal escapes such as
 * \040 decoded); names that are not valid UTF-8 are kept as they are in
 * path, shown sanitised in label. */

struct media_target {
	char		*path;		/* the folder to export into */
	char		*label;		/* for people: filesystem label, or
					   device, or "export root" */
	char		*device;	/* "/dev/sdb1", or "" for a root */
	char		*fstype;	/* "vfat", ..., or "" */
	int64_t		 free_bytes;	/* -1: unknown */
	int64_t		 total_bytes;	/* -1: unknown */
	int		 writable;	/* 1: this process may create in it */
	int		 removable;	/* 1: removable medium, 0: a root */
};

/* Where media_list() looks; NULL members mean the real system's. */
struct media_paths {
	const char	*mountinfo;	/* "/proc/self/mountinfo" */
	const char	*sysfs;		/* "/sys" */
	const char	*by_label;	/* "/dev/disk/by-label" */
};

/* Lists the candidate targets: removable media first (in mount order),
 * then each root of roots (NULL-terminated; may be NULL) that is an
 * existing folder and is not already listed.  Caller frees with
 * media_list_free(). */
int media_list(const struct media_paths *, const char *const *roots,
    struct media_target **out, size_t *n, char **cause);
void media_list_free(struct media_target *, size_t n);

/* Decodes the octal escapes of a mountinfo field (\040 \011 \012 \134) in
 * place; returns s. */
char *media_unescape(char *s);

/* ==== End of Export jobs and media ======================================= */

/* ==== Audit reports (export/report.c) =====================================
 *
 * The data protection officer's report on the audit log (vigil-audit(5),
 * "REPORTS"): the rows of a review filter, a summary, the result of a full
 * verification and the newest checkpoint, in a directory signed exactly
 * like an export bundle (SHA256SUMS, SHA256SUMS.minisig, vigil-<keyid>.pub).
 * Written into a partial folder beside out, flushed, read back and renamed
 * to out.  The caller then records audit-report with
 * audit_review_log_report() (the report cannot hold its own record). */
struct audit_log;
struct audit_review;
struct audit_review_filter;

struct report_opts {
	struct audit_log *log;		/* open (read-only is enough) */
	struct audit_review *review;	/* over log */
	const char	*db;		/* log's path: verified in full */
	const struct audit_review_filter *filter;
	const char	*format;	/* "csv", "json" or "txt" */
	const char	*out;		/* the directory to create (not existing) */
	const struct sign_key *key;
	const char	*against;	/* a held checkpoint file, or NULL */
	const uint8_t	*k0;		/* checks every MAC when not NULL */
	const uint8_t	*pin_log_id;	/* the pinned identity (vigil.conf), */
	const uint8_t	*pin_pk0;	/* or NULL: UNPINNED */
	const char	*made_by;	/* the reviewer, named in the report */
	/* Called now and then with the stage ("verify" or "rows"); may be
	 * NULL.  Runs on the calling thread. */
	void		(*progress)(const char *stage, int64_t done,
			    int64_t total, void *arg);
	void		*arg;
};

struct report_result {
	int64_t		 rows;
	char		 sums_hex[65];	/* SHA-256 of SHA256SUMS */
	int		 intact;	/* verification found nothing wrong */
	int64_t		 bad_seq;	/* first failing seq, -1 when intact */
	char		 verdict[320];	/* the verification, one line */
};

/* Writes the report; fills *res.  A log that fails verification still
 * gets its report (saying so, naming the first bad seq): 0 is returned. */
int report_write(const struct report_opts *, struct report_result *res,
    char **cause);

/* Writes s as one CSV field (RFC 4180) and a comma, or CRLF when last.
 * Text a spreadsheet would take for a formula (first character = + - @,
 * tab or carriage return) gets a leading apostrophe inside quotes; bytes
 * that are not valid UTF-8 are replaced.  Also for vigil audit show and
 * who-saw. */
void report_csv_field(FILE *f, const char *s, int last);

/* ==== End of Audit reports =============================================== */

#endif
