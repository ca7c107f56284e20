"""Argon2id key derivation and calibration."""

from __future__ import annotations

import unicodedata

import pytest

from imsa_desktop.crypto.kdf import (
    DEFAULT_PARAMS,
    MIN_MEMORY_KIB,
    TEST_PARAMS,
    Argon2Params,
    calibrate,
    derive_key,
)
from imsa_desktop.errors import InvalidInput

SALT = bytes(range(16))


def test_derive_key_is_32_bytes_and_repeatable() -> None:
    first = derive_key("mưa rơi trên phố cũ", SALT, TEST_PARAMS)
    assert len(first) == 32
    assert derive_key("mưa rơi trên phố cũ", SALT, TEST_PARAMS) == first


def test_passphrase_salt_and_params_each_change_the_key() -> None:
    base = derive_key("Arbër Hoxha walks at dawn", SALT, TEST_PARAMS)
    assert derive_key("Arbër Hoxha walks at dusk", SALT, TEST_PARAMS) != base
    assert derive_key("Arbër Hoxha walks at dawn", bytes(16), TEST_PARAMS) != base
    other = Argon2Params(time_cost=2, memory_kib=TEST_PARAMS.memory_kib, parallelism=1)
    assert derive_key("Arbër Hoxha walks at dawn", SALT, other) != base


def test_composed_and_decomposed_accents_derive_the_same_key() -> None:
    composed = unicodedata.normalize("NFC", "Nguyễn Thị Hồng đi chợ")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert derive_key(composed, SALT, TEST_PARAMS) == derive_key(decomposed, SALT, TEST_PARAMS)


def test_known_answer_matches_argon2_reference() -> None:
    # RFC 9106-style check through the public API: argon2id, t=1, m=64 KiB, p=1.
    from argon2.low_level import Type, hash_secret_raw

    expected = hash_secret_raw(b"password", SALT, 1, 64, 1, 32, Type.ID)
    assert derive_key("password", SALT, TEST_PARAMS) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"time_cost": 0, "memory_kib": 65536, "parallelism": 1},
        {"time_cost": 3, "memory_kib": 4, "parallelism": 1},
        {"time_cost": 3, "memory_kib": 65536, "parallelism": 0},
        {"time_cost": True, "memory_kib": 65536, "parallelism": 1},
        {"time_cost": 3, "memory_kib": 10**9, "parallelism": 1},
    ],
)
def test_invalid_params_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidInput):
        Argon2Params(**kwargs)


def test_short_salt_is_refused() -> None:
    with pytest.raises(InvalidInput):
        derive_key("Paweł Wiśniewski", b"short", TEST_PARAMS)


def test_default_params_are_at_least_64_mib_and_three_passes() -> None:
    assert DEFAULT_PARAMS.memory_kib >= 65536
    assert DEFAULT_PARAMS.time_cost >= 3
    assert TEST_PARAMS.memory_kib < DEFAULT_PARAMS.memory_kib


def test_calibrate_returns_at_least_64_mib_even_when_asked_for_less() -> None:
    params = calibrate(target_seconds=0.01, memory_kib=1024, min_time_cost=3)
    assert params.memory_kib == MIN_MEMORY_KIB
    assert params.time_cost >= 3
    assert params.parallelism >= 1


class _FakeArgon:
    """A derivation that 'takes' fixed + per_pass * time_cost seconds on a fake clock."""

    def __init__(self, fixed: float, per_pass: float) -> None:
        self.now = 0.0
        self.fixed, self.per_pass = fixed, per_pass

    def clock(self) -> float:
        return self.now

    def derive(self, passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
        self.now += self.fixed + self.per_pass * params.time_cost
        return bytes(32)


def _calibrate(fixed: float, per_pass: float, **kwargs: object) -> Argon2Params:
    fake = _FakeArgon(fixed, per_pass)
    return calibrate(clock=fake.clock, derive=fake.derive, **kwargs)  # type: ignore[arg-type]


def test_calibrate_scales_time_cost_to_the_target() -> None:
    assert _calibrate(0.0, 0.1, target_seconds=1.0, memory_kib=65536, min_time_cost=3).time_cost == 10


def test_calibrate_accounts_for_the_fixed_cost_and_rounds_up() -> None:
    # 0.13 s to fill the memory, 0.1 s a pass: 4 passes (0.53 s) reach 0.5 s; 3 (0.43 s) would not.
    params = _calibrate(0.13, 0.1, target_seconds=0.5, memory_kib=65536, min_time_cost=1)
    assert params.time_cost == 4
    assert 0.13 + 0.1 * params.time_cost >= 0.5


def test_calibrate_never_goes_below_the_minimum_time_cost() -> None:
    assert _calibrate(0.0, 2.0, target_seconds=0.5, memory_kib=65536, min_time_cost=4).time_cost == 4


def test_out_of_memory_is_reported_as_such_not_as_a_wrong_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2.exceptions import HashingError

    from imsa_desktop.crypto import kdf
    from imsa_desktop.crypto.keyslots import KeySlotFile
    from imsa_desktop.errors import VaultError, WrongPassphrase

    file, _ = KeySlotFile.create(bytes(32), "vault-1", "Selam Tesfay's garden path", TEST_PARAMS)

    def no_memory(*args: object, **kwargs: object) -> bytes:
        raise HashingError("Memory allocation error")

    monkeypatch.setattr(kdf, "hash_secret_raw", no_memory)
    with pytest.raises(VaultError) as info:
        file.unlock_with_passphrase("Selam Tesfay's garden path")
    assert not isinstance(info.value, WrongPassphrase)
    assert "memory" in info.value.user_message
