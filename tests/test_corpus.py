"""Real-world corpus: Markdown documents from PyPI sdists through the whole workflow.

Six READMEs of well-known packages (tests/real_corpus.py: emoji, code blocks, tables,
raw HTML, reference links) become articles; extract writes their catalogs; every
entry gets an identity draft (msgstr = msgid, fuzzy) in Urdu, Persian and Sinhala;
render makes HTML of every document in every language (and the bilingual editions)
and PDFs of a rotating subset (each document in one target language, one bilingual),
which keeps the test near half a minute. Every page must render without a failure,
and what issue 10 asks for must hold on each.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from real_corpus import DOCUMENTS, as_article, load_documents, slug_of

from pressroom.catalog import extract, mark_unreviewed, read_catalog, write_catalog
from pressroom.project import load_project
from pressroom.rendering import RenderReport, render
from pressroom.site import update_site_catalogs

TARGETS = ("ur", "fa", "si")
LANGS = ("en", *TARGETS)
SLUGS = [slug_of(package, member) for package, _version, member, _why in DOCUMENTS]
PDF_LANG = {slug: TARGETS[index % len(TARGETS)] for index, slug in enumerate(SLUGS)}
"""The target language each document's PDF is made in (English PDFs of all, too)."""
BILINGUAL_PDF = ("fa", SLUGS[0])
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], list[RenderReport]]:
    root = tmp_path_factory.mktemp("corpus") / "press"
    (root / "source").mkdir(parents=True)
    (root / "workflow.toml").write_text(
        '[project]\nname = "Corpus"\n\n[render]\nembed_hosts = ["www.youtube-nocookie.com"]\n', "utf-8"
    )
    documents = dict(load_documents())
    for slug, markdown in documents.items():
        (root / "source" / f"{slug}.md").write_text(as_article(slug, markdown), "utf-8")
    project = load_project(root)
    update_site_catalogs(project)
    extract(project)
    for lang in TARGETS:
        for path in sorted((root / "translations" / lang).glob("*.po")):
            po = read_catalog(path)
            for entry in po:
                if entry.msgid and not entry.obsolete:
                    entry.msgstr = entry.msgid
                    mark_unreviewed(entry)
            write_catalog(path, po)
    options = {"include_drafts": True, "formats": ("pdf",), "jobs": 2}
    reports = [render(project, include_drafts=True, formats=("html",), bilingual=True, jobs=2)]
    for lang in LANGS:
        slugs = [slug for slug in SLUGS if lang == "en" or PDF_LANG[slug] == lang]
        reports.append(render(project, [lang], slugs, bilingual=False, **options))
    # One bilingual PDF (and its article): code and tables in two columns on paper.
    reports.append(render(project, [BILINGUAL_PDF[0]], [BILINGUAL_PDF[1]], bilingual=True, **options))
    return root / "build", documents, reports


class _Page(HTMLParser):
    """Tags (with attributes) and the text outside code, of a page's article body."""

    def __init__(self) -> None:
        super().__init__()
        self.in_body = 0
        self.in_code = 0
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ("class", "body") in attrs or self.in_body:
            self.in_body += tag not in ("br", "img", "hr", "wbr")
            self.tags.append((tag, dict(attrs)))
        if tag in ("pre", "code"):
            self.in_code += 1

    def handle_endtag(self, tag: str) -> None:
        if self.in_body and tag not in ("br", "img", "hr", "wbr"):
            self.in_body -= 1
        if tag in ("pre", "code") and self.in_code:
            self.in_code -= 1

    def handle_data(self, data: str) -> None:
        if self.in_body and not self.in_code:
            self.text.append(data)


def page_of(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    return page


def test_every_document_renders_in_every_language(
    corpus: tuple[Path, dict[str, str], list[RenderReport]], capsys: pytest.CaptureFixture[str]
) -> None:
    build, documents, reports = corpus
    failures = [failure.describe() for report in reports for failure in report.failures]
    assert failures == []
    html = [(s, lang) for s in documents for lang in LANGS if (build / lang / f"{s}.html").is_file()]
    bilingual = [
        (s, lang) for s in documents for lang in TARGETS if (build / lang / f"{s}.bilingual.html").is_file()
    ]
    pdfs = sorted(build.glob("*/*.pdf"))
    assert len(html) == len(documents) * len(LANGS) and len(bilingual) == len(documents) * len(TARGETS)
    assert len(pdfs) == 2 * len(documents) + 2
    with capsys.disabled():
        print(
            f"\ncorpus: {len(documents)} documents x {len(LANGS)} languages = {len(html)} HTML pages, "
            f"{len(bilingual)} bilingual, {len(pdfs)} PDFs, {len(failures)} failures"
        )


def test_msgids_have_no_soft_line_breaks(corpus: tuple[Path, dict[str, str], list[RenderReport]]) -> None:
    build, documents, _ = corpus
    for slug in documents:
        for entry in read_catalog(build.parent / "translations" / "templates" / f"{slug}.pot"):
            for line in entry.msgid.split("\n")[:-1]:
                assert line.endswith(("  ", "\\")), (slug, entry.msgid)


def test_pages_hold_no_script_handler_or_raw_tag_text(
    corpus: tuple[Path, dict[str, str], list[RenderReport]],
) -> None:
    build, documents, _ = corpus
    for slug in documents:
        for lang in LANGS:
            page = page_of(build / lang / f"{slug}.html")
            for tag, attrs in page.tags:
                assert tag not in ("script", "style", "form", "input", "object"), (slug, lang, tag)
                assert not [name for name in attrs if name.startswith("on")], (slug, lang, tag, attrs)
                for name in ("href", "src"):
                    assert not (attrs.get(name) or "").lower().startswith(("javascript:", "data:"))
                if tag == "iframe":
                    assert (attrs.get("src") or "").startswith("https://www.youtube-nocookie.com/")
            # Raw HTML is markup or gone, never printed as text.
            text = "".join(page.text)
            raw_tag = re.search(r"<(p|div|img|a|details|summary|picture|source|br|h\d)[\s>]", text)
            assert not raw_tag, (slug, lang, raw_tag)


def test_code_and_untranslated_text_read_left_to_right(
    corpus: tuple[Path, dict[str, str], list[RenderReport]],
) -> None:
    build, documents, _ = corpus
    for slug in documents:
        for lang in ("ur", "fa"):
            tags = page_of(build / lang / f"{slug}.html").tags
            code = [attrs for tag, attrs in tags if tag in ("pre", "code")]
            assert code and all(attrs.get("dir") == "ltr" for attrs in code), (slug, lang)
            # Identity drafts: every paragraph is a copy of the English, so one English unit.
            english = [a for t, a in tags if t in ("p", "h1", "h2", "h3") and a.get("lang") == "en"]
            assert english and all(a.get("dir") == "ltr" for a in english), (slug, lang)


def _normalized(path: Path) -> list[tuple[str, tuple[tuple[str, str | None], ...]] | str]:
    """The body without the reader's language: no lang/dir, no spans they add, Western digits."""
    page = page_of(path)
    digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹٬٫٪", "0123456789,.%")
    shape: list[tuple[str, tuple[tuple[str, str | None], ...]] | str] = [
        (tag, tuple((k, v) for k, v in attrs.items() if k not in ("lang", "dir", "style")))
        for tag, attrs in page.tags
        if not (tag == "span" and set(attrs) == {"lang", "dir"})
    ]
    shape.append(" ".join("".join(page.text).translate(digits).split()))
    return shape


Corpus = tuple[Path, dict[str, str], list[RenderReport]]


def test_identity_drafts_render_the_same_article(corpus: Corpus) -> None:
    """Every msgstr a copy of its msgid: each translated page holds the English article."""
    build, documents, _ = corpus
    for slug in documents:
        english = _normalized(build / "en" / f"{slug}.html")
        for lang in TARGETS:
            assert _normalized(build / lang / f"{slug}.html") == english, (slug, lang)


def test_emoji_are_covered_and_pdfs_hold_the_code(corpus: Corpus) -> None:
    build, documents, reports = corpus
    font_warnings = " ".join(w for report in reports for w in report.warnings if "font" in w)
    emoji = {char for text in documents.values() for char in EMOJI.findall(text)}
    assert emoji and not [char for char in emoji if char in font_warnings]
    for slug, markdown in documents.items():
        fence = re.search(r"^```[^\n]*\n([ -~]{8,60})\n", markdown, re.M)
        for lang in ("en", PDF_LANG[slug]):
            pdf = build / lang / f"{slug}.pdf"
            text = subprocess.run(
                ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
            ).stdout.decode("utf-8")
            if fence:  # the first line of the first code block, left to right
                assert fence.group(1).strip() in text, (slug, lang, fence.group(1))
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
            assert " no " not in fonts.split("\n", 2)[2].replace("no  no", ""), fonts  # all embedded
