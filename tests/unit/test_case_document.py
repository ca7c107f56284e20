"""The case document of the CLI contract: parse, reject, render, merge."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date, datetime
from typing import Any

import pytest

from imsa_desktop.domain import case_document
from imsa_desktop.domain.model import (
    AppointmentKind,
    Authority,
    DecisionKind,
    EventKind,
    Jurisdiction,
    Outcome,
    Stage,
)
from imsa_desktop.errors import InvalidInput
from tests.unit.fakes import CONTRACT_DOCUMENT_JSON

TODAY = date(2025, 2, 1)


def contract() -> dict[str, Any]:
    return json.loads(CONTRACT_DOCUMENT_JSON)  # type: ignore[no-any-return]


def test_contract_document_parses_verbatim() -> None:
    doc = case_document.parse(contract(), today=TODAY)
    c = doc.case
    assert c.survivor.full_name == "Nguyễn Thị Hồng"
    assert c.survivor.preferred_name == "Hồng"
    assert c.survivor.date_of_birth == date(1994, 3, 2)
    assert c.survivor.languages == ["vi"] and c.survivor.interpreter_needed is True
    assert c.jurisdiction is Jurisdiction.ENGLAND_WALES
    assert c.referral.date == date(2025, 1, 6) and c.referral.consent_given is True
    (d,) = c.decisions
    assert (d.kind, d.outcome, d.authority, d.date) == (
        DecisionKind.REASONABLE_GROUNDS,
        Outcome.NEGATIVE,
        Authority.SCA,
        date(2025, 1, 20),
    )
    assert c.stage is Stage.NEGATIVE_RG
    (ev,) = doc.events
    assert ev.title == "Recruited with a false job offer" and ev.kind is EventKind.EXPLOITATION
    assert ev.date.display() == "1 June 2024" and ev.case_id == c.id
    (ap,) = doc.appointments
    assert ap.start == datetime(2025, 2, 3, 10, 0) and ap.kind is AppointmentKind.LEGAL
    (evi,) = doc.evidence
    assert evi.indicators == ["debt_bondage"] and evi.case_id == c.id


def test_optional_ids_become_fresh_uuids_and_given_ids_are_kept() -> None:
    doc = case_document.parse(contract(), today=TODAY)
    for rid in (doc.case.id, doc.case.decisions[0].id, doc.evidence[0].id):
        assert rid != "optional"
        uuid.UUID(rid)
    data = contract()
    data["decisions"][0]["id"] = "dec-1"
    assert case_document.parse(data, today=TODAY).case.decisions[0].id == "dec-1"


def test_render_then_parse_is_the_same_case() -> None:
    doc = case_document.parse(contract(), today=TODAY)
    rendered = case_document.render(doc)
    assert rendered["survivor"]["full_name"] == "Nguyễn Thị Hồng"
    assert "case_id" not in rendered["events"][0]
    again = case_document.parse(json.loads(json.dumps(rendered)), today=TODAY)
    assert again == doc


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ((), "survivour"),
        (("survivor",), "fullname"),
        (("referral",), "consent"),
        (("decisions", 0), "outcom"),
        (("events", 0), "titel"),
        (("appointments", 0), "venue"),
        (("evidence", 0), "indicator"),
    ],
)
def test_unknown_field_is_rejected_with_its_name(path: tuple[Any, ...], field: str) -> None:
    data = contract()
    target: Any = data
    for p in path:
        target = target[p]
    target[field] = "x"
    with pytest.raises(InvalidInput) as info:
        case_document.parse(data, today=TODAY)
    assert f"unknown field '{field}'" in info.value.user_message


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("jurisdiction",), "wales", "'wales' is not one of: england-wales, scotland, northern-ireland"),
        (("decisions", 0, "kind"), "rg", "'rg' is not one of: reasonable_grounds"),
        (
            ("decisions", 0, "outcome"),
            "refused",
            "'refused' is not one of: positive, negative, pending, withdrawn",
        ),
        (("decisions", 0, "authority"), "Home Office", "'Home Office' is not one of: SCA, IECA"),
        (("events", 0, "kind"), "crime", "'crime' is not one of"),
        (("appointments", 0, "kind"), "dentist", "'dentist' is not one of"),
    ],
)
def test_bad_enum_values_list_the_allowed_ones(path: tuple[Any, ...], value: str, says: str) -> None:
    data = contract()
    target: Any = data
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    with pytest.raises(InvalidInput) as info:
        case_document.parse(data, today=TODAY)
    assert says in info.value.user_message


@pytest.mark.parametrize(
    ("mutate", "says"),
    [
        (lambda d: d["decisions"][0].update(date="2025-02-30"), "is not a real date"),
        (lambda d: d["events"][0].update(date="2025-13"), "is not a real month"),
        (lambda d: d["events"][0].update(date="2024-08/2024-06"), "ends before it starts"),
        (lambda d: d["survivor"].update(date_of_birth="2030-01-01"), "The date of birth is in the future."),
        (lambda d: d["survivor"].update(full_name="  "), "The survivor's full name is empty."),
        (lambda d: d.pop("survivor"), "needs a 'survivor'"),
        (
            lambda d: d["appointments"][0].update(end="2025-02-03T09:00"),
            "appointments[0] ends before it starts.",
        ),
        (lambda d: d["events"][0].update(title=""), "events[0] needs a title."),
        (lambda d: d.update(re_referral_count=-1), "cannot be negative"),
        (lambda d: d.update(events={}), "should be a list"),
        (
            lambda d: (d["decisions"][0].update(id="same"), d["evidence"][0].update(id="same")),
            "uses the same id twice",
        ),
    ],
)
def test_invalid_documents_are_refused_with_one_sentence(mutate: Any, says: str) -> None:
    data = contract()
    mutate(data)
    with pytest.raises(InvalidInput) as info:
        case_document.parse(data, today=TODAY)
    assert says in info.value.user_message
    assert "\n" not in info.value.user_message


def test_document_must_be_an_object() -> None:
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        case_document.parse([contract()])


# ---- merge --------------------------------------------------------------------------------


def rendered() -> dict[str, Any]:
    data = contract()
    data["decisions"][0]["id"] = "dec-1"
    data["evidence"][0]["id"] = "evi-1"
    return case_document.render(case_document.parse(data, today=TODAY))


def test_merge_objects_key_by_key() -> None:
    current = rendered()
    merged = case_document.merge(
        current, {"survivor": {"preferred_name": "Hồng N."}, "jurisdiction": "scotland"}
    )
    assert merged["survivor"]["preferred_name"] == "Hồng N."
    assert merged["survivor"]["full_name"] == "Nguyễn Thị Hồng"  # untouched keys kept
    assert merged["jurisdiction"] == "scotland"
    assert current["survivor"]["preferred_name"] == "Hồng"  # the input is not modified


def test_merge_lists_by_id_update_known_add_new_delete_nothing() -> None:
    current = rendered()
    merged = case_document.merge(
        current,
        {
            "decisions": [
                {"id": "dec-1", "outcome": "positive"},
                {"kind": "reconsideration", "outcome": "pending", "date": "2025-02-20"},
            ],
            "evidence": [],
        },
    )
    assert [d.get("id") for d in merged["decisions"]][0] == "dec-1"
    assert merged["decisions"][0]["outcome"] == "positive"
    assert merged["decisions"][0]["reference"] == "NRM-..."  # other fields of the record kept
    assert merged["decisions"][1]["kind"] == "reconsideration"
    assert [e["id"] for e in merged["evidence"]] == ["evi-1"]  # nothing deleted
    assert merged["events"] == current["events"]
    parsed = case_document.parse(merged, today=TODAY)
    assert parsed.case.stage is Stage.AWAITING_CG


@pytest.mark.parametrize(
    ("partial", "says"),
    [
        ({"survivor": {"nickname": "H"}}, "survivor has an unknown field 'nickname'."),
        ({"colour": "red"}, "The case update has an unknown field 'colour'."),
        ({"id": "other"}, "cannot change the case's id"),
        ({"created_at": "2020-01-01T00:00:00+00:00"}, "cannot change the case's created_at"),
        ({"decisions": {"id": "dec-1"}}, "decisions should be a list."),
        ({"events": ["not an object"]}, "events[0] should be an object."),
        ([], "must be a JSON object"),
    ],
)
def test_bad_updates_are_refused(partial: Any, says: str) -> None:
    current = rendered()
    before = copy.deepcopy(current)
    with pytest.raises(InvalidInput) as info:
        case_document.merge(current, partial)
    assert says in info.value.user_message
    assert current == before
