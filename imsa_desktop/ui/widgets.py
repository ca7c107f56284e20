"""Builders for what many screens make the same way: named buttons in a row, the frame of a
dialog over the open vault, a thin progress bar, a PDF viewer, and "Choose…" for a file name.

Object names are what tests and the accessibility audit find a widget by, so every builder
takes one; the order of ``specs`` is the order in the layout, which is the Tab order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QDialog,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.errors import InvalidInput
from imsa_desktop.ui.common import Banner, hint

if TYPE_CHECKING:  # QtPdf is loaded when a PDF is first shown, not at start-up (the lock screen)
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

B = TypeVar("B", bound=QAbstractButton)


def named_buttons(
    layout: QBoxLayout | None,
    *specs: tuple[str, str] | tuple[str, str, Callable[[], Any]],
    kind: type[B] = QPushButton,  # type: ignore[assignment]
    stretch: bool = False,
) -> list[B]:
    """Buttons (push buttons, or *kind*, e.g. QCheckBox) from (text, object name[, what a click
    does]) specs, added to *layout* in that order (then a stretch, with *stretch*); returns them
    in the same order."""
    made = []
    for text, name, *slot in specs:
        b = kind(text)
        b.setObjectName(name)
        for s in slot:
            b.clicked.connect(s)
        made.append(b)
        if layout is not None:
            layout.addWidget(b)
    if layout is not None and stretch:
        layout.addStretch(1)
    return made


class Dialog(QDialog):
    """A dialog with the object name and window title it is known by, and its starting size.
    An edit dialog's Save (``save_cancel_footer``) calls ``_accept``: ``check`` first, then close."""

    banner: Banner  # the message line (save_cancel_footer makes it)

    def __init__(
        self,
        name: str,
        title: str,
        parent: QWidget | None = None,
        *,
        size: tuple[int, int] | None = None,
        min_width: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        if size is not None:
            self.resize(*size)
        if min_width is not None:
            self.setMinimumWidth(min_width)

    def check(self) -> None:
        """Raise InvalidInput (its sentence is shown in the banner) if the form cannot be saved."""

    def _accept(self) -> None:
        try:
            self.check()
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()


class SessionDialog(Dialog):
    """A ``Dialog`` of the main window that works on the open vault (``self.session``)."""

    def __init__(
        self, session: Any, name: str, title: str, parent: QWidget | None = None, **frame: Any
    ) -> None:
        super().__init__(name, title, parent, **frame)
        self.session = session


def column(widget: QWidget, intro: str = "") -> QVBoxLayout:
    """*widget*'s layout, top to bottom, starting with the *intro* hint (if any)."""
    lay = QVBoxLayout(widget)
    if intro:
        lay.addWidget(hint(intro))
    return lay


def thin_progress(name: str) -> QProgressBar:
    """A slim 0-100 % bar without a percentage (the words next to it say what is happening)."""
    bar = QProgressBar()
    bar.setObjectName(name)
    bar.setRange(0, 100)
    bar.setFixedHeight(10)
    bar.setTextVisible(False)
    return bar


def pdf_viewer(parent: QWidget, name: str, layout: QBoxLayout) -> tuple[QPdfDocument, QPdfView]:
    """A PDF shown page under page, as wide as the view, filling the rest of *layout*; returns
    the document and the view."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    document = QPdfDocument(parent)
    view = QPdfView(parent)
    view.setObjectName(name)
    view.setDocument(document)
    view.setPageMode(QPdfView.PageMode.MultiPage)
    view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
    layout.addWidget(view, 1)
    return document, view


def add_check_item(lst: QListWidget, text: str, data: Any, checked: bool) -> QListWidgetItem:
    """A row with a tick box in *lst*, carrying *data* (read back with ``checked_data``)."""
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, data)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    lst.addItem(item)
    return item


def checked_data(lst: QListWidget) -> list[Any]:
    """The data of the ticked rows of *lst*, top to bottom."""
    return [
        lst.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(lst.count())
        if lst.item(i).checkState() == Qt.CheckState.Checked
    ]


def choose_save_path(edit: QLineEdit, caption: str, filters: str) -> None:
    """ "Choose…" next to a file name: a save dialog starting at what *edit* holds; the name
    chosen goes into *edit* (Cancel leaves it as it was)."""
    path, _ = QFileDialog.getSaveFileName(edit.window(), caption, edit.text(), filters)
    if path:
        edit.setText(path)
