"""FuzzyDate: what advocates type, what the chronology prints, and how it sorts."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain.dates import FuzzyDate, Precision, format_date, parse_iso_date
from imsa_desktop.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest", "shown"),
    [
        ("2024-06-01", Precision.DAY, date(2024, 6, 1), date(2024, 6, 1), "1 June 2024"),
        ("2024-02", Precision.MONTH, date(2024, 2, 1), date(2024, 2, 29), "February 2024"),
        ("2023-02", Precision.MONTH, date(2023, 2, 1), date(2023, 2, 28), "February 2023"),
        ("2024-summer", Precision.SEASON, date(2024, 6, 1), date(2024, 8, 31), "summer 2024 (approx.)"),
        ("2024-spring", Precision.SEASON, date(2024, 3, 1), date(2024, 5, 31), "spring 2024 (approx.)"),
        ("2024-autumn", Precision.SEASON, date(2024, 9, 1), date(2024, 11, 30), "autumn 2024 (approx.)"),
        ("2023-winter", Precision.SEASON, date(2023, 12, 1), date(2024, 2, 29), "winter 2023 (approx.)"),
        ("2022", Precision.YEAR, date(2022, 1, 1), date(2022, 12, 31), "2022 (month unknown)"),
        (
            "2024-06-01/2024-08-31",
            Precision.RANGE,
            date(2024, 6, 1),
            date(2024, 8, 31),
            "between 1 June 2024 and 31 August 2024",
        ),
        (
            "2023/2024-03",
            Precision.RANGE,
            date(2023, 1, 1),
            date(2024, 3, 31),
            "between 2023 (month unknown) and March 2024",
        ),
        ("before:2023-03-03", Precision.BEFORE, date(2023, 3, 3), date(2023, 3, 3), "before 3 March 2023"),
        ("before:2023-03", Precision.BEFORE, date(2023, 3, 1), date(2023, 3, 1), "before March 2023"),
        ("after:2024-06", Precision.AFTER, date(2024, 6, 30), date(2024, 6, 30), "after June 2024"),
        ("after:2021", Precision.AFTER, date(2021, 12, 31), date(2021, 12, 31), "after 2021 (month unknown)"),
    ],
)
def test_every_precision_parses_and_prints_honestly(
    text: str, precision: Precision, earliest: date, latest: date, shown: str
) -> None:
    d = FuzzyDate.parse(text)
    assert d.precision is precision
    assert (d.earliest, d.latest) == (earliest, latest)
    assert d.display() == shown
    assert str(d) == text
    assert FuzzyDate.parse(str(d)) == d  # the canonical text round-trips


def test_parsing_is_forgiving_about_case_and_spaces() -> None:
    assert FuzzyDate.parse("  2024-Summer ").text == "2024-summer"
    assert FuzzyDate.parse("BEFORE:2023-03").text == "before:2023-03"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2025-02-30", "not a real date"),
        ("2025-13", "not a real month"),
        ("2025-00", "not a real month"),
        ("0000", "not a real year"),
        ("2024-08-31/2024-06-01", "ends before it starts"),
        ("2025/2024", "ends before it starts"),
        ("before:2024-01/2024-02", "not a date this app understands"),
        ("after:before:2024", "not a date this app understands"),
        ("2024-01/after:2024", "not a date this app understands"),
        ("last summer", "not a date this app understands"),
        ("06/01/2024", "not a date this app understands"),
        ("", "is empty"),
    ],
)
def test_impossible_or_unreadable_dates_are_refused_with_one_sentence(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as info:
        FuzzyDate.parse(text, what="event date")
    msg = info.value.user_message
    assert says in msg
    assert msg.startswith("The event date")
    assert msg.count(".") <= 3 and "\n" not in msg


def test_sorting_is_by_earliest_then_latest() -> None:
    texts = [
        "2024",
        "2024-06-15",
        "2024-summer",
        "2024-06",
        "before:2024-06-01",
        "2023-winter",
        "after:2023-12",
    ]
    ordered = sorted((FuzzyDate.parse(t) for t in texts), key=lambda d: d.sort_key)
    assert [d.text for d in ordered] == [
        "2023-winter",  # 1 Dec 2023
        "after:2023-12",  # 31 Dec 2023
        "2024",  # 1 Jan 2024 .. 31 Dec
        "before:2024-06-01",  # 1 Jun .. 1 Jun
        "2024-06",  # 1 Jun .. 30 Jun
        "2024-summer",  # 1 Jun .. 31 Aug
        "2024-06-15",
    ]


def test_exact_helper_and_is_exact() -> None:
    d = FuzzyDate.exact(date(2025, 1, 20))
    assert d.is_exact and d.text == "2025-01-20" and d.display() == "20 January 2025"
    assert not FuzzyDate.parse("2025-01").is_exact


def test_format_date_and_parse_iso_date() -> None:
    assert format_date(date(2025, 1, 20)) == "20 January 2025"
    assert format_date(date(2024, 12, 1)) == "1 December 2024"
    assert parse_iso_date(" 2024-02-29 ") == date(2024, 2, 29)
    with pytest.raises(InvalidInput, match="not a real date"):
        parse_iso_date("2023-02-29", what="decision date")
    with pytest.raises(InvalidInput, match="form YYYY-MM-DD"):
        parse_iso_date("20/01/2025")
