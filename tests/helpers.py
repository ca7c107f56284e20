"""Builders and readers shared by tests in several folders (unit, integration, GUI).

Only fictional people appear here.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, every run of white space folded to one space."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))


def letter_case_doc(
    *more_decisions: dict[str, Any],
    rg_reasons: tuple[str, ...] = (),
    more_events: tuple[dict[str, str], ...] = (),
    police_letter_obtained: str | None = "2025-01-30",
) -> dict[str, Any]:
    """A case with a negative RG of 20 January 2025 (due by 19 February), consent and two pieces of
    evidence: what the reconsideration letter tests draft from. Variations are the arguments."""
    rg: dict[str, Any] = {
        "id": "dec-rg",
        "kind": "reasonable_grounds",
        "outcome": "negative",
        "date": "2025-01-20",
        "authority": "SCA",
        "reference": "SCA/RG/123",
    }
    if rg_reasons:
        rg["reasons"] = list(rg_reasons)
    survivor = {"full_name": "Nguyễn Thị Hồng", "date_of_birth": "1994-03-02", "nationality": "Vietnamese"}
    referral = {"date": "2025-01-06", "first_responder": "Example Council", "reference": "NRM-2025-0042"}
    found = {"date": "2024-10-14", "title": "Found by police during a raid", "kind": "exit"}
    gp = {"id": "ev-gp", "title": "GP letter on injuries", "kind": "medical", "date_obtained": "2025-01-25"}
    police = {"id": "ev-police", "title": "Police crime reference letter", "kind": "police"}
    if police_letter_obtained:
        police["date_obtained"] = police_letter_obtained
    return {
        "survivor": survivor,
        "referral": referral,
        "decisions": [rg, *more_decisions],
        "consents": [{"purpose": "reconsideration request", "date": "2025-01-27"}],
        "events": [found, *more_events],
        "evidence": [gp, police],
    }
