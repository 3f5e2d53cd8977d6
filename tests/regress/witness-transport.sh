#!/bin/sh
# The way of vigil's witness lines to the collector, with the rsyslog
# examples in dist/rsyslog (witness.lib runs them, but for host, port,
# paths and socket): both pass rsyslogd -N1 as shipped; a witness line
# reaches the collector's file as "RECEIVED 127.0.0.1 vigil[PID]: TEXT",
# RECEIVED in RFC 3339 and from the collector's clock (moved 15 minutes
# ahead here); another program's authpriv line (sudo) stays on the
# recorder; a line sent while the sender is down is lost, later ones
# arrive; one sent during a collector outage arrives when it is back,
# also across a restart of the sender (the disk-assisted queue); the
# err-level "audit checkpoint FAILED" line goes too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/witness.lib"

# The examples as shipped (as drop-ins they have no input of their own to
# complain about; -N1 opens no socket and no file).
for f in sender collector; do
	expect_status 0 "$RSYSLOGD" -N1 -f "$TOP/dist/rsyslog/vigil-witness-$f.conf"
	printf '%s\n' "$OUT" | grep -Ev 'config validation run|End of config validation' |
	    grep . && fail "rsyslogd -N1 complains about vigil-witness-$f.conf: $OUT"
done
[ -n "$WITNESS_FAKETIME_LIB" ] || skip "libfaketime is not installed (faketime)"

LOGID=0123456789abcdef0123456789abcdef
hex() { printf "%0$1d" 0 | tr 0 "$2"; }
BODY=$(hex 288 b) SIG=$(hex 128 c)
# witness EPOCH: the text of a checkpoint's witness line.
witness() {
	echo "vigil-witness v1 kind=checkpoint log_id=$LOGID epoch=$1 n=$(($1 * 10)) body=$BODY sig=$SIG"
}
# try_send PRIORITY TAG TEXT: as vigil does, a datagram (-d) to the socket
# (-u), tag TAG[4242]; fails when it cannot be sent (by default logger
# says nothing and exits 0).  send: the same, it must be sent.
try_send() {
	logger --socket-errors=on -u "$WITNESS_SOCKET" -d -p "$1" -t "$2" \
	    --id=4242 -- "$3" 2>/dev/null
}
send() {
	try_send "$@" || fail "logger could not send to $WITNESS_SOCKET"
}
line_of() {
	grep -E -- "$1" "$WITNESS_FILE"
}

witness_start

# The format.
send authpriv.notice vigil "$(witness 1)"
witness_wait_lines 1
l1=$(line_of 'epoch=1 ')
expect_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} ' "$l1"
[ "${l1#* }" = "127.0.0.1 vigil[4242]: $(witness 1)" ] ||
    fail "not 'TIME 127.0.0.1 vigil[4242]: TEXT': $l1"
[ "$(wc -l <"$WITNESS_FILE")" -eq 1 ] || fail "more than the line: $(cat "$WITNESS_FILE")"
if [ "$(id -u)" = 0 ]; then
	m=$(stat -c '%a %G' "$WITNESS_FILE" "$(dirname "$WITNESS_FILE")" | tr '\n' ' ')
	[ "$m" = "640 adm 750 adm " ] || fail "file and folder modes: $m"
fi

# Other programs' authpriv lines stay here: the sender has it (its local
# rules), the collector, which has the vigil line sent after it, not.
send authpriv.notice sudo "alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/true"
send authpriv.notice vigil "$(witness 2)"
witness_wait_lines 2
witness_wait_in "$WITNESS_SENDER_LOG" 1 'sudo.*COMMAND=/bin/true'
grep -q sudo "$WITNESS_FILE" && fail "the sudo line was forwarded: $(cat "$WITNESS_FILE")"

# The sender down: the line is lost (its socket is gone); after its
# restart lines arrive again.
witness_stop_sender
try_send authpriv.notice vigil "$(witness 3)" &&
    fail "a line could be sent with the sender down"
witness_start_sender
send authpriv.notice vigil "$(witness 4)"
witness_wait_lines 1 'epoch=4 '
line_of 'epoch=3 ' && fail "a line sent while the sender was down arrived"

# A collector outage: the line waits in the sender's queue, on disk when
# the sender stops meanwhile, and arrives when the collector is back.
susp="action 'vigil-witness' suspended"
n=$(grep -c "$susp" "$WITNESS_SENDER_LOG")
witness_stop_collector
send authpriv.notice vigil "$(witness 5)"
witness_wait_in "$WITNESS_SENDER_LOG" $((n + 1)) "$susp"
witness_stop_sender
ls "$WITNESS_SPOOL"/vigil-witness.* >/dev/null 2>&1 ||
    fail "the sender saved no queue: $(ls -l "$WITNESS_SPOOL")"
witness_start_sender
witness_start_collector
witness_wait_lines 1 'epoch=5 '

# The receive time is the collector's clock: 15 minutes ahead now.
before=0
while read -r l; do
	t=$(witness_epoch "$l")
	[ "$t" -gt "$before" ] && before=$t
done <"$WITNESS_FILE"
witness_restart_collector +15m
send authpriv.notice vigil "$(witness 6)"
witness_wait_lines 1 'epoch=6 '
after=$(witness_epoch "$(line_of 'epoch=6 ')")
[ $((after - before)) -ge 840 ] && [ $((after - before)) -lt 1200 ] ||
    fail "the receive time did not move 15 minutes ahead ($before, then $after): $(cat "$WITNESS_FILE")"

# A failed checkpoint, at level err.
send authpriv.err vigil "audit checkpoint FAILED log_id=$LOGID: the disk is full"
witness_wait_lines 1 'audit checkpoint FAILED'
l=$(line_of 'FAILED')
[ "${l#* }" = "127.0.0.1 vigil[4242]: audit checkpoint FAILED log_id=$LOGID: the disk is full" ] ||
    fail "the FAILED line: $l"

# Each line once.
[ "$(wc -l <"$WITNESS_FILE")" -eq 6 ] || fail "not the 6 lines: $(cat "$WITNESS_FILE")"
witness_stop
exit 0
