"""Privacy settings kept in the vault (so they travel with it and are set per organisation).

- ``privacy.idle_minutes``: auto-lock after this many minutes without a key press or click.
- ``retention.months``: how long a closed case is kept before a review reminder is raised.
- ``privacy.clipboard_seconds``: how long a copied sensitive field stays on the clipboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.ports import AbstractUnitOfWork

IDLE_MINUTES_KEY = "privacy.idle_minutes"
RETENTION_MONTHS_KEY = "retention.months"
CLIPBOARD_SECONDS_KEY = "privacy.clipboard_seconds"

DEFAULT_IDLE_MINUTES = 5
DEFAULT_RETENTION_MONTHS = 72  # six years, until the organisation sets its own period
DEFAULT_CLIPBOARD_SECONDS = 30

IDLE_RANGE = (1, 240)
RETENTION_RANGE = (1, 600)
CLIPBOARD_RANGE = (5, 300)


@dataclass(frozen=True)
class PrivacySettings:
    idle_minutes: int = DEFAULT_IDLE_MINUTES
    retention_months: int = DEFAULT_RETENTION_MONTHS
    clipboard_seconds: int = DEFAULT_CLIPBOARD_SECONDS


def in_range(value: object, bounds: tuple[int, int]) -> bool:
    """True for a whole number (not True/False) from ``bounds[0]`` to ``bounds[1]``."""
    return not isinstance(value, bool) and isinstance(value, int) and bounds[0] <= value <= bounds[1]


def _int(value: object, default: int, bounds: tuple[int, int]) -> int:
    return value if in_range(value, bounds) and isinstance(value, int) else default


def read_int(uow: AbstractUnitOfWork, key: str, default: int, bounds: tuple[int, int]) -> int:
    """The whole-number setting ``key``; ``default`` where it is unset or out of ``bounds``."""
    with uow:
        return _int(uow.settings.get(key), default, bounds)


def check_int(value: object, bounds: tuple[int, int], message: str) -> None:
    """InvalidInput(``message`` with the bounds filled in) unless ``value`` is in ``bounds``."""
    if not in_range(value, bounds):
        raise InvalidInput(message.format(*bounds))


def read_settings(uow: AbstractUnitOfWork) -> PrivacySettings:
    """Inside an entered unit of work."""
    return PrivacySettings(
        idle_minutes=_int(uow.settings.get(IDLE_MINUTES_KEY), DEFAULT_IDLE_MINUTES, IDLE_RANGE),
        retention_months=_int(
            uow.settings.get(RETENTION_MONTHS_KEY), DEFAULT_RETENTION_MONTHS, RETENTION_RANGE
        ),
        clipboard_seconds=_int(
            uow.settings.get(CLIPBOARD_SECONDS_KEY), DEFAULT_CLIPBOARD_SECONDS, CLIPBOARD_RANGE
        ),
    )


def load_settings(uow: AbstractUnitOfWork) -> PrivacySettings:
    with uow:
        return read_settings(uow)


def validate(s: PrivacySettings) -> PrivacySettings:
    checks = (
        (s.idle_minutes, IDLE_RANGE, "The auto-lock time must be between {} and {} minutes."),
        (s.retention_months, RETENTION_RANGE, "The retention period must be between {} and {} months."),
        (s.clipboard_seconds, CLIPBOARD_RANGE, "The clipboard time must be between {} and {} seconds."),
    )
    for value, bounds, message in checks:
        check_int(value, bounds, message)
    return s


def save_settings(uow: AbstractUnitOfWork, s: PrivacySettings) -> None:
    validate(s)
    with uow:
        uow.settings.set(IDLE_MINUTES_KEY, s.idle_minutes)
        uow.settings.set(RETENTION_MONTHS_KEY, s.retention_months)
        uow.settings.set(CLIPBOARD_SECONDS_KEY, s.clipboard_seconds)
        uow.audit.record("settings", None, "privacy settings changed")
        uow.commit()
