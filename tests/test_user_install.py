"""A user's install, as the README tells it: `uv tool install .` gets the station alone. The
county server and the developer tools stay out, and `county-center` says which extra brings it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.terminal import show_then_quit

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def user_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed as a user installs it, into a tool directory of its own; returns
    the directory of its commands."""
    where = tmp_path_factory.mktemp("user-install")
    uv = shutil.which("uv")
    assert uv, "uv is needed on the PATH to install the package as a user would"
    env = {**os.environ, "UV_TOOL_DIR": str(where / "tools"), "UV_TOOL_BIN_DIR": str(where / "bin")}
    done = subprocess.run([uv, "tool", "install", str(ROOT)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return where


def _installed(where: Path) -> set[str]:
    python = where / "tools" / "station-tui" / "bin" / "python"
    done = subprocess.run([str(python), "-c", "import importlib.metadata as m\n"
                           "print('\\n'.join(d.metadata['Name'].lower() for d in m.distributions()))"],
                          capture_output=True, text=True, timeout=60, check=True)
    return set(done.stdout.split())


def test_the_base_install_is_the_station_alone(user_install: Path) -> None:
    installed = _installed(user_install)
    assert {"station-tui", "textual", "pydantic", "httpx"} <= installed
    left_out = {"fastapi", "uvicorn", "sqlalchemy", "psycopg", "pytest", "hypothesis", "ruff", "mypy"}
    assert installed & left_out == set()


def test_county_center_without_the_extra_names_it(user_install: Path) -> None:
    done = subprocess.run([str(user_install / "bin" / "county-center"), "serve"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "uv tool install 'station-tui[county]'" in done.stderr
    assert "county 扩展" in done.stderr and "comes with the `county` extra" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_installed_station_opens_its_demo(user_install: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color"}
    run = show_then_quit([str(user_install / "bin" / "station"), "--demo"], env, r"签到 \d+ 人次")
    assert run.shown_after is not None, run.text[-2000:]
    assert run.exit_code == 0
    status = subprocess.run([str(user_install / "bin" / "station"), "--demo", "status", "--json"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    assert '"lectures"' in status.stdout
