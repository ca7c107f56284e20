"""The Today dashboard's data: what needs the advocate now, each item one click from its case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from imsa_desktop.domain.deadlines import DeadlineState
from imsa_desktop.domain.model import CaseStatus, CaseSummary
from imsa_desktop.services import appointments as appointment_service
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.services.appointments import AgendaItem
from imsa_desktop.services.deadlines import CaseDeadline
from imsa_desktop.services.ports import AbstractUnitOfWork


@dataclass(frozen=True)
class Today:
    today: date
    overdue: list[CaseDeadline]
    due_this_week: list[CaseDeadline]  # due today up to 7 days ahead
    appointments_today: list[AgendaItem]
    appointments_week: list[AgendaItem]  # tomorrow up to 7 days ahead
    lost_contact: list[CaseSummary]

    @property
    def is_quiet(self) -> bool:
        return not (
            self.overdue
            or self.due_this_week
            or self.appointments_today
            or self.appointments_week
            or self.lost_contact
        )


def today_overview(uow_factory: Callable[[], AbstractUnitOfWork], today: date, *, days: int = 7) -> Today:
    """Build the dashboard. ``uow_factory`` is a callable giving a fresh unit of work."""
    make = uow_factory
    deadlines = deadline_service.all_deadlines(make(), today, within_days=days)
    overdue = [d for d in deadlines if d.deadline.state is DeadlineState.OVERDUE]
    soon = [d for d in deadlines if d.deadline.state is not DeadlineState.OVERDUE]
    agenda = appointment_service.agenda(make(), today, days + 1)
    todays = [a for a in agenda if a.appointment.start.date() == today]
    week = [a for a in agenda if today < a.appointment.start.date() <= today + timedelta(days=days)]
    uow: AbstractUnitOfWork = make()
    with uow:
        lost = [s for s in uow.cases.summaries() if s.status is CaseStatus.LOST_CONTACT]
    lost.sort(key=lambda s: s.updated_at)
    return Today(today, overdue, soon, todays, week, lost)
