/* reviewform — the small forms of the audit review screen (the filter,
 * the report, who saw, a path to type): text fields edited a byte at a
 * time as typed (UTF-8 arrives so; Backspace takes a whole character),
 * choices cycled with Space or Left/Right, drawn as a box over the screen
 * with the focused field's hint and an error line. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tui/tui.h"
#include "tui/tui_int.h"
#include "util/util.h"

static void reviewform_type(struct reviewform *, struct reviewform_field *,
    int key);
static void reviewform_cycle(struct reviewform_field *, int dir);

void
reviewform_init(struct reviewform *f, const char *title, const char *ok)
{
	sodium_memzero(f, sizeof *f);
	snprintf(f->title, sizeof f->title, "%s", title);
	snprintf(f->ok, sizeof f->ok, "%s", ok);
}

int
reviewform_add(struct reviewform *f, enum reviewform_kind kind,
    const char *label, const char *hint, const char *const *choices)
{
	struct reviewform_field *fl;

	if (f->n >= REVIEWFORM_FIELDS)
		fatal("reviewform: too many fields");
	fl = &f->f[f->n];
	fl->kind = kind;
	fl->label = label;
	fl->hint = hint;
	fl->choices = choices;
	fl->choice = 0;
	fl->len = 0;
	fl->text[0] = '\0';
	return f->n++;
}

void
reviewform_set(struct reviewform *f, int i, const char *text)
{
	struct reviewform_field *fl = &f->f[i];

	snprintf(fl->text, sizeof fl->text, "%s", text);
	fl->len = strlen(fl->text);
}

const char *
reviewform_text(const struct reviewform *f, int i)
{
	return f->f[i].text;
}

void
reviewform_error(struct reviewform *f, const char *text)
{
	snprintf(f->error, sizeof f->error, "%s", text != NULL ? text : "");
}

/* Next or previous choice of a choice field, or flips a toggle. */
static void
reviewform_cycle(struct reviewform_field *fl, int dir)
{
	int n = 0;

	if (fl->kind == REVIEWFORM_TOGGLE) {
		fl->choice = !fl->choice;
		return;
	}
	if (fl->kind != REVIEWFORM_CHOICE || fl->choices == NULL)
		return;
	while (fl->choices[n] != NULL)
		n++;
	if (n > 0)
		fl->choice = (fl->choice + dir + n) % n;
}

/* A typed byte or an editing key in a text field (field.c). */
static void
reviewform_type(struct reviewform *f, struct reviewform_field *fl, int key)
{
	if (field_key(fl->text, &fl->len, REVIEWFORM_TEXT_MAX, key) ==
	    FIELD_FULL)
		snprintf(f->error, sizeof f->error, "%s: at most %d bytes; the "
		    "rest was not taken.", fl->label, REVIEWFORM_TEXT_MAX);
}

enum reviewform_result
reviewform_key(struct reviewform *f, int key)
{
	struct reviewform_field *fl = &f->f[f->focus];
	int i;

	switch (key) {
	case 27:
		return REVIEWFORM_CANCEL;
	case '\r': case '\n': case KEY_ENTER:
		f->error[0] = '\0';
		return REVIEWFORM_APPLY;
	case '\t': case KEY_DOWN:
		f->focus = (f->focus + 1) % f->n;
		return REVIEWFORM_NONE;
	case KEY_BTAB: case KEY_UP:
		f->focus = (f->focus + f->n - 1) % f->n;
		return REVIEWFORM_NONE;
	case 5:			/* ^E: every field emptied */
		for (i = 0; i < f->n; i++) {
			sodium_memzero(f->f[i].text, sizeof f->f[i].text);
			f->f[i].len = 0;
			f->f[i].choice = 0;
		}
		f->error[0] = '\0';
		return REVIEWFORM_NONE;
	case KEY_RESIZE:
		return REVIEWFORM_NONE;
	default:
		break;
	}
	if (fl->kind != REVIEWFORM_TEXT && fl->kind != REVIEWFORM_SECRET) {
		if (key == ' ' || key == KEY_RIGHT)
			reviewform_cycle(fl, 1);
		else if (key == KEY_LEFT)
			reviewform_cycle(fl, -1);
		return REVIEWFORM_NONE;
	}
	f->error[0] = '\0';
	reviewform_type(f, fl, key);
	return REVIEWFORM_NONE;
}

/* Blanks n lines of the box from line y (what is under the box goes). */
static void
reviewform_clear(int y, int x, int w, int n)
{
	for (; n > 0; n--, y++) {
		if (y < 0 || y >= LINES)
			continue;
		move(y, x);
		hline(' ', w);
	}
}

/* Wraps text (made safe to draw) into the box at line y; returns the
 * lines used. */
static int
reviewform_text_lines(int y, int x, int w, int maxlines, const char *text,
    int attr)
{
	char *shown = utf8_sanitize(text, strlen(text));
	int n;

	if (!screen_utf8())
		review_ascii(shown);
	n = screen_wrap_lines(w - 6, shown);
	if (n > maxlines)
		n = maxlines;
	reviewform_clear(y, x, w, n);
	n = screen_wrap(y, x + 3, w - 6, maxlines, shown, attr);
	free(shown);
	return n;
}

void
reviewform_draw(struct reviewform *f, const char *hints)
{
	const struct reviewform_field *fl;
	char line[REVIEWFORM_TEXT_MAX + 64];
	int w = COLS - 4 > 74 ? 74 : COLS - 4, x = (COLS - w) / 2, y = 2;
	int lw = 16, fx, fw, cy = -1, cx = 0, i, attr, top;

	fx = x + 3 + lw;
	fw = w - lw - 6;
	top = y;
	reviewform_clear(y, x, w, 2);
	attron(A_BOLD);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	attroff(A_BOLD);
	snprintf(line, sizeof line, " %s ", f->title);
	screen_put(y, x + 2, w - 4, line, A_BOLD);
	y += 2;
	if (f->intro[0] != '\0') {
		y += reviewform_text_lines(y, x, w, 2, f->intro, A_NORMAL);
		reviewform_clear(y++, x, w, 1);
	}
	for (i = 0; i < f->n && y < LINES - 7; i++, y++) {
		fl = &f->f[i];
		reviewform_clear(y, x, w, 1);
		screen_put(y, x + 3, lw - 1, fl->label, i == f->focus ? A_BOLD :
		    A_NORMAL);
		if (fl->kind == REVIEWFORM_TEXT ||
		    fl->kind == REVIEWFORM_SECRET) {
			field_draw(y, fx, fw, fl->text, fl->len, i == f->focus,
			    fl->kind == REVIEWFORM_SECRET, &cx);
			if (i == f->focus)
				cy = y;
			continue;
		}
		if (fl->kind == REVIEWFORM_TOGGLE)
			snprintf(line, sizeof line, "[%c] %s", fl->choice ? 'x' :
			    ' ', fl->hint != NULL ? fl->hint : "");
		else
			snprintf(line, sizeof line, "< %s >",
			    fl->choices[fl->choice]);
		attr = i == f->focus ? screen_attr_accent() | A_BOLD :
		    (int)A_NORMAL;
		screen_put(y, fx, fw, line, attr);
	}
	reviewform_clear(y++, x, w, 1);
	fl = &f->f[f->focus];
	if (fl->hint != NULL && fl->kind != REVIEWFORM_TOGGLE)
		y += reviewform_text_lines(y, x, w, 2, fl->hint, A_DIM);
	else if (fl->kind == REVIEWFORM_TOGGLE)
		y += reviewform_text_lines(y, x, w, 2, "Space turns it on or "
		    "off.", A_DIM);
	if (fl->kind == REVIEWFORM_CHOICE)
		y += reviewform_text_lines(y, x, w, 1, "Space or Left/Right "
		    "chooses.", A_DIM);
	if (f->error[0] != '\0')
		y += reviewform_text_lines(y, x, w, 3, f->error,
		    screen_attr_error());
	reviewform_clear(y++, x, w, 2);
	snprintf(line, sizeof line, "[ %s ]   [ Cancel ]", f->ok);
	i = screen_width(line, strlen(line));
	screen_put(y, x + w - 3 - i, i, line, A_BOLD);
	y++;
	attron(A_BOLD);
	mvvline(top + 1, x, ACS_VLINE, y - top - 1);
	mvvline(top + 1, x + w - 1, ACS_VLINE, y - top - 1);
	mvaddch(y, x, ACS_LLCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_LRCORNER);
	attroff(A_BOLD);
	screen_bottom(NULL, 0, hints);
	if (cy >= 0) {
		move(cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
}

void
reviewform_wipe(struct reviewform *f)
{
	sodium_memzero(f, sizeof *f);
}
