"""Embedded fonts for every PDF we write, and per-run font fallback for other scripts.

Only the TrueType files shipped in ``resources/fonts`` are used (never system fonts), so a
letter looks the same on every machine and names in any of our survivors' scripts print:
DejaVu Serif/Sans cover Latin (Vietnamese, Albanian, Romanian, Polish ...), Greek and
Cyrillic; Noto Sans Ethiopic covers Tigrinya and Amharic; Noto Naskh Arabic covers Arabic.

Known limit: reportlab lays Arabic out without contextual shaping or right-to-left reordering
(that needs reportlab's optional ``rlbidi`` and ``uharfbuzz`` plus ``shaping=1`` styles, which
we do not ship), so Arabic letters print in isolated forms, left to right. The characters are
embedded as typed, so copying or searching the PDF still finds the name.
"""

from __future__ import annotations

import re
import threading
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from imsa_desktop.errors import DocumentError
from imsa_desktop.paths import resource

FONTS_DIR = resource("fonts")

SERIF = "IMSASerif"
SERIF_BOLD = "IMSASerif-Bold"
SERIF_ITALIC = "IMSASerif-Italic"
SANS = "IMSASans"
SANS_BOLD = "IMSASans-Bold"
ETHIOPIC = "IMSAEthiopic"
ARABIC = "IMSAArabic"

_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    ETHIOPIC: "NotoSansEthiopic-Regular.ttf",
    ARABIC: "NotoNaskhArabic-Regular.ttf",
}

# Code point ranges of scripts the base fonts lack, and the font that has them.
_FALLBACK_RANGES: list[tuple[str, str]] = [
    (ETHIOPIC, "\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f"),
    (ARABIC, "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"),
]
_RUN = re.compile(
    "|".join(f"(?P<f{i}>[{chars}](?:[{chars} ]*[{chars}])?)" for i, (_, chars) in enumerate(_FALLBACK_RANGES))
)

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the embedded fonts with reportlab (once per process; thread-safe)."""
    global _registered
    with _lock:
        if _registered:
            return
        try:
            for name, filename in _FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / filename)))
        except Exception as e:  # missing or unreadable font file: an installation problem
            raise DocumentError(
                "The fonts needed to make PDFs are missing; please reinstall IMSA Desktop."
            ) from e
        for family, normal, bold, italic in (
            (SERIF, SERIF, SERIF_BOLD, SERIF_ITALIC),
            (SANS, SANS, SANS_BOLD, SANS),
            (ETHIOPIC, ETHIOPIC, ETHIOPIC, ETHIOPIC),
            (ARABIC, ARABIC, ARABIC, ARABIC),
        ):
            addMapping(family, 0, 0, normal)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, italic)
            addMapping(family, 1, 1, bold)
        _registered = True


def markup(text: str) -> str:
    """Escape ``text`` for a reportlab Paragraph and wrap runs of other scripts in their font.

    Line breaks become ``<br/>`` so an advocate's paragraphs survive.
    """

    def wrap(m: re.Match[str]) -> str:
        i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        return f'<font name="{_FALLBACK_RANGES[i][0]}">{escape(m.group(0))}</font>'

    out: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(wrap(m))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out).replace("\r\n", "\n").replace("\n", "<br/>")


def fonts_total_size() -> int:
    """Bytes of shipped font files (kept small: a test holds it under 6 MB)."""
    return sum((FONTS_DIR / f).stat().st_size for f in set(_FILES.values()))
