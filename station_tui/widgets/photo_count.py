"""The form of a record photos belong to (a lecture, an activity, a villager request) says how
many it has: a read-only line at the end, once it has any. The photos themselves open with
``i`` on the list (screens/photos.py)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.events import Mount
from textual.widgets import Static

from station_tui.locale import t
from station_tui.widgets.form import RecordForm


class PhotoCountForm(RecordForm):
    #: The table the photos name as theirs (``photos.record_table``).
    PHOTO_TABLE: ClassVar[str] = ""

    @on(Mount)
    def _count_photos(self) -> None:
        if self.record is not None and self.record.id:
            self._read_photo_count(str(self.record.id))

    @work(thread=True, group="photo-count")
    def _read_photo_count(self, record_id: str) -> None:
        from station_tui.storage import photos

        try:
            n = photos.count_of(self.app.store, self.PHOTO_TABLE, record_id)  # type: ignore[attr-defined]
        except Exception:  # a locked database: the form works without the line
            return
        if n:
            self.app.call_from_thread(self._show_photo_count, n)

    def _show_photo_count(self, n: int) -> None:
        if self.is_mounted:
            self.query_one("#form-fields").mount(Static(t("photos.count_line", n=n), id="photo-count", markup=False))
