"""What a village cadre reads when a form, an import row or a CLI argument is wrong.

Every assertion is on the text ``explain()``/``explain_text()`` produce, because that
text is all the user sees.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from station_tui.domain import (
    Activity,
    Attendance,
    FieldProblem,
    Lecture,
    Person,
    Station,
    Team,
    Venue,
    explain,
    explain_text,
)
from station_tui.domain.vocab import LECTURE_FORMS, PLATFORMS

TODAY = date(2026, 11, 22)
CTX = {"today": TODAY}
CJK = re.compile(r"[\u3400-\u9fff]")
#: pydantic's own English phrases; none may reach a user.
ENGLISH = re.compile(r"Input should|Field required|String should|valid |Value error|unable to| or ", re.I)


def problems(model: type[BaseModel], data: dict[str, Any], context: dict[str, Any] | None = None) -> list[FieldProblem]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context=CTX if context is None else context)
    return explain(info.value)


def text(model: type[BaseModel], data: dict[str, Any], context: dict[str, Any] | None = None) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context=CTX if context is None else context)
    return explain_text(info.value)


def lecture(**over: Any) -> dict[str, Any]:
    return {"date": "2026-11-20", "topic": "学习党的二十届四中全会精神", **over}


def activity(**over: Any) -> dict[str, Any]:
    return {"date": "2026-11-20", "title": "广场舞晚会", "platform": "文化服务", **over}


def person(**over: Any) -> dict[str, Any]:
    return {"name": "张三", **over}


def station(**over: Any) -> dict[str, Any]:
    return {
        "code": "140311101201",
        "name": "甄家庄社区新时代文明实践站",
        "township": "府西街道",
        "county": "杏花岭区",
        **over,
    }


def assert_plain_chinese(message: str) -> None:
    assert CJK.search(message), message
    assert not ENGLISH.search(message), f"English leaked to the user: {message}"


# -- the messages issue 2 lists ---------------------------------------------------------------


def test_future_date_names_the_date_and_today() -> None:
    assert text(Lecture, lecture(date="2026-11-23")) == (
        "日期 2026-11-23 晚于今天（2026-11-22），只能记录已经开展的活动"
    )
    assert [p.field for p in problems(Activity, activity(date="2027-01-01"))] == ["date"]


def test_today_itself_is_allowed() -> None:
    assert Lecture.model_validate(lecture(date="2026-11-22"), context=CTX).date == TODAY


def test_end_before_start_and_end_equal_to_start() -> None:
    msg = text(Lecture, lecture(start_time="10:00", end_time="09:30"))
    assert msg == "结束时间 09:30 不能早于或等于开始时间 10:00"
    assert text(Activity, activity(start_time="19:00", end_time="19:00")) == (
        "结束时间 19:00 不能早于或等于开始时间 19:00"
    )
    (p,) = problems(Lecture, lecture(start_time="10:00", end_time="09:30"))
    assert (p.field, p.label) == ("end_time", "结束时间")


@pytest.mark.parametrize(
    ("model", "data", "field", "message"),
    [
        (Lecture, lecture(audience=-1), "audience", "受众人数不能为负数"),
        (Activity, activity(served=-5), "served", "服务人次不能为负数"),
        (Activity, activity(volunteer_count=-2), "volunteer_count", "志愿者人数不能为负数"),
    ],
)
def test_negative_counts(model: type[BaseModel], data: dict[str, Any], field: str, message: str) -> None:
    (p,) = problems(model, data)
    assert p.field == field
    assert str(p) == message


def test_negative_headcount_on_attendance() -> None:
    assert text(Attendance, {"event_kind": "lecture", "event_id": "e", "headcount": -3}) == "人数不能为负数"


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (Lecture, lecture(audience=200000), "受众人数 200000 不合常理（超过 20000），请核对是否多打了数字"),
        (Activity, activity(served=999999), "服务人次 999999 不合常理（超过 20000），请核对是否多打了数字"),
        (Activity, activity(volunteer_count=5000), "志愿者人数 5000 不合常理（超过 2000），请核对是否多打了数字"),
        (
            Attendance,
            {"event_kind": "activity", "event_id": "e", "headcount": 30000},
            "人数 30000 不合常理（超过 20000），请核对是否多打了数字",
        ),
        (
            Venue,
            {"name": "村委会议室", "capacity": 10**30},
            f"容纳人数 {10**30} 不合常理（超过 20000），请核对是否多打了数字",
        ),
    ],
)
def test_absurd_counts(model: type[BaseModel], data: dict[str, Any], message: str) -> None:
    assert text(model, data) == message


def test_the_limit_itself_is_accepted() -> None:
    assert Lecture.model_validate(lecture(audience=20000), context=CTX).audience == 20000


@pytest.mark.parametrize("phone", ["12345678901", "10012345678", "11912345678"])
def test_eleven_digits_that_are_not_a_mobile(phone: str) -> None:
    (p,) = problems(Person, person(phone=phone))
    assert p.label == "手机号"
    assert p.message == f"手机号“{phone}”不是有效的手机号（应以 13–19 开头）"


@pytest.mark.parametrize("phone", ["123", "1381234567", "138123456789", "abc"])
def test_phone_of_wrong_shape(phone: str) -> None:
    assert text(Person, person(phone=phone)) == f"手机号“{phone}”不对，应为 11 位手机号或带区号的座机号"


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "0351-1234567", "03511234567"])
def test_mobiles_and_landlines_are_accepted(phone: str) -> None:
    stored = Person.model_validate(person(phone=phone), context=CTX).phone
    assert stored is not None and " " not in stored


@pytest.mark.parametrize("code", ["1403111012", "1403111012011", "14031110120A", "", "١٤٠٣١١١٠١٢٠١"])
def test_station_code_not_twelve_digits(code: str) -> None:
    (p,) = problems(Station, station(code=code))
    assert p.field == "code"
    assert str(p) == f"区划代码应为 12 位数字（统计用区划代码），“{code}”不是"


def test_full_width_digits_from_a_chinese_ime_are_stored_as_ascii() -> None:
    assert Station.model_validate(station(code="１４０３１１１０１２０１")).code == "140311101201"
    assert Person.model_validate(person(phone="１３８１２３４５６７８"), context=CTX).phone == "13812345678"
    assert (
        text(Person, person(phone="１２３４５６７８９０１")) == "手机号“12345678901”不是有效的手机号（应以 13–19 开头）"
    )


def test_station_code_missing_is_explained_too() -> None:
    assert "区划代码应为 12 位数字" in text(Station, station(code=None))


EVENT_9_TO_10 = Lecture.model_validate(lecture(start_time="09:00", end_time="10:00"), context=CTX)


def named(**over: Any) -> dict[str, Any]:
    return {"event_kind": "lecture", "event_id": "e", "person_id": "p", "role": "志愿者", **over}


def test_credited_hours_longer_than_the_activity() -> None:
    assert text(Attendance, named(credited_tenths=11), {"event": EVENT_9_TO_10}) == (
        "服务时长 1.1 小时超过了活动本身的时长（1.0 小时）"
    )


def test_credited_hours_equal_to_the_activity_are_fine() -> None:
    att = Attendance.model_validate(named(credited_tenths=10), context={"event": EVENT_9_TO_10})
    assert att.credited_tenths == 10


def test_credited_hours_without_event_times_are_bounded_by_a_day() -> None:
    assert text(Attendance, named(credited_tenths=241), {}) == "服务时长 24.1 小时超过了一天，请核对"
    assert Attendance.model_validate(named(credited_tenths=240)).credited_tenths == 240


def test_activity_volunteer_hours_longer_than_count_times_length() -> None:
    data = activity(start_time="09:00", end_time="10:00", volunteer_count=2, volunteer_tenths=21)
    assert text(Activity, data) == "志愿服务时长 2.1 小时超过了活动本身的时长（2 人 × 1.0 小时）"
    ok = Activity.model_validate({**data, "volunteer_tenths": 20}, context=CTX)
    assert ok.volunteer_tenths == 20


def test_activity_hours_without_volunteers() -> None:
    assert text(Activity, activity(volunteer_tenths=10)) == "志愿服务时长：填写了志愿服务时长，但志愿者人数为 0"


def test_activity_hours_without_times_are_bounded_by_a_day_per_volunteer() -> None:
    assert text(Activity, activity(volunteer_count=1, volunteer_tenths=10**30)).endswith(
        "小时不合常理（1 人一天最多 24 小时），请核对"
    )


def test_sign_out_before_sign_in() -> None:
    assert text(Attendance, named(sign_in="10:00", sign_out="09:00")) == "签退时间 09:00 不能早于签到时间 10:00"


def test_attendance_is_a_person_or_a_headcount() -> None:
    both = {"event_kind": "lecture", "event_id": "e", "person_id": "p", "role": "群众", "headcount": 3}
    assert text(Attendance, both) == "每条签到要么是一个具体的人，要么是一个人数"
    assert text(Attendance, {"event_kind": "lecture", "event_id": "e"}) == "每条签到要么是一个具体的人，要么是一个人数"
    assert text(Attendance, named(role=None)) == "请选择角色：宣讲员、志愿者或群众"
    assert text(Attendance, {"event_kind": "lecture", "event_id": "e", "headcount": 5, "credited_tenths": 10}) == (
        "人数记录不能填写服务时长"
    )


# -- more of the domain's own rules ------------------------------------------------------------


def _id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def test_id_number_checksum() -> None:
    good = _id_number("14031119900307123")
    assert Person.model_validate(person(id_number=good.lower()), context=CTX).id_number == good.upper()
    wrong_last = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert text(Person, person(id_number=wrong_last)) == "身份证号校验位不对，请核对是否输错"


@pytest.mark.parametrize("number", ["1403111990030712", "14031119900307123Y", "abc"])
def test_id_number_shape(number: str) -> None:
    assert text(Person, person(id_number=number)) == "身份证号应为 18 位（最后一位可以是 X）"


@pytest.mark.parametrize("platform", ["文艺服务", "理论宣讲 ", "Culture"])
def test_platform_not_one_of_the_five(platform: str) -> None:
    (p,) = problems(Activity, activity(platform=platform))
    assert p.label == "平台"
    assert p.message == f"平台“{platform}”不对，只能是五大平台之一：{'、'.join(PLATFORMS)}"


@pytest.mark.parametrize("platform", ["", None])
def test_a_missing_platform_is_called_missing_not_wrong(platform: str | None) -> None:
    (p,) = problems(Activity, activity(platform=platform))
    assert p.label == "平台"
    assert p.message == f"平台没有填写，应为五大平台之一：{'、'.join(PLATFORMS)}"


def test_every_platform_is_accepted() -> None:
    for platform in PLATFORMS:
        assert Activity.model_validate(activity(platform=platform), context=CTX).platform == platform


def test_lecture_form_not_in_the_list() -> None:
    assert text(Lecture, lecture(form="讲座")) == f"形式“讲座”不是可选的形式：{'、'.join(LECTURE_FORMS)}"
    assert Lecture.model_validate(lecture(form=" "), context=CTX).form is None


def test_volunteer_number_without_volunteer_flag() -> None:
    assert text(Person, person(volunteer_no="SX2024001", is_volunteer=False)) == (
        "志愿者编号：填写了志愿者编号，但“是否志愿者”为否"
    )
    assert text(Person, person(volunteer_no="SX2024001")) == "志愿者编号：填写了志愿者编号，但“是否志愿者”为否"
    ok = Person.model_validate(person(volunteer_no="SX2024001", is_volunteer=True), context=CTX)
    assert ok.volunteer_no == "SX2024001"


def test_birth_year_and_name() -> None:
    assert text(Person, person(birth_year=1850)) == "出生年份 1850 不对，应在 1900 到 2026 之间"
    assert text(Person, person(birth_year=2027)) == "出生年份 2027 不对，应在 1900 到 2026 之间"
    assert text(Person, person(name="张3")) == "姓名“张3”里有数字，请检查是否填错了列"


def test_team_category_outside_the_configured_list() -> None:
    assert text(Team, {"name": "百姓宣讲队", "category": "百姓宣讲"}) == (
        "队伍类别“百姓宣讲”不在类别列表中（可在设置里添加本地类别）"
    )
    local = Team.model_validate(
        {"name": "百姓宣讲队", "category": "百姓宣讲"}, context={"team_categories": ["百姓宣讲"]}
    )
    assert local.category == "百姓宣讲"


def test_very_old_date() -> None:
    assert text(Lecture, lecture(date="1999-12-31")) == "日期 1999-12-31 太早了，请核对年份"


# -- pydantic's built-in errors come out in Chinese --------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "expected"),
    [
        (Lecture, lecture(audience="abc"), "受众人数：请填写整数"),
        (Lecture, lecture(audience="12.5"), "受众人数：请填写整数"),
        (Lecture, lecture(audience=12.5), "受众人数：请填写整数，不要带小数"),
        (Lecture, lecture(audience="9" * 40), None),
        (Lecture, lecture(date="2026-13-45"), "日期格式应为 2024-03-15"),
        (Lecture, lecture(date="上周三"), "日期格式应为 2024-03-15"),
        (Lecture, lecture(date="2026/11/20"), "日期格式应为 2024-03-15"),
        (Lecture, lecture(start_time="25:00"), "开始时间：时间格式应为 08:30"),
        (Lecture, lecture(start_time="九点"), "开始时间：时间格式应为 08:30"),
        (Lecture, {"date": "2026-11-20"}, "主题：必须填写"),
        (Lecture, lecture(topic=""), "主题：不能为空"),
        (Lecture, lecture(topic="长" * 3000), "主题：太长了：最多 200 个字（现在 3000 个）"),
        (Lecture, lecture(topic=5), "主题：请填写文字"),
        (Person, person(gender="未知"), "性别：只能是 男、女"),
        (Person, person(is_volunteer="也许"), "是否志愿者：请填写“是”或“否”"),
        (Person, person(birth_year="八零年"), "出生年份：请填写整数"),
        (Person, person(skills=5), "服务技能：格式不对"),
        (Station, station(name=""), "站点名称：不能为空"),
        (Activity, activity(served="很多"), "服务人次：请填写整数"),
        (Activity, {"date": "2026-11-20", "title": "义诊"}, "平台：必须填写"),
    ],
)
def test_builtin_errors_are_plain_chinese(model: type[BaseModel], data: dict[str, Any], expected: str | None) -> None:
    message = text(model, data)
    assert_plain_chinese(message)
    if expected is not None:
        assert message.startswith(expected), message


def test_unknown_pydantic_errors_fall_back_to_chinese() -> None:
    class Odd(BaseModel):
        ratio: float
        when: time

    with pytest.raises(ValidationError) as info:
        Odd.model_validate({"ratio": "x", "when": None})
    for p in explain(info.value):
        assert_plain_chinese(p.message)


# -- every problem at once ---------------------------------------------------------------------


def test_bad_audience_and_reversed_times_are_reported_together() -> None:
    found = problems(Lecture, lecture(audience="abc", start_time="10:00", end_time="09:00"))
    assert {p.field: str(p) for p in found} == {
        "end_time": "结束时间 09:00 不能早于或等于开始时间 10:00",
        "audience": "受众人数：请填写整数",
    }


def test_many_field_problems_on_one_activity() -> None:
    found = problems(
        Activity,
        activity(date="2027-01-01", platform="文艺", served=-1, start_time="18:00", end_time="17:00"),
    )
    assert [p.field for p in found] == ["date", "end_time", "platform", "served"]
    joined = "；".join(str(p) for p in found)
    assert joined.count("；") == 3
    assert_plain_chinese(joined)


def test_volunteer_number_problem_is_reported_with_a_bad_name() -> None:
    found = problems(Person, person(name="张3", volunteer_no="SX1", is_volunteer=False))
    assert [p.field for p in found] == ["name", "volunteer_no"]


def test_hours_longer_than_the_activity_are_reported_with_a_bad_count() -> None:
    data = activity(served=-1, start_time="09:00", end_time="10:00", volunteer_count=1, volunteer_tenths=30)
    found = problems(Activity, data)
    assert [str(p) for p in found] == [
        "服务人次不能为负数",
        "志愿服务时长 3.0 小时超过了活动本身的时长（1 人 × 1.0 小时）",
    ]


def test_hours_are_not_compared_with_a_volunteer_count_that_is_itself_wrong() -> None:
    found = problems(Activity, activity(volunteer_count="三", volunteer_tenths=30))
    assert [p.field for p in found] == ["volunteer_count"]


def test_reversed_sign_out_with_another_bad_field() -> None:
    found = problems(Attendance, named(sign_in="10:00", sign_out="09:00", credited_tenths="一小时"))
    assert {p.field for p in found} == {"sign_out", "credited_tenths"}


def test_an_unparsable_start_does_not_hide_or_fake_the_order_check() -> None:
    found = problems(Lecture, lecture(start_time="abc", end_time="09:00"))
    assert [str(p) for p in found] == ["开始时间：时间格式应为 08:30"]
