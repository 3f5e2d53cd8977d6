/* auth_int — what the files of auth/ share with each other (and with its
 * unit tests, fuzzers and benchmarks) and with no other module: the
 * private half of auth/auth.h.  tests/regress/boundaries.sh checks that no
 * other folder includes it. */
#ifndef VIGIL_AUTH_INT_H
#define VIGIL_AUTH_INT_H

#include "auth/auth.h"

/* Shared between the files of auth/ only (and its unit tests). */
#include <security/pam_appl.h>

/* What a PAM transaction needs to know; in the monitor a copy made before
 * the fork, so nothing of it comes from the unprivileged side. */
struct pamtx_cfg {
	const char	*service;
	const char	*group[4];
	const char	*tty;		/* PAM_TTY, "" for none */
};

/* The checks and the session of one process (the monitor's, or the
 * terminal's without privilege separation): at most one checked person
 * waiting for a session to be opened, and at most one open session. */
struct pamtx;
struct pamtx_state {
	struct pamtx	*pending;
	struct pamtx	*session;
};

/* pam_start, pam_authenticate, pam_acct_mgmt and roles for user.  The
 * first hidden prompt is answered with pass, which is then wiped (also on
 * failure).  keep 1: the checked person stays pending for pamtx_open();
 * keep 0: the transaction ends.  Returns 0, or -1 with *res filled. */
int pamtx_check(struct pamtx_state *, const struct pamtx_cfg *,
    const char *user, char *pass, int keep, const struct auth_conv *,
    struct auth_result *res);
/* pam_setcred and pam_open_session for the pending person; fails when
 * nobody is pending or a session is already open. */
int pamtx_open(struct pamtx_state *, const struct auth_conv *,
    struct auth_result *res);
/* Ends the pending check, if any. */
void pamtx_abort(struct pamtx_state *);
/* pam_close_session, pam_setcred(PAM_DELETE_CRED) and pam_end for the open
 * session. */
int pamtx_close(struct pamtx_state *, const struct auth_conv *,
    struct auth_result *res);
/* Fills res for a failure at stage with the PAM code and detail. */
void pamtx_fail(struct auth_result *res, enum auth_stage stage, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The monitor protocol: every message is exactly one struct wire_msg,
 * sent as one SOCK_SEQPACKET packet; strings are NUL-terminated inside
 * their fields. */
enum wire_type {
	WIRE_CHECK = 1,		/* to monitor: user, text = password,
				 * flags WIRE_KEEP */
	WIRE_ANSWER,		/* to monitor: text = answer, or WIRE_CANCEL */
	WIRE_OPEN,		/* to monitor: open the pending session */
	WIRE_ABORT,		/* to monitor: forget the pending check */
	WIRE_CLOSE,		/* to monitor: close the open session */
	WIRE_PROMPT,		/* from monitor: text, flags WIRE_ECHO */
	WIRE_MESSAGE,		/* from monitor: text, flags WIRE_ERROR */
	WIRE_RESULT,		/* from monitor: stage, code, uid, roles, user,
				 * text = detail */
	WIRE_REJECT,		/* from monitor: a malformed or unexpected
				 * message was dropped; text says why */
};
#define WIRE_KEEP	0x1u
#define WIRE_CANCEL	0x1u
#define WIRE_ECHO	0x1u
#define WIRE_ERROR	0x1u

struct wire_msg {
	uint32_t	type;
	uint32_t	flags;
	int32_t		code;
	uint32_t	stage;
	uint32_t	uid;
	uint32_t	roles;
	char		user[AUTH_USER_MAX];
	char		text[AUTH_PASS_MAX];
};

#define WIRE_TO_MONITOR		0	/* directions for wire_check() */
#define WIRE_FROM_MONITOR	1

/* Sends one message; returns 0 or -1 (errno set). */
int wire_send(int fd, const struct wire_msg *);
/* Receives one message into *m.  Returns 1 when a well-formed message for
 * direction arrived, 0 at end of file, -1 on a socket error, and -2 for a
 * malformed message (*why says what was wrong; *m is wiped). */
int wire_recv(int fd, int direction, struct wire_msg *m, const char **why);
/* Checks a received packet of len bytes; NULL when it is well formed, else
 * what is wrong. */
const char *wire_check(const struct wire_msg *, size_t len, int direction);
/* Sends a WIRE_REJECT saying why. */
int wire_reject(int fd, const char *why);

/* The monitor side: serves requests on fd until end of file, then closes
 * what is still open.  Returns 0, or 1 after a socket error. */
int monitor_serve(int fd, const struct pamtx_cfg *);
/* Forks the monitor (which runs monitor_serve() and exits); returns its
 * pid with *fd set to this side's end, or -1 with *cause set. */
pid_t monitor_start(const struct pamtx_cfg *, int *fd, char **cause);

/* A wait for the monitor that may be given up (auth_on_gone()). */
struct auth_wait {
	int		(*gone)(void *);
	void		 *arg;
	int		  lost;		/* given up: the monitor is not used
					 * again */
};

/* The unprivileged side of the protocol: the pamtx_* operations carried
 * out by the monitor on fd.  A conversation in between is passed to conv;
 * w (may be NULL) says when to stop waiting for the answer. */
int remote_check(int fd, struct auth_wait *w, const char *user, char *pass,
    int keep, const struct auth_conv *, struct auth_result *res);
int remote_open(int fd, struct auth_wait *w, const struct auth_conv *,
    struct auth_result *res);
int remote_abort(int fd, struct auth_wait *w, struct auth_result *res);
int remote_close(int fd, struct auth_wait *w, const struct auth_conv *,
    struct auth_result *res);

/* The service account: looks it up (never uid 0), and drops this process
 * to it for good. */
int privdrop_lookup(const char *name, uid_t *uid, gid_t *gid, char **cause);
int privdrop_to(uid_t uid, gid_t gid, char **cause);

/* The state behind struct auth, shared by auth.c and idle.c. */
struct auth {
	struct pamtx_cfg	 pcfg;
	char			*service;
	char			*group[4];
	char			*tty;
	char			*password_help;
	int64_t			 idle_ms;

	int			 privsep;
	int			 fd;		/* to the monitor, or -1 */
	pid_t			 monitor;
	struct auth_wait	 wait;
	struct pamtx_state	 local;		/* without privilege separation */

	struct audit_log	*log;
	char			*terminal;

	int			 logged_in;
	int64_t			 login_seq;	/* of the login record, or -1 */
	int			 locked;
	void			(*on_replace)(void *);
	void			*on_replace_arg;
	char			 user[AUTH_USER_MAX];
	uid_t			 uid;
	unsigned		 roles;
	int64_t			 last_key_ms;
	unsigned		 login_need;	/* 0: any vigil role */
	char			 login_why[200];
};

/* auth_start() is auth_new() with AUTH_MODE_AUTO; the unit tests use the
 * other two to exercise both sides whoever runs them. */
#define AUTH_MODE_AUTO		0	/* root: monitor and drop; else in process */
#define AUTH_MODE_LOCAL		1	/* PAM in this process */
#define AUTH_MODE_MONITOR	2	/* a monitor, without dropping privileges */
struct auth *auth_new(const struct auth_config *, int mode, char **cause);

/* The person check, session opening and closing, through the monitor or
 * in this process. */
int auth_check(struct auth *, const char *user, char *pass, int keep,
    const struct auth_conv *, struct auth_result *res);
int auth_open(struct auth *, const struct auth_conv *, struct auth_result *res);
void auth_abort(struct auth *);
int auth_close(struct auth *, struct auth_result *res);
/* Checks the name and password before PAM sees them; 0, or -1 with *res
 * filled (stage AUTH_STAGE_INPUT). */
int auth_input_ok(const char *user, const char *pass, struct auth_result *res);
/* Appends one record: actor, action, and details (a JSON object text, or
 * NULL).  Returns 0 or -1 with *cause set. */
int auth_record(struct auth *, const char *actor, const char *action,
    const char *details, char **cause);
/* Records a failed check as "login-failed" with context ("login",
 * "unlock", "approval"), the name as typed and the stage, code and detail
 * of res; sets res->message for people. */
void auth_record_failure(struct auth *, const char *context,
    const char *typed, struct auth_result *res);

#endif
