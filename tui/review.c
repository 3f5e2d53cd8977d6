/* review — the data protection officer's review of the audit log (a in the
 * browser; the screen after login for an auditor who views no footage): a
 * table of the log, newest first, read from SQL a screenful at a time;
 * filters that combine; a view shown as one line with what was watched;
 * flags with their explanations; the whole entry on Enter; the log's
 * integrity; reports, who saw a camera's footage, checkpoint export.
 * Entering, every filter applied and every report written are logged:
 * the reviewer is reviewed too. */
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
#include "util/util.h"

/* Most lines the who-saw list shows (a report has them all). */
#define REVIEW_WHO_MAX		2000

enum review_mode {
	MODE_TABLE,
	MODE_FILTER,
	MODE_REPORT,
	MODE_WHO,		/* the who-saw form */
	MODE_CKPT,		/* checkpoint export: the file */
	MODE_HELD,		/* integrity: the checkpoint file held */
	MODE_WITNESS,		/* integrity: the collector's witness file */
	MODE_TEXT,		/* detail, who-saw list, integrity, help */
};

enum review_text {
	TEXT_DETAIL,
	TEXT_WHO,
	TEXT_INTEGRITY,
	TEXT_HELP,
};

/* The filter form's fields, in order. */
enum {
	FF_FROM, FF_TO, FF_USER, FF_CAMERA, FF_ACTION, FF_CODE, FF_REF,
	FF_VIEWS, FF_FLAG, FF_COUNT
};

/* One line of the text viewer, drawn indent columns in. */
struct review_para {
	char	*text;
	int	 indent;
	int	 hang;		/* further lines this much further in */
	int	 attr;
};

/* A filter and the strings it points to. */
struct review_filter {
	struct audit_review_filter f;
	char	*s[FF_COUNT];
};

struct review {
	const struct config	*cfg;
	struct audit_log	*log;
	struct audit_review	*ar;
	char			*ar_error;	/* why there is no review */
	char			*terminal;
	char			 user[AUDIT_MAX_ACTOR + 1];
	enum review_mode	 mode;
	enum review_text	 text_of;
	enum review_mode	 form_back;	/* where a form's Esc goes */

	/* The table: the page on screen; its top is the row just older
	 * than anchor (none: the newest). */
	struct audit_review_page *page;
	int			 has_anchor;
	struct audit_review_pos	 anchor;
	int			 sel;
	int			 dirty;		/* to be read again */
	int			 key_encrypted;	/* the signing key's: 1, 0, -1
						 * unreadable */
	int			 rows;		/* rows the page was read for */
	int64_t			 loaded_count;	/* entries in the log then */
	char			 load_error[600];

	struct review_filter	 filter;	/* in force */
	struct reviewform	 ff;		/* the filter form */
	struct reviewform	 form;		/* report, who saw, paths */
	char			 held[REVIEWFORM_TEXT_MAX + 1];	/* file held */
	char			 witness[REVIEWFORM_TEXT_MAX + 1];	/* its file */
	struct audit_witness_result wres;	/* the check against it */
	char			 witness_error[400];	/* it could not run */
	char			 last_dir[REVIEWFORM_TEXT_MAX + 1];

	struct review_para	*paras;
	size_t			 npara;
	size_t			 cap_para;
	int			 text_top;	/* first line drawn */
	char			 text_title[300];

	char			 status[900];
	int			 status_error;

	/* The selected row's flags explained (the explanations may query
	 * the log: made once per row, not at every draw). */
	int64_t			 flags_seq;
	unsigned		 flags_of;
	char			 flags_text[1000];
};

static const char *const review_formats[] = { "csv", "json", "txt", NULL };
/* The flag filter's choices: 0 every row, 1 any flag, 2.. one flag. */
static const char *review_flag_choices[AUDIT_FLAG_COUNT + 3];

static void review_say(struct review *, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static char *review_clean(const char *s);
static void review_when(int64_t ms, int full, char *buf, size_t len);
static const char *review_flag_label(unsigned flag);
static void review_filter_free(struct review_filter *);
static void review_filter_form(struct review *);
static int review_filter_apply(struct review *);
static void review_filter_line(const struct review *, char *buf, size_t len);
static int review_read(struct review *, const struct audit_review_pos *at,
    int backward, size_t max, struct audit_review_page **page);
static void review_load(struct review *, int rows);
static void review_set_page(struct review *, struct audit_review_page *);
static void review_move(struct review *, int key);
static void review_text_clear(struct review *);
static void review_text_raw(struct review *, int indent, int attr,
    const char *text);
static void review_text_add(struct review *, int indent, int attr,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void review_text_json(struct review *, int indent, const char *json);
static void review_text_open(struct review *, enum review_text,
    const char *title);
static void review_text_entry(struct review *, int64_t seq, const char *what);
static void review_text_shown(struct review *, int indent,
    const struct audit_review_row *);
static void review_text_flags(struct review *, const struct audit_review_row *);
static void review_detail(struct review *);
static void review_identity(struct review *);
static void review_integrity(struct review *);
static void review_integrity_line(struct review *, char *buf, size_t len,
    int *bad);
static void review_help(struct review *);
static void review_report(struct review *);
static void review_report_progress(const char *stage, int64_t done,
    int64_t total, void *arg);
static void review_who(struct review *);
static void review_ckpt(struct review *);
static void review_form_report(struct review *);
static void review_form_who(struct review *);
static void review_form_ckpt(struct review *);
static void review_form_held(struct review *);
static void review_form_witness(struct review *);
static void review_witness_check(struct review *);
static void review_witness_text(struct review *);
static void review_row_action(const struct audit_review_row *, char *buf,
    size_t len);
static void review_flags_line(struct review *, const struct audit_review_row *,
    char *buf, size_t len);
static void review_draw_row(const struct audit_review_row *,
    const struct review_cols *, int y, int attr);
static void review_draw_table(struct review *, const struct screen_state *);
static void review_draw_text(struct review *, const struct screen_state *);

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
static void
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
static void
review_when(int64_t ms, int full, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	localtime_r(&t, &tm);
	strftime(buf, len, full == 2 ? "%Y-%m-%d %H:%M:%S" : full == 1 ?
	    "%m-%d %H:%M:%S" : "%m-%d %H:%M", &tm);
}

/* What each flag means, for people. */
static const char *
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
static void
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
static void
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

static void
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
static void
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
static void
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
static void
review_text_open(struct review *rv, enum review_text which, const char *title)
{
	char *t = review_clean(title);

	rv->text_of = which;
	rv->mode = MODE_TEXT;
	rv->text_top = 0;
	snprintf(rv->text_title, sizeof rv->text_title, "%s", t);
	free(t);
}

/* ---- Detail -------------------------------------------------------------- */

/* The whole entry at seq: its fields, its place in the chain, its details. */
static void
review_text_entry(struct review *rv, int64_t seq, const char *what)
{
	struct audit_review_entry e;
	char *cause = NULL, a[40], b[40], u[40], hex[65], dur[32];
	const struct audit_row *r = &e.row;
	int rc;

	memset(&e, 0, sizeof e);
	rc = audit_review_entry_get(rv->ar, seq, &e, &cause);
	if (rc != 0) {
		review_text_add(rv, 0, screen_attr_error(), "%s #%lld cannot be "
		    "read: %s", what, (long long)seq, rc == 1 ? "there is no "
		    "such entry" : cause != NULL ? cause : "error");
		free(cause);
		return;
	}
	review_text_add(rv, 0, A_BOLD, "%s #%lld: %s", what, (long long)seq,
	    r->action);
	if (e.covered_epoch >= 0)
		review_text_add(rv, 2, A_NORMAL, "Chain position: entry %lld of "
		    "%lld (seq %lld), covered by checkpoint %lld.",
		    (long long)seq + 1, (long long)e.count, (long long)seq,
		    (long long)e.covered_epoch);
	else
		review_text_add(rv, 2, A_NORMAL, "Chain position: entry %lld of "
		    "%lld (seq %lld), not yet covered by a checkpoint.",
		    (long long)seq + 1, (long long)e.count, (long long)seq);
	sodium_bin2hex(hex, sizeof hex, e.chain, sizeof e.chain);
	review_text_add(rv, 2, A_NORMAL, "chain     %s", hex);
	sodium_bin2hex(hex, sizeof hex, e.mac, sizeof e.mac);
	review_text_add(rv, 2, A_NORMAL, "MAC       %s", hex);
	review_when(r->time_ms, 2, a, sizeof a);
	clock_format_utc(r->time_ms, u, sizeof u);
	review_text_add(rv, 2, A_NORMAL, "time      %s (%s)", a, u);
	review_text_add(rv, 2, A_NORMAL, "user      %s", r->actor);
	review_text_add(rv, 2, A_NORMAL, "action    %s", r->action);
	if (r->camera[0] != '\0')
		review_text_add(rv, 2, A_NORMAL, "camera    %s", r->camera);
	if (r->from_ms != 0 || r->to_ms != 0) {
		review_when(r->from_ms, 2, a, sizeof a);
		review_when(r->to_ms, 2, b, sizeof b);
		review_text_add(rv, 2, A_NORMAL, "footage   %s %s %s (%s)", a,
		    screen_utf8() ? "–" : "..", b + (strncmp(a, b, 10) == 0 ?
		    11 : 0), review_duration(r->to_ms - r->from_ms, dur,
		    sizeof dur));
	}
	if (r->reason_code[0] != '\0')
		review_text_add(rv, 2, A_NORMAL, "reason    %s", r->reason_code);
	if (r->reference[0] != '\0')
		review_text_add(rv, 2, A_NORMAL, "reference %s", r->reference);
	review_text_add(rv, 2, A_NORMAL, "terminal  %s", r->terminal);
	review_text_add(rv, 2, A_NORMAL, "details:");
	review_text_json(rv, 4, r->details);
	audit_review_entry_free(&e);
}

/* The intervals a view showed, with the times. */
static void
review_text_shown(struct review *rv, int indent,
    const struct audit_review_row *r)
{
	char a[40], b[40], d1[32], d2[32], d3[32];
	size_t i;

	review_text_add(rv, indent, A_NORMAL, "Watched: %s at the screen; %s "
	    "of footage shown, %s played.", review_duration(r->wall_ms, d1,
	    sizeof d1), review_duration(r->shown_ms, d2, sizeof d2),
	    review_duration(r->played_ms, d3, sizeof d3));
	if (r->nshown == 0) {
		review_text_add(rv, indent, A_NORMAL, "No footage shown%s.",
		    r->end_seq < 0 ? " is known (the view is still open)" : "");
		return;
	}
	review_text_add(rv, indent, A_NORMAL, "Intervals shown (%zu):",
	    r->nshown);
	for (i = 0; i < r->nshown; i++) {
		review_when(r->shown[i][0], 2, a, sizeof a);
		review_when(r->shown[i][1], 2, b, sizeof b);
		review_text_add(rv, indent + 2, A_NORMAL, "%s %s %s", a,
		    screen_utf8() ? "–" : "..", b + (strncmp(a, b, 10) == 0 ?
		    11 : 0));
	}
}

/* Each flag of r with its explanation. */
static void
review_text_flags(struct review *rv, const struct audit_review_row *r)
{
	unsigned b;
	char *e;

	if (r->flags == 0) {
		review_text_add(rv, 0, A_BOLD, "Flags: none");
		return;
	}
	review_text_add(rv, 0, A_BOLD, "Flags");
	for (b = 0; b < AUDIT_FLAG_COUNT; b++) {
		if ((r->flags & (1u << b)) == 0)
			continue;
		e = audit_review_flag_explain(rv->ar, r, 1u << b);
		review_text_add(rv, 2, screen_attr_error(), "%s %s [%s]: %s",
		    screen_utf8() ? "⚑" : "!", review_flag_label(1u << b),
		    audit_flag_name(1u << b), e != NULL ? e : "");
		free(e);
	}
}

/* Enter: the selected row in full. */
static void
review_detail(struct review *rv)
{
	const struct audit_review_row *r;
	char title[64];

	if (rv->page == NULL || rv->page->n == 0) {
		review_say(rv, 0, "No entry to show.");
		return;
	}
	r = &rv->page->rows[rv->sel];
	review_text_clear(rv);
	review_text_flags(rv, r);
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	if (r->is_view) {
		review_text_add(rv, 0, A_BOLD, "A view: %s", r->end_seq >= 0 ?
		    "its start and its end are one line of the table" :
		    "no end logged yet (still open, or left open by a crash)");
		review_text_shown(rv, 2, r);
		if (r->end_seq >= 0 && r->end_how[0] != '\0')
			review_text_add(rv, 2, A_NORMAL, "Ended: %s (%s).",
			    r->end_how, r->end_action);
		review_text_add(rv, 0, A_NORMAL, "%s", "");
	}
	if (r->export_seq >= 0) {
		if (r->approved_seq >= 0)
			review_text_add(rv, 0, A_NORMAL, "Export started at #%lld, "
			    "approved by %s (#%lld).", (long long)r->export_seq,
			    r->approver, (long long)r->approved_seq);
		else
			review_text_add(rv, 0, A_NORMAL, "Export started at #%lld; "
			    "no approval is logged for it.",
			    (long long)r->export_seq);
		review_text_add(rv, 0, A_NORMAL, "%s", "");
	}
	review_text_entry(rv, r->seq, r->is_view ? "Start" : "Entry");
	if (r->is_view && r->end_seq >= 0 && r->end_seq != r->seq) {
		review_text_add(rv, 0, A_NORMAL, "%s", "");
		review_text_entry(rv, r->end_seq, "End");
	}
	snprintf(title, sizeof title, "Entry #%lld", (long long)r->seq);
	review_text_open(rv, TEXT_DETAIL, title);
}

/* ---- Integrity ----------------------------------------------------------- */

/* The log's identity, all of it, for the DPO to compare with the
 * material they hold off the machine. */
static void
review_identity(struct review *rv)
{
	uint8_t id[AUDIT_LOGID_LEN], pk[AUDIT_PK_LEN];
	char idhex[2 * AUDIT_LOGID_LEN + 1], pkhex[2 * AUDIT_PK_LEN + 16 + 1];
	size_t i, o = 0;

	if (rv->log == NULL)
		return;
	audit_ids(rv->log, id, pk);
	for (i = 0; i < sizeof id; i++)
		snprintf(idhex + 2 * i, 3, "%02x", id[i]);
	for (i = 0; i < sizeof pk; i++)
		o += (size_t)snprintf(pkhex + o, sizeof pkhex - o, "%s%02x",
		    i > 0 && i % 2 == 0 ? " " : "", pk[i]);
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_BOLD, "Identity (compare with your own copy)");
	review_text_add(rv, 2, A_NORMAL, "log_id %s", idhex);
	review_text_add(rv, 2, A_NORMAL, "pk0    %s", pkhex);
	review_text_add(rv, 2, logstate_pinned() ? (int)A_NORMAL :
	    screen_attr_error(), "%s", logstate_pinned() ? "Pinned in "
	    "vigil.conf; every verification checks against the pin." :
	    "Not pinned in vigil.conf: the log is checked only against "
	    "itself.");
}

/* The integrity panel's text; built again at each draw while the
 * verification runs. */
static void
review_integrity(struct review *rv)
{
	struct audit_review_integrity ig;
	struct audit_verify_result r;
	char *cause = NULL, when[40], held_error[400] = "";
	int pc, rc;

	review_text_clear(rv);
	review_text_add(rv, 0, A_BOLD, "Full verification of the log");
	switch (logstate_result(&r, &pc)) {
	case LOGSTATE_RUNNING_NOW:
		review_text_add(rv, 2, A_NORMAL, "Running: %d%% (every entry, "
		    "the chain and every checkpoint)...", pc);
		break;
	case LOGSTATE_DONE:
		if (r.fault == AUDIT_OK && r.checkpoints == 0)
			review_text_add(rv, 2, screen_attr_error(), "CONSISTENT, "
			    "NOT ANCHORED: the chain of %lld entries holds, but "
			    "no checkpoint signature was checked against pk0 "
			    "(anyone can recompute a chain).",
			    (long long)r.entries);
		else if (r.fault == AUDIT_OK && logstate_pinned())
			review_text_add(rv, 2, A_NORMAL, "INTACT: %lld entries "
			    "and %lld checkpoints verified against the pinned "
			    "identity.", (long long)r.entries,
			    (long long)r.checkpoints);
		else if (r.fault == AUDIT_OK)
			review_text_add(rv, 2, screen_attr_error(), "UNPINNED: "
			    "%lld entries and %lld checkpoints are consistent "
			    "with the log's own identity, which proves nothing "
			    "against a replaced log: pin log_id and pk0 in "
			    "vigil.conf ([audit]).", (long long)r.entries,
			    (long long)r.checkpoints);
		else
			review_text_add(rv, 2, screen_attr_error(), "BROKEN: the "
			    "first bad seq is %lld (%s: %s). Entries from there "
			    "on cannot be trusted.", (long long)r.seq,
			    audit_fault_name(r.fault), r.detail);
		break;
	default:
		review_text_add(rv, 2, screen_attr_error(), "NOT VERIFIED: the "
		    "log could not be read for verification.");
		break;
	}
	review_identity(rv);
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_BOLD, "Checkpoints");
	memset(&ig, 0, sizeof ig);
	rc = rv->log != NULL ? audit_review_integrity(rv->log, rv->held[0] !=
	    '\0' ? rv->held : NULL, &ig, &cause) : -1;
	if (rc == -1 && rv->held[0] != '\0') {
		/* The file held could not be read: said below. */
		snprintf(held_error, sizeof held_error, "%s", cause != NULL ?
		    cause : "cannot be read");
		free(cause);
		cause = NULL;
		memset(&ig, 0, sizeof ig);
		rc = audit_review_integrity(rv->log, NULL, &ig, &cause);
	}
	if (rc == -1) {
		review_text_add(rv, 2, screen_attr_error(), "Cannot be read: %s",
		    cause != NULL ? cause : "the audit log is not open");
		free(cause);
		return;
	}
	if (ig.has_checkpoint) {
		review_when(ig.latest.time_ms, 2, when, sizeof when);
		review_text_add(rv, 2, A_NORMAL, "Newest: epoch %lld over "
		    "entries 0 to %lld, made %s.", (long long)ig.latest.epoch,
		    (long long)ig.latest.n - 1, when);
	} else {
		review_text_add(rv, 2, A_NORMAL, "No checkpoint yet.");
	}
	if (ig.uncovered > 0)
		review_text_add(rv, 2, A_NORMAL, "Not yet covered by a "
		    "checkpoint: %lld of %lld entries (the newest).",
		    (long long)ig.uncovered, (long long)ig.entries);
	else
		review_text_add(rv, 2, A_NORMAL, "Every entry (%lld) is covered "
		    "by a checkpoint.", (long long)ig.entries);
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_BOLD, "A checkpoint file you hold");
	if (rv->held[0] == '\0')
		review_text_add(rv, 2, A_NORMAL, "None chosen: a asks for the "
		    "path of a checkpoint file exported earlier (c here, or "
		    "vigil audit checkpoint --export) to check that the log "
		    "still holds it.");
	else if (held_error[0] != '\0')
		review_text_add(rv, 2, screen_attr_error(), "%s cannot be "
		    "checked: %s", rv->held, held_error);
	else
		review_text_add(rv, 2, ig.held == 1 ? (int)A_NORMAL :
		    screen_attr_error(), "%s: %s%s", rv->held, ig.held == 1 ?
		    "MATCHES. " : "DOES NOT MATCH. ", ig.held_detail);
	review_witness_text(rv);
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_DIM, "v verifies again   a checks a checkpoint "
	    "file you hold   w checks a witness file   c exports the newest "
	    "checkpoint");
}

/* Checks the log against the witness file chosen (vigil-audit(5),
 * WITNESS), with the identity pinned in vigil.conf; the result stays
 * until the file changes or v checks again. */
static void
review_witness_check(struct review *rv)
{
	struct audit_witness_opts o;
	uint8_t id[AUDIT_LOGID_LEN], pk[AUDIT_PK_LEN];
	const char *files[1];
	char *cause = NULL;

	audit_witness_result_free(&rv->wres);
	memset(&rv->wres, 0, sizeof rv->wres);
	rv->witness_error[0] = '\0';
	if (rv->witness[0] == '\0')
		return;
	if (config_log_pin(rv->cfg, id, pk) != 1) {
		snprintf(rv->witness_error, sizeof rv->witness_error, "the "
		    "witness is checked against the log's pinned identity; "
		    "pin log_id and pk0 in vigil.conf ([audit]) first");
		return;
	}
	files[0] = rv->witness;
	memset(&o, 0, sizeof o);
	o.log_id = id;
	o.pk0 = pk;
	o.heartbeat_ms = (int64_t)config_heartbeat_minutes(rv->cfg) * 60000;
	o.files = files;
	o.nfiles = 1;
	if (audit_witness_check(config_audit_db(rv->cfg), &o, &rv->wres,
	    &cause) != 0) {
		snprintf(rv->witness_error, sizeof rv->witness_error, "%s",
		    cause != NULL ? cause : "cannot be read");
		free(cause);
		memset(&rv->wres, 0, sizeof rv->wres);
	}
}

/* The witness section of the integrity panel. */
static void
review_witness_text(struct review *rv)
{
	const struct audit_witness_result *r = &rv->wres;
	const struct audit_witness_note *n;
	char when[40];
	size_t i;

	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_BOLD, "The witness (a collector's file)");
	if (rv->witness[0] == '\0') {
		review_text_add(rv, 2, A_NORMAL, "None chosen: w asks for the "
		    "path of a file the log collector kept (copied to your "
		    "media), to check that the log was not rolled back, "
		    "rewritten or replaced since its checkpoints were sent.");
		return;
	}
	if (rv->witness_error[0] != '\0') {
		review_text_add(rv, 2, screen_attr_error(), "%s cannot be "
		    "checked: %s", rv->witness, rv->witness_error);
		return;
	}
	review_text_add(rv, 2, r->fault == AUDIT_WITNESS_OK ? (int)A_NORMAL :
	    screen_attr_error(), "%s: %s. %lld lines of this log, %lld "
	    "verified against the pinned identity, %lld unauthenticated.",
	    rv->witness, r->fault == AUDIT_WITNESS_OK ? "WITNESSED" :
	    r->fault == AUDIT_WITNESS_NONE ? "NOT WITNESSED" : "FAILED",
	    (long long)r->ours, (long long)r->verified,
	    (long long)r->unauthenticated);
	if (r->newest_epoch >= 0) {
		review_when(r->newest_ms, 2, when, sizeof when);
		review_text_add(rv, 2, A_NORMAL, "Newest witnessed: checkpoint "
		    "%lld over %lld entries, received %s.",
		    (long long)r->newest_epoch, (long long)r->newest_n, when);
	}
	for (i = 0; i < r->nnotes; i++) {
		n = &r->notes[i];
		if (n->kind == AUDIT_WITNESS_NOTE_FAIL)
			review_text_add(rv, 4, screen_attr_error(), "%s: %s",
			    audit_witness_fault_name(n->fault), n->text);
	}
	for (i = 0; i < r->nnotes; i++) {
		n = &r->notes[i];
		if (n->kind == AUDIT_WITNESS_NOTE_WINDOW)
			review_text_add(rv, 4, A_NORMAL, "%s: a rollback inside "
			    "it cannot be ruled out.", n->text);
	}
	for (i = 0; i < r->nnotes; i++) {
		n = &r->notes[i];
		if (n->kind == AUDIT_WITNESS_NOTE_INFO)
			review_text_add(rv, 4, A_NORMAL, "%s.", n->text);
	}
	if (r->unauthenticated > 0)
		review_text_add(rv, 4, A_NORMAL, "%lld line%s claiming this "
		    "log do not verify (anyone on the machine can write such "
		    "a line); they prove nothing and hide nothing.",
		    (long long)r->unauthenticated, r->unauthenticated == 1 ?
		    "" : "s");
}

/* One line for the table screen: the verdict, the entries and what the
 * newest checkpoint covers. */
static void
review_integrity_line(struct review *rv, char *buf, size_t len, int *bad)
{
	struct audit_review_integrity ig;
	struct audit_verify_result r;
	char *cause = NULL, v[160];
	int pc;

	*bad = 0;
	switch (logstate_result(&r, &pc)) {
	case LOGSTATE_RUNNING_NOW:
		snprintf(v, sizeof v, "verifying %d%%", pc);
		break;
	case LOGSTATE_DONE:
		if (r.fault == AUDIT_OK) {
			snprintf(v, sizeof v, "%s", !logstate_pinned() ?
			    "UNPINNED" : r.checkpoints == 0 ? "not anchored" :
			    "intact");
		} else {
			snprintf(v, sizeof v, "BROKEN at seq %lld (%s)",
			    (long long)r.seq, audit_fault_name(r.fault));
			*bad = 1;
		}
		break;
	default:
		snprintf(v, sizeof v, "NOT VERIFIED");
		*bad = 1;
		break;
	}
	memset(&ig, 0, sizeof ig);
	if (rv->log == NULL || audit_review_integrity(rv->log, NULL, &ig,
	    &cause) == -1) {
		snprintf(buf, len, "Log: %s; checkpoints unreadable: %s", v,
		    cause != NULL ? cause : "the log is not open");
		free(cause);
		*bad = 1;
		return;
	}
	if (ig.has_checkpoint)
		snprintf(buf, len, "Log: %s%s%lld entries%scheckpoint %lld%s%lld "
		    "not covered%si integrity", v, screen_utf8() ? " · " : " - ",
		    (long long)ig.entries, screen_utf8() ? " · " : " - ",
		    (long long)ig.latest.epoch, screen_utf8() ? " · " : " - ",
		    (long long)ig.uncovered, screen_utf8() ? " · " : " - ");
	else
		snprintf(buf, len, "Log: %s%s%lld entries%sno checkpoint yet%si "
		    "integrity", v, screen_utf8() ? " · " : " - ",
		    (long long)ig.entries, screen_utf8() ? " · " : " - ",
		    screen_utf8() ? " · " : " - ");
}

/* ---- Help ---------------------------------------------------------------- */

static void
review_help(struct review *rv)
{
	static const char *const keys[][2] = {
		{ "Up Down  k j", "previous or next line" },
		{ "PgUp PgDn", "a screenful back or forward" },
		{ "Home End  g G", "the newest or the oldest line" },
		{ "Enter", "the whole entry: seq, chain position, details, "
		    "each flag explained" },
		{ "f", "filter: dates, user, camera, action, reason code, "
		    "reference, views only, flags (logged)" },
		{ "r", "report of the current filter to a folder, csv, json "
		    "or txt, signed (logged)" },
		{ "w", "who saw: every view and export of a camera's footage "
		    "in a time window" },
		{ "i", "integrity: full verification, checkpoints, a "
		    "checkpoint file you hold" },
		{ "c", "export the newest checkpoint to a file" },
		{ "L", "lock the terminal" },
		{ "?", "this help" },
		{ "q", "back" },
	};
	const struct config_review *cr = config_review(rv->cfg);
	size_t i;
	unsigned b;

	review_text_clear(rv);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		review_text_add(rv, 0, A_NORMAL, "%-14s %s", keys[i][0],
		    keys[i][1]);
		rv->paras[rv->npara - 1].hang = 15;
	}
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_BOLD, "Flags (%s in the table; Enter explains "
	    "a line's flags)", screen_utf8() ? "⚑" : "!");
	for (b = 0; b < AUDIT_FLAG_COUNT; b++) {
		unsigned f = 1u << b;
		char what[200];

		switch (f) {
		case AUDIT_FLAG_HOURS:
			snprintf(what, sizeof what, "a view begun outside "
			    "%02d:%02d-%02d:%02d ([review] working_hours)",
			    cr->work_from / 60, cr->work_from % 60,
			    cr->work_to / 60, cr->work_to % 60);
			break;
		case AUDIT_FLAG_LONG:
			snprintf(what, sizeof what, "a view longer than %d min "
			    "([review] max_view_minutes)", cr->max_view_minutes);
			break;
		case AUDIT_FLAG_PATTERN:
			snprintf(what, sizeof what, "a reference that does not "
			    "have its reason code's form (reference_regex; an "
			    "older configuration allowed it)");
			break;
		case AUDIT_FLAG_REUSED:
			snprintf(what, sizeof what, "a reference used for more "
			    "than %d cameras ([review] "
			    "max_cameras_per_reference)",
			    cr->max_cameras_per_reference);
			break;
		case AUDIT_FLAG_MANY:
			snprintf(what, sizeof what, "more than %d views by the "
			    "user that day ([review] max_views_per_day)",
			    cr->max_views_per_day);
			break;
		case AUDIT_FLAG_CAP:
			snprintf(what, sizeof what, "a view (SYSCHECK) that ran "
			    "over its code's cap (cap_seconds)");
			break;
		case AUDIT_FLAG_UNAPPROVED:
			snprintf(what, sizeof what, "an export whose reason "
			    "needs approval with no export-approved "
			    "([export] require_approval)");
			break;
		default:
			snprintf(what, sizeof what, "a view closed as "
			    "view-aborted (crash, hang-up)");
			break;
		}
		review_text_add(rv, 2, A_NORMAL, "[%s] %s: %s",
		    audit_flag_name(f), review_flag_label(f), what);
	}
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	review_text_add(rv, 0, A_NORMAL, "Entering this screen, every filter "
	    "applied and every report written are logged (audit-review, "
	    "audit-report): the reviewer is reviewed too.");
	review_text_open(rv, TEXT_HELP, "Keys of the audit review");
}

/* ---- Reports, who saw, checkpoints --------------------------------------- */

/* Progress of a report on the bottom line (the report is written on this
 * thread: the screen waits, saying how far it is). */
static void
review_report_progress(const char *stage, int64_t done, int64_t total,
    void *arg)
{
	char line[160];

	(void)arg;
	snprintf(line, sizeof line, "Writing the report: %s %lld%%...",
	    strcmp(stage, "verify") == 0 ? "verifying the log" : "rows",
	    (long long)(total > 0 ? done * 100 / total : 0));
	screen_bottom(line, 0, NULL);
	refresh();
}

/* r: the report form (format, folder; the passphrase when the key has one). */
static void
review_form_report(struct review *rv)
{
	char line[700], *cause = NULL;

	reviewform_init(&rv->form, "Report of the current filter", "Write");
	review_filter_line(rv, line, sizeof line);
	snprintf(rv->form.intro, sizeof rv->form.intro, "%s", line);
	reviewform_add(&rv->form, REVIEWFORM_CHOICE, "Format", "csv: a table "
	    "and a summary; json: every row with its details; txt: for "
	    "reading and printing.", review_formats);
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "Folder", "A new folder for "
	    "the report, or an existing one to make it in (signed like an "
	    "export bundle).", NULL);
	reviewform_set(&rv->form, 1, rv->last_dir);
	rv->key_encrypted = sign_key_encrypted(config_signing_key(rv->cfg),
	    &cause);
	free(cause);
	if (rv->key_encrypted == 1)
		reviewform_add(&rv->form, REVIEWFORM_SECRET, "Passphrase",
		    "The signing key's passphrase (not shown, not kept).", NULL);
	rv->form.focus = 1;
	rv->form_back = MODE_TABLE;
	rv->mode = MODE_REPORT;
}

/* Writes the report of the filter in force into dir (or a new folder in
 * it) and logs audit-review "report" before and audit-report after. */
static void
review_report(struct review *rv)
{
	const char *dir = reviewform_text(&rv->form, 1);
	const char *fmt = review_formats[rv->form.f[0].choice];
	const char *pass = rv->key_encrypted == 1 ?
	    reviewform_text(&rv->form, 2) : NULL;
	struct report_result res;
	struct report_opts o;
	uint8_t pin_id[16], pin_pk[32];
	struct sign_key *key;
	struct stat sb;
	struct tm tm;
	time_t now = time(NULL);
	char *cause = NULL, *out, *abs, stamp[32];
	int rc;

	if (dir[0] == '\0') {
		reviewform_error(&rv->form, "Type the folder to write the report "
		    "to.");
		return;
	}
	if (rv->ar == NULL) {
		reviewform_error(&rv->form, "The audit log is not open.");
		return;
	}
	snprintf(rv->last_dir, sizeof rv->last_dir, "%s", dir);
	if (rv->key_encrypted == -1) {
		if (sign_key_encrypted(config_signing_key(rv->cfg), &cause) ==
		    -1) {
			snprintf(rv->form.error, sizeof rv->form.error, "The "
			    "signing key cannot be read (%s): an administrator "
			    "creates it with 'vigil keygen'.", cause);
			free(cause);
			return;
		}
		/* It appeared meanwhile: ask again, with the passphrase. */
		review_form_report(rv);
		return;
	}
	if (pass != NULL && pass[0] == '\0') {
		reviewform_error(&rv->form, "Type the signing key's passphrase.");
		rv->form.focus = 2;
		return;
	}
	/* An existing folder gets a new one in it. */
	if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		out = xasprintf("%s%saudit-report-%s", dir, dir[strlen(dir) - 1]
		    == '/' ? "" : "/", stamp);
	} else {
		out = xstrdup(dir);
	}
	if ((key = sign_key_load(config_signing_key(rv->cfg), pass,
	    &cause)) == NULL) {
		snprintf(rv->form.error, sizeof rv->form.error, "The signing key "
		    "cannot be loaded: %s.", cause);
		free(cause);
		free(out);
		return;
	}
	/* The filter the report is made with is logged first. */
	if (audit_review_log_review(rv->log, rv->user, rv->terminal, "report",
	    &rv->filter.f, &cause) < 0) {
		snprintf(rv->form.error, sizeof rv->form.error, "Nothing was "
		    "written: the report could not be logged: %s", cause);
		free(cause);
		sign_key_free(key);
		free(out);
		return;
	}
	memset(&o, 0, sizeof o);
	o.log = rv->log;
	o.review = rv->ar;
	o.db = config_audit_db(rv->cfg);
	o.filter = &rv->filter.f;
	o.format = fmt;
	o.out = out;
	o.key = key;
	o.against = rv->held[0] != '\0' ? rv->held : NULL;
	if (config_log_pin(rv->cfg, pin_id, pin_pk) == 1) {
		o.pin_log_id = pin_id;
		o.pin_pk0 = pin_pk;
	}
	o.made_by = rv->user;
	o.progress = review_report_progress;
	memset(&res, 0, sizeof res);
	rc = report_write(&o, &res, &cause);
	sign_key_free(key);
	if (rc != 0) {
		snprintf(rv->form.error, sizeof rv->form.error, "The report was "
		    "not written: %s", cause != NULL ? cause : "error");
		free(cause);
		free(out);
		return;
	}
	abs = realpath(out, NULL);
	if (audit_review_log_report(rv->log, rv->user, rv->terminal,
	    &rv->filter.f, fmt, abs != NULL ? abs : out, res.sums_hex,
	    res.rows, &cause) < 0) {
		review_say(rv, 1, "The report was written to %s but could not be "
		    "logged: %s", out, cause);
		free(cause);
	} else if (!res.intact) {
		review_say(rv, 1, "The report says the log is BROKEN at seq "
		    "%lld; %lld rows, signed, logged: %s", (long long)res.bad_seq,
		    (long long)res.rows, out);
	} else {
		review_say(rv, 0, "Report written (%lld rows, signed, logged): "
		    "%s", (long long)res.rows, out);
	}
	free(abs);
	free(out);
	reviewform_wipe(&rv->form);
	rv->mode = MODE_TABLE;
}

/* w: the who-saw form. */
static void
review_form_who(struct review *rv)
{
	reviewform_init(&rv->form, "Who has watched footage of...", "Search");
	snprintf(rv->form.intro, sizeof rv->form.intro, "Every view and export "
	    "of the camera whose footage overlaps the window.");
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "Camera", "The camera, as "
	    "logged (entrance).", NULL);
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "From", "Start of the "
	    "window: YYYY-MM-DD HH:MM (local time).", NULL);
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "To", "End of the window: "
	    "YYYY-MM-DD HH:MM (a date alone: to the end of that day).", NULL);
	rv->form_back = MODE_TABLE;
	rv->mode = MODE_WHO;
}

/* Lists every view and export whose footage overlaps the window asked for;
 * logged as a filter. */
static void
review_who(struct review *rv)
{
	struct audit_review_filter f;
	struct audit_review_iter *it;
	struct audit_review_row r;
	const char *cam = reviewform_text(&rv->form, 0);
	const char *from = reviewform_text(&rv->form, 1);
	const char *to = reviewform_text(&rv->form, 2);
	char *cause = NULL, title[1200], a[40], b[40], d[32], act[40];
	int64_t n = 0;
	int rc;

	memset(&f, 0, sizeof f);
	if (cam[0] == '\0' || !utf8_valid(cam, strlen(cam))) {
		reviewform_error(&rv->form, "Type the camera, as logged.");
		rv->form.focus = 0;
		return;
	}
	if (clock_parse(from, 1, &f.footage_from) == -1) {
		reviewform_error(&rv->form, "From is not a date and time: type "
		    "YYYY-MM-DD HH:MM.");
		rv->form.focus = 1;
		return;
	}
	if (clock_parse(to, 1, &f.footage_to) == -1) {
		reviewform_error(&rv->form, "To is not a date and time: type "
		    "YYYY-MM-DD HH:MM.");
		rv->form.focus = 2;
		return;
	}
	if (strlen(to) == 10)
		f.footage_to += 24 * 3600 * 1000;
	if (f.footage_to <= f.footage_from) {
		reviewform_error(&rv->form, "To must be after From.");
		rv->form.focus = 2;
		return;
	}
	if (rv->ar == NULL) {
		reviewform_error(&rv->form, "The audit log is not open.");
		return;
	}
	f.camera = cam;
	f.who_saw = 1;
	if ((it = audit_review_iter_new(rv->ar, &f, &cause)) == NULL) {
		reviewform_error(&rv->form, cause);
		free(cause);
		return;
	}
	review_text_clear(rv);
	review_when(f.footage_from, 2, a, sizeof a);
	review_when(f.footage_to, 2, b, sizeof b);
	review_text_add(rv, 0, A_NORMAL, "Footage of %s from %s to %s, newest "
	    "first:", cam, a, b);
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	while ((rc = audit_review_iter_next(it, &r, &cause)) == 1) {
		if (++n > REVIEW_WHO_MAX)
			continue;
		review_when(r.time_ms, 2, a, sizeof a);
		review_row_action(&r, act, sizeof act);
		review_text_add(rv, 0, r.flags != 0 ? screen_attr_error() :
		    (int)A_NORMAL, "%s  %s  %s  #%lld  %s %s%s%s", a, r.actor,
		    act, (long long)r.seq, r.reason_code, r.reference,
		    r.is_view && r.wall_ms >= 0 ? "  watched " : "",
		    r.is_view && r.wall_ms >= 0 ? review_duration(r.wall_ms, d,
		    sizeof d) : "");
		review_when(r.from_ms, 2, a, sizeof a);
		review_when(r.to_ms, 2, b, sizeof b);
		review_text_add(rv, 4, A_NORMAL, "footage %s %s %s%s", a,
		    screen_utf8() ? "–" : "..", b, r.shown_overlap == 1 ?
		    "; footage of the window was shown" : r.shown_overlap == 0 ?
		    "; nothing of the window was shown" : "");
	}
	audit_review_iter_free(it);
	if (rc == -1) {
		review_text_add(rv, 0, screen_attr_error(), "The log could not "
		    "be read to the end: %s", cause != NULL ? cause : "error");
		free(cause);
		cause = NULL;
	}
	review_text_add(rv, 0, A_NORMAL, "%s", "");
	if (n == 0)
		review_text_add(rv, 0, A_BOLD, "Nobody has viewed or exported "
		    "footage of %s in that window.", cam);
	else if (n > REVIEW_WHO_MAX)
		review_text_add(rv, 0, A_BOLD, "%lld views and exports; the "
		    "first %d are shown (a report has them all).", (long long)n,
		    REVIEW_WHO_MAX);
	else
		review_text_add(rv, 0, A_BOLD, "%lld view%s and export%s.",
		    (long long)n, n == 1 ? "" : "s", n == 1 ? "" : "s");
	/* Looking up a person's footage is a filter applied too. */
	if (audit_review_log_review(rv->log, rv->user, rv->terminal, "filter",
	    &f, &cause) == -1) {
		review_say(rv, 1, "The search could not be logged: %s", cause);
		free(cause);
	}
	snprintf(title, sizeof title, "Who saw %s, %s %s %s", cam, from,
	    screen_utf8() ? "–" : "..", to);
	review_text_open(rv, TEXT_WHO, title);
}

/* c: the checkpoint export form. */
static void
review_form_ckpt(struct review *rv)
{
	rv->form_back = rv->mode;
	reviewform_init(&rv->form, "Export the newest checkpoint", "Write");
	snprintf(rv->form.intro, sizeof rv->form.intro, "A checkpoint over "
	    "every entry is made first. Keep the file on your own media.");
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "File", "A new file (an "
	    "existing one is never overwritten).", NULL);
	rv->mode = MODE_CKPT;
}

/* Makes a checkpoint over every entry and exports it to the file typed. */
static void
review_ckpt(struct review *rv)
{
	struct audit_ckpt_info ck;
	const char *path = reviewform_text(&rv->form, 0);
	char *cause = NULL;
	int rc;

	if (path[0] == '\0') {
		reviewform_error(&rv->form, "Type the file to write.");
		return;
	}
	if (rv->log == NULL) {
		reviewform_error(&rv->form, "The audit log is not open.");
		return;
	}
	if (audit_checkpoint(rv->log, &cause) == -1 ||
	    (rc = audit_checkpoint_latest(rv->log, &ck, &cause)) == -1) {
		reviewform_error(&rv->form, cause);
		free(cause);
		return;
	}
	if (rc == 1) {
		reviewform_error(&rv->form, "The log has no entry, so no "
		    "checkpoint.");
		return;
	}
	if (audit_checkpoint_export(&ck, path, &cause) == -1) {
		reviewform_error(&rv->form, cause);
		free(cause);
		return;
	}
	review_say(rv, 0, "Checkpoint %lld (entries 0 to %lld) written to %s.",
	    (long long)ck.epoch, (long long)ck.n - 1, path);
	rv->mode = rv->form_back;
}

/* a on the integrity panel: the path of a checkpoint file held. */
static void
review_form_held(struct review *rv)
{
	reviewform_init(&rv->form, "A checkpoint file you hold", "Check");
	snprintf(rv->form.intro, sizeof rv->form.intro, "A checkpoint file "
	    "exported earlier and kept on your own media: the log must still "
	    "hold that checkpoint, byte for byte.");
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "File", "The path of the "
	    "checkpoint file.", NULL);
	reviewform_set(&rv->form, 0, rv->held);
	rv->form_back = MODE_TEXT;
	rv->mode = MODE_HELD;
}

/* w on the integrity panel: the path of a collector's witness file. */
static void
review_form_witness(struct review *rv)
{
	reviewform_init(&rv->form, "A witness file from the collector",
	    "Check");
	snprintf(rv->form.intro, sizeof rv->form.intro, "The file the log "
	    "collector keeps for this machine (vigil-audit(5), WITNESS), "
	    "copied to your media: every checkpoint it received must be in "
	    "the log as it was sent.");
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "File", "The path of the "
	    "witness file.", NULL);
	reviewform_set(&rv->form, 0, rv->witness);
	rv->form_back = MODE_TEXT;
	rv->mode = MODE_WITNESS;
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
