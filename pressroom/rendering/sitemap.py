"""sitemap.xml and robots.txt: where crawlers find the published editions.

Input: the absolute URL of every indexable page with its hreflang alternates.
Output: a sitemaps.org 0.9 ``urlset`` whose ``<url>`` entries carry
``<xhtml:link rel="alternate" hreflang=...>`` for every edition of the same article
(itself and ``x-default`` included, as search engines require of a complete set), and
a robots.txt that names the sitemap. Drafts and bilingual pages are never listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..errors import RenderError

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_URLS = 50_000
"""sitemaps.org's limit per file; past it a sitemap index would be needed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SitemapUrl:
    """One page in the sitemap."""

    loc: str
    """Absolute URL of the page."""
    alternates: tuple[tuple[str, str], ...] = ()
    """(hreflang, absolute URL) of every version, this one and ``x-default`` included."""


def sitemap_xml(urls: Sequence[SitemapUrl]) -> bytes:
    """The sitemap document; ``urls`` in the order given.

    No ``lastmod``: an article's date is when the original appeared, not when a
    translation was last revised, and search engines distrust a wrong ``lastmod``.
    """
    if len(urls) > MAX_URLS:
        raise RenderError(
            f"{len(urls)} pages exceed the {MAX_URLS} URLs one sitemap may list",
            hint="split the site, or add sitemap index support",
        )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    for url in urls:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(url.loc)}</loc>")
        for hreflang, href in url.alternates:
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>'
            )
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(sitemap_url: str) -> str:
    """Every crawler may fetch everything; the sitemap is named.

    Drafts are not disallowed: a crawler must fetch a page to see its ``noindex``, and
    a disallowed URL linked from elsewhere can still be indexed without its content.
    """
    return f"User-agent: *\nDisallow:\n\nSitemap: {sitemap_url}\n"
