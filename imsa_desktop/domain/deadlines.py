"""The deadline engine: a case's facts + dated rules -> dated, explained deadlines.

Pure: "today" and the bank-holiday calendar are passed in (``services.uk_calendar`` supplies the
real one). Nothing here reads the clock, the disk or the network.

How it decides:

* Triggers come from the case: the NRM referral date (not Duty to Notify), and every dated
  RG, CG, reconsideration and VTS decision with a positive or negative outcome. A positive
  reconsideration counts as a positive RG (or a positive CG if a CG decision came on or before
  it); a negative reconsideration is a refused reconsideration; a negative VTS decision is a
  VTS refusal.
* For each trigger, the rules in force on the trigger date for the case's jurisdiction apply
  (``rules.rules_in_force``). A rule with no fixed time limit gives a ``DeadlineNote`` (see
  ``deadline_notes``) instead of a deadline, so the app can say so.
* The key of a deadline is ``f"{rule.id}:{trigger_record_id}"`` (the case id for the referral,
  the decision id otherwise): overrides are stored against it.
* State, in this order: MET if the advocate marked it met (override ``met_on``), or another
  record says so (``met_evidence``), or a record the rule names in ``met_when`` exists on or
  after the trigger (for example an RG decision meets the RG target; a reconsideration
  decision closes the reconsideration request deadline); a ``minimum`` period is MET once it has
  ended; otherwise OVERDUE after the due date, DUE_SOON within ``due_soon_days``, else UPCOMING.
  A target or time limit met after its due date is MET with ``met_late_days`` set: it is shown
  as "met late (34 days after the target)", never as a plain tick.
* Counting: each rule says how its source counts (``Counting``): "after" the trigger day (day 1
  is the next day) or "beginning with" it (the trigger day is day 1, one day earlier).
* Para 14.216 (17 September 2025): a rule with ``not_when = ["removal_bar"]`` gives no date
  when the decision records that the bar applies; a note says why and points to judicial
  review (which runs from the decision itself). When the bar is "not known" the date is shown
  with a caution to check the decision letter.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import (
    Case,
    DeadlineOverride,
    Decision,
    DecisionKind,
    Jurisdiction,
    Outcome,
    ReferralRoute,
    RemovalBar,
)
from imsa_desktop.domain.rules import (
    Counting,
    MetWhen,
    Nature,
    NotWhen,
    PeriodUnit,
    Rule,
    Trigger,
    rules_in_force,
)
from imsa_desktop.errors import InvalidInput


class HolidayCalendar(Protocol):
    def is_holiday(self, d: date, jurisdiction: Jurisdiction) -> bool: ...


class NoHolidays:
    """A calendar with weekends only (for tests, or when no holiday data is available)."""

    def is_holiday(self, d: date, jurisdiction: Jurisdiction) -> bool:
        return False


def is_working_day(d: date, jurisdiction: Jurisdiction, calendar: HolidayCalendar) -> bool:
    return d.weekday() < 5 and not calendar.is_holiday(d, jurisdiction)


def add_months(start: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise InvalidInput("That date is too far in the future to calculate a deadline.")
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def _months_beginning_with(start: date, months: int) -> date:
    """The last day of ``months`` months beginning with ``start``: the day before the
    corresponding date (1 October -> 31 December for 3 months); where that month has no
    corresponding date, its last day (30 November -> 28 February)."""
    corresponding = add_months(start, months)
    if corresponding.day < start.day:  # clamped: that month has no corresponding date
        return corresponding
    return corresponding - timedelta(days=1)


def add_period(
    start: date,
    amount: int,
    unit: PeriodUnit | str,
    jurisdiction: Jurisdiction,
    calendar: HolidayCalendar,
    counting: Counting | str = Counting.AFTER,
) -> date:
    """The last day of a period of ``amount`` units counted from ``start``.

    ``counting="after"`` (the default): day 1 is the day after ``start``, so 30 calendar days
    after 1 March end on 31 March, and 3 months after 15 January end on 15 April.
    ``counting="beginning_with"``: ``start`` itself is day 1, so the period ends one day
    earlier (3 months beginning with 15 January end on 14 April; beginning with 1 October, on
    31 December; beginning with 30 November, on 28 February). Calendar days are not moved
    off a weekend. Working days skip Saturdays, Sundays and the bank holidays (substitute days
    included) of ``jurisdiction``. Months keep the day of the month, clamped to the month's end
    (31 January + 1 month = 28/29 February).
    """
    if not getattr(calendar, "fixed", False):
        return _add_period(start, amount, unit, jurisdiction, calendar, counting)
    key = (start, amount, unit, jurisdiction, calendar, counting)
    found = _PERIODS.get(key)
    if found is None:
        if len(_PERIODS) > 100_000:
            _PERIODS.clear()
        found = _PERIODS[key] = _add_period(start, amount, unit, jurisdiction, calendar, counting)
    return found


# A calendar whose holidays never change while the app runs says so (``fixed = True``): its
# periods are worked out once (ten thousand cases count from far fewer distinct dates).
_PERIODS: dict[tuple[object, ...], date] = {}


def _add_period(
    start: date,
    amount: int,
    unit: PeriodUnit | str,
    jurisdiction: Jurisdiction,
    calendar: HolidayCalendar,
    counting: Counting | str,
) -> date:
    if amount < 0:
        raise InvalidInput("A deadline period cannot be negative.")
    unit = PeriodUnit(unit)
    if Counting(counting) is Counting.BEGINNING_WITH and amount > 0:
        try:
            if unit is PeriodUnit.MONTHS:
                return _months_beginning_with(start, amount)
            start = start - timedelta(days=1)  # so that ``start`` itself is day 1
        except OverflowError:
            raise InvalidInput("That date is too far away to calculate a deadline.") from None
    try:
        if unit is PeriodUnit.CALENDAR_DAYS:
            return start + timedelta(days=amount)
        if unit is PeriodUnit.MONTHS:
            return add_months(start, amount)
        d = start
        remaining = amount
        while remaining > 0:
            d += timedelta(days=1)
            if is_working_day(d, jurisdiction, calendar):
                remaining -= 1
        return d
    except OverflowError:
        raise InvalidInput("That date is too far in the future to calculate a deadline.") from None


class DeadlineState(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"

    @property
    def label(self) -> str:
        return {"upcoming": "Upcoming", "due_soon": "Due soon", "overdue": "Overdue", "met": "Met"}[
            self.value
        ]


@dataclass(frozen=True)
class Deadline:
    key: str  # f"{rule.id}:{trigger_record_id}"; overrides refer to it
    case_id: str
    rule: Rule  # id, title, source, guidance_version, nature, explanation
    jurisdiction: Jurisdiction
    trigger_record_id: str  # the decision id, or the case id for the referral
    trigger_date: date
    trigger_description: str  # "the negative RG of 20 January 2025"
    computed_due: date
    due: date  # the advocate's date when overridden, else computed_due
    override_reason: str
    state: DeadlineState
    met_on: date | None
    met_note: str  # why it counts as met ("" unless MET)
    met_late_days: int | None = None  # MET after the due date: how many days after
    caution: str = ""  # e.g. para 14.216 not known: check the decision letter
    dismissed_reason: str = ""  # an overdue limit the advocate dismissed, with the reason
    instead_of: str = ""  # a judicial review limit shown because reconsideration is barred: why

    @property
    def status_text(self) -> str:
        """What a row says: "Met late (34 days after the target)", never a plain "Met"."""
        if self.state is DeadlineState.MET and self.met_late_days:
            n = self.met_late_days
            what = "the target" if self.rule.nature is Nature.TARGET else "the time limit"
            return f"Met late ({n} day{'s' if n != 1 else ''} after {what})"
        if self.dismissed_reason:
            return f"Dismissed: {self.dismissed_reason}"
        return self.state.label

    @property
    def met_late(self) -> bool:
        return bool(self.met_late_days)

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def overridden(self) -> bool:
        return self.due != self.computed_due

    def days_left(self, today: date) -> int:
        """Days from ``today`` to the due date: 0 on the day, negative once past."""
        return (self.due - today).days


@dataclass(frozen=True)
class DeadlineNote:
    """A rule that applied on the trigger date but set no fixed time limit: say so, date nothing."""

    key: str
    case_id: str
    rule: Rule
    trigger_record_id: str
    trigger_date: date
    trigger_description: str
    closed: bool  # a record named in the rule's met_when exists (e.g. reconsideration already asked)
    barred: bool = False  # para 14.216 applies: no reconsideration; judicial review instead

    @property
    def title(self) -> str:
        return self.rule.title


@dataclass(frozen=True)
class TriggerEvent:
    trigger: Trigger
    record_id: str
    on: date
    description: str
    decision: Decision | None = None  # None for the referral


def trigger_events(case: Case) -> list[TriggerEvent]:
    """The dated facts of ``case`` that deadlines count from, oldest first."""
    events: list[TriggerEvent] = []
    ref = case.referral
    if ref.route is ReferralRoute.NRM and ref.date is not None:
        events.append(
            TriggerEvent(Trigger.REFERRAL, case.id, ref.date, f"the referral of {format_date(ref.date)}")
        )
    for d in case.decisions_sorted():
        if d.date is None or d.outcome not in (Outcome.POSITIVE, Outcome.NEGATIVE):
            continue
        positive = d.outcome is Outcome.POSITIVE
        when = format_date(d.date)
        trigger: Trigger | None = None
        text = ""
        if d.kind is DecisionKind.REASONABLE_GROUNDS:
            trigger = Trigger.RG_POSITIVE if positive else Trigger.RG_NEGATIVE
            text = f"the {d.outcome_label.lower()} RG of {when}"
        elif d.kind is DecisionKind.CONCLUSIVE_GROUNDS:
            trigger = Trigger.CG_POSITIVE if positive else Trigger.CG_NEGATIVE
            text = f"the {d.outcome_label.lower()} CG of {when}"
        elif d.kind is DecisionKind.RECONSIDERATION:
            if positive:
                stage = "CG" if _cg_before(case, d) else "RG"
                trigger = Trigger.CG_POSITIVE if stage == "CG" else Trigger.RG_POSITIVE
                text = f"the positive {stage} on reconsideration of {when}"
            else:
                trigger = Trigger.RECONSIDERATION_REFUSED
                text = f"the refused reconsideration of {when}"
        elif d.kind is DecisionKind.VTS and not positive:
            trigger = Trigger.VTS_DECISION
            text = f"the VTS refusal of {when}"
        if trigger is not None:
            events.append(TriggerEvent(trigger, d.id, d.date, text, d))
    return events


def compute_deadlines(
    case: Case,
    rules: Iterable[Rule],
    calendar: HolidayCalendar,
    today: date,
    overrides: Iterable[DeadlineOverride] = (),
    due_soon_days: int = 7,
    met_evidence: Mapping[str, date] | None = None,
) -> list[Deadline]:
    """Every dated deadline of ``case``, sorted by due date.

    ``overrides``: the advocate's changes (others' cases are ignored; the newest per key wins).
    ``met_evidence``: deadline keys known to be met from other records (for example the date a
    reconsideration letter was sent), mapped to that date.
    """
    by_trigger = _rules_by_trigger(rules, case.jurisdiction)
    chosen = _overrides_by_key(case.id, overrides)
    evidence = met_evidence or {}
    out: list[Deadline] = []
    for ev in trigger_events(case):
        in_force = [r for r in by_trigger.get(ev.trigger, ()) if r.in_force_on(ev.on)]
        barred_here = any(r.period is not None and _barred(r, ev) for r in in_force)
        for rule in in_force:
            if rule.period is None or _barred(rule, ev):
                continue
            key = f"{rule.id}:{ev.record_id}"
            computed = add_period(
                ev.on, rule.period.amount, rule.period.unit, case.jurisdiction, calendar, rule.counting
            )
            ov = chosen.get(key)
            if ov is None:  # an override saved under an earlier id of this rule still applies
                ov = next(
                    (chosen[k] for k in (f"{old}:{ev.record_id}" for old in rule.formerly) if k in chosen),
                    None,
                )
            due = ov.due if ov is not None and ov.due is not None else computed
            state, met_on, note = _state(case, rule, ev, due, today, due_soon_days, ov, evidence.get(key))
            late = (met_on - due).days if state is DeadlineState.MET and met_on is not None else 0
            # "Late" only where the date is when the thing was done: the advocate's mark, a sent
            # letter, or the authority's own decision against its target. A later decision that
            # closes a time limit (a reconsideration decided after the request) says nothing about
            # when the request went in.
            done_date_known = (ov is not None and ov.met_on is not None) or key in evidence
            met_late_days = (
                late
                if late > 0
                and (rule.nature is Nature.TARGET or (rule.nature is Nature.HARD_LIMIT and done_date_known))
                else None
            )
            out.append(
                Deadline(
                    key=key,
                    case_id=case.id,
                    rule=rule,
                    jurisdiction=case.jurisdiction,
                    trigger_record_id=ev.record_id,
                    trigger_date=ev.on,
                    trigger_description=ev.description,
                    computed_due=computed,
                    due=due,
                    override_reason=ov.reason if ov is not None else "",
                    state=state,
                    met_on=met_on,
                    met_note=note,
                    met_late_days=met_late_days,
                    caution=_caution(rule, ev),
                    dismissed_reason=(ov.dismissed_reason if ov is not None else "")
                    if state is DeadlineState.OVERDUE
                    else "",
                    instead_of=INSTEAD_OF_RECONSIDERATION
                    if barred_here and rule.series.startswith("judicial_review")
                    else "",
                )
            )
    out.sort(key=lambda d: (d.due, d.trigger_date, d.rule.id))
    return out


REMOVAL_BAR_SOURCE = (
    "Modern Slavery: Statutory Guidance para 14.216 (17 September 2025 update): no reconsideration "
    "where the Home Secretary intends to remove the person to a country party to both ECAT and the ECHR"
)


INSTEAD_OF_RECONSIDERATION = (
    "Instead of reconsideration: the decision records that para 14.216 applies, so judicial "
    "review is the only route."
)


def _barred(rule: Rule, ev: TriggerEvent) -> bool:
    return (
        NotWhen.REMOVAL_BAR in rule.not_when
        and ev.decision is not None
        and ev.decision.removal_bar is RemovalBar.YES
    )


def _caution(rule: Rule, ev: TriggerEvent) -> str:
    if (
        NotWhen.REMOVAL_BAR in rule.not_when
        and ev.decision is not None
        and ev.decision.removal_bar is RemovalBar.NOT_KNOWN
    ):
        return (
            "Check the decision letter: if it says para 14.216 applies (intended removal to a "
            "country party to both ECAT and the ECHR), there is no reconsideration and judicial "
            "review is the only route."
        )
    return ""


def deadline_notes(case: Case, rules: Iterable[Rule]) -> list[DeadlineNote]:
    """Rules that applied to this case's triggers but set no fixed time limit (say so; date nothing)."""
    rule_list = list(rules)
    notes: list[DeadlineNote] = []
    for ev in trigger_events(case):
        for rule in rules_in_force(rule_list, ev.trigger, case.jurisdiction, ev.on):
            barred = rule.period is not None and _barred(rule, ev)
            if rule.period is not None and not barred:
                continue
            notes.append(
                DeadlineNote(
                    key=f"{rule.id}:{ev.record_id}",
                    case_id=case.id,
                    rule=rule,
                    trigger_record_id=ev.record_id,
                    trigger_date=ev.on,
                    trigger_description=ev.description,
                    closed=_closing_decision(case, rule, ev) is not None,
                    barred=barred,
                )
            )
    return notes


def explain(item: Deadline | DeadlineNote) -> str:
    """One line for a tooltip: the period, what it counts from, the source and since when."""
    rule = item.rule
    if isinstance(item, DeadlineNote) and item.barred:
        return (
            f"No reconsideration of {item.trigger_description}: the decision records that para "
            f"14.216 applies ({REMOVAL_BAR_SOURCE}). Judicial review is the route: see its time "
            "limit, which runs from this decision."
        )
    if isinstance(item, DeadlineNote) or rule.period is None:
        until = f", until {format_date(rule.effective_until)}" if rule.effective_until else ""
        return (
            f"No fixed time limit applied to {item.trigger_description}; "
            f"{rule.source}, in force from {format_date(rule.effective_from)}{until}."
        )
    period = rule.period.describe()
    if rule.nature is Nature.MINIMUM:
        period = f"At least {period}"
    elif rule.nature is Nature.TARGET:
        period = f"Target of {period}"
    holidays = ""
    if rule.period.unit is PeriodUnit.WORKING_DAYS:
        holidays = f" (weekends and {item.jurisdiction.label} bank holidays skipped)"
    line = (
        f"{period} {rule.counting.label} {item.trigger_description}{holidays}; "
        f"{rule.source}, in force since {format_date(rule.effective_from)}"
    )
    if rule.to_be_confirmed:
        line += f"; to be confirmed: {rule.to_be_confirmed.rstrip('.')}"
    if item.overridden:
        reason = f": {item.override_reason}" if item.override_reason else ""
        line += f"; date changed by the advocate from {format_date(item.computed_due)}{reason}"
    return line + "."


# ---- internals ------------------------------------------------------------------------------


def _rules_by_trigger(rules: Iterable[Rule], jurisdiction: Jurisdiction) -> dict[Trigger, list[Rule]]:
    """The rules of one jurisdiction by trigger, in file order (what ``rules_in_force`` filters).
    For the same tuple of rules (the shipped ones, loaded once), worked out once."""
    if not isinstance(rules, tuple):
        return _group_rules(rules, jurisdiction)
    held = _BY_TRIGGER.get((id(rules), jurisdiction))
    if held is None or held[0] is not rules:
        if len(_BY_TRIGGER) > 64:
            _BY_TRIGGER.clear()
        held = _BY_TRIGGER[(id(rules), jurisdiction)] = (rules, _group_rules(rules, jurisdiction))
    return held[1]


_BY_TRIGGER: dict[tuple[int, Jurisdiction], tuple[tuple[Rule, ...], dict[Trigger, list[Rule]]]] = {}


def _group_rules(rules: Iterable[Rule], jurisdiction: Jurisdiction) -> dict[Trigger, list[Rule]]:
    out: dict[Trigger, list[Rule]] = {}
    for r in rules:
        if jurisdiction in r.jurisdictions:
            for t in r.triggers:
                out.setdefault(t, []).append(r)
    return out


def _overrides_by_key(case_id: str, overrides: Iterable[DeadlineOverride]) -> dict[str, DeadlineOverride]:
    chosen: dict[str, DeadlineOverride] = {}
    for ov in overrides:
        if ov.case_id != case_id:
            continue
        held = chosen.get(ov.deadline_key)
        if held is None or ov.updated_at >= held.updated_at:
            chosen[ov.deadline_key] = ov
    return chosen


def _state(
    case: Case,
    rule: Rule,
    ev: TriggerEvent,
    due: date,
    today: date,
    due_soon_days: int,
    ov: DeadlineOverride | None,
    evidence_date: date | None,
) -> tuple[DeadlineState, date | None, str]:
    if ov is not None and ov.met_on is not None:
        return DeadlineState.MET, ov.met_on, "Marked met by the advocate."
    if evidence_date is not None:
        return DeadlineState.MET, evidence_date, f"Met on {format_date(evidence_date)}."
    closing = _closing_decision(case, rule, ev)
    if closing is not None:
        when = f", dated {format_date(closing.date)}" if closing.date else ""
        note = f"Closed: a {closing.kind.label} decision ({closing.outcome_label.lower()}) is recorded{when}."
        return DeadlineState.MET, closing.date, note
    days_left = (due - today).days
    if rule.nature is Nature.MINIMUM and days_left < 0:
        return DeadlineState.MET, due, f"The period ended on {format_date(due)}."
    if days_left < 0:
        return DeadlineState.OVERDUE, None, ""
    if days_left <= due_soon_days:
        return DeadlineState.DUE_SOON, None, ""
    return DeadlineState.UPCOMING, None, ""


_DECIDED = (Outcome.POSITIVE, Outcome.NEGATIVE)


def _matches(d: Decision, what: MetWhen) -> bool:
    if what is MetWhen.RG_DECISION:
        return d.kind is DecisionKind.REASONABLE_GROUNDS and d.outcome in _DECIDED
    if what is MetWhen.CG_DECISION:
        return d.kind is DecisionKind.CONCLUSIVE_GROUNDS and d.outcome in _DECIDED
    if what is MetWhen.RECONSIDERATION_DECISION:  # a pending one records that the request was made
        return d.kind is DecisionKind.RECONSIDERATION and d.outcome is not Outcome.WITHDRAWN
    if what is MetWhen.VTS_DECISION:
        return d.kind is DecisionKind.VTS and d.outcome in _DECIDED
    return (
        d.kind
        in (DecisionKind.REASONABLE_GROUNDS, DecisionKind.CONCLUSIVE_GROUNDS, DecisionKind.RECONSIDERATION)
        and d.outcome is Outcome.POSITIVE
    )


def _closing_decision(case: Case, rule: Rule, ev: TriggerEvent) -> Decision | None:
    """The earliest decision named in ``rule.met_when`` recorded on or after the trigger.

    An undated decision counts too (it exists, but when is unknown); a dated one wins over it.
    """
    if not rule.met_when:
        return None
    found: list[Decision] = [
        d
        for d in case.decisions
        if d.id != ev.record_id
        and (d.date is None or d.date >= ev.on)
        and any(_matches(d, w) for w in rule.met_when)
    ]
    if not found:
        return None
    return min(found, key=lambda d: (d.date is None, d.date or date.max, d.created_at))


def _cg_before(case: Case, d: Decision) -> bool:
    """A reconsideration is of a CG if a CG decision came on or before it."""
    return any(
        x.kind is DecisionKind.CONCLUSIVE_GROUNDS
        and x.date is not None
        and d.date is not None
        and x.date <= d.date
        for x in case.decisions
    )


DISQUALIFICATION_NOTE = (
    "A public order disqualification (Nationality and Borders Act 2022 s63) is recorded. "
    "R (ABW) v SSHD [2025] EWHC 3280 (Admin) (17 December 2025) quashed a disqualification "
    "decision and held that a conclusive grounds decision must still be made: read the judgment "
    "before relying on it. The Border Security, Asylum and Immigration Act 2025 repealed Illegal "
    "Migration Act 2023 ss22-28 (never commenced); IMA s29 is kept but not commenced (its "
    "commencement position: to be confirmed). Take legal advice at once on challenging the "
    "disqualification (the Home Office records reconsideration requests against disqualification "
    "decisions; their time limit is not in these rules: to be confirmed)."
)


def case_notes(case: Case) -> list[str]:
    """Plain sentences, with sources, about facts of the case no dated rule covers."""
    out: list[str] = []
    if any(
        d.kind is DecisionKind.PUBLIC_ORDER_DISQUALIFICATION and d.outcome is Outcome.POSITIVE
        for d in case.decisions
    ):
        out.append(DISQUALIFICATION_NOTE)
    return out


# ---- what a letter (or any screen) may print about a reconsideration window ----------------


class WindowStatus(StrEnum):
    DATED = "dated"  # a fixed limit applies: ``due`` is its last day
    NO_FIXED_LIMIT = "no_fixed_limit"  # decision before 12 February 2024: never print a date
    BARRED = "barred"  # para 14.216 applies: no reconsideration, judicial review instead
    NOT_APPLICABLE = "not_applicable"  # not a negative RG/CG or VTS refusal, or not dated


@dataclass(frozen=True)
class ReconsiderationWindow:
    """Whether a reconsideration request has a time limit for ``decision``, and which.

    Print a date only when ``status is WindowStatus.DATED`` (then ``due`` is set). ``reason``
    is one sentence for the advocate; ``caution`` is set when para 14.216 is "not known".
    ``rule`` is the rule in force on the decision date (its ``guidance_version``, ``source``
    and ``wording`` are what a letter cites), or None.
    """

    status: WindowStatus
    due: date | None
    rule: Rule | None
    reason: str
    caution: str = ""

    @property
    def guidance_version(self) -> str:
        return self.rule.guidance_version if self.rule is not None else ""


def reconsideration_window(
    decision: Decision,
    jurisdiction: Jurisdiction,
    rules: Iterable[Rule],
    calendar: HolidayCalendar | None = None,
) -> ReconsiderationWindow:
    """The reconsideration window of one decision (no clock, no disk: pure).

    Counts from the date of the decision letter (``decision.date``), never the date received.
    A negative reconsideration decision is challenged by judicial review, not reconsidered
    again.
    """
    cal = calendar or NoHolidays()
    if decision.date is None:
        return ReconsiderationWindow(
            WindowStatus.NOT_APPLICABLE, None, None, "The decision has no date, so no window can be counted."
        )
    if decision.outcome is not Outcome.NEGATIVE:
        return ReconsiderationWindow(
            WindowStatus.NOT_APPLICABLE,
            None,
            None,
            f"Only a negative decision can be reconsidered; this one is {decision.outcome_label.lower()}.",
        )
    trigger = {
        DecisionKind.REASONABLE_GROUNDS: Trigger.RG_NEGATIVE,
        DecisionKind.CONCLUSIVE_GROUNDS: Trigger.CG_NEGATIVE,
        DecisionKind.VTS: Trigger.VTS_DECISION,
    }.get(decision.kind)
    if trigger is None:
        return ReconsiderationWindow(
            WindowStatus.NOT_APPLICABLE,
            None,
            None,
            f"A {decision.kind.label} decision has no reconsideration window in the rules; "
            "a refused reconsideration is challenged by judicial review.",
        )
    ev = TriggerEvent(
        trigger, decision.id, decision.date, f"the decision of {format_date(decision.date)}", decision
    )
    found = [
        r
        for r in rules_in_force(list(rules), trigger, jurisdiction, decision.date)
        if r.nature is Nature.HARD_LIMIT and "reconsideration" in r.series
    ]
    if not found:
        return ReconsiderationWindow(
            WindowStatus.NOT_APPLICABLE,
            None,
            None,
            f"No reconsideration rule was in force on {format_date(decision.date)}.",
        )
    rule = found[0]
    if rule.period is None:
        return ReconsiderationWindow(
            WindowStatus.NO_FIXED_LIMIT,
            None,
            rule,
            f"No fixed time limit applied to a decision of {format_date(decision.date)} "
            f"(the limit began on 12 February 2024; {rule.source}). Ask promptly and explain any delay.",
        )
    if _barred(rule, ev):
        return ReconsiderationWindow(
            WindowStatus.BARRED,
            None,
            rule,
            f"No reconsideration: the decision records that para 14.216 applies ({REMOVAL_BAR_SOURCE}). "
            "Judicial review, which runs from this decision, is the only route.",
        )
    due = add_period(decision.date, rule.period.amount, rule.period.unit, jurisdiction, cal, rule.counting)
    return ReconsiderationWindow(
        WindowStatus.DATED,
        due,
        rule,
        f"{rule.period.describe().capitalize()} {rule.counting.label} the decision of "
        f"{format_date(decision.date)}: by {format_date(due)} ({rule.source}).",
        _caution(rule, ev),
    )
