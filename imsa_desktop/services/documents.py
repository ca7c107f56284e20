"""Printable documents of a case: the chronology and the case summary (and writing any PDF out).

Gathering (``timeline_data`` / ``summary_data``) reads the vault and is quick; rendering
(``render_timeline_pdf`` / ``render_summary_pdf``) is pure and may be slow, so the GUI runs
it in a worker with the gathered plain data. Every print or save is recorded in the audit log
(``record_output``): action "printed" or "saved PDF", detail naming the document, never its text.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from imsa_desktop.documents.summary_pdf import render_summary_of
from imsa_desktop.documents.timeline_pdf import render_timeline
from imsa_desktop.domain.deadlines import compute_deadlines
from imsa_desktop.domain.model import Appointment, Case, DeadlineOverride, EvidenceItem, TimelineEvent
from imsa_desktop.errors import DiskFull, InvalidInput, StorageError
from imsa_desktop.paths import fsync_folder
from imsa_desktop.services.deadlines import holiday_calendar, rules
from imsa_desktop.services.ports import AbstractUnitOfWork

PRINTED = "printed"
SAVED_PDF = "saved PDF"
TIMELINE = "timeline pdf"
SUMMARY = "case summary pdf"
LETTER = "reconsideration letter pdf"


def deadline_rows(case: Case, overrides: Sequence[DeadlineOverride], today: date) -> list[dict[str, Any]]:
    """The case's deadlines as the PDFs print them (dicts with due, title, status, source)."""
    found = compute_deadlines(case, rules(), holiday_calendar(), today, overrides)
    return [{"due": d.due, "title": d.title, "status": d.state.label, "source": d.rule.source} for d in found]


@dataclass(frozen=True)
class CaseDocumentData:
    """Plain data for one case's printouts (safe to hand to a worker)."""

    case: Case
    events: list[TimelineEvent]
    evidence: list[EvidenceItem]
    appointments: list[Appointment]
    deadlines: list[dict[str, Any]]
    today: date


@dataclass(frozen=True)
class StoredRecords:
    """One case and the records its documents draw on, as stored (read in one unit of work)."""

    case: Case
    events: list[TimelineEvent]
    evidence: list[EvidenceItem]
    appointments: list[Appointment]
    overrides: list[DeadlineOverride]


def read_records(uow: AbstractUnitOfWork, case_id: str) -> StoredRecords:
    """Raises UnknownCase."""
    with uow:
        return StoredRecords(
            case=uow.cases.get(case_id),
            events=uow.events.for_case(case_id),
            evidence=uow.evidence.for_case(case_id),
            appointments=uow.appointments.for_case(case_id),
            overrides=uow.overrides.for_case(case_id),
        )


def gather(uow: AbstractUnitOfWork, case_id: str, today: date) -> CaseDocumentData:
    """Raises UnknownCase."""
    r = read_records(uow, case_id)
    rows = deadline_rows(r.case, r.overrides, today)
    return CaseDocumentData(r.case, r.events, r.evidence, r.appointments, rows, today)


def render_timeline_pdf(data: CaseDocumentData, *, pseudonymous: bool) -> bytes:
    return render_timeline(
        data.case, data.events, pseudonymous=pseudonymous, today=data.today, deadlines=data.deadlines
    )


def render_summary_pdf(data: CaseDocumentData, *, pseudonymous: bool) -> bytes:
    return render_summary_of(data, pseudonymous=pseudonymous, today=data.today)


def record_output(
    uow: AbstractUnitOfWork, case_id: str, action: str, what: str, *, pseudonymous: bool = False
) -> None:
    """Audit a print or a saved PDF: ``record_output(uow, id, "printed", TIMELINE)``."""
    if action not in (PRINTED, SAVED_PDF):
        raise ValueError(action)
    detail = what + (" (pseudonymous)" if pseudonymous else "")
    with uow:
        uow.audit.record(action, case_id, detail)
        uow.commit()


def timeline_pdf(uow: AbstractUnitOfWork, case_id: str, *, today: date, pseudonymous: bool = False) -> bytes:
    """Gather and render the chronology in one go (the CLI); the caller audits the output."""
    return render_timeline_pdf(gather(uow, case_id, today), pseudonymous=pseudonymous)


def summary_pdf(uow: AbstractUnitOfWork, case_id: str, *, today: date, pseudonymous: bool = False) -> bytes:
    return render_summary_pdf(gather(uow, case_id, today), pseudonymous=pseudonymous)


# ---- writing files ---------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all or nothing: a temporary file in the same folder, fsync,
    rename over the target, fsync the folder. On any failure the target is left as it was."""
    path = Path(path).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput("The folder to save into does not exist.")
    if path.is_dir():
        raise InvalidInput("The output path is a folder; give a file name.")
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".imsa-", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = ""
        fsync_folder(folder)
    except OSError as e:
        import errno

        if e.errno == errno.ENOSPC:
            raise DiskFull("The disk is full, so the file was not written.") from None
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StorageError("The file could not be written there (permission denied).") from None
        raise StorageError("The file could not be written; nothing was changed.") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path
