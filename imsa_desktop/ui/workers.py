"""Run slow work off the GUI thread and bring the result back to it.

The shape follows Picard's ``run_task(func, next_func)`` and KeePassXC's AsyncTask: the
callback is tied to a context QObject, so a widget deleted meanwhile (e.g. by a lock) is
never called. Tests set ``Runner.synchronous = True`` to run tasks at once (as Picard's
FakeThreadPool does), or wait with ``qtbot.waitSignal``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled:
    """A flag a worker checks; ``set()`` from the GUI thread."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def __call__(self) -> bool:
        return self._set


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, str)  # percent, what is happening


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: TaskSignals, with_progress: bool) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.with_progress = with_progress
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(self.signals.progress.emit)
            else:
                result = self.fn()
        except BaseException as e:  # delivered to the GUI thread, never lost
            self.signals.failed.emit(e)
        else:
            self.signals.done.emit(result)


class Runner:
    synchronous = False
    _live: set[TaskSignals] = set()

    @classmethod
    def run(
        cls,
        context: QObject,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, str], None] | None = None,
    ) -> None:
        """Run ``fn()`` (or ``fn(progress)`` when on_progress is given) in the thread pool."""

        def alive() -> bool:
            return shiboken6.isValid(context)

        signals = TaskSignals()
        cls._live.add(signals)

        def finish_ok(result: Any) -> None:
            cls._live.discard(signals)
            if alive():
                on_done(result)

        def finish_err(exc: Any) -> None:
            cls._live.discard(signals)
            if alive():
                on_error(exc)

        signals.done.connect(finish_ok)
        signals.failed.connect(finish_err)
        if on_progress is not None:
            signals.progress.connect(lambda p, t: on_progress(p, t) if alive() else None)
        task = _Task(fn, signals, on_progress is not None)
        if cls.synchronous:
            task.run()
        else:
            QThreadPool.globalInstance().start(task)


def run_task(
    context: QObject,
    fn: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Callable[[int, str], None] | None = None,
) -> None:
    Runner.run(context, fn, on_done, on_error, on_progress)
