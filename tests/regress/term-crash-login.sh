#!/bin/sh
# A session cut short: kill -9 leaves bob's login without a logout.  While
# alice is logged in on another terminal, vigil starts again on bob's
# terminal: bob's login is closed as "logout" with how "aborted" naming its
# seq, alice's live session is left alone, and her own logout later names
# her login.  Every login then has exactly one end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term-env.lib"

term_env_setup

# vigil_start, twice in the same pane (so on the same terminal): the
# second run waits for $TMP/again.
vigil_start_twice() {
	SOCK=tmux-$(( ${SOCK#tmux-} + 1 ))
	SOCKS="$SOCKS $SOCK"
	rm -f "$TMP/exit" "$TMP/again"
	cat > "$TMP/run" <<-EOF
	run() {
		env LD_PRELOAD="libpam_wrapper.so libnss_wrapper.so" PAM_WRAPPER=1 \
		    PAM_WRAPPER_USE_SYSLOG=1 PAM_WRAPPER_SERVICE_DIR="$TMP/pam.d" \
		    UID_WRAPPER_DISABLE_DEEPBIND=1 NSS_WRAPPER_DISABLE_DEEPBIND=1 \
		    NSS_WRAPPER_PASSWD="$TMP/passwd" NSS_WRAPPER_GROUP="$TMP/group" \
		    LANG=C.UTF-8 "$VIGIL" --config "$TMP/vigil.conf" 2>>"$TMP/stderr"
	}
	tty > "$TMP/tty.tmp" && mv "$TMP/tty.tmp" "$TMP/tty"
	run
	clear
	while [ ! -f "$TMP/again" ]; do sleep 0.05; done
	run
	echo \$? > "$TMP/exit.tmp" && mv "$TMP/exit.tmp" "$TMP/exit"
	sleep 600
	EOF
	tm -f /dev/null new-session -d -s vigil -x 80 -y 24 "sh $TMP/run" ||
	    fail "tmux did not start"
}

# The seq of the last login by $1.
login_seq() {
	grep "\"actor\":\"$1\",\"action\":\"login\"" "$TMP/log.json" | tail -n 1 |
	    sed 's/.*"seq":\([0-9]*\).*/\1/'
}

# bob on the first terminal, killed.
vigil_start_twice
first=$SOCK
wait_screen 'Username  _'
tty=$(cat "$TMP/tty")
login_as bob demo
wait_screen 'Logged in as bob'
pid=$(vigil_pid)
kill -9 "$pid"
wait_gone 'Logged in as bob'

# alice on another terminal, still logged in.
vigil_start
second=$SOCK
wait_screen 'Username  _'
login_as alice demo
wait_screen 'Logged in as alice'
alice_pid=$(vigil_pid)

log_dump
bob=$(login_seq bob)
alice=$(login_seq alice)
[ -n "$bob" ] && [ -n "$alice" ] || fail "no logins in the log"
expect_match "\"terminal\":\"$tty\"" "$(grep "\"seq\":$bob," "$TMP/log.json")"
expect_match "\"pid\":$pid" "$(grep "\"seq\":$bob," "$TMP/log.json")"
expect_match '"boot_id":"[0-9a-f-]{36}"' "$(grep "\"seq\":$bob," "$TMP/log.json")"
[ "$(log_count '"action":"logout"')" = 0 ] || fail "a logout before the restart"

# vigil again on bob's terminal.
SOCK=$first
touch "$TMP/again"
wait_screen 'Username  _'
[ "$(cat "$TMP/tty")" = "$tty" ] || fail "not the same terminal"
log_dump
[ "$(log_count '"action":"logout"')" = 1 ] || { cat "$TMP/log.json"; fail "expected one logout"; }
log_has "\"actor\":\"bob\",\"action\":\"logout\".*\"details\":\\{\"how\":\"aborted\",\"login\":$bob\\},\"terminal\":\"$tty\""
grep '"action":"logout"' "$TMP/log.json" | grep -q "\"login\":$alice[,}]" &&
	fail "alice's live session was closed"

# bob logs in and is told; the restart after it closes nothing more.
login_as bob demo
wait_screen 'session left open by a crash was logged out'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"

# alice logs out: her logout names her login.
SOCK=$second
kill -0 "$alice_pid" || fail "alice's vigil is gone"
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out\.'
log_dump
log_has "\"actor\":\"alice\",\"action\":\"logout\".*\"details\":\\{\"how\":\"user\",\"login\":$alice\\}"
# Every login has exactly one logout naming it.
for seq in $(grep '"action":"login"' "$TMP/log.json" | sed 's/.*"seq":\([0-9]*\).*/\1/'); do
	n=$(grep '"action":"logout"' "$TMP/log.json" | grep -c "\"login\":$seq[,}]")
	[ "$n" = 1 ] || { cat "$TMP/log.json"; fail "login $seq has $n logouts"; }
done
expect_status 0 "$VIGIL" audit verify --db "$TMP/var/audit.db"
stderr_clean
exit 0
