"""The case chronology: stored timeline events plus entries derived on the fly.

Stored events (``uow.events``) are what the advocate records: exploitation periods, exit,
contacts, letters, with their source and flags. Derived entries come from other records and are
never duplicated in storage: the referral, each decision, each deadline, each appointment and
each evidence item obtained or provided. Derived entries are read-only here; they change where
their record lives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from imsa_desktop.domain import validation
from imsa_desktop.domain.dates import FuzzyDate, format_date
from imsa_desktop.domain.deadlines import DeadlineState
from imsa_desktop.domain.model import Clock, EventKind, TimelineEvent, utc_now
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.services.pacing import checkpoint
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.services.records import delete_in_case, upsert_in_case


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the chronology."""

    id: str  # the stored event id, or "derived:<what>:<record id>"
    date: FuzzyDate
    end: FuzzyDate | None
    title: str
    kind: EventKind
    source: str = ""
    notes: str = ""
    key: bool = False
    disputed: bool = False
    material: bool = False
    evidence_ids: tuple[str, ...] = ()
    derived: bool = False
    record_id: str = ""  # the record this entry comes from
    detail: str = ""  # extra for derived entries: outcome, deadline state, place

    @property
    def is_period(self) -> bool:
        return self.end is not None


def _exact(d: date) -> FuzzyDate:
    return FuzzyDate.exact(d)


def _derived(
    what: str,
    record_id: str,
    on: date,
    title: str,
    kind: EventKind,
    source: str,
    *,
    detail: str = "",
    evidence_ids: tuple[str, ...] = (),
) -> TimelineEntry:
    """An entry on the day ``on`` drawn from another record (id "derived:<what>:<record id>")."""
    return TimelineEntry(
        id=f"derived:{what}:{record_id}",
        date=_exact(on),
        end=None,
        title=title,
        kind=kind,
        source=source,
        evidence_ids=evidence_ids,
        derived=True,
        record_id=record_id,
        detail=detail,
    )


def _stored(e: TimelineEvent) -> TimelineEntry:
    return TimelineEntry(
        id=e.id,
        date=e.date,
        end=e.end,
        title=e.title,
        kind=e.kind,
        source=e.source,
        notes=e.notes,
        key=e.key,
        disputed=e.disputed,
        material=e.material,
        evidence_ids=tuple(e.evidence_ids),
        record_id=e.id,
    )


def chronology(
    uow: AbstractUnitOfWork,
    case_id: str,
    today: date,
    *,
    kinds: Iterable[EventKind] | None = None,
    include_derived: bool = True,
) -> list[TimelineEntry]:
    """Every dated thing of the case, oldest first (fuzzy dates sort by their earliest day)."""
    with uow:
        case = uow.cases.get(case_id)
        events = uow.events.for_case(case_id)
        appts = uow.appointments.for_case(case_id) if include_derived else []
        evidence = uow.evidence.for_case(case_id) if include_derived else []
    entries = []
    for e in events:
        entries.append(_stored(e))
        checkpoint()  # a worker takes turns with the GUI thread here (services.pacing)
    if include_derived:
        ref = case.referral
        if ref.date is not None:
            by = f" by {ref.first_responder}" if ref.first_responder else ""
            entries.append(
                _derived(
                    "referral",
                    case.id,
                    ref.date,
                    f"{ref.route.label}{by}",
                    EventKind.REFERRAL,
                    "Referral record",
                )
            )
        for d in case.decisions:
            if d.date is None:
                continue
            title = f"{d.kind.label} decision: {d.outcome_label.lower()}"
            source = f"{d.authority.value} decision letter" + (f" ({d.reference})" if d.reference else "")
            detail = d.outcome.value if d.outcome else ""
            entries.append(
                _derived("decision", d.id, d.date, title, EventKind.DECISION, source, detail=detail)
            )
        for cd in deadline_service.case_deadlines(uow, case_id, today).deadlines:
            dl = cd.deadline
            state = dl.status_text  # "Met late (34 days after the target)", never a plain "Met"
            if dl.state is DeadlineState.MET and dl.met_on:
                state = f"{dl.status_text} {format_date(dl.met_on)}"
            title = f"Deadline: {dl.title}"
            entries.append(
                _derived("deadline", dl.key, dl.due, title, EventKind.DEADLINE, dl.rule.source, detail=state)
            )
        for a in appts:
            title = f"{a.title} ({a.start:%H:%M})"
            entries.append(
                _derived(
                    "appointment",
                    a.id,
                    a.start.date(),
                    title,
                    EventKind.APPOINTMENT,
                    "Appointment",
                    detail=a.location,
                )
            )
        for ev in evidence:
            to = f" to {ev.provided_to}" if ev.provided_to else ""
            for step, when, label in (
                ("obtained", ev.date_obtained, "Evidence obtained"),
                ("provided", ev.date_provided, f"Evidence provided{to}"),
            ):
                if when is not None:
                    title = f"{label}: {ev.title}"
                    entries.append(
                        _derived(
                            f"evidence-{step}",
                            ev.id,
                            when,
                            title,
                            EventKind.EVIDENCE,
                            ev.source,
                            evidence_ids=(ev.id,),
                        )
                    )
    if kinds is not None:
        wanted = set(kinds)
        entries = [e for e in entries if e.kind in wanted]
    entries.sort(key=lambda e: (e.date.sort_key, e.derived, e.title))
    return entries


def _validate(event: TimelineEvent, evidence_ids: set[str]) -> TimelineEvent:
    validation.check_record(event, "event")
    title = event.title.strip()
    if not title:
        raise InvalidInput("Please give the event a title.")
    if event.end is not None and event.end.latest < event.date.earliest:
        raise InvalidInput("The event cannot end before it starts.")
    unknown = [e for e in event.evidence_ids if e not in evidence_ids]
    if unknown:
        raise InvalidInput("An event can only be linked to evidence of the same case.")
    return dataclasses.replace(
        event,
        title=title,
        source=event.source.strip(),
        evidence_ids=list(dict.fromkeys(event.evidence_ids)),
    )


def save_event(uow: AbstractUnitOfWork, event: TimelineEvent, *, clock: Clock = utc_now) -> TimelineEvent:
    """Add or update a stored timeline event (matched by id)."""
    with uow:
        uow.cases.get(event.case_id)
        evidence_ids = {e.id for e in uow.evidence.for_case(event.case_id)}
        event = _validate(event, evidence_ids)
        event = upsert_in_case(uow, uow.events, event, clock=clock, noun="timeline event")
        uow.commit()
    return event


def delete_event(uow: AbstractUnitOfWork, case_id: str, event_id: str) -> None:
    if event_id.startswith("derived:"):
        raise InvalidInput("This entry comes from another record; change or delete it there.")
    with uow:
        missing = "There is no such event in this case."
        delete_in_case(uow, uow.events, case_id, event_id, noun="timeline event", missing=missing)
        uow.commit()


def get_event(uow: AbstractUnitOfWork, case_id: str, event_id: str) -> TimelineEvent:
    with uow:
        held = uow.events.find(event_id)
    if held is None or held.case_id != case_id:
        raise NotFound("There is no such event in this case.")
    return held


@dataclass
class EvidenceChoice:
    id: str
    title: str
    linked: bool = field(default=False)


def evidence_choices(uow: AbstractUnitOfWork, case_id: str) -> list[EvidenceChoice]:
    """The case's evidence items an event may be linked to."""
    with uow:
        items = uow.evidence.for_case(case_id)
    return [EvidenceChoice(e.id, e.title) for e in items]
