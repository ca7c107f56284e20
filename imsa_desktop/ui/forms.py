"""Form fields that understand the app's values (dates that may be empty, enums, tri-state)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from imsa_desktop.domain.dates import FuzzyDate, describe, parse_human, parse_human_exact
from imsa_desktop.errors import InvalidInput
from imsa_desktop.ui.common import ICON_GREY, line_icon

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str = "", placeholder: str = "") -> W:
    """*widget* with its object name (what tests and the accessibility audit find it by) and
    its placeholder text; returns it."""
    if name:
        widget.setObjectName(name)
    if placeholder and hasattr(widget, "setPlaceholderText"):
        widget.setPlaceholderText(placeholder)
    return widget


def add_row(form: QFormLayout, label: str, widget: W, name: str = "", placeholder: str = "") -> W:
    """Add *widget* to *form* under *label*, with its object name and placeholder; returns it."""
    form.addRow(label, named(widget, name, placeholder))
    return widget


def add_row_of(form: QFormLayout, label: str, *widgets: QWidget, grow: QWidget | None = None) -> None:
    """Several widgets side by side as one row of *form* under *label*: *grow* takes the spare
    width; without it the row ends with room."""
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w, 1 if w is grow else 0)
    if grow is None:
        row.addStretch(1)
    form.addRow(label, row)


def text_box(max_height: int) -> QPlainTextEdit:
    """A few lines of free text in a form (notes, reasons, an address), at most *max_height*
    pixels tall."""
    box = QPlainTextEdit()
    box.setMaximumHeight(max_height)
    return box


def _today() -> date:
    return date.today()


# Tests (and the composition root, if it wants the session clock) may replace this.
TODAY: Callable[[], date] = _today


class DateField(QLineEdit):
    """A date as people type it ("12/3/2025", "12 March 2025", "next Tuesday"), or empty.

    While typing, the field shows how it understood the text, with the weekday, in grey at its
    right edge ("Wednesday 12 March 2025"), so it is seen before saving; a calendar button picks a
    day instead. With ``fuzzy=True`` uncertain dates are accepted too ("summer 2023", "around May
    2024", "before 2020"). Errors are a tooltip and a red edge here and one sentence in the form's
    banner: the field never grows, so a message cannot widen a dialog off-screen.
    """

    validity_changed = Signal(bool)
    picked = Signal(object)  # a date chosen in the calendar

    def __init__(
        self,
        what: str = "date",
        parent: QWidget | None = None,
        required: bool = False,
        *,
        fuzzy: bool = False,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self.what = what
        self.required = required
        self.fuzzy = fuzzy
        self._today = today
        self._understood = ""
        self._ok = True
        self.setPlaceholderText("e.g. summer 2023" if fuzzy else "e.g. 12/3/2025")
        self.setMinimumWidth(260)
        self.setMaximumWidth(420)
        self.calendar_action = QAction(line_icon(_draw_calendar), "Choose from a calendar", self)
        self.calendar_action.setToolTip("Choose from a calendar")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.popup: QCalendarWidget | None = None
        self.textChanged.connect(self._check)

    def today(self) -> date:
        return (self._today or TODAY)()

    # ---- reading --------------------------------------------------------------------------
    def _typed(self) -> str:
        """The text typed, stripped; empty is an error only when the date is required."""
        text = self.text().strip()
        if not text and self.required:
            raise InvalidInput(f"Please enter the {self.what}.")
        return text

    def fuzzy_value(self) -> FuzzyDate | None:
        text = self._typed()
        return parse_human(text, self.today(), self.what) if text else None

    def value(self) -> date | None:
        text = self._typed()
        return parse_human_exact(text, self.today(), self.what) if text else None

    def value_or_none(self) -> date | None:
        """The day typed, or None when empty or not (yet) a day."""
        try:
            return self.value()
        except InvalidInput:
            return None

    def understood(self) -> str:
        """How the text was understood ("Wednesday 12 March 2025"), or the error sentence."""
        return self._understood

    def set_value(self, d: date | FuzzyDate | None) -> None:
        if d is None:
            self.setText("")
        elif isinstance(d, FuzzyDate):
            self.setText(d.text)
        else:
            self.setText(d.isoformat())

    # ---- feedback -------------------------------------------------------------------------
    def _check(self) -> None:
        ok = True
        try:
            v = self.fuzzy_value() if self.fuzzy else self.value()
            if v is None:
                self._understood = ""
            elif isinstance(v, FuzzyDate):
                self._understood = describe(v)
            else:
                self._understood = describe(FuzzyDate.exact(v))
        except InvalidInput as e:
            ok = False
            self._understood = e.user_message
        self._ok = ok
        if self.toolTip() != self._understood:
            self.setToolTip(self._understood)
            self.setAccessibleDescription(self._understood)
        if self.property("invalid") is not (not ok):  # re-styled only when that changes
            self.setProperty("invalid", not ok)
            self.style().unpolish(self)
            self.style().polish(self)
            self.update()
        self.validity_changed.emit(ok)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self.text().strip() or not self._understood:
            return
        p = QPainter(self)
        fm = self.fontMetrics()
        used = fm.horizontalAdvance(self.text()) + 14
        right = 28 if self.actions() else 6
        room = self.width() - used - right
        if room < 40:
            p.end()
            return
        hint_text = self._understood if self._ok else "not a date: see the tooltip"
        shown = fm.elidedText(hint_text, Qt.TextElideMode.ElideRight, room)
        p.setPen(QColor(ICON_GREY) if self._ok else QColor("#b42318"))
        p.drawText(
            QRect(used, 0, room, self.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            shown,
        )
        p.end()

    # ---- calendar -------------------------------------------------------------------------
    def open_calendar(self) -> None:
        cal = QCalendarWidget(self)
        cal.setWindowFlags(Qt.WindowType.Popup)
        cal.setObjectName("datePicker")
        cal.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        cal.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        cal.setGridVisible(True)
        try:
            v = self.fuzzy_value() if self.fuzzy else self.value()
        except InvalidInput:
            v = None
        start = v.earliest if isinstance(v, FuzzyDate) else (v or self.today())
        cal.setSelectedDate(QDate(start.year, start.month, start.day))
        cal.clicked.connect(self._picked)
        cal.activated.connect(self._picked)
        cal.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.popup = cal
        cal.show()

    def _picked(self, qd: QDate) -> None:
        chosen = date(qd.year(), qd.month(), qd.day())
        self.set_value(chosen)
        if self.popup is not None:
            self.popup.close()
            self.popup.deleteLater()
            self.popup = None
        self.setFocus()
        self.picked.emit(chosen)


def _draw_calendar(p: QPainter) -> None:
    p.drawRoundedRect(4, 7, 24, 21, 3, 3)
    p.drawLine(4, 13, 28, 13)
    p.drawLine(10, 3, 10, 9)
    p.drawLine(22, 3, 22, 9)
    p.setBrush(QColor(ICON_GREY))
    for x in (9, 15, 21):
        p.drawRect(x, 17, 3, 3)


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


class ListField(QLineEdit):
    """Several short values on one line, separated by commas (aliases, languages)."""

    def value(self) -> list[str]:
        return split_list(self.text())

    def set_value(self, values: Iterable[str]) -> None:
        self.setText(", ".join(values))


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


# ---- a record's fields in and out of a form ---------------------------------------------------


def field_value(w: QWidget) -> Any:
    """What a form field holds, as the record keeps it: the value of a date, enum, yes/no or
    list field, a tick, a number, or the text without the spaces around it."""
    if isinstance(w, DateField | EnumCombo | TriState | ListField):
        return w.value()
    if isinstance(w, QAbstractButton):
        return w.isChecked()
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText().strip()
    if isinstance(w, QLineEdit):
        return w.text().strip()
    raise TypeError(f"not a form field: {type(w).__name__}")


def set_field_value(w: QWidget, value: Any) -> None:
    """Show *value* (as ``field_value`` reads it back) in the form field *w*."""
    if isinstance(w, DateField | EnumCombo | TriState | ListField):
        w.set_value(value)
    elif isinstance(w, QAbstractButton):
        w.setChecked(bool(value))
    elif isinstance(w, QSpinBox):
        w.setValue(value)
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText(value)
    elif isinstance(w, QLineEdit):
        w.setText(value)
    else:
        raise TypeError(f"not a form field: {type(w).__name__}")


def fill_fields(fields: Mapping[str, QWidget], record: object) -> None:
    """Show each field of *record* in the form field that edits it (``{field name: widget}``)."""
    for name, w in fields.items():
        set_field_value(w, getattr(record, name))


def read_fields(fields: Mapping[str, QWidget]) -> dict[str, Any]:
    """What the form fields hold, by the record's field names: ready for the record's
    constructor or ``dataclasses.replace`` (a bad date raises its one sentence)."""
    return {name: field_value(w) for name, w in fields.items()}
