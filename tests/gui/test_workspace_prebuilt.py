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


# ---- built in steps (ui/staged.py) ----------------------------------------------------------
def _tab_order(root) -> list[str]:  # type: ignore[no-untyped-def]
    """The controls inside *root* in the order Tab reaches them (by name and kind)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    order, w = [], root.nextInFocusChain()
    while w is not root and len(order) < 500:
        if root.isAncestorOf(w) and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            order.append(f"{type(w).__name__}:{w.objectName() or w.accessibleName()}")
        w = w.nextInFocusChain()
    assert isinstance(root, QWidget)
    return order


def test_no_step_of_the_prebuild_builds_a_whole_page_and_tab_order_is_kept(  # type: ignore[no-untyped-def]
    demo_window, qtbot
) -> None:
    """The Profile tab and the Today page were each one step (70-110 ms of the GUI thread on a
    2-core machine, a key press waiting that long); now they come a group box at a time."""
    from PySide6.QtWidgets import QPushButton, QWidget

    from imsa_desktop.ui.views.case_view import ProfileTab

    window = demo_window
    window._piece_timer.stop()
    steps = window._pieces_left()
    profile_save_missing = today_lists_missing = 0
    widgets_per_step = []
    before = len(window.findChildren(QWidget))
    for _ in steps:
        ws = window.findChild(QWidget, "workspace")
        profile = ws.findChild(ProfileTab) if ws is not None else None
        if profile is not None and profile.findChild(QPushButton, "saveProfile") is None:
            profile_save_missing += 1  # the tab exists, its form is still being built
        today = ws.findChild(QWidget, "todayDashboard") if ws is not None else None
        if today is not None and today.findChild(QWidget, "retentionReview") is None:
            today_lists_missing += 1
        now = len(window.findChildren(QWidget))
        widgets_per_step.append(now - before)
        before = now
    assert window._prebuilt is not None
    assert profile_save_missing >= 3 and today_lists_missing >= 3
    whole_page = len(window._prebuilt.case_view.tab_list[0].findChildren(QWidget))
    assert max(widgets_per_step) < whole_page / 2  # no step builds even half the Profile tab

    # Built in steps or at once, the form is the same to someone pressing Tab.
    window._prebuilt.show()
    window._prebuilt.stack.setCurrentWidget(window._prebuilt.case_view)
    in_steps = window._prebuilt.case_view.tab_list[0]
    at_once = ProfileTab(window.session)
    qtbot.addWidget(at_once)
    at_once.show()
    assert _tab_order(in_steps) == _tab_order(at_once)
    assert len(_tab_order(in_steps)) > 15


def test_staged_parts_run_in_order_and_the_widget_comes_back_whole(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from imsa_desktop.ui import staged

    log: list[str] = []

    class Page(QWidget):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.lay = QVBoxLayout(self)
            staged.build(self._parts(name))

        def _parts(self, name: str):  # type: ignore[no-untyped-def]
            for part in ("header", "list", "footer"):
                self.lay.addWidget(QLabel(f"{name} {part}"))
                log.append(f"{name} {part}")
                yield

    whole = Page("Nguyễn")  # outside in_steps: whole at once
    qtbot.addWidget(whole)
    assert [w.text() for w in whole.findChildren(QLabel)] == ["Nguyễn header", "Nguyễn list", "Nguyễn footer"]

    log.clear()
    steps = staged.in_steps(lambda: (Page("Hoxha"), Page("Wiśniewska")))
    next(steps)
    assert log == []  # made, nothing of either body built yet
    taken = 1
    while True:
        try:
            next(steps)
            taken += 1
        except StopIteration as done:
            pages = done.value
            break
    for p in pages:
        qtbot.addWidget(p)
    assert log == [f"{n} {p}" for n in ("Hoxha", "Wiśniewska") for p in ("header", "list", "footer")]
    assert taken >= 6
    assert [w.text() for w in pages[1].findChildren(QLabel)][-1] == "Wiśniewska footer"


# ---- full collections (ui/heap.py) ----------------------------------------------------------
def test_what_the_app_keeps_is_frozen_until_the_lock_then_collected(  # type: ignore[no-untyped-def]
    demo_window, qtbot
) -> None:
    """Full garbage collections on a 10,000-case vault held the GUI thread 60-100 ms walking
    objects that live until the lock; they are frozen, and a lock hands them back."""
    import gc
    import weakref

    from imsa_desktop.ui import heap

    window = demo_window
    qtbot.waitUntil(lambda: window._prebuilt is not None, timeout=10_000)
    assert heap.frozen() > 1000  # the built workspace is out of the collector's sight

    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(
        lambda: window.workspace is not None and window.workspace.has_every_case(), timeout=10_000
    )
    qtbot.waitUntil(lambda: window.workspace.model.total() > 0, timeout=10_000)

    class Note:  # a cycle holding case data, as a closed widget's signal connections can
        pass

    note = Note()
    note.me = note  # type: ignore[attr-defined]
    note.text = "Hoxha: safe address"  # type: ignore[attr-defined]
    gone = weakref.ref(note)
    heap.settle()
    del note
    gc.collect()
    assert gone() is not None  # frozen: not even a full collection frees it while unlocked

    window.lock()
    assert heap.frozen() == 0
    qtbot.waitUntil(lambda: gone() is None, timeout=5_000)  # collected after the lock


# ---- a piece that fails -----------------------------------------------------------------------
def _failing_home(monkeypatch, times: int):  # type: ignore[no-untyped-def]
    """The Today page (the prebuild's last big piece) fails the next *times* times it is built."""
    from imsa_desktop.ui.views import workspace_view

    real = workspace_view.make_home
    left = {"n": times}

    def make_home(*args, **kwargs):  # type: ignore[no-untyped-def]
        if left["n"] > 0:
            left["n"] -= 1
            raise RuntimeError("a fictional bug in the Today page")
        return real(*args, **kwargs)

    monkeypatch.setattr(workspace_view, "make_home", make_home)
    return left


def _workspaces(window) -> list:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.views.workspace_view import WorkspaceView

    return window.findChildren(WorkspaceView)


def test_a_prebuild_piece_that_fails_is_built_again_at_the_unlock(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot, monkeypatch
) -> None:
    """While the advocate types nothing is shown (no box over the passphrase field), no half
    workspace stays behind, and Unlock builds it again and opens the vault as usual."""
    from PySide6.QtWidgets import QMessageBox

    left = _failing_home(monkeypatch, times=1)
    vault.close()
    window = make_window(vault_path)
    qtbot.waitUntil(lambda: left["n"] == 0 and window._building is None, timeout=10_000)
    assert window._prebuilt is None
    qtbot.waitUntil(lambda: not _workspaces(window), timeout=5_000)  # the half-built one is gone
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert window.stack.currentWidget() is window.unlock_view

    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    assert window.stack.currentWidget() is window.workspace and window.session.is_open
    assert _workspaces(window) == [window.workspace]


def test_a_workspace_that_cannot_be_built_leaves_the_vault_locked_and_says_so(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot, monkeypatch
) -> None:
    """Before, the unlock screen stayed up with the vault open behind it and nothing said why."""
    from imsa_desktop.ui.common import UNEXPECTED

    left = _failing_home(monkeypatch, times=2)  # at the unlock screen, and again at Unlock
    vault.close()
    window = make_window(vault_path)
    qtbot.waitUntil(lambda: left["n"] == 1 and window._building is None, timeout=10_000)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: left["n"] == 0 and window.unlock_view.banner.text() != "", timeout=10_000)
    assert window.stack.currentWidget() is window.unlock_view
    assert not window.session.is_open and window.workspace is None
    assert window.unlock_view.banner.text() == UNEXPECTED
    assert window.unlock_view.banner.property("kind") == "error"

    # Whatever it was has gone (here: it failed only twice): the next Unlock opens the vault.
    qtbot.waitUntil(lambda: window._prebuilt is not None, timeout=10_000)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    assert window.session.is_open and window.stack.currentWidget() is window.workspace


def test_a_late_piece_that_fails_leaves_no_workspace_and_no_doubled_buttons(  # type: ignore[no-untyped-def]
    make_window, vault, vault_path: Path, qtbot, monkeypatch
) -> None:
    """The last piece (painting ahead) failing once, and a toolbar builder failing once: after
    the unlock there is one workspace, and each toolbar button once."""
    from imsa_desktop.ui import main_window, plugins

    real_paint = main_window._paint_ahead
    real_builders = list(plugins.ACTION_BUILDERS)
    fails = {"paint": 1, "builder": 1}

    def paint_ahead(*args, **kwargs):  # type: ignore[no-untyped-def]
        if fails["paint"]:
            fails["paint"] -= 1
            raise RuntimeError("a fictional bug while painting ahead")
        yield from real_paint(*args, **kwargs)

    def failing_builder(window):  # type: ignore[no-untyped-def]
        if fails["builder"]:
            fails["builder"] -= 1
            raise RuntimeError("a fictional bug in a toolbar builder")
        return []

    monkeypatch.setattr(main_window, "_paint_ahead", paint_ahead)
    assert real_builders  # (the features are loaded by now)
    builders = [real_builders[0], failing_builder, *real_builders[1:]]  # after the first one's buttons
    monkeypatch.setattr(plugins, "ACTION_BUILDERS", builders)
    vault.close()
    window = make_window(vault_path)
    qtbot.waitUntil(lambda: window._building is None and fails["builder"] == 0, timeout=10_000)
    if window._prebuilt is None:  # the builder failed first: the next try, at the unlock screen
        window._build_workspace_soon()
    qtbot.waitUntil(lambda: fails["paint"] == 0 and window._building is None, timeout=10_000)
    qtbot.waitUntil(lambda: not _workspaces(window), timeout=5_000)
    assert window.stack.indexOf(window.unlock_view) >= 0 and window._prebuilt is None

    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    assert _workspaces(window) == [window.workspace]
    texts = [a.text() for a in window.toolbar.actions() if a.text()]
    assert len(texts) == len(set(texts)) and "Settings" in texts
