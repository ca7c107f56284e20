"""Build resources/fonts/IMSAHangul-Regular.ttf: the Hangul of NanumGothic (SIL OFL 1.1).

Run once when the font is updated (needs fontTools: ``pip install fonttools`` and the Debian
package ``fonts-nanum``)::

    python tools/make_hangul_subset.py /usr/share/fonts/truetype/nanum/NanumGothic.ttf

The OFL reserves the name "Nanum" for unmodified fonts, so the subset is renamed
"IMSA Hangul" (OFL section 3); the licence is resources/fonts/LICENSE-Nanum-OFL.txt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

RANGES = [
    (0x20, 0x20),  # space
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3130, 0x318F),  # compatibility Jamo
    (0xA960, 0xA97F),  # Jamo extended A
    (0xAC00, 0xD7A3),  # syllables
    (0xD7B0, 0xD7FF),  # Jamo extended B
]
OUT = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "IMSAHangul-Regular.ttf"


def main(src: str) -> None:
    font = TTFont(src)
    options = subset.Options()
    options.hinting = False
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[c for a, b in RANGES for c in range(a, b + 1)])
    sub.subset(font)
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17):
            name.removeNames(nameID=rec.nameID)
    name.setName("IMSA Hangul", 1, 3, 1, 0x409)
    name.setName("IMSA Hangul Regular (subset of NanumGothic)", 3, 3, 1, 0x409)
    name.setName("IMSA Hangul Regular", 4, 3, 1, 0x409)
    name.setName("IMSAHangul-Regular", 6, 3, 1, 0x409)
    font.save(OUT)
    print(OUT, OUT.stat().st_size)


if __name__ == "__main__":
    main(sys.argv[1])
