"""The chronology and case summary PDFs, parsed back."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pypdf
import pytest

from imsa_desktop.documents.samples import TODAY, DemoCase, demo_case
from imsa_desktop.documents.timeline_pdf import render_timeline
from imsa_desktop.domain import model
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.services.documents import CaseDocumentData, render_summary_pdf


def pages_text(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def summary_of(demo: DemoCase, *, pseudonymous: bool) -> bytes:
    """The case summary PDF of the demo case, as the app prints it."""
    parts = (demo.case, demo.events, demo.evidence, demo.appointments, demo.deadlines)
    return render_summary_pdf(CaseDocumentData(*parts, today=TODAY), pseudonymous=pseudonymous)


@pytest.fixture(scope="module")
def demo():
    d = demo_case()
    # a note naming the survivor in an event title and an alias, to prove pseudonymous prints hide them
    d.case.survivor.aliases = ["Hoa"]
    d.events.append(
        model.TimelineEvent(
            case_id=d.case.id,
            date=FuzzyDate.parse("before:2023-06"),
            title="Hồng (known as Hoa) left her home village",
            kind=model.EventKind.OTHER,
            source="Nguyễn Thị Hồng",
        )
    )
    return d


def test_timeline_lists_events_in_date_order_with_honest_dates(demo):
    shuffled = list(reversed(demo.events))
    pdf = render_timeline(demo.case, shuffled, pseudonymous=False, today=TODAY, deadlines=demo.deadlines)
    text = " ".join(pages_text(pdf))
    order = [
        "left her home village",
        "Offered a job in a UK nail bar",
        "Travelled overland through Europe",
        "Held in a house in the Midlands",
        "Told the debt had grown",
        "Found by police during a raid",
        "Negative Reasonable Grounds decision (SCA)",
        "Police confirm the investigation",
    ]
    positions = [text.index(t) for t in order]
    assert positions == sorted(positions)
    for honest in (
        "before June 2023",
        "autumn 2023 (approx.)",
        "February 2024 to October 2024",
        "14 October 2024",
    ):
        assert honest in text
    assert "Nguyễn Thị Hồng" in text
    assert "19 February 2025" in text  # the deadline


def test_every_timeline_page_is_confidential_and_numbered():
    d = demo_case()
    start = date(2020, 1, 1)
    events = [
        model.TimelineEvent(
            case_id=d.case.id,
            date=FuzzyDate.exact(start + timedelta(days=i * 2)),
            title=f"Contact log entry {i:04d}",
            kind=model.EventKind.CONTACT,
            source="Advocate",
            key=i % 50 == 0,
        )
        for i in range(1000)
    ]
    pdf = render_timeline(d.case, events, pseudonymous=True, today=TODAY, deadlines=None)
    texts = pages_text(pdf)
    assert len(texts) > 10
    for i, t in enumerate(texts, 1):
        assert "CONFIDENTIAL" in t
        assert f"Page {i} of {len(texts)}" in t
    # the header row repeats on every page of the long table
    assert sum("Date Kind Event Source Flags" in t for t in texts) == len(texts)
    joined = " ".join(texts)
    assert joined.index("Contact log entry 0000") < joined.index("Contact log entry 0999")
    assert "Contact log entry 0500" in joined


def test_pseudonymous_timeline_never_shows_the_names(demo):
    pdf = render_timeline(demo.case, demo.events, pseudonymous=True, today=TODAY, deadlines=demo.deadlines)
    text = " ".join(pages_text(pdf))
    for part in ("Nguyễn", "Thị", "Hồng", "Hoa"):
        assert part not in text
    assert "K7Q-4MX" in text
    assert "left her home village" in text
    meta = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert "Hồng" not in " ".join(str(v) for v in meta.values())


def test_case_summary_has_the_sections_and_facts(demo):
    pdf = summary_of(demo, pseudonymous=False)
    texts = pages_text(pdf)
    text = " ".join(texts)
    for heading in ("Profile", "Referral", "Decisions", "Consents", "Deadlines", "Evidence"):
        assert heading in text
    assert "Nguyễn Thị Hồng" in text and "2 March 1994" in text
    assert "Example Borough Council" in text and "20 January 2025" in text
    assert "Letter from GP about symptoms of PTSD" in text
    assert "Solicitor: reconsideration and JR advice" in text
    assert all("CONFIDENTIAL" in t for t in texts)


def test_pseudonymous_summary_hides_name_and_date_of_birth(demo):
    pdf = summary_of(demo, pseudonymous=True)
    text = " ".join(pages_text(pdf))
    for part in ("Nguyễn", "Hồng", "Hoa", "2 March 1994"):
        assert part not in text
    assert "K7Q-4MX" in text and "Vietnamese" in text


def test_empty_timeline_still_prints():
    d = demo_case()
    text = " ".join(pages_text(render_timeline(d.case, [], pseudonymous=True, today=TODAY)))
    # No events, but the referral and the decision on the case record are still listed.
    assert (
        "CONFIDENTIAL" in text and "Referred into the NRM" in text and "Reasonable Grounds decision" in text
    )
    bare = model.Case(id="c0", survivor=model.Survivor(full_name="Arbër Hoxha"))
    text = " ".join(pages_text(render_timeline(bare, [], pseudonymous=True, today=TODAY)))
    assert "No events recorded." in text
