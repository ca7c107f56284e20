"""The vault on disk: one SQLCipher database plus its key-slot file beside it.

    <name>.imsa        SQLCipher 4 database, raw 256-bit data key (see docs/on-disk-format.md)
    <name>.imsa.keys   key slots (JSON): the data key wrapped by passphrase / recovery key /
                       keychain (see docs/key-slots.md)

Opening: unwrap the data key from a slot (slow by design: Argon2id), then open the database
with it (fast). Changing the passphrase rewraps the key; the database is never re-encrypted.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from imsa_desktop.crypto.kdf import Argon2Params
from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.crypto.keyslots import KeySlotFile
from imsa_desktop.crypto.memory import wipe
from imsa_desktop.domain.model import utc_now
from imsa_desktop.errors import VaultDamaged, VaultExists, VaultLocked, VaultNotFound
from imsa_desktop.store import connection, migrations
from imsa_desktop.store.attachments import AttachmentStore
from imsa_desktop.store.uow import SqlUnitOfWork

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def keys_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


def vault_exists(db_path: Path) -> bool:
    return db_path.exists() or keys_path(db_path).exists()


@dataclass(frozen=True)
class UnwrappedKey:
    """A data key just unwrapped (e.g. in a worker thread), ready to open the database."""

    path: Path
    slots: KeySlotFile
    key: bytearray


def unwrap_with_passphrase(path: Path, passphrase: str) -> UnwrappedKey:
    slots = KeySlotFile.load(keys_path(path))
    _require_db(path)
    return UnwrappedKey(path, slots, bytearray(slots.unlock_with_passphrase(passphrase)))


def unwrap_with_recovery_key(path: Path, recovery_key: str) -> UnwrappedKey:
    slots = KeySlotFile.load(keys_path(path))
    _require_db(path)
    return UnwrappedKey(path, slots, bytearray(slots.unlock_with_recovery_key(recovery_key)))


def unwrap_with_keychain(path: Path, keychain: Keychain) -> UnwrappedKey:
    slots = KeySlotFile.load(keys_path(path))
    _require_db(path)
    return UnwrappedKey(path, slots, bytearray(slots.unlock_with_keychain(keychain)))


def _require_db(path: Path) -> None:
    if not path.exists():
        raise VaultNotFound()


DAMAGED_FILE = (
    "The vault file is damaged (it is empty or not an IMSA Desktop vault), so nothing was "
    "opened or changed; restore it from your latest backup."
)


def _require_vault_file(path: Path) -> None:
    """An existing vault file that is empty or shorter than one database page is damage, never
    a new vault (SQLite would happily start a fresh database in it)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise VaultNotFound() from None
    except OSError:
        raise VaultDamaged(DAMAGED_FILE) from None
    if size < 1024:
        raise VaultDamaged(DAMAGED_FILE)


def _require_this_vault(conn: connection.Connection, vault_id: str) -> None:
    """The database must be the one the key file belongs to, with its schema already there."""
    try:
        with connection.storage_errors():
            has_meta = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()[0]
            row = (
                conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone() if has_meta else None
            )
    except VaultDamaged:
        raise VaultDamaged(DAMAGED_FILE) from None
    if row is None or row[0] != vault_id:
        raise VaultDamaged(DAMAGED_FILE)


class Vault:
    """An open vault. ``unit_of_work()`` gives a fresh transaction on the vault's connection."""

    def __init__(
        self,
        path: Path,
        slots: KeySlotFile,
        key: bytearray,
        clock: Callable[[], datetime] = utc_now,
        *,
        new: bool = False,
    ):
        self.path = path
        self.slots = slots
        self._key: bytearray | None = key
        self._clock = clock
        if not new:
            _require_vault_file(path)
        try:
            self.conn: connection.Connection | None = connection.connect(path, key)
        except VaultDamaged:
            if new:
                raise
            raise VaultDamaged(DAMAGED_FILE) from None
        try:
            if not new:
                _require_this_vault(self.conn, slots.vault_id)
            migrations.migrate(self.conn)
            AttachmentStore(self.conn, clock=clock).cleanup_incomplete()
        except BaseException:
            self.close()
            raise

    # ---- lifecycle ----------------------------------------------------------------------
    @classmethod
    def open(cls, unwrapped: UnwrappedKey, clock: Callable[[], datetime] = utc_now) -> Vault:
        return cls(unwrapped.path, unwrapped.slots, unwrapped.key, clock)

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        advocate_name: str,
        params: Argon2Params,
        clock: Callable[[], datetime] = utc_now,
    ) -> tuple[Vault, str]:
        """Create a new vault. Returns it open, and the recovery key to show once."""
        path = Path(path)
        if vault_exists(path):
            raise VaultExists()
        # Only folders we create become private (0700); an existing one (even /tmp) is left as is.
        missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in missing:
            with contextlib.suppress(OSError):
                os.chmod(folder, 0o700)
        key = bytearray(secrets.token_bytes(32))
        vault_id = str(uuid.uuid4())
        slots, recovery_key = KeySlotFile.create(bytes(key), vault_id, passphrase, params)
        vault: Vault | None = None
        try:
            vault = cls(path, slots, key, clock, new=True)
            assert vault.conn is not None
            with connection.storage_errors():
                vault.conn.execute("BEGIN IMMEDIATE")
                vault.conn.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?)", (vault_id,))
                vault.conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('advocate_name', ?)", (advocate_name,)
                )
                vault.conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('created_at', ?)", (clock().isoformat(),)
                )
                vault.conn.execute("COMMIT")
            slots.save(keys_path(path))
            os.chmod(path, 0o600)
        except BaseException:
            if vault is not None:
                vault.close()
            for p in [path, keys_path(path), *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)]:
                with contextlib.suppress(OSError):
                    p.unlink()
            raise
        return vault, recovery_key

    @property
    def is_open(self) -> bool:
        return self.conn is not None

    def close(self) -> None:
        """Close the database and drop the key from memory (as far as Python allows)."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None
        if self._key is not None:
            wipe(self._key)
            self._key = None

    def _connection(self) -> connection.Connection:
        if self.conn is None:
            raise VaultLocked()
        return self.conn

    # ---- use ----------------------------------------------------------------------------
    def meta(self, key: str) -> str:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return "" if row is None else str(row[0])

    @property
    def vault_id(self) -> str:
        return self.meta("vault_id")

    @property
    def advocate_name(self) -> str:
        return self.meta("advocate_name")

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._connection(), actor=lambda: self.advocate_name, clock=self._clock)

    def detached(self) -> DetachedVault:
        """Its own connection to this vault, for one piece of work in a worker thread.

        Open it on the GUI thread (so a lock cannot race the key), use it in the worker,
        close it when done. Reads see committed data; writes follow the one-writer rule.
        """
        return DetachedVault(self.new_connection(), self.advocate_name, self._clock)

    def new_connection(self, *, keyed_only: bool = False) -> connection.Connection:
        """A separate connection (for a worker thread); the caller closes it. *keyed_only*: it
        holds the key but is not set up yet: the caller runs ``connection.finish`` on it (in
        the worker, so the GUI thread only hands the key over)."""
        if self._key is None:
            raise VaultLocked()
        if keyed_only:
            return connection.keyed(self.path, self._key)
        return connection.connect(self.path, self._key)

    # ---- keys ---------------------------------------------------------------------------
    def change_passphrase(self, new_passphrase: str, params: Argon2Params) -> None:
        if self._key is None:
            raise VaultLocked()
        self.slots.rewrap_passphrase(bytes(self._key), new_passphrase, params)
        self.slots.save(keys_path(self.path))

    def remember_on_device(self, keychain: Keychain) -> None:
        if self._key is None:
            raise VaultLocked()
        self.slots.add_keychain_slot(bytes(self._key), keychain)
        self.slots.save(keys_path(self.path))

    def forget_on_device(self, keychain: Keychain) -> None:
        self.slots.remove_keychain_slot(keychain)
        self.slots.save(keys_path(self.path))

    def integrity_ok(self) -> bool:
        return connection.integrity_ok(self._connection())


class DetachedVault:
    def __init__(self, conn: connection.Connection, actor: str, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self._actor = actor
        self._clock = clock

    def unit_of_work(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.conn, actor=lambda: self._actor, clock=self._clock, read_only=read_only)

    def read_only_unit_of_work(self) -> SqlUnitOfWork:
        return self.unit_of_work(read_only=True)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
