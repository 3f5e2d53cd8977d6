/* login — the login form: user name, a password that is never shown, the
 * messages PAM modules send, and any further question they ask.  The same
 * form is the lock screen, without names. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "tui/tui.h"
#include "util/util.h"

#define LOGIN_MSGS		6	/* module messages kept on screen */
#define LOGIN_FIELD		20	/* columns of a field */
#define LOGIN_DOTS		8	/* a typed password shows this many */

struct login {
	enum login_mode	 mode;
	int		 focus;			/* 0 name, 1 password */

	char		 user[AUTH_USER_MAX + 1];	/* strlen() AUTH_USER_MAX
						   when it overflowed */
	size_t		 ulen;
	char		 pass[AUTH_PASS_MAX];	/* no NUL when it overflowed */
	size_t		 plen;

	char		 msg[LOGIN_MSGS][AUTH_MSG_MAX];
	int		 msg_error[LOGIN_MSGS];
	int		 nmsg;
	char		 status[2 * AUTH_MSG_MAX];
	int		 status_error;

	/* While a conversation runs. */
	const struct screen_state *st;
	const char	*log_line;
	int		 log_bad;
	volatile sig_atomic_t *stop;
	const char	*ask;			/* a module's further prompt */
	int		 ask_echo;
	char		*answer;
	size_t		 alen, asize;
};

static int login_col(void);
static size_t login_backspace(const char *buf, size_t len);
static void login_field(int y, int x, const char *label, const char *shown,
    int focus, int *cx);
static void login_message(void *, int, const char *);
static int login_prompt(void *, int, const char *, char *, size_t);

struct login *
login_new(void)
{
	struct login *l = xcalloc(1, sizeof *l);

	login_reset(l, LOGIN_MODE_LOGIN);
	return l;
}

void
login_free(struct login *l)
{
	if (l == NULL)
		return;
	sodium_memzero(l, sizeof *l);
	free(l);
}

void
login_reset(struct login *l, enum login_mode mode)
{
	sodium_memzero(l->user, sizeof l->user);
	sodium_memzero(l->pass, sizeof l->pass);
	l->ulen = l->plen = 0;
	l->focus = 0;
	l->mode = mode;
	login_status(l, 0, NULL);
}

void
login_set_mode(struct login *l, enum login_mode mode)
{
	l->mode = mode;
}

void
login_say(struct login *l, int error, const char *text)
{
	if (l->nmsg == LOGIN_MSGS) {
		memmove(l->msg[0], l->msg[1], sizeof l->msg[0] * (LOGIN_MSGS - 1));
		memmove(l->msg_error, l->msg_error + 1,
		    sizeof l->msg_error[0] * (LOGIN_MSGS - 1));
		l->nmsg--;
	}
	snprintf(l->msg[l->nmsg], sizeof l->msg[0], "%s", text);
	l->msg_error[l->nmsg++] = error;
}

void
login_status(struct login *l, int error, const char *text)
{
	if (text == NULL) {
		l->status[0] = '\0';
		l->nmsg = 0;
		return;
	}
	snprintf(l->status, sizeof l->status, "%s", text);
	l->status_error = error;
}

const char *
login_user(const struct login *l)
{
	return l->user;
}

char *
login_password(struct login *l)
{
	return l->pass;
}

void
login_clear_password(struct login *l)
{
	sodium_memzero(l->pass, sizeof l->pass);
	l->plen = 0;
}

/* The column the form starts at. */
static int
login_col(void)
{
	return COLS > 60 ? (COLS - 36) / 2 : 2;
}

/* Length of buf once its last character (UTF-8) is removed. */
static size_t
login_backspace(const char *buf, size_t len)
{
	if (len == 0)
		return 0;
	len--;
	while (len > 0 && ((unsigned char)buf[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Draws "Label  text_____" and where the cursor goes. */
static void
login_field(int y, int x, const char *label, const char *shown, int focus,
    int *cx)
{
	size_t len = strlen(shown), skip = 0;
	int w, i;

	mvaddstr(y, x, label);
	x += 10;
	/* Show the end of a long name. */
	while (screen_width(shown + skip, len - skip) > LOGIN_FIELD - 1)
		skip++;
	while (skip < len && ((unsigned char)shown[skip] & 0xc0) == 0x80)
		skip++;
	w = screen_put(y, x, LOGIN_FIELD, shown + skip,
	    focus ? screen_attr_accent() : (int)A_NORMAL);
	for (i = w; i < LOGIN_FIELD; i++)
		mvaddch(y, x + i, '_');
	if (focus)
		*cx = x + w;
}

void
login_draw(struct login *l, const struct screen_state *st,
    const char *log_line, int log_bad)
{
	const char *dots = screen_utf8() ? "••••••••" : "********";
	char hidden[64], *name;
	int x = login_col(), y, cx = x + 10, cy, width, i, room, need, first;

	screen_frame(st);
	width = COLS - x - 2;
	if (l->mode == LOGIN_MODE_LOCK) {
		screen_put(4, x, width, "This terminal is locked.", A_BOLD);
		y = 6 + screen_wrap(6, x, width < 44 ? width : 44, 3,
		    "Log in again to go on, or log in as someone else to end "
		    "the locked session.", A_NORMAL);
	} else {
		screen_put(4, x, width, "Recorded footage review terminal",
		    A_BOLD);
		y = 6 + screen_wrap(6, x, width < 40 ? width : 40, 3,
		    "Every view of a recording is logged with your name and "
		    "the reason you give.", A_NORMAL);
	}
	y++;

	name = utf8_sanitize(l->user, l->ulen);
	login_field(y, x, "Username", name, l->focus == 0 && l->ask == NULL,
	    &cx);
	cy = l->focus == 0 ? y : y + 1;
	free(name);
	/* Never the password's length: nothing, or a fixed row of dots. */
	snprintf(hidden, sizeof hidden, "%s", l->plen > 0 ? dots : "");
	login_field(y + 1, x, "Password", hidden, l->focus == 1 && l->ask == NULL,
	    &cx);
	y += 3;

	if (l->ask != NULL) {
		char *shown;

		shown = l->ask_echo ? utf8_sanitize(l->answer, l->alen) :
		    xstrdup(l->alen > 0 ? dots : "");
		y += screen_wrap(y, x, width, 2, l->ask, A_BOLD);
		login_field(y, x, "Answer", shown, 1, &cx);
		cy = y;
		free(shown);
		y += 2;
	}
	/* The status line whole; of the modules' messages the newest that
	 * fit above it. */
	room = LINES - 2 - y;
	need = l->status[0] != '\0' ? screen_wrap_lines(width, l->status) : 0;
	if (need > 0 && l->nmsg > 0)
		need++;
	for (first = l->nmsg; first > 0; first--) {
		int n = screen_wrap_lines(width, l->msg[first - 1]);

		if (need + n > room)
			break;
		need += n;
	}
	for (i = first; i < l->nmsg && y < LINES - 2; i++)
		y += screen_wrap(y, x, width, LINES - 2 - y, l->msg[i],
		    l->msg_error[i] ? screen_attr_error() : (int)A_NORMAL);
	if (l->status[0] != '\0' && y < LINES - 2) {
		if (l->nmsg > 0)
			y++;
		screen_wrap(y, x, width, LINES - 2 - y, l->status,
		    l->status_error ? screen_attr_error() : (int)A_NORMAL);
	}

	if (l->ask != NULL)
		screen_bottom(log_line, log_bad, "Enter answer  Esc cancel");
	else if (l->mode == LOGIN_MODE_LOCK)
		screen_bottom(log_line, log_bad,
		    "Enter unlock  Tab field  ^X log out session");
	else
		screen_bottom(log_line, log_bad, "Enter log in  Tab field  ^C quit");
	curs_set(1);
	move(cy, cx);
	refresh();
}

enum login_event
login_key(struct login *l, int key)
{
	char *buf = l->focus == 0 ? l->user : l->pass;
	size_t *len = l->focus == 0 ? &l->ulen : &l->plen;

	switch (key) {
	case 3:				/* ^C */
		return l->mode == LOGIN_MODE_LOGIN ? LOGIN_QUIT : LOGIN_NONE;
	case 0x18:			/* ^X */
		return l->mode == LOGIN_MODE_LOCK ? LOGIN_LOGOUT : LOGIN_NONE;
	case '\t':
	case KEY_BTAB:
	case KEY_UP:
	case KEY_DOWN:
		l->focus = !l->focus;
		return LOGIN_NONE;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (l->focus == 0) {
			l->focus = 1;
			return LOGIN_NONE;
		}
		return LOGIN_SUBMIT;
	case KEY_BACKSPACE:
	case 0x7f:
	case 0x08:
		if (l->focus == 1 && l->plen == AUTH_PASS_MAX) {
			/* Overflowed: start again. */
			login_clear_password(l);
			return LOGIN_NONE;
		}
		*len = login_backspace(buf, *len);
		sodium_memzero(buf + *len, (l->focus == 0 ? sizeof l->user :
		    sizeof l->pass) - *len);
		return LOGIN_NONE;
	case 0x15:			/* ^U */
		if (l->focus == 0) {
			sodium_memzero(l->user, sizeof l->user);
			l->ulen = 0;
		} else {
			login_clear_password(l);
		}
		return LOGIN_NONE;
	}
	if (key < 0x20 || key > 0xff || key == 0x7f)
		return LOGIN_NONE;
	if (l->focus == 0) {
		/* One byte more than a name may have is kept, so a longer
		 * name is refused untried (auth_input_ok()), never cut to a
		 * prefix that PAM would try. */
		if (l->ulen < sizeof l->user - 1)
			l->user[l->ulen++] = (char)key;
		else
			beep();
	} else if (l->plen < sizeof l->pass) {
		/* All AUTH_PASS_MAX bytes used means "longer than allowed":
		 * no NUL is left, and auth refuses it. */
		l->pass[l->plen++] = (char)key;
	}
	return LOGIN_NONE;
}

static void
login_message(void *arg, int error, const char *text)
{
	struct login *l = arg;

	login_say(l, error, text);
	login_draw(l, l->st, l->log_line, l->log_bad);
}

/* A module asks something beyond the password: asked on the form. */
static int
login_prompt(void *arg, int echo, const char *text, char *answer, size_t size)
{
	struct login *l = arg;
	int key, rc = -1;

	l->ask = text;
	l->ask_echo = echo;
	l->answer = answer;
	l->alen = 0;
	l->asize = size;
	answer[0] = '\0';
	for (;;) {
		login_draw(l, l->st, l->log_line, l->log_bad);
		key = screen_getkey(250);
		if (*l->stop || key == SCREEN_HANGUP)
			break;
		if (key == ERR || key == KEY_RESIZE)
			continue;
		if (key == 27 || key == 3)
			break;
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			rc = 0;
			break;
		}
		if (key == KEY_BACKSPACE || key == 0x7f || key == 0x08) {
			l->alen = login_backspace(answer, l->alen);
			answer[l->alen] = '\0';
			continue;
		}
		if (key >= 0x20 && key <= 0xff && key != 0x7f &&
		    l->alen + 1 < size) {
			answer[l->alen++] = (char)key;
			answer[l->alen] = '\0';
		}
	}
	if (rc == -1)
		sodium_memzero(answer, size);
	l->ask = NULL;
	l->answer = NULL;
	l->alen = l->asize = 0;
	login_draw(l, l->st, l->log_line, l->log_bad);
	return rc;
}

void
login_conv(struct login *l, struct auth_conv *conv,
    const struct screen_state *st, const char *log_line, int log_bad,
    volatile sig_atomic_t *stop)
{
	l->st = st;
	l->log_line = log_line;
	l->log_bad = log_bad;
	l->stop = stop;
	conv->message = login_message;
	conv->prompt = login_prompt;
	conv->arg = l;
}
