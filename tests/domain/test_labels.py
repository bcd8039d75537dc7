"""The labels in validation messages come from the record kinds' declarations (each field's
``Meta`` label), not from a table of their own in errors.py."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from station_tui.domain import errors, explain, models
from station_tui.domain.kinds import KINDS
from tests.fresh_process import modules_left

#: The tables errors.py held before it derived them: every label in them must read the same.
LABELS_BEFORE = {
    "code": "区划代码", "name": "名称", "township": "乡镇（街道）", "county": "县（区）", "manager": "专管员",
    "gender": "性别", "birth_year": "出生年份", "phone": "手机号", "is_volunteer": "是否志愿者",
    "volunteer_no": "志愿者编号", "skills": "服务技能", "id_number": "身份证号", "category": "队伍类别",
    "date": "日期", "start_time": "开始时间", "end_time": "结束时间", "topic": "主题", "speaker": "宣讲人",
    "form": "形式", "place": "地点", "audience": "受众人数", "title": "名称", "platform": "平台",
    "served": "服务人次", "volunteer_count": "志愿者人数", "volunteer_tenths": "志愿服务时长", "role": "角色",
    "sign_in": "签到时间", "sign_out": "签退时间", "credited_tenths": "服务时长", "headcount": "人数",
    "person_id": "人员", "note": "备注", "summary": "内容摘要", "capacity": "容纳人数", "address": "地址",
}  # fmt: skip
MODEL_LABELS_BEFORE = {
    "Person": {"name": "姓名"},
    "Venue": {"name": "阵地名称"},
    "Team": {"name": "队伍名称"},
    "Station": {"name": "站点名称"},
}


def test_every_label_reads_as_before() -> None:
    field_labels, model_labels = errors.labels()
    assert {name: field_labels.get(name) for name in LABELS_BEFORE} == LABELS_BEFORE
    for model, own in MODEL_LABELS_BEFORE.items():
        assert {name: model_labels.get(model, {}).get(name) for name in own} == own
    # The module's names still answer, for whoever reads them.
    assert errors.FIELD_LABELS is field_labels and errors.MODEL_FIELD_LABELS is model_labels


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.table)
def test_each_declared_field_is_labelled_as_declared(kind) -> None:
    field_labels, model_labels = errors.labels()
    own = model_labels.get(kind.model.__name__, {})
    for name, spec in kind.fields.items():
        assert (own.get(name) or field_labels.get(name)) == spec.label, (kind.table, name)


def test_a_field_two_kinds_label_differently_is_each_kinds_own() -> None:
    # An activity's team_id is its 组织队伍, a membership's just the 队伍.
    field_labels, model_labels = errors.labels()
    assert "team_id" not in field_labels
    assert model_labels["Activity"]["team_id"] == "组织队伍"
    assert model_labels["TeamMember"]["team_id"] == "队伍"


def test_a_name_on_a_model_no_kind_declares_is_still_名称() -> None:
    class Other(BaseModel):
        name: str = Field(min_length=1)
        note: str | None = Field(default=None, max_length=3)

    with pytest.raises(ValidationError) as caught:
        Other.model_validate({"name": "", "note": "太长的备注"})
    assert [str(p) for p in explain(caught.value)] == ["名称：不能为空", "备注：太长了：最多 3 个字（现在 5 个）"]


def test_a_person_is_still_named_by_姓名() -> None:
    with pytest.raises(ValidationError) as caught:
        models.Person.model_validate({"name": ""})
    assert [str(p) for p in explain(caught.value)] == ["姓名：不能为空"]


def test_errors_reads_the_declarations_only_when_asked() -> None:
    # models import errors: errors importing the kinds (and so the models) at once would be a cycle.
    loaded = modules_left("import station_tui.domain.errors", ("station_tui.domain.models", "station_tui.domain.kinds"))
    assert loaded == []
