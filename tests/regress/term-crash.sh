#!/bin/sh
# A view cut short: kill -9 during playback leaves view-start without an
# end; the next start closes it as view-aborted with the intervals saved
# while it played.  Then a closed terminal (SIGHUP) during playback: the
# view ends properly as "hangup" and the session is logged out.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen 'Logged in as bob'
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-7'; keys Enter
wait_screen 'logged as view #'
# Let it play past a checkpoint of the intervals (every 2 s).
sleep 3
wait_screen 'watched so far: 08:00:0'
ls "$TMP"/var/audit.state.view-*.json >/dev/null 2>&1 ||
	fail "no checkpoint of the intervals beside the audit state"
pid=$(vigil_pid)
kill -9 "$pid"
tm kill-server
log_dump
[ "$(log_count '"action":"view-start"')" = 1 ] || fail "no view-start"
[ "$(log_count '"action":"view-(end|aborted)"')" = 0 ] || fail "the view was closed before the crash was noticed"

# The next start closes it.
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen 'view left open by a crash or hang-up was closed'
log_dump
[ "$(log_count '"action":"view-aborted"')" = 1 ] || fail "no view-aborted"
ab=$(view_of view-aborted)
seq=$(view_of view-start | sed 's/.*"seq":\([0-9]*\).*/\1/')
expect_match "view.{0,4}:$seq" "$ab"
expect_match 'recovered.{0,4}:.{0,2}checkpoint' "$ab"
expect_match '"actor":"bob"' "$ab"
expect_match '"reference":"INC-7"' "$ab"
expect_match 'shown.{0,4}:\[\[17951616' "$ab"
ls "$TMP"/var/audit.state.view-*.json >/dev/null 2>&1 &&
	fail "the checkpoint file was not removed"

# Closing the terminal mid-playback.
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-8'; keys Enter
wait_screen 'logged as view #'
tm kill-server
n=100
while [ "$n" -gt 0 ] && pgrep -x vigil -P 1 >/dev/null 2>&1 && [ ! -f "$TMP/exit" ]; do
	sleep 0.05; n=$((n - 1))
done
sleep 0.5
log_dump
[ "$(log_count '"action":"view-end"')" = 1 ] || { cat "$TMP/log.json"; fail "no view-end after the hang-up"; }
expect_match 'end.{0,4}:.{0,2}hangup' "$(view_of view-end)"
log_has '"actor":"bob","action":"logout".*hangup'
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
stderr_clean
exit 0
