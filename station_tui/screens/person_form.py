"""The form of a person or volunteer (人员)."""

from __future__ import annotations

from station_tui.domain import Person
from station_tui.widgets.form import RecordForm, form_fields


class PersonForm(RecordForm):
    MODEL = Person
    TITLE_NEW = "person.new"
    TITLE_EDIT = "person.edit"
    FIELDS = form_fields(
        Person, "name", "gender", "birth_year", "phone", "is_volunteer", "volunteer_no", "skills", "id_number", "note"
    )
