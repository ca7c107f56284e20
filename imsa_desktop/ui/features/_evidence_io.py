"""Attachment work that runs in a worker thread, each call on its OWN database connection.

The GUI thread's connection is never used from a worker (house style: a connection is never
shared between threads). ``own_uow(session)`` asks the composition root
(``bootstrap.worker_unit_of_work``) for a fresh connection opened on the GUI thread and a
runner the worker calls: it builds a unit of work over that connection, runs the service and
closes the connection, whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from imsa_desktop import bootstrap
from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import Cancelled as LockedMeanwhile
from imsa_desktop.services import evidence as evidence_service
from imsa_desktop.services import tempfiles
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.workers import CancelFlag

T = TypeVar("T")


def own_uow(session: Session) -> bootstrap.WorkerRunner:
    """Open a separate connection now (GUI thread); the returned runner uses and closes it."""
    return bootstrap.worker_unit_of_work(session.require_vault(), session.clock)


def attach_task(
    session: Session, case_id: str, evidence_id: str, path: Path, cancelled: CancelFlag
) -> Callable[[Callable[[int, str], None]], AttachmentInfo]:
    """A worker function ``fn(progress)`` that streams *path* into the vault."""
    runner = own_uow(session)
    label = Path(path).name

    def fn(progress: Callable[[int, str], None]) -> AttachmentInfo:
        def report(done: int, total: int) -> None:
            percent = int(done * 100 / total) if total else 100
            done_text = evidence_service.human_size(done)
            progress(
                min(percent, 100), f"Adding {label}: {done_text} of {evidence_service.human_size(total)}"
            )

        return runner(
            lambda uow: evidence_service.attach_file(
                uow, case_id, evidence_id, Path(path), progress=report, cancelled=cancelled
            )
        )

    return fn


def preview_task(
    session: Session, case_id: str, attachment_id: str
) -> Callable[[], tuple[AttachmentInfo, bytes]]:
    """A worker function returning the verified bytes for an in-app preview (never on disk)."""
    runner = own_uow(session)
    return lambda: runner(lambda uow: evidence_service.preview_bytes(uow, case_id, attachment_id))


def export_task(session: Session, case_id: str, attachment_id: str, out: Path) -> Callable[[], Path]:
    """A worker function writing a verified copy where the user chose ("Save a copy…")."""
    runner = own_uow(session)
    return lambda: runner(
        lambda uow: evidence_service.extract_attachment(uow, case_id, attachment_id, out, overwrite=True)
    )


def external_copy_task(session: Session, case_id: str, attachment_id: str) -> Callable[[], Path]:
    """A worker function making the temporary plaintext copy for "Open with another program"."""
    runner = own_uow(session)

    def work() -> Path:
        path = runner(lambda uow: tempfiles.export_for_external_open(uow, case_id, attachment_id))
        if not session.is_open:
            # The vault locked while the copy was being written: the lock's clean-up may have
            # run before this file existed, so remove it here rather than leave plaintext behind.
            tempfiles.cleanup_external_copies()
            raise LockedMeanwhile("The vault was locked, so the file was not opened.")
        return path

    return work


def describe(info: AttachmentInfo) -> str:
    """'scan.pdf · PDF · 120 KB'."""
    return f"{info.filename} · {kind_label(info.media_type)} · {evidence_service.human_size(info.size)}"


def kind_label(media_type: str) -> str:
    if media_type == "application/pdf":
        return "PDF"
    if media_type.startswith("image/"):
        return "Image"
    if media_type.startswith("text/"):
        return "Text"
    if media_type.startswith("audio/"):
        return "Audio"
    if media_type.startswith("video/"):
        return "Video"
    return "File"


def can_preview(media_type: str) -> bool:
    return media_type.startswith(evidence_service.PREVIEWABLE_TYPES)
