"""活动计划 (一月一主题): the year's plan against what was done, and each month's planned items.

The year screen (更多 › p) lists the twelve months of a year: the theme, items planned and
done, and per platform what was done against the county's monthly minimum (lectures count
under 理论宣讲). Enter opens a month: its items, each with the lecture or activity that
carried it out, or the one proposed by date and platform (domain/plans.py), where items are
added, edited, deleted and matched.

The module imports no models (the help screen and the app's modes import every screen); the
forms and the rules are imported when first used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Static

from station_tui.domain.vocab import PLATFORMS
from station_tui.locale import t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.table import RecordTable


def platform_cell(done: int, need: int, *, judged: bool) -> Text:
    """``3/4`` in red while short of the minimum (only for months begun), green once met."""
    text = f"{done}/{need}"
    if not judged:
        return Text(text, style="dim")
    return Text(text, style="green" if done >= need else "bold red")


class PlanYearScreen(StationScreen):
    MODE = "plans"
    BINDINGS = [
        Binding("enter", "open_month", "key.open", id="plans.open"),
        Binding("t", "edit_theme", "key.plan_theme", id="plans.theme"),
        Binding("d,delete", "delete_plan", "key.delete", id="plans.delete"),
        Binding("left_square_bracket", "year(-1)", "key.prev_year", id="plans.prev_year"),
        Binding("right_square_bracket", "year(1)", "key.next_year", id="plans.next_year"),
        Binding("r", "refresh_now", "key.refresh", id="plans.refresh"),
    ]

    class Loaded(Message):
        def __init__(self, year: int, months: list[Any], county_themes: dict[int, str] | None = None,
                     county_minimums: dict[str, int] | None = None) -> None:
            super().__init__()
            self.year, self.months = year, months
            #: What the county published (sync/downlink.py): its theme of each month and its
            #: minimums, which stand where the station has none of its own.
            self.county_themes = county_themes or {}
            self.county_minimums = county_minimums

    def __init__(self) -> None:
        super().__init__()
        #: The year shown; this year until ``[`` / ``]`` change it.
        self.year = 0
        self._months: list[Any] = []
        self._first = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield Static(t("plans.loading"), id="plans-title", markup=False)
        table: DataTable = RecordTable(id="plans-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("plans.col_month"), key="month", width=4)
        table.add_column(t("plans.col_theme"), key="theme", width=20)
        table.add_column(t("plans.col_planned"), key="planned", width=4)
        table.add_column(t("plans.col_done"), key="done", width=4)
        for platform in PLATFORMS:
            table.add_column(t(f"plans.short.{platform}"), key=platform, width=5)

    def load(self) -> None:
        if not self.year:
            self.year = self.station_app.today.year
        self._gather(self.year)

    def action_refresh_now(self) -> None:
        self.reload()

    def action_year(self, step: int) -> None:
        self.year += step
        self.reload()

    @work(thread=True, exclusive=True, group="plans")
    def _gather(self, year: int) -> None:
        from station_tui.storage import plan_figures

        try:
            store = self.station_app.store
            with store.snapshot() as conn:
                months = plan_figures.months(conn, year)
            county_themes, county_minimums = store.county_word.themes(year), store.county_word.minimums()
        except Exception as exc:  # a locked or damaged database: say so, keep what is shown
            self.app.call_from_thread(self.show_problem, "#plans-title", t("plans.load_failed", error=str(exc)))
            return
        self.post_message(self.Loaded(year, months, county_themes, county_minimums))

    def on_plan_year_screen_loaded(self, message: Loaded) -> None:
        if message.year != self.year:
            return
        self._months = message.months
        minimums = message.county_minimums or self.station_app.monthly_minimums
        today = self.station_app.today
        current = f"{today.year:04d}-{today.month:02d}"
        planned = sum(m.planned for m in message.months)
        done = sum(m.done for m in message.months)
        self.query_one("#plans-title", Static).update(t("plans.title", year=self.year, planned=planned, done=done))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for m in message.months:
            judged = m.month <= current
            cells: list[Any] = [
                t("plans.month", month=int(m.month[5:7])),
                m.theme or _county_theme(message.county_themes.get(int(m.month[5:7])))
                or (t("plans.no_plan") if m.plan_id is None else t("plans.no_theme")),
                str(m.planned) if m.plan_id else "",
                str(m.done) if m.plan_id else "",
            ]
            cells += [platform_cell(m.actual[p], int(minimums.get(p, 0)), judged=judged) for p in PLATFORMS]
            table.add_row(*cells, key=m.month)
        if self._first and self.year == today.year:  # first shown: on this month
            row = today.month - 1
        self._first = False
        table.move_cursor(row=min(row, table.row_count - 1))

    def _chosen(self) -> Any | None:
        table = self.query_one(DataTable)
        if not self._months or table.row_count == 0:
            return None
        return self._months[table.cursor_row]

    def action_open_month(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.app.push_screen(PlanMonthScreen(chosen.month))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_month()

    def action_edit_theme(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            edit_theme(self, chosen.month)

    def action_delete_plan(self) -> None:
        """The month's plan and its items (tombstones, so the county learns of it); asks first."""
        chosen = self._chosen()
        if chosen is None or chosen.plan_id is None:
            return
        from station_tui.modals.confirm import ConfirmModal

        question = t(
            "plans.delete_plan_question",
            year=chosen.month[:4],
            month=int(chosen.month[5:7]),
            theme=chosen.theme or t("plans.no_theme"),
            n=chosen.planned,
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(chosen.plan_id)

        self.app.push_screen(ConfirmModal(question), answered)

    @work(thread=True, group="plan-write", exit_on_error=False)
    def _delete(self, plan_id: str) -> None:
        try:
            self.station_app.store.plans.delete(plan_id)
        except Exception as exc:  # deleted meanwhile, locked, disk full: nothing was written
            self.app.call_from_thread(self.app.notify, t("form.save_failed", error=str(exc)), severity="error")
            return
        self.app.call_from_thread(self.app.notify, t("plans.deleted"))
        self.app.call_from_thread(self.station_app.data_changed)


def _county_theme(theme: str | None) -> str | None:
    """The county's theme of a month the station gave none of its own, marked as the county's."""
    return t("plans.county_theme", theme=theme) if theme else None


def edit_theme(screen: StationScreen, month: str) -> None:
    """The month's plan form (月份, 主题, 备注): the stored plan, or a new one for the month."""

    def read() -> None:
        from station_tui.screens.plan_form import PlanForm

        plan = screen.station_app.store.plans.by_month(month)
        screen.app.call_from_thread(screen.app.push_screen, PlanForm(plan, month=month))

    screen.app.run_worker(read, thread=True, group="plan-read", exit_on_error=False)


@dataclass(frozen=True)
class MonthFacts:
    month: str
    plan: Any  # the Plan, or None
    items: list[Any]
    #: The month's lectures and activities (domain.plans.Done), by date.
    events: list[Any]
    #: Item id → the Done it was matched to (when that event is not deleted).
    matched: dict[str, Any]
    #: Item id → the Done proposed for it (items not matched).
    proposed: dict[str, Any]


def gather_month(store: Any, month: str) -> MonthFacts:
    """A month's plan, its items, the month's events, the matches and the proposals."""
    from station_tui.domain.plans import propose
    from station_tui.storage.repositories.plans import planned

    with store.snapshot():
        plan = store.plans.by_month(month)
        items = store.plan_items.items_of(str(plan.id)) if plan is not None else []
        events = store.plan_items.events_of_month(month)
    by_key = {e.key: e for e in events}
    matched = {str(i.id): by_key[i.matched] for i in items if i.matched is not None and i.matched in by_key}
    # An item whose event was deleted since is not done: it gets a proposal like any other.
    rules = [planned(i, month) for i in items]
    rules = [r if r.matched is None or r.matched in by_key else replace(r, matched=None) for r in rules]
    proposed = propose(rules, events)
    return MonthFacts(month, plan, items, events, matched, proposed)


class PlanMonthScreen(StationScreen):
    """One month's plan: its theme and items, each with what carried it out."""

    MODE = "plans"
    BINDINGS = [
        Binding("escape", "back", "key.back", id="plan_month.back"),
        Binding("c,insert", "new_item", "key.new", id="plan_month.new"),
        Binding("e,enter", "edit_item", "key.edit", id="plan_month.edit"),
        Binding("d,delete", "delete_item", "key.delete", id="plan_month.delete"),
        Binding("m", "choose_event", "key.plan_match", id="plan_month.match"),
        Binding("a", "accept", "key.plan_accept", id="plan_month.accept"),
        Binding("u", "unmatch", "key.plan_unmatch", id="plan_month.unmatch"),
        Binding("t", "edit_theme", "key.plan_theme", id="plan_month.theme"),
    ]

    class Loaded(Message):
        def __init__(self, facts: MonthFacts) -> None:
            super().__init__()
            self.facts = facts

    class Done(Message):
        """A write finished: ``text`` to tell, ``problem`` when it was refused."""

        def __init__(self, text: str, problem: bool = False) -> None:
            super().__init__()
            self.text, self.problem = text, problem

    def __init__(self, month: str) -> None:
        super().__init__()
        self.month = month
        self.facts: MonthFacts | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield Static(t("plans.loading"), id="plan-month-title", markup=False)
        table: DataTable = RecordTable(id="plan-items", cursor_type="row", zebra_stripes=True)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("plans.col_when"), key="when", width=5)
        table.add_column(t("plans.col_item"), key="title", width=22)
        table.add_column(t("plans.col_platform"), key="platform", width=4)
        table.add_column(t("plans.col_carried"), key="carried", width=36)
        self.reload()

    def load(self) -> None:
        self._gather()

    @work(thread=True, exclusive=True, group="plan-month")
    def _gather(self) -> None:
        try:
            facts = gather_month(self.station_app.store, self.month)
        except Exception as exc:
            self.app.call_from_thread(self.show_problem, "#plan-month-title", t("plans.load_failed", error=str(exc)))
            return
        self.post_message(self.Loaded(facts))

    def on_plan_month_screen_loaded(self, message: Loaded) -> None:
        facts = self.facts = message.facts
        year, number = int(self.month[:4]), int(self.month[5:7])
        done = len(facts.matched)
        if facts.plan is None:
            title = t("plans.month_none", year=year, month=number)
        else:
            title = t(
                "plans.month_title",
                year=year,
                month=number,
                theme=facts.plan.theme or t("plans.no_theme"),
                planned=len(facts.items),
                done=done,
            )
        self.query_one("#plan-month-title", Static).update(title)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for item in facts.items:
            table.add_row(
                item.date.strftime("%m-%d") if item.date else t("plans.week", n=item.week),
                item.title,
                t(f"plans.short.{item.platform}"),
                self._carried(str(item.id)),
                key=str(item.id),
            )
        if not facts.items:
            table.add_row("", t("plans.no_items"), "", "", key="")
        table.move_cursor(row=min(row, table.row_count - 1))

    def _carried(self, item_id: str) -> Text:
        assert self.facts is not None
        found = self.facts.matched.get(item_id)
        if found is not None:
            return Text(f"✓ {found.date:%m-%d} {found.heading}", style="green", no_wrap=True, overflow="ellipsis")
        proposal = self.facts.proposed.get(item_id)
        if proposal is not None:
            return Text(
                t("plans.proposed", date=f"{proposal.date:%m-%d}", heading=proposal.heading),
                style="yellow",
                no_wrap=True,
                overflow="ellipsis",
            )
        return Text(t("plans.not_done"), style="dim")

    def _item(self) -> Any | None:
        table = self.query_one(DataTable)
        if self.facts is None or not self.facts.items or table.row_count == 0:
            return None
        return self.facts.items[table.cursor_row]

    # -- actions -------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit_theme(self) -> None:
        edit_theme(self, self.month)

    def action_new_item(self) -> None:
        if self.facts is None:
            return
        if self.facts.plan is None:
            self.app.notify(t("plans.theme_first"), severity="warning")
            edit_theme(self, self.month)
            return
        from station_tui.screens.plan_form import PlanItemForm

        self.app.push_screen(PlanItemForm(None, plan=self.facts.plan))

    def action_edit_item(self) -> None:
        item = self._item()
        if item is None or self.facts is None:
            return
        from station_tui.screens.plan_form import PlanItemForm

        self.app.push_screen(PlanItemForm(item, plan=self.facts.plan))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_item()

    def action_delete_item(self) -> None:
        item = self._item()
        if item is None:
            return
        from station_tui.modals.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(lambda store: store.plan_items.delete(str(item.id), item.row_version), t("plans.deleted"))

        self.app.push_screen(ConfirmModal(t("plans.delete_question", title=item.title)), answered)

    def action_accept(self) -> None:
        item = self._item()
        if item is None or self.facts is None:
            return
        proposal = self.facts.proposed.get(str(item.id))
        if proposal is None:
            self.app.notify(t("plans.no_proposal"), severity="warning")
            return
        self._match(item, proposal.key)

    def action_unmatch(self) -> None:
        item = self._item()
        if item is not None and item.matched is not None:
            self._match(item, None)

    def action_choose_event(self) -> None:
        item = self._item()
        if item is None or self.facts is None:
            return
        facts = self.facts
        taken = {e.key: i.title for i in facts.items if (e := facts.matched.get(str(i.id))) and i.id != item.id}
        proposal = facts.proposed.get(str(item.id))

        def chosen(key: tuple[str, str] | None) -> None:
            if key is not None:
                self._match(item, key)

        self.app.push_screen(EventChooser(item, facts.events, taken, proposal.key if proposal else None), chosen)

    def _match(self, item: Any, key: tuple[str, str] | None) -> None:
        said = t("plans.matched") if key else t("plans.unmatched")
        self._write(lambda store: store.plan_items.match(item, key), said)

    @work(thread=True, group="plan-write", exit_on_error=False)
    def _write(self, step: Any, said: str) -> None:
        """Run ``step(store)`` (one transaction) in a worker; say what came of it."""
        from station_tui.storage import NotFound, StaleRecord
        from station_tui.storage.repositories.plans import PlanProblem

        try:
            step(self.station_app.store)
        except PlanProblem as exc:
            self.post_message(self.Done(str(exc), problem=True))
        except (StaleRecord, NotFound):
            self.post_message(self.Done(t("plans.changed_meanwhile"), problem=True))
        except Exception as exc:  # locked, disk full: nothing was written
            self.post_message(self.Done(t("form.save_failed", error=str(exc)), problem=True))
        else:
            self.post_message(self.Done(said))

    def on_plan_month_screen_done(self, message: Done) -> None:
        self.app.notify(
            message.text, severity="error" if message.problem else "information", timeout=8 if message.problem else 3
        )
        self.station_app.data_changed()


class EventChooser(Localized, ModalScreen[Any]):
    """The month's lectures and activities to choose what carried out an item; those that
    carry another item of the plan are marked (choosing one is refused in plain words)."""

    BINDINGS = [
        Binding("enter", "choose", "key.choose", id="plan_match.choose"),
        Binding("escape", "cancel", "key.cancel", id="plan_match.cancel"),
    ]

    def __init__(
        self, item: Any, events: list[Any], taken: dict[tuple[str, str], str], proposed: tuple[str, str] | None
    ) -> None:
        super().__init__()
        self.item, self.events, self.taken, self.proposed = item, events, taken, proposed

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="plan-match-dialog", classes="dialog"):
            yield Static(t("plans.choose_title", title=self.item.title), id="plan-match-title", markup=False)
            yield RecordTable(id="plan-match-events", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("col.date"), key="date", width=5)
        table.add_column(t("plans.col_platform"), key="platform", width=4)
        table.add_column(t("plans.col_event"), key="heading", width=26)
        table.add_column(t("plans.col_note"), key="note", width=20)
        start = 0
        for index, event in enumerate(self.events):
            note = ""
            if event.key in self.taken:
                note = t("plans.taken", title=self.taken[event.key])
            elif event.key == self.proposed:
                note, start = t("plans.proposal"), index
            table.add_row(
                f"{event.date:%m-%d}",
                t(f"plans.short.{event.platform}"),
                event.heading,
                note,
                key=f"{event.kind}:{event.id}",
            )
        if not self.events:
            table.add_row("", "", t("plans.no_events"), "", key="")
        table.move_cursor(row=start)
        table.focus()

    def action_choose(self) -> None:
        table = self.query_one(DataTable)
        if not self.events:
            self.dismiss(None)
            return
        event = self.events[table.cursor_row]
        self.dismiss(event.key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_choose()

    def action_cancel(self) -> None:
        self.dismiss(None)
