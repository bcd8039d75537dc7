from __future__ import annotations

from typing import Any

from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.masking import mask_phone as mask_phone  # where the screens import it from
from station_tui.domain.models import Person
from station_tui.storage.pinyin import is_pinyin_query, normalise_query, search_keys
from station_tui.storage.repositories.base import Repository, like_escaped


class PeopleRepository(Repository[Person]):
    kind = BY_TABLE["people"]

    def to_row(self, record: Person) -> dict[str, Any]:
        row = super().to_row(record)
        row["pinyin_full"], row["pinyin_initials"] = search_keys(record.name)
        return row

    def _where(self, text: str | None, volunteers_only: bool) -> tuple[str, list[Any]]:
        clauses, params = ["deleted = 0"], []
        if volunteers_only:
            clauses.append("is_volunteer = 1")
        query = normalise_query(text or "")
        if query:
            if is_pinyin_query(query):
                clauses.append(
                    "(' ' || pinyin_initials LIKE ? OR ' ' || pinyin_full LIKE ? OR pinyin_full LIKE ?"
                    " OR phone LIKE ? OR volunteer_no LIKE ?)"
                )
                params += [f"% {query}%", f"% {query}%", f"%{query}%", f"%{query}%", f"{query}%"]
            else:
                # What was typed is matched as typed: a % or _ in it is no wildcard.
                typed = like_escaped(query)
                clauses.append(
                    "(name LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\' OR volunteer_no LIKE ? ESCAPE '\\')"
                )
                params += [f"%{typed}%", f"%{typed}%", f"{typed}%"]
        return " AND ".join(clauses), params

    def named(self, name: str) -> list[Person]:
        """The people (not deleted) called exactly ``name``, in the order they were entered."""
        rows = self.store.query("SELECT * FROM people WHERE deleted = 0 AND name = ? ORDER BY created_at, id", (name,))
        return [self.from_row(r) for r in rows]

    def search(
        self, text: str | None = None, *, volunteers_only: bool = False, limit: int = 50, offset: int = 0
    ) -> list[Person]:
        """Match on Chinese name, full pinyin, initials, phone or volunteer number.

        Best matches first: exact initials or name, then prefixes, then the rest by name.
        """
        where, params = self._where(text, volunteers_only)
        query = normalise_query(text or "")
        # Not "0": a bare integer in ORDER BY means "the 0th column" and is an error.
        rank = "NULL"
        rank_params: list[Any] = []
        if query:
            rank = (
                "CASE WHEN name = ? OR ' ' || pinyin_initials || ' ' LIKE ? THEN 0"
                " WHEN name LIKE ? ESCAPE '\\' OR ' ' || pinyin_initials LIKE ? OR ' ' || pinyin_full LIKE ?"
                " THEN 1 ELSE 2 END"
            )
            rank_params = [query, f"% {query} %", f"{like_escaped(query)}%", f"% {query}%", f"% {query}%"]
        rows = self.store.query(
            f"SELECT * FROM people WHERE {where} ORDER BY {rank}, pinyin_full, name, id LIMIT ? OFFSET ?",
            (*params, *rank_params, limit, offset),
        )
        return [self.from_row(r) for r in rows]

    def count_matching(self, text: str | None = None, *, volunteers_only: bool = False) -> int:
        where, params = self._where(text, volunteers_only)
        return int(self.store.query_value(f"SELECT count(*) FROM people WHERE {where}", params))

    def find_same(self, person: Person) -> Person | None:
        """Another stored person this one most likely is: same name and phone, or same name and
        birth year when no phone was given. Imports use it to stay idempotent; the forms ask
        before storing a likely twin (a person being edited is not their own twin)."""
        own = str(person.id) if person.id is not None else None
        if person.phone:
            row = self.store.query_one(
                "SELECT * FROM people WHERE deleted = 0 AND name = ? AND phone = ? AND id IS NOT ? LIMIT 1",
                (person.name, person.phone, own),
            )
        else:
            row = self.store.query_one(
                "SELECT * FROM people WHERE deleted = 0 AND name = ? AND phone IS NULL AND birth_year IS ?"
                " AND id IS NOT ? LIMIT 1",
                (person.name, person.birth_year, own),
            )
        return self.from_row(row) if row else None

    def volunteer_tenths(self, person_id: str) -> int:
        """A volunteer's credited hours (tenths) over all attendance on records not deleted."""
        tenths = self.store.query_value(
            """SELECT COALESCE(sum(a.credited_tenths), 0) FROM attendance a
               LEFT JOIN lectures l ON l.id = a.lecture_id
               LEFT JOIN activities v ON v.id = a.activity_id
               WHERE a.person_id = ? AND a.deleted = 0
                 AND COALESCE(l.deleted, v.deleted) = 0""",
            (person_id,),
        )
        return int(tenths)
