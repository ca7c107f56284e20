"""Opening a case reads it in a worker (the pool injected), heavy tabs are built when first
shown (and read in a worker: Evidence and Letters too), and the case list hands its rows over
in batches without hiding any case."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QRunnable, Qt
from PySide6.QtTest import QTest

from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.keyboard import takes_input
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
    assert not view.busy.isVisibleTo(view) and takes_input(profile.full_name)


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
        profile = case_view.tab_list[0]
        profile.full_name.setFocus()
        QTest.keyClicks(profile.full_name, "typed too soon")  # nothing is typed into the form meanwhile
        QTest.mouseDClick(profile.full_name, Qt.MouseButton.LeftButton)
        profile.notes.setFocus()
        QTest.keyClick(profile.notes, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # (types a tab)
        QTest.mouseClick(profile.notes.viewport(), Qt.MouseButton.MiddleButton)  # (pastes, on Linux)
        assert profile.full_name.text() == "" and profile.notes.toPlainText() == ""
        assert not profile.has_unsaved_changes()
        assert not takes_input(profile.full_name)
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
    make_window, qtbot, vault, vault_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.models.case_list_model import CaseListModel

    names = [
        f"{first} {last}"
        for first in ("Thi Lan", "Besnik", "Ionuț")
        for last in ("Pham", "Krasniqi", "Popescu")
    ]
    monkeypatch.setattr(CaseListModel, "batch", 2)
    window, ids = _unlock(make_window, qtbot, vault, vault_path, names=names)
    ws = window.workspace
    assert ws.model.rowCount() == 2 and ws.model.canFetchMore()  # the first rows, at once
    assert ws.count.text() == f"{len(names)} of {len(names)} cases"
    # Scrolling: the table asks for more while its last row is on screen, until all are there.
    qtbot.waitUntil(lambda: ws.model.rowCount() == len(names), timeout=3000)
    shown = {ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())}
    assert shown == set(names)
    # Filtering looks at every case, also those not handed over yet.
    window.lock()
    window = _unlock_again(window, qtbot)
    ws = window.workspace
    assert ws.model.rowCount() == 2
    last = ws.model.summary(len(names) - 1).display_name
    qtbot.keyClicks(ws.filter, last)
    assert [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())] == [last]
    assert ws.count.text() == f"1 of {len(names)} cases"
    # A case opened by id (a search hit) is handed over and selected.
    window.lock()
    window = _unlock_again(window, qtbot)
    ws = window.workspace
    assert ws.model.rowCount() == 2
    _click_row(ws, ids[last])
    assert ws.case_view.case_id == ids[last]
    assert ws.table.currentIndex().data() == last


def _unlock_again(window, qtbot):  # type: ignore[no-untyped-def]
    """Unlock the locked *window*: a fresh workspace whose case list is read anew."""
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
    assert window.workspace is not None
    return window


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


def _letter_case(vault, clock) -> str:  # type: ignore[no-untyped-def]
    """A case with two evidence items and a draft reconsideration letter (``letter_case_doc``)."""
    from datetime import date

    from imsa_desktop.services import letters as letter_service
    from tests.helpers import gp_letter_choices, letter_case_doc

    today = date(2025, 2, 1)
    case_id = case_service.add_case(vault.unit_of_work(), letter_case_doc(), clock=clock, today=today)
    choices = gp_letter_choices()
    draft = letter_service.draft_letter(vault.unit_of_work(), case_id, "dec-rg", choices, today=today)
    letter_service.save_draft(vault.unit_of_work(), draft, clock=clock)
    return case_id


@pytest.fixture
def letter_case(vault, clock) -> str:  # type: ignore[no-untyped-def]
    return _letter_case(vault, clock)


def _tab(view, title: str):  # type: ignore[no-untyped-def]
    return view.tab_list[next(i for i in range(view.tabs.count()) if view.tabs.tabText(i) == title)]


def _rows(table) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.text(r, 0) for r in range(table.rowCount())]


def _open_while_read(ws, case_id: str, title: str):  # type: ignore[no-untyped-def]
    """Open *case_id* on the tab *title* (inside ``use_pool(DeferredPool())``): the tab is busy
    and cannot be typed into until its read answers."""
    view = ws.case_view
    ws.open_case_tab(case_id, title)
    tab = _tab(view, title)
    assert view.busy.isVisibleTo(view) and not takes_input(tab)
    return tab


def _answer_newest_first(pool: DeferredPool) -> None:
    while pool.waiting:
        pool.run(len(pool.waiting) - 1)


def test_evidence_is_read_in_a_worker_a_stale_answer_dropped_and_a_search_hit_chosen(
    make_window, qtbot, vault, vault_path, letter_case
) -> None:  # type: ignore[no-untyped-def]
    payslips = case_service.add_case(
        vault.unit_of_work(),
        {"survivor": {"full_name": "Besnik Krasniqi"}, "evidence": [{"title": "Payslips from the car wash"}]},
    )
    ws = _unlock(make_window, qtbot, vault, vault_path)[0].workspace
    pool = DeferredPool()
    with use_pool(pool):
        evidence = _open_while_read(ws, letter_case, "Evidence")
        assert _rows(evidence.table) == []
        ws.open_case_tab(payslips, "Evidence")  # another case, before the first answered
        _answer_newest_first(pool)  # the first case's answer comes late
    assert _rows(evidence.table) == ["Payslips from the car wash"]
    assert evidence.title_edit.text() == "Payslips from the car wash" and takes_input(evidence.title_edit)
    assert not ws.case_view.busy.isVisibleTo(ws.case_view)
    with use_pool(pool):  # a search hit: the item is chosen once the items have been read
        ws.open_case_tab(letter_case, "Evidence", "ev-police")
        assert evidence.title_edit.text() == ""
        pool.run_all()
    assert _rows(evidence.table) == ["GP letter on injuries", "Police crime reference letter"]
    assert evidence.title_edit.text() == "Police crime reference letter"
    assert evidence.table.selected().id == "ev-police"


def test_what_is_typed_while_evidence_is_read_again_is_kept(
    make_window, qtbot, vault, vault_path, letter_case
) -> None:  # type: ignore[no-untyped-def]
    ws = _unlock(make_window, qtbot, vault, vault_path)[0].workspace
    ws.open_case_tab(letter_case, "Evidence", "ev-gp")
    evidence = _tab(ws.case_view, "Evidence")
    assert evidence.title_edit.text() == "GP letter on injuries"
    evidence.title_edit.setText("GP letter on injuries and scars")
    pool = DeferredPool()
    with use_pool(pool):
        evidence.save_button.click()  # saved; the items are read again in a worker
        assert evidence.busy
        qtbot.keyClicks(evidence.source, "Dr Example, the practice")  # typed before the answer
        pool.run_all()
    assert evidence.title_edit.text() == "GP letter on injuries and scars"  # as saved
    assert evidence.source.text() == "Dr Example, the practice"  # not overwritten by the read
    assert evidence.has_unsaved_changes() and evidence.banner.text() == "Saved."
    assert _rows(evidence.table)[0] == "GP letter on injuries and scars"


def test_letters_are_read_in_a_worker_and_a_stale_answer_dropped(
    make_window, qtbot, vault, vault_path, letter_case
) -> None:  # type: ignore[no-untyped-def]
    window, ids = _unlock(make_window, qtbot, vault, vault_path)
    ws, pool = window.workspace, DeferredPool()
    with use_pool(pool):
        letters = _open_while_read(ws, letter_case, "Letters")
        pool.run_all()
    assert [letters.table.text(0, 1)] == ["Draft"] and letters.table.rowCount() == 1
    assert letters.new_button.isEnabled()  # the negative RG decision makes it eligible
    with use_pool(pool):
        ws.open_case_tab(ids["Arbër Hoxha"], "Letters")
        _click_row(ws, ids["Selam Tesfaye"])  # opened over, before the first answer came
        _answer_newest_first(pool)
    view = ws.case_view
    assert view.case_id == ids["Selam Tesfaye"] and letters.case_id == ids["Selam Tesfaye"]
    assert letters.table.rowCount() == 0 and not letters.new_button.isEnabled()
    assert takes_input(letters.table) and view.is_loaded(view.tabs.currentIndex())


def test_a_tab_shown_for_the_first_time_is_built_over_several_turns_then_filled(
    make_window, qtbot, vault, vault_path
) -> None:  # type: ignore[no-untyped-def]
    """The Timeline tab took 46-57 ms to build in the click that first showed it (2-core
    machine); now the click shows the busy bar and the tab's parts come in the next turns."""
    shifts = [("2024-03-01", "Làm ca ở tiệm rửa xe (car wash shift)")]
    window, ids = _unlock(make_window, qtbot, vault, vault_path, events=shifts)
    ws = window.workspace
    view = ws.case_view
    _click_row(ws, ids["Oksana Шевченко"])
    timeline_at = next(i for i in range(view.tabs.count()) if view.tabs.tabText(i) == "Timeline")
    turns = 0

    def step() -> None:
        nonlocal turns
        turns += 1

    view._build_timer.timeout.connect(step)
    view.tabs.setCurrentIndex(timeline_at)  # the click on the tab
    assert view.tab_list.building(timeline_at) and not view.is_loaded(timeline_at)
    assert view.busy.isVisibleTo(view)  # something is happening, and says so
    qtbot.waitUntil(lambda: view.is_loaded(timeline_at), timeout=5_000)
    assert turns >= 3  # its parts, a turn each
    timeline = view.tab_list[timeline_at]
    assert not view.busy.isVisibleTo(view)
    titles = [timeline.table.text(r, 1) for r in range(timeline.table.rowCount())]
    assert "Làm ca ở tiệm rửa xe (car wash shift)" in titles


def test_asking_for_a_tab_while_it_is_being_built_finishes_it_at_once(
    make_window, qtbot, vault, vault_path
) -> None:  # type: ignore[no-untyped-def]
    """Code that needs the tab now (a search hit's record, Save, Print) never meets half of it."""
    window, ids = _unlock(make_window, qtbot, vault, vault_path, events=[("2024-05", "Rekrutacja w Gdańsku")])
    view = window.workspace.case_view
    _click_row(window.workspace, ids["Oksana Шевченко"])
    timeline_at = next(i for i in range(view.tabs.count()) if view.tabs.tabText(i) == "Timeline")
    view.tabs.setCurrentIndex(timeline_at)
    assert view.tab_list.building(timeline_at)
    timeline = view.tab_list[timeline_at]  # at once: no turn of the event loop in between
    assert not view.tab_list.building(timeline_at) and view.is_loaded(timeline_at)
    assert timeline.table.isVisible() and timeline.add_button.isVisible()
    assert not timeline.zoom_in_button.isVisible()  # hidden on purpose (table view) stays hidden
    assert "Rekrutacja w Gdańsku" in [timeline.table.text(r, 1) for r in range(timeline.table.rowCount())]


def test_ctrl_s_while_the_case_is_read_saves_nothing_and_says_why(
    make_window, qtbot, vault, vault_path
) -> None:  # type: ignore[no-untyped-def]
    """Saving needs the case on screen: pressed while the next case is still being read, Ctrl+S
    must not write the form of the case before it (nor anything) and says so."""
    window, ids = _unlock(make_window, qtbot, vault, vault_path)
    ws = window.workspace
    view = ws.case_view
    with qtbot.waitSignal(view.tab_loaded):
        _click_row(ws, ids["Arbër Hoxha"])
    profile = view.tab_list[0]
    before = {
        name: case_service.get_case(window.session.uow(), ids[name])
        for name in ("Arbër Hoxha", "Paweł Wiśniewski")
    }
    pool = DeferredPool()
    with use_pool(pool):
        _click_row(ws, ids["Paweł Wiśniewski"])
        assert profile.busy
        profile.setFocus()
        window.save_focused()  # what Ctrl+S does
        assert "still being read" in profile.banner.text()
        pool.run_all()
    _shows(view, "Paweł Wiśniewski")
    for name, case in before.items():
        after = case_service.get_case(window.session.uow(), ids[name])
        assert after.survivor.full_name == name and after.updated_at == case.updated_at
