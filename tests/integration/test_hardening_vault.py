"""Issue 19, holes 3, 4 and 11: damaged vault files, folder permissions, bounded key files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto import kdf
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.errors import VaultDamaged
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault, keys_path
from tests.conftest import PASSPHRASE


def _made(folder: Path) -> Path:
    vault, _ = Vault.create(folder / "cases.imsa", PASSPHRASE, "Lê Văn Minh (fictional)", TEST_PARAMS)
    case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Drita Berisha"}})
    vault.close()
    return folder / "cases.imsa"


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("damage", ["empty", "header-cut", "zeros", "other-vault"])
def test_hole3_an_existing_damaged_vault_file_is_damage_not_a_new_vault(tmp_path: Path, damage: str) -> None:
    path = _made(tmp_path / "v")
    original = path.read_bytes()
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "header-cut":
        path.write_bytes(original[16:])  # the SQLCipher salt (its "header") is gone
    elif damage == "zeros":
        path.write_bytes(bytes(len(original)))
    else:
        other = _made(tmp_path / "w")
        path.write_bytes(other.read_bytes())  # another vault's database beside this key file
    for side in path.parent.glob("cases.imsa-*"):
        side.unlink()
    before = _listing(path.parent)
    with pytest.raises(VaultDamaged) as info:
        vault_service.unlock(path, PASSPHRASE)
    message = info.value.user_message
    assert "damaged" in message and "backup" in message and message.count(". ") == 0
    assert _listing(path.parent) == before  # nothing touched, no new identity written anywhere


def test_hole4_only_folders_the_app_creates_become_private(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp
    Vault.create(shared / "demo.imsa", PASSPHRASE, "Test", TEST_PARAMS)[0].close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777  # left exactly as it was

    Vault.create(shared / "new" / "deeper" / "demo.imsa", PASSPHRASE, "Test", TEST_PARAMS)[0].close()
    assert stat.S_IMODE((shared / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((shared / "new" / "deeper").stat().st_mode) == 0o700
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


@pytest.mark.parametrize(
    "params",
    [
        {"time_cost": 1000, "memory_kib": 4 * 1024 * 1024},
        {"time_cost": 3, "memory_kib": 4 * 1024 * 1024},
        {"time_cost": 1000, "memory_kib": 64},
        {"time_cost": 40, "memory_kib": 1024 * 1024},
    ],
)
def test_hole11_a_key_file_asking_for_unbounded_work_is_damaged_and_never_derived(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, int]
) -> None:
    path = _made(tmp_path / "v")
    data = json.loads(keys_path(path).read_text())
    for slot in data["slots"]:
        if slot["type"] == "passphrase":
            slot.update(params)
    keys_path(path).write_text(json.dumps(data))

    def never(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("Argon2 must not run with these parameters")

    monkeypatch.setattr(kdf, "hash_secret_raw", never)
    with pytest.raises(VaultDamaged) as info:
        vault_service.unlock(path, PASSPHRASE)
    assert "key file is damaged" in info.value.user_message


def test_hole11_calibration_stays_inside_the_bounds() -> None:
    ticks = iter(range(10_000))
    params = kdf.calibrate(
        target_seconds=10**6,
        memory_kib=2 * 1024 * 1024,
        clock=lambda: float(next(ticks)),
        derive=lambda *a: b"",
    )
    assert params.time_cost * params.memory_kib <= kdf.MAX_WORK_KIB_PASSES
