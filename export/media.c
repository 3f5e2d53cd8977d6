/* media — candidate export targets: mounted removable media (from
 * mountinfo and sysfs) and the configured export roots. */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/export.h"
#include "util/util.h"

#define MEDIA_LINE_MAX	(64 * 1024)
#define MEDIA_MAX	256

/* A growing list of targets. */
struct media_vec {
	struct media_target	*v;
	size_t			 n;
};

char *
media_unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' &&
		    r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			int c = (r[1] - '0') * 64 + (r[2] - '0') * 8 +
			    (r[3] - '0');

			if (c != 0) {
				*w++ = (char)c;
				r += 4;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

/* Decodes the \xNN escapes udev writes into by-label names, in place. */
static char *
media_unhex(char *s)
{
	char *r = s, *w = s;
	unsigned c;

	while (*r != '\0') {
		if (r[0] == '\\' && r[1] == 'x' && sscanf(r + 2, "%2x", &c) == 1 &&
		    c != 0 && r[2] != '\0' && r[3] != '\0') {
			*w++ = (char)c;
			r += 4;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

static void
media_target_clear(struct media_target *t)
{
	free(t->path);
	free(t->label);
	free(t->device);
	free(t->fstype);
	memset(t, 0, sizeof *t);
}

void
media_list_free(struct media_target *v, size_t n)
{
	size_t i;

	for (i = 0; i < n && v != NULL; i++)
		media_target_clear(&v[i]);
	free(v);
}

/* Reads the first line of a small sysfs file into buf. */
static int
media_read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (f == NULL)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The disk a partition name belongs to by its name: sdb1 -> sdb,
 * mmcblk0p1 -> mmcblk0, nvme0n1p2 -> nvme0n1; a disk name stays. */
static void
media_disk_name(const char *part, char *disk, size_t len)
{
	size_t n = strlen(part);

	snprintf(disk, len, "%s", part);
	n = strlen(disk);
	while (n > 0 && disk[n - 1] >= '0' && disk[n - 1] <= '9')
		n--;
	if (n == strlen(disk))
		return;		/* no trailing number: a disk */
	if (n > 1 && disk[n - 1] == 'p' && disk[n - 2] >= '0' &&
	    disk[n - 2] <= '9') {
		disk[n - 1] = '\0';	/* mmcblk0p1, nvme0n1p1 */
		return;
	}
	if (strncmp(disk, "sd", 2) == 0 || strncmp(disk, "vd", 2) == 0 ||
	    strncmp(disk, "hd", 2) == 0 || strncmp(disk, "xvd", 3) == 0)
		disk[n] = '\0';
}

/* 1 when the block device majmin ("8:17") or, failing that, the device
 * named dev ("/dev/sdb1") is on a removable disk under sysfs; the disk's
 * name goes into disk. */
static int
media_removable(const char *sysfs, const char *majmin, const char *dev,
    char *disk, size_t disklen)
{
	char path[PATH_MAX], real[PATH_MAX], val[32], *slash;
	const char *base;

	disk[0] = '\0';
	/* sysfs/dev/block/MAJ:MIN links to .../block/<disk>[/<part>]. */
	if (snprintf(path, sizeof path, "%s/dev/block/%s", sysfs, majmin) <
	    (int)sizeof path && realpath(path, real) != NULL) {
		if (snprintf(path, sizeof path, "%s/partition", real) <
		    (int)sizeof path && access(path, F_OK) == 0 &&
		    (slash = strrchr(real, '/')) != NULL)
			*slash = '\0';	/* the partition's disk */
		if (snprintf(path, sizeof path, "%s/removable", real) <
		    (int)sizeof path && media_read_attr(path, val,
		    sizeof val) == 0) {
			base = strrchr(real, '/');
			base = base != NULL ? base + 1 : real;
			if (strlen(base) < disklen)
				memcpy(disk, base, strlen(base) + 1);
			return strcmp(val, "1") == 0;
		}
	}
	/* By name: /dev/sdb1 -> sysfs/block/sdb/removable. */
	if (strncmp(dev, "/dev/", 5) != 0 || strchr(dev + 5, '/') != NULL ||
	    dev[5] == '\0' || dev[5] == '.')
		return 0;
	media_disk_name(dev + 5, disk, disklen);
	if (snprintf(path, sizeof path, "%s/block/%s/removable", sysfs,
	    disk) >= (int)sizeof path || media_read_attr(path, val,
	    sizeof val) != 0)
		return 0;
	return strcmp(val, "1") == 0;
}

/* The filesystem label of dev from the by-label folder, or NULL. */
static char *
media_label(const char *by_label, const char *dev)
{
	DIR *d;
	struct dirent *e;
	char path[PATH_MAX], real[PATH_MAX], want[PATH_MAX], *label = NULL;

	if (realpath(dev, want) == NULL)
		snprintf(want, sizeof want, "%s", dev);
	if ((d = opendir(by_label)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof path, "%s/%s", by_label,
		    e->d_name) >= (int)sizeof path || realpath(path, real) == NULL)
			continue;
		if (strcmp(real, want) == 0 || (strrchr(real, '/') != NULL &&
		    strrchr(want, '/') != NULL && strcmp(strrchr(real, '/'),
		    strrchr(want, '/')) == 0)) {
			label = strdup(e->d_name);
			if (label != NULL)
				media_unhex(label);
			break;
		}
	}
	closedir(d);
	return label;
}

/* Fills free and total bytes and writability of t->path. */
static void
media_stat(struct media_target *t)
{
	struct statvfs vfs;

	t->free_bytes = t->total_bytes = -1;
	if (statvfs(t->path, &vfs) == 0) {
		t->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
		t->total_bytes = (int64_t)vfs.f_blocks * (int64_t)vfs.f_frsize;
	}
	t->writable = access(t->path, W_OK | X_OK) == 0 &&
	    (statvfs(t->path, &vfs) != 0 || !(vfs.f_flag & ST_RDONLY));
}

/* Appends a target (strings copied).  Returns 0 or -1. */
static int
media_add(struct media_vec *mv, const char *path, const char *label,
    const char *device, const char *fstype, int removable, char **cause)
{
	struct media_target *t, *v;
	size_t i;

	for (i = 0; i < mv->n; i++) {
		if (strcmp(mv->v[i].path, path) == 0)
			return 0;
	}
	if (mv->n == MEDIA_MAX)
		return 0;
	if ((v = realloc(mv->v, (mv->n + 1) * sizeof *v)) == NULL)
		return cause_set(cause, "out of memory");
	mv->v = v;
	t = &mv->v[mv->n];
	memset(t, 0, sizeof *t);
	t->path = strdup(path);
	t->label = utf8_sanitize(label, strlen(label));
	t->device = strdup(device);
	t->fstype = strdup(fstype);
	if (t->path == NULL || t->label == NULL || t->device == NULL ||
	    t->fstype == NULL) {
		media_target_clear(t);
		return cause_set(cause, "out of memory");
	}
	t->removable = removable;
	media_stat(t);
	mv->n++;
	return 0;
}

/* Splits one mountinfo line into the fields needed; 0 or -1 when it is
 * malformed.  The line is changed. */
static int
media_parse_line(char *line, char **majmin, char **mnt, char **fstype,
    char **source)
{
	char *f[16], *save = NULL, *tok;
	int n = 0, sep = -1, i;

	for (tok = strtok_r(line, " \t\n", &save); tok != NULL && n < 16;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		f[n] = tok;
		if (sep == -1 && n >= 6 && strcmp(tok, "-") == 0)
			sep = n;
		n++;
	}
	/* id parent maj:min root mount-point options [optional...] -
	 * fstype source super-options */
	if (n < 10 || sep == -1 || sep + 2 >= n)
		return -1;
	for (i = 0; f[2][i] != '\0'; i++) {
		if ((f[2][i] < '0' || f[2][i] > '9') && f[2][i] != ':')
			return -1;
	}
	*majmin = f[2];
	*mnt = media_unescape(f[4]);
	*fstype = f[sep + 1];
	*source = media_unescape(f[sep + 2]);
	return 0;
}

int
media_list(const struct media_paths *mp, const char *const *roots,
    struct media_target **out, size_t *n, char **cause)
{
	const char *mountinfo = "/proc/self/mountinfo", *sysfs = "/sys";
	const char *by_label = "/dev/disk/by-label";
	struct media_vec mv = { NULL, 0 };
	struct stat sb;
	char *line = NULL, *majmin, *mnt, *fstype, *source, *label;
	char disk[256];
	size_t cap = 0, i;
	ssize_t len;
	FILE *f;

	*out = NULL;
	*n = 0;
	if (mp != NULL && mp->mountinfo != NULL)
		mountinfo = mp->mountinfo;
	if (mp != NULL && mp->sysfs != NULL)
		sysfs = mp->sysfs;
	if (mp != NULL && mp->by_label != NULL)
		by_label = mp->by_label;
	if ((f = fopen(mountinfo, "re")) == NULL)
		return cause_set(cause, "cannot read %s: %s", mountinfo,
		    strerror(errno));
	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > MEDIA_LINE_MAX)
			continue;
		if (media_parse_line(line, &majmin, &mnt, &fstype, &source) != 0)
			continue;
		if (strncmp(source, "/dev/", 5) != 0 || mnt[0] != '/')
			continue;
		if (!media_removable(sysfs, majmin, source, disk, sizeof disk))
			continue;
		label = media_label(by_label, source);
		if (media_add(&mv, mnt, label != NULL ? label : source + 5,
		    source, fstype, 1, cause) != 0) {
			free(label);
			free(line);
			fclose(f);
			media_list_free(mv.v, mv.n);
			return -1;
		}
		free(label);
	}
	free(line);
	fclose(f);
	for (i = 0; roots != NULL && roots[i] != NULL; i++) {
		if (stat(roots[i], &sb) != 0 || !S_ISDIR(sb.st_mode))
			continue;
		if (media_add(&mv, roots[i], "export root", "", "", 0,
		    cause) != 0) {
			media_list_free(mv.v, mv.n);
			return -1;
		}
	}
	*out = mv.v;
	*n = mv.n;
	return 0;
}
