#!/bin/sh
# Two terminals share one audit log: a vigil started on the second
# terminal while a view plays on the first leaves that view alone (it is
# in use, not left open by a crash: its view-start names a vigil that
# still runs); the first view then ends with its own view-end.  After a
# kill -9 of the first, a start closes it as view-aborted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
vigil_start
first=$SOCK
wait_screen 'Username  _'
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-7'; keys Enter
wait_screen 'logged as view #'
log_dump
expect_match '"pid":[0-9]+' "$(view_of view-start)"
expect_match '"boot_id":"[0-9a-f-]+"' "$(view_of view-start)"

# The second terminal starts (its own tmux server, so its own pty).
vigil_start
second=$SOCK
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Logged in as alice'
case $(screen) in *"left open by a crash"*) fail "the live view was reported as left open" ;; esac
log_dump
[ "$(log_count '"action":"view-aborted"')" = 0 ] ||
    { cat "$TMP/log.json"; fail "the live view on the first terminal was closed as view-aborted"; }

# The first view ends as it should.
SOCK=$first
keys q
wait_screen 'View #[0-9]+ ended and logged'
log_dump
[ "$(log_count '"action":"view-end"')" = 1 ] || fail "the first view has no view-end"
[ "$(log_count '"action":"view-aborted"')" = 0 ] || fail "a view-aborted appeared"

# A second view on the first terminal, then that vigil killed: the next
# start (on the second terminal's vigil, started again) closes it.
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-8'; keys Enter
wait_screen 'logged as view #'
kill -9 "$(vigil_pid)"
tm kill-server
SOCK=$second
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
tm kill-server
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'view left open by a crash or hang-up was closed'
log_dump
[ "$(log_count '"action":"view-aborted"')" = 1 ] || fail "the killed view was not closed"
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
stderr_clean
exit 0
