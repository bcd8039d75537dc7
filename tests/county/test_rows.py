"""Reading rows and bodies: neither the fast JSON reader nor the compiled row check may change
a verdict the rules in Python (and ``json``) would give."""

from __future__ import annotations

import json

import pytest

from county import rows
from county.body import parse_json
from county.errors import ApiError


def _lecture(**fields: object) -> dict[str, object]:
    row = {"id": "L1", "row_version": 1, "date": "2026-03-05", "audience": 30, "deleted": 0}
    row.update(fields)
    return row


def _inspect(text: str, table: str = "lectures", op: str = "insert") -> rows.Incoming:
    return rows.inspect(7, {"seq": 7, "table": table, "op": op, "row": text})


def test_an_ordinary_row_is_read_and_kept_as_sent() -> None:
    text = json.dumps(_lecture(topic="乡村振兴"), ensure_ascii=False)
    item = _inspect(text)
    assert item.problem is None
    assert (item.table, item.record_id, item.row_version, item.deleted, item.row_json) == (
        "lectures",
        "L1",
        1,
        False,
        text,
    )


def test_an_escaped_lone_surrogate_in_a_free_text_field_is_applied_as_before() -> None:
    # Valid JSON that pydantic's reader refuses; ``json`` reads it, and the row is fine.
    text = '{"id":"L1","row_version":1,"date":"2026-03-05","audience":30,"note":"\\ud800"}'
    item = _inspect(text)
    assert item.problem is None and item.row_json == text


def test_an_escaped_lone_surrogate_in_the_id_is_quarantined_for_the_id() -> None:
    item = _inspect('{"id":"L\\ud800","row_version":1,"date":"2026-03-05","audience":30}')
    assert item.problem is not None and "记录编号 id" in item.problem


def test_deep_nesting_in_an_unchecked_field_is_judged_as_before() -> None:
    # Deeper than pydantic's reader goes, well within what ``json`` reads; in a column of a
    # newer station that this county does not know (``note`` is text, and judged as text).
    text = json.dumps(_lecture(tags=json.loads("[" * 300 + "]" * 300)))
    assert _inspect(text).problem is None


def test_a_row_that_is_not_json_is_quarantined() -> None:
    item = _inspect('{"id": "L1", ')
    assert item.problem == "行的内容不是 JSON 对象（本站数据库里的这条修改已损坏）"


def test_a_body_with_an_escaped_lone_surrogate_is_read() -> None:
    body = b'{"changes": [{"seq": 1, "row": "\\ud800"}]}'
    assert parse_json(body) == {"changes": [{"seq": 1, "row": "\ud800"}]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "上传的内容为空"),
        (b'{"a": "\xff"}', "上传的内容不是 UTF-8 编码的 JSON"),
        (b'{"a": 1} x', "上传的内容不是有效的 JSON（Extra data: line 1 column 10 (char 9)）"),
        (b"[" * 100_000 + b"]" * 100_000, "上传的 JSON 嵌套过深"),
    ],
)
def test_bodies_that_are_not_json_get_the_same_reasons(body: bytes, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_json(body)
    assert caught.value.status == 400
    assert caught.value.body().message == message


# -- the compiled check and the rules in Python ------------------------------------------------
# ``inspect`` lets a compiled pydantic-core check take ordinary changes and hands everything
# else to ``judge``. The compiled check may be stricter, never looser: for every change below,
# ``inspect`` must give exactly what ``judge`` gives (verdict, reason, fields, id).

ABSENT = object()
WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
TRICKY = [
    ABSENT,
    None,
    "",
    " ",
    "x",
    " x ",
    "\x1c",
    "\u3000",
    "a\x00b",
    "L" * 64,
    "L" * 65,
    -1,
    0,
    1,
    2,
    True,
    False,
    1.0,
    0.0,
    "1",
    2**62,
    2**62 + 1,
    2**70,
    [],
    {},
    "2026-03-05",
    "2026-02-30",
    "0000-01-01",
    "2026-3-05",
    "2026-03-05\n",
    "２０２６-０３-０５",
    "理论宣讲",
    "教育服务 ",
    "宣讲员",
    "群众",
    *WHITESPACE,
]


@pytest.fixture(scope="module")
def village_changes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    """(table, op, row JSON) of a year of a demo village, as its station uploads them."""
    from datetime import date

    from station_tui.demo.generator import generate
    from station_tui.storage import Actor, Store

    with Store(tmp_path_factory.mktemp("village") / "station.db", actor=Actor("tester")) as store:
        generate(store, years=1, size="small", seed=5, today=date(2026, 11, 22))
        return [tuple(r) for r in store.query("SELECT tbl, op, row_json FROM outbox ORDER BY seq")]


def _both(table: str, op: str, text: str) -> rows.Incoming:
    raw = {"seq": 3, "table": table, "op": op, "row": text}
    got = rows.inspect(3, raw)
    assert got == rows.judge(3, raw), (table, op, text)
    return got


def _with(text: str, field: str, value: object) -> str:
    row = json.loads(text)
    if value is ABSENT:
        row.pop(field, None)
    else:
        row[field] = value
    return json.dumps(row, ensure_ascii=False)


def test_every_change_of_a_village_is_taken_by_the_compiled_check(village_changes: list[tuple[str, str, str]]) -> None:
    # If a rule is added in Python only, the compiled check refuses every row and uploads slow
    # down several times without a single verdict changing: this is where that shows. The demo
    # village has rows of every table the reports read; a kind it does not make (yet) is judged
    # by its model's lengths alone, one code for both paths (the fresh-process test below).
    tables = {t for t, _, _ in village_changes}
    assert set(rows.REPORTS_READ) <= tables <= set(rows.FIELDS)
    for table, op, text in village_changes:
        raw = {"seq": 3, "table": table, "op": op, "row": text}
        fast = rows.quick(3, raw)
        assert fast is not None and fast.problem is None, (table, text)
        assert fast == rows.judge(3, raw)


def test_no_value_in_a_checked_field_gets_a_verdict_the_rules_would_not_give(
    village_changes: list[tuple[str, str, str]],
) -> None:
    first: dict[str, str] = {}
    for table, _, text in village_changes:
        first.setdefault(table, text)
    verdicts = set()
    for table, text in first.items():
        for field in ["id", "row_version", "deleted", *rows.FIELDS[table]]:
            for value in TRICKY:
                for op in ("insert", "delete"):
                    verdicts.add(_both(table, op, _with(text, field, value)).problem is None)
    assert verdicts == {True, False}


def test_text_of_nothing_but_spaces_is_refused_whatever_the_space(village_changes: list[tuple[str, str, str]]) -> None:
    # Python's strip() also strips U+001C..U+001F, which the compiled check's \s does not know.
    person = next(text for table, _, text in village_changes if table == "people")
    for space in WHITESPACE:
        assert "字段 name 应为非空文本" in (_both("people", "insert", _with(person, "name", space * 2)).problem or "")


def test_dates_are_judged_alike_on_both_paths(village_changes: list[tuple[str, str, str]]) -> None:
    lecture = next(text for table, _, text in village_changes if table == "lectures")
    taken = 0
    for year in ("0000", "0001", "1999", "2024", "2026", "9999"):
        for month in range(14):
            for day in range(33):
                day_text = f"{year}-{month:02}-{day:02}"
                taken += _both("lectures", "insert", _with(lecture, "date", day_text)).problem is None
    assert taken == 5 * 365 + 1  # 2024 is a leap year; year 0 does not exist


def test_damaged_row_text_is_judged_alike_on_both_paths(village_changes: list[tuple[str, str, str]]) -> None:
    import random

    rng = random.Random(2026)
    pieces = ['"', "\\", "{", "}", ",", ":", " ", "x", "\x00", "1", "\\u", "null", "\ud800", "\u3000"]
    for _ in range(3000):
        table, op, text = rng.choice(village_changes)
        at = rng.randrange(len(text) + 1)
        cut = rng.choice((0, 0, 1, 2))
        _both(table, rng.choice((op, "delete")), text[:at] + rng.choice(pieces) * rng.randint(0, 2) + text[at + cut :])


# -- the tables and their models come from the station's record kinds ------------------------


def test_every_synced_kind_is_judged_by_its_own_model() -> None:
    from station_tui.domain.kinds import BY_TABLE
    from sync.protocol import SYNCED_TABLES

    assert list(rows.FIELDS) == list(SYNCED_TABLES) == list(rows.MODELS)
    for table in SYNCED_TABLES:
        assert rows.MODELS[table] is BY_TABLE[table].model
    stray = set(rows.REPORTS_READ) - set(SYNCED_TABLES)
    assert not stray, f"county/rows.py REPORTS_READ names {stray}, which no synced kind (domain/kinds.py) is"
    for table, read in rows.REPORTS_READ.items():
        kind = BY_TABLE[table]
        unknown = set(read) - set(kind.fields) - set(kind.extra_columns)
        assert not unknown, f"county/rows.py REPORTS_READ[{table!r}] reads {unknown}, which {table} rows do not carry"
    from county import reports

    unread = set(reports._TABLES) - set(rows.REPORTS_READ)
    assert not unread, f"county/reports.py reads {unread}: give the fields it reads their rules in REPORTS_READ"


def test_a_new_kind_is_taken_with_its_models_lengths_and_no_edit_here() -> None:
    """A kind the reports do not read needs no line in county/rows.py: its rows are judged by
    the envelope and the text lengths of its model."""
    import subprocess
    import sys

    code = (
        "from station_tui.domain import kinds, models\n"
        "new = kinds.RecordKind('villager_requests', models.Venue)\n"
        "kinds.KINDS += (new,)\n"
        "kinds.BY_TABLE[new.table] = new\n"
        "kinds.SYNCED_TABLES += (new.table,)\n"
        "import json\n"
        "from county import rows\n"
        "def inspect(row):\n"
        "    raw = {'seq': 1, 'table': 'villager_requests', 'op': 'insert', 'row': json.dumps(row)}\n"
        "    return rows.quick(1, raw), rows.judge(1, raw)\n"
        "fast, slow = inspect({'id': 'R1', 'row_version': 1, 'name': '修路', 'note': 'x'})\n"
        "assert fast is not None and fast == slow and slow.problem is None, (fast, slow)\n"
        "fast, slow = inspect({'id': 'R1', 'row_version': 1, 'name': '路' * 61})\n"
        "assert fast is None and '超过了站点规则的上限 60' in slow.problem, slow\n"
        "print(sorted(rows.FIELDS['villager_requests']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "['address', 'facilities', 'name', 'note', 'open_hours']"  # Venue's bounded texts
