/* cmd_paths — the configuration as the subcommands see it: read once, on
 * first use, and freed at exit. */
#include <stdlib.h>

#include "config/config.h"
#include "cli/cli.h"

static struct config *cmd_cfg;

static void
cmd_config_free(void)
{
	config_free(cmd_cfg);
	cmd_cfg = NULL;
}

struct config *
cmd_config_get(const char *path, char **cause)
{
	if (cmd_cfg != NULL)
		return cmd_cfg;
	if (config_load(path, &cmd_cfg, cause) != 0)
		return NULL;
	atexit(cmd_config_free);
	return cmd_cfg;
}

int
cmd_config_paths(const char *config, const char **db, const char **state,
    char **cause)
{
	struct config *cfg;

	if (*db != NULL && (state == NULL || *state != NULL))
		return 0;	/* everything given on the command line */
	if ((cfg = cmd_config_get(config, cause)) == NULL)
		return -1;
	if (*db == NULL)
		*db = config_audit_db(cfg);
	if (state != NULL && *state == NULL)
		*state = config_audit_state(cfg);
	return 0;
}
