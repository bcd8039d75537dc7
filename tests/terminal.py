"""Running a terminal program on an 80×24 pseudo-terminal, as a user's terminal would: wait
until something shows, press a key, read what it wrote. Used by the start-up tests and by
bench/startup.py, so both judge "the dashboard is on the screen" the same way."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from dataclasses import dataclass

#: Control sequences (CSI, OSC, charset and keypad switches): what a terminal does, not shows.
_CONTROL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>])")
CTRL_Q = b"\x11"


def plain(output: bytes) -> str:
    """The text a program wrote, its control sequences removed."""
    return _CONTROL.sub("", output.decode("utf-8", "replace"))


@dataclass
class Session:
    #: Seconds from spawn until the pattern was on the terminal; None if it never was.
    shown_after: float | None
    exit_code: int
    text: str
    peak_rss_kib: int
    cpu_seconds: float


def show_then_quit(argv: list[str], env: dict[str, str], pattern: str, *, quit_key: bytes = CTRL_Q,
                   timeout: float = 60.0, size: tuple[int, int] = (80, 24)) -> Session:
    """Start ``argv`` on a pty; once ``pattern`` (a regex) shows, press ``quit_key``; wait for
    the exit. Killed after ``timeout`` seconds, pattern or not."""
    wanted = re.compile(pattern)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    output = bytearray()
    shown_after: float | None = None
    deadline = start + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    break
                output += chunk
                if shown_after is None and wanted.search(plain(bytes(output))):
                    shown_after = time.perf_counter() - start
                    os.write(master, quit_key)
            elif os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break  # gone (not reaped yet: wait4 below reads its usage)
            if time.perf_counter() > deadline:
                proc.kill()
                break
        _pid, status, usage = os.wait4(proc.pid, 0)
    finally:
        os.close(master)
    return Session(shown_after, os.waitstatus_to_exitcode(status), plain(bytes(output)),
                   int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime)
