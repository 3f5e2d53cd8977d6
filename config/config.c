/* config — loading vigil.conf with libinih: the keys, their defaults and
 * their checks.  Every problem is collected with its line; a file with any
 * problem gives no configuration at all. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>
#include <sodium.h>

#include "config/config.h"
#include "util/util.h"

#define CONFIG_MAX_ERRORS	50
#define CONFIG_CODE_MAX		32
#define CONFIG_GROUP_MAX	32

/* A reason code as configured. */
struct config_rsn {
	char		*code;
	char		*label;
	unsigned	 requires;
	char		*regex;
	int		 note_min;
	int		 cap_seconds;
	int		 range_max;	/* minutes; -1: not set */
	regex_t		 re;
	int		 has_re;
	int		 line;
	struct config_reason pub;
};

/* A per-key value with its line ([export] legal_basis.CODE, [retention]
 * camera.NAME). */
struct config_named {
	char		*name;
	char		*text;
	int		 days;
	int		 line;
};

struct config {
	char		*file;
	unsigned char	 hash[32];
	char		*dir;		/* relative paths are taken from here */

	char		*site_name;
	char		*recorder;
	char		*pattern_spec;
	char		*pattern;
	char		*timezone;
	char		*catalog_db;
	char		*audit_db;
	char		*audit_state;
	char		*key_dir;
	char		**export_roots;
	char		*groups[CONFIG_NROLES];
	int		 vo;
	char		**audio_cameras;
	int		 idle_lock;
	int		 reuse_reference_minutes;
	char		*pam_service;
	char		*service_user;
	char		*password_help;
	char		**keep_environment;
	char		*signing_key;
	char		*trusted_keys;
	char		**require_approval;
	struct config_named *legal;
	size_t		 nlegal;
	int		 retention_default;
	struct config_named *retention;
	size_t		 nretention;
	int		 checkpoint_every;
	int		 heartbeat_minutes;
	char		*syslog_socket;
	uint8_t		 pin_log_id[16];	/* [audit] log_id */
	uint8_t		 pin_pk0[32];		/* [audit] pk0 */
	int		 has_pin_log_id, has_pin_pk0;
	struct config_rsn *reasons;
	size_t		 nreasons;
	struct config_review review;
};

enum config_type {
	T_STR,		/* text without control characters */
	T_PATH,		/* a path; relative ones from the file's folder */
	T_PATHLIST,	/* comma-separated paths */
	T_CAMERAS,	/* comma-separated camera names */
	T_CODES,	/* comma-separated reason codes */
	T_ENVNAMES,	/* variable names or NAME* prefixes, by commas or spaces */
	T_INT,
	T_VO,
	T_PATTERN,
	T_TZ,
	T_GROUP,
	T_HOURS,	/* "HH-HH" or "HH:MM-HH:MM", into two ints */
	T_REQUIRES,	/* comma-separated reference, authority, note */
	T_REGEX,
	T_HEX,		/* exactly min bytes as lower- or upper-case hex */
};

struct config_key {
	const char	*section;
	const char	*name;
	enum config_type type;
	size_t		 off;
	const char	*def;		/* NULL: see config_finish() */
	int		 min, max;
	const char	*expect;
};

#define C(f)	offsetof(struct config, f)
#define R(f)	offsetof(struct config_rsn, f)

static const struct config_key config_keys[] = {
	{ "site", "name", T_STR, C(site_name), "vigil", 1, 80,
	  "a name of 1 to 80 characters" },
	{ "paths", "recorder", T_PATH, C(recorder), "/srv/recorder", 0, 0,
	  "the folder the recorder writes segments to" },
	{ "paths", "pattern", T_PATTERN, C(pattern_spec), "vigil", 0, 0,
	  "vigil, frigate, or a pattern such as "
	  "{camera}/{Y}-{m}-{d}/{H}-{M}-{S}.mp4" },
	{ "paths", "timezone", T_TZ, C(timezone), "UTC", 0, 0,
	  "UTC, local, an offset such as +01:00, or a zone such as Europe/Oslo" },
	{ "paths", "catalog_db", T_PATH, C(catalog_db), "/var/lib/vigil/catalog.db",
	  0, 0, "a file path" },
	{ "paths", "audit_db", T_PATH, C(audit_db), "/var/lib/vigil/audit.db",
	  0, 0, "a file path" },
	{ "paths", "audit_state", T_PATH, C(audit_state),
	  "/var/lib/vigil/audit.state", 0, 0, "a file path" },
	{ "paths", "key_dir", T_PATH, C(key_dir), "/var/lib/vigil/keys", 0, 0,
	  "a folder path" },
	{ "paths", "export_roots", T_PATHLIST, C(export_roots), "/media", 0, 0,
	  "comma-separated folder paths" },
	{ "roles", "viewer_group", T_GROUP, C(groups[CONFIG_ROLE_VIEWER]),
	  "vigil-viewer", 0, 0, "a Unix group name" },
	{ "roles", "exporter_group", T_GROUP, C(groups[CONFIG_ROLE_EXPORTER]),
	  "vigil-exporter", 0, 0, "a Unix group name" },
	{ "roles", "auditor_group", T_GROUP, C(groups[CONFIG_ROLE_AUDITOR]),
	  "vigil-auditor", 0, 0, "a Unix group name" },
	{ "roles", "admin_group", T_GROUP, C(groups[CONFIG_ROLE_ADMIN]),
	  "vigil-admin", 0, 0, "a Unix group name" },
	{ "player", "video_output", T_VO, C(vo), "auto", 0, 0,
	  "auto, drm, gpu, tct, sixel or null" },
	{ "player", "audio_cameras", T_CAMERAS, C(audio_cameras), "", 0, 0,
	  "comma-separated camera names" },
	{ "session", "idle_lock", T_INT, C(idle_lock), "300", 1, 86400,
	  "seconds from 1 to 86400" },
	{ "session", "reuse_reference_minutes", T_INT,
	  C(reuse_reference_minutes), "10", 0, 1440,
	  "minutes from 0 (never) to 1440" },
	{ "session", "pam_service", T_GROUP, C(pam_service), "vigil", 0, 0,
	  "a PAM service name (letters, digits, . _ -)" },
	{ "session", "service_user", T_GROUP, C(service_user), "vigil", 0, 0,
	  "a user name (letters, digits, . _ -)" },
	{ "session", "password_help", T_STR, C(password_help), NULL, 1, 200,
	  "a text of 1 to 200 characters" },
	{ "session", "keep_environment", T_ENVNAMES, C(keep_environment), "", 0,
	  0, "names of environment variables (or NAME* for every name "
	  "starting with NAME), separated by commas or spaces" },
	{ "export", "require_approval", T_CODES, C(require_approval),
	  "POLICE, DSAR", 0, 0, "comma-separated reason codes" },
	{ "export", "signing_key", T_PATH, C(signing_key), NULL, 0, 0,
	  "a file path" },
	{ "export", "trusted_keys", T_STR, C(trusted_keys), NULL, 1, 4000,
	  "public keys (RW...) or key files, separated by commas, each earlier "
	  "one followed by \"until YYYY-MM-DD\"" },
	{ "retention", "default_days", T_INT, C(retention_default), "7", 1, 3650,
	  "days from 1 to 3650" },
	{ "audit", "log_id", T_HEX, C(pin_log_id), NULL, 16, 16,
	  "32 hex digits (log_id as vigil audit init prints it)" },
	{ "audit", "pk0", T_HEX, C(pin_pk0), NULL, 32, 32,
	  "64 hex digits (pk0 as vigil audit init prints it)" },
	{ "audit", "checkpoint_every", T_INT, C(checkpoint_every), "64", 1, 1000000,
	  "a number of entries from 1 to 1000000" },
	{ "audit", "heartbeat_minutes", T_INT, C(heartbeat_minutes), "5", 1, 60,
	  "minutes from 1 to 60" },
	{ "audit", "syslog_socket", T_PATH, C(syslog_socket), "/dev/log", 0, 0,
	  "the path of a syslog socket, or none" },
	{ "review", "working_hours", T_HOURS, C(review.work_from), "07-18", 0, 0,
	  "HH-HH or HH:MM-HH:MM, such as 07-18" },
	{ "review", "max_view_minutes", T_INT, C(review.max_view_minutes), "20",
	  1, 1440, "minutes from 1 to 1440" },
	{ "review", "max_views_per_day", T_INT, C(review.max_views_per_day), "10",
	  1, 10000, "a number from 1 to 10000" },
	{ "review", "max_cameras_per_reference", T_INT,
	  C(review.max_cameras_per_reference), "4", 1, 10000,
	  "a number from 1 to 10000" },
};

static const struct config_key config_reason_keys[] = {
	{ "reason", "label", T_STR, R(label), NULL, 1, 80,
	  "a label of 1 to 80 characters" },
	{ "reason", "requires", T_REQUIRES, R(requires), NULL, 0, 0,
	  "a comma-separated list of reference, authority, note (or nothing)" },
	{ "reason", "reference_regex", T_REGEX, R(regex), NULL, 0, 0,
	  "a POSIX extended regular expression" },
	{ "reason", "note_min", T_INT, R(note_min), NULL, 0, 1000,
	  "characters from 0 to 1000" },
	{ "reason", "cap_seconds", T_INT, R(cap_seconds), NULL, 0, 86400,
	  "seconds from 0 (no cap) to 86400" },
	{ "reason", "range_max", T_INT, R(range_max), NULL, 0, 1440,
	  "minutes from 0 (no limit) to 1440" },
};

static const char *const config_sections[] = {
	"site", "paths", "roles", "player", "session", "export", "retention",
	"audit", "review",
};
#define CONFIG_NSECTIONS (sizeof config_sections / sizeof config_sections[0])

/* The reason codes of DESIGN.md, used when the file defines none. */
static const struct {
	const char	*code;
	const char	*label;
	unsigned	 requires;
	int		 cap;
	const char	*legal;
} config_default_reasons[] = {
	{ "INCIDENT", "reported incident being investigated",
	  CONFIG_REQ_REFERENCE, 0,
	  "GDPR art. 6(1)(f): investigating a reported incident" },
	{ "POLICE", "police request", CONFIG_REQ_REFERENCE | CONFIG_REQ_AUTHORITY, 0,
	  "GDPR art. 6(1)(c) and (f): disclosure to the police on their request" },
	{ "DSAR", "a person's request for their footage", CONFIG_REQ_REFERENCE, 0,
	  "GDPR art. 15: the data subject's right of access" },
	{ "ERASURE", "erasure or objection request being handled",
	  CONFIG_REQ_REFERENCE, 0,
	  "GDPR art. 17 and 21: erasure and objection" },
	{ "SYSCHECK", "routine check of the system", 0, 120,
	  "GDPR art. 32: checking that the system records" },
};
#define CONFIG_NDEFAULT_REASONS \
	(sizeof config_default_reasons / sizeof config_default_reasons[0])

static const char *const config_vo_names[] = {
	"auto", "drm", "gpu", "tct", "sixel", "null",
};

static const char *const config_role_names[] = {
	"viewer", "exporter", "auditor", "admin",
};

/* Sections: indexes into config_sections, or these. */
enum config_sec {
	SEC_NONE = -2,		/* before any section header */
	SEC_INVALID = -1,	/* a header already reported as wrong */
	SEC_PATHS = 1,
	SEC_EXPORT = 5,
	SEC_RETENTION = 6,
	SEC_AUDIT = 7,
	SEC_REASON = 100,
};

/* A key seen in the file, for finding repeats. */
struct config_seen {
	char		*section;
	char		*name;
	int		 line;
};

/* The state of one parse. */
struct config_parse {
	struct config	*c;
	const char	*file;		/* as named in messages */
	const char	*buf;
	size_t		 len, pos;
	int		 line;
	int		 indented;	/* the current line starts with white space */
	size_t		 rawkey;	/* length of the current line's key */
	int		 sec;		/* enum config_sec or an index */
	char		*secname;
	char		*prevkey;	/* the section's last key, or NULL */
	int		 prevline;
	int		 secline;
	struct config_rsn *rsn;		/* the [reason] being read */
	int		 sec_lines[CONFIG_NSECTIONS];
	int		 first_reason_line;
	int		 approval_line;
	struct config_seen *seen;
	size_t		 nseen;
	char		**errs;
	int		*errlines;
	size_t		 nerrs;
};

static void	config_error(struct config_parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Records "FILE:LINE: message". */
static void
config_error(struct config_parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->nerrs == CONFIG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("out of memory");
	va_end(ap);
	p->errs = xrealloc(p->errs, (p->nerrs + 1) * sizeof *p->errs);
	p->errlines = xrealloc(p->errlines, (p->nerrs + 1) * sizeof *p->errlines);
	if (line > 0)
		p->errs[p->nerrs] = xasprintf("%s:%d: %s", p->file, line, msg);
	else
		p->errs[p->nerrs] = xasprintf("%s: %s", p->file, msg);
	p->errlines[p->nerrs++] = line;
	free(msg);
}

/* A value made safe to quote in a message. */
static char *
config_quote(const char *v)
{
	return utf8_shorten(utf8_sanitize(v, strlen(v)), 60);
}

static void
config_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Number of characters in the UTF-8 string s. */
static size_t
config_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* 1 when s holds a control character. */
static int
config_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

/* 1 when s is a reason code: an upper-case letter, then upper-case
 * letters, digits, '_' or '-', at most CONFIG_CODE_MAX in all. */
static int
config_code_valid(const char *s)
{
	size_t i;

	if (s[0] < 'A' || s[0] > 'Z' || strlen(s) > CONFIG_CODE_MAX)
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return 1;
}

/* 1 when s is a portable Unix group name. */
static int
config_group_valid(const char *s)
{
	size_t i;

	if (s[0] == '\0' || s[0] == '-' || strlen(s) > CONFIG_GROUP_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' ||
		    s[i] == '.'))
			return 0;
	}
	return 1;
}

/* Splits a comma-separated value into trimmed items; NULL (with *why)
 * when an item is empty. */
static char **
config_split(const char *v, const char **why)
{
	char **out;
	const char *s = v, *e, *a, *b;
	size_t n = 0;

	out = xcalloc(1, sizeof *out);
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return out;
	for (;;) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		a = s;
		b = e;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (a == b) {
			*why = "an empty item in the list";
			config_strv_free(out);
			return NULL;
		}
		out = xrealloc(out, (n + 2) * sizeof *out);
		out[n] = xmalloc((size_t)(b - a) + 1);
		memcpy(out[n], a, (size_t)(b - a));
		out[n][b - a] = '\0';
		out[++n] = NULL;
		if (*e == '\0')
			break;
		s = e + 1;
	}
	return out;
}

/* Splits v at commas, spaces and tabs, empty items left out. */
static char **
config_split_names(const char *v)
{
	char **out = xcalloc(1, sizeof *out);
	size_t n = 0, len;

	for (;;) {
		v += strspn(v, ", \t");
		if ((len = strcspn(v, ", \t")) == 0)
			return out;
		out = xrealloc(out, (n + 2) * sizeof *out);
		out[n] = xmalloc(len + 1);
		memcpy(out[n], v, len);
		out[n][len] = '\0';
		out[++n] = NULL;
		v += len;
	}
}

/* 1 for an environment variable's name ([A-Za-z_][A-Za-z0-9_]*), which
 * may end in '*' (every name starting so); '*' alone is not one. */
static int
config_envname_valid(const char *s)
{
	size_t i;

	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
	    s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] == '*' && s[i + 1] == '\0')
			return 1;
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	}
	return i <= 128;
}

static const struct config_checks *config_checks;

void
config_set_checks(const struct config_checks *checks)
{
	config_checks = checks;
}

/* A camera name as footage/ takes one (any name without the checks). */
static int
config_camera_valid(const char *name)
{
	return config_checks == NULL || config_checks->camera(name,
	    strlen(name));
}

/* A path as given, or taken from the configuration file's folder. */
static char *
config_resolve(const struct config *c, const char *v)
{
	if (v[0] == '/' || c->dir == NULL)
		return xstrdup(v);
	return xasprintf("%s/%s", c->dir, v);
}

/* Parses "HH" or "HH:MM" into minutes (0 to 1440). */
static int
config_hhmm(const char *s, size_t len, int *min)
{
	int h, m = 0;

	if (len != 2 && len != 5)
		return -1;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	if (len == 5) {
		if (s[2] != ':' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
			return -1;
		m = (s[3] - '0') * 10 + (s[4] - '0');
	}
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

/* Compiles a reference pattern so that it must match the whole reference. */
static int
config_regcomp(regex_t *re, const char *src, char **why)
{
	char *full, buf[160];
	int rc;

	full = xasprintf("^(%s)$", src);
	rc = regcomp(re, full, REG_EXTENDED | REG_NOSUB);
	free(full);
	if (rc != 0) {
		regerror(rc, re, buf, sizeof buf);
		*why = xstrdup(buf);
		return -1;
	}
	return 0;
}

/* The value of one hex digit, or -1. */
static int
config_hexval(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'a' && h <= 'f')
		return h - 'a' + 10;
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	return -1;
}

/* Sets key k of base (a struct config or struct config_rsn) from v.
 * Returns 0, or -1 with *why (a new string) saying what is wrong. */
static int
config_set(struct config *c, const struct config_key *k, void *base,
    const char *v, char **why)
{
	char *field = (char *)base + k->off, **list, *end, *s;
	const char *w = NULL;
	unsigned req;
	size_t i;
	long n;
	int from, to;
	regex_t re;

	switch (k->type) {
	case T_HEX:
		if (strlen(v) != 2 * (size_t)k->min) {
			*why = xasprintf("not %d hex digits", 2 * k->min);
			return -1;
		}
		for (i = 0; i < (size_t)k->min; i++) {
			int hi = config_hexval(v[2 * i]), lo = config_hexval(v[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				*why = xstrdup("not hex digits");
				return -1;
			}
			((uint8_t *)field)[i] = (uint8_t)(hi << 4 | lo);
		}
		if (k->off == offsetof(struct config, pin_log_id))
			c->has_pin_log_id = 1;
		else if (k->off == offsetof(struct config, pin_pk0))
			c->has_pin_pk0 = 1;
		return 0;
	case T_STR:
	case T_GROUP:
	case T_PATH:
	case T_PATTERN:
	case T_TZ:
		if (*v == '\0') {
			*why = xstrdup("empty");
			return -1;
		}
		if (config_has_control(v)) {
			*why = xstrdup("has control characters");
			return -1;
		}
		if (k->type == T_STR && config_chars(v) > (size_t)k->max) {
			*why = xstrdup("too long");
			return -1;
		}
		if (k->type == T_GROUP && !config_group_valid(v)) {
			*why = xstrdup("not a valid name");
			return -1;
		}
		if (k->type == T_PATTERN && config_checks != NULL &&
		    config_checks->pattern(v, why) == -1)
			return -1;
		if (k->type == T_TZ && config_checks != NULL &&
		    config_checks->zone(v, why) == -1)
			return -1;
		/* syslog_socket = none sends no witness lines. */
		s = k->type == T_PATH && !(k->off == C(syslog_socket) &&
		    strcmp(v, "none") == 0) ? config_resolve(c, v) : xstrdup(v);
		free(*(char **)field);
		*(char **)field = s;
		return 0;
	case T_ENVNAMES:
		list = config_split_names(v);
		for (i = 0; list[i] != NULL; i++) {
			if (!config_envname_valid(list[i])) {
				s = config_quote(list[i]);
				*why = xasprintf("'%s' is not a variable name or "
				    "NAME*", s);
				free(s);
				config_strv_free(list);
				return -1;
			}
		}
		config_strv_free(*(char ***)field);
		*(char ***)field = list;
		return 0;
	case T_PATHLIST:
	case T_CAMERAS:
	case T_CODES:
		if ((list = config_split(v, &w)) == NULL) {
			*why = xstrdup(w);
			return -1;
		}
		for (i = 0; list[i] != NULL; i++) {
			if (k->type == T_CAMERAS && !config_camera_valid(list[i]))
				w = "not a camera name";
			else if (k->type == T_CODES && !config_code_valid(list[i]))
				w = "not a reason code";
			else if (config_has_control(list[i]))
				w = "has control characters";
			if (w != NULL) {
				s = config_quote(list[i]);
				*why = xasprintf("'%s' is %s", s, w);
				free(s);
				config_strv_free(list);
				return -1;
			}
			if (k->type == T_PATHLIST) {
				s = config_resolve(c, list[i]);
				free(list[i]);
				list[i] = s;
			}
		}
		config_strv_free(*(char ***)field);
		*(char ***)field = list;
		return 0;
	case T_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || v[0] == '+') {
			*why = xstrdup("not a whole number");
			return -1;
		}
		if (n < k->min || n > k->max) {
			*why = xstrdup("out of range");
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case T_VO:
		for (i = 0; i < sizeof config_vo_names / sizeof config_vo_names[0]; i++) {
			if (strcmp(v, config_vo_names[i]) == 0) {
				*(int *)field = (int)i;
				return 0;
			}
		}
		*why = xstrdup("not a video output");
		return -1;
	case T_HOURS:
		if ((end = strchr(v, '-')) == NULL ||
		    config_hhmm(v, (size_t)(end - v), &from) == -1 ||
		    config_hhmm(end + 1, strlen(end + 1), &to) == -1) {
			*why = xstrdup("not a span of hours");
			return -1;
		}
		if (from >= to) {
			*why = xstrdup("ends before it starts");
			return -1;
		}
		((int *)field)[0] = from;
		((int *)field)[1] = to;
		return 0;
	case T_REQUIRES:
		if ((list = config_split(v, &w)) == NULL) {
			*why = xstrdup(w);
			return -1;
		}
		req = 0;
		for (i = 0; list[i] != NULL; i++) {
			if (strcmp(list[i], "reference") == 0)
				req |= CONFIG_REQ_REFERENCE;
			else if (strcmp(list[i], "authority") == 0)
				req |= CONFIG_REQ_AUTHORITY;
			else if (strcmp(list[i], "note") == 0)
				req |= CONFIG_REQ_NOTE;
			else {
				s = config_quote(list[i]);
				*why = xasprintf("'%s' is not a field", s);
				free(s);
				config_strv_free(list);
				return -1;
			}
		}
		config_strv_free(list);
		*(unsigned *)field = req;
		return 0;
	case T_REGEX:
		if (*v == '\0') {
			*why = xstrdup("empty");
			return -1;
		}
		if (config_regcomp(&re, v, &s) == -1) {
			*why = xasprintf("invalid regular expression (%s)", s);
			free(s);
			return -1;
		}
		{
			struct config_rsn *r = base;

			if (r->has_re)
				regfree(&r->re);
			r->re = re;
			r->has_re = 1;
			free(r->regex);
			r->regex = xstrdup(v);
		}
		return 0;
	}
	*why = xstrdup("unknown type");
	return -1;
}

/* Adds a reason with the given code and default fields. */
static struct config_rsn *
config_add_reason(struct config *c, const char *code, int line)
{
	struct config_rsn *r;

	c->reasons = xrealloc(c->reasons, (c->nreasons + 1) * sizeof *c->reasons);
	r = &c->reasons[c->nreasons++];
	memset(r, 0, sizeof *r);
	r->code = xstrdup(code);
	r->label = xstrdup(code);
	r->line = line;
	r->range_max = -1;
	return r;
}

static struct config_rsn *
config_find_rsn(const struct config *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->nreasons; i++) {
		if (strcmp(c->reasons[i].code, code) == 0)
			return &c->reasons[i];
	}
	return NULL;
}

/* Notes a section header seen by the reader at the current line. */
static void
config_section(struct config_parse *p, const char *name, size_t len)
{
	char *s, *q, *code;
	size_t i;

	free(p->secname);
	p->secname = xmalloc(len + 1);
	memcpy(p->secname, name, len);
	p->secname[len] = '\0';
	p->secline = p->line;
	p->rsn = NULL;
	free(p->prevkey);
	p->prevkey = NULL;
	for (i = 0; i < CONFIG_NSECTIONS; i++) {
		if (strcmp(p->secname, config_sections[i]) == 0)
			break;
	}
	if (i < CONFIG_NSECTIONS) {
		if (p->sec_lines[i] != 0)
			config_error(p, p->line, "section [%s] given again (first on line "
			    "%d); give each section once", p->secname, p->sec_lines[i]);
		else
			p->sec_lines[i] = p->line;
		p->sec = (int)i;
		return;
	}
	if (strncmp(p->secname, "reason", 6) == 0 &&
	    (p->secname[6] == ' ' || p->secname[6] == '\t')) {
		for (code = p->secname + 6; *code == ' ' || *code == '\t'; code++)
			;
		if (!config_code_valid(code)) {
			q = config_quote(code);
			config_error(p, p->line, "[reason %s]: not a reason code; expected "
			    "an upper-case letter followed by up to %d upper-case "
			    "letters, digits, '_' or '-'", q, CONFIG_CODE_MAX - 1);
			free(q);
			p->sec = SEC_INVALID;
			return;
		}
		if (p->first_reason_line == 0)
			p->first_reason_line = p->line;
		if ((p->rsn = config_find_rsn(p->c, code)) != NULL) {
			config_error(p, p->line, "[reason %s] given again (first on line "
			    "%d); give each reason once", code, p->rsn->line);
			p->rsn = NULL;
			p->sec = SEC_INVALID;
			return;
		}
		p->rsn = config_add_reason(p->c, code, p->line);
		p->sec = SEC_REASON;
		return;
	}
	s = config_quote(p->secname);
	config_error(p, p->line, "unknown section [%s]; expected [site], [paths], "
	    "[roles], [player], [session], [export], [retention], [audit], "
	    "[review] or [reason CODE]", s);
	free(s);
	p->sec = SEC_INVALID;
}

/* libinih's reader: hands over one line at a time from the file's bytes,
 * checking what libinih does not (length, NUL bytes, UTF-8), noting
 * section headers and the raw key length. */
static char *
config_reader(char *str, int num, void *stream)
{
	struct config_parse *p = stream;
	const char *s, *nl, *t, *e;
	size_t len, rest;

	if (p->pos >= p->len)
		return NULL;
	s = p->buf + p->pos;
	rest = p->len - p->pos;
	nl = memchr(s, '\n', rest);
	len = nl != NULL ? (size_t)(nl - s) + 1 : rest;
	p->pos += len;
	p->line++;
	p->indented = 0;
	p->rawkey = 0;
	if (memchr(s, '\0', len) != NULL) {
		config_error(p, p->line, "NUL byte in the line; expected text");
		goto skip;
	}
	if (!utf8_valid(s, len)) {
		config_error(p, p->line, "not valid UTF-8; expected UTF-8 text");
		goto skip;
	}
	if (len + 1 > (size_t)num - 1) {
		config_error(p, p->line, "line longer than %d bytes; expected "
		    "shorter lines", num - 3);
		goto skip;
	}
	t = s;
	if (p->line == 1 && len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		t += 3;
	p->indented = *t == ' ' || *t == '\t';
	while (t < s + len && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n'))
		t++;
	if (t < s + len && *t == '[') {
		e = memchr(t, ']', (size_t)(s + len - t));
		if (e == NULL) {
			config_error(p, p->line, "section header without ']'; expected "
			    "[name]");
			p->sec = SEC_INVALID;
			goto skip;
		}
		config_section(p, t + 1, (size_t)(e - t - 1));
	} else if (t < s + len && *t != ';' && *t != '#') {
		e = t;
		while (e < s + len && *e != '=' && *e != ':' && *e != '\n')
			e++;
		if (e == s + len || *e == '\n') {
			config_error(p, p->line, "expected 'key = value', a [section] "
			    "line or a comment");
			goto skip;
		}
		while (e > t && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		p->rawkey = (size_t)(e - t);
	}
	memcpy(str, s, len);
	str[len] = '\0';
	return str;
skip:
	/* Hand libinih a comment in place of a line already reported. */
	snprintf(str, (size_t)num, ";\n");
	return str;
}

/* Finds the key's earlier line in this section, or records it. */
static int
config_seen_before(struct config_parse *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nseen; i++) {
		if (strcmp(p->seen[i].section, p->secname) == 0 &&
		    strcmp(p->seen[i].name, name) == 0)
			return p->seen[i].line;
	}
	p->seen = xrealloc(p->seen, (p->nseen + 1) * sizeof *p->seen);
	p->seen[p->nseen].section = xstrdup(p->secname);
	p->seen[p->nseen].name = xstrdup(name);
	p->seen[p->nseen].line = p->line;
	p->nseen++;
	return 0;
}

/* Lists a table's keys for section, for "expected one of". */
static char *
config_key_names(const struct config_key *keys, size_t n, const char *section,
    const char *extra)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		t = xasprintf("%s%s%s", s, *s != '\0' ? ", " : "", keys[i].name);
		free(s);
		s = t;
	}
	if (extra != NULL) {
		t = xasprintf("%s%s%s", s, *s != '\0' ? ", " : "", extra);
		free(s);
		s = t;
	}
	return s;
}

/* [export] legal_basis.CODE and [retention] camera.NAME. */
static int
config_named_key(struct config_parse *p, const char *name, const char *value)
{
	struct config *c = p->c;
	struct config_key k = { NULL, NULL, T_INT, 0, NULL, 1, 3650, NULL };
	struct config_named *nm;
	const char *arg;
	char *why = NULL, *q;
	int days;

	if (p->sec == SEC_EXPORT && strncmp(name, "legal_basis.", 12) == 0) {
		arg = name + 12;
		if (!config_code_valid(arg)) {
			config_error(p, p->line, "[export] %s: '%s' is not a reason code; "
			    "expected legal_basis.CODE", name, arg);
			return 1;
		}
		if (*value == '\0' || config_has_control(value)) {
			config_error(p, p->line, "[export] %s: empty or has control "
			    "characters; expected the legal basis as text", name);
			return 1;
		}
		c->legal = xrealloc(c->legal, (c->nlegal + 1) * sizeof *c->legal);
		nm = &c->legal[c->nlegal++];
		nm->name = xstrdup(arg);
		nm->text = xstrdup(value);
		nm->line = p->line;
		return 1;
	}
	if (p->sec == SEC_RETENTION && strncmp(name, "camera.", 7) == 0) {
		arg = name + 7;
		if (!config_camera_valid(arg)) {
			q = config_quote(arg);
			config_error(p, p->line, "[retention] camera.%s: not a camera "
			    "name; expected camera.NAME = DAYS", q);
			free(q);
			return 1;
		}
		if (config_set(c, &k, &days, value, &why) == -1) {
			q = config_quote(value);
			config_error(p, p->line, "[retention] %s = '%s': %s; expected days "
			    "from 1 to 3650", name, q, why);
			free(q);
			free(why);
			return 1;
		}
		c->retention = xrealloc(c->retention, (c->nretention + 1) *
		    sizeof *c->retention);
		nm = &c->retention[c->nretention++];
		nm->name = xstrdup(arg);
		nm->text = NULL;
		nm->days = days;
		nm->line = p->line;
		return 1;
	}
	return 0;
}

/* libinih's handler: one key = value line. */
static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse *p = user;
	const struct config_key *keys;
	size_t nkeys, i;
	char *why = NULL, *q, *list;
	int before;
	void *base;

	(void)section;
	if (p->sec == SEC_INVALID)
		return 1;
	if (p->sec == SEC_NONE) {
		config_error(p, p->line, "'%s' is outside any section; expected a "
		    "[section] line before it", name);
		return 1;
	}
	if (p->indented && p->prevkey != NULL && strcmp(p->prevkey, name) == 0) {
		config_error(p, p->line, "indented line continues '%s' from line %d; "
		    "expected each key on one line, starting at the beginning of the "
		    "line", name, p->prevline);
		return 1;
	}
	free(p->prevkey);
	p->prevkey = xstrdup(name);
	p->prevline = p->line;
	if (p->rawkey != strlen(name)) {
		config_error(p, p->line, "indented line continues the key before it; "
		    "expected each key on one line, starting at the beginning of the "
		    "line");
		return 1;
	}
	if ((before = config_seen_before(p, name)) != 0) {
		config_error(p, p->line, "[%s] %s given again (first on line %d); "
		    "expected each key once", p->secname, name, before);
		return 1;
	}
	if (p->sec == SEC_REASON) {
		keys = config_reason_keys;
		nkeys = sizeof config_reason_keys / sizeof config_reason_keys[0];
		base = p->rsn;
	} else {
		if (config_named_key(p, name, value))
			return 1;
		keys = config_keys;
		nkeys = sizeof config_keys / sizeof config_keys[0];
		base = p->c;
	}
	for (i = 0; i < nkeys; i++) {
		if ((p->sec == SEC_REASON ||
		    strcmp(keys[i].section, config_sections[p->sec]) == 0) &&
		    strcmp(keys[i].name, name) == 0)
			break;
	}
	if (i == nkeys) {
		q = config_quote(name);
		list = config_key_names(keys, nkeys, p->sec == SEC_REASON ? "reason" :
		    config_sections[p->sec], p->sec == SEC_EXPORT ? "legal_basis.CODE" :
		    p->sec == SEC_RETENTION ? "camera.NAME" : NULL);
		config_error(p, p->line, "unknown key '%s' in [%s]; expected one of: "
		    "%s", q, p->secname, list);
		free(q);
		free(list);
		return 1;
	}
	if (config_set(p->c, &keys[i], base, value, &why) == -1) {
		q = config_quote(value);
		config_error(p, p->line, "[%s] %s = '%s': %s; expected %s", p->secname,
		    name, q, why, keys[i].expect);
		free(q);
		free(why);
		return 1;
	}
	if (p->sec == SEC_EXPORT && strcmp(name, "require_approval") == 0)
		p->approval_line = p->line;
	return 1;
}

/* Applies the defaults of every key. */
static void
config_apply_defaults(struct config *c)
{
	char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
		if (config_keys[i].def == NULL)
			continue;
		if (config_set(c, &config_keys[i], c, config_keys[i].def, &why) == -1)
			fatal("default of %s.%s: %s", config_keys[i].section,
			    config_keys[i].name, why);
	}
}

/* The checks that span keys, and the values that follow from others. */
static void
config_finish(struct config_parse *p)
{
	struct config *c = p->c;
	struct config_rsn *r;
	size_t i, j;

	if (c->nreasons == 0) {
		for (i = 0; i < CONFIG_NDEFAULT_REASONS; i++) {
			r = config_add_reason(c, config_default_reasons[i].code, 0);
			free(r->label);
			r->label = xstrdup(config_default_reasons[i].label);
			r->requires = config_default_reasons[i].requires;
			r->cap_seconds = config_default_reasons[i].cap;
		}
	}
	for (i = 0; p->nerrs == 0 && c->require_approval[i] != NULL; i++) {
		if (config_find_rsn(c, c->require_approval[i]) != NULL)
			continue;
		if (p->approval_line != 0)
			config_error(p, p->approval_line, "[export] require_approval names "
			    "%s, which is not a reason here; expected codes of [reason] "
			    "sections", c->require_approval[i]);
		else
			config_error(p, p->first_reason_line, "[export] require_approval "
			    "(default POLICE, DSAR) names %s, which is not defined here; "
			    "expected a [reason %s] section or require_approval set to "
			    "the codes that need approval", c->require_approval[i],
			    c->require_approval[i]);
	}
	for (i = 0; p->nerrs == 0 && i < c->nlegal; i++) {
		if (config_find_rsn(c, c->legal[i].name) == NULL)
			config_error(p, c->legal[i].line, "[export] legal_basis.%s: no "
			    "reason %s is defined; expected the code of a reason",
			    c->legal[i].name, c->legal[i].name);
	}
	if (p->nerrs == 0 && (strcmp(c->catalog_db, c->audit_db) == 0 ||
	    strcmp(c->catalog_db, c->audit_state) == 0 ||
	    strcmp(c->audit_db, c->audit_state) == 0))
		config_error(p, p->sec_lines[SEC_PATHS], "[paths] catalog_db, audit_db and "
		    "audit_state name the same file; expected three different files");
	if (c->has_pin_log_id != c->has_pin_pk0)
		config_error(p, p->sec_lines[SEC_AUDIT], "[audit] pins the log with "
		    "log_id and pk0 together; one alone pins nothing");
	if (c->signing_key == NULL)
		c->signing_key = xasprintf("%s/vigil-export.key", c->key_dir);
	free(c->pattern);
	c->pattern = xstrdup(config_checks != NULL ?
	    config_checks->pattern_expand(c->pattern_spec) : c->pattern_spec);
	for (i = 0; i < c->nreasons; i++) {
		r = &c->reasons[i];
		r->pub.code = r->code;
		r->pub.label = r->label;
		r->pub.requires = r->requires;
		r->pub.reference_regex = r->regex;
		r->pub.note_min = r->note_min;
		r->pub.cap_seconds = r->cap_seconds;
		/* A capped code declares short ranges unless told otherwise:
		 * a cap must not become a slideshow of an hour. */
		if (r->range_max < 0)
			r->range_max = r->cap_seconds > 0 ?
			    CONFIG_RANGE_MAX_CAPPED : 0;
		r->pub.range_max_minutes = r->range_max;
		r->pub.legal_basis = "";
		for (j = 0; j < CONFIG_NDEFAULT_REASONS; j++) {
			if (strcmp(config_default_reasons[j].code, r->code) == 0)
				r->pub.legal_basis = config_default_reasons[j].legal;
		}
		for (j = 0; j < c->nlegal; j++) {
			if (strcmp(c->legal[j].name, r->code) == 0)
				r->pub.legal_basis = c->legal[j].text;
		}
		r->pub.needs_approval = 0;
		for (j = 0; c->require_approval[j] != NULL; j++) {
			if (strcmp(c->require_approval[j], r->code) == 0)
				r->pub.needs_approval = 1;
		}
	}
}

/* The folder of path, for relative paths inside it. */
static char *
config_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xmalloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

static void
config_parse_free(struct config_parse *p)
{
	size_t i;

	for (i = 0; i < p->nseen; i++) {
		free(p->seen[i].section);
		free(p->seen[i].name);
	}
	free(p->seen);
	for (i = 0; i < p->nerrs; i++)
		free(p->errs[i]);
	free(p->errs);
	free(p->errlines);
	free(p->secname);
	free(p->prevkey);
}

/* Parses the bytes of a file into c. */
static int
config_parse_bytes(struct config *c, const char *file, const char *buf,
    size_t len, char **cause)
{
	struct config_parse p;
	size_t i, total = 0;
	char *out, *o, *tail = NULL;
	int rc;

	memset(&p, 0, sizeof p);
	p.c = c;
	p.file = file;
	p.buf = buf;
	p.len = len;
	p.sec = SEC_NONE;
	p.secname = xstrdup("");
	rc = ini_parse_stream(config_reader, &p, config_handler, &p);
	if (rc == -2)
		config_error(&p, 0, "out of memory");
	else if (rc > 0) {
		for (i = 0; i < p.nerrs; i++) {
			if (p.errlines[i] == rc)
				break;
		}
		if (i == p.nerrs)
			config_error(&p, rc, "expected 'key = value', a [section] line "
			    "or a comment");
	}
	config_finish(&p);
	if (p.nerrs == 0) {
		config_parse_free(&p);
		return 0;
	}
	/* Each message and the line break before it, then the line saying
	 * the rest were not looked at (it names the file: any length). */
	if (p.nerrs == CONFIG_MAX_ERRORS)
		tail = xasprintf("\n%s: stopped after %d problems", file,
		    CONFIG_MAX_ERRORS);
	for (i = 0; i < p.nerrs; i++)
		total += strlen(p.errs[i]) + 1;
	total += tail != NULL ? strlen(tail) : 0;
	o = out = xmalloc(total + 1);
	for (i = 0; i < p.nerrs; i++) {
		if (i > 0)
			*o++ = '\n';
		memcpy(o, p.errs[i], strlen(p.errs[i]));
		o += strlen(p.errs[i]);
	}
	if (tail != NULL) {
		memcpy(o, tail, strlen(tail));
		o += strlen(tail);
	}
	*o = '\0';
	free(tail);
	if (cause != NULL) {
		free(*cause);
		*cause = out;
	} else
		free(out);
	config_parse_free(&p);
	return -1;
}

struct config *
config_defaults(void)
{
	struct config *c;

	c = xcalloc(1, sizeof *c);
	config_apply_defaults(c);
	if (config_parse_bytes(c, "(defaults)", "", 0, NULL) == -1)
		fatal("the built-in configuration is invalid");
	return c;
}

/* config_print() must give a file that loads back (vigil.conf(5)), but
 * relative paths taken from the file's folder and lists spaced out can
 * make a key's line longer than libinih takes (found by fuzz/fuzz_config.c;
 * fuzz/corpus/fuzz_config/regress-long-printed-line).  Returns 0, or -1
 * with *cause naming the key. */
static int
config_printable(const struct config *c, const char *shown, char **cause)
{
	char *text = NULL, *line, *nl;
	const char *sec = "";
	size_t size = 0, len, seclen = 0;
	FILE *f;
	int rc = 0;

	if ((f = open_memstream(&text, &size)) == NULL)
		fatal("out of memory");
	if (config_print(c, f) != 0 || fclose(f) != 0)
		fatal("cannot print the configuration");
	for (line = text; rc == 0 && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		len = (size_t)(nl - line);
		if (*line == '[') {
			sec = line;
			seclen = len;
		} else if (*line != '#' && len > INI_MAX_LINE - 3)
			rc = cause_set(cause, "%s: %.*s %.*s: %zu bytes once relative "
			    "paths are taken from %s and lists are spaced out; "
			    "expected at most %d (shorter or absolute paths)", shown,
			    (int)seclen, sec, (int)strcspn(line, " ="), line, len,
			    c->dir, INI_MAX_LINE - 3);
	}
	free(text);
	return rc;
}

int
config_load(const char *path, struct config **cfg, char **cause)
{
	struct config *c;
	struct stat st;
	char *buf, *shown, *msg;
	size_t len;
	int fd, rc;

	*cfg = NULL;
	if (path == NULL) {
		if (stat(CONFIG_DEFAULT_PATH, &st) == -1 && errno == ENOENT) {
			*cfg = config_defaults();
			return 0;
		}
		path = CONFIG_DEFAULT_PATH;
	}
	shown = utf8_sanitize(path, strlen(path));
	/* Opened without blocking (a FIFO has no end) and checked on the
	 * descriptor: a regular file, not writable by anyone. */
	if ((fd = file_open_regular(path, shown, &st, cause)) == -1) {
		if (cause != NULL && *cause != NULL) {
			msg = xasprintf("%s; expected a vigil.conf file", *cause);
			free(*cause);
			*cause = msg;
		}
		free(shown);
		return CONFIG_ERR_READ;
	}
	if (st.st_mode & S_IWOTH) {
		cause_set(cause, "%s: writable by anyone (mode %04o); expected a file "
		    "only its owner (and group) may change", shown,
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		free(shown);
		return CONFIG_ERR_READ;
	}
	rc = file_read_fd(fd, shown, CONFIG_MAX_SIZE, &buf, &len, cause);
	close(fd);
	if (rc == -1) {
		free(shown);
		return CONFIG_ERR_READ;
	}
	if (sodium_init() < 0)
		fatal("libsodium cannot be initialised");
	c = xcalloc(1, sizeof *c);
	c->file = xstrdup(path);
	crypto_generichash(c->hash, sizeof c->hash, (const unsigned char *)buf, len,
	    NULL, 0);
	c->dir = config_dirname(path);
	config_apply_defaults(c);
	if (config_parse_bytes(c, shown, buf, len, cause) == -1 ||
	    config_printable(c, shown, cause) == -1) {
		free(buf);
		free(shown);
		config_free(c);
		return CONFIG_ERR_INVALID;
	}
	free(buf);
	free(shown);
	*cfg = c;
	return 0;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->file);
	free(c->dir);
	free(c->site_name);
	free(c->recorder);
	free(c->pattern_spec);
	free(c->pattern);
	free(c->timezone);
	free(c->catalog_db);
	free(c->audit_db);
	free(c->audit_state);
	free(c->syslog_socket);
	free(c->key_dir);
	config_strv_free(c->export_roots);
	for (i = 0; i < CONFIG_NROLES; i++)
		free(c->groups[i]);
	config_strv_free(c->audio_cameras);
	free(c->pam_service);
	free(c->service_user);
	free(c->password_help);
	config_strv_free(c->keep_environment);
	free(c->signing_key);
	free(c->trusted_keys);
	config_strv_free(c->require_approval);
	for (i = 0; i < c->nlegal; i++) {
		free(c->legal[i].name);
		free(c->legal[i].text);
	}
	free(c->legal);
	for (i = 0; i < c->nretention; i++)
		free(c->retention[i].name);
	free(c->retention);
	for (i = 0; i < c->nreasons; i++) {
		free(c->reasons[i].code);
		free(c->reasons[i].label);
		free(c->reasons[i].regex);
		if (c->reasons[i].has_re)
			regfree(&c->reasons[i].re);
	}
	free(c->reasons);
	free(c);
}

const char *
config_file(const struct config *c)
{
	return c->file;
}

int
config_file_blake2b(const struct config *c, unsigned char out[32])
{
	if (c->file == NULL)
		return -1;
	memcpy(out, c->hash, sizeof c->hash);
	return 0;
}

const char *
config_site_name(const struct config *c)
{
	return c->site_name;
}

const char *
config_recorder(const struct config *c)
{
	return c->recorder;
}

const char *
config_pattern_spec(const struct config *c)
{
	return c->pattern_spec;
}

const char *
config_pattern(const struct config *c)
{
	return c->pattern;
}

const char *
config_timezone(const struct config *c)
{
	return c->timezone;
}

const char *
config_catalog_db(const struct config *c)
{
	return c->catalog_db;
}

const char *
config_audit_db(const struct config *c)
{
	return c->audit_db;
}

const char *
config_audit_state(const struct config *c)
{
	return c->audit_state;
}

const char *
config_key_dir(const struct config *c)
{
	return c->key_dir;
}

const char *const *
config_export_roots(const struct config *c)
{
	return (const char *const *)c->export_roots;
}

const char *
config_group(const struct config *c, enum config_role role)
{
	if ((unsigned)role >= CONFIG_NROLES)
		return NULL;
	return c->groups[role];
}

const char *
config_role_name(enum config_role role)
{
	if ((unsigned)role >= CONFIG_NROLES)
		return "?";
	return config_role_names[role];
}

enum config_vo
config_video_output(const struct config *c)
{
	return (enum config_vo)c->vo;
}

const char *
config_vo_name(enum config_vo vo)
{
	if ((unsigned)vo >= sizeof config_vo_names / sizeof config_vo_names[0])
		return "?";
	return config_vo_names[vo];
}

const char *const *
config_audio_cameras(const struct config *c)
{
	return (const char *const *)c->audio_cameras;
}

int
config_audio_camera(const struct config *c, const char *camera)
{
	size_t i;

	for (i = 0; c->audio_cameras[i] != NULL; i++) {
		if (strcmp(c->audio_cameras[i], camera) == 0)
			return 1;
	}
	return 0;
}

int
config_idle_lock(const struct config *c)
{
	return c->idle_lock;
}

int
config_reuse_reference_minutes(const struct config *c)
{
	return c->reuse_reference_minutes;
}

const char *
config_pam_service(const struct config *c)
{
	return c->pam_service;
}

const char *
config_service_user(const struct config *c)
{
	return c->service_user;
}

const char *const *
config_keep_environment(const struct config *c)
{
	return (const char *const *)c->keep_environment;
}

const char *
config_password_help(const struct config *c)
{
	return c->password_help;
}

const char *
config_signing_key(const struct config *c)
{
	return c->signing_key;
}

const char *
config_trusted_keys(const struct config *c)
{
	return c->trusted_keys;
}

const char *const *
config_require_approval(const struct config *c)
{
	return (const char *const *)c->require_approval;
}

int
config_retention_default(const struct config *c)
{
	return c->retention_default;
}

int
config_retention_days(const struct config *c, const char *camera)
{
	size_t i;

	for (i = 0; i < c->nretention; i++) {
		if (strcmp(c->retention[i].name, camera) == 0)
			return c->retention[i].days;
	}
	return c->retention_default;
}

size_t
config_retention_count(const struct config *c)
{
	return c->nretention;
}

const char *
config_retention_camera(const struct config *c, size_t i, int *days)
{
	if (i >= c->nretention)
		return NULL;
	if (days != NULL)
		*days = c->retention[i].days;
	return c->retention[i].name;
}

unsigned
config_checkpoint_every(const struct config *c)
{
	return (unsigned)c->checkpoint_every;
}

unsigned
config_heartbeat_minutes(const struct config *c)
{
	return (unsigned)c->heartbeat_minutes;
}

const char *
config_syslog_socket(const struct config *c)
{
	return strcmp(c->syslog_socket, "none") == 0 ? NULL : c->syslog_socket;
}

int
config_log_pin(const struct config *c, uint8_t log_id[16], uint8_t pk0[32])
{
	if (!c->has_pin_log_id || !c->has_pin_pk0)
		return 0;
	memcpy(log_id, c->pin_log_id, 16);
	memcpy(pk0, c->pin_pk0, 32);
	return 1;
}

size_t
config_reason_count(const struct config *c)
{
	return c->nreasons;
}

const struct config_reason *
config_reason_at(const struct config *c, size_t i)
{
	if (i >= c->nreasons)
		return NULL;
	return &c->reasons[i].pub;
}

const struct config_reason *
config_reason_find(const struct config *c, const char *code)
{
	struct config_rsn *r;

	if (code == NULL || (r = config_find_rsn(c, code)) == NULL)
		return NULL;
	return &r->pub;
}

int
config_reason_matches(const struct config *c, const struct config_reason *pub,
    const char *reference)
{
	const struct config_rsn *r;

	r = (const struct config_rsn *)((const char *)pub -
	    offsetof(struct config_rsn, pub));
	(void)c;
	if (!r->has_re)
		return 1;
	return regexec(&r->re, reference != NULL ? reference : "", 0, NULL, 0) == 0;
}

const struct config_review *
config_review(const struct config *c)
{
	return &c->review;
}
