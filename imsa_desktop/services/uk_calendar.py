"""UK bank holidays per jurisdiction, from the ``holidays`` package (offline data, no network).

England & Wales use ``holidays.UK(subdiv="ENG")`` (Wales has the same bank holidays), Scotland
``"SCT"`` (2 January, St Andrew's Day, no Easter Monday) and Northern Ireland ``"NIR"`` (St
Patrick's Day, Battle of the Boyne). The package includes substitute days ("observed") when a
holiday falls on a weekend, e.g. Boxing Day 2026 (a Saturday) gives Monday 28 December, and one-off
holidays such as the State Funeral of 19 September 2022. This is the only module that imports
``holidays``.
"""

from __future__ import annotations

from datetime import date

import holidays

from imsa_desktop.domain.model import Jurisdiction

_SUBDIVISION = {
    Jurisdiction.ENGLAND_WALES: "ENG",
    Jurisdiction.SCOTLAND: "SCT",
    Jurisdiction.NORTHERN_IRELAND: "NIR",
}


class UkHolidayCalendar:
    """``domain.deadlines.HolidayCalendar`` for the three UK jurisdictions, cached per year."""

    fixed = True  # the holidays package's table does not change while the app runs

    def __init__(self) -> None:
        self._cache: dict[tuple[Jurisdiction, int], dict[date, str]] = {}

    def _year(self, jurisdiction: Jurisdiction, year: int) -> dict[date, str]:
        found = self._cache.get((jurisdiction, year))  # hot path: called for every day counted
        if found is None:
            j = Jurisdiction(jurisdiction)
            table = holidays.country_holidays("GB", subdiv=_SUBDIVISION[j], years=year)
            found = {d: str(name) for d, name in table.items()}
            self._cache[(jurisdiction, year)] = found
        return found

    def is_holiday(self, d: date, jurisdiction: Jurisdiction) -> bool:
        return d in self._year(jurisdiction, d.year)

    def holiday_name(self, d: date, jurisdiction: Jurisdiction) -> str:
        """The bank holiday's name ("Boxing Day (observed)"), or "" on an ordinary day."""
        return self._year(jurisdiction, d.year).get(d, "")

    def holidays_in(self, year: int, jurisdiction: Jurisdiction) -> list[tuple[date, str]]:
        """Every bank holiday of ``year`` in ``jurisdiction``, in date order."""
        return sorted(self._year(jurisdiction, year).items())
