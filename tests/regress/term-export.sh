#!/bin/sh
# The export wizard end to end (tmux, vo=null): a viewer pressing e is
# refused; an exporter marks a range, walks the wizard in original mode
# (INCIDENT, no approval) to the export root and gets the summary; the
# bundle verifies with stock minisign and sha256sum -c and the log holds
# export-start and export-done.  Then a redacted export (POLICE, which
# needs approval) with one mask typed numerically, its frame shown through
# the player (a view with the export's reason); the approval is refused
# for the exporter himself and for a wrong password, then given by dora;
# the log holds export-approved with both names.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

command -v minisign >/dev/null 2>&1 || skip "minisign is not installed"
command -v sha256sum >/dev/null 2>&1 || skip "sha256sum is not installed"

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
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" config check

# The range 08:00:55-08:01:25 on entrance, marked in the browser.
mark_range() {
	keys /; type '08:00:55'; keys Enter
	wait_screen 'cursor 08:00:55'
	keys v; keys /; type '08:01:25'; keys Enter; keys v
	wait_screen 'marked 08:00:55 . 08:01:25'
}

# A viewer is refused.
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '> entrance'
keys e
wait_screen 'Exports need the exporter role; alice has viewer'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'

# Original mode, INCIDENT: no approval.
login_as bob demo
wait_screen '> entrance'
mark_range
keys e
wait_screen 'Export . step 1 of 4: Range'
expect_match '\[x\] entrance' "$(screen)"
expect_match 'From +2026-11-20 08:00:55' "$(screen)"
expect_match 'To +2026-11-20 08:01:25' "$(screen)"
expect_match 'Duration   30 s' "$(screen)"
expect_match 'Estimate   footage' "$(screen)"
# ? lists the keys; Esc on the first step leaves with nothing exported.
keys Tab Tab '?'
wait_screen 'Keys of this export step'
keys x
wait_gone 'Keys of this export step'
keys Escape
wait_screen 'Export cancelled: nothing was exported'
keys e
wait_screen 'step 1 of 4: Range'
keys Enter
wait_screen 'step 2 of 4: Purpose'
keys I
# Enter without a reference: refused in the step.
keys Enter
wait_screen 'INCIDENT needs a reference'
keys Tab; type 'bogus'; keys Enter
wait_screen 'does not have the form INCIDENT expects'
keys C-u; type 'INC-77'
keys Tab; type 'Library security'
keys Tab; type 'Erik Evidence'
keys Tab; type 'Espoo City Library'
keys Enter
wait_screen 'step 3 of 4: Mode'
expect_match 'states the exact start and end the keyframes gave' "$(screen)"
keys Enter
wait_screen 'step 4 of 4: Target'
expect_match "$TMP/out" "$(screen)"
keys Enter
wait_screen 'The export is complete' 60
expect_match 'minisign -Vm SHA256SUMS -P <published key>' "$(screen)"
expect_match 'Signed by +RW[A-Za-z0-9+/]+' "$(screen)"
expect_match 'sha256sum -c SHA256SUMS' "$(screen)"
keys Enter
wait_screen 'Exported to .*VIGIL-INC-77'
bundle=$(ls -d "$TMP"/out/VIGIL-INC-77-* 2>/dev/null | head -1)
[ -d "$bundle" ] || fail "no bundle in $TMP/out: $(ls -la "$TMP/out")"
ls -A "$TMP/out" | grep -q '^\.vigil-partial' && fail "a partial folder was left"
(cd "$bundle" && minisign -Vm SHA256SUMS -p vigil-*.pub >/dev/null &&
    sha256sum -c SHA256SUMS >/dev/null) || fail "the bundle does not verify"
grep -q '"mode": *"original"' "$bundle/manifest.json" ||
    fail "manifest does not say original: $(cat "$bundle/manifest.json")"

# Redacted, POLICE: one mask typed, approval by a second person.
mark_range
keys e
wait_screen 'step 1 of 4: Range'
keys Enter
wait_screen 'step 2 of 4: Purpose'
keys P
wait_screen '\(.\) POLICE'
keys Tab; type '2026/1234'
keys Tab; type 'Itä-Uusimaa police'
keys Tab; type 'Officer Virtanen'
keys Tab; type 'Police of Eastern Uusimaa'
keys Enter
wait_screen 'step 3 of 4: Mode'
keys r Enter
wait_screen 'step 4 of 5: Masks'
wait_screen 'live redaction on'
keys a
wait_screen 'Mask 1 added'
keys n
keys C-u; type '10'; keys Tab C-u; type '20'; keys Tab C-u; type '30'
keys Tab C-u; type '25'; keys Tab C-u; type '+2'; keys Tab C-u; type 'sometime'
keys Enter
wait_screen "to: 'sometime' is not a time"
keys C-u; type '+20'; keys Enter
wait_screen 'Mask 1 set'
expect_match '1 blur +x 10% y 20% w 30% h 25%  \+2\.\.\+20' "$(screen)"
# Moved, widened and made a mosaic with the keys; a keyframe at +11 s
# moved further right.
keys Right L m
wait_screen '1 pixelate +x 11% y 20% w 31% h 25%'
# The help over the preview (its picture switched off meanwhile, so
# that the time is not counted on screen), and back to the editor.
keys '?'
wait_screen 'any key closes this help'
keys Space
wait_screen '1 pixelate +x 11% y 20% w 31% h 25%'
keys .
wait_screen 'Frame shown 08:00:56'
keys '>'
wait_screen 'Frame shown 08:01:06'
keys f
wait_screen 'Keyframe at the frame shown'
keys Right
wait_screen '1 pixelate +x 12% y 20% w 31% h 25%  \+2\.\.\+20  1 key'
keys ','
wait_screen 'Frame shown 08:01:05'
expect_match '1 pixelate +x 11\.89% y 20%' "$(screen)"
keys Enter
wait_screen 'step 5 of 5: Target'
keys Enter
wait_screen 'approves this export'
# The exporter cannot approve his own export; a wrong password does not.
# After a refusal the field to change has the cursor: the name for the
# wrong person, the password after a wrong one.
type bob; keys Enter; type demo; keys Enter
wait_screen 'Not approved: .*must be someone other than'
# A viewer's right password is not enough: the role is checked.
keys C-u; type alice; keys Enter; type demo; keys Enter
wait_screen 'Not approved: alice may not approve: that needs one of the'
keys C-u; type dora; keys Enter; type wrong; keys Enter
wait_screen 'Not approved: Authentication failed'
expect_match 'Password +_+$' "$(screen | grep Password)"
type demo; keys Enter
wait_screen 'The export is complete' 90
keys Enter
wait_screen 'Exported to .*VIGIL-2026'
bundle2=$(ls -d "$TMP"/out/VIGIL-2026* 2>/dev/null | head -1)
[ -d "$bundle2" ] || fail "no redacted bundle in $TMP/out: $(ls -la "$TMP/out")"
(cd "$bundle2" && minisign -Vm SHA256SUMS -p vigil-*.pub >/dev/null &&
    sha256sum -c SHA256SUMS >/dev/null) || fail "the redacted bundle does not verify"
grep -q '"mode": *"redacted"' "$bundle2/manifest.json" ||
    fail "manifest does not say redacted"
grep -q 'pixelate:x=11%,y=20%,w=31%,h=25%,from=2026-11-20T08:00:57.000Z,to=2026-11-20T08:01:15.000Z,key=2026-11-20T08:01:06.000Z/12%/20%' "$bundle2/manifest.json" ||
    fail "the mask is not in the manifest: $(cat "$bundle2/manifest.json")"
grep -q '"approver": *"dora"' "$bundle2/manifest.json" ||
    fail "the approver is not in the manifest"

# Three cameras, redacted without masks, cancelled as soon as it starts
# (the keys are handled before the job can finish): nothing is left.
keys e
wait_screen 'step 1 of 4: Range'
keys BTab Down Space Down Space
wait_screen '\[x\] reading-room'
expect_match '\[x\] stacks' "$(screen)"
keys Enter
wait_screen 'step 2 of 4: Purpose'
keys I Tab; type 'INC-78'; keys Tab; type 'Library security'
keys Tab; type 'Erik Evidence'; keys Tab; type 'Espoo City Library'; keys Enter
wait_screen 'step 3 of 4: Mode'
keys r Enter
wait_screen 'step 4 of 5: Masks'
keys Enter
wait_screen 'No masks: the clips are re-encoded'
keys Enter c y
wait_screen 'The export was cancelled' 30
keys Enter
wait_screen 'The export was cancelled'
ls -A "$TMP/out" | grep -q 'INC-78' && fail "a cancelled export left something"
ls -A "$TMP/out" | grep -q '^\.vigil-partial' && fail "a partial folder was left"

keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
[ "$(log_count '"action":"export-start"')" = 3 ] || fail "expected three export-start"
[ "$(log_count '"action":"export-failed"')" = 1 ] || fail "expected one export-failed"
log_has '"action":"export-failed".*"cancelled": ?true'
[ "$(log_count '"action":"export-done"')" = 2 ] || fail "expected two export-done"
[ "$(log_count '"action":"export-approved"')" = 1 ] || fail "expected one export-approved"
log_has '"actor":"dora","action":"export-approved"'
log_has '"action":"export-approved".*bob'
# Three refusals: bob as his own approver, alice without the role, dora's
# wrong password.
[ "$(log_count '"action":"login-failed".*approval')" = 3 ] ||
    fail "expected three failed approvals"
log_has '"actor":"alice","action":"login-failed".*"stage":"roles"'
# The mask editor's frame was a view with the export's reason.
log_has '"actor":"bob","action":"view-start","camera":"entrance".*"reason_code":"POLICE","reference":"2026/1234"'
# ... and its end says how long it was on screen and how long it played.
log_has '"action":"view-end".*"wall_ms":[0-9]+.*"play_ms":[0-9]+'
[ "$(log_count '"action":"view-start"')" = "$(log_count '"action":"view-end"')" ] ||
    fail "a view was left open"
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
exit 0
