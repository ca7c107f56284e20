"""Copying a sensitive field: marked so clipboard managers do not keep it, cleared after a while.

The hints are the ones password managers use: KDE Klipper skips data carrying
``x-kde-passwordManagerHint: secret``; macOS pasteboard managers skip
``org.nspasteboard.ConcealedType`` (Qt maps "application/x-nspasteboard-concealed-type");
Windows keeps data out of clipboard history and cloud sync with the registered formats
``ExcludeClipboardContentFromMonitorProcessing`` and ``CanIncludeInClipboardHistory`` = 0.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QMimeData, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

DEFAULT_SECONDS = 30

_WIN = 'application/x-qt-windows-mime;value="{}"'
SECRET_HINTS: dict[str, bytes] = {
    "x-kde-passwordManagerHint": b"secret",
    "application/x-nspasteboard-concealed-type": b"",
    _WIN.format("ExcludeClipboardContentFromMonitorProcessing"): b"\x00",
    _WIN.format("CanIncludeInClipboardHistory"): b"\x00\x00\x00\x00",  # DWORD 0
}


def secret_mime_data(text: str) -> QMimeData:
    data = QMimeData()
    data.setText(text)
    for mime, value in SECRET_HINTS.items():
        data.setData(mime, QByteArray(value))
    return data


class SensitiveClipboard(QObject):
    """``copy(text)`` puts text on the clipboard with the secret hints and clears it after
    ``seconds`` (only if it still holds what we put there). Locking calls ``clear_now``."""

    def __init__(self, seconds: float = DEFAULT_SECONDS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self._text: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setMimeData(secret_mime_data(text), QClipboard.Mode.Clipboard)
        self._text = text
        self._timer.start(int(self.seconds * 1000))

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def _expire(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self._text is not None and clipboard.text() == self._text:
            clipboard.clear(QClipboard.Mode.Clipboard)
        self._text = None

    def clear_now(self) -> None:
        self._timer.stop()
        self._expire()


_shared: SensitiveClipboard | None = None


def shared() -> SensitiveClipboard:
    """The app-wide instance views use (``shared().copy(text)``)."""
    global _shared
    if _shared is None:
        _shared = SensitiveClipboard()
    return _shared


def copy_sensitive(text: str) -> None:
    shared().copy(text)


def protect_copies(is_sensitive: Callable[[], bool]) -> None:
    """Treat every copy made inside the app while a vault is open as sensitive.

    Ctrl+C in any field, a table or a context menu puts plain text on the clipboard; this
    re-puts it with the secret hints and starts the clear timer. Copies made by other
    programs are left alone.
    """
    clipboard = QGuiApplication.clipboard()

    def changed() -> None:
        if not is_sensitive():
            return
        mime = clipboard.mimeData(QClipboard.Mode.Clipboard)
        if mime is None or mime.hasFormat("x-kde-passwordManagerHint"):
            return  # empty, or already marked by us
        if clipboard.supportsSelection() and not clipboard.ownsClipboard():
            return  # another program's copy
        text = mime.text()
        if text:
            shared().copy(text)

    clipboard.dataChanged.connect(changed)
