"""A copied sensitive field carries the clipboard managers' secret hints and is cleared."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from imsa_desktop.ui.clipboard import SensitiveClipboard


def test_copy_marks_secret_and_clears_after_interval(qtbot) -> None:
    board = SensitiveClipboard(seconds=0.05)
    board.copy("Nguyễn Thị Hồng")
    data = QGuiApplication.clipboard().mimeData()
    assert QGuiApplication.clipboard().text() == "Nguyễn Thị Hồng"
    assert bytes(data.data("x-kde-passwordManagerHint").data()) == b"secret"
    assert data.hasFormat("application/x-nspasteboard-concealed-type")
    assert board.pending
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=3000)
    assert not board.pending


def test_clearing_leaves_what_the_user_copied_since(qtbot) -> None:
    board = SensitiveClipboard(seconds=0.05)
    board.copy("Arbër Hoxha")
    QGuiApplication.clipboard().setText("shopping list")
    qtbot.waitUntil(lambda: not board.pending, timeout=3000)
    assert QGuiApplication.clipboard().text() == "shopping list"


def test_clear_now(qtbot) -> None:
    board = SensitiveClipboard(seconds=60)
    board.copy("ሰላም ተስፋይ")
    board.clear_now()
    assert QGuiApplication.clipboard().text() == "" and not board.pending
