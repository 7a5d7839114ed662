"""Source articles: ``source/<slug>.md`` -> :class:`~pressroom.model.Article`.

Input: a Markdown file that opens with YAML front matter between two ``---`` lines::

    ---
    title: "Pakistan: Eleven miners killed ..."
    author: Sampath Perera
    date: 2021-01-12
    slug: pakistan-hazara-miners
    language: en
    ---

    CommonMark body ...

Output: a frozen ``Article`` whose ``body`` is the rest of the file byte for byte and
whose ``body_line`` lets later stages report positions in the file itself.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import SourceError
from .fsio import read_text
from .model import Article
from .project import Project

if TYPE_CHECKING:
    from markdown_it.token import Token

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What a slug may look like: lowercase ASCII words joined by single hyphens."""
MAX_SLUG_LENGTH = 100
"""Longest slug: it names files (``<slug>.bilingual.html``) and URLs."""
RESERVED_SLUGS = frozenset({"site"})
"""Slugs taken by the workflow itself (``site`` is the site-strings catalog)."""
FIELDS = ("title", "author", "date", "slug", "language")
"""Front-matter keys, in the order :func:`format_article` writes them."""
REQUIRED_FIELDS = ("title", "author", "date", "slug")
DEFAULT_LANGUAGE = "en"
DELIMITER = "---"

_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTAINER_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]+", re.MULTILINE)
_DEEP_PREFIX_COLUMNS = 12
"""A line must start with this many columns of quote and list markers or indentation
before blocks can nest as deep as the parser's limit (each level takes a column or two)."""
_LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_FRONT_MATTER_HINT = "start the file with '---', one 'key: value' line per field, then '---'"


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so we can report bad ones ourselves.

    PyYAML would turn ``2021-02-30`` into a bare ``ValueError`` with no position.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def check_slug(
    slug: str, *, path: Path | None = None, line: int | None = None, allow_reserved: bool = False
) -> str:
    """Return ``slug`` if usable as a file stem and URL name; raise ``SourceError`` otherwise.

    ``allow_reserved`` accepts ``site`` (naming the site-strings catalog, as ``review
    site`` does), never as a new article.
    """
    shown = slug if len(slug) <= 60 else slug[:57] + "..."
    if len(slug) > MAX_SLUG_LENGTH:
        raise SourceError(
            f"slug {shown!r} is longer than {MAX_SLUG_LENGTH} characters",
            path=path,
            line=line,
            hint="use a few words of the headline, e.g. 'hazara-miners'",
        )
    if not SLUG_PATTERN.fullmatch(slug):
        raise SourceError(
            f"invalid slug {shown!r}",
            path=path,
            line=line,
            hint="use lowercase ASCII letters and digits joined by single hyphens, e.g. 'hazara-miners'",
        )
    if slug in RESERVED_SLUGS and not allow_reserved:
        raise SourceError(
            f"slug {slug!r} is reserved",
            path=path,
            line=line,
            hint="'site' names the site-strings catalog; choose another slug",
        )
    return slug


def _key_lines(front: str, first_line: int) -> dict[str, int]:
    """File line of each top-level key, from the YAML node tree (which keeps marks)."""
    node = yaml.compose(front, Loader=_FrontMatterLoader)
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines.setdefault(str(key_node.value), first_line + key_node.start_mark.line)
    return lines


def _load_front_matter(front: str, path: Path, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        data = yaml.load(front, Loader=_FrontMatterLoader)  # a SafeLoader subclass
        lines = _key_lines(front, first_line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(
            f"front matter is not valid YAML: {problem}",
            path=path,
            line=line,
            hint="quote values that contain ': ' or start with a special character",
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError(
            "front matter must be a mapping of 'key: value' lines",
            path=path,
            line=first_line,
            hint=_FRONT_MATTER_HINT,
        )
    return data, lines


def _text_field(data: dict[str, Any], key: str, path: Path, line: int) -> str:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SourceError(f"{key!r} must be text", path=path, line=line, hint=f'write {key}: "..."')
    text = str(value).strip()
    if not text:
        raise SourceError(f"{key!r} is empty", path=path, line=line)
    return text


def _date_field(value: Any, path: Path, line: int) -> datetime.date:
    text = str(value).strip()
    if not _DATE_PATTERN.fullmatch(text):
        raise SourceError(
            f"date {text!r} is not in ISO 8601 form",
            path=path,
            line=line,
            hint="write the date as YYYY-MM-DD, e.g. 2021-01-12",
        )
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise SourceError(f"date {text!r} does not exist: {exc}", path=path, line=line) from exc


def parse_article(text: str, path: Path) -> Article:
    """Parse the text of a source article; ``path`` names the file in errors and gives the slug.

    The body is everything after the closing ``---`` line, unchanged (CRLF included,
    should the file have it; the Markdown parser copes).
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != DELIMITER:
        raise SourceError(
            "missing front matter: the first line must be '---'",
            path=path,
            line=1,
            hint=_FRONT_MATTER_HINT,
        )
    end = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() in (DELIMITER, "...")),
        None,
    )
    if end is None:
        raise SourceError(
            "front matter is not closed", path=path, line=1, hint="add a '---' line after the last field"
        )
    front = "".join(lines[1:end])
    data, key_lines = _load_front_matter(front, path, first_line=2)

    def line_of(key: str) -> int:
        return key_lines.get(key, 1)

    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise SourceError(
            f"unknown front-matter field {unknown[0]!r}",
            path=path,
            line=line_of(unknown[0]),
            hint=f"known fields: {', '.join(FIELDS)}",
        )
    for key in REQUIRED_FIELDS:
        if data.get(key) is None:
            raise SourceError(
                f"front matter has no {key!r}",
                path=path,
                line=end + 1,
                hint=f"add a '{key}: ...' line before the closing '---'",
            )
    title = _text_field(data, "title", path, line_of("title"))
    author = _text_field(data, "author", path, line_of("author"))
    date = _date_field(data["date"], path, line_of("date"))
    slug = check_slug(_text_field(data, "slug", path, line_of("slug")), path=path, line=line_of("slug"))
    if slug != path.stem:
        raise SourceError(
            f"slug {slug!r} does not match the file name {path.name!r}",
            path=path,
            line=line_of("slug"),
            hint=f"rename the file to {slug}.md or set 'slug: {path.stem}'",
        )
    language = DEFAULT_LANGUAGE
    if data.get("language") is not None:
        language = _text_field(data, "language", path, line_of("language"))
        if not _LANGUAGE_PATTERN.fullmatch(language):
            raise SourceError(
                f"language {language!r} is not a language code",
                path=path,
                line=line_of("language"),
                hint="write a code such as 'en'",
            )
    body = "".join(lines[end + 1 :])
    check_nesting(body, path=path, first_line=end + 2)
    check_size(body, path=path, first_line=end + 2)
    return Article(
        slug=slug,
        title=title,
        author=author,
        date=date,
        language=language,
        body=body,
        body_line=end + 2,
        path=path,
    )


def lost_nesting_line(tokens: Sequence[Token], max_nesting: int, lines: Sequence[str]) -> int | None:
    """0-based body line of the first quote or list item whose content the parser dropped.

    markdown-it stops parsing blocks ``max_nesting`` levels deep (20 for CommonMark:
    19 quotes or 9 lists inside each other) and silently drops what is deeper. A
    container at the last level that comes out empty though its lines hold text lost it.
    """
    for index, token in enumerate(tokens):
        if token.type not in ("blockquote_open", "list_item_open") or token.level + 1 < max_nesting:
            continue
        if token.map is None or tokens[index + 1].nesting != -1:
            continue
        if any(ch.isalnum() for line in lines[token.map[0] : token.map[1]] for ch in line):
            return token.map[0]
    return None


def nesting_error(line: int, path: Path | None, max_nesting: int) -> SourceError:
    return SourceError(
        "block quotes and lists nested too deeply here: the Markdown parser stops at "
        f"{max_nesting} levels and would drop this text",
        path=path,
        line=line,
        hint=f"nest at most {max_nesting - 1} quotes or {max_nesting // 2 - 1} lists inside each other",
    )


def check_nesting(body: str, *, path: Path | None = None, first_line: int = 1) -> None:
    """Refuse a body nested deeper than the Markdown parser goes: its text would vanish
    from catalog, HTML and PDF without a word. Cheap for ordinary articles: only a body
    with a deep run of quote and list markers at a line start is parsed here."""
    deep = any(
        len(found.group().expandtabs(4)) >= _DEEP_PREFIX_COLUMNS for found in _CONTAINER_PREFIX.finditer(body)
    )
    if not deep:
        return
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    max_nesting = int(md.options["maxNesting"])
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    line = lost_nesting_line(md.parse(text), max_nesting, text.split("\n"))
    if line is not None:
        raise nesting_error(first_line + line, path, max_nesting)


MAX_ARTICLE_CHARS = 1_000_000
"""A long feature is ~60,000 characters; past this a PDF takes minutes and gigabytes."""
MAX_LINKS_PER_BLOCK = 1_000
"""A paragraph of 100,000 links took 10 minutes and 4.5 GB to render."""
_LINK_START = re.compile(r"\]\(|\]\[|<https?://|https?://", re.IGNORECASE)


def check_size(body: str, *, path: Path | None = None, first_line: int = 1) -> None:
    """Refuse an article too large to typeset in reasonable time and memory, naming why.

    The limits keep one runaway article from holding a render (and every article
    after it) for many minutes; real news articles are far below both.
    """
    if len(body) > MAX_ARTICLE_CHARS:
        raise SourceError(
            f"the article body has {len(body):,} characters; pressroom typesets up to {MAX_ARTICLE_CHARS:,}",
            path=path,
            line=first_line,
            hint="split it into several articles",
        )
    line = first_line
    for block in re.split(r"(\n[ \t]*\n)", body):
        if len(_LINK_START.findall(block)) > MAX_LINKS_PER_BLOCK:
            raise SourceError(
                f"a paragraph with more than {MAX_LINKS_PER_BLOCK:,} links",
                path=path,
                line=line,
                hint="split the paragraph or make the links a list in several paragraphs",
            )
        line += block.count("\n")


def read_article(path: Path) -> Article:
    """Read and check ``source/<slug>.md``; raise ``SourceError`` naming file and line."""
    return parse_article(read_text(path, error=SourceError), path)


def iter_articles(project: Project, slugs: list[str] | None = None) -> list[Article]:
    """The project's articles sorted by slug; all of them, or those named in ``slugs``.

    An unknown slug raises ``SourceError`` listing the articles that exist. A missing
    ``source/`` folder holds no articles.
    """
    source_dir = project.source_dir
    existing = sorted(p.stem for p in source_dir.glob("*.md")) if source_dir.is_dir() else []
    if slugs is None:
        wanted = existing
    else:
        for slug in slugs:
            if slug not in existing:
                raise SourceError(
                    f"no article {slug!r}",
                    path=project.source_path(slug),
                    hint=f"articles: {', '.join(existing)}" if existing else "source/ holds no articles",
                )
        wanted = sorted(set(slugs))
    return [read_article(project.source_path(slug)) for slug in wanted]


def _yaml_scalar(value: str, *, quoted: bool) -> str:
    dumped = yaml.safe_dump(
        value,
        default_style='"' if quoted else None,
        allow_unicode=True,
        width=1_000_000,
        explicit_end=False,
    )
    # safe_dump of a bare scalar appends a document-end marker for plain scalars.
    return dumped.removesuffix("\n...\n").rstrip("\n")


def format_article(
    *,
    title: str,
    author: str,
    date: datetime.date,
    slug: str,
    body: str,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The text of a source article: front matter, then ``body`` unchanged.

    Deterministic (same fields, same bytes); the title is always double-quoted
    by YAML, the author only when YAML needs it. ``parse_article`` of the result
    gives back the same fields.
    """
    front = [
        DELIMITER,
        f"title: {_yaml_scalar(title, quoted=True)}",
        f"author: {_yaml_scalar(author, quoted=False)}",
        f"date: {date.isoformat()}",
        f"slug: {slug}",
        f"language: {_yaml_scalar(language, quoted=False)}",
        DELIMITER,
    ]
    return "\n".join(front) + "\n" + body
