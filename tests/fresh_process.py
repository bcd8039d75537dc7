"""What a piece of code imports, seen from a fresh Python: the tests that keep heavy or
forbidden modules off a path (the TUI's start, the county, the migrations) all ask this way."""

from __future__ import annotations

import subprocess
import sys


def modules_left(code: str, watched: tuple[str, ...]) -> list[str]:
    """Run ``code`` in a new interpreter and return, sorted, the modules it left imported that
    are in ``watched``: a module named there, or any module inside a package named there."""
    probe = (
        f"{code}\n"
        "import sys as _sys\n"
        f"_watched = {watched!r}\n"
        "print(','.join(sorted(m for m in _sys.modules"
        " if any(m == w or m.startswith(w + '.') for w in _watched))))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [name for name in out.stdout.strip().split(",") if name]
