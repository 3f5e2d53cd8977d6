/* body — the byte encoding of one audit entry (vigil-audit(5), "Entry"). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

void
hash_parts(uint8_t out[HASH_LEN], const uint8_t *key, int nparts, ...)
{
	crypto_generichash_state st;
	const uint8_t *p;
	size_t len;
	va_list ap;
	int i;

	crypto_generichash_init(&st, key, key != NULL ? AUDIT_KEY_LEN : 0, HASH_LEN);
	va_start(ap, nparts);
	for (i = 0; i < nparts; i++) {
		p = va_arg(ap, const uint8_t *);
		len = va_arg(ap, size_t);
		crypto_generichash_update(&st, p, len);
	}
	va_end(ap);
	crypto_generichash_final(&st, out, HASH_LEN);
	if (key != NULL)
		sodium_memzero(&st, sizeof st);
}

void
be64_put(uint8_t *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(u & 0xff);
		u >>= 8;
	}
}

int64_t
be64_get(const uint8_t *p)
{
	uint64_t u = 0;
	int i;

	for (i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return (int64_t)u;
}

static void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Checks one string field: UTF-8 and at most max bytes. */
static int
body_check_str(const char *name, const char *s, size_t max, char **cause)
{
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len > max)
		return cause_set(cause, "%s is %zu bytes, more than the %zu allowed",
		    name, len, max);
	if (!utf8_valid(s, len))
		return cause_set(cause, "%s is not valid UTF-8", name);
	return 0;
}

int
body_check(const struct audit_entry *e, char **cause)
{
	json_error_t jerr;
	json_t *j;
	const char *a;

	if (body_check_str("actor", e->actor, AUDIT_MAX_ACTOR, cause) ||
	    body_check_str("action", e->action, AUDIT_MAX_ACTION, cause) ||
	    body_check_str("camera", e->camera, AUDIT_MAX_CAMERA, cause) ||
	    body_check_str("reason code", e->reason_code, AUDIT_MAX_REASON, cause) ||
	    body_check_str("reference", e->reference, AUDIT_MAX_REFERENCE, cause) ||
	    body_check_str("details", e->details, AUDIT_MAX_DETAILS, cause) ||
	    body_check_str("terminal", e->terminal, AUDIT_MAX_TERMINAL, cause))
		return -1;
	if (e->action == NULL || *e->action == '\0')
		return cause_set(cause, "an entry needs an action");
	for (a = e->action; *a != '\0'; a++) {
		if ((*a < 'a' || *a > 'z') && *a != '-')
			return cause_set(cause, "action '%s' is not lower-case "
			    "letters and '-'", e->action);
	}
	if (e->details != NULL) {
		j = json_loads(e->details, JSON_REJECT_DUPLICATES, &jerr);
		if (j == NULL)
			return cause_set(cause, "details are not JSON: %s (column %d)",
			    jerr.text, jerr.column);
		if (!json_is_object(j)) {
			json_decref(j);
			return cause_set(cause, "details are not a JSON object");
		}
		json_decref(j);
	}
	return 0;
}

/* Appends lp(s) at *p. */
static uint8_t *
body_put_str(uint8_t *p, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	be32_put(p, (uint32_t)len);
	if (len > 0)
		memcpy(p + 4, s, len);
	return p + 4 + len;
}

int
body_encode(const struct audit_entry *e, int64_t seq, uint8_t **out,
    size_t *len, char **cause)
{
	const char *details = e->details != NULL ? e->details : "{}";
	const char *strs[] = { e->actor, e->action, e->camera, e->reason_code,
	    e->reference, details, e->terminal };
	size_t n = 8 + 8 + 8 + 8 + 8, i;
	uint8_t *b, *p;

	if (body_check(e, cause) != 0)
		return -1;
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		n += 4 + (strs[i] != NULL ? strlen(strs[i]) : 0);
	if ((b = malloc(n)) == NULL)
		return cause_set(cause, "out of memory");
	p = b;
	memcpy(p, BODY_MAGIC, 8);
	be64_put(p + 8, seq);
	be64_put(p + 16, e->time_ms);
	p += 24;
	p = body_put_str(p, e->actor);
	p = body_put_str(p, e->action);
	p = body_put_str(p, e->camera);
	be64_put(p, e->from_ms);
	be64_put(p + 8, e->to_ms);
	p += 16;
	p = body_put_str(p, e->reason_code);
	p = body_put_str(p, e->reference);
	p = body_put_str(p, details);
	p = body_put_str(p, e->terminal);
	*out = b;
	*len = n;
	return 0;
}

/* Reads lp(s) at b[*off] into the NUL-terminated storage at *dst. */
static int
body_get_str(const uint8_t *b, size_t len, size_t *off, char **dst,
    const char **field)
{
	uint32_t n;

	if (len - *off < 4)
		return -1;
	n = be32_get(b + *off);
	*off += 4;
	if (len - *off < n || !utf8_valid((const char *)b + *off, n))
		return -1;
	memcpy(*dst, b + *off, n);
	(*dst)[n] = '\0';
	*field = *dst;
	*dst += n + 1;
	*off += n;
	return 0;
}

int
body_decode(const uint8_t *b, size_t len, struct audit_row *row, char *storage)
{
	size_t off;
	char *dst = storage;

	if (len < 24 + 7 * 4 + 16 || memcmp(b, BODY_MAGIC, 8) != 0)
		return -1;
	row->seq = be64_get(b + 8);
	row->time_ms = be64_get(b + 16);
	if (row->seq < 0)
		return -1;
	off = 24;
	if (body_get_str(b, len, &off, &dst, &row->actor) ||
	    body_get_str(b, len, &off, &dst, &row->action) ||
	    body_get_str(b, len, &off, &dst, &row->camera))
		goto bad;
	if (len - off < 16)
		goto bad;
	row->from_ms = be64_get(b + off);
	row->to_ms = be64_get(b + off + 8);
	off += 16;
	if (body_get_str(b, len, &off, &dst, &row->reason_code) ||
	    body_get_str(b, len, &off, &dst, &row->reference) ||
	    body_get_str(b, len, &off, &dst, &row->details) ||
	    body_get_str(b, len, &off, &dst, &row->terminal))
		goto bad;
	if (off != len)
		return -1;	/* trailing bytes */
	return 0;
bad:
	return -1;
}
