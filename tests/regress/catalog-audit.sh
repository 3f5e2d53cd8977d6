# vigil catalog scan logs config-loaded (with the BLAKE2b-256 of the file)
# when the configured audit log exists, and scans on with a clear message
# when it cannot be opened.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/rec/cam/2026-11-20"
: >"$TMP/rec/cam/2026-11-20/08-00-00.mp4"
cat >"$TMP/vigil.conf" <<CONF
[paths]
recorder = $TMP/rec
catalog_db = $TMP/catalog.db
audit_db = $TMP/audit.db
audit_state = $TMP/audit.state
CONF
V="$VIGIL --config $TMP/vigil.conf"

# No audit log yet: nothing to log, nothing said.
expect_status 0 $V catalog scan
case $OUT in *audit*) fail "mentions the audit log: $OUT" ;; esac

"$VIGIL" audit init --db "$TMP/audit.db" --state "$TMP/audit.state" \
    --print-keys "$TMP/keys.txt" >/dev/null 2>&1 ||
    skip "vigil audit init is not available"
expect_status 0 $V catalog scan
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" audit show --action config-loaded --format json
hash=$(b2sum -l 256 "$TMP/vigil.conf" | cut -d' ' -f1)
expect_match "\"blake2b\": *\"$hash\"" "$OUT"
expect_match "\"path\": *\"$TMP/vigil.conf\"" "$OUT"

# The log cannot be opened (its key state is gone): said, and the scan goes on.
mv "$TMP/audit.state" "$TMP/audit.state.away"
expect_status 0 $V catalog scan
expect_match 'audit log: .*scanning without logging config-loaded' "$OUT"
expect_match '1 unchanged' "$OUT"
