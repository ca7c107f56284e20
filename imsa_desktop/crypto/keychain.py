"""The operating system's keychain, through ``keyring``, as an optional convenience.

The app must work with no keychain at all: every keyring failure becomes
``KeychainUnavailable`` and ``available()`` answers False instead of raising. What is kept in
the keychain is a random per-device secret (never the data key); the key slot file holds the
data key wrapped under a key derived from that secret.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from imsa_desktop.errors import KeychainUnavailable

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# ``keyring`` is imported when first used: it costs ~70 ms, which the unlock window should not wait for.

SERVICE = "IMSA Desktop"

_FAILED = "The system keychain could not be used. Please unlock with your passphrase."


class Keychain:
    """A thin wrapper over one keyring backend (by default whatever ``keyring`` picks now)."""

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE) -> None:
        self._backend = backend
        self.service = service

    def _resolve(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        try:
            import keyring

            return keyring.get_keyring()
        except Exception as e:  # backend discovery can fail in many library-specific ways
            raise KeychainUnavailable(_FAILED) from e

    def available(self) -> bool:
        """True when a real keychain backend is usable; False for the fail/null backends or on any error."""
        try:
            backend = self._resolve()
        except KeychainUnavailable:
            return False
        from keyring.backends import chainer, fail, null

        if isinstance(backend, fail.Keyring | null.Keyring):
            return False
        if isinstance(backend, chainer.ChainerBackend):
            try:
                return len(backend.backends) > 0
            except Exception:
                return False
        return True

    def backend_id(self) -> str:
        """A stable name for the backend in use, e.g. ``keyring.backends.macOS.Keyring``."""
        cls = type(self._resolve())
        return f"{cls.__module__}.{cls.__qualname__}"

    def _require(self) -> KeyringBackend:
        if not self.available():
            raise KeychainUnavailable("There is no system keychain on this device.")
        return self._resolve()

    def store_secret(self, vault_id: str, secret: bytes) -> None:
        """Keep ``secret`` in the keychain under (service, vault id), replacing any earlier one."""
        backend = self._require()
        encoded = base64.b64encode(secret).decode("ascii")
        try:
            backend.set_password(self.service, vault_id, encoded)
        except Exception as e:
            raise KeychainUnavailable(_FAILED) from e

    def load_secret(self, vault_id: str) -> bytes | None:
        """The secret kept for this vault, or None when there is no (readable) entry."""
        backend = self._require()
        try:
            encoded = backend.get_password(self.service, vault_id)
        except Exception as e:
            raise KeychainUnavailable(_FAILED) from e
        if encoded is None:
            return None
        try:
            return base64.b64decode(encoded.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeError, AttributeError):
            return None

    def delete_secret(self, vault_id: str) -> None:
        """Remove the entry for this vault; an entry that is already gone is not an error."""
        backend = self._require()
        try:
            if backend.get_password(self.service, vault_id) is None:
                return
            backend.delete_password(self.service, vault_id)
        except Exception as e:
            raise KeychainUnavailable(_FAILED) from e
