"""Rendering, PDF: the HTML of one page (:mod:`.pages`) -> tagged PDF through WeasyPrint.

Input: the page HTML (already autoescaped, Latin runs wrapped), its stylesheets and
fonts in the build folder. Output: a PDF with metadata (title, author, language,
date from the HTML head), PDF/UA tags, fonts embedded as subsets.

Safety: WeasyPrint fetches only through :func:`make_url_fetcher`, which serves
``file:`` URLs inside the allowed folders (the project and its build folder) and
``data:`` URLs, and refuses everything else: no network, no redirects, no files
elsewhere on the machine.

Searchability: complex-script text is marked with ``/ActualText`` while the PDF is
drawn (:mod:`.searchable`), so extractors and screen readers recover it. Finishing
(:mod:`.finishing`): real font names, margin boxes as artifacts, ``/Direction /R2L``.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import RenderError
from ..fsio import atomic_write
from .finishing import finish_pdf, pdf_finishing
from .searchable import actual_text_spans


class FetchRefused(RenderError):
    """WeasyPrint asked for a URL outside the project; it is not fetched."""


def make_url_fetcher(allowed_roots: Sequence[Path]) -> Any:
    """A WeasyPrint URL fetcher serving ``file:`` inside ``allowed_roots`` and ``data:`` only.

    Anything else (http, ftp, a file elsewhere, a missing file) raises
    :class:`FetchRefused`, which WeasyPrint reports as a warning and skips. The
    fetcher never follows redirects.
    """
    import mimetypes

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [root.resolve() for root in allowed_roots]

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise FetchRefused(f"refused to fetch {url}: only files inside the project are used")
            if parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"refused to fetch {url}: remote file URL")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise FetchRefused(f"refused to fetch {url}: outside the project folder")
            if not path.is_file():
                raise FetchRefused(f"refused to fetch {url}: no such file")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return ProjectFetcher(allowed_protocols=("file", "data"), allow_redirects=False, timeout=5)


def pdf_bytes(
    html_text: str,
    *,
    html_path: Path,
    allowed_roots: Sequence[Path],
    variant: str = "pdf/ua-1",
    searchable_text: str = "words",
    warnings: list[str] | None = None,
    url_fetcher: Any = None,
    fonts: FontConfigs | None = None,
) -> bytes:
    """Lay out ``html_text`` as if it were at ``html_path`` and return the PDF.

    Glyphs no font has are drawn as boxes: with a ``warnings`` list each is a
    warning there and the PDF is still made; without one, a RenderError.
    ``url_fetcher`` replaces the fetcher of ``allowed_roots`` (a cluster worker
    serves the stylesheets, fonts and images it was sent instead of files).
    ``fonts``: font configurations shared with the other PDFs of this render
    (:class:`FontConfigs`); without it the page gets a fresh one, as WeasyPrint does.
    """
    from weasyprint import HTML

    fetcher = url_fetcher if url_fetcher is not None else make_url_fetcher(allowed_roots)
    messages: list[str] = []
    handler = _ListHandler(messages)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = HTML(string=html_text, base_url=html_path.as_uri(), url_fetcher=fetcher)
        options: dict[str, Any] = {"cache": _image_cache()}
        if fonts is not None:
            options["font_config"] = fonts.for_page(html_text)
        if variant:
            options["pdf_variant"] = variant
        guard = actual_text_spans(searchable_text) if searchable_text != "none" else contextlib.nullcontext()
        with guard, pdf_finishing():
            data = document.write_pdf(finisher=finish_pdf, **options)
    except RenderError:
        raise
    except Exception as exc:  # WeasyPrint raises many kinds; name the page that failed
        raise RenderError(f"PDF rendering failed: {exc}", path=html_path) from exc
    finally:
        logger.removeHandler(handler)
    missing = [m for m in messages if ".notdef glyph" in m]
    if missing and warnings is not None:
        warnings.extend(_missing_glyph_warnings(missing))
    elif missing:
        raise RenderError(
            f"a font lacks glyphs used on this page: {missing[0]}",
            path=html_path,
            hint="check font_files of this language in workflow.toml",
        )
    if not isinstance(data, bytes):
        raise RenderError("WeasyPrint returned no PDF", path=html_path)
    return data


def write_pdf(
    html_text: str,
    *,
    html_path: Path,
    pdf_path: Path,
    allowed_roots: Sequence[Path],
    variant: str = "pdf/ua-1",
    searchable_text: str = "words",
    warnings: list[str] | None = None,
    fonts: FontConfigs | None = None,
) -> bool:
    """Render and write one PDF atomically; returns whether the file changed.

    ``warnings``, ``fonts``: as for :func:`pdf_bytes`.
    """
    data = pdf_bytes(
        html_text,
        html_path=html_path,
        allowed_roots=allowed_roots,
        variant=variant,
        searchable_text=searchable_text,
        warnings=warnings,
        fonts=fonts,
    )
    return atomic_write(pdf_path, data)


def _missing_glyph_warnings(messages: Sequence[str]) -> list[str]:
    """One warning per distinct character in WeasyPrint's ``.notdef`` messages."""
    import re

    from .fonts import describe_character

    chars: dict[str, None] = {}
    for message in messages:
        for code in re.findall(r"\(U\+([0-9A-Fa-f]{4,6})\)", message):
            chars.setdefault(chr(int(code, 16)), None)
    return [f"PDF: no font has {describe_character(char)}; drawn as a box" for char in chars]


_STYLE_LINKS = re.compile(
    r"""<link\b(?=[^>]*\brel\s*=\s*["']?[^"'>]*\bstylesheet\b)[^>]*>|<style\b.*?</style>""",
    re.IGNORECASE | re.DOTALL,
)
"""A page's stylesheet links and style blocks: what decides the fonts it declares."""


class FontConfigs:
    """WeasyPrint font configurations shared by the PDFs of one render, one per set of stylesheets.

    A fresh ``FontConfiguration`` loads fontconfig's whole configuration and copies and
    registers every ``@font-face`` font of the page: 0.09-0.16 s of a page that takes
    0.2-0.8 s (measured on the sample's pages; ``python -m benchmarks render``). Pages
    linking the same stylesheets declare the same fonts and share one configuration;
    pages with other stylesheets get their own, so no page sees fonts only another page
    declared and a PDF never depends on the order pages are made in. Valid for one
    render (fonts may change between renders): :meth:`close` when it ends, which also
    removes WeasyPrint's temporary copies of the fonts.
    """

    def __init__(self, limit: int = 16) -> None:
        self._configs: dict[str, Any] = {}
        self._limit = limit

    def for_page(self, html_text: str) -> Any:
        """The configuration for a page with ``html_text``'s stylesheet links and style blocks."""
        from weasyprint.text.fonts import FontConfiguration

        key = "\n".join(_STYLE_LINKS.findall(html_text))
        config = self._configs.get(key)
        if config is None:
            if len(self._configs) >= self._limit:
                self.close()
            config = self._configs[key] = FontConfiguration()
        return config

    def close(self) -> None:
        """Drop every configuration; WeasyPrint removes its font copies as each is collected."""
        self._configs.clear()


_IMAGES: dict[str, Any] = {}


def _image_cache() -> dict[str, Any]:
    """WeasyPrint's image cache, shared by the PDFs one process lays out.

    The draft watermark (and an article's images) are decoded and re-encoded once per
    process, not once per PDF (40 ms a PDF for the watermark); bounded, so a long
    ``serve`` does not keep every image it ever saw.
    """
    if len(_IMAGES) > 64:
        _IMAGES.clear()
    return _IMAGES


class _ListHandler(logging.Handler):
    """Collects WeasyPrint's warnings (missing glyphs, refused fetches)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())
