"""Nothing readable leaks to disk: not the name, not a note, not the reference."""

from __future__ import annotations

import json
from pathlib import Path

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import cases as case_service
from tests.conftest import PASSPHRASE, FixedClock
from tests.unit.fakes import CONTRACT_DOCUMENT_JSON

NAME = "Nguyễn Thị Hồng"
NOTE = "Zephyrine orchard ledger kept under the stairs"
REFERENCE = "NRM-QX7K-PLAINTEXT-4471"


def _needles() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for label, text in (("name", NAME), ("note", NOTE), ("reference", REFERENCE), ("surname", "Nguyễn")):
        out[f"{label} utf-8"] = text.encode("utf-8")
        out[f"{label} utf-16-le"] = text.encode("utf-16-le")
        out[f"{label} utf-16-be"] = text.encode("utf-16-be")
    return out


def _scan(*roots: Path) -> tuple[int, list[str]]:
    needles = _needles()
    files, hits = 0, []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            files += 1
            hits += [f"{path}: {label}" for label, n in needles.items() if n in data]
    return files, hits


def test_no_plaintext_anywhere_under_the_vault_folder_or_home(
    vault_path: Path, private_home: Path, clock: FixedClock
) -> None:
    doc = json.loads(CONTRACT_DOCUMENT_JSON)
    doc["decisions"][0]["reference"] = REFERENCE
    doc["notes"] = NOTE
    doc["evidence"][0]["body"] = NOTE
    vault, _ = vault_service.create_vault(vault_path, PASSPHRASE, "Test Advocate", params=TEST_PARAMS)
    case_id = case_service.add_case(vault.unit_of_work(), doc, clock=clock)
    case_service.update_case(
        vault.unit_of_work(), case_id, {"survivor": {"aliases": [NAME.upper()]}}, clock=clock
    )
    # the text really is stored (and indexed), just not readable on disk
    assert [r.id for r in case_service.list_cases(vault.unit_of_work(), text="Zephyrine")] == [case_id]

    # while open (the WAL holds fresh pages) ...
    files, hits = _scan(vault_path.parent, private_home)
    assert files >= 2 and hits == []
    vault.close()
    # ... and after closing
    files, hits = _scan(vault_path.parent, private_home)
    assert files >= 2 and hits == []
    # the scan itself works: the needles are findable in a plain file
    (vault_path.parent / "control.txt").write_text(f"{NAME} {NOTE}", encoding="utf-16-le")
    assert len(_scan(vault_path.parent)[1]) >= 2
