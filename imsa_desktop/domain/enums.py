"""``LabelledEnum``: a StrEnum whose members carry the words a user sees.

    class CaseStatus(LabelledEnum):
        OPEN = "open", "Open"
        LOST_CONTACT = "lost_contact", "Lost contact"

``CaseStatus.OPEN == "open"`` and ``CaseStatus("open")`` work as for any StrEnum (the stored
value is the first string); ``CaseStatus.OPEN.label`` is the second.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    _value_: str
    _label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label or value.replace("_", " ").capitalize()
        return member

    @property
    def label(self) -> str:
        return self._label
