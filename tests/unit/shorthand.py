"""Shorthands the domain and deadline tests share: jurisdictions, decision kinds and outcomes."""

from __future__ import annotations

from imsa_desktop.domain.model import DecisionKind, Jurisdiction, Outcome

EW, SCT, NI = Jurisdiction.ENGLAND_WALES, Jurisdiction.SCOTLAND, Jurisdiction.NORTHERN_IRELAND
RG, CG, RECON, VTS, PO = (
    DecisionKind.REASONABLE_GROUNDS,
    DecisionKind.CONCLUSIVE_GROUNDS,
    DecisionKind.RECONSIDERATION,
    DecisionKind.VTS,
    DecisionKind.PUBLIC_ORDER_DISQUALIFICATION,
)
POS, NEG, PENDING = Outcome.POSITIVE, Outcome.NEGATIVE, Outcome.PENDING
