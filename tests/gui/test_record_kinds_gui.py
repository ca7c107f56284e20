"""The record itself: timeline event kinds an advocate uses, with labels; exploitation types on the
profile as labelled chips (not machine words)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imsa_desktop.domain.model import EventKind
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import timeline as timeline_service
from imsa_desktop.ui.features.timeline import EventDialog
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import ProfileTab

SHOTS = Path(os.environ.get("IMSA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="imsa-shots-"))


@pytest.fixture
def session(vault, vault_path, clock, app):  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock)
    s.attach(vault)
    return s


def test_event_kinds_offer_the_story_of_a_case_in_words(app, qtbot) -> None:
    dialog = EventDialog("case-1", None, [])
    qtbot.addWidget(dialog)
    labels = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    for expected in (
        "Recruitment",
        "Journey",
        "Arrival in the UK",
        "Exploitation",
        "Exit from exploitation",
        "NRM referral",
        "Decision",
        "Police contact",
        "Medical",
        "Legal",
        "Accommodation",
        "Lost contact",
        "Re-referral",
    ):
        assert expected in labels
    assert not any("_" in label for label in labels)
    dialog.date.setText("2023-summer")
    dialog.title_edit.setText("Crossed from Calais in a lorry")
    dialog.kind.set_value(EventKind.JOURNEY)
    assert dialog.value().kind is EventKind.JOURNEY


def test_exploitation_types_are_labelled_chips_and_saved(session, qtbot) -> None:
    cid = case_service.add_case(
        session.uow(),
        {
            "survivor": {"full_name": "Ardit Krasniqi", "nationality": "Albanian"},
            "exploitation_types": ["cannabis_cultivation"],
            "events": [{"date": "2023-06", "title": "Arrived at Dover", "kind": "arrival_uk"}],
        },
    )
    tab = ProfileTab(session)
    qtbot.addWidget(tab)
    tab.resize(900, 1300)
    tab.load(cid)
    chips = tab.exploitation
    assert chips.buttons["cannabis_cultivation"].text() == "Cannabis cultivation"
    assert chips.labels_checked() == ["Cannabis cultivation"]
    qtbot.mouseClick(chips.buttons["criminal"], Qt.MouseButton.LeftButton)
    assert tab.has_unsaved_changes()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    case = case_service.load_case(session.uow(), cid)
    assert case.exploitation_types == ["criminal", "cannabis_cultivation"]
    chronology = timeline_service.chronology(session.uow(), cid, session.today())
    (entry,) = [e for e in chronology if e.title == "Arrived at Dover"]
    assert entry.kind.label == "Arrival in the UK"
    tab.show()
    tab.grab().save(str(SHOTS / "profile_exploitation_chips.png"))
