"""The Evidence tab: evidence items, their indicators and timeline links, and attached files.

Files are added with "Add files…" or by dropping them onto an evidence item (a row of the
list, or the Files area of the item shown). Each file streams into the vault in a worker on
its own connection, with a progress bar and Cancel. Images, PDFs and text preview inside the
app from memory (dialogs/preview_dialog.py). "Open with another program" is the only way a
plaintext copy is written by the app itself: it asks first, and the copy is deleted when the
vault locks, when the app quits and at the next start (services/tempfiles.py).

Registered in ui/plugins.py (FEATURES); importing this module changes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import (
    EXPLOITATION_TYPES,
    ILO_INDICATORS,
    EvidenceItem,
    EvidenceKind,
    TimelineEvent,
)
from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import Cancelled, InvalidInput
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import evidence as evidence_service
from imsa_desktop.services import tempfiles
from imsa_desktop.ui import editing, keyboard
from imsa_desktop.ui.case_tab import CaseTab, run_and_say
from imsa_desktop.ui.common import Banner, hint, message_for
from imsa_desktop.ui.dialogs.preview_dialog import PreviewDialog
from imsa_desktop.ui.features import _evidence_io as evidence_io
from imsa_desktop.ui.features._evidence_chips import ChipGroup
from imsa_desktop.ui.forms import DateField, EnumCombo, add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable
from imsa_desktop.ui.widgets import named_buttons, thin_progress
from imsa_desktop.ui.workers import CancelFlag, run_task

if TYPE_CHECKING:
    from imsa_desktop.domain.case_document import CaseDocument
    from imsa_desktop.services.ports import AbstractUnitOfWork

    _Read = tuple[CaseDocument, list[AttachmentInfo]]  # the case's records, its files

ID_ROLE = Qt.ItemDataRole.UserRole + 1

EXTERNAL_WARNING = (
    "To open this file in another program, IMSA Desktop has to make a temporary copy that is "
    "NOT encrypted. The copy is kept in a private folder and deleted when you lock the vault or "
    "quit, but the other program may keep its own copies or recent-files list.\n\n"
    "Only do this on a device you trust. Open it anyway?"
)

LOCAL_STYLE = """
QFrame#dropZone { border: 2px dashed #c4ccd5; border-radius: 8px; background: #fbfcfd; }
QFrame#dropZone[hover="true"] { border-color: #0b6e7f; background: #eef7f8; }
QLabel#attachmentsEmpty { color: #57606a; padding: 10px; }
"""


def local_file_paths(mime: QMimeData) -> list[Path]:
    """The local files (not folders, not web addresses) in a drag."""
    if not mime.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if p.is_file()]


class DropZone(QFrame):
    """The Files area of the shown evidence item: accepts dropped files."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)

    def _hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.isEnabled() and keyboard.takes_input(self) and local_file_paths(event.mimeData()):
            event.acceptProposedAction()
            self._hover(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: object) -> None:  # noqa: N802
        self._hover(False)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._hover(False)
        paths = local_file_paths(event.mimeData())
        if not paths or not self.isEnabled() or not keyboard.takes_input(self):
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths)


class EvidenceTable(RecordTable[EvidenceItem]):
    """The list of evidence items; a file dropped on a row is attached to that item."""

    files_dropped = Signal(str, list)  # evidence id, paths

    def __init__(self, columns: list[Column[EvidenceItem]], parent: QWidget | None = None) -> None:
        super().__init__(columns, "evidenceTable", stretch=(0,), parent=parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _evidence_at(self, event: QDropEvent | QDragMoveEvent) -> str | None:
        row = self.rowAt(int(event.position().y()))
        return self.records.record(row).id if 0 <= row < self.rowCount() else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if local_file_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if local_file_paths(event.mimeData()) and self._evidence_at(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        evidence_id = self._evidence_at(event)
        paths = local_file_paths(event.mimeData())
        if not evidence_id or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(evidence_id, paths)


def _checked(lst: QListWidget) -> list[str]:
    out = []
    for i in range(lst.count()):
        it = lst.item(i)
        if it.checkState() == Qt.CheckState.Checked:
            out.append(str(it.data(ID_ROLE)))
    return out


def _set_checked(lst: QListWidget, keys: list[str]) -> None:
    for i in range(lst.count()):
        it = lst.item(i)
        on = str(it.data(ID_ROLE)) in keys
        it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short_date(d: date) -> str:
    """'25 Jan 2025' (not strftime: that follows the system locale)."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _obtained(e: EvidenceItem) -> str:
    return _short_date(e.date_obtained) if e.date_obtained else "—"


def _obtained_tip(e: EvidenceItem) -> str:
    return format_date(e.date_obtained) if e.date_obtained else "Date not recorded"


class EvidenceTab(CaseTab):
    title = "Evidence"
    evidence_saved = Signal(str)  # evidence id
    attachment_added = Signal(str)  # attachment id
    attach_finished = Signal()  # the queue of files to add is empty again

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setObjectName("evidenceTab")
        self.setStyleSheet(LOCAL_STYLE)
        install_cleanup_hooks(session)
        self._items: list[EvidenceItem] = []
        self._attachments: dict[str, list[AttachmentInfo]] = {}
        self._events: list[TimelineEvent] = []
        self._current: EvidenceItem | None = None
        self._queue: list[tuple[str, Path]] = []
        self._cancel: CancelFlag | None = None
        self.preview: PreviewDialog | None = None
        session.locked.connect(self._cancel_all)

        # ---- left: the items ----------------------------------------------------------------
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        self.table = EvidenceTable(
            [
                Column("Evidence", lambda e: e.title),
                Column("Kind", lambda e: e.kind.label),
                Column(
                    "Obtained",
                    lambda e: _short_date(e.date_obtained) if e.date_obtained else "—",
                    tooltip=lambda e: (
                        format_date(e.date_obtained) if e.date_obtained else "Date not recorded"
                    ),
                ),
                Column(
                    "Files",
                    lambda e: str(len(self._attachments.get(e.id, []))) if e.id in self._attachments else "",
                ),
            ]
        )
        self.table.setWordWrap(True)
        self.table.setShowGrid(False)
        ll.addWidget(self.table, 1)
        ll.addWidget(hint("Drop files onto an item to attach them."))
        row = QHBoxLayout()
        [self.new_button] = named_buttons(row, ("New item", "newEvidence", self.new_item), stretch=True)
        [self.delete_button] = named_buttons(row, ("Delete item…", "deleteEvidence", self._confirm_delete))
        ll.addLayout(row)

        # ---- right: the item shown ------------------------------------------------------------
        inner = QWidget()
        rl = QVBoxLayout(inner)
        rl.setContentsMargins(6, 0, 6, 0)

        details = QGroupBox("Details")
        f = QFormLayout(details)
        self.title_edit = add_row(
            f, "Title", QLineEdit(), "evidenceTitle", "e.g. GP letter on trauma symptoms"
        )
        self.kind = add_row(f, "Kind", EnumCombo(EvidenceKind), "evidenceKind")
        self.source = add_row(f, "Source", QLineEdit(), "evidenceSource", "Who it comes from")
        dates = QHBoxLayout()
        self.date_obtained = DateField("date obtained")
        self.date_obtained.setObjectName("dateObtained")
        self.date_provided = DateField("date provided")
        self.date_provided.setObjectName("dateProvided")
        dates.addWidget(self.date_obtained)
        dates.addWidget(QLabel("provided on"))
        dates.addWidget(self.date_provided)
        dates.addStretch(1)
        f.addRow("Obtained on", dates)
        self.provided_to = add_row(
            f, "Provided to", QLineEdit(), "providedTo", "e.g. Single Competent Authority"
        )
        self.body = QPlainTextEdit()
        self.body.setObjectName("evidenceNote")
        self.body.setPlaceholderText("What it says and why it matters")
        self.body.setMaximumHeight(90)
        f.addRow("Note", self.body)
        rl.addWidget(details)

        files = QGroupBox("Files")
        fl = QVBoxLayout(files)
        self.drop_zone = DropZone()
        dz = QVBoxLayout(self.drop_zone)
        dz.setContentsMargins(6, 6, 6, 6)
        self.attachment_list = QListWidget()
        self.attachment_list.setObjectName("attachmentList")
        self.attachment_list.setMaximumHeight(130)
        self.attachment_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        dz.addWidget(self.attachment_list)
        self.drop_hint = QLabel("Drop files here, or use Add files…  They are stored encrypted in the vault.")
        self.drop_hint.setObjectName("attachmentsEmpty")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setWordWrap(True)
        dz.addWidget(self.drop_hint)
        files_row = QHBoxLayout()
        files_row.addWidget(self.drop_zone, 1)
        frow = QVBoxLayout()
        self.add_files_button, self.preview_button, self.open_button, self.save_copy_button = named_buttons(
            frow,
            ("Add files…", "addFiles", self._choose_files),
            ("Preview", "previewAttachment", lambda: self.preview_selected()),
            ("Open in another program…", "openExternal", lambda: self.confirm_open_external()),
            ("Save a copy…", "saveCopy", self._save_copy),
            stretch=True,
        )
        [self.remove_button] = named_buttons(frow, ("Remove", "removeAttachment", self._confirm_remove))
        files_row.addLayout(frow)
        fl.addLayout(files_row)
        prow = QHBoxLayout()
        self.progress = thin_progress("attachProgress")
        self.progress_label = QLabel()
        self.progress_label.setObjectName("hint")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelAttach")
        prow.addWidget(self.progress_label)
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(prow)
        self.progress_row.hide()
        fl.addWidget(self.progress_row)
        rl.addWidget(files)

        ind = QGroupBox("Indicators")
        il = QVBoxLayout(ind)
        il.addWidget(QLabel("Exploitation type"))
        self.exploitation_chips = ChipGroup(EXPLOITATION_TYPES)
        self.exploitation_chips.setObjectName("exploitationChips")
        il.addWidget(self.exploitation_chips)
        il.addWidget(QLabel("ILO indicators of forced labour"))
        self.indicator_chips = ChipGroup(ILO_INDICATORS)
        self.indicator_chips.setObjectName("indicatorChips")
        il.addWidget(self.indicator_chips)
        rl.addWidget(ind)

        ev = QGroupBox("Linked timeline events")
        el = QVBoxLayout(ev)
        self.event_list = QListWidget()
        self.event_list.setObjectName("eventLinks")
        self.event_list.setMaximumHeight(110)
        el.addWidget(self.event_list)
        self.no_events = hint("This case has no timeline events yet.")
        el.addWidget(self.no_events)
        rl.addWidget(ev)
        rl.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(scroll, 1)
        bottom = QHBoxLayout()
        self.banner = Banner()
        bottom.addWidget(self.banner, 1)
        self.revert_button, self.save_button = named_buttons(
            bottom,
            ("Revert", "", lambda: self._show_item(self._current)),
            ("Save item", "saveEvidence", self.save),
        )
        self.save_button.setDefault(True)
        rv.addLayout(bottom)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([360, 540])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(split)

        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.files_dropped.connect(self.attach_files)
        self.drop_zone.files_dropped.connect(self._dropped_on_current)
        self.attachment_list.itemDoubleClicked.connect(lambda _it: self.preview_selected())
        self.attachment_list.itemSelectionChanged.connect(self._update_buttons)
        self.cancel_button.clicked.connect(self.cancel_attach)
        self._form = editing.InlineForm([details, ind], self.dirty_changed.emit)
        # True while the Save / Don't save / Cancel question is open, or while the app itself
        # selects a row (reload after a save): no question then
        self._asking = False
        self._show_item(None)

    # ---- unsaved changes (ui/editing.py): the item's details and indicators ----------------
    def has_unsaved_changes(self) -> bool:
        return self.case_id is not None and self._form.dirty()

    def discard_changes(self) -> None:
        self._show_item(self._current)

    def draft(self) -> dict[str, Any]:
        return {"evidence_id": self._current.id if self._current else None, "form": self._form.state()}

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.when_loaded(lambda: self._restore_draft(draft))  # over the items, once they are read

    def _restore_draft(self, draft: dict[str, Any]) -> None:
        evidence_id = draft.get("evidence_id")
        if isinstance(evidence_id, str):
            self._select_record(evidence_id)
            if self._current is None or self._current.id != evidence_id:
                self.banner.error("The evidence item being edited before the lock no longer exists.")
                return
        else:
            self.new_item()
        form = draft.get("form")
        if isinstance(form, list):
            self._form.restore(form)

    # ---- loading --------------------------------------------------------------------------
    def load(self, case_id: str) -> None:
        changed_case = case_id != self.case_id
        super().load(case_id)
        keep = None if changed_case or self._current is None else self._current.id
        self.reload(select=keep)

    def reload(self, select: str | None = None) -> None:
        """Read the case's items, events and files in a worker (``read_in_worker``), then show
        them with *select* chosen. What is typed meanwhile is kept (see ``_show_read``)."""
        if self.case_id is None:
            return
        case_id = self.case_id

        def read(uow: AbstractUnitOfWork) -> _Read:
            with uow:
                doc = case_service.load_document(uow, case_id)
            return doc, evidence_service.list_attachments(uow, case_id)

        typed = self._form.state()
        self.read_in_worker(read, lambda got: self._show_read(got, select, typed))

    def _show_read(self, got: _Read, select: str | None, typed: editing.FormState) -> None:
        """Show what was read. The item being edited keeps what was typed into its form while
        the read was under way (the read never overwrites an edit it did not see)."""
        doc, attachments = got
        edited = self._form.state()
        editing_id = self._current.id if self._current is not None else select
        self._items = sorted(
            doc.evidence,
            key=lambda e: (e.date_obtained is None, e.date_obtained or e.created_at.date(), e.title),
        )
        self._events = sorted(doc.events, key=lambda e: e.date.sort_key)
        self._attachments = {}
        for a in attachments:
            self._attachments.setdefault(a.evidence_id, []).append(a)
        self.table.blockSignals(True)
        self.table.selectionModel().blockSignals(True)
        self.table.clearSelection()
        self.table.set_rows(self._items)
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)
        self._fill_events()
        target = select if select and any(e.id == select for e in self._items) else None
        if target is None and self._items and self._current is None and select is None:
            target = self._items[0].id
        asking, self._asking = self._asking, True  # the app chooses the row here, not the advocate
        try:
            if target:
                self._select_record(target)
            else:
                self._show_item(None)
        finally:
            self._asking = asking
        shown = self._current.id if self._current is not None else None
        if edited != typed and shown == editing_id:
            self._form.restore(edited)

    def _fill_events(self) -> None:
        self.event_list.clear()
        for e in self._events:
            it = QListWidgetItem(f"{e.date.display()} — {e.title}")
            it.setData(ID_ROLE, e.id)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.event_list.addItem(it)
        self.no_events.setVisible(not self._events)
        self.event_list.setVisible(bool(self._events))

    def select_record(self, evidence_id: str) -> None:
        """Show the evidence item *evidence_id* (used by search hits), once the items are read."""
        self.when_loaded(lambda: self._select_record(evidence_id))

    def _select_record(self, evidence_id: str) -> None:
        for row, item in enumerate(self.table.records.rows):
            if item.id == evidence_id:
                self.table.selectRow(row)
                self._selection_changed()
                return

    def _selection_changed(self) -> None:
        item = self.table.selected()
        if item is None or not self._leaving_asked(item.id):
            return
        # a save in between reloads the list: show the chosen item as it now stands
        fresh = next((e for e in self.table.records.rows if e.id == item.id), None)
        if fresh is not None:
            self._select_quietly(fresh.id)
            self._show_item(fresh)

    def _leaving_asked(self, target: str | None) -> bool:
        """Before another item (or a new one) replaces an edited form: Save / Don't save / Cancel.
        False (and the edited item stays selected) when the advocate cancels or the save fails."""
        current = self._current.id if self._current else None
        if self._asking or target == current or not self.has_unsaved_changes():
            return True
        self._asking = True
        try:
            doing = "opening another evidence item" if target else "starting a new evidence item"
            go_on = editing.ask_to_save(self, [self], doing)
        finally:
            self._asking = False
        if not go_on:
            self._select_quietly(self._current.id if self._current else None)
        return go_on

    def _select_quietly(self, evidence_id: str | None) -> None:
        model = self.table.selectionModel()
        model.blockSignals(True)
        self.table.clearSelection()
        for row, item in enumerate(self.table.records.rows):
            if item.id == evidence_id:
                self.table.selectRow(row)
        model.blockSignals(False)

    def _show_item(self, item: EvidenceItem | None) -> None:
        self._current = item
        self.banner.clear_message()
        self.title_edit.setText(item.title if item else "")
        self.kind.set_value(item.kind if item else EvidenceKind.OTHER)
        self.source.setText(item.source if item else "")
        self.date_obtained.set_value(item.date_obtained if item else None)
        self.date_provided.set_value(item.date_provided if item else None)
        self.provided_to.setText(item.provided_to if item else "")
        self.body.setPlainText(item.body if item else "")
        keys = item.indicators if item else []
        self.exploitation_chips.set_checked(keys)
        self.indicator_chips.set_checked(keys)
        _set_checked(self.event_list, item.event_ids if item else [])
        self._fill_attachments()
        self.delete_button.setEnabled(item is not None)
        if hasattr(self, "_form"):
            self._form.reset()

    def _fill_attachments(self) -> None:
        self.attachment_list.clear()
        files = self._attachments.get(self._current.id, []) if self._current else []
        for a in files:
            it = QListWidgetItem(evidence_io.describe(a))
            it.setData(ID_ROLE, a.id)
            it.setToolTip(f"Added {format_date(a.created_at.date())}; SHA-256 {a.sha256[:16]}…")
            self.attachment_list.addItem(it)
        if files:
            self.attachment_list.setCurrentRow(0)
        self.attachment_list.setVisible(bool(files))
        if self._current is None:
            self.drop_hint.setText("Save the item first, then drop files here or use Add files…")
        else:
            self.drop_hint.setText(
                "Drop more files here, or use Add files…" if files else "Drop files here, or use Add files…"
            )
        self._update_buttons()

    def _selected_attachment(self) -> AttachmentInfo | None:
        it = self.attachment_list.currentItem()
        if it is None or self._current is None:
            return None
        aid = it.data(ID_ROLE)
        return next((a for a in self._attachments.get(self._current.id, []) if a.id == aid), None)

    def _update_buttons(self) -> None:
        busy = self._cancel is not None
        saved = self._current is not None
        a = self._selected_attachment()
        self.add_files_button.setEnabled(saved and not busy)
        self.drop_zone.setEnabled(saved)
        self.preview_button.setEnabled(a is not None and evidence_io.can_preview(a.media_type))
        for b in (self.open_button, self.save_copy_button, self.remove_button):
            b.setEnabled(a is not None and not busy)

    # ---- editing --------------------------------------------------------------------------
    def new_item(self) -> None:
        if not self._leaving_asked(None):
            return
        self.table.clearSelection()
        self._show_item(None)
        self.title_edit.setFocus()

    def edited_item(self) -> EvidenceItem:
        if self.case_id is None:
            raise InvalidInput("No case is open.")
        fields = dict(
            title=self.title_edit.text(),
            kind=self.kind.value(),
            source=self.source.text(),
            date_obtained=self.date_obtained.value(),
            date_provided=self.date_provided.value(),
            provided_to=self.provided_to.text(),
            body=self.body.toPlainText().strip(),
            indicators=self.exploitation_chips.checked() + self.indicator_chips.checked(),
            event_ids=_checked(self.event_list),
        )
        if self._current is None:
            return EvidenceItem(case_id=self.case_id, **fields)
        return dataclasses.replace(self._current, **fields)

    def save(self) -> str | None:
        if self.case_id is None:
            return None
        new = self._current is None
        evidence_id = self.fetch(
            lambda: evidence_service.save_evidence(
                self.session.uow(), self.edited_item(), new=new, clock=self.session.clock
            )
        )
        if evidence_id is None:
            return None
        self._current = None
        self.session.notify_case(self.case_id)
        self.reload(select=evidence_id)
        self.when_loaded(lambda: self.banner.info("Saved."))
        self.evidence_saved.emit(evidence_id)
        return evidence_id

    def _confirm_delete(self) -> None:
        item = self._current
        if item is None:
            return
        n = len(self._attachments.get(item.id, []))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete evidence item",
            "Delete this evidence item" + (f" and its {n} file(s)" if n else "") + "? This cannot be undone.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmDeleteEvidence")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.finished.connect(lambda _r: self.delete_current() if box.clickedButton() is delete else None)
        box.open()

    def delete_current(self) -> None:
        if self._current is None or self.case_id is None:
            return
        case_id, evidence_id = self.case_id, self._current.id
        if not self.attempt(
            lambda: evidence_service.delete_evidence(self.session.uow(), case_id, evidence_id)
        ):
            return
        self._current = None
        self.session.notify_case(self.case_id)
        self.reload()
        self.when_loaded(lambda: self.banner.info("Deleted."))

    # ---- adding files ---------------------------------------------------------------------
    def _choose_files(self) -> None:
        if self._current is None:
            return
        dialog = QFileDialog(self, "Add files to this evidence item")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        evidence_id = self._current.id
        dialog.filesSelected.connect(lambda names: self.attach_files(evidence_id, [Path(n) for n in names]))
        dialog.open()

    def _dropped_on_current(self, paths: list[Path]) -> None:
        if self._current is not None:
            self.attach_files(self._current.id, paths)

    def attach_files(self, evidence_id: str, paths: list[Path]) -> None:
        """Queue files to stream into the vault, one at a time, in a worker."""
        self._queue.extend((evidence_id, Path(p)) for p in paths)
        if self._cancel is None:
            self._next_attach()

    def _next_attach(self) -> None:
        if not self._queue or self.case_id is None:
            self._cancel = None
            self.progress_row.hide()
            self._update_buttons()
            self.attach_finished.emit()
            return
        evidence_id, path = self._queue.pop(0)
        self._cancel = CancelFlag()
        self.progress_row.show()
        self.progress_label.setText(f"Adding {path.name}…")
        self.progress.setValue(0)
        self._update_buttons()
        try:
            task = evidence_io.attach_task(self.session, self.case_id, evidence_id, path, self._cancel)
        except Exception as e:
            self._attach_failed(e)
            return
        run_task(self, task, self._attached, self._attach_failed, self._attach_progress)

    def _attach_progress(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.progress_label.setText(text)

    def _attached(self, info: AttachmentInfo) -> None:
        self.attachment_added.emit(info.id)
        self._after_attach(
            info.evidence_id, f"Added {info.filename} ({evidence_service.human_size(info.size)})."
        )

    def _attach_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._queue.clear()
            self._after_attach(None, "Cancelled; the file was not added.")
        else:
            self._after_attach(None, message_for(exc), error=True)

    def _after_attach(self, evidence_id: str | None, message: str, error: bool = False) -> None:
        def say() -> None:
            if evidence_id is not None:
                self.attachment_list.setCurrentRow(self.attachment_list.count() - 1)
            if error:
                self.banner.error(message)
            else:
                self.banner.info(message)

        if self.case_id is not None and self.session.is_open:
            keep = evidence_id or (self._current.id if self._current else None)
            self._current = None
            self.reload(select=keep)
            self.when_loaded(say)  # the file is listed (and chosen) once the item is read again
            self.session.notify_case(self.case_id)
        else:
            say()
        self._cancel = None
        self._next_attach()

    def cancel_attach(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.progress_label.setText("Cancelling…")

    def _cancel_all(self) -> None:
        self._queue.clear()
        if self._cancel is not None:
            self._cancel.set()

    # ---- using files ----------------------------------------------------------------------
    def preview_selected(self) -> PreviewDialog | None:
        a = self._selected_attachment()
        if a is None or self.case_id is None:
            return None
        if not evidence_io.can_preview(a.media_type):
            self.banner.info("This kind of file cannot be previewed; use Open with another program.")
            return None
        case_id = self.case_id
        loader = self.fetch(lambda: evidence_io.preview_task(self.session, case_id, a.id))
        if loader is None:
            return None
        if self.preview is not None:
            self.preview.close()
        self.preview = PreviewDialog(None, a.filename, self)
        self.preview.show()
        dialog = self.preview
        run_task(dialog, loader, dialog._loaded, dialog._failed)
        return dialog

    def confirm_open_external(self) -> QMessageBox | None:
        a = self._selected_attachment()
        if a is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Open with another program",
            EXTERNAL_WARNING,
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("externalOpenWarning")
        go = box.addButton("Make a temporary copy and open", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self.open_external(a.id) if box.clickedButton() is go else None)
        box.open()
        return box

    def open_external(self, attachment_id: str) -> None:
        """Make the temporary copy (in a worker) and hand it to the system's default program."""
        if self.case_id is None:
            return
        case_id = self.case_id
        task = self.fetch(lambda: evidence_io.external_copy_task(self.session, case_id, attachment_id))
        if task is None:
            return

        def opened(path: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                tempfiles.cleanup_external_copies()
                self.banner.error("No program on this computer could open that file; the copy was deleted.")
                return
            self.banner.info(
                "Opened in another program. The temporary copy is deleted when you lock or quit."
            )

        run_task(self, task, opened, lambda e: self.banner.error(message_for(e)))

    def _save_copy(self) -> None:
        a = self._selected_attachment()
        if a is None or self.case_id is None:
            return
        dialog = QFileDialog(self, "Save a copy (not encrypted)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(Path(a.filename.replace("\\", "/")).name)
        dialog.fileSelected.connect(lambda name: self.save_copy(a.id, Path(name)) if name else None)
        dialog.open()

    def save_copy(self, attachment_id: str, out: Path) -> None:
        if self.case_id is None:
            return
        case_id = self.case_id
        task = self.fetch(lambda: evidence_io.export_task(self.session, case_id, attachment_id, out))
        if task is None:
            return
        run_and_say(self, self.banner, task, lambda p: f"Saved an unencrypted copy as {Path(p).name}.")

    def _confirm_remove(self) -> None:
        a = self._selected_attachment()
        if a is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Remove file",
            "Remove this file from the evidence item? It is deleted from the vault.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmRemoveAttachment")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.finished.connect(
            lambda _r: self.remove_attachment(a.id) if box.clickedButton() is remove else None
        )
        box.open()

    def remove_attachment(self, attachment_id: str) -> None:
        if self.case_id is None:
            return
        case_id = self.case_id
        if not self.attempt(
            lambda: evidence_service.delete_attachment(self.session.uow(), case_id, attachment_id)
        ):
            return
        keep = self._current.id if self._current else None
        self._current = None
        self.reload(select=keep)
        self.session.notify_case(self.case_id)

    def clear(self) -> None:
        super().clear()
        self._cancel_all()
        if self.preview is not None:
            self.preview.close()
            self.preview = None
        self._items = []
        self._attachments = {}
        self._events = []
        self.table.clear_rows()
        self.event_list.clear()
        self._show_item(None)


# ---- temporary copies: deleted on lock, on quit and at start -----------------------------------
_hooked_sessions: set[int] = set()
_app_hooked = False


def install_cleanup_hooks(session: Session | None = None) -> None:
    """Delete "open with another program" copies when *session* locks and when the app quits."""
    global _app_hooked
    app = QCoreApplication.instance()
    if app is not None and not _app_hooked:
        _app_hooked = True
        app.aboutToQuit.connect(_cleanup)
    if session is not None and id(session) not in _hooked_sessions:
        _hooked_sessions.add(id(session))
        session.locked.connect(_cleanup)
        key = id(session)
        session.destroyed.connect(lambda *_a: _hooked_sessions.discard(key))


def _cleanup(*_args: object) -> None:
    tempfiles.cleanup_external_copies()


def cleanup_at_start() -> int:
    """Copies left by a crash or power cut: call once at start-up (before the vault opens)."""
    return tempfiles.cleanup_external_copies()
