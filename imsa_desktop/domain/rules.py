"""NRM deadline rules as dated, sourced data.

Rules live in TOML files under ``resources/rules/`` (see docs/deadline-rules.md), never as
constants in code: guidance changes often, and an organisation must be able to add or amend a
rule without a new release. This module parses and validates them strictly (standard library
``tomllib`` only) and picks the rule in force on a trigger date.

A rules file holds ``[[rule]]`` tables::

    [[rule]]
    id = "reconsideration_request_2024"        # stable: overrides refer to it; never rename
    series = "reconsideration_request"         # versions of one rule share a series
    title = "Reconsideration request"
    trigger = "rg_negative"
    jurisdictions = ["england-wales", "scotland", "northern-ireland"]
    period = { amount = 30, unit = "calendar_days" }   # or: no_fixed_deadline = true
    counting = "after"                         # "after": day 1 is the day after the trigger;
                                               # "beginning_with": the trigger day is day 1
    wording = "..."                            # the source's own words, quoted
    nature = "hard_limit"                      # target | hard_limit | minimum
    effective_from = 2024-02-12                # the rule in force ON THE TRIGGER DATE applies
    effective_until = 2025-09-16               # optional, inclusive (last day in force)
    met_when = ["reconsideration_decision"]    # optional: records that close the deadline
    source = "..."                             # citation shown to the user
    guidance_version = "3.7"
    explanation = "..."
    to_be_confirmed = "..."                    # optional: what is not confirmed, shown as such
    formerly = ["old_rule_id"]                 # optional: ids whose overrides this rule inherits
    not_when = ["removal_bar"]                 # optional: no date when the decision says so

``trigger`` may also be a list of triggers (one rule counting from several kinds of decision,
e.g. judicial review from a negative RG, a negative CG or a refused reconsideration).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from imsa_desktop.domain.dates import format_date, parse_iso_date
from imsa_desktop.domain.enums import LabelledEnum
from imsa_desktop.domain.model import Jurisdiction
from imsa_desktop.errors import InvalidInput


class Trigger(LabelledEnum):
    """The case fact a deadline counts from."""

    REFERRAL = "referral", "the referral"  # the NRM referral date (not Duty to Notify)
    RG_POSITIVE = "rg_positive", "the positive RG"  # a positive RG, or a reconsideration that made one
    RG_NEGATIVE = "rg_negative", "the negative RG"
    CG_POSITIVE = "cg_positive", "the positive CG"  # a positive CG, or a reconsideration that made one
    CG_NEGATIVE = "cg_negative", "the negative CG"
    VTS_DECISION = "vts_decision", "the VTS refusal"  # a refused (negative) VTS decision
    RECONSIDERATION_REFUSED = (
        "reconsideration_refused",
        "the refused reconsideration",
    )  # a negative reconsideration decision


class Counting(LabelledEnum):
    """How the words of the source count a period from its trigger day.

    ``after``: "within 3 months after", "within 30 days of": day 1 is the day after the trigger.
    ``beginning_with``: "3 months beginning with the date": the trigger day itself is day 1, so
    the period ends one day earlier than the same period counted ``after``.
    """

    AFTER = "after", "after"
    BEGINNING_WITH = "beginning_with", "beginning with"


class NotWhen(StrEnum):
    """Facts on the trigger decision that mean this rule gives no date."""

    REMOVAL_BAR = "removal_bar"  # guidance para 14.216 (17 September 2025): no reconsideration


class PeriodUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"

    def describe(self, amount: int) -> str:
        word = {"calendar_days": "calendar day", "working_days": "working day", "months": "month"}[self.value]
        return f"{amount} {word}{'' if amount == 1 else 's'}"


class Nature(LabelledEnum):
    TARGET = "target", "Target"  # an aim the authority sets itself; missing it is a fact to note
    HARD_LIMIT = "hard_limit", "Time limit"  # a time limit someone on the case must meet
    MINIMUM = (
        "minimum",
        "Minimum period",
    )  # a period that must at least run (support, no removal, no CG before)


class MetWhen(StrEnum):
    """Records that close a deadline automatically when dated on or after its trigger."""

    RG_DECISION = "rg_decision"  # a positive or negative RG decision
    CG_DECISION = "cg_decision"  # a positive or negative CG decision
    RECONSIDERATION_DECISION = "reconsideration_decision"  # any reconsideration record, pending too
    VTS_DECISION = "vts_decision"  # a later VTS decision
    POSITIVE_DECISION = "positive_decision"  # a later positive RG, CG or reconsideration


@dataclass(frozen=True)
class Period:
    amount: int
    unit: PeriodUnit

    def describe(self) -> str:
        return self.unit.describe(self.amount)


@dataclass(frozen=True)
class Rule:
    id: str
    series: str
    title: str
    triggers: tuple[Trigger, ...]
    jurisdictions: tuple[Jurisdiction, ...]
    period: Period | None  # None: no fixed deadline applied while this rule was in force
    nature: Nature
    effective_from: date
    effective_until: date | None  # inclusive; None: still in force
    source: str
    guidance_version: str
    explanation: str
    met_when: tuple[MetWhen, ...] = ()
    counting: Counting = Counting.AFTER
    wording: str = ""  # the source's own words
    to_be_confirmed: str = ""  # what could not be confirmed (shown to the advocate as such)
    formerly: tuple[str, ...] = ()
    not_when: tuple[NotWhen, ...] = ()

    @property
    def trigger(self) -> Trigger:
        return self.triggers[0]

    def in_force_on(self, d: date) -> bool:
        return self.effective_from <= d and (self.effective_until is None or d <= self.effective_until)

    def applies(self, trigger: Trigger | str, jurisdiction: Jurisdiction | str, on: date) -> bool:
        return trigger in self.triggers and jurisdiction in self.jurisdictions and self.in_force_on(on)


_E = TypeVar("_E", bound=StrEnum)
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_REQUIRED = (
    "id",
    "series",
    "title",
    "trigger",
    "jurisdictions",
    "nature",
    "effective_from",
    "source",
    "guidance_version",
    "explanation",
)
_OPTIONAL = (
    "period",
    "no_fixed_deadline",
    "effective_until",
    "met_when",
    "counting",
    "wording",
    "to_be_confirmed",
    "formerly",
    "not_when",
)
_MAX_AMOUNT = {PeriodUnit.CALENDAR_DAYS: 3660, PeriodUnit.WORKING_DAYS: 2600, PeriodUnit.MONTHS: 120}


def load_rules(texts: Iterable[str]) -> list[Rule]:
    """Parse and validate the TOML texts of one or more rules files.

    Raises ``InvalidInput`` with one sentence naming the rule (or file) at fault. Rule ids must
    be unique across all texts, and versions of one series must not overlap in time for any
    jurisdiction (otherwise a case would show the same deadline twice).
    """
    return _load_named((f"rules text {i}", t) for i, t in enumerate(texts, start=1))


def load_rule_files(folder: Path) -> list[Rule]:
    """Read every ``*.toml`` file in ``folder`` (sorted by name) and validate them together."""
    if not folder.is_dir():
        raise InvalidInput("The deadline rules folder was not found.")
    files = sorted(p for p in folder.glob("*.toml") if p.is_file())
    if not files:
        raise InvalidInput("The deadline rules folder holds no rules files (*.toml).")
    named: list[tuple[str, str]] = []
    for p in files:
        try:
            named.append((p.name, p.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidInput(f"The rules file '{p.name}' could not be read as UTF-8 text.") from e
    return _load_named(named)


def default_rules_folder() -> Path:
    """``resources/rules`` of a source checkout (the composition root may pass another folder)."""
    from imsa_desktop.paths import resource

    return resource("rules")


def rules_in_force(
    rules: Iterable[Rule], trigger: Trigger | str, jurisdiction: Jurisdiction | str, on: date
) -> list[Rule]:
    """The rules for ``trigger`` in ``jurisdiction`` that were in force on ``on`` (the trigger date)."""
    return [r for r in rules if r.applies(trigger, jurisdiction, on)]


# ---- parsing --------------------------------------------------------------------------------


def _load_named(named: Iterable[tuple[str, str]]) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for label, text in named:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InvalidInput(f"The deadline {_file_label(label)} is not valid TOML ({e}).") from e
        unknown = sorted(set(doc) - {"rule"})
        if unknown:
            raise InvalidInput(
                f"The deadline {_file_label(label)} has an unknown top-level key '{unknown[0]}'; "
                "rules go in [[rule]] tables."
            )
        tables = doc.get("rule")
        if not isinstance(tables, list) or not tables:
            raise InvalidInput(f"The deadline {_file_label(label)} holds no [[rule]] tables.")
        for index, table in enumerate(tables, start=1):
            rule = _parse_rule(table, label, index)
            if rule.id in seen:
                raise InvalidInput(
                    f"The deadline rule id '{rule.id}' is used twice ({seen[rule.id]} and {label}); "
                    "every rule needs its own id."
                )
            seen[rule.id] = label
            rules.append(rule)
    _check_series(rules)
    return rules


def _file_label(label: str) -> str:
    return f"rules file '{label}'" if label.endswith(".toml") else label


def _parse_rule(table: Any, label: str, index: int) -> Rule:
    if not isinstance(table, dict):
        raise InvalidInput(f"Entry {index} in the deadline {_file_label(label)} is not a [[rule]] table.")
    raw_id = table.get("id")
    if not isinstance(raw_id, str) or not _ID.fullmatch(raw_id):
        raise InvalidInput(
            f"Rule {index} in the deadline {_file_label(label)} needs an id of lower-case letters, "
            "digits and underscores."
        )
    rid = raw_id

    def bad(what: str) -> InvalidInput:
        return InvalidInput(f"The deadline rule '{rid}' {what}.")

    unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise bad(f"has an unknown field '{unknown[0]}'")
    missing = [k for k in _REQUIRED if k not in table]
    if missing:
        raise bad(f"is missing the field '{missing[0]}'")

    def text(key: str) -> str:
        v = table[key]
        if not isinstance(v, str) or not v.strip():
            raise bad(f"needs a non-empty text for '{key}'")
        return v.strip()

    series = text("series")
    if not _ID.fullmatch(series):
        raise bad("needs a series of lower-case letters, digits and underscores")
    raw_triggers = table["trigger"]
    if isinstance(raw_triggers, str):
        raw_triggers = [raw_triggers]
    if not isinstance(raw_triggers, list) or not raw_triggers:
        raise bad("needs a trigger (or a non-empty list of triggers)")
    triggers = tuple(_enum(Trigger, t, bad, "trigger") for t in raw_triggers)
    if len(set(triggers)) != len(triggers):
        raise bad("lists a trigger twice")
    nature = _enum(Nature, table["nature"], bad, "nature")

    js = table["jurisdictions"]
    if not isinstance(js, list) or not js:
        raise bad("needs a non-empty list of jurisdictions")
    jurisdictions = tuple(_enum(Jurisdiction, j, bad, "jurisdiction") for j in js)
    if len(set(jurisdictions)) != len(jurisdictions):
        raise bad("lists a jurisdiction twice")

    period: Period | None
    no_fixed = table.get("no_fixed_deadline", False)
    if not isinstance(no_fixed, bool):
        raise bad("needs true or false for 'no_fixed_deadline'")
    if "period" in table:
        if no_fixed:
            raise bad("has both a period and no_fixed_deadline = true; give only one")
        period = _parse_period(table["period"], bad)
    elif no_fixed:
        period = None
    else:
        raise bad("needs a period (or no_fixed_deadline = true when the guidance set no time limit)")

    effective_from = _date(table["effective_from"], bad, "effective_from")
    effective_until = (
        _date(table["effective_until"], bad, "effective_until") if "effective_until" in table else None
    )
    if effective_until is not None and effective_until < effective_from:
        raise bad("ends (effective_until) before it starts (effective_from)")

    raw_met = table.get("met_when", [])
    if not isinstance(raw_met, list):
        raise bad("needs a list for 'met_when'")
    met_when = tuple(_enum(MetWhen, m, bad, "met_when value") for m in raw_met)

    if period is not None and "counting" not in table:
        raise bad('needs counting = "after" or "beginning_with", as the words of its source say')
    counting = _enum(Counting, table.get("counting", "after"), bad, "counting")
    if period is not None and "wording" not in table:
        raise bad("needs the wording of its source, quoted (or say what is to be confirmed)")

    def optional_text(key: str) -> str:
        if key not in table:
            return ""
        v = table[key]
        if not isinstance(v, str) or not v.strip():
            raise bad(f"needs a non-empty text for '{key}'")
        return " ".join(v.split())

    def id_list(key: str) -> tuple[str, ...]:
        v = table.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and _ID.fullmatch(x) for x in v):
            raise bad(f"needs a list of rule ids for '{key}'")
        return tuple(v)

    raw_not = table.get("not_when", [])
    if not isinstance(raw_not, list):
        raise bad("needs a list for 'not_when'")
    not_when = tuple(_enum(NotWhen, x, bad, "not_when value") for x in raw_not)

    return Rule(
        id=rid,
        series=series,
        title=text("title"),
        triggers=triggers,
        jurisdictions=jurisdictions,
        period=period,
        nature=nature,
        effective_from=effective_from,
        effective_until=effective_until,
        source=text("source"),
        guidance_version=text("guidance_version"),
        explanation=" ".join(text("explanation").split()),
        met_when=met_when,
        counting=counting,
        wording=optional_text("wording"),
        to_be_confirmed=optional_text("to_be_confirmed"),
        formerly=id_list("formerly"),
        not_when=not_when,
    )


def _enum(cls: type[_E], value: Any, bad: Callable[[str], InvalidInput], what: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        shown = value if isinstance(value, str) and len(value) <= 40 else "?"
        raise bad(f"has an unknown {what} '{shown}'; use one of {allowed}") from None


def _parse_period(raw: Any, bad: Callable[[str], InvalidInput]) -> Period:
    if not isinstance(raw, dict) or set(raw) != {"amount", "unit"}:
        raise bad('needs a period written as { amount = N, unit = "calendar_days" }')
    amount = raw["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise bad("needs a whole, positive period amount")
    unit = _enum(PeriodUnit, raw["unit"], bad, "period unit")
    if amount > _MAX_AMOUNT[unit]:
        raise bad(f"has a period of {amount} {unit.value}, which is too long to be right")
    return Period(amount, unit)


def _date(raw: Any, bad: Callable[[str], InvalidInput], key: str) -> date:
    if isinstance(raw, date) and not hasattr(raw, "hour"):
        return raw
    if isinstance(raw, str):
        try:
            return parse_iso_date(raw, key)
        except InvalidInput:
            pass
    raise bad(f"needs a date in the form YYYY-MM-DD for '{key}'")


def _check_series(rules: Sequence[Rule]) -> None:
    by_series: dict[str, list[Rule]] = {}
    for r in rules:
        by_series.setdefault(r.series, []).append(r)
    for series, members in by_series.items():
        triggers = {r.triggers for r in members}
        if len(triggers) > 1:
            raise InvalidInput(
                f"The deadline rules in series '{series}' have different triggers; "
                "a series holds versions of one rule."
            )
        ordered = sorted(members, key=lambda r: r.effective_from)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                shared = set(a.jurisdictions) & set(b.jurisdictions)
                overlaps = a.effective_until is None or b.effective_from <= a.effective_until
                if shared and overlaps:
                    raise InvalidInput(
                        f"The deadline rules '{a.id}' and '{b.id}' are both in force on "
                        f"{format_date(b.effective_from)}; give '{a.id}' an effective_until "
                        "before the new rule starts."
                    )
