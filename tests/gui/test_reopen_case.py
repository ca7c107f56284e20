"""The Today page and the case list open a case on Enter or double-click, after any view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.conftest import PASSPHRASE


def _double_click(view, pos) -> None:  # type: ignore[no-untyped-def]
    """What a real double-click sends: press, release, then the double-click and its release."""
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _unlock(make_window, qtbot, vault, vault_path: Path):  # type: ignore[no-untyped-def]
    from imsa_desktop.services.demo import fill_demo

    fill_demo(vault.unit_of_work)
    vault.close()
    window = make_window(vault_path)
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
    assert window.workspace is not None
    return window.workspace


def test_case_list_reopens_on_enter_and_double_click_after_other_views(
    make_window, qtbot, vault, vault_path
) -> None:  # type: ignore[no-untyped-def]
    ws = _unlock(make_window, qtbot, vault, vault_path)
    table = ws.table
    first = ws.proxy.index(0, 0)
    table.setFocus()
    table.setCurrentIndex(first)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert ws.stack.currentWidget() is ws.case_view
    opened = ws.case_view.case_id
    assert opened
    # Another view (Today) while the same row stays current: Enter opens the case again.
    ws.show_home()
    assert ws.stack.currentWidget() is ws.home
    table.setCurrentIndex(first)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert ws.stack.currentWidget() is ws.case_view and ws.case_view.case_id == opened
    # A view that leaves the case loaded behind it: a double-click still brings it back.
    ws.stack.setCurrentWidget(ws.home)
    rect = table.visualRect(first)
    _double_click(table, rect.center())
    assert ws.stack.currentWidget() is ws.case_view and ws.case_view.case_id == opened


def test_today_rows_open_their_case_on_enter_and_double_click(make_window, qtbot, vault, vault_path) -> None:  # type: ignore[no-untyped-def]
    ws = _unlock(make_window, qtbot, vault, vault_path)
    ws.show_home()
    lost = ws.home.lost
    assert lost.case_at(0)
    lost.setFocus()
    lost.setCurrentCell(0, 0)
    qtbot.keyClick(lost, Qt.Key.Key_Return)
    assert ws.stack.currentWidget() is ws.case_view and ws.case_view.case_id == lost.case_at(0)
    ws.show_home()
    lost = ws.home.lost
    rect = lost.visualItemRect(lost.item(0, 1))
    _double_click(lost, rect.center())
    assert ws.stack.currentWidget() is ws.case_view and ws.case_view.case_id == lost.case_at(0)
