"""Every string the app shows comes from the catalogs, in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

import station_tui
from station_tui.locale import en, zh_CN

SOURCE = Path(station_tui.__file__).parent
UI_DIRS = ("screens", "widgets", "modals")
#: Where catalog keys appear in the UI code: t("…") calls, binding descriptions, form fields
#: and columns, placeholders, screen titles, and the help/palette tables.
KEY_PATTERNS = [
    re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']"""),
    re.compile(r"""Binding\(\s*["'][^"']*["'],\s*["'][^"']*["'],\s*["']([a-z_.]+)["']"""),
    re.compile(r"""(?:Field|Column)\(\s*["'][^"']+["'],\s*["']([a-z_.]+)["']"""),
    re.compile(r"""placeholder=["']([a-z_]+\.[a-z_.]+)["']"""),
    re.compile(r"""(?:TITLE_NEW|TITLE_EDIT|HELP_TITLE) = ["']([a-z_.]+)["']"""),
    re.compile(r"""\(\s*["']((?:help|nav|palette)\.[a-z_.]+)["'],"""),
    re.compile(r"""["'](help\.keys_[a-z]+)["']"""),
]


def _ui_sources() -> list[Path]:
    files = [SOURCE / "app.py"]
    for folder in UI_DIRS:
        files += sorted((SOURCE / folder).glob("*.py"))
    return files


def test_every_key_used_in_the_ui_is_in_the_chinese_catalog() -> None:
    used = {
        m.group(1)
        for path in _ui_sources()
        for pattern in KEY_PATTERNS
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 100
    missing = sorted(k for k in used if k not in zh_CN.MESSAGES)
    assert missing == []


def test_english_has_every_key_with_the_same_placeholders() -> None:
    fields = lambda text: sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)  # noqa: E731
    assert sorted(set(zh_CN.MESSAGES) - set(en.MESSAGES)) == []
    for key, text in en.MESSAGES.items():
        assert key in zh_CN.MESSAGES, key
        assert [f.split(":")[0] for f in fields(text)] == fields(zh_CN.MESSAGES[key]), key
