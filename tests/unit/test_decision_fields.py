"""Decision-letter date vs date received, the para 14.216 removal bar and an outcome that starts empty."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain import case_document
from imsa_desktop.domain.codec import from_jsonable, to_jsonable
from imsa_desktop.domain.model import Decision, DecisionKind, Outcome, RemovalBar
from imsa_desktop.errors import InvalidInput
from tests.helpers import case_doc, decision


def test_a_new_decision_has_no_outcome_until_one_is_chosen() -> None:
    d = Decision(kind=DecisionKind.REASONABLE_GROUNDS)
    assert d.outcome is None
    assert d.outcome_label == "Not recorded"
    assert d.removal_bar is RemovalBar.NOT_KNOWN
    assert d.received_on is None


def test_old_stored_decisions_read_unchanged() -> None:
    # A record written before these fields existed (what the store and old bundles hold).
    old = {
        "id": "d1",
        "kind": "conclusive_grounds",
        "outcome": "pending",
        "date": "2024-03-01",
        "authority": "SCA",
        "reference": "",
        "notes": "",
    }
    d = from_jsonable(Decision, old)
    assert d.outcome is Outcome.PENDING
    assert d.received_on is None and d.removal_bar is RemovalBar.NOT_KNOWN


def test_new_fields_round_trip_through_the_case_document() -> None:
    cg = decision("conclusive_grounds", "negative", "2025-10-01", received_on="2025-10-06", removal_bar="yes")
    doc = case_document.parse(case_doc("Hoxha Arta", cg))
    out = case_document.render(doc)["decisions"][0]
    assert out["date"] == "2025-10-01"
    assert out["received_on"] == "2025-10-06"
    assert out["removal_bar"] == "yes"
    again = from_jsonable(Decision, to_jsonable(doc.case.decisions[0]))
    assert again.received_on == date(2025, 10, 6) and again.removal_bar is RemovalBar.YES


def test_a_decision_without_an_outcome_is_kept_empty_in_json() -> None:
    doc = case_document.parse(case_doc("ተስፋይ ሰላም", {"kind": "reasonable_grounds", "date": "2025-02-03"}))
    assert doc.case.decisions[0].outcome is None
    assert case_document.render(doc)["decisions"][0]["outcome"] is None


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ({"received_on": "2025-02-01"}, "received .* before the date of the decision letter"),
        ({"removal_bar": "maybe"}, "removal_bar 'maybe' is not one of: yes, no, not_known"),
    ],
    ids=["received_before_the_letter_date", "an_unknown_removal_bar_value"],
)
def test_a_bad_decision_field_is_refused_in_one_sentence(field: dict[str, str], words: str) -> None:
    rg = decision("reasonable_grounds", "negative", "2025-02-03", **field)
    with pytest.raises(InvalidInput, match=words):
        case_document.parse(case_doc("Kowalska Zofia", rg))
