"""Atom feeds: one per language, listing its published editions, newest first.

Input: a :class:`Feed` (its id, title, language, links) holding :class:`FeedEntry`
records (headline, byline, date, the date as the edition prints it, first paragraph).
Output: Atom 1.0 (RFC 4287) bytes, built by feedgen. Reproducible: every timestamp
comes from the articles' dates, never from the clock, so an unchanged feed is not
rewritten and feed readers see no phantom updates.
"""

from __future__ import annotations

import datetime
import html
import os
from dataclasses import dataclass

from .. import __version__

ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One published edition in a language's feed."""

    url: str
    """Absolute URL of the page; also the entry's ``id`` (stable as long as base_url is)."""
    title: str
    """Headline in the feed's language."""
    byline: str
    """Author as the edition prints it (transliterated)."""
    published: datetime.date
    date_text: str
    """The date as the edition prints it (CLDR long form, native digits)."""
    summary: str
    """First paragraph, plain text."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """A language's feed and the entries it lists."""

    lang: str
    """``xml:lang`` of the whole feed."""
    title: str
    feed_url: str
    """Absolute URL of the feed itself (``rel=self``)."""
    index_url: str
    """Absolute URL of the language's index page: the feed's ``id`` and ``rel=alternate``."""
    site_name: str
    """Feed-level author, for entries whose byline is empty."""
    logo_url: str
    """Absolute URL of the site logo; empty for none."""
    entries: tuple[FeedEntry, ...]


def _moment(date: datetime.date) -> datetime.datetime:
    """Midnight UTC of ``date``: Atom wants a date-time, the articles give a date."""
    return datetime.datetime.combine(date, datetime.time(), tzinfo=datetime.UTC)


def _empty_feed_moment() -> datetime.datetime:
    """``updated`` of a feed with no entry: SOURCE_DATE_EPOCH where set, else the epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else 0
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def entry_content(entry: FeedEntry) -> str:
    """HTML content of an entry: the localised dateline, then the first paragraph."""
    return (
        f'<p>{html.escape(entry.byline)} — <time datetime="{entry.published.isoformat()}">'
        f"{html.escape(entry.date_text)}</time></p>\n<p>{html.escape(entry.summary)}</p>"
    )


def atom_feed(feed: Feed) -> bytes:
    """The Atom document of ``feed``, entries newest first (ties by URL)."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(feed.index_url)
    generator.title(feed.title)
    generator.language(feed.lang)
    generator.author({"name": feed.site_name})
    generator.link(href=feed.index_url, rel="alternate", type="text/html", hreflang=feed.lang)
    generator.link(href=feed.feed_url, rel="self", type=ATOM_TYPE)
    if feed.logo_url:
        generator.logo(feed.logo_url)
    generator.generator("pressroom", version=__version__)
    entries = sorted(feed.entries, key=lambda e: e.url)
    entries.sort(key=lambda e: e.published, reverse=True)
    for entry in entries:
        item = generator.add_entry(order="append")
        item.id(entry.url)
        item.title(entry.title)
        item.link(href=entry.url, rel="alternate", type="text/html", hreflang=feed.lang)
        if entry.byline:
            item.author({"name": entry.byline})
        item.published(_moment(entry.published))
        item.updated(_moment(entry.published))
        item.summary(entry.summary)
        item.content(entry_content(entry), type="html")
    newest = max((e.published for e in entries), default=None)
    generator.updated(_moment(newest) if newest else _empty_feed_moment())
    data: bytes = generator.atom_str(pretty=True)
    return data
