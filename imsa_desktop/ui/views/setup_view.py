"""First run: create the vault, then show the recovery key once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.crypto.keyslots import recovery_key_groups
from imsa_desktop.ui.common import (
    PassphraseField,
    StrengthMeter,
    hint,
    message_for,
)
from imsa_desktop.ui.forms import add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.card_page import CardPage
from imsa_desktop.ui.widgets import named_buttons
from imsa_desktop.ui.workers import run_task


class SetupView(CardPage):
    """Name, passphrase (with strength feedback), optional keychain; creates the vault."""

    vault_made = Signal(str)  # the new vault's recovery key, to show once
    back = Signal()  # to the welcome screen

    def __init__(self, session: Session, keychain: Keychain, parent: QWidget | None = None) -> None:
        super().__init__(
            "Create your vault",
            "Your cases are kept in an encrypted vault on this computer and never leave it unless "
            "you export them. Choose a passphrase only you know: it is the key to the vault.",
            560,
            parent,
        )
        self.session = session
        self.keychain = keychain
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = add_row(form, "Your name", QLineEdit(), "advocateName", "e.g. Sam Example")
        self.passphrase = add_row(form, "Passphrase", PassphraseField("New passphrase"), "newPassphrase")
        self.meter = add_row(form, "", StrengthMeter())
        self.repeat = add_row(form, "Repeat", PassphraseField("Repeat the passphrase"), "repeatPassphrase")
        self.box.addLayout(form)
        self.remember = QCheckBox("Remember on this device (unlock with the system keychain)")
        self.remember.setObjectName("rememberDevice")
        self.remember.setVisible(vault_service.keychain_available(keychain))
        self.box.addWidget(self.remember)
        self.add_status()
        self.back_button, self.create_button = self.add_buttons(
            [("Back", "setupBack", self.back)], [("Create my vault", "createVault", self.create)]
        )
        self.create_button.setEnabled(False)

        for field in (self.passphrase, self.repeat, self.name):
            field.textChanged.connect(self._changed)
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
        self.vault_made.emit(recovery)

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.banner.error(message_for(exc))
        self._changed()


GROUPS_PER_LINE = 5
PRINT_TO_FILE_WARNING = (
    "Print it on a real printer. A \u201cprint to file\u201d (PDF) copy would put the key on "
    "this laptop, next to the vault it opens."
)


def real_printers() -> list[str]:
    """Names of the printers that put ink on paper (not PDF or file writers)."""
    from PySide6.QtPrintSupport import QPrinterInfo

    names = []
    for info in QPrinterInfo.availablePrinters():
        name = info.printerName()
        if not any(word in name.lower() for word in ("pdf", "file", "xps")):
            names.append(name)
    return names


def numbered_groups(groups: list[str]) -> str:
    """``1 7K2M   2 QX9D ...``: numbered groups of four, five to a line, for reading aloud."""
    cells = [f"{i + 1:>2} {g}" for i, g in enumerate(groups)]
    return "\n".join(
        "   ".join(cells[i : i + GROUPS_PER_LINE]) for i in range(0, len(cells), GROUPS_PER_LINE)
    )


class RecoveryKeyView(CardPage):
    """Shows the recovery key exactly once, with Print; continues only when the advocate has
    confirmed keeping it and typed one group of it back."""

    acknowledged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Your recovery key",
            "If the passphrase is ever forgotten, this key opens the vault. It is shown only now. "
            "Print it or write it down and give it to your organisation to keep locked away, "
            "never with the laptop. Anyone who has it can open your vault. It has 14 numbered "
            "groups of four; no two characters look alike (there is no letter O, I, L or U).",
            700,
            parent,
        )
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setAccessibleName("Recovery key")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        f = QFont("DejaVu Sans Mono")
        f.setStyleHint(QFont.StyleHint.Monospace)
        f.setPointSize(15)
        self.key_label.setFont(f)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setWordWrap(True)
        self.box.addWidget(self.key_label)
        self.box.addWidget(hint(PRINT_TO_FILE_WARNING))
        row = QHBoxLayout()
        [self.print_button] = named_buttons(row, ("&Print on paper\u2026", "printRecoveryKey", self._print))
        [self.allow_file] = named_buttons(
            row,
            ("Also offer \u201cprint to file\u201d (not recommended)", "allowPrintToFile"),
            kind=QCheckBox,
            stretch=True,
        )
        self.box.addLayout(row)
        self.add_status(working_bar=False)
        self.confirm = QCheckBox("I have printed or written down the recovery key")
        self.confirm.setObjectName("confirmRecovery")
        self.box.addWidget(self.confirm)
        self.check_label = QLabel()
        self.check_input = QLineEdit()
        self.check_input.setObjectName("recoveryCheckGroup")
        self.check_input.setMaxLength(9)
        self.check_input.setMaximumWidth(120)
        self.check_label.setBuddy(self.check_input)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_label)
        check_row.addWidget(self.check_input)
        check_row.addStretch(1)
        self.box.addLayout(check_row)
        [self.continue_button] = self.add_buttons(end=[("Continue", "continueAfterRecovery", self._done)])
        self.continue_button.setEnabled(False)
        self.confirm.toggled.connect(self._update)
        self.check_input.textChanged.connect(self._update)
        self.check_input.returnPressed.connect(self._done)
        self._key = ""
        self._check_index = 0

    def show_key(self, key: str, check_index: int | None = None) -> None:
        import secrets

        self._key = key
        groups = recovery_key_groups(key)
        self.key_label.setText(numbered_groups(groups))
        # A screen reader reads the groups one at a time, with their numbers.
        self.key_label.setAccessibleDescription(
            "; ".join(f"group {i + 1}: {' '.join(g)}" for i, g in enumerate(groups))
        )
        self._check_index = secrets.randbelow(len(groups)) if check_index is None else check_index
        self.check_label.setText(f"To check your copy, type group &{self._check_index + 1}:")
        self.check_input.setAccessibleName(f"Group {self._check_index + 1} of the recovery key")
        self.check_input.clear()
        self.confirm.setChecked(False)
        self.banner.clear_message()
        self._update()

    def _typed_group_matches(self) -> bool:
        if not self._key:
            return False
        want = recovery_key_groups(self._key)[self._check_index]
        typed = recovery_key_groups(self.check_input.text().upper().translate(str.maketrans("OIL", "011")))
        return "".join(typed) == want

    def _update(self) -> None:
        ok = self._typed_group_matches()
        self.continue_button.setEnabled(self.confirm.isChecked() and ok)
        if self.check_input.text().strip() and len(self.check_input.text().strip()) >= 4 and not ok:
            self.banner.info(f"That is not group {self._check_index + 1}; please check your copy.")
        else:
            self.banner.clear_message()

    def make_print_dialog(self, printer: QPrinter) -> QPrintDialog:
        """The print dialog: real printers only, unless the advocate asked for print to file."""
        dialog = QPrintDialog(printer, self)
        dialog.kept_printer = printer  # type: ignore[attr-defined]  # the dialog must not outlive it
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, self.allow_file.isChecked())
        dialog.setWindowTitle("Print the recovery key")
        return dialog

    def _print(self) -> None:
        printers = real_printers()
        if not printers and not self.allow_file.isChecked():
            self.banner.info(
                "No printer is set up on this computer. Please write the key down by hand, "
                "group by group, and check it once more."
            )
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        if printers and printer.printerName() not in printers:
            printer.setPrinterName(printers[0])
        dialog = self.make_print_dialog(printer)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        to_file = (
            printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
            or bool(printer.outputFileName())
            or printer.printerName() not in printers
        )
        if to_file and not self.allow_file.isChecked():
            self.banner.error("Nothing was printed: that printer writes a file. " + PRINT_TO_FILE_WARNING)
            return
        groups = recovery_key_groups(self._key)
        cells = "".join(
            f"<tr><td style='color:#57606a'>{i + 1}</td><td><b>{g}</b></td></tr>"
            for i, g in enumerate(groups)
        )
        doc = QTextDocument()
        doc.setHtml(
            "<h2>IMSA Desktop vault recovery key</h2>"
            "<p>Keep this page locked away, never with the laptop. It opens the vault if the "
            "passphrase is forgotten. There is no letter O, I, L or U in the key.</p>"
            f"<table cellpadding='6' style='font-family: monospace; font-size: 16pt'>{cells}</table>"
        )
        doc.print_(printer)
        if to_file:
            self.banner.info("Saved as a file. Please print it and then delete the file.")

    def _done(self) -> None:
        if not self.continue_button.isEnabled():
            return
        self._key = ""
        self.key_label.clear()
        self.key_label.setAccessibleDescription("")
        self.check_input.clear()
        self.acknowledged.emit()
