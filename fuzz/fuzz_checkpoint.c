/* fuzz_checkpoint — the exported checkpoint reader (audit/keyfile.c,
 * audit_checkpoint_import(): the "log_id <hex>", "epoch", ... file the
 * DPO keeps) and the key file reader that shares its line parser
 * (audit_keys_read()), on arbitrary file contents: no crash or leak, a
 * refusal always says why, and an accepted checkpoint written back with
 * audit_checkpoint_export() reads back to the same values. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_file in;
static char *out_path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	fuzz_file_open(&in, "checkpoint", 0600);
	out_path = fuzz_path("again");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_ckpt_info c, back;
	struct audit_keys k;
	char *cause = NULL;
	int has_k0;

	fuzz_file_put(&in, data, size);
	if (audit_checkpoint_import(in.path, &c, &cause) == 0) {
		unlink(out_path);
		if (audit_checkpoint_export(&c, out_path, &cause) != 0) {
			fprintf(stderr, "fuzz_checkpoint: export: %s\n", cause);
			abort();
		}
		if (audit_checkpoint_import(out_path, &back, &cause) != 0) {
			fprintf(stderr, "fuzz_checkpoint: an exported checkpoint "
			    "is refused: %s\n", cause);
			abort();
		}
		if (memcmp(&c, &back, sizeof c) != 0) {
			fprintf(stderr, "fuzz_checkpoint: an exported checkpoint "
			    "reads back differently\n");
			abort();
		}
	} else if (cause == NULL) {
		fprintf(stderr, "fuzz_checkpoint: refused without a cause\n");
		abort();
	}
	free(cause);
	cause = NULL;
	if (audit_keys_read(in.path, &k, &has_k0, &cause) != 0 && cause == NULL) {
		fprintf(stderr, "fuzz_checkpoint: key file refused without a "
		    "cause\n");
		abort();
	}
	free(cause);
	return 0;
}
