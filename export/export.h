/* export — disclosure bundles and their signatures (vigil-export(5)).
 *
 * Functions that fail return -1 and, when cause is not NULL, set *cause to
 * a message the caller frees with free(). */
#ifndef VIGIL_EXPORT_H
#define VIGIL_EXPORT_H

#include <stddef.h>
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

/* Verifies the bundle at dir (vigil-export(5), "VERIFICATION").  Returns
 * 0 intact, 1 altered, 2 not a bundle or unreadable; *report (caller
 * frees) says what was checked or what failed. */
int bundle_verify(const char *dir, char **report);

/* SHA-256 of the file at path, as 64 lower-case hex digits. */
int sha256_file(const char *path, char hex[65], char **cause);

#endif
