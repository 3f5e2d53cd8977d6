/* helper_clip — fixtures and independent checks for the clip tests; see
 * helper_clip.h. */
#include <sys/mount.h>
#include <sys/stat.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/helper_clip.h"

static char *clipfix_vformat(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
static char **clipfix_lines(const char *cmd, size_t *n);

static char *
clipfix_vformat(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) == -1)
		return NULL;
	return s;
}

char *
clipfix_mkdtemp(const char *name)
{
	char *d;

	if (asprintf(&d, "/tmp/vigil-%s.XXXXXX", name) == -1)
		return NULL;
	if (mkdtemp(d) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
clipfix_rmrf(const char *dir)
{
	char line[4096], mnt[4096];
	size_t n;
	FILE *f;

	if (dir == NULL || strncmp(dir, "/tmp/vigil-", 11) != 0)
		return;
	/* A tmpfs left mounted by a failed test first. */
	n = strlen(dir);
	if ((f = fopen("/proc/self/mounts", "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "%*s %4095s", mnt) == 1 &&
			    strncmp(mnt, dir, n) == 0 && mnt[n] == '/')
				umount2(mnt, MNT_DETACH);
		fclose(f);
	}
	clipfix_run("rm -rf '%s'", dir);
}

int
clipfix_run(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = clipfix_vformat(fmt, ap);
	va_end(ap);
	if (cmd == NULL)
		return -1;
	rc = system(cmd);
	free(cmd);
	return rc;
}

char *
clipfix_output(const char *fmt, ...)
{
	va_list ap;
	char *cmd, *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *p;

	va_start(ap, fmt);
	cmd = clipfix_vformat(fmt, ap);
	va_end(ap);
	if (cmd == NULL || (p = popen(cmd, "r")) == NULL) {
		free(cmd);
		return NULL;
	}
	free(cmd);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (nb == NULL) {
				free(buf);
				pclose(p);
				return NULL;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, 4096, p)) == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
clipfix_segments(const char *dir, const char *prefix, int audio,
    const char *extra)
{
	return clipfix_run("cd '%s' && ffmpeg -nostdin -v error -y -f lavfi "
	    "-i testsrc2=s=%dx%d:r=10:d=16 %s -c:v libx264 -preset ultrafast "
	    "-g 10 -bf 0 -pix_fmt yuv420p %s %s -f segment -segment_time 4 "
	    "-segment_format mp4 -reset_timestamps 1 '%s%%d.mp4'", dir,
	    CLIPFIX_W, CLIPFIX_H,
	    audio ? "-f lavfi -i sine=f=440:d=16" : "",
	    audio ? "-c:a aac -b:a 32k" : "-an", extra != NULL ? extra : "",
	    prefix) == 0 ? 0 : -1;
}

double
clipfix_duration(const char *path)
{
	char *s = clipfix_output("ffprobe -v error -show_entries "
	    "format=duration -of csv=p=0 '%s'", path);
	double d;

	if (s == NULL)
		return -1;
	d = atof(s);
	free(s);
	return d;
}

char *
clipfix_codec(const char *path, const char *type)
{
	char *s = clipfix_output("ffprobe -v error -select_streams %s:0 "
	    "-show_entries stream=codec_name -of csv=p=0 '%s'", type, path);
	size_t n;

	if (s == NULL)
		return NULL;
	n = strcspn(s, "\n,");
	s[n] = '\0';
	return s;
}

int
clipfix_nstreams(const char *path)
{
	char *s = clipfix_output("ffprobe -v error -show_entries "
	    "format=nb_streams -of csv=p=0 '%s'", path);
	int n;

	if (s == NULL)
		return -1;
	n = atoi(s);
	free(s);
	return n;
}

/* The last comma-separated field of every non-comment line. */
static char **
clipfix_lines(const char *cmd, size_t *n)
{
	char *out = clipfix_output("%s", cmd), *line, *save = NULL, *c;
	char **v = NULL, **nv;

	*n = 0;
	if (out == NULL)
		return NULL;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if ((c = strrchr(line, ',')) == NULL)
			continue;
		c++;
		while (*c == ' ')
			c++;
		if ((nv = realloc(v, (*n + 1) * sizeof *v)) == NULL)
			break;
		v = nv;
		if ((v[*n] = strdup(c)) == NULL)
			break;
		(*n)++;
	}
	free(out);
	if (v == NULL)
		v = calloc(1, sizeof *v);
	return v;
}

char **
clipfix_packet_md5(const char *path, size_t *n)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -i '%s' -map 0:v "
	    "-c copy -f framemd5 -", path);
	return clipfix_lines(cmd, n);
}

char **
clipfix_frame_md5(const char *path, size_t *n)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -i '%s' -map 0:v "
	    "-pix_fmt yuv420p -f framemd5 -", path);
	return clipfix_lines(cmd, n);
}

void
clipfix_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

uint8_t *
clipfix_gray(const char *path, int w, int h, size_t *nframes)
{
	char cmd[1024];
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0, n, fsz = (size_t)w * (size_t)h;
	FILE *p;

	*nframes = 0;
	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -i '%s' -map 0:v "
	    "-f rawvideo -pix_fmt gray -", path);
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	for (;;) {
		if (len + fsz > cap) {
			if ((nb = realloc(buf, cap = cap * 2 + fsz * 16)) ==
			    NULL) {
				free(buf);
				pclose(p);
				return NULL;
			}
			buf = nb;
		}
		if ((n = fread(buf + len, 1, fsz, p)) == 0)
			break;
		len += n;
	}
	if (pclose(p) != 0 || len % fsz != 0) {
		free(buf);
		return NULL;
	}
	*nframes = len / fsz;
	return buf;
}

int
clipfix_moov_first(const char *path)
{
	unsigned char h[16];
	FILE *f = fopen(path, "rb");
	long long pos = 0, size;
	int seen_moov = 0, first = 1;

	if (f == NULL)
		return 0;
	for (;;) {
		if (fseeko(f, pos, SEEK_SET) != 0 || fread(h, 1, 8, f) != 8)
			break;
		size = (long long)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
		if (size == 1) {
			if (fread(h + 8, 1, 8, f) != 8)
				break;
			size = 0;
			for (int i = 8; i < 16; i++)
				size = size << 8 | h[i];
		}
		if (first && memcmp(h + 4, "ftyp", 4) != 0)
			break;
		first = 0;
		if (memcmp(h + 4, "moov", 4) == 0)
			seen_moov = 1;
		if (memcmp(h + 4, "mdat", 4) == 0) {
			fclose(f);
			return seen_moov;
		}
		if (size < 8)
			break;
		pos += size;
	}
	fclose(f);
	return 0;
}

int
clipfix_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	size_t nl = strlen(needle), len = 0, cap = 0, n;
	char *buf = NULL, *nb;
	int found = 0;

	if (f == NULL)
		return 0;
	for (;;) {
		if (len + 65536 > cap) {
			if ((nb = realloc(buf, cap = cap * 2 + 65536)) == NULL)
				break;
			buf = nb;
		}
		if ((n = fread(buf + len, 1, 65536, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	if (buf != NULL && len >= nl)
		found = memmem(buf, len, needle, nl) != NULL;
	free(buf);
	return found;
}

int
clipfix_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

double
clipfix_mean(const uint8_t *f, int w, int x, int y, int rw, int rh)
{
	double s = 0;

	for (int j = y; j < y + rh; j++)
		for (int i = x; i < x + rw; i++)
			s += f[(size_t)j * (size_t)w + (size_t)i];
	return s / (rw * rh);
}

double
clipfix_var(const uint8_t *f, int w, int x, int y, int rw, int rh)
{
	double m = clipfix_mean(f, w, x, y, rw, rh), s = 0, d;

	for (int j = y; j < y + rh; j++)
		for (int i = x; i < x + rw; i++) {
			d = f[(size_t)j * (size_t)w + (size_t)i] - m;
			s += d * d;
		}
	return s / (rw * rh);
}

int
clipfix_range(const uint8_t *f, int w, int x, int y, int rw, int rh)
{
	int lo = 255, hi = 0, v;

	for (int j = y; j < y + rh; j++)
		for (int i = x; i < x + rw; i++) {
			v = f[(size_t)j * (size_t)w + (size_t)i];
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	return hi - lo;
}

double
clipfix_grad(const uint8_t *f, int w, int x, int y, int rw, int rh)
{
	double s = 0, d;

	for (int j = y; j < y + rh; j++)
		for (int i = x; i + 1 < x + rw; i++) {
			d = (double)f[(size_t)j * (size_t)w + (size_t)i + 1] -
			    f[(size_t)j * (size_t)w + (size_t)i];
			s += d * d;
		}
	return s / ((rw - 1) * rh);
}

double
clipfix_psnr(const uint8_t *a, const uint8_t *b, int w, int x, int y, int rw,
    int rh)
{
	double s = 0, d;

	for (int j = y; j < y + rh; j++)
		for (int i = x; i < x + rw; i++) {
			d = (double)a[(size_t)j * (size_t)w + (size_t)i] -
			    b[(size_t)j * (size_t)w + (size_t)i];
			s += d * d;
		}
	s /= rw * rh;
	return s == 0 ? 99 : 10 * log10(255.0 * 255.0 / s);
}

int
clipfix_tmpfs(const char *dir, int kb)
{
	char opts[64];

	if (geteuid() != 0)
		return -1;
	snprintf(opts, sizeof opts, "size=%dk,mode=0755", kb);
	return mount("tmpfs", dir, "tmpfs", 0, opts);
}

void
clipfix_umount(const char *dir)
{
	umount2(dir, MNT_DETACH);
}
