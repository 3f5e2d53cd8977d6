#!/bin/sh
# Names under the recorder that do not match the segment pattern (issue
# 12): vigil catalog scan reports each once per scan on standard error,
# escaped (a line break, an escape, a byte that is not UTF-8 or a
# backslash cannot reach the terminal as it is), at most 20 of them and
# then the count of the rest (a Frigate share holds thumbnails and
# databases); vigil catalog status gives the count, also after a scan that
# did not read settled folders again.
. "$(dirname "$0")/lib.sh"

rec="$TMP/rec"
seg() {	# seg REL: an empty file
	mkdir -p "$rec/$(dirname "$1")"
	: >"$rec/$1"
}
seg "entrance/2026-11-20/08-00-00.mp4"
seg "entrance/2026-11-20/08-10-00.mp4"
seg "frigate.db"
seg "entrance/2026-11-20/$(printf 'two\nlines.jpg')"
seg "entrance/2026-11-20/$(printf '\033[31mred\033[0m.jpg')"
seg "entrance/2026-11-20/$(printf 'latin1-\351t\351.jpg')"
seg "entrance/2026-11-20/$(printf 'tab\there.jpg')"
seg 'entrance/2026-11-20/back\slash.jpg'
seg "entrance/.hidden"

cat >"$TMP/vigil.conf" <<CONF
[paths]
recorder = $rec
catalog_db = $TMP/catalog.db
audit_db = $TMP/audit.db
audit_state = $TMP/audit.state
CONF
V="$VIGIL --config $TMP/vigil.conf"

# scan: stdout in $TMP/out, stderr in $TMP/err.
scan() {
	$V catalog scan --no-probe "$@" >"$TMP/out" 2>"$TMP/err" ||
	    fail "catalog scan exited $?: $(cat "$TMP/out" "$TMP/err")"
}
# other_lines: the "does not match" lines of the last scan.
other_lines() { grep -c ': does not match the pattern (skipped)$' "$TMP/err"; }
# no_raw FILE: fails when FILE holds a control byte other than a newline
# or bytes that are not UTF-8.
no_raw() {
	/usr/bin/python3 - "$1" <<'EOF' || fail "$1 holds raw bytes: $(od -c "$1" | head -30)"
import sys
b = open(sys.argv[1], "rb").read()
t = b.decode("utf-8")
assert not [c for c in t if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f]
EOF
}

scan
no_raw "$TMP/err"
expect_match '2 segment files \(2 new.*\); 7 other names' "$(cat "$TMP/out")"
[ "$(other_lines)" -eq 7 ] || fail "expected 7 names reported: $(cat "$TMP/err")"
E=$(cat "$TMP/err")
expect_match '^vigil: catalog: frigate\.db: does not match' "$E"
expect_match '^vigil: catalog: entrance/\.hidden: does not match' "$E"
expect_match '^vigil: catalog: entrance/2026-11-20/two\\nlines\.jpg: does not match' "$E"
expect_match '^vigil: catalog: entrance/2026-11-20/\\x1b\[31mred\\x1b\[0m\.jpg: does not match' "$E"
expect_match '^vigil: catalog: entrance/2026-11-20/latin1-\\xe9t\\xe9\.jpg: does not match' "$E"
expect_match '^vigil: catalog: entrance/2026-11-20/tab\\there\.jpg: does not match' "$E"
expect_match '^vigil: catalog: entrance/2026-11-20/back\\\\slash\.jpg: does not match' "$E"
case $E in *"and "*" more"*) fail "fewer than 20 names, yet 'more': $E" ;; esac
expect_status 0 $V catalog status
expect_match '^other names	7$' "$OUT"

# Thumbnails beside the segments: 20 lines, then the count of the rest;
# each name once per scan.
i=0
while [ $i -lt 30 ]; do
	seg "entrance/2026-11-20/thumb-$i.webp"
	i=$((i + 1))
done
scan
no_raw "$TMP/err"
expect_match '; 37 other names' "$(cat "$TMP/out")"
[ "$(other_lines)" -eq 20 ] || fail "expected 20 names reported: $(cat "$TMP/err")"
expect_match '^vigil: catalog: and 17 more names that do not match the pattern$' "$(cat "$TMP/err")"
[ "$(grep ': does not match' "$TMP/err" | sort | uniq -d | wc -l)" -eq 0 ] ||
    fail "a name was reported twice: $(cat "$TMP/err")"
expect_status 0 $V catalog status
expect_match '^other names	37$' "$OUT"

# Settled: the folder's files are old, so the next scan reads it and the
# one after skips it; the names in it still count in the status.
touch -d '3 hours ago' "$rec"/entrance/2026-11-20/* "$rec/entrance/2026-11-20"
scan
scan
expect_match '1 settled and unchanged' "$(cat "$TMP/out")"
expect_status 0 $V catalog status
expect_match '^other names	37$' "$OUT"
# A full scan reads it again and reports its names again.
scan --full
[ "$(other_lines)" -eq 20 ] || fail "--full: expected 20 names reported: $(cat "$TMP/err")"
exit 0
