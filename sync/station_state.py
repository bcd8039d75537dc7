"""What this PC remembers about each epoch's uploads, beside the database file.

The database alone cannot tell that it was restored from a backup: the backup carries the
same epoch and an older ``acked_seq``, and new changes would reuse sequence numbers the county
already holds with other content. So the client keeps a small JSON file next to the database
(``station.db.sync-state.json``), separate from it, recording per epoch:

* ``acked``  — the highest seq the county acknowledged *and* the database recorded;
* ``sent``   — the highest seq ever put on the wire, with its ``sent_change_id``,
  written *before* the batch leaves.

Rule (checked at the start of every run, see ``sync.client``): if the database's
``acked_seq`` is behind ``acked``, or its outbox row ``sent`` is missing or has another change
id, this database is not the one that made those uploads — it was restored or replaced — and
it starts a new epoch. A restored state file is harmless: it only ever makes the client
re-send, which the county answers with "duplicate".
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


def state_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sync-state.json")


@dataclass
class EpochRecord:
    acked: int = 0
    sent: int = 0
    sent_change_id: str | None = None


class StationState:
    def __init__(self, path: Path, epochs: dict[str, EpochRecord] | None = None) -> None:
        self.path = path
        self.epochs = epochs or {}

    @classmethod
    def load(cls, db_path: Path) -> StationState:
        path = state_path(db_path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            epochs = {
                str(k): EpochRecord(int(v.get("acked", 0)), int(v.get("sent", 0)), v.get("sent_change_id"))
                for k, v in raw.get("epochs", {}).items()
            }
        except FileNotFoundError:
            epochs = {}
        except (OSError, ValueError, TypeError, AttributeError):
            # A damaged state file only costs a re-send: start it afresh.
            epochs = {}
        return cls(path, epochs)

    def get(self, epoch: str) -> EpochRecord | None:
        return self.epochs.get(epoch)

    def note_sent(self, epoch: str, seq: int, change_id: str) -> None:
        rec = self.epochs.setdefault(epoch, EpochRecord())
        if seq > rec.sent:
            rec.sent, rec.sent_change_id = seq, change_id
            self.save()

    def note_acked(self, epoch: str, seq: int) -> None:
        """Record the database's new ``acked_seq`` (also when it moved back: county restored)."""
        rec = self.epochs.setdefault(epoch, EpochRecord())
        if rec.acked != seq:
            rec.acked = seq
            self.save()

    def save(self) -> None:
        data = {
            "version": 1,
            "epochs": {
                k: {"acked": v.acked, "sent": v.sent, "sent_change_id": v.sent_change_id}
                for k, v in self.epochs.items()
            },
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            from sync.errors import SyncError

            raise SyncError(
                f"无法写入同步记录文件 {self.path}（{exc.strerror}），请检查磁盘空间和文件夹权限。",
                f"Cannot write the sync state file {self.path}: {exc}",
            ) from exc
