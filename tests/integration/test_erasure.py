"""Erasing a case leaves no trace: not in the records, the search index, the attachments, the
audit log (beyond a tombstone), the decrypted database pages, the WAL or a plaintext copy."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlcipher3 import dbapi2 as sqlcipher

from imsa_desktop.errors import UnknownCase
from imsa_desktop.services import audit as audit_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import privacy
from imsa_desktop.services import search as search_service
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
from tests.conftest import PASSPHRASE

PAGE = 4096
RESERVE = 80  # SQLCipher 4 default: 16-byte IV + 64-byte HMAC-SHA512 per page

ERASED_NAME = "Arbër Hoxha"
ERASED_NOTE = "Worked unpaid at the Qyteza brickworks to repay a recruitment debt"
ATTACHMENT_MARK = b"ZEBRAQUILL attachment body 7731"
KEPT_NAME = "Paweł Wiśniewski"
# What must be gone, as bytes and as the search index's folded tokens.
GONE = [b"Hoxha", b"hoxha", b"Qyteza", b"qyteza", b"brickworks", "Arbër".encode(), ATTACHMENT_MARK]


def _doc(name: str, note: str) -> dict:
    return {
        "survivor": {"full_name": name, "nationality": "Albanian"},
        "events": [{"date": "2024-06-01", "title": "Arrived in the UK", "notes": note}],
        "evidence": [{"id": f"ev-{name[:3]}", "title": "Statement", "body": note}],
    }


def decrypted_pages(db: Path, key: bytes) -> bytes:
    """Every page of the SQLCipher file decrypted with the raw key (free pages included)."""
    raw = db.read_bytes()
    out = []
    for n in range(len(raw) // PAGE):
        page = raw[n * PAGE : (n + 1) * PAGE]
        start = 16 if n == 0 else 0  # page 1 starts with the salt
        iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out.append(dec.update(page[start : PAGE - RESERVE]) + dec.finalize())
    return b"".join(out)


def plaintext_copy(db: Path, key: bytes, out: Path) -> bytes:
    conn = sqlcipher.connect(str(db))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(f"ATTACH DATABASE '{out}' AS plaintext KEY ''")
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
    finally:
        conn.close()
    return out.read_bytes()


@pytest.fixture
def filled(vault: Vault, clock) -> tuple[Vault, str, str]:
    erased = case_service.add_case(vault.unit_of_work(), _doc(ERASED_NAME, ERASED_NOTE), clock=clock)
    kept = case_service.add_case(
        vault.unit_of_work(), _doc(KEPT_NAME, "Kept case note about the Zielona farm"), clock=clock
    )
    vault.unit_of_work().attachments.write(
        erased, "ev-Arb", "statement.txt", "text/plain", io.BytesIO(ATTACHMENT_MARK * 3000)
    )
    case_service.show_case(vault.unit_of_work(), erased)  # a "viewed" audit entry
    case_service.set_status(vault.unit_of_work(), erased, case_service.CaseStatus.CLOSED, "Moved abroad")
    return vault, erased, kept


def test_control_the_scanners_see_live_data(
    filled: tuple[Vault, str, str], vault_path: Path, tmp_path
) -> None:
    """Before erasure both scans find the name: the scans can fail."""
    vault, erased, _ = filled
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    key = bytes(unwrap_with_passphrase(vault_path, PASSPHRASE).key)
    assert b"Hoxha" in decrypted_pages(vault_path, key)
    assert b"Hoxha" in plaintext_copy(vault_path, key, tmp_path / "before.db")


def test_erased_case_leaves_only_a_tombstone(
    filled: tuple[Vault, str, str], vault_path: Path, tmp_path
) -> None:
    vault, erased, kept = filled
    result = privacy.erase_case_in_vault(vault, erased)
    assert result.attachments_removed == 1

    with pytest.raises(UnknownCase):
        case_service.show_case(vault.unit_of_work(), erased)
    assert [c.id for c in case_service.list_cases(vault.unit_of_work())] == [kept]
    assert search_service.search_cases(vault.unit_of_work(), "Hoxha") == []
    assert search_service.search_cases(vault.unit_of_work(), "brickworks") == []
    assert [g.case_id for g in search_service.search_cases(vault.unit_of_work(), "Wisniewski")] == [kept]
    assert vault.unit_of_work().attachments.for_case(erased) == []

    entries = audit_service.list_entries(vault.unit_of_work(), audit_service.AuditFilter(case_id=erased))
    assert [(e.action, e.detail) for e in entries] == [("erased", "case erased")]
    assert vault.integrity_ok()

    # The WAL is empty and no decrypted page (free pages included) holds the case.
    wal = vault_path.with_name(vault_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    key = bytes(unwrap_with_passphrase(vault_path, PASSPHRASE).key)
    pages = decrypted_pages(vault_path, key)
    assert "Wiśniewski".encode() in pages  # the kept case is still readable
    assert [n for n in GONE if n in pages] == []
    plain = plaintext_copy(vault_path, key, tmp_path / "after.db")
    assert "Wiśniewski".encode() in plain
    assert [n for n in GONE if n in plain] == []


def test_vault_reopens_after_erasure(filled: tuple[Vault, str, str], vault_path: Path) -> None:
    vault, erased, kept = filled
    privacy.erase_case_in_vault(vault, erased)
    vault.close()
    again = Vault.open(unwrap_with_passphrase(vault_path, PASSPHRASE))
    try:
        assert again.integrity_ok()
        assert case_service.show_case(again.unit_of_work(), kept)["survivor"]["full_name"] == KEPT_NAME
    finally:
        again.close()


def test_erasing_an_unknown_case_changes_nothing(filled: tuple[Vault, str, str]) -> None:
    vault, erased, _ = filled
    with pytest.raises(UnknownCase):
        privacy.erase_case_in_vault(vault, "no-such-case")
    assert case_service.show_case(vault.unit_of_work(), erased)["survivor"]["full_name"] == ERASED_NAME


def test_subject_access_export_is_readable(filled: tuple[Vault, str, str], tmp_path: Path, clock) -> None:
    from pypdf import PdfReader

    vault, erased, kept = filled
    out = tmp_path / "sar"
    out.mkdir()
    files = privacy.subject_access_export(vault.unit_of_work(), erased, out, clock=clock)

    summary = "".join(p.extract_text() for p in PdfReader(files.summary_pdf).pages)
    chronology = "".join(p.extract_text() for p in PdfReader(files.chronology_pdf).pages)
    assert "Hoxha" in summary
    assert "Arrived in the UK" in chronology
    data = json.loads(files.json.read_text(encoding="utf-8"))
    assert data["format"] == "imsa-subject-access/1"
    assert data["case"]["survivor"]["full_name"] == ERASED_NAME
    assert data["case"]["events"][0]["notes"] == ERASED_NOTE
    assert [a["filename"] for a in data["attachments"]] == ["statement.txt"]
    assert {"created", "viewed", "changed"} <= {e["action"] for e in data["audit"]}
    assert all(e["case_id"] == erased for e in data["audit"])
    assert KEPT_NAME not in files.json.read_text(encoding="utf-8")
    assert oct(files.json.stat().st_mode & 0o777) == "0o600"

    exported = audit_service.list_entries(
        vault.unit_of_work(), audit_service.AuditFilter(case_id=erased, action="exported")
    )
    assert [e.detail for e in exported] == ["subject access export"]

    with pytest.raises(privacy.InvalidInput, match="already exist"):
        privacy.subject_access_export(vault.unit_of_work(), erased, out, clock=clock)
