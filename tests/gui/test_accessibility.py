"""WCAG 2.2 AA (through WCAG2ICT) on a demo vault: the main window on every case tab, and every
dialog the advocate can open, are walked through Qt's accessibility interface. Any unnamed
interactive control, table without headers, broken focus chain or colour pair below the
contrast bar fails the test, listed by control."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from imsa_desktop.__main__ import apply_theme
from imsa_desktop.paths import resource
from tests.conftest import PASSPHRASE
from tests.gui import a11y_audit as audit

TEXT_BAR = 4.5  # WCAG 1.4.3
PART_BAR = 3.0  # WCAG 1.4.11 (borders, focus rings, selection, check boxes)


@pytest.fixture
def unlocked(demo_window, qtbot):  # type: ignore[no-untyped-def]
    window = demo_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert audit.unnamed_controls(window) == [], "the unlock screen"
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.unlock()
    assert window.workspace is not None
    return window


def _open_first_case(window) -> None:  # type: ignore[no-untyped-def]
    ws = window.workspace
    ws.table.selectRow(0)
    ws._row_activated(ws.table.currentIndex())
    assert ws.case_view.case_id is not None


def _check(window: QWidget, where: str, focus: bool = True) -> list[str]:
    problems = [*audit.unnamed_controls(window), *audit.headerless_tables(window)]
    if focus:
        problems += audit.focus_chain_problems(window)
    return [f"{where}: {p}" for p in problems]


def _show_tab(window, index: int, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Click a case tab and wait, as a person does, until it shows the case (a tab shown for
    the first time is built over a few turns of the event loop)."""
    view = window.workspace.case_view
    view.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: view.is_loaded(index), timeout=5_000)


def test_main_window_on_every_case_tab(unlocked, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = unlocked
    problems = _check(window, "Today page")
    _open_first_case(window)
    tabs = window.workspace.case_view.tabs
    for i in range(tabs.count()):
        _show_tab(window, i, qtbot)
        problems += _check(window, f"case tab {tabs.tabText(i)}")
    assert not problems, "\n".join(problems)


def _visible_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def _close_dialogs() -> None:
    for d in _visible_dialogs():
        d.reject()
        d.close()


def _dialog_openers(window):  # type: ignore[no-untyped-def]
    """(name, how to open it) for every dialog reachable from the main window and a case."""
    ws = window.workspace
    openers = [(a.text(), a.trigger) for a in window.extra_actions]
    openers.append(("Keyboard shortcuts", window.show_shortcuts))
    openers.append(("Recovery dialog", lambda: _recovery_dialog(window)))
    case_view = ws.case_view
    for tab in case_view.tab_list:
        if callable(getattr(tab, "edit", None)) and hasattr(tab, "make_dialog"):
            openers.append((f"{tab.title}: add", lambda tab=tab: tab.edit(None)))
    for tab in case_view.tab_list:
        if callable(getattr(tab, "new_letter", None)):
            openers.append(("Letter builder", tab.new_letter))
            openers.append(("Case summary preview", lambda tab=tab: tab.print_document("case summary pdf")))
    return openers


def _recovery_dialog(window) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.views.unlock_view import RecoveryDialog

    RecoveryDialog(window.session, window).open()


FILE_CHOOSERS = ("getOpenFileName", "getSaveFileName", "getExistingDirectory")


def test_every_dialog(unlocked, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    # The system's file chooser is not ours to audit (and blocks): "Import" starts with one.
    chose = []
    for name in FILE_CHOOSERS:
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: chose.append(1) or ("", "")))
    window = unlocked
    _open_first_case(window)
    case_view = window.workspace.case_view
    for i in range(case_view.tabs.count()):  # every tab loaded, as after a day's work
        _show_tab(window, i, qtbot)
    problems: list[str] = []
    seen = 0
    for name, open_it in _dialog_openers(window):
        _close_dialogs()
        open_it()
        qtbot.wait(5)
        dialogs = _visible_dialogs()
        if not dialogs:
            if not chose:
                problems.append(f"{name}: no dialog opened")
            chose.clear()
            continue
        for dialog in dialogs:
            seen += 1
            problems += _check(dialog, f"{name} ({dialog.windowTitle()})")
            default = [b for b in dialog.findChildren(QWidget) if getattr(b, "isDefault", lambda: False)()]
            for b in default:
                if (
                    b.text().replace("&", "") in ("Cancel", "Close")
                    and len(default) == 1
                    and _has_forward(dialog)
                ):
                    problems.append(f"{name}: the default button is {b.text()!r}, not the forward action")
    _close_dialogs()
    assert seen >= 10, f"only {seen} dialogs were walked"
    assert not problems, "\n".join(problems)


def _has_forward(dialog: QDialog) -> bool:
    from PySide6.QtWidgets import QPushButton

    forward = ("Save", "OK", "Unlock", "Next", "Create", "Share", "Import", "Print", "Record")
    return any(
        b.text().replace("&", "").startswith(forward) and b.isVisible()
        for b in dialog.findChildren(QPushButton)
    )


# ---- contrast -----------------------------------------------------------------------------------

SURFACES = ("#ffffff", "#f4f6f8")  # cards, fields and tables; the window background
TOOLBARS = ("QToolBar#mainToolbar", "QToolBar#sessionToolbar")  # text on the toolbars' own colour


def _pairs(
    sheet: str, surfaces: tuple[str, ...]
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(selector, foreground, background) text pairs and component pairs from a style sheet."""
    text_pairs, part_pairs = [], []
    for rule in audit.parse_qss(sheet):
        for sel in rule.selectors:
            if ":disabled" in sel:  # WCAG exempts inactive controls
                continue
            bg = audit.colour(rule.props.get("background")) or audit.colour(
                rule.props.get("background-color")
            )
            behind = (bg,) if bg else surfaces
            if sel.startswith(TOOLBARS) and not bg:
                behind = (audit.colour(_toolbar_background(sheet)) or "#000000",)
            fg = audit.colour(rule.props.get("color"))
            if fg:
                text_pairs += [(sel, fg, b) for b in behind]
            sel_bg = audit.colour(rule.props.get("selection-background-color"))
            sel_fg = audit.colour(rule.props.get("selection-color"))
            if sel_bg and sel_fg:
                text_pairs.append((sel + " (selected)", sel_fg, sel_bg))
                part_pairs += [(sel + " (selection)", sel_bg, b) for b in behind]
            edge = audit.border_colour(rule.props)
            if edge and (":focus" in sel or _is_control(sel)):
                around = behind if sel.startswith(TOOLBARS) else surfaces
                for surface in around:
                    # The control stands out by its edge, or by its fill (a filled button).
                    best = (
                        edge if not bg or audit.contrast(edge, surface) >= audit.contrast(bg, surface) else bg
                    )
                    part_pairs.append((sel + " (edge or fill)", best, surface))
    return text_pairs, part_pairs


def _is_control(sel: str) -> bool:
    return (
        any(
            sel.startswith(k)
            for k in (
                "QLineEdit",
                "QPlainTextEdit",
                "QTextEdit",
                "QComboBox",
                "QAbstractSpinBox",
                "QCheckBox::indicator",
                "QRadioButton::indicator",
                "QPushButton",
            )  # fmt: skip
        )
        and "::drop-down" not in sel
        and "::item" not in sel
    )


def _toolbar_background(sheet: str) -> str:
    for rule in audit.parse_qss(sheet):
        if "QToolBar#mainToolbar" in rule.selectors:
            return rule.props.get("background", "")
    return ""


def _failing(pairs: list[tuple[str, str, str]], bar: float) -> list[str]:
    return [f"{sel}: {fg} on {bg} is {audit.contrast(fg, bg):.2f}:1" for sel, fg, bg in pairs
            if audit.contrast(fg, bg) < bar]  # fmt: skip


def test_contrast_calculation_matches_the_wcag_examples() -> None:
    assert audit.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert audit.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic 4.5:1 grey
    assert audit.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("sheet_name", ["style.qss", "style-high-contrast.qss"])
def test_style_sheet_contrast(sheet_name: str) -> None:
    sheet = resource(sheet_name).read_text(encoding="utf-8")
    surfaces = SURFACES if sheet_name == "style.qss" else ("#ffffff",)
    text_pairs, part_pairs = _pairs(sheet, surfaces)
    assert len(text_pairs) > 15 and len(part_pairs) > 10, "the sheet was read"
    failing = _failing(text_pairs, TEXT_BAR) + _failing(part_pairs, PART_BAR)
    assert not failing, "\n".join(failing)


def test_focus_ring_on_every_kind_of_control() -> None:
    rules = audit.parse_qss(resource("style.qss").read_text(encoding="utf-8"))
    focus_selectors = {s.split(":focus")[0] for r in rules for s in r.selectors if ":focus" in s}
    kinds = ["QPushButton", "QLineEdit", "QPlainTextEdit", "QComboBox", "QAbstractSpinBox", "QCheckBox"]
    kinds += ["QRadioButton", "QTableView", "QListWidget", "QToolBar#mainToolbar QToolButton"]
    kinds += ["QToolBar#sessionToolbar QToolButton"]
    for kind in kinds:
        assert kind in focus_selectors, f"{kind} shows no focus"
    for r in rules:
        for s in r.selectors:
            if ":focus" in s and "border" in r.props and "QTabBar:focus" not in s:
                assert "2px" in r.props["border"] or "3px" in r.props["border"], s


def test_palette_contrast(app) -> None:  # type: ignore[no-untyped-def]
    apply_theme(app)
    p = app.palette()
    c = lambda role, group=QPalette.ColorGroup.Active: p.color(group, role).name()  # noqa: E731
    R = QPalette.ColorRole
    text_pairs = [
        ("window text", c(R.WindowText), c(R.Window)),
        ("field text", c(R.Text), c(R.Base)),
        ("button text", c(R.ButtonText), c(R.Button)),
        ("placeholder", c(R.PlaceholderText), c(R.Base)),
        ("highlighted text", c(R.HighlightedText), c(R.Highlight)),
        ("link", c(R.Link), c(R.Base)),
    ]
    assert _failing(text_pairs, TEXT_BAR) == []
    assert audit.contrast(c(R.Highlight), c(R.Base)) >= PART_BAR


def test_high_contrast_follows_the_system_setting(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop import __main__ as entry

    monkeypatch.setattr(entry, "high_contrast_requested", lambda: True)
    assert "High contrast" in entry.load_stylesheet()
    entry.apply_theme(app)
    assert app.palette().color(QPalette.ColorRole.Text).name() == "#000000"
    monkeypatch.setattr(entry, "high_contrast_requested", lambda: False)
    assert "High contrast" not in entry.load_stylesheet()
    entry.apply_theme(app)
    assert app.palette().color(QPalette.ColorRole.Text).name() == "#1f2328"


def test_text_at_200_percent_still_fits_a_laptop_screen(unlocked, app, qtbot) -> None:  # type: ignore[no-untyped-def]
    """WCAG 1.4.4: with the text twice as large, the window still fits 1280 x 800 (tabs and
    forms scroll instead of pushing controls off the screen)."""
    window = unlocked
    normal = app.font()
    big = app.font()
    big.setPointSizeF(normal.pointSizeF() * 2)
    app.setFont(big)
    try:
        _open_first_case(window)
        tabs = window.workspace.case_view.tabs
        for i in range(tabs.count()):
            _show_tab(window, i, qtbot)
            QApplication.processEvents()
            assert window.minimumSizeHint().width() <= 1280, f"tab {tabs.tabText(i)} is too wide at 200 %"
    finally:
        app.setFont(normal)


def test_a_larger_system_text_size_is_followed(app) -> None:  # type: ignore[no-untyped-def]
    """WCAG 1.4.4: the app never forces its own smaller text over the size chosen for the desktop."""
    from imsa_desktop import __main__ as entry

    before = app.font()
    try:
        big = app.font()
        big.setPointSizeF(21.0)  # what the platform reports when the user doubles text size
        app.setFont(big)
        entry.apply_theme(app)
        assert app.font().pointSizeF() == 21.0
        small = app.font()
        small.setPointSizeF(8.0)
        app.setFont(small)
        entry.apply_theme(app)
        assert app.font().pointSizeF() == 10.5, "never smaller than the app's readable default"
    finally:
        app.setFont(before)
