"""Appointments: the case tab, the add/edit dialog, and reminders while the app runs.

Reminders never show the survivor's name or the appointment's title: only the case code, the
kind of appointment and its time (someone may be looking at the screen).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSystemTrayIcon,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import Appointment, AppointmentKind
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import appointments as appointment_service
from imsa_desktop.services import ics as ics_service
from imsa_desktop.ui.case_tab import EditableTab
from imsa_desktop.ui.common import hint, message_for, save_cancel_footer
from imsa_desktop.ui.forms import DateField, EnumCombo
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable

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


class AppointmentDialog(QDialog):
    def __init__(self, case_id: str, appt: Appointment | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appointmentDialog")
        self.setWindowTitle("Appointment")
        self.case_id = case_id
        self._appt = appt
        f = QFormLayout(self)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("appointmentTitle")
        f.addRow("Title", self.title_edit)
        self.kind = EnumCombo(AppointmentKind)
        self.kind.setObjectName("appointmentKind")
        f.addRow("Kind", self.kind)
        self.day = DateField("appointment date", required=True)
        self.day.setObjectName("appointmentDate")
        f.addRow("Date", self.day)
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
        self.location = QLineEdit()
        self.location.setObjectName("appointmentLocation")
        f.addRow("Place", self.location)
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

    def _accept(self) -> None:
        try:
            appointment_service.validate(self.value())
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()


def _when(a: Appointment) -> str:
    when = f"{format_date(a.start.date())}, {a.start:%H:%M}"
    return when + (f"–{a.end:%H:%M}" if a.end is not None else "")


def _reminder(a: Appointment) -> str:
    return f"{a.reminder_minutes} min before" if a.reminder_minutes else "at start"


class AppointmentsTab(EditableTab[Appointment]):
    title = "Appointments"
    saved_message = "Appointment saved."

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
                Column("Kind", lambda a: a.kind.label),
                Column("Title", lambda a: a.title),
                Column("Place", lambda a: a.location),
                Column("Interpreter", lambda a: a.interpreter_language if a.interpreter_needed else "—"),
                Column(
                    "Reminder",
                    lambda a: f"{a.reminder_minutes} min before" if a.reminder_minutes else "at start",
                ),
            ],
            "appointmentsTable",
            stretch=(2, 3),
        )
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

    def rows(self, case_id: str) -> list[Appointment]:
        return appointment_service.for_case(self.session.uow(), case_id)

    def make_dialog(self, record: Appointment | None) -> AppointmentDialog:
        assert self.case_id is not None
        dialog = AppointmentDialog(self.case_id, record, self)
        if record is None:
            dialog.day.set_value(self.session.today())
        return dialog

    def save_record(self, value: Appointment) -> None:
        appointment_service.save_appointment(self.session.uow(), value, clock=self.session.clock)

    def delete_record(self, record: Appointment) -> None:
        assert self.case_id is not None
        appointment_service.delete_appointment(self.session.uow(), self.case_id, record.id)

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
