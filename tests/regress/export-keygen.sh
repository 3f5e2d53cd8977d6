#!/bin/sh
# vigil keygen and vigil verify from the command line.
. "$(dirname "$0")/lib.sh"

K=$TMP/keys/site.key
mkdir -p "$TMP/keys"
# Not on a terminal and no passphrase option: refused, nothing written.
expect_status 2 "$VIGIL" keygen --key "$K" </dev/null
expect_match 'passphrase-file|no-passphrase' "$OUT"
[ ! -e "$K" ] || fail "a key was written without a passphrase decision"

printf 'correct horse battery\n' > "$TMP/pass"
expect_status 0 "$VIGIL" keygen --key "$K" --passphrase-file "$TMP/pass"
expect_match 'key id +[0-9A-F]{16}' "$OUT"
expect_match 'public key +RW[A-Za-z0-9+/]{54}' "$OUT"
expect_match 'fingerprint +([0-9a-f]{4} ){15}[0-9a-f]{4}' "$OUT"
expect_match 'trusted_keys = RW' "$OUT"
[ "$(stat -c %a "$K")" = 600 ] || fail "secret key mode $(stat -c %a "$K")"
head -n 1 "$K" | grep -q 'encrypted secret key' || fail "key not encrypted"
expect_status 2 "$VIGIL" keygen --key "$K" --no-passphrase
expect_match 'already exists' "$OUT"
expect_status 0 "$VIGIL" keygen --show --key "$K"
id=$(printf '%s\n' "$OUT" | sed -n 's/^key id  *//p')
expect_match '^[0-9A-F]{16}$' "$id"
expect_match "minisign public key $id" "$OUT"

# The public key works with stock minisign: sign with vigil's format is
# covered by the unit tests; here the key file must parse.
printf 'x\n' > "$TMP/f"
minisign -Vm "$TMP/f" -p "$K.pub" -x /dev/null 2>/dev/null && fail "verified nothing"

expect_status 0 "$VIGIL" keygen --key "$TMP/keys/plain.key" --no-passphrase
head -n 1 "$TMP/keys/plain.key" | grep -q 'encrypted' && fail "plain key says encrypted"
printf '\n' > "$TMP/empty"
expect_status 2 "$VIGIL" keygen --key "$TMP/keys/other.key" --passphrase-file "$TMP/empty"

# vigil verify on things that are not bundles.
expect_status 2 "$VIGIL" verify "$TMP/nothing-here"
mkdir "$TMP/empty-dir"
expect_status 2 "$VIGIL" verify "$TMP/empty-dir"
expect_match 'no signing key is pinned' "$OUT"
expect_status 2 "$VIGIL" verify --pubkey "$K.pub" "$TMP/empty-dir"
expect_match 'public key' "$OUT"
expect_status 2 "$VIGIL" verify
exit 0
