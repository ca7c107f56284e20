# ruff: noqa: F811 - the shared fixtures are imported by name from test_evidence_support
"""Search as you type in the sidebar: grouped by case, accents ignored, matches in bold (escaped
HTML), odd input never an error, and a hit opens the case on the right tab and item."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imsa_desktop.domain.model import EvidenceItem
from imsa_desktop.services import evidence as evidence_service
from imsa_desktop.ui.features.evidence import EvidenceTab
from imsa_desktop.ui.features.search import HIT_ROLE, HTML_ROLE, GlobalSearch, marked_html
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.workspace_view import SIDEBAR_WIDGETS, WorkspaceView
from tests.gui.test_evidence_support import case_id, drop_files, make_png, open_workspace, session  # noqa: F401 - fixtures


@pytest.fixture
def workspace(qtbot, app, session: Session, case_id: str) -> WorkspaceView:  # type: ignore[no-untyped-def]
    # `app` loads the features from ui/plugins.FEATURES as the app does on unlock: the search
    # box and the Evidence tab are only in the workspace once they are loaded.
    return open_workspace(qtbot, session)


def _search_box(workspace: WorkspaceView) -> GlobalSearch:
    boxes = [w for w in workspace.sidebar_widgets if isinstance(w, GlobalSearch)]
    assert len(boxes) == 1
    return boxes[0]


def _type(qtbot, box: GlobalSearch, text: str) -> None:  # type: ignore[no-untyped-def]
    box.field.clear()
    with qtbot.waitSignal(box.searched, timeout=3000):
        box.field.setText(text)  # setText: keyClicks cannot type non-ASCII


def _hit_rows(box: GlobalSearch) -> list[tuple[str, str, str]]:
    return [
        box.results.item(i).data(HIT_ROLE)
        for i in range(box.results.count())
        if box.results.item(i).data(HIT_ROLE)
    ]


def test_marks_become_bold_and_everything_else_is_escaped() -> None:
    assert marked_html("a <b> & \x02Hồng\x03 'x'") == (
        "a &lt;b&gt; &amp; <b style=\"background-color:#fde68a;\">Hồng</b> 'x'"
    )
    assert marked_html("\x02open") == '<b style="background-color:#fde68a;">open</b>'


def test_registered_above_the_case_list(workspace: WorkspaceView) -> None:
    from imsa_desktop.ui import plugins
    from imsa_desktop.ui.features import search

    assert [f.sidebar for f in plugins.FEATURES if f.module == search.__name__] == ["search_box"]
    assert SIDEBAR_WIDGETS == [search.search_box]
    box = _search_box(workspace)
    assert box.field.placeholderText().startswith("Search all cases")
    assert not box.results.isVisibleTo(workspace)


def test_name_typed_without_accents_finds_the_case_in_bold(
    qtbot, workspace: WorkspaceView, case_id: str
) -> None:  # type: ignore[no-untyped-def]
    box = _search_box(workspace)
    qtbot.keyClicks(box.field, "nguyen")
    assert box.timer.isActive()  # debounced: nothing searched while typing
    assert box.results.count() == 0
    with qtbot.waitSignal(box.searched, timeout=3000):
        pass
    assert [g.case_id for g in box.groups] == [case_id]  # the other case (Arbër Hoxha) does not match
    texts = box.hit_texts()
    assert any('<b style="background-color:#fde68a;">Nguyễn</b>' in t for t in texts)
    assert box.results.isVisibleTo(workspace)
    assert "1 case" in box.status.text()


def test_evidence_hit_opens_the_evidence_tab_on_that_item(
    qtbot, workspace: WorkspaceView, case_id: str
) -> None:  # type: ignore[no-untyped-def]
    box = _search_box(workspace)
    _type(qtbot, box, "flashbacks")
    rows = _hit_rows(box)
    assert (case_id, "evidence", "ev-gp") in rows
    row = next(
        i
        for i in range(box.results.count())
        if box.results.item(i).data(HIT_ROLE) == (case_id, "evidence", "ev-gp")
    )
    rect = box.results.visualItemRect(box.results.item(row))
    with qtbot.waitSignal(box.hit_opened):
        qtbot.mouseClick(box.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view = workspace.case_view
    assert workspace.stack.currentWidget() is view
    assert view.case_id == case_id
    current = view.tab_list[view.tabs.currentIndex()]
    assert isinstance(current, EvidenceTab)
    assert current._current is not None and current._current.id == "ev-gp"
    assert current.title_edit.text() == "GP letter on trauma symptoms"


def test_rows_are_read_aloud_as_painted_and_a_repaint_parses_nothing(qtbot, workspace: WorkspaceView) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextDocument

    box = _search_box(workspace)
    _type(qtbot, box, "letter")
    for i in range(box.results.count()):
        item = box.results.item(i)
        bare = QTextDocument()
        bare.setHtml(item.data(HTML_ROLE))
        assert item.data(Qt.ItemDataRole.AccessibleTextRole) == bare.toPlainText()
    heading = box.results.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert heading.startswith("Nguyễn Thị Hồng") and "·" in heading
    kept = dict(box.delegate._docs)
    before = box.results.viewport().grab().toImage()
    box.results.viewport().repaint()
    assert box.results.viewport().grab().toImage() == before
    assert box.delegate._docs == kept  # each row's text was parsed once, when the list was filled


@pytest.mark.parametrize(
    "query", ['"', '"(Hồng', "AND OR NOT", "))", "*", "NEAR(", "hong\"'[]{}", "\x00", "🙂"]
)
def test_stray_quotes_and_brackets_never_raise(qtbot, workspace: WorkspaceView, query: str) -> None:  # type: ignore[no-untyped-def]
    box = _search_box(workspace)
    _type(qtbot, box, query)  # qt_default_raising: any exception in a slot fails the test
    assert box.status.text() in ("No matches.", "") or "match" in box.status.text()
    assert "not available" not in box.status.text()


def test_clearing_the_box_hides_results(qtbot, workspace: WorkspaceView) -> None:  # type: ignore[no-untyped-def]
    box = _search_box(workspace)
    _type(qtbot, box, "hong")
    assert box.results.count() > 0
    with qtbot.waitSignal(box.searched, timeout=3000):
        box.field.clear()
    assert box.results.count() == 0
    assert not box.results.isVisibleTo(workspace)


def test_add_evidence_drop_a_file_find_it_and_preview(  # type: ignore[no-untyped-def]
    qtbot, workspace: WorkspaceView, session: Session, case_id: str, tmp_path: Path
) -> None:
    """End to end: an item added in the tab, a photo dropped on it, found by searching without
    accents, opened from the hit, and previewed."""
    workspace.open_case_tab(case_id, "Evidence")
    tab = workspace.case_view.tab_list[workspace.case_view.tabs.currentIndex()]
    assert isinstance(tab, EvidenceTab)
    tab.new_item()
    tab.title_edit.setText("Photo of the locked door, sent by Paweł")
    with qtbot.waitSignal(tab.evidence_saved) as saved:
        tab.save_button.click()
    new_id = saved.args[0]
    png = make_png(tmp_path / "locked-door.png")
    with qtbot.waitSignal(tab.attach_finished):
        drop_files(tab.drop_zone, [png])
    assert [a.filename for a in evidence_service.list_attachments(session.uow(), case_id, new_id)] == [
        "locked-door.png"
    ]
    workspace.show_home()

    box = _search_box(workspace)
    _type(qtbot, box, "pawel door")
    assert _hit_rows(box) == [(case_id, "evidence", new_id)]
    box.open_hit(case_id, "evidence", new_id)
    tab = workspace.case_view.tab_list[workspace.case_view.tabs.currentIndex()]
    assert isinstance(tab, EvidenceTab) and tab._current is not None and tab._current.id == new_id
    dialog = tab.preview_selected()
    assert dialog is not None and dialog.state == "image"
    assert not dialog.image.pixmap().isNull()


def test_results_follow_changes(qtbot, workspace: WorkspaceView, session: Session, case_id: str) -> None:  # type: ignore[no-untyped-def]
    box = _search_box(workspace)
    _type(qtbot, box, "payslips")
    assert len(_hit_rows(box)) == 1
    evidence_service.add_evidence(
        session.uow(), EvidenceItem(case_id=case_id, title="Payslips from the car wash")
    )
    with qtbot.waitSignal(box.searched, timeout=3000):
        session.notify_case(case_id)
    assert len(_hit_rows(box)) == 2


@pytest.mark.parametrize(
    "recent, says", [(True, "showing the most recent 30"), (False, "showing the first 30")]
)
def test_a_capped_list_says_which_hits_it_shows(workspace: WorkspaceView, recent: bool, says: str) -> None:
    from imsa_desktop.domain.values import SearchHit
    from imsa_desktop.services.search import CaseHits

    box = _search_box(workspace)
    hits = [
        SearchHit("c1", f"ev-{n}", "event", "Shift at the \x02carwash\x03", "", recent) for n in range(40)
    ]
    box._query = "carwash"
    box._searched("carwash", [CaseHits("c1", "IMSA-0001", "Ilir Krasniqi", hits)])
    assert box.status.text() == f"More than 30 matches; {says}: add a word to narrow it down"
