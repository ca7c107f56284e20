"""What a screen reader and a keyboard user meet in a window: checks shared by the tests.

* every interactive control visible in the window has an accessible name (QAccessible, the
  same interface the AT-SPI bridge serves to Orca);
* every table shows a header for each of its visible columns;
* Tab visits every focusable control and never gets stuck (no trap, no unreachable control);
* the colours of the palette and the style sheets meet WCAG 2.2 AA (4.5:1 text, 3:1 parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QLabel, QTableView, QWidget

Role = QAccessible.Role
INTERACTIVE = {
    Role.PushButton,
    Role.CheckBox,
    Role.RadioButton,
    Role.ComboBox,
    Role.EditableText,
    Role.SpinBox,
    Role.Slider,
    Role.List,
    Role.Table,
    Role.Tree,
    Role.PageTabList,
    Role.ButtonMenu,
    Role.ButtonDropDown,
    Role.Link,
}


@dataclass(frozen=True)
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _describe(w: QWidget) -> str:
    parts = [type(w).__name__]
    if w.objectName():
        parts.append(f"#{w.objectName()}")
    text = getattr(w, "text", None)
    if callable(text):
        try:
            t = text()
            if isinstance(t, str) and t:
                parts.append(repr(t[:30]))
        except TypeError:
            pass
    parent = w.parentWidget()
    while parent is not None and not parent.objectName():
        parent = parent.parentWidget()
    if parent is not None:
        parts.append(f"in #{parent.objectName()}")
    return " ".join(parts)


def _shown(w: QWidget) -> bool:
    return w.isVisible() and w.width() > 0 and w.height() > 0


def unnamed_controls(window: QWidget) -> list[Problem]:
    """Interactive controls without an accessible name (what Orca would read as "button")."""
    problems: list[Problem] = []
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy() is not None}
    for w in [window, *window.findChildren(QWidget)]:
        if not _shown(w) or w.window() is not window:
            continue
        iface = QAccessible.queryAccessibleInterface(w)
        if iface is None or iface.role() not in INTERACTIVE:
            continue
        if iface.state().invisible:
            continue
        if not iface.text(QAccessible.Text.Name).strip():
            problems.append(Problem(_describe(w), f"no accessible name (role {iface.role().name})"))
        elif iface.role() in LABELLED and not (w.accessibleName().strip() or w in buddies):
            # Qt would fall back to the value or the placeholder ("Scotland, combo box"):
            # a field needs a real label, as a sighted user sees one.
            problems.append(Problem(_describe(w), f"no label of its own (role {iface.role().name})"))
    return problems


LABELLED = {Role.EditableText, Role.ComboBox, Role.SpinBox}


def headerless_tables(window: QWidget) -> list[Problem]:
    problems: list[Problem] = []
    for view in window.findChildren(QTableView):
        if not _shown(view) or view.window() is not window or view.model() is None:
            continue
        header: QHeaderView = view.horizontalHeader()
        if header.isHidden():
            problems.append(Problem(_describe(view), "the column headers are hidden"))
            continue
        model = view.model()
        for col in range(model.columnCount()):
            if view.isColumnHidden(col):
                continue
            title = model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            if not str(title or "").strip():
                problems.append(Problem(_describe(view), f"column {col} has no header"))
    return problems


def _tab_focusable(w: QWidget, window: QWidget) -> bool:
    return (
        _shown(w)
        and w.isEnabled()
        and w.window() is window
        and bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and w.focusProxy() is None
    )


def focus_chain_problems(window: QWidget, presses: int | None = None) -> list[Problem]:
    """Press Tab round the window: every focusable control is reached, none holds the focus."""
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 2000)
    wanted = [w for w in window.findChildren(QWidget) if _tab_focusable(w, window)]
    if not wanted:
        return []
    # Start from the first control in the chain that can hold the focus.
    wanted[0].setFocus(Qt.FocusReason.TabFocusReason)
    reached: list[QWidget] = []
    problems: list[Problem] = []
    limit = presses or 3 * len(wanted) + 10
    for _ in range(limit):
        current = QApplication.focusWidget()
        if current is None:
            problems.append(Problem(_describe(window), "Tab left the window with no focus"))
            break
        reached.append(current)
        before_text = _text_of(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        if after is current:
            if not isinstance(current, QAbstractItemView) and len(wanted) > 1:
                problems.append(Problem(_describe(current), "Tab does not leave this control"))
                break
            if isinstance(current, QAbstractItemView) and len(wanted) > 1:
                problems.append(Problem(_describe(current), "Tab moves inside the table"))
                break
        if _text_of(current) != before_text:
            problems.append(Problem(_describe(current), "Tab typed into the field instead of leaving it"))
            break
        if set(wanted) <= set(reached):
            break
    missed = [w for w in wanted if w not in reached and _shown(w) and not _radio_group_reached(w, reached)]
    for w in missed:
        problems.append(Problem(_describe(w), "never reached with Tab"))
    return problems


def _radio_group_reached(w: QWidget, reached: list[QWidget]) -> bool:
    """Tab stops at one radio button of a group; the arrow keys choose among them."""
    from PySide6.QtWidgets import QAbstractButton, QRadioButton

    if not isinstance(w, QAbstractButton):
        return False
    group = w.group()
    if group is not None and group.exclusive():  # e.g. the Table / Picture toggle
        return any(b in reached for b in group.buttons())
    if not isinstance(w, QRadioButton) or not w.autoExclusive():
        return False
    return any(isinstance(r, QRadioButton) and r.parentWidget() is w.parentWidget() for r in reached)


def _text_of(w: QWidget) -> str | None:
    for name in ("toPlainText", "text"):
        getter = getattr(w, name, None)
        if callable(getter):
            try:
                v = getter()
            except TypeError:
                continue
            if isinstance(v, str):
                return v
    return None


# ---- colour contrast (WCAG 2.2: relative luminance and contrast ratio) -----------------------


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


NAMED = {"white": "#ffffff", "black": "#000000"}
_HEX = r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}\b|white|black"


@dataclass(frozen=True)
class Rule:
    selectors: tuple[str, ...]
    props: dict[str, str]


def parse_qss(text: str) -> list[Rule]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules = []
    for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
        props = {}
        for decl in body.split(";"):
            if ":" in decl:
                k, v = decl.split(":", 1)
                props[k.strip()] = v.strip()
        rules.append(Rule(tuple(s.strip() for s in sel.split(",")), props))
    return rules


def colour(value: str | None) -> str | None:
    if not value:
        return None
    m = re.search(_HEX, value)
    if m is None:
        return None
    return NAMED.get(m.group(0), m.group(0))


def border_colour(props: dict[str, str]) -> str | None:
    for key in ("border-color", "border", "border-bottom"):
        c = colour(props.get(key))
        if c is not None and "transparent" not in props.get(key, ""):
            return c
    return None
