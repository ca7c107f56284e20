"""The case list as a Qt model, with a proxy for status/stage/text filtering.

The model holds every case summary but hands the view ``batch`` rows at a time
(``canFetchMore``/``fetchMore``: the view asks for more as it is scrolled), so the first rows of
a caseload of 10,000 are painted at once. A filter, or a case asked for by id, fetches the rest
first, so every case stays reachable by scrolling, filtering and search."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from imsa_desktop.domain.model import CaseStatus, CaseSummary, Stage

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Name", "Code", "Stage", "Status", "Nationality", "Jurisdiction", "Updated")
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class CaseListModel(QAbstractTableModel):
    """Case summaries, sorted here with a Python key (a proxy sorting through data() made
    tens of thousands of calls for a few thousand cases). Display strings are computed once,
    when a row is first handed to the view, so painting pays a list lookup."""

    batch = 200  # rows handed to the view at a time

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseSummary] = []  # every case, sorted
        self._where: dict[str, int] = {}  # case id -> row, as last indexed (row_of checks it)
        self._display: list[tuple[str, ...] | None] = []  # None: not shown yet
        self._shown = 0  # rows the view has been given (the first ones)
        self._sort: tuple[int, Qt.SortOrder] = (6, Qt.SortOrder.DescendingOrder)

    def set_rows(self, rows: list[CaseSummary]) -> None:
        self.beginResetModel()
        self._rows = sorted(
            rows, key=_SORT_KEYS[self._sort[0]], reverse=self._sort[1] == Qt.SortOrder.DescendingOrder
        )
        self._display = [None] * len(self._rows)
        self._shown = min(self.batch, len(self._rows))
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def merge(self, rows: list[CaseSummary], keep: Iterable[str] = ()) -> None:
        """Take *rows* (every case, read again) in place of the rows held, without a reset: the
        selection, the current row and the scroll position stay. Rows the view has been given
        keep their places when the order allows (the first page of the list, then all of it);
        otherwise they move with a layout change and every persistent index (the selection,
        the current row) follows its case. The cases *keep* (those selected and current) stay
        among the rows given to the view; the other rows not given yet stay behind
        ``fetchMore``."""
        column, order = self._sort
        new = sorted(rows, key=_SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        where = {r.id: i for i, r in enumerate(new)}
        # Cases gone since they were handed over leave the view (rare: erased meanwhile).
        for row in reversed(range(self._shown)):
            if self._rows[row].id not in where:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row], self._display[row]
                self._shown -= 1
                self.endRemoveRows()
        # The view keeps as many rows as it had (a first batch at least), or more: enough for
        # the cases to keep, in the new order.
        shown = max([self._shown, self.batch, *(where[i] + 1 for i in keep if i in where)])
        shown = min(shown, len(new))
        cached = {r.id: (r, d) for r, d in zip(self._rows, self._display, strict=True) if d is not None}
        if shown > self._shown:  # handed over first, then put in their places below
            held = {r.id for r in self._rows[: self._shown]}
            extra = [r for r in new[:shown] if r.id not in held][: shown - self._shown]
            self.beginInsertRows(QModelIndex(), self._shown, shown - 1)
            self._rows = self._rows[: self._shown] + extra
            self._display = self._display[: self._shown] + [None] * len(extra)
            self._shown = shown
            self.endInsertRows()
        old = self._rows[:shown]
        display: list[tuple[str, ...] | None] = [None] * len(new)
        for i, r in enumerate(new):  # the display strings of unchanged cases are kept
            was = cached.get(r.id)
            if was is not None and was[0] == r:
                display[i] = was[1]
        if [r.id for r in old] == [r.id for r in new[:shown]]:
            changed = [i for i in range(shown) if old[i] != new[i]]
            self._rows, self._display = new, display
            if changed:  # the same cases in the same places; some of them changed
                right = len(COLUMNS) - 1
                self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], right))
            return
        self.layoutAboutToBeChanged.emit()
        self._rows, self._display = new, display
        for p in self.persistentIndexList():  # (a proxy's own are among them by now)
            at = p.row()
            if 0 <= at < len(old):
                to = where[old[at].id]
                self.changePersistentIndex(p, self.index(to, p.column()) if to < shown else QModelIndex())
        self.layoutChanged.emit()

    # ---- handed over in batches ----------------------------------------------------------
    def total(self) -> int:
        """Every case in the list, shown yet or not."""
        return len(self._rows)

    def all_fetched(self) -> bool:
        return self._shown == len(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid():
            self.fetch_to(self._shown + self.batch - 1)

    def fetch_to(self, row: int) -> None:
        """Hand the view every row up to *row* (at once, one insertion)."""
        last = min(row, len(self._rows) - 1)
        if last < self._shown:
            return
        self.beginInsertRows(QModelIndex(), self._shown, last)
        self._shown = last + 1
        self.endInsertRows()

    def fetch_all(self) -> None:
        self.fetch_to(len(self._rows) - 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        pairs = sorted(
            zip(self._rows, self._display, strict=True),
            key=lambda p: _SORT_KEYS[column](p[0]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [p[0] for p in pairs]
        self._display = [p[1] for p in pairs]
        self.layoutChanged.emit()

    def row_of(self, case_id: str) -> int:
        """The case's row among all of them (it may not have been handed over yet: ``fetch_to``)."""
        row = self._where.get(case_id, -1)
        if not (0 <= row < len(self._rows) and self._rows[row].id == case_id):  # stale: re-index
            self._where = {r.id: i for i, r in enumerate(self._rows)}
            row = self._where.get(case_id, -1)
        return row

    def summary(self, row: int) -> CaseSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            shown = self._display[row]
            if shown is None:
                shown = self._display[row] = _display(self._rows[row])
            return shown[col]
        if role == CASE_ID_ROLE:
            return self._rows[row].id
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            r = self._rows[row]
            return f"{r.display_name}\nCase code {r.code}"
        if role == Qt.ItemDataRole.ForegroundRole and self._rows[row].status is CaseStatus.CLOSED:
            return _GREY
        return None


def _display(r: CaseSummary) -> tuple[str, ...]:
    return (
        r.display_name,
        r.code,
        r.stage.label,
        r.status.label,
        r.nationality,
        r.jurisdiction.label,
        r.updated_at.astimezone().strftime("%d %b %Y"),
    )


_SORT_KEYS: tuple[Callable[[CaseSummary], Any], ...] = (
    lambda r: r.display_name.casefold(),
    lambda r: r.code,
    lambda r: r.stage.label,
    lambda r: r.status.label,
    lambda r: r.nationality.casefold(),
    lambda r: r.jurisdiction.label,
    lambda r: r.updated_at,
)
_GREY = QColor("#7a7f87")


class CaseFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.status: CaseStatus | None = None
        self.stage: Stage | None = None
        self.text = ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in the source model (see CaseListModel.sort); rows pass through in
        its order."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_filters(self, *, status: CaseStatus | None, stage: Stage | None, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self.status, self.stage, self.text = status, stage, text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.status, self.stage, self.text = status, stage, text.strip().casefold()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CaseListModel)
        r = model.summary(source_row)
        if self.status is not None and r.status is not self.status:
            return False
        if self.stage is not None and r.stage is not self.stage:
            return False
        if self.text:
            import unicodedata

            def fold(s: str) -> str:
                s = unicodedata.normalize("NFKD", s.casefold())
                return (
                    "".join(c for c in s if not unicodedata.combining(c)).replace("đ", "d").replace("ł", "l")
                )

            hay = fold(" ".join((r.display_name, r.code, r.nationality, r.stage.label)))
            return all(word in hay for word in fold(self.text).split())
        return True
