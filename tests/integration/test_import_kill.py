"""kill -9 during `imsa import`: the vault always opens, passes integrity_check, and holds either
all of the bundle's cases or none. Trials: env IMSA_KILL_TRIALS (default 20)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
from tests.conftest import PASSPHRASE

TRIALS = int(os.environ.get("IMSA_KILL_TRIALS", "20"))
NAMES = ["Nguyễn Thị Hồng", "Arbër Hoxha", "ሰላም ተስፋይ", "Paweł Wiśniewski", "فاطمة الزهراء"]


def test_kill_9_during_import_never_leaves_a_partial_case(tmp_path: Path) -> None:
    sender_path, target = tmp_path / "s" / "s.imsa", tmp_path / "t" / "t.imsa"
    s = Vault.create(sender_path, PASSPHRASE, "Paweł Wiśniewski", TEST_PARAMS)[0]
    t = Vault.create(target, PASSPHRASE, "Arbër Hoxha", TEST_PARAMS)[0]
    try:
        ids = [
            case_service.add_case(
                s.unit_of_work(),
                {
                    "survivor": {"full_name": f"{NAMES[i % 5]} {i}"},
                    "events": [{"date": "2024-06-01", "title": f"Event {j}"} for j in range(30)],
                },
            )
            for i in range(12)
        ]
        card = identity_service.my_identity(t.unit_of_work()).card
        bundle = tmp_path / "b.imsabundle"
        bundle_service.export_cases(s.unit_of_work(), ids, bundle, recipients=[card], reason="kill test")
    finally:
        s.close()
        t.close()
    snapshot = target.read_bytes(), Path(str(target) + ".keys").read_bytes()
    env = {**os.environ, "IMSA_PASSPHRASE": PASSPHRASE}
    rng = random.Random(9)
    outcomes = set()
    for _ in range(TRIALS):
        for side in ("-wal", "-shm"):
            Path(str(target) + side).unlink(missing_ok=True)
        target.write_bytes(snapshot[0])
        proc = subprocess.Popen(
            [sys.executable, "-m", "imsa_desktop.cli.main", "import", str(bundle), "--vault", str(target)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.6))
        proc.kill()
        proc.wait()
        v = Vault.open(unwrap_with_passphrase(target, PASSPHRASE))
        try:
            assert v.integrity_ok()
            with v.unit_of_work() as uow:
                present = [cid for cid in ids if uow.cases.find(cid) is not None]
                events = sum(len(uow.events.for_case(cid)) for cid in present)
        finally:
            v.close()
        assert present in ([], ids)
        assert events == 30 * len(present)
        outcomes.add(len(present))
    assert outcomes  # at least one trial ran
