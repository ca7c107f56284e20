"""The printable case chronology: a visual strip, then every event in date order.

Dates print honestly (``FuzzyDate.display()``: "summer 2024 (approx.)", "before March 2023").
In pseudonymous mode the survivor's names never appear: the case code stands in for them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from imsa_desktop.documents import fonts
from imsa_desktop.documents.pdfbase import (
    ACCENT,
    CASE_CONTENT_WIDTH,
    INK,
    MUTED,
    RULE,
    Redactor,
    build_case_pdf,
    para,
    styles,
    table_style,
)
from imsa_desktop.domain import model
from imsa_desktop.domain.dates import format_date

BAR = colors.HexColor("#4a6fa5")
POINT = colors.HexColor("#333333")
DECISION = colors.HexColor("#b5651d")


def render_timeline(
    case: model.Case,
    events: list[model.TimelineEvent],
    *,
    pseudonymous: bool,
    today: date,
    deadlines: list[dict[str, Any]] | None = None,
) -> bytes:
    """The chronology of ``case`` as PDF bytes (A4, CONFIDENTIAL on every page)."""
    fonts.check_drawable(fonts.case_fields(case, list(events)), fonts.SANS)
    st = styles()
    red = Redactor(case, pseudonymous)
    ordered = sorted([*events, *record_events(case, events)], key=lambda e: (e.date.sort_key, e.created_at))
    width = CASE_CONTENT_WIDTH

    story: list[Flowable] = [
        para("Case chronology", st["title"]),
        para(f"{red.label} - printed {format_date(today)} - {len(ordered)} events", st["sans_muted"]),
        Spacer(1, 4 * mm),
    ]
    if ordered or deadlines:
        story += [timeline_strip(ordered, today, deadlines or [], width), Spacer(1, 5 * mm)]
    story.append(_table(ordered, red, width, st))
    if deadlines:
        story += [Spacer(1, 6 * mm), para("Deadlines", st["h2"]), deadline_table(deadlines, red, width, st)]
    story += [
        Spacer(1, 4 * mm),
        para(
            "Dates are as precise as they are known: 'approx.', 'month unknown', 'between', 'before' and "
            "'after' mark dates the survivor could not give exactly. Flags: key = key event; disputed = "
            "the fact is disputed; material = relied on as material to the decision.",
            st["small_muted"],
        ),
    ]

    return build_case_pdf(
        story, what="Case chronology", code=case.code, label=red.label, keywords="chronology, confidential"
    )


def _flags(e: model.TimelineEvent) -> str:
    return ", ".join(
        name for name, on in (("key", e.key), ("disputed", e.disputed), ("material", e.material)) if on
    )


def _when(e: model.TimelineEvent) -> str:
    if e.end is None:
        return e.date.display()
    return f"{e.date.display()} to {e.end.display()}"


def _table(events: list[model.TimelineEvent], red: Redactor, width: float, st: dict[str, Any]) -> Flowable:
    cell, bold = st["cell"], st["cell_bold"]
    header = [para(h, bold) for h in ("Date", "Kind", "Event", "Source", "Flags")]
    rows: list[list[Any]] = [header]
    key_rows: list[int] = []
    for i, e in enumerate(events, 1):
        rows.append(
            [
                para(_when(e), cell),
                para(e.kind.label, cell),
                para(red(e.title), bold if e.key else cell),
                para(red(e.source), cell),
                para(_flags(e), cell),
            ]
        )
        if e.key:
            key_rows.append(i)
    if not events:
        rows.append([para("No events recorded.", cell), "", "", "", ""])
    cols = [38 * mm, 22 * mm, 0.0, 34 * mm, 22 * mm]
    cols[2] = width - sum(cols)
    t = Table(rows, colWidths=cols, repeatRows=1, splitByRow=1)
    shade = [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f3f0e8")) for r in key_rows]
    t.setStyle(table_style(head=(0.8, INK), left=3, right=3, top=2.5, bottom=2.5, extra=shade))
    return t


def deadline_table(
    deadlines: list[dict[str, Any]], red: Redactor, width: float, st: dict[str, Any]
) -> Flowable:
    cell, bold = st["cell"], st["cell_bold"]
    rows: list[list[Any]] = [[para(h, bold) for h in ("Due", "Deadline", "Status", "Rule / source")]]
    for d in sorted(deadlines, key=lambda x: deadline_due(x) or date.max):
        due = deadline_due(d)
        rows.append(
            [
                para(format_date(due) if due else "not set", cell),
                para(red(str(d.get("title") or d.get("label") or "")), cell),
                para(str(d.get("status", "")), cell),
                para(str(d.get("source") or d.get("rule") or ""), cell),
            ]
        )
    cols = [30 * mm, 0.0, 22 * mm, 55 * mm]
    cols[1] = width - sum(cols)
    t = Table(rows, colWidths=cols, repeatRows=1)
    t.setStyle(table_style(head=(0.8, INK), left=3))
    return t


def deadline_due(d: dict[str, Any]) -> date | None:
    """A deadline dict's due date: ``due`` as a date or ISO text (``date`` is accepted too)."""
    v = d.get("due", d.get("date"))
    if isinstance(v, date):
        return v
    if isinstance(v, str) and v:
        try:
            return date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def record_events(case: model.Case, events: list[model.TimelineEvent]) -> list[model.TimelineEvent]:
    """The referral and every dated decision on the case record, as chronology rows, unless an
    event of the same kind on the same day already shows them (so neither is ever missing)."""
    from imsa_desktop.domain.dates import FuzzyDate

    shown = {(e.kind, e.date.earliest) for e in events if e.date.is_exact}
    rows: list[tuple[model.EventKind, date, str, str, bool]] = []  # kind, day, title, source, key
    ref = case.referral
    if ref.date is not None:
        by = f" by {ref.first_responder}" if ref.first_responder else ""
        route = (
            "Duty to Notify report"
            if ref.route is model.ReferralRoute.DUTY_TO_NOTIFY
            else "Referred into the NRM"
        )
        rows.append((model.EventKind.REFERRAL, ref.date, f"{route}{by}", "Referral record", False))
    for d in case.decisions_sorted():
        if d.date is not None:
            outcome = d.outcome.label.lower() if d.outcome is not None else "outcome not recorded"
            title = f"{d.kind.label} decision: {outcome} ({d.authority.value})"
            rows.append(
                (
                    model.EventKind.DECISION,
                    d.date,
                    title,
                    "Decision record",
                    d.outcome is model.Outcome.NEGATIVE,
                )
            )
    return [
        model.TimelineEvent(
            case_id=case.id, date=FuzzyDate.exact(on), title=title, kind=kind, source=source, key=key
        )
        for kind, on, title, source, key in rows
        if (kind, on) not in shown
    ]


def place_markers(xs: list[float], min_gap: float = 9.0, rows: int = 4) -> list[int]:
    """The row for each marker at ``xs`` so that markers in one row are at least ``min_gap``
    apart (the last row takes any overflow): close events stack instead of overlapping."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    last: list[float] = []
    out = [0] * len(xs)
    for i in order:
        row = next((r for r, lx in enumerate(last) if xs[i] - lx >= min_gap), None)
        if row is None:
            if len(last) < rows:
                row = len(last)
                last.append(xs[i])
            else:
                row = min(range(len(last)), key=lambda r: last[r])
        last[row] = xs[i]
        out[i] = row
    return out


# ---- the visual strip ------------------------------------------------------------------------


def timeline_strip(
    events: list[model.TimelineEvent], today: date, deadlines: list[dict[str, Any]], width: float
) -> Drawing:
    """Periods as bars, point events as dots, decisions as diamonds, deadlines as red triangles,
    years on the axis and a "today" line."""
    fonts.register_fonts()
    dues = [d for d in (deadline_due(x) for x in deadlines) if d]
    starts = [e.date.earliest for e in events] + dues + [today]
    ends = [(e.end or e.date).latest for e in events] + dues + [today]
    lo, hi = date(min(starts).year, 1, 1), date(max(ends).year + 1, 1, 1)
    span = max((hi - lo).days, 1)
    left, right = 4, width - 4

    def x(d: date) -> float:
        return left + (right - left) * ((d - lo).days / span)

    periods = [e for e in events if e.end is not None]
    lanes: list[float] = []  # right edge of the last bar in each lane
    placed: list[tuple[model.TimelineEvent, int]] = []
    for e in periods:
        assert e.end is not None
        x0, x1 = x(e.date.earliest), max(x(e.end.latest), x(e.date.earliest) + 2)
        lane = next((i for i, edge in enumerate(lanes) if edge + 2 < x0), None)
        if lane is None:
            lane = len(lanes)
            lanes.append(x1)
        lanes[lane] = x1
        placed.append((e, lane))
    n_lanes = min(len(lanes), 6)
    bar_h, gap = 6.0, 3.0
    axis_y = 14.0
    points_y = axis_y + 12
    # Point markers (events, decisions, deadlines) stack in rows so none hides another.
    points = [e for e in events if e.end is None]
    marks: list[tuple[float, str]] = [
        (
            x(e.date.earliest + (e.date.latest - e.date.earliest) / 2),
            "diamond" if e.kind is model.EventKind.DECISION else ("key" if e.key else "dot"),
        )
        for e in points
    ] + [(x(d), "tri") for d in dues]
    rows = place_markers([m[0] for m in marks])
    row_h = 10.0
    n_rows = max(rows, default=0) + 1
    bars_y0 = points_y + (n_rows - 1) * row_h + 10
    height = bars_y0 + n_lanes * (bar_h + gap) + 14
    dr = Drawing(width, height)

    # legend
    ly = height - 8
    lx: float = left
    for label, shape in (
        ("period", "bar"),
        ("event", "dot"),
        ("key event", "key"),
        ("decision", "diamond"),
        ("deadline", "tri"),
        ("today", "today"),
    ):
        _glyph(dr, shape, lx + 4, ly + 2.5)
        dr.add(String(lx + 11, ly, label, fontName=fonts.SANS, fontSize=7, fillColor=MUTED))
        lx += 14 + 4.2 * len(label) + 8

    # axis and years
    dr.add(Line(left, axis_y, right, axis_y, strokeColor=INK, strokeWidth=0.7))
    years = list(range(lo.year, hi.year + 1))
    step = max(1, len(years) // 12)
    for y in years:
        xx = x(date(y, 1, 1))
        dr.add(Line(xx, axis_y - 3, xx, axis_y + 3, strokeColor=INK, strokeWidth=0.6))
        if y < hi.year and (y - lo.year) % step == 0:
            mid = x(date(y, 7, 1))
            dr.add(
                String(
                    mid,
                    axis_y - 11,
                    str(y),
                    fontName=fonts.SANS,
                    fontSize=7.5,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )

    for e, lane in placed:
        if lane >= n_lanes:
            lane = n_lanes - 1
        assert e.end is not None
        x0, x1 = x(e.date.earliest), max(x(e.end.latest), x(e.date.earliest) + 2)
        y0 = bars_y0 + lane * (bar_h + gap)
        fill = BAR if not e.disputed else colors.HexColor("#9fb3d1")
        dr.add(Rect(x0, y0, x1 - x0, bar_h, fillColor=fill, strokeColor=None))
    for e, row in zip(points, rows, strict=False):
        py = points_y + row * row_h
        if not e.date.is_exact and e.date.latest > e.date.earliest:  # uncertainty whisker
            dr.add(Line(x(e.date.earliest), py, x(e.date.latest), py, strokeColor=RULE, strokeWidth=0.8))
    for (xx, shape), row in zip(marks, rows, strict=True):
        py = points_y + row * row_h
        if row:  # a thin stem down to the axis row shows where a stacked marker belongs
            dr.add(Line(xx, points_y, xx, py - 3, strokeColor=RULE, strokeWidth=0.4))
        _glyph(dr, shape, xx, py)
    tx = x(today)
    dr.add(Line(tx, axis_y, tx, height - 14, strokeColor=ACCENT, strokeWidth=0.6, strokeDashArray=[2, 2]))
    return dr


def _glyph(dr: Drawing, shape: str, x: float, y: float) -> None:
    if shape == "bar":
        dr.add(Rect(x - 4, y - 2.5, 8, 5, fillColor=BAR, strokeColor=None))
    elif shape == "dot":
        dr.add(Circle(x, y, 1.8, fillColor=POINT, strokeColor=None))
    elif shape == "key":
        dr.add(Circle(x, y, 3.0, fillColor=INK, strokeColor=colors.white, strokeWidth=0.5))
    elif shape == "diamond":
        dr.add(
            Polygon(
                [x, y + 4, x + 4, y, x, y - 4, x - 4, y],
                fillColor=DECISION,
                strokeColor=colors.white,
                strokeWidth=0.4,
            )
        )
    elif shape == "tri":
        dr.add(Polygon([x - 3.5, y + 5, x + 3.5, y + 5, x, y - 1], fillColor=ACCENT, strokeColor=None))
    elif shape == "today":
        dr.add(Line(x, y - 4, x, y + 5, strokeColor=ACCENT, strokeWidth=0.8, strokeDashArray=[2, 2]))
