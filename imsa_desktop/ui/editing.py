"""What the window needs from an editor to never lose an edit (duck-typed on purpose, so any
case tab or form can take part without a common base class):

* ``has_unsaved_changes() -> bool``: the form differs from what is saved;
* ``save() -> bool``: save it (True when saved; on bad input it says why and returns False);
* ``discard_changes() -> None``: put back what is saved.

Optionally ``draft() -> dict`` and ``restore_draft(dict)`` to carry unsaved changes across an
idle lock inside the vault (see services/drafts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget


@runtime_checkable
class Editor(Protocol):
    def has_unsaved_changes(self) -> bool: ...

    def save(self) -> Any: ...

    def discard_changes(self) -> None: ...


def as_editor(w: object) -> Editor | None:
    return w if isinstance(w, Editor) else None


def editor_around(w: QWidget | None) -> Editor | None:
    """The editor that holds the widget *w* (or is it), if any."""
    while w is not None:
        if isinstance(w, Editor):
            return w
        w = w.parentWidget()
    return None


# ---- form snapshots: what a form holds, to compare (dirty?) and to carry across a lock ------

FormState = list[Any]


def fields(root: QWidget) -> list[QWidget]:
    """The editable fields under *root*, in ``form_state``'s order (a form whose fields never
    change after it is built keeps this list and gives it to ``form_state``: finding them is
    most of its cost, and it runs at every keystroke)."""
    return _fields(root)


def _fields(root: QWidget) -> list[QWidget]:
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

    out: list[QWidget] = []
    for w in root.findChildren(QWidget):
        if w.property("imsaNotEdited") is True:
            continue
        if isinstance(w, QLineEdit) and not w.isReadOnly():
            if isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):
                continue  # the line edit inside a spin box or an editable combo
            out.append(w)
        elif isinstance(w, QPlainTextEdit) and not w.isReadOnly():
            out.append(w)
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            out.append(w)
        elif isinstance(w, QComboBox | QAbstractSpinBox):
            out.append(w)
    return out


def form_state(root: QWidget, fields: Sequence[QWidget] | None = None) -> FormState:
    """The value of every editable field under *root*, in a fixed order (*fields*: the
    form's ``fields(root)``, kept)."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

    values: FormState = []
    for w in _fields(root) if fields is None else fields:
        if isinstance(w, QLineEdit):
            values.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            values.append(w.toPlainText())
        elif isinstance(w, QAbstractButton):
            values.append(w.isChecked())
        elif isinstance(w, QComboBox):
            values.append(w.currentIndex())
        elif isinstance(w, QAbstractSpinBox):
            values.append(w.text())
    return values


def restore_form_state(root: QWidget, values: FormState) -> bool:
    """Put *values* (from ``form_state`` of the same form) back; False if the form differs."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

    fields = _fields(root)
    if len(fields) != len(values):
        return False
    for w, v in zip(fields, values, strict=True):
        if isinstance(w, QLineEdit):
            w.setText(str(v))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(str(v))
        elif isinstance(w, QAbstractButton):
            w.setChecked(bool(v))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(int(v))
        elif isinstance(w, QAbstractSpinBox):
            w.lineEdit().setText(str(v)) if w.lineEdit() is not None else None  # type: ignore[func-returns-value]
            w.interpretText()
    return True


def watch_changes(root: QWidget, changed: Any) -> None:
    """Call *changed()* whenever any editable field under *root* is edited."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

    def call(*_args: Any) -> None:
        changed()

    for w in _fields(root):
        if isinstance(w, QLineEdit):
            w.textChanged.connect(call)
        elif isinstance(w, QPlainTextEdit):
            w.textChanged.connect(call)
        elif isinstance(w, QAbstractButton):
            w.toggled.connect(call)
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(call)
        elif isinstance(w, QAbstractSpinBox):
            w.editingFinished.connect(call)
            if hasattr(w, "valueChanged"):
                w.valueChanged.connect(call)


class InlineForm:
    """Unsaved-change tracking for a form that sits in a tab (not in a dialog): what it held
    when last reset is the saved state."""

    def __init__(self, root: QWidget | list[QWidget], on_dirty: Any) -> None:
        self.roots = root if isinstance(root, list) else [root]
        self.root = self.roots[0]
        self.on_dirty = on_dirty
        self.baseline = self.state()
        self._dirty = False
        for r in self.roots:
            watch_changes(r, self._changed)

    def state(self) -> FormState:
        return [form_state(r) for r in self.roots]

    def restore(self, state: FormState) -> None:
        if len(state) == len(self.roots):
            for r, s in zip(self.roots, state, strict=True):
                if isinstance(s, list):
                    restore_form_state(r, s)
        self._changed()

    def _changed(self) -> None:
        dirty = self.dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.on_dirty(dirty)

    def dirty(self) -> bool:
        return self.state() != self.baseline

    def reset(self) -> None:
        self.baseline = self.state()
        self._changed()

    def discard(self) -> None:
        self.restore(self.baseline)


UNSAVED_QUESTION = "Save your changes first?"


def ask_to_save(parent: QWidget | None, editors: list[Editor], doing: str) -> bool:
    """Save / Don't save / Cancel for *editors* with unsaved changes, before *doing* (e.g.
    "closing this case"). True when it is fine to go on (saved or deliberately discarded)."""
    from PySide6.QtWidgets import QMessageBox

    if not editors:
        return True
    box = QMessageBox(parent)
    box.setObjectName("unsavedChangesBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"You have unsaved changes. {UNSAVED_QUESTION}")
    box.setInformativeText(f"They are lost if you do not save them before {doing}.")
    save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Don't save", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return all(bool(e.save()) for e in editors)
    if clicked is discard:
        for e in editors:
            e.discard_changes()
        return True
    return False
