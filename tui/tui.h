/* tui — the terminal's screens: shared drawing (screen.c), the login and
 * lock screen (login.c), the screen after login (home.c) and the main loop
 * (term.c).  Only tui/ includes curses. */
#ifndef VIGIL_TUI_H
#define VIGIL_TUI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct auth;
struct auth_conv;

/* What the title bar and the status line show. */
struct screen_state {
	const char	*site;		/* [site] name */
	const char	*user;		/* NULL: nobody (or locked) */
	unsigned	 roles;
	int		 privsep;	/* 0: warn that privilege separation is off */
	const char	*log_state;	/* short: "open", "NOT OPEN" */
	int		 log_bad;	/* 1: log_state in red */
};

/* Colour pairs and attributes; plain attributes on a monochrome terminal. */
#define SCREEN_PAIR_ERROR	1
#define SCREEN_PAIR_ACCENT	2

/* Starts curses on the terminal; screen_end() restores it (also from
 * fatal()). */
void screen_init(void);
void screen_end(void);
/* Attribute for refusals (red) and for the selection accent. */
int screen_attr_error(void);
int screen_attr_accent(void);
/* 1 when the terminal's character set is UTF-8. */
int screen_utf8(void);

/* Clears the whole screen and draws the title bar (line 0) and its rule
 * (line 1). */
void screen_frame(const struct screen_state *);
/* The bottom line: status on the left (error: red), key hints on the
 * right. */
void screen_bottom(const char *status, int error, const char *hints);
/* Draws text from column x on line y, at most width columns, cut with "…"
 * when longer.  Returns the columns used. */
int screen_put(int y, int x, int width, const char *text, int attr);
/* Draws text word-wrapped into width columns from (y, x), at most maxlines
 * lines.  Returns the lines used. */
int screen_wrap(int y, int x, int width, int maxlines, const char *text,
    int attr);
/* The lines screen_wrap() would take for text in width columns. */
int screen_wrap_lines(int width, const char *text);
/* Display columns of the first len bytes of a UTF-8 string. */
int screen_width(const char *s, size_t len);
/* Waits up to ms milliseconds (-1: forever) for a key; returns it, ERR on
 * timeout or when a signal arrived, or SCREEN_HANGUP when the terminal is
 * gone. */
#define SCREEN_HANGUP	(-2)
int screen_getkey(int ms);
/* Asks a yes/no question on the bottom line; 1 for y, 0 for anything
 * else, a signal, or no answer within ms milliseconds (-1: no limit). */
int screen_confirm(const char *question, int ms);

/* The login form: also the lock screen and (later) the approval dialog. */
enum login_mode {
	LOGIN_MODE_LOGIN,	/* nobody logged in */
	LOGIN_MODE_LOCK,	/* a locked session: no names shown */
};
enum login_event {
	LOGIN_NONE,
	LOGIN_SUBMIT,		/* Enter on the password: try it */
	LOGIN_QUIT,		/* ^C on the login screen */
	LOGIN_LOGOUT,		/* ^X on the lock screen */
};
struct login;
/* Caller frees with login_free(), which wipes it. */
struct login *login_new(void);
void login_free(struct login *);
/* Empties both fields and the messages, and sets the mode. */
void login_reset(struct login *, enum login_mode);
/* Changes the mode and nothing else. */
void login_set_mode(struct login *, enum login_mode);
/* Adds a module's message to the message area (error 1: red). */
void login_say(struct login *, int error, const char *text);
/* Sets the line under the messages: "Checking…", or why a login failed
 * (error 1: red); NULL clears it and the messages. */
void login_status(struct login *, int error, const char *text);
/* Draws the form under the frame the caller drew. */
void login_draw(struct login *, const struct screen_state *,
    const char *log_line, int log_bad);
/* Handles one key. */
enum login_event login_key(struct login *, int key);
/* The typed name; the password buffer (AUTH_PASS_MAX bytes, NUL-terminated
 * unless it overflowed), which the caller passes to auth and which is then
 * wiped.  login_clear_password() wipes it and leaves the name. */
const char *login_user(const struct login *);
char *login_password(struct login *);
void login_clear_password(struct login *);
/* The conversation for auth: messages land in the message area (and are
 * drawn at once); a further prompt is asked on the form. */
void login_conv(struct login *, struct auth_conv *, const struct screen_state *,
    const char *log_line, int log_bad, volatile sig_atomic_t *stop);

/* The screen after login. */
void home_draw(const struct screen_state *, const struct auth *,
    int64_t since_ms, const char *terminal, unsigned idle_lock,
    const char *status, int status_error);

#endif
