"""An advocate's first hour: set up a vault, see the recovery key, add a case, edit it, lock, unlock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QLineEdit, QPlainTextEdit

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.keyslots import parse_recovery_key
from imsa_desktop.services import cases as case_service
from tests.conftest import PASSPHRASE

NAME = "Nguyễn Thị Hồng"


def _visible_text(window) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for w in window.findChildren(QLabel):
        parts.append(w.text())
    for w in window.findChildren(QLineEdit):
        parts.append(w.text())
    for w in window.findChildren(QPlainTextEdit):
        parts.append(w.toPlainText())
    return "\n".join(parts)


def read_key_groups(shown: str) -> list[str]:
    """The recovery key as shown: numbered groups of four (``1 7K2M   2 QX9D ...``)."""
    import re

    numbered = re.findall(r"(\d+) ([0-9A-Z]{4})(?=\s|$)", shown)
    assert [int(n) for n, _ in numbered] == list(range(1, 15))
    return [g for _, g in numbered]


def create_vault_through_gui(window, qtbot) -> str:  # type: ignore[no-untyped-def]
    if window.stack.currentWidget() is window.welcome_view:  # first run: "Create a vault"
        window.welcome_view.buttons["welcomeCreate"].click()
    setup = window.setup_view
    assert window.stack.currentWidget() is setup
    qtbot.keyClicks(setup.name, "Sam Example")
    qtbot.keyClicks(setup.passphrase, "password1")
    assert not setup.create_button.isEnabled(), "a guessable passphrase must not be accepted"
    assert setup.meter.label.text() in ("Very weak", "Weak", "Fair")
    setup.passphrase.clear()
    qtbot.keyClicks(setup.passphrase, PASSPHRASE)
    qtbot.keyClicks(setup.repeat, PASSPHRASE)
    assert setup.create_button.isEnabled()
    qtbot.mouseClick(setup.create_button, Qt.MouseButton.LeftButton)
    recovery = window.recovery_view
    assert window.stack.currentWidget() is recovery
    groups = read_key_groups(recovery.key_label.text())
    key_text = "-".join(groups)
    assert not recovery.continue_button.isEnabled(), "continue only after confirming the key is kept"
    recovery.confirm.setChecked(True)
    assert not recovery.continue_button.isEnabled(), "and after typing one group back"
    asked = int(recovery.check_label.text().split("group ")[1].replace("&", "").rstrip(":"))
    qtbot.keyClicks(recovery.check_input, groups[asked - 1])
    qtbot.mouseClick(recovery.continue_button, Qt.MouseButton.LeftButton)
    assert recovery.key_label.text() == "", "the recovery key is shown once and then forgotten"
    return key_text


def test_set_up_add_edit_lock_unlock(make_window, qtbot, vault_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(vault_path)
    recovery_key = create_vault_through_gui(window, qtbot)
    assert vault_path.exists()
    assert len(parse_recovery_key(recovery_key)) == 32
    assert window.workspace is not None and window.stack.currentWidget() is window.workspace

    # Add a case with the toolbar's "New case".
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (NAME, True)))
    window.workspace.new_button.click()
    ws = window.workspace
    assert ws.model.rowCount() == 1
    assert ws.case_view.title.text() == NAME

    # Edit the profile and referral, save, and see it in the list and header.
    profile = ws.case_view.tab_list[0]
    profile.preferred.setText("Hồng")
    profile.nationality.setText("Vietnamese")
    profile.referral_date.setText("2025-01-06")
    profile.fro.setText("Example Council (fictional)")
    qtbot.mouseClick(profile.save_button, Qt.MouseButton.LeftButton)
    assert profile.banner.text() == "Saved."
    assert ws.case_view.title.text() == f"{NAME} (Hồng)"
    assert "Awaiting RG" in ws.case_view.badge.text()

    # An impossible date is refused with a clear sentence, and nothing is saved.
    profile.referral_date.setText("2025-02-30")
    qtbot.mouseClick(profile.save_button, Qt.MouseButton.LeftButton)
    assert "is not a real date" in profile.banner.text()
    case_id = ws.case_view.case_id
    assert case_id is not None
    doc = case_service.show_case(window.session.uow(), case_id, audit=False)
    assert doc["referral"]["date"] == "2025-01-06"

    # Add a negative RG decision through the dialog.
    ws.case_view.tabs.setCurrentIndex(ws.case_view.tab_list.index(ws.case_view.tab_list[-2]))
    decisions = next(t for t in ws.case_view.tab_list if t.title == "Decisions")
    decisions.add_button.click()
    dialog = decisions.findChild(QDialog, "decisionDialog")
    dialog.outcome.set_value(__import__("imsa_desktop.domain.model", fromlist=["Outcome"]).Outcome.NEGATIVE)
    dialog.date.setText("2025-01-20")
    dialog.reference.setText("NRM-12345")
    dialog._accept()
    assert decisions.table.rowCount() == 1
    assert decisions.table.text(0, 2) == "20 January 2025"
    assert "Negative RG" in ws.case_view.badge.text()

    # Lock with Ctrl+L: back to the unlock screen, nothing of the case anywhere in the window.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.workspace.filter, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.session.is_open
    assert window.stack.currentWidget() is window.unlock_view
    assert window.workspace is None
    qtbot.wait(10)
    assert NAME not in _visible_text(window)
    assert "NRM-12345" not in _visible_text(window)

    # A wrong passphrase gets a calm sentence; the second failure adds a delay.
    window.unlock_view.passphrase.setText("not the passphrase at all")
    window.unlock_view.unlock()
    assert window.unlock_view.banner.text().startswith("That passphrase did not unlock the vault.")
    window.unlock_view.passphrase.setText("still not the passphrase")
    window.unlock_view.unlock()
    assert "next try is possible in" in window.unlock_view.banner.text()
    assert not window.unlock_view.unlock_button.isEnabled()

    # Unlocking returns to where the advocate was.
    window.session.throttle.succeeded()
    window.unlock_view._tick()
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    assert window.session.is_open
    assert window.workspace is not None
    assert window.workspace.case_view.case_id == case_id
    assert window.workspace.case_view.title.text() == f"{NAME} (Hồng)"


def test_unlock_existing_vault_and_filter_cases(make_window, qtbot, vault, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.services.demo import fill_demo

    fill_demo(vault.unit_of_work)
    vault.close()
    window = make_window(vault_path)
    assert window.stack.currentWidget() is window.unlock_view
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
    ws = window.workspace
    assert ws is not None
    assert ws.proxy.rowCount() == 7
    # Quick filter as you type, diacritics-insensitive.
    qtbot.keyClicks(ws.filter, "pawel")
    assert ws.proxy.rowCount() == 1
    assert ws.proxy.index(0, 0).data() == "Paweł Wiśniewski (Paweł)"
    ws.filter.clear()
    # Filter by status and by stage.
    ws.status_filter.setCurrentIndex(ws.status_filter.findText("Lost contact"))
    assert ws.proxy.rowCount() == 1
    ws.status_filter.setCurrentIndex(0)
    ws.stage_filter.setCurrentIndex(ws.stage_filter.findText("Negative RG"))
    assert [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())] == ["Nguyễn Thị Hồng (Hồng)"]


def test_closing_a_case_needs_a_reason(make_window, qtbot, vault, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.domain.model import CaseStatus

    case_id = case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}})
    vault.close()
    window = make_window(vault_path)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    window.workspace.open_case(case_id)
    profile = window.workspace.case_view.tab_list[0]
    profile.status.set_value(CaseStatus.CLOSED)
    profile.save()
    assert profile.banner.text() == "Please give a reason for closing the case."
    profile.status_reason.setText("Moved to another region; handed over")
    profile.save()
    assert profile.banner.text() == "Saved."
    assert "Closed" in window.workspace.case_view.badge.text()


def test_keychain_option_hidden_without_a_backend(make_window, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.memory_keyring import install_no_keyring

    install_no_keyring()
    window = make_window(vault_path)
    assert not vault_service.keychain_available()
    assert window.setup_view.remember.isHidden()


def test_remember_on_device_then_unlock_with_keychain(make_window, qtbot, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.crypto.keychain import Keychain
    from tests.memory_keyring import memory_keyring

    with memory_keyring() as backend:
        keychain = Keychain(backend)
        window = make_window(vault_path, keychain=keychain)
        assert not window.setup_view.remember.isHidden()
        window.setup_view.remember.setChecked(True)
        create_vault_through_gui(window, qtbot)
        window.lock()
        qtbot.waitUntil(lambda: window.unlock_view.keychain_button.isVisibleTo(window.unlock_view))
        window.unlock_view.unlock_with_keychain()
        assert window.session.is_open

        # The entry disappears from the keychain: say so plainly, fall back to the passphrase.
        window.lock()
        backend.entries.clear()
        window.unlock_view.unlock_with_keychain()
        assert not window.session.is_open
        assert "keychain no longer holds the key" in window.unlock_view.banner.text()
        window.unlock_view.passphrase.setText(PASSPHRASE)
        window.unlock_view.unlock()
        assert window.session.is_open


def test_the_case_list_sorts_by_any_column(make_window, vault, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt as _Qt

    from imsa_desktop.services.demo import fill_demo

    fill_demo(vault.unit_of_work)
    vault.close()
    window = make_window(vault_path)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    ws = window.workspace
    ws.table.sortByColumn(0, _Qt.SortOrder.AscendingOrder)
    names = [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())]
    assert names == sorted(names, key=str.casefold)
    ws.table.sortByColumn(2, _Qt.SortOrder.DescendingOrder)
    stages = [ws.proxy.index(r, 2).data() for r in range(ws.proxy.rowCount())]
    assert stages == sorted(stages, reverse=True)
    # Filtering still works on the sorted list, and Enter on a row opens that case.
    ws.filter.setText("hong")
    assert ws.proxy.rowCount() == 1
    ws.table.selectRow(0)
    assert ws.case_view.case_id is None, "highlighting a row does not open the case"
    ws.table.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClick(ws.table, _Qt.Key.Key_Return)
    assert ws.case_view.title.text() == "Nguyễn Thị Hồng (Hồng)"
