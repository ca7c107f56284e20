"""GUI: the Deadlines tab shows rule and source, marks a deadline met, overrides a date with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from imsa_desktop.services import cases as case_service
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.ui.session import Session

TODAY = date(2025, 2, 1)


@pytest.fixture
def tab(qtbot, vault, vault_path, clock):  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.deadlines import DeadlinesTab

    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Nguyễn Thị Hồng"},
            "decisions": [{"kind": "reasonable_grounds", "outcome": "negative", "date": "2025-01-20"}],
        },
        clock=clock,
    )
    session = Session(vault_path, clock=clock, today=lambda: TODAY)
    session.attach(vault)
    t = DeadlinesTab(session)
    qtbot.addWidget(t)
    t.load(cid)
    return t, cid, session


def _save(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def _saved_after_a_refusal(t, button, first: tuple[str, str], refusal: str, then: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    """On the first deadline, ``button`` opens a dialog; saving with ``first`` (field name, text)
    filled in is refused with ``refusal`` in its banner, and saving again with ``then`` works."""
    t.table.selectRow(0)
    button.click()
    dialog = t.dialog
    for (field, text), refused in ((first, True), (then, False)):
        getattr(dialog, field).setText(text)
        _save(dialog)
        if refused:
            assert dialog.isVisible() and refusal in dialog.banner.text()


def test_rule_and_source_are_visible(tab) -> None:  # type: ignore[no-untyped-def]
    t, _cid, _s = tab
    assert t.table.rowCount() == 2
    assert t.table.text(0, 0) == "Reconsideration request (negative RG)"
    assert t.table.text(0, 1) == "19 February 2025"
    assert "Statutory Guidance" in t.table.text(0, 4)
    assert "30 calendar days" in t.table.tooltip(0, 1)
    # Judicial review runs from the negative RG itself, shown beside the reconsideration.
    assert t.table.text(1, 0) == "Judicial review claim (outer limit)"
    assert t.table.text(1, 1) == "20 April 2025"
    assert "Civil Procedure Rules 54.5(1)" in t.table.text(1, 4)
    t.table.selectRow(0)
    assert "30 calendar days" in t.details.text()


def test_mark_met_and_undo(tab, qtbot) -> None:  # type: ignore[no-untyped-def]
    t, cid, _s = tab
    met_on = ("met_on", "2025-01-31")
    _saved_after_a_refusal(t, t.met_button, ("met_on", "2025-02-30"), "not a real date", met_on)
    assert t.table.text(0, 2) == "Met 31 January 2025"
    got = deadline_service.case_deadlines(t.session.uow(), cid, TODAY).deadlines[0].deadline
    assert got.met_on == date(2025, 1, 31)
    t.table.selectRow(0)
    assert t.unmet_button.isEnabled()
    t.unmet_button.click()
    assert t.table.text(0, 2).startswith("Upcoming")


def test_override_date_needs_reason_and_shows_it(tab) -> None:  # type: ignore[no-untyped-def]
    t, cid, _s = tab
    extension = ("reason", "SCA agreed an extension by email")
    _saved_after_a_refusal(t, t.override_button, ("due", "2025-03-05"), "reason", extension)
    assert t.table.text(0, 1) == "5 March 2025 ✎"
    assert "SCA agreed an extension by email" in t.table.tooltip(0, 1)
    t.table.selectRow(0)
    assert "changed by the advocate from 19 February 2025" in t.details.text()
    t.reset_button.click()
    assert t.table.text(0, 1) == "19 February 2025"
