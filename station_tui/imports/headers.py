"""The header rows of the import files, written out: ``station template`` and the command
line's parser (which the app's start-up builds too) read them without importing pydantic.

They are the record kinds' declared import headers (``domain/kinds.py`` ``import_columns``,
each field's ``Meta`` label), copied here because deriving them means loading the models:
about 0.3–0.8 s against 0.05 s for ``station template``. tests/imports/test_import_kinds.py
holds the two equal, and ``imports/kinds.py`` checks it again when an import starts. After
changing a kind's import columns or a label they carry, change HEADERS (and KIND_NAMES for a
new kind) to match."""

from __future__ import annotations

#: Kinds of import file and their exact Chinese headers, in column order.
HEADERS: dict[str, tuple[str, ...]] = {
    "lectures": ("日期", "开始时间", "结束时间", "主题", "宣讲人", "形式", "地点", "受众人数", "备注"),
    "activities": (
        "日期",
        "开始时间",
        "结束时间",
        "名称",
        "平台",
        "地点",
        "服务人次",
        "志愿者人数",
        "志愿服务时长",
        "品牌项目",
        "备注",
    ),
    "people": ("姓名", "性别", "出生年份", "手机号", "是否志愿者", "志愿者编号", "所属队伍", "备注"),
    "plan_items": ("月份", "主题", "日期", "第几周", "名称", "平台", "备注"),
    "requests": (
        "点单日期",
        "心愿",
        "具体内容",
        "点单人",
        "手机号",
        "地址",
        "点单类别",
        "渠道",
        "期望日期",
        "登记人",
        "备注",
    ),
}

#: What each kind is called on screen (the app's 宣讲/活动/人员), in import messages.
KIND_NAMES: dict[str, str] = {
    "lectures": "宣讲", "activities": "活动", "people": "人员", "plan_items": "活动计划", "requests": "群众点单",
}
