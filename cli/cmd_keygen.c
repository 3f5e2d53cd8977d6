/* cmd_keygen — vigil keygen: the site's export signing key, and vigil
 * verify: checking a disclosure bundle. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "session/session.h"
#include "export/export.h"
#include "cli/cli.h"
#include "util/util.h"

static const char cmd_keygen_usage[] =
"usage: vigil keygen [--key PATH] [--no-passphrase | --passphrase-file FILE]\n"
"       vigil keygen --show [--key PATH]\n"
"       vigil keygen --rotate [--key PATH] [--no-passphrase | --passphrase-file FILE]\n"
"\n"
"Creates the site's export signing key (a minisign key pair; the secret key\n"
"is mode 0600 and never overwritten); with --show, prints its key id, whole\n"
"public key and fingerprint for publishing; with --rotate, replaces it with\n"
"a new key, logged as key-rotated (the new secret key takes the old one's\n"
"file; the old public key is kept as PATH-<keyid>.pub). PATH defaults to [export]\n"
"signing_key of vigil.conf, or <key_dir>/vigil-export.key; the public key\n"
"is PATH.pub.\n";

/* Logs key-rotated: the old and the new public key, and when the old one
 * stopped signing.  Returns 0, or -1 with *cause. */
static int
cmd_keygen_log_rotation(const char *config, const char *oldb64,
    const char *newb64, int64_t now, char **cause)
{
	const char *db = NULL, *state = NULL;
	struct audit_log *log;
	struct audit_entry e;
	struct config *cfg;
	char ofpr[SIGN_FPR_TEXT], nfpr[SIGN_FPR_TEXT], when[40];
	char *details, *actor, *term;
	json_t *d;
	int rc;

	if (cmd_config_paths(config, &db, &state, cause) != 0)
		return -1;
	if (db == NULL || state == NULL)
		return cause_set(cause, "a rotation is logged: set [paths] audit_db "
		    "and audit_state in vigil.conf");
	if (sign_fingerprint(oldb64, ofpr) != 0 ||
	    sign_fingerprint(newb64, nfpr) != 0)
		return cause_set(cause, "not a minisign public key");
	if ((log = audit_open(db, state, 0, cause)) == NULL)
		return -1;
	if ((cfg = cmd_config_get(config, NULL)) != NULL)
		logconf_apply(cfg, log);
	d = json_pack("{s:s,s:s,s:s,s:s,s:s}", "old_key", oldb64,
	    "old_fingerprint", ofpr, "new_key", newb64, "new_fingerprint", nfpr,
	    "until", clock_format_utc(now, when, sizeof when));
	details = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	actor = user_name_self();
	term = terminal_name_self();
	memset(&e, 0, sizeof e);
	e.time_ms = now;
	e.actor = actor;
	e.action = "key-rotated";
	e.details = details;
	e.terminal = term;
	rc = audit_append(log, &e, cause) < 0 ? -1 : 0;
	audit_close(log);
	free(details);
	free(actor);
	free(term);
	return rc;
}

/* The secret key path: --key, the configuration, or key_dir's default. */
static char *
cmd_keygen_path(const char *config, const char *given, char **cause)
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
		{ "rotate", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char pass[SIGN_PASSPHRASE_MAX + 2], again[SIGN_PASSPHRASE_MAX + 2];
	char id[SIGN_KEYID_HEX], *key = NULL, *pub = NULL, *b64 = NULL;
	char fpr[SIGN_FPR_TEXT], *cause = NULL;
	const char *given = NULL, *passfile = NULL;
	char *newkey = NULL, *newpub = NULL, *oldb64 = NULL, *retired = NULL;
	char oid[SIGN_KEYID_HEX], when[40];
	int c, r, show = 0, rotate = 0, nopass = 0, rc = 2;
	int64_t now = clock_now_ms();

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'k': given = optarg; break;
		case 'n': nopass = 1; break;
		case 'p': passfile = optarg; break;
		case 's': show = 1; break;
		case 'r': rotate = 1; break;
		case 'h': fputs(cmd_keygen_usage, stdout); return 0;
		default:
			fprintf(stderr, "vigil keygen: unknown or incomplete option "
			    "'%s'\n%s", argv[optind - 1], cmd_keygen_usage);
			return 2;
		}
	}
	if (optind != argc || (nopass && passfile != NULL) || (show && rotate)) {
		fputs(cmd_keygen_usage, stderr);
		return 2;
	}
	if ((key = cmd_keygen_path(config, given, &cause)) == NULL)
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
	if (rotate) {
		if (sign_pubkey_read(pub, oid, &oldb64, &cause) != 0 ||
		    access(key, F_OK) != 0) {
			free(cause);
			cause = xasprintf("there is no signing key at %s to rotate; "
			    "create one with vigil keygen", key);
			goto out;
		}
		/* The new key is made beside the old one, the rotation logged,
		 * and only then the new key takes the old one's place. */
		newkey = xasprintf("%s.new", key);
		newpub = xasprintf("%s.new.pub", key);
		retired = xasprintf("%s-%s.pub", key, oid);
		if (access(newkey, F_OK) == 0 || access(newpub, F_OK) == 0) {
			cause = xasprintf("%s or %s is left from an interrupted "
			    "rotation; remove them and rotate again", newkey, newpub);
			goto out;
		}
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
		if ((r = cmd_read_hidden("Passphrase for the new signing key: ",
		    pass, sizeof pass)) != 0 || (r = cmd_read_hidden("The same "
		    "again: ", again, sizeof again)) != 0) {
			cause = r == -2 ? xasprintf("the passphrase is longer than "
			    "%d bytes; nothing was created", SIGN_PASSPHRASE_MAX) :
			    xstrdup("cannot read a passphrase from the terminal");
			goto out;
		}
		if (strcmp(pass, again) != 0 || pass[0] == '\0') {
			cause = xstrdup(pass[0] == '\0' ? "the passphrase is empty "
			    "(use --no-passphrase for none)" :
			    "the two passphrases differ");
			goto out;
		}
	}
	if (rotate) {
		rc = 1;
		if (sign_keygen(newkey, newpub, nopass ? NULL : pass, 0, 0,
		    &cause) != 0 || sign_pubkey_read(newpub, id, &b64, &cause) != 0)
			goto out;
		if (cmd_keygen_log_rotation(config, oldb64, b64, now, &cause) != 0) {
			(void)unlink(newkey);
			(void)unlink(newpub);
			goto out;
		}
		if (rename(pub, retired) == -1 || rename(newpub, pub) == -1 ||
		    rename(newkey, key) == -1) {
			cause = xasprintf("the rotation is logged, but the key files "
			    "could not be moved (%s): the new key is %s", strerror(errno),
			    newkey);
			goto out;
		}
		if (sign_fingerprint(b64, fpr) != 0)
			fpr[0] = '\0';
		printf("Rotated the export signing key %s: the old key %s no longer "
		    "signs (the new secret key took its file's place; its public "
		    "key is kept as %s).\n\nnew public key  %s\nnew fingerprint %s\n\n"
		    "Publish the new key, and pin both in vigil.conf so that earlier "
		    "bundles still verify:\n\n  [export]\n  trusted_keys = %s, %s "
		    "until %s\n", key, oid, retired, b64, fpr, b64, oldb64,
		    clock_format_utc(now, when, sizeof when));
		rc = 0;
		goto out;
	}
	if (sign_keygen(key, pub, nopass ? NULL : pass, 0, 0, &cause) != 0)
		goto out;
	if (sign_pubkey_read(pub, id, &b64, &cause) != 0 ||
	    sign_fingerprint(b64, fpr) != 0)
		goto out;
	printf("Created the export signing key %s (mode 0600, %s) and its "
	    "public key %s.\n\nkey id      %s\npublic key  %s\nfingerprint %s"
	    "\n\nPublish "
	    "the whole public key (vigil keygen --show prints it again) and\n"
	    "pin it in vigil.conf: [export] trusted_keys = %s\n", key,
	    nopass ? "no passphrase" : "protected by the passphrase", pub, id,
	    b64, fpr, b64);
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
	free(newkey);
	free(newpub);
	free(oldb64);
	free(retired);
	return rc;
}

static const char cmd_verify_usage[] =
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
cmd_verify_trust(struct sign_trust *t, const char *config, char **cause)
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
			fputs(cmd_verify_usage, stdout);
			rc = 0;
			goto out;
		default:
			fprintf(stderr, "vigil verify: unknown or incomplete option "
			    "'%s'\n%s", argv[optind - 1], cmd_verify_usage);
			goto out;
		}
	}
	if (optind != argc - 1) {
		fputs(cmd_verify_usage, stderr);
		goto out;
	}
	if (!given && cmd_verify_trust(t, config, &cause) != 0)
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
