#!/bin/sh
# The DPO's audit review screen end to end (tmux): alice watches two
# ranges (vo=null), then dora (auditor only) logs in and lands on the
# review: the table shows each view as one line; a filter shows exactly the
# expected rows and is logged; Enter shows the whole entry with its seq,
# chain position and JSON details; who saw finds the view; a CSV report is
# written to a folder, signed, and logged; a checkpoint is exported and
# checked as a file held; q goes to the home screen.  The log then holds
# audit-review and audit-report entries by dora, and verifies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

command -v minisign >/dev/null 2>&1 || skip "minisign is not installed"

term_env_setup
mkdir -p "$TMP/keys" "$TMP/reports"
"$VIGIL" keygen --key "$TMP/keys/vigil-export.key" --no-passphrase \
    >"$TMP/keygen.log" 2>&1 || fail "keygen: $(cat "$TMP/keygen.log")"
sed -i -e "/^\[export\]/a signing_key = $TMP/keys/vigil-export.key" \
    "$TMP/vigil.conf"
if [ "$(id -u)" = 0 ]; then
	chown -R "$SVC_UID:$SVC_UID" "$TMP/keys" "$TMP/reports"
fi
# A second reason the filter tells apart; no working-hours flag (the test
# runs at any hour); a second view in a day is flagged.
cat >> "$TMP/vigil.conf" <<EOF

[reason TRAINING]
label = staff training

[review]
working_hours = 00-24
max_views_per_day = 1
EOF
view() {	# CAMERA FROM TO CODE REFERENCE: plays and stops a range
	n=0
	while ! screen | grep -q "> $1" && [ "$n" -lt 5 ]; do
		keys Tab; sleep 0.2; n=$((n + 1))
	done
	keys /; type "$2"; keys Enter; keys v
	keys /; type "$3"; keys Enter; keys v
	keys Enter
	wait_screen 'Why do you need to see this recording'
	n=0
	while ! screen | grep -q "([^ ]*) $4" && [ "$n" -lt 6 ]; do
		keys Down; sleep 0.1; n=$((n + 1))
	done
	if [ -n "$5" ]; then keys Tab; keys C-u; type "$5"; fi
	keys Enter
	wait_screen 'logged as view #'
	sleep 1
	keys q
	wait_screen 'View #[0-9]+ ended and logged' 10
}

vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '> entrance'
# alice is no auditor: a is refused.
keys a
wait_screen 'The audit review needs the auditor role'
view entrance 08:00:05 08:00:35 INCIDENT INC-42
view reading-room 08:00:10 08:00:20 TRAINING ''
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'

# dora, auditor only: straight into the review.
login_as dora demo
wait_screen 'Filter: none'
wait_screen 'Log: intact'
s=$(screen)
expect_match 'time +user +action +camera +footage +viewed +reason' "$s"
expect_match 'alice +view +entrance +11-20 08:00 \+30s +[0-9]+s +INCIDENT INC-42' "$s"
expect_match 'alice +view +reading.+TRAINING +⚑' "$s"
expect_match 'dora +audit-' "$s"
expect_match 'f filter  Enter details  r report' "$s"

# A filter: INCIDENT views only.  Exactly the one row.
keys f
wait_screen 'Filter the log'
keys Down Down Down Down Down
type INCIDENT
keys Down Down
keys Space
keys Enter
wait_screen 'Filter: views . reason INCIDENT'
s=$(screen)
[ "$(printf '%s\n' "$s" | grep -Ec '^ *[0-9][0-9]-[0-9][0-9] [0-9:]+ +(alice|dora) ')" = 1 ] ||
    { printf '%s\n' "$s"; fail "the filter should leave exactly one row"; }
expect_match 'alice +view +entrance' "$s"
expect_match '#[0-9]+ view, ended #[0-9]+' "$s"

# A flag filter: many views by one user in a day (max_views_per_day = 1):
# both of alice's views and nothing else.
keys f; wait_screen 'Filter the log'
keys C-e
keys Up
keys Right Right Right Right Right Right
wait_screen '< many views by one user in a day >'
keys Enter
wait_screen 'Filter: flag: many views by one user in a day'
s=$(screen)
[ "$(printf '%s\n' "$s" | grep -Ec '^ *[0-9][0-9]-[0-9][0-9] [0-9:]+ +alice +view .*⚑')" = 2 ] ||
    { printf '%s\n' "$s"; fail "the flag filter should leave alice's two views"; }
[ "$(printf '%s\n' "$s" | grep -Ec '^ *[0-9][0-9]-[0-9][0-9] [0-9:]+ ')" = 2 ] ||
    { printf '%s\n' "$s"; fail "the flag filter shows other rows"; }
expect_match 'alice began 2 views on' "$s"
# Dates: today's entries are there, none before 2000.
today=$(date +%F)
keys f; wait_screen 'Filter the log'
keys C-e
type "$today"; keys Tab; type "$today"; keys Enter
wait_screen "Filter: $today.$today"
expect_match 'dora +audit-' "$(screen)"
keys f; wait_screen 'Filter the log'
keys C-e
keys Tab; type 2000-01-01; keys Enter
wait_screen 'No entry matches the filter'
# Back to the INCIDENT views.
keys f; wait_screen 'Filter the log'
keys C-e
keys Down Down Down Down Down
type INCIDENT
keys Down Down
keys Space
keys Enter
wait_screen 'Filter: views . reason INCIDENT'

# A filter that matches nothing, refused input, then back.
keys f; wait_screen 'Filter the log'
type 'yesterday-ish'
keys Enter
wait_screen 'From is not a date and time'
keys C-u; keys Escape
wait_screen 'The filter was not changed'

# Detail: the whole entry.
keys Enter
wait_screen 'Start #[0-9]+: view-start'
s=$(screen)
expect_match 'Chain position: entry [0-9]+ of [0-9]+' "$s"
expect_match 'many views by one user in a day \[many\]: alice' "$s"
expect_match 'Intervals shown' "$s"
keys End
wait_screen '"view": [0-9]+'
keys Escape
wait_screen 'Filter: views'

# Who saw the entrance's footage at 08:00:20?
keys w; wait_screen 'Who has watched footage'
type entrance; keys Tab; type '2026-11-20 08:00'; keys Tab; type '2026-11-20 08:01'
keys Enter
wait_screen 'Who saw entrance'
expect_match 'alice  view  #[0-9]+  INCIDENT INC-42' "$(screen)"
expect_match '1 view and export' "$(screen)"
keys Escape

# A CSV report of the current filter.
keys r; wait_screen 'Report of the current filter'
type "$TMP/reports"
keys Enter
wait_screen 'Report written \(1 rows' 20
report=$(find "$TMP/reports" -name 'report.csv' | head -1)
[ -n "$report" ] || { ls -lR "$TMP/reports"; fail "no CSV report in $TMP/reports"; }
rdir=$(dirname "$report")
(cd "$rdir" && minisign -Vm SHA256SUMS -p vigil-*.pub >/dev/null && sha256sum -c SHA256SUMS >/dev/null) ||
    fail "the report's signature or sums do not verify"
grep -q 'INC-42' "$report" || fail "the report lacks the filtered view: $(cat "$report")"
if grep -q 'TRAINING' "$report"; then fail "the report has a row the filter excludes"; fi

# The integrity panel; a checkpoint exported and checked as a file held.
keys i
wait_screen 'INTACT: [0-9]+ entries'
keys c; wait_screen 'Export the newest checkpoint'
type "$TMP/reports/held.ckpt"; keys Enter
wait_screen 'written to'
[ -s "$TMP/reports/held.ckpt" ] || fail "no checkpoint file"
keys a; wait_screen 'A checkpoint file you hold'
type "$TMP/reports/held.ckpt"; keys Enter
wait_screen 'MATCHES'
keys Escape

# Help lists the keys and the flags.
keys '?'
wait_screen 'Keys of the audit review'
expect_match 'outside working hours' "$(screen)"
keys x

# q: the home screen (dora views no footage); a comes back, the filter
# kept.
keys q
wait_screen 'a audit review  l lock  q log out'
keys a
wait_screen 'Filter: views . reason INCIDENT'
keys q
wait_screen 'Your roles do not include viewing'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
[ "$(log_count '"action":"audit-review".*"actor":"dora"|"actor":"dora".*"action":"audit-review"')" -ge 4 ] ||
    fail "expected audit-review entries (enter, filter, who saw, enter) by dora"
log_has '"actor":"dora".*"action":"audit-report"|"action":"audit-report".*"actor":"dora"'
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db" --against "$TMP/reports/held.ckpt"
exit 0
