#!/bin/sh
# The audit log on a full disk and on a read-only file system: appends are
# refused with a clear message and nothing already logged is lost.  Needs
# root for the small tmpfs; skipped otherwise.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
M=$TMP/mnt
mkdir "$M"
mount -t tmpfs -o size=4m tmpfs "$M" 2>/dev/null || skip "cannot mount tmpfs here"
regress_cleanup() { umount "$M" 2>/dev/null || umount -l "$M" 2>/dev/null; }

D=$M/audit.db S=$M/audit.state K=$TMP/keys.txt
expect_status 0 "$VIGIL" audit init --db "$D" --state "$S" --print-keys "$K"
i=0
while [ $i -lt 10 ]; do
	expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "before $i"
	i=$((i + 1))
done
# Anchored: verify exits 0 only when a checkpoint signature was checked.
expect_status 0 "$VIGIL" audit checkpoint --db "$D" --state "$S"

# Fill the file system, then try to log.
dd if=/dev/zero of="$M/filler" bs=4k 2>/dev/null
n=0 refused=0
while [ $n -lt 200 ]; do
	if ! OUT=$("$VIGIL" audit note --db "$D" --state "$S" "$(head -c 2000 /dev/zero | tr '\0' y)" 2>&1); then
		refused=1; break
	fi
	n=$((n + 1))
done
[ $refused = 1 ] || fail "appends never failed on a full disk"
expect_match 'full|No space' "$OUT"
rm -f "$M/filler"
expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_status 0 "$VIGIL" audit note --db "$D" --state "$S" "after the disk was freed"
expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K"
before=$(printf '%s' "$OUT" | sed -n 's/^intact: \([0-9]*\) entries.*/\1/p')

# Read-only file system.
sqlite3 "$D" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
mount -o remount,ro "$M" || fail "cannot remount read-only"
expect_status 2 "$VIGIL" audit note --db "$D" --state "$S" "while read-only"
expect_match 'read-only|Read-only' "$OUT"
mount -o remount,rw "$M"
expect_status 0 "$VIGIL" audit verify --db "$D" --key-file "$K"
expect_match "^intact: $before entries" "$OUT"
exit 0
