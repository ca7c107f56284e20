"""The drawn timeline: periods as bars, decisions and deadlines as markers, on a dated axis.

A QGraphicsScene rebuilt at the current zoom (pixels per day), so text stays crisp. Zoom with
Ctrl + mouse wheel or the +/- buttons. Fuzzy dates are drawn honestly: an event known only to
a month or season is a faint band over its possible days with the marker in the middle.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from imsa_desktop.domain.dates import MONTHS, Precision
from imsa_desktop.domain.model import EventKind
from imsa_desktop.services.timeline import TimelineEntry

KIND_COLOURS = {
    EventKind.RECRUITMENT: "#8f3f12",
    EventKind.JOURNEY: "#8f3f12",
    EventKind.ARRIVAL_UK: "#8f3f12",
    EventKind.EXPLOITATION: "#b3541e",
    EventKind.POLICE_CONTACT: "#0b4f5c",
    EventKind.MEDICAL: "#9a6700",
    EventKind.LEGAL: "#1f6feb",
    EventKind.ACCOMMODATION: "#2e7d32",
    EventKind.LOST_CONTACT: "#cf222e",
    EventKind.RE_REFERRAL: "#0b6e7f",
    EventKind.EXIT: "#2e7d32",
    EventKind.REFERRAL: "#0b6e7f",
    EventKind.DECISION: "#0b4f5c",
    EventKind.DEADLINE: "#cf222e",
    EventKind.APPOINTMENT: "#6f42c1",
    EventKind.CONTACT: "#57606a",
    EventKind.EVIDENCE: "#9a6700",
    EventKind.LETTER: "#1f6feb",
    EventKind.OTHER: "#57606a",
}
MIN_PX_PER_DAY = 0.05
MAX_PX_PER_DAY = 40.0
LEFT = 30.0
AXIS_Y = 40.0
LANE_H = 26.0


class TimelineCanvas(QGraphicsView):
    zoom_changed = Signal(float)
    entry_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineCanvas")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.entries: list[TimelineEntry] = []
        self.today: date | None = None
        self.px_per_day = 2.0
        self.origin = date.today()
        self.font_ = QFont(self.font())
        self.font_.setPointSizeF(9.0)
        self.bold = QFont(self.font_)
        self.bold.setBold(True)
        self.items_by_id: dict[str, object] = {}
        self._stale = False

    # ---- data and zoom -----------------------------------------------------------------
    def set_entries(self, entries: list[TimelineEntry], today: date, draw: bool = True) -> None:
        """The entries to draw; with ``draw=False`` (the picture is not on screen) they are
        drawn by ``draw_if_stale`` when it is shown."""
        self.entries = list(entries)
        self.today = today
        self._stale = not draw
        if draw:
            self.rebuild()

    def draw_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self.rebuild()

    def fit(self) -> None:
        """Choose a zoom that shows the whole chronology in the view's width."""
        if not self.entries:
            return
        first, last = self._span()
        days = max((last - first).days, 1)
        width = max(self.viewport().width() * 0.6 - LEFT, 200)
        self.set_zoom(width / days)

    def set_zoom(self, px_per_day: float) -> None:
        self.px_per_day = max(MIN_PX_PER_DAY, min(MAX_PX_PER_DAY, px_per_day))
        self.rebuild()
        self.zoom_changed.emit(self.px_per_day)

    def zoom_in(self) -> None:
        self.set_zoom(self.px_per_day * 1.5)

    def zoom_out(self) -> None:
        self.set_zoom(self.px_per_day / 1.5)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # ---- drawing -----------------------------------------------------------------------
    def _span(self) -> tuple[date, date]:
        firsts = [e.date.earliest for e in self.entries]
        lasts = [(e.end.latest if e.end else e.date.latest) for e in self.entries]
        if self.today:
            firsts.append(self.today)
            lasts.append(self.today)
        return min(firsts), max(lasts)

    def x(self, d: date) -> float:
        return LEFT + (d - self.origin).days * self.px_per_day

    def rebuild(self) -> None:
        self._stale = False
        scene = self.scene()
        scene.clear()
        self.items_by_id = {}
        if not self.entries:
            t = scene.addText("Nothing dated yet: add an event, a referral date or a decision.", self.font_)
            t.setDefaultTextColor(QColor("#57606a"))
            scene.setSceneRect(scene.itemsBoundingRect())
            return
        first, last = self._span()
        self.origin = date(first.year, first.month, 1)
        end = last + timedelta(days=max(30, int(240 / self.px_per_day)))
        width = self.x(end) + LEFT
        fm = QFontMetricsF(self.font_)

        periods = [e for e in self.entries if e.end is not None]
        points = [e for e in self.entries if e.end is None]

        # lanes for periods (bars), greedy so bars never overlap
        y = AXIS_Y + 24
        lane_end: list[float] = []
        bar_y: dict[str, float] = {}
        for e in sorted(periods, key=lambda p: p.date.sort_key):
            x0 = self.x(e.date.earliest)
            assert e.end is not None
            x1 = self.x(e.end.latest + timedelta(days=1))
            label_end = max(x1, x0 + fm.horizontalAdvance(e.title) + 8)
            for i, le in enumerate(lane_end):
                if le + 6 <= x0:
                    lane_end[i] = label_end
                    bar_y[e.id] = y + i * (LANE_H + 14)
                    break
            else:
                lane_end.append(label_end)
                bar_y[e.id] = y + (len(lane_end) - 1) * (LANE_H + 14)
        points_top = y + len(lane_end) * (LANE_H + 14) + (10 if lane_end else 0)

        # lanes for point markers with their labels
        p_lane_end: list[float] = []
        point_y: dict[str, float] = {}
        for e in sorted(points, key=lambda p: p.date.sort_key):
            cx = self._centre(e)
            label_end = cx + 10 + fm.horizontalAdvance(self._label(e)) + 12
            start_x = min(self.x(e.date.earliest), cx - 8)
            for i, le in enumerate(p_lane_end):
                if le <= start_x:
                    p_lane_end[i] = label_end
                    point_y[e.id] = points_top + i * 24
                    break
            else:
                p_lane_end.append(label_end)
                point_y[e.id] = points_top + (len(p_lane_end) - 1) * 24
        height = points_top + len(p_lane_end) * 24 + 30
        width = max(width, max(p_lane_end, default=0) + LEFT, max(lane_end, default=0) + LEFT)

        self._axis(scene, first, end, height)
        for e in periods:
            self._bar(scene, e, bar_y[e.id])
        for e in points:
            self._marker(scene, e, point_y[e.id])
        scene.setSceneRect(QRectF(0, 0, width, height))

    def _centre(self, e: TimelineEntry) -> float:
        if e.date.precision in (Precision.BEFORE,):
            return self.x(e.date.earliest)
        mid = e.date.earliest + (e.date.latest - e.date.earliest) / 2
        return self.x(mid) + (self.px_per_day / 2 if e.date.is_exact else 0)

    def _label(self, e: TimelineEntry) -> str:
        text = e.title
        if not e.date.is_exact:
            text += f" ({e.date.display()})"
        if e.kind is EventKind.DEADLINE and e.detail:
            text += f" · {e.detail}"
        return text

    def _axis(self, scene: QGraphicsScene, first: date, end: date, height: float) -> None:
        grid = QPen(QColor("#eef1f4"))
        axis = QPen(QColor("#8c959f"))
        scene.addLine(LEFT, AXIS_Y, self.x(end), AXIS_Y, axis)
        month_px = 30 * self.px_per_day
        step = 1 if month_px >= 60 else 3 if month_px * 3 >= 60 else 6 if month_px * 6 >= 60 else 12
        d = date(first.year, first.month, 1)
        while d <= end:
            if (d.month - 1) % step == 0:
                xx = self.x(d)
                scene.addLine(xx, AXIS_Y - 5, xx, height - 10, grid)
                scene.addLine(xx, AXIS_Y - 5, xx, AXIS_Y + 5, axis)
                label = str(d.year) if step == 12 else f"{MONTHS[d.month - 1][:3]} {d.year}"
                t = scene.addText(label, self.bold if d.month == 1 else self.font_)
                t.setDefaultTextColor(QColor("#3d444d"))
                t.setPos(xx + 2, AXIS_Y - 26)
            d = date(d.year + (d.month // 12), d.month % 12 + 1, 1)
        if self.today is not None:
            tx = self.x(self.today) + self.px_per_day / 2
            pen = QPen(QColor("#0b6e7f"), 1.5, Qt.PenStyle.DashLine)
            scene.addLine(tx, AXIS_Y, tx, height - 10, pen)
            t = scene.addText("today", self.bold)
            t.setDefaultTextColor(QColor("#0b6e7f"))
            t.setPos(tx + 3, height - 28)

    def _bar(self, scene: QGraphicsScene, e: TimelineEntry, y: float) -> None:
        assert e.end is not None
        colour = QColor(KIND_COLOURS.get(e.kind, "#57606a"))
        x0 = self.x(e.date.earliest)
        x1 = self.x(e.end.latest + timedelta(days=1))
        fill = QColor(colour)
        fill.setAlpha(150 if (e.date.is_exact and e.end.is_exact) else 90)
        pen = QPen(
            colour, 2.0 if e.key else 1.0, Qt.PenStyle.SolidLine if not e.disputed else Qt.PenStyle.DashLine
        )
        rect = scene.addRect(QRectF(x0, y, max(x1 - x0, 3), LANE_H - 8), pen, QBrush(fill))
        rect.setToolTip(self._tip(e))
        rect.setData(0, e.id)
        # fuzzy ends: soften the first and last possible month
        if not e.date.is_exact:
            soft = QColor("#ffffff")
            soft.setAlpha(110)
            w = min(self.x(e.date.latest) - x0, (x1 - x0) / 3)
            scene.addRect(QRectF(x0, y, max(w, 0), LANE_H - 8), QPen(Qt.PenStyle.NoPen), QBrush(soft))
        t = scene.addText(self._flags(e) + e.title, self.font_)
        t.setDefaultTextColor(QColor("#1f2328"))
        t.setPos(x0, y + LANE_H - 10)
        t.setToolTip(self._tip(e))
        self.items_by_id[e.id] = rect

    def _marker(self, scene: QGraphicsScene, e: TimelineEntry, y: float) -> None:
        colour = QColor(KIND_COLOURS.get(e.kind, "#57606a"))
        cx = self._centre(e)
        cy = y + 8
        if not e.date.is_exact:  # the possible days as a faint band
            band = QColor(colour)
            band.setAlpha(40)
            x0 = self.x(e.date.earliest)
            x1 = self.x(e.date.latest + timedelta(days=1))
            scene.addRect(QRectF(x0, cy - 6, max(x1 - x0, 2), 12), QPen(Qt.PenStyle.NoPen), QBrush(band))
        path = QPainterPath()
        if e.kind is EventKind.DECISION:
            outcome = e.detail
            colour = QColor({"positive": "#1a7f37", "negative": "#cf222e"}.get(outcome, "#57606a"))
            path.moveTo(cx, cy - 8)
            path.lineTo(cx + 8, cy)
            path.lineTo(cx, cy + 8)
            path.lineTo(cx - 8, cy)
            path.closeSubpath()
        elif e.kind is EventKind.DEADLINE:
            if e.detail.startswith("Met"):
                colour = QColor("#1a7f37")
            elif e.detail.startswith("Upcoming"):
                colour = QColor("#9a6700")
            path.moveTo(cx - 7, cy - 7)
            path.lineTo(cx + 7, cy - 7)
            path.lineTo(cx, cy + 7)
            path.closeSubpath()
        else:
            path.addEllipse(QPointF(cx, cy), 5.5, 5.5)
        pen = QPen(QColor("#1f2328") if e.key else colour, 2.0 if e.key else 1.0)
        if e.disputed:
            pen.setStyle(Qt.PenStyle.DashLine)
        item = scene.addPath(path, pen, QBrush(colour))
        item.setToolTip(self._tip(e))
        item.setData(0, e.id)
        t = scene.addText(
            self._flags(e) + self._label(e), self.bold if e.kind is EventKind.DECISION else self.font_
        )
        t.setDefaultTextColor(QColor("#1f2328") if not e.derived else QColor("#3d444d"))
        t.setPos(cx + 10, cy - 11)
        t.setToolTip(self._tip(e))
        self.items_by_id[e.id] = item

    @staticmethod
    def _flags(e: TimelineEntry) -> str:
        marks = ("★ " if e.key else "") + ("? " if e.disputed else "") + ("! " if e.material else "")
        return marks

    @staticmethod
    def _tip(e: TimelineEntry) -> str:
        when = e.date.display() + (f" to {e.end.display()}" if e.end else "")
        parts = [f"{e.title}", when, f"{e.kind.label}" + (" (from another record)" if e.derived else "")]
        if e.source:
            parts.append(f"Source: {e.source}")
        flags = [n for n, on in (("key", e.key), ("disputed", e.disputed), ("material", e.material)) if on]
        if flags:
            parts.append("Flagged: " + ", ".join(flags))
        return "\n".join(parts)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        item = self.itemAt(event.position().toPoint())
        if item is not None and item.data(0):
            self.entry_clicked.emit(str(item.data(0)))
        super().mousePressEvent(event)
