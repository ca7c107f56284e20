"""Idle auto-lock and quick-hide leave no case text anywhere in the GUI."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from imsa_desktop.services import cases as case_service
from imsa_desktop.services.demo import fill_demo
from imsa_desktop.ui.main_window import MainWindow
from imsa_desktop.ui.session import Session

SEEDED = ["Nguyễn", "Hoxha", "ሰላም", "Wiśniewski", "Коваленко", "Popescu", "فاطمة"]


class FakeIdleClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _model_text(model: QAbstractItemModel, parent: QModelIndex | None = None, depth: int = 0) -> list[str]:
    parent = parent if parent is not None else QModelIndex()
    out: list[str] = []
    if depth > 4:
        return out
    for r in range(min(model.rowCount(parent), 500)):
        for c in range(_columns(model, parent)):
            idx = model.index(r, c, parent)
            for role in (*range(0, 14), int(Qt.ItemDataRole.UserRole), int(Qt.ItemDataRole.UserRole) + 1):
                v = model.data(idx, role)
                if v is not None:
                    out.append(str(v))
            if c == 0 and _children(model, idx) > 0:
                out += _model_text(model, idx, depth + 1)
    return out


def visible_text() -> str:
    """Every piece of text held by every widget and item model of every top-level window."""
    texts: list[str] = []
    for top in QApplication.topLevelWidgets():
        for w in [top, *top.findChildren(QWidget)]:
            texts.append(w.windowTitle())
            texts.append(w.toolTip())
            if isinstance(w, QLineEdit | QLabel):
                texts.append(w.text())
            if isinstance(w, QPlainTextEdit | QTextEdit):
                texts.append(w.toPlainText())
            if isinstance(w, QComboBox):
                texts += [w.itemText(i) for i in range(w.count())]
            if isinstance(w, QAbstractItemView) and w.model() is not None:
                texts += _model_text(w.model())
    return "\n".join(t for t in texts if t)


def _run_deferred_deletes() -> None:
    """What the event loop does right after the lock: delete the destroyed widget trees."""
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def leaked(text: str) -> list[str]:
    return [name for name in SEEDED if name in text]


def _unlocked_window(qtbot, vault, vault_path, clock) -> tuple[MainWindow, FakeIdleClock, str]:
    ids = fill_demo(vault.unit_of_work, clock=clock)
    session = Session(vault_path, clock=clock)
    session.attach(vault)
    idle = FakeIdleClock()
    window = MainWindow(session, idle_clock=idle)
    qtbot.addWidget(window)
    window.unlock_view.unlocked.emit()
    window.show()
    assert window.workspace is not None
    window.workspace.open_case(ids[1])
    return window, idle, ids[1]


def test_idle_lock_clears_every_widget_and_returns_to_the_case(qtbot, vault, vault_path, clock) -> None:
    window, idle, case_id = _unlocked_window(qtbot, vault, vault_path, clock)
    dialog = QDialog(window)
    dialog.setWindowTitle("Arbër Hoxha: edit")
    dialog.show()
    before = visible_text()
    assert "Hoxha" in before and len(leaked(before)) >= 3  # the walk sees case data

    idle.t += 4 * 60
    window.check_idle()
    assert window.session.is_open  # not yet idle long enough

    idle.t += 2 * 60
    window.check_idle()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    _run_deferred_deletes()
    assert not window.session.is_open and vault.conn is None
    assert window.workspace is None
    assert leaked(visible_text()) == []
    assert window.windowTitle() == "IMSA Desktop"

    # Unlocking again returns to the same case.
    from imsa_desktop import bootstrap as vault_service

    window.session.attach(vault_service.unlock(vault_path, "correct horse battery staple orbit"))
    window.unlock_view.unlocked.emit()
    assert window.workspace is not None and window.workspace.location()[0] == case_id
    window.session.lock()


def test_typing_or_moving_the_mouse_anywhere_keeps_the_vault_open(qtbot, vault, vault_path, clock) -> None:
    """The idle clock restarts on any key press or mouse action, in the window or a dialog
    (the app-wide filter tells it); only true inactivity locks."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLineEdit

    window, idle, _ = _unlocked_window(qtbot, vault, vault_path, clock)
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    dialog.show()

    idle.t += 4 * 60
    qtbot.keyClick(field, "a")  # typing in a dialog
    idle.t += 4 * 60
    window.check_idle()
    assert window.session.is_open  # 4 minutes since the key press: under the 5-minute limit

    qtbot.mouseMove(window.workspace.table.viewport(), QPoint(5, 5))
    qtbot.mouseMove(window.workspace.table.viewport(), QPoint(9, 9))
    idle.t += 4 * 60
    window.check_idle()
    assert window.session.is_open  # the mouse moved 4 minutes ago

    idle.t += 2 * 60
    window.check_idle()
    assert not window.session.is_open  # 6 minutes without a key or the mouse: locked


def test_quick_hide_shows_no_case_data_and_comes_back(qtbot, vault, vault_path, clock) -> None:
    window, _, case_id = _unlocked_window(qtbot, vault, vault_path, clock)
    preview = QWidget()
    preview.setProperty("imsaTransient", True)
    preview.setWindowTitle("Preview: Arbër Hoxha statement")
    preview.show()
    window.hide_action.trigger()
    QApplication.processEvents()
    assert not preview.isVisible()
    shown = window.stack.currentWidget()
    assert shown is window.neutral_view
    on_screen = [w for w in window.findChildren(QWidget) if w.isVisible()]
    texts = [w.text() for w in on_screen if isinstance(w, QLabel | QLineEdit)]
    assert leaked("\n".join(texts + [window.windowTitle()])) == []
    assert not window.toolbar.isVisible()

    window.hide_action.trigger()
    assert window.stack.currentWidget() is window.workspace
    assert window.workspace.location()[0] == case_id
    window.session.lock()


def test_lock_clears_the_clipboard(qtbot, vault, vault_path, clock) -> None:
    from PySide6.QtGui import QGuiApplication

    window, _, case_id = _unlocked_window(qtbot, vault, vault_path, clock)
    name = case_service.load_case(window.session.uow(), case_id).survivor.full_name
    QGuiApplication.clipboard().setText(name)
    window.lock_action.trigger()
    assert QGuiApplication.clipboard().text() == ""


def _columns(model, parent) -> int:  # type: ignore[no-untyped-def]
    """List models keep columnCount private in PySide6: they have one column."""
    try:
        return max(int(model.columnCount(parent)), 1)
    except TypeError:
        return 1


def _children(model, idx) -> int:  # type: ignore[no-untyped-def]
    try:
        return int(model.rowCount(idx))
    except TypeError:
        return 0
