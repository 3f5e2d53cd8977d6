/* test_bundle — writing a bundle and verifying it with stock minisign and
 * sha256sum and with bundle_verify(), intact and altered. */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "export/export.h"
#include "util/util.h"

static char dir[64];
static char *final;
static struct sign_key *key;
static struct sign_trust *trust;	/* the site's key, pinned */
static char *pubb64;			/* its public key, "RW..." */
static char keyid[SIGN_KEYID_HEX];

static int
run(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) != -1);
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return rc;
}

/* Makes a fresh bundle from a 2-second clip, signed with k (whose public
 * key is pub and whose key id the documents name as id); *out is its
 * folder. */
static void
make_bundle_with(const char *reference, const struct sign_key *k,
    const char *id, const char *pub, char **out)
{
	struct bundle_meta m;
	struct bundle *b;
	char *clip, *src, sums[65], *cause = NULL, *target;
	int64_t from = 1795257600000;

	target = xasprintf("%s/usb", dir);
	mkdir(target, 0755);
	src = xasprintf("%s/src.mp4", dir);
	if (access(src, F_OK) != 0)
		assert_int_equal(run("ffmpeg -v error -f lavfi -i testsrc2=size="
		    "160x90:rate=10 -t 2 -c:v libx264 -g 10 -pix_fmt yuv420p '%s'",
		    src), 0);
	memset(&m, 0, sizeof m);
	m.exporter = "bob";
	m.approver = "dora";
	m.reason_code = "POLICE";
	m.reason_label = "police request";
	m.legal_basis = "GDPR art. 6(1)(c)";
	m.reference = reference;
	m.requester = "Itä-Uusimaa police";
	m.recipient = "Constable Virtanen";
	m.mode = "original";
	m.site = "Demo library";
	m.recorder = dir;
	m.log_id = "000102030405060708090a0b0c0d0e0f";
	m.export_seq = 42;
	m.ckpt_epoch = -1;
	m.key_id = id;
	m.public_key = pub;
	b = bundle_begin(target, &m, from + 86400000, &cause);
	if (b == NULL)
		fail_msg("begin: %s", cause);
	assert_int_equal(bundle_add_range(b, "entrance", from, from + 2000,
	    &cause), 0);
	assert_int_equal(bundle_add_source(b, "entrance", src, &cause), 0);
	clip = bundle_clip_path(b, "entrance", from, from + 2000);
	assert_int_equal(run("cp '%s' '%s'", src, clip), 0);
	if (bundle_add_clip(b, clip, "entrance", from, from + 2000, 2000, "h264",
	    &cause) != 0)
		fail_msg("add clip: %s", cause);
	if (bundle_finish(b, k, out, sums, &cause) != 0)
		fail_msg("finish: %s", cause);
	assert_int_equal(strlen(sums), 64);
	free(clip);
	free(src);
	free(target);
}

static void
make_bundle(const char *reference, char **out)
{
	make_bundle_with(reference, key, keyid, pubb64, out);
}

static int
stock_ok(const char *b)
{
	return run("cd '%s' && minisign -Vm SHA256SUMS -P '%s' -q && "
	    "sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1", b, pubb64) == 0;
}

static int
verify(const char *b, const char *needle)
{
	char *report = NULL;
	int rc = bundle_verify(b, trust, &report);

	if (needle != NULL && strstr(report, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, report);
	free(report);
	return rc;
}

static void
test_intact(void **state)
{
	struct stat sb;
	char *p;

	(void)state;
	make_bundle("2026/1234", &final);
	p = strrchr(final, '/') + 1;
	assert_string_equal(p, "VIGIL-2026-1234-20261122T104000Z");
	assert_true(stock_ok(final));
	assert_int_equal(verify(final, "intact"), 0);
	p = xasprintf("%s/HANDOVER.txt", final);
	assert_int_equal(stat(p, &sb), 0);
	free(p);
	assert_int_equal(run("grep -q 'Constable Virtanen' '%s/HANDOVER.txt' && "
	    "grep -q '%s' '%s/HANDOVER.txt' && grep -q 'Export record (seq): *42' "
	    "'%s/HANDOVER.txt'", final, keyid, final, final), 0);
	assert_int_equal(run("ffprobe -v error -show_entries format=duration -of "
	    "csv=p=0 %s/clips/*.mp4 | grep -q '^2\\.'", final), 0);
	/* No partial folder is left behind. */
	assert_int_equal(run("ls -a '%s/usb' | grep -q vigil-partial", dir), 256);
}

/* Copies the bundle, applies cmd inside the copy, and checks that stock
 * tools and bundle_verify() both refuse it. */
static void
altered(const char *cmd, const char *needle)
{
	char *copy = xasprintf("%s/copy", dir);

	assert_int_equal(run("rm -rf '%s' && cp -a '%s' '%s'", copy, final, copy), 0);
	assert_int_equal(run("cd '%s' && %s", copy, cmd), 0);
	assert_false(stock_ok(copy));
	assert_int_equal(verify(copy, needle), 1);
	free(copy);
}

/* A shell command that flips the lowest bit of the byte at OFF of FILE. */
#define FLIP(file, off) "/usr/bin/python3 -c 'import sys; f = open(sys.argv[1], " \
	"\"r+b\"); f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); " \
	"f.write(bytes([b[0] ^ 1]))' " file " " off

static void
test_altered(void **state)
{
	(void)state;
	altered(FLIP("\"$(ls clips/*.mp4)\"", "2000"), "does not match");
	altered("sed -i 's/Constable/Sergeant/' manifest.json", "manifest.json");
	altered(FLIP("SHA256SUMS", "0"), "SHA256SUMS");
	altered("sed -i 's/reference=2026/reference=2027/' SHA256SUMS.minisig",
	    "SHA256SUMS");
}

static void
test_extra_and_partial(void **state)
{
	char *copy = xasprintf("%s/copy", dir), *partial;

	(void)state;
	assert_int_equal(run("rm -rf '%s' && cp -a '%s' '%s' && "
	    "echo x > '%s/clips/extra.mp4'", copy, final, copy, copy), 0);
	assert_int_equal(verify(copy, "not in SHA256SUMS"), 1);
	partial = xasprintf("%s/.vigil-partial-0011223344556677", dir);
	assert_int_equal(run("cp -a '%s' '%s'", final, partial), 0);
	assert_int_equal(verify(partial, "unfinished"), 2);
	assert_int_equal(verify("/nonexistent/bundle", NULL), 2);
	free(copy);
	free(partial);
}

static void
test_abort_and_bad_target(void **state)
{
	struct bundle_meta m;
	struct bundle *b;
	char *cause = NULL, *target = xasprintf("%s/usb2", dir);

	(void)state;
	memset(&m, 0, sizeof m);
	m.reference = "INC-7";
	m.ckpt_epoch = -1;
	m.key_id = keyid;
	m.public_key = pubb64;
	assert_null(bundle_begin("/nonexistent/usb", &m, 0, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(mkdir(target, 0755), 0);
	b = bundle_begin(target, &m, 0, &cause);
	assert_non_null(b);
	bundle_abort(b);
	assert_int_equal(run("[ -z \"$(ls -A '%s')\" ]", target), 0);
	m.reference = "";
	assert_null(bundle_begin(target, &m, 0, &cause));
	free(cause);
	free(target);
}

/* Rewrites the unencrypted minisign key pair sk/pk to carry the key id
 * `want` (hex), as a forger would: the id is 8 bytes anyone can copy. */
static void
forge_keyid(const char *sk, const char *pk, const char *want)
{
	unsigned char raw[2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32], id[8];
	unsigned char chk_in[2 + 8 + 64], praw[42];
	char line[256], *b64;
	size_t got, i;
	FILE *f;

	for (i = 0; i < 8; i++) {	/* the id is printed little-endian */
		unsigned int byte;

		assert_int_equal(sscanf(want + 2 * (7 - i), "%2x", &byte), 1);
		id[i] = (unsigned char)byte;
	}
	/* The secret key: keyid at 54, sk at 62, chk at 126. */
	assert_non_null(f = fopen(sk, "r"));
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(sodium_base642bin(raw, sizeof raw, line, strlen(line),
	    NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(got, sizeof raw);
	memcpy(raw + 54, id, 8);
	memcpy(chk_in, "Ed", 2);
	memcpy(chk_in + 2, id, 8);
	memcpy(chk_in + 10, raw + 62, 64);
	crypto_generichash(raw + 126, 32, chk_in, sizeof chk_in, NULL, 0);
	b64 = xmalloc(sodium_base64_ENCODED_LEN(sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL), raw, sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL);
	assert_non_null(f = fopen(sk, "w"));
	fprintf(f, "untrusted comment: forged\n%s\n", b64);
	fclose(f);
	free(b64);
	/* The public key: keyid at 2. */
	assert_non_null(f = fopen(pk, "r"));
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(sodium_base642bin(praw, sizeof praw, line, strlen(line),
	    NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	memcpy(praw + 2, id, 8);
	b64 = xmalloc(sodium_base64_ENCODED_LEN(sizeof praw,
	    sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(sizeof praw,
	    sodium_base64_VARIANT_ORIGINAL), praw, sizeof praw,
	    sodium_base64_VARIANT_ORIGINAL);
	assert_non_null(f = fopen(pk, "w"));
	fprintf(f, "untrusted comment: minisign public key %s\n%s\n", want, b64);
	fclose(f);
	free(b64);
}

/* The attack of issue 13: a bundle re-signed with a forged key carrying
 * the site's key id, manifest and HANDOVER rewritten to match.  The old
 * check (-p with the key in the bundle) passes it; the pinned check, stock
 * and vigil's, does not. */
static void
test_forged_key_id(void **state)
{
	struct sign_key *forged;
	char *sk = xasprintf("%s/forged.key", dir);
	char *pk = xasprintf("%s/forged.pub", dir);
	char id[SIGN_KEYID_HEX], *cause = NULL, *fpub, *out = NULL, *report;

	(void)state;
	assert_int_equal(sign_keygen(sk, pk, NULL, 0, 0, &cause), 0);
	forge_keyid(sk, pk, keyid);
	assert_non_null(forged = sign_key_load(sk, NULL, &cause));
	sign_key_id(forged, id);
	assert_string_equal(id, keyid);
	fpub = sign_key_public(forged);
	assert_string_not_equal(fpub, pubb64);
	make_bundle_with("FORGED-1", forged, keyid, fpub, &out);
	/* What the bundle alone says is consistent... */
	assert_int_equal(run("cd '%s' && minisign -Vm SHA256SUMS -p vigil-%s.pub "
	    "-q && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1", out, keyid),
	    0);
	assert_int_equal(run("grep -q 'key id %s' '%s/HANDOVER.txt'", keyid, out),
	    0);
	/* ...but the published key refuses it. */
	assert_false(stock_ok(out));
	assert_int_equal(verify(out, "signed by an unknown key"), 1);
	/* Pinned by its own public key, the forged bundle is intact. */
	{
		struct sign_trust *t = sign_trust_new();

		assert_int_equal(sign_trust_add(t, pk, 0, &cause), 0);
		assert_int_equal(bundle_verify(out, t, &report), 0);
		free(report);
		sign_trust_free(t);
	}
	/* No key pinned at all: not a verdict. */
	{
		struct sign_trust *t = sign_trust_new();

		assert_int_equal(bundle_verify(out, t, &report), 2);
		assert_non_null(strstr(report, "no signing key is pinned"));
		free(report);
		sign_trust_free(t);
	}
	sign_key_free(forged);
	free(fpub);
	free(out);
	free(sk);
	free(pk);
}

/* An earlier site key verifies bundles created before the day it stopped
 * signing, and no others (the bundle was created 2026-11-22 10:40 UTC). */
static void
test_rotated_key(void **state)
{
	struct sign_trust *t;
	char *list, *cause = NULL, *report = NULL;

	(void)state;
	assert_non_null(final);
	t = sign_trust_new();
	list = xasprintf("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3, "
	    "%s until 2026-11-23", pubb64);
	if (sign_trust_parse(t, list, &cause) != 0)
		fail_msg("parse: %s", cause);
	assert_int_equal(sign_trust_count(t), 2);
	assert_int_equal(bundle_verify(final, t, &report), 0);
	assert_non_null(strstr(report, "earlier pinned site key"));
	free(report);
	sign_trust_free(t);
	free(list);

	t = sign_trust_new();
	list = xasprintf("%s until 2026-11-22", pubb64);
	assert_int_equal(sign_trust_parse(t, list, &cause), 0);
	assert_int_equal(bundle_verify(final, t, &report), 1);
	assert_non_null(strstr(report, "stopped signing at 2026-11-22T00:00:00"));
	free(report);
	sign_trust_free(t);
	free(list);

	/* Malformed lists are refused, naming what is wrong. */
	t = sign_trust_new();
	assert_int_equal(sign_trust_parse(t, "RWnotakey", &cause), -1);
	free(cause);
	cause = NULL;
	list = xasprintf("%s until tomorrow", pubb64);
	assert_int_equal(sign_trust_parse(t, list, &cause), -1);
	assert_non_null(strstr(cause, "not a date"));
	free(cause);
	free(list);
	sign_trust_free(t);
}

/* The fingerprint: SHA-256 of the 42 bytes, 16 groups of 4 hex digits. */
static void
test_fingerprint(void **state)
{
	unsigned char raw[42], md[32];
	char fpr[SIGN_FPR_TEXT], want[80];
	size_t got, i, o = 0;

	(void)state;
	assert_int_equal(sign_fingerprint(pubb64, fpr), 0);
	assert_int_equal(strlen(fpr), 79);
	assert_int_equal(sodium_base642bin(raw, sizeof raw, pubb64,
	    strlen(pubb64), NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	crypto_hash_sha256(md, raw, sizeof raw);
	for (i = 0; i < 32; i++)
		o += (size_t)snprintf(want + o, sizeof want - o, "%s%02x",
		    i > 0 && i % 2 == 0 ? " " : "", md[i]);
	assert_string_equal(fpr, want);
	assert_int_equal(sign_fingerprint("RWxyz", fpr), -1);
	/* HANDOVER.txt and README.txt carry the whole key and fingerprint. */
	assert_int_equal(run("grep -qF '%s' '%s/HANDOVER.txt' && grep -qF '%s' "
	    "'%s/HANDOVER.txt' && grep -qF '%s' '%s/README.txt' && grep -qF '%s' "
	    "'%s/README.txt'", pubb64, final, fpr, final, pubb64, final, fpr,
	    final), 0);
	/* The README's file-list check passes on the bundle and catches an
	 * added file. */
	assert_int_equal(run("cd '%s' && find . -type f ! -name SHA256SUMS ! -name "
	    "SHA256SUMS.minisig ! -name 'vigil-*.pub' | sed 's|^\\./||' | sort "
	    ">'%s/files' && cut -c67- SHA256SUMS | sort | diff - '%s/files' "
	    ">/dev/null", final, dir, dir), 0);
}

static int
setup(void **state)
{
	char *sk, *pk, *cause = NULL;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/vigil-bundle.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	sk = xasprintf("%s/site.key", dir);
	pk = xasprintf("%s/site.pub", dir);
	if (sign_keygen(sk, pk, NULL, 0, 0, &cause) != 0 ||
	    (key = sign_key_load(sk, NULL, &cause)) == NULL)
		return -1;
	sign_key_id(key, keyid);
	pubb64 = sign_key_public(key);
	trust = sign_trust_new();
	if (sign_trust_add(trust, pubb64, 0, &cause) != 0)
		return -1;
	free(sk);
	free(pk);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sign_key_free(key);
	sign_trust_free(trust);
	free(pubb64);
	free(final);
	return run("rm -rf '%s'", dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_altered),
		cmocka_unit_test(test_extra_and_partial),
		cmocka_unit_test(test_abort_and_bad_target),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_rotated_key),
		cmocka_unit_test(test_forged_key_id),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
