#!/bin/sh
# The idle lock with session.idle_lock = 2: the screen is cleared of names,
# a wrong password keeps it locked (and is recorded), the right one
# unlocks; a "Log out?" left unanswered still locks; someone else logging
# in ends the locked session first; ^X logs a locked session out.  A slow
# password check does not use up the idle time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup 2
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'This terminal is locked\.' 5
s=$(screen)
printf '%s\n' "$s" | grep -Eq 'alice|bob|dora|adam|Logged in|viewer' &&
	fail "names are still on the locked screen: $s"
expect_match 'Username  ____________________' "$s"

# Wrong password: still locked.
login_as alice wrong
wait_screen 'Authentication failed\.'
expect_match 'This terminal is locked\.' "$(screen)"
# The right one.
keys C-u; type demo; keys Enter
wait_screen 'Logged in as alice'

# An unanswered question does not hold the lock off: it locks again by
# itself; now bob logs in over it.
keys q
wait_screen 'Log out\?'
wait_screen 'This terminal is locked\.' 5
keys C-u
login_as bob demo
wait_screen 'Logged in as bob'

# Locked again; ^X asks, then logs bob's session out.
wait_screen 'This terminal is locked\.' 5
keys C-x
wait_screen 'End the locked session'
keys y
wait_screen 'Logged out\.'
expect_match 'Recorded footage review terminal' "$(screen)"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"

log_dump
grep '"action"' "$TMP/log.json" | grep -v '"config-loaded"' |
    sed 's/.*"actor":"\([^"]*\)","action":"\([^"]*\)".*/\2 \1/' > "$TMP/actions"
cat > "$TMP/want" <<-'EOF'
login alice
lock alice
login-failed alice
unlock alice
lock alice
logout alice
login bob
lock bob
logout bob
EOF
diff "$TMP/want" "$TMP/actions" || fail "the log holds other records than expected"
log_has '"actor":"alice","action":"lock".*"how":"idle"'
log_has '"actor":"alice","action":"login-failed".*"context":"unlock"'
log_has '"actor":"alice","action":"logout".*"by":"bob","how":"replaced"'
log_has '"actor":"bob","action":"logout".*"how":"lock-screen"'
stderr_clean
tm kill-server

# A password check slower (3 s) than the idle lock (2 s): the idle time
# counts from the end of the login, so the session gets its 2 s before it
# locks, not none.
login_build_module
login_service vigil "auth optional $TMP/pam_vigiltest.so delay=3000
auth required $MODDIR/pam_matrix.so passdb=$TMP/passdb
account required $MODDIR/pam_matrix.so passdb=$TMP/passdb
session required $MODDIR/pam_matrix.so passdb=$TMP/passdb"
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen 'This terminal is locked\.' 10
keys C-x
wait_screen 'End the locked session'
keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
log_dump
t_login=$(grep '"actor":"bob","action":"login"' "$TMP/log.json" | tail -1 |
    sed 's/.*"time_ms":\([0-9]*\).*/\1/')
t_lock=$(grep '"actor":"bob","action":"lock"' "$TMP/log.json" | tail -1 |
    sed 's/.*"time_ms":\([0-9]*\).*/\1/')
[ -n "$t_login" ] && [ -n "$t_lock" ] || fail "no login or lock of bob's in the log"
[ $((t_lock - t_login)) -ge 1900 ] ||
	fail "locked $((t_lock - t_login)) ms after a slow login, not 2 s"
exit 0
