# 10-footage — demo_footage: the demo recorder under demo/recorder/.
#
# Three cameras of a self-service library (entrance, stacks, reading-room),
# two hours each (yesterday 08:00-10:00 UTC) in twelve 10-minute H.264
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
# DEMO_FOOTAGE_DATE=YYYY-MM-DD records that day instead of yesterday (the
# tests pin 2026-11-20 in tests/regress/lib.sh, so no test depends on
# today's date).
# DEMO_FOOTAGE_CACHE=DIR: a recorder of the same version already made in
# DIR (by DEMO=DIR demo-setup footage) is copied instead of generated
# again; tests/run makes one per run and every test copies it.

DEMO_FOOTAGE_SEGMENT=${DEMO_FOOTAGE_SEGMENT:-600}
DEMO_FOOTAGE_DATE=${DEMO_FOOTAGE_DATE:-$(date -u -d yesterday +%F)}
DEMO_FOOTAGE_EPOCH=$(date -u -d "$DEMO_FOOTAGE_DATE 08:00:00" +%s) ||
    die "DEMO_FOOTAGE_DATE is not a date: $DEMO_FOOTAGE_DATE"
DEMO_FOOTAGE_YMD=$(date -u -d "@$DEMO_FOOTAGE_EPOCH" +%Y%m%d)
DEMO_FOOTAGE_VERSION="vigil demo recorder 3: 3 cameras, 12 x $DEMO_FOOTAGE_SEGMENT s from $DEMO_FOOTAGE_DATE 08:00 UTC, 640x360, 10 fps"
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
# on the recorded day, through printf FORMAT with hour, minute and second.
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
	cache=${DEMO_FOOTAGE_CACHE:-}
	if [ -n "$cache" ] && [ -f "$cache/.recorder-stamp" ] &&
	    [ "$(cat "$cache/.recorder-stamp")" = "$DEMO_FOOTAGE_VERSION" ]; then
		rm -rf "$rec.tmp"
		cp -a "$cache/recorder" "$rec.tmp" || die "cannot copy $cache/recorder"
		rm -rf "$rec"
		mv "$rec.tmp" "$rec"
		printf '%s\n' "$DEMO_FOOTAGE_VERSION" >"$stamp"
		say "recorder: copied from $cache/recorder"
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
	# Progress: ffmpeg writes the segments in turn; count them every
	# 2 seconds (one line each on a pipe, one rewritten line on a terminal).
	total=$((12 * 3))
	last=-1
	while :; do
		running=0
		for pid in $pids; do
			kill -0 "$pid" 2>/dev/null && running=1
		done
		done_n=$(find "$tmp" -name '*.mp4' | wc -l)
		if [ "$done_n" -ne "$last" ]; then
			last=$done_n
			if [ -t 1 ]; then
				printf '\rdemo-setup: recorder: %d of %d segments (%d s)' \
				    "$done_n" "$total" $(($(date +%s) - started))
			else
				say "recorder: $done_n of $total segments ($(($(date +%s) - started)) s)"
			fi
		fi
		[ $running -eq 1 ] || break
		sleep 2
	done
	[ -t 1 ] && printf '\n'
	failed=0
	for pid in $pids; do
		wait "$pid" || failed=1
	done
	if [ $failed -ne 0 ]; then
		cat "$tmp"/*.log >&2
		die "ffmpeg failed; the recorder was not created"
	fi
	for cam in $DEMO_FOOTAGE_CAMERAS; do
		mkdir -p "$tmp/rec/$cam/$DEMO_FOOTAGE_DATE"
		i=0
		while [ $i -lt 12 ]; do
			src=$(printf '%s/%s.seg/%02d.mp4' "$tmp" "$cam" "$i")
			dst="$tmp/rec/$cam/$DEMO_FOOTAGE_DATE/$(demo_footage_clock $((i * seg)) \
			    '%02d-%02d-%02d').mp4"
			[ -f "$src" ] || die "ffmpeg made no segment $i for $cam"
			mv "$src" "$dst"
			# The file was last written when its segment ended.
			TZ=UTC touch -t "$(demo_footage_clock $(((i + 1) * seg)) \
			    "$DEMO_FOOTAGE_YMD%02d%02d.%02d")" "$dst"
			i=$((i + 1))
		done
	done
	# The deliberate gap: the sixth segment of stacks is missing.
	rm -f "$tmp/rec/stacks/$DEMO_FOOTAGE_DATE/$(demo_footage_clock $((5 * seg)) \
	    '%02d-%02d-%02d').mp4"
	# The corrupt segment: the eighth of entrance cut to 40 %, header lost.
	bad="$tmp/rec/entrance/$DEMO_FOOTAGE_DATE/$(demo_footage_clock $((7 * seg)) \
	    '%02d-%02d-%02d').mp4"
	size=$(wc -c <"$bad")
	head -c $((size * 2 / 5)) "$bad" >"$bad.cut"
	mv "$bad.cut" "$bad"
	TZ=UTC touch -t "$(demo_footage_clock $((8 * seg)) "$DEMO_FOOTAGE_YMD%02d%02d.%02d")" "$bad"
	rm -rf "$rec"
	mv "$tmp/rec" "$rec"
	rm -rf "$tmp"
	printf '%s\n' "$DEMO_FOOTAGE_VERSION" >"$stamp"
	say "recorder: $rec ready in $(($(date +%s) - started)) s"
}
