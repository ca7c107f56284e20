"""The GUI's feature modules, registered explicitly in one list.

Adding a feature is one entry in ``FEATURES``: the module and the names in it that play each
role. Feature modules have no import side effects; ``load()`` imports each one and puts what
it names into the workspace's slots. A module or name that is missing is an incomplete
installation: ``check()`` (called at start) and ``load()`` raise ``FeatureMissing`` instead of
starting an app without it (a frozen build once started with no letter, deadline or timeline
features and no error).

Roles:
- ``tab``: a ``CaseTab`` subclass (or factory ``session -> CaseTab``), shown in every case;
- ``home``: the home page factory ``session -> QWidget`` (the Today dashboard);
- ``sidebar``: a factory ``(session, workspace) -> QWidget`` placed above the case list;
- ``actions``: a function ``window -> list[QAction]`` for the main toolbar.

PyInstaller reads ``FEATURES`` too (packaging/imsa-desktop.spec), so a feature listed here is
in the frozen app; tests/packaging checks the frozen app lists every one.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from imsa_desktop.errors import ImsaError


class FeatureMissing(ImsaError):
    """A feature the app ships with could not be found or loaded: the installation is incomplete."""


@dataclass(frozen=True)
class Feature:
    name: str  # what an advocate calls it (shown if it is missing)
    module: str
    tab: str | None = None
    home: str | None = None
    sidebar: str | None = None
    actions: str | None = None

    def roles(self) -> dict[str, str]:
        return {
            role: attr
            for role, attr in (
                ("tab", self.tab),
                ("home", self.home),
                ("sidebar", self.sidebar),
                ("actions", self.actions),
            )
            if attr
        }


_F = "imsa_desktop.ui.features."

# Case tabs appear in this order, after Profile and before Decisions and Consent.
FEATURES: tuple[Feature, ...] = (
    Feature("Deadlines", _F + "deadlines", tab="DeadlinesTab"),
    Feature("Timeline", _F + "timeline", tab="TimelineTab"),
    Feature("Appointments", _F + "appointments", tab="AppointmentsTab", actions="register_actions"),
    Feature("Evidence", _F + "evidence", tab="EvidenceTab"),
    Feature("Letters", _F + "letters", tab="LettersTab"),
    Feature("Today", _F + "dashboard", home="TodayDashboard"),
    Feature("Search", _F + "search", sidebar="search_box"),
    Feature("Sharing", _F + "bundles", actions="register_actions"),
    Feature("Statistics", _F + "stats", actions="register_actions"),
)

_loaded = False
_preload: threading.Thread | None = None
# Toolbar action builders collected by load(); MainWindow calls them with itself.
ACTION_BUILDERS: list[Any] = []


def _missing(feature: Feature, what: str) -> FeatureMissing:
    return FeatureMissing(
        f"This installation of IMSA Desktop is incomplete: the {feature.name} feature ({what}) "
        "is missing. Please reinstall the app; your vault has not been touched."
    )


def check() -> None:
    """At start: every feature module can be found (cheap: nothing is imported)."""
    for feature in FEATURES:
        try:
            found = importlib.util.find_spec(feature.module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise _missing(feature, feature.module)


def resolve(feature: Feature) -> dict[str, Any]:
    """Import a feature's module and return its role -> object map; raises FeatureMissing."""
    try:
        module = importlib.import_module(feature.module)
    except ModuleNotFoundError as e:
        if e.name and feature.module.startswith(e.name):
            raise _missing(feature, feature.module) from None
        raise
    out: dict[str, Any] = {}
    for role, attr in feature.roles().items():
        value = getattr(module, attr, None)
        if value is None:
            raise _missing(feature, f"{feature.module}.{attr}")
        out[role] = value
    return out


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
    "imsa_desktop.services.stats",
    "imsa_desktop.services.drafts",  # (these two are imported by the unlock itself: kept drafts,
    "imsa_desktop.services.demo",  # the demo check; 5-7 ms of the turn after the key is derived)
)

# The GUI modules the features share, imported a step each before the features themselves
# (Qt modules: on the GUI thread only), leaves first, so that no step imports a whole tree.
SHARED_UI_MODULES = (
    "imsa_desktop.ui.forms",
    "imsa_desktop.ui.tables",
    "imsa_desktop.ui.widgets",
    "imsa_desktop.ui.case_tab",
    "imsa_desktop.ui.dialogs.decision_dialog",
    "imsa_desktop.ui.views.case_view",
    "imsa_desktop.ui.views.workspace_view",
    "imsa_desktop.ui.dialogs.preview_dialog",
    "imsa_desktop.ui.dialogs.print_preview_dialog",
)


def _warm() -> None:
    """Import the heavy non-Qt modules, build this year's bank-holiday tables and compile the
    date patterns, off the GUI thread, while the advocate types the passphrase. Any error here
    resurfaces later."""
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
        from imsa_desktop.domain.dates import parse_human

        for text in ("2024-03-01", "March 2024", "1/3/2024", "between 2019 and 2020", "2 weeks ago"):
            parse_human(text, date.today())  # compiles the date patterns (``re``'s cache) early


def preload() -> None:
    global _preload
    if _preload is None and not _loaded:
        _preload = threading.Thread(target=_warm, name="imsa-preload", daemon=True)
        _preload.start()


def warming() -> bool:
    """The background imports started by ``preload`` are still running (``load`` would wait)."""
    return _preload is not None and _preload.is_alive()


def load() -> None:  # GUI thread only
    """Import every feature and fill the workspace slots (once). Raises FeatureMissing."""
    for _ in load_steps():
        pass


def load_steps() -> Iterator[None]:  # GUI thread only
    """``load()`` a feature per step (the workspace built ahead of time lets the event loop turn
    between them). The slots are filled at the end, all or nothing."""
    global _loaded
    if _loaded:
        return
    if _preload is not None:
        _preload.join()
    for name in SHARED_UI_MODULES:
        importlib.import_module(name)
        yield
    from imsa_desktop.ui.views import case_view, workspace_view

    resolved = []
    for feature in FEATURES:
        resolved.append(resolve(feature))
        yield
    if _loaded:  # loaded whole meanwhile (the advocate unlocked before the steps were done)
        return
    for roles in resolved:
        if "tab" in roles and roles["tab"] not in case_view.EXTRA_TABS:
            case_view.EXTRA_TABS.append(roles["tab"])
        if "home" in roles and roles["home"] not in workspace_view.HOME_FACTORY:
            workspace_view.HOME_FACTORY.append(roles["home"])
        if "sidebar" in roles and roles["sidebar"] not in workspace_view.SIDEBAR_WIDGETS:
            workspace_view.SIDEBAR_WIDGETS.append(roles["sidebar"])
        if "actions" in roles and roles["actions"] not in ACTION_BUILDERS:
            ACTION_BUILDERS.append(roles["actions"])
    _loaded = True


def describe() -> list[str]:
    """One line per feature and role, for ``imsa-desktop --list-features`` (loads them)."""
    load()
    lines = []
    for feature in FEATURES:
        roles = resolve(feature)
        for role, value in roles.items():
            title = getattr(value, "title", "") if role == "tab" else ""
            lines.append(f"{feature.name}\t{role}\t{title}".rstrip())
    return lines
