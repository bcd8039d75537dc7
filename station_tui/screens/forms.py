"""Opening the right form for a kind of record, from a list, the dashboard or the palette."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from station_tui.locale import t
from station_tui.screens.registry import BY_KIND, load

if TYPE_CHECKING:
    from station_tui.domain.kinds import RecordKind
    from station_tui.widgets.form import RecordForm

#: The kinds of record with a screen and a form ("lecture", "activity", "person").
KINDS = tuple(BY_KIND)


def form_class(kind: str) -> type[RecordForm]:
    """The form of ``kind``, as its screen's entry in screens/registry.py names it, or else
    the one its declaration makes (``declared_form``)."""
    if kind not in BY_KIND:
        raise ValueError(kind)
    if BY_KIND[kind].form:
        return load(BY_KIND[kind].form)
    from station_tui.domain.kinds import BY_KEY

    return declared_form(BY_KEY[kind])


@cache
def declared_form(kind: RecordKind) -> type[RecordForm]:
    """The form of a kind that names none: every declared field, in the model's order, each
    line as its ``Meta`` says; titled ``<key>.new`` / ``<key>.edit`` (catalog keys). A kind with
    a list box of other records (``typed_as="lookup"``) needs a form of its own, which says
    where the choices come from (``lookup_options``), and so does another order or layout."""
    from station_tui.widgets.form import RecordForm, form_fields

    lookups = [name for name, spec in kind.fields.items() if spec.typed_as == "lookup"]
    if lookups:
        raise ValueError(
            f"{kind.model.__name__} has list boxes of other records ({', '.join(lookups)}): give its screen's "
            "entry in screens/registry.py a form of its own (form=\"module:Class\") with lookup_options()"
        )
    return type(
        f"{kind.model.__name__}Form",
        (RecordForm,),
        {
            "__module__": __name__,
            "__doc__": f"The form of {kind.table}, as domain/kinds.py declares the kind.",
            "MODEL": kind.model,
            "FIELDS": form_fields(kind.model, *kind.fields),
            "TITLE_NEW": f"{kind.key}.new",
            "TITLE_EDIT": f"{kind.key}.edit",
        },
    )


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
