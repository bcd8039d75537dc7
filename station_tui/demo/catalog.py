"""What a village station in central Shanxi does over a year: its places, teams, lecture
topics and activities, with the seasons they belong to. Data only; the generator picks from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STATION = {
    "code": "140311101201",
    "name": "甄家庄社区新时代文明实践站",
    "township": "荫营镇",
    "county": "阳泉市郊区",
}

#: Months weighted by how busy a station is: spring and autumn campaigns, 3月 学雷锋月,
#: a dip in the summer harvest and around 春节.
MONTH_WEIGHTS: dict[int, float] = {
    1: 0.75, 2: 0.6, 3: 1.45, 4: 1.2, 5: 1.15, 6: 0.95,
    7: 0.75, 8: 0.8, 9: 1.15, 10: 1.2, 11: 1.05, 12: 0.9,
}


@dataclass(frozen=True)
class VenueSpec:
    key: str
    name: str
    address: str
    capacity: int
    facilities: str = ""
    open_hours: str = ""


_DAYTIME = "每天 8:30–11:30、14:30–17:30"
VENUES: tuple[VenueSpec, ...] = (
    VenueSpec(
        "room", "新时代文明实践站活动室", "甄家庄社区党群服务中心二楼", 60,
        "音响、投影仪、桌椅 60 套、宣传栏", _DAYTIME,
    ),
    VenueSpec(
        "square", "村文化广场", "甄家庄社区戏台前", 400,
        "戏台、音响、健身器材、路灯", "全天开放",
    ),
    VenueSpec(
        "library", "农家书屋", "甄家庄社区党群服务中心一楼", 25,
        "图书 3000 余册、阅览桌、电脑 2 台", "周二至周日 9:00–17:00",
    ),
    VenueSpec(
        "hall", "党群服务中心多功能厅", "甄家庄社区党群服务中心一楼", 120,
        "LED 屏、音响、话筒、座椅 120 个", "有活动时开放",
    ),
    VenueSpec(
        "elderly", "老年日间照料中心", "甄家庄社区南街 8 号", 40,
        "休息床位、棋牌桌、血压计", _DAYTIME,
    ),
    VenueSpec(
        "clinic", "村卫生室", "甄家庄社区南街 2 号", 15,
        "诊疗室、候诊椅", "每天 8:00–18:00",
    ),
    VenueSpec(
        "school", "甄家庄小学", "甄家庄社区东街", 200,
        "教室、操场、多媒体", "周末及假期经学校同意开放",
    ),
    VenueSpec(
        "court", "村篮球场", "甄家庄社区文化广场东侧", 150,
        "篮球架 2 副、灯光", "全天开放",
    ),
)


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    category: str
    size: tuple[int, int]
    #: Skills its members tend to have.
    skills: tuple[str, ...]
    women: float = 0.5


#: Categories are the "10+N" defaults; 五老 and 巾帼 teams file under the nearest default.
TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("speakers", "百姓宣讲队", "科学理论宣讲", (6, 10), ("宣讲",)),
    TeamSpec("wulao", "五老宣讲队", "形势政策宣传", (5, 8), ("宣讲", "书法"), women=0.25),
    TeamSpec("women", "巾帼志愿服务队", "文明礼仪普及", (10, 18), ("厨艺", "剪纸", "心理疏导"), women=1.0),
    TeamSpec("arts", "文艺志愿服务队", "文体活动开展", (12, 24), ("广场舞", "晋剧", "文艺表演", "太极拳"), women=0.75),
    TeamSpec("law", "法律明白人服务队", "法治宣传教育", (4, 7), ("法律咨询",)),
    TeamSpec("farm", "农技服务队", "农业科技辅导", (5, 9), ("农业技术", "果树修剪", "养殖技术"), women=0.2),
    TeamSpec("health", "健康服务队", "健康生活指导", (4, 8), ("医疗护理", "心理疏导"), women=0.6),
    TeamSpec("green", "环境整治志愿服务队", "农村环境整治", (10, 20), ("驾驶",), women=0.4),
    TeamSpec("customs", "移风易俗志愿服务队", "主流价值宣教", (5, 9), ("宣讲", "书法"), women=0.4),
    TeamSpec("service", "便民服务队", "便民利民服务", (6, 12), ("理发", "电工", "家电维修", "计算机"), women=0.35),
)


@dataclass(frozen=True)
class Topic:
    text: str
    since: date = date(2000, 1, 1)
    until: date = date(2100, 1, 1)
    weight: float = 1.0

    def current(self, day: date) -> bool:
        return self.since <= day < self.until


#: Lecture topics, each only while it is the current line (nobody lectures on a plenum
#: before it meets).
TOPICS: tuple[Topic, ...] = (
    Topic("党的十八届六中全会精神", date(2016, 10, 28), date(2017, 10, 18)),
    Topic("“两学一做”学习教育", date(2016, 3, 1), date(2017, 12, 31)),
    Topic("党的十九大精神", date(2017, 10, 25), date(2022, 10, 16), 2.0),
    Topic("习近平新时代中国特色社会主义思想", date(2017, 10, 25), weight=2.0),
    Topic("党的十九届四中全会精神", date(2019, 11, 1), date(2020, 10, 26)),
    Topic("党的十九届五中全会精神", date(2020, 11, 1), date(2021, 11, 8)),
    Topic("党史学习教育", date(2021, 2, 20), date(2022, 1, 31), 2.0),
    Topic("党的十九届六中全会精神", date(2021, 11, 12), date(2022, 10, 16)),
    Topic("党的二十大精神", date(2022, 10, 23), weight=2.5),
    Topic("党的二十届二中全会精神", date(2023, 3, 1), date(2024, 7, 18)),
    Topic("党的二十届三中全会精神", date(2024, 7, 19), weight=2.5),
    Topic("党的二十届四中全会精神", date(2025, 10, 24), weight=2.5),
    Topic("学习贯彻习近平新时代中国特色社会主义思想主题教育", date(2023, 4, 1), date(2024, 1, 31)),
    Topic("党纪学习教育", date(2024, 4, 1), date(2024, 8, 1)),
    Topic("乡村振兴政策", date(2018, 2, 4), weight=2.0),
    Topic("脱贫攻坚政策", date(2015, 11, 29), date(2021, 2, 25)),
    Topic("巩固拓展脱贫攻坚成果同乡村振兴有效衔接", date(2021, 2, 25)),
    Topic("养老保险政策解读", weight=1.5),
    Topic("城乡居民医保政策解读", weight=1.5),
    Topic("防范电信诈骗", weight=1.5),
    Topic("移风易俗 树文明新风", weight=1.5),
    Topic("社会主义核心价值观"),
    Topic("民法典与百姓生活", date(2020, 5, 28)),
    Topic("耕地保护与高标准农田建设"),
    Topic("森林防火与秸秆禁烧"),
    Topic("安全生产与冬季防煤气中毒"),
    Topic("扫黑除恶专项斗争", date(2018, 1, 24), date(2021, 4, 1)),
    Topic("垃圾分类与人居环境整治", date(2019, 6, 1)),
    Topic("新冠肺炎疫情防控知识", date(2020, 1, 25), date(2023, 1, 8)),
    Topic("铸牢中华民族共同体意识", date(2021, 8, 28)),
    Topic("反邪教警示教育"),
    Topic("好家风好家训"),
    Topic("国家安全教育", weight=0.7),
)

@dataclass(frozen=True)
class LectureForm:
    """A lecture form and where and when it usually happens."""

    form: str
    venue: str | None
    place: str
    weight: float
    #: A broadcast or an online talk has no list of names, only a headcount.
    named: bool
    starts: tuple[str, ...]
    minutes: tuple[int, int]
    audience: tuple[int, int]


LECTURE_FORMS: tuple[LectureForm, ...] = (
    LectureForm("集中宣讲", "room", "", 3.0, True, ("09:00", "09:30", "14:30", "15:00"), (60, 120), (25, 60)),
    LectureForm("集中宣讲", "hall", "", 1.5, True, ("09:00", "14:30", "19:30"), (60, 120), (40, 110)),
    LectureForm("屋场会", None, "村民小组活动点", 1.5, True, ("10:00", "15:00", "19:00"), (50, 90), (12, 30)),
    LectureForm("院落会", None, "{surname}家院落", 1.5, True, ("10:00", "15:30", "19:00"), (40, 80), (10, 25)),
    LectureForm("田间课堂", None, "村东玉米地地头", 1.0, True, ("08:30", "09:00", "16:00"), (50, 90), (12, 30)),
    LectureForm("入户宣讲", None, "村民家中", 0.8, True, ("09:30", "15:00"), (30, 60), (4, 12)),
    LectureForm("大喇叭广播", None, "村广播站", 1.0, False, ("07:00", "12:00", "18:30"), (20, 40), (300, 900)),
    LectureForm("文艺宣讲", "square", "", 0.8, False, ("19:00", "19:30"), (60, 100), (80, 260)),
    LectureForm("线上宣讲", None, "甄家庄社区村民微信群", 0.5, False, ("20:00",), (30, 60), (60, 240)),
)


@dataclass(frozen=True)
class ActivitySpec:
    title: str
    platform: str
    team: str
    venue: str | None
    place: str = ""
    #: Length in minutes and the usual start times.
    minutes: tuple[int, int] = (60, 120)
    starts: tuple[str, ...] = ("09:00", "09:30", "14:30", "15:00")
    served: tuple[int, int] = (20, 60)
    #: How the roster is kept: "named" (everyone by name), "headcount" (a number only),
    #: "crowd" (volunteers by name, those served as a number: children, passers-by) or
    #: "either" (any of these, as different 专管员 keep it).
    roster: str = "either"
    volunteers: tuple[int, int] = (3, 8)
    months: tuple[int, ...] = ()
    weight: float = 1.0
    brand: str | None = None
    #: A day of the year it is always held on (学雷锋纪念日, 国家宪法日…), instead of a random day.
    on: tuple[int, int] | None = None


_EVENING = ("19:00", "19:30")
_MORNING = ("08:00", "08:30", "09:00")

ACTIVITIES: tuple[ActivitySpec, ...] = (
    # 理论宣讲 platform: practice activities that are not lectures themselves.
    ActivitySpec("红色电影放映", "理论宣讲", "wulao", "square", minutes=(100, 130), starts=_EVENING,
                 served=(60, 180), roster="headcount", weight=1.2),
    ActivitySpec("重温入党誓词主题党日", "理论宣讲", "speakers", "hall", served=(20, 45), roster="named",
                 months=(7,), weight=0.6),
    ActivitySpec("党史知识竞赛", "理论宣讲", "speakers", "hall", served=(30, 80), weight=0.6),
    ActivitySpec("“理论直通车”进村入户", "理论宣讲", "speakers", None, place="各村民小组", served=(30, 80),
                 roster="named", brand="理论直通车", weight=0.8),
    ActivitySpec("清明祭英烈", "理论宣讲", "wulao", None, place="村烈士纪念碑", served=(40, 120), months=(4,),
                 weight=1.5),
    ActivitySpec("国家宪法日宣传", "理论宣讲", "law", "square", served=(40, 100), on=(12, 4)),
    # 教育服务
    ActivitySpec("四点半课堂", "教育服务", "women", "library", minutes=(60, 90), starts=("16:30",), served=(10, 30),
                 roster="crowd", brand="四点半课堂", weight=1.5),
    ActivitySpec("老年人智能手机培训", "教育服务", "service", "room", served=(15, 35), roster="named"),
    ActivitySpec("家风家训分享会", "教育服务", "women", "room", served=(20, 50), roster="named", months=(5,)),
    ActivitySpec("农民夜校", "教育服务", "farm", "hall", minutes=(90, 120), starts=_EVENING, served=(25, 60),
                 roster="named", months=(1, 2, 12)),
    ActivitySpec("义务理发", "教育服务", "service", "elderly", served=(15, 40), roster="named", weight=1.3),
    ActivitySpec("村庄环境清洁日", "教育服务", "green", None, place="村主街及各巷道", minutes=(120, 180),
                 starts=_MORNING, served=(50, 200), roster="named", volunteers=(10, 20), weight=1.5),
    ActivitySpec("学雷锋志愿服务", "教育服务", "women", None, place="村内各巷道", served=(30, 120), roster="named",
                 volunteers=(8, 18), months=(3,), weight=3.0),
    ActivitySpec("学雷锋纪念日志愿服务", "教育服务", "women", "square", served=(60, 150), roster="named",
                 volunteers=(15, 30), on=(3, 5)),
    ActivitySpec("暑期托管", "教育服务", "women", "school", minutes=(120, 180), served=(20, 45), roster="crowd",
                 months=(7, 8), weight=2.0),
    ActivitySpec("重阳节敬老孝老", "教育服务", "women", "elderly", served=(40, 90), months=(10,), weight=2.0),
    ActivitySpec("垃圾分类入户宣传", "教育服务", "green", None, place="村民家中", served=(40, 120)),
    # 文化服务
    ActivitySpec("广场舞展演", "文化服务", "arts", "square", minutes=(60, 120), starts=_EVENING, served=(80, 300),
                 roster="headcount", volunteers=(8, 20), weight=1.5),
    ActivitySpec("晋剧票友演唱会", "文化服务", "arts", "square", minutes=(120, 150), starts=("14:00", "19:00"),
                 served=(100, 300), roster="headcount"),
    ActivitySpec("农家书屋读书分享会", "文化服务", "customs", "library", served=(12, 25), roster="named"),
    ActivitySpec("春节写春联送福字", "文化服务", "customs", "hall", served=(60, 150), months=(1, 2), weight=2.5),
    ActivitySpec("元宵节闹红火", "文化服务", "arts", "square", minutes=(120, 180), served=(200, 600),
                 roster="headcount", volunteers=(12, 25), months=(2,), weight=1.5),
    ActivitySpec("端午节包粽子", "文化服务", "women", "room", served=(30, 60), months=(6,), weight=2.0),
    ActivitySpec("中秋诗会", "文化服务", "customs", "square", starts=_EVENING, served=(50, 150), months=(9,),
                 weight=1.5),
    ActivitySpec("剪纸技艺培训", "文化服务", "women", "room", served=(12, 30), roster="named"),
    # 科技与科普服务
    ActivitySpec("非洲猪瘟防控科普讲座", "科技与科普服务", "farm", "hall", served=(20, 50), roster="named"),
    ActivitySpec("玉米病虫害防治农技培训", "科技与科普服务", "farm", None, place="村东玉米地", served=(20, 50),
                 roster="named", months=(5, 6, 7), weight=1.5, brand="田间课堂"),
    ActivitySpec("果树修剪技术培训", "科技与科普服务", "farm", None, place="村北果园", served=(15, 40), roster="named",
                 months=(2, 3, 11)),
    ActivitySpec("防范电信诈骗宣传", "科技与科普服务", "law", "square", served=(40, 150), weight=1.3),
    ActivitySpec("义诊进村", "科技与科普服务", "health", "clinic", minutes=(120, 180), starts=_MORNING,
                 served=(40, 100), roster="named", weight=1.3),
    ActivitySpec("安全用电科普", "科技与科普服务", "service", "room", served=(20, 50)),
    ActivitySpec("防溺水安全教育", "科技与科普服务", "health", "school", served=(60, 180), months=(6, 7), weight=1.5),
    ActivitySpec("科普大篷车进村", "科技与科普服务", "health", "square", served=(80, 200), roster="headcount",
                 months=(5, 9)),
    ActivitySpec("冬季防煤气中毒入户宣传", "科技与科普服务", "green", None, place="村民家中", served=(40, 120),
                 months=(11, 12, 1), weight=1.5),
    # 健身体育服务
    ActivitySpec("健步走活动", "健身体育服务", "arts", None, place="环村路", starts=_MORNING, served=(40, 120),
                 roster="headcount"),
    ActivitySpec("太极拳培训", "健身体育服务", "arts", "square", starts=("07:00", "07:30", "19:00"), served=(15, 35),
                 roster="named"),
    ActivitySpec("村级篮球友谊赛", "健身体育服务", "arts", "court", minutes=(90, 150), served=(60, 200),
                 roster="headcount", months=(5, 8, 10)),
    ActivitySpec("全民健身日广场活动", "健身体育服务", "arts", "square", served=(80, 250), roster="headcount",
                 on=(8, 8)),
    ActivitySpec("拔河比赛", "健身体育服务", "arts", "court", served=(60, 150), months=(1, 2, 10)),
    ActivitySpec("乒乓球友谊赛", "健身体育服务", "arts", "room", served=(16, 40), roster="named"),
)

#: Words for summaries, by platform.
OUTCOMES: dict[str, tuple[str, ...]] = {
    "理论宣讲": ("进一步坚定了群众听党话、跟党走的信心", "群众纷纷表示受教育、有收获"),
    "教育服务": ("受到群众一致好评", "群众满意度高，纷纷点赞", "营造了向上向善的文明风尚"),
    "文化服务": ("丰富了群众的精神文化生活", "现场气氛热烈，笑声不断"),
    "科技与科普服务": ("群众现场提问踊跃，志愿者逐一解答", "提高了群众的科学素养和安全意识"),
    "健身体育服务": ("带动更多群众参与全民健身", "增强了群众体质，凝聚了邻里感情"),
}


#: 补录 in the hours ledger: (服务内容, 原因).
LATE_ENTRIES: tuple[tuple[str, str], ...] = (
    ("防汛巡堤值守", "纸质签到表漏录"),
    ("森林防火巡护", "当天未带签到表，事后补录"),
    ("敬老院慰问打扫", "纸质签到表漏录"),
    ("春运返乡人员登记", "县里统一组织，村里未建活动"),
    ("人口普查入户协助", "县里统一组织，村里未建活动"),
    ("雪后清扫村道", "临时组织，事后补录"),
)
#: Why a 补录 was voided.
VOID_REASONS: tuple[str, ...] = ("与签到记录重复", "记错了人", "时长填错，已重新补录")
