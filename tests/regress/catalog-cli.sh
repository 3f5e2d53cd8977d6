# vigil catalog: scan, status, cameras, days, ls, coverage, range and
# overdue on a recorder of empty and hostile names (no container is read
# for these: they show names, times and sizes), and a share that goes
# away.
. "$(dirname "$0")/lib.sh"

rec="$TMP/rec"
seg() {	# seg REL [BYTES]: a segment file of BYTES (default 0) bytes
	mkdir -p "$rec/$(dirname "$1")"
	head -c "${2:-0}" /dev/zero >"$rec/$1"
}
seg "entrance/2026-11-20/08-00-00.mp4" 100
seg "entrance/2026-11-20/08-10-00.mp4" 100
seg "entrance/2026-11-20/08-30-00.mp4" 100
seg "entrance/2026-11-21/08-00-00.mp4"
seg "reading room/2026-11-20/09-00-00.mp4"
seg "archive/2001-01-01/08-00-00.mp4" 7
seg "archive/2001-01-01/08-10-00.mp4" 7
seg "stacks/2026-13-01/08-00-00.mp4"
seg "stacks/2026-11-20/08-00-00 (copy).mp4"
seg "$(printf 'bad\nname')/2026-11-20/08-00-00.mp4"
seg "$(printf 'latin1-\351')/2026-11-20/08-00-00.mp4"
mkdir -p "$TMP/outside/2026-11-20"
: >"$TMP/outside/2026-11-20/08-00-00.mp4"
ln -s "$TMP/outside" "$rec/escape"

cat >"$TMP/vigil.conf" <<CONF
[paths]
recorder = $rec
catalog_db = $TMP/catalog.db
audit_db = $TMP/audit.db
audit_state = $TMP/audit.state
[retention]
default_days = 7
camera.entrance = 3650
CONF
V="$VIGIL --config $TMP/vigil.conf"

expect_status 1 $V catalog status
expect_match 'never scanned' "$OUT"

expect_status 0 $V catalog scan
expect_match '7 segment files \(7 new' "$OUT"
expect_match '1 impossible times, 2 bad camera names, 1 symbolic links' "$OUT"
expect_match 'stacks/2026-13-01/08-00-00.mp4: impossible month 13 \(skipped\)' "$OUT"
expect_match 'bad\?name: camera name' "$OUT"
expect_match 'latin1-\?: camera name is not valid UTF-8' "$OUT"
expect_match 'escape: symbolic link, not followed' "$OUT"
# The files of 100 bytes are not videos; the empty ones are corrupt.
expect_match '^catalog: 7 segments on 3 cameras, 0 pending, 7 bad, 0 gone$' "$OUT"

expect_status 0 $V catalog cameras
expect_match '^entrance	4	300	2026-11-20T08:00:00\+00:00	2026-11-21T08:00:00\+00:00$' "$OUT"
expect_match '^reading room	1	0	' "$OUT"

expect_status 0 $V catalog days entrance
[ "$OUT" = "$(printf '2026-11-20\t3\n2026-11-21\t1')" ] || fail "days: $OUT"

expect_status 0 $V catalog ls entrance --day 2026-11-20
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 3 ] || fail "ls --day: $OUT"
expect_match '^2026-11-20T08:10:00\+00:00	-	100	corrupt	entrance/2026-11-20/08-10-00.mp4	not a video file$' "$OUT"
expect_status 0 $V catalog ls "reading room"
expect_match 'empty file \(0 bytes\)' "$OUT"
expect_status 2 $V catalog ls entrance --day 2026-02-30
expect_match "bad day" "$OUT"
expect_status 2 $V catalog ls
expect_match 'expected one CAMERA' "$OUT"
expect_status 1 $V catalog ls nobody
expect_match "no camera 'nobody' in the catalog" "$OUT"
expect_status 1 $V catalog days "$(printf 'bad\nname')"
expect_match "no camera 'bad\\?name'" "$OUT"

expect_status 0 $V catalog coverage entrance --from 2026-11-20T07:50Z --to 2026-11-20T08:50Z
expect_match '^2026-11-20T07:50:00\+00:00	2026-11-20T08:00:00\+00:00	gap$' "$OUT"
# Bad segments of unknown length last until the next one starts.
expect_match '^2026-11-20T08:00:00\+00:00	2026-11-20T08:30:00\+00:00	bad$' "$OUT"
expect_match '^2026-11-20T08:30:00\+00:00	2026-11-20T08:50:00\+00:00	gap$' "$OUT"

expect_status 0 $V catalog range entrance --from 2026-11-20T08:05Z --to 2026-11-20T08:15Z
expect_match '^2026-11-20T08:05:00\+00:00	300.000	corrupt	300.000	.*/entrance/2026-11-20/08-00-00.mp4$' "$OUT"
expect_match '^playable	0.000$' "$OUT"

# Retention: entrance keeps ten years, the others 7 days.
expect_status 1 $V catalog overdue --list
expect_match '^archive	7 days	2 segments	14 bytes	oldest 2001-01-01T08:00:00\+00:00	before ' "$OUT"
expect_match '^archive	2001-01-01T08:10:00\+00:00	7	.*/archive/2001-01-01/08-10-00.mp4$' "$OUT"
case $OUT in *entrance*) fail "entrance is within its retention: $OUT" ;; esac

# Nothing changed: nothing new, nothing probed.
expect_status 0 $V catalog scan --no-probe
expect_match '7 unchanged' "$OUT"

# A vanished segment is marked gone and listed with --all.
rm "$rec/entrance/2026-11-20/08-30-00.mp4"
expect_status 0 $V catalog scan
expect_match '1 gone\)' "$OUT"
expect_status 0 $V catalog ls entrance --all
expect_match '	gone	entrance/2026-11-20/08-30-00.mp4' "$OUT"

# The share goes away: clear message, stale, and the catalog keeps its rows.
mv "$rec" "$TMP/rec.away"
mkdir "$rec"
expect_status 2 $V catalog scan
expect_match 'is empty but the catalog knows 6 segments: is the share mounted\?' "$OUT"
expect_status 0 $V catalog cameras
expect_match 'warning: the catalog is stale' "$OUT"
expect_match '^entrance	3	' "$OUT"
rmdir "$rec"
expect_status 2 $V catalog scan
expect_match 'No such file or directory \(is the share mounted\?\)' "$OUT"
expect_status 1 $V catalog status
mv "$TMP/rec.away" "$rec"
expect_status 0 $V catalog scan
expect_status 0 $V catalog status
expect_match '^stale	no$' "$OUT"

expect_status 2 $V catalog frobnicate
expect_status 0 $V catalog --help
