""" "Back up now": a whole-vault backup with a passphrase, with progress and cancel.

The backup runs in a worker on its own connection (``run_task``); it is written and verified
under a temporary name, so a cancelled or failed run leaves the previous backup as it was
(services/backup.py). The Today page shows the reminder and opens this dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.services import backup as backup_service
from imsa_desktop.ui.common import Banner, PassphraseField, hint, message_for
from imsa_desktop.ui.workers import CancelFlag, run_task


class BackupNowDialog(QDialog):
    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("backupNowDialog")
        self.setWindowTitle("Back up now")
        self.setMinimumWidth(580)
        lay = QVBoxLayout(self)
        lay.addWidget(
            hint(
                "The whole vault (every case, attachment, letter and setting) is written to one "
                "encrypted file and read back to check it. Keep it somewhere other than this laptop. "
                "You need the passphrase to restore it."
            )
        )
        form = QFormLayout()
        row = QHBoxLayout()
        self.path = QLineEdit(str(Path.home() / "imsa-vault.imsa-backup"))
        self.path.setObjectName("backupPath")
        self.path.setAccessibleName("Backup file")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Backup file", row)
        self.passphrase = PassphraseField("Backup passphrase")
        self.passphrase.setObjectName("backupPassphrase")
        form.addRow("Passphrase", self.passphrase)
        self.repeat = PassphraseField("Repeat the passphrase")
        self.repeat.setObjectName("backupPassphraseRepeat")
        form.addRow("Repeat", self.repeat)
        lay.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setObjectName("backupProgress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        lay.addWidget(self.progress)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.buttons = QDialogButtonBox()
        self.start = self.buttons.addButton("Back up", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.setObjectName("backupStart")
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setObjectName("backupCancel")
        self.start.clicked.connect(self.begin)
        self.cancel.clicked.connect(self._cancel)
        lay.addWidget(self.buttons)
        self._flag: CancelFlag | None = None
        self.result_path: Path | None = None

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Back up to", self.path.text(), "IMSA backups (*.imsa-backup);;All files (*)"
        )
        if path:
            self.path.setText(path)

    def begin(self) -> None:
        passphrase = self.passphrase.text()
        target = self.path.text().strip()
        if not target:
            self.banner.error("Please choose where to write the backup.")
            return
        if not passphrase or passphrase != self.repeat.text():
            self.banner.error("Type the same passphrase twice.")
            return
        flag = self._flag = CancelFlag()
        clock = self.session.clock
        self.start.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.banner.info("Backing up…")

        def work(uow: Any, emit: Any) -> Path:
            def progress(done: int, total: int) -> None:
                emit(int(100 * done / total) if total else 0, "Backing up…")

            result = backup_service.backup_vault(
                uow, Path(target), passphrase=passphrase, progress=progress, cancelled=flag, clock=clock
            )
            return result.path

        run_task(self, work, self._done, self._failed, session=self.session, progress=self._step, cancel=flag)

    def _step(self, percent: int, _text: str) -> None:
        self.progress.setValue(max(0, min(100, percent)))

    def _done(self, path: Path) -> None:
        self._flag = None
        self.result_path = path
        self.progress.setValue(100)
        self.passphrase.clear()
        self.repeat.clear()
        self.banner.info(f"Backed up and verified: {path.name}.")
        self.start.setEnabled(True)
        self.cancel.setText("Close")

    def _failed(self, exc: BaseException) -> None:
        self._flag = None
        self.progress.setVisible(False)
        self.start.setEnabled(True)
        self.banner.error(message_for(exc))

    def _cancel(self) -> None:
        if self._flag is not None:  # running: stop it; the previous backup stays as it was
            self._flag.set()
            self.banner.info("Stopping; no new backup is kept…")
            return
        self.reject()
