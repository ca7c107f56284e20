"""GUI: the para 14.216 bar, judicial review from the original decision, "met late", the Today
page's open windows and overdue limits, the all-cases view, and a decision outcome that starts empty.

Screenshots go to ``IMSA_SHOTS`` when set (docs/screenshots/ holds the ones kept).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from imsa_desktop.domain.model import Outcome, RemovalBar
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import dashboard as dashboard_service
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.ui.session import Session

TODAY = date(2025, 10, 3)


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("IMSA_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))


@pytest.fixture
def session(app, qtbot, vault, vault_path, clock):  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock, today=lambda: TODAY)
    s.attach(vault)
    return s


def _add(session: Session, clock, name: str, *decisions: dict, **extra: object) -> str:  # type: ignore[no-untyped-def,type-arg]
    """Adds a case for ``name`` with these decisions (and any other top-level fields)."""
    doc = {"survivor": {"full_name": name}, "decisions": list(decisions), **extra}
    return case_service.add_case(session.uow(), doc, clock=clock)


def _decision(kind: str, outcome: str, on: str, **more: str) -> dict[str, str]:
    return {"kind": kind, "outcome": outcome, "date": on, **more}


# A negative RG with the para 14.216 removal bar (public order / bad faith) applying.
BARRED_RG = _decision(
    "reasonable_grounds", "negative", "2025-10-01", received_on="2025-10-02", removal_bar="yes"
)


def _deadlines_tab(session: Session, qtbot, case_id: str, height: int | None = None):  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.deadlines import DeadlinesTab

    tab = DeadlinesTab(session)
    qtbot.addWidget(tab)
    if height is not None:
        tab.resize(1100, height)
    tab.load(case_id)
    return tab


def _dashboard(session: Session, qtbot, height: int | None = None):  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.dashboard import TodayDashboard

    dash = TodayDashboard(session)
    qtbot.addWidget(dash)
    if height is not None:
        dash.resize(1200, height)
    dash.refresh()
    return dash


def test_removal_bar_shows_judicial_review_instead_of_reconsideration(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    barred = _add(session, clock, "Arbër Hoxha", BARRED_RG)
    _add(session, clock, "Nguyễn Thị Hồng", _decision("conclusive_grounds", "negative", "2025-09-30"))
    tab = _deadlines_tab(session, qtbot, barred, 520)
    assert tab.table.rowCount() == 1
    assert tab.table.text(0, 0) == "Judicial review claim (outer limit) (no reconsideration: para 14.216)"
    assert tab.table.text(0, 1) == "1 January 2026"
    assert "No reconsideration of the negative RG of 1 October 2025" in tab.notes.text()
    assert "para 14.216" in tab.notes.text() and "Judicial review is the route" in tab.notes.text()
    tab.table.selectRow(0)
    _shot(tab, "deadlines-removal-bar.png")

    dash = _dashboard(session, qtbot, 760)
    rows = [
        [dash.due_week.item(r, c).text() for c in range(dash.due_week.columnCount())]
        for r in range(dash.due_week.rowCount())
    ]
    # The barred case: judicial review only. The other (bar not known): reconsideration with a caution.
    hoxha = [r for r in rows if r[3] == "Arbër Hoxha"]
    assert [r[4] for r in hoxha] == ["Judicial review claim (outer limit) (no reconsideration: para 14.216)"]
    hong = {r[4]: r for r in rows if r[3] == "Nguyễn Thị Hồng"}
    assert hong["Reconsideration request (negative CG) ⚠ check para 14.216"][0] == "30 October 2025"
    # A new negative decision's JR limit is on the page for its whole window (beyond the look-ahead).
    assert hong["Judicial review claim (outer limit)"][0] == "30 December 2025"
    _shot(dash, "today-open-windows.png")


def test_judicial_review_from_the_original_decision_and_the_refusal(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    cg = _decision("conclusive_grounds", "negative", "2025-08-01")
    refused = _decision("reconsideration", "negative", "2025-09-15")
    cid = _add(session, clock, "ሰላም ተስፋይ", cg, refused, jurisdiction="scotland")
    tab = _deadlines_tab(session, qtbot, cid, 520)
    rows = {
        tab.table.text(r, 3): (tab.table.text(r, 0), tab.table.text(r, 1))
        for r in range(tab.table.rowCount())
        if tab.table.text(r, 0).startswith("Judicial review")
    }
    # "3 months beginning with" the decision (Court of Session Act 1988 s27A): day 1 is the decision day.
    assert rows == {
        "the negative CG of 1 August 2025": ("Judicial review petition (time limit)", "31 October 2025"),
        "the refused reconsideration of 15 September 2025": (
            "Judicial review petition (time limit)",
            "14 December 2025",
        ),
    }
    assert "s27A" in tab.table.text(0, 4) or any(
        "s27A" in tab.table.text(r, 4) for r in range(tab.table.rowCount())
    )
    _shot(tab, "deadlines-jr-from-original.png")


def test_a_target_met_late_is_never_a_plain_tick(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.deadlines import AllDeadlinesDialog

    late_rg = _decision("reasonable_grounds", "positive", "2025-02-16")
    cid = _add(session, clock, "Paweł Wiśniewski", late_rg, referral={"date": "2025-01-06"})
    tab = _deadlines_tab(session, qtbot, cid, 480)
    [row] = [r for r in range(tab.table.rowCount()) if tab.table.text(r, 0).startswith("Reasonable")]
    assert tab.table.text(row, 2) == "Met late (34 days after the target) 16 February 2025"
    assert tab.table.background(row, 2) != "#eef7ee"  # not the green of "met"
    tab.table.selectRow(row)
    assert "Met late (34 days after the target)." in tab.details.text()
    _shot(tab, "deadlines-met-late.png")

    dialog = AllDeadlinesDialog(session)
    qtbot.addWidget(dialog)
    dialog.include_met.setChecked(True)
    texts = [dialog.table.text(r, 1) for r in range(dialog.table.rowCount())]
    assert "Met late (34 days after the target)" in texts
    # Sortable: by name, then back by due date; every row names its rule and source.
    dialog.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert all(dialog.table.text(r, 7) for r in range(dialog.table.rowCount()))
    assert any("(beginning with)" in dialog.table.text(r, 6) for r in range(dialog.table.rowCount()))
    _shot(dialog, "all-deadlines.png")


def test_overdue_time_limits_stay_on_top_in_red_until_dismissed(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    rg = _decision("reasonable_grounds", "negative", "2025-08-20")
    cid = _add(session, clock, "Zofia Kowalska", rg, referral={"date": "2025-09-01"})
    dash = _dashboard(session, qtbot, 520)
    titles = [dash.overdue.item(r, 4).text() for r in range(dash.overdue.rowCount())]
    assert titles == ["Reconsideration request (negative RG)", "Reasonable Grounds decision (target)"]
    assert dash.overdue.item(0, 0).background().color().name() == "#fff1f0"  # a time limit: red
    assert dash.overdue.item(1, 0).background().color().name() != "#fff1f0"  # a target: not
    _shot(dash, "today-overdue-red.png")

    tab = _deadlines_tab(session, qtbot, cid)
    [row] = [r for r in range(tab.table.rowCount()) if tab.table.text(r, 0).startswith("Reconsideration")]
    tab.table.selectRow(row)
    assert tab.dismiss_button.isEnabled()
    tab.dismiss_button.click()
    save = tab.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    save.click()
    assert "reason" in tab.dialog.banner.text()
    tab.dialog.reason.setText("Survivor chose not to ask; solicitor advising on JR")
    save.click()
    dash.refresh()
    titles = [dash.overdue.item(r, 4).text() for r in range(dash.overdue.rowCount())]
    assert titles == ["Reasonable Grounds decision (target)"]
    got = deadline_service.all_deadlines(session.uow(), TODAY, case_id=cid)
    assert any(d.deadline.status_text.startswith("Dismissed: Survivor chose not to ask") for d in got)


def test_the_look_ahead_is_a_vault_setting(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    _add(session, clock, "Fatima Al-Sayed فاطمة", _decision("reasonable_grounds", "positive", "2025-09-20"))
    dash = _dashboard(session, qtbot)
    assert dash.lookahead.value() == 30
    shown = {dash.due_week.item(r, 4).text() for r in range(dash.due_week.rowCount())}
    assert "Recovery period (England & Wales)" in shown  # 19 October: within 30 days
    dash.lookahead.setValue(7)
    dash._lookahead_changed()
    assert dashboard_service.lookahead_days(session.uow()) == 7
    assert dash.due_week.item(0, 0).text().startswith("Nothing due in the next 7 days")


def test_a_new_decision_must_have_its_outcome_chosen(app, qtbot) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.views.case_view import DecisionDialog

    dialog = DecisionDialog(None)
    qtbot.addWidget(dialog)
    assert dialog.outcome.value() is None
    assert dialog.removal_bar.value() is RemovalBar.NOT_KNOWN
    dialog.date.setText("2025-10-01")
    dialog.received_on.setText("2025-10-06")
    dialog._accept()
    assert dialog.banner.text() == "Please choose the outcome of the decision."
    _shot(dialog, "decision-form.png")
    dialog.outcome.set_value(Outcome.NEGATIVE)
    dialog.received_on.setText("2025-09-30")
    dialog._accept()
    assert "received is before the date of the decision letter" in dialog.banner.text()
    dialog.received_on.setText("2025-10-06")
    dialog._accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    d = dialog.value()
    assert (d.date, d.received_on) == (date(2025, 10, 1), date(2025, 10, 6))
    assert "not from the day it arrived" in dialog.findChild(QWidget, "decisionDateHint").text()


def test_the_decisions_table_shows_date_received_and_the_removal_bar(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.views.case_view import DecisionsTab

    cid = _add(session, clock, "Arbër Hoxha", BARRED_RG)
    tab = DecisionsTab(session)
    qtbot.addWidget(tab)
    tab.load(cid)
    assert [tab.table.text(0, c) for c in (2, 5, 6)] == ["1 October 2025", "2 October 2025", "applies"]


def test_a_disqualification_shows_what_abw_held_with_its_source(session, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    rg = _decision("reasonable_grounds", "positive", "2025-06-02")
    disqualified = _decision("public_order_disqualification", "positive", "2025-08-01")
    cid = _add(session, clock, "Nguyễn Văn An", rg, disqualified)
    tab = _deadlines_tab(session, qtbot, cid)
    assert "R (ABW) v SSHD [2025] EWHC 3280 (Admin)" in tab.notes.text()
    assert "a conclusive grounds decision must still be made" in tab.notes.text()
    assert "to be confirmed" in tab.notes.text()
