"""`imsa erase`, `imsa audit`, `imsa sar`, `imsa retention`: exit codes and what they print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imsa_desktop.domain.model import CaseStatus
from imsa_desktop.services import cases as case_service
from tests.helpers import new_vault, run_cli


@pytest.fixture
def cli_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch, clock) -> tuple[Path, str, str]:
    hong = {
        "survivor": {"full_name": "Nguyễn Thị Hồng"},
        "events": [{"date": "2024-05-01", "title": "Left Hải Phòng"}],
    }
    with new_vault(vault_path, monkeypatch, clock=clock) as v:
        a = case_service.add_case(v.unit_of_work(), hong, clock=clock)
        b = case_service.add_case(v.unit_of_work(), {"survivor": {"full_name": "ሰላም ተስፋይ"}}, clock=clock)
        case_service.set_status(v.unit_of_work(), b, CaseStatus.CLOSED, "Support ended", clock=clock)
    return vault_path, a, b


def test_erase_needs_yes_then_leaves_a_tombstone(cli_vault, capsys) -> None:
    path, a, _ = cli_vault
    code, out, err = run_cli(capsys, "erase", "--vault", str(path), a)
    assert code == 1 and "--yes" in err and "Traceback" not in err
    code, out, err = run_cli(capsys, "case", "list", "--vault", str(path), "--json")
    assert a in out

    code, out, err = run_cli(capsys, "erase", "--vault", str(path), a, "--yes")
    assert code == 0 and "Erased case" in out and "Nguyễn" not in out
    code, out, err = run_cli(capsys, "audit", "--vault", str(path), "--case", a, "--json")
    assert code == 0
    assert [(e["action"], e["detail"]) for e in json.loads(out)] == [("erased", "case erased")]
    code, out, err = run_cli(capsys, "search", "--vault", str(path), "Hồng", "--json")
    assert json.loads(out) == []

    code, out, err = run_cli(capsys, "erase", "--vault", str(path), a, "--yes")
    assert code == 1 and err.strip() == "imsa: There is no case with that id in this vault."


def test_audit_filters_and_bad_dates(cli_vault, capsys) -> None:
    path, a, b = cli_vault
    code, out, err = run_cli(capsys, "audit", "--vault", str(path), "--action", "created", "--json")
    assert code == 0 and {e["case_id"] for e in json.loads(out)} == {a, b}
    code, out, err = run_cli(capsys, "audit", "--vault", str(path), "--since", "2025-02-02")
    assert code == 0 and out.strip() == "No audit entries match."
    code, out, err = run_cli(capsys, "audit", "--vault", str(path), "--since", "1st May")
    assert code == 1 and "YYYY-MM-DD" in err
    code, out, err = run_cli(capsys, "audit", "--vault", str(path))
    assert code == 0 and "created" in out and "Test Advocate" in out
    assert "Nguyễn" not in out and "ሰላም" not in out


def test_sar_writes_three_files(cli_vault, capsys, tmp_path: Path) -> None:
    path, a, _ = cli_vault
    out_dir = tmp_path / "sar"
    code, out, err = run_cli(capsys, "sar", "--vault", str(path), a, "--out-dir", str(out_dir))
    assert code == 1 and "does not exist" in err
    out_dir.mkdir()
    code, out, err = run_cli(capsys, "sar", "--vault", str(path), a, "--out-dir", str(out_dir))
    assert code == 0
    written = [Path(line) for line in out.split()]
    assert [p.suffix for p in written] == [".pdf", ".pdf", ".json"]
    assert all(p.parent == out_dir and p.stat().st_size > 0 for p in written)
    assert (
        json.loads(written[2].read_text(encoding="utf-8"))["case"]["survivor"]["full_name"]
        == "Nguyễn Thị Hồng"
    )
    code, out, err = run_cli(capsys, "sar", "--vault", str(path), a, "--out-dir", str(out_dir))
    assert code == 1 and "already exist" in err
    code, out, err = run_cli(capsys, "sar", "--vault", str(path), a, "--out-dir", str(out_dir), "--force")
    assert code == 0


def test_retention_lists_closed_cases_past_the_period(cli_vault, capsys) -> None:
    path, _, b = cli_vault
    code, out, err = run_cli(capsys, "retention", "--vault", str(path), "--today", "2026-01-01", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, err = run_cli(capsys, "retention", "--vault", str(path), "--today", "2031-02-01", "--json")
    rows = json.loads(out)
    assert [(r["case_id"], r["closed_on"], r["review_due"], r["reason"]) for r in rows] == [
        (b, "2025-02-01", "2031-02-01", "Support ended")
    ]
