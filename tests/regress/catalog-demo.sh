# The demo recorder (dist/demo-setup footage config, with 10-second
# segments to stay quick): made the same byte for byte twice, idempotent,
# and catalogued with its three cameras, its gap and its corrupt segment.
. "$(dirname "$0")/lib.sh"

command -v ffmpeg >/dev/null 2>&1 || skip "ffmpeg is not installed"
export DEMO_FOOTAGE_SEGMENT=10
DEMO="$TMP/demo" sh "$TOP/dist/demo-setup" footage config >"$TMP/setup.log" 2>&1 ||
    fail "demo-setup: $(cat "$TMP/setup.log")"
# The second one is generated afresh, never copied from tests/run's cache.
DEMO_FOOTAGE_CACHE= DEMO="$TMP/demo2" sh "$TOP/dist/demo-setup" footage >"$TMP/setup2.log" 2>&1 ||
    fail "demo-setup again: $(cat "$TMP/setup2.log")"
(cd "$TMP/demo/recorder" && find . -type f -exec md5sum {} + | sort) >"$TMP/a.sums"
(cd "$TMP/demo2/recorder" && find . -type f -exec md5sum {} + | sort) >"$TMP/b.sums"
cmp -s "$TMP/a.sums" "$TMP/b.sums" || fail "the demo recorder differs between runs"
[ "$(wc -l <"$TMP/a.sums")" -eq 35 ] || fail "expected 35 segment files"

# Running it again changes nothing.
DEMO="$TMP/demo" sh "$TOP/dist/demo-setup" footage config >"$TMP/setup3.log" 2>&1 ||
    fail "demo-setup a second time: $(cat "$TMP/setup3.log")"
expect_match 'recorder: already in place' "$(cat "$TMP/setup3.log")"
expect_match 'config: already in place' "$(cat "$TMP/setup3.log")"

# 640x360, 10 fps, H.264, 10 s.
probe=$(ffprobe -v error -select_streams v:0 -show_entries \
    stream=codec_name,width,height,r_frame_rate:format=duration -of csv=p=0 \
    "$TMP/demo/recorder/stacks/2026-11-20/08-00-10.mp4")
expect_match '^h264,640,360,10/1' "$probe"
expect_match '^10\.0' "$probe"

V="$VIGIL --config $TMP/demo/vigil.conf"
expect_status 0 $V catalog scan
expect_match '35 segment files \(35 new' "$OUT"
expect_match '^catalog: 35 segments on 3 cameras, 0 pending, 1 bad, 0 gone$' "$OUT"
expect_status 0 $V catalog cameras
expect_match '^entrance	12	' "$OUT"
expect_match '^reading-room	12	' "$OUT"
expect_match '^stacks	11	' "$OUT"
expect_status 0 $V catalog ls entrance
expect_match '^2026-11-20T08:01:10\+00:00	-	[0-9]+	corrupt	entrance/2026-11-20/08-01-10.mp4	damaged or truncated' "$OUT"
expect_match '^2026-11-20T08:00:00\+00:00	10.000	[0-9]+	ok	' "$OUT"
# The gap in stacks, and the corrupt stretch of entrance.
expect_status 0 $V catalog coverage stacks --from 2026-11-20T08:00Z --to 2026-11-20T08:02Z
expect_match '^2026-11-20T08:00:50\+00:00	2026-11-20T08:01:00\+00:00	gap$' "$OUT"
expect_status 0 $V catalog coverage entrance --from 2026-11-20T08:00Z --to 2026-11-20T08:02Z
expect_match '^2026-11-20T08:01:10\+00:00	2026-11-20T08:01:20\+00:00	bad$' "$OUT"
expect_status 0 $V catalog range stacks --from 2026-11-20T08:00:45Z --to 2026-11-20T08:01:05Z
expect_match '^2026-11-20T08:00:45\+00:00	5.000	ok	5.000	.*/stacks/2026-11-20/08-00-40.mp4$' "$OUT"
expect_match '^2026-11-20T08:00:50\+00:00	10.000	gap$' "$OUT"
expect_match '^playable	10.000$' "$OUT"
