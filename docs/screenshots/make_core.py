"""Regenerate the foundation screenshots (set-up, recovery key, unlock, case list, workspace).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_core.py

Uses a throw-away vault filled with the clearly fictional demo cases.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["IMSA_INSECURE_FAST_KDF_FOR_TESTS"] = "1"  # throw-away demo vault only
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from imsa_desktop.__main__ import build_app  # noqa: E402
from imsa_desktop.ui.workers import SynchronousPool, use_pool  # noqa: E402

OUT = Path(__file__).resolve().parent
PASS = "correct horse battery staple orbit"


def main() -> None:
    app = build_app()
    from imsa_desktop.services.demo import fill_demo
    from imsa_desktop.ui.main_window import MainWindow
    from imsa_desktop.ui.session import Session

    home = tempfile.mkdtemp()
    os.environ["HOME"] = home
    path = Path(home) / "vault.imsa"
    session = Session(path)
    w = MainWindow(session)
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    w.welcome_view.buttons["welcomeCreate"].click()  # first run: the welcome screen, then set-up
    w.setup_view.name.setText("Sam Example")
    w.setup_view.passphrase.setText(PASS)
    w.setup_view.repeat.setText(PASS)
    app.processEvents()
    w.grab().save(str(OUT / "setup.png"))
    w.setup_view.create()
    app.processEvents()
    w.grab().save(str(OUT / "recovery-key.png"))
    assert session.vault is not None
    fill_demo(session.vault.unit_of_work)
    w.recovery_view.confirm.setChecked(True)
    w.recovery_view.continue_button.click()
    app.processEvents()
    w.grab().save(str(OUT / "today.png"))
    ws = w.workspace
    assert ws is not None
    target = next(r.id for r in ws.model._rows if r.display_name.startswith("Nguyễn"))
    ws.open_case(target, 0)
    app.processEvents()
    w.grab().save(str(OUT / "case-workspace.png"))
    decisions = next(i for i, t in enumerate(ws.case_view.tab_list) if t.title == "Decisions")
    ws.case_view.tabs.setCurrentIndex(decisions)
    app.processEvents()
    w.grab().save(str(OUT / "case-decisions.png"))
    # Search without diacritics, results grouped by case with the matching words marked.
    from PySide6.QtWidgets import QWidget

    panel = w.findChild(QWidget, "globalSearchPanel")
    if panel is not None:
        ws.show_home()
        panel.field.setText("nguyen")
        panel.run_search()
        app.processEvents()
        w.grab().save(str(OUT / "search.png"))
        panel.field.clear()
    w.lock()
    w.unlock_view.passphrase.setText("not my passphrase")
    w.unlock_view.unlock()
    app.processEvents()
    w.grab().save(str(OUT / "unlock.png"))
    session.lock()
    print("screenshots written to", OUT)


if __name__ == "__main__":
    with use_pool(SynchronousPool()):  # every task finishes before its screenshot
        main()
