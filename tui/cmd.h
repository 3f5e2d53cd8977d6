/* cmd — the subcommands of the vigil binary.  Each takes the arguments
 * after its own name (argv[0] is the subcommand name) and the path of the
 * configuration file given with --config (NULL: the default), and returns
 * the process exit status. */
#ifndef VIGIL_CMD_H
#define VIGIL_CMD_H

int cmd_audit(int argc, char **argv, const char *config);

#endif
