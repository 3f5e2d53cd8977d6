/* fuzz_manifest — the bundle manifest reader (export/bundle_verify.c,
 * manifest.json with jansson) on arbitrary manifest contents.  Each input
 * becomes the manifest.json of a bundle signed with the test key (with
 * SHA256SUMS listing it and a small clip file, so the manifest is what
 * bundle_verify() reaches and judges); no crash or leak, and the verdict
 * is one of 0, 1, 2 with a report.  The clip file is not a video, so a
 * manifest naming it correctly ends at "cannot be read as a video": the
 * probe of real clips is not fuzzed here. */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "fuzz/fuzz.h"

/* What the signature carries; a manifest must repeat id and reference. */
#define FUZZ_TRUSTED	"vigil-export-1 id=0123456789abcdef " \
			"created=2026-11-20T08:00:00Z reference=INC-1"
#define FUZZ_CLIP	"not a video, but listed\n"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sign_key *key;
static struct sign_trust *trust;
static struct fuzz_file manifest, sums;
static char *bundle, *sig;
static char clip_hex[65];

static void
fuzz_fail(const char *what, const char *cause)
{
	fprintf(stderr, "fuzz_manifest: %s%s%s\n", what, cause != NULL ? ": " :
	    "", cause != NULL ? cause : "");
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *p, *cause = NULL;

	(void)argc;
	(void)argv;
	fuzz_init();
	p = fuzz_path("test.key");
	fuzz_write(p, FUZZ_KEY_SECRET, strlen(FUZZ_KEY_SECRET), 0600);
	if ((key = sign_key_load(p, NULL, &cause)) == NULL)
		fuzz_fail("the test key does not load", cause);
	free(p);
	bundle = fuzz_path("VIGIL-INC-1-20261120T080000Z");
	if (mkdir(bundle, 0755) != 0)
		fuzz_fail("cannot make the bundle folder", bundle);
	p = fuzz_path("VIGIL-INC-1-20261120T080000Z/clips");
	if (mkdir(p, 0755) != 0)
		fuzz_fail("cannot make the clips folder", p);
	free(p);
	p = fuzz_path("VIGIL-INC-1-20261120T080000Z/clips/c.mp4");
	fuzz_write(p, FUZZ_CLIP, strlen(FUZZ_CLIP), 0644);
	if (sha256_file(p, clip_hex, &cause) != 0)
		fuzz_fail("cannot hash the clip", cause);
	free(p);
	p = fuzz_path("VIGIL-INC-1-20261120T080000Z/vigil-" FUZZ_KEY_ID ".pub");
	fuzz_write(p, FUZZ_KEY_PUBLIC, strlen(FUZZ_KEY_PUBLIC), 0644);
	/* The test key is the pinned site key. */
	if ((trust = sign_trust_new()) == NULL ||
	    sign_trust_add(trust, p, 0, &cause) != 0)
		fuzz_fail("cannot pin the test key", cause);
	free(p);
	fuzz_file_open(&manifest, "VIGIL-INC-1-20261120T080000Z/manifest.json",
	    0644);
	fuzz_file_open(&sums, "VIGIL-INC-1-20261120T080000Z/SHA256SUMS", 0644);
	sig = fuzz_path("VIGIL-INC-1-20261120T080000Z/SHA256SUMS.minisig");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hex[65], text[256], *report = NULL, *cause = NULL;
	int rc, n;

	fuzz_file_put(&manifest, data, size);
	if (sha256_file(manifest.path, hex, &cause) != 0)
		fuzz_fail("cannot hash the manifest", cause);
	n = snprintf(text, sizeof text, "%s  clips/c.mp4\n%s  manifest.json\n",
	    clip_hex, hex);
	if (n < 0 || (size_t)n >= sizeof text)
		abort();
	fuzz_file_put(&sums, text, (size_t)n);
	unlink(sig);
	if (sign_file(key, sums.path, sig, FUZZ_TRUSTED, &cause) != 0)
		fuzz_fail("cannot sign SHA256SUMS", cause);
	rc = bundle_verify(bundle, trust, &report);
	if (rc < 0 || rc > 2 || report == NULL)
		fuzz_fail("odd verdict", report);
	if (getenv("FUZZ_SHOW") != NULL)	/* for checking the seeds */
		fprintf(stderr, "verdict %d:\n%s", rc, report);
	/* Everything before the manifest must have held. */
	if (strstr(report, "checksums: 2 files match") == NULL)
		fuzz_fail("the bundle around the manifest is wrong", report);
	free(report);
	return 0;
}
