"""UK GDPR from the case workspace: the retention review on the Today page, a subject-access
export to a chosen folder, and erasing a case (only after typing its code)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from imsa_desktop.services import cases as case_service
from tests.conftest import PASSPHRASE


def _window(make_window, vault, vault_path: Path):  # type: ignore[no-untyped-def]
    closed = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Ștefan Popescu"},
            "status": "closed",
            "status_reason": "Returned home safely; support ended",
            "closed_on": "2018-03-01",
        },
    )
    open_ = case_service.add_case(
        vault.unit_of_work(),
        {"survivor": {"full_name": "Олена Коваленко"}, "notes": "Prefers calls after 6pm"},
    )
    vault.close()
    window = make_window(vault_path)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    assert window.session.is_open
    return window, closed, open_


def test_a_closed_case_past_retention_is_listed_for_review(make_window, vault, vault_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    window, closed, _ = _window(make_window, vault, vault_path)
    dash = window.workspace.home
    qtbot.waitUntil(lambda: dash.review.rowCount() == 1)
    assert dash.review.item(0, 1).text() == "Ștefan Popescu"
    assert dash.review.item(0, 4).text() == "Returned home safely; support ended"
    assert "due for a retention review" in dash.summary.text()
    with qtbot.waitSignal(dash.open_case) as opened:
        dash.review.cellClicked.emit(0, 1)
    assert opened.args == [closed]


def test_subject_access_export_then_erase(
    make_window, vault, vault_path, qtbot, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window, _, case_id = _window(make_window, vault, vault_path)
    ws = window.workspace
    ws.open_case(case_id, 0)
    profile = ws.case_view.tab_list[0]

    out = tmp_path / "sar"
    out.mkdir()
    profile.export_subject_access_to(out)
    assert profile.banner.text().startswith("Saved ")
    files = sorted(p.suffix for p in out.iterdir())
    assert files == [".json", ".pdf", ".pdf"]
    doc = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert "Олена Коваленко" in json.dumps(doc, ensure_ascii=False)

    # A wrong code erases nothing.
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("XXX-XXX", True)))
    profile.erase()
    assert "did not match" in profile.banner.text()
    assert ws.model.row_of(case_id) >= 0

    code = profile._case.code
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (code.lower(), True)))
    profile.erase()
    assert ws.model.row_of(case_id) == -1
    assert ws.stack.currentWidget() is ws.home
    assert ws.case_view.case_id is None
    assert case_service.list_cases(window.session.uow(), text="Коваленко") == []
