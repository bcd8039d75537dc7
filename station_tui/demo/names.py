"""Villagers for the demo: names, birth years, phones and ID numbers that look real.

Surname weights follow the national frequency ranking (王、李、张、刘、陈 first), tilted
towards the surnames of central Shanxi, with the village's own clan surname 甄 common as it
is in a village named after a family. Given names follow the fashion of the decade of birth.
"""

from __future__ import annotations

import random

#: (surname, weight ‰). National shares with a Shanxi tilt; 甄 is the village's clan name.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 30), ("杨", 31), ("赵", 30),
    ("郭", 26), ("甄", 40), ("黄", 10), ("周", 14), ("吴", 10), ("徐", 10), ("孙", 14),
    ("马", 13), ("朱", 9), ("胡", 11), ("高", 18), ("武", 16), ("韩", 14), ("贾", 14),
    ("梁", 12), ("白", 12), ("郝", 12), ("任", 11), ("乔", 9), ("吕", 8), ("程", 7),
    ("田", 8), ("范", 7), ("冯", 8), ("曹", 7), ("薛", 7), ("段", 6), ("宋", 7),
    ("史", 6), ("侯", 6), ("秦", 5), ("闫", 8), ("温", 5), ("康", 5), ("牛", 5),
    ("董", 6), ("常", 5), ("石", 5), ("许", 5), ("苏", 4), ("崔", 5), ("曾", 2),
    ("单", 2), ("申", 4), ("霍", 4), ("岳", 3), ("翟", 3), ("靳", 3), ("药", 1),
)

# Two-character given names by era of birth; some single-character names in each era.
_GIVEN: dict[str, dict[str, tuple[str, ...]]] = {
    "old": {  # born before 1960
        "男": ("建国", "国庆", "保国", "富贵", "福生", "根生", "满仓", "有才", "志刚", "德胜", "存旺",
              "玉明", "振华", "金锁", "二虎", "树林", "长林", "文明", "宝山", "春生", "秋生", "守业",
              "成", "明", "林", "忠"),
        "女": ("秀英", "桂兰", "玉兰", "淑珍", "凤英", "桂英", "秀兰", "玉梅", "翠花", "金花", "改莲",
              "玉珍", "二女", "兰英", "素珍", "冬梅", "月娥", "银花", "引弟", "巧云", "兰", "英", "珍"),
    },
    "mid": {  # 1960–1979
        "男": ("卫东", "红军", "建军", "建华", "志强", "海军", "永平", "跃进", "晓东", "国平", "新民",
              "建平", "俊峰", "卫兵", "学军", "利民", "爱国", "向阳", "小平", "拴柱", "军", "勇", "斌"),
        "女": ("红梅", "丽萍", "海燕", "秀芳", "建萍", "美玲", "晓红", "彩霞", "春燕", "爱萍", "小红",
              "玉霞", "丽娟", "卫红", "霞", "萍", "燕", "芳", "红英"),
    },
    "young": {  # 1980–1994
        "男": ("伟", "磊", "鹏", "涛", "超", "浩", "强", "俊杰", "晓峰", "鹏飞", "志伟", "建伟",
              "文博", "海涛", "宏伟", "亚军", "晓龙", "旭东", "鑫", "飞"),
        "女": ("静", "敏", "丽", "娜", "婷", "晓燕", "丽娜", "晓丽", "婷婷", "佳", "倩", "雪", "莉",
              "艳芳", "慧敏", "亚楠", "晓霞", "文静", "雅琴"),
    },
    "new": {  # 1995 and later
        "男": ("浩宇", "子轩", "宇航", "俊熙", "梓豪", "一鸣", "嘉豪", "博文", "子豪", "天佑", "思远",
              "皓轩", "宇", "昊", "泽", "轩", "晨阳", "家乐"),
        "女": ("欣怡", "梓涵", "雨桐", "诗涵", "子涵", "佳怡", "思雨", "梦瑶", "雨欣", "可欣", "一诺",
              "若曦", "悦", "欣", "妍", "涵", "佳琪", "紫萱"),
    },
}

#: Mobile number segments in use (移动、联通、电信、广电); all start 13–19.
PHONE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "192", "193", "195", "198", "199",
)

#: What volunteers can do; stored as the person's 服务技能.
SKILLS: tuple[str, ...] = (
    "宣讲", "理发", "电工", "家电维修", "医疗护理", "文艺表演", "广场舞", "书法", "摄影", "农业技术",
    "果树修剪", "养殖技术", "法律咨询", "驾驶", "厨艺", "计算机", "心理疏导", "剪纸", "晋剧", "太极拳",
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]


def _era(birth_year: int) -> str:
    if birth_year < 1960:
        return "old"
    if birth_year < 1980:
        return "mid"
    if birth_year < 1995:
        return "young"
    return "new"


def birth_year(rng: random.Random) -> int:
    """1940–2005, weighted as a village is: many older residents, fewer young ones (who work
    in the city)."""
    band = rng.choices(
        ((1940, 1949), (1950, 1959), (1960, 1969), (1970, 1979), (1980, 1989), (1990, 1999), (2000, 2005)),
        weights=(10, 20, 24, 19, 12, 9, 6),
    )[0]
    return rng.randint(*band)


def full_name(rng: random.Random, gender: str, born: int) -> str:
    surname = rng.choices(_SURNAME_LIST, weights=_SURNAME_WEIGHTS)[0]
    return surname + rng.choice(_GIVEN[_era(born)][gender])


def mobile(rng: random.Random, taken: set[str]) -> str:
    """A valid-looking 11-digit mobile number not given to anyone else in the village."""
    while True:
        number = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number


def id_number(rng: random.Random, region: str, born: int, gender: str) -> str:
    """An 18-digit 身份证号 with a correct check digit; the sequence's last digit is odd for men."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "男" else (0, 2, 4, 6, 8))
    body = f"{region[:6]}{born:04d}{month:02d}{day:02d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]
