"""Keys for bundles: age X25519 identities (pyrage) and Ed25519 signing keys (cryptography).

Thin wrappers only; no cryptography of our own. Error messages never contain key material.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import x25519

from imsa_desktop.errors import BundleCorrupt, BundleWrongKey, InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Identity:
    """A person's bundle keys: an age X25519 identity and an Ed25519 signing key."""

    age_secret: str = field(repr=False)  # "AGE-SECRET-KEY-1..."
    age_public: str  # "age1..."
    signing_private: bytes = field(repr=False)  # raw 32 bytes
    signing_public_b64: str  # standard base64 of the raw 32-byte public key


@dataclass(frozen=True)
class Sender:
    """Who makes a bundle: the name shown to the receiver and the sender's secret keys."""

    name: str
    age_identity: str = field(repr=False)  # "AGE-SECRET-KEY-1..."
    signing_private_key: bytes = field(repr=False)  # Ed25519 raw 32 bytes


def new_identity() -> Identity:
    age_id = x25519.Identity.generate()
    signing = Ed25519PrivateKey.generate()
    raw_private = signing.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return Identity(
        age_secret=str(age_id),
        age_public=str(age_id.to_public()),
        signing_private=raw_private,
        signing_public_b64=signing_public_b64(raw_private),
    )


def _signing_key(raw_private: bytes) -> Ed25519PrivateKey:
    if not isinstance(raw_private, bytes) or len(raw_private) != 32:
        raise InvalidInput("The signing key is not a valid Ed25519 private key.")
    return Ed25519PrivateKey.from_private_bytes(raw_private)


def signing_public_b64(raw_private: bytes) -> str:
    public = _signing_key(raw_private).public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def sign(raw_private: bytes, message: bytes) -> bytes:
    return _signing_key(raw_private).sign(message)


def verify(raw_public: bytes, signature: bytes, message: bytes) -> None:
    """Raise BundleCorrupt unless ``signature`` is a valid Ed25519 signature of ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(signature, message)
    except (InvalidSignature, ValueError) as e:
        raise BundleCorrupt() from e


def age_public_of(age_secret: str) -> str:
    try:
        return str(x25519.Identity.from_str(age_secret).to_public())
    except Exception as e:  # pyrage.IdentityError, TypeError
        raise InvalidInput("The sender's age identity is not a valid age secret key.") from e


def _parse_each(texts: list[str], parse: Callable[[str], T], error: Callable[[], Exception]) -> list[T]:
    parsed: list[T] = []
    for text in texts:
        try:
            parsed.append(parse(text))
        except Exception as e:  # pyrage.RecipientError / IdentityError, TypeError
            raise error() from e
    return parsed


def parse_recipients(recipients: list[str]) -> list[x25519.Recipient]:
    return _parse_each(
        recipients,
        x25519.Recipient.from_str,
        lambda: InvalidInput("One of the recipients is not a valid age public key (age1...)."),
    )


def parse_identities(identities: list[str]) -> list[x25519.Identity]:
    return _parse_each(
        identities,
        x25519.Identity.from_str,
        lambda: BundleWrongKey("The identity given is not a valid age secret key."),
    )
