"""The ``county-center`` command's entry point. The county server's packages come with the
``county`` extra, not with the station: without them, say so in plain words, not a traceback."""

from __future__ import annotations

import importlib.util
import sys

#: What the county center cannot run without (psycopg is needed only for a PostgreSQL store).
NEEDED = ("fastapi", "uvicorn", "sqlalchemy")
EXIT_NOT_INSTALLED = 1


def missing() -> list[str]:
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def main(argv: list[str] | None = None) -> int:
    absent = missing()
    if absent:
        names = ", ".join(absent)
        print(
            f"县中心服务没有装全（缺少 {names}）：它随 county 扩展一起安装，请运行\n"
            "  uv tool install 'station-tui[county]'    （或 pipx install 'station-tui[county]'）\n"
            f"The county center is not installed (missing {names}): it comes with the `county` extra:\n"
            "  uv tool install 'station-tui[county]'    (or pipx install 'station-tui[county]')",
            file=sys.stderr,
        )
        return EXIT_NOT_INSTALLED
    from county.cli import main as county_main

    return county_main(argv)
