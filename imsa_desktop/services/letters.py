"""Reconsideration letters as records: draft, save, send (keeping the exact PDF), follow up.

The GUI builder and ``imsa letter reconsideration`` both go through here. Rendering a PDF is
pure (``render``) so the GUI can run it in a worker with plain data; everything that touches
the vault takes a unit of work.

Sending a letter (``mark_sent``) stores the exact PDF, and adds two timeline events: the
letter (kind LETTER, on the day sent) and a dated follow-up (kind DEADLINE, 28 days later by
default; see ``domain.letter_records``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from imsa_desktop.documents.letter_pdf import render_letter
from imsa_desktop.domain import letter_records as lr
from imsa_desktop.domain import letters
from imsa_desktop.domain.dates import FuzzyDate, format_date
from imsa_desktop.domain.deadlines import (
    Deadline,
    WindowStatus,
    add_period,
    compute_deadlines,
    reconsideration_window,
)
from imsa_desktop.domain.letter_records import LetterOutcome, LetterRecord, LetterStatus
from imsa_desktop.domain.model import (
    AppointmentKind,
    Case,
    Clock,
    ConsentRecord,
    DeadlineOverride,
    Decision,
    DecisionKind,
    EventKind,
    EvidenceItem,
    Outcome,
    TimelineEvent,
    utc_now,
)
from imsa_desktop.domain.rules import Rule, Trigger, rules_in_force
from imsa_desktop.errors import InvalidInput, LetterRefused, NotFound
from imsa_desktop.services import documents as doc_service
from imsa_desktop.services import organisation as org_service
from imsa_desktop.services.deadlines import holiday_calendar, rules
from imsa_desktop.services.ports import AbstractUnitOfWork

DEFAULT_CAPACITY = "their Independent Modern Slavery Advocate (IMSA)"


# ---- what can be asked, and by when -----------------------------------------------------------


def eligible_decisions(case: Case) -> list[Decision]:
    """Negative, dated RG or CG decisions: the ones a reconsideration request can answer."""
    return [
        d
        for d in case.decisions_sorted()
        if d.kind in (DecisionKind.REASONABLE_GROUNDS, DecisionKind.CONCLUSIVE_GROUNDS)
        and d.outcome is Outcome.NEGATIVE
        and d.date is not None
    ]


def request_deadline(
    case: Case, decision_id: str, today: date, overrides: Sequence[DeadlineOverride] = ()
) -> Deadline | None:
    """The reconsideration-request deadline the rules give for this decision (None: no fixed
    limit applied on the decision date, and the letter prints no date)."""
    for d in compute_deadlines(case, rules(), holiday_calendar(), today, overrides):
        if d.trigger_record_id == decision_id and d.rule.series.startswith("reconsideration"):
            return d
    return None


def reconsideration_rule(case: Case, decision: Decision) -> Rule | None:
    """The reconsideration rule in force on the decision date, in the case's jurisdiction: it
    gives the guidance version and the time limit's source the letter cites."""
    return reconsideration_window(decision, case.jurisdiction, rules(), holiday_calendar()).rule


def judicial_review_limit(case: Case, decision: Decision) -> tuple[date | None, str]:
    """The outer judicial-review date counted from ``decision`` in the case's jurisdiction, and
    the rule's source (for the file note only; "promptly" may require a claim much earlier)."""
    if decision.date is None:
        return None, ""
    trigger = Trigger.RG_NEGATIVE if decision.kind is DecisionKind.REASONABLE_GROUNDS else Trigger.CG_NEGATIVE
    for r in rules_in_force(rules(), trigger, case.jurisdiction, decision.date):
        if r.series.startswith("judicial_review") and r.period is not None:
            due = add_period(
                decision.date,
                r.period.amount,
                r.period.unit,
                case.jurisdiction,
                holiday_calendar(),
                r.counting,
            )
            return due, r.source
    return None, ""


def consent_for_request(case: Case) -> ConsentRecord | None:
    """The consent the letter relies on: the latest given consent to share with the SCA/IECA,
    else the latest given consent of any purpose."""
    given = sorted((c for c in case.consents if c.given), key=lambda c: c.date)
    sharing = [c for c in given if str(c.purpose) == "share_competent_authority"]
    pool = sharing or given
    return pool[-1] if pool else None


def consent_form(consent: ConsentRecord | None) -> str:
    """ "written" or "verbal" as the consent record says, else "" (not recorded)."""
    value = str(getattr(consent, "consent_type", "") or "") if consent is not None else ""
    return value if value in ("written", "verbal") else ""


def legal_referral_date(appointments: Sequence[Any], events: Sequence[TimelineEvent]) -> date | None:
    """The first recorded contact with a solicitor (appointment kind legal, or a timeline event of
    kind legal): the only basis for saying the survivor was referred for legal advice."""
    dates = [a.start.date() for a in appointments if a.kind is AppointmentKind.LEGAL]
    dates += [e.date.earliest for e in events if str(e.kind) == "legal" and e.date.is_exact]
    return min(dates) if dates else None


@dataclass(frozen=True)
class LetterContext:
    """Everything the builder needs, loaded once (plain data: safe to hand to a worker)."""

    case: Case
    decision: Decision
    evidence: list[EvidenceItem]
    events: list[TimelineEvent]
    deadline: date | None  # None: no fixed limit applied on the decision date
    deadline_rule: str  # the rule's source, cited in the letter
    late: bool
    days_left: int | None  # negative once late; None without a fixed limit
    catalogue: dict[str, Any]
    template: dict[str, Any]
    organisation: letters.Organisation
    consent_date: date | None  # of the consent the letter relies on, if any
    addressees: dict[str, list[str]] = field(default_factory=dict)  # the organisation's, by authority
    guidance_version: str = ""  # from the rule in force on the decision date
    consent_form: str = ""  # written | verbal | "" (not recorded)
    legal_referral_on: date | None = None
    caution: str = ""  # e.g. para 14.216 "not known" on a decision from 17 September 2025

    @property
    def grounds(self) -> dict[str, dict[str, Any]]:
        return letters.catalogue_grounds(self.catalogue)


def load_context(
    uow: AbstractUnitOfWork, case_id: str, decision_id: str, *, today: date, default_signatory: str = ""
) -> LetterContext:
    """Raises UnknownCase, NotFound (decision) or LetterRefused (decision not negative RG/CG, or
    under the para 14.216 removal bar)."""
    stored = doc_service.read_records(uow, case_id)
    case, evidence, events, overrides = stored.case, stored.evidence, stored.events, stored.overrides
    decision = case.decision(decision_id)
    if decision is None:
        raise NotFound("There is no decision with that id in this case.")
    letters._check_decision(decision)
    assert decision.date is not None
    template = org_service.load_template(uow)
    catalogue = org_service.load_catalogue(uow)
    window = reconsideration_window(decision, case.jurisdiction, rules(), holiday_calendar())
    rule = window.rule
    found = request_deadline(case, decision_id, today, overrides)
    due: date | None = None
    if window.status is WindowStatus.DATED:
        due = found.due if found is not None else window.due  # the advocate's override wins
    # NO_FIXED_LIMIT: a decision before 12 February 2024 never gets an invented date.
    organisation = org_service.letter_organisation(uow, default_signatory=default_signatory)
    consent = consent_for_request(case)
    return LetterContext(
        case=case,
        decision=decision,
        evidence=evidence,
        events=events,
        deadline=due,
        deadline_rule=rule.source if rule is not None else "",
        late=due is not None and today > due,
        days_left=(due - today).days if due is not None else None,
        catalogue=catalogue,
        template=template,
        organisation=organisation,
        consent_date=consent.date if consent is not None else None,
        addressees=org_service.get_settings(uow).addressees,
        guidance_version=rule.guidance_version if rule is not None else "",
        consent_form=consent_form(consent),
        legal_referral_on=legal_referral_date(stored.appointments, events),
        caution=window.caution,
    )


@dataclass(kw_only=True)
class LetterChoices:
    grounds: list[str]
    enclose: list[str] = field(default_factory=list)  # evidence ids, numbered in this order
    requester_capacity: str = DEFAULT_CAPACITY
    consent_date: date | None = None
    exceptional: letters.ExceptionalCircumstances | None = None
    ground_enclosures: dict[str, list[str]] | None = None  # ground key -> evidence ids
    ground_facts: dict[str, list[str]] | None = None  # ground key -> chronology facts as printed
    ground_reasons: dict[str, list[int]] | None = None  # ground key -> the decision's reasons it answers
    enclosure_notes: dict[str, letters.EnclosureNote] | None = None  # evidence id -> what it shows
    mode: str = ""  # full | holding | late ("" = full, or late once the time limit has passed)
    holding: letters.Holding | None = None
    exceptional_enclosures: list[str] = field(default_factory=list)  # evidence ids


def build(ctx: LetterContext, choices: LetterChoices, today: date) -> letters.LetterDraft:
    """The draft for ``choices`` (pure). Organisation addressees replace the template's lines."""
    draft = letters.build_draft(
        ctx.case,
        ctx.decision.id,
        evidence=ctx.evidence,
        chosen_grounds=list(choices.grounds),
        enclose=list(choices.enclose),
        catalogue=ctx.catalogue,
        template=ctx.template,
        organisation=ctx.organisation,
        requester_capacity=choices.requester_capacity,
        consent_date=choices.consent_date,
        today=today,
        deadline=ctx.deadline,
        ground_enclosures=choices.ground_enclosures,
        ground_facts=choices.ground_facts,
        ground_reasons=choices.ground_reasons,
        enclosure_notes=choices.enclosure_notes,
        mode=choices.mode,
        guidance_version=ctx.guidance_version,
        time_limit_source=ctx.deadline_rule,
        consent_form=ctx.consent_form,
        legal_referral_on=ctx.legal_referral_on,
        holding=choices.holding,
        exceptional_enclosures=choices.exceptional_enclosures,
    )
    if ctx.addressees.get(draft.authority):
        draft.addressee_lines = list(ctx.addressees[draft.authority])
    else:
        draft.addressee_placeholder = True
    if choices.exceptional is not None:
        numbers = draft.exceptional.enclosure_numbers
        draft.exceptional = dataclasses.replace(choices.exceptional, enclosure_numbers=numbers)
    return draft


def file_note(ctx: LetterContext, today: date, mode: str = "full") -> letters.FileNote:
    """The note for the survivor's file (judicial review timing, legal referral): never sent."""
    jr_due, _ = judicial_review_limit(ctx.case, ctx.decision)
    return letters.file_note(
        ctx.case,
        ctx.decision,
        ctx.template,
        today=today,
        guidance_version=ctx.guidance_version,
        mode=mode,
        legal_referral_on=ctx.legal_referral_on,
        jr_due=jr_due,
    )


def barred_file_note(
    uow: AbstractUnitOfWork, case_id: str, decision_id: str, today: date
) -> letters.FileNote:
    """For a decision under the para 14.216 bar: no letter, but the note saying JR is the route."""
    with uow:
        case = uow.cases.get(case_id)
        events = uow.events.for_case(case_id)
        appointments = uow.appointments.for_case(case_id)
    decision = case.decision(decision_id)
    if decision is None:
        raise NotFound("There is no decision with that id in this case.")
    rule = reconsideration_rule(case, decision)
    jr_due, _ = judicial_review_limit(case, decision)
    return letters.file_note(
        case,
        decision,
        org_service.load_template(uow),
        today=today,
        guidance_version=rule.guidance_version if rule is not None else "",
        legal_referral_on=legal_referral_date(appointments, events),
        jr_due=jr_due,
    )


def fact_lines(events: Sequence[TimelineEvent]) -> list[tuple[str, str]]:
    """Chronology facts a ground may cite: (event id, "14 October 2024: title"), in date order."""
    ordered = sorted(events, key=lambda e: (e.date.sort_key, e.created_at))
    out = []
    for e in ordered:
        when = e.date.display() if e.end is None else f"{e.date.display()} to {e.end.display()}"
        out.append((e.id, f"{when}: {e.title}"))
    return out


def draft_letter(
    uow: AbstractUnitOfWork,
    case_id: str,
    decision_id: str,
    choices: LetterChoices,
    *,
    today: date,
    default_signatory: str = "",
) -> letters.LetterDraft:
    ctx = load_context(uow, case_id, decision_id, today=today, default_signatory=default_signatory)
    if choices.consent_date is None:
        choices = dataclasses.replace(choices, consent_date=ctx.consent_date)
    return build(ctx, choices, today)


def render(draft: letters.LetterDraft, *, strict: bool, today: date | None = None) -> bytes:
    """PDF bytes of ``draft`` (pure; run it in a worker). Strict refuses while errors remain."""
    return render_letter(draft, strict=strict, today=today)


def errors(draft: letters.LetterDraft, today: date) -> list[letters.Problem]:
    return [p for p in letters.validate(draft, today) if p.severity == letters.ERROR]


# ---- records ---------------------------------------------------------------------------------


def list_letters(uow: AbstractUnitOfWork, case_id: str) -> list[LetterRecord]:
    with uow:
        uow.cases.get(case_id)
        return uow.letters.for_case(case_id)


def get_letter(uow: AbstractUnitOfWork, letter_id: str) -> LetterRecord:
    with uow:
        return uow.letters.get(letter_id)


def save_draft(
    uow: AbstractUnitOfWork,
    draft: letters.LetterDraft,
    *,
    letter_id: str | None = None,
    clock: Clock = utc_now,
) -> LetterRecord:
    """Save a new draft letter, or replace the text of draft ``letter_id``."""
    with uow:
        case = uow.cases.get(draft.case_id)
        if case.decision(draft.decision_id) is None:
            raise NotFound("There is no decision with that id in this case.")
        if letter_id is None:
            rec = lr.new_record(draft, clock)
            uow.letters.add(rec)
            uow.audit.record("created", draft.case_id, f"letter {rec.id}")
        else:
            rec = uow.letters.get(letter_id)
            lr.update_from_draft(rec, draft, clock)
            uow.letters.save(rec)
            uow.audit.record("changed", draft.case_id, f"letter {rec.id}")
        uow.commit()
    return rec


def delete_draft(uow: AbstractUnitOfWork, letter_id: str) -> None:
    with uow:
        rec = uow.letters.get(letter_id)
        if not rec.editable:
            raise InvalidInput("A sent letter is part of the case record and cannot be deleted.")
        uow.letters.delete(rec.id)
        uow.audit.record("deleted", rec.case_id, f"letter {rec.id}")
        uow.commit()


def draft_for_sending(uow: AbstractUnitOfWork, letter_id: str, sent_on: date) -> letters.LetterDraft:
    """The saved draft, dated ``sent_on`` and with the organisation's logo: render this to send."""
    rec = get_letter(uow, letter_id)
    if not rec.editable:
        raise InvalidInput("This letter has already been marked as sent.")
    draft = rec.to_draft()
    draft.letter_date = sent_on
    draft.organisation.logo_png = org_service.get_logo(uow)
    return draft


def mark_sent(
    uow: AbstractUnitOfWork,
    letter_id: str,
    *,
    sent_on: date,
    today: date,
    pdf: bytes | None = None,
    follow_up_days: int = lr.FOLLOW_UP_DAYS,
    clock: Clock = utc_now,
) -> LetterRecord:
    """Mark a draft sent on ``sent_on``: keep the exact PDF (``pdf``, or rendered now), add the
    LETTER timeline event and the dated follow-up. Refuses while the letter has errors (for
    example a late request without its exceptional-circumstances section)."""
    draft = draft_for_sending(uow, letter_id, sent_on)
    problems = errors(draft, sent_on)
    if problems:
        raise LetterRefused(problems[0].message)
    if pdf is None:
        pdf = render(draft, strict=True, today=sent_on)
    if not 0 < follow_up_days <= 365:
        raise InvalidInput("The follow-up must be between 1 and 365 days after sending.")
    with uow:
        rec = uow.letters.get(letter_id)
        digest = uow.letter_pdfs.put(rec.id, pdf)
        lr.update_from_draft(rec, draft, clock)
        lr.mark_sent(rec, sent_on, digest, today, clock)
        now = clock()
        sent_event = TimelineEvent(
            case_id=rec.case_id,
            date=FuzzyDate.exact(sent_on),
            title=f"Reconsideration request sent to the {draft.authority}",
            kind=EventKind.LETTER,
            source=draft.organisation.name,
            notes=f"{rec.title}. Grounds: " + "; ".join(g.title for g in draft.grounds) + ".",
            key=True,
            created_at=now,
            updated_at=now,
        )
        follow_on = sent_on + timedelta(days=follow_up_days)
        follow_up = TimelineEvent(
            case_id=rec.case_id,
            date=FuzzyDate.exact(follow_on),
            title=f"Follow up the reconsideration request sent on {format_date(sent_on)} if no response",
            kind=EventKind.DEADLINE,
            notes=f"Reminder set {follow_up_days} days after sending (not a time limit in the guidance).",
            created_at=now,
            updated_at=now,
        )
        uow.events.add(sent_event)
        uow.events.add(follow_up)
        rec.letter_event_id = sent_event.id
        rec.follow_up_event_id = follow_up.id
        rec.follow_up_on = follow_on
        uow.letters.save(rec)
        uow.audit.record("sent", rec.case_id, f"letter {rec.id}")
        uow.commit()
    return rec


def mark_response(
    uow: AbstractUnitOfWork, letter_id: str, *, received_on: date, today: date, clock: Clock = utc_now
) -> LetterRecord:
    with uow:
        rec = uow.letters.get(letter_id)
        lr.mark_response(rec, received_on, today, clock)
        _close_follow_up(uow, rec, received_on, clock)
        _add_event(uow, rec, received_on, "Response to the reconsideration request received", clock)
        uow.letters.save(rec)
        uow.audit.record("changed", rec.case_id, f"letter {rec.id} response received")
        uow.commit()
    return rec


def record_outcome(
    uow: AbstractUnitOfWork,
    letter_id: str,
    outcome: LetterOutcome,
    *,
    on: date,
    today: date,
    note: str = "",
    clock: Clock = utc_now,
) -> LetterRecord:
    with uow:
        rec = uow.letters.get(letter_id)
        lr.record_outcome(rec, outcome, on, today, clock, note)
        _close_follow_up(uow, rec, on, clock)
        _add_event(uow, rec, on, f"Reconsideration request: {outcome.label.lower()}", clock)
        uow.letters.save(rec)
        uow.audit.record("changed", rec.case_id, f"letter {rec.id} outcome {outcome.value}")
        uow.commit()
    return rec


def _add_event(uow: AbstractUnitOfWork, rec: LetterRecord, on: date, title: str, clock: Clock) -> None:
    now = clock()
    uow.events.add(
        TimelineEvent(
            case_id=rec.case_id,
            date=FuzzyDate.exact(on),
            title=title,
            kind=EventKind.LETTER,
            created_at=now,
            updated_at=now,
        )
    )


def _close_follow_up(uow: AbstractUnitOfWork, rec: LetterRecord, on: date, clock: Clock) -> None:
    if not rec.follow_up_event_id:
        return
    ev = uow.events.find(rec.follow_up_event_id)
    if ev is None or "Done:" in ev.notes:
        return
    ev.notes = (ev.notes + f" Done: the authority answered on {format_date(on)}.").strip()
    ev.touch(clock)
    uow.events.save(ev)


def sent_pdf(uow: AbstractUnitOfWork, letter_id: str, *, action: str = "viewed") -> bytes:
    """The exact PDF that was sent (checked against its SHA-256); the access is audited."""
    with uow:
        rec = uow.letters.get(letter_id)
        pdf = uow.letter_pdfs.get(rec.id)
        uow.audit.record(action, rec.case_id, f"sent letter pdf {rec.id}")
        uow.commit()
    return pdf


def met_evidence(uow: AbstractUnitOfWork, case_id: str, deadline_keys: Sequence[str]) -> dict[str, date]:
    """For the deadlines service: reconsideration deadlines met by a letter already sent."""
    with uow:
        recs = uow.letters.for_case(case_id)
    return lr.met_evidence(recs, deadline_keys)


# ---- one-shot (the CLI) ----------------------------------------------------------------------


def reconsideration_pdf(
    uow: AbstractUnitOfWork,
    case_id: str,
    decision_id: str,
    choices: LetterChoices,
    *,
    today: date,
    default_signatory: str = "",
) -> tuple[letters.LetterDraft, bytes]:
    """Draft and render a letter in one go, refusing (LetterRefused) while the draft has errors."""
    draft = draft_letter(uow, case_id, decision_id, choices, today=today, default_signatory=default_signatory)
    problems = errors(draft, today)
    if problems:
        raise LetterRefused(problems[0].message)
    return draft, render(draft, strict=True, today=today)


def status_counts(recs: Sequence[LetterRecord]) -> Mapping[LetterStatus, int]:
    out: dict[LetterStatus, int] = {}
    for r in recs:
        out[r.status] = out.get(r.status, 0) + 1
    return out
