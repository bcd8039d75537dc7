"""Words for a likely twin: a stored person with the same name and phone, or the same name and
birth year when neither has a phone (``PeopleRepository.find_same`` finds them). Both person
forms ask with these words before storing a second record of one villager."""

from __future__ import annotations

from station_tui.domain import Person
from station_tui.locale import t
from station_tui.storage.repositories.people import mask_phone


def describe(person: Person) -> str:
    """王建国（男，1968年生，138****5678）: what tells namesakes apart."""
    details = [
        t(f"gender.{person.gender}") if person.gender else "",
        t("twin.born", year=person.birth_year) if person.birth_year else "",
        mask_phone(person.phone),
    ]
    shown = [d for d in details if d]
    return person.name + ("（" + "，".join(shown) + "）" if shown else "")


def twin_notice(twin: Person) -> str:
    """The first sentence of the question: who is already stored, and why they look the same."""
    return t("twin.same_phone" if twin.phone else "twin.same_born", who=describe(twin))
