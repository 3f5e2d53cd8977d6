/* fuzz_minisign — minisign file parsing (export/sign.c) on arbitrary file
 * contents.  The first byte picks the reader, the rest is the file:
 *
 *   P  a public key: sign_pubkey_read(), then sign_verify() of a fixed
 *      message and signature with it as the key;
 *   S  a signature: sign_verify() of a fixed message with the test key;
 *   K  a secret key: sign_key_encrypted() and sign_key_load() without a
 *      passphrase (an "Sc" key is refused before scrypt runs, so the
 *      fuzzer cannot ask for gigabytes of scrypt memory);
 *
 * any other byte picks one of the three by its value.  No crash or leak,
 * a refusal always says why, and what is accepted makes sense. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "fuzz/fuzz.h"

/* The fixed message and a signature of it by the test key (stock
 * minisign -S, prehashed), with the trusted comment of a bundle. */
#define FUZZ_MSG	"vigil fuzz message\n"
#define FUZZ_SIG \
	"untrusted comment: signature from minisign secret key\n" \
	"RUQdlNmsH+ZpLbgVSHJS++dNmLx0URgquMi3l3wMJ7SnOkKmKPmG5ASmSAqJOu1yhjum" \
	"sEYAbxxPS2yj/9Z/ZjOYOw6YMosfMQ4=\n" \
	"trusted comment: vigil-export-1 id=0123456789abcdef " \
	"created=2026-11-20T08:00:00Z reference=INC-1\n" \
	"7A2hLWkpln4jlCbraj9Aet89l5eVVCxcVCIldeJpHkxejKfT55H5E7QYK7wlF2ISNQ/A" \
	"ibvUBV3tB++6lPPAAA==\n"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_file in;
static char *pub_path, *msg_path, *sig_path;

static void
fuzz_fail(const char *what, const char *cause)
{
	fprintf(stderr, "fuzz_minisign: %s%s%s\n", what, cause != NULL ? ": " :
	    "", cause != NULL ? cause : "");
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *trusted = NULL, *cause = NULL;

	(void)argc;
	(void)argv;
	fuzz_init();
	fuzz_file_open(&in, "input", 0600);
	pub_path = fuzz_path("test.pub");
	msg_path = fuzz_path("message");
	sig_path = fuzz_path("message.minisig");
	fuzz_write(pub_path, FUZZ_KEY_PUBLIC, strlen(FUZZ_KEY_PUBLIC), 0644);
	fuzz_write(msg_path, FUZZ_MSG, strlen(FUZZ_MSG), 0644);
	fuzz_write(sig_path, FUZZ_SIG, strlen(FUZZ_SIG), 0644);
	/* The fixtures themselves must hold, or the fuzzer learns nothing. */
	if (sign_verify(pub_path, msg_path, sig_path, &trusted, &cause) != 0)
		fuzz_fail("the fixed signature does not verify", cause);
	free(trusted);
	return 0;
}

/* A public key file. */
static void
fuzz_pub(void)
{
	char keyid[SIGN_KEYID_HEX], *b64 = NULL, *trusted = NULL, *cause = NULL;
	int rc;

	if (sign_pubkey_read(in.path, keyid, &b64, &cause) != 0) {
		if (cause == NULL)
			fuzz_fail("public key refused without a cause", NULL);
		free(cause);
		return;
	}
	if (strlen(keyid) != 16 || strspn(keyid, "0123456789ABCDEF") != 16 ||
	    b64 == NULL || strncmp(b64, "RW", 2) != 0)
		fuzz_fail("odd key id or key", keyid);
	free(b64);
	rc = sign_verify(in.path, msg_path, sig_path, &trusted, &cause);
	if (rc < -1 || rc > 1 || (rc == 0) != (trusted != NULL) ||
	    (rc != 0 && cause == NULL))
		fuzz_fail("sign_verify() with the key: odd result", NULL);
	free(trusted);
	free(cause);
}

/* A signature file over the fixed message. */
static void
fuzz_sig(void)
{
	char *trusted = NULL, *cause = NULL;
	int rc;

	rc = sign_verify(pub_path, msg_path, in.path, &trusted, &cause);
	if (rc < -1 || rc > 1 || (rc == 0) != (trusted != NULL) ||
	    (rc != 0 && cause == NULL))
		fuzz_fail("sign_verify(): odd result", cause);
	if (rc == 0 && (strchr(trusted, '\n') != NULL))
		fuzz_fail("a trusted comment with a newline", trusted);
	free(trusted);
	free(cause);
}

/* A secret key file. */
static void
fuzz_secret(void)
{
	struct sign_key *k;
	char id[SIGN_KEYID_HEX], *cause = NULL;
	int enc;

	enc = sign_key_encrypted(in.path, &cause);
	if (enc == -1 && cause == NULL)
		fuzz_fail("sign_key_encrypted() failed without a cause", NULL);
	free(cause);
	cause = NULL;
	if ((k = sign_key_load(in.path, NULL, &cause)) == NULL) {
		if (cause == NULL)
			fuzz_fail("secret key refused without a cause", NULL);
		free(cause);
		return;
	}
	if (enc != 0)
		fuzz_fail("an encrypted key loaded without a passphrase", NULL);
	sign_key_id(k, id);
	if (strlen(id) != 16)
		fuzz_fail("odd key id", id);
	sign_key_free(k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int which;

	if (size == 0)
		return 0;
	which = data[0] == 'P' ? 0 : data[0] == 'S' ? 1 : data[0] == 'K' ? 2 :
	    data[0] % 3;
	fuzz_file_put(&in, data + 1, size - 1);
	if (which == 0)
		fuzz_pub();
	else if (which == 1)
		fuzz_sig();
	else
		fuzz_secret();
	return 0;
}
