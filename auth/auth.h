/* auth — staff login through PAM, roles from Unix groups, the privileged
 * monitor, the idle lock and second-person approval.
 *
 * When vigil starts as root, auth_start() forks a small monitor that keeps
 * root and does nothing but PAM conversations and getgrouplist(); the
 * calling process drops to the service account and talks to the monitor
 * over a socketpair of fixed-size messages.  Started as anyone else, PAM
 * runs in the one process.  The callers see the same functions either way.
 *
 * Passwords are passed in fixed buffers of AUTH_PASS_MAX bytes that these
 * functions wipe with sodium_memzero() before they return, on every path.
 * Every attempt is written to the audit log attached with auth_attach_log():
 * login, login-failed (the name as typed and the PAM error, never the
 * password), logout, lock and unlock. */
#ifndef VIGIL_AUTH_H
#define VIGIL_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct auth;
struct audit_log;

#define AUTH_USER_MAX	256	/* a user name, NUL included (LOGIN_NAME_MAX) */
#define AUTH_PASS_MAX	512	/* a password or answer, NUL included
				 * (PAM_MAX_RESP_SIZE) */
#define AUTH_MSG_MAX	512	/* one message from a module (PAM_MAX_MSG_SIZE) */
#define AUTH_TTY_MAX	64	/* the terminal's name */

/* Roles, from membership of the configured groups. */
#define ROLE_VIEWER	0x1u	/* browse and play footage after a reason */
#define ROLE_EXPORTER	0x2u	/* create exports */
#define ROLE_AUDITOR	0x4u	/* review and verify the audit log */
#define ROLE_ADMIN	0x8u	/* configuration, keys, holds */
#define ROLE_ALL	0xfu

/* What auth_start() needs from vigil.conf.  The strings are copied. */
struct auth_config {
	const char	*service;	/* PAM service name; NULL: "vigil" */
	const char	*group[4];	/* group of each role, in the order
					 * viewer, exporter, auditor, admin;
					 * NULL or "": nobody has that role */
	const char	*service_user;	/* account the terminal runs as when
					 * started as root; NULL: "vigil" */
	const char	*password_help;	/* where an expired password is
					 * changed, shown when PAM says it
					 * must be; NULL: a general hint */
	unsigned	 idle_lock;	/* seconds without a key before the
					 * session locks; 0: never */
};

/* The PAM conversation as the screen implements it.  The first hidden
 * prompt of a check is answered with the password given to the call; any
 * further prompt, and every message, comes here. */
struct auth_conv {
	/* A module's message, error 1 for PAM_ERROR_MSG, 0 for
	 * PAM_TEXT_INFO; text is printable UTF-8 (other bytes shown as '?'). */
	void	(*message)(void *arg, int error, const char *text);
	/* Asks the person: writes a NUL-terminated answer of less than size
	 * bytes into answer; echo 0 means hidden.  Returns 0, or -1 to cancel
	 * the check.  May be NULL (every further prompt then cancels). */
	int	(*prompt)(void *arg, int echo, const char *text, char *answer,
		    size_t size);
	void	 *arg;
};

/* Where a check stopped. */
enum auth_stage {
	AUTH_STAGE_OK = 0,
	AUTH_STAGE_INPUT,		/* refused before PAM: bad name or password */
	AUTH_STAGE_AUTHENTICATE,	/* pam_authenticate */
	AUTH_STAGE_ACCOUNT,		/* pam_acct_mgmt */
	AUTH_STAGE_ROLES,		/* in none of the vigil groups */
	AUTH_STAGE_CREDENTIALS,		/* pam_setcred */
	AUTH_STAGE_SESSION,		/* pam_open_session / pam_close_session */
	AUTH_STAGE_SAME_PERSON,		/* an approval by the logged-in person */
	AUTH_STAGE_AUDIT,		/* the audit log could not be written */
	AUTH_STAGE_INTERNAL,		/* monitor or memory failure */
};

/* The outcome of a check.  On success user, uid and roles describe the
 * person PAM authenticated (a module may have changed the name). */
struct auth_result {
	enum auth_stage	 stage;
	int		 pam_code;		/* PAM_SUCCESS or the failing code */
	char		 user[AUTH_USER_MAX];
	uid_t		 uid;
	unsigned	 roles;
	char		 detail[AUTH_MSG_MAX];	/* the PAM error or the reason,
						 * as logged */
	char		 message[2 * AUTH_MSG_MAX]; /* what to tell the person */
};

/* Starts authentication.  As root: forks the monitor, then drops this
 * process to cfg->service_user (setgroups, setgid, setuid, checked to be
 * irreversible); otherwise nothing changes.  Returns NULL with *cause set
 * (the caller frees it) when the account is missing or the drop fails.
 * Caller ends it with auth_free(). */
struct auth *auth_start(const struct auth_config *cfg, char **cause);
/* For a session started as root: when the environment holds a variable
 * other than TERM, LANG, LC_*, TZ and those keep names (NAME, or NAME* for
 * every name starting with NAME), starts vigil again (execve of
 * /proc/self/exe, the same command line) with only the allowed ones, so
 * that neither the loader, PAM nor the terminal sees the rest.  Returns 0
 * when there is nothing to drop; -1 with *cause set when it cannot start
 * again; does not return otherwise. */
int env_restrict(const char *const *keep, char **cause);
/* 1 when the environment entry "NAME=VALUE" is one env_restrict() keeps. */
int env_allowed(const char *entry, const char *const *keep);
/* Logs out anyone still logged in ("how" "exit"), stops the monitor and
 * frees. */
void auth_free(struct auth *);
/* 1 when the monitor does PAM (privilege separation on), else 0. */
int auth_privsep(const struct auth *);
/* The process id of the monitor, or -1 without privilege separation. */
pid_t auth_monitor_pid(const struct auth *);

/* Attaches the audit log every attempt is written to (not owned) and the
 * terminal's name as the log records it.  Without a log every login is
 * refused (AUTH_STAGE_AUDIT). */
void auth_attach_log(struct auth *, struct audit_log *, const char *terminal);

/* Logs user in: pam_authenticate, pam_acct_mgmt, roles, pam_setcred,
 * pam_open_session, then a "login" record; a failure is recorded as
 * "login-failed".  pass holds the password NUL-terminated; a buffer with no
 * NUL in its AUTH_PASS_MAX bytes stands for a longer password, which is
 * refused.  pass is wiped on every path.
 *
 * While the session is locked this is the lock screen's way in: the locked
 * person's own name unlocks (as idle_unlock(), returns 1); anyone else is
 * checked first, and only then is the locked session closed and recorded
 * as "logout" (how "replaced") and theirs opened.
 *
 * Returns 0 when logged in, 1 when unlocked, -1 with *res saying why
 * (res->message is for the person at the screen). */
int auth_login(struct auth *, const char *user, char *pass,
    const struct auth_conv *, struct auth_result *res);
/* Closes the session (pam_close_session) and records "logout" with how
 * ("user", "replaced", "exit", "signal", ...).  Returns 0, or -1 with
 * *cause set when nobody is logged in or the record could not be written
 * (the session is closed all the same). */
int auth_logout(struct auth *, const char *how, char **cause);

/* Sets what a wait for the monitor asks every 100 ms: once gone(arg) has
 * said 1 (the terminal went away) for half a second, the wait is given up
 * and the request fails (AUTH_STAGE_INTERNAL, PAM_ABORT), and so does every
 * later one: the monitor, which may be inside a PAM call, is not used
 * again and ends when that call returns.  fn NULL: every wait lasts. */
void auth_on_gone(struct auth *, int (*gone)(void *arg), void *arg);

/* Sets what auth_login() calls when someone else has authenticated on the
 * lock screen, before the locked session is closed and recorded as
 * "logout": the terminal ends what that session had open (a paused view),
 * so its record comes first.  fn NULL: nothing is called. */
void auth_on_replace(struct auth *, void (*fn)(void *arg), void *arg);

/* The person logged in (NULL when nobody is) and their roles. */
const char *auth_user(const struct auth *);
unsigned auth_roles(const struct auth *);

/* From now on only people holding one of the roles in need may log in
 * (0: any vigil role again); why says what for, in the refusal shown and
 * logged ("login-failed", stage "roles"). */
void auth_restrict_logins(struct auth *, unsigned need, const char *why);

/* Second-person approval: authenticates user, who must not be the person
 * logged in and must hold one of the roles in need (0: any vigil role),
 * through the same PAM stack (no session is opened) and returns their
 * roles in *res.  A failure, a missing role included (stage "roles"), is
 * recorded as "login-failed" with the context "approval"; success is
 * recorded by the caller (export-approved).  pass is wiped.  Returns 0 or
 * -1. */
int auth_approve(struct auth *, const char *user, char *pass, unsigned need,
    const struct auth_conv *, struct auth_result *res);

/* Logins a crash left open (auth/sessions.c). */

/* Closes the logins recorded on this terminal (the one attached) that no
 * logout names and whose vigil is gone: the login's boot id is not this
 * boot's, or its pid no longer runs vigil (or is this process, which has
 * no session yet).  Each is recorded as "logout" with how "aborted" and
 * the login's seq.  Logins on other terminals, of a vigil still running,
 * and without pid and boot id (recorded before vigil wrote them) are left
 * alone.  Returns 0 with *closed set, or -1 with *cause set. */
int sessions_recover(struct auth *, size_t *closed, char **cause);

/* The idle lock (auth/idle.c). */

/* Notes a key press at now_ms (clock_now_ms()). */
void idle_touch(struct auth *, int64_t now_ms);
/* Milliseconds until the session locks for idleness (0: due now), or -1
 * when no lock is due: nobody logged in, already locked, or idle_lock 0. */
int64_t idle_left(const struct auth *, int64_t now_ms);
/* Locks the session and records "lock" with how ("idle", "user").  The
 * caller has already paused playback and cleared the screen.  Returns 0,
 * or -1 with *cause set (the session is locked all the same). */
int idle_lock(struct auth *, const char *how, char **cause);
/* 1 when a session is open and locked. */
int idle_locked(const struct auth *);
/* Unlocks with the locked person's password (PAM again, no new session)
 * and records "unlock"; a wrong password keeps it locked and is recorded as
 * "login-failed" with the context "unlock".  pass is wiped.  Returns 0, or
 * -1 with *res saying why. */
int idle_unlock(struct auth *, char *pass, const struct auth_conv *,
    struct auth_result *res);

/* Roles (auth/roles.c). */

/* The name of one role bit ("viewer", ...), or NULL. */
const char *roles_name(unsigned role);
/* Writes the roles as "viewer, exporter" (or "none") into buf; returns
 * buf. */
char *roles_format(unsigned roles, char *buf, size_t len);
/* Computes the roles of user from the groups it belongs to
 * (getgrouplist()).  groups[i] names the group of role bit 1 << i (NULL or
 * "": nobody).  Returns 0 with *roles and *uid set, or -1 with *cause set
 * when the user has no passwd entry. */
int roles_of(const char *user, const char *const groups[4], unsigned *roles,
    uid_t *uid, char **cause);

/* This boot's id (/proc/sys/kernel/random/boot_id) into buf, which holds
 * at least 37 bytes ("" when it cannot be read); and 1
 * when a record made by vigil process pid in the boot boot_id belongs to
 * a vigil still running (another process than this one, in this boot):
 * what it left open is still in use (auth/sessions.c). */
void sessions_boot_id(char *buf, size_t len);
int sessions_live(const char *boot_id, int64_t pid);

#endif
