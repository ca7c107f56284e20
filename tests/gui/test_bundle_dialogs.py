"""Share wizard, import preview with a conflict choice, identity page (pytest-qt)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.store.vault import Vault
from imsa_desktop.ui.features import bundles as feature
from imsa_desktop.ui.session import Session
from tests.conftest import PASSPHRASE
from tests.helpers import case_doc

# Screenshots for docs/ are written only on request (IMSA_SCREENSHOTS_DIR=docs/screenshots);
# a test run never changes the repository.
SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))
PHRASE = "lantern meadow quartz seventeen harbour"


@pytest.fixture
def setup(vault, vault_path, clock, tmp_path, qtbot):  # type: ignore[no-untyped-def]
    session = Session(vault_path, clock=clock)
    session.attach(vault)
    scope = ["case", "attachments", "safeguarding", "contact_details"]
    consent = {"purpose": "share_advocate", "date": "2025-01-10", "consent_type": "written", "scope": scope}
    recruited = {"date": "2024-06-01", "title": "Recruited with a false job offer"}
    doc = case_doc("Nguyễn Thị Hồng", consents=[consent], events=[recruited])
    cid = case_service.add_case(vault.unit_of_work(), doc, clock=clock)
    other_path = tmp_path / "other" / "o.imsa"
    other, _ = Vault.create(other_path, PASSPHRASE, "Paweł Wiśniewski", TEST_PARAMS, clock=clock)
    card = identity_service.my_identity(other.unit_of_work()).card
    identity_service.add_contact(vault.unit_of_work(), "Paweł Wiśniewski", card)
    yield session, cid, other, tmp_path
    other.close()


def test_export_wizard_shares_to_a_contact_with_consent_shown(setup, qtbot) -> None:
    session, cid, other, tmp = setup
    wizard = feature.ExportWizard(session, preselect=[cid])
    qtbot.addWidget(wizard)
    assert "“Share with another advocate or organisation”" in wizard.consent.text()
    assert wizard.inc_attachments.isChecked() and wizard.inc_contact.isChecked()
    assert not wizard.reason.isVisibleTo(wizard)
    wizard.contacts.item(0).setCheckState(Qt.CheckState.Checked)
    wizard.inc_safeguarding.setChecked(False)
    wizard.out.setText(str(tmp / "to-pawel.imsabundle"))
    wizard.show()
    wizard.grab().save(str(SHOTS / "export_wizard.png"))
    qtbot.mouseClick(wizard.share, Qt.MouseButton.LeftButton)
    assert wizard.result_info is not None and wizard.result_info.recipients == "Paweł Wiśniewski"
    report = bundle_service.import_bundle(other.unit_of_work(), tmp / "to-pawel.imsabundle")
    assert [p.case_id for p in report.cases] == [cid] and report.cases[0].withheld == ["safeguarding"]

    # Sharing again to the same file name asks first; saying No leaves the earlier bundle alone.
    before = (tmp / "to-pawel.imsabundle").read_bytes()
    asked: list[str] = []
    wizard.confirm_overwrite = lambda out: asked.append(out.name) or False  # type: ignore[method-assign]
    wizard.share.setEnabled(True)
    wizard.start()
    assert asked == ["to-pawel.imsabundle"]
    assert (tmp / "to-pawel.imsabundle").read_bytes() == before
    wizard.out.setText("  ")
    wizard.start()
    assert wizard.banner.text() == "Please choose where to save the bundle."


def test_export_wizard_refuses_a_weak_passphrase_in_one_sentence(setup, qtbot) -> None:
    session, cid, _other, tmp = setup
    wizard = feature.ExportWizard(session, preselect=[cid])
    qtbot.addWidget(wizard)
    wizard.to_passphrase.setChecked(True)
    qtbot.keyClicks(wizard.passphrase, "password1")
    wizard.out.setText(str(tmp / "weak.imsabundle"))
    qtbot.mouseClick(wizard.share, Qt.MouseButton.LeftButton)
    assert "too easy to guess" in wizard.banner.text()
    assert not (tmp / "weak.imsabundle").exists()


def test_import_preview_shows_sender_and_conflict_and_applies_the_choice(setup, qtbot) -> None:
    session, cid, other, tmp = setup
    first = tmp / "first.imsabundle"
    bundle_service.export_cases(session.uow(), [cid], first, passphrase=PHRASE)
    bundle_service.import_bundle(other.unit_of_work(), first, passphrase=PHRASE)
    event_id = case_service.show_case(session.uow(), cid, audit=False)["events"][0]["id"]
    case_service.update_case(session.uow(), cid, {"events": [{"id": event_id, "title": "Recruited online"}]})
    case_service.update_case(
        other.unit_of_work(), cid, {"events": [{"id": event_id, "title": "Recruited by a cousin"}]}
    )
    my_card = identity_service.my_identity(session.uow()).card
    identity_service.add_contact(other.unit_of_work(), "Arbër Hoxha", my_card)
    back = tmp / "back.imsabundle"
    bundle_service.export_cases(other.unit_of_work(), [cid], back, recipients=[my_card])

    dialog = feature.ImportPreviewDialog(session, back)
    qtbot.addWidget(dialog)
    dialog.start()
    assert "Paweł Wiśniewski" in dialog.sender.text() and "in your address book" in dialog.sender.text()
    assert dialog.cases.item(0, 1).text() == "Conflicts"
    assert dialog.conflicts.rowCount() == 1 and "Recruited online" in dialog.conflicts.item(0, 1).text()
    dialog.show()
    dialog.grab().save(str(SHOTS / "import_preview.png"))
    dialog.set_choice(f"event:{event_id}", "theirs")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result is not None
    doc = case_service.show_case(session.uow(), cid, audit=False)
    assert doc["events"][0]["title"] == "Recruited by a cousin"


def test_identity_page_shows_card_qr_and_adds_a_contact(setup, qtbot) -> None:
    session, _cid, _other, _tmp = setup
    dialog = feature.IdentityDialog(session)
    qtbot.addWidget(dialog)
    assert dialog.card.text().startswith("imsa-contact:v1:age1")
    assert not dialog.qr.pixmap().isNull()
    from imsa_desktop.bundle import new_identity

    dialog.name.setText("ሰላም ተስፋይ")  # keyClicks cannot type Ethiopic script
    qtbot.keyClicks(dialog.key, new_identity().age_public)
    dialog.add_contact()
    names = [dialog.table.text(r, 0) for r in range(dialog.table.rowCount())]
    assert "ሰላም ተስፋይ" in names and "Paweł Wiśniewski" in names
    dialog.show()
    dialog.grab().save(str(SHOTS / "identity.png"))
    dialog.name.setText("Arbër Hoxha")
    qtbot.keyClicks(dialog.key, "not a key")
    dialog.add_contact()
    assert "not a public key" in dialog.banner.text()
