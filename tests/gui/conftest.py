"""GUI fixtures: synchronous workers, the app's stylesheet, a main window on a temp vault."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from imsa_desktop.ui.workers import SynchronousPool, use_pool


@pytest.fixture(autouse=True)
def nothing_frozen_between_tests() -> Iterator[None]:
    """The app freezes what it keeps (ui/heap.py) until a lock; a test's windows are not kept
    for the next test."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def synchronous_workers() -> Iterator[None]:
    """Every task runs at once on the test's thread (the pool is injected, as Picard's
    FakeThreadPool); a test that needs real threads says so with ``use_pool``."""
    with use_pool(SynchronousPool()):
        yield


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    from imsa_desktop.__main__ import add_script_fonts, apply_theme, load_stylesheet
    from imsa_desktop.ui import plugins

    qapp.setStyle("Fusion")
    add_script_fonts()
    apply_theme(qapp)
    qapp.setStyleSheet(load_stylesheet())
    plugins.load()
    return qapp


class IdleClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def idle_clock() -> IdleClock:
    return IdleClock()


@pytest.fixture
def make_window(app, qtbot, clock, idle_clock):  # type: ignore[no-untyped-def]
    """Build a MainWindow for a vault path (which may or may not exist yet)."""
    from imsa_desktop.ui.main_window import MainWindow
    from imsa_desktop.ui.session import Session

    made = []

    def make(path: Path, keychain=None):  # type: ignore[no-untyped-def]
        from imsa_desktop.crypto.keychain import Keychain

        session = Session(path, clock=clock)
        window = MainWindow(session, keychain=keychain or Keychain(), idle_clock=idle_clock)
        # Lock before closing: a window closed with unsaved edits would (rightly) ask first.
        qtbot.addWidget(window, before_close_func=lambda w: w.session.lock())
        window.resize(1280, 800)
        window.show()
        made.append(window)
        return window

    yield make
    for w in made:
        w.session.lock()


@pytest.fixture
def demo_window(make_window, vault, vault_path: Path):  # type: ignore[no-untyped-def]
    """A main window on the test vault filled with the demo cases, at its unlock screen."""
    from imsa_desktop.services.demo import fill_demo

    fill_demo(vault.unit_of_work)
    vault.close()
    return make_window(vault_path)
