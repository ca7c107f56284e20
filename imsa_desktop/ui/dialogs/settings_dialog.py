"""Privacy settings: auto-lock time, clipboard time, retention period (kept in the vault)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QSpinBox, QVBoxLayout, QWidget

from imsa_desktop.services import settings as settings_service
from imsa_desktop.ui.case_tab import attempt
from imsa_desktop.ui.common import hint, save_cancel_footer
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.widgets import SessionDialog


class SettingsDialog(SessionDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "settingsDialog", "Settings", parent)
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
        self.banner = save_cancel_footer(self, lay)

    def value(self) -> settings_service.PrivacySettings:
        return settings_service.PrivacySettings(
            idle_minutes=self.idle.value(),
            retention_months=self.retention.value(),
            clipboard_seconds=self.clipboard.value(),
        )

    def save(self) -> None:
        if attempt(self.banner, lambda: settings_service.save_settings(self.session.uow(), self.value())):
            self.accept()

    _accept = save  # what Save does (save_cancel_footer)
