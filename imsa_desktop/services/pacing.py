"""Background reads that give way to the advocate: ``checkpoint()``.

A read nobody is waiting for this instant (the Today page of ten thousand cases, computed after
every unlock and save) runs in a worker thread while the advocate opens a case or scrolls. In
CPython the two threads share one interpreter lock: a worker running Python for a second and
a half made every paint and click on the GUI thread queue for the lock (the stall benchmark
saw 200-400 ms frames at 10,000 cases). Such a read calls ``checkpoint()`` between items; the
GUI's task runner (``ui.workers.run_task(..., background=True)``) installs what it does there:
wait, briefly, while the GUI thread is handling events or the advocate's own task is running.
A task the advocate waits for (a case's Timeline read) only takes turns there: a short nap
after each slice of work, so that the GUI thread painting meanwhile is not kept waiting.
Outside the GUI's task runner (the CLI, tests) ``checkpoint()`` does nothing.

No Qt here: the services stay usable without a GUI.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

_local = threading.local()


def checkpoint() -> None:
    """A moment where this thread's work can pause without harm (between two cases)."""
    hook: Callable[[], None] | None = getattr(_local, "hook", None)
    if hook is not None:
        hook()


@contextlib.contextmanager
def giving_way(hook: Callable[[], None]) -> Iterator[None]:
    """On this thread, inside the block, ``checkpoint()`` calls *hook*."""
    before = getattr(_local, "hook", None)
    _local.hook = hook
    try:
        yield
    finally:
        _local.hook = before
