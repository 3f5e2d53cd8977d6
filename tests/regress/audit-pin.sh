#!/bin/sh
# The log's identity pinned in vigil.conf (issue 13, section 2), from the
# command line: audit init prints the lines to pin; a pinned log verifies
# as pinned; a log replaced by a fresh init, or one whose checkpoints were
# re-signed under a new pk0, fails against the pin although it is
# consistent in itself; unpinned, verify and config check say UNPINNED;
# --key-file names a log whose pk0 differs from the file's; malformed or
# half pins are refused.
. "$(dirname "$0")/lib.sh"

D=$TMP/audit.db S=$TMP/audit.state K=$TMP/keys.txt C=$TMP/vigil.conf

expect_status 0 "$VIGIL" audit init --db "$D" --state "$S" --print-keys "$K"
expect_match '^\[audit\]$' "$OUT"
ID=$(printf '%s\n' "$OUT" | sed -n 's/^log_id = //p')
PK=$(printf '%s\n' "$OUT" | sed -n 's/^pk0 = //p')
expect_match '^[0-9a-f]{32}$' "$ID"
expect_match '^[0-9a-f]{64}$' "$PK"
[ "$ID" = "$(sed -n 's/^log_id //p' "$K")" ] || fail "the printed log_id is not the key file's"
[ "$PK" = "$(sed -n 's/^pk0 //p' "$K")" ] || fail "the printed pk0 is not the key file's"
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "first"
expect_status 0 "$VIGIL" audit checkpoint --db "$D" --state "$S"

# Unpinned: intact, but said to be unanchored, and config check warns.
printf '[paths]\naudit_db = %s\naudit_state = %s\n' "$D" "$S" >"$C"
expect_status 0 "$VIGIL" --config "$C" audit verify
expect_match 'UNPINNED' "$OUT"
expect_status 0 "$VIGIL" --config "$C" config check
expect_match 'not pinned' "$OUT"

# Pinned: the pin is what the checkpoints are checked against.
printf '[audit]\nlog_id = %s\npk0 = %s\n' "$ID" "$PK" >>"$C"
expect_status 0 "$VIGIL" --config "$C" config check
case $OUT in *"not pinned"*) fail "config check warns of a pinned log" ;; esac
expect_match "^log_id = $ID$" "$OUT"
expect_status 0 "$VIGIL" --config "$C" audit verify
expect_match 'pinned with the log_id in vigil.conf' "$OUT"

# The log replaced by a fresh one at the same place: consistent in itself,
# refused against the pin.
mv "$D" "$TMP/orig.db"; mv "$S" "$TMP/orig.state"
rm -f "$D-wal" "$D-shm"
expect_status 0 "$VIGIL" audit init --db "$D" --state "$S" --print-keys "$TMP/k2"
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "replacement"
expect_status 0 "$VIGIL" audit checkpoint --db "$D" --state "$S"
expect_status 0 "$VIGIL" audit verify --db "$D"
expect_status 1 "$VIGIL" --config "$C" audit verify
expect_match 'FAILED' "$OUT"
# The DPO's own key file names the difference.
expect_status 1 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match "the log's log_id differs from the key file's" "$OUT"

# Re-keyed: the original log's meta given a new pk0 (root's edit), so the
# log vouches for itself under that key: the pin still refuses it.
rm -f "$D" "$S" "$D-wal" "$D-shm"
mv "$TMP/orig.db" "$D"; mv "$TMP/orig.state" "$S"
expect_status 0 "$VIGIL" --config "$C" audit verify
NEWPK=$(sed -n 's/^pk0 //p' "$TMP/k2")
sqlite3 "$D" "UPDATE meta SET value = x'$NEWPK' WHERE key = 'pk0'" 2>/dev/null ||
    fail "cannot edit the meta table: $(sqlite3 "$D" .schema)"
expect_status 1 "$VIGIL" --config "$C" audit verify
expect_match 'FAILED' "$OUT"

# Malformed pins and a half pin are refused when the configuration loads.
printf '[audit]\nlog_id = %s\n' "$ID" >"$TMP/half.conf"
expect_status 1 "$VIGIL" --config "$TMP/half.conf" config check
expect_match 'log_id and pk0 together' "$OUT"
printf '[audit]\nlog_id = xyz\npk0 = %s\n' "$PK" >"$TMP/bad.conf"
expect_status 1 "$VIGIL" --config "$TMP/bad.conf" config check
expect_match 'not 32 hex digits' "$OUT"
exit 0
