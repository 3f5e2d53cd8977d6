/* field — one-line text fields edited a key at a time: the reason dialog's
 * and the export wizard's. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tui/tui.h"
#include "util/util.h"

enum field_result
field_key(char *buf, size_t *len, size_t max, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* A whole character. */
		while (*len > 0 && ((unsigned char)buf[*len - 1] & 0xc0) == 0x80)
			buf[--*len] = '\0';
		if (*len > 0)
			buf[--*len] = '\0';
		return FIELD_EDITED;
	}
	if (key == 21) {	/* ^U */
		sodium_memzero(buf, *len);
		*len = 0;
		return FIELD_EDITED;
	}
	if (key < 0x20 || key == 0x7f || key > 0xff)
		return FIELD_IGNORED;
	if (*len >= max)
		return FIELD_FULL;
	buf[(*len)++] = (char)key;
	buf[*len] = '\0';
	return FIELD_EDITED;
}

void
field_draw(int y, int x, int width, const char *text, size_t len, int focus,
    int hidden, int *cx)
{
	char *shown;
	size_t off = 0;
	int w;

	if (width < 2)
		return;
	if (hidden)
		shown = xstrdup(len == 0 ? "" : screen_utf8() ? "••••••••" :
		    "********");
	else
		shown = utf8_sanitize(text, len);
	/* Where it is typed, the end of a long text; elsewhere its start
	 * (screen_put() cuts it with "…"). */
	while (focus && screen_width(shown + off, strlen(shown + off)) >
	    width - 1)
		off++;
	while ((shown[off] & 0xc0) == 0x80)
		off++;
	mvhline(y, x, '_', width);
	w = screen_put(y, x, width, shown + off, focus ? (int)A_UNDERLINE |
	    screen_attr_accent() : (int)A_NORMAL);
	if (cx != NULL && focus)
		*cx = x + w;
	free(shown);
}
