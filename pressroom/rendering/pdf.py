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
poppler and screen readers use instead of the glyph mapping. Right-to-left text
(mode ``words``, the default of :func:`pdf_bytes`) gets one span per word instead,
in drawing order inside a ``/ReversedChars`` sequence (14.8.2.5.3), which is how
poppler reads it; see docs/rendering.md "Searchable PDFs" for the measurements.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import RenderError
from ..fsio import atomic_write
from ..project import Project

# Text that shapes into glyphs a per-glyph ToUnicode map cannot describe.
SEARCHABLE_MODES = ("none", "ltr", "clusters", "words")
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
def actual_text_spans(mode: str) -> Iterator[None]:
    """While active, WeasyPrint marks complex-script text with ``/Span <</ActualText ...>>``.

    ``ltr``: one span per line of left-to-right complex-script text (Sinhala).
    ``clusters``: additionally one span per glyph cluster in right-to-left lines
    (Urdu, Persian): each cluster's glyphs carry the cluster's own characters, which
    per-glyph ToUnicode maps cannot express when glyphs are shared (Nastaliq's
    skeletons and dots). A line span on right-to-left text would be read in the
    wrong order by poppler, which takes ActualText as visual order.
    ``words``: like ``clusters``, but one span per word (the non-space characters
    of one Pango run), so poppler cannot split a word where Nastaliq's cascading
    glyphs leave gaps. In a right-to-left run the span's text is the word reversed,
    i.e. in drawing order, and the span sits in a ``/ReversedChars`` marked-content
    sequence, the PDF's way of saying so (ISO 32000-1 14.8.2.5.3); poppler ignores
    that tag and reads ActualText in drawing order, so it recovers the word.
    Right-to-left lines that read right without help (:func:`_reads_without_help`)
    stay unmarked.

    WeasyPrint 70 has no hook for this; ``draw_first_line`` is wrapped for the
    duration and restored afterwards. The wrapper only adds marked-content operators
    around the text operators WeasyPrint wrote; if it cannot match them glyph for
    glyph to the Pango line it leaves the line untouched.
    """
    import pydyf  # type: ignore[import-untyped]
    import weasyprint.draw.text as text_module

    original = text_module.draw_first_line

    def draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        text = str(getattr(textbox, "text", ""))
        if not text.strip() or not _COMPLEX_SCRIPT.search(text):
            return original(stream, textbox, *args, **kwargs)
        if textbox.style["direction"] == "rtl":
            if mode not in ("clusters", "words"):
                return original(stream, textbox, *args, **kwargs)
            first = len(stream.stream)
            result = original(stream, textbox, *args, **kwargs)
            if mode == "words" and _reads_without_help(stream, textbox):
                return result
            try:
                _mark_clusters(stream, first, textbox, by_word=mode == "words")
            except _NoMatch:
                pass
            return result
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    text_module.draw_first_line = draw_first_line
    try:
        yield
    finally:
        text_module.draw_first_line = original


class _NoMatch(Exception):
    """The text operators do not match the Pango glyphs; leave the line as drawn."""


_TJ = re.compile(rb"^\[(.*)\] TJ$", re.DOTALL)
_TJ_ITEM = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")


def _reads_without_help(stream: Any, textbox: Any) -> bool:
    """Whether extractors can read the drawn line from its glyphs alone.

    True when no glyph is raised or lowered (Nastaliq's cascading baseline, marks
    placed off the baseline) and the fonts' ToUnicode maps, as WeasyPrint filled
    them, give every cluster exactly its own characters. Such lines (most Persian
    Naskh lines) are left unmarked: poppler reads them fully anyway, and PDFium
    (Chromium's viewer) reads plain Naskh better than word spans.
    """
    from weasyprint.text.ffi import ffi, pango

    utf8 = textbox.pango_layout.text.encode()
    line, _index = textbox.pango_layout.get_first_line()
    run = line.runs[0]
    while run != ffi.NULL:
        item = run.data
        run = run.next
        font, _size = stream.add_font(item.item.analysis.font)
        string = item.glyphs
        count = string.num_glyphs
        offset, length = item.item.offset, item.item.length
        starts = sorted({string.log_clusters[i] for i in range(count)})
        ends = {start: (starts[n + 1] if n + 1 < len(starts) else length) for n, start in enumerate(starts)}
        mapped: dict[int, list[str]] = {}
        for i in range(count):
            glyph = string.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY or glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                continue
            if string.glyphs[i].geometry.y_offset:
                return False
            mapped.setdefault(string.log_clusters[i], []).append(font.to_unicode.get(glyph, ""))
        for start, texts in mapped.items():
            text = utf8[offset + start : offset + ends[start]].decode("utf-8", "replace")
            if sorted(t for t in texts if t) != [text]:
                return False
    return True


_Key = tuple[int, int]
_WORD = re.compile(rb"\S+")


def _line_clusters(textbox: Any, *, by_word: bool = False) -> list[tuple[int, _Key | None, str, bool]]:
    """(glyph id, span key, span text, reversed) of each drawn glyph of the line, in drawing order.

    Spans are glyph clusters, or with ``by_word`` the words (non-space characters)
    of each Pango run; space glyphs then belong to no span (key ``None``). A word
    span of a right-to-left run has its text reversed (drawing order) and
    ``reversed`` set.
    """
    from weasyprint.text.ffi import ffi, pango

    utf8 = textbox.pango_layout.text.encode()
    words = [(m.start(), m.end()) for m in _WORD.finditer(utf8)] if by_word else []
    line, _index = textbox.pango_layout.get_first_line()
    glyphs: list[tuple[int, _Key | None, str, bool]] = []
    run = line.runs[0]
    run_number = 0
    while run != ffi.NULL:
        item = run.data
        run = run.next
        run_number += 1
        string = item.glyphs
        count = string.num_glyphs
        offset, length = item.item.offset, item.item.length
        rtl = bool(item.item.analysis.level % 2)
        starts = sorted({string.log_clusters[i] for i in range(count)})
        ends = {start: (starts[n + 1] if n + 1 < len(starts) else length) for n, start in enumerate(starts)}
        for i in range(count):
            glyph = string.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                raise _NoMatch
            start = string.log_clusters[i]
            if not by_word:
                text = utf8[offset + start : offset + ends[start]].decode("utf-8", "replace")
                glyphs.append((int(glyph), (run_number, start), text, False))
                continue
            word = next((w for w in words if w[0] <= offset + start < w[1]), None)
            if word is None:
                glyphs.append((int(glyph), None, "", False))
                continue
            # The part of the word inside this run, in logical order.
            low, high = max(word[0], offset), min(word[1], offset + length)
            text = utf8[low:high].decode("utf-8", "replace")
            glyphs.append((int(glyph), (run_number, word[0]), text[::-1] if rtl else text, rtl))
    return glyphs


def _mark_clusters(stream: Any, first: int, textbox: Any, *, by_word: bool = False) -> None:
    """Rewrite the TJ operators appended since ``first``: one ActualText span per cluster or word."""
    import pydyf

    glyphs = _line_clusters(textbox, by_word=by_word)
    ops = stream.stream[first:]
    out: list[Any] = []
    position = 0
    current: _Key | None = None
    closing: list[bytes] = []  # what ends the open span: EMC, and EMC of ReversedChars

    def flush(pieces: list[bytes]) -> None:
        if pieces:
            out.append(b"[" + b" ".join(pieces) + b"] TJ")
            pieces.clear()

    for op in ops:
        match = _TJ.match(op) if isinstance(op, bytes) else None
        if match is None:
            out.append(op)
            continue
        pieces: list[bytes] = []
        for item in _TJ_ITEM.finditer(match.group(1)):
            hexa, number = item.group(1), item.group(2)
            if number is not None:
                pieces.append(number)
                continue
            assert hexa is not None
            for k in range(0, len(hexa), 4):
                if position >= len(glyphs) or int(hexa[k : k + 4], 16) != glyphs[position][0]:
                    raise _NoMatch
                glyph_id, key, text, reverse = glyphs[position]
                position += 1
                if key != current or (key is None and closing):
                    flush(pieces)
                    out.extend(closing)
                    closing = []
                    if key is not None:
                        if reverse:
                            out.append(b"/ReversedChars BMC")
                            closing.append(b"EMC")
                        span = pydyf.Dictionary({"ActualText": pydyf.String(text)})
                        out.append(b"/Span " + span.data + b" BDC")
                        closing.insert(0, b"EMC")
                    current = key
                pieces.append(b"<%04x>" % glyph_id)
        flush(pieces)
    if position != len(glyphs):
        raise _NoMatch
    out.extend(closing)
    stream.stream[first:] = out


def pdf_bytes(
    html_text: str,
    *,
    html_path: Path,
    allowed_roots: Sequence[Path],
    variant: str = "pdf/ua-1",
    searchable_text: str = "words",
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
        guard = actual_text_spans(searchable_text) if searchable_text != "none" else contextlib.nullcontext()
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
    searchable_text: str = "words",
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
    from .pages import render as render_pages

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
