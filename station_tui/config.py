"""Where things live and the station's settings. Environment overrides win over the file.

Headless: the CLI, the sync job and the TUI all read settings through here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_tui.domain.vocab import PLATFORMS

if TYPE_CHECKING:
    from station_tui.settings_model import Settings

APP_NAME = "station-tui"
DB_ENV = "STATION_DB"
CONFIG_ENV = "STATION_CONFIG_DIR"


def __getattr__(name: str) -> Any:
    # The pydantic model is made on first use (PEP 562): the app's start-up path only needs
    # quick_settings() and must not pay for importing pydantic.
    if name == "Settings":
        from station_tui.settings_model import Settings

        return Settings
    raise AttributeError(f"module 'station_tui.config' has no attribute {name!r}")


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "station.db"


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """``--db`` beats ``STATION_DB`` beats the platform's data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def default_minimums() -> dict[str, int]:
    return {p: (4 if p == "理论宣讲" else 1) for p in PLATFORMS}


class SettingsError(Exception):
    pass


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    from pydantic import ValidationError

    from station_tui.settings_model import Settings

    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:  # (OSError: unreadable, or not a file)
        raise SettingsError(f"设置文件 {path} 有误：{exc}") from exc


@dataclass(frozen=True)
class QuickSettings:
    """The two settings the app's first screen needs, read without pydantic. Anything
    malformed falls back to the default here; ``load_settings`` reports it properly."""

    language: str = "zh_CN"
    monthly_minimums: dict[str, int] = field(default_factory=default_minimums)
    #: Villager requests: days a category may stay open (the dashboard's 逾期), and the default.
    request_deadline_days: dict[str, int] = field(default_factory=dict)
    request_default_deadline_days: int = 7


def quick_settings(path: Path | None = None) -> QuickSettings:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return QuickSettings()
    if not isinstance(data, dict):
        return QuickSettings()
    language = data.get("language")
    minimums = data.get("monthly_minimums")
    if not isinstance(minimums, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in minimums.items()
    ):
        minimums = default_minimums()
    deadlines = data.get("request_deadline_days")
    if not isinstance(deadlines, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 1 for k, v in deadlines.items()
    ):
        deadlines = {}
    default_days = data.get("request_default_deadline_days")
    if not isinstance(default_days, int) or isinstance(default_days, bool) or default_days < 1:
        default_days = 7
    return QuickSettings(
        language=language if language in ("zh_CN", "en") else "zh_CN",
        monthly_minimums=dict(minimums),
        request_deadline_days=dict(deadlines),
        request_default_deadline_days=default_days,
    )

