"""Unsaved edits carried across a lock, inside the (encrypted) vault.

When the vault locks with an editor holding unsaved changes, the GUI stores what the form
held here instead of throwing it away, and puts it back after the next unlock (then the
stored copy is removed). Nothing is written outside the vault: the value lives in the vault's
settings table, so it is encrypted with everything else and goes wherever the vault goes.
"""

from __future__ import annotations

import json
from typing import Any

from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.ports import AbstractUnitOfWork

DRAFTS_KEY = "ui.unsaved_drafts"
MAX_DRAFT_BYTES = 2 * 1024 * 1024


def keep_drafts(uow: AbstractUnitOfWork, drafts: list[dict[str, Any]]) -> None:
    """Store *drafts* (JSON-able dicts), replacing any kept before."""
    try:
        size = len(json.dumps(drafts, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError) as e:
        raise InvalidInput("The unsaved changes could not be kept.") from e
    if size > MAX_DRAFT_BYTES:
        raise InvalidInput("The unsaved changes are too large to keep as a draft.")
    with uow:
        uow.settings.set(DRAFTS_KEY, drafts)
        uow.commit()


def take_drafts(uow: AbstractUnitOfWork) -> list[dict[str, Any]]:
    """The drafts kept at the last lock (removed from the vault as they are handed back)."""
    with uow:
        value = uow.settings.get(DRAFTS_KEY)
        if value is None:
            return []
        uow.settings.set(DRAFTS_KEY, None)
        uow.commit()
    if not isinstance(value, list):
        return []
    return [d for d in value if isinstance(d, dict)]
