"""Unsaved edits kept across a lock: stored in the vault, handed back once, then gone."""

from __future__ import annotations

import pytest

from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import drafts
from tests.unit.fakes import FakeUnitOfWork


def test_drafts_are_handed_back_once() -> None:
    uow = FakeUnitOfWork()
    kept = [{"editor": "Profile", "case_id": "c1", "form": ["Nguyễn Thị Hồng", True, 2]}]
    drafts.keep_drafts(uow, kept)
    assert drafts.take_drafts(uow) == kept
    assert drafts.take_drafts(uow) == [], "a draft is restored once, never twice"


def test_nothing_kept_is_nothing_returned() -> None:
    assert drafts.take_drafts(FakeUnitOfWork()) == []


def test_a_draft_that_cannot_be_stored_is_refused_in_one_sentence() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidInput):
        drafts.keep_drafts(uow, [{"form": ["x" * (drafts.MAX_DRAFT_BYTES + 1)]}])
    with pytest.raises(InvalidInput):
        drafts.keep_drafts(uow, [{"form": [object()]}])
    assert drafts.take_drafts(uow) == []
