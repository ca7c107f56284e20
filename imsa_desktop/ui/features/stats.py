"""The Statistics page: this vault's anonymous figures, with charts, numbers and definitions.

Opened from the toolbar ("Statistics"). The advocate picks a period and a filter; the counting
runs in a worker on a read-only unit of work. The page shows this vault's exact figures (the
advocate's own view; nothing is hidden), three painted charts with their numbers beside them,
and every figure with its definition. "Export for the organisation…" writes the same counts to
a .json or .csv file (exact, internal); "Combine into a report…" adds several advocates' exports
into a PDF or CSV with small-number suppression (the file meant to leave the organisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain import stats as st
from imsa_desktop.domain.dates import format_date
from imsa_desktop.services import stats as stats_service
from imsa_desktop.ui.case_tab import fetch, run_and_say
from imsa_desktop.ui.common import Banner, heading, hint, message_for
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.widgets import SessionDialog
from imsa_desktop.ui.workers import run_task

POS = QColor("#1f5fa8")
POS_LIGHT = QColor("#8fb4de")
NEG = QColor("#d9731a")
NEG_LIGHT = QColor("#f1bf8f")
INK = QColor("#1a1a1a")
MUTED = QColor("#57606a")
GRID = QColor("#dddddd")


class BarChart(QWidget):
    """Grouped vertical bars, painted, with each bar's number above it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setMinimumSize(360, 210)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.categories: list[str] = []
        self.series: list[tuple[str, QColor, list[int]]] = []

    def set_data(
        self, categories: Sequence[str], series: Sequence[tuple[str, QColor, Sequence[int]]]
    ) -> None:
        self.categories = list(categories)
        self.series = [(n, c, list(v)) for n, c, v in series]
        parts = [
            f"{cat}: " + ", ".join(f"{n} {v[i]}" for n, _c, v in self.series)
            for i, cat in enumerate(self.categories)
        ]
        self.setAccessibleDescription("; ".join(parts))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        p.setFont(small)
        fm = p.fontMetrics()
        w, h = self.width(), self.height()
        legend_rows = (len(self.series) + 1) // 2
        left, right, top, bottom = 34, 6, 8 + legend_rows * (fm.height() + 4), fm.height() + 10
        plot_w, plot_h = w - left - right, h - top - bottom
        # legend
        for i, (name, colour, _v) in enumerate(self.series):
            row, col = divmod(i, 2)
            x, y = left + col * plot_w / 2, 4 + row * (fm.height() + 4)
            p.fillRect(QRectF(x, y + 2, 10, 10), colour)
            p.setPen(INK)
            p.drawText(QRectF(x + 14, y, plot_w / 2 - 16, fm.height() + 2), Qt.AlignmentFlag.AlignLeft, name)
        peak = int(max([1, *(v for _n, _c, vals in self.series for v in vals)]))
        step = max(1, round(peak / 4))
        y_max = step * (peak // step + 1)
        for i in range(0, y_max + 1, step):
            gy = top + plot_h - plot_h * i / y_max
            p.setPen(QPen(GRID, 1))
            p.drawLine(int(left), int(gy), int(left + plot_w), int(gy))
            p.setPen(MUTED)
            p.drawText(
                QRectF(0, gy - fm.height() / 2, left - 4, fm.height()), Qt.AlignmentFlag.AlignRight, f"{i:,}"
            )
        n_groups = max(1, len(self.categories))
        group_w = plot_w / n_groups
        bar_w = min(26.0, group_w * 0.8 / max(1, len(self.series)))
        for gi, cat in enumerate(self.categories):
            gx = left + gi * group_w + (group_w - bar_w * len(self.series)) / 2
            p.setPen(INK)
            p.drawText(
                QRectF(left + gi * group_w, top + plot_h + 3, group_w, fm.height() + 2),
                Qt.AlignmentFlag.AlignHCenter,
                cat,
            )
            for si, (_name, colour, values) in enumerate(self.series):
                v = values[gi]
                bh = plot_h * v / y_max
                x = gx + si * bar_w
                if bh > 0:
                    p.fillRect(QRectF(x, top + plot_h - bh, bar_w - 2, bh), colour)
                p.setPen(INK)
                p.drawText(
                    QRectF(x - 6, top + plot_h - bh - fm.height() - 1, bar_w + 10, fm.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    f"{v:,}",
                )
        p.setPen(QPen(MUTED, 1))
        p.drawLine(int(left), int(top + plot_h), int(left + plot_w), int(top + plot_h))
        p.end()


class ShareBar(QWidget):
    """One horizontal bar split into shares (overturned / upheld) with the numbers under it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setMinimumSize(300, 60)
        self.setMaximumHeight(80)
        self.parts: list[tuple[str, QColor, int]] = []

    def set_data(self, parts: Sequence[tuple[str, QColor, int]]) -> None:
        self.parts = list(parts)
        self.setAccessibleDescription(", ".join(f"{n}: {v}" for n, _c, v in self.parts))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        fm = p.fontMetrics()
        w = self.width() - 2
        total = sum(v for _n, _c, v in self.parts)
        x = 1.0
        if total:
            for _name, colour, v in self.parts:
                seg = w * v / total
                if seg > 0:
                    p.fillRect(QRectF(x, 4, seg, 22), colour)
                x += seg
        else:
            p.setPen(QPen(MUTED, 1, Qt.PenStyle.DotLine))
            p.drawRect(QRectF(1, 4, w, 22))
            p.drawText(
                QRectF(1, 4, w, 22), Qt.AlignmentFlag.AlignCenter, "No reconsideration decided in the period"
            )
        for i, (name, colour, v) in enumerate(self.parts):
            lx = 1 + i * w / max(1, len(self.parts))
            p.fillRect(QRectF(lx, 36, 10, 10), colour)
            p.setPen(INK)
            p.drawText(
                QRectF(lx + 14, 33, w / 2, fm.height() + 2), Qt.AlignmentFlag.AlignLeft, f"{name}: {v:,}"
            )
        p.end()


def _definition(text: str) -> QLabel:
    label = hint(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    return label


class _Figure(QGroupBox):
    """A chart with its numbers beside it and the definition under the numbers."""

    def __init__(self, title: str, chart: QWidget, definition: str) -> None:
        super().__init__(title)
        self.chart = chart
        chart.setAccessibleName(f"{title} (chart)")
        self.numbers = QWidget()
        self.numbers.setObjectName(chart.objectName() + "Numbers")
        self._grid = QGridLayout(self.numbers)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(14)
        self._grid.setVerticalSpacing(2)
        self._rows: list[tuple[QLabel, QLabel]] = []
        self.definition = _definition(definition)
        lay = QHBoxLayout(self)
        lay.addWidget(chart, 3, Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.addWidget(self.numbers)
        right.addWidget(self.definition, 1)
        lay.addLayout(right, 2)

    def set_numbers(self, rows: Sequence[tuple[str, str]]) -> None:
        for name, number in self._rows:
            self._grid.removeWidget(name)
            self._grid.removeWidget(number)
            name.deleteLater()
            number.deleteLater()
        self._rows = []
        for r, (label, value) in enumerate(rows):
            name, number = QLabel(label), QLabel(f"<b>{value}</b>")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._grid.addWidget(name, r, 0)
            self._grid.addWidget(number, r, 1)
            self._rows.append((name, number))
        self._grid.setColumnStretch(0, 1)

    def text(self) -> str:
        """The numbers as plain lines "label: value" (for tests and screen readers)."""
        return "\n".join(
            f"{a.text()}: {b.text().replace('<b>', '').replace('</b>', '')}" for a, b in self._rows
        )


def _combo(name: str, any_text: str, choices: Sequence[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.addItem(any_text, None)
    for value, label in choices:
        box.addItem(label, value)
    box.setAccessibleName(any_text)
    return box


class StatisticsPage(QWidget):
    """The page itself (shown in ``StatisticsDialog``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("statisticsPage")
        self.export: st.Export | None = None
        self._generation = 0
        today = session.today()

        outer = QVBoxLayout(self)
        outer.addWidget(heading("Statistics"))
        outer.addWidget(
            hint(
                "Anonymous figures from this vault: counts only, never names, references, notes or dates "
                "of birth. This page shows your exact counts; a report for funders is made by combining "
                "the advocates' exports, with small numbers hidden."
            )
        )
        bar = QHBoxLayout()
        self.start = QDateEdit(QDate(today.year, 1, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit, name, label in ((self.start, "statsFrom", "From"), (self.end, "statsTo", "To")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(label)
            bar.addWidget(QLabel(label))
            bar.addWidget(edit)
        self.jurisdiction = _combo(
            "statsJurisdiction",
            "All jurisdictions",
            [
                ("england-wales", "England & Wales"),
                ("scotland", "Scotland"),
                ("northern-ireland", "Northern Ireland"),
            ],
        )
        self.route = _combo(
            "statsRoute",
            "NRM and Duty to Notify",
            [("nrm", "NRM referrals"), ("duty_to_notify", "Duty to Notify")],
        )
        self.age = _combo(
            "statsAge",
            "Adults and children",
            [("adult", "Adult at exploitation"), ("child", "Child at exploitation")],
        )
        self.exploitation = _combo(
            "statsExploitation",
            "All exploitation types",
            [(k, k.replace("_", " ").capitalize()) for k in st.EXPLOITATION_KEYS],
        )
        self.nationality = _combo(
            "statsNationality", "All nationalities", list(st.NATIONALITY_GROUPS.items())
        )
        for box in (self.jurisdiction, self.route, self.age, self.exploitation, self.nationality):
            bar.addWidget(box)
        self.show_button = QPushButton("Show")
        self.show_button.setObjectName("statsShow")
        self.show_button.setDefault(True)
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        outer.addLayout(bar)
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.summary = QLabel()
        self.summary.setObjectName("statsSummary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        self.decisions = _Figure(
            "Decisions by outcome, by quarter",
            BarChart("statsDecisionsChart"),
            "RG and CG decisions dated in each quarter, by outcome. Pending and withdrawn decisions "
            "and decisions with no outcome yet are not counted.",
        )
        self.overturn = _Figure(
            "Reconsideration overturn rate",
            ShareBar("statsOverturnChart"),
            st.FIGURE_BY_KEY["recon.overturned"].definition
            + " "
            + st.DERIVED_DEFINITIONS["recon.overturn_rate"][1],
        )
        self.waits = _Figure(
            "Time from referral to decision",
            BarChart("statsWaitChart"),
            st.DISTRIBUTION_DEFINITION,
        )
        grid.addWidget(self.decisions, 0, 0, 1, 2)
        grid.addWidget(self.overturn, 1, 0, 1, 2)
        grid.addWidget(self.waits, 2, 0, 1, 2)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("statsTable")
        self.table.setHorizontalHeaderLabels(["Figure", "Count", "What is counted"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(300)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        grid.addWidget(QLabel("<b>Every figure, with its definition</b>"), 3, 0, 1, 2)
        grid.addWidget(self.table, 4, 0, 1, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export for the organisation…")
        self.export_button.setObjectName("statsExport")
        self.export_button.setEnabled(False)
        self.combine_button = QPushButton("Combine exports into a report…")
        self.combine_button.setObjectName("statsCombine")
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.combine_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.show_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.choose_export_file)
        self.combine_button.clicked.connect(self.choose_combine_files)

    # ---- input -----------------------------------------------------------------------------
    def period(self) -> st.Period:
        return st.Period(self.start.date().toPython(), self.end.date().toPython())  # type: ignore[arg-type]

    def filters(self) -> st.Filters:
        return st.Filters(
            jurisdiction=self.jurisdiction.currentData(),
            route=self.route.currentData(),
            age_at_exploitation=self.age.currentData(),
            exploitation_type=self.exploitation.currentData(),
            nationality_group=self.nationality.currentData(),
        )

    # ---- counting (in a worker) ------------------------------------------------------------
    def refresh(self) -> None:
        self.banner.clear_message()
        got = fetch(
            self.banner, lambda: (self.period(), self.filters(), self.session.require_vault().detached())
        )
        if got is None:
            return
        period, filters, detached = got
        today = self.session.today()
        self._generation += 1
        generation = self._generation
        self.show_button.setEnabled(False)
        self.summary.setText("Counting…")

        def work() -> st.Export:
            try:
                return stats_service.make_export(
                    detached.unit_of_work(),
                    period,
                    filters,
                    today,
                    read_uow=detached.read_only_unit_of_work(),
                )
            finally:
                detached.close()

        def done(export: st.Export) -> None:
            if generation == self._generation:
                self.show_button.setEnabled(True)
                self.show_export(export)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.show_button.setEnabled(True)
                self.summary.clear()
                self.banner.error(message_for(exc))

        run_task(self, work, done, failed)

    def show_export(self, export: st.Export) -> None:
        self.export = export
        c = export.counts
        pub = st.exact(c)
        self.export_button.setEnabled(True)
        self.summary.setText(
            f"{format_date(c.period.start)} to {format_date(c.period.end)}, {c.filters.describe()}: "
            f"{c.get('cases.open_during'):,} cases open in the period. Exact counts for this vault "
            f"({export.vault}); an export keeps them exact and stays inside the organisation."
        )
        quarters = c.period.quarters()
        self.decisions.chart.set_data(  # type: ignore[attr-defined]
            quarters,
            [
                ("RG positive", POS, [c.series["rg.positive"][q] for q in quarters]),
                ("RG negative", NEG, [c.series["rg.negative"][q] for q in quarters]),
                ("CG positive", POS_LIGHT, [c.series["cg.positive"][q] for q in quarters]),
                ("CG negative", NEG_LIGHT, [c.series["cg.negative"][q] for q in quarters]),
            ],
        )
        self.decisions.set_numbers(
            [
                (
                    "RG decisions (positive / negative)",
                    f"{c.get('rg.total')} ({c.get('rg.positive')} / {c.get('rg.negative')})",
                ),
                (
                    "CG decisions (positive / negative)",
                    f"{c.get('cg.total')} ({c.get('cg.positive')} / {c.get('cg.negative')})",
                ),
                ("Awaiting RG at the end", str(c.get("rg.awaiting_at_end"))),
                ("Awaiting CG at the end", str(c.get("cg.awaiting_at_end"))),
            ]
        )
        self.overturn.chart.set_data(  # type: ignore[attr-defined]
            [("Overturned", POS, c.get("recon.overturned")), ("Upheld", NEG, c.get("recon.upheld"))]
        )
        rate = pub.derived["recon.overturn_rate"].text
        self.overturn.set_numbers(
            [
                ("Requests sent", str(c.get("recon.requested"))),
                ("Decided", str(c.get("recon.decided"))),
                ("Overturned", str(c.get("recon.overturned"))),
                ("Overturn rate", rate if rate != "not shown" else "none decided"),
            ]
        )
        labels = [b[2] for b in st.BUCKETS["referral_to_rg_days"]]
        rg = st.bucket_counts("referral_to_rg_days", c.distributions["referral_to_rg_days"])
        self.waits.chart.set_data(labels, [("Referral to RG decision", POS, [rg[b] for b in labels])])  # type: ignore[attr-defined]
        d = pub.derived
        cg = st.bucket_counts("referral_to_cg_days", c.distributions["referral_to_cg_days"])
        self.waits.set_numbers(
            [
                ("RG decisions with a referral date", str(c.get("rg.timed"))),
                (
                    "RG: median / 90th percentile",
                    f"{d['referral_to_rg_days.median'].text} / {d['referral_to_rg_days.p90'].text}",
                ),
                (
                    "RG later than the 5-working-day target",
                    d["rg.late_rate"].text if c.get("rg.timed") else "-",
                ),
                ("CG decisions with a referral date", str(c.get("cg.timed"))),
                (
                    "CG: median / 90th percentile",
                    f"{d['referral_to_cg_days.median'].text} / {d['referral_to_cg_days.p90'].text}",
                ),
                *((f"CG waits {label}", str(v)) for label, v in cg.items()),
            ]
        )
        rows = [r for r in st.rows(pub) if r[0] != "By quarter"]
        self.table.setRowCount(len(rows))
        for i, (_section, key, label, value, definition) in enumerate(rows):
            for col, text in enumerate((label, value, definition)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                if col == 2:
                    item.setForeground(MUTED)
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()

    # ---- files ------------------------------------------------------------------------------
    def choose_export_file(self) -> None:
        if self.export is None:
            return
        c = self.export.counts
        suggested = f"statistics-{c.period.start.isoformat()}-to-{c.period.end.isoformat()}.json"
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export statistics (exact counts, for the organisation)",
            suggested,
            "JSON (*.json);;CSV (*.csv)",
        )
        if path:
            self.save_export(Path(path))

    def save_export(self, path: Path) -> None:
        export = self.export
        if export is None:
            return
        detached = fetch(self.banner, lambda: self.session.require_vault().detached())
        if detached is None:
            return

        def work() -> None:
            try:
                stats_service.save_export(detached.unit_of_work(), export, path)
            finally:
                detached.close()

        run_and_say(
            self,
            self.banner,
            work,
            lambda _r: f"Saved {path.name}: exact counts, keep it inside the organisation.",
        )

    def choose_combine_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Choose the advocates' statistics exports", "", "JSON (*.json)"
        )
        if not files:
            return
        threshold, ok = QInputDialog.getInt(
            self,
            "Small numbers",
            "Hide counts below (counts from 1 to this minus 1 show 'fewer than'):",
            st.DEFAULT_THRESHOLD,
            1,
            st.MAX_THRESHOLD,
        )
        if not ok:
            return
        out, _ = QFileDialog.getSaveFileName(
            self, "Save the report", "statistics-report.pdf", "PDF (*.pdf);;CSV (*.csv)"
        )
        if out:
            self.combine([Path(f) for f in files], threshold, Path(out))

    def combine(self, files: list[Path], threshold: int, out: Path) -> None:
        def work() -> int:
            report = stats_service.make_report(stats_service.combine_files(files), threshold)
            stats_service.write_report(report, out)
            return report.combined.vaults

        run_and_say(
            self,
            self.banner,
            work,
            lambda n: (
                f"Saved {out.name}: {n} export{'s' if n != 1 else ''} combined, "
                f"counts below {threshold} hidden."
            ),
        )

    def clear(self) -> None:
        self._generation += 1
        self.export = None
        self.table.setRowCount(0)
        self.summary.clear()


class StatisticsDialog(SessionDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "statisticsDialog", "Statistics", parent, size=(1180, 820))
        lay = QVBoxLayout(self)
        self.page = StatisticsPage(session, self)
        lay.addWidget(self.page)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        session.locked.connect(self.close)  # a lock closes the page and forgets its figures


def open_statistics(window: Any) -> StatisticsDialog:
    """Show the Statistics window (one at a time; it does not block the main window)."""
    existing = window.findChild(StatisticsDialog)
    if existing is not None and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing  # type: ignore[no-any-return]
    dialog = StatisticsDialog(window.session, parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.page.refresh()
    return dialog


def register_actions(window: Any) -> list[QAction]:
    """Add "Statistics" to the main window's toolbar."""
    action = QAction("Statistics", window)
    action.setObjectName("actionStatistics")
    action.triggered.connect(lambda: open_statistics(window))
    return [action]
