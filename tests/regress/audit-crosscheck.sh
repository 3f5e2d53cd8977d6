#!/bin/sh
# Cross-checks 'vigil audit verify' against tests/audit_verify.py, a second
# verifier written from vigil-audit(5) alone: both must call an intact log
# intact, and for every way tests/audit_tamper.py damages a copy of it both
# must fail with the same "FAILED at seq S: KIND" (the text up to the second
# colon), which must also be the one the page's VERIFICATION section gives.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VERIFY=$TOP/tests/audit_verify.py
TAMPER=$TOP/tests/audit_tamper.py
[ -x "$PY" ] || skip "no $PY"
"$PY" -c 'import cryptography.hazmat.primitives.asymmetric.ed25519' \
	2>/dev/null || skip "python3 has no cryptography module (python3-cryptography)"
[ -x "$VIGIL" ] || fail "no $VIGIL (run make)"

# sql DB QUERY: the rows of QUERY, columns separated by '|'.
sql() {
	"$PY" - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
for row in con.execute(sys.argv[2]):
    print("|".join(str(v) for v in row))
con.close()
EOF
}

# sqlw DB STATEMENTS: runs and commits STATEMENTS.
sqlw() {
	"$PY" - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.executescript(sys.argv[2])
con.close()
EOF
}

# 1. The page's EXAMPLE.
expect_status 0 "$PY" "$VERIFY" --self-test
echo "$OUT"

# 2. A log of 151 entries: 150 notes and, after note 70, one exported
# checkpoint (which logs a 'checkpoint' entry of its own); vigil adds
# automatic checkpoints every 64 entries.
D=$TMP/audit.db S=$TMP/audit.state K=$TMP/keys C1=$TMP/c1.ckpt
expect_status 0 "$VIGIL" audit init --db "$D" --state "$S" --print-keys "$K"
i=0
while [ $i -lt 150 ]; do
	i=$((i + 1))
	"$VIGIL" audit note --db "$D" --state "$S" "text $i" >/dev/null ||
		fail "audit note $i failed"
	if [ $i -eq 70 ]; then
		expect_status 0 "$VIGIL" audit checkpoint --db "$D" --state "$S" \
			--export "$C1"
	fi
done
# The layout: entries, checkpoints, and their n in epoch order.
LAYOUT=$(sql "$D" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null &&
	sql "$D" "SELECT (SELECT count(*) FROM entry), (SELECT count(*) FROM
		checkpoint), (SELECT group_concat(n, ',') FROM (SELECT n FROM
		checkpoint ORDER BY epoch))") || fail "cannot read $D"
ENTRIES=${LAYOUT%%|*} NS=${LAYOUT##*|}
CKPTS=${LAYOUT#*|}; CKPTS=${CKPTS%%|*}
C1N=$(sed -n 's/^n //p' "$C1")
echo "log: $ENTRIES entries, checkpoints at n = $NS; exported n = $C1N"
[ "$ENTRIES" -eq 151 ] || fail "expected 151 entries, got $ENTRIES"
[ "$CKPTS" -ge 3 ] || fail "expected at least 3 checkpoints, got $CKPTS"

# both DB WANT ARGS...: runs both verifiers on DB with ARGS; both must exit
# WANT and say the same (intact line, or FAILED prefix).  Sets SAID.
both() {
	db=$1 want=$2; shift 2
	vout=$("$VIGIL" audit verify --db "$db" "$@" 2>&1); vrc=$?
	pout=$("$PY" "$VERIFY" "$db" "$@" 2>&1); prc=$?
	echo "  [$*]"
	echo "    vigil ($vrc): $(printf '%s\n' "$vout" | head -n 1)"
	echo "    py    ($prc): $pout"
	if [ "$want" -eq 0 ] || [ "$want" -eq 3 ]; then
		vsaid=$(printf '%s\n' "$vout" |
			sed -n '1s/^\(\(intact\|consistent, not anchored\): [0-9]* entries, [0-9]* checkpoints\).*/\1/p')
		psaid=$(printf '%s\n' "$pout" |
			sed -n '1s/^\(\(intact\|consistent, not anchored\): [0-9]* entries, [0-9]* checkpoints\).*/\1/p')
	else
		vsaid=$(printf '%s\n' "$vout" |
			sed -n '/^FAILED/{s/^\([^:]*:[^:]*\):.*/\1/p;q;}')
		psaid=$(printf '%s\n' "$pout" |
			sed -n '/^FAILED/{s/^\([^:]*:[^:]*\):.*/\1/p;q;}')
	fi
	[ "$vrc" -eq "$want" ] && [ "$prc" -eq "$want" ] ||
		fail "$CASE [$*]: expected exit $want; vigil exited $vrc: $vout; audit_verify.py exited $prc: $pout"
	[ -n "$vsaid" ] && [ "$vsaid" = "$psaid" ] ||
		fail "$CASE [$*]: the verifiers disagree; vigil: $vout; audit_verify.py: $pout"
	SAID=$vsaid
}

# expect TEXT: the last 'both' said exactly TEXT.
expect() {
	[ "$SAID" = "$1" ] || fail "$CASE: both said '$SAID', the page says '$1'"
}

CASE="intact log"
echo "$CASE"
both "$D" 0;                               expect "intact: 151 entries, $CKPTS checkpoints"
both "$D" 0 --key-file "$K";               expect "intact: 151 entries, $CKPTS checkpoints"
both "$D" 0 --against "$C1";              expect "intact: 151 entries, $CKPTS checkpoints"
grep -v '^k0 ' "$K" >"$TMP/pubkeys"     # the verification material without k0

# fresh: a copy of the log in $W.
W=$TMP/work
fresh() {
	rm -rf "$W" && mkdir "$W" || fail "cannot make $W"
	for f in "$D" "$D-wal" "$D-shm" "$S"; do
		[ -e "$f" ] && cp -p "$f" "$W/"
	done
	WD=$W/$(basename "$D") WS=$W/$(basename "$S")
}

# tamper MODE [SEQ]: a fresh copy, damaged.
tamper() {
	CASE="tamper $*"
	echo "$CASE"
	fresh
	"$PY" "$TAMPER" "$WD" "$WS" "$@" || fail "audit_tamper.py $* failed"
}

# p_before N: the n of the checkpoint before the first one covering more
# than N entries (0 if none; "-" if no checkpoint covers more than N): the
# seq VERIFICATION reports that checkpoint's faults at.
p_before() {
	echo "$NS" | awk -F, -v want="$1" '{ p = 0
		for (i = 1; i <= NF; i++) { if ($i + 0 > want + 0) { print p; exit }
			p = $i }
		print "-" }'
}
# ckpts_upto N: how many checkpoints cover at most N entries.
ckpts_upto() {
	echo "$NS" | awk -F, -v want="$1" '{ c = 0
		for (i = 1; i <= NF; i++) if ($i + 0 <= want + 0) c++
		print c }'
}

tamper edit-body 10
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 10: edited"
both "$WD" 1;                  expect "FAILED at seq 10: edited"

tamper edit-chain 20
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 20: edited"
both "$WD" 1;                  expect "FAILED at seq 20: edited"

tamper delete 30
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 30: deleted"
both "$WD" 1;                  expect "FAILED at seq 30: deleted"

# 41 must not be a checkpoint's n, or that checkpoint reports first.
case ",$NS," in *,41,*) fail "a checkpoint covers 41 entries; pick another seq for insert" ;; esac
tamper insert 40
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 40: MAC"
both "$WD" 1;                  expect "FAILED at seq 40: inserted"

tamper swap 50
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 50: reordered"
both "$WD" 1;                  expect "FAILED at seq 50: reordered"

# A rewrite by someone holding the current keys: the MACs catch it, and
# without k0 the checkpoints that cover the rewritten entries still do.
P=$(p_before 100)
[ "$P" != - ] || fail "no checkpoint covers entry 100"
tamper rewrite 100
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 100: MAC"
both "$WD" 1;                  expect "FAILED at seq $P: checkpoint mismatch"
both "$WD" 1 --key-file "$TMP/pubkeys"
expect "FAILED at seq $P: checkpoint mismatch"

# The page's limit: entries after the newest checkpoint are protected by
# their MACs only, so without k0 a rewrite of that tail goes unnoticed.
[ "$(p_before 149)" = - ] || fail "the newest checkpoint covers entry 150"
tamper rewrite 150
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 150: MAC"
both "$WD" 0;                  expect "intact: 151 entries, $CKPTS checkpoints"

P=$(p_before $(( ${NS##*,} - 1 )))	# the n before the newest checkpoint's
tamper forge-checkpoint
both "$WD" 1 --key-file "$K";  expect "FAILED at seq $P: checkpoint signature"
both "$WD" 1;                  expect "FAILED at seq $P: checkpoint signature"

# Cutting off the tail together with the checkpoints above the cut leaves a
# log that is consistent in itself (with no checkpoint left, not anchored:
# exit 3); the exported checkpoint catches it.
[ "$C1N" -gt 40 ] || fail "exported checkpoint covers only $C1N entries"
[ "$(ckpts_upto 40)" -eq 0 ] || fail "a checkpoint covers at most 40 entries"
tamper truncate 40
both "$WD" 3;                  expect "consistent, not anchored: 40 entries, 0 checkpoints"
both "$WD" 1 --key-file "$K" --against "$C1"
expect "FAILED at seq 40: truncated below checkpoint"
both "$WD" 1 --against "$C1"
expect "FAILED at seq 40: truncated below checkpoint"

# A derived column stored as a BLOB, and a checkpoint whose n column does
# not say what its body says.
tamper blob-column 12
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 12: edited"
both "$WD" 1;                  expect "FAILED at seq 12: edited"
P=$(echo "$NS" | cut -d, -f1)
tamper ckpt-n-column 1
both "$WD" 1;                  expect "FAILED at seq $P: checkpoint signature"

# Issue 13, section 4.  A damaged frontier stops every later checkpoint:
# both verifiers compare it with the tree.
P=$(echo "$NS" | cut -d, -f1)
tamper frontier 1
both "$WD" 1 --key-file "$K";  expect "FAILED at seq $P: checkpoint frontier"
both "$WD" 1;                  expect "FAILED at seq $P: checkpoint frontier"
# The same bytes stored as TEXT: not the BLOB the page asks for.
CASE="frontier as text"
echo "$CASE"
fresh
sqlw "$WD" "UPDATE checkpoint SET frontier = CAST(frontier AS TEXT) WHERE
	epoch = 1" || fail "cannot retype the frontier"
both "$WD" 1;                  expect "FAILED at seq $P: checkpoint frontier"

# Every checkpoint deleted and an entry rewritten with its chain recomputed:
# more than checkpoint_every (64, in meta and the key file) entries follow
# the start of the log, and the 'checkpoint' entry after note 70 has no
# checkpoint; the first seq wins.
tamper strip 100
both "$WD" 1 --key-file "$K";  expect "FAILED at seq 100: MAC"
both "$WD" 1 --key-file "$TMP/pubkeys"
expect "FAILED at seq 64: checkpoint missing"
both "$WD" 1;                  expect "FAILED at seq 64: checkpoint missing"
# Only the entries up to the 'checkpoint' entry (seq 70) are left, with a
# limit of 100 in the key file: that entry is the one uncovered.
sed 's/^checkpoint_every .*/checkpoint_every 100/' "$TMP/pubkeys" >"$TMP/every100"
sqlw "$WD" "DELETE FROM entry WHERE seq > 70" || fail "cannot cut $WD"
both "$WD" 1 --key-file "$TMP/every100"
expect "FAILED at seq 70: checkpoint missing"
# With meta's 64, the 71 entries are too many first.
both "$WD" 1;                  expect "FAILED at seq 64: checkpoint missing"

# Objects the page does not list.
tamper trigger 151
both "$WD" 1 --key-file "$K";  expect "FAILED: schema"
tamper table 0
both "$WD" 1;                  expect "FAILED: schema"

echo "all cases agree"
exit 0
