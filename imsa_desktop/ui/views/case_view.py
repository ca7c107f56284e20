"""One case: a header, then tabs (profile, decisions, consent, and those other modules add)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.consent import INFORMATION_GROUPS, ConsentPurpose, ConsentType
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.model import (
    EXPLOITATION_TYPES,
    Case,
    CaseStatus,
    ConsentRecord,
    Decision,
    Jurisdiction,
    ReferralRoute,
    RemovalBar,
)
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui import editing, staged
from imsa_desktop.ui.case_tab import CaseTab, EditableTab, attempt
from imsa_desktop.ui.common import Banner, OneLineLabel, busy_bar, message_for, scrolling
from imsa_desktop.ui.dialogs.decision_dialog import DecisionDialog
from imsa_desktop.ui.features._evidence_chips import ChipGroup
from imsa_desktop.ui.forms import (
    DateField,
    EnumCombo,
    ListField,
    TriState,
    add_row,
    add_row_of,
    fill_fields,
    named,
    read_fields,
    text_box,
)
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable
from imsa_desktop.ui.widgets import named_buttons
from imsa_desktop.ui.workers import run_task

if TYPE_CHECKING:
    from imsa_desktop.services.ports import AbstractUnitOfWork

# Other modules (deadlines, timeline, appointments, evidence, letters) append factories here.
TabFactory = Callable[[Session], CaseTab]
EXTRA_TABS: list[TabFactory] = []


class ProfileTab(CaseTab):
    """Survivor, referral and status in one scrollable form with an explicit Save."""

    title = "Profile"
    saved = Signal()
    erased = Signal(str)  # case id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._case: Case | None = None
        inner = QWidget()
        lay = QVBoxLayout(inner)
        outer = scrolling(self, inner)  # empty: each part is styled as it joins (ui/staged.py)
        staged.build(self._parts(inner, lay, outer))

    def _parts(self, inner: QWidget, lay: QVBoxLayout, outer: QVBoxLayout) -> Iterator[None]:
        """The form, a group box per part, in the order Tab goes through it."""
        who = QGroupBox("Survivor")
        f = QFormLayout(who)
        self.full_name = add_row(f, "Full name", QLineEdit(), "fullName")
        self.preferred = add_row(f, "Preferred name", QLineEdit(), "preferredName")
        self.aliases = add_row(f, "Aliases", ListField(), "", "Other names, separated by commas")
        self.dob = DateField("date of birth")
        self.dob_estimate = QCheckBox("estimate")
        add_row_of(f, "Date of birth", self.dob, self.dob_estimate)
        self.gender = add_row(f, "Gender", QLineEdit())
        self.nationality = add_row(f, "Nationality", QLineEdit(), "nationality")
        self.languages = add_row(f, "Languages", ListField(), "", "e.g. vi, en")
        self.interpreter = QCheckBox("Interpreter needed")
        self.interpreter_language = named(QLineEdit(), "", "language and dialect")
        add_row_of(
            f, "Interpreter", self.interpreter, self.interpreter_language, grow=self.interpreter_language
        )
        self.safe_contact = add_row(
            f, "Safe contact", text_box(70), "", "How to reach them safely; who must not know"
        )
        self.voicemail_safe = TriState()
        self.letters_safe = TriState()
        add_row_of(
            f, "", QLabel("Voicemail safe"), self.voicemail_safe, QLabel("Letters safe"), self.letters_safe
        )
        lay.addWidget(who)
        yield

        ref = QGroupBox("Referral")
        g = QFormLayout(ref)
        self.jurisdiction = add_row(g, "Jurisdiction", EnumCombo(Jurisdiction), "jurisdiction")
        self.route = add_row(g, "Route", EnumCombo(ReferralRoute))
        self.referral_date = add_row(g, "Referral date", DateField("referral date"), "referralDate")
        self.fro = add_row(
            g, "First responder", QLineEdit(), "firstResponder", "First Responder Organisation"
        )
        self.referral_ref = add_row(g, "NRM reference", QLineEdit(), "referralReference")
        self.consent_given = add_row(g, "Consent to NRM", TriState())
        self.child = QCheckBox("Child at referral (no consent needed)")
        g.addRow("", self.child)
        self.exploitation = ChipGroup(EXPLOITATION_TYPES)
        self.exploitation.setObjectName("exploitationChips")
        self.exploitation.setAccessibleName("Exploitation types")
        self._other_types: list[str] = []  # stored values this version does not know (kept)
        g.addRow("Exploitation types", self.exploitation)
        lay.addWidget(ref)
        yield

        st = QGroupBox("Status")
        h = QFormLayout(st)
        self.status = add_row(h, "Status", EnumCombo(CaseStatus), "status")
        self.status_reason = add_row(h, "Reason", QLineEdit(), "statusReason", "Why (required when closing)")
        self.re_referrals = QSpinBox()
        self.re_referrals.setRange(0, 99)
        h.addRow("Re-referrals", self.re_referrals)
        self.notes = add_row(h, "Notes", text_box(80))
        lay.addWidget(st)
        yield
        # Each field of the survivor, the referral and the case, and the form field that edits it
        # (the exploitation types and the status have their own rules below).
        self.survivor_fields = {
            "full_name": self.full_name,
            "preferred_name": self.preferred,
            "aliases": self.aliases,
            "date_of_birth": self.dob,
            "date_of_birth_is_estimate": self.dob_estimate,
            "gender": self.gender,
            "nationality": self.nationality,
            "languages": self.languages,
            "interpreter_needed": self.interpreter,
            "interpreter_language": self.interpreter_language,
            "safe_contact_notes": self.safe_contact,
            "voicemail_safe": self.voicemail_safe,
            "letters_safe": self.letters_safe,
        }
        self.referral_fields = {
            "route": self.route,
            "date": self.referral_date,
            "first_responder": self.fro,
            "reference": self.referral_ref,
            "consent_given": self.consent_given,
            "child_at_referral": self.child,
        }
        self.case_fields = {
            "jurisdiction": self.jurisdiction,
            "re_referral_count": self.re_referrals,
            "notes": self.notes,
        }

        rights = QGroupBox("Survivor's data rights (UK GDPR)")
        r = QHBoxLayout(rights)
        self.sar_button = QPushButton("Subject access export…")
        self.sar_button.setObjectName("sarButton")
        self.sar_button.setToolTip(
            "Write this case as a readable PDF and a JSON document to a folder you choose"
        )
        self.erase_button = QPushButton("Erase case…")
        self.erase_button.setObjectName("eraseButton")
        self.erase_button.setToolTip("Remove every trace of this case from the vault, for good")
        r.addWidget(self.sar_button)
        r.addStretch(1)
        r.addWidget(self.erase_button)
        lay.addWidget(rights)
        self.sar_button.clicked.connect(self.subject_access_export)
        self.erase_button.clicked.connect(self.erase)
        lay.addStretch(1)

        bar = QHBoxLayout()
        self.banner = Banner()
        bar.addWidget(self.banner, 1)
        bar.addStretch(0)
        self.save_button = QPushButton("Save changes")
        self.save_button.setObjectName("saveProfile")
        self.save_button.setDefault(True)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        self.unsaved_mark = QLabel("Unsaved changes")
        self.unsaved_mark.setObjectName("unsavedMark")
        self.unsaved_mark.hide()
        bar.insertWidget(bar.count() - 1, self.unsaved_mark)
        outer.addLayout(bar)
        self.save_button.clicked.connect(self.save)
        self._saved_state: editing.FormState = []
        self._dirty = False
        self._filling = False  # the form is being filled from the vault: no edit to check
        editing.watch_changes(inner, self._edited)
        self._form_fields = editing.fields(self)  # the form is whole now and never changes

    # ---- unsaved changes (ui/editing.py) --------------------------------------------------
    def _edited(self) -> None:
        if self._filling:
            return
        dirty = self.has_unsaved_changes()
        if dirty != self._dirty:
            self._dirty = dirty
            self.unsaved_mark.setVisible(dirty)
            self.dirty_changed.emit(dirty)

    def _mark_saved(self) -> None:
        self._saved_state = editing.form_state(self, self._form_fields)
        self._edited()

    def has_unsaved_changes(self) -> bool:
        return (
            self.case_id is not None
            and self._case is not None
            and editing.form_state(self, self._form_fields) != self._saved_state
        )

    def discard_changes(self) -> None:
        if self.case_id is not None:
            self.load(self.case_id)

    def draft(self) -> dict[str, Any]:
        return {"form": editing.form_state(self, self._form_fields)}

    def restore_draft(self, draft: dict[str, Any]) -> None:
        form = draft.get("form")
        if isinstance(form, list):
            self.when_loaded(lambda: editing.restore_form_state(self, form))

    def load(self, case_id: str) -> None:
        """Read the case in a worker (opening it is audited there, on its own connection)."""
        super().load(case_id)
        self.read_in_worker(lambda uow: case_service.get_case(uow, case_id), self._fill, writes=True)

    def _fill(self, case: Case) -> None:
        self._filling = True
        try:
            self._fill_fields(case)
        finally:
            self._filling = False
        self.banner.clear_message()
        self._mark_saved()

    def _fill_fields(self, case: Case) -> None:
        self._case = case
        fill_fields(self.survivor_fields, case.survivor)
        fill_fields(self.referral_fields, case.referral)
        fill_fields(self.case_fields, case)
        self.exploitation.set_checked(case.exploitation_types)
        self._other_types = [t for t in case.exploitation_types if t not in EXPLOITATION_TYPES]
        self.status.set_value(case.status)
        self.status_reason.setText(case.status_reason)

    def edited_case(self) -> Case:
        if self._case is None:
            raise InvalidInput("No case is open.")
        case = self._case
        types = self.exploitation.checked() + self._other_types
        survivor = dataclasses.replace(case.survivor, **read_fields(self.survivor_fields))
        referral = dataclasses.replace(case.referral, **read_fields(self.referral_fields))
        edited = dataclasses.replace(
            case,
            survivor=survivor,
            referral=referral,
            exploitation_types=types,
            **read_fields(self.case_fields),
        )
        status, reason = self.status.value(), self.status_reason.text().strip()
        if (status, reason) != (case.status, case.status_reason):
            edited.set_status(status, reason, self.session.today(), self.session.clock)  # the rules
        return edited

    def save(self) -> bool:
        if self.still_reading():
            return False
        saved = self.fetch(
            lambda: case_service.save_case(self.session.uow(), self.edited_case(), clock=self.session.clock)
        )
        if saved is None:
            return False
        self._case = case = saved
        self._mark_saved()
        self.banner.info("Saved.")
        self.session.notify_case(case.id)
        self.saved.emit()
        return True

    # ---- data rights ----------------------------------------------------------------------
    def subject_access_export(self) -> None:
        if self.case_id is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Folder for the subject access files")
        if folder:
            self.export_subject_access_to(Path(folder))

    def export_subject_access_to(self, folder: Path) -> None:
        from imsa_desktop.services import privacy

        case_id, clock = self.case_id, self.session.clock
        detached = self.session.require_vault().detached()
        self.sar_button.setEnabled(False)
        self.banner.info("Writing the subject access files…")

        def work() -> Any:
            try:
                return privacy.subject_access_export(detached.unit_of_work(), case_id, folder, clock=clock)
            finally:
                detached.close()

        def done(files: Any) -> None:
            self.sar_button.setEnabled(True)
            self.banner.info(
                f"Saved {files.summary_pdf.name}, {files.chronology_pdf.name} and {files.json.name}."
            )

        def failed(exc: BaseException) -> None:
            self.sar_button.setEnabled(True)
            self.banner.error(message_for(exc))

        run_task(self, work, done, failed)

    def erase(self) -> None:
        if self._case is None:
            return
        code = self._case.code
        text, ok = QInputDialog.getText(
            self,
            "Erase case",
            "This removes the case, its timeline, evidence, files, letters and search entries for good,\n"
            "and compacts the vault so nothing can be recovered. The audit log keeps only the case code.\n\n"
            f"To confirm, type the case code {code}:",
        )
        if not ok:
            return
        if text.strip().upper() != code:
            self.banner.error("The case code did not match, so nothing was erased.")
            return
        self.erase_confirmed()

    def erase_confirmed(self) -> None:
        from imsa_desktop.services import privacy

        case_id = self.case_id
        if case_id is None:
            return
        detached = self.session.require_vault().detached()
        self.erase_button.setEnabled(False)
        self.banner.info("Erasing and compacting the vault…")

        def work() -> Any:
            try:
                return privacy.erase_case_in_vault(detached, case_id)
            finally:
                detached.close()

        def done(_result: Any) -> None:
            self.erase_button.setEnabled(True)
            self.erased.emit(case_id)
            self.session.cases_changed.emit()

        def failed(exc: BaseException) -> None:
            self.erase_button.setEnabled(True)
            self.banner.error(message_for(exc))

        run_task(self, work, done, failed)

    def clear(self) -> None:
        super().clear()
        self._case = None
        self._filling = True
        try:
            for w in self.findChildren(QLineEdit):
                w.clear()
            for t in self.findChildren(QPlainTextEdit):
                t.clear()
        finally:
            self._filling = False
        self._mark_saved()


_REMOVAL_BAR_SHORT = {RemovalBar.YES: "applies", RemovalBar.NO: "no", RemovalBar.NOT_KNOWN: "not known"}


class DecisionsTab(EditableTab[Decision]):
    title = "Decisions"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = QVBoxLayout(self)
        self.table = RecordTable(
            [
                Column("Decision", lambda d: d.kind.label),
                Column("Outcome", lambda d: d.outcome_label),
                Column("Date", lambda d: format_date(d.date) if d.date else "—"),
                Column("Authority", lambda d: d.authority.value),
                Column("Reference", lambda d: d.reference),
                Column("Received", lambda d: format_date(d.received_on) if d.received_on else ""),
                Column("Para 14.216", lambda d: _REMOVAL_BAR_SHORT[d.removal_bar]),
            ],
            "decisionsTable",
            single=False,
            alternating=False,
        )
        lay.addWidget(self.table, 1)
        lay.addLayout(self.footer("Add decision…", ("addDecision", None, None)))

    def read(self, case_id: str) -> Callable[[AbstractUnitOfWork], list[Decision]]:
        return lambda uow: case_service.load_case(uow, case_id).decisions_sorted()

    def make_dialog(self, record: Decision | None) -> DecisionDialog:
        dialog = DecisionDialog(record, self)
        dialog.setObjectName("decisionDialog")
        return dialog

    def save_record(self, value: Decision) -> None:
        assert self.case_id is not None
        case_service.upsert_decision(self.session.uow(), self.case_id, value, clock=self.session.clock)

    def delete_record(self, record: Decision) -> None:
        assert self.case_id is not None
        case_service.delete_decision(self.session.uow(), self.case_id, record.id, clock=self.session.clock)


def _consent_purpose(c: ConsentRecord) -> str:
    return c.purpose.label + (f" — {c.purpose_detail}" if c.purpose_detail else "")


def _consent_kind(c: ConsentRecord) -> str:
    return c.consent_type.label + (f", witness {c.witness}" if c.witness else "")


def _consent_covers(c: ConsentRecord) -> str:
    return (
        ", ".join(INFORMATION_GROUPS[g].split(" (")[0] for g in c.scope if g in INFORMATION_GROUPS)
        or "Not stated"
    )


class ConsentTab(CaseTab):
    """Consent records: purpose from a fixed list, written or verbal, witness, scope, expiry."""

    title = "Consent"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        lay = QVBoxLayout(self)
        self.table: RecordTable[ConsentRecord] = RecordTable(
            [
                Column("Purpose", _consent_purpose, tooltip=_consent_purpose),
                Column("Date", lambda c: format_date(c.date)),
                Column("Type", _consent_kind, tooltip=_consent_kind),
                Column("Covers", _consent_covers, tooltip=_consent_covers),
                Column("In force", self._consent_state, tooltip=self._consent_state),
                Column("Notes", lambda c: c.notes, tooltip=lambda c: c.notes or None),
            ],
            "consentTable",
            stretch=[0, 3, 5],
            alternating=False,
        )
        lay.addWidget(self.table, 1)
        box = QGroupBox("Record consent")
        f = QFormLayout(box)
        self.purpose = add_row(f, "Purpose", EnumCombo(ConsentPurpose), "consentPurpose")
        self.detail = add_row(
            f,
            "Details",
            QLineEdit(),
            "consentDetail",
            "Who exactly, e.g. the solicitor's firm or the colleague's name",
        )
        self.date = add_row(f, "Date", DateField("consent date", required=True), "consentDate")
        self.consent_type = named(EnumCombo(ConsentType), "consentType")
        self.witness = named(QLineEdit(), "consentWitness", "Witness (e.g. the interpreter), if any")
        add_row_of(f, "Written or verbal", self.consent_type, self.witness, grow=self.witness)
        self.scope: dict[str, QCheckBox] = {}
        for key, label in INFORMATION_GROUPS.items():
            cb = QCheckBox(label.split(" (")[0])
            cb.setToolTip(label)
            cb.setObjectName(f"consentScope_{key}")
            cb.setChecked(key == "case")
            self.scope[key] = cb
        add_row_of(f, "Covers", *self.scope.values())
        self.expires = named(DateField("expiry date"), "consentExpires")
        self.withdrawn = named(DateField("withdrawal date"), "consentWithdrawn")
        add_row_of(f, "Until", QLabel("Expires"), self.expires, QLabel("Withdrawn on"), self.withdrawn)
        self.given = QCheckBox("Given (untick if the survivor refused)")
        self.given.setChecked(True)
        f.addRow("", self.given)
        self.notes = add_row(f, "Notes", QLineEdit())
        row = QHBoxLayout()
        self.banner = Banner()
        row.addWidget(self.banner, 1)
        row.addStretch(1)
        self.withdraw_button, self.add_button = named_buttons(
            row, ("Withdrawn…", "withdrawConsent", self.withdraw_selected), ("Record", "addConsent", self.add)
        )
        self.withdraw_button.setToolTip(
            "The survivor withdrew the consent chosen in the table (on the 'Withdrawn on' date, or "
            "today). The record stays, marked withdrawn (UK GDPR Art. 7(3))."
        )
        f.addRow(row)
        lay.addWidget(box)
        self._form = editing.InlineForm(box, self.dirty_changed.emit)

    # ---- unsaved changes (ui/editing.py): the "Record consent" form ------------------------
    def has_unsaved_changes(self) -> bool:
        return self.case_id is not None and self._form.dirty()

    def save(self) -> bool:
        if self.still_reading():
            return False
        self.add()
        return not self._form.dirty()

    def discard_changes(self) -> None:
        self._form.discard()

    def draft(self) -> dict[str, Any]:
        return {"form": self._form.state()}

    def restore_draft(self, draft: dict[str, Any]) -> None:
        form = draft.get("form")
        if isinstance(form, list):
            self._form.restore(form)

    def withdraw_selected(self) -> None:
        chosen = self.table.selected()
        if self.case_id is None or chosen is None:
            self.banner.error("Choose the consent that was withdrawn in the table first.")
            return
        case_id = self.case_id

        def withdraw() -> None:
            on = self.withdrawn.value() or self.session.today()
            case_service.withdraw_consent(
                self.session.uow(), case_id, chosen.id, on, clock=self.session.clock
            )

        if not attempt(self.banner, withdraw):
            return
        self.withdrawn.set_value(None)
        self.banner.info(f"Recorded as withdrawn: {chosen.purpose.label}.")
        self.session.notify_case(case_id)
        self.load(case_id)

    def _consent_state(self, c: ConsentRecord) -> str:
        if not c.given:
            return "Refused"
        if c.withdrawn_on is not None:
            return f"Withdrawn {format_date(c.withdrawn_on)}"
        if c.expires_on is not None:
            today = self.session.clock().date()
            return ("Until " if c.in_force(today) else "Expired ") + format_date(c.expires_on)
        return "Yes"

    def load(self, case_id: str) -> None:
        super().load(case_id)

        def read(uow: AbstractUnitOfWork) -> list[ConsentRecord]:
            return sorted(case_service.load_case(uow, case_id).consents, key=lambda c: (c.date, c.created_at))

        self.read_in_worker(read, self.table.set_rows)

    def add(self) -> None:
        if self.case_id is None:
            return
        case_id = self.case_id

        def record() -> None:
            d = self.date.value()
            assert d is not None
            consent = ConsentRecord(
                purpose=self.purpose.value(),
                purpose_detail=self.detail.text().strip(),
                date=d,
                given=self.given.isChecked(),
                consent_type=self.consent_type.value(),
                witness=self.witness.text().strip(),
                scope=[k for k, cb in self.scope.items() if cb.isChecked()],
                expires_on=self.expires.value(),
                withdrawn_on=self.withdrawn.value(),
                notes=self.notes.text(),
            )
            case_service.add_consent(self.session.uow(), case_id, consent, clock=self.session.clock)

        if not attempt(self.banner, record):
            return
        for w in (self.detail, self.notes, self.witness):
            w.clear()
        self.expires.set_value(None)
        self.withdrawn.set_value(None)
        self.banner.info("Recorded.")
        self._form.reset()
        self.session.notify_case(self.case_id)
        self.load(self.case_id)

    def clear(self) -> None:
        super().clear()
        self.table.clear_rows()
        for w in (self.detail, self.notes, self.witness):
            w.clear()
        self._form.discard()


class CaseTabs(Sequence[CaseTab]):
    """The case's tabs, in order; each is built the first time it is asked for (its page is
    shown, or code uses it), so the workspace does not build the heavy tabs (Timeline,
    Evidence, Letters, ...) before anyone looks at them. ``built()`` lists those that exist.

    ``build_in_steps`` builds one a part per step instead (ui/staged.py): the page shown for
    the first time gets its parts over a few turns of the event loop. Asking for a tab while
    it is being built that way finishes it first, so code never meets half a tab."""

    def __init__(self, view: CaseView, factories: Sequence[TabFactory]) -> None:
        self._view = view
        self._factories = list(factories)
        self._tabs: list[CaseTab | None] = [None] * len(self._factories)
        self._steps: dict[int, Iterator[None]] = {}  # tabs being built a part per step

    def __len__(self) -> int:
        return len(self._factories)

    @overload
    def __getitem__(self, index: int) -> CaseTab: ...

    @overload
    def __getitem__(self, index: slice) -> list[CaseTab]: ...

    def __getitem__(self, index: int | slice) -> CaseTab | list[CaseTab]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        i = range(len(self))[index]  # IndexError past the end, as a list
        if i in self._steps:
            for _ in self._steps.pop(i):  # needed now: what is left of it, at once
                pass
            made = self._tabs[i]
            if made is not None:
                staged.show_added(made)
            self._view._tab_built(i)
        tab = self._tabs[i]
        if tab is None:
            tab = self._make(i)
        return tab

    def _make(self, i: int) -> CaseTab:
        tab = self._tabs[i] = self._view._build_tab(i, self._factories[i])
        return tab

    def build_in_steps(self, index: int) -> Iterator[None]:
        """Build the tab at *index* a part per step (nothing if it exists or is under way).
        The view's ``_tab_built`` is told when it is whole."""
        i = range(len(self))[index]
        if self._tabs[i] is not None or i in self._steps:
            return iter(())
        self._steps[i] = staged.in_steps(lambda: self._make(i))
        return self._drive(i)

    def _drive(self, i: int) -> Iterator[None]:
        while i in self._steps:  # (finished at once if someone asks for the tab meanwhile)
            try:
                next(self._steps[i])
            except StopIteration:
                del self._steps[i]
                self._view._tab_built(i)
                return
            except BaseException:  # a part failed: no half tab is left to be used
                del self._steps[i]
                self._tabs[i] = None
                raise
            yield

    def has(self, index: int) -> bool:
        """The tab at *index* is built whole."""
        return self._tabs[index] is not None and index not in self._steps

    def building(self, index: int) -> bool:
        return index in self._steps

    def built(self) -> list[tuple[int, CaseTab]]:
        return [(i, t) for i, t in enumerate(self._tabs) if t is not None and i not in self._steps]

    def title(self, index: int) -> str:
        return str(getattr(self._factories[index], "title", ""))

    def index_where(self, has: str) -> int:
        """The first tab whose kind has the attribute *has* (without building any), or -1."""
        return next((i for i, f in enumerate(self._factories) if hasattr(f, has)), -1)


class CaseView(QWidget):
    """Header plus tabs for one case. A tab is built when first shown and filled for the case
    when shown (in a worker where its read is slow); the busy bar shows while it is read."""

    unsaved_changed = Signal(bool)  # some tab holds unsaved changes
    tab_loaded = Signal(int)  # the tab at this index now shows the open case

    def __init__(self, session: Session, parent: QWidget | None = None, *, first_tab: bool = True) -> None:
        """*first_tab*: build the tab shown first now (else on first use: ``MainWindow``
        builds it in a turn of its own)."""
        super().__init__(parent)
        self.session = session
        self.case_id: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        head = QHBoxLayout()
        # One line each while there is room; they wrap at large text sizes instead of
        # widening the window.
        self.title = OneLineLabel()
        self.title.setObjectName("caseTitle")
        self.badge = OneLineLabel()
        self.badge.setObjectName("stageBadge")
        self.code = OneLineLabel()
        self.code.setObjectName("caseCode")
        head.addWidget(self.title)
        head.addWidget(self.badge)
        head.addStretch(1)
        head.addWidget(self.code)
        lay.addLayout(head)
        self.banner = Banner()  # a tab or the header that could not be loaded says so here
        lay.addWidget(self.banner)
        self.busy = busy_bar()
        self.busy.setObjectName("caseBusy")
        self.busy.setAccessibleName("Loading the case")
        keep = self.busy.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # the tabs do not jump when it shows
        self.busy.setSizePolicy(keep)
        lay.addWidget(self.busy)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        factories: list[TabFactory] = [ProfileTab, DecisionsTab, ConsentTab]
        factories[1:1] = EXTRA_TABS
        self.tab_list = CaseTabs(self, factories)
        for i in range(len(factories)):
            # Each tab scrolls when it cannot fit (text at 200 %, a small screen) instead of
            # widening the window past the screen. ``tab_list[i]`` is the tab; the page is
            # its scroll area, empty until the tab is first shown.
            title = self.tab_list.title(i)
            page = QScrollArea()
            page.setObjectName(f"tabPage{title}")
            page.setWidgetResizable(True)
            page.setFrameShape(QScrollArea.Shape.NoFrame)
            self.tabs.addTab(page, title)
        lay.addWidget(self.tabs, 1)
        self._loaded: set[int] = set()  # tabs asked to show the open case
        self._ready: set[int] = set()  # tabs that show it
        self._building: tuple[int, Iterator[None]] | None = None  # a tab built a part per turn
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.timeout.connect(self._build_step)
        self.tabs.currentChanged.connect(self._load_tab)
        # Ctrl+Page Down / Up from anywhere in the case (keyboard.SHORTCUTS): Qt's own handling
        # in QTabWidget never sees the keys from a field, since each tab's scroll area takes
        # Page Down / Up first.
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(
                QKeySequence(keys), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
            shortcut.activated.connect(lambda step=step: self._next_tab(step))
        session.case_changed.connect(self._refresh_header)
        if first_tab:
            self.tab_list[self.tabs.currentIndex()]  # the first page is built now (it shows first)

    def _next_tab(self, step: int) -> None:
        """The next (or previous) enabled tab, round the end as Qt's own Ctrl+Page Down goes."""
        count = self.tabs.count()
        i = self.tabs.currentIndex()
        for _ in range(count):
            i = (i + step) % count
            if self.tabs.isTabEnabled(i):
                self.tabs.setCurrentIndex(i)
                return

    def _build_tab(self, index: int, factory: TabFactory) -> CaseTab:
        tab = factory(self.session)
        page = self.tabs.widget(index)
        assert isinstance(page, QScrollArea)
        page.setWidget(tab)
        tab.dirty_changed.connect(lambda _dirty: self.unsaved_changed.emit(bool(self.unsaved_editors())))
        tab.loaded.connect(lambda case_id, i=index: self._tab_ready(i, case_id))
        tab.busy_changed.connect(lambda _busy: self._show_busy())
        return tab

    def load(self, case_id: str) -> None:
        """Show a case. Only the visible tab is filled now (in a worker); the others when first
        shown (opening a case with a thousand events must not stall the window)."""
        self.banner.clear_message()
        if case_id != self.case_id:
            for _i, tab in self.tab_list.built():
                if tab.case_id is not None:
                    tab.clear()
        self.case_id = case_id
        self._loaded = set()
        self._ready = set()
        self._refresh_header(case_id)
        self._load_tab(self.tabs.currentIndex())

    def is_loaded(self, index: int) -> bool:
        """The tab at *index* shows the open case (its read, if any, has been shown)."""
        return index in self._ready

    def _load_tab(self, index: int) -> None:
        if not 0 <= index < len(self.tab_list):
            return
        if not self.tab_list.has(index):  # built on its first show, a part per turn
            self._build_then_load(index)
            return
        tab = self.tab_list[index]
        if self.case_id is None or index in self._loaded:
            self._show_busy()
            return
        self._loaded.add(index)
        case_id = self.case_id
        # one tab failing must not blank the others
        attempt(self.banner, lambda: tab.load(case_id))
        if not tab.busy and tab.case_id == case_id:  # filled at once (no worker)
            self._tab_ready(index, case_id)
        self._show_busy()

    def _build_then_load(self, index: int) -> None:
        """Build the tab at *index* over the next turns of the event loop (a tab page
        shown for the first time: the click that shows it does not wait for all of it), with
        the busy bar up; it is filled for the case once whole (``_tab_built``)."""
        if self._building is not None and self._building[0] != index:
            self.tab_list[self._building[0]]  # another tab first: finish that one now
        if self._building is None:
            self._building = (index, self.tab_list.build_in_steps(index))
            self._build_timer.start(0)
        self._show_busy()

    def _build_step(self) -> None:
        if self._building is None:
            return
        index, steps = self._building
        try:
            more = next(steps, StopIteration) is not StopIteration
        except BaseException:
            self._building = None
            raise
        if more:
            self._build_timer.start(0)  # (when done, build_in_steps has called _tab_built)

    def _tab_built(self, index: int) -> None:
        """The tab at *index* is whole: fill it if it is the one shown."""
        if self._building is not None and self._building[0] == index:
            self._building = None
            self._build_timer.stop()
        if index == self.tabs.currentIndex():
            self._load_tab(index)
        self._show_busy()

    def _tab_ready(self, index: int, case_id: str) -> None:
        if case_id == self.case_id and index not in self._ready:
            self._ready.add(index)
            self.tab_loaded.emit(index)
        self._show_busy()

    def _show_busy(self) -> None:
        built = dict(self.tab_list.built())
        index = self.tabs.currentIndex()
        current = built.get(index)
        building = self._building is not None and self._building[0] == index
        self.busy.setVisible((current is not None and current.busy) or building)

    def unsaved_editors(self) -> list[editing.Editor]:
        """The tabs holding unsaved changes for the open case."""
        found = []
        for _i, tab in self.tab_list.built():
            editor = editing.as_editor(tab)
            if editor is not None and tab.case_id is not None and editor.has_unsaved_changes():
                found.append(editor)
        return found

    def focus_first_field(self) -> None:
        """After creating a case: the keyboard goes to the first field of its profile (once
        the profile has been read)."""
        self.tabs.setCurrentIndex(0)
        profile = self.tab_list[0]
        if isinstance(profile, ProfileTab):

            def focus() -> None:
                profile.full_name.setFocus(Qt.FocusReason.OtherFocusReason)
                profile.full_name.selectAll()

            profile.when_loaded(focus)

    def _refresh_header(self, case_id: str) -> None:
        """The header is read in a worker on its own connection (``run_task``)."""
        if case_id != self.case_id or not self.session.is_open:
            return
        run_task(
            self,
            lambda uow: case_service.load_case(uow, case_id),
            lambda case: self._show_header(case) if case.id == self.case_id else None,
            session=self.session,
            read_only=True,
        )

    def _show_header(self, case: Case) -> None:
        self.title.setText(case.survivor.display_name())
        self.badge.setText(f"  {case.stage.label} · {case.status.label}  ")
        self.code.setText(f"Case {case.code} · {case.jurisdiction.label}")

    def clear(self) -> None:
        self.case_id = None
        self.title.clear()
        self.badge.clear()
        self.code.clear()
        for _i, tab in self.tab_list.built():
            tab.clear()
        self._show_busy()
