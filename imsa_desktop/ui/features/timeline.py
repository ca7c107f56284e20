"""The Timeline tab: the case chronology as a table and as a drawn picture.

Stored events can be added, edited, deleted and linked to evidence; derived entries (referral,
decisions, deadlines, appointments, evidence) are shown in grey italics and change where their
record lives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.model import EventKind, TimelineEvent
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import timeline as timeline_service
from imsa_desktop.services.timeline import EvidenceChoice, TimelineEntry
from imsa_desktop.ui import staged
from imsa_desktop.ui.case_tab import EditableTab
from imsa_desktop.ui.common import save_cancel_footer
from imsa_desktop.ui.features._timeline_canvas import TimelineCanvas
from imsa_desktop.ui.forms import DateField, EnumCombo, add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Cells, Column, RecordTable, cells_of
from imsa_desktop.ui.widgets import Dialog, add_check_item, checked_data, named_buttons

FLAGS = {"key": "Key fact", "disputed": "Disputed", "material": "Material"}  # TimelineEvent fields

if TYPE_CHECKING:
    from imsa_desktop.services.ports import AbstractUnitOfWork

# the entries, evidence titles by id, and what the table shows of them (made in the worker)
_Chronology = tuple[list[TimelineEntry], dict[str, str], Cells]
GREY = "#57606a"
DISPUTED = "#8a1f11"
DATE_HELP = (
    "Type it as you would say it: 12/3/2025 (day first), 12 March 2025, March 2024, summer 2023, "
    "early 2023, around May 2024, before 2020, after June 2024, between March and June 2024"
)


class EventDialog(Dialog):
    def __init__(
        self,
        case_id: str,
        event: TimelineEvent | None,
        evidence: list[EvidenceChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("eventDialog", "Timeline event", parent, min_width=600)
        self.case_id = case_id
        self._event = event
        f = QFormLayout(self)
        self.date = DateField("date", required=True, fuzzy=True)
        self.date.setObjectName("eventDate")
        self.date.setWhatsThis(DATE_HELP)
        f.addRow("Date", self.date)
        self.end = DateField("end date", fuzzy=True)
        self.end.setObjectName("eventEnd")
        self.end.setPlaceholderText("only for a period (optional)")
        self.end.setWhatsThis(DATE_HELP)
        f.addRow("Until", self.end)
        self.shown = QLabel("")
        self.shown.setWordWrap(True)  # a long message wraps; it never widens the dialog
        self.shown.setObjectName("hint")
        f.addRow("", self.shown)
        self.title_edit = add_row(f, "What happened", QLineEdit(), "eventTitle")
        self.kind = add_row(f, "Kind", EnumCombo(EventKind), "eventKind")
        self.source = add_row(f, "Source", QLineEdit(), "eventSource", "Who or what this comes from")
        flags = QHBoxLayout()
        specs = [(text, f"event{name.capitalize()}") for name, text in FLAGS.items()]
        self.flags = dict(zip(FLAGS, named_buttons(flags, *specs, kind=QCheckBox, stretch=True), strict=True))
        self.key, self.disputed, self.material = self.flags.values()
        f.addRow("Flags", flags)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        f.addRow("Notes", self.notes)
        self.evidence = QListWidget()
        self.evidence.setObjectName("eventEvidence")
        self.evidence.setMaximumHeight(90)
        linked = set(event.evidence_ids) if event else set()
        for ch in evidence:
            add_check_item(self.evidence, ch.title, ch.id, ch.id in linked)
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
            for name, box in self.flags.items():
                box.setChecked(getattr(event, name))
            self.notes.setPlainText(event.notes)

    def _preview(self) -> None:
        try:
            start = self.date.fuzzy_value() if self.date.text().strip() else None
            end = self.end.fuzzy_value()
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
        start = self.date.fuzzy_value()
        assert start is not None  # required
        end = self.end.fuzzy_value()
        ids = [str(x) for x in checked_data(self.evidence) if x]
        kwargs = dict(
            case_id=self.case_id,
            date=start,
            end=end,
            title=self.title_edit.text(),
            kind=self.kind.value(),
            source=self.source.text(),
            notes=self.notes.toPlainText().strip(),
            **{name: box.isChecked() for name, box in self.flags.items()},
            evidence_ids=ids,
        )
        if self._event is not None:
            return dataclasses.replace(self._event, **kwargs)  # type: ignore[arg-type]
        return TimelineEvent(**kwargs)  # type: ignore[arg-type]

    def check(self) -> None:
        ev = self.value()
        if not ev.title.strip():
            raise InvalidInput("Please give the event a title.")
        if ev.end is not None and ev.end.latest < ev.date.earliest:
            raise InvalidInput("The event cannot end before it starts.")


class TimelineTab(EditableTab[TimelineEntry]):
    title = "Timeline"
    saved_message = "Event saved."
    reload_after_change = False  # reloads on session.case_changed
    save_service = staticmethod(timeline_service.save_event)
    delete_service = staticmethod(timeline_service.delete_event)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._evidence: dict[str, str] = {}
        staged.build(self._parts(QVBoxLayout(self)))

    def _parts(self, lay: QVBoxLayout) -> Iterator[None]:
        """The tab: its bar, the table, the picture, the buttons (ui/staged.py)."""
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
        yield

        self.table: RecordTable[TimelineEntry] = RecordTable(self._columns(), "timelineTable", stretch=(1,))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        lay.addWidget(self.stack, 1)
        yield

        self.canvas = TimelineCanvas()
        self.stack.addWidget(self.canvas)
        yield

        lay.addLayout(self.footer("Add event…", ("addEvent", "editEvent", "deleteEvent")))

        self.table_button.clicked.connect(lambda: self._show(0))
        self.picture_button.clicked.connect(lambda: self._show(1))
        self.kind_filter.currentIndexChanged.connect(self._reload)
        self.derived.toggled.connect(self._reload)
        self.zoom_in_button.clicked.connect(self.canvas.zoom_in)
        self.zoom_out_button.clicked.connect(self.canvas.zoom_out)
        self.fit_button.clicked.connect(self.canvas.fit)
        self.canvas.entry_clicked.connect(self._select_id)
        self.session.case_changed.connect(self._case_changed)
        self._show(0)

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        (self.table_button if index == 0 else self.picture_button).setChecked(True)
        for b in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            b.setVisible(index == 1)
        if index == 1 and self.table.rowCount():
            self.canvas.fit()  # draws it
        elif index == 1:
            self.canvas.draw_if_stale()

    def _case_changed(self, case_id: str) -> None:
        if case_id == self.case_id and self.session.is_open:
            self.load(case_id)

    def _reload(self) -> None:
        self.reload()

    def _columns(self, evidence: dict[str, str] | None = None) -> list[Column[TimelineEntry]]:
        """The table's columns; the Evidence column names items from *evidence* (titles by id;
        None: the ones last shown). Plain Python: the worker makes the cells with them."""

        def derived_grey(e: TimelineEntry) -> str | None:
            return GREY if e.derived else None

        def tip(e: TimelineEntry) -> str | None:
            return "From another record: change it there." if e.derived else (e.notes or None)

        def italic(e: TimelineEntry) -> bool:
            return e.derived

        def col(header: str, text: Callable[[TimelineEntry], str]) -> Column[TimelineEntry]:
            return Column(header, text, tooltip=tip, colour=derived_grey, italic=italic)

        return [
            col("Date", lambda e: e.date.display() + (f" – {e.end.display()}" if e.end else "")),
            col(
                "What happened",
                lambda e: (
                    e.title
                    + (f" · {e.detail}" if e.detail and e.kind.value in ("deadline", "appointment") else "")
                ),
            ),
            col("Kind", lambda e: e.kind.label + (" (from record)" if e.derived else "")),
            col("Source", lambda e: e.source),
            Column(
                "Flags",
                _flags,
                tooltip=tip,
                colour=lambda e: DISPUTED if e.disputed else derived_grey(e),
                italic=italic,
            ),
            col(
                "Evidence",
                lambda e: ", ".join(
                    (self._evidence if evidence is None else evidence).get(x, "?") for x in e.evidence_ids
                ),
            ),
        ]

    def read(self, case_id: str) -> Callable[[AbstractUnitOfWork], _Chronology]:
        kind = self.kind_filter.currentData()  # the filters are read here, on the GUI thread
        kinds = [kind] if kind is not None else None
        derived, today = self.derived.isChecked(), self.session.today()

        def read(uow: AbstractUnitOfWork) -> _Chronology:
            entries = timeline_service.chronology(uow, case_id, today, kinds=kinds, include_derived=derived)
            evidence = {e.id: e.title for e in timeline_service.evidence_choices(uow, case_id)}
            return entries, evidence, cells_of(self._columns(evidence), entries)

        return read

    def rows(self, case_id: str) -> list[TimelineEntry]:
        return self.read(case_id)(self.session.uow())[0]

    def show_rows(self, data: _Chronology) -> None:
        entries, self._evidence, cells = data
        self.table.set_rows(entries, cells)
        # The picture is drawn when it is shown (drawing 1,000 events costs far more than the table).
        self.canvas.set_entries(entries, self.session.today(), draw=self.stack.currentIndex() == 1)

    def _select_id(self, entry_id: str) -> None:
        self.table.select_first(lambda e: e.id == entry_id)

    def record_to_edit(self, row: TimelineEntry) -> TimelineEvent | None:
        if row.derived:
            self.banner.info("This entry comes from another record; change it in its own tab.")
            return None
        assert self.case_id is not None
        return timeline_service.get_event(self.session.uow(), self.case_id, row.id)

    def make_dialog(self, record: TimelineEvent | None) -> EventDialog:
        assert self.case_id is not None
        choices = timeline_service.evidence_choices(self.session.uow(), self.case_id)
        return EventDialog(self.case_id, record, choices, self)

    def clear(self) -> None:
        super().clear()
        self.canvas.entries = []
        self.canvas.scene().clear()


def _flags(e: TimelineEntry) -> str:
    return ", ".join(n for n in FLAGS if getattr(e, n))
