/* footage_int — what the files of footage/ share with each other (and with its
 * unit tests, fuzzers and benchmarks) and with no other module: the
 * private half of footage/footage.h.  tests/regress/boundaries.sh checks that no
 * other folder includes it. */
#ifndef VIGIL_FOOTAGE_INT_H
#define VIGIL_FOOTAGE_INT_H

#include "footage/footage.h"

/* Shared between the files of footage/ only (and its tests): the catalog's
 * insides. */
#include <sqlite3.h>

struct catalog {
	sqlite3		*db;
	char		*dbpath;
	char		*root;
	struct pattern	*pattern;
	struct tz	*tz;
	char		*tzname;
	int64_t		 max_dur;	/* longest known duration, for range lookups */
	char		 rebuilt[256];
};

/* Fills *cause with "catalog FILE: what: <SQLite's message>"; returns -1. */
int catalog_err(struct catalog *, char **cause, const char *what);
/* Runs SQL without results. */
int catalog_exec(struct catalog *, const char *sql, char **cause);
/* Prepares a statement; caller finalises it. */
int catalog_prepare(struct catalog *, const char *sql, sqlite3_stmt **,
    char **cause);
/* Reads and writes the meta table; catalog_meta_get sets *value to a new
 * string, or NULL when the key is absent. */
int catalog_meta_get(struct catalog *, const char *key, char **value,
    char **cause);
int catalog_meta_set(struct catalog *, const char *key, const char *value,
    char **cause);
/* Notes a known duration so range lookups reach back far enough. */
int catalog_note_duration(struct catalog *, int64_t ms, char **cause);
/* root + "/" + rel; caller frees. */
char *catalog_abspath(const struct catalog *, const char *rel);
/* The status stored as text, and back (-1 for an unknown name). */
int catalog_status_parse(const char *);

/* What reading a container found (footage/probe.c). */
struct probe_result {
	enum catalog_status status;
	int64_t		 duration_ms;	/* -1: unknown */
	int64_t		 size;
	int64_t		 mtime_ns;
	int		 vanished;	/* the file is no longer there */
	char		 detail[256];
};
/* Reads the container at path (never following a symbolic link). */
void probe_segment(const char *path, struct probe_result *);

/* Probes the pending segments with the given ids and stores the results
 * (footage/catalog_probe.c). */
int catalog_probe_ids(struct catalog *, const int64_t *ids, size_t n,
    char **cause);

#endif
