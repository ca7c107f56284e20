"""Appointments: the case tab, the add/edit dialog, and reminders while the app runs.

Reminders never show the survivor's name or the appointment's title: only the case code, the
kind of appointment and its time (someone may be looking at the screen).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import WEEKDAYS, format_date
from imsa_desktop.domain.model import Appointment, AppointmentKind, Survivor
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import appointments as appointment_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import ics as ics_service
from imsa_desktop.ui.case_tab import EditableTab, fetch
from imsa_desktop.ui.common import Banner, hint, message_for, save_cancel_footer
from imsa_desktop.ui.forms import DateField, EnumCombo, add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable
from imsa_desktop.ui.widgets import Dialog, SessionDialog, named_buttons

if TYPE_CHECKING:
    from imsa_desktop.services.ports import AbstractUnitOfWork

CHECK_EVERY_MS = 60_000


class ReminderWatcher(QObject):
    """Checks once a minute for appointments whose reminder time has come; each is shown once."""

    reminded = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shown: set[str] = set()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.tray: QSystemTrayIcon | None = None
        self.notices: list[QMessageBox] = []

    def start(self) -> None:
        self.timer.start()
        self.check()

    def stop(self) -> None:
        self.timer.stop()
        for box in self.notices:
            box.close()
        self.notices.clear()

    def now_local(self) -> datetime:
        return self.session.clock().astimezone(ics_service.LONDON).replace(tzinfo=None)

    def check(self) -> list[str]:
        if not self.session.is_open:
            return []
        try:
            due = appointment_service.due_reminders(self.session.uow(), self.now_local(), self.shown)
        except Exception as e:
            message_for(e)
            return []
        texts = []
        for item in due:
            self.shown.add(item.appointment.id)
            text = item.reminder_text
            texts.append(text)
            self._notify(text)
            self.reminded.emit(f"Reminder: {text}")
        return texts

    def _notify(self, text: str) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self)
                parent = self.parent()
                if isinstance(parent, QWidget):
                    self.tray.setIcon(parent.windowIcon())
            self.tray.show()
            self.tray.showMessage(
                "Appointment reminder", text, QSystemTrayIcon.MessageIcon.Information, 15_000
            )
            return
        parent = self.parent()
        window = parent.window() if isinstance(parent, QWidget) else None
        box = QMessageBox(window)
        box.setObjectName("reminderNotice")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Appointment reminder")
        box.setText(text)
        box.setModal(False)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.finished.connect(lambda _r, b=box: self.notices.remove(b) if b in self.notices else None)
        self.notices.append(box)
        box.show()


class AppointmentDialog(Dialog):
    def __init__(self, case_id: str, appt: Appointment | None, parent: QWidget | None = None) -> None:
        super().__init__("appointmentDialog", "Appointment", parent)
        self.case_id = case_id
        self._appt = appt
        f = QFormLayout(self)
        self.title_edit = add_row(f, "Title", QLineEdit(), "appointmentTitle")
        self.kind = add_row(f, "Kind", EnumCombo(AppointmentKind), "appointmentKind")
        self.day = add_row(f, "Date", DateField("appointment date", required=True), "appointmentDate")
        times = QHBoxLayout()
        self.start = QTimeEdit(QTime(10, 0))
        self.start.setObjectName("appointmentStart")
        self.start.setDisplayFormat("HH:mm")
        self.has_end = QCheckBox("ends at")
        self.has_end.setChecked(True)
        self.end = QTimeEdit(QTime(11, 0))
        self.end.setObjectName("appointmentEnd")
        self.end.setDisplayFormat("HH:mm")
        times.addWidget(self.start)
        times.addWidget(self.has_end)
        times.addWidget(self.end)
        times.addStretch(1)
        f.addRow("Time (UK)", times)
        self.location = add_row(f, "Place", QLineEdit(), "appointmentLocation")
        interp = QHBoxLayout()
        self.interpreter = QCheckBox("Interpreter needed")
        self.interpreter.setObjectName("appointmentInterpreter")
        self.language = QLineEdit()
        self.language.setObjectName("appointmentLanguage")
        self.language.setPlaceholderText("language and dialect")
        interp.addWidget(self.interpreter)
        interp.addWidget(self.language, 1)
        f.addRow("Interpreter", interp)
        self.reminder = QSpinBox()
        self.reminder.setObjectName("appointmentReminder")
        self.reminder.setRange(0, 7 * 24 * 60)
        self.reminder.setSingleStep(15)
        self.reminder.setSuffix(" minutes before")
        self.reminder.setValue(60)
        f.addRow("Reminder", self.reminder)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        f.addRow("Notes", self.notes)
        self.banner = save_cancel_footer(self, f)
        self.has_end.toggled.connect(self.end.setEnabled)
        if appt is not None:
            self.title_edit.setText(appt.title)
            self.kind.set_value(appt.kind)
            self.day.set_value(appt.start.date())
            self.start.setTime(QTime(appt.start.hour, appt.start.minute))
            self.has_end.setChecked(appt.end is not None)
            if appt.end is not None:
                self.end.setTime(QTime(appt.end.hour, appt.end.minute))
            self.location.setText(appt.location)
            self.interpreter.setChecked(appt.interpreter_needed)
            self.language.setText(appt.interpreter_language)
            self.reminder.setValue(appt.reminder_minutes)
            self.notes.setPlainText(appt.notes)

    def prefill_interpreter(self, survivor: Survivor) -> None:
        """A new appointment starts from the profile: interpreter need and language."""
        self.interpreter.setChecked(survivor.interpreter_needed)
        language = survivor.interpreter_language or (survivor.languages[0] if survivor.languages else "")
        if survivor.interpreter_needed and language:
            self.language.setText(language)
            self.language.setToolTip("From the survivor's profile")

    def value(self) -> Appointment:
        day = self.day.value()
        assert day is not None
        t0 = self.start.time()
        start = datetime(day.year, day.month, day.day, t0.hour(), t0.minute())
        end = None
        if self.has_end.isChecked():
            t1 = self.end.time()
            end = datetime(day.year, day.month, day.day, t1.hour(), t1.minute())
        kwargs = dict(
            case_id=self.case_id,
            title=self.title_edit.text(),
            kind=self.kind.value(),
            start=start,
            end=end,
            location=self.location.text(),
            interpreter_needed=self.interpreter.isChecked(),
            interpreter_language=self.language.text(),
            reminder_minutes=self.reminder.value(),
            notes=self.notes.toPlainText().strip(),
        )
        if self._appt is not None:
            return dataclasses.replace(self._appt, **kwargs)  # type: ignore[arg-type]
        return Appointment(**kwargs)  # type: ignore[arg-type]

    def check(self) -> None:
        appointment_service.validate(self.value())


def _when(a: Appointment) -> str:
    when = f"{format_date(a.start.date())}, {a.start:%H:%M}"
    return when + (f"–{a.end:%H:%M}" if a.end is not None else "")


def _interpreter(a: Appointment) -> str:
    if not a.interpreter_needed:
        return "—"
    return a.interpreter_language or "Needed (language not recorded)"


def _reminder(a: Appointment) -> str:
    return f"{a.reminder_minutes} min before" if a.reminder_minutes else "at start"


class AppointmentsTab(EditableTab[Appointment]):
    title = "Appointments"
    saved_message = "Appointment saved."
    save_service = staticmethod(appointment_service.save_appointment)
    delete_service = staticmethod(appointment_service.delete_appointment)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = QVBoxLayout(self)
        lay.addWidget(hint("Times are UK local time. Reminders show only the case code and the kind."))
        self.table = RecordTable(
            [
                Column(
                    "When",
                    _when,
                    tooltip=lambda a: "In the past" if a.start.date() < self.session.today() else None,
                ),
                Column("Kind", lambda a: a.kind.label, tooltip=lambda a: a.kind.label),
                Column("Title", lambda a: a.title, tooltip=lambda a: a.title or None),
                Column("Place", lambda a: a.location, tooltip=lambda a: a.location or None),
                Column("Interpreter", _interpreter, tooltip=_interpreter),
                Column(
                    "Reminder",
                    lambda a: f"{a.reminder_minutes} min before" if a.reminder_minutes else "at start",
                ),
            ],
            "appointmentsTable",
            stretch=(2, 3),
        )
        # Long titles and places are cut with "…" and shown whole in the tooltip.
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(4, header.ResizeMode.Interactive)
        header.resizeSection(4, 140)
        lay.addWidget(self.table, 1)
        self.ics_button = QPushButton("Export to calendar…")
        self.ics_button.setObjectName("exportIcs")
        self.ics_button.setToolTip("An .ics file with the case code instead of the name")
        self.ics_initials = QCheckBox("with initials")
        self.ics_initials.setObjectName("icsInitials")
        self.ics_initials.setToolTip(
            "Off by default: a calendar file is easily synced or shared. On: the survivor's "
            "initials are added to the case code in each event."
        )
        self.ics_deadlines = QCheckBox("with deadlines")
        self.ics_deadlines.setObjectName("icsDeadlines")
        self.ics_deadlines.setToolTip(
            "Add this case's open deadlines as all-day events with a reminder 3 days before "
            "(the case code, not the name)."
        )
        lay.addLayout(
            self.footer(
                "Add appointment…",
                ("addAppointment", "editAppointment", "deleteAppointment"),
                extra=(self.ics_button, self.ics_initials, self.ics_deadlines),
            )
        )
        self.ics_button.clicked.connect(self.export_ics)

    def read(self, case_id: str) -> Callable[[AbstractUnitOfWork], list[Appointment]]:
        return lambda uow: appointment_service.for_case(uow, case_id)

    def make_dialog(self, record: Appointment | None) -> AppointmentDialog:
        assert self.case_id is not None
        dialog = AppointmentDialog(self.case_id, record, self)
        if record is None:
            dialog.day.set_value(self.session.today())
            case_id = self.case_id
            survivor = self.fetch(lambda: case_service.load_case(self.session.uow(), case_id).survivor)
            if survivor is not None:
                dialog.prefill_interpreter(survivor)
        return dialog

    def export_ics(self) -> None:
        if self.case_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export appointments", "appointments.ics", "Calendar (*.ics)"
        )
        if not path:
            return
        self.write_ics(
            path, with_initials=self.ics_initials.isChecked(), with_deadlines=self.ics_deadlines.isChecked()
        )

    def write_ics(self, path: str, *, with_initials: bool, with_deadlines: bool = False) -> None:
        from pathlib import Path

        def write() -> ics_service.IcsResult:
            result = ics_service.build_ics(
                self.session.uow(),
                case_id=self.case_id,
                with_initials=with_initials,
                clock=self.session.clock,
                with_deadlines=with_deadlines,
                today=self.session.today(),
                uow_factory=self.session.uow,
            )
            ics_service.write_ics(Path(path), result.data)
            ics_service.record_export(
                self.session.uow(), result, case_id=self.case_id, with_initials=with_initials
            )
            return result

        result = self.fetch(write)
        if result is None:
            return
        what = "initials only, no names" if with_initials else "no names in it"
        extra = f" and {result.deadline_count} deadline(s)" if with_deadlines else ""
        self.banner.info(f"Saved {result.count} appointment(s){extra} to the calendar file ({what}).")


# ---- the week view ----------------------------------------------------------------------------


class WeekView(SessionDialog):
    """Every case's appointments for one week (Monday to Sunday), with a date picker to jump to
    any week. Each cell is cut with "…" and shown whole in its tooltip; a double-click or Enter
    opens the case."""

    case_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "weekView", "Appointments this week", parent, size=(1100, 560))
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.prev_button, self.this_button, self.next_button = named_buttons(
            bar,
            ("◀ Previous week", "weekPrev", lambda: self.show_week(self.monday - timedelta(days=7))),
            ("This week", "weekThis", lambda: self.show_week(self.session.today())),
            ("Next week ▶", "weekNext", lambda: self.show_week(self.monday + timedelta(days=7))),
        )
        self.day = DateField("week", today=session.today)
        self.day.setObjectName("weekDate")
        self.day.setToolTip("Any day of the week to show (type it or pick it from the calendar)")
        self.heading = QLabel()
        self.heading.setObjectName("weekHeading")
        bar.addWidget(QLabel("Week of"))
        bar.addWidget(self.day)
        bar.addWidget(self.heading, 1)
        lay.addLayout(bar)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("weekTable")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self._open)
        lay.addWidget(self.table, 1)
        lay.addWidget(hint("Times are UK local time. Double-click an appointment to open its case."))
        self.day.editingFinished.connect(self._typed)
        self.day.picked.connect(self.show_week)
        self.monday = appointment_service.week_start(session.today())
        self.items: list[list[appointment_service.AgendaItem]] = []
        self.show_week(session.today())

    def _typed(self) -> None:
        try:
            d = self.day.value()
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        if d is not None and appointment_service.week_start(d) != self.monday:
            self.show_week(d)

    def show_week(self, any_day: date) -> None:
        self.banner.clear_message()
        self.monday = appointment_service.week_start(any_day)
        if self.day.value_or_none() != any_day:
            self.day.set_value(any_day)
        sunday = self.monday + timedelta(days=6)
        self.heading.setText(f"  {format_date(self.monday)} – {format_date(sunday)}")
        found = fetch(self.banner, lambda: appointment_service.agenda(self.session.uow(), self.monday, 7))
        if found is None:
            return
        by_day: list[list[appointment_service.AgendaItem]] = [[] for _ in range(7)]
        for it in found:
            by_day[(it.appointment.start.date() - self.monday).days].append(it)
        self.items = by_day
        today = self.session.today()
        self.table.setHorizontalHeaderLabels(
            [
                f"{WEEKDAYS[i][:3]} {(self.monday + timedelta(days=i)).day}"
                + (" (today)" if self.monday + timedelta(days=i) == today else "")
                for i in range(7)
            ]
        )
        self.table.setRowCount(max([1, *(len(d) for d in by_day)]))
        self.table.clearContents()
        for col, day_items in enumerate(by_day):
            for row, it in enumerate(day_items):
                a = it.appointment
                short = f"{a.start:%H:%M} {it.display_name} · {a.kind.label}"
                full = (
                    f"{_when(a)}\nCase {it.case_code}: {it.display_name}\n{a.kind.label}: {a.title}"
                    + (f"\nPlace: {a.location}" if a.location else "")
                    + (f"\nInterpreter: {_interpreter(a)}" if a.interpreter_needed else "")
                )
                cell = QTableWidgetItem(short)
                cell.setToolTip(full)
                cell.setData(Qt.ItemDataRole.UserRole, it.case_id)
                self.table.setItem(row, col, cell)
        if not found:
            self.table.setItem(0, 0, QTableWidgetItem("No appointments this week."))

    def cell_text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item is not None else ""

    def _open(self, row: int, col: int) -> None:
        item = self.table.item(row, col)
        case_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if case_id:
            self.case_requested.emit(case_id)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self._open(self.table.currentRow(), self.table.currentColumn())
            return
        super().keyPressEvent(event)


def register_actions(window: Any) -> list[QAction]:
    """ "Week…" in the main window's toolbar: every case's appointments, one week at a time."""

    def open_week() -> None:
        view = WeekView(window.session, parent=window)
        workspace = getattr(window, "workspace", None)
        if workspace is not None:
            view.case_requested.connect(workspace.open_case)
        view.open()

    action = QAction("Week…", window)
    action.setObjectName("actionWeek")
    action.setToolTip("Appointments of every case, week by week")
    action.triggered.connect(open_week)
    toolbar = getattr(window, "toolbar", None)
    if toolbar is not None:
        toolbar.addAction(action)
    else:
        window.addAction(action)
    return [action]
