/* cmd_secret — secrets the subcommands ask for: a line typed on the
 * terminal without echo, a passphrase from the first line of a file, and
 * the export signing key unlocked with either. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "export/export.h"
#include "cli/cli.h"
#include "util/util.h"

int
cmd_read_hidden(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	FILE *tty;
	int ok;

	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return -1;
	/* No stdio buffer holds a copy of the secret. */
	setvbuf(tty, NULL, _IONBF, 0);
	if (tcgetattr(fileno(tty), &old) == -1) {
		fclose(tty);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	fputs(prompt, tty);
	fflush(tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	ok = fgets(buf, (int)size, tty) != NULL;
	/* A line longer than buf: never cut to a prefix that would then be
	 * tried; the rest of the line is read and dropped. */
	if (ok && strchr(buf, '\n') == NULL && !feof(tty)) {
		int c;

		while ((c = getc(tty)) != EOF && c != '\n')
			;
		ok = -2;
	}
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (ok != 1) {
		sodium_memzero(buf, size);
		return ok == -2 ? -2 : -1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int
cmd_read_passfile(const char *path, char *buf, size_t len, char **cause)
{
	char *text;
	size_t n;

	if (file_read_all(path, SIGN_PASSPHRASE_MAX + 2, &text, &n, cause) != 0)
		return -1;
	n = strcspn(text, "\r\n");
	if (n == 0 || n >= len || n > SIGN_PASSPHRASE_MAX) {
		sodium_memzero(text, strlen(text));
		free(text);
		return cause_set(cause, "%s: the first line must hold a "
		    "passphrase of 1 to %d bytes", path, SIGN_PASSPHRASE_MAX);
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	sodium_memzero(text, strlen(text));
	free(text);
	return 0;
}

struct sign_key *
cmd_signing_key(const struct config *cfg, const char *given,
    const char *passfile, char **cause)
{
	char pass[SIGN_PASSPHRASE_MAX + 2], *path, *c;
	struct sign_key *key;
	int enc;

	if (given != NULL)
		path = xstrdup(given);
	else if (config_signing_key(cfg) != NULL)
		path = xstrdup(config_signing_key(cfg));
	else
		path = xasprintf("%s/vigil-export.key", config_key_dir(cfg));
	if ((enc = sign_key_encrypted(path, cause)) == -1) {
		c = *cause;
		*cause = xasprintf("%s (create the key with 'vigil keygen')", c);
		free(c);
		free(path);
		return NULL;
	}
	if (enc == 0) {
		key = sign_key_load(path, NULL, cause);
		free(path);
		return key;
	}
	if (passfile != NULL) {
		if (cmd_read_passfile(passfile, pass, sizeof pass, cause) != 0) {
			free(path);
			return NULL;
		}
	} else if (!isatty(STDIN_FILENO) || cmd_read_hidden("Passphrase of "
	    "the signing key: ", pass, sizeof pass) != 0) {
		cause_set(cause, "the signing key %s is protected by a "
		    "passphrase: give --passphrase-file FILE or run on a "
		    "terminal", path);
		free(path);
		return NULL;
	}
	key = sign_key_load(path, pass, cause);
	sodium_memzero(pass, sizeof pass);
	free(path);
	return key;
}
