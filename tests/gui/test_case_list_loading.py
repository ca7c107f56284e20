"""After unlocking, the case list shows the most recently changed cases first, then every case
arrives and is merged in: what was on screen stays (selection, current row, scroll position),
a filter or status chosen meanwhile sees every case, and the count says it is still loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QRunnable, Qt

from imsa_desktop.domain.model import CaseStatus
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.models.case_list_model import CaseListModel
from imsa_desktop.ui.workers import use_pool
from tests.conftest import PASSPHRASE

PAGE = 3
# Added oldest first: the list shows the last ones first.
NAMES = [
    f"{first} {last}"
    for first in ("Thi Lan", "Besnik", "Ionuț", "Oksana")
    for last in ("Pham", "Krasniqi", "Popescu")
]


class DeferredPool:
    """Holds every task until the test runs them."""

    def __init__(self) -> None:
        self.waiting: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.waiting.append(runnable)

    def run_until(self, done) -> None:  # type: ignore[no-untyped-def]
        while self.waiting and not done():
            self.waiting.pop(0).run()
        assert done()

    def run_all(self) -> None:
        while self.waiting:
            self.waiting.pop(0).run()


@pytest.fixture
def first_page(make_window, qtbot, vault, vault_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """A window unlocked on NAMES (the oldest closed) whose case list holds only its first page:
    the read of every case is held in ``window.pool`` until the test runs it."""
    monkeypatch.setattr(CaseListModel, "batch", PAGE)
    ids = {}
    for n in NAMES:
        ids[n] = case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": n}})
    case_service.set_status(vault.unit_of_work(), ids[NAMES[0]], CaseStatus.CLOSED, "moved away")
    # (closing it changed it: make it the oldest again, so it is not in the first page)
    oldest = "UPDATE cases SET updated_at = '2024-02-01T00:00:00+00:00' WHERE id = ?"
    vault.conn.execute(oldest, (ids[NAMES[0]],))
    vault.close()
    window = make_window(vault_path)
    pool = DeferredPool()
    with use_pool(pool):
        qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
        qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
        pool.run_until(lambda: window.workspace is not None and window.workspace.model.total() > 0)
        window.pool, window.ids = pool, ids
        yield window


def _names(ws) -> list[str]:  # type: ignore[no-untyped-def]
    return [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())]


def test_the_most_recent_cases_show_first_then_every_case(first_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    newest = list(reversed(NAMES))
    assert _names(ws) == newest[:PAGE]
    assert not ws.has_every_case()
    assert ws.count.text() == f"{PAGE} most recent shown of {len(NAMES)} cases; loading the rest…"
    first_page.pool.run_all()
    assert ws.has_every_case()
    assert ws.count.text() == f"{len(NAMES)} of {len(NAMES)} cases"
    # Every case can be scrolled to (the table asks for more rows as its end comes on screen).
    ws.table.setFocus()
    for _ in range(len(NAMES)):
        qtbot.keyClick(ws.table, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: ws.proxy.rowCount() == len(NAMES), timeout=3000)
    assert sorted(_names(ws)) == sorted(NAMES)


def test_the_selection_current_row_and_scroll_stay_when_the_rest_arrives(first_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    ws.table.setFocus()
    qtbot.keyClick(ws.table, Qt.Key.Key_Down)  # the highlight moves; no case is opened
    qtbot.keyClick(ws.table, Qt.Key.Key_Down)
    highlighted = ws.table.currentIndex().data()
    assert highlighted in NAMES[-PAGE:] and ws.case_view.case_id is None
    scrolled = ws.table.verticalScrollBar().value()
    first_page.pool.run_all()
    assert ws.table.currentIndex().data() == highlighted
    assert [i.data() for i in ws.table.selectionModel().selectedRows()] == [highlighted]
    assert ws.table.verticalScrollBar().value() == scrolled
    qtbot.waitUntil(lambda: ws.proxy.rowCount() > PAGE)  # the room below fills with the next rows
    qtbot.keyClick(ws.table, Qt.Key.Key_Down)  # and the keyboard goes on from there
    assert ws.table.currentIndex().row() == ws.proxy.mapFromSource(ws.model.index(PAGE, 0)).row()


def test_a_sort_chosen_meanwhile_keeps_the_selected_case(first_page) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    ws.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by name, among the first page only
    chosen = ws.proxy.index(1, 0)
    ws.table.selectionModel().setCurrentIndex(
        chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    name = chosen.data()
    first_page.pool.run_all()
    assert ws.table.currentIndex().data() == name
    assert [i.data() for i in ws.table.selectionModel().selectedRows()] == [name]
    assert _names(ws)[:2] == sorted(NAMES, key=str.casefold)[:2]  # now sorted among every case


def test_a_filter_typed_before_the_rest_arrived_sees_every_case(first_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    qtbot.keyClicks(ws.filter, "Besnik")  # none of them is in the first page
    assert _names(ws) == []
    assert ws.count.text() == f"0 found so far of {len(NAMES)} cases; loading the rest…"
    first_page.pool.run_all()
    assert sorted(_names(ws)) == sorted(n for n in NAMES if n.startswith("Besnik"))
    assert ws.count.text() == f"3 of {len(NAMES)} cases"


def test_a_status_chosen_before_the_rest_arrived_sees_every_case(first_page) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    ws.status_filter.setCurrentIndex(ws.status_filter.findText(CaseStatus.CLOSED.label))
    assert _names(ws) == []
    first_page.pool.run_all()
    assert _names(ws) == [NAMES[0]]
    assert ws.count.text() == f"1 of {len(NAMES)} cases"


def test_a_case_opened_from_search_before_the_rest_arrived_is_selected_once_it_does(first_page) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    oldest = NAMES[0]
    assert not ws.reveal_case(first_page.ids[oldest]).isValid()  # not in the first page
    ws.open_case(first_page.ids[oldest])  # what a search hit or a Today row does
    first_page.pool.run_all()
    assert ws.case_view.case_id == first_page.ids[oldest]
    assert ws.case_view.title.text() == oldest
    assert ws.table.currentIndex().data() == oldest
    assert ws.reveal_case(first_page.ids[oldest]).isValid()


def test_a_later_reload_merges_without_losing_the_place(first_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = first_page.workspace
    first_page.pool.run_all()
    ws.table.setFocus()
    qtbot.keyClick(ws.table, Qt.Key.Key_Down)
    highlighted = ws.table.currentIndex().data()
    case_service.new_case(first_page.session.uow(), "Selam Tesfaye")  # a new case, the newest
    ws.reload()
    assert ws.count.text() == f"{len(NAMES)} of {len(NAMES)} cases"  # not "loading": it has them all
    first_page.pool.run_all()
    assert ws.table.currentIndex().data() == highlighted
    assert _names(ws)[0] == "Selam Tesfaye"
    assert ws.count.text() == f"{len(NAMES) + 1} of {len(NAMES) + 1} cases"


def test_a_new_case_is_selected_once_the_list_has_it(first_page, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    ws = first_page.workspace
    first_page.pool.run_all()
    ws.open_case(first_page.ids[NAMES[-1]])
    first_page.pool.run_all()
    assert ws.table.currentIndex().data() == NAMES[-1]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Selam Tesfaye", True))
    ws.new_case()
    assert ws.table.selectionModel().selectedRows() == []  # not the case opened before
    first_page.pool.run_all()
    assert ws.case_view.case_id is not None and ws.case_view.title.text() == "Selam Tesfaye"
    assert [i.data() for i in ws.table.selectionModel().selectedRows()] == ["Selam Tesfaye"]
