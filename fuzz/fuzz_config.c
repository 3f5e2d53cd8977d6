/* fuzz_config — the configuration loader (config/config.c, config_load()
 * with libinih underneath) on arbitrary file contents: no crash or leak,
 * a refusal always says why, and an accepted configuration printed with
 * config_print() loads back and prints the same text again (but for the
 * leading comment naming the file read). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_file in;
static char *again_path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	/* Zone names are looked up in the system's zoneinfo: the same every
	 * run on one machine. */
	fuzz_file_open(&in, "vigil.conf", 0644);
	again_path = fuzz_path("again.conf");
	return 0;
}

/* The configuration as config_print() writes it; caller frees. */
static char *
fuzz_print(const struct config *c, size_t *len)
{
	char *text = NULL;
	FILE *f;

	if ((f = open_memstream(&text, len)) == NULL)
		abort();
	if (config_print(c, f) != 0) {
		fprintf(stderr, "fuzz_config: config_print() failed\n");
		abort();
	}
	if (fclose(f) != 0)
		abort();
	return text;
}

/* The text after the leading comment lines (which name the file read and
 * its hash, so differ between the two files). */
static const char *
fuzz_body(const char *t)
{
	while (*t == '#') {
		if ((t = strchr(t, '\n')) == NULL)
			return "";
		t++;
	}
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c, *again;
	char *cause = NULL, *t1, *t2;
	size_t l1, l2;
	const char *b1, *b2;
	int rc;

	fuzz_file_put(&in, data, size);
	if ((rc = config_load(in.path, &c, &cause)) != 0) {
		if (c != NULL || cause == NULL || (rc != CONFIG_ERR_READ &&
		    rc != CONFIG_ERR_INVALID)) {
			fprintf(stderr, "fuzz_config: refused oddly (%d)\n", rc);
			abort();
		}
		if (getenv("FUZZ_SHOW") != NULL)	/* for checking the seeds */
			fprintf(stderr, "refused:\n%s\n", cause);
		free(cause);
		return 0;
	}
	t1 = fuzz_print(c, &l1);
	if (getenv("FUZZ_SHOW") != NULL)
		fprintf(stderr, "accepted\n");
	fuzz_write(again_path, t1, l1, 0644);
	if (config_load(again_path, &again, &cause) != 0) {
		fprintf(stderr, "fuzz_config: the printed configuration is "
		    "refused:\n%s\n--- printed:\n%s", cause, t1);
		abort();
	}
	t2 = fuzz_print(again, &l2);
	b1 = fuzz_body(t1);
	b2 = fuzz_body(t2);
	if (strcmp(b1, b2) != 0) {
		fprintf(stderr, "fuzz_config: the printed configuration prints "
		    "differently:\n%s\n--- again:\n%s", t1, t2);
		abort();
	}
	free(t1);
	free(t2);
	config_free(again);
	config_free(c);
	return 0;
}
