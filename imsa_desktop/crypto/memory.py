"""Best-effort wiping of secrets held in mutable buffers.

Python cannot guarantee that no copy of a secret survives (``bytes`` are immutable and the
allocator may have copied them), so this only shortens the time a key sits in memory.
"""

from __future__ import annotations


def wipe(buf: bytearray | memoryview) -> None:
    """Overwrite ``buf`` with zeros in place (used when locking the vault)."""
    view = buf if isinstance(buf, memoryview) else memoryview(buf)
    if view.readonly:
        raise TypeError("wipe() needs a writable buffer")
    view.cast("B")[:] = bytes(view.nbytes)
