"""The composition root: the one place outside ``store`` that builds store objects.

As cosmicpython's ``bootstrap.py``: the vault lifecycle (create, unlock by passphrase,
recovery key or keychain, rekey) and the units of work for workers are made here, so services
see only the unit-of-work port (services/ports.py) and the ui and cli never import ``store``.
The GUI runs the slow parts (key derivation) in a worker; the CLI calls them directly.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from imsa_desktop.errors import InvalidInput, WeakPassphrase

if TYPE_CHECKING:
    from imsa_desktop.crypto import kdf
    from imsa_desktop.crypto.keychain import Keychain
    from imsa_desktop.services.ports import AbstractUnitOfWork
    from imsa_desktop.store.vault import DetachedVault
    from imsa_desktop.store.vault import UnwrappedKey as UnwrappedKey
    from imsa_desktop.store.vault import Vault as Vault

T = TypeVar("T")

# The storage and crypto stack (sqlcipher3, cryptography, argon2) is imported inside the
# functions that need it: the unlock window can appear before any of it is loaded.

APP_NAME = "IMSA Desktop"
APP_AUTHOR = "IMSA"
VAULT_FILENAME = "vault.imsa"

# Only the test suite sets this, to create vaults with cheap key derivation.
FAST_KDF_ENV = "IMSA_INSECURE_FAST_KDF_FOR_TESTS"


def default_vault_path() -> Path:
    env = os.environ.get("IMSA_VAULT")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / VAULT_FILENAME


def creation_params() -> kdf.Argon2Params:
    from imsa_desktop.crypto import kdf

    if os.environ.get(FAST_KDF_ENV) == "1":
        return kdf.TEST_PARAMS
    return kdf.calibrate()


def check_passphrase(passphrase: str, user_inputs: tuple[str, ...] = ()) -> None:
    from imsa_desktop.crypto.strength import assess

    strength = assess(passphrase, user_inputs)
    if not strength.acceptable:
        raise WeakPassphrase(
            "That passphrase is too easy to guess"
            + (f": {strength.feedback}" if strength.feedback else ".")
            + (" " if strength.feedback and not strength.feedback.endswith(".") else "")
        )


def create_vault(
    path: Path, passphrase: str, advocate_name: str, *, params: kdf.Argon2Params | None = None
) -> tuple[Vault, str]:
    """A new vault; returns it open and the recovery key (to show exactly once)."""
    if not advocate_name.strip():
        raise InvalidInput("Please enter your name (it is recorded in the audit log).")
    check_passphrase(passphrase, (advocate_name,))
    from imsa_desktop.store.vault import Vault

    vault, recovery = Vault.create(path, passphrase, advocate_name.strip(), params or creation_params())
    try:
        # Every vault gets its X25519 (age) and signing identity at creation (for bundles).
        from imsa_desktop.services.identity import ensure_identity

        ensure_identity(vault.unit_of_work())
    except BaseException:
        vault.close()
        raise
    return vault, recovery


def unwrap(path: Path, passphrase: str) -> UnwrappedKey:
    """The slow half of unlocking (Argon2id); safe to run in a worker thread."""
    from imsa_desktop.store import vault as store_vault

    return store_vault.unwrap_with_passphrase(path, passphrase)


def unwrap_recovery(path: Path, recovery_key: str) -> UnwrappedKey:
    from imsa_desktop.store import vault as store_vault

    return store_vault.unwrap_with_recovery_key(path, recovery_key)


def unwrap_keychain(path: Path, keychain: Keychain) -> UnwrappedKey:
    from imsa_desktop.store import vault as store_vault

    return store_vault.unwrap_with_keychain(path, keychain)


def open_unwrapped(unwrapped: UnwrappedKey) -> Vault:
    from imsa_desktop.store.vault import Vault

    return Vault.open(unwrapped)


def unlock(path: Path, passphrase: str) -> Vault:
    return open_unwrapped(unwrap(path, passphrase))


def change_passphrase(vault: Vault, new_passphrase: str, *, params: kdf.Argon2Params | None = None) -> None:
    """Rewrap the data key under a new passphrase; the database is not touched."""
    check_passphrase(new_passphrase, (vault.advocate_name,))
    # Keep the calibrated cost already in the slot: one derivation (~0.5 s), no re-encryption.
    if params is None and os.environ.get(FAST_KDF_ENV) != "1":
        params = vault.slots.passphrase_params
    vault.change_passphrase(new_passphrase, params or creation_params())


def reset_passphrase_with_recovery_key(
    path: Path, recovery_key: str, new_passphrase: str, *, params: kdf.Argon2Params | None = None
) -> Vault:
    """For a forgotten passphrase: open with the recovery key and set a new passphrase."""
    vault = open_unwrapped(unwrap_recovery(path, recovery_key))
    try:
        change_passphrase(vault, new_passphrase, params=params)
    except BaseException:
        vault.close()
        raise
    return vault


def keychain_available(keychain: Keychain | None = None) -> bool:
    from imsa_desktop.crypto.keychain import Keychain

    return (keychain or Keychain()).available()


def has_keychain_slot(path: Path) -> bool:
    """The vault's key file has a keychain slot. Reads only the key file: asked just after
    the unlock window shows, so it does not load the storage stack (store.vault, sqlcipher3)."""
    from imsa_desktop.crypto.keyslots import KeySlotFile

    try:
        return KeySlotFile.load(path.with_name(path.name + ".keys")).has_keychain_slot
    except Exception:
        return False


def remove_vault_files(path: Path) -> None:
    """Delete a vault's database, key file and SQLite side files (a failed restore's vault)."""
    import contextlib

    from imsa_desktop.store.vault import SIDE_SUFFIXES, keys_path

    for p in [path, keys_path(path), *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)]:
        with contextlib.suppress(OSError):
            p.unlink()


def vault_exists(path: Path) -> bool:
    """The database or its key file is there (the same test as store.vault.vault_exists,
    without loading the storage stack: the start-up screen asks this first)."""
    return path.exists() or path.with_name(path.name + ".keys").exists()


@dataclass
class UnlockThrottle:
    """The delay before the next attempt grows with each failure: 0, 1, 2, 4, 8 ... 60 s."""

    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    not_before: float = field(default=0.0)

    def wait_seconds(self) -> float:
        return max(0.0, self.not_before - self.clock())

    def failed(self) -> float:
        self.failures += 1
        delay = 0.0 if self.failures < 2 else float(min(60, 2 ** (self.failures - 2)))
        self.not_before = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self.not_before = 0.0


# ---- units of work for worker threads -------------------------------------------------------


class WorkerRunner:
    """Runs one function with a unit of work over its own connection, then closes it."""

    def __init__(self, detached: DetachedVault, read_only: bool = False) -> None:
        self._detached = detached
        self._read_only = read_only

    def __call__(self, fn: Callable[[AbstractUnitOfWork], T]) -> T:
        from imsa_desktop.store import connection

        try:
            connection.finish(self._detached.conn)  # (keyed on the GUI thread, set up here)
            return fn(self._detached.unit_of_work(read_only=self._read_only))
        finally:
            self._detached.close()


def worker_unit_of_work(
    vault: Vault, clock: Callable[[], datetime], *, read_only: bool = False
) -> WorkerRunner:
    """Open a separate connection NOW (on the calling, GUI, thread: the data key is read only
    there, so a lock meanwhile cannot race it; only the key is given to it there); the returned
    runner sets it up in the worker, builds a unit of work over it, runs *fn* and closes the
    connection whatever happens. A connection is
    never shared between threads. *read_only*: the unit of work takes no write lock, so a long
    read (10,000 cases) never makes the GUI thread's writes wait."""
    from imsa_desktop.store.vault import DetachedVault

    return WorkerRunner(
        DetachedVault(vault.new_connection(keyed_only=True), vault.advocate_name, clock), read_only
    )
