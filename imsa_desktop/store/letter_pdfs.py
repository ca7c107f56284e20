"""The exact PDF of each letter sent, kept inside the encrypted vault (table ``letter_pdfs``).

A stored PDF is never replaced: what was sent stays what was sent. Reading checks the
SHA-256 recorded beside it, so a damaged row is reported instead of printed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from imsa_desktop.errors import ConflictError, DocumentError, NotFound
from imsa_desktop.store.connection import Connection, storage_errors

MAX_PDF_BYTES = 64 * 1024 * 1024


class SqlLetterPdfs:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._clock = clock

    def put(self, letter_id: str, pdf: bytes) -> str:
        """Store ``pdf`` for ``letter_id``; returns its SHA-256 (hex). Refuses to replace one."""
        if not pdf.startswith(b"%PDF-"):
            raise DocumentError("The letter could not be stored: the document is not a PDF.")
        if len(pdf) > MAX_PDF_BYTES:
            raise DocumentError("The letter could not be stored: the PDF is too large.")
        digest = hashlib.sha256(pdf).hexdigest()
        with storage_errors():
            if self.has(letter_id):
                raise ConflictError("This letter already has its sent PDF; it cannot be replaced.")
            row = self._conn.execute(
                "SELECT 1 FROM records WHERE id = ? AND kind = 'letter'", (letter_id,)
            ).fetchone()
            if row is None:
                raise NotFound("There is no letter with that id in this vault.")
            self._conn.execute(
                "INSERT INTO letter_pdfs (letter_id, pdf, sha256, created_at) VALUES (?, ?, ?, ?)",
                (letter_id, pdf, digest, self._clock().isoformat()),
            )
        return digest

    def has(self, letter_id: str) -> bool:
        with storage_errors():
            row = self._conn.execute("SELECT 1 FROM letter_pdfs WHERE letter_id = ?", (letter_id,)).fetchone()
        return row is not None

    def get(self, letter_id: str) -> bytes:
        """The stored PDF, checked against its SHA-256."""
        with storage_errors():
            row = self._conn.execute(
                "SELECT pdf, sha256 FROM letter_pdfs WHERE letter_id = ?", (letter_id,)
            ).fetchone()
        if row is None:
            raise NotFound("No PDF was kept for this letter (only sent letters keep one).")
        pdf = bytes(row[0])
        if hashlib.sha256(pdf).hexdigest() != row[1]:
            raise DocumentError(
                "The stored PDF of this letter is damaged (it no longer matches its checksum)."
            )
        return pdf

    def delete(self, letter_id: str) -> None:
        with storage_errors():
            self._conn.execute("DELETE FROM letter_pdfs WHERE letter_id = ?", (letter_id,))
