/* fuzz_body — the audit entry decoder on arbitrary bytes: it must never
 * crash, and whatever it accepts must encode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_row r;
	struct audit_entry e;
	uint8_t *again;
	size_t len;
	char *storage = malloc(size + 8);

	if (storage == NULL)
		return 0;
	if (body_decode(data, size, &r, storage) == 0) {
		memset(&e, 0, sizeof e);
		e.time_ms = r.time_ms;
		e.actor = r.actor;
		e.action = r.action;
		e.camera = r.camera;
		e.from_ms = r.from_ms;
		e.to_ms = r.to_ms;
		e.reason_code = r.reason_code;
		e.reference = r.reference;
		e.details = r.details;
		e.terminal = r.terminal;
		/* Decoding is looser than writing (details need not be JSON,
		 * fields may be long), but what encodes must round-trip. */
		if (body_encode(&e, r.seq, &again, &len, NULL) == 0) {
			if (len != size || memcmp(again, data, size) != 0)
				abort();
			free(again);
		}
	}
	free(storage);
	return 0;
}
