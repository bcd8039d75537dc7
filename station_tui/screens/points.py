"""积分 (更多 › j): people with their points balances; a person's ledger with add/deduct items
and voids; the month's 公示 list, exported as .xlsx for the notice board.

The balances and entries are sums and pages read through ``PointsRepository`` in workers;
every write is one of its transactions (a deduction that would take a balance below zero is
refused there, and the dialog says so with the balance).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from station_tui.locale import t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.paged import PAGE_SIZE, Column, PagedListScreen
from station_tui.widgets.table import RecordTable
from station_tui.widgets.text_input import TextInput


def _ledger(app: Any) -> Any:
    return app.store.repository("points_entries")


def _rules(app: Any) -> Any:
    settings = getattr(app, "settings", None)
    rules = getattr(settings, "points", None)
    if rules is None:
        from station_tui.storage.repositories.points import load_points_rules

        rules = load_points_rules()
    return rules


class PointsScreen(PagedListScreen):
    """Everyone with their balance: those with entries first; Enter opens a person's ledger."""

    MODE = "points"
    BINDINGS = [
        Binding("m", "public_list", "key.points_public", id="points.public"),
    ]
    COLUMNS = (
        Column("name", "col.person_name", 12),
        Column("balance", "col.points_balance", 8),
        Column("plus", "col.points_plus", 8),
        Column("minus", "col.points_minus", 8),
    )

    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=t("filter.points_text"), id="filter-text", compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # People are made in 人员; points are entered on a person's page.
        return action not in ("new", "edit", "delete")

    def current_filter(self) -> Any:
        self._filter_error = ""
        return self.query_one("#filter-text", Input).value

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        ledger = _ledger(self.app)
        with self.station_app.store.snapshot():
            total = ledger.count_people(flt)
            rows = ledger.people_page(flt, limit=limit, offset=offset)
        return [(r.person_id, (r.name, r.balance, r.earned, r.spent)) for r in rows], total

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        event.prevent_default()  # not the list's own Enter, which edits a record
        self.action_open_person()

    def action_open_person(self) -> None:
        person_id = self.selected_id()
        if person_id is not None:
            self.app.push_screen(PersonPointsScreen(person_id))

    def action_public_list(self) -> None:
        self.app.push_screen(PublicListScreen())


class PersonPointsScreen(StationScreen):
    """One person's points: the balance and the ledger, newest first, 50 to a page."""

    MODE = "points"
    BINDINGS = [
        Binding("a", "add_item", "key.points_item", id="person_points.item"),
        Binding("x", "void", "key.points_void", id="person_points.void"),
        Binding("pagedown,n", "page(1)", "key.next_page", show=False, id="person_points.next_page"),
        Binding("pageup,p", "page(-1)", "key.prev_page", show=False, id="person_points.prev_page"),
        Binding("escape", "back", "key.back", id="person_points.back"),
    ]

    class Loaded(Message):
        def __init__(self, name: str, balance: int, total: int, page: int, rows: list[Any]) -> None:
            super().__init__()
            self.name, self.balance, self.total, self.page, self.rows = name, balance, total, page, rows

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.person_name = ""
        self.balance = 0
        self.page = 0
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield Static("", id="points-head", markup=False)
        table: DataTable = RecordTable(id="points-entries", cursor_type="row", zebra_stripes=True)
        for key, label, width in (
            ("date", "col.date", 10), ("kind", "col.points_kind", 4), ("points", "col.points", 6),
            ("what", "col.points_what", 30), ("operator", "col.operator", 8),
        ):
            table.add_column(t(label), key=key, width=width)
        yield table
        yield Static("", id="list-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def load(self) -> None:
        self._load(self.page)

    @work(thread=True, exclusive=True, group="person-points")
    def _load(self, page: int) -> None:
        store = self.station_app.store
        ledger = _ledger(self.app)
        try:
            with store.snapshot():
                person = store.people.get(self.person_id, include_deleted=True)
                total = ledger.count_entries(self.person_id)
                entries = ledger.entries(self.person_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
                balance = ledger.balance(self.person_id)
                voided = ledger.voided_ids(str(e.id) for e in entries)
        except Exception as exc:  # a locked or damaged database: say so, keep what is shown
            self.app.call_from_thread(self.show_problem, "#list-status", t("list.load_failed", error=str(exc)))
            return
        rows = []
        for e in entries:
            what = "　".join(x for x in (e.item, e.reason) if x) or ""
            if str(e.id) in voided:
                what = t("points.voided_mark") + what
            rows.append((str(e.id), (e.date.isoformat(), e.kind, f"{e.points:+d}", what, e.operator or "")))
        self.post_message(self.Loaded(person.name if person else "", balance, total, page, rows))

    def on_person_points_screen_loaded(self, message: Loaded) -> None:
        self.person_name, self.balance = message.name, message.balance
        self.total, self.page = message.total, message.page
        self.query_one("#points-head", Static).update(
            t("points.head", name=message.name, balance=message.balance, entries=message.total)
        )
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for key, cells in message.rows:
            table.add_row(*cells, key=key)
        if message.rows:
            table.move_cursor(row=min(max(row, 0), len(message.rows) - 1), animate=False)
        pages = max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)
        self.query_one("#list-status", Static).update(
            t("list.status", page=self.page + 1, pages=pages, total=self.total) if self.total else t("points.none")
        )

    def action_page(self, step: int) -> None:
        pages = max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)
        target = min(max(self.page + step, 0), pages - 1)
        if target != self.page:
            self.page = target
            self._load(target)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add_item(self) -> None:
        from station_tui.screens.points_dialogs import ActionDialog, Box

        rules = _rules(self.app)
        options = tuple((f"{it.name}  {it.points:+d}", it.name) for it in rules.items)
        if not options:
            self.notify(t("points.no_items"), severity="warning")
            return
        ledger, person_id = _ledger(self.app), self.person_id

        def perform(values: dict[str, Any]) -> Any:
            return ledger.add_item(person_id, values["item"], rules, reason=values["reason"] or None)

        self.app.push_screen(
            ActionDialog(
                t("points.item_title", name=self.person_name, balance=self.balance),
                [Box("item", t("points.item_label"), "choice", options=options),
                 Box("reason", t("points.reason_label"), placeholder=t("points.reason_hint"), max_length=200)],
                perform,
            ),
            self._after_write,
        )

    def action_void(self) -> None:
        from station_tui.screens.points_dialogs import ActionDialog, Box

        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        entry_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if entry_id is None:
            return
        ledger = _ledger(self.app)
        described = "  ".join(str(c) for c in table.get_row(entry_id)[:4])

        def perform(values: dict[str, Any]) -> Any:
            return ledger.void(entry_id, values["reason"])

        self.app.push_screen(
            ActionDialog(
                t("points.void_title"),
                [Box("reason", t("points.void_reason"), placeholder=t("points.reason_hint"), max_length=200)],
                perform,
                note=described,
            ),
            self._after_write,
        )

    def _after_write(self, result: Any) -> None:
        if result is not None:
            self.notify(t("points.saved"))
            self.reload()


def parse_month(text: str) -> tuple[int, int] | None:
    """A month (``2026-11``, ``2026年11月``) of 2000–2100, as the 公示 list takes it."""
    from station_tui.screens.events import parse_month as year_or_month

    found = year_or_month(text)
    if found is None or found[0] is None or found[1] is None:
        return None
    return (found[0], found[1]) if 2000 <= found[0] <= 2100 else None


class PublicListScreen(StationScreen):
    """The month's 公示: who earned and spent what; x writes it as .xlsx for the notice board."""

    MODE = "points"
    DEFAULT_CSS = """
    #month { width: 20; }
    """
    BINDINGS = [
        Binding("x", "export", "key.points_export", id="points_public.export"),
        Binding("slash,f", "focus_month", "key.points_month", id="points_public.month"),
        Binding("escape", "back", "key.back", id="points_public.back"),
    ]

    class Loaded(Message):
        def __init__(self, month: tuple[int, int], lines: list[Any]) -> None:
            super().__init__()
            self.month, self.lines = month, lines

    def __init__(self) -> None:
        super().__init__()
        self.month: tuple[int, int] | None = None
        self.lines: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        with Horizontal(id="filters"):
            today = getattr(self.app, "today", date.today())
            yield TextInput(f"{today.year}-{today.month:02d}", placeholder=t("points.month_hint"), id="month",
                            compact=True)
        table: DataTable = RecordTable(id="public-list", cursor_type="row", zebra_stripes=True)
        for key, label, width in (
            ("name", "col.person_name", 10), ("earned", "col.points_earned", 8), ("bonus", "col.points_bonus", 6),
            ("deducted", "col.points_deducted", 6), ("redeemed", "col.points_redeemed", 6),
            ("net", "col.points_net", 8), ("balance", "col.points_balance", 8),
        ):
            table.add_column(t(label), key=key, width=width)
        yield table
        yield Static("", id="list-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def load(self) -> None:
        month = parse_month(self.query_one("#month", Input).value)
        if month is None:
            self.show_problem("#list-status", t("points.month_bad"))
            return
        self._load(month)

    def on_input_changed(self, event: Input.Changed) -> None:
        if parse_month(event.value) is not None:
            self.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.load()
        self.query_one(DataTable).focus()

    @work(thread=True, exclusive=True, group="points-public")
    def _load(self, month: tuple[int, int]) -> None:
        try:
            lines = _ledger(self.app).month_public(*month)
        except Exception as exc:
            self.app.call_from_thread(self.show_problem, "#list-status", t("list.load_failed", error=str(exc)))
            return
        self.post_message(self.Loaded(month, lines))

    def on_public_list_screen_loaded(self, message: Loaded) -> None:
        self.month, self.lines = message.month, message.lines
        table = self.query_one(DataTable)
        table.clear()
        for line in message.lines:
            table.add_row(line.name, line.earned, line.bonus, line.deducted, line.redeemed, line.net, line.balance,
                          key=line.person_id)
        year, month = message.month
        self.query_one("#list-status", Static).update(
            t("points.public_status", year=year, month=month, people=len(message.lines))
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_month(self) -> None:
        self.query_one("#month", Input).focus()

    def action_export(self) -> None:
        if self.month is None:
            self.show_problem("#list-status", t("points.month_bad"))
            return
        self._export(self.month, list(self.lines))

    @work(thread=True, exclusive=True, group="points-export")
    def _export(self, month: tuple[int, int], lines: list[Any]) -> None:
        from station_tui.reports.points_public import default_name, export_folder, write_xlsx

        year, mon = month
        try:
            station = self.station_app.store.station.current()
            path = write_xlsx(lines, export_folder() / default_name(year, mon), station=station.name if station else "",
                              year=year, month=mon)
        except Exception as exc:  # a full disk, a file open in WPS: nothing half-written is left as the list
            self.app.call_from_thread(self.app.notify, t("points.export_failed", error=str(exc)), severity="error",
                                      timeout=10)
            return
        self.app.call_from_thread(self.app.notify, t("points.exported", path=str(path)), timeout=15)
