"""Checkable chips (indicators, exploitation types) laid out in wrapping rows."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QPushButton, QSizePolicy, QWidget

CHIP_STYLE = """
QPushButton[chip="true"] { border: 1px solid #c4ccd5; border-radius: 12px; padding: 3px 10px;
    background: #ffffff; color: #3d444d; font-weight: 400; }
QPushButton[chip="true"]:hover { border-color: #0b6e7f; }
QPushButton[chip="true"]:checked { background: #0b6e7f; border-color: #0b6e7f; color: #ffffff; }
"""


class FlowLayout(QLayout):
    """Left to right, wrapping to a new row when the width runs out (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, apply: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and line > 0:
                x = rect.x()
                y += line + self._spacing
                line = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class ChipGroup(QWidget):
    """One checkable chip per option; ``checked()`` gives the keys in option order."""

    def __init__(self, options: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(CHIP_STYLE)
        layout = FlowLayout(self)
        self.buttons: dict[str, QPushButton] = {}
        for key, label in options.items():
            b = QPushButton(label)
            b.setCheckable(True)
            b.setProperty("chip", True)
            b.setObjectName(f"chip_{key}")
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            layout.addWidget(b)
            self.buttons[key] = b
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def checked(self) -> list[str]:
        return [k for k, b in self.buttons.items() if b.isChecked()]

    def set_checked(self, keys: list[str]) -> None:
        for k, b in self.buttons.items():
            b.setChecked(k in keys)

    def labels_checked(self) -> list[str]:
        return [b.text() for b in self.buttons.values() if b.isChecked()]
