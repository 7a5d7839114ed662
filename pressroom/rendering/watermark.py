"""Rendering, watermark: the diagonal "Unreviewed draft" of draft PDFs as vector outlines.

Input: the watermark's words in one language and that language's stylesheets in the
build folder (``css/lang-<code>.css``, fonts). Output: ``css/watermark-<code>.svg``,
the words laid out by WeasyPrint in the language's own face, rotated, then turned
into glyph outlines by poppler's ``pdftocairo -svg``. ``page-<code>-draft.css``
paints it as the page background, which WeasyPrint draws as an ``/Artifact``: the
watermark is no longer text, so ``pdftotext`` and screen readers no longer mix its
words into the body lines, and it is not part of the structure tree.

A file whose inputs did not change is not rebuilt (a key in its first line).
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
    """Write the watermark SVG for ``text`` unless an identical one is there; returns whether written."""
    document = tile_html(text, lang, direction, [path.as_uri() for path in stylesheets])
    digest = hashlib.sha256(document.encode())
    for path in (*stylesheets, *fonts):
        digest.update(path.read_bytes() if path.suffix == ".css" else str(path.stat().st_size).encode())
    key = f"<!-- pressroom watermark {digest.hexdigest()[:24]} -->\n"
    try:
        if target.read_text("utf-8").startswith(key):
            return False
    except FileNotFoundError:
        pass
    tool = shutil.which("pdftocairo")
    if tool is None:
        raise RenderError("pdftocairo is not installed", hint="sudo apt-get install poppler-utils")
    from weasyprint import HTML

    from .pdf import make_url_fetcher

    roots = sorted({path.parent.parent for path in (*stylesheets, *fonts)})
    pdf = HTML(string=document, base_url=target.as_uri(), url_fetcher=make_url_fetcher(roots)).write_pdf()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "watermark.pdf"
        source.write_bytes(pdf)
        svg = Path(tmp) / "watermark.svg"
        subprocess.run([tool, "-svg", str(source), str(svg)], check=True, capture_output=True, timeout=60)
        body = svg.read_text("utf-8")
    if body.startswith("<?xml"):
        body = body.split("?>", 1)[1].lstrip()
    return atomic_write(target, key + body)
