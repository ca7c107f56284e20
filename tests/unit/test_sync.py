"""The bundle merge decision (domain.sync), cell by cell, and the merger over the fake vault.

Cells: our copy absent / present; contents same / different; base present / absent; mine
changed / not; theirs changed / not; sender trusted / not; withheld groups none /
safeguarding / contact details / both.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from imsa_desktop.domain.case_document import CaseDocument
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.domain.model import Appointment, Case, Survivor, TimelineEvent
from imsa_desktop.domain.sync import Outcome, merge_record, restore_withheld, sync_key
from imsa_desktop.services.bundles.merge import CaseMerger
from tests.unit.fakes import FakeUnitOfWork

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
T_MINE = T0 + timedelta(hours=1)
T_THEIRS = T0 + timedelta(hours=2)
CASE_ID = "7a1c9b2e-0d4f-4e6a-9b1c-2d3e4f5a6b7c"


def event(title: str, stamp: datetime) -> TimelineEvent:
    return TimelineEvent(
        id="e0000000-0000-4000-8000-000000000001",
        case_id=CASE_ID,
        date=FuzzyDate.parse("2024-06-01"),
        title=title,
        created_at=T0,
        updated_at=stamp,
    )


B0 = (T0.isoformat(), T0.isoformat())  # both vaults last agreed on the version stamped T0


# (mine title, mine stamp) (theirs title, theirs stamp), base, trusted -> outcome, kept, base after
TABLE = [
    pytest.param(None, ("Offer", T_THEIRS), B0, True, Outcome.NEW, "theirs", "tt", id="new-with-base"),
    pytest.param(None, ("Offer", T_THEIRS), None, True, Outcome.NEW, "theirs", "tt", id="new-no-base"),
    pytest.param(
        ("Offer", T_MINE), ("Offer", T_THEIRS), B0, True, Outcome.UNCHANGED, "mine", "mt", id="same-with-base"
    ),
    pytest.param(
        ("Offer", T_MINE), ("Offer", T_THEIRS), None, True, Outcome.UNCHANGED, "mine", "mt", id="same-no-base"
    ),
    pytest.param(
        ("A", T0), ("B", T_THEIRS), B0, True, Outcome.THEIRS, "theirs", "tt", id="only-theirs-changed"
    ),
    pytest.param(
        ("A", T0),
        ("B", T_THEIRS),
        B0,
        False,
        Outcome.CONFLICT,
        "mine",
        "mt",
        id="only-theirs-untrusted-sender",
    ),
    pytest.param(("A", T_MINE), ("B", T0), B0, True, Outcome.MINE, "mine", "mt", id="only-mine-changed"),
    pytest.param(("A", T_MINE), ("B", T0), B0, False, Outcome.MINE, "mine", "mt", id="only-mine-untrusted"),
    pytest.param(("A", T0), ("B", T0), B0, True, Outcome.MINE, "mine", "mt", id="neither-changed"),
    pytest.param(("A", T_MINE), ("B", T_THEIRS), B0, True, Outcome.CONFLICT, "mine", "mt", id="both-changed"),
    pytest.param(("A", T_MINE), ("B", T_THEIRS), None, True, Outcome.CONFLICT, "mine", "mt", id="no-base"),
]


@pytest.mark.parametrize(("mine", "theirs", "base", "trusted", "outcome", "kept", "after"), TABLE)
def test_merge_table(mine, theirs, base, trusted, outcome, kept, after) -> None:  # type: ignore[no-untyped-def]
    m = event(*mine) if mine else None
    t = event(*theirs)
    result = merge_record(m, t, base, sender_trusted=trusted)
    assert result.outcome is outcome
    assert result.keep == kept
    stamps = {"m": m.updated_at.isoformat() if m else "", "t": t.updated_at.isoformat()}
    assert result.base == (stamps[after[0]], stamps[after[1]])


@pytest.mark.parametrize("base", [B0, None], ids=["both-changed", "no-base"])
@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_a_conflict_keeps_the_advocates_choice(base, choice) -> None:  # type: ignore[no-untyped-def]
    m, t = event("A", T_MINE), event("B", T_THEIRS)
    result = merge_record(m, t, base, choice=choice)
    assert result.outcome is Outcome.CONFLICT and result.keep == choice
    # after taking theirs both sides hold the version stamped T_THEIRS
    expected = (T_THEIRS if choice == "theirs" else T_MINE).isoformat()
    assert result.base == (expected, T_THEIRS.isoformat())


def test_the_choice_does_not_matter_outside_a_conflict() -> None:
    result = merge_record(event("A", T_MINE), event("B", T0), B0, choice="theirs")
    assert result.outcome is Outcome.MINE and result.keep == "mine"


# ---- withheld groups ----------------------------------------------------------------------


def document(
    *, notes: str, voicemail: bool | None, letters: bool | None, location: str, stamp: datetime
) -> CaseDocument:
    case = Case(
        id=CASE_ID,
        code="IMSA-2025-0042",
        survivor=Survivor(
            full_name="Tesfay Gebremedhin",
            safe_contact_notes=notes,
            voicemail_safe=voicemail,
            letters_safe=letters,
        ),
        created_at=T0,
        updated_at=stamp,
    )
    appt = Appointment(
        id="a0000000-0000-4000-8000-000000000002",
        case_id=CASE_ID,
        start=datetime(2025, 2, 3, 10, 0),
        title="Solicitor",
        location=location,
        created_at=T0,
        updated_at=stamp,
    )
    return CaseDocument(case, appointments=[appt])


OURS = {"notes": "Call only after 6pm", "voicemail": False, "letters": True, "location": "Leeds Law Centre"}
BLANK_SAFEGUARDING = {"notes": ""}
BLANK_CONTACT = {"voicemail": None, "letters": None, "location": ""}


@pytest.mark.parametrize(
    ("withheld", "blanked"),
    [
        pytest.param([], {}, id="none"),
        pytest.param(["safeguarding"], BLANK_SAFEGUARDING, id="safeguarding"),
        pytest.param(["contact_details"], BLANK_CONTACT, id="contact-details"),
        pytest.param(["safeguarding", "contact_details"], BLANK_SAFEGUARDING | BLANK_CONTACT, id="both"),
    ],
)
def test_fields_the_sender_withheld_keep_our_values(withheld, blanked) -> None:  # type: ignore[no-untyped-def]
    local = document(**OURS, stamp=T0)
    sent = document(**(OURS | blanked), stamp=T_THEIRS)  # the sender left them out
    restored = restore_withheld(sent, local, withheld)
    case = merge_record(local.case, restored.case, B0)
    appt = merge_record(local.appointments[0], restored.appointments[0], B0)
    # nothing was really changed, so nothing is "changed to blank"
    assert case.outcome is Outcome.UNCHANGED and appt.outcome is Outcome.UNCHANGED
    assert restored.case.survivor.safe_contact_notes == "Call only after 6pm"
    assert restored.appointments[0].location == "Leeds Law Centre"
    # the incoming document itself is not changed (restore_withheld returns a new one)
    assert sent.case.survivor.safe_contact_notes == (OURS | blanked)["notes"]
    assert sent.appointments[0].location == (OURS | blanked)["location"]


def test_a_group_not_withheld_that_is_blank_is_a_real_change() -> None:
    local = document(**OURS, stamp=T0)
    sent = document(**(OURS | BLANK_SAFEGUARDING), stamp=T_THEIRS)
    restored = restore_withheld(sent, local, ["contact_details"])  # safeguarding was sent, blank
    result = merge_record(local.case, restored.case, B0)
    assert result.outcome is Outcome.THEIRS
    assert restored.case.survivor.safe_contact_notes == ""


# ---- the merger over the fake unit of work ------------------------------------------------


def seeded(local: CaseDocument) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.cases.add(local.case)
        for a in local.appointments:
            uow.appointments.add(a)
        uow.settings.set(
            sync_key(CASE_ID),
            {local.case.id: list(B0), **{a.id: list(B0) for a in local.appointments}},
        )
        uow.commit()
    return uow


def merge(uow: FakeUnitOfWork, incoming: CaseDocument, withheld: list[str], **kw) -> object:  # type: ignore[no-untyped-def]
    with uow:
        merger = CaseMerger(uow, {}, "mine", True, **kw)
        preview = merger.merge(copy.deepcopy(incoming), withheld)
        for cid, base in merger.new_bases.items():
            uow.settings.set(sync_key(cid), base)
        uow.commit()
    return preview


def test_merger_takes_theirs_when_only_they_changed() -> None:
    local = document(**OURS, stamp=T0)
    uow = seeded(local)
    sent = document(**(OURS | {"location": "Bradford Law Centre"}), stamp=T_THEIRS)
    preview = merge(uow, sent, [])
    assert preview.updated == 1 and preview.unchanged == 1 and not preview.conflicts  # type: ignore[attr-defined]
    with uow:
        assert uow.appointments.get(local.appointments[0].id).location == "Bradford Law Centre"
        assert uow.settings.get(sync_key(CASE_ID))[local.appointments[0].id] == [T_THEIRS.isoformat()] * 2


def test_merger_keeps_our_withheld_safeguarding_and_contact_fields() -> None:
    local = document(**OURS, stamp=T0)
    uow = seeded(local)
    sent = document(**(OURS | BLANK_SAFEGUARDING | BLANK_CONTACT), stamp=T_THEIRS)
    sent.case.notes = "Moved to safe house"  # a real change alongside the withheld fields
    preview = merge(uow, sent, ["safeguarding", "contact_details"])
    assert preview.updated == 1 and not preview.conflicts  # type: ignore[attr-defined]
    with uow:
        case = uow.cases.get(CASE_ID)
        assert case.notes == "Moved to safe house"
        assert case.survivor.safe_contact_notes == "Call only after 6pm"
        assert (case.survivor.voicemail_safe, case.survivor.letters_safe) == (False, True)
        assert uow.appointments.get(local.appointments[0].id).location == "Leeds Law Centre"


def test_merger_with_an_untrusted_sender_asks_before_taking_anything() -> None:
    local = document(**OURS, stamp=T0)
    uow = seeded(local)
    sent = document(**(OURS | {"location": "Bradford Law Centre"}), stamp=T_THEIRS)
    preview = merge(uow, sent, [], sender_trusted=False)
    assert [c.kind for c in preview.conflicts] == ["appointment"]  # type: ignore[attr-defined]
    with uow:
        assert uow.appointments.get(local.appointments[0].id).location == "Leeds Law Centre"
