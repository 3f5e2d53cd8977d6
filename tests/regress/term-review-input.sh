#!/bin/sh
# Bad input on the review screen gets a clear message and loses nothing:
# the filter form (To before From, invalid UTF-8, a field too long), who
# saw (no camera, a bad time, To before From), a report with no folder,
# without a signing key and into a folder that cannot be made, a
# checkpoint over an existing file, a checkpoint file held that does not
# exist, and an unknown key.  Nothing refused is logged as applied.  On a
# terminal that is not UTF-8 the screen is drawn in ASCII.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/login-env.lib"

login_env_setup
mkdir -p "$TMP/keys" "$TMP/out"
printf '\n[export]\nsigning_key = %s\n' "$TMP/keys/vigil-export.key" >> "$TMP/vigil.conf"
echo "already here" > "$TMP/out/taken.ckpt"
if [ "$(id -u)" = 0 ]; then
	chown -R "$SVC_UID:$SVC_UID" "$TMP/keys" "$TMP/out"
fi
vigil_start
wait_screen 'Username  _'
login_as dora demo
wait_screen 'Filter: none'

keys Z
wait_screen 'Unknown key: \? shows every key of this screen'

# The filter form.
keys f; wait_screen 'Filter the log'
type 2026-11-20; keys Tab; type 2026-11-19; keys Enter
wait_screen 'To must be after From'
keys Tab; keys C-u
tm send-keys -t vigil -H 61 ff 62
keys Enter
wait_screen 'User is not valid UTF-8'
keys C-u
long=$(head -c 600 /dev/zero | tr '\0' 'u')
type "$long"
wait_screen 'User: at most 512 bytes'
keys C-u; type alice
keys Escape
wait_screen 'The filter was not changed'
expect_match 'Filter: none' "$(screen)"

# Who saw.
keys w; wait_screen 'Who has watched footage'
keys Enter
wait_screen 'Type the camera, as logged'
type entrance; keys Tab; type 'noon'; keys Enter
wait_screen 'From is not a date and time'
keys C-u; type '2026-11-20 10:00'; keys Tab; type '2026-11-20 09:00'; keys Enter
wait_screen 'To must be after From'
keys C-u; type '2026-11-20 11:00'; keys Enter
wait_screen 'Nobody has viewed or exported footage of entrance'
keys Escape

# Reports: no folder, no signing key, a folder that cannot be made.
keys r; wait_screen 'Report of the current filter'
keys Enter
wait_screen 'Type the folder to write the report to'
type "$TMP/out/none/deeper"
keys Enter
wait_screen "The signing key cannot be read"
expect_match "creates it with 'vigil keygen'" "$(screen)"
"$VIGIL" keygen --key "$TMP/keys/vigil-export.key" --no-passphrase \
    >"$TMP/keygen.log" 2>&1 || fail "keygen: $(cat "$TMP/keygen.log")"
[ "$(id -u)" = 0 ] && chown -R "$SVC_UID:$SVC_UID" "$TMP/keys"
keys Enter
wait_screen 'Report of the current filter'
keys Enter
wait_screen 'The report was not written'
expect_match 'Report of the current filter' "$(screen)"
keys Escape

# A checkpoint never overwrites; a held file that is not there.
keys c; wait_screen 'Export the newest checkpoint'
type "$TMP/out/taken.ckpt"; keys Enter
wait_screen 'exists|File exists'
keys Escape
[ "$(cat "$TMP/out/taken.ckpt")" = "already here" ] || fail "the checkpoint overwrote a file"
keys i; wait_screen 'Full verification'
keys a; wait_screen 'A checkpoint file you hold'
type "$TMP/out/missing.ckpt"; keys Enter
wait_screen 'missing.ckpt cannot be checked'
expect_match 'NOT ANCHORED|Running' "$(screen)"
keys Escape

keys q; wait_screen 'a audit review'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean
# A terminal that is not UTF-8: plain ASCII.
vigil_start
sed -i 's/LANG=C.UTF-8/LANG=C/' "$TMP/run"
tm kill-server
SOCK=tmux-$(( ${SOCK#tmux-} + 1 ))
SOCKS="$SOCKS $SOCK"
rm -f "$TMP/exit"
tm -f /dev/null new-session -d -s vigil -x 80 -y 24 "sh $TMP/run"
wait_screen 'Username'
login_as dora demo
wait_screen 'Filter: none, every entry'
# The verification at start may still run when the screen is first drawn.
wait_screen 'Log: intact - [0-9]+ entries - '
s=$(screen)
expect_match 'w who saw\.\.\.  c checkpoint' "$s"
expect_match 'reason +ref +!' "$s"
printf '%s\n' "$s" | grep -q '…\|⚑\|·' && fail "UTF-8 drawn on a terminal that is not UTF-8: $s"
keys q; wait_screen 'a audit review'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
stderr_clean

log_dump
# Entered once, the who-saw search, the report attempt: no filter.
[ "$(log_count '"actor":"dora","action":"audit-report"')" = 0 ] ||
    fail "a report that was not written is logged"
if grep '"actor":"dora","action":"audit-review"' "$TMP/log.json" | grep -q 'alice'; then
	fail "a cancelled filter was logged"
fi
exit 0
