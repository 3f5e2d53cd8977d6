#!/bin/sh
# What PAM modules say reaches the login screen as they say it: an expired
# account and a password that must be changed are refused with the module's
# message (and, for the password, where to change it); a module that sends
# information and error messages; a module that asks a further question.
# A session that cannot be opened.  Each refusal is in the audit log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup
login_build_module
M=$MODDIR P=$TMP/passdb

# pam_vigiltest answers the account check as pam_unix does for an expired
# account, then for a password that must be changed.
login_service vigil "auth required $M/pam_matrix.so passdb=$P
account required $TMP/pam_vigiltest.so expired
session required pam_permit.so"
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Your account has expired: login refused\.'
expect_match 'Your account has expired; please contact your system' "$(screen)"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

login_service vigil "auth required $M/pam_matrix.so passdb=$P
account required $TMP/pam_vigiltest.so newauthtok
session required pam_permit.so"
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen 'must be changed before you'
expect_match 'You are required to change your password immediately' "$(screen)"
expect_match 'vigil does not change passwords' "$(screen)"
screen | grep -q 'Logged in' && fail "bob got in with an expired password"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

# The PAM service and the hint for changing a password come from the
# configuration: the same refusal through another service, with the site's
# own hint instead of the general one.
login_service vigil-pw "auth required $M/pam_matrix.so passdb=$P
account required $TMP/pam_vigiltest.so newauthtok
session required pam_permit.so"
login_service vigil "auth required pam_deny.so
account required pam_deny.so
session required pam_deny.so"
cp "$TMP/vigil.conf" "$TMP/vigil.conf.orig"
# Into [session] (the file ends in the [audit] pin).
sed '/^\[session\]$/a\
pam_service = vigil-pw\
password_help = Change it at https://id.example.org/ or call 1234.' \
    "$TMP/vigil.conf.orig" >"$TMP/vigil.conf"
for s in alice bob; do echo "$s:demo:vigil-pw"; done >>"$P"
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen 'must be changed before you'
expect_match 'id\.example\.org/ or call 1234' "$(screen)"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server
mv "$TMP/vigil.conf.orig" "$TMP/vigil.conf"

# pam_chatty sends information and errors; it has no setcred, so the
# login then stops at the credentials, which is shown too.
login_service vigil "auth optional $M/pam_chatty.so num_lines=2 info error
auth required $M/pam_matrix.so passdb=$P
account required pam_permit.so
session required pam_permit.so"
vigil_start
wait_screen 'Username  _'
login_as dora demo
wait_screen 'credentials could not be set up'
expect_match 'Authentication succeeded' "$(screen)"
expect_match 'Authentication generated an error' "$(screen)"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
tm kill-server

# Two pam_matrix lines: the password answers the first prompt, the second
# is asked on the screen (hidden), answered, and the login goes through.
login_service vigil "auth required $M/pam_matrix.so passdb=$P
auth required $M/pam_matrix.so passdb=$P
account required pam_permit.so
session required pam_permit.so"
vigil_start
wait_screen 'Username  _'
login_as adam demo
wait_screen 'Enter answer  Esc cancel'
expect_match 'Password:' "$(screen)"
type demo
wait_screen 'Answer    ••••••••'
screen | grep -q 'demo' && fail "the hidden answer is on the screen"
keys Enter
wait_screen 'Logged in as adam'
expect_match 'configuration, keys and holds' "$(screen)"
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
# Esc cancels the question, and the login with it.
login_as adam demo
wait_screen 'Enter answer  Esc cancel'
keys Escape
wait_screen 'Authentication'
screen | grep -q 'Logged in' && fail "a cancelled question logged adam in"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"

tm kill-server

# A session that cannot be opened, for someone logging in over a locked
# session: the locked session is already closed, so the screen goes back
# to an empty login (nobody is left logged in).
login_service vigil "auth required $M/pam_matrix.so passdb=$P
account required pam_permit.so
session required $TMP/pam_vigiltest.so sessionfail=bob"
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Logged in as alice'
keys L
wait_screen 'This terminal is locked\.'
login_as bob demo
wait_screen 'no session could be opened'
expect_match 'No session can be opened for bob here\.' "$(screen)"
expect_match 'Recorded footage review terminal' "$(screen)"
expect_match 'Enter log in' "$(screen)"
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"

log_dump
log_has '"actor":"alice","action":"logout".*"by":"bob","how":"replaced"'
log_has '"actor":"bob","action":"login-failed".*"stage":"session"'
log_has '"actor":"alice","action":"login-failed".*"pam":13,"stage":"account"'
log_has '"actor":"bob","action":"login-failed".*"pam":12,"stage":"account"'
log_has '"actor":"dora","action":"login-failed".*"stage":"credentials"'
log_has '"actor":"adam","action":"login",'
log_has '"actor":"adam","action":"logout"'
[ "$(log_count '"actor":"adam","action":"login-failed"')" -eq 1 ] ||
	fail "the cancelled login was not recorded once"
stderr_clean
exit 0
