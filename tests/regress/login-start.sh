#!/bin/sh
# Starting the terminal: without a terminal it refuses (as under CI), a bad
# configuration is refused with its line, an audit log that cannot be
# opened is shown in red and no one can log in, and a resized terminal is
# redrawn.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup

# No terminal on standard input.
expect_status 2 "$VIGIL" --config "$TMP/vigil.conf" < /dev/null
expect_match 'needs a terminal' "$OUT"

# A bad configuration: refused before anything starts.
cp "$TMP/vigil.conf" "$TMP/good.conf"
printf '[session]\nidle_lock = soon\n' >> "$TMP/vigil.conf"
vigil_start
[ "$(vigil_exit_status)" = 2 ] || fail "vigil started with a bad configuration"
grep -q 'vigil.conf:[0-9]*:.*idle_lock' "$TMP/stderr" ||
	fail "no message naming the bad line: $(cat "$TMP/stderr")"
tm kill-server
: > "$TMP/stderr"

# The audit log is missing: shown, and logins are refused.
sed "s|$TMP/var/audit.db|$TMP/var/none.db|" "$TMP/good.conf" > "$TMP/vigil.conf"
vigil_start
wait_screen 'log: NOT OPEN'
expect_match 'audit log cannot be written' "$(screen)"
login_as alice demo
wait_screen 'Login refused: the audit log cannot be written'
screen | grep -q 'Logged in' && fail "a login without an audit log"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

# Resizing redraws the form; a tiny terminal does not crash it.
cp "$TMP/good.conf" "$TMP/vigil.conf"
vigil_start
wait_screen 'Username  _'
tm resize-window -t vigil -x 50 -y 16
wait_screen '^ vigil · Test'
expect_match 'Username  _' "$(screen)"
tm resize-window -t vigil -x 20 -y 5
sleep 0.2
tm resize-window -t vigil -x 100 -y 30
wait_screen 'Password  _'
login_as dora demo
# An auditor who views no footage starts on the audit review; q shows the
# screen after login.
wait_screen 'Filter: none'
keys q
wait_screen 'Logged in as dora'
expect_match 'review, report on and verify the audit log' "$(screen)"
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
[ -s "$TMP/stderr" ] && fail "vigil wrote to stderr: $(cat "$TMP/stderr")"
stderr_clean
exit 0
