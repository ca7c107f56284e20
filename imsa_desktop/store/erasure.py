"""Erasing a case for good, and compacting the vault so freed pages keep no remnants.

The SQL half of ``services.privacy.erase_case`` (services never write SQL). Every table with
a ``case_id`` column is cleared for the case, so tables added later by other features are
covered without a change here; the full-text index and the audit log are handled on their
own (the audit log keeps one tombstone row, written by the service).

Why the compaction matters: the connection runs with ``secure_delete = ON`` (freed cells
are zeroed), but old page images also live in the write-ahead log and FTS5 keeps deleted
tokens in index segments until they are merged. So after the erasure commits: FTS5
``optimize`` (merge all segments, dropping deleted entries), a WAL checkpoint with
TRUNCATE, ``VACUUM`` (rewrite the file without free pages), and a second TRUNCATE
checkpoint so the WAL file is empty again.
"""

from __future__ import annotations

from imsa_desktop.store.connection import Connection, storage_errors

_SKIP_TABLES = frozenset({"audit", "cases"})
# FTS5 keeps the index in shadow tables named after it; they are cleared through "search".
_FTS_SHADOWS = frozenset({f"search_{s}" for s in ("data", "idx", "content", "docsize", "config")})


def _case_tables(conn: Connection) -> list[str]:
    """Ordinary tables (not the FTS index or its shadow tables) with a ``case_id`` column."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    out = []
    for name in names:
        if name in _SKIP_TABLES or name in _FTS_SHADOWS:
            continue
        cols = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        if "case_id" in cols:
            out.append(name)
    return out


class SqlCaseEraser:
    """Implements ``services.privacy.CaseEraser`` over a vault connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def remove_case_rows(self, case_id: str) -> int:
        """Inside an open unit of work: delete the case, every row keyed by it, its search
        entries and its audit entries. Returns how many rows went (the case row included)."""
        removed = 0
        with storage_errors():
            removed += self._conn.execute("DELETE FROM search WHERE case_id = ?", (case_id,)).rowcount
            for table in _case_tables(self._conn):
                removed += self._conn.execute(f'DELETE FROM "{table}" WHERE case_id = ?', (case_id,)).rowcount
            removed += self._conn.execute("DELETE FROM cases WHERE id = ?", (case_id,)).rowcount
            self._conn.execute("DELETE FROM audit WHERE case_id = ?", (case_id,))
        return int(removed)

    def compact(self) -> None:
        """Outside a transaction: leave no remnant of deleted data in the file or the WAL."""
        if self._conn.in_transaction:
            raise RuntimeError("compact runs outside a unit of work")
        with storage_errors():
            self._conn.execute("PRAGMA secure_delete = ON")
            self._conn.execute("INSERT INTO search(search) VALUES ('optimize')")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
