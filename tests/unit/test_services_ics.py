"""iCalendar export: parses, right UTC on both sides of the clock change, pseudonymous by default."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from imsa_desktop.domain.model import Appointment, AppointmentKind
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import appointments as appt_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import ics

NAME = "Nguyễn Thị Hồng"


@pytest.fixture
def case_id(vault, clock) -> str:  # type: ignore[no-untyped-def]
    cid = case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": NAME}}, today=date(2025, 2, 1)
    )
    for start, kind in (
        ("2025-03-30T10:00", AppointmentKind.GP),
        ("2025-10-26T10:00", AppointmentKind.COURT),
    ):
        appt_service.save_appointment(
            vault.unit_of_work(),
            Appointment(
                case_id=cid,
                start=datetime.fromisoformat(start),
                title=f"{NAME} - private title",
                kind=kind,
                location="Example Health Centre",
                notes="secret note",
            ),
            clock=clock,
        )
    return cid


def _events(data: bytes) -> list:  # type: ignore[type-arg]
    cal = Calendar.from_ical(data)
    assert cal.walk("VTIMEZONE"), "a VTIMEZONE must be included"
    return list(cal.walk("VEVENT"))


def test_times_are_right_across_the_clock_change(vault, case_id, clock) -> None:  # type: ignore[no-untyped-def]
    result = ics.build_ics(vault.unit_of_work(), case_id=case_id, clock=clock)
    events = _events(result.data)
    assert result.count == 2
    starts = sorted(e.decoded("dtstart").astimezone(UTC) for e in events)
    # 30 March 2025 is the first day of BST (UTC+1); 26 October 2025 is back on GMT.
    assert starts == [datetime(2025, 3, 30, 9, 0, tzinfo=UTC), datetime(2025, 10, 26, 10, 0, tzinfo=UTC)]
    assert b"TZID=Europe/London" in result.data


def test_pseudonymous_by_default_initials_on_request(vault, case_id, clock) -> None:  # type: ignore[no-untyped-def]
    code = case_service.load_case(vault.unit_of_work(), case_id).code
    plain = ics.build_ics(vault.unit_of_work(), clock=clock)
    text = plain.data.decode("utf-8")
    assert "Nguy" not in text and "private title" not in text and "secret note" not in text
    summaries = [str(e["summary"]) for e in _events(plain.data)]
    assert summaries == [f"GP: case {code}", f"Court: case {code}"]
    with_initials = ics.build_ics(vault.unit_of_work(), with_initials=True, clock=clock)
    summaries = [str(e["summary"]) for e in _events(with_initials.data)]
    assert summaries[0] == f"GP: case {code} (N.T.H.)"
    assert "Nguy" not in with_initials.data.decode("utf-8")


def test_every_case_each_appointment_under_its_own_case(vault, case_id, clock) -> None:  # type: ignore[no-untyped-def]
    """The whole-vault calendar (cases and appointments read in one pass each) names each
    appointment with its own case, and a case with no appointments adds none."""
    other = case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}}, today=date(2025, 2, 1)
    )
    case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": "ሰላም ተስፋይ"}}, today=date(2025, 2, 1)
    )
    appt_service.save_appointment(
        vault.unit_of_work(),
        Appointment(
            case_id=other,
            start=datetime(2025, 4, 2, 14, 0),
            title="Statement to police",
            kind=AppointmentKind.POLICE,
        ),
        clock=clock,
    )
    code = {cid: case_service.load_case(vault.unit_of_work(), cid).code for cid in (case_id, other)}
    result = ics.build_ics(vault.unit_of_work(), clock=clock)
    assert result.count == 3
    summaries = sorted(str(e["summary"]) for e in _events(result.data))
    assert summaries == sorted(
        [f"GP: case {code[case_id]}", f"Court: case {code[case_id]}", f"Police: case {code[other]}"]
    )


def test_write_is_atomic_and_checks_the_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=".ics"):
        ics.write_ics(tmp_path / "cal.txt", b"x")
    with pytest.raises(InvalidInput, match="folder"):
        ics.write_ics(tmp_path / "missing" / "cal.ics", b"x")
    ics.write_ics(tmp_path / "cal.ics", b"BEGIN:VCALENDAR")
    assert (tmp_path / "cal.ics").read_bytes() == b"BEGIN:VCALENDAR"
    assert [p.name for p in tmp_path.iterdir()] == ["cal.ics"]
