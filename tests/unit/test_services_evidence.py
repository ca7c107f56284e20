"""Adding evidence with its timeline links is one service call and one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain.model import EvidenceItem
from imsa_desktop.errors import ImsaError
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import evidence as svc
from tests.unit.fakes import FakeUnitOfWork

TODAY = date(2025, 2, 1)


def _case(uow: FakeUnitOfWork) -> tuple[str, str]:
    cid = case_service.add_case(
        uow,
        {
            "survivor": {"full_name": "Trần Văn Minh"},
            "events": [{"date": "2024-06-01", "title": "Recruited with a false job offer"}],
        },
        today=TODAY,
    )
    with uow:
        event_id = uow.events.for_case(cid)[0].id
    return cid, event_id


def test_new_evidence_and_its_event_links_are_saved_together() -> None:
    uow = FakeUnitOfWork()
    cid, event_id = _case(uow)
    commits = uow.committed
    item = EvidenceItem(case_id=cid, title="Payslips", event_ids=[event_id])
    evidence_id = svc.save_evidence(uow, item, new=True)
    assert uow.committed == commits + 1  # one transaction
    with uow:
        assert uow.evidence.get(evidence_id).event_ids == [event_id]
        assert uow.events.get(event_id).evidence_ids == [evidence_id]  # the event lists it too


def test_a_bad_link_saves_nothing() -> None:
    uow = FakeUnitOfWork()
    cid, _event_id = _case(uow)
    before = uow.snapshot()
    item = EvidenceItem(case_id=cid, title="Payslips", event_ids=["no-such-event"])
    with pytest.raises(ImsaError):
        svc.save_evidence(uow, item, new=True)
    assert uow.snapshot() == before


def test_changing_links_updates_both_sides() -> None:
    uow = FakeUnitOfWork()
    cid, event_id = _case(uow)
    evidence_id = svc.save_evidence(uow, EvidenceItem(case_id=cid, title="Payslips"), new=True)
    with uow:
        item = uow.evidence.get(evidence_id)
    item.event_ids = [event_id]
    assert svc.save_evidence(uow, item, new=False) == evidence_id
    with uow:
        assert uow.events.get(event_id).evidence_ids == [evidence_id]
