"""The case list as a Qt model, with a proxy for status/stage/text filtering."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from imsa_desktop.domain.model import CaseStatus, CaseSummary, Stage

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Name", "Code", "Stage", "Status", "Nationality", "Jurisdiction", "Updated")
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class CaseListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseSummary] = []

    def set_rows(self, rows: list[CaseSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def row_of(self, case_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), -1)

    def summary(self, row: int) -> CaseSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

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
        r = self._rows[index.row()]
        col = index.column()
        if role == CASE_ID_ROLE:
            return r.id
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            values: tuple[Any, ...] = (
                r.display_name,
                r.code,
                r.stage.label,
                r.status.label,
                r.nationality,
                r.jurisdiction.label,
                r.updated_at.astimezone().strftime("%d %b %Y")
                if role == Qt.ItemDataRole.DisplayRole
                else r.updated_at,
            )
            return values[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return f"{r.display_name}\nCase code {r.code}"
        if role == Qt.ItemDataRole.ForegroundRole and r.status is CaseStatus.CLOSED:
            from PySide6.QtGui import QColor

            return QColor("#7a7f87")
        return None


class CaseFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.status: CaseStatus | None = None
        self.stage: Stage | None = None
        self.text = ""
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

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
