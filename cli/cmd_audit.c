/* cmd_audit — vigil audit: init, verify, note, show, checkpoint, report,
 * who-saw. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "session/session.h"
#include "export/export.h"
#include "cli/cli.h"
#include "util/util.h"

#define NOTE_MAX	4096
#define WITNESS_FILES_MAX	64	/* --witness given at most this often */

struct audit_args {
	const char	*config;
	const char	*db;
	const char	*state;
};

/* What vigil audit verify checks against. */
struct audit_verify_args {
	const char	*key_file;
	const char	*pk;		/* --pk */
	const char	*log_id;	/* --log-id */
	const char	*against;
	const char	*witness[WITNESS_FILES_MAX];
	size_t		 nwitness;
	unsigned	 heartbeat;	/* --heartbeat minutes; 0: the config's */
};

static const char cmd_audit_usage[] =
"usage: vigil audit init [--db PATH] [--state PATH] [--print-keys FILE]\n"
"       vigil audit verify [--db PATH] [--key-file FILE] [--pk HEX]\n"
"                          [--log-id HEX] [--against CHECKPOINT_FILE]\n"
"                          [--witness FILE]... [--heartbeat MINUTES]\n"
"       vigil audit note [--attest] [--db PATH] [--state PATH] TEXT\n"
"       vigil audit show [--db PATH] [--from T] [--to T] [--actor U]\n"
"                        [--action A] [--camera C] [--reason R]\n"
"                        [--reference S] [--limit N]\n"
"                        [--format table|csv|json]\n"
"       vigil audit checkpoint [--db PATH] [--state PATH] [--export FILE]\n"
"       vigil audit report [--db PATH] [--state PATH] [--from T] [--to T]\n"
"                          [--user U] [--camera C] [--action A] [--reason R]\n"
"                          [--reference S] [--views] [--flag NAME]...\n"
"                          [--against CHECKPOINT_FILE] [--key-file FILE]\n"
"                          [--key SECKEY] [--passphrase-file FILE]\n"
"                          --format csv|json|txt --out DIR\n"
"       vigil audit who-saw [--db PATH] [--state PATH] --camera C --from T\n"
"                           --to T [--format txt|csv|json]\n"
"\n"
"--db and --state default to [paths] audit_db and audit_state of vigil.conf.\n"
"Times are YYYY-MM-DD[THH:MM[:SS]] (local time unless followed by Z or an\n"
"offset). See vigil(1) and vigil-audit(5).\n";

enum { OPT_DB = 256, OPT_STATE, OPT_PRINT_KEYS, OPT_KEY_FILE, OPT_PK,
    OPT_AGAINST, OPT_ATTEST, OPT_FROM, OPT_TO, OPT_ACTOR, OPT_ACTION,
    OPT_CAMERA, OPT_FORMAT, OPT_EXPORT, OPT_LIMIT, OPT_HELP, OPT_REASON,
    OPT_REFERENCE, OPT_VIEWS, OPT_FLAG, OPT_OUT, OPT_KEY, OPT_PASSFILE,
    OPT_LOG_ID, OPT_WITNESS, OPT_HEARTBEAT };

static const struct option cmd_audit_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "print-keys", required_argument, NULL, OPT_PRINT_KEYS },
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },
	{ "pk", required_argument, NULL, OPT_PK },
	{ "against", required_argument, NULL, OPT_AGAINST },
	{ "log-id", required_argument, NULL, OPT_LOG_ID },
	{ "witness", required_argument, NULL, OPT_WITNESS },
	{ "heartbeat", required_argument, NULL, OPT_HEARTBEAT },
	{ "attest", no_argument, NULL, OPT_ATTEST },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "actor", required_argument, NULL, OPT_ACTOR },
	{ "user", required_argument, NULL, OPT_ACTOR },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "reference", required_argument, NULL, OPT_REFERENCE },
	{ "views", no_argument, NULL, OPT_VIEWS },
	{ "flag", required_argument, NULL, OPT_FLAG },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "camera", required_argument, NULL, OPT_CAMERA },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Prints a failure of a command and returns exit status 2. */
static int
cmd_audit_error(const char *what, char *cause)
{
	fprintf(stderr, "vigil audit %s: %s\n", what, cause != NULL ? cause :
	    "failed");
	free(cause);
	return 2;
}

/* Fills in --db/--state from the configuration when they were not given. */
static int
cmd_audit_paths(struct audit_args *a, const char *what, int need_state)
{
	char *cause = NULL;

	if (cmd_config_paths(a->config, &a->db, &a->state, &cause) != 0)
		return cmd_audit_error(what, cause);
	if (a->db == NULL) {
		fprintf(stderr, "vigil audit %s: no audit log: give --db PATH or "
		    "set [paths] audit_db in vigil.conf\n", what);
		return 2;
	}
	if (need_state && a->state == NULL) {
		fprintf(stderr, "vigil audit %s: no key state: give --state PATH "
		    "or set [paths] audit_state in vigil.conf\n", what);
		return 2;
	}
	return 0;
}

/* Applies [audit] checkpoint_every and syslog_socket of the
 * configuration, when it reads. */
static void
cmd_audit_settings_from_config(struct audit_log *log, const char *path)
{
	struct config *cfg;

	if ((cfg = cmd_config_get(path, NULL)) != NULL)
		logconf_apply(cfg, log);
}

static int
cmd_audit_init(struct audit_args *a, const char *print_keys)
{
	struct audit_keys k;
	struct config *cfg;
	char id[2 * AUDIT_LOGID_LEN + 1], k0[2 * AUDIT_KEY_LEN + 1];
	char pk[2 * AUDIT_PK_LEN + 1], *cause = NULL;
	unsigned every = AUDIT_CHECKPOINT_EVERY;
	int rc;

	if ((rc = cmd_audit_paths(a, "init", 1)) != 0)
		return rc;
	/* [audit] checkpoint_every is recorded in the log: verification
	 * counts more entries than that after a checkpoint as one missing. */
	if ((cfg = cmd_config_get(a->config, NULL)) != NULL &&
	    config_checkpoint_every(cfg) > 0)
		every = config_checkpoint_every(cfg);
	if (audit_create_every(a->db, a->state, every, &k, &cause) != 0)
		return cmd_audit_error("init", cause);
	if (print_keys != NULL && audit_keys_write(&k, print_keys, &cause) != 0) {
		fprintf(stderr, "vigil audit init: the log was created, but the "
		    "key file could not be written: %s\nThe verification "
		    "material follows on standard output.\n", cause);
		free(cause);
		cause = NULL;
		print_keys = NULL;
	}
	sodium_bin2hex(id, sizeof id, k.log_id, sizeof k.log_id);
	sodium_bin2hex(k0, sizeof k0, k.k0, sizeof k.k0);
	sodium_bin2hex(pk, sizeof pk, k.pk0, sizeof k.pk0);
	printf("Created audit log %s (key state %s).\n\n"
	    "Verification material, shown this once. Keep it off this machine:\n"
	    "  log_id %s\n"
	    "  k0     %s\n"
	    "         SECRET: checks every entry's MAC; keep it offline.\n"
	    "  pk0    %s\n"
	    "         public: checks every checkpoint signature.\n"
	    "  checkpoint_every %u\n"
	    "         at most this many entries may follow a checkpoint.\n",
	    a->db, a->state, id, k0, pk, k.checkpoint_every);
	if (print_keys != NULL)
		printf("\nWritten to %s (mode 0600); 'vigil audit verify "
		    "--key-file %s' reads it.\n", print_keys, print_keys);
	printf("\nPin the log in vigil.conf, so that a log replaced or re-keyed "
	    "is BROKEN\neverywhere (vigil.conf(5)):\n\n[audit]\nlog_id = %s\n"
	    "pk0 = %s\n", id, pk);
	sodium_memzero(k0, sizeof k0);
	sodium_memzero(&k, sizeof k);
	return 0;
}

static void
cmd_audit_progress(int64_t done, int64_t total, void *arg)
{
	(void)arg;
	if (isatty(STDERR_FILENO) && total > 0)
		fprintf(stderr, "\rverifying: %lld of %lld entries",
		    (long long)done, (long long)total);
}

/* Reads HEX of exactly len bytes into out; -1 when it is not that. */
static int
cmd_audit_hex_arg(const char *hex, uint8_t *out, size_t len)
{
	size_t got;

	if (strlen(hex) != 2 * len || sodium_hex2bin(out, len, hex, strlen(hex),
	    NULL, &got, NULL) != 0 || got != len)
		return -1;
	return 0;
}

/* Checks the log against the collector's files and says what that shows;
 * returns 0 (witnessed), 1 (a failure) or 2 (could not be read). */
static int
cmd_audit_witness(const char *db, const struct audit_verify_args *v,
    const uint8_t *log_id, const uint8_t *pk0, const char *identity,
    unsigned heartbeat)
{
	struct audit_witness_opts o;
	struct audit_witness_result r;
	const struct audit_witness_note *n;
	char *cause = NULL, when[40];
	size_t i;
	int kind;
	static const char *const heads[] = { "FAILED", "not witnessed",
	    "unauthenticated", "note" };

	memset(&o, 0, sizeof o);
	o.log_id = log_id;
	o.pk0 = pk0;
	o.heartbeat_ms = (int64_t)heartbeat * 60000;
	o.files = v->witness;
	o.nfiles = v->nwitness;
	if (audit_witness_check(db, &o, &r, &cause) != 0)
		return cmd_audit_error("verify --witness", cause);
	printf("witness: %lld line%s of this log in %zu file%s (identity %s), "
	    "%lld verified from %lld sender%s, %lld unauthenticated; %lld of "
	    "other logs\n", (long long)r.ours, r.ours == 1 ? "" : "s",
	    v->nwitness, v->nwitness == 1 ? "" : "s", identity,
	    (long long)r.verified, (long long)r.senders, r.senders == 1 ? "" :
	    "s", (long long)r.unauthenticated, (long long)r.other_log);
	if (r.newest_epoch >= 0)
		printf("  newest witnessed: checkpoint %lld over %lld entries, "
		    "received %s\n", (long long)r.newest_epoch,
		    (long long)r.newest_n, clock_format_utc(r.newest_ms, when,
		    sizeof when));
	/* Failures first, then the windows, then the lines that prove
	 * nothing. */
	for (kind = AUDIT_WITNESS_NOTE_FAIL; kind <= AUDIT_WITNESS_NOTE_INFO;
	    kind++)
		for (i = 0; i < r.nnotes; i++) {
			n = &r.notes[i];
			if ((int)n->kind != kind)
				continue;
			if (n->kind == AUDIT_WITNESS_NOTE_FAIL)
				printf("  FAILED: %s: %s\n",
				    audit_witness_fault_name(n->fault), n->text);
			else
				printf("  %s: %s\n", heads[kind], n->text);
		}
	if (r.omitted > 0)
		printf("  (%zu more not shown)\n", r.omitted);
	if (r.fault == AUDIT_WITNESS_OK)
		printf("  witnessed: no rollback, rewrite, fork, replacement or "
		    "silence in what the collector received; a rollback inside "
		    "a window not witnessed cannot be ruled out\n");
	audit_witness_result_free(&r);
	return r.fault == AUDIT_WITNESS_OK ? 0 : 1;
}

static int
cmd_audit_verify(struct audit_args *a, const struct audit_verify_args *v)
{
	struct audit_verify_opts o;
	struct audit_verify_result r;
	struct audit_keys k;
	struct audit_ckpt_info held;
	uint8_t pk[AUDIT_PK_LEN], pin_id[AUDIT_LOGID_LEN], pin_pk[AUDIT_PK_LEN];
	uint8_t log_id[AUDIT_LOGID_LEN], log_pk[AUDIT_PK_LEN];
	uint8_t given_id[AUDIT_LOGID_LEN];
	struct audit_log *log;
	struct config *cfg;
	const char *identity = NULL;
	char *cause = NULL;
	unsigned heartbeat = 5;
	int has_k0 = 0, pinned = 0, rc, wrc = 0;

	if ((rc = cmd_audit_paths(a, "verify", 0)) != 0)
		return rc;
	memset(&o, 0, sizeof o);
	memset(&k, 0, sizeof k);
	/* The identity pinned in vigil.conf, unless the DPO gives their own. */
	if ((cfg = cmd_config_get(a->config, NULL)) != NULL) {
		heartbeat = config_heartbeat_minutes(cfg);
		if (config_log_pin(cfg, pin_id, pin_pk) == 1) {
			pinned = 1;
			o.log_id = pin_id;
			o.pk0 = pin_pk;
			identity = "pinned in vigil.conf";
		}
	}
	if (v->heartbeat > 0)
		heartbeat = v->heartbeat;
	if (v->key_file != NULL) {
		if (audit_keys_read(v->key_file, &k, &has_k0, &cause) != 0)
			return cmd_audit_error("verify", cause);
		o.log_id = k.log_id;
		o.pk0 = k.pk0;
		o.checkpoint_every = k.checkpoint_every;
		identity = "from the key file";
		if (has_k0)
			o.k0 = k.k0;
		/* Say plainly when the log names another identity. */
		if ((log = audit_open(a->db, NULL, AUDIT_OPEN_READONLY,
		    &cause)) != NULL) {
			audit_ids(log, log_id, log_pk);
			audit_close(log);
			if (sodium_memcmp(log_id, k.log_id, sizeof log_id) != 0 ||
			    sodium_memcmp(log_pk, k.pk0, sizeof log_pk) != 0)
				printf("the log's %s differs from the key file's: "
				    "this is another log, or it was re-keyed\n",
				    sodium_memcmp(log_id, k.log_id, sizeof log_id)
				    != 0 ? "log_id" : "pk0");
		} else {
			free(cause);
			cause = NULL;
		}
	}
	if (v->pk != NULL) {
		if (cmd_audit_hex_arg(v->pk, pk, sizeof pk) != 0) {
			fprintf(stderr, "vigil audit verify: --pk takes 64 hex "
			    "digits (pk0 as printed at init)\n");
			sodium_memzero(&k, sizeof k);
			return 2;
		}
		o.pk0 = pk;
		identity = "given";
	}
	if (v->log_id != NULL) {
		if (cmd_audit_hex_arg(v->log_id, given_id, sizeof given_id) != 0) {
			fprintf(stderr, "vigil audit verify: --log-id takes 32 hex "
			    "digits (log_id as printed at init)\n");
			sodium_memzero(&k, sizeof k);
			return 2;
		}
		o.log_id = given_id;
		identity = "given";
	}
	if (v->nwitness > 0 && (o.log_id == NULL || o.pk0 == NULL)) {
		fprintf(stderr, "vigil audit verify: --witness needs the log's "
		    "identity from outside the log: pin log_id and pk0 in "
		    "vigil.conf, or give --key-file, or --log-id and --pk\n");
		sodium_memzero(&k, sizeof k);
		return 2;
	}
	if (v->against != NULL) {
		if (audit_checkpoint_import(v->against, &held, &cause) != 0) {
			sodium_memzero(&k, sizeof k);
			return cmd_audit_error("verify", cause);
		}
		o.against = &held;
	}
	o.progress = cmd_audit_progress;
	rc = audit_verify(a->db, &o, &r, &cause);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (rc != 0) {
		sodium_memzero(&k, sizeof k);
		return cmd_audit_error("verify", cause);
	}
	if (r.fault != AUDIT_OK) {
		if (r.seq >= 0)
			printf("FAILED at seq %lld: %s: %s\n", (long long)r.seq,
			    audit_fault_name(r.fault), r.detail);
		else
			printf("FAILED: %s: %s\n", audit_fault_name(r.fault),
			    r.detail);
		rc = 1;
	} else if (r.checkpoints == 0) {
		/* Exit 0 means a checkpoint signature was checked against
		 * pk0: a chain alone anyone can recompute. */
		printf("consistent, not anchored: %lld entries, 0 checkpoints\n"
		    "  the chain %s, but no checkpoint signature was "
		    "checked against pk0:\n  anyone can recompute a chain. "
		    "At most %lld entries may precede the first\n  checkpoint; "
		    "make one with 'vigil audit checkpoint'.\n",
		    (long long)r.entries, has_k0 ? "and the MACs hold" : "holds",
		    (long long)r.checkpoint_every);
		rc = 3;
	} else {
		printf("intact: %lld entries, %lld checkpoints",
		    (long long)r.entries, (long long)r.checkpoints);
		if (r.last_epoch >= 0)
			printf(" (newest %lld covers %lld entries)",
			    (long long)r.last_epoch, (long long)r.covered);
		printf("\n  MACs: %s\n  checkpoint key pk0: %s\n",
		    has_k0 ? "checked with k0 from the key file" :
		    "not checked (give --key-file with k0)",
		    v->pk != NULL ? "from --pk" : v->key_file != NULL ?
		    "from the key file" : pinned ? "pinned with the log_id in "
		    "vigil.conf" : "UNPINNED: from the log itself (pin log_id "
		    "and pk0 in vigil.conf, or give --key-file or --pk to check "
		    "against your own copy)");
		if (v->against != NULL)
			printf("  matches the checkpoint %lld you hold (%s)\n",
			    (long long)held.epoch, v->against);
		if (r.entries > r.covered)
			printf("  %lld newest entries are not yet covered by a "
			    "checkpoint\n", (long long)(r.entries - r.covered));
	}
	/* The witness, whatever the log says of itself: a rollback is
	 * consistent in itself. */
	if (v->nwitness > 0)
		wrc = cmd_audit_witness(a->db, v, o.log_id, o.pk0, identity,
		    heartbeat);
	sodium_memzero(&k, sizeof k);
	if (wrc == 2)
		return 2;
	return rc == 0 && wrc != 0 ? 1 : rc;
}

static int
cmd_audit_note(struct audit_args *a, int attest, const char *text)
{
	struct audit_log *log;
	struct audit_entry e;
	json_t *d;
	char *details, *actor, *term, *cause = NULL;
	size_t len = strlen(text);
	int64_t seq;
	int rc;

	if (len == 0) {
		fprintf(stderr, "vigil audit note: the text is empty\n");
		return 2;
	}
	if (len > NOTE_MAX) {
		fprintf(stderr, "vigil audit note: the text is %zu bytes; at most "
		    "%d are allowed\n", len, NOTE_MAX);
		return 2;
	}
	if (!utf8_valid(text, len)) {
		fprintf(stderr, "vigil audit note: the text is not valid UTF-8\n");
		return 2;
	}
	if ((rc = cmd_audit_paths(a, "note", 1)) != 0)
		return rc;
	if ((log = audit_open(a->db, a->state, 0, &cause)) == NULL)
		return cmd_audit_error("note", cause);
	cmd_audit_settings_from_config(log, a->config);
	d = json_pack("{s:s}", "text", text);
	details = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	actor = user_name_self();
	term = terminal_name_self();
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = attest ? "attest" : "note";
	e.details = details;
	e.terminal = term;
	seq = audit_append(log, &e, &cause);
	if (seq >= 0 && audit_checkpoint_failure(log) != NULL)
		fprintf(stderr, "vigil audit note: WARNING: %s\n",
		    audit_checkpoint_failure(log));
	audit_close(log);
	free(details);
	free(actor);
	free(term);
	if (seq < 0)
		return cmd_audit_error("note", cause);
	printf("logged as entry %lld (%s)\n", (long long)seq, attest ? "attest" :
	    "note");
	return 0;
}

/* Footage time, or "" when the entry names none. */
static const char *
cmd_audit_footage_time(int64_t ms, char *buf, size_t len)
{
	if (ms == 0) {
		buf[0] = '\0';
		return buf;
	}
	return clock_format_local(ms, buf, len);
}

static void
cmd_audit_show_row(FILE *f, const char *format, const struct audit_row *r,
    int *first)
{
	char t[40], ff[40], ft[40], seq[24], *s[6];
	json_t *o, *d;
	char *js;
	size_t i;

	clock_format_local(r->time_ms, t, sizeof t);
	cmd_audit_footage_time(r->from_ms, ff, sizeof ff);
	cmd_audit_footage_time(r->to_ms, ft, sizeof ft);
	if (strcmp(format, "csv") == 0) {
		snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
		report_csv_field(f, seq, 0);
		report_csv_field(f, t, 0);
		report_csv_field(f, r->actor, 0);
		report_csv_field(f, r->action, 0);
		report_csv_field(f, r->camera, 0);
		report_csv_field(f, ff, 0);
		report_csv_field(f, ft, 0);
		report_csv_field(f, r->reason_code, 0);
		report_csv_field(f, r->reference, 0);
		report_csv_field(f, r->terminal, 0);
		report_csv_field(f, r->details, 1);
		return;
	}
	if (strcmp(format, "json") == 0) {
		d = json_loads(r->details, 0, NULL);
		o = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:o,s:s}",
		    "seq", (json_int_t)r->seq, "time", t, "time_ms",
		    (json_int_t)r->time_ms, "actor", r->actor, "action", r->action,
		    "camera", r->camera, "from_ms", (json_int_t)r->from_ms,
		    "to_ms", (json_int_t)r->to_ms, "reason_code", r->reason_code,
		    "reference", r->reference, "details", d != NULL ? d :
		    json_object(), "terminal", r->terminal);
		js = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
		fprintf(f, "%s%s", *first ? "[\n" : ",\n", js);
		free(js);
		json_decref(o);
		*first = 0;
		return;
	}
	/* Table: hostile text is shown with control bytes replaced. */
	s[0] = utf8_sanitize(r->actor, strlen(r->actor));
	s[1] = utf8_sanitize(r->action, strlen(r->action));
	s[2] = utf8_sanitize(r->camera, strlen(r->camera));
	s[3] = utf8_sanitize(r->reason_code, strlen(r->reason_code));
	s[4] = utf8_sanitize(r->reference, strlen(r->reference));
	s[5] = utf8_sanitize(r->details, strlen(r->details));
	if (*first)
		fprintf(f, "%6s  %-25s  %-10s  %-13s  %-12s  %-8s  %-12s  %s\n",
		    "seq", "time", "actor", "action", "camera", "reason",
		    "reference", "footage / details");
	*first = 0;
	fprintf(f, "%6lld  %-25s  %-10s  %-13s  %-12s  %-8s  %-12s  ",
	    (long long)r->seq, t, s[0], s[1], s[2], s[3], s[4]);
	if (r->from_ms != 0 || r->to_ms != 0)
		fprintf(f, "%s – %s  ", ff, ft);
	fprintf(f, "%s\n", strcmp(s[5], "{}") == 0 ? "" : s[5]);
	for (i = 0; i < 6; i++)
		free(s[i]);
}

static int
cmd_audit_show(struct audit_args *a, struct audit_filter *flt, const char *format)
{
	struct audit_log *log;
	struct audit_iter *it;
	struct audit_row r;
	char *cause = NULL;
	int first = 1, rc;

	if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0) {
		fprintf(stderr, "vigil audit show: --format is table, csv or "
		    "json\n");
		return 2;
	}
	if ((rc = cmd_audit_paths(a, "show", 0)) != 0)
		return rc;
	if ((log = audit_open(a->db, NULL, AUDIT_OPEN_READONLY, &cause)) == NULL)
		return cmd_audit_error("show", cause);
	if ((it = audit_iter_new(log, flt, &cause)) == NULL) {
		audit_close(log);
		return cmd_audit_error("show", cause);
	}
	if (strcmp(format, "csv") == 0)
		fputs("seq,time,actor,action,camera,footage_from,footage_to,"
		    "reason_code,reference,terminal,details\r\n", stdout);
	while ((rc = audit_iter_next(it, &r, &cause)) == 1)
		cmd_audit_show_row(stdout, format, &r, &first);
	if (strcmp(format, "json") == 0)
		fputs(first ? "[]\n" : "\n]\n", stdout);
	audit_iter_free(it);
	audit_close(log);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vigil audit show: cannot write: %s\n",
		    strerror(errno));
		free(cause);
		return 2;
	}
	if (rc < 0)
		return cmd_audit_error("show", cause);
	return 0;
}

static int
cmd_audit_checkpoint(struct audit_args *a, const char *export)
{
	struct audit_log *log;
	struct audit_entry e;
	struct audit_ckpt_info ck;
	json_t *d;
	char *details, *actor, *term, *cause = NULL, when[40];
	int64_t epoch;
	int rc;

	if ((rc = cmd_audit_paths(a, "checkpoint", 1)) != 0)
		return rc;
	if (export != NULL && access(export, F_OK) == 0) {
		fprintf(stderr, "vigil audit checkpoint: %s already exists; "
		    "refusing to overwrite it\n", export);
		return 2;
	}
	if ((log = audit_open(a->db, a->state, 0, &cause)) == NULL)
		return cmd_audit_error("checkpoint", cause);
	cmd_audit_settings_from_config(log, a->config);
	d = export != NULL ? json_pack("{s:s}", "export", export) : json_object();
	details = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	actor = user_name_self();
	term = terminal_name_self();
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = "checkpoint";
	e.details = details;
	e.terminal = term;
	if (audit_append(log, &e, &cause) < 0 ||
	    (epoch = audit_checkpoint(log, &cause)) < 0 ||
	    audit_checkpoint_latest(log, &ck, &cause) != 0) {
		audit_close(log);
		free(details);
		free(actor);
		free(term);
		return cmd_audit_error("checkpoint", cause);
	}
	audit_close(log);
	free(details);
	free(actor);
	free(term);
	printf("checkpoint %lld covers %lld entries (%s)\n", (long long)epoch,
	    (long long)ck.n, clock_format_utc(ck.time_ms, when, sizeof when));
	if (export != NULL) {
		if (audit_checkpoint_export(&ck, export, &cause) != 0)
			return cmd_audit_error("checkpoint", cause);
		printf("exported to %s; keep it off this machine and check the "
		    "log against it with 'vigil audit verify --against %s'\n",
		    export, export);
	}
	return 0;
}

/* The review thresholds of the configuration; *codes is the caller's to
 * free (the strings stay the configuration's). */
static int
cmd_audit_limits(const char *config, struct audit_review_limits *lim,
    struct audit_review_code **codes, char **cause)
{
	const struct config_review *cr;
	const struct config_reason *r;
	struct config *cfg;
	size_t i, n;

	memset(lim, 0, sizeof *lim);
	*codes = NULL;
	if ((cfg = cmd_config_get(config, cause)) == NULL)
		return -1;
	cr = config_review(cfg);
	lim->work_from = cr->work_from;
	lim->work_to = cr->work_to;
	lim->max_view_minutes = cr->max_view_minutes;
	lim->max_views_per_day = cr->max_views_per_day;
	lim->max_cameras_per_reference = cr->max_cameras_per_reference;
	n = config_reason_count(cfg);
	*codes = xcalloc(n + 1, sizeof **codes);
	for (i = 0; i < n; i++) {
		r = config_reason_at(cfg, i);
		(*codes)[i].code = r->code;
		(*codes)[i].reference_regex = r->reference_regex;
		(*codes)[i].cap_seconds = r->cap_seconds;
		(*codes)[i].needs_approval = r->needs_approval;
	}
	lim->codes = *codes;
	lim->ncodes = n;
	return 0;
}

/* The signing key for a report (cmd_signing_key()); the configuration is
 * read only when no key is given. */
static struct sign_key *
cmd_audit_key(const char *config, const char *given, const char *passfile,
    char **cause)
{
	struct config *cfg = NULL;

	if (given == NULL && (cfg = cmd_config_get(config, cause)) == NULL)
		return NULL;
	return cmd_signing_key(cfg, given, passfile, cause);
}

static void
cmd_audit_report_progress(const char *stage, int64_t done, int64_t total, void *arg)
{
	(void)arg;
	if (!isatty(STDERR_FILENO))
		return;
	if (total > 0)
		fprintf(stderr, "\r\033[K%s: %lld of %lld", stage, (long long)done,
		    (long long)total);
	else
		fprintf(stderr, "\r\033[K%s: %lld", stage, (long long)done);
}

/* Opens the log for a review command (written to: the review is logged)
 * and starts a review over it. */
static int
cmd_audit_review_open(struct audit_args *a, const char *what,
    struct audit_log **log, struct audit_review **rv,
    struct audit_review_code **codes)
{
	struct audit_review_limits lim;
	char *cause = NULL;
	int rc;

	if ((rc = cmd_audit_paths(a, what, 1)) != 0)
		return rc;
	if (cmd_audit_limits(a->config, &lim, codes, &cause) != 0)
		return cmd_audit_error(what, cause);
	if ((*log = audit_open(a->db, a->state, 0, &cause)) == NULL) {
		free(*codes);
		return cmd_audit_error(what, cause);
	}
	cmd_audit_settings_from_config(*log, a->config);
	if ((*rv = audit_review_new(*log, &lim, &cause)) == NULL) {
		audit_close(*log);
		free(*codes);
		return cmd_audit_error(what, cause);
	}
	return 0;
}

static int
cmd_audit_report(struct audit_args *a, const struct audit_review_filter *f,
    const char *format, const char *out, const char *keypath,
    const char *passfile, const char *against, const char *key_file)
{
	struct audit_log *log;
	struct audit_review *rv;
	struct audit_review_code *codes;
	struct report_opts o;
	uint8_t pin_id[16], pin_pk[32];
	struct config *cfg;
	struct report_result res;
	struct audit_keys k;
	struct sign_key *key;
	char *cause = NULL, *actor, *term, *abs;
	int has_k0 = 0, rc;

	if (out == NULL) {
		fprintf(stderr, "vigil audit report: give --out DIR (a new "
		    "directory)\n");
		return 2;
	}
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "txt") != 0) {
		fprintf(stderr, "vigil audit report: --format is csv, json or "
		    "txt\n");
		return 2;
	}
	if (access(out, F_OK) == 0) {
		fprintf(stderr, "vigil audit report: %s already exists; give a "
		    "new directory\n", out);
		return 2;
	}
	memset(&k, 0, sizeof k);
	if (key_file != NULL && audit_keys_read(key_file, &k, &has_k0,
	    &cause) != 0)
		return cmd_audit_error("report", cause);
	if ((key = cmd_audit_key(a->config, keypath, passfile,
	    &cause)) == NULL) {
		sodium_memzero(&k, sizeof k);
		return cmd_audit_error("report", cause);
	}
	if ((rc = cmd_audit_review_open(a, "report", &log, &rv, &codes)) != 0) {
		sign_key_free(key);
		sodium_memzero(&k, sizeof k);
		return rc;
	}
	actor = user_name_self();
	term = terminal_name_self();
	/* The filter applied is logged before anything is read. */
	if (audit_review_log_review(log, actor, term, "report", f, &cause) < 0) {
		rc = cmd_audit_error("report", cause);
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.log = log;
	o.review = rv;
	o.db = a->db;
	o.filter = f;
	o.format = format;
	o.out = out;
	o.key = key;
	o.against = against;
	o.k0 = has_k0 ? k.k0 : NULL;
	if ((cfg = cmd_config_get(a->config, NULL)) != NULL &&
	    config_log_pin(cfg, pin_id, pin_pk) == 1) {
		o.pin_log_id = pin_id;
		o.pin_pk0 = pin_pk;
	}
	o.made_by = actor;
	o.progress = cmd_audit_report_progress;
	rc = report_write(&o, &res, &cause);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (rc != 0) {
		rc = cmd_audit_error("report", cause);
		goto out;
	}
	abs = realpath(out, NULL);
	if (audit_review_log_report(log, actor, term, f, format, abs != NULL ?
	    abs : out, res.sums_hex, res.rows, &cause) < 0) {
		fprintf(stderr, "vigil audit report: the report was written to "
		    "%s but could not be logged: %s\n", out, cause);
		free(cause);
		free(abs);
		rc = 2;
		goto out;
	}
	free(abs);
	printf("report written to %s: %lld rows\n  verification: %s\n"
	    "  SHA256SUMS sha256 %s\n  check it with the published key: "
	    "minisign -Vm SHA256SUMS -P <key> && sha256sum -c SHA256SUMS\n", out,
	    (long long)res.rows, res.verdict, res.sums_hex);
	rc = res.intact ? 0 : 1;
out:
	sodium_memzero(&k, sizeof k);
	sign_key_free(key);
	audit_review_free(rv);
	audit_close(log);
	free(codes);
	free(actor);
	free(term);
	return rc;
}

/* One who-saw row in format. */
static void
cmd_audit_who_saw_row(FILE *f, const char *format, const struct audit_review_row *r,
    int *first)
{
	char t[40], ff[40], ft[40], vs[32], seq[24];
	const char *what = r->is_view ? (r->end_seq >= 0 ? r->end_action :
	    "view (open)") : r->action;
	const char *overlap = r->shown_overlap > 0 ? "yes" :
	    r->shown_overlap == 0 ? "no" : "unknown";
	char *s[4];
	json_t *o;
	char *js;
	int i;

	clock_format_local(r->time_ms, t, sizeof t);
	cmd_audit_footage_time(r->from_ms, ff, sizeof ff);
	cmd_audit_footage_time(r->to_ms, ft, sizeof ft);
	if (r->wall_ms >= 0)
		snprintf(vs, sizeof vs, "%lld", (long long)(r->wall_ms / 1000));
	else
		vs[0] = '\0';
	if (strcmp(format, "csv") == 0) {
		snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
		report_csv_field(f, seq, 0);
		report_csv_field(f, t, 0);
		report_csv_field(f, r->actor, 0);
		report_csv_field(f, what, 0);
		report_csv_field(f, r->camera, 0);
		report_csv_field(f, ff, 0);
		report_csv_field(f, ft, 0);
		report_csv_field(f, r->reason_code, 0);
		report_csv_field(f, r->reference, 0);
		report_csv_field(f, vs, 0);
		report_csv_field(f, r->is_view ? overlap : "", 1);
		return;
	}
	if (strcmp(format, "json") == 0) {
		o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:o,s:o}",
		    "seq", (json_int_t)r->seq, "time", t, "user", r->actor,
		    "what", what, "camera", r->camera, "footage_from_ms",
		    (json_int_t)r->from_ms, "footage_to_ms", (json_int_t)r->to_ms,
		    "reason_code", r->reason_code, "reference", r->reference,
		    "viewed_ms", r->wall_ms >= 0 ? json_integer(r->wall_ms) :
		    json_null(), "shown_in_window", !r->is_view ||
		    r->shown_overlap < 0 ? json_null() :
		    json_boolean(r->shown_overlap > 0));
		js = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) :
		    NULL;
		fprintf(f, "%s%s", *first ? "[\n" : ",\n", js != NULL ? js : "{}");
		free(js);
		json_decref(o);
		*first = 0;
		return;
	}
	s[0] = utf8_sanitize(r->actor, strlen(r->actor));
	s[1] = utf8_sanitize(r->camera, strlen(r->camera));
	s[2] = utf8_sanitize(r->reason_code, strlen(r->reason_code));
	s[3] = utf8_sanitize(r->reference, strlen(r->reference));
	if (*first)
		printf("%6s  %-25s  %-10s  %-13s  %-10s  %-9s  %-14s  %s\n", "seq",
		    "time", "user", "what", "camera", "reason", "reference",
		    "footage declared; viewed s; shown in window");
	*first = 0;
	fprintf(f, "%6lld  %-25s  %-10s  %-13s  %-10s  %-9s  %-14s  %s - %s",
	    (long long)r->seq, t, s[0], what, s[1], s[2], s[3], ff, ft);
	if (r->is_view)
		fprintf(f, "; %s; %s", vs[0] != '\0' ? vs : "?", overlap);
	fputc('\n', f);
	for (i = 0; i < 4; i++)
		free(s[i]);
}

static int
cmd_audit_who_saw(struct audit_args *a, const struct audit_filter *flt,
    const char *format)
{
	struct audit_log *log;
	struct audit_review *rv;
	struct audit_review_code *codes;
	struct audit_review_filter f;
	struct audit_review_iter *it;
	struct audit_review_row r;
	char *cause = NULL, *actor, *term;
	int first = 1, rc, n = 0;

	if (strcmp(format, "table") == 0)
		format = "txt";
	if (strcmp(format, "txt") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0) {
		fprintf(stderr, "vigil audit who-saw: --format is txt, csv or "
		    "json\n");
		return 2;
	}
	if (flt->camera == NULL || flt->camera[0] == '\0' || flt->from_ms == 0 ||
	    flt->to_ms == 0) {
		fprintf(stderr, "vigil audit who-saw: give --camera C, --from T "
		    "and --to T (when the person was in front of the camera)\n");
		return 2;
	}
	if (flt->to_ms <= flt->from_ms) {
		fprintf(stderr, "vigil audit who-saw: --to must be after --from\n");
		return 2;
	}
	memset(&f, 0, sizeof f);
	f.camera = flt->camera;
	f.footage_from = flt->from_ms;
	f.footage_to = flt->to_ms;
	f.who_saw = 1;
	if ((rc = cmd_audit_review_open(a, "who-saw", &log, &rv, &codes)) != 0)
		return rc;
	actor = user_name_self();
	term = terminal_name_self();
	if (audit_review_log_review(log, actor, term, "who-saw", &f, &cause) < 0) {
		rc = cmd_audit_error("who-saw", cause);
		goto out;
	}
	if ((it = audit_review_iter_new(rv, &f, &cause)) == NULL) {
		rc = cmd_audit_error("who-saw", cause);
		goto out;
	}
	if (strcmp(format, "csv") == 0)
		fputs("seq,time,user,what,camera,footage_from,footage_to,"
		    "reason_code,reference,viewed_seconds,shown_in_window\r\n",
		    stdout);
	while ((rc = audit_review_iter_next(it, &r, &cause)) == 1) {
		cmd_audit_who_saw_row(stdout, format, &r, &first);
		n++;
	}
	audit_review_iter_free(it);
	if (strcmp(format, "json") == 0)
		fputs(first ? "[]\n" : "\n]\n", stdout);
	else if (strcmp(format, "txt") == 0 && n == 0)
		printf("no view or export of %s covers that time\n", f.camera);
	if (rc < 0) {
		rc = cmd_audit_error("who-saw", cause);
		goto out;
	}
	rc = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vigil audit who-saw: cannot write: %s\n",
		    strerror(errno));
		rc = 2;
	}
out:
	audit_review_free(rv);
	audit_close(log);
	free(codes);
	free(actor);
	free(term);
	return rc;
}

/* Parses a time option. */
static int
cmd_audit_time_opt(const char *name, const char *s, int64_t *ms)
{
	if (clock_parse(s, 1, ms) != 0) {
		fprintf(stderr, "vigil audit: --%s '%s' is not a time "
		    "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])\n", name, s);
		return -1;
	}
	return 0;
}

int
cmd_audit(int argc, char **argv, const char *config)
{
	struct audit_args a = { config, NULL, NULL };
	struct audit_verify_args va;
	struct audit_filter flt;
	const char *sub, *print_keys = NULL, *key_file = NULL, *pk = NULL;
	const char *against = NULL, *format = NULL, *export = NULL;
	const char *out = NULL, *keypath = NULL, *passfile = NULL, *p;
	struct audit_review_filter rf;
	unsigned fl;
	char *end, *names, *tok, *save;
	int attest = 0, c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(cmd_audit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	memset(&flt, 0, sizeof flt);
	memset(&rf, 0, sizeof rf);
	memset(&va, 0, sizeof va);
	flt.after_seq = -1;
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", cmd_audit_options, NULL)) != -1) {
		switch (c) {
		case OPT_DB:		a.db = optarg; break;
		case OPT_STATE:		a.state = optarg; break;
		case OPT_PRINT_KEYS:	print_keys = optarg; break;
		case OPT_KEY_FILE:	key_file = optarg; break;
		case OPT_PK:		pk = optarg; break;
		case OPT_AGAINST:	against = optarg; break;
		case OPT_LOG_ID:	va.log_id = optarg; break;
		case OPT_WITNESS:
			if (va.nwitness == WITNESS_FILES_MAX) {
				fprintf(stderr, "vigil audit %s: at most %d "
				    "--witness files\n", sub, WITNESS_FILES_MAX);
				return 2;
			}
			va.witness[va.nwitness++] = optarg;
			break;
		case OPT_HEARTBEAT:
			va.heartbeat = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || va.heartbeat < 1 ||
			    va.heartbeat > 60 || !isdigit((unsigned char)*optarg)) {
				fprintf(stderr, "vigil audit %s: --heartbeat takes "
				    "minutes from 1 to 60\n", sub);
				return 2;
			}
			break;
		case OPT_ATTEST:	attest = 1; break;
		case OPT_ACTOR:		flt.actor = optarg; break;
		case OPT_ACTION:	flt.action = optarg; break;
		case OPT_CAMERA:	flt.camera = optarg; break;
		case OPT_FORMAT:	format = optarg; break;
		case OPT_EXPORT:	export = optarg; break;
		case OPT_REASON:	flt.reason_code = optarg; break;
		case OPT_REFERENCE:	flt.reference = optarg; break;
		case OPT_VIEWS:		rf.views_only = 1; break;
		case OPT_OUT:		out = optarg; break;
		case OPT_KEY:		keypath = optarg; break;
		case OPT_PASSFILE:	passfile = optarg; break;
		case OPT_FLAG:
			names = xstrdup(optarg);
			for (tok = strtok_r(names, ", ", &save); tok != NULL;
			    tok = strtok_r(NULL, ", ", &save)) {
				if ((fl = audit_flag_parse(tok)) == 0) {
					fprintf(stderr, "vigil audit %s: unknown "
					    "flag '%s' (hours, long, pattern, "
					    "reused, many, cap, unapproved, "
					    "aborted)\n", sub, tok);
					free(names);
					return 2;
				}
				rf.flags |= fl;
			}
			free(names);
			break;
		case OPT_FROM:
			if (cmd_audit_time_opt("from", optarg, &flt.from_ms) != 0)
				return 2;
			break;
		case OPT_TO:
			if (cmd_audit_time_opt("to", optarg, &flt.to_ms) != 0)
				return 2;
			break;
		case OPT_LIMIT:
			flt.limit = strtoll(optarg, &end, 10);
			if (*end != '\0' || flt.limit <= 0) {
				fprintf(stderr, "vigil audit show: --limit takes a "
				    "positive number\n");
				return 2;
			}
			break;
		case OPT_HELP:
			fputs(cmd_audit_usage, stdout);
			return 0;
		default:
			fprintf(stderr, "vigil audit %s: unknown or incomplete "
			    "option '%s'\n%s", sub, argv[optind - 1], cmd_audit_usage);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (strcmp(sub, "note") == 0) {
		if (argc != 1) {
			fprintf(stderr, "vigil audit note: give the text as one "
			    "argument (quote it)\n");
			return 2;
		}
		return cmd_audit_note(&a, attest, argv[0]);
	}
	if (argc != 0) {
		fprintf(stderr, "vigil audit %s: unexpected argument '%s'\n", sub,
		    argv[0]);
		return 2;
	}
	if (strcmp(sub, "init") == 0)
		return cmd_audit_init(&a, print_keys);
	if (strcmp(sub, "verify") == 0) {
		va.key_file = key_file;
		va.pk = pk;
		va.against = against;
		return cmd_audit_verify(&a, &va);
	}
	if (strcmp(sub, "show") == 0)
		return cmd_audit_show(&a, &flt, format != NULL ? format : "table");
	if (strcmp(sub, "report") == 0) {
		rf.from_ms = flt.from_ms;
		rf.to_ms = flt.to_ms;
		rf.actor = flt.actor;
		rf.camera = flt.camera;
		rf.action = flt.action;
		rf.reason_code = flt.reason_code;
		rf.reference = flt.reference;
		if (format == NULL) {
			fprintf(stderr, "vigil audit report: give --format csv, "
			    "json or txt\n");
			return 2;
		}
		for (p = rf.action; p != NULL && *p != '\0'; p++) {
			if ((*p < 'a' || *p > 'z') && *p != '-') {
				fprintf(stderr, "vigil audit report: --action "
				    "takes an action name such as view-start\n");
				return 2;
			}
		}
		return cmd_audit_report(&a, &rf, format, out, keypath, passfile,
		    against, key_file);
	}
	if (strcmp(sub, "who-saw") == 0)
		return cmd_audit_who_saw(&a, &flt, format != NULL ? format :
		    "txt");
	if (strcmp(sub, "checkpoint") == 0)
		return cmd_audit_checkpoint(&a, export);
	fprintf(stderr, "vigil audit: unknown command '%s'\n%s", sub, cmd_audit_usage);
	return 2;
}
