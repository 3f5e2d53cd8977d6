/* sign — minisign-compatible keys and signatures (vigil-export(5),
 * "Signature"), with libsodium. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "export/export.h"
#include "util/util.h"

#define SIGN_SK_RAW	(2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32)	/* 158 */
#define SIGN_PK_RAW	(2 + 8 + 32)
#define SIGN_SIG_RAW	(2 + 8 + 64)
#define SIGN_FILE_MAX	(64 * 1024)
#define SIGN_COMMENT_MAX 8192

struct sign_key {
	uint8_t	keyid[8];
	uint8_t	sk[crypto_sign_SECRETKEYBYTES];
	uint8_t	pk[crypto_sign_PUBLICKEYBYTES];
};

static void
le64_put(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
le64_get(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void
sign_key_id(const struct sign_key *k, char out[SIGN_KEYID_HEX])
{
	snprintf(out, SIGN_KEYID_HEX, "%016llX",
	    (unsigned long long)le64_get(k->keyid));
}

void
sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	sodium_memzero(k, sizeof *k);
	free(k);
}

/* The line after "untrusted comment: ..." of a minisign file, decoded. */
static int
sign_read_b64(const char *path, uint8_t *out, size_t len, char **rest,
    char **cause)
{
	char *buf, *line2, *end;
	size_t blen, got;
	int rc = -1;

	if (file_read_all(path, SIGN_FILE_MAX, &buf, &blen, cause) != 0)
		return -1;
	if (strncmp(buf, "untrusted comment: ", 19) != 0 ||
	    (line2 = strchr(buf, '\n')) == NULL) {
		cause_set(cause, "%s: not a minisign file (no untrusted comment "
		    "line)", path);
		goto out;
	}
	line2++;
	if ((end = strchr(line2, '\n')) == NULL)
		end = line2 + strlen(line2);
	if (end > line2 && end[-1] == '\r')
		end--;
	if (sodium_base642bin(out, len, line2, (size_t)(end - line2), NULL, &got,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || got != len) {
		cause_set(cause, "%s: the key or signature line is not valid",
		    path);
		goto out;
	}
	/* A '\r' here ends the file or comes before '\n': never skip past the
	 * NUL (a file of exactly SIGN_FILE_MAX bytes ending in '\r' read one
	 * byte past the buffer; tests/unit/test_sign.c, test_cr_at_end). */
	if (rest != NULL)
		*rest = xstrdup(*end == '\r' ? end + 1 + (end[1] == '\n') :
		    *end == '\n' ? end + 1 : end);
	rc = 0;
out:
	sodium_memzero(buf, blen);
	free(buf);
	return rc;
}

static char *
sign_b64(const uint8_t *bin, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *s = xmalloc(n);

	sodium_bin2base64(s, n, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

int
sign_pubkey_write(const struct sign_key *k, const char *path, char **cause)
{
	uint8_t raw[SIGN_PK_RAW];
	char id[SIGN_KEYID_HEX], *b64, *text;
	int rc;

	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, k->keyid, 8);
	memcpy(raw + 10, k->pk, 32);
	b64 = sign_b64(raw, sizeof raw);
	sign_key_id(k, id);
	text = xasprintf("untrusted comment: minisign public key %s\n%s\n", id,
	    b64);
	rc = file_write_new(path, text, strlen(text), 0644, cause);
	free(b64);
	free(text);
	return rc;
}

int
sign_pubkey_read(const char *path, char keyid[SIGN_KEYID_HEX], char **b64,
    char **cause)
{
	uint8_t raw[SIGN_PK_RAW];

	if (sign_read_b64(path, raw, sizeof raw, NULL, cause) != 0)
		return -1;
	if (memcmp(raw, "Ed", 2) != 0)
		return cause_set(cause, "%s: not an Ed25519 minisign key", path);
	snprintf(keyid, SIGN_KEYID_HEX, "%016llX",
	    (unsigned long long)le64_get(raw + 2));
	if (b64 != NULL)
		*b64 = sign_b64(raw, sizeof raw);
	return 0;
}

/* XORs the keyid||sk||chk part with the scrypt stream of passphrase. */
static int
sign_kdf_xor(uint8_t raw[SIGN_SK_RAW], const char *passphrase, char **cause)
{
	uint8_t stream[104];
	uint64_t ops = le64_get(raw + 38), mem = le64_get(raw + 46);
	int i;

	/* The costs come from the file: a hostile one could ask for any
	 * amount of memory and time.  vigil and minisign write at most the
	 * "sensitive" limits; twice those is accepted. */
	if (mem > 2 * (uint64_t)crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE ||
	    ops > 2 * (uint64_t)crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE)
		return cause_set(cause, "the key file asks for %llu MiB of memory "
		    "and %llu operations to derive its key from the passphrase, "
		    "more than vigil or minisign ever write (at most %llu MiB "
		    "and %llu): refused", (unsigned long long)(mem >> 20),
		    (unsigned long long)ops, (unsigned long long)(2 *
		    (uint64_t)crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE
		    >> 20), (unsigned long long)(2 *
		    (uint64_t)crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE));
	if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, passphrase,
	    strlen(passphrase), raw + 6, ops, (size_t)mem) != 0)
		return cause_set(cause, "cannot derive the key from the "
		    "passphrase (out of memory?)");
	for (i = 0; i < 104; i++)
		raw[54 + i] ^= stream[i];
	sodium_memzero(stream, sizeof stream);
	return 0;
}

static void
sign_checksum(const uint8_t keyid[8], const uint8_t sk[64], uint8_t out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)"Ed", 2);
	crypto_generichash_update(&st, keyid, 8);
	crypto_generichash_update(&st, sk, 64);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof st);
}

int
sign_keygen(const char *seckey, const char *pubkey, const char *passphrase,
    uint64_t kdf_ops, uint64_t kdf_mem, char **cause)
{
	struct sign_key k;
	uint8_t raw[SIGN_SK_RAW];
	char *b64 = NULL, *text = NULL;
	struct stat sb;
	int rc = -1;

	if (sodium_init() < 0)
		return cause_set(cause, "libsodium could not be initialised");
	if (lstat(seckey, &sb) == 0)
		return cause_set(cause, "%s already exists; refusing to overwrite "
		    "a signing key", seckey);
	if (lstat(pubkey, &sb) == 0)
		return cause_set(cause, "%s already exists; refusing to overwrite "
		    "it", pubkey);
	if (passphrase != NULL && strlen(passphrase) > SIGN_PASSPHRASE_MAX)
		return cause_set(cause, "the passphrase is longer than %d bytes",
		    SIGN_PASSPHRASE_MAX);
	memset(&k, 0, sizeof k);
	randombytes_buf(k.keyid, sizeof k.keyid);
	crypto_sign_keypair(k.pk, k.sk);

	memset(raw, 0, sizeof raw);
	memcpy(raw, "Ed", 2);
	memcpy(raw + 4, "B2", 2);
	memcpy(raw + 54, k.keyid, 8);
	memcpy(raw + 62, k.sk, 64);
	sign_checksum(k.keyid, k.sk, raw + 126);
	if (passphrase != NULL) {
		memcpy(raw + 2, "Sc", 2);
		randombytes_buf(raw + 6, 32);
		le64_put(raw + 38, kdf_ops != 0 ? kdf_ops :
		    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE);
		le64_put(raw + 46, kdf_mem != 0 ? kdf_mem :
		    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
		if (sign_kdf_xor(raw, passphrase, cause) != 0)
			goto out;
	}
	b64 = sign_b64(raw, sizeof raw);
	text = xasprintf("untrusted comment: minisign %ssecret key\n%s\n",
	    passphrase != NULL ? "encrypted " : "", b64);
	if (file_write_new(seckey, text, strlen(text), 0600, cause) != 0)
		goto out;
	if (sign_pubkey_write(&k, pubkey, cause) != 0) {
		unlink(seckey);
		goto out;
	}
	rc = 0;
out:
	if (b64 != NULL)
		sodium_memzero(b64, strlen(b64));
	if (text != NULL)
		sodium_memzero(text, strlen(text));
	free(b64);
	free(text);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(&k, sizeof k);
	return rc;
}

int
sign_key_encrypted(const char *path, char **cause)
{
	uint8_t raw[SIGN_SK_RAW];
	int enc;

	if (sign_read_b64(path, raw, sizeof raw, NULL, cause) != 0)
		return -1;
	enc = memcmp(raw + 2, "Sc", 2) == 0;
	sodium_memzero(raw, sizeof raw);
	return enc;
}

struct sign_key *
sign_key_load(const char *seckey, const char *passphrase, char **cause)
{
	struct sign_key *k;
	uint8_t raw[SIGN_SK_RAW], chk[32];
	struct stat sb;
	int fd;

	if (sodium_init() < 0) {
		cause_set(cause, "libsodium could not be initialised");
		return NULL;
	}
	/* Refuse a key that others can read, or a link. */
	if ((fd = open(seckey, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		cause_set(cause, "signing key %s: %s", seckey, errno == ELOOP ?
		    "is a symbolic link" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 0077) != 0) {
		close(fd);
		cause_set(cause, "signing key %s must be a regular file of mode "
		    "0600", seckey);
		return NULL;
	}
	close(fd);
	if (sign_read_b64(seckey, raw, sizeof raw, NULL, cause) != 0)
		return NULL;
	if (memcmp(raw, "Ed", 2) != 0 || memcmp(raw + 4, "B2", 2) != 0) {
		sodium_memzero(raw, sizeof raw);
		cause_set(cause, "%s: not a minisign Ed25519 secret key", seckey);
		return NULL;
	}
	if (memcmp(raw + 2, "Sc", 2) == 0) {
		if (passphrase == NULL) {
			sodium_memzero(raw, sizeof raw);
			cause_set(cause, "%s is protected by a passphrase", seckey);
			return NULL;
		}
		if (sign_kdf_xor(raw, passphrase, cause) != 0) {
			sodium_memzero(raw, sizeof raw);
			return NULL;
		}
	} else if (raw[2] != 0 || raw[3] != 0) {
		sodium_memzero(raw, sizeof raw);
		cause_set(cause, "%s: unknown key derivation", seckey);
		return NULL;
	}
	sign_checksum(raw + 54, raw + 62, chk);
	if (sodium_memcmp(chk, raw + 126, 32) != 0) {
		int enc = memcmp(raw + 2, "Sc", 2) == 0;

		sodium_memzero(raw, sizeof raw);
		cause_set(cause, enc ? "wrong passphrase for %s" : "%s is "
		    "damaged (checksum)", seckey);
		return NULL;
	}
	k = xcalloc(1, sizeof *k);
	memcpy(k->keyid, raw + 54, 8);
	memcpy(k->sk, raw + 62, 64);
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	sodium_memzero(raw, sizeof raw);
	return k;
}

/* BLAKE2b-512 of the file at path. */
static int
sign_prehash(const char *path, uint8_t out[64], char **cause)
{
	crypto_generichash_state st;
	uint8_t buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cause_set(cause, "%s: %s", path, strerror(errno));
	crypto_generichash_init(&st, NULL, 0, 64);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return cause_set(cause, "%s: %s", path, strerror(errno));
		}
		crypto_generichash_update(&st, buf, (size_t)n);
	}
	close(fd);
	crypto_generichash_final(&st, out, 64);
	return 0;
}

int
sign_file(const struct sign_key *k, const char *path, const char *sigpath,
    const char *trusted_comment, char **cause)
{
	uint8_t hash[64], raw[SIGN_SIG_RAW], *msg, global[64];
	size_t tlen = strlen(trusted_comment);
	char *b64, *gb64, *text;
	int rc;

	if (tlen > SIGN_COMMENT_MAX || strchr(trusted_comment, '\n') != NULL ||
	    strchr(trusted_comment, '\r') != NULL ||
	    !utf8_valid(trusted_comment, tlen))
		return cause_set(cause, "the trusted comment must be one line of "
		    "UTF-8 of at most %d bytes", SIGN_COMMENT_MAX);
	if (sign_prehash(path, hash, cause) != 0)
		return -1;
	memcpy(raw, "ED", 2);
	memcpy(raw + 2, k->keyid, 8);
	crypto_sign_detached(raw + 10, NULL, hash, sizeof hash, k->sk);
	msg = xmalloc(64 + tlen);
	memcpy(msg, raw + 10, 64);
	memcpy(msg + 64, trusted_comment, tlen);
	crypto_sign_detached(global, NULL, msg, 64 + tlen, k->sk);
	free(msg);
	b64 = sign_b64(raw, sizeof raw);
	gb64 = sign_b64(global, sizeof global);
	text = xasprintf("untrusted comment: signature from vigil secret key\n"
	    "%s\ntrusted comment: %s\n%s\n", b64, trusted_comment, gb64);
	rc = file_write_new(sigpath, text, strlen(text), 0644, cause);
	free(b64);
	free(gb64);
	free(text);
	return rc;
}

int
sign_verify(const char *pubkey, const char *path, const char *sigpath,
    char **trusted, char **cause)
{
	uint8_t pk[SIGN_PK_RAW], sig[SIGN_SIG_RAW], global[64], hash[64], *msg;
	char *rest = NULL, *tc, *nl, *gline;
	size_t tlen, got;
	int rc = -1;

	if (sign_read_b64(pubkey, pk, sizeof pk, NULL, cause) != 0)
		return -1;
	if (memcmp(pk, "Ed", 2) != 0)
		return cause_set(cause, "%s: not an Ed25519 minisign key", pubkey);
	if (sign_read_b64(sigpath, sig, sizeof sig, &rest, cause) != 0)
		return -1;
	if (memcmp(sig, "ED", 2) != 0) {
		cause_set(cause, "%s: not a prehashed (ED) minisign signature",
		    sigpath);
		goto out;
	}
	if (memcmp(sig + 2, pk + 2, 8) != 0) {
		cause_set(cause, "%s was made with another key than %s", sigpath,
		    pubkey);
		rc = 1;
		goto out;
	}
	if (strncmp(rest, "trusted comment: ", 17) != 0 ||
	    (nl = strchr(rest, '\n')) == NULL) {
		cause_set(cause, "%s: no trusted comment line", sigpath);
		goto out;
	}
	tc = rest + 17;
	*nl = '\0';
	tlen = strlen(tc);
	gline = nl + 1;
	if ((nl = strchr(gline, '\n')) != NULL)
		*nl = '\0';
	if (sodium_base642bin(global, sizeof global, gline, strlen(gline), NULL,
	    &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || got != 64) {
		cause_set(cause, "%s: the global signature line is not valid",
		    sigpath);
		goto out;
	}
	if (sign_prehash(path, hash, cause) != 0)
		goto out;
	if (crypto_sign_verify_detached(sig + 10, hash, sizeof hash, pk + 10) != 0) {
		cause_set(cause, "the signature does not match %s", path);
		rc = 1;
		goto out;
	}
	msg = xmalloc(64 + tlen);
	memcpy(msg, sig + 10, 64);
	memcpy(msg + 64, tc, tlen);
	rc = crypto_sign_verify_detached(global, msg, 64 + tlen, pk + 10) == 0 ?
	    0 : 1;
	free(msg);
	if (rc != 0) {
		cause_set(cause, "the trusted comment of %s was altered", sigpath);
		goto out;
	}
	if (trusted != NULL)
		*trusted = xstrdup(tc);
out:
	free(rest);
	return rc;
}

char *
sign_key_public(const struct sign_key *k)
{
	uint8_t raw[SIGN_PK_RAW];

	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, k->keyid, 8);
	memcpy(raw + 10, k->pk, 32);
	return sign_b64(raw, sizeof raw);
}

/* Decodes a base64 public key line (surrounding white space allowed). */
static int
sign_pk_decode(const char *b64, uint8_t raw[SIGN_PK_RAW])
{
	size_t len, got;

	while (*b64 == ' ' || *b64 == '\t' || *b64 == '\n')
		b64++;
	len = strlen(b64);
	while (len > 0 && (b64[len - 1] == ' ' || b64[len - 1] == '\t' ||
	    b64[len - 1] == '\n' || b64[len - 1] == '\r'))
		len--;
	if (len == 0 || sodium_base642bin(raw, SIGN_PK_RAW, b64, len, NULL, &got,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || got != SIGN_PK_RAW ||
	    memcmp(raw, "Ed", 2) != 0)
		return -1;
	return 0;
}

int
sign_fingerprint(const char *b64, char out[SIGN_FPR_TEXT])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t raw[SIGN_PK_RAW], md[crypto_hash_sha256_BYTES];
	size_t i, o = 0;

	if (sign_pk_decode(b64, raw) != 0)
		return -1;
	crypto_hash_sha256(md, raw, sizeof raw);
	for (i = 0; i < sizeof md; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ' ';
		out[o++] = digits[md[i] >> 4];
		out[o++] = digits[md[i] & 15];
	}
	out[o] = '\0';
	return 0;
}

int
sign_pubkey_arg(const char *arg, char **b64, char **cause)
{
	uint8_t raw[SIGN_PK_RAW];
	char id[SIGN_KEYID_HEX];

	if (sign_pk_decode(arg, raw) == 0) {
		*b64 = sign_b64(raw, sizeof raw);
		return 0;
	}
	if (strchr(arg, '/') == NULL && access(arg, F_OK) != 0)
		return cause_set(cause, "'%.60s' is neither a minisign public key "
		    "(RW...) nor a public key file", arg);
	return sign_pubkey_read(arg, id, b64, cause);
}

struct sign_trust {
	char		**b64;
	int64_t		 *until;
	size_t		  n;
};

struct sign_trust *
sign_trust_new(void)
{
	return xcalloc(1, sizeof (struct sign_trust));
}

void
sign_trust_free(struct sign_trust *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->b64[i]);
	free(t->b64);
	free(t->until);
	free(t);
}

int
sign_trust_add(struct sign_trust *t, const char *arg, int64_t until_ms,
    char **cause)
{
	char *b64;
	size_t i;

	if (sign_pubkey_arg(arg, &b64, cause) != 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->b64[i], b64) == 0) {
			free(b64);
			return cause_set(cause, "a signing key is listed twice");
		}
	}
	t->b64 = xrealloc(t->b64, (t->n + 1) * sizeof *t->b64);
	t->until = xrealloc(t->until, (t->n + 1) * sizeof *t->until);
	t->b64[t->n] = b64;
	t->until[t->n] = until_ms;
	t->n++;
	return 0;
}

int
sign_trust_parse(struct sign_trust *t, const char *list, char **cause)
{
	char *copy = xstrdup(list), *item, *next, *until, *end;
	int64_t ms;
	int rc = 0;

	for (item = copy; item != NULL && rc == 0; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		while (*item == ' ' || *item == '\t' || *item == '\n')
			item++;
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\n'))
			*--end = '\0';
		if (*item == '\0')
			continue;
		ms = 0;
		if ((until = strstr(item, " until ")) != NULL) {
			*until = '\0';
			until += 7;
			while (*until == ' ')
				until++;
			if (clock_parse(until, 0, &ms) != 0) {
				rc = cause_set(cause, "trusted_keys: '%.40s' is not "
				    "a date (YYYY-MM-DD, or a UTC time "
				    "YYYY-MM-DDTHH:MM:SSZ)", until);
				break;
			}
		}
		rc = sign_trust_add(t, item, ms, cause);
	}
	free(copy);
	return rc;
}

size_t
sign_trust_count(const struct sign_trust *t)
{
	return t != NULL ? t->n : 0;
}

int
sign_trust_find(const struct sign_trust *t, const char *b64, int64_t *until_ms)
{
	uint8_t raw[SIGN_PK_RAW];
	char *canon;
	size_t i;

	if (t == NULL || sign_pk_decode(b64, raw) != 0)
		return -1;
	canon = sign_b64(raw, sizeof raw);
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->b64[i], canon) == 0) {
			*until_ms = t->until[i];
			free(canon);
			return 0;
		}
	}
	free(canon);
	return -1;
}
