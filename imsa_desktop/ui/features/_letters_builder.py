"""The guided reconsideration-letter builder: a stepped dialog.

Decision, deadline and request type (full, holding, late) -> grounds -> enclosures (what each
shows, whether it was before the decision maker), citations and the decision's reasons each
ground answers -> holding request or exceptional circumstances (only for those types;
required) -> capacity and consent -> the full text, editable section by section -> preview
(rendered PDF pages, watermarked DRAFT). "Save draft" keeps it as a letter record; "Save and mark sent"
is disabled while ``letters.validate`` reports an error, each listed with its section.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain import letters
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.letter_records import LetterRecord
from imsa_desktop.errors import LetterRefused
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import letters as letter_service
from imsa_desktop.ui.case_tab import attempt, fetch
from imsa_desktop.ui.common import Banner, heading, hint, message_for
from imsa_desktop.ui.forms import DateField
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.widgets import add_check_item, checked_data, named_buttons, pdf_viewer
from imsa_desktop.ui.workers import run_task

STEPS = (
    "Decision and deadline",
    "Grounds",
    "Enclosures",
    "Holding or late request",
    "Capacity and consent",
    "Letter text",
    "Preview and send",
)
DECISION, GROUNDS, ENCLOSURES, EXCEPTIONAL, CONSENT, TEXT, PREVIEW = range(7)
STEP_HINTS = {  # the words under each step's heading
    "Decision and deadline": "Choose the negative Reasonable or Conclusive Grounds decision to challenge.",
    "Grounds": "Tick the grounds that apply. Each relies on a paragraph of the guidance.",
    "Enclosures": "Tick the evidence to enclose: it is numbered in the order you tick it. Then say what "
    "each ground cites (enclosures or facts from the chronology).",
    "Holding or late request": "A late request is considered only if you explain all three points; a "
    "holding request says why the evidence cannot come now, what is awaited and by when.",
    "Capacity and consent": "The letter says in what capacity you write and when the survivor consented.",
    "Letter text": "Every section is yours to edit. Going back and changing grounds or enclosures "
    "drafts the text again.",
}


def _text_edit(name: str, text: str = "", height: int = 70) -> QPlainTextEdit:
    e = QPlainTextEdit(text)
    e.setObjectName(name)
    e.setMinimumHeight(height)
    return e


class LetterBuilderDialog(QDialog):
    """``LetterBuilderDialog(session, case_id, parent, record=None)``; ``saved(letter_id)`` and
    ``sent(letter_id)`` are emitted after the vault was changed."""

    saved = Signal(str)
    sent = Signal(str)

    def __init__(
        self,
        session: Session,
        case_id: str,
        parent: QWidget | None = None,
        record: LetterRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("letterBuilder")
        self.setWindowTitle("Reconsideration request")
        self.resize(1000, 760)
        self.session = session
        self.case_id = case_id
        self.letter_id: str | None = record.id if record else None
        self.today: date = session.today()
        self.ctx: letter_service.LetterContext | None = None
        self.draft: letters.LetterDraft | None = None
        self._built_for: letter_service.LetterChoices | None = None
        self._enclosed: list[str] = []  # evidence ids in the order chosen
        self._ground_enclosures: dict[str, list[str]] = {}
        self._ground_facts: dict[str, list[str]] = {}
        self._ground_reasons: dict[str, list[int]] = {}
        self._notes: dict[str, letters.EnclosureNote] = {}
        self._note_for: str | None = None
        self._filling = False
        self._buffer: QBuffer | None = None

        outer = QVBoxLayout(self)
        split = QSplitter()
        self.step_list = QListWidget()
        self.step_list.setObjectName("builderSteps")
        self.step_list.setMaximumWidth(220)
        self.step_list.addItems([f"{i + 1}. {s}" for i, s in enumerate(STEPS)])
        self.step_list.setEnabled(False)
        split.addWidget(self.step_list)
        self.stack = QStackedWidget()
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        outer.addWidget(split, 1)
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problemList")
        self.problem_list.setMaximumHeight(110)
        self.problem_list.hide()
        outer.addWidget(self.problem_list)

        row = QHBoxLayout()
        self.back_button, self.note_button = named_buttons(
            row,
            ("Back", "backButton", self.back),
            ("File note…", "fileNoteButton", self.file_note),
            stretch=True,
        )
        self.note_button.setToolTip(
            "The note for the survivor's file: judicial-review time limits and legal referral. "
            "Never sent to the authority."
        )
        self.next_button, self.save_button, self.send_button, _close = named_buttons(
            row,
            ("Next", "nextButton", self.next),
            ("Save draft", "saveDraftButton", self.save_draft),
            ("Save and mark sent", "sendButton", self.save_and_send),
            ("Close", "", self.reject),
        )
        outer.addLayout(row)

        pages = (
            self._page_decision,
            self._page_grounds,
            self._page_enclosures,
            self._page_exceptional,
            self._page_consent,
            self._page_text,
            self._page_preview,
        )
        for title, fill in zip(STEPS, pages, strict=True):
            page = QWidget()
            lay = QVBoxLayout(page)
            lay.addWidget(heading(title, 15))
            if STEP_HINTS.get(title):
                lay.addWidget(hint(STEP_HINTS[title]))
            fill(lay)
            self.stack.addWidget(page)

        self._load_decisions(record)
        if record is not None:
            self._restore(record)
        self._show(TEXT if record is not None and self.draft is not None else DECISION)

    # ---- pages -------------------------------------------------------------------------
    def _page_decision(self, lay: QVBoxLayout) -> None:
        self.decision_combo = QComboBox()
        self.decision_combo.setObjectName("decisionCombo")
        self.decision_combo.currentIndexChanged.connect(self._decision_changed)
        lay.addWidget(self.decision_combo)
        self.deadline_banner = QLabel("")
        self.deadline_banner.setObjectName("deadlineBanner")
        self.deadline_banner.setWordWrap(True)
        self.deadline_banner.setContentsMargins(10, 8, 10, 8)
        lay.addWidget(self.deadline_banner)
        form = QFormLayout()
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("modeCombo")
        for label, mode in (
            ("Full request, with the evidence", "full"),
            ("Holding request: ask for more time for the evidence", "holding"),
            ("Late request: exceptional circumstances", "late"),
        ):
            self.mode_combo.addItem(label, mode)
        form.addRow("Request", self.mode_combo)
        lay.addLayout(form)
        self.reasons_label = QLabel("")
        self.reasons_label.setObjectName("decisionReasons")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.reasons_label)
        lay.addStretch(1)

    @property
    def mode(self) -> str:
        return str(self.mode_combo.currentData() or "full")

    def _page_grounds(self, lay: QVBoxLayout) -> None:
        self.ground_list = QListWidget()
        self.ground_list.setObjectName("groundList")
        self.ground_list.currentItemChanged.connect(self._ground_preview)
        lay.addWidget(self.ground_list, 1)
        self.ground_preview = QLabel("")
        self.ground_preview.setObjectName("groundPreview")
        self.ground_preview.setWordWrap(True)
        self.ground_preview.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.ground_preview)

    def _page_enclosures(self, lay: QVBoxLayout) -> None:
        self.evidence_list = QListWidget()
        self.evidence_list.setObjectName("evidenceList")
        self.evidence_list.itemChanged.connect(self._evidence_toggled)
        self.evidence_list.currentItemChanged.connect(self._note_target_changed)
        lay.addWidget(self.evidence_list, 1)
        notes = QFormLayout()
        self.note_shows = QLineEdit()
        self.note_shows.setObjectName("noteShows")
        self.note_shows.setPlaceholderText("What this document shows (printed in the enclosure list)")
        self.note_before = QCheckBox("It was before the decision maker when the decision was made")
        self.note_before.setObjectName("noteBeforeDecisionMaker")
        self.note_why = QLineEdit()
        self.note_why.setObjectName("noteWhyNotEarlier")
        self.note_why.setPlaceholderText(
            "New evidence dated before the decision: why it was not available earlier"
        )
        for wdg in (self.note_shows, self.note_why):
            wdg.textEdited.connect(self._note_edited)
        self.note_before.toggled.connect(self._note_edited)
        notes.addRow("What it shows", self.note_shows)
        notes.addRow("", self.note_before)
        notes.addRow("Why not earlier", self.note_why)
        lay.addLayout(notes)
        self.enclosure_label = QLabel("No enclosures yet.")
        self.enclosure_label.setObjectName("enclosureSummary")
        self.enclosure_label.setWordWrap(True)
        lay.addWidget(self.enclosure_label)
        form = QFormLayout()
        self.cite_ground = QComboBox()
        self.cite_ground.setObjectName("citeGround")
        self.cite_ground.currentIndexChanged.connect(self._fill_citations)
        form.addRow("Ground", self.cite_ground)
        lay.addLayout(form)
        cites = QHBoxLayout()
        self.cite_list = QListWidget()
        self.cite_list.setObjectName("citeList")
        self.cite_list.itemChanged.connect(self._citations_changed)
        self.fact_list = QListWidget()
        self.fact_list.setObjectName("factList")
        self.fact_list.itemChanged.connect(self._citations_changed)
        self.reason_list = QListWidget()
        self.reason_list.setObjectName("reasonList")
        self.reason_list.itemChanged.connect(self._citations_changed)
        for label, lst in (
            ("Reasons of the decision it answers", self.reason_list),
            ("Enclosures it cites", self.cite_list),
            ("Chronology facts it cites", self.fact_list),
        ):
            box = QVBoxLayout()
            box.addWidget(QLabel(label))
            box.addWidget(lst)
            cites.addLayout(box)
        lay.addLayout(cites, 1)

    def _page_exceptional(self, lay: QVBoxLayout) -> None:
        self.late_box = QWidget()
        form = QFormLayout(self.late_box)
        self.late_reason = _text_edit("lateReason")
        self.materiality = _text_edit("materiality")
        self.why_not_earlier = _text_edit("whyNotEarlier")
        form.addRow("Reason for the delay", self.late_reason)
        form.addRow("Why the evidence is material", self.materiality)
        form.addRow("Why it was not provided earlier", self.why_not_earlier)
        self.exceptional_list = QListWidget()
        self.exceptional_list.setObjectName("exceptionalEnclosures")
        self.exceptional_list.setMaximumHeight(90)
        form.addRow("Enclosures that show them", self.exceptional_list)
        lay.addWidget(self.late_box)
        self.holding_box = QWidget()
        hform = QFormLayout(self.holding_box)
        self.holding_reason = _text_edit("holdingReason")
        self.holding_awaited = _text_edit("holdingAwaited")
        self.holding_awaited.setPlaceholderText("One item per line")
        self.holding_by = DateField("date the evidence will follow")
        self.holding_by.setObjectName("holdingBy")
        hform.addRow("Why the evidence cannot be sent now", self.holding_reason)
        hform.addRow("Evidence awaited", self.holding_awaited)
        hform.addRow("It will follow by", self.holding_by)
        lay.addWidget(self.holding_box)
        lay.addStretch(1)

    def _page_consent(self, lay: QVBoxLayout) -> None:
        form = QFormLayout()
        self.capacity = QLineEdit(letter_service.DEFAULT_CAPACITY)
        self.capacity.setObjectName("capacityEdit")
        form.addRow("We act for the survivor as", self.capacity)
        self.consent_date = DateField("date of consent")
        self.consent_date.setObjectName("consentDate")
        form.addRow("Consent given on", self.consent_date)
        self.consent_form_label = QLabel("")
        self.consent_form_label.setObjectName("consentForm")
        self.consent_form_label.setWordWrap(True)
        form.addRow("", self.consent_form_label)
        lay.addLayout(form)
        lay.addStretch(1)

    def _page_text(self, lay: QVBoxLayout) -> None:
        self.text_area = QScrollArea()
        self.text_area.setWidgetResizable(True)
        self.text_area.setObjectName("letterText")
        lay.addWidget(self.text_area, 1)
        self.section_edits: dict[str, QPlainTextEdit] = {}

    def _page_preview(self, lay: QVBoxLayout) -> None:
        self.preview_status = QLabel("")
        self.preview_status.setObjectName("hint")
        lay.addWidget(self.preview_status)
        self.pdf_doc, self.pdf_view = pdf_viewer(self, "letterPreview", lay)
        form = QFormLayout()
        self.sent_date = DateField("date sent")
        self.sent_date.setObjectName("sentDate")
        self.sent_date.set_value(self.session.today())
        form.addRow("Date sent (for “Save and mark sent”)", self.sent_date)
        lay.addLayout(form)

    # ---- loading -----------------------------------------------------------------------
    def _load_decisions(self, record: LetterRecord | None) -> None:
        case = fetch(self.banner, lambda: case_service.load_case(self.session.uow(), self.case_id))
        if case is None:
            return
        self._filling = True
        for d in letter_service.eligible_decisions(case):
            assert d.date is not None
            label = f"Negative {d.kind.label} of {format_date(d.date)} ({d.authority.value})"
            if d.reference:
                label += f" — {d.reference}"
            self.decision_combo.addItem(label, d.id)
        if record is not None:
            self.decision_combo.setCurrentIndex(max(self.decision_combo.findData(record.decision_id), 0))
            self.decision_combo.setEnabled(False)
        self._filling = False
        self._decision_changed()

    def _decision_changed(self) -> None:
        if self._filling:
            return
        decision_id = self.decision_combo.currentData()
        if decision_id is None:
            self.deadline_banner.setText("This case has no negative RG or CG decision with a date.")
            return
        try:
            self.ctx = letter_service.load_context(
                self.session.uow(),
                self.case_id,
                decision_id,
                today=self.today,
                default_signatory=self.session.advocate_name,
            )
        except Exception as e:
            self.ctx = None
            self.deadline_banner.setText(message_for(e))
            self.banner.error(message_for(e))
            return
        ctx = self.ctx
        if ctx.deadline is None or ctx.days_left is None:
            text = "No fixed time limit applied on the date of this decision: the letter prints no date."
            kind = "info"
        elif ctx.late:
            days = -ctx.days_left
            text = (
                f"Late: the deadline was {format_date(ctx.deadline)} ({days} day{'s' if days != 1 else ''} "
                "ago). The exceptional-circumstances section is required."
            )
            kind = "error"
        else:
            text = (
                f"In time: {ctx.days_left} day{'s' if ctx.days_left != 1 else ''} left "
                f"(deadline {format_date(ctx.deadline)})."
            )
            kind = "info"
        if ctx.deadline_rule:
            text += f"\nRule: {ctx.deadline_rule}"
        if ctx.caution:
            text += f"\nCheck: {ctx.caution}"
        self.deadline_banner.setText(text)
        self.deadline_banner.setProperty("kind", kind)
        self.deadline_banner.setObjectName("deadlineBanner")
        self.deadline_banner.setStyleSheet(
            "background:#fdecea;color:#8a1c1c;border-radius:6px;"
            if ctx.late
            else "background:#e6f4f1;color:#0b5e55;border-radius:6px;"
        )
        if self.consent_date.text() == "" and ctx.consent_date:
            self.consent_date.set_value(ctx.consent_date)
        self.consent_form_label.setText(
            f"The consent record says: {ctx.consent_form} consent."
            if ctx.consent_form
            else "The consent record does not say whether consent was written or verbal."
        )
        model = self.mode_combo.model()
        for i in range(self.mode_combo.count()):
            allowed = (self.mode_combo.itemData(i) == "late") == ctx.late
            item = model.item(i)  # type: ignore[attr-defined]
            item.setEnabled(allowed)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData("late" if ctx.late else "full"))
        reasons = ctx.decision.reasons
        self.reasons_label.setText(
            "Reasons the decision gave:\n" + "\n".join(f"{i}. {r}" for i, r in enumerate(reasons, 1))
            if reasons
            else "No reasons are recorded on this decision: add them in the decision form so each "
            "ground can answer one."
        )
        self._fill_grounds()
        self._fill_evidence()
        self.draft = None

    def _fill_grounds(self) -> None:
        assert self.ctx is not None
        self.ground_list.clear()
        for key, g in self.ctx.grounds.items():
            item = add_check_item(self.ground_list, str(g["title"]), key, False)
            item.setToolTip(str(g.get("guidance_ref", "")))

    def _ground_preview(self, item: QListWidgetItem | None) -> None:
        if item is None or self.ctx is None:
            self.ground_preview.setText("")
            return
        g = self.ctx.grounds[item.data(Qt.ItemDataRole.UserRole)]
        text = " ".join(str(g.get("text", "")).split())
        self.ground_preview.setText(f"{text}\n\nRelies on: {g.get('guidance_ref', '')}")

    def _fill_evidence(self) -> None:
        assert self.ctx is not None
        self._filling = True
        self.evidence_list.clear()
        for ev in self.ctx.evidence:
            label = ev.title + (f" ({format_date(ev.date_obtained)})" if ev.date_obtained else "")
            add_check_item(self.evidence_list, label, ev.id, ev.id in self._enclosed)
        self._filling = False
        self._enclosed = [e for e in self._enclosed if e in {ev.id for ev in self.ctx.evidence}]
        self._update_enclosure_label()

    def _evidence_toggled(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        ev_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked and ev_id not in self._enclosed:
            self._enclosed.append(ev_id)
        elif item.checkState() != Qt.CheckState.Checked and ev_id in self._enclosed:
            self._enclosed.remove(ev_id)
            for ids in self._ground_enclosures.values():
                if ev_id in ids:
                    ids.remove(ev_id)
        self._update_enclosure_label()
        self._fill_citations()

    def _note_target_changed(self, item: QListWidgetItem | None) -> None:
        self._note_for = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        note = self._notes.get(self._note_for or "", letters.EnclosureNote())
        self._filling = True
        self.note_shows.setText(note.shows)
        self.note_before.setChecked(note.before_decision_maker)
        self.note_why.setText(note.why_not_earlier)
        self._filling = False

    def _note_edited(self) -> None:
        if self._filling or self._note_for is None:
            return
        self._notes[self._note_for] = letters.EnclosureNote(
            shows=self.note_shows.text().strip(),
            before_decision_maker=self.note_before.isChecked(),
            why_not_earlier=self.note_why.text().strip(),
        )

    def _update_enclosure_label(self) -> None:
        if self.ctx is None or not self._enclosed:
            self.enclosure_label.setText("No enclosures yet.")
            return
        titles = {ev.id: ev.title for ev in self.ctx.evidence}
        self.enclosure_label.setText(
            "\n".join(f"Enclosure {n}: {titles[e]}" for n, e in enumerate(self._enclosed, 1))
        )

    def _fill_citations(self) -> None:
        if self.ctx is None:
            return
        key = self.cite_ground.currentData()
        self._filling = True
        self.cite_list.clear()
        self.fact_list.clear()
        self.reason_list.clear()
        if key is not None:
            answers = self._ground_reasons.get(key, [])
            for n, reason in enumerate(self.ctx.decision.reasons, 1):
                add_check_item(self.reason_list, f"{n}. {reason}", n, n in answers)
            self._list_enclosures(self.cite_list, set(self._cited(key)))
            facts = self._ground_facts.get(key, [])
            for _ev_id, line in letter_service.fact_lines(self.ctx.events):
                add_check_item(self.fact_list, line, line, line in facts)
        self._filling = False

    def _list_enclosures(self, lst: QListWidget, ticked: set[str]) -> None:
        """The enclosures in their numbered order, each with a tick box (ticked: in *ticked*)."""
        assert self.ctx is not None
        titles = {ev.id: ev.title for ev in self.ctx.evidence}
        for n, ev_id in enumerate(self._enclosed, 1):
            add_check_item(lst, f"Enclosure {n}: {titles[ev_id]}", ev_id, ev_id in ticked)

    def _cited(self, key: str) -> list[str]:
        """The enclosures ground ``key`` cites (default as the letter builder would)."""
        if key in self._ground_enclosures:
            return self._ground_enclosures[key]
        assert self.ctx is not None
        return letters.default_cited(
            str(self.ctx.grounds[key]["category"]),
            self._enclosed,
            lambda e: self._notes.get(e, letters.EnclosureNote()).before_decision_maker,
        )

    def _citations_changed(self) -> None:
        if self._filling:
            return
        key = self.cite_ground.currentData()
        if key is None:
            return
        self._ground_enclosures[key] = checked_data(self.cite_list)
        self._ground_facts[key] = checked_data(self.fact_list)
        self._ground_reasons[key] = [int(n) for n in checked_data(self.reason_list)]

    # ---- choices and the draft ---------------------------------------------------------
    def choices(self) -> letter_service.LetterChoices:
        grounds = checked_data(self.ground_list)
        return letter_service.LetterChoices(
            grounds=grounds,
            enclose=list(self._enclosed),
            requester_capacity=self.capacity.text(),
            consent_date=self._consent_value(),
            exceptional=self._exceptional() if self.mode == "late" else None,
            ground_enclosures={k: self._cited(k) for k in grounds},
            ground_facts={k: list(v) for k, v in self._ground_facts.items() if k in grounds and v},
            ground_reasons={k: list(v) for k, v in self._ground_reasons.items() if k in grounds and v},
            enclosure_notes={k: v for k, v in self._notes.items() if k in self._enclosed},
            mode=self.mode,
            holding=self._holding() if self.mode == "holding" else None,
            exceptional_enclosures=checked_data(self.exceptional_list) if self.mode == "late" else [],
        )

    def _holding(self) -> letters.Holding:
        try:
            by = self.holding_by.value()
        except Exception:
            by = None
        return letters.Holding(
            reason=self.holding_reason.toPlainText().strip(),
            awaited=[x.strip() for x in self.holding_awaited.toPlainText().splitlines() if x.strip()],
            evidence_by=by,
        )

    def _consent_value(self) -> date | None:
        try:
            return self.consent_date.value()
        except Exception:
            return None

    def _exceptional(self) -> letters.ExceptionalCircumstances:
        return letters.ExceptionalCircumstances(
            reason_for_delay=self.late_reason.toPlainText().strip(),
            why_material=self.materiality.toPlainText().strip(),
            why_not_earlier=self.why_not_earlier.toPlainText().strip(),
        )

    def _ensure_draft(self) -> bool:
        if self.ctx is None:
            return False
        choices = self.choices()
        if self.draft is not None and choices == self._built_for:
            return True
        ctx = self.ctx
        draft = fetch(self.banner, lambda: letter_service.build(ctx, choices, self.today))
        if draft is None:
            return False
        self.draft = draft
        self._built_for = choices
        self._fill_text()
        return True

    def _restore(self, record: LetterRecord) -> None:
        draft = fetch(self.banner, record.to_draft)
        if draft is None:
            return
        keys = [g.key for g in draft.grounds]
        for i in range(self.ground_list.count()):
            item = self.ground_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in keys:
                item.setCheckState(Qt.CheckState.Checked)
        self._enclosed = [e.evidence_id for e in draft.enclosures]
        by_number = {e.number: e.evidence_id for e in draft.enclosures}
        self._ground_enclosures = {g.key: [by_number[n] for n in g.enclosure_numbers] for g in draft.grounds}
        self._ground_facts = {g.key: list(g.fact_refs) for g in draft.grounds if g.fact_refs}
        self._ground_reasons = {g.key: list(g.answers) for g in draft.grounds if g.answers}
        self._notes = {
            e.evidence_id: letters.EnclosureNote(
                shows=e.shows,
                why_not_earlier=e.why_not_earlier,
                before_decision_maker=e.before_decision_maker,
            )
            for e in draft.enclosures
        }
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(draft.mode), 0))
        self.holding_reason.setPlainText(draft.holding.reason)
        self.holding_awaited.setPlainText("\n".join(draft.holding.awaited))
        self.holding_by.set_value(draft.holding.evidence_by)
        self._fill_evidence()
        self.capacity.setText(draft.requester_capacity)
        self.consent_date.set_value(draft.consent_date)
        self.late_reason.setPlainText(draft.exceptional.reason_for_delay)
        self.materiality.setPlainText(draft.exceptional.why_material)
        self.why_not_earlier.setPlainText(draft.exceptional.why_not_earlier)
        if self.ctx is not None:
            draft.organisation.logo_png = self.ctx.organisation.logo_png
        self.draft = draft
        self._built_for = self.choices()
        self._fill_text()

    def _fill_text(self) -> None:
        d = self.draft
        assert d is not None
        body = QWidget()
        form = QFormLayout(body)
        # Labels above their editors: every editor gets the full width (readable at 1280x800).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.section_edits = {}

        def add(name: str, label: str, text: str, height: int = 60) -> None:
            e = _text_edit(f"section_{name}", text, height)
            e.textChanged.connect(self._text_edited)
            self.section_edits[name] = e
            form.addRow(label, e)

        add("subject", "Subject", d.subject, 40)
        add("opening", "Opening", d.opening)
        add("capacity_statement", "Capacity", d.capacity_statement)
        add("consent_statement", "Consent", d.consent_statement)
        add("framework", "Legal framework", d.framework, 90)
        add("stage_test", "The test", d.stage_test, 90)
        add("timeliness", "Timeliness", d.timeliness)
        add("grounds_intro", "Grounds: introduction", d.grounds_intro)
        for i, g in enumerate(d.grounds, 1):
            refs = ", ".join(f"Enclosure {n}" for n in g.enclosure_numbers) or "no enclosure"
            add(f"ground_{i}", f"Ground {i}: {g.title}\n({refs}; {g.guidance_ref})", g.text, 110)
        add("outcome_intro", "Outcome sought: introduction", d.outcome_intro)
        add("outcome_sought", "What is asked, with reasons (one per line)", "\n".join(d.outcome_sought), 120)
        self.text_area.setWidget(body)
        self._text_edited()

    def _text_edited(self) -> None:
        d = self.draft
        if d is None:
            return
        e = self.section_edits
        for name in (
            "subject",
            "opening",
            "capacity_statement",
            "consent_statement",
            "framework",
            "stage_test",
            "timeliness",
            "grounds_intro",
            "outcome_intro",
        ):
            if name in e:
                setattr(d, name, e[name].toPlainText())
        for i, g in enumerate(d.grounds, 1):
            if f"ground_{i}" in e:
                g.text = e[f"ground_{i}"].toPlainText()
        if "outcome_sought" in e:
            d.outcome_sought = [
                x.strip() for x in e["outcome_sought"].toPlainText().splitlines() if x.strip()
            ]
        self._update_problems()

    def problems(self) -> list[letters.Problem]:
        return letters.validate(self.draft, self.today) if self.draft is not None else []

    def _update_problems(self) -> None:
        probs = self.problems()
        self.problem_list.clear()
        for p in probs:
            mark = "Error" if p.severity == letters.ERROR else "Check"
            item = QListWidgetItem(f"{mark} — {p.section}: {p.message}")
            item.setData(Qt.ItemDataRole.UserRole, p.severity)
            self.problem_list.addItem(item)
        self.problem_list.setVisible(self.draft is not None and bool(probs))
        self._update_buttons()

    # ---- navigation --------------------------------------------------------------------
    def _show(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_list.setCurrentRow(step)
        if step == PREVIEW:
            self._render_preview()
        self._update_buttons()

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def _next_step(self, step: int, direction: int) -> int:
        step += direction
        if step == EXCEPTIONAL and self.mode not in ("late", "holding"):
            step += direction
        return max(DECISION, min(PREVIEW, step))

    def next(self) -> None:
        self.banner.clear_message()
        if self.ctx is None:
            return
        if self.step == GROUNDS and not checked_data(self.ground_list) and self.mode != "holding":
            self.banner.error("Tick at least one ground.")
            return
        if self.step == ENCLOSURES:
            self._fill_exceptional_list()
        if self.step == EXCEPTIONAL and self.mode == "holding" and self._holding().missing():
            self.banner.error("A holding request must say " + ", ".join(self._holding().missing()) + ".")
            return
        if self.step == GROUNDS:
            self._filling = True
            self.cite_ground.clear()
            for i in range(self.ground_list.count()):
                item = self.ground_list.item(i)
                if item.checkState() == Qt.CheckState.Checked:
                    self.cite_ground.addItem(item.text(), item.data(Qt.ItemDataRole.UserRole))
            self._filling = False
            self._fill_citations()
        if self.step == EXCEPTIONAL and self.mode == "late" and self._exceptional().missing():
            self.banner.error(
                "The request is late: explain "
                + ", ".join(self._exceptional().missing())
                + " before going on."
            )
            return
        nxt = self._next_step(self.step, +1)
        if nxt >= TEXT and not self._ensure_draft():
            return
        self._show(nxt)

    def _fill_exceptional_list(self) -> None:
        if self.ctx is None:
            return
        chosen = set(checked_data(self.exceptional_list))
        self.exceptional_list.clear()
        self._list_enclosures(self.exceptional_list, chosen)
        self.late_box.setVisible(self.mode == "late")
        self.holding_box.setVisible(self.mode == "holding")

    def back(self) -> None:
        self.banner.clear_message()
        self._show(self._next_step(self.step, -1))

    def _update_buttons(self) -> None:
        has_errors = any(p.severity == letters.ERROR for p in self.problems())
        self.back_button.setEnabled(self.step > DECISION)
        self.next_button.setEnabled(self.step < PREVIEW and self.ctx is not None)
        self.save_button.setEnabled(self.draft is not None and self.step >= TEXT)
        self.send_button.setEnabled(self.draft is not None and self.step == PREVIEW and not has_errors)
        self.send_button.setToolTip("Fix the errors listed first." if has_errors else "")
        # Enter always moves forward: Next on every step, Save draft on the last one.
        forward = self.save_button if self.step == PREVIEW else self.next_button
        for b in (self.back_button, self.next_button, self.save_button, self.send_button):
            b.setAutoDefault(False)
            b.setDefault(b is forward)

    def _render_preview(self) -> None:
        if self.draft is None:
            return
        draft = dataclasses.replace(self.draft)
        self.preview_status.setText("Laying out the letter…")

        def done(pdf: bytes) -> None:
            self.pdf_doc.close()
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(pdf))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf_doc.load(self._buffer)
            n = self.pdf_doc.pageCount()
            self.preview_status.setText(f"{n} page{'s' if n != 1 else ''}. This is what will be sent.")

        def failed(exc: BaseException) -> None:
            self.preview_status.setText("")
            self.banner.error(message_for(exc))

        run_task(self, lambda: letter_service.render(draft, strict=False), done, failed)

    # ---- the file note -----------------------------------------------------------------
    def file_note_pdf(self) -> bytes:
        """The file note for the chosen decision as PDF bytes (also for a barred decision)."""
        from imsa_desktop.documents.letter_pdf import render_file_note

        decision_id = self.decision_combo.currentData()
        if decision_id is None:
            raise LetterRefused("Choose a decision first.")
        if self.ctx is not None:
            note = letter_service.file_note(self.ctx, self.today, self.mode)
            org = self.ctx.organisation.name
        else:
            note = letter_service.barred_file_note(self.session.uow(), self.case_id, decision_id, self.today)
            org = ""
        return render_file_note(note, organisation=org)

    def file_note(self) -> QDialog | None:
        from imsa_desktop.services import documents as doc_service
        from imsa_desktop.ui.dialogs.print_preview_dialog import PrintPreviewDialog

        pdf = fetch(self.banner, self.file_note_pdf)
        if pdf is None:
            return None
        case_id, uow = self.case_id, self.session.uow

        def audit(action: str, pseudo: bool) -> None:
            doc_service.record_output(
                uow(), case_id, action, "reconsideration file note pdf", pseudonymous=pseudo
            )

        dialog = PrintPreviewDialog(
            "File note (for the case file, not sent)",
            lambda _pseudo: pdf,
            self,
            pseudonymous_option=False,
            on_output=audit,
            file_name="file-note.pdf",
        )
        dialog.open()
        return dialog

    # ---- saving ------------------------------------------------------------------------
    def save_draft(self) -> bool:
        if self.draft is None:
            return False
        draft = self.draft
        rec = fetch(
            self.banner,
            lambda: letter_service.save_draft(
                self.session.uow(), draft, letter_id=self.letter_id, clock=self.session.clock
            ),
        )
        if rec is None:
            return False
        self.letter_id = rec.id
        self.banner.info("Draft saved.")
        self.saved.emit(rec.id)
        return True

    def save_and_send(self) -> None:
        if not attempt(self.banner, self.sent_date.value):  # says why it is not a date
            return
        sent_on = self.sent_date.value()
        if sent_on is None:
            self.banner.error("Enter the date the letter was sent.")
            return
        if not self.save_draft():
            return
        assert self.letter_id is not None
        letter_id = self.letter_id
        to_send = fetch(
            self.banner, lambda: letter_service.draft_for_sending(self.session.uow(), letter_id, sent_on)
        )
        if to_send is None:
            return
        self.send_button.setEnabled(False)

        def sent() -> None:
            self.sent.emit(letter_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.banner.error(message_for(exc))
            self._update_buttons()

        send_letter(self, self.session, letter_id, to_send, sent_on, sent, failed)


def send_letter(
    owner: QWidget,
    session: Session,
    letter_id: str,
    draft: letters.LetterDraft,
    sent_on: date,
    sent: Callable[[], None],
    failed: Callable[[BaseException], None],
) -> None:
    """Render *draft* as it goes out (in a worker), keep that exact PDF with the letter and mark
    it sent on *sent_on*; then ``sent()``, or ``failed(error)`` if either step failed."""

    def done(pdf: bytes) -> None:
        try:
            letter_service.mark_sent(
                session.uow(), letter_id, sent_on=sent_on, today=session.today(), pdf=pdf, clock=session.clock
            )
        except Exception as e:  # noqa: BLE001 - said in one sentence by failed()
            failed(e)
            return
        sent()

    run_task(owner, lambda: letter_service.render(draft, strict=True, today=sent_on), done, failed)
