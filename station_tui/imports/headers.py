"""The header rows of the three import files: the one source the templates, the readers and
the docs share. Kept free of imports so that ``station template`` starts instantly."""

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
        "备注",
    ),
    "people": ("姓名", "性别", "出生年份", "手机号", "是否志愿者", "志愿者编号", "所属队伍", "备注"),
}

#: What each kind is called on screen.
KIND_NAMES: dict[str, str] = {"lectures": "宣讲", "activities": "活动", "people": "人员"}
