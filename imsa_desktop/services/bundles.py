"""Sharing cases between advocates: export (need to know, consent) and import (verify, preview,
merge record by record in ONE transaction).

Bundle case documents are ``case_document.render`` output (ids and stamps) plus two keys the
importer removes before ``case_document.parse``:

- ``attachments``: metadata of the files carried (id, evidence_id, filename, media_type, size,
  sha256, created_at); the bytes are the bundle's ``attachments/<id>`` members.
- ``withheld``: which need-to-know groups were left out (``safeguarding``, ``contact_details``,
  ``attachments``); the importer keeps its own values for those fields.

Merging uses a *sync base* per record (settings ``sync_base:<case id>``): the pair of stamps
(mine, theirs) of the version both vaults last agreed on, written on export and on import. An
incoming record that differs from the local one is taken when only the sender changed it, kept
when only we changed it, and is a conflict (the advocate chooses) when both changed it, or when
no base exists. Nothing is ever deleted by an import; the same bundle imported twice changes
nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from imsa_desktop.bundle import AttachmentSource, VerifiedBundle, read_bundle, write_bundle_file
from imsa_desktop.crypto.strength import assess
from imsa_desktop.domain import case_document
from imsa_desktop.domain.codec import to_jsonable
from imsa_desktop.domain.model import Case, ConsentRecord, Record, utc_now
from imsa_desktop.errors import (
    BundleCorrupt,
    ImsaError,
    InvalidInput,
    StorageError,
    WeakPassphrase,
)
from imsa_desktop.services import identity as identity_service
from imsa_desktop.services.cases import load_document
from imsa_desktop.services.ports import AbstractUnitOfWork, AttachmentInfo
from imsa_desktop.services.tempfiles import safe_file_name

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]
Choice = Literal["mine", "theirs"]

WITHHELD_GROUPS = ("attachments", "safeguarding", "contact_details")
BUNDLE_KEYS = ("attachments", "withheld")
SYNC_PREFIX = "sync_base:"
MAX_REASON = 500


# ---- export ----------------------------------------------------------------------------------


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
    consent: ConsentRecord | None  # the latest consent about information sharing, if any

    @property
    def ok(self) -> bool:
        return self.consent is not None and self.consent.given


@dataclass(frozen=True)
class ExportResult:
    path: Path
    case_count: int
    attachment_count: int
    recipients: str  # "Paweł Wiśniewski, Arbër Hoxha" or "passphrase"


def sharing_consent(case: Case) -> ConsentRecord | None:
    """The latest consent record about sharing information (purpose mentions sharing)."""
    found = [c for c in case.consents if "shar" in c.purpose.casefold()]
    if not found:
        return None
    return max(found, key=lambda c: (c.date, c.created_at))


def consent_overview(uow: AbstractUnitOfWork, case_ids: list[str]) -> list[ConsentStatus]:
    with uow:
        out = []
        for cid in case_ids:
            case = uow.cases.get(cid)
            out.append(ConsentStatus(cid, case.code, case.survivor.display_name(), sharing_consent(case)))
    return out


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
    out["attachments"] = (
        [
            {
                "id": a.id,
                "evidence_id": a.evidence_id,
                "filename": a.filename,
                "media_type": a.media_type,
                "size": a.size,
                "sha256": a.sha256,
                "created_at": a.created_at.isoformat(),
            }
            for a in attachments
        ]
        if options.attachments
        else []
    )
    out["withheld"] = options.withheld()
    return out


def _sync_key(case_id: str) -> str:
    return SYNC_PREFIX + case_id


def _records_of(doc: case_document.CaseDocument) -> list[Record]:
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
        sender = identity_service.sender_in(uow, _advocate_name(uow))
        if recipients:
            resolved = identity_service.resolve_recipients_in(uow, recipients)
            age_keys = list(dict.fromkeys(k for k, _ in resolved))
            label = ", ".join(dict.fromkeys(n for _, n in resolved))
        else:
            age_keys, label = [], "passphrase"
        docs: list[dict[str, Any]] = []
        sources: list[AttachmentSource] = []
        stamps: dict[str, dict[str, str]] = {}
        without_consent: list[str] = []
        repo = getattr(uow, "attachments", None)
        for cid in ids:
            doc = load_document(uow, cid)
            consent = sharing_consent(doc.case)
            if consent is None or not consent.given:
                without_consent.append(cid)
            infos = repo.for_case(cid) if (repo is not None and options.attachments) else []
            docs.append(bundle_document(doc, infos, options))
            stamps[cid] = {r.id: r.updated_at.isoformat() for r in _records_of(doc)}
            for info in infos:
                sources.append(
                    AttachmentSource(info.id, info.size, _opener(repo, info.id), info.sha256 or None)
                )
    if without_consent and not reason:
        raise InvalidInput(
            "The survivor's consent to share information is not recorded for "
            + ("one of these cases" if len(ids) > 1 else "this case")
            + "; record a reason to share without it."
        )
    write_bundle_file(
        out,
        cases=docs,
        attachments=sources,
        sender=sender,
        recipients=age_keys or None,
        passphrase=passphrase if not age_keys else None,
        progress=progress,
        cancelled=cancelled,
        now=clock(),
    )
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
            base = dict(uow.settings.get(_sync_key(cid)) or {})
            for rid, stamp in stamps[cid].items():
                base[rid] = [stamp, stamp]
            uow.settings.set(_sync_key(cid), base)
        uow.commit()
    return ExportResult(Path(out), len(docs), len(sources), label)


def _opener(repo: Any, attachment_id: str) -> Callable[[], Any]:
    def open_() -> Any:
        return repo.open(attachment_id)

    return open_


def _advocate_name(uow: AbstractUnitOfWork) -> str:
    # the audit actor is the vault's advocate name; the SQL unit of work exposes it
    actor = getattr(uow, "_actor", None)
    name = actor() if callable(actor) else ""
    return str(name or "IMSA advocate")


# ---- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    case_id: str
    kind: str  # case, decision, consent, event, appointment, evidence
    record_id: str
    label: str  # "Event: Recruited with a false job offer" (shown only inside the app)
    mine: dict[str, Any]
    theirs: dict[str, Any]
    mine_updated: str
    theirs_updated: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"

    def differing_fields(self) -> list[str]:
        keys = sorted(set(self.mine) | set(self.theirs))
        return [k for k in keys if k != "updated_at" and self.mine.get(k) != self.theirs.get(k)]


@dataclass
class CasePreview:
    case_id: str
    code: str
    display_name: str
    is_new: bool
    counts: dict[str, int] = field(default_factory=dict)  # records in the bundle by kind
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    attachments_new: int = 0
    withheld: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.is_new:
            return "new"
        if self.conflicts:
            return "conflicts"
        if self.new or self.updated or self.attachments_new:
            return "merged"
        return "unchanged"


@dataclass
class ImportReport:
    sender_name: str
    sender_known: bool
    signer_fingerprint: str
    created_at: str
    cases: list[CasePreview]
    applied: bool

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for p in self.cases for c in p.conflicts]

    def as_json(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "sender": {
                "name": self.sender_name,
                "known": self.sender_known,
                "fingerprint": self.signer_fingerprint,
            },
            "created_at": self.created_at,
            "cases": [
                {
                    "id": p.case_id,
                    "code": p.code,
                    "status": p.status,
                    "counts": p.counts,
                    "new_records": p.new,
                    "updated_records": p.updated,
                    "unchanged_records": p.unchanged,
                    "kept_records": p.kept,
                    "new_attachments": p.attachments_new,
                    "withheld": p.withheld,
                    "conflicts": [
                        {"kind": c.kind, "id": c.record_id, "fields": c.differing_fields()}
                        for c in p.conflicts
                    ],
                }
                for p in self.cases
            ],
        }


def _comparable(r: Record) -> dict[str, Any]:
    d: dict[str, Any] = to_jsonable(r)
    d.pop("updated_at", None)
    d.pop("case_id", None)
    if isinstance(r, Case):
        d.pop("decisions", None)
        d.pop("consents", None)
    return d


def _label(kind: str, r: Record) -> str:
    if isinstance(r, Case):
        return "Case details"
    title = getattr(r, "title", "") or getattr(r, "purpose", "")
    if not title and hasattr(r, "kind"):
        title = str(getattr(r.kind, "label", r.kind))
    return f"{kind.capitalize()}: {title}".strip()


class _Merger:
    """Plans (and, when ``apply``, writes) the merge of one incoming case document."""

    def __init__(
        self, uow: AbstractUnitOfWork, choices: dict[str, Choice], default: Choice, apply: bool
    ) -> None:
        self.uow = uow
        self.choices = choices
        self.default = default
        self.apply = apply
        self.new_bases: dict[str, dict[str, list[str]]] = {}

    def merge(self, incoming: case_document.CaseDocument, withheld: list[str]) -> CasePreview:
        uow = self.uow
        cid = incoming.case.id
        local_case = uow.cases.find(cid)
        local = load_document(uow, cid) if local_case is not None else None
        if local is not None:
            _restore_withheld(incoming, local, withheld)
        preview = CasePreview(
            cid,
            (local.case.code if local else incoming.case.code),
            incoming.case.survivor.display_name(),
            local is None,
            counts={
                "decisions": len(incoming.case.decisions),
                "consents": len(incoming.case.consents),
                "events": len(incoming.events),
                "appointments": len(incoming.appointments),
                "evidence": len(incoming.evidence),
            },
            withheld=list(withheld),
        )
        base: dict[str, list[str]] = dict(uow.settings.get(_sync_key(cid)) or {})
        new_base = dict(base)
        if local is None:
            preview.new = len(_records_of(incoming))
            for r in _records_of(incoming):
                new_base[r.id] = [r.updated_at.isoformat()] * 2
            if self.apply:
                uow.cases.add(incoming.case)
                for name in ("events", "appointments", "evidence"):
                    repo = getattr(uow, name)
                    for rec in getattr(incoming, name):
                        repo.add(rec)
            self.new_bases[cid] = new_base
            return preview

        def decide(kind: str, mine: Record | None, theirs: Record) -> Record:
            """The record to keep, and the preview counts; records the new base."""
            if mine is None:
                preview.new += 1
                new_base[theirs.id] = [theirs.updated_at.isoformat()] * 2
                return theirs
            m_stamp, t_stamp = mine.updated_at.isoformat(), theirs.updated_at.isoformat()
            if _comparable(mine) == _comparable(theirs):
                preview.unchanged += 1
                new_base[theirs.id] = [m_stamp, t_stamp]
                return mine
            b = base.get(theirs.id)
            mine_changed = b is None or m_stamp != b[0]
            theirs_changed = b is None or t_stamp != b[1]
            if not theirs_changed:
                choice: Choice = "mine"
            elif not mine_changed:
                choice = "theirs"
            else:
                conflict = Conflict(
                    cid,
                    kind,
                    theirs.id,
                    _label(kind, mine),
                    _comparable(mine),
                    _comparable(theirs),
                    m_stamp,
                    t_stamp,
                )
                preview.conflicts.append(conflict)
                choice = self.choices.get(conflict.key, self.default)
            if choice == "theirs":
                if not any(c.record_id == theirs.id for c in preview.conflicts):
                    preview.updated += 1
                new_base[theirs.id] = [t_stamp, t_stamp]
                return theirs
            if not any(c.record_id == theirs.id for c in preview.conflicts):
                preview.kept += 1
            new_base[theirs.id] = [m_stamp, t_stamp]
            return mine

        core = decide("case", local.case, incoming.case)
        assert isinstance(core, Case)
        merged_case = copy.copy(core)
        for attr, kind in (("decisions", "decision"), ("consents", "consent")):
            mine_list: list[Any] = list(getattr(local.case, attr))
            by_id = {r.id: i for i, r in enumerate(mine_list)}
            for rec in getattr(incoming.case, attr):
                if rec.id in by_id:
                    mine_list[by_id[rec.id]] = decide(kind, mine_list[by_id[rec.id]], rec)
                else:
                    mine_list.append(decide(kind, None, rec))
            setattr(merged_case, attr, mine_list)
        case_changed = to_jsonable(merged_case) != to_jsonable(local.case)
        if self.apply and case_changed:
            uow.cases.save(merged_case)
        for name, kind in (("events", "event"), ("appointments", "appointment"), ("evidence", "evidence")):
            repo = getattr(uow, name)
            mine_by_id = {r.id: r for r in getattr(local, name)}
            for rec in getattr(incoming, name):
                mine = mine_by_id.get(rec.id)
                if mine is None and repo.find(rec.id) is not None:
                    raise InvalidInput("A record in this bundle has the same id as a record of another case.")
                chosen = decide(kind, mine, rec)
                if self.apply and chosen is rec:
                    if mine is None:
                        repo.add(rec)
                    else:
                        repo.save(rec)
        self.new_bases[cid] = new_base
        return preview


def _restore_withheld(
    incoming: case_document.CaseDocument, local: case_document.CaseDocument, withheld: list[str]
) -> None:
    """Fields the sender left out keep our own values (they are not 'changed to blank')."""
    if "safeguarding" in withheld:
        incoming.case.survivor.safe_contact_notes = local.case.survivor.safe_contact_notes
    if "contact_details" in withheld:
        incoming.case.survivor.voicemail_safe = local.case.survivor.voicemail_safe
        incoming.case.survivor.letters_safe = local.case.survivor.letters_safe
        mine = {a.id: a for a in local.appointments}
        for a in incoming.appointments:
            if a.id in mine:
                a.location = mine[a.id].location


SpecialHandler = Callable[[Iterator[bytes]], None]


def _run(
    uow: AbstractUnitOfWork,
    path: Path,
    *,
    passphrase: str | None,
    identity: str | None,
    choices: dict[str, Choice],
    default: Choice,
    apply: bool,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    clock: Clock,
    special: dict[str, SpecialHandler] | None = None,
    after: Callable[[AbstractUnitOfWork, VerifiedBundle], None] | None = None,
    audit: bool = True,
) -> ImportReport:
    from imsa_desktop.store import identity as store_identity

    conn = getattr(uow, "conn", None)
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
        merger = _Merger(uow, choices, default, apply)

        def on_case(doc: dict[str, Any]) -> None:
            doc = dict(doc)
            atts = doc.pop("attachments", [])
            withheld = doc.pop("withheld", [])
            if not isinstance(atts, list) or not isinstance(withheld, list):
                raise BundleCorrupt()
            parsed = _parse_bundle_doc(doc, today)
            evidence_ids = {e.id for e in parsed.evidence}
            local_evidence = set()
            if uow.cases.find(parsed.case.id) is not None:
                local_evidence = {e.id for e in uow.evidence.for_case(parsed.case.id)}
            preview = merger.merge(parsed, [str(w) for w in withheld])
            for a in atts:
                if not isinstance(a, dict) or not isinstance(a.get("id"), str):
                    raise BundleCorrupt()
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
            if conn is None or store_identity.attachment_exists(conn, attachment_id):
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
                store_identity.write_attachment_in_transaction(
                    conn,
                    attachment_id=attachment_id,
                    case_id=case_id,
                    evidence_id=str(a["evidence_id"]),
                    filename=safe_file_name(str(a["filename"])),  # a bundle is untrusted
                    media_type=str(a["media_type"])[:200],
                    created_at=created,
                    chunks=chunks,
                    expected_size=int(a["size"]),
                    expected_sha256=str(a["sha256"]),
                    now=clock(),
                    cancelled=cancelled,
                )
            except (KeyError, TypeError, ValueError) as e:
                raise BundleCorrupt() from e

        verified = read_bundle(
            handle,
            identities=identities,
            passphrase=passphrase,
            known_signers=identity_service.known_signers_in(uow),
            on_case=on_case,
            on_attachment=on_attachment,
            progress=progress,
            cancelled=cancelled,
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
                uow.settings.set(_sync_key(cid), base)
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


def _parse_bundle_doc(doc: dict[str, Any], today: date) -> case_document.CaseDocument:
    try:
        parsed = case_document.parse(doc, today=today)
    except InvalidInput as e:
        raise BundleCorrupt("A case in this bundle is not valid; the vault was not changed.") from e
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
    return _run(
        uow,
        Path(path),
        passphrase=passphrase,
        identity=None,
        choices={},
        default="mine",
        apply=False,
        progress=progress,
        cancelled=cancelled,
        clock=clock,
    )


def import_bundle(
    uow: AbstractUnitOfWork,
    path: Path,
    *,
    passphrase: str | None = None,
    choices: dict[str, Choice] | None = None,
    default_choice: Choice = "mine",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Clock = utc_now,
) -> ImportReport:
    """Import in one transaction: all of the bundle's cases, or (on any error) nothing.

    ``choices`` maps a conflict's ``key`` ("event:<id>") to "mine" or "theirs"; conflicts not
    listed take ``default_choice``. Call with no unit of work open."""
    return _run(
        uow,
        Path(path),
        passphrase=passphrase,
        identity=None,
        choices=dict(choices or {}),
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
    return _run(
        uow,
        Path(path),
        passphrase=passphrase,
        identity=identity,
        choices={},
        default="mine",
        apply=False,
        progress=None,
        cancelled=None,
        clock=utc_now,
    )


def describe_error(e: BaseException) -> str:
    """One sentence for any failure of export or import (for the GUI and CLI)."""
    if isinstance(e, ImsaError):
        return e.user_message
    if isinstance(e, OSError):
        return StorageError().user_message
    return "Something went wrong; the vault was not changed."


__all__ = [
    "Conflict",
    "CasePreview",
    "ConsentStatus",
    "ExportResult",
    "ImportReport",
    "ShareOptions",
    "consent_overview",
    "export_cases",
    "import_bundle",
    "preview_import",
    "sharing_consent",
    "verify_file",
]
