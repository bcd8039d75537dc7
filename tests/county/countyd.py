"""A real county center for tests: `county-center serve` in its own process on 127.0.0.1
with a random port, and what a station sends it."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from sync import protocol

COUNTY_BIN = str(Path(sys.executable).with_name("county-center"))
STATION_BIN = str(Path(sys.executable).with_name("station"))


def cli(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `county-center` like a county clerk would."""
    done = subprocess.run([COUNTY_BIN, *args, "--db", url], capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"county-center {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


class County:
    """One `county-center serve` process; can be killed with SIGKILL and started again."""

    def __init__(self, url: str, workdir: Path, extra: tuple[str, ...] = ()) -> None:
        self.url = url
        self.workdir = workdir
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.starts = 0
        self.verify: Any = True  # a CA bundle when the server runs HTTPS with its own certificate

    def start(self) -> County:
        self.starts += 1
        out = self.workdir / f"serve-{self.starts}.out"
        err = self.workdir / f"serve-{self.starts}.err"
        with open(out, "wb") as o, open(err, "wb") as e:
            self.proc = subprocess.Popen(
                [COUNTY_BIN, "serve", "--db", self.url, "--host", "127.0.0.1", "--port", "0", *self.extra],
                stdout=o,
                stderr=e,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for line in out.read_text().splitlines():
                if line.startswith("listening on http"):
                    self.base = line.split("listening on ", 1)[1].strip()
                    self._wait_healthy()
                    return self
            if self.proc.poll() is not None:
                raise AssertionError(f"county-center serve exited {self.proc.returncode}:\n{err.read_text()}")
            time.sleep(0.05)
        raise AssertionError(f"county-center serve did not start:\n{err.read_text()}")

    def _wait_healthy(self) -> None:
        for _ in range(200):
            try:
                if httpx.get(self.base + protocol.HEALTH_PATH, timeout=2, verify=self.verify).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("county-center serve never answered /health")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stderr(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.workdir.glob("serve-*.err")))

    def peak_rss_kib(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM")

    # -- what a station does --------------------------------------------------------------
    def add_station(self, code: str, name: str = "测试站", township: str = "府西街道", *, via_cli: bool = False) -> str:
        """Register a station and return its enrollment code. The CLI costs a process start
        (seconds on a busy machine), so tests not about the CLI use the same store code
        in-process; test_cli.py covers the command itself."""
        if via_cli:
            done = cli(self.url, "station", "add", "--code", code, "--name", name, "--township", township, "--json")
            return json.loads(done.stdout)["enrollment_code"]
        from county.store import CountyStore

        with CountyStore(self.url) as store:
            return store.add_station(code, name, township)

    def enroll(self, code: str, epoch: str = "epoch-1", **kw: Any) -> str:
        enrollment = self.add_station(code, **kw)
        r = httpx.post(
            self.base + protocol.ENROLL_PATH,
            json={"enrollment_code": enrollment, "epoch": epoch, "app_version": "0.1.0"},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def post(
        self,
        token: str | None,
        payload: Any,
        *,
        gz: bool = True,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> httpx.Response:
        data = raw if raw is not None else _dumps(payload)
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h.update(protocol.auth_header(token))
        if gz and raw is None:
            data = gzip.compress(data)
            h["Content-Encoding"] = "gzip"
        return httpx.post(self.base + protocol.BATCHES_PATH, content=data, headers=h, timeout=60)

    def report(self, year: int | None = None, month: int | None = None) -> dict[str, Any]:
        """The report over HTTP, as county staff fetch it (admin token made once)."""
        if not getattr(self, "_admin", None):
            self._admin = cli(self.url, "admin-token").stdout.strip()
        params = {k: v for k, v in (("year", year), ("month", month)) if v is not None}
        r = httpx.get(
            self.base + protocol.REPORT_PATH, params=params, headers=protocol.auth_header(self._admin), timeout=60
        )
        assert r.status_code == 200, r.text
        return r.json()

    def ack(self, token: str, epoch: str) -> int:
        r = httpx.get(
            self.base + protocol.ACK_PATH, params={"epoch": epoch}, headers=protocol.auth_header(token), timeout=30
        )
        assert r.status_code == 200, r.text
        return r.json()["ack_seq"]


_codes = itertools.count(1)


def new_code() -> str:
    """A 12-digit station code no other test in this run uses."""
    return f"1403{os.getpid() % 10000:04d}{next(_codes):04d}"


def batch(changes: list[dict[str, Any]], *, epoch: str = "epoch-1", after_seq: int = 0, **over: Any) -> dict[str, Any]:
    body = {
        "protocol_version": protocol.PROTOCOL_VERSION,
        "schema_version": protocol.MAX_SCHEMA_VERSION,
        "app_version": "0.1.0",
        "station": None,
        "epoch": epoch,
        "after_seq": after_seq,
        "changes": changes,
    }
    body.update(over)
    return body


def change(
    seq: int,
    table: str = "lectures",
    rid: str | None = None,
    version: int = 1,
    *,
    op: str = "insert",
    **fields: Any,
) -> dict[str, Any]:
    """A wire change as a station sends it: the row as JSON text."""
    rid = rid or f"rec-{seq}"
    row: dict[str, Any] = {"id": rid, "row_version": version, "deleted": 1 if op == "delete" else 0}
    if table == "lectures":
        row.update({"date": "2026-03-02", "topic": "宣讲", "audience": 30})
    elif table == "activities":
        row.update(
            {"date": "2026-03-05", "title": "活动", "platform": "文化服务", "served": 20, "volunteer_tenths": 15}
        )
    elif table == "people":
        row.update({"name": "张三", "is_volunteer": 1})
    row.update(fields)
    return {"seq": seq, "table": table, "op": op, "row": json.dumps(row, ensure_ascii=False)}


def row_of(c: dict[str, Any]) -> dict[str, Any]:
    return json.loads(c["row"])


def id_of(c: dict[str, Any]) -> str:
    """The change id the county derives for a wire change."""
    return protocol.change_id(c.get("table"), c.get("op"), c.get("row"))


def _dumps(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate on purpose: send it escaped, as JSON allows
        return json.dumps(payload).encode()
