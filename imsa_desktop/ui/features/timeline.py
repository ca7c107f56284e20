"""The Timeline tab: the case chronology as a table and as a drawn picture.

Stored events can be added, edited, deleted and linked to evidence; derived entries (referral,
decisions, deadlines, appointments, evidence) are shown in grey italics and change where their
record lives.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.domain.model import EventKind, TimelineEvent
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import timeline as timeline_service
from imsa_desktop.services.timeline import EvidenceChoice, TimelineEntry
from imsa_desktop.ui.common import Banner, message_for, save_cancel_footer
from imsa_desktop.ui.features._timeline_canvas import TimelineCanvas
from imsa_desktop.ui.forms import EnumCombo
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import CaseTab

DATE_HELP = (
    "YYYY-MM-DD, a month YYYY-MM, a season 2024-summer, a year 2024, a range A/B, "
    "before:2024-06 or after:2024-06"
)


class EventDialog(QDialog):
    def __init__(
        self,
        case_id: str,
        event: TimelineEvent | None,
        evidence: list[EvidenceChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eventDialog")
        self.setWindowTitle("Timeline event")
        self.case_id = case_id
        self._event = event
        f = QFormLayout(self)
        self.date = QLineEdit()
        self.date.setObjectName("eventDate")
        self.date.setPlaceholderText("e.g. 2024-06, 2023-summer, before:2024-03")
        self.date.setToolTip(DATE_HELP)
        f.addRow("Date", self.date)
        self.end = QLineEdit()
        self.end.setObjectName("eventEnd")
        self.end.setPlaceholderText("only for a period (optional)")
        self.end.setToolTip(DATE_HELP)
        f.addRow("Until", self.end)
        self.shown = QLabel("")
        self.shown.setObjectName("hint")
        f.addRow("", self.shown)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("eventTitle")
        f.addRow("What happened", self.title_edit)
        self.kind = EnumCombo(EventKind)
        self.kind.setObjectName("eventKind")
        f.addRow("Kind", self.kind)
        self.source = QLineEdit()
        self.source.setObjectName("eventSource")
        self.source.setPlaceholderText("Who or what this comes from")
        f.addRow("Source", self.source)
        flags = QHBoxLayout()
        self.key = QCheckBox("Key fact")
        self.key.setObjectName("eventKey")
        self.disputed = QCheckBox("Disputed")
        self.disputed.setObjectName("eventDisputed")
        self.material = QCheckBox("Material")
        self.material.setObjectName("eventMaterial")
        for c in (self.key, self.disputed, self.material):
            flags.addWidget(c)
        flags.addStretch(1)
        f.addRow("Flags", flags)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        f.addRow("Notes", self.notes)
        self.evidence = QListWidget()
        self.evidence.setObjectName("eventEvidence")
        self.evidence.setMaximumHeight(90)
        linked = set(event.evidence_ids) if event else set()
        for ch in evidence:
            item = QListWidgetItem(ch.title)
            item.setData(Qt.ItemDataRole.UserRole, ch.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ch.id in linked else Qt.CheckState.Unchecked)
            self.evidence.addItem(item)
        if not evidence:
            self.evidence.addItem("No evidence recorded for this case yet.")
        f.addRow("Evidence", self.evidence)
        self.banner = save_cancel_footer(self, f)
        self.date.textChanged.connect(self._preview)
        self.end.textChanged.connect(self._preview)
        if event is not None:
            self.date.setText(event.date.text)
            self.end.setText(event.end.text if event.end else "")
            self.title_edit.setText(event.title)
            self.kind.set_value(event.kind)
            self.source.setText(event.source)
            self.key.setChecked(event.key)
            self.disputed.setChecked(event.disputed)
            self.material.setChecked(event.material)
            self.notes.setPlainText(event.notes)

    def _preview(self) -> None:
        try:
            start = FuzzyDate.parse(self.date.text(), "date") if self.date.text().strip() else None
            end = FuzzyDate.parse(self.end.text(), "end date") if self.end.text().strip() else None
        except InvalidInput as e:
            self.shown.setText(e.user_message)
            self.date.setProperty("invalid", True)
        else:
            self.date.setProperty("invalid", False)
            text = start.display() if start else ""
            if start and end:
                text += f" to {end.display()}"
            self.shown.setText(f"Shown as: {text}" if text else "")
        self.date.style().unpolish(self.date)
        self.date.style().polish(self.date)

    def value(self) -> TimelineEvent:
        start = FuzzyDate.parse(self.date.text(), "date")
        end = FuzzyDate.parse(self.end.text(), "end date") if self.end.text().strip() else None
        ids = []
        for i in range(self.evidence.count()):
            item = self.evidence.item(i)
            if item.data(Qt.ItemDataRole.UserRole) and item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        kwargs = dict(
            case_id=self.case_id,
            date=start,
            end=end,
            title=self.title_edit.text(),
            kind=self.kind.value(),
            source=self.source.text(),
            notes=self.notes.toPlainText().strip(),
            key=self.key.isChecked(),
            disputed=self.disputed.isChecked(),
            material=self.material.isChecked(),
            evidence_ids=ids,
        )
        if self._event is not None:
            return dataclasses.replace(self._event, **kwargs)  # type: ignore[arg-type]
        return TimelineEvent(**kwargs)  # type: ignore[arg-type]

    def _accept(self) -> None:
        try:
            ev = self.value()
            if not ev.title.strip():
                raise InvalidInput("Please give the event a title.")
            if ev.end is not None and ev.end.latest < ev.date.earliest:
                raise InvalidInput("The event cannot end before it starts.")
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()


class TimelineTab(CaseTab):
    title = "Timeline"
    COLUMNS = ["Date", "What happened", "Kind", "Source", "Flags", "Evidence"]

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.table_button = QPushButton("Table")
        self.table_button.setObjectName("showTable")
        self.picture_button = QPushButton("Picture")
        self.picture_button.setObjectName("showPicture")
        group = QButtonGroup(self)
        for b in (self.table_button, self.picture_button):
            b.setCheckable(True)
            group.addButton(b)
            bar.addWidget(b)
        self.table_button.setChecked(True)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Show"))
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.addItem("Everything", None)
        for k in EventKind:
            self.kind_filter.addItem(k.label, k)
        bar.addWidget(self.kind_filter)
        self.derived = QCheckBox("Include entries from other records")
        self.derived.setObjectName("includeDerived")
        self.derived.setChecked(True)
        bar.addWidget(self.derived)
        bar.addStretch(1)
        self.zoom_out_button = QPushButton("−")
        self.zoom_out_button.setObjectName("zoomOut")
        self.zoom_out_button.setToolTip("Zoom out (Ctrl + wheel)")
        self.zoom_in_button = QPushButton("+")
        self.zoom_in_button.setObjectName("zoomIn")
        self.zoom_in_button.setToolTip("Zoom in (Ctrl + wheel)")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setObjectName("zoomFit")
        for b in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            b.setFixedWidth(44 if b is not self.fit_button else 52)
            bar.addWidget(b)
        lay.addLayout(bar)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("timelineTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        h = self.table.horizontalHeader()
        for i in range(len(self.COLUMNS)):
            h.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.canvas = TimelineCanvas()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.canvas)
        lay.addWidget(self.stack, 1)

        row = QHBoxLayout()
        self.banner = Banner()
        row.addWidget(self.banner, 1)
        row.addStretch(1)
        self.add_button = QPushButton("Add event…")
        self.add_button.setObjectName("addEvent")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("editEvent")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("deleteEvent")
        for b in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(b)
        lay.addLayout(row)
        self._entries: list[TimelineEntry] = []
        self.dialog: EventDialog | None = None

        self.table_button.clicked.connect(lambda: self._show(0))
        self.picture_button.clicked.connect(lambda: self._show(1))
        self.kind_filter.currentIndexChanged.connect(self._reload)
        self.derived.toggled.connect(self._reload)
        self.zoom_in_button.clicked.connect(self.canvas.zoom_in)
        self.zoom_out_button.clicked.connect(self.canvas.zoom_out)
        self.fit_button.clicked.connect(self.canvas.fit)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self._edit_selected)
        self.table.doubleClicked.connect(self._edit_selected)
        self.delete_button.clicked.connect(self._delete_selected)
        self.canvas.entry_clicked.connect(self._select_id)
        session.case_changed.connect(self._case_changed)
        self._show(0)

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        (self.table_button if index == 0 else self.picture_button).setChecked(True)
        for b in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            b.setVisible(index == 1)
        if index == 1 and self._entries:
            self.canvas.fit()

    def _case_changed(self, case_id: str) -> None:
        if case_id == self.case_id and self.session.is_open:
            self.load(case_id)

    def _reload(self) -> None:
        if self.case_id:
            self.load(self.case_id)

    def load(self, case_id: str) -> None:
        super().load(case_id)
        kind = self.kind_filter.currentData()
        try:
            entries = timeline_service.chronology(
                self.session.uow(),
                case_id,
                self.session.today(),
                kinds=[kind] if kind is not None else None,
                include_derived=self.derived.isChecked(),
            )
            evidence = {e.id: e.title for e in timeline_service.evidence_choices(self.session.uow(), case_id)}
        except Exception as e:
            self.banner.error(message_for(e))
            return
        self._entries = entries
        self.table.setRowCount(len(entries))
        grey = QBrush(QColor("#57606a"))
        for i, e in enumerate(entries):
            when = e.date.display() + (f" – {e.end.display()}" if e.end else "")
            flags = ", ".join(
                n for n, on in (("key", e.key), ("disputed", e.disputed), ("material", e.material)) if on
            )
            title = e.title + (
                f" · {e.detail}" if e.detail and e.kind.value in ("deadline", "appointment") else ""
            )
            cells = [
                when,
                title,
                e.kind.label + (" (from record)" if e.derived else ""),
                e.source,
                flags,
                ", ".join(evidence.get(x, "?") for x in e.evidence_ids),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if e.derived:
                    item.setForeground(grey)
                    f = QFont(item.font())
                    f.setItalic(True)
                    item.setFont(f)
                    item.setToolTip("From another record: change it there.")
                elif e.notes:
                    item.setToolTip(e.notes)
                if c == 4 and e.disputed:
                    item.setForeground(QBrush(QColor("#8a1f11")))
                self.table.setItem(i, c, item)
        self.canvas.set_entries(entries, self.session.today())

    def _selected(self) -> TimelineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self._entries[rows[0].row()] if rows else None

    def _select_id(self, entry_id: str) -> None:
        for i, e in enumerate(self._entries):
            if e.id == entry_id:
                self.table.selectRow(i)

    def _edit_selected(self) -> None:
        e = self._selected()
        if e is None:
            return
        if e.derived:
            self.banner.info("This entry comes from another record; change it in its own tab.")
            return
        try:
            assert self.case_id is not None
            self.edit(timeline_service.get_event(self.session.uow(), self.case_id, e.id))
        except Exception as exc:
            self.banner.error(message_for(exc))

    def edit(self, event: TimelineEvent | None) -> None:
        if self.case_id is None:
            return
        try:
            choices = timeline_service.evidence_choices(self.session.uow(), self.case_id)
        except Exception as e:
            self.banner.error(message_for(e))
            return
        dialog = EventDialog(self.case_id, event, choices, self)
        self.dialog = dialog

        def done() -> None:
            try:
                timeline_service.save_event(self.session.uow(), dialog.value(), clock=self.session.clock)
            except Exception as e:
                self.banner.error(message_for(e))
                return
            assert self.case_id is not None
            self.banner.info("Event saved.")
            self.session.notify_case(self.case_id)

        dialog.accepted.connect(done)
        dialog.open()

    def _delete_selected(self) -> None:
        e = self._selected()
        if e is None or self.case_id is None:
            return
        try:
            timeline_service.delete_event(self.session.uow(), self.case_id, e.id)
        except Exception as exc:
            self.banner.error(message_for(exc))
            return
        self.session.notify_case(self.case_id)

    def clear(self) -> None:
        super().clear()
        self._entries = []
        self.table.setRowCount(0)
        self.canvas.entries = []
        self.canvas.scene().clear()
        self.banner.clear_message()

