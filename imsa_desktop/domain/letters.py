"""Reconsideration request letters: the content, as plain editable data (standard library only).

``build_draft`` turns a case, one negative RG or CG decision, the chosen grounds and the chosen
evidence into a ``LetterDraft``: every section is a plain ``str`` (or list of them) that the GUI
may edit; the PDF (``documents.letter_pdf``) prints the draft as it stands. ``validate`` lists
what would make the letter weak or unsendable; ``ready`` is False while any error remains.

The wording lives in data, not code: ``resources/letters/grounds.toml`` (the catalogue of
grounds, each with the guidance paragraph it relies on) and ``resources/letters/template.toml``
(fixed texts and headings, with a version). Both are passed in as parsed dicts, or loaded with
``load_catalogue(path)`` / ``load_template(path)``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from imsa_desktop.domain import model
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import DecisionKind
from imsa_desktop.errors import InvalidInput, LetterRefused, NotFound

CATEGORIES = ("new_evidence", "guidance")
ERROR = "error"
WARNING = "warning"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_UNFINISHED = "[evidence to be added]"


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


@dataclass(kw_only=True)
class Enclosure:
    number: int
    evidence_id: str
    title: str
    kind: str = ""  # EvidenceKind label, e.g. "Medico legal"
    date_obtained: date | None = None

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

    def missing(self) -> list[str]:
        names = {
            "reason_for_delay": "the reason for the delay",
            "why_material": "why the evidence is material",
            "why_not_earlier": "why it was not provided earlier",
        }
        return [label for attr, label in names.items() if not getattr(self, attr).strip()]


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
        out += [(f"ground {i}", g.text) for i, g in enumerate(self.grounds, 1)]
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
) -> LetterDraft:
    """Draft a reconsideration request for a negative RG or CG decision.

    ``enclose`` lists evidence ids, numbered Enclosure 1..n in that order. By default a
    new-evidence ground cites every enclosure and a guidance ground cites none;
    ``ground_enclosures`` (ground key -> evidence ids) and ``ground_facts`` (ground key ->
    chronology facts as printed) say exactly what supports each ground. ``deadline`` is the
    request deadline from the deadline rules; when None, the template's ``window_days`` from
    the decision date is used.
    """
    decision = case.decision(decision_id)
    if decision is None:
        raise NotFound("There is no decision with that id in this case.")
    _check_decision(decision)
    assert decision.date is not None

    grounds_by_key = catalogue_grounds(catalogue)
    if not chosen_grounds:
        raise LetterRefused("Choose at least one ground for reconsideration.")
    for key in chosen_grounds:
        if key not in grounds_by_key:
            raise LetterRefused(f"'{key[:40]}' is not a ground in the catalogue.")
    if len(set(chosen_grounds)) != len(chosen_grounds):
        raise LetterRefused("The same ground was chosen twice.")

    by_id = {e.id: e for e in evidence}
    enclosures: list[Enclosure] = []
    for n, ev_id in enumerate(enclose, 1):
        item = by_id.get(ev_id)
        if item is None or item.case_id != case.id:
            raise NotFound("One of the enclosures is not an evidence item of this case.")
        enclosures.append(
            Enclosure(
                number=n,
                evidence_id=item.id,
                title=item.title,
                kind=item.kind.label,
                date_obtained=item.date_obtained,
            )
        )
    if len(set(enclose)) != len(enclose):
        raise LetterRefused("The same evidence item was enclosed twice.")
    number_of = {e.evidence_id: e.number for e in enclosures}

    tpl_text: Mapping[str, Any] = template.get("text", {})
    timeliness_tpl: Mapping[str, Any] = template.get("timeliness", {})
    window_days = int(timeliness_tpl.get("window_days", 30))
    if deadline is None:
        deadline = decision.date + timedelta(days=window_days)
    late = today > deadline

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

    values: dict[str, str] = {
        "survivor_name": survivor.full_name,
        "decision_type": decision.kind.label,
        "decision_date": format_date(decision.date),
        "authority_name": authority_name,
        "authority": decision.authority.value,
        # Without a letterhead yet, the advocate who signs is the one who "acts for" the survivor;
        # with neither, a bracketed gap that validate() refuses as still to be completed.
        "organisation": organisation.name.strip()
        or organisation.signatory_name.strip()
        or "[your organisation]",
        "requester_capacity": requester_capacity.strip(),
        "consent_date": format_date(consent_date) if consent_date else "[date of consent]",
        "deadline": format_date(deadline),
        "today": format_date(today),
        "nrm_reference": case.referral.reference or decision.reference,
        "window_days": str(window_days),
    }

    grounds: list[Ground] = []
    for key in chosen_grounds:
        g = grounds_by_key[key]
        if ground_enclosures and key in ground_enclosures:
            numbers = []
            for ev_id in ground_enclosures[key]:
                if ev_id not in number_of:
                    raise LetterRefused("A ground cites evidence that is not among the enclosures.")
                numbers.append(number_of[ev_id])
        elif g["category"] == "new_evidence":
            numbers = [e.number for e in enclosures]
        else:
            numbers = []
        facts = list((ground_facts or {}).get(key, []))
        if numbers:
            citation = "see " + cite(numbers)
        elif facts:
            citation = "see the facts listed below"
        else:
            citation = _UNFINISHED
        text = fill(str(g.get("text", "")), {**values, "enclosures": citation})
        grounds.append(
            Ground(
                key=key,
                title=str(g["title"]),
                category=str(g["category"]),
                text=text,
                guidance_ref=str(g.get("guidance_ref", "")),
                enclosure_numbers=sorted(numbers),
                fact_refs=facts,
            )
        )

    headings = {k: fill(str(v), values) for k, v in template.get("headings", {}).items()}
    timeliness = fill(str(timeliness_tpl.get("late_intro" if late else "in_time", "")), values)

    return LetterDraft(
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
        subject=headings.get("subject", f"Request for reconsideration of a negative {decision.kind.label}"),
        salutation=str(tpl_text.get("salutation", "Dear Sir or Madam,")),
        opening=fill(str(tpl_text.get("opening", "")), values),
        requester_capacity=requester_capacity.strip(),
        capacity_statement=fill(str(tpl_text.get("capacity", "")), values),
        consent_date=consent_date,
        consent_statement=fill(str(tpl_text.get("consent", "")), values),
        deadline=deadline,
        late=late,
        timeliness=timeliness,
        grounds_intro=fill(str(tpl_text.get("grounds_intro", "")), values),
        grounds=grounds,
        enclosures=enclosures,
        outcome_intro=fill(str(tpl_text.get("outcome_intro", "")), values),
        outcome_sought=[fill(str(t), values) for t in tpl_text.get("outcome", [])],
        jr_note=fill(str(tpl_text.get("jr_note", "")), values),
        closing=str(tpl_text.get("closing", "Yours faithfully,")),
        guidance_version=str(catalogue.get("guidance_version", "")),
        catalogue_version=str(catalogue.get("catalogue_version", "")),
        template_version=str(template.get("template_version", "")),
        headings=headings,
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


# ---- checking ------------------------------------------------------------------------------


def validate(draft: LetterDraft, today: date) -> list[Problem]:
    """What is missing or weak, errors first. No case text goes into the messages."""
    problems: list[Problem] = []

    def err(section: str, message: str) -> None:
        problems.append(Problem(ERROR, section, message))

    def warn(section: str, message: str) -> None:
        problems.append(Problem(WARNING, section, message))

    late = draft.deadline is not None and today > draft.deadline
    if late:
        missing = draft.exceptional.missing()
        if missing:
            err(
                "exceptional",
                "The request is late, so the exceptional-circumstances section must explain "
                + _join(missing)
                + ".",
            )
        if not draft.late:
            err(
                "timeliness",
                "The deadline has passed since the letter was drafted; redraft the timeliness section.",
            )
    if not draft.grounds:
        err("grounds", "The letter has no grounds.")
    numbers = {e.number for e in draft.enclosures}
    for i, g in enumerate(draft.grounds, 1):
        section = f"ground {i}"
        if not g.text.strip():
            err(section, f"Ground {i} ({g.title}) has no text yet.")
        if not g.enclosure_numbers and not g.fact_refs:
            warn(section, f"Ground {i} ({g.title}) cites no enclosure and no fact from the chronology.")
        unknown = [n for n in g.enclosure_numbers if n not in numbers]
        if unknown:
            err(section, f"Ground {i} ({g.title}) cites an enclosure that is not in the list.")
    cited = {n for g in draft.grounds for n in g.enclosure_numbers}
    for e in draft.enclosures:
        if e.number not in cited:
            warn("enclosures", f"Enclosure {e.number} is not cited by any ground.")
    if draft.consent_date is None or not draft.consent_statement.strip():
        err("consent", "Record the date of the survivor's written consent to this request.")
    if not draft.requester_capacity.strip():
        err("capacity", "Say in what capacity the letter is written (for example, as the survivor's IMSA).")
    if not draft.outcome_sought:
        err("outcome", "Say what outcome is sought.")
    if not draft.organisation.signatory_name.strip():
        err("signature", "The letter has no signatory.")
    if not draft.organisation.name.strip():
        warn("letterhead", "No organisation letterhead is set yet (Letters tab, Organisation…).")
    for section, text in draft.all_texts():
        if _UNFINISHED in text or "[date of consent]" in text:
            err(section, f"The {section} section still has a part marked to be completed.")
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
