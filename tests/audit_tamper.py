#!/usr/bin/python3
"""Damage a vigil audit log the way an attacker with sqlite access would.

    audit_tamper.py DB STATE MODE [SEQ]

Works on the SQLite file directly, from vigil-audit(5) alone.  Modes:

  edit-body SEQ        change one byte inside a string of entry SEQ's body
                       (still valid UTF-8; derived columns untouched)
  edit-chain SEQ       flip a byte of entry SEQ's chain column
  delete SEQ           delete row SEQ
  insert SEQ           shift rows >= SEQ up by one and insert at SEQ a
                       forged entry with a correct chain and a random MAC
  swap SEQ             swap the stored columns of rows SEQ and SEQ+1
  rewrite SEQ          with the current key from STATE (KEY STATE): rewrite
                       entries SEQ.. with another actor, recomputing body,
                       chain, MAC (under the current k, ratcheted) and the
                       derived columns
  forge-checkpoint     change one byte of the root in the newest checkpoint
  truncate SEQ         delete every entry >= SEQ and every checkpoint with
                       n > SEQ
  frontier EPOCH       replace the stored frontier of checkpoint EPOCH with
                       random bytes of the same length
  strip SEQ            delete every checkpoint, then rewrite entries SEQ..
                       with another actor, recomputing body, chain and the
                       derived columns (no key: the MACs stay)
  trigger SEQ          plant a trigger that drops every entry inserted
                       from seq SEQ on
  table SEQ            plant an extra table (SEQ is ignored)

Exit 0 when done, 2 on usage errors or when the row asked for is missing.
"""

import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from audit_verify import (H, chain_next, chain_start, encode_body,  # noqa
                          leaf_hash, mac, parse_body, ratchet)

COLUMNS = ("body", "chain", "mac", "time_ms", "actor", "action", "camera",
           "from_ms", "to_ms", "reason_code", "reference", "details",
           "terminal")
TEXT = ("actor", "action", "camera", "reason_code", "reference", "details",
        "terminal")


def die(msg):
    sys.stderr.write("audit_tamper.py: %s\n" % msg)
    sys.exit(2)


def read_state(path):
    """KEY STATE: "VIGKEY2\\0" || log_id || be64(next_seq) || k ||
    be64(next_epoch) || s || s_pending || H(preceding 136 bytes), or the
    older "VIGKEY1\\0" layout without s_pending (136 bytes)."""
    with open(path, "rb") as f:
        st = f.read()
    ok2 = len(st) == 168 and st[:8] == b"VIGKEY2\0" and H(st[:136]) == st[136:]
    ok1 = len(st) == 136 and st[:8] == b"VIGKEY1\0" and H(st[:104]) == st[104:]
    if not (ok1 or ok2):
        die("%s is not a valid key state" % path)
    return {"log_id": st[8:24],
            "next_seq": int.from_bytes(st[24:32], "big", signed=True),
            "k": st[32:64],
            "next_epoch": int.from_bytes(st[64:72], "big", signed=True),
            "s": st[72:104]}


def get_row(con, seq):
    row = con.execute("SELECT %s FROM entry WHERE seq = ?"
                      % ", ".join(COLUMNS), (seq,)).fetchone()
    if row is None:
        die("no entry %d" % seq)
    return dict(zip(COLUMNS, row))


def prev_chain(con, seq):
    if seq == 0:
        lid = con.execute("SELECT value FROM meta WHERE key = 'log_id'") \
            .fetchone()[0]
        return chain_start(lid)
    r = con.execute("SELECT chain FROM entry WHERE seq = ?",
                    (seq - 1,)).fetchone()
    if r is None:
        die("no entry %d" % (seq - 1))
    return r[0]


def body_of(f):
    return encode_body(f["seq"], f["time_ms"], f["actor"], f["action"],
                       f["camera"], f["from_ms"], f["to_ms"],
                       f["reason_code"], f["reference"], f["details"],
                       f["terminal"])


def derived(f):
    """Derived column values for a parsed body (text as str)."""
    out = {}
    for name in ("time_ms", "from_ms", "to_ms"):
        out[name] = f[name]
    for name in TEXT:
        out[name] = f[name].decode("utf-8")
    return out


def set_row(con, seq, values):
    names = list(values)
    con.execute("UPDATE entry SET %s WHERE seq = ?"
                % ", ".join("%s = ?" % n for n in names),
                [values[n] for n in names] + [seq])


def edit_body(con, seq):
    row = get_row(con, seq)
    body = bytearray(row["body"])
    f = parse_body(bytes(body))
    if f is None:
        die("entry %d has an invalid body already" % seq)
    # Walk the body's strings; change the first printable ASCII byte found
    # to another printable ASCII byte (stays valid UTF-8, no NUL).
    pos = 8 + 8 + 8
    layout = ["s", "s", "s", 8, 8, "s", "s", "s", "s"]
    for item in layout:
        if item == 8:
            pos += 8
            continue
        length = int.from_bytes(body[pos:pos + 4], "big")
        start = pos + 4
        for i in range(start, start + length):
            c = body[i]
            if 0x21 <= c <= 0x7e:
                body[i] = c ^ 0x01 if 0x21 <= (c ^ 0x01) <= 0x7e else 0x41
                if body[i] == c:
                    body[i] = 0x42
                set_row(con, seq, {"body": bytes(body)})
                return
        pos = start + length
    die("entry %d has no string byte to change" % seq)


def edit_chain(con, seq):
    row = get_row(con, seq)
    ch = bytearray(row["chain"])
    ch[0] ^= 0xFF
    set_row(con, seq, {"chain": bytes(ch)})


def delete(con, seq):
    get_row(con, seq)
    con.execute("DELETE FROM entry WHERE seq = ?", (seq,))


def insert(con, seq):
    get_row(con, seq)
    c = prev_chain(con, seq)
    t = con.execute("SELECT time_ms FROM entry WHERE seq = ?",
                    (seq,)).fetchone()[0]
    con.execute("UPDATE entry SET seq = -(seq + 1) WHERE seq >= ?", (seq,))
    con.execute("UPDATE entry SET seq = -seq WHERE seq < 0")
    f = {"seq": seq, "time_ms": t, "actor": b"mallory", "action": b"note",
         "camera": b"", "from_ms": 0, "to_ms": 0, "reason_code": b"",
         "reference": b"", "details": b'{"text":"forged"}',
         "terminal": b"-"}
    body = body_of(f)
    chain = chain_next(c, leaf_hash(body))
    values = dict(derived(f), body=body, chain=chain, mac=os.urandom(32))
    names = ["seq"] + list(values)
    con.execute("INSERT INTO entry(%s) VALUES (%s)"
                % (", ".join(names), ", ".join("?" * len(names))),
                [seq] + [values[n] for n in names[1:]])


def swap(con, seq):
    a = get_row(con, seq)
    b = get_row(con, seq + 1)
    set_row(con, seq, b)
    set_row(con, seq + 1, a)


def rewrite(con, state, seq):
    st = read_state(state)
    k = st["k"]
    c = prev_chain(con, seq)
    rows = con.execute("SELECT seq, body FROM entry WHERE seq >= ? "
                       "ORDER BY seq", (seq,)).fetchall()
    if not rows:
        die("no entry %d" % seq)
    for (s, body) in rows:
        f = parse_body(body)
        if f is None:
            die("entry %d has an invalid body" % s)
        f["actor"] = b"mallory" if f["actor"] != b"mallory" else b"eve"
        nb = body_of(f)
        c = chain_next(c, leaf_hash(nb))
        set_row(con, s, dict(derived(f), body=nb, chain=c, mac=mac(k, s, c)))
        k = ratchet(k)


def forge_checkpoint(con):
    r = con.execute("SELECT epoch, body FROM checkpoint ORDER BY epoch DESC "
                    "LIMIT 1").fetchone()
    if r is None:
        die("no checkpoint")
    body = bytearray(r[1])
    body[40] ^= 0x01     # first byte of the root (offsets 40-71)
    con.execute("UPDATE checkpoint SET body = ? WHERE epoch = ?",
                (bytes(body), r[0]))


def truncate(con, seq):
    con.execute("DELETE FROM entry WHERE seq >= ?", (seq,))
    con.execute("DELETE FROM checkpoint WHERE n > ?", (seq,))


def frontier(con, epoch):
    r = con.execute("SELECT frontier FROM checkpoint WHERE epoch = ?",
                    (epoch,)).fetchone()
    if r is None:
        die("no checkpoint %d" % epoch)
    con.execute("UPDATE checkpoint SET frontier = ? WHERE epoch = ?",
                (os.urandom(len(r[0])), epoch))


def strip(con, seq):
    con.execute("DELETE FROM checkpoint")
    c = prev_chain(con, seq)
    rows = con.execute("SELECT seq, body FROM entry WHERE seq >= ? "
                       "ORDER BY seq", (seq,)).fetchall()
    if not rows:
        die("no entry %d" % seq)
    for (s, body) in rows:
        f = parse_body(body)
        if f is None:
            die("entry %d has an invalid body" % s)
        if s == seq:
            f["actor"] = b"mallory" if f["actor"] != b"mallory" else b"eve"
        nb = body_of(f)
        c = chain_next(c, leaf_hash(nb))
        set_row(con, s, dict(derived(f), body=nb, chain=c))


def trigger(con, seq):
    con.execute("CREATE TRIGGER vigil_drop BEFORE INSERT ON entry WHEN "
                "new.seq >= %d BEGIN SELECT RAISE(IGNORE); END" % seq)


def table(con):
    con.execute("CREATE TABLE notes(x)")


def blob_column(con, seq):
    """The actor column of entry SEQ stored as a BLOB with the same bytes."""
    con.execute("UPDATE entry SET actor = CAST(actor AS BLOB) WHERE seq = ?",
                (seq,))


def ckpt_n_column(con, epoch):
    """The n column of checkpoint EPOCH no longer says what its body says."""
    con.execute("UPDATE checkpoint SET n = n + 1 WHERE epoch = ?", (epoch,))


def main(argv):
    if len(argv) not in (4, 5):
        die("usage: audit_tamper.py DB STATE MODE [SEQ]")
    db, state, mode = argv[1:4]
    needs_seq = mode != "forge-checkpoint"
    if needs_seq != (len(argv) == 5):
        die("mode %s %s a SEQ" % (mode, "needs" if needs_seq else "takes no"))
    seq = int(argv[4]) if needs_seq else None
    if not os.path.exists(db):
        die("%s: no such file" % db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    if mode == "edit-body":
        edit_body(con, seq)
    elif mode == "edit-chain":
        edit_chain(con, seq)
    elif mode == "delete":
        delete(con, seq)
    elif mode == "insert":
        insert(con, seq)
    elif mode == "swap":
        swap(con, seq)
    elif mode == "rewrite":
        rewrite(con, state, seq)
    elif mode == "forge-checkpoint":
        forge_checkpoint(con)
    elif mode == "truncate":
        truncate(con, seq)
    elif mode == "frontier":
        frontier(con, seq)
    elif mode == "strip":
        strip(con, seq)
    elif mode == "trigger":
        trigger(con, seq)
    elif mode == "table":
        table(con)
    elif mode == "blob-column":
        blob_column(con, seq)
    elif mode == "ckpt-n-column":
        ckpt_n_column(con, seq)
    else:
        die("unknown mode %s" % mode)
    con.execute("COMMIT")
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
