# ruff: noqa: F811 - the shared fixtures are imported by name from test_evidence_support
"""Previews come from memory: an image, a one-page PDF and text show; a damaged file says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPdf import QPdfDocument

from imsa_desktop.services import evidence as evidence_service
from imsa_desktop.services import tempfiles
from imsa_desktop.ui.dialogs.preview_dialog import DAMAGED_MESSAGE, PreviewDialog
from imsa_desktop.ui.features.evidence import EvidenceTab
from imsa_desktop.ui.session import Session
from tests.gui.test_evidence_support import case_id, evidence_tab, make_pdf, make_png, session  # noqa: F401 - fixtures


@pytest.fixture
def tab(evidence_tab: EvidenceTab) -> EvidenceTab:
    return evidence_tab


def _preview(tab: EvidenceTab, session: Session, case_id: str, path: Path) -> PreviewDialog:
    evidence_service.attach_file(session.uow(), case_id, "ev-gp", path)
    tab.load(case_id)
    dialog = tab.preview_selected()
    assert dialog is not None
    return dialog


def test_image_preview_shows_the_picture(
    qtbot, tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _preview(tab, session, case_id, make_png(tmp_path / "bruise-photo.png", 64, 48))
    assert dialog.state == "image"
    pix = dialog.image.pixmap()
    assert not pix.isNull()
    assert (pix.width(), pix.height()) == (64, 48)
    assert dialog.stack.currentWidget() is dialog.image_area
    assert dialog.caption.text() == "bruise-photo.png"
    # Never via a plaintext file: nothing was written for the other-program folder either.
    assert not tempfiles.external_open_dir().exists() or not any(tempfiles.external_open_dir().iterdir())


def test_pdf_preview_loads_one_page_from_memory(
    qtbot, tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _preview(tab, session, case_id, make_pdf(tmp_path / "gp-letter.pdf"))
    qtbot.waitUntil(lambda: dialog.state == "pdf", timeout=5000)
    assert dialog.pdf_document.status() == QPdfDocument.Status.Ready
    assert dialog.pdf_document.pageCount() == 1
    assert dialog.stack.currentWidget() is dialog.pdf_view
    assert "Example Health Centre" in dialog.pdf_document.getAllText(0).text()


def test_text_preview(tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("ሰላም ተስፋይ said the passport was kept by the employer.", encoding="utf-8")
    dialog = _preview(tab, session, case_id, f)
    assert dialog.state == "text"
    assert dialog.text.toPlainText().startswith("ሰላም ተስፋይ said")


def test_damaged_attachment_is_reported_not_shown(
    tab: EvidenceTab, session: Session, case_id: str, tmp_path: Path
) -> None:
    png = make_png(tmp_path / "photo.png")
    evidence_service.attach_file(session.uow(), case_id, "ev-gp", png)
    assert session.vault is not None and session.vault.conn is not None
    conn = session.vault.conn
    data = bytearray(conn.execute("SELECT data FROM attachment_chunks").fetchone()[0])
    data[len(data) // 2] ^= 0xFF  # one flipped byte, written through SQL (page MACs stay valid)
    conn.execute("UPDATE attachment_chunks SET data = ?", (bytes(data),))
    tab.load(case_id)
    dialog = tab.preview_selected()
    assert dialog is not None
    assert dialog.state == "damaged"
    assert dialog.stack.currentWidget() is dialog.message
    assert dialog.message.text() == DAMAGED_MESSAGE
    assert dialog.image.pixmap().isNull()


def test_unreadable_image_bytes_give_a_message(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = PreviewDialog(None, "scan.png")
    qtbot.addWidget(dialog)
    dialog.show_bytes("image/png", b"not really a png")
    assert dialog.state == "error"
    assert "could not be read" in dialog.message.text()


def test_preview_is_a_transient_child_and_lets_go_of_the_bytes(
    qtbot,
    tab: EvidenceTab,
    session: Session,
    case_id: str,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    dialog = _preview(tab, session, case_id, make_pdf(tmp_path / "gp-letter.pdf"))
    qtbot.waitUntil(lambda: dialog.state == "pdf", timeout=5000)
    assert dialog.parent() is tab  # closed with the workspace on lock / quick-hide
    assert dialog.property("imsaTransient") is True
    dialog.reject()
    assert dialog.pdf_document.pageCount() == 0
    assert dialog._buffer is None
