"""Bundle export: need to know (what is left out), consent to share, and the signed bundle.

Bundle case documents are ``case_document.render`` output (ids and stamps) plus two keys the
importer removes before ``case_document.parse``:

- ``attachments``: metadata of the files carried (id, evidence_id, filename, media_type, size,
  sha256, created_at); the bytes are the bundle's ``attachments/<id>`` members.
- ``withheld``: which need-to-know groups were left out (``safeguarding``, ``contact_details``,
  ``attachments``); the importer keeps its own values for those fields.

Export writes the sync base (``domain.sync``) of every record it sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from imsa_desktop.bundle import AttachmentSource, Sender, write_bundle_file
from imsa_desktop.crypto.strength import assess
from imsa_desktop.domain import case_document
from imsa_desktop.domain.consent import ConsentPurpose
from imsa_desktop.domain.model import Case, ConsentRecord, Record, utc_now
from imsa_desktop.domain.sync import WITHHELD_GROUPS, add_party, parties_key, sync_key
from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import InvalidInput, WeakPassphrase
from imsa_desktop.services import identity as identity_service
from imsa_desktop.services.cases import load_document
from imsa_desktop.services.ports import AbstractUnitOfWork, AttachmentRepository

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]

MAX_REASON = 500


@dataclass(frozen=True)
class ShareOptions:
    """What to include (need to know). Defaults include everything."""

    attachments: bool = True
    safeguarding: bool = True  # survivor.safe_contact_notes
    contact_details: bool = True  # survivor voicemail/letters safety, appointment locations

    def withheld(self) -> list[str]:
        return [g for g in WITHHELD_GROUPS if not getattr(self, g)]


@dataclass(frozen=True)
class ConsentStatus:
    case_id: str
    code: str
    display_name: str
    consent: ConsentRecord | None  # the consent in force to share with a colleague, if any
    others: tuple[ConsentRecord, ...] = ()  # other consents in force (e.g. only "share with the SCA")

    @property
    def ok(self) -> bool:
        return self.consent is not None and self.consent.given

    @property
    def scope(self) -> list[str]:
        """The information groups the consent covers (empty: none recorded)."""
        return list(self.consent.scope) if self.consent is not None else []

    def problem(self) -> str:
        """One sentence saying why this case may not be shared with a colleague ("" if it may)."""
        if self.ok:
            return ""
        if self.others:
            labels = ", ".join(dict.fromkeys(f"“{c.purpose.label}”" for c in self.others))
            return (
                f"The consent recorded for {self.display_name} covers only: {labels}; "
                "it does not cover sharing with another advocate or organisation."
            )
        return f"No consent to share {self.display_name}'s information with a colleague is recorded."


@dataclass(frozen=True)
class ExportResult:
    path: Path
    case_count: int
    attachment_count: int
    recipients: str  # "Paweł Wiśniewski, Arbër Hoxha" or "passphrase"


SHARE_PURPOSE = ConsentPurpose.SHARE_ADVOCATE  # a bundle goes to another advocate or organisation


def sharing_consent(case: Case, today: date) -> ConsentRecord | None:
    """The latest consent in force on ``today`` to share with another advocate or organisation.

    Only that purpose counts: consent to share with the SCA/IECA or a solicitor, or an old
    free-text record ("purpose to be confirmed"), is not consent to share with a colleague."""
    return case.consent_for(SHARE_PURPOSE, today)


def consent_status(case: Case, today: date) -> ConsentStatus:
    others = tuple(c for c in case.consents if c.in_force(today) and c.purpose is not SHARE_PURPOSE)
    return ConsentStatus(
        case.id, case.code, case.survivor.display_name(), sharing_consent(case, today), others
    )


def consent_overview(
    uow: AbstractUnitOfWork, case_ids: list[str], *, clock: Callable[[], datetime] = utc_now
) -> list[ConsentStatus]:
    today = clock().date()
    with uow:
        return [consent_status(uow.cases.get(cid), today) for cid in case_ids]


def check_bundle_passphrase(passphrase: str) -> None:
    strength = assess(passphrase)
    if not strength.acceptable:
        raise WeakPassphrase(
            "That bundle passphrase is too easy to guess"
            + (f": {strength.feedback}" if strength.feedback else ".")
        )


def bundle_document(
    doc: case_document.CaseDocument, attachments: list[AttachmentInfo], options: ShareOptions
) -> dict[str, Any]:
    """The case document as it travels in a bundle, with the need-to-know filters applied."""
    out = case_document.render(doc)
    if not options.safeguarding:
        out["survivor"]["safe_contact_notes"] = ""
    if not options.contact_details:
        out["survivor"]["voicemail_safe"] = None
        out["survivor"]["letters_safe"] = None
        for a in out["appointments"]:
            a["location"] = ""
    out["attachments"] = [a.metadata_json() for a in attachments] if options.attachments else []
    out["withheld"] = options.withheld()
    return out


def records_of(doc: case_document.CaseDocument) -> list[Record]:
    return [doc.case, *doc.case.decisions, *doc.case.consents, *doc.events, *doc.appointments, *doc.evidence]


def export_cases(
    uow: AbstractUnitOfWork,
    case_ids: list[str],
    out: Path,
    *,
    recipients: list[str] | None = None,
    passphrase: str | None = None,
    options: ShareOptions = ShareOptions(),
    reason: str = "",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
) -> ExportResult:
    """Write the cases to one bundle for colleagues (``recipients``: age keys, contact cards or
    contact names) or to a ``passphrase``. A case without a recorded information-sharing
    consent needs a ``reason`` (kept in the audit log). Call with no unit of work open."""
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        raise InvalidInput("Choose at least one case to share.")
    if bool(recipients) == bool(passphrase):
        raise InvalidInput("Share either to colleagues' public keys or with a passphrase, not both.")
    if passphrase:
        check_bundle_passphrase(passphrase)
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise InvalidInput("The reason is too long (at most 500 characters).")
    identity_service.ensure_identity(uow)  # persisted before it signs anything
    with uow:
        sender = identity_service.sender_in(uow, advocate_name(uow))
        shared_with: list[tuple[str, str]] = []
        signing_of = {c.age_public: c.signing_public_b64 for c in identity_service.contacts_in(uow)}
        if recipients:
            resolved = identity_service.resolve_recipients_in(uow, recipients)
            shared_with = list(dict.fromkeys(resolved))
            age_keys = list(dict.fromkeys(k for k, _ in resolved))
            label = ", ".join(dict.fromkeys(n for _, n in resolved))
        else:
            age_keys, label = [], "passphrase"
        docs: list[dict[str, Any]] = []
        sources: list[AttachmentSource] = []
        stamps: dict[str, dict[str, str]] = {}
        without_consent: list[str] = []
        problems: list[str] = []
        today = clock().date()
        repo = uow.attachments
        for cid in ids:
            doc = load_document(uow, cid)
            status = consent_status(doc.case, today)
            if not status.ok:
                without_consent.append(cid)
                problems.append(status.problem())
            infos = repo.for_case(cid) if (repo is not None and options.attachments) else []
            docs.append(bundle_document(doc, infos, options))
            stamps[cid] = {r.id: r.updated_at.isoformat() for r in records_of(doc)}
            sources += attachment_sources(repo, infos)
    if without_consent and not reason:
        raise InvalidInput(
            problems[0].rstrip(".") + "; record that consent, or give a reason to share without it."
        )
    write_signed(out, docs, sources, sender, age_keys, passphrase, progress, cancelled, clock)
    withheld = options.withheld()
    with uow:
        for d in docs:
            cid = d["id"]
            detail = f"to {label}: {len(d['attachments'])} attachments"
            if withheld:
                detail += "; left out " + ", ".join(withheld)
            if cid in without_consent:
                detail += f"; shared without recorded consent, reason: {reason}"
            uow.audit.record("exported", cid, detail)
            base = dict(uow.settings.get(sync_key(cid)) or {})
            for rid, stamp in stamps[cid].items():
                base[rid] = [stamp, stamp]
            uow.settings.set(sync_key(cid), base)
            parties = uow.settings.get(parties_key(cid))
            for age_key, name in shared_with:  # they may send their changes back (domain.sync)
                parties = add_party(
                    parties,
                    "shared_with",
                    name=name,
                    age_public=age_key,
                    signing_public_b64=signing_of.get(age_key, ""),
                )
            if shared_with:
                uow.settings.set(parties_key(cid), parties)
        uow.commit()
    return ExportResult(Path(out), len(docs), len(sources), label)


def write_signed(
    out: Path,
    docs: list[dict[str, Any]],
    sources: list[AttachmentSource],
    sender: Sender,
    age_keys: list[str],
    passphrase: str | None,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    clock: Clock,
) -> None:
    """The signed bundle file (``bundle.write_bundle_file``): to *age_keys*, or to *passphrase*
    when there are none."""
    write_bundle_file(
        out,
        cases=docs,
        attachments=sources,
        sender=sender,
        recipients=age_keys or None,
        passphrase=None if age_keys else passphrase,
        progress=progress,
        cancelled=cancelled,
        now=clock(),
    )


def attachment_sources(repo: AttachmentRepository, infos: list[AttachmentInfo]) -> list[AttachmentSource]:
    """The stored files as the bundle writer reads them (each opened when it is reached)."""
    # the vault's reader checks size and SHA-256 at the end (AttachmentDamaged), and a stored
    # attachment's bytes and hash never change: the writer need not hash them again
    return [
        AttachmentSource(i.id, i.size, attachment_opener(repo, i.id), i.sha256 or None, self_verifying=True)
        for i in infos
    ]


def attachment_opener(repo: AttachmentRepository, attachment_id: str) -> Callable[[], BinaryIO]:
    """Opens the attachment's stream when the bundle writer reaches it."""

    def open_() -> BinaryIO:
        return repo.open(attachment_id)

    return open_


def advocate_name(uow: AbstractUnitOfWork) -> str:
    """The sender's name in a bundle: the vault's advocate."""
    return uow.actor() or "IMSA advocate"
