"""The audit log viewer lists entries and filters them by case, action and dates."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QDate

from imsa_desktop.services import cases as case_service
from imsa_desktop.services.demo import fill_demo
from imsa_desktop.ui.dialogs.audit_dialog import AuditDialog
from imsa_desktop.ui.session import Session


def _rows(d: AuditDialog) -> list[tuple[str, ...]]:
    t = d.table
    return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]


def test_filters(qtbot, vault, vault_path, clock, tmp_path) -> None:
    ids = fill_demo(vault.unit_of_work, clock=clock)
    clock.advance(days=3)
    case_service.show_case(vault.unit_of_work(), ids[0])
    session = Session(vault_path, clock=clock, today=lambda: clock().date())
    session.attach(vault)
    d = AuditDialog(session)
    qtbot.addWidget(d)
    assert len(_rows(d)) == len(ids) + 1
    assert all("Hoxha" not in " ".join(r) for r in _rows(d))  # no case text, only codes

    d.action_combo.setCurrentIndex(d.action_combo.findData("viewed"))
    rows = _rows(d)
    assert len(rows) == 1 and rows[0][1] == "Viewed" and rows[0][3] == "Test Advocate"
    assert d.status.text() == "1 entry"

    d.action_combo.setCurrentIndex(0)
    d.case_combo.setCurrentIndex(d.case_combo.findData(ids[0]))
    assert [r[1] for r in _rows(d)] == ["Viewed", "Created"]

    d.use_dates.setChecked(True)
    from imsa_desktop.services import audit as audit_service

    viewed = audit_service.list_entries(vault.unit_of_work(), audit_service.AuditFilter(action="viewed"))[0]
    day = audit_service.local_date(viewed.at)
    d.since.setDate(QDate(day.year, day.month, day.day).addDays(1))
    assert _rows(d) == []
    d.since.setDate(QDate(day.year, day.month, day.day))
    d.until.setDate(QDate(day.year, day.month, day.day))
    assert [r[1] for r in _rows(d)] == ["Viewed", "Created"]

    d.case_combo.setCurrentIndex(0)
    d.resize(1000, 420)
    d.show()
    shots = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tmp_path)  # docs only on request
    shots.mkdir(parents=True, exist_ok=True)
    d.use_dates.setChecked(False)
    d.grab().save(str(shots / "audit_log.png"))
