/* report — the data protection officer's signed report on the audit log:
 * rows of a review filter, a summary, a full verification (on a thread of
 * its own, while the rows are written) and the newest checkpoint, signed
 * like an export bundle (vigil-audit(5), "REPORTS"). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "export/export.h"
#include "util/util.h"

#define REPORT_MAX_FILES	8

/* The verification, run beside the rows. */
struct report_verify {
	pthread_t	 thread;
	const char	*db;
	struct audit_verify_opts opts;
	struct audit_verify_result r;
	struct audit_ckpt_info held;
	char		*cause;
	int		 rc;
	atomic_int	 done;
	atomic_llong	 at, total;
};

struct report {
	const struct report_opts *o;
	char		*partial;
	char		*files[REPORT_MAX_FILES];
	size_t		 nfiles;
	struct audit_review_summary sum;
	int64_t		 rows;
};

static void
report_verify_progress(int64_t done, int64_t total, void *arg)
{
	struct report_verify *v = arg;

	atomic_store(&v->at, done);
	atomic_store(&v->total, total);
}

static void *
report_verify_run(void *arg)
{
	struct report_verify *v = arg;

	v->rc = audit_verify(v->db, &v->opts, &v->r, &v->cause);
	atomic_store(&v->done, 1);
	return NULL;
}

/* Opens a new file name in the partial folder for writing. */
static FILE *
report_create(struct report *rp, const char *name, char **cause)
{
	char *path = xasprintf("%s/%s", rp->partial, name);
	FILE *f;
	int fd;

	/* Only the account reads a report (vigil-audit(5), REPORTS). */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		cause_set(cause, "cannot create %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return NULL;
	}
	free(path);
	if (rp->nfiles < REPORT_MAX_FILES)
		rp->files[rp->nfiles++] = xstrdup(name);
	return f;
}

/* Flushes and closes a file of the report. */
static int
report_close(FILE *f, const char *name, char **cause)
{
	int bad = ferror(f);

	if (fflush(f) != 0 || bad || fsync(fileno(f)) == -1) {
		cause_set(cause, "cannot write %s: %s", name, strerror(errno ?
		    errno : EIO));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return cause_set(cause, "cannot write %s: %s", name,
		    strerror(errno));
	return 0;
}

/* Time in local time with its offset, or "" for 0 (no footage time). */
static const char *
report_time(int64_t ms, char *buf, size_t len)
{
	if (ms == 0) {
		buf[0] = '\0';
		return buf;
	}
	return clock_format_local(ms, buf, len);
}

/* Milliseconds as seconds with three decimals, "" when unknown. */
static const char *
report_secs(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
	return buf;
}

/* 1 when s holds a control character: C0, DEL, or C1 (U+0080-U+009F,
 * valid UTF-8 assumed). */
static int
report_csv_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] < 0xa0))
			return 1;
	return 0;
}

/* Writes one CSV field (RFC 4180).  Control characters and bytes that
 * are not valid UTF-8 (a damaged or tampered log) become '?', as in the
 * table output (utf8_sanitize()), so no escape or line break reaches a
 * terminal or a spreadsheet; text a spreadsheet would take for a formula
 * (first character = + - @) gets a leading apostrophe. */
void
report_csv_field(FILE *f, const char *s, int last)
{
	char *clean = NULL;
	int formula;

	if (!utf8_valid(s, strlen(s)) || report_csv_control(s))
		s = clean = utf8_sanitize(s, strlen(s));
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL &&
	    strcmp(s, "-") != 0;
	if (formula || strpbrk(s, ",\"\r\n") != NULL) {
		const char *q;

		fputs(formula ? "\"'" : "\"", f);
		/* Up to each quote, which is doubled. */
		while ((q = strchr(s, '"')) != NULL) {
			fwrite(s, 1, (size_t)(q - s) + 1, f);
			fputc('"', f);
			s = q + 1;
		}
		fputs(s, f);
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
	free(clean);
}

static void
report_csv_int(FILE *f, int64_t v, int known)
{
	if (known)
		fprintf(f, "%" PRId64, v);
	fputc(',', f);
}

/* The flags of a row as names joined by sep, and their explanations
 * joined by " | " (either may be NULL). */
static void
report_flags(struct audit_review *rv, const struct audit_review_row *r,
    const char *sep, char **names, char **why)
{
	char *n = xstrdup(""), *w = xstrdup(""), *e, *t;
	int i;

	for (i = 0; i < AUDIT_FLAG_COUNT; i++) {
		if ((r->flags & (1u << i)) == 0)
			continue;
		t = xasprintf("%s%s%s", n, n[0] != '\0' ? sep : "",
		    audit_flag_name(1u << i));
		free(n);
		n = t;
		if (why != NULL && (e = audit_review_flag_explain(rv, r,
		    1u << i)) != NULL) {
			t = xasprintf("%s%s%s", w, w[0] != '\0' ? " | " : "", e);
			free(w);
			free(e);
			w = t;
		}
	}
	if (names != NULL)
		*names = n;
	else
		free(n);
	if (why != NULL)
		*why = w;
	else
		free(w);
}

/* The intervals shown, as ISO 8601 intervals joined by ";". */
static char *
report_intervals(const struct audit_review_row *r)
{
	char *s = xstrdup(""), *t, a[40], b[40];
	size_t i;

	for (i = 0; i < r->nshown; i++) {
		t = xasprintf("%s%s%s/%s", s, i > 0 ? ";" : "",
		    clock_format_local(r->shown[i][0], a, sizeof a),
		    clock_format_local(r->shown[i][1], b, sizeof b));
		free(s);
		s = t;
	}
	return s;
}

static const char report_csv_header[] =
	"seq,time,user,action,camera,footage_from,footage_to,reason_code,"
	"reference,end_seq,end_action,end_time,end_how,viewed_seconds,"
	"shown_seconds,played_seconds,intervals_shown,flags,flag_explanations,"
	"export_seq,approved_seq,approver,terminal,details\r\n";

static void
report_row_csv(struct report *rp, FILE *f, const struct audit_review_row *r)
{
	char t[40], n[32], *fl, *why, *iv;

	report_flags(rp->o->review, r, " ", &fl, &why);
	iv = report_intervals(r);
	fprintf(f, "%" PRId64 ",", r->seq);
	report_csv_field(f, clock_format_local(r->time_ms, t, sizeof t), 0);
	report_csv_field(f, r->actor, 0);
	report_csv_field(f, r->action, 0);
	report_csv_field(f, r->camera, 0);
	report_csv_field(f, report_time(r->from_ms, t, sizeof t), 0);
	report_csv_field(f, report_time(r->to_ms, t, sizeof t), 0);
	report_csv_field(f, r->reason_code, 0);
	report_csv_field(f, r->reference, 0);
	report_csv_int(f, r->end_seq, r->end_seq >= 0);
	report_csv_field(f, r->end_action, 0);
	report_csv_field(f, r->end_seq >= 0 ? clock_format_local(r->end_time_ms, t,
	    sizeof t) : "", 0);
	report_csv_field(f, r->end_how, 0);
	report_csv_field(f, report_secs(r->wall_ms, n, sizeof n), 0);
	report_csv_field(f, report_secs(r->shown_ms, n, sizeof n), 0);
	report_csv_field(f, report_secs(r->played_ms, n, sizeof n), 0);
	report_csv_field(f, iv, 0);
	report_csv_field(f, fl, 0);
	report_csv_field(f, why, 0);
	report_csv_int(f, r->export_seq, r->export_seq >= 0);
	report_csv_int(f, r->approved_seq, r->approved_seq >= 0);
	report_csv_field(f, r->approver, 0);
	report_csv_field(f, r->terminal, 0);
	report_csv_field(f, r->details, 1);
	free(fl);
	free(why);
	free(iv);
}

/* A JSON string of s, or of its sanitised copy when not valid UTF-8. */
static json_t *
report_jstr(const char *s)
{
	json_t *v = json_string(s);
	char *clean;

	if (v != NULL)
		return v;
	clean = utf8_sanitize(s, strlen(s));
	v = json_string(clean);
	free(clean);
	return v != NULL ? v : json_string("");
}

/* A JSON integer, or null when unknown. */
static json_t *
report_jint(int64_t v, int known)
{
	return known ? json_integer(v) : json_null();
}

static int
report_dump(FILE *f, json_t *o, const char *prefix)
{
	char *s = jtext_dump(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s == NULL)
		fatal("out of memory");
	fprintf(f, "%s%s", prefix, s);
	free(s);
	return 0;
}

static void
report_row_json(struct report *rp, FILE *f, const struct audit_review_row *r)
{
	json_t *o, *iv, *fl, *d;
	char t[40];
	size_t i;
	int k;

	iv = json_array();
	for (i = 0; i < r->nshown; i++)
		json_array_append_new(iv, json_pack("[II]",
		    (json_int_t)r->shown[i][0], (json_int_t)r->shown[i][1]));
	fl = json_array();
	for (k = 0; k < AUDIT_FLAG_COUNT; k++) {
		char *why = audit_review_flag_explain(rp->o->review, r, 1u << k);

		if (why == NULL)
			continue;
		json_array_append_new(fl, json_pack("{s:s,s:o}", "flag",
		    audit_flag_name(1u << k), "why", report_jstr(why)));
		free(why);
	}
	d = json_loads(r->details, 0, NULL);
	o = json_object();
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "time", json_string(clock_format_local(r->time_ms,
	    t, sizeof t)));
	json_object_set_new(o, "time_ms", json_integer(r->time_ms));
	json_object_set_new(o, "user", report_jstr(r->actor));
	json_object_set_new(o, "action", report_jstr(r->action));
	json_object_set_new(o, "camera", report_jstr(r->camera));
	json_object_set_new(o, "footage_from_ms", json_integer(r->from_ms));
	json_object_set_new(o, "footage_to_ms", json_integer(r->to_ms));
	json_object_set_new(o, "reason_code", report_jstr(r->reason_code));
	json_object_set_new(o, "reference", report_jstr(r->reference));
	json_object_set_new(o, "end_seq", report_jint(r->end_seq, r->end_seq >= 0));
	json_object_set_new(o, "end_action", report_jstr(r->end_action));
	json_object_set_new(o, "end_time_ms", report_jint(r->end_time_ms,
	    r->end_seq >= 0));
	json_object_set_new(o, "end_how", report_jstr(r->end_how));
	json_object_set_new(o, "viewed_ms", report_jint(r->wall_ms, r->wall_ms >= 0));
	json_object_set_new(o, "shown_ms", report_jint(r->shown_ms,
	    r->shown_ms >= 0));
	json_object_set_new(o, "played_ms", report_jint(r->played_ms,
	    r->played_ms >= 0));
	json_object_set_new(o, "shown", iv);
	json_object_set_new(o, "flags", fl);
	json_object_set_new(o, "export_seq", report_jint(r->export_seq,
	    r->export_seq >= 0));
	json_object_set_new(o, "approved_seq", report_jint(r->approved_seq,
	    r->approved_seq >= 0));
	json_object_set_new(o, "approver", report_jstr(r->approver));
	json_object_set_new(o, "terminal", report_jstr(r->terminal));
	json_object_set_new(o, "details", d != NULL ? d : report_jstr(r->details));
	report_dump(f, o, rp->rows == 0 ? "\n" : ",\n");
}

static void
report_row_txt(struct report *rp, FILE *f, const struct audit_review_row *r)
{
	char t[40], a[40], b[40], n[32], *s[6], *why, *iv;
	int k;

	s[0] = utf8_sanitize(r->actor, strlen(r->actor));
	s[1] = utf8_sanitize(r->action, strlen(r->action));
	s[2] = utf8_sanitize(r->camera, strlen(r->camera));
	s[3] = utf8_sanitize(r->reason_code, strlen(r->reason_code));
	s[4] = utf8_sanitize(r->reference, strlen(r->reference));
	s[5] = utf8_sanitize(r->details, strlen(r->details));
	fprintf(f, "%8" PRId64 "  %s  %-12s  %-15s  %-14s  %-9s  %s\n", r->seq,
	    clock_format_local(r->time_ms, t, sizeof t), s[0],
	    r->is_view && r->end_seq >= 0 ? r->end_action : s[1], s[2], s[3],
	    s[4]);
	if (r->from_ms != 0 || r->to_ms != 0)
		fprintf(f, "          footage %s - %s\n",
		    clock_format_local(r->from_ms, a, sizeof a),
		    clock_format_local(r->to_ms, b, sizeof b));
	if (r->is_view) {
		iv = report_intervals(r);
		fprintf(f, "          %s; viewed %s s; shown %s\n",
		    r->end_seq < 0 ? "still open (no end recorded)" :
		    r->end_how[0] != '\0' ? r->end_how : r->end_action,
		    r->wall_ms >= 0 ? report_secs(r->wall_ms, n, sizeof n) : "?",
		    r->nshown > 0 ? iv : "nothing");
		free(iv);
	}
	if (r->export_seq >= 0)
		fprintf(f, "          export %" PRId64 "; %s\n", r->export_seq,
		    r->approved_seq >= 0 ? "approved" : "no approval recorded");
	if (strcmp(s[5], "{}") != 0 && !r->is_view)
		fprintf(f, "          %s\n", s[5]);
	for (k = 0; k < AUDIT_FLAG_COUNT; k++) {
		if ((why = audit_review_flag_explain(rp->o->review, r,
		    1u << k)) != NULL) {
			char *clean = utf8_sanitize(why, strlen(why));

			fprintf(f, "          ! %s: %s\n", audit_flag_name(1u << k),
			    clean);
			free(clean);
			free(why);
		}
	}
	for (k = 0; k < 6; k++)
		free(s[k]);
}

/* The summary as JSON. */
static json_t *
report_summary_json(const struct audit_review_summary *s)
{
	const struct audit_review_tally *v[3] = { s->by_user, s->by_camera,
	    s->by_reason };
	const size_t nv[3] = { s->n_user, s->n_camera, s->n_reason };
	const char *names[3] = { "per_user", "per_camera", "per_reason_code" };
	json_t *o, *a, *fl;
	size_t i, k;

	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "rows",
	    (json_int_t)s->rows, "views", (json_int_t)s->views, "views_open",
	    (json_int_t)s->views_open, "exports_started",
	    (json_int_t)s->exports_started, "exports_done",
	    (json_int_t)s->exports_done, "exports_failed",
	    (json_int_t)s->exports_failed, "exports_approved",
	    (json_int_t)s->exports_approved);
	for (k = 0; k < 3; k++) {
		a = json_array();
		for (i = 0; i < nv[k]; i++)
			json_array_append_new(a, json_pack("{s:o,s:I,s:I,s:I,s:I}",
			    "key", report_jstr(v[k][i].key), "views",
			    (json_int_t)v[k][i].views, "viewed_ms",
			    (json_int_t)v[k][i].viewed_ms, "exports",
			    (json_int_t)v[k][i].exports, "flagged",
			    (json_int_t)v[k][i].flagged));
		json_object_set_new(o, names[k], a);
	}
	fl = json_object();
	for (k = 0; k < AUDIT_FLAG_COUNT; k++)
		json_object_set_new(fl, audit_flag_name(1u << k),
		    json_integer(s->flags[k]));
	json_object_set_new(o, "flags", fl);
	return o;
}

static int
report_summary_csv(struct report *rp, char **cause)
{
	const struct audit_review_summary *s = &rp->sum;
	const struct audit_review_tally *v[3] = { s->by_user, s->by_camera,
	    s->by_reason };
	const size_t nv[3] = { s->n_user, s->n_camera, s->n_reason };
	const char *groups[3] = { "user", "camera", "reason_code" };
	char n[32];
	FILE *f;
	size_t i, k;

	if ((f = report_create(rp, "summary.csv", cause)) == NULL)
		return -1;
	fputs("\xef\xbb\xbfgroup,key,views,viewed_seconds,exports,flagged\r\n", f);
	fprintf(f, "total,rows,%" PRId64 ",,,\r\n", s->rows);
	fprintf(f, "total,views,%" PRId64 ",,,\r\n", s->views);
	fprintf(f, "total,views still open,%" PRId64 ",,,\r\n", s->views_open);
	fprintf(f, "total,exports started,,,%" PRId64 ",\r\n", s->exports_started);
	fprintf(f, "total,exports done,,,%" PRId64 ",\r\n", s->exports_done);
	fprintf(f, "total,exports failed,,,%" PRId64 ",\r\n", s->exports_failed);
	fprintf(f, "total,exports approved,,,%" PRId64 ",\r\n",
	    s->exports_approved);
	for (k = 0; k < AUDIT_FLAG_COUNT; k++)
		fprintf(f, "flag,%s,,,,%" PRId64 "\r\n", audit_flag_name(1u << k),
		    s->flags[k]);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < nv[k]; i++) {
			fprintf(f, "%s,", groups[k]);
			report_csv_field(f, v[k][i].key, 0);
			fprintf(f, "%" PRId64 ",%s,%" PRId64 ",%" PRId64 "\r\n",
			    v[k][i].views, report_secs(v[k][i].viewed_ms, n,
			    sizeof n), v[k][i].exports, v[k][i].flagged);
		}
	}
	return report_close(f, "summary.csv", cause);
}

static void
report_summary_txt(FILE *f, const struct audit_review_summary *s)
{
	const struct audit_review_tally *v[3] = { s->by_user, s->by_camera,
	    s->by_reason };
	const size_t nv[3] = { s->n_user, s->n_camera, s->n_reason };
	const char *names[3] = { "Per user", "Per camera", "Per reason code" };
	char n[32], *key;
	size_t i, k;

	fprintf(f, "\nSUMMARY\n\n  rows %" PRId64 "; views %" PRId64 " (%"
	    PRId64 " still open); exports started %" PRId64 ", done %" PRId64
	    ", failed %" PRId64 ", approvals %" PRId64 "\n", s->rows, s->views,
	    s->views_open, s->exports_started, s->exports_done,
	    s->exports_failed, s->exports_approved);
	fputs("  flags:", f);
	for (k = 0; k < AUDIT_FLAG_COUNT; k++)
		fprintf(f, " %s %" PRId64, audit_flag_name(1u << k), s->flags[k]);
	fputc('\n', f);
	for (k = 0; k < 3; k++) {
		fprintf(f, "\n  %s:\n", names[k]);
		for (i = 0; i < nv[k]; i++) {
			key = utf8_sanitize(v[k][i].key, strlen(v[k][i].key));
			fprintf(f, "    %-20s views %6" PRId64 "  viewed %10s s  "
			    "exports %4" PRId64 "  flagged %5" PRId64 "\n",
			    key[0] != '\0' ? key : "(none)", v[k][i].views,
			    report_secs(v[k][i].viewed_ms, n, sizeof n),
			    v[k][i].exports, v[k][i].flagged);
			free(key);
		}
	}
}

/* Writes the rows file (report.FORMAT) and, for csv, summary.csv. */
static int
report_rows(struct report *rp, char **cause)
{
	const struct report_opts *o = rp->o;
	struct audit_review_iter *it;
	struct audit_review_row r;
	char *name = xasprintf("report.%s", o->format), *fj, t[40];
	FILE *f;
	int rc, csv = strcmp(o->format, "csv") == 0;
	int json = strcmp(o->format, "json") == 0;

	if ((f = report_create(rp, name, cause)) == NULL) {
		free(name);
		return -1;
	}
	fj = audit_review_filter_json(o->filter);
	if (csv) {
		fputs("\xef\xbb\xbf", f);	/* UTF-8, for spreadsheets */
		fputs(report_csv_header, f);
	} else if (json) {
		fprintf(f, "{\"format\":\"vigil-audit-report-1\",\"created\":"
		    "\"%s\",\"filter\":%s,\"rows\":[", clock_format_local(
		    clock_now_ms(), t, sizeof t), fj);
	} else {
		char *by = utf8_sanitize(o->made_by, strlen(o->made_by));

		fprintf(f, "vigil audit report, made %s by %s\nFilter: %s\n\n",
		    clock_format_local(clock_now_ms(), t, sizeof t), by, fj);
		free(by);
	}
	free(fj);
	if ((it = audit_review_iter_new(o->review, o->filter, cause)) == NULL) {
		fclose(f);
		free(name);
		return -1;
	}
	while ((rc = audit_review_iter_next(it, &r, cause)) == 1) {
		if (csv)
			report_row_csv(rp, f, &r);
		else if (json)
			report_row_json(rp, f, &r);
		else
			report_row_txt(rp, f, &r);
		audit_review_summary_add(&rp->sum, &r);
		rp->rows++;
		if (o->progress != NULL && rp->rows % 4096 == 0)
			o->progress("rows", rp->rows, -1, o->arg);
	}
	audit_review_iter_free(it);
	if (rc < 0) {
		fclose(f);
		free(name);
		return -1;
	}
	if (json) {
		fputs("\n],\"summary\":", f);
		report_dump(f, report_summary_json(&rp->sum), "");
		fputs("}\n", f);
	} else if (!csv) {
		if (rp->rows == 0)
			fputs("(no entries match the filter)\n", f);
		report_summary_txt(f, &rp->sum);
	}
	rc = report_close(f, name, cause);
	free(name);
	if (rc == 0 && csv)
		rc = report_summary_csv(rp, cause);
	return rc;
}

/* verification.txt: "name value" lines, and the verdict for people. */
static int
report_verification(struct report *rp, struct report_verify *v,
    struct report_result *res, char **cause)
{
	const struct report_opts *o = rp->o;
	struct audit_review_integrity in;
	uint8_t log_id[AUDIT_LOGID_LEN], pk0[AUDIT_PK_LEN];
	char hex[2 * AUDIT_PK_LEN + 1], t[40], *path;
	FILE *f;

	if (audit_review_integrity(o->log, NULL, &in, cause) != 0)
		return -1;
	res->intact = v->r.fault == AUDIT_OK;
	res->bad_seq = res->intact ? -1 : v->r.seq;
	if (res->intact)
		snprintf(res->verdict, sizeof res->verdict, "%s: %" PRId64
		    " entries, %" PRId64 " checkpoints checked",
		    v->r.checkpoints == 0 ? "consistent, not anchored (no "
		    "checkpoint signature checked)" : o->pin_pk0 != NULL ?
		    "intact" : "intact (UNPINNED: against the log's own "
		    "identity)", v->r.entries, v->r.checkpoints);
	else
		snprintf(res->verdict, sizeof res->verdict, "BROKEN: %s at seq %"
		    PRId64 ": %s", audit_fault_name(v->r.fault), v->r.seq,
		    v->r.detail);
	if ((f = report_create(rp, "verification.txt", cause)) == NULL)
		return -1;
	audit_ids(o->log, log_id, pk0);
	fprintf(f, "# vigil audit report: verification of the log (vigil-audit(5), "
	    "\"VERIFICATION\")\n");
	fprintf(f, "log %s\n", o->db);
	sodium_bin2hex(hex, sizeof hex, log_id, sizeof log_id);
	fprintf(f, "log_id %s\n", hex);
	sodium_bin2hex(hex, sizeof hex, pk0, sizeof pk0);
	fprintf(f, "pk0 %s\n", hex);
	fprintf(f, "pinned %s\n", o->pin_pk0 != NULL ? "yes (vigil.conf)" :
	    "no");
	fprintf(f, "verified %s\n", clock_format_local(clock_now_ms(), t,
	    sizeof t));
	fprintf(f, "result %s\n", res->intact ? "intact" :
	    audit_fault_name(v->r.fault));
	if (res->intact)
		fputs("first_bad_seq -\n", f);
	else
		fprintf(f, "first_bad_seq %" PRId64 "\n", v->r.seq);
	fprintf(f, "detail %s\n", res->intact ? "-" : v->r.detail);
	fprintf(f, "entries %" PRId64 "\n", v->r.entries);
	fprintf(f, "checkpoints %" PRId64 "\n", v->r.checkpoints);
	fprintf(f, "macs %s\n", o->k0 != NULL ? "checked" :
	    "not checked (no k0 given)");
	if (in.has_checkpoint) {
		fprintf(f, "newest_checkpoint %" PRId64 "\n", in.latest.epoch);
		fprintf(f, "covered %" PRId64 "\n", in.latest.n);
	} else {
		fputs("newest_checkpoint -\ncovered 0\n", f);
	}
	fprintf(f, "uncovered %" PRId64 "\n", in.uncovered);
	if (o->against != NULL) {
		path = utf8_sanitize(o->against, strlen(o->against));
		fprintf(f, "held_checkpoint %s\n", path);
		fprintf(f, "held_epoch %" PRId64 "\n", v->held.epoch);
		fprintf(f, "held_n %" PRId64 "\n", v->held.n);
		free(path);
	} else {
		fputs("held_checkpoint -\n", f);
	}
	fprintf(f, "verdict %s\n", res->verdict);
	if (report_close(f, "verification.txt", cause) != 0)
		return -1;
	/* The checkpoint the report was made against. */
	if (in.has_checkpoint) {
		path = xasprintf("%s/checkpoint.txt", rp->partial);
		if (audit_checkpoint_export(&in.latest, path, cause) != 0) {
			free(path);
			return -1;
		}
		free(path);
		if (rp->nfiles < REPORT_MAX_FILES)
			rp->files[rp->nfiles++] = xstrdup("checkpoint.txt");
	}
	return 0;
}

static int
report_readme(struct report *rp, const char *keyid, char **cause)
{
	char *pub = sign_key_public(rp->o->key), fpr[SIGN_FPR_TEXT];
	FILE *f;

	if (sign_fingerprint(pub, fpr) != 0)
		fpr[0] = '\0';
	if ((f = report_create(rp, "README.txt", cause)) == NULL) {
		free(pub);
		return -1;
	}
	fprintf(f,
	    "This directory is a report on the audit log of a vigil CCTV review\n"
	    "terminal: who looked at which recording, when and why, made by the\n"
	    "data protection officer.\n\n"
	    "  report.%s        the entries matching the filter named in it,\n"
	    "                    newest first; a view is one row with what was\n"
	    "                    actually shown; flags with their reasons\n"
	    "%s"
	    "  verification.txt  the result of a full verification of the log\n"
	    "  checkpoint.txt    the log's newest signed checkpoint when the\n"
	    "                    report was made (vigil-audit(5) exported form)\n"
	    "  SHA256SUMS        the SHA-256 of every file above\n"
	    "  SHA256SUMS.minisig  a minisign signature over SHA256SUMS\n"
	    "  vigil-%s.pub   a copy of the public key that made it\n\n"
	    "It was signed with the site's key\n\n"
	    "    %s\n"
	    "    fingerprint %s\n\n"
	    "A key read from this directory proves nothing by itself (anyone can\n"
	    "make a key with the same key id). Compare the whole key with the one\n"
	    "the controller publishes and check with the PUBLISHED key:\n\n"
	    "    minisign -Vm SHA256SUMS -P <the published key> && sha256sum -c SHA256SUMS\n\n"
	    "Times are local time with their offset from UTC (ISO 8601). In\n"
	    "CSV files, text beginning with = + - @, a tab or a carriage return\n"
	    "is prefixed with an apostrophe so that spreadsheets do not run it.\n",
	    rp->o->format, strcmp(rp->o->format, "csv") == 0 ?
	    "  summary.csv       views per user, camera and reason code, exports,\n"
	    "                    flags\n" : "                    (the summary is "
	    "at its end)\n", keyid, pub, fpr);
	free(pub);
	return report_close(f, "README.txt", cause);
}

static int
report_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Makes a file of the partial folder readable by the account only. */
static int
report_private(struct report *rp, const char *name, char **cause)
{
	char *path = xasprintf("%s/%s", rp->partial, name);
	int rc = 0;

	if (chmod(path, 0600) == -1)
		rc = cause_set(cause, "cannot restrict %s: %s", path,
		    strerror(errno));
	free(path);
	return rc;
}

/* SHA256SUMS over every file, its signature and the public key; then
 * everything is read back from the medium and checked. */
static int
report_sign(struct report *rp, struct report_result *res, char **cause)
{
	const struct report_opts *o = rp->o;
	char keyid[SIGN_KEYID_HEX], hex[65], t[40], *path, *sig, *tc, *sums;
	char *hashes[REPORT_MAX_FILES] = { NULL };
	size_t i;
	FILE *f;
	int rc = -1;

	sign_key_id(o->key, keyid);
	qsort(rp->files, rp->nfiles, sizeof *rp->files, report_cmp);
	if ((f = report_create(rp, "SHA256SUMS", cause)) == NULL)
		return -1;
	rp->nfiles--;	/* not a file it lists */
	free(rp->files[rp->nfiles]);
	for (i = 0; i < rp->nfiles; i++) {
		path = xasprintf("%s/%s", rp->partial, rp->files[i]);
		if (sha256_file(path, hex, cause) != 0) {
			free(path);
			fclose(f);
			return -1;
		}
		free(path);
		hashes[i] = xstrdup(hex);
		fprintf(f, "%s  %s\n", hex, rp->files[i]);
	}
	if (report_close(f, "SHA256SUMS", cause) != 0)
		goto out;
	sums = xasprintf("%s/SHA256SUMS", rp->partial);
	if (sha256_file(sums, res->sums_hex, cause) != 0) {
		free(sums);
		goto out;
	}
	{
		char *dup = xstrdup(o->out), *base, *clean;

		base = basename(dup);
		clean = utf8_sanitize(base, strlen(base));
		tc = xasprintf("vigil-audit-report-1 name=%s created=%s rows=%"
		    PRId64 " verification=%s", clean, clock_format_utc(
		    clock_now_ms(), t, sizeof t), res->rows, res->intact ?
		    "intact" : "broken");
		free(clean);
		free(dup);
	}
	sig = xasprintf("%s/SHA256SUMS.minisig", rp->partial);
	rc = sign_file(o->key, sums, sig, tc, cause);
	free(tc);
	free(sig);
	if (rc == 0) {
		path = xasprintf("%s/vigil-%s.pub", rp->partial, keyid);
		rc = sign_pubkey_write(o->key, path, cause);
		free(path);
	}
	/* The files other modules wrote with their own mode (the signature,
	 * the public key, checkpoint.txt) are the account's alone too. */
	if (rc == 0)
		rc = report_private(rp, "SHA256SUMS.minisig", cause);
	if (rc == 0) {
		path = xasprintf("vigil-%s.pub", keyid);
		rc = report_private(rp, path, cause);
		free(path);
	}
	for (i = 0; rc == 0 && i < rp->nfiles; i++)
		rc = report_private(rp, rp->files[i], cause);
	/* Read back what was written. */
	for (i = 0; rc == 0 && i < rp->nfiles; i++) {
		path = xasprintf("%s/%s", rp->partial, rp->files[i]);
		if (sha256_file(path, hex, cause) != 0)
			rc = -1;
		else if (strcmp(hex, hashes[i]) != 0)
			rc = cause_set(cause, "%s reads back differently from "
			    "what was written (the medium is failing?)", path);
		free(path);
	}
	if (rc == 0 && (sha256_file(sums, hex, cause) != 0 ||
	    strcmp(hex, res->sums_hex) != 0))
		rc = cause_set(cause, "%s reads back differently", sums);
	free(sums);
	if (rc == 0)
		rc = file_sync_dir(rp->partial, cause);
out:
	for (i = 0; i < rp->nfiles && hashes[i] != NULL; i++)
		free(hashes[i]);
	return rc;
}

/* Removes the partial folder and what is in it. */
static void
report_remove(struct report *rp)
{
	char keyid[SIGN_KEYID_HEX], *p;
	const char *extra[] = { "SHA256SUMS", "SHA256SUMS.minisig",
	    "README.txt", "report.csv", "report.json", "report.txt",
	    "summary.csv", "verification.txt", "checkpoint.txt" };
	size_t i;

	if (rp->partial == NULL)
		return;
	for (i = 0; i < sizeof extra / sizeof *extra; i++) {
		p = xasprintf("%s/%s", rp->partial, extra[i]);
		(void)unlink(p);
		free(p);
	}
	sign_key_id(rp->o->key, keyid);
	p = xasprintf("%s/vigil-%s.pub", rp->partial, keyid);
	(void)unlink(p);
	free(p);
	(void)rmdir(rp->partial);
}

int
report_write(const struct report_opts *o, struct report_result *res,
    char **cause)
{
	struct report rp;
	struct report_verify v;
	struct stat sb;
	char *dup, *parent, rnd[9], keyid[SIGN_KEYID_HEX];
	uint8_t rb[4];
	size_t i;
	int rc = -1, started = 0;

	memset(res, 0, sizeof *res);
	memset(&rp, 0, sizeof rp);
	memset(&v, 0, sizeof v);
	rp.o = o;
	if (strcmp(o->format, "csv") != 0 && strcmp(o->format, "json") != 0 &&
	    strcmp(o->format, "txt") != 0)
		return cause_set(cause, "the report format is csv, json or txt, "
		    "not '%s'", o->format);
	if (lstat(o->out, &sb) == 0)
		return cause_set(cause, "%s already exists; a report is written "
		    "to a new directory", o->out);
	dup = xstrdup(o->out);
	parent = xstrdup(dirname(dup));
	free(dup);
	if (stat(parent, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		cause_set(cause, "cannot write a report in %s: %s", parent,
		    errno != 0 ? strerror(errno) : "not a directory");
		free(parent);
		return -1;
	}
	if (o->against != NULL && audit_checkpoint_import(o->against, &v.held,
	    cause) != 0) {
		free(parent);
		return -1;
	}
	randombytes_buf(rb, sizeof rb);
	sodium_bin2hex(rnd, sizeof rnd, rb, sizeof rb);
	rp.partial = xasprintf("%s/.vigil-partial-report-%s", parent, rnd);
	/* 0700 from the start: nobody else can reach the files, not even
	 * those written by other modules with their own mode (the key,
	 * the signature, the checkpoint), which are made 0600 before the
	 * rename. */
	if (mkdir(rp.partial, 0700) == -1) {
		cause_set(cause, "cannot create %s: %s", rp.partial,
		    strerror(errno));
		free(rp.partial);
		free(parent);
		return -1;
	}

	/* The verification runs while the rows are written. */
	v.db = o->db;
	v.opts.k0 = o->k0;
	v.opts.log_id = o->pin_log_id;
	v.opts.pk0 = o->pin_pk0;
	v.opts.against = o->against != NULL ? &v.held : NULL;
	v.opts.progress = report_verify_progress;
	v.opts.arg = &v;
	if (pthread_create(&v.thread, NULL, report_verify_run, &v) != 0) {
		cause_set(cause, "cannot start the verification: %s",
		    strerror(errno));
		goto fail;
	}
	started = 1;
	if (report_rows(&rp, cause) != 0)
		goto fail;
	res->rows = rp.rows;
	while (!atomic_load(&v.done)) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (o->progress != NULL)
			o->progress("verify", atomic_load(&v.at),
			    atomic_load(&v.total), o->arg);
		nanosleep(&ts, NULL);
	}
	pthread_join(v.thread, NULL);
	started = 0;
	if (v.rc != 0) {
		cause_set(cause, "cannot verify the log: %s", v.cause != NULL ?
		    v.cause : "failed");
		goto fail;
	}
	sign_key_id(o->key, keyid);
	if (report_verification(&rp, &v, res, cause) != 0 ||
	    report_readme(&rp, keyid, cause) != 0)
		goto fail;
	if (report_sign(&rp, res, cause) != 0)
		goto fail;
	if (rename(rp.partial, o->out) == -1) {
		cause_set(cause, "cannot move the report to %s: %s", o->out,
		    strerror(errno));
		goto fail;
	}
	free(rp.partial);
	rp.partial = NULL;
	if (file_sync_dir(parent, cause) != 0)
		goto fail;
	rc = 0;
fail:
	if (started) {
		pthread_join(v.thread, NULL);
	}
	free(v.cause);
	if (rc != 0)
		report_remove(&rp);
	for (i = 0; i < rp.nfiles; i++)
		free(rp.files[i]);
	free(rp.partial);
	free(parent);
	audit_review_summary_free(&rp.sum);
	return rc;
}
