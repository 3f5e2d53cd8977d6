#!/bin/sh
# Checkpoints witnessed off the machine (issue 13, section 3), end to end:
# vigil writes to the private socket of a real rsyslogd (the sender, from
# dist/rsyslog/), which forwards over RELP to a second one on 127.0.0.1
# (the collector) writing the file 'vigil audit verify --witness' reads.
# Three writers' lines mixed pass; a rollback, a rewrite from a backed-up
# key state and a replaced log are each caught; a line written with
# logger neither hides a rollback nor makes a fork; and forwarding stopped
# while a rollback happens shows as a silence.  Each scenario has a log of
# its own, checked before the next one writes.  After every check,
# tests/audit_verify.py (a second verifier, written from vigil-audit(5)
# alone) checks the same log against the same file with the scenario's key
# file: its witness failures (the set of KINDs in '  FAILED: KIND: ...')
# and its exit status must be vigil's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/witness.lib"

# Without python3 and its cryptography module only the cross-check is
# left out.
PY=/usr/bin/python3
PYV=$TOP/tests/audit_verify.py
if ! [ -x "$PY" ] || ! "$PY" -c 'import cryptography.hazmat.primitives.asymmetric.ed25519' \
    2>/dev/null; then
	echo "no cross-check with tests/audit_verify.py: no $PY with its cryptography module (python3-cryptography)"
	PY=
fi

witness_start
chmod 755 "$TMP"
N=0

# new_log NAME: a log at $TMP/NAME.db, pinned in $TMP/NAME.conf, its
# witness lines to the sender; its key file is $TMP/NAME.keys.
new_log() {
	L=$1
	D=$TMP/$L.db S=$TMP/$L.state C=$TMP/$L.conf
	expect_status 0 "$VIGIL" audit init --db "$D" --state "$S" \
	    --print-keys "$TMP/$L.keys"
	printf '[paths]\naudit_db = %s\naudit_state = %s\n' "$D" "$S" >"$C"
	printf '%s\n' "$OUT" | sed -n '/^\[audit\]$/,$p' >>"$C"
	printf 'syslog_socket = %s\nheartbeat_minutes = 5\n' "$WITNESS_SOCKET" >>"$C"
	ID=$(sed -n 's/^log_id //p' "$TMP/$L.keys")
	KEYS=$TMP/$L.keys
}

# ckpt [TEXT]: a note and a checkpoint, and waits for its line to arrive.
ckpt() {
	expect_status 0 "$VIGIL" --config "$C" audit note "${1:-note}"
	expect_status 0 "$VIGIL" --config "$C" audit checkpoint
	N=$((N + 1))
	witness_wait_lines "$N"
}

# verify [ARGS]: vigil audit verify --witness; output in $OUT, status in
# $RC; then crosscheck.
verify() {
	OUT=$("$VIGIL" --config "$C" audit verify --witness "$WITNESS_FILE" "$@" 2>&1)
	RC=$?
	crosscheck --witness "$WITNESS_FILE" "$@"
}

# witness_kinds TEXT: the KINDs of its '  FAILED: KIND: ...' lines (the
# witness's; the log's own start at the margin), sorted, once each.
witness_kinds() {
	printf '%s\n' "$1" | sed -n 's/^  FAILED: \([a-z ]*\): .*/\1/p' |
	    sort -u | tr '\n' ','
}

# crosscheck ARGS: tests/audit_verify.py on $D with the witness ARGS and
# the key file of the identity vigil used (the --key-file in ARGS, else
# $KEYS, the one pinned in $C); the same witness KINDs and exit status as
# vigil's ($OUT, $RC), or fail with both outputs.
crosscheck() {
	[ -n "$PY" ] || return 0
	# ARGS without the --key-file pair, in order.
	_k=$KEYS _n=$#
	while [ "$_n" -gt 0 ]; do
		case $1 in
		--key-file) _k=$2; shift 2; _n=$((_n - 2)) ;;
		*) set -- "$@" "$1"; shift; _n=$((_n - 1)) ;;
		esac
	done
	POUT=$("$PY" "$PYV" "$D" --key-file "$_k" "$@" 2>&1)
	PRC=$?
	_vk=$(witness_kinds "$OUT") _pk=$(witness_kinds "$POUT")
	if [ "$PRC" != "$RC" ] || [ "$_pk" != "$_vk" ]; then
		fail "tests/audit_verify.py (exit $PRC, witness failures '$_pk') disagrees with vigil (exit $RC, '$_vk'):
-- vigil:
$OUT
-- tests/audit_verify.py --key-file $_k:
$POUT"
	fi
}

# 1. Three writers on one log at once, their lines mixed: witnessed.
new_log mixed
pids=
for w in 1 2 3; do
	( for i in 1 2 3; do
		"$VIGIL" --config "$C" audit note "writer $w note $i" >/dev/null &&
		"$VIGIL" --config "$C" audit checkpoint >/dev/null || exit 1
	done ) &
	pids="$pids $!"
done
# Only the writers: the rsyslogd of witness.lib are this shell's too.
for p in $pids; do
	wait "$p" || fail "a writer failed"
done
N=$((N + 9))
witness_wait_lines "$N"
[ "$(grep -c "log_id=$ID" "$WITNESS_FILE")" -eq 9 ] ||
	fail "9 lines of the mixed log expected: $(cat "$WITNESS_FILE")"
expect_match '^20[0-9-]+T[0-9:.]+[+-][0-9:]+ 127\.0\.0\.1 vigil\[[0-9]+\]: vigil-witness v1 kind=checkpoint log_id=' \
	"$(grep "log_id=$ID" "$WITNESS_FILE" | head -1)"
verify
[ "$RC" = 0 ] || fail "the mixed log is not witnessed ($RC): $OUT"
expect_match 'witness: 9 lines of this log in 1 file \(identity pinned in vigil.conf\), 9 verified from 1 sender, 0 unauthenticated' "$OUT"
expect_match 'newest witnessed: checkpoint 8 over 18 entries' "$OUT"

# 2. A rollback: the log and its key state copied aside, two checkpoints
# witnessed, the copy put back.  Consistent and signed, so verification
# alone says intact; a forged line written with logger for the next epoch
# changes nothing.
new_log rollback
ckpt; ckpt
cp -p "$D" "$D.copy"; cp -p "$S" "$S.copy"
ckpt; ckpt
mv "$D.copy" "$D"; mv "$S.copy" "$S"
expect_status 0 "$VIGIL" --config "$C" audit verify
expect_match '^intact: 4 entries, 2 checkpoints' "$OUT"
verify
[ "$RC" = 1 ] || fail "a rollback passes the witness ($RC): $OUT"
expect_match 'FAILED: rolled back: checkpoint 2 over 6 entries' "$OUT"
expect_match 'FAILED: rolled back: checkpoint 3 over 8 entries' "$OUT"
# logger: the lost epoch 2 again, signed by nobody vigil knows.
body=$(grep "log_id=$ID epoch=1 " "$WITNESS_FILE" | sed 's/.* body=\([0-9a-f]*\) .*/\1/')
sig=$(printf '%0128d' 0)
logger -u "$WITNESS_SOCKET" -d -p authpriv.notice -t vigil \
	"vigil-witness v1 kind=checkpoint log_id=$ID epoch=1 n=4 body=$body sig=$sig" ||
	fail "logger could not write to the sender"
N=$((N + 1))
witness_wait_lines "$N"
verify
[ "$RC" = 1 ] || fail "a logger line hid the rollback ($RC): $OUT"
expect_match 'FAILED: rolled back: checkpoint 2' "$OUT"
expect_match '1 unauthenticated' "$OUT"
case $OUT in *"fork"*) fail "a logger line made a fork: $OUT" ;; esac

# 3. A rewrite from a backed-up key state (a nightly copy of
# /var/lib/vigil): everything after the copy is replaced with other
# entries and checkpoints signed with the copy's key, which pk0 and even
# k0 accept; the witnessed checkpoint does not match.
new_log rewrite
ckpt
cp -p "$D" "$D.bak"; cp -p "$S" "$S.bak"
ckpt "what happened"
mv "$D.bak" "$D"; mv "$S.bak" "$S"
sed '/^syslog_socket/d' "$C" >"$C.quiet"; echo 'syslog_socket = none' >>"$C.quiet"
expect_status 0 "$VIGIL" --config "$C.quiet" audit note "what did not happen"
expect_status 0 "$VIGIL" --config "$C.quiet" audit checkpoint
expect_status 0 "$VIGIL" --config "$C" audit verify --key-file "$TMP/rewrite.keys"
expect_match '^intact' "$OUT"
verify
[ "$RC" = 1 ] || fail "a rewrite passes the witness ($RC): $OUT"
expect_match 'FAILED: rewritten: the log holds checkpoint 1 differently' "$OUT"
# Had the rewrite been sent, a second collector (another file, another
# sender) would hold the log's own checkpoint 1, which verifies too: two
# different checkpoints 1, a fork.  The line is written with python3, so
# this is checked only with it.
if [ -n "$PY" ]; then
	at=$(grep "log_id=$ID epoch=1 " "$WITNESS_FILE" | head -n 1 | cut -d' ' -f1)
	"$PY" - "$D" "$at" >"$TMP/rewrite.other" <<'PYEOF' || fail "cannot read checkpoint 1 of $D"
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
(n, body, sig) = con.execute(
    "SELECT n, body, sig FROM checkpoint WHERE epoch = 1").fetchone()
print("%s 192.0.2.1 vigil[1]: vigil-witness v1 kind=checkpoint log_id=%s "
      "epoch=1 n=%d body=%s sig=%s"
      % (sys.argv[2], body[8:24].hex(), n, body.hex(), sig.hex()))
PYEOF
	verify --witness "$TMP/rewrite.other"
	[ "$RC" = 1 ] || fail "a fork passes the witness ($RC): $OUT"
	expect_match 'FAILED: fork: ' "$OUT"
	expect_match 'FAILED: rewritten: the log holds checkpoint 1 differently' "$OUT"
fi

# 4. A replaced log: a fresh 'audit init' in its place, the pin in
# vigil.conf rewritten to it.  Verified with the DPO's own key file, the
# witness shows the sender going on with another log.
new_log replaced
ckpt; ckpt
OLDC=$C OLDKEYS=$TMP/replaced.keys OLDD=$D OLDS=$S
rm -f "$OLDD" "$OLDS" "$OLDD-wal" "$OLDD-shm"
expect_status 0 "$VIGIL" audit init --db "$OLDD" --state "$OLDS" \
    --print-keys "$TMP/replaced-new.keys"
{ printf '[paths]\naudit_db = %s\naudit_state = %s\n' "$OLDD" "$OLDS"
  printf '%s\n' "$OUT" | sed -n '/^\[audit\]$/,$p'
  printf 'syslog_socket = %s\n' "$WITNESS_SOCKET"; } >"$OLDC"
ckpt
verify --key-file "$OLDKEYS"
[ "$RC" = 1 ] || fail "a replaced log passes ($RC): $OUT"
expect_match 'FAILED: replaced: 127\.0\.0\.1 sent a line of another log' "$OUT"
# With the rewritten pin, the new log is witnessed but said to have taken
# another's place.
KEYS=$TMP/replaced-new.keys
verify
expect_match 'this log took its place' "$OUT"

# 5. Forwarding stopped, checkpoints lost, a rollback meanwhile, and the
# collector's clock 15 minutes on when lines arrive again: the silence
# (more than twice the 5-minute heartbeat, no stop before it) fails.
new_log gap
ckpt; ckpt
cp -p "$D" "$D.copy"; cp -p "$S" "$S.copy"
witness_stop_sender
expect_status 0 "$VIGIL" --config "$C" audit note "lost"
expect_status 0 "$VIGIL" --config "$C" audit checkpoint
mv "$D.copy" "$D"; mv "$S.copy" "$S"
witness_restart_collector +15m
witness_start_sender
ckpt "after"
verify
[ "$RC" = 1 ] || fail "a silence passes ($RC): $OUT"
expect_match 'FAILED: silence: no line from .* to .* \(15 min, more than twice the 5 min heartbeat\) with no stop before it' "$OUT"
exit 0
