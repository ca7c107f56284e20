"""What every IMSA Desktop PDF shares: page size, styles, "Page 2 of 3", metadata, header lines."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from imsa_desktop.documents import fonts
from imsa_desktop.errors import DocumentError, ImsaError

PAGE_W, PAGE_H = A4
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
ACCENT = colors.HexColor("#8a1c1c")  # CONFIDENTIAL marks


FRAME_PADDING = 6  # reportlab's default Frame padding on each side


def content_width(left: float, right: float) -> float:
    """Usable width of the frame between the given page margins."""
    return float(PAGE_W - left - right - 2 * FRAME_PADDING)


def styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    out: dict[str, ParagraphStyle] = {}

    def add(name: str, parent: str | None = None, **attrs: Any) -> None:
        """One style: what differs from ``parent`` (None: a root style)."""
        out[name] = ParagraphStyle(name, parent=out[parent] if parent else None, **attrs)

    add("body", fontName=fonts.SERIF, fontSize=11, leading=15, textColor=INK, spaceAfter=7)
    add("body_tight", "body", spaceAfter=0)
    add("small", "body", fontSize=9, leading=12, spaceAfter=3)
    add("small_muted", "small", textColor=MUTED)
    add("ground_title", "body", fontName=fonts.SERIF_BOLD, spaceBefore=4, spaceAfter=3, keepWithNext=1)
    add("heading", "ground_title", fontSize=11.5, spaceBefore=8, spaceAfter=5)
    add("subheading", "body", fontName=fonts.SERIF_ITALIC, spaceBefore=2, spaceAfter=3, keepWithNext=1)
    add("sans", fontName=fonts.SANS, fontSize=9, leading=12, textColor=INK)
    add("sans_muted", "sans", textColor=MUTED, spaceAfter=2)
    add("sans_bold", "sans", fontName=fonts.SANS_BOLD)
    add("sans_right", "sans", alignment=TA_RIGHT)
    add("org_name", fontName=fonts.SANS_BOLD, fontSize=14, leading=18, textColor=INK)
    add("title", "org_name", fontSize=16, leading=20, spaceAfter=4, alignment=TA_LEFT)
    add("h2", "org_name", fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4, keepWithNext=1)
    add("cell", fontName=fonts.SANS, fontSize=8.5, leading=10.5, textColor=INK)
    add("cell_bold", "cell", fontName=fonts.SANS_BOLD)
    return out


# The longest text one paragraph may hold: the model's limit for notes (domain/validation.py).
# Longer text (stored before the limits existed) is refused with a sentence rather than laid
# out for minutes (issue 19, hole 6).
MAX_PARAGRAPH_CHARS = 20_000


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, with script fallback; Arabic shaped)."""
    if len(text) > MAX_PARAGRAPH_CHARS:
        raise DocumentError(
            f"A text in this case is too long to print ({len(text):,} characters; the limit is "
            f"{MAX_PARAGRAPH_CHARS:,}); shorten it in the case first."
        )
    return Paragraph(fonts.markup(text), fonts.style_for(text, style))


def numbered_canvas(
    right_x: float, footer_font: str = fonts.SANS, size: float = 8.5, bottom: float = 12 * mm
) -> type[Canvas]:
    """A canvas class that writes "Page N of M" at the bottom right of every page."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if not kwargs.get("initialFontName"):  # never the unembedded Helvetica
                kwargs["initialFontName"] = footer_font
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont(footer_font, size)
                self.setFillColor(MUTED)
                self.drawRightString(right_x, bottom, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    on_page: Callable[[Canvas, Any], None],
    on_first_page: Callable[[Canvas, Any], None] | None = None,
    margins: tuple[float, float, float, float] = (25 * mm, 25 * mm, 25 * mm, 22 * mm),
) -> bytes:
    """Lay out ``story`` on A4 and return the PDF bytes. Margins: left, right, top, bottom."""
    fonts.register_fonts()
    buf = io.BytesIO()
    left, right, top, bottom = margins
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        creator="IMSA Desktop",
        producer="IMSA Desktop (reportlab)",
        invariant=0,  # the real creation date in the metadata
    )
    try:
        doc.build(
            story,
            onFirstPage=on_first_page or on_page,
            onLaterPages=on_page,
            canvasmaker=numbered_canvas(PAGE_W - right),
        )
    except ImsaError:
        raise
    except Exception as e:  # a layout failure: say so without case text
        raise DocumentError("The PDF could not be laid out.") from e
    return buf.getvalue()


def draw_paragraph(
    canvas: Canvas, text: str, style: ParagraphStyle, x: float, y: float, width: float
) -> None:
    """Draw one line of marked-up text on the canvas with its top-left at (x, y)."""
    p = Paragraph(fonts.markup(text), fonts.style_for(text, style))
    _, h = p.wrapOn(canvas, width, 100)
    p.drawOn(canvas, x, y - h)


def draw_confidential_header(canvas: Canvas, label: str, margin: float = 18 * mm) -> None:
    """CONFIDENTIAL at the top of the page, with a short label (case code or name) to the right."""
    canvas.saveState()
    canvas.setFont(fonts.SANS_BOLD, 9)
    canvas.setFillColor(ACCENT)
    canvas.drawString(margin, PAGE_H - 12 * mm, "CONFIDENTIAL")
    st = styles()["sans_right"]
    st = ParagraphStyle("hdr", parent=st, textColor=MUTED, fontSize=8.5)
    draw_paragraph(canvas, label, st, PAGE_W / 2, PAGE_H - 9 * mm, PAGE_W / 2 - margin)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(margin, PAGE_H - 14 * mm, PAGE_W - margin, PAGE_H - 14 * mm)
    canvas.restoreState()


# The case's own printouts (chronology, case summary): narrow margins, CONFIDENTIAL on every page.
CASE_MARGIN = 18 * mm
CASE_CONTENT_WIDTH = content_width(CASE_MARGIN, CASE_MARGIN)


def build_case_pdf(story: list[Flowable], *, what: str, code: str, label: str, keywords: str) -> bytes:
    """One of the case's printouts (``what``: "Case summary", "Case chronology") for the case
    ``code``, with CONFIDENTIAL and ``label`` at the top of every page."""

    def on_page(canvas: Canvas, doc: Any) -> None:
        draw_confidential_header(canvas, label, CASE_MARGIN)

    return build_pdf(
        story,
        title=f"{what} - {code}",
        author="IMSA Desktop",
        subject=f"{what} (confidential)",
        keywords=keywords,
        on_page=on_page,
        margins=(CASE_MARGIN, CASE_MARGIN, 20 * mm, 20 * mm),
    )


class Redactor:
    """Keeps the survivor's names out of pseudonymous prints.

    In pseudonymous mode every whole-word occurrence of the full name, preferred name,
    aliases and each part of them is replaced by the case code (case-insensitive).
    """

    def __init__(self, case: Any, pseudonymous: bool) -> None:
        self.pseudonymous = pseudonymous
        self.code = str(case.code)
        s = case.survivor
        names = [s.full_name, s.preferred_name, *s.aliases]
        self.label = f"Case {self.code}" if pseudonymous else f"{s.full_name} (case {self.code})"
        parts = {n.strip() for n in names if n and n.strip()}
        parts |= {p for n in names if n for p in n.split() if len(p) >= 2}
        self._pattern: re.Pattern[str] | None = None
        if pseudonymous and parts:
            alts = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(f"[{self.code}]", text)


def tstyle(commands: list[Any]) -> Any:
    """A TableStyle whose default font is ours (reportlab's default is the unembedded Helvetica)."""
    from reportlab.platypus import TableStyle

    return TableStyle([("FONT", (0, 0), (-1, -1), fonts.SANS, 9), *commands])


def table_style(
    *,
    head: tuple[float, Any] | None = None,
    rows: tuple[float, Any] | None = (0.25, RULE),
    left: float | None = None,
    right: float | None = None,
    top: float | None = None,
    bottom: float | None = None,
    extra: Sequence[Any] = (),
) -> Any:
    """The look of our tables (``tstyle``): cells aligned to the top; a line ``head`` (width,
    colour) under the heading row and ``rows`` under each other row (under every row where there
    is no ``head``; None: no line); the cell paddings given; then ``extra`` (spans, shading)."""
    everything = ((0, 0), (-1, -1))
    cmds: list[Any] = [("VALIGN", *everything, "TOP")]
    if head is not None:
        cmds.append(("LINEBELOW", (0, 0), (-1, 0), *head))
    if rows is not None:
        cmds.append(("LINEBELOW", (0, 1 if head else 0), (-1, -1), *rows))
    pads = {"LEFTPADDING": left, "RIGHTPADDING": right, "TOPPADDING": top, "BOTTOMPADDING": bottom}
    cmds += [(name, *everything, v) for name, v in pads.items() if v is not None]
    return tstyle([*cmds, *extra])
