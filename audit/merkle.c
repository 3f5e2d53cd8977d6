/* merkle — the RFC 6962 Merkle tree hash over entry leaves, computed
 * incrementally from the frontier of perfect subtrees. */
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"

static const uint8_t merkle_node_tag = 0x01;

void
merkle_init(struct merkle *m)
{
	memset(m, 0, sizeof *m);
}

void
merkle_add(struct merkle *m, const uint8_t leaf[HASH_LEN])
{
	uint64_t bits = m->n;

	memcpy(m->h[m->count++], leaf, HASH_LEN);
	while (bits & 1) {
		hash_parts(m->h[m->count - 2], NULL, 3, &merkle_node_tag, (size_t)1,
		    m->h[m->count - 2], (size_t)HASH_LEN,
		    m->h[m->count - 1], (size_t)HASH_LEN);
		m->count--;
		bits >>= 1;
	}
	m->n++;
}

void
merkle_root(const struct merkle *m, uint8_t out[HASH_LEN])
{
	uint8_t acc[HASH_LEN];
	int i;

	if (m->count == 0) {
		hash_parts(out, NULL, 0);
		return;
	}
	memcpy(acc, m->h[m->count - 1], HASH_LEN);
	for (i = m->count - 2; i >= 0; i--) {
		hash_parts(acc, NULL, 3, &merkle_node_tag, (size_t)1,
		    m->h[i], (size_t)HASH_LEN, acc, (size_t)HASH_LEN);
	}
	memcpy(out, acc, HASH_LEN);
}

size_t
merkle_save(const struct merkle *m, uint8_t *out, size_t cap)
{
	size_t len = (size_t)m->count * HASH_LEN;

	if (len > cap)
		return 0;
	memcpy(out, m->h, len);
	return len;
}

int
merkle_load(struct merkle *m, uint64_t n, const uint8_t *in, size_t len)
{
	int count = __builtin_popcountll(n);

	if (len != (size_t)count * HASH_LEN)
		return -1;
	merkle_init(m);
	m->n = n;
	m->count = count;
	memcpy(m->h, in, len);
	return 0;
}
