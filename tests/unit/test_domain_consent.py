"""Consent records: a fixed purpose vocabulary; old free-text purposes never become sharing consent."""

from __future__ import annotations

from datetime import date

import pytest

from imsa_desktop.domain import case_document
from imsa_desktop.domain.codec import from_jsonable
from imsa_desktop.domain.consent import ConsentPurpose, ConsentType
from imsa_desktop.domain.model import Case, ConsentRecord, Survivor
from imsa_desktop.errors import InvalidInput


def _doc(consents: list[dict]) -> dict:
    return {"survivor": {"full_name": "Lemlem Tesfay (ለምለም ተስፋይ)"}, "consents": consents}


@pytest.mark.parametrize(
    "old",
    ["Share case with solicitor and SCA", "Information sharing with IMSA colleagues", "NRM referral", ""],
)
def test_old_free_text_purpose_is_read_as_to_be_confirmed_and_keeps_its_words(old: str) -> None:
    doc = case_document.parse(_doc([{"purpose": old, "date": "2025-01-10"}]))
    (c,) = doc.case.consents
    assert c.purpose is ConsentPurpose.TO_BE_CONFIRMED
    assert c.purpose_detail == old.strip()
    assert c.consent_type is ConsentType.NOT_RECORDED
    assert doc.case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 2, 1)) is None


def test_stored_old_record_reads_the_same_way() -> None:
    c = from_jsonable(ConsentRecord, {"purpose": "Share with solicitor", "date": "2025-01-07", "given": True})
    assert c.purpose is ConsentPurpose.TO_BE_CONFIRMED and c.purpose_detail == "Share with solicitor"


def test_new_fields_parse_from_the_case_document() -> None:
    doc = case_document.parse(
        _doc(
            [
                {
                    "purpose": "share_advocate",
                    "date": "2025-01-10",
                    "consent_type": "verbal",
                    "witness": "Arbër Hoxha",
                    "scope": ["case", "safeguarding"],
                    "expires_on": "2026-01-10",
                }
            ]
        )
    )
    (c,) = doc.case.consents
    assert c.purpose is ConsentPurpose.SHARE_ADVOCATE and c.consent_type is ConsentType.VERBAL
    assert c.scope == ["case", "safeguarding"] and c.witness == "Arbër Hoxha"


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ({"purpose": "share_advocate", "date": "2025-01-10", "scope": ["diary"]}, "scope 'diary'"),
        ({"purpose": "share_advocate", "date": "2025-01-10", "consent_type": "nodded"}, "nodded"),
        ({"purpose": "share_advocate", "date": "2025-01-10", "withdrawn_on": "2025-01-01"}, "withdrawn"),
        ({"purpose": "share_advocate", "date": "2025-01-10", "expires_on": "2024-01-01"}, "expires"),
    ],
)
def test_bad_consent_fields_get_one_sentence(item: dict, words: str) -> None:
    with pytest.raises(InvalidInput) as e:
        case_document.parse(_doc([item]))
    assert words in e.value.user_message


def test_consent_for_checks_the_purpose_withdrawal_and_expiry() -> None:
    sca = ConsentRecord(purpose=ConsentPurpose.SHARE_COMPETENT_AUTHORITY, date=date(2025, 1, 1))
    case = Case(survivor=Survivor(full_name="Nguyễn Văn An"), consents=[sca])
    assert case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 2, 1)) is None
    assert case.consent_for(ConsentPurpose.SHARE_COMPETENT_AUTHORITY, date(2025, 2, 1)) is sca
    colleague = ConsentRecord(
        purpose=ConsentPurpose.SHARE_ADVOCATE,
        date=date(2025, 1, 1),
        expires_on=date(2025, 3, 31),
        withdrawn_on=date(2025, 6, 1),
    )
    case.consents.append(colleague)
    assert case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 3, 31)) is colleague
    assert case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 4, 1)) is None  # expired
    colleague.expires_on = None
    assert case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 6, 1)) is None  # withdrawn
    assert case.consent_for(ConsentPurpose.SHARE_ADVOCATE, date(2025, 5, 31)) is colleague
