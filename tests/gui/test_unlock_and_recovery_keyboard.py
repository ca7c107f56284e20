"""Unlock and recovery by keyboard: a wrong passphrase keeps the keyboard in the passphrase
field, the recovery dialog opens only on purpose, the recovery key is read aloud in numbered
groups and typed back, it is printed on paper rather than to a file, and quick-hide leaves a
neutral window title."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QDialog

from imsa_desktop.crypto.keyslots import parse_recovery_key
from imsa_desktop.ui.views import setup_view
from imsa_desktop.ui.views.setup_view import RecoveryKeyView
from imsa_desktop.ui.views.unlock_view import RecoveryDialog
from tests.conftest import PASSPHRASE


def _focused_window(window, qtbot):  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def test_after_a_wrong_passphrase_the_keyboard_stays_in_the_field(  # type: ignore[no-untyped-def]
    make_window, qtbot, vault, vault_path: Path
) -> None:
    vault.close()
    window = _focused_window(make_window(vault_path), qtbot)
    field = window.unlock_view.passphrase
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "tulip orbit")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "did not unlock" in window.unlock_view.banner.text()
    assert field.hasFocus(), "focus must not move to 'Forgot passphrase?'"
    assert field.selectedText() == "tulip orbit", "the old attempt is selected, ready to be typed over"

    # The rest of a multi-word passphrase typed now goes into the field, not into a dialog.
    window.session.throttle.succeeded()
    window.unlock_view._tick()
    qtbot.keyClicks(field, "correct horse battery")
    assert _open_dialogs() == []
    assert field.text() == "correct horse battery"
    assert not any(isinstance(w, RecoveryDialog) for w in QApplication.topLevelWidgets() if w.isVisible())

    # Tab from the field reaches Unlock before "Forgot passphrase?".
    assert window.unlock_view.unlock_button in _chain_until(field, window.unlock_view.recovery_button)

    # The recovery dialog opens on purpose, with its shortcut; its default button goes forward.
    qtbot.keyClick(field, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: any(isinstance(w, RecoveryDialog) for w in _open_dialogs()))
    dialogs = [w for w in _open_dialogs() if isinstance(w, RecoveryDialog)]
    assert len(dialogs) == 1
    assert dialogs[0].ok.isDefault()
    dialogs[0].reject()


def _chain_until(start, stop) -> list:  # type: ignore[no-untyped-def]
    seen, w = [], start.nextInFocusChain()
    while w is not stop and w is not start and len(seen) < 50:
        seen.append(w)
        w = w.nextInFocusChain()
    return seen


def _key_view(qtbot, key: str, check_index: int) -> RecoveryKeyView:  # type: ignore[no-untyped-def]
    view = RecoveryKeyView()
    qtbot.addWidget(view)
    view.show_key(key, check_index=check_index)
    return view


KEY = "7K2M-QX9D-4H8T-ZR3W-AB6C-DEFG-HJKM-NPQR-STVW-XYZ0-1234-5678-9ABC-DEFG"


def test_the_recovery_key_is_shown_in_numbered_groups_and_one_is_typed_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _key_view(qtbot, KEY, check_index=4)
    shown = view.key_label.text()
    assert shown.splitlines()[0].split() == ["1", "7K2M", "2", "QX9D", "3", "4H8T", "4", "ZR3W", "5", "AB6C"]
    assert "group 1: 7 K 2 M" in view.key_label.accessibleDescription()
    assert "group 5" in view.check_label.text().replace("&", "")
    acknowledged = []
    view.acknowledged.connect(lambda: acknowledged.append(True))
    view.confirm.setChecked(True)
    qtbot.keyClicks(view.check_input, "AB6D")
    assert not view.continue_button.isEnabled()
    assert "not group 5" in view.banner.text()
    view.check_input.clear()
    qtbot.keyClicks(view.check_input, "ab6c")  # case does not matter
    assert view.continue_button.isEnabled() and view.continue_button.isDefault()
    qtbot.keyClick(view.check_input, Qt.Key.Key_Return)
    assert acknowledged == [True]
    assert view.key_label.text() == ""


def test_typing_back_forgives_o_for_zero_and_l_for_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _key_view(qtbot, KEY, check_index=9)  # XYZ0
    view.confirm.setChecked(True)
    qtbot.keyClicks(view.check_input, "xyzo")
    assert view.continue_button.isEnabled()


def test_a_real_new_key_has_no_look_alikes(make_window, qtbot, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.test_first_run_and_cases import create_vault_through_gui

    window = make_window(vault_path)
    key = create_vault_through_gui(window, qtbot)
    assert not set(key) & set("ILOU")
    assert len(parse_recovery_key(key)) == 32


def test_printing_offers_real_printers_only_unless_asked(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = _key_view(qtbot, KEY, check_index=0)
    assert "print to file" in " ".join(w.text() for w in view.findChildren(setup_view.QLabel)).lower()
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    dialog = view.make_print_dialog(printer)
    assert not dialog.testOption(QPrintDialog.PrintDialogOption.PrintToFile)
    dialog.deleteLater()
    view.allow_file.setChecked(True)
    dialog = view.make_print_dialog(printer)
    assert dialog.testOption(QPrintDialog.PrintDialogOption.PrintToFile)
    dialog.deleteLater()
    view.allow_file.setChecked(False)

    # No real printer: say so and open no dialog (a PDF "printer" does not count).
    opened = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(setup_view, "real_printers", lambda: [])
    view.print_button.click()
    assert opened == []
    assert "No printer is set up" in view.banner.text()


def test_a_file_printer_is_refused_by_default(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = _key_view(qtbot, KEY, check_index=0)
    monkeypatch.setattr(setup_view, "real_printers", lambda: ["Office laser"])
    printed = []
    monkeypatch.setattr(setup_view.QTextDocument, "print_", lambda self, printer: printed.append(printer))

    def choose_pdf(self) -> int:  # type: ignore[no-untyped-def]
        self.printer().setOutputFormat(setup_view.QPrinter.OutputFormat.PdfFormat)
        self.printer().setOutputFileName("/tmp/recovery.pdf")
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(QPrintDialog, "exec", choose_pdf)
    view.print_button.click()
    assert printed == []
    assert "Nothing was printed" in view.banner.text()


def test_quick_hide_sets_a_neutral_window_title(make_window, qtbot, vault, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    vault.close()
    window = _focused_window(make_window(vault_path), qtbot)
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
    assert window.workspace is not None
    before = window.windowTitle()
    qtbot.keyClick(
        window.workspace.filter,
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.stack.currentWidget() is window.neutral_view
    assert window.windowTitle() == "Documents"
    assert "IMSA" not in window.windowTitle() and "slavery" not in window.windowTitle().lower()
    qtbot.keyClick(
        window.neutral_view,
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.stack.currentWidget() is window.workspace
    assert window.windowTitle() == before
