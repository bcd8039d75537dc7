"""The import files are read from the record kinds' declarations (domain/kinds.py and the
models' Meta); headers.py writes the headers out for a fast ``station template`` and is held
to them here."""

from __future__ import annotations

import subprocess
import sys

from station_tui.domain.kinds import KINDS as RECORD_KINDS
from station_tui.imports import cells
from station_tui.imports.headers import HEADERS, KIND_NAMES
from station_tui.imports.kinds import KINDS
from station_tui.locale.zh_CN import MESSAGES

DECLARED = {kind.table: kind.import_headers for kind in RECORD_KINDS if kind.import_columns}


def test_written_out_headers_are_the_declared_ones() -> None:
    assert HEADERS == DECLARED, (
        "station_tui/imports/headers.py HEADERS must match the import columns declared in "
        "station_tui/domain/kinds.py (and their fields' Meta labels): change HEADERS"
    )
    assert {name: kind.headers for name, kind in KINDS.items()} == DECLARED


def test_every_import_kind_has_its_name() -> None:
    # The same words the app's navigation uses; a new kind needs one in headers.py KIND_NAMES.
    assert set(KIND_NAMES) == set(DECLARED), "station_tui/imports/headers.py KIND_NAMES: one name per import kind"
    assert {name: MESSAGES[f"nav.{name}"] for name in KIND_NAMES} == KIND_NAMES


def test_template_and_the_command_line_start_without_pydantic() -> None:
    # Why headers.py writes the headers out: deriving them would load the models.
    code = (
        "import sys\n"
        "from station_tui.cli import build_parser, main\n"
        "build_parser()\n"
        "main(['template', 'people'])\n"
        "heavy = ('pydantic', 'station_tui.domain.models', 'station_tui.domain.kinds')\n"
        "print(','.join(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    header, loaded = out.stdout.splitlines()
    assert header == ",".join(DECLARED["people"])
    assert loaded == ""


def test_parsers_follow_how_each_field_is_typed() -> None:
    by_header = {c.header: c.parse for c in KINDS["activities"].columns}
    assert by_header["日期"] is cells.day and by_header["开始时间"] is cells.clock
    assert by_header["服务人次"] is cells.count and by_header["志愿服务时长"] is cells.hours
    assert by_header["平台"] is cells.text and by_header["名称"] is cells.text
    people = {c.header: c for c in KINDS["people"].columns}
    assert people["出生年份"].parse is cells.year and people["是否志愿者"].parse is cells.yes_no
    assert people["所属队伍"].field is None and people["所属队伍"].parse is cells.text


def test_a_rule_points_at_its_fields_column() -> None:
    assert KINDS["activities"].rule_columns == {
        "end_before_start": "结束时间",
        "hours_without_volunteers": "志愿服务时长",
        "hours_exceed_activity": "志愿服务时长",
    }
    assert KINDS["lectures"].rule_columns == {"end_before_start": "结束时间"}
    assert KINDS["people"].rule_columns == {"volunteer_no": "志愿者编号"}


def test_each_import_kind_has_a_repository_that_finds_a_stored_twin(store) -> None:
    # A second import of the same file must count its rows as already there, not add them again.
    for kind in KINDS.values():
        assert callable(getattr(kind.repository(store), "find_same", None)), kind.name
