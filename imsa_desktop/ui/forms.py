"""Form fields that understand the app's values (dates that may be empty, enums, tri-state)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from imsa_desktop.domain.dates import format_date, parse_iso_date
from imsa_desktop.errors import InvalidInput


class DateField(QLineEdit):
    """A date typed as YYYY-MM-DD, or empty. Shows "20 January 2025" as a tooltip when valid."""

    validity_changed = Signal(bool)

    def __init__(self, what: str = "date", parent: QWidget | None = None, required: bool = False) -> None:
        super().__init__(parent)
        self.what = what
        self.required = required
        self.setPlaceholderText("YYYY-MM-DD")
        self.setMaximumWidth(150)
        self.textChanged.connect(self._check)

    def _check(self) -> None:
        ok = True
        try:
            d = self.value()
            self.setToolTip(format_date(d) if d else "")
        except InvalidInput as e:
            ok = False
            self.setToolTip(e.user_message)
        self.setProperty("invalid", not ok)
        self.style().unpolish(self)
        self.style().polish(self)
        self.validity_changed.emit(ok)

    def value(self) -> date | None:
        text = self.text().strip()
        if not text:
            if self.required:
                raise InvalidInput(f"Please enter the {self.what}.")
            return None
        return parse_iso_date(text, what=self.what)

    def set_value(self, d: date | None) -> None:
        self.setText(d.isoformat() if d else "")


class EnumCombo(QComboBox):
    """A combo over an enum's members. (Qt turns StrEnum item data into plain str, so the
    members are kept here and looked up by index.)"""

    def __init__(
        self, enum: type[Enum], parent: QWidget | None = None, allow_none: str | None = None
    ) -> None:
        super().__init__(parent)
        self._members: list[Any] = []
        if allow_none is not None:
            self.addItem(allow_none)
            self._members.append(None)
        for member in enum:
            self.addItem(getattr(member, "label", str(member.value)))
            self._members.append(member)

    def value(self) -> Any:
        i = self.currentIndex()
        return self._members[i] if 0 <= i < len(self._members) else None

    def set_value(self, member: Any) -> None:
        self.setCurrentIndex(self._members.index(member) if member in self._members else 0)


class TriState(QComboBox):
    """Yes / No / Not known."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("Not known", None)
        self.addItem("Yes", True)
        self.addItem("No", False)

    def value(self) -> bool | None:
        v = self.currentData()
        return None if v is None else bool(v)

    def set_value(self, v: bool | None) -> None:
        self.setCurrentIndex({None: 0, True: 1, False: 2}[v])


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
