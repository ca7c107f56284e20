"""A bounded in-memory pipe between the decrypting thread (writer) and the payload reader.

Memory is bounded by ``max_bytes`` (plus one chunk). Plaintext never touches the disk. The reader
may ``abort`` at any time: the writer's next ``write`` then raises ``PipeAborted`` so the decrypt
thread unwinds; an error in the writer thread is handed to the reader through ``finish(error)``.
"""

from __future__ import annotations

import threading
from collections import deque


class PipeAborted(Exception):
    """Raised in the writer thread once the reader has gone away."""


class BoundedPipe:
    def __init__(self, max_bytes: int = 4 * 1024 * 1024) -> None:
        self._max = max_bytes
        self._cond = threading.Condition()
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._finished = False
        self._error: BaseException | None = None
        self._aborted = False

    # writer side (the decrypt thread) ---------------------------------------------------------

    def write(self, data: bytes | bytearray | memoryview) -> int:
        chunk = bytes(data)
        with self._cond:
            while self._buffered >= self._max and not self._aborted:
                self._cond.wait()
            if self._aborted:
                raise PipeAborted()
            if chunk:
                self._chunks.append(chunk)
                self._buffered += len(chunk)
                self._cond.notify_all()
        return len(chunk)

    def flush(self) -> None:
        with self._cond:
            if self._aborted:
                raise PipeAborted()

    def writable(self) -> bool:
        return True

    def finish(self, error: BaseException | None = None) -> None:
        with self._cond:
            self._finished = True
            self._error = error
            self._cond.notify_all()

    # reader side ------------------------------------------------------------------------------

    def read(self, n: int = -1, /) -> bytes:
        """Up to ``n`` bytes; ``b""`` only once the writer finished cleanly. A writer error is
        raised (as is) after the data written before it has been read."""
        with self._cond:
            while not self._chunks and not self._finished:
                self._cond.wait()
            if not self._chunks:
                if self._error is not None:
                    raise self._error
                return b""
            chunk = self._chunks.popleft()
            if n > len(chunk) and self._chunks:
                # age hands over 8 KiB at a time: join what is queued, up to n, so the payload
                # reader, the hash and the store see 64 KiB pieces (a pass each instead of eight)
                parts, size = [chunk], len(chunk)
                while self._chunks and size + len(self._chunks[0]) <= n:
                    parts.append(self._chunks.popleft())
                    size += len(parts[-1])
                chunk = b"".join(parts)
            if 0 <= n < len(chunk):
                chunk, rest = chunk[:n], chunk[n:]
                self._chunks.appendleft(rest)
            self._buffered -= len(chunk)
            self._cond.notify_all()
            return chunk

    def abort(self) -> None:
        with self._cond:
            self._aborted = True
            self._chunks.clear()
            self._buffered = 0
            self._cond.notify_all()
