/* browser — the footage browser: cameras on the left; for the chosen
 * camera and day a 24-hour coverage bar (recorded, gaps, bad, unread,
 * overdue for retention), the segment list and a cursor time; marking a
 * range to play.  Only the catalog is read here: no footage. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "footage/footage.h"
#include "tui/tui.h"
#include "util/util.h"

#define BROWSER_LEFT	20		/* width of the camera pane */
#define BROWSER_PLAY_MS	(10 * 60 * 1000)	/* Enter without a mark */
#define BROWSER_DAY_MS	(24 * 3600 * 1000)

struct browser {
	const struct config	*cfg;
	struct catalog		*cat;

	struct catalog_camera	*cams;
	size_t			 ncams;
	size_t			 cam;		/* chosen camera */
	size_t			 cam_top;	/* first one shown */

	struct catalog_day	*days;
	size_t			 ndays;
	size_t			 day;		/* chosen day, index in days */
	int64_t			 day_from;	/* its local midnight, UTC ms */
	int64_t			 day_to;

	struct catalog_segment	*segs;		/* of the day */
	size_t			 nsegs;
	struct catalog_span	*spans;
	size_t			 nspans;
	size_t			 seg_top;	/* first segment row shown */

	int64_t			 cursor;
	int			 marking;	/* v pressed once */
	int			 marked;	/* a whole range marked */
	int64_t			 mark_from;
	int64_t			 mark_to;

	char			 status[600];
	int			 status_error;
	char			 problem[600];	/* the catalog's, in the pane */
};

static int browser_day_bounds(const char *date, int64_t *from, int64_t *to);
static void browser_load_camera(struct browser *, int64_t keep);
static void browser_load_day(struct browser *);
static void browser_say(struct browser *, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void browser_clamp(struct browser *);
static long browser_seg_at(const struct browser *, int64_t t);
static void browser_segment_move(struct browser *, int dir);
static void browser_goto(struct browser *, int64_t idle_ms);
static int browser_prompt(const char *prompt, char *buf, size_t len,
    int64_t idle_ms);
static void browser_hhmmss(int64_t t, char *buf, size_t len);
static void browser_bar(struct browser *, int y, int x, int width);
static void browser_segments(struct browser *, int y, int x, int width,
    int rows);

/* Local midnight of date (YYYY-MM-DD) and of the day after. */
static int
browser_day_bounds(const char *date, int64_t *from, int64_t *to)
{
	struct tm tm;
	int y, m, d;
	time_t a, b;

	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	if ((a = mktime(&tm)) == (time_t)-1)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;
	tm.tm_isdst = -1;
	if ((b = mktime(&tm)) == (time_t)-1)
		return -1;
	*from = (int64_t)a * 1000;
	*to = (int64_t)b * 1000;
	return 0;
}

static void
browser_say(struct browser *b, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->status, sizeof b->status, fmt, ap);
	va_end(ap);
	b->status_error = error;
}

struct browser *
browser_new(const struct config *cfg, struct catalog *cat)
{
	struct browser *b = xcalloc(1, sizeof *b);

	b->cfg = cfg;
	b->cat = cat;
	browser_reload(b);
	return b;
}

void
browser_free(struct browser *b)
{
	if (b == NULL)
		return;
	catalog_cameras_free(b->cams, b->ncams);
	free(b->days);
	catalog_segments_free(b->segs, b->nsegs);
	free(b->spans);
	free(b);
}

void
browser_reload(struct browser *b)
{
	char *cause = NULL, *keep = NULL;
	size_t i;

	if (b->ncams > 0)
		keep = xstrdup(b->cams[b->cam].name);
	catalog_cameras_free(b->cams, b->ncams);
	b->cams = NULL;
	b->ncams = 0;
	if (b->cat == NULL) {
		browser_say(b, 1, "The footage catalog is not open.");
	} else if (catalog_cameras(b->cat, &b->cams, &b->ncams, &cause) == -1) {
		browser_say(b, 1, "The catalog cannot be read: %s", cause);
		free(cause);
	}
	b->cam = 0;
	for (i = 0; keep != NULL && i < b->ncams; i++)
		if (strcmp(b->cams[i].name, keep) == 0)
			b->cam = i;
	free(keep);
	browser_load_camera(b, b->cursor);
}

/* Reads the chosen camera's days and picks the day of keep (a time), or
 * the newest day. */
static void
browser_load_camera(struct browser *b, int64_t keep)
{
	char *cause = NULL;
	int64_t f, t;
	size_t i;

	free(b->days);
	b->days = NULL;
	b->ndays = 0;
	if (b->ncams > 0 && catalog_days(b->cat, b->cams[b->cam].name, &b->days,
	    &b->ndays, &cause) == -1) {
		browser_say(b, 1, "The catalog cannot be read: %s", cause);
		free(cause);
	}
	b->day = b->ndays > 0 ? b->ndays - 1 : 0;
	for (i = 0; keep != 0 && i < b->ndays; i++)
		if (browser_day_bounds(b->days[i].date, &f, &t) == 0 &&
		    keep >= f && keep < t)
			b->day = i;
	b->cursor = keep;
	browser_load_day(b);
}

/* Reads the chosen day's segments and coverage. */
static void
browser_load_day(struct browser *b)
{
	char *cause = NULL;
	int64_t now;

	catalog_segments_free(b->segs, b->nsegs);
	free(b->spans);
	b->segs = NULL;
	b->spans = NULL;
	b->nsegs = b->nspans = 0;
	b->seg_top = 0;
	if (b->ndays == 0 || browser_day_bounds(b->days[b->day].date,
	    &b->day_from, &b->day_to) == -1) {
		now = clock_now_ms();
		b->day_from = now - now % 1000;
		b->day_to = b->day_from + BROWSER_DAY_MS;
		b->cursor = b->day_from;
		return;
	}
	if (catalog_list(b->cat, b->cams[b->cam].name, b->day_from, b->day_to,
	    0, &b->segs, &b->nsegs, &cause) == -1 ||
	    catalog_coverage(b->cat, b->cams[b->cam].name, b->day_from,
	    b->day_to, &b->spans, &b->nspans, &cause) == -1) {
		browser_say(b, 1, "The catalog cannot be read: %s", cause);
		free(cause);
	}
	if (b->cursor < b->day_from || b->cursor >= b->day_to)
		b->cursor = b->nsegs > 0 ? b->segs[0].start_ms : b->day_from;
	browser_clamp(b);
}

static void
browser_clamp(struct browser *b)
{
	if (b->cursor < b->day_from)
		b->cursor = b->day_from;
	if (b->cursor > b->day_to - 1000)
		b->cursor = b->day_to - 1000;
}

/* The segment whose start is the last at or before t, or -1. */
static long
browser_seg_at(const struct browser *b, int64_t t)
{
	size_t lo = 0, hi = b->nsegs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->segs[mid].start_ms <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

/* To the start of the segment before (dir -1) or after (dir 1). */
static void
browser_segment_move(struct browser *b, int dir)
{
	long i = browser_seg_at(b, b->cursor);

	if (b->nsegs == 0)
		return;
	if (dir < 0) {
		if (i >= 0 && b->segs[i].start_ms < b->cursor)
			b->cursor = b->segs[i].start_ms;
		else if (i > 0)
			b->cursor = b->segs[i - 1].start_ms;
	} else if (i + 1 < (long)b->nsegs) {
		b->cursor = b->segs[i + 1].start_ms;
	}
}

static void
browser_hhmmss(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t s = (time_t)(t / 1000);

	localtime_r(&s, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* A line editor on the bottom line; 0 with buf filled on Enter, -1 on
 * Esc, a signal or the idle limit. */
static int
browser_prompt(const char *prompt, char *buf, size_t len, int64_t idle_ms)
{
	int64_t end = idle_ms >= 0 ? clock_now_ms() + idle_ms : 0, left;
	size_t n = 0;
	int ch, x;

	buf[0] = '\0';
	curs_set(1);
	for (;;) {
		screen_bottom(NULL, 0, "Enter go  Esc cancel");
		x = 1 + screen_put(LINES - 1, 1, COLS / 2, prompt, A_BOLD);
		screen_put(LINES - 1, x, COLS / 2 - 2, buf, A_NORMAL);
		move(LINES - 1, x + (int)n);
		refresh();
		left = -1;
		if (idle_ms >= 0 && (left = end - clock_now_ms()) <= 0)
			break;
		ch = screen_getkey((int)left);
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
			curs_set(0);
			return 0;
		}
		if (ch == 27 || ch == ERR || ch == SCREEN_HANGUP || ch == 3)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = '\0';
		else if (ch == 21)	/* ^U */
			buf[n = 0] = '\0';
		else if (ch >= ' ' && ch < 127 && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = '\0';
		}
	}
	curs_set(0);
	return -1;
}

/* '/': a date and time, a date, or a time on the chosen day. */
static void
browser_goto(struct browser *b, int64_t idle_ms)
{
	char in[40], full[64];
	int64_t t, f, to;
	size_t i;
	int hh, mm;

	if (browser_prompt("Go to (YYYY-MM-DD HH:MM[:SS], or HH:MM[:SS]): ", in,
	    sizeof in, idle_ms) == -1) {
		b->status[0] = '\0';
		return;
	}
	if (sscanf(in, "%2d:%2d", &hh, &mm) == 2 && strchr(in, '-') == NULL &&
	    b->ndays > 0)
		snprintf(full, sizeof full, "%s %s", b->days[b->day].date, in);
	else
		snprintf(full, sizeof full, "%s", in);
	if (clock_parse(full, 1, &t) == -1) {
		browser_say(b, 1, "'%s' is not a date and time; give "
		    "YYYY-MM-DD HH:MM[:SS], or HH:MM[:SS] on this day.", in);
		return;
	}
	for (i = 0; i < b->ndays; i++) {
		if (browser_day_bounds(b->days[i].date, &f, &to) == 0 &&
		    t >= f && t < to) {
			if (i != b->day) {
				b->day = i;
				b->cursor = t;
				browser_load_day(b);
			}
			b->cursor = t;
			browser_clamp(b);
			b->status[0] = '\0';
			return;
		}
	}
	browser_say(b, 1, "%s has no footage on %.10s.",
	    b->ncams > 0 ? b->cams[b->cam].name : "This recorder", full);
}

enum browser_action
browser_key(struct browser *b, int key, int64_t idle_ms)
{
	int64_t lo, hi;

	b->status[0] = '\0';
	switch (key) {
	case KEY_LEFT: case 'h':
		b->cursor -= 60 * 1000;
		break;
	case KEY_RIGHT: case 'l':
		b->cursor += 60 * 1000;
		break;
	case KEY_PPAGE:
		b->cursor -= 3600 * 1000;
		break;
	case KEY_NPAGE:
		b->cursor += 3600 * 1000;
		break;
	case KEY_UP: case 'k':
		browser_segment_move(b, -1);
		break;
	case KEY_DOWN: case 'j':
		browser_segment_move(b, 1);
		break;
	case KEY_HOME: case 'g':
		if (b->nsegs > 0)
			b->cursor = b->segs[0].start_ms;
		break;
	case KEY_END: case 'G':
		if (b->nsegs > 0)
			b->cursor = b->segs[b->nsegs - 1].start_ms;
		break;
	case '\t': case KEY_BTAB:
		if (b->ncams > 1) {
			b->cam = key == '\t' ? (b->cam + 1) % b->ncams :
			    (b->cam + b->ncams - 1) % b->ncams;
			b->marking = b->marked = 0;
			browser_load_camera(b, b->cursor);
		}
		break;
	case '[': case ']':
		if (key == '[' && b->day > 0)
			b->day--;
		else if (key == ']' && b->day + 1 < b->ndays)
			b->day++;
		else {
			browser_say(b, 0, "No %s day with footage on %s.",
			    key == '[' ? "earlier" : "later",
			    b->ncams > 0 ? b->cams[b->cam].name : "this recorder");
			break;
		}
		b->marking = b->marked = 0;
		b->cursor = 0;
		browser_load_day(b);
		break;
	case '/':
		browser_goto(b, idle_ms);
		break;
	case 'v':
		if (b->marking) {
			lo = b->mark_from < b->cursor ? b->mark_from : b->cursor;
			hi = b->mark_from < b->cursor ? b->cursor : b->mark_from;
			b->marking = 0;
			if (hi == lo) {
				browser_say(b, 0, "Mark cleared (an empty range).");
				break;
			}
			b->mark_from = lo;
			b->mark_to = hi;
			b->marked = 1;
		} else {
			b->marked = 0;
			b->marking = 1;
			b->mark_from = b->cursor;
			browser_say(b, 0, "Marking: move to the other end and "
			    "press v again (Esc clears).");
		}
		break;
	case 27:
		b->marking = b->marked = 0;
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (b->ncams == 0) {
			browser_say(b, 1, "There is no footage to play.");
			break;
		}
		return BROWSER_PLAY;
	case 'e':
		if (b->ncams == 0) {
			browser_say(b, 1, "There is no footage to export.");
			break;
		}
		return BROWSER_EXPORT;
	case 'a':
		return BROWSER_REVIEW;
	case '?':
		return BROWSER_HELP;
	case 'L':
		return BROWSER_LOCK;
	case 'q': case 'Q':
		if (screen_confirm("Log out?", (int)idle_ms))
			return BROWSER_LOGOUT;
		break;
	case KEY_RESIZE:
		break;
	default:
		browser_say(b, 0, "Unknown key: ? shows every key of this "
		    "screen.");
		break;
	}
	browser_clamp(b);
	return BROWSER_NONE;
}

int
browser_range(struct browser *b, const char **camera, int64_t *from,
    int64_t *to, char **cause)
{
	if (b->ncams == 0)
		return cause_set(cause, "there is no footage to play");
	*camera = b->cams[b->cam].name;
	if (b->marked) {
		*from = b->mark_from;
		*to = b->mark_to;
	} else if (b->marking) {
		*from = b->mark_from < b->cursor ? b->mark_from : b->cursor;
		*to = b->mark_from < b->cursor ? b->cursor : b->mark_from;
		if (*from == *to)
			*to = *from + BROWSER_PLAY_MS;
	} else {
		*from = b->cursor;
		*to = b->cursor + BROWSER_PLAY_MS;
		if (*to > b->day_to)
			*to = b->day_to;
	}
	if (*to <= *from)
		return cause_set(cause, "the range is empty");
	return 0;
}

void
browser_problem(struct browser *b, const char *text)
{
	snprintf(b->problem, sizeof b->problem, "%s", text != NULL ? text : "");
}

void
browser_set_cursor(struct browser *b, int64_t t)
{
	if (t >= b->day_from && t < b->day_to) {
		b->cursor = t;
		browser_clamp(b);
	}
}

const char *
browser_status(struct browser *b, int *error)
{
	*error = b->status_error;
	return b->status[0] != '\0' ? b->status : NULL;
}

/* The 24-hour bar: hour scale on y, coverage on y + 1, the cursor and the
 * mark on y + 2. */
static void
browser_bar(struct browser *b, int y, int x, int width)
{
	const int utf8 = screen_utf8();
	int64_t cell_ms, c0, c1, cutoff;
	size_t s = 0;
	int i, h, kind, cx, w, attr;
	char lab[8], at[64], t1[16], t2[16];
	long si;
	enum { GAP, FOOT, UNREAD, BAD, OVERDUE };

	if (width < 24)
		return;
	cell_ms = (b->day_to - b->day_from) / width;
	for (h = 0; h < 24; h += 3) {
		snprintf(lab, sizeof lab, "%02d", h);
		mvaddstr(y, x + h * width / 24, lab);
	}
	mvaddstr(y, x + width - 2, "24");
	cutoff = b->ncams > 0 ? clock_now_ms() -
	    (int64_t)config_retention_days(b->cfg, b->cams[b->cam].name) *
	    BROWSER_DAY_MS : 0;
	for (i = 0; i < width; i++) {
		c0 = b->day_from + i * cell_ms;
		c1 = i == width - 1 ? b->day_to : c0 + cell_ms;
		kind = GAP;
		while (s < b->nspans && b->spans[s].to_ms <= c0)
			s++;
		for (size_t k = s; k < b->nspans && b->spans[k].from_ms < c1;
		    k++) {
			switch (b->spans[k].kind) {
			case CATALOG_SPAN_BAD:
				kind = BAD;
				break;
			case CATALOG_SPAN_FOOTAGE:
				if (kind != BAD)
					kind = FOOT;
				break;
			case CATALOG_SPAN_UNPROBED:
				if (kind == GAP)
					kind = UNREAD;
				break;
			}
		}
		if (kind == FOOT && c1 <= cutoff)
			kind = OVERDUE;
		attr = A_NORMAL;
		switch (kind) {
		case FOOT:
			mvaddstr(y + 1, x + i, utf8 ? "█" : "#");
			break;
		case UNREAD:
			mvaddstr(y + 1, x + i, utf8 ? "▒" : "+");
			break;
		case OVERDUE:
			mvaddstr(y + 1, x + i, utf8 ? "▓" : "o");
			break;
		case BAD:
			attr = screen_attr_error();
			attron(attr);
			mvaddstr(y + 1, x + i, utf8 ? "▚" : "x");
			attroff(attr);
			break;
		default:
			mvaddstr(y + 1, x + i, utf8 ? "░" : ".");
			break;
		}
	}
	/* The mark, then the cursor over it. */
	if (b->marked || b->marking) {
		c0 = b->marked ? b->mark_from : (b->mark_from < b->cursor ?
		    b->mark_from : b->cursor);
		c1 = b->marked ? b->mark_to : (b->mark_from < b->cursor ?
		    b->cursor : b->mark_from);
		attron(screen_attr_accent());
		for (i = (int)((c0 - b->day_from) / cell_ms);
		    i <= (int)((c1 - 1 - b->day_from) / cell_ms) && i < width;
		    i++)
			if (i >= 0)
				mvaddstr(y + 2, x + i, "-");
		attroff(screen_attr_accent());
	}
	cx = (int)((b->cursor - b->day_from) / cell_ms);
	if (cx >= width)
		cx = width - 1;
	browser_hhmmss(b->cursor, t1, sizeof t1);
	snprintf(at, sizeof at, "^ %.5s", t1);
	w = (int)strlen(at);
	attron(A_BOLD);
	if (cx + w <= width)
		mvaddstr(y + 2, x + cx, at);
	else {
		snprintf(at, sizeof at, "%.5s ^", t1);
		mvaddstr(y + 2, x + cx - (int)strlen(at) + 1, at);
	}
	attroff(A_BOLD);
	/* What lies at the cursor, right-aligned on the same line. */
	si = browser_seg_at(b, b->cursor);
	for (s = 0; s < b->nspans; s++)
		if (b->spans[s].to_ms > b->cursor)
			break;
	if (s < b->nspans && b->spans[s].from_ms > b->cursor) {
		browser_hhmmss(s > 0 ? b->spans[s - 1].to_ms : b->day_from, t1,
		    sizeof t1);
		browser_hhmmss(b->spans[s].from_ms, t2, sizeof t2);
		snprintf(at, sizeof at, "gap %.5s-%.5s", t1, t2);
	} else if (s == b->nspans) {
		snprintf(at, sizeof at, "no footage after %s",
		    b->nspans > 0 ? "the last" : "this");
	} else if (b->spans[s].kind == CATALOG_SPAN_BAD) {
		snprintf(at, sizeof at, "%s", si >= 0 ?
		    catalog_status_name(b->segs[si].status) : "bad");
	} else {
		at[0] = '\0';
	}
	w = screen_width(at, strlen(at));
	if (at[0] != '\0' && cx + 10 < width - w)
		screen_put(y + 2, x + width - w, w, at, A_NORMAL);
	(void)cx;
}

/* The segment list around the cursor's segment. */
static void
browser_segments(struct browser *b, int y, int x, int width, int rows)
{
	const struct catalog_segment *sg;
	char line[512], t[16], len[16], *name;
	long cur = browser_seg_at(b, b->cursor);
	size_t i;
	int64_t d;
	int attr, namew = width - 32;

	if (namew < 10)
		namew = 10;
	snprintf(line, sizeof line, "  %-*s %-9s %-8s %s", namew, "Segments",
	    "start", "length", "status");
	screen_put(y, x, width, line, A_BOLD);
	rows--;
	y++;
	if (b->nsegs == 0) {
		screen_put(y, x + 2, width - 2, "no segments on this day",
		    A_NORMAL);
		return;
	}
	if (cur < 0)
		cur = 0;
	if ((size_t)cur < b->seg_top)
		b->seg_top = (size_t)cur;
	if ((size_t)cur >= b->seg_top + (size_t)rows)
		b->seg_top = (size_t)cur - (size_t)rows + 1;
	for (i = b->seg_top; i < b->nsegs && (int)(i - b->seg_top) < rows;
	    i++) {
		sg = &b->segs[i];
		browser_hhmmss(sg->start_ms, t, sizeof t);
		d = sg->duration_ms;
		if (d < 0)
			snprintf(len, sizeof len, "?");
		else if (d >= 3600 * 1000)
			snprintf(len, sizeof len, "%d:%02d:%02d",
			    (int)(d / 3600000), (int)(d / 60000 % 60),
			    (int)(d / 1000 % 60));
		else
			snprintf(len, sizeof len, "%d:%02d", (int)(d / 60000),
			    (int)(d / 1000 % 60));
		name = utf8_sanitize(sg->rel, strlen(sg->rel));
		{
			const char *base = strrchr(name, '/');
			char shown[300];
			int used;
			size_t fit;

			base = base != NULL ? base + 1 : name;
			/* Cut the name to its column. */
			fit = strlen(base);
			while (fit > 0 && screen_width(base, fit) > namew)
				fit--;
			snprintf(shown, sizeof shown, "%.*s", (int)fit, base);
			used = screen_width(shown, strlen(shown));
			snprintf(line, sizeof line, "%s %s%*s %-9s %-8s %s",
			    (long)i == cur ? ">" : " ", shown,
			    namew - used > 0 ? namew - used : 0, "", t, len,
			    catalog_status_name(sg->status));
		}
		free(name);
		attr = (long)i == cur ? screen_attr_accent() | A_BOLD :
		    (int)A_NORMAL;
		if (sg->status != CATALOG_OK && sg->status != CATALOG_PENDING)
			attr = screen_attr_error();
		screen_put(y + (int)(i - b->seg_top), x, width, line, attr);
	}
}

void
browser_draw(struct browser *b, const struct screen_state *st,
    const char *status, int error)
{
	const int utf8 = screen_utf8();
	char line[600], day[64], t1[16], t2[16], *cam;
	struct tm tm;
	time_t dt;
	size_t i;
	int x = BROWSER_LEFT + 2, w = COLS - BROWSER_LEFT - 3, y, rows;
	int64_t cutoff, mins;
	int days;

	screen_frame(st);
	/* The pane titles on the rule, the divider, the bottom rule. */
	mvhline(1, 0, ACS_HLINE, COLS);
	mvaddstr(1, 1, " Cameras ");
	mvaddch(1, BROWSER_LEFT, ACS_TTEE);
	mvvline(2, BROWSER_LEFT, ACS_VLINE, LINES - 4);
	mvhline(LINES - 2, 0, ACS_HLINE, COLS);
	mvaddch(LINES - 2, BROWSER_LEFT, ACS_BTEE);
	if (b->ncams > 0 && b->ndays > 0) {
		dt = (time_t)(b->day_from / 1000 + 12 * 3600);
		localtime_r(&dt, &tm);
		strftime(day, sizeof day, "%a %Y-%m-%d", &tm);
		cam = utf8_sanitize(b->cams[b->cam].name,
		    strlen(b->cams[b->cam].name));
		snprintf(line, sizeof line, " %s%s%s ", cam, utf8 ? " · " :
		    " - ", day);
		free(cam);
		screen_put(1, x, w, line, A_BOLD);
	}

	/* Cameras. */
	rows = LINES - 4;
	if (b->cam < b->cam_top)
		b->cam_top = b->cam;
	if (b->cam >= b->cam_top + (size_t)rows)
		b->cam_top = b->cam - (size_t)rows + 1;
	for (i = b->cam_top; i < b->ncams && (int)(i - b->cam_top) < rows;
	    i++) {
		cam = utf8_sanitize(b->cams[i].name, strlen(b->cams[i].name));
		snprintf(line, sizeof line, "%s %s", i == b->cam ? ">" : " ",
		    cam);
		free(cam);
		screen_put(2 + (int)(i - b->cam_top), 1, BROWSER_LEFT - 2, line,
		    i == b->cam ? screen_attr_accent() | A_BOLD :
		    (int)A_NORMAL);
	}
	if (b->ncams == 0) {
		screen_wrap(2, 1, BROWSER_LEFT - 2, 4, "no cameras in the "
		    "catalog", A_NORMAL);
		y = 3;
		if (b->problem[0] != '\0')
			y += 1 + screen_wrap(y, x, w, 6, b->problem,
			    screen_attr_error());
		screen_wrap(y, x, w, 6, "The catalog has no footage.  "
		    "Check the recorder share ([paths] recorder in vigil.conf) "
		    "and run 'vigil catalog scan'.", A_NORMAL);
	} else {
		if (b->problem[0] != '\0')
			screen_put(LINES - 4, x, w, b->problem,
			    screen_attr_error());
		browser_bar(b, 2, x, w);
		if (utf8)
			screen_put(5, x, w, "█ recorded  ░ gap  ▚ bad  "
			    "▒ not read yet  ▓ overdue", A_DIM);
		else
			screen_put(5, x, w, "# recorded  . gap  x bad  "
			    "+ not read yet  o overdue", A_DIM);
		y = 7;
		browser_segments(b, y, x, w, LINES - 6 - y);
		browser_hhmmss(b->cursor, t1, sizeof t1);
		if (b->marked || b->marking) {
			int64_t lo = b->marked ? b->mark_from :
			    (b->mark_from < b->cursor ? b->mark_from : b->cursor);
			int64_t hi = b->marked ? b->mark_to :
			    (b->mark_from < b->cursor ? b->cursor : b->mark_from);
			char a[16];

			browser_hhmmss(lo, a, sizeof a);
			browser_hhmmss(hi, t2, sizeof t2);
			mins = (hi - lo) / 60000;
			snprintf(line, sizeof line, "cursor %s   %s %s %s %s "
			    "(%lld min %02lld s)", t1, b->marked ? "marked" :
			    "marking", a, utf8 ? "–" : "-", t2, (long long)mins,
			    (long long)((hi - lo) / 1000 % 60));
		} else {
			snprintf(line, sizeof line, "cursor %s", t1);
		}
		screen_put(LINES - 5, x, w, line, A_NORMAL);
		days = config_retention_days(b->cfg, b->cams[b->cam].name);
		cutoff = clock_now_ms() - (int64_t)days * BROWSER_DAY_MS;
		dt = (time_t)(cutoff / 1000);
		localtime_r(&dt, &tm);
		strftime(t2, sizeof t2, "%Y-%m-%d", &tm);
		snprintf(line, sizeof line, "retention %d day%s: footage "
		    "before %s is overdue", days, days == 1 ? "" : "s", t2);
		screen_put(LINES - 3, x, w, line, b->day_from < cutoff ?
		    screen_attr_error() : (int)A_NORMAL);
	}
	if (status == NULL && b->status[0] != '\0') {
		status = b->status;
		error = b->status_error;
	}
	if (status != NULL && error && b->ncams > 0 &&
	    screen_width(status, strlen(status)) > COLS - 18) {
		/* A refusal too long for the bottom line: over the cursor
		 * and retention lines, in full. */
		for (y = LINES - 5; y < LINES - 2; y++) {
			move(y, x);
			clrtoeol();
		}
		screen_wrap(LINES - 5, x, w, 3, status, screen_attr_error());
		screen_bottom(NULL, 0, "? help  q out");
	} else if (status != NULL)
		screen_bottom(status, error, "? help  q out");
	else
		screen_bottom(NULL, 0, utf8 ? "↑↓ seg  ←→ 1 min  [ ] day  "
		    "/ go  v mark  ⏎ play  ? help  q out" : "jk seg  hl 1 min  "
		    "[ ] day  / go  v mark  Enter play  ? help  q out");
	curs_set(0);
	refresh();
}
