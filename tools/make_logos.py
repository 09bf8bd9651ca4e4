"""Draw the example schools' placeholder logos (run once; the PNGs are committed)."""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

LOGOS = {
    "model-school": ("S", "#1F3864", "#2E75B6"),
    "roselands-stafford": ("R&S", "#0B5394", "#38761D"),
    "bradley-primary": ("BP", "#7F0000", "#BF9000"),
    "holtsmere-end": ("HE", "#274E13", "#6AA84F"),
    "flourish-federation": ("F", "#5B2C6F", "#D4AC0D"),
    "birchwood-academy": ("BA", "#00695C", "#F9A825"),
    "st-marys-va": ("SM", "#1A237E", "#C62828"),
    "riverside-federation": ("RF", "#01579B", "#7CB342"),
}


def main() -> None:
    out = Path(__file__).resolve().parent.parent / "schools" / "logos"
    out.mkdir(parents=True, exist_ok=True)
    font_path = "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf"
    only = set(sys.argv[1:])  # e.g. `make_logos.py birchwood-academy`: draw just these
    for school, (letters, primary, accent) in LOGOS.items():
        if only and school not in only:
            continue
        img = Image.new("RGB", (240, 240), "white")
        draw = ImageDraw.Draw(img)
        draw.ellipse((8, 8, 232, 232), fill=primary, outline=accent, width=14)
        size = 110 if len(letters) < 3 else 72
        font = ImageFont.truetype(font_path, size)
        draw.text((120, 122), letters, fill="white", font=font, anchor="mm")
        img.save(out / f"{school}.png", optimize=True)


if __name__ == "__main__":
    main()
