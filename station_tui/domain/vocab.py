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
