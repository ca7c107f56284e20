"""The Today dashboard's data: what needs the advocate now, each item one click from its case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from imsa_desktop.domain.deadlines import Deadline, DeadlineState
from imsa_desktop.domain.model import CaseStatus, CaseSummary
from imsa_desktop.domain.rules import Nature
from imsa_desktop.services import appointments as appointment_service
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.services.appointments import AgendaItem
from imsa_desktop.services.deadlines import CaseDeadline
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.services.settings import check_int, read_int

LOOKAHEAD_KEY = "deadlines.lookahead_days"
DEFAULT_LOOKAHEAD_DAYS = 30
LOOKAHEAD_RANGE = (1, 365)


def lookahead_days(uow: AbstractUnitOfWork) -> int:
    """The Today page's deadline look-ahead (a vault setting; default 30 days)."""
    return read_int(uow, LOOKAHEAD_KEY, DEFAULT_LOOKAHEAD_DAYS, LOOKAHEAD_RANGE)


def set_lookahead_days(uow: AbstractUnitOfWork, days: int) -> None:
    check_int(days, LOOKAHEAD_RANGE, "The look-ahead must be between {} and {} days.")
    with uow:
        uow.settings.set(LOOKAHEAD_KEY, days)
        uow.audit.record("settings", None, "deadline look-ahead changed")
        uow.commit()


@dataclass(frozen=True)
class Today:
    today: date
    overdue: list[CaseDeadline]  # hard limits first (red until met or dismissed), then targets
    due_this_week: list[CaseDeadline]  # due within the look-ahead, or a time limit whose window is open
    appointments_today: list[AgendaItem]
    appointments_week: list[AgendaItem]  # tomorrow up to 7 days ahead
    lost_contact: list[CaseSummary]
    lookahead_days: int = DEFAULT_LOOKAHEAD_DAYS

    @property
    def is_quiet(self) -> bool:
        return not (
            self.overdue
            or self.due_this_week
            or self.appointments_today
            or self.appointments_week
            or self.lost_contact
        )


def today_overview(
    uow_factory: Callable[[], AbstractUnitOfWork],
    today: date,
    *,
    days: int = 7,
    lookahead: int | None = None,
) -> Today:
    """Build the dashboard. ``uow_factory`` is a callable giving a fresh unit of work.

    Deadlines: every overdue one (hard limits first; an overdue limit the advocate dismissed with
    a reason leaves the page), every deadline due within the look-ahead (``lookahead`` or the
    vault setting, default 30 days), and every time limit whose window is open today, for its
    whole window: a new negative decision's reconsideration or judicial review limit is on the
    page from the day it is recorded. ``days``: the appointments window.
    """
    make = uow_factory
    ahead = lookahead if lookahead is not None else lookahead_days(make())
    limit = today + timedelta(days=ahead)

    def shown(d: Deadline) -> bool:
        if d.state is DeadlineState.MET:
            return False
        if d.state is DeadlineState.OVERDUE:
            return not d.dismissed_reason
        open_window = d.rule.nature is Nature.HARD_LIMIT and d.trigger_date <= today <= d.due
        return d.due <= limit or open_window

    deadlines = deadline_service.all_deadlines(make(), today, keep=shown)
    overdue = [d for d in deadlines if d.deadline.state is DeadlineState.OVERDUE]
    overdue.sort(key=lambda d: (d.deadline.rule.nature is not Nature.HARD_LIMIT, d.deadline.due, d.case_code))
    soon = [d for d in deadlines if d.deadline.state is not DeadlineState.OVERDUE]
    agenda = appointment_service.agenda(make(), today, days + 1)
    todays = [a for a in agenda if a.appointment.start.date() == today]
    week = [a for a in agenda if today < a.appointment.start.date() <= today + timedelta(days=days)]
    uow: AbstractUnitOfWork = make()
    with uow:
        lost = uow.cases.summaries(status=CaseStatus.LOST_CONTACT)
    lost.sort(key=lambda s: s.updated_at)
    return Today(today, overdue, soon, todays, week, lost, ahead)
