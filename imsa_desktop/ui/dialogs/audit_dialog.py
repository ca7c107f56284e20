"""The audit log viewer: who viewed, changed, printed, exported or imported which case, and when.

A QDialog child of the main window, so locking or quick-hide closes it (see main_window).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.services import audit as audit_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.common import message_for
from imsa_desktop.ui.session import Session

COLUMNS = ("When", "Action", "Case", "By", "Detail")


class AuditDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, case_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("auditDialog")
        self.setWindowTitle("Audit log")
        self.resize(900, 560)
        lay = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.case_combo = QComboBox(objectName="auditCase")
        self.case_combo.addItem("All cases", None)
        self._codes: dict[str, str] = {}
        try:
            for s in case_service.list_cases(session.uow()):
                self._codes[s.id] = s.code
                self.case_combo.addItem(f"{s.code}  {s.display_name}", s.id)
        except Exception as e:  # noqa: BLE001 - shown as one sentence
            self._status_text = message_for(e)
        if case_id:
            self.case_combo.setCurrentIndex(max(0, self.case_combo.findData(case_id)))
        self.action_combo = QComboBox(objectName="auditAction")
        self.action_combo.addItem("All actions", None)
        for a in audit_service.ACTIONS:
            self.action_combo.addItem(audit_service.ACTION_LABELS[a], a)
        today = session.today()
        self.use_dates = QCheckBox("Between", objectName="auditUseDates")
        self.since = QDateEdit(QDate(today.year, today.month, 1), objectName="auditSince")
        self.until = QDateEdit(QDate(today.year, today.month, today.day), objectName="auditUntil")
        self.since.setAccessibleName("Between: from date")
        self.until.setAccessibleName("Between: to date")
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("d MMM yyyy")
        for w in (QLabel("Case"), self.case_combo, QLabel("Action"), self.action_combo, self.use_dates):
            bar.addWidget(w)
        bar.addWidget(self.since)
        bar.addWidget(QLabel("and"))
        bar.addWidget(self.until)
        bar.addStretch(1)
        lay.addLayout(bar)

        self.table = QTableWidget(0, len(COLUMNS), objectName="auditTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        lay.addWidget(self.table, 1)
        self.status = QLabel(objectName="auditStatus")
        self.status.setObjectName("hint")
        lay.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

        for combo in (self.case_combo, self.action_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        for d in (self.since, self.until):
            d.setEnabled(False)
            self.use_dates.toggled.connect(d.setEnabled)
        self.since.dateChanged.connect(self.refresh)
        self.until.dateChanged.connect(self.refresh)
        self.refresh()

    def _filter(self) -> audit_service.AuditFilter:
        since = until = None
        if self.use_dates.isChecked():
            s, u = self.since.date(), self.until.date()
            since, until = date(s.year(), s.month(), s.day()), date(u.year(), u.month(), u.day())
        return audit_service.AuditFilter(
            case_id=self.case_combo.currentData(),
            action=self.action_combo.currentData(),
            since=since,
            until=until,
        )

    def refresh(self) -> None:
        try:
            entries = audit_service.list_entries(self.session.uow(), self._filter())
        except Exception as e:  # noqa: BLE001 - one calm sentence
            self.table.setRowCount(0)
            self.status.setText(message_for(e))
            return
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            local = e.at.astimezone()
            cells = (
                f"{local.day} {local:%b %Y %H:%M}",
                audit_service.ACTION_LABELS.get(e.action, e.action),
                self._codes.get(e.case_id or "", e.case_id or "") if e.case_id else "",
                e.actor,
                e.detail,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.status.setText(f"{len(entries)} entries" if len(entries) != 1 else "1 entry")


def open_audit_dialog(session: Session, parent: QWidget, case_id: str | None = None) -> AuditDialog:
    dialog = AuditDialog(session, parent, case_id)
    dialog.open()
    return dialog
