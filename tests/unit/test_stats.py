"""Anonymous statistics: hand-counted figures, combining, suppression, and what an export holds.

The expected numbers are counted by hand from the caseload described in tests/stats_caseload.py.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from imsa_desktop.domain import stats as st
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import stats as stats_service
from tests import stats_caseload
from tests.stats_caseload import PERIOD, TODAY
from tests.unit.fakes import LetterFakeUnitOfWork

P = st.Period(*PERIOD)


@pytest.fixture
def uow() -> LetterFakeUnitOfWork:
    u = LetterFakeUnitOfWork()
    stats_caseload.seed(u)
    return u


def counts(uow: LetterFakeUnitOfWork, filters: st.Filters | None = None) -> st.Counts:
    return stats_service.collect(uow, P, filters or st.Filters(), TODAY)


HAND_COUNTED = {
    "cases.open_during": 8,  # A B C D E F H I (G closed before the period)
    "cases.opened": 5,  # C E F H I
    "cases.closed": 1,  # C
    "cases.open_at_end": 7,
    "cases.lost_contact": 1,  # D
    "referrals.nrm": 6,  # A B C F H I
    "referrals.duty_to_notify": 1,  # E
    "referrals.total": 7,
    "rereferral.people": 1,  # B
    "rereferral.highest": 3,  # B: first referral + 2 re-referrals
    "rg.positive": 2,  # A C
    "rg.negative": 3,  # B H I
    "rg.total": 5,
    "rg.awaiting_at_end": 1,  # F
    "rg.timed": 5,
    "rg.late": 2,  # B (24 Feb > 10 Feb), C (3 Mar > 27 Jan)
    "rg.on_time": 3,  # A H I
    "cg.positive": 1,  # A
    "cg.negative": 1,  # D
    "cg.total": 2,
    "cg.awaiting_at_end": 2,  # B (positive on reconsideration), C
    "cg.timed": 2,
    "recon.requested": 2,  # letters of B and D
    "recon.overturned": 1,  # B
    "recon.upheld": 1,  # D
    "recon.decided": 2,
    "support.recovery_started": 3,  # A, C, and B on reconsideration
    "support.move_on_started": 1,  # A
    "letters.sent": 2,
    "letters.answered": 1,  # B
    "letters.unanswered": 1,  # D
    "deadlines.total": 4,  # B D H I
    "deadlines.met": 2,  # B (letter in time), H (marked met)
    "deadlines.missed": 1,  # D (letter after the limit)
    "deadlines.not_yet_due": 1,  # I
}


def test_every_figure_matches_the_hand_count(uow: LetterFakeUnitOfWork) -> None:
    assert counts(uow).figures == HAND_COUNTED


def test_waiting_times_and_quarters_match_the_hand_count(uow: LetterFakeUnitOfWork) -> None:
    c = counts(uow)
    assert c.distributions["referral_to_rg_days"] == {4: 3, 21: 1, 42: 1}
    assert c.distributions["referral_to_cg_days"] == {134: 1, 620: 1}
    pub = st.exact(c)
    assert pub.derived["referral_to_rg_days.median"].value == 4
    assert pub.derived["referral_to_rg_days.p90"].value == 42
    assert pub.derived["referral_to_cg_days.median"].value == 377  # (134 + 620) / 2
    assert pub.derived["recon.overturn_rate"].text == "50% (1 of 2)"
    assert c.series["rg.positive"] == {"2025-Q1": 2, "2025-Q2": 0, "2025-Q3": 0}
    assert c.series["rg.negative"] == {"2025-Q1": 2, "2025-Q2": 0, "2025-Q3": 1}
    assert c.series["cg.positive"] == {"2025-Q1": 0, "2025-Q2": 1, "2025-Q3": 0}
    assert c.series["recon.overturned"] == {"2025-Q1": 0, "2025-Q2": 1, "2025-Q3": 0}


@pytest.mark.parametrize(
    ("filters", "open_during", "rg_total"),
    [
        (st.Filters(jurisdiction="scotland"), 1, 1),  # C
        (st.Filters(route="duty_to_notify"), 1, 0),  # E
        (st.Filters(age_at_exploitation="child"), 1, 1),  # C
        (st.Filters(exploitation_type="criminal"), 2, 2),  # B H
        (st.Filters(nationality_group="vietnamese"), 2, 2),  # A I
        (st.Filters(nationality_group="uk"), 1, 1),  # H ("British")
        (st.Filters(jurisdiction="england-wales", exploitation_type="labour"), 4, 2),  # A D F I
    ],
)
def test_filters_choose_the_cases(
    uow: LetterFakeUnitOfWork, filters: st.Filters, open_during: int, rg_total: int
) -> None:
    c = counts(uow, filters)
    assert (c.get("cases.open_during"), c.get("rg.total")) == (open_during, rg_total)


def test_an_unknown_filter_value_is_one_sentence() -> None:
    with pytest.raises(InvalidInput, match="jurisdiction filter must be one of"):
        st.Filters(jurisdiction="wales")
    with pytest.raises(InvalidInput, match="end of the period is before its start"):
        st.Period(date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(InvalidInput, match="at most 10 years"):
        st.Period(date(1900, 1, 1), date(2025, 1, 1))


def _export(uow: LetterFakeUnitOfWork) -> st.Export:
    return stats_service.make_export(uow, P, st.Filters(), TODAY)


def test_export_records_version_period_vault_and_schema_and_says_it_is_exact(
    uow: LetterFakeUnitOfWork,
) -> None:
    data = json.loads(stats_service.export_bytes(_export(uow), ".json"))
    assert data["schema"] == "imsa-stats/1"
    assert data["app_version"] == stats_service.app_version() != ""
    assert data["period"] == {"from": "2025-01-01", "to": "2025-09-30"}
    assert data["vault"].startswith("vault-") and len(data["vault"]) == 38
    assert data["exact_counts"] is True and "NOT suppressed" in data["notice"]
    assert data["figures"]["rg.late"] == 2
    csv_text = stats_service.export_bytes(_export(uow), ".csv").decode("utf-8-sig")
    assert "exact_counts,yes" in csv_text and "NOT suppressed" in csv_text
    assert "rg.late,RG decisions later than the target,2," in csv_text


def test_vault_id_is_stable_per_vault_and_reveals_no_key(uow: LetterFakeUnitOfWork) -> None:
    first, again = stats_service.vault_id(uow), stats_service.vault_id(uow)
    other = stats_service.vault_id(LetterFakeUnitOfWork())
    assert first == again != other
    ident = uow.settings.get("identity")
    for secret in ident.values():
        assert secret not in first and secret[-20:] not in first


def test_export_round_trips_and_other_schemas_are_refused(uow: LetterFakeUnitOfWork) -> None:
    e = _export(uow)
    data = st.export_to_dict(e)
    assert st.export_from_dict(json.loads(json.dumps(data))).counts.figures == HAND_COUNTED
    with pytest.raises(InvalidInput, match="schema imsa-stats/2"):
        st.export_from_dict({**data, "schema": "imsa-stats/2"})
    with pytest.raises(InvalidInput, match="not valid"):
        st.export_from_dict({**data, "figures": {**data["figures"], "rg.late": -1}})
    with pytest.raises(InvalidInput, match="not valid"):
        st.export_from_dict({**data, "figures": {**data["figures"], "names": 3}})


def test_the_same_vault_twice_is_refused(uow: LetterFakeUnitOfWork) -> None:
    e = _export(uow)
    with pytest.raises(InvalidInput, match="same vault"):
        st.combine([e, _export(uow)])


def test_two_vaults_add_up_exactly(uow: LetterFakeUnitOfWork) -> None:
    second = LetterFakeUnitOfWork()
    cases = stats_caseload.build_cases()
    with second:  # a colleague's vault: only B (referred 3 times) and F
        for key in ("B", "F"):
            second.cases.add(cases[key])
        second.commit()
    b = stats_service.make_export(second, P, st.Filters(), TODAY)
    assert b.counts.get("cases.open_during") == 2
    combined = st.combine([_export(uow), b]).counts
    assert combined.get("cases.open_during") == 10
    assert combined.get("rg.negative") == 4  # 3 + B
    assert combined.get("rg.awaiting_at_end") == 2  # F twice
    assert combined.get("rereferral.people") == 2
    assert combined.get("rereferral.highest") == 3  # the highest, not 3 + 3
    assert combined.get("recon.overturned") == 2
    assert combined.get("letters.sent") == 2  # the colleague's copy has no letters
    assert combined.distributions["referral_to_rg_days"] == {4: 3, 21: 2, 42: 1}
    assert combined.series["rg.negative"]["2025-Q1"] == 3
    with pytest.raises(InvalidInput, match="different periods"):
        other = stats_service.make_export(
            second, st.Period(date(2025, 1, 1), date(2025, 3, 31)), st.Filters(), TODAY
        )
        st.combine([_export(uow), other])


# ---- suppression -------------------------------------------------------------------------------


def test_primary_and_secondary_suppression_on_one_line() -> None:
    values = {"T": 20, "a": 2, "b": 8, "c": 10}
    hidden = st.suppress(values, [("T", ["a", "b", "c"])], 5)
    # a is small; b (the smallest other) is hidden too, so T - b - c cannot give a.
    assert hidden == {"a": "primary", "b": "secondary"}
    values = {"T": 12, "a": 3, "z": 0, "c": 9}
    assert st.suppress(values, [("T", ["a", "z", "c"])], 5) == {"a": "primary", "c": "secondary"}
    values = {"T": 7, "a": 7, "z": 0}  # nothing small: nothing hidden
    assert st.suppress(values, [("T", ["a", "z"])], 5) == {}
    values = {"T": 3, "a": 3, "z": 0}  # the total and its only cell are both small
    assert st.suppress(values, [("T", ["a", "z"])], 5) == {"T": "primary", "a": "primary"}


def test_secondary_suppression_follows_linked_lines() -> None:
    # T1 = x + y, and x = x1 + x2 (x appears in both lines).
    values = {"T1": 20, "x": 13, "y": 7, "x1": 6, "x2": 7, "y1": 3, "y2": 4}
    lines = [("T1", ["x", "y"]), ("x", ["x1", "x2"]), ("y", ["y1", "y2"])]
    hidden = st.suppress(values, lines, 5)
    # y1, y2 small; y is fine (two hidden cells in its line). Then nothing else needs hiding.
    assert hidden == {"y1": "primary", "y2": "primary"}
    values = {"T1": 15, "x": 13, "y": 2, "x1": 6, "x2": 7}
    hidden = st.suppress(values, [("T1", ["x", "y"]), ("x", ["x1", "x2"])], 5)
    # y small -> x hidden in the first line -> x1 hidden in the second (x = x1 + x2).
    assert hidden == {"y": "primary", "x": "secondary", "x1": "secondary"}


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.integers(min_value=0, max_value=12), min_size=2, max_size=5), hs.integers(3, 6))
def test_no_line_ever_has_exactly_one_hidden_member(cells: list[int], threshold: int) -> None:
    values = {f"c{i}": v for i, v in enumerate(cells)} | {"T": sum(cells)}
    lines = [("T", [f"c{i}" for i in range(len(cells))])]
    hidden = st.suppress(values, lines, threshold)
    members = ["T", *lines[0][1]]
    assert sum(m in hidden for m in members) != 1
    assert all(k in hidden for k, v in values.items() if 0 < v < threshold)


def _possible_values(values, leaves, lines, hidden, threshold, cap):  # type: ignore[no-untyped-def]
    """Brute force, independent of the code under test: every value each hidden cell can take
    given what the report shows (small ones 1..threshold-1, "hidden" ones anything) and the line
    sums. Enumerates the hidden leaf cells (0..cap); totals follow from their cells."""
    import itertools

    hidden_leaves = [k for k in leaves if k in hidden]
    ranges = [range(1, threshold) if hidden[k] == "primary" else range(cap + 1) for k in hidden_leaves]
    seen: dict[str, set[int]] = {k: set() for k in hidden}
    for combo in itertools.product(*ranges):
        v = {k: values[k] for k in leaves if k not in hidden} | dict(zip(hidden_leaves, combo, strict=True))
        for total, cells in reversed(lines):  # lines are listed parents first
            v[total] = sum(v[c] for c in cells)
        ok = all(
            v[k] == values[k]
            if k not in hidden
            else (1 <= v[k] < threshold if hidden[k] == "primary" else True)
            for k in values
        )
        if ok:
            for k in hidden:
                seen[k].add(v[k])
    return seen


def test_a_value_pinned_down_by_two_lines_and_fewer_than_is_hidden_further() -> None:
    # CG decisions: 21 = positive + negative; positive by quarter 4 0 8 5; negative 1 0 0 3.
    # Hiding only the small cells and one more per line would let a reader work out
    # positive = 17 (negative is 2..4 from its quarters and fewer than 5; positive = 13 + 1..4).
    values = {
        "T": 21,
        "P": 17,
        "N": 4,
        "p1": 4,
        "p2": 0,
        "p3": 8,
        "p4": 5,
        "n1": 1,
        "n2": 0,
        "n3": 0,
        "n4": 3,
    }
    lines = [("T", ["P", "N"]), ("P", ["p1", "p2", "p3", "p4"]), ("N", ["n1", "n2", "n3", "n4"])]
    hidden = st.suppress(values, lines, 5)
    assert {"p1", "N", "n1", "n4"} <= hidden.keys() and hidden["P"] == "secondary"
    leaves = ["p1", "p2", "p3", "p4", "n1", "n2", "n3", "n4"]
    possible = _possible_values(values, leaves, lines, hidden, 5, 21)
    assert all(len(v) >= 2 for v in possible.values()), possible


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.integers(min_value=0, max_value=5), min_size=4, max_size=4), hs.sampled_from([3, 5]))
def test_no_hidden_value_can_be_worked_out_in_linked_lines(cells: list[int], threshold: int) -> None:
    a1, a2, b1, b2 = cells
    values = {"T": sum(cells), "A": a1 + a2, "B": b1 + b2, "a1": a1, "a2": a2, "b1": b1, "b2": b2}
    lines = [("T", ["A", "B"]), ("A", ["a1", "a2"]), ("B", ["b1", "b2"])]
    hidden = st.suppress(values, lines, threshold)
    possible = _possible_values(values, ["a1", "a2", "b1", "b2"], lines, hidden, threshold, values["T"] + 1)
    assert all(len(v) >= 2 for v in possible.values()), (values, hidden, possible)


def test_published_report_hides_small_cells_and_what_would_reveal_them(uow: LetterFakeUnitOfWork) -> None:
    pub = st.publish(counts(uow), 5)
    cell = pub.cells
    assert cell["cases.open_during"].text == "8"
    assert cell["cases.closed"].text == "fewer than 5"  # 1
    assert cell["cases.open_at_end"].text == "hidden"  # 7 = 8 - 1 would give it away
    assert cell["cases.open_at_end"].value is None
    assert cell["rg.total"].text == "5" and cell["rg.positive"].text == "fewer than 5"
    assert cell["rg.negative"].text == "fewer than 5"
    assert cell["rereferral.highest"].text == "not shown"  # only 1 person referred more than once
    assert pub.derived["recon.overturn_rate"].text == "not shown"
    assert pub.derived["referral_to_rg_days.median"].text == "4 days"  # 5 decisions: shown
    assert pub.derived["referral_to_rg_days.p90"].text == "not shown"  # 42 days: one person's wait
    assert pub.derived["referral_to_cg_days.median"].text == "not shown"  # 2 decisions
    assert all(c.text != "0" or c.value == 0 for c in cell.values())
    # threshold 3: 1 and 2 are small, 5 is shown
    pub3 = st.publish(counts(uow), 3)
    assert pub3.cells["cases.closed"].text == "fewer than 3"
    assert pub3.cells["cases.opened"].text == "5"
    for bad in (0, 2, 1001):
        with pytest.raises(InvalidInput, match="threshold"):
            st.publish(counts(uow), bad)


def test_report_csv_shows_suppressed_cells_and_definitions(uow: LetterFakeUnitOfWork) -> None:
    report = stats_service.make_report(st.combine([_export(uow)]), 5)
    text = stats_service.report_bytes(report, ".csv").decode("utf-8-sig")
    assert "cases.closed,Cases closed,fewer than 5," in text
    assert "cases.open_at_end,Cases still open at the end,hidden," in text
    assert "rg.late" in text and "5 working days" in text
    assert "vault-" not in text  # the report names no vault


def test_docs_define_every_figure_as_the_report_does() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "statistics.md").read_text(encoding="utf-8")
    for fd in st.FIGURES:
        assert f"| {fd.label} | `{fd.key}` | {fd.definition} |" in doc, fd.key
    for key in st.DERIVED_DEFINITIONS:
        assert f"`{key}`" in doc


def test_a_time_limit_from_a_decision_before_the_period_counts_when_it_ends_in_it() -> None:
    from imsa_desktop.domain.model import Case, Decision, DecisionKind, Outcome, Referral, Survivor

    u = LetterFakeUnitOfWork()
    with u:
        for on in (date(2024, 12, 20), date(2024, 6, 1)):  # limits end ~20 January 2025 / ~1 July 2024
            u.cases.add(
                Case(
                    survivor=Survivor(full_name="Wiktoria Zielińska"),
                    referral=Referral(date=on - timedelta(days=10)),
                    decisions=[
                        Decision(kind=DecisionKind.REASONABLE_GROUNDS, outcome=Outcome.NEGATIVE, date=on)
                    ],
                )
            )
        u.commit()
    c = counts(u)
    assert (c.get("deadlines.total"), c.get("deadlines.missed")) == (1, 1)


def test_an_export_is_noted_in_the_audit_log_without_case_data(uow: LetterFakeUnitOfWork, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stats_service.export_statistics(uow, tmp_path / "s.json", P, st.Filters(), TODAY)
    entry = uow.audit.entries(action="exported")[0]
    assert entry.case_id is None
    assert entry.detail == "statistics export: counts only, 2025-01-01 to 2025-09-30"
    with pytest.raises(InvalidInput, match="must end in .json or .csv"):
        stats_service.export_statistics(uow, tmp_path / "s.txt", P, st.Filters(), TODAY)
    assert len(uow.audit.entries(action="exported")) == 1
