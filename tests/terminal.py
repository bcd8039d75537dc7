"""Running a terminal program on an 80×24 pseudo-terminal, as a user's terminal would: wait
until something shows, type keys, read what it wrote. Used by the terminal tests and by
bench/startup.py, so both judge "the dashboard is on the screen" the same way."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import resource
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


class Terminal:
    """A program on its own pseudo-terminal; killed on leaving the ``with`` block if still running."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.output = bytearray()
        self._mark = 0  # where the output began when the last keys were written
        self.usage: resource.struct_rusage | None = None
        self.exit_code: int | None = None

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.exit_code is None:
            self.proc.kill()
            self.wait_exit()
        os.close(self.master)

    @property
    def text(self) -> str:
        return plain(bytes(self.output))

    def write(self, keys: bytes) -> None:
        """Type ``keys`` in one write: the program reads them as one burst."""
        self._mark = len(self.output)
        os.write(self.master, keys)

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout`` seconds; False once the program has gone."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            self.output += chunk
            return bool(chunk)
        # Gone? (not reaped yet: wait_exit's wait4 reads its usage)
        return os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None

    def wait_for(self, pattern: str, timeout: float = 60.0) -> float | None:
        """Seconds from the start until ``pattern`` (a regex) showed in what the program wrote
        since the last ``write``; None if it did not within ``timeout`` or the program ended."""
        wanted = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        while not wanted.search(plain(bytes(self.output[self._mark:]))):
            if time.perf_counter() > deadline or not self._read(0.05):
                return None
        return time.perf_counter() - self.started

    def wait_exit(self, timeout: float = 30.0) -> int:
        """The exit code, reading the terminal meanwhile; killed after ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        while self.exit_code is None and self._read(0.05):
            if time.perf_counter() > deadline:
                self.proc.kill()
                break
        _pid, status, self.usage = os.wait4(self.proc.pid, 0)
        self.exit_code = os.waitstatus_to_exitcode(status)
        return self.exit_code


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
    with Terminal(argv, env, size) as term:
        shown_after = term.wait_for(pattern, timeout)
        if shown_after is not None:
            term.write(quit_key)
        code = term.wait_exit(timeout if shown_after is not None else 0)
        assert term.usage is not None
        return Session(shown_after, code, term.text, int(term.usage.ru_maxrss),
                       term.usage.ru_utime + term.usage.ru_stime)
