/* test_export_job — export jobs end to end on a small recorder: both modes,
 * several cameras and a gap, the audit records and what they say, the
 * approval rule, refusals before anything is logged, cancel, a target
 * removed or filled mid-export, injected faults, a log that cannot be
 * written, and the worker thread. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "helper_clip.h"
#include "util/util.h"

#define T0	CLIPFIX_T0	/* 2025-03-01T10:00:00Z */

static char *dir;
static char target[512];
static struct config *cfg;
static struct catalog *cat;
static struct audit_log *alog;
static struct sign_key *key;

/* bundle_verify() against the test's signing key, pinned. */
static int
verify_pinned(const char *bundle, char **report)
{
	struct sign_trust *t = sign_trust_new();
	char *pub = sign_key_public(key), *cause = NULL;
	int rc;

	if (sign_trust_add(t, pub, 0, &cause) != 0)
		fail_msg("pin: %s", cause);
	rc = bundle_verify(bundle, t, report);
	sign_trust_free(t);
	free(pub);
	return rc;
}

/* Places segment file seg (of clipfix_segments) as camera's segment
 * starting at T0 + at seconds. */
static void
place(const char *camera, int seg, int at)
{
	assert_int_equal(clipfix_run("mkdir -p '%s/rec/%s/2025-03-01' && cp "
	    "'%s/seg%d.mp4' '%s/rec/%s/2025-03-01/10-00-%02d.mp4'", dir, camera,
	    dir, seg, dir, camera, at), 0);
}

static int
setup(void **state)
{
	struct catalog_opts co;
	struct catalog_scan_report rep;
	struct audit_keys keys;
	char path[600], pub[600], *cause = NULL;
	int64_t left;
	FILE *f;

	(void)state;
	probe_silence_libav();
	assert_non_null(dir = clipfix_mkdtemp("vigil-job"));
	assert_int_equal(clipfix_segments(dir, "seg", 0, NULL), 0);
	/* hall: 16 s without a break; yard: 0-8 s and 12-16 s. */
	place("hall", 0, 0);
	place("hall", 1, 4);
	place("hall", 2, 8);
	place("hall", 3, 12);
	place("yard", 0, 0);
	place("yard", 1, 4);
	place("yard", 3, 12);
	/* door: with a sound track. */
	assert_int_equal(clipfix_segments(dir, "aseg", 1, NULL), 0);
	assert_int_equal(clipfix_run("mkdir -p '%s/rec/door/2025-03-01' && cp "
	    "'%s/aseg0.mp4' '%s/rec/door/2025-03-01/10-00-00.mp4'", dir, dir,
	    dir), 0);
	snprintf(path, sizeof path, "%s/vigil.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "[site]\nname = Test site\n\n[paths]\nrecorder = %s/rec\n"
	    "pattern = vigil\ntimezone = UTC\ncatalog_db = %s/catalog.db\n"
	    "audit_db = %s/audit.db\naudit_state = %s/audit.state\n"
	    "key_dir = %s\n\n[export]\nrequire_approval = POLICE\n"
	    "legal_basis.INCIDENT = the test's legal basis\n", dir, dir, dir,
	    dir, dir);
	fclose(f);
	chmod(path, 0644);
	if (config_load(path, &cfg, &cause) != 0)
		fail_msg("config: %s", cause);
	memset(&co, 0, sizeof co);
	co.db = config_catalog_db(cfg);
	co.root = config_recorder(cfg);
	co.pattern = config_pattern(cfg);
	co.timezone = config_timezone(cfg);
	assert_non_null(cat = catalog_open(&co, &cause));
	memset(&rep, 0, sizeof rep);
	assert_true(catalog_scan(cat, 0, &rep, &cause) >= 0);
	catalog_scan_report_free(&rep);
	assert_true(catalog_probe(cat, 0, &left, &cause) >= 0);
	assert_int_equal(audit_create(config_audit_db(cfg),
	    config_audit_state(cfg), &keys, &cause), 0);
	assert_non_null(alog = audit_open(config_audit_db(cfg),
	    config_audit_state(cfg), 0, &cause));
	snprintf(path, sizeof path, "%s/export.key", dir);
	snprintf(pub, sizeof pub, "%s/export.key.pub", dir);
	assert_int_equal(sign_keygen(path, pub, NULL, 0, 0, &cause), 0);
	assert_non_null(key = sign_key_load(path, NULL, &cause));
	snprintf(target, sizeof target, "%s/usb", dir);
	assert_int_equal(mkdir(target, 0755), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sign_key_free(key);
	audit_close(alog);
	catalog_close(cat);
	config_free(cfg);
	clipfix_umount(target);
	clipfix_rmrf(dir);
	free(dir);
	return 0;
}

/* The number of entries in the target folder (-1 when it is gone). */
static int
entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

/* The details of the log's entry at seq, parsed; *action set. */
static json_t *
entry(int64_t seq, char action[64], char camera[256], int64_t *from,
    int64_t *to)
{
	struct audit_row row;
	char *storage = NULL, *cause = NULL;
	json_t *d;

	assert_int_equal(audit_entry_get(alog, seq, &row, &storage, &cause), 0);
	snprintf(action, 64, "%s", row.action);
	if (camera != NULL)
		snprintf(camera, 256, "%s", row.camera);
	if (from != NULL)
		*from = row.from_ms;
	if (to != NULL)
		*to = row.to_ms;
	assert_non_null(d = json_loads(row.details, 0, NULL));
	free(storage);
	return d;
}

static void
request(struct job_request *rq, const char **cams, size_t n,
    enum job_mode mode, int64_t from, int64_t to)
{
	memset(rq, 0, sizeof *rq);
	rq->cameras = cams;
	rq->ncameras = n;
	rq->from_ms = from;
	rq->to_ms = to;
	rq->mode = mode;
	rq->reason_code = "INCIDENT";
	rq->reference = "INC-1";
	rq->requester = "front desk";
	rq->recipient = "P. Olsen, Police District";
	rq->target = target;
	rq->exporter = "bob";
	rq->terminal = "tty9";
	rq->preset = "ultrafast";
}

struct seen {
	int		 calls;
	double		 last;
	int		 backwards;
	atomic_int	 cancel;
	double		 cancel_at;	/* > 0: cancel at this fraction */
	int		 remove_target;
	int		 fill_target;
	char		 stage[32];
};

static void
on_progress(const struct job_progress *p, void *arg)
{
	struct seen *s = arg;

	if (p->done + 1e-9 < s->last)
		s->backwards = 1;
	s->last = p->done;
	s->calls++;
	snprintf(s->stage, sizeof s->stage, "%s", p->stage);
	assert_true(p->ncameras >= 1);
	assert_true(p->camera < p->ncameras);
	if (s->cancel_at > 0 && p->done >= s->cancel_at)
		atomic_store(&s->cancel, 1);
	if (s->remove_target && p->done > 0.05) {
		clipfix_rmrf(target);
		s->remove_target = 0;
	}
	if (s->fill_target && p->done > 0.02) {
		clipfix_run("dd if=/dev/zero of='%s/filler' bs=64k 2>/dev/null",
		    target);
		s->fill_target = 0;
	}
}

static void
test_original(void **state)
{
	const char *cams[] = { "hall", "yard" };
	struct job_request rq;
	struct job_estimate est;
	struct job *j;
	struct seen s;
	char *cause = NULL, action[64], camera[256], hex[65], *report = NULL;
	char path[1024];
	int64_t seq, from, to, before;
	json_t *d, *m;
	const char *bundle;

	(void)state;
	request(&rq, cams, 2, JOB_ORIGINAL, T0 + 1500, T0 + 14500);
	if ((j = job_new(&rq, cfg, cat, &cause)) == NULL)
		fail_msg("job_new: %s", cause);
	job_estimate(j, &est);
	assert_int_equal(est.footage_ms, 13000 + 9000);
	assert_int_equal(est.gap_ms, 4000);
	assert_int_equal(est.gaps, 1);
	assert_int_equal(est.segments, 4 + 3);
	assert_true(est.bytes > est.source_bytes / 2);
	assert_int_equal(job_check_space(j, &cause), 0);
	before = audit_count(alog);
	assert_int_equal(job_start_seq(j), -1);
	if (job_start(j, alog, key, &cause) != 0)
		fail_msg("job_start: %s", cause);
	seq = job_start_seq(j);
	assert_int_equal(seq, before);
	/* export-start is in the log before anything was read. */
	d = entry(seq, action, camera, &from, &to);
	assert_string_equal(action, "export-start");
	assert_string_equal(camera, "hall,yard");
	assert_int_equal(from, T0 + 1500);
	assert_int_equal(to, T0 + 14500);
	assert_int_equal(json_array_size(json_object_get(d, "cameras")), 2);
	assert_int_equal(json_integer_value(json_object_get(d, "from")),
	    T0 + 1500);
	assert_string_equal(json_string_value(json_object_get(d, "mode")),
	    "original");
	assert_string_equal(json_string_value(json_object_get(d, "reason")),
	    "INCIDENT");
	assert_string_equal(json_string_value(json_object_get(d,
	    "recipient")), "P. Olsen, Police District");
	assert_string_equal(json_string_value(json_object_get(d,
	    "legal_basis")), "the test's legal basis");
	assert_string_equal(json_string_value(json_object_get(d, "target")),
	    target);
	assert_true(json_is_null(json_object_get(d, "approver")));
	json_decref(d);
	/* The partial folder is there and does not look like a bundle. */
	assert_int_equal(entries(target), 1);

	memset(&s, 0, sizeof s);
	assert_int_equal(job_run(j, on_progress, &s, NULL), 0);
	assert_true(s.calls >= 3);
	assert_int_equal(s.backwards, 0);
	assert_true(s.last == 1.0);
	assert_string_equal(s.stage, "done");
	assert_int_equal(job_end(j, &cause), 0);
	assert_non_null(bundle = job_bundle(j));
	snprintf(path, sizeof path, "%s/VIGIL-INC-1-", target);
	assert_memory_equal(bundle, path, strlen(path));
	assert_int_equal(entries(target), 1);
	assert_int_equal(verify_pinned(bundle, &report), 0);
	free(report);
	snprintf(path, sizeof path, "%s/SHA256SUMS", bundle);
	assert_int_equal(sha256_file(path, hex, &cause), 0);
	assert_string_equal(hex, job_sums(j));

	d = entry(seq + 1, action, camera, NULL, NULL);
	assert_string_equal(action, "export-done");
	assert_string_equal(camera, "hall,yard");
	assert_int_equal(json_integer_value(json_object_get(d, "export")), seq);
	assert_string_equal(json_string_value(json_object_get(d, "bundle")),
	    bundle);
	assert_string_equal(json_string_value(json_object_get(d,
	    "sha256sums")), hex);
	json_decref(d);

	/* The manifest names the export-start record and the gap. */
	snprintf(path, sizeof path, "%s/manifest.json", bundle);
	assert_non_null(m = json_load_file(path, 0, NULL));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m,
	    "audit"), "export_seq")), seq);
	assert_int_equal(json_array_size(json_object_get(m, "clips")), 2);
	assert_int_equal(json_array_size(json_object_get(m, "gaps")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(m, "gaps"), 0), "camera")), "yard");
	assert_int_equal(json_array_size(json_object_get(m, "sources")), 7);
	assert_string_equal(json_string_value(json_object_get(m, "recipient")),
	    "P. Olsen, Police District");
	json_decref(m);
	job_free(j);
	clipfix_run("rm -rf '%s'/VIGIL-*", target);
}

static void
test_redacted(void **state)
{
	const char *cams[] = { "hall" };
	struct job_request rq;
	struct mask_list *ml;
	struct job *j;
	char *cause = NULL, *report = NULL, path[1024];
	double dur;
	json_t *m;

	(void)state;
	assert_non_null(ml = mask_list_new(&cause));
	assert_int_equal(mask_list_add(ml, "blur:x=10%,y=10%,w=30%,h=30%",
	    T0 + 2000, 0, 0, &cause), 0);
	assert_int_equal(mask_list_add(ml, "solid:x=50%,y=50%,w=20%,h=20%,"
	    "from=+1,to=+3", T0 + 2000, 0, 0, &cause), 0);
	request(&rq, cams, 1, JOB_REDACTED, T0 + 2000, T0 + 7000);
	rq.masks = ml;
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	mask_list_free(ml);	/* the job keeps its own copy */
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
	assert_int_equal(job_end(j, &cause), 0);
	assert_int_equal(verify_pinned(job_bundle(j), &report), 0);
	free(report);
	snprintf(path, sizeof path, "%s/manifest.json", job_bundle(j));
	assert_non_null(m = json_load_file(path, 0, NULL));
	assert_int_equal(json_array_size(json_object_get(m, "redactions")), 2);
	assert_string_equal(json_string_value(json_object_get(m, "mode")),
	    "redacted");
	json_decref(m);
	snprintf(path, sizeof path, "%s/clips/hall_20250301T100002Z_"
	    "20250301T100007Z.mp4", job_bundle(j));
	dur = clipfix_duration(path);
	assert_true(dur > 4.9 - 0.001 && dur < 5.1 + 0.001);
	job_free(j);
	clipfix_run("rm -rf '%s'/VIGIL-*", target);
}

static void
test_refused(void **state)
{
	const char *cams[] = { "hall" }, *twice[] = { "hall", "hall" };
	const char *none[] = { "nosuch" };
	struct job_request rq;
	struct mask_list *ml;
	struct job *j;
	char *cause = NULL;
	int64_t n = audit_count(alog);

	(void)state;
	/* No footage in the range: refused before anything is logged. */
	request(&rq, cams, 1, JOB_ORIGINAL, T0 + 60000, T0 + 70000);
	assert_null(job_new(&rq, cfg, cat, &cause));
	assert_non_null(strstr(cause, "no recorded footage"));
	free(cause), cause = NULL;
	request(&rq, none, 1, JOB_ORIGINAL, T0, T0 + 5000);
	assert_null(job_new(&rq, cfg, cat, &cause));
	free(cause), cause = NULL;
	request(&rq, twice, 2, JOB_ORIGINAL, T0, T0 + 5000);
	assert_null(job_new(&rq, cfg, cat, &cause));
	assert_non_null(strstr(cause, "twice"));
	free(cause), cause = NULL;
	request(&rq, cams, 1, JOB_ORIGINAL, T0 + 5000, T0 + 5000);
	assert_null(job_new(&rq, cfg, cat, &cause));
	free(cause), cause = NULL;
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	rq.reason_code = "BROWSE";
	assert_null(job_new(&rq, cfg, cat, &cause));
	assert_non_null(strstr(cause, "not configured"));
	free(cause), cause = NULL;
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	rq.reference = "";
	assert_null(job_new(&rq, cfg, cat, &cause));
	free(cause), cause = NULL;
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	rq.target = "/nonexistent/usb";
	assert_null(job_new(&rq, cfg, cat, &cause));
	assert_non_null(strstr(cause, "/nonexistent/usb"));
	free(cause), cause = NULL;
	/* Masks are for redacted exports only. */
	assert_non_null(ml = mask_list_new(&cause));
	assert_int_equal(mask_list_add(ml, "blur:x=1%,y=1%,w=5%,h=5%", T0, 0, 0,
	    &cause), 0);
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	rq.masks = ml;
	assert_null(job_new(&rq, cfg, cat, &cause));
	assert_non_null(strstr(cause, "redacted"));
	free(cause), cause = NULL;
	/* A mask outside the range. */
	mask_list_free(ml);
	assert_non_null(ml = mask_list_new(&cause));
	assert_int_equal(mask_list_add(ml, "blur:x=1%,y=1%,w=5%,h=5%,"
	    "from=+100,to=+200", T0, 0, 0, &cause), 0);
	request(&rq, cams, 1, JOB_REDACTED, T0, T0 + 5000);
	rq.masks = ml;
	assert_null(job_new(&rq, cfg, cat, &cause));
	free(cause), cause = NULL;
	mask_list_free(ml);
	/* Control characters in any free text go nowhere: a line break
	 * would add a forged line to HANDOVER.txt, an escape would reach
	 * the terminal of whoever reads it (C0, DEL and C1 alike). */
	{
		static const char *const bad[] = {
			"P. Olsen\nApproved by: Chief Inspector",
			"P. Olsen\r\nApproved by: x", "P.\tOlsen",
			"P. Olsen \033[2J\033[1;1H", "P. Olsen \x7f",
			"P. Olsen \xc2\x9b" "2J", "P. Olsen \xc2\x85 x",
		};
		size_t b;
		int fld;

		for (b = 0; b < sizeof bad / sizeof bad[0]; b++) {
			for (fld = 0; fld < 4; fld++) {
				request(&rq, cams, 1, JOB_ORIGINAL, T0,
				    T0 + 5000);
				if (fld == 0)
					rq.recipient = bad[b];
				else if (fld == 1)
					rq.legal_basis = bad[b];
				else if (fld == 2)
					rq.requester = bad[b];
				else
					rq.note = bad[b];
				j = job_new(&rq, cfg, cat, &cause);
				if (j != NULL)
					fail_msg("field %d accepted bad text "
					    "%zu", fld, b);
				assert_non_null(strstr(cause, "control "
				    "character"));
				assert_non_null(strstr(cause, fld == 0 ?
				    "recipient" : fld == 1 ? "legal basis" :
				    fld == 2 ? "requester" : "note"));
				free(cause), cause = NULL;
				/* The same check, asked before planning. */
				assert_int_equal(job_request_check(&rq,
				    &cause), -1);
				assert_non_null(strstr(cause, "control "
				    "character"));
				free(cause), cause = NULL;
			}
		}
		/* Over the limit: refused, naming it, never cut. */
		{
			char big[JOB_RECIPIENT_MAX + 2];

			memset(big, 'a', sizeof big - 1);
			big[sizeof big - 1] = '\0';
			request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
			rq.recipient = big;
			assert_null(job_new(&rq, cfg, cat, &cause));
			assert_non_null(strstr(cause, "recipient"));
			assert_non_null(strstr(cause, "at most 512 bytes"));
			free(cause), cause = NULL;
			big[JOB_REQUESTER_MAX + 1] = '\0';
			request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
			rq.requester = big;
			assert_int_equal(job_request_check(&rq, &cause), -1);
			assert_non_null(strstr(cause, "requester"));
			assert_non_null(strstr(cause, "at most 256 bytes"));
			free(cause), cause = NULL;
			assert_null(job_new(&rq, cfg, cat, &cause));
			free(cause), cause = NULL;
			/* At the limit: taken. */
			big[JOB_REQUESTER_MAX] = '\0';
			assert_int_equal(job_request_check(&rq, &cause), 0);
			assert_non_null(j = job_new(&rq, cfg, cat, &cause));
			job_free(j);
		}
		/* Printable text beyond ASCII is fine. */
		request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
		rq.recipient = "Åse Ødegård, Politiet – Øst";
		rq.legal_basis = "GDPR art. 6(1)(c) «legal obligation»";
		assert_int_equal(job_request_check(&rq, &cause), 0);
		assert_non_null(j = job_new(&rq, cfg, cat, &cause));
		job_free(j);
	}

	/* POLICE needs an approver; the approver is another person. */
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	rq.reason_code = "POLICE";
	rq.requester = "Police District";
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), -1);
	assert_non_null(strstr(cause, "approval"));
	free(cause), cause = NULL;
	job_free(j);
	rq.approver = "bob";
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), -1);
	assert_non_null(strstr(cause, "another person"));
	free(cause), cause = NULL;
	job_free(j);
	/* Without a log nothing starts. */
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, NULL, key, &cause), -1);
	free(cause), cause = NULL;
	job_free(j);
	assert_int_equal(audit_count(alog), n);
	assert_int_equal(entries(target), 0);
}

static void
test_approved(void **state)
{
	const char *cams[] = { "yard" };
	struct job_request rq;
	struct job *j;
	char *cause = NULL, action[64];
	int64_t n = audit_count(alog);
	json_t *d;

	(void)state;
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	rq.reason_code = "POLICE";
	rq.reference = "2025/4711";
	rq.requester = "Police District";
	rq.approver = "adam";
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_start_seq(j), n + 1);
	d = entry(n, action, NULL, NULL, NULL);
	assert_string_equal(action, "export-approved");
	assert_string_equal(json_string_value(json_object_get(d, "approver")),
	    "adam");
	assert_string_equal(json_string_value(json_object_get(d, "exporter")),
	    "bob");
	assert_int_equal(json_integer_value(json_object_get(d, "export")),
	    n + 1);
	json_decref(d);
	assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
	assert_int_equal(job_end(j, &cause), 0);
	d = entry(n + 2, action, NULL, NULL, NULL);
	assert_string_equal(action, "export-done");
	json_decref(d);
	job_free(j);
	clipfix_run("rm -rf '%s'/VIGIL-*", target);
}

/* A failed run: export-failed follows export-start, nothing is left. */
static void
check_failed(int64_t seq, const char *stage, int cancelled)
{
	char action[64];
	json_t *d;

	d = entry(seq + 1, action, NULL, NULL, NULL);
	assert_string_equal(action, "export-failed");
	assert_int_equal(json_integer_value(json_object_get(d, "export")), seq);
	assert_non_null(json_string_value(json_object_get(d, "error")));
	if (stage != NULL)
		assert_string_equal(json_string_value(json_object_get(d,
		    "stage")), stage);
	assert_int_equal(json_is_true(json_object_get(d, "cancelled")),
	    cancelled);
	json_decref(d);
	assert_int_equal(audit_count(alog), seq + 2);
}

static void
test_cancel(void **state)
{
	const char *cams[] = { "hall", "yard" };
	struct job_request rq;
	struct job *j;
	struct seen s;
	char *cause = NULL;

	(void)state;
	request(&rq, cams, 2, JOB_REDACTED, T0, T0 + 16000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	memset(&s, 0, sizeof s);
	s.cancel_at = 0.1;
	assert_int_equal(job_run(j, on_progress, &s, &s.cancel), CLIP_CANCELLED);
	assert_int_equal(entries(target), 0);
	assert_int_equal(job_end(j, &cause), CLIP_CANCELLED);
	assert_non_null(strstr(cause, "cancelled"));
	free(cause), cause = NULL;
	assert_null(job_bundle(j));
	check_failed(job_start_seq(j), "cancel", 1);
	job_free(j);
}

static void
test_target_removed(void **state)
{
	const char *cams[] = { "hall" };
	struct job_request rq;
	struct job *j;
	struct seen s;
	char *cause = NULL;

	(void)state;
	request(&rq, cams, 1, JOB_REDACTED, T0, T0 + 16000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	memset(&s, 0, sizeof s);
	s.remove_target = 1;
	assert_int_equal(job_run(j, on_progress, &s, NULL), -1);
	assert_int_equal(entries(target), -1);	/* not made again */
	assert_int_equal(job_end(j, &cause), -1);
	free(cause), cause = NULL;
	check_failed(job_start_seq(j), NULL, 0);
	job_free(j);
	assert_int_equal(mkdir(target, 0755), 0);
}

static int
fail_at(const char *stage, void *arg)
{
	return strcmp(stage, (const char *)arg) == 0 ? -1 : 0;
}

static void
test_faults(void **state)
{
	static const char *stages[] = { "cutting", "hashing", "finishing" };
	const char *cams[] = { "hall", "yard" };
	struct job_request rq;
	struct job *j;
	char *cause = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		request(&rq, cams, 2, JOB_ORIGINAL, T0, T0 + 9000);
		assert_non_null(j = job_new(&rq, cfg, cat, &cause));
		job_set_hook(j, fail_at, (void *)stages[i]);
		assert_int_equal(job_start(j, alog, key, &cause), 0);
		assert_int_equal(job_run(j, NULL, NULL, NULL), -1);
		assert_int_equal(entries(target), 0);
		assert_int_equal(job_end(j, &cause), -1);
		assert_non_null(strstr(cause, "injected fault"));
		free(cause), cause = NULL;
		check_failed(job_start_seq(j), stages[i], 0);
		job_free(j);
	}
}

static void
test_spawn(void **state)
{
	const char *cams[] = { "hall", "yard" };
	struct job_request rq;
	struct job_progress p;
	struct pollfd pfd;
	struct job *j;
	char *cause = NULL, *report = NULL;
	int done = 0, wakes = 0;

	(void)state;
	request(&rq, cams, 2, JOB_REDACTED, T0, T0 + 8000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_fd(j), -1);
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_spawn(j, &cause), 0);
	assert_true(job_fd(j) >= 0);
	while (!done) {
		pfd.fd = job_fd(j);
		pfd.events = POLLIN;
		assert_true(poll(&pfd, 1, 10000) > 0);
		wakes++;
		done = job_poll(j, &p);
		assert_true(p.done >= 0 && p.done <= 1);
	}
	assert_true(wakes >= 2);
	assert_true(p.done == 1.0);
	assert_int_equal(job_end(j, &cause), 0);
	assert_int_equal(verify_pinned(job_bundle(j), &report), 0);
	free(report);
	job_free(j);
	clipfix_run("rm -rf '%s'/VIGIL-*", target);

	/* Cancelled through job_cancel(), and freed while running. */
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_spawn(j, &cause), 0);
	job_cancel(j);
	while (!job_poll(j, &p))
		usleep(10000);
	assert_int_equal(job_end(j, &cause), CLIP_CANCELLED);
	free(cause), cause = NULL;
	check_failed(job_start_seq(j), "cancel", 1);
	job_free(j);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_spawn(j, &cause), 0);
	job_free(j);	/* cancels, joins, records export-failed */
	assert_int_equal(entries(target), 0);
	check_failed(audit_count(alog) - 2, "cancel", 1);
}

static void
test_log_fails(void **state)
{
	const char *cams[] = { "hall" };
	struct job_request rq;
	struct job *j;
	struct audit_verify_result vr;
	struct audit_verify_opts vo;
	char *cause = NULL;
	int64_t n = audit_count(alog);

	(void)state;
	/* export-start cannot be written: refused, nothing made. */
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	fault_after("audit", 1, FAULT_ERROR);
	assert_int_equal(job_start(j, alog, key, &cause), -1);
	fault_after("audit", 0, FAULT_ERROR);
	free(cause), cause = NULL;
	assert_int_equal(audit_count(alog), n);
	assert_int_equal(entries(target), 0);
	job_free(j);
	assert_int_equal(audit_count(alog), n);

	/* export-done cannot be written: the bundle must not stay. */
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
	assert_int_equal(entries(target), 1);
	fault_after("audit", 1, FAULT_ERROR);
	assert_int_equal(job_end(j, &cause), -1);
	fault_after("audit", 0, FAULT_ERROR);
	assert_non_null(strstr(cause, "export-done could not be recorded"));
	free(cause), cause = NULL;
	assert_null(job_bundle(j));
	assert_int_equal(entries(target), 0);
	job_free(j);

	memset(&vr, 0, sizeof vr);
	memset(&vo, 0, sizeof vo);
	assert_int_equal(audit_verify(config_audit_db(cfg), &vo, &vr, &cause),
	    0);
	assert_int_equal(vr.fault, AUDIT_OK);
}

/* A full medium: refused before the start when the estimate does not
 * fit; cleaned up when it fills during the export (root only: tmpfs). */
static void
test_full(void **state)
{
	const char *cams[] = { "hall", "yard" };
	struct job_request rq;
	struct job *j;
	struct seen s;
	char *cause = NULL;
	int64_t n;

	(void)state;
	if (clipfix_tmpfs(target, 20 * 1024) != 0)
		skip();
	request(&rq, cams, 2, JOB_ORIGINAL, T0, T0 + 16000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	/* 6 MB free: less than the margin. */
	clipfix_run("dd if=/dev/zero of='%s/filler' bs=1M count=14 "
	    "2>/dev/null", target);
	n = audit_count(alog);
	assert_int_equal(job_check_space(j, &cause), -1);
	assert_non_null(strstr(cause, "not enough space"));
	free(cause), cause = NULL;
	assert_int_equal(job_start(j, alog, key, &cause), -1);
	free(cause), cause = NULL;
	assert_int_equal(audit_count(alog), n);
	job_free(j);
	unlink(strcat(strcpy((char[600]){ 0 }, target), "/filler"));

	/* Fills up mid-export. */
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	memset(&s, 0, sizeof s);
	s.fill_target = 1;
	assert_int_equal(job_run(j, on_progress, &s, NULL), -1);
	assert_int_equal(entries(target), 1);	/* the filler only */
	assert_int_equal(job_end(j, &cause), -1);
	assert_non_null(strstr(cause, "space"));
	free(cause), cause = NULL;
	check_failed(job_start_seq(j), NULL, 0);
	job_free(j);
	clipfix_umount(target);
}

/* Audio only when asked for, in both modes. */
static void
test_audio(void **state)
{
	static const enum job_mode modes[] = { JOB_ORIGINAL, JOB_REDACTED };
	const char *cams[] = { "door" };
	struct job_request rq;
	struct job *j;
	char *cause = NULL, path[1024], *codec;
	int m, audio;

	(void)state;
	for (m = 0; m < 2; m++) {
		for (audio = 0; audio < 2; audio++) {
			request(&rq, cams, 1, modes[m], T0, T0 + 3000);
			rq.audio = audio;
			if ((j = job_new(&rq, cfg, cat, &cause)) == NULL)
				fail_msg("job_new: %s", cause);
			assert_int_equal(job_start(j, alog, key, &cause), 0);
			assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
			assert_int_equal(job_end(j, &cause), 0);
			snprintf(path, sizeof path, "%s/clips/door_20250301T100000Z_"
			    "20250301T100003Z.mp4", job_bundle(j));
			assert_non_null(codec = clipfix_codec(path, "a"));
			assert_string_equal(codec, audio ? "aac" : "");
			free(codec);
			assert_int_equal(clipfix_nstreams(path), audio ? 2 : 1);
			job_free(j);
			clipfix_run("rm -rf '%s'/VIGIL-*", target);
		}
	}
}

/* A target folder whose name is not UTF-8: exported into, shown with '?'
 * in the log. */
static void
test_hostile_target(void **state)
{
	const char *cams[] = { "hall" };
	struct job_request rq;
	struct job *j;
	char *cause = NULL, *report = NULL, odd[600], action[64], *shown;
	json_t *d;

	(void)state;
	snprintf(odd, sizeof odd, "%s/stick-\xff\x01", target);
	assert_int_equal(mkdir(odd, 0755), 0);
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 3000);
	rq.target = odd;
	if ((j = job_new(&rq, cfg, cat, &cause)) == NULL)
		fail_msg("job_new: %s", cause);
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
	assert_int_equal(job_end(j, &cause), 0);
	assert_int_equal(verify_pinned(job_bundle(j), &report), 0);
	free(report);
	d = entry(job_start_seq(j), action, NULL, NULL, NULL);
	assert_non_null(shown = strstr(json_string_value(json_object_get(d,
	    "target")), "/stick-"));
	assert_string_equal(shown, "/stick-??");
	json_decref(d);
	job_free(j);
	clipfix_run("rm -rf '%s'", odd);
	assert_int_equal(entries(target), 0);
}

/* A job freed after job_start() (never run), or after job_run() without
 * job_end(): export-failed, nothing left. */
static void
test_abandoned(void **state)
{
	const char *cams[] = { "hall" };
	struct job_request rq;
	struct job *j;
	char *cause = NULL;

	(void)state;
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(entries(target), 1);
	job_free(j);
	assert_int_equal(entries(target), 0);
	check_failed(audit_count(alog) - 2, "start", 0);

	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
	assert_int_equal(entries(target), 1);	/* the bundle */
	job_free(j);
	assert_int_equal(entries(target), 0);
	check_failed(audit_count(alog) - 2, "record", 0);
}

/* Waits up to 10 s for pid to have exited without being reaped. */
static int
wait_zombie(pid_t pid)
{
	char path[64], buf[512], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	for (i = 0; i < 1000; i++) {
		if ((fd = open(path, O_RDONLY)) >= 0) {
			n = read(fd, buf, sizeof buf - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				p = strrchr(buf, ')');
				if (p != NULL && p[1] == ' ' && p[2] == 'Z')
					return 1;
			}
		}
		usleep(10000);
	}
	return 0;
}

/* A process that dies mid-export: the next start closes its export as
 * failed and removes its partial folder; a live one is left alone. */
static void
test_recover(void **state)
{
	const char *cams[] = { "hall" };
	struct job_request rq;
	struct job *j;
	char *cause = NULL, action[64];
	size_t closed = 7;
	int64_t n;
	pid_t pid;
	int status;
	json_t *d;

	(void)state;
	request(&rq, cams, 1, JOB_ORIGINAL, T0, T0 + 5000);
	n = audit_count(alog);
	if ((pid = fork()) == 0) {
		struct audit_log *l;

		l = audit_open(config_audit_db(cfg), config_audit_state(cfg), 0,
		    NULL);
		j = job_new(&rq, cfg, cat, NULL);
		if (l == NULL || j == NULL || job_start(j, l, key, NULL) != 0)
			_exit(1);
		_exit(0);	/* "crashes" after export-start */
	}
	assert_true(pid > 0);
	/* Not reaped yet: a dead process whose pid still exists (a zombie,
	 * as after kill -9 until its parent waits) counts as gone. */
	assert_true(wait_zombie(pid));
	assert_int_equal(audit_count(alog), n + 1);
	assert_int_equal(entries(target), 1);	/* the partial folder */

	/* This process's own open export is not touched. */
	assert_non_null(j = job_new(&rq, cfg, cat, &cause));
	assert_int_equal(job_start(j, alog, key, &cause), 0);
	assert_int_equal(job_recover(alog, "tty9", &closed, &cause), 0);
	assert_int_equal(closed, 1);
	assert_int_equal(entries(target), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	d = entry(n + 2, action, NULL, NULL, NULL);
	assert_string_equal(action, "export-failed");
	assert_int_equal(json_integer_value(json_object_get(d, "export")), n);
	assert_true(json_is_true(json_object_get(d, "recovered")));
	assert_true(json_is_true(json_object_get(d, "partial_removed")));
	json_decref(d);
	assert_int_equal(job_run(j, NULL, NULL, NULL), 0);
	assert_int_equal(job_end(j, &cause), 0);
	job_free(j);
	assert_int_equal(job_recover(alog, "tty9", &closed, &cause), 0);
	assert_int_equal(closed, 0);
	clipfix_run("rm -rf '%s'/VIGIL-*", target);
	assert_int_equal(entries(target), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_original),
		cmocka_unit_test(test_redacted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_approved),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_target_removed),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_spawn),
		cmocka_unit_test(test_log_fails),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_audio),
		cmocka_unit_test(test_hostile_target),
		cmocka_unit_test(test_abandoned),
		cmocka_unit_test(test_recover),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
