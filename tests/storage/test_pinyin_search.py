"""Finding a villager the way a clerk types: Chinese, full pinyin, initials, part of a name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from station_tui.domain import Person
from station_tui.storage import Actor, Store

ROSTER = [
    ("张三", "13812345678"),
    ("詹森", None),
    ("张珊珊", None),
    ("长孙无忌", None),
    ("张三丰", None),
    ("曾国藩", None),
    ("李四", "13900005678"),
    ("欧阳修", None),
    ("单田芳", None),
]


def _fill(store: Store) -> Store:
    for name, phone in ROSTER:
        store.people.add(Person(name=name, phone=phone, is_volunteer=name in {"张三", "曾国藩"}))
    return store


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Shared by the read-only tests (each write is an fsync; keep the suite quick)."""
    store = _fill(Store(tmp_path_factory.mktemp("village") / "station.db", actor=Actor("tester")))
    yield store
    store.close()


@pytest.fixture
def own_village(store: Store) -> Store:
    return _fill(store)


def names(store: Store, query: str, **kw: Any) -> list[str]:
    return [p.name for p in store.people.search(query, **kw)]


@pytest.mark.parametrize("query", ["zs", "zhangsan", "张三", "san", "ZS", "zhang san", "Zhang'San", "zhangs", "三"])
def test_zhang_san_is_found(village: Store, query: str) -> None:
    found = names(village, query)
    assert "张三" in found, (query, found)
    assert village.people.count_matching(query) == len(found)


@pytest.mark.parametrize("query", ["zeng", "ceng", "zgf", "cgf", "zengguofan", "cengguofan", "曾"])
def test_a_polyphonic_surname_is_found_by_both_readings(village: Store, query: str) -> None:
    assert names(village, query) == ["曾国藩"]


def test_shan_as_a_surname(village: Store) -> None:
    assert names(village, "shantianfang") == ["单田芳"]
    assert names(village, "stf") == ["单田芳"]


def test_exact_initials_come_first(village: Store) -> None:
    found = names(village, "zs")
    # 张三 and 詹森 have exactly the initials zs; 张珊珊, 张三丰 and 长孙无忌 only begin so.
    assert found[:2] == ["张三", "詹森"]
    assert set(found[2:]) == {"张珊珊", "长孙无忌", "张三丰"}
    assert "张三丰" not in found[:2]


def test_exact_name_comes_before_longer_names(village: Store) -> None:
    assert names(village, "张三") == ["张三", "张三丰"]
    assert names(village, "zsf") == ["张三丰"]


def test_queries_that_match_nobody(village: Store) -> None:
    assert names(village, "xyz") == []
    assert names(village, "王") == []
    assert village.people.count_matching("xyz") == 0


def test_phone_digits_find_a_person(village: Store) -> None:
    assert sorted(names(village, "5678")) == ["张三", "李四"]
    assert names(village, "139") == ["李四"]


def test_volunteers_only_and_paging(village: Store) -> None:
    assert sorted(names(village, "", volunteers_only=True)) == ["张三", "曾国藩"]
    everyone = names(village, "", limit=100)
    assert len(everyone) == len(ROSTER)
    assert names(village, "", limit=3, offset=3) == everyone[3:6]


def test_deleted_people_are_not_found(own_village: Store) -> None:
    (zhang,) = [p for p in own_village.people.search("张三") if p.name == "张三"]
    own_village.people.delete(str(zhang.id))
    assert "张三" not in names(own_village, "zs")


def test_renaming_updates_the_search_keys(own_village: Store) -> None:
    (li,) = own_village.people.search("李四")
    own_village.people.update(li.model_copy(update={"name": "黎明"}))
    assert names(own_village, "lm") == ["黎明"]
    assert names(own_village, "lisi") == []


@pytest.mark.parametrize("typed", ["%", "_", "张%", "\\"])
def test_wildcards_typed_in_the_search_box_are_plain_characters(village: Store, typed: str) -> None:
    # A % or _ typed by hand used to match every name; nobody's name holds one.
    assert village.people.search(typed) == []
    assert village.people.count_matching(typed) == 0


def test_a_name_with_a_percent_sign_is_found_by_it(village: Store) -> None:
    village.people.add(Person(name="百分%之百"))
    assert [p.name for p in village.people.search("%")] == ["百分%之百"]
