/* bundle_verify — checking a disclosure bundle the way vigil-export(5)
 * says: signature, checksums, no extra files, manifest, clip durations. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>

#include "av/av.h"
#include "export/export.h"
#include "util/util.h"

#define VERIFY_SUMS_MAX		(1024 * 1024)
#define VERIFY_MANIFEST_MAX	(4 * 1024 * 1024)
#define VERIFY_FILES_MAX	10000

struct vb {
	const char	*dir;
	char		*report;
	char		**listed;	/* paths named in SHA256SUMS */
	char		**hashes;
	size_t		 nlisted;
	char		 keyid[SIGN_KEYID_HEX];
	char		*pubname;
	char		*id;
	char		*reference;
	char		*pubkey;	/* the bundle's key, base64 */
	const struct sign_trust *trust;
};

static int vb_say(struct vb *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a line to the report; returns rc so callers can `return vb_say()`. */
static int
vb_say(struct vb *v, int rc, const char *fmt, ...)
{
	va_list ap;
	char *line, *both;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		line = NULL;
	va_end(ap);
	both = xasprintf("%s%s\n", v->report != NULL ? v->report : "",
	    line != NULL ? line : "(out of memory)");
	free(v->report);
	free(line);
	v->report = both;
	return rc;
}

/* Finds the one vigil-*.pub and checks the folder is not a partial one. */
static int
vb_find_key(struct vb *v)
{
	const char *base = strrchr(v->dir, '/');
	struct dirent *de;
	DIR *d;
	int n = 0;

	base = base != NULL ? base + 1 : v->dir;
	if (strncmp(base, ".vigil-partial-", 15) == 0)
		return vb_say(v, 2, "%s is an unfinished export (a partial folder "
		    "is never a bundle)", v->dir);
	if ((d = opendir(v->dir)) == NULL)
		return vb_say(v, 2, "cannot read %s: %s", v->dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, "vigil-", 6) == 0 && len > 10 &&
		    strcmp(de->d_name + len - 4, ".pub") == 0) {
			n++;
			free(v->pubname);
			v->pubname = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n != 1)
		return vb_say(v, 2, "%s holds %d public keys (vigil-*.pub); a "
		    "bundle holds exactly one", v->dir, n);
	return 0;
}

/* Checks the signature of SHA256SUMS and reads its trusted comment. */
static int
vb_signature(struct vb *v)
{
	char *pub = xasprintf("%s/%s", v->dir, v->pubname);
	char *sums = xasprintf("%s/SHA256SUMS", v->dir);
	char *sig = xasprintf("%s/SHA256SUMS.minisig", v->dir);
	char *tc = NULL, *cause = NULL, *p, *q, fpr[SIGN_FPR_TEXT];
	int64_t until = 0, created;
	struct stat sb;
	int rc;

	if (lstat(sums, &sb) == -1 || lstat(sig, &sb) == -1) {
		rc = vb_say(v, 2, "%s has no SHA256SUMS or no SHA256SUMS.minisig; "
		    "it is not a bundle", v->dir);
		goto out;
	}
	if (sign_pubkey_read(pub, v->keyid, &v->pubkey, &cause) != 0) {
		rc = vb_say(v, 2, "%s", cause);
		goto out;
	}
	/* The key in the bundle is a convenience, never an anchor: anyone can
	 * make a key carrying the site's key id.  Only a pinned key counts. */
	if (sign_trust_count(v->trust) == 0) {
		rc = vb_say(v, 2, "no signing key is pinned: give --pubkey with "
		    "the site's published key, or list it in [export] "
		    "trusted_keys; the key inside a bundle proves nothing by "
		    "itself");
		goto out;
	}
	if (sign_fingerprint(v->pubkey, fpr) != 0)
		snprintf(fpr, sizeof fpr, "none");
	if (sign_trust_find(v->trust, v->pubkey, &until) != 0) {
		rc = vb_say(v, 1, "ALTERED: signed by an unknown key: %s "
		    "(fingerprint %s) is none of the pinned site keys", v->pubkey,
		    fpr);
		goto out;
	}
	rc = sign_verify(pub, sums, sig, &tc, &cause);
	if (rc != 0) {
		rc = vb_say(v, rc == 1 ? 1 : 2, "ALTERED: SHA256SUMS or "
		    "SHA256SUMS.minisig: %s", cause);
		goto out;
	}
	/* "vigil-export-1 id=<16 hex> created=<time> reference=<ref>" */
	if (strncmp(tc, "vigil-export-1 id=", 18) != 0 || strlen(tc) < 34 ||
	    tc[34] != ' ' || (p = strstr(tc + 35, " reference=")) == NULL ||
	    strncmp(tc + 35, "created=", 8) != 0) {
		rc = vb_say(v, 1, "ALTERED: SHA256SUMS.minisig: the trusted "
		    "comment is not a vigil export's");
		goto out;
	}
	v->id = xasprintf("%.16s", tc + 18);
	v->reference = xstrdup(p + 11);
	for (q = v->id; *q != '\0'; q++) {
		if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))) {
			rc = vb_say(v, 1, "ALTERED: SHA256SUMS.minisig: bad export "
			    "id in the trusted comment");
			goto out;
		}
	}
	if (until != 0) {
		/* An earlier site key signs only what was made before it
		 * stopped; created= is inside the signed trusted comment. */
		char day[40], when[40];

		snprintf(when, sizeof when, "%.*s", (int)strcspn(tc + 43, " "),
		    tc + 43);
		if (clock_parse(when, 0, &created) != 0 || created >= until) {
			rc = vb_say(v, 1, "ALTERED: signed by an earlier site key "
			    "(fingerprint %s) that stopped signing at %s, but "
			    "the bundle says it was created %s", fpr,
			    clock_format_utc(until, day, sizeof day), when);
			goto out;
		}
		rc = vb_say(v, 0, "signature: good, by an earlier pinned site key "
		    "(key id %s, fingerprint %s), valid for bundles created before "
		    "%s; export %s, reference %s", v->keyid, fpr,
		    clock_format_utc(until, day, sizeof day), v->id, v->reference);
		goto out;
	}
	rc = vb_say(v, 0, "signature: good, by the pinned site key (key id %s, "
	    "fingerprint %s); export %s, reference %s", v->keyid, fpr, v->id,
	    v->reference);
out:
	free(pub);
	free(sums);
	free(sig);
	free(tc);
	free(cause);
	return rc;
}

/* A path from SHA256SUMS must stay inside the bundle. */
static int
vb_safe_path(const char *p)
{
	const char *c;

	if (*p == '\0' || *p == '/' || strstr(p, "//") != NULL ||
	    !utf8_valid(p, strlen(p)))
		return 0;
	for (c = p; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
			return 0;
	}
	for (c = p; c != NULL; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
			return 0;
		if (c[0] == '.' && (c[1] == '/' || c[1] == '\0'))
			return 0;
	}
	return 1;
}

/* Checks every line of SHA256SUMS against its file. */
static int
vb_sums(struct vb *v)
{
	char *path = xasprintf("%s/SHA256SUMS", v->dir), *buf, *line, *next;
	char *cause = NULL, *file, hex[65];
	struct stat sb;
	size_t len, i;
	int rc = 0, lineno = 0;

	if (file_read_all(path, VERIFY_SUMS_MAX, &buf, &len, &cause) != 0) {
		free(path);
		rc = vb_say(v, 2, "%s", cause);
		free(cause);
		return rc;
	}
	free(path);
	for (line = buf; *line != '\0' && rc == 0; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) == NULL) {
			rc = vb_say(v, 1, "ALTERED: SHA256SUMS: line %d has no end",
			    lineno);
			break;
		}
		*next++ = '\0';
		for (i = 0; i < 64; i++) {
			if (!((line[i] >= '0' && line[i] <= '9') ||
			    (line[i] >= 'a' && line[i] <= 'f')))
				break;
		}
		if (i != 64 || strncmp(line + 64, "  ", 2) != 0 ||
		    !vb_safe_path(line + 66) || v->nlisted >= VERIFY_FILES_MAX) {
			rc = vb_say(v, 1, "ALTERED: SHA256SUMS: line %d is not "
			    "'<sha256>  <path inside the bundle>'", lineno);
			break;
		}
		line[64] = '\0';
		for (i = 0; i < v->nlisted; i++) {
			if (strcmp(v->listed[i], line + 66) == 0)
				break;
		}
		if (i != v->nlisted) {
			rc = vb_say(v, 1, "ALTERED: SHA256SUMS names %s twice",
			    line + 66);
			break;
		}
		file = xasprintf("%s/%s", v->dir, line + 66);
		if (lstat(file, &sb) == -1 || !S_ISREG(sb.st_mode)) {
			rc = vb_say(v, 1, "ALTERED: %s is missing or not a regular "
			    "file", line + 66);
		} else if (sha256_file(file, hex, &cause) != 0) {
			rc = vb_say(v, 2, "%s", cause);
			free(cause);
			cause = NULL;
		} else if (strcmp(hex, line) != 0) {
			rc = vb_say(v, 1, "ALTERED: %s does not match its SHA-256 "
			    "in SHA256SUMS", line + 66);
		}
		free(file);
		v->listed = xrealloc(v->listed, (v->nlisted + 1) *
		    sizeof *v->listed);
		v->hashes = xrealloc(v->hashes, (v->nlisted + 1) *
		    sizeof *v->hashes);
		v->listed[v->nlisted] = xstrdup(line + 66);
		v->hashes[v->nlisted] = xstrdup(line);
		v->nlisted++;
	}
	free(buf);
	if (rc == 0)
		rc = vb_say(v, 0, "checksums: %zu files match SHA256SUMS",
		    v->nlisted);
	return rc;
}

static int
vb_listed(struct vb *v, const char *rel)
{
	size_t i;

	for (i = 0; i < v->nlisted; i++) {
		if (strcmp(v->listed[i], rel) == 0)
			return (int)i;
	}
	return -1;
}

/* Every file present must be listed, or be the checksums, signature or
 * key; returns 1 naming the first that is not. */
static int
vb_extra(struct vb *v, const char *sub)
{
	char *path = sub[0] != '\0' ? xasprintf("%s/%s", v->dir, sub) :
	    xstrdup(v->dir), *rel;
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int rc = 0;

	if ((d = opendir(path)) == NULL) {
		rc = vb_say(v, 2, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rel = sub[0] != '\0' ? xasprintf("%s/%s", sub, de->d_name) :
		    xstrdup(de->d_name);
		if (sub[0] == '\0' && (strcmp(rel, "SHA256SUMS") == 0 ||
		    strcmp(rel, "SHA256SUMS.minisig") == 0 ||
		    strcmp(rel, v->pubname) == 0)) {
			free(rel);
			continue;
		}
		{
			char *full = xasprintf("%s/%s", v->dir, rel);

			if (lstat(full, &sb) == -1)
				sb.st_mode = 0;
			free(full);
		}
		if (S_ISDIR(sb.st_mode) && strcmp(rel, "clips") == 0)
			rc = vb_extra(v, rel);
		else if (!S_ISREG(sb.st_mode) || vb_listed(v, rel) < 0) {
			char *shown = utf8_sanitize(rel, strlen(rel));

			rc = vb_say(v, 1, "ALTERED: %s is in the bundle but not in "
			    "SHA256SUMS", shown);
			free(shown);
		}
		free(rel);
	}
	closedir(d);
	free(path);
	return rc;
}

/* Duration (ms) and codec name of the first video stream of a clip. */
static int
vb_probe(const char *path, int64_t *ms, char *codec, size_t len)
{
	AVFormatContext *fc = NULL;
	unsigned i;
	int rc = -1;

	av_log_set_level(AV_LOG_QUIET);
	if (avformat_open_input(&fc, path, NULL, NULL) != 0)
		return -1;
	if (avformat_find_stream_info(fc, NULL) < 0)
		goto out;
	for (i = 0; i < fc->nb_streams; i++) {
		if (fc->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
			snprintf(codec, len, "%s",
			    avcodec_get_name(fc->streams[i]->codecpar->codec_id));
			break;
		}
	}
	if (i == fc->nb_streams || fc->duration == AV_NOPTS_VALUE)
		goto out;
	*ms = fc->duration / (AV_TIME_BASE / 1000);
	rc = 0;
out:
	avformat_close_input(&fc);
	return rc;
}

/* The manifest agrees with the signature, the key and the files. */
static int
vb_manifest(struct vb *v)
{
	char *path = xasprintf("%s/manifest.json", v->dir), *buf, *cause = NULL;
	char *clip, codec[64], *ref;
	json_t *m, *clips, *c;
	json_error_t je;
	size_t len, i;
	int64_t ms;
	int k, rc = 0;

	if (vb_listed(v, "manifest.json") < 0) {
		free(path);
		return vb_say(v, 1, "ALTERED: manifest.json is not in SHA256SUMS");
	}
	if (file_read_all(path, VERIFY_MANIFEST_MAX, &buf, &len, &cause) != 0) {
		free(path);
		rc = vb_say(v, 2, "%s", cause);
		free(cause);
		return rc;
	}
	free(path);
	m = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (m == NULL || !json_is_object(m))
		return vb_say(v, 1, "ALTERED: manifest.json is not a JSON object");
	ref = utf8_sanitize(json_string_value(json_object_get(m, "reference")) ?
	    json_string_value(json_object_get(m, "reference")) : "",
	    json_string_value(json_object_get(m, "reference")) ?
	    strlen(json_string_value(json_object_get(m, "reference"))) : 0);
	if (json_string_value(json_object_get(m, "format")) == NULL ||
	    strcmp(json_string_value(json_object_get(m, "format")),
	    "vigil-export-1") != 0)
		rc = vb_say(v, 1, "ALTERED: manifest.json: not format "
		    "vigil-export-1");
	else if (json_string_value(json_object_get(m, "export_id")) == NULL ||
	    strcmp(json_string_value(json_object_get(m, "export_id")), v->id) != 0)
		rc = vb_say(v, 1, "ALTERED: manifest.json: export_id differs from "
		    "the signed one");
	else if (strcmp(ref, v->reference) != 0)
		rc = vb_say(v, 1, "ALTERED: manifest.json: reference differs from "
		    "the signed one");
	else if (json_string_value(json_object_get(m, "signing_key_id")) == NULL ||
	    strcmp(json_string_value(json_object_get(m, "signing_key_id")),
	    v->keyid) != 0)
		rc = vb_say(v, 1, "ALTERED: manifest.json: signing_key_id is not "
		    "the key in the bundle");
	else if (json_object_get(m, "signing_public_key") != NULL &&
	    (json_string_value(json_object_get(m, "signing_public_key")) == NULL ||
	    strcmp(json_string_value(json_object_get(m, "signing_public_key")),
	    v->pubkey) != 0))
		rc = vb_say(v, 1, "ALTERED: manifest.json: signing_public_key is "
		    "not the key that signed");
	free(ref);
	if (rc != 0) {
		json_decref(m);
		return rc;
	}
	clips = json_object_get(m, "clips");
	if (!json_is_array(clips)) {
		json_decref(m);
		return vb_say(v, 1, "ALTERED: manifest.json: no clips list");
	}
	json_array_foreach(clips, i, c) {
		const char *f = json_string_value(json_object_get(c, "file"));
		const char *h = json_string_value(json_object_get(c, "sha256"));
		const char *cd = json_string_value(json_object_get(c, "codec"));
		json_int_t dur = json_integer_value(json_object_get(c, "duration_ms"));
		json_int_t size = json_integer_value(json_object_get(c, "size"));
		struct stat sb;
		char *why = NULL;

		if (f == NULL || h == NULL || cd == NULL || (k = vb_listed(v, f)) < 0 ||
		    strncmp(f, "clips/", 6) != 0) {
			rc = vb_say(v, 1, "ALTERED: manifest.json: clip %zu is not a "
			    "file listed in SHA256SUMS", i);
			break;
		}
		clip = xasprintf("%s/%s", v->dir, f);
		if (strcmp(h, v->hashes[k]) != 0 || stat(clip, &sb) == -1 ||
		    (json_int_t)sb.st_size != size) {
			rc = vb_say(v, 1, "ALTERED: manifest.json: the size or "
			    "SHA-256 of %s differ from the file", f);
		} else if (avlib_ready(&why) != 0) {
			/* Not a fault of the bundle: it cannot be checked here. */
			rc = vb_say(v, 2, "cannot check %s: %s", f, why);
			free(why);
		} else if (vb_probe(clip, &ms, codec, sizeof codec) != 0) {
			rc = vb_say(v, 1, "ALTERED: %s cannot be read as a video",
			    f);
		} else if (ms - dur > 100 || dur - ms > 100 ||
		    strcmp(codec, cd) != 0) {
			rc = vb_say(v, 1, "ALTERED: %s lasts %lld ms (%s); the "
			    "manifest says %lld ms (%s)", f, (long long)ms, codec,
			    (long long)dur, cd);
		}
		free(clip);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = vb_say(v, 0, "manifest: consistent; %zu clips of the stated "
		    "length and codec", json_array_size(clips));
	json_decref(m);
	return rc;
}

int
bundle_verify(const char *dir, const struct sign_trust *trust, char **report)
{
	struct vb v;
	size_t i;
	int rc;

	memset(&v, 0, sizeof v);
	v.dir = dir;
	v.trust = trust;
	if ((rc = vb_find_key(&v)) == 0 && (rc = vb_signature(&v)) == 0 &&
	    (rc = vb_sums(&v)) == 0 && (rc = vb_extra(&v, "")) == 0 &&
	    (rc = vb_manifest(&v)) == 0)
		vb_say(&v, 0, "intact");
	for (i = 0; i < v.nlisted; i++) {
		free(v.listed[i]);
		free(v.hashes[i]);
	}
	free(v.listed);
	free(v.hashes);
	free(v.pubname);
	free(v.id);
	free(v.reference);
	free(v.pubkey);
	*report = v.report;
	return rc;
}
