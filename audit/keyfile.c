/* keyfile — the verification material file written at init and the
 * exported checkpoint file (vigil-audit(5), "Files"). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

#define KEYFILE_MAX	4096

static int keyfile_int(const char *, int64_t *);

int
audit_keys_write(const struct audit_keys *k, const char *path, char **cause)
{
	char id[2 * AUDIT_LOGID_LEN + 1], k0[2 * AUDIT_KEY_LEN + 1];
	char pk[2 * AUDIT_PK_LEN + 1], text[256], every[40] = "";
	int rc;

	sodium_bin2hex(id, sizeof id, k->log_id, AUDIT_LOGID_LEN);
	sodium_bin2hex(k0, sizeof k0, k->k0, AUDIT_KEY_LEN);
	sodium_bin2hex(pk, sizeof pk, k->pk0, AUDIT_PK_LEN);
	if (k->checkpoint_every != 0)
		snprintf(every, sizeof every, "checkpoint_every %u\n",
		    k->checkpoint_every);
	snprintf(text, sizeof text, "log_id %s\nk0 %s\npk0 %s\n%s", id, k0, pk,
	    every);
	rc = file_write_new(path, text, strlen(text), 0600, cause);
	sodium_memzero(k0, sizeof k0);
	sodium_memzero(text, sizeof text);
	return rc;
}

/* Decodes exactly len bytes of hex. */
static int
keyfile_hex(const char *hex, uint8_t *out, size_t len)
{
	size_t got;

	if (strlen(hex) != 2 * len)
		return -1;
	if (sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL) != 0 ||
	    got != len)
		return -1;
	return 0;
}

/* Calls fn for each "name value" line of the file at path. */
static int
keyfile_lines(const char *path, int (*fn)(const char *, const char *, void *),
    void *arg, char **cause)
{
	char *buf, *line, *next, *sp;
	size_t len;
	int lineno = 0, rc = 0;

	if (file_read_all(path, KEYFILE_MAX, &buf, &len, cause) != 0)
		return -1;
	if (strlen(buf) != len) {
		sodium_memzero(buf, len);
		free(buf);
		return cause_set(cause, "%s: contains a NUL byte", path);
	}
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if ((sp = strchr(line, ' ')) == NULL) {
			rc = cause_set(cause, "%s:%d: expected 'name value'", path,
			    lineno);
			break;
		}
		*sp++ = '\0';
		if (fn(line, sp, arg) != 0) {
			rc = cause_set(cause, "%s:%d: bad value for '%s'", path,
			    lineno, line);
			break;
		}
	}
	sodium_memzero(buf, len);
	free(buf);
	return rc;
}

struct keyfile_keys {
	struct audit_keys *k;
	int have;	/* bit 0 log_id, 1 k0, 2 pk0 */
};

static int
keyfile_keys_line(const char *name, const char *value, void *arg)
{
	struct keyfile_keys *kk = arg;

	if (strcmp(name, "log_id") == 0) {
		kk->have |= 1;
		return keyfile_hex(value, kk->k->log_id, AUDIT_LOGID_LEN);
	}
	if (strcmp(name, "k0") == 0) {
		kk->have |= 2;
		return keyfile_hex(value, kk->k->k0, AUDIT_KEY_LEN);
	}
	if (strcmp(name, "pk0") == 0) {
		kk->have |= 4;
		return keyfile_hex(value, kk->k->pk0, AUDIT_PK_LEN);
	}
	if (strcmp(name, "checkpoint_every") == 0) {
		int64_t v;

		if (keyfile_int(value, &v) != 0 || v < 1 ||
		    v > AUDIT_MAX_CHECKPOINT_EVERY)
			return -1;
		kk->k->checkpoint_every = (unsigned)v;
		return 0;
	}
	return 0;	/* other lines are comments to people */
}

int
audit_keys_read(const char *path, struct audit_keys *k, int *has_k0,
    char **cause)
{
	struct keyfile_keys kk = { k, 0 };

	memset(k, 0, sizeof *k);
	if (keyfile_lines(path, keyfile_keys_line, &kk, cause) != 0) {
		sodium_memzero(k, sizeof *k);
		return -1;
	}
	if ((kk.have & 5) != 5) {
		sodium_memzero(k, sizeof *k);
		return cause_set(cause, "%s: needs 'log_id' and 'pk0' lines", path);
	}
	*has_k0 = (kk.have & 2) != 0;
	return 0;
}

int
audit_checkpoint_export(const struct audit_ckpt_info *c, const char *path,
    char **cause)
{
	char id[2 * AUDIT_LOGID_LEN + 1], root[65], chain[65];
	char body[2 * AUDIT_CKPT_LEN + 1], sig[2 * AUDIT_SIG_LEN + 1];
	char when[32], *text;
	int rc;

	sodium_bin2hex(id, sizeof id, c->log_id, AUDIT_LOGID_LEN);
	sodium_bin2hex(root, sizeof root, c->root, HASH_LEN);
	sodium_bin2hex(chain, sizeof chain, c->chain, HASH_LEN);
	sodium_bin2hex(body, sizeof body, c->body, AUDIT_CKPT_LEN);
	sodium_bin2hex(sig, sizeof sig, c->sig, AUDIT_SIG_LEN);
	clock_format_utc(c->time_ms, when, sizeof when);
	text = xasprintf("log_id %s\nepoch %lld\nn %lld\nroot %s\nchain %s\n"
	    "time %s\nbody %s\nsig %s\n", id, (long long)c->epoch,
	    (long long)c->n, root, chain, when, body, sig);
	rc = file_write_new(path, text, strlen(text), 0644, cause);
	free(text);
	return rc;
}

struct keyfile_ckpt {
	struct audit_ckpt_info *c;
	int have;
};

static int
keyfile_int(const char *s, int64_t *v)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || x < 0)
		return -1;
	*v = x;
	return 0;
}

static int
keyfile_ckpt_line(const char *name, const char *value, void *arg)
{
	struct keyfile_ckpt *kc = arg;
	struct audit_ckpt_info *c = kc->c;

	if (strcmp(name, "log_id") == 0) {
		kc->have |= 1;
		return keyfile_hex(value, c->log_id, AUDIT_LOGID_LEN);
	}
	if (strcmp(name, "epoch") == 0) {
		kc->have |= 2;
		return keyfile_int(value, &c->epoch);
	}
	if (strcmp(name, "n") == 0) {
		kc->have |= 4;
		return keyfile_int(value, &c->n);
	}
	if (strcmp(name, "root") == 0) {
		kc->have |= 8;
		return keyfile_hex(value, c->root, HASH_LEN);
	}
	if (strcmp(name, "chain") == 0) {
		kc->have |= 16;
		return keyfile_hex(value, c->chain, HASH_LEN);
	}
	if (strcmp(name, "time") == 0) {
		kc->have |= 32;
		/* ISO 8601 only, as written: clock_parse()'s "@ms" takes any
		 * number, which audit_checkpoint_export() cannot write back
		 * (fuzz/corpus/fuzz_checkpoint/regress-time-at-ms). */
		if (value[0] == '@')
			return -1;
		return clock_parse(value, 0, &c->time_ms);
	}
	if (strcmp(name, "body") == 0) {
		kc->have |= 64;
		return keyfile_hex(value, c->body, AUDIT_CKPT_LEN);
	}
	if (strcmp(name, "sig") == 0) {
		kc->have |= 128;
		return keyfile_hex(value, c->sig, AUDIT_SIG_LEN);
	}
	return -1;
}

int
audit_checkpoint_import(const char *path, struct audit_ckpt_info *c,
    char **cause)
{
	struct keyfile_ckpt kc = { c, 0 };

	memset(c, 0, sizeof *c);
	if (keyfile_lines(path, keyfile_ckpt_line, &kc, cause) != 0)
		return -1;
	if (kc.have != 255)
		return cause_set(cause, "%s: an exported checkpoint needs log_id, "
		    "epoch, n, root, chain, time, body and sig", path);
	/* The named values must be those inside the signed body. */
	if (memcmp(c->body, CKPT_MAGIC, 8) != 0 ||
	    memcmp(c->body + 8, c->log_id, AUDIT_LOGID_LEN) != 0 ||
	    be64_get(c->body + 24) != c->epoch || be64_get(c->body + 32) != c->n ||
	    memcmp(c->body + 40, c->root, HASH_LEN) != 0 ||
	    memcmp(c->body + 72, c->chain, HASH_LEN) != 0 ||
	    be64_get(c->body + 104) != c->time_ms)
		return cause_set(cause, "%s: the named values do not match the "
		    "checkpoint body", path);
	return 0;
}
