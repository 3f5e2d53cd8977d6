#!/bin/sh
# The login section of bench/run: milliseconds from starting vigil on the
# demo (its vigil.conf, audit log and staff, under pam_wrapper and
# nss_wrapper) on an 80x24 pseudo-terminal until the login screen is drawn,
# against the baseline `vigil --version` (starting the same program with
# its libraries and the wrappers, and exiting at once).  Prints Markdown.
#
#   sh bench/login.sh WORKDIR        (TOP, BUILD and VIGIL from bench/run)
set -eu
work=$1
runs=30
demo=$work/demo
mkdir -p "$work"

DEMO=$demo BUILD=$BUILD VIGIL=$VIGIL sh "$TOP/dist/demo-setup" config audit staff \
    >/dev/null || { echo "bench login: demo-setup failed" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
	svc=$(awk -F: '$1 == "vigil" { print $3 ":" $4 }' "$demo/staff/passwd")
	chown -R "$svc" "$demo"
	mode="as root, so with privilege separation: the monitor is forked and the terminal drops to the demo's service account before it draws"
else
	mode="as an unprivileged user, so without privilege separation (one process)"
fi

# stats FILE: median, p90 and best of the numbers in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		p = v[int(NR * 0.9 + 0.999)]
		printf "%.1f %.1f %.1f\n", m, p, v[1] }'
}

python3 "$TOP/bench/login_start.py" "$runs" "Enter log in" \
    env LD_PRELOAD="libpam_wrapper.so libnss_wrapper.so" PAM_WRAPPER=1 \
    PAM_WRAPPER_USE_SYSLOG=1 PAM_WRAPPER_SERVICE_DIR="$demo/staff/pam.d" \
    NSS_WRAPPER_PASSWD="$demo/staff/passwd" NSS_WRAPPER_GROUP="$demo/staff/group" \
    TERM=xterm LANG=C.UTF-8 "$VIGIL" --config "$demo/vigil.conf" -- \
    env LD_PRELOAD="libpam_wrapper.so libnss_wrapper.so" TERM=xterm \
    "$VIGIL" --version > "$work/rounds"
cut -d ' ' -f 1 "$work/rounds" > "$work/login.ms"
cut -d ' ' -f 2 "$work/rounds" > "$work/version.ms"
own=$(awk '{ print $1 - $2 }' "$work/rounds" | sort -n |
    awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')

set -- $(stats "$work/login.ms")
lm=$1 lp=$2 lb=$3
set -- $(stats "$work/version.ms")
vm=$1 vp=$2 vb=$3
libs=$(ldd "$VIGIL" | wc -l)
big=$(ldd "$VIGIL" | sed -n 's/^[[:space:]]*\(libmpv\|libavcodec\|libavformat\|libavfilter\)\.so.*/\1/p' |
    tr '\n' ' ' | sed 's/ $//; s/ /, /g')
[ -n "$big" ] && big=" (among them $big)"
verdict=$(awk -v m="$lm" 'BEGIN { print (m <= 100) ? "met" : "not met" }')

cat <<EOF
## login

Run $(date)
with \`sh bench/run login\` (\`bench/login.sh\`, \`bench/login_start.py\`).

Start to login screen: from forking \`vigil --config demo/vigil.conf\` on
an 80x24 pseudo-terminal until the login screen's key hints (drawn in the
same refresh as the rest of the first screen) arrive on the terminal; the
demo's staff through pam_wrapper and nss_wrapper; run $mode.  Baseline:
\`vigil --version\` from fork to exit, which is the same program and its
$libs shared libraries$big being loaded and doing nothing.  $runs rounds of one each, alternating, after a warm-up round; warm
page cache.  The difference is the median of the per-round differences.

| measure | login screen drawn | baseline: vigil --version | difference |
| --- | --- | --- | --- |
| median | $lm ms | $vm ms | $own ms |
| p90 | $lp ms | $vp ms | |
| best | $lb ms | $vb ms | |

Target (issue 4): the login screen within 100 ms of start: **$verdict**
(median $lm ms).  The difference column is what vigil itself does before
the first screen (configuration, the monitor and the privilege drop when
root, opening the audit log, curses); the rest is the dynamic loader
mapping and relocating the libraries vigil links (libmpv and the FFmpeg
libraries are loaded only when playing, probing or exporting:
player/mpvlib.c, av/avlib.c).  The host is shared: expect noise of
tens of ms.
EOF
