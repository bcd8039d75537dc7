"""The floor the startup benchmark compares against: a bare Textual app with a Header, a
100-row DataTable and a Footer. bench/startup.py waits for its rows to show, then quits it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("日期", "名称", "平台", "人次")
        for i in range(100):
            table.add_row(f"2026-11-{i % 28 + 1:02d}", f"活动 {i}", "文化服务", i)


if __name__ == "__main__":
    BareApp().run()
