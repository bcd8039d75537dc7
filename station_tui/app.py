"""The station app: modes, keys and the database connection. Screens live in ``screens/``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import App
from textual.binding import Binding

from station_tui.locale import set_language, t
from station_tui.screens.registry import MAIN, SCREENS, opener
from station_tui.widgets import wide_chars
from station_tui.widgets.key_order import KeysInOrder
from station_tui.widgets.localized import Localized

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.notifications import SeverityLevel

    from station_tui.config import Settings
    from station_tui.domain.models import EventKind
    from station_tui.screens.dashboard import DashboardFacts
    from station_tui.screens.sync import SyncController
    from station_tui.storage import Store
    from station_tui.widgets.palette import StationCommands

wide_chars.apply()

#: How often another session's commits are looked for (seconds); the promise is < 2 s.
POLL_SECONDS = 1.0


def _palette_provider() -> type[StationCommands]:
    from station_tui.widgets.palette import StationCommands

    return StationCommands


class StationApp(Localized, KeysInOrder):
    CSS_PATH = "app.tcss"
    #: The app starts on the dashboard itself: switching to it from Textual's blank default
    #: screen would hold the first paint back 50 ms (switch_mode's delay_update).
    DEFAULT_MODE = "dashboard"
    #: The main screens, their keys, the navigation line, the 更多 menu, the palette and the
    #: help all come from one list: screens/registry.py.
    MODES = {entry.mode: opener(entry.screen) for entry in SCREENS}
    #: The app's own commands only: Textual's (Theme, Keys, Quit …) are English and for developers.
    COMMANDS = {_palette_provider}
    BINDINGS = [
        Binding("f1", "help", "key.help", id="app.help"),
        Binding("question_mark", "help", "key.help", show=False, id="app.help_question"),
        *(Binding(e.binding_keys, e.action, e.nav, show=False, id=e.binding_id) for e in MAIN),
        Binding("ctrl+p", "command_palette", "key.palette", show=False, id="app.palette", priority=True),
        Binding("ctrl+q", "quit", "key.quit", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings | None = None,
        language: str | None = None,
        today: date | None = None,
    ) -> None:
        self._settings = settings
        if settings is None:
            # Full (pydantic) settings are read after the first paint; see _warm_up().
            from station_tui.config import quick_settings

            quick = quick_settings()
            chosen, self._minimums = quick.language, dict(quick.monthly_minimums)
        else:
            chosen, self._minimums = settings.language, dict(settings.monthly_minimums)
        self.language = set_language(language or chosen)
        from station_tui.storage import summary

        # The baseline is taken before anything is read: a commit by another session from
        # here on is seen by the first poll, not folded silently into the baseline.
        self._data_version: int | None = store.data_version()
        self._station_name = summary.station_name(store)
        self._first_facts: Future[DashboardFacts] | None = None
        if self._station_name is None:
            # First run: the setup form opens over a blank screen, not over an empty
            # dashboard and its keys; the dashboard comes once the station is saved.
            # A ClassVar in Textual, set for this instance only: App.__init__ reads it.
            self.DEFAULT_MODE = "_default"  # type: ignore[misc]
        else:
            from station_tui.screens.dashboard import gather_ahead

            self._first_facts = gather_ahead(store, today or date.today(), self._minimums)
        super().__init__()
        self.store = store
        self._today = today
        #: Bumped whenever the data may have changed; screens reload when theirs is older.
        self.generation = 0
        #: The team categories forms offer (the county's list when it sent one), read in workers.
        self._team_categories: list[str] | None = None
        self._request_categories: list[str] | None = None
        self._sync_controller: SyncController | None = None
        self.title = t("app.title")
        if self._station_name is not None:
            self.sub_title = self._station_name  # before the header is built: no relayout
        self._keymap_problem = self._load_keymap()

    # -- facts screens ask for ---------------------------------------------------------
    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = _load_settings(self)
        return self._settings

    @property
    def monthly_minimums(self) -> dict[str, int]:
        return dict(self._settings.monthly_minimums) if self._settings is not None else self._minimums

    @property
    def team_categories(self) -> list[str]:
        """The team categories a form offers and accepts: the county's list once it has sent
        one (``county-center publish categories --kind team``), the settings' otherwise. Read
        in the warm-up and whenever the database changes, never on the UI thread."""
        if self._team_categories is not None:
            return list(self._team_categories)
        return list(self._settings.team_categories) if self._settings is not None else []

    @property
    def request_categories(self) -> list[str]:
        """The villager-request categories offered and accepted: the county's list once it has
        sent one (``publish categories --kind request``), the settings' otherwise."""
        if self._request_categories is not None:
            return list(self._request_categories)
        return list(self._settings.request_categories) if self._settings is not None else []

    def _read_team_categories(self) -> None:
        """In a worker thread: the county's team and request category lists, when it sent them."""
        try:
            word = self.store.county_word
            self._team_categories = word.team_categories(self.settings.team_categories)
            self._request_categories = word.categories("request") or list(self.settings.request_categories)
        except Exception:  # unreadable for a moment: the settings' lists hold until the next read
            pass

    @property
    def today(self) -> date:
        """The date forms default to and "this month" means; tests pin it."""
        return self._today or date.today()

    def take_first_facts(self, wait: float | None = None) -> DashboardFacts | None:
        """The dashboard's facts read ahead at start-up, once; None after that, or when they
        are not in after ``wait`` seconds (then they stay for the next call)."""
        from concurrent.futures import TimeoutError as StillReading  # (the builtin only from 3.11)

        future = self._first_facts
        if future is None:
            return None
        try:
            facts = future.result(timeout=wait)
        except StillReading:
            return None
        except Exception:  # the read ahead failed: the dashboard's worker reads again and says why
            facts = None
        self._first_facts = None
        return facts

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notices are plain text, whatever a widget asks: they quote names, topics and values
        people typed, which markup would garble or choke on (none of the app's notices use it)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- start-up --------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self._station_name is None:
            from station_tui.screens.setup import SetupScreen

            self.push_screen(SetupScreen(), self._after_setup)
        self.set_interval(POLL_SECONDS, self._poll_data_version)
        if self._keymap_problem:
            self.notify(self._keymap_problem, severity="warning", timeout=15)
        self.set_timer(1.0, self._warm_up)
        self.set_timer(2.0, self._start_background_sync)

    def _load_keymap(self) -> str | None:
        """``keymap.json`` in the config directory remaps keys by binding id, e.g.
        ``{"list.new": "f7", "app.quit": "ctrl+q,f10"}``; the help screen shows the result.
        Read before the first screen is built, so its footer shows the remapped keys (once
        mounted, a new keymap reaches no footer until something else refreshes it). Returns
        what to tell the user when the file is broken."""
        import json

        from station_tui.config import config_dir

        path = config_dir() / "keymap.json"
        if not path.exists():
            return None
        try:
            keymap = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
                raise ValueError(t("keymap.shape"))
        except (OSError, ValueError) as exc:
            return t("keymap.broken", path=str(path), error=str(exc))
        self.set_keymap(keymap)
        return None

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """After the first paint: read the full settings (reporting a broken file) and load
        the forms' models, so the first form opens without a pause. (Should it fail, the
        first form just opens more slowly.)"""
        self.settings  # noqa: B018 - loads and validates
        self._read_team_categories()
        import station_tui.screens.lecture_form
        import station_tui.widgets.form  # noqa: F401

    @property
    def sync_controller(self) -> SyncController:
        """Runs 立即同步 and the background sync; the 同步 screen shows what it does."""
        if self._sync_controller is None:
            from station_tui.screens.sync import SyncController

            self._sync_controller = SyncController(self, self.store.path, self.settings.sync_interval_minutes)
        return self._sync_controller

    def _start_background_sync(self) -> None:
        """Every ``sync_interval_minutes`` while enrolled (a run that finds the county offline
        only notes it on the 同步 screen)."""
        self.sync_controller.start_background()

    def _after_setup(self, station: object) -> None:
        self.sub_title = getattr(station, "name", "")
        self.switch_mode("dashboard")

    # -- keeping every screen current ------------------------------------------------
    @work(thread=True, exclusive=True, group="poll")
    def _poll_data_version(self) -> None:
        try:
            version = self.store.data_version()
        except Exception:  # unreadable for a moment: the next poll, a second later, looks again
            return
        previous, self._data_version = self._data_version, version
        if previous is not None and version != previous:
            self._read_team_categories()  # a sync may have brought the county's list
            self.call_from_thread(self.data_changed)

    def data_changed(self) -> None:
        """Another session committed, or this one saved: refresh what is on screen."""
        self.generation += 1
        for screen in self.screen_stack:
            refresh = getattr(screen, "data_changed", None)
            if refresh is not None:
                refresh()

    # -- actions --------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Ctrl+Q: leave at once, unless a screen holds something typed and not saved — in any
        mode, since a roster left open under 宣讲 is still there after switching to 首页."""
        stacks = list(getattr(self, "_screen_stacks", {}).values()) or [self.screen_stack]
        unsaved = [s for stack in stacks for s in stack if getattr(s, "has_unsaved_changes", lambda: False)()]
        if not unsaved:
            self.exit()
            return
        from station_tui.modals.confirm import ConfirmModal

        if isinstance(self.screen, ConfirmModal):
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(ConfirmModal(t("quit.unsaved"), confirm_label=t("quit.yes")), answered)

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette in the UI language (widgets/palette.py)."""
        from textual.command import CommandPalette

        from station_tui.widgets.palette import StationPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(StationPalette())

    def action_help(self) -> None:
        from station_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_attendance(self, event_kind: str, event_id: str) -> None:
        """签到 for a lecture or activity (the roster editor lives in screens/attendance.py)."""
        try:
            from station_tui.screens.attendance import AttendanceScreen
        except ImportError:
            self.notify(t("attendance.missing"), severity="warning")
            return
        # Whatever the roster editor saved shows in the lists and on the dashboard afterwards.
        # An action's arguments are text (key bindings, the dashboard's row keys): "lecture" or "activity".
        kind = cast("EventKind", event_kind)
        self.push_screen(AttendanceScreen(kind, event_id), lambda _result: self.data_changed())

    def action_new_record(self, kind: str) -> None:
        """Open the form for a new lecture, activity or person from anywhere (palette)."""
        from station_tui.screens.forms import open_form

        open_form(self, kind, None)


def _load_settings(app: App) -> Settings:
    from station_tui.config import Settings, SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        app.call_later(app.notify, t("settings.broken", error=str(exc)), severity="warning", timeout=15)
        return Settings()
