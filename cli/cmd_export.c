/* cmd_export — vigil export: one disclosure bundle from the command line,
 * through the same job, audit records and approval rule as the terminal's
 * export wizard (export/job.c). */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "config/config.h"
#include "session/session.h"
#include "export/export.h"
#include "footage/footage.h"
#include "cli/cli.h"
#include "util/util.h"

static const char cmd_export_usage[] =
"usage: vigil export --camera C [--camera C2 ...] --from T --to T\n"
"           --mode original|redacted [--mask SPEC ...] [--audio]\n"
"           --reason CODE --reference REF [--requester TEXT]\n"
"           [--recipient TEXT] [--legal-basis TEXT] [--note TEXT]\n"
"           --target DIR [--key FILE] [--passphrase-file FILE]\n"
"           [--user NAME] [--approver NAME]\n"
"\n"
"Writes a signed export bundle (vigil-export(5)) of [from, to) of each\n"
"camera into DIR. Times: YYYY-MM-DD[THH:MM[:SS]] in local time, or with Z\n"
"or an offset, or @<ms>. An export whose reason code needs approval asks\n"
"the exporter's and the approver's passwords on the terminal.\n"
"Exit status: 0 done, 1 the export failed, 2 usage error or refused.\n";

enum {
	OPT_CAMERA = 256, OPT_FROM, OPT_TO, OPT_MODE, OPT_MASK, OPT_AUDIO,
	OPT_REASON, OPT_REFERENCE, OPT_REQUESTER, OPT_RECIPIENT, OPT_LEGAL,
	OPT_NOTE, OPT_TARGET, OPT_KEY, OPT_PASSFILE, OPT_USER, OPT_APPROVER,
	OPT_HELP,
};

static const struct option cmd_export_options[] = {
	{ "camera", required_argument, NULL, OPT_CAMERA },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "mask", required_argument, NULL, OPT_MASK },
	{ "audio", no_argument, NULL, OPT_AUDIO },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "reference", required_argument, NULL, OPT_REFERENCE },
	{ "requester", required_argument, NULL, OPT_REQUESTER },
	{ "recipient", required_argument, NULL, OPT_RECIPIENT },
	{ "legal-basis", required_argument, NULL, OPT_LEGAL },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "approver", required_argument, NULL, OPT_APPROVER },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct export_args {
	const char	*cameras[JOB_CAMERAS_MAX];
	size_t		 ncameras;
	int64_t		 from, to;
	int		 have_from, have_to;
	const char	*mode;
	const char	*masks[MASK_MAX];
	size_t		 nmasks;
	int		 audio;
	const char	*reason, *reference, *requester, *recipient, *legal;
	const char	*note, *target, *key, *passfile, *user, *approver;
};

/* Progress on stderr, when it is a terminal. */
struct export_bar {
	int		 tty;
	int		 drawn;
};

static atomic_int cmd_export_cancel;

static void
cmd_export_on_signal(int sig)
{
	(void)sig;
	atomic_store(&cmd_export_cancel, 1);
}

/* Prints "vigil export: MESSAGE" (cause freed) and returns status. */
static int
cmd_export_fail(int status, char *cause)
{
	fprintf(stderr, "vigil export: %s\n", cause != NULL ? cause :
	    "failed");
	free(cause);
	return status;
}

/* The PAM conversation for a prompt beyond the password. */
static int
cmd_export_conv_prompt(void *arg, int echo, const char *text, char *answer,
    size_t size)
{
	(void)arg;
	(void)echo;
	return cmd_read_hidden(text, answer, size);
}

static void
cmd_export_conv_message(void *arg, int error, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s%s\n", error ? "vigil export: " : "", text);
}

static void
cmd_export_progress(const struct job_progress *p, void *arg)
{
	struct export_bar *b = arg;
	char left[32];
	int i, fill = (int)(p->done * 30 + 0.5);

	if (!b->tty)
		return;
	if (p->left_ms < 0)
		snprintf(left, sizeof left, "--:--");
	else
		snprintf(left, sizeof left, "%02d:%02d left",
		    (int)(p->left_ms / 60000), (int)(p->left_ms / 1000 % 60));
	fputc('\r', stderr);
	fputc('[', stderr);
	for (i = 0; i < 30; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%  %-10s camera %zu/%zu  %s   ",
	    (int)(p->done * 100), p->stage, p->camera + 1, p->ncameras, left);
	fflush(stderr);
	b->drawn = 1;
}

/* Parses the options into *a; returns 0 or 2 (usage). */
static int
cmd_export_parse(int argc, char **argv, struct export_args *a)
{
	int ch;

	memset(a, 0, sizeof *a);
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", cmd_export_options, NULL)) != -1) {
		switch (ch) {
		case OPT_CAMERA:
			if (a->ncameras == JOB_CAMERAS_MAX) {
				fprintf(stderr, "vigil export: at most %d "
				    "cameras\n", JOB_CAMERAS_MAX);
				return 2;
			}
			a->cameras[a->ncameras++] = optarg;
			break;
		case OPT_FROM:
		case OPT_TO:
			if (clock_parse(optarg, 1, ch == OPT_FROM ? &a->from :
			    &a->to) == -1) {
				fprintf(stderr, "vigil export: bad time '%s'; "
				    "expected YYYY-MM-DD[THH:MM[:SS]], with Z or "
				    "an offset for UTC, or @<ms>\n", optarg);
				return 2;
			}
			*(ch == OPT_FROM ? &a->have_from : &a->have_to) = 1;
			break;
		case OPT_MODE:		a->mode = optarg; break;
		case OPT_MASK:
			if (a->nmasks == MASK_MAX) {
				fprintf(stderr, "vigil export: at most %d "
				    "masks\n", MASK_MAX);
				return 2;
			}
			a->masks[a->nmasks++] = optarg;
			break;
		case OPT_AUDIO:		a->audio = 1; break;
		case OPT_REASON:	a->reason = optarg; break;
		case OPT_REFERENCE:	a->reference = optarg; break;
		case OPT_REQUESTER:	a->requester = optarg; break;
		case OPT_RECIPIENT:	a->recipient = optarg; break;
		case OPT_LEGAL:		a->legal = optarg; break;
		case OPT_NOTE:		a->note = optarg; break;
		case OPT_TARGET:	a->target = optarg; break;
		case OPT_KEY:		a->key = optarg; break;
		case OPT_PASSFILE:	a->passfile = optarg; break;
		case OPT_USER:		a->user = optarg; break;
		case OPT_APPROVER:	a->approver = optarg; break;
		case OPT_HELP:
			fputs(cmd_export_usage, stdout);
			return -1;
		default:
			fprintf(stderr, "vigil export: unknown or incomplete "
			    "option '%s'\n%s", argv[optind - 1], cmd_export_usage);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vigil export: unexpected argument '%s'\n%s",
		    argv[optind], cmd_export_usage);
		return 2;
	}
#define NEED(cond, what) do { if (!(cond)) { fprintf(stderr, \
	"vigil export: %s is required\n%s", what, cmd_export_usage); return 2; } \
	} while (0)
	NEED(a->ncameras > 0, "--camera");
	NEED(a->have_from, "--from");
	NEED(a->have_to, "--to");
	NEED(a->mode != NULL, "--mode");
	NEED(a->reason != NULL, "--reason");
	NEED(a->reference != NULL, "--reference");
	NEED(a->target != NULL, "--target");
#undef NEED
	if (strcmp(a->mode, "original") != 0 && strcmp(a->mode, "redacted")) {
		fprintf(stderr, "vigil export: --mode must be original or "
		    "redacted, not '%s'\n", a->mode);
		return 2;
	}
	if (a->nmasks > 0 && strcmp(a->mode, "redacted") != 0) {
		fprintf(stderr, "vigil export: --mask needs --mode redacted: an "
		    "original export copies the recording unchanged\n");
		return 2;
	}
	if (a->to <= a->from) {
		fprintf(stderr, "vigil export: --to must be after --from\n");
		return 2;
	}
	return 0;
}

/* The exporter: the invoking user, who must hold the exporter role; root
 * may name the person with --user (who must hold it too).  Returns the
 * name (caller frees), or NULL after a message. */
static char *
cmd_export_who(const struct export_args *a, const struct config *cfg)
{
	const char *groups[4];
	char *self, *cause = NULL, *name;
	unsigned roles = 0;
	uid_t uid;
	int i;

	self = user_name_self();
	if (a->user != NULL && geteuid() != 0 && strcmp(a->user, self) != 0) {
		fprintf(stderr, "vigil export: only root may name another "
		    "exporter with --user (you are %s)\n", self);
		free(self);
		return NULL;
	}
	if (a->user == NULL && geteuid() == 0)
		return self;	/* root, recorded as such */
	name = xstrdup(a->user != NULL ? a->user : self);
	free(self);
	for (i = 0; i < CONFIG_NROLES; i++)
		groups[i] = config_group(cfg, (enum config_role)i);
	if (roles_of(name, groups, &roles, &uid, &cause) != 0) {
		fprintf(stderr, "vigil export: %s\n", cause);
		free(cause);
		free(name);
		return NULL;
	}
	if (!(roles & ROLE_EXPORTER)) {
		char *show = utf8_sanitize(name, strlen(name));

		fprintf(stderr, "vigil export: %s does not hold the exporter "
		    "role (group %s)\n", show,
		    config_group(cfg, CONFIG_ROLE_EXPORTER) != NULL ?
		    config_group(cfg, CONFIG_ROLE_EXPORTER) : "none");
		free(show);
		free(name);
		return NULL;
	}
	return name;
}

/* The frame size of camera's first footage in the range, for masks in
 * pixels; 0 x 0 when unknown. */
static void
cmd_export_frame(struct catalog *cat, const char *camera, int64_t from,
    int64_t to, int *w, int *h)
{
	struct catalog_range r;
	size_t i;

	*w = *h = 0;
	memset(&r, 0, sizeof r);
	if (catalog_range(cat, camera, from, to, &r, NULL) != 0)
		return;
	for (i = 0; i < r.n; i++) {
		if (r.pieces[i].path != NULL && (r.pieces[i].status ==
		    CATALOG_OK || r.pieces[i].status == CATALOG_PARTIAL)) {
			if (clip_frame_size(r.pieces[i].path, w, h, NULL) != 0)
				*w = *h = 0;
			break;
		}
	}
	catalog_range_free(&r);
}

/* Logs the exporter in and has the approver authenticate, on the
 * terminal.  Returns 0, or 2 after a message (recorded by auth as
 * login-failed). */
static int
cmd_export_approve(struct auth *auth, const char *exporter, const char *approver,
    char **approved)
{
	struct auth_conv conv = { cmd_export_conv_message, cmd_export_conv_prompt,
	    NULL };
	struct auth_result res;
	char pass[AUTH_PASS_MAX], prompt[AUTH_USER_MAX + 64], *show;
	int r;

	show = utf8_sanitize(exporter, strlen(exporter));
	snprintf(prompt, sizeof prompt, "Password of %s (exporter): ", show);
	free(show);
	if ((r = cmd_read_hidden(prompt, pass, sizeof pass)) != 0) {
		if (r == -2)
			fprintf(stderr, "vigil export: the password is longer than "
			    "%d bytes; it was not tried\n", AUTH_PASS_MAX - 1);
		else
			fprintf(stderr, "vigil export: cannot read a password "
			    "from the terminal\n");
		return 2;
	}
	if (auth_login(auth, exporter, pass, &conv, &res) != 0) {
		fprintf(stderr, "vigil export: %s\n", res.message);
		return 2;
	}
	if (!(res.roles & ROLE_EXPORTER)) {
		fprintf(stderr, "vigil export: %s does not hold the exporter "
		    "role\n", res.user);
		return 2;
	}
	show = utf8_sanitize(approver, strlen(approver));
	snprintf(prompt, sizeof prompt, "Password of %s (approver): ", show);
	free(show);
	if ((r = cmd_read_hidden(prompt, pass, sizeof pass)) != 0) {
		if (r == -2)
			fprintf(stderr, "vigil export: the password is longer than "
			    "%d bytes; it was not tried\n", AUTH_PASS_MAX - 1);
		else
			fprintf(stderr, "vigil export: cannot read a password "
			    "from the terminal\n");
		return 2;
	}
	if (auth_approve(auth, approver, pass,
	    ROLE_EXPORTER | ROLE_AUDITOR, &conv, &res) != 0) {
		fprintf(stderr, "vigil export: approval refused: %s\n",
		    res.message);
		return 2;
	}
	*approved = xstrdup(res.user);
	return 0;
}

int
cmd_export(int argc, char **argv, const char *config)
{
	struct export_args a;
	struct config *cfg;
	struct catalog *cat = NULL;
	struct audit_log *log = NULL;
	struct auth *auth = NULL;
	struct auth_config acfg;
	struct sign_key *key = NULL;
	struct mask_list *masks = NULL;
	struct job_request rq;
	struct job_estimate est;
	struct job *job = NULL;
	struct export_bar bar;
	struct sigaction sa;
	char *cause = NULL, *exporter = NULL, *approver = NULL, *term = NULL;
	const struct config_reason *reason;
	const char *keyid;
	char *pub, fpr[SIGN_FPR_TEXT];
	int rc, w = 0, h = 0;
	size_t m, closed = 0;

	if ((rc = cmd_export_parse(argc, argv, &a)) != 0)
		return rc == -1 ? 0 : rc;
	if ((cfg = cmd_config_get(config, &cause)) == NULL)
		return cmd_export_fail(2, cause);
	/* As root, as the terminal does: the approval's monitor stays root,
	 * so only TERM, LANG, LC_*, TZ and [session] keep_environment go on
	 * (vigil starts itself again without the rest). */
	if (geteuid() == 0 && env_restrict(config_keep_environment(cfg),
	    &cause) == -1)
		return cmd_export_fail(2, cause);
	if ((reason = config_reason_find(cfg, a.reason)) == NULL) {
		char *show = utf8_sanitize(a.reason, strlen(a.reason));

		fprintf(stderr, "vigil export: reason code '%s' is not "
		    "configured\n", show);
		free(show);
		return 2;
	}
	/* The text first, before a passphrase or a password is asked (job_new()
	 * checks it again).  Not the approver's name: the approval refuses a
	 * bad one untried and logs it as login-failed (vigil(1)). */
	memset(&rq, 0, sizeof rq);
	rq.reference = a.reference;
	rq.requester = a.requester;
	rq.recipient = a.recipient;
	rq.legal_basis = a.legal;
	rq.note = a.note;
	if (job_request_check(&rq, &cause) != 0)
		return cmd_export_fail(2, cause);
	if ((exporter = cmd_export_who(&a, cfg)) == NULL)
		return 2;
	if (reason->needs_approval && a.approver == NULL) {
		fprintf(stderr, "vigil export: exports for %s need a second "
		    "person's approval: give --approver NAME (the approver "
		    "types their password on this terminal)\n", reason->code);
		rc = 2;
		goto out;
	}
	if (a.approver != NULL && strcmp(a.approver, exporter) == 0) {
		fprintf(stderr, "vigil export: the approver must be another "
		    "person than the exporter (%s)\n", exporter);
		rc = 2;
		goto out;
	}
	if (a.approver != NULL && (!isatty(STDIN_FILENO) ||
	    access("/dev/tty", R_OK | W_OK) != 0)) {
		fprintf(stderr, "vigil export: approval needs the approver to "
		    "type their password on a terminal, and standard input is "
		    "not one; nothing was exported\n");
		rc = 2;
		goto out;
	}

	/* The key first: a passphrase is asked before anything else. */
	if ((key = cmd_signing_key(cfg, a.key, a.passfile, &cause)) == NULL) {
		rc = cmd_export_fail(2, cause);
		goto out;
	}
	term = terminal_name_self();
	if (a.approver != NULL) {
		/* PAM as the terminal does it (as root: a monitor keeps root,
		 * this process drops to the service account). */
		start_auth_config(cfg, &acfg);
		acfg.idle_lock = 0;	/* no lock screen here */
		if ((auth = auth_start(&acfg, &cause)) == NULL) {
			rc = cmd_export_fail(2, cause);
			goto out;
		}
	}
	if ((log = audit_open(config_audit_db(cfg), config_audit_state(cfg), 0,
	    &cause)) == NULL) {
		char *c = cause;

		cause = xasprintf("the audit log cannot be written, so nothing "
		    "is exported: %s", c);
		free(c);
		rc = cmd_export_fail(2, cause);
		goto out;
	}
	logconf_apply(cfg, log);
	/* Exports a crash left open are closed first (export-failed). */
	if (job_recover(log, term, &closed, &cause) != 0) {
		fprintf(stderr, "vigil export: exports left open by a crash "
		    "could not be closed: %s\n", cause);
		free(cause);
		cause = NULL;
	} else if (closed > 0)
		fprintf(stderr, "vigil export: %zu export%s left open by a crash "
		    "%s recorded as export-failed\n", closed, closed == 1 ? "" :
		    "s", closed == 1 ? "was" : "were");
	if (auth != NULL) {
		auth_attach_log(auth, log, term);
		if ((rc = cmd_export_approve(auth, exporter, a.approver,
		    &approver)) != 0)
			goto out;
	}

	if ((cat = start_catalog(cfg, &cause)) == NULL) {
		rc = cmd_export_fail(2, cause);
		goto out;
	}
	probe_silence_libav();
	if ((masks = mask_list_new(&cause)) == NULL) {
		rc = cmd_export_fail(1, cause);
		goto out;
	}
	for (m = 0; m < a.nmasks; m++) {
		if (strstr(a.masks[m], "px") != NULL && w == 0)
			cmd_export_frame(cat, a.cameras[0], a.from, a.to, &w, &h);
		if (mask_list_add(masks, a.masks[m], a.from, w, h, &cause) != 0) {
			char *c = cause;

			cause = xasprintf("--mask %zu: %s", m + 1, c);
			free(c);
			rc = cmd_export_fail(2, cause);
			goto out;
		}
	}

	memset(&rq, 0, sizeof rq);
	rq.cameras = a.cameras;
	rq.ncameras = a.ncameras;
	rq.from_ms = a.from;
	rq.to_ms = a.to;
	rq.mode = strcmp(a.mode, "redacted") == 0 ? JOB_REDACTED : JOB_ORIGINAL;
	rq.masks = masks;
	rq.audio = a.audio;
	rq.reason_code = reason->code;
	rq.reference = a.reference;
	rq.requester = a.requester;
	rq.recipient = a.recipient;
	rq.legal_basis = a.legal;
	rq.note = a.note;
	rq.target = a.target;
	rq.exporter = exporter;
	rq.approver = approver;
	rq.terminal = term;
	if ((job = job_new(&rq, cfg, cat, &cause)) == NULL) {
		rc = cmd_export_fail(2, cause);
		goto out;
	}
	job_estimate(job, &est);
	if (job_check_space(job, &cause) != 0) {
		rc = cmd_export_fail(2, cause);
		goto out;
	}
	bar.tty = isatty(STDERR_FILENO);
	bar.drawn = 0;
	if (bar.tty)
		fprintf(stderr, "Exporting %lld s of footage from %zu camera%s "
		    "(about %lld MB) into %s\n", (long long)(est.footage_ms /
		    1000), a.ncameras, a.ncameras == 1 ? "" : "s",
		    (long long)((est.bytes + (1 << 20) - 1) >> 20), a.target);
	/* Interrupted from here on: cancel, clean up, record export-failed. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_export_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (job_start(job, log, key, &cause) != 0) {
		/* Refused (2), or failed after export-start was written (1:
		 * export-failed follows it). */
		rc = cmd_export_fail(job_start_seq(job) >= 0 ? 1 : 2, cause);
		goto out;
	}
	(void)job_run(job, cmd_export_progress, &bar, &cmd_export_cancel);
	if (bar.drawn)
		fputc('\n', stderr);
	rc = job_end(job, &cause);
	if (rc != 0) {
		char *c = cause;

		cause = xasprintf("the export failed: %s; nothing was left in "
		    "%s (recorded as export-failed, entry after %lld)", c,
		    a.target, (long long)job_start_seq(job));
		free(c);
		rc = cmd_export_fail(1, cause);
		goto out;
	}
	keyid = job_key_id(job);
	printf("Bundle: %s\n", job_bundle(job));
	printf("SHA-256 of SHA256SUMS: %s\n", job_sums(job));
	printf("Signing key id: %s\n", keyid);
	printf("Audit: export-start entry %lld, export-done follows\n",
	    (long long)job_start_seq(job));
	pub = sign_key_public(key);
	if (sign_fingerprint(pub, fpr) != 0)
		fpr[0] = '\0';
	printf("Signing public key: %s\nFingerprint: %s\n", pub, fpr);
	printf("Verify with stock tools and the published key:\n"
	    "  cd '%s' && minisign -Vm SHA256SUMS -P %s && "
	    "sha256sum -c SHA256SUMS\n", job_bundle(job), pub);
	printf("or: vigil verify '%s'\n", job_bundle(job));
	free(pub);
	rc = 0;
out:
	job_free(job);
	mask_list_free(masks);
	if (cat != NULL)
		catalog_close(cat);
	if (auth != NULL) {
		if (auth_user(auth) != NULL)
			(void)auth_logout(auth, "exit", NULL);
		auth_free(auth);
	}
	if (log != NULL)
		audit_close(log);
	sign_key_free(key);
	free(exporter);
	free(approver);
	free(term);
	return rc;
}
