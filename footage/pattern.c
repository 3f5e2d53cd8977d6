/* pattern — segment path patterns with {camera} and time tokens. */
#include <stdlib.h>
#include <string.h>

#include "footage/footage.h"
#include "util/util.h"

#define PATTERN_MAX_ITEMS	32
#define PATTERN_MAX_LEN		1024

enum pattern_kind {
	PATTERN_LIT,
	PATTERN_CAMERA,
	PATTERN_Y,
	PATTERN_MON,
	PATTERN_DAY,
	PATTERN_HOUR,
	PATTERN_MIN,
	PATTERN_SEC,
};

struct pattern_item {
	enum pattern_kind kind;
	const char	*lit;		/* points into pattern->buf */
	size_t		 len;
};

struct pattern_comp {
	struct pattern_item items[PATTERN_MAX_ITEMS];
	int		 n;
};

struct pattern {
	char		*text;		/* the expanded pattern */
	char		*buf;		/* literals, NUL-separated */
	struct pattern_comp comp[PATTERN_MAX_COMPONENTS];
	int		 n;
};

static const struct {
	const char	*name;
	enum pattern_kind kind;
} pattern_tokens[] = {
	{ "camera", PATTERN_CAMERA },
	{ "Y", PATTERN_Y },
	{ "m", PATTERN_MON },
	{ "d", PATTERN_DAY },
	{ "H", PATTERN_HOUR },
	{ "M", PATTERN_MIN },
	{ "S", PATTERN_SEC },
};

const char *
pattern_expand(const char *s)
{
	if (strcmp(s, "vigil") == 0)
		return PATTERN_PRESET_VIGIL;
	if (strcmp(s, "frigate") == 0)
		return PATTERN_PRESET_FRIGATE;
	return s;
}

/* Parses one component (len bytes at s, no '/') into c; literal bytes are
 * copied to *out.  seen counts each token kind. */
static int
pattern_parse_comp(const char *s, size_t len, struct pattern_comp *c,
    char **out, int seen[], char **cause)
{
	size_t i = 0, j, k;

	c->n = 0;
	while (i < len) {
		if (c->n == PATTERN_MAX_ITEMS)
			return cause_set(cause, "too many parts in one path component");
		if (s[i] == '{') {
			for (j = i + 1; j < len && s[j] != '}' && s[j] != '{'; j++)
				;
			if (j == len || s[j] != '}')
				return cause_set(cause, "'{' without a closing '}'");
			for (k = 0; k < sizeof pattern_tokens / sizeof pattern_tokens[0]; k++) {
				if (strlen(pattern_tokens[k].name) == j - i - 1 &&
				    memcmp(pattern_tokens[k].name, s + i + 1, j - i - 1) == 0)
					break;
			}
			if (k == sizeof pattern_tokens / sizeof pattern_tokens[0])
				return cause_set(cause, "unknown token '%.*s'; expected {camera}, "
				    "{Y}, {m}, {d}, {H}, {M} or {S}", (int)(j - i + 1), s + i);
			if (seen[pattern_tokens[k].kind]++)
				return cause_set(cause, "token {%s} given twice",
				    pattern_tokens[k].name);
			if (c->n > 0 && c->items[c->n - 1].kind == PATTERN_CAMERA)
				return cause_set(cause, "{camera} must be followed by text "
				    "or the end of the path component");
			c->items[c->n].kind = pattern_tokens[k].kind;
			c->items[c->n].lit = NULL;
			c->items[c->n].len = 0;
			c->n++;
			i = j + 1;
			continue;
		}
		if (s[i] == '}')
			return cause_set(cause, "'}' without an opening '{'");
		for (j = i; j < len && s[j] != '{' && s[j] != '}'; j++)
			;
		c->items[c->n].kind = PATTERN_LIT;
		c->items[c->n].lit = *out;
		c->items[c->n].len = j - i;
		memcpy(*out, s + i, j - i);
		*out += j - i;
		*(*out)++ = '\0';
		c->n++;
		i = j;
	}
	return 0;
}

struct pattern *
pattern_compile(const char *spec, char **cause)
{
	struct pattern *p;
	const char *s, *slash;
	char *out, *why = NULL;
	int seen[PATTERN_SEC + 1] = { 0 };
	size_t len;

	s = pattern_expand(spec);
	len = strlen(s);
	if (len == 0) {
		cause_set(cause, "empty pattern; expected a preset (vigil, frigate) or "
		    "a path such as %s", PATTERN_PRESET_VIGIL);
		return NULL;
	}
	if (len > PATTERN_MAX_LEN) {
		cause_set(cause, "pattern longer than %d bytes", PATTERN_MAX_LEN);
		return NULL;
	}
	if (!utf8_valid(s, len)) {
		cause_set(cause, "pattern is not valid UTF-8");
		return NULL;
	}
	if (s[0] == '/') {
		cause_set(cause, "pattern '%s' starts with '/'; expected a path "
		    "relative to the recorder folder", s);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->text = xstrdup(s);
	p->buf = out = xmalloc(2 * len + 2);
	while (*s != '\0') {
		slash = strchr(s, '/');
		len = slash != NULL ? (size_t)(slash - s) : strlen(s);
		if (len == 0 || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.')) {
			why = xstrdup("empty, '.' or '..' path component");
			goto fail;
		}
		if (p->n == PATTERN_MAX_COMPONENTS) {
			why = xasprintf("more than %d path components",
			    PATTERN_MAX_COMPONENTS);
			goto fail;
		}
		if (pattern_parse_comp(s, len, &p->comp[p->n], &out, seen, &why) == -1)
			goto fail;
		p->n++;
		s += len;
		if (*s == '/') {
			s++;
			if (*s == '\0') {
				why = xstrdup("pattern ends with '/'; expected a file name");
				goto fail;
			}
		}
	}
	if (!seen[PATTERN_CAMERA] || !seen[PATTERN_Y] || !seen[PATTERN_MON] ||
	    !seen[PATTERN_DAY] || !seen[PATTERN_HOUR]) {
		why = xstrdup("needs at least {camera}, {Y}, {m}, {d} and {H}");
		goto fail;
	}
	return p;
fail:
	cause_set(cause, "pattern '%s': %s", p->text, why);
	free(why);
	pattern_free(p);
	return NULL;
}

void
pattern_free(struct pattern *p)
{
	if (p == NULL)
		return;
	free(p->text);
	free(p->buf);
	free(p);
}

const char *
pattern_text(const struct pattern *p)
{
	return p->text;
}

int
pattern_components(const struct pattern *p)
{
	return p->n;
}

/* Reads exactly n ASCII digits. */
static int
pattern_digits(const char *s, size_t len, size_t n, int *v)
{
	size_t i;

	if (len < n)
		return 0;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Matches items against s (len bytes), backtracking over {camera}. */
static int
pattern_match_items(const struct pattern_item *it, int n, const char *s,
    size_t len, struct pattern_fields *f)
{
	size_t k, w;
	int *slot, v;

	if (n == 0)
		return len == 0;
	switch (it->kind) {
	case PATTERN_LIT:
		if (len < it->len || memcmp(s, it->lit, it->len) != 0)
			return 0;
		return pattern_match_items(it + 1, n - 1, s + it->len, len - it->len, f);
	case PATTERN_CAMERA:
		for (k = len; k >= 1; k--) {
			if (k > PATTERN_CAMERA_MAX)
				continue;
			if (pattern_match_items(it + 1, n - 1, s + k, len - k, f)) {
				memcpy(f->camera, s, k);
				f->camera[k] = '\0';
				return 1;
			}
		}
		return 0;
	case PATTERN_Y:
		slot = &f->Y;
		w = 4;
		break;
	case PATTERN_MON:
		slot = &f->m;
		w = 2;
		break;
	case PATTERN_DAY:
		slot = &f->d;
		w = 2;
		break;
	case PATTERN_HOUR:
		slot = &f->H;
		w = 2;
		break;
	case PATTERN_MIN:
		slot = &f->M;
		w = 2;
		break;
	default:
		slot = &f->S;
		w = 2;
		break;
	}
	if (!pattern_digits(s, len, w, &v))
		return 0;
	if (!pattern_match_items(it + 1, n - 1, s + w, len - w, f))
		return 0;
	*slot = v;
	return 1;
}

int
pattern_match_component(const struct pattern *p, int i, const char *name,
    struct pattern_fields *f)
{
	if (i < 0 || i >= p->n)
		return 0;
	return pattern_match_items(p->comp[i].items, p->comp[i].n, name,
	    strlen(name), f);
}

int
pattern_match(const struct pattern *p, const char *rel, struct pattern_fields *f)
{
	const char *s = rel, *slash;
	int i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < p->n; i++) {
		slash = strchr(s, '/');
		if ((slash == NULL) != (i == p->n - 1))
			return 0;
		if (!pattern_match_items(p->comp[i].items, p->comp[i].n, s,
		    slash != NULL ? (size_t)(slash - s) : strlen(s), f))
			return 0;
		if (slash != NULL)
			s = slash + 1;
	}
	return 1;
}

int
pattern_camera_valid(const char *name, size_t len)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t i;

	if (len == 0 || len > PATTERN_CAMERA_MAX || name[0] == '.' ||
	    !utf8_valid(name, len))
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '/')
			return 0;
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] < 0xa0)
			return 0;	/* C1 control */
	}
	return 1;
}

int
pattern_fields_check(const struct pattern_fields *f, char **cause)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int dim;

	if (!pattern_camera_valid(f->camera, strlen(f->camera))) {
		if (!utf8_valid(f->camera, strlen(f->camera)))
			return cause_set(cause, "camera name is not valid UTF-8");
		return cause_set(cause, "camera name has control characters or "
		    "starts with '.'");
	}
	if (f->Y < 1970)
		return cause_set(cause, "impossible year %04d", f->Y);
	if (f->m < 1 || f->m > 12)
		return cause_set(cause, "impossible month %02d", f->m);
	dim = mdays[f->m - 1];
	if (f->m == 2 && ((f->Y % 4 == 0 && f->Y % 100 != 0) || f->Y % 400 == 0))
		dim = 29;
	if (f->d < 1 || f->d > dim)
		return cause_set(cause, "impossible day %04d-%02d-%02d", f->Y, f->m, f->d);
	if (f->H > 23 || f->M > 59 || f->S > 59)
		return cause_set(cause, "impossible time %02d:%02d:%02d", f->H, f->M, f->S);
	return 0;
}
