/* tui_int — what the files of tui/ share with each other (and with its
 * unit tests, fuzzers and benchmarks) and with no other module: the
 * private half of tui/tui.h.  tests/regress/boundaries.sh checks that no
 * other folder includes it. */
#ifndef VIGIL_TUI_INT_H
#define VIGIL_TUI_INT_H

#include "tui/tui.h"

/* Shared between review.c and reviewform.c (and their unit test). */

/* The forms of the review: text fields, choices and toggles. */
#define REVIEWFORM_FIELDS	12
#define REVIEWFORM_TEXT_MAX	512

enum reviewform_kind {
	REVIEWFORM_TEXT,
	REVIEWFORM_CHOICE,	/* one of choices, Space or Left/Right */
	REVIEWFORM_TOGGLE,	/* on or off, Space */
	REVIEWFORM_SECRET,	/* text drawn as dots (a passphrase) */
};

struct reviewform_field {
	enum reviewform_kind	 kind;
	const char		*label;
	const char		*hint;
	const char *const	*choices;	/* NULL-terminated */
	int			 choice;	/* or the toggle's state */
	char			 text[REVIEWFORM_TEXT_MAX + 1];
	size_t			 len;
};

struct reviewform {
	char			 title[128];
	char			 intro[800];	/* a line under the title */
	char			 ok[24];	/* the button: "Apply" */
	struct reviewform_field	 f[REVIEWFORM_FIELDS];
	int			 n;
	int			 focus;
	char			 error[700];
};

enum reviewform_result {
	REVIEWFORM_NONE,
	REVIEWFORM_APPLY,	/* Enter: the caller checks the fields */
	REVIEWFORM_CANCEL,	/* Esc */
};

/* Empties the form (wiping what was typed) and names it. */
void reviewform_init(struct reviewform *, const char *title, const char *ok);
/* Adds a field (label, hint and choices are not copied: static text);
 * returns its index. */
int reviewform_add(struct reviewform *, enum reviewform_kind,
    const char *label, const char *hint, const char *const *choices);
void reviewform_set(struct reviewform *, int i, const char *text);
const char *reviewform_text(const struct reviewform *, int i);
/* The error shown in the form (NULL clears it). */
void reviewform_error(struct reviewform *, const char *text);
enum reviewform_result reviewform_key(struct reviewform *, int key);
/* Draws the form as a box over the screen, hints on the bottom line. */
void reviewform_draw(struct reviewform *, const char *hints);
void reviewform_wipe(struct reviewform *);

/* The table's columns for a terminal cols wide. */
enum {
	REVIEW_COL_TIME, REVIEW_COL_USER, REVIEW_COL_ACTION, REVIEW_COL_CAMERA,
	REVIEW_COL_FOOTAGE, REVIEW_COL_WATCHED, REVIEW_COL_REASON,
	REVIEW_COL_REF, REVIEW_COL_FLAG, REVIEW_NCOLS
};
struct review_cols {
	int	x[REVIEW_NCOLS];
	int	w[REVIEW_NCOLS];	/* 0: not shown */
	int	seconds;		/* the time column has seconds */
};
void review_layout(int cols, struct review_cols *);
/* "40s", "15m00s", "1h05m", "2d03h"; "-" when ms < 0.  Returns buf. */
char *review_duration(int64_t ms, char *buf, size_t len);
/* Replaces each multi-byte character of s by one '?', in place (a
 * terminal that is not UTF-8). */
void review_ascii(char *s);
/* JSON indented two spaces a level, or a copy of the text when it is not
 * JSON; caller frees. */
char *review_json_pretty(const char *json);
/* Bytes of s that fit in width columns, broken after a space when one
 * fits (always at least one byte of a non-empty s); *used the columns. */
size_t review_wrap_next(const char *s, int width, int *used);

#endif
