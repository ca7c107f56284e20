"""Letters as records, through the services, against the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from imsa_desktop.domain import letters
from imsa_desktop.domain.letter_records import LetterOutcome, LetterStatus, met_evidence
from imsa_desktop.domain.model import EventKind
from imsa_desktop.errors import InvalidInput, LetterRefused, NotFound, UnknownCase
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import letters as letter_service
from imsa_desktop.services import organisation as org_service
from tests.helpers import assert_case_letter, letter_case_doc, pdf_text
from tests.unit.fakes import LetterFakeUnitOfWork

NOW = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)
TODAY = date(2025, 2, 1)  # the negative RG of 20 January 2025 is due by 19 February 2025
LATE = date(2025, 3, 3)


def clock() -> datetime:
    return NOW


CASE_DOC = letter_case_doc(
    {"id": "dec-pos", "kind": "reasonable_grounds", "outcome": "positive", "date": "2024-11-02"}
)


@pytest.fixture
def uow() -> LetterFakeUnitOfWork:
    u = LetterFakeUnitOfWork(clock=clock)
    case_service.add_case(u, CASE_DOC, clock=clock, today=TODAY)
    return u


@pytest.fixture
def case_id(uow: LetterFakeUnitOfWork) -> str:
    return uow.cases.ids()[0]


def choices(**kw: object) -> letter_service.LetterChoices:
    base: dict[str, object] = {
        "grounds": ["new_evidence", "wrong_threshold"],
        "enclose": ["ev-gp", "ev-police"],
        "ground_enclosures": {"new_evidence": ["ev-gp", "ev-police"], "wrong_threshold": []},
        "ground_facts": {"wrong_threshold": ["14 October 2024: Found by police during a raid"]},
        "enclosure_notes": {
            "ev-gp": letters.EnclosureNote(shows="Injuries consistent with her account"),
            "ev-police": letters.EnclosureNote(shows="The crime reference and the investigation"),
        },
    }
    base.update(kw)
    return letter_service.LetterChoices(**base)  # type: ignore[arg-type]


EXCEPTIONAL = letters.ExceptionalCircumstances(
    reason_for_delay="The GP letter arrived only after the deadline.",
    why_material="It records injuries consistent with her account.",
    why_not_earlier="The surgery took five weeks to answer our request.",
)


def test_letter_pdf_from_services_has_what_the_authority_checks(uow, case_id) -> None:
    draft, pdf = letter_service.reconsideration_pdf(
        uow, case_id, "dec-rg", choices(), today=TODAY, default_signatory="Sam Example"
    )
    assert draft.deadline == date(2025, 2, 19) and not draft.late
    assert draft.consent_date == date(2025, 1, 27)  # the latest consent recorded on the case
    assert_case_letter(pdf_text(pdf), "19 February 2025")


def test_refusals_are_one_clear_sentence(uow, case_id) -> None:
    with pytest.raises(UnknownCase):
        letter_service.draft_letter(uow, "no-such-case", "dec-rg", choices(), today=TODAY)
    with pytest.raises(NotFound, match="no decision with that id"):
        letter_service.draft_letter(uow, case_id, "nope", choices(), today=TODAY)
    with pytest.raises(LetterRefused, match="Only a negative decision"):
        letter_service.draft_letter(uow, case_id, "dec-pos", choices(), today=TODAY)
    with pytest.raises(NotFound, match="not an evidence item"):
        letter_service.draft_letter(uow, case_id, "dec-rg", choices(enclose=["ev-x"]), today=TODAY)


def test_late_request_needs_the_exceptional_circumstances(uow, case_id) -> None:
    with pytest.raises(LetterRefused, match="exceptional-circumstances section"):
        letter_service.reconsideration_pdf(
            uow, case_id, "dec-rg", choices(), today=LATE, default_signatory="Sam Example"
        )
    draft, pdf = letter_service.reconsideration_pdf(
        uow, case_id, "dec-rg", choices(exceptional=EXCEPTIONAL), today=LATE, default_signatory="Sam Example"
    )
    assert draft.late
    text = pdf_text(pdf)
    assert "Exceptional circumstances" in text and "five weeks" in text


def test_save_send_respond_and_outcome(uow, case_id) -> None:
    draft = letter_service.draft_letter(
        uow, case_id, "dec-rg", choices(), today=TODAY, default_signatory="Sam Example"
    )
    draft.grounds[0].text += " The GP saw her twice."  # the advocate's own edit is kept
    rec = letter_service.save_draft(uow, draft, clock=clock)
    assert rec.status is LetterStatus.DRAFT
    assert "(version " in rec.guidance_version and rec.template_version == "2.0"
    assert [r.id for r in letter_service.list_letters(uow, case_id)] == [rec.id]

    sent = letter_service.mark_sent(
        uow, rec.id, sent_on=date(2025, 2, 3), today=date(2025, 2, 3), clock=clock
    )
    assert sent.status is LetterStatus.SENT and sent.sent_on == date(2025, 2, 3)
    pdf = letter_service.sent_pdf(uow, rec.id)
    assert "The GP saw her twice." in pdf_text(pdf) and "3 February 2025" in pdf_text(pdf)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == sent.pdf_sha256
    events = {e.id: e for e in uow.events.for_case(case_id)}
    letter_event = events[sent.letter_event_id]
    assert letter_event.kind is EventKind.LETTER and letter_event.date.earliest == date(2025, 2, 3)
    follow = events[sent.follow_up_event_id]
    assert follow.kind is EventKind.DEADLINE and follow.date.earliest == date(2025, 3, 3)
    assert [e.action for e in uow.audit.entries(case_id)][:2] == ["viewed", "sent"]

    with pytest.raises(InvalidInput, match="already been marked as sent"):
        letter_service.mark_sent(uow, rec.id, sent_on=date(2025, 2, 3), today=date(2025, 2, 3))
    with pytest.raises(InvalidInput, match="can no longer be changed"):
        letter_service.save_draft(uow, draft, letter_id=rec.id)
    with pytest.raises(InvalidInput, match="cannot be deleted"):
        letter_service.delete_draft(uow, rec.id)
    with pytest.raises(InvalidInput, match="before the letter was sent"):
        letter_service.mark_response(uow, rec.id, received_on=date(2025, 2, 2), today=date(2025, 3, 1))

    answered = letter_service.mark_response(
        uow, rec.id, received_on=date(2025, 2, 20), today=date(2025, 3, 1)
    )
    assert answered.status is LetterStatus.RESPONSE_RECEIVED
    assert "Done:" in uow.events.get(sent.follow_up_event_id).notes
    done = letter_service.record_outcome(
        uow, rec.id, LetterOutcome.OVERTURNED, on=date(2025, 2, 28), today=date(2025, 3, 1)
    )
    assert done.status is LetterStatus.OUTCOME and done.outcome is LetterOutcome.OVERTURNED
    assert letter_service.get_letter(uow, rec.id).outcome_on == date(2025, 2, 28)


def test_sending_late_without_exceptional_changes_nothing(uow, case_id) -> None:
    draft = letter_service.draft_letter(
        uow, case_id, "dec-rg", choices(), today=TODAY, default_signatory="Sam Example"
    )
    rec = letter_service.save_draft(uow, draft, clock=clock)
    before = uow.snapshot()
    with pytest.raises(LetterRefused, match="deadline has passed|exceptional"):
        letter_service.mark_sent(uow, rec.id, sent_on=LATE, today=LATE)
    assert uow.snapshot() == before
    assert not uow.letter_pdfs.has(rec.id)


def test_drafts_can_be_edited_and_deleted(uow, case_id) -> None:
    draft = letter_service.draft_letter(
        uow, case_id, "dec-rg", choices(), today=TODAY, default_signatory="Sam Example"
    )
    rec = letter_service.save_draft(uow, draft, clock=clock)
    draft.jr_note = "Take advice from a public law solicitor now."
    again = letter_service.save_draft(uow, draft, letter_id=rec.id, clock=clock)
    assert again.to_draft().jr_note == "Take advice from a public law solicitor now."
    letter_service.delete_draft(uow, rec.id)
    assert letter_service.list_letters(uow, case_id) == []


def test_met_evidence_for_the_deadline_engine(uow, case_id) -> None:
    draft = letter_service.draft_letter(
        uow, case_id, "dec-rg", choices(), today=TODAY, default_signatory="Sam Example"
    )
    rec = letter_service.save_draft(uow, draft, clock=clock)
    keys = ["reconsideration_rg_2024:dec-rg", "cg_decision_expected:dec-rg"]
    assert letter_service.met_evidence(uow, case_id, keys) == {}
    letter_service.mark_sent(uow, rec.id, sent_on=date(2025, 2, 3), today=date(2025, 2, 3))
    assert met_evidence(letter_service.list_letters(uow, case_id), keys) == {
        "reconsideration_rg_2024:dec-rg": date(2025, 2, 3)
    }


# ---- organisation settings -----------------------------------------------------------------


def test_organisation_letterhead_signatory_and_addressee_print(uow, case_id) -> None:
    settings = org_service.OrgSettings(
        name="Example Anti-Slavery Advocacy Service",
        address_lines=["1 Sample Street", "Exampletown EX1 2MP"],
        signatory_name="Paweł Wiśniewski",
        signatory_role="Senior IMSA",
        addressees={"SCA": ["Single Competent Authority", "PO Box 0000", "Example City EX9 9XX"]},
    )
    org_service.save_settings(uow, settings)
    assert org_service.get_settings(uow) == settings
    _draft, pdf = letter_service.reconsideration_pdf(uow, case_id, "dec-rg", choices(), today=TODAY)
    text = pdf_text(pdf)
    assert "Paweł Wiśniewski" in text and "Example Anti-Slavery Advocacy Service" in text
    assert "PO Box 0000" in text


def test_logo_must_be_a_small_image(uow) -> None:
    with pytest.raises(InvalidInput, match="PNG or JPEG"):
        org_service.set_logo(uow, b"GIF89a....")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    org_service.set_logo(uow, png)
    assert org_service.get_logo(uow) == png
    org_service.set_logo(uow, None)
    assert org_service.get_logo(uow) is None


def test_template_edits_are_versioned_and_can_be_reset(uow, case_id) -> None:
    shipped = org_service.template_text(uow)
    assert shipped.shipped and shipped.version == "2.0"
    edited = shipped.text.replace('salutation = "Dear Sir or Madam,"', 'salutation = "Dear Colleague,"')
    with pytest.raises(InvalidInput, match="raise its version"):
        org_service.save_template_text(uow, edited)
    with pytest.raises(InvalidInput, match="not valid TOML"):
        org_service.save_template_text(uow, "template_version = ")
    bumped = edited.replace('template_version = "2.0"', 'template_version = "2.1-example"')
    assert org_service.save_template_text(uow, bumped) == "2.1-example"
    draft = letter_service.draft_letter(uow, case_id, "dec-rg", choices(), today=TODAY)
    assert draft.salutation == "Dear Colleague," and draft.template_version == "2.1-example"
    org_service.reset_template(uow)
    assert org_service.template_text(uow).shipped
    draft = letter_service.draft_letter(uow, case_id, "dec-rg", choices(), today=TODAY)
    assert draft.salutation == "Dear Sir or Madam,"


def test_catalogue_edits_add_grounds(uow, case_id) -> None:
    current = org_service.catalogue_text(uow)
    extra = (
        current.text.replace('catalogue_version = "2026.1"', 'catalogue_version = "2026.1-org"')
        + '\n[[ground]]\nkey = "interpreter"\ntitle = "No interpreter at the interview"\n'
        'category = "guidance"\nguidance_ref = "Annex X"\n'
        'text = "No interpreter was provided ({enclosures})."\n'
    )
    org_service.save_catalogue_text(uow, extra)
    draft = letter_service.draft_letter(
        uow,
        case_id,
        "dec-rg",
        choices(
            grounds=["interpreter"],
            ground_enclosures={"interpreter": []},
            ground_facts={"interpreter": ["20 January 2025: interview"]},
        ),
        today=TODAY,
    )
    assert draft.grounds[0].title == "No interpreter at the interview"
    assert draft.catalogue_version == "2026.1-org"
    with pytest.raises(InvalidInput, match="unknown category"):
        org_service.save_catalogue_text(uow, extra.replace('category = "guidance"', 'category = "x"'))


def test_file_note_gives_the_judicial_review_limit_and_never_reaches_the_letter(uow, case_id) -> None:
    ctx = letter_service.load_context(uow, case_id, "dec-rg", today=TODAY, default_signatory="Sam Example")
    note = letter_service.file_note(ctx, TODAY)
    joined = " ".join(note.paragraphs)
    assert "Civil Procedure Rules r54.5(1)" in joined
    assert "Outer limit counted by the deadline rules: 20 April 2025" in joined  # 3 months after 20 Jan
    assert "No referral for independent legal advice is recorded" in joined
    draft = letter_service.build(ctx, choices(), TODAY)
    letter_text = " ".join(t for _, t in draft.all_texts())
    assert "20 April 2025" not in letter_text and "advised" not in letter_text


def _redate_the_rg(uow: LetterFakeUnitOfWork, case_id: str, on: date) -> None:
    """Moves the case's negative RG (its first decision) to another date."""
    with uow:
        case = uow.cases.get(case_id)
        case.decisions[0].date = on
        uow.cases.save(case)
        uow.commit()


def test_a_decision_before_the_2024_limit_has_no_deadline_in_the_context(uow, case_id) -> None:
    _redate_the_rg(uow, case_id, date(2023, 12, 1))
    ctx = letter_service.load_context(uow, case_id, "dec-rg", today=date(2024, 1, 15))
    assert ctx.deadline is None and not ctx.late and ctx.days_left is None
    assert ctx.guidance_version  # still cites the guidance version in force then


@pytest.mark.parametrize("consent_type", ["written", "verbal", "not_recorded"])
def test_consent_wording_follows_the_consent_record(consent_type: str) -> None:
    u = LetterFakeUnitOfWork(clock=clock)
    doc = {
        **CASE_DOC,
        "consents": [
            {"purpose": "nrm_referral", "date": "2025-01-06", "consent_type": "written"},
            {"purpose": "share_competent_authority", "date": "2025-01-27", "consent_type": consent_type},
        ],
    }
    cid = case_service.add_case(u, doc, clock=clock, today=TODAY)
    draft = letter_service.draft_letter(u, cid, "dec-rg", choices(), today=TODAY, default_signatory="Sam")
    assert draft.consent_date == date(2025, 1, 27)  # the consent to share with the SCA/IECA
    if consent_type == "not_recorded":
        assert "written" not in draft.consent_statement and "verbal" not in draft.consent_statement
    else:
        assert f"gave {consent_type} consent on 27 January 2025" in draft.consent_statement


def test_removal_bar_not_known_after_17_september_2025_is_flagged(uow, case_id) -> None:
    _redate_the_rg(uow, case_id, date(2025, 10, 1))
    ctx = letter_service.load_context(uow, case_id, "dec-rg", today=date(2025, 10, 10))
    assert "para 14.216" in ctx.caution and ctx.deadline is not None
