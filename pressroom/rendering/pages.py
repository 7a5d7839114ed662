"""Rendering, pages: one planned page (article, bilingual edition, index) -> its HTML text.

Input: the :class:`~.plan.Plan`, the source articles, their translations
(``catalog.translations``) and the site strings, the jinja2 templates in ``render/``.
Output: the page as a string, Latin runs wrapped; nothing is written here. A
translation is rebuilt from its Markdown with ``segment.translate_body`` and
rendered by markdown-it with raw HTML disabled, so nothing in a msgstr becomes
markup; jinja2 autoescapes everything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RenderError
from ..model import Article, Segment, SegmentKind
from ..site import SiteTranslations, site_translations
from .bidi import mark_untranslated, wrap_latin_runs
from .locale import format_date, og_locale
from .markdown import make_markdown, markdown_blocks
from .metadata import article_head, bilingual_head, index_head
from .plan import Edition, Plan, page_path
from .templates import load_template, make_environment
from .typography import fit_running_head, install_typography, running_head_width_pt

if TYPE_CHECKING:
    import jinja2
    from markdown_it import MarkdownIt

CONTACT_URL = "https://www.wsws.org/en/special/pages/contact.html"
_MARKED_KINDS = frozenset(
    {
        SegmentKind.PARAGRAPH,
        SegmentKind.HEADING,
        SegmentKind.LIST_ITEM,
        SegmentKind.QUOTE,
        SegmentKind.TABLE_CELL,
    }
)
"""Units a draft shows as one English element when they are left untranslated."""


def _href(plan: Plan, from_lang: str, target: str, *, absolute: bool = False) -> str:
    """Link from a page in ``from_lang/`` to ``target`` (relative to the build folder).

    Relative, so the build works from any folder and PDFs fetch nothing remote;
    ``absolute`` (hreflang, x-default) uses ``[render] base_url`` when it is set.
    """
    if absolute and plan.settings.base_url:
        return f"{plan.settings.base_url}/{target}"
    return f"../{target}" if not target.startswith(f"{from_lang}/") else target.split("/", 1)[1]



class PageBuilder:
    """Builds the HTML text of pages; one per process, caching articles and environments."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.project = plan.project
        self.md = make_markdown()
        """Plain CommonMark (summaries for feeds and metadata); pages use :meth:`markdown`."""
        self._mds: dict[str, MarkdownIt] = {}
        self._articles: dict[str, Article] = {}
        self._envs: dict[str, jinja2.Environment] = {}
        self._site: dict[str, SiteTranslations] = {}
        self._messages: dict[tuple[str, str], Mapping[tuple[str | None, str], str]] = {}
        self._rebuilt: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
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
            marked = lang != self.project.source_language
            self._envs[lang] = make_environment(self.project, self.site(lang), mark_missing=marked)
        return self._envs[lang]

    def messages(self, lang: str, slug: str) -> Mapping[tuple[str | None, str], str]:
        if lang == self.project.source_language:
            return {}
        if (lang, slug) not in self._messages:
            from ..catalog.conventions import translations

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
        """The body rebuilt in ``lang`` (feeds and descriptions read it too)."""
        return self.rebuilt_body(lang, slug)[0]

    def rebuilt_body(self, lang: str, slug: str) -> tuple[str, frozenset[str]]:
        """The body rebuilt in ``lang``, and the texts of the units left in the source language."""
        if (lang, slug) in self._rebuilt:
            return self._rebuilt[(lang, slug)]
        article = self.article(slug)
        messages = self.messages(lang, slug)
        if not messages:
            return article.body, frozenset()
        from ..segment import join_soft_breaks, translate_body

        # A catalog not extracted since msgids lost their soft line breaks still applies.
        joined = {(context, join_soft_breaks(msgid)): text for (context, msgid), text in messages.items()}
        untranslated: set[str] = set()

        def translate(segment: Segment) -> str | None:
            found = messages.get(segment.key) or joined.get(segment.key)
            # Missing, or a copy of the source (a draft that kept it): English either way.
            if (not found or found == segment.text) and segment.kind in _MARKED_KINDS:
                untranslated.add(segment.text)
            return found or None

        text = translate_body(article.body, translate, first_line=article.body_line, path=article.path)
        self._rebuilt[(lang, slug)] = (text, frozenset(untranslated))
        return self._rebuilt[(lang, slug)]

    def body_blocks(self, lang: str, slug: str) -> list[str]:
        article = self.article(slug)
        text, untranslated = self.rebuilt_body(lang, slug)
        source = self.project.source_language
        env: dict[str, Any] = {
            "article_path": article.path,
            "project_root": self.project.root,
            "media": self.media,
            "warnings": self.warnings,
            "body_line": article.body_line,
            "embed_hosts": self.plan.settings.embed_hosts,
            "source_lang": source,
            "untranslated": untranslated,
            "language": self.project.languages[lang] if lang != source else None,
        }
        return markdown_blocks(self.markdown(lang), text, env)

    def markdown(self, lang: str) -> MarkdownIt:
        """The Markdown parser of one language: CommonMark plus its quotes and no-break spaces."""
        if lang not in self._mds:
            self._mds[lang] = install_typography(make_markdown(), self.project.languages[lang])
        return self._mds[lang]

    def headline(self, lang: str, slug: str) -> tuple[str, str]:
        """Title and byline in ``lang`` (the English ones where there is no translation)."""
        article = self.article(slug)
        messages = self.messages(lang, slug)
        title = messages.get(("title", article.title)) or article.title
        byline = messages.get(("byline", article.author)) or article.author
        return title, byline

    def shown_headline(self, lang: str, slug: str) -> tuple[str, str]:
        """:meth:`headline` for the page's text: an untranslated one (or a copy of the source)
        is marked, so the page shows it as one English unit (:func:`.bidi.mark_untranslated`)."""
        article = self.article(slug)
        title, byline = self.headline(lang, slug)
        if lang == self.project.source_language:
            return title, byline
        return (
            mark_untranslated(title) if title == article.title else title,
            mark_untranslated(byline) if byline == article.author else byline,
        )

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
                _href(self.plan, lang, "css/content.css"),
                _href(self.plan, lang, "css/names.css"),
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
        template = load_template(self.env(lang), name)
        try:
            text = template.render(page=page, contact_link=page["contact_link"])
        except Exception as exc:  # jinja2 raises plain exceptions for undefined names etc.
            raise RenderError(f"template {name}: {exc}", hint="check the template in render/") from exc
        return wrap_latin_runs(text, (self.project.source_language,))

    def headline_fields(self, lang: str, article: Article, title: str, byline: str) -> dict[str, Any]:
        """Headline, byline and date of a page, as article and bilingual pages both show them."""
        return {
            "title": title,
            "running_title": self.running_head(lang, title),
            "author": byline,
            "byline": byline,
            "date_iso": article.date.isoformat(),
            "date_text": format_date(article.date, self.project.languages[lang]),
        }

    # -- pages

    def article_page(self, lang: str, slug: str) -> str:
        article = self.article(slug)
        edition = self.edition(lang, slug)
        editions = self.plan.editions[slug]
        path = page_path(lang, slug, "article")
        page = self.common(lang, "article", edition.draft, path)
        title, byline = self.shown_headline(lang, slug)
        targets = {e.lang: page_path(e.lang, slug, "article") for e in editions}
        alts, x_default = self.alternates(lang, targets)
        source = self.project.source_language
        from markupsafe import Markup

        page.update(
            {
                **self.headline_fields(lang, article, title, byline),
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
        page.update(article_head(self, lang, slug))  # after the body: its first image is og:image
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
        title, byline = self.shown_headline(lang, slug)
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

        pairs = [
            (Markup(s or ""), Markup(t or ""))
            for s, t in zip_longest(source_blocks, target_blocks)
            if (s or "").strip() or (t or "").strip()  # a block the sanitizer emptied (a script) is no row
        ]
        targets = {e.lang: page_path(e.lang, slug, "bilingual") for e in editions}
        alts, _ = self.alternates(lang, targets)
        page.update(
            {
                **self.headline_fields(lang, article, title, byline),
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
        page.update(bilingual_head(self, lang, slug))
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
            title, byline = self.shown_headline(lang, slug)
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
        page.update(index_head(self, lang))
        return self.render_template(lang, "index.html.j2", page)

    def running_head(self, lang: str, title: str) -> str:
        """The title as the PDF's running head: cut to one line of the page (:func:`fit_running_head`)."""
        family = self.project.languages[lang].font_family
        width = running_head_width_pt(self.plan.settings.page_size)
        return fit_running_head(title, family, lang, width_pt=width)

    def _lang_order(self, code: str) -> int:
        order = [self.project.source_language, *self.project.targets]
        return order.index(code) if code in order else len(order)

    def page(self, kind: str, lang: str, slug: str) -> str:
        if kind == "article":
            return self.article_page(lang, slug)
        if kind == "bilingual":
            return self.bilingual_page(lang, slug)
        return self.index_page(lang)
