#!/bin/sh
# A range that only partly holds playable footage: the reason dialog says
# so before anything is played, naming each stretch (the catalog's
# coverage), and a corrupt segment or a gap that runs to the end of the
# declared range is named at the end of playback rather than reported as
# the end of the range: entrance 08:01:00-08:01:20 ends in its corrupt
# segment (08:01:10), stacks 08:00:40-08:01:00 in its gap (08:00:50).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

D='.{1,3}'	# the dash between two times ("–", or "-" without UTF-8)

# mark FROM TO: marks the range on the browser's camera.
mark() {
	keys /; type "$1"; keys Enter
	wait_screen "cursor $1"
	keys v; keys /; type "$2"; keys Enter; keys v
	wait_screen "marked $1 . $2"
}

term_env_setup
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-01-10.mp4 .*corrupt' 20

# A range with footage throughout: nothing is said.
mark 08:00:00 08:00:20
keys Enter
wait_screen 'Why do you need to see this recording'
screen | grep -q 'can be played' && fail "a whole range is said to be partial: $(screen)"
keys Escape
wait_screen 'Cancelled: nothing was played'

# entrance: the corrupt segment runs to the end of the range.
mark 08:01:00 08:01:20
keys Enter
wait_screen 'Why do you need to see this recording'
expect_match 'Only 10 s of these 20 s can be played' "$(screen)"
expect_match "08:01:10${D}08:01:20: the recording cannot be read" "$(screen)"
keys I Tab; type 'INC-11'; keys Enter
wait_screen 'logged as view #'
keys + +
wait_screen "08:01:10${D}08:01:20: the recording cannot be read" 20
expect_match 'Nothing after it to play' "$(screen)"
screen | grep -q 'End of the declared range' &&
	fail "the corrupt end is reported as the end of the range: $(screen)"
keys q
wait_screen 'View #[0-9]+ ended and logged' 10

# stacks: the gap runs to the end of the range.
n=0
while ! screen | grep -q '> stacks' && [ "$n" -lt 5 ]; do
	keys Tab; sleep 0.2; n=$((n + 1))
done
mark 08:00:40 08:01:00
keys Enter
wait_screen 'Why do you need to see this recording'
expect_match 'stacks, Fri 2026-11-20 08:00:40' "$(screen)"
expect_match 'Only 10 s of these 20 s can be played' "$(screen)"
expect_match "08:00:50${D}08:01:00: no recording" "$(screen)"
keys I Tab; type 'INC-12'; keys Enter
wait_screen 'logged as view #'
keys + +
wait_screen "08:00:50${D}08:01:00: no recording" 20
expect_match 'Nothing after it to play' "$(screen)"
screen | grep -q 'End of the declared range' &&
	fail "the gap at the end is reported as the end of the range: $(screen)"
keys q
wait_screen 'View #[0-9]+ ended and logged' 10

keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
