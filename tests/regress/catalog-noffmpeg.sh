#!/bin/sh
# FFmpeg that cannot be loaded (libavformat hidden in a private mount
# namespace, as root; nothing is read from the environment): vigil catalog
# scan finds the segments, says why they cannot be probed and exits 2, the
# segments stay pending (not marked bad), the other catalog commands work,
# and once FFmpeg is back the same catalog is probed.  vigil used to exit
# from the middle of the command ("cannot load libavformat.so.N").
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (a private mount namespace)"
command -v unshare >/dev/null 2>&1 || skip "unshare is not installed"
unshare -m true 2>/dev/null || skip "no private mount namespaces here"

lib=$(strings "$VIGIL" | grep -m1 '^libavformat\.so\.[0-9]*$')
[ -n "$lib" ] || fail "no libavformat name in $VIGIL"
path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
[ -n "$path" ] && [ -f "$path" ] || skip "$lib is not installed"

work="$TMP/work"
mkdir -p "$work/rec/gate/2026-11-20"
printf 'not a video' >"$work/rec/gate/2026-11-20/08-00-00.mp4"
cat >"$work/vigil.conf" <<CONF
[paths]
recorder = $work/rec
catalog_db = $work/catalog.db
CONF
chmod 644 "$work/vigil.conf"
V="$VIGIL --config $work/vigil.conf"

# Without FFmpeg: an empty file stands in for the library.
nolib() {
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
	    sh "$path" "$@"
}
expect_status 2 nolib $V catalog scan
expect_match '1 segment files \(1 new' "$OUT"
expect_match 'FFmpeg cannot be loaded \(.*libavformat' "$OUT"
expect_match 'footage cannot be probed' "$OUT"
expect_status 0 nolib $V catalog status
expect_match 'pending[[:space:]]+1' "$OUT"
expect_match 'bad[[:space:]]+0|0 bad' "$OUT"

# With FFmpeg: the same segment is probed (and found not to be a video).
expect_status 0 $V catalog scan
expect_status 0 $V catalog status
expect_match 'pending[[:space:]]+0' "$OUT"
exit 0
