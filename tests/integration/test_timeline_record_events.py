"""The chronology PDF plots and lists the referral and every decision; markers never overlap."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from reportlab.graphics.shapes import Circle, Polygon

from imsa_desktop.documents.pdfbase import content_width
from imsa_desktop.documents.timeline_pdf import place_markers, record_events, render_timeline, timeline_strip
from imsa_desktop.domain import model


def _case() -> model.Case:
    return model.Case(
        id="c1",
        survivor=model.Survivor(full_name="Arbër Hoxha"),
        referral=model.Referral(date=date(2025, 1, 6), first_responder="Example Council"),
        decisions=[
            model.Decision(
                kind=model.DecisionKind.REASONABLE_GROUNDS,
                outcome=model.Outcome.NEGATIVE,
                date=date(2025, 1, 20),
            ),
            model.Decision(
                kind=model.DecisionKind.RECONSIDERATION,
                outcome=model.Outcome.POSITIVE,
                date=date(2025, 1, 22),
            ),
            model.Decision(kind=model.DecisionKind.CONCLUSIVE_GROUNDS, outcome=None, date=date(2025, 1, 23)),
        ],
    )


def test_referral_and_every_decision_are_listed_even_without_events() -> None:
    pdf = render_timeline(_case(), [], pseudonymous=False, today=date(2025, 2, 1))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Referred into the NRM by Example Council" in text
    assert "Reasonable Grounds decision: negative (SCA)" in text
    assert "Reconsideration decision: positive (SCA)" in text
    assert "Conclusive Grounds decision: outcome not recorded (SCA)" in text


def test_a_decision_already_on_the_timeline_is_not_listed_twice() -> None:
    case = _case()
    ev = model.TimelineEvent(
        case_id="c1",
        date=model.FuzzyDate.exact(date(2025, 1, 20)),
        title="RG letter",
        kind=model.EventKind.DECISION,
    )
    titles = [e.title for e in record_events(case, [ev])]
    assert not any(t.startswith("Reasonable Grounds") for t in titles)
    assert len(titles) == 3  # referral, reconsideration, CG


def test_markers_days_apart_stack_instead_of_overlapping() -> None:
    rows = place_markers([100.0, 102.0, 104.0, 200.0])
    assert rows[:3] == [0, 1, 2] and rows[3] == 0
    case = _case()
    drawing = timeline_strip(
        record_events(case, []), date(2025, 2, 1), [{"due": date(2025, 2, 19)}], content_width(18, 18)
    )
    centres = []
    for shape in drawing.contents:
        if isinstance(shape, Circle) and shape.r > 1:
            centres.append((shape.cx, shape.cy))
        elif isinstance(shape, Polygon) and len(shape.points) in (6, 8):
            xs, ys = shape.points[0::2], shape.points[1::2]
            centres.append((sum(xs) / len(xs), sum(ys) / len(ys)))
    marks = [c for c in centres if c[1] < drawing.height - 12]  # not the legend
    assert len(marks) >= 5
    for i, a in enumerate(marks):
        for b in marks[i + 1 :]:
            assert abs(a[0] - b[0]) >= 7 or abs(a[1] - b[1]) >= 7, (a, b)


def test_every_font_in_the_chronology_is_embedded() -> None:
    pdf = render_timeline(_case(), [], pseudonymous=False, today=date(2025, 2, 1))
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            f = font.get_object()
            desc = f.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f.get("/BaseFont")


def test_an_undrawable_character_in_an_event_blocks_the_chronology_and_the_summary() -> None:
    import pytest

    from imsa_desktop.documents.summary_pdf import render_case_summary
    from imsa_desktop.errors import DocumentError

    ev = model.TimelineEvent(
        case_id="c1", date=model.FuzzyDate.exact(date(2024, 6, 1)), title="Met at the bus \U0001f68c"
    )
    with pytest.raises(DocumentError, match="title of the event of 1 June 2024"):
        render_timeline(_case(), [ev], pseudonymous=False, today=date(2025, 2, 1))
    with pytest.raises(DocumentError, match="U\\+1F68C"):
        render_case_summary(
            _case(),
            events=[ev],
            evidence=[],
            appointments=[],
            deadlines=[],
            pseudonymous=False,
            today=date(2025, 2, 1),
        )


def test_the_case_summary_lists_the_reasons_each_decision_gave() -> None:
    from imsa_desktop.documents.summary_pdf import render_case_summary

    case = _case()
    case.decisions[0].reasons = ["No objective evidence of control.", "Arbër Hoxha gave inconsistent dates."]
    pdf = render_case_summary(
        case, events=[], evidence=[], appointments=[], deadlines=[], pseudonymous=True, today=date(2025, 2, 1)
    )
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Reasons given for the Reasonable Grounds decision of 20 January 2025:" in text
    assert "1. No objective evidence of control." in text
    assert "Arbër" not in text  # pseudonymous prints keep the name out of the reasons too
