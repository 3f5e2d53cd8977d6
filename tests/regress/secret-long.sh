#!/bin/sh
# A passphrase typed on the terminal longer than its limit is refused with
# a clear message and the rest of the line dropped: vigil keygen with 1100
# characters typed writes no key; 1024 characters are taken.  (The
# export's passwords go through the same reader: export-approval.sh.)
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
S="$TMP/tmux"
trap 'tmux -S "$S" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
# run_keygen KEY PASSPHRASE-LENGTH: vigil keygen on a terminal, the same
# passphrase typed twice; its output in $TMP/out.
run_keygen() {
	tmux -S "$S" kill-server 2>/dev/null
	rm -f "$TMP/done"
	tmux -S "$S" -f /dev/null new-session -d -x 200 -y 20 \
	    "sh -c '\"$VIGIL\" keygen --key \"$1\" >\"$TMP/out\" 2>&1; echo \$? >\"$TMP/done\"'" ||
	    fail "tmux did not start"
	p=$(head -c "$2" /dev/zero | tr '\0' k)
	for prompt in 'Passphrase for the new signing key' 'The same again'; do
		n=100
		while [ $n -gt 0 ] && ! tmux -S "$S" capture-pane -p | grep -q "$prompt"; do
			[ -f "$TMP/done" ] && break
			sleep 0.1; n=$((n - 1))
		done
		[ -f "$TMP/done" ] && break
		tmux -S "$S" send-keys -l "$p"
		tmux -S "$S" send-keys Enter
	done
	n=100
	while [ $n -gt 0 ] && [ ! -f "$TMP/done" ]; do sleep 0.1; n=$((n - 1)); done
	[ -f "$TMP/done" ] || fail "keygen did not end: $(tmux -S "$S" capture-pane -p)"
}

run_keygen "$TMP/long.key" 1100
[ "$(cat "$TMP/done")" != 0 ] || fail "keygen took a passphrase of 1100 bytes"
grep -q 'longer than 1024 bytes' "$TMP/out" || fail "no clear message: $(cat "$TMP/out")"
[ ! -e "$TMP/long.key" ] || fail "a key was written"

run_keygen "$TMP/ok.key" 1024
[ "$(cat "$TMP/done")" = 0 ] || fail "keygen refused 1024 bytes: $(cat "$TMP/out")"
[ -f "$TMP/ok.key" ] || fail "no key written"
exit 0
