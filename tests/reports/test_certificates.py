"""志愿服务记录证明 at the station, on real SQLite files: what a certificate lists is exactly the
ledger's balance for its period (voided entries left out), its number is unique per station and
year even when two processes issue at once, the register only grows, the .docx says what the
register holds (name, masked ID, every service, the total) and a reprint is the same document;
``station certificate`` and ``station export volunteer-hours`` as a user runs them."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, time
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from station_tui.domain import Attendance, Lecture, Person, Station
from station_tui.domain.models import Activity, Team
from station_tui.reports import certificate as report
from station_tui.reports import volunteer_hours
from station_tui.storage import Store
from station_tui.storage.repositories.certificates import CertificateRefusal
from tests import station_cli
from tests.conftest import the_station

ID_NUMBER = "11010519491231002X"
YEAR = (date(2026, 1, 1), date(2026, 10, 31))


@pytest.fixture
def zhang(store: Store, station: Station) -> Person:
    return store.people.add(Person(
        name="张三", gender="男", birth_year=1968, phone="13812345678", is_volunteer=True, volunteer_no="SX2024001",
        skills=["理发", "电工"], id_number=ID_NUMBER,
    ))


def _hours(store: Store, person: Person) -> dict[str, str]:
    """A year of service: a lecture roster line corrected once, three 补录 (one voided), and one
    entry outside the period. Returns the standing entries' ids by what they were for."""
    lecture = store.lectures.add(Lecture(date=date(2026, 3, 5), start_time=time(9), end_time=time(11),
                                         topic="乡村振兴政策解读", place="村委会议室", speaker="李明"))
    (line,) = store.attendance.save_roster(added=[Attendance(
        event_kind="lecture", event_id=str(lecture.id), person_id=person.id, role="志愿者", credited_tenths=20)])
    store.attendance.save_roster(updated=[line.model_copy(update={"credited_tenths": 15})])  # void + new entry
    hours = store.hours
    fixed = hours.late_entry(str(person.id), date(2026, 4, 2), 30, "忘记登记", "王秀英", content="帮五保户修屋顶")
    wrong = hours.late_entry(str(person.id), date(2026, 6, 9), 40, "录错了人", "王秀英", content="清扫村道")
    hours.void(str(wrong.id), "不是他", "王秀英")
    later = hours.late_entry(str(person.id), date(2026, 9, 30), 25, "补记", "王秀英", content="陪老人就医")
    hours.late_entry(str(person.id), date(2025, 12, 30), 50, "去年的", "王秀英", content="冬季送温暖")
    earned = store.query_value(
        "SELECT id FROM hours_entries WHERE person_id = ? AND entry_kind = '获得' AND tenths = 15", (person.id,))
    return {"lecture": earned, "roof": str(fixed.id), "doctor": str(later.id), "wrong": str(wrong.id)}


def test_a_certificate_lists_exactly_the_ledgers_balance_for_its_period(store: Store, zhang: Person) -> None:
    ids = _hours(store, zhang)
    cert = store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任", operator="王秀英",
                                    issued_on=date(2026, 11, 2))
    balance = store.query_value(
        "SELECT sum(tenths) FROM hours_entries WHERE person_id = ? AND date BETWEEN ? AND ?",
        (zhang.id, *(d.isoformat() for d in YEAR)))
    assert cert.total_tenths == balance == 15 + 30 + 25
    assert cert.number == "140311101201-2026-0001" and (cert.year, cert.serial) == (2026, 1)
    assert cert.entry_ids == [ids["lecture"], ids["roof"], ids["doctor"]], "by date; voided and voids left out"
    lines = store.certificates.lines_of(cert)
    assert [(ln.date.isoformat(), ln.what, ln.tenths) for ln in lines] == [
        ("2026-03-05", "乡村振兴政策解读", 15), ("2026-04-02", "帮五保户修屋顶", 30), ("2026-09-30", "陪老人就医", 25)]
    second = store.certificates.issue(str(zhang.id), date(2025, 12, 1), date(2025, 12, 31), issuer="李主任",
                                      issued_on=date(2026, 11, 3))
    third = store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任", issued_on=date(2027, 1, 4))
    assert (second.number, third.number) == ("140311101201-2026-0002", "140311101201-2027-0001")
    # The register row travels to the county with its entries as a JSON list.
    (change,) = store.query("SELECT row_json FROM outbox WHERE record_id = ?", (cert.id,))
    row = json.loads(change[0])
    assert row["entry_ids"] == cert.entry_ids and row["total_tenths"] == 70 and row["number"] == cert.number


def test_no_hours_in_the_period_is_refused_and_nothing_is_registered(store: Store, zhang: Person) -> None:
    _hours(store, zhang)
    before = store.query_value("SELECT count(*) FROM outbox")
    with pytest.raises(CertificateRefusal, match="2026-07-01 至 2026-08-31 期间没有记入的服务时长"):
        store.certificates.issue(str(zhang.id), date(2026, 7, 1), date(2026, 8, 31), issuer="李主任")
    # Only a voided entry in the period: no hours either.
    with pytest.raises(CertificateRefusal, match="没有记入的服务时长"):
        store.certificates.issue(str(zhang.id), date(2026, 6, 9), date(2026, 6, 9), issuer="李主任")
    with pytest.raises(CertificateRefusal, match="晚于截止日期"):
        store.certificates.issue(str(zhang.id), date(2026, 9, 1), date(2026, 3, 1), issuer="李主任")
    with pytest.raises(CertificateRefusal, match="负责人"):
        store.certificates.issue(str(zhang.id), *YEAR, issuer="  ")
    assert store.certificates.count_page() == 0
    assert store.query_value("SELECT count(*) FROM outbox") == before


def test_hours_changed_after_the_preview_are_not_issued_unseen(store: Store, zhang: Person) -> None:
    _hours(store, zhang)
    seen = store.certificates.draft(str(zhang.id), *YEAR)
    assert (len(seen.lines), seen.total_tenths) == (3, 70)
    store.hours.late_entry(str(zhang.id), date(2026, 10, 1), 10, "另一处会话补录", "王秀英", content="国庆值班")
    with pytest.raises(CertificateRefusal, match=re.escape("确认期间有变化（现为 4 次，累计 8.0 小时）")):
        store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任", previewed=seen)
    assert store.certificates.count_page() == 0
    again = store.certificates.draft(str(zhang.id), *YEAR)
    assert store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任", previewed=again).total_tenths == 80


def test_the_register_only_grows(store: Store, zhang: Person, db_path: Path) -> None:
    _hours(store, zhang)
    cert = store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任")
    with pytest.raises(CertificateRefusal):
        store.certificates.update(cert.model_copy(update={"total_tenths": 999}))
    with pytest.raises(CertificateRefusal):
        store.certificates.delete(str(cert.id))
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="不能修改"):
        conn.execute("UPDATE certificates SET total_tenths = 999 WHERE id = ?", (cert.id,))
    with pytest.raises(sqlite3.IntegrityError, match="不能删除"):
        conn.execute("DELETE FROM certificates WHERE id = ?", (cert.id,))
    conn.close()
    assert store.certificates.by_number(cert.number) == cert


_ISSUER = textwrap.dedent("""
    import sys
    from datetime import date
    from station_tui.storage import Actor, Store
    store = Store(sys.argv[1], actor=Actor(user=sys.argv[3]))
    sys.stdin.readline()  # both processes start issuing together
    for _ in range(int(sys.argv[4])):
        c = store.certificates.issue(sys.argv[2], date(2026, 1, 1), date(2026, 10, 31), issuer="李主任",
                                     issued_on=date(2026, 11, 2))
        print(c.number, flush=True)
""")


def test_two_processes_issuing_at_once_never_get_the_same_number(store: Store, zhang: Person, db_path: Path) -> None:
    _hours(store, zhang)
    runs = 15
    procs = [
        subprocess.Popen([sys.executable, "-c", _ISSUER, str(db_path), str(zhang.id), who, str(runs)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who in ("甲", "乙")
    ]
    outputs = [p.communicate("go\n", timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    numbers = [n for out, _ in outputs for n in out.split()]
    assert len(numbers) == 2 * runs
    assert sorted(numbers) == [f"140311101201-2026-{i:04d}" for i in range(1, 2 * runs + 1)]
    assert store.certificates.count_page(2026) == 2 * runs


def _cells(path: Path) -> tuple[list[str], list[list[str]]]:
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs if p.text.strip()]
    table = doc.tables[0]
    return paragraphs, [[c.text for c in row.cells] for row in table.rows]


def test_the_docx_says_what_the_register_holds(store: Store, zhang: Person, tmp_path: Path) -> None:
    _hours(store, zhang)
    cert = store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任", operator="王秀英",
                                    issued_on=date(2026, 11, 2))
    path = tmp_path / report.default_name(cert)
    report.write(report.gather(store, cert), path)
    paragraphs, rows = _cells(path)
    assert paragraphs[0] == "编号：140311101201-2026-0001"
    assert paragraphs[1] == "志愿服务记录证明"
    assert paragraphs[2] == (
        "兹证明 张三 同志（男，身份证号 1101**********002X，志愿者编号 SX2024001）于 2026年1月1日 至 2026年10月31日 "
        "期间在甄家庄社区新时代文明实践站参加志愿服务，累计服务时长 7.0 小时（共 3 次）。")
    assert ID_NUMBER not in "\n".join(paragraphs)
    assert rows == [
        ["序号", "服务日期", "服务内容", "时长（小时）"],
        ["1", "2026-03-05", "乡村振兴政策解读", "1.5"],
        ["2", "2026-04-02", "帮五保户修屋顶", "3.0"],
        ["3", "2026-09-30", "陪老人就医", "2.5"],
        ["合计（3 次）", "合计（3 次）", "合计（3 次）", "7.0"],
    ]
    heading = Document(str(path)).tables[0].rows[0]._tr
    assert heading.xpath("./w:trPr/w:tblHeader"), "the heading row repeats on every page"
    issuer = [c.text for row in Document(str(path)).tables[1].rows for c in row.cells]
    assert "负责人（签字）：李主任  ________" in issuer and "经办人：王秀英" in issuer and "（盖章）" in issuer
    assert "出具日期：2026年11月2日" in issuer

    # With the setting on, the whole number is printed.
    report.write(report.gather(store, cert, full_id_number=True), path)
    assert f"身份证号 {ID_NUMBER}" in _cells(path)[0][2]


def _pc(tmp_path: Path, full: bool = False) -> Path:
    """The PC's config folder, its settings letting ID numbers and phones leave the PC or not."""
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    settings = {"upload_id_numbers": full, "upload_phones": full}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    return config


def test_issue_list_and_reprint_from_the_command_line(store: Store, zhang: Person, db_path: Path,
                                                      tmp_path: Path) -> None:
    ids = _hours(store, zhang)
    store.people.add(Person(name="李四", is_volunteer=True))
    out = tmp_path / "证明.docx"
    done = station_cli.run("certificate", "issue", "张三", "--from", "2026-01-01", "--to", "2026/10/31",
                           "--issuer", "李主任", "--output", out, db=db_path, config_dir=_pc(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "已开具志愿服务记录证明 140311101201-" in done.stdout and "累计 7.0 小时" in done.stdout
    number = done.stdout.split("证明 ")[1].split("：")[0]
    first = _cells(out)

    # Voided after issuing: the register and a reprint still say what was certified.
    store.hours.void(ids["doctor"], "日期记错", "王秀英")
    again = tmp_path / "补打.docx"
    done = station_cli.run("certificate", "print", number, "--output", again, db=db_path, config_dir=_pc(tmp_path))
    assert done.returncode == 0, done.stderr
    assert _cells(again) == first

    listed = station_cli.run("certificate", "list", "--year", "2026", db=db_path)
    assert listed.returncode == 0, listed.stderr
    assert number in listed.stdout and "张三" in listed.stdout and "共 1 份" in listed.stdout

    # No hours for 李四: refused in both languages, exit 1, nothing registered.
    refused = station_cli.run("certificate", "issue", "李四", "--issuer", "李主任", db=db_path,
                              config_dir=_pc(tmp_path))
    assert refused.returncode == 1
    assert "李四 在" in refused.stderr and "没有记入的服务时长" in refused.stderr
    assert "nothing registered" in refused.stderr
    unknown = station_cli.run("certificate", "print", "140311101201-2026-0099", db=db_path)
    assert unknown.returncode == 1 and "没有编号为 140311101201-2026-0099 的证明" in unknown.stderr
    assert store.certificates.count_page() == 1


def test_namesakes_are_told_apart_by_id(store: Store, zhang: Person, db_path: Path, tmp_path: Path) -> None:
    _hours(store, zhang)
    other = store.people.add(Person(name="张三", gender="男", birth_year=1990))
    done = station_cli.run("certificate", "issue", "张三", "--issuer", "李主任", db=db_path, config_dir=_pc(tmp_path))
    assert done.returncode == 1
    assert "有 2 位叫 张三 的人" in done.stderr and str(other.id) in done.stderr and str(zhang.id) in done.stderr
    out = tmp_path / "c.docx"
    done = station_cli.run("certificate", "issue", str(zhang.id), "--from", "2026-01-01", "--to", "2026-10-31",
                           "--issuer", "李主任", "--output", out, db=db_path, config_dir=_pc(tmp_path, full=True))
    assert done.returncode == 0, done.stderr
    assert f"身份证号 {ID_NUMBER}" in _cells(out)[0][2], "the station's setting prints the whole number"
    bad = station_cli.run("certificate", "issue", "张三", "--from", "2026-13-01", db=db_path)
    assert bad.returncode == 2 and "看不懂" in bad.stderr and "Unreadable date" in bad.stderr


def test_the_volunteer_platform_export(store: Store, zhang: Person, db_path: Path, tmp_path: Path) -> None:
    ids = _hours(store, zhang)
    leader = store.people.add(Person(name="王队长"))
    team = store.teams.add(Team(name="文艺志愿服务队", category="文体活动开展", leader_id=leader.id))
    act = store.activities.add(Activity(date=date(2026, 5, 1), start_time=time(19), end_time=time(21),
                                        title="广场舞晚会", platform="健身体育服务", place="文化广场", team_id=team.id,
                                        volunteer_count=1, volunteer_tenths=20))
    store.attendance.save_roster(added=[Attendance(
        event_kind="activity", event_id=str(act.id), person_id=zhang.id, role="志愿者", sign_in=time(19),
        sign_out=time(21), credited_tenths=20)])
    out = tmp_path / "platform.xlsx"
    done = station_cli.run("export", "volunteer-hours", "--from", "2026-01-01", "--to", "2026-10-31",
                           "--output", out, db=db_path, config_dir=_pc(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "1 人，4 条，合计 9.0 小时" in done.stdout
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert tuple(rows[0]) == volunteer_hours.HEADERS
    assert rows[1] == [1, "张三", "男", "1968年", "138****5678", "理发、电工", "乡村振兴政策解读", "2026-03-05",
                       "村委会议室", "理论宣讲", "09:00-11:00", 1.5, "李明", "tester"]
    assert rows[3] == [3, "张三", "男", "1968年", "138****5678", "理发、电工", "广场舞晚会", "2026-05-01",
                       "文化广场", "健身体育服务：志愿者", "19:00-21:00", 2.0, "王队长", "tester"]
    assert rows[2][6:] == ["帮五保户修屋顶", "2026-04-02", None, "补录：忘记登记", None, 3.0, None, "王秀英"]
    assert [(r[6], r[7], r[11]) for r in rows[1:5]] == [
        ("乡村振兴政策解读", "2026-03-05", 1.5), ("帮五保户修屋顶", "2026-04-02", 3.0),
        ("广场舞晚会", "2026-05-01", 2.0), ("陪老人就医", "2026-09-30", 2.5)]
    assert ids["wrong"] and all(r[6] != "清扫村道" for r in rows[1:]), "a voided 补录 nets out and is left out"
    assert rows[5][0] == "合计（4 条）" and rows[5][11] == 9.0
    empty = station_cli.run("export", "volunteer-hours", "--from", "2024-01-01", "--to", "2024-12-31",
                            "--output", tmp_path / "none.xlsx", db=db_path)
    assert empty.returncode == 1 and "没有记入的志愿服务时长" in empty.stderr and not (tmp_path / "none.xlsx").exists()


def test_the_register_is_paged_through_sql(store: Store, zhang: Person) -> None:
    _hours(store, zhang)
    for day in range(1, 8):
        store.certificates.issue(str(zhang.id), *YEAR, issuer="李主任", issued_on=date(2026, 11, day))
    page = store.certificates.page(2026, limit=3, offset=3)
    assert [c.serial for c in page] == [4, 3, 2]
    assert store.certificates.count_page(2026, "0007") == 1
    assert store.certificates.count_page(2025) == 0
    assert the_station().code in page[0].number
