"""Screenshots for docs/typography/: Chromium at phone and desktop width, PDF crops via pdftoppm.

Not part of pressroom; run by hand after `workflow.py build --drafts`:

    .venv/bin/python docs/typography/shots.py html build/ur/x.html 390 out.png [--height 1400]
    .venv/bin/python docs/typography/shots.py pdf build/ur/x.pdf PAGE DPI out.png [--crop x0,y0,x1,y1]

Crop boxes are fractions of the page (0..1). Images are palette-quantised so each stays
under ~200 KB.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

CHROMIUM = [
    "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--hide-scrollbars", "--force-device-scale-factor=1",
]


def save(image: Image.Image, out: Path, limit: int = 200_000) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    image = image.convert("RGB")
    for colours in (256, 64, 32, 16):
        image.quantize(colours, dither=Image.Dither.NONE).save(out, optimize=True)
        if out.stat().st_size <= limit:
            break
    print(out, image.size, out.stat().st_size)


def html_shot(page: Path, width: int, out: Path, height: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "shot.png"
        subprocess.run(
            [*CHROMIUM, f"--user-data-dir={tmp}/profile", f"--screenshot={png}",
             f"--window-size={width},{height}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )
        save(Image.open(png), out)


def pdf_shot(pdf: Path, page: int, dpi: int, out: Path, crop: tuple[float, ...], scale: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(pdf), f"{tmp}/p"],
            check=True, timeout=120,
        )
        image = Image.open(next(Path(tmp).glob("p*.png")))
        w, h = image.size
        x0, y0, x1, y1 = crop
        image = image.crop((round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h)))
        if scale != 1.0:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        save(image, out)


def pages_shot(pdf: Path, first: int, last: int, dpi: int, out: Path, width: int) -> None:
    """Pages side by side (rendered at ``dpi``, each scaled to ``width`` px), a grey gap between."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(first), "-l", str(last), "-png", str(pdf), f"{tmp}/p"],
            check=True, timeout=300,
        )
        pages = [Image.open(png) for png in sorted(Path(tmp).glob("p*.png"))]
        pages = [im.resize((width, round(im.height * width / im.width)), Image.LANCZOS) for im in pages]
        gap = 12
        sheet = Image.new("RGB", (len(pages) * (width + gap) + gap, pages[0].height + 2 * gap), "#888")
        for n, im in enumerate(pages):
            sheet.paste(im, (gap + n * (width + gap), gap))
        save(sheet, out)


def locate(pdf: Path, word: str) -> tuple[int, float, float]:
    """(page, top, bottom as fractions of the page height) of the first line holding ``word``."""
    import html
    import re

    command = ["pdftotext", "-bbox", str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        height = float(re.search(r'height="([0-9.]+)"', page).group(1))  # type: ignore[union-attr]
        for match in re.finditer(r'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">([^<]*)<', page):
            # pdftotext -bbox gives right-to-left words in drawing order, i.e. reversed.
            tokens = [t.strip(".,:;()«»“”\"'،") for t in html.unescape(match.group(3)).split()]
            if word in tokens or word[::-1] in tokens:
                return number, float(match.group(1)) / height, float(match.group(2)) / height
    raise SystemExit(f"{word!r} not found in {pdf}")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="kind", required=True)
    h = sub.add_parser("html")
    h.add_argument("page", type=Path)
    h.add_argument("width", type=int)
    h.add_argument("out", type=Path)
    h.add_argument("--height", type=int, default=1400)
    p = sub.add_parser("pdf")
    p.add_argument("pdf", type=Path)
    p.add_argument("page", type=int)
    p.add_argument("dpi", type=int)
    p.add_argument("out", type=Path)
    p.add_argument("--crop", default="0,0,1,1")
    p.add_argument("--scale", type=float, default=1.0)
    w = sub.add_parser("word")
    w.add_argument("pdf", type=Path)
    w.add_argument("word")
    w.add_argument("dpi", type=int)
    w.add_argument("out", type=Path)
    w.add_argument("--above", type=float, default=0.03)
    w.add_argument("--below", type=float, default=0.05)
    w.add_argument("--x", default="0.05,0.95")
    w.add_argument("--scale", type=float, default=1.0)
    s = sub.add_parser("pages")
    s.add_argument("pdf", type=Path)
    s.add_argument("first", type=int)
    s.add_argument("last", type=int)
    s.add_argument("dpi", type=int)
    s.add_argument("out", type=Path)
    s.add_argument("--width", type=int, default=300)
    args = parser.parse_args()
    if args.kind == "word":
        page, top, bottom = locate(args.pdf, args.word)
        x0, x1 = (float(v) for v in args.x.split(","))
        crop = (x0, max(0.0, top - args.above), x1, min(1.0, bottom + args.below))
        pdf_shot(args.pdf, page, args.dpi, args.out, crop, args.scale)
        return
    if args.kind == "pages":
        pages_shot(args.pdf, args.first, args.last, args.dpi, args.out, args.width)
        return
    if args.kind == "html":
        html_shot(args.page, args.width, args.out, args.height)
    else:
        crop = tuple(float(v) for v in args.crop.split(","))
        pdf_shot(args.pdf, args.page, args.dpi, args.out, crop, args.scale)


if __name__ == "__main__":
    main()
