"""The station's county credentials: server URL, secret token, optional CA bundle.

Kept as JSON in the config directory, readable by the owner only (0600 on POSIX; on Windows
the per-user AppData directory is already private to the user). The file is written under a
temporary name with those permissions from the start and then renamed, so the token is never
briefly world-readable and never half-written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from sync.errors import NotEnrolled, SyncError

FILE_NAME = "county.json"


def credentials_path() -> Path:
    from station_tui.config import config_dir

    return config_dir() / FILE_NAME


@dataclass(frozen=True)
class Credentials:
    server: str
    token: str
    station_code: str
    ca_bundle: str | None = None
    enrolled_at: str | None = None

    @property
    def verify(self) -> str | bool:
        """What httpx's ``verify`` takes: the county's own CA bundle, or the system's roots."""
        return self.ca_bundle or True


def save(creds: Credentials, path: Path | None = None) -> Path:
    path = path or credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(creds), fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def load(path: Path | None = None) -> Credentials:
    path = path or credentials_path()
    if not path.exists():
        raise NotEnrolled(
            "本站还没有登记到县中心，请先运行 station enroll --server 地址 --code 登记码。",
            f"Not enrolled: no {path}. Run `station enroll --server URL --code CODE` first.",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(
            server=str(data["server"]),
            token=str(data["token"]),
            station_code=str(data["station_code"]),
            ca_bundle=data.get("ca_bundle"),
            enrolled_at=data.get("enrolled_at"),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SyncError(
            f"登记信息文件 {path} 已损坏，请重新运行 station enroll。",
            f"The credentials file {path} is unreadable ({exc}); enroll again.",
        ) from exc
