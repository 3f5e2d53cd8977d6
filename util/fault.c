/* fault — failure injection for the tests (STYLE.md item 5): one
 * countdown for every module.  A module's fault points are named DOMAIN
 * and WHERE ("audit" "insert", "clip" "streams"); the n-th point of the
 * domain a test chose fails, or ends the process. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static char fault_domain[16];
static int fault_countdown;
static int fault_mode;
static int fault_reached;

void
fault_after(const char *domain, int n, int mode)
{
	snprintf(fault_domain, sizeof fault_domain, "%s", domain);
	fault_countdown = n;
	fault_mode = mode;
	fault_reached = 0;
}

int
fault_points(void)
{
	return fault_reached;
}

int
fault_point(const char *domain, const char *where, char **cause)
{
	if (strcmp(domain, fault_domain) != 0)
		return 0;
	fault_reached++;
	if (fault_countdown <= 0 || --fault_countdown > 0)
		return 0;
	if (fault_mode == FAULT_EXIT)
		_exit(99);
	return cause_set(cause, "injected fault at %s", where);
}
