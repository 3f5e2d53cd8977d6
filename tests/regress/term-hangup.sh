#!/bin/sh
# The terminal goes away (tmux kill-server) on the browser and while a view
# plays: the view ends as "hangup", the session is logged out as "hangup",
# and both processes, the terminal and the monitor, are gone within 2 s
# (none left spinning on a dead terminal).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

# gone PID: 0 once the process has ended (a zombie waiting to be reaped
# has ended).
gone() {
	[ ! -d "/proc/$1" ] || grep -q '^[0-9]* (.*) [ZX] ' "/proc/$1/stat" 2>/dev/null
}

# kill_terminal WHAT: kills the tmux server; fails unless vigil and its
# monitor are gone within 2 s.
kill_terminal() {
	ui=$(vigil_pid)
	[ -n "$ui" ] || fail "$1: vigil is not running"
	mon=$(pgrep -P "$ui" -x vigil-monitor)
	[ -n "$mon" ] || [ "$(id -u)" != 0 ] || fail "$1: no monitor under $ui"
	tm kill-server
	n=0
	while ! gone "$ui" || { [ -n "$mon" ] && ! gone "$mon"; }; do
		n=$((n + 1))
		if [ "$n" -ge 40 ]; then
			ps -o pid,stat,time,comm -p "$ui" ${mon:+-p "$mon"} 2>&1
			kill -9 "$ui" $mon 2>/dev/null
			fail "$1: vigil ($ui, monitor ${mon:-none}) still runs 2 s after the terminal went away"
		fi
		sleep 0.05
	done
	log_dump
}

term_env_setup

# On the browser.
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
kill_terminal "browser"
[ "$(grep '"action":"logout"' "$TMP/log.json" | grep -Ec 'how.{0,4}:.{0,2}hangup')" = 1 ] ||
	{ cat "$TMP/log.json"; fail "browser: no logout \"hangup\""; }

# While a view plays.
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-8'; keys Enter
wait_screen 'logged as view #'
kill_terminal "player"
[ "$(log_count '"action":"view-end"')" = 1 ] || { cat "$TMP/log.json"; fail "player: no view-end"; }
expect_match 'end.{0,4}:.{0,2}hangup' "$(view_of view-end)"
[ "$(grep '"action":"logout"' "$TMP/log.json" | grep -Ec 'how.{0,4}:.{0,2}hangup')" = 2 ] ||
	{ cat "$TMP/log.json"; fail "player: no logout \"hangup\""; }
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
stderr_clean
exit 0
