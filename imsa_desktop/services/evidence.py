"""Evidence items and their attached files.

Each function takes a unit of work (not yet entered). Record changes happen inside one
``with uow`` block and are audit-logged without case text. Attaching a file is different: a
file may be gigabytes, so its bytes are streamed by ``uow.attachments.write`` in batched
transactions of their own, between a short check (the case and evidence item exist) and a
short closing transaction (audit entry).
"""

from __future__ import annotations

import dataclasses
import mimetypes
import os
import stat
from collections.abc import Callable
from pathlib import Path

from imsa_desktop.domain import validation
from imsa_desktop.domain.model import (
    EXPLOITATION_TYPES,
    ILO_INDICATORS,
    Clock,
    EvidenceItem,
    utc_now,
)
from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import FileTooLarge, InvalidInput, NotFound
from imsa_desktop.services.ports import AbstractUnitOfWork, AttachmentRepository

GiB = 1024**3
MiB = 1024**2
DEFAULT_MAX_ATTACHMENT = 4 * GiB
PREVIEW_MAX_BYTES = 50 * MiB
PREVIEWABLE_TYPES = ("image/", "application/pdf", "text/plain")

Progress = Callable[[int, int], None]


def human_size(n: int) -> str:
    """'120 MB', '3.4 GB', '512 bytes': for audit details and progress labels."""
    if n < 1000:
        return f"{n} bytes"
    for unit, factor in (("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if n >= factor:
            value = n / factor
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} bytes"  # pragma: no cover


def attachment_repo(uow: AbstractUnitOfWork) -> AttachmentRepository:
    return uow.attachments


# ---- validation ------------------------------------------------------------------------------


def validate(item: EvidenceItem) -> EvidenceItem:
    """A cleaned copy of *item*, or InvalidInput with the first problem found."""
    validation.check_record(item, "evidence")
    title = item.title.strip()
    if not title:
        raise InvalidInput("Please give the evidence item a title.")
    if item.date_obtained and item.date_provided and item.date_provided < item.date_obtained:
        raise InvalidInput("The date the evidence was provided cannot be before the date it was obtained.")
    known = ILO_INDICATORS.keys() | EXPLOITATION_TYPES.keys()
    indicators: list[str] = []
    for key in item.indicators:
        key = key.strip()
        if key not in known:
            raise InvalidInput("One of the indicators is not a known ILO indicator or exploitation type.")
        if key not in indicators:
            indicators.append(key)
    return dataclasses.replace(
        item,
        title=title,
        source=item.source.strip(),
        provided_to=item.provided_to.strip(),
        indicators=indicators,
        event_ids=list(dict.fromkeys(item.event_ids)),
    )


def _get_in_case(uow: AbstractUnitOfWork, case_id: str, evidence_id: str) -> EvidenceItem:
    uow.cases.get(case_id)  # UnknownCase
    item = uow.evidence.find(evidence_id)
    if item is None or item.case_id != case_id:
        raise NotFound("There is no evidence item with that id in this case.")
    return item


# ---- evidence records ------------------------------------------------------------------------


def add_evidence(uow: AbstractUnitOfWork, item: EvidenceItem, *, clock: Clock = utc_now) -> str:
    """Add an evidence item to its case; returns its id."""
    clean = validate(item)
    now = clock()
    clean = dataclasses.replace(clean, created_at=now, updated_at=now)
    with uow:
        uow.cases.get(clean.case_id)
        for event_id in clean.event_ids:
            _check_event(uow, clean.case_id, event_id)
        uow.evidence.add(clean)
        # the events it supports list it too, in the same transaction
        for event_id in dict.fromkeys(clean.event_ids):
            event = uow.events.get(event_id)
            if clean.id not in event.evidence_ids:
                event.evidence_ids.append(clean.id)
                event.updated_at = now
                uow.events.save(event)
        uow.audit.record("changed", clean.case_id, "evidence added")
        uow.commit()
    return clean.id


def save_evidence(uow: AbstractUnitOfWork, item: EvidenceItem, *, new: bool, clock: Clock = utc_now) -> str:
    """Add (*new*) or change an evidence item with its timeline links, in one transaction;
    returns its id."""
    if new:
        return add_evidence(uow, item, clock=clock)
    update_evidence(uow, item, clock=clock)
    return item.id


def update_evidence(uow: AbstractUnitOfWork, item: EvidenceItem, *, clock: Clock = utc_now) -> None:
    clean = validate(item)
    with uow:
        before = _get_in_case(uow, clean.case_id, clean.id)
        for event_id in clean.event_ids:
            if event_id not in before.event_ids:
                _check_event(uow, clean.case_id, event_id)
        now = clock()
        uow.evidence.save(dataclasses.replace(clean, created_at=before.created_at, updated_at=now))
        # Keep the other side of each link in step: events list the evidence that supports them.
        for event_id in set(before.event_ids) ^ set(clean.event_ids):
            event = uow.events.find(event_id)
            if event is None or event.case_id != clean.case_id:
                continue
            linked = event_id in clean.event_ids
            if linked and clean.id not in event.evidence_ids:
                event.evidence_ids.append(clean.id)
            elif not linked and clean.id in event.evidence_ids:
                event.evidence_ids = [e for e in event.evidence_ids if e != clean.id]
            else:
                continue
            event.updated_at = now
            uow.events.save(event)
        uow.audit.record("changed", clean.case_id, "evidence changed")
        uow.commit()


def delete_evidence(uow: AbstractUnitOfWork, case_id: str, evidence_id: str) -> None:
    """Delete an evidence item and its attachments; events no longer point at it."""
    repo = uow.attachments
    with uow:
        _get_in_case(uow, case_id, evidence_id)
        attached = repo.for_evidence(evidence_id)
        for a in attached:
            repo.discard(a.id)
        for event in uow.events.for_case(case_id):
            if evidence_id in event.evidence_ids:
                event.evidence_ids = [e for e in event.evidence_ids if e != evidence_id]
                uow.events.save(event)
        uow.evidence.delete(evidence_id)
        detail = "evidence deleted"
        if attached:
            detail += f" with {len(attached)} attachment(s)"
        uow.audit.record("changed", case_id, detail)
        uow.commit()
    if attached and repo is not None:
        # The chunks go in batches after the commit; a crash here leaves rows marked
        # incomplete, which the next vault open removes.
        repo.purge([a.id for a in attached])


def _check_event(uow: AbstractUnitOfWork, case_id: str, event_id: str) -> None:
    event = uow.events.find(event_id)
    if event is None or event.case_id != case_id:
        raise NotFound("There is no timeline event with that id in this case.")


def link_event(
    uow: AbstractUnitOfWork, case_id: str, evidence_id: str, event_id: str, *, clock: Clock = utc_now
) -> None:
    """Link an evidence item and a timeline event (both ways; idempotent)."""
    with uow:
        item = _get_in_case(uow, case_id, evidence_id)
        _check_event(uow, case_id, event_id)
        event = uow.events.get(event_id)
        if event_id not in item.event_ids:
            item.event_ids.append(event_id)
            item.touch(clock)
            uow.evidence.save(item)
        if evidence_id not in event.evidence_ids:
            event.evidence_ids.append(evidence_id)
            event.touch(clock)
            uow.events.save(event)
        uow.audit.record("changed", case_id, "evidence linked to event")
        uow.commit()


def list_evidence(uow: AbstractUnitOfWork, case_id: str) -> list[EvidenceItem]:
    with uow:
        uow.cases.get(case_id)
        return uow.evidence.for_case(case_id)


# ---- attachments -----------------------------------------------------------------------------


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_ATTACHMENT) -> int:
    """The size of the regular file at *path*, or InvalidInput / FileTooLarge."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InvalidInput("That file does not exist.") from None
    except OSError:
        raise InvalidInput("That file could not be read.") from None
    if stat.S_ISDIR(st.st_mode):
        raise InvalidInput("That is a folder, not a file; please choose a file.")
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput("That is not a regular file; please choose a file.")
    if st.st_size > max_bytes:
        raise FileTooLarge(f"That file is too large to add (the limit is {human_size(max_bytes)}).")
    return st.st_size


def attach_file(
    uow: AbstractUnitOfWork,
    case_id: str,
    evidence_id: str,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    max_bytes: int = DEFAULT_MAX_ATTACHMENT,
    media_type: str | None = None,
) -> AttachmentInfo:
    """Copy the file at *path* into the vault, attached to an evidence item.

    Call with no unit of work open. Streams in chunks (memory stays small for any size);
    ``progress(done, total)`` after each batch; ``cancelled()`` is polled and, when true,
    raises Cancelled with nothing left behind.
    """
    path = Path(path)
    size = check_file(path, max_bytes)
    repo = attachment_repo(uow)
    with uow:
        _get_in_case(uow, case_id, evidence_id)
    kind = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        raise InvalidInput("That file could not be read.") from None
    with stream:
        info = repo.write(
            case_id,
            evidence_id,
            path.name,
            kind,
            stream,
            size_hint=size,
            progress=progress,
            cancelled=cancelled,
            max_bytes=max_bytes,
        )
    try:
        with uow:
            _get_in_case(uow, case_id, evidence_id)  # still there?
            uow.audit.record("changed", case_id, f"attachment added {human_size(info.size)}")
            uow.commit()
    except BaseException:
        repo.purge([info.id])
        raise
    return info


def list_attachments(
    uow: AbstractUnitOfWork, case_id: str, evidence_id: str | None = None
) -> list[AttachmentInfo]:
    repo = attachment_repo(uow)
    with uow:
        uow.cases.get(case_id)
        if evidence_id is None:
            return repo.for_case(case_id)
        _get_in_case(uow, case_id, evidence_id)
        return repo.for_evidence(evidence_id)


def attachment_in_case(uow: AbstractUnitOfWork, case_id: str, attachment_id: str) -> AttachmentInfo:
    uow.cases.get(case_id)
    info = attachment_repo(uow).get(attachment_id)
    if info.case_id != case_id:
        raise NotFound("There is no attachment with that id in this case.")
    return info


def extract_attachment(
    uow: AbstractUnitOfWork, case_id: str, attachment_id: str, out_path: Path, *, overwrite: bool = False
) -> Path:
    """Write an attachment out of the vault (verified; atomic). If *out_path* is a folder, the
    stored filename is used inside it. Returns the file written."""
    repo = attachment_repo(uow)
    with uow:
        info = attachment_in_case(uow, case_id, attachment_id)
    out_path = Path(out_path)
    if out_path.is_dir():
        out_path = out_path / (Path(info.filename).name or "attachment")
    if not out_path.parent.is_dir():
        raise InvalidInput("The folder to extract into does not exist.")
    if out_path.exists() and not overwrite:
        raise InvalidInput("A file with that name already exists; it was left untouched.")
    repo.extract(attachment_id, out_path)
    with uow:
        uow.audit.record("exported", case_id, f"attachment extracted {human_size(info.size)}")
        uow.commit()
    return out_path


def preview_bytes(
    uow: AbstractUnitOfWork, case_id: str, attachment_id: str, *, max_bytes: int = PREVIEW_MAX_BYTES
) -> tuple[AttachmentInfo, bytes]:
    """The verified bytes of an image, PDF or text attachment, for showing inside the app."""
    repo = attachment_repo(uow)
    with uow:
        info = attachment_in_case(uow, case_id, attachment_id)
    if not info.media_type.startswith(PREVIEWABLE_TYPES):
        raise InvalidInput("This kind of file cannot be previewed inside the app.")
    data = repo.read_all_verified(attachment_id, max_bytes)
    with uow:
        uow.audit.record("viewed", case_id, "attachment previewed")
        uow.commit()
    return info, data


def delete_attachment(uow: AbstractUnitOfWork, case_id: str, attachment_id: str) -> None:
    repo = attachment_repo(uow)
    with uow:
        info = attachment_in_case(uow, case_id, attachment_id)
        repo.discard(attachment_id)
        uow.audit.record("changed", case_id, f"attachment deleted {human_size(info.size)}")
        uow.commit()
    repo.purge([attachment_id])
