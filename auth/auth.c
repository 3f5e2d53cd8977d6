/* auth — logging staff in and out, through the monitor or in process, and
 * writing every attempt to the audit log. */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <security/pam_appl.h>
#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_int.h"
#include "util/util.h"

/* A name as logged is cut to this many bytes when it has to be cleaned. */
#define AUTH_LOGGED_NAME_MAX	200

static char *auth_strdup(const char *s, const char *fallback);
static const char *auth_stage_name(enum auth_stage);
static void auth_explain(const struct auth *, struct auth_result *);
static void auth_forget(struct auth *);
static char *auth_json(json_t *);
static int64_t auth_append(struct auth *, const char *actor,
    const char *action, const char *details, char **cause);

static char *
auth_strdup(const char *s, const char *fallback)
{
	if (s == NULL || s[0] == '\0')
		s = fallback;
	return s == NULL ? NULL : strdup(s);
}

struct auth *
auth_start(const struct auth_config *cfg, char **cause)
{
	return auth_new(cfg, AUTH_MODE_AUTO, cause);
}

struct auth *
auth_new(const struct auth_config *cfg, int mode, char **cause)
{
	struct auth *a;
	uid_t uid;
	gid_t gid;
	char *tty;
	int i;

	if ((a = calloc(1, sizeof *a)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	a->fd = -1;
	a->monitor = -1;
	a->login_seq = -1;
	a->service = auth_strdup(cfg->service, "vigil");
	a->password_help = auth_strdup(cfg->password_help, NULL);
	tty = terminal_name_self();
	a->tty = strcmp(tty, "-") == 0 ? strdup("") : strdup(tty);
	a->terminal = strdup(tty);
	free(tty);
	if (a->service == NULL || a->tty == NULL || a->terminal == NULL ||
	    (cfg->password_help != NULL && cfg->password_help[0] != '\0' &&
	    a->password_help == NULL))
		goto oom;
	for (i = 0; i < 4; i++) {
		if (cfg->group[i] != NULL &&
		    (a->group[i] = strdup(cfg->group[i])) == NULL)
			goto oom;
		a->pcfg.group[i] = a->group[i];
	}
	a->pcfg.service = a->service;
	a->pcfg.tty = a->tty;
	a->idle_ms = (int64_t)cfg->idle_lock * 1000;
	/* Passwords pass through this process (or the monitor forked from
	 * it): no core dumps, no ptrace by the same user. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	if (mode == AUTH_MODE_MONITOR) {
		a->monitor = monitor_start(&a->pcfg, &a->fd, cause);
		if (a->monitor == -1)
			goto fail;
		a->privsep = 1;
	} else if (mode == AUTH_MODE_AUTO && geteuid() == 0) {
		const char *account = cfg->service_user != NULL &&
		    cfg->service_user[0] != '\0' ? cfg->service_user : "vigil";

		if (privdrop_lookup(account, &uid, &gid, cause) == -1)
			goto fail;
		a->monitor = monitor_start(&a->pcfg, &a->fd, cause);
		if (a->monitor == -1)
			goto fail;
		a->privsep = 1;
		if (privdrop_to(uid, gid, cause) == -1) {
			char *why = cause != NULL ? *cause : NULL;

			if (cause != NULL)
				*cause = NULL;
			cause_set(cause, "cannot drop to the service account "
			    "'%s': %s", account, why != NULL ? why : "failed");
			free(why);
			goto fail;
		}
	}
	return a;

oom:
	cause_set(cause, "out of memory");
fail:
	auth_free(a);
	return NULL;
}

void
auth_free(struct auth *a)
{
	struct auth_result res;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t rc;
	int i, status;

	if (a == NULL)
		return;
	if (a->logged_in)
		auth_logout(a, "exit", NULL);
	if (a->privsep) {
		/* End of file and SIGTERM: the monitor serves nothing more
		 * and ends when a PAM call it may be in returns.  It is
		 * waited for a second at most, and not at all when a wait
		 * for it was given up: one in a slow PAM call exits on its
		 * own, without this process. */
		close(a->fd);
		(void)kill(a->monitor, SIGTERM);
		for (i = 0; i < (a->wait.lost ? 1 : 100); i++) {
			rc = waitpid(a->monitor, &status, WNOHANG);
			if (rc == a->monitor || (rc == -1 && errno != EINTR))
				break;
			(void)nanosleep(&tick, NULL);
		}
	} else {
		pamtx_abort(&a->local);
		if (a->local.session != NULL)
			pamtx_close(&a->local, NULL, &res);
	}
	free(a->service);
	free(a->password_help);
	free(a->tty);
	free(a->terminal);
	for (i = 0; i < 4; i++)
		free(a->group[i]);
	sodium_memzero(a, sizeof *a);
	free(a);
}

int
auth_privsep(const struct auth *a)
{
	return a->privsep;
}

pid_t
auth_monitor_pid(const struct auth *a)
{
	return a->privsep ? a->monitor : -1;
}

void
auth_attach_log(struct auth *a, struct audit_log *log, const char *terminal)
{
	char *t;

	a->log = log;
	if (terminal != NULL && (t = strdup(terminal)) != NULL) {
		free(a->terminal);
		a->terminal = t;
	}
}

void
auth_on_gone(struct auth *a, int (*gone)(void *), void *arg)
{
	a->wait.gone = gone;
	a->wait.arg = arg;
}

void
auth_on_replace(struct auth *a, void (*fn)(void *), void *arg)
{
	a->on_replace = fn;
	a->on_replace_arg = arg;
}

const char *
auth_user(const struct auth *a)
{
	return a->logged_in ? a->user : NULL;
}

unsigned
auth_roles(const struct auth *a)
{
	return a->logged_in ? a->roles : 0;
}

int
auth_check(struct auth *a, const char *user, char *pass, int keep,
    const struct auth_conv *conv, struct auth_result *res)
{
	if (a->privsep)
		return remote_check(a->fd, &a->wait, user, pass, keep, conv,
		    res);
	return pamtx_check(&a->local, &a->pcfg, user, pass, keep, conv, res);
}

int
auth_open(struct auth *a, const struct auth_conv *conv,
    struct auth_result *res)
{
	if (a->privsep)
		return remote_open(a->fd, &a->wait, conv, res);
	return pamtx_open(&a->local, conv, res);
}

void
auth_abort(struct auth *a)
{
	struct auth_result res;

	if (a->privsep)
		remote_abort(a->fd, &a->wait, &res);
	else
		pamtx_abort(&a->local);
}

int
auth_close(struct auth *a, struct auth_result *res)
{
	if (a->privsep)
		return remote_close(a->fd, &a->wait, NULL, res);
	return pamtx_close(&a->local, NULL, res);
}

int
auth_input_ok(const char *user, const char *pass, struct auth_result *res)
{
	size_t len = strlen(user), i;
	const char *msg = NULL;

	if (len == 0) {
		pamtx_fail(res, AUTH_STAGE_INPUT, PAM_SUCCESS, "empty user name");
		msg = "Enter your user name.";
	} else if (len >= AUTH_USER_MAX) {
		pamtx_fail(res, AUTH_STAGE_INPUT, PAM_SUCCESS,
		    "user name longer than %d bytes", AUTH_USER_MAX - 1);
		msg = "That user name is too long (more than 255 bytes); "
		    "it was not tried.";
	} else if (!utf8_valid(user, len)) {
		pamtx_fail(res, AUTH_STAGE_INPUT, PAM_SUCCESS,
		    "user name is not valid UTF-8");
		msg = "That user name has bytes that are not text (UTF-8); "
		    "it was not tried.";
	} else if (memchr(pass, '\0', AUTH_PASS_MAX) == NULL) {
		pamtx_fail(res, AUTH_STAGE_INPUT, PAM_SUCCESS,
		    "password longer than %d bytes", AUTH_PASS_MAX - 1);
		msg = "That password is too long (more than 511 bytes); "
		    "it was not tried.";
	} else {
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)user[i];

			if (c < 0x20 || c == 0x7f) {
				pamtx_fail(res, AUTH_STAGE_INPUT, PAM_SUCCESS,
				    "user name contains control characters");
				msg = "That user name contains control "
				    "characters; it was not tried.";
				break;
			}
		}
	}
	if (msg == NULL)
		return 0;
	snprintf(res->message, sizeof res->message, "%s", msg);
	return -1;
}

/* Serialises a JSON object (stolen) for the log; NULL when out of memory. */
static char *
auth_json(json_t *o)
{
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

int
auth_record(struct auth *a, const char *actor, const char *action,
    const char *details, char **cause)
{
	return auth_append(a, actor, action, details, cause) < 0 ? -1 : 0;
}

/* auth_record() returning the record's seq (-1 on failure). */
static int64_t
auth_append(struct auth *a, const char *actor, const char *action,
    const char *details, char **cause)
{
	struct audit_entry e;

	if (a->log == NULL)
		return cause_set(cause, "no audit log is open");
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = action;
	e.details = details;
	e.terminal = a->terminal;
	return audit_append(a->log, &e, cause);
}

static const char *
auth_stage_name(enum auth_stage stage)
{
	switch (stage) {
	case AUTH_STAGE_OK:		return "ok";
	case AUTH_STAGE_INPUT:		return "input";
	case AUTH_STAGE_AUTHENTICATE:	return "authenticate";
	case AUTH_STAGE_ACCOUNT:	return "account";
	case AUTH_STAGE_ROLES:		return "roles";
	case AUTH_STAGE_CREDENTIALS:	return "credentials";
	case AUTH_STAGE_SESSION:	return "session";
	case AUTH_STAGE_SAME_PERSON:	return "same-person";
	case AUTH_STAGE_AUDIT:		return "audit";
	case AUTH_STAGE_INTERNAL:	return "internal";
	}
	return "unknown";
}

/* Sets res->message, what the person at the screen is told. */
static void
auth_explain(const struct auth *a, struct auth_result *res)
{
	char *m = res->message;
	size_t len = sizeof res->message;

	switch (res->stage) {
	case AUTH_STAGE_OK:
		m[0] = '\0';
		break;
	case AUTH_STAGE_INPUT:
		if (m[0] == '\0')
			snprintf(m, len, "Not tried: %s.", res->detail);
		break;
	case AUTH_STAGE_AUTHENTICATE:
		switch (res->pam_code) {
		case PAM_AUTH_ERR:
		case PAM_USER_UNKNOWN:
		case PAM_CRED_INSUFFICIENT:
			snprintf(m, len, "Authentication failed.");
			break;
		case PAM_AUTHINFO_UNAVAIL:
			snprintf(m, len, "Authentication failed (the "
			    "authentication service could not check this name "
			    "and password).");
			break;
		case PAM_MAXTRIES:
			snprintf(m, len, "Too many attempts: authentication "
			    "refused.");
			break;
		case PAM_CONV_ERR:
			snprintf(m, len, "Authentication cancelled.");
			break;
		default:
			snprintf(m, len, "Authentication failed: %s.",
			    res->detail);
			break;
		}
		break;
	case AUTH_STAGE_ACCOUNT:
		switch (res->pam_code) {
		case PAM_NEW_AUTHTOK_REQD:
			snprintf(m, len, "Your password has expired or must be "
			    "changed before you can log in; vigil does not "
			    "change passwords. %s", a->password_help != NULL ?
			    a->password_help : "Change it where you normally "
			    "change your password (or ask the system "
			    "administrator), then log in again.");
			break;
		case PAM_ACCT_EXPIRED:
			snprintf(m, len, "Your account has expired: login "
			    "refused.");
			break;
		default:
			snprintf(m, len, "Your account may not log in here "
			    "(%s).", res->detail);
			break;
		}
		break;
	case AUTH_STAGE_ROLES:
		snprintf(m, len, "Login refused: %s. Ask the administrator "
		    "for a vigil role.", res->detail);
		break;
	case AUTH_STAGE_CREDENTIALS:
		snprintf(m, len, "Login refused: your credentials could not "
		    "be set up (%s).", res->detail);
		break;
	case AUTH_STAGE_SESSION:
		snprintf(m, len, "Login refused: no session could be opened "
		    "(%s).", res->detail);
		break;
	case AUTH_STAGE_SAME_PERSON:
		snprintf(m, len, "Refused: the approver must be someone other "
		    "than the person logged in.");
		break;
	case AUTH_STAGE_AUDIT:
		snprintf(m, len, "Login refused: the audit log cannot be "
		    "written (%s).", res->detail);
		break;
	case AUTH_STAGE_INTERNAL:
		snprintf(m, len, "Login refused: %s.", res->detail);
		break;
	}
}

void
auth_record_failure(struct auth *a, const char *context, const char *typed,
    struct auth_result *res)
{
	json_t *o;
	char *details, *clean, *cause = NULL, hex[2 * AUTH_USER_MAX + 1];
	const char *actor = typed;
	size_t len = strlen(typed), n;

	auth_explain(a, res);
	o = json_object();
	json_object_set_new(o, "context", json_string(context));
	json_object_set_new(o, "stage", json_string(auth_stage_name(res->stage)));
	clean = utf8_sanitize(res->detail, strlen(res->detail));
	json_object_set_new(o, "error", json_string(clean));
	free(clean);
	if (res->stage != AUTH_STAGE_INPUT)
		json_object_set_new(o, "pam", json_integer(res->pam_code));

	clean = utf8_sanitize(typed, len);
	if (len >= AUTH_LOGGED_NAME_MAX || strcmp(clean, typed) != 0) {
		/* Not plain text: logged cleaned and cut, with the bytes as
		 * typed in hex. */
		free(clean);
		n = len < AUTH_LOGGED_NAME_MAX ? len : AUTH_LOGGED_NAME_MAX;
		clean = utf8_sanitize(typed, n);
		actor = clean;
		n = len < AUTH_USER_MAX ? len : AUTH_USER_MAX;
		sodium_bin2hex(hex, sizeof hex, (const unsigned char *)typed, n);
		json_object_set_new(o, "name_hex", json_string(hex));
		if (len > n)
			json_object_set_new(o, "name_length",
			    json_integer((json_int_t)len));
	}
	details = auth_json(o);
	if (details == NULL || auth_record(a, actor, "login-failed", details,
	    &cause) == -1) {
		size_t used = strlen(res->message);

		snprintf(res->message + used, sizeof res->message - used,
		    " The attempt could not be written to the audit log: %s.",
		    cause != NULL ? cause : "out of memory");
	}
	free(cause);
	free(details);
	free(clean);
}

/* Forgets the person logged in. */
static void
auth_forget(struct auth *a)
{
	sodium_memzero(a->user, sizeof a->user);
	a->logged_in = 0;
	a->login_seq = -1;
	a->locked = 0;
	a->roles = 0;
	a->uid = (uid_t)-1;
}

int
auth_login(struct auth *a, const char *user, char *pass,
    const struct auth_conv *conv, struct auth_result *res)
{
	struct auth_result r2;
	char *details, *cause = NULL, boot[64];
	json_t *o, *list;
	int64_t seq;
	unsigned i;
	int rc;

	memset(res, 0, sizeof *res);
	if (a->logged_in && !a->locked) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SUCCESS,
		    "someone is already logged in");
		auth_explain(a, res);
		return -1;
	}
	if (a->log == NULL) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		pamtx_fail(res, AUTH_STAGE_AUDIT, PAM_SUCCESS,
		    "no audit log is open");
		auth_explain(a, res);
		return -1;
	}
	if (auth_input_ok(user, pass, res) == -1) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		auth_record_failure(a, "login", user, res);
		return -1;
	}
	if (a->locked && strcmp(user, a->user) == 0)
		return idle_unlock(a, pass, conv, res) == 0 ? 1 : -1;

	if (auth_check(a, user, pass, 1, conv, res) == -1) {
		auth_record_failure(a, "login", user, res);
		return -1;
	}
	if (a->login_need != 0 && (res->roles & a->login_need) == 0 &&
	    !(a->locked && res->uid == a->uid)) {
		char have[64], want[64];

		auth_abort(a);
		roles_format(res->roles, have, sizeof have);
		roles_format(a->login_need, want, sizeof want);
		pamtx_fail(res, AUTH_STAGE_ROLES, PAM_SUCCESS, "%s has the roles "
		    "%s; only %s may log in while %s", res->user, have, want,
		    a->login_why);
		auth_record_failure(a, "login", user, res);
		snprintf(res->message, sizeof res->message, "Only %s may log in "
		    "now: %s.", want, a->login_why);
		res->roles = 0;
		return -1;
	}
	if (a->locked && res->uid == a->uid) {
		/* The locked person, under another spelling of the name. */
		auth_abort(a);
		if (auth_record(a, a->user, "unlock", NULL, &cause) == -1) {
			pamtx_fail(res, AUTH_STAGE_AUDIT, PAM_SUCCESS, "%s", cause);
			free(cause);
			auth_explain(a, res);
			return -1;
		}
		a->locked = 0;
		a->last_key_ms = clock_now_ms();
		return 1;
	}
	if (a->locked) {
		/* Someone else: the locked session ends first, and what it
		 * had open before it. */
		if (a->on_replace != NULL)
			a->on_replace(a->on_replace_arg);
		o = json_object();
		json_object_set_new(o, "how", json_string("replaced"));
		json_object_set_new(o, "by", json_string(res->user));
		if (a->login_seq >= 0)
			json_object_set_new(o, "login",
			    json_integer(a->login_seq));
		if (auth_close(a, &r2) == -1)
			json_object_set_new(o, "session_error",
			    json_string(r2.detail));
		details = auth_json(o);
		rc = auth_record(a, a->user, "logout", details, &cause);
		free(details);
		auth_forget(a);
		if (rc == -1) {
			auth_abort(a);
			pamtx_fail(res, AUTH_STAGE_AUDIT, PAM_SUCCESS, "%s", cause);
			free(cause);
			auth_explain(a, res);
			return -1;
		}
	}

	if (auth_open(a, conv, &r2) == -1) {
		r2.uid = res->uid;
		memcpy(r2.user, res->user, sizeof r2.user);
		*res = r2;
		auth_record_failure(a, "login", user, res);
		return -1;
	}

	o = json_object();
	list = json_array();
	for (i = 0; i < 4; i++) {
		if ((res->roles & (1u << i)) != 0)
			json_array_append_new(list, json_string(roles_name(1u << i)));
	}
	json_object_set_new(o, "roles", list);
	json_object_set_new(o, "uid", json_integer((json_int_t)res->uid));
	json_object_set_new(o, "privsep", json_boolean(a->privsep));
	if (strcmp(user, res->user) != 0)
		json_object_set_new(o, "typed", json_string(user));
	/* What tells a login a crash left open from a live one
	 * (sessions_recover()). */
	sessions_boot_id(boot, sizeof boot);
	json_object_set_new(o, "terminal", json_string(a->terminal));
	json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(o, "boot_id", json_string(boot));
	details = auth_json(o);
	seq = details == NULL ? -1 : auth_append(a, res->user, "login", details,
	    &cause);
	rc = seq < 0 ? -1 : 0;
	free(details);
	if (rc == -1) {
		auth_close(a, &r2);
		pamtx_fail(res, AUTH_STAGE_AUDIT, PAM_SUCCESS, "%s",
		    cause != NULL ? cause : "out of memory");
		free(cause);
		auth_explain(a, res);
		return -1;
	}
	memcpy(a->user, res->user, sizeof a->user);
	a->uid = res->uid;
	a->roles = res->roles;
	a->logged_in = 1;
	a->login_seq = seq;
	a->locked = 0;
	a->last_key_ms = clock_now_ms();
	return 0;
}

int
auth_logout(struct auth *a, const char *how, char **cause)
{
	struct auth_result r;
	json_t *o;
	char *details;
	int rc;

	if (!a->logged_in)
		return cause_set(cause, "nobody is logged in");
	o = json_object();
	json_object_set_new(o, "how", json_string(how));
	if (a->login_seq >= 0)
		json_object_set_new(o, "login", json_integer(a->login_seq));
	if (auth_close(a, &r) == -1)
		json_object_set_new(o, "session_error", json_string(r.detail));
	details = auth_json(o);
	rc = auth_record(a, a->user, "logout", details, cause);
	free(details);
	auth_forget(a);
	return rc;
}

void
auth_restrict_logins(struct auth *a, unsigned need, const char *why)
{
	a->login_need = need;
	snprintf(a->login_why, sizeof a->login_why, "%s", why != NULL ? why : "");
}

int
auth_approve(struct auth *a, const char *user, char *pass, unsigned need,
    const struct auth_conv *conv, struct auth_result *res)
{
	char have[64], want[64];

	memset(res, 0, sizeof *res);
	if (!a->logged_in || a->locked) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		pamtx_fail(res, AUTH_STAGE_INTERNAL, PAM_SUCCESS,
		    "approval needs an open, unlocked session");
		auth_explain(a, res);
		return -1;
	}
	if (auth_input_ok(user, pass, res) == -1) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		auth_record_failure(a, "approval", user, res);
		return -1;
	}
	if (strcmp(user, a->user) == 0) {
		sodium_memzero(pass, AUTH_PASS_MAX);
		pamtx_fail(res, AUTH_STAGE_SAME_PERSON, PAM_SUCCESS,
		    "approver is the person logged in");
		auth_record_failure(a, "approval", user, res);
		return -1;
	}
	if (auth_check(a, user, pass, 0, conv, res) == -1) {
		auth_record_failure(a, "approval", user, res);
		return -1;
	}
	if (res->uid == a->uid || strcmp(res->user, a->user) == 0) {
		res->roles = 0;
		pamtx_fail(res, AUTH_STAGE_SAME_PERSON, PAM_SUCCESS,
		    "approver is the person logged in");
		auth_record_failure(a, "approval", user, res);
		return -1;
	}
	if (need != 0 && (res->roles & need) == 0) {
		roles_format(res->roles, have, sizeof have);
		roles_format(need, want, sizeof want);
		pamtx_fail(res, AUTH_STAGE_ROLES, PAM_SUCCESS, "%s has the roles "
		    "%s, none of %s", res->user, have, want);
		auth_record_failure(a, "approval", user, res);
		snprintf(res->message, sizeof res->message, "%s may not approve: "
		    "that needs one of the roles %s.", res->user, want);
		res->roles = 0;
		return -1;
	}
	return 0;
}
