"""Toolbar tools after unlocking: settings change the auto-lock time; the audit log opens;
copies made in the app are marked secret and cleared; locking clears them at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from imsa_desktop.services import cases as case_service
from imsa_desktop.ui import clipboard
from tests.conftest import PASSPHRASE


def _unlocked(make_window, vault, vault_path: Path):  # type: ignore[no-untyped-def]
    case_id = case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Paweł Wiśniewski"}})
    vault.close()
    window = make_window(vault_path)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    assert window.session.is_open
    return window, case_id


def test_toolbar_has_sharing_audit_and_settings(make_window, vault, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, _ = _unlocked(make_window, vault, vault_path)
    names = [a.objectName() for a in window.toolbar.actions()]
    for wanted in ("actionShare", "actionImport", "actionIdentity", "actionAudit", "actionSettings"):
        assert wanted in names
    # Help, Hide and Lock are on a bar of their own, at the right-hand end.
    session = [a.objectName() for a in window.session_bar.actions()]
    assert session.index("helpAction") < session.index("hideAction") < session.index("lockAction")
    assert window.session_bar.geometry().left() >= window.toolbar.geometry().right()


def test_lock_hide_and_help_stay_on_screen_however_narrow_the_window(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot
) -> None:
    """At 1,100 px Lock and Hide were behind a 12 px extension button; now the feature actions
    that do not fit go behind "More actions" and the session's own stay in view."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QToolButton

    window, _ = _unlocked(make_window, vault, vault_path)
    more = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert more is not None and more.accessibleName() == "More actions"
    for width in (1400, 1100, 900, 760):
        window.resize(width, 800)
        QApplication.processEvents()
        on_screen = QRect(QPoint(0, 0), window.size())
        for action in (window.help_action, window.hide_action, window.lock_action):
            button = window.session_bar.widgetForAction(action)
            where = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
            assert button.isVisible() and on_screen.contains(where), (width, action.text())
        behind_more = [
            a.text()
            for a in window.toolbar.actions()
            if a.isVisible() and a.text() and not window.toolbar.widgetForAction(a).isVisible()
        ]
        assert more.isVisible() == bool(behind_more), width
    assert "Settings" in behind_more  # the last feature actions are the first behind "More"


def test_settings_change_the_idle_lock_time(make_window, vault, vault_path: Path, idle_clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.dialogs.settings_dialog import SettingsDialog

    window, _ = _unlocked(make_window, vault, vault_path)
    assert window.idle_minutes == 5
    window.open_settings()
    dialog = window.findChild(SettingsDialog)
    dialog.idle.setValue(2)
    dialog.save()
    assert window.idle_minutes == 2
    idle_clock.t += 2 * 60 + 1
    window.check_idle()
    assert not window.session.is_open
    # The setting is kept in the vault and applies again after unlocking.
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    assert window.idle_minutes == 2


def test_audit_log_opens_on_the_current_case(make_window, vault, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.dialogs.audit_dialog import AuditDialog

    window, case_id = _unlocked(make_window, vault, vault_path)
    window.workspace.open_case(case_id)
    window.open_audit_log()
    dialog = window.findChild(AuditDialog)
    assert dialog is not None and dialog.isVisible()


def test_a_copy_in_the_app_is_marked_secret_and_cleared_on_lock(
    make_window, vault, vault_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    window, case_id = _unlocked(make_window, vault, vault_path)
    window.workspace.open_case(case_id)
    field = window.workspace.case_view.tab_list[0].full_name
    field.selectAll()
    field.copy()
    QApplication.processEvents()
    board = QGuiApplication.clipboard()
    qtbot.waitUntil(lambda: board.mimeData().hasFormat("x-kde-passwordManagerHint"))
    assert board.text() == "Paweł Wiśniewski"
    assert clipboard.shared().pending
    window.lock()
    assert board.text() == ""


def test_every_toolbar_button_is_reached_by_tab_in_the_order_shown_and_enter_presses_it(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot
) -> None:
    """Qt leaves a toolbar's buttons out of the Tab order: Week, Share, Contacts, Statistics and
    Settings could only be reached with a mouse."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolButton

    from imsa_desktop.ui.dialogs.audit_dialog import AuditDialog

    window, _ = _unlocked(make_window, vault, vault_path)
    window.resize(1400, 800)
    QApplication.processEvents()
    shown = [
        b
        for bar in (window.toolbar, window.session_bar)
        for a in bar.actions()
        if isinstance(b := bar.widgetForAction(a), QToolButton) and b.isVisible()
    ]
    names = [b.text() for b in shown]
    assert names[:1] == ["Today"] and names[-3:] == ["Help", "Hide", "Lock"] and "Settings" in names
    reached, w = [], shown[0]
    for _ in range(len(shown) * 3):
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and isinstance(w, QToolButton):
            reached.append(w.text())
        w = w.nextInFocusChain()
    assert reached[: len(names)] == names  # left to right, none left out

    audit = next(b for b in shown if b.text() == "Audit log")
    audit.setFocus()
    QTest.keyClick(audit, Qt.Key.Key_Return)
    dialog = window.findChild(AuditDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_the_more_actions_row_opens_by_keyboard_and_folds_back_when_the_keyboard_leaves(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot
) -> None:
    """Opened with Enter, the overflow row stayed open over the case header and the search box
    (Qt folds it back when the mouse leaves it, and a keyboard user has no mouse there)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolButton

    window, _ = _unlocked(make_window, vault, vault_path)
    window.resize(900, 800)
    window.activateWindow()  # (focus moves, and is reported, only in the active window)
    qtbot.waitUntil(window.isActiveWindow)
    more = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    settings = next(a for a in window.toolbar.actions() if a.objectName() == "actionSettings")
    button = window.toolbar.widgetForAction(settings)
    assert more.isVisible() and not button.isVisible()  # behind "More actions"

    more.setFocus()
    QTest.keyClick(more, Qt.Key.Key_Return)
    qtbot.waitUntil(button.isVisible)  # the row is open: Settings can be reached now
    button.setFocus()  # moving within the row keeps it open
    qtbot.wait(50)
    assert button.isVisible()
    window.focus_search()  # Ctrl+F: the keyboard leaves the toolbar
    qtbot.waitUntil(lambda: not button.isVisible())
