"""The suite runs with the network switched off (pytest-socket): prove it is active."""

from __future__ import annotations

import socket

import pytest


def test_opening_an_internet_socket_fails() -> None:
    with pytest.raises(Exception) as info:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert type(info.value).__name__ == "SocketBlockedError"


def test_connecting_anywhere_fails() -> None:
    with pytest.raises(Exception) as info:
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    assert type(info.value).__name__ == "SocketBlockedError"
