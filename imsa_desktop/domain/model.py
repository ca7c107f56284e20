"""The case model: standard library only (no Qt, no SQL, no reportlab).

Every stored record has a stable UUID ``id`` and ``created_at``/``updated_at`` stamps (UTC):
bundles merge record by record on them. A ``Case`` holds the case-level facts plus its
decisions and consent records (small lists). Larger collections (timeline events,
appointments, evidence, letters) are records of their own, linked by ``case_id``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from imsa_desktop.domain.consent import (
    ConsentPurpose,
    ConsentType,
    check_scope,
    is_in_force,
    upgrade_consent_data,
)
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.domain.enums import LabelledEnum
from imsa_desktop.errors import InvalidInput

_Date = date  # for fields declared after a field named ``date``

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def new_case_code() -> str:
    """A short pseudonymous code (``K7Q-4MX``) used on calendars and pseudonymous prints."""
    s = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    return f"{s[:3]}-{s[3:]}"


class Jurisdiction(LabelledEnum):
    ENGLAND_WALES = "england-wales", "England & Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class CaseStatus(LabelledEnum):
    OPEN = "open", "Open"
    LOST_CONTACT = "lost_contact", "Lost contact"
    CLOSED = "closed", "Closed"


class DecisionKind(LabelledEnum):
    REASONABLE_GROUNDS = "reasonable_grounds", "Reasonable Grounds"
    CONCLUSIVE_GROUNDS = "conclusive_grounds", "Conclusive Grounds"
    RECONSIDERATION = "reconsideration", "Reconsideration"
    VTS = "vts", "Temporary Permission to Stay (VTS)"
    PUBLIC_ORDER_DISQUALIFICATION = "public_order_disqualification", "Public order disqualification"

    @property
    def short(self) -> str:
        return {
            "reasonable_grounds": "RG",
            "conclusive_grounds": "CG",
            "reconsideration": "Recon.",
            "vts": "VTS",
            "public_order_disqualification": "PO disq.",
        }[self.value]


class Outcome(LabelledEnum):  # labels: the values, capitalised
    POSITIVE = "positive"
    NEGATIVE = "negative"
    PENDING = "pending"
    WITHDRAWN = "withdrawn"


class RemovalBar(LabelledEnum):
    """Whether the decision letter says para 14.216 applies (from 17 September 2025).

    Modern Slavery: Statutory Guidance para 14.216 (17 September 2025 update): no
    reconsideration where the Home Secretary intends to remove the person to a country that is
    party to both ECAT and the ECHR. Then judicial review is the only route.
    """

    YES = "yes", "Yes: the letter says para 14.216 applies"
    NO = "no", "No: the letter does not rely on para 14.216"
    NOT_KNOWN = "not_known", "Not known"


class Authority(LabelledEnum):
    SCA = "SCA", "Single Competent Authority"
    IECA = "IECA", "Immigration Enforcement Competent Authority"


class ReferralRoute(LabelledEnum):
    NRM = "nrm", "NRM referral"  # adult consented (or child: no consent needed)
    DUTY_TO_NOTIFY = "duty_to_notify", "Duty to Notify (MS1)"  # MS1, anonymous, E&W only


class Stage(LabelledEnum):
    """Where a case stands in the NRM, derived from its referral and decisions."""

    PRE_REFERRAL = "pre_referral", "Not yet referred"
    AWAITING_RG = "awaiting_rg", "Awaiting RG"
    NEGATIVE_RG = "negative_rg", "Negative RG"
    AWAITING_CG = "awaiting_cg", "Awaiting CG"
    NEGATIVE_CG = "negative_cg", "Negative CG"
    POSITIVE_CG = "positive_cg", "Positive CG"
    DISQUALIFIED = "disqualified", "Disqualified"
    DUTY_TO_NOTIFY = "duty_to_notify", "Duty to Notify only"


EXPLOITATION_TYPES = {
    "labour": "Labour exploitation",
    "sexual": "Sexual exploitation",
    "domestic_servitude": "Domestic servitude",
    "criminal": "Criminal exploitation (incl. county lines)",
    "cannabis_cultivation": "Cannabis cultivation",
    "forced_begging": "Forced begging",
    "sham_marriage": "Sham marriage",
    "other": "Other",
}

ILO_INDICATORS = {
    "abuse_of_vulnerability": "Abuse of vulnerability",
    "deception": "Deception",
    "restriction_of_movement": "Restriction of movement",
    "isolation": "Isolation",
    "physical_sexual_violence": "Physical and sexual violence",
    "intimidation_threats": "Intimidation and threats",
    "retention_of_documents": "Retention of identity documents",
    "withholding_wages": "Withholding of wages",
    "debt_bondage": "Debt bondage",
    "abusive_conditions": "Abusive working and living conditions",
    "excessive_overtime": "Excessive overtime",
}


@dataclass(kw_only=True)
class Record:
    """Stable identity and stamps shared by every stored record."""

    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)

    def touch(self, clock: Clock) -> None:
        self.updated_at = clock()


@dataclass(kw_only=True)
class Survivor:
    full_name: str
    aliases: list[str] = field(default_factory=list)
    preferred_name: str = ""
    date_of_birth: date | None = None
    date_of_birth_is_estimate: bool = False
    gender: str = ""
    nationality: str = ""
    languages: list[str] = field(default_factory=list)
    interpreter_needed: bool = False
    interpreter_language: str = ""
    safe_contact_notes: str = ""
    voicemail_safe: bool | None = None
    letters_safe: bool | None = None

    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.full_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name


@dataclass(kw_only=True)
class Referral:
    date: date | None = None
    first_responder: str = ""
    route: ReferralRoute = ReferralRoute.NRM
    consent_given: bool | None = None
    reference: str = ""
    child_at_referral: bool = False


@dataclass(kw_only=True)
class Decision(Record):
    """A Competent Authority (or VTS) decision.

    ``date`` is the date OF THE DECISION LETTER: every deadline counts from it.
    ``received_on`` is when the survivor or advocate actually got the letter (kept to explain
    a late request; it never moves a deadline). ``outcome`` is None until the advocate chooses
    (a new decision starts empty so nobody records "positive" by accident).
    ``removal_bar``: whether the letter relies on guidance para 14.216 (from 17 September 2025).
    ``reasons``: the reasons the decision letter gives, one per item, as the advocate quotes or
    summarises them (a reconsideration request answers them point by point).
    """

    kind: DecisionKind
    outcome: Outcome | None = None
    date: date | None = None
    received_on: _Date | None = None  # (``date`` is a field name here)
    removal_bar: RemovalBar = RemovalBar.NOT_KNOWN
    authority: Authority = Authority.SCA
    reference: str = ""
    notes: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return self.outcome.label if self.outcome is not None else "Not recorded"


@dataclass(kw_only=True)
class ConsentRecord(Record):
    """What the survivor agreed to (see domain/consent.py for the vocabulary and old records)."""

    purpose: ConsentPurpose
    date: date
    given: bool = True
    consent_type: ConsentType = ConsentType.NOT_RECORDED  # written / verbal
    witness: str = ""
    scope: list[str] = field(default_factory=list)  # keys of consent.INFORMATION_GROUPS
    expires_on: _Date | None = None  # (``date`` is a field name in this class)
    withdrawn_on: _Date | None = None
    purpose_detail: str = ""  # who exactly (the firm, the colleague), or an old free-text purpose
    notes: str = ""

    @staticmethod
    def upgrade_data(data: Any) -> Any:
        """Older records had a free-text purpose: read as "to be confirmed", never as sharing."""
        return upgrade_consent_data(data)

    def in_force(self, today: _Date) -> bool:
        return is_in_force(self.given, self.withdrawn_on, self.expires_on, today)

    def validate(self, where: str = "The consent") -> None:
        """One clear sentence for the first problem (unknown scope group, dates out of order)."""
        self.scope = check_scope(self.scope, f"{where}.scope")
        if self.withdrawn_on is not None and self.withdrawn_on < self.date:
            raise InvalidInput(f"{where} is withdrawn before it was given.")
        if self.expires_on is not None and self.expires_on < self.date:
            raise InvalidInput(f"{where} expires before it was given.")


@dataclass(kw_only=True)
class Case(Record):
    code: str = field(default_factory=new_case_code)
    survivor: Survivor
    jurisdiction: Jurisdiction = Jurisdiction.ENGLAND_WALES
    status: CaseStatus = CaseStatus.OPEN
    status_reason: str = ""
    re_referral_count: int = 0
    referral: Referral = field(default_factory=Referral)
    exploitation_types: list[str] = field(default_factory=list)
    exploitation_location: str = ""  # "uk", "abroad", "both" or free text
    adult_at_exploitation: bool | None = None
    decisions: list[Decision] = field(default_factory=list)
    consents: list[ConsentRecord] = field(default_factory=list)
    closed_on: date | None = None
    notes: str = ""

    # ---- queries --------------------------------------------------------------------------
    def decisions_sorted(self) -> list[Decision]:
        return sorted(self.decisions, key=lambda d: (d.date or date.max, d.created_at))

    def latest(self, kind: DecisionKind) -> Decision | None:
        ds = [d for d in self.decisions_sorted() if d.kind is kind]
        return ds[-1] if ds else None

    def decision(self, decision_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == decision_id), None)

    def consent_for(self, purpose: ConsentPurpose, today: date) -> ConsentRecord | None:
        """The latest consent in force on ``today`` for exactly this purpose, if any."""
        found = [c for c in self.consents if c.purpose is purpose and c.in_force(today)]
        return max(found, key=lambda c: (c.date, c.created_at)) if found else None

    @property
    def stage(self) -> Stage:
        if self.referral.route is ReferralRoute.DUTY_TO_NOTIFY:
            return Stage.DUTY_TO_NOTIFY
        if any(
            d.kind is DecisionKind.PUBLIC_ORDER_DISQUALIFICATION and d.outcome is Outcome.POSITIVE
            for d in self.decisions
        ):
            return Stage.DISQUALIFIED
        # The most recent RG/CG/reconsideration outcome decides the stage.
        relevant = [
            d
            for d in self.decisions_sorted()
            if d.kind
            in (
                DecisionKind.REASONABLE_GROUNDS,
                DecisionKind.CONCLUSIVE_GROUNDS,
                DecisionKind.RECONSIDERATION,
            )
            and d.outcome in (Outcome.POSITIVE, Outcome.NEGATIVE)
        ]
        cg = [d for d in relevant if d.kind is DecisionKind.CONCLUSIVE_GROUNDS]
        if cg or any(_reconsidered_kind(self, d) == "cg" for d in relevant):
            last = relevant[-1]
            return Stage.POSITIVE_CG if last.outcome is Outcome.POSITIVE else Stage.NEGATIVE_CG
        if relevant:
            last = relevant[-1]
            return Stage.AWAITING_CG if last.outcome is Outcome.POSITIVE else Stage.NEGATIVE_RG
        if self.referral.date is not None:
            return Stage.AWAITING_RG
        return Stage.PRE_REFERRAL

    # ---- changes --------------------------------------------------------------------------
    def set_status(self, status: CaseStatus, reason: str, today: date, clock: Clock) -> None:
        """Change the status. Closing needs a reason; a case closed already keeps the day it
        was closed on; any other status clears it."""
        reason = reason.strip()
        if status is CaseStatus.CLOSED and not reason:
            raise InvalidInput("Please give a reason for closing the case.")
        was_closed = self.status is CaseStatus.CLOSED and self.closed_on is not None
        self.closed_on = (self.closed_on if was_closed else today) if status is CaseStatus.CLOSED else None
        self.status = status
        self.status_reason = reason
        self.touch(clock)


def _reconsidered_kind(case: Case, d: Decision) -> str:
    """A reconsideration counts as CG-stage if a CG decision came before it."""
    if d.kind is not DecisionKind.RECONSIDERATION:
        return ""
    earlier = [x for x in case.decisions if x.date and d.date and x.date <= d.date]
    return "cg" if any(x.kind is DecisionKind.CONCLUSIVE_GROUNDS for x in earlier) else "rg"


# ---- case records kept outside the Case aggregate ----------------------------------------


class EventKind(LabelledEnum):
    """What kind of thing happened, in the order a survivor's story usually runs."""

    RECRUITMENT = "recruitment", "Recruitment"
    JOURNEY = "journey", "Journey"
    ARRIVAL_UK = "arrival_uk", "Arrival in the UK"
    EXPLOITATION = "exploitation", "Exploitation"
    EXIT = "exit", "Exit from exploitation"
    REFERRAL = "referral", "NRM referral"
    DECISION = "decision", "Decision"
    POLICE_CONTACT = "police_contact", "Police contact"
    MEDICAL = "medical", "Medical"
    LEGAL = "legal", "Legal"
    ACCOMMODATION = "accommodation", "Accommodation"
    LOST_CONTACT = "lost_contact", "Lost contact"
    RE_REFERRAL = "re_referral", "Re-referral"
    CONTACT = "contact", "Contact with the survivor"
    APPOINTMENT = "appointment", "Appointment"
    EVIDENCE = "evidence", "Evidence"
    LETTER = "letter", "Letter"
    DEADLINE = "deadline", "Deadline"
    OTHER = "other", "Other"


@dataclass(kw_only=True)
class TimelineEvent(Record):
    case_id: str
    date: FuzzyDate
    end: FuzzyDate | None = None  # for periods (e.g. an exploitation period shown as a bar)
    title: str
    kind: EventKind = EventKind.OTHER
    source: str = ""  # who or what the fact comes from
    notes: str = ""
    key: bool = False
    disputed: bool = False
    material: bool = False
    evidence_ids: list[str] = field(default_factory=list)


class AppointmentKind(LabelledEnum):
    SCA_INTERVIEW = "sca_interview", "SCA interview"
    ASYLUM_INTERVIEW = "asylum_interview", "Asylum interview"
    LEGAL = "legal", "Solicitor / legal"
    GP = "gp", "GP"
    MEDICO_LEGAL = "medico_legal", "Medico-legal"
    POLICE = "police", "Police"
    COURT = "court", "Court"
    SUPPORT_WORKER = "support_worker", "Support worker"
    RNA = "rna", "Recovery Needs Assessment"
    OTHER = "other", "Other"


@dataclass(kw_only=True)
class Appointment(Record):
    case_id: str
    start: datetime  # naive local time (Europe/London)
    end: datetime | None = None
    title: str
    kind: AppointmentKind = AppointmentKind.OTHER
    location: str = ""
    interpreter_needed: bool = False
    interpreter_language: str = ""
    reminder_minutes: int = 60
    notes: str = ""
    attended: bool | None = None


class EvidenceKind(StrEnum):
    MEDICAL = "medical"
    MEDICO_LEGAL = "medico_legal"
    POLICE = "police"
    WITNESS = "witness"
    EXPERT = "expert"
    DOCUMENTS = "documents"
    SURVIVOR_ACCOUNT = "survivor_account"
    PHOTO = "photo"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(kw_only=True)
class EvidenceItem(Record):
    case_id: str
    title: str
    kind: EvidenceKind = EvidenceKind.OTHER
    source: str = ""
    date_obtained: date | None = None
    date_provided: date | None = None
    provided_to: str = ""
    body: str = ""
    indicators: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class DeadlineOverride(Record):
    """The advocate's own date for a computed deadline, with the reason (kept and shown)."""

    case_id: str
    deadline_key: str  # rule id + trigger record id, see domain.deadlines
    due: date | None = None  # None: only marks met/unmet without moving the date
    reason: str = ""
    met_on: date | None = None
    dismissed_reason: str = ""  # an overdue limit the advocate dismissed (kept, shown with it)


@dataclass(frozen=True)
class CaseSummary:
    """One row of the case list: what the list shows without loading the whole case."""

    id: str
    code: str
    display_name: str
    status: CaseStatus
    stage: Stage
    jurisdiction: Jurisdiction
    nationality: str
    updated_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str  # viewed, created, changed, deleted, printed, exported, imported, erased, ...
    case_id: str | None
    detail: str  # never case text: record kinds, ids, counts, recipients' names
