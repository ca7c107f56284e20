"""Feature modules register their case tabs, dashboard and toolbar actions on import.

Each module named here is imported if present (a missing one is simply not there yet; an
import error inside a present one is a real error and is raised).
"""

from __future__ import annotations

import importlib
import importlib.util

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


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in FEATURE_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            importlib.import_module(name)
