/* helper_auditfx — the audit tests' fixture (test_audit, test_audit_attacks):
 * a fresh log and key state in a folder under /tmp per test case. */
#ifndef VIGIL_TESTS_HELPER_AUDITFX_H
#define VIGIL_TESTS_HELPER_AUDITFX_H

#include "audit/audit.h"

struct auditfx {
	char	dir[64];
	char	db[128];
	char	state[128];
	struct audit_keys keys;
};

/* cmocka setup: a new log in /tmp/vigil-NAME.XXXXXX; *state is the
 * fixture. */
int auditfx_setup(void **state, const char *name);
/* cmocka teardown: clears any injected fault, removes the folder. */
int auditfx_teardown(void **state);
/* Opens the fixture's log for writing; fails the test when it cannot. */
struct audit_log *auditfx_open(struct auditfx *);
/* A new, empty log at db and state (what was there is removed first),
 * opened for writing; fails the test when it cannot be made. */
struct audit_log *auditfx_fresh(const char *db, const char *state);

#endif
