#!/bin/sh
# The export wizard and the idle lock (tmux, vo=null): the lock comes while
# the mask editor shows a frame; that view ends in the log ("lock"), the
# same person unlocks back into the wizard where it was; with no medium and
# no export root the target step says so; leaving exports nothing.  A
# resize redraws the step.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup 3
# Nowhere to export to (unless this machine has a removable medium).
sed -i "/^\[paths\]/a export_roots = $TMP/nowhere" "$TMP/vigil.conf"
removable=0
for f in /sys/block/*/removable; do
	[ "$(cat "$f" 2>/dev/null)" = 1 ] && removable=1
done
vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen '> entrance'
keys e
wait_screen 'step 1 of 4: Range'
keys Enter
wait_screen 'step 2 of 4: Purpose'
keys P Tab; type '2026/9'; keys Tab; type 'police'
keys Tab; type 'Officer'; keys Tab; type 'Police'; keys Enter
wait_screen 'step 3 of 4: Mode'
keys r Enter
wait_screen 'step 4 of 5: Masks'
keys a
wait_screen 'Mask 1 added'
tm resize-window -t vigil -x 100 -y 30
n=60
while [ "$n" -gt 0 ] && ! screen | sed -n '30p' | grep -q 'a add'; do
	sleep 0.05; n=$((n - 1))
done
screen | sed -n '30p' | grep -q 'a add' || { screen; fail "not redrawn at 100x30"; }
tm resize-window -t vigil -x 80 -y 24
# No key for 3 s: the lock.
wait_screen 'This terminal is locked' 10
screen | grep -q 'Masks' && fail "the wizard is visible behind the lock"
type bob; keys Enter; type demo; keys Enter
wait_screen 'step 4 of 5: Masks'
expect_match 'picture ended with the lock' "$(screen)"
expect_match '1 blur' "$(screen)"
if [ "$removable" = 0 ]; then
	keys Enter
	wait_screen 'step 5 of 5: Target'
	expect_match 'No removable medium is mounted and no export root' "$(screen)"
	keys Enter
	wait_screen 'There is nowhere to export to'
	keys Escape
	wait_screen 'step 4 of 5: Masks'
fi
keys Escape
wait_screen 'step 3 of 5: Mode'
keys Escape Escape Escape
wait_screen 'Export cancelled: nothing was exported'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
log_has '"action":"lock"'
log_has '"action":"view-start".*"reason_code":"POLICE","reference":"2026/9"'
end=$(view_of view-end)
expect_match 'end.{0,4}:.{0,2}lock' "$end"
[ "$(log_count '"action":"export-start"')" = 0 ] || fail "something was exported"
ls -A "$TMP" | grep -q '^out$' && fail "unexpected"
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
exit 0
