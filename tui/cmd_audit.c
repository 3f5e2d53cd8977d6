/* cmd_audit — vigil audit: init, verify, note, show, checkpoint. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "tui/cmd.h"
#include "util/util.h"

#define NOTE_MAX	4096

struct audit_args {
	const char	*config;
	const char	*db;
	const char	*state;
};

static const char audit_usage[] =
"usage: vigil audit init [--db PATH] [--state PATH] [--print-keys FILE]\n"
"       vigil audit verify [--db PATH] [--key-file FILE] [--pk HEX]\n"
"                          [--against CHECKPOINT_FILE]\n"
"       vigil audit note [--attest] [--db PATH] [--state PATH] TEXT\n"
"       vigil audit show [--db PATH] [--from T] [--to T] [--actor U]\n"
"                        [--action A] [--camera C] [--limit N]\n"
"                        [--format table|csv|json]\n"
"       vigil audit checkpoint [--db PATH] [--state PATH] [--export FILE]\n"
"\n"
"--db and --state default to [paths] audit_db and audit_state of vigil.conf.\n"
"Times are YYYY-MM-DD[THH:MM[:SS]] (local time unless followed by Z or an\n"
"offset). See vigil(1) and vigil-audit(5).\n";

enum { OPT_DB = 256, OPT_STATE, OPT_PRINT_KEYS, OPT_KEY_FILE, OPT_PK,
    OPT_AGAINST, OPT_ATTEST, OPT_FROM, OPT_TO, OPT_ACTOR, OPT_ACTION,
    OPT_CAMERA, OPT_FORMAT, OPT_EXPORT, OPT_LIMIT, OPT_HELP };

static const struct option audit_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "print-keys", required_argument, NULL, OPT_PRINT_KEYS },
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },
	{ "pk", required_argument, NULL, OPT_PK },
	{ "against", required_argument, NULL, OPT_AGAINST },
	{ "attest", no_argument, NULL, OPT_ATTEST },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "actor", required_argument, NULL, OPT_ACTOR },
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
audit_error(const char *what, char *cause)
{
	fprintf(stderr, "vigil audit %s: %s\n", what, cause != NULL ? cause :
	    "failed");
	free(cause);
	return 2;
}

/* Fills in --db/--state from the configuration when they were not given. */
static int
audit_paths(struct audit_args *a, const char *what, int need_state)
{
	char *cause = NULL;

	if (cmd_config_paths(a->config, &a->db, &a->state, &cause) != 0)
		return audit_error(what, cause);
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

/* Applies [audit] checkpoint_every of the configuration, when it reads. */
static void
audit_checkpoint_every_from_config(struct audit_log *log, const char *path)
{
	struct config *cfg;

	if ((cfg = cmd_config_get(path, NULL)) != NULL)
		audit_set_checkpoint_every(log, config_checkpoint_every(cfg));
}

static int
audit_init(struct audit_args *a, const char *print_keys)
{
	struct audit_keys k;
	char id[2 * AUDIT_LOGID_LEN + 1], k0[2 * AUDIT_KEY_LEN + 1];
	char pk[2 * AUDIT_PK_LEN + 1], *cause = NULL;
	int rc;

	if ((rc = audit_paths(a, "init", 1)) != 0)
		return rc;
	if (audit_create(a->db, a->state, &k, &cause) != 0)
		return audit_error("init", cause);
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
	    "         public: checks every checkpoint signature.\n",
	    a->db, a->state, id, k0, pk);
	if (print_keys != NULL)
		printf("\nWritten to %s (mode 0600); 'vigil audit verify "
		    "--key-file %s' reads it.\n", print_keys, print_keys);
	sodium_memzero(k0, sizeof k0);
	sodium_memzero(&k, sizeof k);
	return 0;
}

static void
audit_progress(int64_t done, int64_t total, void *arg)
{
	(void)arg;
	if (isatty(STDERR_FILENO) && total > 0)
		fprintf(stderr, "\rverifying: %lld of %lld entries",
		    (long long)done, (long long)total);
}

static int
audit_verify_cmd(struct audit_args *a, const char *key_file, const char *pkhex,
    const char *against)
{
	struct audit_verify_opts o;
	struct audit_verify_result r;
	struct audit_keys k;
	struct audit_ckpt_info held;
	uint8_t pk[AUDIT_PK_LEN];
	size_t got;
	char *cause = NULL;
	int has_k0 = 0, rc;

	if ((rc = audit_paths(a, "verify", 0)) != 0)
		return rc;
	memset(&o, 0, sizeof o);
	if (key_file != NULL) {
		if (audit_keys_read(key_file, &k, &has_k0, &cause) != 0)
			return audit_error("verify", cause);
		o.log_id = k.log_id;
		o.pk0 = k.pk0;
		if (has_k0)
			o.k0 = k.k0;
	}
	if (pkhex != NULL) {
		if (strlen(pkhex) != 2 * AUDIT_PK_LEN ||
		    sodium_hex2bin(pk, sizeof pk, pkhex, strlen(pkhex), NULL, &got,
		    NULL) != 0 || got != sizeof pk) {
			fprintf(stderr, "vigil audit verify: --pk takes 64 hex "
			    "digits (pk0 as printed at init)\n");
			sodium_memzero(&k, sizeof k);
			return 2;
		}
		o.pk0 = pk;
	}
	if (against != NULL) {
		if (audit_checkpoint_import(against, &held, &cause) != 0) {
			sodium_memzero(&k, sizeof k);
			return audit_error("verify", cause);
		}
		o.against = &held;
	}
	o.progress = audit_progress;
	rc = audit_verify(a->db, &o, &r, &cause);
	sodium_memzero(&k, sizeof k);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (rc != 0)
		return audit_error("verify", cause);
	if (r.fault != AUDIT_OK) {
		if (r.seq >= 0)
			printf("FAILED at seq %lld: %s: %s\n", (long long)r.seq,
			    audit_fault_name(r.fault), r.detail);
		else
			printf("FAILED: %s: %s\n", audit_fault_name(r.fault),
			    r.detail);
		return 1;
	}
	printf("intact: %lld entries, %lld checkpoints", (long long)r.entries,
	    (long long)r.checkpoints);
	if (r.last_epoch >= 0)
		printf(" (newest %lld covers %lld entries)", (long long)r.last_epoch,
		    (long long)r.covered);
	printf("\n  MACs: %s\n  checkpoint key pk0: %s\n",
	    has_k0 ? "checked with k0 from the key file" :
	    "not checked (give --key-file with k0)",
	    pkhex != NULL ? "from --pk" : key_file != NULL ? "from the key file" :
	    "from the log itself (give --key-file or --pk to check against "
	    "your own copy)");
	if (against != NULL)
		printf("  matches the checkpoint %lld you hold (%s)\n",
		    (long long)held.epoch, against);
	if (r.entries > r.covered)
		printf("  %lld newest entries are not yet covered by a "
		    "checkpoint\n", (long long)(r.entries - r.covered));
	return 0;
}

static int
audit_note(struct audit_args *a, int attest, const char *text)
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
	if ((rc = audit_paths(a, "note", 1)) != 0)
		return rc;
	if ((log = audit_open(a->db, a->state, 0, &cause)) == NULL)
		return audit_error("note", cause);
	audit_checkpoint_every_from_config(log, a->config);
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
	audit_close(log);
	free(details);
	free(actor);
	free(term);
	if (seq < 0)
		return audit_error("note", cause);
	printf("logged as entry %lld (%s)\n", (long long)seq, attest ? "attest" :
	    "note");
	return 0;
}

/* Writes s as a CSV field (RFC 4180). */
static void
audit_csv_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

/* Footage time, or "" when the entry names none. */
static const char *
audit_footage_time(int64_t ms, char *buf, size_t len)
{
	if (ms == 0) {
		buf[0] = '\0';
		return buf;
	}
	return clock_format_local(ms, buf, len);
}

static void
audit_show_row(FILE *f, const char *format, const struct audit_row *r,
    int *first)
{
	char t[40], ff[40], ft[40], seq[24], *s[6];
	json_t *o, *d;
	char *js;
	size_t i;

	clock_format_local(r->time_ms, t, sizeof t);
	audit_footage_time(r->from_ms, ff, sizeof ff);
	audit_footage_time(r->to_ms, ft, sizeof ft);
	if (strcmp(format, "csv") == 0) {
		snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
		audit_csv_field(f, seq, 0);
		audit_csv_field(f, t, 0);
		audit_csv_field(f, r->actor, 0);
		audit_csv_field(f, r->action, 0);
		audit_csv_field(f, r->camera, 0);
		audit_csv_field(f, ff, 0);
		audit_csv_field(f, ft, 0);
		audit_csv_field(f, r->reason_code, 0);
		audit_csv_field(f, r->reference, 0);
		audit_csv_field(f, r->terminal, 0);
		audit_csv_field(f, r->details, 1);
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
audit_show(struct audit_args *a, struct audit_filter *flt, const char *format)
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
	if ((rc = audit_paths(a, "show", 0)) != 0)
		return rc;
	if ((log = audit_open(a->db, NULL, AUDIT_OPEN_READONLY, &cause)) == NULL)
		return audit_error("show", cause);
	if ((it = audit_iter_new(log, flt, &cause)) == NULL) {
		audit_close(log);
		return audit_error("show", cause);
	}
	if (strcmp(format, "csv") == 0)
		fputs("seq,time,actor,action,camera,footage_from,footage_to,"
		    "reason_code,reference,terminal,details\r\n", stdout);
	while ((rc = audit_iter_next(it, &r, &cause)) == 1)
		audit_show_row(stdout, format, &r, &first);
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
		return audit_error("show", cause);
	return 0;
}

static int
audit_checkpoint_cmd(struct audit_args *a, const char *export)
{
	struct audit_log *log;
	struct audit_entry e;
	struct audit_ckpt_info ck;
	json_t *d;
	char *details, *actor, *term, *cause = NULL, when[40];
	int64_t epoch;
	int rc;

	if ((rc = audit_paths(a, "checkpoint", 1)) != 0)
		return rc;
	if (export != NULL && access(export, F_OK) == 0) {
		fprintf(stderr, "vigil audit checkpoint: %s already exists; "
		    "refusing to overwrite it\n", export);
		return 2;
	}
	if ((log = audit_open(a->db, a->state, 0, &cause)) == NULL)
		return audit_error("checkpoint", cause);
	audit_checkpoint_every_from_config(log, a->config);
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
		return audit_error("checkpoint", cause);
	}
	audit_close(log);
	free(details);
	free(actor);
	free(term);
	printf("checkpoint %lld covers %lld entries (%s)\n", (long long)epoch,
	    (long long)ck.n, clock_format_utc(ck.time_ms, when, sizeof when));
	if (export != NULL) {
		if (audit_checkpoint_export(&ck, export, &cause) != 0)
			return audit_error("checkpoint", cause);
		printf("exported to %s; keep it off this machine and check the "
		    "log against it with 'vigil audit verify --against %s'\n",
		    export, export);
	}
	return 0;
}

/* Parses a time option for show. */
static int
audit_time_opt(const char *name, const char *s, int64_t *ms)
{
	if (clock_parse(s, 1, ms) != 0) {
		fprintf(stderr, "vigil audit show: --%s '%s' is not a time "
		    "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])\n", name, s);
		return -1;
	}
	return 0;
}

int
cmd_audit(int argc, char **argv, const char *config)
{
	struct audit_args a = { config, NULL, NULL };
	struct audit_filter flt;
	const char *sub, *print_keys = NULL, *key_file = NULL, *pk = NULL;
	const char *against = NULL, *format = "table", *export = NULL;
	char *end;
	int attest = 0, c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(audit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	memset(&flt, 0, sizeof flt);
	flt.after_seq = -1;
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", audit_options, NULL)) != -1) {
		switch (c) {
		case OPT_DB:		a.db = optarg; break;
		case OPT_STATE:		a.state = optarg; break;
		case OPT_PRINT_KEYS:	print_keys = optarg; break;
		case OPT_KEY_FILE:	key_file = optarg; break;
		case OPT_PK:		pk = optarg; break;
		case OPT_AGAINST:	against = optarg; break;
		case OPT_ATTEST:	attest = 1; break;
		case OPT_ACTOR:		flt.actor = optarg; break;
		case OPT_ACTION:	flt.action = optarg; break;
		case OPT_CAMERA:	flt.camera = optarg; break;
		case OPT_FORMAT:	format = optarg; break;
		case OPT_EXPORT:	export = optarg; break;
		case OPT_FROM:
			if (audit_time_opt("from", optarg, &flt.from_ms) != 0)
				return 2;
			break;
		case OPT_TO:
			if (audit_time_opt("to", optarg, &flt.to_ms) != 0)
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
			fputs(audit_usage, stdout);
			return 0;
		default:
			fprintf(stderr, "vigil audit %s: unknown or incomplete "
			    "option '%s'\n%s", sub, argv[optind - 1], audit_usage);
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
		return audit_note(&a, attest, argv[0]);
	}
	if (argc != 0) {
		fprintf(stderr, "vigil audit %s: unexpected argument '%s'\n", sub,
		    argv[0]);
		return 2;
	}
	if (strcmp(sub, "init") == 0)
		return audit_init(&a, print_keys);
	if (strcmp(sub, "verify") == 0)
		return audit_verify_cmd(&a, key_file, pk, against);
	if (strcmp(sub, "show") == 0)
		return audit_show(&a, &flt, format);
	if (strcmp(sub, "checkpoint") == 0)
		return audit_checkpoint_cmd(&a, export);
	fprintf(stderr, "vigil audit: unknown command '%s'\n%s", sub, audit_usage);
	return 2;
}
