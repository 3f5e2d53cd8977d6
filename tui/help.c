/* help — every key of a screen, drawn over it (? on the browser and the
 * player screen). */
#include <curses.h>
#include <stdio.h>

#include "tui/tui.h"

struct help_key {
	const char	*keys;
	const char	*what;
};

static const struct help_key help_browser[] = {
	{ "Left Right  h l", "cursor back or forward 1 minute" },
	{ "PgUp PgDn", "cursor back or forward 1 hour" },
	{ "Up Down  k j", "to the previous or next segment's start" },
	{ "Home End  g G", "to the first or last segment of the day" },
	{ "Tab  Shift-Tab", "next or previous camera" },
	{ "[  ]", "previous or next day with footage" },
	{ "/", "go to a date and time (or a time on this day)" },
	{ "v", "mark one end of a range, then the other; Esc clears" },
	{ "Enter", "play the marked range (or 10 min from the cursor), "
	    "after giving the reason" },
	{ "e", "export (exporter role)" },
	{ "a", "audit review (auditor role)" },
	{ "L", "lock the terminal" },
	{ "?", "this help" },
	{ "q", "log out (asks first)" },
	{ NULL, NULL }
};

static const struct help_key help_player[] = {
	{ "Space", "pause or resume" },
	{ "Left Right", "back or forward 5 seconds" },
	{ "Down Up", "back or forward 1 minute" },
	{ ",  .", "one frame back or forward (pauses)" },
	{ "-  +", "slower or faster (0.25x to 16x)" },
	{ "p  n", "previous or next segment" },
	{ "L", "lock the terminal (the view pauses; unlocking goes back to it)" },
	{ "q", "stop: the view ends and is logged" },
	{ "?", "this help" },
	{ NULL, NULL }
};

void
help_draw(enum help_screen which, const struct screen_state *st)
{
	const struct help_key *k = which == HELP_BROWSER ? help_browser :
	    help_player;
	int y = 3;

	screen_frame(st);
	screen_put(2, 2, COLS - 4, which == HELP_BROWSER ?
	    "Keys of the footage browser" : "Keys of the player", A_BOLD);
	for (; k->keys != NULL && y < LINES - 3; k++, y++) {
		screen_put(y + 1, 4, 18, k->keys, A_BOLD);
		screen_put(y + 1, 24, COLS - 26, k->what, A_NORMAL);
	}
	if (which == HELP_BROWSER)
		screen_wrap(y + 2, 4, COLS - 8, 3, "Every view is logged with "
		    "your name, the reason and what was shown.", A_NORMAL);
	screen_bottom(NULL, 0, "any key closes this help");
	curs_set(0);
	refresh();
}
