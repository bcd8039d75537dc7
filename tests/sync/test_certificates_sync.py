"""A 志愿服务记录证明 reaches a real county (SQLite and PostgreSQL stores) with `station sync`,
and the county checks its number: `county-center certificate` and GET /api/v1/certificates/…
say 一致 while the station's uploaded hours equal the certificate's, show the difference once
an entry it lists is voided (or one is added in its period), and refuse an unknown number."""

from __future__ import annotations

import json
import uuid
from datetime import date, time

import httpx

from station_tui.domain import Attendance, Lecture, Person
from sync import protocol
from tests.county_server import County
from tests.sync.support import StationPC

PERIOD = (date(2026, 1, 1), date(2026, 10, 31))


def _issue(pc: StationPC) -> tuple[str, str, str]:
    """张三's year of service and a certificate of it: (number, person id, a 补录's id)."""
    with pc.store() as s:
        zhang = s.people.add(Person(name="张三", is_volunteer=True))
        lecture = s.lectures.add(Lecture(date=date(2026, 3, 5), start_time=time(9), end_time=time(11),
                                         topic="乡村振兴政策解读"))
        s.attendance.save_roster(added=[Attendance(event_kind="lecture", event_id=str(lecture.id),
                                                   person_id=zhang.id, role="志愿者", credited_tenths=20)])
        roof = s.hours.late_entry(str(zhang.id), date(2026, 4, 2), 30, "忘记登记", "王秀英", content="帮五保户修屋顶")
        wrong = s.hours.late_entry(str(zhang.id), date(2026, 6, 9), 40, "录错了", "王秀英", content="清扫村道")
        s.hours.void(str(wrong.id), "不是他", "王秀英")
        cert = s.certificates.issue(str(zhang.id), *PERIOD, issuer="李主任", operator="王秀英",
                                    issued_on=date(2026, 11, 2))
    assert cert.total_tenths == 50
    return cert.number, str(zhang.id), str(roof.id)


def _sync(pc: StationPC) -> None:
    out = pc.station("sync")
    assert out.returncode == 0, out.stderr
    assert pc.pending() == 0


def _http(county: County, number: str, token: str | None) -> httpx.Response:
    headers = protocol.auth_header(token) if token else {}
    return httpx.get(f"{county.base}{protocol.API_PREFIX}/certificates/{number}", headers=headers, timeout=30)


def test_the_county_checks_a_certificate_against_the_hours_uploaded(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    number, person_id, roof = _issue(station_pc)
    _sync(station_pc)
    held = county.records(station_pc.code)
    assert held == station_pc.expected_records()
    (row,) = [r for (table, _), (_, _, r) in held.items() if table == "certificates"]
    assert row["number"] == number and row["total_tenths"] == 50 and len(row["entry_ids"]) == 2

    done = county.cli("certificate", number)
    assert done.returncode == 0, done.stderr
    assert f"志愿服务记录证明 {number}" in done.stdout
    assert "志愿者：张三" in done.stdout and "服务期间：2026-01-01 至 2026-10-31" in done.stdout
    assert "证明时长：5.0 小时（2 次）" in done.stdout and "同期时长：5.0 小时" in done.stdout
    assert "核验结果：一致" in done.stdout

    admin = _http(county, number, county.admin_token())
    assert admin.status_code == 200, admin.text
    body = admin.json()
    assert body["matches"] is True and body["certified_hours"] == body["uploaded_hours"] == 5.0
    assert body["person"] == {"id": person_id, "name": "张三", "current_name": "张三"}
    assert body["station"]["code"] == station_pc.code
    station_token = county.enroll("1403119" + f"{uuid.uuid4().int % 10**5:05d}")
    refused = _http(county, number, station_token)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert _http(county, number, None).status_code == 403

    # After issuing, the station voids a 补录 the certificate lists and adds another hour.
    with station_pc.store() as s:
        s.hours.void(roof, "日期记错", "王秀英")
        s.hours.late_entry(person_id, date(2026, 10, 1), 10, "补记", "王秀英", content="国庆值班")
    _sync(station_pc)
    differs = county.cli("certificate", number, check=False)
    assert differs.returncode == 3, differs.stderr
    assert "县中心收到的该站同期时长：3.0 小时" in differs.stdout
    assert "核验结果：不一致，相差 -2.0 小时" in differs.stdout
    assert "证明所列的 2026-04-02 3.0 小时已被作废：日期记错" in differs.stdout
    assert "证明之外的 2026-10-01 1.0 小时（国庆值班）" in differs.stdout
    as_json = json.loads(county.cli("certificate", number, "--json", check=False).stdout)
    assert as_json["matches"] is False and as_json["difference_hours"] == -2.0
    assert _http(county, number, county.admin_token()).json()["uploaded_hours"] == 3.0


def test_an_unknown_number_is_refused(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    number, _, _ = _issue(station_pc)
    _sync(station_pc)
    other = number[:-4] + "0099"
    missing = county.cli("certificate", other, check=False)
    assert missing.returncode == 1
    assert f"没有上传过编号为 {other} 的证明" in missing.stderr and "No certificate numbered" in missing.stderr
    nowhere = county.cli("certificate", "999999999999-2026-0001", check=False)
    assert nowhere.returncode == 1 and "没有代码为 999999999999 的站点" in nowhere.stderr
    garbled = county.cli("certificate", "abc", check=False)
    assert garbled.returncode == 1 and "格式不对" in garbled.stderr
    answer = _http(county, other, county.admin_token())
    assert answer.status_code == 404 and "没有上传过" in answer.json()["message"]
