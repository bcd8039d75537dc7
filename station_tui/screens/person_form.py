"""The form of a person or volunteer (人员)."""

from __future__ import annotations

from station_tui.domain import Person
from station_tui.locale import t
from station_tui.widgets.form import RecordForm, form_fields
from station_tui.widgets.twin import twin_notice


def _identity(person: Person) -> tuple[object, ...]:
    """What ``find_same`` compares."""
    return person.name, person.phone, person.birth_year


class PersonForm(RecordForm):
    MODEL = Person
    TITLE_NEW = "person.new"
    TITLE_EDIT = "person.edit"
    FIELDS = form_fields(
        Person, "name", "gender", "birth_year", "phone", "is_volunteer", "volunteer_no", "skills", "id_number", "note"
    )

    def likely_twin(self, model: Person) -> str | None:
        # An edit that leaves name, phone and birth year alone asks nothing: two records already
        # stored (by an import, or after a "yes" here) stay editable without a question each time.
        if self.record is not None and _identity(self.record) == _identity(model):
            return None
        twin = self.app.store.people.find_same(model)  # type: ignore[attr-defined]
        return None if twin is None else twin_notice(twin) + t("person.twin_ask")
