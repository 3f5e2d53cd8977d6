#!/bin/sh
# An export cut short: kill -9 while the wizard's export runs leaves
# export-start without an end and a partial folder on the target; the next
# start of the terminal removes the folder and closes the export as
# export-failed (recovered), and says so after the login (invariant 4).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
mkdir -p "$TMP/out" "$TMP/keys"
"$VIGIL" keygen --key "$TMP/keys/vigil-export.key" --no-passphrase \
    >"$TMP/keygen.log" 2>&1 || fail "keygen: $(cat "$TMP/keygen.log")"
sed -i -e "/^\[paths\]/a export_roots = $TMP/out" \
    -e "/^\[export\]/a signing_key = $TMP/keys/vigil-export.key" \
    "$TMP/vigil.conf"
if [ "$(id -u)" = 0 ]; then
	chown -R "$SVC_UID:$SVC_UID" "$TMP/out" "$TMP/keys"
fi

vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen '> entrance'
# Three cameras, ten minutes, redacted: long enough to be cut short.
keys e
wait_screen 'step 1 of 4: Range'
keys BTab Down Space Down Space Enter
wait_screen 'step 2 of 4: Purpose'
keys I Tab; type 'INC-90'; keys Tab; type 'Library security'
keys Tab; type 'Erik Evidence'; keys Tab; type 'Espoo City Library'; keys Enter
wait_screen 'step 3 of 4: Mode'
keys r Enter
wait_screen 'step 4 of 5: Masks'
keys a Enter
wait_screen 'step 5 of 5: Target'
keys Enter
wait_screen 'redacting, camera' 20
pid=$(vigil_pid)
kill -9 "$pid"
tm kill-server
# Gone (or at least dead and waiting to be reaped) before the next start.
n=0
while [ -d "/proc/$pid" ] && ! grep -q '^[0-9]* (.*) [ZX] ' "/proc/$pid/stat" 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 200 ] || fail "vigil $pid did not die after kill -9"
	sleep 0.05
done
ls -A "$TMP/out" | grep -q '^\.vigil-partial-' ||
	fail "no partial folder (did the export end before the kill?): $(ls -A "$TMP/out")"
ls -A "$TMP/out" | grep -q '^VIGIL-' && fail "the export finished before the kill"
log_dump
[ "$(log_count '"action":"export-start"')" = 1 ] || fail "no export-start"
[ "$(log_count '"action":"export-(done|failed)"')" = 0 ] ||
	fail "the export was closed before the crash was noticed"

# The next start closes it and removes the partial folder.
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen 'export cut short by a crash was closed in the audit log'
ls -A "$TMP/out" | grep -q '^\.vigil-partial-' && fail "the partial folder is still there"
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
log_dump
[ "$(log_count '"action":"export-failed"')" = 1 ] || fail "no export-failed"
log_has '"action":"export-failed".*"recovered": ?true'
log_has '"action":"export-failed".*"reference":"INC-90"'
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
exit 0
