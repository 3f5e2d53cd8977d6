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

#endif
