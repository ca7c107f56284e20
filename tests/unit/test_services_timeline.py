"""The chronology: stored events with fuzzy dates, plus derived entries never stored twice."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.domain.model import EventKind, TimelineEvent
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import timeline as svc
from tests.helpers import case_doc, decision

TODAY = date(2025, 2, 1)


@pytest.fixture
def case_id(vault) -> str:  # type: ignore[no-untyped-def]
    farm = {"date": "2023-summer", "end": "2024-02", "title": "Worked on a farm", "kind": "exploitation"}
    gp = {"id": "ev-1", "title": "GP letter", "date_obtained": "2025-01-25"}
    gp |= {"date_provided": "2025-01-28", "provided_to": "SCA"}
    doc = case_doc(
        "Arbër Hoxha",
        decision("reasonable_grounds", "negative", "2025-01-20"),
        referral={"date": "2025-01-06", "first_responder": "Example Council"},
        events=[
            {"date": "2024-06-01", "title": "Recruited with a false job offer", "kind": "exploitation"},
            farm,
        ],
        appointments=[{"start": "2025-02-03T10:00", "title": "Solicitor", "kind": "legal"}],
        evidence=[gp],
    )
    return case_service.add_case(vault.unit_of_work(), doc, today=TODAY)


def test_chronology_merges_stored_and_derived_in_date_order(vault, case_id) -> None:  # type: ignore[no-untyped-def]
    entries = svc.chronology(vault.unit_of_work(), case_id, TODAY)
    titles = [e.title for e in entries]
    assert titles[0] == "Worked on a farm"  # summer 2023 sorts first
    assert entries[0].date.display() == "summer 2023 (approx.)"
    assert entries[0].is_period
    kinds = [e.kind for e in entries]
    for k in (
        EventKind.REFERRAL,
        EventKind.DECISION,
        EventKind.DEADLINE,
        EventKind.APPOINTMENT,
        EventKind.EVIDENCE,
    ):
        assert k in kinds
    assert "Evidence provided to SCA: GP letter" in titles
    dates = [e.date.sort_key for e in entries]
    assert dates == sorted(dates)
    deadline = next(e for e in entries if e.kind is EventKind.DEADLINE and "Reconsideration" in e.title)
    assert deadline.date.earliest == date(2025, 2, 19) and deadline.derived and deadline.source
    # derived entries are not stored
    uow = vault.unit_of_work()
    with uow:
        assert len(uow.events.for_case(case_id)) == 2


def test_filter_by_kind(vault, case_id) -> None:  # type: ignore[no-untyped-def]
    only = svc.chronology(vault.unit_of_work(), case_id, TODAY, kinds=[EventKind.DECISION])
    assert [e.title for e in only] == ["Reasonable Grounds decision: negative"]


def test_add_edit_link_delete_event(vault, case_id, clock) -> None:  # type: ignore[no-untyped-def]
    ev = svc.save_event(
        vault.unit_of_work(),
        TimelineEvent(
            case_id=case_id,
            date=FuzzyDate.parse("before:2024-03"),
            title="  Passport taken by the gangmaster ",
            kind=EventKind.EXPLOITATION,
            source="Survivor's account",
            disputed=True,
            evidence_ids=["ev-1"],
        ),
        clock=clock,
    )
    got = svc.get_event(vault.unit_of_work(), case_id, ev.id)
    assert got.title == "Passport taken by the gangmaster" and got.disputed and got.evidence_ids == ["ev-1"]
    import dataclasses

    svc.save_event(vault.unit_of_work(), dataclasses.replace(got, key=True, disputed=False), clock=clock)
    entry = next(e for e in svc.chronology(vault.unit_of_work(), case_id, TODAY) if e.id == ev.id)
    assert entry.key and not entry.disputed and entry.date.display() == "before March 2024"
    with pytest.raises(InvalidInput, match="same case"):
        svc.save_event(vault.unit_of_work(), dataclasses.replace(got, evidence_ids=["other"]), clock=clock)
    with pytest.raises(InvalidInput, match="title"):
        svc.save_event(vault.unit_of_work(), dataclasses.replace(got, title=" "), clock=clock)
    with pytest.raises(InvalidInput, match="end before"):
        svc.save_event(
            vault.unit_of_work(),
            dataclasses.replace(got, date=FuzzyDate.parse("2024-06"), end=FuzzyDate.parse("2024-01")),
            clock=clock,
        )
    with pytest.raises(InvalidInput, match="another record"):
        svc.delete_event(vault.unit_of_work(), case_id, "derived:decision:x")
    svc.delete_event(vault.unit_of_work(), case_id, ev.id)
    with pytest.raises(NotFound):
        svc.get_event(vault.unit_of_work(), case_id, ev.id)
