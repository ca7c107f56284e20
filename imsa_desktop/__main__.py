"""Composition root: ``imsa-desktop`` builds the application, the session and the window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import TracebackType

from imsa_desktop import logsetup


def install_excepthook() -> None:
    """Unexpected errors: log type and code locations only, show one calm sentence."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if exc.__traceback__ is None:
            exc.__traceback__ = tb
        logsetup.log_unexpected(exc)
        try:
            from PySide6.QtWidgets import QApplication, QMessageBox

            if QApplication.instance() is not None:
                from imsa_desktop.ui.common import UNEXPECTED

                box = QMessageBox(QMessageBox.Icon.Warning, "IMSA Desktop", UNEXPECTED)
                box.setObjectName("unexpectedErrorBox")
                box.open()
        except Exception:
            pass

    sys.excepthook = hook


def load_stylesheet(high_contrast: bool | None = None) -> str:
    """The app's style sheet; with the system's high-contrast setting, its override on top.
    ``url(icons:...)`` in it finds resources/icons."""
    from PySide6.QtCore import QDir

    from imsa_desktop.paths import resource

    QDir.setSearchPaths("icons", [str(resource("icons"))])
    if high_contrast is None:
        high_contrast = high_contrast_requested()
    names = ["style.qss", "style-high-contrast.qss"] if high_contrast else ["style.qss"]
    parts = []
    for name in names:
        try:
            parts.append(resource(name).read_text(encoding="utf-8"))
        except OSError:
            pass
    return "\n".join(parts)


def high_contrast_requested() -> bool:
    """The desktop asks for high contrast (Qt reads the platform setting; IMSA_HIGH_CONTRAST=1
    forces it, e.g. where the desktop has no such setting)."""
    if os.environ.get("IMSA_HIGH_CONTRAST") in ("1", "yes", "true"):
        return True
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication

        hints = QGuiApplication.styleHints()
        return bool(hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast)
    except (AttributeError, RuntimeError):  # Qt before 6.10 has no contrast preference
        return False


def apply_theme(app) -> None:  # type: ignore[no-untyped-def]
    """Base font size and text colours (cheaper than a universal style-sheet rule)."""
    from PySide6.QtGui import QColor, QPalette

    font = app.font()
    # 10.5 pt, or the text size the advocate chose for their desktop if it is larger: larger
    # text set in the system (Windows "Make text bigger", GNOME/KDE font size) is followed
    # (WCAG 2.2 1.4.4, resize text).
    font.setPointSizeF(max(10.5, font.pointSizeF()))
    app.setFont(font)
    palette = app.palette()
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(role, QColor("#1f2328"))
    palette.setColor(QPalette.ColorRole.Window, QColor("#f4f6f8"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#6e7781"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0b6e7f"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor("#0b6e7f"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6e7781"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6e7781"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#6e7781"))
    if high_contrast_requested():
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            palette.setColor(role, QColor("#000000"))
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
            palette.setColor(role, QColor("#ffffff"))
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#3d3d3d"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#000000"))
    app.setPalette(palette)


def follow_contrast_setting(app) -> None:  # type: ignore[no-untyped-def]
    """Switch to (or from) the high-contrast theme when the desktop setting changes."""
    try:
        signal = app.styleHints().accessibility().contrastPreferenceChanged
    except (AttributeError, RuntimeError):
        return

    def changed(*_args: object) -> None:
        apply_theme(app)
        app.setStyleSheet(load_stylesheet())

    signal.connect(changed)


def _set_icon(app) -> None:  # type: ignore[no-untyped-def]
    """The app icon in the title bar, task bar and window switcher (packaging/icons draws it)."""
    from PySide6.QtGui import QIcon

    from imsa_desktop.paths import resource

    path = resource("icons", "imsa-desktop.png")
    if path.is_file():
        app.setWindowIcon(QIcon(str(path)))
    app.setDesktopFileName("imsa-desktop")  # Linux: matches packaging/linux/imsa-desktop.desktop


# Fonts shipped in resources/fonts for the PDFs, offered to Qt too: names in Ethiopic (Tigrinya,
# Amharic), Arabic, Chinese, Japanese and Korean script then show on a laptop with no such font,
# instead of empty boxes. Qt falls back to them glyph by glyph; the interface font is unchanged.
SCRIPT_FONTS = (
    "NotoSansEthiopic-Regular.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "DroidSansFallbackFull.ttf",
    "IMSAHangul-Regular.ttf",
)
_script_fonts_added = False


def add_script_fonts() -> None:
    """Register the shipped script fonts with Qt once (about 10 ms); a missing file is skipped
    (the PDFs refuse text they cannot draw, naming the field)."""
    global _script_fonts_added
    if _script_fonts_added:
        return
    from PySide6.QtGui import QFontDatabase

    from imsa_desktop.paths import resource

    for name in SCRIPT_FONTS:
        path = resource("fonts", name)
        if path.is_file():
            QFontDatabase.addApplicationFont(str(path))
    _script_fonts_added = True


def build_app(argv: list[str] | None = None):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    # Workers run Python (a search, a chronology, the Today page) while this thread lays out
    # and paints; every call into Qt lets go of the GIL, and getting it back waits for the
    # switch interval. 1 ms instead of Python's 5 ms keeps those stalls short.
    sys.setswitchinterval(0.001)
    app.setApplicationName("IMSA Desktop")
    app.setOrganizationName("IMSA")
    app.setStyle("Fusion")
    _set_icon(app)
    add_script_fonts()
    apply_theme(app)
    app.setStyleSheet(load_stylesheet())
    follow_contrast_setting(app)
    return app  # feature modules load at the first unlock (MainWindow._ensure_features)


def launch(path: Path):  # type: ignore[no-untyped-def]
    """Start the GUI on a vault path: logging, excepthook, app, window shown. Returns (app, window)."""
    logsetup.configure()
    install_excepthook()
    app = build_app()
    from imsa_desktop.ui.common import after_window_drawn
    from imsa_desktop.ui.main_window import MainWindow
    from imsa_desktop.ui.session import Session

    window = MainWindow(Session(path))
    window.show()

    def cleanup() -> None:  # temp copies left by a crash of an earlier run
        from imsa_desktop.services import tempfiles

        tempfiles.cleanup_external_copies()

    after_window_drawn(100, cleanup)
    return app, window


# Benchmarks only (benchmarks/frozen.py): with IMSA_START_PROBE=1 the app prints one line once
# its first window is shown and the event loop has run, then quits. It works in the frozen app,
# where the benchmark cannot run code of its own; the line says which screen was shown.
START_PROBE_ENV = "IMSA_START_PROBE"


def _report_start_and_quit(app, window) -> None:  # type: ignore[no-untyped-def]
    import json

    from PySide6.QtCore import QTimer

    def report() -> None:
        screen = "unlock" if window.stack.currentWidget() is window.unlock_view else "other"
        sys.stdout.write("RESULT " + json.dumps({"shown": window.isVisible(), "screen": screen}) + "\n")
        sys.stdout.flush()
        app.quit()

    QTimer.singleShot(0, report)


def _fail_incomplete(message: str) -> int:
    """An incomplete installation: say so on stderr and in a dialog, and do not start."""
    print(f"imsa-desktop: {message}", file=sys.stderr)
    try:
        from PySide6.QtWidgets import QMessageBox

        build_app()
        box = QMessageBox(QMessageBox.Icon.Critical, "IMSA Desktop", message)
        box.setObjectName("featureMissingBox")
        box.exec()
    except Exception:
        pass
    return 1


def main(argv: list[str] | None = None) -> int:
    from imsa_desktop.version import VersionAction

    parser = argparse.ArgumentParser(prog="imsa-desktop", description="IMSA Desktop")
    parser.add_argument("--version", action=VersionAction, label="IMSA Desktop")
    parser.add_argument("--vault", help="vault file (default: $IMSA_VAULT or the per-user data folder)")
    parser.add_argument(
        "--list-features",
        action="store_true",
        help="load every feature, list them (feature, role, tab title) and exit",
    )
    args = parser.parse_args(argv)
    from imsa_desktop.ui import plugins

    try:
        plugins.check()  # a missing feature fails loudly here, not silently later
        if args.list_features:
            build_app()
            for line in plugins.describe():
                print(line)
            return 0
    except plugins.FeatureMissing as e:
        return _fail_incomplete(e.user_message)
    from imsa_desktop.services import first_run

    path = Path(args.vault).expanduser() if args.vault else first_run.start_vault_path()
    app, window = launch(path)
    if os.environ.get(START_PROBE_ENV) == "1":
        _report_start_and_quit(app, window)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
