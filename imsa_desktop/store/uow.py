"""The SQL unit of work: one transaction; nothing is kept without ``commit()``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from imsa_desktop.domain.letter_records import LetterRecord
from imsa_desktop.domain.model import (
    Appointment,
    DeadlineOverride,
    EvidenceItem,
    TimelineEvent,
    utc_now,
)
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.store.attachments import AttachmentStore
from imsa_desktop.store.connection import Connection, storage_errors
from imsa_desktop.store.erasure import SqlCaseEraser
from imsa_desktop.store.letter_pdfs import SqlLetterPdfs
from imsa_desktop.store.repositories import (
    SqlAuditLog,
    SqlCaseRepository,
    SqlRecordRepository,
    SqlSearchIndex,
    SqlSettings,
)


def _event_key(e: TimelineEvent) -> str:
    return f"{e.date.earliest.isoformat()}|{e.date.latest.isoformat()}"


def _letter_key(r: LetterRecord) -> str:
    return r.created_at.isoformat()


def _appointment_key(a: Appointment) -> str:
    return a.start.isoformat(timespec="minutes")


def _evidence_key(e: EvidenceItem) -> str:
    return e.date_obtained.isoformat() if e.date_obtained else ""


class SqlUnitOfWork(AbstractUnitOfWork):
    def __init__(
        self,
        conn: Connection,
        actor: Callable[[], str] = lambda: "",
        clock: Callable[[], datetime] = utc_now,
        *,
        read_only: bool = False,
    ) -> None:
        self.conn = conn
        # A read-only unit of work takes no write lock (BEGIN DEFERRED): in WAL mode it then
        # never makes the GUI thread's writes wait. Writers take the lock at once (IMMEDIATE).
        self._begin = "BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE"
        self._actor = actor
        self._clock = clock
        self._active = False
        self.attachments = AttachmentStore(conn, clock=clock)
        self.eraser = SqlCaseEraser(conn)

    def actor(self) -> str:
        return str(self._actor() or "")

    def __enter__(self) -> SqlUnitOfWork:
        if self._active:
            raise RuntimeError("unit of work already active")
        with storage_errors():
            self.conn.execute(self._begin)
        self._active = True
        c = self.conn
        self.cases = SqlCaseRepository(c)
        self.events = SqlRecordRepository(c, "event", TimelineEvent, _event_key)
        self.appointments = SqlRecordRepository(c, "appointment", Appointment, _appointment_key)
        self.evidence = SqlRecordRepository(c, "evidence", EvidenceItem, _evidence_key)
        self.overrides = SqlRecordRepository(c, "override", DeadlineOverride)
        self.letters = SqlRecordRepository(c, "letter", LetterRecord, _letter_key)
        self.letter_pdfs = SqlLetterPdfs(c, self._clock)
        self.settings = SqlSettings(c)
        self.audit = SqlAuditLog(c, self._actor, self._clock)
        self.search = SqlSearchIndex(c)
        return self

    def __exit__(self, *args: object) -> None:
        if self._active:
            self.rollback()

    def commit(self) -> None:
        if not self._active:
            return
        self._active = False
        try:
            with storage_errors():
                self.conn.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (e.g. a full disk) may already have rolled back; make sure, and
            # report the original error, not the rollback's.
            self._quiet_rollback()
            raise

    def rollback(self) -> None:
        if not self._active:
            return
        self._active = False
        self._quiet_rollback()

    def _quiet_rollback(self) -> None:
        if getattr(self.conn, "in_transaction", True):
            with contextlib.suppress(Exception):
                self.conn.execute("ROLLBACK")
