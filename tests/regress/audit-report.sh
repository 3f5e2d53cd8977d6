#!/bin/sh
# vigil audit report and who-saw on a generated log with known content (the
# one tests/unit/test_review.c checks): the report's CSV read back with
# Python's csv module and matched row by row, stock minisign and sha256sum
# verify the directory, a log edited with sqlite3 shows as broken naming
# the first bad seq, who-saw finds exactly the overlapping views and
# exports, every report is itself logged, and bad input is refused.
. "$(dirname "$0")/lib.sh"

GEN=$BUILD/tests/test_review
PY=/usr/bin/python3
[ -x "$GEN" ] || skip "$GEN is not built (make tests-build)"
command -v minisign >/dev/null || skip "minisign is not installed"
command -v sqlite3 >/dev/null || skip "the sqlite3 command is not installed"
[ -x "$PY" ] || skip "$PY is not installed"

"$GEN" --generate "$TMP" || fail "cannot generate the log"
D=$TMP/audit.db S=$TMP/audit.state C=$TMP/vigil.conf
cat >"$C" <<EOF
[review]
working_hours = 07-18
max_view_minutes = 20
max_views_per_day = 3
max_cameras_per_reference = 2

[reason INCIDENT]
label = incident
requires = reference
reference_regex = INC-[0-9]+

[reason POLICE]
label = police
requires = reference

[reason SYSCHECK]
label = check
cap_seconds = 120

[export]
require_approval = POLICE
EOF
expect_status 0 "$VIGIL" --config "$C" config check
expect_status 0 "$VIGIL" keygen --key "$TMP/sign.key" --no-passphrase
# Local time with an offset: Berlin is UTC+01:00 in November.
TZ=Europe/Berlin
[ -f /usr/share/zoneinfo/Europe/Berlin ] || TZ=UTC
export TZ
DS="--db $D --state $S"

# ---- A CSV report of everything ----
expect_status 0 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/r1" \
    --key "$TMP/sign.key"
expect_match 'report written to .*r1: 17 rows' "$OUT"
expect_match 'verification: intact' "$OUT"
sums=$(printf '%s\n' "$OUT" | sed -n 's/.*SHA256SUMS sha256 \([0-9a-f]*\).*/\1/p')
[ ${#sums} -eq 64 ] || fail "no SHA-256 of SHA256SUMS printed: $OUT"
(cd "$TMP/r1" && minisign -Vm SHA256SUMS -p vigil-*.pub >/dev/null) ||
    fail "minisign does not verify the report"
(cd "$TMP/r1" && sha256sum -c SHA256SUMS >/dev/null) ||
    fail "sha256sum -c fails on the report"
[ "$(sha256sum <"$TMP/r1/SHA256SUMS" | cut -c1-64)" = "$sums" ] ||
    fail "the printed SHA-256 is not that of SHA256SUMS"
for f in README.txt report.csv summary.csv verification.txt checkpoint.txt; do
	grep -q "  $f\$" "$TMP/r1/SHA256SUMS" || fail "$f is not in SHA256SUMS"
done
ls -a "$TMP" | grep -q vigil-partial && fail "a partial folder was left"
# Only the account that wrote the report can read it (vigil-audit(5),
# REPORTS): the directory 0700, every file in it 0600.
[ "$(stat -c %a "$TMP/r1")" = 700 ] ||
    fail "report directory mode $(stat -c %a "$TMP/r1"), expected 700"
for f in "$TMP"/r1/* "$TMP"/r1/.[!.]*; do
	[ -e "$f" ] || continue
	[ "$(stat -c %a "$f")" = 600 ] ||
	    fail "$(basename "$f") has mode $(stat -c %a "$f"), expected 600"
done
grep -q '^result intact$' "$TMP/r1/verification.txt" || fail "not intact"
grep -q '^first_bad_seq -$' "$TMP/r1/verification.txt" || fail "bad seq named"
# The checkpoint file is one vigil audit verify --against accepts.
expect_status 0 "$VIGIL" audit verify --db "$D" --against "$TMP/r1/checkpoint.txt"

"$PY" - "$TMP/r1/report.csv" "$TMP/r1/summary.csv" <<'EOF' || fail "report.csv does not match the log"
import csv, json, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
by = {int(r['seq']): r for r in rows}
# Newest first; the ends of views folded into their starts; seq 22 is the
# audit-review entry the report command made before reading.
want = [22, 5, 20, 19, 18, 17, 16, 15, 14, 12, 10, 8, 7, 2, 1, 0, 21]
got = [int(r['seq']) for r in rows]
assert got == want, got
iso = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$')
for r in rows:
    assert iso.match(r['time']), r['time']
    json.loads(r['details'])
off = by[1]['time'][-6:]
r = by[1]
assert r['user'] == 'alice' and r['action'] == 'view-start', r
assert r['camera'] == 'gate' and r['reason_code'] == 'INCIDENT', r
assert r['end_seq'] == '4' and r['end_action'] == 'view-end', r
assert r['viewed_seconds'] == '1800.000' and r['shown_seconds'] == '90.000', r
assert r['flags'] == 'long many', r['flags']
assert 'max_view_minutes' in r['flag_explanations'], r
assert len(r['intervals_shown'].split(';')) == 2, r['intervals_shown']
assert by[2]['end_seq'] == '3' and by[2]['flags'] == '', by[2]
assert by[5]['flags'] == 'hours cap aborted', by[5]['flags']
assert by[5]['end_action'] == 'view-aborted', by[5]
assert by[7]['flags'] == 'pattern many' and by[7]['end_seq'] == '', by[7]
assert by[12]['flags'] == 'reused', by[12]['flags']
assert by[18]['flags'] == 'unapproved' and by[18]['approved_seq'] == '', by[18]
assert by[16]['approved_seq'] == '14' and by[16]['approver'] == 'carol', by[16]
assert by[16]['camera'] == 'gate,lobby', by[16]
# Hostile text survives intact but cannot run as a formula.
assert by[21]['user'] == "'=2+5", by[21]['user']
assert json.loads(by[19]['details'])['text'] == 'hello, "world"\n=1+2'
s = {(r['group'], r['key']): r for r in csv.DictReader(open(sys.argv[2], newline='', encoding='utf-8-sig'))}
assert s[('user', 'alice')]['views'] == '4', s[('user', 'alice')]
assert s[('user', 'alice')]['viewed_seconds'] == '1800.000'
assert s[('user', 'bob')]['exports'] == '2'
assert s[('reason_code', 'INCIDENT')]['views'] == '5'
assert s[('flag', 'many')]['flagged'] == '4'
assert s[('total', 'exports done')]['exports'] == '2'
print(off)
EOF
if [ "$TZ" = Europe/Berlin ]; then
	grep -q '^1,2026-11-02T09:01:00+01:00,' "$TMP/r1/report.csv" ||
	    fail "times are not local with their offset"
fi

# The report and the review before it are in the log.
expect_status 0 "$VIGIL" audit show --db "$D" --action audit-report --format json
expect_match "\"sha256sums\":\"$sums\"" "$OUT"
expect_match '"rows":17' "$OUT"
expect_status 0 "$VIGIL" audit show --db "$D" --action audit-review --format json
expect_match '"what":"report"' "$OUT"

# ---- Filters and flags; JSON and text ----
expect_status 0 "$VIGIL" --config "$C" audit report $DS --views --flag many --format json \
    --out "$TMP/r2" --key "$TMP/sign.key"
"$PY" - "$TMP/r2/report.json" <<'EOF' || fail "the filtered JSON report is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert [r['seq'] for r in d['rows']] == [10, 8, 7, 1], [r['seq'] for r in d['rows']]
assert d['filter'] == {'flags': ['many'], 'views_only': True}, d['filter']
assert d['summary']['views'] == 4
assert all(any(f['flag'] == 'many' for f in r['flags']) for r in d['rows'])
EOF
(cd "$TMP/r2" && minisign -Vm SHA256SUMS -p vigil-*.pub >/dev/null &&
    sha256sum -c SHA256SUMS >/dev/null) || fail "the JSON report does not verify"
expect_status 0 "$VIGIL" --config "$C" audit report $DS --user bob --camera gate \
    --from 2026-11-02T09:00Z --to 2026-11-02T11:00Z --format txt \
    --out "$TMP/r3" --key "$TMP/sign.key"
expect_match ': 3 rows' "$OUT"
grep -q 'SUMMARY' "$TMP/r3/report.txt" || fail "no summary in report.txt"
grep -q 'reused' "$TMP/r3/report.txt" || fail "no flag in report.txt"

# A held checkpoint is named in the verification.
expect_status 0 "$VIGIL" --config "$C" audit checkpoint $DS --export "$TMP/held.ckpt"
expect_status 0 "$VIGIL" --config "$C" audit report $DS --reason POLICE --against \
    "$TMP/held.ckpt" --format csv --out "$TMP/r4" --key "$TMP/sign.key"
grep -q "^held_checkpoint $TMP/held.ckpt\$" "$TMP/r4/verification.txt" ||
    fail "the held checkpoint is not named"

# ---- who-saw ----
expect_status 0 "$VIGIL" --config "$C" audit who-saw $DS --camera gate \
    --from 2026-11-01T00:05Z --to 2026-11-01T00:06Z --format csv
printf '%s\n' "$OUT" | "$PY" -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert [r["seq"] for r in rows] == ["15", "1"], rows
assert rows[0]["what"] == "export-start" and rows[0]["user"] == "bob", rows[0]
assert rows[1]["what"] == "view-end" and rows[1]["shown_in_window"] == "no", rows[1]
' || fail "who-saw gate: $OUT"
expect_status 0 "$VIGIL" --config "$C" audit who-saw $DS --camera gate \
    --from 2026-11-01T00:08Z --to 2026-11-01T00:09Z
expect_match 'alice .*; yes' "$OUT"
expect_status 0 "$VIGIL" --config "$C" audit who-saw $DS --camera yard \
    --from 2026-11-01T00:04:59Z --to 2026-11-01T00:05Z --format json
"$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); assert [r["seq"] for r in d] == [5, 17], d' "$OUT" ||
    fail "who-saw yard: $OUT"
expect_status 0 "$VIGIL" --config "$C" audit who-saw $DS --camera nowhere \
    --from 2026-11-01T00:00Z --to 2026-11-02T00:00Z
expect_match 'no view or export of nowhere' "$OUT"
expect_status 0 "$VIGIL" audit show --db "$D" --action audit-review --format json
expect_match '"what":"who-saw"' "$OUT"

# ---- Bad input: a message, status 2, nothing written ----
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format csv --key "$TMP/sign.key"
expect_match 'give --out DIR' "$OUT"
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/r1" --key "$TMP/sign.key"
expect_match 'already exists' "$OUT"
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format xml --out "$TMP/x" --key "$TMP/sign.key"
expect_match 'csv, json or txt' "$OUT"
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/x" --flag nosuch
expect_match "unknown flag 'nosuch'" "$OUT"
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/x" --key "$TMP/none.key"
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/no/such/dir" --key "$TMP/sign.key"
expect_match 'cannot write a report in' "$OUT"
expect_status 2 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/x" \
    --key "$TMP/sign.key" --against "$TMP/none.ckpt"
expect_status 2 "$VIGIL" --config "$C" audit who-saw $DS --camera gate --from 2026-11-01
expect_match 'give --camera C, --from T and --to T' "$OUT"
expect_status 2 "$VIGIL" --config "$C" audit who-saw $DS --camera gate --from 2026-11-02 --to 2026-11-01
expect_match 'after --from' "$OUT"
[ ! -e "$TMP/x" ] || fail "a refused report left $TMP/x"
ls -a "$TMP" | grep -q vigil-partial && fail "a partial folder was left"

# ---- A log edited with sqlite3 ----
sqlite3 "$D" "UPDATE entry SET reference = 'INC-8' WHERE seq = 8" ||
    fail "cannot edit the log"
expect_status 1 "$VIGIL" --config "$C" audit report $DS --format csv --out "$TMP/r5" \
    --key "$TMP/sign.key"
expect_match 'BROKEN: edited at seq 8' "$OUT"
grep -q '^result edited$' "$TMP/r5/verification.txt" || fail "not broken"
grep -q '^first_bad_seq 8$' "$TMP/r5/verification.txt" ||
    fail "the first bad seq is not named"
(cd "$TMP/r5" && minisign -Vm SHA256SUMS -p vigil-*.pub | grep -q 'verification=broken') ||
    fail "the trusted comment does not say broken"
exit 0
