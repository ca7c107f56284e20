"""Names in every script show as letters in the GUI, not empty boxes, on a laptop that has no
font for that script: the fonts shipped for the PDFs are offered to Qt too."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextLayout

# Clearly fictional names
NAMES = {
    "Tigrinya": "ሰላም ተስፋይ",
    "Arabic": "فاطمة الزهراء",
    "Chinese": "陳美玲",
    "Korean": "김민서",
}


def _glyphs(text: str, font) -> list[int]:  # type: ignore[no-untyped-def]
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [g for run in layout.glyphRuns() for g in run.glyphIndexes()]


@pytest.mark.parametrize("script", sorted(NAMES))
def test_a_name_in_each_script_is_drawn_with_real_glyphs(app, script: str) -> None:  # type: ignore[no-untyped-def]
    glyphs = _glyphs(NAMES[script].replace(" ", ""), app.font())
    assert glyphs, "the name is laid out"
    assert 0 not in glyphs, f"a {script} letter would show as an empty box"
