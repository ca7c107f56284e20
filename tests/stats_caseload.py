"""A small fictional caseload for the statistics tests, with every figure counted by hand.

Period 1 January - 30 September 2025, exported on 1 August 2025. The expected figures live in
the tests (written out by hand from the list below), never computed by the code under test.

  A  Nguyễn Thị Hồng (Vietnamese, E&W)   opened 2024-11-01; referred Mon 6 Jan; RG + Fri 10 Jan
     (4 days, within the 5-working-day target of 13 Jan); CG + 20 May (134 days).
  B  Arbër Hoxha (Albanian, E&W)          opened 2024-12-01; referred Mon 3 Feb; RG - 24 Feb (21 days,
     late: target 10 Feb); reconsideration letter sent 10 Mar, answered 20 Mar; reconsideration +
     15 Apr (overturned). Referred three times (2 re-referrals). Request time limit met by the letter.
  C  ሰላም ተስፋይ (Eritrean, Scotland, child) opened 15 Jan; referred Mon 20 Jan; RG + 3 Mar (42 days,
     late: target 27 Jan); closed 10 Jun.
  D  Paweł Wiśniewski (Polish, E&W)       opened 2023; referred 5 Jun 2023; RG + 2023; CG - 14 Feb 2025
     (620 days); letter sent 20 Mar, no answer: after the 30-day limit (16 Mar), so missed;
     reconsideration - 2 Jun (upheld). Lost contact.
  E  عمر الفاروق (Sudanese, E&W)         opened 1 Apr; Duty to Notify report 2 Apr; no decisions.
  F  Ștefan Popescu (Romanian, E&W)       opened 1 May; referred 12 May; no RG decision yet.
  G  Ewa Kowalska (Polish, E&W)           opened 2023, closed 1 Oct 2024: outside the period entirely.
  H  Daniel Okafor (British, E&W)         opened 1 Mar; referred Mon 3 Mar; RG - Fri 7 Mar (4 days, on
     time); the request time limit marked met by the advocate on 20 Mar.
  I  Trần Thị Lan (Vietnamese, E&W)       opened 20 Jul; referred Mon 21 Jul; RG - Fri 25 Jul (4 days, on
     time); its request time limit (late August) is after the export day: not yet due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from imsa_desktop.domain import model
from imsa_desktop.domain.letter_records import LetterRecord, LetterStatus
from imsa_desktop.domain.model import Case, CaseStatus, Decision, DecisionKind, Jurisdiction, Outcome
from imsa_desktop.services.ports import AbstractUnitOfWork

PERIOD = (date(2025, 1, 1), date(2025, 9, 30))
TODAY = date(2025, 8, 1)

# Everything that must never appear in an export (the byte scan looks for each).
NAMES = [
    "Nguyễn Thị Hồng",
    "Arbër Hoxha",
    "ሰላም ተስፋይ",
    "Paweł Wiśniewski",
    "عمر الفاروق",
    "Ștefan Popescu",
    "Ewa Kowalska",
    "Daniel Okafor",
    "Trần Thị Lan",
]
SURNAMES = ["Nguyễn", "Hoxha", "ተስፋይ", "Wiśniewski", "الفاروق", "Popescu", "Kowalska", "Okafor", "Trần"]
REFERENCE_PREFIX = "NRM-STATS-"
NOTE_PREFIX = "Kept at the Wexcombe nail bar, case note "
DATES_OF_BIRTH = [
    date(1994, 3, 2),
    date(1988, 7, 19),
    date(2008, 11, 23),
    date(1979, 5, 8),
    date(1991, 12, 14),
    date(1985, 4, 27),
    date(1990, 10, 3),
    date(2001, 2, 11),
    date(1997, 8, 30),
]


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, 0, tzinfo=UTC)


def _dec(kind: DecisionKind, outcome: Outcome, on: date, i: int) -> Decision:
    return Decision(
        kind=kind,
        outcome=outcome,
        date=on,
        reference=f"{REFERENCE_PREFIX}D{i}",
        notes=f"{NOTE_PREFIX}on decision {i}",
        created_at=_at(on),
        updated_at=_at(on),
    )


RG, CG, RECON = (
    DecisionKind.REASONABLE_GROUNDS,
    DecisionKind.CONCLUSIVE_GROUNDS,
    DecisionKind.RECONSIDERATION,
)
POS, NEG = Outcome.POSITIVE, Outcome.NEGATIVE
EW, SCOT = Jurisdiction.ENGLAND_WALES, Jurisdiction.SCOTLAND


def _case(
    i: int,
    nationality: str,
    opened: date,
    *,
    jurisdiction: Jurisdiction = EW,
    referred: date | None = None,
    route: model.ReferralRoute = model.ReferralRoute.NRM,
    decisions: list[Decision] | None = None,
    status: CaseStatus = CaseStatus.OPEN,
    closed_on: date | None = None,
    adult: bool | None = True,
    types: list[str] | None = None,
    re_referrals: int = 0,
) -> Case:
    return Case(
        survivor=model.Survivor(
            full_name=NAMES[i],
            preferred_name=NAMES[i].split()[0],
            date_of_birth=DATES_OF_BIRTH[i],
            nationality=nationality,
            safe_contact_notes=f"{NOTE_PREFIX}contact {i}",
        ),
        jurisdiction=jurisdiction,
        status=status,
        status_reason=f"{NOTE_PREFIX}status {i}" if status is not CaseStatus.OPEN else "",
        closed_on=closed_on,
        re_referral_count=re_referrals,
        referral=model.Referral(
            date=referred,
            route=route,
            first_responder="Millbrook Council",
            reference=f"{REFERENCE_PREFIX}{i:04d}",
        ),
        adult_at_exploitation=adult,
        exploitation_types=types or ["labour"],
        decisions=decisions or [],
        notes=f"{NOTE_PREFIX}{i}",
        created_at=_at(opened),
        updated_at=_at(opened),
    )


def build_cases() -> dict[str, Case]:
    d = date
    b_rg = _dec(RG, NEG, d(2025, 2, 24), 2)
    d_cg = _dec(CG, NEG, d(2025, 2, 14), 4)
    h_rg = _dec(RG, NEG, d(2025, 3, 7), 8)
    return {
        "A": _case(
            0,
            "Vietnamese",
            d(2024, 11, 1),
            referred=d(2025, 1, 6),
            decisions=[_dec(RG, POS, d(2025, 1, 10), 0), _dec(CG, POS, d(2025, 5, 20), 1)],
        ),
        "B": _case(
            1,
            "Albanian",
            d(2024, 12, 1),
            referred=d(2025, 2, 3),
            decisions=[b_rg, _dec(RECON, POS, d(2025, 4, 15), 3)],
            types=["criminal"],
            re_referrals=2,
        ),
        "C": _case(
            2,
            "Eritrean",
            d(2025, 1, 15),
            jurisdiction=SCOT,
            referred=d(2025, 1, 20),
            decisions=[_dec(RG, POS, d(2025, 3, 3), 5)],
            status=CaseStatus.CLOSED,
            closed_on=d(2025, 6, 10),
            adult=False,
            types=["sexual"],
        ),
        "D": _case(
            3,
            "Polish",
            d(2023, 6, 1),
            referred=d(2023, 6, 5),
            decisions=[_dec(RG, POS, d(2023, 6, 9), 6), d_cg, _dec(RECON, NEG, d(2025, 6, 2), 7)],
            status=CaseStatus.LOST_CONTACT,
        ),
        "E": _case(
            4,
            "Sudanese",
            d(2025, 4, 1),
            referred=d(2025, 4, 2),
            route=model.ReferralRoute.DUTY_TO_NOTIFY,
            types=["domestic_servitude"],
        ),
        "F": _case(5, "Romanian", d(2025, 5, 1), referred=d(2025, 5, 12)),
        "G": _case(
            6,
            "Polish",
            d(2023, 1, 10),
            referred=d(2023, 1, 12),
            decisions=[_dec(RG, POS, d(2023, 1, 16), 9), _dec(CG, POS, d(2024, 8, 1), 10)],
            status=CaseStatus.CLOSED,
            closed_on=d(2024, 10, 1),
        ),
        "H": _case(7, "British", d(2025, 3, 1), referred=d(2025, 3, 3), decisions=[h_rg], types=["criminal"]),
        "I": _case(
            8,
            "Vietnamese",
            d(2025, 7, 20),
            referred=d(2025, 7, 21),
            decisions=[_dec(RG, NEG, d(2025, 7, 25), 11)],
        ),
    }


def _letter(case: Case, decision: Decision, sent: date, response: date | None, i: int) -> LetterRecord:
    return LetterRecord(
        case_id=case.id,
        decision_id=decision.id,
        status=LetterStatus.RESPONSE_RECEIVED if response else LetterStatus.SENT,
        title=f"Reconsideration request for {case.survivor.full_name}",
        reference=f"{REFERENCE_PREFIX}L{i}",
        body_text=f"{NOTE_PREFIX}letter {i}",
        sent_on=sent,
        response_on=response,
        created_at=_at(sent),
        updated_at=_at(sent),
    )


def seed(uow: AbstractUnitOfWork) -> dict[str, Case]:
    """Add the caseload (with its letters and the advocate's 'met' mark) and commit."""
    cases = build_cases()
    with uow:
        for case in cases.values():
            uow.cases.add(case)
        b, dd, h = cases["B"], cases["D"], cases["H"]
        uow.letters.add(_letter(b, b.decisions[0], date(2025, 3, 10), date(2025, 3, 20), 1))
        uow.letters.add(_letter(dd, dd.decisions[1], date(2025, 3, 20), None, 2))
        uow.commit()
    # H: the advocate marks the reconsideration time limit met (whatever rule is in force).
    from imsa_desktop.services import deadlines

    found = deadlines.case_deadlines(uow, h.id, TODAY).deadlines
    key = next(d.key for d in found if d.deadline.rule.id.startswith("reconsideration"))
    deadlines.mark_met(uow, h.id, key, date(2025, 3, 20), today=TODAY)
    return cases
