"""`imsa letter reconsideration`, `imsa timeline` and `imsa summary` against a real vault."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.errors import ConflictError
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import letters as letter_service
from tests.conftest import PASSPHRASE
from tests.helpers import assert_case_letter, gp_letter_choices, letter_case_doc, new_vault, pdf_text, run_cli

REPO = Path(__file__).resolve().parents[2]
ENTRY = "import sys; from imsa_desktop.cli.main import main; raise SystemExit(main(sys.argv[1:]))"

CASE_DOC = letter_case_doc(
    {"id": "dec-pos", "kind": "conclusive_grounds", "outcome": "positive", "date": "2025-01-22"},
    more_events=(
        {"date": "2024-06", "title": "Recruited in Hải Phòng with a false job offer", "kind": "exploitation"},
        {"date": "2024-08-03", "title": "ሰላም ተስፋይ witnessed the debts being written down"},
        {"date": "2025-01-20", "title": "Negative RG decision received", "kind": "decision"},
    ),
    police_letter_obtained=None,
)


@pytest.fixture
def cli_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    with new_vault(vault_path, monkeypatch, "Sam Example") as v:
        cid = case_service.add_case(v.unit_of_work(), CASE_DOC, today=date(2025, 2, 1))
    return vault_path, cid


def letter_args(path: Path, cid: str, out: Path, *extra: str) -> list[str]:
    return [
        "letter", "reconsideration", "--vault", str(path), cid, "--decision", "dec-rg",
        "--ground", "new_evidence", "wrong_threshold", "--enclose", "ev-gp", "ev-police",
        "--cite", "wrong_threshold=ev-police", "--before-decision-maker", "ev-police",
        "--cite", "new_evidence=ev-gp", "--shows", "ev-gp=Injuries consistent with her account",
        "--shows", "ev-police=The crime reference",
        "--out", str(out), *extra,
    ]  # fmt: skip


def test_letter_in_a_subprocess(cli_vault, tmp_path: Path) -> None:
    path, cid = cli_vault
    out = tmp_path / "letter.pdf"
    env = {**os.environ, "IMSA_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            ENTRY,
            *letter_args(path, cid, out, "--today", "2025-02-01"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    # The vault's advocate (Sam Example) signs when no signatory is set.
    assert_case_letter(pdf_text(out.read_bytes()), "1 February 2025")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".imsa-")] == []


def test_late_letter_is_refused_without_the_exceptional_section(cli_vault, tmp_path, capsys) -> None:
    path, cid = cli_vault
    out = tmp_path / "late.pdf"
    code, _out, err = run_cli(capsys, *letter_args(path, cid, out, "--today", "2025-03-03"))
    assert code == 1
    assert "exceptional-circumstances section is required" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()

    code, _out, err = run_cli(
        capsys,
        *letter_args(
            path, cid, out, "--today", "2025-03-03",
            "--late-reason", "The GP letter arrived after the deadline.",
            "--materiality", "It records injuries consistent with her account.",
            "--why-not-earlier", "The surgery took five weeks to answer.",
        ),
    )  # fmt: skip
    assert code == 0, err
    text = pdf_text(out.read_bytes())
    assert "Exceptional circumstances" in text and "five weeks" in text


@pytest.mark.parametrize(
    ("case", "decision", "message"),
    [
        ("no-such-case", "dec-rg", "no case with that id"),
        (None, "no-such-decision", "no decision with that id"),
        (None, "dec-pos", "Only a negative decision"),
    ],
)
def test_refusals_exit_1_with_one_sentence(cli_vault, tmp_path, capsys, case, decision, message) -> None:
    path, cid = cli_vault
    out = tmp_path / "x.pdf"
    args = letter_args(path, case or cid, out, "--today", "2025-02-01")
    args[args.index("dec-rg")] = decision
    code, _out, err = run_cli(capsys, *args)
    assert code == 1 and message in err and err.count("\n") == 1
    assert not out.exists()


def test_existing_output_is_untouched_on_refusal(cli_vault, tmp_path, capsys) -> None:
    path, cid = cli_vault
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"previous")
    code, _o, _e = run_cli(capsys, *letter_args(path, cid, out, "--today", "2025-03-03"))
    assert code == 1 and out.read_bytes() == b"previous"


def test_save_draft_keeps_a_letter_record_and_audits(cli_vault, tmp_path, capsys) -> None:
    path, cid = cli_vault
    out = tmp_path / "draft.pdf"
    code, stdout, err = run_cli(capsys, *letter_args(path, cid, out, "--today", "2025-02-01", "--save-draft"))
    assert code == 0, err
    letter_id = stdout.strip()
    v = vault_service.unlock(path, PASSPHRASE)
    try:
        [rec] = letter_service.list_letters(v.unit_of_work(), cid)
        assert rec.id == letter_id and rec.status.value == "draft"
        with v.unit_of_work() as uow:
            hits = uow.search.search("higher standard")
            assert any(h.record_id == letter_id and h.kind == "letter" for h in hits)
            actions = [(e.action, e.detail) for e in uow.audit.entries(cid)]
        assert ("saved PDF", "reconsideration letter pdf") in actions
    finally:
        v.close()


def test_timeline_in_date_order_with_all_scripts(cli_vault, tmp_path, capsys) -> None:
    path, cid = cli_vault
    out = tmp_path / "timeline.pdf"
    code, _out, err = run_cli(
        capsys, "timeline", "--vault", str(path), cid, "--out", str(out), "--today", "2025-02-01"
    )
    assert code == 0, err
    text = pdf_text(out.read_bytes())
    assert "CONFIDENTIAL" in text
    titles = [
        "Recruited in Hải Phòng with a false job offer",
        "ሰላም ተስፋይ witnessed the debts being written down",
        "Found by police during a raid",
        "Negative RG decision received",
    ]
    positions = [text.find(t) for t in titles]
    assert -1 not in positions, positions
    assert positions == sorted(positions)
    assert "Nguyễn Thị Hồng" in text


def test_pseudonymous_timeline_and_summary_hide_the_name(cli_vault, tmp_path, capsys) -> None:
    path, cid = cli_vault
    for command in ("timeline", "summary"):
        out = tmp_path / f"{command}.pdf"
        code, _o, err = run_cli(
            capsys, command, "--vault", str(path), cid, "--out", str(out), "--pseudonymous"
        )
        assert code == 0, err
        text = pdf_text(out.read_bytes())
        assert "Nguyễn" not in text and "Hồng" not in text and "CONFIDENTIAL" in text


def test_timeline_unknown_case_and_missing_folder(cli_vault, tmp_path, capsys) -> None:
    path, _cid = cli_vault
    code, _o, err = run_cli(
        capsys, "timeline", "--vault", str(path), "nope", "--out", str(tmp_path / "t.pdf")
    )
    assert code == 1 and "no case with that id" in err
    code, _o, err = run_cli(
        capsys, "timeline", "--vault", str(path), "nope", "--out", str(tmp_path / "no" / "t.pdf")
    )
    assert code == 1 and "folder" in err


def test_sent_letter_pdf_survives_in_the_vault(vault, clock) -> None:
    cid = case_service.add_case(vault.unit_of_work(), CASE_DOC, clock=clock)
    draft = letter_service.draft_letter(
        vault.unit_of_work(),
        cid,
        "dec-rg",
        gp_letter_choices(),
        today=date(2025, 2, 1),
        default_signatory="Sam Example",
    )
    rec = letter_service.save_draft(vault.unit_of_work(), draft, clock=clock)
    sent = letter_service.mark_sent(
        vault.unit_of_work(), rec.id, sent_on=date(2025, 2, 1), today=date(2025, 2, 1), clock=clock
    )
    pdf = letter_service.sent_pdf(vault.unit_of_work(), rec.id)
    assert pdf.startswith(b"%PDF-") and "GP letter on injuries" in pdf_text(pdf)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == sent.pdf_sha256
    with pytest.raises(ConflictError, match="cannot be replaced"):
        with vault.unit_of_work() as uow:
            uow.letter_pdfs.put(rec.id, pdf)


def test_holding_request_from_the_cli(cli_vault, tmp_path, capsys) -> None:
    path, cid = cli_vault
    out = tmp_path / "holding.pdf"
    args = letter_args(path, cid, out, "--today", "2025-02-01", "--mode", "holding")
    code, _, err = run_cli(capsys, *args)
    assert code == 1 and "holding request must say" in err  # reason, evidence and date missing
    assert not out.exists()
    code, _, err = run_cli(
        capsys,
        *args,
        "--holding-reason", "The medico-legal report is booked.",
        "--awaited", "A medico-legal report",
        "--evidence-by", "2025-03-10",
    )  # fmt: skip
    assert code == 0, err
    text = " ".join(pdf_text(out.read_bytes()).split())
    assert "more time to provide the evidence" in text and "We will send it by 10 March 2025" in text
