"""Run slow work off the GUI thread and bring the result back to it: ``run_task``.

The shape follows Picard's ``run_task(func, next_func)`` and KeePassXC's AsyncTask: the
callback is tied to a context QObject, so a widget deleted meanwhile (e.g. by a lock) is
never called.

- With ``session=``, the task is ``fn(uow)``: a unit of work over the worker's OWN connection
  (``read_only=True``: one that takes no write lock, for reads)
  (opened here, on the GUI thread, and closed when the task ends; ``bootstrap``). With
  ``progress=`` it is ``fn(uow, report)``; ``report(percent, text)`` reaches ``progress`` on
  the GUI thread. Its result is dropped if the vault was locked (or locked and unlocked
  again) before it arrived: what was read before a lock is never shown after it.
- ``cancel``: a ``CancelFlag`` the worker may check; a task that ends after it was set is
  reported as ``errors.Cancelled`` to ``on_error``, never as done, and one set while the task
  still waits for a thread does not run at all (a search typed over, a case opened over).
- ``on_error`` defaults to the context's banner (one sentence, ``message_for``).
- The pool is injected: ``pool=`` per call, or ``use_pool(pool)`` around a block; tests pass
  a ``SynchronousPool`` (Picard's FakeThreadPool); there is no global switch.
- ``background=True``: work nobody waits for this instant (the Today page after an unlock).
  At its ``services.pacing.checkpoint()`` calls it waits, briefly, while the GUI thread is
  handling events or a task the advocate started is running (``GuiActivity``): one
  interpreter lock is shared, and a paint that queues behind a worker's Python is a stall.
  Any other task takes turns at its checkpoints: after each slice of work it naps for a
  moment, its lock free, and never waits (the advocate is waiting for its result).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

import shiboken6
from PySide6.QtCore import QAbstractEventDispatcher, QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from imsa_desktop.errors import Cancelled
from imsa_desktop.services import pacing

if TYPE_CHECKING:
    from imsa_desktop.services.ports import AbstractUnitOfWork
    from imsa_desktop.ui.session import Session

R = TypeVar("R")
Report = Callable[[int, str], None]


class Pool(Protocol):
    def start(self, runnable: QRunnable) -> None: ...


class SynchronousPool:
    """Runs each task at once, on the calling thread (Picard's FakeThreadPool)."""

    def start(self, runnable: QRunnable) -> None:
        runnable.run()


_pool: Pool | None = None


def default_pool() -> Pool:
    return _pool if _pool is not None else QThreadPool.globalInstance()


@contextlib.contextmanager
def use_pool(pool: Pool) -> Iterator[Pool]:
    """Run the tasks started inside the block on *pool*."""
    global _pool
    before, _pool = _pool, pool
    try:
        yield pool
    finally:
        _pool = before


class CancelFlag:
    """A flag a worker checks; ``set()`` from the GUI thread. (The error a cancelled piece of
    work raises is ``errors.Cancelled``.)"""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def __call__(self) -> bool:
        return self._set


def _thread_cpu_clock(ident: int) -> Callable[[], float] | None:
    """The CPU time (seconds) of the thread *ident*, readable from any thread; None where the
    system offers no per-thread CPU clock to other threads (macOS, Windows)."""
    getclock = getattr(time, "pthread_getcpuclockid", None)
    if getclock is None:
        return None
    try:
        clock = getclock(ident)
        time.clock_gettime(clock)
    except (OSError, OverflowError, ValueError):
        return None
    return lambda: time.clock_gettime(clock)


class GuiActivity:
    """Whether the GUI thread is busy (handling events, or waiting on a task the advocate
    started), and since when: what ``background=True`` work gives way to.

    Where the system can say how much CPU time the GUI thread has used (Linux, the BSDs:
    ``gui_cpu``), a background checkpoint naps ``nap_s`` with the interpreter lock free and
    watches it: if the GUI thread worked for more than ``busy_share`` of the nap, it naps
    again. Elsewhere it goes by the GUI thread's event dispatcher, which says when it wakes
    (``awake``) and when it is about to sleep (``aboutToBlock``). That is the weaker sign: Qt's
    GLib dispatcher on Linux says "about to sleep" before each round of events, not after, so
    a 60 ms paint ran between the two with the worker beside it (docs/performance.md, sixth
    round). Either way a background checkpoint waits while a foreground task has run for less
    than ``foreground_patience``, and the GUI thread's busy spell is waited out for no longer
    than ``patience`` seconds: short bursts get the interpreter lock to themselves; a long one
    (an export) shares it, so background work is delayed, never starved.

    Between checkpoints the worker runs in slices: ``slice_s`` of work, then the nap, its lock
    free (saying "awake" takes the lock itself, which a busy worker holds). Measured at 10,000
    cases (docs/performance.md): without the naps the GUI thread waited 120-280 ms for the
    lock while the Today page was read.
    """

    def __init__(
        self,
        patience: float = 1.0,
        foreground_patience: float = 1.0,
        slice_s: float = 0.002,
        nap_s: float = 0.002,
        turn_s: float = 0.0005,
        busy_share: float = 0.25,
        gui_cpu: Callable[[], float] | None = None,
    ) -> None:
        self.patience = patience
        self.foreground_patience = foreground_patience
        self.slice_s = slice_s
        self.nap_s = nap_s
        self.turn_s = turn_s  # a foreground task's nap after each slice (``take_turns``)
        self.busy_share = busy_share
        self._gui_thread = threading.get_ident()
        # the GUI thread's CPU clock (this thread's, until ``attach``); a test passes its own
        self.gui_cpu = gui_cpu if gui_cpu is not None else _thread_cpu_clock(self._gui_thread)
        self._slices = threading.local()  # per worker: when its current slice began
        self._changed = threading.Condition()
        self._awake_since: float | None = None
        self._foreground: dict[int, float] = {}  # id of a running task -> when it started

    def attach(self, dispatcher: QAbstractEventDispatcher) -> None:
        """Follow the GUI thread (this one; *dispatcher* is its event dispatcher): by its CPU
        clock where there is one, else by the dispatcher's signals."""
        self._gui_thread = threading.get_ident()
        self.gui_cpu = _thread_cpu_clock(self._gui_thread)
        if self.gui_cpu is None:
            dispatcher.awake.connect(self.awake)
            dispatcher.aboutToBlock.connect(self.about_to_block)

    def awake(self) -> None:
        self._awake_since = time.monotonic()

    def about_to_block(self) -> None:
        with self._changed:
            self._awake_since = None
            self._changed.notify_all()

    def foreground_started(self, task: object) -> None:
        with self._changed:
            self._foreground[id(task)] = time.monotonic()

    def foreground_ended(self, task: object) -> None:
        with self._changed:
            self._foreground.pop(id(task), None)
            self._changed.notify_all()

    def _busy_until(self, now: float) -> float | None:
        until = [s + self.foreground_patience for s in self._foreground.values()]
        if self._awake_since is not None:
            until.append(self._awake_since + self.patience)
        later = [u for u in until if u > now]
        return max(later) if later else None

    def give_way(self) -> None:
        """On a worker: return when the GUI thread is idle (or has been busy too long to wait
        for). On the GUI thread itself (a synchronous pool): return at once."""
        if threading.get_ident() == self._gui_thread:
            return
        began = getattr(self._slices, "began", None)
        if began is not None and time.monotonic() - began < self.slice_s:
            return  # within a slice of work
        gui_cpu = self.gui_cpu
        # since when this worker has seen the GUI thread busy without a rest: once that is past
        # ``patience`` it shares at every checkpoint until the GUI thread rests again
        first_busy: float | None = getattr(self._slices, "busy_since", None)
        while True:
            start, used_before = time.monotonic(), gui_cpu() if gui_cpu is not None else 0.0
            if began is not None or gui_cpu is not None:
                time.sleep(self.nap_s)  # the GUI thread's moment to take the lock, and to be seen
            with self._changed:
                while (until := self._busy_until(time.monotonic())) is not None:
                    self._changed.wait(until - time.monotonic())
            if gui_cpu is None:
                break
            now = time.monotonic()
            if gui_cpu() - used_before <= self.busy_share * (now - start):
                self._slices.busy_since = None
                break  # the GUI thread rested while this one napped
            first_busy = now if first_busy is None else first_busy
            self._slices.busy_since = first_busy
            if now - first_busy >= self.patience:
                break  # a long busy spell: share it
        self._slices.began = time.monotonic()

    def take_turns(self) -> None:
        """On a worker running a task the advocate waits for (the Timeline of 1,000 events made
        into cells): after each slice of work, a nap of ``turn_s`` with the lock free, so that
        the GUI thread painting meanwhile takes it at once instead of at the switch interval
        at each call into Python. It never waits for the GUI thread to rest. On the GUI thread
        itself (a synchronous pool): nothing."""
        if threading.get_ident() == self._gui_thread:
            return
        now = time.monotonic()
        began = getattr(self._slices, "began", None)
        if began is None:
            self._slices.began = now
        elif now - began >= self.slice_s:
            time.sleep(self.turn_s)
            self._slices.began = time.monotonic()

    def new_task(self) -> None:
        """A task begins on this worker: its first slice starts at its first checkpoint."""
        self._slices.began = None
        self._slices.busy_since = None


_activity: GuiActivity | None = None


def gui_activity() -> GuiActivity | None:
    """The GUI thread's ``GuiActivity``, following its dispatcher from the first task on (None
    without an application). Call on the GUI thread."""
    global _activity
    if _activity is None and QCoreApplication.instance() is not None:
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None:
            _activity = GuiActivity()
            _activity.attach(dispatcher)
    return _activity


def _paced(fn: Callable[..., R], activity: GuiActivity, hook: Callable[[], None]) -> Callable[..., R]:
    """*fn*, with ``pacing.checkpoint()`` calling *hook* on its worker while it runs."""

    def paced(*args: Any) -> R:
        activity.new_task()
        with pacing.giving_way(hook):
            return fn(*args)

    return paced


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, str)  # percent, what is happening


class _Task(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        signals: TaskSignals,
        with_progress: bool,
        foreground: GuiActivity | None = None,
    ) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.with_progress = with_progress
        self.foreground = foreground  # background work gives way while this runs
        self.setAutoDelete(True)

    def run(self) -> None:
        if self.foreground is not None:
            self.foreground.foreground_started(self)
        try:
            if self.with_progress:
                result = self.fn(self.signals.progress.emit)
            else:
                result = self.fn()
        except BaseException as e:  # delivered to the GUI thread, never lost
            self._ended()
            self.signals.failed.emit(e)
        else:
            self._ended()
            self.signals.done.emit(result)

    def _ended(self) -> None:
        if self.foreground is not None:
            self.foreground.foreground_ended(self)


class Runner:
    _live: set[TaskSignals] = set()

    @classmethod
    def run(
        cls,
        context: QObject,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, str], None] | None = None,
        *,
        cancel: CancelFlag | None = None,
        pool: Pool | None = None,
        background: bool = False,
    ) -> None:
        """Run ``fn()`` (or ``fn(progress)`` when on_progress is given) in the pool;
        ``background``: it gives way at its checkpoints (``GuiActivity.give_way``), else it
        takes turns with the GUI thread there (``GuiActivity.take_turns``)."""
        activity = gui_activity()
        if activity is not None:
            fn = _paced(fn, activity, activity.give_way if background else activity.take_turns)

        def alive() -> bool:
            return shiboken6.isValid(context)

        signals = TaskSignals()
        cls._live.add(signals)

        def finish_ok(result: Any) -> None:
            cls._live.discard(signals)
            if not alive():
                return
            if cancel is not None and cancel():
                on_error(Cancelled())
            else:
                on_done(result)

        def finish_err(exc: Any) -> None:
            cls._live.discard(signals)
            if alive():
                on_error(exc)

        signals.done.connect(finish_ok)
        signals.failed.connect(finish_err)
        if on_progress is not None:
            signals.progress.connect(lambda p, t: on_progress(p, t) if alive() else None)
        foreground = None if background else activity
        (pool or default_pool()).start(_Task(fn, signals, on_progress is not None, foreground))


def _banner_error(context: QObject) -> Callable[[BaseException], None]:
    from imsa_desktop.ui.common import message_for

    def report(exc: BaseException) -> None:
        text = message_for(exc)
        banner = getattr(context, "banner", None)
        if banner is not None:
            banner.error(text)

    return report


def _unless_cancelled(fn: Callable[..., R], cancel: CancelFlag) -> Callable[..., R]:
    """*fn*, which does nothing (raises ``Cancelled``) when cancelled while it waited for a
    thread. Inside the unit-of-work runner, so the worker's connection is still closed."""

    def guarded(*args: Any) -> R:
        if cancel():
            raise Cancelled()
        return fn(*args)

    return guarded


@overload
def run_task(
    context: QObject,
    fn: Callable[[AbstractUnitOfWork], R] | Callable[[AbstractUnitOfWork, Report], R],
    on_done: Callable[[R], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    session: Session,
    read_only: bool = False,
    progress: Report | None = None,
    cancel: CancelFlag | None = None,
    pool: Pool | None = None,
    background: bool = False,
) -> None: ...


@overload
def run_task(
    context: QObject,
    fn: Callable[..., R],
    on_done: Callable[[R], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Report | None = None,
    *,
    cancel: CancelFlag | None = None,
    pool: Pool | None = None,
    background: bool = False,
) -> None: ...


def run_task(
    context: QObject,
    fn: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Report | None = None,
    *,
    session: Session | None = None,
    read_only: bool = False,
    progress: Report | None = None,
    cancel: CancelFlag | None = None,
    pool: Pool | None = None,
    background: bool = False,
) -> None:
    """Run *fn* off the GUI thread; *on_done(result)* or *on_error(exc)* back on it."""
    failed = on_error or _banner_error(context)
    report = progress or on_progress
    if cancel is not None:
        fn = _unless_cancelled(fn, cancel)
    if session is None:
        Runner.run(context, fn, on_done, failed, report, cancel=cancel, pool=pool, background=background)
        return
    from imsa_desktop import bootstrap

    try:  # the connection is opened now, on the GUI thread (a lock cannot race the key)
        runner = bootstrap.worker_unit_of_work(session.require_vault(), session.clock, read_only=read_only)
    except Exception as e:
        failed(e)
        return
    vault = session.vault
    given_done = on_done

    def on_done(result: Any) -> None:  # an answer read before a lock is not shown after it
        if session.vault is vault and session.is_open:
            given_done(result)

    if report is None:
        Runner.run(
            context, lambda: runner(fn), on_done, failed, cancel=cancel, pool=pool, background=background
        )
    else:
        Runner.run(
            context,
            lambda emit: runner(lambda uow: fn(uow, emit)),
            on_done,
            failed,
            report,
            cancel=cancel,
            pool=pool,
            background=background,
        )
