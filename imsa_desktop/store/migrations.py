"""Schema migrations: numbered, forward only, each in its own transaction.

The schema version lives in ``PRAGMA user_version``. A vault whose version is above the
newest known here was written by a newer app and is refused (never downgraded).
Every migration must work from the state the previous one left, with data in it: the test
suite builds a vault at every earlier version, fills it, and migrates it to the newest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from imsa_desktop.errors import NewerVersion
from imsa_desktop.store.connection import Connection, storage_errors


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...] = ()
    python: Callable[[Connection], None] | None = None


def _backfill_search_v2(conn: Connection) -> None:
    """Migration 2's backfill, frozen as it was: plain FTS rows (no search_map yet)."""
    import json

    from imsa_desktop.store.search import SEARCHABLE_KINDS, _alt, case_text, record_text

    insert = "INSERT INTO search (case_id, record_id, kind, title, body, alt) VALUES (?, ?, ?, ?, ?, ?)"
    for cid, data in conn.execute("SELECT id, data FROM cases").fetchall():
        title, body = case_text(json.loads(data))
        conn.execute(insert, (cid, cid, "case", title, body, _alt(f"{title}\n{body}")))
    for rid, cid, kind, data in conn.execute("SELECT id, case_id, kind, data FROM records").fetchall():
        if kind in SEARCHABLE_KINDS:
            title, body = record_text(kind, json.loads(data))
            conn.execute(insert, (cid, rid, kind, title, body, _alt(f"{title}\n{body}")))


def _consent_vocabulary_v7(conn: Connection) -> None:
    """Migration 7, frozen as it was: free-text consent purposes become "to_be_confirmed" with
    the old words kept in ``purpose_detail``; type, witness, scope, expiry and withdrawal are
    added empty. A guessed purpose must never become consent to share."""
    import json

    known = {
        "nrm_referral", "share_competent_authority", "share_advocate", "share_solicitor",
        "share_police", "share_health", "share_support_provider", "share_local_authority",
        "contact_phone", "contact_letter", "to_be_confirmed",
    }  # fmt: skip
    rows = conn.execute("SELECT id, data FROM cases").fetchall()
    for cid, data in rows:
        doc = json.loads(data)
        consents = doc.get("consents")
        if not isinstance(consents, list) or not consents:
            continue
        changed = False
        for c in consents:
            if not isinstance(c, dict):
                continue
            purpose = c.get("purpose")
            if isinstance(purpose, str) and purpose not in known:
                c["purpose"] = "to_be_confirmed"
                if purpose.strip() and not c.get("purpose_detail"):
                    c["purpose_detail"] = purpose.strip()
                changed = True
            for key, empty in (
                ("consent_type", "not_recorded"),
                ("witness", ""),
                ("scope", []),
                ("expires_on", None),
                ("withdrawn_on", None),
                ("purpose_detail", ""),
            ):
                if key not in c:
                    c[key] = empty
                    changed = True
        if changed:
            conn.execute(
                "UPDATE cases SET data = ? WHERE id = ?",
                (json.dumps(doc, ensure_ascii=False, separators=(",", ":")), cid),
            )


def _reindex_v8(conn: Connection) -> None:
    """Rebuild the search index so no row keeps safe-contact notes in its shown text."""
    from imsa_desktop.store.search import reindex_all

    reindex_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "cases, records, settings and audit log",
        (
            """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
            """CREATE TABLE cases (
                id TEXT PRIMARY KEY,
                code TEXT NOT NULL,
                display_name TEXT NOT NULL,
                status TEXT NOT NULL,
                stage TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                data TEXT NOT NULL
            )""",
            """CREATE TABLE records (
                id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                sort_key TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                data TEXT NOT NULL
            )""",
            "CREATE INDEX records_case_kind ON records(case_id, kind, sort_key)",
            "CREATE INDEX records_kind_sort ON records(kind, sort_key)",
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE audit (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                case_id TEXT,
                detail TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX audit_case ON audit(case_id, seq)",
        ),
    ),
    Migration(
        2,
        "full-text search index (FTS5, diacritics-insensitive)",
        (
            """CREATE VIRTUAL TABLE search USING fts5(
                case_id UNINDEXED, record_id UNINDEXED, kind UNINDEXED, title, body, alt,
                tokenize = "unicode61 remove_diacritics 2 tokenchars '_'"
            )""",
        ),
        _backfill_search_v2,
    ),
    Migration(
        3,
        "attachments stored as encrypted chunks inside the vault",
        (
            """CREATE TABLE attachments (
                id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                evidence_id TEXT NOT NULL,
                filename TEXT NOT NULL,
                media_type TEXT NOT NULL DEFAULT 'application/octet-stream',
                size INTEGER NOT NULL DEFAULT 0,
                sha256 TEXT NOT NULL DEFAULT '',
                complete INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX attachments_evidence ON attachments(evidence_id)",
            # A rowid table since December 2026 (vaults made before keep WITHOUT ROWID: same
            # columns, same key, same SQL). WITHOUT ROWID keeps each 1 MiB row inside the key
            # b-tree, and SQLite reads a whole overflowing key to compare it, so every chunk
            # lookup or insert decrypted several MiB: see docs/performance.md, "Bundles".
            """CREATE TABLE attachment_chunks (
                attachment_id TEXT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (attachment_id, seq)
            )""",
        ),
    ),
    Migration(
        4,
        "the exact PDF of each letter sent, kept in the vault",
        (
            """CREATE TABLE letter_pdfs (
                letter_id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
                pdf BLOB NOT NULL,
                sha256 TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        5,
        "map each indexed record to its search row, so updates and deletes need no index scan",
        (
            """CREATE TABLE search_map (
                record_id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL,
                fts_rowid INTEGER NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX search_map_case ON search_map(case_id)",
            "INSERT INTO search_map (record_id, case_id, fts_rowid)"
            " SELECT record_id, case_id, rowid FROM search",
        ),
    ),
    Migration(
        6,
        "prefix indexes (2 and 3 letters) for as-you-type search",
        (
            """CREATE VIRTUAL TABLE search_new USING fts5(
                case_id UNINDEXED, record_id UNINDEXED, kind UNINDEXED, title, body, alt,
                tokenize = "unicode61 remove_diacritics 2 tokenchars '_'",
                prefix = '2 3'
            )""",
            # Same rowids, so search_map stays valid.
            "INSERT INTO search_new (rowid, case_id, record_id, kind, title, body, alt)"
            " SELECT rowid, case_id, record_id, kind, title, body, alt FROM search",
            "DROP TABLE search",
            "ALTER TABLE search_new RENAME TO search",
        ),
    ),
    Migration(
        7,
        "consent records: purpose from a fixed vocabulary (old free text: to be confirmed), type,"
        " witness, scope, expiry, withdrawal",
        (),
        _consent_vocabulary_v7,
    ),
    Migration(
        8,
        "search: safe-contact notes are found but never shown in a snippet (index rebuilt)",
        (),
        _reindex_v8,
    ),
    Migration(
        9,
        "the case list reads from one covering index, newest first (10,000 cases: 72 -> 14 ms)",
        (
            # Every column the case list shows, the two JSON fields as expressions: SQLite reads
            # them from the index, not from each row's JSON (repositories.SUMMARY_SQL must
            # spell them the same way). It also serves "the most recent N" without a sort.
            """CREATE INDEX IF NOT EXISTS cases_list ON cases(
                updated_at, id, code, display_name, status, stage,
                json_extract(data, '$.jurisdiction'), json_extract(data, '$.survivor.nationality')
            )""",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    with storage_errors():
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int = LATEST) -> int:
    """Bring the schema up to *target*; returns the version reached."""
    version = current_version(conn)
    if version > LATEST:
        raise NewerVersion()
    for m in MIGRATIONS:
        if m.version <= version or m.version > target:
            continue
        with storage_errors():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for sql in m.statements:
                    conn.execute(sql)
                if m.python is not None:
                    m.python(conn)
                conn.execute(f"PRAGMA user_version = {int(m.version)}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(Exception):
                        conn.execute("ROLLBACK")
                raise
        version = m.version
    return version
