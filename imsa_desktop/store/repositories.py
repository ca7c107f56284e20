"""SQL repositories: the only place (with migrations and search) that writes SQL.

Records are kept as JSON inside the encrypted database, with the columns the app queries
(case, kind, sort key, stamps) alongside. The full-text index is updated in the same
transaction as the record, deletes included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar, cast

from imsa_desktop.domain.codec import from_jsonable, to_jsonable
from imsa_desktop.domain.model import (
    AuditEntry,
    Case,
    CaseStatus,
    CaseSummary,
    Jurisdiction,
    Record,
    Stage,
)
from imsa_desktop.domain.values import SearchHit
from imsa_desktop.errors import NotFound, UnknownCase
from imsa_desktop.services.ports import STATISTICS_DROPPED
from imsa_desktop.store import search as fts
from imsa_desktop.store.connection import Connection, storage_errors

R = TypeVar("R", bound=Record)


def _dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"))


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


E = TypeVar("E", bound=Enum)


def _member(cls: type[E], value: Any) -> E:
    """``cls(value)`` for a stored value, by one dict look-up (the case list makes 30,000 of
    these at 10,000 cases; ``Enum.__call__`` costs about 3x more). Unknown values raise as
    ``cls(value)`` does."""
    member = cls._value2member_map_.get(value)
    return cast(E, member) if member is not None else cls(value)


CASE_COLUMNS = ("code", "display_name", "status", "stage", "created_at", "updated_at", "data", "id")
RECORD_COLUMNS = ("id", "case_id", "kind", "sort_key", "created_at", "updated_at", "data")
INSERT_CASE = f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) VALUES ({', '.join('?' * len(CASE_COLUMNS))})"
INSERT_RECORD = (
    f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) VALUES ({', '.join('?' * len(RECORD_COLUMNS))})"
)


def case_row(case: Case) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The ``cases`` row for *case* (values in ``CASE_COLUMNS`` order) and its JSON data."""
    data = to_jsonable(case)
    row = (
        case.code,
        case.survivor.display_name(),
        case.status.value,
        case.stage.value,
        case.created_at.isoformat(),
        case.updated_at.isoformat(),
        _json(data),
        case.id,
    )
    return row, data


def record_row(record: Record, kind: str, sort_key: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The ``records`` row for *record* (values in ``RECORD_COLUMNS`` order) and its JSON data."""
    data = to_jsonable(record)
    row = (
        record.id,
        data["case_id"],
        kind,
        sort_key,
        record.created_at.isoformat(),
        record.updated_at.isoformat(),
        _json(data),
    )
    return row, data


# The case list's columns. The two JSON expressions are spelled as in the covering index
# ``cases_list`` (migration 9), so SQLite takes them from the index instead of each row's JSON.
SUMMARY_SQL = (
    "SELECT id, code, display_name, status, stage,"
    " json_extract(data, '$.jurisdiction'), json_extract(data, '$.survivor.nationality'),"
    " updated_at FROM cases"
)


def _case_from(data: str) -> Case:
    return from_jsonable(Case, json.loads(data))


class SqlCaseRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def find(self, case_id: str) -> Case | None:
        with storage_errors():
            row = self._conn.execute("SELECT data FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            return None
        return _case_from(row[0])

    def get(self, case_id: str) -> Case:
        case = self.find(case_id)
        if case is None:
            raise UnknownCase()
        return case

    def add(self, case: Case) -> None:
        self._write(case, insert=True)

    def save(self, case: Case) -> None:
        self._write(case, insert=False)

    def _write(self, case: Case, insert: bool) -> None:
        row, data = case_row(case)
        with storage_errors():
            if insert:
                self._conn.execute(INSERT_CASE, row)
            else:
                cur = self._conn.execute(
                    "UPDATE cases SET code=?, display_name=?, status=?, stage=?, created_at=?, updated_at=?,"
                    " data=? WHERE id=?",
                    row,
                )
                if cur.rowcount == 0:
                    raise UnknownCase()
            fts.index_record(
                self._conn, case.id, case.id, "case", *fts.case_text(data), hidden=fts.case_hidden_text(data)
            )

    def delete(self, case_id: str) -> None:
        with storage_errors():
            fts.unindex_case(self._conn, case_id)
            cur = self._conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            if cur.rowcount == 0:
                raise UnknownCase()

    def summaries(
        self,
        ids: Iterable[str] | None = None,
        *,
        limit: int | None = None,
        status: CaseStatus | None = None,
    ) -> list[CaseSummary]:
        """Every case's summary (or those of *ids*), most recently changed first; *limit*: only
        the first so many; *status*: only the cases in it. Read from the covering index
        ``cases_list`` (migration 9)."""
        with storage_errors():
            if ids is None:
                where, args = ("", []) if status is None else (" WHERE status = ?", [status.value])
                sql = SUMMARY_SQL + where + " ORDER BY updated_at DESC, id DESC"
                if limit is not None:
                    rows = self._conn.execute(sql + " LIMIT ?", (*args, max(limit, 0))).fetchall()
                else:
                    rows = self._conn.execute(sql, args).fetchall()
            else:
                wanted = list(dict.fromkeys(ids))
                rows = []
                for i in range(0, len(wanted), 500):  # stay under SQLite's parameter limit
                    part = wanted[i : i + 500]
                    rows += self._conn.execute(
                        SUMMARY_SQL + f" WHERE id IN ({','.join('?' * len(part))})", part
                    ).fetchall()
                if status is not None:
                    rows = [r for r in rows if r[3] == status.value]
                rows.sort(key=lambda r: (r[7], r[0]), reverse=True)
                if limit is not None:
                    rows = rows[: max(limit, 0)]
        return [
            CaseSummary(
                id=r[0],
                code=r[1],
                display_name=r[2],
                status=_member(CaseStatus, r[3]),
                stage=_member(Stage, r[4]),
                jurisdiction=_member(Jurisdiction, r[5] or "england-wales"),
                nationality=r[6] or "",
                updated_at=datetime.fromisoformat(r[7]),
            )
            for r in rows
        ]

    def count(self) -> int:
        with storage_errors():
            return int(self._conn.execute("SELECT count(*) FROM cases").fetchone()[0])

    def ids(self) -> list[str]:
        with storage_errors():
            return [r[0] for r in self._conn.execute("SELECT id FROM cases ORDER BY created_at")]

    def each(self, *, include_closed: bool = True) -> Iterator[Case]:
        """Every case in one read, oldest first (the deadlines across cases: one query, not one
        per case)."""
        shut = "" if include_closed else CaseStatus.CLOSED.value  # no case has status ""
        with storage_errors():
            cursor = self._conn.execute(
                "SELECT data FROM cases WHERE status != ? ORDER BY created_at", (shut,)
            )
            while rows := cursor.fetchmany(256):
                for (data,) in rows:
                    yield _case_from(data)

    def statistics_rows(self) -> list[dict[str, Any]]:
        """One narrow read of every case for the statistics (no names, notes or references)."""
        with storage_errors():
            rows = self._conn.execute(
                "SELECT json_remove(data, " + ", ".join(f"'$.{k}'" for k in STATISTICS_DROPPED) + "),"
                " json_extract(data, '$.survivor.nationality') FROM cases"
            ).fetchall()
        out = []
        for data, nationality in rows:
            row = json.loads(data)
            row["nationality"] = nationality or ""
            out.append(row)
        return out


class SqlRecordRepository(Generic[R]):
    """Records of one kind (events, appointments, evidence, overrides, letters, ...)."""

    def __init__(
        self, conn: Connection, kind: str, cls: type[R], sort_key: Callable[[R], str] = lambda r: ""
    ) -> None:
        self._conn = conn
        self._kind = kind
        self._cls = cls
        self._sort_key = sort_key

    def _load(self, data: str) -> R:
        return from_jsonable(self._cls, json.loads(data))

    def find(self, record_id: str) -> R | None:
        with storage_errors():
            row = self._conn.execute(
                "SELECT data FROM records WHERE id = ? AND kind = ?", (record_id, self._kind)
            ).fetchone()
        return None if row is None else self._load(row[0])

    def get(self, record_id: str) -> R:
        rec = self.find(record_id)
        if rec is None:
            raise NotFound(f"There is no {self._kind} with that id in this vault.")
        return rec

    def for_case(self, case_id: str) -> list[R]:
        with storage_errors():
            rows = self._conn.execute(
                "SELECT data FROM records WHERE case_id = ? AND kind = ? ORDER BY sort_key, created_at",
                (case_id, self._kind),
            ).fetchall()
        return [self._load(r[0]) for r in rows]

    def between(self, start_key: str, end_key: str) -> list[R]:
        with storage_errors():
            rows = self._conn.execute(
                "SELECT data FROM records WHERE kind = ? AND sort_key >= ? AND sort_key < ?"
                " ORDER BY sort_key",
                (self._kind, start_key, end_key),
            ).fetchall()
        return [self._load(r[0]) for r in rows]

    def by_case(self) -> dict[str, list[R]]:
        with storage_errors():
            rows = self._conn.execute(
                "SELECT case_id, data FROM records WHERE kind = ? ORDER BY sort_key, created_at",
                (self._kind,),
            ).fetchall()
        out: dict[str, list[R]] = {}
        for case_id, data in rows:
            out.setdefault(case_id, []).append(self._load(data))
        return out

    def add(self, record: R) -> None:
        self._write(record, insert=True)

    def save(self, record: R) -> None:
        self._write(record, insert=False)

    def _write(self, record: R, insert: bool) -> None:
        row, data = record_row(record, self._kind, self._sort_key(record))
        case_id = data["case_id"]
        with storage_errors():
            if insert:
                if self._conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
                    raise UnknownCase()
                self._conn.execute(INSERT_RECORD, row)
            else:
                cur = self._conn.execute(
                    "UPDATE records SET sort_key=?, updated_at=?, data=? WHERE id=? AND kind=?",
                    (row[3], row[5], row[6], record.id, self._kind),
                )
                if cur.rowcount == 0:
                    raise NotFound(f"There is no {self._kind} with that id in this vault.")
            if self._kind in fts.SEARCHABLE_KINDS:
                fts.index_record(
                    self._conn, case_id, record.id, self._kind, *fts.record_text(self._kind, data)
                )

    def delete(self, record_id: str) -> None:
        with storage_errors():
            fts.unindex_record(self._conn, record_id)
            cur = self._conn.execute("DELETE FROM records WHERE id = ? AND kind = ?", (record_id, self._kind))
            if cur.rowcount == 0:
                raise NotFound(f"There is no {self._kind} with that id in this vault.")


class SqlSettings:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, key: str, default: Any = None) -> Any:
        with storage_errors():
            row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        with storage_errors():
            self._conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, _dumps(value)),
            )

    def items(self) -> list[tuple[str, Any]]:
        with storage_errors():
            rows = self._conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        return [(k, json.loads(v)) for k, v in rows]


class SqlAuditLog:
    def __init__(self, conn: Connection, actor: Callable[[], str], clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._actor = actor
        self._clock = clock

    def record(self, action: str, case_id: str | None, detail: str = "") -> None:
        with storage_errors():
            self._conn.execute(
                "INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)",
                (self._clock().isoformat(), self._actor(), action, case_id, detail),
            )

    def restore(self, entry: AuditEntry) -> None:
        """Insert an entry as it was (who, when): restoring a whole-vault backup."""
        with storage_errors():
            self._conn.execute(
                "INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)",
                (entry.at.isoformat(), entry.actor, entry.action, entry.case_id, entry.detail),
            )

    def entries(
        self, case_id: str | None = None, action: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        sql = "SELECT seq, at, actor, action, case_id, detail FROM audit WHERE 1=1"
        args: list[Any] = []
        if case_id is not None:
            sql += " AND case_id = ?"
            args.append(case_id)
        if action is not None:
            sql += " AND action = ?"
            args.append(action)
        sql += " ORDER BY seq DESC LIMIT ?"
        args.append(limit)
        with storage_errors():
            rows = self._conn.execute(sql, args).fetchall()
        return [AuditEntry(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


class SqlSearchIndex:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        return [
            SearchHit(h.case_id, h.record_id, h.kind, h.title, h.snippet, h.recent)
            for h in fts.search(self._conn, query, limit)
        ]
