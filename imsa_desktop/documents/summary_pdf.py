"""A case summary on paper: profile, referral, decisions, consents, deadlines, evidence, appointments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from imsa_desktop.documents import fonts
from imsa_desktop.documents.pdfbase import (
    CASE_CONTENT_WIDTH,
    INK,
    Redactor,
    build_case_pdf,
    para,
    styles,
    table_style,
)
from imsa_desktop.documents.timeline_pdf import deadline_table
from imsa_desktop.domain import model
from imsa_desktop.domain.dates import format_date


class CaseRecords(Protocol):
    """A case with the records its summary prints (services.documents.CaseDocumentData, the
    sample case)."""

    @property
    def case(self) -> model.Case: ...
    @property
    def events(self) -> list[model.TimelineEvent]: ...
    @property
    def evidence(self) -> list[model.EvidenceItem]: ...
    @property
    def appointments(self) -> list[model.Appointment]: ...
    @property
    def deadlines(self) -> list[dict[str, Any]]: ...


@dataclass
class SummaryRecords:
    """A case and the records its summary prints, as plain data."""

    case: model.Case
    events: list[model.TimelineEvent]
    evidence: list[model.EvidenceItem]
    appointments: list[model.Appointment]
    deadlines: list[dict[str, Any]]


def render_case_summary(
    case: model.Case,
    *,
    events: list[model.TimelineEvent],
    evidence: list[model.EvidenceItem],
    appointments: list[model.Appointment],
    deadlines: list[dict[str, Any]],
    pseudonymous: bool,
    today: date,
) -> bytes:
    """``render_summary_of`` the case and the records given."""
    records = SummaryRecords(case, events, evidence, appointments, deadlines)
    return render_summary_of(records, pseudonymous=pseudonymous, today=today)


def render_summary_of(records: CaseRecords, *, pseudonymous: bool, today: date) -> bytes:
    """The case summary as PDF bytes. In pseudonymous mode no name and no date of birth print."""
    case, events, evidence = records.case, records.events, records.evidence
    appointments, deadlines = records.appointments, records.deadlines
    fonts.check_drawable(fonts.case_fields(case, list(events), list(evidence)), fonts.SANS)
    st = styles()
    red = Redactor(case, pseudonymous)
    width = CASE_CONTENT_WIDTH
    s = case.survivor

    def d(v: date | None) -> str:
        return format_date(v) if v else ""

    def yesno(v: bool | None) -> str:
        return "" if v is None else ("Yes" if v else "No")

    story: list[Flowable] = [
        para("Case summary", st["title"]),
        para(f"{red.label} - printed {format_date(today)} - stage: {case.stage.label}", st["sans_muted"]),
    ]

    dob = (
        "withheld"
        if pseudonymous
        else d(s.date_of_birth) + (" (estimated)" if s.date_of_birth_is_estimate else "")
    )
    profile = [
        ("Name", "withheld (pseudonymous print)" if pseudonymous else s.display_name()),
        ("Aliases", "" if pseudonymous else ", ".join(s.aliases)),
        ("Date of birth", dob if s.date_of_birth else ""),
        ("Gender", s.gender),
        ("Nationality", s.nationality),
        ("Languages", ", ".join(s.languages)),
        (
            "Interpreter",
            (f"Yes ({s.interpreter_language})" if s.interpreter_language else "Yes")
            if s.interpreter_needed
            else "No",
        ),
        ("Voicemail safe", yesno(s.voicemail_safe)),
        ("Letters safe", yesno(s.letters_safe)),
        ("Safe contact", red(s.safe_contact_notes)),
        ("Jurisdiction", case.jurisdiction.label),
        ("Status", case.status.label + (f" ({red(case.status_reason)})" if case.status_reason else "")),
        ("Exploitation", ", ".join(model.EXPLOITATION_TYPES.get(t, t) for t in case.exploitation_types)),
        ("Where", case.exploitation_location),
        ("Adult when exploited", yesno(case.adult_at_exploitation)),
        ("Re-referrals", str(case.re_referral_count) if case.re_referral_count else ""),
    ]
    story += [para("Profile", st["h2"]), _kv(profile, width, st)]

    r = case.referral
    referral = [
        ("Route", r.route.label),
        ("Date", d(r.date)),
        ("First responder", r.first_responder),
        ("Consent given", yesno(r.consent_given)),
        ("Reference", r.reference),
        ("Child at referral", "Yes" if r.child_at_referral else ""),
    ]
    story += [para("Referral", st["h2"]), _kv(referral, width, st)]

    story.append(para("Decisions", st["h2"]))
    story.append(
        _grid(
            ["Date", "Decision", "Outcome", "Authority", "Reference"],
            [
                [d(x.date), x.kind.label, x.outcome_label, x.authority.value, x.reference]
                for x in case.decisions_sorted()
            ],
            [28 * mm, 0, 22 * mm, 22 * mm, 45 * mm],
            width,
            st,
            empty="No decisions recorded.",
        )
    )
    for x in case.decisions_sorted():
        if x.reasons:
            when = f" of {d(x.date)}" if x.date else ""
            story.append(para(f"Reasons given for the {x.kind.label} decision{when}:", st["sans_muted"]))
            story += [para(f"{i}. {red(r)}", st["sans"]) for i, r in enumerate(x.reasons, 1)]
    story.append(para("Consents", st["h2"]))
    story.append(
        _grid(
            ["Date", "Purpose", "Given"],
            [
                [d(c.date), red(c.purpose), "Yes" if c.given else "Withdrawn / refused"]
                for c in sorted(case.consents, key=lambda c: c.date)
            ],
            [28 * mm, 0, 40 * mm],
            width,
            st,
            empty="No consent records.",
        )
    )
    story.append(para("Deadlines", st["h2"]))
    story.append(deadline_table(deadlines, red, width, st) if deadlines else para("None.", st["small"]))

    story.append(para("Evidence", st["h2"]))
    story.append(
        _grid(
            ["Obtained", "Evidence", "Kind", "Source", "Provided"],
            [
                [
                    d(e.date_obtained),
                    red(e.title),
                    e.kind.label,
                    red(e.source),
                    (d(e.date_provided) + (f" to {e.provided_to}" if e.provided_to else "")).strip(),
                ]
                for e in sorted(evidence, key=lambda e: (e.date_obtained or date.max, e.title))
            ],
            [28 * mm, 0, 22 * mm, 40 * mm, 30 * mm],
            width,
            st,
            empty="No evidence recorded.",
        )
    )
    upcoming = sorted((a for a in appointments if a.start.date() >= today), key=lambda a: a.start)
    story.append(para("Upcoming appointments", st["h2"]))
    story.append(
        _grid(
            ["When", "Appointment", "Kind", "Where", "Interpreter"],
            [
                [
                    f"{format_date(a.start.date())} {a.start:%H:%M}",
                    red(a.title),
                    a.kind.label,
                    red(a.location),
                    (a.interpreter_language or "Yes") if a.interpreter_needed else "",
                ]
                for a in upcoming
            ],
            [36 * mm, 0, 26 * mm, 34 * mm, 22 * mm],
            width,
            st,
            empty="None.",
        )
    )
    key_events = [e for e in events if e.key]
    if key_events:
        story.append(para("Key events", st["h2"]))
        story.append(
            _grid(
                ["Date", "Event"],
                [[e.date.display(), red(e.title)] for e in sorted(key_events, key=lambda e: e.date.sort_key)],
                [40 * mm, 0],
                width,
                st,
            )
        )
    story.append(Spacer(1, 4 * mm))

    return build_case_pdf(
        story, what="Case summary", code=case.code, label=red.label, keywords="case summary, confidential"
    )


def _kv(rows: list[tuple[str, str]], width: float, st: dict[str, Any]) -> Flowable:
    data = [[para(k, st["cell_bold"]), para(v, st["cell"])] for k, v in rows if v]
    if not data:
        return para("Nothing recorded.", st["small"])
    t = Table(data, colWidths=[40 * mm, width - 40 * mm], hAlign="LEFT", splitInRow=1)  # long notes
    t.setStyle(table_style(left=3, top=2, bottom=2))
    return t


def _grid(
    header: list[str],
    rows: list[list[str]],
    cols: list[float],
    width: float,
    st: dict[str, Any],
    empty: str = "",
) -> Flowable:
    if not rows:
        return para(empty or "None.", st["small"])
    cols = list(cols)
    cols[cols.index(0)] = width - sum(cols)
    data: list[list[Any]] = [[para(h, st["cell_bold"]) for h in header]]
    data += [[para(str(v), st["cell"]) for v in row] for row in rows]
    t = Table(data, colWidths=cols, repeatRows=1, hAlign="LEFT")
    t.setStyle(table_style(head=(0.8, INK), left=3, top=2, bottom=2))
    return t
