/* cmd_config — vigil config check: print the effective configuration, or
 * every problem with its line. */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "cli/cli.h"

static const char cmd_config_usage[] =
"usage: vigil config check [--config FILE] [--quiet]\n"
"\n"
"Reads the configuration (" CONFIG_DEFAULT_PATH " unless --config is\n"
"given) and prints the effective configuration, every default filled in; or\n"
"prints each problem as FILE:LINE: what is wrong; what is expected.\n"
"Exits 0 when it is valid, 1 when it is not, 2 when it cannot be read.\n"
"See vigil.conf(5).\n";

enum { OPT_CONFIG = 256, OPT_QUIET, OPT_HELP };

static const struct option cmd_config_options[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Warns of each kept variable that can be an LD_ one: the dynamic loader
 * reads them (LD_PRELOAD, LD_LIBRARY_PATH), and a session starts as root. */
static void
cmd_config_warn_env(const struct config *c)
{
	const char *const *keep = config_keep_environment(c);
	const char *n;
	size_t i, len;

	for (i = 0; keep[i] != NULL; i++) {
		n = keep[i];
		len = strlen(n);
		if (strncmp(n, "LD_", 3) == 0 || (len > 0 && len <= 4 &&
		    n[len - 1] == '*' && strncmp(n, "LD_", len - 1) == 0))
			fprintf(stderr, "vigil: warning: %s: [session] "
			    "keep_environment keeps %s: the dynamic loader reads "
			    "it, and vigil started as root passes it to the "
			    "monitor, which stays root; keep it for testing only "
			    "(pam_wrapper)\n", config_file(c) != NULL ?
			    config_file(c) : "(defaults)", n);
	}
}

/* Warns when the audit log's identity is not pinned: a log replaced by a
 * fresh one, or re-keyed, would then check against itself. */
static void
cmd_config_warn_pin(const struct config *c)
{
	uint8_t id[16], pk[32];

	if (config_log_pin(c, id, pk) == 0)
		fprintf(stderr, "vigil: warning: %s: the audit log is not pinned: "
		    "set [audit] log_id and pk0 as vigil audit init printed them, "
		    "or a replaced or re-keyed log shows as intact (UNPINNED)\n",
		    config_file(c) != NULL ? config_file(c) : "(defaults)");
}

/* Warns when checkpoints cannot be witnessed off the machine: no socket
 * configured, or none there (the syslog daemon is not running). */
static void
cmd_config_warn_witness(const struct config *c)
{
	const char *file = config_file(c) != NULL ? config_file(c) :
	    "(defaults)", *sock = config_syslog_socket(c);
	struct stat sb;
	const char *why = NULL;

	if (sock != NULL && stat(sock, &sb) == -1)
		why = strerror(errno);
	else if (sock != NULL && !S_ISSOCK(sb.st_mode))
		why = "not a socket";
	if (sock == NULL)
		fprintf(stderr, "vigil: warning: %s: [audit] syslog_socket is "
		    "none: no witness lines leave the machine, and a rollback "
		    "of the audit log by root can be caught only against "
		    "checkpoint files exported by hand\n", file);
	else if (why != NULL)
		fprintf(stderr, "vigil: warning: %s: [audit] syslog_socket %s: "
		    "%s: witness lines will not be sent until a syslog daemon "
		    "listens there\n", file, sock, why);
}

/* vigil config check. */
static int
cmd_config_check(int argc, char **argv, const char *path)
{
	struct config *c;
	char *cause = NULL;
	int ch, quiet = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "q", cmd_config_options, NULL)) != -1) {
		switch (ch) {
		case OPT_CONFIG:
			path = optarg;
			break;
		case 'q':
		case OPT_QUIET:
			quiet = 1;
			break;
		case OPT_HELP:
			fputs(cmd_config_usage, stdout);
			return 0;
		default:
			fputs(cmd_config_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(cmd_config_usage, stderr);
		return 2;
	}
	if ((rc = config_load(path, &c, &cause)) != 0) {
		fprintf(stderr, "%s\n", cause);
		if (rc == CONFIG_ERR_INVALID)
			fprintf(stderr, "vigil: the configuration is not valid; vigil "
			    "will not start with it\n");
		free(cause);
		return rc == CONFIG_ERR_INVALID ? 1 : 2;
	}
	cmd_config_warn_env(c);
	if (!quiet) {
		cmd_config_warn_pin(c);
		cmd_config_warn_witness(c);
	}
	if (!quiet && config_print(c, stdout) == -1) {
		fprintf(stderr, "vigil: config check: write error\n");
		config_free(c);
		return 2;
	}
	config_free(c);
	return 0;
}

int
cmd_config(int argc, char **argv, const char *config)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cmd_config_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_config_check(argc - 1, argv + 1, config);
	fprintf(stderr, "vigil config: unknown command '%s'\n", argv[1]);
	fputs(cmd_config_usage, stderr);
	return 2;
}
