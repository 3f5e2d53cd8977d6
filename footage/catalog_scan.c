/* catalog_scan — finding segment files by name and bringing the catalog in
 * line with them, without reading any container. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "footage/footage.h"
#include "footage/footage_int.h"
#include "util/util.h"

#define SCAN_MAX_NOTES	20

/* A segment file found by the walk. */
struct scan_file {
	char		*rel;
	size_t		 cam;		/* index into scan->cams */
	int64_t		 start_ms;
	int64_t		 size;
	int64_t		 mtime_ns;
};

/* A folder that holds segment files, as read (or skipped) by a scan. */
struct scan_folder {
	char		*rel;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
	int64_t		 read_ms;	/* when it was last read through */
	int64_t		 newest_ns;	/* newest mtime of its segments then */
	int64_t		 other;		/* names in it not matching then */
};

/* A segment as the catalog knew it before the scan. */
struct scan_row {
	int64_t		 id;
	char		*rel;
	int64_t		 size;
	int64_t		 mtime_ns;
	int		 gone;
};

struct scan_cam {
	char		*name;
	int64_t		 id;		/* -1: not in the catalog yet */
};

struct scan {
	struct catalog	*cat;
	struct catalog_scan_report *r;
	int		 full;
	int64_t		 now;
	struct scan_folder *cache;	/* folders as last read, by rel */
	size_t		 ncache;
	struct scan_folder *read;	/* folders read by this scan */
	size_t		 nread, capread;
	char		**unchanged;	/* folders skipped as unchanged */
	size_t		 nunchanged, capunchanged;
	int64_t		 newest_ns;	/* of the folder being read */
	struct scan_file *files;
	size_t		 nfiles, capfiles;
	char		**skipped;	/* folders not read: keep what is under them */
	size_t		 nskipped;
	struct scan_cam	*cams;
	size_t		 ncams, capcams;
	size_t		*slots;		/* hash of cams: index + 1, 0 empty */
	size_t		 nslots;
	int64_t		 root_entries;
	char		 rel[PATH_MAX];
	struct pattern_fields f;
};

static void	scan_note(struct scan *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static void	scan_other(struct scan *, const char *dir, const char *name);
static void	scan_walk(struct scan *, int, int, size_t);

/* Adds a note (sanitised for display) to the report. */
static void
scan_note(struct scan *s, const char *fmt, ...)
{
	struct catalog_scan_report *r = s->r;
	va_list ap;
	char *raw;

	if (r->nnotes == SCAN_MAX_NOTES) {
		r->more_notes++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&raw, fmt, ap) == -1)
		raw = NULL;
	va_end(ap);
	if (raw == NULL)
		fatal("out of memory");
	r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
	r->notes[r->nnotes++] = utf8_sanitize(raw, strlen(raw));
	free(raw);
}

/* Counts a name that does not match the pattern (dir: its folder under
 * the root, "" at the root) and lists the first CATALOG_SCAN_NAMES. */
static void
scan_other(struct scan *s, const char *dir, const char *name)
{
	struct catalog_scan_report *r = s->r;
	char *path;

	r->other++;
	if (r->nother_names == CATALOG_SCAN_NAMES)
		return;
	path = xasprintf("%s%s%s", dir, *dir != '\0' ? "/" : "", name);
	r->other_names = xrealloc(r->other_names, (r->nother_names + 1) *
	    sizeof *r->other_names);
	r->other_names[r->nother_names++] = catalog_name_escape(path);
	free(path);
}

char *
catalog_name_escape(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name), left, n;
	char *out, *o;

	out = o = xmalloc(4 * len + 1);
	for (; *p != '\0'; p += n) {
		/* n: the bytes of one printable character, else 0. */
		left = len - (size_t)(p - (const unsigned char *)name);
		n = 0;
		if (*p >= 0x20 && *p < 0x7f)
			n = 1;
		else if (*p >= 0xc2 && !(*p == 0xc2 && p[1] < 0xa0)) {
			for (n = 2; n <= 4 && n <= left; n++)
				if (utf8_valid((const char *)p, n))
					break;
			if (n > 4 || n > left)
				n = 0;
		}
		if (n == 1 && *p == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (n > 0) {
			memcpy(o, p, n);
			o += n;
		} else {
			n = 1;
			if (*p == '\n' || *p == '\r' || *p == '\t') {
				*o++ = '\\';
				*o++ = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
			} else
				o += sprintf(o, "\\x%02x", *p);
		}
	}
	*o = '\0';
	return out;
}

static uint64_t
scan_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The index of camera name in s->cams, adding it when new. */
static size_t
scan_cam(struct scan *s, const char *name, int64_t id)
{
	size_t i, j, *slots;

	if (s->ncams * 2 >= s->nslots) {
		size_t n = s->nslots == 0 ? 64 : s->nslots * 2;

		slots = xcalloc(n, sizeof *slots);
		for (i = 0; i < s->ncams; i++) {
			j = scan_hash(s->cams[i].name) & (n - 1);
			while (slots[j] != 0)
				j = (j + 1) & (n - 1);
			slots[j] = i + 1;
		}
		free(s->slots);
		s->slots = slots;
		s->nslots = n;
	}
	j = scan_hash(name) & (s->nslots - 1);
	while (s->slots[j] != 0) {
		if (strcmp(s->cams[s->slots[j] - 1].name, name) == 0)
			return s->slots[j] - 1;
		j = (j + 1) & (s->nslots - 1);
	}
	if (s->ncams == s->capcams) {
		s->capcams = s->capcams == 0 ? 16 : s->capcams * 2;
		s->cams = xrealloc(s->cams, s->capcams * sizeof *s->cams);
	}
	s->cams[s->ncams].name = xstrdup(name);
	s->cams[s->ncams].id = id;
	s->slots[j] = ++s->ncams;
	return s->ncams - 1;
}

/* Records a matched regular file. */
static void
scan_add_file(struct scan *s, const struct pattern_fields *f,
    const struct stat *st)
{
	struct scan_file *sf;
	int64_t start;
	char *why = NULL;

	if (pattern_fields_check(f, &why) == -1) {
		if (!pattern_camera_valid(f->camera, strlen(f->camera)))
			s->r->bad_camera++;
		else
			s->r->bad_time++;
		scan_note(s, "%s: %s (skipped)", s->rel, why);
		free(why);
		return;
	}
	if (tz_to_utc(s->cat->tz, f->Y, f->m, f->d, f->H, f->M, f->S, &start) == -1) {
		s->r->bad_time++;
		scan_note(s, "%s: time not representable in %s (skipped)", s->rel,
		    s->cat->tzname);
		return;
	}
	if (s->nfiles == s->capfiles) {
		s->capfiles = s->capfiles == 0 ? 1024 : s->capfiles * 2;
		s->files = xrealloc(s->files, s->capfiles * sizeof *s->files);
	}
	sf = &s->files[s->nfiles++];
	sf->rel = xstrdup(s->rel);
	sf->cam = scan_cam(s, f->camera, -1);
	sf->start_ms = start;
	sf->size = st->st_size;
	sf->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	if (sf->mtime_ns > s->newest_ns)
		s->newest_ns = sf->mtime_ns;
	s->r->files++;
}

/* Remembers a folder that could not be read completely. */
static void
scan_skip_folder(struct scan *s, const char *rel, int err)
{
	s->r->unreadable_dirs++;
	s->skipped = xrealloc(s->skipped, (s->nskipped + 1) * sizeof *s->skipped);
	s->skipped[s->nskipped++] = xstrdup(rel);
	scan_note(s, "%s: cannot read folder: %s (its segments are kept as they "
	    "were)", rel, strerror(err));
}

static int
scan_folder_cmp(const void *a, const void *b)
{
	return strcmp(((const struct scan_folder *)a)->rel,
	    ((const struct scan_folder *)b)->rel);
}

static int
scan_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The segment folder at s->rel (stat st) as last read through, when it
 * is as it was then and was settled then: all its files older than
 * CATALOG_SETTLE_MS, so none was still being written; else NULL. */
static const struct scan_folder *
scan_folder_unchanged(struct scan *s, const struct stat *st)
{
	struct scan_folder key, *f;

	if (s->full || s->ncache == 0)
		return NULL;
	key.rel = s->rel;
	f = bsearch(&key, s->cache, s->ncache, sizeof *s->cache, scan_folder_cmp);
	/* A folder changed less than CATALOG_RACY_MS before it was read may
	 * change again within the same file-system time tick (coarse clocks,
	 * a share's 1-2 s granularity) without its mtime moving: it is read
	 * again, as git treats a "racily clean" index entry. */
	return f != NULL &&
	    f->mtime_ns == (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec &&
	    f->ctime_ns == (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec &&
	    f->read_ms - f->mtime_ns / 1000000 > CATALOG_RACY_MS &&
	    f->read_ms - f->newest_ns / 1000000 > CATALOG_SETTLE_MS ? f : NULL;
}

/* Reads the segment folder open at sub (s->rel, stat st; taken over),
 * or skips it when unchanged. */
static void
scan_folder(struct scan *s, int sub, const struct stat *st, int depth,
    size_t rellen)
{
	const struct scan_folder *was;
	struct scan_folder *f;
	size_t skipped = s->nskipped;
	int64_t other = s->r->other;

	if ((was = scan_folder_unchanged(s, st)) != NULL) {
		/* Its other names as counted when it was read. */
		s->r->other_kept += was->other;
		close(sub);
		if (s->nunchanged == s->capunchanged) {
			s->capunchanged = s->capunchanged == 0 ? 64 : s->capunchanged * 2;
			s->unchanged = xrealloc(s->unchanged, s->capunchanged *
			    sizeof *s->unchanged);
		}
		s->unchanged[s->nunchanged++] = xstrdup(s->rel);
		s->r->folders_unchanged++;
		return;
	}
	s->newest_ns = 0;
	scan_walk(s, sub, depth, rellen);
	s->r->folders_read++;
	if (s->nskipped != skipped)
		return;		/* not read through: not remembered */
	if (s->nread == s->capread) {
		s->capread = s->capread == 0 ? 64 : s->capread * 2;
		s->read = xrealloc(s->read, s->capread * sizeof *s->read);
	}
	f = &s->read[s->nread++];
	f->rel = xstrdup(s->rel);
	f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	f->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
	f->read_ms = s->now;
	f->newest_ns = s->newest_ns;
	f->other = s->r->other - other;
}

/* Walks the folder open at fd (taken over and closed), at pattern
 * component depth; s->rel holds its path (rellen bytes). */
static void
scan_walk(struct scan *s, int fd, int depth, size_t rellen)
{
	const struct pattern *p = s->cat->pattern;
	struct pattern_fields f, saved;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t nlen;
	int leaf, sub, isdir, islnk;

	if ((d = fdopendir(fd)) == NULL) {
		scan_skip_folder(s, rellen == 0 ? "." : s->rel, errno);
		close(fd);
		return;
	}
	leaf = depth == pattern_components(p) - 1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				scan_skip_folder(s, rellen == 0 ? "." : s->rel, errno);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (depth == 0)
			s->root_entries++;
		nlen = strlen(de->d_name);
		if (rellen + nlen + 2 > sizeof s->rel) {
			scan_other(s, s->rel, de->d_name);
			continue;
		}
		if (rellen > 0)
			s->rel[rellen] = '/';
		memcpy(s->rel + rellen + (rellen > 0), de->d_name, nlen + 1);
		f = s->f;
		if (de->d_name[0] == '.' ||
		    !pattern_match_component(p, depth, de->d_name, &f)) {
			s->rel[rellen] = '\0';
			scan_other(s, s->rel, de->d_name);
			continue;
		}
		isdir = de->d_type == DT_DIR;
		islnk = de->d_type == DT_LNK;
		/* Files are stat'ed for size and mtime, segment folders for
		 * their own mtime (to skip them when unchanged). */
		if (leaf || de->d_type == DT_UNKNOWN ||
		    (isdir && depth + 2 == pattern_components(p))) {
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
				if (errno != ENOENT) {
					s->r->other++;
					scan_note(s, "%s: %s", s->rel, strerror(errno));
				}
				s->rel[rellen] = '\0';
				continue;
			}
			isdir = S_ISDIR(st.st_mode);
			islnk = S_ISLNK(st.st_mode);
		}
		if (islnk) {
			s->r->symlinks++;
			scan_note(s, "%s: symbolic link, not followed", s->rel);
		} else if (!leaf && isdir && s->f.camera[0] == '\0' &&
		    f.camera[0] != '\0' &&
		    !pattern_camera_valid(f.camera, strlen(f.camera))) {
			s->r->bad_camera++;
			scan_note(s, "%s: camera name is not valid UTF-8, has control "
			    "characters or starts with '.' (folder skipped)", s->rel);
		} else if (!leaf && isdir) {
			sub = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub == -1)
				scan_skip_folder(s, s->rel, errno);
			else {
				saved = s->f;
				s->f = f;
				if (depth + 2 == pattern_components(p))
					scan_folder(s, sub, &st, depth + 1,
					    rellen + nlen + (rellen > 0));
				else
					scan_walk(s, sub, depth + 1,
					    rellen + nlen + (rellen > 0));
				s->f = saved;
			}
		} else if (leaf && S_ISREG(st.st_mode))
			scan_add_file(s, &f, &st);
		else {
			s->rel[rellen] = '\0';
			scan_other(s, s->rel, de->d_name);
		}
		s->rel[rellen] = '\0';
	}
	closedir(d);
}

static int
scan_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct scan_file *)a)->rel,
	    ((const struct scan_file *)b)->rel);
}

/* 1 when rel lies in a folder skipped as unchanged. */
static int
scan_in_unchanged(const struct scan *s, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	char *dir, *const *hit;

	if (slash == NULL || s->nunchanged == 0)
		return 0;
	dir = xmalloc((size_t)(slash - rel) + 1);
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	hit = bsearch(&dir, s->unchanged, s->nunchanged, sizeof *s->unchanged,
	    scan_str_cmp);
	free(dir);
	return hit != NULL;
}

/* 1 when rel lies under a folder that could not be read. */
static int
scan_in_skipped(const struct scan *s, const char *rel)
{
	size_t i, n;

	for (i = 0; i < s->nskipped; i++) {
		n = strlen(s->skipped[i]);
		if (strcmp(s->skipped[i], ".") == 0 ||
		    (strncmp(rel, s->skipped[i], n) == 0 && rel[n] == '/'))
			return 1;
	}
	return 0;
}

/* Loads the catalog's segments, sorted by path, and its cameras. */
static int
scan_load(struct scan *s, struct scan_row **rows, size_t *nrows, char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*nrows = 0;
	if (catalog_prepare(s->cat, "SELECT id, name FROM camera", &st, cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		scan_cam(s, (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return catalog_err(s->cat, cause, "reading cameras");
	if (catalog_prepare(s->cat, "SELECT rel, mtime_ns, ctime_ns, read_ms, "
	    "newest_ns, other FROM folder ORDER BY rel", &st, cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (s->ncache == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			s->cache = xrealloc(s->cache, cap * sizeof *s->cache);
		}
		s->cache[s->ncache].rel = xstrdup((const char *)sqlite3_column_text(st, 0));
		s->cache[s->ncache].mtime_ns = sqlite3_column_int64(st, 1);
		s->cache[s->ncache].ctime_ns = sqlite3_column_int64(st, 2);
		s->cache[s->ncache].read_ms = sqlite3_column_int64(st, 3);
		s->cache[s->ncache].newest_ns = sqlite3_column_int64(st, 4);
		s->cache[s->ncache].other = sqlite3_column_int64(st, 5);
		s->ncache++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return catalog_err(s->cat, cause, "reading folders");
	cap = 0;
	if (catalog_prepare(s->cat, "SELECT id, rel, size, mtime_ns, gone "
	    "FROM segment ORDER BY rel", &st, cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*nrows == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			*rows = xrealloc(*rows, cap * sizeof **rows);
		}
		(*rows)[*nrows].id = sqlite3_column_int64(st, 0);
		(*rows)[*nrows].rel = xstrdup((const char *)sqlite3_column_text(st, 1));
		(*rows)[*nrows].size = sqlite3_column_int64(st, 2);
		(*rows)[*nrows].mtime_ns = sqlite3_column_int64(st, 3);
		(*rows)[*nrows].gone = sqlite3_column_int(st, 4);
		(*nrows)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return catalog_err(s->cat, cause, "reading segments");
	return 0;
}

/* The catalog id of camera index i, inserting the camera when new. */
static int64_t
scan_cam_id(struct scan *s, size_t i, sqlite3_stmt *ins, char **cause)
{
	if (s->cams[i].id != -1)
		return s->cams[i].id;
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, s->cams[i].name, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return catalog_err(s->cat, cause, "adding a camera");
	s->cams[i].id = sqlite3_last_insert_rowid(s->cat->db);
	return s->cams[i].id;
}

enum {
	SCAN_INSERT,
	SCAN_CHANGED,
	SCAN_RETURNED,
	SCAN_GONE,
	SCAN_CAMERA,
	SCAN_FOLDER_READ,
	SCAN_FOLDER_SEEN,
	SCAN_NSTMT
};

static const char *const scan_sql[SCAN_NSTMT] = {
	"INSERT INTO segment(rel, camera, start_ms, size, mtime_ns, status, detail) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	"UPDATE segment SET size = ?, mtime_ns = ?, status = ?, detail = ?, "
	    "duration_ms = NULL, gone = 0, gone_ms = NULL WHERE id = ?",
	"UPDATE segment SET gone = 0, gone_ms = NULL WHERE id = ?",
	"UPDATE segment SET gone = 1, gone_ms = ? WHERE id = ?",
	"INSERT INTO camera(name) VALUES (?)",
	"INSERT OR REPLACE INTO folder(rel, mtime_ns, ctime_ns, read_ms, "
	    "newest_ns, scan_ms, other) VALUES (?, ?, ?, ?, ?, ?, ?)",
	"UPDATE folder SET scan_ms = ? WHERE rel = ?",
};

/* Runs a prepared statement that returns no rows. */
static int
scan_step(struct scan *s, sqlite3_stmt *st, char **cause)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return catalog_err(s->cat, cause, "updating segments");
	return 0;
}

/* Brings the catalog in line with the files found, in one transaction. */
static int
scan_merge(struct scan *s, struct scan_row *rows, size_t nrows, int64_t now,
    char **cause)
{
	struct catalog_scan_report *r = s->r;
	sqlite3_stmt *st[SCAN_NSTMT] = { NULL };
	struct scan_file *f;
	size_t i = 0, j = 0, k;
	int64_t cam;
	int c, ret = -1;

	if (s->nfiles > 1)
		qsort(s->files, s->nfiles, sizeof *s->files, scan_file_cmp);
	if (catalog_exec(s->cat, "BEGIN IMMEDIATE", cause) == -1)
		return -1;
	for (k = 0; k < SCAN_NSTMT; k++) {
		if (catalog_prepare(s->cat, scan_sql[k], &st[k], cause) == -1)
			goto out;
	}
	while (i < s->nfiles || j < nrows) {
		if (i == s->nfiles)
			c = 1;
		else if (j == nrows)
			c = -1;
		else
			c = strcmp(s->files[i].rel, rows[j].rel);
		if (c < 0) {
			f = &s->files[i++];
			if ((cam = scan_cam_id(s, f->cam, st[SCAN_CAMERA], cause)) == -1)
				goto out;
			sqlite3_bind_text(st[SCAN_INSERT], 1, f->rel, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st[SCAN_INSERT], 2, cam);
			sqlite3_bind_int64(st[SCAN_INSERT], 3, f->start_ms);
			sqlite3_bind_int64(st[SCAN_INSERT], 4, f->size);
			sqlite3_bind_int64(st[SCAN_INSERT], 5, f->mtime_ns);
			sqlite3_bind_text(st[SCAN_INSERT], 6, f->size == 0 ? "corrupt" :
			    "pending", -1, SQLITE_STATIC);
			if (f->size == 0)
				sqlite3_bind_text(st[SCAN_INSERT], 7, "empty file (0 bytes)",
				    -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st[SCAN_INSERT], 7);
			if (scan_step(s, st[SCAN_INSERT], cause) == -1)
				goto out;
			r->added++;
		} else if (c > 0) {
			if (!rows[j].gone && scan_in_unchanged(s, rows[j].rel)) {
				r->unchanged++;
				r->files++;
			}
			else if (!rows[j].gone && !scan_in_skipped(s, rows[j].rel)) {
				sqlite3_bind_int64(st[SCAN_GONE], 1, now);
				sqlite3_bind_int64(st[SCAN_GONE], 2, rows[j].id);
				if (scan_step(s, st[SCAN_GONE], cause) == -1)
					goto out;
				r->gone++;
			}
			j++;
		} else {
			f = &s->files[i++];
			if (f->size != rows[j].size || f->mtime_ns != rows[j].mtime_ns) {
				sqlite3_bind_int64(st[SCAN_CHANGED], 1, f->size);
				sqlite3_bind_int64(st[SCAN_CHANGED], 2, f->mtime_ns);
				sqlite3_bind_text(st[SCAN_CHANGED], 3, f->size == 0 ?
				    "corrupt" : "pending", -1, SQLITE_STATIC);
				if (f->size == 0)
					sqlite3_bind_text(st[SCAN_CHANGED], 4,
					    "empty file (0 bytes)", -1, SQLITE_STATIC);
				else
					sqlite3_bind_null(st[SCAN_CHANGED], 4);
				sqlite3_bind_int64(st[SCAN_CHANGED], 5, rows[j].id);
				if (scan_step(s, st[SCAN_CHANGED], cause) == -1)
					goto out;
				r->changed++;
			} else if (rows[j].gone) {
				sqlite3_bind_int64(st[SCAN_RETURNED], 1, rows[j].id);
				if (scan_step(s, st[SCAN_RETURNED], cause) == -1)
					goto out;
				r->returned++;
			} else
				r->unchanged++;
			j++;
		}
	}
	for (k = 0; k < s->nread; k++) {
		sqlite3_bind_text(st[SCAN_FOLDER_READ], 1, s->read[k].rel, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st[SCAN_FOLDER_READ], 2, s->read[k].mtime_ns);
		sqlite3_bind_int64(st[SCAN_FOLDER_READ], 3, s->read[k].ctime_ns);
		sqlite3_bind_int64(st[SCAN_FOLDER_READ], 4, s->read[k].read_ms);
		sqlite3_bind_int64(st[SCAN_FOLDER_READ], 5, s->read[k].newest_ns);
		sqlite3_bind_int64(st[SCAN_FOLDER_READ], 6, now);
		sqlite3_bind_int64(st[SCAN_FOLDER_READ], 7, s->read[k].other);
		if (scan_step(s, st[SCAN_FOLDER_READ], cause) == -1)
			goto out;
	}
	for (k = 0; k < s->nunchanged; k++) {
		sqlite3_bind_int64(st[SCAN_FOLDER_SEEN], 1, now);
		sqlite3_bind_text(st[SCAN_FOLDER_SEEN], 2, s->unchanged[k], -1,
		    SQLITE_STATIC);
		if (scan_step(s, st[SCAN_FOLDER_SEEN], cause) == -1)
			goto out;
	}
	/* Folders no longer there are forgotten after a complete scan. */
	if (s->nskipped == 0) {
		sqlite3_stmt *del;

		if (catalog_prepare(s->cat, "DELETE FROM folder WHERE scan_ms != ?",
		    &del, cause) == -1)
			goto out;
		sqlite3_bind_int64(del, 1, now);
		if (scan_step(s, del, cause) == -1) {
			sqlite3_finalize(del);
			goto out;
		}
		sqlite3_finalize(del);
	}
	ret = 0;
out:
	for (k = 0; k < SCAN_NSTMT; k++)
		sqlite3_finalize(st[k]);
	if (ret == -1)
		sqlite3_exec(s->cat->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

/* Marks the catalog stale with reason and the time of this attempt. */
static int
scan_mark(struct catalog *cat, int64_t now, const char *stale, int complete,
    char **cause)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)now);
	if (catalog_meta_set(cat, "last_scan_ms", buf, cause) == -1 ||
	    catalog_meta_set(cat, "stale", stale, cause) == -1)
		return -1;
	if (complete && catalog_meta_set(cat, "last_complete_ms", buf, cause) == -1)
		return -1;
	return 0;
}

/* Records a failed scan: nothing else changes. */
static int
scan_fail(struct catalog *cat, int64_t now, const char *why, char **cause)
{
	char *ignored = NULL;

	if (catalog_exec(cat, "BEGIN IMMEDIATE", &ignored) == 0) {
		if (scan_mark(cat, now, why, 0, &ignored) == 0)
			catalog_exec(cat, "COMMIT", &ignored);
		else
			sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
	}
	free(ignored);
	return cause_set(cause, "%s", why);
}

/* How long ago ms was, for messages: "last complete scan 2026-...Z". */
static void
scan_since(struct catalog *cat, char *buf, size_t len)
{
	struct catalog_state st;
	char when[32];

	if (catalog_state(cat, &st, NULL) == 0 && st.last_complete_ms != 0)
		snprintf(buf, len, "; the catalog keeps what it knew at %s and is "
		    "stale", clock_format_utc(st.last_complete_ms, when, sizeof when));
	else
		snprintf(buf, len, "; the catalog is stale");
}

int
catalog_scan(struct catalog *cat, int flags, struct catalog_scan_report *r,
    char **cause)
{
	struct scan s;
	struct scan_row *rows = NULL;
	size_t nrows = 0, i;
	int64_t now, live = 0;
	char since[160], num[32], *why, *root;
	int fd, ret = -1, complete;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(r, 0, sizeof *r);
	memset(&s, 0, sizeof s);
	s.cat = cat;
	s.r = r;
	s.full = (flags & CATALOG_SCAN_FULL) != 0;
	s.now = now = clock_now_ms();
	root = utf8_sanitize(cat->root, strlen(cat->root));

	if ((fd = open(cat->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		int e = errno;

		scan_since(cat, since, sizeof since);
		why = xasprintf("recorder folder %s: %s (is the share mounted?)%s",
		    root, strerror(e), since);
		scan_fail(cat, now, why, cause);
		free(why);
		goto out;
	}
	if (scan_load(&s, &rows, &nrows, cause) == -1) {
		close(fd);
		goto out;
	}
	tz_enter(cat->tz);
	scan_walk(&s, fd, 0, 0);
	tz_leave(cat->tz);
	if (s.nunchanged > 1)
		qsort(s.unchanged, s.nunchanged, sizeof *s.unchanged, scan_str_cmp);

	for (i = 0; i < nrows; i++)
		live += !rows[i].gone;
	if (s.nskipped > 0 && strcmp(s.skipped[0], ".") == 0) {
		scan_since(cat, since, sizeof since);
		why = xasprintf("recorder folder %s cannot be read%s", root, since);
		scan_fail(cat, now, why, cause);
		free(why);
		goto out;
	}
	if (s.root_entries == 0 && live > 0) {
		scan_since(cat, since, sizeof since);
		why = xasprintf("recorder folder %s is empty but the catalog knows "
		    "%lld segments: is the share mounted?%s", root, (long long)live,
		    since);
		scan_fail(cat, now, why, cause);
		free(why);
		goto out;
	}
	if (scan_merge(&s, rows, nrows, now, cause) == -1)
		goto out;
	complete = s.nskipped == 0;
	why = complete ? xstrdup("") : xasprintf("%lld folder(s) of %s could not "
	    "be read at the last scan; their segments are as they were",
	    (long long)s.nskipped, root);
	snprintf(num, sizeof num, "%lld", (long long)(r->other +
	    r->other_kept));
	if (scan_mark(cat, now, why, complete, cause) == -1 ||
	    catalog_meta_set(cat, "other_names", num, cause) == -1 ||
	    catalog_exec(cat, "COMMIT", cause) == -1) {
		sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
		free(why);
		goto out;
	}
	free(why);
	r->complete = complete;
	ret = complete ? 0 : 1;
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->elapsed_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	for (i = 0; i < s.nfiles; i++)
		free(s.files[i].rel);
	free(s.files);
	for (i = 0; i < nrows; i++)
		free(rows[i].rel);
	free(rows);
	for (i = 0; i < s.nskipped; i++)
		free(s.skipped[i]);
	free(s.skipped);
	for (i = 0; i < s.ncache; i++)
		free(s.cache[i].rel);
	free(s.cache);
	for (i = 0; i < s.nread; i++)
		free(s.read[i].rel);
	free(s.read);
	for (i = 0; i < s.nunchanged; i++)
		free(s.unchanged[i]);
	free(s.unchanged);
	for (i = 0; i < s.ncams; i++)
		free(s.cams[i].name);
	free(s.cams);
	free(s.slots);
	free(root);
	return ret;
}

void
catalog_scan_report_free(struct catalog_scan_report *r)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	r->notes = NULL;
	r->nnotes = 0;
	for (i = 0; i < r->nother_names; i++)
		free(r->other_names[i]);
	free(r->other_names);
	r->other_names = NULL;
	r->nother_names = 0;
}
