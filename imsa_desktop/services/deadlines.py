"""Deadlines made reachable: per case, across cases, and the advocate's overrides and "met" marks.

The engine (``domain.deadlines``) is pure; this module feeds it the rules (loaded once from
``resources/rules``), the UK bank-holiday calendar and the stored overrides. An override is one
``DeadlineOverride`` record per deadline key: a changed date with its reason, and/or the day the
advocate marked the deadline met. It is kept (never silently dropped) and shown next to the date.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from imsa_desktop.domain import deadlines as _engine
from imsa_desktop.domain.deadlines import (
    Deadline,
    DeadlineNote,
    DeadlineState,
    ReconsiderationWindow,
    compute_deadlines,
    deadline_notes,
    explain,
)
from imsa_desktop.domain.model import (
    Case,
    Clock,
    DeadlineOverride,
    Decision,
    Jurisdiction,
    utc_now,
)
from imsa_desktop.domain.rules import Rule, default_rules_folder, load_rule_files
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services.pacing import checkpoint
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.services.uk_calendar import UkHolidayCalendar


@functools.lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The deadline rules, loaded and validated once per process."""
    return tuple(load_rule_files(default_rules_folder()))


@functools.lru_cache(maxsize=1)
def holiday_calendar() -> UkHolidayCalendar:
    return UkHolidayCalendar()


def reconsideration_window(decision: Decision, jurisdiction: Jurisdiction) -> ReconsiderationWindow:
    """What may be printed about ``decision``'s reconsideration window (shipped rules, UK holidays).

    Print a date only when ``window.status is WindowStatus.DATED``: never for a decision before
    12 February 2024 (no fixed limit) or one the para 14.216 removal bar applies to.
    """
    return _engine.reconsideration_window(decision, jurisdiction, rules(), holiday_calendar())


@dataclass(frozen=True)
class CaseDeadline:
    """A deadline with the case it belongs to, ready to show or print."""

    deadline: Deadline
    case_id: str
    case_code: str
    display_name: str
    full_name: str = ""  # for initials on an opted-in calendar export

    @property
    def key(self) -> str:
        return self.deadline.key

    @functools.cached_property
    def explanation(self) -> str:
        """How the date was worked out (written when first asked for: the Today page of a big
        caseload counts thousands of deadlines and shows a hundred)."""
        return explain(self.deadline)


@dataclass(frozen=True)
class CaseDeadlines:
    case: Case
    deadlines: list[CaseDeadline]
    notes: list[DeadlineNote]
    overrides: dict[str, DeadlineOverride]  # by deadline key


def _compute(
    case: Case,
    overrides: list[DeadlineOverride],
    today: date,
    keep: Callable[[Deadline], bool] | None = None,
) -> list[CaseDeadline]:
    found = compute_deadlines(case, rules(), holiday_calendar(), today, overrides)
    if keep is not None:
        found = [d for d in found if keep(d)]
        if not found:
            return []
    name = case.survivor.display_name()
    return [CaseDeadline(d, case.id, case.code, name, case.survivor.full_name) for d in found]


def case_deadlines(uow: AbstractUnitOfWork, case_id: str, today: date) -> CaseDeadlines:
    """Every deadline and no-fixed-limit note of one case (raises UnknownCase)."""
    with uow:
        case = uow.cases.get(case_id)
        overrides = uow.overrides.for_case(case_id)
    by_key: dict[str, DeadlineOverride] = {}
    for ov in sorted(overrides, key=lambda o: o.updated_at):
        by_key[ov.deadline_key] = ov
    return CaseDeadlines(case, _compute(case, overrides, today), deadline_notes(case, rules()), by_key)


def _cases_in_scope(
    uow: AbstractUnitOfWork, case_id: str | None, include_closed_cases: bool
) -> Iterator[Case]:
    """Inside an entered unit of work: the one case asked for, else every case (closed ones
    only with ``include_closed_cases``)."""
    if case_id:
        yield uow.cases.get(case_id)
    else:
        yield from uow.cases.each(include_closed=include_closed_cases)


def all_deadlines(
    uow: AbstractUnitOfWork,
    today: date,
    *,
    case_id: str | None = None,
    within_days: int | None = None,
    include_met: bool = False,
    include_closed_cases: bool = False,
    keep: Callable[[Deadline], bool] | None = None,
) -> list[CaseDeadline]:
    """Deadlines across cases (or one case), sorted by due date.

    ``within_days``: only those due on or before ``today + within_days``; overdue ones are
    always included. Met deadlines are left out unless ``include_met``. ``keep``: only the
    deadlines it accepts, chosen case by case (a caller that shows a few of ten thousand cases'
    deadlines holds and explains only those).
    """
    if within_days is not None and within_days < 0:
        raise InvalidInput("The number of days must be zero or more.")
    out: list[CaseDeadline] = []
    with uow:
        if case_id:
            overrides = {case_id: uow.overrides.for_case(case_id)}
        else:  # every case: the overrides in one read, not one per case
            overrides = uow.overrides.by_case()
        for case in _cases_in_scope(uow, case_id, include_closed_cases):
            out.extend(_compute(case, overrides.get(case.id, []), today, keep))
            checkpoint()  # a background read gives way here (services.pacing)
    if not include_met:
        out = [d for d in out if d.deadline.state is not DeadlineState.MET]
    if within_days is not None:
        limit = today + timedelta(days=within_days)
        out = [d for d in out if d.deadline.due <= limit]
    out.sort(key=lambda d: (d.deadline.due, d.case_code, d.deadline.rule.id))
    return out


def all_notes(
    uow: AbstractUnitOfWork, *, case_id: str | None = None, include_closed_cases: bool = False
) -> list[tuple[Case, DeadlineNote]]:
    """The rules that give no date, per case: no fixed limit (before 12 February 2024), or
    reconsideration barred by para 14.216. Closed notes (already answered) are left out, barred
    ones never are."""
    out: list[tuple[Case, DeadlineNote]] = []
    with uow:
        for case in _cases_in_scope(uow, case_id, include_closed_cases):
            out.extend((case, n) for n in deadline_notes(case, rules()) if n.barred or not n.closed)
    out.sort(key=lambda cn: (cn[1].trigger_date, cn[0].code))
    return out


def _known_key(case: Case, overrides: list[DeadlineOverride], key: str, today: date) -> Deadline:
    for d in compute_deadlines(case, rules(), holiday_calendar(), today, overrides):
        if d.key == key:
            return d
    raise NotFound("That deadline no longer applies to this case (its decision may have changed).")


# What the audit log says when the first field of a change is set, or cleared.
_AUDIT = {
    "due": ("deadline date overridden", "deadline override removed"),
    "met_on": ("deadline marked met", "deadline met mark removed"),
    "dismissed_reason": ("overdue deadline dismissed", "overdue deadline restored"),
}


def _upsert(
    uow: AbstractUnitOfWork, case_id: str, key: str, today: date, clock: Clock, change: dict[str, object]
) -> DeadlineOverride:
    field, value = next(iter(change.items()))
    audit = _AUDIT[field][0 if value not in (None, "") else 1]
    with uow:
        case = uow.cases.get(case_id)
        existing = uow.overrides.for_case(case_id)
        _known_key(case, existing, key, today)
        now = clock()
        current = [o for o in existing if o.deadline_key == key]
        if current:
            held = max(current, key=lambda o: o.updated_at)
            record = dataclasses.replace(held, updated_at=now, **change)  # type: ignore[arg-type]
            uow.overrides.save(record)
        else:
            base = DeadlineOverride(case_id=case_id, deadline_key=key, created_at=now, updated_at=now)
            record = dataclasses.replace(base, **change)  # type: ignore[arg-type]
            uow.overrides.add(record)
        uow.audit.record("changed", case_id, audit)
        uow.commit()
    return record


def override_due(
    uow: AbstractUnitOfWork,
    case_id: str,
    key: str,
    due: date | None,
    reason: str,
    *,
    today: date,
    clock: Clock = utc_now,
) -> DeadlineOverride:
    """Set the advocate's own date for a deadline (``due=None`` goes back to the computed date).

    A changed date needs a reason: it is kept and shown next to the date.
    """
    reason = reason.strip()
    if due is not None and not reason:
        raise InvalidInput("Please give a reason for changing the date.")
    return _upsert(uow, case_id, key, today, clock, {"due": due, "reason": reason if due is not None else ""})


def mark_met(
    uow: AbstractUnitOfWork,
    case_id: str,
    key: str,
    met_on: date | None,
    *,
    today: date,
    clock: Clock = utc_now,
) -> DeadlineOverride:
    """Mark a deadline met on ``met_on`` (``None`` clears the mark). A future date is refused."""
    if met_on is not None and met_on > today:
        raise InvalidInput("A deadline cannot be marked met on a date in the future.")
    return _upsert(uow, case_id, key, today, clock, {"met_on": met_on})


def dismiss_overdue(
    uow: AbstractUnitOfWork,
    case_id: str,
    key: str,
    reason: str,
    *,
    today: date,
    clock: Clock = utc_now,
) -> DeadlineOverride:
    """Take an overdue deadline off the Today page, with the reason (kept and shown with it).

    Only an overdue deadline can be dismissed; ``reason=""`` brings it back.
    """
    reason = " ".join(reason.split())
    if reason:
        with uow:
            case = uow.cases.get(case_id)
            current = _known_key(case, uow.overrides.for_case(case_id), key, today)
        if current.state is not DeadlineState.OVERDUE:
            raise InvalidInput("Only an overdue deadline can be dismissed.")
        if len(reason) > 500:
            raise InvalidInput("Please keep the reason under 500 characters.")
    return _upsert(uow, case_id, key, today, clock, {"dismissed_reason": reason})
