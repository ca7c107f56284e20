"""The unit-of-work interface the services depend on (no SQL here).

``store.uow.SqlUnitOfWork`` implements it over SQLCipher; ``tests/unit/fakes.py`` implements
it in memory. As in Cosmic Python, leaving the ``with`` block without ``commit()`` rolls back.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, Protocol, TypeVar

from imsa_desktop.domain.model import (
    Appointment,
    AuditEntry,
    Case,
    CaseStatus,
    CaseSummary,
    DeadlineOverride,
    EvidenceItem,
    Record,
    TimelineEvent,
)
from imsa_desktop.domain.values import AttachmentInfo, SearchHit

if TYPE_CHECKING:
    from imsa_desktop.domain.letter_records import LetterRecord

R = TypeVar("R", bound=Record)

# Case fields ``CaseRepository.statistics_rows`` leaves out (services.stats never reads them).
STATISTICS_DROPPED = (
    "survivor",
    "notes",
    "status_reason",
    "consents",
    "code",
    "referral.reference",
    "referral.first_responder",
    "exploitation_location",
)


class CaseRepository(Protocol):
    def get(self, case_id: str) -> Case: ...  # raises UnknownCase
    def find(self, case_id: str) -> Case | None: ...
    def add(self, case: Case) -> None: ...
    def save(self, case: Case) -> None: ...
    def delete(self, case_id: str) -> None: ...
    # All, or these; most recently changed first; ``limit``: only the first so many;
    # ``status``: only the cases in that status.
    def summaries(
        self,
        ids: Iterable[str] | None = None,
        *,
        limit: int | None = None,
        status: CaseStatus | None = None,
    ) -> list[CaseSummary]: ...
    def count(self) -> int: ...
    def ids(self) -> list[str]: ...
    # Every case (closed ones only with ``include_closed``), oldest first, read in one pass.
    def each(self, *, include_closed: bool = True) -> Iterator[Case]: ...
    # Every case as JSON without the fields in STATISTICS_DROPPED; the survivor's nationality
    # as typed is under "nationality" (for services.stats).
    def statistics_rows(self) -> list[dict[str, Any]]: ...


class RecordRepository(Protocol, Generic[R]):
    def get(self, record_id: str) -> R: ...  # raises NotFound
    def find(self, record_id: str) -> R | None: ...
    def for_case(self, case_id: str) -> list[R]: ...
    def add(self, record: R) -> None: ...
    def save(self, record: R) -> None: ...
    def delete(self, record_id: str) -> None: ...
    def between(self, start_key: str, end_key: str) -> list[R]: ...  # across cases, by sort key
    def by_case(self) -> dict[str, list[R]]: ...  # every record of this kind, by case id


class SettingsRepository(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any) -> None: ...
    def items(self) -> list[tuple[str, Any]]: ...  # every setting (whole-vault backups)


class AuditLog(Protocol):
    def record(self, action: str, case_id: str | None, detail: str = "") -> None: ...
    def entries(
        self, case_id: str | None = None, action: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]: ...
    def restore(self, entry: AuditEntry) -> None: ...  # as it was (restore from a backup)


class SearchIndex(Protocol):
    def search(self, query: str, limit: int = 200) -> list[SearchHit]: ...


class AttachmentRepository(Protocol):
    """Attachments (store.attachments.AttachmentStore). ``write`` and ``delete`` commit on their
    own in batches, so they are called OUTSIDE a ``with uow`` block; ``discard``, ``exists`` and
    ``write_in_transaction`` run inside one. ``open`` streams the stored bytes (checked against
    the SHA-256 at the end)."""

    def write(
        self,
        case_id: str,
        evidence_id: str,
        filename: str,
        media_type: str,
        stream: BinaryIO,
        *,
        size_hint: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        max_bytes: int | None = None,
    ) -> AttachmentInfo: ...
    def write_in_transaction(
        self,
        *,
        attachment_id: str,
        case_id: str,
        evidence_id: str,
        filename: str,
        media_type: str,
        created_at: datetime,
        chunks: Iterator[bytes],
        expected_size: int,
        expected_sha256: str,
        cancelled: Callable[[], bool] | None = None,
        hash_checked: bool = False,
    ) -> int: ...  # inside the caller's transaction (an import is all or nothing)
    def exists(self, attachment_id: str) -> bool: ...
    def open(self, attachment_id: str) -> BinaryIO: ...
    def get(self, attachment_id: str) -> AttachmentInfo: ...  # raises NotFound
    def for_evidence(self, evidence_id: str) -> list[AttachmentInfo]: ...
    def for_case(self, case_id: str) -> list[AttachmentInfo]: ...
    def read_all_verified(self, attachment_id: str, max_bytes: int) -> bytes: ...
    def verify(self, attachment_id: str) -> bool: ...
    def extract(self, attachment_id: str, out_path: Path) -> AttachmentInfo: ...
    def discard(self, attachment_id: str) -> None: ...
    def delete(self, attachment_id: str) -> None: ...
    def purge(self, attachment_ids: list[str]) -> None: ...


class LetterPdfRepository(Protocol):
    """The exact PDF of each sent letter (store.letter_pdfs.SqlLetterPdfs); never replaced."""

    def put(self, letter_id: str, pdf: bytes) -> str: ...  # returns the SHA-256 (hex)
    def has(self, letter_id: str) -> bool: ...
    def get(self, letter_id: str) -> bytes: ...  # checked against its SHA-256
    def delete(self, letter_id: str) -> None: ...


class CaseEraser(Protocol):
    """The storage half of erasing a case (store.erasure.SqlCaseEraser)."""

    def remove_case_rows(self, case_id: str) -> int: ...  # inside an open unit of work
    def compact(self) -> None: ...  # outside any transaction


class AbstractUnitOfWork(abc.ABC):
    cases: CaseRepository
    events: RecordRepository[TimelineEvent]
    appointments: RecordRepository[Appointment]
    evidence: RecordRepository[EvidenceItem]
    overrides: RecordRepository[DeadlineOverride]
    letters: RecordRepository[LetterRecord]
    letter_pdfs: LetterPdfRepository
    settings: SettingsRepository
    audit: AuditLog
    search: SearchIndex
    # Usable outside ``with uow`` too (see AttachmentRepository).
    attachments: AttachmentRepository
    eraser: CaseEraser

    def actor(self) -> str:
        """Who is working: the vault's advocate name (recorded in the audit log)."""
        return ""

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
