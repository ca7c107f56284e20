"""``python -m benchmarks.frozen [--reps N] [--json]``: the packaged app's start.

The frozen app (``build/dist/imsa-desktop``, what ``make package`` builds and the .deb ships)
started on an existing vault, so to the unlock window a returning advocate sees, against a
bare PySide6 window frozen the same way (benchmarks/frozen_bare.spec, in
``build/bench-frozen``). Both are rebuilt with PyInstaller when missing or older than their
sources (about a minute each on the 2-core machine), then started alternately, offscreen,
after one warm-up of each; the figures are medians. The app reports "window shown and event
loop ran" itself when IMSA_START_PROBE=1 (imsa_desktop/__main__.py); the figure is the wall
time from spawning the executable to that line. Also the ``frozen start`` step of
``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.run import probe_command

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "build" / "dist" / "imsa-desktop"
BENCH_DIR = ROOT / "build" / "bench-frozen"
BARE_DIR = BENCH_DIR / "dist" / "bare-window"

APP_SOURCES = ("imsa_desktop", "resources", "packaging/imsa-desktop.spec", "packaging/freeze_policy.py",
               "packaging/launcher.py", "pyproject.toml")  # fmt: skip
BARE_SOURCES = ("benchmarks/bare_window.py", "benchmarks/frozen_bare.spec", "packaging/freeze_policy.py")


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _newest(names: tuple[str, ...]) -> float:
    newest = 0.0
    for name in names:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(p.stat().st_mtime for p in files if "__pycache__" not in p.parts)])
    return newest


def _stale(executable: Path, sources: tuple[str, ...]) -> bool:
    return not executable.is_file() or executable.stat().st_mtime < _newest(sources)


def _pyinstaller(spec: str, dist: Path, work: Path) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            "PyInstaller is not installed here: run `make package` once (it installs it)."
        ) from None
    env = dict(os.environ)
    env.pop("IMSA_FREEZE_PYOPTIONS", None)  # a release build, never a profiling one
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(ROOT / spec)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - t


def ensure_builds() -> dict[str, Any]:
    """Build whichever of the two frozen folders is missing or out of date."""
    out: dict[str, Any] = {}
    if _stale(APP_DIR / "imsa-desktop", APP_SOURCES):
        _log("frozen start: building the app with PyInstaller (build/dist)")
        out["frozen_app_build_s"] = round(
            _pyinstaller("packaging/imsa-desktop.spec", APP_DIR.parent, ROOT / "build" / "pyinstaller")
        )
    if _stale(BARE_DIR / "bare-window", BARE_SOURCES):
        _log("frozen start: building the bare window with PyInstaller (build/bench-frozen)")
        out["frozen_bare_build_s"] = round(
            _pyinstaller("benchmarks/frozen_bare.spec", BARE_DIR.parent, BENCH_DIR / "work")
        )
    return out


def _mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def make_vault(folder: Path) -> Path:
    """An existing vault, made by the frozen command line (`imsa init`)."""
    vault = folder / "returning.imsa"
    env = {
        **os.environ,
        "HOME": str(folder),
        "IMSA_PASSPHRASE": "frozen start benchmark passphrase",
        "IMSA_ADVOCATE_NAME": "Sam Example (fictional)",
        "IMSA_INSECURE_FAST_KDF_FOR_TESTS": "1",  # the unlock window never derives a key
        "QT_QPA_PLATFORM": "offscreen",
    }
    subprocess.run(
        [str(APP_DIR / "imsa"), "--vault", str(vault), "init"],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return vault


def fig_frozen_start(reps: int) -> dict[str, Any]:
    figures = ensure_builds()
    with tempfile.TemporaryDirectory(prefix="imsa-bench-frozen-") as tmp:
        vault = make_vault(Path(tmp))
        app_cmd = [str(APP_DIR / "imsa-desktop"), "--vault", str(vault)]
        bare_cmd = [str(BARE_DIR / "bare-window")]
        app_env = {"IMSA_START_PROBE": "1"}

        def app() -> float:
            res, s = probe_command(app_cmd, 120, app_env)
            if res.get("screen") != "unlock" or not res.get("shown"):
                raise RuntimeError(f"the frozen app did not show the unlock window: {res}")
            return s * 1000

        def bare() -> float:
            return probe_command(bare_cmd, 120)[1] * 1000

        bare()  # warm the OS file cache for both
        app()
        bares, apps = [], []
        for _ in range(reps):
            bares.append(bare())
            apps.append(app())
    b, a = statistics.median(bares), statistics.median(apps)
    return {
        **figures,
        "frozen_start_bare_ms": round(b),
        "frozen_start_app_ms": round(a),
        "frozen_start_ratio": round(a / b, 2),
        "frozen_start_screen": "unlock (existing vault)",
        "frozen_app_folder_mib": round(_mib(APP_DIR)),
        "frozen_bare_folder_mib": round(_mib(BARE_DIR)),
    }


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import TARGETS

    p = argparse.ArgumentParser(prog="python -m benchmarks.frozen", description=__doc__)
    p.add_argument("--reps", type=int, default=7, help="starts of each, after the warm-up (default 7)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    args = p.parse_args(argv)
    figures = fig_frozen_start(args.reps)
    op, limit = TARGETS["frozen_start_ratio"]
    met = figures["frozen_start_ratio"] <= limit
    if args.json:
        print(json.dumps({"figures": figures, "target": f"{op} {limit}", "met": met}, indent=2))
    else:
        for k, v in figures.items():
            mark = (
                f"   target {op} {limit}: {'met' if met else 'MISSED'}" if k == "frozen_start_ratio" else ""
            )
            print(f"  {k:40} {v}{mark}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
