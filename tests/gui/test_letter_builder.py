"""The Letters tab and the guided builder, walked end to end on a real vault."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from imsa_desktop.domain.letter_records import LetterOutcome, LetterStatus
from imsa_desktop.domain.model import EventKind, RemovalBar
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import letters as letter_service
from imsa_desktop.ui.features._letters_builder import CONSENT, EXCEPTIONAL, PREVIEW, TEXT, LetterBuilderDialog
from imsa_desktop.ui.features.letters import LetterDateDialog, LettersTab
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import EXTRA_TABS
from tests.helpers import letter_case_doc

CASE_DOC = letter_case_doc(
    rg_reasons=("There is no objective evidence of control.", "The account is inconsistent.")
)


def make_session(vault, vault_path: Path, clock, today: date) -> Session:  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock, today=lambda: today)
    s.attach(vault)
    return s


@pytest.fixture
def case_id(vault, clock) -> str:  # type: ignore[no-untyped-def]
    return case_service.add_case(vault.unit_of_work(), CASE_DOC, clock=clock, today=date(2025, 2, 1))


def open_tab(qtbot, session: Session, case_id: str) -> LettersTab:  # type: ignore[no-untyped-def]
    tab = LettersTab(session)
    qtbot.addWidget(tab)
    tab.resize(1100, 700)
    tab.show()
    tab.load(case_id)
    return tab


def check(lst: QListWidget, *labels: str) -> None:
    """Tick the items starting with ``labels``, in the order given."""
    for label in labels:
        for i in range(lst.count()):
            if lst.item(i).text().startswith(label):
                lst.item(i).setCheckState(Qt.CheckState.Checked)


def walk_to_text(builder: LetterBuilderDialog, *, late: bool) -> None:
    check(builder.ground_list, "Additional evidence", "A higher standard")
    builder.next()  # -> enclosures
    check(builder.evidence_list, "Police crime", "GP letter")  # ticked in this order
    assert builder.enclosure_label.text().splitlines() == [
        "Enclosure 1: Police crime reference letter",
        "Enclosure 2: GP letter on injuries",
    ]
    # say what each enclosure shows
    for title, shows in (
        ("GP letter", "Injuries consistent with her account"),
        ("Police", "The crime reference"),
    ):
        row = next(
            i
            for i in range(builder.evidence_list.count())
            if builder.evidence_list.item(i).text().startswith(title)
        )
        builder.evidence_list.setCurrentRow(row)
        builder.note_shows.setText(shows)
        builder.note_shows.textEdited.emit(shows)
    # additional evidence answers reason 1; the guidance ground answers reason 1 with a fact
    builder.cite_ground.setCurrentIndex(0)
    check(builder.reason_list, "1.")
    builder.cite_ground.setCurrentIndex(1)
    check(builder.reason_list, "1.")
    check(builder.fact_list, "14 October 2024")
    builder.next()
    if late:
        assert builder.step == EXCEPTIONAL
        builder.next()
        assert builder.step == EXCEPTIONAL, "a late request cannot go on without the section"
        assert "late" in builder.banner.text()
        builder.late_reason.setPlainText("The GP letter arrived only after the deadline.")
        builder.materiality.setPlainText("It records injuries consistent with her account.")
        builder.why_not_earlier.setPlainText("The surgery took five weeks to answer.")
        builder.next()
    assert builder.step == CONSENT
    assert builder.consent_date.text() == "2025-01-27"
    builder.next()
    assert builder.step == TEXT


def test_registered_as_case_tab(app) -> None:  # type: ignore[no-untyped-def]
    # Registration is explicit: one entry in ui/plugins.FEATURES, put into the case view's
    # tabs when the app loads the features (the `app` fixture loads them as the app does).
    from imsa_desktop.ui import plugins
    from imsa_desktop.ui.features import letters

    assert [f.tab for f in plugins.FEATURES if f.module == letters.__name__] == ["LettersTab"]
    assert LettersTab in EXTRA_TABS


def test_builder_at_1280x800_keeps_the_editors_visible_and_enter_goes_forward(
    qtbot, vault, vault_path, clock, case_id, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    builder = LetterBuilderDialog(session, case_id)
    qtbot.addWidget(builder)
    builder.resize(1280, 800)
    builder.show()
    assert builder.next_button.isDefault()
    assert "1. There is no objective evidence of control." in builder.reasons_label.text()
    builder.next()
    walk_to_text(builder, late=False)
    assert builder.next_button.isDefault()
    area = builder.text_area
    assert area.isVisible() and area.height() >= 300, area.height()
    builder.grab().save(
        str(tmp_path / "letter-builder-text.png")  # docs/screenshots/letter-builder-text.png is a copy
    )
    builder.next()
    assert builder.step == PREVIEW and builder.save_button.isDefault()


def test_builder_end_to_end_in_time(qtbot, vault, vault_path, clock, case_id) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    tab = open_tab(qtbot, session, case_id)
    assert tab.new_button.isEnabled()
    builder = tab.new_letter()
    assert builder is not None and builder.isVisible()
    assert builder.deadline_banner.text().startswith("In time: 18 days left (deadline 19 February 2025)")
    builder.next()
    walk_to_text(builder, late=False)

    # the draft is filled from the case and every section is editable
    grounds = builder.draft.grounds
    assert [g.enclosure_numbers for g in grounds] == [[1, 2], []]
    assert [g.answers for g in grounds] == [[1], [1]]
    assert grounds[1].fact_refs == ["14 October 2024: Found by police during a raid"]
    assert builder.draft.enclosures[1].shows == "Injuries consistent with her account"
    builder.section_edits["framework"].setPlainText(
        builder.draft.framework + " The Competent Authority is asked to read it with the enclosures."
    )
    assert builder.draft.framework.endswith("read it with the enclosures.")

    # an emptied ground is an error listed with its section, and blocks sending
    builder.section_edits["ground_1"].setPlainText("")
    errors = [builder.problem_list.item(i).text() for i in range(builder.problem_list.count())]
    assert any(t.startswith("Error — ground 1:") for t in errors)
    builder.next()
    assert builder.step == PREVIEW
    assert builder.pdf_doc.pageCount() >= 2
    assert not builder.send_button.isEnabled()
    builder.back()
    builder.section_edits["ground_1"].setPlainText(
        "New medical evidence (Enclosure 1 and Enclosure 2) shows her injuries."
    )
    builder.next()
    assert builder.send_button.isEnabled()

    builder.sent_date.set_value(date(2025, 2, 1))
    builder.send_button.click()
    assert not builder.isVisible()

    [rec] = letter_service.list_letters(session.uow(), case_id)
    assert rec.status is LetterStatus.SENT and rec.sent_on == date(2025, 2, 1)
    assert "(version " in rec.guidance_version  # from the deadline rules, never a constant
    pdf = letter_service.sent_pdf(session.uow(), rec.id)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Nguyễn Thị Hồng" in text and "read it with the enclosures" in text
    assert "DRAFT" not in text  # the sent letter is not watermarked
    assert "Police crime reference letter" in text
    with session.uow() as uow:
        kinds = {e.kind for e in uow.events.for_case(case_id)}
    assert EventKind.LETTER in kinds and EventKind.DEADLINE in kinds
    assert tab.table.rowCount() == 1 and tab.table.text(0, 1) == "Sent"

    # response and outcome from the tab
    tab.select_row(0)
    assert tab.response_button.isEnabled() and not tab.sent_button.isEnabled()
    tab.mark_response()
    dialog = tab.findChild(LetterDateDialog)
    dialog.date.set_value(date(2025, 2, 1))
    dialog._accept()
    assert letter_service.get_letter(session.uow(), rec.id).status is LetterStatus.RESPONSE_RECEIVED
    dialog.deleteLater()
    tab.select_row(0)
    tab.record_outcome()
    dialog = [d for d in tab.findChildren(LetterDateDialog) if d.outcome is not None][0]
    dialog.outcome.set_value(LetterOutcome.OVERTURNED)
    dialog._accept()
    assert letter_service.get_letter(session.uow(), rec.id).outcome is LetterOutcome.OVERTURNED
    assert "Decision overturned" in tab.table.text(0, 3)


def test_late_request_needs_exceptional_section_and_saves_draft(
    qtbot, vault, vault_path, clock, case_id
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 3, 3))
    tab = open_tab(qtbot, session, case_id)
    builder = tab.new_letter()
    assert builder is not None
    assert builder.deadline_banner.text().startswith("Late: the deadline was 19 February 2025 (12 days ago)")
    builder.next()
    walk_to_text(builder, late=True)
    assert builder.draft.late and "five weeks" in builder.draft.exceptional.why_not_earlier
    builder.save_button.click()
    [rec] = letter_service.list_letters(session.uow(), case_id)
    assert rec.status is LetterStatus.DRAFT and rec.late

    # reopening the draft restores the choices and the edited text
    builder.close()
    tab.select_row(0)
    again = LetterBuilderDialog(session, case_id, tab, record=rec)
    qtbot.addWidget(again)
    assert again.step == TEXT
    assert again.draft.exceptional.reason_for_delay.startswith("The GP letter arrived")
    assert [g.key for g in again.draft.grounds] == ["new_evidence", "wrong_threshold"]
    assert again.draft.mode == "late" and again.mode == "late"


def test_no_negative_decision_means_no_new_letter(qtbot, vault, vault_path, clock) -> None:  # type: ignore[no-untyped-def]
    cid = case_service.add_case(
        vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}}, clock=clock, today=date(2025, 2, 1)
    )
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    tab = open_tab(qtbot, session, cid)
    assert not tab.new_button.isEnabled()
    assert tab.timeline_button.isEnabled()


def test_file_note_is_separate_and_a_barred_decision_gets_only_the_note(
    qtbot, vault, vault_path, clock, case_id
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    builder = LetterBuilderDialog(session, case_id)
    qtbot.addWidget(builder)
    note = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(builder.file_note_pdf())).pages)
    note = " ".join(note.split())
    assert "Civil Procedure Rules r54.5(1)" in note and "not sent to the Single Competent Authority" in note

    with session.uow() as uow:
        case = uow.cases.get(case_id)
        case.decisions[0].removal_bar = RemovalBar.YES
        uow.cases.save(case)
        uow.commit()
    barred = LetterBuilderDialog(session, case_id)
    qtbot.addWidget(barred)
    assert barred.ctx is None and "judicial review is the route" in barred.deadline_banner.text()
    assert not barred.next_button.isEnabled()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(barred.file_note_pdf())).pages)
    assert "no reconsideration request can be made" in " ".join(text.split())
