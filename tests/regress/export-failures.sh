# vigil export when the target fails mid-export: the target folder removed,
# and (as root) a small tmpfs filled up.  Each time: exit status 1, a clear
# message, no partial and no final bundle, export-failed in the log, and
# the log and the catalog intact.
. "$(dirname "$0")/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg is not installed"
export DEMO_FOOTAGE_SEGMENT=10
DEMO="$TMP/demo" sh "$TOP/dist/demo-setup" footage config >"$TMP/setup.log" 2>&1 ||
    fail "demo-setup: $(cat "$TMP/setup.log")"
V="$VIGIL --config $TMP/demo/vigil.conf"
expect_status 0 $V audit init
expect_status 0 $V catalog scan
expect_status 0 $V keygen --no-passphrase
CAT_BEFORE=$($V catalog ls entrance)

# run_bg TARGET: a long redacted export into TARGET in the background
# (its output in $TMP/bg.out, its pid in $BG); waits for the partial
# folder.
run_bg() {
	$V export --camera reading-room \
	    --from 2026-11-20T08:00:00Z --to 2026-11-20T08:01:00Z --mode redacted \
	    --reason INCIDENT --reference INC-FAIL --target "$1" >"$TMP/bg.out" 2>&1 &
	BG=$!
	i=0
	while [ $i -lt 200 ] && ! ls -a "$1" 2>/dev/null | grep -q '^\.vigil-partial'; do
		sleep 0.05; i=$((i + 1))
	done
	ls -a "$1" | grep -q '^\.vigil-partial' || fail "no partial folder appeared in $1"
}
# check_failed: the last export ended as export-failed, log and catalog
# intact.
check_failed() {
	expect_status 0 $V audit show --action export-failed --format json
	expect_match '"error":' "$OUT"
	expect_match "\"stage\":\"$1\"" "$OUT"
	# No checkpoint yet (no logout): consistent, not anchored.
	expect_status 3 $V audit verify
	expect_match '^consistent, not anchored' "$OUT"
	[ "$($V catalog ls entrance)" = "$CAT_BEFORE" ] || fail "the catalog changed"
}

# ---- the target folder removed mid-export ---------------------------------
mkdir "$TMP/stick"
run_bg "$TMP/stick"
rm -rf "$TMP/stick"
wait "$BG"; st=$?
[ "$st" -eq 1 ] || fail "export into a removed folder exited $st: $(cat "$TMP/bg.out")"
expect_match 'the export failed: ' "$(cat "$TMP/bg.out")"
[ -e "$TMP/stick" ] && fail "the removed target came back: $(ls -la "$TMP/stick")"
check_failed redacting

# ---- a full medium (root only: a tmpfs) -----------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip "not root: the full-medium case needs a tmpfs"
fi
mkdir "$TMP/small"
mount -t tmpfs -o size=32m tmpfs "$TMP/small" || skip "cannot mount a tmpfs"
regress_cleanup() { umount -l "$TMP/small" 2>/dev/null; return 0; }
run_bg "$TMP/small"
dd if=/dev/zero of="$TMP/small/filler" bs=64k 2>/dev/null
wait "$BG"; st=$?
[ "$st" -eq 1 ] || fail "export onto a full medium exited $st: $(cat "$TMP/bg.out")"
expect_match 'No space left on device' "$(cat "$TMP/bg.out")"
[ "$(ls -a "$TMP/small" | grep -v '^\.\.\?$')" = filler ] ||
    fail "something was left on the full medium: $(ls -a "$TMP/small")"
check_failed redacting

# Not enough room from the start: refused before anything is logged.
N=$($V audit show --format csv | wc -l)
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:20Z --mode original --reason INCIDENT \
    --reference INC-FULL --target "$TMP/small"
expect_match 'not enough space on .*small: 0 MB free, about [0-9]+ MB needed' "$OUT"
[ "$($V audit show --format csv | wc -l)" -eq "$N" ] || fail "the refusal was logged"
umount "$TMP/small"

# A read-only medium: export-start is written, the partial folder cannot
# be made, export-failed follows (stage start), exit 1.
mount -t tmpfs -o size=32m,ro tmpfs "$TMP/small" || skip "cannot mount a read-only tmpfs"
expect_status 1 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:20Z --mode original --reason INCIDENT \
    --reference INC-RO --target "$TMP/small"
expect_match 'Read-only file system' "$OUT"
check_failed start
[ -z "$(ls -A "$TMP/small")" ] || fail "something appeared on the read-only medium"
umount "$TMP/small"
exit 0
