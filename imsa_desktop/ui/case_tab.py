"""The base of every case tab, and the add / edit / delete tab most of them are.

``CaseTab``: ``load(case_id)`` fills the tab for a case, ``clear()`` empties it. A tab whose
read can be slow (a thousand timeline events) reads in a worker on its own connection
(``read_in_worker``): it is busy meanwhile, and a result that arrives after the tab was
cleared, given another case, locked or asked again is dropped. ``loaded`` says it shows a case.

``EditableTab``: a table of one kind of record, an inline banner, and Add / Edit / Delete
buttons. It owns the banner: every call a tab makes to a service goes through ``attempt``
(an action; True when it worked) or ``fetch`` (a read; None when it failed), which show the
failure as one sentence (``message_for``) instead of each tab catching exceptions itself.
A tab subclass says only what differs: its columns, how to read its rows, its dialog, how to
save and delete a record, and what to say when one is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QWidget

from imsa_desktop.errors import Cancelled
from imsa_desktop.ui import editing, keyboard
from imsa_desktop.ui.common import Banner, message_for
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import RecordTable
from imsa_desktop.ui.workers import CancelFlag, run_task

if TYPE_CHECKING:
    from imsa_desktop.services.ports import AbstractUnitOfWork

T = TypeVar("T")
V = TypeVar("V")


class CaseTab(QWidget):
    """A tab of the case workspace. ``load`` fills it for a case; ``clear`` empties it.
    A tab that edits says so with ``dirty_changed`` (see ui/editing.py for the rest)."""

    title = ""
    dirty_changed = Signal(bool)
    loaded = Signal(str)  # case id: the tab now shows that case's records
    busy_changed = Signal(bool)  # a read for the tab is under way in a worker

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id: str | None = None
        self._reading: CancelFlag | None = None
        self._showing: str | None = None  # the case whose records the tab shows
        self._after_read: list[tuple[str, Callable[[], None]]] = []  # (case id, fn): ``when_loaded``

    def load(self, case_id: str) -> None:
        self.case_id = case_id

    def clear(self) -> None:
        self.case_id = None
        self._showing = None
        self._after_read = []
        self._stop_reading()

    # ---- reading in a worker -----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._reading is not None

    def read_in_worker(
        self, read: Callable[[AbstractUnitOfWork], V], show: Callable[[V], None], *, writes: bool = False
    ) -> None:
        """Run *read(uow)* in a worker for the tab's case, then *show(result)* here. Until then
        the tab is busy, and takes no typing or clicks if it shows another case (nothing is
        typed into a form about to be filled: ``keyboard.hold_input``). A newer read,
        ``clear()`` or a lock drops the result. The read takes no write lock unless it
        *writes* (opening a case is audited)."""
        case_id = self.case_id
        if case_id is None:
            return
        self._stop_reading()
        flag = self._reading = CancelFlag()
        if self._showing != case_id:
            keyboard.hold_input(self, True)
        self.busy_changed.emit(True)

        def done(value: V) -> None:
            if flag is not self._reading or self.case_id != case_id or not self.session.is_open:
                return  # a stale answer: another case, a newer read or a lock came first
            self._end_reading()
            self._showing = case_id
            show(value)
            waiting, self._after_read = self._after_read, []
            for for_case, fn in waiting:
                if for_case == case_id:
                    fn()
            self.loaded.emit(case_id)

        def failed(exc: BaseException) -> None:
            if flag is not self._reading:
                return
            self._end_reading()
            if not isinstance(exc, Cancelled):
                banner = getattr(self, "banner", None)
                if isinstance(banner, Banner):
                    banner.error(message_for(exc))

        run_task(self, read, done, failed, session=self.session, read_only=not writes, cancel=flag)

    def shown(self, case_id: str) -> None:
        """A tab that fills itself at once (no worker) says so here."""
        self._showing = case_id
        self.loaded.emit(case_id)

    def when_loaded(self, fn: Callable[[], None]) -> None:
        """Run *fn* now, or once the read under way (or the newer one that replaced it) has been
        shown (e.g. restoring a draft over the form, which the read would otherwise overwrite).
        It never runs over another case: ``clear()`` drops it."""
        if not self.busy or self.case_id is None:
            fn()
            return
        self._after_read.append((self.case_id, fn))

    def still_reading(self) -> bool:
        """True (and the banner says so) while the tab's case is still being read: a save then
        would write the form of the case shown before, or an empty one."""
        if not self.busy:
            return False
        banner = getattr(self, "banner", None)
        if isinstance(banner, Banner):
            banner.info("The case is still being read: save again in a moment.")
        return True

    def _end_reading(self) -> None:
        self._reading = None
        keyboard.hold_input(self, False)
        self.busy_changed.emit(False)

    def _stop_reading(self) -> None:
        if self._reading is not None:
            self._reading.set()
            self._end_reading()

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
    def read(self, case_id: str) -> Callable[[AbstractUnitOfWork], Any]:
        """Here, on the GUI thread (where widget state such as a filter is read): the read of
        *case_id*'s rows, to run in a worker. Its result goes to ``show_rows``."""
        raise NotImplementedError

    def show_rows(self, data: Any) -> None:
        self.table.set_rows(data)

    def rows(self, case_id: str) -> Sequence[T]:
        """The rows, read here and now (restoring a draft)."""
        return list(self.read(case_id)(self.session.uow()))

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
        read = self.fetch(lambda: self.read(case_id))
        if read is not None:
            self.read_in_worker(read, self.show_rows)

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
        self.when_loaded(lambda: self._restore_draft(draft))

    def _restore_draft(self, draft: dict[str, Any]) -> None:
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
