"""The organisation statistics report as a PDF: charts with their numbers and definitions beside them.

Input is a ``domain.stats.Published`` (already suppressed): a hidden cell is never drawn as a
bar, only marked "<5" (fewer than the threshold) or "h" (hidden to protect another). Charts are
drawn with reportlab graphics shapes; every chart sits beside a table of the same numbers and
the definition of what was counted, so the report can be cited figure by figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from imsa_desktop.documents import fonts
from imsa_desktop.documents.pdfbase import (
    INK,
    MUTED,
    RULE,
    build_pdf,
    content_width,
    para,
    styles,
    table_style,
)
from imsa_desktop.domain import stats as st
from imsa_desktop.domain.dates import format_date

MARGIN = 18 * mm
POS = colors.HexColor("#1f5fa8")  # blue
POS_LIGHT = colors.HexColor("#8fb4de")
NEG = colors.HexColor("#d9731a")  # orange (blue/orange: readable with colour-blindness)
NEG_LIGHT = colors.HexColor("#f1bf8f")
GRID = colors.HexColor("#dddddd")

WAIT_SHORT = (
    "Calendar days from the NRM referral to the date of the decision, for decisions dated in the "
    "period. Median and 90th percentile as defined in the table of every figure below."
)
TARGET_SHORT = (
    "Target: 5 working days from the referral, skipping weekends and the jurisdiction's bank "
    "holidays (Modern Slavery Statutory Guidance, Reasonable Grounds decisions). A target, not a "
    "legal limit."
)


def _short(cell: st.Cell, threshold: int) -> str:
    if cell.hidden == "primary":
        return f"<{threshold}"
    if cell.hidden:
        return "h"
    return f"{cell.value:,}" if isinstance(cell.value, int) else str(cell.value)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Any, Sequence[st.Cell]]],
    threshold: int,
    width: float,
    height: float,
) -> Drawing:
    """Grouped vertical bars, each with its number above it; hidden cells get a mark, no bar."""
    fonts.register_fonts()
    d = Drawing(width, height)
    left, bottom, top = 22, 26, 14 + 11 * ((len(series) + 1) // 2)
    plot_w, plot_h = width - left - 4, height - bottom - top
    shown = [c.value for _n, _c, cells in series for c in cells if isinstance(c.value, int | float)]
    peak = max([*shown, threshold, 1])
    step = max(1, round(peak / 4))
    y_max = step * (int(peak // step) + 1)
    for i in range(0, y_max + 1, step):
        y = bottom + plot_h * i / y_max
        d.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.5))
        d.add(
            String(
                left - 3,
                y - 2.5,
                f"{i:,}",
                fontName=fonts.SANS,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    group_w = plot_w / max(1, len(categories))
    bar_w = min(14.0, group_w * 0.8 / max(1, len(series)))
    for gi, cat in enumerate(categories):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        d.add(
            String(
                left + gi * group_w + group_w / 2,
                bottom - 10,
                cat,
                fontName=fonts.SANS,
                fontSize=6.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )
        for si, (_name, colour, cells) in enumerate(series):
            cell = cells[gi]
            x = gx + si * bar_w
            if isinstance(cell.value, int | float):
                h = plot_h * cell.value / y_max
                if h > 0:
                    d.add(Rect(x, bottom, bar_w - 1, h, fillColor=colour, strokeColor=None))
                label_y = bottom + h + 2
            else:
                d.add(
                    Rect(
                        x,
                        bottom,
                        bar_w - 1,
                        3,
                        fillColor=None,
                        strokeColor=MUTED,
                        strokeWidth=0.5,
                        strokeDashArray=[1, 1],
                    )
                )
                label_y = bottom + 5
            d.add(
                String(
                    x + (bar_w - 1) / 2,
                    label_y,
                    _short(cell, threshold),
                    fontName=fonts.SANS,
                    fontSize=6,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=RULE, strokeWidth=0.7))
    # legend, two per row, at the top
    for si, (name, colour, _cells) in enumerate(series):
        row, col = divmod(si, 2)
        lx, ly = left + col * plot_w / 2, height - 10 - row * 11
        d.add(Rect(lx, ly, 7, 7, fillColor=colour, strokeColor=None))
        d.add(String(lx + 10, ly + 1, name, fontName=fonts.SANS, fontSize=7, fillColor=INK))
    return d


def share_bar(
    parts: Sequence[tuple[str, Any, st.Cell]], threshold: int, width: float, height: float
) -> Drawing:
    """One horizontal bar split into shares (e.g. overturned / upheld), each with its number."""
    fonts.register_fonts()
    d = Drawing(width, height)
    values = [p[2].value for p in parts]
    bar_y, bar_h = height - 26, 16
    if all(isinstance(v, int) for v in values) and sum(values) > 0:  # type: ignore[arg-type]
        total = sum(values)  # type: ignore[arg-type]
        x = 0.0
        for _name, colour, cell in parts:
            w = width * cell.value / total  # type: ignore[operator]
            if w > 0:
                d.add(Rect(x, bar_y, w, bar_h, fillColor=colour, strokeColor=colors.white, strokeWidth=0.5))
            x += w
    else:
        d.add(Rect(0, bar_y, width, bar_h, fillColor=None, strokeColor=MUTED, strokeDashArray=[1, 1]))
        d.add(
            String(
                width / 2,
                bar_y + 5,
                "not drawn: small numbers are hidden",
                fontName=fonts.SANS,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    for i, (name, colour, cell) in enumerate(parts):
        lx = i * width / len(parts)
        d.add(Rect(lx, 4, 7, 7, fillColor=colour, strokeColor=None))
        d.add(
            String(
                lx + 10,
                5,
                f"{name}: {_short(cell, threshold)}",
                fontName=fonts.SANS,
                fontSize=7,
                fillColor=INK,
            )
        )
    return d


# ---- the document --------------------------------------------------------------------------------


def _numbers_table(rows: Sequence[tuple[str, ...]], width: float, header: tuple[str, ...] = ()) -> Table:
    """Label + one or more number columns; bold numbers."""
    s = styles()
    ncols = max(len(r) for r in [*rows, header]) if rows or header else 2
    label_w = width * (0.68 if ncols == 2 else 0.32)
    num_w = (width - label_w) / (ncols - 1)
    data: list[list[Any]] = []
    if header:
        data.append([para(h, s["sans_muted"]) for h in header])
    for r in rows:  # "fewer than 5" is written "<5" beside the charts (the key is on page 1)
        data.append(
            [para(r[0], s["sans"]), *(para(v.replace("fewer than ", "<"), s["sans_bold"]) for v in r[1:])]
        )
    t = Table(data, colWidths=[label_w] + [num_w] * (ncols - 1))
    t.setStyle(table_style(rows=(0.25, GRID), left=2, right=2, top=1.5, bottom=1.5))
    return t


def _figure(
    title: str,
    drawing: Drawing,
    numbers: list[Table],
    definitions: list[str],
    width: float,
) -> Flowable:
    s = styles()
    right: list[Flowable] = []
    for t in numbers:
        right += [t, Spacer(1, 2 * mm)]
    right += [para(text, s["small_muted"]) for text in definitions]
    t = Table([[drawing, right]], colWidths=[drawing.width + 6 * mm, width - drawing.width - 6 * mm])
    t.setStyle(table_style(rows=None, left=0))
    return KeepTogether([para(title, s["heading"]), t])


def _all_figures_table(pub: st.Published, width: float) -> Table:
    s = styles()
    data: list[list[Any]] = [
        [
            para("Figure", s["sans_bold"]),
            para("Value", s["sans_bold"]),
            para("What is counted", s["sans_bold"]),
        ]
    ]
    section = ""
    section_rows: list[int] = []
    for fd in st.FIGURES:
        if fd.section != section:
            section = fd.section
            section_rows.append(len(data))
            data.append([para(section, s["sans_bold"]), "", ""])
        data.append(
            [
                para(fd.label, s["sans"]),
                para(pub.cells[fd.key].text, s["sans_bold"]),
                para(fd.definition, s["small_muted"]),
            ]
        )
    section_rows.append(len(data))
    data.append([para("Rates and waiting times", s["sans_bold"]), "", ""])
    for key, (label, definition) in st.DERIVED_DEFINITIONS.items():
        data.append(
            [
                para(label, s["sans"]),
                para(pub.derived[key].text, s["sans_bold"]),
                para(definition, s["small_muted"]),
            ]
        )
    for dist, (label, _base) in st.DISTRIBUTIONS.items():
        for suffix, what in (("median", "median"), ("p90", "90th percentile")):
            data.append(
                [
                    para(f"{label}: {what}", s["sans"]),
                    para(pub.derived[f"{dist}.{suffix}"].text, s["sans_bold"]),
                    para(
                        st.DISTRIBUTION_DEFINITION
                        if (suffix, dist) == ("median", "referral_to_rg_days")
                        else "As defined for the RG median above.",
                        s["small_muted"],
                    ),
                ]
            )
    t = Table(data, colWidths=[width * 0.3, width * 0.16, width * 0.54], repeatRows=1)
    sections: list[Any] = []
    for r in section_rows:
        sections += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f2f2f2"))]
    t.setStyle(table_style(head=(0.7, RULE), rows=(0.25, GRID), left=2, extra=sections))
    return t


def render_report(combined: st.Combined, pub: st.Published) -> bytes:
    """The organisation report (suppressed figures only) as PDF bytes."""
    s = styles()
    width = content_width(MARGIN, MARGIN)
    c = combined.counts
    n = pub.threshold
    quarters = c.period.quarters()
    chart_w, chart_h = 86 * mm, 58 * mm
    hidden_note = (
        f"Small numbers are suppressed: a count from 1 to {n - 1} shows 'fewer than {n}' (<{n} on the "
        "charts), and a count marked 'hidden' (h) is withheld so that no small count can be worked "
        "out from a total. Rates, medians and percentiles are shown only when they rest on at least "
        f"{n} decisions and on no hidden count."
        if n > 1
        else "No suppression was applied (threshold 1): this report is for use inside the organisation only."
    )
    story: list[Flowable] = [
        para("Modern slavery casework: organisation statistics", s["title"]),
        para(
            f"{format_date(c.period.start)} to {format_date(c.period.end)} - {c.filters.describe()} - "
            f"combined from {combined.vaults} advocate vault{'s' if combined.vaults != 1 else ''} "
            f"(IMSA Desktop {', '.join(combined.app_versions)}; statistics schema {st.SCHEMA})",
            s["sans_muted"],
        ),
        Spacer(1, 2 * mm),
        para(hidden_note, s["small"]),
        para(
            "Counts only: the exports this report is made from hold no names, references, notes or "
            "dates of birth. Each figure's definition is printed beside it.",
            s["small"],
        ),
    ]

    def cells(figure: str) -> list[st.Cell]:
        return [pub.cells[st.series_key(figure, q)] for q in quarters]

    series = [
        ("RG positive", POS, cells("rg.positive")),
        ("RG negative", NEG, cells("rg.negative")),
        ("CG positive", POS_LIGHT, cells("cg.positive")),
        ("CG negative", NEG_LIGHT, cells("cg.negative")),
    ]
    right_w = width - chart_w - 6 * mm
    by_quarter = _numbers_table(
        [(q, *(x[2][i].text.replace("fewer than ", "<") for x in series)) for i, q in enumerate(quarters)],
        right_w,
        ("Quarter", "RG +", "RG -", "CG +", "CG -"),
    )
    totals = _numbers_table(
        [
            ("RG decisions in the period", pub.text("rg.total")),
            ("positive / negative", f"{pub.text('rg.positive')} / {pub.text('rg.negative')}"),
            ("CG decisions in the period", pub.text("cg.total")),
            ("positive / negative", f"{pub.text('cg.positive')} / {pub.text('cg.negative')}"),
        ],
        right_w,
    )
    story.append(
        _figure(
            "Decisions by outcome, by quarter",
            bar_chart(quarters, series, n, chart_w, chart_h),
            [by_quarter, totals],
            [
                "Reasonable Grounds (RG) and Conclusive Grounds (CG) decisions dated in each quarter, "
                "by outcome (+ positive, - negative), by the date of the decision letter. Pending and "
                "withdrawn decisions, and decisions with no outcome recorded, are not counted.",
            ],
            width,
        )
    )

    story.append(
        _figure(
            "Reconsideration: how often a negative decision was overturned",
            share_bar(
                [
                    ("Overturned", POS, pub.cells["recon.overturned"]),
                    ("Upheld", NEG, pub.cells["recon.upheld"]),
                ],
                n,
                chart_w,
                20 * mm,
            ),
            [
                _numbers_table(
                    [
                        ("Requests sent", pub.text("recon.requested")),
                        ("Decided", pub.text("recon.decided")),
                        ("Overturned", pub.text("recon.overturned")),
                        ("Upheld", pub.text("recon.upheld")),
                        ("Overturn rate", pub.text("recon.overturn_rate")),
                    ],
                    right_w,
                )
            ],
            [
                "Overturned: " + st.FIGURE_BY_KEY["recon.overturned"].definition,
                "Rate: " + st.DERIVED_DEFINITIONS["recon.overturn_rate"][1],
                "Requested: " + st.FIGURE_BY_KEY["recon.requested"].definition,
            ],
            width,
        )
    )

    for dist, (label, base) in st.DISTRIBUTIONS.items():
        buckets = [b[2] for b in st.BUCKETS[dist]]
        bcells = [pub.cells[st.bucket_key(dist, b)] for b in buckets]
        colour = POS if dist == "referral_to_rg_days" else POS_LIGHT
        numbers = [(b, cell.text) for b, cell in zip(buckets, bcells, strict=True)]
        numbers += [
            ("Decisions", pub.text(base)),
            ("Median", pub.text(f"{dist}.median")),
            ("90th percentile", pub.text(f"{dist}.p90")),
        ]
        defs = [WAIT_SHORT]
        if dist == "referral_to_rg_days":
            numbers.append(("Later than the 5-working-day target", pub.text("rg.late_rate")))
            defs.append(TARGET_SHORT)
        story.append(
            _figure(
                f"Time from referral to decision: {label.split(' to ')[1]}",
                bar_chart(buckets, [(label, colour, bcells)], n, chart_w, 48 * mm),
                [_numbers_table(numbers, right_w)],
                defs,
                width,
            )
        )

    story += [para("Every figure, with its definition", s["heading"]), _all_figures_table(pub, width)]
    story.append(Spacer(1, 3 * mm))
    story.append(
        para(
            "Figures from different advocates are added exactly; the highest number of referrals of "
            "one person is the highest of any vault. A case handed over by bundle and still held by "
            "two advocates is counted in both vaults. Exports dated "
            f"{format_date(combined.generated_on[0])} to {format_date(combined.generated_on[1])}.",
            s["small_muted"],
        )
    )

    def on_page(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.SANS, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            MARGIN, 12 * mm, f"IMSA Desktop organisation statistics - {st.SCHEMA} - counts only"
        )
        canvas.restoreState()

    return build_pdf(
        story,
        title="Modern slavery casework: organisation statistics",
        author="IMSA Desktop",
        subject=f"Statistics {c.period.start.isoformat()} to {c.period.end.isoformat()}",
        keywords="statistics, NRM",
        on_page=on_page,
        margins=(MARGIN, MARGIN, 18 * mm, 20 * mm),
    )
