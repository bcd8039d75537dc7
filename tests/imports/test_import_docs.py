"""docs/import-formats.md and the README show the headers `station template` prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from station_tui.imports.headers import HEADERS, KIND_NAMES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "import-formats.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(kind: str) -> str:
    """The doc's section of one kind: from its heading to the next heading."""
    heading = f"## {kind} · {KIND_NAMES[kind]}\n"
    assert heading in DOC, f"docs/import-formats.md has no section “{heading.strip()}”"
    return DOC.split(heading, 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("kind", HEADERS)
def test_each_kinds_section_shows_its_header(kind: str) -> None:
    text = section(kind)
    assert text.strip().splitlines()[0] == f"`{','.join(HEADERS[kind])}`"
    # The table names every column, in order (开始时间, 结束时间 may share a row).
    named = [h.strip() for cell in re.findall(r"^\| ([^|]+?) \|", text, re.MULTILINE)[1:] for h in cell.split(",")]
    assert named == list(HEADERS[kind])


@pytest.mark.parametrize("kind", HEADERS)
def test_each_example_file_starts_with_its_header(kind: str) -> None:
    good = DOC.split("\n## A good file\n", 1)[1].split("\n## ", 1)[0]
    example = re.search(rf"^`{KIND_NAMES[kind]}\.csv`.*?```\n([^\n]*)\n", good, re.MULTILINE | re.DOTALL)
    assert example is not None, f"no example {KIND_NAMES[kind]}.csv in docs/import-formats.md"
    assert example.group(1) == ",".join(HEADERS[kind])


def test_the_wrong_header_example_and_the_readme() -> None:
    assert f"表头应为：{','.join(HEADERS['lectures'])}" in DOC
    assert f"station template activities            # {','.join(HEADERS['activities'])}" in README
    widest = max(len(h) for h in HEADERS.values())
    assert f"(the header has at most {widest})" in DOC
