"""Evidence validation and sizes: pure rules, no vault, no disk."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain.model import EvidenceItem
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.evidence import human_size, validate
from imsa_desktop.services.search import HL_END, HL_START, mark_terms


def _item(**kw: object) -> EvidenceItem:
    base: dict[str, object] = {"case_id": "c1", "title": "Police statement"}
    base.update(kw)
    return EvidenceItem(**base)  # type: ignore[arg-type]


def test_title_is_required_and_trimmed() -> None:
    with pytest.raises(InvalidInput, match="title"):
        validate(_item(title="   "))
    assert validate(_item(title="  GP letter ")).title == "GP letter"


def test_provided_cannot_be_before_obtained() -> None:
    with pytest.raises(InvalidInput, match="before the date it was obtained"):
        validate(_item(date_obtained=date(2025, 1, 10), date_provided=date(2025, 1, 9)))
    ok = validate(_item(date_obtained=date(2025, 1, 10), date_provided=date(2025, 1, 10)))
    assert ok.date_provided == date(2025, 1, 10)
    assert validate(_item(date_provided=date(2025, 1, 1))).date_obtained is None


def test_indicators_must_be_known_and_are_deduplicated() -> None:
    ok = validate(_item(indicators=["debt_bondage", "labour", "debt_bondage"]))
    assert ok.indicators == ["debt_bondage", "labour"]
    with pytest.raises(InvalidInput, match="not a known ILO indicator"):
        validate(_item(indicators=["debt bondage"]))


def test_validate_does_not_change_the_original() -> None:
    item = _item(title=" X ", indicators=["isolation", "isolation"])
    validate(item)
    assert item.title == " X " and item.indicators == ["isolation", "isolation"]


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1500, "1.5 KB"),
        (120 * 1024 * 1024, "126 MB"),
        (4 * 1024**3, "4.3 GB"),
    ],
)
def test_human_size(n: int, text: str) -> None:
    assert human_size(n) == text


def test_mark_terms_folds_accents_and_special_letters() -> None:
    marked = mark_terms("Dr Đặng Văn Minh, Łukasz", ["dang", "luk"])
    assert marked == f"Dr {HL_START}Đặng{HL_END} Văn Minh, {HL_START}Łukasz{HL_END}"
    assert mark_terms("nothing here", []) == "nothing here"
