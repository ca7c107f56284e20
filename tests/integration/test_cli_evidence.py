"""`imsa attach`, `imsa extract`, `imsa search`: exit codes, messages, and a 120 MB round trip."""

from __future__ import annotations

import errno
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from imsa_desktop.services import cases as case_service
from imsa_desktop.store import attachments as store_attachments
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
from tests.conftest import PASSPHRASE
from tests.helpers import new_vault, run_cli

MiB = 1024 * 1024


@pytest.fixture
def cli_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A vault (closed again) with one case holding evidence item 'ev-1'; returns (path, case id)."""
    doc = {
        "survivor": {"full_name": "ሰላም ተስፋይ", "aliases": ["Selam Tesfay-Haile"]},
        "events": [{"date": "2024-06-01", "title": "Recruited with a false job offer"}],
        "evidence": [{"id": "ev-1", "title": "Witness statement", "body": "anti-trafficking helpline"}],
    }
    with new_vault(vault_path, monkeypatch) as v:
        cid = case_service.add_case(v.unit_of_work(), doc)
    return vault_path, cid


def test_attach_extract_round_trip(cli_vault, tmp_path: Path, capsys) -> None:
    path, cid = cli_vault
    src = tmp_path / "statement.pdf"
    src.write_bytes(random.Random(1).randbytes(300_000))
    code, out, err = run_cli(capsys, "attach", "--vault", str(path), cid, "ev-1", str(src))
    assert (code, err) == (0, "")
    attachment_id = out.strip()
    assert len(attachment_id) == 36

    dest = tmp_path / "back.pdf"
    code, out, err = run_cli(capsys, "extract", "--vault", str(path), cid, attachment_id, str(dest))
    assert code == 0
    assert dest.read_bytes() == src.read_bytes()

    code, out, err = run_cli(capsys, "extract", "--vault", str(path), cid, attachment_id, str(dest))
    assert code == 1 and "already exists" in err and "Traceback" not in err
    code, out, err = run_cli(
        capsys, "extract", "--vault", str(path), "--force", cid, attachment_id, str(dest)
    )
    assert code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["attach", "{case}", "ev-1", "{tmp}/missing.pdf"], "That file does not exist."),
        (["attach", "{case}", "ev-1", "{tmp}"], "That is a folder, not a file; please choose a file."),
        (["attach", "no-such-case", "ev-1", "{tmp}/f.txt"], "There is no case with that id in this vault."),
        (
            ["attach", "{case}", "no-such-ev", "{tmp}/f.txt"],
            "There is no evidence item with that id in this case.",
        ),
        (
            ["extract", "{case}", "no-such-attachment", "{tmp}/o"],
            "There is no attachment with that id in this vault.",
        ),
        (["extract", "no-such-case", "x", "{tmp}/o"], "There is no case with that id in this vault."),
    ],
)
def test_expected_failures_exit_1_with_one_sentence(cli_vault, tmp_path: Path, capsys, argv, message) -> None:
    path, cid = cli_vault
    (tmp_path / "f.txt").write_text("hello")
    args = [a.format(case=cid, tmp=tmp_path) for a in argv]
    code, out, err = run_cli(capsys, args[0], "--vault", str(path), *args[1:])
    assert code == 1
    assert err.strip() == f"imsa: {message}"
    assert out == ""
    assert not (tmp_path / "o").exists()


def test_damaged_attachment_exits_1_and_leaves_nothing(cli_vault, tmp_path: Path, capsys) -> None:
    path, cid = cli_vault
    src = tmp_path / "f.bin"
    src.write_bytes(random.Random(2).randbytes(2 * MiB))
    _, out, _ = run_cli(capsys, "attach", "--vault", str(path), cid, "ev-1", str(src))
    attachment_id = out.strip()
    v = Vault.open(unwrap_with_passphrase(path, PASSPHRASE))
    try:
        assert v.conn is not None
        v.conn.execute(
            "UPDATE attachment_chunks SET data = zeroblob(length(data)) WHERE attachment_id = ? AND seq = 0",
            (attachment_id,),
        )
    finally:
        v.close()
    outdir = tmp_path / "out"
    outdir.mkdir()
    code, _, err = run_cli(capsys, "extract", "--vault", str(path), cid, attachment_id, str(outdir / "f.bin"))
    assert code == 1
    assert err.strip() == "imsa: This attachment is damaged (its contents no longer match its checksum)."
    assert list(outdir.iterdir()) == []


def test_disk_full_while_extracting(cli_vault, tmp_path: Path, capsys, monkeypatch) -> None:
    path, cid = cli_vault
    src = tmp_path / "f.bin"
    src.write_bytes(b"x" * 5000)
    _, out, _ = run_cli(capsys, "attach", "--vault", str(path), cid, "ev-1", str(src))

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_attachments.os, "fsync", no_space)
    outdir = tmp_path / "out"
    outdir.mkdir()
    code, _, err = run_cli(capsys, "extract", "--vault", str(path), cid, out.strip(), str(outdir / "f.bin"))
    assert code == 1 and "disk is full" in err
    assert list(outdir.iterdir()) == []


def test_search_text_and_json(cli_vault, capsys) -> None:
    path, cid = cli_vault
    code, out, err = run_cli(capsys, "search", "--vault", str(path), "anti-trafficking")
    assert code == 0
    assert cid in out and "Evidence: Witness statement" in out and "[anti-trafficking] helpline" in out

    code, out, _ = run_cli(capsys, "search", "--vault", str(path), "tesfay-haile", "--json")
    assert code == 0
    data = json.loads(out)
    assert [g["case_id"] for g in data] == [cid]
    assert data[0]["hits"][0]["kind"] == "case"
    assert "\x02" not in out

    code, out, _ = run_cli(capsys, "search", "--vault", str(path), '"NEAR( ^* :')
    assert (code, out.strip()) == (0, "No matches.")
    code, out, _ = run_cli(capsys, "search", "--vault", str(path), "", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_search_wrong_passphrase_exits_1(cli_vault, capsys, monkeypatch) -> None:
    path, _ = cli_vault
    monkeypatch.setenv("IMSA_PASSPHRASE", "not the passphrase at all")
    code, out, err = run_cli(capsys, "search", "--vault", str(path), "Selam")
    assert code == 1 and out == "" and "passphrase" in err


# ---- the big one: 120 MB through the CLI in a subprocess, bounded memory, no plaintext -------

BIG = 120 * MiB
RSS_LIMIT_KB = 250 * 1024


# A small Python process starts the CLI and reports its child's peak RSS. (Measuring the CLI
# straight from pytest would be wrong: Linux carries the parent's peak RSS through fork+exec.)
_MEASURE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL)
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
raise SystemExit(code)
"""
_CLI = "import sys; from imsa_desktop.cli.main import main; raise SystemExit(main(sys.argv[1:]))"


def _spawn(argv: list[str], rss_file: Path) -> tuple[int, str, str, int]:
    """Exit code, stdout, stderr and peak RSS (KiB: Linux ru_maxrss) of ``python -c argv``."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(rss_file), sys.executable, "-c", *argv],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=600,
    )
    return proc.returncode, proc.stdout, proc.stderr, int(rss_file.read_text())


def test_the_memory_measurement_can_fail(tmp_path: Path) -> None:
    code, _, _, rss = _spawn(
        ["b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"], tmp_path / "r"
    )
    assert code == 0 and rss > RSS_LIMIT_KB


def _contains(path: Path, needle: bytes) -> bool:
    overlap = len(needle) - 1
    with open(path, "rb") as f:
        tail = b""
        while block := f.read(4 * MiB):
            if needle in tail + block:
                return True
            tail = block[-overlap:]
    return False


def test_120_mb_round_trip_in_a_subprocess_with_bounded_memory(
    cli_vault, tmp_path: Path, private_home: Path
) -> None:
    path, cid = cli_vault
    plain = tmp_path / "plain"
    plain.mkdir()
    src = plain / "video-statement.mp4"
    rng = random.Random(120)
    with open(src, "wb") as f:
        for _ in range(BIG // MiB):
            f.write(rng.randbytes(MiB))
    with open(src, "rb") as f:
        f.seek(77 * MiB + 12345)
        needle = f.read(64)

    code, out, err, rss_attach = _spawn(
        [_CLI, "attach", "--vault", str(path), cid, "ev-1", str(src)], tmp_path / "rss1"
    )
    assert code == 0, err
    attachment_id = out.strip()

    dest = plain / "back.mp4"
    code, out, err, rss_extract = _spawn(
        [_CLI, "extract", "--vault", str(path), cid, attachment_id, str(dest)], tmp_path / "rss2"
    )
    assert code == 0, err

    assert rss_attach < RSS_LIMIT_KB, f"attach peak RSS {rss_attach} KiB"
    assert rss_extract < RSS_LIMIT_KB, f"extract peak RSS {rss_extract} KiB"
    assert dest.stat().st_size == BIG
    assert _same_file(src, dest)

    vault_files = [p for p in path.parent.iterdir() if p.is_file()]
    assert path in vault_files and path.stat().st_size > BIG  # the bytes really are inside
    home_files = [p for p in private_home.rglob("*") if p.is_file()]
    for p in vault_files + home_files:
        assert not _contains(p, needle), f"plaintext found in {p.name}"


def _same_file(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(4 * MiB), fb.read(4 * MiB)
            if x != y:
                return False
            if not x:
                return True
