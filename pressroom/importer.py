"""Import: a raw article export (Markdown as a news site exports it) -> ``source/<slug>.md``.

Input: text whose first ``# `` heading is the headline, followed by a ``**Author**``
byline line and a date line, then the article body, then site boilerplate.
Output: a source article with YAML front matter (see :mod:`pressroom.source`) and a
clean CommonMark body:

- paragraphs split mid-sentence by a page break are joined again;
- the site footer (configurable regexes, ``[import] footer_patterns``) is dropped;
- backslash escapes that change nothing in the rendered HTML (``US\\$60``) are removed,
  while those that keep text from turning into markup (``\\*``) stay.

Every repair is checked against the Markdown parser, not guessed from the raw text.
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import CONFIG_NAME
from .errors import ConfigError, SourceError
from .fsio import atomic_write, read_text
from .project import Project
from .source import MAX_SLUG_LENGTH, check_slug, format_article, parse_article

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

DEFAULT_FOOTER_PATTERNS = (r"^\s*To contact the WSWS\b",)
"""Where site boilerplate starts; it and everything after it is dropped (case-insensitive)."""
SLUG_WORDS = 6
"""Most words of the headline kept in a derived slug."""

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%A, %d %B %Y",
    "%A %d %B %Y",
    "%A, %B %d, %Y",
)
"""Date lines the importer understands; the month names are English (C locale)."""

_TITLE = re.compile(r"^ {0,3}#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$")
_BYLINE = re.compile(r"^ {0,3}\*\*(?P<author>[^*]+)\*\*[ \t]*\\?[ \t]*$")
_SENTENCE_CONTINUES = re.compile(r"(?:[^\W_]|,)\Z")
"""A paragraph ending in a letter, digit or comma has not finished its sentence."""
MIN_SPLIT_WORDS = 5
"""Fewer words without final punctuation make a subheading ("Background"), not a split."""
# Escapes of characters that open inline markup stay: dropping them could turn text into
# markup as soon as an editor touches the sentence, even where it renders the same today.
_KEEP_ESCAPED = frozenset("\\`*_[]<>&!|")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _render(text: str) -> str:
    html: str = _parser().render(text)
    return html


def _plain_inline(text: str) -> str:
    """Inline Markdown as plain text (escapes resolved, emphasis markers dropped)."""
    tokens = _parser().parseInline(text)
    parts: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return " ".join("".join(parts).split())


def footer_patterns(project: Project) -> list[re.Pattern[str]]:
    """The compiled ``[import] footer_patterns`` of the project (the WSWS footer by default)."""
    section = project.section("import")
    raw = section.get("footer_patterns", list(DEFAULT_FOOTER_PATTERNS))
    config_path = project.root / CONFIG_NAME
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise ConfigError(
            "[import] footer_patterns must be a list of regular expressions",
            path=config_path,
            hint='footer_patterns = ["^To contact the WSWS"]',
        )
    compiled = []
    for pattern in raw:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE | re.MULTILINE))
        except re.error as exc:
            raise ConfigError(
                f"[import] footer pattern {pattern!r} is not a regular expression: {exc}",
                path=config_path,
                hint="use Python re syntax",
            ) from exc
    return compiled


def parse_date(text: str) -> datetime.date | None:
    """The date a dateline gives, or None when none of ``DATE_FORMATS`` fits."""
    cleaned = " ".join(text.replace("\\", " ").split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def derive_slug(title: str) -> str:
    """A slug from a headline: its first ``SLUG_WORDS`` ASCII words, lowercased."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_title.lower().replace("'", ""))
    slug = "-".join(words[:SLUG_WORDS])
    while len(slug) > MAX_SLUG_LENGTH and "-" in slug:  # a headline of very long "words"
        slug = slug.rsplit("-", 1)[0]
    return slug[:MAX_SLUG_LENGTH]


def strip_footer(body: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """``body`` up to the first line where a footer pattern matches."""
    cut = len(body)
    for pattern in patterns:
        found = pattern.search(body)
        if found:
            cut = min(cut, body.rfind("\n", 0, found.start()) + 1)
    return body[:cut]


def join_split_paragraphs(body: str) -> str:
    """Join top-level paragraphs that a page break split in the middle of a sentence.

    A paragraph continues in the next one when it ends in a letter, digit or comma
    (no full stop, question or exclamation mark, colon, closing quote or bracket), has
    at least ``MIN_SPLIT_WORDS`` words (a short unpunctuated line is a subheading), and
    both are plain paragraphs at the top level separated only by blank lines. Headings,
    lists, block quotes, tables and code are never touched: the parser says what is a
    paragraph.
    """
    lines = body.split("\n")
    tokens = _parser().parse(body)
    paragraphs: list[tuple[int, int, str]] = []  # (first line, end line, inline content)
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1 or token.map is None:
            continue
        if token.type == "paragraph_open":
            paragraphs.append((token.map[0], token.map[1], tokens[index + 1].content))
        else:
            # Any other top-level block between two paragraphs breaks the chain.
            paragraphs.append((token.map[0], token.map[1], ""))
    joins: list[tuple[int, int]] = []  # (last line of A, first line of B)
    for (_a_start, a_end, a_text), (b_start, _b_end, b_text) in itertools.pairwise(paragraphs):
        if not a_text or not b_text or not _SENTENCE_CONTINUES.search(a_text):
            continue
        if len(a_text.split()) < MIN_SPLIT_WORDS:
            continue
        between = lines[a_end:b_start]
        if not between or any(line.strip() for line in between):
            continue  # not separated by blank lines only (e.g. a link reference definition)
        joins.append((a_end - 1, b_start))
    for a_last, b_first in reversed(joins):
        lines[a_last] = lines[a_last].rstrip() + " " + lines[b_first].lstrip()
        del lines[a_last + 1 : b_first + 1]
    return "\n".join(lines)


def _without(text: str, positions: Sequence[int], offset: int = 0) -> str:
    """``text`` minus the characters at ``positions`` (absolute; ``text`` starts at ``offset``)."""
    parts = []
    previous = 0
    for position in sorted(positions):
        parts.append(text[previous : position - offset])
        previous = position - offset + 1
    parts.append(text[previous:])
    return "".join(parts)


def _keep_passing(groups: Sequence[Sequence[int]], passes: Callable[[list[int]], bool]) -> list[int]:
    """The positions of the groups that may go together, bisecting the groups that fail.

    All groups are tried at once; a failing run of groups is split in halves until
    single groups fail alone. ``passes`` is called O(f log n) times for f failures
    among n groups, once when nothing fails.
    """
    accepted: list[int] = []

    def attempt(chunk: Sequence[Sequence[int]]) -> None:
        nonlocal accepted
        trial = accepted + [position for group in chunk for position in group]
        if passes(trial):
            accepted = trial
        elif len(chunk) > 1:
            middle = len(chunk) // 2
            attempt(chunk[:middle])
            attempt(chunk[middle:])

    if groups:
        attempt(groups)
    return accepted


def drop_needless_escapes(body: str) -> str:
    """Remove backslash escapes the rendered HTML does not need (``US\\$60`` -> ``US$60``).

    An escape goes only when removing it leaves ``render(body)`` unchanged; escapes of
    characters that open inline markup (``*``, ``_``, ``[`` ...) are always kept.

    Linear in the body: escapes are tried block by block (each top-level block
    rendered alone, with the document's link reference definitions), all of a
    block's at once and bisected only where one is needed; one render of the whole
    result confirms it, and should a removal change a neighbouring block after all,
    that block keeps its escapes. Escapes outside any block (in a link reference
    definition) stay.
    """
    candidates = [m.start() for m in _ESCAPE.finditer(body) if m.group(1) not in _KEEP_ESCAPED]
    # finditer skips the character after a match, so "\\\\$" is read as an escaped backslash.
    if not candidates:
        return body
    md = _parser()
    env: dict[str, Any] = {}
    expected = md.renderer.render(md.parse(body, env), md.options, env)
    references = dict(env.get("references", {}))

    def render_alone(text: str) -> str:
        local: dict[str, Any] = {"references": dict(references)}
        return str(md.renderer.render(md.parse(text, local), md.options, local))

    line_starts = [0]
    for index, char in enumerate(body):
        if char == "\n":
            line_starts.append(index + 1)
    line_starts.append(len(body) + 1)
    spans = [
        (line_starts[t.map[0]], line_starts[t.map[1]] - 1 if t.map[1] < len(line_starts) - 1 else len(body))
        for t in md.parse(body, {"references": dict(references)})
        if t.level == 0 and t.nesting != -1 and t.map is not None
    ]
    groups: list[list[int]] = []
    ordered = iter(candidates)
    pending = next(ordered, None)
    for start, end in spans:
        while pending is not None and pending < start:
            pending = next(ordered, None)  # not inside a block: keep it
        inside = []
        while pending is not None and pending < end:
            inside.append(pending)
            pending = next(ordered, None)
        if not inside:
            continue
        text = body[start:end]
        wanted = render_alone(text)

        def same(positions: list[int], text: str = text, start: int = start, wanted: str = wanted) -> bool:
            return render_alone(_without(text, positions, start)) == wanted

        kept = _keep_passing([[p] for p in inside], same)
        if kept:
            groups.append(kept)
    result = _without(body, [p for group in groups for p in group])
    if _render(result) == expected:
        return result
    chosen = _keep_passing(groups, lambda positions: _render(_without(body, positions)) == expected)
    return _without(body, chosen)


def _check_usable(text: str, raw_path: Path) -> None:
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceError(
            "looks like a binary file (NUL byte)",
            path=raw_path,
            line=text.count("\n", 0, nul) + 1,
            hint="import a text export of the article",
        )
    if not text.strip():
        raise SourceError("the export is empty", path=raw_path, line=1, hint="export the article again")


def convert_export(
    text: str, raw_path: Path, *, slug: str | None = None, patterns: Iterable[re.Pattern[str]] = ()
) -> tuple[str, str]:
    """The source-article text for a raw export, and its slug (pure: no file access)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_usable(text, raw_path)
    lines = text.split("\n")
    title_index = next((i for i, line in enumerate(lines) if _TITLE.match(line)), None)
    if title_index is None:
        first = next(i for i, line in enumerate(lines) if line.strip())
        raise SourceError(
            "no headline: expected a '# Title' line",
            path=raw_path,
            line=first + 1,
            hint="the export must start with the headline as a level-1 heading",
        )
    title_match = _TITLE.match(lines[title_index])
    assert title_match is not None
    title = _plain_inline(title_match.group("title"))

    def next_content(after: int, what: str) -> int:
        index = after + 1
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines):
            raise SourceError(
                f"the export ends before the {what}",
                path=raw_path,
                line=after + 1,
                hint="expected headline, '**Author**' byline, date line, then the body",
            )
        return index

    byline_index = next_content(title_index, "byline")
    byline = _BYLINE.match(lines[byline_index])
    if byline is None:
        raise SourceError(
            "expected the byline as '**Author Name**'",
            path=raw_path,
            line=byline_index + 1,
            hint="the line after the headline names the author in bold",
        )
    author = _plain_inline(byline.group("author"))
    date_index = next_content(byline_index, "date line")
    date = parse_date(lines[date_index])
    if date is None:
        raise SourceError(
            f"cannot read the date {lines[date_index].strip()!r}",
            path=raw_path,
            line=date_index + 1,
            hint="write it like '12 January 2021', 'January 12, 2021' or '2021-01-12'",
        )
    slug = check_slug(slug if slug is not None else derive_slug(title), path=raw_path, line=title_index + 1)

    body = "\n".join(lines[date_index + 1 :])
    body = strip_footer(body, patterns)
    body = join_split_paragraphs(body)
    body = drop_needless_escapes(body)
    body = body.strip("\n")
    if not body.strip():
        raise SourceError(
            "the article has no body", path=raw_path, line=date_index + 1, hint="check the export"
        )
    return format_article(title=title, author=author, date=date, slug=slug, body="\n" + body + "\n"), slug


def import_export(raw_path: Path, project: Project, slug: str | None = None, *, force: bool = False) -> Path:
    """Import a raw export into ``source/<slug>.md`` and return that path.

    The slug comes from the headline unless given. An existing source file with
    different content is kept unless ``force``: it may hold an editor's corrections.
    """
    text = read_text(raw_path, error=SourceError)
    article_text, slug = convert_export(text, raw_path, slug=slug, patterns=footer_patterns(project))
    target = project.source_path(slug)
    parse_article(article_text, target)  # what we write must read back
    if target.exists() and not force and target.read_bytes() != article_text.encode("utf-8"):
        raise SourceError(
            "a different source article already exists",
            path=target,
            hint="pass --force to overwrite it, or --slug to import under another name",
        )
    atomic_write(target, article_text)
    return target
