"""The audit log, read back: who viewed, changed, printed, exported or imported which case.

Entries are written by the services themselves (``uow.audit.record``); their ``detail``
never holds case text. This module filters them for the viewer and ``imsa audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from imsa_desktop.domain.model import AuditEntry
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.ports import AbstractUnitOfWork

ACTIONS: tuple[str, ...] = (
    "viewed",
    "created",
    "changed",
    "deleted",
    "printed",
    "exported",
    "imported",
    "erased",
    "settings",
)

ACTION_LABELS = {
    "viewed": "Viewed",
    "created": "Created",
    "changed": "Changed",
    "deleted": "Deleted",
    "printed": "Printed",
    "exported": "Exported",
    "imported": "Imported",
    "erased": "Erased",
    "settings": "Settings",
}

MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class AuditFilter:
    case_id: str | None = None
    action: str | None = None
    since: date | None = None  # inclusive, local date
    until: date | None = None  # inclusive, local date

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("The start date of the audit filter is after its end date.")


def local_date(at: datetime) -> date:
    return at.astimezone().date() if at.tzinfo is not None else at.date()


def read_entries(
    uow: AbstractUnitOfWork, f: AuditFilter = AuditFilter(), limit: int = 5000
) -> list[AuditEntry]:
    """Inside an entered unit of work: matching entries, newest first."""
    rows = uow.audit.entries(
        case_id=f.case_id or None,
        action=f.action or None,
        limit=MAX_ENTRIES if (f.since or f.until) else limit,
    )
    out = [
        e
        for e in rows
        if (f.since is None or local_date(e.at) >= f.since)
        and (f.until is None or local_date(e.at) <= f.until)
    ]
    return out[:limit]


def list_entries(
    uow: AbstractUnitOfWork, f: AuditFilter = AuditFilter(), limit: int = 5000
) -> list[AuditEntry]:
    with uow:
        return read_entries(uow, f, limit)


def record(uow: AbstractUnitOfWork, action: str, case_id: str | None, detail: str = "") -> None:
    """Record one action (for the GUI's printing and previews); ``detail`` must hold no case text."""
    with uow:
        uow.audit.record(action, case_id, detail)
        uow.commit()


def entry_json(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "case_id": e.case_id,
        "detail": e.detail,
    }
