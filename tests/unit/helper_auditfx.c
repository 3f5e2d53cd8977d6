/* helper_auditfx — the audit tests' fixture (helper_auditfx.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "helper_auditfx.h"
#include "util/util.h"

int
auditfx_setup(void **state, const char *name)
{
	struct auditfx *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/vigil-%s.XXXXXX", name);
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/audit.db", f->dir);
	snprintf(f->state, sizeof f->state, "%s/audit.state", f->dir);
	if (audit_create(f->db, f->state, &f->keys, &cause) != 0)
		fail_msg("create: %s", cause);
	*state = f;
	return 0;
}

int
auditfx_teardown(void **state)
{
	struct auditfx *f = *state;
	char cmd[128];

	fault_after("audit", 0, FAULT_ERROR);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct audit_log *
auditfx_open(struct auditfx *f)
{
	struct audit_log *log;
	char *cause = NULL;

	if ((log = audit_open(f->db, f->state, 0, &cause)) == NULL)
		fail_msg("open: %s", cause);
	return log;
}

struct audit_log *
auditfx_fresh(const char *db, const char *state)
{
	struct audit_keys keys;
	struct audit_log *log;
	char *cause = NULL;

	unlink(db);
	unlink(state);
	if (audit_create(db, state, &keys, &cause) != 0)
		fail_msg("audit_create: %s", cause);
	sodium_memzero(&keys, sizeof keys);
	if ((log = audit_open(db, state, 0, &cause)) == NULL)
		fail_msg("audit_open: %s", cause);
	return log;
}
