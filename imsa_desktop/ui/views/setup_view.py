"""First run: create the vault, then show the recovery key once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.services import vault as vault_service
from imsa_desktop.ui.common import (
    Banner,
    PassphraseField,
    StrengthMeter,
    card,
    centered,
    heading,
    hint,
    message_for,
)
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.workers import run_task


class SetupView(QWidget):
    """Name, passphrase (with strength feedback), optional keychain; creates the vault."""

    vault_created = Signal(str)  # the recovery key, to show once

    def __init__(self, session: Session, keychain: Keychain, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.keychain = keychain
        box = QVBoxLayout()
        box.setSpacing(12)
        box.addWidget(heading("Welcome to IMSA Desktop"))
        box.addWidget(
            hint(
                "Your cases are kept in an encrypted vault on this computer and never leave it unless "
                "you export them. Choose a passphrase only you know: it is the key to the vault."
            )
        )
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit()
        self.name.setObjectName("advocateName")
        self.name.setPlaceholderText("e.g. Sam Example")
        form.addRow("Your name", self.name)
        self.passphrase = PassphraseField("New passphrase")
        self.passphrase.setObjectName("newPassphrase")
        form.addRow("Passphrase", self.passphrase)
        self.meter = StrengthMeter()
        form.addRow("", self.meter)
        self.repeat = PassphraseField("Repeat the passphrase")
        self.repeat.setObjectName("repeatPassphrase")
        form.addRow("Repeat", self.repeat)
        box.addLayout(form)
        self.remember = QCheckBox("Remember on this device (unlock with the system keychain)")
        self.remember.setObjectName("rememberDevice")
        self.remember.setVisible(vault_service.keychain_available(keychain))
        box.addWidget(self.remember)
        self.banner = Banner()
        box.addWidget(self.banner)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(6)
        self.busy.hide()
        box.addWidget(self.busy)
        row = QHBoxLayout()
        row.addStretch(1)
        self.create_button = QPushButton("Create my vault")
        self.create_button.setObjectName("createVault")
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        row.addWidget(self.create_button)
        box.addLayout(row)
        lay = QVBoxLayout(self)
        lay.addWidget(centered(card(box), 560))

        self.passphrase.textChanged.connect(self._changed)
        self.repeat.textChanged.connect(self._changed)
        self.name.textChanged.connect(self._changed)
        self.create_button.clicked.connect(self.create)
        self.repeat.returnPressed.connect(self.create)

    def _changed(self) -> None:
        self.meter.user_inputs = tuple(self.name.text().split())
        self.meter.update_for(self.passphrase.text())
        ok = (
            bool(self.name.text().strip())
            and self.meter.acceptable
            and self.passphrase.text() == self.repeat.text()
        )
        self.create_button.setEnabled(ok)
        if self.repeat.text() and self.passphrase.text() != self.repeat.text():
            self.banner.info("The two passphrases do not match yet.")
        else:
            self.banner.clear_message()

    def create(self) -> None:
        if not self.create_button.isEnabled():
            return
        path = self.session.path
        passphrase, name = self.passphrase.text(), self.name.text()
        remember = self.remember.isVisible() and self.remember.isChecked()
        self.create_button.setEnabled(False)
        self.busy.show()
        self.banner.info("Creating your vault. This takes a few seconds on purpose: it makes guessing slow.")

        def work() -> Any:
            vault, recovery = vault_service.create_vault(path, passphrase, name)
            note = ""
            if remember:
                try:
                    vault.remember_on_device(self.keychain)
                except Exception as e:
                    note = message_for(e)
            return vault, recovery, note

        run_task(self, work, self._created, self._failed)

    def _created(self, result: Any) -> None:
        vault, recovery, note = result
        self.busy.hide()
        self.passphrase.clear()
        self.repeat.clear()
        self.session.vault = vault  # attached for real once the recovery key is acknowledged
        if note:
            self.banner.info(note)
        self.vault_created.emit(recovery)

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.banner.error(message_for(exc))
        self._changed()


class RecoveryKeyView(QWidget):
    """Shows the recovery key exactly once, with Print; continues only when acknowledged."""

    acknowledged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout()
        box.setSpacing(12)
        box.addWidget(heading("Your recovery key"))
        box.addWidget(
            hint(
                "If the passphrase is ever forgotten, this key opens the vault. It is shown only now. "
                "Print it or write it down and give it to your organisation to keep locked away, "
                "never with the laptop. Anyone who has it can open your vault."
            )
        )
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        f = QFont("DejaVu Sans Mono")
        f.setStyleHint(QFont.StyleHint.Monospace)
        f.setPointSize(15)
        self.key_label.setFont(f)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setWordWrap(True)
        box.addWidget(self.key_label)
        row = QHBoxLayout()
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(self._print)
        row.addWidget(self.print_button)
        row.addStretch(1)
        box.addLayout(row)
        self.confirm = QCheckBox("I have printed or written down the recovery key")
        self.confirm.setObjectName("confirmRecovery")
        box.addWidget(self.confirm)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        self.continue_button = QPushButton("Continue")
        self.continue_button.setObjectName("continueAfterRecovery")
        self.continue_button.setEnabled(False)
        row2.addWidget(self.continue_button)
        box.addLayout(row2)
        lay = QVBoxLayout(self)
        lay.addWidget(centered(card(box), 640))
        self.confirm.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self._done)
        self._key = ""

    def show_key(self, key: str) -> None:
        self._key = key
        groups = key.split("-")
        lines = ["  ".join(groups[i : i + 5]) for i in range(0, len(groups), 5)]
        self.key_label.setText("\n".join(lines))
        self.confirm.setChecked(False)

    def _print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        doc.setHtml(
            "<h2>IMSA Desktop vault recovery key</h2>"
            "<p>Keep this page locked away, never with the laptop. It opens the vault if the "
            "passphrase is forgotten.</p>"
            f"<p style='font-family: monospace; font-size: 16pt'>{self._key}</p>"
        )
        doc.print_(printer)

    def _done(self) -> None:
        self._key = ""
        self.key_label.clear()
        self.acknowledged.emit()
