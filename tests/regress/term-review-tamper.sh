#!/bin/sh
# The review screen on a tampered log with hostile text: an entry edited
# with sqlite3 (its user made of an escape sequence, a newline and an
# invalid byte) and a note of 3000 characters with control characters.
# The integrity panel shows the log BROKEN naming the first bad seq, the
# table draws the edited text made harmless, the detail view shows the
# note's JSON escaped and scrolls to its end, a text report says BROKEN with
# the seq, the screen is redrawn at 120x40 with seconds in the time column,
# and paging moves through 60 entries.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 is not installed"

login_env_setup
mkdir -p "$TMP/keys" "$TMP/reports"
"$VIGIL" keygen --key "$TMP/keys/vigil-export.key" --no-passphrase \
    >"$TMP/keygen.log" 2>&1 || fail "keygen: $(cat "$TMP/keygen.log")"
printf '\n[export]\nsigning_key = %s\n' "$TMP/keys/vigil-export.key" >> "$TMP/vigil.conf"
D="$TMP/var/audit.db"
S="$TMP/var/audit.state"
# The notes are written by the account running the test (given back to
# vigil's service account below).
chown -R "$(id -u):$(id -g)" "$TMP/var"
i=0
while [ "$i" -lt 60 ]; do
	"$VIGIL" audit note --db "$D" --state "$S" "note number $i" >/dev/null ||
	    fail "audit note failed"
	i=$((i + 1))
done
long=$(printf 'start\033[2J\tbell\007 '; head -c 3000 /dev/zero | tr '\0' 'w'; printf ' THE-END')
"$VIGIL" audit note --db "$D" --state "$S" "$long" >/dev/null || fail "audit note failed"
# Entry 2 (a note) edited behind vigil's back.
sqlite3 "$D" "UPDATE entry SET actor = 'mal' || char(27) || '[31mlory' || char(10) || 'x' || CAST(X'FF' AS TEXT) WHERE seq = 2" ||
    fail sqlite3
if [ "$(id -u)" = 0 ]; then
	chown -R "$SVC_UID:$SVC_UID" "$TMP/var" "$TMP/keys" "$TMP/reports"
fi
expect_status 1 "$VIGIL" audit verify --db "$D"
expect_match 'FAILED at seq 2' "$OUT"

vigil_start
wait_screen 'Username  _'
login_as dora demo
wait_screen 'Filter: none'
wait_screen 'Log: BROKEN at seq 2'
expect_match 'log: BROKEN' "$(screen)"

# The integrity panel names the first bad seq.
keys i
wait_screen 'BROKEN: the first bad seq is 2'
keys Escape

# Paging: to the oldest entry (the edited one is near it), then back.
keys End
wait_screen '#0 note by root'
keys Up Up
wait_screen '#2 note by mal\?\[31mlory\?x\? on'
keys PageUp
wait_gone 'mal\?\[31mlory'
keys Home
wait_screen '#[0-9]+ audit-review'
keys Down Down Down Down Down
keys PageDown
wait_screen '#[0-9]+ note by root'

# The long note: its JSON, escaped, to the end.
keys f; wait_screen 'Filter the log'
keys Down Down Down Down; type note; keys Enter
wait_screen 'Filter: action note'
keys Home Enter
wait_screen 'Entry #60: note'
expect_match '"text": "start\\u001B\[2J\\tbell\\u0007' "$(screen)"
keys End
wait_screen 'THE-END'
keys Escape

# Bigger: seconds in the time column.
tm resize-window -t vigil -x 120 -y 40
wait_screen '[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} +root +note'
tm resize-window -t vigil -x 80 -y 24
wait_screen '^ [0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +root +note'
wait_screen 'f filter  Enter details'

# A text report says the log is broken, naming the seq.
keys r; wait_screen 'Report of the current filter'
keys Up Right Right Down
type "$TMP/reports/broken"
keys Enter
wait_screen 'The report says the log is BROKEN at seq 2' 20
[ -f "$TMP/reports/broken/report.txt" ] || { ls -lR "$TMP/reports"; fail "no text report"; }
grep -rq 'seq 2' "$TMP/reports/broken" || fail "the report does not name seq 2"
keys q; wait_screen 'a audit review'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
