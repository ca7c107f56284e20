"""A 1 GiB passphrase backup restores in bounded memory (issue 19).

Measured in a subprocess (its own VmHWM: the peak RSS of that process image), never by time. Two
parts, because opening ``key.age`` runs age's scrypt, whose memory is fixed by the file's work
factor (128 x 8 x 2^logN bytes: 256 MiB at age's usual 2^18; the Rust age crate picks logN so
that the file takes about a second on the machine that made it) and does not depend on the
backup's size:

- the restore itself, streaming 1 GiB into a new vault with the one-time identity: <= 200 MiB;
- the whole passphrase restore: <= 200 MiB plus that file's scrypt memory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
from pyrage import passphrase as age_passphrase

from tests.integration.test_backup_large import BACKUP_PASS, MIB, _backed_up_scan

RESTORE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from imsa_desktop.crypto.kdf import TEST_PARAMS
    from imsa_desktop.services import backup as backup_service
    from imsa_desktop.store.vault import Vault

    backup, folder, how, secret = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    vault, _ = Vault.create(folder / "restored.imsa", "a vault passphrase, fictional", "Test", TEST_PARAMS)
    try:
        key = {"passphrase": secret} if how == "passphrase" else {"identity": secret}
        report = backup_service.restore_into(vault.unit_of_work(), backup, **key)
        n = vault.conn.execute("SELECT coalesce(sum(size), 0) FROM attachments").fetchone()[0]
    finally:
        vault.close()
    # VmHWM: this process image's own peak (ru_maxrss would include the parent's peak, which a
    # child started with fork/vfork + exec inherits on Linux)
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    print(json.dumps({"peak_mib": hwm / 1024,
                      "bytes": n, "cases": len(report.cases)}))
    """
)


def _restore_peak(backup: Path, folder: Path, how: str, secret: str) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", RESTORE_SCRIPT, str(backup), str(folder), how, secret],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["bytes"] == 1024 * MIB and report["cases"] == 1
    shutil.rmtree(folder)
    return float(report["peak_mib"])


@pytest.mark.slow
def test_a_1_gib_backup_restores_within_200_mib_plus_the_fixed_scrypt_memory(tmp_path: Path) -> None:
    out = _backed_up_scan(tmp_path, 1024 * MIB, "big.imsa-backup")[0]
    shutil.rmtree(tmp_path / "a")  # room on the disk for the restored copy

    # split as docs/bundle-format.md says; payload.age is an ordinary age file to the one-time key
    with tarfile.open(out) as outer:
        key_age = outer.extractfile("key.age").read()  # type: ignore[union-attr]
        outer.extract("payload.age", tmp_path, filter="data")
    log_n = int(re.search(rb"-> scrypt \S+ (\d+)\n", key_age).group(1))  # type: ignore[union-attr]
    scrypt_mib = 128 * 8 * 2**log_n / MIB
    key_file = age_passphrase.decrypt(key_age, BACKUP_PASS).decode("ascii")
    (secret,) = [line for line in key_file.splitlines() if line.startswith("AGE-SECRET-KEY-")]

    streaming = _restore_peak(tmp_path / "payload.age", tmp_path / "b", "identity", secret)
    assert streaming <= 200, streaming
    (tmp_path / "payload.age").unlink()
    whole = _restore_peak(out, tmp_path / "c", "passphrase", BACKUP_PASS)
    assert whole <= 200 + scrypt_mib, (whole, scrypt_mib)
