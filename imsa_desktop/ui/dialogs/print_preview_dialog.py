"""Print preview for any PDF the app makes: pages shown with QtPdf, the native print dialog, and
"Save as PDF…" (written atomically). Rendering runs in a worker with progress.

``PrintPreviewDialog(title, render, parent, pseudonymous_option=True, on_output=...)``:
*render(pseudonymous) -> bytes* runs in a worker (give it plain data, never the GUI thread's
connection); *on_output(action, pseudonymous)* is called after a print ("printed") or a save
("saved PDF") so the caller can audit it. Nothing is written to disk except where the advocate
chooses to save.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.services import documents as doc_service
from imsa_desktop.ui.case_tab import attempt
from imsa_desktop.ui.common import Banner, message_for
from imsa_desktop.ui.widgets import named_buttons, pdf_viewer, thin_progress
from imsa_desktop.ui.workers import run_task

Render = Callable[[bool], bytes]
OnOutput = Callable[[str, bool], None]


class PrintPreviewDialog(QDialog):
    def __init__(
        self,
        title: str,
        render: Render,
        parent: QWidget | None = None,
        *,
        pseudonymous_option: bool = True,
        on_output: OnOutput | None = None,
        file_name: str = "document.pdf",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printPreviewDialog")
        self.setWindowTitle(title)
        self.setProperty("imsaTransient", True)
        self.resize(900, 760)
        self._render = render
        self._on_output = on_output
        self._file_name = file_name
        self.pdf: bytes | None = None
        self.pdf_pseudonymous = False  # what the PDF on show was rendered as (not the checkbox)
        self._generation = 0
        self.state = "loading"
        self._buffer: QBuffer | None = None

        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        caption = QLabel(title)
        caption.setObjectName("previewCaption")
        f = caption.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        caption.setFont(f)
        top.addWidget(caption, 1)
        self.pseudonymous = QCheckBox("Pseudonymous (case code instead of the name)")
        self.pseudonymous.setObjectName("pseudonymousCheck")
        self.pseudonymous.setVisible(pseudonymous_option)
        self.pseudonymous.toggled.connect(lambda _on: self.refresh())
        top.addWidget(self.pseudonymous)
        lay.addLayout(top)

        prog = QHBoxLayout()
        self.progress = thin_progress("renderProgress")
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("hint")
        prog.addWidget(self.progress, 1)
        prog.addWidget(self.progress_label)
        lay.addLayout(prog)
        self.banner = Banner()
        lay.addWidget(self.banner)

        self.document, self.view = pdf_viewer(self, "pdfView", lay)

        buttons = QHBoxLayout()
        self.pages_label = QLabel("")
        self.pages_label.setObjectName("hint")
        buttons.addWidget(self.pages_label, 1)
        self.print_button, self.save_button, _close = named_buttons(
            buttons,
            ("Print…", "printButton", self.print_dialog),
            ("Save as PDF…", "savePdfButton", self.save_dialog),
            ("Close", "", self.reject),
        )
        lay.addLayout(buttons)
        self.refresh()

    # ---- rendering ---------------------------------------------------------------------
    def refresh(self) -> None:
        # Each render gets a number; a slower, older one that finishes later is dropped, so the
        # pages shown, printed and saved are always those of the latest choice.
        self._generation += 1
        generation = self._generation
        self.pdf = None
        self.state = "loading"
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.banner.clear_message()
        self.progress.show()
        self._progress(5, "Laying out the pages…")
        pseudo = self.pseudonymous.isChecked()
        render = self._render

        def work(progress: Callable[[int, str], None]) -> bytes:
            progress(20, "Laying out the pages…")
            data = render(pseudo)
            progress(90, "Showing the pages…")
            return data

        def loaded(pdf: bytes) -> None:
            if generation == self._generation:
                self.pdf_pseudonymous = pseudo
                self._loaded(pdf)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._failed(exc)

        run_task(self, work, loaded, failed, self._progress)

    def _progress(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.progress_label.setText(text)

    def _loaded(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.state = "ready"
        self.progress.hide()
        self.progress_label.setText("")
        n = self.document.pageCount()
        self.pages_label.setText(f"{n} page{'s' if n != 1 else ''}")
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.state = "error"
        self.progress.hide()
        self.progress_label.setText("")
        self.banner.error(message_for(exc))

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.state == "ready" else 0

    # ---- output ------------------------------------------------------------------------
    def print_dialog(self) -> None:
        if self.pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.open()

    def print_to(self, printer: QPrinter) -> None:
        """Paint every page (rendered by QtPdf at the printer's resolution) onto ``printer``."""
        if self.state != "ready":
            return
        painter = QPainter()
        if not painter.begin(printer):
            self.banner.error("The printer could not be started; nothing was printed.")
            return
        try:
            dpi = min(printer.resolution(), 300)
            for i in range(self.document.pageCount()):
                if i:
                    printer.newPage()
                size = self.document.pagePointSize(i)
                pixels = QSize(int(size.width() / 72 * dpi), int(size.height() / 72 * dpi))
                image = self.document.render(i, pixels)
                target: QRect = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
        finally:
            painter.end()
        self._output(doc_service.PRINTED)
        self.banner.info("Sent to the printer.")

    def save_dialog(self) -> None:
        if self.pdf is None:
            return
        dialog = QFileDialog(self, "Save as PDF", self._file_name, "PDF (*.pdf)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")  # so the overwrite question is asked about the real name
        if dialog.exec() and dialog.selectedFiles():
            self.save_to(Path(dialog.selectedFiles()[0]))

    def save_to(self, path: Path) -> None:
        if self.pdf is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        pdf = self.pdf
        if not attempt(self.banner, lambda: doc_service.write_atomic(path, pdf)):
            return
        self._output(doc_service.SAVED_PDF)
        self.banner.info(f"Saved as {path.name}.")

    def _output(self, action: str) -> None:
        on_output = self._on_output
        if on_output is not None:
            attempt(self.banner, lambda: on_output(action, self.pdf_pseudonymous))

    def done(self, result: int) -> None:
        self.document.close()
        super().done(result)
