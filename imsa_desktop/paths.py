"""Where the shipped resources (rules, letter templates, fonts, stylesheet) live.

A source checkout or editable install uses ``<repo>/resources``; an installed wheel carries
the same tree under ``<prefix>/share/imsa-desktop/resources`` (pyproject data-files).
Standard library only, so every layer may use it.
"""

from __future__ import annotations

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
