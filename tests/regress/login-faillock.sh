#!/bin/sh
# The shipped pam.d/vigil, with pam_matrix standing in for pam_unix and
# pam_faillock's tally kept under $TMP: two wrong passwords (deny=2) lock the
# account, the third attempt is refused with pam_faillock's own message
# even with the right password, every attempt is recorded, and someone
# else still gets in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

[ -f /usr/lib/x86_64-linux-gnu/security/pam_faillock.so ] ||
    [ -f /lib/x86_64-linux-gnu/security/pam_faillock.so ] ||
    [ -f /usr/lib64/security/pam_faillock.so ] ||
    skip "pam_faillock is not installed"

login_env_setup
mkdir -p "$TMP/faillock"
grep -q 'pam_faillock.so preauth' "$TOP/pam.d/vigil" || fail "pam.d/vigil has no faillock"
sed -e "s|pam_unix.so|$MODDIR/pam_matrix.so passdb=$TMP/passdb|" \
    -e "s|\(pam_faillock.so[^#]*\)$|\1 dir=$TMP/faillock deny=2 unlock_time=600|" \
    "$TOP/pam.d/vigil" > "$TMP/pam.d/vigil"
grep -c "dir=$TMP/faillock" "$TMP/pam.d/vigil" | grep -qx 4 || {
	cat "$TMP/pam.d/vigil"; fail "the faillock lines were not all rewritten"; }

vigil_start
wait_screen 'Username  _'
type alice; keys Enter
for p in one two; do
	type "$p"; keys Enter
	wait_screen 'Authentication failed\.'
	keys C-u
done
type demo; keys Enter
wait_screen 'The account is locked due to 2 failed logins\.'
screen | grep -q 'Logged in' && fail "alice got in past faillock"

keys BTab C-u
login_as bob demo
wait_screen 'Logged in as bob'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"

log_dump
[ "$(log_count '"actor":"alice","action":"login-failed"')" -eq 3 ] ||
	fail "not every failed attempt was recorded"
log_has '"actor":"bob","action":"login",'
grep -Eq 'one|two|"demo"' "$TMP/log.json" && fail "a password reached the log"
stderr_clean
exit 0
