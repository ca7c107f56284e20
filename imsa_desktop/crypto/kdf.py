"""Passphrase key derivation: Argon2id through argon2-cffi, nothing home-made.

``derive_key`` turns a passphrase into a 32-byte key-encryption key. The passphrase is
normalised to Unicode NFC first, so "Nguyễn" typed as one code point per letter or with
combining accents derives the same key (documented in docs/key-slots.md).
"""

from __future__ import annotations

import math
import os
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from argon2.exceptions import HashingError
from argon2.low_level import ARGON2_VERSION, Type, hash_secret_raw

from imsa_desktop.errors import InvalidInput, VaultError

KEY_LEN = 32
SALT_LEN = 16
ARGON2_VERSION_NUMBER = ARGON2_VERSION  # 19 (0x13), the only version we write or read
MIN_MEMORY_KIB = 65536  # 64 MiB: calibrate() never goes below this

# Upper limits accepted from a key file, so a tampered file cannot make unlocking hang (issue
# 19, hole 11: 1,000 passes over 4 GiB did). calibrate() stays far inside them (256 MiB, a few
# passes); a key file beyond them is reported as damaged.
MAX_TIME_COST = 64
MAX_MEMORY_KIB = 2 * 1024 * 1024  # 2 GiB
MAX_PARALLELISM = 64
MAX_WORK_KIB_PASSES = 64 * 262144  # time_cost x memory_kib: 64 passes of 256 MiB, 8 of 2 GiB


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters; stored in the passphrase slot so they can change over time."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def __post_init__(self) -> None:
        for name in ("time_cost", "memory_kib", "parallelism"):
            value = getattr(self, name)
            if type(value) is not int:
                raise InvalidInput("The key-derivation settings are not valid.")
        if not (1 <= self.time_cost <= MAX_TIME_COST):
            raise InvalidInput("The key-derivation settings are not valid.")
        if not (1 <= self.parallelism <= MAX_PARALLELISM):
            raise InvalidInput("The key-derivation settings are not valid.")
        if not (8 * self.parallelism <= self.memory_kib <= MAX_MEMORY_KIB):
            raise InvalidInput("The key-derivation settings are not valid.")
        if self.time_cost * self.memory_kib > MAX_WORK_KIB_PASSES:
            raise InvalidInput("The key-derivation settings are not valid.")


# RFC 9106 section 4 ("second recommended option") with 4x the memory: about 0.5-1 s on a
# 2020s laptop. New vaults should prefer calibrate(); this is the fallback and the floor.
DEFAULT_PARAMS = Argon2Params(time_cost=3, memory_kib=262144, parallelism=4)

# Tiny and fast. For tests only: never use these for a real vault.
TEST_PARAMS = Argon2Params(time_cost=1, memory_kib=64, parallelism=1)


def normalize_passphrase(passphrase: str) -> bytes:
    """The exact bytes fed to Argon2id: the NFC form of the passphrase, UTF-8 encoded."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id(passphrase, salt, params) -> 32 bytes. Slow on purpose: call it from a worker."""
    if len(salt) < 8:
        raise InvalidInput("The key-derivation salt is too short.")
    try:
        return hash_secret_raw(
            secret=normalize_passphrase(passphrase),
            salt=salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=KEY_LEN,
            type=Type.ID,
            version=ARGON2_VERSION_NUMBER,
        )
    except HashingError as e:  # in practice: the memory could not be allocated
        raise VaultError(
            "There is not enough free memory to unlock the vault; close other programs and try again."
        ) from e


def calibrate(
    target_seconds: float = 0.5,
    memory_kib: int = 262144,
    min_time_cost: int = 3,
    *,
    clock: Callable[[], float] = time.perf_counter,
    parallelism: int | None = None,
    derive: Callable[[str, bytes, Argon2Params], bytes] | None = None,
) -> Argon2Params:
    """Pick a time_cost so one derivation costs at least about ``target_seconds`` here.

    Memory is at least 64 MiB and time_cost never below ``min_time_cost``. A derivation
    costs a fixed part (allocating and touching the memory) plus a part per pass, so we time
    one and two passes, take the difference as the cost of a pass, round the number of
    passes up, then time the chosen parameters once and scale up if they still fall short.
    ``clock`` and ``derive`` are injectable so tests need not depend on the wall clock.
    """
    run = derive or derive_key
    memory = max(int(memory_kib), MIN_MEMORY_KIB)
    lanes = parallelism if parallelism is not None else max(1, min(4, os.cpu_count() or 1))
    floor = max(1, int(min_time_cost))
    salt = secrets.token_bytes(SALT_LEN)

    def timed(tc: int) -> float:
        start = clock()
        run("calibration passphrase", salt, Argon2Params(time_cost=tc, memory_kib=memory, parallelism=lanes))
        return clock() - start

    one = min(timed(1), timed(1))
    two = timed(2)
    per_pass = max(two - one, one / 4, 1e-6)
    fixed = max(one - per_pass, 0.0)
    passes = math.ceil(max(target_seconds - fixed, 0.0) / per_pass - 1e-9)
    most = min(MAX_TIME_COST, MAX_WORK_KIB_PASSES // memory)
    time_cost = min(most, max(floor, passes))
    measured = timed(time_cost)
    if 0 < measured < target_seconds and time_cost < most:
        time_cost = min(most, math.ceil(time_cost * target_seconds / measured - 1e-9))
    return Argon2Params(time_cost=time_cost, memory_kib=memory, parallelism=lanes)
