#!/bin/sh
# The gaps in verification of issue 13, section 4, from the command line:
# a log with no checkpoint is "consistent, not anchored" (exit 3, never 0);
# a planted trigger or table is refused by note and failed by verify; a
# forged key state is refused; a damaged frontier fails verify, and the
# checkpoints it stops are reported by the note that was due one.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 command"
[ -x "$PY" ] || skip "no $PY"
D=$TMP/audit.db S=$TMP/audit.state K=$TMP/keys.txt C=$TMP/vigil.conf

printf '[audit]\ncheckpoint_every = 3\n' >"$C"
expect_status 0 "$VIGIL" --config "$C" audit init --db "$D" --state "$S" \
	--print-keys "$K"
expect_match 'checkpoint_every 3' "$OUT"
grep -q '^checkpoint_every 3$' "$K" || fail "key file has no checkpoint_every line"

# A chain alone is not anchored: exit 3, whatever the keys.
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "one"
expect_status 3 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match '^consistent, not anchored: 1 entries, 0 checkpoints' "$OUT"
expect_status 3 "$VIGIL" audit verify --db "$D"
expect_status 0 "$VIGIL" audit checkpoint --db "$D" --state "$S"
expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match '^intact: 2 entries, 1 checkpoints' "$OUT"

# A planted trigger that drops rows: the note is refused, never "logged
# as entry N", and verify names it.
sqlite3 "$D" "CREATE TRIGGER vigil_drop BEFORE INSERT ON entry BEGIN
	SELECT RAISE(IGNORE); END" || fail "cannot plant the trigger"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" "two"
expect_match 'trigger vigil_drop' "$OUT"
printf '%s\n' "$OUT" | grep -q 'logged as entry' && fail "a dropped row was reported logged"
expect_status 1 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match '^FAILED: schema: .*trigger vigil_drop' "$OUT"
sqlite3 "$D" "DROP TRIGGER vigil_drop; CREATE TABLE notes(x)" ||
	fail "cannot plant the table"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" "two"
expect_match 'table notes' "$OUT"
expect_status 1 "$VIGIL" audit verify --db "$D"
expect_match '^FAILED: schema' "$OUT"
sqlite3 "$D" "DROP TABLE notes" || fail "cannot drop the table"
expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K"

# A key state with another MAC key and seed, its counters current.
cp -p "$S" "$TMP/state.good"
"$PY" - "$S" <<'EOF' || fail "cannot forge the state"
import hashlib, os, sys
p = sys.argv[1]
st = bytearray(open(p, "rb").read())
assert len(st) == 168 and st[:8] == b"VIGKEY2\0"
st[32:64] = os.urandom(32)      # k
st[72:104] = os.urandom(32)     # s
st[136:] = hashlib.blake2b(bytes(st[:136]), digest_size=32).digest()
open(p, "wb").write(st)
EOF
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" "forged"
expect_match 'does not match' "$OUT"
cp -p "$TMP/state.good" "$S"

# A damaged frontier: verify fails; the checkpoint on demand fails; a note
# due an automatic checkpoint is logged with a warning; once more than
# checkpoint_every entries are uncovered, verify says so too (after the
# frontier, which comes first).
sqlite3 "$D" "UPDATE checkpoint SET frontier = randomblob(length(frontier))
	WHERE epoch = 0" || fail "cannot damage the frontier"
expect_status 1 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match '^FAILED at seq 0: checkpoint frontier' "$OUT"
expect_status 2 "$VIGIL" audit checkpoint --db "$D" --state "$S"
expect_match 'frontier' "$OUT"
expect_status 0 "$VIGIL" --config "$C" audit note --db "$D" --state "$S" "three"
expect_status 0 "$VIGIL" --config "$C" audit note --db "$D" --state "$S" "four"
expect_match 'WARNING: .*no checkpoint can be made' "$OUT"
expect_status 0 "$VIGIL" audit show --db "$D" --format csv
expect_match 'four' "$OUT"
exit 0
