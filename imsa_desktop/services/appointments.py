"""Appointments: per case, an agenda across cases, and the reminders the app shows while it runs.

Times are naive local wall-clock times in Europe/London (as the advocate types them). Reminder
texts never carry the survivor's name: they use the case's short code and the appointment kind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from imsa_desktop.domain import validation
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import Appointment, Clock, utc_now
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.services.records import delete_in_case, upsert_in_case


def _key(d: datetime) -> str:
    return d.isoformat(timespec="minutes")


def validate(appt: Appointment) -> None:
    if appt.start.tzinfo is not None or (appt.end is not None and appt.end.tzinfo is not None):
        validation.check_record(appt, "appointment")  # says: local time, no UTC offset
    if not appt.title.strip():
        raise InvalidInput("Please give the appointment a title.")
    if appt.end is not None and appt.end < appt.start:
        raise InvalidInput("The appointment cannot end before it starts.")
    if appt.reminder_minutes < 0:
        raise InvalidInput("The reminder cannot be a negative number of minutes.")
    validation.check_record(appt, "appointment")
    if appt.interpreter_needed and not appt.interpreter_language.strip():
        raise InvalidInput("Please say which language the interpreter is needed for.")


def parse_local(text: str, what: str = "time") -> datetime:
    """``YYYY-MM-DDTHH:MM`` (or with a space) as a naive local time, with a clear message."""
    raw = (text or "").strip().replace(" ", "T", 1)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"The {what} '{raw[:40]}' is not a date and time in the form YYYY-MM-DDTHH:MM."
        ) from None
    if value.tzinfo is not None:
        raise InvalidInput(f"Please give the {what} as a local time without a time zone.")
    return value


@dataclass(frozen=True)
class AgendaItem:
    appointment: Appointment
    case_id: str
    case_code: str
    display_name: str

    @property
    def reminder_text(self) -> str:
        return reminder_text(self.case_code, self.appointment)


def reminder_text(case_code: str, appt: Appointment) -> str:
    """What a reminder says: no name, no title (titles may hold case text); code + kind + time."""
    return f"Case {case_code}: {appt.kind.label} at {appt.start:%H:%M} on {format_date(appt.start.date())}"


def for_case(uow: AbstractUnitOfWork, case_id: str) -> list[Appointment]:
    with uow:
        uow.cases.get(case_id)
        return sorted(uow.appointments.for_case(case_id), key=lambda a: a.start)


def save_appointment(uow: AbstractUnitOfWork, appt: Appointment, *, clock: Clock = utc_now) -> Appointment:
    """Add or update an appointment (matched by id) after validating it."""
    validate(appt)
    appt = dataclasses.replace(
        appt,
        title=appt.title.strip(),
        location=appt.location.strip(),
        interpreter_language=appt.interpreter_language.strip() if appt.interpreter_needed else "",
    )
    with uow:
        uow.cases.get(appt.case_id)
        appt = upsert_in_case(uow, uow.appointments, appt, clock=clock, noun="appointment")
        uow.commit()
    return appt


def delete_appointment(uow: AbstractUnitOfWork, case_id: str, appointment_id: str) -> None:
    with uow:
        missing = "There is no such appointment in this case."
        delete_in_case(uow, uow.appointments, case_id, appointment_id, noun="appointment", missing=missing)
        uow.commit()


def agenda(uow: AbstractUnitOfWork, first_day: date, days: int = 1) -> list[AgendaItem]:
    """Appointments of every case from ``first_day`` for ``days`` days, in time order."""
    if days < 1:
        raise InvalidInput("An agenda covers at least one day.")
    start = datetime.combine(first_day, time.min)
    end = start + timedelta(days=days)
    items: list[AgendaItem] = []
    with uow:
        appts = uow.appointments.between(_key(start), _key(end))
        cases: dict[str, tuple[str, str]] = {}
        for a in appts:
            if a.case_id not in cases:
                c = uow.cases.find(a.case_id)
                cases[a.case_id] = (c.code, c.survivor.display_name()) if c else ("?", "")
            code, name = cases[a.case_id]
            items.append(AgendaItem(a, a.case_id, code, name))
    items.sort(key=lambda i: (i.appointment.start, i.case_code))
    return items


def week_start(d: date) -> date:
    """The Monday of ``d``'s week."""
    return d - timedelta(days=d.weekday())


def due_reminders(
    uow: AbstractUnitOfWork, now_local: datetime, already: set[str] | frozenset[str] = frozenset()
) -> list[AgendaItem]:
    """Appointments whose reminder time has come and which have not started yet.

    ``now_local`` is the naive local time; ``already`` holds the appointment ids already shown.
    """
    horizon_days = 8  # reminders are at most a week ahead in practice
    items = agenda(uow, now_local.date(), horizon_days)
    due: list[AgendaItem] = []
    for item in items:
        a = item.appointment
        if a.id in already or a.start < now_local or a.attended is not None:
            continue
        if a.start - timedelta(minutes=a.reminder_minutes) <= now_local:
            due.append(item)
    return due
