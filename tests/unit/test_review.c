/* test_review — the review queries on a generated log with known content:
 * every filter and flag returns exactly the expected rows, view sessions
 * are grouped right when several users' views interleave, paging both
 * ways, who-saw, the detail of an entry, the integrity panel, the records
 * of reviews, and the indexes added when an older log is opened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "util/util.h"

#define MIN	60000LL
#define HOUR	3600000LL
/* 2026-11-02T00:00:00Z; the tests run with TZ=UTC. */
#define DAY	1793577600000LL
#define T(h, m)	(DAY + (h) * HOUR + (m) * MIN)
#define F0	(DAY - 24 * HOUR)	/* footage of the day before */

struct fx {
	char		 dir[64];
	char		 db[128];
	char		 state[128];
	struct audit_log *log;
	struct audit_review *rv;
};

static const struct audit_review_code codes[] = {
	{ "INCIDENT", "INC-[0-9]+", 0, 0 },
	{ "POLICE", NULL, 0, 1 },
	{ "SYSCHECK", NULL, 120, 0 },
};

static const struct audit_review_limits limits = {
	7 * 60, 18 * 60, 20, 3, 2, codes, 3
};

/* Runs SQL on the log file through a connection of its own. */
static void
db_exec(const char *db, const char *sql)
{
	sqlite3 *h;

	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	sqlite3_close(h);
}

static void
add(struct audit_log *log, int64_t want, int64_t t, const char *actor,
    const char *action, const char *camera, int64_t from, int64_t to,
    const char *code, const char *ref, const char *details)
{
	struct audit_entry e;
	char *cause = NULL;
	int64_t seq;

	memset(&e, 0, sizeof e);
	e.time_ms = t;
	e.actor = actor;
	e.action = action;
	e.camera = camera;
	e.from_ms = from;
	e.to_ms = to;
	e.reason_code = code;
	e.reference = ref;
	e.details = details;
	e.terminal = "tty1";
	seq = audit_append(log, &e, &cause);
	if (seq != want)
		fail_msg("append %s: got seq %lld: %s", action, (long long)seq,
		    cause != NULL ? cause : "");
}

/* The log every test reads (see the expectations in each test). */
static void
generate(struct audit_log *log)
{
	char d[256];

	add(log, 0, T(8, 0), "alice", "login", "", 0, 0, "", "", NULL);
	/* Two users' views interleaved: 1 ends after 2. */
	add(log, 1, T(8, 1), "alice", "view-start", "gate", F0, F0 + 10 * MIN,
	    "INCIDENT", "INC-1", "{\"cap_ms\":0}");
	add(log, 2, T(8, 2), "bob", "view-start", "lobby", F0, F0 + 10 * MIN,
	    "POLICE", "P/1", NULL);
	snprintf(d, sizeof d, "{\"shown\":[[%lld,%lld]],\"shown_ms\":180000,"
	    "\"played_ms\":180000,\"wall_ms\":180000,\"view\":2,\"end\":"
	    "\"stopped\"}", F0, F0 + 3 * MIN);
	add(log, 3, T(8, 5), "bob", "view-end", "lobby", F0, F0 + 10 * MIN,
	    "POLICE", "P/1", d);
	snprintf(d, sizeof d, "{\"shown\":[[%lld,%lld],[%lld,%lld]],"
	    "\"shown_ms\":90000,\"played_ms\":90000,\"wall_ms\":1800000,"
	    "\"view\":1,\"end\":\"stopped\"}", F0, F0 + MIN, F0 + 8 * MIN,
	    F0 + 8 * MIN + 30000);
	add(log, 4, T(8, 31), "alice", "view-end", "gate", F0, F0 + 10 * MIN,
	    "INCIDENT", "INC-1", d);
	/* Outside working hours, aborted, over the SYSCHECK cap. */
	add(log, 5, T(20, 0), "carol", "view-start", "yard", F0, F0 + 10 * MIN,
	    "SYSCHECK", "", "{\"cap_ms\":120000}");
	add(log, 6, T(20, 10), "carol", "view-aborted", "yard", F0,
	    F0 + 10 * MIN, "SYSCHECK", "", "{\"shown\":[[0,200000]],"
	    "\"played_ms\":200000,\"wall_ms\":200000,\"view\":5,"
	    "\"recovered\":\"checkpoint\"}");
	/* A reference against the pattern; never ended. */
	add(log, 7, T(9, 0), "alice", "view-start", "gate", F0 + HOUR,
	    F0 + 2 * HOUR, "INCIDENT", "bad-ref", NULL);
	/* INC-7 on three cameras. */
	add(log, 8, T(9, 5), "alice", "view-start", "lobby", F0, F0 + MIN,
	    "INCIDENT", "INC-7", NULL);
	add(log, 9, T(9, 6), "alice", "view-end", "lobby", F0, F0 + MIN,
	    "INCIDENT", "INC-7", "{\"shown\":[],\"shown_ms\":0,\"view\":8,"
	    "\"end\":\"stopped\"}");
	add(log, 10, T(9, 10), "alice", "view-start", "yard", F0, F0 + MIN,
	    "INCIDENT", "INC-7", NULL);
	add(log, 11, T(9, 11), "alice", "view-end", "yard", F0, F0 + MIN,
	    "INCIDENT", "INC-7", "{\"shown\":[],\"shown_ms\":0,\"view\":10,"
	    "\"end\":\"stopped\"}");
	add(log, 12, T(9, 20), "bob", "view-start", "gate", F0 + 4 * MIN,
	    F0 + 5 * MIN, "INCIDENT", "INC-7", NULL);
	add(log, 13, T(9, 21), "bob", "view-end", "gate", F0 + 4 * MIN,
	    F0 + 5 * MIN, "INCIDENT", "INC-7", "{\"shown\":[],\"view\":12,"
	    "\"end\":\"lock\"}");
	/* An approved export of two cameras, and one without approval. */
	add(log, 14, T(10, 0), "carol", "export-approved", "gate,lobby", F0,
	    F0 + HOUR, "POLICE", "P/2", "{\"export\":15,\"approver\":\"carol\","
	    "\"exporter\":\"bob\"}");
	add(log, 15, T(10, 1), "bob", "export-start", "gate,lobby", F0,
	    F0 + HOUR, "POLICE", "P/2", "{\"cameras\":[\"gate\",\"lobby\"]}");
	add(log, 16, T(10, 5), "bob", "export-done", "gate,lobby", F0,
	    F0 + HOUR, "POLICE", "P/2", "{\"export\":15}");
	add(log, 17, T(10, 10), "bob", "export-start", "yard", F0, F0 + HOUR,
	    "INCIDENT", "INC-9", NULL);
	add(log, 18, T(10, 12), "bob", "export-done", "yard", F0, F0 + HOUR,
	    "INCIDENT", "INC-9", "{\"export\":17}");
	add(log, 19, T(11, 0), "alice", "note", "", 0, 0, "", "",
	    "{\"text\":\"hello, \\\"world\\\"\\n=1+2\"}");
	add(log, 20, T(12, 0), "alice", "logout", "", 0, 0, "", "", NULL);
	/* Hostile text: what someone typed as a user name, for spreadsheets
	 * a formula. */
	add(log, 21, T(7, 30), "=2+5", "login-failed", "", 0, 0, "", "",
	    "{\"why\":\"unknown user\"}");
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct audit_keys k;
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/vigil-review.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/audit.db", f->dir);
	snprintf(f->state, sizeof f->state, "%s/audit.state", f->dir);
	if (audit_create(f->db, f->state, &k, &cause) != 0)
		fail_msg("create: %s", cause);
	if ((f->log = audit_open(f->db, f->state, 0, &cause)) == NULL)
		fail_msg("open: %s", cause);
	audit_set_checkpoint_every(f->log, 8);
	generate(f->log);
	if ((f->rv = audit_review_new(f->log, &limits, &cause)) == NULL)
		fail_msg("review: %s", cause);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	audit_review_free(f->rv);
	audit_close(f->log);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The seqs of every row f gives, newest first, as "1 2 3". */
static char *
seqs(struct fx *fx, const struct audit_review_filter *f)
{
	struct audit_review_iter *it;
	struct audit_review_row r;
	char *cause = NULL, buf[512] = "";
	int rc;

	if ((it = audit_review_iter_new(fx->rv, f, &cause)) == NULL)
		fail_msg("iter: %s", cause);
	while ((rc = audit_review_iter_next(it, &r, &cause)) == 1)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%lld",
		    buf[0] != '\0' ? " " : "", (long long)r.seq);
	if (rc < 0)
		fail_msg("next: %s", cause);
	audit_review_iter_free(it);
	return xstrdup(buf);
}

static void
expect_rows(struct fx *fx, const struct audit_review_filter *f, const char *want)
{
	char *got = seqs(fx, f), *cause = NULL;
	int64_t n = 0, words = 0;
	const char *p;

	assert_string_equal(got, want);
	free(got);
	for (p = want; *p != '\0'; p++) {
		if (p == want || p[-1] == ' ')
			words++;
	}
	if (audit_review_count(fx->rv, f, 0, &n, &cause) != 0)
		fail_msg("count: %s", cause);
	assert_int_equal(n, words);
}

static void
test_all_rows(void **state)
{
	struct audit_review_filter f;

	memset(&f, 0, sizeof f);
	/* The ends of views are folded into their view-start. */
	expect_rows(*state, &f, "5 20 19 18 17 16 15 14 12 10 8 7 2 1 0 21");
}

static void
test_filters(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;

	memset(&f, 0, sizeof f);
	f.actor = "alice";
	expect_rows(fx, &f, "20 19 10 8 7 1 0");
	memset(&f, 0, sizeof f);
	f.camera = "gate";		/* with the export of gate and lobby */
	expect_rows(fx, &f, "16 15 14 12 7 1");
	memset(&f, 0, sizeof f);
	f.camera = "lobby";
	f.actor = "bob";
	expect_rows(fx, &f, "16 15 2");
	memset(&f, 0, sizeof f);
	f.action = "view-end";		/* views that ended normally */
	expect_rows(fx, &f, "12 10 8 2 1");
	f.action = "view-aborted";
	expect_rows(fx, &f, "5");
	f.action = "view-start";
	expect_rows(fx, &f, "5 12 10 8 7 2 1");
	f.action = "note";
	expect_rows(fx, &f, "19");
	f.action = "export-done";
	expect_rows(fx, &f, "18 16");
	memset(&f, 0, sizeof f);
	f.reason_code = "INCIDENT";
	expect_rows(fx, &f, "18 17 12 10 8 7 1");
	memset(&f, 0, sizeof f);
	f.reference = "INC-";
	expect_rows(fx, &f, "18 17 12 10 8 1");
	f.reference = "NC-7";
	expect_rows(fx, &f, "12 10 8");
	memset(&f, 0, sizeof f);
	f.views_only = 1;
	expect_rows(fx, &f, "5 12 10 8 7 2 1");
	memset(&f, 0, sizeof f);
	f.from_ms = T(9, 0);
	f.to_ms = T(10, 0);
	expect_rows(fx, &f, "12 10 8 7");
	f.actor = "alice";
	f.views_only = 1;
	f.reference = "INC";
	expect_rows(fx, &f, "10 8");
	memset(&f, 0, sizeof f);
	f.actor = "nobody";
	expect_rows(fx, &f, "");
}

static void
test_flags(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;

	memset(&f, 0, sizeof f);
	f.flags = AUDIT_FLAG_HOURS;
	expect_rows(fx, &f, "5");
	f.flags = AUDIT_FLAG_LONG;
	expect_rows(fx, &f, "1");
	f.flags = AUDIT_FLAG_PATTERN;
	expect_rows(fx, &f, "7");
	f.flags = AUDIT_FLAG_REUSED;
	expect_rows(fx, &f, "12 10 8");
	f.flags = AUDIT_FLAG_MANY;
	expect_rows(fx, &f, "10 8 7 1");
	f.flags = AUDIT_FLAG_CAP;
	expect_rows(fx, &f, "5");
	f.flags = AUDIT_FLAG_UNAPPROVED;
	expect_rows(fx, &f, "18");
	f.flags = AUDIT_FLAG_ABORTED;
	expect_rows(fx, &f, "5");
	f.flags = AUDIT_FLAG_LONG | AUDIT_FLAG_UNAPPROVED;
	expect_rows(fx, &f, "18 1");
	f.flags = AUDIT_FLAG_ALL;
	expect_rows(fx, &f, "5 18 12 10 8 7 1");
	f.actor = "bob";
	expect_rows(fx, &f, "18 12");
	/* A code no longer configured keeps the cap its view-start
	 * recorded. */
	{
		struct audit_review_limits l = limits;
		struct audit_review *saved = fx->rv;
		char *cause = NULL;

		l.ncodes = 2;	/* no SYSCHECK */
		fx->rv = audit_review_new(fx->log, &l, &cause);
		assert_non_null(fx->rv);
		memset(&f, 0, sizeof f);
		f.flags = AUDIT_FLAG_CAP;
		expect_rows(fx, &f, "5");
		audit_review_free(fx->rv);
		/* Every code named, none with a cap: no row can have one. */
		{
			struct audit_review_code nocap[] = { codes[0], codes[1],
			    codes[2] };

			nocap[2].cap_seconds = 0;
			l.codes = nocap;
			l.ncodes = 3;
			fx->rv = audit_review_new(fx->log, &l, &cause);
			assert_non_null(fx->rv);
			expect_rows(fx, &f, "");
			audit_review_free(fx->rv);
		}
		/* Without the index entry_reason the codes in the log are not
		 * listed: the same rows, found another way. */
		db_exec(fx->db, "DROP INDEX entry_reason");
		l.codes = codes;
		l.ncodes = 2;
		fx->rv = audit_review_new(fx->log, &l, &cause);
		assert_non_null(fx->rv);
		expect_rows(fx, &f, "5");
		audit_review_free(fx->rv);
		fx->rv = saved;
	}
	assert_int_equal(audit_flag_parse("reused"), AUDIT_FLAG_REUSED);
	assert_int_equal(audit_flag_parse("nonsense"), 0);
	assert_string_equal(audit_flag_name(AUDIT_FLAG_CAP), "cap");
	assert_null(audit_flag_name(3));
}

/* Finds the row of seq in a page; fails when absent. */
static const struct audit_review_row *
row_of(const struct audit_review_page *p, int64_t seq)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->rows[i].seq == seq)
			return &p->rows[i];
	}
	fail_msg("row %lld not on the page", (long long)seq);
	return NULL;
}

static void
test_sessions(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_review_page *p;
	const struct audit_review_row *r;
	char *cause = NULL, *why;

	memset(&f, 0, sizeof f);
	f.views_only = 1;
	if (audit_review_page(fx->rv, &f, NULL, 0, 50, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 7);
	r = row_of(p, 1);
	assert_int_equal(r->end_seq, 4);
	assert_string_equal(r->end_action, "view-end");
	assert_string_equal(r->end_how, "stopped");
	assert_int_equal(r->nshown, 2);
	assert_int_equal(r->shown[1][0], F0 + 8 * MIN);
	assert_int_equal(r->shown[1][1], F0 + 8 * MIN + 30000);
	assert_int_equal(r->wall_ms, 1800000);
	assert_int_equal(r->end_time_ms, T(8, 31));
	assert_int_equal(r->flags, AUDIT_FLAG_LONG | AUDIT_FLAG_MANY);
	why = audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_LONG);
	assert_non_null(strstr(why, "30 min 00 s"));
	assert_non_null(strstr(why, "20 minutes ([review] max_view_minutes)"));
	free(why);
	why = audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_MANY);
	assert_non_null(strstr(why, "alice began 4 views on 2026-11-02, more "
	    "than 3"));
	free(why);
	assert_null(audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_HOURS));
	r = row_of(p, 2);
	assert_int_equal(r->end_seq, 3);
	assert_string_equal(r->actor, "bob");
	assert_int_equal(r->nshown, 1);
	assert_int_equal(r->wall_ms, 180000);
	assert_int_equal(r->flags, 0);
	r = row_of(p, 5);
	assert_int_equal(r->end_seq, 6);
	assert_string_equal(r->end_action, "view-aborted");
	assert_int_equal(r->played_ms, 200000);
	assert_int_equal(r->flags, AUDIT_FLAG_HOURS | AUDIT_FLAG_CAP |
	    AUDIT_FLAG_ABORTED);
	why = audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_HOURS);
	assert_non_null(strstr(why, "20:00"));
	assert_non_null(strstr(why, "07:00-18:00"));
	free(why);
	why = audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_CAP);
	assert_non_null(strstr(why, "200 s"));
	assert_non_null(strstr(why, "cap is 120 s"));
	free(why);
	r = row_of(p, 7);
	assert_int_equal(r->end_seq, -1);
	assert_string_equal(r->end_action, "");
	assert_int_equal(r->wall_ms, -1);
	why = audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_PATTERN);
	assert_non_null(strstr(why, "'bad-ref'"));
	assert_non_null(strstr(why, "INC-[0-9]+"));
	free(why);
	r = row_of(p, 12);
	assert_string_equal(r->end_how, "lock");
	why = audit_review_flag_explain(fx->rv, r, AUDIT_FLAG_REUSED);
	assert_non_null(strstr(why, "3 different cameras, more than 2"));
	free(why);
	audit_review_page_free(p);

	/* Exports: approval and outcome. */
	memset(&f, 0, sizeof f);
	f.action = "export-done";
	if (audit_review_page(fx->rv, &f, NULL, 0, 10, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->rows[1].export_seq, 15);
	assert_int_equal(p->rows[1].approved_seq, 14);
	assert_string_equal(p->rows[1].approver, "carol");
	assert_int_equal(p->rows[0].export_seq, 17);
	assert_int_equal(p->rows[0].approved_seq, -1);
	why = audit_review_flag_explain(fx->rv, &p->rows[0],
	    AUDIT_FLAG_UNAPPROVED);
	assert_non_null(strstr(why, "export 17"));
	free(why);
	audit_review_page_free(p);
}

static void
test_paging(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_review_page *p, *q;
	struct audit_review_pos at;
	char *cause = NULL;

	memset(&f, 0, sizeof f);
	/* 5 20 19 18 | 17 16 15 14 | 12 10 8 7 | 2 1 0 21 */
	if (audit_review_page(fx->rv, &f, NULL, 0, 4, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 4);
	assert_int_equal(p->rows[0].seq, 5);
	assert_int_equal(p->rows[3].seq, 18);
	assert_true(p->more_older);
	assert_false(p->more_newer);
	at.time_ms = p->rows[3].time_ms;
	at.seq = p->rows[3].seq;
	audit_review_page_free(p);
	if (audit_review_page(fx->rv, &f, &at, 0, 4, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 4);
	assert_int_equal(p->rows[0].seq, 17);
	assert_int_equal(p->rows[3].seq, 14);
	assert_true(p->more_older);
	assert_true(p->more_newer);
	at.time_ms = p->rows[3].time_ms;
	at.seq = p->rows[3].seq;
	audit_review_page_free(p);
	if (audit_review_page(fx->rv, &f, &at, 0, 4, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	at.time_ms = p->rows[3].time_ms;
	at.seq = p->rows[3].seq;
	assert_int_equal(p->rows[3].seq, 7);
	audit_review_page_free(p);
	if (audit_review_page(fx->rv, &f, &at, 0, 4, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 4);
	assert_int_equal(p->rows[0].seq, 2);
	assert_int_equal(p->rows[3].seq, 21);
	assert_false(p->more_older);
	assert_true(p->more_newer);
	/* Back up from the first row of the last page. */
	at.time_ms = p->rows[0].time_ms;
	at.seq = p->rows[0].seq;
	audit_review_page_free(p);
	if (audit_review_page(fx->rv, &f, &at, 1, 4, &q, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(q->n, 4);
	assert_int_equal(q->rows[0].seq, 12);
	assert_int_equal(q->rows[3].seq, 7);
	assert_true(q->more_newer);
	assert_true(q->more_older);
	audit_review_page_free(q);
	assert_int_equal(audit_review_page(fx->rv, &f, NULL, 0, 0, &q, &cause),
	    -1);
	assert_non_null(strstr(cause, "1 to 1000"));
	free(cause);
}

static void
test_who_saw(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_review_page *p;
	char *cause = NULL;

	memset(&f, 0, sizeof f);
	f.who_saw = 1;
	f.camera = "gate";
	f.footage_from = F0 + 5 * MIN;
	f.footage_to = F0 + 6 * MIN;
	/* 12 ends exactly where the window begins; 7 is an hour later. */
	expect_rows(fx, &f, "15 1");
	if (audit_review_page(fx->rv, &f, NULL, 0, 10, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->rows[1].shown_overlap, 0);	/* shown 0-1, 8-8.5 min */
	assert_int_equal(p->rows[0].shown_overlap, -1);	/* an export */
	audit_review_page_free(p);
	f.footage_from = F0 + 8 * MIN;
	f.footage_to = F0 + 9 * MIN;
	if (audit_review_page(fx->rv, &f, NULL, 0, 10, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->rows[1].seq, 1);
	assert_int_equal(p->rows[1].shown_overlap, 1);
	audit_review_page_free(p);
	f.footage_from = F0 + 4 * MIN + 59000;
	f.footage_to = F0 + 4 * MIN + 59001;
	expect_rows(fx, &f, "15 12 1");
	f.camera = "yard";
	expect_rows(fx, &f, "5 17");
	f.views_only = 1;
	expect_rows(fx, &f, "5");
}

static void
test_entry_and_integrity(void **state)
{
	struct fx *fx = *state;
	struct audit_review_entry e;
	struct audit_review_integrity in;
	struct audit_ckpt_info ck;
	char path[160], *cause = NULL;
	int i, zero = 1;

	if (audit_review_entry_get(fx->rv, 4, &e, &cause) != 0)
		fail_msg("entry: %s", cause);
	assert_string_equal(e.row.action, "view-end");
	assert_non_null(strstr(e.row.details, "\"view\":1"));
	assert_int_equal(e.count, 22);
	assert_int_equal(e.covered_epoch, 0);	/* every 8 entries */
	for (i = 0; i < 32; i++)
		zero &= e.chain[i] == 0;
	assert_false(zero);
	audit_review_entry_free(&e);
	if (audit_review_entry_get(fx->rv, 20, &e, &cause) != 0)
		fail_msg("entry: %s", cause);
	assert_int_equal(e.covered_epoch, -1);	/* 16 covered, 6 not */
	audit_review_entry_free(&e);
	assert_int_equal(audit_review_entry_get(fx->rv, 99, &e, &cause), 1);

	if (audit_review_integrity(fx->log, NULL, &in, &cause) != 0)
		fail_msg("integrity: %s", cause);
	assert_int_equal(in.entries, 22);
	assert_true(in.has_checkpoint);
	assert_int_equal(in.latest.n, 16);
	assert_int_equal(in.uncovered, 6);
	assert_int_equal(in.held, 0);

	if (audit_checkpoint_latest(fx->log, &ck, &cause) != 0)
		fail_msg("latest: %s", cause);
	snprintf(path, sizeof path, "%s/held.ckpt", fx->dir);
	if (audit_checkpoint_export(&ck, path, &cause) != 0)
		fail_msg("export: %s", cause);
	if (audit_review_integrity(fx->log, path, &in, &cause) != 0)
		fail_msg("integrity: %s", cause);
	assert_int_equal(in.held, 1);
	assert_non_null(strstr(in.held_detail, "matches"));
	snprintf(path, sizeof path, "%s/missing.ckpt", fx->dir);
	assert_int_equal(audit_review_integrity(fx->log, path, &in, &cause), -1);
	free(cause);
}

static void
test_records(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_row row;
	char *storage, *cause = NULL, *js;
	int64_t seq;

	memset(&f, 0, sizeof f);
	f.actor = "bob";
	f.flags = AUDIT_FLAG_LONG | AUDIT_FLAG_CAP;
	f.views_only = 1;
	js = audit_review_filter_json(&f);
	assert_string_equal(js, "{\"flags\":[\"long\",\"cap\"],\"user\":\"bob\","
	    "\"views_only\":true}");
	free(js);
	seq = audit_review_log_review(fx->log, "dpo", "tty9", "enter", &f, &cause);
	assert_int_equal(seq, 22);
	assert_int_equal(audit_entry_get(fx->log, seq, &row, &storage, &cause), 0);
	assert_string_equal(row.action, "audit-review");
	assert_string_equal(row.actor, "dpo");
	assert_string_equal(row.details, "{\"filter\":{\"flags\":[\"long\","
	    "\"cap\"],\"user\":\"bob\",\"views_only\":true},\"what\":\"enter\"}");
	free(storage);
	seq = audit_review_log_report(fx->log, "dpo", "tty9", &f, "csv",
	    "/media/r1", "ab12", 7, &cause);
	assert_int_equal(seq, 23);
	assert_int_equal(audit_entry_get(fx->log, seq, &row, &storage, &cause), 0);
	assert_string_equal(row.action, "audit-report");
	assert_non_null(strstr(row.details, "\"path\":\"/media/r1\""));
	assert_non_null(strstr(row.details, "\"rows\":7"));
	assert_non_null(strstr(row.details, "\"sha256sums\":\"ab12\""));
	free(storage);
	/* The reviewer's records are rows like any other. */
	memset(&f, 0, sizeof f);
	f.actor = "dpo";
	expect_rows(fx, &f, "23 22");
}

static void
test_summary(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_review_summary s;
	struct audit_review_iter *it;
	struct audit_review_row r;
	char *cause = NULL;

	memset(&f, 0, sizeof f);
	memset(&s, 0, sizeof s);
	if ((it = audit_review_iter_new(fx->rv, &f, &cause)) == NULL)
		fail_msg("iter: %s", cause);
	while (audit_review_iter_next(it, &r, &cause) == 1)
		audit_review_summary_add(&s, &r);
	audit_review_iter_free(it);
	assert_int_equal(s.rows, 16);
	assert_int_equal(s.views, 7);
	assert_int_equal(s.views_open, 1);
	assert_int_equal(s.exports_started, 2);
	assert_int_equal(s.exports_done, 2);
	assert_int_equal(s.exports_approved, 1);
	assert_int_equal(s.flags[4], 4);	/* many */
	assert_int_equal(s.n_user, 3);
	assert_string_equal(s.by_user[0].key, "alice");
	assert_int_equal(s.by_user[0].views, 4);
	assert_int_equal(s.by_user[0].viewed_ms, 1800000);
	assert_string_equal(s.by_user[1].key, "bob");
	assert_int_equal(s.by_user[1].views, 2);
	assert_int_equal(s.by_user[1].exports, 2);
	assert_string_equal(s.by_reason[0].key, "INCIDENT");
	assert_int_equal(s.by_reason[0].views, 5);
	assert_int_equal(s.by_reason[0].exports, 1);
	audit_review_summary_free(&s);
}

static void
test_bad_pattern(void **state)
{
	struct fx *fx = *state;
	struct audit_review_code bad = { "X", "(unclosed", 0, 0 };
	struct audit_review_limits l = limits;
	char *cause = NULL;

	l.codes = &bad;
	l.ncodes = 1;
	assert_null(audit_review_new(fx->log, &l, &cause));
	assert_non_null(strstr(cause, "reason X: reference pattern '(unclosed'"));
	free(cause);
}

/* An older log, without the review's indexes, gets them when opened for
 * writing (not when opened read-only). */
static void
test_indexes_added(void **state)
{
	struct fx *fx = *state;
	static const char *const names[] = { "entry_reason", "entry_reference",
	    "entry_view_ref", "entry_export_ref", "entry_footage",
	    "entry_multicam", "entry_time_ref" };
	struct audit_log *log;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *cause = NULL, sql[128];
	size_t i;
	int n;

	audit_review_free(fx->rv);
	fx->rv = NULL;
	audit_close(fx->log);
	fx->log = NULL;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	for (i = 0; i < 7; i++) {
		snprintf(sql, sizeof sql, "DROP INDEX %s", names[i]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
	}
	sqlite3_close(db);
	for (int ro = 1; ro >= 0; ro--) {
		log = audit_open(fx->db, ro ? NULL : fx->state,
		    ro ? AUDIT_OPEN_READONLY : 0, &cause);
		assert_non_null(log);
		audit_close(log);
		assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
		    "sqlite_master WHERE type = 'index' AND name IN "
		    "('entry_reason', 'entry_reference', 'entry_view_ref', "
		    "'entry_export_ref', 'entry_footage', 'entry_multicam', "
		    "'entry_time_ref')", -1,
		    &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
		if (n != (ro ? 0 : 7))
			fail_msg("%d review indexes after a%s open", n,
			    ro ? " read-only" : "n");
	}
	fx->log = audit_open(fx->db, fx->state, 0, &cause);
	assert_non_null(fx->log);
	fx->rv = audit_review_new(fx->log, &limits, &cause);
	assert_non_null(fx->rv);
	/* And the queries give the same rows. */
	test_all_rows(state);
}

/* ---- Flag filters on a bigger log, paged ------------------------------- */

#define BIG_VIEWS	3000

static const struct audit_review_code big_codes[] = {
	{ "INCIDENT", "INC-[0-9]+", 0, 0 },
	{ "POLICE", NULL, 0, 1 },
	{ "SYSCHECK", NULL, 120, 0 },
};
static const struct audit_review_limits big_limits = {
	7 * 60, 18 * 60, 20, 50, 3, big_codes, 3
};

/* One view (start and end, or aborted) of view number i; the strings
 * live in the caller's arrays. */
static void
big_view(struct audit_entry *e, size_t *n, int64_t base, int i,
    char (*str)[4][48], char (*det)[256])
{
	int64_t t = DAY + (int64_t)(i / 100) * 24 * HOUR + 8 * HOUR +
	    (int64_t)(i % 100) * 5 * MIN;
	int64_t wall = 60000, played = 60000, start = base + (int64_t)*n;
	const char *code = "INCIDENT";

	if (i == 500 || i == 2950)
		t = DAY + (int64_t)(i / 100) * 24 * HOUR + 20 * HOUR + i;
	if (i == 7 || i == 2609)
		wall = 30 * MIN;		/* long */
	snprintf(str[*n][0], 48, "u%d", i >= 2900 && i < 2960 ? 99 : i % 7);
	snprintf(str[*n][1], 48, "cam%d", i % 5);
	snprintf(str[*n][2], 48, "INC-%d", i);
	if (i == 3 || i == 2703)
		snprintf(str[*n][2], 48, "bad %d", i);	/* pattern */
	if (i >= 300 && i < 304)
		snprintf(str[*n][2], 48, "INC-55");	/* reused */
	if (i == 2800) {
		code = "SYSCHECK";		/* over the cap */
		played = 200000;
	}
	memset(&e[*n], 0, sizeof e[*n]);
	e[*n].time_ms = t;
	e[*n].actor = str[*n][0];
	e[*n].action = "view-start";
	e[*n].camera = str[*n][1];
	e[*n].from_ms = F0;
	e[*n].to_ms = F0 + HOUR;
	e[*n].reason_code = code;
	e[*n].reference = str[*n][2];
	e[*n].details = "{}";
	e[*n].terminal = "tty1";
	(*n)++;
	e[*n] = e[*n - 1];
	memcpy(str[*n], str[*n - 1], sizeof str[0]);
	e[*n].actor = str[*n][0];
	e[*n].camera = str[*n][1];
	e[*n].reference = str[*n][2];
	e[*n].time_ms = t + wall;
	e[*n].action = i == 100 || i == 2750 ? "view-aborted" : "view-end";
	snprintf(det[*n], 256, "{\"shown\":[[%lld,%lld]],\"played_ms\":%lld,"
	    "\"wall_ms\":%lld,\"view\":%lld,\"end\":\"stopped\"}",
	    (long long)F0, (long long)(F0 + played), (long long)played,
	    (long long)wall, (long long)start);
	e[*n].details = det[*n];
	(*n)++;
}

/* A log of BIG_VIEWS views, 100 a day inside working hours, with each
 * flag twice or so, and two exports; no flag between views 501 and 2608
 * (more rows than a page of several flags walks before it takes the
 * flags one stream each). */
static void
big_generate(struct audit_log *log)
{
	struct audit_entry *e = xcalloc(520, sizeof *e);
	char (*str)[4][48] = xcalloc(520, sizeof *str);
	char (*det)[256] = xcalloc(520, sizeof *det);
	char *cause = NULL;
	int64_t base = 0;
	size_t n;
	int i = 0, x;

	while (i < BIG_VIEWS) {
		n = 0;
		for (; i < BIG_VIEWS && n < 500; i++) {
			big_view(e, &n, base, i, str, det);
			if (i != 450 && i != 460)
				continue;
			/* An export: the second one approved. */
			for (x = 0; x < (i == 460 ? 3 : 2); x++) {
				memset(&e[n], 0, sizeof e[n]);
				e[n].time_ms = e[n - 1].time_ms + 1000 + x;
				e[n].actor = "bob";
				e[n].camera = "cam1";
				e[n].reason_code = "POLICE";
				e[n].reference = "P/1";
				e[n].terminal = "tty1";
				e[n].details = "{}";
				if (i == 460 && x == 0) {
					e[n].action = "export-approved";
					snprintf(det[n], 256, "{\"export\":%lld}",
					    (long long)(base + (int64_t)n + 1));
					e[n].details = det[n];
				} else if (x == (i == 460 ? 1 : 0)) {
					e[n].action = "export-start";
				} else {
					e[n].action = "export-done";
					snprintf(det[n], 256, "{\"export\":%lld}",
					    (long long)(base + (int64_t)n - 1));
					e[n].details = det[n];
				}
				n++;
			}
		}
		if (audit_append_many(log, e, n, &cause) != base)
			fail_msg("append: %s", cause);
		base += (int64_t)n;
	}
	free(e);
	free(str);
	free(det);
}

/* The seqs of the rows with any of flags, from every row unfiltered. */
static char *
big_expected(struct audit_review *rv, unsigned flags, int *nrows)
{
	struct audit_review_filter f;
	struct audit_review_iter *it;
	struct audit_review_row r;
	char *cause = NULL, *buf = xcalloc(1, 65536);
	int rc;

	memset(&f, 0, sizeof f);
	*nrows = 0;
	if ((it = audit_review_iter_new(rv, &f, &cause)) == NULL)
		fail_msg("iter: %s", cause);
	while ((rc = audit_review_iter_next(it, &r, &cause)) == 1) {
		if ((r.flags & flags) == 0)
			continue;
		snprintf(buf + strlen(buf), 65536 - strlen(buf), " %lld",
		    (long long)r.seq);
		(*nrows)++;
	}
	assert_int_equal(rc, 0);
	audit_review_iter_free(it);
	return buf;
}

/* Pages flags through newest to oldest (and oldest to newest from End)
 * max rows at a time; both must give exactly want. */
static void
big_paged(struct audit_review *rv, unsigned flags, size_t max,
    const char *want)
{
	struct audit_review_filter f;
	struct audit_review_page *p;
	struct audit_review_pos at;
	char *cause = NULL, *down = xcalloc(1, 65536), *up = xcalloc(1, 65536);
	char *tmp = xcalloc(1, 65536);
	size_t i;
	int first = 1;

	memset(&f, 0, sizeof f);
	f.flags = flags;
	for (;;) {
		if (audit_review_page(rv, &f, first ? NULL : &at, 0, max, &p,
		    &cause) != 0)
			fail_msg("page: %s", cause);
		assert_int_equal(p->more_newer, !first && p->n > 0);
		for (i = 0; i < p->n; i++) {
			assert_true((p->rows[i].flags & flags) != 0);
			snprintf(down + strlen(down), 65536 - strlen(down),
			    " %lld", (long long)p->rows[i].seq);
		}
		first = 0;
		if (p->n > 0) {
			at.time_ms = p->rows[p->n - 1].time_ms;
			at.seq = p->rows[p->n - 1].seq;
		}
		i = (size_t)p->more_older;
		assert_true(i == 0 || p->n == max);
		audit_review_page_free(p);
		if (i == 0)
			break;
	}
	if (strcmp(down, want) != 0)
		fail_msg("flags %#x down by %zu:\n got%s\nwant%s", flags, max,
		    down, want);
	/* From End towards the newest. */
	at.time_ms = INT64_MIN;
	at.seq = INT64_MIN;
	for (;;) {
		if (audit_review_page(rv, &f, &at, 1, max, &p, &cause) != 0)
			fail_msg("page: %s", cause);
		tmp[0] = '\0';
		for (i = 0; i < p->n; i++)
			snprintf(tmp + strlen(tmp), 65536 - strlen(tmp), " %lld",
			    (long long)p->rows[i].seq);
		memmove(up + strlen(tmp), up, strlen(up) + 1);
		memcpy(up, tmp, strlen(tmp));
		if (p->n > 0) {
			at.time_ms = p->rows[0].time_ms;
			at.seq = p->rows[0].seq;
		}
		i = (size_t)p->more_newer;
		audit_review_page_free(p);
		if (i == 0)
			break;
	}
	if (strcmp(up, want) != 0)
		fail_msg("flags %#x up by %zu:\n got%s\nwant%s", flags, max, up,
		    want);
	free(down);
	free(up);
	free(tmp);
}

/* Every flag filter, and any flag, paged both ways a few rows at a time
 * on a log where the flags are rare and far apart (the paths that pass
 * over working hours, the table of reused references, the flags one
 * stream each), gives exactly the rows of the unfiltered list that carry
 * the flag; and after entries are appended, too. */
static void
test_flags_paged(void **state)
{
	struct fx *fx = *state;
	struct audit_review *rv;
	struct audit_review_filter f;
	char *cause = NULL, *want, dir[64], db[128], st[128], cmd[128];
	struct audit_keys k;
	struct audit_log *log;
	unsigned masks[] = { AUDIT_FLAG_ALL, AUDIT_FLAG_HOURS, AUDIT_FLAG_LONG,
	    AUDIT_FLAG_PATTERN, AUDIT_FLAG_REUSED, AUDIT_FLAG_MANY,
	    AUDIT_FLAG_CAP, AUDIT_FLAG_UNAPPROVED, AUDIT_FLAG_ABORTED,
	    AUDIT_FLAG_HOURS | AUDIT_FLAG_REUSED,
	    AUDIT_FLAG_LONG | AUDIT_FLAG_ABORTED | AUDIT_FLAG_UNAPPROVED };
	size_t i;
	int n, round;
	int64_t cnt;

	(void)fx;
	snprintf(dir, sizeof dir, "/tmp/vigil-review-big.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/audit.db", dir);
	snprintf(st, sizeof st, "%s/audit.state", dir);
	if (audit_create(db, st, &k, &cause) != 0 ||
	    (log = audit_open(db, st, 0, &cause)) == NULL)
		fail_msg("create: %s", cause);
	big_generate(log);
	if ((rv = audit_review_new(log, &big_limits, &cause)) == NULL)
		fail_msg("review: %s", cause);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < sizeof masks / sizeof masks[0]; i++) {
			want = big_expected(rv, masks[i], &n);
			/* Each flag is there, and rare. */
			assert_true(n > 0);
			assert_true(n < 200);
			big_paged(rv, masks[i], 3, want);
			big_paged(rv, masks[i], 16, want);
			memset(&f, 0, sizeof f);
			f.flags = masks[i];
			if (audit_review_count(rv, &f, 0, &cnt, &cause) != 0)
				fail_msg("count: %s", cause);
			assert_int_equal(cnt, n);
			free(want);
		}
		if (round == 1)
			break;
		/* A reference given for a fourth camera later, and a new
		 * view of another one three times: the reused flag follows. */
		add(log, audit_count(log), DAY + 40 * 24 * HOUR + 9 * HOUR, "u1",
		    "view-start", "cam4", F0, F0 + MIN, "INCIDENT", "INC-7",
		    NULL);
		add(log, audit_count(log), DAY + 40 * 24 * HOUR + 9 * HOUR + MIN,
		    "u1", "view-start", "cam3", F0, F0 + MIN, "INCIDENT",
		    "INC-7", NULL);
		add(log, audit_count(log), DAY + 40 * 24 * HOUR + 9 * HOUR +
		    2 * MIN, "u1", "view-start", "cam2", F0, F0 + MIN,
		    "INCIDENT", "INC-7", NULL);
	}
	/* INC-7 (view 7, cam2) is now on cameras 2, 3, 4 and 2: not over 3;
	 * INC-55 (views 55 and 300-303) still is. */
	memset(&f, 0, sizeof f);
	f.flags = AUDIT_FLAG_REUSED;
	if (audit_review_count(rv, &f, 0, &cnt, &cause) != 0)
		fail_msg("count: %s", cause);
	assert_int_equal(cnt, 5);
	add(log, audit_count(log), DAY + 41 * 24 * HOUR + 9 * HOUR, "u1",
	    "view-start", "cam0", F0, F0 + MIN, "INCIDENT", "INC-7", NULL);
	if (audit_review_count(rv, &f, 0, &cnt, &cause) != 0)
		fail_msg("count: %s", cause);
	assert_int_equal(cnt, 10);	/* and INC-7 on a fourth camera */
	/* Thresholds that switch a flag off: nothing, at once. */
	{
		struct audit_review_limits l = big_limits;
		struct audit_review *off;

		l.work_from = l.work_to = 0;
		l.max_view_minutes = 0;
		if ((off = audit_review_new(log, &l, &cause)) == NULL)
			fail_msg("review: %s", cause);
		f.flags = AUDIT_FLAG_HOURS | AUDIT_FLAG_LONG;
		if (audit_review_count(off, &f, 0, &cnt, &cause) != 0)
			fail_msg("count: %s", cause);
		assert_int_equal(cnt, 0);
		want = big_expected(off, AUDIT_FLAG_ALL, &n);
		big_paged(off, AUDIT_FLAG_ALL, 5, want);
		free(want);
		audit_review_free(off);
	}
	audit_review_free(rv);
	audit_close(log);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* One view of dave at T(13, m): a view-start and an end of the given
 * action and details (seqs want and want + 1). */
static void
add_view(struct audit_log *log, int64_t want, int m, const char *end,
    const char *details)
{
	add(log, want, T(13, m), "dave", "view-start", "gate", F0, F0 + HOUR,
	    "POLICE", "P/9", NULL);
	add(log, want + 1, T(13, m + 1), "dave", end, "gate", F0, F0 + HOUR,
	    "POLICE", "P/9", details);
}

/* The list of long views (made once per review from the view ends, kept
 * up to date as entries are appended) gives exactly the long views: an
 * end without wall_ms (shown_ms, else its intervals), a negative wall_ms,
 * an aborted view; not one whose wall_ms is not a number, whose first
 * end is short (a later one is not its end) or whose times are not
 * integers (and no shown intervals). */
static void
test_long_list(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_review_limits l = limits;
	struct audit_review *rv;
	char *cause = NULL, d[160];
	int64_t n = audit_count(fx->log), cnt;
	int i;

	memset(&f, 0, sizeof f);
	f.flags = AUDIT_FLAG_LONG;
	expect_rows(fx, &f, "1");		/* the list is made */
	big_paged(fx->rv, AUDIT_FLAG_LONG, 1, " 1");
	/* A review whose limit no view is over: nothing, and a long view
	 * appended later is found. */
	l.max_view_minutes = 600;
	if ((rv = audit_review_new(fx->log, &l, &cause)) == NULL)
		fail_msg("review: %s", cause);
	if (audit_review_count(rv, &f, 0, &cnt, &cause) != 0)
		fail_msg("count: %s", cause);
	assert_int_equal(cnt, 0);
	big_paged(rv, AUDIT_FLAG_LONG, 2, "");

	snprintf(d, sizeof d, "{\"shown\":[[%lld,%lld]],\"view\":%lld}",
	    F0, F0 + 25 * MIN, (long long)n);
	add_view(fx->log, n, 0, "view-end", d);
	snprintf(d, sizeof d, "{\"shown_ms\":1500000,\"view\":%lld}",
	    (long long)n + 2);
	add_view(fx->log, n + 2, 2, "view-end", d);
	snprintf(d, sizeof d, "{\"wall_ms\":-1,\"shown_ms\":1500000,"
	    "\"view\":%lld}", (long long)n + 4);
	add_view(fx->log, n + 4, 4, "view-end", d);
	snprintf(d, sizeof d, "{\"wall_ms\":\"x\",\"shown_ms\":60000,"
	    "\"view\":%lld}", (long long)n + 6);
	add_view(fx->log, n + 6, 6, "view-end", d);
	snprintf(d, sizeof d, "{\"wall_ms\":60000,\"view\":%lld}",
	    (long long)n + 8);
	add_view(fx->log, n + 8, 8, "view-end", d);
	snprintf(d, sizeof d, "{\"wall_ms\":99999999,\"view\":%lld}",
	    (long long)n + 8);
	add(fx->log, n + 10, T(13, 10), "dave", "view-end", "gate", F0,
	    F0 + HOUR, "POLICE", "P/9", d);
	snprintf(d, sizeof d, "{\"wall_ms\":1500000.5,\"view\":%lld}",
	    (long long)n + 11);
	add_view(fx->log, n + 11, 12, "view-end", d);
	snprintf(d, sizeof d, "{\"wall_ms\":1500000,\"view\":%lld}",
	    (long long)n + 13);
	add_view(fx->log, n + 13, 14, "view-aborted", d);
	snprintf(d, sizeof d, "%lld %lld %lld %lld 1", (long long)n + 13,
	    (long long)n + 4, (long long)n + 2, (long long)n);
	expect_rows(fx, &f, d);
	snprintf(d, sizeof d, " %lld %lld %lld %lld 1", (long long)n + 13,
	    (long long)n + 4, (long long)n + 2, (long long)n);
	big_paged(fx->rv, AUDIT_FLAG_LONG, 2, d);
	/* The same from a list made at once of all of these (two ranges of
	 * the index entry_view_wall), and from one made without that index
	 * (a walk of every view end). */
	for (i = 0; i < 2; i++) {
		struct audit_review *again;

		if (i == 1)
			db_exec(fx->db, "DROP INDEX entry_view_wall");
		if ((again = audit_review_new(fx->log, &limits, &cause)) == NULL)
			fail_msg("review: %s", cause);
		big_paged(again, AUDIT_FLAG_LONG, 2, d);
		audit_review_free(again);
	}

	/* Over 600 minutes: one view appended to the empty list. */
	snprintf(d, sizeof d, "{\"wall_ms\":36000001,\"view\":%lld}",
	    (long long)n + 15);
	add_view(fx->log, n + 15, 16, "view-end", d);
	if (audit_review_count(rv, &f, 0, &cnt, &cause) != 0)
		fail_msg("count: %s", cause);
	assert_int_equal(cnt, 1);
	snprintf(d, sizeof d, " %lld", (long long)n + 15);
	big_paged(rv, AUDIT_FLAG_LONG, 2, d);
	audit_review_free(rv);
}

/* Writes the test log to DIR/audit.db (key state DIR/audit.state) for
 * tests/regress/audit-report.sh. */
/* Each way of running filter f fails with the message of a query that
 * does not fit, and gives no rows. */
static void
expect_too_large(struct fx *fx, const struct audit_review_filter *f)
{
	struct audit_review_page *p = NULL;
	char *cause = NULL;
	int64_t n = -1;

	assert_null(audit_review_iter_new(fx->rv, f, &cause));
	if (cause == NULL || strstr(cause, "the review filter needs a query "
	    "longer than") == NULL || strstr(cause, "narrow the filter") == NULL)
		fail_msg("iter: unexpected message: %s", cause);
	free(cause);
	cause = NULL;
	assert_int_equal(audit_review_count(fx->rv, f, 0, &n, &cause), -1);
	assert_non_null(strstr(cause, "nothing was searched"));
	assert_int_equal(n, 0);
	free(cause);
	cause = NULL;
	assert_int_equal(audit_review_page(fx->rv, f, NULL, 0, 10, &p, &cause),
	    -1);
	assert_null(p);
	assert_non_null(strstr(cause, "nothing was searched"));
	free(cause);
}

/* A filter whose query does not fit the builder's room (text or
 * parameters) is refused whole with a clear message; it is never cut
 * short, which could drop a condition and show rows the filter excludes,
 * nor written past the room.  No filter within the configuration's bounds
 * fills the real room (2 KiB, 80 parameters), so the test hook narrows it:
 * the builder checks whatever room it has. */
static void
test_sql_too_large(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;

	memset(&f, 0, sizeof f);
	f.from_ms = T(9, 0);
	f.to_ms = T(10, 0);
	f.actor = "alice";
	f.views_only = 1;
	f.reference = "INC";
	expect_rows(fx, &f, "10 8");

	/* Text: 200 bytes hold the SELECT, not its conditions. */
	audit_review_sql_limits(fx->rv, 200, 0);
	expect_too_large(fx, &f);
	/* The flag narrowed by reason code (its IN list) fits in 300
	 * bytes; with every other condition too it does not. */
	audit_review_sql_limits(fx->rv, 300, 0);
	memset(&f, 0, sizeof f);
	f.flags = AUDIT_FLAG_CAP;
	expect_rows(fx, &f, "5");
	f.actor = "alice";
	f.camera = "gate";
	f.reference = "x";
	f.from_ms = T(0, 0);
	f.to_ms = T(23, 0);
	f.footage_from = F0;
	f.footage_to = T(23, 0);
	expect_too_large(fx, &f);

	/* Parameters: three, for a filter that binds four. */
	audit_review_sql_limits(fx->rv, 0, 3);
	memset(&f, 0, sizeof f);
	f.from_ms = T(9, 0);
	f.to_ms = T(10, 0);
	f.actor = "alice";
	f.reference = "INC";
	expect_too_large(fx, &f);

	/* The whole room again: the same filters run. */
	audit_review_sql_limits(fx->rv, 0, 0);
	f.views_only = 1;
	expect_rows(fx, &f, "10 8");
}

/* A capped code's view left paused on screen past its cap is flagged cap
 * when its end records the time on screen (play_ms beside wall_ms); an
 * end written before that, whose wall_ms counted only playing, is not. */
static void
test_cap_on_screen(void **state)
{
	struct fx *fx = *state;
	struct audit_review_filter f;
	struct audit_review_page *p = NULL;
	char *why, *cause = NULL;

	add(fx->log, 22, T(10, 0), "erin", "view-start", "yard", F0,
	    F0 + 5 * MIN, "SYSCHECK", "", "{\"cap_ms\":120000}");
	add(fx->log, 23, T(10, 6), "erin", "view-end", "yard", F0, F0 + 5 * MIN,
	    "SYSCHECK", "", "{\"shown\":[],\"shown_ms\":10000,"
	    "\"played_ms\":10000,\"wall_ms\":300000,\"play_ms\":10000,"
	    "\"view\":22,\"end\":\"stop\"}");
	add(fx->log, 24, T(10, 10), "erin", "view-start", "yard", F0,
	    F0 + 5 * MIN, "SYSCHECK", "", "{\"cap_ms\":120000}");
	add(fx->log, 25, T(10, 16), "erin", "view-end", "yard", F0, F0 + 5 * MIN,
	    "SYSCHECK", "", "{\"shown\":[],\"shown_ms\":10000,"
	    "\"played_ms\":10000,\"wall_ms\":300000,\"view\":24,"
	    "\"end\":\"stop\"}");
	memset(&f, 0, sizeof f);
	f.actor = "erin";
	f.flags = AUDIT_FLAG_CAP;
	expect_rows(fx, &f, "22");
	if (audit_review_page(fx->rv, &f, NULL, 0, 10, &p, &cause) != 0)
		fail_msg("page: %s", cause);
	assert_int_equal(p->n, 1);
	why = audit_review_flag_explain(fx->rv, &p->rows[0], AUDIT_FLAG_CAP);
	assert_non_null(why);
	assert_non_null(strstr(why, "on screen for 300 s under reason SYSCHECK, "
	    "whose cap is 120 s"));
	free(why);
	audit_review_page_free(p);
}

static int
generate_to(const char *dir)
{
	struct audit_keys k;
	struct audit_log *log;
	char db[512], st[512], *cause = NULL;

	snprintf(db, sizeof db, "%s/audit.db", dir);
	snprintf(st, sizeof st, "%s/audit.state", dir);
	if (audit_create(db, st, &k, &cause) != 0 ||
	    (log = audit_open(db, st, 0, &cause)) == NULL) {
		fprintf(stderr, "test_review: %s\n", cause);
		return 1;
	}
	audit_set_checkpoint_every(log, 8);
	generate(log);
	audit_close(log);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_saw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_and_integrity, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indexes_added, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flags_paged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cap_on_screen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sql_too_large, setup,
		    teardown),
	};

	if (argc == 3 && strcmp(argv[1], "--generate") == 0)
		return generate_to(argv[2]);
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
