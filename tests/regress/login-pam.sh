#!/bin/sh
# The login screen driven through tmux, PAM through pam_wrapper: a correct
# password, a wrong one, an unknown user, an empty password, a 10,000-byte
# password, a user name that is not UTF-8, a person in no vigil group; each
# shown on the screen and recorded in the audit log, never the password.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup
vigil_start
wait_screen 'Username  _'
expect_match 'Recorded footage review terminal' "$(screen)"
expect_match 'vigil · Test Library' "$(screen)"
expect_match 'audit log: [0-9]+ entries' "$(screen)"
if [ "$(id -u)" = 0 ]; then
	screen | head -n 1 | grep -q 'privsep off' && fail "privsep warning as root"
else
	expect_match 'privsep off' "$(screen | head -n 1)"
fi

# Wrong password, then the right one.
login_as alice wrong
wait_screen 'Authentication failed\.'
expect_match 'Username  alice_' "$(screen)"
screen | grep -q wrong && fail "the password is on the screen"
type demo; keys Enter
wait_screen 'Logged in as alice since'
expect_match 'alice \(viewer\)' "$(screen | head -n 1)"
# A viewer lands in the footage browser.
expect_match 'Cameras' "$(screen)"

# q asks first; n keeps the session, y logs out.
keys q
wait_screen 'Log out\?'
keys n
wait_screen '\? help  q out'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'

# Unknown user; empty password.
login_as zed demo
wait_screen 'Authentication failed'
keys C-u BTab C-u
type alice; keys Enter Enter
wait_screen 'Authentication failed'

# An empty name is refused on the screen without asking PAM.
keys BTab C-u Enter Enter
wait_screen 'Enter your user name first\.'

# 10,000 bytes of password: refused unsent.
keys C-u
type alice; keys Enter
long=$(head -c 10000 /dev/zero | tr '\0' 'p')
type "$long"
keys Enter
wait_screen 'too long'
screen | grep -q pppp && fail "the long password is on the screen"

# A user name with bytes that are not UTF-8.
keys BTab C-u
tm send-keys -t vigil -H 61 6c ff fe 69
keys Enter
type demo; keys Enter
wait_screen 'not text \(UTF-8\)'
expect_match 'Username  al\?\?i_' "$(screen)"

# A person in none of the groups: authenticated, then refused.
keys BTab C-u
login_as nina demo
wait_screen 'not a member of any vigil group'
screen | grep -q 'Logged in' && fail "nina got in"

# Bob has two roles.
keys BTab C-u
login_as bob demo
wait_screen 'Logged in as bob'
expect_match 'viewer, exporter' "$(screen)"

# L locks at once (l moves the browser's cursor); the same person unlocks.
keys L
wait_screen 'This terminal is locked\.'
screen | grep -q bob && fail "bob's name is on the locked screen"
login_as bob demo
wait_screen 'Logged in as bob'

# Quitting after logging out.
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
keys C-c
st=$(vigil_exit_status)
[ "$st" = 0 ] || { cat "$TMP/stderr"; fail "vigil exited $st"; }

# Every attempt is in the log, in order, and no password is.
log_dump
grep -v '"config-loaded"' "$TMP/log.json" | grep '"action"' |
    sed 's/.*"actor":"\([^"]*\)","action":"\([^"]*\)".*/\2 \1/' > "$TMP/actions"
cat > "$TMP/want" <<-'EOF'
login-failed alice
login alice
logout alice
login-failed zed
login-failed alice
login-failed alice
login-failed al??i
login-failed nina
login bob
lock bob
unlock bob
logout bob
EOF
diff "$TMP/want" "$TMP/actions" || fail "the log holds other records than expected"
log_has '"actor":"alice","action":"login-failed".*"error":"Authentication failure".*"stage":"authenticate"'
log_has '"actor":"alice","action":"login",.*"roles":\["viewer"\]'
log_has '"actor":"alice","action":"logout".*"how":"user"'
log_has '"actor":"zed","action":"login-failed".*"stage":"authenticate"'
log_has '"actor":"alice","action":"login-failed".*"error":"password longer than 511 bytes"'
log_has '"actor":"al\?\?i","action":"login-failed".*"name_hex":"616cfffe69"'
log_has '"actor":"nina","action":"login-failed".*"error":"not a member of any vigil group'
log_has '"actor":"bob","action":"login",.*"roles":\["viewer","exporter"\]'
log_has '"actor":"bob","action":"lock".*"how":"user"'
grep -Eq 'wrong|pppp|"demo"' "$TMP/log.json" && fail "a password reached the log"
# A checkpoint at each logout; the log verifies.
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
expect_match '^intact: [0-9]+ entries, [2-9] checkpoints' "$OUT"
if [ "$(id -u)" = 0 ]; then
	log_has '"action":"login",.*"privsep":true'
else
	log_has '"action":"login",.*"privsep":false'
fi
stderr_clean
exit 0
