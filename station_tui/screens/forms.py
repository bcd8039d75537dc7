"""Opening the right form for a kind of record, from a list, the dashboard or the palette."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station_tui.locale import t

KINDS = ("lecture", "activity", "person")


def form_class(kind: str) -> type:
    if kind == "lecture":
        from station_tui.screens.lecture_form import LectureForm

        return LectureForm
    if kind == "activity":
        from station_tui.screens.activity_form import ActivityForm

        return ActivityForm
    if kind == "person":
        from station_tui.screens.person_form import PersonForm

        return PersonForm
    raise ValueError(kind)


def repository(app: Any, kind: str) -> Any:
    return {"lecture": app.store.lectures, "activity": app.store.activities, "person": app.store.people}[kind]


def fetch_then(app: Any, kind: str, record_id: str, then: Callable[[Any], None]) -> None:
    """Read one record in a worker thread, then call ``then(record)`` on the UI thread;
    a record deleted meanwhile is reported instead."""

    def read() -> None:
        try:
            record = repository(app, kind).get(record_id)
        except Exception as exc:  # locked or damaged: say so rather than open nothing
            app.call_from_thread(app.notify, t("form.read_failed", error=str(exc)), severity="error", timeout=8)
            return
        if record is None:
            app.call_from_thread(app.notify, t("form.gone"), severity="warning")
        else:
            app.call_from_thread(then, record)

    app.run_worker(read, thread=True, group="fetch", exit_on_error=False)


def open_form(app: Any, kind: str, record_id: str | None, callback: Callable[[Any], None] | None = None) -> None:
    """Edit the record ``record_id`` (or make a new one when None)."""
    if record_id is None:
        app.push_screen(form_class(kind)(None), callback)
    else:
        fetch_then(app, kind, record_id, lambda record: app.push_screen(form_class(kind)(record), callback))
