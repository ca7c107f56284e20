"""Widgets built in parts, so that building one ahead of time never holds the GUI thread long.

A widget whose constructor is long (the Profile and Timeline tabs, the Today page) writes the
rest of its body as a generator with a ``yield`` between parts, and ends its ``__init__`` with
``staged.build(self._parts())``. Constructed as usual, the widget is whole when ``__init__``
returns. Constructed inside ``in_steps``, only its first lines have run; ``in_steps`` then
runs one part per step, and whoever drives it (``MainWindow`` building the workspace while
the passphrase is typed, ``CaseView`` showing a tab for the first time) lets the event loop
turn between steps, so no key press or click waits for a whole page. Until its last part has
run the widget is not to be used; ``in_steps`` returns it only then.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

W = TypeVar("W")

_collecting: list[list[Iterator[None]]] = []  # GUI thread only: one list per in_steps under way


def build(parts: Iterator[None]) -> None:
    """Run a constructor's remaining *parts*: all now, or, inside ``in_steps``, later."""
    if _collecting:
        _collecting[-1].append(parts)
        return
    for _ in parts:
        pass


def in_steps(make: Callable[[], W]) -> Generator[None, None, W]:
    """``yield from`` this: *make()*, then a step per part of every staged widget it
    constructed, in order. Its value (``w = yield from in_steps(...)``) is what *make* made."""
    collected: list[Iterator[None]] = []
    _collecting.append(collected)
    try:
        made = make()
    finally:
        _collecting.pop()
    for parts in collected:
        yield
        for _ in parts:
            yield
    return made


def show_added(widget: QWidget) -> None:
    """Show now what parts added to *widget* while it was on screen: a layout shows a widget
    added to a visible parent only in the next turn of the event loop (Qt's
    ``_q_showIfNotHidden``), and a tab finished at once is used at once (focus, a selection).
    Widgets hidden on purpose stay hidden."""
    if not widget.isVisible():
        return
    explicit = Qt.WidgetAttribute.WA_WState_ExplicitShowHide
    for w in widget.findChildren(QWidget):  # parents before their children
        parent = w.parentWidget()
        if w.isWindow() or parent is None or not parent.isVisible():
            continue
        if w.isHidden() and not w.testAttribute(explicit):
            w.setVisible(True)
