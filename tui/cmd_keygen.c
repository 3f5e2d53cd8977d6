/* cmd_keygen — vigil keygen: the site's export signing key, and vigil
 * verify: checking a disclosure bundle. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "export/export.h"
#include "tui/cmd.h"
#include "util/util.h"

static const char keygen_usage[] =
"usage: vigil keygen [--key PATH] [--no-passphrase | --passphrase-file FILE]\n"
"       vigil keygen --show [--key PATH]\n"
"\n"
"Creates the site's export signing key (a minisign key pair; the secret key\n"
"is mode 0600 and never overwritten) or, with --show, prints its key id\n"
"and public key for publishing. PATH defaults to [export] signing_key of\n"
"vigil.conf, or <key_dir>/vigil-export.key; the public key is PATH.pub.\n";

/* The secret key path: --key, the configuration, or key_dir's default. */
static char *
keygen_path(const char *config, const char *given, char **cause)
{
	struct config *cfg;

	if (given != NULL)
		return xstrdup(given);
	if ((cfg = cmd_config_get(config, cause)) == NULL)
		return NULL;
	if (config_signing_key(cfg) != NULL)
		return xstrdup(config_signing_key(cfg));
	return xasprintf("%s/vigil-export.key", config_key_dir(cfg));
}

int
cmd_keygen(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "no-passphrase", no_argument, NULL, 'n' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "show", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char pass[SIGN_PASSPHRASE_MAX + 2], again[SIGN_PASSPHRASE_MAX + 2];
	char id[SIGN_KEYID_HEX], *key = NULL, *pub = NULL, *b64 = NULL;
	char fpr[SIGN_FPR_TEXT], *cause = NULL;
	const char *given = NULL, *passfile = NULL;
	int c, show = 0, nopass = 0, rc = 2;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'k': given = optarg; break;
		case 'n': nopass = 1; break;
		case 'p': passfile = optarg; break;
		case 's': show = 1; break;
		case 'h': fputs(keygen_usage, stdout); return 0;
		default:
			fprintf(stderr, "vigil keygen: unknown or incomplete option "
			    "'%s'\n%s", argv[optind - 1], keygen_usage);
			return 2;
		}
	}
	if (optind != argc || (nopass && passfile != NULL)) {
		fputs(keygen_usage, stderr);
		return 2;
	}
	if ((key = keygen_path(config, given, &cause)) == NULL)
		goto out;
	pub = xasprintf("%s.pub", key);
	if (show) {
		if (sign_pubkey_read(pub, id, &b64, &cause) != 0)
			goto out;
		if (sign_fingerprint(b64, fpr) != 0) {
			cause = xasprintf("%s is not a minisign public key", pub);
			goto out;
		}
		printf("key id      %s\npublic key  %s\nfingerprint %s\n\n"
		    "Publish the whole public key (or all 64 digits of the "
		    "fingerprint);\nrecipients verify with minisign -P <public "
		    "key>. A key id alone\nproves nothing: anyone can make a key "
		    "with the same id.\n\nuntrusted comment: minisign public key "
		    "%s\n%s\n", id, b64, fpr, id, b64);
		rc = 0;
		goto out;
	}
	if (passfile != NULL) {
		if (cmd_read_passfile(passfile, pass, sizeof pass, &cause) != 0)
			goto out;
	} else if (!nopass) {
		if (!isatty(STDIN_FILENO)) {
			cause = xstrdup("not on a terminal: give --passphrase-file "
			    "FILE or --no-passphrase");
			goto out;
		}
		if (cmd_read_hidden("Passphrase for the new signing key: ", pass,
		    sizeof pass) != 0 || cmd_read_hidden("The same again: ", again,
		    sizeof again) != 0) {
			cause = xstrdup("cannot read a passphrase from the terminal");
			goto out;
		}
		if (strcmp(pass, again) != 0 || pass[0] == '\0') {
			cause = xstrdup(pass[0] == '\0' ? "the passphrase is empty "
			    "(use --no-passphrase for none)" :
			    "the two passphrases differ");
			goto out;
		}
	}
	if (sign_keygen(key, pub, nopass ? NULL : pass, 0, 0, &cause) != 0)
		goto out;
	if (sign_pubkey_read(pub, id, &b64, &cause) != 0 ||
	    sign_fingerprint(b64, fpr) != 0)
		goto out;
	printf("Created the export signing key %s (mode 0600, %s) and its "
	    "public key %s.\n\npublic key  %s\nfingerprint %s\n\nPublish "
	    "the whole public key (vigil keygen --show prints it again) and\n"
	    "pin it in vigil.conf: [export] trusted_keys = %s\n", key,
	    nopass ? "no passphrase" : "protected by the passphrase", pub, b64,
	    fpr, b64);
	rc = 0;
out:
	sodium_memzero(pass, sizeof pass);
	sodium_memzero(again, sizeof again);
	if (rc != 0 && cause != NULL)
		fprintf(stderr, "vigil keygen: %s\n", cause);
	free(cause);
	free(key);
	free(pub);
	free(b64);
	return rc;
}

static const char verify_usage[] =
"usage: vigil verify [--pubkey KEY|FILE]... DIR\n"
"\n"
"Checks an export bundle against the site's pinned signing keys: the\n"
"signature, every checksum, that no file was added, the manifest and the\n"
"clips. The keys are those given with --pubkey (a public key \"RW...\" or a\n"
"public key file), else [export] trusted_keys of vigil.conf, else the\n"
"public key of the configured signing key. A key inside the bundle is\n"
"never trusted. Exits 0 intact, 1 altered or signed by a key not pinned,\n"
"2 not a bundle or no key to check against. See vigil-export(5).\n";

/* The pinned keys for vigil verify: --pubkey, trusted_keys, or the
 * configured signing key's public key. */
static int
verify_trust(struct sign_trust *t, const char *config, char **cause)
{
	struct config *cfg;
	const char *list;
	char *pub;
	int rc;

	if ((cfg = cmd_config_get(config, cause)) == NULL)
		return -1;
	if ((list = config_trusted_keys(cfg)) != NULL)
		return sign_trust_parse(t, list, cause);
	pub = xasprintf("%s.pub", config_signing_key(cfg));
	if (access(pub, F_OK) != 0) {
		free(pub);
		return cause_set(cause, "no signing key is pinned: give --pubkey "
		    "with the site's published key, or set [export] trusted_keys");
	}
	rc = sign_trust_add(t, pub, 0, cause);
	free(pub);
	return rc;
}

int
cmd_verify(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sign_trust *t = sign_trust_new();
	char *report = NULL, *cause = NULL;
	int c, given = 0, rc = 2;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			given = 1;
			if (sign_trust_add(t, optarg, 0, &cause) != 0)
				goto out;
			break;
		case 'h':
			fputs(verify_usage, stdout);
			rc = 0;
			goto out;
		default:
			fprintf(stderr, "vigil verify: unknown or incomplete option "
			    "'%s'\n%s", argv[optind - 1], verify_usage);
			goto out;
		}
	}
	if (optind != argc - 1) {
		fputs(verify_usage, stderr);
		goto out;
	}
	if (!given && verify_trust(t, config, &cause) != 0)
		goto out;
	rc = bundle_verify(argv[optind], t, &report);
	fputs(report != NULL ? report : "", rc == 0 ? stdout : stderr);
out:
	if (cause != NULL)
		fprintf(stderr, "vigil verify: %s\n", cause);
	free(cause);
	free(report);
	sign_trust_free(t);
	return rc;
}
