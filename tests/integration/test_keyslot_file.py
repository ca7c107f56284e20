"""The key file on disk: atomic saves, validation on load, and the documented recovery recipe."""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from imsa_desktop.crypto import keyslots
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.crypto.keyslots import KeySlotFile
from imsa_desktop.errors import (
    DiskFull,
    NewerVersion,
    StorageError,
    VaultDamaged,
    VaultNotFound,
    WrongPassphrase,
)

REPO = Path(__file__).resolve().parents[2]
VAULT_ID = "5b1e9d3c-7a20-4f6e-8d11-c0ffee000001"
PASSPHRASE = "Arbër Hoxha keeps bees near Shkodër"


@pytest.fixture
def data_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def saved(tmp_path: Path, data_key: bytes) -> tuple[Path, str]:
    file, recovery = KeySlotFile.create(data_key, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    path = tmp_path / "vault.imsa.keys"
    file.save(path)
    return path, recovery


def test_save_then_load_unlocks(saved: tuple[Path, str], data_key: bytes) -> None:
    path, recovery = saved
    loaded = KeySlotFile.load(path)
    assert loaded.unlock_with_passphrase(PASSPHRASE) == data_key
    assert loaded.unlock_with_recovery_key(recovery) == data_key


def test_key_file_is_private_to_the_user(saved: tuple[Path, str]) -> None:
    path, _ = saved
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix":
        assert mode == 0o600
    else:  # Windows has no group/other bits; the file must at least be readable by its owner
        assert mode & stat.S_IREAD


def test_key_file_on_disk_holds_no_secret(saved: tuple[Path, str], data_key: bytes) -> None:
    path, recovery = saved
    raw = path.read_bytes()
    assert data_key not in raw
    assert data_key.hex().encode() not in raw.lower()
    assert recovery.encode() not in raw and recovery.replace("-", "").encode() not in raw


def test_rewrap_saved_and_reloaded(saved: tuple[Path, str], data_key: bytes) -> None:
    path, _ = saved
    file = KeySlotFile.load(path)
    file.rewrap_passphrase(data_key, "Nguyễn Thị Hồng has a new passphrase", TEST_PARAMS)
    file.save(path)
    reloaded = KeySlotFile.load(path)
    assert reloaded.unlock_with_passphrase("Nguyễn Thị Hồng has a new passphrase") == data_key
    with pytest.raises(WrongPassphrase):
        reloaded.unlock_with_passphrase(PASSPHRASE)
    assert sorted(p.name for p in path.parent.iterdir()) == ["vault.imsa.keys"]


def _rewrapped(path: Path, data_key: bytes) -> KeySlotFile:
    file = KeySlotFile.load(path)
    file.rewrap_passphrase(data_key, "a passphrase that never lands", TEST_PARAMS)
    return file


@pytest.mark.parametrize(
    ("call", "failure", "refusal", "words"),
    [
        ("replace", PermissionError(errno.EACCES, "simulated"), StorageError, "old one was kept"),
        ("fsync", OSError(errno.ENOSPC, "No space left on device"), DiskFull, ""),
    ],
    ids=["failed_replace_leaves_no_temp", "disk_full_while_writing"],
)
def test_a_failed_save_keeps_the_old_file(
    saved: tuple[Path, str],
    data_key: bytes,
    monkeypatch: pytest.MonkeyPatch,
    call: str,
    failure: OSError,
    refusal: type[StorageError],
    words: str,
) -> None:
    path, _ = saved
    before = path.read_bytes()
    file = _rewrapped(path, data_key)

    def failing(*_args: object) -> None:
        raise failure

    monkeypatch.setattr(os, call, failing)
    with pytest.raises(refusal) as info:
        file.save(path)
    assert words in info.value.user_message
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["vault.imsa.keys"]
    monkeypatch.undo()
    assert KeySlotFile.load(path).unlock_with_passphrase(PASSPHRASE) == data_key


def test_save_into_a_missing_folder_is_a_storage_error(tmp_path: Path, data_key: bytes) -> None:
    file, _ = KeySlotFile.create(data_key, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    with pytest.raises(StorageError):
        file.save(tmp_path / "no such folder" / "vault.imsa.keys")


def test_missing_key_file_is_vault_not_found(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound):
        KeySlotFile.load(tmp_path / "vault.imsa.keys")


def test_truncated_key_file_is_damaged(saved: tuple[Path, str]) -> None:
    path, _ = saved
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(VaultDamaged):
        KeySlotFile.load(path)


def test_oversized_or_foreign_files_are_damaged(tmp_path: Path) -> None:
    big = tmp_path / "big.keys"
    big.write_bytes(b" " * (keyslots.MAX_FILE_BYTES + 10))
    sqlite_file = tmp_path / "vault.imsa"
    sqlite_file.write_bytes(b"SQLite format 3\x00" + bytes(100))
    for damaged in (big, sqlite_file, tmp_path):  # too large, a database, a folder
        with pytest.raises(VaultDamaged):
            KeySlotFile.load(damaged)


def test_newer_version_on_disk(saved: tuple[Path, str]) -> None:
    path, _ = saved
    path.write_text(path.read_text().replace('"version": 1', '"version": 7'))
    with pytest.raises(NewerVersion):
        KeySlotFile.load(path)


# --- the recovery recipe in docs/key-slots.md, run exactly as printed --------------------------------


def _doc_recipe() -> str:
    text = (REPO / "docs" / "key-slots.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    return str(blocks[0])


def _run_recipe(tmp_path: Path, key_file: Path, typed: str, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "imsa_recover_key.py"
    script.write_text(_doc_recipe(), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), str(key_file), *args],
        input=typed + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_documented_recipe_opens_a_real_sqlcipher_vault_with_the_recovery_key(
    tmp_path: Path, saved: tuple[Path, str], data_key: bytes
) -> None:
    import sqlcipher3  # the same driver the store layer uses

    vault = tmp_path / "vault.imsa"
    conn = sqlcipher3.connect(str(vault))
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    conn.execute("CREATE TABLE survivor (name TEXT)")
    conn.execute("INSERT INTO survivor VALUES (?)", ("Nguyễn Thị Hồng",))
    conn.commit()
    conn.close()

    path, recovery = saved
    result = _run_recipe(tmp_path, path, recovery.lower().replace("-", " "))
    assert result.returncode == 0, result.stderr
    hex_key = result.stdout.strip()
    assert hex_key == data_key.hex()

    reopened = sqlcipher3.connect(str(vault))
    reopened.execute(f"PRAGMA key = \"x'{hex_key}'\"")
    assert reopened.execute("SELECT name FROM survivor").fetchall() == [("Nguyễn Thị Hồng",)]
    reopened.close()


def test_documented_recipe_with_the_passphrase(
    tmp_path: Path, saved: tuple[Path, str], data_key: bytes
) -> None:
    path, _ = saved
    result = _run_recipe(tmp_path, path, PASSPHRASE, "--passphrase")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == data_key.hex()


def test_documented_recipe_refuses_a_wrong_or_mistyped_key(tmp_path: Path, saved: tuple[Path, str]) -> None:
    path, recovery = saved
    wrong = keyslots.format_recovery_key(secrets.token_bytes(32))
    result = _run_recipe(tmp_path, path, wrong)
    assert result.returncode != 0 and "Wrong recovery key" in result.stderr
    assert result.stdout == ""
    typo = _run_recipe(tmp_path, path, recovery[:-1] + ("A" if recovery[-1] != "A" else "B"))
    assert typo.returncode != 0 and "typo" in typo.stderr


def test_documented_recipe_reads_a_key_printed_by_an_earlier_version(
    tmp_path: Path, saved: tuple[Path, str], data_key: bytes
) -> None:
    import base64
    import hashlib

    path, recovery = saved
    secret = keyslots.parse_recovery_key(recovery)
    old = base64.b32encode(secret + hashlib.sha256(secret).digest()[:3]).decode()  # RFC 4648 sheet
    result = _run_recipe(tmp_path, path, old)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == data_key.hex()
