"""Regenerate the first-run screenshots: the welcome screen, and the demo vault with DEMO in
the window's real title bar (which only a window manager draws).

    xvfb-run -a -s "-screen 0 1400x900x24" \
        sh -c 'openbox & sleep 1; .venv/bin/python docs/screenshots/make_first_run.py'

Without a display it falls back to offscreen and writes only the in-window pictures.
Uses a throw-away HOME, so the demo vault is made in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="imsa-shots-home-"))
os.environ["HOME"] = str(HOME)
for var, sub in (("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config")):
    (HOME / sub).mkdir(parents=True)
    os.environ[var] = str(HOME / sub)
os.environ.pop("IMSA_VAULT", None)
os.environ["IMSA_INSECURE_FAST_KDF_FOR_TESTS"] = "1"  # throw-away demo vault only
if not os.environ.get("DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from imsa_desktop.__main__ import build_app  # noqa: E402
from imsa_desktop.ui.workers import SynchronousPool, use_pool  # noqa: E402

OUT = Path(__file__).resolve().parent


def settle(app, ms: int = 600) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    app = build_app()
    from imsa_desktop import bootstrap as vault_service
    from imsa_desktop.ui import plugins
    from imsa_desktop.ui.main_window import MainWindow
    from imsa_desktop.ui.session import Session

    plugins.load()
    # The welcome picture shows a typical location (nothing is written before a choice)...
    os.environ["XDG_DATA_HOME"] = "/home/sam/.local/share"
    window = MainWindow(Session(vault_service.default_vault_path()))
    window.resize(1280, 800)
    window.move(40, 40)
    window.show()
    settle(app)
    window.grab().save(str(OUT / "welcome.png"))
    os.environ["XDG_DATA_HOME"] = str(HOME / ".local/share")  # ...the demo goes in the throw-away HOME
    window.open_demo()
    settle(app, 1500)
    window.grab().save(str(OUT / "demo-vault.png"))
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen" and shutil.which("import"):
        # The whole screen: the title bar is drawn by the window manager, not by Qt.
        subprocess.run(
            ["import", "-window", "root", "-crop", "1300x130+30+0", str(OUT / "demo-title-bar.png")],
            check=True,
        )
    print("DEMO title:", window.windowTitle())
    window.close()
    shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    with use_pool(SynchronousPool()):  # every task finishes before its screenshot
        main()
