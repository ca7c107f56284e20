"""Tables of records as Qt models (the shape of ``models/case_list_model.py``).

A tab describes its columns once (``Column``: header, text, and optionally tooltip, colour,
italics); ``RecordTableModel`` computes the display strings once per ``set_rows`` and
``RecordTable`` is the read-only, row-selecting view every case tab uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyleOptionViewItem, QTableView, QWidget

from imsa_desktop.services.pacing import checkpoint

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole
_MEASURE_ALL = 50  # tables this small are sized by Qt itself
_WIDEST = 3  # rows whose text is widest, measured by the delegate


def _none(_r: Any) -> None:
    return None


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    tooltip: Callable[[T], str | None] = _none
    colour: Callable[[T], str | None] = _none  # "#rrggbb" for the text, or None
    italic: Callable[[T], bool] = lambda _r: False
    background: Callable[[T], str | None] = _none  # "#rrggbb" behind the text, or None
    sort_key: Callable[[T], Any] | None = None  # what a click on the heading sorts by (None: the text)
    family: str | None = None  # a font family for the whole column (e.g. monospace fingerprints)


@dataclass(slots=True)
class _Cell:  # (not frozen: a frozen dataclass takes three times as long to make, 6,000 per 1,000 rows)
    text: str
    tooltip: str | None
    colour: str | None
    italic: bool
    background: str | None


Cells = list[list[_Cell]]


def cells_of(columns: Sequence[Column[T]], rows: Sequence[T]) -> Cells:
    """What each of *rows* shows in each column. Plain Python (no Qt): a tab may compute it in
    its worker, with the rows, and hand it to ``set_rows`` (1,000 timeline rows: ~40 ms; a
    worker takes turns with the GUI thread between rows, ``services.pacing``)."""
    out: Cells = []
    for r in rows:
        out.append(
            [_Cell(c.text(r), c.tooltip(r), c.colour(r), c.italic(r), c.background(r)) for c in columns]
        )
        checkpoint()
    return out


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows of records, one ``Column`` each; cells are computed once per ``set_rows``."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[T] = []
        self._cells: list[list[_Cell]] = []
        # One brush per colour and one font per kind, not one per data() call (a header sizing
        # its columns asks for every row's font and colour).
        self._brushes: dict[str, QBrush] = {}
        self._fonts: dict[tuple[bool, str | None], QFont] = {}
        self.generation = 0  # counts the sets of rows (a column's measured width holds for one)

    def set_rows(self, rows: Sequence[T], cells: Cells | None = None) -> None:
        """Show *rows*; *cells*, if given, are ``cells_of(columns, rows)`` made elsewhere."""
        rows = list(rows)
        cells = cells_of(self.columns, rows) if cells is None else cells
        assert len(cells) == len(rows)
        self.beginResetModel()
        self.generation += 1
        self._rows = rows
        self._cells = cells
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by *column*'s ``sort_key`` (a date, not its words); selection follows its rows."""
        key = self.columns[column].sort_key
        by = (lambda i: key(self._rows[i])) if key else (lambda i: self._cells[i][column].text)
        new_order = sorted(range(len(self._rows)), key=by, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        moved_to = {old: new for new, old in enumerate(new_order)}
        self._rows = [self._rows[i] for i in new_order]
        self._cells = [self._cells[i] for i in new_order]
        old = self.persistentIndexList()
        self.changePersistentIndexList(old, [self.index(moved_to[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def cells(self) -> Cells:
        return self._cells

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def record(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or None
        if role == Qt.ItemDataRole.ForegroundRole and cell.colour:
            return self._brush(cell.colour)
        if role == Qt.ItemDataRole.BackgroundRole and cell.background:
            return self._brush(cell.background)
        family = self.columns[index.column()].family
        if role == Qt.ItemDataRole.FontRole and (cell.italic or family):
            return self._font(cell.italic, family)
        if role == RECORD_ID_ROLE:
            return getattr(self._rows[index.row()], "id", None)
        return None

    def _font(self, italic: bool, family: str | None) -> QFont:
        font = self._fonts.get((italic, family))
        if font is None:
            font = self._fonts[(italic, family)] = QFont()
            font.setItalic(italic)
            if family:
                font.setFamily(family)
        return font

    def _brush(self, colour: str) -> QBrush:
        brush = self._brushes.get(colour)
        if brush is None:
            brush = self._brushes[colour] = QBrush(QColor(colour))
        return brush


class RecordTable(QTableView, Generic[T]):
    """A read-only table of records: whole rows selected, one at a time; double-click edits."""

    def __init__(
        self,
        columns: Sequence[Column[T]],
        object_name: str,
        *,
        stretch: Sequence[int] | None = None,  # None: every column shares the width
        single: bool = True,
        alternating: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.records: RecordTableModel[T] = RecordTableModel(columns, self)
        self._widths: dict[tuple[int, int, str], int] = {}  # (rows generation, column, font) -> width
        self.setModel(self.records)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        if single:
            self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(alternating)
        h = self.horizontalHeader()
        if stretch is None:
            h.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        else:
            for i in range(len(columns)):
                h.setSectionResizeMode(
                    i,
                    QHeaderView.ResizeMode.Stretch
                    if i in stretch
                    else QHeaderView.ResizeMode.ResizeToContents,
                )

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 - Qt's name
        """Qt's width for a column sized to its contents, without asking the model for every
        row's data through Python (1,000 timeline rows: ~24,000 calls, most of a stall): the
        texts are measured here and only the widest few rows go through the delegate, as Qt
        would measure them."""
        cells = self.records.cells()
        if len(cells) <= _MEASURE_ALL or not 0 <= column < self.records.columnCount():
            return super().sizeHintForColumn(column)
        self.ensurePolished()
        key = (self.records.generation, column, self.font().key())
        known = self._widths.get(key)
        if known is None:
            known = self._widths[key] = self._measure(cells, column)
        return known

    def _measure(self, cells: Cells, column: int) -> int:
        if len(self._widths) > 64:
            self._widths.clear()
        plain = self.fontMetrics()
        slanted = QFont(self.font())
        slanted.setItalic(True)
        italic = QFontMetrics(slanted)
        first: dict[tuple[str, bool], int] = {}  # each distinct text measured once (dates, kinds)
        for i, row in enumerate(cells):  # (no tab hides rows)
            first.setdefault((row[column].text, row[column].italic), i)
        widths = sorted(
            (((italic if slant else plain).horizontalAdvance(text), i) for (text, slant), i in first.items()),
            reverse=True,
        )
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        hint = 0
        for _w, i in widths[:_WIDEST]:
            index = self.records.index(i, column)
            hint = max(hint, self.itemDelegateForIndex(index).sizeHint(option, index).width())
        return hint + 1 if self.showGrid() else hint

    # ---- what a reader (and a test) checks --------------------------------------------------
    def set_rows(self, rows: Sequence[T], cells: Cells | None = None) -> None:
        self.records.set_rows(rows, cells)

    def rowCount(self) -> int:
        return self.records.rowCount()

    def text(self, row: int, column: int) -> str:
        return str(self.records.index(row, column).data() or "")

    def tooltip(self, row: int, column: int) -> str:
        return str(self.records.index(row, column).data(Qt.ItemDataRole.ToolTipRole) or "")

    def colour(self, row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.ForegroundRole) -> str:
        brush = self.records.index(row, column).data(role)
        return brush.color().name() if brush is not None else ""

    def background(self, row: int, column: int) -> str:
        return self.colour(row, column, Qt.ItemDataRole.BackgroundRole)

    def selected(self) -> T | None:
        rows = self.selectionModel().selectedRows()
        return self.records.record(rows[0].row()) if rows else None

    def select_first(self, match: Callable[[T], bool]) -> None:
        """Select the first row whose record matches (e.g. the one selected before a reload)."""
        i = next((i for i, r in enumerate(self.records.rows) if match(r)), None)
        if i is not None:
            self.selectRow(i)

    def clear_rows(self) -> None:
        self.records.clear()
