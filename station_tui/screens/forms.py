"""Opening the right form for a kind of record, from a list, the dashboard or the palette."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station_tui.locale import t
from station_tui.screens.registry import BY_KIND, load

#: The kinds of record with a screen and a form ("lecture", "activity", "person").
KINDS = tuple(BY_KIND)


def form_class(kind: str) -> type:
    """The form of ``kind``, as its screen's entry in screens/registry.py names it."""
    if kind not in BY_KIND:
        raise ValueError(kind)
    return load(BY_KIND[kind].form)


def repository(app: Any, kind: str) -> Any:
    """The store's repository of ``kind``: the one named after its table (domain/kinds.py)."""
    from station_tui.domain.kinds import BY_KEY

    if kind not in BY_KIND:
        raise ValueError(kind)
    return app.store.repository(BY_KEY[kind].table)


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
