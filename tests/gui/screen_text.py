"""What a screen shows in words: every label and every table cell, with their tooltips."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QWidget


def screen_text(widget: QWidget) -> str:
    """The text and tooltip of each label and of each cell of each table (a QTableWidget or a
    view over a model) under *widget*, one to a line."""
    parts: list[str] = []
    for label in widget.findChildren(QLabel):
        parts += [label.text(), label.toolTip()]
    for table in widget.findChildren(QTableView):
        model = table.model()
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    parts.append(str(index.data(role) or ""))
    return "\n".join(parts)
