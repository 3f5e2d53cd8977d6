#!/bin/sh
# Refusals and limits: playback is refused, with nothing loaded, while the
# audit log cannot be written (another process holds its key state); a
# SYSCHECK view stops at its cap; with the recorder share gone the browser
# says so and a view of footage that is no longer there ends with a clear
# message instead of playing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

command -v flock >/dev/null 2>&1 || skip "flock (util-linux) is not installed"
term_env_setup
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Logged in as alice'
wait_screen '08-00-00.mp4 .*ok'

# The log cannot be written: the append waits for its lock, then fails.
exec 9<"$TMP/var/audit.state"
flock 9 || fail "cannot lock the key state"
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-1'; keys Enter
wait_screen 'Playback refused: the audit log cannot be written' 15
mpv_loaded && fail "libmpv was loaded although the log refused the view"
flock -u 9
exec 9<&-

# SYSCHECK stops at its cap (4 s in this configuration).
keys Enter
wait_screen 'Why do you need to see this recording'
keys S
wait_screen '\(•\) SYSCHECK'
keys Enter
wait_screen 'logged as view #'
wait_screen 'SYSCHECK cap of 0 min 04 s is reached' 15

# The share goes away.
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
mv "$TMP/demo/recorder" "$TMP/demo/gone"
login_as alice demo
wait_screen 'The recorder cannot be read'
keys Enter
wait_screen 'Why do you need to see this recording'
keys I Tab; type 'INC-2'; keys Enter
wait_screen 'cannot|could not|nothing' 15
wait_screen 'Cameras' 15
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
[ "$(log_count '"reference":"INC-1"')" = 0 ] || fail "the refused view is in the log"
[ "$(log_count '"action":"view-start"')" = 2 ] || fail "expected two view-starts"
[ "$(log_count '"action":"view-end"')" = 2 ] || fail "expected two view-ends"
expect_match 'end.{0,4}:.{0,2}cap' "$(view_of view-end | grep SYSCHECK)"
python3 - "$TMP/log.json" <<'PY' || fail "the capped view played too long"
import json, sys
for line in open(sys.argv[1]):
    line = line.strip().rstrip(',')
    if '"view-end"' not in line or 'SYSCHECK' not in line:
        continue
    e = json.loads(line)
    d = e["details"] if isinstance(e["details"], dict) else json.loads(e["details"])
    assert d["played_ms"] <= 4500, d
    assert sum(b - a for a, b in d["shown"]) <= 4500, d
PY
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
exit 0
