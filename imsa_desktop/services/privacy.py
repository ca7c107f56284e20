"""Erasure and subject access (UK GDPR articles 15 and 17).

- ``erase_case`` removes every trace of a case from the vault: the case, its records, search
  entries, attachments, letters (stored as records) and its audit entries, leaving one
  tombstone audit row ("case erased", the case id and the date); then the vault is compacted
  so freed pages and the write-ahead log hold no remnants (see store/erasure.py).
- ``subject_access_export`` writes what the vault holds about the survivor in readable form:
  a case summary PDF, the chronology PDF, and a JSON document (the case document, the list of
  attached files and the case's audit entries).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from imsa_desktop.domain import case_document
from imsa_desktop.domain.model import Clock, utc_now
from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import DiskFull, InvalidInput, StorageError
from imsa_desktop.services.audit import entry_json
from imsa_desktop.services.cases import load_document
from imsa_desktop.services.ports import AbstractUnitOfWork, CaseEraser

TOMBSTONE_DETAIL = "case erased"
SAR_FORMAT = "imsa-subject-access/1"


@dataclass(frozen=True)
class ErasureResult:
    case_id: str
    code: str
    attachments_removed: int


def erase_case(uow: AbstractUnitOfWork, case_id: str, *, eraser: CaseEraser | None = None) -> ErasureResult:
    """Erase a case for good. Raises UnknownCase. The case's files are purged first (in
    bounded batches, each committed); then one transaction removes every other trace and writes
    the tombstone; then the vault is compacted. A failure after the files went leaves the case
    without its files (the advocate had asked for it gone): running the erasure again finishes
    it. A crash during compaction leaves a consistent, erased vault."""
    eraser = eraser or uow.eraser
    with uow:
        case = uow.cases.get(case_id)
        repo = uow.attachments
        attachments: list[AttachmentInfo] = repo.for_case(case_id)
    if attachments:
        # Big files go in bounded batches first; the rows left are removed with the case.
        repo.purge([a.id for a in attachments])
    with uow:
        uow.cases.get(case_id)
        eraser.remove_case_rows(case_id)
        uow.audit.record("erased", case_id, TOMBSTONE_DETAIL)
        uow.commit()
    eraser.compact()
    return ErasureResult(case_id, case.code, len(attachments))


def erase_case_in_vault(vault: Any, case_id: str) -> ErasureResult:
    """Convenience for the CLI and GUI workers: erase through an open vault (anything with
    ``unit_of_work()``), with the unit of work's own eraser."""
    return erase_case(vault.unit_of_work(), case_id)


# ---- subject access ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectAccessFiles:
    summary_pdf: Path
    chronology_pdf: Path
    json: Path


def _safe_stem(code: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in code)
    return keep.strip("-") or "case"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".imsa-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        import errno

        if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            raise DiskFull("The disk is full, so the subject access files were not written.") from e
        raise StorageError("The subject access files could not be written to that folder.") from e


def subject_access_export(
    uow: AbstractUnitOfWork,
    case_id: str,
    out_dir: Path,
    *,
    clock: Clock = utc_now,
    today: date | None = None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SubjectAccessFiles:
    """Write the survivor's subject-access files into *out_dir* (an existing folder).

    Refuses to replace existing files unless *overwrite*. The export is audit-logged
    ("exported", "subject access export") only once the files are written.
    """
    from imsa_desktop.documents.summary_pdf import render_case_summary
    from imsa_desktop.documents.timeline_pdf import render_timeline

    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InvalidInput("The folder for the subject access files does not exist.")
    day = today or clock().date()
    with uow:
        doc = load_document(uow, case_id)
        entries = uow.audit.entries(case_id=case_id, limit=1_000_000)
        files = uow.attachments.for_case(case_id)
    stem = f"subject-access-{_safe_stem(doc.case.code)}"
    paths = SubjectAccessFiles(
        out_dir / f"{stem}-summary.pdf", out_dir / f"{stem}-chronology.pdf", out_dir / f"{stem}.json"
    )
    if not overwrite and any(p.exists() for p in (paths.summary_pdf, paths.chronology_pdf, paths.json)):
        raise InvalidInput("Subject access files for this case already exist in that folder.")

    if progress:
        progress("Writing the case summary")
    summary = render_case_summary(
        doc.case,
        events=doc.events,
        evidence=doc.evidence,
        appointments=doc.appointments,
        deadlines=[],
        pseudonymous=False,
        today=day,
    )
    if progress:
        progress("Writing the chronology")
    chronology = render_timeline(doc.case, doc.events, pseudonymous=False, today=day)
    payload: dict[str, Any] = {
        "format": SAR_FORMAT,
        "generated_at": clock().isoformat(),
        "case": case_document.render(doc),
        "attachments": [a.metadata_json("added_at") for a in files],
        "audit": [entry_json(e) for e in entries],
    }
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"
    # The three files appear together or not at all: a failure part-way removes the ones
    # already written, so a retry does not stop at "already exist".
    written: list[Path] = []
    try:
        for target, data in (
            (paths.summary_pdf, summary),
            (paths.chronology_pdf, chronology),
            (paths.json, text.encode("utf-8")),
        ):
            _atomic_write(target, data)
            written.append(target)
    except BaseException:
        for done in written:
            with contextlib.suppress(OSError):
                done.unlink()
        raise
    with uow:
        uow.audit.record("exported", case_id, "subject access export")
        uow.commit()
    return paths
