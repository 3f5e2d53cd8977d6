/* mask — the list of redaction boxes: the specification text (parse and
 * canonical form, man/masks.inc.txt) and checks against a range. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "export/export_int.h"
#include "util/util.h"

/* Digits before and after the decimal point of a length. */
#define MASK_INT_DIGITS		9
#define MASK_FRAC_DIGITS	6
/* Lengths are clamped to twice the frame before any arithmetic. */
#define MASK_PCT_CLAMP		((int64_t)200 * 1000000)	/* micro-percent */
#define MASK_FRAME_MAX		16384			/* pixels */
#define MASK_TIME_TOKEN		64
/* Times are limited to what a recording can carry (about +/- 285,000
 * years); relative ones to a bit over 31 years. */
#define MASK_MS_MAX		((int64_t)1 << 53)
#define MASK_REL_MAX_S		INT64_C(999999999)

/* A length as written: micro-percent, or whole pixels. */
struct mask_len {
	int	 px;
	int64_t	 v;
};

static int	mask_parse(struct mask *, const char *, int64_t, int, int,
		    char **);
static int	mask_field(struct mask *, const char *, int64_t, int, int,
		    unsigned *, struct mask_len *, char **);
static int	mask_len_parse(const char *, size_t, int, struct mask_len *,
		    char **);
static int	mask_time_parse(const char *, size_t, int64_t, int64_t *,
		    char **);
static int64_t	mask_num(const struct mask_len *, int);
static int64_t	mask_floor(const struct mask_len *, int);
static int64_t	mask_edge(const struct mask_len *, const struct mask_len *,
		    int);
static void	mask_frac(int64_t, int64_t, int64_t *, int64_t *);
static int32_t	mask_clamp_pos(int64_t);
static int	mask_key_cmp(const void *, const void *);
static void	mask_fmt_units(struct clipio_buf *, int32_t);
static void	mask_fmt_time(struct clipio_buf *, int64_t);

const char *
mask_mode_name(enum mask_mode m)
{
	switch (m) {
	case MASK_BLUR:
		return "blur";
	case MASK_PIXELATE:
		return "pixelate";
	case MASK_SOLID:
		return "solid";
	}
	return "?";
}

struct mask_list *
mask_list_new(char **cause)
{
	struct mask_list *l;

	if (clip_fault("mask list", cause) != 0)
		return NULL;
	if ((l = calloc(1, sizeof *l)) == NULL)
		cause_set(cause, "out of memory");
	return l;
}

void
mask_list_free(struct mask_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->m[i].keys);
	free(l);
}

size_t
mask_list_count(const struct mask_list *l)
{
	return l == NULL ? 0 : l->n;
}

int
mask_list_add(struct mask_list *l, const char *spec, int64_t base_ms,
    int width, int height, char **cause)
{
	struct mask m;

	if (l->n >= MASK_MAX)
		return cause_set(cause, "too many masks (at most %d)", MASK_MAX);
	if (base_ms <= -MASK_MS_MAX || base_ms >= MASK_MS_MAX)
		return cause_set(cause, "mask: the range start is out of "
		    "bounds");
	if (width < 0 || height < 0 || width > MASK_FRAME_MAX ||
	    height > MASK_FRAME_MAX)
		return cause_set(cause, "mask: frame size %dx%d out of bounds",
		    width, height);
	if (mask_parse(&m, spec, base_ms, width, height, cause) != 0)
		return -1;
	l->m[l->n++] = m;
	return 0;
}

int
mask_list_validate(const struct mask_list *l, int64_t from_ms, int64_t to_ms,
    char **cause)
{
	const struct mask *m;
	char *s;
	size_t i;

	if (l == NULL)
		return 0;
	for (i = 0; i < l->n; i++) {
		m = &l->m[i];
		if (m->from_ms < to_ms && m->to_ms > from_ms)
			continue;
		s = mask_format(l, i, NULL);
		cause_set(cause, "mask %zu (%s) lies outside the range being "
		    "exported", i + 1, s != NULL ? s : "?");
		free(s);
		return -1;
	}
	return 0;
}

/* Parses a specification (see man/masks.inc.txt) into *m. */
static int
mask_parse(struct mask *m, const char *spec, int64_t base_ms, int width,
    int height, char **cause)
{
	struct mask_len lens[4];	/* x y w h as written */
	const char *p, *colon, *end;
	char field[MASK_SPEC_MAX + 1];
	size_t len, i, n;
	unsigned seen = 0;
	int64_t x0, y0, w, h;

	memset(m, 0, sizeof *m);
	if (spec == NULL || spec[0] == '\0')
		return cause_set(cause, "mask: empty specification");
	len = strnlen(spec, MASK_SPEC_MAX + 1);
	if (len > MASK_SPEC_MAX)
		return cause_set(cause, "mask: specification longer than %d "
		    "bytes", MASK_SPEC_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)spec[i];

		if (c <= 0x20 || c >= 0x7f)
			return cause_set(cause, "mask: unexpected %s (byte "
			    "0x%02x) at position %zu; a specification is "
			    "ASCII without spaces", c == ' ' ? "space" :
			    "character", c, i + 1);
	}
	if ((colon = strchr(spec, ':')) == NULL)
		return cause_set(cause, "mask: no mode (expected blur:, "
		    "pixelate: or solid: first)");
	n = (size_t)(colon - spec);
	if (n == 4 && strncmp(spec, "blur", 4) == 0)
		m->mode = MASK_BLUR;
	else if (n == 8 && strncmp(spec, "pixelate", 8) == 0)
		m->mode = MASK_PIXELATE;
	else if (n == 5 && strncmp(spec, "solid", 5) == 0)
		m->mode = MASK_SOLID;
	else
		return cause_set(cause, "mask: unknown mode \"%.*s\" (expected "
		    "blur, pixelate or solid)", n > 16 ? 16 : (int)n, spec);
	m->from_ms = base_ms;
	m->to_ms = MASK_OPEN_END;
	memset(lens, 0, sizeof lens);
	for (p = colon + 1;; p = end + 1) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n == 0) {
			free(m->keys);
			return cause_set(cause, "mask: empty field at position "
			    "%zu", (size_t)(p - spec) + 1);
		}
		memcpy(field, p, n);
		field[n] = '\0';
		if (mask_field(m, field, base_ms, width, height, &seen,
		    lens, cause) != 0) {
			free(m->keys);
			m->keys = NULL;
			return -1;
		}
		if (*end == '\0')
			break;
	}
	if ((seen & 0xf) != 0xf) {
		free(m->keys);
		return cause_set(cause, "mask: x, y, w and h are all required");
	}
	if (m->to_ms <= m->from_ms) {
		free(m->keys);
		return cause_set(cause, "mask: it ends (to) before it starts "
		    "(from)");
	}
	/* Edges outward, so the box covers at least what was asked. */
	x0 = mask_floor(&lens[0], width);
	y0 = mask_floor(&lens[1], height);
	w = mask_edge(&lens[0], &lens[2], width) - x0;
	h = mask_edge(&lens[1], &lens[3], height) - y0;
	m->w = (int32_t)(w > MASK_UNIT ? MASK_UNIT : w);
	m->h = (int32_t)(h > MASK_UNIT ? MASK_UNIT : h);
	m->x = mask_clamp_pos(x0);
	m->y = mask_clamp_pos(y0);
	if (m->nkeys > 1)
		qsort(m->keys, m->nkeys, sizeof *m->keys, mask_key_cmp);
	for (i = 0; i < m->nkeys; i++) {
		if (m->keys[i].t_ms <= m->from_ms ||
		    m->keys[i].t_ms >= m->to_ms) {
			free(m->keys);
			return cause_set(cause, "mask: key %zu is not inside "
			    "the mask's time range (after from, before to; x "
			    "and y give the position at from)", i + 1);
		}
		if (i > 0 && m->keys[i].t_ms == m->keys[i - 1].t_ms) {
			free(m->keys);
			return cause_set(cause, "mask: two keys at the same "
			    "time");
		}
	}
	return 0;
}

/* Parses one NAME=VALUE field into m; bits of *seen mark x y w h from to
 * (in that order) as given. */
static int
mask_field(struct mask *m, const char *field, int64_t base_ms, int width,
    int height, unsigned *seen, struct mask_len *lens, char **cause)
{
	static const char *names[] = { "x", "y", "w", "h", "from", "to" };
	struct mask_len kx, ky;
	struct mask_key *k;
	const char *eq, *v, *s1, *s2;
	size_t nlen, i;
	int64_t t;

	if ((eq = strchr(field, '=')) == NULL)
		return cause_set(cause, "mask: field \"%.32s\" has no value "
		    "(NAME=VALUE)", field);
	nlen = (size_t)(eq - field);
	v = eq + 1;
	if (nlen == 3 && strncmp(field, "key", 3) == 0) {
		if (m->nkeys >= MASK_KEYS_MAX)
			return cause_set(cause, "mask: too many keys (at most "
			    "%d)", MASK_KEYS_MAX);
		if ((s1 = strchr(v, '/')) == NULL ||
		    (s2 = strchr(s1 + 1, '/')) == NULL ||
		    strchr(s2 + 1, '/') != NULL)
			return cause_set(cause, "mask: key \"%.48s\" is not "
			    "TIME/X/Y", v);
		if (mask_time_parse(v, (size_t)(s1 - v), base_ms, &t,
		    cause) != 0 ||
		    mask_len_parse(s1 + 1, (size_t)(s2 - s1 - 1), 1, &kx,
		    cause) != 0 ||
		    mask_len_parse(s2 + 1, strlen(s2 + 1), 1, &ky, cause) != 0)
			return -1;
		if ((kx.px && width == 0) || (ky.px && height == 0))
			return cause_set(cause, "mask: pixel values need the "
			    "frame size, which is not known here; use %%");
		if (clip_fault("mask key", cause) != 0)
			return -1;
		k = realloc(m->keys, (m->nkeys + 1) * sizeof *k);
		if (k == NULL)
			return cause_set(cause, "out of memory");
		m->keys = k;
		k[m->nkeys].t_ms = t;
		k[m->nkeys].x = mask_clamp_pos(mask_floor(&kx, width));
		k[m->nkeys].y = mask_clamp_pos(mask_floor(&ky, height));
		m->nkeys++;
		return 0;
	}
	for (i = 0; i < 6; i++)
		if (strlen(names[i]) == nlen &&
		    strncmp(field, names[i], nlen) == 0)
			break;
	if (i == 6)
		return cause_set(cause, "mask: unknown field \"%.*s\" "
		    "(expected x, y, w, h, from, to or key)",
		    nlen > 16 ? 16 : (int)nlen, field);
	if (*seen & (1u << i))
		return cause_set(cause, "mask: %s given twice", names[i]);
	*seen |= 1u << i;
	if (i >= 4) {
		if (mask_time_parse(v, strlen(v), base_ms, &t, cause) != 0)
			return -1;
		if (i == 4)
			m->from_ms = t;
		else
			m->to_ms = t;
		return 0;
	}
	if (mask_len_parse(v, strlen(v), i < 2, &lens[i], cause) != 0)
		return -1;
	if (lens[i].px && (i == 0 || i == 2 ? width : height) == 0)
		return cause_set(cause, "mask: pixel values need the frame "
		    "size, which is not known here; use %%");
	return 0;
}

/* Parses NUMBER% or NUMBER px (a whole number); negative values only when
 * signed (positions; they are clamped to the frame later). */
static int
mask_len_parse(const char *s, size_t n, int is_signed, struct mask_len *out,
    char **cause)
{
	const char *p = s, *end = s + n;
	int64_t ip = 0, fp = 0;
	int neg = 0, di = 0, df = 0;

	memset(out, 0, sizeof *out);
	if (p < end && *p == '-') {
		if (!is_signed)
			return cause_set(cause, "mask: a width or height must "
			    "be positive (\"%.*s\")", n > 24 ? 24 : (int)n, s);
		neg = 1;
		p++;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		if (++di > MASK_INT_DIGITS)
			return cause_set(cause, "mask: number too large "
			    "(\"%.24s...\")", s);
		ip = ip * 10 + (*p++ - '0');
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (++df > MASK_FRAC_DIGITS)
				return cause_set(cause, "mask: too many "
				    "decimals in \"%.*s\" (at most %d)",
				    n > 24 ? 24 : (int)n, s, MASK_FRAC_DIGITS);
			fp = fp * 10 + (*p++ - '0');
		}
		if (df == 0)
			return cause_set(cause, "mask: bad number \"%.*s\"",
			    n > 24 ? 24 : (int)n, s);
	}
	if (di == 0)
		return cause_set(cause, "mask: \"%.*s\" is not a number with "
		    "%% or px", n > 24 ? 24 : (int)n, s);
	for (; df < MASK_FRAC_DIGITS; df++)
		fp *= 10;
	if (end - p == 1 && *p == '%') {
		out->v = ip * 1000000 + fp;
		if (out->v > MASK_PCT_CLAMP)
			out->v = MASK_PCT_CLAMP;
	} else if (end - p == 2 && p[0] == 'p' && p[1] == 'x') {
		if (fp != 0)
			return cause_set(cause, "mask: pixels are whole numbers "
			    "(\"%.*s\")", n > 24 ? 24 : (int)n, s);
		out->px = 1;
		out->v = ip > 2 * MASK_FRAME_MAX ? 2 * MASK_FRAME_MAX : ip;
	} else
		return cause_set(cause, "mask: \"%.*s\" needs a unit, %% or px",
		    n > 24 ? 24 : (int)n, s);
	if (neg)
		out->v = -out->v;
	if (!is_signed && out->v == 0)
		return cause_set(cause, "mask: a width or height must be "
		    "positive (\"%.*s\")", n > 24 ? 24 : (int)n, s);
	return 0;
}

/* Parses a time: "+[[H:]M:]S[.fff]" after base_ms, or an ISO 8601 date
 * and time (clock_parse(); local time without an offset). */
static int
mask_time_parse(const char *s, size_t n, int64_t base_ms, int64_t *ms,
    char **cause)
{
	char buf[MASK_TIME_TOKEN + 1];
	const char *p, *end;
	int64_t part[3], total = 0, frac = 0;
	int nparts = 0, digits, df = 0, k;

	if (n == 0)
		return cause_set(cause, "mask: empty time");
	if (n > MASK_TIME_TOKEN)
		return cause_set(cause, "mask: time \"%.24s...\" too long", s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] != '+') {
		if (buf[0] < '0' || buf[0] > '9' || clock_parse(buf, 1, ms) != 0 ||
		    *ms <= -MASK_MS_MAX || *ms >= MASK_MS_MAX)
			return cause_set(cause, "mask: bad time \"%s\" (expected "
			    "+M:SS from the range start, or "
			    "YYYY-MM-DDTHH:MM:SS[Z])", buf);
		return 0;
	}
	p = buf + 1;
	end = buf + n;
	for (;;) {
		if (nparts == 3)
			return cause_set(cause, "mask: bad time \"%s\"", buf);
		part[nparts] = 0;
		for (digits = 0; p < end && *p >= '0' && *p <= '9'; digits++) {
			if (digits == 9)
				return cause_set(cause, "mask: time \"%s\" too "
				    "large", buf);
			part[nparts] = part[nparts] * 10 + (*p++ - '0');
		}
		if (digits == 0 || (nparts > 0 && (digits != 2 ||
		    part[nparts] > 59)))
			return cause_set(cause, "mask: bad time \"%s\" (expected "
			    "+S, +M:SS or +H:MM:SS)", buf);
		nparts++;
		if (p < end && *p == ':') {
			p++;
			continue;
		}
		break;
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9' && df < 3; df++)
			frac = frac * 10 + (*p++ - '0');
		if (df == 0)
			return cause_set(cause, "mask: bad time \"%s\"", buf);
		for (k = df; k < 3; k++)
			frac *= 10;
	}
	if (p != end)
		return cause_set(cause, "mask: bad time \"%s\" (at most "
		    "milliseconds)", buf);
	for (k = 0; k < nparts; k++)
		total = total * 60 + part[k];
	/* The same bound in every form: +H:MM:SS with nine digits of hours
	 * would reach past the year 9999, which the canonical form cannot
	 * read back (caught by fuzz/fuzz_mask.c's read-back check). */
	if (total > MASK_REL_MAX_S)
		return cause_set(cause, "mask: time \"%s\" too large", buf);
	*ms = base_ms + total * 1000 + frac;
	return 0;
}

int
mask_time(const char *s, int64_t base_ms, int64_t *ms, char **cause)
{
	return mask_time_parse(s, strlen(s), base_ms, ms, cause);
}

/* num/den rounded down and up (den > 0). */
static void
mask_frac(int64_t num, int64_t den, int64_t *fl, int64_t *ce)
{
	int64_t q = num / den, r = num % den;

	if (r != 0 && num < 0)
		q--;
	*fl = q;
	*ce = q + (r != 0);
}

/* A length as mask units times den: returns num for den = MASK_UNIT *
 * max(dim, 1). */
static int64_t
mask_num(const struct mask_len *l, int dim)
{
	if (l->px)
		return l->v * MASK_UNIT * MASK_UNIT;
	return l->v * (dim > 0 ? dim : 1);
}

/* A position in mask units, rounded down. */
static int64_t
mask_floor(const struct mask_len *l, int dim)
{
	int64_t fl, ce;

	mask_frac(mask_num(l, dim), (int64_t)MASK_UNIT * (dim > 0 ? dim : 1),
	    &fl, &ce);
	return fl;
}

/* The far edge pos + len in mask units, rounded up. */
static int64_t
mask_edge(const struct mask_len *pos, const struct mask_len *len, int dim)
{
	int64_t fl, ce;

	mask_frac(mask_num(pos, dim) + mask_num(len, dim),
	    (int64_t)MASK_UNIT * (dim > 0 ? dim : 1), &fl, &ce);
	return ce;
}

/* A position clamped into the frame. */
static int32_t
mask_clamp_pos(int64_t v)
{
	return v < 0 ? 0 : v > MASK_UNIT ? MASK_UNIT : (int32_t)v;
}

/* qsort() order of keys: by time. */
static int
mask_key_cmp(const void *a, const void *b)
{
	const struct mask_key *ka = a, *kb = b;

	return ka->t_ms < kb->t_ms ? -1 : ka->t_ms > kb->t_ms;
}

/* Hundredths of a percent as "12%", "12.5%", "12.34%". */
static void
mask_fmt_units(struct clipio_buf *b, int32_t u)
{
	if (u % 100 == 0)
		clipio_buf_printf(b, "%d%%", u / 100);
	else if (u % 10 == 0)
		clipio_buf_printf(b, "%d.%d%%", u / 100, (u % 100) / 10);
	else
		clipio_buf_printf(b, "%d.%02d%%", u / 100, u % 100);
}

/* A time as UTC ISO 8601 with milliseconds. */
static void
mask_fmt_time(struct clipio_buf *b, int64_t ms)
{
	char buf[64];

	clipio_buf_printf(b, "%s", clock_format_utc(ms, buf, sizeof buf));
}

char *
mask_format(const struct mask_list *l, size_t i, char **cause)
{
	struct clipio_buf b = { 0 };
	const struct mask *m;
	size_t k;

	if (l == NULL || i >= l->n) {
		cause_set(cause, "no mask %zu", i + 1);
		return NULL;
	}
	m = &l->m[i];
	clipio_buf_printf(&b, "%s:x=", mask_mode_name(m->mode));
	mask_fmt_units(&b, m->x);
	clipio_buf_printf(&b, ",y=");
	mask_fmt_units(&b, m->y);
	clipio_buf_printf(&b, ",w=");
	mask_fmt_units(&b, m->w);
	clipio_buf_printf(&b, ",h=");
	mask_fmt_units(&b, m->h);
	clipio_buf_printf(&b, ",from=");
	mask_fmt_time(&b, m->from_ms);
	if (m->to_ms != MASK_OPEN_END) {
		clipio_buf_printf(&b, ",to=");
		mask_fmt_time(&b, m->to_ms);
	}
	for (k = 0; k < m->nkeys; k++) {
		clipio_buf_printf(&b, ",key=");
		mask_fmt_time(&b, m->keys[k].t_ms);
		clipio_buf_printf(&b, "/");
		mask_fmt_units(&b, m->keys[k].x);
		clipio_buf_printf(&b, "/");
		mask_fmt_units(&b, m->keys[k].y);
	}
	return clipio_buf_take(&b, cause);
}
