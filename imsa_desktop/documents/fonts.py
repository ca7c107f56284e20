"""Embedded fonts for every PDF we write, per-run font fallback, Arabic shaping and coverage checks.

Only the TrueType files shipped in ``resources/fonts`` are used (never system fonts), so a
letter looks the same on every machine and names in any of our survivors' scripts print:
DejaVu Serif/Sans cover Latin (Vietnamese, Albanian, Romanian, Polish ...), Greek and
Cyrillic; Noto Sans Ethiopic covers Tigrinya and Amharic; Noto Naskh Arabic covers Arabic;
Droid Sans Fallback covers Chinese and Japanese (Han, kana); IMSA Hangul (a subset of
NanumGothic, built by tools/make_hangul_subset.py) covers Korean.

Arabic is shaped (joined letter forms) by reportlab's HarfBuzz support (``uharfbuzz``, a
dependency): a paragraph holding Arabic gets a style with ``shaping=1``. Right-to-left order:
reportlab's own bidi needs ``rlbidi``, which is not on PyPI, so instead every run of Arabic
letters is kept as one unbreakable unit (its spaces become no-break spaces) that HarfBuzz lays
out right to left as a whole. A run holds only right-to-left letters, marks and spaces, for
which the Unicode bidi algorithm's order is exactly that reversal (UAX #9 rule N1: spaces
between right-to-left letters are right-to-left); digits and Latin letters stay outside runs,
left to right. Copying the text out of the PDF gives the name in logical order (a test checks).

Any character that no shipped font can draw is refused (``check_drawable``) with a sentence
naming the field, never printed as an empty box.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from imsa_desktop.domain import model
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
CJK = "IMSACJK"
HANGUL = "IMSAHangul"

_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    ETHIOPIC: "NotoSansEthiopic-Regular.ttf",
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    CJK: "DroidSansFallbackFull.ttf",
    HANGUL: "IMSAHangul-Regular.ttf",
}

_ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_DIGITS = "\u0660-\u0669\u06f0-\u06f9"
# Code point ranges of scripts the base fonts lack, and the font that has them.
_FALLBACK_RANGES: list[tuple[str, str]] = [
    (ETHIOPIC, "\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f"),
    (ARABIC, _ARABIC_CHARS),
    (HANGUL, "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"),
    (CJK, "\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"),
]
_RUN = re.compile(
    "|".join(f"(?P<f{i}>[{chars}](?:[{chars} ]*[{chars}])?)" for i, (_, chars) in enumerate(_FALLBACK_RANGES))
)
_HAS_ARABIC = re.compile(f"[{_ARABIC_CHARS}]")
_RANGE_FONT = [(font, re.compile(f"[{chars}]")) for font, chars in _FALLBACK_RANGES]

_NBSP = "\u00a0"
_LAZY = {CJK, HANGUL}  # large files: read only when a text needs them
_lock = threading.Lock()
_registered = False
_lazy_done: set[str] = set()


def register_fonts() -> None:
    """Register the embedded fonts with reportlab (once per process; thread-safe)."""
    global _registered
    with _lock:
        if _registered:
            return
        try:
            for name, filename in _FILES.items():
                if name not in _LAZY:
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
        _no_discretionary_ligatures()
        _no_helvetica_in_drawings()
        _registered = True


def _no_helvetica_in_drawings() -> None:
    """reportlab's graphics renderer starts every Drawing in its default font (Helvetica, never
    embedded) even when no text uses it; make the default our embedded sans."""
    from reportlab.graphics import shapes

    shapes.STATE_DEFAULTS["fontName"] = SANS


def _no_discretionary_ligatures() -> None:
    """HarfBuzz shaping in reportlab asks for discretionary ligatures (DejaVu's "st", "ct") by
    default: not for a formal letter, and they break copying and searching the text. reportlab
    offers no option, so switch them off in its default feature set."""
    from reportlab.pdfbase import ttfonts

    defaults = getattr(ttfonts.shapeFragWord, "__defaults__", None)
    if defaults and isinstance(defaults[0], dict):
        defaults[0]["dlig"] = False
        defaults[0]["liga"] = False  # as unshaped text prints (Arabic keeps its required ligatures)


def ensure_font(name: str) -> None:
    """Register one of the large fonts (CJK, Hangul) the first time a text needs it."""
    register_fonts()
    if name not in _LAZY or name in _lazy_done:
        return
    with _lock:
        if name in _lazy_done:
            return
        try:
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / _FILES[name])))
        except Exception as e:
            raise DocumentError(
                "The fonts needed to make PDFs are missing; please reinstall IMSA Desktop."
            ) from e
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
        _lazy_done.add(name)


def require_shaping() -> None:
    """Refuse (``DocumentError``) when Arabic cannot be shaped: reportlab shapes only through
    ``uharfbuzz`` and, without it, silently prints Arabic as separate letters in reverse order
    (a name an authority cannot read, and copying gives it back wrong). ``uharfbuzz`` is a
    dependency, so this means an incomplete installation (or a stale environment)."""
    from reportlab.pdfbase import ttfonts

    if getattr(ttfonts, "uharfbuzz", None) is None:
        raise DocumentError(
            "Arabic text cannot be printed correctly because this installation of IMSA Desktop is "
            "incomplete (its text-shaping library is missing); please reinstall. Nothing was saved."
        )


def needs_shaping(text: str) -> bool:
    """True when ``text`` holds Arabic, which must be shaped (HarfBuzz) to print joined."""
    return bool(_HAS_ARABIC.search(text))


@lru_cache(maxsize=256)
def _shaped(style: ParagraphStyle) -> ParagraphStyle:
    require_shaping()
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


def style_for(text: str, style: ParagraphStyle) -> ParagraphStyle:
    """``style``, or a copy of it that shapes text, when ``text`` holds Arabic."""
    return _shaped(style) if needs_shaping(text) else style


def markup(text: str) -> str:
    """Escape ``text`` for a reportlab Paragraph and wrap runs of other scripts in their font.

    An Arabic run becomes one unbreakable unit (no-break spaces) so it is laid out right to left
    as a whole. Line breaks become ``<br/>`` so an advocate's paragraphs survive.
    """

    def wrap(m: re.Match[str]) -> str:
        i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        font = _FALLBACK_RANGES[i][0]
        ensure_font(font)
        run = m.group(0)
        if font == ARABIC:
            require_shaping()
            # One unbreakable unit, a little larger: Naskh letters are small beside DejaVu's.
            joined = escape(run.replace(" ", _NBSP))
            return f'<font name="{font}" size="+1.5">{joined}</font>'
        return f'<font name="{font}">{escape(run)}</font>'

    out: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(wrap(m))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out).replace("\r\n", "\n").replace("\n", "<br/>")


def font_for_char(ch: str, base: str = SERIF) -> str:
    """The shipped font that prints ``ch`` inside text set in ``base``."""
    for font, pattern in _RANGE_FONT:
        if pattern.match(ch):
            return font
    return base


@lru_cache(maxsize=16)
def _cmap(font: str) -> frozenset[int]:
    ensure_font(font)
    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


def undrawable(text: str, base: str = SERIF) -> list[str]:
    """The characters of ``text`` that no shipped font draws (controls and spaces are fine)."""
    bad: list[str] = []
    for ch in text:
        if ch in "\n\r\t" or unicodedata.category(ch) in ("Zs", "Cf"):
            continue
        font = font_for_char(ch, base)
        if ord(ch) not in _cmap(font) and ch not in bad:
            bad.append(ch)
    return bad


def check_drawable(fields: list[tuple[str, str]], base: str = SERIF) -> None:
    """Refuse (``DocumentError``) when a field holds a character no shipped font can draw.

    ``fields`` are (field name as the user knows it, text). The message names the field and the
    character's Unicode name, never the rest of the text.
    """
    for name, text in fields:
        bad = undrawable(text, base)
        if bad:
            ch = bad[0]
            what = unicodedata.name(ch, "an unknown character")
            raise DocumentError(
                f"The {name} holds a character no font in IMSA Desktop can print "
                f"(U+{ord(ch):04X} {what.lower()}); change it before printing."
            )


def fonts_total_size() -> int:
    """Bytes of shipped font files (kept small: a test holds it under 10 MB)."""
    return sum((FONTS_DIR / f).stat().st_size for f in set(_FILES.values()))


def case_fields(
    case: model.Case,
    events: Sequence[model.TimelineEvent] = (),
    evidence: Sequence[model.EvidenceItem] = (),
) -> list[tuple[str, str]]:
    """The texts of a case a chronology or summary prints, named for the advocate."""
    s = case.survivor
    out = [
        ("survivor's name", s.full_name),
        ("preferred name", s.preferred_name),
        ("aliases", " ".join(s.aliases)),
        ("nationality", s.nationality),
        ("first responder", case.referral.first_responder),
    ]
    for e in events:
        when = e.date.display()
        out += [(f"title of the event of {when}", e.title), (f"source of the event of {when}", e.source)]
    out += [("title of an evidence item", ev.title) for ev in evidence]
    out += [("reasons of a decision", "\n".join(dec.reasons)) for dec in case.decisions]
    return out
