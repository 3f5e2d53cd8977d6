#!/bin/sh
# A checkpoint the terminal cannot make (issue 13, section 4) is shown at
# once: the entries are logged, but the title bar says BROKEN and the login
# screen says why, and the log holds a checkpoint-failed entry.  Here a
# trigger planted while vigil runs drops every checkpoint row it writes
# (vigil refuses such a log at open, so it is planted after), with
# checkpoint_every = 1 so that the login is due one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 command"
login_env_setup
# [audit] is the last section (the pin): one entry between checkpoints.
printf 'checkpoint_every = 1\n' >>"$TMP/vigil.conf"
vigil_start
wait_screen 'Username  _'
# The verification at start is over before the trigger is planted: what
# the title bar says next is not its finding.  (Whether the checkpoint
# after the start's own entries is made before the verification reads the
# log is a race: either verdict is right.)
wait_screen 'log: (intact|not anchored)'
sqlite3 "$TMP/var/audit.db" "CREATE TRIGGER drop_ckpt BEFORE INSERT ON
	checkpoint BEGIN SELECT RAISE(IGNORE); END" || fail "cannot plant the trigger"
login_as adam demo
wait_screen 'Your roles do not include viewing'
screen | head -1 | grep -q 'log: BROKEN' ||
	fail "the title bar does not say BROKEN: $(screen | head -1)"
keys q; wait_screen 'Log out\?'; keys y
# The login screen's line says why (the logout's own checkpoint failed too).
wait_screen 'audit log BROKEN: entries are logged'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
[ "$(sqlite3 "$TMP/var/audit.db" "SELECT count(*) FROM entry WHERE action =
	'checkpoint-failed'")" -ge 1 ] || fail "no checkpoint-failed entry"
[ "$(sqlite3 "$TMP/var/audit.db" "SELECT count(*) FROM entry WHERE action =
	'login' AND actor = 'adam'")" -eq 1 ] || fail "the login was not logged"
exit 0
