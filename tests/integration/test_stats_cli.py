"""`imsa stats` and `imsa stats combine` on real vaults: the figures, refusals, and a byte scan.

No export (JSON, CSV) and no report (CSV, PDF, its text extracted too) may contain any name,
reference, free-text note or date of birth of any case, in UTF-8 or UTF-16.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from imsa_desktop.cli import main as cli
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.domain.dates import format_date
from imsa_desktop.store.vault import Vault
from tests import stats_caseload
from tests.conftest import PASSPHRASE
from tests.helpers import run_cli

PERIOD = ["--from", "2025-01-01", "--to", "2025-09-30", "--today", "2025-08-01"]


@pytest.fixture
def two_vaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    a_path, b_path = tmp_path / "a" / "vault.imsa", tmp_path / "b" / "vault.imsa"
    a, _ = Vault.create(a_path, PASSPHRASE, "Advocate A (fictional)", TEST_PARAMS)
    try:
        stats_caseload.seed(a.unit_of_work())
    finally:
        a.close()
    b, _ = Vault.create(b_path, PASSPHRASE, "Advocate B (fictional)", TEST_PARAMS)
    try:
        cases = stats_caseload.build_cases()
        with b.unit_of_work() as uow:  # a colleague's vault: B and F again, under new ids
            for key in ("B", "F"):
                uow.cases.add(cases[key])
            uow.commit()
    finally:
        b.close()
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    return a_path, b_path


def _forbidden() -> list[str]:
    out = list(stats_caseload.NAMES) + list(stats_caseload.SURNAMES)
    out += [stats_caseload.REFERENCE_PREFIX, stats_caseload.NOTE_PREFIX.strip(), "Wexcombe", "Millbrook"]
    for dob in stats_caseload.DATES_OF_BIRTH:
        out += [dob.isoformat(), format_date(dob), dob.strftime("%d/%m/%Y")]
    return out


def _leaks(data: bytes) -> list[str]:
    found = []
    for s in _forbidden():
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            if s.encode(enc) in data:
                found.append(f"{s} ({enc})")
    return found


def test_export_combine_and_scan_every_output(two_vaults, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = two_vaults
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = run_cli(capsys, "stats", "--vault", str(a), *PERIOD, "--out", str(out / "a.json"))
    assert code == 0, err
    assert "exact" in err and stdout == ""
    assert run_cli(capsys, "stats", "--vault", str(a), *PERIOD, "--out", str(out / "a.csv"))[0] == 0
    assert run_cli(capsys, "stats", "--vault", str(b), *PERIOD, "--out", str(out / "b.json"))[0] == 0

    a_data = json.loads((out / "a.json").read_text(encoding="utf-8"))
    b_data = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert a_data["figures"]["cases.open_during"] == 8  # by hand: A B C D E F H I
    assert a_data["figures"]["deadlines.missed"] == 1  # D
    assert a_data["figures"]["letters.answered"] == 1  # B
    assert b_data["figures"]["cases.open_during"] == 2
    assert a_data["vault"] != b_data["vault"]

    code, _, err = run_cli(
        capsys, "stats", "combine", str(out / "a.json"), str(out / "b.json"), "--out", str(out / "report.csv")
    )
    assert code == 0, err
    report_csv = (out / "report.csv").read_text(encoding="utf-8-sig")
    assert "cases.open_during,Cases open during the period,10," in report_csv  # 8 + 2
    assert "referrals.total,Referrals and reports,9," in report_csv  # 7 + 2
    assert "referrals.duty_to_notify,Duty to Notify reports,fewer than 5," in report_csv  # 1
    assert "referrals.nrm,NRM referrals,hidden," in report_csv  # 8 = 9 - 1 would reveal the 1
    assert "cases.closed,Cases closed,fewer than 5," in report_csv
    code, _, err = run_cli(
        capsys, "stats", "combine", str(out / "a.json"), str(out / "b.json"), "--out", str(out / "report.pdf")
    )
    assert code == 0, err
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "report.pdf"), "-"], capture_output=True, check=True
    ).stdout
    assert b"Cases open during the period" in text and b"fewer than 5" in text
    fonts = subprocess.run(["pdffonts", str(out / "report.pdf")], capture_output=True, check=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts.stdout  # every font embedded

    for path in (out / "a.json", out / "a.csv", out / "b.json", out / "report.csv", out / "report.pdf"):
        assert _leaks(path.read_bytes()) == [], path.name
    assert _leaks(text) == []
    # the scan itself can find what it looks for
    assert _leaks("Ewa Kowalska".encode("utf-16-le")) and _leaks(b"born 1994-03-02")


def test_combine_refuses_the_same_vault_twice_and_other_schemas(two_vaults, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, _b = two_vaults
    run_cli(capsys, "stats", "--vault", str(a), *PERIOD, "--out", str(tmp_path / "a1.json"))
    run_cli(capsys, "stats", "--vault", str(a), *PERIOD, "--out", str(tmp_path / "a2.json"))
    report = tmp_path / "r.pdf"
    code, out, err = run_cli(
        capsys, "stats", "combine", str(tmp_path / "a1.json"), str(tmp_path / "a2.json"), "--out", str(report)
    )
    assert code == 1 and "same vault" in err and err.count("\n") == 1 and "Traceback" not in err
    assert not report.exists()
    data = json.loads((tmp_path / "a1.json").read_text(encoding="utf-8"))
    data["schema"] = "imsa-stats/9"
    (tmp_path / "new.json").write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run_cli(capsys, "stats", "combine", str(tmp_path / "new.json"), "--out", str(report))
    assert code == 1 and "new.json" in err and "imsa-stats/9" in err and err.count("\n") == 1
    (tmp_path / "junk.json").write_text("not json", encoding="utf-8")
    code, _, err = run_cli(capsys, "stats", "combine", str(tmp_path / "junk.json"), "--out", str(report))
    assert code == 1 and "not a statistics export" in err
    assert not report.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2025-13-01", "--to", "2025-12-31", "--out", "s.json"], "is not a real date"),
        (["--from", "2025-06-01", "--to", "2025-01-01", "--out", "s.json"], "before its start"),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--out", "s.txt"], "must end in .json or .csv"),
    ],
)
def test_bad_input_is_exit_1_with_one_sentence(
    two_vaults, capsys, tmp_path: Path, monkeypatch, argv, message
) -> None:  # type: ignore[no-untyped-def]
    a, _b = two_vaults
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "stats", "--vault", str(a), *argv)
    assert code == 1 and message in err and err.count("\n") == 1 and out == ""
    assert not (tmp_path / "s.json").exists()


def test_missing_period_is_a_usage_error(two_vaults) -> None:  # type: ignore[no-untyped-def]
    a, _b = two_vaults
    with pytest.raises(SystemExit) as e:
        cli.main(["stats", "--vault", str(a), "--out", "s.json"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        cli.main(["stats", "combine", "a.json", "--out", "r.pdf", "--threshold", "few"])
    assert e.value.code == 2
