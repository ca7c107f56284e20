"""The base of every case tab, and the add / edit / delete tab most of them are.

``CaseTab``: ``load(case_id)`` fills the tab for a case, ``clear()`` empties it.

``EditableTab``: a table of one kind of record, an inline banner, and Add / Edit / Delete
buttons. It owns the banner: every call a tab makes to a service goes through ``attempt``
(an action; True when it worked) or ``fetch`` (a read; None when it failed), which show the
failure as one sentence (``message_for``) instead of each tab catching exceptions itself.
A tab subclass says only what differs: its columns, how to read its rows, its dialog, how to
save and delete a record, and what to say when one is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QWidget

from imsa_desktop.ui import editing
from imsa_desktop.ui.common import Banner, message_for
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import RecordTable

T = TypeVar("T")
V = TypeVar("V")


class CaseTab(QWidget):
    """A tab of the case workspace. ``load`` fills it for a case; ``clear`` empties it.
    A tab that edits says so with ``dirty_changed`` (see ui/editing.py for the rest)."""

    title = ""
    dirty_changed = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id: str | None = None

    def load(self, case_id: str) -> None:
        self.case_id = case_id

    def clear(self) -> None:
        self.case_id = None

    # A tab with a ``banner`` reports failures there in one sentence:
    def attempt(self, action: Callable[[], Any]) -> bool:
        return attempt(self.banner, action)

    def fetch(self, read: Callable[[], V]) -> V | None:
        return fetch(self.banner, read)

    banner: Banner


def attempt(banner: Banner, action: Callable[[], Any]) -> bool:
    """Run *action*; if it fails, say so in *banner* in one sentence. True when it worked."""
    try:
        action()
    except Exception as e:
        banner.error(message_for(e))
        return False
    return True


def fetch(banner: Banner, read: Callable[[], V]) -> V | None:
    """Run *read* and return its result; if it fails, say so in *banner* and return None."""
    try:
        return read()
    except Exception as e:
        banner.error(message_for(e))
        return None


def run_and_say(owner: QObject, banner: Banner, task: Callable[..., V], said: Callable[[V], str]) -> None:
    """Run *task* in a worker (``ui/workers.run_task``); when it is done say ``said(result)`` in
    *banner*, or, if it failed, why, in one sentence."""
    from imsa_desktop.ui.workers import run_task

    run_task(owner, task, lambda result: banner.info(said(result)), lambda e: banner.error(message_for(e)))


class EditableTab(CaseTab, Generic[T]):
    """A table of one kind of record with Add / Edit / Delete; owns the error banner.

    Subclasses set ``table`` (a ``RecordTable``) before calling ``footer`` and implement
    ``rows``, ``make_dialog``, and ``save_record`` and ``delete_record`` (or name the
    ``save_service`` and ``delete_service`` that do them)."""

    saved_message: str | None = None  # said in the banner after a save
    reload_after_change = True  # False: the tab reloads on ``session.case_changed`` itself
    # Most record services save with ``save(uow, record, clock=)`` and delete with
    # ``delete(uow, case_id, record_id)``: a tab over one names them (as staticmethods) instead
    # of writing ``save_record`` and ``delete_record``.
    save_service: Callable[..., Any] | None = None
    delete_service: Callable[..., Any] | None = None

    table: RecordTable[T]

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.banner = Banner()
        self.dialog: QDialog | None = None
        self._dialog_state: editing.FormState = []
        self._dialog_record_id: str | None = None

    # ---- for subclasses -------------------------------------------------------------------
    def rows(self, case_id: str) -> Sequence[T]:
        raise NotImplementedError

    def make_dialog(self, record: Any) -> QDialog:
        raise NotImplementedError

    def save_record(self, value: Any) -> None:
        if self.save_service is None:
            raise NotImplementedError
        self.save_service(self.session.uow(), value, clock=self.session.clock)

    def delete_record(self, record: T) -> None:
        if self.delete_service is None:
            raise NotImplementedError
        assert self.case_id is not None
        self.delete_service(self.session.uow(), self.case_id, getattr(record, "id"))  # noqa: B009

    def record_to_edit(self, row: T) -> Any:
        """The record the edit dialog opens for a selected row (None: nothing to edit)."""
        return row

    # ---- building blocks ------------------------------------------------------------------
    def footer(
        self,
        add_text: str,
        names: tuple[str | None, str | None, str | None],
        extra: Sequence[QWidget] = (),
    ) -> QHBoxLayout:
        """The row under the table: the banner, then *extra* widgets, then Add, Edit, Delete."""
        row = QHBoxLayout()
        row.addWidget(self.banner, 1)
        row.addStretch(1)
        self.add_button = QPushButton(add_text)
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete")
        buttons = (self.add_button, self.edit_button, self.delete_button)
        for b, name in zip(buttons, names, strict=True):
            if name:
                b.setObjectName(name)
        for w in (*extra, *buttons):
            row.addWidget(w)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self._edit_selected)
        self.table.doubleClicked.connect(self._edit_selected)
        self.delete_button.clicked.connect(self._delete_selected)
        return row

    # ---- behaviour --------------------------------------------------------------------------
    def load(self, case_id: str) -> None:
        super().load(case_id)
        rows = self.fetch(lambda: self.rows(case_id))
        if rows is not None:
            self.table.set_rows(rows)

    def reload(self) -> None:
        if self.case_id:
            self.load(self.case_id)

    def _selected(self) -> T | None:
        return self.table.selected()

    def _edit_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        record = self.fetch(lambda: self.record_to_edit(row))
        if record is not None:
            self.edit(record)

    def edit(self, record: Any) -> None:
        if self.case_id is None:
            return
        dialog = self.fetch(lambda: self.make_dialog(record))
        if dialog is None:
            return
        self.dialog = dialog
        self._dialog_record_id = getattr(record, "id", None)
        self._dialog_state = editing.form_state(dialog)
        dialog.accepted.connect(lambda: self._save(dialog))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        editing.watch_changes(dialog, lambda *_: self.dirty_changed.emit(self.has_unsaved_changes()))
        dialog.open()

    # ---- unsaved changes: the open edit dialog (ui/editing.py) --------------------------------
    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self.dirty_changed.emit(False)

    def has_unsaved_changes(self) -> bool:
        d = self.dialog
        return d is not None and d.isVisible() and editing.form_state(d) != self._dialog_state

    def save(self) -> bool:
        """Save the open dialog as its Save button would (it says why when it cannot)."""
        d = self.dialog
        if d is None or not d.isVisible():
            return True
        accept = getattr(d, "_accept", None)
        if callable(accept):
            accept()
        else:
            d.accept()
        return not d.isVisible()

    def discard_changes(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    def draft(self) -> dict[str, Any]:
        assert self.dialog is not None
        return {"record_id": self._dialog_record_id, "form": editing.form_state(self.dialog)}

    def restore_draft(self, draft: dict[str, Any]) -> None:
        """Open the dialog again on the same record, holding what was typed before the lock."""
        if self.case_id is None:
            return
        record_id = draft.get("record_id")
        record = None
        if record_id is not None:
            rows = self.fetch(lambda: self.rows(self.case_id or ""))
            row = next((r for r in rows or [] if getattr(r, "id", None) == record_id), None)
            if row is None:
                self.banner.error("The record being edited before the lock no longer exists.")
                return
            record = self.fetch(lambda: self.record_to_edit(row))
            if record is None:
                return
        self.edit(record)
        form = draft.get("form")
        if self.dialog is not None and isinstance(form, list):
            editing.restore_form_state(self.dialog, form)
            self.dirty_changed.emit(self.has_unsaved_changes())

    def _save(self, dialog: Any) -> None:
        if not self.attempt(lambda: self.save_record(dialog.value())):
            return
        if self.saved_message:
            self.banner.info(self.saved_message)
        self._changed()

    def _delete_selected(self) -> None:
        row = self._selected()
        if row is None or self.case_id is None:
            return
        if self.attempt(lambda: self.delete_record(row)):
            self._changed()

    def _changed(self) -> None:
        assert self.case_id is not None
        self.session.notify_case(self.case_id)
        if self.reload_after_change:
            self.load(self.case_id)

    def clear(self) -> None:
        super().clear()
        self.table.clear_rows()
        self.banner.clear_message()
