"""The keychain slot: unlock without typing, and plain failures when the device forgot the key."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import null

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.crypto.keychain import SERVICE, Keychain
from imsa_desktop.crypto.keyslots import KeySlotFile
from imsa_desktop.errors import InvalidInput, KeychainUnavailable
from tests.memory_keyring import (
    MemoryKeyring,
    install_locked_keyring,
    install_no_keyring,
    memory_keyring,
    simulate_backend_changed,
)

VAULT_ID = "a7d2c9f0-3e41-4b6a-9c8d-1f2e3d4c5b6a"
PASSPHRASE = "ሰላም ተስፋይ reads by the river"
DATA_KEY = bytes(range(100, 132))


@pytest.fixture
def kr() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture
def file_with_keychain(kr: MemoryKeyring) -> KeySlotFile:
    file, _ = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    file.add_keychain_slot(DATA_KEY, Keychain())
    return KeySlotFile.from_json(file.to_json())


def test_keychain_round_trip(file_with_keychain: KeySlotFile, kr: MemoryKeyring) -> None:
    assert file_with_keychain.has_keychain_slot
    assert file_with_keychain.unlock_with_keychain(Keychain()) == DATA_KEY
    assert list(kr.entries) == [(SERVICE, VAULT_ID)]


def test_keychain_holds_a_device_secret_not_the_data_key(
    file_with_keychain: KeySlotFile, kr: MemoryKeyring
) -> None:
    stored = base64.b64decode(kr.entries[(SERVICE, VAULT_ID)])
    assert len(stored) == 32 and stored != DATA_KEY
    text = file_with_keychain.to_json()
    assert kr.entries[(SERVICE, VAULT_ID)] not in text
    assert stored.hex() not in text and base64.b64encode(DATA_KEY).decode() not in text
    slot = next(s for s in json.loads(text)["slots"] if s["type"] == "keychain")
    assert slot["backend"] == "tests.memory_keyring.MemoryKeyring"


def test_other_slots_still_work_with_a_keychain_slot(file_with_keychain: KeySlotFile) -> None:
    assert file_with_keychain.unlock_with_passphrase(PASSPHRASE) == DATA_KEY


def test_keychain_entry_deleted_means_unavailable(file_with_keychain: KeySlotFile, kr: MemoryKeyring) -> None:
    kr.simulate_entry_deleted()
    with pytest.raises(KeychainUnavailable) as info:
        file_with_keychain.unlock_with_keychain(Keychain())
    assert "passphrase" in info.value.user_message


def test_keychain_entry_replaced_means_unavailable(
    file_with_keychain: KeySlotFile, kr: MemoryKeyring
) -> None:
    kr.entries[(SERVICE, VAULT_ID)] = base64.b64encode(bytes(32)).decode()
    with pytest.raises(KeychainUnavailable):
        file_with_keychain.unlock_with_keychain(Keychain())
    kr.entries[(SERVICE, VAULT_ID)] = "not base64 at all!"
    with pytest.raises(KeychainUnavailable):
        file_with_keychain.unlock_with_keychain(Keychain())


def test_backend_changed_means_unavailable(file_with_keychain: KeySlotFile, kr: MemoryKeyring) -> None:
    simulate_backend_changed(copy_entries_from=kr)
    with pytest.raises(KeychainUnavailable) as info:
        file_with_keychain.unlock_with_keychain(Keychain())
    assert "changed" in info.value.user_message


def test_no_backend_at_all(file_with_keychain: KeySlotFile) -> None:
    install_no_keyring()
    keychain = Keychain()
    assert keychain.available() is False
    with pytest.raises(KeychainUnavailable):
        file_with_keychain.unlock_with_keychain(keychain)
    with pytest.raises(KeychainUnavailable):
        keychain.load_secret(VAULT_ID)
    # the passphrase still opens the vault with no keychain at all
    assert file_with_keychain.unlock_with_passphrase(PASSPHRASE) == DATA_KEY


def test_null_backend_is_not_available(kr: MemoryKeyring) -> None:
    keyring.set_keyring(null.Keyring())  # type: ignore[no-untyped-call]
    assert Keychain().available() is False
    assert Keychain(backend=null.Keyring()).available() is False  # type: ignore[no-untyped-call]


def test_locked_keychain_errors_become_keychain_unavailable(file_with_keychain: KeySlotFile) -> None:
    install_locked_keyring()
    keychain = Keychain()
    with pytest.raises(KeychainUnavailable):
        keychain.store_secret(VAULT_ID, b"x" * 32)
    with pytest.raises(KeychainUnavailable):
        keychain.delete_secret(VAULT_ID)


def test_adding_a_keychain_slot_without_a_keychain_fails_cleanly(kr: MemoryKeyring) -> None:
    file, _ = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    install_no_keyring()
    with pytest.raises(KeychainUnavailable):
        file.add_keychain_slot(DATA_KEY, Keychain())
    assert not file.has_keychain_slot


def test_adding_a_keychain_slot_needs_this_vaults_key(kr: MemoryKeyring) -> None:
    file, _ = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    with pytest.raises(InvalidInput):
        file.add_keychain_slot(bytes(32), Keychain())
    assert not file.has_keychain_slot and kr.entries == {}


def test_no_keychain_slot_means_unavailable(kr: MemoryKeyring) -> None:
    file, _ = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    assert not file.has_keychain_slot
    with pytest.raises(KeychainUnavailable):
        file.unlock_with_keychain(Keychain())


def test_remove_keychain_slot_forgets_the_slot_and_the_entry(
    file_with_keychain: KeySlotFile, kr: MemoryKeyring
) -> None:
    file_with_keychain.remove_keychain_slot(Keychain())
    assert not file_with_keychain.has_keychain_slot
    assert kr.entries == {}
    assert file_with_keychain.unlock_with_passphrase(PASSPHRASE) == DATA_KEY
    file_with_keychain.remove_keychain_slot(Keychain())  # removing twice is harmless


def test_remove_keychain_slot_works_even_when_the_keychain_is_gone(file_with_keychain: KeySlotFile) -> None:
    install_no_keyring()
    file_with_keychain.remove_keychain_slot(Keychain())
    assert not file_with_keychain.has_keychain_slot


def test_adding_again_replaces_the_keychain_slot(file_with_keychain: KeySlotFile, kr: MemoryKeyring) -> None:
    old_secret = kr.entries[(SERVICE, VAULT_ID)]
    file_with_keychain.add_keychain_slot(DATA_KEY, Keychain())
    assert [s["type"] for s in file_with_keychain.slots].count("keychain") == 1
    assert kr.entries[(SERVICE, VAULT_ID)] != old_secret
    assert file_with_keychain.unlock_with_keychain(Keychain()) == DATA_KEY


def test_tampered_keychain_slot_is_unavailable(file_with_keychain: KeySlotFile) -> None:
    document = json.loads(file_with_keychain.to_json())
    slot = next(s for s in document["slots"] if s["type"] == "keychain")
    raw = bytearray(base64.b64decode(slot["wrapped_key"]))
    raw[3] ^= 0x80
    slot["wrapped_key"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(KeychainUnavailable):
        KeySlotFile.from_json(json.dumps(document)).unlock_with_keychain(Keychain())


def test_keychain_helpers_round_trip(kr: MemoryKeyring) -> None:
    keychain = Keychain()
    assert keychain.available()
    assert keychain.load_secret("Arbër-vault") is None
    keychain.store_secret("Arbër-vault", b"\x00\xffsecret")
    assert keychain.load_secret("Arbër-vault") == b"\x00\xffsecret"
    keychain.delete_secret("Arbër-vault")
    keychain.delete_secret("Arbër-vault")
    assert keychain.load_secret("Arbër-vault") is None


def test_backend_id_names_the_backend_class() -> None:
    assert Keychain(backend=MemoryKeyring()).backend_id() == "tests.memory_keyring.MemoryKeyring"
