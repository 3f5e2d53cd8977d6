#!/bin/sh
# Privilege separation, run as root (CI does): with a throwaway service
# account (an nss_wrapper entry with an unused uid), the terminal's process
# runs as that account with no way back, the monitor is the only root
# process, the monitor answers malformed messages (short, oversized, wrong
# type) with a refusal and keeps working, and ending the terminal ends the
# monitor.  Without the service account vigil refuses to start.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (privilege separation starts as root)"
. "$(dirname "$0")/login-env.lib"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

login_env_setup
vigil_start
wait_screen 'Username  _'
ui=$(vigil_pid)
[ -n "$ui" ] || fail "no vigil process in the pane"
mon=$(pgrep -P "$ui" -x vigil-monitor)
[ -n "$mon" ] || fail "no vigil-monitor child of $ui"

# The terminal: every uid and gid the service account's, no other group,
# no capability.
grep -Eq "^Uid:[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID$" \
    "/proc/$ui/status" || fail "terminal uids: $(grep ^Uid "/proc/$ui/status")"
grep -Eq "^Gid:[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID[[:space:]]+$SVC_UID$" \
    "/proc/$ui/status" || fail "terminal gids: $(grep ^Gid "/proc/$ui/status")"
grep -Eq "^Groups:[[:space:]]*$SVC_UID[[:space:]]*$" "/proc/$ui/status" ||
	fail "terminal groups: $(grep ^Groups "/proc/$ui/status")"
grep -Eq '^CapEff:[[:space:]]+0+$' "/proc/$ui/status" || fail "terminal has capabilities"
# Of vigil's processes only the monitor is root.
for p in $ui $(pgrep -P "$ui"); do
	u=$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$p/status")
	if [ "$p" = "$mon" ]; then
		[ "$u" = 0000 ] || fail "the monitor is not root"
	else
		[ "$u" != 0000 ] || fail "process $p ($(cat "/proc/$p/comm")) is root"
		case $u in *0*) [ "$u" = "$SVC_UID$SVC_UID$SVC_UID$SVC_UID" ] ||
		    fail "process $p has uids $u" ;; esac
	fi
done
# Nothing of the terminal is open in the monitor.
for f in /proc/"$mon"/fd/*; do
	l=$(readlink "$f")
	case $l in */audit.db*|/dev/pts/*|/dev/tty*) fail "the monitor holds $l" ;; esac
done

login_as alice demo
wait_screen 'Logged in as alice'
expect_match 'alice \(viewer\)' "$(screen | head -n 1)"
screen | head -n 1 | grep -q 'privsep off' && fail "privsep warning with the monitor on"

# Malformed messages on the terminal's socket to the monitor (taken with
# pidfd_getfd while the terminal waits for a key).
python3 - "$ui" "$mon" > "$TMP/probe" 2>&1 <<'EOF' || { cat "$TMP/probe"; fail "probing the monitor failed"; }
import ctypes, os, select, socket, struct, sys
ui, mon = int(sys.argv[1]), int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_getfd = 438
pidfd = os.pidfd_open(ui)
fd = None
for name in os.listdir("/proc/%d/fd" % ui):
    if os.readlink("/proc/%d/fd/%s" % (ui, name)).startswith("socket:"):
        fd = libc.syscall(SYS_pidfd_getfd, pidfd, int(name), 0)
        if fd < 0:
            print("pidfd_getfd:", os.strerror(ctypes.get_errno()))
            sys.exit(1)
        s = socket.socket(fileno=fd)
        if s.type == socket.SOCK_SEQPACKET:
            break
        s.detach()
        fd = None
if fd is None:
    print("no seqpacket socket in the terminal"); sys.exit(1)
SIZE = 6 * 4 + 256 + 512
WIRE_REJECT, WIRE_RESULT = 9, 8
def reply():
    # No settimeout(): it would make the terminal's own socket non-blocking.
    assert select.select([s], [], [], 5)[0], "no reply from the monitor"
    m = s.recv(4096)
    assert len(m) == SIZE, "reply of %d bytes" % len(m)
    t = struct.unpack_from("=I", m)[0]
    text = m[24 + 256:].split(b"\0")[0].decode()
    return t, text
def msg(t, user=b"", text=b"", flags=0):
    return struct.pack("=IIiIII", t, flags, 0, 0, 0, 0) + user.ljust(256, b"\0") + text.ljust(512, b"\0")
cases = [
    ("short", b"\x01\x00\x00\x00short", "short message"),
    ("empty", b"", "short message"),
    ("oversized", msg(1, b"alice", b"demo") + b"x" * 1000, "oversized message"),
    ("wrong type", msg(99), "wrong message type"),
    ("monitor's own type", msg(WIRE_RESULT), "wrong message type"),
    ("unterminated", msg(1, b"a" * 256), "unterminated string"),
    ("answer without prompt", msg(2), "answer without a prompt"),
]
for name, data, want in cases:
    s.send(data)
    t, text = reply()
    assert t == WIRE_REJECT and want in text, "%s: got %d %r" % (name, t, text)
    print("rejected %s: %s" % (name, text))
os.kill(mon, 0)
# Still serving: a real check, without a session.
s.send(msg(1, b"bob", b"demo"))
t, text = reply()
assert t == WIRE_RESULT, "check: got %d %r" % (t, text)
print("check after the probes: result")
s.detach()
os.close(fd)
EOF
cat "$TMP/probe"
kill -0 "$mon" || fail "the monitor died"

# The session still closes through the monitor, and a new login works.
keys q; wait_screen 'Log out\?'; keys y
wait_screen 'Logged out'
login_as bob demo
wait_screen 'Logged in as bob'

# SIGTERM to the terminal: logged out, and the monitor goes with it.
kill -TERM "$ui"
[ "$(vigil_exit_status)" = 0 ] || fail "vigil did not exit cleanly on SIGTERM"
n=40
while kill -0 "$mon" 2>/dev/null && [ "$n" -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
kill -0 "$mon" 2>/dev/null && fail "the monitor outlived the terminal"

log_dump
log_has '"actor":"alice","action":"login",.*"privsep":true'
log_has '"actor":"alice","action":"logout",.*"how":"user"'
grep '"actor":"alice","action":"logout"' "$TMP/log.json" | grep -q session_error &&
	fail "closing alice's session failed after the probes"
log_has '"actor":"bob","action":"logout",.*"how":"signal"'
tm kill-server

# Without the service account vigil refuses to start, saying why.
sed -i '/^vigil:/d' "$TMP/passwd"
vigil_start
[ "$(vigil_exit_status)" = 1 ] || fail "vigil started without its service account"
grep -q "service account 'vigil' does not exist" "$TMP/stderr" ||
	fail "no message about the service account: $(cat "$TMP/stderr")"
stderr_clean
exit 0
