"""A reconsideration request as a PDF a solicitor would sign: the draft in, PDF bytes out.

The letter prints the draft exactly as edited. Page headers and the PDF's metadata carry the
NRM reference and the decision date, not the survivor's name, unless asked to. A draft (any
render that is not ``strict``) carries a DRAFT watermark on every page. A character no shipped
font can draw refuses the PDF with a sentence naming the field. ``render_file_note`` prints the
note for the survivor's file (never sent to the authority).
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import ActionFlowable, NullActionFlowable
from reportlab.platypus.flowables import _listWrapOn

from imsa_desktop.documents import fonts
from imsa_desktop.documents.pdfbase import (
    INK,
    PAGE_H,
    PAGE_W,
    RULE,
    build_pdf,
    content_width,
    draw_paragraph,
    para,
    styles,
    table_style,
)
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.letters import ERROR, FileNote, LetterDraft, cite, validate
from imsa_desktop.errors import LetterRefused

MARGIN_X = 25 * mm
WIDTH = content_width(MARGIN_X, MARGIN_X)


def render_letter(
    draft: LetterDraft,
    *,
    strict: bool = False,
    today: date | None = None,
    include_name_in_metadata: bool = False,
) -> bytes:
    """Render ``draft`` to PDF bytes (A4).

    ``strict=True`` refuses (``LetterRefused``) while ``validate(draft, today)`` finds an error,
    e.g. a late request without its exceptional-circumstances section; ``today`` defaults to the
    letter's date.
    """
    if strict:
        errors = [p for p in validate(draft, today or draft.letter_date) if p.severity == ERROR]
        if errors:
            raise LetterRefused(errors[0].message)
    fonts.check_drawable(_printed_fields(draft))
    watermark = not strict
    st = styles()
    story: list[Flowable] = []
    story += _marking(draft, st)
    story += _letterhead(draft, st)
    story += _addressee(draft, st)
    story += _references(draft, st)
    body = _body(draft, st)
    # The sign-off never stands alone on a page: it keeps the last lines of the body with it.
    # The enclosure index (its heading with the whole table) follows on the same page when
    # both fit on one; otherwise the index starts a page of its own, never leaving a heading
    # at the foot of a page or a few rows alone on the last one.
    closing = KeepIfItFits(body[-2:] + _signature(draft, st))
    story += body[:-2] + [KeepIfItFits([closing, *_enclosure_index(draft, st)])]

    ref = draft.nrm_reference or draft.decision_reference
    title = f"Reconsideration request - {ref}" if ref else "Reconsideration request"
    if include_name_in_metadata:
        title += f" - {draft.survivor_name}"

    footer = st["sans_muted"].clone("footer", fontSize=8.5, leading=10)
    header_right = footer.clone("header_right", alignment=TA_RIGHT)

    def on_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        if watermark:
            draw_watermark(canvas)
        draw_paragraph(
            canvas, draft.header_reference, footer, MARGIN_X, 12 * mm + 8, PAGE_W - 2 * MARGIN_X - 30 * mm
        )
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, 17 * mm, PAGE_W - MARGIN_X, 17 * mm)
        if doc.page > 1:
            draw_paragraph(
                canvas, draft.organisation.name, header_right, MARGIN_X, PAGE_H - 12 * mm, WIDTH + 6
            )
        canvas.restoreState()

    return build_pdf(
        story,
        title=title,
        author=draft.organisation.name,
        subject=f"Request for reconsideration of a negative {draft.decision_type} decision",
        keywords="reconsideration, National Referral Mechanism",
        on_page=on_page,
        margins=(MARGIN_X, MARGIN_X, 22 * mm, 24 * mm),
    )


def _measured(flowables: list[Flowable]) -> list[Flowable]:
    """*flowables* with every KeepTogether opened up: what they take on a page."""
    out: list[Flowable] = []
    for f in flowables:
        out += _measured(list(f._content)) if isinstance(f, KeepTogether) else [f]
    return out


class KeepIfItFits(KeepTogether):  # type: ignore[misc]  # reportlab has no types
    """reportlab's KeepTogether for flowables some of which are kept together themselves: moved
    whole to the next page when they do not fit here but would on one page; taller than a page,
    they follow one another, each keeping itself together.

    (A plain KeepTogether takes one nested in it as taller than any page, so it always started
    a new page, whether or not its content would have fitted where it was.)"""

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        w, self._H = _listWrapOn(_measured(list(self._content)), aW, self.canv)
        self._H0 = 0
        self._wrapInfo = aW, aH
        return w, 0xFFFFFF  # as KeepTogether: always split, which decides

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        if frame is not None and self._H > frame._aH:  # taller than a page
            parts = list(self._content)
        else:
            parts = list(super().split(aW, aH))
        if not parts or not isinstance(parts[0], ActionFlowable):
            # the parts go back on the story one by one (a nested KeepTogether cannot be drawn
            # as the first part of a split)
            parts.insert(0, NullActionFlowable())
        return parts


def draw_watermark(canvas: Canvas, text: str = "DRAFT") -> None:
    """A large pale diagonal mark across the page (drawn first, under the text)."""
    from reportlab.lib import colors

    canvas.saveState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.13))
    canvas.setFont(fonts.SANS_BOLD, 110)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(50)
    canvas.drawCentredString(0, -40, text)
    canvas.restoreState()


def _printed_fields(d: LetterDraft) -> list[tuple[str, str]]:
    """Every text the letter prints, named as the advocate knows it."""
    org = d.organisation
    out = [
        ("survivor's name", d.survivor_name),
        ("nationality", d.nationality),
        ("NRM reference", d.nrm_reference),
        ("decision reference", d.decision_reference),
        ("organisation name", org.name),
        ("organisation address", "\n".join(org.address_lines)),
        ("signatory", org.signatory_name),
        ("signatory's role", org.signatory_role),
        ("organisation phone", org.phone),
        ("organisation email", org.email),
        ("addressee", "\n".join(d.addressee_lines)),
        ("exceptional circumstances", d.exceptional.reason_for_delay),
        ("exceptional circumstances", d.exceptional.why_material),
        ("exceptional circumstances", d.exceptional.why_not_earlier),
    ]
    out += [
        (section if section.startswith(("ground", "enclosure")) else f"{section} section", text)
        for section, text in d.all_texts()
    ]
    out += [(f"ground {i} title", g.title) for i, g in enumerate(d.grounds, 1)]
    out += [(f"ground {i} facts", "\n".join(g.fact_refs)) for i, g in enumerate(d.grounds, 1)]
    out += [(f"enclosure {e.number} title", e.title) for e in d.enclosures]
    return out


# ---- sections ----------------------------------------------------------------------------


def _marking(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    if not d.marking.strip():
        return []
    mark = st["sans_bold"].clone("marking", fontSize=10, leading=13, spaceAfter=4)
    return [para(d.marking, mark)]


def _letterhead(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    org = d.organisation
    block: list[Flowable] = [para(org.name, st["org_name"])]
    for line in org.address_lines:
        block.append(para(line, st["sans"]))
    contact = "  |  ".join(x for x in (org.phone and f"Tel {org.phone}", org.email) if x)
    if contact:
        block.append(para(contact, st["sans"]))
    width = WIDTH
    if org.logo_png:
        logo = _logo(org.logo_png)
        row = [[logo, block]]
        t = Table(row, colWidths=[30 * mm, width - 30 * mm])
    else:
        t = Table([[block]], colWidths=[width])
    t.setStyle(table_style(rows=(0.6, INK), left=0, right=0, bottom=6))
    return [t, Spacer(1, 10 * mm)]


def _logo(data: bytes) -> Flowable:
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(io.BytesIO(data))
        w, h = reader.getSize()
    except Exception as e:
        raise LetterRefused("The organisation's logo is not a readable PNG image.") from e
    box_w, box_h = 26 * mm, 18 * mm
    scale = min(box_w / w, box_h / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale, hAlign="LEFT")


def _addressee(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    out: list[Flowable] = [para(line, st["body_tight"]) for line in d.addressee_lines]
    out += [Spacer(1, 6 * mm), para(format_date(d.letter_date), st["body"]), Spacer(1, 2 * mm)]
    out.append(para(d.salutation, st["body"]))
    return out


def _references(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    rows = [
        ("Name", d.survivor_name),
        ("Date of birth", d.date_of_birth),
        ("Nationality", d.nationality),
        ("NRM reference", d.nrm_reference),
        ("Decision reference", d.decision_reference if d.decision_reference != d.nrm_reference else ""),
        ("Decision", f"Negative {d.decision_type} decision of " + _nb(format_date(d.decision_date))),
    ]
    label = st["body_tight"].clone("ref_label", fontName=fonts.SERIF_BOLD)
    data = [[para(k, label), para(v, st["body_tight"])] for k, v in rows if v]
    width = WIDTH
    t = Table(data, colWidths=[42 * mm, width - 42 * mm], hAlign="LEFT")
    t.setStyle(table_style(rows=None, left=0, top=0.5, bottom=0.5))
    subject = st["body"].clone("subject", fontName=fonts.SERIF_BOLD, spaceAfter=4)
    re_line = f"{d.heading('references', 'Re:')} {d.subject}".strip()
    return [KeepTogether([para(re_line, subject), t]), Spacer(1, 5 * mm)]


def _head(text: str, style: Any, room: float = 35 * mm) -> list[Flowable]:
    """A heading that starts a new page when less than ``room`` is left below it (so it never
    stands alone at the foot of a page, without pushing whole sections over and leaving gaps)."""
    return [CondPageBreak(room), para(text, style.clone(f"{style.name}-free", keepWithNext=0))]


def _body(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    h = st["heading"]
    body = st["body"]
    out: list[Flowable] = [*_head(d.heading("introduction", "Introduction"), h)]
    for text in (d.opening, d.capacity_statement, d.consent_statement, d.legal_referral):
        if text.strip():
            out.append(para(text, body))

    if d.framework.strip() or d.stage_test.strip():
        out += _head(d.heading("framework", "The legal framework and the test"), h)
        for text in (d.framework, d.stage_test):
            if text.strip():
                out.append(para(text, body))

    if d.decision_reasons:
        out += _head(d.heading("decision", "The decision and its reasons"), h)
    if d.decision_reasons and d.reasons_intro.strip():
        out.append(para(d.reasons_intro, body))
    if d.decision_reasons:
        quoted = st["body"].clone("reason", spaceAfter=3, fontName=fonts.SERIF_ITALIC)
        items = [para(f"Reason {i}: {r}", quoted) for i, r in enumerate(d.decision_reasons, 1)]
        out.append(_bullets(items))
        out.append(Spacer(1, 4))

    out += _head(d.heading("timeliness", "Timeliness"), h)
    if d.timeliness.strip():
        out.append(para(d.timeliness, body))
    if d.mode == "holding":
        hd = d.holding
        out += _head(d.heading("holding", "More time for the evidence"), h)
        out.append(para(hd.reason or "[to be completed]", body))
        if hd.awaited:
            out.append(para("The evidence awaited is:", st["body_tight"]))
            out.append(_bullets([para(a, st["body_tight"]) for a in hd.awaited]))
            out.append(Spacer(1, 4))
        if hd.evidence_by:
            out.append(para(f"We will send it by {format_date(hd.evidence_by)}.", body))
    if d.mode == "late":
        ex = d.exceptional
        out += _head(d.heading("exceptional", "Exceptional circumstances"), h)
        for key, default, text in (
            ("reason_for_delay", "Reason for the delay", ex.reason_for_delay),
            ("why_material", "Why the evidence is material", ex.why_material),
            ("why_not_earlier", "Why the evidence was not provided earlier", ex.why_not_earlier),
        ):
            out.append(para(d.heading(key, default), st["subheading"]))
            out.append(para(text or "[to be completed]", body))
        if ex.enclosure_numbers:
            out.append(para(f"The circumstances are shown by {cite(ex.enclosure_numbers)}.", body))

    if d.grounds:
        out += _head(d.heading("grounds", "Grounds for reconsideration"), h, 75 * mm)
        if d.grounds_intro.strip():
            out.append(para(d.grounds_intro, body))
    quoted = st["body"].clone("answers", spaceAfter=4, fontName=fonts.SERIF_ITALIC, leftIndent=6 * mm)
    for i, g in enumerate(d.grounds, 1):
        out.append(CondPageBreak(40 * mm))
        block: list[Flowable] = [para(f"Ground {i}: {g.title}", st["ground_title"])]
        for n in g.answers:
            if 1 <= n <= len(d.decision_reasons):
                block.append(para(f"This answers reason {n}: {d.decision_reasons[n - 1]}", quoted))
        text = g.text
        uncited = [n for n in g.enclosure_numbers if not re.search(rf"\bEnclosure {n}\b", text)]
        if uncited:
            text = f"{text.rstrip()} See {cite(uncited)}.".strip()
        block.append(para(text, body))
        if g.fact_refs:
            block.append(para("Facts relied on from the chronology:", st["body_tight"]))
            block.append(_bullets([para(f, st["body_tight"]) for f in g.fact_refs]))
            block.append(Spacer(1, 3))
        if g.guidance_ref:
            block.append(para(f"Guidance: {g.guidance_ref}", st["small_muted"]))
        # A short ground stays on one page with its guidance line; a long one may split.
        out.append(KeepTogether(block) if len(text) < 900 else KeepTogether(block[:2]))
        if len(text) >= 900:
            out += block[2:]

    asks: list[Flowable] = [para(d.heading("outcome", "Outcome sought"), h)]
    if d.outcome_intro.strip():
        asks.append(para(d.outcome_intro, st["body"].clone("oi", spaceAfter=3)))
    if d.outcome_sought:
        items = [para(t, st["body"].clone("li", spaceAfter=3)) for t in d.outcome_sought]
        asks.append(_bullets(items, kind="a"))
        asks.append(Spacer(1, 4))
    out.append(KeepTogether(asks))  # the heading never stands alone at the foot of a page

    if d.jr_note.strip():
        out.append(para(d.heading("legal", "Time limits"), h))
        out.append(para(d.jr_note, body))
    if d.guidance_version:
        versions = f"This letter relies on the {d.guidance_version}."
        out.append(para(versions, st["small_muted"]))
    return out


def _nb(text: str) -> str:
    """No line break inside ``text`` (a date, a label)."""
    return text.replace(" ", "\u00a0")


# How each kind of list is marked: "(a)", "(b)" for the asks; a bullet for the rest.
_LIST_MARKS: dict[str, dict[str, Any]] = {
    "a": {"bulletType": "a", "bulletFormat": "(%s)", "leftIndent": 9 * mm, "bulletFontSize": 11},
    "bullet": {"bulletType": "bullet", "start": "\u2022", "leftIndent": 7 * mm, "bulletFontSize": 10},
}


def _bullets(items: list[Flowable], kind: str = "bullet") -> ListFlowable:
    return ListFlowable([ListItem(x) for x in items], bulletFontName=fonts.SERIF, **_LIST_MARKS[kind])


def _signature(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    org = d.organisation
    lines: list[Flowable] = [Spacer(1, 4 * mm), para(d.closing, st["body"]), Spacer(1, 16 * mm)]
    if org.signatory_name:
        lines.append(para(org.signatory_name, st["body_tight"].clone("sig", fontName=fonts.SERIF_BOLD)))
    for line in (org.signatory_role, org.name):
        if line:
            lines.append(para(line, st["body_tight"]))
    contact = " | ".join(x for x in (org.phone, org.email) if x)
    if contact:
        lines.append(para(contact, st["body_tight"]))
    return [KeepTogether(lines)]


def _enclosure_index(d: LetterDraft, st: dict[str, Any]) -> list[Flowable]:
    style = st["heading"]
    head = para(d.heading("enclosures", "Enclosures"), style.clone(f"{style.name}-free", keepWithNext=0))
    if not d.enclosures:
        return [Spacer(1, 9 * mm), KeepTogether([head, para("None.", st["body"])])]
    cell, bold = (
        st["cell"].clone("c", fontSize=9.5, leading=12),
        st["cell_bold"].clone("cb", fontSize=9.5, leading=12),
    )
    rows: list[list[Any]] = [
        [para("No.", bold), para("Document", bold), para("Date", bold), para("What it shows", bold)]
    ]
    for e in d.enclosures:
        shows = e.shows
        if e.new and e.date_obtained is not None and e.date_obtained > d.decision_date:
            shows += " New: dated after the decision."
        elif e.new and e.why_not_earlier:
            shows += f" New: not available earlier because {e.why_not_earlier.rstrip('.')}."
        elif e.before_decision_maker:
            shows += " Before the decision maker when the decision was made."
        shows = shows.strip()
        title = f"{e.title} ({e.kind.lower()})" if e.kind else e.title
        rows.append(
            [
                para(f"Encl.\u00a0{e.number}", cell),
                para(title, cell),
                para(format_date(e.date_obtained).replace(" ", "\u00a0") if e.date_obtained else "", cell),
                para(shows, cell),
            ]
        )
    width = WIDTH
    from reportlab.pdfbase.pdfmetrics import stringWidth

    dates = [format_date(e.date_obtained) for e in d.enclosures if e.date_obtained] + ["Date"]
    date_w = max(stringWidth(x, cell.fontName, cell.fontSize) for x in dates) + 8  # never wraps
    t = Table(rows, colWidths=[17 * mm, 42 * mm, date_w, width - 59 * mm - date_w], repeatRows=1)
    t.setStyle(table_style(head=(0.6, INK), left=2, top=3, bottom=3))
    # Heading and table on one page: moved to the next page whole when they do not fit here.
    # Only an index longer than a page splits, by row, its header row repeated.
    return [Spacer(1, 9 * mm), KeepTogether([head, t])]


def render_file_note(note: FileNote, *, organisation: str = "") -> bytes:
    """The note for the survivor's file as PDF bytes (CONFIDENTIAL; never sent to the authority)."""
    from imsa_desktop.documents.pdfbase import draw_confidential_header

    fonts.check_drawable(
        [("survivor's name", note.survivor_name), *(("file note", p) for p in note.paragraphs)]
    )
    st = styles()
    story: list[Flowable] = [
        para(note.title, st["title"]),
        para(f"{note.survivor_name} - written {format_date(note.written_on)}", st["sans_muted"]),
        Spacer(1, 5 * mm),
    ]
    story += [para(p, st["body"]) for p in note.paragraphs]
    story.append(
        para("For the case file only. Not to be sent to the Competent Authority.", st["small_muted"])
    )

    def on_page(canvas: Canvas, doc: Any) -> None:
        draw_confidential_header(canvas, "File note", MARGIN_X)

    return build_pdf(
        story,
        title="File note",
        author=organisation,
        subject="File note (confidential)",
        keywords="file note, confidential",
        on_page=on_page,
        margins=(MARGIN_X, MARGIN_X, 24 * mm, 24 * mm),
    )
