"""The forms of a month's plan (月份, 主题, 备注) and of one planned item.

Kept apart from screens/plans.py because they import the models."""

from __future__ import annotations

from typing import Any

from station_tui.domain.models import Plan, PlanItem
from station_tui.widgets.form import Field, RecordForm, form_fields


class PlanForm(RecordForm):
    MODEL = Plan
    TITLE_NEW = "plan.new"
    TITLE_EDIT = "plan.edit"
    FIELDS = form_fields(Plan, "month", "theme", "note")

    def __init__(self, record: Any = None, *, month: str = "") -> None:
        super().__init__(record)
        self.month = month

    def defaults(self) -> dict[str, Any]:
        return {"month": self.month}


class PlanItemForm(RecordForm):
    """A planned item of ``plan``: a day of its month, or a week (1–5); it may lie ahead."""

    MODEL = PlanItem
    TITLE_NEW = "plan_item.new"
    TITLE_EDIT = "plan_item.edit"
    FIELDS = form_fields(PlanItem, "date", "week", "title", "platform", "team_id", "note")

    def __init__(self, record: Any = None, *, plan: Any) -> None:
        super().__init__(record)
        self.plan = plan

    def defaults(self) -> dict[str, Any]:
        """A new item's day starts empty: a plan is made ahead, "today" is seldom its day."""
        return {}

    def context(self) -> dict[str, Any]:
        return {**super().context(), "plan_month": self.plan.month}

    def build(self, data: dict[str, Any]) -> Any:
        return super().build({**data, "plan_id": str(self.plan.id)})

    def lookup_options(self, field: Field) -> list[tuple[str, str]]:
        return [(team.name, str(team.id)) for team in self.app.store.teams.all()]  # type: ignore[attr-defined]
