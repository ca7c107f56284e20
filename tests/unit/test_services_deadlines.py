"""Deadline services: across cases, overrides with reasons, met marks (over a real temporary vault)."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain.deadlines import DeadlineState
from imsa_desktop.domain.model import CaseStatus
from imsa_desktop.errors import InvalidInput, NotFound, UnknownCase
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import deadlines as svc

TODAY = date(2025, 2, 1)


def _case(vault, name: str, decisions: list[dict], referral: str = "2025-01-06", **extra) -> str:  # type: ignore[no-untyped-def]
    doc = {"survivor": {"full_name": name}, "referral": {"date": referral}, "decisions": decisions, **extra}
    return case_service.add_case(vault.unit_of_work(), doc, today=TODAY)


NEG_RG = {"kind": "reasonable_grounds", "outcome": "negative", "date": "2025-01-20", "authority": "SCA"}


def test_negative_rg_gives_30_day_reconsideration_deadline_with_source(vault) -> None:  # type: ignore[no-untyped-def]
    cid = _case(vault, "Nguyễn Thị Hồng", [NEG_RG])
    got = svc.case_deadlines(vault.unit_of_work(), cid, TODAY)
    recon = [d for d in got.deadlines if "reconsideration" in d.deadline.rule.id]
    assert len(recon) == 1
    assert recon[0].deadline.due == date(2025, 2, 19)
    assert recon[0].deadline.state is DeadlineState.UPCOMING
    assert "Statutory Guidance" in recon[0].explanation
    assert "30 calendar days" in recon[0].explanation


def test_across_cases_within_days_keeps_overdue_and_drops_far_and_met(vault) -> None:  # type: ignore[no-untyped-def]
    a = _case(vault, "Arbër Hoxha", [NEG_RG])  # recon due 19 Feb
    b = _case(vault, "Paweł Wiśniewski", [], referral="2025-01-02")  # RG target long overdue
    rows = svc.all_deadlines(vault.unit_of_work(), TODAY, within_days=7)
    assert [(r.case_id, r.deadline.state) for r in rows] == [(b, DeadlineState.OVERDUE)]
    rows = svc.all_deadlines(vault.unit_of_work(), TODAY, within_days=30)
    assert {r.case_id for r in rows} == {a, b}
    assert rows[0].deadline.due <= rows[-1].deadline.due
    only_a = svc.all_deadlines(vault.unit_of_work(), TODAY, case_id=a)
    assert {r.case_id for r in only_a} == {a}
    with pytest.raises(InvalidInput):
        svc.all_deadlines(vault.unit_of_work(), TODAY, within_days=-1)
    with pytest.raises(UnknownCase):
        svc.all_deadlines(vault.unit_of_work(), TODAY, case_id="no-such-case")


def test_across_cases_each_case_gets_its_own_overrides_and_closed_cases_are_left_out(vault, clock) -> None:  # type: ignore[no-untyped-def]
    """The list across cases reads every case and every override in one pass each: an override
    of one case's deadline moves that case's date only, and a closed case is listed only when
    asked for."""
    a = _case(vault, "Arbër Hoxha", [NEG_RG])
    b = _case(vault, "Nguyễn Văn Minh", [NEG_RG])
    closed = _case(vault, "Agnieszka Kowalczyk", [NEG_RG])
    case = case_service.load_case(vault.unit_of_work(), closed)
    case.status = CaseStatus.CLOSED
    case_service.save_case(vault.unit_of_work(), case, clock=clock)

    def recon(cid: str) -> str:
        found = svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines
        return next(d.deadline.key for d in found if "reconsideration" in d.deadline.rule.id)

    svc.override_due(
        vault.unit_of_work(),
        a,
        recon(a),
        date(2025, 3, 3),
        "SCA agreed an extension",
        today=TODAY,
        clock=clock,
    )
    rows = svc.all_deadlines(vault.unit_of_work(), TODAY)
    due = {(r.case_id, r.deadline.key): r.deadline.due for r in rows}
    assert due[(a, recon(a))] == date(2025, 3, 3)  # overridden
    assert due[(b, recon(b))] == date(2025, 2, 19)  # the same rule, not overridden
    assert {r.case_id for r in rows} == {a, b}
    everything = svc.all_deadlines(vault.unit_of_work(), TODAY, include_closed_cases=True)
    assert closed in {r.case_id for r in everything}
    for cid in (a, b):  # the same answer as case by case
        one = svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines
        expected = {d.deadline.key: d.deadline.due for d in one if d.deadline.state is not DeadlineState.MET}
        assert expected == {k: v for (c, k), v in due.items() if c == cid}


def test_override_needs_reason_and_is_kept_and_shown(vault, clock) -> None:  # type: ignore[no-untyped-def]
    cid = _case(vault, "ሰላም ተስፋይ", [NEG_RG])
    key = next(d.key for d in svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines)
    with pytest.raises(InvalidInput, match="reason"):
        svc.override_due(vault.unit_of_work(), cid, key, date(2025, 3, 1), "  ", today=TODAY, clock=clock)
    svc.override_due(
        vault.unit_of_work(), cid, key, date(2025, 3, 1), "SCA agreed an extension", today=TODAY, clock=clock
    )
    got = svc.case_deadlines(vault.unit_of_work(), cid, TODAY)
    dl = next(d for d in got.deadlines if d.key == key)
    assert dl.deadline.due == date(2025, 3, 1)
    assert dl.deadline.overridden
    assert "SCA agreed an extension" in dl.explanation
    assert got.overrides[key].reason == "SCA agreed an extension"
    # back to the computed date
    svc.override_due(vault.unit_of_work(), cid, key, None, "", today=TODAY, clock=clock)
    dl = next(d for d in svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines if d.key == key)
    assert not dl.deadline.overridden


def test_mark_met_then_unmark_and_refuse_future_or_unknown(vault, clock) -> None:  # type: ignore[no-untyped-def]
    cid = _case(vault, "Nguyễn Thị Hồng", [NEG_RG])
    key = next(
        d.key for d in svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines if "recon" in d.key
    )
    svc.mark_met(vault.unit_of_work(), cid, key, date(2025, 1, 30), today=TODAY, clock=clock)
    dl = next(d for d in svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines if d.key == key)
    assert dl.deadline.state is DeadlineState.MET
    assert dl.deadline.met_on == date(2025, 1, 30)
    assert key not in {r.key for r in svc.all_deadlines(vault.unit_of_work(), TODAY, case_id=cid)}
    assert key in {
        r.key for r in svc.all_deadlines(vault.unit_of_work(), TODAY, case_id=cid, include_met=True)
    }
    svc.mark_met(vault.unit_of_work(), cid, key, None, today=TODAY, clock=clock)
    dl = next(d for d in svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines if d.key == key)
    assert dl.deadline.state is not DeadlineState.MET
    with pytest.raises(InvalidInput, match="future"):
        svc.mark_met(vault.unit_of_work(), cid, key, date(2025, 2, 2), today=TODAY, clock=clock)
    with pytest.raises(NotFound):
        svc.mark_met(vault.unit_of_work(), cid, "nope:nope", TODAY, today=TODAY, clock=clock)


def test_met_and_override_live_in_one_record_and_audit_has_no_case_text(vault, clock) -> None:  # type: ignore[no-untyped-def]
    cid = _case(vault, "Arbër Hoxha", [NEG_RG])
    key = next(d.key for d in svc.case_deadlines(vault.unit_of_work(), cid, TODAY).deadlines)
    svc.override_due(
        vault.unit_of_work(), cid, key, date(2025, 3, 3), "Extension by email", today=TODAY, clock=clock
    )
    svc.mark_met(vault.unit_of_work(), cid, key, date(2025, 1, 31), today=TODAY, clock=clock)
    uow = vault.unit_of_work()
    with uow:
        records = uow.overrides.for_case(cid)
        entries = uow.audit.entries(case_id=cid)
    assert len(records) == 1
    assert records[0].due == date(2025, 3, 3) and records[0].met_on == date(2025, 1, 31)
    assert all("Extension" not in e.detail and "Arbër" not in e.detail for e in entries)


def test_a_read_across_cases_gives_way_between_cases(vault) -> None:  # type: ignore[no-untyped-def]
    """In a background task the list across cases pauses after each case (services.pacing), so
    the GUI thread can paint; it yields the same answer either way."""
    from imsa_desktop.services import pacing

    for name in ("Arbër Hoxha", "Nguyễn Văn Minh", "ዳዊት ኪዳነ"):
        _case(vault, name, [NEG_RG])
    plain = svc.all_deadlines(vault.unit_of_work(), TODAY)
    pauses: list[int] = []
    with pacing.giving_way(lambda: pauses.append(1)):
        paced = svc.all_deadlines(vault.unit_of_work(), TODAY)
    assert len(pauses) == 3
    assert [(d.case_id, d.key, d.deadline.due) for d in paced] == [
        (d.case_id, d.key, d.deadline.due) for d in plain
    ]


def test_keep_chooses_deadlines_case_by_case_with_the_same_explanations(vault) -> None:  # type: ignore[no-untyped-def]
    a = _case(vault, "Arbër Hoxha", [NEG_RG])  # a reconsideration limit, upcoming
    _case(vault, "Paweł Wiśniewski", [], referral="2025-01-02")  # an overdue RG target
    every = svc.all_deadlines(vault.unit_of_work(), TODAY)
    upcoming = svc.all_deadlines(
        vault.unit_of_work(), TODAY, keep=lambda d: d.state is not DeadlineState.OVERDUE
    )
    assert {d.case_id for d in upcoming} == {a}
    assert [(d.key, d.explanation) for d in upcoming] == [
        (d.key, d.explanation) for d in every if d.deadline.state is not DeadlineState.OVERDUE
    ]
    assert "30 calendar days" in upcoming[0].explanation


def test_the_case_list_by_status_is_only_those_cases_newest_first(vault) -> None:  # type: ignore[no-untyped-def]
    a = _case(vault, "Trần Thị Mai", [])
    b = _case(vault, "Besnik Krasniqi", [])
    _case(vault, "Agnieszka Kowalczyk", [])
    for cid, reason in ((a, "no answer since March"), (b, "phone off")):
        case_service.set_status(vault.unit_of_work(), cid, CaseStatus.LOST_CONTACT, reason)
    with vault.unit_of_work() as uow:
        lost = uow.cases.summaries(status=CaseStatus.LOST_CONTACT)
        some = uow.cases.summaries([a], status=CaseStatus.LOST_CONTACT)
        none_open = uow.cases.summaries([a, b], status=CaseStatus.OPEN)
        every = uow.cases.summaries()
    assert [s.id for s in lost] == [s.id for s in every if s.status is CaseStatus.LOST_CONTACT]
    assert {s.id for s in lost} == {a, b}
    assert [s.id for s in some] == [a]
    assert none_open == []
