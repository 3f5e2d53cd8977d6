/* cmd — the subcommands of the vigil binary.  Each takes the arguments
 * after its own name (argv[0] is the subcommand name) and the path of the
 * configuration file given with --config (NULL: the default), and returns
 * the process exit status. */
#ifndef VIGIL_CMD_H
#define VIGIL_CMD_H

int cmd_audit(int argc, char **argv, const char *config);

/* Fills *db and *state, when NULL, from [paths] audit_db and audit_state of
 * the configuration (a missing default configuration leaves them NULL).
 * Returns 0, or -1 with *cause set when the configuration is bad. */
int cmd_config_paths(const char *config, const char **db, const char **state,
    char **cause);

#endif
