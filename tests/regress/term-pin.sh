#!/bin/sh
# The log's identity pinned in vigil.conf, at the terminal (issue 13,
# section 2): a pinned log shows "not anchored" until its first checkpoint,
# then intact; without a pin the same log shows
# UNPINNED (and playback goes on); a log that is not the pinned one (a
# fresh log put in its place) is BROKEN before anyone logs in, a viewer is
# refused and logged, the DPO gets in and the integrity panel shows the
# log's whole identity.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
grep -q '^pk0 = ' "$TMP/vigil.conf" || fail "the test configuration is not pinned"

# Pinned, the same log, no checkpoint yet: not anchored.
vigil_start
wait_screen 'Username  _'
wait_screen 'log: not anchored'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server
# A checkpoint (as root the log is the service account's: made as root,
# then handed back): intact.
A="--db $TMP/var/audit.db --state $TMP/var/audit.state"
[ "$(id -u)" = 0 ] && chown -R 0:0 "$TMP/var"
"$VIGIL" audit checkpoint $A >/dev/null 2>&1 || fail "checkpoint"
[ "$(id -u)" = 0 ] && chown -R "$SVC_UID:$SVC_UID" "$TMP/var"
vigil_start
wait_screen 'Username  _'
wait_screen 'log: intact'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

# No pin: the same log is UNPINNED, and alice still plays footage.
cp "$TMP/vigil.conf" "$TMP/pinned.conf"
grep -v '^log_id = \|^pk0 = ' "$TMP/pinned.conf" >"$TMP/vigil.conf"
vigil_start
wait_screen 'Username  _'
wait_screen 'log: UNPINNED'
login_as alice demo
wait_screen 'entrance'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

# Another log pinned (the real one was replaced, or the pin is another
# log's): BROKEN on the login screen, a viewer refused, the DPO let in.
"$VIGIL" audit init --db "$TMP/other.db" --state "$TMP/other.state" >"$TMP/other.out" 2>&1 ||
    fail "a second log: $(cat "$TMP/other.out")"
other_id=$(sed -n 's/^log_id = //p' "$TMP/other.out")
sed "s/^log_id = .*/log_id = $other_id/" "$TMP/pinned.conf" >"$TMP/vigil.conf"
vigil_start
wait_screen 'Username  _'
wait_screen 'audit log BROKEN: it is not the log pinned'
screen | head -1 | grep -q 'BROKEN' || fail "the title bar does not say BROKEN: $(screen | head -1)"
login_as alice demo
wait_screen 'may log in now'
keys C-u BTab C-u
login_as dora demo
wait_screen 'Filter: '
keys i
wait_screen 'Identity \(compare with your own copy\)'
real_id=$(sed -n 's/^log_id = //p' "$TMP/pinned.conf")
expect_match "log_id $real_id" "$(screen)"
expect_match 'pk0 +([0-9a-f]{4} ){7}' "$(screen)"
keys Escape
keys q
wait_screen 'a audit review  l lock  q log out'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
log_dump
log_has '"action":"login-failed".*"stage":"roles"'
[ "$(grep '"action":"login"' "$TMP/log.json" | grep -c '"actor":"alice"')" = 1 ] ||
    fail "alice logged in while the log was not the pinned one"
stderr_clean
exit 0
