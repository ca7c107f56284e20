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
from datetime import date, timedelta
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
        raise InvalidInput(f"The {what} '{_clip(text)}' is not a real date.") from None


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
                raise InvalidInput(f"The {what} '{_clip(raw)}' is not a real month.")
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
                raise InvalidInput(f"The {what} '{_clip(raw)}' is not a real year.")
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


# ---- dates as people write them ----------------------------------------------------------------

WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTH_NAMES = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
_MONTH_NAMES.update({m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)})
_MONTH_NAMES["sept"] = 9
_WEEKDAY_NAMES = {d.lower(): i for i, d in enumerate(WEEKDAYS)}
_WEEKDAY_NAMES.update({d[:3].lower(): i for i, d in enumerate(WEEKDAYS)})
_WEEKDAY_NAMES.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
_APPROX = ("around", "about", "approximately", "approx.", "approx", "circa", "c.", "roughly", "~")
_PARTS = {"early": (1, 4), "mid": (5, 8), "middle of": (5, 8), "late": (9, 12), "end of": (10, 12)}
_SPACES = re.compile(r"\s+")


def weekday_name(d: date) -> str:
    return WEEKDAYS[d.weekday()]


def describe(value: FuzzyDate) -> str:
    """How a typed date was understood, with the weekday for an exact day ("Wednesday 12 March 2025")."""
    if value.is_exact:
        return f"{weekday_name(value.earliest)} {format_date(value.earliest)}"
    return value.display()


def parse_human(text: str, today: date, what: str = "date") -> FuzzyDate:
    """A date as an advocate types it, into the app's uncertain-date type.

    Understood: ``2025-03-12`` and the other stored forms (see ``FuzzyDate``); ``12/3/2025``,
    ``12.3.25``, ``12-3-2025`` (UK order: day first); ``12 March 2025``, ``12th Mar 2025``,
    ``March 12, 2025``; ``March 2025``; ``2025``; ``today``, ``yesterday``, ``tomorrow``;
    ``Tuesday``, ``next Tuesday``, ``last Tuesday``; ``3 days ago``, ``in 2 weeks``;
    ``summer 2023``; ``early/mid/late 2023``; ``around May 2024`` (a month either side),
    ``around 12 May 2024`` (a week either side), ``around 2019`` (a year either side);
    ``before 2020``, ``after June 2024``; ``between March and June 2024``, ``2019 to 2021``.
    ``today`` is passed in (never read from the clock here). One clear sentence otherwise.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput(f"The {what} is empty.")
    low = _SPACES.sub(" ", raw.lower().replace(",", " ")).strip()
    try:
        return FuzzyDate.parse(low, what)
    except InvalidInput as e:
        stored_form_error = e
    out = _human(low, today)
    if out is None and (re.match(r"\d{4}-\d", low) or ":" in low):
        raise stored_form_error  # "2024-31" is a month that does not exist: say so
    if out is None:
        raise InvalidInput(
            f"The {what} '{_clip(raw)}' is not a date this app understands "
            "(try 12/3/2025, 12 March 2025, next Tuesday, summer 2023, around May 2024 or before 2020)."
        )
    return out


def parse_human_exact(text: str, today: date, what: str = "date") -> date:
    """Like ``parse_human`` but the field needs one day (a decision date, a consent date)."""
    value = parse_human(text, today, what)
    if not value.is_exact:
        raise InvalidInput(f"The {what} needs an exact day; '{_clip(text.strip())}' means {value.display()}.")
    return value.earliest


def _human(low: str, today: date) -> FuzzyDate | None:
    for word in ("before ", "after "):
        if low.startswith(word):
            inner = _single(low[len(word) :].strip(), today)
            if inner is None or inner.precision in (Precision.RANGE, Precision.BEFORE, Precision.AFTER):
                return None
            return FuzzyDate.parse(f"{word.strip()}:{inner.text}")
    for word in _APPROX:
        if low.startswith(word + " ") or (word == "~" and low.startswith("~")):
            inner = _single(low[len(word) :].strip(), today)
            return None if inner is None else _widen(inner)
    m = re.fullmatch(r"(?:between |from )?(.+?) (?:and|to|until|till|-) (.+)", low)
    if m is None:
        m = re.fullmatch(r"(\d{4}) ?- ?(\d{4})", low)
    if m is not None:
        left, right = m.group(1), m.group(2)
        b = _single(right, today)
        a = _single(left, today)
        if a is None and b is not None:  # "March and June 2024": the year comes last
            a = _single(f"{left} {b.earliest.year}", today)
        if a is None or b is None:
            return None
        if any(x.precision in (Precision.RANGE, Precision.BEFORE, Precision.AFTER) for x in (a, b)):
            return None
        if b.latest < a.earliest:
            raise InvalidInput(f"The date '{_clip(low)}' ends before it starts.")
        return FuzzyDate.parse(f"{_canon(a)}/{_canon(b)}")
    return _single(low, today)


def _canon(value: FuzzyDate) -> str:
    """The stored text of a simple date usable as one side of a range (seasons become months)."""
    if value.precision is Precision.SEASON:
        return f"{value.earliest.year:04d}-{value.earliest.month:02d}"
    return value.text


def _widen(value: FuzzyDate) -> FuzzyDate:
    """ "around X": one unit either side of X, as a range (honest about the uncertainty)."""
    p = value.precision
    if p is Precision.DAY:
        a, b = value.earliest - timedelta(days=7), value.earliest + timedelta(days=7)
        return FuzzyDate.parse(f"{a.isoformat()}/{b.isoformat()}")
    if p in (Precision.MONTH, Precision.SEASON):
        y, mo = value.earliest.year, value.earliest.month
        ly, lm = (y, mo - 1) if mo > 1 else (y - 1, 12)
        y2, m2 = value.latest.year, value.latest.month
        ry, rm = (y2, m2 + 1) if m2 < 12 else (y2 + 1, 1)
        return FuzzyDate.parse(f"{ly:04d}-{lm:02d}/{ry:04d}-{rm:02d}")
    if p is Precision.YEAR:
        y = value.earliest.year
        return FuzzyDate.parse(f"{y - 1:04d}/{y + 1:04d}")
    return value


def _year(text: str, today: date) -> int | None:
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"'?\d{2}", text):
        yy = int(text.lstrip("'"))
        century = today.year // 100 * 100
        return century + yy if century + yy <= today.year + 10 else century - 100 + yy
    return None


def _day(y: int, mo: int, d: int) -> FuzzyDate | None:
    try:
        return FuzzyDate.exact(date(y, mo, d))
    except ValueError:
        raise InvalidInput(f"{d} {MONTHS[mo - 1]} {y} is not a real date.") from None


def _single(low: str, today: date) -> FuzzyDate | None:
    low = low.strip().rstrip(".")
    try:
        return FuzzyDate.parse(low)
    except InvalidInput:
        pass
    if low in ("today", "now"):
        return FuzzyDate.exact(today)
    if low == "yesterday":
        return FuzzyDate.exact(today - timedelta(days=1))
    if low == "tomorrow":
        return FuzzyDate.exact(today + timedelta(days=1))
    m = re.fullmatch(r"(?:(next|last|this|on) )?([a-z]+)", low)
    if m and m.group(2) in _WEEKDAY_NAMES:
        target = _WEEKDAY_NAMES[m.group(2)]
        which = m.group(1) or "next"
        if which == "last":
            back = (today.weekday() - target) % 7 or 7
            return FuzzyDate.exact(today - timedelta(days=back))
        ahead = (target - today.weekday()) % 7
        if which == "next" and ahead == 0:
            ahead = 7
        return FuzzyDate.exact(today + timedelta(days=ahead))
    m = re.fullmatch(r"(\d{1,3}|a|one|two|three) (day|week|month|year)s? ago", low) or re.fullmatch(
        r"in (\d{1,3}|a|one|two|three) (day|week)s?", low
    )
    if m:
        n = {"a": 1, "one": 1, "two": 2, "three": 3}.get(m.group(1)) or int(m.group(1))
        unit = m.group(2)
        sign = 1 if low.startswith("in ") else -1
        if unit in ("day", "week"):
            return FuzzyDate.exact(today + sign * timedelta(days=n * (7 if unit == "week" else 1)))
        if unit == "month":
            total = today.year * 12 + today.month - 1 - n
            y, mo = divmod(total, 12)
            return FuzzyDate.parse(f"{y:04d}-{mo + 1:02d}")
        return FuzzyDate.parse(f"{today.year - n:04d}")
    # 12/3/2025, 12.03.25, 12-3-2025: day first (UK)
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", low)
    if m:
        d, mo = int(m.group(1)), int(m.group(2))
        yr = _year(m.group(3), today)
        if yr is None or not 1 <= mo <= 12:
            return None
        return _day(yr, mo, d)
    # 3/2025: a month
    m = re.fullmatch(r"(\d{1,2})[/.](\d{4})", low)
    if m and 1 <= int(m.group(1)) <= 12:
        return FuzzyDate.parse(f"{int(m.group(2)):04d}-{int(m.group(1)):02d}")
    words = low.split(" ")
    # 12 March 2025 / 12th of March 2025 / 12 March (this year)
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?(?: (\d{4}|'?\d{2}))?", low)
    if m and m.group(2) in _MONTH_NAMES:
        yr = _year(m.group(3), today) if m.group(3) else today.year
        return None if yr is None else _day(yr, _MONTH_NAMES[m.group(2)], int(m.group(1)))
    # March 12 2025 / March 12th
    m = re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", low)
    if m and m.group(1) in _MONTH_NAMES:
        y = int(m.group(3)) if m.group(3) else today.year
        return _day(y, _MONTH_NAMES[m.group(1)], int(m.group(2)))
    # March 2025 / Mar '24
    m = re.fullmatch(r"([a-z]+)\.? (\d{4}|'?\d{2})", low)
    if m and m.group(1) in _MONTH_NAMES:
        yr = _year(m.group(2), today)
        return None if yr is None else FuzzyDate.parse(f"{yr:04d}-{_MONTH_NAMES[m.group(1)]:02d}")
    # summer 2023 / autumn '22
    if len(words) == 2 and words[0] in SEASONS:
        yr = _year(words[1], today)
        return None if yr is None else FuzzyDate.parse(f"{yr:04d}-{words[0]}")
    # early / mid / late 2023
    for part, (first, last) in _PARTS.items():
        if low.startswith(part + " ") or low.startswith(part + "-"):
            yr = _year(low[len(part) + 1 :].strip(), today)
            if yr is None:
                return None
            return FuzzyDate.parse(f"{yr:04d}-{first:02d}/{yr:04d}-{last:02d}")
    return None
