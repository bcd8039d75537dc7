"""Reading rows and bodies: the fast JSON reader must never change a verdict ``json`` would give."""

from __future__ import annotations

import json

import pytest

from sync.county import rows
from sync.county.body import parse_json
from sync.county.errors import ApiError


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
    assert (item.table, item.record_id, item.row_version, item.deleted, item.row_json) == ("lectures", "L1", 1, False, text)


def test_an_escaped_lone_surrogate_in_a_free_text_field_is_applied_as_before() -> None:
    # Valid JSON that pydantic's reader refuses; ``json`` reads it, and the row is fine.
    text = '{"id":"L1","row_version":1,"date":"2026-03-05","audience":30,"note":"\\ud800"}'
    item = _inspect(text)
    assert item.problem is None and item.row_json == text


def test_an_escaped_lone_surrogate_in_the_id_is_quarantined_for_the_id() -> None:
    item = _inspect('{"id":"L\\ud800","row_version":1,"date":"2026-03-05","audience":30}')
    assert item.problem is not None and "记录编号 id" in item.problem


def test_deep_nesting_in_an_unchecked_field_is_judged_as_before() -> None:
    # Deeper than pydantic's reader goes, well within what ``json`` reads.
    text = json.dumps(_lecture(note=json.loads("[" * 300 + "]" * 300)))
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
