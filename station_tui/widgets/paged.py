"""The part of a list screen that pages through SQL: a DataTable holding one page only,
a filter row, a page line, and keys to move between pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, overload

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from station_tui.locale import has, t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.table import RecordTable

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int


class DeclaredColumns(Sequence[Column]):
    """A list screen's columns: its kind's fields, with the heading and width their ``Meta``
    declares (``column``, ``column_label``), and the columns the screen computes itself.

    Read from the declaration when first needed, not when the screen's module is imported:
    the declaration lives on the pydantic models, and importing a list screen (the app's
    modes, the help screen) stays as light as it was.
    """

    def __init__(self, model: Any, items: tuple[str | Column, ...]) -> None:
        self._model = model
        self._items = items

    @cached_property
    def _columns(self) -> tuple[Column, ...]:
        from station_tui.domain.declare import field_specs

        model = self._model
        if isinstance(model, str):
            from station_tui.domain.kinds import BY_KEY

            model = BY_KEY[model].model
        specs = field_specs(model)
        columns = []
        for item in self._items:
            if isinstance(item, Column):
                columns.append(item)
                continue
            spec = specs.get(item)
            if spec is None:
                raise ValueError(f"{model.__name__} declares no field {item}")
            if not spec.column:
                raise ValueError(f"{model.__name__}.{item} declares no column width (Meta column=…)")
            columns.append(Column(item, spec.column_label, spec.column))
        return tuple(columns)

    @overload
    def __getitem__(self, index: int) -> Column: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Column, ...]: ...
    def __getitem__(self, index: int | slice) -> Column | tuple[Column, ...]:
        return self._columns[index]

    def __len__(self) -> int:
        return len(self._columns)

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns)

    def __repr__(self) -> str:
        return f"DeclaredColumns({self._model!r}, {self._items!r})"


def list_columns(model: Any, *items: str | Column) -> DeclaredColumns:
    """The columns of a list of ``model`` (a record model, or a kind's key such as "lecture",
    which keeps the models unloaded until the list is shown): a field's name gives its
    declared column; a ``Column`` is one the screen computes (an activity's hours)."""
    return DeclaredColumns(model, items)


@dataclass(frozen=True)
class PageResult:
    rows: list[tuple[str, tuple[Any, ...]]]  # (record id, cells)
    total: int
    page: int
    request: int


class PagedListScreen(StationScreen):
    """Subclasses give COLUMNS, a filter row (``compose_filters``), ``fetch`` and ``KIND``."""

    COLUMNS: ClassVar[Sequence[Column]] = ()
    KIND: ClassVar[str] = ""
    BINDINGS = [
        Binding("c,insert", "new", "key.new", id="list.new"),
        Binding("e", "edit", "key.edit", id="list.edit"),
        Binding("d,delete", "delete", "key.delete", id="list.delete"),
        Binding("slash,f", "focus_filter", "key.filter", id="list.filter"),
        Binding("pagedown,n", "page(1)", "key.next_page", show=False, id="list.next_page", priority=True),
        Binding("pageup,p", "page(-1)", "key.prev_page", show=False, id="list.prev_page", priority=True),
        Binding("escape", "focus_table", "key.to_list", show=False, id="list.to_list"),
    ]

    class PageLoaded(Message):
        def __init__(self, result: PageResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.total = 0
        self._request = 0
        self._filter_timer: Any = None
        self._filter_error = ""
        #: The record a form just saved: the cursor goes to it once the page is reloaded.
        self._select_id: str | None = None

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield from self.compose_filters()
        table: DataTable = RecordTable(id="list-table", cursor_type="row", zebra_stripes=True)
        for column in self.COLUMNS:
            table.add_column(t(column.label), key=column.key, width=column.width)
        yield table
        yield Static("", id="list-status", markup=False)
        yield KeyFooter()

    def compose_filters(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    # -- loading -----------------------------------------------------------------------------
    def current_filter(self) -> Any:
        """The filter as the repository wants it, or None with ``_filter_error`` set."""
        raise NotImplementedError

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        raise NotImplementedError

    def load(self) -> None:
        flt = self.current_filter()
        if flt is None:
            self._show_status()
            return
        self._request += 1
        self._load(flt, self.page, self._request)

    @work(thread=True, exclusive=True, group="list")
    def _load(self, flt: Any, page: int, request: int) -> None:
        try:
            rows, total = self.fetch(flt, PAGE_SIZE, page * PAGE_SIZE)
            if not rows and total and page > 0:  # the page vanished (records deleted meanwhile)
                page = max(0, (total - 1) // PAGE_SIZE)
                rows, total = self.fetch(flt, PAGE_SIZE, page * PAGE_SIZE)
        except Exception as exc:  # a locked or damaged database: say so, keep the page shown
            self.app.call_from_thread(self.show_problem, "#list-status", t("list.load_failed", error=str(exc)))
            return
        self.post_message(self.PageLoaded(PageResult(rows, total, page, request)))

    def on_paged_list_screen_page_loaded(self, message: PageLoaded) -> None:
        result = message.result
        if result.request != self._request:
            return  # an older answer overtaken by a newer filter
        table = self.query_one(DataTable)
        keep = self._select_id or self.selected_id()
        self._select_id = None
        keep_row = table.cursor_row
        table.clear()
        for record_id, cells in result.rows:
            table.add_row(*cells, key=record_id)
        self.page, self.total = result.page, result.total
        if keep is not None and keep in {r[0] for r in result.rows}:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        elif result.rows:
            table.move_cursor(row=min(max(keep_row, 0), len(result.rows) - 1), animate=False)
        self._show_status()

    def _show_status(self) -> None:
        status = self.query_one("#list-status", Static)
        if self._filter_error:
            self.show_problem("#list-status", self._filter_error)
            return
        pages = max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)
        if self.total == 0:
            status.update(t("list.empty"))
        else:
            status.update(t("list.status", page=self.page + 1, pages=pages, total=self.total))

    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None

    # -- filter ------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        # Debounced: typing a word does one query, not one per key.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.2, self._filter_now)

    def _filter_now(self) -> None:
        self.page = 0
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_focus_table()

    def action_focus_filter(self) -> None:
        self.query(Input).first().focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    # -- paging and records ------------------------------------------------------------------
    def action_page(self, step: int) -> None:
        pages = max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)
        target = min(max(self.page + step, 0), pages - 1)
        if target != self.page:
            self.page = target
            self.query_one(DataTable).move_cursor(row=0, animate=False)
            self.reload()

    def action_new(self) -> None:
        from station_tui.screens.forms import open_form

        open_form(self.app, self.KIND, None, self._after_form)

    def action_edit(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            return
        from station_tui.screens.forms import open_form

        open_form(self.app, self.KIND, record_id, self._after_form)

    def _after_form(self, record: Any) -> None:
        if record is not None and getattr(record, "id", None):
            self._select_id = str(record.id)
            self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def describe(self, record: Any) -> str:
        return str(record.id)

    def delete_question(self, what: str) -> str:
        """``delete.<kind>`` when the catalog words it for this kind, else the general question."""
        own = f"delete.{self.KIND}"
        return t(own if has(own) else "delete.record", what=what)

    def action_delete(self) -> None:
        from station_tui.modals.confirm import ConfirmModal
        from station_tui.screens.forms import fetch_then

        record_id = self.selected_id()
        if record_id is None:
            return

        def ask(record: Any) -> None:
            def answered(yes: bool | None) -> None:
                if yes:
                    self._delete(record.id, record.row_version)

            self.app.push_screen(ConfirmModal(self.delete_question(self.describe(record))), answered)

        fetch_then(self.app, self.KIND, record_id, ask)

    @work(thread=True, group="delete")
    def _delete(self, record_id: str, version: int) -> None:
        from station_tui.screens.forms import repository
        from station_tui.storage import NotFound, StaleRecord

        try:
            repository(self.app, self.KIND).delete(record_id, expected_version=version)
        except StaleRecord:
            self.app.call_from_thread(self.app.notify, t("delete.stale"), severity="warning", timeout=8)
        except NotFound:
            self.app.call_from_thread(self.app.notify, t("form.gone"), severity="warning")
        except Exception as exc:  # locked by another program, a full disk: nothing deleted, say so
            self.app.call_from_thread(self.app.notify, t("delete.failed", error=str(exc)), severity="error",
                                      timeout=8)
        else:
            self.app.call_from_thread(self.app.notify, t("delete.done"))
        self.app.call_from_thread(self.app.data_changed)  # type: ignore[attr-defined]
