"""ID numbers and phones reach the county only as far as the station's settings allow."""

from __future__ import annotations

import json

from station_tui.domain import Person
from tests.county_server import County
from tests.sync.support import StationPC

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def _settings(pc: StationPC, **switches: bool) -> None:
    pc.config.mkdir(parents=True, exist_ok=True)
    (pc.config / "settings.json").write_text(json.dumps(switches), encoding="utf-8")


def _add(pc: StationPC, name: str) -> str:
    with pc.store() as s:
        person_id = s.people.add(Person(name=name, phone=PHONE, id_number=ID_NUMBER)).id
    assert person_id is not None
    return person_id


def _sync(pc: StationPC) -> None:
    out = pc.station("sync")
    assert out.returncode == 0, out.stderr


def _sensitive(pc: StationPC, county: County, person: str) -> tuple[tuple[object, object], list[tuple[object, object]]]:
    """(phone, id_number) the county holds, and in each of the person's outbox changes."""
    row = county.records(pc.code)[("people", person)][2]
    with pc.store() as s:
        changes = [json.loads(r[0]) for r in s.query("SELECT row_json FROM outbox WHERE record_id = ?", (person,))]
    return (row["phone"], row["id_number"]), [(c["phone"], c["id_number"]) for c in changes]


def test_by_default_neither_phones_nor_id_numbers_leave_the_pc(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    person = _add(station_pc, "王建国")
    _sync(station_pc)
    assert _sensitive(station_pc, county, person) == ((None, None), [(None, None)])
    with station_pc.store() as s:  # the station itself keeps both
        assert tuple(s.query("SELECT phone, id_number FROM people WHERE id = ?", (person,))[0]) == (PHONE, ID_NUMBER)


def test_each_setting_lets_only_its_own_column_go(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    _settings(station_pc, upload_phones=True)
    _sync(station_pc)  # (the settings reach the database at a sync)
    phoned = _add(station_pc, "李秀英")
    _sync(station_pc)
    assert _sensitive(station_pc, county, phoned) == ((PHONE, None), [(PHONE, None)])

    _settings(station_pc, upload_phones=True, upload_id_numbers=True)
    _sync(station_pc)
    both = _add(station_pc, "赵大山")
    _sync(station_pc)
    assert _sensitive(station_pc, county, both) == ((PHONE, ID_NUMBER), [(PHONE, ID_NUMBER)])


def test_switching_off_stops_what_was_captured_while_on(station_pc: StationPC, county: County) -> None:
    station_pc.enroll(county)
    _settings(station_pc, upload_phones=True, upload_id_numbers=True)
    _sync(station_pc)
    sent = _add(station_pc, "王建国")
    _sync(station_pc)
    waiting = _add(station_pc, "李秀英")  # captured with both, not yet sent

    _settings(station_pc, upload_phones=False, upload_id_numbers=False)
    _sync(station_pc)
    assert _sensitive(station_pc, county, waiting) == ((None, None), [(None, None)])
    # What the county had before stays until the person's next change replaces it.
    assert _sensitive(station_pc, county, sent)[0] == (PHONE, ID_NUMBER)
    with station_pc.store() as s:
        s.people.update(s.people.require(sent).model_copy(update={"note": "村医"}))
    _sync(station_pc)
    assert _sensitive(station_pc, county, sent)[0] == (None, None)
