"""Every expected failure of IMSA Desktop.

This module is a leaf: it imports nothing of ours, so every layer (domain included) may
raise these. Each error carries ``user_message``: one plain-English sentence that is safe to
show and to log. It never contains a passphrase, a key, or case text (names, notes,
references). Library errors are wrapped at the boundary with ``raise X(...) from e``.
"""

from __future__ import annotations


class ImsaError(Exception):
    """Base of all expected failures. ``user_message`` is shown to the user as is."""

    default_message = "Something went wrong; nothing was changed."

    def __init__(self, user_message: str | None = None) -> None:
        self.user_message = user_message or self.default_message
        super().__init__(self.user_message)


# --- vault and keys -------------------------------------------------------------------------


class VaultError(ImsaError):
    default_message = "The vault could not be opened."


class VaultNotFound(VaultError):
    default_message = "No vault was found here. Create one with 'imsa init' or the set-up screen."


class VaultExists(VaultError):
    default_message = "A vault already exists here; it was left untouched."


class WrongPassphrase(VaultError):
    default_message = "That passphrase did not unlock the vault. Please check it and try again."


class WrongRecoveryKey(VaultError):
    default_message = "That recovery key did not unlock the vault. Please check it and try again."


class VaultDamaged(VaultError):
    default_message = "The vault file is damaged or is not an IMSA Desktop vault."


class NewerVersion(VaultError):
    default_message = "This vault was made by a newer version of IMSA Desktop; please update the app."


class KeychainUnavailable(VaultError):
    default_message = (
        "This device no longer remembers the vault key (the system keychain entry is gone or the "
        "keychain changed). Please unlock with your passphrase."
    )


class VaultLocked(VaultError):
    default_message = "The vault is locked. Unlock it to continue."


class WeakPassphrase(ImsaError):
    default_message = "That passphrase is too easy to guess. Please choose a longer one."


class TooManyAttempts(VaultError):
    default_message = "Too many wrong attempts. Please wait a moment before trying again."


# --- input and records ----------------------------------------------------------------------


class InvalidInput(ImsaError):
    default_message = "Some of the information given is not valid."


class NotFound(ImsaError):
    default_message = "That record does not exist."


class UnknownCase(NotFound):
    default_message = "There is no case with that id in this vault."


class ConflictError(ImsaError):
    default_message = "The record was changed elsewhere; please reload it and try again."


# --- storage --------------------------------------------------------------------------------


class StorageError(ImsaError):
    default_message = "The vault could not be written; nothing was changed."


class DiskFull(StorageError):
    default_message = "The disk is full, so nothing was saved. Free some space and try again."


class AttachmentDamaged(StorageError):
    default_message = "This attachment is damaged (its contents no longer match its checksum)."


class FileTooLarge(InvalidInput):
    default_message = "That file is too large to add."


class Cancelled(ImsaError):
    default_message = "Cancelled; nothing was changed."


# --- documents and letters ------------------------------------------------------------------


class LetterRefused(ImsaError):
    default_message = "A reconsideration letter cannot be written for this decision."


class DocumentError(ImsaError):
    default_message = "The document could not be produced."


# --- bundles --------------------------------------------------------------------------------


class BundleError(ImsaError):
    default_message = "This bundle could not be read; the vault was not changed."


class BundleCorrupt(BundleError):
    default_message = "This bundle is damaged or has been tampered with; the vault was not changed."


class BundleWrongKey(BundleError):
    default_message = (
        "This bundle could not be decrypted with the passphrase or identity given; the vault was not changed."
    )


class BundlePassphraseWork(BundleError):
    """age refused the passphrase layer before trying the passphrase: its work factor is more
    than 16 times what this computer measured it can do in a second (age's own limit, measured
    afresh on each attempt, so a moment of heavy load can trip it)."""

    default_message = (
        "This computer could not open the bundle's passphrase protection just now (it asks for more "
        "work than the computer allows while it is busy); the vault was not changed: try again in a moment."
    )


class BundleUnsupported(BundleError):
    default_message = "This bundle was made by a newer version of IMSA Desktop; please update the app."


class BundleTooLarge(BundleError):
    default_message = "This bundle declares more data than allowed; it was refused."
