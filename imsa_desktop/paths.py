"""Where the shipped resources (rules, letter templates, fonts, stylesheet) live.

A source checkout or editable install uses ``<repo>/resources``; an installed wheel carries
the same tree under ``<prefix>/share/imsa-desktop/resources`` (pyproject data-files).
Also ``fsync_folder``, which makes a rename into a folder durable (vault keys, attachments,
bundles, saved PDFs). Standard library only, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent / "resources"
_INSTALLED = Path(sys.prefix) / "share" / "imsa-desktop" / "resources"


def resources_dir() -> Path:
    if _CHECKOUT.is_dir():
        return _CHECKOUT
    if _INSTALLED.is_dir():
        return _INSTALLED
    return _CHECKOUT


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def fsync_folder(folder: Path) -> None:
    """Make a rename into ``folder`` durable. Best effort: the new file is already in place when
    this runs, some file systems (network shares) refuse to fsync a folder, and Windows cannot
    open a folder for fsync at all."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
