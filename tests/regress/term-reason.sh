#!/bin/sh
# The reason dialog cannot be clicked through: no code is chosen when it
# opens (Enter, Enter plays nothing and says to choose one); the last
# reference is not filled in but offered on one key (Ctrl-R), to the same
# person only, and not at all with [session] reuse_reference_minutes = 0;
# the view-start says whether the reference was reused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

no_choice() {
	screen | grep -Eq '\((•|\*)\) ' && fail "a reason code is chosen already: $(screen)"
	return 0
}

term_env_setup
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok'

# Enter, Enter: nothing is played.
keys Enter
wait_screen 'Why do you need to see this recording'
no_choice
keys Enter
wait_screen 'Choose a reason'
keys Enter
sleep 0.5
expect_match 'Why do you need to see this recording' "$(screen)"
mpv_loaded && fail "libmpv was loaded without a chosen reason"
log_dump
[ "$(log_count '"action":"view-start"')" = 0 ] || fail "a view started without a chosen reason"

# Chosen by its letter, with a reference typed.
keys I
wait_screen '\(•\) INCIDENT'
keys Tab; type 'INC-42'; keys Enter
wait_screen 'logged as view #'
keys q
wait_screen 'View #[0-9]+ ended and logged' 10

# The next dialog: nothing chosen or filled in, the reference offered on
# Ctrl-R; Enter, Enter still plays nothing.
keys Enter
wait_screen 'Why do you need to see this recording'
expect_match 'Ctrl-R: reuse INC-42' "$(screen)"
no_choice
screen | grep -q 'Reference  INC-42' && fail "the last reference is filled in"
keys Enter
wait_screen 'Choose a reason'
keys Enter
sleep 0.5
expect_match 'Why do you need to see this recording' "$(screen)"
keys C-r
wait_screen '\(•\) INCIDENT'
expect_match 'Reference  INC-42' "$(screen)"
keys Enter
wait_screen 'logged as view #'
keys q
wait_screen 'View #[0-9]+ ended and logged' 10

# Someone else: nothing of alice's is offered or taken.
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
screen | grep -Eq 'INC-42|Ctrl-R' && fail "bob is offered alice's reference: $(screen)"
keys C-r
sleep 0.5
screen | grep -q 'INC-42' && fail "bob took alice's reference: $(screen)"
no_choice
keys Escape
wait_screen 'Cancelled: nothing was played'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
[ "$(log_count '"action":"view-start"')" = 2 ] || fail "expected two view-starts"
python3 - "$TMP/log.json" <<'PY' || fail "reference_reused is not as expected: $(view_of view-start)"
import json, sys
got = []
for line in open(sys.argv[1]):
    line = line.strip().rstrip(',')
    if '"view-start"' not in line:
        continue
    e = json.loads(line)
    d = e["details"] if isinstance(e["details"], dict) else json.loads(e["details"])
    got.append((e["reference"], d["reference_reused"]))
assert got == [("INC-42", False), ("INC-42", True)], got
PY
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
tm kill-server

# reuse_reference_minutes = 0: never offered.
sed -i 's/^idle_lock = .*/&\nreuse_reference_minutes = 0/' "$TMP/vigil.conf"
grep -q '^reuse_reference_minutes = 0' "$TMP/vigil.conf" || fail "config not changed"
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-43'; keys Enter
wait_screen 'logged as view #'
keys q
wait_screen 'View #[0-9]+ ended and logged' 10
keys Enter
wait_screen 'Why do you need to see this recording'
screen | grep -Eq 'INC-43|Ctrl-R' && fail "offered with reuse_reference_minutes = 0: $(screen)"
keys C-r
sleep 0.5
screen | grep -q 'INC-43' && fail "taken with reuse_reference_minutes = 0: $(screen)"
keys Escape
wait_screen 'Cancelled: nothing was played'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
exit 0
