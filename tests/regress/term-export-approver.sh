#!/bin/sh
# The export wizard's approval (issue 12): an approver's name longer than
# 255 bytes, or a password longer than 511, is refused untried and logged
# (login-failed, context approval, stage input), never cut to a prefix and
# passed to PAM: here the name's first 255 bytes are an auditor's account
# with the same password, so a cut name would approve.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

command -v minisign >/dev/null 2>&1 || skip "minisign is not installed"

term_env_setup
U255=$(head -c 255 /dev/zero | tr '\0' u)
echo "$U255:x:1006:1006:Long:/nonexistent:/bin/false" >> "$TMP/passwd"
echo "$U255:x:1006:" >> "$TMP/group"
sed -i "s/^vigil-auditor:x:2003:dora\$/vigil-auditor:x:2003:dora,$U255/" "$TMP/group"
grep -q "^vigil-auditor:.*,$U255\$" "$TMP/group" || fail "the long name is not an auditor"
echo "$U255:demo:vigil" >> "$TMP/passdb"
mkdir -p "$TMP/out" "$TMP/keys"
"$VIGIL" keygen --key "$TMP/keys/vigil-export.key" --no-passphrase \
    >"$TMP/keygen.log" 2>&1 || fail "keygen: $(cat "$TMP/keygen.log")"
sed -i -e "/^\[paths\]/a export_roots = $TMP/out" \
    -e "/^\[export\]/a signing_key = $TMP/keys/vigil-export.key" \
    "$TMP/vigil.conf"
if [ "$(id -u)" = 0 ]; then
	chown -R "$SVC_UID:$SVC_UID" "$TMP/out" "$TMP/keys"
fi
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" config check

vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen '> entrance'
keys e
wait_screen 'step 1 of 4: Range'
keys Enter
wait_screen 'step 2 of 4: Purpose'
keys P
wait_screen '\(.\) POLICE'
keys Tab; type '2026/1234'
keys Tab; type 'Police district'
keys Tab; type 'Officer Virtanen'
keys Tab; type 'Police of Eastern Uusimaa'
keys Enter
wait_screen 'step 3 of 4: Mode'
keys Enter
wait_screen 'step 4 of 4: Target'
keys Enter
wait_screen 'approves this export'
# 256 bytes: the auditor's name and one byte more.
type "${U255}x"; keys Enter; type demo; keys Enter
wait_screen 'Not approved: That user name is too long'
screen | grep -q 'The export is' && fail "a name over 255 bytes approved"
# 600 bytes of password after a right name: refused untried.
keys BTab C-u; type dora; keys Enter
type "$(head -c 600 /dev/zero | tr '\0' p)"; keys Enter
wait_screen 'Not approved: That password is too long'
keys Escape
log_dump
[ "$(log_count '"action":"export-approved"')" -eq 0 ] || fail "an export was approved"
[ "$(log_count '"action":"export-start"')" -eq 0 ] || fail "an export was started"
[ "$(log_count '"action":"login-failed".*"context":"approval".*"error":"user name longer than 255 bytes".*"stage":"input"')" -eq 1 ] ||
    { cat "$TMP/log.json"; fail "no login-failed for the long name"; }
[ "$(log_count '"action":"login-failed".*"context":"approval".*"error":"password longer than 511 bytes".*"stage":"input"')" -eq 1 ] ||
    { cat "$TMP/log.json"; fail "no login-failed for the long password"; }
exit 0
