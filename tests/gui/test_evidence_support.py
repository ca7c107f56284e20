"""Shared set-up for the evidence, preview and search GUI tests (no tests of its own).

A real SQLCipher vault (tests/conftest.py), a Session attached to it, the synchronous task
runner, one fictional case with a timeline event and an evidence item, and small files
(PNG made with QImage, one-page PDF made with reportlab) to attach.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QWidget

from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.workers import Runner

CASE_DOC = {
    "survivor": {"full_name": "Nguyễn Thị Hồng", "preferred_name": "Hồng", "nationality": "Vietnamese"},
    "events": [
        {"date": "2024-06-01", "title": "Recruited with a false job offer", "kind": "exploitation"},
    ],
    "evidence": [
        {
            "id": "ev-gp",
            "title": "GP letter on trauma symptoms",
            "kind": "medical",
            "source": "Dr A. Example (fictional GP)",
            "date_obtained": "2025-01-25",
            "body": "Flashbacks and memory gaps consistent with trauma.",
            "indicators": ["isolation"],
        }
    ],
}
OTHER_DOC = {"survivor": {"full_name": "Arbër Hoxha"}, "evidence": [{"id": "ev-pay", "title": "Payslips"}]}


@pytest.fixture
def synchronous() -> Iterator[None]:
    before = Runner.synchronous
    Runner.synchronous = True
    yield
    Runner.synchronous = before


@pytest.fixture
def session(vault, vault_path: Path, clock, synchronous) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock)
    s.attach(vault)
    yield s


@pytest.fixture
def case_id(session: Session, clock) -> str:  # type: ignore[no-untyped-def]
    case_service.add_case(session.uow(), OTHER_DOC, clock=clock)
    return case_service.add_case(session.uow(), CASE_DOC, clock=clock)


def make_png(path: Path, w: int = 64, h: int = 48) -> Path:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#0b6e7f"))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    path.write_bytes(bytes(buf.data().data()))
    return path


def make_pdf(path: Path, text: str = "Letter from Example Health Centre (fictional)") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("Helvetica", 14)
    c.drawString(72, 760, text)
    c.drawString(72, 730, "Flashbacks and memory gaps consistent with trauma.")
    c.showPage()
    c.save()
    path.write_bytes(out.getvalue())
    return path


def drop_files(target: QWidget, paths: list[Path], pos: QPoint | None = None) -> QDropEvent:
    """Deliver a drop of local files on *target* (as the window system would)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = QPointF(pos if pos is not None else target.rect().center())
    event = QDropEvent(
        where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    target.dropEvent(event)  # type: ignore[attr-defined]
    return event
