"""Appointments: a week view with a date picker; the interpreter need and language come from the
profile; long columns are cut with "…" and shown whole in a tooltip."""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from imsa_desktop.domain.model import Appointment, AppointmentKind
from imsa_desktop.services import appointments as appointment_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.features.appointments import AppointmentsTab, WeekView
from imsa_desktop.ui.session import Session

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))
TODAY = date(2025, 2, 1)  # a Saturday
LONG = "Solicitor at Example Law LLP (fictional): witness statement and the asylum interview bundle"


@pytest.fixture
def setup(vault, vault_path, clock, app):  # type: ignore[no-untyped-def]
    session = Session(vault_path, clock=clock, today=lambda: TODAY)
    session.attach(vault)
    a = case_service.add_case(
        session.uow(),
        {"survivor": {"full_name": "Nguyễn Thị Lan", "languages": ["vi"], "interpreter_needed": True,
                      "interpreter_language": "Vietnamese (northern)"}},
    )  # fmt: skip
    b = case_service.add_case(session.uow(), {"survivor": {"full_name": "Arbër Hoxha"}})
    for cid, start, kind, title in (
        (a, datetime(2025, 1, 27, 10, 0), AppointmentKind.LEGAL, LONG),
        (b, datetime(2025, 1, 29, 14, 30), AppointmentKind.GP, "GP review"),
        (a, datetime(2025, 2, 4, 9, 0), AppointmentKind.SCA_INTERVIEW, "SCA interview"),
    ):
        appointment_service.save_appointment(
            session.uow(), Appointment(case_id=cid, start=start, title=title, kind=kind, location="Croydon")
        )
    return session, a, b


def test_week_view_shows_monday_to_sunday_and_the_picker_moves_weeks(setup, qtbot) -> None:
    session, a, b = setup
    view = WeekView(session)
    qtbot.addWidget(view)
    assert view.heading.text().strip() == "27 January 2025 – 2 February 2025"
    headers = [view.table.horizontalHeaderItem(i).text() for i in range(7)]
    assert headers == ["Mon 27", "Tue 28", "Wed 29", "Thu 30", "Fri 31", "Sat 1 (today)", "Sun 2"]
    assert view.cell_text(0, 0) == "10:00 Nguyễn Thị Lan · Solicitor / legal"
    assert LONG in view.table.item(0, 0).toolTip()
    assert view.cell_text(0, 2) == "14:30 Arbër Hoxha · GP"
    view.show()
    view.grab().save(str(SHOTS / "appointments_week.png"))
    # The calendar picks any day; the view shows that day's week.
    view.day.calendar_action.trigger()
    assert view.day.popup is not None
    view.day.popup.clicked.emit(QDate(2025, 2, 5))
    assert view.heading.text().strip() == "3 February 2025 – 9 February 2025"
    assert view.cell_text(0, 1) == "09:00 Nguyễn Thị Lan · SCA interview"
    # Typed as people write it, then Enter.
    view.day.setText("27/1/2025")
    view.day.editingFinished.emit()
    assert view.heading.text().strip().startswith("27 January 2025")
    view.next_button.click()
    assert view.heading.text().strip().startswith("3 February 2025")
    opened: list[str] = []
    view.case_requested.connect(opened.append)
    view.table.cellDoubleClicked.emit(0, 1)
    assert opened == [a]


def test_new_appointment_takes_the_interpreter_from_the_profile_and_columns_elide(setup, qtbot) -> None:
    session, a, b = setup
    tab = AppointmentsTab(session)
    qtbot.addWidget(tab)
    tab.load(a)
    dialog = tab.make_dialog(None)
    assert dialog.interpreter.isChecked() and dialog.language.text() == "Vietnamese (northern)"
    other = AppointmentsTab(session)
    qtbot.addWidget(other)
    other.load(b)
    assert not other.make_dialog(None).interpreter.isChecked()
    assert tab.table.textElideMode() == Qt.TextElideMode.ElideRight
    row = next(r for r in range(tab.table.rowCount()) if tab.table.text(r, 2) == LONG)
    assert tab.table.tooltip(row, 2) == LONG
    tab.resize(900, 300)
    tab.show()
    tab.grab().save(str(SHOTS / "appointments.png"))
