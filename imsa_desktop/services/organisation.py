"""Organisation settings kept in the vault: letterhead, logo, signatory, addressees, and the
organisation's own copies of the letter template and ground catalogue (versioned).

Settings keys: ``organisation`` (a dict, see ``OrgSettings``), ``organisation.logo`` (the PNG
or JPEG as base64), ``letters.template`` and ``letters.grounds`` (``{"text": <TOML>,
"version": ..., "saved_at": ...}``). Without an organisation copy, the shipped files in
``resources/letters`` are used; ``reset_*`` goes back to them.
"""

from __future__ import annotations

import base64
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imsa_desktop.domain import letters
from imsa_desktop.domain.model import Authority, Clock, utc_now
from imsa_desktop.errors import InvalidInput
from imsa_desktop.paths import resource
from imsa_desktop.services.ports import AbstractUnitOfWork

SHIPPED = resource("letters")
KEY_ORG = "organisation"
KEY_LOGO = "organisation.logo"
KEY_TEMPLATE = "letters.template"
KEY_GROUNDS = "letters.grounds"
MAX_LOGO_BYTES = 512 * 1024
MAX_TOML_CHARS = 200_000


@dataclass(kw_only=True)
class OrgSettings:
    name: str = ""
    address_lines: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    signatory_name: str = ""
    signatory_role: str = ""
    # authority value ("SCA", "IECA") -> address lines; empty: the template's lines
    addressees: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address_lines": list(self.address_lines),
            "phone": self.phone,
            "email": self.email,
            "signatory_name": self.signatory_name,
            "signatory_role": self.signatory_role,
            "addressees": {k: list(v) for k, v in self.addressees.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> OrgSettings:
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str:
            v = data.get(key, "")
            return v if isinstance(v, str) else ""

        def lines(v: Any) -> list[str]:
            return [x for x in v if isinstance(x, str)] if isinstance(v, list) else []

        raw = data.get("addressees")
        addressees = {k: lines(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        return cls(
            name=text("name"),
            address_lines=lines(data.get("address_lines")),
            phone=text("phone"),
            email=text("email"),
            signatory_name=text("signatory_name"),
            signatory_role=text("signatory_role"),
            addressees={k: v for k, v in addressees.items() if v},
        )


@dataclass(frozen=True)
class TextSetting:
    """An editable TOML text (template or catalogue) and where it comes from."""

    text: str
    version: str
    shipped: bool  # True: the file that ships with the app; False: the organisation's copy


# ---- letterhead and signatory ----------------------------------------------------------------


def get_settings(uow: AbstractUnitOfWork) -> OrgSettings:
    with uow:
        return OrgSettings.from_dict(uow.settings.get(KEY_ORG))


def save_settings(uow: AbstractUnitOfWork, settings: OrgSettings) -> None:
    clean = OrgSettings.from_dict(settings.to_dict())
    clean.name = clean.name.strip()
    clean.address_lines = [x.strip() for x in clean.address_lines if x.strip()]
    clean.addressees = {
        k: [x.strip() for x in v if x.strip()]
        for k, v in clean.addressees.items()
        if k in Authority.__members__
    }
    clean.addressees = {k: v for k, v in clean.addressees.items() if v}
    if len(clean.address_lines) > 8 or any(len(v) > 8 for v in clean.addressees.values()):
        raise InvalidInput("An address can have at most 8 lines.")
    if clean.email and "@" not in clean.email:
        raise InvalidInput("The email address does not look right (it has no @).")
    with uow:
        uow.settings.set(KEY_ORG, clean.to_dict())
        uow.audit.record("changed", None, "organisation settings")
        uow.commit()


def get_logo(uow: AbstractUnitOfWork) -> bytes | None:
    with uow:
        raw = uow.settings.get(KEY_LOGO)
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError:
        return None


def set_logo(uow: AbstractUnitOfWork, data: bytes | None) -> None:
    """Store the letterhead logo (PNG or JPEG, at most 512 KB); None removes it."""
    if data is not None:
        if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
            raise InvalidInput("The logo must be a PNG or JPEG image.")
        if len(data) > MAX_LOGO_BYTES:
            raise InvalidInput("The logo is too large; use an image under 512 KB.")
    with uow:
        uow.settings.set(KEY_LOGO, base64.b64encode(data).decode("ascii") if data else "")
        uow.audit.record("changed", None, "organisation logo")
        uow.commit()


def set_logo_from_file(uow: AbstractUnitOfWork, path: Path) -> None:
    try:
        if path.stat().st_size > MAX_LOGO_BYTES:
            raise InvalidInput("The logo is too large; use an image under 512 KB.")
        data = path.read_bytes()
    except OSError:
        raise InvalidInput("The logo file could not be read.") from None
    set_logo(uow, data)


def letter_organisation(uow: AbstractUnitOfWork, *, default_signatory: str = "") -> letters.Organisation:
    """The organisation as the letter prints it (with the logo). With no signatory set, the
    vault's advocate (``default_signatory``) signs."""
    s = get_settings(uow)
    return letters.Organisation(
        name=s.name,
        address_lines=list(s.address_lines),
        signatory_name=s.signatory_name or default_signatory,
        signatory_role=s.signatory_role
        or ("Independent Modern Slavery Advocate" if default_signatory else ""),
        phone=s.phone,
        email=s.email,
        logo_png=get_logo(uow),
    )


# ---- template and catalogue ------------------------------------------------------------------


def _shipped_text(name: str) -> str:
    return (SHIPPED / name).read_text(encoding="utf-8")


def _parse(text: str, what: str) -> dict[str, Any]:
    if len(text) > MAX_TOML_CHARS:
        raise InvalidInput(f"The {what} is too long.")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InvalidInput(f"The {what} is not valid TOML ({str(e).split('(')[0].strip()}).") from None


def _check_template(data: dict[str, Any]) -> str:
    version = data.get("template_version")
    if not isinstance(version, str) or not version.strip():
        raise InvalidInput('The letter template needs a template_version (for example "1.1").')
    if not isinstance(data.get("text"), dict) or not isinstance(data.get("headings"), dict):
        raise InvalidInput("The letter template needs its [text] and [headings] tables.")
    return version.strip()


def _check_catalogue(data: dict[str, Any]) -> str:
    version = data.get("catalogue_version")
    if not isinstance(version, str) or not version.strip():
        raise InvalidInput('The ground catalogue needs a catalogue_version (for example "2025.2").')
    if not letters.catalogue_grounds(data):
        raise InvalidInput("The ground catalogue has no grounds.")
    return version.strip()


def _get_text(uow: AbstractUnitOfWork, key: str, filename: str, check: Any) -> TextSetting:
    with uow:
        raw = uow.settings.get(key)
    if isinstance(raw, dict) and isinstance(raw.get("text"), str) and raw["text"]:
        return TextSetting(raw["text"], str(raw.get("version", "")), shipped=False)
    text = _shipped_text(filename)
    return TextSetting(text, check(_parse(text, filename)), shipped=True)


def template_text(uow: AbstractUnitOfWork) -> TextSetting:
    return _get_text(uow, KEY_TEMPLATE, "template.toml", _check_template)


def catalogue_text(uow: AbstractUnitOfWork) -> TextSetting:
    return _get_text(uow, KEY_GROUNDS, "grounds.toml", _check_catalogue)


def load_template(uow: AbstractUnitOfWork) -> dict[str, Any]:
    return _parse(template_text(uow).text, "letter template")


def load_catalogue(uow: AbstractUnitOfWork) -> dict[str, Any]:
    return _parse(catalogue_text(uow).text, "ground catalogue")


def _save_text(
    uow: AbstractUnitOfWork, key: str, current: TextSetting, text: str, what: str, check: Any, clock: Clock
) -> str:
    version = str(check(_parse(text, what)))
    if text != current.text and version == current.version:
        raise InvalidInput(f"You changed the {what}: raise its version number before saving.")
    with uow:
        uow.settings.set(key, {"text": text, "version": version, "saved_at": clock().isoformat()})
        uow.audit.record("changed", None, f"{what} version {version}"[:120])
        uow.commit()
    return version


def save_template_text(uow: AbstractUnitOfWork, text: str, *, clock: Clock = utc_now) -> str:
    """Keep the organisation's edited template (checked; its version must change). Returns it."""
    return _save_text(uow, KEY_TEMPLATE, template_text(uow), text, "letter template", _check_template, clock)


def save_catalogue_text(uow: AbstractUnitOfWork, text: str, *, clock: Clock = utc_now) -> str:
    """Keep the organisation's edited ground catalogue (checked; its version must change)."""
    return _save_text(
        uow, KEY_GROUNDS, catalogue_text(uow), text, "ground catalogue", _check_catalogue, clock
    )


def reset_template(uow: AbstractUnitOfWork) -> None:
    with uow:
        uow.settings.set(KEY_TEMPLATE, None)
        uow.audit.record("changed", None, "letter template reset to shipped")
        uow.commit()


def reset_catalogue(uow: AbstractUnitOfWork) -> None:
    with uow:
        uow.settings.set(KEY_GROUNDS, None)
        uow.audit.record("changed", None, "ground catalogue reset to shipped")
        uow.commit()
