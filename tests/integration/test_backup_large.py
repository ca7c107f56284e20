"""Passphrase backups of any size (issue 19): no 128 MiB limit, standard age, bounded memory.

A vault holding a 150 MiB scan backs up with a passphrase; the reference `age` tool (Debian's
`age`, through its terminal prompt) reads the backup after `tar` splits it as
docs/bundle-format.md says; the backup restores. A damaged one restores nothing. (Memory:
test_backup_memory.py.) Nothing here is timed.
"""

from __future__ import annotations

import hashlib
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.errors import BundleCorrupt
from imsa_desktop.services import backup as backup_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import evidence as ev
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.integration.test_bundle_age_cli import _age_decrypt_with_passphrase

BACKUP_PASS = "ogni settimana, una copia: Trần Thị Mai"
MIB = 1024 * 1024


def _write_scan(path: Path, size: int) -> str:
    """A pseudo-random file (so nothing compresses), written 1 MiB at a time; its SHA-256."""
    block = hashlib.sha256(b"fictional scan").digest() * (MIB // 32)
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(size // MIB):
            chunk = i.to_bytes(8, "big") + block[8:]
            f.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


def _sha_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MIB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _vault_with_scan(folder: Path, size: int) -> tuple[Vault, str, str, str]:
    vault, _ = Vault.create(folder / "cases.imsa", PASSPHRASE, "Selam Tesfaye (fictional)", TEST_PARAMS)
    case_id = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Hagos Gebremariam ሓጎስ"},
            "evidence": [{"id": "ev-scan", "title": "Scanned statement"}],
        },
    )
    scan = folder / "statement.pdf"
    sha = _write_scan(scan, size)
    info = ev.attach_file(vault.unit_of_work(), case_id, "ev-scan", scan)
    scan.unlink()
    return vault, case_id, info.id, sha


def _backed_up_scan(tmp_path: Path, size: int, name: str) -> tuple[Path, Any, str, str, str]:
    """A vault in tmp_path/a with one scan of ``size`` bytes, backed up with BACKUP_PASS to
    tmp_path/``name`` and closed: (backup, result, case id, attachment id, sha256 of the scan)."""
    (tmp_path / "a").mkdir()
    vault, case_id, attachment_id, sha = _vault_with_scan(tmp_path / "a", size)
    out = tmp_path / name
    try:
        result = backup_service.backup_vault(vault.unit_of_work(), out, passphrase=BACKUP_PASS)
    finally:
        vault.close()
    return out, result, case_id, attachment_id, sha


@pytest.mark.slow
def test_a_150_mib_vault_backs_up_with_its_passphrase_age_reads_it_and_it_restores(tmp_path: Path) -> None:
    age = shutil.which("age")
    assert age, "the reference age tool is required for this test: apt-get install -y age"
    out, result, case_id, attachment_id, sha = _backed_up_scan(tmp_path, 150 * MIB, "weekly.imsa-backup")
    assert (result.case_count, result.attachment_count) == (1, 1)
    assert out.stat().st_size > 150 * MIB

    # the reference tool, with the passphrase typed at its prompt
    payload = tmp_path / "payload.tar"
    assert _age_decrypt_with_passphrase(age, out, payload, BACKUP_PASS) == 0
    with tarfile.open(payload, mode="r|") as archive:
        names = []
        for info in archive:
            names.append(info.name)
            if info.name == f"attachments/{attachment_id}":
                handle = archive.extractfile(info)
                assert handle is not None
                digest = hashlib.sha256()
                for chunk in iter(lambda: handle.read(MIB), b""):  # noqa: B023 - used at once
                    digest.update(chunk)
                assert digest.hexdigest() == sha
    assert names[:3] == ["manifest.json", "manifest.sig", f"cases/{case_id}.json"]
    payload.unlink()
    shutil.rmtree(tmp_path / "parts")

    (tmp_path / "b").mkdir()
    target, _ = Vault.create(tmp_path / "b" / "restored.imsa", PASSPHRASE, "Selam Tesfaye", TEST_PARAMS)
    try:
        backup_service.restore_into(target.unit_of_work(), out, passphrase=BACKUP_PASS)
        restored = ev.extract_attachment(target.unit_of_work(), case_id, attachment_id, tmp_path / "back.pdf")
        assert _sha_of_file(restored) == sha
        doc = case_service.get_case(target.unit_of_work(), case_id)
        assert doc.survivor.full_name == "Hagos Gebremariam ሓጎስ"
    finally:
        target.close()


def test_a_damaged_or_truncated_passphrase_backup_restores_nothing(tmp_path: Path) -> None:
    out = _backed_up_scan(tmp_path, 2 * MIB, "small.imsa-backup")[0]
    data = out.read_bytes()
    for n, damaged in enumerate(
        (data[: len(data) - 20_000], data[:MIB] + bytes([data[MIB] ^ 4]) + data[MIB + 1 :])
    ):
        bad = tmp_path / f"bad{n}.imsa-backup"
        bad.write_bytes(damaged)
        target, _ = Vault.create(tmp_path / f"r{n}" / "r.imsa", PASSPHRASE, "Selam Tesfaye", TEST_PARAMS)
        try:
            with pytest.raises(BundleCorrupt) as info:
                backup_service.restore_into(target.unit_of_work(), bad, passphrase=BACKUP_PASS)
            assert info.value.user_message.count(". ") == 0 and info.value.user_message.endswith(".")
            assert case_service.list_cases(target.unit_of_work()) == []
            assert target.conn is not None
            assert target.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
        finally:
            target.close()
