"""Never lose an edit: every editor shows unsaved changes, a lock (Ctrl+L or idle) keeps them as
a draft inside the vault and puts them back after unlocking, and leaving a case or quitting
asks first. One lock test per editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit

from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.main_window import DEFAULT_IDLE_MINUTES
from tests.conftest import PASSPHRASE

KEPT = "Ọlá said the landlord kept her passport"


@pytest.fixture
def window(demo_window, qtbot):  # type: ignore[no-untyped-def]
    w = demo_window
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    _unlock(w)
    ws = w.workspace
    ws.table.selectRow(0)
    ws._row_activated(ws.table.currentIndex())
    assert ws.case_view.case_id is not None
    return w


def _unlock(w) -> None:  # type: ignore[no-untyped-def]
    w.unlock_view.passphrase.setText(PASSPHRASE)
    w.unlock_view.unlock()
    assert w.session.is_open


def _lock_and_unlock(w, qtbot, idle_clock=None) -> str:  # type: ignore[no-untyped-def]
    if idle_clock is None:
        w.lock()
    else:
        idle_clock.t += DEFAULT_IDLE_MINUTES * 60 + 1
        w.check_idle()
    assert not w.session.is_open and w.workspace is None
    notice = w.unlock_view.banner.text()
    _unlock(w)
    return notice


def _profile(w):  # type: ignore[no-untyped-def]
    return w.workspace.case_view.tab_list[0]


def test_profile_shows_unsaved_changes_in_footer_and_title(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    profile = _profile(window)
    assert not profile.unsaved_mark.isVisible() and not window.windowTitle().startswith("*")
    profile.gender.setText(profile.gender.text() + " (as she describes)")
    assert profile.unsaved_mark.isVisible() and profile.unsaved_mark.text() == "Unsaved changes"
    assert window.windowTitle().startswith("* ")
    assert profile.save()
    assert not profile.unsaved_mark.isVisible() and not window.windowTitle().startswith("*")


@pytest.mark.parametrize("how", ["Ctrl+L", "idle"])
def test_lock_keeps_unsaved_profile_edits(window, qtbot, idle_clock, how) -> None:  # type: ignore[no-untyped-def]
    case_id = window.workspace.case_view.case_id
    before = case_service.get_case(window.session.uow(), case_id).notes
    _profile(window).notes.setPlainText(KEPT)
    notice = _lock_and_unlock(window, qtbot, idle_clock if how == "idle" else None)
    assert "unsaved changes are kept in the vault" in notice
    profile = _profile(window)
    assert window.workspace.case_view.case_id == case_id
    assert profile.notes.toPlainText() == KEPT, "nothing lost"
    assert profile.unsaved_mark.isVisible(), "and still shown as not saved"
    assert case_service.get_case(window.session.uow(), case_id).notes == before, "not saved behind her back"
    assert profile.save()
    assert case_service.get_case(window.session.uow(), case_id).notes == KEPT


def test_lock_message_is_true_without_unsaved_changes(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    notice = _lock_and_unlock(window, qtbot)
    assert notice == "Locked. Everything you saved is in the vault."


def test_the_vault_file_holds_the_draft_encrypted(window, qtbot, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    _profile(window).notes.setPlainText(KEPT)
    window.lock()
    for f in vault_path.parent.iterdir():
        if f.is_file():
            assert KEPT.encode() not in f.read_bytes(), f"{f.name} holds the draft in clear"


@pytest.mark.parametrize("title", ["Decisions", "Consent", "Appointments", "Timeline", "Evidence"])
def test_lock_keeps_an_open_edit_dialog(window, qtbot, title) -> None:  # type: ignore[no-untyped-def]
    view = window.workspace.case_view
    index = next(i for i, t in enumerate(view.tab_list) if t.title == title)
    view.tabs.setCurrentIndex(index)
    tab = view.tab_list[index]
    inline = not hasattr(tab, "make_dialog")  # Consent: the form sits in the tab itself
    if not inline:
        tab.edit(None)
    dialog = tab if inline else tab.dialog
    assert dialog is not None and dialog.isVisible()
    candidates = [*dialog.findChildren(QLineEdit), *dialog.findChildren(QPlainTextEdit)]
    field = next(
        w
        for w in candidates
        if w.isVisible() and w.isEnabled() and not w.isReadOnly() and type(w) in (QLineEdit, QPlainTextEdit)
    )
    if isinstance(field, QPlainTextEdit):
        field.setPlainText(KEPT)
    else:
        field.setText(KEPT)
    assert tab.has_unsaved_changes() and window.windowTitle().startswith("* ")
    notice = _lock_and_unlock(window, qtbot)
    assert "kept in the vault" in notice
    tab = window.workspace.case_view.tab_list[index]
    assert window.workspace.case_view.tabs.currentIndex() == index
    if not inline:
        assert tab.dialog is not None and tab.dialog.isVisible(), "the dialog is open again"
    form = tab if inline else tab.dialog
    texts = [w.text() for w in form.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in form.findChildren(QPlainTextEdit)]
    assert KEPT in texts, "with what was typed"
    assert tab.has_unsaved_changes(), "and it is still not saved"
    tab.discard_changes()


def test_lock_keeps_the_letter_being_built(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.services import letters as letter_service
    from imsa_desktop.ui.features._letters_builder import TEXT

    view = window.workspace.case_view
    letters = next(t for t in view.tab_list if t.title == "Letters")
    view.tabs.setCurrentIndex(view.tab_list.index(letters))
    # a case with a negative decision to answer
    for r in range(window.workspace.proxy.rowCount()):
        window.workspace.table.selectRow(r)
        window.workspace._row_activated(window.workspace.table.currentIndex())
        builder = letters.new_letter()
        if builder is not None and builder.decision_combo.count() > 0:
            break
        if builder is not None:
            builder.reject()
    assert builder is not None
    builder.next()
    builder.ground_list.item(0).setCheckState(Qt.CheckState.Checked)
    for _ in range(6):
        if builder.step == TEXT:
            break
        builder.next()
    assert builder.step == TEXT
    case_id = view.case_id
    edit = next(e for e in builder.section_edits.values())
    edit.setPlainText(KEPT)
    notice = _lock_and_unlock(window, qtbot)
    assert "kept in the vault" in notice
    kept = letter_service.list_letters(window.session.uow(), case_id)
    assert len(kept) == 1
    assert KEPT in str(letter_service.get_letter(window.session.uow(), kept[0].id))


def _answer_unsaved_box(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        assert box.objectName() == "unsavedChangesBox"
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, answer)


def test_switching_case_asks_and_cancel_keeps_the_edit(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = window.workspace
    first = ws.case_view.case_id
    _profile(window).notes.setPlainText(KEPT)
    _answer_unsaved_box(qtbot, Qt.Key.Key_Escape)
    ws.table.selectRow(1)
    ws._row_activated(ws.table.currentIndex())
    assert ws.case_view.case_id == first and _profile(window).notes.toPlainText() == KEPT
    _answer_unsaved_box(qtbot, Qt.Key.Key_Return)  # Save is the default
    ws.table.selectRow(1)
    ws._row_activated(ws.table.currentIndex())
    assert ws.case_view.case_id != first
    assert case_service.get_case(window.session.uow(), first).notes == KEPT


def test_closing_the_case_and_quitting_ask(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    _profile(window).notes.setPlainText(KEPT)
    _answer_unsaved_box(qtbot, Qt.Key.Key_Escape)
    window.close_case()
    assert window.workspace.case_view.case_id is not None
    _answer_unsaved_box(qtbot, Qt.Key.Key_Escape)
    window.close()
    assert window.isVisible() and window.session.is_open, "Cancel keeps the window open"
    _answer_unsaved_box(qtbot, Qt.Key.Key_Return)
    case_id = window.workspace.case_view.case_id
    uow = window.session.uow
    window.close()
    assert not window.isVisible()
    _unlock(window)
    assert case_service.get_case(uow(), case_id).notes == KEPT


def _evidence_tab_with_two_items(window):  # type: ignore[no-untyped-def]
    from imsa_desktop.domain.model import EvidenceItem
    from imsa_desktop.services import evidence as evidence_service

    view = window.workspace.case_view
    tab = next(t for t in view.tab_list if t.title == "Evidence")
    view.tabs.setCurrentIndex(view.tab_list.index(tab))
    uow = window.session.uow()
    if len(evidence_service.list_evidence(uow, view.case_id)) < 2:
        for title in ("Payslip kept by Arben Hoxha (fictional)", "Bus ticket to Leeds"):
            evidence_service.add_evidence(
                window.session.uow(),
                EvidenceItem(case_id=view.case_id, title=title),
                clock=window.session.clock,
            )
        tab.reload()
    assert tab.table.records.rowCount() >= 2
    tab.table.selectRow(0)
    return tab


def test_another_evidence_item_asks_before_replacing_an_edit(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.services import evidence as evidence_service

    tab = _evidence_tab_with_two_items(window)
    first = tab._current
    assert first is not None
    tab.body.setPlainText(KEPT)
    assert tab.has_unsaved_changes()
    _answer_unsaved_box(qtbot, Qt.Key.Key_Escape)  # Cancel: stay on the edited item
    tab.table.selectRow(1)
    assert tab._current is not None and tab._current.id == first.id
    assert tab.body.toPlainText() == KEPT and tab.table.selected().id == first.id
    _answer_unsaved_box(qtbot, Qt.Key.Key_Escape)  # New item asks too
    tab.new_item()
    assert tab._current is not None and tab._current.id == first.id and tab.body.toPlainText() == KEPT
    _answer_unsaved_box(qtbot, Qt.Key.Key_Return)  # Save is the default, then the other item opens
    other = next(r for r, e in enumerate(tab.table.records.rows) if e.id != first.id)
    tab.table.selectRow(other)
    assert tab._current is not None and tab._current.id != first.id
    assert tab.table.selected().id == tab._current.id and not tab.has_unsaved_changes()
    case_id = window.workspace.case_view.case_id
    saved = {e.id: e for e in evidence_service.list_evidence(window.session.uow(), case_id)}
    assert saved[first.id].body == KEPT
