"""Attachments: files of any size kept inside the encrypted vault as 1 MiB chunks.

Layout (tables from migration 3, see docs/attachments-and-search.md):

    attachments        one row per file: case, evidence item, filename, media type, size,
                       sha256 (hex, of the whole file), complete (0 while writing / deleting)
    attachment_chunks  (attachment_id, seq 0..n-1, data); every chunk is 1 MiB except the
                       last; an empty file has no chunks (a rowid table in new vaults,
                       WITHOUT ROWID in vaults made before December 2026: same SQL)

Writing streams the file with bounded memory and commits in batches of ``BATCH_CHUNKS``
chunks, so a 4 GiB file never needs one giant transaction. The row says ``complete = 0``
until the last batch, which sets ``size``, ``sha256`` and ``complete = 1`` together. Rows
still at ``complete = 0`` are garbage (a crash, a cancel whose clean-up failed, a delete in
progress): ``cleanup_incomplete()`` removes them when the vault opens. Readers only ever see
complete rows.

SQLCipher authenticates every page on disk, but a bug or an edit through SQL would not trip
that: so every read hashes what it returns and compares with the stored sha256, and the
size and the run of ``seq`` numbers are checked too. A mismatch is ``AttachmentDamaged``.

``write``, ``delete``, ``purge`` and ``cleanup_incomplete`` run their own transactions on the
vault's connection and refuse to start inside an open unit of work (that would nest a
transaction). ``discard`` is the part of a delete that belongs inside a unit of work.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import functools
import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from imsa_desktop.domain.model import utc_now
from imsa_desktop.domain.values import AttachmentInfo
from imsa_desktop.errors import AttachmentDamaged, Cancelled, DiskFull, FileTooLarge, NotFound, StorageError
from imsa_desktop.paths import fsync_folder
from imsa_desktop.store.connection import Connection, storage_errors

CHUNK_SIZE = 1024 * 1024
BATCH_CHUNKS = 16  # commit every 16 MiB while writing
DELETE_BATCH = 64  # chunks removed per transaction while deleting
READ_BATCH = 16  # chunks fetched per statement while reading (16 MiB in memory at most)

_COLUMNS = "id, case_id, evidence_id, filename, media_type, size, sha256, created_at"


def _info(row: Any) -> AttachmentInfo:
    return AttachmentInfo(
        id=row[0],
        case_id=row[1],
        evidence_id=row[2],
        filename=row[3],
        media_type=row[4],
        size=int(row[5]),
        sha256=row[6],
        created_at=datetime.fromisoformat(row[7]),
    )


def _read_full(stream: BinaryIO, n: int) -> bytes:
    """Up to *n* bytes; fewer only at end of stream (pipes may return short reads)."""
    parts: list[bytes] = []
    want = n
    while want > 0:
        b = stream.read(want)
        if not b:
            break
        parts.append(b)
        want -= len(b)
    return parts[0] if len(parts) == 1 else b"".join(parts)


class AttachmentStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime] = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    # ---- transactions ------------------------------------------------------------------
    def _require_no_transaction(self) -> None:
        if self._conn.in_transaction:
            raise RuntimeError("attachment writes run outside a unit of work")

    def _tx(self, fn: Callable[[], Any]) -> Any:
        with storage_errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn()
                self._conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    self._conn.execute("ROLLBACK")
                raise
        return result

    # ---- writing -----------------------------------------------------------------------
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
    ) -> AttachmentInfo:
        """Stream *stream* into the vault; returns the complete attachment.

        Raises Cancelled (when ``cancelled()`` turns true), FileTooLarge (over *max_bytes*),
        DiskFull / StorageError; in every case the partial rows are removed.
        """
        self._require_no_transaction()
        attachment_id = str(uuid.uuid4())
        now = self._clock().isoformat()
        total = size_hint or 0

        def start() -> None:
            self._conn.execute(
                "INSERT INTO attachments (id, case_id, evidence_id, filename, media_type, complete,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                (attachment_id, case_id, evidence_id, filename, media_type, now, now),
            )

        self._tx(start)
        hasher = hashlib.sha256()
        size = 0
        seq = 0
        try:
            eof = False
            while not eof:
                self._check_cancel(cancelled)
                with storage_errors():
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        for _ in range(BATCH_CHUNKS):
                            try:
                                data = _read_full(stream, CHUNK_SIZE)
                            except OSError as e:
                                raise StorageError("The file could not be read; nothing was added.") from e
                            if not data:
                                eof = True
                                break
                            size += len(data)
                            if max_bytes is not None and size > max_bytes:
                                raise FileTooLarge()
                            hasher.update(data)
                            self._conn.execute(
                                "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                                (attachment_id, seq, data),
                            )
                            del data
                            seq += 1
                        if eof:
                            self._conn.execute(
                                "UPDATE attachments SET size = ?, sha256 = ?, complete = 1, updated_at = ?"
                                " WHERE id = ?",
                                (size, hasher.hexdigest(), self._clock().isoformat(), attachment_id),
                            )
                        self._conn.execute("COMMIT")
                    except BaseException:
                        with contextlib.suppress(Exception):
                            self._conn.execute("ROLLBACK")
                        raise
                if progress is not None:
                    progress(size, max(total, size))
        except BaseException:
            with contextlib.suppress(Exception):
                self.purge([attachment_id])
            raise
        return self.get(attachment_id)

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
    ) -> int:
        """Insert one complete attachment from *chunks* (any sizes) INSIDE the caller's open
        transaction (a bundle import is all or nothing; ``write`` commits in batches of its own).

        The row is written complete: if the transaction does not commit, neither the row nor a
        single chunk exists. The bytes are re-chunked to the store's layout. Raises
        AttachmentDamaged when they do not match *expected_size* / *expected_sha256* (the
        caller then rolls back). *hash_checked*: the caller's *chunks* themselves raise before
        their last chunk unless they match *expected_sha256* (a bundle member, checked against
        the signed manifest), so only the size is checked here. Returns the size written."""
        conn = self._conn
        if not conn.in_transaction:
            raise RuntimeError("write_in_transaction needs an open transaction")
        with storage_errors():
            conn.execute(
                "INSERT INTO attachments (id, case_id, evidence_id, filename, media_type, size, sha256,"
                " complete, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (
                    attachment_id,
                    case_id,
                    evidence_id,
                    filename,
                    media_type,
                    expected_size,
                    expected_sha256,
                    created_at.isoformat(),
                    self._clock().isoformat(),
                ),
            )
            hasher = None if hash_checked else hashlib.sha256()
            size = 0
            seq = 0
            buffer = bytearray()  # filled to exactly one chunk, inserted as is, then cleared
            for chunk in chunks:
                self._check_cancel(cancelled)
                size += len(chunk)
                if size > expected_size:
                    raise AttachmentDamaged()
                if hasher is not None:
                    hasher.update(chunk)
                view, start = memoryview(chunk), 0
                while start < len(view):
                    take = min(len(view) - start, CHUNK_SIZE - len(buffer))
                    buffer += view[start : start + take]
                    start += take
                    if len(buffer) == CHUNK_SIZE:
                        self._insert_chunk(attachment_id, seq, buffer)
                        buffer.clear()
                        seq += 1
            if buffer:
                self._insert_chunk(attachment_id, seq, buffer)
        if size != expected_size or (hasher is not None and hasher.hexdigest() != expected_sha256):
            raise AttachmentDamaged()
        return size

    def _insert_chunk(self, attachment_id: str, seq: int, data: bytes | bytearray) -> None:
        self._conn.execute(
            "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
            (attachment_id, seq, data),
        )

    def exists(self, attachment_id: str) -> bool:
        with storage_errors():
            row = self._conn.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        return row is not None

    @staticmethod
    def _check_cancel(cancelled: Callable[[], bool] | None) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()

    # ---- deleting ----------------------------------------------------------------------
    def discard(self, attachment_id: str) -> None:
        """Inside a unit of work: hide the attachment at once (complete = 0); its chunks are
        removed afterwards by ``purge`` (or by ``cleanup_incomplete`` after a crash)."""
        with storage_errors():
            self._conn.execute(
                "UPDATE attachments SET complete = 0, updated_at = ? WHERE id = ?",
                (self._clock().isoformat(), attachment_id),
            )

    def purge(self, attachment_ids: list[str]) -> None:
        """Remove the rows and chunks of these attachments, in batched transactions."""
        self._require_no_transaction()
        for attachment_id in attachment_ids:
            self._tx(functools.partial(self.discard, attachment_id))
            while self._tx(functools.partial(self._delete_chunk_batch, attachment_id)):
                pass
            self._tx(functools.partial(self._delete_row, attachment_id))

    def _delete_chunk_batch(self, attachment_id: str) -> int:
        cur = self._conn.execute(
            "DELETE FROM attachment_chunks WHERE attachment_id = ? AND seq IN"
            " (SELECT seq FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq LIMIT ?)",
            (attachment_id, attachment_id, DELETE_BATCH),
        )
        return int(cur.rowcount)

    def _delete_row(self, attachment_id: str) -> None:
        self._conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))

    def delete(self, attachment_id: str) -> None:
        """Delete one attachment (outside a unit of work). Raises NotFound if unknown."""
        self.get(attachment_id)
        self.purge([attachment_id])

    def cleanup_incomplete(self) -> int:
        """Remove attachments left incomplete by a crash or an interrupted delete; returns how
        many. Called once when the vault opens."""
        self._require_no_transaction()
        with storage_errors():
            ids = [r[0] for r in self._conn.execute("SELECT id FROM attachments WHERE complete = 0")]
            orphans = self._conn.execute(
                "SELECT DISTINCT attachment_id FROM attachment_chunks"
                " WHERE attachment_id NOT IN (SELECT id FROM attachments)"
            ).fetchall()
        ids += [r[0] for r in orphans]
        if ids:
            self.purge(ids)
        return len(ids)

    # ---- reading -----------------------------------------------------------------------
    def get(self, attachment_id: str) -> AttachmentInfo:
        with storage_errors():
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM attachments WHERE id = ? AND complete = 1", (attachment_id,)
            ).fetchone()
        if row is None:
            raise NotFound("There is no attachment with that id in this vault.")
        return _info(row)

    def for_evidence(self, evidence_id: str) -> list[AttachmentInfo]:
        return self._list("evidence_id", evidence_id)

    def for_case(self, case_id: str) -> list[AttachmentInfo]:
        return self._list("case_id", case_id)

    def _list(self, column: str, value: str) -> list[AttachmentInfo]:
        with storage_errors():
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM attachments WHERE {column} = ? AND complete = 1"
                " ORDER BY created_at, filename",
                (value,),
            ).fetchall()
        return [_info(r) for r in rows]

    def open(self, attachment_id: str) -> BinaryIO:
        """A file-like reader (``read(n)``) streaming chunk by chunk. The hash is checked when
        the end is reached: a damaged attachment raises AttachmentDamaged on that last read,
        after earlier bytes were already returned; use ``extract`` or ``read_all_verified``
        when nothing unverified may be used."""
        return cast(BinaryIO, AttachmentReader(self._conn, self.get(attachment_id)))

    def read_all_verified(self, attachment_id: str, max_bytes: int) -> bytes:
        """The whole file in memory, verified (for previews). FileTooLarge over *max_bytes*."""
        info = self.get(attachment_id)
        if info.size > max_bytes:
            raise FileTooLarge("This attachment is too large to preview; extract it instead.")
        with self.open(attachment_id) as reader:
            data = reader.read()
        return data

    def verify(self, attachment_id: str) -> bool:
        try:
            with self.open(attachment_id) as reader:
                while reader.read(CHUNK_SIZE):
                    pass
        except AttachmentDamaged:
            return False
        return True

    def extract(self, attachment_id: str, out_path: Path) -> AttachmentInfo:
        """Write the file to *out_path* atomically (temp file beside it, fsync, rename), only if
        every byte verifies. Nothing is left behind on failure."""
        info = self.get(attachment_id)
        out_path = Path(out_path)
        folder = out_path.parent
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=".imsa-extract-", suffix=".part", dir=folder)
        except OSError as e:
            raise _os_error(e, "The output folder could not be written to; nothing was extracted.") from e
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, self.open(attachment_id) as reader:
                while True:
                    block = reader.read(CHUNK_SIZE)
                    if not block:
                        break
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, out_path)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _os_error(e, "The file could not be written; nothing was extracted.") from e
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        fsync_folder(folder)
        return info


def _os_error(e: OSError, message: str) -> StorageError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull("The disk is full, so the file was not extracted. Free some space and try again.")
    return StorageError(message)


class AttachmentReader(io.RawIOBase):
    """Reads an attachment chunk by chunk (fetched READ_BATCH at a time) and verifies its size,
    chunk sequence and sha256 when the end is reached."""

    def __init__(self, conn: Connection, info: AttachmentInfo) -> None:
        super().__init__()
        self._conn = conn
        self.info = info
        self._seq = 0
        self._buf = b""
        self._pos = 0
        self._done = False
        self._hasher = hashlib.sha256()
        self._seen = 0
        self._ahead: collections.deque[tuple[int, bytes]] = collections.deque()

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        if not self._ahead:
            # One statement per READ_BATCH chunks, not per chunk: in a vault made before the
            # rowid layout (migrations.py) each seek decrypts several MiB of b-tree keys.
            with storage_errors():
                rows = self._conn.execute(
                    "SELECT seq, data FROM attachment_chunks WHERE attachment_id = ? AND seq >= ?"
                    " ORDER BY seq LIMIT ?",
                    (self.info.id, self._seq, READ_BATCH),
                ).fetchall()
            self._ahead = collections.deque(rows)
        if not self._ahead or self._ahead[0][0] != self._seq:  # the end, or a gap in the run
            self._ahead.clear()
            self._finish()
            return b""
        data = bytes(self._ahead.popleft()[1])
        self._seq += 1
        self._seen += len(data)
        if self._seen > self.info.size:
            raise AttachmentDamaged()
        self._hasher.update(data)
        return data

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        if self._seen != self.info.size or self._hasher.hexdigest() != self.info.sha256:
            raise AttachmentDamaged()

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("read from a closed attachment")
        if size is None or size < 0:
            parts = [self._buf[self._pos :]]
            self._buf, self._pos = b"", 0
            while not self._done:
                chunk = self._next_chunk()
                if chunk:
                    parts.append(chunk)
            return b"".join(parts)
        while self._pos >= len(self._buf) and not self._done:
            self._buf, self._pos = self._next_chunk(), 0
        out = self._buf[self._pos : self._pos + size]
        self._pos += len(out)
        return out

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)
