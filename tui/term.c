/* term — the terminal's main loop: after session/start.c has started the
 * process (configuration, monitor, audit log, recovery, catalog), the
 * scan of the catalog, the login screen, the footage browser, the reason
 * dialog, the player screen and the idle lock.  One poll() waits on the
 * keyboard, the player and a self-pipe for signals, with a timeout only
 * for the next deadline (the clock, the idle lock, the player's
 * checkpoint, the heartbeat). */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "tui/tui.h"
#include "util/util.h"

enum term_screen {
	TERM_LOGIN,
	TERM_HOME,		/* logged in without the viewer role */
	TERM_BROWSER,
	TERM_REASON,
	TERM_PLAY,
	TERM_HELP,		/* over the browser or the player */
	TERM_LOCK,
	TERM_EXPORT,		/* the export wizard (wizard.c) */
	TERM_REVIEW,		/* the audit review (review.c) */
};

struct term {
	struct session_start	*start;		/* owns the handles below */
	struct config		*cfg;
	struct auth		*auth;
	struct audit_log	*log;
	char			*log_error;	/* why the log is not open */
	struct catalog		*cat;
	char			*cat_error;	/* why it is not open */
	struct login		*login;
	struct browser		*browser;
	struct reason		*reason;
	struct playscreen	*play;
	struct wizard		*wizard;
	struct review		*review;
	enum term_screen	 screen;
	enum term_screen	 help_of;	/* TERM_HELP: over this one */
	struct screen_state	 st;
	char			 log_state[48];
	char			 log_line[512];
	int			 log_bad;
	char			*terminal;
	unsigned		 idle_lock;
	int64_t			 since_ms;	/* login time */
	char			 status[700];	/* the bottom line */
	int			 status_error;
	char			 recovered[300];
	char			 scan_error[600];
	int			 probing;	/* segments wait to be read */
	enum term_screen	 held_screen;	/* a view held by the lock */
	struct audit_quick	 quick;		/* the check at start */
	int			 quick_done;
	char			 pin_bad[200];	/* not the pinned log: why */
	int64_t			 heartbeat_next;	/* next look, ms */
	char			 heartbeat_error[300];	/* the last failed */
};

#define TERM_HEARTBEAT_LOOK_MS	15000

static volatile sig_atomic_t term_signal;	/* one that ends vigil */
static volatile sig_atomic_t term_winch;
static int term_pipe[2] = { -1, -1 };

static void term_on_signal(int);
static int term_gone(void *);
static void term_signals(void);
static void term_log_info(struct term *);
static void term_draw(struct term *);
static void term_submit(struct term *);
static void term_enter(struct term *);
static void term_lock(struct term *, const char *how);
static void term_on_replace(void *);
static void term_logout(struct term *, const char *how);
static void term_checkpoint(struct term *);
static int term_key(struct term *, int key);
static void term_play(struct term *);
static void term_view_over(struct term *);
static void term_export(struct term *);
static void term_scan(struct term *);
static void term_resize(struct term *);
static int64_t term_next_minute(int64_t now);
static void term_probe(struct term *);
static int term_pin_refuses(struct term *, const char *what);
static void term_heartbeat(struct term *, int64_t now);

static void
term_on_signal(int sig)
{
	int saved = errno;
	char b = (char)sig;

	if (sig == SIGWINCH)
		term_winch = 1;
	else
		term_signal = sig;
	if (sig == SIGHUP)
		screen_note_hangup();
	(void)!write(term_pipe[1], &b, 1);
	errno = saved;
}

/* Whether to stop waiting for the monitor: vigil is ending. */
static int
term_gone(void *arg)
{
	(void)arg;
	return term_signal != 0 || screen_hungup();
}

static void
term_signals(void)
{
	static const int ends[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT,
	    SIGWINCH };
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
	struct audit_verify_result vr;
	char *cause = NULL, ago[32], verdict[32];
	int64_t n, mins;
	int rc, bad, pc;

	if (t->log == NULL) {
		snprintf(t->log_state, sizeof t->log_state, "NOT OPEN");
		snprintf(t->log_line, sizeof t->log_line,
		    "audit log cannot be written: %s", t->log_error);
		t->log_bad = 1;
		return;
	}
	if (t->pin_bad[0] != '\0') {
		snprintf(t->log_state, sizeof t->log_state, "BROKEN");
		snprintf(t->log_line, sizeof t->log_line, "audit log BROKEN: %s",
		    t->pin_bad);
		t->log_bad = 1;
		return;
	}
	/* A heartbeat that could not be logged: the log cannot be written
	 * now, whatever it held. */
	if (t->heartbeat_error[0] != '\0') {
		snprintf(t->log_state, sizeof t->log_state, "BROKEN");
		snprintf(t->log_line, sizeof t->log_line, "audit log BROKEN: the "
		    "heartbeat could not be logged: %s", t->heartbeat_error);
		t->log_bad = 1;
		return;
	}
	/* A checkpoint that could not be made (the entries are logged;
	 * vigil-audit(5), CHECKPOINTS): said at once, whatever the
	 * verification at start found. */
	if (audit_checkpoint_failure(t->log) != NULL) {
		snprintf(t->log_state, sizeof t->log_state, "BROKEN");
		snprintf(t->log_line, sizeof t->log_line, "audit log BROKEN: %s",
		    audit_checkpoint_failure(t->log));
		t->log_bad = 1;
		return;
	}
	logstate_text(verdict, sizeof verdict, &bad);
	snprintf(t->log_state, sizeof t->log_state, "%s", verdict);
	t->log_bad = bad;
	/* Until the full verification says more, the quick check's finding
	 * stands. */
	if (t->quick_done && t->quick.verdict == AUDIT_QUICK_BAD &&
	    strncmp(verdict, "verifying", 9) == 0) {
		snprintf(t->log_state, sizeof t->log_state, "BROKEN");
		snprintf(t->log_line, sizeof t->log_line, "audit log BROKEN: %s",
		    t->quick.detail);
		t->log_bad = 1;
		return;
	}
	if (logstate_result(&vr, &pc) == LOGSTATE_DONE &&
	    vr.fault != AUDIT_OK) {
		snprintf(t->log_line, sizeof t->log_line, "audit log BROKEN: %s",
		    vr.detail);
		return;
	}
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
		if (t->quick_done && t->quick.verdict == AUDIT_QUICK_OK &&
		    t->quick.epoch == ck.epoch)
			snprintf(t->log_line, sizeof t->log_line, "audit log: "
			    "checkpoint %lld checked, %s", (long long)ck.epoch,
			    ago);
		else
			snprintf(t->log_line, sizeof t->log_line, "audit log: "
			    "%lld entries, checkpoint %lld (%s)", (long long)n,
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
	/* The log is sound, but the collector did not get its newest
	 * checkpoint: said first (the line is cut to the screen), as the
	 * silence will show in a witness check. */
	if (audit_witness_failure(t->log) != NULL && !t->log_bad)
		snprintf(t->log_line, sizeof t->log_line, "audit log: %s",
		    audit_witness_failure(t->log));
}

static void
term_draw(struct term *t)
{
	int logged = t->screen != TERM_LOGIN && t->screen != TERM_LOCK;
	const char *status = t->status[0] != '\0' ? t->status : NULL;

	term_log_info(t);
	t->st.user = logged ? auth_user(t->auth) : NULL;
	t->st.roles = logged ? auth_roles(t->auth) : 0;
	t->st.log_state = t->log_state;
	t->st.log_bad = t->log_bad;
	switch (t->screen) {
	case TERM_HOME:
		home_draw(&t->st, t->auth, t->since_ms, t->terminal,
		    t->idle_lock, status, t->status_error);
		break;
	case TERM_BROWSER:
		browser_draw(t->browser, &t->st, status, t->status_error);
		break;
	case TERM_REASON:
		reason_draw(t->reason, &t->st);
		break;
	case TERM_PLAY:
		playscreen_draw(t->play, &t->st);
		break;
	case TERM_EXPORT:
		wizard_draw(t->wizard, &t->st);
		break;
	case TERM_REVIEW:
		review_draw(t->review, &t->st);
		break;
	case TERM_HELP:
		help_draw(t->help_of == TERM_PLAY ? HELP_PLAYER : HELP_BROWSER,
		    &t->st);
		break;
	default:
		login_draw(t->login, &t->st, t->log_line, t->log_bad);
		break;
	}
}

/* Scans the recorder's names (incremental) and reads the browser's data
 * again; a share that is not there is said on the status line. */
static void
term_scan(struct term *t)
{
	struct catalog_scan_report rep;
	struct catalog_state cs;
	char *cause = NULL;

	t->scan_error[0] = '\0';
	if (t->cat == NULL) {
		snprintf(t->scan_error, sizeof t->scan_error, "The footage "
		    "catalog cannot be opened: %s", t->cat_error);
		return;
	}
	memset(&rep, 0, sizeof rep);
	t->probing = 1;
	if (catalog_scan(t->cat, 0, &rep, &cause) == -1) {
		snprintf(t->scan_error, sizeof t->scan_error, "The recorder "
		    "cannot be read (%s); the catalog is as last scanned.",
		    cause);
		free(cause);
		return;
	}
	catalog_scan_report_free(&rep);
	if (catalog_state(t->cat, &cs, NULL) == 0 && cs.pending == 0)
		t->probing = 0;
}

/* Reads the containers of a few segments the scan found (their lengths
 * and whether they are damaged) while nothing else is going on. */
static void
term_probe(struct term *t)
{
	static int quiet;
	char *cause = NULL;
	int64_t left = 0;

	/* The FFmpeg libraries load at first use: only when there is
	 * something to read. */
	if (!quiet) {
		probe_silence_libav();
		quiet = 1;
	}

	if (t->cat == NULL || catalog_probe(t->cat, 16, &left, &cause) == -1) {
		/* Why (FFmpeg cannot be loaded, say) goes on the browser's
		 * problem line; the segments stay pending. */
		if (cause != NULL && t->browser != NULL)
			browser_problem(t->browser, cause);
		free(cause);
		t->probing = 0;
		return;
	}
	if (left == 0)
		t->probing = 0;
	if (t->screen == TERM_BROWSER || left == 0)
		browser_reload(t->browser);
}

/* The audit review, for auditors (logged as audit-review "enter"). */
static void
term_review(struct term *t)
{
	if ((auth_roles(t->auth) & ROLE_AUDITOR) == 0) {
		snprintf(t->status, sizeof t->status, "The audit review needs "
		    "the auditor role.");
		t->status_error = 1;
		return;
	}
	t->status[0] = '\0';
	review_enter(t->review, auth_user(t->auth));
	t->screen = TERM_REVIEW;
}

/* After a login or an unlock: the browser for viewers, the audit review
 * for other auditors, else the home screen. */
static void
term_enter(struct term *t)
{
	char when[16];
	struct tm tm;
	time_t s = (time_t)(t->since_ms / 1000);

	localtime_r(&s, &tm);
	strftime(when, sizeof when, "%H:%M", &tm);
	snprintf(t->status, sizeof t->status, "Logged in as %s since %s on %s.",
	    auth_user(t->auth), when, t->terminal);
	t->status_error = 0;
	if ((auth_roles(t->auth) & ROLE_VIEWER) == 0) {
		t->status[0] = '\0';
		t->screen = TERM_HOME;
		if (auth_roles(t->auth) & ROLE_AUDITOR)
			term_review(t);
		return;
	}
	t->screen = TERM_BROWSER;
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
	replaced = rc == 0 && t->screen == TERM_LOCK;
	if (rc == 0) {
		/* A new session: nothing of the last one's carries over. */
		t->since_ms = clock_now_ms();
		reason_forget(t->reason);
		review_forget(t->review);
		browser_free(t->browser);
		term_scan(t);
		t->browser = browser_new(t->cfg, t->cat);
		browser_problem(t->browser, t->scan_error);
	}
	login_reset(t->login, LOGIN_MODE_LOGIN);
	if (rc == 1 && t->held_screen == TERM_REVIEW) {
		/* Back into the review where it was (not entered anew). */
		t->screen = TERM_REVIEW;
		t->status[0] = '\0';
	} else {
		term_enter(t);
	}
	if (rc == 1 && t->held_screen == TERM_PLAY &&
	    playscreen_held(t->play)) {
		/* Back into the paused view. */
		playscreen_release(t->play, 0);
		t->screen = TERM_PLAY;
		t->status[0] = '\0';
		clearok(curscr, TRUE);
	}
	if (rc == 1 && t->held_screen == TERM_EXPORT &&
	    wizard_active(t->wizard)) {
		t->screen = TERM_EXPORT;
		t->status[0] = '\0';
	}
	t->held_screen = TERM_LOGIN;
	/* Logging in over a locked session ended that session. */
	if (replaced)
		term_checkpoint(t);
	if (rc == 0 && t->recovered[0] != '\0' &&
	    (auth_roles(t->auth) & ROLE_VIEWER)) {
		snprintf(t->status, sizeof t->status, "%s", t->recovered);
		t->recovered[0] = '\0';
	}
}

/* Locks: a view under way is paused and its picture switched off, the
 * screen is wiped of footage and names, then the lock is recorded.  The view
 * stays open: the same person unlocks back into it (still paused); someone
 * else logging in ends it first (term_on_replace()). */
static void
term_lock(struct term *t, const char *how)
{
	char *cause = NULL;

	t->held_screen = t->screen == TERM_REVIEW ? TERM_REVIEW : TERM_LOGIN;
	if (wizard_active(t->wizard)) {
		/* Its picture ends; an export under way goes on. */
		wizard_lock(t->wizard);
		t->held_screen = TERM_EXPORT;
	}
	if (playscreen_active(t->play)) {
		if (playscreen_hold(t->play, &cause) == 0) {
			t->held_screen = t->screen == TERM_HELP ? t->help_of :
			    t->screen;
		} else {
			/* A picture that cannot be hidden must not stay up
			 * behind the lock: the view ends. */
			free(cause);
			cause = NULL;
			playscreen_end(t->play, "lock", NULL);
		}
	}
	clear();
	refresh();
	login_reset(t->login, LOGIN_MODE_LOCK);
	t->screen = TERM_LOCK;
	t->status[0] = '\0';
	if (idle_lock(t->auth, how, &cause) == -1) {
		login_status(t->login, 1, "The lock could not be written to the "
		    "audit log.");
		free(cause);
	}
}

/* Someone else authenticated on the lock screen: the locked person's view
 * ends (view-end "replaced") before their session is logged out. */
static void
term_on_replace(void *arg)
{
	struct term *t = arg;

	if (playscreen_active(t->play))
		playscreen_end(t->play, "replaced", NULL);
	wizard_abandon(t->wizard, "replaced");
	t->held_screen = TERM_LOGIN;
}

static void
term_logout(struct term *t, const char *how)
{
	char *cause = NULL, msg[600];

	if (playscreen_active(t->play))
		playscreen_end(t->play, "logout", NULL);
	wizard_abandon(t->wizard, "logout");
	reason_forget(t->reason);
	review_forget(t->review);
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
	t->status[0] = '\0';
	t->screen = TERM_LOGIN;
	term_checkpoint(t);
}

/* A checkpoint whenever a session ends (vigil-audit(5)); a failure is
 * shown on the login screen, or the status line after a replacement. */
static void
term_checkpoint(struct term *t)
{
	char *cause = NULL, msg[600];

	if (t->log == NULL || audit_checkpoint(t->log, &cause) != -1)
		return;
	snprintf(msg, sizeof msg, "The audit log's checkpoint failed: %s.",
	    cause != NULL ? cause : "error");
	free(cause);
	if (t->screen != TERM_LOGIN && t->screen != TERM_LOCK) {
		snprintf(t->status, sizeof t->status, "%s", msg);
		t->status_error = 1;
	} else {
		login_status(t->login, 1, msg);
	}
}

/* The reason was confirmed: start the view. */
static void
term_play(struct term *t)
{
	const char *camera;
	int64_t from, to;
	char *cause = NULL;

	if (browser_range(t->browser, &camera, &from, &to, &cause) == -1) {
		reason_error(t->reason, cause);
		free(cause);
		return;
	}
	if (playscreen_start(t->play, auth_user(t->auth), camera, from, to,
	    reason_code(t->reason), reason_reference(t->reason),
	    reason_authority(t->reason), reason_note(t->reason),
	    reason_reused(t->reason), &cause) == -1) {
		/* Back to the browser with the refusal in red. */
		snprintf(t->status, sizeof t->status, "%s", cause);
		t->status_error = 1;
		free(cause);
		t->screen = TERM_BROWSER;
		return;
	}
	t->status[0] = '\0';
	t->screen = TERM_PLAY;
}

/* Invariant 1 for a log that is not the pinned one: what would be logged
 * there proves nothing, so footage is neither shown nor exported.  Says
 * so and returns 1 then. */
static int
term_pin_refuses(struct term *t, const char *what)
{
	if (t->pin_bad[0] == '\0')
		return 0;
	snprintf(t->status, sizeof t->status, "%s: the audit log is BROKEN "
	    "(%s). The DPO checks it on the integrity panel.", what, t->pin_bad);
	t->status_error = 1;
	return 1;
}

/* e in the browser: the export wizard, for the exporter role only. */
static void
term_export(struct term *t)
{
	const char *camera;
	int64_t from, to;
	char *cause = NULL, roles[64];

	if ((auth_roles(t->auth) & ROLE_EXPORTER) == 0) {
		snprintf(t->status, sizeof t->status, "Exports need the exporter "
		    "role; %s has %s.", auth_user(t->auth),
		    roles_format(auth_roles(t->auth), roles, sizeof roles));
		t->status_error = 1;
		return;
	}
	if (term_pin_refuses(t, "No export"))
		return;
	if (browser_range(t->browser, &camera, &from, &to, &cause) == -1) {
		snprintf(t->status, sizeof t->status, "%s", cause);
		t->status_error = 1;
		free(cause);
		return;
	}
	wizard_open(t->wizard, camera, from, to);
	t->screen = TERM_EXPORT;
}

/* The view ended: back to the browser, the cursor where it stopped. */
static void
term_view_over(struct term *t)
{
	const char *msg;
	int err;

	if (playscreen_end_position(t->play) > 0)
		browser_set_cursor(t->browser, playscreen_end_position(t->play));
	msg = playscreen_message(t->play, &err);
	snprintf(t->status, sizeof t->status, "%s", msg != NULL ? msg : "");
	t->status_error = err;
	if (t->screen == TERM_PLAY || (t->screen == TERM_HELP &&
	    t->help_of == TERM_PLAY))
		t->screen = TERM_BROWSER;
	clearok(curscr, TRUE);
}

/* Handles one key; returns 1 to leave vigil. */
static int
term_key(struct term *t, int key)
{
	int64_t idle = idle_left(t->auth, clock_now_ms());

	if (key == KEY_RESIZE)
		return 0;
	switch (t->screen) {
	case TERM_HOME:
		t->status[0] = '\0';
		if (key == 'l' || key == 'L') {
			term_lock(t, "user");
		} else if ((key == 'a' || key == 'A') &&
		    (auth_roles(t->auth) & ROLE_AUDITOR)) {
			term_review(t);
		} else if (key == 'q' || key == 'Q') {
			/* Unanswered, the question gives way to the idle lock. */
			if (screen_confirm("Log out?", (int)idle))
				term_logout(t, "user");
		} else {
			snprintf(t->status, sizeof t->status, "Keys here: %sl "
			    "to lock, q to log out.", auth_roles(t->auth) &
			    ROLE_AUDITOR ? "a for the audit review, " : "");
			t->status_error = 0;
		}
		return 0;
	case TERM_BROWSER:
		t->status[0] = '\0';
		switch (browser_key(t->browser, key, idle)) {
		case BROWSER_PLAY: {
			const char *camera;
			int64_t from, to;
			char *cause = NULL;

			if (term_pin_refuses(t, "No playback"))
				break;
			if (browser_range(t->browser, &camera, &from, &to,
			    &cause) == -1) {
				snprintf(t->status, sizeof t->status, "%s",
				    cause);
				t->status_error = 1;
				free(cause);
				break;
			}
			reason_open(t->reason, auth_user(t->auth), camera, from,
			    to, clock_now_ms());
			reason_coverage(t->reason, t->cat);
			t->screen = TERM_REASON;
			break;
		}
		case BROWSER_LOGOUT:
			term_logout(t, "user");
			break;
		case BROWSER_LOCK:
			term_lock(t, "user");
			break;
		case BROWSER_HELP:
			t->help_of = TERM_BROWSER;
			t->screen = TERM_HELP;
			break;
		case BROWSER_EXPORT:
			term_export(t);
			break;
		case BROWSER_REVIEW:
			term_review(t);
			break;
		case BROWSER_NONE:
			break;
		}
		return 0;
	case TERM_REASON:
		switch (reason_key(t->reason, key)) {
		case REASON_CANCEL:
			snprintf(t->status, sizeof t->status, "Cancelled: "
			    "nothing was played.");
			t->status_error = 0;
			t->screen = TERM_BROWSER;
			break;
		case REASON_CONFIRM:
			term_play(t);
			break;
		case REASON_NONE:
			break;
		}
		return 0;
	case TERM_PLAY:
		switch (playscreen_key(t->play, key)) {
		case 1:
			term_view_over(t);
			break;
		case 2:
			t->help_of = TERM_PLAY;
			t->screen = TERM_HELP;
			/* A picture in the terminal would draw over the help:
			 * paused and off while it is up. */
			if (playscreen_on_terminal(t->play)) {
				char *why = NULL;

				if (playscreen_hold(t->play, &why) == -1) {
					free(why);
					t->screen = TERM_PLAY;
				}
			}
			clearok(curscr, TRUE);
			break;
		case 3:
			/* L: paused and its picture off before the lock screen,
			 * as the idle lock does. */
			term_lock(t, "user");
			break;
		}
		return 0;
	case TERM_EXPORT:
		if (wizard_key(t->wizard, key) == WIZARD_CLOSED) {
			const char *msg = wizard_message(t->wizard,
			    &t->status_error);

			snprintf(t->status, sizeof t->status, "%s",
			    msg != NULL ? msg : "");
			t->screen = TERM_BROWSER;
			clearok(curscr, TRUE);
		}
		return 0;
	case TERM_REVIEW:
		switch (review_key(t->review, key)) {
		case REVIEW_BACK:
			t->screen = auth_roles(t->auth) & ROLE_VIEWER ?
			    TERM_BROWSER : TERM_HOME;
			break;
		case REVIEW_LOCK:
			term_lock(t, "user");
			break;
		case REVIEW_NONE:
			break;
		}
		return 0;
	case TERM_HELP:
		t->screen = t->help_of == TERM_PLAY &&
		    !playscreen_active(t->play) ? TERM_BROWSER : t->help_of;
		if (t->screen == TERM_PLAY)
			playscreen_release(t->play, 1);
		clearok(curscr, TRUE);
		return 0;
	default:
		break;
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

/* The terminal's new size, from the kernel (vigil's own SIGWINCH handler
 * replaces curses'). */
static void
term_resize(struct term *t)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	playscreen_resize(t->play);
	if (wizard_active(t->wizard))
		wizard_resize(t->wizard);
	clearok(curscr, TRUE);
}

/* Milliseconds until the clock in the title bar changes. */
static int64_t
term_next_minute(int64_t now)
{
	return 60000 - now % 60000 + 5;
}

/* The heartbeat (vigil-audit(5), WITNESS): a checkpoint at least every
 * heartbeat_minutes, so that the collector hears from the log while
 * nobody works.  Looked at every TERM_HEARTBEAT_LOOK_MS; the log decides
 * under its lock whether one is due, so several terminals make one.  A
 * checkpoint that fails shows as BROKEN (audit_checkpoint_failure()), an
 * append that fails too (the log line says why), and both are tried
 * again at the next look. */
static void
term_heartbeat(struct term *t, int64_t now)
{
	char *cause = NULL;

	if (t->log == NULL || now < t->heartbeat_next)
		return;
	t->heartbeat_next = now + TERM_HEARTBEAT_LOOK_MS;
	if (audit_heartbeat(t->log, now,
	    (int64_t)config_heartbeat_minutes(t->cfg) * 60000, t->terminal,
	    &cause) == -1) {
		snprintf(t->heartbeat_error, sizeof t->heartbeat_error, "%s",
		    cause != NULL ? cause : "error");
		free(cause);
	} else
		t->heartbeat_error[0] = '\0';
}

int
tui_run(const char *config)
{
	struct pollfd pfd[5];
	struct term t;
	char *cause = NULL, drain[64];
	int64_t now, wait, left;
	int key, quit = 0, i, nfd, rc, ev, play_fd, nwfd, wfd[2];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vigil: the review terminal needs a terminal on "
		    "standard input and output (run 'vigil --help' for the "
		    "commands)\n");
		return 2;
	}
	memset(&t, 0, sizeof t);
	/* What is not drawing: session/start.c. */
	if ((t.start = start_open(config, &rc, &cause)) == NULL) {
		fprintf(stderr, "vigil: %s\n", cause);
		free(cause);
		return rc;
	}
	t.cfg = t.start->cfg;
	t.auth = t.start->auth;
	t.log = t.start->log;
	t.log_error = t.start->log_error;
	t.cat = t.start->cat;
	t.cat_error = t.start->cat_error;
	t.terminal = t.start->terminal;
	t.quick = t.start->quick;
	t.quick_done = t.start->quick_done;
	snprintf(t.pin_bad, sizeof t.pin_bad, "%s", t.start->pin_bad);
	snprintf(t.recovered, sizeof t.recovered, "%s", t.start->recovered);
	t.idle_lock = config_idle_lock(t.cfg) > 0 ?
	    (unsigned)config_idle_lock(t.cfg) : 0;
	if (pipe2(term_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "vigil: pipe: %s\n", strerror(errno));
		start_close(t.start);
		return 1;
	}
	auth_on_replace(t.auth, term_on_replace, &t);
	auth_on_gone(t.auth, term_gone, NULL);
	if (t.log != NULL) {
		uint8_t pin_id[AUDIT_LOGID_LEN], pin_pk[AUDIT_PK_LEN];

		/* The title bar says UNPINNED where it would say intact
		 * without a pin. */
		if (config_log_pin(t.cfg, pin_id, pin_pk) == 1)
			logstate_pin(pin_id, pin_pk);
		else
			logstate_pin(NULL, NULL);
		logstate_start(config_audit_db(t.cfg), term_pipe[1]);
	}
	t.st.site = config_site_name(t.cfg);
	t.st.privsep = auth_privsep(t.auth);
	t.login = login_new();
	t.reason = reason_new(t.cfg);
	t.play = playscreen_new(t.cfg, t.cat, t.log, t.terminal);
	t.wizard = wizard_new(t.cfg, t.cat, t.log, t.auth, t.terminal);
	t.review = review_new(t.cfg, t.log, t.terminal);
	term_scan(&t);
	t.browser = browser_new(t.cfg, t.cat);
	t.screen = TERM_LOGIN;
	playscreen_prepare(t.play);

	screen_init();
	term_signals();
	term_draw(&t);

	if (t.log != NULL) {
		char *who = user_name_self();

		if (logconf_record(t.cfg, t.log, who, &cause) == -1) {
			login_status(t.login, 1, "The configuration could not be "
			    "recorded in the audit log.");
			free(cause);
			cause = NULL;
		}
		free(who);
	}

	while (!quit && term_signal == 0) {
		term_draw(&t);
		now = clock_now_ms();
		wait = term_next_minute(now);
		left = idle_left(t.auth, now);
		if (left >= 0 && left < wait)
			wait = left;
		left = playscreen_wait(t.play, now);
		if (left >= 0 && left < wait)
			wait = left;
		left = wizard_wait(t.wizard, now);
		if (left >= 0 && left < wait)
			wait = left;
		if (t.log != NULL && t.heartbeat_next - now < wait)
			wait = t.heartbeat_next > now ? t.heartbeat_next - now : 0;
		/* Segments to read: only while nothing else waits. */
		if (t.probing && t.screen != TERM_PLAY)
			wait = 0;

		pfd[0].fd = STDIN_FILENO;
		pfd[1].fd = term_pipe[0];
		pfd[2].fd = playscreen_fd(t.play);
		nfd = pfd[2].fd >= 0 ? 3 : 2;
		play_fd = nfd == 3;
		nwfd = wizard_fds(t.wizard, wfd);
		for (i = 0; i < nwfd; i++)
			pfd[nfd++].fd = wfd[i];
		for (i = 0; i < nfd; i++) {
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		/* Keys curses already read are not waiting on stdin. */
		key = screen_getch();
		if (key == ERR) {
			rc = poll(pfd, (nfds_t)nfd, (int)wait);
			if (rc == -1 && errno != EINTR)
				fatal("poll: %s", strerror(errno));
		} else {
			rc = 0;
		}

		if (pfd[1].revents & POLLIN)
			while (read(term_pipe[0], drain, sizeof drain) > 0)
				;
		if (term_winch) {
			term_winch = 0;
			term_resize(&t);
		}
		if (term_signal != 0)
			break;
		if (play_fd && (pfd[2].revents & POLLIN)) {
			ev = playscreen_events(t.play);
			if (ev == 1)
				term_view_over(&t);
		}
		(void)wizard_events(t.wizard);
		/* A terminal that hangs up polls readable and then reads
		 * nothing: screen_getch() tells the two apart. */
		if (key == ERR && pfd[0].revents != 0)
			key = screen_getch();
		/* Every key waiting is handled before the next draw. */
		while (key != ERR && !quit) {
			if (key == SCREEN_HANGUP) {
				term_signal = SIGHUP;
				break;
			}
			idle_touch(t.auth, clock_now_ms());
			quit = term_key(&t, key);
			/* Idle from when the key's work is done (a report
			 * written from the review screen can take seconds),
			 * not from the key. */
			idle_touch(t.auth, clock_now_ms());
			if (term_signal != 0)
				break;
			key = screen_getch();
		}
		if (term_signal != 0)
			break;
		if (rc == 0 && key == ERR && t.probing && t.screen != TERM_PLAY)
			term_probe(&t);
		now = clock_now_ms();
		playscreen_tick(t.play, now);
		wizard_tick(t.wizard, now);
		term_heartbeat(&t, now);
		if (t.screen != TERM_LOGIN && t.screen != TERM_LOCK &&
		    idle_left(t.auth, now) == 0)
			term_lock(&t, "idle");
	}

	/* A view still open ends with how it ended. */
	if (playscreen_active(t.play))
		playscreen_end(t.play, term_signal == SIGHUP ? "hangup" :
		    term_signal != 0 ? "signal" : "exit", NULL);
	playscreen_shutdown(t.play);
	wizard_abandon(t.wizard, term_signal == SIGHUP ? "hangup" :
	    term_signal != 0 ? "signal" : "exit");
	if (auth_user(t.auth) != NULL)
		auth_logout(t.auth, term_signal == SIGHUP ? "hangup" :
		    term_signal != 0 ? "signal" : "exit", NULL);
	/* A clean stop: the last entries checkpointed and a stop line, so
	 * the silence that follows is not taken for a rollback's. */
	if (t.log != NULL)
		(void)audit_witness_stop(t.log, NULL);
	screen_end();
	logstate_stop();
	playscreen_free(t.play);
	wizard_free(t.wizard);
	browser_free(t.browser);
	reason_free(t.reason);
	review_free(t.review);
	login_free(t.login);
	start_close(t.start);
	close(term_pipe[0]);
	close(term_pipe[1]);
	term_pipe[0] = term_pipe[1] = -1;
	sodium_memzero(&t, sizeof t);
	return 0;
}
