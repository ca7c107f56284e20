"""A ground's default citations come from one rule in the domain (the builder shows the same)."""

from __future__ import annotations

from imsa_desktop.domain.letters import default_cited

ENCLOSED = ["gp-letter", "payslips", "witness-statement"]
BEFORE = {"payslips"}  # already before the decision maker when the decision was made


def test_new_evidence_cites_what_the_decision_maker_had_not_seen() -> None:
    assert default_cited("new_evidence", ENCLOSED, lambda e: e in BEFORE) == [
        "gp-letter",
        "witness-statement",
    ]


def test_a_guidance_ground_cites_nothing_by_default() -> None:
    assert default_cited("guidance", ENCLOSED, lambda e: e in BEFORE) == []
