"""Unlock: passphrase (with a growing delay after failures), keychain, or recovery key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.errors import KeychainUnavailable, WrongPassphrase
from imsa_desktop.ui.common import (
    Banner,
    PassphraseField,
    StrengthMeter,
    after_window_drawn,
    hint,
    message_for,
)
from imsa_desktop.ui.forms import add_row
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.card_page import CardPage
from imsa_desktop.ui.workers import run_task

AFTER_FIRST_PAINT_MS = 60  # non-urgent start-up work waits until the window has been drawn


class UnlockView(CardPage):
    unlocked = Signal()
    unlock_started = Signal()  # key derivation is running in a worker; the GUI thread is free

    def __init__(self, session: Session, keychain: Keychain, parent: QWidget | None = None) -> None:
        super().__init__("Unlock your vault", "", 520, parent)
        self.session = session
        self.keychain = keychain
        self.where = hint("")
        self.box.addWidget(self.where)
        self.passphrase = PassphraseField("Passphrase")
        self.passphrase.setObjectName("unlockPassphrase")
        self.passphrase.setAccessibleName("Passphrase")
        self.box.addWidget(self.passphrase)
        self.add_status()
        self.recovery_button, self.keychain_button, self.unlock_button = self.add_buttons(
            [("&Forgot passphrase?", "useRecoveryKey", self.use_recovery_key)],
            [
                ("Unlock with this device", "unlockKeychain", self.unlock_with_keychain),
                ("Unlock", "unlockButton", self.unlock),
            ],
        )
        # "Forgot passphrase?" is pressed by Alt+F or a deliberate click, never by Enter.
        self.recovery_button.setFlat(True)
        self.recovery_button.setAutoDefault(False)
        self.recovery_button.setToolTip("Unlock with the recovery key and choose a new passphrase (Alt+F)")
        # Tab from the passphrase reaches Unlock first; "Forgot passphrase?" comes last.
        QWidget.setTabOrder(self.passphrase, self.unlock_button)
        QWidget.setTabOrder(self.unlock_button, self.keychain_button)
        QWidget.setTabOrder(self.keychain_button, self.recovery_button)
        self.passphrase.returnPressed.connect(self.unlock)
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        self._working = False

    def prepare(self, notice: str = "") -> None:
        self.where.setText(f"Vault: {self.session.path}")
        self.passphrase.clear()
        # Whether this device can unlock it is checked just after the window shows (reading
        # the key file and asking the keychain would delay the first paint).
        self.keychain_button.setVisible(False)
        after_window_drawn(AFTER_FIRST_PAINT_MS, self._check_keychain)
        if notice:
            self.banner.info(notice)
        else:
            self.banner.clear_message()
        self._tick()
        self.passphrase.setFocus()

    def _check_keychain(self) -> None:
        if self.session.is_open:
            return
        self.keychain_button.setVisible(
            vault_service.has_keychain_slot(self.session.path)
            and vault_service.keychain_available(self.keychain)
        )

    # ---- attempts -----------------------------------------------------------------------
    def _set_working(self, on: bool) -> None:
        self._working = on
        self.busy.setVisible(on)
        # Read-only, not disabled: a disabled field would hand the keyboard focus to the next
        # button ("Forgot passphrase?"), and the rest of a typed passphrase would press it.
        self.passphrase.setReadOnly(on)
        self._tick()

    def _tick(self) -> None:
        wait = self.session.throttle.wait_seconds()
        enabled = wait <= 0 and not self._working
        self.unlock_button.setEnabled(enabled)
        self.keychain_button.setEnabled(not self._working)
        if wait > 0:
            self.unlock_button.setText(f"Try again in {int(wait + 0.999)} s")
            if not self._countdown.isActive():
                self._countdown.start()
        else:
            self.unlock_button.setText("Unlock")
            self._countdown.stop()

    def unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        text = self.passphrase.text()
        if not text:
            self.banner.info("Please type your passphrase.")
            return
        path = self.session.path
        self._set_working(True)
        run_task(self, lambda: vault_service.unwrap(path, text), self._unwrapped, self._failed)
        self.unlock_started.emit()

    def unlock_with_keychain(self) -> None:
        path = self.session.path
        self._set_working(True)
        run_task(
            self, lambda: vault_service.unwrap_keychain(path, self.keychain), self._unwrapped, self._failed
        )

    def _unwrapped(self, unwrapped: Any) -> None:
        try:
            vault = vault_service.open_unwrapped(unwrapped)
        except Exception as e:
            self._failed(e)
            return
        self._set_working(False)
        self.passphrase.clear()
        self.banner.clear_message()
        self.session.attach(vault)
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        if isinstance(exc, WrongPassphrase):
            delay = self.session.throttle.failed()
            extra = (
                f" For your safety, the next try is possible in {int(delay)} seconds." if delay >= 1 else ""
            )
            self.banner.error(exc.user_message + extra)
        elif isinstance(exc, KeychainUnavailable):
            self.keychain_button.hide()
            self.banner.info(exc.user_message)
        else:
            self.banner.error(message_for(exc))
        self._tick()
        # Try again at once: the keyboard stays in the passphrase field, its text selected.
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        self.passphrase.selectAll()

    def use_recovery_key(self) -> None:
        dialog = RecoveryDialog(self.session, self)
        dialog.recovered.connect(self._recovered)
        dialog.open()

    def _recovered(self) -> None:
        self.banner.clear_message()
        self.unlocked.emit()


class RecoveryDialog(QDialog):
    """Forgotten passphrase: recovery key plus a new passphrase."""

    recovered = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Unlock with the recovery key")
        self.setModal(True)
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint(
                "Type the recovery key your organisation keeps on paper (dashes and spaces do not matter), "
                "then choose a new passphrase."
            )
        )
        form = QFormLayout()
        self.key = add_row(form, "Recovery key", QLineEdit(), "recoveryKeyInput", "XXXX-XXXX-XXXX-…")
        self.new = add_row(form, "New passphrase", PassphraseField("New passphrase"))
        self.meter = add_row(form, "", StrengthMeter())
        lay.addLayout(form)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Unlock and set passphrase", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("recoverUnlock")
        self.ok.setDefault(True)
        # Enter must never press Cancel (and throw the typed key away) while Unlock waits.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.ok.setEnabled(False)
        lay.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.ok.clicked.connect(self._go)
        self.new.textChanged.connect(self._changed)
        self.key.textChanged.connect(self._changed)
        self.status = QLabel()
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight)

    def _changed(self) -> None:
        self.meter.update_for(self.new.text())
        self.ok.setEnabled(self.meter.acceptable and bool(self.key.text().strip()))

    def _go(self) -> None:
        path, key, new = self.session.path, self.key.text(), self.new.text()
        self.ok.setEnabled(False)
        self.banner.info("Checking the recovery key…")
        run_task(
            self,
            lambda: vault_service.reset_passphrase_with_recovery_key(path, key, new),
            self._done,
            self._failed,
        )

    def _done(self, vault: Any) -> None:
        self.session.attach(vault)
        self.key.clear()
        self.new.clear()
        self.accept()
        self.recovered.emit()

    def _failed(self, exc: BaseException) -> None:
        self.banner.error(message_for(exc))
        self._changed()
