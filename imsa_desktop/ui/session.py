"""The GUI's hold on the vault: open or locked, and the signals views react to.

Views never keep a Vault of their own; they ask the session for a unit of work each time,
so after a lock nothing can reach the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.errors import VaultLocked

if TYPE_CHECKING:
    from imsa_desktop.bootstrap import Vault
    from imsa_desktop.services.ports import AbstractUnitOfWork


def utc_now() -> datetime:
    from datetime import UTC

    return datetime.now(UTC)


class Session(QObject):
    unlocked = Signal()
    locked = Signal()
    cases_changed = Signal()  # a case was added, changed or removed
    case_changed = Signal(str)  # case id

    def __init__(
        self,
        path: Path,
        clock: Callable[[], datetime] = utc_now,
        today: Callable[[], date] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.clock = clock
        self._today = today
        self.vault: Vault | None = None
        self.throttle = vault_service.UnlockThrottle()
        from imsa_desktop.ui import forms

        forms.TODAY = self.today  # "next Tuesday" in any date field counts from the session's today

    # ---- state ------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.vault is not None and self.vault.is_open

    def today(self) -> date:
        return self._today() if self._today else self.clock().astimezone().date()

    def exists(self) -> bool:
        return vault_service.vault_exists(self.path)

    def attach(self, vault: Vault) -> None:
        self.vault = vault
        self.throttle.succeeded()
        self.unlocked.emit()

    def lock(self) -> None:
        if self.vault is not None:
            self.vault.close()
            self.vault = None
        self.locked.emit()

    # ---- use --------------------------------------------------------------------------
    def uow(self) -> AbstractUnitOfWork:
        if self.vault is None:
            raise VaultLocked()
        return self.vault.unit_of_work()

    def require_vault(self) -> Vault:
        if self.vault is None:
            raise VaultLocked()
        return self.vault

    @property
    def advocate_name(self) -> str:
        return self.vault.advocate_name if self.vault else ""

    def notify_case(self, case_id: str) -> None:
        self.case_changed.emit(case_id)
        self.cases_changed.emit()
