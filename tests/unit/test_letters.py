"""Reconsideration letter content: what an advocate would check in the draft."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imsa_desktop.domain import letters, model
from imsa_desktop.errors import LetterRefused, NotFound

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = letters.load_catalogue(ROOT / "resources" / "letters" / "grounds.toml")
TEMPLATE = letters.load_template(ROOT / "resources" / "letters" / "template.toml")
ORG = letters.Organisation(
    name="Example Advocacy Service",
    address_lines=["1 Sample Street"],
    signatory_name="Sam Example",
    signatory_role="IMSA",
)


def make_case(
    kind=model.DecisionKind.REASONABLE_GROUNDS, outcome=model.Outcome.NEGATIVE, authority=model.Authority.SCA
):
    return model.Case(
        id="c1",
        survivor=model.Survivor(
            full_name="Nguyễn Thị Hồng", date_of_birth=date(1994, 3, 2), nationality="Vietnamese"
        ),
        referral=model.Referral(reference="NRM-2025-000123"),
        decisions=[
            model.Decision(
                id="d1",
                kind=kind,
                outcome=outcome,
                date=date(2025, 1, 20),
                authority=authority,
                reference="HO-REF-9",
            )
        ],
    )


def _evidence(item_id: str, title: str, kind: model.EvidenceKind, obtained: date) -> model.EvidenceItem:
    return model.EvidenceItem(id=item_id, case_id="c1", title=title, kind=kind, date_obtained=obtained)


EVIDENCE = [
    _evidence("e1", "GP letter", model.EvidenceKind.MEDICAL, date(2025, 1, 25)),
    _evidence("e2", "Police letter", model.EvidenceKind.POLICE, date(2025, 1, 30)),
    _evidence("e0", "Referral form", model.EvidenceKind.DOCUMENTS, date(2025, 1, 6)),
]
BEFORE_DM = {"e0": letters.EnclosureNote(shows="Indicators at referral", before_decision_maker=True)}
SHOWS = {
    "e1": letters.EnclosureNote(shows="Injuries consistent with her account"),
    "e2": letters.EnclosureNote(shows="The crime reference"),
    **BEFORE_DM,
}


def draft(
    case=None,
    *,
    grounds=("new_evidence",),
    enclose=("e1", "e2"),
    today=date(2025, 2, 4),
    deadline=date(2025, 2, 19),
    organisation=ORG,
    **kw,
):
    kw.setdefault("guidance_version", "3.12")
    kw.setdefault("time_limit_source", "Modern Slavery Statutory Guidance, paras 14.216-14.228")
    kw.setdefault("consent_form", "written")
    kw.setdefault("enclosure_notes", SHOWS)
    return letters.build_draft(
        case or make_case(),
        "d1",
        evidence=EVIDENCE,
        chosen_grounds=list(grounds),
        enclose=list(enclose),
        catalogue=CATALOGUE,
        template=TEMPLATE,
        organisation=organisation,
        requester_capacity="her IMSA",
        consent_date=kw.pop("consent_date", date(2025, 1, 27)),
        today=today,
        deadline=deadline,
        **kw,
    )


def errors(d, today):
    return [p for p in letters.validate(d, today) if p.severity == letters.ERROR]


def test_catalogue_has_the_required_grounds_with_guidance_references():
    grounds = letters.catalogue_grounds(CATALOGUE)
    for key in (
        "new_evidence",
        "wrong_threshold",
        "peripheral_credibility",
        "trauma_late_disclosure",
        "indicators_ignored",
        "reasonable_enquiries",
        "free",
    ):
        assert key in grounds
    assert "para 14.50" in grounds["wrong_threshold"]["guidance_ref"]
    assert "Annex D" in grounds["trauma_late_disclosure"]["guidance_ref"]
    assert TEMPLATE["template_version"]


def test_draft_has_references_dates_and_authority():
    d = draft()
    assert d.authority_name == "Single Competent Authority"
    assert d.survivor_name == "Nguyễn Thị Hồng"
    assert d.nrm_reference == "NRM-2025-000123" and d.decision_reference == "HO-REF-9"
    assert d.date_of_birth == "2 March 1994"
    assert "20 January 2025" in d.opening
    assert d.deadline == date(2025, 2, 19)  # the date the deadline rules gave
    assert not d.late and "19 February 2025" in d.timeliness
    # The judicial-review time limit is given as the reason to respond by a date, not as advice.
    assert d.jr_note == ""
    assert any("54.5(1)" in t and "3 months" in t for t in d.outcome_sought)
    assert len(d.outcome_sought) == 5
    assert d.template_version == "2.0" and "version 3.12" in d.guidance_version


def test_ieca_decision_is_addressed_to_the_ieca():
    d = draft(make_case(authority=model.Authority.IECA))
    assert d.authority_name == "Immigration Enforcement Competent Authority"
    assert "Immigration Enforcement Competent Authority" in d.addressee_lines


def test_enclosures_are_numbered_in_order_and_cited_by_grounds():
    d = draft(
        grounds=["new_evidence", "not_considered"],
        enclose=["e2", "e1", "e0"],
        ground_enclosures={"not_considered": ["e0"]},
    )
    assert [(e.number, e.evidence_id) for e in d.enclosures] == [(1, "e2"), (2, "e1"), (3, "e0")]
    # By default additional evidence cites every enclosure not marked as before the decision maker.
    assert d.grounds[0].enclosure_numbers == [1, 2]
    assert "see Enclosure 1 and Enclosure 2" in d.grounds[0].text
    assert d.grounds[1].enclosure_numbers == [3]
    assert "see Enclosure 3" in d.grounds[1].text
    assert letters.ready(d)


def test_ground_without_enclosure_or_fact_is_flagged():
    d = draft(grounds=["new_evidence", "wrong_threshold"])
    problems = letters.validate(d, date(2025, 2, 4))
    assert any(p.section == "ground 2" and "cites no enclosure" in p.message for p in problems)
    # a ground the template leaves open is an error until the advocate fills it
    d.grounds[1].text = "The decision demanded objective evidence [evidence to be added]."
    assert not letters.ready(d)
    d.grounds[1].text = "The decision demanded objective evidence (see Enclosure 1)."
    d.grounds[1].enclosure_numbers = [1]
    assert letters.ready(d)


def test_a_fact_from_the_chronology_is_enough_support():
    d = draft(
        grounds=["wrong_threshold"], enclose=[], ground_facts={"wrong_threshold": ["14 October 2024: raid"]}
    )
    assert not any("cites no enclosure" in p.message for p in letters.validate(d, date(2025, 2, 4)))
    assert letters.ready(d)


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        (model.DecisionKind.REASONABLE_GROUNDS, model.Outcome.POSITIVE),
        (model.DecisionKind.CONCLUSIVE_GROUNDS, model.Outcome.PENDING),
        (model.DecisionKind.RECONSIDERATION, model.Outcome.NEGATIVE),
        (model.DecisionKind.VTS, model.Outcome.NEGATIVE),
    ],
)
def test_refuses_decisions_that_are_not_negative_rg_or_cg(kind, outcome):
    with pytest.raises(LetterRefused):
        draft(make_case(kind, outcome))


def test_negative_cg_is_accepted():
    assert draft(make_case(model.DecisionKind.CONCLUSIVE_GROUNDS)).decision_type == "Conclusive Grounds"


def test_unknown_decision_ground_or_evidence_is_refused():
    with pytest.raises(NotFound):
        letters.build_draft(
            make_case(),
            "nope",
            evidence=EVIDENCE,
            chosen_grounds=["new_evidence"],
            enclose=[],
            catalogue=CATALOGUE,
            template=TEMPLATE,
            organisation=ORG,
            requester_capacity="IMSA",
            consent_date=None,
            today=date(2025, 2, 1),
            deadline=None,
        )
    with pytest.raises(LetterRefused) as e:
        draft(grounds=["made_up_ground"])
    assert "made_up_ground" in e.value.user_message
    with pytest.raises(NotFound):
        draft(enclose=["e1", "missing"])


def test_late_request_needs_the_exceptional_circumstances():
    d = draft(today=date(2025, 3, 1))
    assert d.late and "ended on 19 February 2025" in d.timeliness
    errs = errors(d, date(2025, 3, 1))
    assert any(p.section == "exceptional" for p in errs)
    assert not letters.ready(d)
    d.exceptional.reason_for_delay = "She missed the window because of a hospital admission."
    d.exceptional.why_material = "The GP letter explains the late disclosure."
    assert not letters.ready(d)  # still incomplete
    d.exceptional.why_not_earlier = "The GP letter was only issued on 25 January 2025."
    assert letters.ready(d)


def test_deadline_passing_after_drafting_is_an_error():
    d = draft(today=date(2025, 2, 4))
    assert letters.ready(d, date(2025, 2, 4))
    assert any(
        p.section == "timeliness" and "late request" in p.message for p in errors(d, date(2025, 2, 20))
    )


def test_missing_consent_and_free_ground_without_text_are_errors():
    d = draft(grounds=["new_evidence", "free"], consent_date=None)
    sections = {p.section for p in errors(d, date(2025, 2, 4))}
    assert "consent" in sections and "ground 2" in sections


def test_edited_text_is_kept_and_unfilled_placeholders_are_caught():
    d = draft()
    d.opening = "We write about the decision of {decison_date}."
    assert any("placeholder" in p.message for p in errors(d, date(2025, 2, 4)))


def test_messages_carry_no_case_text():
    d = draft(grounds=["new_evidence", "free"], consent_date=None, today=date(2025, 3, 1))
    for p in letters.validate(d, date(2025, 3, 1)):
        assert "Nguyễn" not in p.message and "NRM-2025" not in p.message


def test_cite_and_fill():
    assert letters.cite([1]) == "Enclosure 1"
    assert letters.cite([1, 2, 4]) == "Enclosure 1, Enclosure 2 and Enclosure 4"
    assert letters.fill("{a} and {b}", {"a": "x"}) == "x and {b}"


def test_without_a_letterhead_the_signing_advocate_acts_for_the_survivor() -> None:
    """A fresh vault has no organisation set: the letter must still read as whole sentences."""
    import dataclasses

    unnamed = dataclasses.replace(ORG, name="", signatory_name="Sam Example")
    signed = draft(enclose=("e1",), deadline=None)
    assert not errors(signed, date(2025, 2, 4))
    d = draft(enclose=("e1",), deadline=None, organisation=unnamed)
    text = repr(dataclasses.asdict(d))
    assert "Sam Example writes as her IMSA" in text
    assert any(
        p.section == "letterhead" and p.severity == letters.WARNING
        for p in letters.validate(d, date(2025, 2, 4))
    )
    nobody = dataclasses.replace(unnamed, signatory_name="")
    d2 = draft(enclose=("e1",), deadline=None, organisation=nobody)
    assert errors(d2, date(2025, 2, 4))  # the gap is refused until someone fills it
