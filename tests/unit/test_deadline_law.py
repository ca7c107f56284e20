"""The legal corrections of issue 11, checked against dates counted by hand on a calendar.

Counting words, month ends, the 12 Feb 2024 / 16 Jan 2025 / 17 Sep 2025 changes, the para
14.216 removal bar, judicial review from the original decision, and "met late".
"""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain import model
from imsa_desktop.domain.deadlines import (
    DeadlineState,
    NoHolidays,
    WindowStatus,
    add_period,
    compute_deadlines,
    deadline_notes,
    explain,
    reconsideration_window,
)
from imsa_desktop.domain.model import Case, DeadlineOverride, Decision, DecisionKind, Jurisdiction, Outcome
from imsa_desktop.domain.rules import Counting, PeriodUnit, Rule
from tests.unit.shorthand import CG, EW, NEG, NI, POS, RECON, RG, SCT, VTS

CAL = NoHolidays()


def _case(j: Jurisdiction, *decisions: Decision) -> Case:
    c = Case(survivor=model.Survivor(full_name="Trần Văn Minh"), jurisdiction=j)
    c.decisions = list(decisions)
    return c


# ---- counting words and month ends ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "counting", "expected"),
    [
        (date(2025, 1, 31), 1, "months", "after", date(2025, 2, 28)),  # 31 Jan + 1 month
        (date(2024, 1, 31), 1, "months", "after", date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), 1, "months", "beginning_with", date(2025, 2, 28)),
        (date(2024, 11, 30), 3, "months", "after", date(2025, 2, 28)),  # 30 Nov + 3 months
        (date(2023, 11, 30), 3, "months", "after", date(2024, 2, 29)),
        (date(2024, 11, 30), 3, "months", "beginning_with", date(2025, 2, 28)),
        (date(2023, 12, 1), 3, "months", "after", date(2024, 3, 1)),
        (date(2023, 12, 1), 3, "months", "beginning_with", date(2024, 2, 29)),
        (date(2025, 1, 15), 3, "months", "after", date(2025, 4, 15)),
        (date(2025, 1, 15), 3, "months", "beginning_with", date(2025, 4, 14)),
        (date(2025, 10, 1), 3, "months", "beginning_with", date(2025, 12, 31)),  # Oct, Nov, Dec
        (date(2024, 11, 29), 3, "months", "beginning_with", date(2025, 2, 28)),
        (date(2024, 11, 28), 3, "months", "beginning_with", date(2025, 2, 27)),
        (date(2025, 5, 1), 5, "working_days", "beginning_with", date(2025, 5, 7)),  # Thu 1 May is day 1
        (date(2025, 3, 3), 90, "calendar_days", "beginning_with", date(2025, 5, 31)),
        (date(2025, 3, 3), 90, "calendar_days", "after", date(2025, 6, 1)),
        (date(2025, 3, 1), 30, "calendar_days", "after", date(2025, 3, 31)),
        (date(2025, 3, 1), 30, "calendar_days", "beginning_with", date(2025, 3, 30)),
    ],
)
def test_counting_words_and_month_ends(
    start: date, amount: int, unit: str, counting: str, expected: date
) -> None:
    assert add_period(start, amount, PeriodUnit(unit), EW, CAL, Counting(counting)) == expected


def test_every_rule_with_a_period_says_how_it_counts_and_quotes_its_source(rules: list[Rule]) -> None:
    for r in rules:
        if r.period is not None:
            assert r.counting in (Counting.AFTER, Counting.BEGINNING_WITH)
            assert r.wording, r.id
    by_id = {r.id: r for r in rules}
    assert by_id["judicial_review_scotland"].counting is Counting.BEGINNING_WITH
    assert "beginning with the date on which the grounds" in by_id["judicial_review_scotland"].wording
    assert by_id["support_period_scotland_2018"].counting is Counting.BEGINNING_WITH
    assert by_id["recovery_period_ew_2023"].counting is Counting.BEGINNING_WITH
    assert by_id["judicial_review_ew"].counting is Counting.AFTER
    assert "not later than 3 months after" in by_id["judicial_review_ew"].wording
    assert "promptly" not in by_id["judicial_review_ni"].wording
    assert "promptly" in by_id["judicial_review_ni_2009"].wording


def test_guidance_versions_name_the_2025_updates(rules: list[Rule]) -> None:
    versions = {r.guidance_version for r in rules}
    assert "16 January 2025 update" in versions
    assert any(v.startswith("1 May 2025 update") for v in versions)
    assert "17 September 2025 update (para 14.216)" in versions


def test_what_is_not_confirmed_is_said_in_what_the_advocate_sees(rules: list[Rule]) -> None:
    by_id = {r.id: r for r in rules}
    d = Decision(kind=RG, outcome=POS, date=date(2025, 3, 3))
    [rec] = [
        x
        for x in compute_deadlines(_case(EW, d), rules, CAL, date(2025, 3, 3))
        if x.rule.id == "recovery_period_ew_2023"
    ]
    line = explain(rec)
    assert "to be confirmed: the words of NABA 2022 s61" in line
    assert "SI 2023/33" in by_id["recovery_period_ew_2023"].source


# ---- reconsideration windows by date ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "on", "status", "due", "version"),
    [
        (RG, date(2024, 2, 11), WindowStatus.NO_FIXED_LIMIT, None, "before the 12 February 2024 update"),
        (RG, date(2024, 2, 12), WindowStatus.DATED, date(2024, 3, 12), "12 February 2024 update (v3.7)"),
        (CG, date(2025, 1, 15), WindowStatus.DATED, date(2025, 2, 15), "12 February 2024 update (v3.7)"),
        (CG, date(2025, 1, 16), WindowStatus.DATED, date(2025, 2, 15), "16 January 2025 update"),
        (
            RG,
            date(2025, 9, 17),
            WindowStatus.DATED,
            date(2025, 10, 17),
            "17 September 2025 update (para 14.216)",
        ),
        (
            VTS,
            date(2025, 1, 15),
            WindowStatus.DATED,
            date(2025, 1, 29),
            "VTS guidance before the 16 January 2025 update",
        ),
        (
            VTS,
            date(2025, 1, 16),
            WindowStatus.DATED,
            date(2025, 2, 15),
            "VTS guidance, 16 January 2025 update",
        ),
    ],
)
def test_reconsideration_window_by_decision_date(
    rules: list[Rule], kind: DecisionKind, on: date, status: WindowStatus, due: date | None, version: str
) -> None:
    w = reconsideration_window(Decision(kind=kind, outcome=NEG, date=on), EW, rules)
    assert (w.status, w.due, w.guidance_version) == (status, due, version)
    if w.due is None:
        assert "No fixed time limit" in w.reason and "12 February 2024" in w.reason


def test_the_window_counts_from_the_letter_date_not_the_day_received(rules: list[Rule]) -> None:
    d = Decision(kind=RG, outcome=NEG, date=date(2025, 10, 1), received_on=date(2025, 10, 9))
    assert reconsideration_window(d, SCT, rules).due == date(2025, 10, 31)


def test_no_window_for_positive_undated_or_reconsideration_decisions(rules: list[Rule]) -> None:
    for d in (
        Decision(kind=RG, outcome=POS, date=date(2025, 10, 1)),
        Decision(kind=RG, outcome=None, date=date(2025, 10, 1)),
        Decision(kind=RG, outcome=NEG, date=None),
        Decision(kind=RECON, outcome=NEG, date=date(2025, 10, 1)),
    ):
        w = reconsideration_window(d, EW, rules)
        assert w.status is WindowStatus.NOT_APPLICABLE and w.due is None and w.reason


# ---- para 14.216: the removal bar from 17 September 2025 ----------------------------------------


def test_removal_bar_shows_judicial_review_instead_of_reconsideration(rules: list[Rule]) -> None:
    d = Decision(kind=RG, outcome=NEG, date=date(2025, 10, 1), removal_bar=model.RemovalBar.YES)
    case = _case(EW, d)
    ds = compute_deadlines(case, rules, CAL, date(2025, 10, 2))
    assert [x.rule.id for x in ds] == ["judicial_review_ew"]
    assert ds[0].due == date(2026, 1, 1)
    assert "para 14.216 applies" in ds[0].instead_of
    [note] = deadline_notes(case, rules)
    assert note.barred
    line = explain(note)
    assert "No reconsideration" in line and "para 14.216" in line and "Judicial review is the route" in line
    w = reconsideration_window(d, EW, rules)
    assert (w.status, w.due) == (WindowStatus.BARRED, None)
    assert "Judicial review" in w.reason


def test_removal_bar_not_known_keeps_the_date_with_a_caution(rules: list[Rule]) -> None:
    d = Decision(kind=CG, outcome=NEG, date=date(2025, 10, 1))
    assert d.removal_bar is model.RemovalBar.NOT_KNOWN
    ds = compute_deadlines(_case(NI, d), rules, CAL, date(2025, 10, 2))
    recon = next(x for x in ds if x.rule.id == "reconsideration_cg_2025")
    assert recon.due == date(2025, 10, 31) and "para 14.216" in recon.caution
    assert reconsideration_window(d, NI, rules).caution == recon.caution


def test_removal_bar_does_not_apply_before_17_september_2025(rules: list[Rule]) -> None:
    d = Decision(kind=RG, outcome=NEG, date=date(2025, 9, 16), removal_bar=model.RemovalBar.YES)
    w = reconsideration_window(d, EW, rules)
    assert (w.status, w.due) == (WindowStatus.DATED, date(2025, 10, 16))
    assert w.caution == ""


# ---- judicial review runs from the original decision as well as a refused reconsideration ----


def test_judicial_review_from_the_original_decision_and_the_refused_reconsideration(
    rules: list[Rule],
) -> None:
    rg = Decision(kind=RG, outcome=NEG, date=date(2025, 10, 1))
    recon = Decision(kind=RECON, outcome=NEG, date=date(2025, 11, 20))
    case = _case(SCT, rg, recon)
    ds = [
        x
        for x in compute_deadlines(case, rules, CAL, date(2025, 11, 21))
        if x.rule.id == "judicial_review_scotland"
    ]
    assert [(x.trigger_record_id, x.due) for x in ds] == [
        (rg.id, date(2025, 12, 31)),
        (recon.id, date(2026, 2, 19)),
    ]


def test_a_pending_reconsideration_does_not_stop_the_judicial_review_clock(rules: list[Rule]) -> None:
    rg = Decision(kind=RG, outcome=NEG, date=date(2025, 1, 15))
    pending = Decision(kind=RECON, outcome=Outcome.PENDING, date=date(2025, 2, 1))
    ds = compute_deadlines(_case(EW, rg, pending), rules, CAL, date(2025, 4, 16))
    jr = next(x for x in ds if x.rule.id == "judicial_review_ew")
    assert (jr.due, jr.state) == (date(2025, 4, 15), DeadlineState.OVERDUE)


# ---- met late, and overrides carried across a rule split ----------------------------------------


def test_a_target_met_late_says_so(rules: list[Rule]) -> None:
    case = _case(EW)
    case.referral.date = date(2025, 1, 6)
    case.decisions = [Decision(kind=RG, outcome=POS, date=date(2025, 2, 16))]
    t = next(
        x for x in compute_deadlines(case, rules, CAL, date(2025, 3, 1)) if x.rule.id == "rg_decision_target"
    )
    assert t.due == date(2025, 1, 13)
    assert t.status_text == "Met late (34 days after the target)"
    on_time = _case(EW)
    on_time.referral.date = date(2025, 1, 6)
    on_time.decisions = [Decision(kind=RG, outcome=POS, date=date(2025, 1, 13))]
    t = next(
        x
        for x in compute_deadlines(on_time, rules, CAL, date(2025, 3, 1))
        if x.rule.id == "rg_decision_target"
    )
    assert (t.status_text, t.met_late_days) == ("Met", None)


def test_an_override_saved_under_the_old_rule_id_still_applies(rules: list[Rule]) -> None:
    d = Decision(kind=RG, outcome=NEG, date=date(2025, 3, 3))
    case = _case(EW, d)
    ov = DeadlineOverride(
        case_id=case.id,
        deadline_key=f"reconsideration_rg_2024:{d.id}",
        due=date(2025, 4, 20),
        reason="Extension agreed",
    )
    recon = next(
        x
        for x in compute_deadlines(case, rules, CAL, date(2025, 3, 4), [ov])
        if x.rule.series == "reconsideration_rg"
    )
    assert recon.rule.id == "reconsideration_rg_2025_jan"
    assert (recon.computed_due, recon.due, recon.override_reason) == (
        date(2025, 4, 2),
        date(2025, 4, 20),
        "Extension agreed",
    )


def test_the_service_window_uses_the_shipped_rules() -> None:
    from imsa_desktop.services import deadlines as deadline_service

    old = Decision(kind=RG, outcome=NEG, date=date(2023, 6, 1))
    assert deadline_service.reconsideration_window(old, EW).due is None
    new = Decision(kind=CG, outcome=NEG, date=date(2025, 2, 3))
    assert deadline_service.reconsideration_window(new, EW).due == date(2025, 3, 5)


def test_a_time_limit_marked_met_after_its_date_says_late(rules: list[Rule]) -> None:
    d = Decision(kind=RG, outcome=NEG, date=date(2025, 3, 3))
    case = _case(EW, d)
    key = f"reconsideration_rg_2025_jan:{d.id}"
    ov = DeadlineOverride(case_id=case.id, deadline_key=key, met_on=date(2025, 4, 7))
    recon = next(x for x in compute_deadlines(case, rules, CAL, date(2025, 4, 8), [ov]) if x.key == key)
    assert recon.status_text == "Met late (5 days after the time limit)"
    sent = compute_deadlines(case, rules, CAL, date(2025, 4, 8), met_evidence={key: date(2025, 3, 20)})
    assert next(x for x in sent if x.key == key).status_text == "Met"


def test_legal_sources_lists_every_rule_with_its_words_and_open_points(rules: list[Rule]) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "legal-sources.md").read_text(encoding="utf-8")
    for r in rules:
        section = text.split(f"### `{r.id}`", 1)
        assert len(section) == 2, f"{r.id} is not in docs/legal-sources.md"
        body = section[1].split("### ", 1)[0]
        assert r.wording in body and "Last checked:" in body
        if r.to_be_confirmed:
            assert r.to_be_confirmed in body


def test_the_chronology_says_met_late_too(vault, clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.services import cases as case_service
    from imsa_desktop.services import timeline as timeline_service

    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Paweł Wiśniewski"},
            "referral": {"date": "2025-01-06"},
            "decisions": [{"kind": "reasonable_grounds", "outcome": "positive", "date": "2025-02-16"}],
        },
        clock=clock,
    )
    entries = timeline_service.chronology(vault.unit_of_work(), cid, date(2025, 3, 1))
    target = next(e for e in entries if e.title == "Deadline: Reasonable Grounds decision (target)")
    assert target.detail == "Met late (34 days after the target) 16 February 2025"
