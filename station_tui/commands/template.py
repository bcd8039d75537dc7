"""``station template KIND``: the CSV header line a spreadsheet must start with."""

from __future__ import annotations

import argparse

from station_tui.imports.headers import HEADERS, KIND_NAMES


def register(sub: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "template",
        help="打印导入模板的表头 / print an import template's header line",
        description="打印导入文件的表头行（CSV）。Print the CSV header line of an import file.",
    )
    p.add_argument("kind", choices=sorted(HEADERS), help=" | ".join(f"{k} {w}" for k, w in KIND_NAMES.items()))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(",".join(HEADERS[args.kind]))
    return 0
