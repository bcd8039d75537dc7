"""The two forms of the hours ledger, opened from a person's page: 补录 (a late entry) and
作废 (the void of a 补录). Both are checked by the ledger entry's model as the user types, and
the ledger's own refusals (voided meanwhile by another session…) are shown in plain Chinese
with everything typed kept."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from station_tui.domain.hours import format_tenths
from station_tui.domain.models import HoursEntry
from station_tui.locale import t
from station_tui.widgets.form import Field, RecordForm, form_fields


class _LedgerForm(RecordForm):
    MODEL = HoursEntry
    REPO = "hours_entries"

    def __init__(self, operator: str) -> None:
        super().__init__()
        #: Who does it, as the box starts: the station's 专管员, else the computer's user.
        self.operator = operator


#: How many of the latest events the 补录 form offers to choose from.
EVENT_CHOICES = 200


class LateEntryForm(_LedgerForm):
    """补录: date, hours, the event it was for (one of the latest) or what the service was,
    reason, operator."""

    TITLE_NEW = "late_entry.title"
    FIELDS = (
        *form_fields(HoursEntry, "date", "tenths"),
        # One box for either kind of event: its value is "lecture:<id>" or "activity:<id>".
        Field("event", "field.hours_event", kind="lookup"),
        *form_fields(HoursEntry, "content", "reason", "operator"),
    )

    def __init__(self, person_id: str, name: str, operator: str) -> None:
        super().__init__(operator)
        self.person_id, self.person_name = person_id, name

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "operator": self.operator}

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form-title").update(t("late_entry.title_for", name=self.person_name))  # type: ignore[attr-defined]

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        hours = self.app.store.hours  # type: ignore[attr-defined]
        return [
            (f"{day} {t('kind.' + kind)} {title}", f"{kind}:{event_id}")
            for kind, event_id, day, title in hours.recent_events(EVENT_CHOICES)
        ]

    def build(self, data: dict[str, Any]) -> BaseModel:
        data = dict(data)
        kind, _, event_id = str(data.pop("event", None) or "").partition(":")
        data["lecture_id"] = event_id if kind == "lecture" else None
        data["activity_id"] = event_id if kind == "activity" else None
        return HoursEntry.model_validate(
            {"person_id": self.person_id, "entry_kind": "补录", "tenths": 0, **data}, context=self.context()
        )

    def write(self, model: Any, *, force: bool) -> Any:
        # A refusal (LedgerRefusal) is shown by the form in its own words, everything kept.
        event_kind, event_id = ("lecture", model.lecture_id) if model.lecture_id else ("activity", model.activity_id)
        return self.app.store.hours.late_entry(  # type: ignore[attr-defined]
            self.person_id, model.date, model.tenths, model.reason or "", model.operator, content=model.content,
            event_kind=event_kind if event_id else None, event_id=event_id,
        )


class VoidForm(_LedgerForm):
    """作废 of one 补录: the reason and who voids it."""

    TITLE_NEW = "void.title"
    FIELDS = form_fields(HoursEntry, "reason", "operator")

    def __init__(self, line: Any, operator: str) -> None:
        super().__init__(operator)
        self.line = line

    def defaults(self) -> dict[str, Any]:
        return {"operator": self.operator}

    def on_mount(self) -> None:
        super().on_mount()
        entry = self.line.entry
        self.query_one("#form-title").update(  # type: ignore[attr-defined]
            t("void.title_for", date=entry.date.isoformat(), hours=format_tenths(entry.tenths), what=self.line.what)
        )

    def build(self, data: dict[str, Any]) -> BaseModel:
        entry = self.line.entry
        return HoursEntry.model_validate(
            {
                "person_id": entry.person_id, "date": entry.date, "entry_kind": "作废", "tenths": -entry.tenths,
                "voids_id": entry.id, **data,
            },
            context={"today": entry.date},
        )

    def write(self, model: Any, *, force: bool) -> Any:
        hours = self.app.store.hours  # type: ignore[attr-defined]
        return hours.void(str(self.line.entry.id), model.reason or "", model.operator)
