/* tz — the time zone the recorder writes its file names in. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "footage/footage.h"
#include "util/util.h"

enum tz_kind {
	TZ_UTC,
	TZ_LOCAL,
	TZ_OFFSET,
	TZ_ZONE,
};

struct tz {
	enum tz_kind	 kind;
	long		 offset;	/* seconds east of UTC, for TZ_OFFSET */
	char		*name;
	char		*saved;		/* TZ before tz_enter(), for TZ_ZONE */
	int		 had_saved;
	int		 entered;
	int64_t		 cache_hour;	/* (Y, m, d, H) of the cached value */
	int64_t		 cache_ms;	/* UTC ms of that hour's start */
};

/* Parses "+HH:MM" / "-HH:MM" (or without the colon). */
static int
tz_parse_offset(const char *s, long *off)
{
	int h, m;
	char sign;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) < 5)
		return -1;
	sign = s[0];
	if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	s += 3;
	if (*s == ':')
		s++;
	if (strlen(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 14 || m > 59)
		return -1;
	*off = (h * 3600L + m * 60L) * (sign == '-' ? -1 : 1);
	return 0;
}

/* Checks a tz database name: plain characters, no "..", and a compiled
 * zone file (magic "TZif") under $TZDIR or /usr/share/zoneinfo. */
static int
tz_check_zone(const char *name, char **cause)
{
	const char *dir, *p;
	char path[1024], magic[4];
	int fd, n;

	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' ||
		    *p == '-' || *p == '+'))
			break;
	}
	if (*p != '\0' || name[0] == '/' || strstr(name, "..") != NULL ||
	    strlen(name) > 128)
		return cause_set(cause, "'%s' is not a time zone; expected UTC, local, "
		    "an offset such as +01:00, or a zone such as Europe/Oslo", name);
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return cause_set(cause, "time zone name '%s' too long", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cause_set(cause, "unknown time zone '%s' (%s: %s); expected UTC, "
		    "local, an offset such as +01:00, or a zone such as Europe/Oslo",
		    name, path, strerror(errno));
	n = (int)read(fd, magic, sizeof magic);
	close(fd);
	if (n != 4 || memcmp(magic, "TZif", 4) != 0)
		return cause_set(cause, "unknown time zone '%s' (%s is not a zone file)",
		    name, path);
	return 0;
}

int
tz_check(const char *name, char **cause)
{
	long off;

	if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0 ||
	    strcmp(name, "local") == 0)
		return 0;
	if (name[0] == '+' || name[0] == '-') {
		if (tz_parse_offset(name, &off) == -1)
			return cause_set(cause, "bad offset '%s'; expected +HH:MM or -HH:MM",
			    name);
		return 0;
	}
	return tz_check_zone(name, cause);
}

struct tz *
tz_open(const char *name, char **cause)
{
	struct tz *tz;

	if (tz_check(name, cause) == -1)
		return NULL;
	tz = xcalloc(1, sizeof *tz);
	tz->name = xstrdup(name);
	tz->cache_hour = -1;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0)
		tz->kind = TZ_UTC;
	else if (strcmp(name, "local") == 0)
		tz->kind = TZ_LOCAL;
	else if (name[0] == '+' || name[0] == '-') {
		tz->kind = TZ_OFFSET;
		tz_parse_offset(name, &tz->offset);
	} else
		tz->kind = TZ_ZONE;
	return tz;
}

void
tz_free(struct tz *tz)
{
	if (tz == NULL)
		return;
	if (tz->entered)
		tz_leave(tz);
	free(tz->name);
	free(tz);
}

void
tz_enter(struct tz *tz)
{
	const char *old;
	char *want;

	tz->cache_hour = -1;
	if (tz->kind != TZ_ZONE || tz->entered)
		return;
	old = getenv("TZ");
	tz->had_saved = old != NULL;
	tz->saved = old != NULL ? xstrdup(old) : NULL;
	want = xasprintf(":%s", tz->name);
	setenv("TZ", want, 1);
	free(want);
	tzset();
	tz->entered = 1;
	tz->cache_hour = -1;
}

void
tz_leave(struct tz *tz)
{
	if (tz->kind != TZ_ZONE || !tz->entered)
		return;
	if (tz->had_saved)
		setenv("TZ", tz->saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tz->saved);
	tz->saved = NULL;
	tz->entered = 0;
	tz->cache_hour = -1;
}

int
tz_to_utc(struct tz *tz, int Y, int m, int d, int H, int M, int S, int64_t *ms)
{
	struct tm tm;
	time_t t;
	int64_t key;
	int entered_here = 0;

	key = ((int64_t)Y * 100 + m) * 10000 + d * 100 + H;
	if (tz->kind != TZ_UTC && tz->kind != TZ_OFFSET && key == tz->cache_hour) {
		*ms = tz->cache_ms + (M * 60 + S) * 1000LL;
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = Y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = H;
	switch (tz->kind) {
	case TZ_UTC:
	case TZ_OFFSET:
		tm.tm_min = M;
		tm.tm_sec = S;
		if ((t = timegm(&tm)) == (time_t)-1)
			return -1;
		*ms = ((int64_t)t - tz->offset) * 1000;
		return 0;
	case TZ_ZONE:
		if (!tz->entered) {
			tz_enter(tz);
			entered_here = 1;
		}
		/* FALLTHROUGH */
	case TZ_LOCAL:
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (entered_here)
			tz_leave(tz);
		if (t == (time_t)-1)
			return -1;
		tz->cache_hour = key;
		tz->cache_ms = (int64_t)t * 1000;
		*ms = tz->cache_ms + (M * 60 + S) * 1000LL;
		return 0;
	}
	return -1;
}
