/* review_report — the detail of one entry, the summary of a report, the
 * integrity panel, and the records of reviews and reports in the log
 * (audit/review.c). */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "audit/review_int.h"
#include "util/util.h"

/* ---- Detail, summary, integrity ----------------------------------------- */

int
audit_review_entry_get(struct audit_review *rv, int64_t seq,
    struct audit_review_entry *e, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	memset(e, 0, sizeof *e);
	e->covered_epoch = -1;
	if ((rc = audit_entry_get(rv->log, seq, &e->row, &e->storage, cause)) != 0)
		return rc;
	e->count = audit_count(rv->log);
	if (review_prepare(rv, &st, "SELECT chain, mac FROM entry WHERE seq = ?",
	    cause) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == 32)
			memcpy(e->chain, sqlite3_column_blob(st, 0), 32);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(e->mac, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	if (review_prepare(rv, &st, "SELECT epoch FROM checkpoint WHERE n > ? "
	    "ORDER BY epoch LIMIT 1", cause) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		e->covered_epoch = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
fail:
	audit_review_entry_free(e);
	return -1;
}

void
audit_review_entry_free(struct audit_review_entry *e)
{
	free(e->storage);
	e->storage = NULL;
}

/* Adds one to the tally of key in a sorted list; returns it. */
static struct audit_review_tally *
review_tally(struct audit_review_tally **v, size_t *n, const char *key)
{
	size_t lo = 0, hi = *n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp((*v)[mid].key, key);
		if (c == 0)
			return &(*v)[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	memmove(&(*v)[lo + 1], &(*v)[lo], (*n - lo) * sizeof **v);
	memset(&(*v)[lo], 0, sizeof **v);
	(*v)[lo].key = xstrdup(key);
	(*n)++;
	return &(*v)[lo];
}

void
audit_review_summary_add(struct audit_review_summary *s,
    const struct audit_review_row *r)
{
	struct audit_review_tally *t[3];
	int i, view = r->is_view, done = strcmp(r->action, "export-done") == 0;

	s->rows++;
	for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
		if (r->flags & (1u << i))
			s->flags[i]++;
	}
	if (strcmp(r->action, "export-start") == 0)
		s->exports_started++;
	else if (done)
		s->exports_done++;
	else if (strcmp(r->action, "export-failed") == 0)
		s->exports_failed++;
	else if (strcmp(r->action, "export-approved") == 0)
		s->exports_approved++;
	if (!view && !done)
		return;
	if (view) {
		s->views++;
		if (r->end_seq < 0)
			s->views_open++;
	}
	t[0] = review_tally(&s->by_user, &s->n_user, r->actor);
	t[1] = review_tally(&s->by_camera, &s->n_camera, r->camera);
	t[2] = review_tally(&s->by_reason, &s->n_reason, r->reason_code);
	for (i = 0; i < 3; i++) {
		if (view) {
			t[i]->views++;
			if (r->wall_ms > 0)
				t[i]->viewed_ms += r->wall_ms;
		} else {
			t[i]->exports++;
		}
		if (r->flags != 0)
			t[i]->flagged++;
	}
}

static void
review_tally_free(struct audit_review_tally *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

void
audit_review_summary_free(struct audit_review_summary *s)
{
	review_tally_free(s->by_user, s->n_user);
	review_tally_free(s->by_camera, s->n_camera);
	review_tally_free(s->by_reason, s->n_reason);
	memset(s, 0, sizeof *s);
}

int
audit_review_integrity(struct audit_log *log, const char *held_path,
    struct audit_review_integrity *in, char **cause)
{
	sqlite3_stmt *st;
	uint8_t log_id[AUDIT_LOGID_LEN], pk0[AUDIT_PK_LEN];
	int rc;

	memset(in, 0, sizeof *in);
	if ((in->entries = audit_count(log)) < 0)
		return cause_set(cause, "%s: cannot count the entries",
		    log_path(log));
	if ((rc = audit_checkpoint_latest(log, &in->latest, cause)) < 0)
		return -1;
	in->has_checkpoint = rc == 0;
	in->uncovered = in->entries - (in->has_checkpoint ? in->latest.n : 0);
	if (held_path == NULL)
		return 0;
	if (audit_checkpoint_import(held_path, &in->held_ckpt, cause) != 0)
		return -1;
	audit_ids(log, log_id, pk0);
	if (memcmp(log_id, in->held_ckpt.log_id, AUDIT_LOGID_LEN) != 0) {
		in->held = -3;
		snprintf(in->held_detail, sizeof in->held_detail, "%s is a "
		    "checkpoint of another log", held_path);
		return 0;
	}
	if (sqlite3_prepare_v2(log_db(log), "SELECT body, sig FROM checkpoint "
	    "WHERE epoch = ?", -1, &st, NULL) != SQLITE_OK)
		return cause_set(cause, "%s: %s", log_path(log),
		    sqlite3_errmsg(log_db(log)));
	sqlite3_bind_int64(st, 1, in->held_ckpt.epoch);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		in->held = -2;
		snprintf(in->held_detail, sizeof in->held_detail, "the log has "
		    "no checkpoint %" PRId64 " (held in %s, covering %" PRId64
		    " entries): it was cut short", in->held_ckpt.epoch,
		    held_path, in->held_ckpt.n);
	} else if (sqlite3_column_bytes(st, 0) != AUDIT_CKPT_LEN ||
	    sqlite3_column_bytes(st, 1) != AUDIT_SIG_LEN ||
	    memcmp(sqlite3_column_blob(st, 0), in->held_ckpt.body,
	    AUDIT_CKPT_LEN) != 0 || memcmp(sqlite3_column_blob(st, 1),
	    in->held_ckpt.sig, AUDIT_SIG_LEN) != 0) {
		in->held = -1;
		snprintf(in->held_detail, sizeof in->held_detail, "checkpoint %"
		    PRId64 " in the log differs from the one held in %s",
		    in->held_ckpt.epoch, held_path);
	} else {
		in->held = 1;
		snprintf(in->held_detail, sizeof in->held_detail, "checkpoint %"
		    PRId64 " (%" PRId64 " entries) matches the one held in %s",
		    in->held_ckpt.epoch, in->held_ckpt.n, held_path);
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- Records of reviews -------------------------------------------------- */

char *
audit_review_filter_json(const struct audit_review_filter *f)
{
	json_t *o = json_object(), *fl;
	char *s;
	int i;

	if (o == NULL)
		fatal("out of memory");
	if (f->from_ms != 0)
		json_object_set_new(o, "from", json_integer(f->from_ms));
	if (f->to_ms != 0)
		json_object_set_new(o, "to", json_integer(f->to_ms));
	if (review_set(f->actor))
		json_object_set_new(o, "user", json_string(f->actor));
	if (review_set(f->camera))
		json_object_set_new(o, "camera", json_string(f->camera));
	if (review_set(f->action))
		json_object_set_new(o, "action", json_string(f->action));
	if (review_set(f->reason_code))
		json_object_set_new(o, "reason", json_string(f->reason_code));
	if (review_set(f->reference))
		json_object_set_new(o, "reference", json_string(f->reference));
	if (f->views_only)
		json_object_set_new(o, "views_only", json_true());
	if (f->flags != 0) {
		fl = json_array();
		for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
			if (f->flags & (1u << i))
				json_array_append_new(fl, json_string(
				    audit_flag_name(1u << i)));
		}
		json_object_set_new(o, "flags", fl);
	}
	if (f->footage_from != 0 || f->footage_to != 0) {
		json_object_set_new(o, "footage_from",
		    json_integer(f->footage_from));
		json_object_set_new(o, "footage_to", json_integer(f->footage_to));
	}
	if (f->who_saw)
		json_object_set_new(o, "who_saw", json_true());
	if ((s = jtext_dump(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		fatal("out of memory");
	return s;
}

/* Appends a record of the review with details d (consumed). */
static int64_t
review_record(struct audit_log *log, const char *actor, const char *terminal,
    const char *action, const struct audit_review_filter *f, json_t *d,
    char **cause)
{
	struct audit_entry e;
	char *s;
	int64_t seq;

	if ((s = jtext_dump(d, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		fatal("out of memory");
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = action;
	e.camera = f != NULL && review_set(f->camera) ? f->camera : "";
	e.reason_code = f != NULL && review_set(f->reason_code) ?
	    f->reason_code : "";
	e.reference = f != NULL && review_set(f->reference) ? f->reference : "";
	if (f != NULL && (f->footage_from != 0 || f->footage_to != 0)) {
		e.from_ms = f->footage_from;
		e.to_ms = f->footage_to;
	}
	e.details = s;
	e.terminal = terminal;
	seq = audit_append(log, &e, cause);
	free(s);
	return seq;
}

/* The filter as a JSON value (for the details of a record). */
static json_t *
review_filter_value(const struct audit_review_filter *f)
{
	char *s = audit_review_filter_json(f);
	json_t *v = json_loads(s, 0, NULL);

	free(s);
	if (v == NULL)
		fatal("out of memory");
	return v;
}

int64_t
audit_review_log_review(struct audit_log *log, const char *actor,
    const char *terminal, const char *what, const struct audit_review_filter *f,
    char **cause)
{
	json_t *d;

	d = json_pack("{s:s,s:o}", "what", what != NULL ? what : "filter",
	    "filter", review_filter_value(f));
	if (d == NULL)
		return cause_set(cause, "cannot record the review: the text is "
		    "not valid UTF-8");
	return review_record(log, actor, terminal, "audit-review", f, d, cause);
}

int64_t
audit_review_log_report(struct audit_log *log, const char *actor,
    const char *terminal, const struct audit_review_filter *f,
    const char *format, const char *path, const char *sums_hex, int64_t rows,
    char **cause)
{
	json_t *d;

	d = json_pack("{s:o,s:s,s:s,s:s,s:I}", "filter", review_filter_value(f),
	    "format", format, "path", path, "sha256sums", sums_hex, "rows",
	    (json_int_t)rows);
	if (d == NULL)
		return cause_set(cause, "cannot record the report: the path is "
		    "not valid UTF-8");
	return review_record(log, actor, terminal, "audit-report", f, d, cause);
}
