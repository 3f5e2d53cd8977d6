/* bundle — writing a disclosure bundle: documents, manifest, checksums and
 * signature, written into a partial folder, flushed, read back and renamed
 * into place, or removed (vigil-export(5)). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "export/export.h"
#include "util/util.h"

#define BUNDLE_NAME_MAX	64

struct bundle_clip {
	char	*rel;		/* clips/<name>.mp4 */
	char	*camera;
	int64_t	 from_ms;
	int64_t	 to_ms;
	int64_t	 duration_ms;
	char	*codec;
	int64_t	 size;
	char	 sha256[65];
};

struct bundle_source {
	char	*camera;
	char	*file;
	int64_t	 size;
	char	 sha256[65];
};

struct bundle_span {
	char	*camera;
	int64_t	 from_ms;
	int64_t	 to_ms;
};

struct bundle {
	char			 id[17];
	char			*target;
	char			*partial;
	int64_t			 created_ms;
	json_t			*meta;		/* the bundle_meta, copied */
	char			*reference;
	struct bundle_clip	*clips;
	size_t			 nclips;
	struct bundle_source	*sources;
	size_t			 nsources;
	struct bundle_span	*ranges;
	size_t			 nranges;
	struct bundle_span	*gaps;
	size_t			 ngaps;
	char			**masks;
	size_t			 nmasks;
};

/* A name made safe for a file name (vigil-export(5), "LAYOUT"). */
static char *
bundle_safe_name(const char *s)
{
	char *out = xmalloc(BUNDLE_NAME_MAX + 1), *o = out;
	size_t n = 0;

	for (; *s != '\0' && n < BUNDLE_NAME_MAX; s++, n++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
			*o++ = (char)c;
		else
			*o++ = '-';
	}
	*o = '\0';
	if (out[0] == '.')
		out[0] = '_';
	if (out[0] == '\0') {
		free(out);
		return xstrdup("_");
	}
	return out;
}

static void
bundle_stamp(int64_t ms, char *buf, size_t len)
{
	char iso[40];

	clock_format_utc(ms, iso, sizeof iso);	/* YYYY-MM-DDTHH:MM:SS.mmmZ */
	snprintf(buf, len, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8,
	    iso + 11, iso + 14, iso + 17);
}

static char *
bundle_iso(int64_t ms)
{
	char buf[40];

	return xstrdup(clock_format_utc(ms, buf, sizeof buf));
}

static int
bundle_rm_one(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)f;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Removes a folder and everything in it, not following links. */
static void
bundle_rmtree(const char *path)
{
	nftw(path, bundle_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
bundle_free(struct bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nclips; i++) {
		free(b->clips[i].rel);
		free(b->clips[i].camera);
		free(b->clips[i].codec);
	}
	for (i = 0; i < b->nsources; i++) {
		free(b->sources[i].camera);
		free(b->sources[i].file);
	}
	for (i = 0; i < b->nranges; i++)
		free(b->ranges[i].camera);
	for (i = 0; i < b->ngaps; i++)
		free(b->gaps[i].camera);
	for (i = 0; i < b->nmasks; i++)
		free(b->masks[i]);
	free(b->clips);
	free(b->sources);
	free(b->ranges);
	free(b->gaps);
	free(b->masks);
	json_decref(b->meta);
	free(b->reference);
	free(b->target);
	free(b->partial);
	free(b);
}

static const char *
bundle_meta_str(const struct bundle *b, const char *key)
{
	const char *s = json_string_value(json_object_get(b->meta, key));

	return s != NULL ? s : "";
}

static json_t *
bundle_jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

struct bundle *
bundle_begin(const char *target, const struct bundle_meta *m,
    int64_t created_ms, char **cause)
{
	struct bundle *b;
	uint8_t rnd[8];
	struct stat sb;
	char *clips;
	const char *strs[] = { m->exporter, m->approver, m->reason_code,
	    m->reason_label, m->legal_basis, m->reference, m->requester,
	    m->recipient, m->mode, m->site, m->recorder, m->log_id,
	    m->ckpt_root, m->key_id };
	char fpr[SIGN_FPR_TEXT];
	size_t i;
	int st;

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if (strs[i] != NULL && !utf8_valid(strs[i], strlen(strs[i]))) {
			cause_set(cause, "export details are not valid UTF-8");
			return NULL;
		}
	}
	if (m->reference == NULL || *m->reference == '\0') {
		cause_set(cause, "an export needs a reference");
		return NULL;
	}
	if ((st = stat(target, &sb)) != 0 || !S_ISDIR(sb.st_mode)) {
		cause_set(cause, "export target %s: %s", target, st != 0 ?
		    strerror(errno) : "not a folder");
		return NULL;
	}
	if (m->id != NULL && (strlen(m->id) != 16 ||
	    strspn(m->id, "0123456789abcdef") != 16)) {
		cause_set(cause, "an export id is 16 lower-case hex digits");
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	if (m->id != NULL)
		memcpy(b->id, m->id, 17);
	else {
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(b->id, sizeof b->id, rnd, sizeof rnd);
	}
	b->target = xstrdup(target);
	b->partial = xasprintf("%s/.vigil-partial-%s", target, b->id);
	b->created_ms = created_ms;
	b->reference = xstrdup(m->reference);
	if (m->public_key == NULL || sign_fingerprint(m->public_key, fpr) != 0) {
		cause_set(cause, "no signing public key for the export");
		return NULL;
	}
	b->meta = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o,"
	    "s:o,s:I,s:I,s:I,s:o,s:o,s:s,s:s}",
	    "exporter", bundle_jstr(m->exporter),
	    "approver", bundle_jstr(m->approver),
	    "reason_code", bundle_jstr(m->reason_code),
	    "reason_label", bundle_jstr(m->reason_label),
	    "legal_basis", bundle_jstr(m->legal_basis),
	    "reference", bundle_jstr(m->reference),
	    "requester", bundle_jstr(m->requester),
	    "recipient", bundle_jstr(m->recipient),
	    "mode", bundle_jstr(m->mode != NULL ? m->mode : "original"),
	    "audio", m->audio,
	    "site", bundle_jstr(m->site),
	    "recorder", bundle_jstr(m->recorder),
	    "log_id", bundle_jstr(m->log_id),
	    "export_seq", (json_int_t)m->export_seq,
	    "ckpt_epoch", (json_int_t)m->ckpt_epoch,
	    "ckpt_n", (json_int_t)m->ckpt_n,
	    "ckpt_root", bundle_jstr(m->ckpt_root),
	    "key_id", bundle_jstr(m->key_id),
	    "public_key", m->public_key,
	    "fingerprint", fpr);
	if (b->meta == NULL) {
		cause_set(cause, "out of memory");
		bundle_free(b);
		return NULL;
	}
	if (mkdir(b->partial, 0755) == -1) {
		cause_set(cause, "cannot create %s: %s", b->partial,
		    strerror(errno));
		bundle_free(b);
		return NULL;
	}
	clips = xasprintf("%s/clips", b->partial);
	if (mkdir(clips, 0755) == -1) {
		cause_set(cause, "cannot create %s: %s", clips, strerror(errno));
		free(clips);
		bundle_abort(b);
		return NULL;
	}
	free(clips);
	return b;
}

const char *
bundle_id(const struct bundle *b)
{
	return b->id;
}

const char *
bundle_partial(const struct bundle *b)
{
	return b->partial;
}

char *
bundle_clip_path(struct bundle *b, const char *camera, int64_t from_ms,
    int64_t to_ms)
{
	char f[24], t[24], *cam = bundle_safe_name(camera), *p;

	bundle_stamp(from_ms, f, sizeof f);
	bundle_stamp(to_ms, t, sizeof t);
	p = xasprintf("%s/clips/%s_%s_%s.mp4", b->partial, cam, f, t);
	free(cam);
	return p;
}

static int
bundle_add_span(struct bundle_span **v, size_t *n, const char *camera,
    int64_t from_ms, int64_t to_ms, char **cause)
{
	if (camera == NULL || !utf8_valid(camera, strlen(camera)))
		return cause_set(cause, "camera name is not valid UTF-8");
	if (to_ms <= from_ms)
		return cause_set(cause, "a range must end after it starts");
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].camera = xstrdup(camera);
	(*v)[*n].from_ms = from_ms;
	(*v)[*n].to_ms = to_ms;
	(*n)++;
	return 0;
}

int
bundle_add_range(struct bundle *b, const char *camera, int64_t from_ms,
    int64_t to_ms, char **cause)
{
	return bundle_add_span(&b->ranges, &b->nranges, camera, from_ms, to_ms,
	    cause);
}

int
bundle_add_gap(struct bundle *b, const char *camera, int64_t from_ms,
    int64_t to_ms, char **cause)
{
	return bundle_add_span(&b->gaps, &b->ngaps, camera, from_ms, to_ms, cause);
}

int
bundle_add_mask(struct bundle *b, const char *spec, char **cause)
{
	if (!utf8_valid(spec, strlen(spec)))
		return cause_set(cause, "mask specification is not valid UTF-8");
	b->masks = xrealloc(b->masks, (b->nmasks + 1) * sizeof *b->masks);
	b->masks[b->nmasks++] = xstrdup(spec);
	return 0;
}

int
bundle_add_source(struct bundle *b, const char *camera, const char *path,
    char **cause)
{
	struct stat sb;
	char hex[65];

	if (stat(path, &sb) == -1)
		return cause_set(cause, "source %s: %s", path, strerror(errno));
	if (sha256_file(path, hex, cause) != 0)
		return -1;
	return bundle_add_source_hashed(b, camera, path, (int64_t)sb.st_size,
	    hex, cause);
}

int
bundle_add_source_hashed(struct bundle *b, const char *camera,
    const char *path, int64_t size, const char hex[65], char **cause)
{
	struct bundle_source *s;
	const char *rec = json_string_value(json_object_get(b->meta, "recorder"));
	size_t rl = rec != NULL ? strlen(rec) : 0;

	if (strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
		return cause_set(cause, "source %s: not a SHA-256", path);
	b->sources = xrealloc(b->sources, (b->nsources + 1) * sizeof *b->sources);
	s = &b->sources[b->nsources++];
	s->camera = xstrdup(camera);
	if (rl > 0 && strncmp(path, rec, rl) == 0 && path[rl] == '/')
		path += rl + 1;
	s->file = utf8_sanitize(path, strlen(path));
	s->size = size;
	memcpy(s->sha256, hex, 65);
	return 0;
}

int
bundle_add_clip(struct bundle *b, const char *path, const char *camera,
    int64_t from_ms, int64_t to_ms, int64_t duration_ms, const char *codec,
    char **cause)
{
	struct bundle_clip *c;
	size_t pl = strlen(b->partial);
	struct stat sb;
	char hex[65];

	if (strncmp(path, b->partial, pl) != 0 || strncmp(path + pl, "/clips/", 7))
		return cause_set(cause, "clip %s is not inside the bundle", path);
	if (stat(path, &sb) == -1)
		return cause_set(cause, "clip %s: %s", path, strerror(errno));
	if (sha256_file(path, hex, cause) != 0)
		return -1;
	b->clips = xrealloc(b->clips, (b->nclips + 1) * sizeof *b->clips);
	c = &b->clips[b->nclips++];
	c->rel = xstrdup(path + pl + 1);
	c->camera = xstrdup(camera);
	c->from_ms = from_ms;
	c->to_ms = to_ms;
	c->duration_ms = duration_ms;
	c->codec = xstrdup(codec != NULL ? codec : "");
	c->size = (int64_t)sb.st_size;
	memcpy(c->sha256, hex, sizeof hex);
	return 0;
}

/* Writes a new file in the partial folder and flushes it. */
static int
bundle_write(struct bundle *b, const char *name, const char *text, char **cause)
{
	char *path = xasprintf("%s/%s", b->partial, name);
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1) {
		cause_set(cause, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			cause_set(cause, "cannot write %s: %s", path,
			    n == 0 ? "short write" : strerror(errno));
			close(fd);
			free(path);
			return -1;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		cause_set(cause, "cannot write %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

static json_t *
bundle_spans_json(const struct bundle_span *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		char *f = bundle_iso(v[i].from_ms), *t = bundle_iso(v[i].to_ms);

		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "camera",
		    v[i].camera, "from", f, "to", t));
		free(f);
		free(t);
	}
	return a;
}

static char *
bundle_manifest(struct bundle *b)
{
	json_t *m, *clips, *srcs, *cams, *masks, *ck, *purpose, *audit;
	char *created = bundle_iso(b->created_ms), *text;
	size_t i, j;

	clips = json_array();
	for (i = 0; i < b->nclips; i++) {
		char *f = bundle_iso(b->clips[i].from_ms);
		char *t = bundle_iso(b->clips[i].to_ms);

		json_array_append_new(clips, json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,"
		    "s:I,s:s}", "file", b->clips[i].rel, "camera",
		    b->clips[i].camera, "from", f, "to", t, "duration_ms",
		    (json_int_t)b->clips[i].duration_ms, "codec", b->clips[i].codec,
		    "size", (json_int_t)b->clips[i].size, "sha256",
		    b->clips[i].sha256));
		free(f);
		free(t);
	}
	srcs = json_array();
	for (i = 0; i < b->nsources; i++)
		json_array_append_new(srcs, json_pack("{s:s,s:s,s:I,s:s}", "camera",
		    b->sources[i].camera, "file", b->sources[i].file, "size",
		    (json_int_t)b->sources[i].size, "sha256", b->sources[i].sha256));
	cams = json_array();
	for (i = 0; i < b->nranges; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(b->ranges[j].camera, b->ranges[i].camera) == 0)
				break;
		}
		if (j == i)
			json_array_append_new(cams, json_string(b->ranges[i].camera));
	}
	masks = json_array();
	for (i = 0; i < b->nmasks; i++)
		json_array_append_new(masks, json_string(b->masks[i]));
	ck = json_integer_value(json_object_get(b->meta, "ckpt_epoch")) < 0 ?
	    json_null() : json_pack("{s:O,s:O,s:O}", "epoch",
	    json_object_get(b->meta, "ckpt_epoch"), "n",
	    json_object_get(b->meta, "ckpt_n"), "root",
	    json_object_get(b->meta, "ckpt_root"));
	purpose = json_pack("{s:O,s:O,s:O}", "reason_code",
	    json_object_get(b->meta, "reason_code"), "label",
	    json_object_get(b->meta, "reason_label"), "legal_basis",
	    json_object_get(b->meta, "legal_basis"));
	audit = json_pack("{s:O,s:O,s:o}", "log_id",
	    json_object_get(b->meta, "log_id"), "export_seq",
	    json_object_get(b->meta, "export_seq"), "checkpoint", ck);
	m = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O,s:o,s:O,s:O,s:O,s:O,s:O,s:o,s:o,"
	    "s:o,s:o,s:o,s:o,s:o,s:O,s:O,s:O}",
	    "format", "vigil-export-1",
	    "export_id", b->id,
	    "vigil_version", VIGIL_VERSION,
	    "created", created,
	    "exporter", json_object_get(b->meta, "exporter"),
	    "approver", json_object_get(b->meta, "approver"),
	    "purpose", purpose,
	    "reference", json_object_get(b->meta, "reference"),
	    "requester", json_object_get(b->meta, "requester"),
	    "recipient", json_object_get(b->meta, "recipient"),
	    "mode", json_object_get(b->meta, "mode"),
	    "audio", json_object_get(b->meta, "audio"),
	    "cameras", cams,
	    "ranges", bundle_spans_json(b->ranges, b->nranges),
	    "sources", srcs,
	    "gaps", bundle_spans_json(b->gaps, b->ngaps),
	    "redactions", masks,
	    "clips", clips,
	    "audit", audit,
	    "signing_key_id", json_object_get(b->meta, "key_id"),
	    "signing_public_key", json_object_get(b->meta, "public_key"),
	    "signing_key_fingerprint", json_object_get(b->meta, "fingerprint"));
	free(created);
	text = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(m);
	return text;
}

/* Appends formatted text to a growing string. */
static void
bundle_cat(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
bundle_cat(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *both;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	both = xasprintf("%s%s", *s != NULL ? *s : "", add);
	free(*s);
	free(add);
	*s = both;
}

static char *
bundle_readme(struct bundle *b)
{
	char *s = NULL;

	bundle_cat(&s,
	    "This folder is a disclosure of recorded CCTV footage made with vigil\n"
	    "(%s), export %s, reference %s.\n\n"
	    "It holds the clips (clips/), the handover protocol (HANDOVER.txt),\n"
	    "a machine-readable description (manifest.json), the SHA-256 checksum\n"
	    "of every one of those files (SHA256SUMS), a signature over the\n"
	    "checksums (SHA256SUMS.minisig) and a copy of the public key that\n"
	    "made it (vigil-%s.pub).\n\n"
	    "The site signs with this public key (minisign):\n\n"
	    "    %s\n\n"
	    "    fingerprint (SHA-256 of the key):\n"
	    "    %s\n\n"
	    "A key read from this folder proves nothing by itself: anyone can\n"
	    "make a key with the same key id and sign altered files with it.\n"
	    "Compare the key above, all of it, with the one the data controller\n"
	    "publishes (its web page, a letter to the police district), and\n"
	    "verify with the PUBLISHED key, never the one in this folder. In\n"
	    "this folder run:\n\n"
	    "    minisign -Vm SHA256SUMS -P <the published key> && sha256sum -c SHA256SUMS\n\n"
	    "Both commands must succeed. Then check that the folder holds exactly\n"
	    "the signed files and nothing else (no output means it does):\n\n"
	    "    find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.minisig \\\n"
	    "      ! -name 'vigil-*.pub' | sed 's|^\\./||' | sort >/tmp/files &&\n"
	    "    cut -c67- SHA256SUMS | sort | diff - /tmp/files\n\n"
	    "The clips play in any player that reads MP4 (H.264). %s\n\n"
	    "The format of this folder is described in vigil-export(5).\n",
	    bundle_meta_str(b, "site"), b->id, b->reference,
	    bundle_meta_str(b, "key_id"), bundle_meta_str(b, "public_key"),
	    bundle_meta_str(b, "fingerprint"),
	    strcmp(bundle_meta_str(b, "mode"), "redacted") == 0 ?
	    "They are redacted: the masked areas were replaced in the pictures\n"
	    "themselves and cannot be recovered from these files." :
	    "They hold the recorded video unchanged (stream copy), cut at\n"
	    "keyframes, so each may start a little before and end a little after\n"
	    "the requested time; manifest.json gives the exact times.");
	return s;
}

static char *
bundle_handover(struct bundle *b)
{
	char when[40], f[40], t[40], *s = NULL;
	const char *approver = json_string_value(json_object_get(b->meta,
	    "approver"));
	int64_t ce = json_integer_value(json_object_get(b->meta, "ckpt_epoch"));
	size_t i;

	clock_format_utc(b->created_ms, when, sizeof when);
	bundle_cat(&s, "HANDOVER OF RECORDED CCTV FOOTAGE\n\n"
	    "Controller / site:       %s\n"
	    "Date and time (UTC):     %s\n"
	    "Export id:               %s\n\n"
	    "Reason:                  %s (%s)\n"
	    "Legal basis:             %s\n"
	    "Requester:               %s\n"
	    "Reference:               %s\n"
	    "Recipient:               %s\n"
	    "Mode:                    %s%s\n\n"
	    "Cameras and time ranges (UTC):\n",
	    bundle_meta_str(b, "site"), when, b->id,
	    bundle_meta_str(b, "reason_code"), bundle_meta_str(b, "reason_label"),
	    bundle_meta_str(b, "legal_basis"), bundle_meta_str(b, "requester"),
	    b->reference, bundle_meta_str(b, "recipient"),
	    bundle_meta_str(b, "mode"),
	    strcmp(bundle_meta_str(b, "mode"), "redacted") == 0 ?
	    " (masks burned into the pictures)" : " (recorded video unchanged)");
	for (i = 0; i < b->nranges; i++)
		bundle_cat(&s, "  %-20s %s - %s\n", b->ranges[i].camera,
		    clock_format_utc(b->ranges[i].from_ms, f, sizeof f),
		    clock_format_utc(b->ranges[i].to_ms, t, sizeof t));
	for (i = 0; i < b->ngaps; i++)
		bundle_cat(&s, "  gap, no recording: %s %s - %s\n",
		    b->gaps[i].camera,
		    clock_format_utc(b->gaps[i].from_ms, f, sizeof f),
		    clock_format_utc(b->gaps[i].to_ms, t, sizeof t));
	bundle_cat(&s, "\nFiles (%zu clip%s), with SHA-256:\n", b->nclips,
	    b->nclips == 1 ? "" : "s");
	for (i = 0; i < b->nclips; i++)
		bundle_cat(&s, "  %s\n    %s\n", b->clips[i].rel, b->clips[i].sha256);
	bundle_cat(&s, "\nThe checksums of all files are in SHA256SUMS, signed by "
	    "the site's key\n(key id %s):\n"
	    "  public key:  %s\n"
	    "  fingerprint: %s\n"
	    "Compare the whole key with the one the controller publishes; the copy\n"
	    "in the bundle proves nothing by itself. Verify with the published key:\n"
	    "  minisign -Vm SHA256SUMS -P <published key> && sha256sum -c SHA256SUMS\n\n"
	    "Audit log id:            %s\n"
	    "Export record (seq):     %lld\n",
	    bundle_meta_str(b, "key_id"), bundle_meta_str(b, "public_key"),
	    bundle_meta_str(b, "fingerprint"), bundle_meta_str(b, "log_id"),
	    (long long)json_integer_value(json_object_get(b->meta, "export_seq")));
	if (ce >= 0)
		bundle_cat(&s, "Audit checkpoint:        %lld (covering %lld entries)\n",
		    (long long)ce, (long long)json_integer_value(
		    json_object_get(b->meta, "ckpt_n")));
	bundle_cat(&s, "\nHanded over by:          %s\n"
	    "Approved by:             %s\n\n"
	    "Signature of the handing person:   ______________________________\n\n\n"
	    "Received by (name):                ______________________________\n\n"
	    "Organisation:                      ______________________________\n\n"
	    "Date and time of receipt:          ______________________________\n\n"
	    "Signature of the receiving person: ______________________________\n",
	    bundle_meta_str(b, "exporter"),
	    approver != NULL ? approver : "(no second person required)");
	return s;
}

static int
bundle_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Flushes a file, drops it from the page cache, reads it back and checks
 * its SHA-256 against want. */
static int
bundle_readback(struct bundle *b, const char *rel, const char *want,
    char **cause)
{
	char *path = xasprintf("%s/%s", b->partial, rel), hex[65];
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1) {
		cause_set(cause, "cannot flush %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (sha256_file(path, hex, cause) != 0)
		goto out;
	if (strcmp(hex, want) != 0) {
		cause_set(cause, "%s reads back differently from what was written "
		    "(the medium is failing?)", path);
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

int
bundle_finish(struct bundle *b, const struct sign_key *key, char **final,
    char sums_hex[65], char **cause)
{
	const char *docs[] = { "README.txt", "HANDOVER.txt", "manifest.json" };
	char *texts[3] = { NULL, NULL, NULL }, **names = NULL, **hashes = NULL;
	char *sums = NULL, *path = NULL, *ref = NULL, *tc = NULL, *dest = NULL;
	char *sig = NULL;
	char keyid[SIGN_KEYID_HEX], stamp[24], iso[40], hex[65];
	size_t n = 0, i, j;
	int rc = -1, attempt;

	sign_key_id(key, keyid);
	if (strcmp(keyid, bundle_meta_str(b, "key_id")) != 0) {
		cause_set(cause, "the signing key %s is not the one named in the "
		    "export (%s)", keyid, bundle_meta_str(b, "key_id"));
		goto fail;
	}
	texts[0] = bundle_readme(b);
	texts[1] = bundle_handover(b);
	texts[2] = bundle_manifest(b);
	if (texts[2] == NULL) {
		cause_set(cause, "cannot write the manifest (out of memory)");
		goto fail;
	}
	names = xcalloc(3 + b->nclips, sizeof *names);
	hashes = xcalloc(3 + b->nclips, sizeof *hashes);
	for (i = 0; i < 3; i++) {
		if (bundle_write(b, docs[i], texts[i], cause) != 0)
			goto fail;
		path = xasprintf("%s/%s", b->partial, docs[i]);
		if (sha256_file(path, hex, cause) != 0)
			goto fail;
		free(path);
		path = NULL;
		names[n] = xasprintf("%s  %s", hex, docs[i]);
		n++;
	}
	for (i = 0; i < b->nclips; i++)
		names[n++] = xasprintf("%s  %s", b->clips[i].sha256, b->clips[i].rel);
	/* Sort by path (the part after the two spaces). */
	for (i = 0; i < n; i++)
		hashes[i] = names[i] + 66;
	qsort(hashes, n, sizeof *hashes, bundle_cmp_str);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			if (names[j] + 66 == hashes[i])
				break;
		}
		bundle_cat(&sums, "%s\n", names[j]);
	}
	if (bundle_write(b, "SHA256SUMS", sums, cause) != 0)
		goto fail;
	path = xasprintf("%s/SHA256SUMS", b->partial);
	if (sha256_file(path, sums_hex, cause) != 0)
		goto fail;
	ref = utf8_sanitize(b->reference, strlen(b->reference));
	tc = xasprintf("vigil-export-1 id=%s created=%s reference=%s", b->id,
	    clock_format_utc(b->created_ms, iso, sizeof iso), ref);
	sig = xasprintf("%s/SHA256SUMS.minisig", b->partial);
	if (sign_file(key, path, sig, tc, cause) != 0)
		goto fail;
	free(path);
	path = xasprintf("%s/vigil-%s.pub", b->partial, keyid);
	if (sign_pubkey_write(key, path, cause) != 0)
		goto fail;

	/* Read every file back from the medium. */
	for (i = 0; i < n; i++) {
		names[i][64] = '\0';
		if (bundle_readback(b, names[i] + 66, names[i], cause) != 0)
			goto fail;
	}
	if (bundle_readback(b, "SHA256SUMS", sums_hex, cause) != 0)
		goto fail;
	free(path);
	path = xasprintf("%s/clips", b->partial);
	if (file_sync_dir(path, cause) != 0 ||
	    file_sync_dir(b->partial, cause) != 0)
		goto fail;

	/* Into place, under a name no other bundle has. */
	free(ref);
	ref = bundle_safe_name(b->reference);
	bundle_stamp(b->created_ms, stamp, sizeof stamp);
	for (attempt = 1; attempt < 100; attempt++) {
		free(dest);
		dest = attempt == 1 ? xasprintf("%s/VIGIL-%s-%s", b->target, ref,
		    stamp) : xasprintf("%s/VIGIL-%s-%s-%d", b->target, ref, stamp,
		    attempt);
		if (access(dest, F_OK) == 0)
			continue;
		if (rename(b->partial, dest) == 0)
			break;
		if (errno != EEXIST && errno != ENOTEMPTY) {
			cause_set(cause, "cannot move the bundle into place: %s",
			    strerror(errno));
			goto fail;
		}
	}
	if (attempt == 100) {
		cause_set(cause, "too many bundles named %s", dest);
		goto fail;
	}
	if (file_sync_dir(b->target, cause) != 0) {
		/* The bundle is complete and in place; the rename may not be
		 * durable yet, which the caller reports. */
		free(b->partial);
		b->partial = xstrdup(dest);
		goto fail;
	}
	*final = dest;
	dest = NULL;
	rc = 0;
	bundle_free(b);
	b = NULL;
fail:
	if (b != NULL)
		bundle_abort(b);
	for (i = 0; i < 3; i++)
		free(texts[i]);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(hashes);
	free(sums);
	free(path);
	free(ref);
	free(tc);
	free(sig);
	free(dest);
	return rc;
}

void
bundle_abort(struct bundle *b)
{
	if (b == NULL)
		return;
	bundle_rmtree(b->partial);
	bundle_free(b);
}
