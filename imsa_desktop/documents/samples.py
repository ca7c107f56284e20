"""Sample documents from a clearly fictional demo case (for docs/samples and visual checks).

``write_samples(folder)`` writes sample-reconsideration-letter.pdf, sample-timeline.pdf and
sample-case-summary.pdf. Everyone and everything here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from imsa_desktop.documents.letter_pdf import render_letter
from imsa_desktop.documents.summary_pdf import SummaryRecords, render_summary_of
from imsa_desktop.documents.timeline_pdf import render_timeline
from imsa_desktop.domain import letters, model
from imsa_desktop.domain.consent import ConsentPurpose, ConsentType
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.paths import resource

RESOURCES = resource("letters")
TODAY = date(2025, 2, 4)

_REASONS = [
    "There is no objective evidence that you were held or controlled by others.",
    "You did not mention the debt or the cannabis house when first encountered by police, "
    "which damages your credibility.",
    "Your account of when you left Vietnam is inconsistent.",
]


@dataclass
class DemoCase(SummaryRecords):
    organisation: letters.Organisation


def demo_case(full_name: str = "Nguyễn Thị Hồng") -> DemoCase:
    """A fictional Vietnamese survivor with a negative RG decision of 20 January 2025."""
    survivor = model.Survivor(
        full_name=full_name,
        preferred_name="Hồng",
        date_of_birth=date(1994, 3, 2),
        nationality="Vietnamese",
        languages=["vi"],
        interpreter_needed=True,
        interpreter_language="Vietnamese",
        gender="Female",
    )
    rg = model.Decision(
        id="dec-rg-1",
        kind=model.DecisionKind.REASONABLE_GROUNDS,
        outcome=model.Outcome.NEGATIVE,
        date=date(2025, 1, 20),
        authority=model.Authority.SCA,
        reference="NRM-2025-000123",
    )
    case = model.Case(
        id="case-demo-1",
        code="K7Q-4MX",
        survivor=survivor,
        referral=model.Referral(
            date=date(2025, 1, 6),
            first_responder="Example Borough Council",
            consent_given=True,
            reference="NRM-2025-000123",
        ),
        exploitation_types=["labour", "cannabis_cultivation"],
        exploitation_location="both",
        adult_at_exploitation=True,
        decisions=[rg],
        consents=[
            model.ConsentRecord(
                purpose=ConsentPurpose.NRM_REFERRAL, date=date(2025, 1, 6), consent_type=ConsentType.WRITTEN
            ),
            model.ConsentRecord(
                purpose=ConsentPurpose.SHARE_COMPETENT_AUTHORITY,
                date=date(2025, 1, 27),
                consent_type=ConsentType.WRITTEN,
            ),
        ],
    )

    def ev(
        d: str,
        title: str,
        kind: model.EventKind,
        source: str,
        end: str | None = None,
        key: bool = False,
        disputed: bool = False,
        material: bool = False,
    ) -> model.TimelineEvent:
        return model.TimelineEvent(
            case_id=case.id,
            date=FuzzyDate.parse(d),
            end=FuzzyDate.parse(end) if end else None,
            title=title,
            kind=kind,
            source=source,
            key=key,
            disputed=disputed,
            material=material,
        )

    E = model.EventKind
    events = [
        ev(
            "2023-autumn",
            "Offered a job in a UK nail bar by a recruiter in Hà Tĩnh",
            E.EXPLOITATION,
            "Her account",
            material=True,
        ),
        ev(
            "2023-12",
            "Travelled overland through Europe; passport taken by the agent",
            E.EXPLOITATION,
            "Her account",
            key=True,
            material=True,
        ),
        ev(
            "2024-02",
            "Held in a house in the Midlands and made to tend cannabis plants",
            E.EXPLOITATION,
            "Her account",
            end="2024-10",
            key=True,
            material=True,
        ),
        ev("2024-06", "Told the debt had grown to £30,000", E.EXPLOITATION, "Her account", disputed=True),
        ev(
            "2024-10-14",
            "Found by police during a raid; arrested",
            E.EXIT,
            "Police crime reference",
            key=True,
        ),
        ev("2025-01-06", "Referred into the NRM by Example Borough Council", E.REFERRAL, "Referral form"),
        ev(
            "2025-01-20",
            "Negative Reasonable Grounds decision (SCA)",
            E.DECISION,
            "Decision letter",
            key=True,
        ),
        ev("2025-01-25", "GP letter describing symptoms of PTSD", E.EVIDENCE, "Dr A. Example"),
        ev("2025-01-30", "Police confirm the investigation into the house", E.EVIDENCE, "Example Police"),
    ]
    Kind = model.EvidenceKind
    evidence = [
        model.EvidenceItem(id=ev_id, case_id=case.id, title=title, kind=kind, source=source, date_obtained=on)
        for ev_id, title, kind, source, on in (
            (
                "ev-gp",
                "Letter from GP about symptoms of PTSD",
                Kind.MEDICAL,
                "Dr A. Example, Example Health Centre",
                date(2025, 1, 25),
            ),
            (
                "ev-police",
                "Police letter confirming crime reference and investigation",
                Kind.POLICE,
                "Example Police",
                date(2025, 1, 30),
            ),
            (
                "ev-statement",
                "Witness statement of a former co-worker",
                Kind.WITNESS,
                "Witness (name withheld)",
                date(2025, 2, 1),
            ),
            ("ev-referral", "NRM referral form", Kind.DOCUMENTS, "First Responder", date(2025, 1, 6)),
            (
                "ev-hospital",
                "Hospital discharge summary",
                Kind.MEDICAL,
                "Example Hospital",
                date(2025, 2, 28),
            ),
        )
    ]
    rg.reasons = list(_REASONS)
    appointments = [
        model.Appointment(
            case_id=case.id,
            start=datetime(2025, 2, 10, 10, 0),
            end=datetime(2025, 2, 10, 11, 0),
            title="Solicitor: reconsideration and JR advice",
            kind=model.AppointmentKind.LEGAL,
            location="Example Law Centre",
            interpreter_needed=True,
            interpreter_language="Vietnamese",
        ),
        model.Appointment(
            case_id=case.id,
            start=datetime(2025, 2, 14, 14, 30),
            title="Medico-legal assessment",
            kind=model.AppointmentKind.MEDICO_LEGAL,
            location="Example Clinic",
        ),
    ]
    deadlines = [
        {
            "title": "Reconsideration request (negative RG)",
            "due": date(2025, 2, 19),
            "source": "Statutory Guidance v3.12, paras 14.216-14.228",
            "status": "open",
        },
    ]
    organisation = letters.Organisation(
        name="Example Anti-Slavery Advocacy Service",
        address_lines=["Unit 4, Example Yard", "1 Sample Street", "Exampletown EX1 2MP"],
        signatory_name="Sam Example",
        signatory_role="Independent Modern Slavery Advocate",
        phone="01234 567890",
        email="imsa@example.org",
    )
    return DemoCase(case, events, evidence, appointments, deadlines, organisation)


CATALOGUE = RESOURCES / "grounds.toml"
TEMPLATE = RESOURCES / "template.toml"


def _rule_for(case: model.Case, decision: model.Decision) -> Any:
    """The reconsideration rule in force on the decision date (the letter cites its version)."""
    from imsa_desktop.domain.rules import Trigger, default_rules_folder, load_rule_files, rules_in_force

    assert decision.date is not None
    trigger = (
        Trigger.RG_NEGATIVE if decision.kind is model.DecisionKind.REASONABLE_GROUNDS else Trigger.CG_NEGATIVE
    )
    found = [
        r
        for r in rules_in_force(
            load_rule_files(default_rules_folder()), trigger, case.jurisdiction, decision.date
        )
        if r.series.startswith("reconsideration")
    ]
    return found[0] if found else None


def demo_draft(
    demo: DemoCase | None = None,
    *,
    today: date = TODAY,
    mode: str = "full",
) -> letters.LetterDraft:
    """A letter for the demo case in ``mode`` (full, holding or late), dated ``today``."""
    from datetime import timedelta

    from imsa_desktop.domain.deadlines import add_months

    demo = demo or demo_case()
    decision = demo.case.decisions[0]
    assert decision.date is not None
    rule = _rule_for(demo.case, decision)
    deadline = None
    if rule is not None and rule.period is not None:
        p = rule.period
        deadline = (
            add_months(decision.date, p.amount)
            if p.unit.value == "months"
            else decision.date + timedelta(days=p.amount)
        )
    notes = {
        "ev-gp": letters.EnclosureNote(
            shows="Symptoms of post-traumatic stress disorder, and that these affect recall of dates.",
        ),
        "ev-police": letters.EnclosureNote(
            shows="The crime reference for the house where she was found, and that the police are "
            "investigating it as a modern slavery offence.",
        ),
        "ev-statement": letters.EnclosureNote(
            shows="A former co-worker saw her locked in the house and heard the debt demanded.",
        ),
        "ev-referral": letters.EnclosureNote(
            shows="The First Responder recorded restriction of movement and debt bondage at referral.",
            before_decision_maker=True,
        ),
        "ev-hospital": letters.EnclosureNote(
            shows="She was in hospital for three weeks after the decision and could not give instructions.",
        ),
    }
    holding = None
    exceptional = None
    if mode == "holding":
        holding = letters.Holding(
            reason="A medico-legal assessment is booked and its report will follow within two weeks of "
            "it; the police have agreed to confirm the investigation in writing.",
            awaited=[
                "A medico-legal report on her physical and psychological injuries.",
                "A letter from the police confirming the crime reference and the investigation.",
            ],
            evidence_by=today + timedelta(days=35),
        )
    grounds = ["new_evidence", "not_considered", "wrong_threshold", "trauma_late_disclosure"]
    enclose = ["ev-gp", "ev-police", "ev-statement", "ev-referral"]
    if mode == "holding":
        grounds = ["wrong_threshold", "trauma_late_disclosure"]
        enclose = ["ev-referral"]
    if mode == "late":
        enclose = [*enclose, "ev-hospital"]
    ground_enclosures = {
        "new_evidence": ["ev-gp", "ev-police", "ev-statement"],
        "not_considered": ["ev-referral"],
        "wrong_threshold": [],
        "trauma_late_disclosure": ["ev-referral"],
    }
    if mode == "holding":
        ground_enclosures = {"wrong_threshold": [], "trauma_late_disclosure": ["ev-referral"]}
    draft = letters.build_draft(
        demo.case,
        decision.id,
        evidence=demo.evidence,
        chosen_grounds=grounds,
        enclose=enclose,
        catalogue=letters.load_catalogue(CATALOGUE),
        template=letters.load_template(TEMPLATE),
        organisation=demo.organisation,
        requester_capacity="her Independent Modern Slavery Advocate",
        consent_date=demo.case.consents[-1].date,
        consent_form=str(demo.case.consents[-1].consent_type.value),
        today=today,
        deadline=deadline,
        ground_enclosures=ground_enclosures,
        ground_facts={
            "wrong_threshold": [
                "February 2024 to October 2024: "
                "held in a house in the Midlands and made to tend cannabis plants (her account).",
            ]
        },
        ground_reasons={
            "new_evidence": [1],
            "not_considered": [1],
            "wrong_threshold": [1],
            "trauma_late_disclosure": [2, 3],
        },
        enclosure_notes=notes,
        mode=mode,
        guidance_version=rule.guidance_version if rule is not None else "",
        time_limit_source=rule.source if rule is not None else "",
        legal_referral_on=None,
        holding=holding,
        exceptional_enclosures=["ev-hospital"] if mode == "late" else [],
    )
    if mode == "late":
        exceptional = letters.ExceptionalCircumstances(
            reason_for_delay="She was in hospital for three weeks after the decision and could not give "
            "instructions or sign her consent until she was discharged (Enclosure 5).",
            why_material="The new evidence shows the control and the debt that the decision found "
            "unsupported (reason 1).",
            why_not_earlier="The police letter and the witness statement were obtained only after her "
            "discharge, when she could tell us who to contact.",
        )
        exceptional.enclosure_numbers = draft.exceptional.enclosure_numbers
        draft.exceptional = exceptional
    draft.addressee_lines = [
        f"{draft.authority_name}",
        "Home Office",
        "PO Box 0000, Exampletown EX9 9XX (example address)",
    ]
    return draft


SAMPLE_CASES = {
    # jurisdiction, name, nationality, decision kind, decision date, today (full/holding), today (late)
    "england-wales": (
        "Nguyễn Thị Hồng",
        "Vietnamese",
        "rg",
        date(2025, 10, 6),
        date(2025, 10, 20),
        date(2025, 12, 1),
    ),
    "scotland": (
        "فاطمة الزهراء",
        "Sudanese",
        "cg",
        date(2025, 10, 13),
        date(2025, 10, 27),
        date(2025, 12, 8),
    ),
    "northern-ireland": ("陳美玲", "Chinese", "rg", date(2025, 11, 3), date(2025, 11, 17), date(2026, 1, 5)),
}


def jurisdiction_demo(jurisdiction: str) -> DemoCase:
    """The demo case moved to ``jurisdiction``, with a fictional name in that sample's script."""
    import dataclasses

    name, nationality, kind, decided, _, _ = SAMPLE_CASES[jurisdiction]
    demo = demo_case(name)
    case = demo.case
    case.jurisdiction = model.Jurisdiction(jurisdiction)
    case.survivor.nationality = nationality
    case.survivor.preferred_name = ""
    d = case.decisions[0]
    d.kind = model.DecisionKind.REASONABLE_GROUNDS if kind == "rg" else model.DecisionKind.CONCLUSIVE_GROUNDS
    d.date = decided
    d.reasons = list(_REASONS)
    case.consents[-1] = dataclasses.replace(case.consents[-1], date=decided + timedelta_days(3))
    for e in demo.evidence:
        if e.id in ("ev-gp", "ev-police", "ev-statement"):
            e.date_obtained = decided + timedelta_days({"ev-gp": 5, "ev-police": 8, "ev-statement": 10}[e.id])
    for e in demo.evidence:
        if e.id == "ev-referral":
            e.date_obtained = decided - timedelta_days(30)
        if e.id == "ev-hospital":
            e.date_obtained = decided + timedelta_days(40)
    return demo


def _jr_due(case: model.Case, decision: model.Decision) -> date | None:
    """The outer judicial-review date from the rules data (as the letters service counts it)."""
    from imsa_desktop.domain.deadlines import NoHolidays, add_period
    from imsa_desktop.domain.rules import Trigger, default_rules_folder, load_rule_files, rules_in_force

    assert decision.date is not None
    trigger = (
        Trigger.RG_NEGATIVE if decision.kind is model.DecisionKind.REASONABLE_GROUNDS else Trigger.CG_NEGATIVE
    )
    for r in rules_in_force(
        load_rule_files(default_rules_folder()), trigger, case.jurisdiction, decision.date
    ):
        if r.series.startswith("judicial_review") and r.period is not None:
            return add_period(
                decision.date, r.period.amount, r.period.unit, case.jurisdiction, NoHolidays(), r.counting
            )
    return None


def timedelta_days(n: int) -> Any:
    from datetime import timedelta

    return timedelta(days=n)


def jurisdiction_samples() -> dict[str, bytes]:
    """Full, holding and late letters for each jurisdiction, and a file note, as PDF bytes."""
    from imsa_desktop.documents.letter_pdf import render_file_note

    out: dict[str, bytes] = {}
    template = letters.load_template(TEMPLATE)
    for juris, (_, _, _, _, today, late_today) in SAMPLE_CASES.items():
        for mode in ("full", "holding", "late"):
            demo = jurisdiction_demo(juris)
            when = late_today if mode == "late" else today
            draft = demo_draft(demo, today=when, mode=mode)
            out[f"letter-{juris}-{mode}.pdf"] = render_letter(draft)
        demo = jurisdiction_demo(juris)
        rule = _rule_for(demo.case, demo.case.decisions[0])
        note = letters.file_note(
            demo.case,
            demo.case.decisions[0],
            template,
            today=today,
            guidance_version=rule.guidance_version if rule is not None else "",
            jr_due=_jr_due(demo.case, demo.case.decisions[0]),
        )
        out[f"file-note-{juris}.pdf"] = render_file_note(note, organisation=demo.organisation.name)
    return out


def write_samples(folder: str | Path) -> list[Path]:
    """Write the sample PDFs into ``folder``; returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    demo = demo_case()
    files = {
        **jurisdiction_samples(),
        "sample-timeline.pdf": render_timeline(
            demo.case, demo.events, pseudonymous=False, today=TODAY, deadlines=demo.deadlines
        ),
        "sample-case-summary.pdf": render_summary_of(demo, pseudonymous=False, today=TODAY),
    }
    paths = []
    for name, data in files.items():
        p = out / name
        p.write_bytes(data)
        paths.append(p)
    return paths
