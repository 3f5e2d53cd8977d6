# bench/term.sh — memory of the review terminal on a short demo recorder
# (tests/regress/term-env.lib: 3 cameras of 10-second 640x360 segments,
# vo=null, ao=null), driven through tmux: resident memory at the login
# screen (the baseline), idle at the browser after login, and the peak
# while playing 2 minutes of footage at 8x.  Prints a Markdown section.
#
#   TOP=... BUILD=... VIGIL=... sh bench/term.sh
. "$TOP/tests/regress/lib.sh"
. "$TOP/tests/regress/term-env.lib"

kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

term_env_setup
# A first run reads the segments' containers into the catalog, as any
# earlier day at the terminal has: the runs measured start from there.
vigil_start
wait_screen 'Username  _'
login_as alice demo
wait_screen '08-00-00.mp4 .*ok' 20
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
keys C-c
vigil_exit_status >/dev/null
vigil_start
wait_screen 'Username  _'
sleep 1
pid=$(vigil_pid)
login_rss=$(kb "$pid" VmRSS)
login_anon=$(kb "$pid" RssAnon)
login_as alice demo
wait_screen '08-00-00.mp4 .*ok' 20
sleep 2
idle_rss=$(kb "$pid" VmRSS)
idle_hwm=$(kb "$pid" VmHWM)
idle_anon=$(kb "$pid" RssAnon)
idle_file=$(kb "$pid" RssFile)
keys Enter
wait_screen 'Why do you need to see this recording'
keys Tab; type 'INC-1'; keys Enter
wait_screen 'logged as view #'
keys + + +
wait_screen 'End of the declared range|ended and logged' 60
play_hwm=$(kb "$pid" VmHWM)
play_anon=$(kb "$pid" RssAnon)
keys q
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
keys C-c
vigil_exit_status >/dev/null

mb() { awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1024 }'; }
met() { [ "$1" -lt $(($2 * 1024)) ] && echo met || echo "NOT met"; }
cat <<EOF2
## terminal: memory

\`sh bench/term.sh\` (run by \`bench/run terminal\`): vigil (build/vigil) in
tmux at 80x24 on a short demo recorder (3 cameras of 10-second 640x360,
10 fps H.264 segments), video and audio output null.  Resident memory from
/proc/PID/status: VmRSS at the login screen (the baseline: the same
process before anything is browsed or played), VmRSS idle at the browser
after login (catalog open; its segments' containers were read by an
earlier run, so the FFmpeg libraries, loaded at first use, are not), and
VmHWM (peak) after a
view of entrance from 08:00:00 played at 8x to the end of its 2 minutes of
footage (libmpv loaded, decoding).

| measure | vigil | target | baseline (login screen) | ratio |
| --- | --- | --- | --- | --- |
| idle at the browser (VmRSS) | $(mb "$idle_rss") | < 40 MB ($(met "$idle_rss" 40)) | $(mb "$login_rss") | $(awk -v a="$idle_rss" -v b="$login_rss" 'BEGIN { printf "%.2f", a / b }') |
| idle at the browser: private (RssAnon) | $(mb "$idle_anon") | | $(mb "$login_anon") | |
| idle at the browser: shared libraries and files (RssFile) | $(mb "$idle_file") | | | |
| peak before playback (VmHWM) | $(mb "$idle_hwm") | | | |
| peak during playback (VmHWM) | $(mb "$play_hwm") | < 150 MB ($(met "$play_hwm" 150)) | $(mb "$login_rss") | $(awk -v a="$play_hwm" -v b="$login_rss" 'BEGIN { printf "%.2f", a / b }') |
| private after playback (RssAnon, player kept) | $(mb "$play_anon") | | | |

libmpv and the FFmpeg libraries are loaded at first use (the first view,
or the first segment whose container must be read), so the browser of a
catalog already read holds neither; a recorder with new segments to read
loads FFmpeg at the browser (about 35 MB more, mostly shared pages).
EOF2
