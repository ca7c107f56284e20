# ruff: noqa: F811 - the shared fixtures are imported by name from test_evidence_support
"""The Evidence tab: items with indicators and event links, files added by service, file dialog
path and drag and drop, progress and Cancel, and temporary copies deleted on lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from imsa_desktop.domain.model import EvidenceItem, EvidenceKind
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import evidence as evidence_service
from imsa_desktop.services import tempfiles
from imsa_desktop.store import attachments as store_attachments
from imsa_desktop.ui.features.evidence import EvidenceTab
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import EXTRA_TABS
from tests.gui.test_evidence_support import case_id, drop_files, evidence_tab, make_pdf, make_png, session  # noqa: F401 - fixtures


@pytest.fixture
def tab(evidence_tab: EvidenceTab) -> EvidenceTab:
    return evidence_tab


def _attachment_names(tab: EvidenceTab) -> list[str]:
    return [tab.attachment_list.item(i).text().split(" · ")[0] for i in range(tab.attachment_list.count())]


def test_registered_as_case_tab(app) -> None:  # type: ignore[no-untyped-def]
    # Registration is explicit: one entry in ui/plugins.FEATURES, put into the case view's
    # tabs when the app loads the features (the `app` fixture loads them as the app does).
    from imsa_desktop.ui import plugins
    from imsa_desktop.ui.features import evidence

    assert [f.tab for f in plugins.FEATURES if f.module == evidence.__name__] == ["EvidenceTab"]
    assert EvidenceTab in EXTRA_TABS


def test_shows_existing_item_with_its_indicators(tab: EvidenceTab) -> None:
    assert tab.table.rowCount() == 1
    assert tab.table.text(0, 0) == "GP letter on trauma symptoms"
    assert tab.table.text(0, 1) == "Medical"
    assert tab.table.text(0, 2) == "25 Jan 2025"
    assert tab.table.tooltip(0, 2) == "25 January 2025"
    assert tab.title_edit.text() == "GP letter on trauma symptoms"
    assert tab.indicator_chips.labels_checked() == ["Isolation"]
    assert tab.exploitation_chips.labels_checked() == []
    assert tab.event_list.count() == 1
    assert "Recruited with a false job offer" in tab.event_list.item(0).text()


def test_add_item_with_indicators_and_event_link(
    qtbot, tab: EvidenceTab, session: Session, case_id: str
) -> None:  # type: ignore[no-untyped-def]
    tab.new_button.click()
    assert tab.title_edit.text() == ""
    assert not tab.add_files_button.isEnabled()  # files go on a saved item
    qtbot.keyClicks(tab.title_edit, "Witness statement from co-worker")
    tab.kind.set_value(EvidenceKind.WITNESS)
    tab.source.setText("Paweł Wiśniewski (fictional)")  # keyClicks is ASCII-only
    qtbot.keyClicks(tab.date_obtained, "2025-01-10")
    qtbot.keyClicks(tab.date_provided, "2025-01-20")
    qtbot.keyClicks(tab.provided_to, "Single Competent Authority")
    assert tab.indicator_chips.checked() == []  # the new item starts with no indicators
    qtbot.mouseClick(tab.indicator_chips.buttons["debt_bondage"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.exploitation_chips.buttons["labour"], Qt.MouseButton.LeftButton)
    tab.event_list.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(tab.evidence_saved) as saved:
        tab.save_button.click()
    new_id = saved.args[0]

    items = {e.id: e for e in evidence_service.list_evidence(session.uow(), case_id)}
    stored = items[new_id]
    assert stored.title == "Witness statement from co-worker"
    assert stored.kind is EvidenceKind.WITNESS
    assert stored.provided_to == "Single Competent Authority"
    assert set(stored.indicators) == {"debt_bondage", "labour"}
    uow = session.uow()
    with uow:
        doc = case_service.load_document(uow, case_id)
    event = doc.events[0]
    assert stored.event_ids == [event.id]
    assert new_id in event.evidence_ids  # linked both ways
    assert tab.table.rowCount() == 2
    assert tab._current is not None and tab._current.id == new_id
    assert tab.add_files_button.isEnabled()


def test_invalid_dates_show_one_sentence_and_save_nothing(
    qtbot, tab: EvidenceTab, session: Session, case_id: str
) -> None:  # type: ignore[no-untyped-def]
    tab.date_obtained.setText("2025-02-01")
    tab.date_provided.setText("2025-01-01")
    tab.save_button.click()
    assert tab.banner.isVisibleTo(tab)
    assert "cannot be before" in tab.banner.text()
    stored = evidence_service.list_evidence(session.uow(), case_id)[0]
    assert stored.date_provided is None


def test_attachment_added_by_service_is_listed(
    tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "gp-letter.pdf")
    evidence_service.attach_file(session.uow(), case_id, "ev-gp", pdf)
    tab.load(case_id)
    assert _attachment_names(tab) == ["gp-letter.pdf"]
    assert "PDF" in tab.attachment_list.item(0).text()
    assert tab.table.text(0, 3) == "1"
    assert tab.preview_button.isEnabled()


def test_drop_on_item_files_area_attaches(
    qtbot, tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    png = make_png(tmp_path / "bruise-photo.png")
    txt = tmp_path / "notes.txt"
    txt.write_text("Hồng said the door was locked from outside.", encoding="utf-8")
    with qtbot.waitSignal(tab.attach_finished):
        event = drop_files(tab.drop_zone, [png, txt])
    assert event.isAccepted()
    assert _attachment_names(tab) == ["bruise-photo.png", "notes.txt"]
    stored = evidence_service.list_attachments(session.uow(), case_id, "ev-gp")
    assert sorted(a.filename for a in stored) == ["bruise-photo.png", "notes.txt"]
    assert {a.media_type for a in stored} == {"image/png", "text/plain"}
    assert not tab.progress_row.isVisibleTo(tab)
    assert "Added notes.txt" in tab.banner.text()


def test_drop_on_a_row_attaches_to_that_item(
    qtbot, tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # A second item, then drop on the first row while the second is shown.
    evidence_service.add_evidence(
        session.uow(),
        EvidenceItem(case_id=case_id, title="Police crime reference"),
    )
    tab.load(case_id)
    assert tab.table.rowCount() == 2
    gp_row = next(r for r in range(2) if tab.table.text(r, 0) == "GP letter on trauma symptoms")
    other_row = 1 - gp_row
    tab.table.selectRow(other_row)
    pdf = make_pdf(tmp_path / "gp-letter.pdf")
    pos = tab.table.visualRect(tab.table.model().index(gp_row, 0)).center()
    with qtbot.waitSignal(tab.attach_finished):
        drop_files(tab.table, [pdf], pos)
    assert [a.filename for a in evidence_service.list_attachments(session.uow(), case_id, "ev-gp")] == [
        "gp-letter.pdf"
    ]
    assert tab.table.text(gp_row, 3) == "1"


def test_drop_of_a_folder_or_web_link_is_refused(
    tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:
    event = drop_files(tab.drop_zone, [tmp_path])  # a folder
    assert not event.isAccepted()
    assert evidence_service.list_attachments(session.uow(), case_id) == []


def test_large_file_shows_progress_and_cancel_leaves_nothing(
    qtbot,
    tab: EvidenceTab,
    session: Session,
    case_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(store_attachments, "BATCH_CHUNKS", 1)
    big = tmp_path / "interview-recording.wav"
    big.write_bytes(b"\x01" * (3 * store_attachments.CHUNK_SIZE + 10))
    seen: list[int] = []

    def on_progress(value: int) -> None:
        if value == 0:  # the bar resets before the file starts
            return
        seen.append(value)
        assert tab.progress_row.isVisibleTo(tab)
        assert tab.cancel_button.isEnabled()
        tab.cancel_button.click()  # the user gives up after the first megabyte

    tab.progress.valueChanged.connect(on_progress)
    with qtbot.waitSignal(tab.attach_finished):
        tab.attach_files("ev-gp", [big])
    assert seen and 0 < seen[0] < 100
    assert "Cancelled" in tab.banner.text()
    assert evidence_service.list_attachments(session.uow(), case_id) == []
    assert session.vault is not None and session.vault.conn is not None
    assert session.vault.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0] == 0


def test_file_gone_before_its_turn_is_one_sentence(qtbot, tab: EvidenceTab, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gone = tmp_path / "moved-away.pdf"
    with qtbot.waitSignal(tab.attach_finished):
        tab.attach_files("ev-gp", [gone])
    assert tab.banner.text() == "That file does not exist."
    assert tab.banner.property("kind") == "error"
    assert tab.attachment_list.count() == 0


def test_open_with_another_program_warns_then_copy_is_deleted_on_lock(
    qtbot,
    tab: EvidenceTab,
    session: Session,
    case_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    evidence_service.attach_file(session.uow(), case_id, "ev-gp", make_pdf(tmp_path / "gp-letter.pdf"))
    tab.load(case_id)
    opened: list[str] = []
    monkeypatch.setattr(
        "imsa_desktop.ui.features.evidence.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    box = tab.confirm_open_external()
    assert isinstance(box, QMessageBox)
    assert "NOT encrypted" in box.text()
    assert opened == []  # nothing happens before the user agrees
    go = next(b for b in box.findChildren(QPushButton) if b.text().startswith("Make a temporary copy"))
    go.click()
    assert len(opened) == 1
    copy = Path(opened[0])
    assert copy.name == "gp-letter.pdf" and copy.read_bytes().startswith(b"%PDF")
    assert tempfiles.external_open_dir() in copy.parents
    session.lock()
    assert not copy.exists()
    assert list(tempfiles.external_open_dir().iterdir()) == []


def test_open_with_another_program_cancelled_makes_no_copy(
    tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:
    evidence_service.attach_file(session.uow(), case_id, "ev-gp", make_png(tmp_path / "photo.png"))
    tab.load(case_id)
    box = tab.confirm_open_external()
    assert box is not None
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert not (tempfiles.external_open_dir()).exists() or list(tempfiles.external_open_dir().iterdir()) == []


def test_save_a_copy_and_remove(tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path) -> None:
    png = make_png(tmp_path / "photo.png")
    evidence_service.attach_file(session.uow(), case_id, "ev-gp", png)
    tab.load(case_id)
    info = evidence_service.list_attachments(session.uow(), case_id)[0]
    out = tmp_path / "out" / "copy.png"
    out.parent.mkdir()
    tab.save_copy(info.id, out)
    assert out.read_bytes() == png.read_bytes()
    tab.remove_attachment(info.id)
    assert tab.attachment_list.count() == 0
    assert evidence_service.list_attachments(session.uow(), case_id) == []


def test_a_lock_while_the_external_copy_is_written_leaves_no_copy(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The vault locks while "Open with another program" is still writing its temporary copy:
    the worker removes the copy itself (the lock's clean-up ran before the file existed)."""
    import pytest

    from imsa_desktop.errors import Cancelled
    from imsa_desktop.services import tempfiles
    from imsa_desktop.ui.features import _evidence_io

    class Locked:
        is_open = False

    written: list[Path] = []

    def fake_runner(fn):  # type: ignore[no-untyped-def]
        folder = tempfiles.external_open_dir()
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / "scan.pdf"
        copy.write_bytes(b"plaintext evidence")
        written.append(copy)
        return copy

    monkey = pytest.MonkeyPatch()
    monkey.setattr(_evidence_io, "own_uow", lambda session: fake_runner)
    try:
        task = _evidence_io.external_copy_task(Locked(), "case", "att")  # type: ignore[arg-type]
        with pytest.raises(Cancelled):
            task()
    finally:
        monkey.undo()
    assert written and not written[0].exists()
