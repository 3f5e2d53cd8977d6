#!/bin/sh
# The README's recipient check, as written there, on a demo USB stick with
# two bundles: run from the top of a checkout (demo/usb relative), with
# bash and with sh, it verifies each bundle in its own directory, and a
# bundle with one byte changed, or re-signed with another key, is reported
# as not verified.
. "$(dirname "$0")/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg is not installed"
command -v minisign >/dev/null 2>&1 || skip "minisign is not installed"
command -v bash >/dev/null 2>&1 || skip "bash is not installed"

# The indented block after "Check a bundle as its recipient would".
awk '/Check a bundle as its recipient would/ { on = 1; next }
    on && /^    / { print substr($0, 5); got = 1; next }
    on && got && !/^    / { exit }' "$TOP/README.md" > "$TMP/check.sh"
[ -s "$TMP/check.sh" ] || fail "no recipient check found in README.md"

export DEMO_FOOTAGE_SEGMENT=10
DEMO="$TMP/demo" sh "$TOP/dist/demo-setup" footage config >"$TMP/setup.log" 2>&1 ||
    fail "demo-setup: $(cat "$TMP/setup.log")"
V="$VIGIL --config $TMP/demo/vigil.conf"
expect_status 0 $V audit init
expect_status 0 $V catalog scan
expect_status 0 $V keygen --no-passphrase
for ref in INC-1 INC-2; do
	expect_status 0 $V export --camera entrance --from 2026-11-20T08:00:05Z \
	    --to 2026-11-20T08:00:15Z --mode original --reason INCIDENT \
	    --reference "$ref" --requester "Front desk" --recipient "P. Olsen" \
	    --target "$TMP/demo/usb"
done
[ "$(ls -d "$TMP"/demo/usb/VIGIL-*/ | wc -l)" = 2 ] || fail "expected two bundles"

# The README's commands run from the top of a checkout: build/ beside demo/.
ln -s "$BUILD" "$TMP/build"
# run SHELL: the check from $TMP (where demo/ is), its output in $OUT.
run() {
	OUT=$(cd "$TMP" && "$1" "$TMP/check.sh" 2>&1)
}
for sh in bash sh; do
	run "$sh"
	[ "$(printf '%s\n' "$OUT" | grep -c 'Signature and comment signature verified')" = 2 ] ||
		fail "$sh: not both bundles' signatures verified: $OUT"
	[ "$(printf '%s\n' "$OUT" | grep -c 'manifest.json: OK')" = 2 ] ||
		fail "$sh: not both bundles' checksums verified: $OUT"
	printf '%s\n' "$OUT" | grep -Eqi 'not verified|FAILED|too many|No such' &&
		fail "$sh: a failure was reported: $OUT"
done

# One byte of the second bundle's clip changed: that bundle is named.
clip=$(ls "$TMP"/demo/usb/VIGIL-INC-2-*/clips/*.mp4)
printf 'X' | dd of="$clip" bs=1 seek=100 conv=notrunc 2>/dev/null
for sh in bash sh; do
	run "$sh"
	expect_match 'NOT VERIFIED: demo/usb/VIGIL-INC-2-' "$OUT"
	printf '%s\n' "$OUT" | grep -q 'NOT VERIFIED: demo/usb/VIGIL-INC-1-' &&
		fail "$sh: the intact bundle is reported: $OUT"
done

# The first bundle re-signed with another key, shipped with that key's
# file: consistent with itself, and still reported.
b1=$(ls -d "$TMP"/demo/usb/VIGIL-INC-1-*/)
f="$TMP/demo/usb/VIGIL-FORGED-20261120T080000Z"
cp -a "$b1" "$f"
minisign -G -W -s "$TMP/f.key" -p "$TMP/f.pub" >/dev/null || fail "minisign -G"
(cd "$f" && rm -f SHA256SUMS.minisig vigil-*.pub && cp "$TMP/f.pub" vigil-forged.pub &&
    minisign -S -s "$TMP/f.key" -m SHA256SUMS >/dev/null &&
    minisign -Vm SHA256SUMS -p vigil-forged.pub >/dev/null) || fail "cannot re-sign"
for sh in bash sh; do
	run "$sh"
	printf '%s\n' "$OUT" | grep -q 'NOT VERIFIED: demo/usb/VIGIL-FORGED-' ||
		fail "$sh: the re-signed bundle is not reported: $OUT"
done
exit 0
