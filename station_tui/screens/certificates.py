"""证书 (更多 › c): the register of 志愿服务记录证明, newest first, paged through SQL; c issues
one (a person picked by pinyin, the period, 负责人 and the folder; the total and the number of
services are shown to confirm before anything is registered), Enter or w writes the selected
one again (the same document), x exports hours per volunteer per activity as .xlsx for the
national volunteer platform. Issuing, reading and writing run in workers; the number is given
by ``CertificateRepository.issue`` in the transaction that registers it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input

from station_tui.locale import t
from station_tui.widgets.paged import Column, PagedListScreen
from station_tui.widgets.text_input import TextInput


def default_folder() -> str:
    from station_tui.reports.points_public import export_folder

    return str(export_folder())


def _day(text: str, what: str) -> date:
    from station_tui.commands.certificate import parse_day
    from station_tui.commands.common import CommandError

    try:
        return parse_day(text, what)
    except CommandError:
        raise ValueError(t("cert.bad_date", what=what, text=text)) from None


def _folder(text: str) -> Path:
    folder = Path(text.strip() or default_folder()).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValueError(t("cert.no_folder", folder=str(folder)))
    return folder


def _allowed(app: Any, column: str) -> bool:
    """Whether the settings let this personal column leave the PC whole (PIPL; ``upload_id_numbers``
    for 身份证号, ``upload_phones`` for phones): otherwise it is printed masked."""
    from station_tui.storage.privacy import allowed

    return allowed(app.settings)[column]


def issue_dialog(app: Any, person: Any = None) -> Any:
    """The 开具 dialog: who (the pinyin person picker; ``person`` already chosen when started from
    a person's page), the period, 负责人 and the folder. Saving reads what the certificate would
    say (nothing is registered yet) and closes with it, for ``confirm_and_issue``."""
    from station_tui.screens.points_dialogs import ActionDialog, Box

    store = app.store
    station = store.station.current()
    manager = (station.manager if station else None) or ""
    today = getattr(app, "today", date.today())

    def perform(values: dict[str, Any]) -> Any:
        chosen = values["person"]
        if chosen is None:
            raise ValueError(t("cert.pick_person"))
        start = _day(values["from"], t("cert.from_label"))
        end = _day(values["to"], t("cert.to_label"))
        issuer = values["issuer"]
        if not issuer:
            raise ValueError(t("cert.need_issuer"))
        folder = _folder(values["folder"])
        draft = store.certificates.draft(str(chosen.id), start, end)
        return {"draft": draft, "issuer": issuer, "folder": folder,
                "operator": manager or store.actor.user}

    return ActionDialog(
        t("cert.issue_title"),
        [
            Box("person", t("cert.person_label"), "person"),
            Box("from", t("cert.from_label"), value=f"{today.year}-01-01", max_length=12),
            Box("to", t("cert.to_label"), value=today.isoformat(), max_length=12),
            Box("issuer", t("cert.issuer_label"), value=manager, max_length=20),
            Box("folder", t("cert.folder_label"), value=default_folder(), max_length=300),
        ],
        perform,
        chosen={"person": person} if person is not None else None,
    )


def confirm_and_issue(screen: Any, prepared: Any, done: Any = None) -> None:
    """Show the preview (total, services, period) and issue only on yes."""
    from station_tui.domain.hours import format_tenths
    from station_tui.modals.confirm import ConfirmModal

    if prepared is None:
        return
    draft = prepared["draft"]
    question = t(
        "cert.confirm", name=draft.person.name, start=draft.period_from.isoformat(), end=draft.period_to.isoformat(),
        count=len(draft.lines), hours=format_tenths(draft.total_tenths), issuer=prepared["issuer"],
    )

    def answered(yes: bool | None) -> None:
        if yes:
            _issue(screen, prepared, done)

    screen.app.push_screen(ConfirmModal(question, confirm_label=t("cert.issue_yes"), danger=False), answered)


def _issue(screen: Any, prepared: Any, done: Any) -> None:
    app = screen.app

    def run() -> None:
        from station_tui.reports import certificate as report

        draft = prepared["draft"]
        try:
            issued = app.store.certificates.issue(
                str(draft.person.id), draft.period_from, draft.period_to, issuer=prepared["issuer"],
                operator=prepared["operator"], issued_on=getattr(app, "today", date.today()), previewed=draft,
            )
        except Exception as exc:  # refused (hours changed meanwhile), locked: nothing registered
            app.call_from_thread(app.notify, t("cert.issue_failed", error=str(exc)), severity="error", timeout=10)
            return
        changed = getattr(app, "data_changed", None)
        if changed is not None:
            app.call_from_thread(changed)
        try:
            doc = report.gather(app.store, issued, full_id_number=_allowed(app, "id_number"))
            path = prepared["folder"] / report.default_name(doc)
            report.write(doc, path)
        except Exception as exc:  # a full disk, a USB stick pulled out: registered, reprint later
            app.call_from_thread(app.notify, t("cert.write_failed", number=issued.number, error=str(exc)),
                                 severity="error", timeout=15)
            return
        app.call_from_thread(app.notify, t("cert.issued", number=issued.number, path=str(path)), timeout=15)
        if done is not None:
            app.call_from_thread(done, issued)

    app.run_worker(run, thread=True, exclusive=True, group="certificate-issue")


class CertificateListScreen(PagedListScreen):
    """The register: c 开具, Enter/w 补打 (write the selected one again), x 导出时长 xlsx."""

    MODE = "certificates"
    DEFAULT_CSS = """
    CertificateListScreen #filter-year { width: 12; }
    """
    BINDINGS = [
        # The list's own "new" key, named for what it does here.
        Binding("c,insert", "new", "key.cert_issue", id="list.new"),
        Binding("w", "reprint", "key.cert_reprint", id="certificates.reprint"),
        Binding("x", "export_hours", "key.cert_export", id="certificates.export"),
    ]
    COLUMNS = (
        Column("number", "col.cert_number", 22),
        Column("name", "col.person_name", 8),
        Column("from", "col.cert_from", 10),
        Column("to", "col.cert_to", 10),
        Column("hours", "col.cert_hours", 6),
        Column("entries", "col.cert_entries", 4),
    )

    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=t("filter.cert_text"), id="filter-text", compact=True)
            yield TextInput(placeholder=t("filter.cert_year"), id="filter-year", compact=True, max_length=4)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A certificate handed out is never edited or deleted.
        return action not in ("edit", "delete")

    def current_filter(self) -> Any:
        self._filter_error = ""
        year_text = self.query_one("#filter-year", Input).value.strip()
        year = None
        if year_text:
            if not (year_text.isdigit() and len(year_text) == 4):
                self._filter_error = t("cert.bad_year", text=year_text)
                return None
            year = int(year_text)
        return (year, self.query_one("#filter-text", Input).value)

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        from station_tui.domain.hours import format_tenths

        year, text = flt
        register = self.station_app.store.certificates
        with self.station_app.store.snapshot():
            total = register.count_page(year, text)
            rows = register.page(year, text, limit=limit, offset=offset)
        return [
            (c.number, (c.number, c.person_name, c.period_from.isoformat(), c.period_to.isoformat(),
                        format_tenths(c.total_tenths), c.entry_count))
            for c in rows
        ], total

    # -- issuing -----------------------------------------------------------------------------
    def action_new(self) -> None:
        self.app.push_screen(issue_dialog(self.app), lambda prepared: confirm_and_issue(self, prepared, self._issued))

    def _issued(self, issued: Any) -> None:
        self._select_id = issued.number
        self.reload()

    # -- reprint -------------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        event.prevent_default()
        self.action_reprint()

    def action_reprint(self) -> None:
        from station_tui.screens.points_dialogs import ActionDialog, Box

        number = self.selected_id()
        if number is None:
            self.notify(t("cert.none_selected"), severity="warning")
            return
        app = self.app
        store = self.station_app.store

        def perform(values: dict[str, Any]) -> Any:
            from station_tui.reports import certificate as report

            found = store.certificates.by_number(number)
            if found is None:
                raise ValueError(t("form.gone"))
            doc = report.gather(store, found, full_id_number=_allowed(app, "id_number"))
            path = _folder(values["folder"]) / report.default_name(doc)
            report.write(doc, path)
            return path

        def written(path: Any) -> None:
            if path is not None:
                self.notify(t("cert.reprinted", number=number, path=str(path)), timeout=15)

        self.app.push_screen(
            ActionDialog(t("cert.reprint_title", number=number),
                         [Box("folder", t("cert.folder_label"), value=default_folder(), max_length=300)], perform),
            written,
        )

    # -- the national platform's spreadsheet ---------------------------------------------------
    def action_export_hours(self) -> None:
        self.app.push_screen(export_dialog(self.app), self._exported)

    def _exported(self, result: Any) -> None:
        if result is not None:
            path, people, lines = result
            self.notify(t("cert.exported", path=str(path), people=people, lines=lines), timeout=15)


def export_dialog(app: Any) -> Any:
    from station_tui.screens.points_dialogs import ActionDialog, Box

    store = app.store
    today = getattr(app, "today", date.today())

    def perform(values: dict[str, Any]) -> Any:
        from station_tui.reports import volunteer_hours

        start = _day(values["from"], t("cert.from_label"))
        end = _day(values["to"], t("cert.to_label"))
        if start > end:
            raise ValueError(t("cert.backwards", start=start.isoformat(), end=end.isoformat()))
        folder = _folder(values["folder"])
        lines = volunteer_hours.gather(store, start, end, full_phones=_allowed(app, "phone"))
        if not lines:
            raise ValueError(t("cert.export_empty", start=start.isoformat(), end=end.isoformat()))
        station = store.station.current()
        path = volunteer_hours.write_xlsx(lines, folder / volunteer_hours.default_name(start, end),
                                          station=station.name if station else "", period_from=start, period_to=end)
        return path, len({line.name for line in lines}), len(lines)

    return ActionDialog(
        t("cert.export_title"),
        [
            Box("from", t("cert.from_label"), value=f"{today.year}-01-01", max_length=12),
            Box("to", t("cert.to_label"), value=today.isoformat(), max_length=12),
            Box("folder", t("cert.folder_label"), value=default_folder(), max_length=300),
        ],
        perform,
    )
