"""Key slots: passphrase and recovery round trips, opaque failures, tampering, rewrapping."""

from __future__ import annotations

import base64
import copy
import json
import secrets
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsa_desktop.crypto.kdf import TEST_PARAMS, Argon2Params
from imsa_desktop.crypto.keyslots import (
    CROCKFORD_B32,
    KeySlotFile,
    format_recovery_key,
    parse_recovery_key,
    recovery_key_groups,
)
from imsa_desktop.errors import (
    InvalidInput,
    NewerVersion,
    VaultDamaged,
    WrongPassphrase,
    WrongRecoveryKey,
)

VAULT_ID = "3f6c1a9e-5d0b-4c1e-9a55-0d2b7e1f4c21"
PASSPHRASE = "Nguyễn Thị Hồng trồng hoa sen tím"
DATA_KEY = bytes.fromhex("9c" * 8 + "41" * 8 + "e7" * 8 + "05" * 8)


@pytest.fixture
def created() -> tuple[KeySlotFile, str]:
    return KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)


def _reload(file: KeySlotFile) -> KeySlotFile:
    return KeySlotFile.from_json(file.to_json())


def _slot(document: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in document["slots"] if s["type"] == kind)


def _flip_b64_byte(value: str, index: int = 0) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_passphrase_round_trip_through_json(created: tuple[KeySlotFile, str]) -> None:
    file, _ = created
    reloaded = _reload(file)
    assert reloaded.vault_id == VAULT_ID
    assert reloaded.unlock_with_passphrase(PASSPHRASE) == DATA_KEY


def test_recovery_key_round_trip(created: tuple[KeySlotFile, str]) -> None:
    file, recovery = created
    assert _reload(file).unlock_with_recovery_key(recovery) == DATA_KEY


def test_recovery_key_looks_like_paper_groups(created: tuple[KeySlotFile, str]) -> None:
    _, recovery = created
    groups = recovery.split("-")
    assert len(groups) == 14
    assert all(len(g) == 4 and g.isalnum() and g.upper() == g for g in groups)


def test_recovery_key_has_no_look_alike_characters(created: tuple[KeySlotFile, str]) -> None:
    _, recovery = created
    letters = set(recovery.replace("-", ""))
    assert letters <= set(CROCKFORD_B32)
    assert not letters & set("ILOU")  # no I/1, L/1, O/0 or U/V to confuse when read aloud
    assert recovery_key_groups(recovery) == recovery.split("-")


def test_recovery_key_read_back_forgives_look_alikes_case_and_spacing(
    created: tuple[KeySlotFile, str],
) -> None:
    file, recovery = created
    typed = " ".join(recovery_key_groups(recovery)).lower().replace("0", "o").replace("1", "l")
    assert file.unlock_with_recovery_key(typed) == DATA_KEY


def _legacy_format(secret: bytes) -> str:
    """How keys were printed before this release: RFC 4648 Base32, groups of four."""
    import hashlib

    text = base64.b32encode(secret + hashlib.sha256(secret).digest()[:3]).decode()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def test_recovery_key_printed_by_earlier_versions_still_opens_the_vault(
    created: tuple[KeySlotFile, str],
) -> None:
    file, recovery = created
    old_paper = _legacy_format(parse_recovery_key(recovery))
    assert old_paper != recovery
    assert _reload(file).unlock_with_recovery_key(old_paper) == DATA_KEY
    # as typed from the old sheet, with 0/1 for O/I as before
    assert _reload(file).unlock_with_recovery_key(old_paper.replace("O", "0").lower()) == DATA_KEY


def test_each_vault_gets_a_different_recovery_key() -> None:
    _, first = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    _, second = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    assert first != second


def test_file_holds_neither_data_key_nor_recovery_key_nor_passphrase(
    created: tuple[KeySlotFile, str],
) -> None:
    file, recovery = created
    text = file.to_json()
    raw_recovery = parse_recovery_key(recovery)
    for secret in (DATA_KEY, raw_recovery):
        assert secret.hex() not in text.lower()
        assert base64.b64encode(secret).decode() not in text
    assert recovery not in text
    assert PASSPHRASE not in text and json.dumps(PASSPHRASE)[1:-1] not in text


def test_wrong_passphrase_is_refused(created: tuple[KeySlotFile, str]) -> None:
    file, _ = created
    with pytest.raises(WrongPassphrase):
        file.unlock_with_passphrase("Nguyễn Thị Hồng trồng hoa sen đỏ")


def test_wrong_recovery_key_is_refused(created: tuple[KeySlotFile, str]) -> None:
    file, _ = created
    other = format_recovery_key(secrets.token_bytes(32))
    with pytest.raises(WrongRecoveryKey) as info:
        file.unlock_with_recovery_key(other)
    assert "did not unlock" in info.value.user_message


def test_recovery_key_with_a_typo_is_reported_as_a_typo(created: tuple[KeySlotFile, str]) -> None:
    file, recovery = created
    typo = ("B" if recovery[0] != "B" else "C") + recovery[1:]
    with pytest.raises(WrongRecoveryKey) as info:
        file.unlock_with_recovery_key(typo)
    assert "typo" in info.value.user_message
    with pytest.raises(WrongRecoveryKey):
        file.unlock_with_recovery_key(recovery[:-5])
    with pytest.raises(WrongRecoveryKey):
        file.unlock_with_recovery_key("")


# --- tampering: every change gives the same opaque error as a wrong passphrase -------------------


def _tamper_cases() -> list[tuple[str, Any]]:
    def flip(field: str, index: int = 0) -> Any:
        def change(doc: dict[str, Any]) -> None:
            slot = _slot(doc, "passphrase")
            slot[field] = _flip_b64_byte(slot[field], index)

        return change

    def set_field(field: str, value: Any) -> Any:
        def change(doc: dict[str, Any]) -> None:
            _slot(doc, "passphrase")[field] = value

        return change

    def drop(field: str) -> Any:
        def change(doc: dict[str, Any]) -> None:
            del _slot(doc, "passphrase")[field]

        return change

    def vault_id(doc: dict[str, Any]) -> None:
        doc["vault_id"] = "0b7e2c44-1111-4a2b-8c3d-6e5f4a3b2c1d"

    return [
        ("wrapped key first byte", flip("wrapped_key", 0)),
        ("wrapped key last byte (tag)", flip("wrapped_key", 47)),
        ("nonce", flip("nonce")),
        ("salt", flip("salt")),
        ("time cost", set_field("time_cost", 2)),
        ("memory", set_field("memory_kib", 128)),
        # parameters beyond the bounds are reported as a damaged key file (issue 19, hole 11):
        # tests/integration/test_hardening_vault.py
        ("argon2 version", set_field("argon2_version", 16)),
        ("kdf name", set_field("kdf", "scrypt")),
        ("aead name", set_field("aead", "aes-256-gcm")),
        ("not base64", set_field("wrapped_key", "!!!not base64!!!")),
        ("short wrapped key", set_field("wrapped_key", base64.b64encode(b"x" * 32).decode())),
        ("missing salt", drop("salt")),
        ("vault id changed", vault_id),
    ]


@pytest.mark.parametrize(("name", "change"), _tamper_cases(), ids=[c[0] for c in _tamper_cases()])
def test_tampered_passphrase_slot_looks_like_a_wrong_passphrase(
    created: tuple[KeySlotFile, str], name: str, change: Any
) -> None:
    file, _ = created
    document = json.loads(file.to_json())
    change(document)
    tampered = KeySlotFile.from_json(json.dumps(document))
    with pytest.raises(WrongPassphrase) as tampered_error:
        tampered.unlock_with_passphrase(PASSPHRASE)
    with pytest.raises(WrongPassphrase) as wrong_error:
        file.unlock_with_passphrase("not the passphrase at all")
    assert tampered_error.value.user_message == wrong_error.value.user_message


def test_changed_vault_id_also_breaks_the_recovery_slot(created: tuple[KeySlotFile, str]) -> None:
    file, recovery = created
    document = json.loads(file.to_json())
    document["vault_id"] = "another-vault"
    with pytest.raises(WrongRecoveryKey):
        KeySlotFile.from_json(json.dumps(document)).unlock_with_recovery_key(recovery)


def test_flipped_recovery_wrapped_key_is_refused(created: tuple[KeySlotFile, str]) -> None:
    file, recovery = created
    document = json.loads(file.to_json())
    slot = _slot(document, "recovery")
    slot["wrapped_key"] = _flip_b64_byte(slot["wrapped_key"], 5)
    with pytest.raises(WrongRecoveryKey):
        KeySlotFile.from_json(json.dumps(document)).unlock_with_recovery_key(recovery)


def test_slot_types_cannot_be_swapped(created: tuple[KeySlotFile, str]) -> None:
    """Associated data binds the slot type: relabelling slots never unlocks anything."""
    file, recovery = created
    document = json.loads(file.to_json())
    for slot in document["slots"]:
        slot["type"] = "recovery" if slot["type"] == "passphrase" else "passphrase"
    swapped = KeySlotFile.from_json(json.dumps(document))
    with pytest.raises(WrongPassphrase):
        swapped.unlock_with_passphrase(PASSPHRASE)
    with pytest.raises(WrongRecoveryKey):
        swapped.unlock_with_recovery_key(recovery)


# --- rewrapping ---------------------------------------------------------------------------------


def test_rewrap_keeps_the_data_key_and_retires_the_old_passphrase(created: tuple[KeySlotFile, str]) -> None:
    file, recovery = created
    recovery_slot_before = copy.deepcopy(_slot(json.loads(file.to_json()), "recovery"))
    new_passphrase = "Paweł Wiśniewski plants seven oak trees"
    new_params = Argon2Params(time_cost=2, memory_kib=128, parallelism=1)
    file.rewrap_passphrase(DATA_KEY, new_passphrase, new_params)
    reloaded = _reload(file)
    assert reloaded.unlock_with_passphrase(new_passphrase) == DATA_KEY
    with pytest.raises(WrongPassphrase):
        reloaded.unlock_with_passphrase(PASSPHRASE)
    assert reloaded.passphrase_params == new_params
    assert reloaded.unlock_with_recovery_key(recovery) == DATA_KEY
    assert _slot(json.loads(reloaded.to_json()), "recovery") == recovery_slot_before
    assert len(reloaded.slots) == 2


def test_rewrap_with_the_same_passphrase_uses_a_fresh_salt(created: tuple[KeySlotFile, str]) -> None:
    file, _ = created
    before = _slot(json.loads(file.to_json()), "passphrase")
    file.rewrap_passphrase(DATA_KEY, PASSPHRASE, TEST_PARAMS)
    after = _slot(json.loads(file.to_json()), "passphrase")
    assert before["salt"] != after["salt"] and before["wrapped_key"] != after["wrapped_key"]


def test_rewrap_refuses_a_key_that_is_not_this_vaults(created: tuple[KeySlotFile, str]) -> None:
    file, _ = created
    before = file.to_json()
    with pytest.raises(InvalidInput):
        file.rewrap_passphrase(secrets.token_bytes(32), "ሰላም ተስፋይ new passphrase here", TEST_PARAMS)
    with pytest.raises(InvalidInput):
        file.rewrap_passphrase(b"too short", "ሰላም ተስፋይ new passphrase here", TEST_PARAMS)
    assert file.to_json() == before
    assert file.unlock_with_passphrase(PASSPHRASE) == DATA_KEY


def test_create_refuses_bad_inputs() -> None:
    with pytest.raises(InvalidInput):
        KeySlotFile.create(b"\x00" * 16, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    with pytest.raises(InvalidInput):
        KeySlotFile.create(DATA_KEY, "", PASSPHRASE, TEST_PARAMS)
    with pytest.raises(InvalidInput):
        KeySlotFile.create(DATA_KEY, "line\nbreak", PASSPHRASE, TEST_PARAMS)


# --- recovery key parsing -------------------------------------------------------------------------


def test_recovery_key_parsing_tolerates_how_people_type(created: tuple[KeySlotFile, str]) -> None:
    file, recovery = created
    key = parse_recovery_key(recovery)
    variants = [
        recovery.lower(),
        recovery.replace("-", " "),
        recovery.replace("-", ""),
        "  " + recovery.replace("-", "\n") + "  ",
        recovery.replace("O", "0").replace("I", "1"),
        recovery.replace("-", " \u2013 "),
    ]
    for variant in variants:
        assert parse_recovery_key(variant) == key
    assert file.unlock_with_recovery_key(variants[0]) == DATA_KEY


_typing_noise = st.lists(st.sampled_from(["", " ", "-", "  ", "\t"]), min_size=56, max_size=56)


@settings(max_examples=60, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32), noise=_typing_noise, lower=st.lists(st.booleans(), min_size=56)
)
def test_recovery_key_survives_random_retyping(key: bytes, noise: list[str], lower: list[bool]) -> None:
    printed = format_recovery_key(key).replace("-", "")
    typed = "".join(
        (ch.lower() if lower[i] else ch).replace("O", "0").replace("I", "1") + noise[i]
        for i, ch in enumerate(printed)
    )
    assert parse_recovery_key(typed) == key


# --- reading the file -------------------------------------------------------------------------------


def _document(created: tuple[KeySlotFile, str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(created[0].to_json())
    return result


def test_file_records_format_version_and_slot_types(created: tuple[KeySlotFile, str]) -> None:
    document = _document(created)
    assert document["format"] == "imsa-keyslots"
    assert document["version"] == 1
    assert document["vault_id"] == VAULT_ID
    assert [s["type"] for s in document["slots"]] == ["passphrase", "recovery"]
    passphrase = _slot(document, "passphrase")
    assert passphrase["kdf"] == "argon2id"
    assert (passphrase["time_cost"], passphrase["memory_kib"], passphrase["parallelism"]) == (1, 64, 1)


def test_newer_version_is_reported_as_such(created: tuple[KeySlotFile, str]) -> None:
    document = _document(created)
    document["version"] = 2
    with pytest.raises(NewerVersion):
        KeySlotFile.from_json(json.dumps(document))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(format="something-else"),
        lambda d: d.update(version=0),
        lambda d: d.update(version=True),
        lambda d: d.update(version="1"),
        lambda d: d.update(vault_id=""),
        lambda d: d.update(vault_id=42),
        lambda d: d.update(slots=[]),
        lambda d: d.update(slots={"type": "passphrase"}),
        lambda d: d["slots"].append({"type": "fingerprint"}),
        lambda d: d["slots"].append(dict(d["slots"][0])),
        lambda d: d["slots"].append("passphrase"),
        lambda d: d.pop("key_check"),
    ],
)
def test_malformed_files_are_reported_as_damaged(created: tuple[KeySlotFile, str], change: Any) -> None:
    document = _document(created)
    change(document)
    with pytest.raises(VaultDamaged):
        KeySlotFile.from_json(json.dumps(document))


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", "null", '{"format": "imsa-keyslots", "format": "x"}', b"\xff\xfe\x00", "[" * 5000],
)
def test_garbage_is_reported_as_damaged(text: str | bytes) -> None:
    with pytest.raises(VaultDamaged):
        KeySlotFile.from_json(text)


@settings(max_examples=80, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_either_loads_or_fails_with_a_vault_error(document: Any) -> None:
    try:
        KeySlotFile.from_json(json.dumps(document))
    except (VaultDamaged, NewerVersion):
        pass


_json_value = (
    st.none() | st.booleans() | st.integers(-5, 300) | st.text(max_size=60) | st.lists(st.integers(0, 9))
)


@settings(max_examples=80, deadline=None)
@given(
    field=st.sampled_from(
        [
            "kdf",
            "argon2_version",
            "time_cost",
            "memory_kib",
            "parallelism",
            "salt",
            "aead",
            "nonce",
            "wrapped_key",
        ]
    ),
    value=_json_value,
)
def test_any_change_to_a_passphrase_slot_field_gives_wrong_passphrase(field: str, value: Any) -> None:
    file, _ = KeySlotFile.create(DATA_KEY, VAULT_ID, PASSPHRASE, TEST_PARAMS)
    document = json.loads(file.to_json())
    slot = _slot(document, "passphrase")
    if slot[field] == value:
        return
    slot[field] = value
    with pytest.raises((WrongPassphrase, VaultDamaged)) as info:
        KeySlotFile.from_json(json.dumps(document)).unlock_with_passphrase(PASSPHRASE)
    if isinstance(info.value, VaultDamaged):  # out-of-bounds work is damage (issue 19, hole 11)
        assert field in ("time_cost", "memory_kib", "parallelism")
        assert "key file is damaged" in info.value.user_message
