"""Deadlines: the case tab (every computed deadline with its rule and source, overrides, "met"
marks and dismissing an overdue one with a reason) and the all-cases view (``AllDeadlinesDialog``,
sortable, the same rule and source on every row)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.deadlines import Deadline, DeadlineState, case_notes, explain
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.services.deadlines import CaseDeadline
from imsa_desktop.ui.case_tab import CaseTab, fetch
from imsa_desktop.ui.common import Banner, hint, save_cancel_footer
from imsa_desktop.ui.forms import DateField, add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable
from imsa_desktop.ui.widgets import Dialog, SessionDialog, column, named_buttons

STATE_COLOURS = {
    DeadlineState.OVERDUE: ("#fff1f0", "#8a1f11"),
    DeadlineState.DUE_SOON: ("#fff8e1", "#7a5400"),
    DeadlineState.UPCOMING: ("#ffffff", "#1f2328"),
    DeadlineState.MET: ("#eef7ee", "#1a5e2a"),
}
MET_LATE_COLOURS = ("#fff8e1", "#7a5400")  # amber, never the green of "met in time"


class _DeadlineForm(Dialog):
    """A small form about one deadline: a line naming it, the fields, then Save and Cancel."""

    def __init__(self, name: str, title: str, about: str, parent: QWidget | None) -> None:
        super().__init__(name, title, parent)
        self.form = QFormLayout(self)
        self.form.addRow(QLabel(about))

    def _footer(self) -> None:
        self.banner = save_cancel_footer(self, self.form)


class OverrideDialog(_DeadlineForm):
    """Change a deadline's date: the new date and a reason (both required)."""

    def __init__(self, cd: CaseDeadline, parent: QWidget | None = None) -> None:
        d = cd.deadline
        super().__init__("overrideDialog", "Change the date", f"<b>{d.title}</b>", parent)
        self.form.addRow("Computed date", QLabel(format_date(d.computed_due)))
        self.due = add_row(self.form, "New date", DateField("new date", required=True), "overrideDate")
        self.due.set_value(d.due)
        self.reason = add_row(
            self.form,
            "Reason",
            QLineEdit(d.override_reason),
            "overrideReason",
            "e.g. Extension agreed by the SCA by email on ...",
        )
        self.reason.setMinimumWidth(360)
        self._footer()

    def check(self) -> None:
        self.due.value()
        if not self.reason.text().strip():
            raise InvalidInput("Please give a reason for changing the date.")


class MetDialog(_DeadlineForm):
    def __init__(self, cd: CaseDeadline, today_iso: str, parent: QWidget | None = None) -> None:
        super().__init__("metDialog", "Mark as met", f"<b>{cd.deadline.title}</b>", parent)
        self.met_on = add_row(self.form, "Met on", DateField("date it was met", required=True), "metDate")
        self.met_on.setText(today_iso)
        self._footer()

    def check(self) -> None:
        self.met_on.value()


class DismissDialog(_DeadlineForm):
    """Take an overdue deadline off the Today page, with a reason that is kept and shown."""

    def __init__(self, cd: CaseDeadline, parent: QWidget | None = None) -> None:
        d = cd.deadline
        about = f"<b>{_esc(d.title)}</b> was due {format_date(d.due)}."
        super().__init__("dismissDialog", "Dismiss an overdue deadline", about, parent)
        self.reason = add_row(
            self.form,
            "Reason",
            QLineEdit(),
            "dismissReason",
            "e.g. Survivor decided not to ask; solicitor advised on JR",
        )
        self.reason.setMinimumWidth(380)
        self._footer()

    def check(self) -> None:
        if not self.reason.text().strip():
            raise InvalidInput("Please give the reason for dismissing it.")


def _colours(d: Deadline) -> tuple[str, str]:
    """(background, text) colours of a deadline's due date and state."""
    return MET_LATE_COLOURS if d.met_late else STATE_COLOURS[d.state]


def _bg(cd: CaseDeadline) -> str:
    return _colours(cd.deadline)[0]


def _fg(cd: CaseDeadline) -> str:
    return _colours(cd.deadline)[1]


def _count(d: Deadline, left: int) -> str:
    """The state and the days to go ("Due soon · 3 days left") or past ("Overdue · 1 day late")."""
    if left >= 0:
        return f"{d.state.label} · {left} day{'s' if left != 1 else ''} left"
    return f"{d.state.label} · {-left} day{'s' if left != -1 else ''} late"


class DeadlinesTab(CaseTab):
    title = "Deadlines"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = column(
            self,
            "Dates come from dated rules (resources/rules). Check each against the decision letter; "
            "change a date with a reason if it differs.",
        )
        self._today = session.today()
        self.table: RecordTable[CaseDeadline] = RecordTable(
            self._columns(), "deadlinesTable", stretch=[4], alternating=False
        )
        self.table.setWordWrap(False)
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
        self._buttons = named_buttons(
            row,
            ("Mark met…", "markMet", self.mark_met),
            ("Not met", "unmarkMet", self.unmark_met),
            ("Change date…", "overrideDeadline", self.change_date),
            ("Use computed date", "resetDeadline", self.reset_date),
            ("Dismiss…", "dismissDeadline", self.dismiss),
        )
        self.met_button, self.unmet_button, self.override_button, self.reset_button, self.dismiss_button = (
            self._buttons
        )
        self.dismiss_button.setToolTip("Take an overdue deadline off the Today page, with a reason")
        lay.addLayout(row)
        self.dialog: QDialog | None = None
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        session.case_changed.connect(self._case_changed)
        self._selection_changed()

    def _columns(self) -> list[Column[CaseDeadline]]:
        def tip(cd: CaseDeadline) -> str:
            return cd.explanation

        def coloured(
            header: str, text: Callable[[CaseDeadline], str], tooltip: Callable[[CaseDeadline], str]
        ) -> Column[CaseDeadline]:
            return Column(header, text, tooltip=tooltip, colour=_fg, background=_bg)

        return [
            Column(
                "Deadline",
                lambda cd: (
                    cd.deadline.title
                    + (" (no reconsideration: para 14.216)" if cd.deadline.instead_of else "")
                ),
                tooltip=lambda cd: cd.deadline.rule.explanation.strip(),
            ),
            coloured(
                "Due",
                lambda cd: (
                    format_date(cd.deadline.due)
                    + (" ✎" if cd.deadline.overridden else "")
                    + (" ⚠" if cd.deadline.caution else "")
                ),
                tip,
            ),
            coloured("State", self._state, lambda cd: cd.deadline.met_note or cd.explanation),
            Column("Counts from", lambda cd: cd.deadline.trigger_description, tooltip=tip),
            Column("Source", lambda cd: cd.deadline.rule.source, tooltip=tip),
        ]

    def _state(self, cd: CaseDeadline) -> str:
        d = cd.deadline
        if d.state is DeadlineState.MET:
            return d.status_text + (f" {format_date(d.met_on)}" if d.met_on else "")
        left = d.days_left(self._today)
        return f"{d.state.label} · today" if left == 0 else _count(d, left)

    def _case_changed(self, case_id: str) -> None:
        if case_id == self.case_id and self.session.is_open:
            self.load(case_id)

    def load(self, case_id: str) -> None:
        """The deadlines are computed in a worker, on its own connection."""
        super().load(case_id)
        today = self.session.today()
        self.read_in_worker(
            lambda uow: deadline_service.case_deadlines(uow, case_id, today),
            lambda got: self._show_deadlines(got, today),
        )

    def _show_deadlines(self, got: Any, today: date) -> None:
        keep = self._selected()
        self._today = today
        self.table.set_rows(got.deadlines)
        lines = [f"• {explain(n)}" for n in got.notes if n.barred or not n.closed]
        lines += [f"• {text}" for text in case_notes(got.case)]
        self.notes.setText("\n".join(lines))
        self.notes.setVisible(bool(lines))
        if keep is not None:
            self.table.select_first(lambda cd: cd.key == keep.key)
        self._selection_changed()

    def _selected(self) -> CaseDeadline | None:
        return self.table.selected()

    def _selection_changed(self) -> None:
        cd = self._selected()
        for b in self._buttons:
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

    # ---- actions: each is one call of services/deadlines on the selected deadline -------------
    def mark_met(self) -> None:
        cd = self._selected()
        if cd is None or self.case_id is None:
            return
        dialog = MetDialog(cd, self.session.today().isoformat(), self)
        self._ask(
            dialog, lambda: self._update(cd, deadline_service.mark_met, "Marked met.", dialog.met_on.value())
        )

    def unmark_met(self) -> None:
        cd = self._selected()
        if cd is not None:
            self._update(cd, deadline_service.mark_met, "No longer marked met.", None)

    def change_date(self) -> None:
        cd = self._selected()
        if cd is None:
            return
        dialog = OverrideDialog(cd, self)
        said = "Date changed; the reason is kept with it."
        self._ask(
            dialog,
            lambda: self._update(
                cd, deadline_service.override_due, said, dialog.due.value(), dialog.reason.text()
            ),
        )

    def reset_date(self) -> None:
        cd = self._selected()
        if cd is not None:
            self._update(cd, deadline_service.override_due, "Back to the computed date.", None, "")

    def dismiss(self) -> None:
        cd = self._selected()
        if cd is None:
            return
        if cd.deadline.dismissed_reason:
            self._update(cd, deadline_service.dismiss_overdue, "Back on the Today page.", "")
            return
        dialog = DismissDialog(cd, self)
        said = "Dismissed; the reason is kept with the deadline."
        self._ask(
            dialog, lambda: self._update(cd, deadline_service.dismiss_overdue, said, dialog.reason.text())
        )

    def _ask(self, dialog: QDialog, then: Callable[[], None]) -> None:
        """Open *dialog* (kept as ``self.dialog``); once it is accepted, ``then()``."""
        self.dialog = dialog
        dialog.accepted.connect(then)
        dialog.open()

    def _update(
        self, cd: CaseDeadline, change: Callable[..., object], done_text: str, *values: object
    ) -> None:
        """``change(uow, case id, deadline key, *values, today=, clock=)``; on success the tab
        reloads (through ``case_changed``) and says *done_text*; on failure, why not."""
        session = self.session
        if not self.attempt(
            lambda: change(
                session.uow(), cd.case_id, cd.key, *values, today=session.today(), clock=session.clock
            )
        ):
            return
        assert self.case_id is not None
        self.session.notify_case(self.case_id)  # reloads this tab via case_changed
        self.banner.info(done_text)

    def clear(self) -> None:
        super().clear()
        self.table.clear_rows()
        self.notes.clear()
        self.banner.clear_message()
        self._selection_changed()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AllDeadlinesDialog(SessionDialog):
    """Every open deadline across cases (or all, with met ones), sortable by any column.

    Each row carries the same rule, counting and source as the case tab. Double-click opens
    the case (``open_case`` is called with its id).
    """

    def __init__(self, session: Session, open_case: object = None, parent: QWidget | None = None) -> None:
        super().__init__(session, "allDeadlinesDialog", "All deadlines", parent, size=(1100, 560))
        self._open_case = open_case
        lay = column(
            self,
            "Every case's deadlines from the dated rules. Click a column heading to sort; "
            "double-click a row to open its case. Hover for how each date was worked out.",
        )
        top = QHBoxLayout()
        self.include_met = QCheckBox("Include met and dismissed deadlines")
        self.include_met.setObjectName("includeMet")
        top.addWidget(self.include_met)
        top.addStretch(1)
        lay.addLayout(top)
        self._today = session.today()
        self.table: RecordTable[CaseDeadline] = RecordTable(
            self._columns(), "allDeadlinesTable", stretch=[7], single=False, alternating=False
        )
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        lay.addWidget(self.table, 1)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.include_met.toggled.connect(self.load)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.load()

    @property
    def rows(self) -> list[CaseDeadline]:
        return self.table.records.rows

    def _columns(self) -> list[Column[CaseDeadline]]:
        def tip(cd: CaseDeadline) -> str:
            d = cd.deadline
            return cd.explanation + (f"\n⚠ {d.caution}" if d.caution else "")

        def col(
            header: str,
            text: Callable[[CaseDeadline], str],
            key: Callable[[CaseDeadline], object],
            tooltip: Callable[[CaseDeadline], str | None] = tip,
            colours: bool = False,
        ) -> Column[CaseDeadline]:
            if colours:
                return Column(header, text, tooltip=tooltip, colour=_fg, background=_bg, sort_key=key)
            return Column(header, text, tooltip=tooltip, sort_key=key)

        def left(cd: CaseDeadline) -> int:
            return cd.deadline.days_left(self._today)

        return [
            col(
                "Due",
                lambda cd: format_date(cd.deadline.due) + (" ✎" if cd.deadline.overridden else ""),
                lambda cd: cd.deadline.due.isoformat(),
                colours=True,
            ),
            col(
                "State",
                self._state,
                lambda cd: (cd.deadline.state is not DeadlineState.OVERDUE, left(cd)),
                lambda cd: cd.deadline.met_note or tip(cd),
                colours=True,
            ),
            col("Case", lambda cd: cd.case_code, lambda cd: cd.case_code, _no_tip),
            col("Name", lambda cd: cd.display_name, lambda cd: cd.display_name.casefold(), _no_tip),
            col(
                "Deadline",
                lambda cd: cd.deadline.title + (" ⚠" if cd.deadline.caution else ""),
                lambda cd: cd.deadline.title,
                lambda cd: cd.deadline.rule.explanation,
            ),
            col(
                "Counts from",
                lambda cd: cd.deadline.trigger_description,
                lambda cd: cd.deadline.trigger_date.isoformat(),
            ),
            col(
                "Rule",
                lambda cd: f"{cd.deadline.rule.id} ({cd.deadline.rule.counting.label})",
                lambda cd: cd.deadline.rule.id,
                lambda cd: cd.deadline.rule.wording or cd.deadline.rule.source,
            ),
            col("Source", lambda cd: cd.deadline.rule.source, lambda cd: cd.deadline.rule.source),
        ]

    def _state(self, cd: CaseDeadline) -> str:
        d = cd.deadline
        if d.state is DeadlineState.MET or d.dismissed_reason:
            return d.status_text
        return _count(d, d.days_left(self._today))

    def load(self) -> None:
        today = self.session.today()
        found = fetch(
            self.banner,
            lambda: deadline_service.all_deadlines(
                self.session.uow(), today, include_met=self.include_met.isChecked()
            ),
        )
        if found is None:
            return
        if not self.include_met.isChecked():
            found = [cd for cd in found if not cd.deadline.dismissed_reason]
        self._today = today
        self.table.set_rows(found)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def _open(self, row: int) -> None:
        if callable(self._open_case):
            self._open_case(self.table.records.record(row).case_id)
            self.accept()


def _no_tip(_cd: CaseDeadline) -> None:
    return None
