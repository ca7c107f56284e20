# ruff: noqa: F811 - the shared fixtures are imported by name from test_evidence_support
"""Search results never show safe-contact (safeguarding) text in their snippets: a word from the
safe-contact notes may find the case, but the words around it are never put on screen."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from imsa_desktop.services import cases as case_service
from imsa_desktop.services import search as search_service
from imsa_desktop.ui.features.search import GlobalSearch
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.workspace_view import WorkspaceView
from tests.gui.test_evidence_support import open_workspace, session  # noqa: F401 - fixtures

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))
SAFE = "Only call after 6pm; her cousin Besnik in Luton must never learn where she lives"


@pytest.fixture
def workspace(qtbot, app, session: Session) -> WorkspaceView:  # type: ignore[no-untyped-def]
    case_service.add_case(
        session.uow(),
        {
            "survivor": {"full_name": "Elira Gashi", "nationality": "Albanian", "safe_contact_notes": SAFE},
            "notes": "Referred by Luton council after a welfare visit",
        },
    )
    return open_workspace(qtbot, session)


def _box(w: WorkspaceView) -> GlobalSearch:
    (box,) = [x for x in w.sidebar_widgets if isinstance(x, GlobalSearch)]
    return box


@pytest.mark.parametrize("query", ["Besnik", "Luton", "cousin", "6pm"])
def test_snippets_never_show_safe_contact_text(
    qtbot, workspace: WorkspaceView, session: Session, query
) -> None:  # type: ignore[no-untyped-def]
    box = _box(workspace)
    with qtbot.waitSignal(box.searched, timeout=3000):
        box.field.setText(query)
    shown = " ".join(box.hit_texts()) + " ".join(
        h.snippet + h.title for g in search_service.search_cases(session.uow(), query) for h in g.hits
    )
    for secret in ("Besnik", "cousin", "never learn", "6pm", "where she lives"):
        assert secret not in search_service.strip_marks(shown)
    if query == "Luton":
        assert "Luton council" in search_service.strip_marks(shown)  # ordinary case notes still show
        workspace.grab().save(str(SHOTS / "search_safeguarding.png"))
    if query == "Besnik":  # still found, so the advocate can reach the case
        assert [g.display_name for g in box.groups] == ["Elira Gashi"]
