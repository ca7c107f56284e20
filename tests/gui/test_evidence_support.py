"""Shared set-up for the evidence, preview and search GUI tests (no tests of its own).

A real SQLCipher vault (tests/conftest.py), a Session attached to it, one fictional case with a
timeline event and an evidence item, its Evidence tab, the workspace, and small files (PNG made
with QImage, one-page PDF made with reportlab) to attach.
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
from imsa_desktop.ui.features.evidence import EvidenceTab
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.workspace_view import WorkspaceView

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
def session(vault, vault_path: Path, clock) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A Session on the test vault; workers run synchronously (tests/gui/conftest.py)."""
    s = Session(vault_path, clock=clock)
    s.attach(vault)
    yield s


@pytest.fixture
def case_id(session: Session, clock) -> str:  # type: ignore[no-untyped-def]
    case_service.add_case(session.uow(), OTHER_DOC, clock=clock)
    return case_service.add_case(session.uow(), CASE_DOC, clock=clock)


@pytest.fixture
def evidence_tab(qtbot, session: Session, case_id: str) -> EvidenceTab:  # type: ignore[no-untyped-def]
    """The Evidence tab of the case, loaded."""
    t = EvidenceTab(session)
    qtbot.addWidget(t)
    t.resize(1000, 700)
    t.load(case_id)
    return t


def open_workspace(qtbot, session: Session) -> WorkspaceView:  # type: ignore[no-untyped-def]
    """The workspace (case list and sidebar) as the app shows it after unlock, on its home page.
    Ask for the ``app`` fixture too: it loads the features (search box, Evidence tab)."""
    w = WorkspaceView(session)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.reload()
    w.show_home()
    return w


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
