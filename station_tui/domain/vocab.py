"""Fixed vocabularies of the domain: the words users see, exactly as they see them."""

from __future__ import annotations

#: 五大平台 — every activity belongs to exactly one.
PLATFORMS: tuple[str, ...] = ("理论宣讲", "教育服务", "文化服务", "科技与科普服务", "健身体育服务")

#: Common lecture forms (形式). Free text is refused so that reports group cleanly.
LECTURE_FORMS: tuple[str, ...] = (
    "集中宣讲",
    "屋场会",
    "院落会",
    "田间课堂",
    "入户宣讲",
    "大喇叭广播",
    "文艺宣讲",
    "线上宣讲",
)

GENDERS: tuple[str, ...] = ("男", "女")

#: Roles a named attendee can have at a lecture or activity.
ROLES: tuple[str, ...] = ("宣讲员", "志愿者", "群众")

#: The "10+N" default team categories; stations add local ones in settings.
DEFAULT_TEAM_CATEGORIES: tuple[str, ...] = (
    "科学理论宣讲",
    "形势政策宣传",
    "主流价值宣教",
    "文体活动开展",
    "法治宣传教育",
    "农业科技辅导",
    "健康生活指导",
    "农村环境整治",
    "文明礼仪普及",
    "便民利民服务",
)


#: Beyond these a count is a typing mistake, not a village event.
MAX_HEADCOUNT = 20000
MAX_VOLUNTEERS = 2000

# -- villager requests (群众点单 → 派单 → 接单 → 评单) ----------------------------------------
#: The states a request (微心愿) passes through, in the order the list offers them.
REQUEST_STATES: tuple[str, ...] = ("待处理", "已派单", "已接单", "已完成", "已评价", "已拒绝", "已撤销", "已上报")
#: States in which the station still owes the villager something (the dashboard's 未办结).
OPEN_REQUEST_STATES: tuple[str, ...] = ("待处理", "已派单", "已接单", "已上报")
#: States in which a request has been served (the figures' 已办结).
SERVED_REQUEST_STATES: tuple[str, ...] = ("已完成", "已评价")
#: How a request reached the station.
REQUEST_CHANNELS: tuple[str, ...] = ("当面", "电话", "入户询单", "网上")
#: Where a request the station cannot serve is escalated to.
ESCALATION_TARGETS: tuple[str, ...] = ("乡镇", "县")
#: Default request categories; stations add or replace them in settings (request_categories).
DEFAULT_REQUEST_CATEGORIES: tuple[str, ...] = (
    "生活帮扶",
    "政策咨询",
    "技能培训",
    "文体活动",
    "医疗健康",
    "法律服务",
    "环境整治",
    "其他",
)
#: Days a request may stay open before it counts as overdue, unless its category sets its own.
DEFAULT_REQUEST_DEADLINE_DAYS = 7
