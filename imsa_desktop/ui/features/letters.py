"""The "Letters" case tab: letter records with their status, the guided builder, marking sent /
answered / outcome, the exact PDF sent, and the case's printable documents (chronology and
summary, through the print preview). Registers itself on import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.letter_records import LetterOutcome, LetterRecord, LetterStatus
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import documents as doc_service
from imsa_desktop.services import letters as letter_service
from imsa_desktop.ui.case_tab import CaseTab, attempt, fetch
from imsa_desktop.ui.common import Banner, message_for, save_cancel_footer
from imsa_desktop.ui.dialogs.print_preview_dialog import PrintPreviewDialog
from imsa_desktop.ui.features._letters_builder import LetterBuilderDialog, send_letter
from imsa_desktop.ui.forms import DateField, EnumCombo
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable
from imsa_desktop.ui.widgets import Dialog, column, named_buttons

if TYPE_CHECKING:
    from imsa_desktop.domain.model import Case
    from imsa_desktop.services.ports import AbstractUnitOfWork


def _d(v: date | None) -> str:
    return format_date(v) if v else ""


def _answer(r: LetterRecord) -> str:
    if r.outcome is not None:
        return f"{r.outcome.label}, {_d(r.outcome_on)}"
    if r.response_on:
        return f"Answered {_d(r.response_on)}"
    if r.follow_up_on:
        return f"Follow up {_d(r.follow_up_on)}"
    return ""


class LetterDateDialog(Dialog):
    """Ask for a date (and, for outcomes, what the outcome was)."""

    def __init__(self, title: str, label: str, today: date, parent: QWidget, outcome: bool = False) -> None:
        super().__init__("letterDateDialog", title, parent)
        form = QFormLayout(self)
        self.outcome: EnumCombo | None = None
        if outcome:
            self.outcome = EnumCombo(LetterOutcome)
            self.outcome.setObjectName("outcomeCombo")
            form.addRow("Outcome", self.outcome)
        self.date = DateField(label.lower(), required=True)
        self.date.setObjectName("letterDate")
        self.date.set_value(today)
        form.addRow(label, self.date)
        self.note = QLineEdit()
        self.note.setObjectName("outcomeNote")
        if outcome:
            form.addRow("Note", self.note)
        self.banner = save_cancel_footer(self, form, ok=QDialogButtonBox.StandardButton.Ok)

    def value(self) -> date:
        d = self.date.value()
        assert d is not None
        return d

    def check(self) -> None:
        self.value()


class LettersTab(CaseTab):
    title = "Letters"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = column(
            self,
            "Reconsideration requests for negative Reasonable or Conclusive Grounds decisions. "
            "A sent letter keeps the exact PDF that went out.",
        )
        self.table: RecordTable[LetterRecord] = RecordTable(
            [
                Column("Letter", lambda r: r.title),
                Column("Status", lambda r: r.status.label + (" (late)" if r.late else "")),
                Column("Sent", lambda r: _d(r.sent_on)),
                Column("Answer / outcome", _answer),
                Column("Guidance", lambda r: r.guidance_version[-40:] + f" / template {r.template_version}"),
            ],
            "lettersTable",
            stretch=[0],
            alternating=False,
        )
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.open_selected)
        lay.addWidget(self.table, 1)

        self.banner = Banner()
        lay.addWidget(self.banner)
        # Two rows so the tab stays narrow: the letter itself, then what happened to it.
        row = QHBoxLayout()
        self.new_button, self.open_button, self.pdf_button, self.delete_button = named_buttons(
            row,
            ("New reconsideration request…", "newLetterButton", self.new_letter),
            ("Open…", "openLetterButton", self.open_selected),
            ("View / print PDF…", "viewPdfButton", self.view_pdf),
            ("Delete draft", "deleteLetterButton", self.delete_draft),
            stretch=True,
        )
        lay.addLayout(row)
        progress = QHBoxLayout()
        progress.addWidget(QLabel("Record:"))
        self.sent_button, self.response_button, self.outcome_button = named_buttons(
            progress,
            ("Mark sent…", "markSentButton", self.mark_sent),
            ("Response received…", "responseButton", self.mark_response),
            ("Record outcome…", "outcomeButton", self.record_outcome),
            stretch=True,
        )
        lay.addLayout(progress)

        docs = QGroupBox("Documents")
        drow = QHBoxLayout(docs)
        self.timeline_button, self.summary_button = named_buttons(
            drow,
            ("Print timeline…", "printTimelineButton", lambda: self.print_document(doc_service.TIMELINE)),
            ("Case summary…", "printSummaryButton", lambda: self.print_document(doc_service.SUMMARY)),
            stretch=True,
        )
        [self.org_button] = named_buttons(drow, ("Organisation…", "organisationButton", self.organisation))
        lay.addWidget(docs)

        self._eligible = False
        self._update_buttons()

    # ---- state -------------------------------------------------------------------------
    def load(self, case_id: str) -> None:
        """Read the case and its letters in a worker (``read_in_worker``), then show them."""
        super().load(case_id)
        self.banner.clear_message()

        def read(uow: AbstractUnitOfWork) -> tuple[Case, list[LetterRecord]]:
            return case_service.load_case(uow, case_id), letter_service.list_letters(uow, case_id)

        self.read_in_worker(read, self._show_letters)

    def _show_letters(self, got: tuple[Case, list[LetterRecord]]) -> None:
        case, letters = got
        self._eligible = bool(letter_service.eligible_decisions(case))
        self.new_button.setToolTip(
            "" if self._eligible else "The case needs a negative RG or CG decision with a date."
        )
        kept = self.selected()
        self.table.set_rows(letters)
        if kept is not None:  # the letter just marked sent (or answered) stays selected
            self.table.select_first(lambda r: r.id == kept.id)
        self._update_buttons()

    def clear(self) -> None:
        super().clear()
        self.table.clear_rows()
        self._eligible = False
        self._update_buttons()

    def selected(self) -> LetterRecord | None:
        return self.table.selected()

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        r = self.selected()
        has_case = self.case_id is not None
        self.new_button.setEnabled(has_case and self._eligible)
        self.open_button.setEnabled(r is not None)
        self.sent_button.setEnabled(r is not None and r.status is LetterStatus.DRAFT)
        self.response_button.setEnabled(r is not None and r.status is LetterStatus.SENT)
        self.outcome_button.setEnabled(
            r is not None and r.status in (LetterStatus.SENT, LetterStatus.RESPONSE_RECEIVED)
        )
        self.pdf_button.setEnabled(r is not None)
        self.delete_button.setEnabled(r is not None and r.status is LetterStatus.DRAFT)
        self.timeline_button.setEnabled(has_case)
        self.summary_button.setEnabled(has_case)

    def _changed(self) -> None:
        assert self.case_id is not None
        self.session.notify_case(self.case_id)
        self.load(self.case_id)

    # ---- letters -----------------------------------------------------------------------
    def new_letter(self) -> LetterBuilderDialog | None:
        return self._builder(None)

    def open_selected(self) -> None:
        r = self.selected()
        if r is None:
            return
        if r.editable:
            self._builder(r)
        else:
            self.view_pdf()

    def _builder(self, record: LetterRecord | None) -> LetterBuilderDialog | None:
        if self.case_id is None:
            return None
        dialog = LetterBuilderDialog(self.session, self.case_id, self, record=record)
        dialog.saved.connect(lambda _id: self._changed())
        dialog.sent.connect(lambda _id: self._changed())
        dialog.open()
        return dialog

    def _ask_date(
        self,
        title: str,
        label: str,
        then: Callable[[str, LetterDateDialog], None],
        outcome: bool = False,
    ) -> None:
        """Ask for a date about the selected letter, then ``then(letter id, dialog)``."""
        r = self.selected()
        if r is None:
            return
        letter_id = r.id
        dialog = LetterDateDialog(title, label, self.session.today(), self, outcome=outcome)
        dialog.accepted.connect(lambda: then(letter_id, dialog))
        dialog.open()

    def _record(self, action: Callable[[], object]) -> None:
        """Change the letter (one sentence in the banner if that fails), then show it changed."""
        if attempt(self.banner, action):
            self._changed()

    def mark_sent(self) -> None:
        def go(letter_id: str, dialog: LetterDateDialog) -> None:
            sent_on = dialog.value()
            draft = fetch(
                self.banner, lambda: letter_service.draft_for_sending(self.session.uow(), letter_id, sent_on)
            )
            if draft is None:
                return
            problems = letter_service.errors(draft, sent_on)
            if problems:
                self.banner.error(
                    f"{problems[0].section.capitalize()}: {problems[0].message} Open the letter to fix it."
                )
                return

            def sent() -> None:
                self._changed()
                self.banner.info("Marked as sent; the exact PDF is kept and a follow-up is on the timeline.")

            send_letter(self, self.session, letter_id, draft, sent_on, sent, self._failed)

        self._ask_date("Mark letter sent", "Date sent", go)

    def _failed(self, exc: BaseException) -> None:
        self.banner.error(message_for(exc))

    def mark_response(self) -> None:
        def go(letter_id: str, dialog: LetterDateDialog) -> None:
            self._record(
                lambda: letter_service.mark_response(
                    self.session.uow(),
                    letter_id,
                    received_on=dialog.value(),
                    today=self.session.today(),
                    clock=self.session.clock,
                )
            )

        self._ask_date("Response received", "Date received", go)

    def record_outcome(self) -> None:
        def go(letter_id: str, dialog: LetterDateDialog) -> None:
            assert dialog.outcome is not None
            outcome = dialog.outcome.value()
            self._record(
                lambda: letter_service.record_outcome(
                    self.session.uow(),
                    letter_id,
                    outcome,
                    on=dialog.value(),
                    today=self.session.today(),
                    note=dialog.note.text(),
                    clock=self.session.clock,
                )
            )

        self._ask_date("Record outcome", "Date of the outcome", go, outcome=True)

    def delete_draft(self) -> None:
        r = self.selected()
        if r is not None:
            self._record(lambda: letter_service.delete_draft(self.session.uow(), r.id))

    def view_pdf(self) -> PrintPreviewDialog | None:
        """The exact PDF sent, or (for a draft) the draft as it would print now."""
        r = self.selected()
        if r is None or self.case_id is None:
            return None
        case_id = self.case_id
        uow = self.session.uow

        def prepare() -> tuple[str, Callable[[bool], bytes]]:
            if r.editable:
                from imsa_desktop.services import organisation as org_service

                draft = r.to_draft()
                draft.organisation.logo_png = org_service.get_logo(uow())
                return "Draft letter (not sent)", lambda _pseudo: letter_service.render(draft, strict=False)
            pdf = letter_service.sent_pdf(uow(), r.id)
            return f"Letter sent on {_d(r.sent_on)} (exact copy)", lambda _pseudo: pdf

        prepared = fetch(self.banner, prepare)
        if prepared is None:
            return None
        title, render = prepared

        def audit(action: str, pseudo: bool) -> None:
            doc_service.record_output(uow(), case_id, action, doc_service.LETTER, pseudonymous=pseudo)

        dialog = PrintPreviewDialog(
            title,
            render,
            self,
            pseudonymous_option=False,
            on_output=audit,
            file_name="reconsideration-request.pdf",
        )
        dialog.open()
        return dialog

    # ---- documents ---------------------------------------------------------------------
    def print_document(self, what: str) -> PrintPreviewDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        uow = self.session.uow
        data = fetch(self.banner, lambda: doc_service.gather(uow(), case_id, self.session.today()))
        if data is None:
            return None
        if what == doc_service.TIMELINE:
            title, name = "Case chronology", "chronology.pdf"

            def render(pseudo: bool) -> bytes:
                return doc_service.render_timeline_pdf(data, pseudonymous=pseudo)
        else:
            title, name = "Case summary", "case-summary.pdf"

            def render(pseudo: bool) -> bytes:
                return doc_service.render_summary_pdf(data, pseudonymous=pseudo)

        def audit(action: str, pseudo: bool) -> None:
            doc_service.record_output(uow(), case_id, action, what, pseudonymous=pseudo)

        dialog = PrintPreviewDialog(
            title, render, self, on_output=audit, file_name=f"{data.case.code}-{name}"
        )
        dialog.open()
        return dialog

    def organisation(self) -> QDialog | None:
        from imsa_desktop.ui.dialogs.organisation_dialog import OrganisationDialog

        dialog = OrganisationDialog(self.session, self)
        dialog.open()
        return dialog
