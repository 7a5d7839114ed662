"""Rendering stage, PDF: the HTML of render_html -> tagged PDF through WeasyPrint.

Input: the page HTML (already autoescaped, Latin runs wrapped), its stylesheets and
fonts in the build folder. Output: a PDF with metadata (title, author, language,
date from the HTML head), PDF/UA tags, fonts embedded as subsets.

Safety: WeasyPrint fetches only through :func:`make_url_fetcher`, which serves
``file:`` URLs inside the allowed folders (the project and its build folder) and
``data:`` URLs, and refuses everything else: no network, no redirects, no files
elsewhere on the machine.

Searchability: WeasyPrint maps each glyph to the text of the first cluster that used
it, which loses most of Nastaliq (its letters share skeleton and dot glyphs) and
part of Naskh and Sinhala (conjuncts, ligatures). With ``searchable_text`` each
line of complex-script text is wrapped in a marked-content span carrying the line's
real text as ``/ActualText`` (ISO 32000 14.9.4), which text extractors such as
poppler and screen readers use instead of the glyph mapping.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import RenderError
from .fsio import atomic_write
from .project import Project

# Text that shapes into glyphs a per-glyph ToUnicode map cannot describe.
SEARCHABLE_MODES = ("none", "ltr", "all")
_COMPLEX_SCRIPT = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\u0d80-\u0dff]"
)


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


@contextlib.contextmanager
def actual_text_spans(*, include_rtl: bool = False) -> Iterator[None]:
    """While active, WeasyPrint wraps each complex-script text line in ``/Span <</ActualText>>``.

    WeasyPrint 70 has no hook for this; ``weasyprint.draw.draw_text`` is wrapped for
    the duration and restored afterwards. Only the text-drawing call is touched; the
    layout is the same.
    """
    import pydyf  # type: ignore[import-untyped]
    import weasyprint.draw as draw

    original = draw.draw_text

    def draw_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        text = str(getattr(textbox, "text", ""))
        rtl = textbox.style["direction"] == "rtl"
        if not text.strip() or not _COMPLEX_SCRIPT.search(text) or (rtl and not include_rtl):
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw.draw_text = draw_text
    try:
        yield
    finally:
        draw.draw_text = original


def pdf_bytes(
    html_text: str,
    *,
    html_path: Path,
    allowed_roots: Sequence[Path],
    variant: str = "pdf/ua-1",
    searchable_text: str = "ltr",
) -> bytes:
    """Lay out ``html_text`` as if it were at ``html_path`` and return the PDF."""
    from weasyprint import HTML

    fetcher = make_url_fetcher(allowed_roots)
    messages: list[str] = []
    handler = _ListHandler(messages)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = HTML(string=html_text, base_url=html_path.as_uri(), url_fetcher=fetcher)
        options: dict[str, Any] = {}
        if variant:
            options["pdf_variant"] = variant
        guard = (
            actual_text_spans(include_rtl=searchable_text == "all")
            if searchable_text != "none"
            else contextlib.nullcontext()
        )
        with guard:
            data = document.write_pdf(**options)
    except RenderError:
        raise
    except Exception as exc:  # WeasyPrint raises many kinds; name the page that failed
        raise RenderError(f"PDF rendering failed: {exc}", path=html_path) from exc
    finally:
        logger.removeHandler(handler)
    missing = [m for m in messages if ".notdef glyph" in m]
    if missing:
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
    searchable_text: str = "ltr",
) -> bool:
    """Render and write one PDF atomically; returns whether the file changed."""
    data = pdf_bytes(
        html_text,
        html_path=html_path,
        allowed_roots=allowed_roots,
        variant=variant,
        searchable_text=searchable_text,
    )
    return atomic_write(pdf_path, data)


class _ListHandler(logging.Handler):
    """Collects WeasyPrint's warnings (missing glyphs, refused fetches)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def render(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    **options: Any,
) -> Any:
    """PDFs only: ``render_html.render`` with ``formats=("pdf",)``."""
    from .render_html import render as render_pages

    options.setdefault("formats", ("pdf",))
    return render_pages(project, langs, slugs, **options)


# --------------------------------------------------------------------------- searchability


def text_words(text: str) -> list[str]:
    """Words for comparing extracted text: NFKC (presentation forms folded), no joiners or tatweel.

    Splits on white space and strips punctuation at word ends; Sinhala vowel signs
    and Arabic marks stay inside their words.
    """
    import unicodedata

    folded = unicodedata.normalize("NFKC", text)
    # Joiners, tatweel and soft hyphens vanish in extraction; bidi controls (which
    # pdftotext adds around runs) separate words.
    folded = re.sub(r"[\u200b-\u200d\u2060\u0640\u00ad]", "", folded)
    folded = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", " ", folded)
    words = []
    for token in folded.split():
        start, end = 0, len(token)
        while start < end and unicodedata.category(token[start])[0] in "PSZ":
            start += 1
        while end > start and unicodedata.category(token[end - 1])[0] in "PSZ":
            end -= 1
        if start < end:
            words.append(token[start:end])
    return words


def extracted_word_share(expected_text: str, pdf_path: Path) -> float:
    """Share of the words of ``expected_text`` that ``pdftotext`` recovers from the PDF.

    A multiset comparison: each expected word counts once per occurrence and is
    matched at most as often as it occurs in the extracted text.
    """
    import shutil
    import subprocess
    from collections import Counter

    tool = shutil.which("pdftotext")
    if tool is None:
        raise RenderError("pdftotext is not installed", hint="sudo apt-get install poppler-utils")
    extracted = subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8", "replace")
    expected = Counter(text_words(expected_text))
    found = Counter(text_words(extracted))
    total = sum(expected.values())
    if not total:
        return 1.0
    return sum(min(count, found[word]) for word, count in expected.items()) / total
