"""Small shared widgets and the one place that turns an exception into a message."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop import logsetup
from imsa_desktop.crypto.strength import assess
from imsa_desktop.errors import ImsaError

UNEXPECTED = (
    "Something unexpected went wrong; nothing was changed. Details (without case data) are in the log."
)


def after_window_drawn(ms: int, fn: Callable[[], object]) -> None:
    """Call ``fn`` ``ms`` milliseconds after the event loop next runs, i.e. after the window
    being shown has been drawn. Start-up work that must not delay the first paint uses this
    rather than a plain timer: on a slow or busy laptop building the window can take longer
    than ``ms``, and a plain timer would then fire before the window appears."""
    QTimer.singleShot(0, lambda: QTimer.singleShot(ms, fn))


def message_for(exc: BaseException) -> str:
    """One clear sentence for the user; unexpected errors are logged without case data."""
    if isinstance(exc, ImsaError):
        return exc.user_message
    logsetup.log_unexpected(exc)
    return UNEXPECTED


def show_error(parent: QWidget | None, exc: BaseException, title: str = "IMSA Desktop") -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message_for(exc))
    box.setObjectName("errorBox")
    box.open()


class Banner(QLabel):
    """A calm, inline message line (errors, notices) instead of a modal box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("banner")
        self.setContentsMargins(10, 6, 10, 6)
        self.hide()

    def error(self, text: str) -> None:
        self.setProperty("kind", "error")
        self._show(text)

    def info(self, text: str) -> None:
        self.setProperty("kind", "info")
        self._show(text)

    def _show(self, text: str) -> None:
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class OneLineLabel(QLabel):
    """A label on one line while there is room, wrapped only when there is not (text at
    200 %, a narrow window). A word-wrapped QLabel on its own asks for a narrow, squarish
    shape, so short texts such as a case's name, stage and code wrapped on a wide window,
    and a right-to-left name lost its first letters at the edge."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # (names as typed: never read as markup)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        m = self.contentsMargins()
        extra = m.left() + m.right() + 2 * self.margin() + 2 * self.frameWidth()
        lines = self.text().splitlines() or [""]
        one_line = max(self.fontMetrics().horizontalAdvance(line) for line in lines) + extra + 1
        if one_line <= hint.width():
            return hint
        return QSize(one_line, self.heightForWidth(one_line))


ICON_GREY = "#57606a"


def line_icon(draw: Callable[[QPainter], None]) -> QIcon:
    """A small grey line drawing for a button inside a field (the passphrase's eye, a date's
    calendar): *draw* paints on a clear 32-pixel square with a 2.5-pixel grey pen."""
    pix = QPixmap(32, 32)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(ICON_GREY), 2.5))
    draw(p)
    p.end()
    return QIcon(pix)


def _draw_eye(p: QPainter) -> None:
    p.drawEllipse(3, 9, 26, 14)
    p.setBrush(QColor(ICON_GREY))
    p.drawEllipse(12, 12, 8, 8)


class PassphraseField(QLineEdit):
    def __init__(self, placeholder: str = "Passphrase", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setPlaceholderText(placeholder)
        self.setMinimumWidth(320)
        toggle = QAction(line_icon(_draw_eye), "Show", self)
        toggle.setCheckable(True)
        toggle.toggled.connect(
            lambda on: self.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        )
        toggle.setToolTip("Show or hide the passphrase")
        self.addAction(toggle, QLineEdit.ActionPosition.TrailingPosition)
        self.toggle_action = toggle


class StrengthMeter(QWidget):
    """zxcvbn-based strength feedback under a new-passphrase field."""

    changed = Signal(bool)  # acceptable

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.label = QLabel("")
        self.label.setObjectName("strengthLabel")
        row.addWidget(self.bar, 1)
        row.addWidget(self.label)
        lay.addLayout(row)
        self.hint = QLabel("Use four or more unrelated words. Longer is stronger.")
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        lay.addWidget(self.hint)
        self.acceptable = False
        self.user_inputs: tuple[str, ...] = ()

    def update_for(self, passphrase: str) -> None:
        if not passphrase:
            self.bar.setValue(0)
            self.label.setText("")
            self.hint.setText("Use four or more unrelated words. Longer is stronger.")
            self.acceptable = False
        else:
            s = assess(passphrase, self.user_inputs)
            self.bar.setValue(s.score)
            self.bar.setProperty("level", str(s.score))
            self.bar.style().unpolish(self.bar)
            self.bar.style().polish(self.bar)
            self.label.setText(s.label)
            self.hint.setText(s.feedback or ("Good." if s.acceptable else ""))
            self.acceptable = s.acceptable
        self.changed.emit(self.acceptable)


def busy_bar() -> QProgressBar:
    """A thin "working…" bar (no percentage), hidden until the view shows it."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setFixedHeight(6)
    bar.setAccessibleName("Working")
    bar.hide()
    return bar


def save_cancel_footer(
    dialog: QDialog,
    form: QFormLayout | QVBoxLayout,
    ok: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Save,
) -> Banner:
    """The end of an edit dialog: an inline message line, then Save (or *ok*) and Cancel. Save
    calls the dialog's ``_accept`` (which validates and accepts); returns the banner for its
    messages. Under a form the two are form rows; in a column, widgets of the column."""
    add = form.addRow if isinstance(form, QFormLayout) else form.addWidget
    banner = Banner()
    add(banner)
    buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog._accept)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    add(buttons)
    return banner


def heading(text: str, size: int = 18) -> QLabel:
    label = QLabel(text)
    f = QFont(label.font())
    f.setPointSize(size)
    f.setBold(True)
    label.setFont(f)
    label.setObjectName("heading")
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return label


def card(widget_layout: QVBoxLayout | QHBoxLayout | None = None) -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    frame.setFrameShape(QFrame.Shape.NoFrame)
    if widget_layout is not None:
        frame.setLayout(widget_layout)
    return frame


def scrolling(page: QWidget, inner: QWidget) -> QVBoxLayout:
    """Lay *page* out as *inner* in a scroll area, edge to edge, so it fits any screen and text
    size; returns the page's layout, for a footer that stays in view below it."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll, 1)
    return outer


def centered(inner: QWidget, max_width: int = 520) -> QWidget:
    """Put a card in the middle of a page."""
    outer = QWidget()
    lay = QVBoxLayout(outer)
    lay.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    inner.setMaximumWidth(max_width)
    row.addWidget(inner, 10)
    row.addStretch(1)
    lay.addLayout(row)
    lay.addStretch(2)
    lay.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return outer
