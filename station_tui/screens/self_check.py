"""自评 (更多 → z): the 五有 / 星级 self-check by the rubric, what is missing, and the year's ratings.

Items the records answer are computed each time the screen loads; the others are ticked here
with their evidence (Enter). ``s`` records the score as the station's 自评 for the year, ``r``
records the township's 审核 or the county's 评定 as they give it. The rules are in
``domain/rubric.py``, the reading and writing in ``storage/self_check.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Header, Label, Static

from station_tui.locale import t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.choice_box import ChoiceBox
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.localized import Localized
from station_tui.widgets.table import RecordTable
from station_tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from station_tui.domain.models import SelfCheckReview
    from station_tui.domain.rubric import Assessment
    from station_tui.storage.self_check import RubricChoice


@dataclass(frozen=True)
class SelfCheckFacts:
    assessment: Assessment | None
    reviews: list[SelfCheckReview]
    #: The rubric could not be read (a county's broken rubric.json): said instead of a score.
    problem: str | None = None
    #: Which rubric scored it: the default, the county's (sent down) or a local file.
    chosen: RubricChoice | None = None


def rubric_line(chosen: RubricChoice) -> str:
    """评分细则（默认 / 县中心下发 <date> / 本地文件）：<name>: where it came from first, so a
    long name cut at 80 columns never hides it."""
    if chosen.source == "county":
        origin = t("self_check.rubric_county", date=chosen.published_on or "")
        if chosen.local_ignored:
            origin += t("self_check.rubric_local_ignored")
    else:
        origin = t(f"self_check.rubric_{chosen.source}")
    return t("self_check.rubric", name=chosen.rubric.name, origin=origin)


def stars_text(n: int) -> str:
    return "★" * n + "☆" * (5 - n)


class SelfCheckScreen(StationScreen):
    MODE = "self_check"
    BINDINGS = [
        Binding("enter", "tick", "self_check.key_tick", id="self_check.tick"),
        Binding("s", "submit", "self_check.key_submit", id="self_check.submit"),
        Binding("r", "review", "self_check.key_review", id="self_check.review"),
        Binding("f5", "refresh", "key.refresh", show=False, id="self_check.refresh"),
    ]

    class Loaded(Message):
        def __init__(self, facts: SelfCheckFacts) -> None:
            super().__init__()
            self.facts = facts

    def __init__(self) -> None:
        super().__init__()
        self._facts: SelfCheckFacts | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield Static(t("dash.loading"), id="check-score", markup=False)
        yield Static("", id="check-rubric", markup=False)
        yield RecordTable(id="check-items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="check-detail", markup=False)
        yield Static("", id="check-reviews", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="met", width=2)
        table.add_column(t("self_check.col_group"), key="group", width=6)
        table.add_column(t("self_check.col_item"), key="item", width=50)
        table.add_column(t("self_check.col_points"), key="points", width=4)

    def load(self) -> None:
        self._read(self.station_app.store.path, self.station_app.today)

    @work(thread=True, exclusive=True, group="self_check")
    def _read(self, db_path: Any, today: Any) -> None:
        try:
            from station_tui.config import config_dir
            from station_tui.domain.rubric import RubricError
            from station_tui.storage import Store, self_check

            with Store(db_path) as store:
                reviews = self_check.reviews(store, today.year)
                try:
                    chosen = self_check.choose_rubric(store, config_dir())
                    result = self_check.assessment(store, today, chosen.rubric)
                except RubricError as exc:
                    self.post_message(self.Loaded(SelfCheckFacts(None, reviews, str(exc))))
                    return
            self.post_message(self.Loaded(SelfCheckFacts(result, reviews, chosen=chosen)))
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self._facts = facts = event.facts
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        result = facts.assessment
        self.query_one("#check-rubric", Static).update(rubric_line(facts.chosen) if facts.chosen else "")
        if result is None:
            self.show_problem("#check-score", facts.problem or "")
        else:
            line = t("self_check.score", score=result.score, total=result.rubric.total,
                     stars=stars_text(result.stars), missing=len(result.missing))
            following = result.next_star()
            if following is not None:
                line += t("self_check.next_star", points=following - result.score)
            self.query_one("#check-score", Static).update(line)
            for r in result.results:
                table.add_row("✓" if r.met else "✗", r.item.group, r.item.title, str(r.item.points), key=r.item.id)
            if table.row_count:
                table.move_cursor(row=min(keep, table.row_count - 1))
        lines = [t("self_check.reviews_none")] if not facts.reviews else [
            t("self_check.review_line", date=r.date.isoformat(), level=r.level, score=r.score,
              stars=stars_text(r.stars), reviewer=r.reviewer) + (f"：{r.opinion}" if r.opinion else "")
            for r in facts.reviews
        ]
        self.query_one("#check-reviews", Static).update("\n".join(lines[-3:]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The chosen item in full under the table: what the records show, or its evidence."""
        chosen = self._chosen()
        if chosen is not None:
            how = "" if chosen.how == "computed" else t("self_check.ticked" if chosen.met else "self_check.to_tick")
            self.query_one("#check-detail", Static).update(f"{chosen.item.title}\n{how}{chosen.detail}")

    def _chosen(self) -> Any:
        table = self.query_one(DataTable)
        if self._facts is None or self._facts.assessment is None or not table.row_count:
            return None
        item_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self._facts.assessment.results if r.item.id == item_id), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_tick()

    def action_tick(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        if chosen.how == "computed":
            self.notify(t("self_check.computed", title=chosen.item.title))
            return
        evidence = chosen.detail if chosen.met else ""
        self.app.push_screen(TickDialog(chosen.item.title, chosen.item.evidence, evidence, chosen.met),
                             lambda answer: self._save_tick(chosen.item.id, answer))

    def _save_tick(self, item_id: str, answer: tuple[bool, str] | None) -> None:
        if answer is not None:
            self._write("tick", item_id, answer)

    def action_submit(self) -> None:
        result = self._facts.assessment if self._facts else None
        if result is None:
            return
        self.app.push_screen(ReviewDialog("自评", result.score, result.stars), self._save_review)

    def action_review(self) -> None:
        self.app.push_screen(ReviewDialog(None, None, None), self._save_review)

    def _save_review(self, answer: tuple[str, int, int, str, str] | None) -> None:
        if answer is not None:
            self._write("review", answer[0], answer)

    def action_refresh(self) -> None:
        self.reload()

    @work(thread=True, group="self_check_write")
    def _write(self, what: str, key: str, answer: Any) -> None:
        try:
            from pydantic import ValidationError

            from station_tui.domain import explain
            from station_tui.domain.models import SelfCheckReview
            from station_tui.domain.rubric import RubricError
            from station_tui.storage import Store, self_check

            today = self.station_app.today
            try:
                with Store(self.station_app.store.path) as store:
                    if what == "tick":
                        ticked, evidence = answer
                        station = store.station.current()
                        self_check.set_mark(store, today.year, key, ticked=ticked, evidence=evidence,
                                            operator=station.manager if station else None)
                    else:
                        level, score, stars, reviewer, opinion = answer
                        # A 自评 names the rubric its score was computed by (the one shown).
                        chosen = self._facts.chosen if self._facts and level == "自评" else None
                        self_check.add_review(store, SelfCheckReview(
                            year=today.year, level=level, date=today, score=score, stars=stars,
                            reviewer=reviewer, opinion=opinion or None,
                            rubric=chosen.recorded_as() if chosen else None,
                            rubric_total=chosen.rubric.total if chosen else None))
            except RubricError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error")
                return
            except ValidationError as exc:
                problems = "；".join(str(p) for p in explain(exc))
                self.app.call_from_thread(self.notify, t("self_check.not_saved", why=problems), severity="error")
                return
            self.app.call_from_thread(self.notify, t("self_check.saved"))
            self.app.call_from_thread(self.reload)
        except Exception as exc:  # a locked or damaged database, a full disk: say so, never crash
            self.app.call_from_thread(self.notify, t("worker.failed", error=str(exc)), severity="error")


class TickDialog(Localized, ModalScreen[tuple[bool, str] | None]):
    """Tick an item with its evidence, or take the tick back."""

    BINDINGS = [
        Binding("ctrl+s", "save", "self_check.key_save", id="self_check_tick.save"),
        Binding("escape", "cancel", "key.cancel", id="self_check_tick.cancel"),
    ]

    def __init__(self, title: str, asked: str, evidence: str, ticked: bool) -> None:
        super().__init__()
        self._title, self._asked, self._evidence, self._ticked = title, asked, evidence, ticked

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self._title
            yield Label(t("self_check.evidence", asked=self._asked), markup=False)
            yield TextInput(self._evidence, id="tick-evidence", max_length=500, compact=True)
            yield Static("", id="tick-problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("self_check.tick"), id="tick-yes", variant="primary", compact=True)
                if self._ticked:
                    yield Button(t("self_check.untick"), id="tick-no", variant="error", compact=True)
                yield Button(t("key.cancel"), id="tick-cancel", compact=True)
        yield KeyFooter()

    def action_save(self) -> None:
        evidence = self.query_one("#tick-evidence", TextInput).value.strip()
        if not evidence:
            self.query_one("#tick-problem", Static).update(t("self_check.evidence_needed"))
            return
        self.dismiss((True, evidence))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(TextInput.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "tick-yes":
            self.action_save()
        elif event.button.id == "tick-no":
            self.dismiss((False, self.query_one("#tick-evidence", TextInput).value))
        else:
            self.dismiss(None)


class ReviewDialog(Localized, ModalScreen[tuple[str, int, int, str, str] | None]):
    """Record a rating for the year: the station's 自评 (its score as computed), or the
    township's or the county's, typed in as they gave it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "self_check.key_save", id="self_check_review.save"),
        Binding("escape", "cancel", "key.cancel", id="self_check_review.cancel"),
    ]

    def __init__(self, level: str | None, score: int | None, stars: int | None) -> None:
        super().__init__()
        self._level, self._score, self._stars = level, score, stars

    def compose(self) -> ComposeResult:
        own = self._level == "自评"
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = t("self_check.submit_title" if own else "self_check.review_title")
            if not own:
                yield Label(t("self_check.level"), markup=False)
                yield ChoiceBox([(v, v) for v in ("乡镇审核", "县级评定")], value="乡镇审核", allow_blank=False,
                                id="review-level")
            yield Label(t("self_check.field_score"), markup=False)
            yield TextInput("" if self._score is None else str(self._score), id="review-score", compact=True,
                            restrict=r"[0-9]*", max_length=4, disabled=own)
            yield Label(t("self_check.field_stars"), markup=False)
            yield TextInput("" if self._stars is None else str(self._stars), id="review-stars", compact=True,
                            restrict=r"[0-5]?", max_length=1, disabled=own)
            yield Label(t("self_check.field_reviewer"), markup=False)
            yield TextInput("", id="review-reviewer", max_length=20, compact=True)
            yield Label(t("self_check.field_opinion"), markup=False)
            yield TextInput("", id="review-opinion", max_length=500, compact=True)
            yield Static("", id="review-problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("self_check.key_save"), id="review-save", variant="primary", compact=True)
                yield Button(t("key.cancel"), id="review-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#review-reviewer" if self._level else "#review-level").focus()

    def action_save(self) -> None:
        def value(box: str) -> str:
            return self.query_one(f"#review-{box}", TextInput).value.strip()

        missing = [t(f"self_check.field_{name}") for name in ("score", "stars", "reviewer") if not value(name)]
        if missing:
            self.query_one("#review-problem", Static).update(t("self_check.missing", fields="、".join(missing)))
            return
        level = self._level or str(self.query_one("#review-level", ChoiceBox).value)
        self.dismiss((level, int(value("score")), int(value("stars")), value("reviewer"), value("opinion")))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "review-save":
            self.action_save()
        else:
            self.dismiss(None)
