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
from imsa_desktop.documents.summary_pdf import render_case_summary
from imsa_desktop.documents.timeline_pdf import render_timeline
from imsa_desktop.domain import letters, model
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.paths import resource

RESOURCES = resource("letters")
TODAY = date(2025, 2, 4)


@dataclass
class DemoCase:
    case: model.Case
    events: list[model.TimelineEvent]
    evidence: list[model.EvidenceItem]
    appointments: list[model.Appointment]
    deadlines: list[dict[str, Any]]
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
            model.ConsentRecord(purpose="NRM referral", date=date(2025, 1, 6)),
            model.ConsentRecord(
                purpose="Reconsideration request and information sharing", date=date(2025, 1, 27)
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
    evidence = [
        model.EvidenceItem(
            id="ev-gp",
            case_id=case.id,
            title="Letter from GP about symptoms of PTSD",
            kind=model.EvidenceKind.MEDICAL,
            source="Dr A. Example, Example Health Centre",
            date_obtained=date(2025, 1, 25),
        ),
        model.EvidenceItem(
            id="ev-police",
            case_id=case.id,
            title="Police letter confirming crime reference and investigation",
            kind=model.EvidenceKind.POLICE,
            source="Example Police",
            date_obtained=date(2025, 1, 30),
        ),
        model.EvidenceItem(
            id="ev-statement",
            case_id=case.id,
            title="Witness statement of a former co-worker",
            kind=model.EvidenceKind.WITNESS,
            source="Witness (name withheld)",
            date_obtained=date(2025, 2, 1),
        ),
    ]
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


def demo_draft(demo: DemoCase | None = None, *, today: date = TODAY) -> letters.LetterDraft:
    demo = demo or demo_case()
    draft = letters.build_draft(
        demo.case,
        "dec-rg-1",
        evidence=demo.evidence,
        chosen_grounds=["new_evidence", "wrong_threshold", "trauma_late_disclosure"],
        enclose=["ev-gp", "ev-police", "ev-statement"],
        catalogue=letters.load_catalogue(RESOURCES / "grounds.toml"),
        template=letters.load_template(RESOURCES / "template.toml"),
        organisation=demo.organisation,
        requester_capacity="her Independent Modern Slavery Advocate",
        consent_date=date(2025, 1, 27),
        today=today,
        deadline=date(2025, 2, 19),
        ground_enclosures={"trauma_late_disclosure": ["ev-gp"]},
        ground_facts={
            "wrong_threshold": [
                "14 October 2024: found by police during a raid on the house where she was held "
                "(police crime reference, Enclosure 2)."
            ]
        },
    )
    return draft


def write_samples(folder: str | Path) -> list[Path]:
    """Write the sample PDFs into ``folder``; returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    demo = demo_case()
    files = {
        "sample-reconsideration-letter.pdf": render_letter(demo_draft(demo)),
        "sample-timeline.pdf": render_timeline(
            demo.case, demo.events, pseudonymous=False, today=TODAY, deadlines=demo.deadlines
        ),
        "sample-case-summary.pdf": render_case_summary(
            demo.case,
            events=demo.events,
            evidence=demo.evidence,
            appointments=demo.appointments,
            deadlines=demo.deadlines,
            pseudonymous=False,
            today=TODAY,
        ),
    }
    paths = []
    for name, data in files.items():
        p = out / name
        p.write_bytes(data)
        paths.append(p)
    return paths
