"""HTML rendering: structure (lang, dir, hreflang), the publishing gate, hostile msgstrs, Chromium."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from conftest import REPO, CliResult

from pressroom.catalog import mark_unreviewed, write_catalog
from pressroom.project import load_project
from pressroom.rendering import render, wrap_latin_runs
from pressroom.site import update_site_catalogs

FIXTURE = json.loads((REPO / "tests" / "data" / "render" / "fixture.json").read_text("utf-8"))
ARTICLE: str = FIXTURE["article"]
TRANSLATIONS: Mapping[str, list[str]] = FIXTURE["translations"]
"""Title, byline and three paragraphs per language: short real sentences, hand-written."""
SITE_STRINGS = json.loads((REPO / "tests" / "data" / "render" / "site_strings.json").read_text("utf-8"))


def write_po(
    root: Path, lang: str, slug: str, entries: list[tuple[str | None, str, str]], *, fuzzy: bool
) -> Path:
    project = load_project(root)
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": slug,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Language": lang,
        "Plural-Forms": project.languages[lang].plural_forms,
    }
    for context, msgid, msgstr in entries:
        entry = polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr)
        if fuzzy and msgstr:
            mark_unreviewed(entry)
        elif lang != "en" and re.search("[A-Za-z]", msgstr):
            # The fixtures keep some English names in Latin on purpose (to test bidi
            # wrapping); a reviewer who means it silences the script check.
            entry.tcomment = "noqa: wrong-script"
        po.append(entry)
    path = project.po_path(lang, slug)
    write_catalog(path, po)
    return path


def make_project(
    root: Path,
    *,
    reviewed: tuple[str, ...] = ("ur", "fa", "si"),
    overrides: Mapping[tuple[str, int], str] | None = None,
    article: str = ARTICLE,
) -> Path:
    """A content root with one short article translated into ur, fa and si.

    Languages in ``reviewed`` have plain translations; the others are fuzzy
    unreviewed drafts. ``overrides`` replaces the msgstr of (lang, segment index).
    """
    from pressroom.segment import iter_segments
    from pressroom.source import read_article

    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "translations").mkdir(exist_ok=True)
    source = root / "source" / "miners.md"
    source.write_text(article, encoding="utf-8")
    (root / "workflow.toml").write_text('[project]\nname = "Test press"\n', encoding="utf-8")
    segments = iter_segments(read_article(source))
    project = load_project(root)
    update_site_catalogs(project)
    for lang, texts in TRANSLATIONS.items():
        entries = []
        for index, segment in enumerate(segments):
            text = (overrides or {}).get((lang, index), texts[index] if index < len(texts) else "")
            entries.append((segment.context, segment.text, text))
        write_po(root, lang, "miners", entries, fuzzy=lang not in reviewed)
        site: list[tuple[str | None, str, str]] = [
            (None, msgid, SITE_STRINGS[lang][msgid]) for msgid in SITE_STRINGS[lang]
        ]
        write_po(root, lang, "site", site, fuzzy=lang not in reviewed)
    return root


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Collect:
    collector = _Collect()
    collector.feed(path.read_text("utf-8"))
    return collector


def attrs_of(doc: _Collect, tag: str, **match: str) -> list[dict[str, str | None]]:
    return [a for t, a in doc.tags if t == tag and all(a.get(k) == v for k, v in match.items())]


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "press")


def test_pages_have_lang_dir_hreflang_and_og_locale(project_dir: Path) -> None:
    report = render(load_project(project_dir), formats=("html",))
    out = project_dir / "build"
    assert not report.blocked
    expected = {"en": "ltr", "ur": "rtl", "fa": "rtl", "si": "ltr"}
    for lang, direction in expected.items():
        doc = parse(out / lang / "miners.html")
        html_attrs = attrs_of(doc, "html")[0]
        assert (html_attrs["lang"], html_attrs["dir"]) == (lang, direction)
        hreflangs = {a["hreflang"]: a["href"] for a in attrs_of(doc, "link", rel="alternate")}
        assert set(hreflangs) == {"en", "ur", "fa", "si", "x-default"}
        assert hreflangs[lang] == "miners.html"  # itself
        assert hreflangs["x-default"] == ("miners.html" if lang == "en" else "../en/miners.html")
        og = {a["property"]: a["content"] for a in attrs_of(doc, "meta") if a.get("property") == "og:locale"}
        assert og["og:locale"] == {"en": "en_US", "ur": "ur_PK", "fa": "fa_IR", "si": "si_LK"}[lang]
        alternates = [a["content"] for a in attrs_of(doc, "meta", property="og:locale:alternate")]
        assert len(alternates) == 3
        switcher = [a for a in attrs_of(doc, "a") if a.get("hreflang")]
        assert {a["hreflang"] for a in switcher} >= set(expected) - {lang}
        assert (out / lang / "index.html").exists()
    urdu = (out / "ur" / "miners.html").read_text("utf-8")
    assert "ہفتہ بھر کے احتجاج" in urdu
    assert "انگریزی سے ترجمہ" in urdu  # site string from site.po
    assert "Translated from English" not in urdu


def test_no_request_to_another_host(project_dir: Path) -> None:
    """Stylesheets, fonts and scripts are all local: no src/href to http(s) but plain links."""
    render(load_project(project_dir), formats=("html",))
    out = project_dir / "build"
    for page in out.rglob("*.html"):
        doc = parse(page)
        for tag, attrs in doc.tags:
            if tag == "a":
                continue
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                assert not re.match(r"^(https?:)?//", value), (page, tag, value)
    for css in (out / "css").glob("*.css"):
        for url in re.findall(r"url\(([^)]*)\)", css.read_text("utf-8")):
            assert not re.match(r"^[\"']?(https?:)?//", url), (css, url)
            target = (css.parent / url.strip("\"'")).resolve()
            assert target.is_file() and target.is_relative_to(out.resolve())


def test_bilingual_pairs_each_side_with_own_lang_and_dir(project_dir: Path) -> None:
    render(load_project(project_dir), langs=["ur"], formats=("html",), bilingual=True)
    doc = parse(project_dir / "build" / "ur" / "miners.bilingual.html")
    cells = attrs_of(doc, "td")
    assert len(cells) == 2 * (1 + 3)  # headline row + three paragraphs
    assert [(c["lang"], c["dir"]) for c in cells[:2]] == [("en", "ltr"), ("ur", "rtl")]
    text = "".join(doc.text)
    assert "Prime Minister Imran Khan" in text and "وزیر اعظم عمران خان" in text


def test_latin_runs_in_rtl_text_are_wrapped_once(project_dir: Path) -> None:
    render(load_project(project_dir), langs=["ur"], formats=("html",))
    page = (project_dir / "build" / "ur" / "miners.html").read_text("utf-8")
    assert (
        '<span lang="en" dir="ltr">Socialist Equality Party</span> (<span lang="en" dir="ltr">SEP</span>)'
        in page
    )
    # attributes and URLs are never touched
    assert 'href="../en/miners.html"' in page
    assert "<title>ہفتہ بھر کے احتجاج کے بعد کان کنوں کی تدفین</title>" in page


def test_wrap_latin_runs_touches_text_nodes_only() -> None:
    source = (
        '<p lang="fa" title="WSWS title">حزب WSWS.org و Imran Khan &amp; co '
        '<a href="https://wsws.org/x">پیوند</a> <code>x = 1</code></p><p lang="en">Plain English</p>'
    )
    wrapped = wrap_latin_runs(source)
    assert 'title="WSWS title"' in wrapped and 'href="https://wsws.org/x"' in wrapped
    assert '<span lang="en" dir="ltr">WSWS.org</span>' in wrapped
    assert '<span lang="en" dir="ltr">Imran Khan &amp; co</span>' in wrapped
    assert "<code>x = 1</code>" in wrapped
    assert '<p lang="en">Plain English</p>' in wrapped


HOSTILE = [
    '<script>alert("x")</script> متن',
    "[پیوند](javascript:alert(1)) و [دیگر](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<img src=x onerror=alert(1)> ![تصویر](https://evil.example/x.png)",
]


def test_hostile_msgstr_is_inert(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "press",
        overrides={
            ("fa", 2): HOSTILE[0],
            ("fa", 3): HOSTILE[1],
            ("fa", 4): HOSTILE[2],
            ("fa", 0): "<b>عنوان</b>",
        },
    )
    # Review keeps such a catalog from publication; render it as a draft to check that
    # the payloads are inert even then.
    report = render(load_project(root), langs=["fa"], formats=("html",), include_drafts=True)
    assert report.drafts == (("fa", "miners"),)
    page = (root / "build" / "fa" / "miners.html").read_text("utf-8")
    doc = parse(root / "build" / "fa" / "miners.html")
    assert not attrs_of(doc, "script")
    text = "".join(doc.text)
    # Escaped at the line start, so shown as text; the closing tag is inline HTML the sanitizer drops.
    # (Its quotes are set as Persian sets them.)
    assert '<script>alert(«x»)' in text
    hrefs = [a.get("href") or "" for a in attrs_of(doc, "a")]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert "(javascript:alert(1))" in text  # shown as text, not a link
    assert not [a for t, a in doc.tags if any(k.startswith("on") for k in a)]
    assert not [a for a in attrs_of(doc, "img") if "evil.example" in (a.get("src") or "")]
    assert any("remote image https://evil.example/x.png not fetched" in w for w in report.warnings)
    assert "<title>&lt;b&gt;عنوان&lt;/b&gt;</title>" in page  # the title is text, escaped by jinja2


def test_gate_blocks_unreviewed_language_and_names_entries(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press", reviewed=("fa", "si"))
    report = render(load_project(root), formats=("html",))
    assert [(b.lang, b.slug) for b in report.blocked] == [("ur", "miners")]
    blocked = report.blocked[0]
    assert {b.reason for b in blocked.blockers} == {"fuzzy"}
    first = blocked.blockers[0]
    assert first.line is not None and first.path.name in {"miners.po", "site.po"}
    text = first.path.read_text("utf-8").splitlines()
    assert text[first.line - 1].startswith("msgid ")
    assert "#, fuzzy" in text[first.line - 3 : first.line - 1]
    assert not (root / "build" / "ur" / "miners.html").exists()
    doc = parse(root / "build" / "fa" / "miners.html")
    assert "ur" not in {a["hreflang"] for a in attrs_of(doc, "link", rel="alternate")}
    assert "draft-banner" not in (root / "build" / "fa" / "miners.html").read_text("utf-8")


def test_review_errors_block_a_complete_catalog(tmp_path: Path) -> None:
    """A translated, reviewed-looking catalog still is not published with a misspelt name."""
    root = make_project(
        tmp_path / "press",
        overrides={("ur", 4): "وزیر اعظم عمران خاں نے کوٹہ میں متاثرہ خاندانوں سے ملاقات کی۔"},
    )
    (root / "glossary.csv").write_text(
        "english,acronym,kind,case_sensitive,ur,fa,si,note\n"
        "Quetta,,place,no,کوئٹہ,کویته,ක්වෙටා,\n",
        encoding="utf-8",
    )
    report = render(load_project(root), formats=("html",))
    assert [(b.lang, b.slug) for b in report.blocked] == [("ur", "miners")]
    (blocker,) = report.blocked[0].blockers
    assert blocker.reason == "review: glossary-term"
    assert blocker.path.name == "miners.po" and blocker.line is not None
    assert not (root / "build" / "ur" / "miners.html").exists()
    assert (root / "build" / "fa" / "miners.html").exists()  # spelt right: published


def test_drafts_render_marked_on_every_page(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press", reviewed=())
    report = render(load_project(root), formats=("html",), include_drafts=True)
    assert not report.blocked
    assert sorted(report.drafts) == [("fa", "miners"), ("si", "miners"), ("ur", "miners")]
    for lang in ("ur", "fa", "si"):
        for name in ("miners.html", "miners.bilingual.html", "index.html"):
            page = (root / "build" / lang / name).read_text("utf-8")
            assert 'class="draft-banner"' in page, (lang, name)
    assert "draft-banner" not in (root / "build" / "en" / "miners.html").read_text("utf-8")


def test_untranslated_entry_blocks_with_line(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press", overrides={("si", 3): ""})
    report = render(load_project(root), langs=["si"], formats=("html",))
    (blocked,) = report.blocked
    (blocker,) = blocked.blockers
    assert blocker.reason == "untranslated"
    assert blocker.msgid.startswith("The Socialist Equality Party")
    lines = blocker.path.read_text("utf-8").splitlines()
    assert blocker.line is not None and lines[blocker.line - 1].startswith("msgid ")
    assert "The Socialist Equality" in "".join(lines[blocker.line - 1 : blocker.line + 1])
    assert "1 entry blocks publication" in blocked.describe()


def test_dates_are_localised(project_dir: Path) -> None:
    render(load_project(project_dir), formats=("html",))
    fa = (project_dir / "build" / "fa" / "miners.html").read_text("utf-8")
    assert '<time datetime="2021-01-12">' in fa
    assert "۲۰۲۱" in fa and "۱۲" in fa  # Persian digits
    si = (project_dir / "build" / "si" / "miners.html").read_text("utf-8")
    assert "2021" in si and "ජනවාරි" in si


def test_rerun_with_nothing_changed_writes_nothing(project_dir: Path) -> None:
    project = load_project(project_dir)
    first = render(project, formats=("html",))
    assert first.written
    second = render(project, formats=("html",))
    assert not second.written
    assert len(second.skipped) == len([p for p in first.written if p.suffix == ".html"])
    # a changed catalog redoes that language's pages (and the index), nothing else
    po = project_dir / "translations" / "si" / "miners.po"
    po.write_text(po.read_text("utf-8").replace("හමුවිය.", "හමු විය."), encoding="utf-8")
    third = render(project, formats=("html",))
    assert {p.parent.name for p in third.written} == {"si"}
    assert {p.name for p in third.written} == {"miners.html", "miners.bilingual.html", "index.html"}


def test_cli_render_reports_blocked_language(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    root = make_project(tmp_path / "press", reviewed=("fa", "si"))
    result = run_cli("--project", root, "render", "--format", "html", "--lang", "ur")
    assert result.code == 1
    assert "not published: ur/miners" in result.err and "fuzzy" in result.err
    result = run_cli("--project", root, "render", "--format", "html", "--lang", "ur", "--drafts")
    assert result.code == 0, result.err
    assert "unreviewed draft" in result.err
    assert (root / "build" / "ur" / "miners.html").exists()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _png_distinct_rows(path: Path) -> int:
    """How many distinct scanlines the (8-bit RGB/RGBA, non-interlaced) PNG has."""
    data = path.read_bytes()
    pos, idat = 8, b""
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    _width, height = _png_size(path)
    stride = len(raw) // height
    return len({raw[i * stride + 1 : (i + 1) * stride] for i in range(height)})


def test_chromium_renders_the_urdu_page(project_dir: Path, tmp_path: Path) -> None:
    render(load_project(project_dir), langs=["ur"], formats=("html",))
    page = project_dir / "build" / "ur" / "miners.html"
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--hide-scrollbars",
            "--window-size=800,900",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=90,
    )
    assert shot.exists()
    assert _png_size(shot) == (800, 900)
    assert _png_distinct_rows(shot) > 100  # text, not a blank page


def test_packaged_templates_used_when_project_has_none(project_dir: Path) -> None:
    assert not (project_dir / "render").exists()
    render(load_project(project_dir), langs=["en"], formats=("html",))
    assert (project_dir / "build" / "css" / "site.css").read_bytes() == (
        REPO / "pressroom/render/css/site.css"
    ).read_bytes()


def test_project_templates_override_packaged(project_dir: Path) -> None:
    shutil.copytree(REPO / "pressroom" / "render", project_dir / "render")
    css = project_dir / "render" / "css" / "site.css"
    css.write_text(css.read_text("utf-8") + "\n/* local change */\n", encoding="utf-8")
    render(load_project(project_dir), langs=["en"], formats=("html",))
    assert "local change" in (project_dir / "build" / "css" / "site.css").read_text("utf-8")


def test_pages_of_an_edition_no_longer_published_are_removed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press", reviewed=("fa", "si"))
    project = load_project(root)
    render(project, formats=("html",), include_drafts=True)
    draft = root / "build" / "ur" / "miners.html"
    assert draft.exists()
    (root / "build" / "ur" / "keep.html").write_text("not ours", encoding="utf-8")
    report = render(project, formats=("html",))
    assert draft in report.removed and not draft.exists()
    assert (root / "build" / "ur" / "keep.html").exists()
    assert "miners.html" not in (root / "build" / "ur" / "index.html").read_text("utf-8")


def test_local_image_copied_and_remote_image_not_fetched(tmp_path: Path) -> None:
    article = ARTICLE + "\n![Miners' coffins](images/coffins.png)\n\n![Remote](https://example.com/r.png)\n"
    root = make_project(tmp_path / "press", article=article)
    (root / "source" / "images").mkdir()
    (root / "source" / "images" / "coffins.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    report = render(load_project(root), langs=["en"], formats=("html",))
    doc = parse(root / "build" / "en" / "miners.html")
    (image,) = attrs_of(doc, "img")
    src = image["src"] or ""
    assert src.startswith("../media/") and (root / "build" / "en" / src).resolve().is_file()
    assert any("remote image https://example.com/r.png not fetched" in w for w in report.warnings)


def test_base_url_makes_hreflang_absolute_and_assets_stay_local(project_dir: Path) -> None:
    with (project_dir / "workflow.toml").open("a", encoding="utf-8") as handle:
        handle.write('[render]\nbase_url = "https://example.org/press/"\n')
    render(load_project(project_dir), langs=["fa"], formats=("html",))
    doc = parse(project_dir / "build" / "fa" / "miners.html")
    links = attrs_of(doc, "link", rel="alternate")
    hreflangs = {a["hreflang"]: a["href"] for a in links if a.get("hreflang")}
    assert hreflangs["fa"] == "https://example.org/press/fa/miners.html"
    assert hreflangs["x-default"] == "https://example.org/press/en/miners.html"
    sheets = [a["href"] or "" for a in attrs_of(doc, "link", rel="stylesheet")]
    assert sheets and all(href.startswith("../css/") for href in sheets)


def test_two_renders_at_once_both_succeed(sample_project: Path) -> None:
    """Two processes writing the same build folder: unique temporary names, no crash."""
    command = [sys.executable, str(REPO / "workflow.py"), "--project", str(sample_project), "-q",
               "render", "--drafts", "--format", "html", "--force"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        _out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    assert (sample_project / "build" / "fonts").is_dir()
    assert not list((sample_project / "build").rglob("*.tmp"))


HOSTILE_SVG = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20"
     onload="document.title='ran'">
  <style>@import url(https://evil.example/x.css); rect { fill: red }</style>
  <script>document.documentElement.setAttribute('data-ran', 'yes')</script>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <a xlink:href="javascript:alert(1)"><rect id="r" width="40" height="20" style="fill: url(https://evil.example/f)"/></a>
  <use href="#r" onclick="alert(2)"/>
  <image href="https://evil.example/pixel.png" width="1" height="1"/>
  <text x="2" y="15">Quetta</text>
</svg>
"""


def test_svg_images_are_published_without_anything_that_runs_or_loads(tmp_path: Path) -> None:
    article = ARTICLE + "\n![Map](images/map.svg)\n"
    root = make_project(tmp_path / "press", article=article)
    (root / "source" / "images").mkdir()
    (root / "source" / "images" / "map.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    render(load_project(root), langs=["en"], formats=("html",))
    (published,) = (root / "build" / "media").glob("*.svg")
    text = published.read_text("utf-8")
    payloads = ("<script", "onload", "onclick", "foreignObject", "javascript:", "evil.example", "@import")
    for payload in payloads:
        assert payload not in text, payload
    assert "Quetta" in text and 'href="#r"' in text  # the drawing itself survives
    # Opened directly in a browser, nothing runs.
    dom = subprocess.run(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", f"--user-data-dir={tmp_path / 'chromium'}",
         "--dump-dom", published.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    assert "Quetta" in dom and "data-ran" not in dom


def test_a_broken_svg_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    article = ARTICLE + "\n![Map](images/map.svg)\n"
    root = make_project(tmp_path / "press", article=article)
    (root / "source" / "images").mkdir()
    (root / "source" / "images" / "map.svg").write_text("<svg><g></svg>", encoding="utf-8")
    # The page fails with its own message; the render goes on (tests/test_render_faults.py).
    report = render(load_project(root), langs=["en"], formats=("html",))
    assert [failure.page for failure in report.failures] == ["en/miners.html"]
    cause = report.failures[0].cause
    assert cause.startswith("source/images/map.svg") and "well-formed" in cause
