/* cli — the command line: the subcommands of the vigil binary (cmd_*.c)
 * and main.c's dispatch.  Each subcommand takes the arguments after its own
 * name (argv[0] is the subcommand name) and the path of the configuration
 * file given with --config (NULL: the default), and returns the process
 * exit status.  No curses here: the review terminal is tui/'s tui_run(). */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stddef.h>

int cmd_audit(int argc, char **argv, const char *config);
int cmd_keygen(int argc, char **argv, const char *config);
int cmd_verify(int argc, char **argv, const char *config);
int cmd_export(int argc, char **argv, const char *config);
int cmd_catalog(int argc, char **argv, const char *config);
int cmd_config(int argc, char **argv, const char *config);

struct config;

/* The configuration at path (NULL: the default file, or the built-in
 * defaults when it does not exist), read once; valid until exit.  NULL
 * with *cause set when it is not valid. */
struct config *cmd_config_get(const char *path, char **cause);

/* Fills *db and *state, when NULL, from [paths] audit_db and audit_state of
 * the configuration (a missing default configuration leaves them NULL).
 * Returns 0, or -1 with *cause set when the configuration is bad. */
int cmd_config_paths(const char *config, const char **db, const char **state,
    char **cause);

struct sign_key;

/* Secrets (cmd_secret.c).  Reads a line typed on the terminal (/dev/tty)
 * without echo into buf (size bytes, the newline dropped); -1 when there is
 * no terminal or nothing was read, -2 when the line does not fit in buf
 * (its rest is dropped; buf is wiped in both cases). */
int cmd_read_hidden(const char *prompt, char *buf, size_t size);
/* The passphrase on the first line of the file at path, into buf (len
 * bytes); -1 with *cause when it is empty or too long. */
int cmd_read_passfile(const char *path, char *buf, size_t len, char **cause);
/* Loads the export signing key: given, else [export] signing_key, else
 * key_dir/vigil-export.key (cfg may be NULL when given is not); a
 * passphrase from passfile, else asked on the terminal.  Caller frees with
 * sign_key_free(); NULL with *cause set. */
struct sign_key *cmd_signing_key(const struct config *cfg, const char *given,
    const char *passfile, char **cause);

#endif
