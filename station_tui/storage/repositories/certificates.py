"""The register of 志愿服务记录证明: issuing one (its number given in the same transaction that
stores it), reading it back for a reprint, and listing the register a page at a time.

A certificate lists a person's ledger entries of a period that stand (not voids, not voided):
their sum is exactly the ledger's balance for the period, since a void is dated as the entry
it voids. The entries it lists are named by id in the register row; entries are never edited,
so a reprint lists the very same lines even after later voids (which the county's check then
shows as a difference).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from station_tui.domain.hours import format_tenths
from station_tui.domain.kinds import BY_TABLE
from station_tui.domain.models import CERTIFICATE_MAX_ENTRIES, Certificate, Person
from station_tui.storage.repositories.base import NotFound, Repository, like_escaped


class CertificateRefusal(ValueError):
    """A certificate that cannot be issued, said in plain Chinese (no hours in the period, …)."""


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service a certificate lists: the entry's date, what it was for, its hours."""

    entry_id: str
    date: date
    what: str
    tenths: int


@dataclass(frozen=True)
class Draft:
    """What a certificate for this person and period would say, before it is issued."""

    person: Person
    period_from: date
    period_to: date
    lines: list[ServiceLine]
    #: The ledger's balance for the period (every entry dated in it, voids included).
    total_tenths: int


#: A person's standing entries of a period: not a void, and voided by no entry.
_STANDING = """
SELECT e.id, e.date, COALESCE(l.topic, v.title, e.content, '') AS what, e.tenths
  FROM hours_entries e
  LEFT JOIN lectures l ON l.id = e.lecture_id
  LEFT JOIN activities v ON v.id = e.activity_id
 WHERE e.person_id = ? AND e.date BETWEEN ? AND ? AND e.entry_kind <> '作废'
   AND NOT EXISTS (SELECT 1 FROM hours_entries x WHERE x.voids_id = e.id)
 ORDER BY e.date, e.created_at, e.id"""

_BALANCE = "SELECT COALESCE(sum(tenths), 0) FROM hours_entries WHERE person_id = ? AND date BETWEEN ? AND ?"


def certificate_number(station_code: str, year: int, serial: int) -> str:
    """``140105001001-2026-0007``: the station's code, the year, the serial in that year."""
    return f"{station_code}-{year}-{serial:04d}"


class CertificateRepository(Repository[Certificate]):
    kind = BY_TABLE["certificates"]

    # -- before issuing ------------------------------------------------------------------
    def draft(self, person_id: str, period_from: date, period_to: date) -> Draft:
        """What a certificate would list. Raises NotFound (no such person) or
        CertificateRefusal (a period backwards, no hours in it, too many lines)."""
        with self.store.snapshot() as conn:
            return self._draft_in(conn, person_id, period_from, period_to)

    def _draft_in(self, conn: sqlite3.Connection, person_id: str, period_from: date, period_to: date) -> Draft:
        if period_from > period_to:
            raise CertificateRefusal(
                f"起始日期 {period_from.isoformat()} 晚于截止日期 {period_to.isoformat()}，请核对期间")
        row = conn.execute("SELECT * FROM people WHERE id = ? AND deleted = 0", (person_id,)).fetchone()
        if row is None:
            raise NotFound("people", person_id)
        person = self.store.people.from_row(row)
        span = (person_id, period_from.isoformat(), period_to.isoformat())
        lines = [ServiceLine(r[0], date.fromisoformat(r[1]), r[2], r[3]) for r in conn.execute(_STANDING, span)]
        total = int(conn.execute(_BALANCE, span).fetchone()[0])
        period = f"{period_from.isoformat()} 至 {period_to.isoformat()}"
        if not lines or total <= 0:
            raise CertificateRefusal(f"{person.name} 在 {period} 期间没有记入的服务时长，不能开具志愿服务记录证明")
        if sum(line.tenths for line in lines) != total:  # only a ledger edited by hand breaks this
            raise CertificateRefusal(
                f"{person.name} 在 {period} 期间的时长台账对不上（各条合计与余额不同），请先运行 station self-check")
        if len(lines) > CERTIFICATE_MAX_ENTRIES:
            raise CertificateRefusal(
                f"{person.name} 在 {period} 期间有 {len(lines)} 条服务记录，"
                f"一份证明最多列 {CERTIFICATE_MAX_ENTRIES} 条，请分成两个期间开具")
        return Draft(person, period_from, period_to, lines, total)

    # -- issuing ---------------------------------------------------------------------------
    def issue(
        self, person_id: str, period_from: date, period_to: date, *, issuer: str, operator: str | None = None,
        issued_on: date | None = None, previewed: Draft | None = None,
    ) -> Certificate:
        """Issue and register a certificate: the ledger is read again and the number given
        inside one ``BEGIN IMMEDIATE`` transaction, so what is registered is what the ledger
        held at that moment and two sessions never get the same number. ``previewed``: the
        draft the user confirmed; if the ledger changed since (another session's 补录), the
        certificate is refused rather than issued with figures nobody saw."""
        issued_on = issued_on or date.today()
        issuer = issuer.strip()
        if not issuer:
            raise CertificateRefusal("请填写负责人（证明上签字的人）")
        with self.store.write() as conn:
            station = conn.execute("SELECT code FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1").fetchone()
            if station is None:
                raise CertificateRefusal("本站还没有站点信息（站点名称、区划代码），请先完成站点设置")
            draft = self._draft_in(conn, person_id, period_from, period_to)
            if previewed is not None and previewed.lines != draft.lines:
                raise CertificateRefusal(
                    f"{draft.person.name} 的服务记录在确认期间有变化（现为 {len(draft.lines)} 次，"
                    f"累计 {format_tenths(draft.total_tenths)} 小时），请重新开具并核对")
            year = issued_on.year
            serial = int(conn.execute(
                "SELECT COALESCE(max(serial), 0) + 1 FROM certificates WHERE year = ?", (year,)).fetchone()[0])
            certificate = Certificate(
                number=certificate_number(station[0], year, serial), year=year, serial=serial, person_id=person_id,
                person_name=draft.person.name, period_from=period_from, period_to=period_to,
                total_tenths=draft.total_tenths, entry_count=len(draft.lines),
                entry_ids=[line.entry_id for line in draft.lines], issued_on=issued_on, issuer=issuer,
                operator=(operator or self.store.actor.user).strip()[:40] or self.store.actor.user,
            )
            return self._insert(conn, certificate)

    # -- reading back ----------------------------------------------------------------------
    def by_number(self, number: str) -> Certificate | None:
        row = self.store.query_one("SELECT * FROM certificates WHERE number = ? AND deleted = 0", (number.strip(),))
        return self.from_row(row) if row else None

    def lines_of(self, certificate: Certificate) -> list[ServiceLine]:
        """The services a certificate lists, as they were when it was issued."""
        ids = list(certificate.entry_ids)
        found: dict[str, ServiceLine] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.store.query(
                f"""SELECT e.id, e.date, COALESCE(l.topic, v.title, e.content, '') AS what, e.tenths
                      FROM hours_entries e
                      LEFT JOIN lectures l ON l.id = e.lecture_id
                      LEFT JOIN activities v ON v.id = e.activity_id
                     WHERE e.id IN ({", ".join("?" for _ in chunk)})""",
                chunk,
            )
            for r in rows:
                found[r[0]] = ServiceLine(r[0], date.fromisoformat(r[1]), r[2], r[3])
        missing = [i for i in ids if i not in found]
        if missing:
            raise CertificateRefusal(
                f"证明 {certificate.number} 所列的 {len(missing)} 条服务记录在本站的时长台账里找不到"
                "（数据库可能被替换过）")
        return [found[i] for i in ids]

    def page(self, year: int | None = None, text: str = "", *, limit: int = 50, offset: int = 0) -> list[Certificate]:
        """The register, newest first: a year's (or every year's) certificates whose number or
        name holds ``text``."""
        where, params = self._where(year, text)
        rows = self.store.query(
            f"SELECT * FROM certificates WHERE {where} ORDER BY issued_on DESC, year DESC, serial DESC"
            " LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [self.from_row(r) for r in rows]

    def count_page(self, year: int | None = None, text: str = "") -> int:
        where, params = self._where(year, text)
        return int(self.store.query_value(f"SELECT count(*) FROM certificates WHERE {where}", params))

    @staticmethod
    def _where(year: int | None, text: str) -> tuple[str, list[Any]]:
        clauses: list[str] = ["deleted = 0"]
        params: list[Any] = []
        if year is not None:
            clauses.append("year = ?")
            params.append(year)
        for word in text.split():
            clauses.append("(number LIKE ? ESCAPE '\\' OR person_name LIKE ? ESCAPE '\\')")
            params += [f"%{like_escaped(word)}%"] * 2
        return " AND ".join(clauses), params

    # -- never -----------------------------------------------------------------------------
    def update(self, record: Certificate) -> Certificate:
        raise CertificateRefusal("已开具的志愿服务记录证明不能修改：如有错误请重新开具")

    def force_update(self, record: Certificate) -> Certificate:
        return self.update(record)

    def delete(self, record_id: str, expected_version: int | None = None) -> None:
        raise CertificateRefusal("已开具的志愿服务记录证明不能删除：登记簿只能追加")
