"""A whole-vault backup carries the whole vault, and an erased case is in no later backup.

Restoring gives back the cases, the letters with the exact PDF that was sent, the
organisation's letterhead settings, privacy settings and the audit log. A backup made after a
case was erased holds no trace of it: the backup is decrypted and its plaintext scanned.
"""

from __future__ import annotations

import io
import tarfile
from datetime import UTC, date, datetime
from pathlib import Path

import pyrage
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import backup as backup_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import letters as letter_service
from imsa_desktop.services import privacy
from imsa_desktop.services import settings as settings_service
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.helpers import gp_letter_choices
from tests.unit.test_services_letters import CASE_DOC, TODAY

BACKUP_PASS = "a separate long passphrase for this backup"
NOW = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


def _vault(path: Path) -> Vault:
    v, _ = Vault.create(path, PASSPHRASE, "Sam Example (fictional)", TEST_PARAMS)
    return v


def test_restore_brings_back_letters_settings_and_audit(tmp_path: Path) -> None:
    source = _vault(tmp_path / "a" / "a.imsa")
    try:
        case_id = case_service.add_case(source.unit_of_work(), CASE_DOC, clock=_clock, today=TODAY)
        draft = letter_service.draft_letter(
            source.unit_of_work(),
            case_id,
            "dec-rg",
            gp_letter_choices(),
            today=TODAY,
            default_signatory="Sam Example",
        )
        rec = letter_service.save_draft(source.unit_of_work(), draft, clock=_clock)
        letter_service.mark_sent(
            source.unit_of_work(), rec.id, sent_on=date(2025, 2, 3), today=date(2025, 2, 3)
        )
        sent_pdf = letter_service.sent_pdf(source.unit_of_work(), rec.id)
        settings_service.save_settings(
            source.unit_of_work(), settings_service.PrivacySettings(idle_minutes=2, retention_months=24)
        )
        with source.unit_of_work() as u:
            audit_before = [(e.actor, e.action, e.case_id) for e in u.audit.entries()]
        out = tmp_path / "vault.backup"
        backup_service.backup_vault(source.unit_of_work(), out, passphrase=BACKUP_PASS)
    finally:
        source.close()

    target = _vault(tmp_path / "b" / "b.imsa")
    try:
        backup_service.restore_into(target.unit_of_work(), out, passphrase=BACKUP_PASS)
        uow = target.unit_of_work()
        (letter,) = letter_service.list_letters(uow, case_id)
        assert letter.id == rec.id and letter.sent_on == date(2025, 2, 3)
        assert letter_service.sent_pdf(target.unit_of_work(), rec.id) == sent_pdf
        restored = settings_service.load_settings(target.unit_of_work())
        assert (restored.idle_minutes, restored.retention_months) == (2, 24)
        with target.unit_of_work() as u:
            audit_after = [(e.actor, e.action, e.case_id) for e in u.audit.entries(limit=10_000)]
        for entry in audit_before:  # every earlier entry, with who did it, came back
            assert entry in audit_after
        assert ("Sam Example (fictional)", "restored", None) in audit_after
    finally:
        target.close()


def _plaintext_of(backup: Path) -> bytes:
    """Decrypt as docs/bundle-format.md says: split the tar, unwrap key.age, decrypt payload.age."""
    with tarfile.open(backup) as outer:
        assert outer.getnames() == ["key.age", "payload.age"]
        key_file = age_passphrase.decrypt(_member(outer, "key.age"), BACKUP_PASS).decode("ascii")
        (secret,) = [line for line in key_file.splitlines() if line.startswith("AGE-SECRET-KEY-")]
        payload = pyrage.decrypt(_member(outer, "payload.age"), [x25519.Identity.from_str(secret)])
    with tarfile.open(fileobj=io.BytesIO(payload)) as tar:  # it is a valid tar underneath
        assert tar.getnames()[0] == "manifest.json"
    return payload


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    handle = archive.extractfile(name)
    assert handle is not None
    return handle.read()


def test_a_backup_made_after_erasure_holds_no_trace_of_the_case(tmp_path: Path) -> None:
    vault = _vault(tmp_path / "v" / "v.imsa")
    try:
        kept = case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}})
        gone = case_service.add_case(
            vault.unit_of_work(),
            {
                "survivor": {"full_name": "Paweł Wiśniewski", "aliases": ["Pawel W."]},
                "notes": "Slept in the van behind the Thornbury car wash",
                "evidence": [{"title": "Payslips", "body": "Thornbury wage slips, unsigned"}],
            },
        )
        before = tmp_path / "before.backup"
        backup_service.backup_vault(vault.unit_of_work(), before, passphrase=BACKUP_PASS)
        assert "Wiśniewski".encode() in _plaintext_of(before)  # the scan can see a case

        privacy.erase_case_in_vault(vault, gone)
        after = tmp_path / "after.backup"
        backup_service.backup_vault(vault.unit_of_work(), after, passphrase=BACKUP_PASS)
    finally:
        vault.close()
    plain = _plaintext_of(after)
    for text in ("Wiśniewski", "Paweł", "Pawel W.", "Thornbury", "car wash", f"cases/{gone}.json"):
        assert text.encode("utf-8") not in plain, text
    assert "Arbër Hoxha".encode() in plain and kept.encode() in plain
    # The case id survives only in the audit log's tombstone ("case erased"), as the issue allows.
    record = plain[plain.index(b'"audit": [') :]
    mentions = record.count(gone.encode())
    assert mentions == 1 and b'"detail": "case erased"' in record


def test_a_failed_backup_keeps_the_previous_one(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    vault = _vault(tmp_path / "v" / "v.imsa")
    try:
        case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}})
        out = tmp_path / "vault.backup"
        backup_service.backup_vault(vault.unit_of_work(), out, passphrase=BACKUP_PASS)
        good = out.read_bytes()

        def interrupted(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(backup_service, "verify_bundle", interrupted)
        with pytest.raises(KeyboardInterrupt):
            backup_service.backup_vault(vault.unit_of_work(), out, passphrase=BACKUP_PASS)
    finally:
        vault.close()
    assert out.read_bytes() == good  # the last good backup is still there, unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v", "vault.backup"]  # no temp left
