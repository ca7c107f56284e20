"""to_jsonable / from_jsonable: every stored record round-trips exactly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imsa_desktop.domain import model
from imsa_desktop.domain.codec import from_jsonable, to_jsonable
from imsa_desktop.domain.consent import ConsentPurpose, ConsentType
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.errors import InvalidInput

STAMP = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)


def full_case() -> model.Case:
    return model.Case(
        created_at=STAMP,
        updated_at=STAMP,
        survivor=model.Survivor(
            full_name="Paweł Wiśniewski",
            aliases=["Pawel Wisniewski"],
            date_of_birth=date(1990, 7, 14),
            nationality="Polish",
            languages=["pl", "en"],
            interpreter_needed=True,
            voicemail_safe=False,
        ),
        jurisdiction=model.Jurisdiction.SCOTLAND,
        referral=model.Referral(date=date(2025, 1, 6), first_responder="Example Council", consent_given=True),
        exploitation_types=["labour"],
        decisions=[
            model.Decision(
                kind=model.DecisionKind.REASONABLE_GROUNDS,
                outcome=model.Outcome.NEGATIVE,
                date=date(2025, 1, 20),
            )
        ],
        consents=[
            model.ConsentRecord(
                purpose=ConsentPurpose.SHARE_SOLICITOR,
                date=date(2025, 1, 7),
                consent_type=ConsentType.WRITTEN,
                witness="Trần Thị Mai (interpreter)",
                scope=["case", "attachments"],
                expires_on=date(2026, 1, 7),
            )
        ],
    )


def _roundtrip(obj: object) -> object:
    data = json.loads(json.dumps(to_jsonable(obj), ensure_ascii=False))
    return from_jsonable(type(obj), data)


@pytest.mark.parametrize(
    "record",
    [
        full_case(),
        model.TimelineEvent(
            case_id="c1",
            date=FuzzyDate.parse("2024-summer"),
            end=FuzzyDate.parse("after:2024-09"),
            title="Worked at a car wash",
            kind=model.EventKind.EXPLOITATION,
            evidence_ids=["e1"],
        ),
        model.Appointment(
            case_id="c1",
            start=datetime(2025, 2, 3, 10, 0),
            end=datetime(2025, 2, 3, 11, 0),
            title="Solicitor",
            kind=model.AppointmentKind.LEGAL,
            attended=None,
        ),
        model.EvidenceItem(
            case_id="c1",
            title="GP letter",
            kind=model.EvidenceKind.MEDICAL,
            date_obtained=date(2025, 1, 25),
            indicators=["debt_bondage"],
        ),
        model.DeadlineOverride(
            case_id="c1", deadline_key="rg-recon:abc", due=None, reason="Agreed extension"
        ),
    ],
    ids=lambda r: type(r).__name__,
)
def test_records_round_trip_through_json(record: object) -> None:
    assert _roundtrip(record) == record


def test_json_shape_is_plain() -> None:
    data = to_jsonable(full_case())
    assert data["jurisdiction"] == "scotland"
    assert data["created_at"] == "2025-02-01T09:30:00+00:00"
    assert data["survivor"]["date_of_birth"] == "1990-07-14"
    assert data["decisions"][0]["kind"] == "reasonable_grounds"
    ev = to_jsonable(model.TimelineEvent(case_id="c", date=FuzzyDate.parse("before:2023-03"), title="t"))
    assert ev["date"] == "before:2023-03" and ev["end"] is None


def test_unknown_keys_are_ignored_and_missing_take_defaults() -> None:
    case = from_jsonable(model.Case, {"survivor": {"full_name": "ሰላም ተስፋይ", "from_the_future": 1}, "x": 2})
    assert case.survivor.full_name == "ሰላም ተስፋይ"
    assert case.jurisdiction is model.Jurisdiction.ENGLAND_WALES and case.decisions == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"survivor": {}}, "case.survivor is missing full_name."),
        ({"survivor": {"full_name": 5}}, "case.survivor.full_name should be text."),
        ({"survivor": {"full_name": "A", "interpreter_needed": "yes"}}, "should be true or false"),
        ({"survivor": {"full_name": "A"}, "re_referral_count": True}, "should be a whole number"),
        ({"survivor": {"full_name": "A"}, "jurisdiction": "wales"}, "'wales' is not one of: england-wales"),
        ({"survivor": {"full_name": "A", "date_of_birth": "2025-02-30"}}, "is not a real date"),
        ({"survivor": {"full_name": "A"}, "decisions": {}}, "case.decisions should be a list."),
        ({"survivor": "A"}, "case.survivor should be an object."),
    ],
)
def test_bad_values_name_the_field(data: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidInput) as info:
        from_jsonable(model.Case, data, "case")
    assert says in info.value.user_message


def test_appointment_times_must_be_real() -> None:
    with pytest.raises(InvalidInput, match="not a real date and time"):
        from_jsonable(model.Appointment, {"case_id": "c", "title": "t", "start": "2025-02-30T10:00"})


@given(
    name=st.text(min_size=1, max_size=40),
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    langs=st.lists(st.text(max_size=5), max_size=3),
    outcome=st.sampled_from(list(model.Outcome)),
)
def test_any_case_round_trips(name: str, day: date, langs: list[str], outcome: model.Outcome) -> None:
    case = model.Case(
        survivor=model.Survivor(full_name=name, date_of_birth=day, languages=langs),
        decisions=[model.Decision(kind=model.DecisionKind.CONCLUSIVE_GROUNDS, outcome=outcome, date=day)],
    )
    assert _roundtrip(case) == case


def _leaves(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaves(v, (*path, k))] + [path]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))] + [path]
    return [path]


def _with(data: object, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    copy = json.loads(json.dumps(data))
    at = copy
    for step in path[:-1]:
        at = at[step]  # type: ignore[index]
    at[path[-1]] = value  # type: ignore[index]
    return copy


ODD_VALUES = [
    None,
    True,
    False,
    0,
    7,
    1.5,
    "",
    "x",
    "2024-06-01",
    " 2024-06-01",
    "2024-6-01",
    "2025-02-30",
    "١٩٩٠-٠٧-١٤",
    "2024-06-01T10:00",
    "2024-06-01T10:00:00+00:00",
    "positive",
    "scotland",
    "reasonable_grounds",
    [],
    ["pl"],
    {},
    {"full_name": "Nguyễn Văn An"},
]


@given(where=st.integers(min_value=0), odd=st.sampled_from(ODD_VALUES))
def test_a_damaged_case_reads_the_same_way_as_the_careful_check_says(where: int, odd: object) -> None:
    """The store reads through a quick pass with a careful one behind it: whatever a damaged
    or older document holds, the answer (a case, or the sentence naming the field) is the one
    the careful check gives on its own."""
    from imsa_desktop.domain import codec

    base = to_jsonable(full_case())
    paths = _leaves(base)
    data = _with(base, paths[where % len(paths)], odd)
    try:
        expected: object = codec._convert(model.Case, json.loads(json.dumps(data)), "case")
    except InvalidInput as e:
        with pytest.raises(InvalidInput) as info:
            from_jsonable(model.Case, data, "case")
        assert info.value.user_message == e.user_message
    else:
        got = from_jsonable(model.Case, data, "case")
        assert to_jsonable(got) == to_jsonable(expected) and got == expected or _ids_differ(got, expected)


def _ids_differ(got: object, expected: object) -> bool:
    # A missing id or code is made afresh on each read: the rest must be the same.
    a, b = to_jsonable(got), to_jsonable(expected)
    for doc in (a, b):
        doc.pop("id", None), doc.pop("code", None)
        for d in doc.get("decisions", []) + doc.get("consents", []):
            d.pop("id", None)
    return a == b
