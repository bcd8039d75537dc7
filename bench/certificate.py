"""Certificate benchmark: what a 志愿服务记录证明 costs on the 10-year demo database.

For the twenty people with the longest hours ledgers and thirty drawn at random (seeded) among
those with any, over all ten years (the longest certificate a village would ask for), it times:

- **floor**: the raw SQL sum of the person's entries in the period,
  ``SELECT sum(tenths) FROM hours_entries WHERE person_id = ? AND date BETWEEN ? AND ?``, on the
  same connection: the least reading the period's hours can cost;
- **draft**: ``store.certificates.draft(id, from, to)``, what the 证书 dialog's preview reads: the
  person, the standing entries with what each was for, and the balance, in one snapshot;
- **docx**: building and writing the .docx of a certificate of those lines (python-docx, one
  table row per service) into a temporary folder.

Budget: the draft's p95 ≤ 50 ms (the preview appears at once); the .docx of the longest
certificates is printed as it is (a few hundred table rows), and both as a ratio against the
floor's p95 of the same run. Nothing is registered: the database is left as it was.

    uv run python bench/certificate.py              # makes bench/.data/ten-years.db once
    uv run python bench/certificate.py --runs 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.person_page import DEFAULT_DB, ensure_database, ms, p95  # noqa: E402

DRAFT_BUDGET_MS = 50.0
LONGEST, DRAWN = 20, 30


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=3, help="passes over the sample of people")
    args = parser.parse_args()
    ensure_database(args.db)

    from station_tui.domain.models import Certificate
    from station_tui.reports import certificate as report
    from station_tui.storage import Actor, Store

    with Store(args.db, actor=Actor(user="bench", program="bench")) as store:
        first, last = (date.fromisoformat(d) for d in store.query(
            "SELECT min(date), max(date) FROM hours_entries")[0])
        span = (first.isoformat(), last.isoformat())
        longest = [r[0] for r in store.query(
            "SELECT e.person_id FROM hours_entries e JOIN people p ON p.id = e.person_id AND p.deleted = 0"
            " GROUP BY e.person_id HAVING sum(e.tenths) > 0 ORDER BY count(*) DESC LIMIT ?", (LONGEST,))]
        with_hours = sorted(r[0] for r in store.query(
            "SELECT e.person_id FROM hours_entries e JOIN people p ON p.id = e.person_id AND p.deleted = 0"
            " GROUP BY e.person_id HAVING sum(e.tenths) > 0"))
        sample = longest + random.Random(2026).sample(with_hours, DRAWN)
        station = store.station.current()
        assert station is not None
        drafts = {pid: store.certificates.draft(pid, first, last) for pid in sample}  # warm up
        most = max(len(d.lines) for d in drafts.values())
        print(f"database: {len(with_hours)} people with hours, {span[0]} to {span[1]}; "
              f"sample {len(sample)} people, the longest certificate lists {most} services")

        floor, draft, docx = [], [], []
        for _ in range(args.runs):
            for pid in sample:
                started = time.perf_counter()
                store.query_value("SELECT sum(tenths) FROM hours_entries WHERE person_id = ? AND date BETWEEN ? AND ?",
                                  (pid, *span))
                floor.append(time.perf_counter() - started)
            for pid in sample:
                started = time.perf_counter()
                made = store.certificates.draft(pid, first, last)
                draft.append(time.perf_counter() - started)
                assert made.total_tenths == sum(line.tenths for line in made.lines)
        with tempfile.TemporaryDirectory() as folder:
            for n, pid in enumerate([longest[-1], *longest]):  # the first only imports python-docx
                d = drafts[pid]
                cert = Certificate(
                    number=f"{station.code}-{last.year}-9999", year=last.year, serial=9999, person_id=pid,
                    person_name=d.person.name, period_from=first, period_to=last, total_tenths=d.total_tenths,
                    entry_count=len(d.lines), entry_ids=[line.entry_id for line in d.lines], issued_on=last,
                    issuer="负责人", operator="经办人")
                doc = report.CertificateDocument(
                    station_name=station.name, county=station.county, township=station.township, number=cert.number,
                    name=cert.person_name, gender=d.person.gender or "", id_number="", volunteer_no="",
                    period_from=first, period_to=last, total_tenths=d.total_tenths, lines=d.lines, issuer="负责人",
                    operator="经办人", issued_on=last)
                started = time.perf_counter()
                report.write(doc, Path(folder) / "c.docx")
                if n:
                    docx.append(time.perf_counter() - started)

    floor_p95 = p95(floor)
    print(f"{'':10}{'median':>10}{'p95':>10}{'p95 / floor':>14}")
    for name, samples in (("floor", floor), ("draft", draft), ("docx", docx)):
        print(f"{name:10}{ms(statistics.median(samples)):>8.2f}ms{ms(p95(samples)):>8.2f}ms"
              f"{p95(samples) / floor_p95:>13.1f}×")
    ok = ms(p95(draft)) <= DRAFT_BUDGET_MS
    print(f"budget: draft p95 ≤ {DRAFT_BUDGET_MS:.0f} ms → {'OK' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
