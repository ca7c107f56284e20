"""The Today dashboard: the first screen after unlocking.

Overdue deadlines (time limits first, in red, until met or dismissed with a reason), deadlines
within the look-ahead (a vault setting, default 30 days) and every time limit whose window is
open (a new negative decision's reconsideration or judicial review limit is shown from the day
it is recorded), today's and this week's appointments across cases, and cases with lost contact.
Every row opens its case with one click (``open_case``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.rules import Nature
from imsa_desktop.services import backup as backup_service
from imsa_desktop.services import dashboard as dashboard_service
from imsa_desktop.services.appointments import AgendaItem
from imsa_desktop.services.deadlines import CaseDeadline
from imsa_desktop.ui import staged
from imsa_desktop.ui.case_tab import attempt, fetch
from imsa_desktop.ui.common import Banner, heading, hint, message_for
from imsa_desktop.ui.features.appointments import ReminderWatcher
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.workers import run_task

CASE_ROLE = Qt.ItemDataRole.UserRole + 1


MAX_ROWS = 100  # per Today table


class _List(QTableWidget):
    """A compact clickable list: one row per item, the case id on every cell. A click, a
    double-click or Enter on a row opens its case."""

    entered = Signal(int)  # row

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.entered.emit(self.currentRow())
            return
        super().keyPressEvent(event)

    def __init__(self, name: str, headers: list[str]) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().hide()
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAlternatingRowColors(True)
        h = self.horizontalHeader()
        for i in range(len(headers)):
            h.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setWordWrap(False)
        self._fit(1)

    def _fit(self, rows: int) -> None:
        row_h = self.verticalHeader().defaultSectionSize()
        head_h = self.horizontalHeader().sizeHint().height()
        self.setFixedHeight(head_h + row_h * min(max(rows, 1), 8) + 6)

    def set_rows(
        self,
        rows: list[tuple[str, list[str], str]],
        empty: str,
        red: set[int] | None = None,
        total: int | None = None,
    ) -> None:
        """``rows``: (case id, cells, tooltip), the most urgent first (only the first MAX_ROWS are
        shown: the caller need make no more); ``red``: indexes of rows to show in red; ``total``:
        how many items there are in all (when more than the rows given)."""
        self.clearContents()
        if not rows:
            self.setRowCount(1)
            item = QTableWidgetItem(empty)
            item.setForeground(QBrush(QColor("#57606a")))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(0, 0, item)
            self.setSpan(0, 0, 1, self.columnCount())
            self._fit(1)
            return
        self.clearSpans()
        shown = rows[:MAX_ROWS]  # most urgent first; a list longer than this is read elsewhere
        more = max(len(rows) if total is None else total, len(rows)) - len(shown)
        self.setRowCount(len(shown) + (1 if more else 0))
        for r, (case_id, cells, tip) in enumerate(shown):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(CASE_ROLE, case_id)
                if tip:
                    item.setToolTip(tip)
                if red and r in red:
                    item.setBackground(QBrush(QColor("#fff1f0")))
                    item.setForeground(QBrush(QColor("#8a1f11")))
                self.setItem(r, c, item)
        if more:
            note = QTableWidgetItem(f"… and {more} more (the most urgent are shown first)")
            note.setForeground(QBrush(QColor("#57606a")))
            note.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(len(shown), 0, note)
            self.setSpan(len(shown), 0, 1, self.columnCount())
        self._fit(len(shown))

    def case_at(self, row: int) -> str | None:
        item = self.item(row, 0)
        return item.data(CASE_ROLE) if item is not None else None


def _deadline_rows(items: list[CaseDeadline], today: date) -> list[tuple[str, list[str], str]]:
    rows = []
    for cd in items:
        d = cd.deadline
        title = d.title + (" (date changed)" if d.overridden else "")
        if d.caution:
            title += " ⚠ check para 14.216"
        if d.instead_of:
            title += " (no reconsideration: para 14.216)"
        tip = (
            cd.explanation
            + (f"\n⚠ {d.caution}" if d.caution else "")
            + (f"\n{d.instead_of}" if d.instead_of else "")
        )
        cells = [
            format_date(d.due),
            _days(d.days_left(today)),
            cd.case_code,
            cd.display_name,
            title,
            d.rule.source,
        ]
        rows.append((cd.case_id, cells, tip))
    return rows


def _hard_limits(items: list[CaseDeadline]) -> set[int]:
    return {i for i, cd in enumerate(items) if cd.deadline.rule.nature is Nature.HARD_LIMIT}


def _days(n: int) -> str:
    if n == 0:
        return "today"
    if n > 0:
        return f"in {n} day{'s' if n != 1 else ''}"
    return f"{-n} day{'s' if n != -1 else ''} late"


def _agenda_rows(items: list[AgendaItem], with_day: bool) -> list[tuple[str, list[str], str]]:
    rows = []
    for it in items:
        a = it.appointment
        when = f"{a.start:%a %d %b} {a.start:%H:%M}" if with_day else f"{a.start:%H:%M}"
        if a.end is not None:
            when += f"–{a.end:%H:%M}"
        extra = f" · interpreter: {a.interpreter_language}" if a.interpreter_needed else ""
        rows.append(
            (
                it.case_id,
                [when, it.case_code, it.display_name, f"{a.kind.label}: {a.title}{extra}"],
                a.location,
            )
        )
    return rows


def _days_box(name: str, bounds: tuple[int, int], default: int, accessible: str) -> QSpinBox:
    """A number of days kept as a vault setting (the look-ahead, the backup reminder)."""
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(*bounds)
    box.setValue(default)
    box.setSuffix(" days")
    box.setAccessibleName(accessible)
    return box


class TodayDashboard(QWidget):
    open_case = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("todayDashboard")
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(18, 14, 18, 14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)  # empty: each part is styled as it joins (ui/staged.py)
        staged.build(self._parts(lay))

    def _parts(self, lay: QVBoxLayout) -> Iterator[None]:
        """The page: its header, then two lists per part."""
        session = self.session
        top = QHBoxLayout()
        self.title = heading("Today")
        self.title.setObjectName("heading")
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(QLabel("Look ahead"))
        self.lookahead = _days_box(
            "deadlineLookahead",
            dashboard_service.LOOKAHEAD_RANGE,
            dashboard_service.DEFAULT_LOOKAHEAD_DAYS,
            "Deadline look-ahead in days",
        )
        self.lookahead.setToolTip(
            "How far ahead the Today page lists deadlines (kept in the vault). Open time limits "
            "(reconsideration, judicial review) are always listed for their whole window."
        )
        top.addWidget(self.lookahead)
        self.all_button = QPushButton("All deadlines…")
        self.all_button.setObjectName("allDeadlines")
        top.addWidget(self.all_button)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("refreshDashboard")
        top.addWidget(self.refresh_button)
        lay.addLayout(top)
        self.summary = hint("")
        self.summary.setObjectName("dashboardSummary")
        lay.addWidget(self.summary)
        self.banner = Banner()
        lay.addWidget(self.banner)
        lay.addLayout(self._backup_row())
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
        lay.addStretch(1)
        yield

        headers = ["Due", "When", "Case", "Name", "Deadline", "Source"]
        lists = [
            ("Overdue deadlines", "overdueDeadlines", headers),
            ("Deadlines ahead and open time limits", "dueThisWeek", headers),
            ("Today's appointments", "todayAppointments", ["Time", "Case", "Name", "Appointment"]),
            ("Appointments in the next 7 days", "weekAppointments", ["When", "Case", "Name", "Appointment"]),
            ("Cases with lost contact", "lostContact", ["Case", "Name", "Last changed", "Reason"]),
            (
                "Closed cases due for a retention review",
                "retentionReview",
                ["Case", "Name", "Closed", "Review due", "Why closed"],
            ),
        ]
        made: list[_List] = []
        for row, (title, name, columns) in enumerate(lists):
            box = QGroupBox(title)
            bl = QVBoxLayout(box)
            made.append(_List(name, columns))
            bl.addWidget(made[-1])
            grid.addWidget(box, row, 0, 1, 2)
            if row % 2:
                yield
        self.overdue, self.due_week, self.appts_today, self.appts_week, self.lost, self.review = made

        for w in (self.overdue, self.due_week, self.appts_today, self.appts_week, self.lost, self.review):
            w.cellClicked.connect(lambda row, _col, w=w: self._clicked(w, row))
            w.entered.connect(lambda row, w=w: self._clicked(w, row))
        self.refresh_button.clicked.connect(self.refresh)
        self.all_button.clicked.connect(self.show_all_deadlines)
        self.lookahead.editingFinished.connect(self._lookahead_changed)
        self.reminders = ReminderWatcher(session, self)
        self.reminders.reminded.connect(self.banner.info)
        session.unlocked.connect(self.reminders.start)
        session.locked.connect(self.reminders.stop)
        if session.is_open:
            self.reminders.start()

    # ---- backup reminder (issue 19) ---------------------------------------------------------
    def _backup_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.backup_reminder = QLabel("")
        self.backup_reminder.setObjectName("backupReminder")
        self.backup_reminder.setWordWrap(True)
        self.backup_reminder.setVisible(False)
        row.addWidget(self.backup_reminder, 1)
        row.addWidget(QLabel("Remind me to back up after"))
        self.backup_days = _days_box(
            "backupReminderDays",
            backup_service.REMINDER_RANGE,
            backup_service.DEFAULT_REMINDER_DAYS,
            "Backup reminder in days",
        )
        self.backup_days.editingFinished.connect(self._backup_days_changed)
        row.addWidget(self.backup_days)
        self.backup_button = QPushButton("Back up now…")
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.back_up_now)
        row.addWidget(self.backup_button)
        return row

    def show_backup_reminder(self) -> None:
        if not self.session.is_open:
            return
        uow = self.session.uow
        got = fetch(
            self.banner,
            lambda: (
                backup_service.backup_reminder(uow(), self.session.clock()),
                backup_service.reminder_days(uow()),
            ),
        )
        if got is None:
            return
        text, days = got
        self.backup_days.blockSignals(True)
        self.backup_days.setValue(days)
        self.backup_days.blockSignals(False)
        self.backup_reminder.setText(text or "")
        self.backup_reminder.setVisible(bool(text))

    def _backup_days_changed(self) -> None:
        self._set_days(backup_service.set_reminder_days, self.backup_days, self.show_backup_reminder)

    def back_up_now(self) -> None:
        from imsa_desktop.ui.features.backup_now import BackupNowDialog

        if not self.session.is_open:
            return
        self.backup_dialog = BackupNowDialog(self.session, self)
        self.backup_dialog.finished.connect(lambda _r: self.show_backup_reminder())
        self.backup_dialog.open()

    def show_all_deadlines(self) -> None:
        from imsa_desktop.ui.features.deadlines import AllDeadlinesDialog

        if not self.session.is_open:
            return
        self.all_dialog = AllDeadlinesDialog(self.session, self.open_case.emit, self)
        self.all_dialog.open()

    def _lookahead_changed(self) -> None:
        self._set_days(dashboard_service.set_lookahead_days, self.lookahead, self.refresh)

    def _set_days(self, keep: Callable[[Any, int], None], box: QSpinBox, then: Callable[[], None]) -> None:
        """Keep a number of days from *box* in the vault (``keep(uow, days)``), then ``then()``."""
        if self.session.is_open and attempt(self.banner, lambda: keep(self.session.uow(), box.value())):
            then()

    def _clicked(self, table: _List, row: int) -> None:
        case_id = table.case_at(row)
        if case_id:
            self.open_case.emit(case_id)

    def refresh(self) -> None:
        """Recompute in a worker on its own connection (deadlines of every case can take a
        while on a big caseload); the tables fill when it is done."""
        if not self.session.is_open:
            return
        self.show_backup_reminder()
        today = self.session.today()
        detached = fetch(self.banner, lambda: self.session.require_vault().detached())
        if detached is None:
            return
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation

        def work() -> tuple[dashboard_service.Today, dict[str, str], list[Any]]:
            from imsa_desktop.services import retention

            try:
                # Reads only: no write lock, so the advocate's own saves never wait for this.
                t = dashboard_service.today_overview(detached.read_only_unit_of_work, today)
                reasons: dict[str, str] = {}
                uow = detached.read_only_unit_of_work()
                with uow:
                    for s in t.lost_contact[:MAX_ROWS]:  # the rows shown
                        reasons[s.id] = uow.cases.get(s.id).status_reason
                due = retention.cases_past_retention(detached.read_only_unit_of_work(), today)
                return t, reasons, due
            finally:
                detached.close()

        def done(result: tuple[dashboard_service.Today, dict[str, str], list[Any]]) -> None:
            if generation == self._generation and self.session.is_open:
                self._show(today, *result)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.banner.error(message_for(exc))

        run_task(self, work, done, failed, background=True)  # gives way to the advocate's clicks

    def _show(
        self, today: date, t: dashboard_service.Today, reasons: dict[str, str], due: list[Any] | None = None
    ) -> None:
        self.title.setText(f"Today · {format_date(today)}")
        self.lookahead.blockSignals(True)
        self.lookahead.setValue(t.lookahead_days)
        self.lookahead.blockSignals(False)
        parts = [
            f"{len(t.overdue)} overdue",
            f"{len(t.due_this_week)} ahead or open",
            f"{len(t.appointments_today)} appointment{'s' if len(t.appointments_today) != 1 else ''} today",
            f"{len(t.lost_contact)} lost contact",
        ]
        self.summary.setText(
            ", ".join(parts) + ". Click a row to open its case."
            if not t.is_quiet
            else "Nothing needs you today."
        )
        # Rows are made for what is shown only (MAX_ROWS a table): at 10,000 cases there are
        # thousands of deadlines, and making every row took ~40 ms of the GUI thread.
        overdue = t.overdue[:MAX_ROWS]
        self.overdue.set_rows(
            _deadline_rows(overdue, today),
            "No overdue deadlines.",
            red=_hard_limits(overdue),
            total=len(t.overdue),
        )
        self.due_week.set_rows(
            _deadline_rows(t.due_this_week[:MAX_ROWS], today),
            f"Nothing due in the next {t.lookahead_days} days and no time limit open.",
            total=len(t.due_this_week),
        )
        self.appts_today.set_rows(
            _agenda_rows(t.appointments_today[:MAX_ROWS], False),
            "No appointments today.",
            total=len(t.appointments_today),
        )
        self.appts_week.set_rows(
            _agenda_rows(t.appointments_week[:MAX_ROWS], True),
            "No appointments in the next 7 days.",
            total=len(t.appointments_week),
        )
        self.lost.set_rows(
            [
                (s.id, [s.code, s.display_name, format_date(s.updated_at.date()), reasons.get(s.id, "")], "")
                for s in t.lost_contact[:MAX_ROWS]
            ],
            "No cases with lost contact.",
            total=len(t.lost_contact),
        )
        due = due or []
        self.review.set_rows(
            [
                (
                    d.case_id,
                    [d.code, d.display_name, format_date(d.closed_on), format_date(d.review_due), d.reason],
                    "",
                )
                for d in due[:MAX_ROWS]
            ],
            "No closed case has reached the organisation's retention period.",
            total=len(due),
        )
        if due:
            self.summary.setText(
                self.summary.text()
                + f" {len(due)} closed case{'s are' if len(due) != 1 else ' is'} due for a retention review."
            )

    def clear(self) -> None:
        self._generation = getattr(self, "_generation", 0) + 1  # drop results still on their way
        self.reminders.stop()
        for w in (self.overdue, self.due_week, self.appts_today, self.appts_week, self.lost, self.review):
            w.clearContents()
            w.setRowCount(0)
        self.summary.clear()
        self.banner.clear_message()
