"""Anonymous statistics: counting a caseload, exports, combining and small-number suppression.

Standard library only. The service (``services.stats``) turns each stored case into a
``CaseFacts`` (no name, no reference, no free text, no date of birth ever reaches this module)
and calls ``count``. What comes out is a ``Counts``: whole numbers keyed by figure, per-day
histograms of waiting times and quarterly series, nothing else.

* ``Counts`` of one vault are *exact*: an advocate's export stays inside the organisation.
* ``combine`` adds the exports of several vaults (same schema, same period and filter, each
  vault once): every count is a sum, the waiting-time histograms add day by day (so the combined
  median is exact), and the one maximum (the highest number of referrals of one person) is a max.
* ``publish`` applies small-number suppression for anything meant to leave the organisation:
  a count from 1 to ``threshold - 1`` shows "fewer than N" (primary suppression), and whenever
  a table line (its cells and their total) would have exactly one hidden member, another is
  hidden too (secondary suppression), repeated over every linked line until nothing changes, so
  no hidden count can be worked out by subtraction. Rates and medians built on a hidden count,
  or on fewer than ``threshold`` cases, are not shown.

Every figure has its definition in ``FIGURES``; docs/statistics.md holds the same text, and the
report prints it beside the figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from imsa_desktop.errors import InvalidInput

SCHEMA = "imsa-stats/1"
DEFAULT_THRESHOLD = 5
MAX_THRESHOLD = 1000
MAX_PERIOD_DAYS = 3653  # ten years: the quarterly series stay a readable size
P90_MIN_DECISIONS = 10  # below this the nearest-rank 90th percentile is the longest single wait

# ---- what a case contributes -----------------------------------------------------------------

POSITIVE = "positive"
NEGATIVE = "negative"
DECIDED = (POSITIVE, NEGATIVE)
RG = "reasonable_grounds"
CG = "conclusive_grounds"
RECON = "reconsideration"
DISQUALIFICATION = "public_order_disqualification"

NATIONALITY_GROUPS = {
    "uk": "UK",
    "albanian": "Albanian",
    "vietnamese": "Vietnamese",
    "eritrean": "Eritrean",
    "sudanese": "Sudanese",
    "romanian": "Romanian",
    "polish": "Polish",
    "other": "Other",
    "not_recorded": "Not recorded",
}

_NATIONALITY_WORDS = {
    "uk": ("british", "uk", "united kingdom", "english", "scottish", "welsh", "northern irish"),
    "albanian": ("albanian", "albania"),
    "vietnamese": ("vietnamese", "vietnam", "viet nam"),
    "eritrean": ("eritrean", "eritrea"),
    "sudanese": ("sudanese", "sudan"),
    "romanian": ("romanian", "romania"),
    "polish": ("polish", "poland"),
}


@lru_cache(maxsize=512)
def nationality_group(text: str) -> str:
    """The reporting group of a nationality as typed ("British" -> "uk"; "Tuvaluan" -> "other").

    Only these broad groups ever leave the vault: a rare nationality typed in full could
    identify a person in a small caseload.
    """
    t = " ".join(text.casefold().replace(".", " ").split())
    if not t:
        return "not_recorded"
    for group, words in _NATIONALITY_WORDS.items():
        if t in words:
            return group
    return "other"


@dataclass(slots=True)
class DecisionFact:
    kind: str  # DecisionKind value
    outcome: str  # Outcome value, or "" when none is recorded yet
    on: date | None


@dataclass(slots=True)
class DeadlineFact:
    """A reconsideration-request time limit of the case (a hard limit the advocate works to)."""

    due: date
    met: bool  # closed by a request or decision, or marked met
    met_on: date | None


@dataclass(slots=True)
class LetterFact:
    kind: str  # "reconsideration", ...
    sent_on: date | None
    answered: bool  # a response or an outcome has been recorded


@dataclass(slots=True)  # not frozen: 10,000 of these are built per count, frozen is 5x slower
class CaseFacts:
    """What one case contributes to the statistics: dates, categories and counts only."""

    jurisdiction: str
    status: str  # CaseStatus value
    created_on: date
    closed_on: date | None = None
    referral_date: date | None = None
    route: str = "nrm"  # ReferralRoute value
    adult_at_exploitation: bool | None = None
    exploitation_types: tuple[str, ...] = ()
    nationality_group: str = "not_recorded"
    re_referral_count: int = 0
    decisions: tuple[DecisionFact, ...] = ()
    rg_target_due: date | None = None  # last day of the RG target (from the rules), if referred
    deadlines: tuple[DeadlineFact, ...] = ()
    letters: tuple[LetterFact, ...] = ()


# ---- period and filter -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput("The end of the period is before its start.")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise InvalidInput("The period can be at most 10 years long.")

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    def quarters(self) -> list[str]:
        out = []
        y, q = self.start.year, (self.start.month - 1) // 3
        last = (self.end.year, (self.end.month - 1) // 3)
        while (y, q) <= last:
            out.append(f"{y}-Q{q + 1}")
            y, q = (y + 1, 0) if q == 3 else (y, q + 1)
        return out

    def to_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def quarter_of(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


JURISDICTIONS = ("england-wales", "scotland", "northern-ireland")
ROUTES = ("nrm", "duty_to_notify")
AGES = ("adult", "child")
EXPLOITATION_KEYS = (
    "labour",
    "sexual",
    "domestic_servitude",
    "criminal",
    "cannabis_cultivation",
    "forced_begging",
    "sham_marriage",
    "other",
)


@dataclass(frozen=True)
class Filters:
    """Which cases to count; ``None`` means all."""

    jurisdiction: str | None = None
    route: str | None = None
    age_at_exploitation: str | None = None  # "adult" or "child"
    exploitation_type: str | None = None
    nationality_group: str | None = None

    def __post_init__(self) -> None:
        checks = (
            (self.jurisdiction, JURISDICTIONS, "jurisdiction"),
            (self.route, ROUTES, "referral route"),
            (self.age_at_exploitation, AGES, "age at exploitation"),
            (self.exploitation_type, EXPLOITATION_KEYS, "exploitation type"),
            (self.nationality_group, tuple(NATIONALITY_GROUPS), "nationality group"),
        )
        for value, allowed, what in checks:
            if value is not None and value not in allowed:
                raise InvalidInput(f"The {what} filter must be one of: {', '.join(allowed)}.")

    def matches(self, c: CaseFacts) -> bool:
        if self.jurisdiction is not None and c.jurisdiction != self.jurisdiction:
            return False
        if self.route is not None and c.route != self.route:
            return False
        if self.age_at_exploitation is not None:
            want_adult = self.age_at_exploitation == "adult"
            if c.adult_at_exploitation is None or c.adult_at_exploitation is not want_adult:
                return False
        if self.exploitation_type is not None and self.exploitation_type not in c.exploitation_types:
            return False
        return self.nationality_group is None or c.nationality_group == self.nationality_group

    def to_dict(self) -> dict[str, str | None]:
        return {
            "jurisdiction": self.jurisdiction,
            "route": self.route,
            "age_at_exploitation": self.age_at_exploitation,
            "exploitation_type": self.exploitation_type,
            "nationality_group": self.nationality_group,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Filters:
        if not isinstance(data, dict) or set(data) - set(cls().to_dict()):
            raise InvalidInput("The statistics file's filter is not valid.")
        if any(v is not None and not isinstance(v, str) for v in data.values()):
            raise InvalidInput("The statistics file's filter is not valid.")
        return cls(**data)

    def describe(self) -> str:
        parts = []
        if self.jurisdiction:
            parts.append(
                {"england-wales": "England & Wales", "scotland": "Scotland"}.get(
                    self.jurisdiction, "Northern Ireland"
                )
            )
        if self.route:
            parts.append("NRM referrals" if self.route == "nrm" else "Duty to Notify")
        if self.age_at_exploitation:
            parts.append(f"{self.age_at_exploitation} at exploitation")
        if self.exploitation_type:
            parts.append(self.exploitation_type.replace("_", " ") + " exploitation")
        if self.nationality_group:
            parts.append(f"nationality group {NATIONALITY_GROUPS[self.nationality_group]}")
        return ", ".join(parts) if parts else "all cases"


# ---- the figures and their definitions --------------------------------------------------------


@dataclass(frozen=True)
class FigureDef:
    key: str
    section: str
    label: str
    definition: str
    combine: str = "sum"  # "sum" or "max"


_P = "in the period"
FIGURES: tuple[FigureDef, ...] = (
    FigureDef(
        "cases.open_during",
        "Cases",
        "Cases open during the period",
        "Cases held at any time in the period: opened on or before its last day and not closed "
        "before its first day. A case counts as opened on its NRM referral date or the day it was "
        "recorded in the vault, whichever is earlier (cases entered after the referral count from "
        "the referral).",
    ),
    FigureDef(
        "cases.opened",
        "Cases",
        "Cases opened",
        f"Cases opened {_P} (referral date or the day recorded in the vault, whichever is earlier).",
    ),
    FigureDef(
        "cases.closed", "Cases", "Cases closed", f"Cases open during the period that were closed {_P}."
    ),
    FigureDef(
        "cases.open_at_end",
        "Cases",
        "Cases still open at the end",
        "Cases open during the period and not closed by its last day (lost contact counts as open).",
    ),
    FigureDef(
        "cases.lost_contact",
        "Cases",
        "Lost contact (now)",
        "Cases open during the period whose status is 'lost contact' on the day of the export "
        "(the vault keeps the current status, not its history).",
    ),
    FigureDef(
        "referrals.nrm",
        "Referrals",
        "NRM referrals",
        f"Cases whose National Referral Mechanism referral date falls {_P}.",
    ),
    FigureDef(
        "referrals.duty_to_notify",
        "Referrals",
        "Duty to Notify reports",
        f"Cases recorded as a Duty to Notify report (Modern Slavery Act 2015 s52, MS1 form) dated {_P}.",
    ),
    FigureDef(
        "referrals.total", "Referrals", "Referrals and reports", "NRM referrals plus Duty to Notify reports."
    ),
    FigureDef(
        "rereferral.people",
        "Referrals",
        "People referred more than once",
        "Cases open during the period whose survivor has been referred into the NRM more than once "
        "(the case records at least one re-referral).",
    ),
    FigureDef(
        "rereferral.highest",
        "Referrals",
        "Highest number of referrals of one person",
        "Among those people, the largest number of NRM referrals of one person (first referral "
        "plus re-referrals). Combined by taking the highest, not by adding.",
        combine="max",
    ),
    FigureDef(
        "rg.positive",
        "Reasonable Grounds",
        "Positive RG decisions",
        f"Reasonable Grounds decisions dated {_P} with a positive outcome.",
    ),
    FigureDef(
        "rg.negative",
        "Reasonable Grounds",
        "Negative RG decisions",
        f"Reasonable Grounds decisions dated {_P} with a negative outcome.",
    ),
    FigureDef(
        "rg.total",
        "Reasonable Grounds",
        "RG decisions",
        "Positive plus negative RG decisions (pending and withdrawn are not decisions).",
    ),
    FigureDef(
        "rg.awaiting_at_end",
        "Reasonable Grounds",
        "Awaiting RG at the end",
        "Cases open during the period with an NRM referral on or before its last day and no RG "
        "decision dated by then.",
    ),
    FigureDef(
        "rg.timed",
        "Reasonable Grounds",
        "RG decisions with a referral date",
        "RG decisions in the period whose case has an NRM referral date: the base of the waiting "
        "times and of the target figures.",
    ),
    FigureDef(
        "rg.late",
        "Reasonable Grounds",
        "RG decisions later than the target",
        "Of those, decisions dated after the Reasonable Grounds target: 5 working days from the "
        "referral, skipping weekends and the jurisdiction's bank holidays (Modern Slavery "
        "Statutory Guidance for England and Wales and Non-Statutory Guidance for Scotland and "
        "Northern Ireland, Reasonable Grounds decisions; rule rg_decision_target). A target, not a "
        "legal limit.",
    ),
    FigureDef(
        "rg.on_time",
        "Reasonable Grounds",
        "RG decisions within the target",
        "RG decisions with a referral date, made on or before the target day.",
    ),
    FigureDef(
        "cg.positive",
        "Conclusive Grounds",
        "Positive CG decisions",
        f"Conclusive Grounds decisions dated {_P} with a positive outcome.",
    ),
    FigureDef(
        "cg.negative",
        "Conclusive Grounds",
        "Negative CG decisions",
        f"Conclusive Grounds decisions dated {_P} with a negative outcome.",
    ),
    FigureDef("cg.total", "Conclusive Grounds", "CG decisions", "Positive plus negative CG decisions."),
    FigureDef(
        "cg.awaiting_at_end",
        "Conclusive Grounds",
        "Awaiting CG at the end",
        "Cases open during the period with a positive RG (first decision or on reconsideration) "
        "dated by its last day, no CG decision dated by then and no public order disqualification.",
    ),
    FigureDef(
        "cg.timed",
        "Conclusive Grounds",
        "CG decisions with a referral date",
        "CG decisions in the period whose case has an NRM referral date: the base of the waiting times.",
    ),
    FigureDef(
        "recon.requested",
        "Reconsideration",
        "Reconsiderations requested",
        f"Reconsideration request letters marked sent {_P} (letters written and sent from IMSA Desktop).",
    ),
    FigureDef(
        "recon.overturned",
        "Reconsideration",
        "Overturned on reconsideration",
        f"Reconsideration decisions dated {_P} with a positive outcome: the negative RG or CG "
        "decision was withdrawn and a positive one made.",
    ),
    FigureDef(
        "recon.upheld",
        "Reconsideration",
        "Upheld on reconsideration",
        f"Reconsideration decisions dated {_P} with a negative outcome: the negative decision stands.",
    ),
    FigureDef("recon.decided", "Reconsideration", "Reconsiderations decided", "Overturned plus upheld."),
    FigureDef(
        "support.recovery_started",
        "Support",
        "Recovery periods begun",
        f"Positive RG decisions (first decision or on reconsideration) dated {_P}: each begins a "
        "recovery period with support: at least 30 days in England and Wales (Modern Slavery Act "
        "2015 s50A), 90 days in Scotland (Human Trafficking and Exploitation (Scotland) Act 2015 "
        "s9), 45 days in Northern Ireland (Human Trafficking and Exploitation (Criminal Justice "
        "and Support for Victims) Act (Northern Ireland) 2015 s18).",
    ),
    FigureDef(
        "support.move_on_started",
        "Support",
        "Move-on periods begun",
        f"Positive CG decisions (first decision or on reconsideration) dated {_P}: each begins "
        "move-on support (at least 45 days in England and Wales under the Statutory Guidance).",
    ),
    FigureDef("letters.sent", "Letters", "Letters sent", f"Letters (of any kind) marked sent {_P}."),
    FigureDef(
        "letters.answered",
        "Letters",
        "Answered",
        "Of those, letters with a response or an outcome recorded by the day of the export.",
    ),
    FigureDef(
        "letters.unanswered",
        "Letters",
        "Not yet answered",
        "Letters sent in the period with no response recorded.",
    ),
    FigureDef(
        "deadlines.total",
        "Deadlines",
        "Reconsideration time limits due",
        "Time limits for asking for reconsideration of a negative RG, CG or VTS decision (the rules "
        "in force on the decision date, e.g. 30 calendar days since 16 January 2025) whose last day "
        f"falls {_P}.",
    ),
    FigureDef(
        "deadlines.met",
        "Deadlines",
        "Met",
        "Of those, time limits closed on or before the last day: a request or decision recorded, or "
        "marked met by the advocate on or before it.",
    ),
    FigureDef(
        "deadlines.missed",
        "Deadlines",
        "Missed",
        "Time limits whose last day has passed (by the day of the export) without being met on time.",
    ),
    FigureDef(
        "deadlines.not_yet_due",
        "Deadlines",
        "Not yet due",
        "Time limits falling in the period whose last day is after the day of the export and not yet met.",
    ),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}

# Waiting times: per-day histograms (days from referral to the decision) and their buckets.
DISTRIBUTIONS = {
    "referral_to_rg_days": ("Referral to RG decision", "rg.timed"),
    "referral_to_cg_days": ("Referral to CG decision", "cg.timed"),
}
DISTRIBUTION_DEFINITION = (
    "Calendar days from the NRM referral date to the decision date, for decisions dated in the "
    "period. Median: the middle value (the mean of the two middle values when their number is "
    "even). 90th percentile: the smallest wait that at least 90% of decisions did not exceed. In a "
    "published report the median needs at least as many decisions as the suppression threshold, "
    "and the 90th percentile at least 10 (with fewer it is the single longest wait)."
)
BUCKETS = {
    "referral_to_rg_days": (
        (0, 7, "0-7 days"),
        (8, 30, "8-30 days"),
        (31, 90, "31-90 days"),
        (91, 180, "91-180 days"),
        (181, None, "181+ days"),
    ),
    "referral_to_cg_days": (
        (0, 182, "0-6 months"),
        (183, 365, "6-12 months"),
        (366, 730, "1-2 years"),
        (731, None, "2+ years"),
    ),
}

# Quarterly series (the "decisions by outcome over time" chart).
SERIES = ("rg.positive", "rg.negative", "cg.positive", "cg.negative", "recon.overturned", "recon.upheld")

# Table lines: (total, cells) with total == sum(cells). Suppression keeps each line safe.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cases.open_during", ("cases.closed", "cases.open_at_end")),
    ("referrals.total", ("referrals.nrm", "referrals.duty_to_notify")),
    ("rg.total", ("rg.positive", "rg.negative")),
    ("rg.timed", ("rg.late", "rg.on_time")),
    ("cg.total", ("cg.positive", "cg.negative")),
    ("recon.decided", ("recon.overturned", "recon.upheld")),
    ("letters.sent", ("letters.answered", "letters.unanswered")),
    ("deadlines.total", ("deadlines.met", "deadlines.missed", "deadlines.not_yet_due")),
)


def series_key(figure: str, quarter: str) -> str:
    return f"{figure}@{quarter}"


def bucket_key(dist: str, label: str) -> str:
    return f"{dist}#{label}"


# ---- counting ------------------------------------------------------------------------------


@dataclass
class Counts:
    """Exact counts of one vault (or several added together)."""

    period: Period
    filters: Filters
    figures: dict[str, int]
    distributions: dict[str, dict[int, int]]  # name -> {days: number of decisions}
    series: dict[str, dict[str, int]]  # figure -> {quarter: count}

    def get(self, key: str) -> int:
        return self.figures.get(key, 0)


def _positive_stage(c: CaseFacts, d: DecisionFact) -> str:
    """'rg' or 'cg' for a positive decision that starts a support period, else ''."""
    if d.outcome != POSITIVE:
        return ""
    if d.kind == RG:
        return "rg"
    if d.kind == CG:
        return "cg"
    if d.kind == RECON:
        cg_before = any(x.kind == CG and x.on and d.on and x.on <= d.on for x in c.decisions)
        return "cg" if cg_before else "rg"
    return ""


def count(facts: Iterable[CaseFacts], period: Period, filters: Filters, today: date) -> Counts:
    """Every figure of ``FIGURES`` for the cases that ``filters`` selects."""
    f = dict.fromkeys(FIGURE_KEYS, 0)
    dists: dict[str, dict[int, int]] = {k: {} for k in DISTRIBUTIONS}
    series = {k: dict.fromkeys(period.quarters(), 0) for k in SERIES}
    start, end = period.start, period.end

    def bump_series(figure: str, on: date) -> None:
        series[figure][quarter_of(on)] += 1

    for c in facts:
        if not filters.matches(c):
            continue
        opened = min(c.created_on, c.referral_date) if c.referral_date else c.created_on
        open_during = opened <= end and (c.closed_on is None or c.closed_on >= start)
        if open_during:
            f["cases.open_during"] += 1
            if c.closed_on is not None and c.closed_on <= end:
                f["cases.closed"] += 1
            else:
                f["cases.open_at_end"] += 1
            if c.status == "lost_contact":
                f["cases.lost_contact"] += 1
            if c.re_referral_count > 0:
                f["rereferral.people"] += 1
                f["rereferral.highest"] = max(f["rereferral.highest"], c.re_referral_count + 1)
        if opened in period:
            f["cases.opened"] += 1
        if c.referral_date is not None and c.referral_date in period:
            if c.route == "duty_to_notify":
                f["referrals.duty_to_notify"] += 1
            else:
                f["referrals.nrm"] += 1
        nrm_referral = c.referral_date if c.route != "duty_to_notify" else None

        decided = [d for d in c.decisions if d.outcome in DECIDED and d.on is not None]
        for d in decided:
            assert d.on is not None
            stage = _positive_stage(c, d)
            if d.on in period:
                if stage == "rg":
                    f["support.recovery_started"] += 1
                elif stage == "cg":
                    f["support.move_on_started"] += 1
            if d.on not in period:
                continue
            if d.kind in (RG, CG):
                prefix = "rg" if d.kind == RG else "cg"
                figure = f"{prefix}.{d.outcome}"
                f[figure] += 1
                bump_series(figure, d.on)
                if nrm_referral is not None and d.on >= nrm_referral:
                    f[f"{prefix}.timed"] += 1
                    days = (d.on - nrm_referral).days
                    hist = dists["referral_to_rg_days" if d.kind == RG else "referral_to_cg_days"]
                    hist[days] = hist.get(days, 0) + 1
                    if d.kind == RG:
                        late = c.rg_target_due is not None and d.on > c.rg_target_due
                        f["rg.late" if late else "rg.on_time"] += 1
            elif d.kind == RECON:
                figure = "recon.overturned" if d.outcome == POSITIVE else "recon.upheld"
                f[figure] += 1
                bump_series(figure, d.on)

        if open_during and nrm_referral is not None and nrm_referral <= end:
            if not any(d.kind == RG and d.on <= end for d in decided if d.on):
                f["rg.awaiting_at_end"] += 1
        positive_rg = any(_positive_stage(c, d) == "rg" and d.on and d.on <= end for d in decided)
        if open_during and positive_rg and not any(d.kind == CG and d.on and d.on <= end for d in decided):
            if not any(d.kind == DISQUALIFICATION and d.outcome == POSITIVE for d in c.decisions):
                f["cg.awaiting_at_end"] += 1

        for letter in c.letters:
            if letter.sent_on is not None and letter.sent_on in period:
                f["letters.sent"] += 1
                f["letters.answered" if letter.answered else "letters.unanswered"] += 1
                if letter.kind == "reconsideration":
                    f["recon.requested"] += 1
        for dl in c.deadlines:
            if dl.due not in period:
                continue
            f["deadlines.total"] += 1
            if dl.met and (dl.met_on is None or dl.met_on <= dl.due):
                f["deadlines.met"] += 1
            elif dl.due < today:  # passed unmet, or met after its last day
                f["deadlines.missed"] += 1
            else:
                f["deadlines.not_yet_due"] += 1

    f["rg.total"] = f["rg.positive"] + f["rg.negative"]
    f["cg.total"] = f["cg.positive"] + f["cg.negative"]
    f["recon.decided"] = f["recon.overturned"] + f["recon.upheld"]
    f["referrals.total"] = f["referrals.nrm"] + f["referrals.duty_to_notify"]
    return Counts(period, filters, f, dists, series)


# ---- waiting-time summaries --------------------------------------------------------------------


def _sorted_values(hist: Mapping[int, int]) -> list[int]:
    return [days for days in sorted(hist) for _ in range(hist[days])]


def median(hist: Mapping[int, int]) -> float | None:
    values = _sorted_values(hist)
    if not values:
        return None
    n = len(values)
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def percentile(hist: Mapping[int, int], p: float) -> int | None:
    """Nearest rank: the smallest value that at least ``p`` per cent of values do not exceed."""
    values = _sorted_values(hist)
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


def bucket_counts(dist: str, hist: Mapping[int, int]) -> dict[str, int]:
    out = {}
    for lo, hi, label in BUCKETS[dist]:
        out[label] = sum(n for days, n in hist.items() if days >= lo and (hi is None or days <= hi))
    return out


# ---- export files ----------------------------------------------------------------------------

EXACT_NOTICE = (
    "Exact counts for use inside the organisation: small numbers are NOT suppressed. Do not "
    "publish or send this file outside the organisation; combine exports with "
    "'imsa stats combine' to make a report that can leave it."
)


@dataclass(frozen=True)
class Export:
    """One vault's statistics file (or its parsed form)."""

    app_version: str
    vault: str  # the vault's pseudonymous id
    generated_on: date
    counts: Counts
    schema: str = SCHEMA


def export_to_dict(e: Export) -> dict[str, Any]:
    c = e.counts
    return {
        "schema": e.schema,
        "app_version": e.app_version,
        "vault": e.vault,
        "generated_on": e.generated_on.isoformat(),
        "period": c.period.to_dict(),
        "filter": c.filters.to_dict(),
        "exact_counts": True,
        "notice": EXACT_NOTICE,
        "figures": {k: c.figures[k] for k in FIGURE_KEYS},
        "distributions": {
            k: {str(days): n for days, n in sorted(c.distributions[k].items())} for k in DISTRIBUTIONS
        },
        "series": {k: dict(c.series[k]) for k in SERIES},
    }


def _bad(what: str) -> InvalidInput:
    return InvalidInput(f"The statistics file is not valid ({what}).")


def _count_value(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > 10**9:
        raise _bad(what)
    return v


def export_from_dict(data: Any) -> Export:
    """Read a statistics file; refuses another schema and anything malformed."""
    if not isinstance(data, dict):
        raise _bad("not a statistics export")
    schema = data.get("schema")
    if schema != SCHEMA:
        if isinstance(schema, str) and schema.startswith("imsa-stats/"):
            raise InvalidInput(
                f"The statistics file has schema {schema[:40]}, but this version reads {SCHEMA} only; "
                "export it again with the same version of IMSA Desktop."
            )
        raise _bad("not an IMSA Desktop statistics export")
    try:
        period = Period(date.fromisoformat(data["period"]["from"]), date.fromisoformat(data["period"]["to"]))
        generated = date.fromisoformat(data["generated_on"])
    except (KeyError, TypeError, ValueError):
        raise _bad("period or date") from None
    vault = data.get("vault")
    version = data.get("app_version")
    if not isinstance(vault, str) or not vault or len(vault) > 100 or not isinstance(version, str):
        raise _bad("vault id or version")
    filters = Filters.from_dict(data.get("filter"))
    figs = data.get("figures")
    if not isinstance(figs, dict) or set(figs) != set(FIGURE_KEYS):
        raise _bad("figures")
    figures = {k: _count_value(figs[k], "figures") for k in FIGURE_KEYS}
    raw_d = data.get("distributions")
    if not isinstance(raw_d, dict) or set(raw_d) != set(DISTRIBUTIONS):
        raise _bad("waiting times")
    dists: dict[str, dict[int, int]] = {}
    for k in DISTRIBUTIONS:
        if not isinstance(raw_d[k], dict):
            raise _bad("waiting times")
        hist: dict[int, int] = {}
        for days, n in raw_d[k].items():
            if not isinstance(days, str) or not days.isdigit() or len(days) > 6:
                raise _bad("waiting times")
            hist[int(days)] = _count_value(n, "waiting times")
        dists[k] = hist
    raw_s = data.get("series")
    quarters = period.quarters()
    if not isinstance(raw_s, dict) or set(raw_s) != set(SERIES):
        raise _bad("quarterly series")
    series: dict[str, dict[str, int]] = {}
    for k in SERIES:
        if not isinstance(raw_s[k], dict) or set(raw_s[k]) != set(quarters):
            raise _bad("quarterly series")
        series[k] = {q: _count_value(raw_s[k][q], "quarterly series") for q in quarters}
    return Export(version, vault, generated, Counts(period, filters, figures, dists, series), schema)


@dataclass(frozen=True)
class Combined:
    counts: Counts
    vaults: int
    app_versions: tuple[str, ...]
    generated_on: tuple[date, date]  # earliest, latest export


def combine(exports: list[Export]) -> Combined:
    """Add several vaults' exports: refuses mixed periods or filters and the same vault twice."""
    if not exports:
        raise InvalidInput("Give at least one statistics file to combine.")
    first = exports[0].counts
    seen: set[str] = set()
    for e in exports:
        if e.vault in seen:
            raise InvalidInput(
                "Two of the files come from the same vault; each advocate's export may be counted only once."
            )
        seen.add(e.vault)
        if e.counts.period != first.period:
            raise InvalidInput("The files cover different periods; export them all for the same period.")
        if e.counts.filters != first.filters:
            raise InvalidInput(
                "The files were made with different filters; export them all with the same one."
            )
    figures = dict.fromkeys(FIGURE_KEYS, 0)
    for e in exports:
        for fd in FIGURES:
            v = e.counts.figures[fd.key]
            figures[fd.key] = max(figures[fd.key], v) if fd.combine == "max" else figures[fd.key] + v
    dists: dict[str, dict[int, int]] = {k: {} for k in DISTRIBUTIONS}
    for e in exports:
        for k, hist in e.counts.distributions.items():
            for days, n in hist.items():
                dists[k][days] = dists[k].get(days, 0) + n
    series = {k: dict.fromkeys(first.period.quarters(), 0) for k in SERIES}
    for e in exports:
        for k in SERIES:
            for q, n in e.counts.series[k].items():
                series[k][q] += n
    made = sorted(e.generated_on for e in exports)
    return Combined(
        Counts(first.period, first.filters, figures, dists, series),
        len(exports),
        tuple(sorted({e.app_version for e in exports})),
        (made[0], made[-1]),
    )


# ---- small-number suppression -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None: not shown
    text: str
    hidden: str = ""  # "", "primary" (a small number), "secondary" (hidden to protect another), "base"


@dataclass
class Published:
    """What may leave the organisation: every cell as shown, with why it is hidden."""

    counts: Counts
    threshold: int
    cells: dict[str, Cell] = field(default_factory=dict)  # figures, series and bucket cells
    derived: dict[str, Cell] = field(default_factory=dict)  # rates, medians, percentiles

    def text(self, key: str) -> str:
        cell = self.cells.get(key) or self.derived[key]
        return cell.text


def check_threshold(threshold: int) -> int:
    """1 (no suppression: for use inside the organisation) or 3 to MAX_THRESHOLD ("fewer than 2"
    would say the count is 1)."""
    ok = not isinstance(threshold, bool) and isinstance(threshold, int)
    if not ok or not (threshold == 1 or 3 <= threshold <= MAX_THRESHOLD):
        raise InvalidInput(
            "The suppression threshold must be 1 (no suppression) or a whole number from 3 to "
            f"{MAX_THRESHOLD}."
        )
    return threshold


def suppress(
    values: Mapping[str, int], groups: Iterable[tuple[str, Iterable[str]]], threshold: int
) -> dict[str, str]:
    """Keys to hide and why: "primary" for 1..threshold-1, "secondary" to protect them.

    Zero is shown (it describes nobody). Two rules, repeated over every line until neither
    hides anything more (lines share cells, e.g. a quarter's figure and the period's):

    1. A line (total and its cells) must have no hidden member or at least two: otherwise the
       one hidden value is the total minus the others. The smallest non-zero shown cell is
       hidden too (or the total, if every other cell is zero).
    2. No hidden value may be pinned down by combining lines with what the report says of it
       ("fewer than 5" means 1 to 4): ``feasible_ranges`` narrows every hidden value from the
       lines it is in, and a value left with one possibility gets another cell of its lines
       hidden.
    """
    lines = [(t, tuple(cs)) for t, cs in groups]
    hidden = {k: "primary" for k, v in values.items() if 0 < v < threshold}

    def hide_another(total: str, cells: tuple[str, ...]) -> bool:
        candidates = sorted((values[c], c) for c in cells if c not in hidden and values[c] > 0)
        if candidates:
            hidden[candidates[0][1]] = "secondary"
        elif total not in hidden:
            hidden[total] = "secondary"
        else:
            rest = [(values[c], c) for c in cells if c not in hidden]
            if not rest:
                return False
            hidden[min(rest)[1]] = "secondary"
        return True

    changed = True
    while changed:
        changed = False
        for total, cells in lines:
            if sum(m in hidden for m in (total, *cells)) == 1:
                changed = hide_another(total, cells) or changed
        if changed:
            continue
        ranges = feasible_ranges(values, lines, hidden, threshold)
        for key in sorted(k for k in hidden if ranges[k][0] == ranges[k][1]):
            mine = [(t, cs) for t, cs in lines if key in (t, *cs)]
            for total, cells in mine:
                if hide_another(total, cells):
                    changed = True
                    break
            else:
                # Nothing left to hide: what gives it away is "fewer than N" itself (e.g. two
                # cells of at least 1 each in a total below N). Say only "hidden" for the small
                # cells of these lines.
                for total, cells in mine:
                    for m in (total, *cells):
                        if hidden.get(m) == "primary":
                            hidden[m] = "secondary"
                            changed = True
            if changed:
                break
    return hidden


def feasible_ranges(
    values: Mapping[str, int],
    lines: Iterable[tuple[str, Iterable[str]]],
    hidden: Mapping[str, str],
    threshold: int,
) -> dict[str, tuple[int, float]]:
    """What a reader can work out: the smallest and largest value of every cell, from what is
    shown ("fewer than N" is 1..N-1; "hidden" is any number) and the line sums."""
    inf = float("inf")
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    for k, v in values.items():
        why = hidden.get(k)
        lo[k], hi[k] = (v, v) if not why else ((1, threshold - 1) if why == "primary" else (0, inf))
    lines = [(t, tuple(cs)) for t, cs in lines]
    for _ in range(100):
        moved = False
        for total, cells in lines:
            members = [total, *cells]
            sign = {total: 1, **{c: -1 for c in cells}}  # total - sum(cells) = 0
            for m in members:
                # m's value from the others: total = sum(cells)
                others = [x for x in members if x != m]
                if sign[m] == 1:
                    new_lo = sum(lo[c] for c in others)
                    new_hi = sum(hi[c] for c in others)
                else:
                    new_lo = lo[total] - sum(hi[c] for c in others if c != total)
                    new_hi = hi[total] - sum(lo[c] for c in others if c != total)
                if new_lo > lo[m]:
                    lo[m], moved = new_lo, True
                if new_hi < hi[m]:
                    hi[m], moved = new_hi, True
        if not moved:
            break
    return {k: (int(lo[k]), hi[k]) for k in values}


def _all_groups(counts: Counts) -> list[tuple[str, tuple[str, ...]]]:
    groups = list(GROUPS)
    quarters = counts.period.quarters()
    for figure in SERIES:
        groups.append((figure, tuple(series_key(figure, q) for q in quarters)))
    # each quarter: positive + negative decided in that quarter, per decision kind
    for dist, (_label, base) in DISTRIBUTIONS.items():
        groups.append((base, tuple(bucket_key(dist, b[2]) for b in BUCKETS[dist])))
    return groups


def _all_values(counts: Counts) -> dict[str, int]:
    values = dict(counts.figures)
    for figure in SERIES:
        for q, n in counts.series[figure].items():
            values[series_key(figure, q)] = n
    for dist in DISTRIBUTIONS:
        for label, n in bucket_counts(dist, counts.distributions[dist]).items():
            values[bucket_key(dist, label)] = n
    return values


def fmt_days(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.1f} days" if v != int(v) else f"{int(v)} days"


def publish(counts: Counts, threshold: int = DEFAULT_THRESHOLD) -> Published:
    """Apply primary and secondary suppression; compute the rates and medians that may be shown."""
    check_threshold(threshold)
    values = _all_values(counts)
    values.pop("rereferral.highest")  # a maximum, not a count of people: handled below
    hidden = suppress(values, _all_groups(counts), threshold)
    out = Published(counts, threshold)
    for key, v in values.items():
        why = hidden.get(key, "")
        text = f"{v:,}" if not why else (f"fewer than {threshold}" if why == "primary" else "hidden")
        out.cells[key] = Cell(None if why else v, text, why)
    people = counts.get("rereferral.people")
    if people >= threshold and "rereferral.people" not in hidden:
        highest = counts.get("rereferral.highest")
        out.cells["rereferral.highest"] = Cell(highest, f"{highest:,}")
    else:
        out.cells["rereferral.highest"] = Cell(None, "not shown", "base")

    def ok(*keys: str) -> bool:
        return all(out.cells[k].value is not None for k in keys)

    # derived rate: (part, whole); shown only where both counts are shown and the whole is large enough
    for rate_key, part_key, whole_key in (
        ("recon.overturn_rate", "recon.overturned", "recon.decided"),
        ("rg.late_rate", "rg.late", "rg.timed"),
    ):
        part, whole = counts.get(part_key), counts.get(whole_key)
        if whole and ok(part_key, whole_key) and whole >= threshold:
            rate = 100 * part / whole
            out.derived[rate_key] = Cell(rate, f"{rate:.0f}% ({part:,} of {whole:,})")
        else:
            out.derived[rate_key] = Cell(None, "not shown", "base")
    for dist, (_label, base) in DISTRIBUTIONS.items():
        hist = counts.distributions[dist]
        n = sum(hist.values())
        m, p90 = median(hist), percentile(hist, 90)
        if n >= threshold and ok(base):
            out.derived[f"{dist}.median"] = Cell(m, fmt_days(m))
        else:
            out.derived[f"{dist}.median"] = Cell(None, "not shown", "base")
        # With fewer than 10 decisions the 90th percentile is the single longest wait: one person's.
        if n >= max(threshold, P90_MIN_DECISIONS) and ok(base) or threshold == 1:
            out.derived[f"{dist}.p90"] = Cell(p90, fmt_days(p90))
        else:
            out.derived[f"{dist}.p90"] = Cell(None, "not shown", "base")
    return out


def exact(counts: Counts) -> Published:
    """The same shape with nothing hidden (for an advocate's own, internal view)."""
    return publish(counts, 1)


DERIVED_DEFINITIONS = {
    "recon.overturn_rate": (
        "Reconsideration overturn rate",
        "Overturned on reconsideration as a share of reconsiderations decided in the period "
        "(pending requests are not in it). Not shown when fewer than the threshold were decided.",
    ),
    "rg.late_rate": (
        "RG decisions later than the target",
        "RG decisions later than the 5-working-day target as a share of RG decisions with a referral date.",
    ),
}


# ---- flat rows (CSV) ---------------------------------------------------------------------------


def rows(pub: Published) -> list[tuple[str, str, str, str, str]]:
    """(section, key, label, value as shown, definition) for every figure, series and bucket."""
    out: list[tuple[str, str, str, str, str]] = []
    for fd in FIGURES:
        out.append((fd.section, fd.key, fd.label, pub.cells[fd.key].text, fd.definition))
    for key, (label, definition) in DERIVED_DEFINITIONS.items():
        out.append(("Rates", key, label, pub.derived[key].text, definition))
    for dist, (label, base) in DISTRIBUTIONS.items():
        for suffix, what in (("median", "median"), ("p90", "90th percentile")):
            k = f"{dist}.{suffix}"
            out.append(("Waiting times", k, f"{label}: {what}", pub.derived[k].text, DISTRIBUTION_DEFINITION))
        for _lo, _hi, b in BUCKETS[dist]:
            k = bucket_key(dist, b)
            out.append(
                (
                    "Waiting times",
                    k,
                    f"{label}: {b}",
                    pub.cells[k].text,
                    f"Decisions counted in '{FIGURE_BY_KEY[base].label}' with this wait.",
                )
            )
    for figure in SERIES:
        for q in pub.counts.period.quarters():
            k = series_key(figure, q)
            out.append(
                (
                    "By quarter",
                    k,
                    f"{FIGURE_BY_KEY[figure].label}, {q}",
                    pub.cells[k].text,
                    FIGURE_BY_KEY[figure].definition,
                )
            )
    return out
