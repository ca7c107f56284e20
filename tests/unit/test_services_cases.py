"""Case use cases against the in-memory unit of work: what is saved, stamped and audited."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

import pytest

from imsa_desktop.domain.consent import ConsentPurpose
from imsa_desktop.domain.model import (
    Case,
    CaseStatus,
    ConsentRecord,
    Decision,
    DecisionKind,
    Outcome,
    Stage,
    Survivor,
)
from imsa_desktop.errors import InvalidInput, NotFound, UnknownCase
from imsa_desktop.services import cases
from tests.conftest import FIXED_NOW, FixedClock
from tests.unit.fakes import CONTRACT_DOCUMENT_JSON, FakeUnitOfWork


def contract() -> dict[str, Any]:
    return json.loads(CONTRACT_DOCUMENT_JSON)  # type: ignore[no-any-return]


@pytest.fixture
def uow(clock: FixedClock) -> FakeUnitOfWork:
    return FakeUnitOfWork(clock=clock)


@pytest.fixture
def case_id(uow: FakeUnitOfWork, clock: FixedClock) -> str:
    return cases.add_case(uow, contract(), clock=clock)


def test_fake_keeps_nothing_without_commit() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.cases.add(Case(survivor=Survivor(full_name="Arbër Hoxha")))
    assert uow.cases.summaries() == [] and uow.committed == 0
    with uow:
        uow.cases.add(Case(survivor=Survivor(full_name="Arbër Hoxha")))
        uow.commit()
    assert [s.display_name for s in uow.cases.summaries()] == ["Arbër Hoxha"]


def test_add_then_show(uow: FakeUnitOfWork, case_id: str) -> None:
    doc = cases.show_case(uow, case_id)
    assert doc["id"] == case_id
    assert doc["survivor"]["full_name"] == "Nguyễn Thị Hồng"
    assert doc["created_at"] == doc["updated_at"] == FIXED_NOW.isoformat()
    assert [e["title"] for e in doc["events"]] == ["Recruited with a false job offer"]
    assert len(doc["appointments"]) == 1 and len(doc["evidence"]) == 1
    actions = [(e.action, e.case_id) for e in uow.audit.entries()]
    assert actions == [("viewed", case_id), ("created", case_id)]
    for e in uow.audit.entries():  # the audit log never holds case text
        assert "Nguy" not in e.detail and "GP letter" not in e.detail


def test_every_new_record_gets_the_clocks_stamp(uow: FakeUnitOfWork, case_id: str) -> None:
    doc = cases.show_case(uow, case_id, audit=False)
    for rec in [doc, *doc["decisions"], *doc["events"], *doc["appointments"], *doc["evidence"]]:
        assert rec["created_at"] == rec["updated_at"] == FIXED_NOW.isoformat()


def test_show_unknown_case(uow: FakeUnitOfWork) -> None:
    with pytest.raises(UnknownCase):
        cases.show_case(uow, "no-such-case")


def test_update_merges_and_restamps_only_what_changed(
    uow: FakeUnitOfWork, case_id: str, clock: FixedClock
) -> None:
    before = cases.show_case(uow, case_id, audit=False)
    dec_id, ev_id = before["decisions"][0]["id"], before["events"][0]["id"]
    clock.advance(days=3)
    later = clock.now.isoformat()
    cases.update_case(
        uow,
        case_id,
        {
            "decisions": [{"id": dec_id, "outcome": "positive"}],
            "evidence": [{"title": "Solicitor's statement", "date_obtained": "2025-02-02"}],
        },
        clock=clock,
    )
    after = cases.show_case(uow, case_id, audit=False)
    assert after["decisions"][0]["outcome"] == "positive"
    assert after["decisions"][0]["updated_at"] == later  # changed
    assert after["decisions"][0]["created_at"] == FIXED_NOW.isoformat()
    assert after["events"][0]["id"] == ev_id
    assert after["events"][0]["updated_at"] == FIXED_NOW.isoformat()  # unchanged keeps its stamp
    assert after["appointments"][0]["updated_at"] == FIXED_NOW.isoformat()
    assert after["survivor"]["full_name"] == "Nguyễn Thị Hồng"
    titles = sorted(e["title"] for e in after["evidence"])
    assert titles == ["GP letter", "Solicitor's statement"]
    new = next(e for e in after["evidence"] if e["title"] == "Solicitor's statement")
    assert new["created_at"] == new["updated_at"] == later
    assert uow.cases.get(case_id).stage is Stage.AWAITING_CG
    assert uow.audit.entries(action="changed")[0].detail == "records changed=2"


def test_update_with_nothing_new_keeps_every_stamp(
    uow: FakeUnitOfWork, case_id: str, clock: FixedClock
) -> None:
    before = cases.show_case(uow, case_id, audit=False)
    clock.advance(hours=1)
    cases.update_case(uow, case_id, {"survivor": {"nationality": "Vietnamese"}}, clock=clock)
    assert cases.show_case(uow, case_id, audit=False) == before


@pytest.mark.parametrize(
    "partial",
    [
        {"decisions": [{"kind": "conclusive_grounds", "date": "2025-02-30"}]},
        {"survivor": {"favourite_colour": "blue"}},
        {"events": [{"date": "2025-13", "title": "x"}]},
        {"id": "someone-else"},
    ],
)
def test_a_failing_update_changes_nothing(
    uow: FakeUnitOfWork, case_id: str, clock: FixedClock, partial: dict[str, Any]
) -> None:
    snap = uow.snapshot()
    clock.advance(days=1)
    with pytest.raises(InvalidInput):
        cases.update_case(uow, case_id, partial, clock=clock)
    assert uow.snapshot() == snap


def test_update_unknown_case(uow: FakeUnitOfWork) -> None:
    with pytest.raises(UnknownCase):
        cases.update_case(uow, "nope", {"jurisdiction": "scotland"})


def test_add_refuses_an_id_already_in_the_vault(uow: FakeUnitOfWork, case_id: str, clock: FixedClock) -> None:
    snap = uow.snapshot()
    doc = contract()
    doc["id"] = case_id
    with pytest.raises(InvalidInput, match="already exists"):
        cases.add_case(uow, doc, clock=clock)
    assert uow.snapshot() == snap


def test_add_invalid_document_saves_nothing(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    doc = contract()
    doc["appointments"][0]["start"] = "2025-02-30T10:00"
    with pytest.raises(InvalidInput, match="not a real date and time"):
        cases.add_case(uow, doc, clock=clock)
    assert uow.snapshot()["cases"] == {} and uow.committed == 0


def test_closing_requires_a_reason(uow: FakeUnitOfWork, case_id: str, clock: FixedClock) -> None:
    snap = uow.snapshot()
    with pytest.raises(InvalidInput, match="reason for closing"):
        cases.set_status(uow, case_id, CaseStatus.CLOSED, "   ", clock=clock)
    assert uow.snapshot() == snap
    clock.advance(days=10)
    cases.set_status(uow, case_id, CaseStatus.CLOSED, " Support ended ", clock=clock)
    case = cases.load_case(uow, case_id)
    assert case.status is CaseStatus.CLOSED and case.status_reason == "Support ended"
    assert case.closed_on == date(2025, 2, 11) and case.updated_at == clock.now
    cases.set_status(uow, case_id, CaseStatus.LOST_CONTACT, "", clock=clock)  # no reason needed
    assert cases.load_case(uow, case_id).closed_on is None


def test_upsert_decision_adds_then_replaces(uow: FakeUnitOfWork, case_id: str, clock: FixedClock) -> None:
    clock.advance(days=1)
    cg = Decision(kind=DecisionKind.CONCLUSIVE_GROUNDS, outcome=Outcome.PENDING)
    cases.upsert_decision(uow, case_id, cg, clock=clock)
    case = cases.load_case(uow, case_id)
    stored = case.decision(cg.id)
    assert stored is not None and stored.created_at == stored.updated_at == clock.now
    assert case.updated_at == clock.now
    first_stamp = clock.now
    clock.advance(days=30)
    cases.upsert_decision(
        uow,
        case_id,
        dataclasses.replace(stored, outcome=Outcome.POSITIVE, date=date(2025, 3, 3)),
        clock=clock,
    )
    case = cases.load_case(uow, case_id)
    assert len(case.decisions) == 2
    stored = case.decision(cg.id)
    assert stored is not None and stored.outcome is Outcome.POSITIVE
    assert stored.created_at == first_stamp and stored.updated_at == clock.now
    assert case.stage is Stage.POSITIVE_CG
    rg = case.latest(DecisionKind.REASONABLE_GROUNDS)
    assert rg is not None and rg.updated_at == FIXED_NOW  # the other decision kept its stamp


def test_delete_decision(uow: FakeUnitOfWork, case_id: str, clock: FixedClock) -> None:
    snap = uow.snapshot()
    with pytest.raises(NotFound):
        cases.delete_decision(uow, case_id, "no-such-decision", clock=clock)
    assert uow.snapshot() == snap
    dec_id = cases.load_case(uow, case_id).decisions[0].id
    cases.delete_decision(uow, case_id, dec_id, clock=clock)
    assert cases.load_case(uow, case_id).decisions == []


def test_add_consent_is_stamped(uow: FakeUnitOfWork, case_id: str, clock: FixedClock) -> None:
    clock.advance(minutes=5)
    gp = ConsentRecord(purpose=ConsentPurpose.SHARE_HEALTH, date=date(2025, 2, 1), scope=["case"])
    cases.add_consent(uow, case_id, gp, clock=clock)
    (c,) = cases.load_case(uow, case_id).consents
    assert c.purpose is ConsentPurpose.SHARE_HEALTH and c.created_at == clock.now
    assert "consent recorded: share_health" in [e.detail for e in uow.audit.entries(case_id=case_id)]


def test_withdrawing_consent_keeps_the_record_and_ends_it(
    uow: FakeUnitOfWork, case_id: str, clock: FixedClock
) -> None:
    c = ConsentRecord(purpose=ConsentPurpose.SHARE_ADVOCATE, date=date(2025, 1, 10))
    cases.add_consent(uow, case_id, c, clock=clock)
    assert cases.load_case(uow, case_id).consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 2, 1))
    cases.withdraw_consent(uow, case_id, c.id, date(2025, 2, 1), clock=clock)
    case = cases.load_case(uow, case_id)
    assert case.consents[0].withdrawn_on == date(2025, 2, 1)
    assert case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 2, 1)) is None
    with pytest.raises(InvalidInput, match="withdrawn before it was given"):
        cases.withdraw_consent(uow, case_id, c.id, date(2025, 1, 1), clock=clock)


def test_a_consent_with_an_unknown_scope_is_refused(uow: FakeUnitOfWork, case_id: str) -> None:
    bad = ConsentRecord(purpose=ConsentPurpose.SHARE_ADVOCATE, date=date(2025, 1, 10), scope=["diary"])
    with pytest.raises(InvalidInput, match="'diary' is not one of"):
        cases.add_consent(uow, case_id, bad)
    assert cases.load_case(uow, case_id).consents == []


def test_save_case_validates_and_restamps_changed_only(
    uow: FakeUnitOfWork, case_id: str, clock: FixedClock
) -> None:
    case = cases.get_case(uow, case_id)
    clock.advance(hours=2)
    case.survivor.nationality = "Viet Nam"
    saved = cases.save_case(uow, case, clock=clock)
    assert saved.updated_at == clock.now
    assert saved.decisions[0].updated_at == FIXED_NOW
    bad = cases.load_case(uow, case_id)
    bad.survivor.full_name = ""
    snap = uow.snapshot()
    with pytest.raises(InvalidInput, match="full name is empty"):
        cases.save_case(uow, bad, clock=clock)
    assert uow.snapshot() == snap


def test_list_cases_by_text_and_status(uow: FakeUnitOfWork, case_id: str, clock: FixedClock) -> None:
    other = cases.new_case(uow, "Paweł Wiśniewski", clock=clock)
    third = cases.add_case(
        uow, {"survivor": {"full_name": "ሰላም ተስፋይ", "nationality": "Eritrean"}}, clock=clock
    )
    assert {r.id for r in cases.list_cases(uow)} == {case_id, other, third}
    assert [r.id for r in cases.list_cases(uow, text="nguyen hong")] == [case_id]
    assert [r.id for r in cases.list_cases(uow, text="Wisniew")] == [other]
    assert [r.id for r in cases.list_cases(uow, text="ሰላም")] == [third]
    assert [r.id for r in cases.list_cases(uow, text="eritrean")] == [third]
    assert [r.id for r in cases.list_cases(uow, text="GP letter")] == [case_id]  # evidence text
    assert cases.list_cases(uow, text="Hoxha") == []
    cases.set_status(uow, other, CaseStatus.CLOSED, "Moved away", clock=clock)
    assert [r.id for r in cases.list_cases(uow, status=CaseStatus.CLOSED)] == [other]
    row = next(r for r in cases.list_cases(uow) if r.id == case_id)
    assert row.display_name == "Nguyễn Thị Hồng (Hồng)" and row.stage is Stage.NEGATIVE_RG


def test_the_most_recent_cases_first_and_how_many_in_all(
    uow: FakeUnitOfWork, case_id: str, clock: FixedClock
) -> None:
    clock.advance(minutes=1)
    other = cases.new_case(uow, "Paweł Wiśniewski", clock=clock)
    clock.advance(minutes=1)
    third = cases.new_case(uow, "Selam Tesfaye", clock=clock)
    recent = cases.list_recent_cases(uow, 2)
    assert [r.id for r in recent.rows] == [third, other] and recent.total == 3
    assert [r.id for r in cases.list_recent_cases(uow, 10).rows] == [third, other, case_id]


def test_delete_case_removes_its_records(uow: FakeUnitOfWork, case_id: str) -> None:
    cases.delete_case(uow, case_id)
    assert cases.list_cases(uow) == []
    with uow:
        assert uow.events.for_case(case_id) == []
    with pytest.raises(UnknownCase):
        cases.delete_case(uow, case_id)
