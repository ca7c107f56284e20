"""Wiping secrets when the vault locks."""

from __future__ import annotations

import pytest

from imsa_desktop.crypto.memory import wipe


def test_wipe_zeroes_the_buffer_in_place() -> None:
    key = bytearray(range(1, 33))
    alias = key
    wipe(key)
    assert alias == bytearray(32)
    assert len(key) == 32


def test_wipe_accepts_a_writable_view_and_an_empty_buffer() -> None:
    buf = bytearray(b"secret-secret")
    wipe(memoryview(buf)[7:])
    assert buf == b"secret-" + bytes(6)
    wipe(bytearray())


def test_wipe_refuses_read_only_memory() -> None:
    with pytest.raises(TypeError):
        wipe(memoryview(b"immutable"))
