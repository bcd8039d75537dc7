"""A person's page (人员页面): who they are, their teams, their hours ledger by year with each
year's total, the total and the star level; 补录 and 作废 from here. Opened from 人员 (Enter)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from station_tui.locale import t
from station_tui.screens.base import StationScreen
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.table import RecordTable

if TYPE_CHECKING:
    from station_tui.storage.repositories.hours import LedgerLine, PersonPage

#: Row keys of the year lines start with this; entries are keyed by their id.
_YEAR = "year:"


class PersonPageScreen(StationScreen):
    MODE = "people"

    DEFAULT_CSS = """
    PersonPageScreen #person-identity { height: 1; padding: 0 1; text-style: bold; }
    PersonPageScreen #person-teams { height: 1; padding: 0 1; }
    PersonPageScreen #person-hours { height: 1; padding: 0 1; }
    PersonPageScreen #ledger-table { height: 1fr; }
    PersonPageScreen #person-status { height: 1; padding: 0 1; }
    """

    BINDINGS = [
        Binding("b", "late_entry", "key.late_entry", id="person_page.late_entry"),
        Binding("x", "void", "key.void", id="person_page.void"),
        Binding("e", "edit", "key.edit_person", id="person_page.edit"),
        Binding("c", "certificate", "key.cert_issue", id="person_page.certificate"),
        Binding("escape", "back", "key.back", id="person_page.back"),
    ]

    class Loaded(Message):
        def __init__(self, page: PersonPage | None, operator: str, request: int) -> None:
            super().__init__()
            self.page, self.operator, self.request = page, operator, request

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.data: PersonPage | None = None
        #: Who 补录 and 作废 name as their operator unless changed: the station's 专管员.
        self.operator = ""
        self._request = 0
        self._lines: dict[str, LedgerLine] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("person_page.loading"), id="person-identity", markup=False)
        yield Static("", id="person-teams", markup=False)
        yield Static("", id="person-hours", markup=False)
        table: DataTable = RecordTable(id="ledger-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in (
            ("date", "col.date", 10),
            ("kind", "ledger.col_kind", 7),
            ("hours", "col.hours", 6),
            ("what", "ledger.col_what", 22),
            ("reason", "ledger.col_reason", 14),
            ("operator", "ledger.col_operator", 6),
        ):
            table.add_column(t(label), key=key, width=width)
        yield table
        yield Static("", id="person-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    # -- loading -----------------------------------------------------------------------------
    def load(self) -> None:
        self._request += 1
        self._read(self._request)

    @work(thread=True, exclusive=True, group="person-page")
    def _read(self, request: int) -> None:
        store = self.station_app.store
        try:
            page = store.hours.person_page(self.person_id)
            station = store.station.current()
            operator = (station.manager if station is not None else None) or store.actor.user
        except Exception as exc:  # a locked or damaged database: say so, keep what is shown
            self.app.call_from_thread(self.show_problem, "#person-status", t("list.load_failed", error=str(exc)))
            return
        self.post_message(self.Loaded(page, operator, request))

    def on_person_page_screen_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        if message.page is None:
            self.app.notify(t("form.gone"), severity="warning")
            self.dismiss()
            return
        self.data = page = message.page
        self.operator = message.operator
        self.query_one("#person-identity", Static).update(identity(page))
        teams = "、".join(page.teams) if page.teams else t("person_page.no_team")
        self.query_one("#person-teams", Static).update(t("person_page.teams", teams=teams))
        self.query_one("#person-hours", Static).update(self._hours_line(page.balance))
        self._fill(page)

    def _hours_line(self, balance: int) -> Text:
        from station_tui.domain.hours import format_tenths, next_star_tenths, star_level, star_marks

        thresholds = list(getattr(self.station_app.settings, "star_thresholds_hours", None) or [])
        level = star_level(balance, thresholds) if thresholds else 0
        line = Text(t("person_page.total", hours=format_tenths(balance)) + "  ")
        line.append(star_marks(level, len(thresholds) or 5), style="bold yellow")
        missing = next_star_tenths(balance, thresholds) if thresholds else None
        if missing is None:
            line.append("  " + t("person_page.top_star"))
        else:
            line.append("  " + t("person_page.next_star", hours=format_tenths(missing), stars=level + 1))
        return line

    def _fill(self, page: PersonPage) -> None:
        from station_tui.domain.hours import format_tenths

        table = self.query_one(DataTable)
        keep = self.selected_key()
        table.clear()
        self._lines = {}
        for year in page.years:
            table.add_row(
                Text(t("person_page.year", year=year.year), style="bold"), "",
                Text(format_tenths(year.tenths), style="bold"), Text(t("person_page.year_total"), style="bold"), "",
                "", key=f"{_YEAR}{year.year}",
            )
            for line in year.lines:
                entry = line.entry
                self._lines[str(entry.id)] = line
                dim = "dim" if line.voided_by or entry.entry_kind == "作废" else ""
                kind = entry.entry_kind + ("·废" if line.voided_by else "")
                table.add_row(
                    Text(entry.date.isoformat(), style=dim), Text(kind, style=dim),
                    Text(format_tenths(entry.tenths), style=dim), Text(line.what, style=dim),
                    Text(entry.reason or "", style=dim), Text(entry.operator, style=dim), key=str(entry.id),
                )
        if keep is not None and keep in self._lines:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        entries = sum(len(y.lines) for y in page.years)
        self.query_one("#person-status", Static).update(
            t("person_page.status", n=entries) if entries else t("person_page.empty")
        )

    def selected_key(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None

    # -- actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        from station_tui.screens.forms import open_form

        open_form(self.app, "person", self.person_id, lambda _saved: self.reload())

    def action_certificate(self) -> None:
        """Start a 志愿服务记录证明 for this person (the 证书 screen's dialog, the person chosen)."""
        if self.data is None:
            return
        from station_tui.screens.certificates import confirm_and_issue, issue_dialog

        self.app.push_screen(issue_dialog(self.app, self.data.person),
                             lambda prepared: confirm_and_issue(self, prepared))

    def action_late_entry(self) -> None:
        if self.data is None:
            return
        from station_tui.screens.hours_forms import LateEntryForm

        form = LateEntryForm(self.person_id, self.data.person.name, self.operator)
        self.app.push_screen(form, lambda _saved: self.reload())

    def action_void(self) -> None:
        key = self.selected_key()
        line = self._lines.get(key or "")
        if line is None:
            self.app.notify(t("void.choose"), severity="warning")
            return
        refusal = void_refusal(line)
        if refusal is not None:
            self.app.notify(refusal, severity="warning", timeout=8)
            return
        from station_tui.screens.hours_forms import VoidForm

        self.app.push_screen(VoidForm(line, self.operator), lambda _saved: self.reload())


def identity(page: PersonPage) -> str:
    """姓名 · 性别 · 出生年份 · masked phone · 志愿者 and their number."""
    from station_tui.storage.repositories.people import mask_phone

    person = page.person
    parts = [person.name]
    if person.gender:
        parts.append(person.gender)
    if person.birth_year:
        parts.append(t("person_page.born", year=person.birth_year))
    if person.phone:
        parts.append(mask_phone(person.phone))
    if person.is_volunteer:
        parts.append(t("person_page.volunteer") + (f" {person.volunteer_no}" if person.volunteer_no else ""))
    return " · ".join(parts)


def void_refusal(line: Any) -> str | None:
    """Why this entry cannot be voided (the words the ledger itself refuses with), or None."""
    entry = line.entry
    if entry.entry_kind == "作废":
        return t("void.is_void")
    if line.voided_by:
        return t("void.already")
    if entry.entry_kind == "获得":
        return t("void.from_roster")
    return None
