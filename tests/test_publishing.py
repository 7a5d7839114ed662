"""What search engines, feed readers and social networks read: head metadata, JSON-LD, feeds, sitemap.

Oracles, not hand-written expectations where one exists:
- JSON-LD is read out of the rendered HTML by pyld (a JSON-LD 1.1 processor), expanded
  with schema.org's own JSON-LD context and checked against schema.org's vocabulary
  (release 12.0, from a PyPI sdist): every type a schema.org class, every property a
  schema.org property whose domain includes the node's type, every value in its range.
  That is what schema.org's validator checks; it is not Google's rich-result test,
  whose extra rules (headline length, image) are asserted here by hand.
- Feeds are parsed by feedparser; a feed it flags as ill-formed (``bozo``) fails.
- sitemap.xml is validated by libxml2 (lxml) against sitemaps.org's XSD as published
  (from the ``sitemap`` npm package); ``xhtml:link`` against a three-attribute
  declaration written below, since XHTML's own XSD is in no registry package.
- robots.txt is read by the standard library's robotparser.
"""

from __future__ import annotations

import datetime
import json
import struct
import urllib.robotparser
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import REPO
from lxml import etree
from pyld import jsonld
from test_render_html import ARTICLE, TRANSLATIONS, attrs_of, make_project, parse
from web_standards import schemaorg, sitemap_xsd

from pressroom.project import load_project
from pressroom.rendering import render
from pressroom.rendering.metadata import first_paragraph, json_ld_text, summarize

BASE = "https://example.org/press"
LANGS = ("en", "ur", "fa", "si")
ALT_TEXT = {"ur": "کان کنوں کے تابوت", "fa": "تابوت‌های معدنچیان", "si": "පතල් කම්කරුවන්ගේ මිනී පෙට්ටි"}
"""Native alt text of the article's image (segment 5), so every edition stays publishable."""
SETTINGS = (
    "[render]\n"
    f'base_url = "{BASE}/"\n'
    'site_name = "Test Press"\n'
    'logo = "render/logo.png"\n'
    'twitter_site = "testpress"\n'
)


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG of the given size (grey)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_site(
    root: Path, *, reviewed: tuple[str, ...] = ("ur", "fa", "si"), settings: str = SETTINGS
) -> Path:
    """The render fixture with an image after the text, a logo and ``[render]`` site settings."""
    article = ARTICLE + "\n![Miners' coffins](images/coffins.png)\n"
    make_project(root, reviewed=reviewed, article=article, overrides={(k, 5): v for k, v in ALT_TEXT.items()})
    (root / "source" / "images").mkdir()
    (root / "source" / "images" / "coffins.png").write_bytes(png(4, 3))
    (root / "render").mkdir()
    (root / "render" / "logo.png").write_bytes(png())
    with (root / "workflow.toml").open("a", encoding="utf-8") as handle:
        handle.write(settings)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One published site (every language reviewed), rendered once for the read-only tests."""
    root = make_site(tmp_path_factory.mktemp("site") / "press")
    report = render(load_project(root), formats=("html",))
    assert not report.blocked and not report.warnings, (report.blocked, report.warnings)
    return root / "build"


def url_of(out: Path, path: Path) -> str:
    return f"{BASE}/{path.relative_to(out).as_posix()}"


def head(page: Path) -> dict[str, Any]:
    """The metadata of a page as crawlers read it: canonical, robots, meta names and properties."""
    doc = parse(page)
    metas = attrs_of(doc, "meta")
    return {
        "canonical": [a["href"] for a in attrs_of(doc, "link", rel="canonical")],
        "hreflang": {
            a["hreflang"]: a["href"] for a in attrs_of(doc, "link", rel="alternate") if a.get("hreflang")
        },
        "feeds": [a for a in attrs_of(doc, "link", rel="alternate", type="application/atom+xml")],
        "names": {a["name"]: a["content"] for a in metas if a.get("name")},
        "properties": [(a["property"], a["content"]) for a in metas if a.get("property")],
        "json_ld": "application/ld+json" in page.read_text("utf-8"),
    }


def expanded_graph(out: Path, page: Path) -> list[dict[str, Any]]:
    """The page's JSON-LD as pyld reads it out of the HTML, expanded and flattened."""
    pages = {url_of(out, p): p.read_text("utf-8") for p in out.rglob("*.html")}
    loader = schemaorg().document_loader(pages)
    expanded = jsonld.expand(url_of(out, page), {"documentLoader": loader})
    flattened: list[dict[str, Any]] = jsonld.flatten(expanded)
    return flattened


S = "http://schema.org/"


def values(node: Mapping[str, Any], prop: str) -> list[Any]:
    return [v.get("@value", v.get("@id")) for v in node.get(S + prop, [])]


# --------------------------------------------------------------------------- JSON-LD


def test_every_published_article_has_valid_news_article_json_ld(site: Path) -> None:
    """Parses, validates against schema.org, carries the NewsArticle fields, links the translations."""
    articles: dict[str, dict[str, Any]] = {}
    for lang in LANGS:
        page = site / lang / "miners.html"
        graph = expanded_graph(site, page)
        assert schemaorg().check(graph) == [], lang
        nodes = {node["@id"]: node for node in graph}
        url = url_of(site, page)
        article = nodes[f"{url}#article"]
        assert article["@type"] == [S + "NewsArticle"]
        assert values(article, "url") == values(article, "mainEntityOfPage") == [url]
        assert head(page)["canonical"] == [url]
        (headline,) = values(article, "headline")
        assert headline == (
            TRANSLATIONS[lang][0] if lang != "en" else "Miners buried after a week of protests"
        )
        assert len(headline) <= 110
        assert values(article, "inLanguage") == [lang] == [attrs_of(parse(page), "html")[0]["lang"]]
        assert values(article, "datePublished") == ["2021-01-12"]
        (author,) = [nodes[i] for i in values(article, "author")]
        assert author["@type"] == [S + "Person"] and values(author, "name")[0]
        (publisher,) = [nodes[i] for i in values(article, "publisher")]
        assert values(publisher, "name") == ["Test Press"]
        (logo,) = [nodes[i] for i in values(publisher, "logo")]
        assert values(logo, "url") == [f"{BASE}/media/site-logo.png"]
        (image,) = values(article, "image")
        assert image.startswith(f"{BASE}/media/") and (site / image.removeprefix(BASE + "/")).is_file()
        assert values(article, "description")[0].startswith(
            TRANSLATIONS[lang][2][:20] if lang != "en" else "Eleven coal miners"
        )
        articles[lang] = article
    original = articles["en"]["@id"]
    translations = {articles[lang]["@id"] for lang in ("ur", "fa", "si")}
    assert set(values(articles["en"], "workTranslation")) == translations
    assert "translationOfWork" not in str(articles["en"])
    for lang in ("ur", "fa", "si"):
        assert values(articles[lang], "translationOfWork") == [original]


def test_schema_check_is_not_vacuous() -> None:
    """The vocabulary check rejects what schema.org rejects: unknown names, domains, ranges."""
    document = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": "https://example.org/a#article",
        "headline": "x",
        "translationOf": "https://example.org/b",  # not a property
        "datePublished": "12 January 2021",  # not a Date
        "author": {"@type": "Place", "name": "Quetta"},  # a Place cannot be an author
        "founder": {"@type": "Person", "name": "x"},  # Organization's, not an article's
        "about": {"@type": "NewsPaper", "name": "typo"},  # no such class
    }
    loader = schemaorg().document_loader({})
    graph = jsonld.flatten(jsonld.expand(document, {"documentLoader": loader}))
    problems = "\n".join(schemaorg().check(graph))
    for expected in (
        "translationOf is not a schema.org property",
        "datePublished: literal '12 January 2021'",
        "author: a {'Place'}",
        "founder does not apply to NewsArticle",
        "type NewsPaper is not a schema.org class",
    ):
        assert expected in problems, problems


def test_json_ld_cannot_close_its_script() -> None:
    text = json_ld_text({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script> & <!--"


# --------------------------------------------------------------------------- head fields


def test_article_head_has_canonical_description_open_graph_and_twitter(site: Path) -> None:
    page = site / "fa" / "miners.html"
    meta = head(page)
    url = f"{BASE}/fa/miners.html"
    assert meta["canonical"] == [url]
    first = TRANSLATIONS["fa"][2]
    assert meta["names"]["description"] == first == meta["names"]["twitter:description"]
    properties = dict(meta["properties"])
    assert properties["og:url"] == url
    assert properties["og:description"] == first
    assert properties["og:site_name"] == "Test Press"
    assert properties["og:type"] == "article"
    assert properties["og:title"] == TRANSLATIONS["fa"][0] == meta["names"]["twitter:title"]
    assert properties["article:published_time"] == "2021-01-12"
    image = properties["og:image"]
    assert image == meta["names"]["twitter:image"] and image.startswith(f"{BASE}/media/")
    assert image.endswith("-coffins.png") and (site / image.removeprefix(BASE + "/")).is_file()
    assert meta["names"]["twitter:card"] == "summary_large_image"
    assert meta["names"]["twitter:site"] == "@testpress"
    assert properties["og:locale"] == "fa_IR"
    alternates = sorted(v for k, v in meta["properties"] if k == "og:locale:alternate")
    assert alternates == ["en_US", "si_LK", "ur_PK"]
    assert set(meta["hreflang"]) == {"en", "ur", "fa", "si", "x-default"}
    assert "robots" not in meta["names"]


def test_first_paragraph_is_text_of_the_first_paragraph_with_words() -> None:
    from pressroom.rendering.markdown import make_markdown

    text = (
        "# Heading\n\n![alone](a.png)\n\nThe *first* [real](https://x.org) `words`\nwrap here.\n\nSecond.\n"
    )
    assert first_paragraph(make_markdown(), text) == "The first real words wrap here."
    long = "word " * 100
    cut = summarize(long.strip())
    assert len(cut) <= 200 and cut.endswith("word…")


def test_bilingual_page_is_canonical_to_its_translation_and_in_no_hreflang_set(site: Path) -> None:
    meta = head(site / "ur" / "miners.bilingual.html")
    assert meta["canonical"] == [f"{BASE}/ur/miners.html"]
    assert meta["hreflang"] == {}
    assert not meta["json_ld"]
    assert "robots" not in meta["names"]
    for lang in LANGS:
        hreflangs = head(site / lang / "miners.html")["hreflang"]
        assert not [href for href in hreflangs.values() if "bilingual" in href]


# --------------------------------------------------------------------------- feeds


def test_feeds_parse_and_list_published_editions_in_their_language(site: Path) -> None:
    for lang in LANGS:
        index = site / lang / "index.html"
        (link,) = head(index)["feeds"]
        feed_file = (index.parent / (link["href"] or "")).resolve()
        assert feed_file == (site / lang / "atom.xml").resolve()
        assert (link["title"] or "").startswith("Test Press — ")
        feed = feedparser.parse(feed_file.read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert feed.feed.language == lang
        assert feed.feed.title == link["title"]
        assert [x.href for x in feed.feed.links if x.rel == "self"] == [f"{BASE}/{lang}/atom.xml"]
        (entry,) = feed.entries
        assert entry.id == entry.link == f"{BASE}/{lang}/miners.html"
        page_title = attrs_of(parse(site / lang / "miners.html"), "meta", property="og:title")[0]["content"]
        assert entry.title == page_title
        first = TRANSLATIONS[lang][2] if lang != "en" else ARTICLE.split("\n\n")[1]
        assert entry.summary == first
        assert entry.published_parsed[:3] == (2021, 1, 12)
        assert entry.author == (TRANSLATIONS[lang][1] if lang != "en" else "Sampath Perera")
        assert entry.content[0].language == lang
    # the date as each edition prints it: Persian digits, Sinhala month name
    fa = feedparser.parse((site / "fa" / "atom.xml").read_bytes()).entries[0]
    assert "۲۰۲۱" in fa.content[0].value
    si = feedparser.parse((site / "si" / "atom.xml").read_bytes()).entries[0]
    assert "ජනවාරි" in si.content[0].value


# --------------------------------------------------------------------------- sitemap, robots.txt

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
XHTML_LINK_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xhtml"
           xmlns:x="http://www.w3.org/1999/xhtml" elementFormDefault="qualified">
  <xs:simpleType name="alternate">
    <xs:restriction base="xs:string"><xs:enumeration value="alternate"/></xs:restriction>
  </xs:simpleType>
  <xs:element name="link">
    <xs:complexType>
      <xs:attribute name="rel" type="x:alternate" use="required"/>
      <xs:attribute name="hreflang" type="xs:language" use="required"/>
      <xs:attribute name="href" type="xs:anyURI" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
IMPORT = '<xs:import namespace="{}" schemaLocation="{}"/>\n'


def sitemap_schema(tmp_path: Path) -> etree.XMLSchema:
    """sitemaps.org's XSD as published, plus the hreflang link Google documents for sitemaps."""
    (tmp_path / "xhtml-link.xsd").write_text(XHTML_LINK_XSD, encoding="utf-8")
    (tmp_path / "all.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
        + IMPORT.format(NS["s"], sitemap_xsd().as_uri())
        + IMPORT.format(NS["x"], (tmp_path / "xhtml-link.xsd").as_uri())
        + "</xs:schema>\n",
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(tmp_path / "all.xsd")))


def sitemap_entries(path: Path) -> dict[str, dict[str, str]]:
    """loc -> {hreflang: href} of a sitemap."""
    tree = etree.parse(str(path))
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in tree.getroot().findall("s:url", NS)
    }


def test_sitemap_validates_against_the_sitemaps_org_xsd_with_hreflang_sets(
    site: Path, tmp_path: Path
) -> None:
    schema = sitemap_schema(tmp_path)
    document = etree.parse(str(site / "sitemap.xml"))
    assert schema.validate(document), schema.error_log
    entries = sitemap_entries(site / "sitemap.xml")
    pages = {f"{BASE}/{lang}/{name}" for lang in LANGS for name in ("miners.html", "index.html")}
    assert set(entries) == pages
    for loc, alternates in entries.items():
        assert alternates[loc.split("/")[-2]] == loc  # names itself
        assert alternates["x-default"] == f"{BASE}/en/{loc.rsplit('/', 1)[1]}"
        assert set(alternates) == {*LANGS, "x-default"}
        for href in alternates.values():
            assert entries[href] == alternates  # every member names the same set: return links


def test_sitemap_schema_rejects_a_broken_sitemap(tmp_path: Path) -> None:
    """The oracle is not vacuous: a relative loc, a link without hreflang, an unknown element."""
    schema = sitemap_schema(tmp_path)
    urlset = f'<urlset xmlns="{NS["s"]}" xmlns:xhtml="{NS["x"]}"><url>{{}}</url></urlset>'
    good = '<loc>https://example.org/a</loc><xhtml:link rel="alternate" hreflang="x-default" href="/a"/>'
    assert schema.validate(etree.fromstring(urlset.format(good).encode()))
    for broken in (
        "<loc>en/a.html</loc>",
        '<loc>https://example.org/a</loc><xhtml:link rel="alternate" href="https://example.org/a"/>',
        "<loc>https://example.org/a</loc><priority>2</priority>",
        "<loc>https://example.org/a</loc><xhtml:meta/>",
    ):
        assert not schema.validate(etree.fromstring(urlset.format(broken).encode())), broken


def test_robots_txt_names_the_sitemap_and_allows_crawling(site: Path) -> None:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse((site / "robots.txt").read_text("utf-8").splitlines())
    assert parser.site_maps() == [f"{BASE}/sitemap.xml"]
    assert parser.can_fetch("Googlebot", f"{BASE}/ur/miners.html")


# --------------------------------------------------------------------------- drafts


def test_drafts_are_noindex_and_in_no_feed_sitemap_or_hreflang_set(tmp_path: Path) -> None:
    root = make_site(tmp_path / "press", reviewed=("fa", "si"))
    report = render(load_project(root), formats=("html",), include_drafts=True)
    assert report.drafts == (("ur", "miners"),)
    out = root / "build"
    for name in ("miners.html", "miners.bilingual.html", "index.html"):
        meta = head(out / "ur" / name)
        assert meta["names"]["robots"] == "noindex", name
        assert meta["canonical"] == [] and meta["hreflang"] == {} and not meta["json_ld"], name
    assert not feedparser.parse((out / "ur" / "atom.xml").read_bytes()).entries
    entries = sitemap_entries(out / "sitemap.xml")
    listed = " ".join([*entries, *(h for alts in entries.values() for h in alts.values())])
    assert "/ur/" not in listed and "/fa/miners.html" in listed
    for lang in ("en", "fa", "si"):
        page = out / lang / "miners.html"
        meta = head(page)
        assert "robots" not in meta["names"]
        assert set(meta["hreflang"]) == {"en", "fa", "si", "x-default"}
        assert "ur_PK" not in [v for k, v in meta["properties"] if k == "og:locale:alternate"]
        feed = feedparser.parse((out / lang / "atom.xml").read_bytes())
        assert [e.link for e in feed.entries] == [f"{BASE}/{lang}/miners.html"]
    english = {n["@id"]: n for n in expanded_graph(out, out / "en" / "miners.html")}
    linked = values(english[f"{BASE}/en/miners.html#article"], "workTranslation")
    assert sorted(linked) == [f"{BASE}/fa/miners.html#article", f"{BASE}/si/miners.html#article"]
    assert "ur" not in head(out / "en" / "index.html")["hreflang"]


# --------------------------------------------------------------------------- incremental, settings


def test_listings_are_redone_only_when_their_inputs_change(tmp_path: Path) -> None:
    root = make_site(tmp_path / "press")
    project = load_project(root)
    out = root / "build"
    first = render(project, formats=("html",))
    listings = {out / f"{lang}/atom.xml" for lang in LANGS} | {out / "sitemap.xml", out / "robots.txt"}
    assert listings <= set(first.written)
    second = render(project, formats=("html",))
    assert not second.written and listings <= set(second.skipped)
    po = root / "translations" / "ur" / "miners.po"
    po.write_text(po.read_text("utf-8").replace("گیارہ", "11"), encoding="utf-8")
    third = render(project, formats=("html",))
    assert out / "ur" / "atom.xml" in third.written
    assert "11 کوئلہ" in (out / "ur" / "atom.xml").read_text("utf-8")
    assert {out / "sitemap.xml", out / "robots.txt", out / "fa" / "atom.xml"} <= set(third.skipped)


def test_without_base_url_nothing_is_listed_and_old_listings_go(tmp_path: Path) -> None:
    root = make_site(tmp_path / "press")
    render(load_project(root), formats=("html",))
    assert (root / "build" / "sitemap.xml").exists()
    config = root / "workflow.toml"
    config.write_text(config.read_text("utf-8").replace(f'base_url = "{BASE}/"', 'base_url = ""'), "utf-8")
    report = render(load_project(root), formats=("html",))
    assert any("base_url is not set" in w for w in report.warnings)
    for rel in ("sitemap.xml", "robots.txt", "ur/atom.xml"):
        assert not (root / "build" / rel).exists() and root / "build" / rel in report.removed
    meta = head(root / "build" / "ur" / "miners.html")
    assert meta["canonical"] == ["miners.html"] and not meta["feeds"]
    assert "og:url" not in dict(meta["properties"]) and meta["json_ld"]


def test_bad_base_url_and_missing_logo_are_config_errors(tmp_path: Path) -> None:
    from pressroom.errors import ConfigError

    root = make_site(tmp_path / "a", settings='[render]\nbase_url = "example.org"\n')
    with pytest.raises(ConfigError, match="base_url"):
        render(load_project(root), langs=["en"], formats=("html",))
    root = make_site(tmp_path / "b", settings=f'[render]\nbase_url = "{BASE}"\nlogo = "nope.png"\n')
    with pytest.raises(ConfigError, match="logo"):
        render(load_project(root), langs=["en"], formats=("html",))


def test_defaults_document_every_site_setting() -> None:
    defaults = (REPO / "pressroom" / "defaults.toml").read_text("utf-8")
    for key in ("base_url", "site_name", "logo", "twitter_site"):
        assert f"\n{key} = " in defaults, key


def test_dates_in_feeds_come_from_articles_not_the_clock(site: Path) -> None:
    feed = feedparser.parse((site / "en" / "atom.xml").read_bytes())
    assert feed.feed.updated_parsed[:3] == (2021, 1, 12)
    assert datetime.date(*feed.entries[0].updated_parsed[:3]) == datetime.date(2021, 1, 12)
