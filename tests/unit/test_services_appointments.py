"""Appointments: validation, the agenda across cases, reminders without names, the dashboard."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from imsa_desktop.domain.model import Appointment, AppointmentKind, CaseStatus
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services import appointments as svc
from imsa_desktop.services import cases as case_service
from imsa_desktop.services.dashboard import today_overview

TODAY = date(2025, 2, 1)


def _case(vault, name: str, **extra) -> str:  # type: ignore[no-untyped-def]
    return case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": name}, **extra}, today=TODAY
    )


def _appt(cid: str, start: str, **kw) -> Appointment:  # type: ignore[no-untyped-def]
    kw.setdefault("title", "Solicitor meeting")
    return Appointment(case_id=cid, start=datetime.fromisoformat(start), **kw)


def test_validation_messages(vault, clock) -> None:  # type: ignore[no-untyped-def]
    cid = _case(vault, "Nguyễn Thị Hồng")
    with pytest.raises(InvalidInput, match="title"):
        svc.save_appointment(vault.unit_of_work(), _appt(cid, "2025-02-03T10:00", title="  "), clock=clock)
    with pytest.raises(InvalidInput, match="end before it starts"):
        svc.save_appointment(
            vault.unit_of_work(),
            _appt(cid, "2025-02-03T10:00", end=datetime(2025, 2, 3, 9, 0)),
            clock=clock,
        )
    with pytest.raises(InvalidInput, match="language"):
        svc.save_appointment(
            vault.unit_of_work(), _appt(cid, "2025-02-03T10:00", interpreter_needed=True), clock=clock
        )
    with pytest.raises(InvalidInput, match="not a date and time"):
        svc.parse_local("2025-02-30T10:00")
    assert svc.for_case(vault.unit_of_work(), cid) == []


def test_add_edit_delete_and_agenda_across_cases(vault, clock) -> None:  # type: ignore[no-untyped-def]
    a = _case(vault, "Arbër Hoxha")
    b = _case(vault, "ሰላም ተስፋይ")
    first = svc.save_appointment(
        vault.unit_of_work(), _appt(a, "2025-02-03T14:00", kind=AppointmentKind.GP), clock=clock
    )
    svc.save_appointment(
        vault.unit_of_work(), _appt(b, "2025-02-03T09:30", kind=AppointmentKind.POLICE), clock=clock
    )
    svc.save_appointment(vault.unit_of_work(), _appt(b, "2025-02-09T09:30"), clock=clock)
    day = svc.agenda(vault.unit_of_work(), date(2025, 2, 3))
    assert [(i.case_id, i.appointment.start.hour) for i in day] == [(b, 9), (a, 14)]
    week = svc.agenda(vault.unit_of_work(), svc.week_start(date(2025, 2, 5)), 7)
    assert len(week) == 3
    edited = svc.save_appointment(
        vault.unit_of_work(), _appt(a, "2025-02-04T11:00", id=first.id, title="GP review"), clock=clock
    )
    assert [x.title for x in svc.for_case(vault.unit_of_work(), a)] == ["GP review"]
    assert edited.created_at == first.created_at
    svc.delete_appointment(vault.unit_of_work(), a, first.id)
    assert svc.for_case(vault.unit_of_work(), a) == []
    with pytest.raises(NotFound):
        svc.delete_appointment(vault.unit_of_work(), a, first.id)


def test_reminders_use_code_and_kind_never_the_name_or_title(vault, clock) -> None:  # type: ignore[no-untyped-def]
    cid = _case(vault, "Paweł Wiśniewski")
    svc.save_appointment(
        vault.unit_of_work(),
        _appt(cid, "2025-02-03T10:00", title="Paweł: talk about the farm", kind=AppointmentKind.LEGAL),
        clock=clock,
    )
    early = svc.due_reminders(vault.unit_of_work(), datetime(2025, 2, 3, 8, 30))
    assert early == []
    due = svc.due_reminders(vault.unit_of_work(), datetime(2025, 2, 3, 9, 15))
    assert len(due) == 1
    text = due[0].reminder_text
    code = case_service.load_case(vault.unit_of_work(), cid).code
    assert code in text and "Solicitor / legal" in text and "10:00" in text
    assert "Paweł" not in text and "farm" not in text
    assert svc.due_reminders(vault.unit_of_work(), datetime(2025, 2, 3, 9, 15), {due[0].appointment.id}) == []
    assert svc.due_reminders(vault.unit_of_work(), datetime(2025, 2, 3, 10, 1)) == []


def test_dashboard_lists_overdue_week_appointments_and_lost_contact(vault, clock) -> None:  # type: ignore[no-untyped-def]
    overdue = _case(vault, "Arbër Hoxha", referral={"date": "2025-01-02"})
    soon = _case(
        vault,
        "Nguyễn Thị Hồng",
        decisions=[{"kind": "reasonable_grounds", "outcome": "negative", "date": "2025-01-05"}],
    )
    lost = _case(vault, "ሰላም ተስፋይ")
    case_service.set_status(vault.unit_of_work(), lost, CaseStatus.LOST_CONTACT, "No answer", clock=clock)
    svc.save_appointment(vault.unit_of_work(), _appt(soon, "2025-02-01T15:00"), clock=clock)
    svc.save_appointment(vault.unit_of_work(), _appt(overdue, "2025-02-05T15:00"), clock=clock)
    svc.save_appointment(vault.unit_of_work(), _appt(overdue, "2025-03-05T15:00"), clock=clock)
    t = today_overview(vault.unit_of_work, TODAY)
    assert [d.case_id for d in t.overdue] == [overdue]
    # One month from 5 January 2025 (the 12 Feb 2024 rule): 5 February; JR's window is open too.
    assert [(d.case_id, d.deadline.rule.id, d.deadline.due) for d in t.due_this_week] == [
        (soon, "reconsideration_rg_2024", date(2025, 2, 5)),
        (soon, "judicial_review_ew", date(2025, 4, 5)),
    ]
    assert [a.case_id for a in t.appointments_today] == [soon]
    assert [a.case_id for a in t.appointments_week] == [overdue]
    assert [s.id for s in t.lost_contact] == [lost]
    assert not t.is_quiet
