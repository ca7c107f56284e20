"""The word being typed, when longer than the prefix index covers, is looked up as the index
terms it starts (an OR of whole words, which FTS5 reads lazily): it must find exactly the
records the plain prefix query found, whatever the script, accents or folded letters."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from imsa_desktop.services import cases as case_service
from imsa_desktop.services.search import HL_START, search_cases
from imsa_desktop.store import search as fts
from imsa_desktop.store.vault import Vault

CASES = [
    {
        "survivor": {"full_name": "Nguyễn Thị Hồng", "preferred_name": "Hồng", "aliases": ["Hong Nguyen"]},
        "notes": "Interview with the interpreter postponed; international referral.",
        "events": [
            {
                "date": "2024-06-01",
                "title": "Interviewed by police",
                "notes": "internal review, interviews x2",
            },
            {"date": "2024-07", "title": "Intercepted at the port", "notes": "anti-trafficking unit"},
        ],
    },
    {
        "survivor": {"full_name": "Đặng Văn Minh", "aliases": ["Dang Minh"]},
        "notes": "Đà Nẵng, then Đồng Nai; debt bondage, debts doubled.",
        "events": [{"date": "2023", "title": "Interviewer changed", "notes": "Debtor named"}],
    },
    {
        "survivor": {"full_name": "Paweł Wiśniewski", "aliases": ["Łukasz Wiśniewski"]},
        "notes": "Łódź car wash; Wiśniewska (sister) also interviewed.",
    },
    {
        "survivor": {"full_name": "Arbër Hoxha"},
        "notes": "Përmet; Ştefan Popescu (Românie) shared the flat.",
    },
    {
        "survivor": {"full_name": "Олена Шевченко", "aliases": ["Olena Shevchenko"]},
        "notes": "Київ; інтерв'ю у Лондоні; Шевченківський район.",
    },
    {
        "survivor": {"full_name": "ሰላም ተስፋይ", "aliases": ["Selam Tesfay-Haile"]},
        "notes": "Ελένη Παπαδοπούλου interpreted; Ελληνικά; مترجم عربي",
    },
    {
        "survivor": {"full_name": "Søren Ærø Straße"},
        "notes": "Smørrebrød café; naïve façade; Çelik İstanbul; Ostrava_2 locker_key",
    },
]


@pytest.fixture
def conn(vault: Vault) -> sqlcipher.Connection:
    for data in CASES:
        case_service.add_case(vault.unit_of_work(), data)
    assert vault.conn is not None
    return vault.conn


def _prefix_query_ids(conn: sqlcipher.Connection, query: str) -> set[str]:
    """What the search found before: the typed word as an FTS5 prefix (no window: few rows)."""
    match = fts.build_match(query)
    return {r[0] for r in conn.execute("SELECT record_id FROM search WHERE search MATCH ?", (match,))}


def _ids(conn: sqlcipher.Connection, query: str) -> set[str]:
    return {h.record_id for h in fts.search(conn, query, limit=10_000)}


def _typed_prefixes() -> list[str]:
    words: set[str] = set()
    for data in CASES:
        for text in re.findall(r"[^\W_][\w'’-]*", str(data)):
            words.add(text)
    prefixes = {w[:n] for w in words for n in range(1, len(w) + 1)}
    return sorted(prefixes)


def test_every_prefix_of_every_word_finds_what_the_prefix_query_found(conn) -> None:  # type: ignore[no-untyped-def]
    prefixes = _typed_prefixes()
    assert len(prefixes) > 300
    for typed in prefixes:
        for query in (typed, typed.upper(), f"Nguyen {typed}", f"anti-{typed}"):
            assert _ids(conn, query) == _prefix_query_ids(conn, query), query


def test_long_prefixes_are_spelled_out_and_short_ones_use_the_prefix_index(conn) -> None:  # type: ignore[no-untyped-def]
    expanded = fts._match_for_index(conn, "inter")
    assert expanded is not None and '"interview"' in expanded and '"interviews"' in expanded
    assert "*" not in expanded
    assert fts._match_for_index(conn, "int") == '"int"*'  # 2 and 3 letters: the prefix index
    assert fts._match_for_index(conn, "Шевч") == '"Шевч"*'  # not Latin: the prefix query as before
    assert fts._match_for_index(conn, "Nguyễ") == '("nguyen")'
    assert fts._match_for_index(conn, "Łuka") == '("lukasz")'  # ł folded, found through alt
    assert fts._match_for_index(conn, "zzzz") is None  # no such word: nothing to search
    assert fts.search(conn, "zzzz") == []


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Dang", "Đặng Văn Minh"),
        ("Lukasz", "Paweł Wiśniewski"),
        ("Wisni", "Paweł Wiśniewski"),
        ("Stef", "Arbër Hoxha"),
    ],
)
def test_folded_letters_still_find_the_case(vault: Vault, conn, typed: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert name in {g.display_name for g in search_cases(vault.unit_of_work(), typed)}


def test_the_words_found_through_a_spelled_out_prefix_are_highlighted(vault: Vault, conn) -> None:  # type: ignore[no-untyped-def]
    hits = [h for g in search_cases(vault.unit_of_work(), "interv") for h in g.hits]
    assert hits
    assert all(HL_START in h.title or HL_START in h.snippet for h in hits)
    assert f"{HL_START}Interviewed{fts.HL_END} by police" in {h.title for h in hits}


def test_too_many_terms_fall_back_to_the_prefix_query(conn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fts, "MAX_EXPANDED_TERMS", 2)
    assert fts._match_for_index(conn, "inte") == '"inte"*'
    assert _ids(conn, "inte") == _prefix_query_ids(conn, "inte")


def test_the_index_form_of_latin_letters_is_what_the_tokenizer_stores() -> None:
    """Every accented Latin letter ``_index_form`` spells out is stored by the index as that."""
    db = sqlcipher.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = \"unicode61 remove_diacritics 2 tokenchars '_'\")"
    )
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    expected: dict[int, str] = {}
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        word = f"ab{unicodedata.normalize('NFC', chr(cp))}cd"
        if re.fullmatch(r"\w+", word) and (form := fts._index_form(word)) is not None:
            expected[db.execute("INSERT INTO t (x) VALUES (?)", (word,)).lastrowid] = form  # type: ignore[index]
    assert len(expected) > 300
    stored = {doc: term for term, doc in db.execute("SELECT term, doc FROM v")}
    assert stored == expected
