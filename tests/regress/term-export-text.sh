#!/bin/sh
# The export wizard's purpose step refuses what vigil export refuses
# (issue 12): text longer than a field's limit is held whole, said to be
# too long with the limit, and Enter does not go on until it is shortened
# (nothing is cut); a C1 control character (U+0085, a line break to some
# readers) typed into the recipient is refused at Enter through the
# export layer's check.  Nothing is logged for the refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup
mkdir -p "$TMP/out"
sed -i -e "/^\[paths\]/a export_roots = $TMP/out" "$TMP/vigil.conf"
[ "$(id -u)" = 0 ] && chown -R "$SVC_UID:$SVC_UID" "$TMP/out"
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" config check

vigil_start
wait_screen 'Username  _'
login_as bob demo
wait_screen '> entrance'
keys e
wait_screen 'step 1 of 4: Range'
keys Enter
wait_screen 'step 2 of 4: Purpose'
keys I
keys Tab; type 'INC-77'
keys Tab; type 'Library security'
# The recipient (at most 255 bytes): 300 typed, all of them held.
keys Tab; type "$(printf '%0300d' 0)"
wait_screen 'The recipient is at most 255 bytes and has 300'
keys Tab; type 'Espoo City Library'
keys Enter
wait_screen 'The recipient is at most 255 bytes and has 300: shorten it'
expect_match 'step 2 of 4: Purpose' "$(screen)"
# Shortened to the limit: taken.
keys BTab
i=0
while [ $i -lt 45 ]; do keys BSpace; i=$((i + 1)); done
wait_gone 'is at most 255 bytes'
keys Tab; keys Enter
wait_screen 'step 3 of 4: Mode'
keys Escape
wait_screen 'step 2 of 4: Purpose'
# A C1 control character in the recipient: refused.
keys BTab; keys C-u; type "Erik$(printf '\302\205')Evidence"
keys Tab; keys Enter
wait_screen 'the recipient has a control character'
expect_match 'step 2 of 4: Purpose' "$(screen)"
keys BTab; keys C-u; type 'Erik Evidence'
keys Tab; keys Enter
wait_screen 'step 3 of 4: Mode'
keys Escape; keys Escape; keys Escape
wait_screen 'Export cancelled: nothing was exported'
log_dump
[ "$(log_count export-start)" -eq 0 ] || fail "an export was started"
exit 0
