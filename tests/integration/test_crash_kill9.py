"""Crash safety: a writer process is killed with SIGKILL at random moments while it adds
cases, imports attachments and imports bundles. After every kill the vault must open, pass
``integrity_check`` and ``cipher_integrity_check``, and hold every change the writer reported
as committed (it prints each id only AFTER the commit returned, and flushes).

Trials: env IMSA_KILL_TRIALS (default 200, shared across the three kinds).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.slow

TRIALS = int(os.environ.get("IMSA_KILL_TRIALS", "200"))
# Seconds after "ready" within which the kill lands (an attachment takes longer to commit).
MAX_DELAY = {"cases": 0.1, "attach": 0.25, "bundle": 0.2}


def _writer(kind: str, path: str, arg: str, out: str) -> None:
    """The writer (runs in a forked child): reports each id to *out* only after its commit."""
    import io
    import itertools

    from imsa_desktop.services import bundles as bundles_
    from imsa_desktop.services import cases as cases_

    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def report(line: str) -> None:
        os.write(fd, (line + "\n").encode())

    vault = Vault.open(unwrap_with_passphrase(Path(path), PASSPHRASE))
    report("ready")
    if kind == "cases":
        for n in itertools.count():
            cid = cases_.add_case(
                vault.unit_of_work(),
                {
                    "survivor": {"full_name": f"Nguyễn Thị Hồng {arg}-{n}", "nationality": "Vietnamese"},
                    "events": [{"date": "2024-06-01", "title": f"Event {n}"}],
                    "evidence": [{"title": "Note", "body": "x" * 2000}],
                },
            )
            report(cid)
    elif kind == "attach":
        payload = bytes(range(256)) * (4 * 1024 + 512)  # 1.125 MiB: two chunks
        for n in itertools.count():
            info = vault.unit_of_work().attachments.write(
                arg, "ev-1", f"scan-{n}.bin", "application/octet-stream", io.BytesIO(payload)
            )
            report(info.id)
    else:
        for f in arg.split(","):
            bundles_.import_bundle(vault.unit_of_work(), Path(f))
            report(Path(f).name.split(".")[0])


def _open(path: Path) -> Vault:
    return Vault.open(unwrap_with_passphrase(path, PASSPHRASE))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kill9")


@pytest.fixture(scope="module")
def target(workdir: Path) -> tuple[Path, str]:
    """The vault the writers write to, with one case holding evidence item 'ev-1'."""
    path = workdir / "target" / "vault.imsa"
    v, _ = Vault.create(path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    try:
        cid = case_service.add_case(
            v.unit_of_work(),
            {"survivor": {"full_name": "Arbër Hoxha"}, "evidence": [{"id": "ev-1", "title": "Scans"}]},
        )
    finally:
        v.close()
    return path, cid


@pytest.fixture(scope="module")
def bundle_files(workdir: Path, target: tuple[Path, str]) -> dict[str, Path]:
    """Bundles of one case each (case id -> file), addressed to the target vault's key."""
    t = _open(target[0])
    try:
        recipient = identity_service.ensure_identity(t.unit_of_work()).age_public
    finally:
        t.close()
    src_path = workdir / "source" / "vault.imsa"
    src, _ = Vault.create(src_path, PASSPHRASE, "Colleague Advocate", TEST_PARAMS)
    out: dict[str, Path] = {}
    try:
        for n in range(12):
            cid = case_service.add_case(
                src.unit_of_work(),
                {
                    "survivor": {"full_name": f"Paweł Wiśniewski {n}"},
                    "events": [{"date": "2024-03-01", "title": f"Recruited {n}"}],
                    "evidence": [{"title": "Statement", "body": "y" * 5000}],
                },
            )
            f = workdir / "bundles" / f"{cid}.imsa-bundle"
            f.parent.mkdir(exist_ok=True)
            bundle_service.export_cases(src.unit_of_work(), [cid], f, recipients=[recipient], reason="test")
            out[cid] = f
    finally:
        src.close()
    return out


def _run_and_kill(ctx: Any, args: list[str], out: Path, rng: random.Random) -> list[str]:
    """Start the writer, SIGKILL it at a random moment after it is ready; the ids it reported."""
    proc = ctx.Process(target=_writer, args=(*args, str(out)))
    proc.start()
    while not out.exists() or not out.read_bytes().startswith(b"ready\n"):
        assert proc.is_alive() or out.exists(), "the writer could not open the vault"
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, MAX_DELAY[args[0]]))
    proc.kill()
    proc.join()
    assert proc.exitcode in (-signal.SIGKILL, 0)
    # A line counts only when complete: the writer wrote it after the commit returned.
    lines = out.read_text(encoding="utf-8").split("\n")[:-1]
    return [line for line in lines[1:] if line]


def _check(path: Path) -> Vault:
    v = _open(path)
    assert v.integrity_ok(), "integrity_check or cipher_integrity_check failed after a kill"
    return v


def test_kill9_during_writes_loses_no_committed_change(
    target: tuple[Path, str], bundle_files: dict[str, Path], workdir: Path
) -> None:
    path, case_id = target
    rng = random.Random(int(os.environ.get("IMSA_KILL_SEED", "7")))
    kinds = ["cases", "attach", "bundle"]
    committed: dict[str, set[str]] = {k: set() for k in kinds}
    bundles = list(bundle_files.items())
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    for trial in range(TRIALS):
        kind = kinds[trial % 3]
        if kind == "cases":
            arg = str(trial)
        elif kind == "attach":
            arg = case_id
        else:
            start = rng.randrange(len(bundles))
            arg = ",".join(str(f) for _, f in bundles[start:] + bundles[:start])
        printed = _run_and_kill(ctx, [kind, str(path), arg], workdir / f"trial-{trial}.out", rng)
        committed[kind].update(printed)

        v = _check(path)
        try:
            uow = v.unit_of_work()
            with uow:
                case_ids = set(uow.cases.ids())
                attachment_ids = {a.id for a in uow.attachments.for_case(case_id)}
        finally:
            v.close()
        lost_cases = (committed["cases"] | committed["bundle"]) - case_ids
        lost_files = committed["attach"] - attachment_ids
        assert not lost_cases and not lost_files, f"trial {trial} ({kind}) lost committed changes"
    # The loop did real work: every kind committed something somewhere.
    if TRIALS >= 30:
        assert all(committed[k] for k in kinds), {k: len(v) for k, v in committed.items()}


def test_attachments_survive_intact(target: tuple[Path, str]) -> None:
    """Every complete attachment left after the kills still matches its checksum."""
    path, case_id = target
    v = _check(path)
    try:
        repo = v.unit_of_work().attachments
        assert all(repo.verify(a.id) for a in repo.for_case(case_id))
    finally:
        v.close()
