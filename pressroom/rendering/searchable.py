"""Rendering, searchable PDF text: complex-script text marked so extractors read it back.

WeasyPrint maps each glyph to the text of the first cluster that used it, which
loses most of Nastaliq (its letters share skeleton and dot glyphs) and part of
Naskh and Sinhala (conjuncts, ligatures). With ``searchable_text`` each line of
complex-script text is wrapped in a marked-content span carrying the line's real
text as ``/ActualText`` (ISO 32000 14.9.4), which text extractors such as poppler
and screen readers use instead of the glyph mapping. Right-to-left text (mode
``words``, the default of :func:`.pdf.pdf_bytes`) gets one span per word instead,
in drawing order inside a ``/ReversedChars`` sequence (14.8.2.5.3), which is how
poppler reads it; see docs/rendering.md "Searchable PDFs" for the measurements.

Input: WeasyPrint's drawing of each text line, while :func:`actual_text_spans` is
active. Output: the same content stream with marked-content operators added.
:func:`extracted_word_share` measures the result with ``pdftotext``.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import RenderError

SEARCHABLE_MODES = ("none", "ltr", "clusters", "words")
"""``searchable_text`` modes: what is marked, from nothing to every right-to-left word."""

# Text that shapes into glyphs a per-glyph ToUnicode map cannot describe.
_COMPLEX_SCRIPT = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\u0d80-\u0dff]"
)


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
    Right-to-left lines that read right without help stay unmarked, and in lines
    that lose only empty-glyph characters (a ZWNJ) only the words holding one are
    marked (:func:`_lost_clusters`).

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
            only: frozenset[int] | None = None
            if mode == "words":
                lost = _lost_clusters(stream, textbox)
                if lost is not None and not lost:
                    return result
                only = lost
            try:
                _mark_clusters(stream, first, textbox, by_word=mode == "words", only=only)
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


_TJ_ITEM = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")


def _lost_clusters(stream: Any, textbox: Any) -> frozenset[int] | None:
    """Where extractors cannot read the drawn line from its glyphs alone.

    ``None`` when a glyph is raised or lowered (Nastaliq's cascading baseline, marks
    placed off the baseline) or a cluster's glyphs, by the fonts' ToUnicode maps as
    WeasyPrint filled them, give other characters than its own: every word of the
    line needs a span. Otherwise the byte offsets of the clusters drawn by no glyph
    at all, whose characters extraction loses: a Persian ZWNJ (می‌کنند) is an empty
    glyph, and without a span ``pdftotext`` gave 6 of the sample's 201. Only the
    words holding those get spans; an empty set means the line reads right as drawn
    (most Persian Naskh lines), and it is left unmarked: PDFium (Chromium's viewer)
    reads plain Naskh better than word spans.
    """
    from weasyprint.text.ffi import ffi, pango

    utf8 = textbox.pango_layout.text.encode()
    line, _index = textbox.pango_layout.get_first_line()
    run = line.runs[0]
    lost: set[int] = set()
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
                return None
            mapped.setdefault(string.log_clusters[i], []).append(font.to_unicode.get(glyph, ""))
        for start in starts:
            text = utf8[offset + start : offset + ends[start]].decode("utf-8", "replace")
            if start not in mapped:
                if text.strip():
                    lost.add(offset + start)
            elif sorted(t for t in mapped[start] if t) != [text] and text.strip():
                # (A no-break space shares the space glyph, mapped to " ": harmless.)
                return None
    return frozenset(lost)


_Key = tuple[int, int]
_PUNCTUATION = "،؛؟۔.,:;!?()[]«»“”\"'"
_PUNCT_BYTES = b"|".join(re.escape(c.encode()) for c in _PUNCTUATION)
_WORD = re.compile(rb"(?:(?!" + _PUNCT_BYTES + rb"|\xc2\xa0)\S)+|" + _PUNCT_BYTES)
"""A word of the UTF-8 line, or one punctuation mark: no space, no no-break space.

A mark gets a span of its own: inside a reversed word span poppler moved an Urdu
comma to the next word (جگایا ،ان); alone it keeps its place (جگایا، ان).
"""


def _line_clusters(
    textbox: Any, *, by_word: bool = False, only: frozenset[int] | None = None
) -> list[tuple[bytes, _Key | None, str, bool]]:
    """(glyph id in 4 hex digits, span key, span text, reversed) of each drawn glyph, in drawing order.

    Spans are glyph clusters, or with ``by_word`` the words (non-space characters)
    of each Pango run; space glyphs then belong to no span (key ``None``). A word
    span of a right-to-left run has its text reversed (drawing order) and
    ``reversed`` set. Only the line's own bytes of the layout's text are searched for
    words (the layout holds the rest of the paragraph too), and a glyph's word is
    found by bisection, so a long paragraph costs no more per line than a short one.
    With ``only`` (byte offsets), only the words holding one of them get a span.
    """
    from weasyprint.text.ffi import ffi, pango

    utf8 = textbox.pango_layout.text.encode()
    line, _index = textbox.pango_layout.get_first_line()
    starts_of_words: list[int] = []
    words: list[tuple[int, int]] = []
    if by_word:
        line_start = int(line.start_index)
        for match in _WORD.finditer(utf8, line_start, line_start + int(line.length)):
            if only is not None and not any(match.start() <= o < match.end() for o in only):
                continue
            words.append((match.start(), match.end()))
            starts_of_words.append(match.start())
    glyphs: list[tuple[bytes, _Key | None, str, bool]] = []
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
        clusters = [string.log_clusters[i] for i in range(count)]
        starts = sorted(set(clusters))
        ends = {start: (starts[n + 1] if n + 1 < len(starts) else length) for n, start in enumerate(starts)}
        infos = string.glyphs
        for i in range(count):
            glyph = infos[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                raise _NoMatch
            start = clusters[i]
            if not by_word:
                text = utf8[offset + start : offset + ends[start]].decode("utf-8", "replace")
                glyphs.append((b"%04x" % glyph, (run_number, start), text, False))
                continue
            at = bisect.bisect_right(starts_of_words, offset + start) - 1
            if at < 0 or offset + start >= words[at][1]:
                glyphs.append((b"%04x" % glyph, None, "", False))
                continue
            word = words[at]
            # The part of the word inside this run, in logical order.
            low, high = max(word[0], offset), min(word[1], offset + length)
            text = utf8[low:high].decode("utf-8", "replace")
            glyphs.append((b"%04x" % glyph, (run_number, word[0]), text[::-1] if rtl else text, rtl))
    return glyphs


def _span_start(text: str) -> bytes:
    """``/Span <</ActualText (...)>> BDC`` for ``text``, as pydyf writes the string."""
    import pydyf

    data: bytes = pydyf.String(text).data
    return b"/Span <</ActualText " + data + b">> BDC"


def _mark_clusters(
    stream: Any, first: int, textbox: Any, *, by_word: bool = False, only: frozenset[int] | None = None
) -> None:
    """Rewrite the TJ operators appended since ``first``: one ActualText span per cluster or word.

    The glyphs of one span stay one hex string, so the stream grows by the marking
    operators only.
    """
    glyphs = _line_clusters(textbox, by_word=by_word, only=only)
    total = len(glyphs)
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
        # A text operator as WeasyPrint writes it (one per glyph in Nastaliq: thousands a
        # page), split by one findall: (hex, "") for a glyph string, ("", n) for a shift.
        if not (isinstance(op, bytes) and op.startswith(b"[") and op.endswith(b"] TJ")):
            out.append(op)
            continue
        pieces: list[bytes] = []
        for hexa, number in _TJ_ITEM.findall(op, 1, len(op) - 4):
            if number:
                pieces.append(number)
                continue
            held = 0  # start of the hex digits not yet in pieces
            for k in range(0, len(hexa), 4):
                if position >= total or hexa[k : k + 4] != glyphs[position][0]:
                    raise _NoMatch
                _glyph, key, text, reverse = glyphs[position]
                position += 1
                if key != current or (key is None and closing):
                    if k > held:
                        pieces.append(b"<" + hexa[held:k] + b">")
                    held = k
                    flush(pieces)
                    out.extend(closing)
                    closing = []
                    if key is not None:
                        if reverse:
                            out.append(b"/ReversedChars BMC")
                            closing.append(b"EMC")
                        out.append(_span_start(text))
                        closing.insert(0, b"EMC")
                    current = key
            if len(hexa) > held:
                pieces.append(b"<" + hexa[held:] + b">")
        flush(pieces)
    if position != total:
        raise _NoMatch
    out.extend(closing)
    stream.stream[first:] = out


# --------------------------------------------------------------------------- measuring it


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


def joined_words(text: str) -> list[str]:
    """The words of ``text`` written with a zero-width non-joiner (می‌کنند), NFC, punctuation stripped."""
    import unicodedata

    folded = unicodedata.normalize("NFC", text)
    folded = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", " ", folded)
    words = []
    for token in folded.split():
        token = token.strip("".join(c for c in set(token) if unicodedata.category(c)[0] in "PS"))
        if "\u200c" in token.strip("\u200c"):
            words.append(token.strip("\u200c"))
    return words


def extracted_zwnj_share(expected_text: str, pdf_path: Path) -> float:
    """Share of the words written with a ZWNJ in ``expected_text`` that ``pdftotext`` returns with it.

    Persian writes a ZWNJ inside many words (می‌کنند, خانواده‌ها); text extracted
    without it (میکنند) is not found by a search for the word. A multiset
    comparison, like :func:`extracted_word_share`.
    """
    from collections import Counter

    expected = Counter(joined_words(expected_text))
    found = Counter(joined_words(_pdftotext(pdf_path)))
    total = sum(expected.values())
    if not total:
        return 1.0
    return sum(min(count, found[word]) for word, count in expected.items()) / total


def _pdftotext(pdf_path: Path) -> str:
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    if tool is None:
        raise RenderError("pdftotext is not installed", hint="sudo apt-get install poppler-utils")
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8", "replace")


def extracted_word_share(expected_text: str, pdf_path: Path) -> float:
    """Share of the words of ``expected_text`` that ``pdftotext`` recovers from the PDF.

    A multiset comparison: each expected word counts once per occurrence and is
    matched at most as often as it occurs in the extracted text.
    """
    from collections import Counter

    extracted = _pdftotext(pdf_path)
    expected = Counter(text_words(expected_text))
    found = Counter(text_words(extracted))
    total = sum(expected.values())
    if not total:
        return 1.0
    return sum(min(count, found[word]) for word, count in expected.items()) / total
