"""The form of a lecture (宣讲)."""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.widget import Widget

from station_tui.domain import Lecture, Venue
from station_tui.locale import t
from station_tui.widgets.form import Field, RecordForm, form_fields
from station_tui.widgets.photo_count import PhotoCountForm
from station_tui.widgets.speaker_box import SpeakerBox


def venue_options(store: Any, current: str | None) -> list[tuple[str, str]]:
    """(label, id) of the 阵地 list box: each venue by its name, and its address when it has one.
    The record's own venue stays offered though it was deleted since: saving the record
    unchanged must not drop it."""
    venues: list[Venue] = store.venues.all()
    if current and current not in {str(v.id) for v in venues}:
        kept = store.venues.get(current, include_deleted=True)
        venues += [kept] if kept is not None else []
    return [(f"{v.name}（{v.address}）" if v.address else v.name, str(v.id)) for v in venues]


class LectureForm(PhotoCountForm):
    PHOTO_TABLE = "lectures"
    MODEL = Lecture
    TITLE_NEW = "lecture.new"
    TITLE_EDIT = "lecture.edit"
    # 阵地 is chosen from the station's venues; 地点 stays free text for a one-off place.
    FIELDS = form_fields(
        Lecture,
        "date",
        "start_time",
        "end_time",
        "topic",
        "speaker",
        "form",
        "venue_id",
        "place",
        "audience",
        "summary",
        "note",
    )

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "form": "集中宣讲"}

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        return venue_options(self.app.store, getattr(self.record, "venue_id", None))  # type: ignore[attr-defined]

    # 宣讲人: one of the people (then on the roster as 宣讲员, saved with the lecture), or a
    # name typed as free text for an outside speaker.
    def _make_widget(self, field: Field, value: Any) -> Widget:
        if field.name == "speaker":
            chosen = self.record.speaker_id if self.record is not None else None
            return SpeakerBox(value or "", chosen, id="f-speaker")
        return super()._make_widget(field, value)

    def to_data(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        data, problems = super().to_data(raw)
        data["speaker_id"] = self.query_one(SpeakerBox).speaker_id
        typed = str(raw.get("speaker") or "").strip()
        if data["speaker_id"] is None and re.fullmatch(r"[a-z]+", typed):
            # Initials typed and the box left without picking anyone: not a name to keep.
            problems.setdefault("speaker", t("speaker.pinyin", text=typed))
        return data, problems

    def raw_values(self) -> dict[str, Any]:
        # The person chosen counts as typed: choosing another one of the same name is a change.
        return {**super().raw_values(), "speaker_id": self.query_one(SpeakerBox).speaker_id}

    @on(SpeakerBox.Edited)
    def _speaker_edited(self, message: SpeakerBox.Edited) -> None:
        message.stop()
        self._touch("f-speaker")

    def on_record_form_conflict(self, message: RecordForm.Conflict) -> None:
        """Before RecordForm's own handler: the person chosen shows as the 宣讲人 line (their
        name), never as an id of its own."""
        if "speaker_id" in message.changed:
            message.changed = [name for name in message.changed if name != "speaker_id"]
            if "speaker" not in message.changed:
                message.changed.append("speaker")

    def load_record(self, record: Any) -> None:
        self.query_one(SpeakerBox).show(record.speaker, record.speaker_id)
        super().load_record(record)
