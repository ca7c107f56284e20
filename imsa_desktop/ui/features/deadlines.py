"""Deadlines: the case tab (every computed deadline with its rule and source, overrides, "met"
marks and dismissing an overdue one with a reason) and the all-cases view (``AllDeadlinesDialog``,
sortable, the same rule and source on every row)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.deadlines import DeadlineState, case_notes, explain
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.services.deadlines import CaseDeadline
from imsa_desktop.ui.common import Banner, hint, message_for, save_cancel_footer
from imsa_desktop.ui.forms import DateField
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import CaseTab

STATE_COLOURS = {
    DeadlineState.OVERDUE: ("#fff1f0", "#8a1f11"),
    DeadlineState.DUE_SOON: ("#fff8e1", "#7a5400"),
    DeadlineState.UPCOMING: ("#ffffff", "#1f2328"),
    DeadlineState.MET: ("#eef7ee", "#1a5e2a"),
}
MET_LATE_COLOURS = ("#fff8e1", "#7a5400")  # amber, never the green of "met in time"


def _ro(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        item.setToolTip(tip)
    return item


class OverrideDialog(QDialog):
    """Change a deadline's date: the new date and a reason (both required)."""

    def __init__(self, cd: CaseDeadline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overrideDialog")
        self.setWindowTitle("Change the date")
        f = QFormLayout(self)
        d = cd.deadline
        f.addRow(QLabel(f"<b>{d.title}</b>"))
        f.addRow("Computed date", QLabel(format_date(d.computed_due)))
        self.due = DateField("new date", required=True)
        self.due.setObjectName("overrideDate")
        self.due.set_value(d.due)
        f.addRow("New date", self.due)
        self.reason = QLineEdit(d.override_reason)
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText("e.g. Extension agreed by the SCA by email on ...")
        self.reason.setMinimumWidth(360)
        f.addRow("Reason", self.reason)
        self.banner = save_cancel_footer(self, f)

    def _accept(self) -> None:
        try:
            self.due.value()
            if not self.reason.text().strip():
                raise InvalidInput("Please give a reason for changing the date.")
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()


class MetDialog(QDialog):
    def __init__(self, cd: CaseDeadline, today_iso: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metDialog")
        self.setWindowTitle("Mark as met")
        f = QFormLayout(self)
        f.addRow(QLabel(f"<b>{cd.deadline.title}</b>"))
        self.met_on = DateField("date it was met", required=True)
        self.met_on.setObjectName("metDate")
        self.met_on.setText(today_iso)
        f.addRow("Met on", self.met_on)
        self.banner = save_cancel_footer(self, f)

    def _accept(self) -> None:
        try:
            self.met_on.value()
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()


class DismissDialog(QDialog):
    """Take an overdue deadline off the Today page, with a reason that is kept and shown."""

    def __init__(self, cd: CaseDeadline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dismissDialog")
        self.setWindowTitle("Dismiss an overdue deadline")
        f = QFormLayout(self)
        f.addRow(QLabel(f"<b>{_esc(cd.deadline.title)}</b> was due {format_date(cd.deadline.due)}."))
        self.reason = QLineEdit()
        self.reason.setObjectName("dismissReason")
        self.reason.setPlaceholderText("e.g. Survivor decided not to ask; solicitor advised on JR")
        self.reason.setMinimumWidth(380)
        f.addRow("Reason", self.reason)
        self.banner = save_cancel_footer(self, f)

    def _accept(self) -> None:
        if not self.reason.text().strip():
            self.banner.error("Please give the reason for dismissing it.")
            return
        self.accept()


class DeadlinesTab(CaseTab):
    title = "Deadlines"
    COLUMNS = ["Deadline", "Due", "State", "Counts from", "Source"]

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint(
                "Dates come from dated rules (resources/rules). Check each against the decision letter; "
                "change a date with a reason if it differs."
            )
        )
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("deadlinesTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        for i in range(len(self.COLUMNS)):
            h.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 2)
        details = QGroupBox("Details")
        dl = QVBoxLayout(details)
        self.details = QLabel("Choose a deadline to see how it was worked out.")
        self.details.setObjectName("deadlineDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 7)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        dl.addWidget(self.details)
        lay.addWidget(details)
        self.notes = hint("")
        self.notes.setObjectName("deadlineNotes")
        lay.addWidget(self.notes)
        row = QHBoxLayout()
        self.banner = Banner()
        row.addWidget(self.banner, 1)
        row.addStretch(1)
        self.met_button = QPushButton("Mark met…")
        self.met_button.setObjectName("markMet")
        self.unmet_button = QPushButton("Not met")
        self.unmet_button.setObjectName("unmarkMet")
        self.override_button = QPushButton("Change date…")
        self.override_button.setObjectName("overrideDeadline")
        self.reset_button = QPushButton("Use computed date")
        self.reset_button.setObjectName("resetDeadline")
        self.dismiss_button = QPushButton("Dismiss…")
        self.dismiss_button.setObjectName("dismissDeadline")
        self.dismiss_button.setToolTip("Take an overdue deadline off the Today page, with a reason")
        for b in (
            self.met_button,
            self.unmet_button,
            self.override_button,
            self.reset_button,
            self.dismiss_button,
        ):
            row.addWidget(b)
        lay.addLayout(row)
        self._rows: list[CaseDeadline] = []
        self.dialog: QDialog | None = None
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.met_button.clicked.connect(self.mark_met)
        self.unmet_button.clicked.connect(self.unmark_met)
        self.override_button.clicked.connect(self.change_date)
        self.reset_button.clicked.connect(self.reset_date)
        self.dismiss_button.clicked.connect(self.dismiss)
        session.case_changed.connect(self._case_changed)
        self._selection_changed()

    def _case_changed(self, case_id: str) -> None:
        if case_id == self.case_id and self.session.is_open:
            self.load(case_id)

    def load(self, case_id: str) -> None:
        super().load(case_id)
        keep = self._selected()
        keep_key = keep.key if keep else None
        today = self.session.today()
        try:
            got = deadline_service.case_deadlines(self.session.uow(), case_id, today)
        except Exception as e:
            self.banner.error(message_for(e))
            return
        self._rows = got.deadlines
        self.table.setRowCount(len(self._rows))
        for i, cd in enumerate(self._rows):
            d = cd.deadline
            tip = cd.explanation
            due = format_date(d.due) + (" ✎" if d.overridden else "")
            left = d.days_left(today)
            if d.state is DeadlineState.MET:
                state = d.status_text + (f" {format_date(d.met_on)}" if d.met_on else "")
            elif left == 0:
                state = f"{d.state.label} · today"
            elif left > 0:
                state = f"{d.state.label} · {left} day{'s' if left != 1 else ''} left"
            else:
                state = f"{d.state.label} · {-left} day{'s' if left != -1 else ''} late"
            cells = [
                _ro(
                    d.title + (" (no reconsideration: para 14.216)" if d.instead_of else ""),
                    d.rule.explanation.strip(),
                ),
                _ro(due, tip),
                _ro(state, d.met_note or tip),
                _ro(d.trigger_description, tip),
                _ro(d.rule.source, tip),
            ]
            bg, fg = MET_LATE_COLOURS if d.met_late else STATE_COLOURS[d.state]
            if d.caution:
                cells[1].setText(due + " ⚠")
            for c, item in enumerate(cells):
                if c in (1, 2):
                    item.setBackground(QBrush(QColor(bg)))
                    item.setForeground(QBrush(QColor(fg)))
                self.table.setItem(i, c, item)
        lines = [f"• {explain(n)}" for n in got.notes if n.barred or not n.closed]
        lines += [f"• {text}" for text in case_notes(got.case)]
        self.notes.setText("\n".join(lines))
        self.notes.setVisible(bool(lines))
        if keep_key:
            for i, cd in enumerate(self._rows):
                if cd.key == keep_key:
                    self.table.selectRow(i)
        self._selection_changed()

    def _selected(self) -> CaseDeadline | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def _selection_changed(self) -> None:
        cd = self._selected()
        for b in (
            self.met_button,
            self.unmet_button,
            self.override_button,
            self.reset_button,
            self.dismiss_button,
        ):
            b.setEnabled(cd is not None)
        if cd is None:
            self.details.setText("Choose a deadline to see how it was worked out.")
            return
        d = cd.deadline
        self.met_button.setEnabled(d.state is not DeadlineState.MET)
        self.unmet_button.setEnabled(d.met_on is not None and d.met_note == "Marked met by the advocate.")
        self.reset_button.setEnabled(d.overridden)
        self.dismiss_button.setEnabled(d.state is DeadlineState.OVERDUE)
        self.dismiss_button.setText("Restore" if d.dismissed_reason else "Dismiss…")
        nature = d.rule.nature.label.lower()
        head = f"<b>{_esc(d.title)}</b>" + ("" if nature in d.title.lower() else f" ({nature})")
        parts = [f"{head}: due {format_date(d.due)}.", cd.explanation]
        if d.met_note:
            parts.append(d.met_note)
        if d.met_late:
            parts.append(d.status_text + ".")
        if d.caution:
            parts.append("⚠ " + d.caution)
        if d.instead_of:
            parts.append(d.instead_of)
        self.details.setText("<br>".join(_esc(p) if i else p for i, p in enumerate(parts)))

    # ---- actions -------------------------------------------------------------------------
    def mark_met(self) -> None:
        cd = self._selected()
        if cd is None or self.case_id is None:
            return
        dialog = MetDialog(cd, self.session.today().isoformat(), self)
        self.dialog = dialog

        def done() -> None:
            self._apply(
                lambda: deadline_service.mark_met(
                    self.session.uow(),
                    cd.case_id,
                    cd.key,
                    dialog.met_on.value(),
                    today=self.session.today(),
                    clock=self.session.clock,
                ),
                "Marked met.",
            )

        dialog.accepted.connect(done)
        dialog.open()

    def unmark_met(self) -> None:
        cd = self._selected()
        if cd is None:
            return
        self._apply(
            lambda: deadline_service.mark_met(
                self.session.uow(),
                cd.case_id,
                cd.key,
                None,
                today=self.session.today(),
                clock=self.session.clock,
            ),
            "No longer marked met.",
        )

    def change_date(self) -> None:
        cd = self._selected()
        if cd is None:
            return
        dialog = OverrideDialog(cd, self)
        self.dialog = dialog

        def done() -> None:
            self._apply(
                lambda: deadline_service.override_due(
                    self.session.uow(),
                    cd.case_id,
                    cd.key,
                    dialog.due.value(),
                    dialog.reason.text(),
                    today=self.session.today(),
                    clock=self.session.clock,
                ),
                "Date changed; the reason is kept with it.",
            )

        dialog.accepted.connect(done)
        dialog.open()

    def reset_date(self) -> None:
        cd = self._selected()
        if cd is None:
            return
        self._apply(
            lambda: deadline_service.override_due(
                self.session.uow(),
                cd.case_id,
                cd.key,
                None,
                "",
                today=self.session.today(),
                clock=self.session.clock,
            ),
            "Back to the computed date.",
        )

    def dismiss(self) -> None:
        cd = self._selected()
        if cd is None:
            return

        def run(reason: str, text: str) -> None:
            self._apply(
                lambda: deadline_service.dismiss_overdue(
                    self.session.uow(),
                    cd.case_id,
                    cd.key,
                    reason,
                    today=self.session.today(),
                    clock=self.session.clock,
                ),
                text,
            )

        if cd.deadline.dismissed_reason:
            run("", "Back on the Today page.")
            return
        dialog = DismissDialog(cd, self)
        self.dialog = dialog
        dialog.accepted.connect(
            lambda: run(dialog.reason.text(), "Dismissed; the reason is kept with the deadline.")
        )
        dialog.open()

    def _apply(self, action: object, done_text: str) -> None:
        assert callable(action)
        try:
            action()
        except Exception as e:
            self.banner.error(message_for(e))
            return
        assert self.case_id is not None
        self.session.notify_case(self.case_id)  # reloads this tab via case_changed
        self.banner.info(done_text)

    def clear(self) -> None:
        super().clear()
        self._rows = []
        self.table.setRowCount(0)
        self.notes.clear()
        self.banner.clear_message()
        self._selection_changed()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _SortItem(QTableWidgetItem):
    """Sorts by a hidden key (ISO dates, numbers) instead of the shown text."""

    def __init__(self, text: str, key: object, tip: str = "") -> None:
        super().__init__(text)
        self._key = key
        self.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
        if tip:
            self.setToolTip(tip)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _SortItem):
            return bool(self._key < other._key)  # type: ignore[operator]
        return super().__lt__(other)


class AllDeadlinesDialog(QDialog):
    """Every open deadline across cases (or all, with met ones), sortable by any column.

    Each row carries the same rule, counting and source as the case tab. Double-click opens
    the case (``open_case`` is called with its id).
    """

    COLUMNS = ["Due", "State", "Case", "Name", "Deadline", "Counts from", "Rule", "Source"]

    def __init__(self, session: Session, open_case: object = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._open_case = open_case
        self.setObjectName("allDeadlinesDialog")
        self.setWindowTitle("All deadlines")
        self.resize(1100, 560)
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint(
                "Every case's deadlines from the dated rules. Click a column heading to sort; "
                "double-click a row to open its case. Hover for how each date was worked out."
            )
        )
        top = QHBoxLayout()
        self.include_met = QCheckBox("Include met and dismissed deadlines")
        self.include_met.setObjectName("includeMet")
        top.addWidget(self.include_met)
        top.addStretch(1)
        lay.addLayout(top)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("allDeadlinesTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        for i in range(len(self.COLUMNS)):
            h.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.rows: list[CaseDeadline] = []
        self.include_met.toggled.connect(self.load)
        self.table.cellDoubleClicked.connect(self._open)
        self.load()

    def load(self) -> None:
        today = self.session.today()
        try:
            found = deadline_service.all_deadlines(
                self.session.uow(), today, include_met=self.include_met.isChecked()
            )
        except Exception as e:
            self.banner.error(message_for(e))
            return
        if not self.include_met.isChecked():
            found = [cd for cd in found if not cd.deadline.dismissed_reason]
        self.rows = found
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(found))
        for i, cd in enumerate(found):
            d = cd.deadline
            tip = cd.explanation + (f"\n⚠ {d.caution}" if d.caution else "")
            left = d.days_left(today)
            if d.state is DeadlineState.MET or d.dismissed_reason:
                state = d.status_text
            elif left >= 0:
                state = f"{d.state.label} · {left} day{'s' if left != 1 else ''} left"
            else:
                state = f"{d.state.label} · {-left} day{'s' if left != -1 else ''} late"
            cells = [
                _SortItem(format_date(d.due) + (" ✎" if d.overridden else ""), d.due.isoformat(), tip),
                _SortItem(state, (d.state is not DeadlineState.OVERDUE, left), d.met_note or tip),
                _SortItem(cd.case_code, cd.case_code),
                _SortItem(cd.display_name, cd.display_name.casefold()),
                _SortItem(d.title + (" ⚠" if d.caution else ""), d.title, d.rule.explanation),
                _SortItem(d.trigger_description, d.trigger_date.isoformat(), tip),
                _SortItem(
                    f"{d.rule.id} ({d.rule.counting.label})", d.rule.id, d.rule.wording or d.rule.source
                ),
                _SortItem(d.rule.source, d.rule.source, tip),
            ]
            bg, fg = MET_LATE_COLOURS if d.met_late else STATE_COLOURS[d.state]
            for c, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole, cd.case_id)
                if c in (0, 1):
                    item.setBackground(QBrush(QColor(bg)))
                    item.setForeground(QBrush(QColor(fg)))
                self.table.setItem(i, c, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)

    def _open(self, row: int, _col: int) -> None:
        item = self.table.item(row, 0)
        if item is not None and callable(self._open_case):
            self._open_case(item.data(Qt.ItemDataRole.UserRole))
            self.accept()
