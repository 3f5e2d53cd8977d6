/* witcheck — checking a log against the witness lines a collector kept
 * (vigil-audit(5), WITNESS): rollbacks, rewritten tails, forks, a
 * replaced log and silences. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

/* Notes kept of each kind (of each fault, for failures), the rest
 * counted: lines anyone can write must not crowd a failure out. */
#define WITCHECK_NOTES	100

/* A verified or unverified line of the log checked. */
struct witcheck_line {
	int64_t		 time_ms;
	int64_t		 epoch;
	size_t		 sender;	/* index into senders */
	int		 kind;
	int		 verified;
	size_t		 file;		/* index into the files given */
	int64_t		 lineno;
	uint8_t		 body[AUDIT_CKPT_LEN];
	uint8_t		 sig[AUDIT_SIG_LEN];
};

struct witcheck_sender {
	char		*name;
	int64_t		 first_ours;	/* first verified line of the log; -1 */
	int64_t		 last_ours;	/* newest verified line of the log; -1 */
};

/* A line of another log: what a sender sent besides this log. */
struct witcheck_other {
	int64_t		 time_ms;
	size_t		 sender;
	size_t		 file;
	int64_t		 lineno;
	uint8_t		 log_id[AUDIT_LOGID_LEN];
};

struct witcheck {
	const struct audit_witness_opts *o;
	struct audit_witness_result *r;
	/* The log's checkpoints, in epoch order from 0; the first verified
	 * of them along the chain from pk0. */
	uint8_t		(*ck)[AUDIT_CKPT_LEN];
	int64_t		 nck;
	int64_t		 nck_ok;
	struct witcheck_line *lines;
	size_t		 nlines, caplines;
	struct witcheck_sender *senders;
	size_t		 nsenders, capsenders;
	struct witcheck_other *others;
	size_t		 nothers, capothers;
	size_t		 nfail[AUDIT_WITNESS_SILENCE + 1];	/* notes kept */
	size_t		 nkind[AUDIT_WITNESS_NOTE_INFO + 1];
};

static int witcheck_note(struct witcheck *, enum audit_witness_fault,
    enum audit_witness_note_kind, int64_t from, int64_t to, const char *fmt,
    ...) __attribute__((format(printf, 6, 7)));
static int witcheck_log(struct witcheck *, const char *db, char **cause);
static int witcheck_read(struct witcheck *, size_t file, char **cause);
static int witcheck_sender(struct witcheck *, const char *name, size_t *idx);
static int witcheck_by_epoch(const void *, const void *);
static int witcheck_by_time(const void *, const void *);
static void witcheck_sort(struct witcheck *,
    int (*)(const void *, const void *));
static int witcheck_verify(struct witcheck *);
static int witcheck_silence(struct witcheck *);
static int witcheck_windows(struct witcheck *);
static int witcheck_replaced(struct witcheck *);
static void witcheck_free(struct witcheck *);

const char *
audit_witness_fault_name(enum audit_witness_fault f)
{
	switch (f) {
	case AUDIT_WITNESS_OK:		return "witnessed";
	case AUDIT_WITNESS_NONE:	return "not witnessed";
	case AUDIT_WITNESS_ROLLBACK:	return "rolled back";
	case AUDIT_WITNESS_REWRITTEN:	return "rewritten";
	case AUDIT_WITNESS_FORK:	return "fork";
	case AUDIT_WITNESS_REPLACED:	return "replaced";
	case AUDIT_WITNESS_SILENCE:	return "silence";
	}
	return "unknown";
}

/* Adds a note; the first failure becomes the result's fault.  -1 only when
 * out of memory. */
static int
witcheck_note(struct witcheck *w, enum audit_witness_fault fault,
    enum audit_witness_note_kind kind, int64_t from, int64_t to,
    const char *fmt, ...)
{
	struct audit_witness_result *r = w->r;
	struct audit_witness_note *n, *nn;
	va_list ap;

	if (fault != AUDIT_WITNESS_OK && r->fault == AUDIT_WITNESS_OK)
		r->fault = fault;
	if (kind == AUDIT_WITNESS_NOTE_FAIL)
		r->failures++;
	if (kind == AUDIT_WITNESS_NOTE_FAIL ?
	    w->nfail[fault] >= WITCHECK_NOTES :
	    w->nkind[kind] >= WITCHECK_NOTES) {
		r->omitted++;
		return 0;
	}
	if (kind == AUDIT_WITNESS_NOTE_FAIL)
		w->nfail[fault]++;
	else
		w->nkind[kind]++;
	if ((nn = realloc(r->notes, (r->nnotes + 1) * sizeof *nn)) == NULL)
		return -1;
	r->notes = nn;
	n = &r->notes[r->nnotes++];
	memset(n, 0, sizeof *n);
	n->fault = fault;
	n->kind = kind;
	n->from_ms = from;
	n->to_ms = to;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof n->text, fmt, ap);
	va_end(ap);
	return 0;
}

/* Reads the log's checkpoints and checks their signatures along the chain
 * from the pinned pk0: the log's own account, to compare the witness
 * with. */
static int
witcheck_log(struct witcheck *w, const char *db, char **cause)
{
	struct audit_log *log;
	sqlite3_stmt *s = NULL;
	uint8_t pk[AUDIT_PK_LEN], (*nck)[AUDIT_CKPT_LEN];
	size_t cap = 0;
	int rc, ok = 1;

	if ((log = audit_open(db, NULL, AUDIT_OPEN_READONLY, cause)) == NULL)
		return -1;
	w->r->log_entries = audit_count(log);
	if (sqlite3_prepare_v2(log_db(log), "SELECT epoch, body, sig FROM "
	    "checkpoint ORDER BY epoch", -1, &s, NULL) != SQLITE_OK) {
		cause_set(cause, "%s: reading checkpoints: %s", db,
		    sqlite3_errmsg(log_db(log)));
		audit_close(log);
		return -1;
	}
	memcpy(pk, w->o->pk0, sizeof pk);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const uint8_t *body = sqlite3_column_blob(s, 1);
		const uint8_t *sig = sqlite3_column_blob(s, 2);

		/* Stored epochs must run 0, 1, 2, ...: what follows a gap or a
		 * malformed row is not the log's account. */
		if (sqlite3_column_int64(s, 0) != w->nck ||
		    sqlite3_column_bytes(s, 1) != AUDIT_CKPT_LEN ||
		    sqlite3_column_bytes(s, 2) != AUDIT_SIG_LEN)
			break;
		if ((size_t)w->nck == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			if ((nck = realloc(w->ck, cap * sizeof *nck)) == NULL) {
				cause_set(cause, "out of memory");
				sqlite3_finalize(s);
				audit_close(log);
				return -1;
			}
			w->ck = nck;
		}
		memcpy(w->ck[w->nck], body, AUDIT_CKPT_LEN);
		if (ok && (memcmp(body, CKPT_MAGIC, 8) != 0 ||
		    memcmp(body + 8, w->o->log_id, AUDIT_LOGID_LEN) != 0 ||
		    be64_get(body + 24) != w->nck ||
		    crypto_sign_verify_detached(sig, body, AUDIT_CKPT_LEN,
		    pk) != 0))
			ok = 0;
		if (ok) {
			memcpy(pk, body + 112, sizeof pk);
			w->nck_ok = w->nck + 1;
		}
		w->nck++;
	}
	sqlite3_finalize(s);
	audit_close(log);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cause_set(cause, "%s: reading checkpoints failed", db);
	return 0;
}

/* The index of the sender called name, added when new. */
static int
witcheck_sender(struct witcheck *w, const char *name, size_t *idx)
{
	struct witcheck_sender *ns;
	size_t i;

	/* Most recent first: a collector's file holds one sender, or a few. */
	for (i = w->nsenders; i > 0; i--)
		if (strcmp(w->senders[i - 1].name, name) == 0) {
			*idx = i - 1;
			return 0;
		}
	if (w->nsenders == w->capsenders) {
		w->capsenders = w->capsenders == 0 ? 8 : w->capsenders * 2;
		if ((ns = realloc(w->senders, w->capsenders * sizeof *ns)) == NULL)
			return -1;
		w->senders = ns;
	}
	ns = &w->senders[w->nsenders];
	memset(ns, 0, sizeof *ns);
	if ((ns->name = strdup(name)) == NULL)
		return -1;
	ns->first_ours = ns->last_ours = -1;
	*idx = w->nsenders++;
	return 0;
}

/* Reads one collector file: the log's lines are kept, other logs' lines
 * are remembered per sender, everything else is counted. */
static int
witcheck_read(struct witcheck *w, size_t file, char **cause)
{
	const char *path = w->o->files[file];
	struct audit_witness_record rec;
	struct witcheck_line *l;
	FILE *f;
	char *line = NULL, why[160];
	size_t cap = 0, idx;
	ssize_t len;
	int64_t lineno = 0;
	int rc, fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    (f = fdopen(fd, "r")) == NULL) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		w->r->records++;
		rc = audit_witness_parse(line, (size_t)len, &rec, why, sizeof why);
		if (rc == 1) {
			w->r->ignored++;
			continue;
		}
		if (rc == -1) {
			w->r->unauthenticated++;
			if (witcheck_note(w, AUDIT_WITNESS_OK,
			    AUDIT_WITNESS_NOTE_UNAUTH, -1, -1, "%s:%lld: "
			    "malformed: %s", path, (long long)lineno, why) != 0)
				goto oom;
			continue;
		}
		if (witcheck_sender(w, rec.sender, &idx) != 0)
			goto oom;
		if (memcmp(rec.log_id, w->o->log_id, AUDIT_LOGID_LEN) != 0) {
			struct witcheck_other *ot;

			w->r->other_log++;
			if (w->nothers == w->capothers) {
				w->capothers = w->capothers == 0 ? 256 :
				    w->capothers * 2;
				if ((ot = realloc(w->others, w->capothers *
				    sizeof *ot)) == NULL)
					goto oom;
				w->others = ot;
			}
			ot = &w->others[w->nothers++];
			ot->time_ms = rec.time_ms;
			ot->sender = idx;
			ot->file = file;
			ot->lineno = lineno;
			memcpy(ot->log_id, rec.log_id, AUDIT_LOGID_LEN);
			continue;
		}
		w->r->ours++;
		if (w->nlines == w->caplines) {
			w->caplines = w->caplines == 0 ? 1024 : w->caplines * 2;
			if ((l = realloc(w->lines, w->caplines * sizeof *l)) == NULL)
				goto oom;
			w->lines = l;
		}
		l = &w->lines[w->nlines++];
		memset(l, 0, sizeof *l);
		l->time_ms = rec.time_ms;
		l->epoch = rec.epoch;
		l->sender = idx;
		l->kind = rec.kind;
		memcpy(l->body, rec.body, sizeof l->body);
		memcpy(l->sig, rec.sig, sizeof l->sig);
		l->file = file;
		l->lineno = lineno;
	}
	if (ferror(f)) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		free(line);
		fclose(f);
		return -1;
	}
	free(line);
	fclose(f);
	return 0;
oom:
	free(line);
	fclose(f);
	return cause_set(cause, "out of memory");
}

static int
witcheck_by_epoch(const void *a, const void *b)
{
	const struct witcheck_line *x = a, *y = b;

	if (x->epoch != y->epoch)
		return x->epoch < y->epoch ? -1 : 1;
	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return 0;
}

static int
witcheck_by_time(const void *a, const void *b)
{
	const struct witcheck_line *x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	if (x->epoch != y->epoch)
		return x->epoch < y->epoch ? -1 : 1;
	return 0;
}

/* Sorts the lines (none: nothing to sort, and qsort() takes no NULL). */
static void
witcheck_sort(struct witcheck *w, int (*cmp)(const void *, const void *))
{
	if (w->nlines > 1)
		qsort(w->lines, w->nlines, sizeof *w->lines, cmp);
}

/* Checks each line's signature with the key a verified checkpoint before
 * it names (the log's, or another witnessed line's), then compares each
 * verified line with the log: a checkpoint the log lacks is a rollback,
 * one it holds differently a rewrite, two for one epoch a fork. */
static int
witcheck_verify(struct witcheck *w)
{
	struct audit_witness_result *r = w->r;
	const uint8_t *keys[64];
	size_t i, j, k, start, nkeys, prev_start = 0, prev_end = 0, fa, fb;
	int64_t epoch, prev_epoch = -2;
	char when[40];

	witcheck_sort(w, witcheck_by_epoch);
	for (start = 0; start < w->nlines; start = i) {
		epoch = w->lines[start].epoch;
		for (i = start; i < w->nlines && w->lines[i].epoch == epoch; i++)
			;
		/* The keys pk_epoch: pk0, or those the verified checkpoints
		 * of the epoch before name (one, unless there is a fork). */
		nkeys = 0;
		if (epoch == 0)
			keys[nkeys++] = w->o->pk0;
		else {
			if (epoch - 1 < w->nck_ok)
				keys[nkeys++] = w->ck[epoch - 1] + 112;
			if (prev_epoch == epoch - 1)
				for (j = prev_start; j < prev_end &&
				    nkeys < sizeof keys / sizeof keys[0]; j++)
					if (w->lines[j].verified)
						keys[nkeys++] = w->lines[j].body + 112;
		}
		for (j = start; j < i; j++) {
			struct witcheck_line *l = &w->lines[j];

			for (k = 0; k < nkeys && !l->verified; k++)
				if (crypto_sign_verify_detached(l->sig, l->body,
				    AUDIT_CKPT_LEN, keys[k]) == 0)
					l->verified = 1;
			if (!l->verified) {
				r->unauthenticated++;
				if (witcheck_note(w, AUDIT_WITNESS_OK,
				    AUDIT_WITNESS_NOTE_UNAUTH, l->time_ms, -1,
				    "%s:%lld: checkpoint %lld: %s",
				    w->o->files[l->file], (long long)l->lineno,
				    (long long)epoch, nkeys == 0 ? "no key to "
				    "check it with (neither the log nor the "
				    "witness holds a verified checkpoint "
				    "before it)" : "the signature does not "
				    "verify along the chain from pk0") != 0)
					return -1;
				continue;
			}
			r->verified++;
			if (epoch > r->newest_epoch) {
				r->newest_epoch = epoch;
				r->newest_n = be64_get(l->body + 32);
				r->newest_ms = l->time_ms;
			}
			clock_format_utc(l->time_ms, when, sizeof when);
			if (epoch >= w->nck) {
				if (witcheck_note(w, AUDIT_WITNESS_ROLLBACK,
				    AUDIT_WITNESS_NOTE_FAIL, l->time_ms, -1,
				    "checkpoint %lld over %lld entries, received "
				    "from %s at %s (%s:%lld), is not in the log, "
				    "whose newest is %lld: the log was rolled back "
				    "or cut off", (long long)epoch,
				    (long long)be64_get(l->body + 32),
				    w->senders[l->sender].name, when,
				    w->o->files[l->file], (long long)l->lineno,
				    (long long)(w->nck - 1)) != 0)
					return -1;
			} else if (memcmp(w->ck[epoch], l->body,
			    AUDIT_CKPT_LEN) != 0) {
				if (witcheck_note(w, AUDIT_WITNESS_REWRITTEN,
				    AUDIT_WITNESS_NOTE_FAIL, l->time_ms, -1,
				    "the log holds checkpoint %lld differently from "
				    "the one received from %s at %s (%s:%lld): what "
				    "it covers was rewritten, or the log was rolled "
				    "back and went on", (long long)epoch,
				    w->senders[l->sender].name, when,
				    w->o->files[l->file], (long long)l->lineno)
				    != 0)
					return -1;
			}
		}
		/* Two verified checkpoints for one epoch: only the holder of
		 * the key state can sign them, so it signed twice. */
		fa = fb = i;
		for (j = start; j < i && fa == i; j++)
			for (k = j + 1; k < i; k++)
				if (w->lines[j].verified && w->lines[k].verified &&
				    memcmp(w->lines[j].body, w->lines[k].body,
				    AUDIT_CKPT_LEN) != 0) {
					fa = j;
					fb = k;
					break;
				}
		if (fa != i && witcheck_note(w, AUDIT_WITNESS_FORK,
		    AUDIT_WITNESS_NOTE_FAIL, w->lines[fa].time_ms, -1,
		    "two different checkpoints %lld were signed and witnessed "
		    "(%s:%lld and %s:%lld): the log forked", (long long)epoch,
		    w->o->files[w->lines[fa].file], (long long)w->lines[fa].lineno,
		    w->o->files[w->lines[fb].file],
		    (long long)w->lines[fb].lineno) != 0)
			return -1;
		prev_epoch = epoch;
		prev_start = start;
		prev_end = i;
	}
	return 0;
}

/* Silences between consecutive verified lines, by receive time: longer
 * than twice the heartbeat interval is a failure, unless the line before
 * it is a stop (then it is a window that was not witnessed). */
static int
witcheck_silence(struct witcheck *w)
{
	struct witcheck_line *a = NULL, *b;
	char t1[40], t2[40];
	size_t i;
	int64_t limit = 2 * w->o->heartbeat_ms, gap;

	witcheck_sort(w, witcheck_by_time);
	for (i = 0; i < w->nlines; i++) {
		b = &w->lines[i];
		if (!b->verified)
			continue;
		if (w->r->first_ms < 0)
			w->r->first_ms = b->time_ms;
		w->r->last_ms = b->time_ms;
		if (a != NULL && (gap = b->time_ms - a->time_ms) > limit) {
			clock_format_utc(a->time_ms, t1, sizeof t1);
			clock_format_utc(b->time_ms, t2, sizeof t2);
			if (a->kind == AUDIT_WITNESS_STOP) {
				if (witcheck_note(w, AUDIT_WITNESS_OK,
				    AUDIT_WITNESS_NOTE_WINDOW, a->time_ms,
				    b->time_ms, "not witnessed from %s to %s "
				    "(%lld min), after a clean stop", t1, t2,
				    (long long)(gap / 60000)) != 0)
					return -1;
			} else if (witcheck_note(w, AUDIT_WITNESS_SILENCE,
			    AUDIT_WITNESS_NOTE_FAIL, a->time_ms, b->time_ms,
			    "no line from %s to %s (%lld min, more than twice "
			    "the %lld min heartbeat) with no stop before it: "
			    "vigil stopped without a stop line, or its lines "
			    "did not arrive", t1, t2, (long long)(gap / 60000),
			    (long long)(w->o->heartbeat_ms / 60000)) != 0)
				return -1;
		}
		a = b;
	}
	return 0;
}

/* Checkpoints of the log no verified line witnessed: before the first,
 * between witnessed ones, and after the newest. */
static int
witcheck_windows(struct witcheck *w)
{
	struct audit_witness_result *r = w->r;
	int64_t next = 0, last_ms = -1;
	size_t i;
	char t1[40], t2[40], which[80];

	witcheck_sort(w, witcheck_by_epoch);
	for (i = 0; i < w->nlines; i++) {
		struct witcheck_line *l = &w->lines[i];

		if (!l->verified || l->epoch < next)
			continue;
		if (l->epoch > next) {
			if (l->epoch - next == 1)
				snprintf(which, sizeof which, "checkpoint %lld",
				    (long long)next);
			else
				snprintf(which, sizeof which, "checkpoints %lld "
				    "to %lld", (long long)next,
				    (long long)(l->epoch - 1));
			clock_format_utc(l->time_ms, t2, sizeof t2);
			if (last_ms >= 0)
				clock_format_utc(last_ms, t1, sizeof t1);
			else
				snprintf(t1, sizeof t1, "the start");
			if (witcheck_note(w, AUDIT_WITNESS_OK,
			    AUDIT_WITNESS_NOTE_WINDOW, last_ms, l->time_ms,
			    "%s not witnessed (between %s and %s)", which, t1,
			    t2) != 0)
				return -1;
		}
		next = l->epoch + 1;
		last_ms = l->time_ms;
	}
	if (r->verified == 0 || r->log_entries <= r->newest_n)
		return 0;
	clock_format_utc(r->newest_ms, t1, sizeof t1);
	return witcheck_note(w, AUDIT_WITNESS_OK, AUDIT_WITNESS_NOTE_WINDOW,
	    r->newest_ms, -1, "not witnessed since %s: entries %lld to %lld "
	    "follow the newest witnessed checkpoint %lld", t1,
	    (long long)r->newest_n, (long long)(r->log_entries - 1),
	    (long long)r->newest_epoch);
}

/* A sender that went on with another log after its last line of this one
 * replaced the log (or something on that machine wrote such a line); one
 * that sent another log before this one's first line is said, as this log
 * may be that one's replacement. */
static int
witcheck_replaced(struct witcheck *w)
{
	struct witcheck_sender *s;
	struct witcheck_other *ot, **after, **before;
	char hid[2 * AUDIT_LOGID_LEN + 1], t1[40], t2[40];
	size_t i;
	int rc = -1;

	for (i = 0; i < w->nlines; i++)
		if (w->lines[i].verified) {
			s = &w->senders[w->lines[i].sender];
			if (w->lines[i].time_ms > s->last_ours)
				s->last_ours = w->lines[i].time_ms;
			if (s->first_ours < 0 || w->lines[i].time_ms < s->first_ours)
				s->first_ours = w->lines[i].time_ms;
		}
	/* Per sender, the first other line after this log's last, and the
	 * last before its first. */
	after = calloc(w->nsenders + 1, sizeof *after);
	before = calloc(w->nsenders + 1, sizeof *before);
	if (after == NULL || before == NULL)
		goto out;
	for (i = 0; i < w->nothers; i++) {
		ot = &w->others[i];
		s = &w->senders[ot->sender];
		if (s->last_ours < 0)
			continue;
		if (ot->time_ms > s->last_ours && (after[ot->sender] == NULL ||
		    ot->time_ms < after[ot->sender]->time_ms))
			after[ot->sender] = ot;
		if (ot->time_ms < s->first_ours && (before[ot->sender] == NULL ||
		    ot->time_ms > before[ot->sender]->time_ms))
			before[ot->sender] = ot;
	}
	for (i = 0; i < w->nsenders; i++) {
		s = &w->senders[i];
		if ((ot = after[i]) != NULL) {
			sodium_bin2hex(hid, sizeof hid, ot->log_id,
			    sizeof ot->log_id);
			clock_format_utc(s->last_ours, t1, sizeof t1);
			clock_format_utc(ot->time_ms, t2, sizeof t2);
			if (witcheck_note(w, AUDIT_WITNESS_REPLACED,
			    AUDIT_WITNESS_NOTE_FAIL, s->last_ours, ot->time_ms,
			    "%s sent a line of another log (log_id %s) at %s "
			    "(%s:%lld), after its last line of this log at %s: "
			    "the log was replaced, or a program on that machine "
			    "wrote such a line", s->name, hid, t2,
			    w->o->files[ot->file], (long long)ot->lineno, t1) != 0)
				goto out;
		}
		if ((ot = before[i]) != NULL) {
			sodium_bin2hex(hid, sizeof hid, ot->log_id,
			    sizeof ot->log_id);
			clock_format_utc(ot->time_ms, t1, sizeof t1);
			clock_format_utc(s->first_ours, t2, sizeof t2);
			if (witcheck_note(w, AUDIT_WITNESS_OK,
			    AUDIT_WITNESS_NOTE_INFO, ot->time_ms, s->first_ours,
			    "%s sent lines of another log (log_id %s) until %s, "
			    "before this log's first line at %s: this log took "
			    "its place (a new log after a lost key state, or a "
			    "replacement: compare that log_id with your records)",
			    s->name, hid, t1, t2) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(after);
	free(before);
	return rc;
}

static void
witcheck_free(struct witcheck *w)
{
	size_t i;

	free(w->lines);
	free(w->others);
	for (i = 0; i < w->nsenders; i++)
		free(w->senders[i].name);
	free(w->senders);
	free(w->ck);
}

int
audit_witness_check(const char *db, const struct audit_witness_opts *o,
    struct audit_witness_result *r, char **cause)
{
	struct witcheck w;
	size_t i;
	int rc = -1;

	memset(r, 0, sizeof *r);
	r->newest_epoch = r->newest_n = -1;
	r->first_ms = r->last_ms = r->newest_ms = -1;
	if (o->log_id == NULL || o->pk0 == NULL)
		return cause_set(cause, "the witness is checked against the log's "
		    "identity: pin log_id and pk0 in vigil.conf, or give them");
	if (o->heartbeat_ms <= 0)
		return cause_set(cause, "no heartbeat interval");
	memset(&w, 0, sizeof w);
	w.o = o;
	w.r = r;
	if (witcheck_log(&w, db, cause) != 0)
		goto out;
	for (i = 0; i < o->nfiles; i++)
		if (witcheck_read(&w, i, cause) != 0)
			goto out;
	if (witcheck_verify(&w) != 0 || witcheck_silence(&w) != 0 ||
	    witcheck_replaced(&w) != 0 || witcheck_windows(&w) != 0) {
		cause_set(cause, "out of memory");
		goto out;
	}
	for (i = 0; i < w.nsenders; i++)
		if (w.senders[i].last_ours >= 0)
			r->senders++;
	if (r->verified == 0 && witcheck_note(&w, AUDIT_WITNESS_NONE,
	    AUDIT_WITNESS_NOTE_FAIL, -1, -1, "no line of this log verifies: "
	    "nothing of it is witnessed") != 0) {
		cause_set(cause, "out of memory");
		goto out;
	}
	rc = 0;
out:
	witcheck_free(&w);
	if (rc != 0)
		audit_witness_result_free(r);
	return rc;
}

void
audit_witness_result_free(struct audit_witness_result *r)
{
	free(r->notes);
	r->notes = NULL;
	r->nnotes = 0;
}
