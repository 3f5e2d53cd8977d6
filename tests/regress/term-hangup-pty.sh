#!/bin/sh
# The terminal hangs up on every screen: vigil runs on a pseudo-terminal of
# its own (tests/pty-hangup.py, relayed to the tmux pane that drives it),
# whose master side is closed on the login form, the browser, the reason
# dialog, the player, the log-out question, the lock screen, the export
# wizard, an export under way and the audit review.  Mostly without a
# controlling terminal, so no SIGHUP comes and only the terminal itself
# (POLLHUP, end of file, EIO) says it is gone; the player and the export
# once more as a session leader that does get SIGHUP; and during a slow
# PAM call, which vigil does not wait for.  Each time: the view
# ends as "hangup", an export under way is cancelled and logged as
# export-failed, the person logged in is logged out as "hangup", and both
# processes (the terminal and the monitor) are gone within 2 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

term_env_setup
mkdir -p "$TMP/out" "$TMP/keys"
"$VIGIL" keygen --key "$TMP/keys/vigil-export.key" --no-passphrase \
    >"$TMP/keygen.log" 2>&1 || fail "keygen: $(cat "$TMP/keygen.log")"
sed -i -e "/^\[paths\]/a export_roots = $TMP/out" \
    -e "/^\[export\]/a signing_key = $TMP/keys/vigil-export.key" \
    "$TMP/vigil.conf"
if [ "$(id -u)" = 0 ]; then
	chown -R "$SVC_UID:$SVC_UID" "$TMP/out" "$TMP/keys"
fi

# relay_start [--ctty]: vigil as vigil_start runs it, but on a
# pseudo-terminal of pty-hangup.py's; UI and MON get the two pids.
relay_start() {
	SOCK=tmux-$(( ${SOCK#tmux-} + 1 ))
	SOCKS="$SOCKS $SOCK"
	rm -f "$TMP/relay.pid" "$TMP/relay.exit"
	cat > "$TMP/run" <<-EOF
	python3 "$TOP/tests/pty-hangup.py" $* "$TMP/relay" \
	    env LD_PRELOAD="libpam_wrapper.so libnss_wrapper.so" PAM_WRAPPER=1 \
	    PAM_WRAPPER_USE_SYSLOG=1 PAM_WRAPPER_SERVICE_DIR="$TMP/pam.d" \
	    UID_WRAPPER_DISABLE_DEEPBIND=1 NSS_WRAPPER_DISABLE_DEEPBIND=1 \
	    NSS_WRAPPER_PASSWD="$TMP/passwd" NSS_WRAPPER_GROUP="$TMP/group" \
	    LANG=C.UTF-8 "$VIGIL" --config "$TMP/vigil.conf" \
	    2>>"$TMP/stderr"
	sleep 600
	EOF
	tm -f /dev/null new-session -d -s vigil -x 80 -y 24 "sh $TMP/run" ||
	    fail "tmux did not start"
	wait_screen 'Username  _'
	UI=$(cat "$TMP/relay.pid")
	MON=$(pgrep -P "$UI" -x vigil-monitor)
	[ -n "$MON" ] || [ "$(id -u)" != 0 ] || fail "no monitor under $UI"
}

# gone PID: 0 once the process has ended (a zombie waiting to be reaped
# has ended).
gone() {
	[ ! -d "/proc/$1" ] || grep -q '^[0-9]* (.*) [ZX] ' "/proc/$1/stat" 2>/dev/null
}

# hangup WHAT [MONITOR_SECONDS]: closes the pseudo-terminal's master;
# fails unless vigil is gone within 2 s, and its monitor within 2 s or
# MONITOR_SECONDS (one inside a slow PAM call ends when the call returns).
hangup() {
	kill -USR1 "$(pgrep -P "$(tm display -p -t vigil '#{pane_pid}')" -x python3)" ||
	    fail "$1: the relay is not running"
	n=0
	while ! gone "$UI" || { [ -n "$MON" ] && [ -z "${2:-}" ] && ! gone "$MON"; }; do
		n=$((n + 1))
		if [ "$n" -ge 40 ]; then
			ps -o pid,stat,time,comm -p "$UI" ${MON:+-p "$MON"} 2>&1
			fail "$1: vigil ($UI, monitor ${MON:-none}) still runs 2 s after the hang-up"
		fi
		sleep 0.05
	done
	while [ -n "$MON" ] && ! gone "$MON"; do
		n=$((n + 1))
		if [ "$n" -ge $(( ${2:-2} * 20 )) ]; then
			ps -o pid,stat,time,comm -p "$MON" 2>&1
			fail "$1: the monitor $MON still runs ${2:-2} s after the hang-up"
		fi
		sleep 0.05
	done
	n=0
	while [ ! -f "$TMP/relay.exit" ] && [ "$n" -lt 40 ]; do
		sleep 0.05; n=$((n + 1))
	done
	[ -f "$TMP/relay.exit" ] || fail "$1: the relay did not see vigil end"
	log_dump
}

# logged_out WHAT N: the log holds N logouts "hangup" by then.
logged_out() {
	got=$(grep '"action":"logout"' "$TMP/log.json" | grep -Ec 'how.{0,4}:.{0,2}hangup')
	[ "$got" = "$2" ] || { cat "$TMP/log.json"; fail "$1: $got logouts \"hangup\", expected $2"; }
}

reason_dialog() {
	keys Enter
	wait_screen 'Why do you need to see this recording'
}

play() {
	reason_dialog
	keys I Tab; type "$1"; keys Enter
	wait_screen 'logged as view #'
}

# The first steps of a redacted export of three cameras, ten minutes.
export_run() {
	keys e
	wait_screen 'step 1 of 4: Range'
	keys BTab Down Space Down Space Enter
	wait_screen 'step 2 of 4: Purpose'
	keys I Tab; type "$1"; keys Tab; type 'Library security'
	keys Tab; type 'Erik Evidence'; keys Tab; type 'Espoo City Library'; keys Enter
	wait_screen 'step 3 of 4: Mode'
	keys r Enter
	wait_screen 'step 4 of 5: Masks'
	keys a Enter
	wait_screen 'step 5 of 5: Target'
	keys Enter
	wait_screen 'redacting, camera' 20
}

# The login form: nobody to log out.
relay_start
hangup "login form"
logged_out "login form" 0

relay_start
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
hangup "browser"
logged_out "browser" 1

relay_start
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
reason_dialog
hangup "reason dialog"
logged_out "reason dialog" 2
[ "$(log_count '"action":"view-start"')" = 0 ] || fail "reason dialog: a view started"

relay_start
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
play INC-1
hangup "player"
logged_out "player" 3
[ "$(log_count '"action":"view-end"')" = 1 ] || fail "player: no view-end"
expect_match '"end":"hangup"' "$(view_of view-end)"

relay_start
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
keys q
wait_screen 'Log out\?'
hangup "log-out question"
logged_out "log-out question" 4

relay_start
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
keys L
wait_screen 'This terminal is locked\.'
hangup "lock screen"
logged_out "lock screen" 5

relay_start
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
keys e
wait_screen 'step 1 of 4: Range'
hangup "export wizard"
logged_out "export wizard" 6

relay_start
login_as bob demo
wait_screen '> entrance'
export_run INC-2
hangup "export under way"
logged_out "export under way" 7
[ "$(log_count '"action":"export-failed"')" = 1 ] || { cat "$TMP/log.json"; fail "export under way: no export-failed"; }
ls -A "$TMP/out" | grep -q '^\.vigil-partial-' && fail "export under way: a partial folder was left"

relay_start
login_as dora demo
wait_screen 'Filter: none'
hangup "audit review"
logged_out "audit review" 8

# A session leader, as under ssh or a getty: SIGHUP comes as well.
relay_start --ctty
login_as bob demo
wait_screen '08-00-00.mp4 .*ok'
play INC-3
hangup "player (SIGHUP)"
logged_out "player (SIGHUP)" 9
[ "$(view_of view-end | grep -Ec '"end":"hangup"')" = 2 ] ||
	fail "player (SIGHUP): the view did not end as hangup: $(view_of view-end)"

relay_start --ctty
login_as bob demo
wait_screen '> entrance'
export_run INC-4
hangup "export under way (SIGHUP)"
logged_out "export under way (SIGHUP)" 10
[ "$(log_count '"action":"export-failed"')" = 2 ] || fail "export under way (SIGHUP): no export-failed"

[ "$(log_count '"action":"login"')" = 10 ] || fail "expected 10 logins"

# While the monitor is inside a slow PAM call (3 s): vigil does not wait
# for it, and records the attempt; the monitor ends when the call returns.
login_build_module
login_service vigil "auth optional $TMP/pam_vigiltest.so delay=3000
auth required $MODDIR/pam_matrix.so passdb=$TMP/passdb
account required $MODDIR/pam_matrix.so passdb=$TMP/passdb
session required $MODDIR/pam_matrix.so passdb=$TMP/passdb"
relay_start
login_as bob demo
wait_screen 'Checking'
hangup "slow PAM call" 5
[ "$(grep '"actor":"bob","action":"login-failed"' "$TMP/log.json" | grep -c 'went away')" = 1 ] ||
	{ cat "$TMP/log.json"; fail "slow PAM call: the attempt was not recorded"; }
[ "$(log_count '"action":"login"')" = 10 ] || fail "slow PAM call: a login was recorded"
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
stderr_clean
exit 0
