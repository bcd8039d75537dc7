"""What sensitive personal information may leave the PC (PIPL: minimum necessary).

The station's settings (``upload_id_numbers``, ``upload_phones``) are copied into ``meta``,
where the capture triggers read them: a change captured while a setting is off never holds
that column's value. Switching a setting off also blanks the column in every change not yet
acknowledged by the county, so nothing captured while it was on leaves after it is off.
Switching one on re-captures nothing: a person's value goes up with their next change.

Which columns are sensitive, and under which setting, is declared on the model's fields
(``Meta(sensitive=...)`` in domain/models.py); ``capture.SENSITIVE_COLUMNS`` gathers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from station_tui.storage.capture import SENSITIVE_COLUMNS
from station_tui.storage.db import put_meta

if TYPE_CHECKING:
    from station_tui.settings_model import Settings
    from station_tui.storage.store import Store


def allowed(settings: Settings) -> dict[str, bool]:
    """Sensitive column → whether the settings let it leave the PC (export or upload)."""
    return {column: bool(getattr(settings, key, False)) for column, key in SENSITIVE_COLUMNS.items()}


def apply(store: Store, settings: Settings) -> int:
    """Make the database follow the settings; returns how many pending changes were blanked.

    One transaction: the ``meta`` switches and the blanking of pending changes go together.
    """
    blanked = 0
    with store.write() as conn:
        acked = int((conn.execute("SELECT value FROM meta WHERE key = 'acked_seq'").fetchone() or ["0"])[0] or 0)
        for column, on in allowed(settings).items():
            put_meta(conn, SENSITIVE_COLUMNS[column], "1" if on else "0")
            if not on:
                blanked += conn.execute(
                    f"UPDATE outbox SET row_json = json_set(row_json, '$.{column}', NULL) "
                    f"WHERE seq > ? AND json_extract(row_json, '$.{column}') IS NOT NULL",
                    (acked,),
                ).rowcount
    return blanked
