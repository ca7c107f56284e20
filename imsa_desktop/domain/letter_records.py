"""Letters as records: a saved reconsideration request and what happened to it (standard library only).

A ``LetterRecord`` is kept in the vault's ``records`` table (kind ``letter``). It holds the draft
as JSON (every editable text, the grounds and enclosures; never the logo, which lives in the
organisation settings), the versions of the guidance, ground catalogue and template it relied
on, and its life: draft -> sent -> response received -> outcome. The exact PDF that was sent is
stored beside it (``store.letter_pdfs``), with its SHA-256 kept here too.

Marking a letter sent adds two timeline events: the letter itself (kind LETTER, on the day it
was sent) and a dated follow-up (kind DEADLINE, ``FOLLOW_UP_DAYS`` later) so the chase shows
on the chronology and the dashboard. It is an event, not a ``DeadlineOverride``: overrides
change deadlines the rules compute, and no rule sets a time limit for the authority's reply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from imsa_desktop.domain.codec import from_jsonable, to_jsonable
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.enums import LabelledEnum
from imsa_desktop.domain.letters import LetterDraft
from imsa_desktop.domain.model import Clock, Record
from imsa_desktop.errors import InvalidInput

FOLLOW_UP_DAYS = 28  # local practice: chase the authority if nothing has come back in 4 weeks


class LetterStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    RESPONSE_RECEIVED = "response_received", "Response received"
    OUTCOME = "outcome", "Outcome recorded"


class LetterOutcome(LabelledEnum):
    OVERTURNED = (
        "overturned",
        "Decision overturned",
    )  # the negative decision was withdrawn and remade positively
    UPHELD = "upheld", "Decision upheld"  # reconsideration refused: the negative decision stands
    WITHDRAWN = "withdrawn", "Request withdrawn"  # the request was withdrawn


@dataclass(kw_only=True)
class LetterRecord(Record):
    case_id: str
    decision_id: str
    letter_kind: str = "reconsideration"
    status: LetterStatus = LetterStatus.DRAFT
    title: str
    reference: str = ""
    guidance_version: str = ""
    catalogue_version: str = ""
    template_version: str = ""
    draft: dict[str, Any] = field(default_factory=dict)  # draft_to_dict(LetterDraft)
    body_text: str = ""  # every text of the letter, for search
    late: bool = False
    deadline: date | None = None
    sent_on: date | None = None
    pdf_sha256: str = ""  # of the exact PDF sent (kept in letter_pdfs)
    response_on: date | None = None
    outcome: LetterOutcome | None = None
    outcome_on: date | None = None
    outcome_note: str = ""
    letter_event_id: str = ""  # the timeline event made when it was sent
    follow_up_event_id: str = ""  # the dated follow-up event made when it was sent
    follow_up_on: date | None = None

    @property
    def editable(self) -> bool:
        return self.status is LetterStatus.DRAFT

    def to_draft(self) -> LetterDraft:
        return draft_from_dict(self.draft)


# ---- the draft as JSON ----------------------------------------------------------------------


def draft_to_dict(draft: LetterDraft) -> dict[str, Any]:
    """The draft as plain JSON, without the logo (the logo stays in the organisation settings)."""
    data: dict[str, Any] = to_jsonable(dataclasses.replace(draft))
    data["organisation"]["logo_png"] = None
    return data


def draft_from_dict(data: dict[str, Any]) -> LetterDraft:
    return from_jsonable(LetterDraft, data, "letter")


def body_text(draft: LetterDraft) -> str:
    parts = [draft.subject, *(g.title for g in draft.grounds), *(t for _, t in draft.all_texts())]
    parts += [e.describe() for e in draft.enclosures]
    return "\n".join(p for p in parts if p.strip())


def letter_title(draft: LetterDraft) -> str:
    short = {"Reasonable Grounds": "RG", "Conclusive Grounds": "CG"}.get(
        draft.decision_type, draft.decision_type
    )
    return f"Reconsideration request: negative {short} of {format_date(draft.decision_date)}"


def new_record(draft: LetterDraft, clock: Clock) -> LetterRecord:
    now = clock()
    rec = LetterRecord(
        case_id=draft.case_id, decision_id=draft.decision_id, title="", created_at=now, updated_at=now
    )
    update_from_draft(rec, draft, clock)
    return rec


def update_from_draft(rec: LetterRecord, draft: LetterDraft, clock: Clock) -> None:
    """Replace the record's draft (only while it is a draft)."""
    if not rec.editable:
        raise InvalidInput("This letter has been sent; its text can no longer be changed.")
    if draft.case_id != rec.case_id or draft.decision_id != rec.decision_id:
        raise InvalidInput("This draft belongs to another case or decision.")
    rec.draft = draft_to_dict(draft)
    rec.title = letter_title(draft)
    rec.reference = draft.nrm_reference or draft.decision_reference
    rec.guidance_version = draft.guidance_version
    rec.catalogue_version = draft.catalogue_version
    rec.template_version = draft.template_version
    rec.body_text = body_text(draft)
    rec.late = draft.late
    rec.deadline = draft.deadline
    rec.touch(clock)


# ---- its life -------------------------------------------------------------------------------


def mark_sent(rec: LetterRecord, sent_on: date, pdf_sha256: str, today: date, clock: Clock) -> None:
    if rec.status is not LetterStatus.DRAFT:
        raise InvalidInput("This letter has already been marked as sent.")
    if sent_on > today:
        raise InvalidInput("The date sent cannot be in the future.")
    draft_date = rec.draft.get("decision_date")
    if isinstance(draft_date, str) and sent_on.isoformat() < draft_date:
        raise InvalidInput("The date sent cannot be before the decision it asks to reconsider.")
    rec.status = LetterStatus.SENT
    rec.sent_on = sent_on
    rec.pdf_sha256 = pdf_sha256
    rec.touch(clock)


def mark_response(rec: LetterRecord, received_on: date, today: date, clock: Clock) -> None:
    if rec.status is not LetterStatus.SENT:
        raise InvalidInput("Only a sent letter that has had no response yet can be marked as answered.")
    _not_before_sent(rec, received_on, today, "response")
    rec.status = LetterStatus.RESPONSE_RECEIVED
    rec.response_on = received_on
    rec.touch(clock)


def record_outcome(
    rec: LetterRecord, outcome: LetterOutcome, on: date, today: date, clock: Clock, note: str = ""
) -> None:
    if rec.status not in (LetterStatus.SENT, LetterStatus.RESPONSE_RECEIVED):
        raise InvalidInput("An outcome can be recorded only for a letter that was sent.")
    _not_before_sent(rec, on, today, "outcome")
    if rec.response_on is None:
        rec.response_on = on
    rec.status = LetterStatus.OUTCOME
    rec.outcome = outcome
    rec.outcome_on = on
    rec.outcome_note = note.strip()
    rec.touch(clock)


def _not_before_sent(rec: LetterRecord, on: date, today: date, what: str) -> None:
    if on > today:
        raise InvalidInput(f"The date of the {what} cannot be in the future.")
    if rec.sent_on is not None and on < rec.sent_on:
        raise InvalidInput(f"The date of the {what} cannot be before the letter was sent.")


def met_evidence(letters: Iterable[LetterRecord], deadline_keys: Iterable[str]) -> dict[str, date]:
    """For ``compute_deadlines(met_evidence=...)``: deadline keys (``rule_id:decision_id``) met by a
    sent reconsideration letter for that decision, mapped to the earliest date one was sent."""
    sent: dict[str, date] = {}
    for rec in letters:
        if rec.sent_on is not None and rec.letter_kind == "reconsideration":
            held = sent.get(rec.decision_id)
            sent[rec.decision_id] = rec.sent_on if held is None else min(held, rec.sent_on)
    out: dict[str, date] = {}
    for key in deadline_keys:
        rule_id, _, record_id = key.partition(":")
        if rule_id.startswith("reconsideration") and record_id in sent:
            out[key] = sent[record_id]
    return out
