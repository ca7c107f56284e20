"""Full-text search grouped by case, over a real vault; hostile queries never raise."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsa_desktop.domain.model import EvidenceItem
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import evidence as ev
from imsa_desktop.services.search import HL_END, HL_START, CaseHits, search_cases, strip_marks
from imsa_desktop.store.vault import Vault


@pytest.fixture
def ids(vault: Vault) -> dict[str, str]:
    u = vault.unit_of_work
    hong = case_service.add_case(
        u(),
        {
            "survivor": {"full_name": "Nguyễn Thị Hồng", "preferred_name": "Hồng"},
            "notes": "Prefers meetings at the library on Tuesdays.",
            "events": [
                {
                    "date": "2024-06-01",
                    "title": "Recruited with a false job offer",
                    "notes": "nail bar in Leeds",
                },
            ],
            "appointments": [
                {"start": "2025-02-03T10:00", "title": "Solicitor", "location": "Wellington Street chambers"}
            ],
            "evidence": [
                {
                    "id": "ev-hong",
                    "title": "GP letter",
                    "body": "Referred to an anti-trafficking counsellor.",
                    "source": "Dr Đặng Văn Minh",
                }
            ],
        },
    )
    selam = case_service.add_case(
        u(),
        {
            "survivor": {"full_name": "ሰላም ተስፋይ", "aliases": ["Selam Tesfay-Haile"]},
            "events": [{"date": "2023", "title": "Crossed the Sahara", "notes": "debt to smugglers"}],
        },
    )
    pawel = case_service.add_case(
        u(),
        {
            "survivor": {"full_name": "Paweł Wiśniewski", "aliases": ["Łukasz"]},
            "events": [
                {"date": "2022-03", "title": "Worked at a car wash", "notes": "debt deducted from wages"}
            ],
        },
    )
    arber = case_service.add_case(u(), {"survivor": {"full_name": "Arbër Hoxha"}})
    return {"hong": hong, "selam": selam, "pawel": pawel, "arber": arber}


def _case_ids(groups: list[CaseHits]) -> list[str]:
    return [g.case_id for g in groups]


@pytest.mark.parametrize(
    ("query", "who", "kind"),
    [
        ("Nguyen", "hong", "case"),
        ("nguyễn thị", "hong", "case"),
        ("Hong", "hong", "case"),
        ("Dang", "hong", "evidence"),  # đ folded
        ("anti-trafficking", "hong", "evidence"),
        ("counsellor", "hong", "evidence"),
        ("library", "hong", "case"),  # a word in the case notes
        ("false job offer", "hong", "event"),  # event title
        ("Leeds", "hong", "event"),  # event notes
        ("Wellington", "hong", "appointment"),
        ("Tesfay-Haile", "selam", "case"),
        ("ሰላም", "selam", "case"),
        ("Sahara", "selam", "event"),
        ("Pawel Wisniewski", "pawel", "case"),
        ("Lukasz", "pawel", "case"),  # ł folded
        ("Arber", "arber", "case"),
    ],
)
def test_finds(vault: Vault, ids, query: str, who: str, kind: str) -> None:
    groups = search_cases(vault.unit_of_work(), query)
    assert _case_ids(groups) == [ids[who]]
    assert kind in [h.kind for h in groups[0].hits]


def test_groups_hits_by_case_with_code_and_name(vault: Vault, ids) -> None:
    groups = search_cases(vault.unit_of_work(), "debt")
    assert sorted(_case_ids(groups)) == sorted([ids["selam"], ids["pawel"]])
    pawel = next(g for g in groups if g.case_id == ids["pawel"])
    assert pawel.display_name == "Paweł Wiśniewski"
    assert pawel.code
    assert [h.kind for h in pawel.hits] == ["event"]

    hong = search_cases(vault.unit_of_work(), "Hồng")[0]
    assert {h.kind for h in hong.hits} == {"case"}
    assert hong.display_name == "Nguyễn Thị Hồng (Hồng)"


def test_matches_are_highlighted_even_when_found_by_folding(vault: Vault, ids) -> None:
    hit = search_cases(vault.unit_of_work(), "Dang")[0].hits[0]
    assert f"{HL_START}Đặng{HL_END}" in hit.snippet
    hit = search_cases(vault.unit_of_work(), "Nguyen")[0].hits[0]
    assert f"{HL_START}Nguyễn{HL_END}" in hit.title
    assert strip_marks(hit.title).startswith("Nguyễn Thị Hồng")


@pytest.mark.parametrize(
    "query",
    ['"', '""', "'", "*", "^", ":", "(", ")", "NEAR(a b)", "AND", "OR NOT", "a AND", '"unterminated',
     "title:Hồng", "-", "_", "__init__", "\x00", "\u0301", "²", "🙂", "(((", "a" * 5000, "\n\t"],
)  # fmt: skip
def test_hostile_queries_never_raise(vault: Vault, ids, query: str) -> None:
    result = search_cases(vault.unit_of_work(), query)
    assert isinstance(result, list)


def test_empty_query_finds_nothing(vault: Vault, ids) -> None:
    assert search_cases(vault.unit_of_work(), "") == []
    assert search_cases(vault.unit_of_work(), "   ") == []
    assert search_cases(vault.unit_of_work(), "zzzz-not-present") == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                ["Nguyen", "Hồng", "debt", "AND", "OR", "NOT", "NEAR", '"', "*", "^", ":", "(", ")", "-", "đ"]
            )
            | st.text(max_size=3),
            max_size=8,
        ).map(" ".join),
    )
)
def test_any_text_is_a_safe_query(vault: Vault, ids, query: str) -> None:
    for group in search_cases(vault.unit_of_work(), query):
        assert group.case_id in ids.values()
        assert group.hits


def test_deleted_evidence_is_no_longer_found(vault: Vault, ids) -> None:
    assert _case_ids(search_cases(vault.unit_of_work(), "counsellor")) == [ids["hong"]]
    ev.delete_evidence(vault.unit_of_work(), ids["hong"], "ev-hong")
    assert search_cases(vault.unit_of_work(), "counsellor") == []


def test_new_and_edited_evidence_is_found(vault: Vault, ids) -> None:
    item = EvidenceItem(case_id=ids["arber"], title="Payslips", body="wages withheld by the farm")
    eid = ev.add_evidence(vault.unit_of_work(), item)
    assert _case_ids(search_cases(vault.unit_of_work(), "farm")) == [ids["arber"]]
    item.id = eid
    item.body = "wages withheld by the kitchen"
    item.date_obtained = date(2025, 1, 2)
    ev.update_evidence(vault.unit_of_work(), item)
    assert search_cases(vault.unit_of_work(), "farm") == []
    assert _case_ids(search_cases(vault.unit_of_work(), "kitchen")) == [ids["arber"]]


def test_deleted_case_is_no_longer_found(vault: Vault, ids) -> None:
    case_service.delete_case(vault.unit_of_work(), ids["pawel"])
    assert search_cases(vault.unit_of_work(), "Wisniewski") == []


def test_ranking_is_exact_below_the_window_and_recent_first_above_it(vault, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.services import cases as case_service
    from imsa_desktop.store import search as fts

    ids = [
        case_service.add_case(
            vault.unit_of_work(), {"survivor": {"full_name": f"Ilir Krasniqi {n}"}, "notes": "carwash shifts"}
        )
        for n in range(5)
    ]
    assert vault.conn is not None
    assert {h.case_id for h in fts.search(vault.conn, "carwash")} == set(ids)  # 5 matches < window
    monkeypatch.setattr(fts, "RANK_WINDOW", 3)
    hits = fts.search(vault.conn, "carwash")
    assert {h.case_id for h in hits} == set(ids[-3:])  # the three most recently written
    assert {h.case_id for h in fts.search(vault.conn, "Krasniqi 1")} == {ids[1]}  # fewer than 3: exact


def test_a_word_in_more_records_than_the_window_gives_the_newest_first(vault, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.store import search as fts

    monkeypatch.setattr(fts, "RANK_WINDOW", 3)
    # The oldest says "interpreter" three times: ranked, it would come first.
    notes = ["interpreter interpreter interpreter booked"] + ["interpreter booked"] * 4
    ids = [
        case_service.add_case(
            vault.unit_of_work(), {"survivor": {"full_name": f"Ayşe Demir {n}"}, "notes": t}
        )
        for n, t in enumerate(notes)
    ]
    groups = search_cases(vault.unit_of_work(), "interpreter")
    assert _case_ids(groups) == [ids[4], ids[3], ids[2]]  # the three most recent, newest first
    assert all(h.recent for g in groups for h in g.hits)


def test_a_rare_word_keeps_the_best_match_first(vault, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.store import search as fts

    monkeypatch.setattr(fts, "RANK_WINDOW", 3)
    thrice = case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": "Kofi Mensah"}, "notes": "quarry quarry quarry work"}
    )
    once = case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": "Amara Okafor"}, "notes": "quarry work, then a farm"}
    )
    groups = search_cases(vault.unit_of_work(), "quarry")  # 2 matches, fewer than the window
    assert _case_ids(groups) == [thrice, once]  # bm25: three mentions beat one, though older
    assert not any(h.recent for g in groups for h in g.hits)
