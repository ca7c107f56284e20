"""The benchmark build stores exactly the rows the app's repositories would store."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from benchmarks import caseload
from benchmarks.build import build, insert_batch
from benchmarks.caseload import generate
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import search as search_service
from imsa_desktop.store.vault import Vault

TABLES = {
    "cases": "SELECT rowid, * FROM cases ORDER BY rowid",
    "records": "SELECT rowid, * FROM records ORDER BY rowid",
    "search": "SELECT rowid, case_id, record_id, kind, title, body, alt FROM search ORDER BY rowid",
    "search_map": "SELECT record_id, case_id, fts_rowid FROM search_map ORDER BY fts_rowid",
}


def _rows(vault: Vault) -> dict[str, list[tuple[object, ...]]]:
    assert vault.conn is not None
    return {name: vault.conn.execute(sql).fetchall() for name, sql in TABLES.items()}


def test_bulk_rows_equal_the_rows_written_case_by_case_through_the_repositories(tmp_path: Path) -> None:
    cases = list(itertools.islice(generate("quick", 4), 1, 4))
    assert sum(len(sc.events) for sc in cases) > 100 and any(sc.attachments for sc in cases)

    bulk, _ = Vault.create(tmp_path / "bulk.imsa", "bulk passphrase (test)", "Test Advocate", TEST_PARAMS)
    app, _ = Vault.create(tmp_path / "app.imsa", "app passphrase (test)", "Test Advocate", TEST_PARAMS)
    try:
        assert bulk.conn is not None
        bulk.conn.execute("BEGIN IMMEDIATE")
        insert_batch(bulk.conn, cases)
        bulk.conn.execute("COMMIT")
        with app.unit_of_work() as uow:
            for sc in cases:
                uow.cases.add(sc.case)
                for event in sc.events:
                    uow.events.add(event)
                for item in sc.evidence:
                    uow.evidence.add(item)
            uow.commit()
        got, want = _rows(bulk), _rows(app)
    finally:
        bulk.close()
        app.close()
    assert len(want["records"]) == sum(len(sc.events) + len(sc.evidence) for sc in cases)
    for name in TABLES:
        assert got[name] == want[name], name


def test_a_small_build_opens_as_an_ordinary_vault_with_every_record_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMSA_BENCH_CACHE", str(tmp_path / "cache"))
    tiny = {"cases": 4, "events": 1_030, "notes": 12, "attachments": 2, "big_file_mib": 1}
    monkeypatch.setitem(caseload.SIZES, "tiny", tiny)
    built = build("tiny", 1)
    assert built.info["cases"] == 4 and built.info["events"] == 1_030 and built.info["attachments"] == 2
    vault = built.open_vault()
    try:
        assert vault.conn is not None
        assert vault.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 1_030 + 12 + 2
        names = [s.display_name for s in case_service.list_cases(vault.unit_of_work())]
        assert len(names) == 4
        found = search_service.search_cases(vault.unit_of_work(), names[0].split()[0])
        assert found
        assert vault.conn.execute("SELECT count(*) FROM attachments WHERE complete = 1").fetchone()[0] == 2
        in_vault = _rows(vault)
    finally:
        vault.close()
    # The plain twin (written without journal or fsync) is whole and holds the vault's rows.
    plain = sqlite3.connect(built.plain_path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for name in ("cases", "records", "search_map"):
            assert plain.execute(TABLES[name]).fetchall() == in_vault[name], name
        assert plain.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] > 0
    finally:
        plain.close()
