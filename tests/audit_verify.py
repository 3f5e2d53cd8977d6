#!/usr/bin/python3
"""Independent verifier for the vigil audit log, written from vigil-audit(5).

    audit_verify.py DB [--key-file FILE] [--pk HEX] [--against CHECKPOINT_FILE]
    audit_verify.py --self-test

Implements the VERIFICATION section of the page: on success prints
"intact: N entries, M checkpoints" and exits 0; when the log holds no
checkpoint at all (nothing was checked against pk0) it prints "consistent,
not anchored: N entries, 0 checkpoints" and exits 3; on a failure prints one
line "FAILED at seq S: KIND: text" (or "FAILED: KIND: text") and exits 1;
usage and I/O errors exit 2.  Rows are streamed and only the Merkle frontier is
kept, so memory does not grow with the log.

Deliberately written without reading vigil's C source; where the page is
silent this file says so in a comment marked "PAGE:".
"""

import datetime
import hashlib
import os
import pathlib
import sqlite3
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PublicKey)
except ImportError:  # pragma: no cover - reported as a usage error
    Ed25519PublicKey = None

MAGIC_ENTRY = b"VIGIL1\0\0"
MAGIC_CKPT = b"VIGCKP1\0"
FORMAT = b"vigil-audit-1"
CKPT_LEN = 144
SIG_LEN = 64
MAX_EVERY = 1000000

# STORAGE: the objects a log's schema may hold, as (type, name, table).
SCHEMA = {("table", "meta", "meta"), ("table", "entry", "entry"),
          ("table", "checkpoint", "checkpoint"),
          ("index", "sqlite_autoindex_meta_1", "meta")} | {
    ("index", name, "entry") for name in (
        "entry_time", "entry_actor", "entry_camera", "entry_action",
        "entry_reason", "entry_time_ref", "entry_reference",
        "entry_view_ref", "entry_footage", "entry_multicam",
        "entry_view_wall", "entry_export_ref")}

# Text fields in body order (the integers sit between camera and
# reason_code), and the derived columns of the entry table.
TEXT_FIELDS = ("actor", "action", "camera")
TEXT_FIELDS2 = ("reason_code", "reference", "details", "terminal")
INT_COLUMNS = ("time_ms", "from_ms", "to_ms")
TEXT_COLUMNS = TEXT_FIELDS + TEXT_FIELDS2


# ---------------------------------------------------------------- primitives

def H(x):
    return hashlib.blake2b(x, digest_size=32).digest()


def Hk(k, x):
    return hashlib.blake2b(x, digest_size=32, key=k).digest()


def be64(x):
    return (x & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")


def be32(x):
    return x.to_bytes(4, "big")


def from_be64(b):
    return int.from_bytes(b, "big", signed=True)


def lp(s):
    return be32(len(s)) + s


def leaf_hash(body):
    return H(b"\x00" + body)


def chain_start(log_id):
    return H(b"\x05" + MAGIC_ENTRY + log_id)


def chain_next(c, leaf):
    return H(b"\x02" + c + leaf)


def mac(k, seq, chain):
    return Hk(k, b"\x03" + be64(seq) + chain)


def ratchet(k):
    return Hk(k, b"\x04ratchet")


def node(left, right):
    return H(b"\x01" + left + right)


def encode_body(seq, time_ms, actor, action, camera, from_ms, to_ms,
                reason_code, reference, details, terminal):
    """Body of ENTRY; the string arguments are bytes."""
    return (MAGIC_ENTRY + be64(seq) + be64(time_ms) +
            lp(actor) + lp(action) + lp(camera) +
            be64(from_ms) + be64(to_ms) +
            lp(reason_code) + lp(reference) + lp(details) + lp(terminal))


def valid_utf8(s):
    # Python's strict decoder rejects overlong forms, surrogates and code
    # points above U+10FFFF; lp() also forbids NUL.
    if b"\0" in s:
        return False
    try:
        s.decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return True


def parse_body(body):
    """The fields of an entry body as a dict, or None when it is invalid.

    PAGE: the page names as invalid: bytes after lp(terminal), a length
    running past the end, a string that is not valid UTF-8.  A wrong magic
    and a body too short for its fixed fields are taken as invalid too.  The
    field length limits, the ACTIONS list and "details is a JSON object" are
    stated as what vigil writes, not as validity rules, so they are not
    checked here."""
    if not isinstance(body, bytes):
        return None
    pos = 0
    n = len(body)

    def take(count):
        nonlocal pos
        if n - pos < count:
            raise ValueError("short")
        out = body[pos:pos + count]
        pos += count
        return out

    def take_str():
        length = int.from_bytes(take(4), "big")
        s = take(length)
        if not valid_utf8(s):
            raise ValueError("utf-8")
        return s

    try:
        if take(8) != MAGIC_ENTRY:
            return None
        f = {"seq": from_be64(take(8)), "time_ms": from_be64(take(8))}
        for name in TEXT_FIELDS:
            f[name] = take_str()
        f["from_ms"] = from_be64(take(8))
        f["to_ms"] = from_be64(take(8))
        for name in TEXT_FIELDS2:
            f[name] = take_str()
    except ValueError:
        return None
    if pos != n or f["seq"] < 0:
        return None
    return f


def body_seq(body):
    """The seq a (possibly otherwise invalid) body carries, or None."""
    if (isinstance(body, bytes) and len(body) >= 16
            and body[:8] == MAGIC_ENTRY):
        return from_be64(body[8:16])
    return None


class Frontier:
    """RFC 6962 Merkle tree over a stream of leaf hashes, kept as the roots
    of its perfect subtrees, largest first (O(log n) memory)."""

    def __init__(self):
        self.nodes = []  # list of (size, hash)

    def add(self, leaf):
        self.nodes.append((1, leaf))
        while len(self.nodes) >= 2 and \
                self.nodes[-1][0] == self.nodes[-2][0]:
            (sz, right) = self.nodes.pop()
            (_, left) = self.nodes.pop()
            self.nodes.append((2 * sz, node(left, right)))

    def stored(self):
        """The frontier as the checkpoint table stores it (STORAGE): the
        roots of the perfect subtrees, largest first, 32 bytes each."""
        return b"".join(h for (_, h) in self.nodes)

    def root(self):
        if not self.nodes:
            return None
        r = self.nodes[-1][1]
        for (_, h) in reversed(self.nodes[:-1]):
            r = node(h, r)
        return r


def mth(leaves):
    """Recursive definition, for the self-test."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def ed25519_ok(pk, sig, msg):
    if Ed25519PublicKey is None:
        raise Usage("python3 'cryptography' module missing")
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def iso_ms(ms):
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


# ---------------------------------------------------------------- outcomes

class Usage(Exception):
    """Usage or I/O error: exit 2."""


class Failed(Exception):
    def __init__(self, kind, text, seq=None):
        Exception.__init__(self, kind)
        self.kind, self.text, self.seq = kind, text, seq

    def line(self):
        if self.seq is None:
            return "FAILED: %s: %s" % (self.kind, self.text)
        return "FAILED at seq %d: %s: %s" % (self.seq, self.kind, self.text)


# ---------------------------------------------------------------- inputs

def unhex(s, nbytes, what):
    try:
        b = bytes.fromhex(s)
    except ValueError:
        raise Usage("%s: not hex" % what)
    if nbytes is not None and len(b) != nbytes:
        raise Usage("%s: expected %d bytes, got %d" % (what, nbytes, len(b)))
    return b


def read_pairs(path, what):
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise Usage("%s %s: %s" % (what, path, e))
    pairs = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise Usage("%s %s: bad line %r" % (what, path, line))
        if parts[0] in pairs:
            raise Usage("%s %s: %s given twice" % (what, path, parts[0]))
        pairs[parts[0]] = parts[1].strip()
    return pairs


def read_key_file(path):
    """FILES, Verification material: log_id, k0 (optional), pk0."""
    p = read_pairs(path, "key file")
    out = {}
    if "log_id" in p:
        out["log_id"] = unhex(p["log_id"], 16, "key file log_id")
    if "k0" in p:
        out["k0"] = unhex(p["k0"], 32, "key file k0")
    if "pk0" in p:
        out["pk0"] = unhex(p["pk0"], 32, "key file pk0")
    if "checkpoint_every" in p:
        try:
            v = int(p["checkpoint_every"], 10)
        except ValueError:
            v = 0
        if not 1 <= v <= MAX_EVERY:
            raise Usage("key file %s: bad checkpoint_every" % path)
        out["checkpoint_every"] = v
    # "three lines ... a copy without the k0 line checks everything but
    # the MACs": log_id and pk0 are required, k0 is optional.
    for name in ("log_id", "pk0"):
        if name not in out:
            raise Usage("key file %s: no %s line" % (path, name))
    return out


class Held:
    """An exported checkpoint (FILES, Exported checkpoint)."""

    def __init__(self, path):
        p = read_pairs(path, "checkpoint file")
        for name in ("log_id", "epoch", "n", "root", "chain", "time",
                     "body", "sig"):
            if name not in p:
                raise Usage("checkpoint file %s: no %s line" % (path, name))
        self.body = unhex(p["body"], CKPT_LEN, "checkpoint file body")
        self.sig = unhex(p["sig"], SIG_LEN, "checkpoint file sig")
        b = self.body
        if b[:8] != MAGIC_CKPT:
            raise Usage("checkpoint file %s: body has no VIGCKP1 magic" % path)
        self.log_id = b[8:24]
        self.epoch = from_be64(b[24:32])
        self.n = from_be64(b[32:40])
        self.root = b[40:72]
        self.chain = b[72:104]
        self.time = from_be64(b[104:112])
        # PAGE: "The named values must equal those inside body" - the page
        # names no fault for a file where they do not; treated here as a
        # malformed input (exit 2), like an unreadable file.
        try:
            named = (bytes.fromhex(p["log_id"]), int(p["epoch"], 10),
                     int(p["n"], 10), bytes.fromhex(p["root"]),
                     bytes.fromhex(p["chain"]), p["time"])
        except ValueError:
            raise Usage("checkpoint file %s: malformed value" % path)
        if named != (self.log_id, self.epoch, self.n, self.root,
                     self.chain, iso_ms(self.time)):
            raise Usage("checkpoint file %s: named values differ from its "
                        "body" % path)
        if self.n < 1:
            raise Usage("checkpoint file %s: n < 1" % path)


# ---------------------------------------------------------------- verifier

def open_db(path):
    if not os.path.exists(path):
        raise Usage("audit log %s: No such file or directory" % path)
    try:
        uri = pathlib.Path(path).absolute().as_uri() + "?mode=ro"
        con = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as e:
        raise Usage("audit log %s: %s" % (path, e))
    con.text_factory = bytes
    return con


def read_meta(con, path):
    # The page: a file that is not an SQLite database, or has no meta table
    # whose format is vigil-audit-1, cannot be verified (exit 2); a meta
    # table with a damaged log_id or pk0 is "not a log" (exit 1).
    try:
        rows = con.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.DatabaseError as e:
        raise Usage("%s is not a vigil audit log: %s" % (path, e))
    meta = {}
    for (k, v) in rows:
        if isinstance(k, bytes):
            k = k.decode("utf-8", "replace")
        meta[k] = v
    if meta.get("format") != FORMAT:
        raise Usage("%s is not a vigil audit log (meta format)" % path)
    lid = meta.get("log_id")
    if not isinstance(lid, bytes) or len(lid) != 16:
        raise Failed("not a log", "%s: meta log_id is not 16 bytes" % path)
    pk0 = meta.get("pk0")
    if not isinstance(pk0, bytes) or len(pk0) != 32:
        raise Failed("not a log", "%s: meta pk0 is not 32 bytes" % path)
    return lid, pk0, meta


def check_schema(con):
    """STORAGE: a table, index, trigger or view the page does not list is
    "schema", before the walk."""
    for (typ, name, table) in con.execute(
            "SELECT type, name, tbl_name FROM sqlite_master ORDER BY rowid"):
        t = tuple(x.decode("utf-8", "replace") if isinstance(x, bytes) else x
                  for x in (typ, name, table))
        if t not in SCHEMA:
            raise Failed("schema", "the log holds %s %s, which the page "
                         "does not list" % (t[0], t[1]))


def meta_every(meta):
    """STORAGE: meta checkpoint_every, be64 from 1 to 1000000; a log made
    before it was recorded counts as 1000000."""
    if "checkpoint_every" not in meta:
        return MAX_EVERY
    v = meta["checkpoint_every"]
    if not isinstance(v, bytes) or len(v) != 8 or \
            not 1 <= from_be64(v) <= MAX_EVERY:
        raise Failed("not a log", "meta checkpoint_every is damaged")
    return from_be64(v)


ENTRY_SQL = ("SELECT seq, body, chain, mac, "
             "time_ms, typeof(time_ms), from_ms, typeof(from_ms), "
             "to_ms, typeof(to_ms), "
             "actor, typeof(actor), action, typeof(action), "
             "camera, typeof(camera), reason_code, typeof(reason_code), "
             "reference, typeof(reference), details, typeof(details), "
             "terminal, typeof(terminal) "
             "FROM entry ORDER BY seq")


def derived_ok(row, f):
    """The first derived column that differs from the body, or None.
    PAGE: "integers and text, equal to the body's fields" is read as: the
    SQLite type must be integer (resp. text) too, so a text field stored as
    a BLOB with the same bytes differs."""
    cols = {}
    i = 4
    for name in ("time_ms", "from_ms", "to_ms", "actor", "action", "camera",
                 "reason_code", "reference", "details", "terminal"):
        cols[name] = (row[i], row[i + 1])
        i += 2
    for name in INT_COLUMNS:
        (v, t) = cols[name]
        if t != b"integer" or v != f[name]:
            return name
    for name in TEXT_COLUMNS:
        (v, t) = cols[name]
        if t != b"text" or v != f[name]:
            return name
    return None


class Verifier:
    def __init__(self, path, key=None, pk=None, held=None):
        self.path = path
        self.key = key or {}
        self.pk_arg = pk
        self.held = held

    def run(self):
        con = open_db(self.path)
        try:
            con.execute("BEGIN")  # one read snapshot for the whole walk
            return self._run(con)
        except sqlite3.DatabaseError as e:
            raise Failed("not a log", "%s: %s" % (self.path, e))
        finally:
            con.close()

    def _run(self, con):
        log_id, meta_pk0, meta = read_meta(con, self.path)
        # PAGE: the page does not say what happens when the verification
        # material names another log_id than meta; this verifier treats it
        # as "not a log" (the material is for another log).
        if "log_id" in self.key and self.key["log_id"] != log_id:
            raise Failed("not a log", "log_id %s in meta, %s in the key file"
                         % (log_id.hex(), self.key["log_id"].hex()))
        # PAGE: precedence of --pk over the key file's pk0 is not stated;
        # --pk (given explicitly) wins here.
        pk = self.pk_arg or self.key.get("pk0") or meta_pk0
        if pk is None:
            raise Failed("not a log", "no pk0 in meta and none given")
        # pk0 never changes: meta naming another pk0 than the one given
        # means the log was re-keyed or replaced (vigil-audit(5)).
        if meta_pk0 is not None and pk != meta_pk0:
            raise Failed("not a log", "pk0 %s in meta, %s given"
                         % (meta_pk0.hex(), pk.hex()))
        check_schema(con)
        every = meta_every(meta)
        # The key file's checkpoint_every (kept off the machine) wins over
        # meta's.
        every = self.key.get("checkpoint_every", every)
        k = self.key.get("k0")
        held = self.held

        e = 0
        c = chain_start(log_id)
        tree = Frontier()
        j = 0           # next expected checkpoint epoch
        p = 0           # n of the previous checkpoint
        ckpts = con.cursor()
        ckpts.execute("SELECT epoch, n, body, sig, typeof(n), frontier, "
                      "typeof(frontier) FROM checkpoint ORDER BY epoch")
        unc = None      # first `checkpoint` entry no checkpoint covers yet
        nxt = ckpts.fetchone()

        rows = con.cursor()
        rows.execute(ENTRY_SQL)
        for row in rows:
            r = row[0]
            body = row[1]
            # 1.
            if r != e:
                raise Failed("deleted", "no entry with seq %d (next row is "
                             "seq %d)" % (e, r), e)
            # 2.
            f = parse_body(body)
            if f is None:
                raise Failed("edited", "body is invalid", r)
            # 3.
            b = f["seq"]
            if b != r:
                if b < r:
                    raise Failed("inserted", "row %d carries seq %d" % (r, b),
                                 b)
                later = con.execute("SELECT body FROM entry WHERE seq > ?",
                                    (r,))
                for (lb,) in later:
                    if body_seq(lb) == r:
                        later.close()
                        raise Failed("reordered", "entry %d is stored later"
                                     % r, r)
                raise Failed("deleted", "row %d carries seq %d" % (r, b), r)
            # 4.
            leaf = leaf_hash(body)
            cn = chain_next(c, leaf)
            if cn != row[2]:
                raise Failed("edited", "chain differs", r)
            # 5.
            bad = derived_ok(row, f)
            if bad is not None:
                raise Failed("edited", "column %s differs from the body"
                             % bad, r)
            # 6.
            if k is not None:
                if mac(k, r, cn) != row[3]:
                    raise Failed("MAC", "MAC differs", r)
                k = ratchet(k)
            c = cn
            tree.add(leaf)
            if unc is None and f["action"] in (b"checkpoint", b"heartbeat"):
                unc = r
            e += 1
            if held is not None and held.n == e:
                if tree.root() != held.root or c != held.chain:
                    raise Failed("checkpoint mismatch", "the first %d "
                                 "entries do not give the root and chain of "
                                 "the checkpoint %d you hold"
                                 % (e, held.epoch), e - 1)
            while nxt is not None and nxt[1] <= e:
                pk = self._check_ckpt(nxt, j, p, log_id, pk, tree, c, e)
                p = nxt[1]
                j += 1
                unc = None
                nxt = ckpts.fetchone()
        rows.close()

        # After the last row.
        if nxt is not None:
            if self._malformed(nxt, j, p, log_id) is not None:
                raise Failed("checkpoint signature", "checkpoint %d: %s"
                             % (nxt[0], self._malformed(nxt, j, p, log_id)),
                             p)
            raise Failed("truncated below checkpoint", "checkpoint %d covers "
                         "%d entries, the log holds %d" % (nxt[0], nxt[1], e),
                         e)
        nck = j
        if held is not None:
            if held.log_id != log_id:
                raise Failed("not a log", "the checkpoint you hold is of log "
                             "%s, this is log %s"
                             % (held.log_id.hex(), log_id.hex()))
            if held.n > e:
                raise Failed("truncated below checkpoint", "the checkpoint "
                             "you hold covers %d entries, the log holds %d"
                             % (held.n, e), e)
            st = con.execute("SELECT body, sig FROM checkpoint WHERE "
                             "epoch = ?", (held.epoch,)).fetchone()
            if st is None:
                raise Failed("truncated below checkpoint", "the log has no "
                             "checkpoint %d" % held.epoch, held.n - 1)
            if st[0] != held.body or st[1] != held.sig:
                raise Failed("checkpoint mismatch", "stored checkpoint %d "
                             "differs from the one you hold" % held.epoch,
                             held.n - 1)
        # Checkpoints missing: more than checkpoint_every entries after the
        # newest checkpoint (p + every), or a `checkpoint` entry it does not
        # cover; the smaller seq.
        m = unc
        if e - p > every and (m is None or p + every < m):
            m = p + every
        if m is not None:
            raise Failed("checkpoint missing", "%d entries after the newest "
                         "checkpoint, checkpoint_every %d; first uncovered "
                         "checkpoint entry %s" % (e - p, every, unc), m)
        con.execute("COMMIT")
        if nck == 0:
            return (3, "consistent, not anchored: %d entries, 0 checkpoints"
                    % e)
        return (0, "intact: %d entries, %d checkpoints" % (e, nck))

    def _malformed(self, ck, j, p, log_id):
        """Why a stored checkpoint's epoch or body is not as expected, or
        None.  PAGE: the page does not say what the n column must be; it is
        what decides when the checkpoint is checked, so it is required to
        equal the n inside the body."""
        (epoch, n, body, _sig, ntype, _frontier, _ftype) = ck
        if epoch != j:
            return "epoch %d where %d was expected" % (epoch, j)
        if not isinstance(body, bytes) or len(body) != CKPT_LEN:
            return "body is not %d bytes" % CKPT_LEN
        if body[:8] != MAGIC_CKPT:
            return "body has no VIGCKP1 magic"
        if body[8:24] != log_id:
            return "body names another log_id"
        if body[24:32] != be64(j):
            return "body names epoch %d" % from_be64(body[24:32])
        bn = from_be64(body[32:40])
        if not bn > p:
            return "body n %d is not above %d" % (bn, p)
        if ntype != b"integer" or bn != n:
            return "n column differs from the body"
        return None

    def _check_ckpt(self, ck, j, p, log_id, pk, tree, c, e):
        (epoch, n, body, sig, _t, frontier, ftype) = ck
        why = self._malformed(ck, j, p, log_id)
        if why is None and (not isinstance(sig, bytes) or
                            len(sig) != SIG_LEN):
            why = "signature is not %d bytes" % SIG_LEN
        if why is None and not ed25519_ok(pk, sig, body):
            why = "signature is not valid under pk_%d" % j
        if why is not None:
            raise Failed("checkpoint signature", "checkpoint %d: %s"
                         % (epoch, why), p)
        # n == e here: n > p and every row moves e by one.
        if body[40:72] != tree.root() or body[72:104] != c:
            raise Failed("checkpoint mismatch", "checkpoint %d: the first %d "
                         "entries do not give its root and chain"
                         % (epoch, n), p)
        if ftype != b"blob" or frontier != tree.stored():
            raise Failed("checkpoint frontier", "checkpoint %d: the stored "
                         "frontier is not the tree's" % epoch, p)
        return body[112:144]


# ---------------------------------------------------------------- self-test

EXAMPLE_BODY = (
    "564947494c3100000000000000000000"
    "000001a204ba53f300000005616c6963"
    "650000000a766965772d737461727400"
    "000008656e7472616e6365000001a1fd"
    "b10800000001a1fdbec3a00000000650"
    "4f4c49434500000009323032362f3132"
    "3334000000187b226e6f7465223a2277"
    "696e646f772062726f6b656e227d0000"
    "000474747931")
EXAMPLE = {
    "leaf_0": "0bd00bfcf3468fbc2281a860e56331e32ff8c7f69f54759982335bedb093c1c4",
    "chain_-1": "ebea6fcbd1c9d6c5e10aa2d5baced9d08d3dd32ee139b7b68e10347ea5e60a89",
    "chain_0": "318170655baf45773a8e1958687d757cc2e0ea66df9537a57fdfa89c67be503e",
    "mac_0": "fcc90b1753c0f6925aa0d28ce6694a6beb663b8b1ccb3d4b291f9afe06475bff",
    "k_1": "8ff8d751fe0567a15c6f0f81f23b9d2d06c3e36b6f6e1a5c1300e57eff3886de",
}


def self_test():
    bad = []
    log_id = bytes(range(0x00, 0x10))
    k0 = bytes(range(0x20, 0x40))
    body = encode_body(0, 1795375649779, b"alice", b"view-start",
                       b"entrance", 1795257600000, 1795258500000, b"POLICE",
                       b"2026/1234", b'{"note":"window broken"}', b"tty1")
    got = {}
    got["body"] = body.hex()
    got["leaf_0"] = leaf_hash(body).hex()
    got["chain_-1"] = chain_start(log_id).hex()
    got["chain_0"] = chain_next(chain_start(log_id), leaf_hash(body)).hex()
    got["mac_0"] = mac(k0, 0, bytes.fromhex(got["chain_0"])).hex()
    got["k_1"] = ratchet(k0).hex()
    want = dict(EXAMPLE, body=EXAMPLE_BODY)
    if len(body) != 134:
        bad.append("body is %d bytes, the page says 134" % len(body))
    for name in ("body", "leaf_0", "chain_-1", "chain_0", "mac_0", "k_1"):
        if got[name] != want[name]:
            bad.append("%s: computed %s, the page says %s"
                       % (name, got[name], want[name]))
    # The example body must parse back to its inputs.
    f = parse_body(body)
    if f is None or f["actor"] != b"alice" or f["terminal"] != b"tty1":
        bad.append("example body does not parse back")
    # "A checkpoint over this one entry would have root leaf_0."
    t = Frontier()
    t.add(leaf_hash(body))
    if t.root() != leaf_hash(body):
        bad.append("one-leaf Merkle root is not the leaf")
    # Frontier agrees with the recursive mth of RFC 6962 2.1.
    leaves = [H(bytes([i])) for i in range(70)]
    t = Frontier()
    for i, lf in enumerate(leaves):
        t.add(lf)
        if t.root() != mth(leaves[:i + 1]):
            bad.append("frontier root differs from mth at n=%d" % (i + 1))
            break
    # Body validity rules.
    if parse_body(body + b"\0") is not None:
        bad.append("trailing byte accepted")
    if parse_body(body[:-1]) is not None:
        bad.append("short body accepted")
    for bogus in (b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"a\0"):
        b2 = encode_body(0, 0, bogus, b"note", b"", 0, 0, b"", b"", b"{}",
                         b"t")
        if parse_body(b2) is not None:
            bad.append("invalid UTF-8 %r accepted" % bogus)
    for line in bad:
        print("self-test FAILED: " + line)
    if bad:
        return 1
    print("self-test ok: body, leaf_0, chain_-1, chain_0, mac_0, k_1 "
          "match the page's EXAMPLE")
    return 0


# ---------------------------------------------------------------- main

USAGE = ("usage: audit_verify.py DB [--key-file FILE] [--pk HEX] "
         "[--against CHECKPOINT_FILE]\n"
         "       audit_verify.py --self-test")


def main(argv):
    args = argv[1:]
    if args == ["--self-test"]:
        return self_test()
    if args in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    db = None
    opts = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--key-file", "--pk", "--against", "--db"):
            if i + 1 >= len(args) or a in opts:
                sys.stderr.write(USAGE + "\n")
                return 2
            opts[a] = args[i + 1]
            i += 2
        elif a.startswith("-") and a != "-":
            sys.stderr.write(USAGE + "\n")
            return 2
        elif db is None:
            db = a
            i += 1
        else:
            sys.stderr.write(USAGE + "\n")
            return 2
    if "--db" in opts:
        if db is not None:
            sys.stderr.write(USAGE + "\n")
            return 2
        db = opts["--db"]
    if db is None:
        sys.stderr.write(USAGE + "\n")
        return 2
    try:
        key = read_key_file(opts["--key-file"]) if "--key-file" in opts \
            else None
        pk = unhex(opts["--pk"], 32, "--pk") if "--pk" in opts else None
        held = Held(opts["--against"]) if "--against" in opts else None
        (status, line) = Verifier(db, key, pk, held).run()
        print(line)
        return status
    except Failed as f:
        print(f.line())
        return 1
    except Usage as u:
        sys.stderr.write("audit_verify.py: %s\n" % u)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
