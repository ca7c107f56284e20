"""The workspace is built while the advocate types the passphrase (the cores are free then;
once Unlock is pressed Argon2id takes them all), a piece per turn of the event loop. What is
built before the vault opens holds no case data, and unlocking uses it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from tests.conftest import PASSPHRASE


def _texts(widget) -> str:  # type: ignore[no-untyped-def]
    out = [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QLineEdit)]
    return "\n".join(t for t in out if t)


def test_the_empty_workspace_is_built_at_the_unlock_screen_and_used_by_the_unlock(  # type: ignore[no-untyped-def]
    demo_window, qtbot
) -> None:
    window = demo_window
    assert window.stack.currentWidget() is window.unlock_view
    qtbot.waitUntil(lambda: window._prebuilt is not None, timeout=10_000)
    prebuilt = window._prebuilt

    # Built, hidden, and empty: no case of the (demo) vault is in it.
    assert window.stack.currentWidget() is window.unlock_view and not prebuilt.isVisible()
    assert prebuilt.model.total() == 0 and prebuilt.case_view.case_id is None
    assert "Hoxha" not in _texts(prebuilt) and "Nguyễn" not in _texts(prebuilt)

    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    assert window.workspace is prebuilt  # the unlock did not build another one
    assert window.stack.currentWidget() is prebuilt
    qtbot.waitUntil(lambda: prebuilt.model.total() > 0, timeout=10_000)


def test_after_a_lock_the_next_workspace_is_built_before_the_next_unlock(  # type: ignore[no-untyped-def]
    demo_window, qtbot
) -> None:
    window = demo_window
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    first = window.workspace
    window.lock()
    assert window.workspace is None and window.stack.currentWidget() is window.unlock_view
    qtbot.waitUntil(lambda: window._prebuilt is not None, timeout=10_000)
    assert window._prebuilt is not first
    assert window._prebuilt.model.total() == 0
    QApplication.processEvents()


def test_unlocking_before_the_workspace_is_built_still_opens_it(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot
) -> None:
    vault.close()
    window = make_window(vault_path)
    assert window._prebuilt is None  # nothing built yet: the window has only just been shown
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    assert window.stack.currentWidget() is window.workspace
    assert window._prebuilt is None and window._building is None
