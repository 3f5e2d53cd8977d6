/* test_sessions — the logins a crash left open (auth/sessions.c) on a real
 * audit log: on this terminal, a login of another boot and one whose vigil
 * is gone (or whose pid is now this process's) are closed as "logout" with
 * how "aborted" naming the login's seq; a live vigil's login, one on
 * another terminal, one already logged out and one without pid and boot
 * id are left alone; a second run closes nothing, and the live one is
 * closed once its vigil has ended. */
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "helper_auditfx.h"
#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

#define TERM_HERE	"/dev/pts/71"
#define TERM_OTHER	"/dev/pts/72"

static char dir[] = "/tmp/vigil-sessions.XXXXXX";
static char db[300], state[300];


/* Appends a record as vigil on terminal would. */
static int64_t
append(struct audit_log *log, const char *actor, const char *action,
    const char *terminal, const char *details)
{
	struct audit_entry e;
	char *cause = NULL;
	int64_t seq;

	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = action;
	e.details = details;
	e.terminal = terminal;
	seq = audit_append(log, &e, &cause);
	if (seq < 0)
		fail_msg("append: %s", cause);
	return seq;
}

static int64_t
login(struct audit_log *log, const char *actor, const char *terminal,
    long pid, const char *boot)
{
	char details[300];

	snprintf(details, sizeof details, "{\"boot_id\":\"%s\",\"pid\":%ld,"
	    "\"privsep\":true,\"roles\":[\"viewer\"],\"terminal\":\"%s\","
	    "\"uid\":1001}", boot, pid, terminal);
	return append(log, actor, "login", terminal, details);
}

static struct auth *
auth_here(struct audit_log *log)
{
	struct auth_config cfg;
	struct auth *a;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	a = auth_new(&cfg, AUTH_MODE_LOCAL, &cause);
	if (a == NULL)
		fail_msg("auth_new: %s", cause);
	auth_attach_log(a, log, TERM_HERE);
	return a;
}

/* The logouts with how "aborted" that name seq. */
static int
aborted(struct audit_log *log, int64_t seq, const char *actor)
{
	struct audit_filter f;
	struct audit_iter *it;
	struct audit_row row;
	char *cause = NULL, want[64];
	int n = 0;

	snprintf(want, sizeof want, "\"login\":%lld", (long long)seq);
	memset(&f, 0, sizeof f);
	f.action = "logout";
	f.after_seq = -1;
	it = audit_iter_new(log, &f, &cause);
	assert_non_null(it);
	while (audit_iter_next(it, &row, &cause) == 1) {
		if (strstr(row.details, "\"how\":\"aborted\"") == NULL)
			continue;
		if (strstr(row.details, want) == NULL ||
		    strstr(row.details, want)[strlen(want)] != '}')
			continue;
		assert_string_equal(row.actor, actor);
		assert_string_equal(row.terminal, TERM_HERE);
		n++;
	}
	audit_iter_free(it);
	return n;
}

static void
test_recover(void **state_)
{
	struct audit_log *log = auditfx_fresh(db, state);
	struct auth *a;
	char boot[64], text[100], *cause = NULL;
	int64_t old_boot, dead, self, live, other, done, legacy;
	pid_t child, gone;
	size_t closed = 9;
	int status;

	(void)state_;
	sessions_boot_id(boot, sizeof boot);
	assert_int_equal(strlen(boot), 36);

	/* A vigil still running (this test program, forked: its name starts
	 * with test_), and one that has ended. */
	if ((child = fork()) == 0) {
		pause();
		_exit(0);
	}
	assert_true(child > 0);
	if ((gone = fork()) == 0)
		_exit(0);
	assert_true(gone > 0);
	assert_int_equal(waitpid(gone, &status, 0), gone);

	old_boot = login(log, "alice", TERM_HERE, (long)child,
	    "00000000-0000-4000-8000-000000000000");
	dead = login(log, "bob", TERM_HERE, (long)gone, boot);
	self = login(log, "dora", TERM_HERE, (long)getpid(), boot);
	live = login(log, "nina", TERM_HERE, (long)child, boot);
	other = login(log, "adam", TERM_OTHER, (long)gone, boot);
	done = login(log, "bob", TERM_HERE, (long)gone, boot);
	snprintf(text, sizeof text, "{\"how\":\"user\",\"login\":%lld}",
	    (long long)done);
	append(log, "bob", "logout", TERM_HERE, text);
	legacy = append(log, "alice", "login", TERM_HERE,
	    "{\"privsep\":true,\"roles\":[\"viewer\"],\"uid\":1001}");

	a = auth_here(log);
	assert_int_equal(sessions_recover(a, &closed, &cause), 0);
	assert_int_equal(closed, 3);
	assert_int_equal(aborted(log, old_boot, "alice"), 1);
	assert_int_equal(aborted(log, dead, "bob"), 1);
	assert_int_equal(aborted(log, self, "dora"), 1);
	assert_int_equal(aborted(log, live, "nina"), 0);
	assert_int_equal(aborted(log, other, "adam"), 0);
	assert_int_equal(aborted(log, done, "bob"), 0);
	assert_int_equal(aborted(log, legacy, "alice"), 0);

	/* Once closed, never again. */
	assert_int_equal(sessions_recover(a, &closed, &cause), 0);
	assert_int_equal(closed, 0);

	/* The live one's vigil ends: now it is closed. */
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(sessions_recover(a, &closed, &cause), 0);
	assert_int_equal(closed, 1);
	assert_int_equal(aborted(log, live, "nina"), 1);
	auth_free(a);
	audit_close(log);
}

/* Without a log: an error, nothing closed. */
static void
test_no_log(void **state_)
{
	struct auth *a;
	char *cause = NULL;
	size_t closed = 9;

	(void)state_;
	a = auth_here(NULL);
	assert_int_equal(sessions_recover(a, &closed, &cause), -1);
	assert_int_equal(closed, 0);
	assert_non_null(cause);
	free(cause);
	auth_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recover),
		cmocka_unit_test(test_no_log),
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(db, sizeof db, "%s/audit.db", dir);
	snprintf(state, sizeof state, "%s/audit.state", dir);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(db);
	unlink(state);
	snprintf(db, sizeof db, "%s/audit.db-wal", dir);
	unlink(db);
	snprintf(db, sizeof db, "%s/audit.db-shm", dir);
	unlink(db);
	rmdir(dir);
	return rc;
}
