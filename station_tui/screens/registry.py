"""The app's screens, listed once, in the order of the navigation line.

The app's modes and their keys (``app.py``: a number and a function key each for the screens
of the navigation line, ``base.py``; a letter in the 更多 menu, ``more.py``, for the others),
the palette's actions (``widgets/palette.py``), the help screen's sections (``help.py``) and
which form and repository a kind of record has (``forms.py``) are all read from ``SCREENS``.
A screen that lists records names the kind it lists (``domain/kinds.py``), the palette's
"新建…" and "打开…" words for it, and its form unless the kind's declaration makes it.

Pure data: screens and forms are named by import path ("module:Class") and imported by
``load`` when first wanted. The navigation line reads this module on the start path, which
must not import the screens, the forms or pydantic (tests/tui/test_start_path.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Records:
    """What a screen listing one kind of record adds to its entry."""

    #: The kind's key in ``domain.kinds.BY_KEY`` ("lecture"); its table is the store's
    #: repository for it.
    kind: str
    #: Locale key of the palette's "新建…" action (its help: the key + ".help").
    new: str
    #: Locale key of the palette's help beside a record it found ("打开这场宣讲").
    open: str
    #: The form of one record, "module:Class". Empty: the form the kind's declaration makes
    #: (every declared field in the model's order, titled ``<kind>.new`` / ``<kind>.edit``;
    #: ``screens/forms.py`` ``declared_form``).
    form: str = ""


@dataclass(frozen=True)
class ScreenEntry:
    """One main screen: an app mode, a place on the navigation line, its keys and help."""

    mode: str
    #: Locale key of its name: on the navigation line, its keys' description, its help section.
    nav: str
    #: The number key and the function key that switch to it; the binding's id is
    #: ``app.<mode>`` (keymap.json remaps keys by that id). Empty for a screen of the 更多
    #: menu: ten screens do not fit an 80-column navigation line.
    keys: tuple[str, ...]
    #: The screen, "module:Class", made on the first switch to it.
    screen: str
    #: Locale key of the palette's entry that goes there (its help: the key + ".help").
    palette: str
    records: Records | None = None
    #: Its letter in the 更多 menu (``screens/more.py``); only for screens without ``keys``.
    menu_key: str = ""

    @property
    def on_nav_line(self) -> bool:
        return bool(self.keys)

    @property
    def binding_id(self) -> str:
        return f"app.{self.mode}"

    @property
    def binding_keys(self) -> str:
        return ",".join(self.keys)

    @property
    def action(self) -> str:
        return f"switch_mode('{self.mode}')"

    @property
    def help_title(self) -> str:
        return self.nav


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry(
        mode="dashboard",
        nav="nav.dashboard",
        keys=("1", "f2"),
        screen="station_tui.screens.dashboard:DashboardScreen",
        palette="palette.dashboard",
    ),
    ScreenEntry(
        mode="lectures",
        nav="nav.lectures",
        keys=("2", "f3"),
        screen="station_tui.screens.lectures:LectureListScreen",
        palette="palette.lectures",
        records=Records(
            kind="lecture",
            form="station_tui.screens.lecture_form:LectureForm",
            new="palette.new_lecture",
            open="palette.open_lecture",
        ),
    ),
    ScreenEntry(
        mode="activities",
        nav="nav.activities",
        keys=("3", "f4"),
        screen="station_tui.screens.activities:ActivityListScreen",
        palette="palette.activities",
        records=Records(
            kind="activity",
            form="station_tui.screens.activity_form:ActivityForm",
            new="palette.new_activity",
            open="palette.open_activity",
        ),
    ),
    ScreenEntry(
        mode="people",
        nav="nav.people",
        keys=("4", "f5"),
        screen="station_tui.screens.people:PeopleScreen",
        palette="palette.people",
        records=Records(
            kind="person",
            form="station_tui.screens.person_form:PersonForm",
            new="palette.new_person",
            open="palette.open_person",
        ),
    ),
    ScreenEntry(
        mode="sync",
        nav="nav.sync",
        keys=("5", "f6"),
        screen="station_tui.screens.sync:SyncScreen",
        palette="palette.sync",
    ),
    ScreenEntry(
        mode="more",
        nav="nav.more",
        keys=("6", "f7"),
        screen="station_tui.screens.more:MoreScreen",
        palette="palette.more",
    ),
    # The 更多 menu's screens follow, each with its ``menu_key`` and no number key.
    ScreenEntry(
        mode="teams",
        nav="nav.teams",
        keys=(),
        menu_key="t",
        screen="station_tui.screens.teams:TeamListScreen",
        palette="palette.teams",
        records=Records(
            kind="team",
            form="station_tui.screens.team_form:TeamForm",
            new="palette.new_team",
            open="palette.open_team",
        ),
    ),
    ScreenEntry(
        mode="venues",
        nav="nav.venues",
        keys=(),
        menu_key="v",
        screen="station_tui.screens.venues:VenueListScreen",
        palette="palette.venues",
        records=Records(kind="venue", new="palette.new_venue", open="palette.open_venue"),
    ),
    ScreenEntry(
        mode="points",
        nav="nav.points",
        keys=(),
        menu_key="j",
        screen="station_tui.screens.points:PointsScreen",
        palette="palette.points",
    ),
    ScreenEntry(
        mode="market",
        nav="nav.market",
        keys=(),
        menu_key="s",
        screen="station_tui.screens.market:MarketScreen",
        palette="palette.market",
        records=Records(kind="goods", new="palette.new_goods", open="palette.open_goods"),
    ),
    ScreenEntry(
        mode="requests",
        nav="nav.requests",
        keys=(),
        menu_key="d",
        screen="station_tui.screens.requests:RequestListScreen",
        palette="palette.requests",
        records=Records(
            kind="request",
            form="station_tui.screens.request_form:RequestForm",
            new="palette.new_request",
            open="palette.open_request",
        ),
    ),
    ScreenEntry(
        mode="plans",
        nav="nav.plans",
        keys=(),
        menu_key="p",
        screen="station_tui.screens.plans:PlanYearScreen",
        palette="palette.plans",
    ),
    ScreenEntry(
        mode="ledger",
        nav="nav.ledger",
        keys=(),
        menu_key="l",
        screen="station_tui.screens.ledger:LedgerScreen",
        palette="palette.ledger",
    ),
    ScreenEntry(
        mode="certificates",
        nav="nav.certificates",
        keys=(),
        menu_key="c",
        screen="station_tui.screens.certificates:CertificateListScreen",
        palette="palette.certificates",
    ),
    ScreenEntry(
        mode="self_check",
        nav="nav.self_check",
        keys=(),
        menu_key="z",
        screen="station_tui.screens.self_check:SelfCheckScreen",
        palette="palette.self_check",
    ),
)

BY_MODE: dict[str, ScreenEntry] = {entry.mode: entry for entry in SCREENS}
#: The screens on the navigation line, each with a number key and a function key.
MAIN: tuple[ScreenEntry, ...] = tuple(entry for entry in SCREENS if entry.on_nav_line)
#: The screens of the 更多 menu, in its order.
MENU: tuple[ScreenEntry, ...] = tuple(entry for entry in SCREENS if not entry.on_nav_line)
#: Kind key → what its screen declares about it ("lecture", "activity", "person").
BY_KIND: dict[str, Records] = {entry.records.kind: entry.records for entry in SCREENS if entry.records}


def load(path: str) -> Any:
    """The class named by an import path "module:Class", importing its module now."""
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def opener(path: str) -> Callable[[], Any]:
    """A factory for the app's ``MODES``: makes the screen at ``path`` when first switched to."""

    def make() -> Any:
        return load(path)()

    make.__qualname__ = make.__name__ = f"open_{path.rpartition(':')[2]}"
    return make
