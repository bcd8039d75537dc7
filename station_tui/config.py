"""Where things live and the station's settings. Environment overrides win over the file.

Headless: the CLI, the sync job and the TUI all read settings through here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from station_tui.domain.vocab import DEFAULT_TEAM_CATEGORIES, PLATFORMS

APP_NAME = "station-tui"
DB_ENV = "STATION_DB"
CONFIG_ENV = "STATION_CONFIG_DIR"


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


def _default_minimums() -> dict[str, int]:
    return {p: (4 if p == "理论宣讲" else 1) for p in PLATFORMS}


class Settings(BaseModel):
    """The station's local settings (``settings.json`` in the config directory)."""

    language: str = Field(default="zh_CN", pattern=r"^(zh_CN|en)$")
    #: Monthly minimums per platform set by the county (理论宣讲 ≥ 4, the others ≥ 1).
    monthly_minimums: dict[str, int] = Field(default_factory=_default_minimums)
    team_categories: list[str] = Field(default_factory=lambda: list(DEFAULT_TEAM_CATEGORIES))
    #: Some provinces credit hours only when sign-in to sign-out covers this share of the event.
    min_attendance_share: float = Field(default=0.0, ge=0.0, le=1.0)
    #: PIPL: ID numbers leave the PC only when this is switched on.
    upload_id_numbers: bool = False
    sync_interval_minutes: int = Field(default=15, ge=1)


class SettingsError(Exception):
    pass


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise SettingsError(f"设置文件 {path} 有误：{exc}") from exc


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)
