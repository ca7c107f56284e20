"""GUI: add an appointment in a case and see it on the Today dashboard; rows open their case."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QSystemTrayIcon

from imsa_desktop.domain.model import AppointmentKind, CaseStatus
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.session import Session

TODAY = date(2025, 2, 1)  # conftest FIXED_NOW is 1 February 2025 09:30 UTC (GMT)


@pytest.fixture
def setup(qtbot, vault, vault_path, clock):  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.appointments import AppointmentsTab
    from imsa_desktop.ui.features.dashboard import TodayDashboard

    a = case_service.add_case(
        vault.unit_of_work(),
        {"survivor": {"full_name": "Arbër Hoxha"}, "referral": {"date": "2025-01-02"}},
        clock=clock,
    )
    b = case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "ሰላም ተስፋይ"}}, clock=clock)
    case_service.set_status(vault.unit_of_work(), b, CaseStatus.LOST_CONTACT, "No answer", clock=clock)
    session = Session(vault_path, clock=clock, today=lambda: TODAY)
    session.attach(vault)
    dash = TodayDashboard(session)
    qtbot.addWidget(dash)
    tab = AppointmentsTab(session)
    qtbot.addWidget(tab)
    return session, dash, tab, a, b


def test_add_appointment_then_see_it_on_dashboard_and_open_case(setup, qtbot) -> None:  # type: ignore[no-untyped-def]
    session, dash, tab, a, b = setup
    dash.refresh()
    assert dash.overdue.item(0, 3).text() == "Arbër Hoxha"
    assert dash.lost.item(0, 1).text() == "ሰላም ተስፋይ"
    assert dash.appts_today.item(0, 0).text() == "No appointments today."

    tab.load(a)
    tab.add_button.click()
    dialog = tab.dialog
    dialog.title_edit.setText("")
    dialog.day.setText("2025-02-01")
    dialog.start.setTime(dialog.start.time().fromString("15:00", "HH:mm"))
    dialog.end.setTime(dialog.end.time().fromString("14:00", "HH:mm"))
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    save.click()
    assert dialog.isVisible() and "title" in dialog.banner.text()
    dialog.title_edit.setText("Solicitor: witness statement")
    save.click()
    assert "end before it starts" in dialog.banner.text()
    dialog.end.setTime(dialog.end.time().fromString("16:00", "HH:mm"))
    dialog.kind.set_value(AppointmentKind.LEGAL)
    dialog.interpreter.setChecked(True)
    dialog.language.setText("Albanian")
    dialog.location.setText("Example Law Centre")
    with qtbot.waitSignal(session.cases_changed):
        save.click()
    assert tab.table.rowCount() == 1
    assert tab.table.text(0, 0) == "1 February 2025, 15:00–16:00"
    assert tab.table.text(0, 4) == "Albanian"

    dash.refresh()
    assert dash.appts_today.item(0, 0).text() == "15:00–16:00"
    assert dash.appts_today.item(0, 2).text() == "Arbër Hoxha"
    assert "interpreter: Albanian" in dash.appts_today.item(0, 3).text()
    with qtbot.waitSignal(dash.open_case) as sig:
        dash.appts_today.cellClicked.emit(0, 1)
    assert sig.args == [a]
    with qtbot.waitSignal(dash.open_case) as sig:
        dash.lost.cellClicked.emit(0, 0)
    assert sig.args == [b]


def test_reminder_shows_code_and_kind_not_name(setup, qtbot, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.domain.model import Appointment
    from imsa_desktop.services import appointments as appointment_service

    session, dash, _tab, a, _b = setup
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    appointment_service.save_appointment(
        session.uow(),
        Appointment(
            case_id=a,
            start=datetime(2025, 2, 1, 10, 0),
            title="Arbër at the farm",
            kind=AppointmentKind.POLICE,
        ),
        clock=clock,
    )
    assert clock() == datetime(2025, 2, 1, 9, 30, tzinfo=UTC)  # 30 minutes before, reminder is 60
    texts = dash.reminders.check()
    code = case_service.load_case(session.uow(), a).code
    assert texts == [f"Case {code}: Police at 10:00 on 1 February 2025"]
    notice = dash.findChild(QMessageBox, "reminderNotice") or dash.reminders.notices[0]
    assert not notice.isModal() and "Arbër" not in notice.text()
    assert dash.banner.text() == f"Reminder: {texts[0]}"
    assert dash.reminders.check() == []  # shown once


def test_calendar_export_is_pseudonymous_unless_initials_are_ticked(setup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from icalendar import Calendar

    from imsa_desktop.domain.model import Appointment
    from imsa_desktop.services import appointments as appointment_service

    session, _dash, tab, case_id, _b = setup
    appointment_service.save_appointment(
        session.uow(), Appointment(case_id=case_id, start=datetime(2025, 2, 4, 10, 0), title="Solicitor")
    )
    tab.load(case_id)
    plain, initials = tmp_path / "plain.ics", tmp_path / "initials.ics"
    assert not tab.ics_initials.isChecked()  # pseudonymous unless the advocate opts in
    tab.write_ics(str(plain), with_initials=tab.ics_initials.isChecked())
    tab.ics_initials.setChecked(True)
    tab.write_ics(str(initials), with_initials=tab.ics_initials.isChecked())
    (plain_summary,), (initials_summary,) = (
        [str(e.get("SUMMARY")) for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT")]
        for p in (plain, initials)
    )
    assert "Arbër" not in plain_summary and "Hoxha" not in plain_summary and "A.H." not in plain_summary
    assert "(A.H.)" in initials_summary and "Hoxha" not in initials_summary
    assert "initials only" in tab.banner.text()


def test_a_long_list_shows_the_most_urgent_and_says_how_many_more(setup, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features import dashboard

    session, dash, _tab, _a, _b = setup
    for name in ("Paweł Wiśniewski", "Oksana Шевченко"):
        clock.advance(minutes=1)
        cid = case_service.new_case(session.uow(), name, clock=session.clock)
        case_service.set_status(session.uow(), cid, CaseStatus.LOST_CONTACT, "Phone off", clock=session.clock)
    monkeypatch.setattr(dashboard, "MAX_ROWS", 2)
    dash.refresh()
    assert [dash.lost.item(r, 1).text() for r in range(2)] == ["ሰላም ተስፋይ", "Paweł Wiśniewski"]  # oldest first
    assert dash.lost.item(0, 3).text() == "No answer"
    assert dash.lost.item(2, 0).text() == "… and 1 more (the most urgent are shown first)"
    assert "3 lost contact" in dash.summary.text()
