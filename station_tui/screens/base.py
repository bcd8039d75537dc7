"""What every main screen shares: the navigation line, localized keys, and reloading its
data when the database changed (another session's commit or this app's own save)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from station_tui.locale import t
from station_tui.screens.registry import BY_MODE, MAIN
from station_tui.widgets.localized import Localized

if TYPE_CHECKING:
    from station_tui.app import StationApp

#: (mode, catalog key, key shown) in the order of the navigation line (screens/registry.py).
NAV_ITEMS: tuple[tuple[str, str, str], ...] = tuple((e.mode, e.nav, e.keys[0]) for e in MAIN)


class NavBar(Static):
    """The screens as a clickable line: ``1 首页  2 宣讲  3 活动  4 人员  5 同步  6 更多``.
    On a screen of the 更多 menu, 更多 is marked and names it: ``6 更多›队伍``."""

    def __init__(self, current: str) -> None:
        entry = BY_MODE.get(current)
        in_menu = entry is not None and not entry.on_nav_line
        parts = []
        for mode, key, shortcut in NAV_ITEMS:
            label = f" {shortcut} {t(key)} "
            marked = mode == current or (in_menu and mode == "more")
            if in_menu and mode == "more" and entry is not None:
                label = f" {shortcut} {t(key)}›{t(entry.nav)} "
            style = "reverse bold" if marked else "underline"
            parts.append(f"[@click=app.switch_mode('{mode}')][{style}]{label}[/][/]")
        parts.append(f"  [dim]{t('nav.hint')}[/]")
        super().__init__(" ".join(parts), id="nav", markup=True)


class StationScreen(Localized, Screen):
    """A main screen (one per app mode). Subclasses implement ``load()`` (start a worker)."""

    #: Its entry in screens/registry.py (the navigation line marks it).
    MODE: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self._seen_generation = -1

    @property
    def station_app(self) -> StationApp:
        return self.app  # type: ignore[return-value]

    def reload(self) -> None:
        self._seen_generation = self.station_app.generation
        self.load()

    def load(self) -> None:  # pragma: no cover - every screen overrides it
        raise NotImplementedError

    def show_problem(self, selector: str, text: str) -> None:
        """Put ``text`` in the Static at ``selector``, in red and as plain text (it quotes an
        error or what was typed, never markup)."""
        self.query_one(selector, Static).update(Text(text, style="red"))

    def data_changed(self) -> None:
        """Called by the app when the database changed; only the visible screen reloads now,
        the others when they are shown again."""
        if self.is_current:
            self.reload()

    def on_screen_resume(self) -> None:
        if self._seen_generation != self.station_app.generation:
            self.reload()
