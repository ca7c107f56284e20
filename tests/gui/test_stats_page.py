"""GUI: the Statistics page shows this vault's hand-counted figures, exports them and combines exports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from imsa_desktop.ui.session import Session
from tests import stats_caseload
from tests.conftest import PASSPHRASE


@pytest.fixture
def page(app, qtbot, vault, vault_path, clock):  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.stats import StatisticsPage

    stats_caseload.seed(vault.unit_of_work())
    session = Session(vault_path, clock=clock, today=lambda: stats_caseload.TODAY)
    session.attach(vault)
    p = StatisticsPage(session)
    qtbot.addWidget(p)
    p.resize(1180, 1500)
    p.start.setDate(QDate(2025, 1, 1))
    p.end.setDate(QDate(2025, 9, 30))
    return p


def _table(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    t = page.table
    return {t.item(r, 0).data(Qt.ItemDataRole.UserRole): t.item(r, 1).text() for r in range(t.rowCount())}


def test_page_shows_the_hand_counted_figures_with_charts(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    values = _table(page)
    assert values["cases.open_during"] == "8"
    assert values["rg.late"] == "2"
    assert values["recon.overturn_rate"] == "50% (1 of 2)"
    assert (
        "RG decisions (positive / negative): 5 (2 / 3)" in page.decisions.text()
    )  # RG decisions: 2 positive, 3 negative
    assert page.decisions.chart.series[0][2] == [2, 0, 0]  # RG positive by quarter
    assert "2025-Q1: RG positive 2" in page.decisions.chart.accessibleDescription()
    assert "Exact counts" in page.summary.text()
    if os.environ.get("IMSA_SCREENSHOTS"):
        page.show()
        qtbot.wait(200)
        page.grab().save(os.environ["IMSA_SCREENSHOTS"] + "/statistics-page.png")


def test_filter_changes_the_figures(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.jurisdiction.setCurrentIndex(page.jurisdiction.findData("scotland"))
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert _table(page)["cases.open_during"] == "1"  # C only
    assert "Scotland" in page.summary.text()


def test_export_then_combine_into_a_report(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    page.save_export(tmp_path / "mine.json")
    data = json.loads((tmp_path / "mine.json").read_text(encoding="utf-8"))
    assert data["figures"]["rg.total"] == 5 and data["exact_counts"] is True
    assert "Saved mine.json" in page.banner.text()
    page.combine([tmp_path / "mine.json"], 5, tmp_path / "report.csv")
    assert "cases.closed,Cases closed,fewer than 5" in (tmp_path / "report.csv").read_text(
        encoding="utf-8-sig"
    )
    page.combine([tmp_path / "mine.json", tmp_path / "mine.json"], 5, tmp_path / "twice.pdf")
    assert "same vault" in page.banner.text() and not (tmp_path / "twice.pdf").exists()


def test_toolbar_opens_the_page_and_locking_closes_it(make_window, vault, vault_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.stats import StatisticsDialog

    stats_caseload.seed(vault.unit_of_work())
    vault.close()
    window = make_window(vault_path)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    action = next(a for a in window.toolbar.actions() if a.objectName() == "actionStatistics")
    action.trigger()
    dialog = window.findChild(StatisticsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.page.table.rowCount() > 30  # counted straight away (this year, so far)
    qtbot.wait(200)  # let the new number labels show and the layout settle
    assert "RG decisions (positive / negative): 1 (1 / 0)" in dialog.page.decisions.text()
    if os.environ.get("IMSA_SCREENSHOTS"):
        dialog.grab().save(os.environ["IMSA_SCREENSHOTS"] + "/statistics-dialog.png")
    window.session.lock()
    qtbot.waitUntil(lambda: window.findChild(StatisticsDialog) is None or not dialog.isVisible())
