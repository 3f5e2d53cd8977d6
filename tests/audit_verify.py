#!/usr/bin/python3
"""Independent verifier for the vigil audit log, written from vigil-audit(5).

    audit_verify.py DB [--key-file FILE] [--pk HEX] [--log-id HEX]
                    [--against CHECKPOINT_FILE]
                    [--witness FILE]... [--heartbeat MINUTES]
    audit_verify.py --self-test

Implements the VERIFICATION section of the page: on success prints
"intact: N entries, M checkpoints" and exits 0; when the log holds no
checkpoint at all (nothing was checked against pk0) it prints "consistent,
not anchored: N entries, 0 checkpoints" and exits 3; on a failure prints one
line "FAILED at seq S: KIND: text" (or "FAILED: KIND: text") and exits 1;
usage and I/O errors exit 2.  Rows are streamed and only the Merkle frontier is
kept, so memory does not grow with the log.

With --witness (repeatable, at most 64 files) it also implements WITNESS,
"Checking the log against the witness": after the result above it prints a
line "witness: ..." with the counts, each failure as "  FAILED: KIND: text"
(KIND one of rolled back, rewritten, fork, replaced, silence, not
witnessed), each window not witnessed ("  not witnessed: ..."), each line
that does not verify ("  unauthenticated: ..."), and when nothing failed
"  witnessed: ...".  Any witness failure makes the exit status 1.  The
identity is taken from outside the log only: --key-file (its log_id and
pk0), with --log-id and --pk given instead or over it; --witness without a
full identity is refused (exit 2).  --heartbeat is the heartbeat interval in
minutes, 1 to 60, default 5 (the last one given counts).

Deliberately written without reading vigil's C source; where the page is
silent this file says so in a comment marked "PAGE:".
"""

import datetime
import hashlib
import os
import pathlib
import re
import sqlite3
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey, Ed25519PublicKey)
    from cryptography.hazmat.primitives.serialization import (
        Encoding, PublicFormat)
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


# Digests of (pk, sig, msg) that verified, when not None: the witness check
# verifies the log's checkpoints again (its own account) and lines equal to
# them, and the main walk has usually verified them already.  Only set for
# --witness, so that a plain verification keeps its constant memory.
SIG_MEMO = None


def ed25519_ok(pk, sig, msg):
    if Ed25519PublicKey is None:
        raise Usage("python3 'cryptography' module missing")
    memo = SIG_MEMO
    if memo is not None:
        if not (isinstance(pk, bytes) and len(pk) == 32 and
                isinstance(sig, bytes) and len(sig) == SIG_LEN):
            return False
        d = H(pk + sig + msg)
        if d in memo:
            return True
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
    except (InvalidSignature, ValueError, TypeError):
        return False
    if memo is not None:
        memo.add(d)
    return True


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
    def __init__(self, path, key=None, pk=None, held=None, log_id=None):
        self.path = path
        self.key = key or {}
        self.pk_arg = pk
        self.held = held
        self.log_id_arg = log_id

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
        # PAGE: VERIFICATION does not name --log-id (vigil(1) does, as the
        # identity given with --pk); a log whose log_id differs from it is
        # taken as "not a log", like one differing from the verification
        # material, and the key file's log_id is checked as well when both
        # are given.
        if self.log_id_arg is not None and self.log_id_arg != log_id:
            raise Failed("not a log", "log_id %s in meta, %s given"
                         % (log_id.hex(), self.log_id_arg.hex()))
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


# ---------------------------------------------------------------- witness

# WITNESS, "Checking the log against the witness".  The line formats are
# those of "The witness line" and "The collector's file".
WITNESS_MAX_FILES = 64      # vigil(1): "given once per file, up to 64"
WITNESS_MAX_LINE = 2048
WITNESS_WORD = b"vigil-witness "
# PAGE: the page gives lowercase hex for body ("288 lowercase hex digits")
# and, in the same clause, sig; log_id is only "32 hex digits".  Lowercase
# is required of all three here, like the rest of the line's spelling.
# "spaces may follow" is read as U+0020 only: a tab, or the CR of a CRLF
# line end, after the line makes it malformed (lines end at LF).
V1_LINE = re.compile(
    rb"vigil-witness v1 kind=(checkpoint|stop) log_id=([0-9a-f]{32}) "
    rb"epoch=(0|[1-9][0-9]*) n=(0|[1-9][0-9]*) body=([0-9a-f]{288}) "
    rb"sig=([0-9a-f]{128}) *")
# RFC 3339 section 5.6 date-time, whose "T" and "Z" may be lower case (the
# NOTE under its grammar); the fraction has any number of digits.
RFC3339 = re.compile(
    rb"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):"
    rb"([0-9]{2})(?:\.([0-9]+))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))")
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def receive_ms(field):
    """RECEIVE-TIME in ms since the epoch, or None when it is not RFC 3339
    with an offset.

    PAGE: NOTATION says "Times are milliseconds since 1970"; the
    collector's times have microseconds, and here they are taken to the
    millisecond, the rest of the fraction cut off, so "later" and "further
    apart" compare whole milliseconds.  A leap second (:60) is accepted, as
    RFC 3339 allows, and counts as the next minute's :00."""
    m = RFC3339.fullmatch(field)
    if m is None:
        return None
    (y, mo, d, hh, mi, ss) = (int(x) for x in m.group(1, 2, 3, 4, 5, 6))
    try:
        days = datetime.date(y, mo, d).toordinal() - EPOCH_ORDINAL
    except ValueError:
        return None
    if hh > 23 or mi > 59 or ss > 60:
        return None
    ms = int(((m.group(7) or b"") + b"000")[:3])
    off = 0
    if m.group(8) is not None:
        (oh, om) = (int(m.group(9)), int(m.group(10)))
        if oh > 23 or om > 59:
            return None
        off = (oh * 60 + om) * 60000
        if m.group(8) == b"-":
            off = -off
    return ((days * 24 + hh) * 60 + mi) * 60000 + ss * 1000 + ms - off


def plural(n, word, words=None):
    return "%d %s" % (n, word if n == 1 else (words or word + "s"))


class WLine:
    """A well-formed witness line."""
    __slots__ = ("where", "time", "sender", "stop", "log_id", "epoch", "n",
                 "body", "sig", "verified")

    def text(self):
        return "%s %d over %d entries, received from %s at %s (%s)" % (
            "stop line of checkpoint" if self.stop else "checkpoint",
            self.epoch, self.n, self.sender.decode("utf-8", "replace"),
            iso_ms(self.time), self.where)


def parse_witness_line(line):
    """One line of a collector's file (without its LF) that holds
    "vigil-witness ": (time_ms, sender, match) or a str saying why it is
    malformed.

    PAGE: a line whose RECEIVE-TIME is not RFC 3339 with an offset, or
    whose SENDER is empty (two spaces), is taken as malformed: the page
    names only the v1 part and the length, but such a line cannot be placed
    in time or by sender.  "MESSAGE contains vigil-witness followed by a
    space; from there" is read from its first occurrence in MESSAGE."""
    if len(line) > WITNESS_MAX_LINE:
        return "longer than %d bytes" % WITNESS_MAX_LINE
    parts = line.split(b" ", 2)
    if len(parts) != 3:
        return "not RECEIVE-TIME SENDER MESSAGE"
    t = receive_ms(parts[0])
    if t is None:
        return "the receive time is not RFC 3339 with an offset"
    if not parts[1]:
        return "no sender"
    at = parts[2].find(WITNESS_WORD)
    if at < 0:
        return "no vigil-witness in the message"
    m = V1_LINE.fullmatch(parts[2], at)
    if m is None:
        return "not a vigil-witness v1 line"
    return (t, parts[1], m)


class Witness:
    def __init__(self, paths, log_id, pk0, heartbeat):
        self.paths = paths
        self.log_id = log_id
        self.pk0 = pk0
        self.heartbeat = heartbeat
        self.mine = []          # well-formed lines of this log_id, file order
        self.malformed = []     # (where, why)
        self.other = {}         # sender -> (time, log_id, where): newest
        self.n_other = 0        # well-formed lines of other log_ids

    # ------------------------------------------------------------ reading

    def read(self):
        for path in self.paths:
            try:
                f = open(path, "rb")
            except OSError as e:
                raise Usage("--witness %s: %s" % (path, e.strerror or e))
            try:
                with f:
                    for (ln, raw) in enumerate(f, 1):
                        if WITNESS_WORD in raw:
                            self._line(path, ln, raw)
            except OSError as e:
                raise Usage("--witness %s: %s" % (path, e.strerror or e))

    def _line(self, path, ln, raw):
        line = raw[:-1] if raw.endswith(b"\n") else raw
        where = "%s:%d" % (path, ln)
        got = parse_witness_line(line)
        if isinstance(got, str):
            self.malformed.append((where, got))
            return
        (t, sender, m) = got
        log_id = bytes.fromhex(m.group(2).decode())
        epoch = int(m.group(3))
        n = int(m.group(4))
        body = bytes.fromhex(m.group(5).decode())
        # PAGE: "log_id, epoch and n repeat the body's and must equal them":
        # a line where they differ is taken as malformed (not "exactly a v1
        # line").  The body's magic is not checked: a body without it does
        # not verify.
        if body[8:24] != log_id or from_be64(body[24:32]) != epoch or \
                from_be64(body[32:40]) != n:
            self.malformed.append((where, "log_id, epoch or n differs from "
                                   "the body's"))
            return
        if log_id != self.log_id:
            # PAGE: a line of another log_id counts for "replaced" when it is
            # well formed (its signature cannot be checked: that log's pk0 is
            # not known); a malformed one does not count.
            self.n_other += 1
            o = self.other.get(sender)
            if o is None or t > o[0]:
                self.other[sender] = (t, log_id, where)
            return
        w = WLine()
        (w.where, w.time, w.sender, w.stop) = (where, t, sender,
                                               m.group(1) == b"stop")
        (w.log_id, w.epoch, w.n, w.body) = (log_id, epoch, n, body)
        w.sig = bytes.fromhex(m.group(6).decode())
        w.verified = False
        self.mine.append(w)

    # ------------------------------------------------------------ the log

    def _log(self, path):
        """The log's checkpoints as the check sees them: held (the bodies of
        stored checkpoints 0, 1, ...), account (epoch -> pk_{j+1} for those
        whose signatures verify along the chain from pk0) and the number of
        entries (None when unknown).

        PAGE: "the log's own account is its stored checkpoints 0, 1, ...
        whose signatures verify along the chain from pk0", and step 2 asks
        whether "the log holds checkpoint j".  Read here as: the log holds
        checkpoint j when the checkpoint table has rows for every epoch
        0..j (the numbering has no gaps; a row after a missing epoch is not
        held), whether or not its signature verifies; "other bytes" compares
        the 144 bytes of ckpt_j, not sig_j (a stored checkpoint with a bad
        signature is the log's own failure, checkpoint signature).  The
        account (stored checkpoints that verify along the chain from pk0,
        stopping at the first that does not) is what step 1 takes keys
        from.  What cannot be read of the tables is not held."""
        held, account, entries = [], {}, None
        con = open_db(path)
        try:
            con.execute("BEGIN")
            pk = self.pk0
            for (epoch, body, sig) in con.execute(
                    "SELECT epoch, body, sig FROM checkpoint "
                    "WHERE epoch >= 0 ORDER BY epoch"):
                if epoch != len(held):
                    break
                held.append(body if isinstance(body, bytes) else None)
                if pk is not None:
                    if isinstance(body, bytes) and len(body) == CKPT_LEN \
                            and ed25519_ok(pk, sig, body):
                        account[epoch] = pk = body[112:144]
                    else:
                        pk = None
            (top,) = con.execute("SELECT max(seq) FROM entry").fetchone()
            entries = top + 1 if isinstance(top, int) else 0
            con.execute("COMMIT")
        except sqlite3.DatabaseError:
            pass
        finally:
            con.close()
        return held, account, entries

    # ------------------------------------------------------------ checking

    def _verify_lines(self, account):
        """Step 1: marks each line of this log_id that verifies with pk_j:
        pk0 for j = 0, else a pk_j named by a checkpoint j-1 that verified,
        the log's (its account) or another line's.

        PAGE: when verified checkpoints j-1 differ (a fork, or a log
        rewritten from a copied key state) each names a pk_j; a line j
        counts when it verifies with any of them.  pk0 is the identity
        given (never meta's)."""
        by_epoch = {}
        for w in self.mine:
            by_epoch.setdefault(w.epoch, []).append(w)
        named = {}      # epoch -> keys named by its verified lines
        done = {}       # (body, sig) -> verified? (the body holds j)
        for j in sorted(by_epoch):
            if j == 0:
                keys = [self.pk0]
            else:
                keys = [account[j - 1]] if j - 1 in account else []
                for k in named.get(j - 1, ()):
                    if k not in keys:
                        keys.append(k)
            out = []
            for w in by_epoch[j]:
                key = (w.body, w.sig)
                if key not in done:
                    done[key] = any(ed25519_ok(k, w.sig, w.body)
                                    for k in keys)
                w.verified = done[key]
                if w.verified and w.body[112:144] not in out:
                    out.append(w.body[112:144])
            named[j] = out

    def check(self, db_path):
        """Returns (failed, output lines)."""
        (held, account, entries) = self._log(db_path)
        self._verify_lines(account)
        ok = [w for w in self.mine if w.verified]
        # PAGE: lines with equal receive times keep the order they were
        # given in (the --witness files in command-line order, each in line
        # order); "consecutive" is over all verified lines of this log from
        # every file and every sender together, by receive time.
        ok_t = sorted(ok, key=lambda w: w.time)
        unauth = list(self.malformed)
        for w in self.mine:
            if not w.verified:
                unauth.append((w.where, "checkpoint %d: the signature does "
                               "not verify with any key it could have "
                               "(pk0, or one named by a verified checkpoint "
                               "%d)" % (w.epoch, w.epoch - 1)))
        fails, windows = [], []

        # 2. rolled back, rewritten, fork: one failure per checkpoint
        # (epoch and body) received, however often.  PAGE: "different
        # checkpoints j" compares the 144 bytes of ckpt_j, as "other bytes"
        # does (see _log), not sig_j.
        bodies = {}
        for w in ok_t:
            seen = bodies.setdefault(w.epoch, {})
            if w.body in seen:
                continue
            seen[w.body] = w
            if w.epoch >= len(held):
                fails.append(("rolled back", "%s, is not in the log, whose "
                              "newest checkpoint is %s: the log was rolled "
                              "back or cut off" % (w.text(), len(held) - 1
                                                   if held else "none")))
            elif held[w.epoch] != w.body:
                fails.append(("rewritten", "the log holds checkpoint %d "
                              "with other bytes than the %s: what it covers "
                              "was rewritten, or a rolled-back log went on"
                              % (w.epoch, w.text())))
        for j in sorted(bodies):
            if len(bodies[j]) > 1:
                (a, b) = list(bodies[j].values())[:2]
                fails.append(("fork", "two verified lines hold different "
                              "checkpoints %d (%s and %s): the log forked"
                              % (j, a.where, b.where)))

        # 3. replaced: per sender, a line of another log_id later than its
        # last verified line of this log.
        # PAGE: a sender is the SENDER field as written, the same in every
        # file; "later" is strictly later (to the millisecond): a line of
        # another log at the same time as the last of this log is not.
        last = {}
        for w in ok_t:
            last[w.sender] = w
        for (sender, w) in sorted(last.items()):
            o = self.other.get(sender)
            if o is not None and o[0] > w.time:
                fails.append(("replaced", "%s sent a line of another log "
                              "(log_id %s) at %s (%s), after its last line "
                              "of this log at %s (%s): the log was replaced, "
                              "or a program on that machine wrote such a "
                              "line" % (sender.decode("utf-8", "replace"),
                                        o[1].hex(), iso_ms(o[0]), o[2],
                                        iso_ms(w.time), w.where)))

        # 3. silence, and 4. silences after a stop.
        # PAGE: "further apart than twice the heartbeat interval" is
        # strictly more than 2 * MINUTES * 60000 ms (exactly twice is no
        # silence); "the first not a stop" is the earlier line of the pair.
        # The interval is --heartbeat's (this verifier reads no vigil.conf),
        # default 5 as heartbeat_minutes'.
        limit = 2 * self.heartbeat * 60000
        for (a, b) in zip(ok_t, ok_t[1:]):
            if b.time - a.time > limit:
                span = "from %s to %s (%d min, more than twice the %d min " \
                    "heartbeat)" % (iso_ms(a.time), iso_ms(b.time),
                                    (b.time - a.time) // 60000,
                                    self.heartbeat)
                if a.stop:
                    windows.append("no line %s after a stop (%s)"
                                   % (span, a.where))
                else:
                    fails.append(("silence", "no line %s, the first not a "
                                  "stop (%s and %s)" % (span, a.where,
                                                        b.where)))
        if not ok:
            fails.append(("not witnessed", "no line of this log verifies"))
        else:
            # 4. checkpoints of the log no verified line holds, before the
            # newest witnessed one; the entries after it.  PAGE: the newest
            # witnessed checkpoint is the verified line with the highest
            # epoch, and a checkpoint is "held" by a verified line of its
            # epoch (a different body is already a failure above).
            newest = max(ok, key=lambda w: (w.epoch, w.time))
            have = set(w.epoch for w in ok)
            j = 0
            while j < min(len(held), newest.epoch):
                if j in have:
                    j += 1
                    continue
                k = j
                while k + 1 < min(len(held), newest.epoch) and \
                        k + 1 not in have:
                    k += 1
                windows.append("checkpoint%s %s: no verified line holds "
                               "%s (%s): a rollback inside cannot be ruled "
                               "out" % ("" if j == k else "s",
                                        j if j == k else "%d to %d" % (j, k),
                                        "it" if j == k else "them",
                                        "before the first witnessed" if j == 0
                                        else "after checkpoint %d" % (j - 1)))
                j = k + 1
            if entries is not None and entries > newest.n:
                windows.append("entries %d to %d follow the newest witnessed "
                               "checkpoint %d (received %s)"
                               % (newest.n, entries - 1, newest.epoch,
                                  iso_ms(newest.time)))

        senders = set(w.sender for w in ok)
        out = ["witness: %s of this log in %s, %d verified from %s, "
               "%d unauthenticated; %d of other logs"
               % (plural(len(self.mine), "line"),
                  plural(len(self.paths), "file"), len(ok),
                  plural(len(senders), "sender"), len(unauth),
                  self.n_other)]
        if ok:
            out.append("  newest witnessed: checkpoint %d over %d entries, "
                       "received %s" % (newest.epoch, newest.n,
                                        iso_ms(newest.time)))
        out += ["  FAILED: %s: %s" % f for f in fails]
        out += ["  not witnessed: %s" % x for x in windows]
        out += ["  unauthenticated: %s: %s" % u for u in unauth]
        if not fails:
            out.append("  witnessed: no rollback, rewrite, fork, replacement "
                       "or silence in what the collector received; a "
                       "rollback inside a window not witnessed cannot be "
                       "ruled out")
        return bool(fails), out


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
    witness = witness_self_test(bad)
    for line in bad:
        print("self-test FAILED: " + line)
    if bad:
        return 1
    print("self-test ok: body, leaf_0, chain_-1, chain_0, mac_0, k_1 "
          "match the page's EXAMPLE")
    print("self-test ok: " + witness)
    return 0


def st_pk(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key(). \
        public_bytes(Encoding.Raw, PublicFormat.Raw)


def st_log(path, log_id, k0, seeds, texts):
    """Writes a log as the page describes it: for each text a note entry
    and a checkpoint over everything so far, checkpoint j signed with the
    key of seeds[j] and naming that of seeds[j + 1].  Returns the
    checkpoints as (epoch, n, body, sig)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.executescript(
        "PRAGMA synchronous=OFF; BEGIN;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB);"
        "CREATE TABLE entry(seq INTEGER PRIMARY KEY, body BLOB, chain BLOB,"
        " mac BLOB, time_ms INTEGER, actor TEXT, action TEXT, camera TEXT,"
        " from_ms INTEGER, to_ms INTEGER, reason_code TEXT, reference TEXT,"
        " details TEXT, terminal TEXT);"
        "CREATE TABLE checkpoint(epoch INTEGER PRIMARY KEY, n INTEGER,"
        " body BLOB, sig BLOB, frontier BLOB);")
    t0 = 1795375649779
    for (k, v) in (("format", FORMAT), ("log_id", log_id),
                   ("pk0", st_pk(seeds[0])), ("created_ms", be64(t0)),
                   ("checkpoint_every", be64(64))):
        con.execute("INSERT INTO meta VALUES (?, ?)", (k, v))
    (c, k, tree, out) = (chain_start(log_id), k0, Frontier(), [])
    for (j, text) in enumerate(texts):
        seq = j
        f = (seq, t0 + 1000 * seq, b"dpo", b"note", b"", 0, 0, b"", b"",
             b'{"text":"' + text.encode() + b'"}', b"tty1")
        body = encode_body(*f)
        c = chain_next(c, leaf_hash(body))
        tree.add(leaf_hash(body))
        con.execute("INSERT INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (seq, body, c, mac(k, seq, c), f[1], "dpo", "note", "",
                     0, 0, "", "", f[9].decode(), "tty1"))
        k = ratchet(k)
        ck = (MAGIC_CKPT + log_id + be64(j) + be64(seq + 1) + tree.root() +
              c + be64(f[1]) + st_pk(seeds[j + 1]))
        sig = Ed25519PrivateKey.from_private_bytes(seeds[j]).sign(ck)
        con.execute("INSERT INTO checkpoint VALUES (?, ?, ?, ?, ?)",
                    (j, seq + 1, ck, sig, tree.stored()))
        out.append((j, seq + 1, ck, sig))
    con.execute("COMMIT")
    con.close()
    return out


def witness_self_test(bad):
    """Witness cases on small logs written here from the page; appends
    what fails to bad and returns a line saying what was checked."""
    if Ed25519PublicKey is None:
        return "witness cases skipped: no python3 cryptography module"
    import tempfile
    seeds = [bytes([i]) * 32 for i in range(1, 6)]
    log_id, k0 = bytes(range(16)), bytes(range(32, 64))
    n = 0
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "a.db")
        rows = st_log(db, log_id, k0, seeds, ["a", "b", "c", "d"])
        key = {"log_id": log_id, "k0": k0, "pk0": st_pk(seeds[0])}
        got = Verifier(db, key).run()
        if got[0] != 0:
            bad.append("a log written from the page is not intact: %r"
                       % (got,))
        # The log rolled back to its first two checkpoints; rewritten
        # from checkpoint 2 on with the key state of epoch 2; another log.
        short = os.path.join(d, "short.db")
        st_log(short, log_id, k0, seeds, ["a", "b"])
        other = os.path.join(d, "rewrite.db")
        xrows = st_log(other, log_id, k0,
                       seeds[:3] + [b"\x77" * 32], ["a", "b", "x"])
        if rows[:2] != xrows[:2] or rows[2] == xrows[2]:
            bad.append("self-test logs: the rewrite does not branch at 2")
        orows = st_log(os.path.join(d, "o.db"), b"\x55" * 16, k0,
                       [b"\x66" * 32] * 2, ["o"])

        def line(sec, row, sender="192.0.2.1", kind="checkpoint",
                 sig=None):
            (e, nn, body, sg) = row
            us = 1800000000000000 + int(round(sec * 1000000))
            t = datetime.datetime(1970, 1, 1) + \
                datetime.timedelta(microseconds=us)
            return "%s+00:00 %s vigil[7]: vigil-witness v1 kind=%s " \
                "log_id=%s epoch=%d n=%d body=%s sig=%s\n" % (
                    t.strftime("%Y-%m-%dT%H:%M:%S.%f"), sender, kind,
                    body[8:24].hex(), e, nn, body.hex(),
                    (sig or sg).hex())

        forged = (1, rows[1][1], rows[1][2], bytes(64))
        cases = [
            ("all four", db, [[line(60 * i, r) for (i, r) in
                               enumerate(rows)]], set()),
            ("only the newest, its key from the log", db,
             [[line(0, rows[3])]], set()),
            ("a rollback", short, [[line(60 * i, r) for (i, r) in
                                    enumerate(rows)]], {"rolled back"}),
            ("a rewrite", other, [[line(60 * i, r) for (i, r) in
                                   enumerate(rows[:3])]], {"rewritten"}),
            ("a fork", db, [[line(60 * i, r) for (i, r) in
                             enumerate(rows[:3])],
                            [line(150, xrows[2], "192.0.2.2")]],
             {"fork", "rewritten"}),
            ("another log after this one", db,
             [[line(0, rows[0]), line(60, rows[1]), line(61, orows[0])]],
             {"replaced"}),
            ("another log at the same millisecond", db,
             [[line(0, rows[0]), line(60.0001, rows[1]),
               line(60.0009, orows[0])]], set()),
            ("another log from another sender", db,
             [[line(0, rows[0]), line(60, rows[1]),
               line(61, orows[0], "192.0.2.9")]], set()),
            ("a silence", db, [[line(0, rows[0]), line(600.001, rows[1])]],
             {"silence"}),
            ("ten minutes to the millisecond", db,
             [[line(0, rows[0]), line(600.0009, rows[1])]], set()),
            ("a silence after a stop", db,
             [[line(0, rows[0], kind="stop"), line(3600, rows[1])]], set()),
            ("a silence across two files", db,
             [[line(0, rows[0]), line(1000, rows[2])],
              [line(500, rows[1], "192.0.2.2")]], set()),
            ("a forged line only", db, [[line(0, forged)]],
             {"not witnessed"}),
            ("a forged line is no fork", db,
             [[line(0, rows[0]), line(60, rows[1]), line(61, forged)]],
             set()),
            ("epoch differs from the body", db,
             [[line(0, rows[0]).replace("epoch=0 ", "epoch=1 ")]],
             {"not witnessed"}),
        ]
        for (name, path, files, want) in cases:
            paths = []
            for (i, lines) in enumerate(files):
                paths.append(os.path.join(d, "w%d.log" % i))
                with open(paths[-1], "w") as f:
                    f.write("".join(lines))
            w = Witness(paths, log_id, st_pk(seeds[0]), 5)
            w.read()
            (failed, out) = w.check(path)
            kinds = set(x.split(": ")[1] for x in out
                        if x.startswith("  FAILED: "))
            if kinds != want or failed != bool(want):
                bad.append("witness, %s: %s, expected %s:\n%s"
                           % (name, sorted(kinds) or "none",
                              sorted(want) or "none", "\n".join(out)))
            n += 1
    return "%d witness cases on logs written from the page" % n


# ---------------------------------------------------------------- main

USAGE = ("usage: audit_verify.py DB [--key-file FILE] [--pk HEX] "
         "[--log-id HEX]\n"
         "                       [--against CHECKPOINT_FILE] "
         "[--witness FILE]... [--heartbeat MINUTES]\n"
         "       audit_verify.py --self-test")


def main(argv):
    global SIG_MEMO
    args = argv[1:]
    if args == ["--self-test"]:
        return self_test()
    if args in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    db = None
    opts = {}
    witness = []
    heartbeat = "5"
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--key-file", "--pk", "--log-id", "--against", "--db",
                 "--witness", "--heartbeat"):
            if i + 1 >= len(args) or a in opts:
                sys.stderr.write(USAGE + "\n")
                return 2
            if a == "--witness":
                witness.append(args[i + 1])
            elif a == "--heartbeat":
                # As vigil: the last one given counts.
                heartbeat = args[i + 1]
            else:
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
        log_id = unhex(opts["--log-id"], 16, "--log-id") \
            if "--log-id" in opts else None
        held = Held(opts["--against"]) if "--against" in opts else None
        wit = None
        if witness:
            if len(witness) > WITNESS_MAX_FILES:
                raise Usage("at most %d --witness files" % WITNESS_MAX_FILES)
            if not re.fullmatch(r"[0-9]+", heartbeat) or \
                    not 1 <= int(heartbeat) <= 60:
                raise Usage("--heartbeat takes minutes from 1 to 60")
            # The identity from outside the log only: --log-id and --pk
            # over the key file's (as --pk over its pk0 for the log).
            wid = log_id or (key or {}).get("log_id")
            wpk = pk or (key or {}).get("pk0")
            if wid is None or wpk is None:
                raise Usage("--witness needs the log's identity from outside "
                            "the log: --key-file, or --log-id and --pk")
            if Ed25519PublicKey is None:
                raise Usage("python3 'cryptography' module missing")
            wit = Witness(witness, wid, wpk, int(heartbeat))
            # The files first: every line in them was sent after its
            # checkpoint was committed, so the log read afterwards holds
            # whatever they name that was not taken from it.
            wit.read()
            SIG_MEMO = set()
        try:
            (status, line) = Verifier(db, key, pk, held, log_id).run()
        except Failed as f:
            (status, line) = (1, f.line())
        print(line)
        if wit is not None:
            (failed, out) = wit.check(db)
            print("\n".join(out))
            if failed:
                status = 1
        return status
    except Usage as u:
        sys.stderr.write("audit_verify.py: %s\n" % u)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
