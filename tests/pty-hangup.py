#!/usr/bin/env python3
"""pty-hangup -- runs a command on a pseudo-terminal of its own, relaying
this terminal to it, and closes the pseudo-terminal's master side when it
gets SIGUSR1: the command's terminal hangs up, as when ssh drops or a
terminal window is closed.

usage: pty-hangup.py [--ctty] STATE COMMAND [ARG...]

The command's pid goes to STATE.pid; once it has ended, "STATUS SECONDS"
goes to STATE.exit: its wait status and the seconds from the hang-up to
its end (-1 when it ended before a hang-up).

Without --ctty the pseudo-terminal is not the command's controlling
terminal, so the kernel sends it no SIGHUP when the master closes: only the
terminal itself (POLLHUP, read returning 0 or EIO) says it has gone.  With
--ctty it is (the command leads a session of its own), as with ssh or a
getty, and the kernel sends it SIGHUP as well."""
import fcntl
import os
import select
import signal
import sys
import termios
import time
import tty


def main(argv):
    ctty = False
    if argv and argv[0] == "--ctty":
        ctty = True
        argv = argv[1:]
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    state, cmd = argv[0], argv[1:]

    master, slave = os.openpty()
    try:
        size = fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
    except OSError:
        pass
    hup = []
    signal.signal(signal.SIGUSR1, lambda s, f: hup.append(time.monotonic()))
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGUSR1, signal.SIG_DFL)
        os.setsid()
        if ctty:
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.dup2(slave, 1)
        os.close(slave)
        os.close(master)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(slave)
    with open(state + ".pid.tmp", "w") as f:
        f.write("%d\n" % pid)
    os.rename(state + ".pid.tmp", state + ".pid")

    saved = None
    if os.isatty(0):
        saved = termios.tcgetattr(0)
        tty.setraw(0)
    status = None
    try:
        fds = [0, master]
        while status is None:
            if hup and master is not None:
                os.close(master)
                master = None
                fds = []
            try:
                r, _, _ = select.select(fds, [], [], 0.05)
            except InterruptedError:
                r = []
            if 0 in r:
                data = os.read(0, 4096)
                if not data:
                    fds.remove(0)
                elif master is not None:
                    os.write(master, data)
            if master is not None and master in r:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if data:
                    os.write(1, data)
                else:
                    fds = [fd for fd in fds if fd != master]
            got, st = os.waitpid(pid, os.WNOHANG)
            if got == pid:
                status = st
    finally:
        if saved is not None:
            termios.tcsetattr(0, termios.TCSAFLUSH, saved)
    secs = time.monotonic() - hup[0] if hup else -1.0
    with open(state + ".exit.tmp", "w") as f:
        f.write("%d %.3f\n" % (status, secs))
    os.rename(state + ".exit.tmp", state + ".exit")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
