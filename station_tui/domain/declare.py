"""How a record kind is declared: facts about each field, carried by the model itself.

A field of a record model says what the rest of the program needs beyond its type, in one
``Meta`` placed in its annotation (``topic: Annotated[str, Meta("主题", column=32)]``): the
name people know it by, how it is typed in a form or an import file, its list column, whether
it is sensitive. ``RecordKind`` (``kinds.py``) adds what belongs to the table as a whole.
Storage columns, import headers, form fields, list columns, the labels in messages, the
county's per-table rules and the protocol's table list are all read from these two.

Pure data: no I/O, no Textual, nothing heavier than pydantic (which the models import anyway).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from station_tui.domain.models import Record

#: How a value is typed by a person, in a form box or an import cell:
#: ``text``, ``date``, ``time``, ``count`` (a whole number ≥ 0), ``year``, ``hours`` (tenths of
#: an hour typed as 1.5), ``yesno``, ``choice`` (one of ``choices``), ``secret`` (text shown
#: masked), ``lookup`` (an id chosen among other records, e.g. a team), ``list`` (several words).
TypedAs = Literal["text", "date", "time", "count", "year", "hours", "yesno", "choice", "secret", "lookup", "list"]

#: The box hint each way of typing shows unless the field names its own (locale keys).
_PLACEHOLDERS: dict[str, str] = {"date": "hint.date", "time": "hint.time", "year": "hint.year"}


@dataclass(frozen=True, slots=True)
class Meta:
    """What one field of a record is, beyond its type.

    ``label`` is the field's name as people know it, in Chinese: the messages that explain a
    wrong value use it, and so does the import file's header. Everything else has a default
    read from the field's name and type; set it only where the field differs.
    """

    label: str
    #: Locale key of the field's label in a form (default ``field.<name>``).
    ui: str = ""
    #: How a person types it (default from the type: date, time, int → count, bool → yesno,
    #: a Literal → choice, list → list, anything else → text).
    typed_as: TypedAs | None = None
    #: The values a ``choice`` offers (default: a Literal's values).
    choices: tuple[str, ...] = ()
    #: Locale key of the box's hint (default by ``typed_as``: hint.date, hint.time, hint.year).
    hint: str = ""
    #: Width of the field's column in its list screen (0: no column of its own by default).
    column: int = 0
    #: Locale key of that column's heading, where a narrow column needs a shorter word.
    column_label: str = ""
    #: The setting (and ``meta`` key) that lets this personal information leave the PC;
    #: empty for ordinary fields.
    sensitive: str = ""
    #: False for a field the table keeps in another shape (attendance's ``event_kind`` and
    #: ``event_id`` are the columns ``lecture_id`` / ``activity_id``; see ``RecordKind``).
    stored: bool = True


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record kind with its defaults filled in: what consumers read."""

    name: str
    label: str
    ui: str
    typed_as: TypedAs
    choices: tuple[str, ...]
    hint: str
    column: int
    column_label: str
    sensitive: str
    stored: bool
    required: bool
    #: JSON text in the table and a JSON value in a change (a list or a mapping).
    json: bool


def _meta_of(info: FieldInfo) -> Meta | None:
    return next((m for m in info.metadata if isinstance(m, Meta)), None)


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _typed_as(annotation: Any) -> TypedAs:
    plain = _strip_optional(annotation)
    if plain is date:
        return "date"
    if plain is time:
        return "time"
    if plain is bool:
        return "yesno"
    if plain is int:
        return "count"
    if get_origin(plain) is Literal:
        return "choice"
    if get_origin(plain) in (list, dict) or plain in (list, dict):
        return "list"
    return "text"


def _is_json(annotation: Any) -> bool:
    plain = _strip_optional(annotation)
    return get_origin(plain) in (list, dict) or plain in (list, dict)


def field_specs(model: type[Record]) -> dict[str, FieldSpec]:
    """Every declared field of ``model`` (those with a ``Meta``), in the model's order.

    The envelope every record has (id, row_version, created_at, updated_at, deleted) carries
    no ``Meta`` and is not listed.
    """
    specs: dict[str, FieldSpec] = {}
    for name, info in model.model_fields.items():
        meta = _meta_of(info)
        if meta is None:
            continue
        annotation = info.annotation
        typed_as = meta.typed_as or _typed_as(annotation)
        choices = meta.choices
        if not choices and typed_as == "choice":
            choices = tuple(str(v) for v in get_args(_strip_optional(annotation)))
        ui = meta.ui or f"field.{name}"
        specs[name] = FieldSpec(
            name=name,
            label=meta.label,
            ui=ui,
            typed_as=typed_as,
            choices=choices,
            hint=meta.hint or _PLACEHOLDERS.get(typed_as, ""),
            column=meta.column,
            column_label=meta.column_label or ui,
            sensitive=meta.sensitive,
            stored=meta.stored,
            required=info.is_required(),
            json=_is_json(annotation),
        )
    return specs


def undeclared_fields(model: type[Record]) -> list[str]:
    """Fields of ``model`` beyond the envelope that carry no ``Meta`` (a test keeps it empty)."""
    from station_tui.domain.models import Record

    return [n for n, info in model.model_fields.items() if n not in Record.model_fields and _meta_of(info) is None]
