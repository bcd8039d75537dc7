"""同步 screen: what waits to go to the county, when it last worked, and a 立即同步 button.

The upload itself is ``sync.client.sync`` run in a thread worker (the network must never
freeze the UI); it reports progress through messages. ``SyncController`` belongs to the App:
it runs the manual and the background syncs (every ``sync_interval_minutes`` while the
station is enrolled) and tells every mounted SyncScreen what happens. The runner lock keeps
it from overlapping a scheduled ``station sync``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Header, ProgressBar, Static

from station_tui.domain.clock import readable_moment
from station_tui.locale import language, t
from station_tui.screens.base import NavBar, StationScreen
from station_tui.widgets.footer import KeyFooter
from station_tui.widgets.table import RecordTable

if TYPE_CHECKING:
    from textual.app import App

    from station_tui.storage.backup import BackupResult
    from sync.client import Progress, SyncReport


@dataclass(frozen=True)
class SyncFacts:
    enrolled: bool
    server: str | None
    pending: int
    last_sync: str | None
    last_error: str | None
    last_error_at: str | None
    #: Filled by ``station demo`` / ``station --demo``: never uploaded (sync.client refuses it).
    demo: bool = False
    #: The last backup noted in the database: {"at", "path", "size"} (storage/backup.py).
    last_backup: dict[str, object] | None = None
    #: The county's latest notices (id, date, title, text, scope), newest first.
    notices: tuple[tuple[str, str, str, str, str], ...] = ()


#: Notices the screen lists (the newest); older ones stay in the database.
NOTICES_SHOWN = 50


def read_facts(db_path: Path) -> SyncFacts:
    """What the screen shows, read from the database and the token file (in a worker)."""
    from station_tui.storage import Store
    from station_tui.storage.backup import parse_last_backup
    from sync import credentials, outbox
    from sync.errors import SyncError

    try:
        creds = credentials.load()
        enrolled, server = True, creds.server
    except SyncError:
        enrolled, server = False, None
    with Store(db_path) as store:
        failure = outbox.last_failure(store)
        return SyncFacts(
            enrolled=enrolled,
            server=server,
            pending=store.pending_changes(),
            last_sync=store.last_sync(),
            last_error=failure["message"] if failure else None,
            last_error_at=failure["at"] if failure else None,
            demo=store.meta("demo") is not None,
            last_backup=parse_last_backup(store.meta("last_backup")),
            notices=tuple(
                (n.id, n.date, n.title, n.body, n.scope) for n in store.county_word.notices(limit=NOTICES_SHOWN)
            ),
        )


class SyncStarted(Message):
    def __init__(self, background: bool) -> None:
        super().__init__()
        self.background = background


class SyncProgressed(Message):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress


class SyncFinished(Message):
    def __init__(self, report: SyncReport | None, error: str | None, background: bool) -> None:
        super().__init__()
        self.report, self.error, self.background = report, error, background


class BackupFinished(Message):
    def __init__(self, result: BackupResult | None, error: str | None) -> None:
        super().__init__()
        self.result, self.error = result, error


class SyncController:
    """Runs syncs for an App (manual and every N minutes) and tells the SyncScreens."""

    def __init__(self, app: App, db_path: Path, interval_minutes: int) -> None:
        self.app, self.db_path = app, Path(db_path)
        self.interval = max(1, interval_minutes) * 60
        self.running = False
        self._listeners: list[SyncScreen] = []

    def start_background(self) -> None:
        self.app.set_interval(self.interval, self._tick, name="background-sync")

    def listen(self, screen: SyncScreen) -> None:
        if screen not in self._listeners:
            self._listeners.append(screen)

    def forget(self, screen: SyncScreen) -> None:
        if screen in self._listeners:
            self._listeners.remove(screen)

    def _tell(self, message_factory) -> None:  # type: ignore[no-untyped-def]
        for screen in list(self._listeners):
            screen.post_message(message_factory())  # thread-safe

    def _tick(self) -> None:
        from sync import credentials

        # A demo database is refused by every run: not worth a failure every N minutes.
        if credentials.credentials_path().exists() and self.app.store.meta("demo") is None:  # type: ignore[attr-defined]
            self.sync_now(background=True)

    def sync_now(self, *, background: bool = False) -> bool:
        """Start a sync unless one is running in this app; False when it was already running."""
        if self.running:
            return False
        self.running = True
        self._tell(lambda: SyncStarted(background))
        self.app.run_worker(lambda: self._job(background), thread=True, group="sync",
                            name="sync", exit_on_error=False)
        return True

    def _job(self, background: bool) -> None:
        from sync.client import sync
        from sync.errors import SyncError

        report, error = None, None
        try:
            report = sync(self.db_path, progress=lambda p: self._tell(lambda: SyncProgressed(p)))
        except SyncError as exc:
            error = exc.en if language() == "en" and exc.en else exc.zh
        except Exception as exc:  # never let a worker crash the app; say it in words
            error = t("sync.unexpected", error=exc)
        finally:
            self.running = False
        self._tell(lambda: SyncFinished(report, error, background))


class SyncScreen(StationScreen):
    """同步: pending changes, last success, last problem, and 立即同步."""

    MODE = "sync"
    DEFAULT_CSS = """
    SyncScreen #sync-box { width: 76; max-width: 100%; height: auto; padding: 0 1; border: round $primary; }
    SyncScreen #sync-box > Static { margin-bottom: 1; }
    SyncScreen #sync-title { text-style: bold; }
    SyncScreen #sync-error { color: $warning; }
    SyncScreen #sync-buttons { height: auto; }
    SyncScreen #sync-progress { margin-bottom: 1; }
    SyncScreen #sync-buttons Button { margin-right: 2; }
    SyncScreen #sync-notices { height: 1fr; border: round $secondary; }
    """

    BINDINGS = [
        Binding("s", "sync_now", "key.sync_now", id="sync.now"),
        Binding("b", "backup", "key.backup", id="sync.backup"),
        Binding("r", "refresh", "key.refresh", id="sync.refresh"),
    ]

    def __init__(self, controller: SyncController | None = None) -> None:
        super().__init__()
        self._controller = controller
        #: The failure the status line is showing right now: not repeated as "上次遇到的问题".
        self._failure_on_show: str | None = None
        self._demo = False
        self._last_backup_dir: str | None = None
        self._backing_up = False
        #: What the last backup from this screen said when it failed: shown until the next one.
        self._backup_failure: str | None = None
        #: The notices listed: id -> (title, text).
        self._notices: dict[str, tuple[str, str]] = {}

    @property
    def controller(self) -> SyncController:
        if self._controller is None:
            self._controller = self.app.sync_controller  # type: ignore[attr-defined]
        return self._controller

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        with Vertical(id="sync-box"):
            yield Static(t("sync.title"), id="sync-title", markup=False)
            yield Static("", id="sync-server", markup=False)
            yield Static(t("sync.reading"), id="sync-pending", markup=False)
            yield Static("", id="sync-last", markup=False)
            yield Static("", id="sync-backup", markup=False)
            yield Static("", id="sync-error", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="sync-progress")
            yield Static("", id="sync-status", markup=False)
            with Horizontal(id="sync-buttons"):
                yield Button(t("sync.now"), id="sync-now", variant="primary")
                yield Button(t("backup.now"), id="backup-now")
        notices: DataTable = RecordTable(id="sync-notices", cursor_type="row", zebra_stripes=True)
        notices.border_title = t("sync.notices")
        yield notices
        yield KeyFooter()

    def on_mount(self) -> None:
        self.controller.listen(self)
        self.query_one("#sync-progress", ProgressBar).display = False
        self._line("#sync-error", "")
        self._line("#sync-status", "")
        notices = self.query_one("#sync-notices", DataTable)
        notices.add_column(t("col.date"), key="date", width=10)
        notices.add_column(t("col.scope"), key="scope", width=6)
        notices.add_column(t("col.title"), key="title", width=50)
        notices.display = False
        if self.controller.running:
            self._show_running()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_unmount(self) -> None:
        self.controller.forget(self)

    def load(self) -> None:
        self._load_facts()

    # -- actions ------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.reload()

    def action_sync_now(self) -> None:
        if self._demo:
            self.notify(t("sync.demo"))
        elif not self.controller.sync_now():
            self.notify(t("sync.busy"))

    @on(Button.Pressed, "#sync-now")
    def _pressed(self) -> None:
        self.action_sync_now()

    @on(Button.Pressed, "#backup-now")
    def _backup_pressed(self) -> None:
        self.action_backup()

    # -- backup -------------------------------------------------------------------------
    def action_backup(self) -> None:
        """Ask for the folder (the last one used, else ``backups`` beside the database) and
        back up there in a worker; the result comes back as a BackupFinished message."""
        if self._backing_up:
            self.notify(t("backup.busy"))
            return
        from station_tui.modals.backup_dir import BackupDirModal
        from station_tui.storage.backup import default_backup_dir

        default = self._last_backup_dir or str(default_backup_dir(self.controller.db_path))
        self.app.push_screen(BackupDirModal(default), self._backup_to)

    def _backup_to(self, folder: str | None) -> None:
        if not folder:
            return
        self._backing_up = True
        self._backup_failure = None
        self.query_one("#backup-now", Button).disabled = True
        self.query_one("#sync-backup", Static).update(t("backup.running", folder=folder))
        self._run_backup(folder)

    @work(thread=True, exclusive=True, group="backup")
    def _run_backup(self, folder: str) -> None:
        from station_tui.storage.backup import BackupError, backup

        keep = getattr(self.app, "settings", None)
        keep_n = int(getattr(keep, "backup_keep", 10) or 10)
        result, error = None, None
        try:
            result = backup(self.controller.db_path, Path(folder).expanduser(), keep=keep_n)
        except BackupError as exc:
            error = exc.en if language() == "en" else exc.zh
        except Exception as exc:  # never let a worker crash the app; say it in words
            error = t("backup.unexpected", error=exc)
        self.post_message(BackupFinished(result, error))

    def on_backup_finished(self, message: BackupFinished) -> None:
        self._backing_up = False
        self.query_one("#backup-now", Button).disabled = False
        if message.error:
            self._backup_failure = t("backup.failed", error=message.error)
            self.query_one("#sync-backup", Static).update(self._backup_failure)
            self.notify(message.error, title=t("backup.failed_title"), severity="warning", timeout=10)
            return
        done = message.result
        assert done is not None
        self._last_backup_dir = str(done.path.parent)
        from station_tui.storage.backup import readable_size

        self.notify(t("backup.done", path=done.path, size=readable_size(done.size)), title=t("backup.done_title"))
        self.reload()

    # -- reading the facts ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="sync-facts")
    def _load_facts(self) -> None:
        try:
            facts = read_facts(self.controller.db_path)
        except Exception as exc:
            self.app.call_from_thread(self._show_unreadable, str(exc))
            return
        self.app.call_from_thread(self._show_facts, facts)

    def _show_unreadable(self, detail: str) -> None:
        if self.is_attached:
            self.query_one("#sync-pending", Static).update(t("sync.unreadable", error=detail))

    def _show_facts(self, facts: SyncFacts) -> None:
        if not self.is_attached:
            return  # read for a screen closed meanwhile (the app quitting): nothing to show
        self._demo = facts.demo
        self.query_one("#sync-server", Static).update(
            t("sync.demo") if facts.demo
            else t("sync.server", server=facts.server) if facts.enrolled
            else t("sync.not_enrolled")
        )
        self.query_one("#sync-pending", Static).update(
            t("sync.pending", n=facts.pending) if facts.pending else t("sync.pending_none")
        )
        self.query_one("#sync-last", Static).update(
            t("sync.last", when=readable_moment(facts.last_sync) or t("sync.never")))
        earlier = facts.last_error if facts.last_error != self._failure_on_show else None
        self._line("#sync-error", t("sync.last_error", at=readable_moment(facts.last_error_at), message=earlier)
                   if earlier else "")  # fmt: skip
        self.query_one("#sync-now", Button).disabled = facts.demo or not facts.enrolled or self.controller.running
        self._show_notices(facts)
        if not self._backing_up:
            line = self._backup_line(facts.last_backup)
            self.query_one("#sync-backup", Static).update(self._backup_failure or line)

    def _backup_line(self, last: dict[str, object] | None) -> str:
        if not last:
            return t("backup.never")
        path = str(last["path"])
        if self._last_backup_dir is None:
            self._last_backup_dir = str(Path(path).parent)
        from station_tui.storage.backup import readable_size

        size = readable_size(int(str(last["size"])))
        return t("backup.last", when=readable_moment(str(last["at"])), path=path, size=size)

    def _line(self, selector: str, text: str) -> None:
        """A status line that takes no room while it has nothing to say (room for the notices)."""
        line = self.query_one(selector, Static)
        line.update(text)
        line.display = bool(text)

    def _show_notices(self, facts: SyncFacts) -> None:
        """The county's notices, when it sent any (none: no list)."""
        table = self.query_one("#sync-notices", DataTable)
        table.display = bool(facts.notices)
        if [n[0] for n in facts.notices] == list(self._notices):
            return  # unchanged: keep the cursor where the reader left it
        table.clear()
        self._notices = {}
        for notice_id, day, title, text, scope in facts.notices:
            self._notices[notice_id] = (title, text)
            table.add_row(day, t(f"sync.notice_scope.{scope}"), title, key=notice_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        title, text = self._notices.get(str(event.row_key.value), ("", ""))
        if title:
            self.notify(text or title, title=title, timeout=20)

    # -- what the controller tells us ---------------------------------------------------
    def _show_running(self) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._line("#sync-status", t("sync.running"))
        self.query_one("#sync-now", Button).disabled = True
        self._failure_on_show = None

    def on_sync_started(self, message: SyncStarted) -> None:
        self._show_running()

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        p = message.progress
        self.query_one("#sync-progress", ProgressBar).update(total=max(p.total, 1), progress=p.done)
        if p.photos:  # the photo files, after the records: bytes, shown in KB
            self._line("#sync-status", t("sync.photo_progress", done=p.done // 1024, total=p.total // 1024))
            return
        self._line("#sync-status", t("sync.progress", done=p.done, total=p.total))
        self.query_one("#sync-pending", Static).update(t("sync.pending", n=p.total - p.done))

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.query_one("#sync-progress", ProgressBar).display = False
        if message.error:
            self._line("#sync-status", message.error)
            self._failure_on_show = message.error
            if not message.background:
                self.notify(message.error, title=t("sync.failed_title"), severity="warning", timeout=8)
        elif message.report is not None:
            self._line("#sync-status",
                       message.report.summary_zh() if language() != "en" else message.report.summary_en())
        # The dashboard's pending count moved too; this screen reloads with the rest.
        self.station_app.data_changed()


