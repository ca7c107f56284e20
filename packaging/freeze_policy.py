"""What every PyInstaller build of this project shares: excluded modules, pruned Qt parts,
the executable options. Read by packaging/imsa-desktop.spec (the app) and by
benchmarks/frozen_bare.spec (the bare PySide6 window the frozen start is compared with), so
the two are frozen the same way.

Loaded by path (``runpy.run_path``), not imported: ``packaging`` is also the name of a PyPI
package PyInstaller itself uses.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

LINUX = sys.platform.startswith("linux")

# Qt parts the app does not use: never imported, so never bundled.
EXCLUDES = [
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.QtWebView",
    "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuick3D", "PySide6.QtQuickControls2",
    "PySide6.QtQml", "PySide6.Qt3DCore", "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets",
    "PySide6.QtCharts", "PySide6.QtDataVisualization", "PySide6.QtGraphs",
    "PySide6.QtNetwork", "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtLocation",
    "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtUiTools",
    "PySide6.QtVirtualKeyboard", "PySide6.QtSensors", "PySide6.QtSerialPort", "PySide6.QtSpatialAudio",
    "PySide6.QtTextToSpeech", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvgWidgets",
    "tkinter", "pytest", "hypothesis", "mypy", "ruff", "pytestqt", "pypdf", "IPython",
    # The app starts no Python processes (only concurrent.futures.process refers to it): left
    # in, PyInstaller runs its multiprocessing start-up hook at every start (~10 ms).
    "multiprocessing",
]  # fmt: skip

# Qt plugins and libraries pruned after analysis (paths inside the bundle).
PRUNE = (
    "wayland", "libqeglfs", "egldeviceintegrations", "libqvnc", "libqlinuxfb", "libqminimalegl",
    "libqvkkhrdisplay", "virtualkeyboard", "VirtualKeyboard", "platformthemes/libqgtk3",
    "WebEngine", "libQt6Quick", "libQt6Qml", "libQt6Wayland", "qmltooling", "libQt6Designer",
    "libQt6Multimedia", "translations/qtwebengine", "libQt6EglFs", "libQt6EglFS",
    "libQt6WlShell", "PySide6/Qt/translations/",  # the app is in English and loads no Qt translation
)  # fmt: skip

# Bytecode optimisation level of the bundled modules (asserts kept out, docstrings kept).
OPTIMIZE = 1


def keep(entry: Any) -> bool:
    dest = entry[0].replace("\\", "/")
    return not any(p in dest for p in PRUNE)


def reachable_only(binaries: Any) -> list[Any]:
    """Linux: drop the system libraries only the pruned plugins needed (GTK, Cairo, Pango ...):
    keep a top-level library only if a kept extension module, Qt library or plugin links to it."""
    from PyInstaller.depend.bindepend import get_imports

    def root(dest: str, kind: str) -> bool:
        return "/" in dest or kind == "EXTENSION" or dest.startswith("libpython")

    top = {Path(dest).name: (dest, src, kind) for dest, src, kind in binaries if not root(dest, kind)}
    todo = [src for dest, src, kind in binaries if root(dest, kind)]
    needed = set()
    while todo:
        for name, _path in get_imports(todo.pop()):
            base = Path(name).name
            if base in top and base not in needed:
                needed.add(base)
                todo.append(top[base][1])
    return [b for b in binaries if root(b[0], b[2]) or Path(b[0]).name in needed]


def prune(analysis: Any) -> None:
    """Apply PRUNE (and on Linux the link-graph walk) to an Analysis, in place."""
    analysis.binaries = [b for b in analysis.binaries if keep(b)]
    analysis.datas = [d for d in analysis.datas if keep(d)]
    if LINUX:
        analysis.binaries = reachable_only(analysis.binaries)


def store_modules_uncompressed() -> None:
    """The bundled modules (PYZ) are stored without zlib compression: each start decompressed
    the ~140 modules on the way to the window (~13 ms on the loaded 2-core machine) to save
    ~15 MiB of install folder; the .deb is compressed as a whole anyway. PyInstaller reads the
    level from PYINSTALLER_ZLIB_COMPRESSION_LEVEL when it is imported, before a spec runs."""
    from PyInstaller.archive import writers

    if hasattr(writers.ZlibArchiveWriter, "_COMPRESSION_LEVEL"):
        writers.ZlibArchiveWriter._COMPRESSION_LEVEL = 0


def python_options() -> list[tuple[str, None, str]]:
    """Interpreter options baked into the executable. Empty for a release; for profiling a
    build, IMSA_FREEZE_PYOPTIONS="X importtime" (options separated by commas) bakes them in
    (the frozen interpreter ignores PYTHON* environment variables)."""
    raw = os.environ.get("IMSA_FREEZE_PYOPTIONS", "")
    return [(opt.strip(), None, "OPTION") for opt in raw.split(",") if opt.strip()]


def exe_options(icon: str | None) -> dict[str, Any]:
    # Linux: strip debug symbols (sqlcipher3 and libpython ship with them: ~40 MB). Not on
    # macOS, where stripping breaks code signatures; Windows binaries carry none.
    return dict(exclude_binaries=True, bootloader_ignore_signals=False, strip=LINUX, upx=False, icon=icon)
