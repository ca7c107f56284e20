"""`imsa-desktop` (the installed GUI entry point) starts offscreen and stays up without errors,
on first run (set-up screen) and on an existing vault (unlock screen)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE

ENTRY = Path(sys.executable).parent / "imsa-desktop"


def _run_for_a_while(vault: Path, home: Path) -> tuple[int | None, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home)}
    proc = subprocess.Popen(
        [str(ENTRY), "--vault", str(vault)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    still_running = proc.poll()
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return still_running, err


@pytest.mark.parametrize("existing", [False, True], ids=["first-run", "existing-vault"])
def test_the_gui_entry_point_starts_offscreen_without_errors(tmp_path: Path, existing: bool) -> None:
    assert ENTRY.exists(), "the imsa-desktop console script is installed"
    vault = tmp_path / "vault" / "vault.imsa"
    if existing:
        v, _ = Vault.create(vault, PASSPHRASE, "Sam Example (fictional)", TEST_PARAMS)
        v.close()
    code, err = _run_for_a_while(vault, tmp_path)
    assert code is None, f"imsa-desktop exited early ({code}): {err[-500:]}"
    assert "Traceback" not in err and "Error" not in err, err[-500:]
