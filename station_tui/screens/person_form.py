"""The form of a person or volunteer (人员)."""

from __future__ import annotations

from station_tui.domain import Person
from station_tui.domain.vocab import GENDERS
from station_tui.widgets.form import Field, RecordForm


class PersonForm(RecordForm):
    MODEL = Person
    REPO = "people"
    TITLE_NEW = "person.new"
    TITLE_EDIT = "person.edit"
    FIELDS = (
        Field("name", "field.person_name", required=True),
        Field("gender", "field.gender", kind="choice", choices=GENDERS),
        Field("birth_year", "field.birth_year", kind="int", placeholder="hint.year"),
        Field("phone", "field.phone"),
        Field("is_volunteer", "field.is_volunteer", kind="yesno"),
        Field("volunteer_no", "field.volunteer_no"),
        Field("skills", "field.skills", placeholder="hint.skills"),
        Field("id_number", "field.id_number", kind="secret", placeholder="hint.id_number"),
        Field("note", "field.note"),
    )
