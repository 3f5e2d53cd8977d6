/* overlay — what the export wizard's mask editor asks of the player: the
 * export's own redaction graph as mpv's video filter (the live preview),
 * outlines of the mask boxes after it, and a still frame at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "player/player.h"
#include "player/player_int.h"
#include "util/util.h"

#define OVERLAY_BOX_MAX	64

static double overlay_unit(double v);

/* v kept within 0 .. 1. */
static double
overlay_unit(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

int
player_set_filters(struct player *p, const char *vf,
    const struct player_box *boxes, size_t n, char **cause)
{
	const char *args[] = { "set", "vf", NULL, NULL };
	char *chain, *next;
	size_t i;
	int rc;

	if (player_mpv(p) == NULL)
		return cause_set(cause, "the player has shut down");
	if (n > OVERLAY_BOX_MAX)
		n = OVERLAY_BOX_MAX;
	chain = xstrdup(vf != NULL ? vf : "");
	if (n > 0) {
		next = xasprintf("%s%slavfi=[", chain, chain[0] != '\0' ? "," :
		    "");
		free(chain);
		chain = next;
		for (i = 0; i < n; i++) {
			/* In the frame's pixels (never 0, which drawbox
			 * takes for the whole frame), a 3-pixel line. */
			next = xasprintf("%s%sdrawbox=x=floor(iw*%.5f):"
			    "y=floor(ih*%.5f):w=ceil(iw*%.5f):h=ceil(ih*%.5f):"
			    "color=%s:t=3", chain,
			    i > 0 ? "," : "", overlay_unit(boxes[i].x),
			    overlay_unit(boxes[i].y), overlay_unit(boxes[i].w),
			    overlay_unit(boxes[i].h), boxes[i].selected ?
			    "yellow" : "white");
			free(chain);
			chain = next;
		}
		next = xasprintf("%s]", chain);
		free(chain);
		chain = next;
	}
	args[2] = chain;
	rc = mpv_command_async(player_mpv(p), 0, args);
	free(chain);
	if (rc < 0)
		return cause_set(cause, "mpv set vf: %s", mpv_error_string(rc));
	return 0;
}

int
player_show_still(struct player *p, int64_t at_ms, char **cause)
{
	if (player_pause(p, 1, cause) == -1)
		return -1;
	return player_seek_to(p, at_ms, cause) == -1 ? -1 : 0;
}
