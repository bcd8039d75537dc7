"""The ``station`` command: opens the app, or runs a subcommand for scripts and imports."""

from __future__ import annotations

import argparse
import importlib
import sys

from station_tui.commands.common import Parser

#: Subcommand modules in ``station_tui.commands``, in the order ``--help`` lists them.
COMMANDS = (
    "init", "import_", "status", "template", "demo", "enroll", "sync", "backup", "ledger", "certificate", "export",
    "photo", "self_check",
)


def build_parser() -> argparse.ArgumentParser:
    # --db is accepted before or after the subcommand; SUPPRESS keeps a later one from
    # overwriting an earlier one with None.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件 / database file (env STATION_DB)")
    parser = Parser(
        prog="station",
        description="新时代文明实践站台账。不带子命令时打开程序界面。"
        " Records of a New Era Civilization Practice Station; without a subcommand, opens the app.",
        parents=[parent],
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="使用演示数据库（首次自动生成一年的记录）/ use the demo database (a year of records made on first use)",
    )
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="界面语言 / UI language")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"station_tui.commands.{name}").register(sub, parent)
    return parser


def main(argv: list[str] | None = None) -> int:
    from station_tui.commands.common import CommandError, err

    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    func = getattr(args, "func", None)
    try:
        if args.demo:
            from station_tui.commands.demo import demo_database

            # `station --demo demo …` lets the demo command fill (or refuse) the file itself.
            args.db = str(demo_database(args.db, fill=args.command != "demo"))
        if func is None:
            return _open_app(args)
        return int(func(args) or 0)
    except CommandError as exc:
        err(str(exc))
        return exc.code
    except KeyboardInterrupt:
        err("已中断 / interrupted")
        return 130


def _open_app(args: argparse.Namespace) -> int:
    """No subcommand: open the Textual app on the station database."""
    from station_tui.commands.common import EXIT_USAGE, CommandError, open_store

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A script or scheduled task would otherwise start a screen nobody can see or leave.
        raise CommandError(
            "程序界面需要在终端里运行；脚本中请使用子命令，例如 station status。\n"
            "The app needs a terminal; in scripts use a subcommand such as `station status`.",
            code=EXIT_USAGE,
        )
    store = open_store(args)
    try:
        from station_tui.app import StationApp

        # Settings are read by the app itself (quickly for the first screen, fully after it).
        StationApp(store, language=args.lang).run()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
