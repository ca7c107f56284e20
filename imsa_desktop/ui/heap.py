"""Python's full garbage collections, kept off the GUI's way.

A full (oldest-generation) collection holds the interpreter lock while it walks every object
the process keeps: Qt's wrappers, the modules, the case list. On a 10,000-case vault that is
hundreds of thousands of objects and 60-100 ms, on whichever thread happens to allocate at the
time; the GUI thread waits for it (docs/performance.md, "Fourth round"). Most of those objects
live until the vault is locked, so walking them again and again finds nothing.

``settle()`` is called twice per unlock, when the app has built something it keeps (the
workspace, then the first whole case list read after unlock): ``gc.freeze()`` moves
everything alive at that moment out of the collector's sight, and later full collections walk
only what was made since. Objects frozen are still freed as soon as nothing refers to them;
only a reference cycle among them (garbage not yet collected when it was frozen) waits, which
is why it is not called on every reload.
``release()`` is called at lock: the frozen objects go back to the collector, and a collection
shortly after frees the cycles that held the closed workspace.

Nothing here is needed for correctness: without it the collections just take longer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

RELEASE_DELAY_MS = 250  # after the closed workspace's deferred deletes have run

_releasing = False  # a lock's collection is still to run: nothing is frozen until it has


def settle() -> None:
    """What is alive now is kept: later full collections do not walk it again."""
    if not _releasing:
        gc.freeze()


def release() -> None:
    """At lock: give the collector back everything frozen, and collect once the closed
    workspace has been deleted (the lock screen is up; nothing waits for it)."""
    global _releasing
    gc.unfreeze()
    if not _releasing:
        _releasing = True
        QTimer.singleShot(RELEASE_DELAY_MS, _collect)


def _collect() -> None:
    global _releasing
    _releasing = False
    gc.collect()


def frozen() -> int:
    """How many objects are out of the collector's sight (for tests and the benchmarks)."""
    return gc.get_freeze_count()
