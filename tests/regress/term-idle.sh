#!/bin/sh
# The idle lock during playback (session.idle_lock = 3): the view is
# stopped and ends in the log as "lock" before the lock is recorded, the
# screen keeps no footage or names; unlocking returns to the browser.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup 3
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys Tab; type 'INC-5'; keys Enter
wait_screen 'logged as view #'
wait_screen 'This terminal is locked\.' 8
s=$(screen)
printf '%s\n' "$s" | grep -Eq 'alice|entrance|INC-5|watermark|view #' &&
	fail "footage or names are still on the locked screen: $s"
login_as alice demo
wait_screen 'Logged in as alice'
wait_screen 'Cameras'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
log_dump
grep '"action"' "$TMP/log.json" | grep -v '"config-loaded"' |
    sed 's/.*"actor":"\([^"]*\)","action":"\([^"]*\)".*/\2 \1/' > "$TMP/actions"
cat > "$TMP/want" <<-'EOF2'
login alice
view-start alice
view-end alice
lock alice
unlock alice
logout alice
EOF2
diff "$TMP/want" "$TMP/actions" || fail "the log holds other records than expected"
expect_match 'end.{0,4}:.{0,2}lock' "$(view_of view-end)"
exit 0
