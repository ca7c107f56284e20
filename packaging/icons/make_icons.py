"""Draw the app icon and write it as .png (Linux), .ico (Windows) and .icns (macOS).

    .venv/bin/python packaging/icons/make_icons.py

A teal rounded square with a white folder and a padlock: "a locked case file". Pillow
(installed with reportlab) draws it; the outputs are committed so builds need nothing else.
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
TEAL, DARK, WHITE, GOLD = (11, 110, 127), (11, 79, 92), (255, 255, 255), (240, 196, 64)


def draw(size: int = 1024) -> Image.Image:
    s = size / 1024
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([40 * s, 40 * s, 984 * s, 984 * s], radius=200 * s, fill=TEAL)
    d.rounded_rectangle([40 * s, 560 * s, 984 * s, 984 * s], radius=200 * s, fill=DARK)
    d.rectangle([40 * s, 560 * s, 984 * s, 700 * s], fill=DARK)
    # folder
    d.rounded_rectangle([200 * s, 300 * s, 470 * s, 400 * s], radius=30 * s, fill=WHITE)
    d.rounded_rectangle([200 * s, 350 * s, 824 * s, 780 * s], radius=40 * s, fill=WHITE)
    # padlock
    d.arc([430 * s, 430 * s, 594 * s, 620 * s], 180, 360, fill=GOLD, width=int(34 * s))
    d.line([447 * s, 525 * s, 447 * s, 560 * s], fill=GOLD, width=int(34 * s))
    d.line([577 * s, 525 * s, 577 * s, 560 * s], fill=GOLD, width=int(34 * s))
    d.rounded_rectangle([400 * s, 550 * s, 624 * s, 720 * s], radius=24 * s, fill=GOLD)
    d.ellipse([492 * s, 600 * s, 532 * s, 640 * s], fill=DARK)
    d.rectangle([504 * s, 630 * s, 520 * s, 680 * s], fill=DARK)
    return img


def main() -> None:
    big = draw(1024)
    big.resize((256, 256), Image.LANCZOS).save(HERE / "imsa-desktop.png")
    big.resize((256, 256), Image.LANCZOS).save(
        HERE.parent.parent / "resources" / "icons" / "imsa-desktop.png"
    )
    big.save(
        HERE / "imsa-desktop.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    big.save(HERE / "imsa-desktop.icns")


if __name__ == "__main__":
    main()
