"""The generic repository: domain models in, domain models out; SQL stays in storage/."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from pydantic import ValidationError

from station_tui.domain.models import Record
from station_tui.storage.ids import new_id

if TYPE_CHECKING:
    import sqlite3

    from station_tui.domain.kinds import RecordKind
    from station_tui.storage.store import Store

M = TypeVar("M", bound=Record)

SYNC_FIELDS = ("id", "row_version", "created_at", "updated_at", "deleted")


class NotFound(LookupError):
    def __init__(self, table: str, record_id: str) -> None:
        super().__init__(f"找不到这条记录（{table} {record_id}），可能已被删除")
        self.table, self.record_id = table, record_id


class StaleRecord(Exception):
    """Someone else saved this record since it was opened: the caller must let the user choose."""

    def __init__(self, mine: Record, theirs: Record, changed: list[str]) -> None:
        super().__init__("这条记录在您编辑期间已被别人修改")
        self.mine, self.theirs, self.changed = mine, theirs, changed


def now_local() -> str:
    return datetime.now().strftime("%Y-%m-%dT%H:%M:%S")


def to_sql(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


class Repository(Generic[M]):
    """The records of one kind (``domain/kinds.py``): its table, model and columns come from
    the kind's declaration. A kind with nothing special is served by this class as it is
    (``store.repository(table)``); a subclass names its ``kind`` and adds what is special."""

    kind: ClassVar[RecordKind]

    def __init__(self, store: Store, kind: RecordKind | None = None) -> None:
        self.store = store
        kind = kind or type(self).kind
        self.table: str = kind.table
        self.model: type[M] = cast("type[M]", kind.model)
        #: The model's stored fields (any order: SQL names every column it writes); the
        #: sync columns are handled here, derived columns (pinyin keys) by ``to_row``.
        self.columns: tuple[str, ...] = kind.columns
        #: Columns that hold JSON text, read back as lists.
        self.json_columns: frozenset[str] = kind.json_columns
        #: The kind's declaration: what its list searches (``text_columns``) and its ``order``.
        self.record_kind: RecordKind = kind

    # -- row <-> model -------------------------------------------------------------------
    def to_row(self, record: M) -> dict[str, Any]:
        return {c: to_sql(getattr(record, c)) for c in self.columns}

    def from_row(self, row: sqlite3.Row) -> M:
        data = {k: v for k, v in dict(row).items() if k in self.columns or k in SYNC_FIELDS}
        for col in self.json_columns:
            if col in data and isinstance(data[col], str):
                data[col] = json.loads(data[col])
        try:
            return self.model.model_validate(data, context=_LENIENT)
        except ValidationError:
            # A row edited by hand outside the app may break a domain rule; show it anyway
            # (the form will ask for a fix on the next save) rather than hide or crash.
            # cast: pydantic's mypy plugin types model_construct on a type[M] as returning Record.
            return cast(M, self.model.model_construct(**_parse_loosely(self.model, data)))

    # -- reads ---------------------------------------------------------------------------
    def get(self, record_id: str, *, include_deleted: bool = False) -> M | None:
        sql = f"SELECT * FROM {self.table} WHERE id = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        row = self.store.query_one(sql, (record_id,))
        return self.from_row(row) if row else None

    def require(self, record_id: str) -> M:
        found = self.get(record_id)
        if found is None:
            raise NotFound(self.table, record_id)
        return found

    def count(self) -> int:
        return int(self.store.query_value(f"SELECT count(*) FROM {self.table} WHERE deleted = 0"))

    # -- writes --------------------------------------------------------------------------
    def _insert(self, conn: sqlite3.Connection, record: M) -> M:
        stamp = now_local()
        row = self.to_row(record)
        row.update(id=record.id or new_id(), row_version=1, created_at=stamp, updated_at=stamp, deleted=0)
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn.execute(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", tuple(row.values()))
        return record.model_copy(
            update={"id": row["id"], "row_version": 1, "created_at": stamp, "updated_at": stamp, "deleted": False}
        )

    def add(self, record: M) -> M:
        """Store a new record (validated by its model) and return it with id and version."""
        with self.store.write() as conn:
            return self._insert(conn, record)

    def add_in(self, conn: sqlite3.Connection, record: M) -> M:
        """Store a new record inside the caller's transaction (``with store.write() as conn``),
        so that many records are written together or not at all (imports)."""
        return self._insert(conn, record)

    def add_all_in(self, conn: sqlite3.Connection, records: list[M]) -> list[M]:
        """Store many new records inside the caller's transaction with one bulk insert
        (sqlite-utils' ``insert_all``): 1.1× the floor against 1.4× row by row
        (bench/bulk_insert.py). Importing sqlite-utils costs 120–190 ms, so it pays only for
        thousands of rows: the demo's rosters, not a village's import file."""
        import sqlite_utils

        stamp = now_local()
        rows, stored = [], []
        for record in records:
            row = self.to_row(record)
            row.update(id=record.id or new_id(), row_version=1, created_at=stamp, updated_at=stamp, deleted=0)
            rows.append(row)
            stored.append(
                record.model_copy(
                    update={"id": row["id"], "row_version": 1, "created_at": stamp, "updated_at": stamp,
                            "deleted": False}
                )
            )
        if rows:
            sqlite_utils.Database(conn).table(self.table).insert_all(rows, batch_size=500)
        return stored

    def _update(self, conn: sqlite3.Connection, record: M) -> M:
        if record.id is None:
            raise ValueError("a record without an id cannot be updated")
        row = self.to_row(record)
        stored = conn.execute(
            f"SELECT * FROM {self.table} WHERE id = ? AND row_version = ? AND deleted = 0",
            (record.id, record.row_version),
        ).fetchone()
        if stored is not None and all(stored[c] == v and type(stored[c]) is type(v) for c, v in row.items()):
            # Saved without an edit: bumping the version would hand another session a
            # conflict with nothing in it, and queue an upload of nothing.
            return record
        stamp = now_local()
        sets = ", ".join(f"{c} = ?" for c in row)
        cur = conn.execute(
            f"UPDATE {self.table} SET {sets}, row_version = row_version + 1, updated_at = ?"
            f" WHERE id = ? AND row_version = ? AND deleted = 0",
            (*row.values(), stamp, record.id, record.row_version),
        )
        if cur.rowcount == 0:
            self._raise_conflict(conn, record)
        return record.model_copy(update={"row_version": record.row_version + 1, "updated_at": stamp})

    def update_in(self, conn: sqlite3.Connection, record: M) -> M:
        """``update`` inside the caller's transaction."""
        return self._update(conn, record)

    def update(self, record: M) -> M:
        """Save an edited record; raises StaleRecord if it changed since ``record`` was read."""
        with self.store.write() as conn:
            return self._update(conn, record)

    def force_update(self, record: M) -> M:
        """Save ``record`` over whatever is stored now (the user chose "keep mine")."""
        with self.store.write() as conn:
            current = conn.execute(f"SELECT row_version FROM {self.table} WHERE id = ?", (record.id,)).fetchone()
            if current is None:
                raise NotFound(self.table, str(record.id))
            return self._update(conn, record.model_copy(update={"row_version": current[0]}))

    def delete(self, record_id: str, expected_version: int | None = None) -> None:
        """Soft delete: the row stays as a tombstone so the deletion reaches the county."""
        with self.store.write() as conn:
            self._soft_delete(conn, record_id, expected_version)

    def _soft_delete(self, conn: sqlite3.Connection, record_id: str, expected_version: int | None) -> None:
        sql = (
            f"UPDATE {self.table} SET deleted = 1, row_version = row_version + 1, updated_at = ?"
            " WHERE id = ? AND deleted = 0"
        )
        params: tuple[Any, ...] = (now_local(), record_id)
        if expected_version is not None:
            sql += " AND row_version = ?"
            params += (expected_version,)
        if conn.execute(sql, params).rowcount == 0:
            current = self.get_in(conn, record_id)
            if current is None:
                raise NotFound(self.table, record_id)
            raise StaleRecord(current, current, [])

    def get_in(self, conn: sqlite3.Connection, record_id: str) -> M | None:
        row = conn.execute(f"SELECT * FROM {self.table} WHERE id = ? AND deleted = 0", (record_id,)).fetchone()
        return self.from_row(row) if row else None

    def _raise_conflict(self, conn: sqlite3.Connection, mine: M) -> None:
        row = conn.execute(f"SELECT * FROM {self.table} WHERE id = ? AND deleted = 0", (str(mine.id),)).fetchone()
        if row is None:
            raise NotFound(self.table, str(mine.id))
        theirs = self.from_row(row)
        # In the table's order (the order the forms show them), not the model's.
        columns = set(self.columns)
        changed = [c for c in row.keys() if c in columns and getattr(theirs, c) != getattr(mine, c)]  # noqa: SIM118
        raise StaleRecord(mine, theirs, changed)

    # -- a list with a search box (any kind: RecordListScreen pages through these) -------
    def search_page(self, text: str | None = None, *, limit: int = 50, offset: int = 0) -> list[M]:
        """One page of the records not deleted whose text fields hold ``text`` (each word of
        it, in any of the kind's ``text_columns``), in the order the kind declares (``sort``),
        ties by when they were made. ``%`` and ``_`` typed in ``text`` are matched as written."""
        where, params = self._found(text)
        order = ", ".join(
            f"({c} IS NULL), {c} {'DESC' if desc else 'ASC'}" for c, desc in self.record_kind.order
        )
        # Blank values last either way; ties in the order the records were made here. The id
        # only makes the order total: its time part says nothing (village clocks are wrong).
        newest = "DESC" if self.record_kind.order[0][1] else "ASC"
        rows = self.store.query(
            f"SELECT * FROM {self.table} WHERE {where} ORDER BY {order}, created_at {newest}, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [self.from_row(r) for r in rows]

    def count_found(self, text: str | None = None) -> int:
        """How many records ``search_page`` pages through for ``text``."""
        where, params = self._found(text)
        return int(self.store.query_value(f"SELECT count(*) FROM {self.table} WHERE {where}", params))

    def _found(self, text: str | None) -> tuple[str, list[Any]]:
        clauses, params = ["deleted = 0"], []
        columns = self.record_kind.text_columns
        for word in (text or "").split():
            if not columns:  # nothing to look in: nothing matches
                clauses.append("0")
                break
            clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
            params += [f"%{like_escaped(word)}%"] * len(columns)
        return " AND ".join(clauses), params


def like_escaped(text: str) -> str:
    """``text`` for a ``LIKE … ESCAPE '\\'`` pattern: its ``%`` and ``_`` (and ``\\``) stand for
    themselves, so 100% finds "100%" and not every record with "100" in it."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Stored rows were validated when written; reading them back must not fail because
#: "today" moved or a category list changed since.
_LENIENT: dict[str, Any] = {"today": date(9999, 12, 31), "team_categories": None, "lenient": True}


def _parse_loosely(model: type[Record], data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name, field in model.model_fields.items():
        value = out.get(name)
        if not isinstance(value, str):
            continue
        annotation = str(field.annotation)
        try:
            if "datetime.date" in annotation:
                out[name] = date.fromisoformat(value)
            elif "datetime.time" in annotation:
                out[name] = time.fromisoformat(value)
        except ValueError:
            pass
    if "deleted" in out:
        out["deleted"] = bool(out["deleted"])
    return out
