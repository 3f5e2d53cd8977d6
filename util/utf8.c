/* utf8 — strict UTF-8 validation and sanitising for display. */
#include <stdint.h>
#include <string.h>

#include "util/util.h"

/* Length of the well-formed sequence at s (at most len bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];

	if (c >= 0x01 && c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (len < 2 || (s[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (len < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (len < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;	/* above U+10FFFF */
		return 4;
	}
	return 0;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (len > 0) {
		/* Fast path: eight bytes of printable-or-control ASCII, no NUL. */
		if (len >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if ((w & 0x8080808080808080ULL) == 0 &&
			    ((w - 0x0101010101010101ULL) & ~w &
			    0x8080808080808080ULL) == 0) {
				p += 8;
				len -= 8;
				continue;
			}
		}
		if ((n = utf8_seq(p, len)) == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

char *
utf8_sanitize(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t n;

	out = o = xmalloc(len + 1);
	while (len > 0) {
		n = utf8_seq(p, len);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)) ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			*o++ = '?';	/* invalid, C0, DEL or C1 control */
			n = n == 0 ? 1 : n;
		} else {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
		len -= n;
	}
	*o = '\0';
	return out;
}

char *
utf8_shorten(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max || max < 4)
		return s;
	/* Back to the first byte of a character: never a continuation
	 * byte (10xxxxxx). */
	n = max - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(s + n, "...", 4);
	return s;
}

char *
utf8_cut_tail(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char lead;

	/* Back over at most three continuation bytes to the last lead. */
	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return s;
	lead = (unsigned char)s[i - 1];
	if (lead < 0xc0)
		return s;	/* ASCII, or stray continuation bytes */
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
	return s;
}
