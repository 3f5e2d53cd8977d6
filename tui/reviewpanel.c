/* reviewpanel — the review screen's panels (tui/review.c): the detail of
 * an entry, the integrity of the log (verification, identity, checkpoints,
 * a checkpoint held, the witness), the help, and the report, who-saw and
 * checkpoint forms with what they write. */
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

static void review_text_entry(struct review *rv, int64_t seq, const char *what);
static void review_form_path(struct review *rv, const char *title,
    const char *intro, const char *what, const char *value,
    enum review_mode mode);
static void review_text_shown(struct review *rv, int indent,
    const struct audit_review_row *r);
static void review_text_flags(struct review *rv,
    const struct audit_review_row *r);
static void review_identity(struct review *rv);
static void review_witness_text(struct review *rv);
static void review_report_progress(const char *stage, int64_t done,
    int64_t total, void *arg);

static const char *const review_formats[] = { "csv", "json", "txt", NULL };

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
void
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
void
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
void
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
void
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

void
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
void
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
void
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
void
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
void
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
void
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
void
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

/* The integrity panel's one-path form: title, intro, what the path is
 * of, its current value, and the mode it opens. */
static void
review_form_path(struct review *rv, const char *title, const char *intro,
    const char *what, const char *value, enum review_mode mode)
{
	reviewform_init(&rv->form, title, "Check");
	snprintf(rv->form.intro, sizeof rv->form.intro, "%s", intro);
	reviewform_add(&rv->form, REVIEWFORM_TEXT, "File", what, NULL);
	reviewform_set(&rv->form, 0, value);
	rv->form_back = MODE_TEXT;
	rv->mode = mode;
}

/* a on the integrity panel: the path of a checkpoint file held. */
void
review_form_held(struct review *rv)
{
	review_form_path(rv, "A checkpoint file you hold", "A checkpoint file "
	    "exported earlier and kept on your own media: the log must still "
	    "hold that checkpoint, byte for byte.", "The path of the "
	    "checkpoint file.", rv->held, MODE_HELD);
}

/* w on the integrity panel: the path of a collector's witness file. */
void
review_form_witness(struct review *rv)
{
	review_form_path(rv, "A witness file from the collector", "The file "
	    "the log collector keeps for this machine (vigil-audit(5), "
	    "WITNESS), copied to your media: every checkpoint it received must "
	    "be in the log as it was sent.", "The path of the witness file.",
	    rv->witness, MODE_WITNESS);
}
