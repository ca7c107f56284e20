"""First run: the welcome screen (where the vault will be kept, and four ways to start) and
the "Restore from a backup" page.

"Create a vault" goes on to the set-up page (setup_view.py); "Open an existing vault" asks for
the file; "Restore from a backup" makes a new vault from a backup; "Try the demo vault" opens
a vault of fictional cases kept in its own folder, with DEMO in the title bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from imsa_desktop.ui.common import PassphraseField, hint, message_for
from imsa_desktop.ui.forms import add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.card_page import CardPage
from imsa_desktop.ui.widgets import named_buttons
from imsa_desktop.ui.workers import run_task

VAULT_FILTER = "IMSA vaults (*.imsa);;All files (*)"
BACKUP_FILTER = "IMSA backups (*.imsa-backup);;All files (*)"


def _path_label(path: Path, name: str) -> QLabel:
    label = QLabel(str(path))
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("font-family: 'DejaVu Sans Mono', monospace;")
    return label


class WelcomeView(CardPage):
    """Says where the vault will be kept; offers create, open, restore and the demo."""

    create_requested = Signal()
    open_requested = Signal(str)  # an existing vault file chosen by the advocate
    restore_requested = Signal()
    demo_requested = Signal()

    def __init__(self, session: Session, demo_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(
            "Welcome to IMSA Desktop",
            "IMSA Desktop keeps your cases in one encrypted vault file on this computer. Nothing "
            "leaves it unless you export or back it up. Your vault will be kept here:",
            680,
            parent,
            spacing=10,
        )
        self.session = session
        self.where = _path_label(session.path, "vaultLocation")
        self.box.addWidget(self.where)
        self.add_status()

        self.buttons: dict[str, QPushButton] = {}
        for name, text, explain in (
            (
                "welcomeCreate",
                "Create a vault",
                "Start here on your first day: choose a passphrase and get a paper recovery key.",
            ),
            (
                "welcomeOpen",
                "Open an existing vault",
                "A vault file you already have, for example copied from your previous laptop.",
            ),
            (
                "welcomeRestore",
                "Restore from a backup",
                "A backup file (.imsa-backup) and the passphrase it was made with.",
            ),
            (
                "welcomeDemo",
                "Try the demo vault",
                "Explore with fictional cases. The demo is kept apart from real cases, in "
                f"{demo_path.parent}, and the title bar says DEMO.",
            ),
        ):
            row = QHBoxLayout()
            button = QPushButton(text)
            button.setObjectName(name)
            button.setMinimumWidth(210)
            button.setAccessibleDescription(explain)
            self.buttons[name] = button
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(hint(explain), 1)
            self.box.addLayout(row)
        self.buttons["welcomeCreate"].setDefault(True)

        self.buttons["welcomeCreate"].clicked.connect(self.create_requested)
        self.buttons["welcomeOpen"].clicked.connect(self.choose_existing)
        self.buttons["welcomeRestore"].clicked.connect(self.restore_requested)
        self.buttons["welcomeDemo"].clicked.connect(self.demo_requested)

    def refresh(self) -> None:
        self.where.setText(str(self.session.path))

    def set_busy(self, on: bool, message: str = "") -> None:
        self.busy.setVisible(on)
        for b in self.buttons.values():
            b.setEnabled(not on)
        if message:
            self.banner.info(message)

    def choose_existing(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open an existing vault", str(self.session.path.parent), VAULT_FILTER
        )
        if name:
            self.open_requested.emit(name)


class RestoreView(CardPage):
    """A backup file and its passphrase make a new vault at the session's path."""

    vault_made = Signal(str)  # the new vault's recovery key, to show once
    back = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            "Restore from a backup",
            "Choose the backup file and type the passphrase the backup was made with. A new "
            "vault is made here, with that passphrase, and everything in the backup is put into it:",
            620,
            parent,
        )
        self.session = session
        self.where = _path_label(session.path, "restoreLocation")
        self.box.addWidget(self.where)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        file_row = QHBoxLayout()
        self.file = QLineEdit()
        self.file.setObjectName("backupFile")
        self.file.setPlaceholderText("…/vault-backup.imsa-backup")
        file_row.addWidget(self.file, 1)
        named_buttons(file_row, ("Choose…", "chooseBackup", self._choose))
        form.addRow("Backup file", file_row)
        self.passphrase = add_row(
            form, "Passphrase", PassphraseField("The backup's passphrase"), "backupPassphrase"
        )
        self.name = add_row(form, "Your name", QLineEdit(), "restoreAdvocateName", "e.g. Sam Example")
        self.box.addLayout(form)
        self.add_status()
        self.back_button, self.restore_button = self.add_buttons(
            [("Back", "restoreBack", self.back)], [("Restore", "restoreButton", self.restore)]
        )
        self.passphrase.returnPressed.connect(self.restore)

    def refresh(self) -> None:
        self.where.setText(str(self.session.path))

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the backup", str(Path.home()), BACKUP_FILTER)
        if name:
            self.file.setText(name)

    def restore(self) -> None:
        if not self.restore_button.isEnabled():
            return
        source = self.file.text().strip()
        passphrase, name = self.passphrase.text(), self.name.text().strip()
        if not source:
            self.banner.info("Please choose the backup file.")
            return
        if not passphrase:
            self.banner.info("Please type the passphrase the backup was made with.")
            return
        if not name:
            self.banner.info("Please enter your name (it is recorded in the audit log).")
            return
        path = self.session.path
        self._working(True)
        self.banner.info("Restoring. Checking the backup and unlocking it takes a few seconds.")

        def work() -> Any:
            from imsa_desktop.services import first_run

            return first_run.restore_to_new_vault(path, Path(source).expanduser(), passphrase, name)

        run_task(self, work, self._done, self._failed)

    def _working(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.restore_button.setEnabled(not on)
        self.back_button.setEnabled(not on)

    def _done(self, result: Any) -> None:
        self._working(False)
        self.passphrase.clear()
        self.session.vault = result.vault  # attached for real once the recovery key is acknowledged
        self.banner.info(f"Restored {result.cases} case(s).")
        self.vault_made.emit(result.recovery_key)

    def _failed(self, exc: BaseException) -> None:
        self._working(False)
        self.banner.error(message_for(exc))
