"""Plain-Chinese explanations of validation failures, for forms, imports and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

#: Labels of fields that no record kind declares with this label: a field called ``name`` on a
#: model outside ``domain/kinds.py`` is its 名称 (every record kind names its own ``name``).
_UNDECLARED_LABELS: dict[str, str] = {"name": "名称"}


@cache
def labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Field names as the user knows them, read from the record kinds' declarations (each
    field's ``Meta`` label): ``(FIELD_LABELS, MODEL_FIELD_LABELS)``.

    ``FIELD_LABELS`` holds a field's label where every kind that declares the field agrees on
    it; ``MODEL_FIELD_LABELS`` holds, per model, the labels that differ (a person's ``name``
    is 姓名, a venue's 阵地名称). Built on first use: the models import this module, so it
    reads the declarations only once they exist.
    """
    from station_tui.domain.kinds import KINDS

    declared: dict[str, set[str]] = {}
    for kind in KINDS:
        for name, spec in kind.fields.items():
            declared.setdefault(name, set()).add(spec.label)
    field_labels = {name: next(iter(found)) for name, found in declared.items() if len(found) == 1}
    field_labels.update(_UNDECLARED_LABELS)
    model_labels: dict[str, dict[str, str]] = {}
    for kind in KINDS:
        own = {name: spec.label for name, spec in kind.fields.items() if field_labels.get(name) != spec.label}
        if own:
            model_labels[kind.model.__name__] = own
    return field_labels, model_labels


def __getattr__(name: str) -> Any:
    # FIELD_LABELS and MODEL_FIELD_LABELS, derived when first asked for (see ``labels``).
    if name == "FIELD_LABELS":
        return labels()[0]
    if name == "MODEL_FIELD_LABELS":
        return labels()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: pydantic's own error types, said plainly.
_BUILTIN_MESSAGES: dict[str, str] = {
    "missing": "必须填写",
    "string_too_short": "不能为空",
    "string_too_long": "太长了，请精简",
    "int_parsing": "请填写整数",
    "int_type": "请填写整数",
    "int_from_float": "请填写整数，不要带小数",
    "bool_parsing": "请填写“是”或“否”",
    "bool_type": "请填写“是”或“否”",
    "date_parsing": "日期格式应为 2024-03-15",
    "date_from_datetime_parsing": "日期格式应为 2024-03-15",
    "date_type": "日期格式应为 2024-03-15",
    "date_from_datetime_inexact": "日期不应带时间",
    "time_parsing": "时间格式应为 08:30",
    "time_type": "时间格式应为 08:30",
    "literal_error": "不是可选的值",
    "greater_than_equal": "不能为负数",
    "string_type": "请填写文字",
    "list_type": "格式不对",
    "int_parsing_size": "数字太大了，请核对",
    "float_parsing": "请填写数字",
    "float_type": "请填写数字",
    "decimal_parsing": "请填写数字",
    "greater_than": "必须大于 0",
    "less_than_equal": "数字太大了，请核对",
    "less_than": "数字太大了，请核对",
    "too_short": "不能为空",
    "too_long": "太多了，请精简",
    "datetime_parsing": "时间格式应为 2024-03-15 08:30",
    "datetime_type": "时间格式应为 2024-03-15 08:30",
    "datetime_from_date_parsing": "时间格式应为 2024-03-15 08:30",
    "time_delta_parsing": "时长格式不对",
    "string_pattern_mismatch": "格式不对",
    "dict_type": "格式不对",
    "model_type": "格式不对",
    "extra_forbidden": "多余的内容",
}

#: Said when pydantic reports something in English that the table above does not know.
_FALLBACK_MESSAGE = "填写的内容格式不对，请核对"
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    label: str
    message: str
    #: The rule that failed (pydantic's error type or our own code, e.g. ``end_before_start``),
    #: so that callers can place a whole-record problem next to the column it is about.
    code: str = dataclass_field(default="", compare=False)

    def __str__(self) -> str:
        # "受众人数不能为负数" already names its field; "受众人数：受众人数…" would stutter.
        if not self.label or self.message.startswith(self.label):
            return self.message
        return f"{self.label}：{self.message}"


def fail(code: str, message: str) -> NoReturn:
    """Raise a validation error whose message is shown to the user as is."""
    raise PydanticCustomError(code, message)


def explain(error: ValidationError) -> list[FieldProblem]:
    """Every problem in a pydantic error, labelled and worded for a village cadre."""
    problems: list[FieldProblem] = []
    field_labels, model_labels = labels()
    own_labels = model_labels.get(error.title, {})
    for item in error.errors(include_url=False):
        loc = item.get("loc") or ()
        field = str(loc[0]) if loc else ""
        label = own_labels.get(field) or field_labels.get(field, field)
        kind = item.get("type", "")
        if kind in _BUILTIN_MESSAGES:
            message = _BUILTIN_MESSAGES[kind]
            if kind == "literal_error":
                allowed = (item.get("ctx") or {}).get("expected", "")
                # pydantic words the choices "'男' or '女'"; say them the Chinese way.
                choices = str(allowed).replace("'", "").replace(" or ", "、").replace(", ", "、")
                message = f"只能是 {choices}"
            elif kind == "string_too_long":
                message = _too_long(item)
            elif kind == "greater_than_equal" and (item.get("ctx") or {}).get("ge") not in (0, None):
                message = f"不能小于 {item['ctx']['ge']}"
        else:
            message = str(item.get("msg", "")).removeprefix("Value error, ")
            if not _CJK.search(message):
                # A pydantic message we have no wording for: never show the English text.
                message = _FALLBACK_MESSAGE
        problems.append(FieldProblem(field, label, message, kind))
    return problems


def _too_long(item: Any) -> str:
    """Say the limit and how far over it the text is: "太长了" alone leaves the user guessing."""
    limit = (item.get("ctx") or {}).get("max_length")
    typed = item.get("input")
    if limit is None:
        return _BUILTIN_MESSAGES["string_too_long"]
    now = f"（现在 {len(typed)} 个）" if isinstance(typed, str) else ""
    return f"太长了：最多 {limit} 个字{now}"


def explain_text(error: ValidationError) -> str:
    return "；".join(str(p) for p in explain(error))
