"""Consent that means something: the Consent tab records purpose/type/witness/scope/expiry, and the
share wizard checks the purpose that fits a colleague and starts need-to-know from the scope."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imsa_desktop.domain.consent import ConsentPurpose, ConsentType
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.features import bundles as feature
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import ConsentTab

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))
PHRASE = "lantern meadow quartz seventeen harbour"


@pytest.fixture
def session(vault, vault_path, clock, app):  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock)
    s.attach(vault)
    return s


def _case(session: Session, consents: list[dict]) -> str:
    return case_service.add_case(
        session.uow(), {"survivor": {"full_name": "Lemlem Tesfay"}, "consents": consents}
    )


def test_consent_tab_records_purpose_type_witness_scope_and_expiry(session, qtbot) -> None:
    cid = _case(session, [{"purpose": "Share case with solicitor and SCA", "date": "2025-01-05"}])
    tab = ConsentTab(session)
    qtbot.addWidget(tab)
    tab.resize(1000, 620)
    tab.load(cid)
    # The old free-text record reads as "to be confirmed", with its words kept.
    assert tab.table.text(0, 0) == "Purpose to be confirmed — Share case with solicitor and SCA"
    tab.purpose.set_value(ConsentPurpose.SHARE_ADVOCATE)
    qtbot.keyClicks(tab.detail, "Kalayaan (fictional colleague)")
    qtbot.keyClicks(tab.date, "2025-01-20")
    tab.consent_type.set_value(ConsentType.VERBAL)
    qtbot.keyClicks(tab.witness, "Interpreter (Tigrinya)")
    tab.scope["safeguarding"].setChecked(True)
    qtbot.keyClicks(tab.expires, "2026-01-20")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.banner.text() == "Recorded."
    row = [tab.table.text(1, c) for c in range(6)]
    assert row[0] == "Share with another advocate or organisation — Kalayaan (fictional colleague)"
    assert row[2] == "Verbal, witness Interpreter (Tigrinya)"
    assert row[3] == "Case record, Safeguarding and safe-contact notes"
    assert row[4] == "Until 20 January 2026"
    (c,) = [c for c in case_service.load_case(session.uow(), cid).consents if c.witness]
    assert c.scope == ["case", "safeguarding"] and c.expires_on is not None
    tab.show()
    tab.grab().save(str(SHOTS / "consent.png"))

    # Withdrawing: the record stays, marked withdrawn on the given day.
    tab.table.selectRow(1)
    tab.withdrawn.setText("1/2/2025")
    qtbot.mouseClick(tab.withdraw_button, Qt.MouseButton.LeftButton)
    assert tab.banner.text() == "Recorded as withdrawn: Share with another advocate or organisation."
    assert tab.table.text(1, 4) == "Withdrawn 1 February 2025"
    tab.withdrawn.clear()

    # An expiry before the consent date is refused in one sentence and nothing is saved.
    tab.date.setText("2025-02-01")
    tab.expires.setText("2025-01-01")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.banner.text() == "The consent expires before it was given."
    assert len(case_service.load_case(session.uow(), cid).consents) == 2


def test_only_sca_consent_cannot_be_shared_with_a_colleague(session, qtbot, tmp_path) -> None:
    cid = _case(session, [{"purpose": "share_competent_authority", "date": "2025-01-05", "scope": ["case"]}])
    wizard = feature.ExportWizard(session, preselect=[cid])
    qtbot.addWidget(wizard)
    sentence = (
        "The consent recorded for Lemlem Tesfay covers only: “Share with the SCA/IECA”; "
        "it does not cover sharing with another advocate or organisation."
    )
    assert wizard.consent.text() == "⚠ " + sentence
    assert wizard.reason.isVisibleTo(wizard)
    wizard.to_passphrase.setChecked(True)
    wizard.passphrase.setText(PHRASE)
    out = tmp_path / "x.imsabundle"
    wizard.out.setText(str(out))
    qtbot.mouseClick(wizard.share, Qt.MouseButton.LeftButton)
    assert wizard.banner.text() == sentence.rstrip(".") + (
        "; record that consent, or give a reason to share without it."
    )
    assert not out.exists()


def test_need_to_know_starts_from_what_the_consent_covers(session, qtbot, tmp_path) -> None:
    cid = _case(
        session,
        [
            {
                "purpose": "share_advocate",
                "date": "2025-01-05",
                "consent_type": "written",
                "scope": ["case", "attachments"],
            }
        ],
    )
    wizard = feature.ExportWizard(session, preselect=[cid])
    qtbot.addWidget(wizard)
    assert wizard.consent.text().startswith("✓ Lemlem Tesfay: written consent")
    assert wizard.inc_attachments.isChecked()
    assert not wizard.inc_safeguarding.isChecked() and not wizard.inc_contact.isChecked()
    wizard.show()
    wizard.grab().save(str(SHOTS / "export_wizard_consent.png"))
    wizard.to_passphrase.setChecked(True)
    wizard.passphrase.setText(PHRASE)
    wizard.out.setText(str(tmp_path / "y.imsabundle"))
    qtbot.mouseClick(wizard.share, Qt.MouseButton.LeftButton)
    assert wizard.result_info is not None
    report = bundle_service.preview_import(session.uow(), tmp_path / "y.imsabundle", passphrase=PHRASE)
    assert report.cases[0].withheld == ["safeguarding", "contact_details"]
