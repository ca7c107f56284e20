"""Logging that never holds case data.

The app logs only its own fixed messages. Unexpected exceptions are logged as their type
and the code locations of the traceback, never the exception's message or local values
(a message can carry a name or a note). The log is a small rotating file in the per-user
log folder.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import traceback
from pathlib import Path

import platformdirs

_configured = False
log = logging.getLogger("imsa")


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file it opens, rotated ones included, is readable by this user only."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)
        return stream


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("IMSA Desktop", "IMSA"))


def configure(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    log.setLevel(level)
    log.propagate = False
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        handler: logging.Handler = _PrivateRotatingFileHandler(
            folder / "imsa.log", maxBytes=512_000, backupCount=2, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)


def safe_traceback(exc: BaseException) -> str:
    """Type and code locations only: no message, no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-8:]))
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {where}"


def log_unexpected(exc: BaseException) -> None:
    log.error("unexpected error: %s", safe_traceback(exc))
