"""Shared test set-up: offscreen Qt, cheap key derivation, a private HOME, no network.

Sockets are disabled for the whole suite by pytest-socket (see pyproject addopts), so any
code path that tries the network fails its test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Shared helpers assert on behalf of tests: let pytest explain their failures too.
pytest.register_assert_rewrite("tests.helpers")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["IMSA_INSECURE_FAST_KDF_FOR_TESTS"] = "1"

PASSPHRASE = "correct horse battery staple orbit"
FIXED_NOW = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own HOME and XDG folders, so nothing lands in the real ones."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    os.chmod(home / "run", 0o700)
    monkeypatch.delenv("IMSA_VAULT", raising=False)
    monkeypatch.delenv("IMSA_PASSPHRASE", raising=False)
    yield home


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(**kwargs)


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "vault.imsa"


@pytest.fixture
def vault(vault_path: Path):  # type: ignore[no-untyped-def]
    from imsa_desktop.crypto.kdf import TEST_PARAMS
    from imsa_desktop.store.vault import Vault

    v, _recovery = Vault.create(vault_path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    yield v
    v.close()
