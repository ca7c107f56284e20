"""Saved letters keep everything the new builder adds, and letters saved before it still open."""

from __future__ import annotations

from datetime import date

from imsa_desktop.documents.samples import demo_draft, jurisdiction_demo
from imsa_desktop.domain import letter_records as lr


def test_holding_and_late_drafts_survive_saving() -> None:
    for juris, mode, today in (
        ("northern-ireland", "holding", date(2025, 11, 17)),
        ("scotland", "late", date(2025, 12, 8)),
        ("england-wales", "full", date(2025, 10, 20)),
    ):
        d = demo_draft(jurisdiction_demo(juris), today=today, mode=mode)
        again = lr.draft_from_dict(lr.draft_to_dict(d))
        d.organisation.logo_png = None
        assert again == d
        assert again.mode == mode and again.jurisdiction == juris


def test_a_letter_saved_before_modes_and_reasons_existed_still_opens() -> None:
    d = demo_draft(jurisdiction_demo("england-wales"), today=date(2025, 10, 20))
    data = lr.draft_to_dict(d)
    for key in (
        "mode",
        "jurisdiction",
        "marking",
        "framework",
        "stage_test",
        "decision_reasons",
        "holding",
        "respond_by",
        "addressee_placeholder",
        "consent_form",
        "legal_referral",
        "reasons_intro",
    ):
        data.pop(key)
    for e in data["enclosures"]:
        for key in ("shows", "why_not_earlier", "before_decision_maker", "new"):
            e.pop(key)
    for g in data["grounds"]:
        g.pop("answers")
    old = lr.draft_from_dict(data)
    assert old.mode == "full" and old.decision_reasons == [] and old.enclosures[0].shows == ""
