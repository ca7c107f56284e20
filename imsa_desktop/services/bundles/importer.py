"""Bundle import: verify, preview, and merge every case of a bundle in ONE transaction.

An incoming record that differs from the local one is taken when only the sender changed it,
kept when only we changed it, and is a conflict (the advocate chooses) when both changed it,
or when no base exists (``domain.sync``). Nothing is ever deleted by an import; the same bundle
imported twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from imsa_desktop.bundle import MAX_ATTACHMENT_BYTES, VerifiedBundle, read_bundle
from imsa_desktop.domain import case_document, validation
from imsa_desktop.domain.model import utc_now
from imsa_desktop.domain.sync import add_party, parties_key, sender_is_party, sync_key
from imsa_desktop.domain.validation import is_canonical_uuid
from imsa_desktop.errors import BundleCorrupt, InvalidInput
from imsa_desktop.services import identity as identity_service
from imsa_desktop.services.bundles.merge import CaseMerger, CasePreview, ImportChoice, ImportReport
from imsa_desktop.services.cases import check_unique_in_vault
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.services.tempfiles import safe_file_name

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]

SpecialHandler = Callable[[Iterator[bytes]], None]


def run_import(
    uow: AbstractUnitOfWork,
    path: Path,
    *,
    passphrase: str | None = None,
    identity: str | None = None,
    choices: dict[str, ImportChoice] | None = None,
    default: ImportChoice = "mine",
    apply: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
    special: dict[str, SpecialHandler] | None = None,
    after: Callable[[AbstractUnitOfWork, VerifiedBundle], None] | None = None,
    audit: bool = True,
) -> ImportReport:
    attachments = uow.attachments
    previews: list[CasePreview] = []
    meta: dict[str, tuple[str, dict[str, Any]]] = {}  # attachment id -> (case id, metadata)
    received: set[str] = set()
    today = clock().date()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        raise InvalidInput("The bundle file could not be opened.") from None
    with handle, uow:
        if passphrase is None:
            identities = [identity or identity_service.age_secret_in(uow)]
        else:
            identities = None
        merger = CaseMerger(uow, dict(choices or {}), default, apply)
        known = identity_service.known_signers_in(uow)
        signer: dict[str, str] = {}

        def on_signer(signing_key: str, age_public: str) -> None:
            signer.update(signing=signing_key, age=age_public)

        def trusted_for(case_id: str) -> bool:
            """Only a sender in the address book that this case was shared with or by changes it
            without the advocate confirming each change (domain.sync, issue 19 hole 1)."""
            key = signer.get("signing", "")
            return key in known and sender_is_party(uow.settings.get(parties_key(case_id)), key)

        def on_case(doc: dict[str, Any]) -> None:
            doc = dict(doc)
            atts = doc.pop("attachments", [])
            withheld = doc.pop("withheld", [])
            if not isinstance(atts, list) or not isinstance(withheld, list):
                raise BundleCorrupt()
            parsed = parse_bundle_doc(doc, today)
            evidence_ids = {e.id for e in parsed.evidence}
            local_evidence = set()
            exists = uow.cases.find(parsed.case.id) is not None
            if exists:
                local_evidence = {e.id for e in uow.evidence.for_case(parsed.case.id)}
            try:  # the same limits as a case typed in: codes and ids unique across the vault
                check_unique_in_vault(uow, parsed, check_code=not exists)
            except InvalidInput as e:
                raise invalid_case(e) from e
            merger.sender_trusted = trusted_for(parsed.case.id)
            preview = merger.merge(parsed, [str(w) for w in withheld])
            for a in atts:
                check_attachment_meta(a)
                if a.get("evidence_id") not in evidence_ids | local_evidence or a["id"] in meta:
                    raise BundleCorrupt()
                meta[a["id"]] = (parsed.case.id, a)
            previews.append(preview)

        def on_attachment(attachment_id: str, chunks: Iterator[bytes]) -> None:
            if special and attachment_id in special:
                special[attachment_id](chunks)
                received.add(attachment_id)
                return
            if attachment_id not in meta:
                raise BundleCorrupt()
            case_id, a = meta[attachment_id]
            received.add(attachment_id)
            # verify and dry runs check the bytes against the case document as import does;
            # the reader already checks them against the signed manifest before the last chunk,
            # so when the case document names the same hash they are not hashed a second time
            hash_checked = getattr(chunks, "sha256", None) == a["sha256"] and getattr(
                chunks, "size", None
            ) == int(a["size"])
            if not hash_checked:
                chunks = checked_chunks(chunks, int(a["size"]), str(a["sha256"]))
            if attachments.exists(attachment_id):
                for _ in chunks:
                    pass
                return
            preview = next(p for p in previews if p.case_id == case_id)
            preview.attachments_new += 1
            if not apply:
                for _ in chunks:
                    pass
                return
            try:
                created = datetime.fromisoformat(str(a["created_at"]))
                attachments.write_in_transaction(
                    attachment_id=attachment_id,
                    case_id=case_id,
                    evidence_id=str(a["evidence_id"]),
                    filename=safe_file_name(str(a["filename"])),  # a bundle is untrusted
                    media_type=str(a["media_type"])[:200],
                    created_at=created,
                    chunks=chunks,
                    expected_size=int(a["size"]),
                    expected_sha256=str(a["sha256"]),
                    cancelled=cancelled,
                    hash_checked=hash_checked,
                )
            except (KeyError, TypeError, ValueError) as e:
                raise BundleCorrupt() from e

        verified = read_bundle(
            handle,
            identities=identities,
            passphrase=passphrase,
            known_signers=known,
            on_case=on_case,
            on_attachment=on_attachment,
            progress=progress,
            cancelled=cancelled,
            on_signer=on_signer,
        )
        if set(meta) - received:
            raise BundleCorrupt()
        report = ImportReport(
            verified.sender_name,
            verified.sender_known,
            identity_service.fingerprint(verified.signer_key),
            str(verified.manifest.get("created_at", "")),
            previews,
            applied=apply,
        )
        if apply:
            for cid, base in merger.new_bases.items():
                uow.settings.set(sync_key(cid), base)
            for p in previews:  # a case new to us: who shared it may update it later
                if p.is_new:
                    uow.settings.set(
                        parties_key(p.case_id),
                        add_party(
                            uow.settings.get(parties_key(p.case_id)),
                            "shared_by",
                            name=verified.sender_name,
                            age_public=str(verified.manifest.get("sender", {}).get("age_public_key", "")),
                            signing_public_b64=verified.signer_key,
                        ),
                    )
            if after is not None:
                after(uow, verified)
            if audit:
                who = verified.sender_name + ("" if verified.sender_known else " (unverified sender)")
                for p in previews:
                    uow.audit.record(
                        "imported",
                        p.case_id,
                        f"from {who}: {p.status}; new={p.new} updated={p.updated} kept={p.kept} "
                        f"conflicts={len(p.conflicts)} attachments={p.attachments_new}",
                    )
            uow.commit()
    return report


def invalid_case(e: InvalidInput) -> BundleCorrupt:
    """One sentence: what is wrong, then that nothing changed."""
    detail = e.user_message.rstrip(".")
    return BundleCorrupt(f"A case in this bundle is not valid ({detail}); the vault was not changed.")


_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_attachment_meta(a: Any) -> None:
    """An attachment entry of a case document, checked before any byte arrives (issue 19,
    hole 9: verify and dry runs passed entries that import refused)."""
    if not isinstance(a, dict) or not is_canonical_uuid(a.get("id")):
        raise BundleCorrupt()
    size, sha = a.get("size"), a.get("sha256")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_ATTACHMENT_BYTES:
        raise BundleCorrupt()
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise BundleCorrupt()
    for key in ("evidence_id", "filename", "media_type", "created_at"):
        if not isinstance(a.get(key), str):
            raise BundleCorrupt()
    try:
        validation.check_text(a["filename"], "an attachment's file name", "filename")
        created = datetime.fromisoformat(a["created_at"])
    except (InvalidInput, ValueError) as e:
        raise BundleCorrupt() from e
    if not validation.YEAR_MIN <= created.year <= validation.YEAR_MAX:
        raise BundleCorrupt()


def checked_chunks(chunks: Iterator[bytes], size: int, sha256: str) -> Iterator[bytes]:
    """The chunks, passed on; BundleCorrupt before the last one if they do not match."""
    digest = hashlib.sha256()
    seen = 0
    pending: bytes | None = None
    for chunk in chunks:
        if pending is not None:
            yield pending
        seen += len(chunk)
        if seen > size:
            raise BundleCorrupt()
        digest.update(chunk)
        pending = chunk
    if seen != size or digest.hexdigest() != sha256:
        raise BundleCorrupt()
    if pending is not None:
        yield pending


def parse_bundle_doc(doc: dict[str, Any], today: date) -> case_document.CaseDocument:
    try:
        parsed = case_document.parse(doc, today=today)
    except InvalidInput as e:
        raise invalid_case(e) from e
    if parsed.case.id != doc.get("id"):
        raise BundleCorrupt()
    return parsed


def preview_import(
    uow: AbstractUnitOfWork,
    path: Path,
    *,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
) -> ImportReport:
    """Verify the whole bundle and say what an import would do; the vault is not changed."""
    return run_import(
        uow, Path(path), passphrase=passphrase, progress=progress, cancelled=cancelled, clock=clock
    )


def import_bundle(
    uow: AbstractUnitOfWork,
    path: Path,
    *,
    passphrase: str | None = None,
    choices: dict[str, ImportChoice] | None = None,
    default_choice: ImportChoice = "mine",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
) -> ImportReport:
    """Import in one transaction: all of the bundle's cases, or (on any error) nothing.

    ``choices`` maps a conflict's ``key`` ("event:<id>") to "mine", "theirs" or "both"; conflicts not
    listed take ``default_choice``. Call with no unit of work open."""
    return run_import(
        uow,
        Path(path),
        passphrase=passphrase,
        choices=choices,
        default=default_choice,
        apply=True,
        progress=progress,
        cancelled=cancelled,
        clock=clock,
    )


def verify_file(
    uow: AbstractUnitOfWork, path: Path, *, passphrase: str | None = None, identity: str | None = None
) -> ImportReport:
    """Check a bundle end to end (decrypt, signature, every hash) without changing anything."""
    return run_import(uow, Path(path), passphrase=passphrase, identity=identity)
