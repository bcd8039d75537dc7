"""首页: this month per platform against the county's minimums, the month's figures,
the latest records and the changes not yet uploaded."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from station_tui.domain.widths import pad
from station_tui.locale import t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.table import RecordTable

#: How long the first frame may wait for the facts read ahead (seconds); a slower database
#: shows the dashboard "loading" first, as any later visit does.
FIRST_FRAME_WAIT = 0.25


@dataclass(frozen=True)
class DashboardFacts:
    year: int
    month: int
    station_name: str
    platform_counts: dict[str, int]
    minimums: dict[str, int]
    #: The month's figures (the fields of domain ``Figures``, as storage.figures.numbers gives them).
    figures: dict[str, Any]
    pending: int
    last_sync: str | None
    #: (kind, id, date, title, detail) newest first
    latest: list[tuple[str, str, str, str, str]]
    #: The month's plan: (theme or "", items planned, items done), or None without a plan.
    plan: tuple[str, int, int] | None = None
    #: Villager requests: open, overdue, this month's average rating in tenths (None: no ratings).
    requests: dict[str, Any] = field(default_factory=dict)
    #: The minimums are the county's (published to this station), not the settings'.
    minimums_from_county: bool = False
    #: The county's theme of the month and its latest notice (date, title), when it sent them.
    theme: str | None = None
    notice: tuple[str, str] | None = None


def gather_ahead(store: Any, today: date, minimums: dict[str, int]) -> Future[DashboardFacts]:
    """``gather`` in a thread of its own, started before Textual is: on start-up the figures'
    SQL runs while Textual reads its CSS and builds the screen, instead of after."""
    future: Future[DashboardFacts] = Future()

    def run() -> None:
        try:
            future.set_result(gather(store, today, minimums))
        except BaseException as exc:  # handed to whoever takes the result
            future.set_exception(exc)

    threading.Thread(target=run, name="dashboard-ahead", daemon=True).start()
    return future


def gather(store: Any, today: date, minimums: dict[str, int], limit: int = 8) -> DashboardFacts:
    """Everything the dashboard shows, read in the worker thread. Plain SQL results, no
    domain models: this is the app's start-up path and it stays free of pydantic."""
    from station_tui.domain.vocab import PLATFORMS
    from station_tui.storage import figures, plan_figures, summary

    numbers = figures.numbers(store, today.year, today.month)  # one read transaction inside
    month_plan = plan_figures.month_plan(store, today.year, today.month)
    requests = _request_summary(store, today)
    recent = summary.recent(store, limit)
    name = summary.station_name(store) or ""
    pending = store.pending_changes()
    last_sync = store.last_sync()
    word = store.county_word  # what the county published: its minimums replace the settings'
    minimums, from_county = word.minimums_or(minimums)
    notice = word.latest_notice()
    counts = {p: numbers["activities_by_platform"].get(p, 0) for p in PLATFORMS}
    # Lectures count under 理论宣讲 in per-platform counts (the county's rule).
    counts["理论宣讲"] += numbers["lectures"]
    latest = [
        (
            r.kind,
            r.id,
            r.date,
            r.title,
            t("dash.audience", n=r.detail) if r.kind == "lecture" else t(f"platform.{r.detail}"),
        )
        for r in recent
    ]
    return DashboardFacts(
        year=today.year,
        month=today.month,
        station_name=name,
        platform_counts=counts,
        minimums={p: int(minimums.get(p, 0)) for p in PLATFORMS},
        figures=numbers,
        pending=pending,
        last_sync=last_sync,
        latest=latest,
        plan=(month_plan.theme or "", month_plan.planned, month_plan.done) if month_plan.plan_id else None,
        requests=requests,
        minimums_from_county=from_county,
        theme=word.theme(today.year, today.month),
        notice=(notice.date, notice.title) if notice else None,
    )


def _request_summary(store: Any, today: date) -> dict[str, Any]:
    """Open and overdue requests (each category's deadline from settings.json) and this month's
    satisfaction; read without pydantic (the settings through ``quick_settings``)."""
    from station_tui.config import quick_settings
    from station_tui.storage import figures

    quick = quick_settings()
    return figures.request_summary(store, today, quick.request_deadline_days, quick.request_default_deadline_days)


class DashboardScreen(StationScreen):
    MODE = "dashboard"
    BINDINGS = [
        Binding("enter", "open_latest", "key.open", id="dashboard.open"),
        Binding("a", "attendance_latest", "key.attendance", id="dashboard.attendance"),
        Binding("l", "app.new_record('lecture')", "key.new_lecture", id="dashboard.new_lecture"),
        Binding("v", "app.new_record('activity')", "key.new_activity", id="dashboard.new_activity"),
        Binding("r", "refresh_now", "key.refresh", id="dashboard.refresh"),
    ]

    class Loaded(Message):
        def __init__(self, facts: DashboardFacts) -> None:
            super().__init__()
            self.facts = facts

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield Static(t("dash.loading"), id="dash-title", markup=True)
        yield Static("", id="dash-county", markup=False)
        with Horizontal(id="dash-boxes"):
            yield Static("", id="dash-platforms", classes="box", markup=True)
            yield Static("", id="dash-figures", classes="box", markup=False)
        table: DataTable = RecordTable(id="dash-latest", cursor_type="row", zebra_stripes=True)
        table.border_title = t("dash.latest")
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#dash-platforms", Static).border_title = t("dash.platforms")
        self.query_one("#dash-figures", Static).border_title = t("dash.month_figures")
        self.query_one("#dash-county", Static).display = False
        table = self.query_one(DataTable)
        table.add_column(t("col.date"), key="date", width=10)
        table.add_column(t("col.kind"), key="kind", width=4)
        table.add_column(t("col.title"), key="title", width=36)
        table.add_column(t("col.detail"), key="detail", width=14)
        # On start-up the facts were read ahead; when they are in within a moment, the first
        # frame shows them instead of "正在读取……" (and no worker has to read them again).
        facts = self.station_app.take_first_facts(wait=FIRST_FRAME_WAIT)
        if facts is not None:
            self._seen_generation = self.station_app.generation
            self._show(facts)

    def load(self) -> None:
        self._gather()

    def action_refresh_now(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="dashboard")
    def _gather(self) -> None:
        app = self.station_app
        try:
            facts = app.take_first_facts() or gather(app.store, app.today, app.monthly_minimums)
        except Exception as exc:  # a locked or damaged database: say so, keep what is shown
            app.call_from_thread(self.show_problem, "#dash-title", t("dash.load_failed", error=str(exc)))
            return
        self.post_message(self.Loaded(facts))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        self._show(message.facts)

    def _show(self, facts: DashboardFacts) -> None:
        f = facts.figures
        pending = t("dash.pending", n=facts.pending) if facts.pending else t("dash.pending_none")
        theme = ""
        if facts.plan is not None and facts.plan[0]:
            shown = facts.plan[0] if len(facts.plan[0]) <= 16 else facts.plan[0][:15] + "…"  # the line is 80 wide
            theme = "  " + escape(t("dash.theme", theme=shown))
        self.query_one("#dash-title", Static).update(
            t("dash.title", year=facts.year, month=facts.month) + theme + f"    [b]{pending}[/b]"
        )
        # The month's plan against what was done (活动计划): under the month's figures.
        box = self.query_one("#dash-figures", Static)
        box.border_subtitle = t("dash.plan", planned=facts.plan[1], done=facts.plan[2]) if facts.plan else ""
        self._show_county_word(facts)
        lines = []
        for platform, count in facts.platform_counts.items():
            need = facts.minimums.get(platform, 0)
            mark = f"[green]✓ {t('dash.met')}[/]" if count >= need else f"[red]✗ {t('dash.short', n=need - count)}[/]"
            name = t("platform." + platform)
            lines.append(f"{pad(name, 14)} {count:>3} / {need:<2} {mark}")
        self.query_one("#dash-platforms", Static).update("\n".join(lines))
        from station_tui.domain.hours import format_tenths

        self.query_one("#dash-figures", Static).update(
            "\n".join(
                [
                    t("dash.lectures", n=f["lectures"], audience=f["lecture_audience"]),
                    t("dash.activities", n=f["activities"], served=f["activity_served"]),
                    t("dash.person_times", n=f["attendance"]),
                    t("dash.hours", hours=format_tenths(f["volunteer_tenths"])),
                    t("dash.people", people=f["people"], volunteers=f["volunteers"]),
                    self._requests_line(facts.requests),
                ]
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        for kind, record_id, day, title, detail in facts.latest:
            table.add_row(day, t(f"kind.{kind}"), title, detail, key=f"{kind}:{record_id}")
        if not facts.latest:
            table.add_row("", "", t("dash.no_records"), "", key="empty")

    @staticmethod
    def _requests_line(summary: dict[str, Any]) -> str:
        from station_tui.domain.hours import format_tenths

        tenths = summary.get("rating_tenths")
        rating = t("dash.no_rating") if tenths is None else format_tenths(tenths)
        return t("dash.requests", open=summary.get("open", 0), overdue=summary.get("overdue", 0), rating=rating)
    def _show_county_word(self, facts: DashboardFacts) -> None:
        """The county's theme and latest notice on one line (none: no line), and whose
        minimums the platforms are measured against."""
        self.query_one("#dash-platforms", Static).border_title = t(
            "dash.platforms_county" if facts.minimums_from_county else "dash.platforms"
        )
        parts = []
        if facts.theme:
            parts.append(t("dash.county_theme", theme=facts.theme))
        if facts.notice:
            parts.append(t("dash.notice", date=facts.notice[0], title=facts.notice[1]))
        line = self.query_one("#dash-county", Static)
        line.display = bool(parts)
        line.update("  ".join(parts))

    def _selected(self) -> tuple[str, str] | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        if ":" not in key:
            return None
        kind, record_id = key.split(":", 1)
        return kind, record_id

    def action_open_latest(self) -> None:
        selected = self._selected()
        if selected is not None:
            from station_tui.screens.forms import open_form

            open_form(self.app, *selected)

    def action_attendance_latest(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.station_app.action_open_attendance(*selected)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_latest()

