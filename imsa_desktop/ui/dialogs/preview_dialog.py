"""Preview an attachment inside the app, from memory only.

The verified bytes come from the vault in a worker (its own connection) and never touch the
disk: images through ``QImage.fromData``, PDFs through a ``QPdfDocument`` reading a
``QBuffer`` over the bytes, plain text in a read-only editor. A damaged attachment (its
contents no longer match the checksum) is reported as damaged and nothing of it is shown.
The dialog is a child of the tab that opened it, so locking or quick-hide closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import AttachmentDamaged
from imsa_desktop.ui.common import message_for
from imsa_desktop.ui.workers import run_task

DAMAGED_MESSAGE = (
    "This attachment is damaged: its contents no longer match the checksum recorded when it was "
    "added, so it is not shown. Other files are not affected; if you have the original, add it again."
)
LOADING_MESSAGE = "Opening the file from the vault…"

Loader = Callable[[], tuple[AttachmentInfo, bytes]]


class PreviewDialog(QDialog):
    """``PreviewDialog(loader, title, parent)``: *loader* runs in a worker and returns
    ``(info, verified bytes)``; ``state`` is then image / pdf / text / damaged / error."""

    def __init__(self, loader: Loader | None, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewDialog")
        self.setWindowTitle("Preview")
        self.setProperty("imsaTransient", True)
        self.resize(860, 680)
        self.state = "loading"
        self._buffer: QBuffer | None = None

        lay = QVBoxLayout(self)
        self.caption = QLabel(title)
        self.caption.setObjectName("previewCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        f = self.caption.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.caption.setFont(f)
        lay.addWidget(self.caption)
        self.note = QLabel("Shown from memory; no unencrypted copy is written to disk.")
        self.note.setObjectName("hint")
        lay.addWidget(self.note)

        self.stack = QStackedWidget()
        self.message = QLabel(LOADING_MESSAGE)
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setContentsMargins(40, 40, 40, 40)
        self.image = QLabel()
        self.image.setObjectName("previewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_area = QScrollArea()
        self.image_area.setWidgetResizable(True)
        self.image_area.setWidget(self.image)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("previewPdf")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.text = QPlainTextEdit()
        self.text.setObjectName("previewText")
        self.text.setReadOnly(True)
        for w in (self.message, self.image_area, self.pdf_view, self.text):
            self.stack.addWidget(w)
        lay.addWidget(self.stack, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.finished.connect(self._release)

        if loader is not None:
            run_task(self, loader, self._loaded, self._failed)

    # ---- results --------------------------------------------------------------------------
    def _loaded(self, result: tuple[AttachmentInfo, bytes]) -> None:
        info, data = result
        self.show_bytes(info.media_type, data)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AttachmentDamaged):
            self._show_message("damaged", DAMAGED_MESSAGE)
        else:
            self._show_message("error", message_for(exc))

    def show_bytes(self, media_type: str, data: bytes) -> None:
        """Show *data* (already verified) by its media type, without writing it anywhere."""
        if media_type.startswith("image/"):
            img = QImage.fromData(data)
            if img.isNull():
                self._show_message("error", "This image could not be read, so it cannot be shown.")
                return
            pix = QPixmap.fromImage(img)
            if pix.width() > 800:
                pix = pix.scaledToWidth(800, Qt.TransformationMode.SmoothTransformation)
            self.image.setPixmap(pix)
            self.stack.setCurrentWidget(self.image_area)
            self.state = "image"
        elif media_type == "application/pdf":
            buf = QBuffer(self)
            buf.setData(QByteArray(data))
            buf.open(QIODevice.OpenModeFlag.ReadOnly)
            self._buffer = buf
            self.pdf_document.statusChanged.connect(self._pdf_status)
            self.pdf_document.load(buf)
            self._pdf_status(self.pdf_document.status())
        elif media_type.startswith("text/"):
            self.text.setPlainText(data.decode("utf-8", errors="replace"))
            self.stack.setCurrentWidget(self.text)
            self.state = "text"
        else:
            self._show_message("error", "This kind of file cannot be previewed inside the app.")

    def _pdf_status(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready:
            self.stack.setCurrentWidget(self.pdf_view)
            self.state = "pdf"
        elif status == QPdfDocument.Status.Error:
            self._show_message("error", "This PDF could not be read, so it cannot be shown.")

    def _show_message(self, state: str, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", state)
        self.stack.setCurrentWidget(self.message)
        self.state = state

    def _release(self) -> None:
        """Drop the bytes as soon as the preview closes."""
        self.pdf_document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer = None
        self.image.clear()
        self.text.clear()
