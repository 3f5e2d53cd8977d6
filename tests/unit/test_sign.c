/* test_sign — minisign-compatible keys and signatures, checked against the
 * stock minisign tool. */
#include <sys/stat.h>

#include <errno.h>
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

static char *
path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
write_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

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

static void
test_unencrypted_roundtrip_with_minisign(void **state)
{
	char *sk = path("a.key"), *pk = path("a.pub"), *f = path("data.txt");
	char *sig = path("data.txt.minisig"), *cause = NULL, *tc = NULL;
	char id[SIGN_KEYID_HEX], id2[SIGN_KEYID_HEX];
	struct sign_key *k;
	struct stat sb;

	(void)state;
	assert_int_equal(sign_keygen(sk, pk, NULL, 0, 0, &cause), 0);
	assert_int_equal(stat(sk, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sign_keygen(sk, pk, NULL, 0, 0, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
	cause = NULL;

	k = sign_key_load(sk, NULL, &cause);
	assert_non_null(k);
	sign_key_id(k, id);
	assert_int_equal(sign_pubkey_read(pk, id2, NULL, &cause), 0);
	assert_string_equal(id, id2);

	write_file(f, "e3b0c442  clips/entrance.mp4\n");
	assert_int_equal(sign_file(k, f, sig, "export 42 reference 2026/1234",
	    &cause), 0);
	assert_int_equal(sign_verify(pk, f, sig, &tc, &cause), 0);
	assert_string_equal(tc, "export 42 reference 2026/1234");
	free(tc);
	/* Stock minisign agrees. */
	assert_int_equal(run("minisign -Vm '%s' -p '%s' -x '%s' -q", f, pk, sig), 0);

	/* One byte changed: both refuse. */
	write_file(f, "e3b0c443  clips/entrance.mp4\n");
	assert_int_equal(sign_verify(pk, f, sig, NULL, &cause), 1);
	free(cause);
	cause = NULL;
	assert_int_not_equal(run("minisign -Vm '%s' -p '%s' -x '%s' -q "
	    "2>/dev/null", f, pk, sig), 0);

	/* A trusted comment edited in the signature file: refused. */
	write_file(f, "e3b0c442  clips/entrance.mp4\n");
	assert_int_equal(run("sed -i 's/export 42/export 43/' '%s'", sig), 0);
	assert_int_equal(sign_verify(pk, f, sig, NULL, &cause), 1);
	assert_non_null(strstr(cause, "trusted comment"));
	free(cause);
	cause = NULL;
	assert_int_not_equal(run("minisign -Vm '%s' -p '%s' -x '%s' -q "
	    "2>/dev/null", f, pk, sig), 0);

	/* Multi-line trusted comments are refused. */
	assert_int_equal(sign_file(k, f, sig, "a\nb", &cause), -1);
	free(cause);
	sign_key_free(k);
	free(sk); free(pk); free(f); free(sig);
}

/* A key pair whose secret key cannot be flushed or closed is not made:
 * the message names the error of the step, and no file is left. */
static void
test_keygen_write_errors(void **state)
{
	char *sk = path("w.key"), *pk = path("w.pub"), *cause = NULL;

	(void)state;
	file_write_fault(FILE_WRITE_FSYNC, EIO);
	assert_int_equal(sign_keygen(sk, pk, NULL, 0, 0, &cause), -1);
	if (strstr(cause, "w.key: Input/output error") == NULL)
		fail_msg("unexpected message: %s", cause);
	assert_int_equal(access(sk, F_OK), -1);
	assert_int_equal(access(pk, F_OK), -1);
	free(cause);
	cause = NULL;
	file_write_fault(FILE_WRITE_CLOSE, EDQUOT);
	assert_int_equal(sign_keygen(sk, pk, NULL, 0, 0, &cause), -1);
	if (strstr(cause, "w.key: Disk quota exceeded") == NULL)
		fail_msg("unexpected message: %s", cause);
	assert_int_equal(access(sk, F_OK), -1);
	assert_int_equal(access(pk, F_OK), -1);
	free(cause);
	free(sk);
	free(pk);
}

static void
test_encrypted_key(void **state)
{
	char *sk = path("b.key"), *pk = path("b.pub"), *f = path("b.txt");
	char *sig = path("b.txt.minisig"), *cause = NULL;
	struct sign_key *k;

	(void)state;
	/* Small scrypt parameters keep the test fast; the file carries them. */
	assert_int_equal(sign_keygen(sk, pk, "correct horse", 32768,
	    16 * 1024 * 1024, &cause), 0);
	assert_int_equal(sign_key_encrypted(sk, &cause), 1);
	assert_null(sign_key_load(sk, NULL, &cause));
	assert_non_null(strstr(cause, "passphrase"));
	free(cause);
	cause = NULL;
	assert_null(sign_key_load(sk, "wrong horse", &cause));
	assert_non_null(strstr(cause, "wrong passphrase"));
	free(cause);
	cause = NULL;
	k = sign_key_load(sk, "correct horse", &cause);
	assert_non_null(k);
	write_file(f, "payload\n");
	assert_int_equal(sign_file(k, f, sig, "t", &cause), 0);
	assert_int_equal(run("minisign -Vm '%s' -p '%s' -x '%s' -q", f, pk, sig), 0);
	sign_key_free(k);

	/* A key readable by others is refused. */
	assert_int_equal(chmod(sk, 0644), 0);
	assert_null(sign_key_load(sk, "correct horse", &cause));
	assert_non_null(strstr(cause, "0600"));
	free(cause);
	cause = NULL;
	assert_int_equal(chmod(sk, 0600), 0);

	/* A key file asking scrypt for 1 TiB of memory is refused before
	 * anything is allocated (a hostile file, found by review). */
	assert_int_equal(run("python3 -c 'import base64, struct, sys\n"
	    "p = sys.argv[1]\nl = open(p).read().splitlines()\n"
	    "r = bytearray(base64.b64decode(l[1]))\n"
	    "r[46:54] = struct.pack(\"<Q\", 1 << 40)\n"
	    "open(p, \"w\").write(l[0] + \"\\n\" + "
	    "base64.b64encode(r).decode() + \"\\n\")' '%s'", sk), 0);
	assert_null(sign_key_load(sk, "correct horse", &cause));
	assert_non_null(strstr(cause, "1048576 MiB of memory"));
	free(cause);
	free(sk); free(pk); free(f); free(sig);
}

static void
test_bad_files(void **state)
{
	char *p = path("junk"), *cause = NULL, id[SIGN_KEYID_HEX];

	(void)state;
	write_file(p, "not a key\n");
	assert_int_equal(sign_pubkey_read(p, id, NULL, &cause), -1);
	assert_non_null(strstr(cause, "not a minisign file"));
	free(cause);
	cause = NULL;
	write_file(p, "untrusted comment: x\n!!!!\n");
	assert_int_equal(sign_pubkey_read(p, id, NULL, &cause), -1);
	free(cause);
	free(p);
}

/* A signature file of exactly the largest size read (64 KiB) whose
 * signature line ends the file with '\r' and no '\n': the rest of the
 * file was taken from one byte past the buffer (found with
 * fuzz/fuzz_minisign.c; ASan catches it in the sanitizer build). */
static void
test_cr_at_end(void **state)
{
	char *sk = path("c.key"), *pk = path("c.pub"), *f = path("c.txt");
	char *sig = path("c.txt.minisig"), *cause = NULL, *tc = NULL, *text;
	const char *head = "untrusted comment: ";
	unsigned char raw[74];
	char b64[sizeof raw * 2];
	size_t size = 64 * 1024, pad;
	FILE *fp;

	(void)state;
	assert_int_equal(sign_keygen(sk, pk, NULL, 0, 0, &cause), 0);
	write_file(f, "payload\n");
	memset(raw, 0, sizeof raw);
	memcpy(raw, "ED", 2);
	assert_non_null(sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL));
	pad = size - strlen(head) - 1 - strlen(b64) - 1;
	text = xmalloc(size);
	memcpy(text, head, strlen(head));
	memset(text + strlen(head), 'x', pad);
	text[strlen(head) + pad] = '\n';
	memcpy(text + strlen(head) + pad + 1, b64, strlen(b64));
	text[size - 1] = '\r';
	assert_non_null(fp = fopen(sig, "w"));
	assert_int_equal(fwrite(text, 1, size, fp), size);
	assert_int_equal(fclose(fp), 0);
	assert_int_not_equal(sign_verify(pk, f, sig, &tc, &cause), 0);
	assert_null(tc);
	assert_non_null(cause);
	free(cause);
	free(text);
	free(sk); free(pk); free(f); free(sig);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/vigil-sign.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return run("rm -rf '%s'", dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unencrypted_roundtrip_with_minisign),
		cmocka_unit_test(test_keygen_write_errors),
		cmocka_unit_test(test_encrypted_key),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_cr_at_end),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
