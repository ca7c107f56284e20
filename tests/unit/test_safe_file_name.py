"""Names that come from untrusted places (a bundle) are reduced to a bare, harmless file name."""

from __future__ import annotations

import pytest

from imsa_desktop.services.tempfiles import safe_file_name


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../.bashrc", "bashrc"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("GP letter: 2025*?.pdf", "GP letter_ 2025__.pdf"),
        ("nul\x00byte.pdf", "nul_byte.pdf"),
        ("..", "attachment"),
        ("", "attachment"),
        ("Hồ sơ Nguyễn.pdf", "Hồ sơ Nguyễn.pdf"),
    ],
)
def test_untrusted_names_become_bare_file_names(given: str, expected: str) -> None:
    assert safe_file_name(given) == expected
