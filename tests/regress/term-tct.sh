#!/bin/sh
# The picture in the terminal (video_output = tct): the status lines stay
# under the picture, also when the terminal is resized; the help hides the
# picture while it is up; stopping hands the terminal back intact: no
# picture cells left on the browser.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
sed -i 's/video_output = null/video_output = tct/' "$TMP/vigil.conf"
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-9'; keys Enter
wait_screen '▄▄▄▄▄▄▄▄' 10
wait_screen 'logged as view #'
expect_match 'watermark: alice . INCIDENT INC-9' "$(screen)"
screen | sed -n '24p' | grep -q 'q stop' || { screen; fail "the key line is not at the bottom"; }

# Resized while playing: the picture takes the new size, the status lines
# and the key line stay below it.
tm resize-window -t vigil -x 100 -y 30
sleep 2
screen | sed -n '30p' | grep -q 'q stop' || { screen; fail "after growing, the key line is not at the bottom"; }
expect_match 'logged as view #' "$(screen)"
tm resize-window -t vigil -x 80 -y 24
sleep 2
screen | sed -n '24p' | grep -q 'q stop' || { screen; fail "after shrinking, the key line is not at the bottom"; }
expect_match 'logged as view #' "$(screen)"

# The help over the picture: the picture is paused and off while it is up,
# and comes back (playing) when it closes.
keys '?'
wait_screen 'any key closes this help'
sleep 1
screen | grep -q '▄' && { screen; fail "the picture draws over the help"; }
keys x
wait_screen '▄▄▄▄▄▄▄▄' 10
wait_screen '▶ 1x' 5
keys q
wait_screen 'View #[0-9]+ ended and logged' 10
sleep 0.5
screen | grep -q '▄' && { screen; fail "picture cells are left on the browser"; }
expect_match 'Cameras' "$(screen)"
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
