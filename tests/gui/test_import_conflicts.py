"""Bundle import conflicts: one screen lists every conflicting record side by side, with keep mine /
take theirs / keep both per record and for all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault
from imsa_desktop.ui.features import bundles as feature
from imsa_desktop.ui.session import Session
from tests.conftest import PASSPHRASE

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))
PHRASE = "lantern meadow quartz seventeen harbour"


@pytest.fixture
def conflicted(vault, vault_path, clock, tmp_path, app):  # type: ignore[no-untyped-def]
    """Two vaults that both changed two events and the case notes since they last agreed."""
    session = Session(vault_path, clock=clock)
    session.attach(vault)
    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Trần Văn Nam"},
            "consents": [{"purpose": "share_advocate", "date": "2025-01-10", "scope": ["case"]}],
            "notes": "First meeting at the hostel",
            "events": [
                {"date": "2024-06-01", "title": "Recruited with a false job offer", "kind": "recruitment"},
                {"date": "2024-07", "title": "Journey through France", "kind": "journey"},
            ],
        },
        clock=clock,
    )
    other, _ = Vault.create(
        tmp_path / "o" / "o.imsa", PASSPHRASE, "Paweł Wiśniewski", TEST_PARAMS, clock=clock
    )
    first = tmp_path / "first.imsabundle"
    bundle_service.export_cases(session.uow(), [cid], first, passphrase=PHRASE, clock=clock)
    bundle_service.import_bundle(other.unit_of_work(), first, passphrase=PHRASE, clock=clock)
    ev = {e["title"]: e["id"] for e in case_service.show_case(session.uow(), cid, audit=False)["events"]}
    mine = {"notes": "Moved to Leeds", "events": [
        {"id": ev["Recruited with a false job offer"], "title": "Recruited online by a 'friend'"},
        {"id": ev["Journey through France"], "date": "2024-08"},
    ]}  # fmt: skip
    theirs = {"notes": "Moved to Bradford", "events": [
        {"id": ev["Recruited with a false job offer"], "title": "Recruited by a cousin in Hà Tĩnh"},
        {"id": ev["Journey through France"], "date": "2024-09"},
    ]}  # fmt: skip
    clock.advance(minutes=5)
    case_service.update_case(session.uow(), cid, mine, clock=clock)
    case_service.update_case(other.unit_of_work(), cid, theirs, clock=clock)
    back = tmp_path / "back.imsabundle"
    bundle_service.export_cases(other.unit_of_work(), [cid], back, passphrase=PHRASE, clock=clock)
    yield session, cid, back
    other.close()


def _dialog(session, back, qtbot):  # type: ignore[no-untyped-def]
    dialog = feature.ImportPreviewDialog(session, back, PHRASE)
    qtbot.addWidget(dialog)
    dialog.start()
    assert dialog.report is not None
    return dialog


def test_every_conflict_side_by_side_and_keep_both_for_all(conflicted, qtbot) -> None:
    session, cid, back = conflicted
    dialog = _dialog(session, back, qtbot)
    table = dialog.conflicts
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert set(rows) == {
        "Case details",
        "Event: Recruited online by a 'friend'",
        "Event: Journey through France",
    }
    r = rows["Event: Recruited online by a 'friend'"]
    assert table.item(r, 1).text() == "Title: Recruited online by a 'friend'"
    assert table.item(r, 2).text() == "Title: Recruited by a cousin in Hà Tĩnh"
    r = rows["Case details"]
    assert "Notes: Moved to Leeds" in table.item(r, 1).text()
    assert "Notes: Moved to Bradford" in table.item(r, 2).text()
    case_combo = dialog.choices[f"case:{cid}"]
    assert [case_combo.itemText(i) for i in range(case_combo.count())] == ["Keep mine", "Take theirs"]
    dialog.show()
    dialog.grab().save(str(SHOTS / "import_conflicts.png"))

    dialog.all_buttons["both"].click()
    assert {k: c.currentData() for k, c in dialog.choices.items()} == {
        k: ("mine" if k.startswith("case:") else "both") for k in dialog.choices
    }
    dialog.apply()
    assert dialog.result is not None
    doc = case_service.show_case(session.uow(), cid, audit=False)
    titles = sorted(e["title"] for e in doc["events"])
    assert titles == [
        "Journey through France",
        "Journey through France",
        "Recruited by a cousin in Hà Tĩnh",
        "Recruited online by a 'friend'",
    ]
    assert sorted(e["date"] for e in doc["events"] if e["title"] == "Journey through France") == [
        "2024-08",
        "2024-09",
    ]
    assert doc["notes"] == "Moved to Leeds"


def test_take_theirs_for_all_then_keep_mine_for_one(conflicted, qtbot) -> None:
    session, cid, back = conflicted
    dialog = _dialog(session, back, qtbot)
    dialog.all_buttons["theirs"].click()
    assert {c.currentData() for c in dialog.choices.values()} == {"theirs"}
    key = next(c.key for c in dialog.report.conflicts if c.label == "Event: Journey through France")
    dialog.set_choice(key, "mine")
    dialog.apply()
    doc = case_service.show_case(session.uow(), cid, audit=False)
    assert doc["notes"] == "Moved to Bradford"
    assert sorted((e["title"], e["date"]) for e in doc["events"]) == [
        ("Journey through France", "2024-08"),
        ("Recruited by a cousin in Hà Tĩnh", "2024-06-01"),
    ]
