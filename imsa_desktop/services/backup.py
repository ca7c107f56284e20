"""Whole-vault backup and restore, in the case-bundle format.

Design (docs/sharing-cases.md, "Backups"): a backup is an ordinary IMSA bundle (age v1, signed
by the vault's identity) holding every case, every attachment, and one extra attachment member
with a fixed id (``VAULT_RECORD_ID``) carrying the vault-level data as JSON: the identity
(secret keys, so colleagues' bundles still open after a restore), the address book, the sync
bases and the deadline overrides. It is encrypted either

- to a passphrase (by default the vault passphrase in use when the backup is made), any size:
  a one-time age identity protected by the passphrase (docs/bundle-format.md, section 1), or
- to one or more age public keys (e.g. an organisation's backup key kept offline), any size.

We derive no keys of our own. After writing, the backup is read back and verified end to end.
Restore creates a NEW vault and imports everything in one transaction; on any failure the new
vault files are removed. The audit log is not carried (the new vault records the restore).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from imsa_desktop.bundle import AttachmentSource, VerifiedBundle, verify_bundle
from imsa_desktop.domain.codec import from_jsonable, to_jsonable
from imsa_desktop.domain.letter_records import LetterRecord
from imsa_desktop.domain.model import AuditEntry, DeadlineOverride, utc_now
from imsa_desktop.domain.sync import sync_key
from imsa_desktop.errors import BundleCorrupt, InvalidInput
from imsa_desktop.services import audit as audit_service
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.services.cases import load_document
from imsa_desktop.services.ports import AbstractUnitOfWork

VAULT_RECORD_ID = "0d1b2c3e-4f50-4a61-8b72-93a4b5c6d7e8"
VAULT_RECORD_KIND = "imsa-vault-record"
MAX_VAULT_RECORD = 64 * 1024 * 1024

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    case_count: int
    attachment_count: int


def backup_vault(
    uow: AbstractUnitOfWork,
    out: Path,
    *,
    passphrase: str | None = None,
    recipients: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
) -> BackupResult:
    """Write an encrypted backup of the whole vault to *out*, then verify it. Call with no unit
    of work open."""
    if bool(passphrase) == bool(recipients):
        raise InvalidInput("Protect the backup with either a passphrase or public keys.")
    identity_service.ensure_identity(uow)  # persisted before it signs anything
    with uow:
        sender = identity_service.sender_in(uow, bundle_service.advocate_name(uow))
        age_keys = [k for k, _ in identity_service.resolve_recipients_in(uow, recipients or [])]
        docs: list[dict[str, Any]] = []
        sources: list[AttachmentSource] = []
        overrides: list[Any] = []
        bases: dict[str, Any] = {}
        letters: list[Any] = []
        letter_pdfs: dict[str, str] = {}
        repo = uow.attachments
        for cid in uow.cases.ids():
            infos = repo.for_case(cid)
            docs.append(
                bundle_service.bundle_document(load_document(uow, cid), infos, bundle_service.ShareOptions())
            )
            sources += bundle_service.attachment_sources(repo, infos)
            overrides += [to_jsonable(o) for o in uow.overrides.for_case(cid)]
            bases[cid] = uow.settings.get(sync_key(cid)) or {}
            for letter in uow.letters.for_case(cid):
                letters.append(to_jsonable(letter))
                if uow.letter_pdfs.has(letter.id):
                    letter_pdfs[letter.id] = base64.b64encode(uow.letter_pdfs.get(letter.id)).decode("ascii")
        record = {
            "kind": VAULT_RECORD_KIND,
            "version": 2,
            "identity": identity_service.identity_secret_in(uow),
            "contacts": uow.settings.get(identity_service.CONTACTS_KEY) or [],
            "sync_bases": bases,
            "overrides": overrides,
            # Version 2: everything else a whole vault holds (organisation letterhead and
            # templates, privacy settings, letters with the exact PDFs sent, the audit log).
            "settings": [[k, v] for k, v in uow.settings.items() if k != identity_service.IDENTITY_KEY],
            "letters": letters,
            "letter_pdfs": letter_pdfs,
            "audit": [audit_service.entry_json(e) for e in reversed(uow.audit.entries(limit=10**9))],
        }
    data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sources.append(AttachmentSource(VAULT_RECORD_ID, len(data), lambda: BytesIO(data)))
    out = Path(out)
    # Written and verified under a temporary name beside the target; only a verified backup
    # replaces an earlier one at the same path (a failed run must not cost the last good copy).
    final, out = out, out.with_name(f".{out.name}.verifying-{uuid.uuid4().hex[:8]}")
    bundle_service.write_signed(out, docs, sources, sender, age_keys, passphrase, progress, cancelled, clock)
    # verified after writing: decrypt and check every hash and the signature
    try:
        with open(out, "rb") as handle:
            if age_keys:
                with uow:
                    secret = identity_service.age_secret_in(uow)
                if identity_service.my_identity(uow).age_public in age_keys:
                    verify_bundle(handle, identities=[secret], cancelled=cancelled)
            else:
                verify_bundle(handle, passphrase=passphrase, cancelled=cancelled)
        os.replace(out, final)
    except BaseException:
        with contextlib.suppress(OSError):
            out.unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename durable
        fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    with uow:
        uow.audit.record(
            "backup", None, f"whole-vault backup: {len(docs)} cases, {len(sources) - 1} attachments"
        )
        uow.settings.set(LAST_BACKUP_KEY, clock().isoformat())  # verified: counts for the reminder
        uow.commit()
    return BackupResult(final, len(docs), len(sources) - 1)


# ---- the reminder on the Today page ---------------------------------------------------------

LAST_BACKUP_KEY = "backup_last_verified_at"
REMINDER_DAYS_KEY = "backup_reminder_days"
DEFAULT_REMINDER_DAYS = 7
REMINDER_RANGE = (1, 365)


def reminder_days(uow: AbstractUnitOfWork) -> int:
    with uow:
        value = uow.settings.get(REMINDER_DAYS_KEY)
    low, high = REMINDER_RANGE
    return value if isinstance(value, int) and low <= value <= high else DEFAULT_REMINDER_DAYS


def set_reminder_days(uow: AbstractUnitOfWork, days: int) -> None:
    low, high = REMINDER_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise InvalidInput(f"The backup reminder must be between {low} and {high} days.")
    with uow:
        uow.settings.set(REMINDER_DAYS_KEY, days)
        uow.commit()


def backup_reminder(uow: AbstractUnitOfWork, now: datetime) -> str | None:
    """A sentence for the Today page when the last verified backup is older than the setting
    (or there is none), else None."""
    days = reminder_days(uow)
    with uow:
        last = uow.settings.get(LAST_BACKUP_KEY)
    try:
        when = datetime.fromisoformat(last) if isinstance(last, str) else None
    except ValueError:
        when = None
    if when is None:
        return "This vault has no verified backup yet: back it up now (a lost laptop loses every case on it)."
    age = (now - when).days
    if age < days:
        return None
    return (
        f"The last verified backup was made {age} day{'s' if age != 1 else ''} ago (the reminder "
        f"is set to {days} day{'s' if days != 1 else ''}): back it up now."
    )


def restore_into(
    uow: AbstractUnitOfWork,
    backup: Path,
    *,
    passphrase: str | None = None,
    identity: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
) -> bundle_service.ImportReport:
    """Import a backup into an (empty, new) vault in one transaction, with its identity,
    contacts, sync bases and deadline overrides."""
    with uow:
        if uow.cases.ids():
            raise InvalidInput("A backup can only be restored into a new, empty vault.")
    holder: dict[str, Any] = {}

    def take_record(chunks: Iterator[bytes]) -> None:
        parts: list[bytes] = []
        size = 0
        for c in chunks:
            size += len(c)
            if size > MAX_VAULT_RECORD:
                raise BundleCorrupt()
            parts.append(c)
        holder["raw"] = b"".join(parts)

    def after(u: AbstractUnitOfWork, verified: VerifiedBundle) -> None:
        raw = holder.get("raw")
        if raw is None:
            raise InvalidInput("This bundle is not a whole-vault backup; import it as a bundle instead.")
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise BundleCorrupt() from e
        if not isinstance(record, dict) or record.get("kind") != VAULT_RECORD_KIND:
            raise BundleCorrupt()
        for key, value in record.get("settings") or []:
            u.settings.set(str(key), value)
        identity_service.replace_identity_in(u, record.get("identity"))
        u.settings.set(identity_service.CONTACTS_KEY, record.get("contacts") or [])
        for cid, base in (record.get("sync_bases") or {}).items():
            u.settings.set(sync_key(str(cid)), base)
        for item in record.get("overrides") or []:
            u.overrides.add(from_jsonable(DeadlineOverride, item))
        for item in record.get("letters") or []:
            u.letters.add(from_jsonable(LetterRecord, item))
        for letter_id, b64 in (record.get("letter_pdfs") or {}).items():
            try:
                pdf = base64.b64decode(b64, validate=True)
            except (ValueError, TypeError) as err:
                raise BundleCorrupt() from err
            u.letter_pdfs.put(str(letter_id), pdf)
        for row in record.get("audit") or []:
            try:
                entry = AuditEntry(
                    0,
                    datetime.fromisoformat(row["at"]),
                    str(row["actor"]),
                    str(row["action"]),
                    row.get("case_id"),
                    str(row.get("detail") or ""),
                )
            except (KeyError, TypeError, ValueError) as err:
                raise BundleCorrupt() from err
            u.audit.restore(entry)
        u.audit.record(
            "restored", None, f"restored from a backup made {verified.manifest.get('created_at', '')}"
        )

    return bundle_service.run_import(
        uow,
        Path(backup),
        passphrase=passphrase,
        identity=identity,
        apply=True,
        progress=progress,
        cancelled=cancelled,
        clock=clock,
        special={VAULT_RECORD_ID: take_record},
        after=after,
        audit=False,
    )
