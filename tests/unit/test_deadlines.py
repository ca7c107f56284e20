"""The deadline engine against the shipped rules: dates an advocate would check by hand.

Every expected date below was counted on a calendar, not computed with the engine.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from imsa_desktop.domain import model
from imsa_desktop.domain.deadlines import (
    Deadline,
    DeadlineState,
    NoHolidays,
    compute_deadlines,
    deadline_notes,
    explain,
)
from imsa_desktop.domain.model import Case, DeadlineOverride, Decision, DecisionKind, Jurisdiction, Outcome
from imsa_desktop.domain.rules import Rule
from imsa_desktop.services.uk_calendar import UkHolidayCalendar
from tests.unit.shorthand import CG, EW, NEG, NI, PENDING, POS, RECON, RG, SCT, VTS

CAL = UkHolidayCalendar()
NAMES = ["Nguyễn Thị Hồng", "Arbër Hoxha", "ሰላም ተስፋይ", "Paweł Wiśniewski"]


def make_case(
    jurisdiction: Jurisdiction = EW,
    referral: date | None = None,
    decisions: tuple[tuple[DecisionKind, Outcome, date | None], ...] = (),
    name: str = NAMES[0],
) -> Case:
    case = Case(
        survivor=model.Survivor(full_name=name),
        jurisdiction=jurisdiction,
        referral=model.Referral(date=referral, first_responder="Example Council"),
    )
    case.decisions = [Decision(kind=k, outcome=o, date=d) for k, o, d in decisions]
    return case


def one(deadlines: list[Deadline], rule_id: str) -> Deadline:
    found = [d for d in deadlines if d.rule.id == rule_id]
    assert len(found) == 1, [d.rule.id for d in deadlines]
    return found[0]


# ---- every rule, in every jurisdiction it covers -----------------------------------------------

REFERRAL = "referral"
# (rule id, jurisdiction, trigger, trigger date, expected due date counted by hand)
EXPECTED: list[tuple[str, Jurisdiction, object, date, date]] = [
    ("rg_decision_target", EW, REFERRAL, date(2025, 1, 6), date(2025, 1, 13)),
    ("rg_decision_target", SCT, REFERRAL, date(2024, 12, 23), date(2025, 1, 3)),  # 2 Jan off
    ("rg_decision_target", NI, REFERRAL, date(2025, 3, 14), date(2025, 3, 24)),  # St Patrick's Day
    # Recovery period and earliest CG, either side of 13 Dec 2022 (guidance) and 30 Jan 2023
    # (NABA s61 / MSA s50A in force: "30 days beginning with" the RG day, so one day earlier).
    ("earliest_cg_2009", EW, (RG, POS), date(2022, 12, 12), date(2023, 1, 26)),
    ("earliest_cg_2022", EW, (RG, POS), date(2022, 12, 13), date(2023, 1, 12)),
    ("earliest_cg_2022", EW, (RG, POS), date(2023, 1, 29), date(2023, 2, 28)),
    ("earliest_cg_2023", EW, (RG, POS), date(2023, 1, 30), date(2023, 2, 28)),
    ("earliest_cg_2023", EW, (RG, POS), date(2025, 3, 3), date(2025, 4, 1)),
    ("recovery_period_ew_2009", EW, (RG, POS), date(2022, 12, 12), date(2023, 1, 26)),
    ("recovery_period_ew_2022", EW, (RG, POS), date(2022, 12, 13), date(2023, 1, 12)),
    ("recovery_period_ew_2022", EW, (RG, POS), date(2023, 1, 29), date(2023, 2, 28)),
    ("recovery_period_ew_2023", EW, (RG, POS), date(2023, 1, 30), date(2023, 2, 28)),
    ("recovery_period_ew_2023", EW, (RG, POS), date(2025, 3, 3), date(2025, 4, 1)),
    # Scotland: the period "begins on the date" of the RG (day 1) and lasts 90 days.
    ("support_period_scotland_2018", SCT, (RG, POS), date(2025, 3, 3), date(2025, 5, 31)),
    ("support_period_scotland_2018", SCT, (RG, POS), date(2018, 4, 1), date(2018, 6, 29)),
    ("support_period_ni_2015", NI, (RG, POS), date(2025, 3, 3), date(2025, 4, 17)),
    ("move_on_ew_2019", EW, (CG, POS), date(2025, 12, 1), date(2026, 1, 15)),
    # Reconsideration: one month from 12 Feb 2024, 30 calendar days from 16 Jan 2025.
    *[("reconsideration_rg_2024", j, (RG, NEG), date(2024, 2, 12), date(2024, 3, 12)) for j in (EW, SCT, NI)],
    *[("reconsideration_rg_2024", j, (RG, NEG), date(2025, 1, 15), date(2025, 2, 15)) for j in (EW, SCT, NI)],
    ("reconsideration_rg_2024", EW, (RG, NEG), date(2024, 10, 31), date(2024, 11, 30)),  # month end
    *[
        ("reconsideration_rg_2025_jan", j, (RG, NEG), date(2025, 1, 16), date(2025, 2, 15))
        for j in (EW, SCT, NI)
    ],
    ("reconsideration_rg_2025_jan", EW, (RG, NEG), date(2025, 1, 31), date(2025, 3, 2)),
    *[
        ("reconsideration_rg_2025_may", j, (RG, NEG), date(2025, 5, 1), date(2025, 5, 31))
        for j in (EW, SCT, NI)
    ],
    ("reconsideration_rg_2025_may", SCT, (RG, NEG), date(2025, 9, 16), date(2025, 10, 16)),
    *[
        ("reconsideration_rg_2025", j, (RG, NEG), date(2025, 9, 17), date(2025, 10, 17))
        for j in (EW, SCT, NI)
    ],
    *[("reconsideration_cg_2024", j, (CG, NEG), date(2024, 2, 12), date(2024, 3, 12)) for j in (EW, SCT, NI)],
    ("reconsideration_cg_2024", NI, (CG, NEG), date(2025, 1, 15), date(2025, 2, 15)),
    *[
        ("reconsideration_cg_2025_jan", j, (CG, NEG), date(2025, 1, 20), date(2025, 2, 19))
        for j in (EW, SCT, NI)
    ],
    *[
        ("reconsideration_cg_2025_may", j, (CG, NEG), date(2025, 6, 30), date(2025, 7, 30))
        for j in (EW, SCT, NI)
    ],
    *[
        ("reconsideration_cg_2025", j, (CG, NEG), date(2025, 10, 1), date(2025, 10, 31))
        for j in (EW, SCT, NI)
    ],
    # VTS: 14 days until 15 Jan 2025, 30 calendar days from 16 Jan 2025.
    *[
        ("vts_reconsideration_2023", j, (VTS, NEG), date(2025, 1, 15), date(2025, 1, 29))
        for j in (EW, SCT, NI)
    ],
    *[
        ("vts_reconsideration_2025", j, (VTS, NEG), date(2025, 1, 16), date(2025, 2, 15))
        for j in (EW, SCT, NI)
    ],
    # Judicial review from the negative RG or CG itself and from a refused reconsideration.
    ("judicial_review_ew", EW, (RECON, NEG), date(2023, 11, 30), date(2024, 2, 29)),  # 30 Nov + 3 months
    ("judicial_review_ew", EW, (CG, NEG), date(2025, 11, 30), date(2026, 2, 28)),
    ("judicial_review_ew", EW, (RG, NEG), date(2025, 1, 15), date(2025, 4, 15)),
    ("judicial_review_ew", EW, (RG, NEG), date(2023, 12, 1), date(2024, 3, 1)),
    # Scotland, "3 months beginning with": one day earlier than England & Wales.
    ("judicial_review_scotland", SCT, (RG, NEG), date(2025, 1, 15), date(2025, 4, 14)),
    ("judicial_review_scotland", SCT, (RECON, NEG), date(2024, 11, 30), date(2025, 2, 28)),
    ("judicial_review_scotland", SCT, (CG, NEG), date(2023, 12, 1), date(2024, 2, 29)),
    # Northern Ireland, either side of 8 Jan 2018 ("promptly" removed).
    ("judicial_review_ni_2009", NI, (CG, NEG), date(2018, 1, 7), date(2018, 4, 7)),
    ("judicial_review_ni", NI, (RG, NEG), date(2018, 1, 8), date(2018, 4, 8)),
    ("judicial_review_ni", NI, (RECON, NEG), date(2025, 1, 31), date(2025, 4, 30)),  # 31 Jan + 3 months
]
NO_FIXED = [
    *[("reconsideration_rg_before_2024", j, (RG, NEG), date(2024, 2, 11)) for j in (EW, SCT, NI)],
    *[("reconsideration_cg_before_2024", j, (CG, NEG), date(2023, 6, 1)) for j in (EW, SCT, NI)],
]


def _case_for(j: Jurisdiction, trigger: object, on: date) -> Case:
    if trigger == REFERRAL:
        return make_case(j, referral=on)
    assert isinstance(trigger, tuple)
    kind, outcome = trigger
    return make_case(j, decisions=((kind, outcome, on),))


@pytest.mark.parametrize(("rule_id", "j", "trigger", "on", "due"), EXPECTED)
def test_each_rule_gives_the_hand_counted_date(
    rules: list[Rule], rule_id: str, j: Jurisdiction, trigger: object, on: date, due: date
) -> None:
    case = _case_for(j, trigger, on)
    d = one(compute_deadlines(case, rules, CAL, today=on), rule_id)
    assert d.due == d.computed_due == due
    assert d.key == f"{rule_id}:{case.id if trigger == REFERRAL else case.decisions[0].id}"
    assert d.case_id == case.id


@pytest.mark.parametrize(("rule_id", "j", "trigger", "on"), NO_FIXED)
def test_before_12_february_2024_no_reconsideration_date_is_invented(
    rules: list[Rule], rule_id: str, j: Jurisdiction, trigger: object, on: date
) -> None:
    case = _case_for(j, trigger, on)
    # Only the judicial review limit is dated; nothing about reconsideration.
    assert all(
        d.rule.series.startswith("judicial_review") for d in compute_deadlines(case, rules, CAL, today=on)
    )
    [note] = deadline_notes(case, rules)
    assert note.rule.id == rule_id and not note.closed
    line = explain(note)
    assert line.startswith("No fixed time limit applied to the negative")
    assert "until 11 February 2024" in line


def test_every_shipped_rule_is_covered_in_every_jurisdiction_it_names(rules: list[Rule]) -> None:
    covered = {(r, j) for r, j, *_ in EXPECTED} | {(r, j) for r, j, *_ in NO_FIXED}
    wanted = {(r.id, j) for r in rules for j in r.jurisdictions}
    assert covered == wanted


@pytest.mark.parametrize(
    ("j", "expected"),
    [
        (EW, {"recovery_period_ew_2023", "earliest_cg_2023"}),
        (SCT, {"support_period_scotland_2018"}),
        (NI, {"support_period_ni_2015"}),
    ],
)
def test_a_positive_rg_gives_only_that_jurisdictions_periods(
    rules: list[Rule], j: Jurisdiction, expected: set[str]
) -> None:
    case = make_case(j, decisions=((RG, POS, date(2025, 3, 3)),))
    assert {d.rule.id for d in compute_deadlines(case, rules, CAL, today=date(2025, 3, 3))} == expected


# ---- the dated policy changes -------------------------------------------------------------------


def test_the_12_february_2024_change(rules: list[Rule]) -> None:
    before = make_case(decisions=((RG, NEG, date(2024, 2, 11)),))
    on = make_case(decisions=((RG, NEG, date(2024, 2, 12)),))
    assert [d.rule.id for d in compute_deadlines(before, rules, CAL, today=date(2024, 2, 20))] == [
        "judicial_review_ew"
    ]
    assert [n.rule.id for n in deadline_notes(before, rules)] == ["reconsideration_rg_before_2024"]
    d = one(compute_deadlines(on, rules, CAL, today=date(2024, 2, 20)), "reconsideration_rg_2024")
    assert d.due == date(2024, 3, 12)  # "within one month of": 12 February + 1 month
    assert deadline_notes(on, rules) == []


def test_the_13_december_2022_recovery_period_change(rules: list[Rule]) -> None:
    old = make_case(decisions=((RG, POS, date(2022, 12, 12)),))
    new = make_case(decisions=((RG, POS, date(2022, 12, 13)),))
    today = date(2022, 12, 20)
    assert one(compute_deadlines(old, rules, CAL, today), "recovery_period_ew_2009").due == date(2023, 1, 26)
    assert one(compute_deadlines(new, rules, CAL, today), "recovery_period_ew_2022").due == date(2023, 1, 12)


# ---- a whole case, and when deadlines count as met ------------------------------------------------


def test_a_case_through_negative_rg_reconsideration_and_positive_cg(rules: list[Rule]) -> None:
    decided = ((RG, NEG, date(2025, 1, 20)), (RECON, POS, date(2025, 3, 10)), (CG, POS, date(2025, 12, 1)))
    case = make_case(EW, referral=date(2025, 1, 6), decisions=decided, name=NAMES[1])
    ds = compute_deadlines(case, rules, CAL, today=date(2025, 12, 10))
    assert [(d.rule.id, d.due, d.state) for d in ds] == [
        ("rg_decision_target", date(2025, 1, 13), DeadlineState.MET),
        ("reconsideration_rg_2025_jan", date(2025, 2, 19), DeadlineState.MET),
        ("earliest_cg_2023", date(2025, 4, 8), DeadlineState.MET),
        ("recovery_period_ew_2023", date(2025, 4, 8), DeadlineState.MET),
        ("judicial_review_ew", date(2025, 4, 20), DeadlineState.MET),
        ("move_on_ew_2019", date(2026, 1, 15), DeadlineState.UPCOMING),
    ]
    target = one(ds, "rg_decision_target")
    assert target.met_on == date(2025, 1, 20)  # decided a week after the 5-working-day target
    assert target.met_late_days == 7
    assert target.status_text == "Met late (7 days after the target)"
    recon = one(ds, "reconsideration_rg_2025_jan")
    assert recon.met_on == date(2025, 3, 10) and "Reconsideration decision" in recon.met_note
    # Closed by the reconsideration decision: its date is not when the request was sent, so not "late".
    assert recon.met_late_days is None and recon.status_text == "Met"
    assert "on reconsideration" in one(ds, "recovery_period_ew_2023").trigger_description
    assert one(ds, "earliest_cg_2023").met_on == date(2025, 12, 1)
    assert one(ds, "recovery_period_ew_2023").met_note == "The period ended on 8 April 2025."
    assert one(ds, "recovery_period_ew_2023").met_late_days is None  # a minimum period is never "late"
    jr = one(ds, "judicial_review_ew")  # from the negative RG; closed by the positive reconsideration
    assert jr.met_on == date(2025, 3, 10) and jr.status_text == "Met"


def test_a_pending_reconsideration_closes_the_request_deadline_even_after_it_passed(
    rules: list[Rule],
) -> None:
    case = make_case(decisions=((RG, NEG, date(2025, 1, 20)), (RECON, PENDING, date(2025, 2, 14))))
    d = one(compute_deadlines(case, rules, CAL, today=date(2025, 6, 1)), "reconsideration_rg_2025_jan")
    assert d.state is DeadlineState.MET
    assert d.met_on == date(2025, 2, 14)


def test_a_reconsideration_before_the_negative_decision_does_not_close_it(rules: list[Rule]) -> None:
    case = make_case(decisions=((RECON, PENDING, date(2025, 1, 1)), (RG, NEG, date(2025, 1, 20))))
    d = one(compute_deadlines(case, rules, CAL, today=date(2025, 6, 1)), "reconsideration_rg_2025_jan")
    assert d.state is DeadlineState.OVERDUE


def test_refused_reconsideration_of_a_cg_starts_the_judicial_review_clock(rules: list[Rule]) -> None:
    decided = ((RG, POS, date(2024, 3, 1)), (CG, NEG, date(2024, 10, 1)), (RECON, NEG, date(2024, 12, 2)))
    case = make_case(NI, decisions=decided, name=NAMES[2])
    ds = compute_deadlines(case, rules, CAL, today=date(2025, 2, 25))
    cg_id, recon_id = case.decisions[1].id, case.decisions[2].id
    jr = {d.trigger_record_id: d for d in ds if d.rule.id == "judicial_review_ni"}
    assert (jr[recon_id].due, jr[recon_id].state) == (date(2025, 3, 2), DeadlineState.DUE_SOON)
    # JR from the negative CG itself ran out: the pending reconsideration did not stop it.
    assert (jr[cg_id].due, jr[cg_id].state) == (date(2025, 1, 1), DeadlineState.OVERDUE)
    assert one(ds, "reconsideration_cg_2024").state is DeadlineState.MET
    # A later positive decision (the authority changed its mind) closes the JR backstop.
    case.decisions.append(Decision(kind=CG, outcome=POS, date=date(2025, 2, 20)))
    ds = compute_deadlines(case, rules, CAL, today=date(2025, 2, 25))
    jr = {d.trigger_record_id: d for d in ds if d.rule.id == "judicial_review_ni"}
    assert jr[recon_id].state is DeadlineState.MET and jr[recon_id].met_on == date(2025, 2, 20)


def test_positive_reconsideration_after_a_cg_counts_as_a_positive_cg(rules: list[Rule]) -> None:
    case = make_case(decisions=((CG, NEG, date(2025, 1, 20)), (RECON, POS, date(2025, 4, 1))))
    move_on = one(compute_deadlines(case, rules, CAL, today=date(2025, 4, 2)), "move_on_ew_2019")
    assert move_on.due == date(2025, 5, 16)
    assert move_on.trigger_description == "the positive CG on reconsideration of 1 April 2025"


def test_duty_to_notify_and_undated_or_pending_decisions_give_no_deadlines(rules: list[Rule]) -> None:
    case = make_case(referral=date(2025, 1, 6), decisions=((RG, PENDING, date(2025, 1, 8)), (RG, NEG, None)))
    case.referral.route = model.ReferralRoute.DUTY_TO_NOTIFY
    assert compute_deadlines(case, rules, CAL, today=date(2025, 1, 8)) == []


def test_positive_vts_decision_gives_no_reconsideration_deadline(rules: list[Rule]) -> None:
    case = make_case(SCT, decisions=((VTS, POS, date(2025, 4, 15)),))
    assert compute_deadlines(case, rules, CAL, today=date(2025, 4, 15)) == []


# ---- states with an injected today ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state", "days_left"),
    [
        (date(2025, 2, 1), DeadlineState.UPCOMING, 18),
        (date(2025, 2, 11), DeadlineState.UPCOMING, 8),
        (date(2025, 2, 12), DeadlineState.DUE_SOON, 7),
        (date(2025, 2, 19), DeadlineState.DUE_SOON, 0),
        (date(2025, 2, 20), DeadlineState.OVERDUE, -1),
    ],
)
def test_states_follow_today(rules: list[Rule], today: date, state: DeadlineState, days_left: int) -> None:
    case = make_case(decisions=((RG, NEG, date(2025, 1, 20)),), name=NAMES[3])
    d = one(compute_deadlines(case, rules, CAL, today=today), "reconsideration_rg_2025_jan")
    assert (d.state, d.days_left(today), d.met_on) == (state, days_left, None)


def test_due_soon_window_is_adjustable(rules: list[Rule]) -> None:
    case = make_case(decisions=((RG, NEG, date(2025, 1, 20)),))
    d = one(
        compute_deadlines(case, rules, CAL, date(2025, 2, 5), due_soon_days=14), "reconsideration_rg_2025_jan"
    )
    assert d.state is DeadlineState.DUE_SOON


def test_a_minimum_period_is_never_overdue(rules: list[Rule]) -> None:
    case = make_case(SCT, decisions=((RG, POS, date(2025, 3, 3)),))
    during = one(compute_deadlines(case, rules, CAL, date(2025, 5, 28)), "support_period_scotland_2018")
    after = one(compute_deadlines(case, rules, CAL, date(2025, 6, 2)), "support_period_scotland_2018")
    assert during.state is DeadlineState.DUE_SOON
    assert (after.state, after.met_on) == (DeadlineState.MET, date(2025, 5, 31))


def test_scottish_support_ends_early_at_the_cg_decision(rules: list[Rule]) -> None:
    case = make_case(SCT, decisions=((RG, POS, date(2025, 3, 3)), (CG, POS, date(2025, 5, 2))))
    d = one(compute_deadlines(case, rules, CAL, date(2025, 5, 3)), "support_period_scotland_2018")
    assert (d.state, d.met_on) == (DeadlineState.MET, date(2025, 5, 2))


def test_rg_target_is_overdue_while_no_rg_decision_exists(rules: list[Rule]) -> None:
    case = make_case(referral=date(2025, 1, 6))
    d = one(compute_deadlines(case, rules, CAL, today=date(2025, 1, 20)), "rg_decision_target")
    assert d.state is DeadlineState.OVERDUE


# ---- overrides --------------------------------------------------------------------------------------


def _override(case: Case, key: str, **kw: object) -> DeadlineOverride:
    return DeadlineOverride(case_id=case.id, deadline_key=key, **kw)  # type: ignore[arg-type]


def test_override_moves_the_date_and_keeps_the_reason(rules: list[Rule]) -> None:
    case = make_case(decisions=((RG, NEG, date(2025, 1, 20)),))
    key = f"reconsideration_rg_2025_jan:{case.decisions[0].id}"
    ov = _override(case, key, due=date(2025, 3, 5), reason="Extension agreed by the SCA by email")
    d = one(compute_deadlines(case, rules, CAL, date(2025, 2, 26), [ov]), "reconsideration_rg_2025_jan")
    assert (d.computed_due, d.due, d.state) == (date(2025, 2, 19), date(2025, 3, 5), DeadlineState.DUE_SOON)
    assert d.overridden and d.override_reason == "Extension agreed by the SCA by email"
    assert "changed by the advocate from 19 February 2025: Extension agreed by the SCA by email" in explain(d)


def test_override_marks_met_and_only_the_newest_for_this_case_counts(rules: list[Rule]) -> None:
    case = make_case(decisions=((RG, NEG, date(2025, 1, 20)),))
    key = f"reconsideration_rg_2025_jan:{case.decisions[0].id}"
    old = _override(case, key, met_on=date(2025, 2, 1), reason="sent")
    old.updated_at = datetime(2025, 2, 1, tzinfo=UTC)
    newer = _override(case, key, due=date(2025, 3, 1), reason="Extension agreed")
    newer.updated_at = datetime(2025, 2, 10, tzinfo=UTC)
    elsewhere = DeadlineOverride(case_id="another-case", deadline_key=key, met_on=date(2025, 2, 2))
    today = date(2025, 3, 2)
    d = one(
        compute_deadlines(case, rules, CAL, today, [newer, elsewhere, old]), "reconsideration_rg_2025_jan"
    )
    assert (d.due, d.state) == (date(2025, 3, 1), DeadlineState.OVERDUE)
    met = _override(case, key, met_on=date(2025, 2, 14), reason="Request emailed to the SCA")
    met.updated_at = datetime(2025, 2, 15, tzinfo=UTC)
    d = one(compute_deadlines(case, rules, CAL, today, [newer, met]), "reconsideration_rg_2025_jan")
    assert (d.state, d.met_on, d.met_note) == (
        DeadlineState.MET,
        date(2025, 2, 14),
        "Marked met by the advocate.",
    )


def test_met_evidence_from_other_records_marks_met(rules: list[Rule]) -> None:
    case = make_case(decisions=((RG, NEG, date(2025, 1, 20)),))
    key = f"reconsideration_rg_2025_jan:{case.decisions[0].id}"
    d = one(
        compute_deadlines(case, rules, CAL, date(2025, 3, 1), met_evidence={key: date(2025, 2, 17)}),
        "reconsideration_rg_2025_jan",
    )
    assert (d.state, d.met_on) == (DeadlineState.MET, date(2025, 2, 17))


# ---- explanations -----------------------------------------------------------------------------------


def test_explain_gives_period_trigger_source_and_start(rules: list[Rule]) -> None:
    case = make_case(referral=date(2025, 1, 6), decisions=((RG, NEG, date(2025, 1, 20)),))
    ds = compute_deadlines(case, rules, CAL, today=date(2025, 1, 21))
    recon = explain(one(ds, "reconsideration_rg_2025_jan"))
    assert recon.startswith("30 calendar days after the negative RG of 20 January 2025; ")
    assert "16 January 2025 update" in recon and "within 30 calendar days of the negative" in recon
    assert "in force since 16 January 2025; to be confirmed: the version number" in recon
    target = explain(one(ds, "rg_decision_target"))
    assert target.startswith("Target of 5 working days after the referral of 6 January 2025 (weekends and ")
    assert "England & Wales bank holidays skipped" in target
    jr_case = make_case(decisions=((RECON, NEG, date(2025, 1, 31)),))
    jr = explain(one(compute_deadlines(jr_case, rules, CAL, date(2025, 2, 1)), "judicial_review_ew"))
    assert jr.startswith(
        "3 months after the refused reconsideration of 31 January 2025; Civil Procedure Rules"
    )
    assert "\n" not in recon + target + jr


def test_weekends_only_calendar_can_be_injected(rules: list[Rule]) -> None:
    case = make_case(referral=date(2024, 12, 23))
    d = one(compute_deadlines(case, rules, NoHolidays(), today=date(2024, 12, 23)), "rg_decision_target")
    assert d.due == date(2024, 12, 30)
