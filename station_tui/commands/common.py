"""What every subcommand shares: opening the store and saying errors in both languages."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

# The option types live with the county's command line too; the commands import them from here.
from station_tui.cli_args import EXIT_USAGE, Parser, decimal_number, whole_number

if TYPE_CHECKING:
    from station_tui.domain import Station
    from station_tui.storage import Store

EXIT_OK = 0
EXIT_ERROR = 1

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "CommandError", "Parser", "decimal_number", "whole_number"]


class CommandError(Exception):
    """A failure the user can fix; its message is printed as is, and the exit code is 1."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def open_store(args: argparse.Namespace, *, program: str = "station", must_exist: bool = False) -> Store:
    """Open the station's database. Commands that only read pass ``must_exist`` so that a
    mistyped ``--db`` path says so instead of leaving a new empty database behind."""
    from station_tui.config import resolve_db_path
    from station_tui.storage import Actor, DatabaseError, Store

    path = resolve_db_path(getattr(args, "db", None))
    if must_exist and not path.exists():
        raise CommandError(
            f"找不到数据库 {path}，请先运行 station init 创建本站数据库（或用 --db 指定已有的数据库）。\n"
            f"No database at {path}: run `station init` first (or point --db at an existing one)."
        )
    try:
        return Store(path, actor=Actor.current(program))
    except DatabaseError as exc:
        raise CommandError(str(exc)) from exc


def require_station(store: Store) -> Station:
    station = store.station.current()
    if station is None:
        raise CommandError(
            f"数据库 {store.path} 还没有站点信息，请先运行 station init。\n"
            f"The database {store.path} has no station yet: run `station init` first."
        )
    return station


def err(message: str) -> None:
    print(message, file=sys.stderr)
