#!/bin/sh
# The environment of a session started as root (CI does): only TERM, LANG,
# LC_*, TZ and the names of [session] keep_environment reach the terminal
# and the monitor.  A variable the configuration does not name (here a
# made-up secret and LD_LIBRARY_PATH) is in neither process's
# /proc/PID/environ, those it names (pam_wrapper's, for the test) are, and
# vigil config check warns when an LD_ variable is kept.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (the environment is narrowed when started as root)"
. "$(dirname "$0")/login-env.lib"

login_env_setup

# The tmux server, and so vigil, is started with these in its environment.
export VIGIL_TEST_SECRET=hunter2 LD_LIBRARY_PATH=/nonexistent/vigil-test
export TZ=Europe/Oslo LC_TIME=C.UTF-8
vigil_start
wait_screen 'Username  _'
ui=$(vigil_pid)
[ -n "$ui" ] || fail "no vigil process in the pane"
mon=$(pgrep -P "$ui" -x vigil-monitor)
[ -n "$mon" ] || fail "no vigil-monitor child of $ui"

for p in "$ui" "$mon"; do
	tr '\0' '\n' < "/proc/$p/environ" > "$TMP/environ.$p" ||
	    fail "cannot read /proc/$p/environ"
	for v in VIGIL_TEST_SECRET LD_LIBRARY_PATH; do
		grep -q "^$v=" "$TMP/environ.$p" &&
		    fail "$v reached process $p ($(cat "/proc/$p/comm")): $(cat "$TMP/environ.$p")"
	done
	grep -q 'hunter2' "$TMP/environ.$p" &&
	    fail "the secret's value is in process $p's environment"
	for v in TERM LANG LC_TIME TZ PAM_WRAPPER PAM_WRAPPER_SERVICE_DIR \
	    NSS_WRAPPER_PASSWD LD_PRELOAD; do
		grep -q "^$v=" "$TMP/environ.$p" ||
		    fail "$v is missing from process $p: $(cat "$TMP/environ.$p")"
	done
	# Nothing else: every name is an allowed one.
	while IFS='=' read -r name _; do
		case $name in
		TERM|LANG|LC_*|TZ|LD_PRELOAD|PAM_WRAPPER*|NSS_WRAPPER_*) ;;
		UID_WRAPPER_DISABLE_DEEPBIND|ASAN_OPTIONS|LSAN_OPTIONS|UBSAN_OPTIONS) ;;
		FAKETIME*) ;;	# kept by login-env.lib's KEEP_ENV (make check-date)
		*) fail "process $p has $name in its environment" ;;
		esac
	done < "$TMP/environ.$p"
done

# The session works with what is left: pam_wrapper still answers.
login_as alice demo
wait_screen 'Logged in as alice'
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
keys C-c
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly"
# vigil config check: keeping LD_PRELOAD (the tests must, for pam_wrapper)
# is allowed, with a warning; a name that is not a variable's is refused.
expect_status 0 "$VIGIL" --config "$TMP/vigil.conf" config check
expect_match 'warning: .*keep_environment keeps LD_PRELOAD' "$OUT"
expect_match 'keep_environment = .*LD_PRELOAD' "$OUT"
sed 's/^keep_environment = .*/keep_environment = TERM, NOT-A-NAME/' \
    "$TMP/vigil.conf" > "$TMP/bad.conf"
expect_status 1 "$VIGIL" --config "$TMP/bad.conf" config check
expect_match 'bad.conf:[0-9]+: .*keep_environment.*NOT-A-NAME' "$OUT"

stderr_clean
exit 0
