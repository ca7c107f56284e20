"""Every older vault, filled with data, opens in this version with its data and search intact."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.crypto.keyslots import KeySlotFile
from imsa_desktop.domain import case_document
from imsa_desktop.domain.codec import to_jsonable
from imsa_desktop.errors import NewerVersion
from imsa_desktop.services import cases as case_service
from imsa_desktop.store import connection, repositories
from imsa_desktop.store.migrations import LATEST, current_version, migrate
from imsa_desktop.store.vault import keys_path
from tests.conftest import FIXED_NOW, PASSPHRASE
from tests.unit.fakes import CONTRACT_DOCUMENT_JSON


def _contract() -> case_document.CaseDocument:
    doc = json.loads(CONTRACT_DOCUMENT_JSON)
    doc["evidence"][0]["body"] = "Bruising noted; referred to counselling in Peterborough."
    parsed = case_document.parse(doc)
    for r in [parsed.case, *parsed.case.decisions, *parsed.events, *parsed.appointments, *parsed.evidence]:
        r.created_at = r.updated_at = FIXED_NOW
    return parsed


def _dumps(obj: object) -> str:
    return json.dumps(to_jsonable(obj), ensure_ascii=False, separators=(",", ":"))


def _insert_v1(conn: connection.Connection, doc: case_document.CaseDocument) -> None:
    """What a version-1 app wrote: plain rows, no search index yet."""
    c = doc.case
    conn.execute(repositories.INSERT_CASE, repositories.case_row(c)[0])  # same columns since version 1
    for kind, recs in (("event", doc.events), ("appointment", doc.appointments), ("evidence", doc.evidence)):
        for r in recs:
            conn.execute(
                "INSERT INTO records (id, case_id, kind, sort_key, created_at, updated_at, data)"
                " VALUES (?, ?, ?, '', ?, ?, ?)",
                (r.id, c.id, kind, r.created_at.isoformat(), r.updated_at.isoformat(), _dumps(r)),
            )
    conn.execute("INSERT INTO settings (key, value) VALUES ('reminders', '{\"days\":7}')")
    conn.execute(
        "INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, 'Old App', 'created', ?, '')",
        (FIXED_NOW.isoformat(), c.id),
    )


def _insert_v2(conn: connection.Connection, doc: case_document.CaseDocument) -> None:
    """Version 2 added the search index: plain FTS rows, kept in step by the app that wrote them."""
    from imsa_desktop.store.search import _alt, case_text, record_text

    _insert_v1(conn, doc)

    def row(record_id: str, kind: str, title: str, body: str) -> None:
        conn.execute(
            "INSERT INTO search (case_id, record_id, kind, title, body, alt) VALUES (?, ?, ?, ?, ?, ?)",
            (doc.case.id, record_id, kind, title, body, _alt(f"{title}\n{body}")),
        )

    row(doc.case.id, "case", *case_text(to_jsonable(doc.case)))
    for kind, recs in (("event", doc.events), ("appointment", doc.appointments), ("evidence", doc.evidence)):
        for r in recs:
            row(r.id, kind, *record_text(kind, to_jsonable(r)))


def _insert_v3(conn: connection.Connection, doc: case_document.CaseDocument) -> None:
    """Version 3 added attachments: one small complete file on the evidence item."""
    _insert_v2(conn, doc)
    conn.execute(
        "INSERT INTO attachments (id, case_id, evidence_id, filename, media_type, size, sha256, complete,"
        " created_at, updated_at) VALUES ('att-1', ?, ?, 'gp-letter.txt', 'text/plain', ?, ?, 1, ?, ?)",
        (
            doc.case.id,
            doc.evidence[0].id,
            len(ATTACHMENT),
            hashlib.sha256(ATTACHMENT).hexdigest(),
            FIXED_NOW.isoformat(),
            FIXED_NOW.isoformat(),
        ),
    )
    conn.execute(
        "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ('att-1', 0, ?)", (ATTACHMENT,)
    )


def _insert_v5(conn: connection.Connection, doc: case_document.CaseDocument) -> None:
    """Version 5 mapped every indexed record to its search row."""
    _insert_v3(conn, doc)
    conn.execute(
        "INSERT INTO search_map (record_id, case_id, fts_rowid) SELECT record_id, case_id, rowid FROM search"
    )


ATTACHMENT = "Dear colleague, Hồng attended today.".encode()
FILLERS = {1: _insert_v1, 2: _insert_v2, 3: _insert_v3, 5: _insert_v5}


def _filler(version: int) -> Callable[[connection.Connection, case_document.CaseDocument], None]:
    """Data valid at *version*: the newest filler written for it or an earlier version."""
    return FILLERS[max(v for v in FILLERS if v <= version)]


def _vault_at(path: Path, version: int) -> case_document.CaseDocument:
    """A vault (database + key slots) whose schema stops at *version*, with a case in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    vault_id = str(uuid.uuid4())
    slots, _recovery = KeySlotFile.create(key, vault_id, PASSPHRASE, TEST_PARAMS)
    slots.save(keys_path(path))
    conn = connection.connect(path, key)
    try:
        assert migrate(conn, target=version) == version
        assert current_version(conn) == version
        doc = _contract()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('vault_id', ?), ('advocate_name', 'Old App')", (vault_id,)
        )
        _filler(version)(conn, doc)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return doc


@pytest.mark.parametrize("version", range(1, LATEST))
def test_old_vault_opens_migrated_with_data_and_search(vault_path: Path, version: int) -> None:
    doc = _vault_at(vault_path, version)
    vault = vault_service.unlock(vault_path, PASSPHRASE)
    try:
        assert vault.conn is not None and current_version(vault.conn) == LATEST
        shown = case_service.show_case(vault.unit_of_work(), doc.case.id)
        assert shown == case_document.render(doc)
        assert shown["survivor"]["full_name"] == "Nguyễn Thị Hồng"
        with vault.unit_of_work() as uow:
            assert uow.settings.get("reminders") == {"days": 7}
            assert [e.action for e in uow.audit.entries(case_id=doc.case.id)][-1] == "created"
        for query in ("Nguyen", "Hồng", "Peterborough", "false job"):
            found = [r.id for r in case_service.list_cases(vault.unit_of_work(), text=query)]
            assert found == [doc.case.id], query
        # Editing after the upgrade replaces the old index rows instead of adding to them.
        case_service.update_case(vault.unit_of_work(), doc.case.id, {"notes": "moved to Leeds"})
        with vault.unit_of_work() as uow:
            hits = [h for h in uow.search.search("Nguyen") if h.record_id == doc.case.id]
        assert len(hits) == 1
        assert [r.id for r in case_service.list_cases(vault.unit_of_work(), text="Leeds")] == [doc.case.id]
        assert vault.integrity_ok()
        if version >= 3:
            (info,) = vault.unit_of_work().attachments.for_evidence(doc.evidence[0].id)
            assert (info.filename, info.size) == ("gp-letter.txt", len(ATTACHMENT))
            assert vault.unit_of_work().attachments.read_all_verified(info.id, 10_000) == ATTACHMENT
    finally:
        vault.close()


def test_a_newer_vault_is_refused_and_left_alone(vault_path: Path) -> None:
    _vault_at(vault_path, 1)
    vault = vault_service.unlock(vault_path, PASSPHRASE)
    assert vault.conn is not None
    vault.conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    vault.close()
    before = vault_path.read_bytes()
    with pytest.raises(NewerVersion) as info:
        vault_service.unlock(vault_path, PASSPHRASE)
    assert "newer version" in info.value.user_message
    assert vault_path.read_bytes() == before


def test_migrating_twice_is_a_no_op_and_never_goes_back(vault_path: Path) -> None:
    doc = _vault_at(vault_path, 1)
    vault = vault_service.unlock(vault_path, PASSPHRASE)
    try:
        conn = vault.conn
        assert conn is not None
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        search_rows = conn.execute("SELECT count(*) FROM search").fetchone()[0]
        assert migrate(conn) == LATEST
        assert migrate(conn, target=1) == LATEST  # forward only: no downgrade
        assert conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
        assert conn.execute("SELECT count(*) FROM search").fetchone()[0] == search_rows  # no double backfill
        assert current_version(conn) == LATEST
        assert (
            case_service.load_case(vault.unit_of_work(), doc.case.id).survivor.full_name == "Nguyễn Thị Hồng"
        )
    finally:
        vault.close()


def test_an_upgraded_vault_lists_its_cases_from_the_index_newest_first(vault_path: Path) -> None:
    doc = _vault_at(vault_path, 8)  # before the case list's index
    vault = vault_service.unlock(vault_path, PASSPHRASE)
    try:
        conn = vault.conn
        assert conn is not None
        plan = " ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + repositories.SUMMARY_SQL))
        assert "COVERING INDEX cases_list" in plan  # no case's JSON is read for the list
        newer = case_service.new_case(vault.unit_of_work(), "Paweł Wiśniewski")
        case_service.update_case(
            vault.unit_of_work(), newer, {"survivor": {"nationality": "Polish"}, "jurisdiction": "scotland"}
        )
        (first,) = case_service.list_recent_cases(vault.unit_of_work(), 1).rows
        assert (first.display_name, first.nationality, first.jurisdiction.value) == (
            "Paweł Wiśniewski",
            "Polish",
            "scotland",
        )
        assert case_service.list_recent_cases(vault.unit_of_work(), 1).total == 2
        assert [r.id for r in case_service.list_cases(vault.unit_of_work())] == [newer, doc.case.id]
    finally:
        vault.close()
