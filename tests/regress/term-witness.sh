#!/bin/sh
# The terminal's witness lines through a real rsyslog pair (issue 13,
# section 3; see audit-witness.sh for the collector): a session's
# checkpoint arrives at logout; when heartbeat_minutes pass without a
# checkpoint the terminal makes a heartbeat (a heartbeat entry and a
# checkpoint), whose line arrives; a clean stop sends a stop line; and the
# log verifies against the collector's file; a heartbeat that cannot be
# logged shows as BROKEN on the login screen, one whose line cannot be
# sent says so there too.  Then the log and its key
# state are put back as they were before the heartbeat (a rollback): the
# DPO's integrity panel, given a copy of the collector's file, says
# FAILED.  vigil's clock is moved with libfaketime through a file the
# test rewrites, not by waiting 5 minutes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"
. "$(dirname "$0")/witness.lib"

FTLIB=
for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -f "$f" ] && { FTLIB=$f; break; }
done
[ -n "$FTLIB" ] || skip "libfaketime is not installed (faketime)"
command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 command"

login_env_setup
witness_start
# [audit] is the last section (the pin).
printf 'syslog_socket = %s\nheartbeat_minutes = 5\n' "$WITNESS_SOCKET" >>"$TMP/vigil.conf"

# vigil's clock: the offset in $FT, read at every call.  Under make
# check-date the moved clock (FAKETIME, which would take precedence over
# the file) becomes the file's starting offset.
base=0
case ${FAKETIME:-} in
'') ;;
*[!0-9s+-]*) skip "FAKETIME '$FAKETIME' is not an offset in seconds" ;;
*) base=${FAKETIME%s}; base=${base#+}; unset FAKETIME ;;
esac
FT=$TMP/faketime.rc
echo "+${base}s" >"$FT"
chmod 644 "$FT"
export FAKETIME_TIMESTAMP_FILE="$FT" FAKETIME_NO_CACHE=1
vigil_faketime() { printf ' %s' "$FTLIB"; }

vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Logged in as alice'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Username  _'
# The logout's checkpoint covers the session.
witness_wait_lines 1 'kind=checkpoint'
lines=$(grep -c 'vigil-witness v1 ' "$WITNESS_FILE")
# The copy a rollback restores (the database with its write-ahead log).
mkdir -p "$TMP/copy"
cp -p "$TMP/var/audit.db" "$TMP/var/audit.db-wal" "$TMP/var/audit.state" "$TMP/copy/"

# Six minutes later by vigil's clock; a key wakes the loop at once.
echo "+$((base + 360))s" >"$FT"
keys F5
witness_wait_lines $((lines + 1))
[ "$(sqlite3 "$TMP/var/audit.db" "SELECT count(*) FROM entry WHERE action =
	'heartbeat' AND actor = 'vigil' AND details = '{\"interval_s\":300}'")" = 1 ] ||
	fail "no heartbeat entry: $(sqlite3 "$TMP/var/audit.db" 'SELECT action FROM entry')"
# The heartbeat's checkpoint covers it: nothing is left after it.
[ "$(sqlite3 "$TMP/var/audit.db" "SELECT max(seq) + 1 = (SELECT max(n) FROM
	checkpoint) FROM entry")" = 1 ] || fail "the heartbeat is not checkpointed"
# No second one while the interval has not passed again.
keys F5; sleep 0.5
[ "$(grep -c 'vigil-witness v1 ' "$WITNESS_FILE")" = $((lines + 1)) ] ||
	fail "a heartbeat too many: $(cat "$WITNESS_FILE")"

# A clean stop: a stop line for the newest checkpoint.
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
witness_wait_lines 1 'kind=stop'
stderr_clean

expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" audit verify \
	--witness "$WITNESS_FILE"
expect_match 'verified from 1 sender, 0 unauthenticated' "$OUT"
expect_match 'witnessed: no rollback' "$OUT"

# The integrity panel, on the log as it was found and on a rollback.
mkdir -p "$TMP/media"
cp "$WITNESS_FILE" "$TMP/media/witness.log"
chmod 644 "$TMP/media/witness.log"
# panel VERDICT [REGEX]: vigil started, dora's integrity panel checks the
# copy of the collector's file, the panel says VERDICT (and, at its end,
# REGEX), and vigil stops cleanly.
panel() {
	vigil_start
	wait_screen 'Username  _'
	login_as dora demo
	wait_screen 'Filter: none'
	keys i
	wait_screen 'The witness \(a collector.s file\)'
	keys w
	wait_screen 'A witness file from the collector'
	type "$TMP/media/witness.log"; keys Enter
	wait_screen "$1\\. [0-9]+ lines of this log"
	if [ -n "${2:-}" ]; then
		keys End
		wait_screen "$2"
	fi
	keys Escape
	keys q; wait_screen 'a audit review'
	keys q; wait_screen 'Log out\?'; keys y
	wait_screen 'Username  _'
	keys C-c
	[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
}
panel WITNESSED

rm -f "$TMP/var/audit.db-shm"
mv "$TMP/copy/"* "$TMP/var/"
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" audit verify
# Started on the copy, vigil signed its own checkpoint 1 (a heartbeat):
# the log holds checkpoint 1 otherwise than the witness.
panel FAILED 'rewritten: the log holds checkpoint 1 differently'

# A heartbeat that cannot be logged (a trigger planted while vigil runs
# refuses every entry): the login screen says so, as BROKEN, and says it
# no more once one is logged again.
vigil_start
wait_screen 'Username  _'
sqlite3 "$TMP/var/audit.db" "CREATE TRIGGER no_entry BEFORE INSERT ON entry
	BEGIN SELECT RAISE(ABORT, 'planted'); END" || fail "cannot plant the trigger"
echo "+$((base + 1200))s" >"$FT"
keys F5
wait_screen 'audit log BROKEN: the heartbeat could not b'
expect_match 'log: BROKEN' "$(screen | head -n 1)"
sqlite3 "$TMP/var/audit.db" "DROP TRIGGER no_entry" || fail "cannot drop the trigger"
echo "+$((base + 1200 + 30))s" >"$FT"
keys F5
wait_gone 'heartbeat could not b' 20
# Forwarding down: the heartbeat is logged, its line is not sent, and
# the login screen says so until a line goes out again.
witness_stop_sender
echo "+$((base + 1800))s" >"$FT"
keys F5
wait_screen 'audit log: witness line of checkpoint [0-9]+ not'
witness_start_sender
echo "+$((base + 2400))s" >"$FT"
keys F5
wait_gone 'witness line of checkpoint' 20
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
