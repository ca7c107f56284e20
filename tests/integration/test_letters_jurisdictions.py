"""Reconsideration letters read as a solicitor would: per jurisdiction, per stage, per record.

Every check is on the text extracted from the rendered PDF (what the decision maker reads).
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from imsa_desktop.documents import fonts
from imsa_desktop.documents.letter_pdf import render_letter
from imsa_desktop.documents.samples import demo_draft, jurisdiction_demo
from imsa_desktop.domain import letters, model
from imsa_desktop.errors import DocumentError, LetterRefused


def text_of(pdf: bytes) -> str:
    """The letter's text as one line, without the page furniture (reference line, page numbers,
    watermark, running head), so a sentence that runs over a page break reads whole."""
    raw = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    ref = r"NRM-[\w-]+ - (Reasonable|Conclusive) Grounds decision of \d+ \w+ \d{4}"
    text = re.sub(rf"Page \d+ of \d+ (DRAFT )?({ref} )?(Example Anti-Slavery Advocacy Service )?", " ", text)
    text = re.sub(rf"(DRAFT )?{ref}", " ", text)
    text = re.sub(r"\bDRAFT\b", " ", text)
    return " ".join(text.split())


JURISDICTIONS = {
    "england-wales": (
        "Modern Slavery Act 2015",
        "Civil Procedure Rules r54.5(1)",
        "Modern Slavery Victim Care Contract",
    ),
    "scotland": (
        "Human Trafficking and Exploitation (Scotland) Act 2015 s9",
        "Court of Session Act 1988 s27A(1)",
        "Scottish Ministers",
    ),
    "northern-ireland": (
        "Human Trafficking and Exploitation (Criminal Justice and Support for Victims) Act "
        "(Northern Ireland) 2015 s18",
        "Rules of the Court of Judicature (Northern Ireland) 1980, Order 53 rule 4",
        "Department of Justice",
    ),
}


@pytest.mark.parametrize("jurisdiction", sorted(JURISDICTIONS))
def test_each_jurisdiction_cites_its_statute_court_rule_and_support_body(jurisdiction: str) -> None:
    demo = jurisdiction_demo(jurisdiction)
    _, _, _, _, today, _ = __import__("imsa_desktop.documents.samples", fromlist=["x"]).SAMPLE_CASES[
        jurisdiction
    ]
    text = text_of(render_letter(demo_draft(demo, today=today)))
    statute, court_rule, support = JURISDICTIONS[jurisdiction]
    assert statute in text
    assert court_rule in text
    assert support in text
    others = [v for k, vs in JURISDICTIONS.items() if k != jurisdiction for v in vs[1:]]
    assert not any(o in text for o in others), "another jurisdiction's court rule or support body"
    assert "PRIVATE AND CONFIDENTIAL" in text
    # The guidance version comes from the rules in force on the decision date.
    assert "version" in text.lower()


def test_stage_tests_are_worded_as_the_law_words_them() -> None:
    rg = jurisdiction_demo("england-wales")  # an RG decision
    rg_text = text_of(render_letter(demo_draft(rg, today=date(2025, 10, 20))))
    assert "reasonable grounds to believe that" in rg_text
    assert "could lead to a different decision" in rg_text
    assert "required standard" not in rg_text
    cg = jurisdiction_demo("scotland")  # a CG decision
    cg_text = text_of(render_letter(demo_draft(cg, today=date(2025, 10, 27))))
    assert "on the balance of probabilities" in cg_text
    assert "required standard" not in cg_text
    # No legal advice given or disclosed to the decision maker.
    for t in (rg_text, cg_text):
        assert "We have advised" not in t and "advised" not in t


def test_a_decision_before_12_february_2024_gets_no_time_limit_date() -> None:
    demo = jurisdiction_demo("england-wales")
    demo.case.decisions[0].date = date(2023, 11, 6)
    for e in demo.evidence:
        if e.date_obtained and e.id != "ev-referral":
            e.date_obtained = date(2023, 12, 1)
    demo.evidence[-2].date_obtained = date(2023, 10, 1)  # the referral form, before the decision
    draft = demo_draft(demo, today=date(2024, 1, 10))
    assert draft.deadline is None and draft.mode == "full"
    text = text_of(render_letter(draft))
    assert "no fixed time limit" in text
    assert "ends on" not in text and "ended on" not in text
    assert "6 December 2023" not in text  # no invented 30-day date


def test_a_ground_contradicted_by_evidence_dates_is_refused() -> None:
    demo = jurisdiction_demo("england-wales")
    # The GP letter is dated after the decision: it cannot have been "not considered".
    with pytest.raises(LetterRefused) as e:
        _draft(demo, chosen_grounds=["not_considered"], ground_enclosures={"not_considered": ["ev-gp"]})
    assert "after the decision" in e.value.user_message
    assert e.value.user_message.count(".") <= 2
    # Material marked as before the decision maker is not "additional evidence".
    before = {"ev-referral": letters.EnclosureNote(shows="x", before_decision_maker=True)}
    with pytest.raises(LetterRefused, match="not additional evidence"):
        _draft(
            demo,
            ground_enclosures={"new_evidence": ["ev-referral"]},
            enclosure_notes=before,
            enclose=["ev-referral"],
        )
    # Pre-decision material under "not considered" only once marked as before the decision maker.
    referral = {"not_considered": ["ev-referral"]}
    with pytest.raises(LetterRefused, match="marked it as before the decision maker"):
        _draft(demo, chosen_grounds=["not_considered"], ground_enclosures=referral, enclose=["ev-referral"])


def _res(name: str) -> str:
    from imsa_desktop.documents.samples import RESOURCES

    return str(RESOURCES / name)


def _draft(demo, **kw):  # type: ignore[no-untyped-def]
    args = dict(
        evidence=demo.evidence,
        chosen_grounds=["new_evidence"],
        enclose=["ev-gp"],
        catalogue=letters.load_catalogue(_res("grounds.toml")),
        template=letters.load_template(_res("template.toml")),
        organisation=demo.organisation,
        requester_capacity="her IMSA",
        consent_date=date(2025, 10, 9),
        today=date(2025, 10, 20),
        deadline=date(2025, 11, 5),
        guidance_version="3.12",
        time_limit_source="the Guidance",
    )
    args.update(kw)
    return letters.build_draft(demo.case, "dec-rg-1", **args)


def test_consent_type_and_legal_referral_follow_the_record() -> None:
    demo = jurisdiction_demo("england-wales")
    written = _draft(demo, consent_form="written")
    assert "gave written consent on 9 October 2025" in written.consent_statement
    verbal = _draft(demo, consent_form="verbal")
    assert "gave verbal consent" in verbal.consent_statement
    unknown = _draft(demo, consent_form="")
    assert "written" not in unknown.consent_statement and "verbal" not in unknown.consent_statement
    assert any(p.section == "consent" for p in letters.validate(unknown, date(2025, 10, 20)))
    none_recorded = _draft(demo)
    assert none_recorded.legal_referral == ""
    assert "legal advice" not in text_of(render_letter(none_recorded))
    referred = _draft(demo, legal_referral_on=date(2025, 10, 14))
    assert "referred for independent legal advice (recorded on 14 October 2025)" in text_of(
        render_letter(referred)
    )


def test_what_the_record_does_not_hold_is_marked_and_blocks_sending() -> None:
    demo = jurisdiction_demo("england-wales")
    d = _draft(demo, consent_date=None)
    assert "[not recorded: the date of consent]" in d.consent_statement
    with pytest.raises(LetterRefused):
        render_letter(d, strict=True)


def test_holding_request_asks_for_time_with_reasons_and_a_date() -> None:
    demo = jurisdiction_demo("northern-ireland")
    draft = demo_draft(demo, today=date(2025, 11, 17), mode="holding")
    text = text_of(render_letter(draft))
    assert "more time to provide the evidence" in text
    assert "medico-legal assessment" in text
    assert "We will send it by 22 December 2025" in text
    incomplete = _draft(
        jurisdiction_demo("england-wales"),
        mode="holding",
        chosen_grounds=[],
        enclose=[],
        holding=letters.Holding(),
    )
    assert any(
        p.section == "holding" and p.severity == "error"
        for p in letters.validate(incomplete, date(2025, 10, 20))
    )


def test_late_request_cites_its_own_enclosures_for_the_circumstances() -> None:
    demo = jurisdiction_demo("scotland")
    draft = demo_draft(demo, today=date(2025, 12, 8), mode="late")
    assert draft.mode == "late" and draft.exceptional.enclosure_numbers == [5]
    text = text_of(render_letter(draft))
    assert "exceptional circumstances" in text
    assert "The circumstances are shown by Enclosure 5." in text
    # A late letter cannot go out as a full request.
    full = demo_draft(jurisdiction_demo("scotland"), today=date(2025, 12, 8), mode="full")
    assert any(p.section == "timeliness" for p in letters.validate(full, date(2025, 12, 8)))


def test_a_decision_under_the_removal_bar_gets_no_letter_but_a_file_note() -> None:
    demo = jurisdiction_demo("england-wales")
    demo.case.decisions[0].removal_bar = model.RemovalBar.YES
    with pytest.raises(LetterRefused, match="judicial review is the route"):
        demo_draft(demo, today=date(2025, 10, 20))
    note = letters.file_note(
        demo.case,
        demo.case.decisions[0],
        letters.load_template(_res("template.toml")),
        today=date(2025, 10, 20),
        guidance_version="3.12",
    )
    joined = " ".join(note.paragraphs)
    assert "no reconsideration request can be made" in joined
    assert "Civil Procedure Rules r54.5(1)" in joined


def test_every_draft_is_watermarked_and_dated_and_embeds_every_font() -> None:
    demo = jurisdiction_demo("scotland")
    draft = demo_draft(demo, today=date(2025, 10, 27))
    pdf = render_letter(draft)
    reader = PdfReader(io.BytesIO(pdf))
    assert "DRAFT" in "".join(reader.pages[0].extract_text().split())
    created = reader.metadata.creation_date
    assert created is not None and created.year >= 2026  # the real date, not reportlab's 2000
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            f = font.get_object()
            desc = f.get("/FontDescriptor") or f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            desc = desc.get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f["/BaseFont"]


ARABIC = "فاطمة الزهراء"


def test_arabic_name_extracts_in_logical_order_and_is_shaped() -> None:
    demo = jurisdiction_demo("scotland")
    assert demo.case.survivor.full_name == ARABIC
    pdf = render_letter(demo_draft(demo, today=date(2025, 10, 27)))
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # Shaped: joined (presentation) forms are what was drawn, not isolated letters.
    assert any("\ufe70" <= ch <= "\ufeff" for ch in page)
    logical = " ".join(unicodedata.normalize("NFKC", page).split())
    assert ARABIC in logical


def test_cjk_and_korean_names_extract_exactly() -> None:
    for name in ("陳美玲", "山田はな子", "김민서"):
        demo = jurisdiction_demo("northern-ireland")
        demo.case.survivor.full_name = name
        text = text_of(render_letter(demo_draft(demo, today=date(2025, 11, 17))))
        assert f"We write on behalf of {name} to ask" in text


def test_an_undrawable_character_is_refused_naming_the_field() -> None:
    demo = jurisdiction_demo("england-wales")
    demo.case.survivor.nationality = "Vietnamese \U0001f600"
    with pytest.raises(DocumentError) as e:
        render_letter(demo_draft(demo, today=date(2025, 10, 20)))
    assert "nationality" in e.value.user_message
    assert "U+1F600" in e.value.user_message
    assert fonts.undrawable("陳美玲 김민서 ተስፋይ فاطمة Łódź") == []


def test_shipped_fonts_stay_small() -> None:
    assert fonts.fonts_total_size() < 10 * 1024 * 1024


def test_no_request_about_removal_for_a_british_survivor() -> None:
    demo = jurisdiction_demo("england-wales")
    assert any("remove" in t for t in demo_draft(demo, today=date(2025, 10, 20)).outcome_sought)
    demo.case.survivor.nationality = "British"
    asks = demo_draft(demo, today=date(2025, 10, 20)).outcome_sought
    assert not any("remove" in t for t in asks) and len(asks) == 4
