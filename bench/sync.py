"""Benchmark: upload 10,000 pending changes over loopback to the SQLite and PostgreSQL county stores.

Not a test. Each figure is judged against floors measured in the same run on the same machine:

* rate floor  — the county store's own bulk insert of the same rows: SQLAlchemy ``executemany``
  into a table of the ``records`` shape, one transaction, in the same database;
* bytes floor — gzip (level 6) of the rows' JSON, as one array.

Budgets: sync rate ≥ 50 % of the insert floor's rate; bytes on the wire per change ≤ 1.2 × the
gzip floor's. Run:  uv run python bench/sync.py [--changes N] [--stores sqlite,postgresql]
Exit status 0 when every budget holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("COUNTY_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RATE_BUDGET = 0.50
BYTES_BUDGET = 1.20
NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def make_station(db: Path, changes: int) -> str:
    """A station database with ``changes`` pending outbox rows: people, lectures, activities."""
    from station_tui.domain import Activity, Lecture, Person, Station
    from station_tui.storage import Actor, Store

    code = "1403111" + f"{uuid.uuid4().int % 10**5:05d}"
    with Store(db, actor=Actor(user="bench", program="bench")) as store:
        store.station.setup(Station(code=code, name="甄家庄社区新时代文明实践站", township="府西街道", county="杏花岭区"))
        start = date(2026, 1, 1)
        with store.write() as conn:
            for i in range(changes - 1):
                name = "张" + NAMES[i % 20] + NAMES[(i // 20) % 20]
                day = start + timedelta(days=i % 300)
                if i % 3 == 0:
                    store.people._insert(conn, Person(name=name, phone=f"138{i:08d}", is_volunteer=i % 2 == 0,
                                                      skills=["理论宣讲", "文艺演出"][: i % 3]))
                elif i % 3 == 1:
                    store.lectures._insert(conn, Lecture(date=day, topic=f"学习贯彻党的二十届四中全会精神第{i}讲",
                                                         audience=30 + i % 70, speaker=name, form="集中宣讲",
                                                         place="村委会议室", summary="结合本村实际讲解政策。"))
                else:
                    store.activities._insert(conn, Activity(date=day, title=f"“我们的节日”文明实践活动{i}",
                                                            platform="文化服务", served=20 + i % 80,
                                                            volunteer_count=5, volunteer_tenths=100,
                                                            summary="组织群众开展文艺活动。"))
        assert store.pending_changes() == changes
    return code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_county(db_url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "COUNTY_DB": db_url}
    proc = subprocess.Popen([sys.executable, "-m", "sync.county", "serve", "--port", str(port),
                             "--log-level", "warning", "--rate", "1000", "--burst", "1000"],
                            env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "serve.log", "wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"county server did not start: {(workdir / 'serve.log').read_text()}")


def insert_floor(db_url: str, rows: list[tuple]) -> float:
    """Seconds for the store's own bulk insert of the same rows into a ``records``-shaped table."""
    from sqlalchemy import MetaData, create_engine

    from sync.county import schema

    meta = MetaData()
    table = schema.records.to_metadata(meta, name="bench_records_floor")
    for index in table.indexes:  # index and key names are per schema: keep the shape, rename
        index.name = f"{index.name}_floor"
    table.primary_key.name = "bench_records_floor_pk"
    engine = create_engine(db_url)
    try:
        meta.drop_all(engine)
        meta.create_all(engine)
        now = "2026-11-22T00:00:00Z"
        params = [dict(station_id=1, tbl=r[2], record_id=r[3], epoch_id=1, row_version=r[5],
                       deleted=int(r[4] == "delete"), row_json=r[6], change_id=r[1], received_at=now) for r in rows]
        t0 = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(table.insert(), params)
        took = time.perf_counter() - t0
        meta.drop_all(engine)
        return took
    finally:
        engine.dispose()


def run_store(kind: str, changes: int, workdir: Path) -> dict[str, float]:
    from station_tui.cli import main as station_main
    from station_tui.storage import Store
    from sync import credentials
    from sync.client import sync
    from sync.county.store import CountyStore

    schema_name = None
    if kind == "sqlite":
        db_url = f"sqlite:///{workdir / 'county.db'}"
    else:
        import psycopg

        schema_name = f"syncbench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema_name}"')
        db_url = f"{PG}?options=-csearch_path%3D{schema_name}"
    station_db = workdir / "station.db"
    code = make_station(station_db, changes)
    os.environ["STATION_CONFIG_DIR"] = str(workdir / "config")
    proc, url = start_county(db_url, workdir)
    try:
        with CountyStore(db_url) as store:
            enrollment = store.add_station(code, "甄家庄社区新时代文明实践站", "府西街道")
        assert station_main(["--db", str(station_db), "enroll", "--server", url, "--code", enrollment]) == 0
        with Store(station_db) as st:
            rows = [tuple(r) for r in st.query(
                "SELECT seq, change_id, tbl, record_id, op, row_version, row_json FROM outbox ORDER BY seq")]
        t0 = time.perf_counter()
        report = sync(station_db, credentials.load())
        sync_seconds = time.perf_counter() - t0
        assert report.uploaded == changes, report.summary_en()
        floor_seconds = insert_floor(db_url, rows)
        gz = len(gzip.compress(("[" + ",".join(r[6] for r in rows) + "]").encode("utf-8"), compresslevel=6))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if schema_name:
            import psycopg

            with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema_name}" CASCADE')
    return {
        "sync_rate": changes / sync_seconds,
        "floor_rate": changes / floor_seconds,
        "wire_bytes": report.bytes_sent / changes,
        "gzip_bytes": gz / changes,
        "batches": report.batches,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    args = parser.parse_args()
    ok = True
    print(f"{args.changes} pending changes, loopback; budgets: rate ≥ {RATE_BUDGET:.0%} of insert floor, "
          f"bytes ≤ {BYTES_BUDGET:.2f}× gzip floor")
    print(f"{'store':<11}{'sync/s':>9}{'floor/s':>9}{'ratio':>7}  {'B/change':>9}{'gzip B':>8}{'ratio':>7}  verdict")
    for kind in args.stores.split(","):
        with tempfile.TemporaryDirectory(prefix=f"syncbench-{kind}-") as tmp:
            r = run_store(kind, args.changes, Path(tmp))
        rate_ratio = r["sync_rate"] / r["floor_rate"]
        bytes_ratio = r["wire_bytes"] / r["gzip_bytes"]
        good = rate_ratio >= RATE_BUDGET and bytes_ratio <= BYTES_BUDGET
        ok &= good
        print(f"{kind:<11}{r['sync_rate']:>9.0f}{r['floor_rate']:>9.0f}{rate_ratio:>7.2f}  "
              f"{r['wire_bytes']:>9.1f}{r['gzip_bytes']:>8.1f}{bytes_ratio:>7.2f}  "
              f"{'within budget' if good else 'OVER BUDGET'} ({r['batches']} batches)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
