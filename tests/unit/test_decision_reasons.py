"""The reasons a decision letter gives are kept on the decision (the letter answers each one)."""

from __future__ import annotations

import pytest

from imsa_desktop.domain import case_document
from imsa_desktop.domain.codec import from_jsonable
from imsa_desktop.domain.model import Decision
from imsa_desktop.errors import InvalidInput


def test_reasons_round_trip_through_the_case_document() -> None:
    reasons = [
        "Your account of the journey to the UK was inconsistent about dates.",
        "There is no objective evidence of control by others.",
    ]
    doc = case_document.parse(
        {
            "survivor": {"full_name": "Nguyễn Thị Lan"},
            "decisions": [
                {
                    "kind": "reasonable_grounds",
                    "outcome": "negative",
                    "date": "2025-10-01",
                    "reasons": reasons,
                }
            ],
        }
    )
    assert doc.case.decisions[0].reasons == reasons
    assert case_document.render(doc)["decisions"][0]["reasons"] == reasons


def test_a_decision_stored_before_reasons_existed_has_none() -> None:
    d = from_jsonable(Decision, {"id": "d1", "kind": "conclusive_grounds", "date": "2024-03-01"})
    assert d.reasons == []


def test_reasons_must_be_a_list_of_texts() -> None:
    with pytest.raises(InvalidInput):
        case_document.parse(
            {
                "survivor": {"full_name": "Hoxha Arta"},
                "decisions": [{"kind": "reasonable_grounds", "reasons": "one long text"}],
            }
        )
