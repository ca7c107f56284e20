"""Working days, months and the three UK bank-holiday calendars (substitute days included)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_desktop.domain.deadlines import add_months, add_period, is_working_day
from imsa_desktop.domain.model import Jurisdiction
from imsa_desktop.domain.rules import PeriodUnit
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.uk_calendar import UkHolidayCalendar
from tests.unit.shorthand import EW, NI, SCT

WD = PeriodUnit.WORKING_DAYS
CAL = UkHolidayCalendar()


@pytest.mark.parametrize(
    ("d", "j", "holiday", "name_part"),
    [
        (date(2024, 12, 25), EW, True, "Christmas"),
        (date(2025, 1, 2), SCT, True, "New Year"),  # Scotland's 2 January
        (date(2025, 1, 2), EW, False, ""),
        (date(2025, 3, 17), NI, True, "Patrick"),
        (date(2025, 3, 17), EW, False, ""),
        (date(2024, 3, 18), NI, True, "observed"),  # 17 March 2024 was a Sunday
        (date(2024, 7, 12), NI, True, "Boyne"),
        (date(2026, 7, 13), NI, True, "observed"),  # 12 July 2026 is a Sunday
        (date(2025, 7, 14), NI, True, "observed"),  # 12 July 2025 was a Saturday
        (date(2026, 12, 28), EW, True, "Boxing Day (observed)"),  # 26 December 2026 is a Saturday
        (date(2022, 1, 4), SCT, True, "observed"),  # 2 January 2022 was a Sunday
        (date(2022, 1, 4), EW, False, ""),
        (date(2025, 4, 21), EW, True, "Easter Monday"),
        (date(2025, 4, 21), SCT, False, ""),  # no Easter Monday in Scotland
        (date(2025, 12, 1), SCT, True, "Andrew"),  # St Andrew's Day substitute
        (date(2025, 8, 4), SCT, True, "Summer"),
        (date(2025, 8, 4), EW, False, ""),
    ],
)
def test_bank_holidays_per_jurisdiction(d: date, j: Jurisdiction, holiday: bool, name_part: str) -> None:
    assert CAL.is_holiday(d, j) is holiday
    assert name_part in CAL.holiday_name(d, j)
    assert (CAL.holiday_name(d, j) == "") is not holiday


@pytest.mark.parametrize(
    ("start", "j", "expected"),
    [
        (date(2024, 12, 23), EW, date(2025, 1, 2)),  # Christmas, Boxing Day, New Year's Day
        (date(2024, 12, 23), NI, date(2025, 1, 2)),
        (date(2024, 12, 23), SCT, date(2025, 1, 3)),  # and 2 January
        (date(2021, 12, 24), EW, date(2022, 1, 5)),  # 27, 28 Dec and 3 Jan substitute days
        (date(2021, 12, 24), SCT, date(2022, 1, 6)),  # and 4 Jan for 2 January
        (date(2026, 12, 24), EW, date(2027, 1, 5)),  # Boxing Day substitute on Mon 28 Dec
        (date(2026, 12, 24), SCT, date(2027, 1, 6)),  # 2 January 2027 (Sat) moves to Mon 4 Jan
        (date(2025, 3, 14), NI, date(2025, 3, 24)),  # St Patrick's Day, Monday
        (date(2025, 3, 14), EW, date(2025, 3, 21)),
        (date(2024, 3, 15), NI, date(2024, 3, 25)),  # St Patrick's Day substitute, Mon 18 March
        (date(2024, 3, 15), EW, date(2024, 3, 22)),
        (date(2024, 7, 11), NI, date(2024, 7, 19)),  # Battle of the Boyne, Friday 12 July
        (date(2024, 7, 11), EW, date(2024, 7, 18)),
        (date(2026, 7, 10), NI, date(2026, 7, 20)),  # Boyne substitute, Mon 13 July 2026
        (date(2026, 7, 10), EW, date(2026, 7, 17)),
        (date(2025, 1, 4), EW, date(2025, 1, 10)),  # from a Saturday: Mon..Fri
    ],
)
def test_five_working_days(start: date, j: Jurisdiction, expected: date) -> None:
    assert add_period(start, 5, WD, j, CAL) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 10, 15), 3, date(2025, 1, 15)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
    ],
)
def test_months_are_calendar_months_clamped_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_period(start, months, PeriodUnit.MONTHS, EW, CAL) == expected


def test_calendar_days_are_not_moved_off_a_weekend() -> None:
    # 30 days after Thursday 13 February 2025 is Saturday 15 March 2025.
    assert add_period(date(2025, 2, 13), 30, "calendar_days", EW, CAL) == date(2025, 3, 15)


def test_impossible_periods_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        add_period(date(2025, 1, 1), -1, WD, EW, CAL)
    with pytest.raises(InvalidInput):
        add_period(date(9999, 12, 1), 60, "calendar_days", EW, CAL)
    with pytest.raises(InvalidInput):
        add_months(date(9999, 12, 1), 3)


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)),
    amount=st.integers(min_value=1, max_value=25),
    j=st.sampled_from(list(Jurisdiction)),
)
def test_working_day_deadline_lands_on_a_working_day_after_exactly_n_of_them(
    start: date, amount: int, j: Jurisdiction
) -> None:
    due = add_period(start, amount, WD, j, CAL)
    assert due > start
    assert due.weekday() < 5 and not CAL.is_holiday(due, j)
    days = [start + timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(is_working_day(d, j, CAL) for d in days) == amount


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=0, max_value=36),
)
def test_month_arithmetic_keeps_the_day_or_the_month_end(start: date, months: int) -> None:
    due = add_months(start, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    assert due.day == start.day or (due.day < start.day and (due + timedelta(days=1)).day == 1)


def test_a_calendar_that_may_change_is_asked_again_every_time() -> None:
    """Periods are remembered only for a calendar that says it is fixed (the shipped UK one)."""
    from imsa_desktop.domain.deadlines import add_period

    class Movable:
        def __init__(self) -> None:
            self.days: set[date] = set()

        def is_holiday(self, d: date, jurisdiction: Jurisdiction) -> bool:
            return d in self.days

    cal = Movable()
    start = date(2025, 3, 3)  # a Monday
    assert add_period(start, 5, "working_days", Jurisdiction.ENGLAND_WALES, cal) == date(2025, 3, 10)
    cal.days.add(date(2025, 3, 5))
    assert add_period(start, 5, "working_days", Jurisdiction.ENGLAND_WALES, cal) == date(2025, 3, 11)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    amount=st.integers(min_value=0, max_value=40),
    unit=st.sampled_from(["calendar_days", "working_days", "months"]),
    counting=st.sampled_from(["after", "beginning_with"]),
    j=st.sampled_from(list(Jurisdiction)),
)
def test_the_remembered_period_is_the_one_worked_out(
    start: date, amount: int, unit: str, counting: str, j: Jurisdiction
) -> None:
    from imsa_desktop.domain import deadlines as engine

    cal = UkHolidayCalendar()
    assert cal.fixed
    first = engine.add_period(start, amount, unit, j, cal, counting)
    again = engine.add_period(start, amount, unit, j, cal, counting)
    assert first == again == engine._add_period(start, amount, unit, j, cal, counting)
