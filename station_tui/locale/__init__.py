"""UI text catalogs. Every string a user sees in the app goes through ``t(key, **kw)``.

Catalogs are plain Python dicts (``zh_CN.py``, ``en.py``): importing one costs next to
nothing at start-up, and a missing English entry falls back to Chinese, never to a key.
"""

from __future__ import annotations

import importlib
from typing import Any

DEFAULT = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_language = DEFAULT
_catalog: dict[str, str] = {}
_fallback: dict[str, str] = {}


def _load(lang: str) -> dict[str, str]:
    return importlib.import_module(f"station_tui.locale.{lang}").MESSAGES


def set_language(lang: str | None) -> str:
    """Switch the catalog; unknown languages fall back to Chinese. Returns the one in use."""
    global _language, _catalog, _fallback
    _language = lang if lang in LANGUAGES else DEFAULT
    _fallback = _load(DEFAULT)
    _catalog = _fallback if _language == DEFAULT else _load(_language)
    return _language


def language() -> str:
    return _language


def t(key: str, **kw: Any) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled from ``kw``."""
    if not _fallback:
        set_language(_language)
    text = _catalog.get(key) or _fallback.get(key)
    if text is None:
        return key
    return text.format(**kw) if kw else text


def has(key: str) -> bool:
    if not _fallback:
        set_language(_language)
    return key in _catalog or key in _fallback
