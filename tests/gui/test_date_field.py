"""Date fields accept dates as people write them, show the weekday and how they were understood
before saving, offer a calendar, and an error never widens a dialog."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from imsa_desktop.domain.model import Outcome
from imsa_desktop.ui.features.timeline import EventDialog
from imsa_desktop.ui.forms import DateField
from imsa_desktop.ui.views.case_view import DecisionDialog

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))
SATURDAY = date(2025, 2, 1)


def test_typed_dates_show_the_weekday_before_saving(app, qtbot) -> None:
    field = DateField("decision date", today=lambda: SATURDAY)
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "12/3/2025")
    assert field.understood() == "Wednesday 12 March 2025"
    assert field.toolTip() == "Wednesday 12 March 2025"
    assert field.value() == date(2025, 3, 12)
    field.clear()
    qtbot.keyClicks(field, "next Tuesday")
    assert field.understood() == "Tuesday 4 February 2025" and field.value() == date(2025, 2, 4)
    field.setText("summer 2023")  # a one-day field says what it understood and why it cannot be saved
    assert (
        field.understood()
        == "The decision date needs an exact day; 'summer 2023' means summer 2023 (approx.)."
    )
    assert field.property("invalid") is True


def test_the_calendar_picks_a_day(app, qtbot) -> None:
    field = DateField("appointment date", today=lambda: SATURDAY)
    qtbot.addWidget(field)
    field.show()
    field.calendar_action.trigger()
    cal = field.popup
    assert cal is not None and cal.selectedDate() == QDate(2025, 2, 1)
    assert cal.firstDayOfWeek() == Qt.DayOfWeek.Monday
    cal.grab().save(str(SHOTS / "date_picker.png"))
    cal.clicked.emit(QDate(2025, 2, 13))
    assert field.value() == date(2025, 2, 13) and field.understood() == "Thursday 13 February 2025"
    assert field.popup is None


def test_uncertain_dates_in_the_timeline_and_an_error_never_widens_the_dialog(app, qtbot) -> None:
    dialog = EventDialog("case-1", None, [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.date, "around May 2024")
    assert dialog.date.understood() == "between April 2024 and June 2024"
    assert dialog.value().date.text == "2024-04/2024-06"
    dialog.end.setText("before 2020")
    assert dialog.value().end is not None and dialog.value().end.text == "before:2020"
    dialog.end.clear()
    dialog.title_edit.setText("Recruited in Shkodër with a false job offer")
    dialog.grab().save(str(SHOTS / "timeline_event_date.png"))

    decision = DecisionDialog(None)
    qtbot.addWidget(decision)
    decision.show()
    QApplication.processEvents()
    width = decision.width()
    screen = decision.screen().availableGeometry().width()
    decision.outcome.set_value(Outcome.NEGATIVE)
    decision.date.setText("the Thursday after the interview with the caseworker in Croydon, I think " * 3)
    decision._accept()
    QApplication.processEvents()
    assert "is not a date this app understands" in decision.banner.text()
    assert decision.width() <= max(width, decision.sizeHint().width()) and decision.width() <= screen
    assert decision.width() == width
