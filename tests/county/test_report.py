"""The county's figures for a station are exactly the station's own `station status` figures,
and the township and county totals are their sums — after a real upload of real outboxes."""

from __future__ import annotations

import csv
import json
from datetime import date, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from station_tui.commands import status
from station_tui.domain import Station
from station_tui.domain.models import Activity, Attendance, Lecture, Person, Plan, PlanItem, Record, Request, Team
from station_tui.domain.request_flow import Move
from station_tui.storage import Actor, Store
from sync import protocol
from tests import station_cli
from tests.county_server import County
from tests.reference_figures import reference_figures

STATIONS = [  # code, name, township, how much they do
    ("140311101201", "甄家庄社区新时代文明实践站", "府西街道", 1),
    ("140311101202", "新建路社区新时代文明实践站", "府西街道", 2),
    ("140311102201", "东关村新时代文明实践站", "城东街道", 3),
]
FIGURE_KEYS = [
    "lectures",
    "lecture_audience",
    "activities",
    "activity_served",
    "activities_by_platform",
    "volunteer_hours",
    "people",
    "volunteers",
    "attendance",
    "plan_items",
    "plan_items_done",
    "teams",
    "brand_projects",
    "hours_credited",
    "requests_received",
    "requests_completed",
    "requests_escalated",
    "requests_rating",
]
#: Hours, summed in exact tenths.
HOURS_KEYS = ("volunteer_hours", "hours_credited")
#: The one figure a sum cannot give: an average (checked from the stars themselves below).
AVERAGES = ("requests_rating",)


def saved(record: Record) -> str:
    """The id of a record the store has saved."""
    assert record.id is not None
    return record.id


def build_station(path: Path, code: str, name: str, township: str, k: int) -> None:
    """A year of a station's records through the repositories, with edits and deletions."""
    with Store(path, actor=Actor(user="tester", program="pytest")) as store:
        store.station.setup(Station(code=code, name=name, township=township, county="杏花岭区"))
        people = [
            store.people.add(Person(name=f"村民{'甲乙丙丁戊己庚辛'[i]}", is_volunteer=i % 2 == 0)) for i in range(4 + k)
        ]
        store.people.delete(saved(people[-1]))  # left the village: not on the roster any more

        def lecture(day: date, audience: int) -> Lecture:
            return store.lectures.add(
                Lecture(
                    date=day, topic="党的二十届四中全会精神", audience=audience, start_time=time(9), end_time=time(11)
                )
            )

        def activity(day: date, platform: str, served: int, tenths: int, brand: str | None = None) -> Activity:
            return store.activities.add(
                Activity(
                    date=day,
                    title="文明实践活动",
                    platform=platform,
                    served=served,
                    volunteer_tenths=tenths,
                    volunteer_count=5 if tenths else 0,
                    start_time=time(14),
                    end_time=time(17),
                    brand_project=brand,
                )
            )

        def sign(kind: str, event_id: str | None, **kw: Any) -> Attendance:
            assert event_id is not None
            return store.attendance.add(Attendance(event_kind=kind, event_id=event_id, **kw))

        l1 = lecture(date(2026, 3, 2), 10)  # its roster outnumbers the typed audience
        sign("lecture", l1.id, person_id=people[0].id, role="宣讲员", credited_tenths=15)
        for p in people[1:4]:
            sign("lecture", l1.id, person_id=p.id, role="群众")
        sign("lecture", l1.id, headcount=20 * k)
        l2 = lecture(date(2026, 5, 10), 50 * k)
        sign("lecture", l2.id, headcount=5)
        lecture(date(2025, 12, 1), 99)  # another year
        gone = lecture(date(2026, 3, 3), 70)
        store.lectures.delete(saved(gone))

        for i in range(k):  # teams: one of them deleted at the third station
            team = store.teams.add(Team(name=f"志愿服务队{i}"))
            if i == 2:
                store.teams.delete(saved(team))
        a1 = activity(date(2026, 3, 5), "文化服务", 30, 25 * k, brand="田间课堂")
        credited = sign("activity", a1.id, person_id=people[0].id, role="志愿者", credited_tenths=10 + k)
        # The roster corrected: the ledger voids the old entry and adds the new one.
        store.attendance.update(credited.model_copy(update={"credited_tenths": 5 + k}))
        helper = sign("activity", a1.id, person_id=people[3].id, role="志愿者", credited_tenths=20)
        store.attendance.save_roster(removed=[helper])
        # Late entries by hand, one of them voided, one in another year.
        late = store.hours.late_entry(saved(people[1]), date(2026, 4, 1), 12 * k, "漏记", "专管员", content="清扫")
        store.hours.late_entry(saved(people[2]), date(2026, 4, 2), 7, "漏记", "专管员", content="理发")
        store.hours.void(saved(late), "记错了人", "专管员")
        store.hours.late_entry(saved(people[1]), date(2025, 6, 1), 30, "去年漏记", "专管员", content="扫雪")
        sign("activity", a1.id, person_id=people[1].id, role="群众")
        mistake = sign("activity", a1.id, person_id=people[2].id, role="群众")
        store.attendance.delete(saved(mistake))
        a2 = activity(date(2026, 7, 1), "健身体育服务", 0, 0)
        sign("activity", a2.id, headcount=12 * k)
        a3 = activity(date(2026, 3, 20), "教育服务", 8, 5)
        store.activities.update(a3.model_copy(update={"served": 18 + k}))
        for m in range(k):
            activity(date(2026, 11, 1 + m), "科技与科普服务", 3, 7, brand=("理论直通车", "田间课堂", None)[m])

        # Monthly plans: items done (matched to a live event), not done, matched to an event
        # deleted since, in a plan deleted since, and in another year.
        march = store.plans.add(Plan(month="2026-03", theme="学雷锋志愿服务月"))
        store.plan_items.add(PlanItem(plan_id=march.id, date=date(2026, 3, 2), title="宣讲", platform="理论宣讲",
                                      lecture_id=l1.id))
        store.plan_items.add(PlanItem(plan_id=march.id, week=1, title="文化", platform="文化服务", activity_id=a1.id))
        for n in range(k):
            store.plan_items.add(PlanItem(plan_id=march.id, week=2 + n, title=f"未完成{n}", platform="教育服务"))
        dropped = activity(date(2026, 3, 25), "教育服务", 1, 0)
        store.plan_items.add(PlanItem(plan_id=march.id, week=4, title="后来删了", platform="教育服务",
                                      activity_id=dropped.id))
        store.activities.delete(saved(dropped))
        july = store.plans.add(Plan(month="2026-07", theme="永远跟党走"))
        store.plan_items.add(PlanItem(plan_id=july.id, date=date(2026, 7, 1), title="健身", platform="健身体育服务",
                                      activity_id=a2.id))
        old = store.plans.add(Plan(month="2025-12"))
        store.plan_items.add(PlanItem(plan_id=old.id, week=1, title="宪法宣讲", platform="理论宣讲"))
        if k == 3:
            gone_plan = store.plans.add(Plan(month="2026-05"))
            store.plan_items.add(PlanItem(plan_id=gone_plan.id, week=1, title="作废", platform="理论宣讲"))
            store.plans.delete(saved(gone_plan))

        # Villager requests: one rated 2 + k stars, one escalated, one left in another year.
        team = store.teams.add(Team(name="党员先锋队"))
        rated = store.requests.add(Request(received_on=date(2026, 3, 9), wish="修屋顶", requester="王大妈"))
        for move in (Move("assign", team_id=saved(team)), Move("accept"), Move("complete", activity_id=saved(a1)),
                     Move("rate", rating=2 + k, comment="好")):
            store.requests.move(saved(rated), move)
        up = store.requests.add(Request(received_on=date(2026, 5, 2), wish="修桥", requester="赵大爷"))
        store.requests.move(saved(up), Move("escalate", escalate_to="县", note="要修桥"))
        store.requests.add(Request(received_on=date(2025, 12, 2), wish="理发", requester="李奶奶"))


def upload(county: County, path: Path, code: str, name: str, township: str, per_batch: int = 7) -> int:
    """Register and enroll the station, then send its whole outbox the way the sync client does."""
    with Store(path, actor=Actor(user="tester", program="pytest")) as store:
        epoch = store.meta("epoch")
        assert epoch is not None
        token = county.enroll(code, epoch=epoch, name=name, township=township)
        rows = store.query("SELECT * FROM outbox ORDER BY seq")
    ack = 0
    for i in range(0, len(rows), per_batch):
        b = protocol.Batch(
            schema_version=2,
            app_version="0.1.0",
            station=code,
            epoch=epoch,
            after_seq=ack,
            changes=[protocol.change_from_outbox(dict(r)) for r in rows[i : i + per_batch]],
        )
        r = county.post(token, None, raw=protocol.encode(b), headers={"Content-Encoding": "gzip"})
        assert r.status_code == 200, r.text
        assert r.json()["counts"]["applied"] == len(b.changes) and r.json()["results"] == []
        ack = r.json()["ack_seq"]
    assert ack == rows[-1]["seq"]
    return ack


def station_figures(path: Path, *period: str) -> dict[str, Any]:
    done = station_cli.run("status", "--json", "--db", str(path), *period)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["figures"]


def summed(items: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {k: 0 for k in FIGURE_KEYS if k not in ("activities_by_platform", *AVERAGES)}
    out["activities_by_platform"] = dict.fromkeys(items[0]["activities_by_platform"], 0)
    tenths = dict.fromkeys(HOURS_KEYS, 0)
    for f in items:
        for k in out:
            if k == "activities_by_platform":
                for p, n in f[k].items():
                    out[k][p] += n
            elif k in HOURS_KEYS:
                tenths[k] += round(f[k] * 10)
            else:
                out[k] += f[k]
    for k in HOURS_KEYS:
        out[k] = tenths[k] / 10
    return out


def check(report: dict[str, Any], period: str | None, own: dict[str, dict[str, Any]]) -> None:
    assert report["period"] == period
    assert [s["code"] for s in report["stations"]] == [c for c, *_ in sorted(STATIONS, key=lambda s: (s[2], s[0]))]
    for s in report["stations"]:
        assert {k: s[k] for k in FIGURE_KEYS} == own[s["code"]], (period, s["code"])
        assert s["last_sync"] is not None
    by_township: dict[str, list[dict[str, Any]]] = {}
    for s in report["stations"]:
        by_township.setdefault(s["township"], []).append(s)
    assert [t["name"] for t in report["townships"]] == sorted(by_township)
    summable = [k for k in FIGURE_KEYS if k not in AVERAGES]
    for t in report["townships"]:
        assert {k: t[k] for k in summable} == summed(by_township[t["name"]])
    assert {k: report["total"][k] for k in summable} == summed(report["stations"])
    assert report["total"]["stations"] == len(STATIONS)


def test_county_figures_equal_each_stations_own_and_totals_are_sums(own_county: County, tmp_path: Path) -> None:
    county = own_county
    paths = {}
    for code, name, township, k in STATIONS:
        paths[code] = tmp_path / f"{code}.db"
        build_station(paths[code], code, name, township, k)
        upload(county, paths[code], code, name, township)

    # The year through both commands, as a county clerk and a station manager would run them.
    report = json.loads(county.cli("report", "--format", "json", "--year", "2026").stdout)
    own = {code: station_figures(path, "--year", "2026") for code, path in paths.items()}
    for code, path in paths.items():
        assert own[code] == reference_figures(path, 2026), code
    check(report, "2026", own)
    # Each station's own figures are the reference figures worked out row by row.
    for code, path in paths.items():
        assert own[code] == reference_figures(path, 2026), code
    # Month and all time through the HTTP report and the code `station status --json` runs.
    for year, month, period in ((2026, 3, "2026-03"), (None, None, None)):
        own = {}
        for code, path in paths.items():
            with Store(path, actor=Actor(user="tester", program="pytest")) as store:
                own[code] = status.collect(store, year, month)["figures"]
        check(county.report(year, month), period, own)
    # The HTTP report for county staff is the same document.
    assert county.report(2026) == report

    # Spot-check the rules themselves on station 1 (k = 1) for 2026:
    one = next(s for s in county.report(2026)["stations"] if s["code"] == "140311101201")
    assert one["lectures"] == 2 and one["lecture_audience"] == 23 + 50  # max(10, 3 群众 + 20)
    assert one["activities_by_platform"] == {
        "理论宣讲": 0,
        "教育服务": 1,
        "文化服务": 1,
        "科技与科普服务": 1,
        "健身体育服务": 1,
    }
    assert one["people"] == 4 and one["volunteers"] == 2
    # March and July: 2 + 1 done of 2 + 1 + 1 + 1 planned (the deleted event's item is not done).
    assert (one["plan_items"], one["plan_items_done"]) == (5, 3)
    assert report["total"]["plan_items"] == 5 + 6 + 7 and report["total"]["plan_items_done"] == 9
    assert one["teams"] == 2 and one["brand_projects"] == 2  # 志愿服务队0 and 党员先锋队 (the requests' team)
    # The speaker's 1.5 h, 0.6 h on the corrected roster line (the removed line's 2 h voided),
    # 1.2 h late then voided, 0.7 h late (2025's 3 h are another year's).
    assert one["hours_credited"] == 2.8
    third = next(s for s in county.report(2026)["stations"] if s["code"] == "140311102201")
    assert third["teams"] == 3 and third["brand_projects"] == 2
    assert county.report(None)["total"]["hours_credited"] == summed(county.report(None)["stations"])["hours_credited"]
    assert (one["requests_received"], one["requests_completed"], one["requests_escalated"]) == (2, 1, 1)
    # Ratings 3, 4, 5 (k = 1, 2, 3): 府西街道 has the first two, 3.5; the county all three, 4.0.
    whole_year = county.report(2026)
    assert [s["requests_rating"] for s in whole_year["stations"]] == [5.0, 3.0, 4.0]  # 城东街道 first
    assert {t["name"]: t["requests_rating"] for t in whole_year["townships"]} == {"府西街道": 3.5, "城东街道": 5.0}
    assert whole_year["total"]["requests_rating"] == 4.0
    last_year = county.report(2025)["total"]
    assert (last_year["requests_received"], last_year["requests_rating"]) == (3, None)


def test_csv_xlsx_and_table_outputs_are_readable(own_county: County, tmp_path: Path) -> None:
    county = own_county
    for code, name, township, k in STATIONS[:2]:
        path = tmp_path / f"{code}.db"
        build_station(path, code, name, township, k)
        upload(county, path, code, name, township)
    report = county.report(2026)

    out_csv = tmp_path / "out" / "report.csv"
    county.cli("report", "--year", "2026", "--format", "csv", "--output", str(out_csv))
    with open(out_csv, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[:5] == ["级别", "乡镇（街道）", "站点代码", "站点名称", "上次同步"]
    lines = {r[2]: dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == "站点"}
    for s in report["stations"]:
        line = lines[s["code"]]
        assert line["站点名称"] == s["name"]
        assert int(line["宣讲覆盖人次"]) == s["lecture_audience"]
        assert int(line["文化服务"]) == s["activities_by_platform"]["文化服务"]
        assert line["志愿服务时长（小时）"] == f"{s['volunteer_hours']:.1f}"
    total = next(r for r in rows if r[0] == "全县合计")
    assert int(total[header.index("签到人次")]) == report["total"]["attendance"]

    out_xlsx = tmp_path / "report.xlsx"
    county.cli("report", "--year", "2026", "--format", "xlsx", "--output", str(out_xlsx))
    sheet = load_workbook(out_xlsx).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == header
    xrows = {r[2]: dict(zip(header, r, strict=True)) for r in cells[1:] if r[0] == "站点"}
    for s in report["stations"]:
        assert xrows[s["code"]]["活动服务人次"] == s["activity_served"]
        assert xrows[s["code"]]["志愿服务时长（小时）"] == s["volunteer_hours"]

    table = county.cli("report", "--year", "2026").stdout
    assert "全县合计" in table and "府西街道" in table and STATIONS[0][1] in table
