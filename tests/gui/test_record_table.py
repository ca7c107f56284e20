"""The read-only record tables every case tab uses (ui/tables.py): a column sized to its
contents is exactly as wide as Qt would make it, though only distinct texts are measured."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QTableView

from imsa_desktop.ui.tables import Column, RecordTable


@dataclass(frozen=True)
class _Row:
    id: str
    when: str
    who: str
    derived: bool


def test_a_long_table_sizes_its_columns_as_qt_would(qtbot) -> None:  # type: ignore[no-untyped-def]
    names = ["Nguyễn Thị Lan", "Arta Hoxha", "ሰላም ተስፋይ", "Paweł Wiśniewski", "Ana"]
    rows = [
        _Row(
            f"r{i}", "12 March 2025" if i % 3 else "summer 2024 (approx.)", names[i % len(names)], i % 7 == 0
        )
        for i in range(400)
    ]
    rows.append(_Row("wide", "1 January 2025", "Wiśniewska-Nowakowska, Małgorzata (fictional)", True))
    columns = [
        Column("When", lambda r: r.when, italic=lambda r: r.derived),
        Column("Who", lambda r: r.who, italic=lambda r: r.derived),
        Column("Note", lambda r: "text that stretches"),
    ]
    table: RecordTable[_Row] = RecordTable(columns, "recordTableTest", stretch=(2,))
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.set_rows(rows)
    table.show()
    for column in (0, 1):
        assert table.sizeHintForColumn(column) == QTableView.sizeHintForColumn(table, column)
    assert table.columnWidth(1) >= table.fontMetrics().horizontalAdvance(rows[-1].who)
