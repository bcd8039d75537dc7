"""The PostgreSQL the county tests use: the one named by COUNTY_TEST_PG (by default the machine's,
127.0.0.1:5432, database ``test``) when it answers, else a private server of the run's own.

The private server is made with the PostgreSQL programs found on the machine (``pg_ctl`` and
``initdb`` on the PATH or under /usr/lib/postgresql/*/bin) in a temporary directory, on a free
port, with trust authentication for ``postgres`` on 127.0.0.1 only. The process that starts
pytest makes it once (pytest-xdist workers inherit its environment) and removes it at the end.
The system's own cluster is never started: that is the machine owner's business.

As root, ``initdb`` refuses to run, so the server then runs as the ``postgres`` user (or
``nobody``) through ``runuser``."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
URL_VARIABLE = "COUNTY_TEST_PG"
#: Why no PostgreSQL could be had, for the fixtures to say when a test needs one.
PROBLEM_VARIABLE = "COUNTY_TEST_PG_PROBLEM"
#: Where the libpq tools (pg_dump, psql) of the tests find the private server.
LIBPQ_VARIABLES = ("PGHOST", "PGPORT", "PGUSER")


def configured_url() -> str:
    return os.environ.get(URL_VARIABLE, DEFAULT_URL)


def plain_dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy ``postgresql+psycopg://`` URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def answers(url: str) -> str | None:
    """None when the server at ``url`` accepts a connection, else why not."""
    import psycopg

    try:
        psycopg.connect(plain_dsn(url), connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        return str(exc).strip() or type(exc).__name__
    return None


def problem() -> str | None:
    """Why the tests have no PostgreSQL (None when they have one)."""
    return os.environ.get(PROBLEM_VARIABLE) or None


def server_programs() -> Path | None:
    """The directory holding ``pg_ctl`` and ``initdb``: the PATH's first, then the newest under
    /usr/lib/postgresql (Debian keeps them off the PATH)."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += [Path(v) for v in versions]
    for where in candidates:
        if (where / "pg_ctl").is_file() and (where / "initdb").is_file():
            return where
    return None


def _version_key(path: str) -> tuple[int, ...]:
    number = Path(path).parent.name
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """The user to run the server as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and there is no postgres or nobody user to run PostgreSQL as")


@dataclass
class PrivateServer:
    """A PostgreSQL cluster of one test run, in a temporary directory, on a free port."""

    programs: Path
    root: Path
    port: int
    user: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/test"

    def _run(self, program: str, *args: str) -> None:
        argv = [str(self.programs / program), *args]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    @classmethod
    def start(cls, programs: Path) -> PrivateServer:
        root = Path(tempfile.mkdtemp(prefix="station-tui-pg-"))
        server = cls(programs, root, _free_port(), _unprivileged_user())
        try:
            if server.user:
                entry = pwd.getpwnam(server.user)
                os.chown(root, entry.pw_uid, entry.pw_gid)
            data = root / "data"
            # fsync off: a test cluster is thrown away, and it makes initdb and every commit fast.
            server._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--locale=C", "--no-sync")
            options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
            server._run("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-o", options, "-w",
                        "-t", "60", "start")
            import psycopg

            admin = f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
            with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
                conn.execute("CREATE DATABASE test")
        except BaseException:
            server.stop()
            raise
        return server

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass  # already gone; the directory goes all the same
        shutil.rmtree(self.root, ignore_errors=True)


def provide() -> PrivateServer | None:
    """Make sure the tests have a PostgreSQL, and point the environment at it.

    Returns the private server started for this run (the caller stops it), or None when the
    configured server answers or none could be had (then PROBLEM_VARIABLE says why)."""
    url = configured_url()
    why = answers(url)
    if why is None:
        return None
    programs = server_programs()
    if programs is None:
        os.environ[PROBLEM_VARIABLE] = (
            f"PostgreSQL at {url} does not answer ({why}), and no PostgreSQL programs (pg_ctl, initdb) "
            "were found on the PATH or under /usr/lib/postgresql to start a private one: install "
            "PostgreSQL (e.g. apt-get install postgresql) or set COUNTY_TEST_PG to a server that runs."
        )
        return None
    try:
        server = PrivateServer.start(programs)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        os.environ[PROBLEM_VARIABLE] = (
            f"PostgreSQL at {url} does not answer ({why}), and a private one from {programs} "
            f"could not be started: {exc}"
        )
        return None
    os.environ[URL_VARIABLE] = server.url
    os.environ.update(dict(zip(LIBPQ_VARIABLES, ("127.0.0.1", str(server.port), "postgres"), strict=True)))
    return server
