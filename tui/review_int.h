/* review_int — what the two files of the review screen (review.c: the
 * object, the filter, the table, the keys and the drawing; reviewpanel.c:
 * the detail, integrity, help, report, who-saw and checkpoint panels)
 * share, and nothing else in tui/ needs. */
#ifndef VIGIL_TUI_REVIEW_INT_H
#define VIGIL_TUI_REVIEW_INT_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "tui/tui.h"
#include "tui/tui_int.h"

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

/* What one file calls in another. */
void review_say(struct review *rv, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void review_when(int64_t ms, int full, char *buf, size_t len);
const char *review_flag_label(unsigned flag);
void review_filter_line(const struct review *rv, char *buf, size_t len);
void review_row_action(const struct audit_review_row *r, char *buf, size_t len);
void review_text_clear(struct review *rv);
void review_text_add(struct review *rv, int indent, int attr,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void review_text_json(struct review *rv, int indent, const char *json);
void review_text_open(struct review *rv, enum review_text which,
    const char *title);
void review_detail(struct review *rv);
void review_integrity(struct review *rv);
void review_witness_check(struct review *rv);
void review_integrity_line(struct review *rv, char *buf, size_t len, int *bad);
void review_help(struct review *rv);
void review_form_report(struct review *rv);
void review_report(struct review *rv);
void review_form_who(struct review *rv);
void review_who(struct review *rv);
void review_form_ckpt(struct review *rv);
void review_ckpt(struct review *rv);
void review_form_held(struct review *rv);
void review_form_witness(struct review *rv);

#endif
