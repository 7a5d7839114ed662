"""Rendering, watermark: the diagonal "Unreviewed draft" of draft PDFs as an image.

Input: the watermark's words in one language and that language's stylesheets in the
build folder (``css/lang-<code>.css``, fonts). Output: ``css/watermark-<code>.png``,
the words laid out by WeasyPrint in the language's own face, rotated, rasterised
with a transparent background by poppler's ``pdftocairo`` at :data:`DPI`.
``page-<code>-draft.css`` paints it as the page background, which WeasyPrint draws
as an ``/Artifact``: the watermark is no longer text, so ``pdftotext`` and screen
readers no longer mix its words into the body lines, and it is not part of the
structure tree. An image, not outlines: WeasyPrint embeds it once for all pages,
where an SVG of glyph outlines was parsed and drawn again on every page (+30 ms
a page).

Made once per text, face and stylesheet, it is kept in the per-user cache beside the
font subsets (``watermarks/``); an unchanged build is not rewritten.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import RenderError
from ..fsio import atomic_write

TILE_MM = (170, 150)
"""Width and height of the watermark tile; page.css.j2 centres it on the page area."""
SIZE_PT = 40
COLOUR = "rgba(176, 0, 32, 0.13)"
DPI = 150
"""Resolution of the watermark image: a pale mark, smooth at print sizes, quick to embed."""


def tile_html(text: str, lang: str, direction: str, stylesheets: Sequence[str]) -> str:
    """A one-page document holding only the rotated watermark, centred on a transparent tile."""
    width, height = TILE_MM
    links = "".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in stylesheets)
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">{links}'
        f"<style>@page {{ size: {width}mm {height}mm; margin: 0; background: none; }}"
        f"html, body {{ margin: 0; background: none; }}"
        f"body {{ display: flex; align-items: center; justify-content: center; height: {height}mm; }}"
        f"div {{ width: {width - 20}mm; text-align: center; font-size: {SIZE_PT}pt; line-height: 1.5;"
        f" color: {COLOUR}; transform: rotate(-28deg); }}</style></head>"
        f"<body><div>{html.escape(text)}</div></body></html>"
    )


def write_watermark(
    target: Path, text: str, *, lang: str, direction: str, stylesheets: Sequence[Path], fonts: Sequence[Path]
) -> bool:
    """Write the watermark image for ``text`` unless an identical one is there; returns whether written."""
    from .webfonts import cache_dir

    # The key leaves out where the build is: a cached watermark serves every project.
    digest = hashlib.sha256(tile_html(text, lang, direction, [path.name for path in stylesheets]).encode())
    for path in (*stylesheets, *fonts):
        digest.update(path.read_bytes() if path.suffix == ".css" else str(path.stat().st_size).encode())
    digest.update(str(DPI).encode())
    cached = cache_dir().parent / "watermarks" / f"{digest.hexdigest()[:24]}.png"
    if not cached.exists():
        tool = shutil.which("pdftocairo")
        if tool is None:
            raise RenderError("pdftocairo is not installed", hint="sudo apt-get install poppler-utils")
        from weasyprint import HTML

        from .pdf import make_url_fetcher

        document = tile_html(text, lang, direction, [path.as_uri() for path in stylesheets])
        roots = sorted({path.parent.parent for path in (*stylesheets, *fonts)})
        pdf = HTML(string=document, base_url=target.as_uri(), url_fetcher=make_url_fetcher(roots)).write_pdf()
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "watermark.pdf"
            source.write_bytes(pdf)
            command = [tool, "-png", "-transp", "-r", str(DPI), "-singlefile", str(source)]
            command.append(f"{tmp}/watermark")
            subprocess.run(command, check=True, capture_output=True, timeout=60)
            atomic_write(cached, (Path(tmp) / "watermark.png").read_bytes())
    return atomic_write(target, cached.read_bytes())
