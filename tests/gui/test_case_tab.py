"""The add/edit/delete tab base: one banner for every failure, the table follows the vault."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from imsa_desktop.domain.model import Appointment
from imsa_desktop.services import appointments as appointment_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.features.appointments import AppointmentsTab
from imsa_desktop.ui.session import Session


@pytest.fixture
def tab(qtbot, vault, vault_path, clock):  # type: ignore[no-untyped-def]
    session = Session(vault_path, clock=clock)
    session.attach(vault)
    cid = case_service.new_case(session.uow(), "Zofia Wiśniewska", clock=clock)
    appointment_service.save_appointment(
        session.uow(),
        Appointment(case_id=cid, start=datetime(2025, 2, 3, 10, 0), title="Solicitor"),
        clock=clock,
    )
    t = AppointmentsTab(session)
    qtbot.addWidget(t)
    t.load(cid)
    return t


def test_delete_removes_the_row(tab: AppointmentsTab) -> None:
    assert tab.table.rowCount() == 1
    tab.table.selectRow(0)
    tab.delete_button.click()
    assert tab.table.rowCount() == 0


def test_a_failed_save_says_so_in_one_sentence_and_keeps_the_rows(tab: AppointmentsTab) -> None:
    tab.edit_button.click()  # nothing selected: nothing happens
    assert tab.dialog is None
    tab.table.selectRow(0)
    tab.edit_button.click()
    dialog = tab.dialog
    assert dialog is not None and dialog.title_edit.text() == "Solicitor"
    tab.session.lock()  # the vault locks while the dialog is open
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert "locked" in tab.banner.text().casefold()
    assert "Traceback" not in tab.banner.text()
    assert tab.table.rowCount() == 1 and tab.table.text(0, 2) == "Solicitor"
