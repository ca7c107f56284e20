"""SQL the bundle importer needs beyond the shared repositories.

The identity and the address book live in ``settings`` (see services/identity.py), so the only
SQL here is the one the importer cannot do through ``AttachmentStore``: writing an attachment
*inside* the caller's open transaction (``AttachmentStore.write`` commits in batches of its
own, which would break the all-or-nothing import). Rows are written ``complete = 1`` directly:
if the transaction does not commit, neither the row nor a single chunk exists.

Proposed to move into ``AttachmentStore`` as ``write_in_transaction`` (additive).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime

from imsa_desktop.errors import AttachmentDamaged, Cancelled
from imsa_desktop.store.attachments import CHUNK_SIZE
from imsa_desktop.store.connection import Connection, storage_errors


def attachment_exists(conn: Connection, attachment_id: str) -> bool:
    with storage_errors():
        row = conn.execute("SELECT 1 FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    return row is not None


def write_attachment_in_transaction(
    conn: Connection,
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
    now: datetime,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Insert one complete attachment from *chunks* (any sizes) into the open transaction.

    The bytes are re-chunked to the store's 1 MiB layout. Raises AttachmentDamaged when the
    bytes do not match *expected_size* / *expected_sha256* (the caller then rolls back).
    Returns the size written.
    """
    if not conn.in_transaction:
        raise RuntimeError("write_attachment_in_transaction needs an open transaction")
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
                now.isoformat(),
            ),
        )
        hasher = hashlib.sha256()
        size = 0
        seq = 0
        buffer = bytearray()
        for chunk in chunks:
            if cancelled is not None and cancelled():
                raise Cancelled()
            size += len(chunk)
            if size > expected_size:
                raise AttachmentDamaged()
            hasher.update(chunk)
            buffer += chunk
            while len(buffer) >= CHUNK_SIZE:
                conn.execute(
                    "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                    (attachment_id, seq, bytes(buffer[:CHUNK_SIZE])),
                )
                del buffer[:CHUNK_SIZE]
                seq += 1
        if buffer:
            conn.execute(
                "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
                (attachment_id, seq, bytes(buffer)),
            )
    if size != expected_size or hasher.hexdigest() != expected_sha256:
        raise AttachmentDamaged()
    return size
