/* screen — curses set-up and what every screen shares: the title bar, the
 * bottom line, clipped and wrapped text, waiting for a key. */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "auth/auth.h"
#include "tui/tui.h"
#include "util/util.h"

static SCREEN	*screen_term;
static int	 screen_colors;
static int	 screen_is_utf8;
static volatile sig_atomic_t screen_gone;	/* the terminal hung up */

static int screen_char(const char *s, size_t len, int *cols);
static size_t screen_fit(const char *s, size_t len, int width, int *used);
static int screen_lay(int y, int x, int width, int maxlines, const char *text,
    int attr, int draw);

void
screen_init(void)
{
	const char *term = getenv("TERM");

	screen_is_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	screen_term = newterm(NULL, stdout, stdin);
	if (screen_term == NULL)
		fatal("cannot start the terminal (TERM=%s)",
		    term != NULL ? term : "unset");
	set_term(screen_term);
	fatal_set_cleanup(screen_end);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors() && start_color() == OK) {
		use_default_colors();
		init_pair(SCREEN_PAIR_ERROR, COLOR_RED, -1);
		init_pair(SCREEN_PAIR_ACCENT, COLOR_CYAN, -1);
		screen_colors = 1;
	}
}

void
screen_end(void)
{
	if (screen_term == NULL)
		return;
	endwin();
	delscreen(screen_term);
	screen_term = NULL;
}

int
screen_attr_error(void)
{
	return screen_colors ? (int)(COLOR_PAIR(SCREEN_PAIR_ERROR) | A_BOLD) :
	    (int)A_BOLD;
}

int
screen_attr_accent(void)
{
	return screen_colors ? (int)COLOR_PAIR(SCREEN_PAIR_ACCENT) :
	    (int)A_REVERSE;
}

int
screen_utf8(void)
{
	return screen_is_utf8;
}

/* Length in bytes of the character at s and its display columns. */
static int
screen_char(const char *s, size_t len, int *cols)
{
	mbstate_t ps;
	wchar_t wc;
	size_t n;
	int w;

	memset(&ps, 0, sizeof ps);
	n = mbrtowc(&wc, s, len, &ps);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cols = 1;
		return 1;
	}
	w = wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return (int)n;
}

int
screen_width(const char *s, size_t len)
{
	size_t off = 0;
	int cols, total = 0;

	while (off < len) {
		off += (size_t)screen_char(s + off, len - off, &cols);
		total += cols;
	}
	return total;
}

/* Bytes of s (len bytes) that fit in width columns; *used gets the
 * columns. */
static size_t
screen_fit(const char *s, size_t len, int width, int *used)
{
	size_t off = 0;
	int cols, n, total = 0;

	while (off < len) {
		n = screen_char(s + off, len - off, &cols);
		if (total + cols > width)
			break;
		total += cols;
		off += (size_t)n;
	}
	*used = total;
	return off;
}

int
screen_put(int y, int x, int width, const char *text, int attr)
{
	const char *ellipsis = screen_is_utf8 ? "…" : ">";
	size_t len = strlen(text), n;
	int used;

	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	if (screen_width(text, len) <= width) {
		n = len;
		used = screen_width(text, len);
	} else {
		n = screen_fit(text, len, width - 1, &used);
	}
	attron(attr);
	mvaddnstr(y, x, text, (int)n);
	if (n < len) {
		addstr(ellipsis);
		used++;
	}
	attroff(attr);
	return used;
}

int
screen_wrap(int y, int x, int width, int maxlines, const char *text,
    int attr)
{
	return screen_lay(y, x, width, maxlines, text, attr, 1);
}

int
screen_wrap_lines(int width, const char *text)
{
	return screen_lay(0, 0, width, INT_MAX, text, 0, 0);
}

/* Word-wraps text into width columns; draws it when draw is 1.  Returns
 * the lines it takes (at most maxlines). */
static int
screen_lay(int y, int x, int width, int maxlines, const char *text, int attr,
    int draw)
{
	const char *p = text, *end, *brk;
	size_t n;
	int lines = 0, used;

	if (width <= 0)
		return 0;
	while (*p != '\0' && lines < maxlines) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = p + strlen(p);
		n = screen_fit(p, (size_t)(end - p), width, &used);
		if (p + n < end) {
			/* Break at the last space that fits, if any. */
			for (brk = p + n; brk > p && *brk != ' '; brk--)
				;
			if (brk > p)
				n = (size_t)(brk - p);
			else if (n == 0)
				n = 1;
		}
		if (draw && y + lines >= 0 && y + lines < LINES) {
			attron(attr);
			mvaddnstr(y + lines, x, p, (int)n);
			attroff(attr);
		}
		p += n;
		lines++;
	}
	return lines;
}

void
screen_frame(const struct screen_state *st)
{
	const char *dot = screen_is_utf8 ? " · " : " - ";
	char head[16], who[512], mid[96], roles[64], clock[32];
	struct tm tm;
	time_t now = time(NULL);
	int wh, ww, wm, wr, ws, xr, x, xm, show_mid = 1;

	erase();
	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%Y-%m-%d %H:%M", &tm);
	snprintf(head, sizeof head, "vigil%s", dot);
	if (st->user != NULL)
		snprintf(who, sizeof who, "%s%s (%s)", dot, st->user,
		    roles_format(st->roles, roles, sizeof roles));
	else
		who[0] = '\0';
	snprintf(mid, sizeof mid, "log: %s", st->log_state);

	/* Right: the privilege separation warning and the clock; middle:
	 * the log; left: vigil, the site (cut first) and who is logged in. */
	wh = screen_width(head, strlen(head));
	ww = screen_width(who, strlen(who));
	wm = screen_width(mid, strlen(mid));
	wr = 16 + (st->privsep ? 0 : 13);
	xr = COLS - 1 - wr;
	ws = xr - 2 - wm - 2 - 1 - wh - ww;
	if (ws < 6 && !st->log_bad) {
		show_mid = 0;
		ws += wm + 2;
	}
	if (ws < 1)
		ws = 1;

	x = 1 + screen_put(0, 1, wh, head, A_BOLD);
	x += screen_put(0, x, ws, st->site, A_BOLD);
	x += screen_put(0, x, xr - 2 - x, who, A_BOLD);
	if (show_mid) {
		xm = (COLS - wm) / 2;
		if (xm < x + 2)
			xm = x + 2;
		if (xm + wm > xr - 2)
			xm = xr - 2 - wm;
		if (xm >= x + 1)
			screen_put(0, xm, wm, mid, st->log_bad ?
			    screen_attr_error() : (int)A_NORMAL);
	}
	if (!st->privsep)
		screen_put(0, xr, 11, "privsep off", screen_attr_error());
	screen_put(0, COLS - 17, 16, clock, A_NORMAL);
	mvhline(1, 1, ACS_HLINE, COLS - 2);
}

void
screen_bottom(const char *status, int error, const char *hints)
{
	int wh, y = LINES - 1;

	move(y, 0);
	clrtoeol();
	wh = hints != NULL ? screen_width(hints, strlen(hints)) : 0;
	if (hints != NULL)
		screen_put(y, COLS - 1 - wh > 0 ? COLS - 1 - wh : 0, wh, hints,
		    A_NORMAL);
	if (status != NULL)
		screen_put(y, 1, COLS - wh - 4, status,
		    error ? screen_attr_error() : (int)A_NORMAL);
}

void
screen_note_hangup(void)
{
	screen_gone = 1;
}

/* The one test of a hang-up every key read goes through: SIGHUP came, or
 * the terminal says it is gone (POLLHUP, POLLERR; a hung-up terminal also
 * polls readable, reads 0 bytes or EIO and answers no terminal request). */
int
screen_hungup(void)
{
	struct pollfd pfd;
	struct termios tio;

	if (screen_gone)
		return 1;
	pfd.fd = STDIN_FILENO;
	pfd.events = 0;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0)
		screen_gone = 1;
	else if (tcgetattr(STDIN_FILENO, &tio) == -1 && errno != EINTR)
		screen_gone = 1;
	return screen_gone;
}

int
screen_getch(void)
{
	int ch;

	timeout(0);
	if ((ch = getch()) != ERR)
		return ch;
	return screen_hungup() ? SCREEN_HANGUP : ERR;
}

int
screen_getkey(int ms)
{
	struct pollfd pfd;
	int ch;

	if ((ch = screen_getch()) != ERR)
		return ch;
	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	pfd.revents = 0;
	(void)poll(&pfd, 1, ms);
	/* Also after a signal: SIGWINCH leaves KEY_RESIZE to read. */
	return screen_getch();
}

int
screen_confirm(const char *question, int ms)
{
	int64_t end = ms >= 0 ? clock_now_ms() + ms : 0, left;
	int ch;

	curs_set(0);
	screen_bottom(question, 0, "y yes  n no");
	refresh();
	for (;;) {
		left = -1;
		if (ms >= 0 && (left = end - clock_now_ms()) <= 0)
			return 0;
		ch = screen_getkey((int)left);
		if (ch == 'y' || ch == 'Y')
			return 1;
		/* ERR: the time is up, or a signal came. */
		if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q' ||
		    ch == SCREEN_HANGUP || ch == ERR)
			return 0;
	}
}
