"""Background reads give way to the advocate: a Today page of ten thousand cases must not make
a click wait. What is checked is order (who waits for whom), never how long anything took."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from imsa_desktop.services import pacing
from imsa_desktop.ui.workers import GuiActivity, gui_activity, run_task

FOREVER = 3600.0  # patience so long that only the event under test can end a wait


def _worker(activity: GuiActivity) -> tuple[threading.Thread, threading.Event]:
    """A worker thread at a checkpoint; the event is set once it has passed it."""
    passed = threading.Event()

    def run() -> None:
        with pacing.giving_way(activity.give_way):
            pacing.checkpoint()
        passed.set()

    return threading.Thread(target=run, daemon=True), passed


def _time_checkpoints(activity: GuiActivity, hook, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    """On a worker running one task with *hook* at its checkpoints: how long each of *count*
    checkpoints held it."""
    waits: list[float] = []

    def run() -> None:
        activity.new_task()
        with pacing.giving_way(hook):
            for _ in range(count):
                began = time.monotonic()
                pacing.checkpoint()
                waits.append(time.monotonic() - began)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive() and len(waits) == count  # it went on, whatever the GUI thread did
    return waits


def test_a_checkpoint_waits_while_the_gui_thread_is_busy_and_goes_on_when_it_rests() -> None:
    activity = GuiActivity(patience=FOREVER, slice_s=FOREVER)
    activity.awake()  # the GUI thread has just woken to handle an event
    worker, passed = _worker(activity)
    worker.start()
    assert not passed.wait(0.2)  # still waiting: the GUI thread has not rested yet
    activity.about_to_block()  # its event is handled; it goes back to sleep
    assert passed.wait(30)
    worker.join(30)


class _GuiThreadClock:
    """The GUI thread's CPU clock, as the worker reads it: while ``busy`` it runs as fast as the
    wall clock (the thread works all the time), else it stands still (asleep in its event loop)."""

    def __init__(self) -> None:
        self.busy = True
        self._used = 0.0
        self._since = time.monotonic()

    def set_busy(self, busy: bool) -> None:
        self._used = self()
        self._since = time.monotonic()
        self.busy = busy

    def __call__(self) -> float:
        return self._used + (time.monotonic() - self._since if self.busy else 0.0)


def test_a_checkpoint_waits_while_the_gui_thread_works_and_goes_on_once_it_sleeps() -> None:
    """Where the GUI thread's CPU time can be read, that is what the worker watches: Qt's GLib
    dispatcher says "about to block" before a round of events, not after it, so its signals
    left a 60 ms paint unguarded."""
    clock = _GuiThreadClock()
    activity = GuiActivity(patience=FOREVER, slice_s=FOREVER, gui_cpu=clock)
    worker, passed = _worker(activity)
    worker.start()
    assert not passed.wait(0.3)  # the GUI thread is painting: the worker waits, lock free
    clock.set_busy(False)
    assert passed.wait(30)
    worker.join(30)


def test_a_gui_thread_that_never_rests_is_shared_with_once_patience_runs_out() -> None:
    clock = _GuiThreadClock()  # busy for good
    activity = GuiActivity(patience=0.05, slice_s=FOREVER, gui_cpu=clock)
    worker, passed = _worker(activity)
    worker.start()
    assert passed.wait(30)
    worker.join(30)
    assert clock.busy


def test_once_patience_has_run_out_the_worker_shares_until_the_gui_thread_rests() -> None:
    """Delayed, never starved: a GUI thread that stays busy (an animation, a long paint) is
    waited for once, not again at every checkpoint."""
    clock = _GuiThreadClock()  # busy for good
    patience = 0.5
    activity = GuiActivity(patience=patience, slice_s=0.0, gui_cpu=clock)
    waits = _time_checkpoints(activity, activity.give_way, 5)
    assert waits[0] >= patience  # it waited the busy spell out once
    assert all(w < patience for w in waits[1:])  # then it shared (a nap at each checkpoint)


def test_the_gui_threads_own_cpu_clock_is_found_on_this_system() -> None:
    """On Linux (where CI runs) the worker can read the GUI thread's CPU time: it rises while
    that thread works and stands still while it sleeps."""
    activity = GuiActivity()  # made here: this thread is its GUI thread
    read = activity.gui_cpu
    assert read is not None

    def from_another_thread() -> float:
        seen: list[float] = []
        reader = threading.Thread(target=lambda: seen.append(read()))
        reader.start()
        reader.join(30)
        return seen[0]

    before = from_another_thread()
    deadline = time.thread_time() + 0.05
    while time.thread_time() < deadline:  # this thread works for 50 ms of CPU
        pass
    worked = from_another_thread()
    assert worked - before >= 0.05
    time.sleep(0.2)  # and sleeps: its clock stands still
    assert from_another_thread() - worked < 0.05


def test_a_checkpoint_waits_while_a_task_the_advocate_started_runs() -> None:
    activity = GuiActivity(foreground_patience=FOREVER, slice_s=FOREVER)
    task = object()
    activity.foreground_started(task)  # say, the case they just clicked is being read
    worker, passed = _worker(activity)
    worker.start()
    assert not passed.wait(0.2)
    activity.foreground_ended(task)
    assert passed.wait(30)
    worker.join(30)


def test_a_long_busy_spell_is_shared_rather_than_waited_out() -> None:
    """Background work is delayed, never starved: past its patience it goes on."""
    activity = GuiActivity(patience=0.0, slice_s=FOREVER)
    activity.awake()
    worker, passed = _worker(activity)
    worker.start()
    assert passed.wait(30)  # the GUI thread never rested, and the read still finished
    worker.join(30)


def test_on_the_gui_thread_itself_a_checkpoint_never_waits() -> None:
    """A synchronous pool runs the task on the GUI thread: waiting for it to rest would never end."""
    activity = GuiActivity(patience=FOREVER, slice_s=FOREVER)  # made here: this is its GUI thread
    activity.awake()
    rescued = threading.Event()
    watchdog = threading.Timer(20, lambda: (rescued.set(), activity.about_to_block()))
    watchdog.start()
    try:
        with pacing.giving_way(activity.give_way):
            pacing.checkpoint()
    finally:
        watchdog.cancel()
    assert not rescued.is_set()


def test_a_checkpoint_outside_a_background_task_does_nothing() -> None:
    calls: list[int] = []
    pacing.checkpoint()  # no hook on this thread: nothing happens, nothing fails
    with pacing.giving_way(lambda: calls.append(1)):
        pacing.checkpoint()
        pacing.checkpoint()
    pacing.checkpoint()
    assert calls == [1, 1]


def test_background_tasks_give_way_and_foreground_ones_are_given_way_to(qtbot) -> None:
    """run_task(background=True) installs the checkpoint on its worker; any other task is
    counted as the advocate's own while it runs."""
    page = QWidget()
    qtbot.addWidget(page)
    activity = gui_activity()
    assert activity is not None
    seen: dict[str, object] = {}
    release = threading.Event()

    def background_work() -> str:
        seen["hook"] = getattr(pacing._local, "hook", None)
        return "done"

    def foreground_work() -> str:
        seen["foreground_running"] = bool(activity._foreground)
        release.wait(30)
        return "done"

    results: list[str] = []
    run_task(page, background_work, results.append, background=True, pool=QThreadPool.globalInstance())
    qtbot.waitUntil(lambda: results == ["done"], timeout=10_000)
    assert getattr(seen["hook"], "__func__", None) is GuiActivity.give_way

    run_task(page, foreground_work, results.append, pool=QThreadPool.globalInstance())
    qtbot.waitUntil(lambda: "foreground_running" in seen, timeout=10_000)
    release.set()
    qtbot.waitUntil(lambda: results == ["done", "done"], timeout=10_000)
    assert seen["foreground_running"] is True
    assert not activity._foreground  # it is no longer counted once it has ended


def test_a_task_the_advocate_waits_for_naps_after_each_slice_and_never_waits() -> None:
    """A foreground read takes turns with the GUI thread: a short nap (its lock free) after each
    slice of work, even while the GUI thread is busy; it never waits for it to rest."""
    activity = GuiActivity(patience=FOREVER, slice_s=0.0, turn_s=0.001)
    activity.awake()  # the GUI thread is busy (and stays so): a background task would wait here
    # it goes on although the GUI thread never rests
    naps = _time_checkpoints(activity, activity.take_turns, 3)
    # the first checkpoint starts its first slice; each one after a (zero-length) slice naps
    assert naps[0] < 0.001 <= min(naps[1:])


def test_foreground_tasks_take_turns_at_their_checkpoints(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = QWidget()
    qtbot.addWidget(page)
    seen: dict[str, object] = {}

    def foreground_work() -> str:
        seen["hook"] = getattr(pacing._local, "hook", None)
        return "done"

    results: list[str] = []
    run_task(page, foreground_work, results.append, pool=QThreadPool.globalInstance())
    qtbot.waitUntil(lambda: results == ["done"], timeout=10_000)
    assert getattr(seen["hook"], "__func__", None) is GuiActivity.take_turns
