"""爱心超市 (更多 › s): the goods with their points price and stock, restocking, redemptions
with their pickup codes, 核销 by a code read out at the counter, and cancelling.

Stock and balances are sums of ledger entries; a redemption, a pickup and a cancellation are
each one transaction of ``RedemptionRepository``. A refusal (积分不足, 库存不足, an unknown code,
already picked up, cancelled twice) is shown in the dialog in plain Chinese.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from station_tui.locale import t
from station_tui.widgets.paged import Column, PagedListScreen, list_columns
from station_tui.widgets.record_list import RecordListScreen
from station_tui.widgets.text_input import TextInput


def _repo(app: Any, table: str) -> Any:
    return app.store.repository(table)


def redeem_dialog(app: Any, options: tuple[tuple[str, str], ...]) -> Any:
    """The 兑换 dialog: who, which item (``options``: the goods list's rows, the selected one
    first), how many; on success the pickup code is shown."""
    from station_tui.screens.points_dialogs import ActionDialog, Box

    redemptions = _repo(app, "redemptions")

    def perform(values: dict[str, Any]) -> Any:
        person = values["person"]
        if person is None:
            raise ValueError(t("market.pick_person"))
        quantity = values["quantity"] or "1"
        if not quantity.isdigit() or int(quantity) < 1:
            raise ValueError(t("market.quantity_bad", typed=quantity))
        return redemptions.redeem(str(person.id), values["goods"], int(quantity)), person.name

    return ActionDialog(
        t("market.redeem_title"),
        [
            Box("person", t("market.person_label"), "person"),
            Box("goods", t("market.goods_label"), "choice", options=options),
            Box("quantity", t("market.quantity_label"), value="1", max_length=4),
        ],
        perform,
    )


def show_code(app: Any, result: Any) -> None:
    """After a redemption: the code to read out (and write on the slip) until Enter."""
    from station_tui.domain.points import spoken_code
    from station_tui.screens.points_dialogs import NoticeDialog

    if result is None:
        return
    redemption, name = result
    app.push_screen(
        NoticeDialog(
            t("market.redeemed_title"),
            t("market.redeemed", name=name, points=redemption.points, code=spoken_code(redemption.pickup_code)),
        )
    )


def pickup_dialog(app: Any) -> Any:
    from station_tui.screens.points_dialogs import ActionDialog, Box

    redemptions = _repo(app, "redemptions")

    def perform(values: dict[str, Any]) -> Any:
        return redemptions.pick_up(values["code"])

    return ActionDialog(
        t("market.pickup_title"),
        [Box("code", t("market.code_label"), placeholder=t("market.code_hint"), max_length=12)],
        perform,
    )


class MarketScreen(RecordListScreen):
    """The goods: c new, e edit, d delete, r restock, b 兑换, k 核销, o the redemptions."""

    MODE = "market"
    KIND = "goods"
    BINDINGS = [
        Binding("r", "restock", "key.market_restock", id="market.restock"),
        Binding("b", "redeem", "key.market_redeem", id="market.redeem"),
        Binding("k", "pick_up", "key.market_pickup", id="market.pickup"),
        Binding("o", "redemptions", "key.market_redemptions", id="market.redemptions"),
    ]
    COLUMNS = list_columns("goods", "name", "price_points", "unit", Column("stock", "col.stock", 6), "note")

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        goods = _repo(self.app, "goods")
        with self.station_app.store.snapshot():
            total = goods.count_found(flt)
            records = goods.search_page(flt, limit=limit, offset=offset)
            self._stock = goods.stocks(str(r.id) for r in records)
        return [(str(r.id), self.cells(r)) for r in records], total

    def cell(self, record: Any, column: Column) -> Any:
        if column.key == "stock":
            return self._stock.get(str(record.id), 0)
        return super().cell(record, column)

    def action_restock(self) -> None:
        from station_tui.screens.points_dialogs import ActionDialog, Box

        goods_id = self.selected_id()
        if goods_id is None:
            self.notify(t("market.no_goods"), severity="warning")
            return
        goods = _repo(self.app, "goods")
        name = self.query_one(DataTable).get_row(goods_id)[0]

        def perform(values: dict[str, Any]) -> Any:
            typed = values["quantity"].replace("＋", "+").replace("－", "-")
            try:
                quantity = int(typed)
            except ValueError:
                raise ValueError(t("market.restock_bad", typed=values["quantity"])) from None
            if quantity == 0:
                raise ValueError(t("market.restock_bad", typed=values["quantity"]))
            return goods.restock(goods_id, quantity, reason=values["reason"] or None)

        self.app.push_screen(
            ActionDialog(
                t("market.restock_title", name=name),
                [Box("quantity", t("market.restock_label"), placeholder=t("market.restock_hint"), max_length=6),
                 Box("reason", t("points.reason_label"), placeholder=t("market.restock_reason"), max_length=200)],
                perform,
            ),
            self._after,
        )

    def action_redeem(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify(t("market.no_goods"), severity="warning")
            return
        chosen = self.selected_id()
        options = []
        for row in table.ordered_rows:
            name, price = table.get_row(row.key)[:2]
            options.append((t("market.goods_option", name=name, price=price), str(row.key.value)))
        options.sort(key=lambda option: option[1] != chosen)  # the selected item first

        def done(result: Any) -> None:
            show_code(self.app, result)
            self._after(result)

        self.app.push_screen(redeem_dialog(self.app, tuple(options)), done)

    def action_pick_up(self) -> None:
        self.app.push_screen(pickup_dialog(self.app), self._picked)

    def _picked(self, result: Any) -> None:
        if result is not None:
            from station_tui.domain.points import spoken_code

            self.notify(t("market.picked_up", code=spoken_code(result.pickup_code)))

    def action_redemptions(self) -> None:
        self.app.push_screen(RedemptionsScreen())

    def _after(self, result: Any) -> None:
        if result is not None:
            self.reload()


_STATES = ("", "待领取", "已领取", "已取消")


class RedemptionsScreen(PagedListScreen):
    """Redemptions, newest first: v cycles the state shown, k 核销, x cancels the one selected
    (a new one is made on the goods list, with b)."""

    MODE = "market"
    DEFAULT_CSS = """
    #filter-state { width: 22; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("k", "pick_up", "key.market_pickup", id="redemptions.pickup"),
        Binding("x", "cancel_redemption", "key.market_cancel", id="redemptions.cancel"),
        Binding("v", "next_state", "key.market_state", id="redemptions.state"),
        Binding("escape", "back", "key.back", id="redemptions.back"),
    ]
    COLUMNS = (
        Column("date", "col.date", 10),
        Column("code", "col.pickup_code", 7),
        Column("person", "col.person_name", 8),
        Column("goods", "col.goods", 12),
        Column("quantity", "col.quantity", 4),
        Column("points", "col.points", 5),
        Column("state", "col.state", 6),
    )

    def __init__(self) -> None:
        super().__init__()
        self.state = ""

    def compose_filters(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield TextInput(placeholder=t("filter.redemption_text"), id="filter-text", compact=True)
            yield Static(t("market.state_all"), id="filter-state", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A redemption is made with b on the goods list, settled with k or x; never edited.
        return action not in ("new", "edit", "delete")

    def current_filter(self) -> Any:
        self._filter_error = ""
        return (self.state or None, self.query_one("#filter-text", Input).value)

    def fetch(self, flt: Any, limit: int, offset: int) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
        from station_tui.domain.points import spoken_code

        state, text = flt
        redemptions = _repo(self.app, "redemptions")
        with self.station_app.store.snapshot():
            total = redemptions.count_lines(state, text)
            lines = redemptions.lines(state, text, limit=limit, offset=offset)
        return [
            (
                str(ln.redemption.id),
                (ln.redemption.date.isoformat(), spoken_code(ln.redemption.pickup_code), ln.person, ln.goods,
                 ln.redemption.quantity, ln.redemption.points, t("pickup." + ln.redemption.state)),
            )
            for ln in lines
        ], total

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        event.prevent_default()  # not the list's own Enter, which edits a record

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_state(self) -> None:
        self.state = _STATES[(_STATES.index(self.state) + 1) % len(_STATES)]
        shown = t("pickup." + self.state) if self.state else t("market.state_all")
        self.query_one("#filter-state", Static).update(shown)
        self.page = 0
        self.reload()

    def action_pick_up(self) -> None:
        self.app.push_screen(pickup_dialog(self.app), self._after)

    def action_cancel_redemption(self) -> None:
        from station_tui.screens.points_dialogs import ActionDialog, Box

        redemption_id = self.selected_id()
        if redemption_id is None:
            return
        redemptions = _repo(self.app, "redemptions")
        row = self.query_one(DataTable).get_row(redemption_id)

        def perform(values: dict[str, Any]) -> Any:
            return redemptions.cancel(redemption_id, values["reason"] or None)

        self.app.push_screen(
            ActionDialog(
                t("market.cancel_title"),
                [Box("reason", t("market.cancel_reason"), placeholder=t("points.reason_hint"), max_length=200)],
                perform,
                note=t("market.cancel_note", code=row[1], name=row[2], goods=row[3], points=row[5]),
            ),
            self._after,
        )

    def _after(self, result: Any) -> None:
        if result is not None:
            self.notify(t("points.saved"))
            self.reload()
