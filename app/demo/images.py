"""Product images for the demo catalog, drawn as SVG from a few vector motifs.

Run once, and commit what it writes:  python -m app.demo.images
Every image is 600x600: a soft two-colour gradient per category, a halo, a floor shadow
and one illustration in the item's accent colour. No text, no scripts, no external links.
"""
import hashlib
from pathlib import Path

from app.demo.catalog import CATEGORIES, ITEMS
from app.demo.motifs import MOTIFS, sparkle

OUT = Path(__file__).resolve().parent.parent.parent / "static" / "img" / "catalog"


def render(item: dict, colours: tuple[str, str]) -> str:
    top, bottom = colours
    night = item["category"] == "members"
    seed = hashlib.sha1(item["slug"].encode()).digest()
    halo = "#FFFFFF" if not night else "#FFE9B0"
    deco_colour = "#FFFFFF" if not night else "#F3D27A"
    decor = "".join(
        sparkle(60 + seed[i] % 480, 50 + seed[i + 1] % 120 + (i % 2) * 360, 8 + seed[i + 2] % 8,
                deco_colour, 0.55)
        for i in (0, 3))
    decor += "".join(f'<circle cx="{40 + seed[i] % 520}" cy="{40 + seed[i + 1] % 520}" '
                     f'r="{3 + seed[i + 2] % 4}" fill="{deco_colour}" opacity="0.45"/>'
                     for i in (6, 9, 12))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" '
        'viewBox="0 0 600 600">'
        '<defs>'
        f'<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/>'
        '</linearGradient>'
        '<radialGradient id="halo"><stop offset="0" stop-color="' + halo + '" '
        f'stop-opacity="{0.16 if night else 0.7}"/>'
        f'<stop offset="1" stop-color="{halo}" stop-opacity="0"/></radialGradient>'
        '<radialGradient id="shadow"><stop offset="0" stop-color="#000" '
        f'stop-opacity="{0.35 if night else 0.16}"/>'
        '<stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>'
        '<radialGradient id="glow"><stop offset="0" stop-color="#FFE7A3" stop-opacity="0.9"/>'
        '<stop offset="1" stop-color="#FFE7A3" stop-opacity="0"/></radialGradient>'
        '</defs>'
        '<rect width="600" height="600" fill="url(#bg)"/>'
        '<circle cx="300" cy="300" r="250" fill="url(#halo)"/>'
        + decor +
        '<ellipse cx="300" cy="472" rx="220" ry="36" fill="url(#shadow)"/>'
        + '<g transform="translate(300 466) scale(1.1) translate(-300 -466)">'
        + MOTIFS[item["motif"]](item["accent"]) + '</g>' +
        '</svg>\n')


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    colours = {slug: pair for slug, _n, _e, pair in CATEGORIES}
    for item in ITEMS:
        (OUT / f"{item['slug']}.svg").write_text(render(item, colours[item["category"]]))
    print(f"{len(ITEMS)} images written to {OUT}")


if __name__ == "__main__":
    main()
