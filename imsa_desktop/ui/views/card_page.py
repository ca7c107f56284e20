"""The pages shown before a vault is open (welcome, restore, set-up, recovery key, unlock) are
one card in the middle of the window: a heading, a few words on what the page is for, the
page's own fields, an inline message line (and a thin working bar while slow work runs), and a
row of buttons at the foot whose last one is the page's main button, pressed by Enter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from imsa_desktop.ui.common import Banner, busy_bar, card, centered, heading, hint
from imsa_desktop.ui.widgets import named_buttons

ButtonSpec = tuple[str, str, Callable[..., Any]]  # text, object name, what a click does


class CardPage(QWidget):
    """Fields go into ``self.box`` in reading (and Tab) order; ``add_status()`` places the
    message line ``self.banner`` and the working bar ``self.busy``; ``add_buttons()`` the foot."""

    busy: QProgressBar

    def __init__(
        self, title: str, intro: str, max_width: int, parent: QWidget | None = None, *, spacing: int = 12
    ) -> None:
        super().__init__(parent)
        self.box = QVBoxLayout()
        self.box.setSpacing(spacing)
        self.box.addWidget(heading(title))
        if intro:
            self.box.addWidget(hint(intro))
        self.banner = Banner()
        lay = QVBoxLayout(self)
        lay.addWidget(centered(card(self.box), max_width))

    def add_status(self, *, working_bar: bool = True) -> None:
        """The inline message line and (for a page that does slow work) the working bar."""
        self.box.addWidget(self.banner)
        if working_bar:
            self.busy = busy_bar()
            self.box.addWidget(self.busy)

    def add_buttons(
        self, start: Sequence[ButtonSpec] = (), end: Sequence[ButtonSpec] = ()
    ) -> list[QPushButton]:
        """A row: the *start* buttons on the left, room, the *end* buttons on the right. The last
        button is the page's main one (Enter presses it). Returns them in that order."""
        row = QHBoxLayout()
        made: list[QPushButton] = named_buttons(row, *start, stretch=True) + named_buttons(row, *end)
        made[-1].setDefault(True)
        self.box.addLayout(row)
        return made
