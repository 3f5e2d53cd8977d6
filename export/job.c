/* job — one export from request to signed bundle with its audit records:
 * plan from the catalog, export-approved and export-start before any
 * footage byte is read, clips on a worker thread, export-done or
 * export-failed (DESIGN.md invariants 1 and 4, vigil-export(5)). */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "config/config.h"
#include "export/export.h"
#include "footage/footage.h"
#include "util/util.h"

enum job_state {
	JOB_NEW,	/* planned */
	JOB_STARTED,	/* export-start written, partial folder made */
	JOB_RUNNING,	/* spawned, not joined */
	JOB_RAN,	/* job_run() returned; outcome kept */
	JOB_ENDED,	/* export-done or export-failed written (or tried) */
};

/* One camera's part: the playable pieces of the range, its source files,
 * and once cut the clip. */
struct job_cam {
	char			*name;
	struct clip_piece	*pieces;
	size_t			 npieces;
	char			**paths;	/* owned; pieces point here */
	char			**sources;	/* distinct segment files */
	size_t			 nsources;
	int64_t			 footage_ms;
	int64_t			 source_bytes;
	int64_t			 est_bytes;
	double			 w_clip;	/* progress weights */
	double			 w_hash;
};

struct job {
	enum job_state		 state;
	/* The request, copied. */
	struct job_cam		*cams;
	size_t			 ncams;
	int64_t			 from_ms;
	int64_t			 to_ms;
	enum job_mode		 mode;
	char			**masks;	/* canonical specifications */
	size_t			 nmasks;
	struct mask_list	*mlist;
	int			 audio;
	char			*reason_code;
	char			*reason_label;
	char			*reference;
	char			*requester;
	char			*recipient;
	char			*legal_basis;
	char			*note;
	char			*target;
	char			*exporter;
	char			*approver;
	char			*terminal;
	char			*preset;
	int			 crf;
	int			 needs_approval;
	char			*site;
	char			*recorder;
	char			*cameras_col;	/* the camera column */
	struct job_estimate	 est;

	/* Started. */
	struct audit_log	*log;
	const struct sign_key	*key;
	char			 key_id[SIGN_KEYID_HEX];
	int64_t			 start_seq;
	struct bundle		*bundle;
	char			*export_id;
	char			*partial;

	/* Outcome of job_run(). */
	int			 rc;		/* 0, -1, CLIP_CANCELLED */
	char			*error;
	const char		*failed_stage;
	char			*final;
	char			 sums[65];
	int64_t			 bundle_bytes;

	/* Progress: written by the worker, read by anyone under mu. */
	pthread_mutex_t		 mu;
	struct job_progress	 prog;
	double			 sent;		/* done when last reported */
	const char		*sent_stage;
	struct timespec		 t0;
	job_progress_fn		*pfn;
	void			*parg;
	double			 base;		/* progress before this step */
	double			 span;		/* this step's share */

	/* Spawned. */
	pthread_t		 thread;
	int			 spawned;
	int			 pipe[2];
	atomic_int		 cancel;
	atomic_int		 finished;

	int			(*hook)(const char *stage, void *arg);
	void			*hook_arg;
};

/* ---- small helpers ------------------------------------------------------ */

/* strdup that keeps NULL as "" and reports failure through *ok. */
static char *
job_dup(const char *s, int *ok)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		*ok = 0;
	return d;
}

/* A JSON text of obj (consumed), or NULL when out of memory. */
static char *
job_dump(json_t *obj)
{
	return jtext_dump(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* A path as the log shows it: bytes that are not printable UTF-8 become
 * '?' (the log holds UTF-8 only). */
static json_t *
job_shown(const char *path)
{
	char *t;
	json_t *v;

	if (path == NULL)
		return json_null();
	if ((t = utf8_sanitize(path, strlen(path))) == NULL)
		return NULL;
	v = json_string(t);
	free(t);
	return v;
}

static json_t *
job_jstr(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static int64_t
job_elapsed_ms(const struct job *j)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - j->t0.tv_sec) * 1000 +
	    (now.tv_nsec - j->t0.tv_nsec) / 1000000;
}

static void
job_cam_free(struct job_cam *c)
{
	size_t i;

	free(c->name);
	for (i = 0; i < c->npieces; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c->pieces);
	for (i = 0; i < c->nsources; i++)
		free(c->sources[i]);
	free(c->sources);
}

/* ---- planning ----------------------------------------------------------- */

/* Finds the size and duration of the segment at path among segs. */
static const struct catalog_segment *
job_find_seg(const struct catalog_segment *segs, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(segs[i].path, path) == 0)
			return &segs[i];
	}
	return NULL;
}

/* Reads camera c's pieces of [from, to) from the catalog. */
static int
job_plan_cam(struct job *j, struct catalog *cat, struct job_cam *c,
    char **cause)
{
	struct catalog_range r;
	struct catalog_segment *segs = NULL;
	const struct catalog_segment *sg;
	size_t nsegs = 0, i, k;
	int64_t lo;
	char *show;

	memset(&r, 0, sizeof r);
	if (catalog_range(cat, c->name, j->from_ms, j->to_ms, &r, cause) != 0)
		return -1;
	lo = j->from_ms > INT64_MIN + CATALOG_EST_MAX_MS ? j->from_ms -
	    CATALOG_EST_MAX_MS : j->from_ms;
	if (catalog_list(cat, c->name, lo, j->to_ms, 0, &segs, &nsegs,
	    cause) != 0) {
		catalog_range_free(&r);
		return -1;
	}
	c->pieces = calloc(r.n > 0 ? r.n : 1, sizeof *c->pieces);
	c->paths = calloc(r.n > 0 ? r.n : 1, sizeof *c->paths);
	c->sources = calloc(r.n > 0 ? r.n : 1, sizeof *c->sources);
	if (c->pieces == NULL || c->paths == NULL || c->sources == NULL)
		goto oom;
	for (i = 0; i < r.n; i++) {
		const struct catalog_piece *p = &r.pieces[i];

		if (p->path == NULL || (p->status != CATALOG_OK &&
		    p->status != CATALOG_PARTIAL) || p->length_ms <= 0) {
			j->est.gaps++;
			j->est.gap_ms += p->length_ms;
			continue;
		}
		if ((c->paths[c->npieces] = strdup(p->path)) == NULL)
			goto oom;
		c->pieces[c->npieces].path = c->paths[c->npieces];
		c->pieces[c->npieces].start_ms = p->from_ms;
		c->pieces[c->npieces].offset_ms = p->offset_ms;
		c->pieces[c->npieces].length_ms = p->length_ms;
		c->npieces++;
		c->footage_ms += p->length_ms;
		for (k = 0; k < c->nsources; k++) {
			if (strcmp(c->sources[k], p->path) == 0)
				break;
		}
		sg = job_find_seg(segs, nsegs, p->path);
		if (k == c->nsources) {
			if ((c->sources[c->nsources++] = strdup(p->path)) ==
			    NULL)
				goto oom;
			if (sg != NULL)
				c->source_bytes += sg->size;
		}
		/* The clip's share of the segment, by time; a segment of
		 * unknown length counts whole. */
		if (sg != NULL && sg->duration_ms > 0)
			c->est_bytes += (int64_t)((double)sg->size *
			    (double)p->length_ms / (double)sg->duration_ms);
		else if (sg != NULL)
			c->est_bytes += sg->size;
	}
	catalog_segments_free(segs, nsegs);
	catalog_range_free(&r);
	if (c->npieces == 0) {
		show = utf8_sanitize(c->name, strlen(c->name));
		cause_set(cause, "camera %s has no recorded footage in the range "
		    "asked for; nothing to export", show);
		free(show);
		return -1;
	}
	if (c->npieces > CLIP_PIECES_MAX)
		return cause_set(cause, "the range covers too many segments "
		    "(%zu; at most %d): export a shorter range", c->npieces,
		    CLIP_PIECES_MAX);
	/* An original clip starts at the keyframe before the range and ends
	 * at the one after it: room for that. */
	if (j->mode == JOB_ORIGINAL)
		c->est_bytes += c->est_bytes / 5;
	else {
		int64_t b = JOB_REDACTED_BPS / 8 * c->footage_ms / 1000;

		c->est_bytes = 2 * c->est_bytes;
		c->est_bytes = b > c->est_bytes ? b : c->est_bytes;
	}
	j->est.footage_ms += c->footage_ms;
	j->est.source_bytes += c->source_bytes;
	j->est.segments += c->nsources;
	j->est.bytes += c->est_bytes;
	return 0;
oom:
	catalog_segments_free(segs, nsegs);
	catalog_range_free(&r);
	return cause_set(cause, "out of memory");
}

/* Checks one free-text field of the request: UTF-8, no control
 * character (C0, DEL, C1 as U+0080-U+009F), at most max bytes. */
static int
job_check_text(const char *what, const char *s, size_t max, char **cause)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len > max)
		return cause_set(cause, "the %s is too long (%zu bytes; at most "
		    "%zu bytes)", what, len, max);
	if (!utf8_valid(s, len))
		return cause_set(cause, "the %s is not valid UTF-8", what);
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 &&
		    p[i + 1] < 0xa0))
			return cause_set(cause, "the %s has a control character "
			    "(a line break, tab or escape) at byte %zu: it goes "
			    "into HANDOVER.txt and the audit log as one line of "
			    "text", what, i + 1);
	}
	return 0;
}

int
job_request_check(const struct job_request *rq, char **cause)
{
	if (job_check_text("reference", rq->reference, AUDIT_MAX_REFERENCE,
	    cause) != 0 || job_check_text("requester", rq->requester,
	    JOB_REQUESTER_MAX, cause) != 0 || job_check_text("recipient",
	    rq->recipient, JOB_RECIPIENT_MAX, cause) != 0 ||
	    job_check_text("legal basis", rq->legal_basis, JOB_LEGAL_MAX,
	    cause) != 0 || job_check_text("note", rq->note, JOB_NOTE_MAX,
	    cause) != 0 || job_check_text("approver", rq->approver,
	    AUDIT_MAX_ACTOR, cause) != 0 || job_check_text("exporter",
	    rq->exporter, AUDIT_MAX_ACTOR, cause) != 0)
		return -1;
	return 0;
}

struct job *
job_new(const struct job_request *rq, const struct config *cfg,
    struct catalog *cat, char **cause)
{
	const struct config_reason *reason;
	struct job *j;
	struct stat sb;
	size_t i, k, len;
	char *spec, *show;
	int ok = 1, rc;

	if (rq->ncameras == 0 || rq->cameras == NULL) {
		cause_set(cause, "no camera chosen");
		return NULL;
	}
	if (rq->ncameras > JOB_CAMERAS_MAX) {
		cause_set(cause, "too many cameras (%zu; at most %d)",
		    rq->ncameras, JOB_CAMERAS_MAX);
		return NULL;
	}
	if (rq->from_ms >= rq->to_ms) {
		cause_set(cause, "the range is empty: it must end after it "
		    "starts");
		return NULL;
	}
	if (rq->mode != JOB_ORIGINAL && rq->mode != JOB_REDACTED) {
		cause_set(cause, "unknown export mode");
		return NULL;
	}
	if (rq->mode == JOB_ORIGINAL && rq->masks != NULL &&
	    mask_list_count(rq->masks) > 0) {
		cause_set(cause, "masks need the redacted mode: an original "
		    "export copies the recording unchanged");
		return NULL;
	}
	if (rq->reference == NULL || *rq->reference == '\0') {
		cause_set(cause, "an export needs a reference (it names the "
		    "bundle)");
		return NULL;
	}
	if (rq->exporter == NULL || *rq->exporter == '\0') {
		cause_set(cause, "the exporting person is not known");
		return NULL;
	}
	if ((reason = config_reason_find(cfg, rq->reason_code != NULL ?
	    rq->reason_code : "")) == NULL) {
		show = utf8_sanitize(rq->reason_code != NULL ? rq->reason_code :
		    "", rq->reason_code != NULL ? strlen(rq->reason_code) : 0);
		cause_set(cause, "reason code '%s' is not configured", show);
		free(show);
		return NULL;
	}
	/* Invariant: no control character reaches HANDOVER.txt, the
	 * manifest or the log (job_request_check()). */
	if (job_request_check(rq, cause) != 0 || (rq->legal_basis == NULL &&
	    job_check_text("legal basis", reason->legal_basis, JOB_LEGAL_MAX,
	    cause) != 0))
		return NULL;
	if (config_reason_check(cfg, reason->code, rq->reference, rq->requester,
	    rq->note, cause) != 0)
		return NULL;
	if (rq->target == NULL || *rq->target == '\0') {
		cause_set(cause, "no target folder chosen");
		return NULL;
	}
	if (strlen(rq->target) > 4000) {
		cause_set(cause, "the target folder's path is too long");
		return NULL;
	}
	if ((rc = stat(rq->target, &sb)) == -1 || !S_ISDIR(sb.st_mode)) {
		show = utf8_sanitize(rq->target, strlen(rq->target));
		cause_set(cause, "target %s: %s", show, rc == -1 ?
		    strerror(errno) : "not a folder");
		free(show);
		return NULL;
	}
	for (i = 0; i < rq->ncameras; i++) {
		if (rq->cameras[i] == NULL || !pattern_camera_valid(
		    rq->cameras[i], strlen(rq->cameras[i]))) {
			cause_set(cause, "camera %zu has an unusable name", i + 1);
			return NULL;
		}
		for (k = 0; k < i; k++) {
			if (strcmp(rq->cameras[k], rq->cameras[i]) == 0) {
				show = utf8_sanitize(rq->cameras[i],
				    strlen(rq->cameras[i]));
				cause_set(cause, "camera %s is chosen twice",
				    show);
				free(show);
				return NULL;
			}
		}
	}

	if ((j = calloc(1, sizeof *j)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&j->mu, NULL);
	j->pipe[0] = j->pipe[1] = -1;
	j->start_seq = -1;
	j->state = JOB_NEW;
	j->from_ms = rq->from_ms;
	j->to_ms = rq->to_ms;
	j->mode = rq->mode;
	j->audio = rq->audio != 0;
	j->crf = rq->crf;
	j->needs_approval = reason->needs_approval;
	j->reason_code = job_dup(reason->code, &ok);
	j->reason_label = job_dup(reason->label, &ok);
	j->reference = job_dup(rq->reference, &ok);
	j->requester = job_dup(rq->requester, &ok);
	j->recipient = job_dup(rq->recipient, &ok);
	j->legal_basis = job_dup(rq->legal_basis != NULL ? rq->legal_basis :
	    reason->legal_basis, &ok);
	j->note = job_dup(rq->note, &ok);
	j->target = job_dup(rq->target, &ok);
	j->exporter = job_dup(rq->exporter, &ok);
	j->approver = rq->approver != NULL && *rq->approver != '\0' ?
	    job_dup(rq->approver, &ok) : NULL;
	j->terminal = job_dup(rq->terminal != NULL ? rq->terminal : "-", &ok);
	j->preset = rq->preset != NULL ? job_dup(rq->preset, &ok) : NULL;
	j->site = job_dup(config_site_name(cfg), &ok);
	j->recorder = job_dup(config_recorder(cfg), &ok);
	j->cams = calloc(rq->ncameras, sizeof *j->cams);
	if (!ok || j->cams == NULL)
		goto oom;
	j->ncams = rq->ncameras;
	for (i = 0, len = 0; i < j->ncams; i++) {
		if ((j->cams[i].name = strdup(rq->cameras[i])) == NULL)
			goto oom;
		len += strlen(rq->cameras[i]) + 1;
	}
	if ((j->cameras_col = calloc(1, len + 1)) == NULL)
		goto oom;
	for (i = 0; i < j->ncams; i++) {
		if (i > 0)
			strcat(j->cameras_col, ",");
		strcat(j->cameras_col, j->cams[i].name);
	}
	if (strlen(j->cameras_col) > AUDIT_MAX_CAMERA) {
		cause_set(cause, "the camera names are too long together for "
		    "the audit log (%zu bytes; at most %d): export fewer "
		    "cameras at a time", strlen(j->cameras_col),
		    AUDIT_MAX_CAMERA);
		job_free(j);
		return NULL;
	}

	/* Masks: copied through their canonical form. */
	if ((j->mlist = mask_list_new(cause)) == NULL) {
		job_free(j);
		return NULL;
	}
	if (rq->masks != NULL && (j->nmasks = mask_list_count(rq->masks)) > 0) {
		if ((j->masks = calloc(j->nmasks, sizeof *j->masks)) == NULL)
			goto oom;
		for (i = 0; i < j->nmasks; i++) {
			if ((spec = mask_format(rq->masks, i, cause)) == NULL ||
			    mask_list_add(j->mlist, spec, j->from_ms, 0, 0,
			    cause) != 0) {
				free(spec);
				job_free(j);
				return NULL;
			}
			j->masks[i] = spec;
		}
		if (mask_list_validate(j->mlist, j->from_ms, j->to_ms,
		    cause) != 0) {
			job_free(j);
			return NULL;
		}
	}

	for (i = 0; i < j->ncams; i++) {
		if (job_plan_cam(j, cat, &j->cams[i], cause) != 0) {
			job_free(j);
			return NULL;
		}
	}
	/* The documents, and a little for each file's metadata. */
	j->est.bytes += 64 * 1024 + 8192 * (int64_t)j->ncams;
	return j;
oom:
	cause_set(cause, "out of memory");
	job_free(j);
	return NULL;
}

void
job_estimate(const struct job *j, struct job_estimate *e)
{
	*e = j->est;
}

int
job_target_free(const char *target, int64_t *free_bytes, char **cause)
{
	struct statvfs vfs;
	char *show;

	if (statvfs(target, &vfs) == -1) {
		show = utf8_sanitize(target, strlen(target));
		cause_set(cause, "cannot read the free space of %s: %s", show,
		    strerror(errno));
		free(show);
		return -1;
	}
	*free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
	return 0;
}

int
job_check_space(const struct job *j, char **cause)
{
	int64_t avail = 0, need = j->est.bytes + JOB_SPACE_MARGIN;
	char *show;

	if (job_target_free(j->target, &avail, cause) != 0)
		return -1;
	if (avail < need) {
		show = utf8_sanitize(j->target, strlen(j->target));
		cause_set(cause, "not enough space on %s: %" PRId64 " MB free, "
		    "about %" PRId64 " MB needed; choose a larger medium or a "
		    "shorter range", show, avail >> 20, (need + (1 << 20) - 1) >>
		    20);
		free(show);
		return -1;
	}
	return 0;
}

/* ---- audit records -------------------------------------------------------- */

/* Appends an export record with the request's columns. */
static int64_t
job_append(struct job *j, const char *actor, const char *action,
    json_t *details, char **cause)
{
	struct audit_entry e;
	char *text;
	int64_t seq;

	if ((text = job_dump(details)) == NULL)
		return cause_set(cause, "out of memory, or a detail of the "
		    "export is not valid UTF-8");
	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.action = action;
	e.camera = j->cameras_col;
	e.from_ms = j->from_ms;
	e.to_ms = j->to_ms;
	e.reason_code = j->reason_code;
	e.reference = j->reference;
	e.details = text;
	e.terminal = j->terminal;
	seq = audit_append(j->log, &e, cause);
	free(text);
	return seq;
}

static json_t *
job_cameras_json(const struct job *j)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < j->ncams; i++)
		json_array_append_new(a, json_string(j->cams[i].name));
	return a;
}

static json_t *
job_masks_json(const struct job *j)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < j->nmasks; i++)
		json_array_append_new(a, json_string(j->masks[i]));
	return a;
}

/* export-failed for a started job, with the error and the stage. */
static int
job_log_failed(struct job *j, const char *error, const char *stage,
    int cancelled, char **cause)
{
	struct stat sb;
	json_t *d;
	int gone;

	gone = j->partial == NULL || (lstat(j->partial, &sb) == -1 &&
	    errno == ENOENT);
	d = json_pack("{s:I,s:s?,s:s?,s:b,s:o,s:b}", "export",
	    (json_int_t)j->start_seq, "error", error, "stage", stage,
	    "cancelled", cancelled, "export_id", job_jstr(j->export_id),
	    "partial_removed", gone);
	return job_append(j, j->exporter, "export-failed", d, cause) < 0 ?
	    -1 : 0;
}

static const char *
job_mode_name(enum job_mode m)
{
	return m == JOB_REDACTED ? "redacted" : "original";
}

int
job_start(struct job *j, struct audit_log *log, const struct sign_key *key,
    char **cause)
{
	struct audit_ckpt_info ck;
	struct bundle_meta m;
	uint8_t log_id[AUDIT_LOGID_LEN], pk0[AUDIT_PK_LEN], rnd[8];
	char log_hex[2 * AUDIT_LOGID_LEN + 1], root_hex[65], id[17];
	int64_t seq, want = -1;
	size_t i, len;
	json_t *d;
	char *why = NULL, *pubkey;
	int rc;

	if (j->state != JOB_NEW)
		return cause_set(cause, "the export was already started");
	if (log == NULL)
		return cause_set(cause, "the audit log is not open: an export "
		    "cannot be recorded, so it is refused");
	if (key == NULL)
		return cause_set(cause, "no signing key");
	if (j->needs_approval && j->approver == NULL)
		return cause_set(cause, "exports for %s need a second person's "
		    "approval", j->reason_code);
	if (j->approver != NULL && strcmp(j->approver, j->exporter) == 0)
		return cause_set(cause, "the approver must be another person "
		    "than the exporter");
	if (job_check_space(j, cause) != 0)
		return -1;
	j->log = log;
	j->key = key;
	sign_key_id(key, j->key_id);

	/* The newest checkpoint before the export, for the documents. */
	audit_ids(log, log_id, pk0);
	sodium_bin2hex(log_hex, sizeof log_hex, log_id, sizeof log_id);
	memset(&ck, 0, sizeof ck);
	if ((rc = audit_checkpoint_latest(log, &ck, cause)) == -1)
		goto refuse;
	if (rc == 0)
		sodium_bin2hex(root_hex, sizeof root_hex, ck.root,
		    sizeof ck.root);

	/* The export id and the partial folder are named in export-start
	 * before the folder is made: a crash leaves nothing the log does
	 * not name (job_recover()). */
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
	len = strlen(j->target) + sizeof "/.vigil-partial-" + 16;
	if ((j->export_id = strdup(id)) == NULL ||
	    (j->partial = malloc(len)) == NULL) {
		cause_set(cause, "out of memory");
		goto refuse;
	}
	snprintf(j->partial, len, "%s/.vigil-partial-%s", j->target, id);

	if (j->approver != NULL) {
		/* "export" is the export-start that follows this record. */
		want = audit_count(log) + 1;
		d = json_pack("{s:s,s:s,s:o,s:s,s:I}", "approver", j->approver,
		    "exporter", j->exporter, "cameras", job_cameras_json(j),
		    "export_id", j->export_id, "export", (json_int_t)want);
		if (job_append(j, j->approver, "export-approved", d, cause) < 0)
			goto refuse;
	}
	d = json_pack("{s:o,s:I,s:I,s:s,s:o,s:b,s:s,s:s,s:o,s:o,s:o,s:o,s:o,"
	    "s:o,s:s,s:o,s:I,s:I,s:I}",
	    "cameras", job_cameras_json(j),
	    "from", (json_int_t)j->from_ms, "to", (json_int_t)j->to_ms,
	    "mode", job_mode_name(j->mode), "masks", job_masks_json(j),
	    "audio", j->audio, "reason", j->reason_code,
	    "reference", j->reference, "requester", job_jstr(j->requester),
	    "recipient", job_jstr(j->recipient),
	    "legal_basis", job_jstr(j->legal_basis),
	    "note", job_jstr(j->note),
	    "target", job_shown(j->target), "approver", job_jstr(j->approver),
	    "export_id", j->export_id, "partial", job_shown(j->partial),
	    "estimate_bytes", (json_int_t)j->est.bytes,
	    "footage_ms", (json_int_t)j->est.footage_ms,
	    "pid", (json_int_t)getpid());
	if ((seq = job_append(j, j->exporter, "export-start", d, cause)) < 0) {
		if (want >= 0) {
			/* The approval is recorded; say the export did not
			 * happen. */
			j->start_seq = want;
			(void)job_log_failed(j, "export-start could not be "
			    "written", "start", 0, &why);
			free(why);
			why = NULL;
			j->start_seq = -1;
		}
		goto refuse;
	}
	j->start_seq = seq;
	if (want >= 0 && seq != want) {
		/* Another writer came in between: export-approved names the
		 * wrong record. */
		cause_set(cause, "the audit log moved on while the export "
		    "started (export-start is %" PRId64 ", not %" PRId64 "); "
		    "try again", seq, want);
		goto failed;
	}

	memset(&m, 0, sizeof m);
	m.exporter = j->exporter;
	m.approver = j->approver;
	m.reason_code = j->reason_code;
	m.reason_label = j->reason_label;
	m.legal_basis = j->legal_basis;
	m.reference = j->reference;
	m.requester = j->requester;
	m.recipient = j->recipient;
	m.mode = job_mode_name(j->mode);
	m.audio = j->audio;
	m.site = j->site;
	m.recorder = j->recorder;
	m.log_id = log_hex;
	m.export_seq = seq;
	m.ckpt_epoch = rc == 0 ? ck.epoch : -1;
	m.ckpt_n = rc == 0 ? ck.n : 0;
	m.ckpt_root = rc == 0 ? root_hex : NULL;
	m.key_id = j->key_id;
	pubkey = sign_key_public(j->key);
	m.public_key = pubkey;
	m.id = j->export_id;
	j->bundle = bundle_begin(j->target, &m, clock_now_ms(), cause);
	free(pubkey);
	if (j->bundle == NULL)
		goto failed;
	if (strcmp(bundle_partial(j->bundle), j->partial) != 0) {
		cause_set(cause, "the partial folder is not the one recorded");
		goto failed;
	}
	for (i = 0; i < j->nmasks; i++) {
		if (bundle_add_mask(j->bundle, j->masks[i], cause) != 0)
			goto failed;
	}
	j->state = JOB_STARTED;
	return 0;
failed:
	/* export-start is written: export-failed follows it. */
	bundle_abort(j->bundle);
	j->bundle = NULL;
	(void)job_log_failed(j, cause != NULL && *cause != NULL ? *cause :
	    "the export could not start", "start", 0, &why);
	free(why);
	j->state = JOB_ENDED;
	return -1;
refuse:
	j->log = NULL;
	j->state = JOB_ENDED;
	return -1;
}

int64_t
job_start_seq(const struct job *j)
{
	return j->start_seq;
}

const char *
job_key_id(const struct job *j)
{
	return j->key_id;
}

/* ---- the work ------------------------------------------------------------- */

/* Publishes progress (under mu) and reports it when it moved. */
static void
job_report(struct job *j, double done, const char *stage, size_t cam,
    int force)
{
	struct job_progress p;
	char c = 'p';

	if (done < 0)
		done = 0;
	if (done > 1)
		done = 1;
	pthread_mutex_lock(&j->mu);
	j->prog.done = done;
	j->prog.elapsed_ms = job_elapsed_ms(j);
	j->prog.left_ms = done >= 0.01 && j->prog.elapsed_ms >= 300 ?
	    (int64_t)((double)j->prog.elapsed_ms * (1 - done) / done) : -1;
	if (done >= 1)
		j->prog.left_ms = 0;
	j->prog.stage = stage;
	j->prog.camera = cam;
	j->prog.ncameras = j->ncams;
	p = j->prog;
	if (!force && stage == j->sent_stage && done - j->sent < 0.005) {
		pthread_mutex_unlock(&j->mu);
		return;
	}
	j->sent = done;
	j->sent_stage = stage;
	pthread_mutex_unlock(&j->mu);
	if (j->pfn != NULL)
		j->pfn(&p, j->parg);
	if (j->pipe[1] != -1)
		(void)!write(j->pipe[1], &c, 1);
}

struct job_clip_arg {
	struct job	*j;
	const char	*stage;
	size_t		 cam;
};

static void
job_clip_progress(double done, void *arg)
{
	struct job_clip_arg *a = arg;

	job_report(a->j, a->j->base + a->j->span * done, a->stage, a->cam, 0);
}

/* Enters a stage of job_run(): remembered for export-failed, and the
 * test hook's chance to fail it. */
static int
job_stage(struct job *j, const char *stage, char **cause)
{
	j->failed_stage = stage;
	if (j->hook != NULL && j->hook(stage, j->hook_arg) != 0)
		return cause_set(cause, "injected fault at %s", stage);
	return 0;
}

static int
job_cancelled(const atomic_int *cancel)
{
	return cancel != NULL && atomic_load(cancel) != 0;
}

/* Flushes a written clip to the medium on a thread of its own while the
 * clip is hashed from the page cache (bundle_finish() then only checks). */
struct job_flush {
	const char	*path;
	pthread_t	 thread;
	int		 started;
	int		 err;
};

static void *
job_flush_main(void *arg)
{
	struct job_flush *f = arg;
	int fd;

	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		f->err = errno;
		return NULL;
	}
	if (fsync(fd) == -1)
		f->err = errno;
	close(fd);
	return NULL;
}

/* Cuts or redacts camera i into the bundle and records it. */
static int
job_clip(struct job *j, size_t i, const atomic_int *cancel, char **cause)
{
	struct job_cam *c = &j->cams[i];
	struct clip_opts o;
	struct clip_result r;
	struct job_clip_arg a;
	struct job_flush fl;
	char *out;
	size_t g;
	int rc;

	a.j = j;
	a.stage = j->mode == JOB_REDACTED ? "redacting" : "cutting";
	a.cam = i;
	if (job_stage(j, a.stage, cause) != 0)
		return -1;
	if ((out = bundle_clip_path(j->bundle, c->name, j->from_ms,
	    j->to_ms)) == NULL)
		return cause_set(cause, "out of memory");
	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	o.pieces = c->pieces;
	o.npieces = c->npieces;
	o.from_ms = j->from_ms;
	o.to_ms = j->to_ms;
	o.out = out;
	o.audio = j->audio;
	o.progress = job_clip_progress;
	o.progress_arg = &a;
	o.cancel = cancel;
	o.nosync = 1;		/* bundle_finish() flushes every file */
	o.preset = j->preset;
	o.crf = j->crf;
	job_report(j, j->base, a.stage, i, 1);
	if (j->mode == JOB_REDACTED)
		rc = redact_clip(&o, j->mlist, &r, cause);
	else
		rc = clip_original(&o, &r, cause);
	if (rc != 0) {
		free(out);
		return rc;
	}
	rc = -1;
	if (bundle_add_range(j->bundle, c->name, j->from_ms, j->to_ms,
	    cause) != 0)
		goto out;
	for (g = 0; g < r.ngaps; g++) {
		if (bundle_add_gap(j->bundle, c->name, r.gaps[g].from_ms,
		    r.gaps[g].to_ms, cause) != 0)
			goto out;
	}
	j->base += j->span;
	j->span = c->w_hash;
	if (job_stage(j, "hashing", cause) != 0)
		goto out;
	job_report(j, j->base, "hashing", i, 1);
	memset(&fl, 0, sizeof fl);
	fl.path = out;
	fl.started = pthread_create(&fl.thread, NULL, job_flush_main, &fl) == 0;
	rc = bundle_add_clip(j->bundle, out, c->name, r.start_ms, r.end_ms,
	    r.duration_ms, r.codec, cause);
	if (fl.started)
		pthread_join(fl.thread, NULL);
	if (rc != 0) {
		rc = -1;
		goto out;
	}
	rc = -1;
	if (fl.err != 0) {
		cause_set(cause, "cannot write %s: %s", out, strerror(fl.err));
		goto out;
	}
	j->base += j->span;
	rc = 0;
out:
	clip_result_free(&r);
	free(out);
	return rc;
}

/* The sources of every camera, hashed on a thread of their own while the
 * clips are cut (both read the same files, mostly from the page cache). */
struct job_hasher {
	struct job		*j;
	const atomic_int	*cancel;
	atomic_int		 stop;
	pthread_t		 thread;
	int			 started;
	size_t			 n;		/* sources, all cameras */
	char			(*hex)[65];
	int64_t			*size;
	int			 rc;		/* 0, -1, CLIP_CANCELLED */
	char			*error;
};

static void *
job_hasher_main(void *arg)
{
	struct job_hasher *h = arg;
	struct stat sb;
	size_t i, k, at = 0;

	for (i = 0; i < h->j->ncams; i++) {
		for (k = 0; k < h->j->cams[i].nsources; k++, at++) {
			const char *path = h->j->cams[i].sources[k];

			if (atomic_load(&h->stop) || job_cancelled(h->cancel)) {
				h->rc = CLIP_CANCELLED;
				return NULL;
			}
			if (stat(path, &sb) == -1) {
				h->rc = cause_set(&h->error, "source %s: %s",
				    path, strerror(errno));
				return NULL;
			}
			h->size[at] = (int64_t)sb.st_size;
			if (sha256_file(path, h->hex[at], &h->error) != 0) {
				h->rc = -1;
				return NULL;
			}
		}
	}
	return NULL;
}

/* Starts hashing; without a thread (or memory) the sources are hashed
 * when job_hasher_end() is called. */
static void
job_hasher_start(struct job_hasher *h, struct job *j, const atomic_int *cancel)
{
	size_t i;

	memset(h, 0, sizeof *h);
	h->j = j;
	h->cancel = cancel;
	for (i = 0; i < j->ncams; i++)
		h->n += j->cams[i].nsources;
	h->hex = calloc(h->n > 0 ? h->n : 1, sizeof *h->hex);
	h->size = calloc(h->n > 0 ? h->n : 1, sizeof *h->size);
	if (h->hex == NULL || h->size == NULL)
		return;
	if (pthread_create(&h->thread, NULL, job_hasher_main, h) == 0)
		h->started = 1;
}

/* Waits for the hashes and records every source in the bundle (on
 * failure stops the thread first).  Returns 0, -1 or CLIP_CANCELLED. */
static int
job_hasher_end(struct job_hasher *h, int failed, char **cause)
{
	size_t i, k, at = 0;
	int rc = 0;

	if (failed)
		atomic_store(&h->stop, 1);
	if (h->started)
		pthread_join(h->thread, NULL);
	else if (!failed && h->hex != NULL && h->size != NULL)
		job_hasher_main(h);
	else if (!failed)
		h->rc = cause_set(&h->error, "out of memory");
	if (!failed && h->rc != 0) {
		rc = h->rc;
		if (rc == -1) {
			free(*cause);
			*cause = h->error;
			h->error = NULL;
		}
	}
	for (i = 0; !failed && rc == 0 && i < h->j->ncams; i++) {
		for (k = 0; rc == 0 && k < h->j->cams[i].nsources; k++, at++)
			rc = bundle_add_source_hashed(h->j->bundle,
			    h->j->cams[i].name, h->j->cams[i].sources[k],
			    h->size[at], h->hex[at], cause);
	}
	free(h->hex);
	free(h->size);
	free(h->error);
	return rc;
}

/* Sets every camera's progress weights, in units of about a byte hashed:
 * from bench_export's breakdown of a 1 GB original export (the cut 0.2,
 * the clip's hash and flush 0.8, the read-back and the rest 1.3 times the
 * time to hash the clip once). */
static double
job_weights(struct job *j)
{
	double total = 0, clip, hash;
	size_t i;

	for (i = 0; i < j->ncams; i++) {
		struct job_cam *c = &j->cams[i];

		if (j->mode == JOB_REDACTED)
			/* Encoding 1080p: about the time of hashing 1 GB per
			 * second of footage. */
			clip = (double)c->footage_ms * 1e6;
		else
			clip = 0.2 * (double)c->est_bytes;
		hash = 0.8 * (double)c->est_bytes;
		c->w_clip = clip;
		c->w_hash = hash;
		total += clip + hash;
	}
	/* Writing the documents and reading everything back. */
	total += 1.3 * (double)j->est.bytes + 1;
	for (i = 0; i < j->ncams; i++) {
		j->cams[i].w_clip /= total;
		j->cams[i].w_hash /= total;
	}
	return (1.3 * (double)j->est.bytes + 1) / total;
}

int
job_run(struct job *j, job_progress_fn *fn, void *arg,
    const atomic_int *cancel)
{
	struct job_hasher hasher;
	char *err = NULL, *final = NULL;
	double w_finish;
	size_t i;
	int rc = 0, hrc;

	if (j->state == JOB_RAN || j->state == JOB_ENDED)
		return j->rc;		/* ran already */
	if (j->state != JOB_STARTED && j->state != JOB_RUNNING) {
		j->rc = -1;
		free(j->error);
		j->error = strdup("the export was not started");
		return -1;
	}
	j->pfn = fn;
	j->parg = arg;
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	w_finish = job_weights(j);
	j->base = 0;
	job_hasher_start(&hasher, j, cancel);
	for (i = 0; i < j->ncams && rc == 0; i++) {
		j->span = j->cams[i].w_clip;
		if (job_cancelled(cancel)) {
			rc = CLIP_CANCELLED;
			break;
		}
		rc = job_clip(j, i, cancel, &err);
	}
	if (rc == 0 && job_cancelled(cancel))
		rc = CLIP_CANCELLED;
	if (rc == 0)
		j->failed_stage = "hashing";
	hrc = job_hasher_end(&hasher, rc != 0, &err);
	if (rc == 0)
		rc = hrc;
	if (rc == 0) {
		j->span = w_finish;
		rc = job_stage(j, "finishing", &err);
		if (rc == 0) {
			job_report(j, j->base, "finishing", j->ncams > 0 ?
			    j->ncams - 1 : 0, 1);
			rc = bundle_finish(j->bundle, j->key, &final, j->sums,
			    &err);
			j->bundle = NULL;	/* freed either way */
		}
	}
	if (rc != 0) {
		if (j->bundle != NULL) {
			bundle_abort(j->bundle);
			j->bundle = NULL;
		}
		if (rc == CLIP_CANCELLED) {
			free(err);
			err = strdup("cancelled");
		} else if (err == NULL)
			err = strdup("failed");
		j->rc = rc;
		j->error = err;
	} else {
		j->rc = 0;
		j->final = final;
		j->failed_stage = NULL;
		for (i = 0; i < j->ncams; i++)
			j->bundle_bytes += j->cams[i].est_bytes;
		job_report(j, 1, "done", j->ncams - 1, 1);
	}
	j->state = JOB_RAN;
	return j->rc;
}

/* ---- threads ------------------------------------------------------------ */

static void *
job_thread(void *arg)
{
	struct job *j = arg;
	char c = 'd';

	(void)job_run(j, NULL, NULL, &j->cancel);
	atomic_store(&j->finished, 1);
	(void)!write(j->pipe[1], &c, 1);
	return NULL;
}

int
job_spawn(struct job *j, char **cause)
{
	int rc;

	if (j->state != JOB_STARTED)
		return cause_set(cause, "the export was not started");
	if (pipe2(j->pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return cause_set(cause, "cannot start the export: %s",
		    strerror(errno));
	j->state = JOB_RUNNING;
	if ((rc = pthread_create(&j->thread, NULL, job_thread, j)) != 0) {
		j->state = JOB_STARTED;
		close(j->pipe[0]);
		close(j->pipe[1]);
		j->pipe[0] = j->pipe[1] = -1;
		return cause_set(cause, "cannot start the export: %s",
		    strerror(rc));
	}
	j->spawned = 1;
	return 0;
}

int
job_fd(const struct job *j)
{
	return j->spawned ? j->pipe[0] : -1;
}

void
job_progress_get(struct job *j, struct job_progress *p)
{
	pthread_mutex_lock(&j->mu);
	*p = j->prog;
	if (p->stage == NULL)
		p->stage = "starting";
	p->ncameras = j->ncams;
	pthread_mutex_unlock(&j->mu);
}

int
job_poll(struct job *j, struct job_progress *p)
{
	char buf[256];

	if (j->spawned && j->pipe[0] != -1) {
		while (read(j->pipe[0], buf, sizeof buf) > 0)
			;
	}
	if (p != NULL)
		job_progress_get(j, p);
	if (!j->spawned)
		return j->state == JOB_RAN || j->state == JOB_ENDED;
	if (!atomic_load(&j->finished))
		return 0;
	pthread_join(j->thread, NULL);
	j->spawned = 0;
	close(j->pipe[0]);
	close(j->pipe[1]);
	j->pipe[0] = j->pipe[1] = -1;
	return 1;
}

void
job_cancel(struct job *j)
{
	atomic_store(&j->cancel, 1);
}

void
job_set_hook(struct job *j, int (*hook)(const char *, void *), void *arg)
{
	j->hook = hook;
	j->hook_arg = arg;
}

/* ---- the end -------------------------------------------------------------- */

static int
job_rm_one(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)f;
	if (type == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

/* Removes a bundle that is complete but that the log cannot account for:
 * renamed back under a partial name first, so it never looks finished
 * while it is being removed. */
static void
job_remove_bundle(struct job *j, const char *dir)
{
	char *tmp;
	size_t len;

	if (dir == NULL)
		return;
	len = strlen(j->target) + 64;
	if ((tmp = malloc(len)) == NULL)
		return;
	snprintf(tmp, len, "%s/.vigil-partial-%s", j->target,
	    j->export_id != NULL ? j->export_id : "x");
	if (rename(dir, tmp) == 0)
		(void)nftw(tmp, job_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		(void)nftw(dir, job_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp);
}

int
job_end(struct job *j, char **cause)
{
	json_t *d, *clips;
	char *why = NULL;
	size_t i;
	int rc;

	if (j->state == JOB_NEW)
		return cause_set(cause, "the export was not started");
	if (j->state == JOB_ENDED)
		return cause_set(cause, "the export has already ended");
	if (j->spawned) {
		pthread_join(j->thread, NULL);
		j->spawned = 0;
		close(j->pipe[0]);
		close(j->pipe[1]);
		j->pipe[0] = j->pipe[1] = -1;
	}
	if (j->state == JOB_STARTED) {
		/* Never ran (job_spawn() failed, or freed unrun): nothing was
		 * read. */
		bundle_abort(j->bundle);
		j->bundle = NULL;
		j->rc = -1;
		free(j->error);
		j->error = strdup("the export was not run");
		j->failed_stage = "start";
	}
	j->state = JOB_ENDED;
	if (j->rc == 0) {
		clips = json_array();
		for (i = 0; clips != NULL && i < j->ncams; i++)
			json_array_append_new(clips, json_string(j->cams[i].name));
		d = json_pack("{s:I,s:o,s:s,s:s,s:s,s:o}", "export",
		    (json_int_t)j->start_seq, "bundle", job_shown(j->final),
		    "sha256sums", j->sums, "export_id", j->export_id,
		    "key_id", j->key_id, "cameras", clips);
		if (job_append(j, j->exporter, "export-done", d, &why) >= 0)
			return 0;
		/* The log cannot say the bundle left: it must not leave. */
		job_remove_bundle(j, j->final);
		cause_set(cause, "the bundle was written but export-done could "
		    "not be recorded (%s); the bundle was removed",
		    why != NULL ? why : "?");
		(void)job_log_failed(j, why, "record", 0, NULL);
		free(why);
		free(j->final);
		j->final = NULL;
		return -1;
	}
	rc = job_log_failed(j, j->error, j->rc == CLIP_CANCELLED ?
	    "cancel" : j->failed_stage, j->rc == CLIP_CANCELLED, &why);
	if (rc != 0) {
		cause_set(cause, "%s; and export-failed could not be recorded: "
		    "%s", j->error != NULL ? j->error : "failed",
		    why != NULL ? why : "?");
		free(why);
		return j->rc == CLIP_CANCELLED ? CLIP_CANCELLED : -1;
	}
	cause_set(cause, "%s", j->error != NULL ? j->error : "failed");
	return j->rc == CLIP_CANCELLED ? CLIP_CANCELLED : -1;
}

const char *
job_bundle(const struct job *j)
{
	return j->state == JOB_ENDED && j->rc == 0 ? j->final : NULL;
}

const char *
job_sums(const struct job *j)
{
	return j->state == JOB_ENDED && j->rc == 0 && j->final != NULL ?
	    j->sums : NULL;
}

void
job_free(struct job *j)
{
	size_t i;
	char *why = NULL;

	if (j == NULL)
		return;
	if (j->spawned) {
		job_cancel(j);
		pthread_join(j->thread, NULL);
		j->spawned = 0;
	}
	/* Started and not ended: ended now as failed (a spawned job was
	 * cancelled above, and is JOB_RAN now). */
	if (j->state == JOB_STARTED || j->state == JOB_RAN) {
		if (j->state == JOB_RAN && j->rc == 0) {
			/* Ran but never ended: the log cannot say it left. */
			j->rc = -1;
			free(j->error);
			j->error = strdup("abandoned before it was recorded as "
			    "done");
			j->failed_stage = "record";
			job_remove_bundle(j, j->final);
		}
		(void)job_end(j, &why);
		free(why);
	}
	if (j->bundle != NULL)
		bundle_abort(j->bundle);
	if (j->pipe[0] != -1)
		close(j->pipe[0]);
	if (j->pipe[1] != -1)
		close(j->pipe[1]);
	for (i = 0; i < j->ncams && j->cams != NULL; i++)
		job_cam_free(&j->cams[i]);
	free(j->cams);
	for (i = 0; i < j->nmasks && j->masks != NULL; i++)
		free(j->masks[i]);
	free(j->masks);
	mask_list_free(j->mlist);
	free(j->reason_code);
	free(j->reason_label);
	free(j->reference);
	free(j->requester);
	free(j->recipient);
	free(j->legal_basis);
	free(j->note);
	free(j->target);
	free(j->exporter);
	free(j->approver);
	free(j->terminal);
	free(j->preset);
	free(j->site);
	free(j->recorder);
	free(j->cameras_col);
	free(j->export_id);
	free(j->partial);
	free(j->error);
	free(j->final);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

/* ---- recovery ------------------------------------------------------------- */

/* 1 when process pid is still running a vigil program. */
/* 1 when the process has ended and waits to be reaped (state Z or X in
 * /proc/PID/stat, after the parenthesised name). */
static int
job_pid_zombie(json_int_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2] == 'Z' || p[2] == 'X';
}

static int
job_pid_alive(json_int_t pid)
{
	char path[64], exe[4096];
	const char *base;
	ssize_t n;

	if (pid <= 0 || pid > INT32_MAX)
		return 0;
	if (kill((pid_t)pid, 0) == -1 && errno != EPERM)
		return 0;
	if (job_pid_zombie(pid))
		return 0;	/* killed, not yet reaped */
	snprintf(path, sizeof path, "/proc/%lld/exe", (long long)pid);
	if ((n = readlink(path, exe, sizeof exe - 1)) == -1)
		return 1;	/* cannot tell: leave it alone */
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base != NULL ? base + 1 : exe;
	return strncmp(base, "vigil", 5) == 0 || strncmp(base, "test_", 5) == 0 ||
	    strncmp(base, "bench_", 6) == 0;
}

/* Removes the partial folder an export-start names, when it is one. */
static int
job_recover_partial(json_t *d)
{
	const char *partial = json_string_value(json_object_get(d, "partial"));
	const char *id = json_string_value(json_object_get(d, "export_id"));
	const char *base;
	char want[64];
	struct stat sb;

	if (partial == NULL || id == NULL)
		return 0;
	base = strrchr(partial, '/');
	base = base != NULL ? base + 1 : partial;
	snprintf(want, sizeof want, ".vigil-partial-%s", id);
	if (strcmp(base, want) != 0)
		return 0;
	if (lstat(partial, &sb) == -1)
		return errno == ENOENT;	/* already gone */
	if (!S_ISDIR(sb.st_mode))
		return 0;
	(void)nftw(partial, job_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return lstat(partial, &sb) == -1;
}

/* Collects the "export" seqs of the records with action. */
static int
job_ended(struct audit_log *log, const char *action, int64_t **v, size_t *n,
    char **cause)
{
	struct audit_filter f;
	struct audit_iter *it;
	struct audit_row row;
	json_t *d;
	int64_t *nv;
	int rc;

	memset(&f, 0, sizeof f);
	f.action = action;
	f.after_seq = -1;
	if ((it = audit_iter_new(log, &f, cause)) == NULL)
		return -1;
	while ((rc = audit_iter_next(it, &row, cause)) == 1) {
		d = json_loads(row.details, 0, NULL);
		if (json_is_integer(json_object_get(d, "export"))) {
			if ((nv = realloc(*v, (*n + 1) * sizeof **v)) == NULL) {
				json_decref(d);
				audit_iter_free(it);
				return cause_set(cause, "out of memory");
			}
			*v = nv;
			(*v)[(*n)++] = json_integer_value(json_object_get(d,
			    "export"));
		}
		json_decref(d);
	}
	audit_iter_free(it);
	return rc;
}

int
job_recover(struct audit_log *log, const char *terminal, size_t *closed,
    char **cause)
{
	struct audit_filter f;
	struct audit_iter *it;
	struct audit_row row;
	struct audit_entry e;
	int64_t *ended = NULL, *open = NULL, *nv;
	size_t nended = 0, nopen = 0, i, k;
	char *storage, *text;
	json_t *d, *out;
	int rc, removed;

	*closed = 0;
	if (log == NULL)
		return cause_set(cause, "the audit log is not open");
	if (job_ended(log, "export-done", &ended, &nended, cause) != 0 ||
	    job_ended(log, "export-failed", &ended, &nended, cause) != 0) {
		free(ended);
		return -1;
	}
	memset(&f, 0, sizeof f);
	f.action = "export-start";
	f.after_seq = -1;
	if ((it = audit_iter_new(log, &f, cause)) == NULL) {
		free(ended);
		return -1;
	}
	while ((rc = audit_iter_next(it, &row, cause)) == 1) {
		for (k = 0; k < nended && ended[k] != row.seq; k++)
			;
		if (k < nended)
			continue;
		if ((nv = realloc(open, (nopen + 1) * sizeof *open)) == NULL) {
			rc = cause_set(cause, "out of memory");
			break;
		}
		open = nv;
		open[nopen++] = row.seq;
	}
	audit_iter_free(it);
	free(ended);
	if (rc != 0) {
		free(open);
		return -1;
	}
	for (i = 0; i < nopen; i++) {
		storage = NULL;
		if (audit_entry_get(log, open[i], &row, &storage, cause) != 0) {
			free(storage);
			free(open);
			return -1;
		}
		d = json_loads(row.details, 0, NULL);
		if (job_pid_alive(json_integer_value(json_object_get(d,
		    "pid")))) {
			json_decref(d);
			free(storage);
			continue;
		}
		removed = job_recover_partial(d);
		out = json_pack("{s:I,s:s,s:s,s:b,s:o,s:b,s:b}", "export",
		    (json_int_t)open[i], "error", "interrupted: vigil stopped "
		    "during the export", "stage", "interrupted", "cancelled", 0,
		    "export_id", json_incref(json_object_get(d, "export_id")) !=
		    NULL ? json_object_get(d, "export_id") : json_null(),
		    "partial_removed", removed, "recovered", 1);
		json_decref(d);
		text = job_dump(out);
		memset(&e, 0, sizeof e);
		e.actor = row.actor;
		e.action = "export-failed";
		e.camera = row.camera;
		e.from_ms = row.from_ms;
		e.to_ms = row.to_ms;
		e.reason_code = row.reason_code;
		e.reference = row.reference;
		e.details = text;
		e.terminal = terminal != NULL ? terminal : "-";
		rc = text == NULL ? cause_set(cause, "out of memory") :
		    (audit_append(log, &e, cause) < 0 ? -1 : 0);
		free(text);
		free(storage);
		if (rc != 0) {
			free(open);
			return -1;
		}
		(*closed)++;
	}
	free(open);
	return 0;
}
