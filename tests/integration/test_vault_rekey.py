"""Changing the passphrase rewraps the key; a 1 GiB vault is never re-encrypted."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.errors import WrongPassphrase
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault, keys_path
from tests.conftest import PASSPHRASE

MiB = 1024 * 1024
NEW_PASSPHRASE = "violet tundra mosaic lantern ferry"


def _fingerprint(path: Path) -> tuple[int, int, str]:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(8 * MiB):
            h.update(block)
    st = path.stat()
    return st.st_size, st.st_mtime_ns, h.hexdigest()


@pytest.mark.slow
def test_passphrase_change_on_a_1_gib_vault_leaves_the_database_untouched(vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    case_id = case_service.add_case(
        vault.unit_of_work(),
        {"survivor": {"full_name": "Paweł Wiśniewski"}, "evidence": [{"id": "ev", "title": "Scan"}]},
    )
    conn = vault.conn
    assert conn is not None
    # 1024 rows of 1 MiB in one transaction (random bytes: nothing compresses or dedups). To keep
    # the test fast the fill skips the WAL (each page written once); every open turns WAL back on.
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO attachments (id, case_id, evidence_id, filename, size, complete, created_at, updated_at)"
        " VALUES ('big', ?, 'ev', 'scan.bin', ?, 1, ?, ?)",
        (case_id, 1024 * MiB, "2025-02-01T09:30:00+00:00", "2025-02-01T09:30:00+00:00"),
    )
    chunk = os.urandom(MiB)
    conn.executemany(
        "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ('big', ?, ?)",
        ((i, i.to_bytes(4, "big") + chunk[4:]) for i in range(1024)),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    vault.close()
    assert vault_path.stat().st_size >= 1024 * MiB
    before = _fingerprint(vault_path)
    keys_before = keys_path(vault_path).read_bytes()

    opened = vault_service.unlock(vault_path, PASSPHRASE)
    vault_service.change_passphrase(opened, NEW_PASSPHRASE, params=TEST_PARAMS)
    opened.close()

    assert _fingerprint(vault_path) == before  # same bytes, same mtime: never re-encrypted
    assert keys_path(vault_path).read_bytes() != keys_before  # only the key slot changed
    with pytest.raises(WrongPassphrase):
        vault_service.unlock(vault_path, PASSPHRASE)
    again = vault_service.unlock(vault_path, NEW_PASSPHRASE)
    try:
        assert again.conn is not None
        assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert again.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 1024
        row = again.conn.execute("SELECT data FROM attachment_chunks WHERE seq = 777").fetchone()
        assert row[0] == (777).to_bytes(4, "big") + chunk[4:]
        assert [r.display_name for r in case_service.list_cases(again.unit_of_work())] == ["Paweł Wiśniewski"]
    finally:
        again.close()
        vault_path.unlink()  # pytest keeps recent tmp folders: do not leave 1 GiB behind
