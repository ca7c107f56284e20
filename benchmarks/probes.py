"""Subprocess probes: ``python -m benchmarks.probes KIND ARGS``. Each prints one JSON line.

- ``start-bare``: a bare PySide6 window; prints when it has been shown and the event loop ran.
- ``start-app VAULT``: the app's own start path (as ``imsa_desktop.__main__.main``) up to the
  unlock window shown; same marker.
- ``stall VAULT``: the real MainWindow, a 5 ms QTimer heartbeat, and the GUI doing its work:
  load the case list (unlock), scroll to the largest case, then (a later turn) click its row,
  click its Timeline tab, run searches the way the search box does, render a letter in a
  worker. Prints the longest gap between heartbeats per phase, and how long the case list, the
  case and its timeline took to be painted. ``IMSA_STALL_PROFILE=DIR`` also writes what made each stall.
- ``bigfile MIB``: peak memory (ru_maxrss) while a generated file streams through attach ->
  export -> import.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _emit(obj: dict[str, Any]) -> bool:
    sys.stdout.write("RESULT " + json.dumps(obj) + "\n")
    sys.stdout.flush()
    return True


def start_bare() -> None:
    from benchmarks.bare_window import main

    main()


def start_app(vault: str) -> None:
    from PySide6.QtCore import QTimer

    from imsa_desktop.__main__ import launch  # exactly what imsa-desktop runs

    app, window = launch(Path(vault))
    ok = window.stack.currentWidget() is window.unlock_view
    QTimer.singleShot(0, lambda: (_emit({"shown": True, "unlock_view": ok}), app.quit()))
    app.exec()
    os._exit(0)


def copy_with_real_kdf(src: Path) -> Path:
    """A copy of the caseload whose passphrase slot has the calibrated Argon2id cost of a real
    vault. ``fig_stall`` makes one and its runs share it (the large one is 3.6 GB)."""
    import shutil

    from benchmarks.build import PASSPHRASE
    from imsa_desktop.crypto.kdf import calibrate
    from imsa_desktop.store.vault import Vault, keys_path, unwrap_with_passphrase

    folder = Path(tempfile.mkdtemp(prefix="imsa-stall-"))
    dst = folder / src.name
    shutil.copy2(src, dst)
    for suffix in ("-wal",):
        side = src.with_name(src.name + suffix)
        if side.exists():
            shutil.copy2(side, dst.with_name(dst.name + suffix))
    shutil.copy2(keys_path(src), keys_path(dst))
    vault = Vault.open(unwrap_with_passphrase(dst, PASSPHRASE))
    vault.change_passphrase(PASSPHRASE, calibrate())
    vault.close()
    return dst


class _Profile:
    """``IMSA_STALL_PROFILE=DIR``: what made each stall. A cProfile per phase (``DIR/PHASE.prof``)
    and, with ``IMSA_STALL_EVENTS=1``, every Qt event that took over 15 ms on the GUI thread,
    with its receiver (``DIR/events.json``). Profiling slows everything down: its figures are
    not the probe's."""

    def __init__(self, folder: str) -> None:
        import cProfile

        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.phase = "idle"
        self.prof = cProfile.Profile()
        self.long_events: list[dict[str, Any]] = []
        self.depth = 0
        self.prof.enable()

    def switch(self, phase: str) -> None:
        import cProfile

        self.prof.disable()
        self.prof.dump_stats(str(self.folder / f"{self.phase}.prof"))
        self.phase = phase
        self.prof = cProfile.Profile()
        self.prof.enable()

    def app(self) -> Any:
        from PySide6.QtWidgets import QApplication

        profile = self

        class TimedApp(QApplication):
            def notify(self, receiver: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
                profile.depth += 1
                t = time.perf_counter()
                try:
                    return super().notify(receiver, event)
                finally:
                    profile.depth -= 1
                    ms = (time.perf_counter() - t) * 1000
                    if ms > 15:
                        profile.long_events.append(
                            {
                                "phase": profile.phase,
                                "ms": round(ms, 1),
                                "depth": profile.depth,
                                "event": str(event.type()).rsplit(".", 1)[-1],
                                "receiver": type(receiver).__name__,
                                "name": receiver.objectName() if hasattr(receiver, "objectName") else "",
                            }
                        )

        return TimedApp(sys.argv[:1])

    def finish(self) -> None:
        self.switch("done")
        self.prof.disable()
        (self.folder / "events.json").write_text(json.dumps(self.long_events, indent=1))


class _PaintWatch:
    """Calls back once a widget has been painted while a condition holds."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        watch = self

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
                if event.type() == QEvent.Type.Paint:
                    for item in list(watch.waiting):
                        widget, condition, callback = item
                        if widget is watched and condition():
                            watch.waiting.remove(item)
                            # after this paint event has been handled
                            QTimer.singleShot(0, callback)
                return False

        self.filter = Filter()
        self.waiting: list[tuple[Any, Any, Any]] = []

    def when(self, widget: Any, condition: Any, callback: Any) -> None:
        widget.installEventFilter(self.filter)
        self.waiting.append((widget, condition, callback))


def stall(vault_path: str, queries: list[str], real_path: str) -> None:
    """*vault_path* is the benchmark's own caseload, *real_path* a ``copy_with_real_kdf`` of it
    (the GUI unlocks that one)."""
    from imsa_desktop.__main__ import build_app

    profile = _Profile(os.environ["IMSA_STALL_PROFILE"]) if os.environ.get("IMSA_STALL_PROFILE") else None
    if profile is not None and os.environ.get("IMSA_STALL_EVENTS"):
        profile.app()  # build_app() takes this instance (every event through Python: slower)
    app = build_app()
    from PySide6.QtCore import QTimer

    from benchmarks.build import PASSPHRASE
    from imsa_desktop.documents.letter_pdf import render_letter
    from imsa_desktop.documents.samples import demo_draft
    from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
    from imsa_desktop.ui.main_window import MainWindow
    from imsa_desktop.ui.session import Session
    from imsa_desktop.ui.workers import run_task

    # Find the largest case first (plain query on the benchmark's own copy); the GUI unlocks
    # the copy whose passphrase slot has the calibrated Argon2id cost of a real vault, so
    # unlocking goes through the real UnlockView path with a real key derivation.
    probe_vault = Vault.open(unwrap_with_passphrase(Path(vault_path), PASSPHRASE))
    with probe_vault.unit_of_work() as uow:
        rows = uow.conn.execute(
            "SELECT case_id, count(*) AS n FROM records WHERE kind = 'event'"
            " GROUP BY case_id ORDER BY n DESC LIMIT 1"
        ).fetchone()
    probe_vault.close()
    big_case, big_n = rows[0], rows[1]
    real = Path(real_path)
    session = Session(real)
    window = MainWindow(session)
    window.show()
    gaps: dict[str, float] = {}
    gap_cpu: dict[str, float] = {}  # the GUI thread's CPU time within each phase's longest gap
    durations: dict[str, float] = {}
    state: dict[str, Any] = {"phase": "idle", "last": time.perf_counter(), "last_cpu": time.thread_time()}

    # ``IMSA_STALL_GAPS=FILE``: every gap over 25 ms, with its start and end on the monotonic
    # clock (``perf record -k CLOCK_MONOTONIC`` samples can be matched to it), and the GUI
    # thread's id
    gap_log: list[dict[str, Any]] | None = [] if os.environ.get("IMSA_STALL_GAPS") else None
    state["last_mono"] = time.monotonic()

    def beat() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - state["last"]) * 1000
        ph = state["phase"]
        if gap_log is not None and gap > 25:
            end = time.monotonic()
            gap_log.append({"phase": ph, "start": state["last_mono"], "end": end, "ms": round(gap, 1)})
        state["last_mono"] = time.monotonic()
        if gap > gaps.get(ph, 0.0):
            # a gap much longer than its CPU time was spent waiting (for a core, the GIL, a lock)
            gaps[ph], gap_cpu[ph] = gap, (cpu - state["last_cpu"]) * 1000
        state["last"], state["last_cpu"] = now, cpu

    # Garbage collections, on any thread (each holds the interpreter lock for its length): the
    # longest per phase, so a gap can be told apart from one made by the collector.
    gc_started: dict[int, float] = {}
    gc_longest: dict[str, tuple[float, int, str]] = {}

    def collected(when: str, info: dict[str, int]) -> None:
        me = threading.get_ident()
        if when == "start":
            gc_started[me] = time.perf_counter()
            return
        began = gc_started.pop(me, None)
        if began is None:
            return
        ms = (time.perf_counter() - began) * 1000
        ph = state["phase"]
        if ms > gc_longest.get(ph, (0.0, 0, ""))[0]:
            gc_longest[ph] = (ms, info["generation"], threading.current_thread().name)

    gc.callbacks.append(collected)

    hb = QTimer()
    hb.setInterval(5)
    hb.timeout.connect(beat)
    hb.start()

    def set_phase(name: str) -> None:
        state["phase"] = name
        if profile is not None:
            profile.switch(name)

    def phase(name: str, fn: Any) -> None:
        beat()
        set_phase(name)
        t = time.perf_counter()
        fn()
        durations[name] = (time.perf_counter() - t) * 1000

    painted = _PaintWatch()

    def key_derived() -> None:
        """The key is derived and the vault opens: a gap until now was while Argon2id ran (the
        GUI builds the empty workspace then); from now on it is the case list's."""
        if "key_derived" in state:
            return
        beat()
        state["key_derived"] = time.perf_counter()
        set_phase("after_key_derivation")

    def case_list_shown() -> None:
        durations["case_list_shown_ms"] = (time.perf_counter() - state["key_derived"]) * 1000

    def watch_case_list(_index: int) -> None:
        """ "Case list shown": from the derived key to the first rows of the case list painted
        (the workspace becomes the page on screen before anything of it is painted)."""
        if window.workspace is None or "case_list_watched" in state:
            return
        state["case_list_watched"] = True
        durations["unlock_until_workspace_ms"] = (time.perf_counter() - state["unlock_started"]) * 1000
        table = window.workspace.table
        painted.when(table.viewport(), lambda: table.model().rowCount() > 0, case_list_shown)

    session.unlocked.connect(key_derived)
    window.stack.currentChanged.connect(watch_case_list)

    def unlock() -> None:
        # As the advocate does: type the passphrase, press Unlock. Argon2id runs in a worker
        # while the GUI thread builds the (empty) workspace; then the vault opens and fills it.
        window.unlock_view.passphrase.setText(PASSPHRASE)
        state["unlock_started"] = time.perf_counter()
        set_phase("during_key_derivation")
        window.unlock_view.unlock()

    def tab_shown(index: int, figure: str, started: float) -> None:
        """Record *figure* once the case view's tab *index* holds the big case and has been
        painted (a tab filled in a worker says so with ``CaseView.tab_loaded``; without that
        signal it was filled in the click)."""
        assert window.workspace is not None
        view = window.workspace.case_view
        loaded = getattr(view, "tab_loaded", None)

        def done() -> None:
            # The figure ends once the tab has been painted with the case, by the paint that
            # follows the fill in a turn of its own, as the app does it (a ``repaint()`` forced
            # here, as before, made the fill and the paint one stall of the probe's own making).
            # (the tab is asked for only now: asking while it is built a part per turn finishes it)
            tab = view.tab_list[index]
            painted.when(tab, lambda: True, finished)
            tab.update()  # (merged with the fill's own update: only there for a fill that changed nothing)

        def finished() -> None:
            durations[figure] = (time.perf_counter() - started) * 1000
            state.pop("waiting", None)

        def mark(i: int) -> None:
            if i == index and view.tab_list[index].case_id == big_case and "waiting" in state:
                loaded.disconnect(mark)
                done()

        state["waiting"] = figure
        if loaded is None or view.is_loaded(index):
            done()
        else:
            loaded.connect(mark)

    def find_large_case() -> Any:
        assert window.workspace is not None
        ws = window.workspace
        reveal = getattr(ws, "reveal_case", None)
        if reveal is not None:
            return reveal(big_case)  # handed over to the table first if not yet
        return ws.proxy.mapFromSource(ws.model.index(ws.model.row_of(big_case), 0))

    def has_every_case() -> bool:
        """The case list holds every case (it shows the most recent ones first, and the large
        case need not be among them)."""
        assert window.workspace is not None
        return bool(getattr(window.workspace, "has_every_case", lambda: True)())

    def scroll_to_case() -> None:
        """Scroll the case list to the big case's row, as the advocate would before clicking it
        (its own step: scrolling and clicking are two moments, each with its own stall)."""
        assert window.workspace is not None
        # One scroll, as one action of the advocate's: the list is whole by now (run_steps
        # waits for every case), and the table lays out and paints in the turns after it
        # (this step's "_after" phase). Three scrolls with processEvents() in one turn, as
        # before, measured three layouts and paints as a single stall.
        window.workspace.table.scrollTo(find_large_case())

    def open_case() -> None:
        """Click the big case's row in the case list (scrolled to in the step before); the
        figure runs from the click to its visible tab filled and painted."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from imsa_desktop.ui.models.case_list_model import CASE_ID_ROLE as CASE_ID

        assert window.workspace is not None
        ws = window.workspace
        index = find_large_case()
        at = ws.table.visualRect(index).center()
        state["clicked_row_is_large_case"] = ws.table.indexAt(at).data(CASE_ID) == big_case
        started = time.perf_counter()
        QTest.mouseClick(ws.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
        tab_shown(ws.case_view.tabs.currentIndex(), "open_large_case_ms", started)

    def open_timeline() -> None:
        """Click the open case's Timeline tab: from the click to its 1,000 events painted."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        assert window.workspace is not None
        tabs = window.workspace.case_view.tabs
        i = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Timeline")
        bar = tabs.tabBar()
        started = time.perf_counter()
        QTest.mouseClick(
            bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(i).center()
        )
        tab_shown(i, "large_case_timeline_ms", started)

    def search_one(q: str) -> Any:
        """One query, as the search box runs it after the typing pause (its own event-loop turn)."""

        def run() -> None:
            from PySide6.QtWidgets import QWidget

            panel = window.findChild(QWidget, "globalSearchPanel")
            field = getattr(panel, "field", None) if panel is not None else None
            state["search_path"] = "search box" if field is not None else "search service"
            if panel is not None and field is not None and hasattr(panel, "run_search"):
                field.setText(q)
                panel.run_search()
            else:
                from imsa_desktop.services.search import search_cases

                search_cases(session.uow(), q)

        return run

    letter: dict[str, Any] = {}

    def render() -> None:
        draft = demo_draft()
        state["letter_started"] = time.perf_counter()
        run_task(
            window,
            lambda: render_letter(draft),
            lambda pdf: letter.update(
                bytes=len(pdf), ms=(time.perf_counter() - state["letter_started"]) * 1000
            ),
            lambda e: letter.update(error=type(e).__name__),
        )

    steps = [
        ("unlock_and_case_list", unlock),
        ("scroll_to_large_case", scroll_to_case),
        ("open_large_case", open_case),
        ("large_case_timeline", open_timeline),
        *[("search", search_one(q)) for q in queries],
        ("letter_worker", render),
    ]

    def run_steps() -> None:
        if state.get("unlock_started") and (not session.is_open or window.workspace is None):
            QTimer.singleShot(20, run_steps)  # still deriving the key
            return
        if (
            state.get("unlock_started")
            and ("case_list_shown_ms" not in durations or not has_every_case())
            and time.perf_counter() - state["unlock_started"] < 30
        ):
            QTimer.singleShot(20, run_steps)  # a person clicks a row once the list shows it
            return
        if state.get("waiting") and time.perf_counter() - state["step_started"] < 30:
            QTimer.singleShot(20, run_steps)  # the step's tab is still being filled
            return
        if steps:
            name, fn = steps.pop(0)
            state["step_started"] = time.perf_counter()
            phase(name, fn)
            if name != "unlock_and_case_list":  # unlock sets its own phases as it progresses
                set_phase(name + "_after")
            QTimer.singleShot(150 if name == "search" else 300, run_steps)
        elif (
            "ms" not in letter
            and "error" not in letter
            and time.perf_counter() - state["letter_started"] < 30
        ):
            QTimer.singleShot(50, run_steps)
        else:
            set_phase("done")
            app.quit()

    # The unlock window is up while the advocate types the passphrase (a few seconds) and
    # Argon2id runs (~0.5 s); the app warms its feature modules meanwhile. 2.5 s is brisk.
    # From the first paint on, that is a step too ("typing the passphrase"): whatever the app
    # does meanwhile must not hold up the keys being typed.
    QTimer.singleShot(300, lambda: (beat(), set_phase("typing_passphrase")))
    QTimer.singleShot(2500, run_steps)
    app.exec()
    hb.stop()
    if profile is not None:
        profile.finish()
    _emit(
        {
            "large_case_events": big_n,
            "max_gap_ms": {k: round(v, 1) for k, v in gaps.items() if k not in ("idle", "done")},
            "max_gap_cpu_ms": {k: round(v, 1) for k, v in gap_cpu.items() if k not in ("idle", "done")},
            "call_ms": {k: round(v, 1) for k, v in durations.items()},
            "longest_gc_ms": {
                k: [round(ms, 1), f"generation {g}", thread]
                for k, (ms, g, thread) in gc_longest.items()
                if k not in ("idle", "done")
            },
            "letter_in_worker": letter,
            "search_path": state.get("search_path", ""),
            "errors_shown": _banners(window),
            "clicked_row_is_large_case": state.get("clicked_row_is_large_case"),
        }
    )
    if gap_log is not None:
        Path(os.environ["IMSA_STALL_GAPS"]).write_text(
            json.dumps({"gui_tid": threading.get_native_id(), "gaps": gap_log}), encoding="utf-8"
        )
    session.lock()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of the Qt objects (PySide6 can crash there)


def _banners(window: Any) -> list[str]:
    """The error lines the window shows (a step that failed says so here, not by a missing figure)."""
    from imsa_desktop.ui.common import Banner

    return [b.text() for b in window.findChildren(Banner) if b.isVisibleTo(window) and b.text()]


def _maxrss_mib() -> float:
    """Peak resident memory of this process image. VmHWM, not ru_maxrss: on Linux ru_maxrss
    keeps the parent's high-water mark across fork+exec, so a big parent would mask ours."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bigfile(mib: int) -> None:
    from imsa_desktop.crypto.kdf import TEST_PARAMS
    from imsa_desktop.domain.model import EvidenceItem
    from imsa_desktop.services import bundles
    from imsa_desktop.services import identity as identity_service
    from imsa_desktop.services.cases import new_case
    from imsa_desktop.services.evidence import add_evidence, attach_file
    from imsa_desktop.store.vault import Vault

    base = _maxrss_mib()
    out: dict[str, Any] = {"mib": mib, "baseline_rss_mib": round(base, 1)}
    with tempfile.TemporaryDirectory(prefix="imsa-bench-big-") as tmp:
        folder = Path(tmp)
        src = folder / "big-scan.pdf"
        rng = random.Random(8)
        with open(src, "wb") as f:
            for _ in range(mib):
                f.write(rng.randbytes(1 << 20))
        out["rss_after_making_file_mib"] = round(_maxrss_mib(), 1)
        a, _r = Vault.create(
            folder / "a.imsa", "benchmark passphrase a", "Advocate A (fictional)", TEST_PARAMS
        )
        b, _r = Vault.create(
            folder / "b.imsa", "benchmark passphrase b", "Advocate B (fictional)", TEST_PARAMS
        )
        case_id = new_case(a.unit_of_work(), "Nguyễn Thị Hồng")
        ev = EvidenceItem(case_id=case_id, title="Large scan (synthetic)")
        add_evidence(a.unit_of_work(), ev)
        t = time.perf_counter()
        attach_file(a.unit_of_work(), case_id, ev.id, src, max_bytes=(mib + 1) << 20)
        out["attach_s"] = round(time.perf_counter() - t, 2)
        out["rss_after_attach_mib"] = round(_maxrss_mib(), 1)
        src.unlink()
        target = identity_service.my_identity(b.unit_of_work()).age_public
        bundle = folder / "share.imsabundle"
        t = time.perf_counter()
        bundles.export_cases(a.unit_of_work(), [case_id], bundle, recipients=[target], reason="benchmark")
        out["export_s"] = round(time.perf_counter() - t, 2)
        out["rss_after_export_mib"] = round(_maxrss_mib(), 1)
        t = time.perf_counter()
        report = bundles.import_bundle(b.unit_of_work(), bundle)
        out["import_s"] = round(time.perf_counter() - t, 2)
        out["imported_cases"] = len(report.cases) if hasattr(report, "cases") else None
        out["rss_after_import_mib"] = round(_maxrss_mib(), 1)
        a.close()
        b.close()
    out["peak_rss_mib"] = round(_maxrss_mib(), 1)
    out["peak_above_baseline_mib"] = round(_maxrss_mib() - base, 1)
    _emit(out)


def main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "start-bare":
        start_bare()
    elif kind == "start-app":
        start_app(argv[1])
    elif kind == "stall":
        stall(argv[1], json.loads(argv[2]), argv[3])
    elif kind == "bigfile":
        bigfile(int(argv[1]))
    else:
        raise SystemExit(f"unknown probe {kind}")


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main(sys.argv[1:])
