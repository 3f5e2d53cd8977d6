#!/usr/bin/env python3
"""Milliseconds from starting a program on a pseudo-terminal (80x24) until
a marker appears in what it draws: for vigil, the login screen's key hints,
which are drawn in the same refresh as the rest of the first screen; and,
in the same rounds, from starting a baseline program until it exits
(vigil --version: loading the program and its libraries, nothing more).

    login_start.py RUNS MARKER COMMAND [ARGS...] -- BASELINE [ARGS...]

The two alternate, so that both see the same load on a shared host.
Prints "command baseline" per round, in milliseconds."""

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def once(marker, argv):
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvp(argv[0], argv)
    seen = b""
    elapsed = None
    deadline = start + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            if marker is None:
                elapsed = time.monotonic() - start
            break
        seen += data
        if marker is not None and marker in seen:
            elapsed = time.monotonic() - start
            break
    if marker is not None:
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    os.close(fd)
    if elapsed is None:
        sys.exit("login_start: no %s within 20 s; got %r" %
                 ("exit" if marker is None else repr(marker), seen[-300:]))
    return elapsed * 1000


def main():
    runs = int(sys.argv[1])
    marker = sys.argv[2].encode()
    rest = sys.argv[3:]
    cut = rest.index("--")
    argv, base = rest[:cut], rest[cut + 1:]
    once(marker, argv)      # warm the page cache
    once(None, base)
    for _ in range(runs):
        a = once(marker, argv)
        b = once(None, base)
        print("%.1f %.1f" % (a, b))


main()
