# 10-footage — demo_footage: the demo recorder under demo/recorder/.
#
# Three cameras of a self-service library (entrance, stacks, reading-room),
# two hours each (2026-11-20 08:00-10:00 UTC) in twelve 10-minute H.264
# segments, 640x360 at 10 fps, in the vigil layout
# {camera}/{Y}-{m}-{d}/{H}-{M}-{S}.mp4.  The camera name and the recording
# clock are burned in; coloured blocks walking through the scene stand in
# for people.  stacks has a gap (its sixth segment, 08:50, is missing) and
# entrance a corrupt segment (its eighth, 09:10, cut short so its header is
# lost).  The output is the same byte for byte on every run with the same
# ffmpeg; it is never committed (demo/ is ignored by git).
#
# DEMO_FOOTAGE_SEGMENT=SECONDS makes shorter segments (the tests use 10 s:
# the same recorder in two minutes instead of two hours).

DEMO_FOOTAGE_SEGMENT=${DEMO_FOOTAGE_SEGMENT:-600}
DEMO_FOOTAGE_VERSION="vigil demo recorder 2: 3 cameras, 12 x $DEMO_FOOTAGE_SEGMENT s, 640x360, 10 fps"
DEMO_FOOTAGE_EPOCH=1795161600	# 2026-11-20 08:00:00 UTC
DEMO_FOOTAGE_FONT=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
DEMO_FOOTAGE_CAMERAS="entrance stacks reading-room"

# demo_footage_line TEXT: prints TEXT as it is (echo may eat backslashes).
demo_footage_line() {
	printf '%s\n' "$1"
}

# demo_footage_scene CAMERA: the camera's still scene (drawn once).
demo_footage_scene() {
	case $1 in
	entrance)
		demo_footage_line "color=c=0x5a6470:s=640x360:r=10:d=0.1,"
		demo_footage_line "drawbox=x=0:y=250:w=640:h=110:color=0x3a3a3a:t=fill,"
		demo_footage_line "drawbox=x=260:y=80:w=120:h=170:color=0x202428:t=8,"
		demo_footage_line "drawbox=x=268:y=88:w=104:h=162:color=0x7890a0:t=fill,"
		demo_footage_line "drawbox=x=470:y=150:w=90:h=100:color=0x404850:t=fill,"
		;;
	stacks)
		demo_footage_line "color=c=0x6a5a48:s=640x360:r=10:d=0.1,"
		demo_footage_line "drawbox=x=0:y=270:w=640:h=90:color=0x4a4038:t=fill,"
		demo_footage_line "drawbox=x=30:y=60:w=70:h=210:color=0x3b2a1a:t=fill,"
		demo_footage_line "drawbox=x=190:y=60:w=70:h=210:color=0x3b2a1a:t=fill,"
		demo_footage_line "drawbox=x=350:y=60:w=70:h=210:color=0x3b2a1a:t=fill,"
		demo_footage_line "drawbox=x=510:y=60:w=70:h=210:color=0x3b2a1a:t=fill,"
		;;
	reading-room)
		demo_footage_line "color=c=0x707a68:s=640x360:r=10:d=0.1,"
		demo_footage_line "drawbox=x=0:y=260:w=640:h=100:color=0x505848:t=fill,"
		demo_footage_line "drawbox=x=60:y=230:w=220:h=24:color=0x8a6a40:t=fill,"
		demo_footage_line "drawbox=x=360:y=230:w=220:h=24:color=0x8a6a40:t=fill,"
		;;
	esac
}

# demo_footage_people CAMERA: two blocks moving through the scene.
demo_footage_people() {
	f="drawtext=fontfile=$DEMO_FOOTAGE_FONT:text='█'"
	case $1 in
	entrance)
		demo_footage_line "$f:fontsize=72:fontcolor=0xd08040:x='mod(t*37\\,1400)-100':y=176,"
		demo_footage_line "$f:fontsize=64:fontcolor=0x60a0d0:x='1300-mod(t*23\\,1500)':y='184+6*sin(t)',"
		;;
	stacks)
		demo_footage_line "$f:fontsize=64:fontcolor=0x80c070:x='mod(t*19\\,1600)-100':y=200,"
		demo_footage_line "$f:fontsize=70:fontcolor=0xc070a0:x='120+60*sin(t/9)':y=196,"
		;;
	reading-room)
		demo_footage_line "$f:fontsize=60:fontcolor=0xe0c050:x='150+8*sin(t/5)':y=170,"
		demo_footage_line "$f:fontsize=66:fontcolor=0x5070d0:x='mod(t*29\\,1800)-100':y=186,"
		;;
	esac
}

# demo_footage_graph CAMERA FRAMES: the camera's whole filtergraph: the
# scene drawn once and repeated, the people, the name and the clock.
demo_footage_graph() {
	demo_footage_scene "$1"
	demo_footage_line "loop=loop=-1:size=1,settb=1/10,setpts=N,trim=end_frame=$2,"
	demo_footage_people "$1"
	demo_footage_line "drawtext=fontfile=$DEMO_FOOTAGE_FONT:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=8:y=8:text='$1   %{pts\\:gmtime\\:$DEMO_FOOTAGE_EPOCH\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} UTC'[out]"
}

# demo_footage_clock SECONDS FORMAT: the wall clock SECONDS after 08:00
# on 2026-11-20, through printf FORMAT with hour, minute and second.
demo_footage_clock() {
	# shellcheck disable=SC2059
	printf "$2" $((8 + $1 / 3600)) $(($1 / 60 % 60)) $(($1 % 60))
}

demo_footage() {
	rec="$DEMO/recorder"
	stamp="$DEMO/.recorder-stamp"
	seg=$DEMO_FOOTAGE_SEGMENT
	if [ -d "$rec" ] && [ -f "$stamp" ] &&
	    [ "$(cat "$stamp")" = "$DEMO_FOOTAGE_VERSION" ]; then
		say "recorder: already in place ($rec)"
		return 0
	fi
	command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is missing; run 'make deps'"
	[ -f "$DEMO_FOOTAGE_FONT" ] ||
	    die "$DEMO_FOOTAGE_FONT is missing (package fonts-dejavu-core); run 'make deps'"
	say "recorder: generating 3 cameras x 12 segments of $seg s with ffmpeg ..."
	started=$(date +%s)
	tmp="$DEMO/recorder.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	pids=""
	for cam in $DEMO_FOOTAGE_CAMERAS; do
		mkdir -p "$tmp/$cam.seg"
		demo_footage_graph "$cam" $((12 * seg * 10)) >"$tmp/$cam.graph"
		ffmpeg -nostdin -hide_banner -loglevel error -y \
		    -filter_complex_threads 1 -filter_complex_script "$tmp/$cam.graph" -map '[out]' -r 10 \
		    -c:v libx264 -preset ultrafast -qp 30 -g 20 -pix_fmt yuv420p \
		    -threads 1 -fflags +bitexact -flags:v +bitexact -map_metadata -1 \
		    -f segment -segment_time "$seg" -reset_timestamps 1 \
		    -segment_format mp4 "$tmp/$cam.seg/%02d.mp4" \
		    2>"$tmp/$cam.log" &
		pids="$pids $!"
	done
	failed=0
	for pid in $pids; do
		wait "$pid" || failed=1
	done
	if [ $failed -ne 0 ]; then
		cat "$tmp"/*.log >&2
		die "ffmpeg failed; the recorder was not created"
	fi
	for cam in $DEMO_FOOTAGE_CAMERAS; do
		mkdir -p "$tmp/rec/$cam/2026-11-20"
		i=0
		while [ $i -lt 12 ]; do
			src=$(printf '%s/%s.seg/%02d.mp4' "$tmp" "$cam" "$i")
			dst="$tmp/rec/$cam/2026-11-20/$(demo_footage_clock $((i * seg)) \
			    '%02d-%02d-%02d').mp4"
			[ -f "$src" ] || die "ffmpeg made no segment $i for $cam"
			mv "$src" "$dst"
			# The file was last written when its segment ended.
			TZ=UTC touch -t "$(demo_footage_clock $(((i + 1) * seg)) \
			    '20261120%02d%02d.%02d')" "$dst"
			i=$((i + 1))
		done
	done
	# The deliberate gap: the sixth segment of stacks is missing.
	rm -f "$tmp/rec/stacks/2026-11-20/$(demo_footage_clock $((5 * seg)) \
	    '%02d-%02d-%02d').mp4"
	# The corrupt segment: the eighth of entrance cut to 40 %, header lost.
	bad="$tmp/rec/entrance/2026-11-20/$(demo_footage_clock $((7 * seg)) \
	    '%02d-%02d-%02d').mp4"
	size=$(wc -c <"$bad")
	head -c $((size * 2 / 5)) "$bad" >"$bad.cut"
	mv "$bad.cut" "$bad"
	TZ=UTC touch -t "$(demo_footage_clock $((8 * seg)) '20261120%02d%02d.%02d')" "$bad"
	rm -rf "$rec"
	mv "$tmp/rec" "$rec"
	rm -rf "$tmp"
	printf '%s\n' "$DEMO_FOOTAGE_VERSION" >"$stamp"
	say "recorder: $rec ready in $(($(date +%s) - started)) s"
}
