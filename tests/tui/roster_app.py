"""A minimal real App holding a Store, for testing the attendance screen on its own."""

from __future__ import annotations

from datetime import date, time

from textual.app import App

from station_tui.config import Settings
from station_tui.domain import Activity, Lecture, Person
from station_tui.locale import set_language
from station_tui.screens.attendance import AttendanceScreen
from station_tui.storage import Store

PEOPLE = [
    # name, gender, birth year, phone, volunteer
    ("张三", "男", 1968, "13812345678", False),
    ("李四", "女", 1975, "13998765432", True),
    ("王五", "男", 1952, None, False),
    ("赵六", "女", 1981, "15011112222", True),
    ("张珊", "女", 1990, "13700001111", False),
    ("周建国", "男", 1960, "13655556666", True),
]


def seed(store: Store) -> tuple[Lecture, Activity, dict[str, Person]]:
    people = {
        name: store.people.add(Person(name=name, gender=g, birth_year=y, phone=p, is_volunteer=v))
        for name, g, y, p, v in PEOPLE
    }
    lecture = store.lectures.add(
        Lecture(
            date=date(2026, 11, 3),
            start_time=time(9, 0),
            end_time=time(11, 0),
            topic="学习贯彻党的二十届四中全会精神",
            speaker="周建国",
            form="屋场会",
            place="村委会议室",
        )
    )
    activity = store.activities.add(
        Activity(
            date=date(2026, 11, 8),
            start_time=time(14, 0),
            end_time=time(16, 30),
            title="村庄环境清扫",
            platform="文化服务",
            place="村广场",
        )
    )
    return lecture, activity, people


class RosterApp(App[None]):
    """Holds ``store`` (and ``settings``) like the station app, and opens one roster."""

    def __init__(self, store: Store, kind: str, event_id: str, settings: Settings | None = None) -> None:
        set_language("zh_CN")
        super().__init__()
        self.store = store
        self.settings = settings or Settings()
        self.kind, self.event_id = kind, event_id
        self.closed = False

    def on_mount(self) -> None:
        def done(_: object) -> None:
            self.closed = True

        self.push_screen(AttendanceScreen(self.kind, self.event_id), done)  # type: ignore[arg-type]
