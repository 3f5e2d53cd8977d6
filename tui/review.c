/* review — the data protection officer's review of the audit log (a in the
 * browser; the screen after login for an auditor who views no footage): a
 * table of the log, newest first, read from SQL a screenful at a time;
 * filters that combine; a view shown as one line with what was watched;
 * flags with their explanations; the whole entry on Enter; the log's
 * integrity; reports, who saw a camera's footage, checkpoint export.
 * Entering, every filter applied and every report written are logged:
 * the reviewer is reviewed too.
 *
 * This file: the object, the filter, the table a screenful at a time,
 * the text viewer, the keys and the drawing; the panels (detail,
 * integrity, help, reports, who saw, checkpoints) are reviewpanel.c. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "export/export.h"
#include "tui/tui.h"
#include "tui/tui_int.h"
#include "tui/review_int.h"
#include "util/util.h"

static char *review_clean(const char *s);
static void review_filter_free(struct review_filter *f);
static void review_filter_form(struct review *rv);
static int review_filter_apply(struct review *rv);
static int review_read(struct review *rv, const struct audit_review_pos *at,
    int backward, size_t max, struct audit_review_page **page);
static void review_set_page(struct review *rv, struct audit_review_page *p);
static void review_top(struct review *rv, const struct audit_review_row *r);
static void review_load(struct review *rv, int rows);
static void review_move(struct review *rv, int key);
static void review_flags_line(struct review *rv,
    const struct audit_review_row *r, char *buf, size_t len);
static void review_draw_row(const struct audit_review_row *r,
    const struct review_cols *c, int y, int attr);
static void review_text_raw(struct review *rv, int indent, int attr,
    const char *text);
static enum review_action review_text_key(struct review *rv, int key);
static void review_draw_table(struct review *rv, const struct screen_state *st);
static void review_draw_text(struct review *rv, const struct screen_state *st);

/* The flag filter's choices: 0 every row, 1 any flag, 2.. one flag. */
static const char *review_flag_choices[AUDIT_FLAG_COUNT + 3];

/* ---- Pure helpers (tests/unit/test_review_screen.c) --------------------- */

void
review_ascii(char *s)
{
	unsigned char *p = (unsigned char *)s, *o = p;

	while (*p != '\0') {
		if (*p < 0x80) {
			*o++ = *p++;
			continue;
		}
		/* One '?' for a whole sequence. */
		*o++ = '?';
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
	}
	*o = '\0';
}

char *
review_duration(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (ms < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
	return buf;
}

void
review_layout(int cols, struct review_cols *c)
{
	int spare, i;

	memset(c, 0, sizeof *c);
	c->seconds = cols >= 100;
	c->w[REVIEW_COL_TIME] = c->seconds ? 14 : 11;
	c->w[REVIEW_COL_USER] = 6;
	c->w[REVIEW_COL_ACTION] = 7;
	c->w[REVIEW_COL_CAMERA] = 8;
	c->w[REVIEW_COL_FOOTAGE] = 16;
	c->w[REVIEW_COL_WATCHED] = 6;
	c->w[REVIEW_COL_REASON] = 8;
	c->w[REVIEW_COL_REF] = 6;
	c->w[REVIEW_COL_FLAG] = 1;
	/* A column of margin on each side and one between columns. */
	spare = cols - 2 - (REVIEW_NCOLS - 1);
	for (i = 0; i < REVIEW_NCOLS; i++)
		spare -= c->w[i];
	/* Wider: the names grow to a point, the reference takes the rest. */
	while (spare > 0) {
		if (c->w[REVIEW_COL_USER] < 10)
			c->w[REVIEW_COL_USER]++;
		else if (c->w[REVIEW_COL_ACTION] < 12)
			c->w[REVIEW_COL_ACTION]++;
		else if (c->w[REVIEW_COL_CAMERA] < 14)
			c->w[REVIEW_COL_CAMERA]++;
		else if (c->w[REVIEW_COL_REASON] < 9)
			c->w[REVIEW_COL_REASON]++;
		else
			c->w[REVIEW_COL_REF]++;
		spare--;
	}
	/* Narrower: the reference, then the watched time, then the camera
	 * shrink. */
	while (spare < 0 && c->w[REVIEW_COL_REF] > 0) {
		c->w[REVIEW_COL_REF]--;
		spare++;
	}
	while (spare < 0 && c->w[REVIEW_COL_CAMERA] > 4) {
		c->w[REVIEW_COL_CAMERA]--;
		spare++;
	}
	c->x[0] = 1;
	for (i = 1; i < REVIEW_NCOLS; i++)
		c->x[i] = c->x[i - 1] + c->w[i - 1] + (c->w[i - 1] > 0 ? 1 : 0);
}

char *
review_json_pretty(const char *json)
{
	json_error_t err;
	json_t *j;
	char *out;

	j = json_loads(json, 0, &err);
	if (j == NULL)
		return xstrdup(json);
	out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return out != NULL ? out : xstrdup(json);
}

size_t
review_wrap_next(const char *s, int width, int *used)
{
	mbstate_t ps;
	wchar_t wc;
	size_t len = strlen(s), off = 0, n, brk = 0;
	int cols, total = 0, w;

	while (off < len) {
		memset(&ps, 0, sizeof ps);
		n = mbrtowc(&wc, s + off, len - off, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			cols = 1;
		} else {
			w = wcwidth(wc);
			cols = w < 0 ? 1 : w;
		}
		if (total + cols > width)
			break;
		if (s[off] == ' ')
			brk = off;
		total += cols;
		off += n;
	}
	if (off < len && brk > 0 && s[off] != ' ')
		off = brk;
	if (off == 0 && len > 0)
		off = 1;
	if (used != NULL)
		*used = total;
	return off;
}

/* ---- The object ---------------------------------------------------------- */

struct review *
review_new(const struct config *cfg, struct audit_log *log,
    const char *terminal)
{
	const struct config_review *cr = config_review(cfg);
	struct audit_review_limits lim;
	struct audit_review_code *codes;
	const struct config_reason *c;
	struct review *rv = xcalloc(1, sizeof *rv);
	size_t i, n = config_reason_count(cfg);

	rv->cfg = cfg;
	rv->log = log;
	rv->terminal = xstrdup(terminal);
	rv->dirty = 1;
	rv->flags_seq = -1;
	memset(&lim, 0, sizeof lim);
	lim.work_from = cr->work_from;
	lim.work_to = cr->work_to;
	lim.max_view_minutes = cr->max_view_minutes;
	lim.max_views_per_day = cr->max_views_per_day;
	lim.max_cameras_per_reference = cr->max_cameras_per_reference;
	codes = xcalloc(n > 0 ? n : 1, sizeof *codes);
	for (i = 0; i < n; i++) {
		c = config_reason_at(cfg, i);
		codes[i].code = c->code;
		codes[i].reference_regex = c->reference_regex;
		codes[i].cap_seconds = c->cap_seconds;
		codes[i].needs_approval = c->needs_approval;
	}
	lim.codes = codes;
	lim.ncodes = n;
	if (log == NULL)
		rv->ar_error = xstrdup("the audit log is not open");
	else
		rv->ar = audit_review_new(log, &lim, &rv->ar_error);
	free(codes);
	review_filter_form(rv);
	return rv;
}

void
review_free(struct review *rv)
{
	if (rv == NULL)
		return;
	audit_review_page_free(rv->page);
	review_text_clear(rv);
	free(rv->paras);
	audit_witness_result_free(&rv->wres);
	review_filter_free(&rv->filter);
	if (rv->ar != NULL)
		audit_review_free(rv->ar);
	free(rv->ar_error);
	free(rv->terminal);
	sodium_memzero(rv, sizeof *rv);
	free(rv);
}

void
review_forget(struct review *rv)
{
	review_text_clear(rv);
	review_filter_free(&rv->filter);
	review_filter_form(rv);
	reviewform_wipe(&rv->form);
	audit_review_page_free(rv->page);
	rv->page = NULL;
	rv->mode = MODE_TABLE;
	rv->has_anchor = 0;
	rv->sel = 0;
	rv->dirty = 1;
	rv->status[0] = '\0';
	rv->user[0] = '\0';
	rv->held[0] = '\0';
	rv->witness[0] = '\0';
	rv->witness_error[0] = '\0';
	audit_witness_result_free(&rv->wres);
	rv->last_dir[0] = '\0';
	rv->flags_seq = -1;
	rv->flags_text[0] = '\0';
}

void
review_enter(struct review *rv, const char *user)
{
	char *cause = NULL;

	if (strcmp(rv->user, user) != 0)
		review_forget(rv);
	snprintf(rv->user, sizeof rv->user, "%s", user);
	rv->mode = MODE_TABLE;
	rv->dirty = 1;
	rv->status[0] = '\0';
	/* The reviewer is reviewed too. */
	if (rv->log == NULL || audit_review_log_review(rv->log, rv->user,
	    rv->terminal, "enter", &rv->filter.f, &cause) == -1) {
		review_say(rv, 1, "Entering the review could not be logged: %s",
		    cause != NULL ? cause : "the audit log is not open");
		free(cause);
	}
	/* A fresh verification of the whole log, shown as it goes. */
	logstate_again();
}

/* Sets the status line (error 1: red). */
void
review_say(struct review *rv, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rv->status, sizeof rv->status, fmt, ap);
	va_end(ap);
	rv->status_error = error;
}

/* Text from the log made safe to draw: no control characters or invalid
 * UTF-8, and plain ASCII on a terminal that is not UTF-8.  Caller frees. */
static char *
review_clean(const char *s)
{
	char *c = utf8_sanitize(s != NULL ? s : "", s != NULL ? strlen(s) : 0);

	if (!screen_utf8())
		review_ascii(c);
	return c;
}

/* Local time: "11-22 19:07" (full 0), with seconds (1), with the year
 * (2). */
void
review_when(int64_t ms, int full, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	localtime_r(&t, &tm);
	strftime(buf, len, full == 2 ? "%Y-%m-%d %H:%M:%S" : full == 1 ?
	    "%m-%d %H:%M:%S" : "%m-%d %H:%M", &tm);
}

/* What each flag means, for people. */
const char *
review_flag_label(unsigned flag)
{
	switch (flag) {
	case AUDIT_FLAG_HOURS:
		return "outside working hours";
	case AUDIT_FLAG_LONG:
		return "long view";
	case AUDIT_FLAG_PATTERN:
		return "reference not of its code's form";
	case AUDIT_FLAG_REUSED:
		return "reference used for many cameras";
	case AUDIT_FLAG_MANY:
		return "many views by one user in a day";
	case AUDIT_FLAG_CAP:
		return "played beyond its code's cap";
	case AUDIT_FLAG_UNAPPROVED:
		return "export without approval";
	case AUDIT_FLAG_ABORTED:
		return "view aborted";
	default:
		return "?";
	}
}

/* ---- The filter ---------------------------------------------------------- */

static void
review_filter_free(struct review_filter *f)
{
	int i;

	for (i = 0; i < FF_COUNT; i++) {
		free(f->s[i]);
		f->s[i] = NULL;
	}
	memset(&f->f, 0, sizeof f->f);
}

/* The filter form, empty. */
static void
review_filter_form(struct review *rv)
{
	unsigned b;

	review_flag_choices[0] = "every row";
	review_flag_choices[1] = "any flag";
	for (b = 0; b < AUDIT_FLAG_COUNT; b++)
		review_flag_choices[b + 2] = review_flag_label(1u << b);
	review_flag_choices[AUDIT_FLAG_COUNT + 2] = NULL;
	reviewform_init(&rv->ff, "Filter the log", "Apply");
	snprintf(rv->ff.intro, sizeof rv->ff.intro, "Empty fields do not "
	    "filter; the fields combine. Every filter applied is logged.");
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "From", "Entries from this "
	    "time on: YYYY-MM-DD or YYYY-MM-DD HH:MM (local time).", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "To", "Entries before this "
	    "time; a date alone includes that whole day.", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "User", "Who acted, exactly "
	    "as logged (alice).", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "Camera", "The camera, "
	    "exactly as logged (entrance).", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "Action", "view-start, "
	    "view-end, export-done, login, audit-review, ... (exact).", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "Reason code", "INCIDENT, "
	    "POLICE, SYSCHECK, ... (exact).", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TEXT, "Reference has", "Part of "
	    "the reference (a case or request number).", NULL);
	reviewform_add(&rv->ff, REVIEWFORM_TOGGLE, "Views only", "views only",
	    NULL);
	reviewform_add(&rv->ff, REVIEWFORM_CHOICE, "Flags", "Rows carrying "
	    "this flag (? lists what each means).", review_flag_choices);
}

/* Checks the filter form and puts it in force; 0, or -1 with the error
 * in the form. */
static int
review_filter_apply(struct review *rv)
{
	struct review_filter nf;
	const struct reviewform *f = &rv->ff;
	const char *from = reviewform_text(f, FF_FROM);
	const char *to = reviewform_text(f, FF_TO);
	char *cause = NULL, msg[700];
	int i, choice;

	memset(&nf, 0, sizeof nf);
	for (i = FF_FROM; i <= FF_REF; i++) {
		const char *t = reviewform_text(f, i);

		if (!utf8_valid(t, strlen(t))) {
			snprintf(msg, sizeof msg, "%s is not valid UTF-8.",
			    f->f[i].label);
			reviewform_error(&rv->ff, msg);
			rv->ff.focus = i;
			return -1;
		}
	}
	if (from[0] != '\0' && clock_parse(from, 1, &nf.f.from_ms) == -1) {
		reviewform_error(&rv->ff, "From is not a date and time: type "
		    "YYYY-MM-DD or YYYY-MM-DD HH:MM.");
		rv->ff.focus = FF_FROM;
		return -1;
	}
	if (to[0] != '\0') {
		if (clock_parse(to, 1, &nf.f.to_ms) == -1) {
			reviewform_error(&rv->ff, "To is not a date and time: "
			    "type YYYY-MM-DD or YYYY-MM-DD HH:MM.");
			rv->ff.focus = FF_TO;
			return -1;
		}
		/* A date alone: to the end of that day. */
		if (strlen(to) == 10)
			nf.f.to_ms += 24 * 3600 * 1000;
	}
	if (nf.f.to_ms != 0 && nf.f.to_ms <= nf.f.from_ms) {
		reviewform_error(&rv->ff, "To must be after From.");
		rv->ff.focus = FF_TO;
		return -1;
	}
	/* The dates are kept as typed, for the filter line. */
	for (i = FF_FROM; i <= FF_REF; i++)
		if (f->f[i].len > 0)
			nf.s[i] = xstrdup(f->f[i].text);
	nf.f.actor = nf.s[FF_USER];
	nf.f.camera = nf.s[FF_CAMERA];
	nf.f.action = nf.s[FF_ACTION];
	nf.f.reason_code = nf.s[FF_CODE];
	nf.f.reference = nf.s[FF_REF];
	nf.f.views_only = f->f[FF_VIEWS].choice;
	choice = f->f[FF_FLAG].choice;
	nf.f.flags = choice == 0 ? 0 : choice == 1 ? AUDIT_FLAG_ALL :
	    1u << (choice - 2);
	review_filter_free(&rv->filter);
	rv->filter = nf;
	rv->has_anchor = 0;
	rv->sel = 0;
	rv->dirty = 1;
	if (rv->log == NULL || audit_review_log_review(rv->log, rv->user,
	    rv->terminal, "filter", &rv->filter.f, &cause) == -1) {
		review_say(rv, 1, "The filter could not be logged: %s",
		    cause != NULL ? cause : "the audit log is not open");
		free(cause);
	} else {
		review_say(rv, 0, "Filter applied (and logged).");
	}
	return 0;
}

/* The text of the filter line (from the form as last applied). */
void
review_filter_line(const struct review *rv, char *buf, size_t len)
{
	const struct audit_review_filter *f = &rv->filter.f;
	const char *dot = screen_utf8() ? " · " : " - ";
	const char *from = rv->filter.s[FF_FROM], *to = rv->filter.s[FF_TO];
	size_t used = 0;
	int any = 0;

#define ADD(...) do { \
	if (used < len) \
		used += (size_t)snprintf(buf + used, len - used, __VA_ARGS__); \
} while (0)
#define SEP() do { if (any) ADD("%s", dot); any = 1; } while (0)
	buf[0] = '\0';
	ADD("Filter: ");
	if (f->views_only) {
		SEP();
		ADD("views");
	}
	if (from != NULL || to != NULL) {
		SEP();
		ADD("%s%s%s", from != NULL ? from : "", screen_utf8() ? "–" :
		    "..", to != NULL ? to : "");
	}
	if (f->actor != NULL) {
		SEP();
		ADD("user %s", f->actor);
	}
	if (f->camera != NULL) {
		SEP();
		ADD("camera %s", f->camera);
	}
	if (f->action != NULL) {
		SEP();
		ADD("action %s", f->action);
	}
	if (f->reason_code != NULL) {
		SEP();
		ADD("reason %s", f->reason_code);
	}
	if (f->reference != NULL) {
		SEP();
		ADD("ref has %s", f->reference);
	}
	if (f->flags == AUDIT_FLAG_ALL) {
		SEP();
		ADD("flagged only");
	} else if (f->flags != 0) {
		SEP();
		ADD("flag: %s", review_flag_label(f->flags));
	}
	if (!any)
		ADD("none, every entry (f filters)");
#undef SEP
#undef ADD
}

/* ---- The table: a screenful at a time ------------------------------------ */

/* Reads a page; a failure is shown instead of the table.  0 or -1. */
static int
review_read(struct review *rv, const struct audit_review_pos *at, int backward,
    size_t max, struct audit_review_page **page)
{
	char *cause = NULL;

	*page = NULL;
	if (rv->ar == NULL) {
		snprintf(rv->load_error, sizeof rv->load_error, "The log cannot "
		    "be reviewed: %s.", rv->ar_error != NULL ? rv->ar_error :
		    "error");
		return -1;
	}
	if (max < 1)
		max = 1;
	if (audit_review_page(rv->ar, &rv->filter.f, at, backward, max, page,
	    &cause) == -1) {
		snprintf(rv->load_error, sizeof rv->load_error, "The log cannot "
		    "be read: %s", cause != NULL ? cause : "error");
		free(cause);
		*page = NULL;
		return -1;
	}
	rv->load_error[0] = '\0';
	return 0;
}

/* Puts page p on screen (owned from now on), the selection kept inside it. */
static void
review_set_page(struct review *rv, struct audit_review_page *p)
{
	audit_review_page_free(rv->page);
	rv->page = p;
	if (rv->sel >= (int)p->n)
		rv->sel = p->n > 0 ? (int)p->n - 1 : 0;
	if (rv->sel < 0)
		rv->sel = 0;
}

/* The row r at the top: the anchor just newer than it. */
static void
review_top(struct review *rv, const struct audit_review_row *r)
{
	rv->has_anchor = 1;
	rv->anchor.time_ms = r->time_ms;
	rv->anchor.seq = r->seq + 1;
}

/* Reads the screenful from the anchor down (rows lines). */
static void
review_load(struct review *rv, int rows)
{
	struct audit_review_page *p;

	rv->dirty = 0;
	rv->rows = rows;
	rv->loaded_count = rv->log != NULL ? audit_count(rv->log) : 0;
	if (review_read(rv, rv->has_anchor ? &rv->anchor : NULL, 0,
	    (size_t)rows, &p) == -1) {
		audit_review_page_free(rv->page);
		rv->page = NULL;
		return;
	}
	if (p->n == 0 && rv->has_anchor) {
		/* Nothing from here on any more: the newest. */
		audit_review_page_free(p);
		rv->has_anchor = 0;
		review_load(rv, rows);
		return;
	}
	review_set_page(rv, p);
}

/* The moving keys of the table: at most two reads of a screenful. */
static void
review_move(struct review *rv, int key)
{
	struct audit_review_page *cur = rv->page, *p = NULL;
	struct audit_review_pos at;
	size_t rows = (size_t)rv->rows, n = cur != NULL ? cur->n : 0;

	if (cur == NULL && key != KEY_HOME && key != 'g')
		return;
	switch (key) {
	case KEY_DOWN: case 'j':
		if (rv->sel + 1 < (int)n) {
			rv->sel++;
			break;
		}
		if (n == 0 || !cur->more_older)
			break;
		/* One line on: the rows older than the top one. */
		at.time_ms = cur->rows[0].time_ms;
		at.seq = cur->rows[0].seq;
		if (review_read(rv, &at, 0, rows, &p) == -1 || p->n == 0)
			break;
		review_top(rv, &p->rows[0]);
		rv->sel = (int)p->n - 1;
		review_set_page(rv, p);
		p = NULL;
		break;
	case KEY_UP: case 'k':
		if (rv->sel > 0) {
			rv->sel--;
			break;
		}
		if (n == 0 || !cur->more_newer)
			break;
		at.time_ms = cur->rows[0].time_ms;
		at.seq = cur->rows[0].seq;
		if (review_read(rv, &at, 1, 1, &p) == -1 || p->n == 0)
			break;
		review_top(rv, &p->rows[0]);
		review_load(rv, rv->rows);
		rv->sel = 0;
		break;
	case KEY_NPAGE: case ' ':
		if (n == 0 || !cur->more_older) {
			rv->sel = n > 0 ? (int)n - 1 : 0;
			break;
		}
		at.time_ms = cur->rows[n - 1].time_ms;
		at.seq = cur->rows[n - 1].seq;
		if (review_read(rv, &at, 0, rows, &p) == -1 || p->n == 0)
			break;
		if (p->n < rows) {
			/* The last page: a full screen of the oldest. */
			audit_review_page_free(p);
			p = NULL;
			review_move(rv, KEY_END);
			break;
		}
		review_top(rv, &p->rows[0]);
		review_set_page(rv, p);
		p = NULL;
		break;
	case KEY_PPAGE:
		if (n == 0 || !cur->more_newer) {
			rv->sel = 0;
			break;
		}
		at.time_ms = cur->rows[0].time_ms;
		at.seq = cur->rows[0].seq;
		if (review_read(rv, &at, 1, rows, &p) == -1 || p->n == 0)
			break;
		if (p->n < rows || !p->more_newer) {
			audit_review_page_free(p);
			p = NULL;
			rv->has_anchor = 0;
			review_load(rv, rv->rows);
			break;
		}
		review_top(rv, &p->rows[0]);
		review_set_page(rv, p);
		p = NULL;
		break;
	case KEY_HOME: case 'g':
		rv->has_anchor = 0;
		rv->sel = 0;
		review_load(rv, rv->rows);
		break;
	case KEY_END: case 'G':
		/* The rows newer than the beginning of time: the oldest. */
		at.time_ms = INT64_MIN;
		at.seq = INT64_MIN;
		if (review_read(rv, &at, 1, rows, &p) == -1 || p->n == 0)
			break;
		if (p->more_newer)
			review_top(rv, &p->rows[0]);
		else
			rv->has_anchor = 0;
		rv->sel = (int)p->n - 1;
		review_set_page(rv, p);
		p = NULL;
		break;
	}
	audit_review_page_free(p);
}

/* The action column: a view is one line. */
void
review_row_action(const struct audit_review_row *r, char *buf, size_t len)
{
	if (!r->is_view)
		snprintf(buf, len, "%s", r->action);
	else if (strcmp(r->end_action, "view-aborted") == 0)
		snprintf(buf, len, "view (aborted)");
	else if (r->end_seq < 0)
		snprintf(buf, len, "view (open)");
	else
		snprintf(buf, len, "view");
}

/* Every flag of r explained, joined; caller's buffer. */
static void
review_flags_line(struct review *rv, const struct audit_review_row *r,
    char *buf, size_t len)
{
	unsigned b;
	char *e;
	size_t used = 0;

	buf[0] = '\0';
	for (b = 0; b < AUDIT_FLAG_COUNT && used < len; b++) {
		if ((r->flags & (1u << b)) == 0)
			continue;
		e = rv->ar != NULL ? audit_review_flag_explain(rv->ar, r,
		    1u << b) : NULL;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? (screen_utf8() ? " · " : " - ") : "",
		    e != NULL ? e : review_flag_label(1u << b));
		free(e);
	}
}

/* One row of the table. */
static void
review_draw_row(const struct audit_review_row *r, const struct review_cols *c,
    int y, int attr)
{
	char buf[160], dur[32], *s;

	review_when(r->time_ms, c->seconds, buf, sizeof buf);
	screen_put(y, c->x[REVIEW_COL_TIME], c->w[REVIEW_COL_TIME], buf, attr);
	s = review_clean(r->actor);
	screen_put(y, c->x[REVIEW_COL_USER], c->w[REVIEW_COL_USER], s, attr);
	free(s);
	review_row_action(r, buf, sizeof buf);
	s = review_clean(buf);
	screen_put(y, c->x[REVIEW_COL_ACTION], c->w[REVIEW_COL_ACTION], s,
	    attr);
	free(s);
	s = review_clean(r->camera);
	screen_put(y, c->x[REVIEW_COL_CAMERA], c->w[REVIEW_COL_CAMERA], s,
	    attr);
	free(s);
	if (r->from_ms != 0 || r->to_ms != 0) {
		review_when(r->from_ms, 0, buf, sizeof buf);
		review_duration(r->to_ms - r->from_ms, dur, sizeof dur);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " +%s",
		    dur);
		screen_put(y, c->x[REVIEW_COL_FOOTAGE], c->w[REVIEW_COL_FOOTAGE],
		    buf, attr);
	}
	if (r->is_view && r->wall_ms >= 0) {
		review_duration(r->wall_ms, dur, sizeof dur);
		screen_put(y, c->x[REVIEW_COL_WATCHED], c->w[REVIEW_COL_WATCHED],
		    dur, attr);
	}
	s = review_clean(r->reason_code);
	screen_put(y, c->x[REVIEW_COL_REASON], c->w[REVIEW_COL_REASON], s,
	    attr);
	free(s);
	s = review_clean(r->reference);
	screen_put(y, c->x[REVIEW_COL_REF], c->w[REVIEW_COL_REF], s, attr);
	free(s);
	if (r->flags != 0)
		screen_put(y, c->x[REVIEW_COL_FLAG], 1, screen_utf8() ? "⚑" :
		    "!", attr | screen_attr_error());
}

/* ---- The text viewer ----------------------------------------------------- */

void
review_text_clear(struct review *rv)
{
	size_t i;

	for (i = 0; i < rv->npara; i++)
		free(rv->paras[i].text);
	rv->npara = 0;
}

/* Adds a line as it is, made safe to draw. */
static void
review_text_raw(struct review *rv, int indent, int attr, const char *text)
{
	if (rv->npara == rv->cap_para) {
		rv->cap_para = rv->cap_para == 0 ? 64 : rv->cap_para * 2;
		rv->paras = xrealloc(rv->paras, rv->cap_para *
		    sizeof *rv->paras);
	}
	rv->paras[rv->npara].text = review_clean(text);
	rv->paras[rv->npara].indent = indent;
	rv->paras[rv->npara].attr = attr;
	rv->paras[rv->npara].hang = 0;
	rv->npara++;
}

/* Adds a formatted line to the text viewer. */
void
review_text_add(struct review *rv, int indent, int attr, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	review_text_raw(rv, indent, attr, s);
	free(s);
}

/* JSON pretty-printed, a line each, its indentation kept. */
void
review_text_json(struct review *rv, int indent, const char *json)
{
	char *pretty = review_json_pretty(json != NULL && json[0] != '\0' ?
	    json : "{}"), *p = pretty, *nl;
	int sp;

	for (;;) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		for (sp = 0; p[sp] == ' ' && sp < 40; sp++)
			;
		review_text_raw(rv, indent + sp, A_NORMAL, p + sp);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	free(pretty);
}

/* Shows the text viewer with what was added, from its top. */
void
review_text_open(struct review *rv, enum review_text which, const char *title)
{
	char *t = review_clean(title);

	rv->text_of = which;
	rv->mode = MODE_TEXT;
	rv->text_top = 0;
	snprintf(rv->text_title, sizeof rv->text_title, "%s", t);
	free(t);
}

/* ---- Keys ---------------------------------------------------------------- */

/* A key on the text viewer. */
static enum review_action
review_text_key(struct review *rv, int key)
{
	int page = LINES - 5 > 1 ? LINES - 5 : 1;

	if (rv->text_of == TEXT_HELP && key != KEY_UP && key != KEY_DOWN &&
	    key != KEY_NPAGE && key != KEY_PPAGE) {
		rv->mode = MODE_TABLE;
		return REVIEW_NONE;
	}
	switch (key) {
	case KEY_UP: case 'k':
		if (rv->text_top > 0)
			rv->text_top--;
		break;
	case KEY_DOWN: case 'j':
		rv->text_top++;
		break;
	case KEY_PPAGE:
		rv->text_top = rv->text_top > page ? rv->text_top - page : 0;
		break;
	case KEY_NPAGE: case ' ':
		rv->text_top += page;
		break;
	case KEY_HOME: case 'g':
		rv->text_top = 0;
		break;
	case KEY_END: case 'G':
		rv->text_top = 1 << 30;
		break;
	case 'v':
		if (rv->text_of != TEXT_INTEGRITY)
			break;
		if (logstate_again() == -1)
			review_say(rv, 0, "The verification is still running.");
		else
			review_say(rv, 0, "Verifying the whole log again.");
		review_witness_check(rv);
		break;
	case 'a':
		if (rv->text_of == TEXT_INTEGRITY)
			review_form_held(rv);
		break;
	case 'w':
		if (rv->text_of == TEXT_INTEGRITY)
			review_form_witness(rv);
		break;
	case 'c':
		if (rv->text_of == TEXT_INTEGRITY)
			review_form_ckpt(rv);
		break;
	case 'L':
		return REVIEW_LOCK;
	case 27: case 'q': case 'Q': case '\r': case '\n': case KEY_ENTER:
		rv->mode = MODE_TABLE;
		rv->status[0] = '\0';
		break;
	}
	return REVIEW_NONE;
}

enum review_action
review_key(struct review *rv, int key)
{
	enum reviewform_result fr;

	if (key == KEY_RESIZE)
		return REVIEW_NONE;
	switch (rv->mode) {
	case MODE_FILTER:
		fr = reviewform_key(&rv->ff, key);
		if (fr == REVIEWFORM_CANCEL) {
			rv->mode = MODE_TABLE;
			review_say(rv, 0, "The filter was not changed.");
		} else if (fr == REVIEWFORM_APPLY &&
		    review_filter_apply(rv) == 0) {
			rv->mode = MODE_TABLE;
		}
		return REVIEW_NONE;
	case MODE_REPORT: case MODE_WHO: case MODE_CKPT: case MODE_HELD:
	case MODE_WITNESS:
		fr = reviewform_key(&rv->form, key);
		if (fr == REVIEWFORM_CANCEL) {
			rv->mode = rv->form_back;
			return REVIEW_NONE;
		}
		if (fr != REVIEWFORM_APPLY)
			return REVIEW_NONE;
		if (rv->mode == MODE_REPORT) {
			review_report(rv);
		} else if (rv->mode == MODE_WHO) {
			review_who(rv);
		} else if (rv->mode == MODE_CKPT) {
			review_ckpt(rv);
		} else if (rv->mode == MODE_WITNESS) {
			snprintf(rv->witness, sizeof rv->witness, "%s",
			    reviewform_text(&rv->form, 0));
			review_witness_check(rv);
			rv->mode = MODE_TEXT;
		} else {
			snprintf(rv->held, sizeof rv->held, "%s",
			    reviewform_text(&rv->form, 0));
			rv->mode = MODE_TEXT;
		}
		return REVIEW_NONE;
	case MODE_TEXT:
		return review_text_key(rv, key);
	default:
		break;
	}

	rv->status[0] = '\0';
	switch (key) {
	case KEY_UP: case 'k': case KEY_DOWN: case 'j': case KEY_PPAGE:
	case KEY_NPAGE: case ' ': case KEY_HOME: case 'g': case KEY_END:
	case 'G':
		if (rv->dirty)
			review_load(rv, rv->rows > 0 ? rv->rows : 1);
		review_move(rv, key);
		break;
	case '\r': case '\n': case KEY_ENTER:
		review_detail(rv);
		break;
	case 'f': case '/':
		rv->ff.error[0] = '\0';
		rv->ff.focus = FF_FROM;
		rv->mode = MODE_FILTER;
		break;
	case 'r':
		review_form_report(rv);
		break;
	case 'w':
		review_form_who(rv);
		break;
	case 'c':
		review_form_ckpt(rv);
		break;
	case 'i':
		review_text_open(rv, TEXT_INTEGRITY, "Integrity of the audit log");
		break;
	case '?':
		review_help(rv);
		break;
	case 'L':
		return REVIEW_LOCK;
	case 'q': case 'Q': case 27:
		return REVIEW_BACK;
	default:
		review_say(rv, 0, "Unknown key: ? shows every key of this "
		    "screen.");
		break;
	}
	return REVIEW_NONE;
}

/* ---- Drawing ------------------------------------------------------------- */

static void
review_draw_table(struct review *rv, const struct screen_state *st)
{
	static const char *const heads[REVIEW_NCOLS] = {
		"time", "user", "action", "camera", "footage", "viewed",
		"reason", "ref", "",
	};
	const struct audit_review_row *r;
	struct review_cols c;
	char line[1200], *shown;
	int rows = LINES - 8, y = 3, i, bad, w;

	if (rows < 1)
		rows = 1;
	/* At the newest, entries written since (by any terminal) appear; not
	 * with a flag filter, whose pages cost more. */
	if (rv->dirty) {
		review_load(rv, rows);
	} else if (rows != rv->rows || (!rv->has_anchor &&
	    rv->filter.f.flags == 0 && rv->log != NULL &&
	    audit_count(rv->log) != rv->loaded_count)) {
		int64_t was = rv->page != NULL && rv->sel < (int)rv->page->n ?
		    rv->page->rows[rv->sel].seq : -1;
		size_t k;

		review_load(rv, rows);
		/* The selected row stays selected while it is on screen. */
		for (k = 0; rv->page != NULL && k < rv->page->n; k++)
			if (rv->page->rows[k].seq == was) {
				rv->sel = (int)k;
				break;
			}
	}
	screen_frame(st);
	/* The filter line over the rule under the title. */
	review_filter_line(rv, line, sizeof line);
	shown = review_clean(line);
	w = screen_put(1, 2, COLS - 4, " ", A_NORMAL);
	w += screen_put(1, 2 + w, COLS - 7, shown, A_BOLD);
	screen_put(1, 2 + w, 1, " ", A_NORMAL);
	free(shown);

	review_layout(COLS, &c);
	for (i = 0; i < REVIEW_NCOLS; i++)
		screen_put(2, c.x[i], c.w[i], i == REVIEW_COL_FLAG ?
		    (screen_utf8() ? "⚑" : "!") : heads[i], A_BOLD);
	if (rv->load_error[0] != '\0') {
		shown = review_clean(rv->load_error);
		screen_wrap(y, 2, COLS - 4, rows, shown, screen_attr_error());
		free(shown);
	} else if (rv->page == NULL || rv->page->n == 0) {
		screen_put(y, 2, COLS - 4, "No entry matches the filter.",
		    A_NORMAL);
	}
	for (i = 0; rv->load_error[0] == '\0' && rv->page != NULL &&
	    i < (int)rv->page->n && i < rows; i++) {
		if (i == rv->sel) {
			attron(A_REVERSE);
			mvhline(y + i, 0, ' ', COLS);
			attroff(A_REVERSE);
		}
		review_draw_row(&rv->page->rows[i], &c, y + i, i == rv->sel ?
		    (int)A_REVERSE : (int)A_NORMAL);
	}
	mvhline(LINES - 5, 1, ACS_HLINE, COLS - 2);
	if (rv->page != NULL && rv->page->n > 0) {
		r = &rv->page->rows[rv->sel];
		/* What the selected line is. */
		if (r->is_view) {
			char d[32];
			size_t k, used;

			used = (size_t)snprintf(line, sizeof line, "#%lld view%s",
			    (long long)r->seq, r->end_seq >= 0 ? "" : " (open)");
			if (r->end_seq >= 0)
				used += (size_t)snprintf(line + used, sizeof line -
				    used, ", ended #%lld %s", (long long)r->end_seq,
				    r->end_how[0] != '\0' ? r->end_how :
				    r->end_action);
			used += (size_t)snprintf(line + used, sizeof line - used,
			    "; shown %s:", review_duration(r->shown_ms, d,
			    sizeof d));
			for (k = 0; k < r->nshown && used < sizeof line; k++) {
				char a[40], b[40];

				review_when(r->shown[k][0], 1, a, sizeof a);
				review_when(r->shown[k][1], 1, b, sizeof b);
				used += (size_t)snprintf(line + used, sizeof line -
				    used, "%s %s%s%s", k > 0 ? "," : "", a + 6,
				    screen_utf8() ? "–" : "-", b + 6);
			}
			if (r->nshown == 0 && used < sizeof line)
				snprintf(line + used, sizeof line - used, " none");
		} else {
			snprintf(line, sizeof line, "#%lld %s by %s on %s",
			    (long long)r->seq, r->action, r->actor, r->terminal);
		}
		shown = review_clean(line);
		screen_put(LINES - 4, 2, COLS - 4, shown, A_NORMAL);
		free(shown);
		/* Its flags, explained. */
		if (r->flags != 0) {
			if (rv->flags_seq != r->seq || rv->flags_of != r->flags) {
				review_flags_line(rv, r, rv->flags_text,
				    sizeof rv->flags_text);
				rv->flags_seq = r->seq;
				rv->flags_of = r->flags;
			}
			snprintf(line, sizeof line, "%s %s", screen_utf8() ?
			    "⚑" : "!", rv->flags_text);
			shown = review_clean(line);
			screen_put(LINES - 3, 2, COLS - 4, shown,
			    screen_attr_error());
			free(shown);
		} else {
			screen_put(LINES - 3, 2, COLS - 4, "no flags", A_DIM);
		}
	}
	review_integrity_line(rv, line, sizeof line, &bad);
	screen_put(LINES - 2, 2, COLS - 4, line, bad ? screen_attr_error() :
	    (int)A_NORMAL);
	if (rv->status[0] != '\0') {
		shown = review_clean(rv->status);
		screen_bottom(shown, rv->status_error, NULL);
		free(shown);
	} else {
		screen_bottom(NULL, 0, COLS >= 76 ? (screen_utf8() ?
		    "f filter  Enter details  r report  w who saw…  "
		    "c checkpoint  ? help  q back" :
		    "f filter  Enter details  r report  w who saw...  "
		    "c checkpoint  ? help  q back") :
		    "f filter  Enter details  ? help  q back");
	}
	curs_set(0);
}

/* The text viewer: a title, then the lines wrapped and scrolled. */
static void
review_draw_text(struct review *rv, const struct screen_state *st)
{
	const struct review_para *pa;
	const char *p;
	char *shown;
	int width = COLS - 4, avail = LINES - 4, total = 0, line = 0, y = 3;
	int w, used;
	size_t k, n;

	if (rv->text_of == TEXT_INTEGRITY)
		review_integrity(rv);
	screen_frame(st);
	/* Wrapped lines in all, for the scroll limit. */
	for (k = 0; k < rv->npara; k++) {
		pa = &rv->paras[k];
		w = width - pa->indent > 10 ? width - pa->indent : 10;
		p = pa->text;
		if (*p == '\0')
			total++;
		while (*p != '\0') {
			p += review_wrap_next(p, w, &used);
			while (*p == ' ')
				p++;
			total++;
			if (pa->hang > 0 && w - pa->hang > 10)
				w = width - pa->indent - pa->hang;
		}
	}
	if (rv->text_top > total - avail)
		rv->text_top = total - avail > 0 ? total - avail : 0;
	for (k = 0; k < rv->npara && y < LINES - 1; k++) {
		pa = &rv->paras[k];
		w = width - pa->indent > 10 ? width - pa->indent : 10;
		p = pa->text;
		if (*p == '\0') {
			if (line++ >= rv->text_top)
				y++;
			continue;
		}
		while (*p != '\0' && y < LINES - 1) {
			n = review_wrap_next(p, w, &used);
			if (line++ >= rv->text_top) {
				attron(pa->attr);
				mvaddnstr(y, 2 + (width - w), p, (int)n);
				attroff(pa->attr);
				y++;
			}
			p += n;
			while (*p == ' ')
				p++;
			if (pa->hang > 0 && w - pa->hang > 10)
				w = width - pa->indent - pa->hang;
		}
	}
	shown = review_clean(rv->text_title);
	screen_put(2, 2, width, shown, A_BOLD);
	free(shown);
	if (total > avail) {
		char pos[64];

		snprintf(pos, sizeof pos, " lines %d-%d of %d ", rv->text_top + 1,
		    rv->text_top + avail < total ? rv->text_top + avail : total,
		    total);
		screen_put(1, COLS - 2 - (int)strlen(pos), (int)strlen(pos), pos,
		    A_NORMAL);
	}
	if (rv->status[0] != '\0') {
		shown = review_clean(rv->status);
		screen_bottom(shown, rv->status_error, "Esc back");
		free(shown);
	} else {
		screen_bottom(NULL, 0, rv->text_of == TEXT_INTEGRITY ?
		    "v verify again  a file you hold  w witness  c checkpoint  "
		    "Esc back" :
		    rv->text_of == TEXT_HELP ? "any key closes this help" :
		    "Up Down PgUp PgDn scroll  Esc back");
	}
	curs_set(0);
}

void
review_draw(struct review *rv, const struct screen_state *st)
{
	switch (rv->mode) {
	case MODE_TEXT:
		review_draw_text(rv, st);
		break;
	case MODE_FILTER:
		review_draw_table(rv, st);
		reviewform_draw(&rv->ff, "Tab next  ^U clear  ^E clear all  "
		    "Enter apply  Esc");
		break;
	case MODE_HELD: case MODE_WITNESS:
		review_draw_text(rv, st);
		reviewform_draw(&rv->form, "Enter check  Esc cancel");
		break;
	case MODE_CKPT:
		if (rv->form_back == MODE_TEXT)
			review_draw_text(rv, st);
		else
			review_draw_table(rv, st);
		reviewform_draw(&rv->form, "Enter write  Esc cancel");
		break;
	case MODE_REPORT: case MODE_WHO:
		review_draw_table(rv, st);
		reviewform_draw(&rv->form, "Tab next field  Enter  Esc cancel");
		break;
	default:
		review_draw_table(rv, st);
		break;
	}
	refresh();
}
