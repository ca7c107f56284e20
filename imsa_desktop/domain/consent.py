"""Consent and information-sharing records: a purpose from a fixed vocabulary, not free text.

An advocate must be able to show what the survivor agreed to, how, in front of whom, covering
which information and until when (UK GDPR Art. 7(1): the controller must be able to demonstrate
consent; Art. 7(3): consent can be withdrawn at any time, and withdrawing must be as easy as
giving it). So a consent record carries:

- ``purpose``: one of ``ConsentPurpose`` (refer into the NRM, share with the SCA/IECA, share
  with another advocate or organisation, share with a solicitor, ..., contact by phone/letter);
- ``consent_type``: written or verbal (``not_recorded`` for records made before this existed);
- ``witness``: who else was present, if anyone;
- ``scope``: which information groups (``INFORMATION_GROUPS``) the survivor agreed to share;
- ``expires_on`` / ``withdrawn_on``: optional dates after which it no longer counts.

Records written before the vocabulary existed had a free-text purpose. They are read as
``to_be_confirmed`` with the old words kept in ``purpose_detail``: a guess from words ("shar",
"solicitor") must never become consent to share (``upgrade_consent_data``).

Adults must consent to an NRM referral; children are referred without consent (Modern Slavery:
Statutory Guidance for England and Wales, s49 MSA 2015, v3.x, "Consent" in the chapter on
referring into the NRM; version to be confirmed against the GOV.UK history).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from imsa_desktop.domain.enums import LabelledEnum
from imsa_desktop.errors import InvalidInput


class ConsentPurpose(StrEnum):
    NRM_REFERRAL = "nrm_referral"
    SHARE_COMPETENT_AUTHORITY = "share_competent_authority"
    SHARE_ADVOCATE = "share_advocate"
    SHARE_SOLICITOR = "share_solicitor"
    SHARE_POLICE = "share_police"
    SHARE_HEALTH = "share_health"
    SHARE_SUPPORT_PROVIDER = "share_support_provider"
    SHARE_LOCAL_AUTHORITY = "share_local_authority"
    CONTACT_PHONE = "contact_phone"
    CONTACT_LETTER = "contact_letter"
    TO_BE_CONFIRMED = "to_be_confirmed"

    @property
    def label(self) -> str:
        return _PURPOSE_LABELS[self.value]

    @property
    def is_sharing(self) -> bool:
        return self.value.startswith("share_")


_PURPOSE_LABELS = {
    "nrm_referral": "Refer into the NRM",
    "share_competent_authority": "Share with the SCA/IECA",
    "share_advocate": "Share with another advocate or organisation",
    "share_solicitor": "Share with a solicitor",
    "share_police": "Share with the police",
    "share_health": "Share with a GP or health service",
    "share_support_provider": "Share with the support provider (MSVCC)",
    "share_local_authority": "Share with the local authority or housing",
    "contact_phone": "Contact by phone",
    "contact_letter": "Contact by letter",
    "to_be_confirmed": "Purpose to be confirmed",
}


class ConsentType(LabelledEnum):
    WRITTEN = "written", "Written"
    VERBAL = "verbal", "Verbal"
    NOT_RECORDED = "not_recorded", "Not recorded"


# The need-to-know groups a consent can cover. The share wizard offers the same groups and
# starts with only those the consent covers ticked.
INFORMATION_GROUPS = {
    "case": "Case record (identity, referral, decisions, timeline, evidence log)",
    "attachments": "Evidence files (attachments)",
    "safeguarding": "Safeguarding and safe-contact notes",
    "contact_details": "Contact details (voicemail and letter safety, appointment places)",
}


def purpose_label(value: str) -> str:
    try:
        return ConsentPurpose(value).label
    except ValueError:
        return _PURPOSE_LABELS["to_be_confirmed"]


def upgrade_consent_data(data: Any) -> Any:
    """A stored or typed consent dict in the current shape (old free-text purposes included).

    A purpose that is not a vocabulary value becomes ``to_be_confirmed``; its words move to
    ``purpose_detail`` (unless that is already set). Anything else is left to the strict parser.
    """
    if not isinstance(data, dict):
        return data
    purpose = data.get("purpose")
    if isinstance(purpose, str) and purpose not in _PURPOSE_LABELS:
        data = dict(data)
        data["purpose"] = ConsentPurpose.TO_BE_CONFIRMED.value
        if purpose.strip() and not data.get("purpose_detail"):
            data["purpose_detail"] = purpose.strip()
    return data


def check_scope(scope: Iterable[str], where: str = "scope") -> list[str]:
    """The scope as a list of known groups, or a clear sentence for an unknown one."""
    out: list[str] = []
    for g in scope:
        if g not in INFORMATION_GROUPS:
            allowed = ", ".join(INFORMATION_GROUPS)
            raise InvalidInput(f"{where} '{g}' is not one of: {allowed}.")
        if g not in out:
            out.append(g)
    return out


def is_in_force(given: bool, withdrawn_on: date | None, expires_on: date | None, today: date) -> bool:
    """Given, not withdrawn by ``today`` and not expired before ``today``."""
    if not given:
        return False
    if withdrawn_on is not None and withdrawn_on <= today:
        return False
    return not (expires_on is not None and expires_on < today)
