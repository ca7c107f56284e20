"""Reconsideration request letters: the content, as plain editable data (standard library only).

``build_draft`` turns a case, one negative RG or CG decision, the chosen grounds and the chosen
evidence into a ``LetterDraft``: every section is a plain ``str`` (or list of them) that the GUI
may edit; the PDF (``documents.letter_pdf``) prints the draft as it stands. ``validate`` lists
what would make the letter weak or unsendable; ``ready`` is False while any error remains.

What the letter says follows the record and the case's jurisdiction: the framework paragraph,
statute, court rule and support body come from the template's ``[jurisdiction.*]`` tables; the
guidance version from the deadline rule in force on the decision date (never a constant); the
stage test from the decision kind. Each ground answers reasons the decision gave
(``Decision.reasons``). ``build_draft`` refuses a ground whose evidence dates contradict it
(material dated after the decision cannot have been before the decision maker). A value the
record does not hold prints as "[not recorded: ...]", which ``validate`` refuses. Advice to
the survivor (judicial review timing) never goes in the letter: ``file_note`` writes it for
the case file. Modes: ``full``, ``holding`` (asks for more time for the evidence) and ``late``
(exceptional circumstances, with their own enclosures).

The wording lives in data, not code: ``resources/letters/grounds.toml`` (the catalogue of
grounds, each with the guidance paragraph it relies on) and ``resources/letters/template.toml``
(fixed texts and headings, with a version). Both are passed in as parsed dicts, or loaded with
``load_catalogue(path)`` / ``load_template(path)``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from imsa_desktop.domain import model
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import DecisionKind
from imsa_desktop.errors import InvalidInput, LetterRefused, NotFound

CATEGORIES = ("new_evidence", "guidance")
E = TypeVar("E")


def default_cited(
    category: str, enclosed: Sequence[E], before_decision_maker: Callable[[E], bool]
) -> list[E]:
    """What a ground cites unless the advocate chooses: a new-evidence ground cites every
    enclosure that was NOT before the decision maker; a guidance ground cites none."""
    if category == "new_evidence":
        return [e for e in enclosed if not before_decision_maker(e)]
    return []


MODES = ("full", "holding", "late")
MODE_LABELS = {"full": "full request", "holding": "holding request", "late": "late request"}
ERROR = "error"
WARNING = "warning"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_UNFINISHED = "[evidence to be added]"
_NOT_RECORDED = re.compile(r"\[not recorded: ([^\]]+)\]")


def not_recorded(what: str) -> str:
    """The marker a sentence carries when the record does not hold ``what``."""
    return f"[not recorded: {what}]"


# ---- data ----------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Ground:
    key: str
    title: str
    category: str  # "new_evidence" | "guidance"
    text: str
    guidance_ref: str = ""
    enclosure_numbers: list[int] = field(default_factory=list)
    fact_refs: list[str] = field(default_factory=list)  # chronology facts, as printed
    answers: list[int] = field(default_factory=list)  # numbers of the decision's reasons it answers


@dataclass(kw_only=True)
class EnclosureNote:
    """What the advocate says about one enclosure (the record cannot know it)."""

    shows: str = ""  # what the document shows
    why_not_earlier: str = ""  # for new evidence that existed before the decision
    before_decision_maker: bool = False  # it was before the decision maker when the decision was made


@dataclass(kw_only=True)
class Enclosure:
    number: int
    evidence_id: str
    title: str
    kind: str = ""  # EvidenceKind label, e.g. "Medico legal"
    date_obtained: date | None = None
    shows: str = ""
    why_not_earlier: str = ""
    before_decision_maker: bool = False
    new: bool = False  # cited as additional evidence

    def describe(self) -> str:
        parts = [self.title]
        if self.kind:
            parts.append(self.kind.lower())
        if self.date_obtained:
            parts.append(format_date(self.date_obtained))
        return ", ".join(parts)


@dataclass(kw_only=True)
class Organisation:
    name: str
    address_lines: list[str] = field(default_factory=list)
    signatory_name: str = ""
    signatory_role: str = ""
    phone: str = ""
    email: str = ""
    logo_png: bytes | None = None


@dataclass(kw_only=True)
class ExceptionalCircumstances:
    """Why a late request should still be considered (all three parts are needed)."""

    reason_for_delay: str = ""
    why_material: str = ""
    why_not_earlier: str = ""
    enclosure_numbers: list[int] = field(default_factory=list)  # the evidence of the circumstances

    def missing(self) -> list[str]:
        names = {
            "reason_for_delay": "the reason for the delay",
            "why_material": "why the evidence is material",
            "why_not_earlier": "why it was not provided earlier",
        }
        return [label for attr, label in names.items() if not getattr(self, attr).strip()]


@dataclass(kw_only=True)
class Holding:
    """A holding request: why the evidence cannot come with it, what is awaited and by when."""

    reason: str = ""
    awaited: list[str] = field(default_factory=list)
    evidence_by: date | None = None

    def missing(self) -> list[str]:
        out = []
        if not self.reason.strip():
            out.append("why the evidence cannot be sent now")
        if not [a for a in self.awaited if a.strip()]:
            out.append("what evidence is awaited")
        if self.evidence_by is None:
            out.append("the date by which it will follow")
        return out


@dataclass(kw_only=True)
class LetterDraft:
    case_id: str
    decision_id: str
    organisation: Organisation
    # addressee
    authority: str  # "SCA" | "IECA"
    authority_name: str
    addressee_lines: list[str]
    letter_date: date
    # references block
    nrm_reference: str
    decision_reference: str
    survivor_name: str
    date_of_birth: str  # as printed: "2 March 1994" or "2 March 1994 (estimated)" or ""
    nationality: str
    decision_type: str  # "Reasonable Grounds" | "Conclusive Grounds"
    decision_date: date
    # body
    subject: str
    salutation: str
    opening: str
    requester_capacity: str
    capacity_statement: str
    consent_date: date | None
    consent_statement: str
    deadline: date | None
    late: bool
    timeliness: str
    exceptional: ExceptionalCircumstances = field(default_factory=ExceptionalCircumstances)
    grounds_intro: str = ""
    grounds: list[Ground] = field(default_factory=list)
    enclosures: list[Enclosure] = field(default_factory=list)
    outcome_intro: str = ""
    outcome_sought: list[str] = field(default_factory=list)
    jr_note: str = ""
    closing: str = "Yours faithfully,"
    mode: str = "full"  # full | holding | late
    jurisdiction: str = "england-wales"
    marking: str = "PRIVATE AND CONFIDENTIAL"
    framework: str = ""  # jurisdiction's framework paragraph
    stage_test: str = ""  # the test at the decision's stage, and on reconsideration
    decision_reasons: list[str] = field(default_factory=list)
    reasons_intro: str = ""
    legal_referral: str = ""  # only when a referral for legal advice is recorded
    holding: Holding = field(default_factory=Holding)
    respond_by: date | None = None
    addressee_placeholder: bool = False  # the template's address, not the organisation's
    consent_form: str = ""  # "written" | "verbal" | "" (not recorded)
    guidance_version: str = ""
    catalogue_version: str = ""
    template_version: str = ""
    headings: dict[str, str] = field(default_factory=dict)
    name_in_header: bool = False  # print the survivor's name in every page header

    def heading(self, key: str, default: str = "") -> str:
        return self.headings.get(key, default)

    @property
    def header_reference(self) -> str:
        """Short reference for page headers: no name unless ``name_in_header``."""
        ref = self.nrm_reference or self.decision_reference or "reference not recorded"
        text = f"{ref} - {self.decision_type} decision of {format_date(self.decision_date)}"
        return f"{self.survivor_name} - {text}" if self.name_in_header else text

    def all_texts(self) -> list[tuple[str, str]]:
        """Every editable text with its section name (for checks and search)."""
        out = [
            ("subject", self.subject),
            ("opening", self.opening),
            ("capacity", self.capacity_statement),
            ("consent", self.consent_statement),
            ("legal referral", self.legal_referral),
            ("framework", self.framework),
            ("stage test", self.stage_test),
            ("reasons", self.reasons_intro),
            ("timeliness", self.timeliness),
            ("grounds_intro", self.grounds_intro),
            ("outcome_intro", self.outcome_intro),
            ("jr_note", self.jr_note),
        ]
        if self.late:
            ex = self.exceptional
            out += [
                ("exceptional", ex.reason_for_delay),
                ("exceptional", ex.why_material),
                ("exceptional", ex.why_not_earlier),
            ]
        if self.mode == "holding":
            out.append(("holding", self.holding.reason))
            out += [("holding", a) for a in self.holding.awaited]
        out += [("reasons", r) for r in self.decision_reasons]
        out += [(f"ground {i}", g.text) for i, g in enumerate(self.grounds, 1)]
        out += [(f"enclosure {e.number}", e.shows) for e in self.enclosures]
        out += [(f"enclosure {e.number}", e.why_not_earlier) for e in self.enclosures if e.why_not_earlier]
        out += [("outcome", t) for t in self.outcome_sought]
        return out


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    section: str  # "grounds", "ground 2", "exceptional", "consent", ...
    message: str  # one sentence, safe to show (no case text)


# ---- loading the data files ------------------------------------------------------------------


def load_catalogue(path: str | Path) -> dict[str, Any]:
    return _load_toml(path, "ground catalogue")


def load_template(path: str | Path) -> dict[str, Any]:
    return _load_toml(path, "letter template")


def _load_toml(path: str | Path, what: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise NotFound(f"The {what} file was not found.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InvalidInput(f"The {what} file is not valid TOML.") from e


def catalogue_grounds(catalogue: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The catalogue's grounds by key, checked."""
    out: dict[str, dict[str, Any]] = {}
    for i, g in enumerate(catalogue.get("ground", []), 1):
        if not isinstance(g, dict) or not isinstance(g.get("key"), str) or not g.get("title"):
            raise InvalidInput(f"Ground {i} in the catalogue has no key or title.")
        if g.get("category") not in CATEGORIES:
            raise InvalidInput(f"Ground '{g['key']}' in the catalogue has an unknown category.")
        out[g["key"]] = g
    return out


# ---- building ------------------------------------------------------------------------------


def cite(numbers: Sequence[int]) -> str:
    """``Enclosure 1``, ``Enclosure 1 and Enclosure 2``, ``Enclosure 1, Enclosure 2 and Enclosure 4``."""
    items = [f"Enclosure {n}" for n in numbers]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` placeholders; unknown ones stay as they are (and ``validate`` flags them)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@dataclass(kw_only=True)
class Framework:
    """What the rules data and the record say about the decision's legal setting."""

    guidance: str  # "Modern Slavery: Statutory Guidance ... (version 3.7)"
    time_limit_source: str  # the deadline rule's source
    deadline: date | None  # None: no fixed limit applied on the decision date


def guidance_citation(template: Mapping[str, Any], version: str) -> str:
    """The guidance title with the version the rules data gives (never a constant)."""
    title = str(template.get("guidance", {}).get("title", "Modern Slavery: Statutory Guidance"))
    version = version.strip()
    if not version:
        return f"{title} ({not_recorded('guidance version')})"
    if version[0].isdigit():
        version = f"version {version}"
    return f"{title} ({version})"


def build_draft(
    case: model.Case,
    decision_id: str,
    *,
    evidence: list[model.EvidenceItem],
    chosen_grounds: list[str],
    enclose: list[str],
    catalogue: Mapping[str, Any],
    template: Mapping[str, Any],
    organisation: Organisation,
    requester_capacity: str,
    consent_date: date | None,
    today: date,
    deadline: date | None,
    ground_enclosures: Mapping[str, list[str]] | None = None,
    ground_facts: Mapping[str, list[str]] | None = None,
    ground_reasons: Mapping[str, list[int]] | None = None,
    enclosure_notes: Mapping[str, EnclosureNote] | None = None,
    mode: str = "",
    guidance_version: str = "",
    time_limit_source: str = "",
    consent_form: str = "",
    legal_referral_on: date | None = None,
    holding: Holding | None = None,
    exceptional_enclosures: Sequence[str] = (),
    ground_texts: Mapping[str, str] | None = None,
) -> LetterDraft:
    """Draft a reconsideration request for a negative RG or CG decision.

    ``enclose`` lists evidence ids, numbered Enclosure 1..n in that order. By default a
    new-evidence ground cites every enclosure not marked as before the decision maker, and a
    guidance ground cites none; ``ground_enclosures`` (ground key -> evidence ids),
    ``ground_facts`` (ground key -> chronology facts as printed) and ``ground_reasons`` (ground
    key -> numbers of the decision's reasons it answers) say exactly what supports each ground.
    ``deadline`` is the request deadline from the deadline rules, None when no fixed limit
    applied on the decision date (the letter then prints no date). ``guidance_version`` and
    ``time_limit_source`` come from the same rule. ``mode`` is full, holding or late ("" picks
    full, or late when the deadline has passed).

    Refuses (``LetterRefused``, one sentence) a ground whose evidence dates contradict it.
    """
    decision = case.decision(decision_id)
    if decision is None:
        raise NotFound("There is no decision with that id in this case.")
    _check_decision(decision)
    assert decision.date is not None

    late = deadline is not None and today > deadline
    mode = mode or ("late" if late else "full")
    if mode not in MODES:
        raise LetterRefused("Choose a full, holding or late request.")

    grounds_by_key = catalogue_grounds(catalogue)
    if not chosen_grounds and mode != "holding":
        raise LetterRefused("Choose at least one ground for reconsideration.")
    for key in chosen_grounds:
        if key not in grounds_by_key:
            raise LetterRefused(f"'{key[:40]}' is not a ground in the catalogue.")
    if len(set(chosen_grounds)) != len(chosen_grounds):
        raise LetterRefused("The same ground was chosen twice.")

    notes = enclosure_notes or {}
    by_id = {e.id: e for e in evidence}
    enclosures: list[Enclosure] = []
    for n, ev_id in enumerate(enclose, 1):
        item = by_id.get(ev_id)
        if item is None or item.case_id != case.id:
            raise NotFound("One of the enclosures is not an evidence item of this case.")
        note = notes.get(ev_id, EnclosureNote())
        enclosures.append(
            Enclosure(
                number=n,
                evidence_id=item.id,
                title=item.title,
                kind=item.kind.label,
                date_obtained=item.date_obtained,
                shows=note.shows.strip(),
                why_not_earlier=note.why_not_earlier.strip(),
                before_decision_maker=note.before_decision_maker,
            )
        )
    if len(set(enclose)) != len(enclose):
        raise LetterRefused("The same evidence item was enclosed twice.")
    number_of = {e.evidence_id: e.number for e in enclosures}
    enc_by_number = {e.number: e for e in enclosures}

    tpl_text: Mapping[str, Any] = template.get("text", {})
    timeliness_tpl: Mapping[str, Any] = template.get("timeliness", {})
    tests: Mapping[str, Any] = template.get("tests", {})
    juris: Mapping[str, Any] = template.get("jurisdiction", {}).get(case.jurisdiction.value, {})
    if not juris:
        raise InvalidInput("The letter template has no framework for this case's jurisdiction.")

    authorities: Mapping[str, Any] = template.get("authorities", {})
    auth = authorities.get(decision.authority.value, {})
    authority_name = str(auth.get("name") or decision.authority.label)
    addressee_lines = [str(x) for x in auth.get("address_lines", [authority_name])]

    survivor = case.survivor
    dob = ""
    if survivor.date_of_birth:
        dob = format_date(survivor.date_of_birth)
        if survivor.date_of_birth_is_estimate:
            dob += " (estimated)"

    respond_days = int(timeliness_tpl.get("respond_within_days", 28))
    respond_by = today + timedelta(days=respond_days)
    holding = holding or Holding()
    guidance = guidance_citation(template, guidance_version)
    name = survivor.full_name.strip() or not_recorded("the survivor's name")
    values: dict[str, str] = {
        "survivor_name": name,
        "decision_type": decision.kind.label,
        "decision_date": format_date(decision.date),
        "authority_name": authority_name,
        "authority": decision.authority.value,
        # Without a letterhead yet, the advocate who signs is the one who writes; with neither,
        # a marker that validate() refuses.
        "organisation": organisation.name.strip()
        or organisation.signatory_name.strip()
        or not_recorded("your organisation"),
        "requester_capacity": requester_capacity.strip() or not_recorded("the capacity you write in"),
        "consent_date": format_date(consent_date) if consent_date else not_recorded("the date of consent"),
        "consent_form": consent_form,
        "deadline": format_date(deadline) if deadline else "",
        "today": format_date(today),
        "nrm_reference": case.referral.reference or decision.reference,
        "guidance": guidance,
        "time_limit_source": time_limit_source.strip() or not_recorded("the time limit's source"),
        "respond_by": format_date(respond_by),
        "evidence_by": format_date(holding.evidence_by) if holding.evidence_by else not_recorded("the date"),
        "legal_referral_date": format_date(legal_referral_on) if legal_referral_on else "",
        "jurisdiction": str(juris.get("label", case.jurisdiction.label)),
    }
    for key in ("statute", "support_body", "support_law", "court_rule", "jr_limit"):
        values[key] = fill(str(juris.get(key, "")), values)
    values["support_ask"] = fill(str(juris.get("support_ask", "")), values)
    is_rg = decision.kind is DecisionKind.REASONABLE_GROUNDS
    values["stage_test"] = fill(str(tests.get("rg_stage" if is_rg else "cg_stage", "")), values)

    reasons = [r.strip() for r in decision.reasons if r.strip()]
    answers_of = ground_reasons or {}
    for nums in answers_of.values():
        for n in nums:
            if not 1 <= n <= len(reasons):
                raise LetterRefused(f"A ground answers reason {n}, but the decision records {len(reasons)}.")

    grounds: list[Ground] = []
    new_numbers: set[int] = set()
    for key in chosen_grounds:
        g = grounds_by_key[key]
        category = str(g["category"])
        if ground_enclosures and key in ground_enclosures:
            numbers = []
            for ev_id in ground_enclosures[key]:
                if ev_id not in number_of:
                    raise LetterRefused("A ground cites evidence that is not among the enclosures.")
                numbers.append(number_of[ev_id])
        else:
            numbers = [
                e.number for e in default_cited(category, enclosures, lambda e: e.before_decision_maker)
            ]
        for n in numbers:
            _check_evidence_date(str(g["title"]), category, enc_by_number[n], decision.date)
        if category == "new_evidence":
            new_numbers.update(numbers)
        facts = list((ground_facts or {}).get(key, []))
        if numbers:
            citation = "see " + cite(sorted(numbers))
        elif facts:
            citation = "see the facts listed below"
        else:
            citation = _UNFINISHED
        raw = (ground_texts or {}).get(key) or str(g.get("text", ""))
        text = fill(raw, {**values, "enclosures": citation})
        grounds.append(
            Ground(
                key=key,
                title=str(g["title"]),
                category=category,
                text=text,
                guidance_ref=fill(str(g.get("guidance_ref", "")), values),
                enclosure_numbers=sorted(numbers),
                fact_refs=facts,
                answers=sorted(set(answers_of.get(key, []))),
            )
        )
    for e in enclosures:
        e.new = e.number in new_numbers

    exceptional_numbers = []
    for ev_id in exceptional_enclosures:
        if ev_id not in number_of:
            raise LetterRefused(
                "The exceptional circumstances cite evidence that is not among the enclosures."
            )
        exceptional_numbers.append(number_of[ev_id])

    headings = {k: fill(str(v), values) for k, v in template.get("headings", {}).items()}
    if deadline is None:
        timeliness = fill(str(timeliness_tpl.get("no_fixed_limit", "")), values)
    elif mode == "late":
        timeliness = fill(str(timeliness_tpl.get("late_intro", "")), values)
    elif mode == "holding":
        timeliness = fill(str(timeliness_tpl.get("holding", "")), values)
    else:
        timeliness = fill(str(timeliness_tpl.get("in_time", "")), values)

    stage = str(template.get("jurisdiction", {}).get(case.jurisdiction.value, {}).get("rg_test", ""))
    if not is_rg:
        stage = str(tests.get("cg_test", ""))
    stage_test = fill(stage, values) + " " + fill(str(tests.get("reconsideration_test", "")), values)

    consent_key = "consent" if consent_form in ("written", "verbal") else "consent_form_unknown"
    subject_key = {"full": "subject", "holding": "subject_holding", "late": "subject_late"}[mode]
    outcome_key = "outcome_holding" if mode == "holding" else "outcome"
    draft = LetterDraft(
        case_id=case.id,
        decision_id=decision.id,
        organisation=organisation,
        authority=decision.authority.value,
        authority_name=authority_name,
        addressee_lines=addressee_lines,
        letter_date=today,
        nrm_reference=case.referral.reference or decision.reference,
        decision_reference=decision.reference,
        survivor_name=survivor.full_name,
        date_of_birth=dob,
        nationality=survivor.nationality,
        decision_type=decision.kind.label,
        decision_date=decision.date,
        subject=headings.get(subject_key)
        or headings.get("subject", f"Request for reconsideration of a negative {decision.kind.label}"),
        salutation=str(tpl_text.get("salutation", "Dear Sir or Madam,")),
        opening=fill(str(tpl_text.get("opening", "")), values),
        requester_capacity=requester_capacity.strip(),
        capacity_statement=fill(str(tpl_text.get("capacity", "")), values),
        consent_date=consent_date,
        consent_statement=fill(str(tpl_text.get(consent_key, "")), values),
        deadline=deadline,
        late=late,
        timeliness=timeliness,
        grounds_intro=fill(
            str(tpl_text.get("holding_grounds_intro" if mode == "holding" else "grounds_intro", "")), values
        ),
        grounds=grounds,
        enclosures=enclosures,
        outcome_intro=fill(str(tpl_text.get("outcome_intro", "")), values),
        outcome_sought=[
            fill(str(t).replace("{not_british}", ""), values)
            for t in tpl_text.get(outcome_key, [])
            if not (str(t).startswith("{not_british}") and is_british(survivor.nationality))
        ],
        jr_note="",
        closing=str(tpl_text.get("closing", "Yours faithfully,")),
        mode=mode,
        jurisdiction=case.jurisdiction.value,
        marking=str(tpl_text.get("marking", "PRIVATE AND CONFIDENTIAL")),
        framework=fill(str(juris.get("framework", "")), values),
        stage_test=stage_test,
        decision_reasons=reasons,
        reasons_intro=fill(str(tpl_text.get("reasons_intro", "")), values) if reasons else "",
        legal_referral=fill(str(tpl_text.get("legal_referral", "")), values) if legal_referral_on else "",
        holding=dataclasses.replace(holding, awaited=[a.strip() for a in holding.awaited if a.strip()]),
        respond_by=respond_by,
        consent_form=consent_form if consent_form in ("written", "verbal") else "",
        guidance_version=guidance,
        catalogue_version=str(catalogue.get("catalogue_version", "")),
        template_version=str(template.get("template_version", "")),
        headings=headings,
    )
    draft.exceptional.enclosure_numbers = sorted(exceptional_numbers)
    return draft


_BRITISH = {"british", "uk", "united kingdom", "english", "scottish", "welsh", "northern irish", "gb"}


def is_british(nationality: str) -> bool:
    """A recorded British nationality: a request not to remove the person from the UK makes no
    sense then, so the letter leaves it out."""
    return " ".join(nationality.lower().replace(",", " ").split()) in _BRITISH


def _check_evidence_date(title: str, category: str, e: Enclosure, decided: date) -> None:
    """Refuse a ground the evidence dates contradict (one sentence saying why)."""
    when = format_date(e.date_obtained) if e.date_obtained else ""
    if category == "new_evidence":
        if e.before_decision_maker:
            raise LetterRefused(
                f"'{title}' cites Enclosure {e.number}, which you marked as before the decision maker, "
                "so it is not additional evidence; cite it under a ground that it was not considered."
            )
        return
    if e.date_obtained is not None and e.date_obtained > decided:
        raise LetterRefused(
            f"'{title}' cites Enclosure {e.number}, dated {when}, after the decision of "
            f"{format_date(decided)}, so it cannot have been before the decision maker; cite it as "
            "additional evidence instead."
        )
    if not e.before_decision_maker:
        raise LetterRefused(
            f"'{title}' says the decision maker had Enclosure {e.number}; cite it here only once you "
            "have marked it as before the decision maker."
        )


def _check_decision(decision: model.Decision) -> None:
    kind = decision.kind
    if kind is DecisionKind.RECONSIDERATION:
        raise LetterRefused(
            "This is already a reconsideration decision; a refused reconsideration is challenged "
            "by judicial review, so take legal advice."
        )
    if kind not in (DecisionKind.REASONABLE_GROUNDS, DecisionKind.CONCLUSIVE_GROUNDS):
        raise LetterRefused(
            "Reconsideration letters are written only for Reasonable or Conclusive Grounds decisions."
        )
    if decision.outcome is not model.Outcome.NEGATIVE:
        raise LetterRefused("Only a negative decision can be asked to be reconsidered.")
    if decision.date is None:
        raise LetterRefused("Record the date of the decision before writing the letter.")
    if decision.removal_bar is model.RemovalBar.YES:
        raise LetterRefused(
            "The decision relies on the para 14.216 removal bar, so no reconsideration can be asked: "
            "judicial review is the route; write the file note and refer to a solicitor now."
        )


# ---- checking ------------------------------------------------------------------------------


def validate(draft: LetterDraft, today: date) -> list[Problem]:
    """What is missing or weak, errors first. No case text goes into the messages."""
    problems: list[Problem] = []

    def err(section: str, message: str) -> None:
        problems.append(Problem(ERROR, section, message))

    def warn(section: str, message: str) -> None:
        problems.append(Problem(WARNING, section, message))

    late = draft.deadline is not None and today > draft.deadline
    if late and draft.mode != "late":
        err(
            "timeliness",
            f"The time limit ended on {format_date(draft.deadline)}: make this a late request "  # type: ignore[arg-type]
            "with its exceptional circumstances.",
        )
    if draft.mode == "late":
        if not late:
            err("timeliness", "The request is still in time: make it a full or holding request.")
        missing = draft.exceptional.missing()
        if missing:
            err(
                "exceptional",
                "The request is late, so the exceptional-circumstances section must explain "
                + _join(missing)
                + ".",
            )
        if not draft.exceptional.enclosure_numbers:
            warn("exceptional", "The exceptional circumstances cite no enclosure that shows them.")
    if draft.mode == "holding":
        missing = draft.holding.missing()
        if missing:
            err("holding", "A holding request must say " + _join(missing) + ".")
        elif draft.holding.evidence_by is not None and draft.holding.evidence_by <= today:
            err("holding", "The date by which the evidence will follow must be after today.")
    if not draft.grounds and draft.mode != "holding":
        err("grounds", "The letter has no grounds.")
    if not draft.decision_reasons:
        warn(
            "reasons",
            "Record the reasons the decision gave (in the decision form) so each ground can answer one.",
        )
    numbers = {e.number for e in draft.enclosures}
    answered: set[int] = set()
    for i, g in enumerate(draft.grounds, 1):
        section = f"ground {i}"
        if not g.text.strip():
            err(section, f"Ground {i} ({g.title}) has no text yet.")
        if not g.enclosure_numbers and not g.fact_refs:
            warn(section, f"Ground {i} ({g.title}) cites no enclosure and no fact from the chronology.")
        unknown = [n for n in g.enclosure_numbers if n not in numbers]
        if unknown:
            err(section, f"Ground {i} ({g.title}) cites an enclosure that is not in the list.")
        if draft.decision_reasons and not g.answers:
            warn(section, f"Ground {i} ({g.title}) does not say which reason of the decision it answers.")
        answered.update(g.answers)
    for n in range(1, len(draft.decision_reasons) + 1):
        if draft.grounds and n not in answered:
            warn("reasons", f"Reason {n} of the decision is not answered by any ground.")
    cited = {n for g in draft.grounds for n in g.enclosure_numbers} | set(draft.exceptional.enclosure_numbers)
    for e in draft.enclosures:
        if e.number not in cited:
            warn("enclosures", f"Enclosure {e.number} is not cited by any ground.")
        if not e.shows.strip():
            err(f"enclosure {e.number}", f"Say what Enclosure {e.number} shows.")
        if e.new and e.date_obtained is None:
            err(f"enclosure {e.number}", f"Record the date of Enclosure {e.number} (new evidence is dated).")
        elif (
            e.new
            and e.date_obtained is not None
            and e.date_obtained <= draft.decision_date
            and not e.why_not_earlier.strip()
        ):
            err(
                f"enclosure {e.number}",
                f"Enclosure {e.number} is dated before the decision: say why it was not available earlier.",
            )
    if draft.consent_date is None or not draft.consent_statement.strip():
        err("consent", "Record the date of the survivor's consent to this request.")
    elif not draft.consent_form:
        warn("consent", "The consent record does not say whether consent was written or verbal.")
    if not draft.requester_capacity.strip():
        err("capacity", "Say in what capacity the letter is written (for example, as the survivor's IMSA).")
    if not draft.outcome_sought:
        err("outcome", "Say what outcome is sought.")
    if not draft.organisation.signatory_name.strip():
        err("signature", "The letter has no signatory.")
    if not draft.organisation.name.strip():
        warn("letterhead", "No organisation letterhead is set yet (Letters tab, Organisation…).")
    if draft.addressee_placeholder:
        warn(
            "addressee",
            f"The {draft.authority}'s address is still the template's placeholder: set it from your decision "
            "letters (Letters tab, Organisation…).",
        )
    for section, text in draft.all_texts():
        gap = _NOT_RECORDED.search(text)
        if _UNFINISHED in text:
            err(section, f"The {section} section still has a part marked to be completed.")
        elif gap:
            err(section, f"The {section} section needs {gap.group(1)}, which the case record does not hold.")
        elif _PLACEHOLDER.search(text):
            err(section, f"The {section} section has a placeholder in braces that was not filled in.")
    if draft.deadline is not None and not late and (draft.deadline - today).days <= 3:
        warn("timeliness", "The deadline is at most 3 days away: send the letter today if you can.")
    problems.sort(key=lambda p: p.severity != ERROR)
    return problems


def ready(draft: LetterDraft, today: date | None = None) -> bool:
    """True when ``validate`` finds no error (warnings do not block sending)."""
    return not any(p.severity == ERROR for p in validate(draft, today or draft.letter_date))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- the note for the survivor's file ------------------------------------------------------


@dataclass(frozen=True)
class FileNote:
    title: str
    case_id: str
    survivor_name: str
    written_on: date
    paragraphs: list[str]


def file_note(
    case: model.Case,
    decision: model.Decision,
    template: Mapping[str, Any],
    *,
    today: date,
    guidance_version: str,
    mode: str = "full",
    legal_referral_on: date | None = None,
    jr_due: date | None = None,
) -> FileNote:
    """The advice that belongs on the survivor's file, never in the letter: judicial review
    timing for the case's jurisdiction, whether a referral for legal advice is recorded, and,
    under the para 14.216 bar, that judicial review is the only route."""
    if decision.date is None:
        raise LetterRefused("Record the date of the decision before writing the file note.")
    juris: Mapping[str, Any] = template.get("jurisdiction", {}).get(case.jurisdiction.value, {})
    note: Mapping[str, Any] = template.get("file_note", {})
    authority = template.get("authorities", {}).get(decision.authority.value, {})
    values = {
        "survivor_name": case.survivor.full_name,
        "decision_type": decision.kind.label,
        "decision_date": format_date(decision.date),
        "today": format_date(today),
        "mode_label": MODE_LABELS.get(mode, mode),
        "guidance": guidance_citation(template, guidance_version),
        "authority_name": str(authority.get("name") or decision.authority.label),
        "legal_referral_date": format_date(legal_referral_on) if legal_referral_on else "",
        "jr_due": format_date(jr_due) if jr_due else "",
    }
    for key in ("court_rule", "jr_limit"):
        values[key] = str(juris.get(key, ""))
    paras: list[str] = []
    if decision.removal_bar is model.RemovalBar.YES:
        paras.append(fill(str(note.get("barred", "")), values))
    else:
        paras.append(fill(str(note.get("sent", "")), values))
        paras.append(fill(str(note.get("jr", "")), values))
    if jr_due is not None:
        paras.append(fill(str(note.get("jr_due", "")), values))
    paras.append(
        fill(str(note.get("legal_referral" if legal_referral_on else "no_legal_referral", "")), values)
    )
    paras.append(fill(str(note.get("advice", "")), values))
    return FileNote(
        title=str(note.get("title", "File note")),
        case_id=case.id,
        survivor_name=case.survivor.full_name,
        written_on=today,
        paragraphs=[p for p in paras if p.strip()],
    )
