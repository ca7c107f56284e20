"""The yardstick for start times: a bare PySide6 window, shown, one turn of the event loop.

Run unfrozen by ``python -m benchmarks.probes start-bare`` and frozen by PyInstaller as is
(benchmarks/frozen_bare.spec), so it imports nothing but PySide6 and the standard library.
Prints ``RESULT {...}`` once the window is shown and the event loop ran (the line the
benchmarks time), then exits.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    w = QMainWindow()
    w.setCentralWidget(QLabel("Hello"))
    w.resize(1280, 800)
    w.show()

    def report() -> None:
        sys.stdout.write("RESULT " + json.dumps({"shown": w.isVisible()}) + "\n")
        sys.stdout.flush()
        app.quit()

    QTimer.singleShot(0, report)
    app.exec()
    os._exit(0)


if __name__ == "__main__":
    main()
