/* cmd_paths — default paths of the audit log for the subcommands. */
#include <stddef.h>

#include "tui/cmd.h"

int
cmd_config_paths(const char *config, const char **db, const char **state,
    char **cause)
{
	(void)config; (void)db; (void)state; (void)cause;
	return 0;
}
