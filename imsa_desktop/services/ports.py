"""The unit-of-work interface the services depend on (no SQL here).

``store.uow.SqlUnitOfWork`` implements it over SQLCipher; ``tests/unit/fakes.py`` implements
it in memory. As in Cosmic Python, leaving the ``with`` block without ``commit()`` rolls back.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from imsa_desktop.domain.model import (
    Appointment,
    AuditEntry,
    Case,
    CaseSummary,
    DeadlineOverride,
    EvidenceItem,
    Record,
    TimelineEvent,
)

R = TypeVar("R", bound=Record)


class CaseRepository(Protocol):
    def get(self, case_id: str) -> Case: ...  # raises UnknownCase
    def find(self, case_id: str) -> Case | None: ...
    def add(self, case: Case) -> None: ...
    def save(self, case: Case) -> None: ...
    def delete(self, case_id: str) -> None: ...
    def summaries(self) -> list[CaseSummary]: ...
    def ids(self) -> list[str]: ...


class RecordRepository(Protocol, Generic[R]):
    def get(self, record_id: str) -> R: ...  # raises NotFound
    def find(self, record_id: str) -> R | None: ...
    def for_case(self, case_id: str) -> list[R]: ...
    def add(self, record: R) -> None: ...
    def save(self, record: R) -> None: ...
    def delete(self, record_id: str) -> None: ...
    def between(self, start_key: str, end_key: str) -> list[R]: ...  # across cases, by sort key


class SettingsRepository(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any) -> None: ...


class AuditLog(Protocol):
    def record(self, action: str, case_id: str | None, detail: str = "") -> None: ...
    def entries(
        self, case_id: str | None = None, action: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]: ...


@dataclass(frozen=True)
class SearchHit:
    case_id: str
    record_id: str
    kind: str  # case, event, appointment, evidence, letter
    title: str  # matched words wrapped in \x02 ... \x03
    snippet: str


class SearchIndex(Protocol):
    def search(self, query: str, limit: int = 200) -> list[SearchHit]: ...


class AbstractUnitOfWork(abc.ABC):
    cases: CaseRepository
    events: RecordRepository[TimelineEvent]
    appointments: RecordRepository[Appointment]
    evidence: RecordRepository[EvidenceItem]
    overrides: RecordRepository[DeadlineOverride]
    settings: SettingsRepository
    audit: AuditLog
    search: SearchIndex

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
