#!/bin/sh
# The idle lock works in the review screen (session.idle_lock = 3): with the
# filter form open and half typed, the screen locks and shows no names or
# log entries; dora unlocks back into the review where it was; someone
# else logging in over the lock gets their own screen, and dora's filter
# is forgotten (her next review starts with no filter).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup 3
vigil_start
wait_screen 'Username  _'
login_as dora demo
wait_screen 'Filter: none'
keys f; wait_screen 'Filter the log'
keys Down Down; type dora; keys Enter
wait_screen 'Filter: user dora'
keys f; wait_screen 'Filter the log'
type half
wait_screen 'This terminal is locked\.' 8
s=$(screen)
printf '%s\n' "$s" | grep -Eq 'dora|audit-review|Filter' &&
    fail "names or the log are still on the locked screen: $s"
# dora again: the review, the filter in force.
login_as dora demo
wait_screen 'Filter: user dora'
# Explicitly locked (L), then adam logs in over the lock.
keys Escape
keys L
wait_screen 'This terminal is locked\.'
login_as adam demo
wait_screen 'Your roles do not include viewing'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
login_as dora demo
wait_screen 'Filter: none'
keys C-c
wait_screen 'Filter: none'
# ^C is no key of the review: it goes on until logout.
keys q; wait_screen 'a audit review'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
log_dump
# Two locks by dora (idle, then L); three review entries by dora.
[ "$(log_count '"actor":"dora","action":"lock"')" = 2 ] || fail "expected two locks by dora"
[ "$(log_count '"actor":"dora","action":"audit-review"')" -ge 3 ] || fail "expected dora's audit-review entries"
exit 0
