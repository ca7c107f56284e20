"""Dates as people write them: UK day-first, month names, weekdays from an injected today, seasons,
"around", "before" -> the app's uncertain-date type, and how each was understood."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain.dates import Precision, describe, parse_human, parse_human_exact
from imsa_desktop.errors import InvalidInput

TODAY = date(2025, 2, 1)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("12/3/2025", "2025-03-12", "Wednesday 12 March 2025"),  # day first, never 3 December
        ("12.03.25", "2025-03-12", "Wednesday 12 March 2025"),
        ("12 March 2025", "2025-03-12", "Wednesday 12 March 2025"),
        ("12th of Mar 2025", "2025-03-12", "Wednesday 12 March 2025"),
        ("March 12, 2025", "2025-03-12", "Wednesday 12 March 2025"),
        ("next Tuesday", "2025-02-04", "Tuesday 4 February 2025"),
        ("last Tuesday", "2025-01-28", "Tuesday 28 January 2025"),
        ("next Saturday", "2025-02-08", "Saturday 8 February 2025"),  # today is Saturday
        ("yesterday", "2025-01-31", "Friday 31 January 2025"),
        ("3 days ago", "2025-01-29", "Wednesday 29 January 2025"),
        ("summer 2023", "2023-summer", "summer 2023 (approx.)"),
        ("around May 2024", "2024-04/2024-06", "between April 2024 and June 2024"),
        ("around 12 May 2024", "2024-05-05/2024-05-19", "between 5 May 2024 and 19 May 2024"),
        ("before 2020", "before:2020", "before 2020 (month unknown)"),
        ("after June 2024", "after:2024-06", "after June 2024"),
        ("between March and June 2024", "2024-03/2024-06", "between March 2024 and June 2024"),
        ("early 2023", "2023-01/2023-04", "between January 2023 and April 2023"),
        ("March 2024", "2024-03", "March 2024"),
        ("2024-06-01/2024-08-31", "2024-06-01/2024-08-31", "between 1 June 2024 and 31 August 2024"),
    ],
)
def test_typed_dates_are_understood(typed: str, stored: str, shown: str) -> None:
    value = parse_human(typed, TODAY)
    assert value.text == stored
    assert describe(value) == shown


def test_around_is_a_range_not_a_pretend_exact_month() -> None:
    v = parse_human("around May 2024", TODAY)
    assert v.precision is Precision.RANGE and v.earliest == date(2024, 4, 1) and v.latest == date(2024, 6, 30)


def test_weekdays_follow_the_injected_today() -> None:
    assert parse_human("next Tuesday", date(2025, 2, 3)).earliest == date(2025, 2, 4)  # a Monday
    assert parse_human("next Tuesday", date(2025, 2, 4)).earliest == date(2025, 2, 11)  # a Tuesday


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("31/2/2025", "31 February 2025 is not a real date"),
        ("13/13/2025", "not a date this app understands"),
        ("soon", "not a date this app understands"),
        ("June 2024 to March 2024", "ends before it starts"),
    ],
)
def test_bad_dates_get_one_sentence(typed: str, words: str) -> None:
    with pytest.raises(InvalidInput) as e:
        parse_human(typed, TODAY)
    assert words in e.value.user_message


def test_an_exact_field_refuses_an_uncertain_date_and_says_what_it_meant() -> None:
    assert parse_human_exact("12/3/2025", TODAY) == date(2025, 3, 12)
    with pytest.raises(InvalidInput) as e:
        parse_human_exact("summer 2023", TODAY, "decision date")
    assert (
        e.value.user_message
        == "The decision date needs an exact day; 'summer 2023' means summer 2023 (approx.)."
    )
