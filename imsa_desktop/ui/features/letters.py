"""The "Letters" case tab: letter records with their status, the guided builder, marking sent /
answered / outcome, the exact PDF sent, and the case's printable documents (chronology and
summary, through the print preview). Registers itself on import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.letter_records import LetterOutcome, LetterRecord, LetterStatus
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import documents as doc_service
from imsa_desktop.services import letters as letter_service
from imsa_desktop.ui.common import Banner, hint, message_for
from imsa_desktop.ui.dialogs.print_preview_dialog import PrintPreviewDialog
from imsa_desktop.ui.features._letters_builder import LetterBuilderDialog
from imsa_desktop.ui.forms import DateField, EnumCombo
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import CaseTab


def _ro(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _d(v: date | None) -> str:
    return format_date(v) if v else ""


class LetterDateDialog(QDialog):
    """Ask for a date (and, for outcomes, what the outcome was)."""

    def __init__(self, title: str, label: str, today: date, parent: QWidget, outcome: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("letterDateDialog")
        self.setWindowTitle(title)
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
        self.banner = Banner()
        form.addRow(self.banner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> date:
        d = self.date.value()
        assert d is not None
        return d

    def _accept(self) -> None:
        try:
            self.value()
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()


class LettersTab(CaseTab):
    title = "Letters"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._letters: list[LetterRecord] = []
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint(
                "Reconsideration requests for negative Reasonable or Conclusive Grounds decisions. "
                "A sent letter keeps the exact PDF that went out."
            )
        )
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("lettersTable")
        self.table.setHorizontalHeaderLabels(["Letter", "Status", "Sent", "Answer / outcome", "Guidance"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.open_selected)
        lay.addWidget(self.table, 1)

        self.banner = Banner()
        lay.addWidget(self.banner)
        row = QHBoxLayout()
        self.new_button = QPushButton("New reconsideration request…")
        self.new_button.setObjectName("newLetterButton")
        self.open_button = QPushButton("Open…")
        self.open_button.setObjectName("openLetterButton")
        self.sent_button = QPushButton("Mark sent…")
        self.sent_button.setObjectName("markSentButton")
        self.response_button = QPushButton("Response received…")
        self.response_button.setObjectName("responseButton")
        self.outcome_button = QPushButton("Record outcome…")
        self.outcome_button.setObjectName("outcomeButton")
        self.pdf_button = QPushButton("View / print PDF…")
        self.pdf_button.setObjectName("viewPdfButton")
        self.delete_button = QPushButton("Delete draft")
        self.delete_button.setObjectName("deleteLetterButton")
        # Two rows so the tab stays narrow: the letter itself, then what happened to it.
        for b in (self.new_button, self.open_button, self.pdf_button, self.delete_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        progress = QHBoxLayout()
        progress.addWidget(QLabel("Record:"))
        for b in (self.sent_button, self.response_button, self.outcome_button):
            progress.addWidget(b)
        progress.addStretch(1)
        lay.addLayout(progress)

        docs = QGroupBox("Documents")
        drow = QHBoxLayout(docs)
        self.timeline_button = QPushButton("Print timeline…")
        self.timeline_button.setObjectName("printTimelineButton")
        self.summary_button = QPushButton("Case summary…")
        self.summary_button.setObjectName("printSummaryButton")
        self.org_button = QPushButton("Organisation…")
        self.org_button.setObjectName("organisationButton")
        for b in (self.timeline_button, self.summary_button):
            drow.addWidget(b)
        drow.addStretch(1)
        drow.addWidget(self.org_button)
        lay.addWidget(docs)

        self.new_button.clicked.connect(self.new_letter)
        self.open_button.clicked.connect(self.open_selected)
        self.sent_button.clicked.connect(self.mark_sent)
        self.response_button.clicked.connect(self.mark_response)
        self.outcome_button.clicked.connect(self.record_outcome)
        self.pdf_button.clicked.connect(self.view_pdf)
        self.delete_button.clicked.connect(self.delete_draft)
        self.timeline_button.clicked.connect(lambda: self.print_document(doc_service.TIMELINE))
        self.summary_button.clicked.connect(lambda: self.print_document(doc_service.SUMMARY))
        self.org_button.clicked.connect(self.organisation)
        self._eligible = False
        self._update_buttons()

    # ---- state -------------------------------------------------------------------------
    def load(self, case_id: str) -> None:
        super().load(case_id)
        self.banner.clear_message()
        try:
            case = case_service.load_case(self.session.uow(), case_id)
            self._letters = letter_service.list_letters(self.session.uow(), case_id)
        except Exception as e:
            self.banner.error(message_for(e))
            return
        self._eligible = bool(letter_service.eligible_decisions(case))
        self.new_button.setToolTip(
            "" if self._eligible else "The case needs a negative RG or CG decision with a date."
        )
        self.table.setRowCount(len(self._letters))
        for i, r in enumerate(self._letters):
            self.table.setItem(i, 0, _ro(r.title))
            self.table.setItem(i, 1, _ro(r.status.label + (" (late)" if r.late else "")))
            self.table.setItem(i, 2, _ro(_d(r.sent_on)))
            answer = ""
            if r.outcome is not None:
                answer = f"{r.outcome.label}, {_d(r.outcome_on)}"
            elif r.response_on:
                answer = f"Answered {_d(r.response_on)}"
            elif r.follow_up_on:
                answer = f"Follow up {_d(r.follow_up_on)}"
            self.table.setItem(i, 3, _ro(answer))
            self.table.setItem(i, 4, _ro(r.guidance_version[-40:] + (f" / template {r.template_version}")))
        self._update_buttons()

    def clear(self) -> None:
        super().clear()
        self._letters = []
        self.table.setRowCount(0)
        self._eligible = False
        self._update_buttons()

    def selected(self) -> LetterRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self._letters[rows[0].row()] if rows else None

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
        self, title: str, label: str, then: Callable[[LetterDateDialog], None], outcome: bool = False
    ) -> None:
        dialog = LetterDateDialog(title, label, self.session.today(), self, outcome=outcome)
        dialog.accepted.connect(lambda: then(dialog))
        dialog.open()

    def mark_sent(self) -> None:
        r = self.selected()
        if r is None:
            return
        letter_id = r.id

        def go(dialog: LetterDateDialog) -> None:
            sent_on = dialog.value()
            try:
                draft = letter_service.draft_for_sending(self.session.uow(), letter_id, sent_on)
            except Exception as e:
                self.banner.error(message_for(e))
                return
            problems = letter_service.errors(draft, sent_on)
            if problems:
                self.banner.error(
                    f"{problems[0].section.capitalize()}: {problems[0].message} Open the letter to fix it."
                )
                return

            def done(pdf: bytes) -> None:
                try:
                    letter_service.mark_sent(
                        self.session.uow(),
                        letter_id,
                        sent_on=sent_on,
                        today=self.session.today(),
                        pdf=pdf,
                        clock=self.session.clock,
                    )
                except Exception as e:
                    self.banner.error(message_for(e))
                    return
                self._changed()
                self.banner.info("Marked as sent; the exact PDF is kept and a follow-up is on the timeline.")

            from imsa_desktop.ui.workers import run_task

            run_task(
                self,
                lambda: letter_service.render(draft, strict=True, today=sent_on),
                done,
                lambda e: self.banner.error(message_for(e)),
            )

        self._ask_date("Mark letter sent", "Date sent", go)

    def mark_response(self) -> None:
        r = self.selected()
        if r is None:
            return
        letter_id = r.id

        def go(dialog: LetterDateDialog) -> None:
            try:
                letter_service.mark_response(
                    self.session.uow(),
                    letter_id,
                    received_on=dialog.value(),
                    today=self.session.today(),
                    clock=self.session.clock,
                )
            except Exception as e:
                self.banner.error(message_for(e))
                return
            self._changed()

        self._ask_date("Response received", "Date received", go)

    def record_outcome(self) -> None:
        r = self.selected()
        if r is None:
            return
        letter_id = r.id

        def go(dialog: LetterDateDialog) -> None:
            assert dialog.outcome is not None
            try:
                letter_service.record_outcome(
                    self.session.uow(),
                    letter_id,
                    dialog.outcome.value(),
                    on=dialog.value(),
                    today=self.session.today(),
                    note=dialog.note.text(),
                    clock=self.session.clock,
                )
            except Exception as e:
                self.banner.error(message_for(e))
                return
            self._changed()

        self._ask_date("Record outcome", "Date of the outcome", go, outcome=True)

    def delete_draft(self) -> None:
        r = self.selected()
        if r is None:
            return
        try:
            letter_service.delete_draft(self.session.uow(), r.id)
        except Exception as e:
            self.banner.error(message_for(e))
            return
        self._changed()

    def view_pdf(self) -> PrintPreviewDialog | None:
        """The exact PDF sent, or (for a draft) the draft as it would print now."""
        r = self.selected()
        if r is None or self.case_id is None:
            return None
        case_id = self.case_id
        uow = self.session.uow
        try:
            if r.editable:
                draft = r.to_draft()
                from imsa_desktop.services import organisation as org_service

                draft.organisation.logo_png = org_service.get_logo(uow())

                def render(_pseudo: bool) -> bytes:
                    return letter_service.render(draft, strict=False)

                title = "Draft letter (not sent)"
            else:
                pdf = letter_service.sent_pdf(uow(), r.id)

                def render(_pseudo: bool) -> bytes:
                    return pdf

                title = f"Letter sent on {_d(r.sent_on)} (exact copy)"
        except Exception as e:
            self.banner.error(message_for(e))
            return None

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
        try:
            data = doc_service.gather(uow(), case_id, self.session.today())
        except Exception as e:
            self.banner.error(message_for(e))
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
