/* maskedit — the export wizard's mask model: boxes in hundredths of a
 * percent of the frame, moved and resized from the keyboard, keyframes
 * with linear motion, and the specification text (man/masks.inc.txt) the
 * export reads back.  Pure logic: no curses, no player. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/export.h"
#include "tui/tui.h"
#include "util/util.h"

static int32_t maskedit_clamp(int32_t v, int32_t lo, int32_t hi);
static void maskedit_keep_inside(struct maskedit_mask *);
static long maskedit_key_at(const struct maskedit_mask *, int64_t t_ms);

/* v within lo .. hi. */
static int32_t
maskedit_clamp(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Every corner (at from and at each key) inside the frame. */
static void
maskedit_keep_inside(struct maskedit_mask *m)
{
	size_t i;

	m->x = maskedit_clamp(m->x, 0, MASKEDIT_UNIT - m->w);
	m->y = maskedit_clamp(m->y, 0, MASKEDIT_UNIT - m->h);
	for (i = 0; i < m->nkeys; i++) {
		m->keys[i].x = maskedit_clamp(m->keys[i].x, 0,
		    MASKEDIT_UNIT - m->w);
		m->keys[i].y = maskedit_clamp(m->keys[i].y, 0,
		    MASKEDIT_UNIT - m->h);
	}
}

/* The index of the key at exactly t, or -1. */
static long
maskedit_key_at(const struct maskedit_mask *m, int64_t t_ms)
{
	size_t i;

	for (i = 0; i < m->nkeys; i++)
		if (m->keys[i].t_ms == t_ms)
			return (long)i;
	return -1;
}

void
maskedit_init(struct maskedit_mask *m, int64_t from_ms, int64_t to_ms)
{
	memset(m, 0, sizeof *m);
	m->mode = MASKEDIT_BLUR;
	m->w = m->h = 2000;
	m->x = m->y = 4000;
	m->from_ms = from_ms;
	m->to_ms = to_ms;
}

const char *
maskedit_mode_name(enum maskedit_mode mode)
{
	switch (mode) {
	case MASKEDIT_PIXELATE:
		return "pixelate";
	case MASKEDIT_SOLID:
		return "solid";
	default:
		return "blur";
	}
}

int
maskedit_applies(const struct maskedit_mask *m, int64_t t_ms)
{
	return t_ms >= m->from_ms && t_ms < m->to_ms;
}

void
maskedit_at(const struct maskedit_mask *m, int64_t t_ms, int32_t *x,
    int32_t *y)
{
	int64_t t0 = m->from_ms, t1, span, pos;
	int32_t x0 = m->x, y0 = m->y, x1, y1;
	size_t i;

	for (i = 0; i < m->nkeys; i++) {
		t1 = m->keys[i].t_ms;
		x1 = m->keys[i].x;
		y1 = m->keys[i].y;
		if (t_ms < t1) {
			if (t_ms <= t0) {
				*x = x0;
				*y = y0;
				return;
			}
			span = t1 - t0;
			pos = t_ms - t0;
			/* Rounded to the nearest unit. */
			*x = x0 + (int32_t)(((int64_t)(x1 - x0) * pos * 2 +
			    (x1 >= x0 ? span : -span)) / (2 * span));
			*y = y0 + (int32_t)(((int64_t)(y1 - y0) * pos * 2 +
			    (y1 >= y0 ? span : -span)) / (2 * span));
			return;
		}
		t0 = t1;
		x0 = x1;
		y0 = y1;
	}
	*x = x0;
	*y = y0;
}

int
maskedit_move(struct maskedit_mask *m, int64_t t_ms, int32_t dx, int32_t dy)
{
	const char *why;
	long k = maskedit_key_at(m, t_ms);

	if (k < 0 && m->nkeys > 0 && t_ms > m->from_ms && t_ms < m->to_ms) {
		if (maskedit_key_add(m, t_ms, &why) == -1)
			return -1;
		k = maskedit_key_at(m, t_ms);
	}
	if (k >= 0) {
		m->keys[k].x = maskedit_clamp(m->keys[k].x + dx, 0,
		    MASKEDIT_UNIT - m->w);
		m->keys[k].y = maskedit_clamp(m->keys[k].y + dy, 0,
		    MASKEDIT_UNIT - m->h);
	} else {
		m->x = maskedit_clamp(m->x + dx, 0, MASKEDIT_UNIT - m->w);
		m->y = maskedit_clamp(m->y + dy, 0, MASKEDIT_UNIT - m->h);
	}
	return 0;
}

void
maskedit_resize(struct maskedit_mask *m, int32_t dw, int32_t dh)
{
	m->w = maskedit_clamp(m->w + dw, MASKEDIT_MIN, MASKEDIT_UNIT);
	m->h = maskedit_clamp(m->h + dh, MASKEDIT_MIN, MASKEDIT_UNIT);
	maskedit_keep_inside(m);
}

int
maskedit_key_add(struct maskedit_mask *m, int64_t t_ms, const char **why)
{
	int32_t x, y;
	size_t i;

	if (t_ms <= m->from_ms || t_ms >= m->to_ms) {
		*why = "a keyframe must lie after the mask's start and before "
		    "its end";
		return -1;
	}
	if (maskedit_key_at(m, t_ms) >= 0) {
		*why = "there is a keyframe at this time already";
		return -1;
	}
	if (m->nkeys == MASKEDIT_KEYS) {
		*why = "a mask has at most 64 keyframes here";
		return -1;
	}
	maskedit_at(m, t_ms, &x, &y);
	for (i = m->nkeys; i > 0 && m->keys[i - 1].t_ms > t_ms; i--)
		m->keys[i] = m->keys[i - 1];
	m->keys[i].t_ms = t_ms;
	m->keys[i].x = x;
	m->keys[i].y = y;
	m->nkeys++;
	return 0;
}

int
maskedit_key_remove(struct maskedit_mask *m, int64_t t_ms)
{
	long k = maskedit_key_at(m, t_ms);

	if (k < 0)
		return -1;
	memmove(&m->keys[k], &m->keys[k + 1],
	    (m->nkeys - (size_t)k - 1) * sizeof m->keys[0]);
	m->nkeys--;
	return 0;
}

int
maskedit_set_time(struct maskedit_mask *m, int64_t from_ms, int64_t to_ms,
    size_t *dropped)
{
	size_t i, n = 0;

	*dropped = 0;
	if (to_ms <= from_ms)
		return -1;
	/* The corner at the new start is where the box was then. */
	if (from_ms != m->from_ms && m->nkeys > 0) {
		int32_t x, y;

		maskedit_at(m, from_ms, &x, &y);
		m->x = x;
		m->y = y;
	}
	m->from_ms = from_ms;
	m->to_ms = to_ms;
	for (i = 0; i < m->nkeys; i++) {
		if (m->keys[i].t_ms > from_ms && m->keys[i].t_ms < to_ms)
			m->keys[n++] = m->keys[i];
		else
			(*dropped)++;
	}
	m->nkeys = n;
	return 0;
}

void
maskedit_pct(int32_t v, char *buf, size_t len)
{
	int32_t a = v < 0 ? -v : v;

	if (a % 100 == 0)
		snprintf(buf, len, "%s%d", v < 0 ? "-" : "", a / 100);
	else if (a % 10 == 0)
		snprintf(buf, len, "%s%d.%d", v < 0 ? "-" : "", a / 100,
		    a % 100 / 10);
	else
		snprintf(buf, len, "%s%d.%02d", v < 0 ? "-" : "", a / 100,
		    a % 100);
}

int
maskedit_format(const struct maskedit_mask *m, char *buf, size_t len)
{
	char a[16], b[16], c[16], d[16], t1[40], t2[40];
	size_t i, used;
	int n;

	maskedit_pct(m->x, a, sizeof a);
	maskedit_pct(m->y, b, sizeof b);
	maskedit_pct(m->w, c, sizeof c);
	maskedit_pct(m->h, d, sizeof d);
	clock_format_utc(m->from_ms, t1, sizeof t1);
	n = snprintf(buf, len, "%s:x=%s%%,y=%s%%,w=%s%%,h=%s%%,from=%s",
	    maskedit_mode_name(m->mode), a, b, c, d, t1);
	if (n < 0 || (size_t)n >= len)
		return -1;
	used = (size_t)n;
	if (m->to_ms != MASKEDIT_OPEN) {
		clock_format_utc(m->to_ms, t2, sizeof t2);
		n = snprintf(buf + used, len - used, ",to=%s", t2);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	for (i = 0; i < m->nkeys; i++) {
		clock_format_utc(m->keys[i].t_ms, t1, sizeof t1);
		maskedit_pct(m->keys[i].x, a, sizeof a);
		maskedit_pct(m->keys[i].y, b, sizeof b);
		n = snprintf(buf + used, len - used, ",key=%s/%s%%/%s%%", t1, a,
		    b);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int
maskedit_parse_pct(const char *s, int32_t *out)
{
	int32_t whole = 0, frac = 0;
	int digits = 0, fd = 0, neg = 0;

	while (*s == ' ')
		s++;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; isdigit((unsigned char)*s); s++) {
		if (++digits > 3)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++) {
			if (++fd > 2)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (fd == 0)
			return -1;
	}
	if (fd == 1)
		frac *= 10;
	if (digits == 0 && fd == 0)
		return -1;
	if (*s == '%')
		s++;
	while (*s == ' ')
		s++;
	if (*s != '\0')
		return -1;
	*out = (whole * 100 + frac) * (neg ? -1 : 1);
	return 0;
}

int
maskedit_parse_time(const char *s, int64_t base_ms, int open_ok, int64_t *out)
{
	char full[64], day[16], *why = NULL;
	struct tm tm;
	time_t bt;
	int rc;

	while (*s == ' ')
		s++;
	if (open_ok && strcmp(s, "end") == 0) {
		*out = MASKEDIT_OPEN;
		return 0;
	}
	/* A time of day alone is on base's local day; everything else is
	 * the export's grammar (mask_time()), so that what the editor takes
	 * the export takes. */
	if (*s != '+' && strchr(s, '-') == NULL && strchr(s, ':') != NULL) {
		bt = (time_t)(base_ms / 1000);
		localtime_r(&bt, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		if ((size_t)snprintf(full, sizeof full, "%sT%s", day, s) >=
		    sizeof full)
			return -1;
		s = full;
	}
	rc = mask_time(s, base_ms, out, &why);
	free(why);
	return rc;
}
