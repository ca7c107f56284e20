"""Accessible names for controls that have no label of their own (applied once per widget,
at polish time, by ``keyboard.KeyboardPolicy``), so a screen reader says "Date of birth, edit"
rather than "edit" or the field's value.

In order of preference, a control without an accessible name is named by:
1. the label just before it in the same row (which then also becomes its buddy, so Alt + the
   label's underlined letter reaches it);
2. the label of the form row it sits in (``QFormLayout.addRow("Date of birth", row_layout)``),
   plus its placeholder when the row holds more than one field;
3. its placeholder text;
4. for tables and lists, the title of the case tab or dialog they are in.
Explicit ``setAccessibleName`` calls always win; this is the safety net for the rest.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def _strip(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":").strip()


def _containing_layout(layout: QLayout | None, w: QWidget) -> tuple[QLayout, int] | None:
    if layout is None:
        return None
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is w:
            return layout, i
        child = item.layout()
        if child is not None:
            found = _containing_layout(child, w)
            if found is not None:
                return found
    return None


def _form_row_label(w: QWidget) -> tuple[str, int] | None:
    """The label of the QFormLayout row whose field (a layout) holds *w*; with the number of
    fields in that row."""
    parent = w.parentWidget()
    form = parent.layout() if parent is not None else None
    if not isinstance(form, QFormLayout):
        return None
    for row in range(form.rowCount()):
        label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label_item is None or field_item is None or field_item.layout() is None:
            continue
        if _containing_layout(field_item.layout(), w) is None:
            continue
        label = label_item.widget()
        if isinstance(label, QLabel) and _strip(label.text()):
            fields = [
                field_item.layout().itemAt(i).widget()
                for i in range(field_item.layout().count())
                if isinstance(field_item.layout().itemAt(i).widget(), FIELDS)
            ]
            return _strip(label.text()), len(fields)
    return None


# The labels' buddies of a window, found once per turn of the event loop: a page shown for
# the first time sends a Show to each of its fields at once, and scanning every label of the
# window for each of them took most of the naming's time.
_buddies: dict[int, tuple[QWidget, list[QWidget]]] = {}
# Widgets looked at in their window for good (a weak set: a widget gone is simply gone).
_named: weakref.WeakSet[QWidget] = weakref.WeakSet()


def _forget_buddies() -> None:
    _buddies.clear()


def _buddies_of(window: QWidget) -> list[QWidget]:
    held = _buddies.get(id(window))
    if held is None or held[0] is not window:
        if not _buddies:
            QTimer.singleShot(0, _forget_buddies)
        found = [b for b in (label.buddy() for label in window.findChildren(QLabel)) if b is not None]
        held = _buddies[id(window)] = (window, found)
    return held[1]


def _has_buddy(w: QWidget) -> bool:
    if any(b is w for b in _buddies_of(w.window())):
        return True
    # A label given its buddy since the window's were found (a form row added in this turn):
    # such a label sits beside its field.
    parent = w.parentWidget()
    if parent is None:
        return False
    beside = parent.findChildren(QLabel, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return any(label.buddy() is w for label in beside)


def _set_buddy(label: QLabel, w: QWidget) -> None:
    label.setBuddy(w)
    _buddies_of(w.window()).append(w)


def name_if_unlabelled(w: QWidget) -> None:
    """Called at polish and at first show (a widget polished before it had a parent is
    looked at again once it is in its window)."""
    if w in _named or w.accessibleName():
        return
    if w.parentWidget() is None:
        return
    if w.isVisible():  # in its window for good: no need to look again
        _named.add(w)
    if isinstance(w, QLineEdit) and isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox):
        return
    if isinstance(w, FIELDS):
        _name_field(w)
    elif isinstance(w, QAbstractItemView):
        _name_view(w)


def _name_field(w: QWidget) -> None:
    if _has_buddy(w):
        return
    parent = w.parentWidget()
    found = _containing_layout(parent.layout() if parent is not None else None, w)
    if found is not None:
        layout, index = found
        before = layout.itemAt(index - 1).widget() if index > 0 else None
        if isinstance(before, QLabel) and before.buddy() is None and _strip(before.text()):
            _set_buddy(before, w)
            return
    placeholder = w.placeholderText() if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit) else ""
    row = _form_row_label(w)
    if row is not None:
        label, fields = row
        w.setAccessibleName(f"{label}: {placeholder}" if placeholder and fields > 1 else label)
        return
    if placeholder:
        w.setAccessibleName(placeholder)


def _name_view(view: QAbstractItemView) -> None:
    w: QWidget | None = view.parentWidget()
    while w is not None:
        title = getattr(type(w), "title", None)
        if isinstance(title, str) and title:
            view.setAccessibleName(title)
            return
        if w.isWindow() and w.windowTitle():
            view.setAccessibleName(w.windowTitle())
            return
        w = w.parentWidget()
