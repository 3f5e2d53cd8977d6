/* views — the audit records of a view: view-start before anything is
 * loaded, view-end with what was shown, and at start view-aborted for the
 * views a crash left open (DESIGN.md invariants 1 and 2). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "session/session.h"
#include "util/util.h"

#define VIEWS_CHECKPOINT_MAX	(AUDIT_MAX_DETAILS)

static char *views_dump(json_t *obj);
static json_t *views_load(const char *text);

/* A JSON text of obj (consumed) in vigil's allocator. */
static char *
views_dump(json_t *obj)
{
	char *out;

	if ((out = jtext_dump(obj, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		fatal("out of memory");
	return out;
}

/* Parses a JSON object, or returns a new empty one. */
static json_t *
views_load(const char *text)
{
	json_t *obj = NULL;

	if (text != NULL)
		obj = json_loads(text, 0, NULL);
	if (obj != NULL && !json_is_object(obj)) {
		json_decref(obj);
		obj = NULL;
	}
	if (obj == NULL && (obj = json_object()) == NULL)
		fatal("out of memory");
	return obj;
}

/* Appends an entry about the declared view d with action and details. */
static int64_t
views_append(struct audit_log *log, const struct views_decl *d,
    const char *action, const char *details, char **cause)
{
	struct audit_entry e;

	memset(&e, 0, sizeof e);
	e.actor = d->actor;
	e.action = action;
	e.camera = d->camera;
	e.from_ms = d->from_ms;
	e.to_ms = d->to_ms;
	e.reason_code = d->code;
	e.reference = d->reference;
	e.details = details;
	e.terminal = d->terminal;
	return audit_append(log, &e, cause);
}

int64_t
views_start(struct audit_log *log, const struct views_decl *d, char **cause)
{
	json_t *obj;
	char *details, boot[64];
	int64_t seq;

	if (log == NULL)
		return cause_set(cause, "the audit log is not open");
	sessions_boot_id(boot, sizeof boot);
	/* pid and boot_id: a later start closes the view only when this
	 * process is gone (views_recover()). */
	obj = json_pack("{s:s,s:s,s:I,s:I,s:b,s:I,s:s}", "authority",
	    d->authority, "note", d->note, "cap_ms", (json_int_t)d->cap_ms,
	    "playable_ms", (json_int_t)d->playable_ms,
	    "reference_reused", d->reference_reused != 0,
	    "pid", (json_int_t)getpid(), "boot_id", boot);
	if (obj == NULL)
		return cause_set(cause, "the authority or note is not valid "
		    "UTF-8");
	details = views_dump(obj);
	seq = views_append(log, d, "view-start", details, cause);
	free(details);
	return seq;
}

int
views_end(struct audit_log *log, int64_t seq, const struct views_decl *d,
    const char *view_json, const char *how, char **cause)
{
	json_t *obj;
	char *details;
	int64_t rc;

	if (log == NULL)
		return cause_set(cause, "the audit log is not open");
	obj = views_load(view_json);
	if (view_json == NULL)
		json_object_set_new(obj, "shown", json_array());
	if (json_object_set_new(obj, "view", json_integer(seq)) != 0 ||
	    json_object_set_new(obj, "end", json_string(how)) != 0)
		fatal("out of memory");
	details = views_dump(obj);
	rc = views_append(log, d, "view-end", details, cause);
	free(details);
	return rc < 0 ? -1 : 0;
}

char *
views_checkpoint_path(const char *audit_state, int64_t seq)
{
	const char *slash = strrchr(audit_state, '/');

	if (slash == NULL)
		return xasprintf("%s.view-%" PRId64 ".json", audit_state, seq);
	return xasprintf("%.*s/%s.view-%" PRId64 ".json",
	    (int)(slash - audit_state), audit_state, slash + 1, seq);
}

int
views_recover(struct audit_log *log, const char *audit_state,
    const char *terminal, size_t *closed, char **cause)
{
	struct audit_row row;
	struct audit_entry e;
	int64_t *seqs = NULL;
	size_t n = 0, i;
	char *storage, *path, *text, *details, *why = NULL;
	size_t len;
	json_t *obj;
	int rc;

	*closed = 0;
	if (log == NULL)
		return cause_set(cause, "the audit log is not open");
	if (audit_views_open(log, &seqs, &n, cause) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		storage = NULL;
		rc = audit_entry_get(log, seqs[i], &row, &storage, cause);
		if (rc != 0) {
			free(storage);
			if (rc == 1)
				cause_set(cause, "view-start %" PRId64 " is "
				    "missing", seqs[i]);
			free(seqs);
			return -1;
		}
		/* A view of a vigil still running (another terminal sharing
		 * the log) is in use, not left open. */
		if ((obj = json_loads(row.details, 0, NULL)) != NULL) {
			int live = json_is_integer(json_object_get(obj, "pid")) &&
			    sessions_live(json_string_value(json_object_get(obj,
			    "boot_id")), json_integer_value(json_object_get(obj,
			    "pid")));

			json_decref(obj);
			if (live) {
				free(storage);
				continue;
			}
		}
		path = views_checkpoint_path(audit_state, seqs[i]);
		text = NULL;
		obj = NULL;
		if (file_read_all(path, VIEWS_CHECKPOINT_MAX, &text, &len,
		    &why) == 0) {
			obj = json_loads(text, 0, NULL);
			if (obj != NULL && !json_is_object(obj)) {
				json_decref(obj);
				obj = NULL;
			}
		}
		free(why);
		why = NULL;
		free(text);
		if (obj != NULL) {
			json_object_set_new(obj, "recovered",
			    json_string("checkpoint"));
		} else {
			/* Nothing saved: all that is known is what it
			 * declared; the footage shown is unknown. */
			obj = json_object();
			if (obj == NULL)
				fatal("out of memory");
			json_object_set_new(obj, "shown", json_null());
			json_object_set_new(obj, "recovered",
			    json_string("view-start"));
		}
		json_object_set_new(obj, "declared", json_pack("[II]",
		    (json_int_t)row.from_ms, (json_int_t)row.to_ms));
		json_object_set_new(obj, "started_ms",
		    json_integer(row.time_ms));
		json_object_set_new(obj, "view", json_integer(seqs[i]));
		json_object_set_new(obj, "terminal_of_view",
		    json_string(row.terminal));
		details = views_dump(obj);
		memset(&e, 0, sizeof e);
		e.actor = row.actor;
		e.action = "view-aborted";
		e.camera = row.camera;
		e.from_ms = row.from_ms;
		e.to_ms = row.to_ms;
		e.reason_code = row.reason_code;
		e.reference = row.reference;
		e.details = details;
		e.terminal = terminal;
		rc = audit_append(log, &e, cause) < 0 ? -1 : 0;
		free(details);
		free(storage);
		if (rc == -1) {
			free(path);
			free(seqs);
			return -1;
		}
		/* Recorded: the saved intervals are no longer needed. */
		(void)unlink(path);
		free(path);
		(*closed)++;
	}
	free(seqs);
	return 0;
}
