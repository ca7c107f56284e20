"""An in-memory keyring backend for tests, plus helpers to simulate what goes wrong on real devices.

Usage in a test or a conftest fixture::

    with memory_keyring() as kr:          # installs it with keyring.set_keyring, restores after
        ...
        kr.simulate_entry_deleted()       # the user cleared the keychain entry
        simulate_backend_changed()        # the OS keychain backend is now a different one
        install_no_keyring()              # keyring's fail backend: no keychain at all
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Stores passwords in a dict keyed by (service, username)."""

    priority = 100

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError as e:
            raise PasswordDeleteError("no such entry") from e

    def simulate_entry_deleted(self, service: str | None = None, username: str | None = None) -> None:
        """Forget matching entries (all of them when no filter is given)."""
        for key in list(self.entries):
            if (service is None or key[0] == service) and (username is None or key[1] == username):
                del self.entries[key]


class OtherMemoryKeyring(MemoryKeyring):
    """A different backend class, so ``Keychain.backend_id()`` changes."""


class LockedKeyring(MemoryKeyring):
    """A backend that refuses every operation, as a locked keychain does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("locked")


def install_memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def simulate_backend_changed(copy_entries_from: MemoryKeyring | None = None) -> OtherMemoryKeyring:
    """Install a different backend class; optionally with the same entries (a migrated keychain)."""
    backend = OtherMemoryKeyring()
    if copy_entries_from is not None:
        backend.entries = dict(copy_entries_from.entries)
    keyring.set_keyring(backend)
    return backend


def install_no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]


def install_locked_keyring() -> LockedKeyring:
    backend = LockedKeyring()
    keyring.set_keyring(backend)
    return backend


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install a fresh MemoryKeyring for the duration, then put the previous backend back."""
    previous = keyring.get_keyring()
    try:
        yield install_memory_keyring()
    finally:
        keyring.set_keyring(previous)
