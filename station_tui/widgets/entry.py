"""How people actually type dates and times, turned into what the models expect.

A pinyin IME gives full-width digits and colons (０９：３０), and people write 2026/11/5,
2026年11月5日, 11月5日 or 9点半. Anything not recognised is passed through unchanged, so the
model still explains what is wrong in its own words.
"""

from __future__ import annotations

import re
from datetime import date, time

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：．／－　", "0123456789:./- ")

_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_HM = re.compile(r"^(\d{1,2})\s*[:.点时]\s*(\d{1,2})?\s*分?$")
_HALF = re.compile(r"^(\d{1,2})\s*点半$")
_HHMM = re.compile(r"^(\d{2})(\d{2})$")


def normalize_date(text: str, today: date) -> str | date:
    raw = text.translate(_FULL_WIDTH).strip()
    try:
        if m := _YMD.match(raw) or _COMPACT.match(raw):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MD.match(raw):  # month and day: this year
            return date(today.year, int(m.group(1)), int(m.group(2)))
    except ValueError:
        pass  # 2026-02-30: let the model say the date is not valid
    return text


def normalize_time(text: str) -> str | time:
    raw = text.translate(_FULL_WIDTH).strip()
    try:
        if m := _HALF.match(raw):
            return time(int(m.group(1)), 30)
        if m := _HM.match(raw) or _HHMM.match(raw):
            return time(int(m.group(1)), int(m.group(2) or 0))
    except ValueError:
        pass
    return text
