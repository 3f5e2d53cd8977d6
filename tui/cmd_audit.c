/* cmd_audit — vigil audit (being written). */
#include <stdio.h>

#include "tui/cmd.h"

int
cmd_audit(int argc, char **argv, const char *config)
{
	(void)argc; (void)argv; (void)config;
	fprintf(stderr, "vigil audit: not built yet\n");
	return 2;
}
