"""Pinyin search keys, so that ``zs``, ``zhangsan`` and ``张三`` all find 张三.

Keys are computed when a person is written and stored in the row, so searching is a plain
indexed ``LIKE``; pypinyin (a large dictionary) is imported only when a name is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

_ASCII = re.compile(r"[a-z0-9]")


def _letters(chars: str) -> list[str]:
    """What pypinyin cannot read (``Tom``), one lower-case letter an item: ``t``, ``o``, ``m``."""
    return list(chars.lower())


#: cast: pypinyin's stubs say an ``errors`` callback returns one string; its code also takes a
#: list, an item per character, which is what the initials need.
_EACH_LETTER = cast(Callable[[str], str], _letters)


def search_keys(name: str) -> tuple[str, str]:
    """``"张三"`` -> ``("zhangsan", "zs")``. Polyphonic characters contribute every reading
    to the full key (separated by spaces) so that 曾 is found as both zeng and ceng."""
    from pypinyin import Style, lazy_pinyin, pinyin

    name = name.strip()
    main = lazy_pinyin(name, style=Style.NORMAL, errors=_EACH_LETTER)
    full = "".join(main).lower()
    initials = "".join(p[0] for p in main if p).lower()
    # Other readings of polyphonic characters (surnames such as 单、曾、仇).
    alternates: list[str] = []
    readings = pinyin(name, style=Style.NORMAL, heteronym=True, errors=_EACH_LETTER)
    if any(len(r) > 1 for r in readings):
        first_alts = list(readings[0][1:]) if readings else []
        rest = "".join(main[1:])
        alternates = [alt + rest for alt in first_alts]
        initials_alt = {alt[0] + initials[1:] for alt in first_alts if alt}
        initials = " ".join([initials, *sorted(initials_alt - {initials})])
    full = " ".join([full, *alternates])
    return full, initials


def normalise_query(text: str) -> str:
    """Lower-case ASCII queries, drop spaces and apostrophes (``zhang san`` -> ``zhangsan``)."""
    return re.sub(r"[\s']", "", text.strip().lower())


def is_pinyin_query(text: str) -> bool:
    return bool(text) and all(_ASCII.match(ch) for ch in text)
