#!/bin/sh
# A user name longer than 255 bytes (issue 12): refused on the login
# screen without being tried and logged as login-failed (stage input, its
# length), never cut to its first 255 bytes and passed to PAM: here those
# 255 bytes are a real account with the same password, so a cut name would
# log in.  A name of exactly 255 bytes logs in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup
U255=$(head -c 255 /dev/zero | tr '\0' u)
echo "$U255:x:1006:1006:Long:/nonexistent:/bin/false" >> "$TMP/passwd"
echo "$U255:x:1006:" >> "$TMP/group"
sed -i "s/^vigil-viewer:x:2001:alice,bob\$/vigil-viewer:x:2001:alice,bob,$U255/" "$TMP/group"
grep -q "^vigil-viewer:.*,$U255\$" "$TMP/group" || fail "the long name is not a viewer"
echo "$U255:demo:vigil" >> "$TMP/passdb"

vigil_start
wait_screen 'Username  _'
# 255 bytes: a name vigil takes.
login_as "$U255" demo
wait_screen 'Logged in as u+'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'

# 256 bytes: the same account's name and one byte more.
login_as "${U255}x" demo
wait_screen 'That user name is too long \(more than 255 bytes\); it was'
expect_match 'not tried\.' "$(screen)"
screen | grep -q 'Logged in' && fail "a name over 255 bytes logged in"
# Far longer (a paste): the same.
keys BTab C-u
login_as "$(head -c 4000 /dev/zero | tr '\0' u)" demo
wait_screen 'That user name is too long'
screen | grep -q 'Logged in' && fail "a 4000-byte name logged in"
keys C-c
st=$(vigil_exit_status)
[ "$st" = 0 ] || { cat "$TMP/stderr"; fail "vigil exited $st"; }

log_dump
[ "$(log_count '"action":"login"')" -eq 1 ] || { cat "$TMP/log.json"; fail "expected one login"; }
[ "$(log_count '"action":"login-failed".*"stage":"input"')" -eq 2 ] ||
    { cat "$TMP/log.json"; fail "expected two login-failed at stage input"; }
# The name as typed, all 256 bytes, in hex.
log_has '"action":"login-failed".*"error":"user name longer than 255 bytes","name_hex":"(75){255}78"'
stderr_clean
exit 0
