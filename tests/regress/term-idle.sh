#!/bin/sh
# The idle lock during playback (session.idle_lock = 3): the view is paused
# and its picture switched off, the screen keeps no footage or names; the
# same person's unlock returns to the view, still paused; someone else
# logging in over the lock ends the view ("replaced") before the locked
# session's logout.  Then the same with the picture in the terminal (tct):
# no picture cell stays on the lock screen, and it comes back after the
# unlock.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

locked_clean() {
	s=$(screen)
	printf '%s\n' "$s" | grep -Eq 'alice|entrance|INC-5|watermark|view #|▄|▀' &&
		fail "footage or names are still on the locked screen: $s"
	return 0
}

term_env_setup 3
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-5'; keys Enter
wait_screen 'logged as view #'
wait_screen 'This terminal is locked\.' 8
locked_clean
# The view is open while locked: nothing ends it yet.
log_dump
grep -q '"view-end"' "$TMP/log.json" && fail "the lock ended the view"

# The same person: back into the view, paused where it was.
login_as alice demo
wait_screen 'Paused while the terminal was locked'
expect_match 'paused' "$(screen)"
pos1=$(screen | grep -o '2026-11-20 [0-9:]*' | head -1)
sleep 1.5
pos2=$(screen | grep -o '2026-11-20 [0-9:]*' | head -1)
[ -n "$pos1" ] && [ "$pos1" = "$pos2" ] ||
	fail "the view did not stay paused after the unlock ($pos1, $pos2)"

# Locked again; bob logs in over it: alice's view ends first.
wait_screen 'This terminal is locked\.' 8
locked_clean
login_as bob demo
wait_screen 'Logged in as bob'
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
lock alice
unlock alice
lock alice
view-end alice
logout alice
login bob
logout bob
EOF2
diff "$TMP/want" "$TMP/actions" || fail "the log holds other records than expected"
expect_match 'end.{0,4}:.{0,2}replaced' "$(view_of view-end)"
tm kill-server

# The picture in the terminal: switched off behind the lock.
sed -i 's/video_output = null/video_output = tct/' "$TMP/vigil.conf"
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-5'; keys Enter
wait_screen '▄▄▄▄▄▄▄▄' 10
wait_screen 'This terminal is locked\.' 8
sleep 1
locked_clean
login_as alice demo
wait_screen 'Paused while the terminal was locked'
wait_screen '▄▄▄▄▄▄▄▄' 10
keys q
wait_screen 'View #[0-9]+ ended and logged' 10
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
