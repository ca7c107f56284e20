"""Contacts: the fingerprint grouped for reading by phone, marking a contact verified, removing a
contact, and adding a colleague from inside the share wizard."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imsa_desktop.bundle import new_identity
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.ui.features import bundles as feature
from imsa_desktop.ui.session import Session

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))


def _card() -> str:
    ident = new_identity()
    return identity_service.contact_card(ident.age_public, ident.signing_public_b64)


@pytest.fixture
def session(vault, vault_path, clock, app):  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock)
    s.attach(vault)
    identity_service.add_contact(s.uow(), "Paweł Wiśniewski", _card())
    return s


def test_fingerprint_in_groups_verify_and_remove(session: Session, qtbot) -> None:
    dialog = feature.IdentityDialog(session)
    qtbot.addWidget(dialog)
    (pawel,) = identity_service.list_contacts(session.uow())
    shown = dialog.table.text(0, 1)
    groups = pawel.fingerprint.split()
    assert shown == f"{groups[0]} {groups[1]}  {groups[2]} {groups[3]}  {groups[4]}"
    assert dialog.table.text(0, 2) == "Not verified"
    assert not dialog.verify_button.isEnabled()  # nothing selected yet
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.table.text(0, 2) == "✓ Verified"
    assert identity_service.list_contacts(session.uow())[0].verified is True
    dialog.show()
    dialog.grab().save(str(SHOTS / "contacts_verified.png"))

    dialog.table.selectRow(0)
    dialog.confirm_remove = lambda c: False  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert len(identity_service.list_contacts(session.uow())) == 1  # said No: nothing removed
    asked: list[str] = []
    dialog.confirm_remove = lambda c: asked.append(c.name) or True  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert asked == ["Paweł Wiśniewski"]
    assert identity_service.list_contacts(session.uow()) == []
    assert dialog.table.rowCount() == 0
    assert dialog.banner.text() == "Paweł Wiśniewski was removed from your contacts."


def test_add_a_colleague_from_inside_the_share_wizard(session: Session, qtbot) -> None:
    cid = case_service.add_case(
        session.uow(),
        {
            "survivor": {"full_name": "Nguyễn Văn Minh"},
            "consents": [{"purpose": "share_advocate", "date": "2025-01-10", "scope": ["case"]}],
        },
    )
    wizard = feature.ExportWizard(session, preselect=[cid])
    qtbot.addWidget(wizard)
    assert wizard.contacts.count() == 1
    qtbot.mouseClick(wizard.add_colleague, Qt.MouseButton.LeftButton)
    add = wizard.add_dialog
    assert add.isVisible()
    card = _card()
    add.name.setText("Hawa Abdi (هوا عبدي)")
    add.key.setText(card)
    age, signing = identity_service.parse_key(card)
    assert add.fingerprint.text().replace(" ", "") == identity_service.fingerprint(signing).replace(" ", "")
    add.verified.setChecked(True)
    add.grab().save(str(SHOTS / "add_colleague.png"))
    add._accept()
    assert not add.isVisible()
    names = [wizard.contacts.item(i).text() for i in range(wizard.contacts.count())]
    assert "Hawa Abdi (هوا عبدي)  ✓ verified" in names
    checked = [
        wizard.contacts.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(wizard.contacts.count())
        if wizard.contacts.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert checked == [age] and wizard.to_contacts.isChecked()

    # A bad card is one sentence in the little dialog; the wizard keeps what it had.
    qtbot.mouseClick(wizard.add_colleague, Qt.MouseButton.LeftButton)
    bad = wizard.add_dialog
    bad.name.setText("Arbër Hoxha")
    bad.key.setText("not a key")
    bad._accept()
    assert bad.isVisible() and "not a public key" in bad.banner.text()
    assert wizard.contacts.count() == 2
