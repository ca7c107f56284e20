"""The reconsideration letter PDF, parsed back as a reader (or the SCA) would see it."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zlib
from datetime import date

import pypdf
import pytest
from reportlab.pdfbase.ttfonts import TTFont

from imsa_desktop.documents import fonts
from imsa_desktop.documents.letter_pdf import render_letter
from imsa_desktop.documents.samples import demo_case, demo_draft
from imsa_desktop.errors import DocumentError, LetterRefused
from tests.helpers import pdf_pages


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in read(pdf).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def fonts_used(pdf: bytes) -> dict[str, bool]:
    """Base font name -> whether the font program is embedded in the PDF."""
    out: dict[str, bool] = {}
    for page in read(pdf).pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            desc = f.get("/FontDescriptor")
            out[str(f["/BaseFont"])] = desc is not None and "/FontFile2" in desc.get_object()
    return out


@pytest.fixture(scope="module")
def letter() -> bytes:
    return render_letter(demo_draft())


def test_letter_says_what_the_advocate_checks(letter):
    text = flat(text_of(letter))
    assert "Nguyễn Thị Hồng" in text
    assert "NRM-2025-000123" in text
    assert "20 January 2025" in text and "4 February 2025" in text and "2 March 1994" in text
    assert "Single Competent Authority" in text
    for title in (
        "Additional evidence not before the decision maker",
        "A higher standard than the guidance permits was applied",
        "Trauma and late or inconsistent disclosure were not taken into account",
    ):
        assert title in text
    assert "Enclosure 1" in text and "Enclosure 2" in text and "Enclosure 3" in text
    assert "What we ask the Single Competent Authority to do" in text and "54.5(1)" in text
    assert "Sam Example" in text and "Independent Modern Slavery Advocate" in text
    # the enclosure index comes last
    assert text.rindex("Enclosures") > text.index("Yours faithfully")


def _with_more_text(fact_lines: int, shows_words: int):  # type: ignore[no-untyped-def]
    """The demo letter with more of the advocate's own text: chronology facts under ground 3, and
    more about what enclosure 1 shows (the letter's wording is untouched)."""
    draft = demo_draft()
    facts = draft.grounds[2].fact_refs
    facts += [f"March 2024: worked twelve-hour shifts in the house (entry {i})." for i in range(fact_lines)]
    draft.enclosures[0].shows += " She also described" + " further detail" * shows_words + "."
    return draft


@pytest.mark.parametrize("shows_words", [0, 40])
@pytest.mark.parametrize("fact_lines", [0, 3, 6, 9])
def test_the_enclosure_index_keeps_its_heading_and_rows_together(fact_lines: int, shows_words: int) -> None:
    # Moving the index down a line at a time once left "Enclosures" alone at the foot of the
    # sign-off page (its first row too tall for what was left), or the last rows alone on a
    # page of their own. The index (4 rows) fits on one page: it is never split.
    draft = _with_more_text(fact_lines, shows_words)
    pages = pdf_pages(render_letter(draft))
    [index] = [i for i, t in enumerate(pages) if "Enclosures No. Document Date What it shows" in t]
    rows = [f"Encl. {e.number} {e.title}" for e in draft.enclosures]
    assert [r for r in rows if r in pages[index]] == rows, "every row under the heading"
    assert not any("Encl. " in t for i, t in enumerate(pages) if i != index)
    assert index == len(pages) - 1, "the index comes last"
    assert any("Yours faithfully" in t for t in pages[index - 1 : index + 1])


def test_a_short_index_stays_on_the_sign_off_page() -> None:
    pages = pdf_pages(render_letter(demo_draft(mode="holding")))  # one enclosure
    assert "Yours faithfully" in pages[-1] and "Enclosures No. Document Date What it shows" in pages[-1]


def test_an_index_longer_than_a_page_starts_under_its_heading_and_loses_no_row() -> None:
    import dataclasses

    draft = demo_draft()
    first = draft.enclosures[0]
    draft.enclosures = [dataclasses.replace(first, number=n) for n in range(1, 31)]
    pages = pdf_pages(render_letter(draft))
    [start] = [i for i, t in enumerate(pages) if "Enclosures No. Document Date What it shows" in t]
    assert "Encl. 1 " in pages[start] and "Encl. 2 " in pages[start]
    text = " ".join(pages[start:])
    assert [n for n in range(1, 31) if text.count(f"Encl. {n} ") != 1] == []
    for t in pages[start + 1 :]:  # each continuation page repeats the column headings
        assert "No. Document Date What it shows Encl." in t


def test_every_page_is_numbered_and_carries_the_reference_not_the_name(letter):
    pages = read(letter).pages
    assert len(pages) >= 2
    for i, page in enumerate(pages, 1):
        t = flat(page.extract_text())
        assert f"Page {i} of {len(pages)}" in t
        assert "NRM-2025-000123 - Reasonable Grounds decision of 20 January 2025" in t


def test_metadata_holds_no_name(letter):
    meta = read(letter).metadata
    assert meta.title == "Reconsideration request - NRM-2025-000123"
    blob = " ".join(str(v) for v in meta.values())
    assert "Nguyễn" not in blob and "Hồng" not in blob
    named = read(render_letter(demo_draft(), include_name_in_metadata=True)).metadata
    assert "Nguyễn Thị Hồng" in named.title


def test_edited_text_is_what_prints():
    d = demo_draft()
    d.grounds[0].text = "Rewritten by the advocate: the police letter is new (see Enclosure 2)."
    d.jr_note = "Edited note on judicial review timing."
    text = flat(text_of(render_letter(d)))
    assert "Rewritten by the advocate" in text and "Edited note on judicial review timing." in text
    assert "Taken together with the material already considered" not in text


def test_a_ground_always_cites_its_enclosures_even_after_editing():
    d = demo_draft()
    d.grounds[0].text = "The police now confirm the investigation."
    d.grounds[0].enclosure_numbers = [2]
    assert "The police now confirm the investigation. See Enclosure 2." in flat(text_of(render_letter(d)))


def test_late_letter_without_exceptional_circumstances_is_refused_in_strict_mode():
    d = demo_draft(today=date(2025, 3, 3), mode="late")
    d.exceptional.reason_for_delay = d.exceptional.why_material = d.exceptional.why_not_earlier = ""
    assert d.late
    with pytest.raises(LetterRefused) as e:
        render_letter(d, strict=True)
    assert "exceptional" in e.value.user_message
    d.exceptional.reason_for_delay = "A hospital admission from 10 to 28 February 2025."
    d.exceptional.why_material = "The witness statement corroborates the material facts."
    d.exceptional.why_not_earlier = "The witness could only be traced on 1 February 2025."
    text = flat(text_of(render_letter(d, strict=True)))
    assert "Exceptional circumstances" in text and "A hospital admission" in text


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Hồng",
        "Arbër Hoxha",
        "Ștefan Popescu",
        "Paweł Wiśniewski",
        "Олена Коваленко",
        "Ελένη Παπαδοπούλου",
    ],
)
def test_names_in_many_scripts_extract_exactly(name):
    pdf = render_letter(demo_draft(demo_case(name)))
    assert name in flat(text_of(pdf))


@pytest.mark.parametrize(
    ("name", "font"),
    [("ሰላም ተስፋይ", "NotoSansEthiopic"), ("فاطمة الزهراء", "NotoNaskhArabic")],
)
def test_ethiopic_and_arabic_names_use_an_embedded_font_with_the_glyphs(name, font):
    pdf = render_letter(demo_draft(demo_case(name)))
    used = fonts_used(pdf)
    assert any(font in base and embedded for base, embedded in used.items())
    # and that font really has a glyph for every letter of the name
    face = TTFont(
        "check", str(fonts.FONTS_DIR / fonts._FILES[fonts.ETHIOPIC if "Ethiopic" in font else fonts.ARABIC])
    )
    assert all(ord(c) in face.face.charToGlyph for c in name.replace(" ", ""))
    if "Ethiopic" in font:  # a left-to-right script: extracts as typed
        assert name in flat(text_of(pdf))
    else:  # shaped, and copying gives the name back in logical order
        assert name in flat(unicodedata.normalize("NFKC", text_of(pdf)))


def test_without_the_shaping_library_an_arabic_name_is_refused_not_printed_backwards(monkeypatch):
    # reportlab shapes Arabic only through uharfbuzz; without it (an environment made before the
    # dependency was added) it printed the name as separate letters in reverse order, silently.
    from reportlab.pdfbase import ttfonts

    monkeypatch.setattr(ttfonts, "uharfbuzz", None)
    with pytest.raises(DocumentError) as e:
        render_letter(demo_draft(demo_case("فاطمة الزهراء")))
    assert "Arabic" in e.value.user_message and "reinstall" in e.value.user_message
    assert "فاطمة" not in e.value.user_message
    assert "Nguyễn Thị Hồng" in flat(text_of(render_letter(demo_draft(demo_case("Nguyễn Thị Hồng")))))


def test_only_embedded_fonts_are_used(letter):
    used = fonts_used(letter)
    assert used and all(used.values()), used
    assert fonts.fonts_total_size() < 10 * 1024 * 1024  # with the CJK and Hangul fonts


def tiny_png(w: int = 40, h: int = 20) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes([30, 60, 120]) * w for _ in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def test_logo_is_drawn():
    png = tiny_png()
    d = demo_draft()
    d.organisation.logo_png = png
    pdf = render_letter(d)
    xobjects = read(pdf).pages[0]["/Resources"].get("/XObject", {})
    assert len(xobjects) == 1
