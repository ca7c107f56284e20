"""GUI: the Timeline tab: add a fuzzy-dated event, filter, and zoom the drawn timeline."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QDialogButtonBox

from imsa_desktop.domain.model import EventKind
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.session import Session


def test_add_event_filter_and_zoom(qtbot, vault, vault_path, clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.timeline import TimelineTab

    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Paweł Wiśniewski"},
            "referral": {"date": "2025-01-06"},
            "decisions": [{"kind": "reasonable_grounds", "outcome": "negative", "date": "2025-01-20"}],
            "evidence": [{"id": "ev-1", "title": "Payslips", "date_obtained": "2025-01-10"}],
        },
        clock=clock,
    )
    session = Session(vault_path, clock=clock, today=lambda: date(2025, 2, 1))
    session.attach(vault)
    tab = TimelineTab(session)
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.load(cid)
    before = tab.table.rowCount()
    assert before >= 4  # referral, decision, deadline(s), evidence

    tab.add_button.click()
    dialog = tab.dialog
    dialog.date.setText("2024-31")
    assert "not a real month" in dialog.shown.text()
    dialog.date.setText("2024-summer")
    dialog.end.setText("2024-11")
    assert dialog.shown.text() == "Shown as: summer 2024 (approx.) to November 2024"
    dialog.title_edit.setText("Worked on a farm without pay")
    dialog.kind.set_value(EventKind.EXPLOITATION)
    dialog.source.setText("Survivor's account")
    dialog.disputed.setChecked(True)
    dialog.evidence.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    assert tab.table.rowCount() == before + 1
    assert tab.table.text(0, 0) == "summer 2024 (approx.) – November 2024"
    assert tab.table.text(0, 1) == "Worked on a farm without pay"
    assert tab.table.text(0, 4) == "disputed"
    assert tab.table.text(0, 5) == "Payslips"

    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData(EventKind.DECISION))
    assert tab.table.rowCount() == 1
    assert tab.table.text(0, 1) == "Reasonable Grounds decision: negative"
    tab.kind_filter.setCurrentIndex(0)

    tab.picture_button.click()
    canvas = tab.canvas
    assert set(canvas.items_by_id) == {e.id for e in tab.table.records.rows}
    z = canvas.px_per_day
    tab.zoom_in_button.click()
    assert canvas.px_per_day > z
    z = canvas.px_per_day
    wheel = QWheelEvent(
        QPointF(10, 10),
        QPointF(10, 10),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    canvas.wheelEvent(wheel)
    assert canvas.px_per_day < z

    # derived entries cannot be deleted here
    tab._show(0)
    row = next(i for i, e in enumerate(tab.table.records.rows) if e.derived)
    tab.table.selectRow(row)
    tab.delete_button.click()
    assert "another record" in tab.banner.text()


def test_the_timeline_table_text_is_made_in_the_read_not_on_the_gui_thread(  # type: ignore[no-untyped-def]
    qtbot, vault, vault_path, clock, monkeypatch
) -> None:
    """1,000 events: making the table's 6,000 cells took ~40 ms of the GUI thread when shown;
    the worker's read makes them now, Evidence titles included, and showing them makes none."""
    import threading

    from imsa_desktop.ui import tables
    from imsa_desktop.ui.features.timeline import TimelineTab

    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Lê Thị Hồng (fictional)"},
            "referral": {"date": "2025-01-06"},
            "evidence": [{"id": "ev-1", "title": "Bảng lương (payslips)", "date_obtained": "2025-01-10"}],
            "events": [
                {"id": "e1", "date": "2024-09", "title": "Recruited in Hải Phòng", "evidence_ids": ["ev-1"]}
            ],
        },
        clock=clock,
    )
    session = Session(vault_path, clock=clock, today=lambda: date(2025, 2, 1))
    session.attach(vault)
    tab = TimelineTab(session)
    qtbot.addWidget(tab)
    read = tab.read(cid)
    made_in: list[object] = []
    real = tables.cells_of

    def watched(columns, rows):  # type: ignore[no-untyped-def]
        made_in.append(threading.current_thread())
        return real(columns, rows)

    monkeypatch.setattr("imsa_desktop.ui.features.timeline.cells_of", watched)
    monkeypatch.setattr(tables, "cells_of", watched)
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(read(vault.unit_of_work())))
    worker.start()
    worker.join()
    assert made_in == [worker]
    tab.case_id = cid
    tab.show_rows(result[0])  # type: ignore[arg-type]
    assert made_in == [worker]  # showing made no cells
    row = next(i for i in range(tab.table.rowCount()) if tab.table.text(i, 1) == "Recruited in Hải Phòng")
    assert tab.table.text(row, 5) == "Bảng lương (payslips)"
    assert tab.table.text(row, 0) == "September 2024"
