"""The form of a villager request (群众点单): what the villager asked, who asked and how. Its
state, assignee, activity and rating change only by the moves of its list screen."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from station_tui.domain.models import Request
from station_tui.widgets.form import form_fields
from station_tui.widgets.photo_count import PhotoCountForm


class RequestForm(PhotoCountForm):
    PHOTO_TABLE = "requests"
    MODEL = Request
    TITLE_NEW = "request.new"
    TITLE_EDIT = "request.edit"
    FIELDS = form_fields(
        Request,
        "received_on",
        "wish",
        "content",
        "requester",
        "phone",
        "address",
        "request_type",
        "channel",
        "expected_on",
        "recorded_by",
        "note",
    )

    def __init__(self, record: Any = None) -> None:
        super().__init__(record)
        # The county's categories or the station's own (settings.json), the record's own kept.
        categories = list(self._categories())
        if record is not None and record.request_type and record.request_type not in categories:
            categories.append(record.request_type)
        self.FIELDS = tuple(  # type: ignore[misc]
            replace(f, choices=tuple(categories)) if f.name == "request_type" else f for f in type(self).FIELDS
        )

    def _categories(self) -> list[str]:
        from station_tui.domain.vocab import DEFAULT_REQUEST_CATEGORIES

        try:
            # The county's list once it sent one, else settings.json's (app.request_categories).
            found = list(self.app.request_categories)  # type: ignore[attr-defined]
            return found or list(self.app.settings.request_categories)  # type: ignore[attr-defined]
        except Exception:  # no app yet (tests build forms alone) or a broken settings file
            return list(DEFAULT_REQUEST_CATEGORIES)

    def defaults(self) -> dict[str, Any]:
        out = super().defaults()
        out.pop("expected_on", None)  # only when the villager names a day
        out["channel"] = "当面"
        try:
            station = self.app.store.station.current()  # type: ignore[attr-defined]
        except Exception:
            station = None
        if station is not None and station.manager:
            out["recorded_by"] = station.manager
        return out

    def context(self) -> dict[str, Any]:
        return {
            **super().context(),
            "request_categories": [c for f in self.FIELDS if f.name == "request_type" for c in f.choices],
        }

    def write(self, model: Any, *, force: bool) -> Any:
        repo = self.repository()
        if force and model.id is not None:
            # "Keep mine" over another session's save keeps the moves made meanwhile.
            from station_tui.storage.repositories.requests import FLOW_FIELDS

            current = repo.get(str(model.id))
            if current is not None:
                model = model.model_copy(update={f: getattr(current, f) for f in FLOW_FIELDS})
        return super().write(model, force=force)
