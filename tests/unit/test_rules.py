"""Deadline rules as data: the shipped files load, and bad files are refused with a clear sentence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imsa_desktop.domain.model import Jurisdiction
from imsa_desktop.domain.rules import (
    Nature,
    PeriodUnit,
    Trigger,
    default_rules_folder,
    load_rule_files,
    load_rules,
    rules_in_force,
)
from imsa_desktop.errors import InvalidInput
from tests.unit.shorthand import EW, NI, SCT

GOOD = """
[[rule]]
id = "reconsideration_rg_2024"
series = "reconsideration_rg"
title = "Reconsideration request (negative RG)"
trigger = "rg_negative"
jurisdictions = ["england-wales"]
period = { amount = 30, unit = "calendar_days" }
counting = "after"
nature = "hard_limit"
effective_from = 2024-02-12
wording = "within 30 calendar days of the decision"
source = "Statutory Guidance v3.7"
guidance_version = "3.7"
explanation = "Ask within 30 days."
"""


def _with(old: str, new: str, text: str = GOOD) -> str:
    assert old in text
    return text.replace(old, new)


def test_shipped_rules_load_and_cover_the_required_facts() -> None:
    rules = load_rule_files(default_rules_folder())
    by_id = {r.id: r for r in rules}
    rg = by_id["rg_decision_target"]
    assert (rg.trigger, rg.period and rg.period.amount, rg.period and rg.period.unit, rg.nature) == (
        Trigger.REFERRAL,
        5,
        PeriodUnit.WORKING_DAYS,
        Nature.TARGET,
    )
    assert set(rg.jurisdictions) == {EW, SCT, NI}
    assert by_id["recovery_period_ew_2023"].nature is Nature.MINIMUM
    assert by_id["recovery_period_ew_2009"].effective_until == date(2022, 12, 12)
    assert by_id["reconsideration_rg_before_2024"].period is None
    assert "54.5(1)" in by_id["judicial_review_ew"].source
    assert all(r.source and r.guidance_version and r.explanation for r in rules)


# Which shipped rules are in force: (trigger, jurisdiction, trigger date, the rule ids chosen).
IN_FORCE = [
    ("rg_negative", EW, "2024-02-11", "reconsideration_rg_before_2024 judicial_review_ew"),
    ("rg_negative", EW, "2024-02-12", "reconsideration_rg_2024 judicial_review_ew"),
    ("rg_negative", EW, "2025-01-15", "reconsideration_rg_2024 judicial_review_ew"),
    ("rg_negative", EW, "2025-01-16", "reconsideration_rg_2025_jan judicial_review_ew"),
    ("rg_negative", EW, "2025-05-01", "reconsideration_rg_2025_may judicial_review_ew"),
    ("rg_negative", SCT, "2025-09-16", "reconsideration_rg_2025_may judicial_review_scotland"),
    ("rg_negative", SCT, "2025-09-17", "reconsideration_rg_2025 judicial_review_scotland"),
    ("cg_negative", NI, "2018-01-07", "reconsideration_cg_before_2024 judicial_review_ni_2009"),
    ("cg_negative", NI, "2018-01-08", "reconsideration_cg_before_2024 judicial_review_ni"),
    ("rg_positive", EW, "2022-12-12", "recovery_period_ew_2009 earliest_cg_2009"),
    ("rg_positive", EW, "2022-12-13", "recovery_period_ew_2022 earliest_cg_2022"),
    ("rg_positive", EW, "2023-01-29", "recovery_period_ew_2022 earliest_cg_2022"),
    ("rg_positive", EW, "2023-01-30", "recovery_period_ew_2023 earliest_cg_2023"),
    ("rg_positive", SCT, "2025-03-03", "support_period_scotland_2018"),
    ("rg_positive", NI, "2025-03-03", "support_period_ni_2015"),
    ("cg_positive", NI, "2025-03-03", ""),
]


@pytest.mark.parametrize(("trigger", "jurisdiction", "on", "expected"), IN_FORCE)
def test_rule_in_force_is_chosen_by_the_trigger_date(
    trigger: str, jurisdiction: Jurisdiction, on: str, expected: str
) -> None:
    rules = load_rule_files(default_rules_folder())
    chosen = {r.id for r in rules_in_force(rules, Trigger(trigger), jurisdiction, date.fromisoformat(on))}
    assert chosen == set(expected.split())


def test_a_good_rule_parses_with_dates_as_toml_dates_or_text() -> None:
    [rule] = load_rules([_with("2024-02-12", '"2024-02-12"')])
    assert rule.effective_from == date(2024, 2, 12)
    assert rule.effective_until is None
    assert rule.in_force_on(date(2030, 1, 1))
    assert not rule.in_force_on(date(2024, 2, 11))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_with('nature = "hard_limit"', 'nature = "hard_limit'), ["not valid TOML"]),
        (_with('source = "Statutory Guidance v3.7"\n', ""), ["reconsideration_rg_2024", "'source'"]),
        (_with('"calendar_days"', '"weeks"'), ["reconsideration_rg_2024", "'weeks'", "working_days"]),
        (_with('"rg_negative"', '"rg_refused"'), ["reconsideration_rg_2024", "unknown trigger"]),
        (_with('["england-wales"]', '["wales"]'), ["reconsideration_rg_2024", "'wales'"]),
        (_with('["england-wales"]', "[]"), ["reconsideration_rg_2024", "jurisdictions"]),
        (_with('["england-wales"]', '["scotland", "scotland"]'), ["reconsideration_rg_2024", "twice"]),
        (_with('"hard_limit"', '"deadline"'), ["reconsideration_rg_2024", "nature"]),
        (_with("amount = 30", "amount = 0"), ["reconsideration_rg_2024", "positive"]),
        (_with("amount = 30", "amount = true"), ["reconsideration_rg_2024", "positive"]),
        (_with("amount = 30", "amount = 30000"), ["reconsideration_rg_2024", "too long"]),
        (_with("effective_from = 2024-02-12", "effective_from = 2024-02-30"), ["not valid TOML"]),
        (_with("effective_from = 2024-02-12", 'effective_from = "2024-02-30"'), ["YYYY-MM-DD"]),
        (_with("effective_from = 2024-02-12", 'effective_from = "12/02/2024"'), ["effective_from"]),
        (
            _with("effective_from = 2024-02-12", "effective_from = 2024-02-12\neffective_until = 2024-01-01"),
            ["reconsideration_rg_2024", "before it starts"],
        ),
        (_with("effective_from =", "efective_from ="), ["reconsideration_rg_2024", "'efective_from'"]),
        (
            _with('period = { amount = 30, unit = "calendar_days" }\n', ""),
            ["reconsideration_rg_2024", "needs a period"],
        ),
        (
            _with('nature = "hard_limit"', 'nature = "hard_limit"\nno_fixed_deadline = true'),
            ["reconsideration_rg_2024", "both"],
        ),
        (_with('nature = "hard_limit"', 'nature = "hard_limit"\nmet_when = ["letter"]'), ["'letter'"]),
        (_with('id = "reconsideration_rg_2024"', 'id = "Recon RG"'), ["Rule 1", "id"]),
        (_with("[[rule]]", "[rules]"), ["unknown top-level key 'rules'"]),
        ("", ["no [[rule]] tables"]),
    ],
)
def test_malformed_rules_are_refused_with_a_sentence_naming_the_rule(text: str, words: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_rules([text])
    message = caught.value.user_message
    for w in words:
        assert w in message
    assert message.endswith(".") and "\n" not in message


def test_duplicate_ids_across_files_are_refused() -> None:
    other = _with('series = "reconsideration_rg"', 'series = "other"')
    with pytest.raises(InvalidInput, match="'reconsideration_rg_2024' is used twice"):
        load_rules([GOOD, other])


def test_overlapping_versions_of_a_series_are_refused_naming_both() -> None:
    newer = _with('id = "reconsideration_rg_2024"', 'id = "reconsideration_rg_2025"')
    newer = _with("2024-02-12", "2025-09-17", newer)
    with pytest.raises(InvalidInput) as caught:
        load_rules([GOOD, newer])
    assert "'reconsideration_rg_2024' and 'reconsideration_rg_2025'" in caught.value.user_message
    assert "17 September 2025" in caught.value.user_message
    # Closing the older version the day before makes the pair valid.
    closed = _with("effective_from = 2024-02-12", "effective_from = 2024-02-12\neffective_until = 2025-09-16")
    assert [r.id for r in load_rules([closed, newer])] == [
        "reconsideration_rg_2024",
        "reconsideration_rg_2025",
    ]


def test_same_series_in_other_jurisdictions_may_overlap() -> None:
    scot = _with('id = "reconsideration_rg_2024"', 'id = "reconsideration_rg_scotland"')
    scot = _with('["england-wales"]', '["scotland"]', scot)
    assert len(load_rules([GOOD, scot])) == 2


def test_a_series_cannot_mix_triggers() -> None:
    other = _with('id = "reconsideration_rg_2024"', 'id = "x"')
    other = _with('"rg_negative"', '"cg_negative"', other)
    other = _with('["england-wales"]', '["scotland"]', other)
    with pytest.raises(InvalidInput, match="different triggers"):
        load_rules([GOOD, other])


def test_rule_files_name_the_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a_good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b_bad.toml").write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="'b_bad.toml' is not valid TOML"):
        load_rule_files(tmp_path)


def test_missing_or_empty_rules_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="folder was not found"):
        load_rule_files(tmp_path / "nowhere")
    with pytest.raises(InvalidInput, match="holds no rules files"):
        load_rule_files(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('counting = "after"\n', "", 'needs counting = "after" or "beginning_with"'),
        ('counting = "after"', 'counting = "from"', "unknown counting 'from'"),
        ('wording = "within 30 calendar days of the decision"\n', "", "needs the wording of its source"),
        ('trigger = "rg_negative"', "trigger = []", "needs a trigger"),
        ('trigger = "rg_negative"', 'trigger = ["rg_negative", "rg_negative"]', "lists a trigger twice"),
        ('nature = "hard_limit"', 'nature = "hard_limit"\nformerly = ["Bad Id"]', "needs a list of rule ids"),
        (
            'nature = "hard_limit"',
            'nature = "hard_limit"\nnot_when = ["ice"]',
            "unknown not_when value 'ice'",
        ),
        (
            'nature = "hard_limit"',
            'nature = "hard_limit"\nto_be_confirmed = " "',
            "non-empty text for 'to_be_confirmed'",
        ),
    ],
)
def test_new_rule_fields_are_checked_with_one_sentence(old: str, new: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_rules([_with(old, new)])


def test_a_rule_may_count_from_several_triggers() -> None:
    [rule] = load_rules([_with('trigger = "rg_negative"', 'trigger = ["rg_negative", "cg_negative"]')])
    assert rule.triggers == (Trigger.RG_NEGATIVE, Trigger.CG_NEGATIVE)
    assert rule.applies(Trigger.CG_NEGATIVE, EW, date(2024, 3, 1))
