/* term — the terminal's start-up and main loop: read the configuration,
 * start authentication (which drops root), open the audit log, then the
 * login screen, the screen after login and the idle lock. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "config/config.h"
#include "tui/cmd.h"
#include "tui/tui.h"
#include "util/util.h"

enum term_screen {
	TERM_LOGIN,
	TERM_HOME,
	TERM_LOCK,
};

struct term {
	struct config		*cfg;
	struct auth		*auth;
	struct audit_log	*log;
	char			*log_error;	/* why the log is not open */
	struct login		*login;
	enum term_screen	 screen;
	struct screen_state	 st;
	char			 log_state[32];
	char			 log_line[512];
	int			 log_bad;
	char			*terminal;
	unsigned		 idle_lock;
	int64_t			 since_ms;	/* login time */
	char			 status[640];	/* home screen's bottom line */
	int			 status_error;
};

static volatile sig_atomic_t term_signal;

static void term_on_signal(int);
static void term_signals(void);
static void term_log_info(struct term *);
static void term_draw(struct term *);
static void term_submit(struct term *);
static void term_lock(struct term *, const char *how);
static void term_logout(struct term *, const char *how);
static void term_checkpoint(struct term *);
static int term_key(struct term *, int key);
static int64_t term_next_minute(int64_t now);

static void
term_on_signal(int sig)
{
	term_signal = sig;
}

static void
term_signals(void)
{
	static const int ends[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = term_on_signal;
	for (i = 0; i < sizeof ends / sizeof ends[0]; i++)
		sigaction(ends[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* What the title bar and the login screen say about the audit log. */
static void
term_log_info(struct term *t)
{
	struct audit_ckpt_info ck;
	char *cause = NULL, ago[32];
	int64_t n, mins;
	int rc;

	if (t->log == NULL) {
		snprintf(t->log_state, sizeof t->log_state, "NOT OPEN");
		snprintf(t->log_line, sizeof t->log_line,
		    "audit log cannot be written: %s", t->log_error);
		t->log_bad = 1;
		return;
	}
	snprintf(t->log_state, sizeof t->log_state, "open");
	t->log_bad = 0;
	n = audit_count(t->log);
	rc = audit_checkpoint_latest(t->log, &ck, &cause);
	if (rc == 0) {
		mins = (clock_now_ms() - ck.time_ms) / 60000;
		if (mins < 1)
			snprintf(ago, sizeof ago, "just now");
		else if (mins < 120)
			snprintf(ago, sizeof ago, "%lld min ago", (long long)mins);
		else if (mins < 48 * 60)
			snprintf(ago, sizeof ago, "%lld h ago",
			    (long long)(mins / 60));
		else
			snprintf(ago, sizeof ago, "%lld days ago",
			    (long long)(mins / (24 * 60)));
		snprintf(t->log_line, sizeof t->log_line, "audit log: %lld "
		    "entries, checkpoint %lld (%s)", (long long)n,
		    (long long)ck.epoch, ago);
	} else if (rc == 1) {
		snprintf(t->log_line, sizeof t->log_line, "audit log: %lld "
		    "entries, no checkpoint yet", (long long)n);
	} else {
		snprintf(t->log_line, sizeof t->log_line, "audit log: %lld "
		    "entries; checkpoint unreadable: %s", (long long)n,
		    cause != NULL ? cause : "error");
		t->log_bad = 1;
		free(cause);
	}
}

static void
term_draw(struct term *t)
{
	term_log_info(t);
	t->st.user = t->screen == TERM_HOME ? auth_user(t->auth) : NULL;
	t->st.roles = t->screen == TERM_HOME ? auth_roles(t->auth) : 0;
	t->st.log_state = t->log_state;
	t->st.log_bad = t->log_bad;
	if (t->screen == TERM_HOME)
		home_draw(&t->st, t->auth, t->since_ms, t->terminal,
		    t->idle_lock, t->status[0] != '\0' ? t->status : NULL,
		    t->status_error);
	else
		login_draw(t->login, &t->st, t->log_line, t->log_bad);
}

/* Tries the name and password on the form. */
static void
term_submit(struct term *t)
{
	struct auth_result res;
	struct auth_conv conv;
	int rc, replaced;

	if (login_user(t->login)[0] == '\0') {
		login_clear_password(t->login);
		login_reset(t->login, t->screen == TERM_LOCK ? LOGIN_MODE_LOCK :
		    LOGIN_MODE_LOGIN);
		login_status(t->login, 1, "Enter your user name first.");
		return;
	}
	login_status(t->login, 0, NULL);
	login_status(t->login, 0, screen_utf8() ? "Checking…" : "Checking...");
	term_draw(t);
	login_conv(t->login, &conv, &t->st, t->log_line, t->log_bad,
	    &term_signal);
	rc = auth_login(t->auth, login_user(t->login), login_password(t->login),
	    &conv, &res);
	login_clear_password(t->login);
	if (rc == -1) {
		if (t->screen == TERM_LOCK && auth_user(t->auth) == NULL) {
			/* The locked session was closed for someone whose own
			 * session then failed to open: nobody is left. */
			login_set_mode(t->login, LOGIN_MODE_LOGIN);
			t->screen = TERM_LOGIN;
		}
		login_status(t->login, 1, res.message);
		return;
	}
	t->status[0] = '\0';
	replaced = rc == 0 && t->screen == TERM_LOCK;
	if (rc == 0)
		t->since_ms = clock_now_ms();
	t->screen = TERM_HOME;
	login_reset(t->login, LOGIN_MODE_LOGIN);
	/* Logging in over a locked session ended that session. */
	if (replaced)
		term_checkpoint(t);
}

/* Locks: the screen is wiped first, then the lock is recorded. */
static void
term_lock(struct term *t, const char *how)
{
	char *cause = NULL;

	clear();
	refresh();
	login_reset(t->login, LOGIN_MODE_LOCK);
	t->screen = TERM_LOCK;
	if (idle_lock(t->auth, how, &cause) == -1) {
		login_status(t->login, 1, "The lock could not be written to the "
		    "audit log.");
		free(cause);
	}
}

/* A checkpoint whenever a session ends (vigil-audit(5)); a failure is
 * shown on the login screen. */
static void
term_checkpoint(struct term *t)
{
	char *cause = NULL, msg[600];

	if (t->log == NULL || audit_checkpoint(t->log, &cause) != -1)
		return;
	snprintf(msg, sizeof msg, "The audit log's checkpoint failed: %s.",
	    cause != NULL ? cause : "error");
	free(cause);
	if (t->screen == TERM_HOME) {
		snprintf(t->status, sizeof t->status, "%s", msg);
		t->status_error = 1;
	} else {
		login_status(t->login, 1, msg);
	}
}

static void
term_logout(struct term *t, const char *how)
{
	char *cause = NULL, msg[600];

	if (auth_logout(t->auth, how, &cause) == -1) {
		snprintf(msg, sizeof msg, "Logged out, but the logout could not "
		    "be written to the audit log: %s.", cause);
		free(cause);
		login_reset(t->login, LOGIN_MODE_LOGIN);
		login_status(t->login, 1, msg);
	} else {
		login_reset(t->login, LOGIN_MODE_LOGIN);
		login_status(t->login, 0, "Logged out.");
	}
	t->screen = TERM_LOGIN;
	term_checkpoint(t);
}

/* Handles one key; returns 1 to leave vigil. */
static int
term_key(struct term *t, int key)
{
	if (key == KEY_RESIZE)
		return 0;
	if (t->screen == TERM_HOME) {
		t->status[0] = '\0';
		if (key == 'l' || key == 'L') {
			term_lock(t, "user");
		} else if (key == 'q' || key == 'Q') {
			/* Unanswered, the question gives way to the idle lock. */
			if (screen_confirm("Log out?", (int)idle_left(t->auth,
			    clock_now_ms())))
				term_logout(t, "user");
		} else {
			snprintf(t->status, sizeof t->status,
			    "Keys here: l to lock, q to log out.");
			t->status_error = 0;
		}
		return 0;
	}
	switch (login_key(t->login, key)) {
	case LOGIN_SUBMIT:
		term_submit(t);
		break;
	case LOGIN_QUIT:
		return 1;
	case LOGIN_LOGOUT:
		if (screen_confirm("End the locked session (log it out)?", 60000))
			term_logout(t, "lock-screen");
		break;
	case LOGIN_NONE:
		break;
	}
	return 0;
}

/* Milliseconds until the clock in the title bar changes. */
static int64_t
term_next_minute(int64_t now)
{
	return 60000 - now % 60000 + 5;
}

int
tui_run(const char *config)
{
	struct auth_config acfg;
	struct term t;
	char *cause = NULL;
	int64_t now, wait, left;
	int key, quit = 0, i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vigil: the review terminal needs a terminal on "
		    "standard input and output (run 'vigil --help' for the "
		    "commands)\n");
		return 2;
	}
	memset(&t, 0, sizeof t);
	if (config_load(config, &t.cfg, &cause) < 0) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return 2;
	}

	memset(&acfg, 0, sizeof acfg);
	for (i = 0; i < CONFIG_NROLES; i++)
		acfg.group[i] = config_group(t.cfg, (enum config_role)i);
	acfg.idle_lock = config_idle_lock(t.cfg) > 0 ?
	    (unsigned)config_idle_lock(t.cfg) : 0;
	t.idle_lock = acfg.idle_lock;
	/* Forks the monitor and drops root when started as root; nothing
	 * below runs privileged. */
	if ((t.auth = auth_start(&acfg, &cause)) == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		config_free(t.cfg);
		return 1;
	}
	t.log = audit_open(config_audit_db(t.cfg), config_audit_state(t.cfg), 0,
	    &t.log_error);
	if (t.log != NULL)
		audit_set_checkpoint_every(t.log, config_checkpoint_every(t.cfg));
	auth_attach_log(t.auth, t.log, NULL);
	t.terminal = terminal_name_self();
	t.st.site = config_site_name(t.cfg);
	t.st.privsep = auth_privsep(t.auth);
	t.login = login_new();
	t.screen = TERM_LOGIN;

	term_signals();
	screen_init();
	term_draw(&t);

	if (t.log != NULL) {
		char *who = user_name_self();

		if (config_log_loaded(t.cfg, t.log, who, &cause) == -1) {
			login_status(t.login, 1, "The configuration could not be "
			    "recorded in the audit log.");
			free(cause);
			cause = NULL;
		}
		free(who);
	}

	while (!quit) {
		if (term_signal != 0)
			break;
		term_draw(&t);
		now = clock_now_ms();
		wait = term_next_minute(now);
		left = idle_left(t.auth, now);
		if (left >= 0 && left < wait)
			wait = left;
		key = screen_getkey((int)wait);
		if (key == SCREEN_HANGUP) {
			term_signal = SIGHUP;
			break;
		}
		/* Every key waiting is handled before the next draw. */
		while (key != ERR && !quit) {
			idle_touch(t.auth, clock_now_ms());
			quit = term_key(&t, key);
			if (term_signal != 0)
				break;
			key = screen_getkey(0);
			if (key == SCREEN_HANGUP) {
				term_signal = SIGHUP;
				break;
			}
		}
		if (t.screen == TERM_HOME && idle_left(t.auth, clock_now_ms()) == 0)
			term_lock(&t, "idle");
	}

	if (auth_user(t.auth) != NULL) {
		auth_logout(t.auth, term_signal == SIGHUP ? "hangup" :
		    term_signal != 0 ? "signal" : "exit", NULL);
		if (t.log != NULL)
			audit_checkpoint(t.log, NULL);
	}
	screen_end();
	login_free(t.login);
	auth_free(t.auth);
	if (t.log != NULL)
		audit_close(t.log);
	free(t.log_error);
	free(t.terminal);
	config_free(t.cfg);
	sodium_memzero(&t, sizeof t);
	return 0;
}
