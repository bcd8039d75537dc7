"""The one way the tests start the `station` command in a process of its own: ``python -m
station_tui ARGS`` with the interpreter running the tests, as a user's shell would run it.

``run`` waits for it and returns what it printed; ``spawn`` starts it and returns at once (for
the tests that kill it or run two at a time); ``argv`` and ``environment`` are the command line
and the environment both use, for the few callers that start it inside something else (the
pseudo-terminal of tests/terminal.py, the private mount of the full-disk tests).

The environment is the test's own (tests/conftest.py has already pointed HOME and the XDG
folders at a temporary home and removed STATION_DB and the SSH variables), with:

- ``STATION_DB`` removed: the command sees a database in the environment only when a test
  gives one in ``env`` (fixtures wider than a test run before conftest's isolation does);
- ``PYTHONIOENCODING=utf-8``: the Chinese messages come out, and are read back, as UTF-8
  whatever the machine's locale;
- ``home``: HOME, XDG_DATA_HOME (``home/data``) and XDG_CONFIG_HOME (``home/config``) there;
- ``config_dir``: STATION_CONFIG_DIR (where `station enroll` keeps the county's token);
- ``env``: anything else, applied last.

stdin is empty (/dev/null) unless ``stdin`` gives text: the command never waits on the
terminal that started pytest, and never reads what pytest-xdist talks over."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

#: The interpreter running the tests, so the command runs the code under test.
PYTHON = sys.executable
#: Long enough for a demo database or a 20,000-row import on a busy shared machine.
TIMEOUT = 120.0


def argv(*args: str | Path, db: str | Path | None = None) -> list[str]:
    """The command line: ``python -m station_tui [--db DB] ARGS``."""
    head = ["--db", str(db)] if db is not None else []
    return [PYTHON, "-m", "station_tui", *head, *map(str, args)]


def environment(
    *,
    home: Path | None = None,
    config_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment the command runs in (see the module's docstring)."""
    result = {k: v for k, v in os.environ.items() if k != "STATION_DB"}
    result["PYTHONIOENCODING"] = "utf-8"
    if home is not None:
        result.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"))
    if config_dir is not None:
        result["STATION_CONFIG_DIR"] = str(config_dir)
    result.update(env or {})
    return result


def _memory_cap(limit: int | None) -> Callable[[], None] | None:
    """A cap on the process's address space, set in the child before it starts Python."""
    if limit is None:
        return None

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


def run(
    *args: str | Path,
    db: str | Path | None = None,
    home: Path | None = None,
    config_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = TIMEOUT,
    memory_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``station [--db DB] ARGS`` to its end; its exit code, stdout and stderr (text).

    ``stdin`` is text to type into it; ``memory_limit`` caps its address space in bytes (as
    an old station PC's memory would), so a file made to exhaust memory fails in the child."""
    return subprocess.run(
        argv(*args, db=db),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(home=home, config_dir=config_dir, env=env),
        timeout=timeout,
        preexec_fn=_memory_cap(memory_limit),
    )


def spawn(
    *args: str | Path,
    db: str | Path | None = None,
    home: Path | None = None,
    config_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[str]:
    """Start ``station [--db DB] ARGS`` and return at once, its stdout and stderr on pipes (text),
    for a test to read as it goes, kill (``kill -9``) or run beside another. The caller waits
    for it (``communicate`` or ``wait``), and kills it if the test fails first."""
    return subprocess.Popen(
        argv(*args, db=db),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=environment(home=home, config_dir=config_dir, env=env),
    )
