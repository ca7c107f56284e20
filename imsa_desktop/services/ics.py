"""Appointments as iCalendar (RFC 5545), pseudonymous by default.

A calendar file leaves the vault, so by default it carries no survivor name and no free-text
title: the summary is the appointment kind plus the case's short code. With ``initials=True`` the
survivor's initials are added (the advocate opts in). Times are Europe/London wall-clock times
with a TZID and a VTIMEZONE, so they import at the right local time on both sides of the clock
change. The location is kept (the advocate needs to know where to go); notes never are.

With ``with_deadlines=True`` the open deadlines (not met, not dismissed) are added as all-day
events on their due date with a reminder three days before: the summary is the deadline's
title and the case code (initials only on opt-in), the description the rule's source.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from imsa_desktop.domain.model import Appointment, Case, Clock, utc_now
from imsa_desktop.errors import InvalidInput, StorageError
from imsa_desktop.services.ports import AbstractUnitOfWork

if TYPE_CHECKING:
    from imsa_desktop.services.deadlines import CaseDeadline

LONDON = ZoneInfo("Europe/London")
PRODID = "-//IMSA Desktop//Appointments//EN"
DEFAULT_LENGTH = timedelta(hours=1)


def initials(full_name: str) -> str:
    """``Nguyễn Thị Hồng`` -> ``N.T.H.`` (first letter of each name part)."""
    parts = [p for p in full_name.replace("-", " ").split() if p]
    return "".join(f"{p[0].upper()}." for p in parts)


@dataclass(frozen=True)
class IcsResult:
    data: bytes
    count: int  # appointments
    deadline_count: int = 0


REMINDER_BEFORE = timedelta(days=3)


def _who(code: str, full_name: str, with_initials: bool) -> str:
    """How an entry names its case: the code, with the initials only when asked for."""
    return f"case {code}" + (f" ({initials(full_name)})" if with_initials else "")


def _new_event(
    uid: str, stamp: datetime, summary: str, start: date | datetime, end: date | datetime
) -> Event:
    """An event with what every entry has, in the order calendars expect to read it."""
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("summary", summary)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    return ev


def _deadline_event(cd: CaseDeadline, *, with_initials: bool, stamp: datetime) -> Event:
    d = cd.deadline
    who = _who(cd.case_code, cd.full_name, with_initials)
    # dtstart a DATE value: an all-day event
    ev = _new_event(
        f"{d.key}@imsa-desktop-deadline",
        stamp,
        f"Deadline: {d.title}: {who}",
        d.due,
        d.due + timedelta(days=1),
    )
    ev.add("transp", "TRANSPARENT")
    ev.add("description", f"{d.rule.nature.label}. {d.rule.source}. Check the date in IMSA Desktop.")
    ev.add("categories", ["Deadline"])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Deadline in 3 days: {d.title} ({who})")
    alarm.add("trigger", -REMINDER_BEFORE)
    ev.add_component(alarm)
    return ev


def _event(case: Case, a: Appointment, *, with_initials: bool, stamp: datetime) -> Event:
    who = _who(case.code, case.survivor.full_name, with_initials)
    start = a.start.replace(tzinfo=LONDON)
    end = (a.end or a.start + DEFAULT_LENGTH).replace(tzinfo=LONDON)
    ev = _new_event(f"{a.id}@imsa-desktop", stamp, f"{a.kind.label}: {who}", start, end)
    if a.location:
        ev.add("location", a.location)
    if a.interpreter_needed:
        ev.add("description", f"Interpreter needed: {a.interpreter_language or 'yes'}")
    ev.add("categories", [a.kind.label])
    return ev


def build_ics(
    uow: AbstractUnitOfWork,
    *,
    case_id: str | None = None,
    with_initials: bool = False,
    clock: Clock = utc_now,
    with_deadlines: bool = False,
    today: date | None = None,
    uow_factory: Callable[[], AbstractUnitOfWork] | None = None,
) -> IcsResult:
    """The appointments of one case (or all cases) as an iCalendar file's bytes.

    ``with_deadlines``: add the open deadlines (``uow_factory`` gives the unit of work they are
    read in; ``today`` decides which are still open, default the clock's date).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-timezone", "Europe/London")
    stamp = clock().astimezone(ZoneInfo("UTC"))
    count = 0
    with uow:
        cases: Iterable[Case]
        if case_id:
            cases, appointments = [uow.cases.get(case_id)], {case_id: uow.appointments.for_case(case_id)}
        else:  # every case: one read of the cases and one of the appointments
            cases, appointments = uow.cases.each(), uow.appointments.by_case()
        for case in cases:
            for a in sorted(appointments.get(case.id, []), key=lambda x: x.start):
                cal.add_component(_event(case, a, with_initials=with_initials, stamp=stamp))
                count += 1
    if count:
        cal.add_missing_timezones()
    deadline_count = 0
    if with_deadlines:
        from imsa_desktop.services import deadlines as deadline_service

        if uow_factory is None:
            raise InvalidInput("Deadlines need a unit of work to be read in.")
        on = today or clock().date()
        for cd in deadline_service.all_deadlines(uow_factory(), on, case_id=case_id):
            if cd.deadline.dismissed_reason:
                continue
            cal.add_component(_deadline_event(cd, with_initials=with_initials, stamp=stamp))
            deadline_count += 1
    return IcsResult(cal.to_ical(), count, deadline_count)


def record_export(
    uow: AbstractUnitOfWork, result: IcsResult, *, case_id: str | None, with_initials: bool
) -> None:
    """Audit a calendar export once the file has been written (a failed write leaves no entry)."""
    with uow:
        uow.audit.record(
            "exported",
            case_id,
            f"calendar appointments={result.count} deadlines={result.deadline_count} "
            f"initials={'yes' if with_initials else 'no'}",
        )
        uow.commit()


def write_ics(path: Path, data: bytes) -> None:
    """Write atomically (a temporary file beside it, then rename): nothing half-written."""
    if path.suffix.lower() != ".ics":
        raise InvalidInput("The calendar file name must end in .ics.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput("The folder for the calendar file does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=".imsa-", suffix=".ics.part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise StorageError("The calendar file could not be written.") from e
