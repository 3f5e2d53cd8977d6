#!/bin/sh
# The review terminal end to end (tmux, vo=null): log in, browse, ask to
# play and cancel (nothing loaded), refuse bad reasons (wrong reference
# form, a note too long, invalid UTF-8), play a range across a segment
# boundary and over the corrupt segment, seek, change speed, step past the
# declared range, stop; then the log holds exactly one view-start and its
# view-end with what was shown, and verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Logged in as alice'
wait_screen '> entrance'
expect_match 'reading-room' "$(screen)"
expect_match 'Fri 2026-11-20' "$(screen)"
expect_match 'corrupt' "$(screen)"
mpv_loaded && fail "libmpv is loaded before any playback"

# Help lists the keys; any key closes it.
keys '?'
wait_screen 'Keys of the footage browser'
keys x
wait_gone 'Keys of the footage browser'

# A bad time, then the range 08:00:55-08:01:25.
keys /; type 'tea time'; keys Enter
wait_screen 'is not a date and time'
keys /; type '08:00:55'; keys Enter
wait_screen 'cursor 08:00:55'
keys v; keys /; type '08:01:25'; keys Enter; keys v
wait_screen 'marked 08:00:55 . 08:01:25'

# The dialog, cancelled: nothing is played or loaded.
keys Enter
wait_screen 'Why do you need to see this recording'
expect_match 'entrance, Fri 2026-11-20 08:00:55 . 08:01:25' "$(screen)"
keys Escape
wait_screen 'Cancelled: nothing was played'
mpv_loaded && fail "libmpv was loaded by a cancelled dialog"

# Wrong reference form, no reference, a huge note, invalid UTF-8.
keys Enter
wait_screen 'Why do you need to see this recording'
keys I
keys Enter
wait_screen 'INCIDENT needs a reference'
keys Tab; type 'bogus'; keys Enter
wait_screen 'does not have the form INCIDENT expects'
keys C-u; type 'INC-42'; keys Tab
long=$(head -c 2100 /dev/zero | tr '\0' 'n')
type "$long"
wait_screen 'at most 2000 bytes'
keys C-u
tm send-keys -t vigil -H 61 ff fe 62
keys Enter
wait_screen 'note is not valid UTF-8'
mpv_loaded && fail "libmpv was loaded before a valid reason"
keys C-u; type 'window broken'
keys Enter

# Playing: seek, faster, over the corrupt segment, past the end.
wait_screen 'logged as view #'
expect_match 'INCIDENT INC-42' "$(screen)"
expect_match 'watermark: alice . INCIDENT INC-42' "$(screen)"
mpv_loaded || fail "libmpv is not loaded while playing"
keys Right
keys + + +
wait_screen '8x'
# Resized mid-playback: redrawn at the new size, then back.
tm resize-window -t vigil -x 100 -y 30
n=60
while [ "$n" -gt 0 ] && ! screen | sed -n '30p' | grep -q 'q stop'; do
	sleep 0.05; n=$((n - 1))
done
screen | sed -n '30p' | grep -q 'q stop' || { screen; fail "not redrawn at 100x30"; }
tm resize-window -t vigil -x 80 -y 24
wait_screen 'logged as view #'
wait_screen '08-01-10.mp4 \(08:01:10\) is corrupt: skipped' 20
keys Up
wait_screen 'End of the declared range' 10
keys q
wait_screen 'View #[0-9]+ ended and logged' 10
# The next view offers the same reason and reference on one key
# (term-reason.sh tests the offer in full).
keys Enter
wait_screen 'Why do you need to see this recording'
expect_match 'Ctrl-R: reuse INC-42' "$(screen)"
keys C-r
wait_screen 'Reference  INC-42'
keys Escape
wait_screen 'Cancelled: nothing was played'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
[ "$(log_count '"action":"view-start"')" = 1 ] || fail "expected one view-start"
[ "$(log_count '"action":"view-end"')" = 1 ] || fail "expected one view-end"
start=$(view_of view-start)
end=$(view_of view-end)
expect_match '"actor":"alice"' "$start"
expect_match '"camera":"entrance"' "$start"
expect_match '"reason_code":"INCIDENT"' "$start"
expect_match '"reference":"INC-42"' "$start"
expect_match 'window broken' "$start"
expect_match '"from_ms":1795161655000' "$start"
expect_match '"to_ms":1795161685000' "$start"
seq=$(printf '%s\n' "$start" | sed 's/.*"seq":\([0-9]*\).*/\1/')
expect_match "\\\\\"view\\\\\":$seq|\"view\":$seq" "$end"
expect_match 'end.{0,4}:.{0,2}stop' "$end"
expect_match 'speed_changes.{0,4}:3' "$end"
# Shown: footage before the corrupt segment and after it, nothing outside
# the declared range.
python3 - "$TMP/log.json" <<'PY' || fail "view-end intervals are wrong: $end"
import json, sys
for line in open(sys.argv[1]):
    line = line.strip().rstrip(',')
    if '"view-end"' not in line:
        continue
    e = json.loads(line)
    d = e["details"] if isinstance(e["details"], dict) else json.loads(e["details"])
    shown = d["shown"]
    assert shown, d
    assert all(1795161655000 <= a < b <= 1795161685000 for a, b in shown), shown
    assert any(a < 1795161670000 for a, b in shown), shown
    assert any(b > 1795161680000 for a, b in shown), shown
    assert d["seeks"] >= 2, d
PY
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
exit 0
