"""Enter in a dialog's field presses its primary button, and only that: a push button in a
QDialog is auto-default, so without an explicit default the first one after the focus became
the default (the Organisation dialog's "Choose logo…" opened a file chooser on Enter)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton

from imsa_desktop.services import organisation as org_service
from imsa_desktop.ui.dialogs.decision_dialog import DecisionDialog
from imsa_desktop.ui.dialogs.organisation_dialog import OrganisationDialog
from imsa_desktop.ui.dialogs.settings_dialog import SettingsDialog
from tests.gui.test_letter_builder import make_session


def drawn_default(dialog: QDialog) -> list[str]:
    """The text of the button(s) drawn as the one Enter presses."""
    return [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault() and b.isVisible()]


def shown(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def organisation(qtbot, app, vault, vault_path, clock, monkeypatch):  # type: ignore[no-untyped-def]
    chooser: list[str] = []

    def get_open_file_name(*args: Any, **kwargs: Any) -> tuple[str, str]:
        chooser.append("opened")
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(get_open_file_name))
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    dialog = shown(qtbot, OrganisationDialog(session))
    return dialog, session, chooser


def test_enter_in_a_letterhead_field_saves_it_and_opens_no_file_chooser(qtbot, organisation) -> None:  # type: ignore[no-untyped-def]
    dialog, session, chooser = organisation
    assert drawn_default(dialog) == ["Save letterhead"]
    dialog.name.setFocus()
    dialog.name.setText("Example Anti-Slavery Advocacy Service")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert chooser == []
    assert dialog.banner.text().startswith("Letterhead saved.")
    assert org_service.get_settings(session.uow()).name == "Example Anti-Slavery Advocacy Service"
    assert dialog.isVisible()  # saving the letterhead does not close the dialog


def test_after_visiting_the_logo_button_enter_in_a_field_still_saves(qtbot, organisation) -> None:  # type: ignore[no-untyped-def]
    dialog, session, chooser = organisation
    dialog.logo_button.setFocus()
    assert drawn_default(dialog) == ["Choose logo…"]  # a focused button is the one Enter presses
    dialog.email.setFocus()
    assert drawn_default(dialog) == ["Save letterhead"]
    dialog.email.setText("office@example.org")
    qtbot.keyClick(dialog.email, Qt.Key.Key_Enter)
    assert chooser == []
    assert org_service.get_settings(session.uow()).email == "office@example.org"


def test_edit_dialogs_default_to_save(qtbot, app, vault, vault_path, clock) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    assert drawn_default(shown(qtbot, SettingsDialog(session))) == ["Save"]
    assert drawn_default(shown(qtbot, DecisionDialog(None))) == ["Save"]
