"""Builders and readers shared by tests in several folders (unit, integration, GUI).

Only fictional people appear here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdf
import pytest

if TYPE_CHECKING:
    from imsa_desktop.store.vault import Vault


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of a PDF, every run of white space folded to one space."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, every run of white space folded to one space."""
    return re.sub(r"\s+", " ", " ".join(pdf_pages(pdf)))


def decision(kind: str, outcome: str, on: str, **more: Any) -> dict[str, Any]:
    """One NRM decision as a case document holds it, e.g. ``decision("reasonable_grounds", "negative",
    "2025-01-20", removal_bar="yes")``."""
    return {"kind": kind, "outcome": outcome, "date": on, **more}


def case_doc(name: str, *decisions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A case document for a survivor called ``name`` with these decisions and any other fields."""
    doc: dict[str, Any] = {"survivor": {"full_name": name}, **fields}
    if decisions:
        doc["decisions"] = list(decisions)
    return doc


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


def assert_case_letter(text: str, *dates: str) -> None:
    """What an advocate checks in the reconsideration letter drafted from ``letter_case_doc()`` with
    the new-evidence and wrong-threshold grounds: who, which decision, the grounds, the enclosures."""
    assert "Nguyễn Thị Hồng" in text
    assert "NRM-2025-0042" in text and "SCA/RG/123" in text
    assert "20 January 2025" in text
    for day in dates:
        assert day in text
    assert "Single Competent Authority" in text
    assert "Additional evidence not before the decision maker" in text
    assert "A higher standard than the guidance permits was applied" in text
    assert "Enclosure 1" in text and "GP letter on injuries" in text
    assert "Enclosure 2" in text and "Police crime reference letter" in text
    assert "Sam Example" in text


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Runs the ``imsa`` command in this process: (exit code, standard output, standard error)."""
    from imsa_desktop.cli import main as cli

    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@contextmanager
def new_vault(
    path: Path, monkeypatch: pytest.MonkeyPatch, advocate: str = "Test Advocate", **create: Any
) -> Iterator[Vault]:
    """Creates a vault to fill in the ``with`` block; it is closed after, and the ``imsa`` command is
    given its passphrase through IMSA_PASSPHRASE, as a command-line test wants."""
    from imsa_desktop.crypto.kdf import TEST_PARAMS
    from imsa_desktop.store.vault import Vault
    from tests.conftest import PASSPHRASE

    v, _recovery = Vault.create(path, PASSPHRASE, advocate, TEST_PARAMS, **create)
    try:
        yield v
    finally:
        v.close()
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)


class BundleSink:
    """Collects what a bundle reader hands out: pass ``on_case`` and ``on_attachment``."""

    def __init__(self) -> None:
        self.cases: list[dict[str, Any]] = []
        self.attachments: dict[str, bytes] = {}

    def on_case(self, case: dict[str, Any]) -> None:
        self.cases.append(case)

    def on_attachment(self, ident: str, chunks: Iterator[bytes]) -> None:
        self.attachments[ident] = b"".join(chunks)


def gp_letter_choices() -> Any:
    """Letter choices for ``letter_case_doc()``: the new-evidence ground with the GP letter enclosed,
    saying what it shows (a letter cannot be sent until each enclosure does)."""
    from imsa_desktop.domain.letters import EnclosureNote
    from imsa_desktop.services.letters import LetterChoices

    shows = {"ev-gp": EnclosureNote(shows="Injuries consistent with her account")}
    return LetterChoices(grounds=["new_evidence"], enclose=["ev-gp"], enclosure_notes=shows)
