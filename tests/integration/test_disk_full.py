"""A full disk during a write: one clear sentence, exit code 1, and nothing lost.

The disk is "filled" for a CLI subprocess with RLIMIT_FSIZE (SIGXFSZ ignored, so writes past
the limit fail with an error instead of killing the process).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def _cli_with_file_limit(limit: int, *argv: str) -> subprocess.CompletedProcess[str]:
    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "imsa_desktop.cli.main", *argv],
        preexec_fn=limit_writes,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "IMSA_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_full_disk_while_adding_a_case_loses_nothing(vault_path: Path, tmp_path: Path) -> None:
    v, _ = Vault.create(vault_path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    try:
        kept = case_service.add_case(
            v.unit_of_work(),
            {
                "survivor": {"full_name": "Nguyễn Thị Hồng"},
                "events": [{"date": "2024-06-01", "title": "Arrived"}],
            },
        )
    finally:
        v.close()
    limit = max(p.stat().st_size for p in vault_path.parent.iterdir()) + 16 * 1024
    big = tmp_path / "big.json"
    big.write_text(
        json.dumps(
            {
                "survivor": {"full_name": "Arbër Hoxha"},
                # 900,000 characters in all, each note within the model's 20,000-character limit
                "evidence": [{"title": f"Log {i}", "body": "z" * 15_000} for i in range(60)],
            }
        ),
        encoding="utf-8",
    )

    result = _cli_with_file_limit(limit, "case", "add", "--vault", str(vault_path), str(big))

    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    sentence = result.stderr.strip()
    assert sentence.count("\n") == 0
    # Report to the lead: SQLite reports EFBIG/ENOSPC as a write I/O error, which the store maps
    # to the general storage sentence; both say that nothing was saved.
    assert sentence.startswith("imsa: The vault could not be written: the disk may be full")

    again = Vault.open(unwrap_with_passphrase(vault_path, PASSPHRASE))
    try:
        assert again.integrity_ok()
        summaries = case_service.list_cases(again.unit_of_work())
        assert [s.id for s in summaries] == [kept]
        assert case_service.show_case(again.unit_of_work(), kept)["events"][0]["title"] == "Arrived"
    finally:
        again.close()

    # With room again, the same command succeeds: the failure left nothing half-written.
    ok = _cli_with_file_limit(resource.RLIM_INFINITY, "case", "add", "--vault", str(vault_path), str(big))
    assert ok.returncode == 0, ok.stderr
