/* fault — failure injection for the audit tests (STYLE.md item 5): the n-th
 * fault point reached fails or ends the process. */
#include <unistd.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

static int fault_countdown;
static int fault_mode;
static int fault_reached;

void
audit_fault_after(int n, int mode)
{
	fault_countdown = n;
	fault_mode = mode;
	fault_reached = 0;
}

int
audit_fault_points(void)
{
	return fault_reached;
}

int
fault_point(const char *where, char **cause)
{
	fault_reached++;
	if (fault_countdown <= 0 || --fault_countdown > 0)
		return 0;
	if (fault_mode == 1)
		_exit(99);
	return cause_set(cause, "injected fault at %s", where);
}
