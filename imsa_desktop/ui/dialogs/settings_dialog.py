"""Privacy settings: auto-lock time, clipboard time, retention period (kept in the vault)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QVBoxLayout, QWidget

from imsa_desktop.services import settings as settings_service
from imsa_desktop.ui.common import Banner, hint, message_for
from imsa_desktop.ui.session import Session


class SettingsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint("These settings are kept inside the encrypted vault and apply on this vault only.")
        )
        form = QFormLayout()
        current = settings_service.load_settings(session.uow())
        self.idle = QSpinBox()
        self.idle.setObjectName("idleMinutes")
        self.idle.setRange(*settings_service.IDLE_RANGE)
        self.idle.setSuffix(" minutes")
        self.idle.setValue(current.idle_minutes)
        form.addRow("Lock after no activity for", self.idle)
        self.clipboard = QSpinBox()
        self.clipboard.setRange(*settings_service.CLIPBOARD_RANGE)
        self.clipboard.setSuffix(" seconds")
        self.clipboard.setValue(current.clipboard_seconds)
        form.addRow("Clear copied text after", self.clipboard)
        self.retention = QSpinBox()
        self.retention.setRange(*settings_service.RETENTION_RANGE)
        self.retention.setSuffix(" months")
        self.retention.setValue(current.retention_months)
        form.addRow("Review closed cases after", self.retention)
        lay.addLayout(form)
        self.banner = Banner()
        lay.addWidget(self.banner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def value(self) -> settings_service.PrivacySettings:
        return settings_service.PrivacySettings(
            idle_minutes=self.idle.value(),
            retention_months=self.retention.value(),
            clipboard_seconds=self.clipboard.value(),
        )

    def save(self) -> None:
        try:
            settings_service.save_settings(self.session.uow(), self.value())
        except Exception as e:
            self.banner.error(message_for(e))
            return
        self.accept()
