"""The vault on disk: create, lock, unlock by passphrase / recovery key / keychain, settings."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.errors import (
    KeychainUnavailable,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault, keys_path
from tests.conftest import PASSPHRASE
from tests.memory_keyring import install_no_keyring, memory_keyring

NEW_PASSPHRASE = "violet tundra mosaic lantern ferry"


def _add_case(vault: Vault) -> str:
    return case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}})


def _names(vault: Vault) -> list[str]:
    return [r.display_name for r in case_service.list_cases(vault.unit_of_work())]


def test_create_close_and_open_again(vault_path: Path) -> None:
    vault, recovery = vault_service.create_vault(vault_path, PASSPHRASE, "Test Advocate", params=TEST_PARAMS)
    assert vault.is_open and vault.advocate_name == "Test Advocate" and vault.vault_id
    assert recovery and PASSPHRASE not in recovery
    vault_id = vault.vault_id
    _add_case(vault)
    vault.close()
    assert not vault.is_open
    with pytest.raises(VaultLocked):
        vault.unit_of_work()
    again = vault_service.unlock(vault_path, PASSPHRASE)
    try:
        assert _names(again) == ["Arbër Hoxha"]
        assert again.vault_id == vault_id
    finally:
        again.close()


def test_create_refuses_an_existing_vault_and_leaves_it_alone(vault: Vault, vault_path: Path) -> None:
    _add_case(vault)
    before = keys_path(vault_path).read_bytes()
    with pytest.raises(VaultExists):
        vault_service.create_vault(vault_path, NEW_PASSPHRASE, "Someone Else", params=TEST_PARAMS)
    assert keys_path(vault_path).read_bytes() == before
    assert _names(vault) == ["Arbër Hoxha"]


def test_weak_passphrase_is_refused_before_anything_is_written(vault_path: Path) -> None:
    with pytest.raises(WeakPassphrase):
        vault_service.create_vault(vault_path, "password1", "Test Advocate", params=TEST_PARAMS)
    assert not vault_path.exists() and not keys_path(vault_path).exists()


def test_wrong_passphrase_and_missing_vault(vault: Vault, vault_path: Path, tmp_path: Path) -> None:
    vault.close()
    with pytest.raises(WrongPassphrase) as info:
        vault_service.unlock(vault_path, PASSPHRASE + "x")
    assert PASSPHRASE not in info.value.user_message
    with pytest.raises(VaultNotFound):
        vault_service.unlock(tmp_path / "elsewhere" / "vault.imsa", PASSPHRASE)


def test_recovery_key_opens_a_forgotten_vault_and_resets_the_passphrase(vault_path: Path) -> None:
    vault, recovery = Vault.create(vault_path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    _add_case(vault)
    vault.close()
    with pytest.raises(WrongRecoveryKey):
        vault_service.unwrap_recovery(
            vault_path, recovery[:-4] + ("AAAA" if not recovery.endswith("AAAA") else "BBBB")
        )
    # the passphrase is "forgotten": the recovery key alone opens it
    opened = vault_service.open_unwrapped(vault_service.unwrap_recovery(vault_path, recovery))
    assert _names(opened) == ["Arbër Hoxha"]
    opened.close()
    reset = vault_service.reset_passphrase_with_recovery_key(
        vault_path, recovery, NEW_PASSPHRASE, params=TEST_PARAMS
    )
    reset.close()
    with pytest.raises(WrongPassphrase):
        vault_service.unlock(vault_path, PASSPHRASE)
    again = vault_service.unlock(vault_path, NEW_PASSPHRASE)
    assert _names(again) == ["Arbër Hoxha"]
    again.close()
    # the recovery key still works after the reset
    vault_service.open_unwrapped(vault_service.unwrap_recovery(vault_path, recovery)).close()


def test_keychain_remembers_then_forgets(vault: Vault, vault_path: Path) -> None:
    _add_case(vault)
    with memory_keyring() as backend:
        assert vault_service.keychain_available()
        vault.remember_on_device(Keychain())
        assert vault_service.has_keychain_slot(vault_path)
        vault.close()
        opened = vault_service.open_unwrapped(vault_service.unwrap_keychain(vault_path, Keychain()))
        assert _names(opened) == ["Arbër Hoxha"]
        opened.close()
        # nothing in the keychain is the data key or the passphrase
        for secret in backend.entries.values():
            assert PASSPHRASE not in secret
        backend.simulate_entry_deleted()
        with pytest.raises(KeychainUnavailable):
            vault_service.unwrap_keychain(vault_path, Keychain())
        still = vault_service.unlock(vault_path, PASSPHRASE)
        assert _names(still) == ["Arbër Hoxha"]
        still.close()


def test_no_keychain_backend_means_not_available(vault: Vault) -> None:
    with memory_keyring():
        install_no_keyring()
        assert vault_service.keychain_available() is False
        with pytest.raises(KeychainUnavailable):
            vault.remember_on_device(Keychain())


def test_database_settings(vault: Vault) -> None:
    conn = vault.conn
    assert conn is not None
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    assert conn.execute("PRAGMA cipher_page_size").fetchone()[0] == "4096"
    assert conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
    _add_case(vault)
    assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
    assert vault.integrity_ok()


def test_files_are_private(vault: Vault, vault_path: Path) -> None:
    _add_case(vault)
    vault.close()
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_path(vault_path).stat().st_mode) == 0o600
    assert stat.S_IMODE(vault_path.parent.stat().st_mode) == 0o700
    slots = json.loads(keys_path(vault_path).read_text(encoding="utf-8"))
    assert PASSPHRASE not in json.dumps(slots)


def test_database_is_not_readable_as_plain_sqlite(vault: Vault, vault_path: Path) -> None:
    _add_case(vault)
    vault.close()
    assert not vault_path.read_bytes().startswith(b"SQLite format 3")


def test_a_new_vault_has_its_sharing_identity_from_the_start(vault_path) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop import bootstrap as vault_service
    from imsa_desktop.crypto.kdf import TEST_PARAMS
    from imsa_desktop.services import identity
    from tests.conftest import PASSPHRASE

    vault, _ = vault_service.create_vault(vault_path, PASSPHRASE, "Sam Example", params=TEST_PARAMS)
    try:
        with vault.unit_of_work() as uow:
            stored = uow.settings.get("identity")
        assert stored is not None
        assert identity.my_identity(vault.unit_of_work()).age_public.startswith("age1")
    finally:
        vault.close()
