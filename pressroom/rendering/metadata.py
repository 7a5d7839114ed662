"""Page metadata for search engines, feed readers and social networks.

Input: the facts of one page (headline, byline, date, language, first paragraph, first
local image, which editions of the article are published) and the site settings of
``[render]`` (``base_url``, ``site_name``, ``logo``, ``twitter_site``).
Output: what the templates put into ``<head>``: ``rel=canonical``, ``meta robots`` and
``description``, Open Graph and Twitter card fields, hreflang alternates limited to
indexable pages, the Atom feed link, and a JSON-LD ``NewsArticle`` whose editions are
linked as translations of the original (``translationOfWork`` / ``workTranslation``).

The rules (docs/publishing.md): a draft is ``noindex`` and carries no canonical, no
hreflang and no JSON-LD, and no published page names it as an alternate; a bilingual
page is a variant of its translation: canonical to it and outside every hreflang set.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import ConfigError
from ..model import Article
from ..project import CONFIG_NAME, Project
from ..site import SiteTranslations
from .locale import og_locale
from .plan import Edition, Plan, page_path

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

DESCRIPTION_LIMIT = 200
"""Characters of the first paragraph kept for ``meta description`` and ``og:description``."""
HEADLINE_LIMIT = 110
"""Longest JSON-LD ``headline`` search engines take whole (Google's article guidelines)."""
FEED_NAME = "atom.xml"
"""Each language's Atom feed, beside its index: ``<lang>/atom.xml``."""
SITEMAP_NAME = "sitemap.xml"
ROBOTS_NAME = "robots.txt"
LOGO_STEM = "media/site-logo"
NOINDEX = "noindex"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteSettings:
    """The publication-wide part of ``[render]``: used by page heads, feeds and the sitemap."""

    base_url: str
    """Absolute site URL without a trailing slash; empty: a local build with relative links."""
    site_name: str
    """Publisher name: ``og:site_name``, JSON-LD ``publisher``, feed titles."""
    logo_path: Path | None
    """The publisher's logo in the project, published as ``media/site-logo.<ext>``."""
    twitter_site: str
    """The publication's ``@account`` for ``twitter:site``; empty for none."""

    @property
    def logo_target(self) -> str:
        """Where the logo is published, relative to the build folder ("" without a logo)."""
        return f"{LOGO_STEM}{self.logo_path.suffix.lower()}" if self.logo_path else ""

    @property
    def listings(self) -> bool:
        """Whether feeds, sitemap.xml and robots.txt are written: all three need absolute URLs."""
        return bool(self.base_url)

    def absolute(self, target: str) -> str:
        """Absolute URL of ``target`` (a path relative to the build folder); "" without base_url."""
        return f"{self.base_url}/{target}" if self.base_url else ""


def read_site_settings(project: Project) -> SiteSettings:
    """``[render] base_url, site_name, logo, twitter_site`` as typed settings.

    ``site_name`` defaults to ``[project] name``. A ``base_url`` that is not an absolute
    http(s) URL, or a ``logo`` that is not a file, is a configuration error: both end
    up in every page and feed, where a typo would go unnoticed.
    """
    table = project.section("render")
    config_path = project.root / CONFIG_NAME
    base_url = str(table.get("base_url", "")).strip().rstrip("/")
    if base_url and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        raise ConfigError(
            f"[render] base_url = {base_url!r} is not an absolute http(s) URL",
            path=config_path,
            hint='e.g. base_url = "https://example.org/press"; empty for a local build',
        )
    logo = str(table.get("logo", "")).strip()
    logo_path = None
    if logo:
        logo_path = project.root / logo
        if not logo_path.is_file():
            raise ConfigError(
                f"[render] logo {logo!r} is not a file",
                path=config_path,
                hint="give a path relative to the project folder, e.g. render/logo.png",
            )
    twitter = str(table.get("twitter_site", "")).strip()
    if twitter and not twitter.startswith("@"):
        twitter = f"@{twitter}"
    return SiteSettings(
        base_url=base_url,
        site_name=str(table.get("site_name") or project.name),
        logo_path=logo_path,
        twitter_site=twitter,
    )


# --------------------------------------------------------------------------- text


def first_paragraph(md: MarkdownIt, text: str) -> str:
    """Plain text of the first paragraph that has words (not a lone image), spaces folded.

    The parser finds the paragraph; its inline text tokens give the words with the
    markup (emphasis, links, code spans) dropped, as a search engine's snippet shows
    them. Image alt text is left out: it describes the picture, not the story.
    """
    tokens = md.parse(text, {})
    for index, token in enumerate(tokens[:-1]):
        if token.type != "paragraph_open":
            continue
        pieces = [
            child.content if child.type in ("text", "code_inline") else " "
            for child in tokens[index + 1].children or []
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        ]
        words = " ".join("".join(pieces).split())
        if words:
            return words
    return ""


def summarize(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters at a space, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:،؛—-") + "…"


def json_ld_text(data: Mapping[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">``: nothing in it can close the script.

    HTML does not decode entities inside ``<script>``, so ``<``, ``>`` and ``&`` become
    JSON escapes instead; a headline holding ``</script>`` stays a string.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --------------------------------------------------------------------------- JSON-LD


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionLink:
    """Another edition of the same article, as the JSON-LD of this one names it."""

    lang: str
    url: str
    """Its page, absolute with ``base_url``, else relative to this page."""
    headline: str = ""
    """Only the original's: a translation's headline would tie this page to its catalog."""


def article_id(url: str) -> str:
    """The JSON-LD ``@id`` of the article a page carries (the page itself is ``url``)."""
    return f"{url}#article"


def publisher(site: SiteSettings, logo_url: str) -> dict[str, Any]:
    """schema.org ``Organization`` of the publication."""
    data: dict[str, Any] = {"@type": "Organization", "name": site.site_name}
    if site.base_url:
        data["url"] = f"{site.base_url}/"
    if logo_url:
        data["logo"] = {"@type": "ImageObject", "url": logo_url}
    return data


def news_article(
    *,
    site: SiteSettings,
    lang: str,
    url: str,
    headline: str,
    byline: str,
    date: datetime.date,
    description: str,
    image_url: str,
    logo_url: str,
    original: EditionLink | None,
    translations: Sequence[EditionLink],
) -> dict[str, Any]:
    """The schema.org ``NewsArticle`` of one edition.

    A translation names the English original in ``translationOfWork``; the original
    lists every published translation in ``workTranslation`` (the inverse property),
    each with its ``inLanguage``, so the editions form one work in several languages.
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": article_id(url),
        "url": url,
        "mainEntityOfPage": url,
        "headline": summarize(headline, HEADLINE_LIMIT),
        "datePublished": date.isoformat(),
        "inLanguage": lang,
        "author": [{"@type": "Person", "name": byline}],
        "publisher": publisher(site, logo_url),
    }
    if description:
        data["description"] = description
    if image_url:
        data["image"] = [image_url]
    if original is not None:
        data["translationOfWork"] = {
            "@type": "NewsArticle",
            "@id": article_id(original.url),
            "url": original.url,
            "headline": summarize(original.headline, HEADLINE_LIMIT),
            "inLanguage": original.lang,
        }
    if translations:
        data["workTranslation"] = [
            {"@type": "NewsArticle", "@id": article_id(t.url), "url": t.url, "inLanguage": t.lang}
            for t in translations
        ]
    return data


# --------------------------------------------------------------------------- <head>


def empty_head() -> dict[str, Any]:
    """Every key the templates read, empty."""
    return {
        "robots": "",
        "canonical": "",
        "description": "",
        "properties": [],
        "names": [],
        "feeds": [],
        "json_ld": "",
    }


def social_fields(
    *,
    site: SiteSettings,
    title: str,
    description: str,
    url: str,
    image_url: str,
    large_image: bool,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Open Graph ``property`` and Twitter card ``name`` fields beyond title, type and locale.

    ``og:url`` and images must be absolute for the networks' crawlers: without
    ``base_url`` they are left out rather than given relative.
    """
    properties = [("og:site_name", site.site_name)]
    names = [("twitter:card", "summary_large_image" if large_image else "summary")]
    if site.twitter_site:
        names.append(("twitter:site", site.twitter_site))
    names.append(("twitter:title", title))
    if description:
        properties.append(("og:description", description))
        names.append(("twitter:description", description))
    if url:
        properties.append(("og:url", url))
    if image_url:
        properties.append(("og:image", image_url))
        names.append(("twitter:image", image_url))
    return properties, names


def feed_title(site: SiteSettings, articles: str) -> str:
    """``<site name> — <"Articles" in the language>``: the feed's title and its link's."""
    return f"{site.site_name} — {articles}"


# --------------------------------------------------------------------------- from a page builder


class PageFacts(Protocol):
    """What the heads below read from a page builder (``pages.PageBuilder`` is one)."""

    plan: Plan
    project: Project
    md: MarkdownIt
    media: dict[Path, str]
    """Local images the page's body copied into ``media/``, in order of appearance."""

    def article(self, slug: str) -> Article: ...
    def edition(self, lang: str, slug: str) -> Edition: ...
    def headline(self, lang: str, slug: str) -> tuple[str, str]: ...
    def translated_body(self, lang: str, slug: str) -> str: ...
    def site(self, lang: str) -> SiteTranslations: ...


def page_link(plan: Plan, from_lang: str, target: str) -> str:
    """URL of ``target`` (relative to the build folder) as the head of a page in ``from_lang/`` gives it.

    Absolute with ``base_url``; else relative to the page, which JSON-LD and
    ``rel=canonical`` resolve against the page's own address.
    """
    if plan.settings.base_url:
        return f"{plan.settings.base_url}/{target}"
    return target.split("/", 1)[1] if target.startswith(f"{from_lang}/") else f"../{target}"


def article_head(builder: PageFacts, lang: str, slug: str) -> dict[str, Any]:
    """Template values of an article page: ``meta`` plus alternates limited to published editions.

    Called after the page's body is rendered: the first local image the body copied
    into ``media/`` is the page's ``og:image`` (else the site logo).
    """
    from markupsafe import Markup

    plan = builder.plan
    site = read_site_settings(builder.project)
    source = builder.project.source_language
    edition = builder.edition(lang, slug)
    article = builder.article(slug)
    title, byline = builder.headline(lang, slug)
    description = summarize(first_paragraph(builder.md, builder.translated_body(lang, slug)))

    def link(target: str) -> str:
        return page_link(plan, lang, target)

    head = empty_head()
    head["description"] = description
    head["feeds"] = _feed_links(builder, lang, site)
    if edition.draft:
        head["robots"] = NOINDEX
        return {"meta": head, "alternates": [], "x_default": "", "og_alternates": []}
    published = [e for e in plan.editions[slug] if not e.draft]
    targets = {e.lang: page_path(e.lang, slug, "article") for e in published}
    url = link(targets[lang])
    image = next(iter(builder.media.values()), None)
    image_target = f"media/{image}" if image else site.logo_target
    head["canonical"] = url
    properties, names = social_fields(
        site=site,
        title=title,
        description=description,
        url=site.absolute(targets[lang]),
        image_url=site.absolute(image_target) if image_target else "",
        large_image=image is not None,
    )
    properties.append(("article:published_time", article.date.isoformat()))
    head["properties"], head["names"] = properties, names
    original = EditionLink(lang=source, url=link(targets[source]), headline=article.title)
    translations = [
        EditionLink(lang=e.lang, url=link(targets[e.lang])) for e in published if e.lang != source
    ]
    head["json_ld"] = Markup(
        json_ld_text(
            news_article(
                site=site,
                lang=lang,
                url=url,
                headline=title,
                byline=byline,
                date=article.date,
                description=description,
                image_url=link(image_target) if image_target else "",
                logo_url=link(site.logo_target) if site.logo_target else "",
                original=original if lang != source else None,
                translations=translations if lang == source else [],
            )
        )
    )
    alternates = [{"lang": code, "href": link(path)} for code, path in targets.items()]
    return {
        "meta": head,
        "alternates": alternates,
        "x_default": link(targets[source]),
        "og_alternates": [og_locale(e.lang) for e in published if e.lang != lang],
    }


def bilingual_head(builder: PageFacts, lang: str, slug: str) -> dict[str, Any]:
    """Template values of a bilingual page: a variant of the translation, canonical to it.

    It belongs to no hreflang set: its language pair is not a language, and a page
    whose canonical is another page must not be an alternate (docs/publishing.md).
    """
    site = read_site_settings(builder.project)
    edition = builder.edition(lang, slug)
    head = empty_head()
    head["description"] = summarize(first_paragraph(builder.md, builder.translated_body(lang, slug)))
    head["feeds"] = _feed_links(builder, lang, site)
    if edition.draft:
        head["robots"] = NOINDEX
    else:
        translation = page_path(lang, slug, "article")
        head["canonical"] = page_link(builder.plan, lang, translation)
        title, _byline = builder.headline(lang, slug)
        head["properties"], head["names"] = social_fields(
            site=site,
            title=title,
            description=head["description"],
            url=site.absolute(translation),
            image_url=site.absolute(site.logo_target) if site.logo_target else "",
            large_image=False,
        )
    return {"meta": head, "alternates": [], "x_default": "", "og_alternates": []}


def index_head(builder: PageFacts, lang: str) -> dict[str, Any]:
    """Template values of a language's index: its feed link; alternates among published indexes.

    An index listing an unreviewed draft is itself a draft page (banner, ``noindex``).
    """
    plan = builder.plan
    site = read_site_settings(builder.project)
    head = empty_head()
    head["feeds"] = _feed_links(builder, lang, site)
    langs: dict[str, bool] = {}
    for editions in plan.editions.values():
        for edition in editions:
            langs[edition.lang] = langs.get(edition.lang, False) or edition.draft
    if langs.get(lang, False):
        head["robots"] = NOINDEX
        return {"meta": head, "alternates": [], "x_default": "", "og_alternates": []}
    source = builder.project.source_language
    order = [source, *builder.project.targets]
    indexable = sorted((c for c, draft in langs.items() if not draft), key=order.index)

    def link(target: str) -> str:
        return page_link(plan, lang, target)

    target = page_path(lang, "", "index")
    head["canonical"] = link(target)
    head["properties"], head["names"] = social_fields(
        site=site,
        title=builder.site(lang).gettext("Articles"),
        description="",
        url=site.absolute(target),
        image_url=site.absolute(site.logo_target) if site.logo_target else "",
        large_image=False,
    )
    return {
        "meta": head,
        "alternates": [{"lang": c, "href": link(page_path(c, "", "index"))} for c in indexable],
        "x_default": link(page_path(source, "", "index")) if source in indexable else "",
        "og_alternates": [og_locale(c) for c in indexable if c != lang],
    }


def _feed_links(builder: PageFacts, lang: str, site: SiteSettings) -> list[dict[str, str]]:
    if not site.listings:
        return []
    articles = builder.site(lang).gettext("Articles")
    return [{"href": FEED_NAME, "title": feed_title(site, articles)}]
