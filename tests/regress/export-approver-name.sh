# vigil export --approver with a name vigil(1) says is refused untried and
# logged (issue 12): a name with a control character or over 255 bytes is
# not checked away before the approval (as the other text is, before a
# passphrase is asked) but refused there, without PAM, and logged as
# login-failed (context approval, stage input); nothing is exported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"
command -v minisign >/dev/null 2>&1 || skip "minisign is not installed"
[ "$(id -u)" = 0 ] || skip "not root: the approval through PAM needs --user"

term_env_setup
mkdir -p "$TMP/usb"
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" catalog scan
expect_status 0 "$VIGIL" keygen --no-passphrase --key "$TMP/var/export.key"
chown -R "$SVC_UID:$SVC_UID" "$TMP/var" "$TMP/usb"
RANGE="--camera stacks --from 2026-11-20T08:00:05Z --to 2026-11-20T08:00:15Z --mode original"
POLICE="--reason POLICE --reference 2026/4711 --requester Oslo-PD --recipient Constable"
KEY="--key $TMP/var/export.key --target $TMP/usb"

# approve NAME: an export with --approver NAME, both passwords typed.
approve() {
	vigil_start export $RANGE $POLICE $KEY --user bob --approver "$1"
	wait_screen 'Password of bob \(exporter\):'
	type demo; keys Enter
	wait_screen '\(approver\):'
	type demo; keys Enter
	[ "$(vigil_exit_status)" -eq 2 ] || { cat "$TMP/stderr"; fail "--approver '$1' did not exit 2"; }
	expect_match 'approval refused' "$(cat "$TMP/stderr")"
}
approve "$(printf 'dora\033[2J')"
expect_match 'control characters; it was not tried' "$(cat "$TMP/stderr")"
approve "$(head -c 256 /dev/zero | tr '\0' d)"
expect_match 'That user name is too long' "$(cat "$TMP/stderr")"
[ -z "$(ls -A "$TMP/usb")" ] || fail "a refused approval wrote something"
log_dump
[ "$(log_count '"action":"login-failed".*"context":"approval".*"stage":"input"')" -eq 2 ] ||
    { cat "$TMP/log.json"; fail "expected two login-failed at stage input"; }
[ "$(log_count '"action":"export-')" -eq 0 ] || fail "a refused approval logged an export"
exit 0
