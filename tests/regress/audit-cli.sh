#!/bin/sh
# vigil audit from the command line: init, note, show, checkpoint, verify,
# and each kind of bad input with its message and exit status.
. "$(dirname "$0")/lib.sh"

D=$TMP/audit.db S=$TMP/audit.state K=$TMP/keys.txt

expect_status 0 "$VIGIL" audit init --db "$D" --state "$S" --print-keys "$K"
expect_match 'k0 +[0-9a-f]{64}' "$OUT"
expect_match 'SECRET' "$OUT"
[ "$(stat -c %a "$K")" = 600 ] || fail "key file mode is $(stat -c %a "$K")"
[ "$(stat -c %a "$S")" = 600 ] || fail "state mode is $(stat -c %a "$S")"
grep -Eq '^log_id [0-9a-f]{32}$' "$K" || fail "key file has no log_id line"
grep -Eq '^pk0 [0-9a-f]{64}$' "$K" || fail "key file has no pk0 line"

# Never overwrites.
expect_status 2 "$VIGIL" audit init --db "$D" --state "$TMP/other.state"
expect_match 'already exists' "$OUT"
[ ! -e "$TMP/other.state" ] || fail "a second state was created"

expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "camera 3 moved to the north door"
expect_match 'logged as entry 0' "$OUT"
expect_status 0 "$VIGIL" audit note --attest --db "$D" --state "$S" "reviewed November, nothing found"
expect_status 0 "$VIGIL" audit show --db "$D" --format json
expect_match '"action":"attest"' "$OUT"
expect_match '"text":"camera 3 moved to the north door"' "$OUT"
expect_status 0 "$VIGIL" audit show --db "$D" --action note --format csv
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ] || fail "csv: expected header + 1 row: $OUT"
expect_status 0 "$VIGIL" audit show --db "$D" --from 2000-01-01 --to 2000-01-02
expect_status 2 "$VIGIL" audit show --db "$D" --from yesterday
expect_match 'not a time' "$OUT"
expect_status 2 "$VIGIL" audit show --db "$D" --format xml

# Refused notes: empty, over 4 KiB, not UTF-8.  Nothing is added.
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" ""
big=$(head -c 4097 /dev/zero | tr '\0' x)
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" "$big"
expect_match 'at most 4096' "$OUT"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" "$(printf 'bad \377\376 bytes')"
expect_match 'UTF-8' "$OUT"

# A hostile note is stored as given and shown without control bytes.
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "$(printf 'evil \033[2J\033]0;owned\007 text')"
expect_status 0 "$VIGIL" audit show --db "$D" --format table
printf '%s' "$OUT" | grep -q "$(printf '\033')" && fail "table shows an escape byte"

# Checkpoint on demand, exported; verify against it.
expect_status 0 "$VIGIL" audit checkpoint --db "$D" --state "$S" --export "$TMP/c1"
expect_match 'checkpoint 0 covers 4 entries' "$OUT"
grep -Eq '^body [0-9a-f]{288}$' "$TMP/c1" || fail "exported checkpoint has no body"
expect_status 2 "$VIGIL" audit checkpoint --db "$D" --state "$S" --export "$TMP/c1"
expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K" --against "$TMP/c1"
expect_match '^intact: 4 entries, 1 checkpoints' "$OUT"
expect_match 'matches the checkpoint 0' "$OUT"
expect_status 0 "$VIGIL" audit verify --db "$D" --pk "$(sed -n 's/^pk0 //p' "$K")"
expect_status 2 "$VIGIL" audit verify --db "$D" --pk 1234
expect_status 0 "$VIGIL" audit show --db "$D" --action checkpoint --format json
expect_match '"export":' "$OUT"

# Tampering is reported with the seq and the kind, exit 1.
cp "$D" "$TMP/t.db"; [ -e "$D-wal" ] && cp "$D-wal" "$TMP/t.db-wal"
sqlite3 "$TMP/t.db" "UPDATE entry SET actor = 'mallory' WHERE seq = 1" || fail sqlite3
expect_status 1 "$VIGIL" audit verify --db "$TMP/t.db" --key-file "$K"
expect_match '^FAILED at seq 1: edited' "$OUT"

# A wrong key file: MAC failure at seq 0.
sed 's/^k0 .*/k0 0000000000000000000000000000000000000000000000000000000000000000/' "$K" > "$TMP/wrong"
expect_status 1 "$VIGIL" audit verify --db "$D" --key-file "$TMP/wrong"
expect_match '^FAILED at seq 0: MAC' "$OUT"

# Missing, not a log, not a database.
expect_status 2 "$VIGIL" audit verify --db "$TMP/none.db"
expect_match 'No such file' "$OUT"
expect_status 2 "$VIGIL" audit note --db "$TMP/none.db" --state "$S" x
expect_match 'does not exist' "$OUT"
printf 'hello, I am not a database at all, not even close; just bytes here\n' > "$TMP/text.db"
expect_status 2 "$VIGIL" audit verify --db "$TMP/text.db"
expect_match 'not a vigil audit log' "$OUT"
expect_status 2 "$VIGIL" audit note --db "$TMP/text.db" --state "$S" x
expect_match 'not a vigil audit log' "$OUT"

# State file missing, wrong mode, symlink: appends refused, no new chain.
mv "$S" "$S.away"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" x
expect_match 'missing' "$OUT"
[ ! -e "$S" ] || fail "a new state was created"
mv "$S.away" "$S"
chmod 644 "$S"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" x
expect_match 'mode 0644' "$OUT"
chmod 600 "$S"
ln -s "$S" "$TMP/link.state"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$TMP/link.state" x
expect_match 'symbolic link' "$OUT"

expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match '^intact: 4 entries' "$OUT"
expect_status 2 "$VIGIL" audit bogus
expect_status 0 "$VIGIL" audit --help
expect_match 'vigil audit verify' "$OUT"
exit 0
