"""Dates as advocates have them: exact, or only a month, a season, a year, a range, before/after.

Survivors often cannot give exact dates. A ``FuzzyDate`` keeps what is known, sorts honestly
(by its earliest possible day, then its latest) and prints honestly ("summer 2024",
"before 3 March 2023"). It is written in the case document as a short string:

    2024-06-01               exact day
    2024-06                  a month
    2024-summer              a season (spring, summer, autumn, winter; UK meteorological)
    2024                     a year
    2024-06-01/2024-08-31    a range (either side may itself be a month or a year)
    before:2024-06-01        before a date (the bound may be a month or a year)
    after:2024-06            after a date
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from imsa_desktop.errors import InvalidInput

MONTHS = ("January February March April May June July August September October November December").split()

SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}


def format_date(d: date) -> str:
    """``20 January 2025``: the form letters and chronologies use."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def parse_iso_date(text: str, what: str = "date") -> date:
    """Parse ``YYYY-MM-DD`` strictly, with a clear sentence for impossible dates."""
    text = (text or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        raise InvalidInput(f"The {what} '{_clip(text)}' is not a date in the form YYYY-MM-DD.")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise InvalidInput(f"The {what} '{text}' is not a real date.") from None


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    RANGE = "range"
    BEFORE = "before"
    AFTER = "after"


@dataclass(frozen=True, order=False)
class FuzzyDate:
    precision: Precision
    earliest: date  # first possible day (for BEFORE: the bound itself, used for sorting)
    latest: date  # last possible day (for AFTER: the bound itself)
    text: str  # canonical string form

    # ---- construction -------------------------------------------------------------------
    @staticmethod
    def exact(d: date) -> FuzzyDate:
        return FuzzyDate(Precision.DAY, d, d, d.isoformat())

    @staticmethod
    def parse(text: str, what: str = "date") -> FuzzyDate:
        raw = (text or "").strip()
        if not raw:
            raise InvalidInput(f"The {what} is empty.")
        low = raw.lower()
        if low.startswith("before:") or low.startswith("after:"):
            kind, _, rest = low.partition(":")
            inner = FuzzyDate.parse(rest, what)
            if inner.precision in (Precision.RANGE, Precision.BEFORE, Precision.AFTER):
                raise InvalidInput(f"The {what} '{_clip(raw)}' is not a date this app understands.")
            if kind == "before":
                return FuzzyDate(Precision.BEFORE, inner.earliest, inner.earliest, f"before:{inner.text}")
            return FuzzyDate(Precision.AFTER, inner.latest, inner.latest, f"after:{inner.text}")
        if "/" in low:
            left, _, right = low.partition("/")
            a = FuzzyDate.parse(left, what)
            b = FuzzyDate.parse(right, what)
            if any(p.precision in (Precision.RANGE, Precision.BEFORE, Precision.AFTER) for p in (a, b)):
                raise InvalidInput(f"The {what} '{_clip(raw)}' is not a date this app understands.")
            if b.latest < a.earliest:
                raise InvalidInput(f"The {what} '{_clip(raw)}' ends before it starts.")
            return FuzzyDate(Precision.RANGE, a.earliest, b.latest, f"{a.text}/{b.text}")
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", low)
        if m:
            return FuzzyDate.exact(parse_iso_date(low, what))
        m = re.fullmatch(r"(\d{4})-(\d{2})", low)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12 or y < 1:
                raise InvalidInput(f"The {what} '{raw}' is not a real month.")
            last = calendar.monthrange(y, mo)[1]
            return FuzzyDate(Precision.MONTH, date(y, mo, 1), date(y, mo, last), f"{y:04d}-{mo:02d}")
        m = re.fullmatch(r"(\d{4})-(spring|summer|autumn|winter)", low)
        if m:
            y, season = int(m.group(1)), m.group(2)
            start_m, end_m = SEASONS[season]
            if season == "winter":  # December of y to end of February of y+1
                start, end = date(y, 12, 1), date(y + 1, 2, calendar.monthrange(y + 1, 2)[1])
            else:
                start = date(y, start_m, 1)
                end = date(y, end_m, calendar.monthrange(y, end_m)[1])
            return FuzzyDate(Precision.SEASON, start, end, f"{y:04d}-{season}")
        m = re.fullmatch(r"(\d{4})", low)
        if m:
            y = int(m.group(1))
            if y < 1:
                raise InvalidInput(f"The {what} '{raw}' is not a real year.")
            return FuzzyDate(Precision.YEAR, date(y, 1, 1), date(y, 12, 31), f"{y:04d}")
        raise InvalidInput(
            f"The {what} '{_clip(raw)}' is not a date this app understands "
            "(use YYYY-MM-DD, YYYY-MM, YYYY, a range A/B, or before:/after: a date)."
        )

    # ---- use ----------------------------------------------------------------------------
    @property
    def sort_key(self) -> tuple[date, date, str]:
        return (self.earliest, self.latest, self.text)

    @property
    def is_exact(self) -> bool:
        return self.precision is Precision.DAY

    def display(self) -> str:
        """How the date is printed: honest about what is not known."""
        p = self.precision
        if p is Precision.DAY:
            return format_date(self.earliest)
        if p is Precision.MONTH:
            return f"{MONTHS[self.earliest.month - 1]} {self.earliest.year}"
        if p is Precision.SEASON:
            return f"{self.text.split('-', 1)[1]} {self.earliest.year} (approx.)"
        if p is Precision.YEAR:
            return f"{self.earliest.year} (month unknown)"
        if p is Precision.RANGE:
            left, _, right = self.text.partition("/")
            return f"between {FuzzyDate.parse(left).display()} and {FuzzyDate.parse(right).display()}"
        inner = FuzzyDate.parse(self.text.split(":", 1)[1])
        return f"{p.value} {inner.display()}"

    def __str__(self) -> str:
        return self.text
