"""An advocate who cannot use a mouse: whole tasks by keyboard alone, with the shortcuts a
KeePassXC user expects. Every journey counts mouse events and requires none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QInputDialog,
    QLineEdit,
    QWidget,
)

from imsa_desktop.domain.model import Outcome
from imsa_desktop.services import audit as audit_service
from imsa_desktop.services import cases as case_service
from tests.conftest import PASSPHRASE

CTRL = Qt.KeyboardModifier.ControlModifier


class MouseCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
        ):
            self.count += 1
        return False


@pytest.fixture
def no_mouse(app) -> Iterator[MouseCounter]:  # type: ignore[no-untyped-def]
    counter = MouseCounter()
    app.installEventFilter(counter)
    yield counter
    app.removeEventFilter(counter)
    assert counter.count == 0, "a keyboard-only journey must not need the mouse"


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Do what a window manager does (offscreen has none): activate the dialog that has just
    opened, or the main window again once it has closed."""
    top = QApplication.activeModalWidget()
    if top is None:
        mains = [w for w in QApplication.topLevelWidgets() if w.isVisible() and hasattr(w, "unlock_view")]
        top = mains[0] if mains else None
    if top is not None and not top.isActiveWindow():
        top.activateWindow()
        qtbot.waitUntil(top.isActiveWindow)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def key(qtbot, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    settle(qtbot)
    target = focused() or QApplication.activeWindow()
    assert target is not None
    qtbot.keyClick(target, k, mods)


def send_text(target: QWidget, text: str) -> None:
    """Type *text* as key presses carrying the characters (QTest only knows ASCII keys, and
    our people are called Nguyễn, Wiśniewski and ሰላም)."""
    for ch in text:
        k = Qt.Key.Key_Space if ch == " " else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, k, Qt.KeyboardModifier.NoModifier, ch))


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    settle(qtbot)
    target = focused()
    assert target is not None
    send_text(target, text)


def tab_to(qtbot, wanted, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until *wanted* (a widget, or a predicate on the focused widget) has the focus."""
    match = wanted if callable(wanted) and not isinstance(wanted, QWidget) else (lambda w: w is wanted)
    for _ in range(limit):
        if match(focused()):
            return
        key(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {wanted!r}; stuck at {focused()!r}")


def button_named(text: str):  # type: ignore[no-untyped-def]
    return lambda w: isinstance(w, QAbstractButton) and w.text().replace("&", "") == text


def active_dialog(qtbot, kind: type = QDialog) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, kind)
    settle(qtbot)
    return dialog


def press(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    """Tabs to ``button`` and presses Enter on it."""
    tab_to(qtbot, button)
    key(qtbot, Qt.Key.Key_Return)


def open_next_case(qtbot, ws) -> None:  # type: ignore[no-untyped-def]
    """Tabs to the case list, moves down one row and opens that case with Enter."""
    tab_to(qtbot, ws.table)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)


def case_tab_by_keyboard(qtbot, ws, title: str):  # type: ignore[no-untyped-def]
    """Focuses the open case's tab bar and arrows right to the tab called ``title``; returns that tab."""
    tabs = ws.case_view.tabs
    tabs.setFocus()
    while tabs.tabText(tabs.currentIndex()) != title:
        key(qtbot, Qt.Key.Key_Right)
    return ws.case_view.tab_list[tabs.currentIndex()]


def unlock_by_keyboard(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: focused() is window.unlock_view.passphrase)
    type_text(qtbot, PASSPHRASE)
    key(qtbot, Qt.Key.Key_Return)
    assert window.workspace is not None


def _viewed(window, case_id: str) -> int:  # type: ignore[no-untyped-def]
    f = audit_service.AuditFilter(case_id=case_id, action="viewed")
    return len(audit_service.list_entries(window.session.uow(), f))


def test_create_a_case_by_keyboard(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    name = "Arbër Krasniqi"

    def answer() -> None:  # types into the modal name dialog, as the advocate would
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        field = dialog.findChild(QLineEdit)
        send_text(field, name)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    key(qtbot, Qt.Key.Key_N, CTRL)
    profile = window.workspace.case_view.tab_list[0]
    assert window.workspace.case_view.title.text() == name
    settle(qtbot)
    assert focused() is profile.full_name, "after creating a case the keyboard is in its profile"
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is profile.preferred
    type_text(qtbot, "Arbër")
    tab_to(qtbot, profile.nationality)
    type_text(qtbot, "Albanian")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert profile.banner.text() == "Saved."
    case = case_service.get_case(window.session.uow(), window.workspace.case_view.case_id)
    assert (case.survivor.preferred_name, case.survivor.nationality) == ("Arbër", "Albanian")


def test_tab_leaves_a_multi_line_field_and_ctrl_tab_types_a_tab(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    ws.table.setFocus()
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    profile = ws.case_view.tab_list[0]
    profile.safe_contact.setFocus()
    before = profile.safe_contact.toPlainText()
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is not profile.safe_contact
    assert profile.safe_contact.toPlainText() == before
    profile.safe_contact.setFocus()
    key(qtbot, Qt.Key.Key_Tab, CTRL)
    assert focused() is profile.safe_contact and "\t" in profile.safe_contact.toPlainText()


def test_ctrl_page_down_and_up_change_the_case_tab_from_inside_a_field(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Page Down / Up (in the keyboard help) move between a case's tabs wherever the focus
    is in the case, a field of a scrolling tab included (its scroll area used to take the keys)."""
    unlock_by_keyboard(demo_window, qtbot)
    ws = demo_window.workspace
    open_next_case(qtbot, ws)
    tabs = ws.case_view.tabs
    ws.case_view.tab_list[0].full_name.setFocus()
    assert tabs.currentIndex() == 0
    key(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == 1
    key(qtbot, Qt.Key.Key_PageUp, CTRL)
    key(qtbot, Qt.Key.Key_PageUp, CTRL)  # round to the last tab
    assert tabs.currentIndex() == tabs.count() - 1


def test_arrows_in_the_case_list_open_nothing_and_audit_nothing(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    tab_to(qtbot, ws.table)
    passed_over = []
    for _ in range(4):
        key(qtbot, Qt.Key.Key_Down)
        passed_over.append(ws.table.currentIndex().data(int(Qt.ItemDataRole.UserRole) + 1))
    assert ws.case_view.case_id is None, "moving the highlight opens no case"
    assert all(_viewed(window, c) == 0 for c in passed_over)
    # Tab leaves the table in one press (never cell by cell).
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is not ws.table
    ws.table.setFocus()
    key(qtbot, Qt.Key.Key_Return)
    assert ws.case_view.case_id == passed_over[-1]
    assert _viewed(window, passed_over[-1]) == 1
    assert all(_viewed(window, c) == 0 for c in passed_over[:-1])


def test_record_a_decision_by_keyboard(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    tab_to(qtbot, ws.filter)
    type_text(qtbot, "hoxha")
    open_next_case(qtbot, ws)
    case_id = ws.case_view.case_id
    assert case_id is not None
    before = len(case_service.load_case(window.session.uow(), case_id).decisions)
    press(qtbot, case_tab_by_keyboard(qtbot, ws, "Decisions").add_button)
    dialog = active_dialog(qtbot)
    assert focused() is dialog.kind or dialog.isAncestorOf(focused())
    tab_to(qtbot, dialog.outcome)
    while dialog.outcome.value() is not Outcome.POSITIVE:
        key(qtbot, Qt.Key.Key_Down)
    tab_to(qtbot, dialog.date)
    type_text(qtbot, "2025-03-03")
    tab_to(qtbot, dialog.reference)
    type_text(qtbot, "SCA/CG/7781")
    tab_to(qtbot, dialog.notes)
    type_text(qtbot, "Letter read to her by the interpreter.")
    key(qtbot, Qt.Key.Key_Tab)  # leaves the notes field: no tab character typed
    assert "\t" not in dialog.notes.toPlainText()
    default = [b for b in dialog.findChildren(QAbstractButton) if getattr(b, "isDefault", lambda: False)()]
    assert [b.text().replace("&", "") for b in default] == ["Save"], "the default button goes forward"
    dialog.reference.setFocus()
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    case = case_service.load_case(window.session.uow(), case_id)
    assert len(case.decisions) == before + 1
    assert any(d.reference == "SCA/CG/7781" and d.outcome is Outcome.POSITIVE for d in case.decisions)


def test_search_and_open_by_keyboard(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    key(qtbot, Qt.Key.Key_F, CTRL)
    search = window.workspace.findChild(QLineEdit, "globalSearch")
    assert focused() is search
    type_text(qtbot, "Wiśniewski")
    key(qtbot, Qt.Key.Key_Down)
    results = window.workspace.findChild(QWidget, "searchResults")
    assert focused() is results
    assert window.workspace.case_view.case_id is None, "moving into the results opens nothing"
    key(qtbot, Qt.Key.Key_Return)
    assert "Wiśniewski" in window.workspace.case_view.title.text()


def test_lock_and_unlock_by_keyboard(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    open_next_case(qtbot, ws)
    case_id = ws.case_view.case_id
    key(qtbot, Qt.Key.Key_L, CTRL)
    assert not window.session.is_open and window.workspace is None
    unlock_by_keyboard(window, qtbot)
    assert window.workspace.case_view.case_id == case_id


def test_close_case_quit_and_help_shortcuts(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    open_next_case(qtbot, ws)
    assert ws.case_view.case_id is not None
    key(qtbot, Qt.Key.Key_W, CTRL)
    assert ws.case_view.case_id is None and ws.stack.currentWidget() is ws.home

    key(qtbot, Qt.Key.Key_F1)
    sheet = active_dialog(qtbot)
    rows = dict(sheet.shortcut_rows())
    for keys in ("Ctrl+F", "Ctrl+S", "Ctrl+W", "Ctrl+Q", "Ctrl+L", "Ctrl+Shift+H", "Ctrl+N", "Ctrl+P", "F1"):
        assert keys in rows
    assert sheet.table.horizontalHeaderItem(0).text() == "Keys"
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not sheet.isVisible())

    key(qtbot, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible() and not window.session.is_open


def test_build_a_letter_by_keyboard(make_window, qtbot, vault, vault_path: Path, no_mouse) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.services import letters as letter_service
    from tests.gui.test_letter_builder import CASE_DOC

    case_id = case_service.add_case(vault.unit_of_work(), CASE_DOC, today=date(2025, 2, 1))
    vault.close()
    window = make_window(vault_path)
    window.session.today = lambda: date(2025, 2, 1)
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    open_next_case(qtbot, ws)
    assert ws.case_view.case_id == case_id
    press(qtbot, case_tab_by_keyboard(qtbot, ws, "Letters").new_button)
    builder = active_dialog(qtbot)
    press(qtbot, builder.next_button)  # decision -> grounds
    tab_to(qtbot, builder.ground_list)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Space)  # tick the first ground
    assert builder.ground_list.currentItem().checkState() == Qt.CheckState.Checked
    from imsa_desktop.ui.features._letters_builder import TEXT

    for _ in range(6):  # enclosures, consent (dated from the case), then the text
        if builder.step == TEXT:
            break
        tab_to(qtbot, builder.next_button)
        key(qtbot, Qt.Key.Key_Return)
    assert builder.step == TEXT
    edits = [e for e in builder.section_edits.values() if e.isVisible()]
    edits[0].setFocus()
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is not edits[0], "Tab leaves a section's text"
    key(qtbot, Qt.Key.Key_S, CTRL)  # save the draft from wherever the keyboard is
    drafts = letter_service.list_letters(window.session.uow(), case_id)
    assert len(drafts) == 1


def test_lock_works_from_inside_a_dialog(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    unlock_by_keyboard(window, qtbot)
    key(qtbot, Qt.Key.Key_F1)
    sheet = active_dialog(qtbot)
    key(qtbot, Qt.Key.Key_L, CTRL)
    assert not window.session.is_open
    assert not sheet.isVisible()


def test_ctrl_p_opens_the_case_summary_preview(demo_window, qtbot, no_mouse) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.dialogs.print_preview_dialog import PrintPreviewDialog

    window = demo_window
    unlock_by_keyboard(window, qtbot)
    ws = window.workspace
    open_next_case(qtbot, ws)
    key(qtbot, Qt.Key.Key_P, CTRL)
    preview = active_dialog(qtbot, PrintPreviewDialog)
    assert preview.windowTitle().startswith("Case summary")
    preview.reject()
