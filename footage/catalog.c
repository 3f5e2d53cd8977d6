/* catalog — the catalog database: opening, schema, meta data and state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "footage/footage.h"
#include "footage/footage_int.h"
#include "util/util.h"

/* PRAGMA application_id of a vigil catalog: "VGCL". */
#define CATALOG_APP_ID		0x5647434c
#define CATALOG_SCHEMA		3	/* 3: folder.other */

static const char catalog_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE camera(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE segment("
	" id INTEGER PRIMARY KEY,"
	" rel TEXT NOT NULL UNIQUE,"
	" camera INTEGER NOT NULL REFERENCES camera(id),"
	" start_ms INTEGER NOT NULL,"
	" duration_ms INTEGER,"
	" size INTEGER NOT NULL,"
	" mtime_ns INTEGER NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('pending', 'ok', 'unreadable', 'corrupt', 'partial')),"
	" detail TEXT,"
	" gone INTEGER NOT NULL DEFAULT 0,"
	" gone_ms INTEGER);"
	"CREATE INDEX segment_time ON segment(camera, start_ms);"
	"CREATE TABLE folder("
	" rel TEXT PRIMARY KEY,"
	" mtime_ns INTEGER NOT NULL,"
	" ctime_ns INTEGER NOT NULL,"
	" read_ms INTEGER NOT NULL,"
	" newest_ns INTEGER NOT NULL,"
	" scan_ms INTEGER NOT NULL,"
	" other INTEGER NOT NULL DEFAULT 0);";

static const char *const catalog_status_names[] = {
	[CATALOG_PENDING] = "pending",
	[CATALOG_OK] = "ok",
	[CATALOG_UNREADABLE] = "unreadable",
	[CATALOG_CORRUPT] = "corrupt",
	[CATALOG_PARTIAL] = "partial",
};

const char *
catalog_status_name(enum catalog_status s)
{
	if ((unsigned)s >= sizeof catalog_status_names / sizeof catalog_status_names[0])
		return "?";
	return catalog_status_names[s];
}

int
catalog_status_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof catalog_status_names / sizeof catalog_status_names[0]; i++) {
		if (strcmp(s, catalog_status_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

int
catalog_err(struct catalog *cat, char **cause, const char *what)
{
	return cause_set(cause, "catalog %s: %s: %s", cat->dbpath, what,
	    sqlite3_errmsg(cat->db));
}

int
catalog_exec(struct catalog *cat, const char *sql, char **cause)
{
	char *msg = NULL;

	if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		cause_set(cause, "catalog %s: %s", cat->dbpath,
		    msg != NULL ? msg : sqlite3_errmsg(cat->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
catalog_prepare(struct catalog *cat, const char *sql, sqlite3_stmt **st,
    char **cause)
{
	if (sqlite3_prepare_v2(cat->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return catalog_err(cat, cause, "query");
	}
	return 0;
}

int
catalog_meta_get(struct catalog *cat, const char *key, char **value,
    char **cause)
{
	sqlite3_stmt *st;
	int rc;

	*value = NULL;
	if (catalog_prepare(cat, "SELECT value FROM meta WHERE key = ?", &st,
	    cause) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return catalog_err(cat, cause, "reading meta data");
	return 0;
}

int
catalog_meta_set(struct catalog *cat, const char *key, const char *value,
    char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (catalog_prepare(cat, "INSERT OR REPLACE INTO meta(key, value) "
	    "VALUES (?, ?)", &st, cause) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return catalog_err(cat, cause, "writing meta data");
	return 0;
}

int
catalog_note_duration(struct catalog *cat, int64_t ms, char **cause)
{
	char buf[32];

	if (ms <= cat->max_dur)
		return 0;
	cat->max_dur = ms;
	snprintf(buf, sizeof buf, "%lld", (long long)ms);
	return catalog_meta_set(cat, "max_duration_ms", buf, cause);
}

char *
catalog_abspath(const struct catalog *cat, const char *rel)
{
	size_t n = strlen(cat->root);

	if (n > 0 && cat->root[n - 1] == '/')
		return xasprintf("%s%s", cat->root, rel);
	return xasprintf("%s/%s", cat->root, rel);
}

/* Runs a single-integer query (a PRAGMA or a count). */
static int
catalog_int_query(struct catalog *cat, const char *sql, int64_t *v, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (catalog_prepare(cat, sql, &st, cause) == -1)
		return -1;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return catalog_err(cat, cause, "query");
	return 0;
}

/* Creates the schema in an empty database, or recreates it when an older
 * schema of ours is found. */
static int
catalog_schema_ensure(struct catalog *cat, char **cause)
{
	int64_t app, tables, version;
	char sql[128];

	if (catalog_int_query(cat, "PRAGMA application_id", &app, cause) == -1)
		return -1;
	if (catalog_int_query(cat, "SELECT count(*) FROM sqlite_master", &tables,
	    cause) == -1)
		return -1;
	if (app != CATALOG_APP_ID && tables != 0)
		return cause_set(cause, "catalog %s: not a vigil catalog (the database "
		    "holds other tables); refusing to change it: set catalog_db to a "
		    "file of its own", cat->dbpath);
	if (catalog_int_query(cat, "PRAGMA user_version", &version, cause) == -1)
		return -1;
	if (app == CATALOG_APP_ID && version == CATALOG_SCHEMA)
		return 0;
	if (catalog_exec(cat, "BEGIN IMMEDIATE", cause) == -1)
		return -1;
	if (app == CATALOG_APP_ID) {
		snprintf(cat->rebuilt, sizeof cat->rebuilt,
		    "catalog schema %lld replaced by %d", (long long)version,
		    CATALOG_SCHEMA);
		if (catalog_exec(cat, "DROP TABLE IF EXISTS segment;"
		    "DROP TABLE IF EXISTS camera; DROP TABLE IF EXISTS meta;"
		    "DROP TABLE IF EXISTS folder;",
		    cause) == -1)
			goto fail;
	}
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; "
	    "PRAGMA user_version = %d;", CATALOG_APP_ID, CATALOG_SCHEMA);
	if (catalog_exec(cat, catalog_schema, cause) == -1 ||
	    catalog_exec(cat, sql, cause) == -1 ||
	    catalog_exec(cat, "COMMIT", cause) == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Empties the catalog when it was built for another root, pattern or
 * zone, then records the current ones. */
static int
catalog_check_source(struct catalog *cat, char **cause)
{
	static const char *const keys[] = { "root", "pattern", "timezone" };
	const char *now[3];
	char *was;
	size_t i;
	int differs = 0;

	now[0] = cat->root;
	now[1] = pattern_text(cat->pattern);
	now[2] = cat->tzname;
	if (catalog_exec(cat, "BEGIN", cause) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		if (catalog_meta_get(cat, keys[i], &was, cause) == -1)
			goto fail;
		if (was != NULL && strcmp(was, now[i]) == 0) {
			free(was);
			continue;
		}
		if (was != NULL && !differs) {
			differs = 1;
			snprintf(cat->rebuilt, sizeof cat->rebuilt,
			    "%s changed from '%s' to '%s'", keys[i], was, now[i]);
		}
		free(was);
		if (catalog_meta_set(cat, keys[i], now[i], cause) == -1)
			goto fail;
	}
	if (differs && (catalog_exec(cat, "DELETE FROM segment; DELETE FROM camera;"
	    "DELETE FROM folder;"
	    "DELETE FROM meta WHERE key IN ('last_scan_ms', 'last_complete_ms', "
	    "'stale', 'max_duration_ms', 'other_names')", cause) == -1))
		goto fail;
	return catalog_exec(cat, "COMMIT", cause);
fail:
	sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

struct catalog *
catalog_open(const struct catalog_opts *o, char **cause)
{
	struct catalog *cat;
	char *v;
	int rc;

	if (o->db == NULL || *o->db == '\0' || o->root == NULL || *o->root == '\0' ||
	    o->pattern == NULL || o->timezone == NULL) {
		cause_set(cause, "catalog: database, root, pattern and time zone "
		    "must be given");
		return NULL;
	}
	cat = xcalloc(1, sizeof *cat);
	cat->dbpath = xstrdup(o->db);
	cat->root = xstrdup(o->root);
	cat->tzname = xstrdup(o->timezone);
	if ((cat->pattern = pattern_compile(o->pattern, cause)) == NULL ||
	    (cat->tz = tz_open(o->timezone, cause)) == NULL)
		goto fail;
	rc = sqlite3_open_v2(o->db, &cat->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		if (cat->db == NULL)
			cause_set(cause, "catalog %s: cannot open: out of memory", o->db);
		else
			cause_set(cause, "catalog %s: cannot open: %s", o->db,
			    sqlite3_errmsg(cat->db));
		goto fail;
	}
	sqlite3_busy_timeout(cat->db, 5000);
	sqlite3_extended_result_codes(cat->db, 1);
	if (catalog_schema_ensure(cat, cause) == -1 ||
	    catalog_exec(cat, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", cause) == -1 ||
	    catalog_check_source(cat, cause) == -1)
		goto fail;
	if (catalog_meta_get(cat, "max_duration_ms", &v, cause) == -1)
		goto fail;
	if (v != NULL)
		cat->max_dur = strtoll(v, NULL, 10);
	free(v);
	return cat;
fail:
	catalog_close(cat);
	return NULL;
}

void
catalog_close(struct catalog *cat)
{
	if (cat == NULL)
		return;
	if (cat->db != NULL)
		sqlite3_close(cat->db);
	pattern_free(cat->pattern);
	tz_free(cat->tz);
	free(cat->dbpath);
	free(cat->root);
	free(cat->tzname);
	free(cat);
}

int
catalog_state(struct catalog *cat, struct catalog_state *s, char **cause)
{
	sqlite3_stmt *st;
	char *v;
	int rc;

	memset(s, 0, sizeof *s);
	snprintf(s->rebuilt, sizeof s->rebuilt, "%s", cat->rebuilt);
	if (catalog_meta_get(cat, "last_scan_ms", &v, cause) == -1)
		return -1;
	s->last_scan_ms = v != NULL ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (catalog_meta_get(cat, "last_complete_ms", &v, cause) == -1)
		return -1;
	s->last_complete_ms = v != NULL ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (catalog_meta_get(cat, "other_names", &v, cause) == -1)
		return -1;
	s->other = v != NULL ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (catalog_meta_get(cat, "stale", &v, cause) == -1)
		return -1;
	if (v != NULL) {
		s->stale = *v != '\0';
		snprintf(s->stale_reason, sizeof s->stale_reason, "%s", v);
		utf8_cut_tail(s->stale_reason);
	}
	free(v);
	if (catalog_prepare(cat, "SELECT "
	    "count(*) FILTER (WHERE gone = 0),"
	    "count(*) FILTER (WHERE gone = 0 AND status = 'pending'),"
	    "count(*) FILTER (WHERE gone = 0 AND status IN "
	    " ('unreadable', 'corrupt', 'partial')),"
	    "count(*) FILTER (WHERE gone = 1),"
	    "count(DISTINCT camera) FILTER (WHERE gone = 0),"
	    "total(size) FILTER (WHERE gone = 0) FROM segment", &st, cause) == -1)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->segments = sqlite3_column_int64(st, 0);
		s->pending = sqlite3_column_int64(st, 1);
		s->bad = sqlite3_column_int64(st, 2);
		s->gone = sqlite3_column_int64(st, 3);
		s->cameras = sqlite3_column_int64(st, 4);
		s->bytes = (int64_t)sqlite3_column_double(st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return catalog_err(cat, cause, "reading state");
	if (s->last_scan_ms == 0 && !s->stale) {
		s->stale = 1;
		snprintf(s->stale_reason, sizeof s->stale_reason,
		    "never scanned; run 'vigil catalog scan'");
	}
	return 0;
}
