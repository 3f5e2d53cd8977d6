/* config_reason — checking what a person gives in the reason dialog
 * against the reason code's rules in vigil.conf. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/util.h"

/* Longest requesting authority and note, in bytes. */
#define REASON_MAX_AUTHORITY	256
#define REASON_MAX_NOTE		2000

/* Number of characters in s, leading and trailing spaces left out. */
static size_t
config_reason_chars(const char *s)
{
	const char *e;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (; s < e; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Checks that a field is printable UTF-8 of at most max bytes. */
static int
config_reason_field_ok(const char *what, const char *s, size_t max, char **cause)
{
	size_t len = strlen(s), i;

	if (len > max)
		return cause_set(cause, "the %s is longer than %zu bytes", what, max);
	if (!utf8_valid(s, len))
		return cause_set(cause, "the %s is not valid UTF-8", what);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return cause_set(cause, "the %s has control characters", what);
	}
	return 0;
}

/* The configured codes, for "expected one of". */
static char *
config_reason_codes(const struct config *c)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < config_reason_count(c); i++) {
		t = xasprintf("%s%s%s", s, i > 0 ? ", " : "",
		    config_reason_at(c, i)->code);
		free(s);
		s = t;
	}
	return s;
}

int
config_reason_check(const struct config *c, const char *code,
    const char *reference, const char *authority, const char *note,
    char **cause)
{
	const struct config_reason *r;
	char *codes, *shown;
	size_t n;

	if (code == NULL || (r = config_reason_find(c, code)) == NULL) {
		codes = config_reason_codes(c);
		shown = code != NULL ? utf8_sanitize(code, strlen(code)) : xstrdup("");
		cause_set(cause, "unknown reason code '%s'; expected one of %s", shown,
		    codes);
		free(shown);
		free(codes);
		return -1;
	}
	reference = reference != NULL ? reference : "";
	authority = authority != NULL ? authority : "";
	note = note != NULL ? note : "";
	if (config_reason_field_ok("reference", reference, CONFIG_MAX_REFERENCE, cause) == -1 ||
	    config_reason_field_ok("authority", authority, REASON_MAX_AUTHORITY, cause) == -1 ||
	    config_reason_field_ok("note", note, REASON_MAX_NOTE, cause) == -1)
		return -1;
	if ((r->requires & CONFIG_REQ_REFERENCE) && config_reason_chars(reference) == 0)
		return cause_set(cause, "%s needs a reference (case, journal or request "
		    "number)", r->code);
	if (*reference != '\0' && !config_reason_matches(c, r, reference))
		return cause_set(cause, "the reference does not have the form %s "
		    "expects (%s)", r->code, r->reference_regex);
	if ((r->requires & CONFIG_REQ_AUTHORITY) && config_reason_chars(authority) == 0)
		return cause_set(cause, "%s needs the requesting authority", r->code);
	n = config_reason_chars(note);
	if ((r->requires & CONFIG_REQ_NOTE) && n == 0)
		return cause_set(cause, "%s needs a note saying why", r->code);
	if (r->note_min > 0 && n < (size_t)r->note_min)
		return cause_set(cause, "the note must be at least %d characters for "
		    "%s (it has %zu)", r->note_min, r->code, n);
	return 0;
}
