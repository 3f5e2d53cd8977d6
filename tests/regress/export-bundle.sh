# vigil export on the demo recorder (10-second segments, 10 fps, a
# keyframe every 2 s), in both modes: stock minisign and sha256sum verify
# the bundle, ffprobe finds the expected codec and duration, one byte
# changed in a clip, the manifest or SHA256SUMS is caught by minisign or
# sha256sum and by vigil verify, the audit log holds export-start and
# export-done and still verifies.  Refusals: bad options, no footage, a
# full target, a reason that needs approval without a terminal.
. "$(dirname "$0")/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg is not installed"
command -v minisign >/dev/null 2>&1 || skip "minisign is not installed"
export DEMO_FOOTAGE_SEGMENT=10
DEMO="$TMP/demo" sh "$TOP/dist/demo-setup" footage config >"$TMP/setup.log" 2>&1 ||
    fail "demo-setup: $(cat "$TMP/setup.log")"
V="$VIGIL --config $TMP/demo/vigil.conf"
USB=$TMP/demo/usb
expect_status 0 $V audit init
expect_status 0 $V catalog scan
expect_status 0 $V keygen --no-passphrase
expect_status 0 $V keygen --show
KEYID=$(printf '%s\n' "$OUT" | sed -n 's/^key id  *//p')
PUB=$(printf '%s\n' "$OUT" | sed -n 's/^public key  *//p')
FPR=$(printf '%s\n' "$OUT" | sed -n 's/^fingerprint  *//p')
[ -n "$KEYID" ] || fail "no key id"
expect_match '^RW[A-Za-z0-9+/]{54}$' "$PUB"
# All 64 digits of the fingerprint, in 16 groups of 4: SHA-256 of the key.
expect_match '^([0-9a-f]{4} ){15}[0-9a-f]{4}$' "$FPR"
want=$(printf '%s' "$PUB" | base64 -d | sha256sum | cut -c1-64)
[ "$(printf '%s' "$FPR" | tr -d ' ')" = "$want" ] || fail "fingerprint $FPR is not SHA-256 of the key ($want)"

# expect_fixed STRING TEXT: fails unless TEXT holds STRING as it is (keys
# hold + and /).
expect_fixed() {
	printf '%s\n' "$2" | grep -qF -- "$1" || fail "expected '$1' in: $2"
}
# probe FILE ENTRY: one ffprobe value.
probe() {
	ffprobe -v error -select_streams v:0 -show_entries "$2" -of csv=p=0 "$1"
}
# near A B TOL: |A - B| <= TOL.
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}
# stock DIR: the recipient's check with stock tools.
stock() {
	(cd "$1" && minisign -Vm SHA256SUMS -P "$PUB" >/dev/null 2>&1 &&
	    sha256sum -c --quiet SHA256SUMS >/dev/null 2>&1)
}
# tamper DIR FILE OFFSET: flips one byte of DIR/FILE at OFFSET.
tamper() {
	python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[o] ^= 0x01
open(p, "wb").write(b)' "$1/$2" "$3"
}
# check_tamper DIR: each of three one-byte changes is caught.
check_tamper() {
	for f in "$(cd "$1" && ls clips/*.mp4 | head -1)" manifest.json SHA256SUMS; do
		rm -rf "$TMP/copy" && cp -a "$1" "$TMP/copy"
		tamper "$TMP/copy" "$f" 100
		stock "$TMP/copy" && fail "stock tools accept a changed $f"
		expect_status 1 $V verify "$TMP/copy"
		expect_match 'altered|differ|does not match|mismatch' "$OUT"
	done
	rm -rf "$TMP/copy"
}

# ---- original: two cameras, the gap of stacks at 08:00:50 ---------------
expect_status 0 $V export --camera entrance --camera stacks \
    --from 2026-11-20T08:00:35Z --to 2026-11-20T08:00:55Z --mode original \
    --reason INCIDENT --reference INC-2026-17 --requester "Front desk" \
    --recipient "P. Olsen, Police District" --target "$USB"
expect_match "^Bundle: $USB/VIGIL-INC-2026-17-[0-9]{8}T[0-9]{6}Z$" "$OUT"
expect_fixed "minisign -Vm SHA256SUMS -P $PUB && sha256sum -c SHA256SUMS" "$OUT"
expect_match "Fingerprint: $FPR" "$OUT"
expect_match "vigil verify" "$OUT"
B1=$(printf '%s\n' "$OUT" | sed -n 's/^Bundle: //p')
[ -d "$B1" ] || fail "no bundle at $B1"
ls -a "$USB" | grep -q '^\.vigil-partial' && fail "a partial folder was left"
stock "$B1" || fail "stock minisign/sha256sum refuse the original bundle"
expect_status 0 $V verify "$B1"
expect_match "pinned site key .*fingerprint $FPR" "$OUT"
# The whole key and fingerprint are on the handover protocol and README.
grep -qF "$PUB" "$B1/HANDOVER.txt" && grep -qF "$FPR" "$B1/HANDOVER.txt" &&
    grep -qF "$PUB" "$B1/README.txt" || fail "HANDOVER.txt or README.txt lacks the key"
# Pinned on the command line: the published key passes, another key does
# not, and a key given neither as a key nor as a file is refused.
expect_status 0 $V verify --pubkey "$PUB" "$B1"
expect_status 1 $V verify --pubkey RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3 "$B1"
expect_match 'signed by an unknown key' "$OUT"
expect_status 2 $V verify --pubkey RWnotakey "$B1"
# A forged key carrying the site's key id, the bundle re-signed with it
# (stock minisign, the key's id rewritten as anyone can): the check with
# the key inside the bundle is fooled; the pinned checks are not.
rm -rf "$TMP/forged" && cp -a "$B1" "$TMP/forged"
python3 - "$TMP" "$KEYID" <<'PY' || fail "cannot forge a key"
import base64, hashlib, os, subprocess, sys
tmp, keyid = sys.argv[1], sys.argv[2]
sk, pk = tmp + "/f.key", tmp + "/f.pub"
for p in (sk, pk):
    if os.path.exists(p): os.remove(p)
subprocess.run(["minisign", "-G", "-W", "-s", sk, "-p", pk], check=True,
               stdout=subprocess.DEVNULL)
kid = bytes.fromhex(keyid)[::-1]
lines = open(sk).read().splitlines()
raw = bytearray(base64.b64decode(lines[1]))
raw[54:62] = kid
raw[126:158] = hashlib.blake2b(b"Ed" + kid + bytes(raw[62:126]), digest_size=32).digest()
open(sk, "w").write("untrusted comment: forged\n" + base64.b64encode(raw).decode() + "\n")
lines = open(pk).read().splitlines()
raw = bytearray(base64.b64decode(lines[1]))
raw[2:10] = kid
open(pk, "w").write("untrusted comment: minisign public key " + keyid + "\n" + base64.b64encode(raw).decode() + "\n")
PY
(cd "$TMP/forged" && rm -f SHA256SUMS.minisig vigil-*.pub &&
    cp "$TMP/f.pub" "vigil-$KEYID.pub" &&
    minisign -S -s "$TMP/f.key" -m SHA256SUMS \
        -t "$(minisign -V -m "$B1/SHA256SUMS" -P "$PUB" | sed -n 's/^Trusted comment: //p')" >/dev/null) ||
    fail "cannot re-sign the forged bundle"
(cd "$TMP/forged" && minisign -Vm SHA256SUMS -p "vigil-$KEYID.pub" >/dev/null 2>&1) ||
    fail "the forgery is not even consistent with itself"
stock "$TMP/forged" && fail "the documented recipient check accepts a forged key"
expect_status 1 $V verify "$TMP/forged"
expect_match 'signed by an unknown key' "$OUT"
C=$B1/clips/entrance_20261120T080035Z_20261120T080055Z.mp4
[ "$(probe "$C" stream=codec_name)" = h264 ] || fail "original clip codec"
# Cut at keyframes (every 2 s): within one GOP of 20 s each side.
D=$(probe "$C" format=duration)
near "$D" 20 2.05 || fail "original clip lasts $D s, expected 20 s within a GOP"
C2=$B1/clips/stacks_20261120T080035Z_20261120T080055Z.mp4
D2=$(probe "$C2" format=duration)
near "$D2" 15 2.05 || fail "stacks clip lasts $D2 s, expected 15 s (gap) within a GOP"
grep -q '"gaps": \[' "$B1/manifest.json" || grep -q '"gaps":\[' "$B1/manifest.json" ||
    fail "manifest has no gaps"
python3 - "$B1/manifest.json" <<'EOF' || fail "manifest content"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["mode"] == "original", m["mode"]
assert [g["camera"] for g in m["gaps"]] == ["stacks"], m["gaps"]
assert m["gaps"][0]["from"].startswith("2026-11-20T08:00:50"), m["gaps"]
assert len(m["clips"]) == 2 and len(m["ranges"]) == 2
assert m["recipient"] == "P. Olsen, Police District"
assert isinstance(m["audit"]["export_seq"], int)
EOF
check_tamper "$B1"

# ---- redacted: two masks, one given in pixels -----------------------------
expect_status 0 $V export --camera reading-room --from 2026-11-20T08:00:12Z \
    --to 2026-11-20T08:00:27Z --mode redacted \
    --mask 'blur:x=10%,y=20%,w=30%,h=25%' \
    --mask 'solid:x=100px,y=50px,w=64px,h=64px,from=+2,to=+10' \
    --reason INCIDENT --reference INC-2026-18 --target "$USB"
B2=$(printf '%s\n' "$OUT" | sed -n 's/^Bundle: //p')
stock "$B2" || fail "stock minisign/sha256sum refuse the redacted bundle"
expect_status 0 $V verify "$B2"
C=$B2/clips/reading-room_20261120T080012Z_20261120T080027Z.mp4
[ "$(probe "$C" stream=codec_name)" = h264 ] || fail "redacted clip codec"
D=$(probe "$C" format=duration)
near "$D" 15 0.1 || fail "redacted clip lasts $D s, expected 15 s within a frame"
[ "$(ffprobe -v error -show_entries format=nb_streams -of csv=p=0 "$C")" = 1 ] ||
    fail "redacted clip has more than one stream"
python3 - "$B2/manifest.json" <<'EOF' || fail "redactions in the manifest"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["mode"] == "redacted"
assert len(m["redactions"]) == 2, m["redactions"]
assert m["redactions"][1].startswith("solid:x="), m["redactions"]
EOF
check_tamper "$B2"

# ---- the audit log -------------------------------------------------------
# No checkpoint yet (no logout): consistent, not anchored (exit 3).
expect_status 3 $V audit verify
expect_match '^consistent, not anchored' "$OUT"
expect_status 0 $V audit show --action export-start --format json
expect_match '"camera":"entrance,stacks"' "$OUT"
expect_match '"cameras":\["entrance","stacks"\]' "$OUT"
expect_match '"mode":"redacted"' "$OUT"
expect_match '"recipient":"P. Olsen, Police District"' "$OUT"
[ "$(printf '%s\n' "$OUT" | grep -c '"action":"export-start"')" -eq 2 ] ||
    fail "expected two export-start entries"
expect_status 0 $V audit show --action export-done --format json
SUMS=$(sha256sum "$B1/SHA256SUMS" | cut -d' ' -f1)
expect_match "\"sha256sums\":\"$SUMS\"" "$OUT"
expect_match "\"bundle\":\"$B1\"" "$OUT"

# ---- refusals: nothing logged, nothing written -----------------------------
N=$($V audit show --format csv | wc -l)
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --reason INCIDENT --target "$USB"
expect_match '--reference is required' "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:10Z \
    --to 2026-11-20T08:00:00Z --mode original --reason INCIDENT --reference X \
    --target "$USB"
expect_match 'after --from' "$OUT"
expect_status 2 $V export --camera entrance --from yesterday \
    --to 2026-11-20T08:00:00Z --mode original --reason INCIDENT --reference X \
    --target "$USB"
expect_match "bad time 'yesterday'" "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --mask 'blur:x=1%,y=1%,w=5%,h=5%' \
    --reason INCIDENT --reference X --target "$USB"
expect_match 'needs --mode redacted' "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode redacted --mask 'blur:x=1%' \
    --reason INCIDENT --reference X --target "$USB"
expect_match -- '--mask 1' "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-21T08:00:00Z \
    --to 2026-11-21T08:00:10Z --mode original --reason INCIDENT --reference X \
    --target "$USB"
expect_match 'no recorded footage' "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --reason BROWSE --reference X \
    --target "$USB"
expect_match "reason code 'BROWSE' is not configured" "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --reason INCIDENT --reference X \
    --target "$TMP/nonexistent"
expect_match "nonexistent" "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --reason INCIDENT --reference X \
    --target "$USB" --key "$TMP/no.key"
expect_match 'vigil keygen' "$OUT"
# Approval needs a second person at a terminal.
cat >> "$TMP/demo/vigil.conf" <<EOF

[export]
require_approval = POLICE
EOF
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --reason POLICE --reference P-1 \
    --requester "Police District" --target "$USB"
expect_match 'need a second person.s approval' "$OUT"
expect_status 2 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:10Z --mode original --reason POLICE --reference P-1 \
    --requester "Police District" --target "$USB" --approver adam </dev/null
expect_match 'standard input is not one; nothing was exported' "$OUT"
[ "$($V audit show --format csv | wc -l)" -eq "$N" ] || fail "a refusal was logged"
[ "$(ls -a "$USB" | grep -c VIGIL)" -eq 2 ] || fail "a refusal wrote a bundle"
ls -a "$USB" | grep -q '^\.vigil-partial' && fail "a partial folder was left"

# ---- a crash mid-export is closed at the next start ------------------------
$V export --camera entrance --camera stacks --camera reading-room \
    --from 2026-11-20T08:00:00Z --to 2026-11-20T08:01:50Z --mode redacted \
    --reason INCIDENT --reference INC-KILL --target "$USB" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! ls -a "$USB" | grep -q '^\.vigil-partial'; do
	sleep 0.05; i=$((i + 1))
done
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
ls -a "$USB" | grep -q '^\.vigil-partial' ||
    fail "the export to be killed left no partial folder"
expect_status 0 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:04Z --mode original --reason INCIDENT \
    --reference INC-AFTER --target "$USB"
expect_match '1 export left open by a crash was recorded as export-failed' "$OUT"
ls -a "$USB" | grep -q '^\.vigil-partial' && fail "the crash's partial folder was left"
expect_status 0 $V audit show --action export-failed --format json
expect_match '"recovered":true' "$OUT"
expect_match '"partial_removed":true' "$OUT"
# No checkpoint yet (no logout): consistent, not anchored (exit 3).
expect_status 3 $V audit verify
expect_match '^consistent, not anchored' "$OUT"

# ---- the signing key rotated ------------------------------------------------
KEY=$TMP/demo/keys/vigil-export.key
expect_status 0 $V keygen --rotate --no-passphrase
expect_match "Rotated the export signing key $KEY: the old key $KEYID no longer signs" "$OUT"
NEWPUB=$(printf '%s\n' "$OUT" | sed -n 's/^new public key  *//p')
LINE=$(printf '%s\n' "$OUT" | sed -n 's/^  trusted_keys = //p')
expect_match '^RW' "$NEWPUB"
[ "$NEWPUB" != "$PUB" ] || fail "the rotated key is the old one"
expect_fixed "$NEWPUB, $PUB until " "$LINE"
expect_match ' until [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "$LINE"
[ -f "$KEY-$KEYID.pub" ] || fail "the old public key was not kept"
[ "$(stat -c %a "$KEY")" = 600 ] || fail "the new secret key is not 0600"
expect_status 0 $V audit show --action key-rotated --format json
expect_fixed "\"old_key\":\"$PUB\"" "$OUT"
expect_fixed "\"new_key\":\"$NEWPUB\"" "$OUT"
# Unpinned, the old bundles no longer verify against the new key alone;
# pinned with the old key's end, they do, and say so.
expect_status 1 $V verify "$B1"
expect_match 'signed by an unknown key' "$OUT"
# (the configuration ends in the [export] section added above)
printf 'trusted_keys = %s\n' "$LINE" >>"$TMP/demo/vigil.conf"
expect_status 0 $V config check
expect_status 0 $V verify "$B1"
expect_match 'earlier pinned site key' "$OUT"
# Pinned with the new key alone, the old bundle is refused.
expect_status 1 $V verify --pubkey "$NEWPUB" "$B1"
# A new export is signed by the new key.
expect_status 0 $V export --camera entrance --from 2026-11-20T08:00:00Z \
    --to 2026-11-20T08:00:04Z --mode original --reason INCIDENT \
    --reference INC-NEWKEY --target "$USB"
B3=$(printf '%s\n' "$OUT" | sed -n 's/^Bundle: //p')
expect_status 0 $V verify "$B3"
expect_match 'by the pinned site key' "$OUT"
(cd "$B3" && minisign -Vm SHA256SUMS -P "$NEWPUB" >/dev/null) || fail "minisign -P refuses the new bundle"
# No key to rotate, and a rotation left half done, are refused.
expect_status 2 $V keygen --rotate --no-passphrase --key "$TMP/none.key"
expect_match 'no signing key at' "$OUT"
: >"$KEY.new"
expect_status 2 $V keygen --rotate --no-passphrase
expect_match 'interrupted rotation' "$OUT"
rm -f "$KEY.new"
# No checkpoint yet (no logout): consistent, not anchored (exit 3).
expect_status 3 $V audit verify
expect_match '^consistent, not anchored' "$OUT"
exit 0
