"""Rendering stage: articles and their catalogs -> HTML pages (and, through render_pdf, PDFs).

Input: source articles, their translations (``catalog.translations``), the site
strings catalog, the jinja2 templates and CSS in ``render/``, the configured fonts.
Output, under the build folder: ``<lang>/<slug>.html`` (and ``.pdf``) per language,
``<lang>/<slug>.bilingual.html`` (English beside the translation), ``<lang>/index.html``,
shared ``css/`` and ``fonts/``. A translation is rebuilt from its Markdown with
``segment.translate_body`` and rendered by markdown-it with raw HTML disabled, so
nothing in a msgstr becomes markup; jinja2 autoescapes everything else.

Only languages whose catalogs are fully translated and reviewed (no fuzzy entry) are
published; ``include_drafts`` renders the others marked as unreviewed on every page.
Rendering is incremental: a manifest of input fingerprints in the build folder lets
outputs whose inputs did not change be skipped.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import ConfigError, RenderError, SourceError, UnknownLanguageError
from ..fsio import atomic_write
from ..languages import Language
from ..model import Article, Finding, Severity
from ..project import Project
from ..site import SITE_SLUG, SiteTranslations, iter_template_files, site_translations, template_dirs
from .fonts import FontFace, check_fonts, family_stack

if TYPE_CHECKING:
    import jinja2
    from markdown_it import MarkdownIt

    from ..glossary import Glossary

FORMATS = ("html", "pdf")
MANIFEST_NAME = ".pressroom-render.json"
CONTACT_URL = "https://www.wsws.org/en/special/pages/contact.html"
SCREEN_BASE_PX = 18.0
PRINT_BASE_PT = 10.5
BLOCKER_PREVIEW = 5

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, what)`` after each output; the CLI draws a bar with it."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True, kw_only=True)
class Blocker:
    """One catalog entry that keeps a language from being published."""

    path: Path
    """The PO file."""
    line: int | None
    """1-based line of the entry (None: the catalog itself is missing)."""
    msgid: str
    reason: str
    """``untranslated``, ``fuzzy``, ``no catalog`` or ``review: <code>``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockedEdition:
    """An article that was not published in one language, and why."""

    lang: str
    slug: str
    blockers: tuple[Blocker, ...]

    def describe(self, relative: Callable[[Path], str] = str) -> str:
        """``ur/slug: 12 entries block publication: a.po:23 "First words" (fuzzy), ...``."""
        count = len(self.blockers)
        shown = []
        for blocker in self.blockers[:BLOCKER_PREVIEW]:
            where = relative(blocker.path) + (f":{blocker.line}" if blocker.line else "")
            words = blocker.msgid if len(blocker.msgid) <= 40 else blocker.msgid[:39] + "…"
            shown.append(f'{where} "{words}" ({blocker.reason})')
        more = f", and {count - BLOCKER_PREVIEW} more" if count > BLOCKER_PREVIEW else ""
        noun = "entry blocks" if count == 1 else "entries block"
        return f"{self.lang}/{self.slug}: {count} {noun} publication: " + "; ".join(shown) + more


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderReport:
    """What a render run did."""

    written: tuple[Path, ...] = ()
    """Files (re)written."""
    skipped: tuple[Path, ...] = ()
    """Outputs whose inputs had not changed since the last run."""
    removed: tuple[Path, ...] = ()
    """Pages of editions no longer published, written by an earlier run and now deleted."""
    blocked: tuple[BlockedEdition, ...] = ()
    """Editions not published (catalog incomplete or unreviewed, no ``include_drafts``)."""
    drafts: tuple[tuple[str, str], ...] = ()
    """(lang, slug) rendered as unreviewed drafts."""
    warnings: tuple[str, ...] = ()
    """Remote images left out and similar; the CLI prints them."""
    output_dir: Path = field(default_factory=Path)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderSettings:
    """The ``[render]`` table, completed with defaults."""

    formats: tuple[str, ...]
    bilingual: bool
    base_url: str
    """Absolute site URL for hreflang links; relative links when empty."""
    page_size: str
    pdf_variant: str
    """WeasyPrint ``pdf_variant``: ``pdf/ua-1`` tags the PDF; empty for none."""
    searchable_text: str
    """``none``, ``ltr`` or ``clusters``: which complex-script PDF text gets ActualText spans."""
    font_dirs: tuple[Path, ...]
    jobs: int


def read_settings(project: Project) -> RenderSettings:
    """``[render]`` of the project configuration as typed settings."""
    from .fonts import DEFAULT_FONT_DIRS

    table = project.section("render")
    formats = tuple(str(f) for f in table.get("formats", FORMATS))
    check_formats(formats)
    font_dirs = tuple(project.root / str(d) for d in table.get("font_dirs", ())) + DEFAULT_FONT_DIRS
    return RenderSettings(
        formats=formats,
        bilingual=bool(table.get("bilingual", True)),
        base_url=str(table.get("base_url", "")).rstrip("/"),
        page_size=str(table.get("page_size", "A4")),
        pdf_variant=str(table.get("pdf_variant", "pdf/ua-1")),
        searchable_text=_searchable(table.get("searchable_text", "clusters")),
        font_dirs=font_dirs,
        jobs=int(table.get("jobs", 1)),
    )


def _searchable(value: object) -> str:
    from .pdf import SEARCHABLE_MODES

    mode = ("clusters" if value else "none") if isinstance(value, bool) else str(value)
    if mode not in SEARCHABLE_MODES:
        raise ConfigError(
            f"[render] searchable_text = {value!r} is not one of {', '.join(SEARCHABLE_MODES)}",
            hint="ltr marks Sinhala lines; clusters also Urdu and Persian glyph clusters",
        )
    return mode


def check_formats(formats: Iterable[str]) -> None:
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"unknown output format {fmt!r}", hint="use html, pdf or html,pdf")


# --------------------------------------------------------------------------- publishing gate


def publish_blockers(
    project: Project,
    lang: str,
    slug: str,
    *,
    glossary: Glossary | None = None,
    findings: Sequence[Finding] | None = None,
) -> list[Blocker]:
    """Why an edition cannot be published: entries untranslated, fuzzy, or failing review.

    The article's and the site's catalogs must be fully translated with nothing fuzzy;
    once they are, every error-level review finding (a misspelt glossary name, a lost
    number or link) blocks too, so review is the last gate before publication.
    ``findings`` from a review already run over these catalogs (``build``) are used
    instead of reviewing them again.
    """
    from ..catalog import read_catalog
    from ..review import review

    blockers: list[Blocker] = []
    for catalog_slug in (slug, SITE_SLUG):
        path = project.po_path(lang, catalog_slug)
        if not path.exists():
            blockers.append(Blocker(path=path, line=None, msgid="", reason="no catalog"))
            continue
        lines = path.read_text("utf-8").splitlines()
        for entry in read_catalog(path):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                reason = "fuzzy"
            elif not entry.translated():
                reason = "untranslated"
            else:
                continue
            blockers.append(
                Blocker(path=path, line=_msgid_line(lines, entry.linenum), msgid=entry.msgid, reason=reason)
            )
    if blockers:  # drafts are blocked already; reviewing them is the translators' step
        return blockers
    if findings is None:
        findings = review(project, [lang], [slug, SITE_SLUG], include_untranslated=False, glossary=glossary)
    for finding in findings:
        if finding.lang != lang or finding.article not in (slug, SITE_SLUG):
            continue
        if finding.severity == Severity.ERROR and finding.path is not None:
            blockers.append(
                Blocker(
                    path=finding.path,
                    line=finding.line,
                    msgid=finding.msgid,
                    reason=f"review: {finding.code}",
                )
            )
    return blockers


def _msgid_line(lines: Sequence[str], start: int) -> int:
    """The 1-based line of the ``msgid`` keyword of the entry polib says starts at ``start``."""
    for number in range(max(start, 1), len(lines) + 1):
        if lines[number - 1].startswith("msgid "):
            return number
    return start


# --------------------------------------------------------------------------- Markdown


def make_markdown() -> MarkdownIt:
    """CommonMark with tables, raw HTML off: a msgstr can never inject markup.

    markdown-it's ``validateLink`` turns ``javascript:``/``vbscript:``/``file:`` and
    non-image ``data:`` links into plain text.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _render_image)
    return md


_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _render_image(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
    """Local images are copied into the build; remote ones become a placeholder and a warning."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    article_path: Path = env["article_path"]
    media: dict[Path, str] = env["media"]
    if src.lower().startswith("data:image/"):
        return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
    if _REMOTE.match(src):
        env["warnings"].append(
            f"{article_path.name}:{_token_line(tokens, idx, env)}: remote image {src} not fetched "
            "(hint: copy it next to the article and link it by relative path)"
        )
        return _placeholder(alt)
    from urllib.parse import unquote

    local = (article_path.parent / unquote(src.split("#")[0].split("?")[0])).resolve()
    root: Path = env["project_root"]
    if not local.is_file() or not local.is_relative_to(root.resolve()):
        env["warnings"].append(
            f"{article_path.name}:{_token_line(tokens, idx, env)}: image {src} not found inside the project"
        )
        return _placeholder(alt)
    name = f"{hashlib.sha256(str(local).encode()).hexdigest()[:10]}-{local.name}"
    media[local] = name
    title = token.attrGet("title")
    title_attr = f' title="{html.escape(str(title))}"' if title else ""
    return f'<img src="../media/{html.escape(name)}" alt="{html.escape(alt)}"{title_attr}>'


def _token_line(tokens: Sequence[Any], idx: int, env: dict[str, Any]) -> int:
    line = int(env.get("block_line", 0))
    return line + int(env.get("body_line", 1))


def _placeholder(alt: str) -> str:
    label = html.escape(alt) if alt else "image"
    return f'<span class="image-placeholder" role="img" aria-label="{label}">[{label}]</span>'


def markdown_blocks(md: MarkdownIt, text: str, env: dict[str, Any]) -> list[str]:
    """HTML of each top-level block of ``text`` (paragraph, heading, list, table ...)."""
    tokens = md.parse(text, env)
    blocks: list[str] = []
    start = 0
    depth = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            chunk = tokens[start : index + 1]
            if chunk[0].map:
                env["block_line"] = chunk[0].map[0]
            blocks.append(md.renderer.render(chunk, md.options, env))
            start = index + 1
    return blocks


# --------------------------------------------------------------------------- Latin runs in RTL text

_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN_RUN = re.compile(rf"[{_LATIN}0-9](?:[{_LATIN}0-9'’.,:;/&@#+%_\- ]*[{_LATIN}0-9%])?")
_HAS_LATIN_LETTER = re.compile(rf"[{_LATIN}]")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW_TEXT = frozenset({"script", "style", "title", "textarea", "head", "pre", "code"})


class _LatinRunWrapper(HTMLParser):
    """Re-emits HTML unchanged except Latin runs in non-Latin text, each in one span.

    WeasyPrint ignores ``<bdi>`` and ``dir=auto``; an explicit ``lang="en" dir="ltr"``
    element keeps an English name or number in order inside Urdu or Persian and picks
    the Latin face. Only text nodes are touched, never attributes or URLs.
    """

    def __init__(self, latin_langs: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.latin_langs = latin_langs
        self.out: list[str] = []
        self.pending: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, wrap text inside)

    def _wrapping(self) -> bool:
        return self.stack[-1][1] if self.stack else False

    def flush(self) -> None:
        if not self.pending:
            return
        raw = "".join(self.pending)
        self.pending.clear()
        if not self._wrapping() or not _HAS_LATIN_LETTER.search(raw):
            self.out.append(raw)
            return
        text = html.unescape(raw)
        pieces: list[str] = []
        last = 0
        for match in _LATIN_RUN.finditer(text):
            if not _HAS_LATIN_LETTER.search(match.group()):
                continue
            pieces.append(html.escape(text[last : match.start()], quote=False))
            pieces.append(f'<span lang="en" dir="ltr">{html.escape(match.group(), quote=False)}</span>')
            last = match.end()
        pieces.append(html.escape(text[last:], quote=False))
        self.out.append("".join(pieces))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.out.append(self.get_starttag_text() or "")
        if tag in _VOID:
            return
        wrap = self._wrapping()
        lang = dict(attrs).get("lang")
        if lang is not None:
            wrap = lang.split("-")[0].lower() not in self.latin_langs
        if tag in _RAW_TEXT:
            wrap = False
        self.stack.append((tag, wrap))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        self.out.append(f"</{tag}>")
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        self.pending.append(data)

    def handle_entityref(self, name: str) -> None:
        self.pending.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.pending.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.flush()
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.flush()
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.flush()
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.flush()
        self.out.append(f"<![{data}]>")


def wrap_latin_runs(document: str, latin_langs: Iterable[str] = ("en",)) -> str:
    """Wrap each Latin-letter run in text of a non-Latin ``lang`` in ``<span lang="en" dir="ltr">``."""
    parser = _LatinRunWrapper(frozenset(latin_langs))
    parser.feed(document)
    parser.close()
    parser.flush()
    return "".join(parser.out)


# --------------------------------------------------------------------------- localisation


def babel_locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang)


def og_locale(lang: str) -> str:
    """``ur_PK`` style locale for Open Graph, from CLDR likely subtags."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang, lang)
    parts = str(likely).split("_")
    territory = next((p for p in parts[1:] if p.isupper() and len(p) == 2), "")
    return f"{lang}_{territory}" if territory else lang


def format_date(date: datetime.date, language: Language) -> str:
    """The date as that language's press prints it: CLDR long format, native digits."""
    from babel.dates import format_date as babel_format_date

    return language.localize_digits(
        babel_format_date(date, format="long", locale=babel_locale(language.code))
    )


def language_name(code: str, in_lang: str) -> str:
    """CLDR name of ``code`` in language ``in_lang`` (e.g. English in Urdu: انگریزی)."""
    locale = babel_locale(in_lang)
    name = locale.languages.get(code)
    return str(name) if name else code


# --------------------------------------------------------------------------- jinja2


def make_environment(project: Project, translations: SiteTranslations) -> jinja2.Environment:
    """jinja2 with autoescaping on for every HTML template and the site strings installed."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project)]),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=True, default=False
        ),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    import jinja2

    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(exc.message or "template syntax error", path=exc.filename, line=exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {name} not found", hint="restore it under render/") from exc


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """One article in one language, as it will be rendered."""

    lang: str
    slug: str
    draft: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One page to build, in one or more formats."""

    kind: str
    """``article``, ``bilingual`` or ``index``."""
    lang: str
    slug: str
    outputs: tuple[tuple[str, str], ...]
    """(format, path relative to the output folder) that are out of date."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Everything the page builders need, picklable for worker processes."""

    project: Project
    output_dir: Path
    settings: RenderSettings
    include_drafts: bool
    editions: Mapping[str, tuple[Edition, ...]]
    """slug -> its editions (en first)."""
    bilingual: bool
    faces: Mapping[str, tuple[FontFace, ...]]


def page_path(lang: str, slug: str, kind: str, fmt: str = "html") -> str:
    """Output path relative to the build folder."""
    if kind == "index":
        return f"{lang}/index.html"
    suffix = ".bilingual" if kind == "bilingual" else ""
    return f"{lang}/{slug}{suffix}.{fmt}"


def _href(plan: Plan, from_lang: str, target: str, *, absolute: bool = False) -> str:
    """Link from a page in ``from_lang/`` to ``target`` (relative to the build folder).

    Relative, so the build works from any folder and PDFs fetch nothing remote;
    ``absolute`` (hreflang, x-default) uses ``[render] base_url`` when it is set.
    """
    if absolute and plan.settings.base_url:
        return f"{plan.settings.base_url}/{target}"
    return f"../{target}" if not target.startswith(f"{from_lang}/") else target.split("/", 1)[1]


def _languages(project: Project, langs: Sequence[str] | None) -> list[Language]:
    source = project.languages[project.source_language]
    if not langs:
        return [source, *project.target_languages(None)]
    wanted = [code for code in langs if code != project.source_language]
    chosen = project.target_languages(wanted) if wanted else []
    for code in langs:
        if code not in project.languages:
            raise UnknownLanguageError(
                f"unknown language {code!r}",
                hint="configured languages: " + ", ".join(project.languages),
            )
    return ([source] if project.source_language in langs else []) + chosen


# --------------------------------------------------------------------------- page builders


class PageBuilder:
    """Builds the HTML text of pages; one per process, caching articles and environments."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.project = plan.project
        self.md = make_markdown()
        self._articles: dict[str, Article] = {}
        self._envs: dict[str, jinja2.Environment] = {}
        self._site: dict[str, SiteTranslations] = {}
        self._messages: dict[tuple[str, str], Mapping[tuple[str | None, str], str]] = {}
        self.warnings: list[str] = []
        self.media: dict[Path, str] = {}

    def article(self, slug: str) -> Article:
        if slug not in self._articles:
            from ..source import read_article

            self._articles[slug] = read_article(self.project.source_path(slug))
        return self._articles[slug]

    def site(self, lang: str) -> SiteTranslations:
        if lang not in self._site:
            self._site[lang] = site_translations(self.project, lang, include_drafts=self.plan.include_drafts)
        return self._site[lang]

    def env(self, lang: str) -> jinja2.Environment:
        if lang not in self._envs:
            self._envs[lang] = make_environment(self.project, self.site(lang))
        return self._envs[lang]

    def messages(self, lang: str, slug: str) -> Mapping[tuple[str | None, str], str]:
        if lang == self.project.source_language:
            return {}
        if (lang, slug) not in self._messages:
            from ..catalog import translations

            self._messages[(lang, slug)] = translations(
                self.project, lang, slug, include_drafts=self.plan.include_drafts
            )
        return self._messages[(lang, slug)]

    def edition(self, lang: str, slug: str) -> Edition:
        for edition in self.plan.editions[slug]:
            if edition.lang == lang:
                return edition
        raise RenderError(f"{slug} is not rendered in {lang}")

    # -- pieces

    def translated_body(self, lang: str, slug: str) -> str:
        article = self.article(slug)
        messages = self.messages(lang, slug)
        if not messages:
            return article.body
        from ..segment import translate_body

        return translate_body(
            article.body,
            lambda seg: messages.get(seg.key) or None,
            first_line=article.body_line,
            path=article.path,
        )

    def body_blocks(self, lang: str, slug: str) -> list[str]:
        article = self.article(slug)
        env: dict[str, Any] = {
            "article_path": article.path,
            "project_root": self.project.root,
            "media": self.media,
            "warnings": self.warnings,
            "body_line": article.body_line,
        }
        return markdown_blocks(self.md, self.translated_body(lang, slug), env)

    def headline(self, lang: str, slug: str) -> tuple[str, str]:
        article = self.article(slug)
        messages = self.messages(lang, slug)
        title = messages.get(("title", article.title)) or article.title
        byline = messages.get(("byline", article.author)) or article.author
        return title, byline

    def common(self, lang: str, kind: str, draft: bool, path: str) -> dict[str, Any]:
        from markupsafe import Markup

        language = self.project.languages[lang]
        project = self.project
        return {
            "lang": lang,
            "dir": language.direction,
            "kind": kind,
            "draft": draft,
            "index_href": _href(self.plan, lang, f"{lang}/index.html"),
            "stylesheets": [
                _href(self.plan, lang, "css/site.css"),
                *[_href(self.plan, lang, f"css/lang-{code}.css") for code in self.css_langs(lang)],
            ],
            "print_stylesheets": [
                _href(self.plan, lang, "css/print.css"),
                _href(self.plan, lang, f"css/page-{lang}{'-draft' if draft else ''}.css"),
            ],
            "og_locale": og_locale(lang),
            "author": "",
            "date_iso": "",
            "path": path,
            "project_name": project.name,
            "contact_link": Markup('<a href="{}" lang="en" dir="ltr">wsws.org/contact</a>').format(
                CONTACT_URL
            ),
        }

    def css_langs(self, lang: str) -> list[str]:
        source = self.project.source_language
        return [source] if lang == source else [source, lang]

    def switcher(self, current: str, hrefs: Mapping[str, str]) -> list[dict[str, Any]]:
        items = []
        for code, href in hrefs.items():
            language = self.project.languages[code]
            items.append(
                {
                    "lang": code,
                    "href": href,
                    "name": language.native_name,
                    "dir": language.direction,
                    "current": code == current,
                }
            )
        return items

    def alternates(self, lang: str, targets: Mapping[str, str]) -> tuple[list[dict[str, str]], str]:
        """hreflang links for every version including this one, and the x-default."""
        alts = [
            {"lang": code, "href": _href(self.plan, lang, path, absolute=True)}
            for code, path in targets.items()
        ]
        source = self.project.source_language
        x_default = _href(self.plan, lang, targets[source], absolute=True) if source in targets else ""
        return alts, x_default

    def render_template(self, lang: str, name: str, page: dict[str, Any]) -> str:
        template = _template(self.env(lang), name)
        try:
            text = template.render(page=page, contact_link=page["contact_link"])
        except Exception as exc:  # jinja2 raises plain exceptions for undefined names etc.
            raise RenderError(f"template {name}: {exc}", hint="check the template in render/") from exc
        return wrap_latin_runs(text, (self.project.source_language,))

    # -- pages

    def article_page(self, lang: str, slug: str) -> str:
        article = self.article(slug)
        edition = self.edition(lang, slug)
        language = self.project.languages[lang]
        editions = self.plan.editions[slug]
        path = page_path(lang, slug, "article")
        page = self.common(lang, "article", edition.draft, path)
        title, byline = self.headline(lang, slug)
        targets = {e.lang: page_path(e.lang, slug, "article") for e in editions}
        alts, x_default = self.alternates(lang, targets)
        source = self.project.source_language
        from markupsafe import Markup

        page.update(
            {
                "title": title,
                "author": byline,
                "byline": byline,
                "date_iso": article.date.isoformat(),
                "date_text": format_date(article.date, language),
                "body_html": Markup("".join(self.body_blocks(lang, slug))),
                "alternates": alts,
                "x_default": x_default,
                "og_alternates": [og_locale(e.lang) for e in editions if e.lang != lang],
                "switcher": self.switcher(lang, {c: _href(self.plan, lang, p) for c, p in targets.items()}),
                "translated": lang != source,
                "original_href": _href(self.plan, lang, targets[source]) if lang != source else "",
                "original_title": article.title,
                "bilingual_href": (
                    _href(self.plan, lang, page_path(lang, slug, "bilingual"))
                    if self.plan.bilingual and lang != source
                    else ""
                ),
            }
        )
        return self.render_template(lang, "article.html.j2", page)

    def bilingual_page(self, lang: str, slug: str) -> str:
        article = self.article(slug)
        edition = self.edition(lang, slug)
        language = self.project.languages[lang]
        source = self.project.source_language
        source_language = self.project.languages[source]
        editions = [e for e in self.plan.editions[slug] if e.lang != source]
        path = page_path(lang, slug, "bilingual")
        page = self.common(lang, "bilingual", edition.draft, path)
        title, byline = self.headline(lang, slug)
        source_blocks = self.body_blocks(source, slug)
        target_blocks = self.body_blocks(lang, slug)
        if len(source_blocks) != len(target_blocks):
            # translate_body keeps the block structure; if a msgstr broke it (say, a
            # translated paragraph starting "# "), pair what lines up and keep the rest.
            self.warnings.append(
                f"{lang}/{slug}: {len(target_blocks)} blocks in the translation, "
                f"{len(source_blocks)} in the original; pairs may not line up"
            )
        from itertools import zip_longest

        from markupsafe import Markup

        pairs = [(Markup(s or ""), Markup(t or "")) for s, t in zip_longest(source_blocks, target_blocks)]
        targets = {e.lang: page_path(e.lang, slug, "bilingual") for e in editions}
        alts, _ = self.alternates(lang, targets)
        page.update(
            {
                "title": title,
                "author": byline,
                "byline": byline,
                "date_iso": article.date.isoformat(),
                "date_text": format_date(article.date, language),
                "source_title": article.title,
                "source_byline": article.author,
                "source_date_text": format_date(article.date, source_language),
                "source_name": source_language.native_name,
                "target_name": language.native_name,
                "target_dir": language.direction,
                "pairs": pairs,
                "alternates": alts,
                "x_default": _href(self.plan, lang, page_path(source, slug, "article"), absolute=True),
                "og_alternates": [og_locale(e.lang) for e in editions if e.lang != lang],
                "switcher": self.switcher(lang, {c: _href(self.plan, lang, p) for c, p in targets.items()}),
            }
        )
        # The page chrome (banner, footer) follows the translation's direction; the
        # table of pairs is dir="ltr" in the template: English left, translation right.
        return self.render_template(lang, "bilingual.html.j2", page)

    def index_page(self, lang: str) -> str:
        language = self.project.languages[lang]
        items = []
        any_draft = False
        for slug, editions in sorted(self.plan.editions.items()):
            edition = next((e for e in editions if e.lang == lang), None)
            if edition is None:
                continue
            article = self.article(slug)
            title, byline = self.headline(lang, slug)
            any_draft = any_draft or edition.draft
            items.append(
                {
                    "href": f"{slug}.html",
                    "title": title,
                    "byline": byline,
                    "date_iso": article.date.isoformat(),
                    "date_text": format_date(article.date, language),
                    "draft": edition.draft,
                    "bilingual_href": (
                        f"{slug}.bilingual.html"
                        if self.plan.bilingual and lang != self.project.source_language
                        else ""
                    ),
                    "sort": article.date,
                }
            )
        items.sort(key=lambda item: (item["sort"], item["href"]), reverse=True)
        path = page_path(lang, "", "index")
        page = self.common(lang, "index", any_draft, path)
        langs = sorted({e.lang for eds in self.plan.editions.values() for e in eds}, key=self._lang_order)
        targets = {code: page_path(code, "", "index") for code in langs}
        alts, x_default = self.alternates(lang, targets)
        page.update(
            {
                "title": self.site(lang).gettext("Articles"),
                "entries": items,
                "alternates": alts,
                "x_default": x_default,
                "og_alternates": [og_locale(c) for c in langs if c != lang],
                "switcher": self.switcher(lang, {c: _href(self.plan, lang, p) for c, p in targets.items()}),
            }
        )
        return self.render_template(lang, "index.html.j2", page)

    def _lang_order(self, code: str) -> int:
        order = [self.project.source_language, *self.project.targets]
        return order.index(code) if code in order else len(order)

    def page(self, kind: str, lang: str, slug: str) -> str:
        if kind == "article":
            return self.article_page(lang, slug)
        if kind == "bilingual":
            return self.bilingual_page(lang, slug)
        return self.index_page(lang)


# --------------------------------------------------------------------------- assets


def write_assets(plan: Plan, langs: Iterable[str]) -> list[Path]:
    """Fonts, site CSS and per-language CSS into the output folder; returns files written."""
    import jinja2

    written: list[Path] = []
    out = plan.output_dir
    for faces in plan.faces.values():
        for face in faces:
            target = out / "fonts" / face.file_name
            if _copy_if_changed(face.path, target):
                written.append(target)
    templates = dict(iter_template_files(plan.project))
    for name in ("css/site.css", "css/print.css"):
        if name not in templates:
            raise RenderError(f"stylesheet render/{name} is missing", hint="restore it from pressroom")
        if atomic_write(out / name, templates[name].read_bytes()):
            written.append(out / name)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(plan.project)]),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    source = plan.project.source_language
    latin = plan.faces[source]
    for code in langs:
        language = plan.project.languages[code]
        faces = plan.faces[code]
        fallback = [f.family for f in latin if f.style_name == "Regular"] if code != source else []
        stacks = {
            style: family_stack(faces, style, [*fallback, "serif"])
            for style in ("Regular", "Bold", "Italic", "BoldItalic")
        }
        css = _template(env, "lang.css.j2").render(
            lang=language,
            faces=faces,
            stacks=stacks,
            screen_base_px=SCREEN_BASE_PX,
            print_base_pt=PRINT_BASE_PT,
            heading_line_height=max(1.3, language.line_height - 0.1),
        )
        if atomic_write(out / "css" / f"lang-{code}.css", css):
            written.append(out / "css" / f"lang-{code}.css")
        symbols = list(language.digits) if language.numbering != "latn" else []
        for draft in (False, True):
            mark = ""
            if draft:
                native = site_translations(plan.project, code, include_drafts=True).gettext(
                    "Unreviewed draft"
                )
                # An em dash, not a middle dot: in Persian a middle dot reads as the digit zero (۰).
                mark = _css_string(f"{native} — Unreviewed draft" if code != source else "Unreviewed draft")
            page_css = _template(env, "page.css.j2").render(
                lang=language,
                stacks=stacks,
                counter_symbols=symbols,
                page_size=plan.settings.page_size,
                draft_mark=mark,
            )
            name = f"page-{code}{'-draft' if draft else ''}.css"
            if atomic_write(out / "css" / name, page_css):
                written.append(out / "css" / name)
    return written


def _css_string(text: str) -> str:
    return "".join(c if c.isalnum() or c in " —-,.:" else f"\\{ord(c):x} " for c in text)


def _copy_if_changed(source: Path, target: Path) -> bool:
    try:
        if (
            target.stat().st_size == source.stat().st_size
            and target.stat().st_mtime_ns >= source.stat().st_mtime_ns
        ):
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return True


# --------------------------------------------------------------------------- fingerprints


def _digest(*parts: Any) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            try:
                hasher.update(part.read_bytes())
            except FileNotFoundError:
                hasher.update(b"<missing>")
        else:
            hasher.update(json.dumps(part, sort_keys=True, default=str).encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


def global_fingerprint(plan: Plan) -> str:
    """Everything every page depends on: code, templates, CSS, fonts, settings."""
    here = Path(__file__).resolve().parent
    code_files = [*sorted(here.glob("*.py")), here.parent / "site.py"]
    templates = [path for _name, path in iter_template_files(plan.project)]
    fonts = [
        (face.family, str(face.path), face.path.stat().st_size, face.path.stat().st_mtime_ns)
        for faces in plan.faces.values()
        for face in faces
    ]
    config = {
        "render": dict(plan.project.section("render")),
        "languages": dict(plan.project.section("languages")),
        "name": plan.project.name,
    }
    from importlib.metadata import version

    return _digest(
        __version__,
        version("weasyprint"),
        *code_files,
        *templates,
        fonts,
        config,
        plan.include_drafts,
        plan.bilingual,
        str(plan.output_dir),
    )


def task_fingerprint(plan: Plan, common: str, kind: str, lang: str, slug: str) -> str:
    """Inputs of one page: its article, catalogs and the set of editions it links to."""
    project = plan.project
    source = project.source_language
    if kind == "index":
        slugs = sorted(s for s, eds in plan.editions.items() if any(e.lang == lang for e in eds))
    else:
        slugs = [slug]
    parts: list[Any] = [common, kind, lang]
    for item in slugs:
        parts.append(project.source_path(item))
        if lang != source:
            parts.append(project.po_path(lang, item))
        parts.append([(e.lang, e.draft) for e in plan.editions[item]])
    if lang != source:
        parts.append(project.po_path(lang, SITE_SLUG))
    if kind == "index":
        parts.append(sorted({e.lang for eds in plan.editions.values() for e in eds}))
    return _digest(*parts)


def read_manifest(output_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((output_dir / MANIFEST_NAME).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_manifest(output_dir: Path, manifest: Mapping[str, str]) -> None:
    atomic_write(output_dir / MANIFEST_NAME, json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")


# --------------------------------------------------------------------------- running tasks


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskResult:
    written: tuple[str, ...]
    warnings: tuple[str, ...]
    media: tuple[tuple[Path, str], ...]


_BUILDERS: dict[int, PageBuilder] = {}


def run_task(plan: Plan, task: Task) -> TaskResult:
    """Build one page and write the requested formats (runs in a worker process too)."""
    builder = _BUILDERS.get(id(plan))
    if builder is None:
        _BUILDERS.clear()
        builder = _BUILDERS[id(plan)] = PageBuilder(plan)
    builder.warnings.clear()
    builder.media.clear()
    text = builder.page(task.kind, task.lang, task.slug)
    written: list[str] = []
    # Media are copied before the PDF is made: WeasyPrint reads images from the build.
    for local, name in builder.media.items():
        _copy_if_changed(local, plan.output_dir / "media" / name)
    for fmt, rel in task.outputs:
        target = plan.output_dir / rel
        if fmt == "html":
            atomic_write(target, text)
        else:
            from .pdf import write_pdf

            html_path = plan.output_dir / page_path(task.lang, task.slug, task.kind, "html")
            write_pdf(
                text,
                html_path=html_path,
                pdf_path=target,
                allowed_roots=(plan.project.root, plan.output_dir),
                variant=plan.settings.pdf_variant,
                searchable_text=plan.settings.searchable_text,
            )
        written.append(rel)
    return TaskResult(
        written=tuple(written), warnings=tuple(builder.warnings), media=tuple(builder.media.items())
    )


_WORKER_PLAN: Plan | None = None


def _init_worker(plan: Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan


def _run_in_worker(task: Task) -> TaskResult:
    assert _WORKER_PLAN is not None
    return run_task(_WORKER_PLAN, task)


def render(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    formats: Sequence[str] | None = None,
    bilingual: bool | None = None,
    include_drafts: bool = False,
    output_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    jobs: int | None = None,
    force: bool = False,
    findings: Sequence[Finding] | None = None,
) -> RenderReport:
    """Render articles in ``langs`` (source language and all targets by default).

    ``formats``, ``bilingual`` and ``jobs`` default to the ``[render]`` settings;
    ``output_dir`` to the project's build folder. Editions blocked by the publishing
    gate are reported, not raised; missing fonts raise FontMissingError before any
    file is written. ``force`` redoes every output regardless of the manifest.
    ``findings``: a review of these catalogs already run, for the publishing gate.
    """
    from ..source import iter_articles

    settings = read_settings(project)
    formats = tuple(formats) if formats is not None else settings.formats
    check_formats(formats)
    bilingual = settings.bilingual if bilingual is None else bilingual
    jobs = max(1, settings.jobs if jobs is None else jobs)
    out = (output_dir if output_dir is not None else project.build_dir).resolve()
    languages = _languages(project, langs)
    articles = iter_articles(project, list(slugs) if slugs else None)
    for article in articles:
        if article.slug == SITE_SLUG:
            raise SourceError("the slug 'site' is reserved for site strings", path=article.path)
    source = project.source_language
    css_langs = {source, *(lang.code for lang in languages)}
    faces = check_fonts([project.languages[c] for c in sorted(css_langs)], settings.font_dirs)

    from ..review import load_glossary

    glossary = load_glossary(project) if findings is None else None
    blocked: list[BlockedEdition] = []
    drafts: list[tuple[str, str]] = []
    editions: dict[str, tuple[Edition, ...]] = {}
    for article in articles:
        found = []
        for language in [project.languages[source], *project.target_languages(None)]:
            if language.code == source:
                found.append(Edition(lang=source, slug=article.slug, draft=False))
                continue
            blockers = publish_blockers(
                project, language.code, article.slug, glossary=glossary, findings=findings
            )
            no_catalog = any(b.reason == "no catalog" and b.path.stem == article.slug for b in blockers)
            if blockers and (not include_drafts or no_catalog):
                if any(language.code == chosen.code for chosen in languages):
                    blocked.append(
                        BlockedEdition(lang=language.code, slug=article.slug, blockers=tuple(blockers))
                    )
                continue
            found.append(Edition(lang=language.code, slug=article.slug, draft=bool(blockers)))
            if blockers and any(language.code == chosen.code for chosen in languages):
                drafts.append((language.code, article.slug))
        editions[article.slug] = tuple(found)

    plan = Plan(
        project=project,
        output_dir=out,
        settings=settings,
        include_drafts=include_drafts,
        editions=editions,
        bilingual=bilingual,
        faces={code: tuple(f) for code, f in faces.items()},
    )
    written_paths = [p for p in write_assets(plan, sorted(css_langs))]
    manifest = {} if force else read_manifest(out)
    common = global_fingerprint(plan)
    rendered_langs = {lang.code for lang in languages}

    tasks: list[Task] = []
    fingerprints: dict[str, str] = {}
    skipped: list[Path] = []
    for article in articles:
        for edition in editions[article.slug]:
            if edition.lang not in rendered_langs:
                continue
            kinds = ["article"]
            if bilingual and edition.lang != source:
                kinds.append("bilingual")
            for kind in kinds:
                fingerprint = task_fingerprint(plan, common, kind, edition.lang, article.slug)
                outputs = []
                for fmt in formats:
                    rel = page_path(edition.lang, article.slug, kind, fmt)
                    fingerprints[rel] = fingerprint
                    if manifest.get(rel) == fingerprint and (out / rel).exists():
                        skipped.append(out / rel)
                    else:
                        outputs.append((fmt, rel))
                if outputs:
                    tasks.append(
                        Task(kind=kind, lang=edition.lang, slug=article.slug, outputs=tuple(outputs))
                    )
    if "html" in formats:
        for code in sorted(rendered_langs, key=lambda c: [source, *project.targets].index(c)):
            rel = page_path(code, "", "index")
            fingerprint = task_fingerprint(plan, common, "index", code, "")
            fingerprints[rel] = fingerprint
            if manifest.get(rel) == fingerprint and (out / rel).exists():
                skipped.append(out / rel)
            else:
                tasks.append(Task(kind="index", lang=code, slug="", outputs=(("html", rel),)))

    # Pages of editions that are no longer published (a catalog got a fuzzy entry, or
    # an earlier run had --drafts) are removed, but only files this stage wrote.
    removed: list[Path] = []
    for unpublished in blocked:
        if unpublished.lang not in rendered_langs:
            continue
        for kind in ("article", "bilingual"):
            for fmt in FORMATS:
                rel = page_path(unpublished.lang, unpublished.slug, kind, fmt)
                if rel in manifest:
                    del manifest[rel]
                    (out / rel).unlink(missing_ok=True)
                    removed.append(out / rel)

    warnings: list[str] = []
    total = len(tasks)
    done = 0
    try:
        for result in _execute(plan, tasks, jobs):
            for rel in result.written:
                manifest[rel] = fingerprints[rel]
                written_paths.append(out / rel)
            for warning in result.warnings:
                if warning not in warnings:
                    warnings.append(warning)
            done += 1
            if progress is not None:
                progress(done, total, ", ".join(result.written))
    finally:
        write_manifest(out, manifest)
    return RenderReport(
        written=tuple(written_paths),
        skipped=tuple(skipped),
        removed=tuple(removed),
        blocked=tuple(blocked),
        drafts=tuple(drafts),
        warnings=tuple(warnings),
        output_dir=out,
    )


def _execute(plan: Plan, tasks: list[Task], jobs: int) -> Iterable[TaskResult]:
    """Run tasks here, or across ``jobs`` processes (PDF layout is CPU-bound)."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield run_task(plan, task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Longest first: PDFs of long articles dominate; keeps the cores busy to the end.
    ordered = sorted(tasks, key=lambda t: (t.kind == "index", -len(t.outputs)))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(plan,)
    ) as pool:
        yield from pool.map(_run_in_worker, ordered)
