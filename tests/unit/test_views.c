/* The view records (tui/views.c) on a real audit log: view-start and
 * view-end carry what they should; recovery closes open views as
 * view-aborted with the checkpoint file's intervals (and removes it), or
 * with what the view-start said; a closed view is left alone; a log that
 * cannot be written refuses the view-start. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "helper_auditfx.h"
#include "tui/tui.h"
#include "util/util.h"

static char dir[] = "/tmp/vigil-views.XXXXXX";
static char db[300], state[300];


static void
decl(struct views_decl *d, const char *ref)
{
	memset(d, 0, sizeof *d);
	d->actor = "alice";
	d->camera = "entrance";
	d->from_ms = 1795161655000;
	d->to_ms = 1795161685000;
	d->code = "INCIDENT";
	d->reference = ref;
	d->authority = "";
	d->note = "window broken";
	d->terminal = "/dev/pts/9";
}

/* The details of the entry at seq; caller frees. */
static char *
details_of(struct audit_log *log, int64_t seq, char *action, size_t len)
{
	struct audit_row row;
	char *storage = NULL, *cause = NULL, *out;

	assert_int_equal(audit_entry_get(log, seq, &row, &storage, &cause), 0);
	snprintf(action, len, "%s", row.action);
	out = xstrdup(row.details);
	free(storage);
	return out;
}

static void
test_start_end(void **state_)
{
	struct audit_log *log = auditfx_fresh(db, state);
	struct views_decl d;
	char *cause = NULL, *det, action[64];
	int64_t seq, *open_ = NULL;
	size_t n = 9;

	(void)state_;
	decl(&d, "INC-42");
	seq = views_start(log, &d, &cause);
	assert_true(seq >= 0);
	det = details_of(log, seq, action, sizeof action);
	assert_string_equal(action, "view-start");
	assert_non_null(strstr(det, "\"note\":\"window broken\""));
	free(det);
	assert_int_equal(audit_views_open(log, &open_, &n, &cause), 0);
	assert_int_equal(n, 1);
	free(open_);
	assert_int_equal(views_end(log, seq, &d,
	    "{\"shown\":[[1795161655000,1795161660000]],\"seeks\":2}", "stop",
	    &cause), 0);
	det = details_of(log, seq + 1, action, sizeof action);
	assert_string_equal(action, "view-end");
	assert_non_null(strstr(det, "\"shown\":[[1795161655000,1795161660000]]"));
	assert_non_null(strstr(det, "\"end\":\"stop\""));
	free(det);
	assert_int_equal(audit_views_open(log, &open_, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(open_);
	audit_close(log);
}

static void
test_recover(void **state_)
{
	struct audit_log *log = auditfx_fresh(db, state);
	struct views_decl d;
	char *cause = NULL, *det, *path, action[64];
	int64_t a, b, c;
	size_t closed = 0;
	FILE *f;

	(void)state_;
	decl(&d, "INC-1");
	a = views_start(log, &d, &cause);
	decl(&d, "INC-2");
	b = views_start(log, &d, &cause);
	decl(&d, "INC-3");
	c = views_start(log, &d, &cause);
	assert_true(a >= 0 && b > a && c > b);
	assert_int_equal(views_end(log, c, &d, NULL, "stop", &cause), 0);
	/* a saved its intervals; b saved nothing. */
	path = views_checkpoint_path(state, a);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"shown\":[[1795161655000,1795161657000]],\"shown_ms\":2000}\n",
	    f);
	fclose(f);
	assert_int_equal(views_recover(log, state, "tty1", &closed, &cause), 0);
	assert_int_equal(closed, 2);
	assert_int_not_equal(access(path, F_OK), 0);

	det = details_of(log, c + 2, action, sizeof action);
	assert_string_equal(action, "view-aborted");
	assert_non_null(strstr(det, "\"recovered\":\"checkpoint\""));
	assert_non_null(strstr(det, "[[1795161655000,1795161657000]]"));
	free(det);
	det = details_of(log, c + 3, action, sizeof action);
	assert_string_equal(action, "view-aborted");
	assert_non_null(strstr(det, "\"recovered\":\"view-start\""));
	assert_non_null(strstr(det, "\"shown\":null"));
	free(det);
	/* Nothing left to close. */
	assert_int_equal(views_recover(log, state, "tty1", &closed, &cause), 0);
	assert_int_equal(closed, 0);
	free(path);
	audit_close(log);
}

static void
test_refused(void **state_)
{
	struct views_decl d;
	char *cause = NULL;

	(void)state_;
	decl(&d, "INC-1");
	assert_int_equal(views_start(NULL, &d, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	/* A field the log refuses: nothing is written. */
	{
		struct audit_log *log = auditfx_fresh(db, state);
		char big[AUDIT_MAX_REFERENCE + 10];
		int64_t n = audit_count(log);

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		decl(&d, big);
		assert_int_equal(views_start(log, &d, &cause), -1);
		assert_non_null(cause);
		free(cause);
		assert_int_equal(audit_count(log), n);
		audit_close(log);
	}
}

static int
setup(void **state_)
{
	(void)state_;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof db, "%s/audit.db", dir);
	snprintf(state, sizeof state, "%s/audit.state", dir);
	return 0;
}

static int
teardown(void **state_)
{
	char cmd[400];

	(void)state_;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_end),
		cmocka_unit_test(test_recover),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
