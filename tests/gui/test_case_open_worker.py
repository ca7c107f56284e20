"""Opening a case reads it in a worker (the pool injected), heavy tabs are built when first
shown, and the case list hands its rows over in batches without hiding any case."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QRunnable, Qt
from PySide6.QtTest import QTest

from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.workers import use_pool
from tests.conftest import PASSPHRASE

NAMES = ["Nguyễn Thị Hồng", "Arbër Hoxha", "Paweł Wiśniewski", "Oksana Шевченко", "Selam Tesfaye"]


class DeferredPool:
    """Holds each task until the test runs it (so a test can answer in any order)."""

    def __init__(self) -> None:
        self.waiting: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.waiting.append(runnable)

    def run(self, index: int) -> None:
        self.waiting.pop(index).run()

    def run_all(self) -> None:
        while self.waiting:
            self.run(0)


def _unlock(make_window, qtbot, vault, vault_path: Path, names=NAMES, events=()):  # type: ignore[no-untyped-def]
    ids = [
        case_service.add_case(
            vault.unit_of_work(),
            {"survivor": {"full_name": n}, "events": [{"date": d, "title": t} for d, t in events]},
        )
        for n in names
    ]
    vault.close()
    window = make_window(vault_path)
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
    assert window.workspace is not None
    return window, dict(zip(names, ids, strict=True))


def _click_row(ws, case_id: str) -> None:  # type: ignore[no-untyped-def]
    index = ws.reveal_case(case_id)
    ws.table.scrollTo(index)
    QTest.mouseClick(ws.table.viewport(), Qt.MouseButton.LeftButton, pos=ws.table.visualRect(index).center())


@pytest.fixture
def case_view(make_window, qtbot, vault, vault_path):  # type: ignore[no-untyped-def]
    """The workspace's case view after unlocking; ``ids`` names the cases, ``ws`` is the workspace."""
    window, ids = _unlock(make_window, qtbot, vault, vault_path)
    view = window.workspace.case_view
    view.ids, view.ws = ids, window.workspace
    return view


def _shows(view, name: str) -> None:  # type: ignore[no-untyped-def]
    """The case view shows *name*'s case, read and ready to edit."""
    profile = view.tab_list[0]
    assert profile.full_name.text() == name and view.title.text() == name
    assert not view.busy.isVisibleTo(view) and profile.isEnabled()


def test_a_case_opens_through_the_worker_and_its_profile_is_filled(qtbot, case_view) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(case_view.tab_loaded) as shown:
        _click_row(case_view.ws, case_view.ids["Arbër Hoxha"])
    assert shown.args == [0] and case_view.is_loaded(0)
    _shows(case_view, "Arbër Hoxha")


def test_the_tab_is_busy_while_read_and_a_stale_answer_is_dropped(case_view) -> None:  # type: ignore[no-untyped-def]
    ws = case_view.ws
    pool = DeferredPool()
    with use_pool(pool):
        _click_row(ws, case_view.ids["Paweł Wiśniewski"])
        assert case_view.busy.isVisibleTo(case_view)  # the advocate sees it is being read
        assert not case_view.tab_list[0].isEnabled()  # nothing can be typed into the form meanwhile
        _click_row(ws, case_view.ids["Selam Tesfaye"])  # opened over, before the first answer came
        while pool.waiting:  # the second case's reads answer first, the first case's late
            pool.run(len(pool.waiting) - 1)
    _shows(case_view, "Selam Tesfaye")
    assert case_view.case_id == case_view.ids["Selam Tesfaye"]


def test_an_answer_after_the_lock_is_dropped(make_window, qtbot, vault, vault_path) -> None:  # type: ignore[no-untyped-def]
    window, ids = _unlock(make_window, qtbot, vault, vault_path)
    ws = window.workspace
    profile = ws.case_view.tab_list[0]
    pool = DeferredPool()
    with use_pool(pool):
        _click_row(ws, ids["Nguyễn Thị Hồng"])
        window.lock()
        pool.run_all()  # the reads had started before the lock; their answers come after it
    assert window.workspace is None
    assert window.stack.currentWidget() is window.unlock_view
    if shiboken6.isValid(profile):  # the locked tree is on its way out: it was not filled
        assert profile.full_name.text() == ""
        assert ws.case_view.title.text() == ""


def test_a_heavy_tab_is_built_when_first_shown_and_reachable_by_keyboard(
    make_window, qtbot, vault, vault_path
) -> None:  # type: ignore[no-untyped-def]
    shifts = [(f"2024-03-0{day}", f"Shift {day} at the car wash") for day in (1, 2, 3)]
    window, ids = _unlock(make_window, qtbot, vault, vault_path, events=shifts)
    cid = ids["Oksana Шевченко"]
    ws = window.workspace
    view = ws.case_view
    timeline_at = next(i for i in range(view.tabs.count()) if view.tabs.tabText(i) == "Timeline")
    assert timeline_at not in dict(view.tab_list.built())  # not built with the workspace
    _click_row(ws, cid)
    assert timeline_at not in dict(view.tab_list.built())  # nor when the case opens on Profile
    bar = view.tabs.tabBar()
    bar.setFocus()
    for _ in range(timeline_at):
        qtbot.keyClick(bar, Qt.Key.Key_Right)  # the keyboard walks the tab bar to it
    assert view.tabs.currentIndex() == timeline_at
    timeline = view.tab_list[timeline_at]
    assert timeline_at in dict(view.tab_list.built()) and view.is_loaded(timeline_at)
    titles = [timeline.table.text(r, 1) for r in range(timeline.table.rowCount())]
    assert {"Shift 1 at the car wash", "Shift 3 at the car wash"} <= set(titles)
    for _ in range(3):  # and Tab goes on (past the page's scroll area) into its own controls
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        if timeline.isAncestorOf(window.focusWidget()):
            break
    assert timeline.isAncestorOf(window.focusWidget())


def test_the_case_list_comes_in_batches_and_every_case_stays_reachable(
    make_window, qtbot, vault, vault_path
) -> None:  # type: ignore[no-untyped-def]
    names = [
        f"{first} {last}"
        for first in ("Thi Lan", "Besnik", "Ionuț")
        for last in ("Pham", "Krasniqi", "Popescu")
    ]
    window, ids = _unlock(make_window, qtbot, vault, vault_path, names=names)
    ws = window.workspace
    ws.model.batch = 2
    ws.reload()
    assert ws.model.rowCount() == 2 and ws.model.canFetchMore()  # the first rows, at once
    assert ws.count.text() == f"{len(names)} of {len(names)} cases"
    # Scrolling: the table asks for more while its last row is on screen, until all are there.
    qtbot.waitUntil(lambda: ws.model.rowCount() == len(names), timeout=3000)
    shown = {ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())}
    assert shown == set(names)
    # Filtering looks at every case, also those not handed over yet.
    ws.reload()
    assert ws.model.rowCount() == 2
    last = ws.model.summary(len(names) - 1).display_name
    qtbot.keyClicks(ws.filter, last)
    assert [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())] == [last]
    assert ws.count.text() == f"1 of {len(names)} cases"
    # A case opened by id (a search hit) is handed over and selected.
    ws.filter.clear()
    ws.reload()
    _click_row(ws, ids[last])
    assert ws.case_view.case_id == ids[last]
    assert ws.table.currentIndex().data() == last


def test_typing_on_cancels_the_search_under_way(make_window, qtbot, vault, vault_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from imsa_desktop.ui.features import search

    window, _ids = _unlock(make_window, qtbot, vault, vault_path)
    panel = window.findChild(QWidget, "globalSearchPanel")
    searched: list[str] = []
    real = search.search_cases
    monkeypatch.setattr(
        search, "search_cases", lambda uow, q, limit: searched.append(q) or real(uow, q, limit)
    )
    pool = DeferredPool()
    with use_pool(pool):
        panel.field.setText("Arbër")
        panel.run_search()  # the typing pause ended: a worker is asked
        qtbot.keyClicks(panel.field, " Hoxha")  # the advocate types on before it ran
        panel.run_search()
        pool.run_all()
    assert searched == ["Arbër Hoxha"]  # the first search found it was cancelled: it never ran
    assert panel.status.text().startswith("1 match")
    assert any("Hoxha" in t for t in panel.hit_texts())
