#!/bin/sh
# The audit log's state on the login screen and in the title bar: the
# newest checkpoint's signature is checked at start and said so, and a log
# whose newest checkpoint was tampered with is shown as BROKEN, in red
# words, before anyone logs in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
A="--db $TMP/var/audit.db --state $TMP/var/audit.state"
# As root the log belongs to the service account: written as root, then
# handed back.
[ "$(id -u)" = 0 ] && chown -R 0:0 "$TMP/var"
"$VIGIL" audit note $A "before the checkpoint" >/dev/null || fail "note"
"$VIGIL" audit checkpoint $A >/dev/null || fail "checkpoint"
[ "$(id -u)" = 0 ] && chown -R "$SVC_UID:$SVC_UID" "$TMP/var"
vigil_start
wait_screen 'Username  _'
wait_screen "audit log: checkpoint [0-9]+ checked, just now"
wait_screen 'log: intact'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

# One byte of the newest checkpoint's signature changed.
epoch=$(sqlite3 "$TMP/var/audit.db" 'SELECT max(epoch) FROM checkpoint')
sqlite3 "$TMP/var/audit.db" "UPDATE checkpoint SET sig = zeroblob(64) WHERE epoch = $epoch" ||
	fail "sqlite3"
vigil_start
wait_screen 'Username  _'
wait_screen 'audit log BROKEN: the signature'
screen | head -1 | grep -q 'BROKEN' || fail "the title bar does not say BROKEN: $(screen | head -1)"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
