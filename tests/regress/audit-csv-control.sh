#!/bin/sh
# CSV from a tampered log (issue 12): an entry's body rewritten behind
# vigil's back with escapes, line breaks, a tab, DEL and a C1 control in
# the user, reference, terminal and details.  vigil audit show --format csv
# and a report's report.csv hold no control byte but the CRLF that ends
# each record (each one is '?', as in the table output), and Python's csv
# module reads them back with every row and the cleaned values.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY is not installed"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 is not installed"

D=$TMP/audit.db S=$TMP/audit.state C=$TMP/vigil.conf
expect_status 0 "$VIGIL" audit init --db "$D" --state "$S"
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "first note"
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "second note"
# Entry 1's body rewritten (the derived columns too): the chain no longer
# matches, but show and report still print it.
"$PY" - "$D" 1 <<'EOF' || fail "cannot tamper with the log"
import sqlite3, struct, sys
db, seq = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
body = c.execute("SELECT body FROM entry WHERE seq = ?", (seq,)).fetchone()[0]
p = 24
def lp():
    global p
    n = struct.unpack(">I", body[p:p + 4])[0]
    s = body[p + 4:p + 4 + n]
    p += 4 + n
    return s
actor, action, camera = lp(), lp(), lp()
ft = body[p:p + 16]
p += 16
reason, ref, details, term = lp(), lp(), lp(), lp()
E = b"\x1b"
actor = b"mal" + E + b"[31mlory\r\nApproved by: x\r\xc2\x9b2J"
ref = b"INC-1" + E + b"]0;owned\x07\x7f"
details = b'{"text":"a' + E + b'[2J\nb"}'
term = b"tty1\tx"
enc = lambda s: struct.pack(">I", len(s)) + s
nb = (body[:24] + enc(actor) + enc(action) + enc(camera) + ft + enc(reason) +
      enc(ref) + enc(details) + enc(term))
c.execute("UPDATE entry SET body = ?, actor = ?, reference = ?, details = ?, "
          "terminal = ? WHERE seq = ?", (nb, actor.decode(), ref.decode(),
          details.decode(), term.decode(), seq))
c.commit()
EOF
expect_status 1 "$VIGIL" audit verify --db "$D"
expect_match 'FAILED at seq 1' "$OUT"

# check FILE ROWS: no control byte but CRLF record ends; csv reads back
# ROWS rows after the header, and the tampered row's cleaned values.
check() {
	"$PY" - "$1" "$2" <<'EOF' || fail "$1: $(od -c "$1" | head -40)"
import csv, io, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8-sig")
rest = text.replace("\r\n", "")
bad = [c for c in rest if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f]
assert not bad, "control characters: %r" % bad
rows = list(csv.reader(io.StringIO(text, newline="")))
assert len(rows) == 1 + int(sys.argv[2]), rows
head = rows[0]
user = head.index("user") if "user" in head else head.index("actor")
t = [r for r in rows[1:] if r[user].startswith("mal")]
assert len(t) == 1, rows
r = dict(zip(head, t[0]))
assert r[head[user]] == "mal?[31mlory??Approved by: x??2J", r
assert r["reference"] == "INC-1?]0;owned??", r
assert r["terminal"] == "tty1?x", r
assert r["details"] == '{"text":"a?[2J?b"}', r
EOF
}

"$VIGIL" audit show --db "$D" --format csv >"$TMP/show.csv" 2>"$TMP/show.err" ||
    fail "audit show: $(cat "$TMP/show.err")"
check "$TMP/show.csv" 2

expect_status 0 "$VIGIL" keygen --key "$TMP/sign.key" --no-passphrase
cat > "$C" <<EOF
[reason INCIDENT]
label = incident
requires = reference

[export]
require_approval =
EOF
expect_status 1 "$VIGIL" --config "$C" audit report --db "$D" --state "$S" \
    --format csv --out "$TMP/r1" --key "$TMP/sign.key"
expect_match 'BROKEN' "$OUT"
check "$TMP/r1/report.csv" 3
exit 0
