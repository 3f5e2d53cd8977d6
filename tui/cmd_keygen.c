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
	char *cause = NULL;
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
		printf("key id %s\n\nuntrusted comment: minisign public key %s\n"
		    "%s\n", id, id, b64);
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
	if (sign_pubkey_read(pub, id, NULL, &cause) != 0)
		goto out;
	printf("Created the export signing key %s (mode 0600, %s) and its "
	    "public key %s.\nKey id %s: print it on handover forms and publish "
	    "the public key\n(vigil keygen --show) so recipients know the key "
	    "is yours.\n", key, nopass ? "no passphrase" :
	    "protected by the passphrase", pub, id);
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

int
cmd_verify(int argc, char **argv, const char *config)
{
	char *report = NULL;
	int rc;

	(void)config;
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: vigil verify DIR\n\nChecks an export bundle: its "
		    "signature, every checksum, the manifest\nand the clips. "
		    "Exits 0 intact, 1 altered, 2 not a bundle. See "
		    "vigil-export(5).\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: vigil verify DIR\n");
		return 2;
	}
	rc = bundle_verify(argv[1], &report);
	fputs(report != NULL ? report : "", rc == 0 ? stdout : stderr);
	free(report);
	return rc;
}
