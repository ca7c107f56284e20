"""Key slots: the vault's random data key, wrapped several ways, in a JSON file beside the vault.

The vault is one SQLCipher 4 database keyed with a random 256-bit DATA KEY. This module never
touches the database: it keeps that data key wrapped (ChaCha20-Poly1305) under

* a key derived from the passphrase (Argon2id, parameters and salt kept in the slot),
* a key derived from the one-time RECOVERY KEY printed for the user (HKDF-SHA256), and
* optionally a key derived from a random secret kept in the OS keychain (HKDF-SHA256).

Every wrapped key is bound to the vault id and its slot type through AEAD associated data.
docs/key-slots.md is the normative description of the file; keep the two in step.
All mutating methods change the object in memory only: call ``save(path)`` afterwards.
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from imsa_desktop.crypto.kdf import ARGON2_VERSION_NUMBER, SALT_LEN, Argon2Params, derive_key
from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.domain.validation import no_duplicate_keys
from imsa_desktop.errors import (
    DiskFull,
    InvalidInput,
    KeychainUnavailable,
    NewerVersion,
    StorageError,
    VaultDamaged,
    VaultError,
    VaultNotFound,
    WrongPassphrase,
    WrongRecoveryKey,
)
from imsa_desktop.paths import fsync_folder

FORMAT = "imsa-keyslots"
VERSION = 1
AEAD = "chacha20-poly1305"
DATA_KEY_LEN = 32
NONCE_LEN = 12
TAG_LEN = 16
HKDF_SALT_LEN = 32
KEY_CHECK_LEN = 16
RECOVERY_CHECK_LEN = 3
MAX_FILE_BYTES = 1024 * 1024
MAX_VAULT_ID_LEN = 200
KEY_FILE_WORK = (
    "The vault's key file is damaged: it asks for more key-derivation work than IMSA Desktop "
    "ever uses; restore the vault from a backup."
)

PASSPHRASE = "passphrase"
RECOVERY = "recovery"
KEYCHAIN = "keychain"
SLOT_TYPES = (PASSPHRASE, RECOVERY, KEYCHAIN)

_RFC_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_ALPHABET = frozenset(_RFC_B32)
# Crockford's Base32: the same 5-bit values, written without look-alikes (no I, L, O, U).
CROCKFORD_B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_SET = frozenset(CROCKFORD_B32)
_RFC_TO_CROCKFORD = str.maketrans(_RFC_B32, CROCKFORD_B32)
_CROCKFORD_TO_RFC = str.maketrans(CROCKFORD_B32, _RFC_B32)
_CROCKFORD_ALIASES = str.maketrans("OIL", "011")
RECOVERY_GROUP_LEN = 4
_RECOVERY_CHARS = (DATA_KEY_LEN + RECOVERY_CHECK_LEN) * 8 // 5  # 56 base32 characters, no padding
_SEPARATORS = frozenset("-_.\u2010\u2011\u2012\u2013\u2014\u2212")

_RECOVERY_TYPO = "That recovery key is incomplete or has a typo. Please check each group of four characters."
_NO_KEYCHAIN_SLOT = (
    "This vault is not set up to unlock with the system keychain. Please unlock with your passphrase."
)
_KEYCHAIN_CHANGED = (
    "The system keychain on this device has changed since the vault was set up to use it. "
    "Please unlock with your passphrase."
)
_KEYCHAIN_GONE = (
    "This device's keychain no longer holds the key for this vault. Please unlock with your passphrase."
)
_WRONG_DATA_KEY = "That key does not belong to this vault; the key file was not changed."


class _SlotInvalid(Exception):
    """A slot is missing a field or has a malformed one; reported as the slot's opaque error."""


# --- building blocks (all documented in docs/key-slots.md) ---------------------------------------


def associated_data(slot_type: str, vault_id: str) -> bytes:
    """AEAD associated data: ``imsa-keyslots v1 <slot type> <vault id>`` in UTF-8."""
    return f"{FORMAT} v{VERSION} {slot_type} {vault_id}".encode()


def hkdf_info(slot_type: str) -> bytes:
    return f"{FORMAT} v{VERSION} {slot_type}".encode()


def _hkdf(secret: bytes, salt: bytes, slot_type: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=hkdf_info(slot_type)).derive(secret)


def key_check(data_key: bytes, vault_id: str) -> bytes:
    """First 16 bytes of HMAC-SHA256(data key, ``imsa-keyslots v1 key-check <vault id>``)."""
    message = f"{FORMAT} v{VERSION} key-check {vault_id}".encode()
    return hmac.new(data_key, message, hashlib.sha256).digest()[:KEY_CHECK_LEN]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(slot: dict[str, Any], name: str, length: int) -> bytes:
    value = slot.get(name)
    if not isinstance(value, str):
        raise _SlotInvalid(name)
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeError) as e:
        raise _SlotInvalid(name) from e
    if len(raw) != length:
        raise _SlotInvalid(name)
    return raw


def _int_field(slot: dict[str, Any], name: str) -> int:
    value = slot.get(name)
    if type(value) is not int:
        raise _SlotInvalid(name)
    return value


def _wrap(kek: bytes, data_key: bytes, slot_type: str, vault_id: str) -> dict[str, Any]:
    nonce = secrets.token_bytes(NONCE_LEN)
    wrapped = ChaCha20Poly1305(kek).encrypt(nonce, data_key, associated_data(slot_type, vault_id))
    return {"aead": AEAD, "nonce": _b64(nonce), "wrapped_key": _b64(wrapped)}


def _unwrap(kek: bytes, slot: dict[str, Any], slot_type: str, vault_id: str) -> bytes:
    if slot.get("aead") != AEAD:
        raise _SlotInvalid("aead")
    nonce = _unb64(slot, "nonce", NONCE_LEN)
    wrapped = _unb64(slot, "wrapped_key", DATA_KEY_LEN + TAG_LEN)
    try:
        return ChaCha20Poly1305(kek).decrypt(nonce, wrapped, associated_data(slot_type, vault_id))
    except InvalidTag as e:
        raise _SlotInvalid("wrapped_key") from e


def _argon2_params(slot: dict[str, Any]) -> Argon2Params:
    if slot.get("kdf") != "argon2id" or slot.get("argon2_version") != ARGON2_VERSION_NUMBER:
        raise _SlotInvalid("kdf")
    try:
        return Argon2Params(
            time_cost=_int_field(slot, "time_cost"),
            memory_kib=_int_field(slot, "memory_kib"),
            parallelism=_int_field(slot, "parallelism"),
        )
    except InvalidInput as e:
        # Not a wrong passphrase: the file asks for work no vault of ours is made with.
        raise VaultDamaged(KEY_FILE_WORK) from e


def _passphrase_slot(data_key: bytes, vault_id: str, passphrase: str, params: Argon2Params) -> dict[str, Any]:
    salt = secrets.token_bytes(SALT_LEN)
    kek = derive_key(passphrase, salt, params)
    slot: dict[str, Any] = {
        "type": PASSPHRASE,
        "kdf": "argon2id",
        "argon2_version": ARGON2_VERSION_NUMBER,
        "time_cost": params.time_cost,
        "memory_kib": params.memory_kib,
        "parallelism": params.parallelism,
        "salt": _b64(salt),
    }
    slot.update(_wrap(kek, data_key, PASSPHRASE, vault_id))
    return slot


def _hkdf_slot(data_key: bytes, vault_id: str, secret: bytes, slot_type: str) -> dict[str, Any]:
    salt = secrets.token_bytes(HKDF_SALT_LEN)
    slot: dict[str, Any] = {"type": slot_type, "kdf": "hkdf-sha256", "salt": _b64(salt)}
    slot.update(_wrap(_hkdf(secret, salt, slot_type), data_key, slot_type, vault_id))
    return slot


def _open_hkdf_slot(slot: dict[str, Any], secret: bytes, slot_type: str, vault_id: str) -> bytes:
    if slot.get("kdf") != "hkdf-sha256":
        raise _SlotInvalid("kdf")
    salt = _unb64(slot, "salt", HKDF_SALT_LEN)
    return _unwrap(_hkdf(secret, salt, slot_type), slot, slot_type, vault_id)


# --- the recovery key on paper --------------------------------------------------------------------


def format_recovery_key(key: bytes) -> str:
    """32 bytes -> 14 groups of 4 characters of Crockford's Base32 (no I, L, O or U, so no two
    characters look alike); the last 3 bytes encoded are a SHA-256 check."""
    if len(key) != DATA_KEY_LEN:
        raise InvalidInput("A recovery key must be 32 bytes long.")
    text = base64.b32encode(key + hashlib.sha256(key).digest()[:RECOVERY_CHECK_LEN]).decode("ascii")
    text = text.translate(_RFC_TO_CROCKFORD)
    return "-".join(recovery_key_groups(text))


def recovery_key_groups(text: str) -> list[str]:
    """The groups of four characters a recovery key is read aloud and typed in."""
    cleaned = _clean(text)
    return [cleaned[i : i + RECOVERY_GROUP_LEN] for i in range(0, len(cleaned), RECOVERY_GROUP_LEN)]


def _clean(text: str) -> str:
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch not in _SEPARATORS)


def _checked(raw: bytes) -> bytes | None:
    key, check = raw[:DATA_KEY_LEN], raw[DATA_KEY_LEN:]
    if len(raw) != DATA_KEY_LEN + RECOVERY_CHECK_LEN:
        return None
    if not hmac.compare_digest(hashlib.sha256(key).digest()[:RECOVERY_CHECK_LEN], check):
        return None
    return key


def recovery_key_candidates(text: str) -> list[bytes]:
    """Every secret a typed recovery key can stand for, whose check bytes match.

    Keys printed since version 0.3 use Crockford's Base32 (``0-9 A-Z`` without ``I L O U``; a
    typed ``O`` is read as zero, ``I`` and ``L`` as one). Keys printed earlier use the RFC 4648
    alphabet (``A-Z 2-7``; a typed zero is read as ``O``, one as ``I``); they keep working.
    Case, spaces and dashes are ignored. Usually one candidate; the slot decides between two."""
    cleaned = _clean(text)
    found: list[bytes] = []
    if len(cleaned) != _RECOVERY_CHARS:
        return found
    current = cleaned.translate(_CROCKFORD_ALIASES)
    if set(current) <= _CROCKFORD_SET:
        key = _checked(base64.b32decode(current.translate(_CROCKFORD_TO_RFC)))
        if key is not None:
            found.append(key)
    legacy = cleaned.translate(str.maketrans("01", "OI"))
    if set(legacy) <= _B32_ALPHABET:
        key = _checked(base64.b32decode(legacy))
        if key is not None and key not in found:
            found.append(key)
    return found


def parse_recovery_key(text: str) -> bytes:
    """Read a typed recovery key back (current or earlier alphabet); WrongRecoveryKey on a typo."""
    found = recovery_key_candidates(text)
    if not found:
        raise WrongRecoveryKey(_RECOVERY_TYPO)
    return found[0]


# --- validation helpers ---------------------------------------------------------------------------


def _check_data_key(data_key: bytes) -> None:
    if not isinstance(data_key, bytes | bytearray) or len(data_key) != DATA_KEY_LEN:
        raise InvalidInput("The vault key must be 32 bytes long.")


def _valid_vault_id(vault_id: object) -> TypeGuard[str]:
    return (
        isinstance(vault_id, str)
        and 0 < len(vault_id) <= MAX_VAULT_ID_LEN
        and vault_id.isprintable()
        and vault_id == vault_id.strip()
    )


# --- the file -------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class KeySlotFile:
    """The key slot file (``<vault>.keys``): format, version, vault id, key check and slots."""

    format: str = FORMAT
    version: int = VERSION
    vault_id: str
    slots: list[dict[str, Any]]
    key_check: str = ""

    # -- creating ------------------------------------------------------------------------------

    @classmethod
    def create(
        cls, data_key: bytes, vault_id: str, passphrase: str, params: Argon2Params
    ) -> tuple[KeySlotFile, str]:
        """A new file with a passphrase slot and a recovery slot, and the recovery key to show once."""
        _check_data_key(data_key)
        if not _valid_vault_id(vault_id):
            raise InvalidInput("The vault id is not valid.")
        data_key = bytes(data_key)
        recovery = secrets.token_bytes(DATA_KEY_LEN)
        slots = [
            _passphrase_slot(data_key, vault_id, passphrase, params),
            _hkdf_slot(data_key, vault_id, recovery, RECOVERY),
        ]
        file = cls(vault_id=vault_id, slots=slots, key_check=_b64(key_check(data_key, vault_id)))
        return file, format_recovery_key(recovery)

    # -- reading slots -------------------------------------------------------------------------

    def _slot(self, slot_type: str) -> dict[str, Any] | None:
        for slot in self.slots:
            if slot.get("type") == slot_type:
                return slot
        return None

    @property
    def has_keychain_slot(self) -> bool:
        return self._slot(KEYCHAIN) is not None

    @property
    def passphrase_params(self) -> Argon2Params | None:
        """The Argon2 parameters of the passphrase slot (to decide whether to strengthen them)."""
        slot = self._slot(PASSPHRASE)
        try:
            return _argon2_params(slot) if slot is not None else None
        except (_SlotInvalid, VaultDamaged):
            return None

    def unlock_with_passphrase(self, passphrase: str) -> bytes:
        """The data key; WrongPassphrase for a wrong passphrase and for a damaged slot alike."""
        slot = self._slot(PASSPHRASE)
        try:
            if slot is None:
                raise _SlotInvalid("missing")
            params = _argon2_params(slot)
            salt = _unb64(slot, "salt", SALT_LEN)
            return _unwrap(derive_key(passphrase, salt, params), slot, PASSPHRASE, self.vault_id)
        except _SlotInvalid as e:
            raise WrongPassphrase() from e

    def unlock_with_recovery_key(self, text: str) -> bytes:
        """The data key from the typed recovery key; WrongRecoveryKey otherwise."""
        candidates = recovery_key_candidates(text)
        if not candidates:
            raise WrongRecoveryKey(_RECOVERY_TYPO)
        slot = self._slot(RECOVERY)
        if slot is None:
            raise WrongRecoveryKey()
        for recovery in candidates:  # a key printed in the current or the earlier alphabet
            try:
                return _open_hkdf_slot(slot, recovery, RECOVERY, self.vault_id)
            except _SlotInvalid:
                continue
        raise WrongRecoveryKey()

    def unlock_with_keychain(self, keychain: Keychain) -> bytes:
        """The data key from this device's keychain; KeychainUnavailable with a plain reason otherwise."""
        slot = self._slot(KEYCHAIN)
        if slot is None:
            raise KeychainUnavailable(_NO_KEYCHAIN_SLOT)
        if not keychain.available():
            raise KeychainUnavailable(_KEYCHAIN_CHANGED)
        if slot.get("backend") != keychain.backend_id():
            raise KeychainUnavailable(_KEYCHAIN_CHANGED)
        secret = keychain.load_secret(self.vault_id)
        if secret is None:
            raise KeychainUnavailable(_KEYCHAIN_GONE)
        try:
            return _open_hkdf_slot(slot, secret, KEYCHAIN, self.vault_id)
        except _SlotInvalid as e:
            raise KeychainUnavailable(_KEYCHAIN_GONE) from e

    # -- changing slots (in memory; then save) ----------------------------------------------------

    def _verify_data_key(self, data_key: bytes) -> None:
        _check_data_key(data_key)
        expected = key_check(bytes(data_key), self.vault_id)
        try:
            stored = base64.b64decode(self.key_check.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeError) as e:
            raise InvalidInput(_WRONG_DATA_KEY) from e
        if not hmac.compare_digest(expected, stored):
            raise InvalidInput(_WRONG_DATA_KEY)

    def _replace_slot(self, new_slot: dict[str, Any]) -> None:
        kind = new_slot["type"]
        for i, slot in enumerate(self.slots):
            if slot.get("type") == kind:
                self.slots[i] = new_slot
                return
        self.slots.append(new_slot)

    def rewrap_passphrase(self, data_key: bytes, new_passphrase: str, params: Argon2Params) -> None:
        """Replace only the passphrase slot (new salt, new nonce); the database is never touched."""
        self._verify_data_key(data_key)
        self._replace_slot(_passphrase_slot(bytes(data_key), self.vault_id, new_passphrase, params))

    def add_keychain_slot(self, data_key: bytes, keychain: Keychain) -> None:
        """Keep a new random secret in the keychain and add (or replace) the keychain slot."""
        self._verify_data_key(data_key)
        if not keychain.available():
            raise KeychainUnavailable("There is no system keychain on this device.")
        secret = secrets.token_bytes(DATA_KEY_LEN)
        backend = keychain.backend_id()
        keychain.store_secret(self.vault_id, secret)
        slot = _hkdf_slot(bytes(data_key), self.vault_id, secret, KEYCHAIN)
        slot["backend"] = backend
        self._replace_slot(slot)

    def remove_keychain_slot(self, keychain: Keychain) -> None:
        """Drop the keychain slot and, as far as possible, the keychain entry too."""
        self.slots = [slot for slot in self.slots if slot.get("type") != KEYCHAIN]
        try:
            keychain.delete_secret(self.vault_id)
        except KeychainUnavailable:
            pass  # the slot is gone from the file, so a leftover entry unlocks nothing

    # -- (de)serialising -----------------------------------------------------------------------

    def to_json(self) -> str:
        document = {
            "format": self.format,
            "version": self.version,
            "vault_id": self.vault_id,
            "key_check": self.key_check,
            "slots": self.slots,
        }
        return json.dumps(document, indent=2, ensure_ascii=True) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> KeySlotFile:
        """Parse and check a key file: magic, then version range, then structure."""
        try:
            document = json.loads(text, object_pairs_hook=no_duplicate_keys)  # ValueError below
        except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise VaultDamaged("The vault's key file is damaged.") from e
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise VaultDamaged("This is not an IMSA Desktop key file.")
        version = document.get("version")
        if type(version) is not int or version < 1:
            raise VaultDamaged("The vault's key file is damaged.")
        if version > VERSION:
            raise NewerVersion()
        vault_id = document.get("vault_id")
        slots = document.get("slots")
        check = document.get("key_check")
        if not _valid_vault_id(vault_id) or not isinstance(check, str):
            raise VaultDamaged("The vault's key file is damaged.")
        if not isinstance(slots, list) or not slots or not all(isinstance(s, dict) for s in slots):
            raise VaultDamaged("The vault's key file is damaged.")
        kinds = [slot.get("type") for slot in slots]
        if any(kind not in SLOT_TYPES for kind in kinds) or len(set(kinds)) != len(kinds):
            raise VaultDamaged("The vault's key file is damaged.")
        return cls(version=version, vault_id=vault_id, slots=slots, key_check=check)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> KeySlotFile:
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError as e:
            raise VaultNotFound() from e
        except IsADirectoryError as e:
            raise VaultDamaged("The vault's key file is damaged.") from e
        except OSError as e:
            raise VaultError("The vault's key file could not be read.") from e
        if len(raw) > MAX_FILE_BYTES:
            raise VaultDamaged("The vault's key file is damaged.")
        return cls.from_json(raw)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Atomic: temp file in the same folder, fsync, os.replace, fsync the folder; mode 0600."""
        target = Path(path)
        folder = target.parent
        data = self.to_json().encode("ascii")
        tmp_name: str | None = None
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            try:
                f = os.fdopen(fd, "wb")
            except BaseException:
                os.close(fd)
                raise
            with f:
                if hasattr(os, "fchmod"):
                    os.fchmod(f.fileno(), 0o600)
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp_name, target)
            tmp_name = None
            fsync_folder(folder)
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise DiskFull() from e
            raise StorageError("The vault's key file could not be saved; the old one was kept.") from e
        finally:
            if tmp_name is not None:
                try:
                    os.unlink(tmp_name)
                except OSError:
                    pass
