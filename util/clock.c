/* clock — wall-clock time and ISO 8601 conversion in milliseconds. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

int64_t
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly n digits at *sp into *v. */
static int
clock_digits(const char **sp, int n, int *v)
{
	const char *s = *sp;
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	return 0;
}

static int
clock_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
clock_parse(const char *s, int local, int64_t *ms)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, oh, om, sign;
	int have_off = 0;
	long off = 0;
	time_t t;
	char *end;

	if (s[0] == '@') {
		long long v;

		if (!isdigit((unsigned char)s[1]) && s[1] != '-')
			return -1;
		v = strtoll(s + 1, &end, 10);
		if (*end != '\0')
			return -1;
		*ms = v;
		return 0;
	}
	if (clock_digits(&s, 4, &y) || *s++ != '-' || clock_digits(&s, 2, &mo) ||
	    *s++ != '-' || clock_digits(&s, 2, &d))
		return -1;
	if (*s == 'T' || *s == ' ') {
		s++;
		if (clock_digits(&s, 2, &h) || *s++ != ':' || clock_digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (clock_digits(&s, 2, &sec))
				return -1;
			if (*s == '.') {
				int i, v;

				s++;
				for (i = 0; i < 3; i++) {
					if (!isdigit((unsigned char)*s))
						break;
					v = *s++ - '0';
					frac = frac * 10 + v;
				}
				if (i == 0)
					return -1;
				for (; i < 3; i++)
					frac *= 10;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
	}
	if (*s == 'Z') {
		s++;
		have_off = 1;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (clock_digits(&s, 2, &oh))
			return -1;
		if (*s == ':')
			s++;
		if (clock_digits(&s, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600L + om * 60L);
		have_off = 1;
	}
	if (*s != '\0')
		return -1;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > clock_days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -1;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (!have_off && local) {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	} else {
		t = timegm(&tm) - off;
	}
	if (t == (time_t)-1)
		return -1;
	*ms = (int64_t)t * 1000 + frac;
	return 0;
}

char *
clock_format_utc(int64_t ms, char *buf, size_t len)
{
	struct tm tm;
	time_t t;
	int64_t frac;

	t = (time_t)(ms / 1000);
	frac = ms % 1000;
	if (frac < 0) {
		frac += 1000;
		t--;
	}
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)frac);
	return buf;
}

char *
clock_format_local(int64_t ms, char *buf, size_t len)
{
	struct tm tm;
	time_t t;
	long off;
	char sign;

	t = (time_t)(ms / 1000);
	if (ms < 0 && ms % 1000 != 0)
		t--;
	localtime_r(&t, &tm);
	off = tm.tm_gmtoff;
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
	return buf;
}
