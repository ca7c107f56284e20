"""Sharing cases: the "Share…" wizard, the "Import…" preview with per-conflict choices, and the
"My identity / Contacts" page (public key as text and QR code, address book).

Registered by ``register_actions(window)`` (the lead wires the call). Bundle I/O runs in a
worker on its own database connection; dialogs are QDialog children of the window.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.dates import format_date
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.ui.case_tab import attempt, fetch
from imsa_desktop.ui.common import (
    Banner,
    PassphraseField,
    StrengthMeter,
    heading,
    hint,
    message_for,
    save_cancel_footer,
)
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.tables import Column, RecordTable
from imsa_desktop.ui.widgets import (
    SessionDialog,
    add_check_item,
    checked_data,
    choose_save_path,
    named_buttons,
)
from imsa_desktop.ui.workers import run_task


def _in_worker(session: Session, fn: Callable[[Any], Any]) -> Callable[..., Any]:
    """Run ``fn(uow)`` on a connection of its own (never the GUI thread's). Call this on the GUI
    thread: the connection is opened here, so a lock cannot race the key; the returned task
    runs in the worker and closes it."""
    detached = session.require_vault().detached()

    def task(*_args: Any) -> Any:
        try:
            return fn(detached.unit_of_work())
        finally:
            detached.close()

    return task


# ---- export wizard ------------------------------------------------------------------------------


class ExportWizard(SessionDialog):
    def __init__(
        self, session: Session, preselect: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, "exportWizard", "Share cases", parent, size=(640, 680))
        self._cancel = threading.Event()
        lay = QVBoxLayout(self)
        lay.addWidget(heading("Share cases with a colleague", 16))
        self.banner = Banner()
        lay.addWidget(self.banner)

        box = QGroupBox("1. Cases and consent")
        bl = QVBoxLayout(box)
        self.cases = QListWidget()
        self.cases.setObjectName("exportCases")
        for s in case_service.list_cases(session.uow()):
            add_check_item(self.cases, f"{s.display_name}  ·  {s.code}", s.id, s.id in (preselect or []))
        self.cases.itemChanged.connect(self._update_consent)
        bl.addWidget(self.cases)
        self.consent = QLabel()
        self.consent.setObjectName("exportConsent")
        self.consent.setWordWrap(True)
        bl.addWidget(self.consent)
        self.reason = QLineEdit()
        self.reason.setObjectName("exportReason")
        self.reason.setPlaceholderText("Reason for sharing without recorded consent (kept in the audit log)")
        bl.addWidget(self.reason)
        lay.addWidget(box)

        box = QGroupBox("2. What to include (need to know)")
        bl = QVBoxLayout(box)
        self.inc_attachments, self.inc_safeguarding, self.inc_contact = named_buttons(
            bl,
            ("Attached files", "incAttachments"),
            ("Safeguarding notes (safe contact method)", "incSafeguarding"),
            ("Contact details (voicemail / letters safety, appointment places)", "incContact"),
            kind=QCheckBox,
        )
        self._groups = {
            "attachments": self.inc_attachments,
            "safeguarding": self.inc_safeguarding,
            "contact_details": self.inc_contact,
        }
        bl.addWidget(hint("Ticked: what the survivor's consent covers. Tick more only if they agreed to it."))
        lay.addWidget(box)

        box = QGroupBox("3. Who can open it")
        bl = QVBoxLayout(box)
        self.to_contacts, self.to_passphrase = named_buttons(
            None,
            ("Colleagues from my address book", "toContacts"),
            ("A passphrase (tell it to them by phone, never in the same email)", "toPassphrase"),
            kind=QRadioButton,
        )
        self.contacts = QListWidget()
        self.contacts.setObjectName("exportContacts")
        self._fill_contacts()
        self.contacts.setMaximumHeight(90)
        self.add_colleague = QPushButton("Add a colleague…")
        self.add_colleague.setObjectName("exportAddColleague")
        self.add_colleague.clicked.connect(self.open_add_colleague)
        self.passphrase = PassphraseField("Bundle passphrase")
        self.passphrase.setObjectName("exportPassphrase")
        self.meter = StrengthMeter()
        self.passphrase.textChanged.connect(self.meter.update_for)
        (self.to_contacts if self.contacts.count() else self.to_passphrase).setChecked(True)
        for w in (
            self.to_contacts,
            self.contacts,
            self.add_colleague,
            self.to_passphrase,
            self.passphrase,
            self.meter,
        ):
            bl.addWidget(w)
        lay.addWidget(box)

        row = QHBoxLayout()
        self.out = QLineEdit(str(Path.home() / "cases.imsabundle"))
        self.out.setObjectName("exportOut")
        browse = QPushButton("Choose…")
        browse.clicked.connect(
            lambda: choose_save_path(self.out, "Save bundle as", "IMSA bundles (*.imsabundle)")
        )
        row.addWidget(QLabel("Save as"))
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        lay.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.hide()
        lay.addWidget(self.progress)
        self.buttons = QDialogButtonBox()
        self.share = self.buttons.addButton("Share", QDialogButtonBox.ButtonRole.AcceptRole)
        self.share.setObjectName("exportShare")
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.share.clicked.connect(self.start)
        self.cancel.clicked.connect(self._on_cancel)
        lay.addWidget(self.buttons)
        self.result_info: bundle_service.ExportResult | None = None
        self._update_consent()

    def _fill_contacts(self, check: str | None = None) -> None:
        ticked = set(checked_data(self.contacts))
        self.contacts.clear()
        for c in identity_service.list_contacts(self.session.uow()):
            mark = "  ✓ verified" if c.verified else ""
            add_check_item(
                self.contacts, c.name + mark, c.age_public, c.age_public in ticked or c.age_public == check
            )

    def open_add_colleague(self) -> None:
        """Add a colleague without leaving the wizard; they are ticked as a recipient."""
        self.add_dialog = AddContactDialog(self.session, self)
        self.add_dialog.accepted.connect(self._colleague_added)
        self.add_dialog.open()

    def _colleague_added(self) -> None:
        added = self.add_dialog.added
        if added is None:
            return
        self._fill_contacts(check=added.age_public)
        self.to_contacts.setChecked(True)
        self.banner.info(f"{added.name} was added to your contacts and chosen as a recipient.")

    def selected_cases(self) -> list[str]:
        return checked_data(self.cases)

    def _update_consent(self, *_: Any) -> None:
        ids = self.selected_cases()
        if not ids:
            self.consent.setText("Tick the cases to share.")
            self.reason.setVisible(False)
            return
        lines, missing = [], 0
        statuses = bundle_service.consent_overview(self.session.uow(), ids, clock=self.session.clock)
        for st in statuses:
            if st.ok and st.consent is not None:
                c = st.consent
                detail = f" — {c.purpose_detail}" if c.purpose_detail else ""
                lines.append(
                    f"✓ {st.display_name}: {c.consent_type.label.lower()} consent “{c.purpose.label}”"
                    f"{detail} ({format_date(c.date)})"
                )
            else:
                missing += 1
                lines.append(f"⚠ {st.problem()}")
        self.consent.setText("\n".join(lines))
        self.reason.setVisible(missing > 0)
        # Need to know: start from what every chosen case's consent covers, nothing more.
        covered = set.intersection(*(set(st.scope) for st in statuses)) if statuses else set()
        for group, cb in self._groups.items():
            cb.setChecked(group in covered)
            cb.setToolTip(
                "Covered by the recorded consent"
                if group in covered
                else "Not covered by the recorded consent"
            )

    def _on_cancel(self) -> None:
        if self.progress.isVisible():
            self._cancel.set()
        else:
            self.reject()

    def confirm_overwrite(self, out: Path) -> bool:
        """A file of that name is there already (maybe a bundle a colleague sent): ask first."""
        answer = QMessageBox.question(
            self,
            "Replace the file?",
            f"{out.name} already exists in that folder. Replace it with this new bundle?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def start(self) -> None:
        self.banner.clear_message()
        ids = self.selected_cases()
        recipients = checked_data(self.contacts)
        use_pass = self.to_passphrase.isChecked()
        options = bundle_service.ShareOptions(
            self.inc_attachments.isChecked(), self.inc_safeguarding.isChecked(), self.inc_contact.isChecked()
        )
        if use_pass:
            recipients = []
        passphrase = self.passphrase.text() if use_pass else None
        if not self.out.text().strip():
            self.banner.error("Please choose where to save the bundle.")
            return
        out, reason = Path(self.out.text().strip()).expanduser(), self.reason.text()
        if out.exists() and not self.confirm_overwrite(out):
            return
        self._cancel.clear()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.show()
        self.share.setEnabled(False)

        def work(uow: Any) -> Any:
            return bundle_service.export_cases(
                uow,
                ids,
                out,
                recipients=recipients or None,
                passphrase=passphrase,
                options=options,
                reason=reason,
                progress=self._progress_cb,
                cancelled=self._cancel.is_set,
                clock=self.session.clock,
            )

        self._emit: Callable[[int, str], None] | None = None
        run = _in_worker(self.session, work)  # opened here, on the GUI thread

        def task(emit: Callable[[int, str], None]) -> Any:
            self._emit = emit
            return run()

        run_task(self, task, self._done, self._failed, self._on_progress)

    def _progress_cb(self, done: int, total: int) -> None:
        if self._emit is not None and total:
            self._emit(int(100 * done / total), "Writing the bundle…")

    def _on_progress(self, percent: int, _text: str) -> None:
        self.progress.setValue(percent)

    def _done(self, result: bundle_service.ExportResult) -> None:
        self.result_info = result
        self.progress.setValue(100)
        self.share.setEnabled(True)
        self.banner.info(
            f"Shared {result.case_count} case(s) and {result.attachment_count} file(s) "
            f"for {result.recipients}."
        )
        self.cancel.setText("Close")
        self.progress.hide()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.share.setEnabled(True)
        self.banner.error(message_for(exc))


# ---- import preview -----------------------------------------------------------------------------


class ImportPreviewDialog(SessionDialog):
    """Verify first, show what would change (and conflicts, each with a choice), then import."""

    def __init__(
        self, session: Session, path: Path, passphrase: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, "importPreview", "Import cases", parent, size=(980, 680))
        self.path, self.passphrase = Path(path), passphrase
        lay = QVBoxLayout(self)
        lay.addWidget(heading("Check before importing", 16))
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.sender = QLabel("Checking the bundle…")
        self.sender.setObjectName("importSender")
        self.sender.setWordWrap(True)
        lay.addWidget(self.sender)
        self.cases = QTableWidget(0, 5)
        self.cases.setObjectName("importCases")
        self.cases.setHorizontalHeaderLabels(["Case", "Status", "Records", "New / updated", "Files"])
        self.cases.horizontalHeader().setStretchLastSection(True)
        self.cases.verticalHeader().hide()
        self.cases.setMaximumHeight(150)
        lay.addWidget(self.cases)
        self.conflict_hint = hint(
            "Conflicts: the same record is different here and in the bundle (changed on both sides, "
            "or by a sender whose changes you confirm). Choose for each record, or for all of them."
        )
        lay.addWidget(self.conflict_hint)
        all_row = QHBoxLayout()
        all_row.addWidget(QLabel("For all:"))
        self.all_buttons: dict[str, QPushButton] = {}
        for choice, text in (("mine", "Keep mine"), ("theirs", "Take theirs"), ("both", "Keep both")):
            b = QPushButton(text)
            b.setObjectName(f"conflictsAll_{choice}")
            b.clicked.connect(lambda _=False, c=choice: self.choose_all(c))
            self.all_buttons[choice] = b
            all_row.addWidget(b)
        all_row.addStretch(1)
        self.all_row = QWidget()
        self.all_row.setLayout(all_row)
        lay.addWidget(self.all_row)
        self.conflicts = QTableWidget(0, 4)
        self.conflicts.setObjectName("importConflicts")
        self.conflicts.setHorizontalHeaderLabels(
            ["Record", "Mine (this vault)", "Theirs (the bundle)", "Keep"]
        )
        header = self.conflicts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts.verticalHeader().hide()
        self.conflicts.setWordWrap(True)
        self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay.addWidget(self.conflicts, 2)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        lay.addWidget(self.progress)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importApply")
        self.import_button.setEnabled(False)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        close.clicked.connect(self.reject)
        self.import_button.clicked.connect(self.apply)
        lay.addWidget(buttons)
        self.report: bundle_service.ImportReport | None = None
        self.choices: dict[str, QComboBox] = {}
        self.result: bundle_service.ImportReport | None = None

    def start(self) -> None:
        passphrase = self.passphrase
        path = self.path
        clock = self.session.clock
        run_task(
            self,
            _in_worker(
                self.session,
                lambda uow: bundle_service.preview_import(uow, path, passphrase=passphrase, clock=clock),
            ),
            self._previewed,
            self._failed,
        )

    def _previewed(self, report: bundle_service.ImportReport) -> None:
        self.report = report
        self.progress.hide()
        known = (
            "in your address book"
            if report.sender_known
            else "NOT in your address book: check the key with them"
        )
        self.sender.setText(
            f"From <b>{_esc(report.sender_name)}</b> ({known}). Key fingerprint {report.signer_fingerprint}. "
            f"Made {report.created_at}. The bundle is intact."
        )
        self.cases.setRowCount(len(report.cases))
        labels = {
            "new": "New case",
            "merged": "Merge",
            "unchanged": "Already up to date",
            "conflicts": "Conflicts",
        }
        for row, p in enumerate(report.cases):
            values = [
                f"{p.display_name} · {p.code}",
                labels[p.status],
                ", ".join(f"{n} {k}" for k, n in p.counts.items() if n),
                f"{p.new} new, {p.updated} updated",
                str(p.attachments_new),
            ]
            for col, text in enumerate(values):
                self.cases.setItem(row, col, QTableWidgetItem(text))
        self.cases.resizeColumnsToContents()
        conflicts = report.conflicts
        self.conflicts.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            self.conflicts.setItem(row, 0, QTableWidgetItem(c.label))
            fields = c.differing_fields()
            for col, side in ((1, c.mine), (2, c.theirs)):
                text = "\n".join(f"{_field_label(f)}: {_short(side.get(f)) or '(empty)'}" for f in fields)
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join(f"{_field_label(f)}: {side.get(f)}" for f in fields))
                self.conflicts.setItem(row, col, item)
            combo = QComboBox()
            combo.setObjectName(f"choice:{c.key}")
            combo.addItem("Keep mine", "mine")
            combo.addItem("Take theirs", "theirs")
            if c.can_keep_both:
                combo.addItem("Keep both", "both")
            self.conflicts.setCellWidget(row, 3, combo)
            self.choices[c.key] = combo
        for w in (self.conflicts, self.conflict_hint, self.all_row):
            w.setVisible(bool(conflicts))
        self.conflicts.resizeRowsToContents()
        self.import_button.setEnabled(True)

    def set_choice(self, key: str, choice: str) -> None:
        combo = self.choices[key]
        combo.setCurrentIndex(combo.findData(choice))

    def choose_all(self, choice: str) -> None:
        """The same answer for every conflict ("keep both" keeps mine where both cannot be kept)."""
        for combo in self.choices.values():
            i = combo.findData(choice)
            combo.setCurrentIndex(i if i >= 0 else combo.findData("mine"))

    def apply(self) -> None:
        choices = {k: combo.currentData() for k, combo in self.choices.items()}
        path, passphrase, clock = self.path, self.passphrase, self.session.clock
        self.import_button.setEnabled(False)
        self.progress.show()
        run_task(
            self,
            _in_worker(
                self.session,
                lambda uow: bundle_service.import_bundle(
                    uow, path, passphrase=passphrase, choices=choices, clock=clock
                ),
            ),
            self._imported,
            self._failed,
        )

    def _imported(self, report: bundle_service.ImportReport) -> None:
        self.result = report
        self.progress.hide()
        self.session.cases_changed.emit()
        for p in report.cases:
            self.session.notify_case(p.case_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.sender.setText("")
        self.banner.error(message_for(exc))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _field_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# ---- identity and contacts ----------------------------------------------------------------------


def qr_pixmap(text: str, scale: int = 5) -> QPixmap:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=3)
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix


def grouped_fingerprint(fp: str) -> str:
    """Groups of four, two groups to a pair, to read out by phone: "3F2A 91C0  7B44 ..."."""
    groups = fp.split()
    return "  ".join(" ".join(groups[i : i + 2]) for i in range(0, len(groups), 2))


def key_fingerprint(key_text: str) -> str:
    """The fingerprint of a pasted contact card ("" for a bare age key or anything else)."""
    try:
        _age, signing = identity_service.parse_key(key_text)
    except Exception:  # noqa: BLE001 - not a key yet: nothing to show
        return ""
    return identity_service.fingerprint(signing) if signing else ""


def _fingerprint_label(text: str, name: str) -> QLabel:
    """A fingerprint to read out by phone: selectable, monospaced and a little larger."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    mono = label.font()
    mono.setFamily("DejaVu Sans Mono")
    mono.setPointSize(mono.pointSize() + 2)
    label.setFont(mono)
    return label


class AddContactDialog(SessionDialog):
    """Add a colleague: name and contact card; shows the card's fingerprint to compare by phone
    and can mark the contact verified at once. Used from the identity page and the share wizard."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "addContactDialog", "Add a colleague", parent, min_width=560)
        self.added: identity_service.Contact | None = None
        f = QFormLayout(self)
        f.addRow(
            hint(
                "Paste the contact card your colleague gave you (imsa-contact:…). Then ask them to "
                "read out their fingerprint and compare it, group by group."
            )
        )
        self.name = QLineEdit()
        self.name.setObjectName("addContactName")
        f.addRow("Name", self.name)
        self.key = QLineEdit()
        self.key.setObjectName("addContactKey")
        self.key.setPlaceholderText("imsa-contact:… or age1…")
        f.addRow("Contact card", self.key)
        self.fingerprint = _fingerprint_label("", "addContactFingerprint")
        f.addRow("Fingerprint", self.fingerprint)
        self.verified = QCheckBox("I compared this fingerprint with them: mark verified")
        self.verified.setObjectName("addContactVerified")
        self.verified.setEnabled(False)
        f.addRow("", self.verified)
        self.key.textChanged.connect(self._key_changed)
        self.banner = save_cancel_footer(self, f)

    def _key_changed(self) -> None:
        fp = key_fingerprint(self.key.text())
        self.fingerprint.setText(grouped_fingerprint(fp) if fp else "")
        self.verified.setEnabled(bool(fp))
        if not fp:
            self.verified.setChecked(False)

    def _accept(self) -> None:
        def add() -> identity_service.Contact:
            c = identity_service.add_contact(self.session.uow(), self.name.text(), self.key.text())
            if self.verified.isChecked():
                c = identity_service.set_verified(self.session.uow(), c.age_public, True)
            return c

        added = fetch(self.banner, add)
        if added is None:
            return
        self.added = added
        self.accept()


def _verified_state(c: identity_service.Contact) -> str:
    if c.verified:
        return "✓ Verified"
    return "Not verified" if c.verifiable else "Cannot verify (age key only)"


class IdentityDialog(SessionDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "identityDialog", "My identity and contacts", parent, size=(760, 680))
        me = identity_service.my_identity(session.uow())
        lay = QVBoxLayout(self)
        lay.addWidget(heading("My identity", 16))
        lay.addWidget(
            hint(
                "Colleagues add this card to their address book to send you cases and to check that "
                "cases really come from you. Read the fingerprint out to them to compare."
            )
        )
        row = QHBoxLayout()
        self.qr = QLabel()
        self.qr.setObjectName("identityQr")
        self.qr.setPixmap(qr_pixmap(me.card))
        row.addWidget(self.qr)
        col = QVBoxLayout()
        self.card = QLineEdit(me.card)
        self.card.setObjectName("identityCard")
        self.card.setReadOnly(True)
        self.public = QLineEdit(me.age_public)
        self.public.setReadOnly(True)
        form = QFormLayout()
        form.addRow("Contact card", self.card)
        form.addRow("Public key", self.public)
        self.my_fingerprint = _fingerprint_label(grouped_fingerprint(me.fingerprint), "identityFingerprint")
        form.addRow("Fingerprint", self.my_fingerprint)
        col.addLayout(form)
        col.addStretch(1)
        row.addLayout(col, 1)
        lay.addLayout(row)
        lay.addWidget(heading("Contacts", 14))
        self.table: RecordTable[identity_service.Contact] = RecordTable(
            [
                Column("Name", lambda c: c.name),
                Column(
                    "Fingerprint (compare by phone)",
                    lambda c: grouped_fingerprint(c.fingerprint) if c.fingerprint else "age key only",
                    family="DejaVu Sans Mono",
                ),
                Column("Verified", _verified_state),
            ],
            "contactsTable",
            stretch=[2],
            alternating=False,
        )
        lay.addWidget(self.table)
        actions = QHBoxLayout()
        self.verify_button, self.unverify_button, self.remove_button = named_buttons(
            actions,
            ("Mark verified", "contactVerify", lambda: self.set_verified(True)),
            ("Mark not verified", "contactUnverify", lambda: self.set_verified(False)),
            ("Remove…", "contactRemove", self.remove_selected),
            stretch=True,
        )
        lay.addLayout(actions)
        self.banner = Banner()
        lay.addWidget(self.banner)
        add = QHBoxLayout()
        self.name = QLineEdit()
        self.name.setObjectName("contactName")
        self.name.setPlaceholderText("Colleague's name")
        self.key = QLineEdit()
        self.key.setObjectName("contactKey")
        self.key.setPlaceholderText("Their contact card (imsa-contact:…) or age1… key")
        button = QPushButton("Add contact")
        button.setObjectName("contactAdd")
        button.clicked.connect(self.add_contact)
        add.addWidget(self.name)
        add.addWidget(self.key, 2)
        add.addWidget(button)
        lay.addLayout(add)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay.addWidget(close)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()

    def refresh(self) -> None:
        kept = self.selected()
        self.table.set_rows(identity_service.list_contacts(self.session.uow()))
        if kept is not None:  # the contact just marked stays selected
            self.table.select_first(lambda c: c.age_public == kept.age_public)
        self._selection_changed()

    def selected(self) -> identity_service.Contact | None:
        return self.table.selected()

    def select_contact(self, name: str) -> None:
        self.table.select_first(lambda c: c.name == name)

    def _selection_changed(self) -> None:
        c = self.selected()
        self.verify_button.setEnabled(c is not None and c.verifiable and not c.verified)
        self.unverify_button.setEnabled(c is not None and c.verified)
        self.remove_button.setEnabled(c is not None)

    def set_verified(self, verified: bool) -> None:
        c = self.selected()
        if c is None:
            return
        if not attempt(
            self.banner, lambda: identity_service.set_verified(self.session.uow(), c.age_public, verified)
        ):
            return
        self.banner.info(f"{c.name} is {'verified' if verified else 'no longer marked verified'}.")
        self.refresh()
        self.select_contact(c.name)

    def confirm_remove(self, contact: identity_service.Contact) -> bool:
        answer = QMessageBox.question(
            self,
            "Remove contact?",
            f"Remove {contact.name} from your contacts? You will no longer be able to share cases "
            "with them, and bundles from them will show as from someone not in your address book.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self) -> None:
        c = self.selected()
        if c is None or not self.confirm_remove(c):
            return
        if not attempt(
            self.banner, lambda: identity_service.remove_contact(self.session.uow(), c.age_public)
        ):
            return
        self.banner.info(f"{c.name} was removed from your contacts.")
        self.refresh()

    def add_contact(self) -> None:
        if not attempt(
            self.banner,
            lambda: identity_service.add_contact(self.session.uow(), self.name.text(), self.key.text()),
        ):
            return
        self.banner.info("Contact added. Compare the fingerprint with them, then mark them verified.")
        self.name.clear()
        self.key.clear()
        self.refresh()


# ---- actions ------------------------------------------------------------------------------------


def open_import(window: Any) -> None:
    session: Session = window.session
    path, _ = QFileDialog.getOpenFileName(
        window, "Import a bundle", str(Path.home()), "IMSA bundles (*.imsabundle);;All files (*)"
    )
    if not path:
        return
    passphrase: str | None = None
    if not _is_for_me(Path(path)):
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            window, "Bundle passphrase", "Passphrase for this bundle:", QLineEdit.EchoMode.Password
        )
        if not ok:
            return
        passphrase = text
    dialog = ImportPreviewDialog(session, Path(path), passphrase, parent=window)
    dialog.start()
    dialog.open()


def _is_for_me(path: Path) -> bool:
    """Passphrase bundles carry an scrypt stanza in the age header; anything else goes to keys."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        return True
    return b"-> scrypt " not in head


def register_actions(window: Any) -> list[QAction]:
    """Add "Share…", "Import…" and "Contacts" (my identity and colleagues' keys) to the toolbar."""
    actions = []
    for text, name, handler in (
        ("Share…", "actionShare", lambda: ExportWizard(window.session, parent=window).open()),
        ("Import…", "actionImport", lambda: open_import(window)),
        ("Contacts", "actionIdentity", lambda: IdentityDialog(window.session, parent=window).open()),
    ):
        action = QAction(text, window)
        action.setObjectName(name)
        if name == "actionIdentity":
            action.setToolTip("My identity (the key colleagues share with) and my colleagues' keys")
        action.triggered.connect(handler)
        actions.append(action)
    toolbar = getattr(window, "toolbar", None)
    if toolbar is not None:
        toolbar.addActions(actions)
    else:
        window.addActions(actions)
    return actions
