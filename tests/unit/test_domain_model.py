"""Case.stage for each path through the NRM, and the case's own small rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from imsa_desktop.domain.model import (
    Case,
    CaseStatus,
    Decision,
    DecisionKind,
    Outcome,
    Referral,
    ReferralRoute,
    Stage,
    Survivor,
    new_case_code,
)
from tests.unit.shorthand import CG, NEG, PENDING, PO, POS, RECON, RG


def make_case(*decisions: tuple[DecisionKind, Outcome, str], referred: str | None = "2025-01-06") -> Case:
    return Case(
        survivor=Survivor(full_name="Arbër Hoxha"),
        referral=Referral(date=date.fromisoformat(referred) if referred else None),
        decisions=[Decision(kind=k, outcome=o, date=date.fromisoformat(d)) for k, o, d in decisions],
    )


@pytest.mark.parametrize(
    ("decisions", "referred", "stage"),
    [
        ((), None, Stage.PRE_REFERRAL),
        ((), "2025-01-06", Stage.AWAITING_RG),
        (((RG, PENDING, "2025-01-20"),), "2025-01-06", Stage.AWAITING_RG),
        (((RG, NEG, "2025-01-20"),), "2025-01-06", Stage.NEGATIVE_RG),
        (((RG, POS, "2025-01-20"),), "2025-01-06", Stage.AWAITING_CG),
        (((RG, POS, "2025-01-20"), (CG, POS, "2025-09-01")), "2025-01-06", Stage.POSITIVE_CG),
        (((RG, POS, "2025-01-20"), (CG, NEG, "2025-09-01")), "2025-01-06", Stage.NEGATIVE_CG),
        # a negative RG reconsidered and overturned: now awaiting CG
        (((RG, NEG, "2025-01-20"), (RECON, POS, "2025-03-01")), "2025-01-06", Stage.AWAITING_CG),
        # reconsideration refused: still a negative RG
        (((RG, NEG, "2025-01-20"), (RECON, NEG, "2025-03-01")), "2025-01-06", Stage.NEGATIVE_RG),
        # a negative CG reconsidered and overturned: positive CG
        (
            ((RG, POS, "2025-01-20"), (CG, NEG, "2025-09-01"), (RECON, POS, "2025-11-01")),
            "2025-01-06",
            Stage.POSITIVE_CG,
        ),
        (((RG, POS, "2025-01-20"), (PO, POS, "2025-02-01")), "2025-01-06", Stage.DISQUALIFIED),
        # a public-order decision that did not disqualify changes nothing
        (((RG, POS, "2025-01-20"), (PO, NEG, "2025-02-01")), "2025-01-06", Stage.AWAITING_CG),
    ],
)
def test_stage_for_each_path(
    decisions: tuple[tuple[DecisionKind, Outcome, str], ...], referred: str | None, stage: Stage
) -> None:
    assert make_case(*decisions, referred=referred).stage is stage


def test_stage_follows_decision_dates_not_entry_order() -> None:
    case = make_case((CG, POS, "2025-09-01"), (RG, POS, "2025-01-20"))
    assert case.stage is Stage.POSITIVE_CG
    assert [d.kind for d in case.decisions_sorted()] == [RG, CG]
    assert case.latest(RG) is case.decisions[1]
    assert case.latest(RECON) is None


def test_duty_to_notify_overrides_everything() -> None:
    case = make_case((RG, POS, "2025-01-20"))
    case.referral.route = ReferralRoute.DUTY_TO_NOTIFY
    assert case.stage is Stage.DUTY_TO_NOTIFY
    assert case.stage.label == "Duty to Notify only"


def test_set_status_closes_with_reason_and_reopens(clock) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    case.set_status(CaseStatus.CLOSED, "Moved to Scotland", date(2025, 2, 1), clock)
    assert (case.status, case.status_reason, case.closed_on) == (
        CaseStatus.CLOSED,
        "Moved to Scotland",
        date(2025, 2, 1),
    )
    assert case.updated_at == clock.now
    case.set_status(CaseStatus.OPEN, "", date(2025, 3, 1), clock)
    assert case.closed_on is None


def test_display_name_and_code() -> None:
    assert (
        Survivor(full_name="Nguyễn Thị Hồng", preferred_name="Hồng").display_name()
        == "Nguyễn Thị Hồng (Hồng)"
    )
    assert Survivor(full_name="ሰላም ተስፋይ", preferred_name="ሰላም ተስፋይ").display_name() == "ሰላም ተስፋይ"
    code = new_case_code()
    assert len(code) == 7 and code[3] == "-"
    assert not set(code) & set("01OIL")


def test_decision_lookup_by_id() -> None:
    case = make_case((RG, NEG, "2025-01-20"))
    d = case.decisions[0]
    assert case.decision(d.id) is d
    assert case.decision("no-such-id") is None
    assert d.created_at.tzinfo is not None and d.created_at <= datetime.now(UTC)


def test_closing_needs_a_reason_and_a_closed_case_keeps_its_closing_day(clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.errors import InvalidInput

    case = Case(survivor=Survivor(full_name="Ahmad Al-Masri"))
    with pytest.raises(InvalidInput, match="reason for closing"):
        case.set_status(CaseStatus.CLOSED, "  ", date(2025, 2, 1), clock)
    assert case.status is CaseStatus.OPEN  # nothing changed
    case.set_status(CaseStatus.CLOSED, "Moved to Scotland", date(2025, 2, 1), clock)
    case.set_status(CaseStatus.CLOSED, "Moved to Scotland (Glasgow)", date(2025, 3, 9), clock)
    assert case.closed_on == date(2025, 2, 1) and case.status_reason == "Moved to Scotland (Glasgow)"
