# vigil export's free text (issue 12): --recipient, --legal-basis,
# --requester, --note and --reference with a line break, a tab, an escape
# (C0, DEL or C1) are refused, so no forged line ("Approved by: ...") can
# reach HANDOVER.txt; text over a field's limit is refused with a message
# naming the limit, never cut.  Nothing is logged or written for a
# refusal; text at the limit is exported whole.
. "$(dirname "$0")/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg is not installed"
export DEMO_FOOTAGE_SEGMENT=10
DEMO="$TMP/demo" sh "$TOP/dist/demo-setup" footage config >"$TMP/setup.log" 2>&1 ||
    fail "demo-setup: $(cat "$TMP/setup.log")"
V="$VIGIL --config $TMP/demo/vigil.conf"
USB=$TMP/demo/usb
expect_status 0 $V audit init
expect_status 0 $V catalog scan
expect_status 0 $V keygen --no-passphrase

# export_with STATUS OPTION...: a short original export of entrance with the options.
export_with() {
	want_status=$1; shift
	expect_status "$want_status" $V export --camera entrance \
	    --from 2026-11-20T08:00:00Z --to 2026-11-20T08:00:04Z \
	    --mode original --reason INCIDENT --target "$USB" "$@"
}
# rep CHAR N: CHAR repeated N times.
rep() { python3 -c 'import sys; print(sys.argv[1] * int(sys.argv[2]), end="")' "$1" "$2"; }

N=$($V audit show --format csv | wc -l)
NL='
'
ESC=$(printf '\033')
TAB=$(printf '\t')
DEL=$(printf '\177')
CSI=$(printf '\302\233')	# U+009B, the C1 control sequence introducer

for opt in --recipient --legal-basis --requester --note; do
	for bad in "P. Olsen${NL}Approved by: Chief Inspector" \
	    "P. Olsen${ESC}[2J${ESC}[HApproved by: x" "P.${TAB}Olsen" \
	    "P. Olsen$DEL" "P. Olsen ${CSI}2J"; do
		export_with 2 --reference INC-T1 "$opt" "$bad"
		name=${opt#--}
		[ "$name" = legal-basis ] && name="legal basis"
		expect_match "the $name has a control character" "$OUT"
		case $OUT in *"$ESC"*|*"$CSI"*) fail "the message echoes the escape: $OUT" ;; esac
	done
done
export_with 2 --reference "INC-1${NL}Approved by: x"
expect_match 'the reference has a control character' "$OUT"

# Over the limit: refused with the limit, not cut.
export_with 2 --reference INC-T2 --recipient "$(rep a 513)"
expect_match 'the recipient is too long \(513 bytes; at most 512 bytes\)' "$OUT"
export_with 2 --reference INC-T2 --requester "$(rep b 257)"
expect_match 'the requester is too long \(257 bytes; at most 256 bytes\)' "$OUT"
export_with 2 --reference "INC-$(rep 7 509)"
expect_match 'the reference is too long \(513 bytes; at most 512 bytes\)' "$OUT"
export_with 2 --reference INC-T2 --legal-basis "$(rep c 4097)"
expect_match 'the legal basis is too long \(4097 bytes; at most 4096 bytes\)' "$OUT"
export_with 2 --reference INC-T2 --note "$(rep d 2001)"
expect_match 'the note is too long \(2001 bytes; at most 2000 bytes\)' "$OUT"

[ "$($V audit show --format csv | wc -l)" -eq "$N" ] || fail "a refusal was logged"
[ -z "$(ls -A "$USB")" ] || fail "a refusal wrote into the target: $(ls -A "$USB")"

# At the limits, and text beyond ASCII: exported whole.
R=$(rep r 497)", Politiet Øst"	# 512 bytes
Q=$(rep q 254)"ø"	# 256 bytes
export_with 0 --reference INC-T3 --recipient "$R" --requester "$Q" \
    --legal-basis "GDPR art. 6(1)(c) – «legal obligation»"
B=$(printf '%s\n' "$OUT" | sed -n 's/^Bundle: //p')
[ -d "$B" ] || fail "no bundle: $OUT"
grep -qF "$R" "$B/HANDOVER.txt" || fail "HANDOVER.txt lacks the whole recipient"
grep -qF "$Q" "$B/HANDOVER.txt" || fail "HANDOVER.txt lacks the whole requester"
grep -qF "«legal obligation»" "$B/HANDOVER.txt" || fail "HANDOVER.txt lacks the legal basis"
python3 - "$B/manifest.json" "$R" <<'EOF' || fail "manifest recipient"
import json, sys
assert json.load(open(sys.argv[1]))["recipient"] == sys.argv[2]
EOF
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$B/HANDOVER.txt"; then
	fail "HANDOVER.txt holds a control character"
fi
# Anchored by a checkpoint, the log verifies (exit 0).
expect_status 0 $V audit checkpoint
expect_status 0 $V audit verify
exit 0
