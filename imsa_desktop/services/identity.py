"""This vault's bundle identity and the address book of colleagues' public keys.

Each vault has one identity: an age X25519 key pair (colleagues encrypt bundles to its public
key, ``age1...``) and an Ed25519 signing key (bundles made here are signed with it). Both
secrets live inside the encrypted vault, in ``uow.settings["identity"]``; nothing about them is
ever logged or put in a message.

A colleague is known by a *contact card*, one line that carries both public keys::

    imsa-contact:v1:age1...:<base64url of the 32-byte Ed25519 public key, no padding>

The age part lets you send to them; the signing part lets an import say "from Paweł
Wiśniewski (in your address book)" rather than "claims to be from ...". A bare ``age1...``
key is accepted too (you can send to that colleague, but bundles from them show as
unverified). ``imsa identity`` and the identity page print the card and show it as a QR code.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from imsa_desktop.bundle import Sender, new_identity
from imsa_desktop.bundle.keys import age_public_of, signing_public_b64
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services.ports import AbstractUnitOfWork

IDENTITY_KEY = "identity"
CONTACTS_KEY = "contacts"
CARD_PREFIX = "imsa-contact:v1:"
_AGE_RE = re.compile(r"age1[02-9ac-hj-np-z]{58}")
MAX_NAME = 120


@dataclass(frozen=True)
class PublicIdentity:
    """What may be shown and given to colleagues: public keys only."""

    age_public: str
    signing_public_b64: str

    @property
    def card(self) -> str:
        return contact_card(self.age_public, self.signing_public_b64)

    @property
    def fingerprint(self) -> str:
        """A short, readable check value for comparing keys by eye or over the phone."""
        return fingerprint(self.signing_public_b64)


@dataclass(frozen=True)
class Contact:
    name: str
    age_public: str
    signing_public_b64: str = ""  # "" when only the age key is known
    # The advocate compared the fingerprint with the colleague (in person or by phone) and
    # marked it so. Changing the contact's keys clears it. Only a signing key can be verified.
    verified: bool = False

    @property
    def verifiable(self) -> bool:
        return bool(self.signing_public_b64)

    @property
    def fingerprint(self) -> str:
        """The signing key's check value in groups of four ("" for an age key only)."""
        return fingerprint(self.signing_public_b64) if self.signing_public_b64 else ""


def contact_card(age_public: str, signing_public_b64: str) -> str:
    raw = base64.b64decode(signing_public_b64)
    return CARD_PREFIX + age_public + ":" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def fingerprint(signing_public_b64: str) -> str:
    import hashlib

    digest = hashlib.sha256(base64.b64decode(signing_public_b64)).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


def parse_key(text: str) -> tuple[str, str]:
    """(age public key, signing key base64 or "") from a contact card or a bare age key."""
    text = "".join(str(text).split())
    if text.startswith(CARD_PREFIX):
        rest = text[len(CARD_PREFIX) :]
        age, sep, sig = rest.partition(":")
        if not sep or not _AGE_RE.fullmatch(age):
            raise InvalidInput("That contact card is not valid; please copy it again.")
        try:
            raw = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
        except (binascii.Error, ValueError):
            raise InvalidInput("That contact card is not valid; please copy it again.") from None
        if len(raw) != 32:
            raise InvalidInput("That contact card is not valid; please copy it again.")
        return age, base64.b64encode(raw).decode("ascii")
    if _AGE_RE.fullmatch(text):
        return text, ""
    raise InvalidInput("That is not a public key (age1...) or an IMSA contact card.")


# ---- identity ------------------------------------------------------------------------------


def _make_identity() -> dict[str, str]:
    ident = new_identity()
    return {
        "age_secret": ident.age_secret,
        "age_public": ident.age_public,
        "signing_private": base64.b64encode(ident.signing_private).decode("ascii"),
        "signing_public": ident.signing_public_b64,
    }


def _stored(uow: AbstractUnitOfWork) -> dict[str, str] | None:
    value = uow.settings.get(IDENTITY_KEY)
    if isinstance(value, dict) and {"age_secret", "signing_private"} <= value.keys():
        return value
    return None


def ensure_identity_in(uow: AbstractUnitOfWork) -> dict[str, str]:
    """Inside an entered unit of work: the stored identity, created if missing (no commit)."""
    value = _stored(uow)
    if value is None:
        value = _make_identity()
        uow.settings.set(IDENTITY_KEY, value)
        uow.audit.record("identity", None, "bundle identity created")
    return value


def ensure_identity(uow: AbstractUnitOfWork) -> PublicIdentity:
    """Create this vault's identity if it has none (call with the unit of work not entered)."""
    with uow:
        created = _stored(uow) is None
        value = ensure_identity_in(uow)
        if created:
            uow.commit()
    return _public(value)


def _public(value: dict[str, str]) -> PublicIdentity:
    return PublicIdentity(value["age_public"], value["signing_public"])


def my_identity(uow: AbstractUnitOfWork) -> PublicIdentity:
    return ensure_identity(uow)


def sender_in(uow: AbstractUnitOfWork, name: str) -> Sender:
    """Inside an entered unit of work: the secret keys to sign and name a bundle."""
    value = ensure_identity_in(uow)
    return Sender(
        name=name.strip()[:200] or "IMSA advocate",
        age_identity=value["age_secret"],
        signing_private_key=base64.b64decode(value["signing_private"]),
    )


def age_secret_in(uow: AbstractUnitOfWork) -> str:
    return ensure_identity_in(uow)["age_secret"]


def identity_secret_in(uow: AbstractUnitOfWork) -> dict[str, str]:
    """The stored identity (secrets included), for whole-vault backups only."""
    return dict(ensure_identity_in(uow))


def replace_identity_in(uow: AbstractUnitOfWork, value: Any) -> None:
    """Restore: put a backed-up identity in place (checked: the keys must belong together)."""
    if not isinstance(value, dict):
        raise InvalidInput("The backup's identity is not valid.")
    try:
        ok = age_public_of(value["age_secret"]) == value["age_public"] and signing_public_b64(
            base64.b64decode(value["signing_private"])
        ) == value.get("signing_public")
    except (KeyError, TypeError, ValueError, binascii.Error, InvalidInput):
        ok = False
    if not ok:
        raise InvalidInput("The backup's identity is not valid.")
    uow.settings.set(
        IDENTITY_KEY, {k: value[k] for k in ("age_secret", "age_public", "signing_private", "signing_public")}
    )


# ---- address book --------------------------------------------------------------------------


def _load_contacts(uow: AbstractUnitOfWork) -> list[Contact]:
    raw = uow.settings.get(CONTACTS_KEY) or []
    out: list[Contact] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("age"), str):
            signing = str(item.get("signing") or "")
            verified = item.get("verified") is True and bool(signing)
            out.append(Contact(item["name"], item["age"], signing, verified))
    return out


def _save_contacts(uow: AbstractUnitOfWork, contacts: list[Contact]) -> None:
    uow.settings.set(
        CONTACTS_KEY,
        [
            {"name": c.name, "age": c.age_public, "signing": c.signing_public_b64, "verified": c.verified}
            for c in contacts
        ],
    )


def contacts_in(uow: AbstractUnitOfWork) -> list[Contact]:
    return sorted(_load_contacts(uow), key=lambda c: c.name.casefold())


def list_contacts(uow: AbstractUnitOfWork) -> list[Contact]:
    with uow:
        return contacts_in(uow)


def add_contact(uow: AbstractUnitOfWork, name: str, key: str) -> Contact:
    """Add a colleague (or update the name/keys of one with the same age key)."""
    name = " ".join(str(name).split())
    if not name:
        raise InvalidInput("Please give the colleague's name.")
    if len(name) > MAX_NAME:
        raise InvalidInput("That name is too long (at most 120 characters).")
    age, signing = parse_key(key)
    with uow:
        mine = ensure_identity_in(uow)
        if age == mine["age_public"]:
            raise InvalidInput("That is this vault's own public key, not a colleague's.")
        existing = _load_contacts(uow)
        before = next((c for c in existing if c.age_public == age), None)
        contacts = [c for c in existing if c.age_public != age]
        if signing and any(c.signing_public_b64 == signing for c in contacts):
            raise InvalidInput("That signing key already belongs to another contact.")
        # Renaming keeps a verification; new keys need comparing again.
        keep = before is not None and before.verified and before.signing_public_b64 == signing
        contact = Contact(name, age, signing, keep)
        contacts.append(contact)
        _save_contacts(uow, contacts)
        uow.audit.record("contacts", None, f"contact added: {name}")
        uow.commit()
    return contact


def remove_contact(uow: AbstractUnitOfWork, age_public: str) -> None:
    with uow:
        contacts = _load_contacts(uow)
        keep = [c for c in contacts if c.age_public != age_public]
        if len(keep) == len(contacts):
            raise NotFound("There is no contact with that public key.")
        _save_contacts(uow, keep)
        removed = next(c for c in contacts if c.age_public == age_public)
        uow.audit.record("contacts", None, f"contact removed: {removed.name}")
        uow.commit()


def set_verified(uow: AbstractUnitOfWork, age_public: str, verified: bool = True) -> Contact:
    """Mark a contact verified (fingerprint compared with the colleague) or not verified."""
    with uow:
        contacts = _load_contacts(uow)
        found = next((c for c in contacts if c.age_public == age_public), None)
        if found is None:
            raise NotFound("There is no contact with that public key.")
        if verified and not found.verifiable:
            raise InvalidInput(
                f"{found.name} was added with an age key only; add their contact card to verify them."
            )
        updated = dataclasses.replace(found, verified=verified)
        _save_contacts(uow, [updated if c is found else c for c in contacts])
        state = "verified" if verified else "marked not verified"
        uow.audit.record("contacts", None, f"contact {state}: {found.name}")
        uow.commit()
    return updated


def verified_signers_in(uow: AbstractUnitOfWork) -> dict[str, str]:
    """Signing public key (base64) -> name, for contacts the advocate marked verified."""
    return {c.signing_public_b64: c.name for c in _load_contacts(uow) if c.signing_public_b64 and c.verified}


def known_signers_in(uow: AbstractUnitOfWork) -> dict[str, str]:
    """Signing public key (base64) -> contact name, for verifying who sent a bundle."""
    return {c.signing_public_b64: c.name for c in _load_contacts(uow) if c.signing_public_b64}


def resolve_recipients_in(uow: AbstractUnitOfWork, keys_or_names: list[str]) -> list[tuple[str, str]]:
    """(age key, label) for each recipient given as an age key, a contact card or a contact name."""
    contacts = _load_contacts(uow)
    out: list[tuple[str, str]] = []
    for item in keys_or_names:
        match = [c for c in contacts if c.name.casefold() == item.strip().casefold()]
        if len(match) == 1:
            out.append((match[0].age_public, match[0].name))
            continue
        age, _sig = parse_key(item)
        named = next((c.name for c in contacts if c.age_public == age), "")
        out.append((age, named or "a public key not in the address book"))
    return out
