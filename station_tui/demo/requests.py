"""Demo villager requests (微心愿): a believable year of them, in every state, each moved
through the same rules (and written with the same moves) as a request handled in the app."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from station_tui.domain.models import Person, Request
from station_tui.domain.request_flow import Move

if TYPE_CHECKING:
    import sqlite3

    from station_tui.domain.models import Team
    from station_tui.storage import Store

#: (心愿, 具体内容, 类别) as villagers put them.
WISHES: tuple[tuple[str, str, str], ...] = (
    ("修补漏雨的屋顶", "老房子东屋漏雨，下雨天要拿盆接，想请人帮忙修补。", "生活帮扶"),
    ("教用智能手机", "想学会用手机视频通话、看健康码和网上缴电费。", "技能培训"),
    ("讲讲养老保险政策", "想知道城乡居民养老保险怎么交、交多少、什么时候能领。", "政策咨询"),
    ("理发上门", "老伴卧床，出不了门，想请志愿者上门理发。", "生活帮扶"),
    ("量血压测血糖", "每月想有人帮忙量一次血压、测一次血糖。", "医疗健康"),
    ("清理房后垃圾", "房后堆了多年的杂物和垃圾，一个人清不动。", "环境整治"),
    ("孩子暑假作业辅导", "父母在外打工，孩子暑假作业没人辅导。", "技能培训"),
    ("咨询土地流转合同", "想把承包地流转出去，合同怎么签才不吃亏。", "法律服务"),
    ("组织广场舞培训", "村里大妈想学新的广场舞，希望请老师教。", "文体活动"),
    ("代买常用药", "腿脚不便，想请人每月去镇上代买降压药。", "医疗健康"),
    ("修理电动车", "电动三轮车充不进电，想请懂行的人看看。", "生活帮扶"),
    ("讲讲防电信诈骗", "最近接到好几个陌生电话，想听听怎么防骗。", "政策咨询"),
    ("帮写申请材料", "申请残疾人补贴，材料不会写。", "法律服务"),
    ("换院里的路灯", "院门口路灯坏了，晚上出门看不见。", "其他"),
)
_REJECT_REASONS = ("超出本站服务范围，已告知可向供电所报修", "涉及私人债务纠纷，建议通过司法途径解决")
_ESCALATE_REASONS = ("需要专业施工队伍，本站没有相应的志愿者", "涉及危房改造补贴，需乡镇审批")
_ANSWERS = ("乡镇答复：已列入本月危房排查，请站里先组织志愿者临时加固", "县里答复：政策已下发，请站里组织一次宣讲")
_COMMENTS = ("志愿者很耐心，谢谢！", "来得很及时。", "基本满意。", "希望以后常来。", "")
#: How the year's requests end up (weights), in the order of REQUEST_STATES.
_PATHS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((), 1.0),  # 待处理
    (("assign",), 1.0),  # 已派单
    (("assign", "accept"), 1.0),  # 已接单
    (("assign", "accept", "complete"), 1.5),  # 已完成
    (("assign", "accept", "complete", "rate"), 5.0),  # 已评价
    (("reject",), 0.6),  # 已拒绝
    (("withdraw",), 0.4),  # 已撤销
    (("escalate",), 0.8),  # 已上报
    (("escalate", "answer", "assign", "accept", "complete", "rate"), 0.5),  # answered, then served here
    (("escalate", "serve_above"), 0.5),  # served above
)


def write_requests(
    store: Store,
    conn: sqlite3.Connection,
    rng: random.Random,
    *,
    first: date,
    last: date,
    per_year: int,
    villagers: list[Person],
    volunteers: list[Person],
    teams: list[Team],
    recorder: str | None,
) -> int:
    """Write about ``per_year`` requests a year between ``first`` and ``last``; the first ten
    take every path once, so every state is there however few are made."""
    days = (last - first).days + 1
    total = max(len(_PATHS), per_year * days // 365)
    made = 0
    for n in range(total):
        path = _PATHS[n][0] if n < len(_PATHS) else rng.choices([p for p, _ in _PATHS], [w for _, w in _PATHS])[0]
        # Open requests are recent; the others spread over the whole period.
        open_ended = path in ((), ("assign",), ("assign", "accept"), ("escalate",))
        span = min(days, 40) if open_ended else days
        received = last - timedelta(days=rng.randrange(span))
        title, content, category = rng.choice(WISHES)
        who = rng.choice(villagers)
        request = Request.model_validate(
            {
                "received_on": received,
                "wish": title,
                "content": content,
                "requester": who.name,
                "phone": who.phone,
                "address": f"{rng.randint(1, 9)}组{rng.randint(1, 60)}号",
                "request_type": category,
                "channel": rng.choice(("当面", "电话", "入户询单", "网上")),
                "expected_on": received + timedelta(days=rng.choice((3, 7, 14))),
                "recorded_by": recorder,
            },
            context={"today": last + timedelta(days=1)},
        )
        stored = store.requests.add_at(conn, request, f"{received.isoformat()}T08:00:00")
        day = received
        for action in path:
            day = min(last, day + timedelta(days=rng.randint(0, 3)))
            move = _move(conn, rng, action, day, volunteers, teams)
            at = f"{day.isoformat()}T{rng.randint(9, 18):02d}:00:00"
            store.requests.move_in(conn, str(stored.id), move, by=recorder, at=at)
        made += 1
    return made


def _move(
    conn: sqlite3.Connection, rng: random.Random, action: str, day: date, volunteers: list[Person], teams: list[Team]
) -> Move:
    if action == "assign":
        if teams and (not volunteers or rng.random() < 0.5):
            return Move("assign", team_id=str(rng.choice(teams).id))
        return Move("assign", volunteer_id=str(rng.choice(volunteers).id))
    if action == "complete":
        found = conn.execute(
            "SELECT id FROM activities WHERE deleted = 0 AND date >= ? ORDER BY date LIMIT 1", (day.isoformat(),)
        ).fetchone()
        return Move("complete", activity_id=found[0] if found else None)
    if action == "rate":
        return Move("rate", rating=rng.choices((5, 4, 3, 2), (6, 3, 1, 0.3))[0], comment=rng.choice(_COMMENTS))
    if action == "reject":
        return Move("reject", note=rng.choice(_REJECT_REASONS))
    if action == "escalate":
        return Move("escalate", escalate_to=rng.choice(("乡镇", "县")), note=rng.choice(_ESCALATE_REASONS))
    if action == "answer":
        return Move("answer", note=rng.choice(_ANSWERS))
    if action == "withdraw":
        return Move("withdraw", note="点单人说家里人已经帮忙办好了")
    return Move(action)
