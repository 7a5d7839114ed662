"""Real articles: code, raw HTML, embeds, emoji, numbers and untranslated text in RTL pages.

One article with all of it (tests/showcase.py) drafted in Persian and Urdu, rendered
once to HTML and PDF; the checks read the HTML, the PDF text in content order
(``pdftotext -raw``) and the layout Chromium computes.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import pdftext
from showcase import EMBED, SLUG, TRANSLATIONS, UNTRANSLATED, make_showcase

from pressroom.project import load_project
from pressroom.rendering import RenderReport, render
from pressroom.rendering.sanitize import sanitize_html

CHROMIUM = Path("/usr/bin/chromium")
UNTRANSLATED_TEXT = (
    "This paragraph was left untranslated: it was wrapped at seventy-two columns in the source, "
    "and it must read left to right as one unit, with its full stop at the end."
)


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RenderReport]:
    root = make_showcase(tmp_path_factory.mktemp("real") / "showcase")
    report = render(load_project(root), include_drafts=True)
    return root / "build", report


class _Elements(HTMLParser):
    """Every element with its attributes and its text, nested text included."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text: list[str] = []
        self.elements.append((tag, dict(attrs), text))
        if tag not in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            self.open.append(text)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for text in self.open:
            text.append(data)


def elements(path: Path) -> list[tuple[str, dict[str, str | None], str]]:
    parser = _Elements()
    parser.feed(path.read_text("utf-8"))
    return [(tag, attrs, "".join(text)) for tag, attrs, text in parser.elements]




def test_every_page_renders_without_failure_or_warning(showcase: tuple[Path, RenderReport]) -> None:
    build, report = showcase
    assert not report.failures
    # Emoji, symbols and the rest are covered by the fallback chain: nothing to warn about.
    assert not [w for w in report.warnings if "font" in w], report.warnings
    for lang in ("en", "fa", "ur"):
        assert (build / lang / f"{SLUG}.html").is_file() and (build / lang / f"{SLUG}.pdf").is_file()


@pytest.mark.parametrize("lang", ["fa", "ur"])
def test_code_is_isolated_left_to_right(showcase: tuple[Path, RenderReport], lang: str) -> None:
    build, _ = showcase
    found = elements(build / lang / f"{SLUG}.html")
    pres = [attrs for tag, attrs, _ in found if tag == "pre"]
    codes = [(attrs, text) for tag, attrs, text in found if tag == "code"]
    assert pres and all(attrs.get("dir") == "ltr" for attrs in pres)
    assert {"count.py --help", "signatures.csv"} <= {text for _, text in codes}
    assert all(attrs.get("dir") == "ltr" for attrs, _ in codes)
    text = pdftext(build / lang / f"{SLUG}.pdf", raw=True)
    assert "$ python count.py signatures.csv\nCounted 18,500 signatures (3.5% from Karachi)!" in text
    css = (build / "css" / "content.css").read_text("utf-8")
    assert "pre, code, kbd, samp { direction: ltr; text-align: left; }" in css
    assert "@media screen { pre, code, kbd, samp { unicode-bidi: isolate; } }" in css


@pytest.mark.parametrize("lang", ["fa", "ur"])
def test_untranslated_paragraph_is_one_english_unit(showcase: tuple[Path, RenderReport], lang: str) -> None:
    """Hard-wrapped over three lines in the source, left untranslated: one lang=en dir=ltr element."""
    build, _ = showcase
    assert TRANSLATIONS[lang][UNTRANSLATED] == ""
    found = elements(build / lang / f"{SLUG}.html")
    holders = [(tag, attrs) for tag, attrs, text in found if " ".join(text.split()) == UNTRANSLATED_TEXT]
    assert holders[0] == ("p", {"lang": "en", "dir": "ltr"})
    # No element inside it: the Latin-run wrapper leaves a source-language element alone.
    inside = [tag for tag, _attrs, text in found if "seventy-two" in text]
    assert inside == ["html", "body", "main", "article", "div", "p"]
    text = pdftext(build / lang / f"{SLUG}.pdf", raw=True)
    assert " ".join(text.split()).count(UNTRANSLATED_TEXT) == 1


@pytest.mark.parametrize("lang", ["fa", "ur"])
def test_untranslated_site_string_is_one_english_unit(showcase: tuple[Path, RenderReport], lang: str) -> None:
    """The footer's string has no translation in the sample's site.po: one span, its link inside."""
    build, _ = showcase
    page = (build / lang / f"{SLUG}.html").read_text("utf-8")
    footer = page[page.index('<footer class="site-footer">') :]
    contact = footer[footer.index('<p class="contact">') : footer.index("</p>")]
    assert contact.startswith('<p class="contact"><span lang="en" dir="ltr">To contact the WSWS')
    assert contact.endswith("wsws.org/contact</a></span>")
    assert "\ufdd0" not in page and "\ufdd1" not in page


def test_untranslated_site_string_marks(tmp_path: Path) -> None:
    from pressroom.rendering.bidi import mark_untranslated, wrap_latin_runs

    page = (
        f'<html lang="fa" dir="rtl"><head><title>{mark_untranslated("Articles")}</title></head><body>'
        f'<nav aria-label="{mark_untranslated("Site")}">{mark_untranslated("All articles.")}</nav>'
        f'<p>{mark_untranslated("Visit: <a href=x>wsws.org</a>.")} متن</p></body></html>'
    )
    out = wrap_latin_runs(page)
    assert "<title>Articles</title>" in out
    assert '<nav aria-label="Site"><span lang="en" dir="ltr">All articles.</span></nav>' in out
    assert '<p><span lang="en" dir="ltr">Visit: <a href=x>wsws.org</a>.</span> متن</p>' in out
    english = '<html lang="en"><body><p>' + mark_untranslated("Plain.") + "</p></body></html>"
    assert wrap_latin_runs(english) == '<html lang="en"><body><p>Plain.</p></body></html>'


@pytest.mark.parametrize("lang", ["fa", "ur"])
def test_raw_html_kept_translated_and_cleaned(showcase: tuple[Path, RenderReport], lang: str) -> None:
    build, _ = showcase
    page = build / lang / f"{SLUG}.html"
    found = elements(page)
    tags = [tag for tag, _, _ in found]
    assert "script" not in tags and 'alert("x")' not in page.read_text("utf-8")
    assert not [attrs for _, attrs, _ in found if any(name.startswith("on") for name in attrs)]
    summary = next(text for tag, _, text in found if tag == "summary")
    aside = next(text for tag, _, text in found if tag == "aside")
    assert summary == TRANSLATIONS[lang][16]
    assert aside.strip() == TRANSLATIONS[lang][18]
    iframe = next(attrs for tag, attrs, _ in found if tag == "iframe")
    assert iframe["src"] == EMBED and iframe["title"] == TRANSLATIONS[lang][15]
    assert "allow-scripts" in (iframe.get("sandbox") or "")
    caption = next(text for tag, attrs, text in found if attrs.get("class") == "embed-link")
    assert caption == f"{TRANSLATIONS[lang][15]} {EMBED}"
    # In the PDF the embed is its caption and link.
    text = pdftext(build / lang / f"{SLUG}.pdf", raw=True)
    assert EMBED in text and TRANSLATIONS[lang][15].split(":")[0] in text
    # The English page keeps the same structure, in English.
    english = elements(build / "en" / f"{SLUG}.html")
    assert next(text for tag, _, text in english if tag == "summary") == "Where the figures come from"


def test_no_english_left_in_a_translated_page_but_the_untranslated_unit(
    showcase: tuple[Path, RenderReport],
) -> None:
    """Every Latin word of the Persian article is code, a URL, the link to the original or the
    one paragraph left untranslated: the texts inside kept HTML were offered and translated."""
    build, _ = showcase
    found = elements(build / "fa" / f"{SLUG}.html")
    article = next(text for tag, _, text in found if tag == "article")
    for tag, attrs, text in found:
        if (
            tag in ("pre", "code")
            or (tag == "a" and text.startswith("https://"))
            or (tag == "p" and attrs.get("lang") == "en")
            or attrs.get("class") == "translated-from"
        ):
            article = article.replace(text, " ")
    assert not re.findall(r"[A-Za-z]{2,}", article)


def test_numbers_in_the_readers_digits(showcase: tuple[Path, RenderReport]) -> None:
    build, _ = showcase
    cells = {
        lang: [text for tag, _, text in elements(build / lang / f"{SLUG}.html") if tag == "td"]
        for lang in ("fa", "ur")
    }
    assert cells["fa"] == ["کویته", "۱۲٬۴۰۰", "۶۷٫۰", "کراچی", "۶٬۱۰۰", "۳۳٫۰"]
    assert cells["ur"] == ["کوئٹہ", "12,400", "67.0", "کراچی", "6,100", "33.0"]  # ur: numbering = latn
    css = (build / "css" / "content.css").read_text("utf-8")
    assert "ol:lang(fa) { list-style-type: persian; }" in css
    assert "ol:lang(ur)" not in css
    fa_text = pdftext(build / "fa" / f"{SLUG}.pdf", raw=True)
    assert "۱۲٬۴۰۰" in fa_text and "۶۷٫۰" in fa_text
    # List markers, each drawn on its own (pdftotext -raw gives right-to-left lines in visual order).
    for digits, lang in (("۱۲۳", "fa"), ("123", "ur")):
        lines = set(pdftext(build / lang / f"{SLUG}.pdf", raw=True).splitlines())
        assert all({f".{digit}", f"{digit}."} & lines for digit in digits), lang


def test_emoji_and_symbols_from_the_fallback_chain(showcase: tuple[Path, RenderReport]) -> None:
    build, _ = showcase
    fonts = subprocess.run(
        ["pdffonts", str(build / "fa" / f"{SLUG}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Emoji" in fonts
    css = (build / "css" / "lang-fa.css").read_text("utf-8")
    # (Persian's punctuation face sits between the Naskh and Latin faces: docs/rendering.md.)
    chain = '"PR en Regular", "PR fallback NotoColorEmoji", "PR fallback NotoSansSymbols"'
    assert f'"PR fa Regular", "PR fa Punct Regular", {chain}' in css


def test_character_no_font_has_is_a_warning_and_the_page_is_written(tmp_path: Path) -> None:
    root = make_showcase(tmp_path / "showcase")
    source = root / "source" / f"{SLUG}.md"
    source.write_text(source.read_text("utf-8") + "\nA private-use sign \ue000 no font has.\n", "utf-8")
    report = render(load_project(root), langs=["en"], formats=("html", "pdf"))
    assert not report.failures
    missing = [w for w in report.warnings if "U+E000" in w]
    assert missing == [
        f"en/{SLUG}.html (source/{SLUG}.md): no configured font has U+E000 unnamed; they show as boxes "
        "(hint: add a font that has them to [render] fallback_fonts)"
    ]
    assert (root / "build" / "en" / f"{SLUG}.pdf").is_file()


def test_embeds_from_other_hosts_are_dropped_with_a_warning(tmp_path: Path) -> None:
    root = make_showcase(tmp_path / "showcase")
    (root / "workflow.toml").write_text('[project]\nname = "No embeds"\ntargets = ["ur", "fa"]\n', "utf-8")
    report = render(load_project(root), langs=["en"], formats=("html",))
    page = (root / "build" / "en" / f"{SLUG}.html").read_text("utf-8")
    assert "<iframe" not in page and "youtube" not in page
    assert any(f"embed {EMBED} dropped" in w for w in report.warnings)


# -- the sanitizer's allow-list ----------------------------------------------------------------

KEPT = [
    '<details open=""><summary>Notes <b>here</b></summary><p>x</p></details>',
    "<figure><img alt=\"a\"><figcaption>Caption</figcaption></figure>",
    "<aside>Pull quote</aside>",
    '<p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title="World Health Organization">WHO</abbr><br>next</p>',
    '<table><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>',
    '<p lang="en" dir="ltr"><a href="https://example.org/">a</a> <a href="mailto:a@b.c">m</a></p>',
]
DROPPED = [
    ("<script>alert(1)</script>", ""),
    ("<style>p { color: red }</style>", ""),
    ('<form action="/x"><label>Name <input name="n"></label><button>Go</button></form>', ""),
    ('<p onclick="x()" style="color: red">t</p>', "<p>t</p>"),
    ('<a href="javascript:alert(1)">j</a>', "<a>j</a>"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', "<a>d</a>"),
    ('<img src="data:image/png;base64,AAAA" alt="x">', '<img alt="x">'),
    ('<iframe src="https://evil.example/x"></iframe>', "<iframe></iframe>"),
    ('<iframe src="http://www.youtube-nocookie.com/embed/x"></iframe>', "<iframe></iframe>"),
    ("<svg><text>t</text></svg><object data=x>o</object>", ""),
    ('<td style="text-align: right; background: url(x)">1</td>', "1"),
]


@pytest.mark.parametrize("html", KEPT)
def test_sanitizer_keeps_safe_structure(html: str) -> None:
    assert sanitize_html(html, ["www.youtube-nocookie.com"])[0] == html


@pytest.mark.parametrize(("html", "kept"), DROPPED)
def test_sanitizer_drops_the_rest(html: str, kept: str) -> None:
    assert sanitize_html(html, ["www.youtube-nocookie.com"])[0] == kept


def test_sanitizer_keeps_embeds_from_listed_hosts_only() -> None:
    src = "https://www.youtube-nocookie.com/embed/x"
    embed = f'<iframe src="{src}" title="T"></iframe>'
    assert sanitize_html(embed, ["www.youtube-nocookie.com"]) == (embed, [])
    assert sanitize_html(embed, ["youtube-nocookie.com"]) == ('<iframe title="T"></iframe>', [src])
    assert sanitize_html(embed, []) == ('<iframe title="T"></iframe>', [src])


# -- layout in Chromium ------------------------------------------------------------------------

_MEASURE = """<script>
window.addEventListener("load", () => {
  const out = [];
  for (const pre of document.querySelectorAll("pre")) {
    const box = pre.getBoundingClientRect();
    const column = (pre.closest("td") || pre.closest("main")).getBoundingClientRect();
    out.push([Math.round(box.left - column.left), Math.round(column.right - box.right),
              pre.scrollWidth > pre.clientWidth ? "scrolls" : "fits",
              getComputedStyle(pre).direction, getComputedStyle(pre).overflowX]);
  }
  const ol = document.querySelector("ol");
  out.push(getComputedStyle(ol).listStyleType);
  document.body.setAttribute("data-measured", JSON.stringify(out));
});
</script>"""


def _measure(page: Path, width: int) -> str:
    probe = page.with_name(page.stem + f".probe{width}.html")
    probe.write_text(page.read_text("utf-8").replace("</body>", _MEASURE + "</body>"), "utf-8")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", f"--user-data-dir={profile}", f"--window-size={width},2000",
             "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    probe.unlink()
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, dom[-500:]
    return found.group(1).replace("&quot;", '"')


@pytest.mark.parametrize("width", [1280, 390])
def test_code_stays_in_its_column_in_chromium(showcase: tuple[Path, RenderReport], width: int) -> None:
    """Code blocks never spill out of their column (article or bilingual table cell): they scroll."""
    import json

    assert CHROMIUM.exists(), "chromium is missing: ./dev.sh test installs it"
    build, _ = showcase
    for page in (build / "fa" / f"{SLUG}.html", build / "fa" / f"{SLUG}.bilingual.html"):
        measured = json.loads(_measure(page, width))
        *blocks, list_style = measured
        assert blocks
        for left, right, _overflow, direction, overflow_x in blocks:
            assert left >= -1 and right >= -1, (page.name, width, measured)
            assert direction == "ltr"
            assert overflow_x == "auto"  # a line wider than the column scrolls in it
        if page.name == f"{SLUG}.html":
            assert list_style == "persian"
        # (Whether a block does scroll depends on the width: headless Chromium's smallest
        # --dump-dom window is 500 px, where phones' 17 px text and stacked bilingual pairs
        # let the sample's code fit.)
