# An unreadable share, folder and segment, as an ordinary user (root reads
# everything, so as root the test runs vigil as nobody through setpriv):
# clear messages, the catalog keeps what it knew and says it is stale.
. "$(dirname "$0")/lib.sh"

as_user=""
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "running as root without setpriv"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$TMP"
fi
# Under the sanitizers the binary's folders must be reachable too.
$as_user "$VIGIL" --version >/dev/null 2>&1 ||
    skip "$VIGIL cannot be run as an ordinary user here"

work="$TMP/work"
mkdir -p "$work/rec/a/2026-11-20" "$work/rec/b/2026-11-20"
printf 'not a video' >"$work/rec/a/2026-11-20/08-00-00.mp4"
printf 'not a video' >"$work/rec/b/2026-11-20/08-00-00.mp4"
printf 'not a video' >"$work/rec/b/2026-11-20/08-10-00.mp4"
cat >"$work/vigil.conf" <<CONF
[paths]
recorder = $work/rec
catalog_db = $work/catalog.db
CONF
chmod 644 "$work/vigil.conf"
[ -z "$as_user" ] || chown -R 65534:65534 "$work"
V="$as_user $VIGIL --config $work/vigil.conf"

expect_status 0 $V catalog scan
expect_match '3 segment files' "$OUT"

# A segment that cannot be read.
printf 'changed' >"$work/rec/a/2026-11-20/08-00-00.mp4"
chmod 000 "$work/rec/a/2026-11-20/08-00-00.mp4"
expect_status 0 $V catalog scan
expect_status 0 $V catalog ls a
expect_match '	unreadable	a/2026-11-20/08-00-00.mp4	cannot open: Permission denied$' "$OUT"

# A folder that cannot be read: its segments stay, the catalog is stale.
chmod 000 "$work/rec/b"
expect_status 1 $V catalog scan
expect_match 'b: cannot read folder: Permission denied \(its segments are kept as they were\)' "$OUT"
expect_match '0 gone\)' "$OUT"
expect_status 1 $V catalog status
expect_match 'could not be read' "$OUT"
expect_status 0 $V catalog ls b
expect_match 'warning: the catalog is stale' "$OUT"
expect_match 'b/2026-11-20/08-10-00.mp4' "$OUT"

# The share itself cannot be read.
chmod 000 "$work/rec"
expect_status 2 $V catalog scan
expect_match "recorder folder $work/rec: Permission denied \(is the share mounted\?\); the catalog keeps what it knew" "$OUT"
chmod 755 "$work/rec" "$work/rec/b"
expect_status 0 $V catalog scan
expect_status 0 $V catalog status
