/* main — argument parsing and subcommand dispatch. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tui/tui.h"
#include "util/util.h"

struct cmd_entry {
	const char	*name;
	int		(*fn)(int, char **, const char *);
	const char	*help;
};

static const struct cmd_entry cmd_table[] = {
	{ "audit", cmd_audit, "inspect, verify and add to the audit log" },
	{ "keygen", cmd_keygen, "create or show the export signing key" },
	{ "export", cmd_export, "write a signed export bundle of recorded footage" },
	{ "verify", cmd_verify, "check an export bundle" },
	{ "catalog", cmd_catalog, "scan the recorder and list its footage catalog" },
	{ "config", cmd_config, "check the configuration and print it" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vigil [--config FILE] [COMMAND [ARGS...]]\n"
	    "       vigil --help | --version\n\ncommands:\n");
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		fprintf(f, "  %-10s %s\n", cmd_table[i].name, cmd_table[i].help);
	fprintf(f, "\nRun 'vigil COMMAND --help' for a command's options; "
	    "see vigil(1).\n");
}

int
main(int argc, char **argv)
{
	const char *config = NULL;
	size_t i;
	int a = 1;

	setlocale(LC_CTYPE, "");

	while (a < argc && argv[a][0] == '-') {
		if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[a], "--version") == 0 || strcmp(argv[a], "-V") == 0) {
			printf("vigil %s\n", VIGIL_VERSION);
			return 0;
		}
		if (strcmp(argv[a], "--config") == 0 && a + 1 < argc) {
			config = argv[a + 1];
			a += 2;
			continue;
		}
		if (strncmp(argv[a], "--config=", 9) == 0) {
			config = argv[a] + 9;
			a++;
			continue;
		}
		fprintf(stderr, "vigil: unknown option '%s'\n", argv[a]);
		usage(stderr);
		return 2;
	}
	if (a == argc)
		return tui_run(config);
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++) {
		if (strcmp(argv[a], cmd_table[i].name) == 0)
			return cmd_table[i].fn(argc - a, argv + a, config);
	}
	fprintf(stderr, "vigil: unknown command '%s'\n", argv[a]);
	usage(stderr);
	return 2;
}
