"""First run: the welcome screen says where the vault will be kept and offers four ways in."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import backup as backup_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import demo, first_run
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))


def _grab(window, name: str) -> None:  # type: ignore[no-untyped-def]
    window.grab().save(str(SHOTS / name))


def test_welcome_says_where_and_offers_four_ways(make_window, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window(vault_path)
    welcome = window.welcome_view
    assert window.stack.currentWidget() is welcome
    assert welcome.where.text() == str(vault_path)
    texts = [b.text() for b in welcome.buttons.values()]
    assert texts == [
        "Create a vault",
        "Open an existing vault",
        "Restore from a backup",
        "Try the demo vault",
    ]
    assert all(b.isVisibleTo(window) and b.isEnabled() for b in welcome.buttons.values())
    assert window.windowTitle() == "IMSA Desktop"
    assert not window.toolbar.isVisible()
    _grab(window, "welcome.png")

    welcome.buttons["welcomeCreate"].click()
    assert window.stack.currentWidget() is window.setup_view
    window.setup_view.back_button.click()
    assert window.stack.currentWidget() is welcome
    assert not vault_path.exists()


def test_demo_vault_is_apart_and_says_demo(make_window, qtbot, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window(vault_path)
    qtbot.mouseClick(window.welcome_view.buttons["welcomeDemo"], Qt.MouseButton.LeftButton)
    assert window.session.is_open and window.workspace is not None
    assert window.windowTitle() == "IMSA Desktop — DEMO (fictional cases only)"
    assert window.session.path == demo.demo_vault_path() and window.session.path != vault_path
    assert not vault_path.exists(), "the real vault's place stays empty"
    rows = case_service.list_cases(window.session.uow())
    assert len(rows) >= 5
    _grab(window, "demo-title.png")

    # Quick-hide shows nothing, not even DEMO; it comes back after.
    window.toggle_hide()
    assert "DEMO" not in window.windowTitle() and "IMSA" not in window.windowTitle()
    window.unhide()
    assert "DEMO" in window.windowTitle()

    # Locked, it still says DEMO and tells the demo passphrase; it unlocks with it.
    window.lock()
    assert "DEMO" in window.windowTitle()
    assert demo.DEMO_PASSPHRASE in window.unlock_view.banner.text()
    qtbot.keyClicks(window.unlock_view.passphrase, demo.DEMO_PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.session.is_open)
    assert "DEMO" in window.windowTitle()


def test_a_real_vault_has_no_demo_title(make_window, qtbot, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    v, _ = Vault.create(vault_path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    v.close()
    window = make_window(vault_path)
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.session.is_open)
    assert window.windowTitle() == "IMSA Desktop"


def test_open_an_existing_vault_is_remembered(make_window, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    existing = tmp_path / "copied" / "old-laptop.imsa"
    existing.parent.mkdir()
    v, _ = Vault.create(existing, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    case_id = case_service.add_case(v.unit_of_work(), {"survivor": {"full_name": "Arta Krasniqi"}})
    v.close()
    default = tmp_path / "default" / "vault.imsa"
    window = make_window(default)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(tmp_path), "")))
    window.welcome_view.buttons["welcomeOpen"].click()
    assert "not an IMSA Desktop vault" in window.welcome_view.banner.text()
    assert window.stack.currentWidget() is window.welcome_view

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(existing), "")))
    window.welcome_view.buttons["welcomeOpen"].click()
    assert window.stack.currentWidget() is window.unlock_view
    assert str(existing) in window.unlock_view.where.text()
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.session.is_open)
    assert [r.id for r in case_service.list_cases(window.session.uow())] == [case_id]
    assert first_run.start_vault_path() == existing.resolve()  # the next start opens it
    monkeypatch.setenv("IMSA_VAULT", str(default))
    assert first_run.start_vault_path() == default


def test_restore_from_a_backup(make_window, qtbot, tmp_path, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "old.imsa"
    v, _ = Vault.create(old, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    case_id = case_service.add_case(v.unit_of_work(), {"survivor": {"full_name": "ሰላም ተስፋይ"}})
    backup = tmp_path / "vault-backup.imsa-backup"
    backup_service.backup_vault(v.unit_of_work(), backup, passphrase=PASSPHRASE)
    v.close()

    window = make_window(vault_path)
    window.welcome_view.buttons["welcomeRestore"].click()
    page = window.restore_view
    assert window.stack.currentWidget() is page and page.where.text() == str(vault_path)
    page.file.setText(str(backup))
    qtbot.keyClicks(page.name, "Sam Example")
    qtbot.keyClicks(page.passphrase, "a wrong passphrase entirely")
    page.restore()
    assert page.banner.property("kind") == "error" and "Traceback" not in page.banner.text()
    assert not vault_path.exists(), "a failed restore leaves no vault behind"

    page.passphrase.clear()
    qtbot.keyClicks(page.passphrase, PASSPHRASE)
    page.restore()
    assert window.stack.currentWidget() is window.recovery_view
    window.recovery_view.confirm.setChecked(True)
    window.recovery_view.continue_button.click()
    assert window.session.is_open and vault_path.exists()
    assert [r.id for r in case_service.list_cases(window.session.uow())] == [case_id]


def test_a_vault_made_by_imsa_demo_says_demo(make_window, qtbot, vault_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.cli import main as cli

    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    assert cli.main(["demo", "--vault", str(vault_path)]) == 0
    window = make_window(vault_path)
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.session.is_open)
    assert window.windowTitle() == "IMSA Desktop — DEMO (fictional cases only)"
    window.lock()
    assert "DEMO" in window.windowTitle()
    assert demo.DEMO_PASSPHRASE not in window.unlock_view.banner.text(), "its passphrase is the user's own"


def test_lock_hide_and_help_stay_on_the_toolbar_of_a_laptop_screen(
    make_window, qtbot, vault_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """On a 1280-pixel laptop screen, with DEMO and a long name beside them, Lock, Hide and Help
    are buttons on the toolbar, not hidden behind its overflow arrow."""
    from PySide6.QtWidgets import QApplication

    window = make_window(vault_path)
    qtbot.mouseClick(window.welcome_view.buttons["welcomeDemo"], Qt.MouseButton.LeftButton)
    window.resize(1280, 780)
    window.show()
    window.who.setText("DEMO (fictional cases) · Małgorzata Wiśniewska-Nowakowska (fictional)  ")
    QApplication.processEvents()
    for tb, actions in (
        (window.session_bar, (window.lock_action, window.hide_action, window.help_action)),
        (window.toolbar, window.extra_actions),
    ):
        for action in actions:
            button = tb.widgetForAction(action)
            assert button is not None and button.isVisible(), f"{action.text()} is on the toolbar"
            assert button.geometry().right() <= tb.width()
    assert window.session_bar.geometry().right() <= window.width()
    assert "Wiśniewska-Nowakowska" in window.who.toolTip() and "DEMO" in window.who.text()
