"""Feature modules register their case tabs, dashboard and toolbar actions on import.

Each module named here is imported if present (a missing one is simply not there yet; an
import error inside a present one is a real error and is raised).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import threading

FEATURE_MODULES = (
    "imsa_desktop.ui.features.deadlines",
    "imsa_desktop.ui.features.timeline",
    "imsa_desktop.ui.features.appointments",
    "imsa_desktop.ui.features.dashboard",
    "imsa_desktop.ui.features.evidence",
    "imsa_desktop.ui.features.search",
    "imsa_desktop.ui.features.letters",
    "imsa_desktop.ui.features.bundles",
    "imsa_desktop.ui.features.privacy",
)

_loaded = False
_preload: threading.Thread | None = None


def _import_all() -> None:  # GUI thread only
    for name in FEATURE_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            importlib.import_module(name)


# Heavy non-Qt modules the features use (PDF, calendar, bundles, holidays). Only these are
# warmed in the background: importing Qt modules off the GUI thread is not safe (shiboken
# crashed doing it here, "deallocating None"), and the layering test guarantees these
# layers never import PySide6.
WARM_MODULES = (
    "imsa_desktop.services.deadlines",
    "imsa_desktop.services.timeline",
    "imsa_desktop.services.appointments",
    "imsa_desktop.services.dashboard",
    "imsa_desktop.services.ics",
    "imsa_desktop.services.evidence",
    "imsa_desktop.services.search",
    "imsa_desktop.services.letters",
    "imsa_desktop.services.documents",
    "imsa_desktop.services.organisation",
    "imsa_desktop.services.bundles",
    "imsa_desktop.services.identity",
    "imsa_desktop.services.privacy",
    "imsa_desktop.documents.letter_pdf",
    "imsa_desktop.documents.timeline_pdf",
    "imsa_desktop.documents.summary_pdf",
)


def _warm() -> None:
    """Import the heavy non-Qt modules and build this year's bank-holiday tables, off the GUI
    thread, while the advocate types the passphrase. Any error here resurfaces later."""
    with contextlib.suppress(Exception):
        for name in WARM_MODULES:
            importlib.import_module(name)
        from datetime import date

        from imsa_desktop.domain.model import Jurisdiction
        from imsa_desktop.services.deadlines import holiday_calendar

        calendar = holiday_calendar()
        for j in Jurisdiction:
            for year in (date.today().year, date.today().year + 1):
                calendar.is_holiday(date(year, 1, 1), j)


def preload() -> None:
    global _preload
    if _preload is None and not _loaded:
        _preload = threading.Thread(target=_warm, name="imsa-preload", daemon=True)
        _preload.start()


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    if _preload is not None:
        _preload.join()
    for name in FEATURE_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            importlib.import_module(name)
