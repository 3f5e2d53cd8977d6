/* cfgcheck — footage's checks of path patterns, time zones and camera
 * names, given to config/ (a leaf that calls no other module) when the
 * program starts: a constructor, so that every program linking the
 * modules (vigil, the unit tests, the fuzzers) checks a configuration
 * the same way. */
#include <stddef.h>

#include "config/config.h"
#include "footage/footage.h"

static void cfgcheck_install(void) __attribute__((constructor));

/* A pattern or preset name that compiles. */
static int
cfgcheck_pattern(const char *spec, char **why)
{
	struct pattern *p;

	if ((p = pattern_compile(spec, why)) == NULL)
		return -1;
	pattern_free(p);
	return 0;
}

static const struct config_checks cfgcheck_checks = {
	cfgcheck_pattern,
	pattern_expand,
	tz_check,
	pattern_camera_valid,
};

static void
cfgcheck_install(void)
{
	config_set_checks(&cfgcheck_checks);
}
