"""Shared shape of saving and deleting a record that belongs to a case (appointments, timeline events)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Protocol, TypeVar

from imsa_desktop.domain.model import Clock
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services.ports import AbstractUnitOfWork


class _CaseRecord(Protocol):
    id: str
    case_id: str
    created_at: datetime
    updated_at: datetime


C = TypeVar("C", bound=_CaseRecord)


class _Repo(Protocol[C]):
    def find(self, record_id: str) -> C | None: ...
    def add(self, record: C) -> None: ...
    def save(self, record: C) -> None: ...
    def delete(self, record_id: str) -> None: ...


def upsert_in_case(uow: AbstractUnitOfWork, repo: _Repo[C], record: C, *, clock: Clock, noun: str) -> C:
    """Inside an entered unit of work: add *record*, or update the one with its id, keeping its
    case and creation stamp; audited as "<noun> added/changed" (never with case text)."""
    now = clock()
    held = repo.find(record.id)
    if held is None:
        record = dataclasses.replace(record, created_at=now, updated_at=now)  # type: ignore[type-var]
        repo.add(record)
        uow.audit.record("changed", record.case_id, f"{noun} added")
        return record
    if held.case_id != record.case_id:
        raise InvalidInput(f"This {noun} cannot be moved to another case.")
    record = dataclasses.replace(record, created_at=held.created_at, updated_at=now)  # type: ignore[type-var]
    repo.save(record)
    uow.audit.record("changed", record.case_id, f"{noun} changed")
    return record


def delete_in_case(
    uow: AbstractUnitOfWork, repo: _Repo[C], case_id: str, record_id: str, *, noun: str, missing: str
) -> None:
    """Inside an entered unit of work: delete the record *record_id* of case *case_id*, audited
    as "<noun> deleted"; NotFound(*missing*) where that case has no such record."""
    held = repo.find(record_id)
    if held is None or held.case_id != case_id:
        raise NotFound(missing)
    repo.delete(record_id)
    uow.audit.record("changed", case_id, f"{noun} deleted")
