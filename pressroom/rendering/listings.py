"""The listings of a render run: Atom feeds, sitemap.xml, robots.txt and the site logo.

Input: the render plan (which editions are published and which are drafts), the
page builder's headlines and first paragraphs, the fingerprints of the last run.
Output, in the build folder: ``<lang>/atom.xml`` per rendered language,
``sitemap.xml`` and ``robots.txt`` (a run over the whole site only, so they never
list a subset), and ``media/site-logo.<ext>``. Like every page, each file is redone
only when its fingerprint in the render manifest changed, and rewritten only when
its bytes did. Drafts appear in none of them. Without ``[render] base_url`` nothing
is listed (feeds and sitemaps need absolute URLs) and earlier listings are removed.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from ..fsio import atomic_write
from .feeds import Feed, FeedEntry, atom_feed
from .locale import format_date
from .media import publish_media
from .metadata import (
    FEED_NAME,
    ROBOTS_NAME,
    SITEMAP_NAME,
    SiteSettings,
    feed_title,
    first_paragraph,
    read_site_settings,
)
from .pages import PageBuilder
from .plan import Edition, Plan, _digest, global_fingerprint, page_path, task_fingerprint
from .sitemap import SitemapUrl, robots_txt, sitemap_xml

NO_BASE_URL = (
    "[render] base_url is not set: no Atom feeds, sitemap.xml or robots.txt written "
    "(hint: set it to the address the site is published at)"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingsReport:
    """What :func:`write_listings` did."""

    written: tuple[Path, ...] = ()
    """Files whose bytes changed."""
    skipped: tuple[Path, ...] = ()
    """Files whose inputs had not changed since the last run."""
    removed: tuple[Path, ...] = ()
    """Listings of an earlier run that no longer apply (base_url unset)."""
    warnings: tuple[str, ...] = ()


def feed_path(lang: str) -> str:
    """The feed of ``lang``, relative to the build folder."""
    return f"{lang}/{FEED_NAME}"


def write_listings(
    plan: Plan,
    manifest: MutableMapping[str, str],
    langs: Iterable[str],
    *,
    whole_site: bool,
) -> ListingsReport:
    """Write the feeds of ``langs`` and, for a ``whole_site`` run, sitemap.xml and robots.txt.

    ``manifest`` maps output paths to fingerprints; it is updated in place for the
    caller to save. Call it for a run over every article: a feed of some articles only
    would drop the others from feed readers.
    """
    site = read_site_settings(plan.project)
    out = plan.output_dir
    written: list[Path] = []
    skipped: list[Path] = []
    if site.logo_path is not None and publish_media(site.logo_path, out / site.logo_target):
        written.append(out / site.logo_target)
    langs = list(langs)
    if not site.listings:
        removed = []
        stale = [feed_path(lang) for lang in langs]
        if whole_site:
            stale += [SITEMAP_NAME, ROBOTS_NAME]
        for rel in stale:
            if rel in manifest:
                del manifest[rel]
                (out / rel).unlink(missing_ok=True)
                removed.append(out / rel)
        return ListingsReport(written=tuple(written), removed=tuple(removed), warnings=(NO_BASE_URL,))

    from importlib.metadata import version

    builder = PageBuilder(plan)
    common = global_fingerprint(plan)
    outputs: list[tuple[str, str, str]] = []
    for lang in langs:
        index_print = task_fingerprint(plan, common, "index", lang, "")
        outputs.append((feed_path(lang), _digest("feed", index_print, version("feedgen")), lang))
    if whole_site:
        editions = {slug: [(e.lang, e.draft) for e in eds] for slug, eds in sorted(plan.editions.items())}
        outputs.append((SITEMAP_NAME, _digest("sitemap", common, editions), ""))
        outputs.append((ROBOTS_NAME, _digest("robots", common), ""))
    for rel, fingerprint, lang in outputs:
        if manifest.get(rel) == fingerprint and (out / rel).exists():
            skipped.append(out / rel)
            continue
        if rel == SITEMAP_NAME:
            data: str | bytes = sitemap_xml(sitemap_urls(plan, site))
        elif rel == ROBOTS_NAME:
            data = robots_txt(site.absolute(SITEMAP_NAME))
        else:
            data = atom_feed(language_feed(builder, lang, site))
        if atomic_write(out / rel, data):
            written.append(out / rel)
        manifest[rel] = fingerprint
    return ListingsReport(written=tuple(written), skipped=tuple(skipped))


def language_feed(builder: PageBuilder, lang: str, site: SiteSettings) -> Feed:
    """The feed of ``lang``: every published (non-draft) edition in it."""
    language = builder.project.languages[lang]
    entries = []
    for slug, editions in sorted(builder.plan.editions.items()):
        if not any(e.lang == lang and not e.draft for e in editions):
            continue
        article = builder.article(slug)
        title, byline = builder.headline(lang, slug)
        entries.append(
            FeedEntry(
                url=site.absolute(page_path(lang, slug, "article")),
                title=title,
                byline=byline,
                published=article.date,
                date_text=format_date(article.date, language),
                summary=first_paragraph(builder.md, builder.translated_body(lang, slug)),
            )
        )
    return Feed(
        lang=lang,
        title=feed_title(site, builder.site(lang).gettext("Articles")),
        feed_url=site.absolute(feed_path(lang)),
        index_url=site.absolute(page_path(lang, "", "index")),
        site_name=site.site_name,
        logo_url=site.absolute(site.logo_target) if site.logo_target else "",
        entries=tuple(entries),
    )


def sitemap_urls(plan: Plan, site: SiteSettings) -> list[SitemapUrl]:
    """Every published article page and index, each with the hreflang set it belongs to.

    Bilingual pages are left out: their canonical is the translation's page.
    Indexes listing a draft are drafts themselves, so they are left out too.
    """
    project = plan.project
    order = [project.source_language, *project.targets]

    def ranked(editions: Iterable[Edition]) -> list[Edition]:
        return sorted(editions, key=lambda e: order.index(e.lang) if e.lang in order else len(order))

    urls: list[SitemapUrl] = []
    draft_langs = {e.lang for eds in plan.editions.values() for e in eds if e.draft}
    index_langs = [
        e.lang
        for e in ranked({e.lang: e for eds in plan.editions.values() for e in eds}.values())
        if e.lang not in draft_langs
    ]
    urls.extend(_cluster([(code, page_path(code, "", "index")) for code in index_langs], site, order))
    for slug, editions in sorted(plan.editions.items()):
        published = [(e.lang, page_path(e.lang, slug, "article")) for e in ranked(editions) if not e.draft]
        urls.extend(_cluster(published, site, order))
    return urls


def _cluster(pages: list[tuple[str, str]], site: SiteSettings, order: list[str]) -> list[SitemapUrl]:
    """One sitemap URL per page, each naming all pages of the set and the x-default."""
    links = [(lang, site.absolute(path)) for lang, path in pages]
    source = order[0]
    default = [("x-default", href) for lang, href in links if lang == source]
    alternates = tuple(links + default) if len(links) > 1 else ()
    return [SitemapUrl(loc=href, alternates=alternates) for _lang, href in links]
