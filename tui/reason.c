/* reason — the dialog shown before any playback: the reason code, the
 * fields that code requires, a summary of what will be played; nothing is
 * played until config_reason_check() accepts it.  No code is chosen when
 * it opens, and the last reference is never filled in: it is offered on
 * Ctrl-R to the same person within [session] reuse_reference_minutes. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "footage/footage.h"
#include "tui/tui.h"
#include "util/util.h"

/* Longest text of each field, in bytes (the audit log's and the
 * configuration's limits). */
#define REASON_REF_MAX		AUDIT_MAX_REFERENCE
#define REASON_AUTH_MAX		256
#define REASON_NOTE_MAX		2000
/* Bytes a field holds: more than any limit, so that text over its limit
 * is kept whole and refused, never cut to something that would pass. */
#define REASON_HOLD		4096

#define REASON_KEY_REUSE	0x12	/* Ctrl-R */
#define REASON_COVER_LINES	4	/* what can be played, at most */

enum reason_field {
	FIELD_CODE,
	FIELD_REFERENCE,
	FIELD_AUTHORITY,
	FIELD_NOTE,
	FIELD_COUNT
};

struct reason {
	const struct config	*cfg;
	size_t			 code;		/* index of the chosen code */
	int			 chosen;	/* 0: no code chosen yet */
	enum reason_field	 focus;
	char			 text[FIELD_COUNT][REASON_HOLD + 1];
	size_t			 len[FIELD_COUNT];
	char			 user[256];
	char			 camera[256];
	int64_t			 from;
	int64_t			 to;
	char			 cover[REASON_COVER_LINES][160];
	int			 ncover;	/* lines of cover[] */
	int			 tried;		/* Enter pressed once */
	int			 offered;	/* the last reference is offered */
	int64_t			 offered_ms;	/* how long since it was
						   confirmed */
	int			 taken;		/* ... and was taken (Ctrl-R) */
	int			 reused;	/* confirmed as taken */
	char			 error[600];

	/* The session's last confirmed reason. */
	int			 have_last;
	size_t			 last_code;
	int64_t			 last_ms;
	char			 last_user[256];
	char			 last_ref[REASON_REF_MAX + 1];
	char			 last_auth[REASON_AUTH_MAX + 1];
};

static size_t reason_max(enum reason_field);
static int reason_shown(const struct reason *, enum reason_field);
static void reason_move(struct reason *, int dir);
static int reason_check(struct reason *, char **cause);
static void reason_type(struct reason *, int key);
static void reason_span(int64_t from, int64_t to, char *buf, size_t len);
static void reason_choose(struct reason *, size_t code);
static void reason_reuse(struct reason *);
static void reason_duration(int64_t ms, char *buf, size_t len);
static void reason_cover_add(struct reason *, int64_t from, int64_t to,
    int bad, size_t *more);

static size_t
reason_max(enum reason_field f)
{
	switch (f) {
	case FIELD_REFERENCE:
		return REASON_REF_MAX;
	case FIELD_AUTHORITY:
		return REASON_AUTH_MAX;
	default:
		return REASON_NOTE_MAX;
	}
}

struct reason *
reason_new(const struct config *cfg)
{
	struct reason *r = xcalloc(1, sizeof *r);

	r->cfg = cfg;
	return r;
}

void
reason_free(struct reason *r)
{
	if (r == NULL)
		return;
	sodium_memzero(r, sizeof *r);
	free(r);
}

void
reason_forget(struct reason *r)
{
	const struct config *cfg = r->cfg;

	sodium_memzero(r, sizeof *r);
	r->cfg = cfg;
}

void
reason_open(struct reason *r, const char *user, const char *camera,
    int64_t from, int64_t to, int64_t now_ms)
{
	int64_t window = (int64_t)config_reuse_reference_minutes(r->cfg) *
	    60000;
	int f;

	for (f = 0; f < FIELD_COUNT; f++) {
		sodium_memzero(r->text[f], sizeof r->text[f]);
		r->len[f] = 0;
	}
	snprintf(r->user, sizeof r->user, "%s", user);
	snprintf(r->camera, sizeof r->camera, "%s", camera);
	r->from = from;
	r->to = to;
	r->ncover = 0;
	r->tried = 0;
	r->error[0] = '\0';
	r->focus = FIELD_CODE;
	/* A decision each time: no code is chosen, nothing filled in. */
	r->code = 0;
	r->chosen = 0;
	r->taken = 0;
	r->reused = 0;
	/* The last reference, on one key: to the same person, within the
	 * configured minutes of its confirmation. */
	r->offered = r->have_last && window > 0 && r->last_ref[0] != '\0' &&
	    strcmp(r->last_user, user) == 0 && now_ms - r->last_ms < window &&
	    r->last_code < config_reason_count(r->cfg);
	r->offered_ms = now_ms - r->last_ms;
}

/* "10 s", "8 min 20 s", "2 h 05 min". */
static void
reason_duration(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 3600 && s % 60 == 0)
		snprintf(buf, len, "%lld min", (long long)(s / 60));
	else if (s < 3600)
		snprintf(buf, len, "%lld min %lld s", (long long)(s / 60),
		    (long long)(s % 60));
	else
		snprintf(buf, len, "%lld h %02lld min", (long long)(s / 3600),
		    (long long)(s / 60 % 60));
}

/* A stretch with nothing to play, as a line under the range (the last
 * line says how many more there are). */
static void
reason_cover_add(struct reason *r, int64_t from, int64_t to, int bad,
    size_t *more)
{
	if (r->ncover < REASON_COVER_LINES - 1) {
		r->cover[r->ncover][0] = '\0';
		playscreen_stretch(r->cover[r->ncover], sizeof r->cover[0], "",
		    from, to, bad);
		r->ncover++;
	} else {
		(*more)++;
	}
}

void
reason_coverage(struct reason *r, struct catalog *cat)
{
	struct catalog_span *v = NULL;
	char *cause = NULL, a[40], b[40];
	size_t n = 0, i, more = 0;
	int64_t at = r->from, playable = 0;

	r->ncover = 0;
	if (cat == NULL || catalog_coverage(cat, r->camera, r->from, r->to, &v,
	    &n, &cause) == -1) {
		/* The player says so when the view starts. */
		free(cause);
		return;
	}
	/* Line 0 is the summary, written last. */
	r->ncover = 1;
	for (i = 0; i <= n; i++) {
		int64_t next = i < n ? v[i].from_ms : r->to;

		if (next > at)
			reason_cover_add(r, at, next, 0, &more);
		if (i == n)
			break;
		/* Not read yet: taken as footage until the player knows. */
		if (v[i].kind == CATALOG_SPAN_BAD)
			reason_cover_add(r, v[i].from_ms, v[i].to_ms, 1, &more);
		else
			playable += v[i].to_ms - v[i].from_ms;
		at = v[i].to_ms;
	}
	free(v);
	if (r->ncover == 1) {
		r->ncover = 0;
		return;
	}
	if (more > 0)
		snprintf(r->cover[r->ncover++], sizeof r->cover[0], "and %zu "
		    "more stretch%s with nothing to play", more, more == 1 ?
		    "" : "es");
	reason_duration(playable, a, sizeof a);
	reason_duration(r->to - r->from, b, sizeof b);
	if (playable <= 0)
		snprintf(r->cover[0], sizeof r->cover[0], "Nothing of these %s "
		    "can be played:", b);
	else
		snprintf(r->cover[0], sizeof r->cover[0], "Only %s of these %s "
		    "can be played:", a, b);
}

/* Chooses the code at index code. */
static void
reason_choose(struct reason *r, size_t code)
{
	r->code = code;
	r->chosen = 1;
}

/* Ctrl-R: the offered reason code, reference and authority. */
static void
reason_reuse(struct reason *r)
{
	if (!r->offered) {
		snprintf(r->error, sizeof r->error, "There is no recent "
		    "reference of yours to reuse.");
		return;
	}
	reason_choose(r, r->last_code);
	sodium_memzero(r->text[FIELD_REFERENCE],
	    sizeof r->text[FIELD_REFERENCE]);
	sodium_memzero(r->text[FIELD_AUTHORITY],
	    sizeof r->text[FIELD_AUTHORITY]);
	snprintf(r->text[FIELD_REFERENCE], REASON_REF_MAX + 1, "%s",
	    r->last_ref);
	r->len[FIELD_REFERENCE] = strlen(r->text[FIELD_REFERENCE]);
	snprintf(r->text[FIELD_AUTHORITY], REASON_AUTH_MAX + 1, "%s",
	    r->last_auth);
	r->len[FIELD_AUTHORITY] = strlen(r->text[FIELD_AUTHORITY]);
	r->taken = 1;
	r->error[0] = '\0';
}

/* 1 when field f is asked for with the chosen code. */
static int
reason_shown(const struct reason *r, enum reason_field f)
{
	const struct config_reason *c = config_reason_at(r->cfg, r->code);

	if (!r->chosen && f != FIELD_CODE && f != FIELD_NOTE)
		return 0;
	switch (f) {
	case FIELD_REFERENCE:
		return (c->requires & CONFIG_REQ_REFERENCE) != 0 ||
		    c->reference_regex != NULL;
	case FIELD_AUTHORITY:
		return (c->requires & CONFIG_REQ_AUTHORITY) != 0;
	default:
		return 1;
	}
}

static void
reason_move(struct reason *r, int dir)
{
	int f = (int)r->focus;

	do
		f = (f + dir + FIELD_COUNT) % FIELD_COUNT;
	while (!reason_shown(r, (enum reason_field)f));
	r->focus = (enum reason_field)f;
}

/* 1, with what to say in buf, when field f is over its limit. */
static int
reason_over(const struct reason *r, enum reason_field f, char *buf,
    size_t len)
{
	if (f == FIELD_CODE || r->len[f] <= reason_max(f))
		return 0;
	snprintf(buf, len, "The %s is at most %zu bytes and has %zu: shorten "
	    "it (it is not cut)", f == FIELD_REFERENCE ? "reference" : f ==
	    FIELD_AUTHORITY ? "authority" : "note", reason_max(f), r->len[f]);
	return 1;
}

static int
reason_check(struct reason *r, char **cause)
{
	const struct config_reason *c;
	char over[160], span[64];
	int f;

	if (!r->chosen) {
		*cause = xstrdup("Choose a reason first: Up or Down, or the "
		    "first letter of its code");
		return -1;
	}
	for (f = FIELD_REFERENCE; f < FIELD_COUNT; f++)
		if (reason_shown(r, (enum reason_field)f) &&
		    reason_over(r, (enum reason_field)f, over, sizeof over)) {
			*cause = xstrdup(over);
			return -1;
		}
	c = config_reason_at(r->cfg, r->code);
	if (c->range_max_minutes > 0 && r->to - r->from >
	    (int64_t)c->range_max_minutes * 60000) {
		reason_duration(r->to - r->from, span, sizeof span);
		*cause = xasprintf("%s allows a range of at most %d min "
		    "(range_max); this one is %s: go back and choose a shorter "
		    "one", c->code, c->range_max_minutes, span);
		return -1;
	}
	return config_reason_check(r->cfg, c->code,
	    reason_shown(r, FIELD_REFERENCE) ? r->text[FIELD_REFERENCE] : "",
	    reason_shown(r, FIELD_AUTHORITY) ? r->text[FIELD_AUTHORITY] : "",
	    r->text[FIELD_NOTE], cause);
}

/* A typed byte (UTF-8 arrives a byte at a time) or an editing key. */
static void
reason_type(struct reason *r, int key)
{
	enum reason_field f = r->focus;
	char over[160];

	if (f == FIELD_CODE)
		return;
	/* Held beyond the limit and said at once; Enter refuses it. */
	(void)field_key(r->text[f], &r->len[f], sizeof r->text[f] - 1, key);
	if (reason_over(r, f, over, sizeof over))
		snprintf(r->error, sizeof r->error, "%s.", over);
}

enum reason_result
reason_key(struct reason *r, int key)
{
	char *cause = NULL;
	size_t n = config_reason_count(r->cfg);

	switch (key) {
	case 27:
		return REASON_CANCEL;
	case '\t': case KEY_DOWN:
		if (key == KEY_DOWN && r->focus == FIELD_CODE) {
			reason_choose(r, r->chosen ? (r->code + 1) % n : 0);
			break;
		}
		reason_move(r, 1);
		return REASON_NONE;
	case KEY_BTAB: case KEY_UP:
		if (key == KEY_UP && r->focus == FIELD_CODE) {
			reason_choose(r, r->chosen ? (r->code + n - 1) % n :
			    n - 1);
			break;
		}
		reason_move(r, -1);
		return REASON_NONE;
	case '\r': case '\n': case KEY_ENTER:
		r->tried = 1;
		if (reason_check(r, &cause) == -1) {
			snprintf(r->error, sizeof r->error, "%s.", cause);
			free(cause);
			return REASON_NONE;
		}
		r->error[0] = '\0';
		/* Reused: taken with Ctrl-R and confirmed as it was. */
		r->reused = r->taken && r->code == r->last_code &&
		    reason_shown(r, FIELD_REFERENCE) &&
		    strcmp(r->text[FIELD_REFERENCE], r->last_ref) == 0;
		r->have_last = 1;
		r->last_code = r->code;
		r->last_ms = clock_now_ms();
		snprintf(r->last_user, sizeof r->last_user, "%s", r->user);
		/* The fields are within these sizes (reason_max()). */
		memset(r->last_ref, 0, sizeof r->last_ref);
		memset(r->last_auth, 0, sizeof r->last_auth);
		if (reason_shown(r, FIELD_REFERENCE))
			memcpy(r->last_ref, r->text[FIELD_REFERENCE],
			    r->len[FIELD_REFERENCE]);
		if (reason_shown(r, FIELD_AUTHORITY))
			memcpy(r->last_auth, r->text[FIELD_AUTHORITY],
			    r->len[FIELD_AUTHORITY]);
		return REASON_CONFIRM;
	case ' ':
		if (r->focus == FIELD_CODE) {
			reason_choose(r, r->chosen ? (r->code + 1) % n : 0);
			break;
		}
		reason_type(r, key);
		break;
	case REASON_KEY_REUSE:
		reason_reuse(r);
		break;
	default:
		if (r->focus == FIELD_CODE) {
			/* The first letter of a code chooses it (the next one
			 * with that letter when one is chosen). */
			size_t i, at = r->chosen ? r->code : n - 1;

			for (i = 1; i <= n; i++) {
				const char *c = config_reason_at(r->cfg,
				    (at + i) % n)->code;

				if (key < 0x80 && (c[0] == key ||
				    c[0] == (key & ~0x20))) {
					reason_choose(r, (at + i) % n);
					break;
				}
			}
			break;
		}
		r->error[0] = '\0';
		reason_type(r, key);
		break;
	}
	/* The code changed: a field no longer asked for loses the focus. */
	if (!reason_shown(r, r->focus))
		r->focus = FIELD_CODE;
	if (r->tried && r->error[0] != '\0' && strstr(r->error, "at most") ==
	    NULL) {
		if (reason_check(r, &cause) == -1) {
			snprintf(r->error, sizeof r->error, "%s.", cause);
			free(cause);
		} else {
			r->error[0] = '\0';
		}
	}
	return REASON_NONE;
}

const char *
reason_code(const struct reason *r)
{
	return r->chosen ? config_reason_at(r->cfg, r->code)->code : "";
}

int
reason_reused(const struct reason *r)
{
	return r->reused;
}

const char *
reason_offer(const struct reason *r)
{
	return r->offered ? r->last_ref : NULL;
}

const char *
reason_reference(const struct reason *r)
{
	return reason_shown(r, FIELD_REFERENCE) ? r->text[FIELD_REFERENCE] : "";
}

const char *
reason_authority(const struct reason *r)
{
	return reason_shown(r, FIELD_AUTHORITY) ? r->text[FIELD_AUTHORITY] : "";
}

const char *
reason_note(const struct reason *r)
{
	return r->text[FIELD_NOTE];
}

void
reason_error(struct reason *r, const char *text)
{
	snprintf(r->error, sizeof r->error, "%s", text);
}

const char *
reason_message(const struct reason *r)
{
	return r->error;
}

/* "Fri 2026-11-20 10:40:00 – 10:55:00 (15 min)" */
static void
reason_span(int64_t from, int64_t to, char *buf, size_t len)
{
	char a[64], b[64];
	struct tm tm;
	time_t t;
	int64_t d = (to - from) / 1000;

	t = (time_t)(from / 1000);
	localtime_r(&t, &tm);
	strftime(a, sizeof a, "%a %Y-%m-%d %H:%M:%S", &tm);
	t = (time_t)(to / 1000);
	localtime_r(&t, &tm);
	if (to - from < 24 * 3600 * 1000)
		strftime(b, sizeof b, "%H:%M:%S", &tm);
	else
		strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
	if (d >= 60)
		snprintf(buf, len, "%s %s %s (%lld min %02lld s)", a,
		    screen_utf8() ? "–" : "-", b, (long long)(d / 60),
		    (long long)(d % 60));
	else
		snprintf(buf, len, "%s %s %s (%lld s)", a, screen_utf8() ?
		    "–" : "-", b, (long long)d);
}

void
reason_draw(struct reason *r, const struct screen_state *st)
{
	static const char *const labels[FIELD_COUNT] = {
		"Reason", "Reference", "Authority", "Note"
	};
	const struct config_reason *c;
	char line[REASON_HOLD + 1000], span[160], *shown, *cam;
	size_t i, n = config_reason_count(r->cfg), off;
	int w = COLS - 4 > 74 ? 74 : COLS - 4, x = (COLS - w) / 2, y = 3;
	int fx = x + 14, fw = w - 16, attr, cy = -1, cx = 0, f;

	screen_frame(st);
	/* The box. */
	attron(A_BOLD);
	mvaddch(2, x, ACS_ULCORNER);
	mvhline(2, x + 1, ACS_HLINE, w - 2);
	mvaddch(2, x + w - 1, ACS_URCORNER);
	attroff(A_BOLD);
	screen_put(2, x + 2, w - 4, " Why do you need to see this recording? ",
	    A_BOLD);
	cam = utf8_sanitize(r->camera, strlen(r->camera));
	reason_span(r->from, r->to, span, sizeof span);
	snprintf(line, sizeof line, "%s, %s", cam, span);
	free(cam);
	y++;
	screen_put(y++, x + 3, w - 6, line, A_BOLD);
	for (i = 0; i < (size_t)r->ncover; i++)
		screen_put(y++, x + (i == 0 ? 3 : 5), w - (i == 0 ? 6 : 8),
		    r->cover[i], i == 0 ? A_BOLD : A_NORMAL);
	y++;
	for (i = 0; i < n; i++) {
		c = config_reason_at(r->cfg, i);
		snprintf(line, sizeof line, "%s %-9s %s", r->chosen &&
		    i == r->code ? (screen_utf8() ? "(•)" : "(*)") : "( )",
		    c->code, c->label);
		if (c->cap_seconds >= 60)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			    " (%d min", (c->cap_seconds + 59) / 60);
		else if (c->cap_seconds > 0)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			    " (%d s", c->cap_seconds);
		if (c->cap_seconds > 0 && c->range_max_minutes > 0)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			    "; ranges up to %d min)", c->range_max_minutes);
		else if (c->cap_seconds > 0)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			    ")");
		else if (c->range_max_minutes > 0)
			snprintf(line + strlen(line), sizeof line - strlen(line),
			    " (ranges up to %d min)", c->range_max_minutes);
		if (i == 0)
			screen_put(y, x + 3, 10, labels[FIELD_CODE],
			    r->focus == FIELD_CODE ? A_BOLD : A_NORMAL);
		attr = r->chosen && i == r->code && r->focus == FIELD_CODE ?
		    screen_attr_accent() | A_BOLD : (int)A_NORMAL;
		screen_put(y, fx, w - 16, line, attr);
		if ((r->chosen ? i == r->code : i == 0) &&
		    r->focus == FIELD_CODE) {
			cy = y;
			cx = fx + 1;
		}
		y++;
	}
	c = config_reason_at(r->cfg, r->code);
	for (f = FIELD_REFERENCE; f < FIELD_COUNT; f++) {
		if (!reason_shown(r, (enum reason_field)f))
			continue;
		screen_put(y, x + 3, 10, labels[f], (int)r->focus == f ? A_BOLD :
		    A_NORMAL);
		/* Show the end of a long text. */
		shown = utf8_sanitize(r->text[f], r->len[f]);
		off = 0;
		while (screen_width(shown + off, strlen(shown + off)) > fw - 1)
			off++;
		while ((shown[off] & 0xc0) == 0x80)
			off++;
		attr = (int)r->focus == f ? (int)A_UNDERLINE : (int)A_NORMAL;
		mvhline(y, fx, '_', fw);
		screen_put(y, fx, fw, shown + off, attr);
		if ((int)r->focus == f) {
			cy = y;
			cx = fx + screen_width(shown + off, strlen(shown + off));
		}
		free(shown);
		y++;
		if (f == FIELD_REFERENCE && c->reference_regex != NULL)
			snprintf(line, sizeof line, "form: %s%s",
			    c->reference_regex, c->requires &
			    CONFIG_REQ_REFERENCE ? "" : " (optional)");
		else if (f == FIELD_REFERENCE)
			snprintf(line, sizeof line, "case, journal or request "
			    "number");
		else if (f == FIELD_AUTHORITY)
			snprintf(line, sizeof line, "who asked (e.g. the police "
			    "district)");
		else if (c->note_min > 0)
			snprintf(line, sizeof line, "at least %d characters "
			    "(%zu typed)", c->note_min, r->len[f]);
		else
			snprintf(line, sizeof line, "%s", c->requires &
			    CONFIG_REQ_NOTE ? "required" : "optional");
		screen_put(y++, fx, fw, line, A_DIM);
	}
	y++;
	if (r->offered && !r->taken) {
		const struct config_reason *lc = config_reason_at(r->cfg,
		    r->last_code);

		snprintf(line, sizeof line, "Ctrl-R: reuse %s (%s, your "
		    "reason %lld min ago) if this is the same matter.",
		    r->last_ref, lc->code,
		    (long long)(r->offered_ms > 0 ? r->offered_ms / 60000 : 0));
		shown = utf8_sanitize(line, strlen(line));
		y += screen_wrap(y, x + 3, w - 6, 2, shown, A_BOLD);
		free(shown);
	}
	if (!r->chosen)
		snprintf(line, sizeof line, "No reason chosen yet: Up or Down, "
		    "or the first letter of a code, chooses one.");
	else
		snprintf(line, sizeof line, "This view will be logged as %s, "
		    "%s%s%s.", r->user, c->code, reason_shown(r,
		    FIELD_REFERENCE) && r->len[FIELD_REFERENCE] > 0 ? " " : "",
		    reason_shown(r, FIELD_REFERENCE) ?
		    r->text[FIELD_REFERENCE] : "");
	shown = utf8_sanitize(line, strlen(line));
	y += screen_wrap(y, x + 3, w - 6, 2, shown, A_NORMAL);
	free(shown);
	if (r->error[0] != '\0') {
		shown = utf8_sanitize(r->error, strlen(r->error));
		y += screen_wrap(y, x + 3, w - 6, 3, shown, screen_attr_error());
		free(shown);
	}
	y++;
	screen_put(y, x + w - 28, 26, "[ Play ]   [ Cancel ]", A_BOLD);
	y++;
	/* The box's sides and bottom. */
	attron(A_BOLD);
	mvvline(3, x, ACS_VLINE, y - 3);
	mvvline(3, x + w - 1, ACS_VLINE, y - 3);
	mvaddch(y, x, ACS_LLCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_LRCORNER);
	attroff(A_BOLD);
	screen_bottom(NULL, 0, screen_utf8() ?
	    "Tab next field  ↑↓ reason  Enter play  Esc cancel" :
	    "Tab next field  Up/Down reason  Enter play  Esc cancel");
	if (cy >= 0) {
		move(cy, cx);
		curs_set(r->focus == FIELD_CODE ? 0 : 1);
	}
	refresh();
}
