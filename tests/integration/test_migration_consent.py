"""Migration 7: an old vault's free-text consent becomes "purpose to be confirmed", never sharing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.domain.consent import ConsentPurpose, ConsentType
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.store import connection
from tests.conftest import PASSPHRASE
from tests.integration.test_migrations import _vault_at


def test_old_free_text_consent_is_migrated_to_be_confirmed(vault_path: Path) -> None:
    doc = _vault_at(vault_path, 6)
    vault = vault_service.unlock(vault_path, PASSPHRASE)
    vault.close()
    # Put an old-shape consent in the stored case, as a version-6 app wrote it, then migrate again.
    vault = vault_service.unlock(vault_path, PASSPHRASE)
    assert vault.conn is not None
    conn: connection.Connection = vault.conn
    (data,) = conn.execute("SELECT data FROM cases WHERE id = ?", (doc.case.id,)).fetchone()
    old = json.loads(data)
    old["consents"] = [
        {
            "id": "c-1",
            "created_at": "2025-01-10T09:00:00+00:00",
            "updated_at": "2025-01-10T09:00:00+00:00",
            "purpose": "Information sharing with IMSA colleagues",
            "date": "2025-01-10",
            "given": True,
            "notes": "",
        }
    ]
    conn.execute("UPDATE cases SET data = ? WHERE id = ?", (json.dumps(old), doc.case.id))
    conn.execute("PRAGMA user_version = 6")
    vault.close()

    vault = vault_service.unlock(vault_path, PASSPHRASE)
    try:
        assert vault.conn is not None
        (data,) = vault.conn.execute("SELECT data FROM cases WHERE id = ?", (doc.case.id,)).fetchone()
        (stored,) = json.loads(data)["consents"]
        assert stored["purpose"] == "to_be_confirmed"
        assert stored["purpose_detail"] == "Information sharing with IMSA colleagues"
        assert stored["consent_type"] == "not_recorded" and stored["scope"] == []
        case = case_service.load_case(vault.unit_of_work(), doc.case.id)
        (c,) = case.consents
        assert c.purpose is ConsentPurpose.TO_BE_CONFIRMED and c.consent_type is ConsentType.NOT_RECORDED
        assert bundle_service.sharing_consent(case, date(2025, 2, 1)) is None
    finally:
        vault.close()
