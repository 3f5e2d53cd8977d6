/* test_auth — login through the real libpam under pam_wrapper and
 * nss_wrapper (no real accounts): roles, each kind of failure and its audit
 * record, lock, unlock, replacing a locked session, second-person approval,
 * and the monitor's message checks.  Every login test runs twice: PAM in
 * process, and through a monitor process. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
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
#include <security/pam_appl.h>
#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

static char dir[128];			/* users, groups, PAM services */
static const char *modules;		/* pam_wrapper's module directory */
static int mode_local = AUTH_MODE_LOCAL;
static int mode_monitor = AUTH_MODE_MONITOR;

static const char *const groups[4] = {
	"vigil-viewer", "vigil-exporter", "vigil-auditor", "vigil-admin"
};

struct fx {
	int		 mode;
	char		 db[192];
	char		 state[192];
	struct audit_log *log;
	struct auth	*a;
};

/* What the screen would have been told and asked. */
struct talk {
	char		 text[16][AUTH_MSG_MAX];
	int		 error[16];
	int		 n;
	const char	*answers[4];
	int		 nanswers;
	int		 prompts;
};

static char pw[AUTH_PASS_MAX];

/* ---- fixture ----------------------------------------------------------- */

static void
write_file(const char *name, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		fatal("%s: %s", path, strerror(errno));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* Writes the users, groups and services, then runs this program again
 * with the wrappers preloaded. */
static void
env_reexec(char **argv)
{
	static const char *const candidates[] = {
		"/usr/lib/x86_64-linux-gnu/pam_wrapper",
		"/usr/lib/aarch64-linux-gnu/pam_wrapper",
		"/usr/lib64/pam_wrapper", "/usr/lib/pam_wrapper",
	};
	char path[512], cmd[1024], *preload;
	const char *old;
	size_t i;

	for (i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		snprintf(path, sizeof path, "%s/pam_matrix.so", candidates[i]);
		if (access(path, R_OK) == 0)
			break;
	}
	if (i == sizeof candidates / sizeof candidates[0])
		fatal("pam_wrapper's pam_matrix.so not found (libpam-wrapper)");
	modules = candidates[i];

	snprintf(dir, sizeof dir, "/tmp/vigil-auth.XXXXXX");
	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp: %s", strerror(errno));
	if (mkdir(xasprintf("%s/services", dir), 0755) == -1)
		fatal("mkdir: %s", strerror(errno));
	write_file("passwd",
	    "alice:x:1001:1001:Alice:/nonexistent:/bin/false\n"
	    "bob:x:1002:1002:Bob:/nonexistent:/bin/false\n"
	    "dora:x:1003:1003:Dora:/nonexistent:/bin/false\n"
	    "adam:x:1004:1004:Adam:/nonexistent:/bin/false\n"
	    "nina:x:1005:1005:Nina:/nonexistent:/bin/false\n"
	    "vigil:x:990:990:vigil:/nonexistent:/bin/false\n");
	write_file("group",
	    "alice:x:1001:\nbob:x:1002:\ndora:x:1003:\nadam:x:1004:\n"
	    "nina:x:1005:\nvigil:x:990:\n"
	    "vigil-viewer:x:2001:alice,bob\nvigil-exporter:x:2002:bob\n"
	    "vigil-auditor:x:2003:dora\nvigil-admin:x:2004:adam\n");
	/* pam_matrix: user:password:service; one file for every service,
	 * each account line checks its own. */
	write_file("passdb",
	    "alice:demo:vigil\nbob:demo:vigil\ndora:demo:vigil\n"
	    "adam:demo:vigil\nnina:demo:vigil\nghost:demo:vigil\n");
	write_file("services/vigil",
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "account required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "session required %1$s/pam_matrix.so passdb=%2$s/passdb\n",
	    modules, dir);
	write_file("services/vigil-expired",
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "account required %2$s/pam_vigiltest.so expired\n"
	    "session required pam_permit.so\n", modules, dir);
	write_file("services/vigil-newtok",
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "account required %2$s/pam_vigiltest.so newauthtok\n"
	    "session required pam_permit.so\n", modules, dir);
	write_file("services/vigil-deny",
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "account requisite pam_echo.so Your account is closed for the "
	    "weekend.\n"
	    "account required pam_deny.so\n"
	    "session required pam_permit.so\n", modules, dir);
	write_file("services/vigil-chatty",
	    "auth optional %1$s/pam_chatty.so num_lines=1 info error\n"
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "account required pam_permit.so\n"
	    "session required pam_permit.so\n", modules, dir);
	write_file("services/vigil-twice",
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "auth required %1$s/pam_matrix.so passdb=%2$s/passdb\n"
	    "account required pam_permit.so\n"
	    "session required pam_permit.so\n", modules, dir);
	snprintf(cmd, sizeof cmd, "cc -shared -fPIC -o '%s/pam_vigiltest.so' "
	    "tests/pam/pam_vigiltest.c -lpam", dir);
	if (system(cmd) != 0)
		fatal("cannot build tests/pam/pam_vigiltest.c");

	old = getenv("LD_PRELOAD");
	preload = xasprintf("%s%slibpam_wrapper.so libnss_wrapper.so",
	    old != NULL ? old : "", old != NULL ? " " : "");
	setenv("LD_PRELOAD", preload, 1);
	setenv("PAM_WRAPPER", "1", 1);
	setenv("PAM_WRAPPER_USE_SYSLOG", "1", 1);
	/* RTLD_DEEPBIND (the wrappers' default) does not work under ASan;
	 * pam_wrapper reads uid_wrapper's variable for it. */
	setenv("UID_WRAPPER_DISABLE_DEEPBIND", "1", 1);
	setenv("NSS_WRAPPER_DISABLE_DEEPBIND", "1", 1);
	setenv("PAM_WRAPPER_SERVICE_DIR", xasprintf("%s/services", dir), 1);
	setenv("NSS_WRAPPER_PASSWD", xasprintf("%s/passwd", dir), 1);
	setenv("NSS_WRAPPER_GROUP", xasprintf("%s/group", dir), 1);
	setenv("VIGIL_TEST_AUTH_DIR", dir, 1);
	setenv("VIGIL_TEST_AUTH_MODULES", modules, 1);
	execv("/proc/self/exe", argv);
	fatal("execv: %s", strerror(errno));
}

static struct auth *
fx_auth(struct fx *f, const char *service)
{
	struct auth_config cfg;
	char *cause = NULL;
	int i;

	if (f->a != NULL)
		auth_free(f->a);
	memset(&cfg, 0, sizeof cfg);
	cfg.service = service;
	for (i = 0; i < 4; i++)
		cfg.group[i] = groups[i];
	cfg.password_help = "Change it at the staff portal.";
	cfg.idle_lock = 300;
	f->a = auth_new(&cfg, f->mode, &cause);
	if (f->a == NULL)
		fail_msg("auth_new: %s", cause);
	auth_attach_log(f->a, f->log, "tty7");
	return f->a;
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct audit_keys keys;
	char *cause = NULL;
	static int n;

	f->mode = *(int *)*state;
	n++;
	snprintf(f->db, sizeof f->db, "%s/audit%d.db", dir, n);
	snprintf(f->state, sizeof f->state, "%s/audit%d.state", dir, n);
	if (audit_create(f->db, f->state, &keys, &cause) != 0)
		fail_msg("audit_create: %s", cause);
	sodium_memzero(&keys, sizeof keys);
	if ((f->log = audit_open(f->db, f->state, 0, &cause)) == NULL)
		fail_msg("audit_open: %s", cause);
	fx_auth(f, "vigil");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	auth_free(f->a);
	audit_close(f->log);
	free(f);
	return 0;
}

static char *
pass(const char *s)
{
	memset(pw, 0, sizeof pw);
	snprintf(pw, sizeof pw, "%s", s);
	return pw;
}

static void
assert_wiped(void)
{
	size_t i;

	for (i = 0; i < sizeof pw; i++) {
		if (pw[i] != 0)
			fail_msg("password buffer not wiped at byte %zu", i);
	}
}

/* The k-th newest record as "action|actor|details|terminal"; caller frees. */
static char *
record(struct fx *f, int k)
{
	struct audit_filter flt;
	struct audit_iter *it;
	struct audit_row row;
	char *cause = NULL, *s = NULL;
	int i;

	memset(&flt, 0, sizeof flt);
	flt.newest_first = 1;
	flt.after_seq = -1;
	flt.limit = k + 1;
	if ((it = audit_iter_new(f->log, &flt, &cause)) == NULL)
		fail_msg("audit_iter_new: %s", cause);
	for (i = 0; i <= k; i++) {
		if (audit_iter_next(it, &row, &cause) != 1)
			fail_msg("no record %d", k);
	}
	s = xasprintf("%s|%s|%s|%s", row.action, row.actor, row.details,
	    row.terminal);
	audit_iter_free(it);
	return s;
}

static void
expect_record(struct fx *f, int k, const char *want)
{
	char *s = record(f, k);

	if (strstr(s, want) == NULL)
		fail_msg("record %d is '%s', expected '%s' in it", k, s, want);
	free(s);
}

static int64_t
record_count(struct fx *f)
{
	return audit_count(f->log);
}

static void
talk_message(void *arg, int error, const char *text)
{
	struct talk *t = arg;

	if (t->n < 16) {
		snprintf(t->text[t->n], sizeof t->text[t->n], "%s", text);
		t->error[t->n++] = error;
	}
}

static int
talk_prompt(void *arg, int echo, const char *text, char *answer, size_t size)
{
	struct talk *t = arg;

	(void)echo; (void)text;
	t->prompts++;
	if (t->nanswers == 0)
		return -1;
	snprintf(answer, size, "%s", t->answers[--t->nanswers]);
	return 0;
}

static int
talk_has(const struct talk *t, int error, const char *want)
{
	int i;

	for (i = 0; i < t->n; i++) {
		if (t->error[i] == error && strstr(t->text[i], want) != NULL)
			return 1;
	}
	return 0;
}

/* Logs user in with "demo", which must work. */
static void
login_ok(struct fx *f, const char *user)
{
	struct auth_result res;

	if (auth_login(f->a, user, pass("demo"), NULL, &res) != 0)
		fail_msg("login %s: %s (%s)", user, res.message, res.detail);
	assert_wiped();
}

/* ---- roles ------------------------------------------------------------- */

static void
test_roles_of(void **state)
{
	const char *none[4] = { "vigil-nosuch", NULL, "", NULL };
	unsigned roles;
	uid_t uid;
	char *cause = NULL, buf[64];

	(void)state;
	assert_int_equal(roles_of("alice", groups, &roles, &uid, &cause), 0);
	assert_int_equal(roles, ROLE_VIEWER);
	assert_int_equal(uid, 1001);
	assert_int_equal(roles_of("bob", groups, &roles, &uid, &cause), 0);
	assert_int_equal(roles, ROLE_VIEWER | ROLE_EXPORTER);
	assert_int_equal(roles_of("dora", groups, &roles, &uid, &cause), 0);
	assert_int_equal(roles, ROLE_AUDITOR);
	assert_int_equal(roles_of("adam", groups, &roles, &uid, &cause), 0);
	assert_int_equal(roles, ROLE_ADMIN);
	assert_int_equal(roles_of("nina", groups, &roles, &uid, &cause), 0);
	assert_int_equal(roles, 0);
	assert_int_equal(roles_of("alice", none, &roles, &uid, &cause), 0);
	assert_int_equal(roles, 0);
	assert_int_equal(roles_of("zed", groups, &roles, &uid, &cause), -1);
	assert_non_null(strstr(cause, "no account entry"));
	free(cause);

	assert_string_equal(roles_format(ROLE_VIEWER | ROLE_EXPORTER, buf,
	    sizeof buf), "viewer, exporter");
	assert_string_equal(roles_format(ROLE_ALL, buf, sizeof buf),
	    "viewer, exporter, auditor, admin");
	assert_string_equal(roles_format(0, buf, sizeof buf), "none");
	assert_string_equal(roles_name(ROLE_AUDITOR), "auditor");
	assert_null(roles_name(3));
}

/* ---- logging in -------------------------------------------------------- */

static void
test_login_ok(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct talk t = { 0 };
	struct auth_conv conv = { talk_message, talk_prompt, &t };
	char *cause = NULL, want[64];

	assert_null(auth_user(f->a));
	assert_int_equal(auth_login(f->a, "bob", pass("demo"), &conv, &res), 0);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_OK);
	assert_string_equal(res.user, "bob");
	assert_int_equal(res.roles, ROLE_VIEWER | ROLE_EXPORTER);
	assert_string_equal(auth_user(f->a), "bob");
	assert_int_equal(auth_roles(f->a), ROLE_VIEWER | ROLE_EXPORTER);
	assert_int_equal(auth_privsep(f->a), f->mode == AUTH_MODE_MONITOR);
	expect_record(f, 0, "login|bob|");
	expect_record(f, 0, "\"roles\":[\"viewer\",\"exporter\"]");
	expect_record(f, 0, f->mode == AUTH_MODE_MONITOR ?
	    "\"privsep\":true" : "\"privsep\":false");
	expect_record(f, 0, "|tty7");
	/* What tells a login a crash left open from a live one. */
	expect_record(f, 0, "\"terminal\":\"tty7\"");
	snprintf(want, sizeof want, "\"pid\":%ld", (long)getpid());
	expect_record(f, 0, want);
	expect_record(f, 0, "\"boot_id\":\"");

	/* A second login on an open session is a caller's bug, refused. */
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_INTERNAL);

	assert_int_equal(auth_logout(f->a, "user", &cause), 0);
	expect_record(f, 0, "logout|bob|{\"how\":\"user\",\"login\":");
	assert_null(auth_user(f->a));
	assert_int_equal(auth_logout(f->a, "user", &cause), -1);
	free(cause);
	assert_int_equal(record_count(f), 2);
}

static void
test_wrong_password(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(auth_login(f->a, "alice", pass("wrong"), NULL,
		    &res), -1);
		assert_wiped();
		assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
		assert_int_equal(res.pam_code, PAM_AUTH_ERR);
		assert_string_equal(res.message, "Authentication failed.");
	}
	assert_null(auth_user(f->a));
	/* Every failure is recorded, never the password. */
	assert_int_equal(record_count(f), 3);
	for (i = 0; i < 3; i++) {
		char *s = record(f, i);

		assert_non_null(strstr(s, "login-failed|alice|"));
		assert_non_null(strstr(s, "\"stage\":\"authenticate\""));
		assert_non_null(strstr(s, "\"error\":\"Authentication failure\""));
		assert_non_null(strstr(s, "\"context\":\"login\""));
		assert_null(strstr(s, "wrong"));
		free(s);
	}
}

static void
test_unknown_user(void **state)
{
	struct fx *f = *state;
	struct auth_result res;

	assert_int_equal(auth_login(f->a, "zed", pass("demo"), NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
	assert_non_null(strstr(res.message, "Authentication failed"));
	expect_record(f, 0, "login-failed|zed|");
	expect_record(f, 0, "\"stage\":\"authenticate\"");
}

static void
test_empty_password(void **state)
{
	struct fx *f = *state;
	struct auth_result res;

	assert_int_equal(auth_login(f->a, "alice", pass(""), NULL, &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
	expect_record(f, 0, "login-failed|alice|");

	/* An empty name is refused before PAM, and recorded. */
	assert_int_equal(auth_login(f->a, "", pass("demo"), NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_INPUT);
	assert_string_equal(res.message, "Enter your user name.");
	expect_record(f, 0, "\"error\":\"empty user name\"");
}

static void
test_long_password(void **state)
{
	struct fx *f = *state;
	struct auth_result res;

	/* A buffer without a NUL: the password was longer than it. */
	memset(pw, 'x', sizeof pw);
	assert_int_equal(auth_login(f->a, "alice", pw, NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_INPUT);
	assert_non_null(strstr(res.message, "too long"));
	expect_record(f, 0, "login-failed|alice|");
	expect_record(f, 0, "password longer than 511 bytes");

	/* The longest that fits goes to PAM (and is wrong). */
	memset(pw, 'x', sizeof pw - 1);
	pw[sizeof pw - 1] = '\0';
	assert_int_equal(auth_login(f->a, "alice", pw, NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
}

static void
test_bad_names(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	char big[300];

	assert_int_equal(auth_login(f->a, "al\xff\xfeice", pass("demo"), NULL,
	    &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_INPUT);
	assert_non_null(strstr(res.message, "UTF-8"));
	expect_record(f, 0, "login-failed|al??ice|");
	expect_record(f, 0, "\"name_hex\":\"616cfffe696365\"");

	assert_int_equal(auth_login(f->a, "al\nice", pass("demo"), NULL,
	    &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_INPUT);
	expect_record(f, 0, "login-failed|al?ice|");

	memset(big, 'n', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(auth_login(f->a, big, pass("demo"), NULL, &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_INPUT);
	expect_record(f, 0, "\"name_length\":299");
	assert_int_equal(record_count(f), 3);
}

static void
test_no_group(void **state)
{
	struct fx *f = *state;
	struct auth_result res;

	assert_int_equal(auth_login(f->a, "nina", pass("demo"), NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_ROLES);
	assert_non_null(strstr(res.message, "not a member of any vigil group"));
	assert_null(auth_user(f->a));
	expect_record(f, 0, "login-failed|nina|");
	expect_record(f, 0, "\"stage\":\"roles\"");
	expect_record(f, 0, "vigil-viewer, vigil-exporter");

	/* Known to PAM but without an account entry. */
	assert_int_equal(auth_login(f->a, "ghost", pass("demo"), NULL, &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_ROLES);
	expect_record(f, 0, "no account entry");
}

static void
test_account_expired(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct talk t = { 0 };
	struct auth_conv conv = { talk_message, talk_prompt, &t };

	fx_auth(f, "vigil-expired");
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_ACCOUNT);
	assert_int_equal(res.pam_code, PAM_ACCT_EXPIRED);
	assert_non_null(strstr(res.message, "Your account has expired"));
	assert_true(talk_has(&t, 1, "Your account has expired; please contact"));
	expect_record(f, 0, "login-failed|alice|");
	expect_record(f, 0, "\"stage\":\"account\"");
}

static void
test_password_must_change(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct talk t = { 0 };
	struct auth_conv conv = { talk_message, talk_prompt, &t };

	fx_auth(f, "vigil-newtok");
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_ACCOUNT);
	assert_int_equal(res.pam_code, PAM_NEW_AUTHTOK_REQD);
	assert_non_null(strstr(res.message, "must be changed"));
	assert_non_null(strstr(res.message, "Change it at the staff portal."));
	assert_true(talk_has(&t, 1, "You are required to change your password"));
	expect_record(f, 0, "\"stage\":\"account\"");
}

static void
test_account_denied(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct talk t = { 0 };
	struct auth_conv conv = { talk_message, talk_prompt, &t };

	fx_auth(f, "vigil-deny");
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_ACCOUNT);
	assert_non_null(strstr(res.message, "may not log in here"));
	assert_true(talk_has(&t, 0, "Your account is closed for the weekend."));
	expect_record(f, 0, "\"stage\":\"account\"");
}

static void
test_module_messages(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct talk t = { 0 };
	struct auth_conv conv = { talk_message, talk_prompt, &t };

	/* pam_chatty talks, then (having no setcred) stops the session. */
	fx_auth(f, "vigil-chatty");
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), -1);
	assert_wiped();
	assert_true(talk_has(&t, 0, "Authentication succeeded"));
	assert_true(talk_has(&t, 1, "Authentication generated an error"));
	assert_int_equal(res.stage, AUTH_STAGE_CREDENTIALS);
	expect_record(f, 0, "\"stage\":\"credentials\"");
	assert_null(auth_user(f->a));
}

static void
test_second_prompt(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct talk t = { 0 };
	struct auth_conv conv = { talk_message, talk_prompt, &t };
	char *cause = NULL;

	/* The first hidden prompt gets the password; the next one asks. */
	fx_auth(f, "vigil-twice");
	t.answers[0] = "demo";
	t.nanswers = 1;
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), 0);
	assert_int_equal(t.prompts, 1);
	assert_int_equal(auth_logout(f->a, "user", &cause), 0);

	/* Cancelled at the screen. */
	t.prompts = 0;
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), &conv, &res), -1);
	assert_int_equal(t.prompts, 1);
	assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
	/* Without a prompt function at all. */
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), NULL, &res), -1);
	assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
}

static void
test_no_log(void **state)
{
	struct fx *f = *state;
	struct auth_result res;

	auth_attach_log(f->a, NULL, NULL);
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_AUDIT);
	assert_non_null(strstr(res.message, "audit log"));
	assert_null(auth_user(f->a));
}

static void
test_log_unwritable(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	int64_t n = record_count(f);

	/* The login record cannot be written: the session is closed again
	 * and the login refused. */
	fault_after("audit", 1, FAULT_ERROR);
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), NULL, &res), -1);
	fault_after("audit", 0, FAULT_ERROR);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_AUDIT);
	assert_null(auth_user(f->a));
	assert_int_equal(record_count(f), n);
	login_ok(f, "alice");
}

/* ---- lock -------------------------------------------------------------- */

static void
test_idle_timer(void **state)
{
	struct fx *f = *state;
	int64_t now = clock_now_ms();

	assert_int_equal(idle_left(f->a, now), -1);
	login_ok(f, "alice");
	idle_touch(f->a, now);
	assert_int_equal(idle_left(f->a, now), 300000);
	assert_int_equal(idle_left(f->a, now + 299000), 1000);
	assert_int_equal(idle_left(f->a, now + 301000), 0);
	idle_touch(f->a, now + 301000);
	assert_int_equal(idle_left(f->a, now + 301000), 300000);
}

static void
test_lock_unlock(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	char *cause = NULL;

	login_ok(f, "alice");
	assert_int_equal(idle_lock(f->a, "idle", &cause), 0);
	assert_true(idle_locked(f->a));
	assert_int_equal(idle_left(f->a, clock_now_ms()), -1);
	expect_record(f, 0, "lock|alice|{\"how\":\"idle\"}");
	assert_int_equal(idle_lock(f->a, "idle", &cause), -1);
	free(cause);

	assert_int_equal(idle_unlock(f->a, pass("nope"), NULL, &res), -1);
	assert_wiped();
	assert_true(idle_locked(f->a));
	assert_string_equal(res.message, "Authentication failed.");
	expect_record(f, 0, "login-failed|alice|");
	expect_record(f, 0, "\"context\":\"unlock\"");

	assert_int_equal(idle_unlock(f->a, pass("demo"), NULL, &res), 0);
	assert_wiped();
	assert_false(idle_locked(f->a));
	assert_string_equal(auth_user(f->a), "alice");
	expect_record(f, 0, "unlock|alice|");
	assert_int_equal(idle_unlock(f->a, pass("demo"), NULL, &res), -1);

	/* The lock screen's own way in: the same name unlocks. */
	assert_int_equal(idle_lock(f->a, "user", &cause), 0);
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), NULL, &res), 1);
	assert_false(idle_locked(f->a));
	expect_record(f, 0, "unlock|alice|");
}

/* The terminal's hook for a takeover: counts calls and the records
 * written before it. */
struct replace_seen {
	struct fx	*f;
	int		 calls;
	int64_t		 records;
};

static void
replace_hook(void *arg)
{
	struct replace_seen *r = arg;

	r->calls++;
	r->records = record_count(r->f);
	assert_string_equal(auth_user(r->f->a), "alice");
}

static void
test_lock_replaced(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	struct replace_seen seen = { f, 0, 0 };
	char *cause = NULL;
	int64_t n;

	login_ok(f, "alice");
	auth_on_replace(f->a, replace_hook, &seen);
	assert_int_equal(idle_lock(f->a, "idle", &cause), 0);

	/* Someone else with a wrong password: alice stays, locked. */
	assert_int_equal(auth_login(f->a, "bob", pass("nope"), NULL, &res), -1);
	assert_true(idle_locked(f->a));
	assert_string_equal(auth_user(f->a), "alice");
	expect_record(f, 0, "login-failed|bob|");
	/* Someone in no group cannot end alice's session either. */
	assert_int_equal(auth_login(f->a, "nina", pass("demo"), NULL, &res), -1);
	assert_true(idle_locked(f->a));
	/* Neither failure reached the hook: alice's view would stay. */
	assert_int_equal(seen.calls, 0);

	n = record_count(f);
	assert_int_equal(auth_login(f->a, "bob", pass("demo"), NULL, &res), 0);
	/* Called once, after bob was checked, before alice's logout. */
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.records, n);
	assert_wiped();
	assert_false(idle_locked(f->a));
	assert_string_equal(auth_user(f->a), "bob");
	assert_int_equal(record_count(f), n + 2);
	expect_record(f, 1, "logout|alice|{\"by\":\"bob\",\"how\":\"replaced\",\"login\":");
	expect_record(f, 0, "login|bob|");
}

/* ---- approval ---------------------------------------------------------- */

static void
test_approve(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	int64_t n;

	assert_int_equal(auth_approve(f->a, "bob", pass("demo"), 0, NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_INTERNAL);

	login_ok(f, "alice");
	n = record_count(f);
	assert_int_equal(auth_approve(f->a, "bob", pass("demo"),
	    ROLE_EXPORTER | ROLE_AUDITOR, NULL, &res), 0);
	assert_wiped();
	assert_string_equal(res.user, "bob");
	assert_int_equal(res.roles, ROLE_VIEWER | ROLE_EXPORTER);
	assert_int_equal(record_count(f), n);	/* the caller records it */
	assert_string_equal(auth_user(f->a), "alice");

	assert_int_equal(auth_approve(f->a, "alice", pass("demo"), 0, NULL, &res),
	    -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_SAME_PERSON);
	assert_int_equal(res.roles, 0);
	expect_record(f, 0, "\"stage\":\"same-person\"");

	assert_int_equal(auth_approve(f->a, "bob", pass("nope"), 0, NULL, &res),
	    -1);
	assert_int_equal(res.stage, AUTH_STAGE_AUTHENTICATE);
	expect_record(f, 0, "login-failed|bob|");
	expect_record(f, 0, "\"context\":\"approval\"");
	assert_string_equal(auth_user(f->a), "alice");

	/* The right password, but not a role that may approve: refused and
	 * recorded too. */
	auth_logout(f->a, "user", NULL);
	login_ok(f, "bob");
	n = record_count(f);
	assert_int_equal(auth_approve(f->a, "alice", pass("demo"),
	    ROLE_EXPORTER | ROLE_AUDITOR, NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_ROLES);
	assert_int_equal(res.roles, 0);
	assert_non_null(strstr(res.message, "alice may not approve"));
	assert_int_equal(record_count(f), n + 1);
	expect_record(f, 0, "login-failed|alice|");
	expect_record(f, 0, "\"stage\":\"roles\"");
	/* Any vigil role will do when none is named. */
	assert_int_equal(auth_approve(f->a, "alice", pass("demo"), 0, NULL,
	    &res), 0);
}

/* ---- the monitor ------------------------------------------------------- */

static void
expect_reject(int fd, const char *why)
{
	struct wire_msg m;
	const char *bad;

	assert_int_equal(wire_recv(fd, WIRE_FROM_MONITOR, &m, &bad), 1);
	assert_int_equal(m.type, WIRE_REJECT);
	if (strstr(m.text, why) == NULL)
		fail_msg("rejected for '%s', expected '%s'", m.text, why);
}

static void
test_monitor_rejects(void **state)
{
	struct pamtx_cfg cfg = { "vigil", { NULL, NULL, NULL, NULL }, "" };
	struct wire_msg m, big[2];
	const char *bad;
	int fd, i, status;
	pid_t pid;
	char *cause = NULL;

	(void)state;
	for (i = 0; i < 4; i++)
		cfg.group[i] = groups[i];
	pid = monitor_start(&cfg, &fd, &cause);
	assert_true(pid > 0);

	memset(&m, 0, sizeof m);
	m.type = WIRE_CHECK;
	assert_int_equal(send(fd, &m, 10, 0), 10);
	expect_reject(fd, "short message");
	assert_int_equal(send(fd, &m, 0, 0), 0);
	expect_reject(fd, "short message");
	memset(big, 0, sizeof big);
	big[0].type = WIRE_CHECK;
	strcpy(big[0].user, "alice");
	assert_int_equal(send(fd, big, sizeof big, 0), (ssize_t)sizeof big);
	expect_reject(fd, "oversized message");

	memset(&m, 0, sizeof m);
	m.type = 99;
	assert_int_equal(wire_send(fd, &m), 0);
	expect_reject(fd, "wrong message type");
	m.type = WIRE_RESULT;		/* the monitor's own type */
	assert_int_equal(wire_send(fd, &m), 0);
	expect_reject(fd, "wrong message type");
	m.type = WIRE_CHECK;
	memset(m.user, 'a', sizeof m.user);
	assert_int_equal(wire_send(fd, &m), 0);
	expect_reject(fd, "unterminated string");
	memset(&m, 0, sizeof m);
	m.type = WIRE_CHECK;
	m.flags = 0x80;
	strcpy(m.user, "alice");
	assert_int_equal(wire_send(fd, &m), 0);
	expect_reject(fd, "unknown flags");
	m.flags = 0;
	m.user[0] = '\0';
	assert_int_equal(wire_send(fd, &m), 0);
	expect_reject(fd, "empty user name");
	memset(&m, 0, sizeof m);
	m.type = WIRE_ANSWER;
	assert_int_equal(wire_send(fd, &m), 0);
	expect_reject(fd, "answer without a prompt");

	/* Still alive and serving: a real check. */
	assert_int_equal(kill(pid, 0), 0);
	memset(&m, 0, sizeof m);
	m.type = WIRE_CHECK;
	strcpy(m.user, "bob");
	strcpy(m.text, "demo");
	assert_int_equal(wire_send(fd, &m), 0);
	assert_int_equal(wire_recv(fd, WIRE_FROM_MONITOR, &m, &bad), 1);
	assert_int_equal(m.type, WIRE_RESULT);
	assert_int_equal(m.stage, AUTH_STAGE_OK);
	assert_string_equal(m.user, "bob");
	assert_int_equal(m.roles, ROLE_VIEWER | ROLE_EXPORTER);

	/* Opening without a pending check, closing without a session. */
	memset(&m, 0, sizeof m);
	m.type = WIRE_OPEN;
	assert_int_equal(wire_send(fd, &m), 0);
	assert_int_equal(wire_recv(fd, WIRE_FROM_MONITOR, &m, &bad), 1);
	assert_int_equal(m.stage, AUTH_STAGE_SESSION);
	memset(&m, 0, sizeof m);
	m.type = WIRE_CLOSE;
	assert_int_equal(wire_send(fd, &m), 0);
	assert_int_equal(wire_recv(fd, WIRE_FROM_MONITOR, &m, &bad), 1);
	assert_int_equal(m.stage, AUTH_STAGE_SESSION);

	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_wire_check(void **state)
{
	struct wire_msg m;

	(void)state;
	memset(&m, 0, sizeof m);
	m.type = WIRE_RESULT;
	assert_null(wire_check(&m, sizeof m, WIRE_FROM_MONITOR));
	assert_non_null(wire_check(&m, sizeof m, WIRE_TO_MONITOR));
	m.stage = 1000;
	assert_string_equal(wire_check(&m, sizeof m, WIRE_FROM_MONITOR),
	    "unknown stage");
	m.stage = 0;
	m.roles = 0x100;
	assert_string_equal(wire_check(&m, sizeof m, WIRE_FROM_MONITOR),
	    "unknown roles");
	m.roles = 0;
	memset(m.text, 'x', sizeof m.text);
	assert_string_equal(wire_check(&m, sizeof m, WIRE_FROM_MONITOR),
	    "unterminated string");
	assert_string_equal(wire_check(&m, sizeof m - 1, WIRE_FROM_MONITOR),
	    "short message");
	assert_string_equal(wire_check(&m, sizeof m + 1, WIRE_FROM_MONITOR),
	    "oversized message");
}

static void
test_monitor_gone(void **state)
{
	struct fx *f = *state;
	struct auth_result res;
	int status;

	if (f->mode != AUTH_MODE_MONITOR)
		skip();
	kill(auth_monitor_pid(f->a), SIGKILL);
	waitpid(auth_monitor_pid(f->a), &status, 0);
	assert_int_equal(auth_login(f->a, "alice", pass("demo"), NULL, &res), -1);
	assert_wiped();
	assert_int_equal(res.stage, AUTH_STAGE_INTERNAL);
	assert_non_null(strstr(res.message, "monitor is gone"));
	/* auth_free() must not wait for it again. */
	f->a->monitor = -1;
	f->a->privsep = 0;
	close(f->a->fd);
}

/* ---- the service account ----------------------------------------------- */

static void
test_privdrop(void **state)
{
	uid_t uid;
	gid_t gid;
	char *cause = NULL;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(privdrop_lookup("vigil", &uid, &gid, &cause), 0);
	assert_int_equal(uid, 990);
	assert_int_equal(gid, 990);
	assert_int_equal(privdrop_lookup("nosuch", &uid, &gid, &cause), -1);
	assert_non_null(strstr(cause, "does not exist"));
	free(cause);
	cause = NULL;
	assert_int_equal(privdrop_lookup("root", &uid, &gid, &cause), -1);
	free(cause);
	cause = NULL;

	if (geteuid() != 0) {
		assert_int_equal(privdrop_to(990, 990, &cause), -1);
		free(cause);
		return;
	}
	/* As root: in a child, drop and check there is no way back. */
	if ((pid = fork()) == 0) {
		if (privdrop_to(990, 990, &cause) != 0)
			_exit(1);
		if (getuid() != 990 || geteuid() != 990 || getgid() != 990)
			_exit(2);
		if (setuid(0) != -1 || setgid(0) != -1)
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#define BOTH(fn) \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &mode_local), \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &mode_monitor)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_of),
		BOTH(test_login_ok),
		BOTH(test_wrong_password),
		BOTH(test_unknown_user),
		BOTH(test_empty_password),
		BOTH(test_long_password),
		BOTH(test_bad_names),
		BOTH(test_no_group),
		BOTH(test_account_expired),
		BOTH(test_password_must_change),
		BOTH(test_account_denied),
		BOTH(test_module_messages),
		BOTH(test_second_prompt),
		BOTH(test_no_log),
		BOTH(test_log_unwritable),
		BOTH(test_idle_timer),
		BOTH(test_lock_unlock),
		BOTH(test_lock_replaced),
		BOTH(test_approve),
		cmocka_unit_test(test_monitor_rejects),
		cmocka_unit_test(test_wire_check),
		cmocka_unit_test_prestate_setup_teardown(test_monitor_gone,
		    setup, teardown, &mode_monitor),
		cmocka_unit_test(test_privdrop),
	};
	const char *d;
	char cmd[256];
	int rc;

	(void)argc;
	if ((d = getenv("VIGIL_TEST_AUTH_DIR")) == NULL)
		env_reexec(argv);
	snprintf(dir, sizeof dir, "%s", d);
	modules = getenv("VIGIL_TEST_AUTH_MODULES");
	if (sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
