/* home — the screen after login for someone without the viewer role (a
 * viewer gets the footage browser): who is logged in, with which roles,
 * and what those roles allow.  It shows no footage. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "tui/tui.h"

/* What each role allows, in the order of the role bits. */
static const char *const home_allows[] = {
	"browse recordings and play them after giving a reason",
	"export clips for disclosure, redacted and signed",
	"review, report on and verify the audit log",
	"configuration, keys and holds on recordings",
};

void
home_draw(const struct screen_state *st, const struct auth *a,
    int64_t since_ms, const char *terminal, unsigned idle_lock,
    const char *status, int status_error)
{
	const char *bullet = screen_utf8() ? "·" : "-";
	char line[512], roles[64], when[16];
	unsigned r = auth_roles(a), i;
	struct tm tm;
	time_t t = (time_t)(since_ms / 1000);
	int x = 3, y = 3, width = COLS - 6;

	screen_frame(st);
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%H:%M", &tm);
	snprintf(line, sizeof line, "Logged in as %s since %s on %s.",
	    auth_user(a), when, terminal);
	y += screen_wrap(y, x, width, 2, line, A_BOLD);
	snprintf(line, sizeof line, "Roles: %s", roles_format(r, roles,
	    sizeof roles));
	y += screen_wrap(y, x, width, 2, line, A_NORMAL) + 1;

	screen_put(y++, x, width, "Your roles allow you to:", A_NORMAL);
	for (i = 0; i < 4; i++) {
		if ((r & (1u << i)) == 0)
			continue;
		snprintf(line, sizeof line, "%s %s (%s)", bullet, home_allows[i],
		    roles_name(1u << i));
		y += screen_wrap(y, x + 2, width - 2, 2, line, A_NORMAL);
	}
	y++;
	y += screen_wrap(y, x, width, 3, "Your roles do not include viewing "
	    "footage: no recording can be played from this session.",
	    A_NORMAL);
	y++;
	if (idle_lock > 0) {
		if (idle_lock % 60 == 0)
			snprintf(line, sizeof line, "The terminal locks after %u "
			    "min without a key; l locks it now.", idle_lock / 60);
		else
			snprintf(line, sizeof line, "The terminal locks after %u "
			    "s without a key; l locks it now.", idle_lock);
	} else {
		snprintf(line, sizeof line, "The terminal does not lock by "
		    "itself; l locks it now.");
	}
	screen_wrap(y, x, width, 2, line, A_NORMAL);

	screen_bottom(status, status_error, r & ROLE_AUDITOR ?
	    "a audit review  l lock  q log out" : "l lock  q log out");
	curs_set(0);
	refresh();
}
