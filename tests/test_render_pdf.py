"""PDF rendering: structure (pages, fonts, metadata, text), drafts, fetch lock, searchability."""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import inflated, pdftext
from test_render_html import TRANSLATIONS, make_project

from pressroom.errors import FontMissingError
from pressroom.project import load_project
from pressroom.rendering import (
    FetchRefused,
    extracted_word_share,
    make_url_fetcher,
    pdf_bytes,
    render,
    text_words,
)

LONG_ARTICLE = """\
---
title: "Miners buried after a week of protests"
author: Sampath Perera
date: 2021-01-12
slug: miners
language: en
---

Eleven coal miners from the Hazara minority were killed in Mach on January 3.

The Socialist Equality Party (SEP) called for a united struggle of workers.

Prime Minister Imran Khan met the families in Quetta.
"""


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdffonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... emb sub uni object-id gen: the last five columns are fixed
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows




@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render of the fixture project, all languages, HTML and PDF, bilingual for Urdu."""
    root = make_project(tmp_path_factory.mktemp("pdf") / "press", reviewed=("ur", "fa", "si"))
    render(load_project(root), formats=("pdf",), bilingual=False)
    render(load_project(root), langs=["ur"], formats=("pdf",), bilingual=True)
    return root


@pytest.mark.parametrize("lang", ["en", "ur", "fa", "si"])
def test_pdf_metadata_fonts_and_pages(built: Path, lang: str) -> None:
    pdf = built / "build" / lang / "miners.pdf"
    info = pdfinfo(pdf)
    title = TRANSLATIONS[lang][0] if lang != "en" else "Miners buried after a week of protests"
    author = TRANSLATIONS[lang][1] if lang != "en" else "Sampath Perera"
    assert info["Title"] == title
    assert info["Author"] == author
    assert info["Tagged"] == "yes"
    assert info["Pages"] == "1"
    assert info["CreationDate"].endswith("2021 UTC") and "Jan 12" in info["CreationDate"]
    fonts = pdffonts(pdf)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts), fonts
    names = {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in fonts}
    # Real PostScript names, nothing synthesised (no ",Bold" or ",Oblique" suffix).
    regular = {"en": "NotoSerif", "ur": "NotoNastaliqUrdu", "fa": "NotoNaskhArabic", "si": "NotoSerifSinhala"}
    assert f"{regular[lang]}-Regular" in names
    assert all(re.fullmatch(r"Noto[A-Za-z]+-(Regular|Bold|SemiBold|Italic)", name) for name in names), names




def test_pdf_language_and_pdf_ua(built: Path) -> None:
    data = inflated(built / "build" / "fa" / "miners.pdf")
    assert re.search(rb"/Lang\s*\(fa\)", data)
    meta = subprocess.run(
        ["pdfinfo", "-meta", str(built / "build" / "fa" / "miners.pdf")], capture_output=True, text=True
    ).stdout
    assert "pdfuaid:part" in meta  # PDF/UA identification in the XMP metadata


@pytest.mark.parametrize("lang", ["en", "fa", "si"])
def test_pdf_title_extractable(built: Path, lang: str) -> None:
    title = TRANSLATIONS[lang][0] if lang != "en" else "Miners buried after a week of protests"
    text = pdftext(built / "build" / lang / "miners.pdf")
    assert " ".join(text_words(title)) in " ".join(text_words(text))


def test_persian_page_numbers_in_persian_digits(built: Path) -> None:
    last_line = pdftext(built / "build" / "fa" / "miners.pdf").strip().splitlines()[-1]
    assert "۱" in last_line and "1" not in last_line


def test_bilingual_pdf_has_both_faces_and_both_texts(built: Path) -> None:
    pdf = built / "build" / "ur" / "miners.bilingual.pdf"
    names = {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in pdffonts(pdf)}
    assert {"NotoSerif-Regular", "NotoNastaliqUrdu-Regular"} <= names
    text = " ".join(text_words(pdftext(pdf)))
    assert "Eleven coal miners from the Hazara minority" in text
    assert text.index("Eleven coal") < text.index("Prime Minister Imran Khan")


def _mode_pdfs(built: Path, tmp_path: Path, lang: str, modes: tuple[str, ...]) -> dict[str, Path]:
    """The language's article page rendered once per ``searchable_text`` mode."""
    html_path = built / "build" / lang / "miners.html"
    render(load_project(built), langs=[lang], formats=("html",), bilingual=False)
    page = html_path.read_text("utf-8")
    pdfs = {}
    for mode in modes:
        pdf = tmp_path / f"{lang}-{mode}.pdf"
        pdf.write_bytes(pdf_bytes(page, html_path=html_path, allowed_roots=[built], searchable_text=mode))
        pdfs[mode] = pdf
    return pdfs


def _pixels(pdf: Path) -> bytes:
    out = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(out)], check=True)
    return out.with_suffix(".png").read_bytes()


def test_searchable_share_per_language(built: Path) -> None:
    """What pdftotext recovers with the project's default mode (figures in docs/rendering.md)."""
    share = {
        lang: extracted_word_share("\n".join(TRANSLATIONS[lang]), built / "build" / lang / "miners.pdf")
        for lang in ("ur", "fa", "si")
    }
    assert share["fa"] >= 0.95
    assert share["si"] >= 0.95  # 0.64 without ActualText
    assert share["ur"] >= 0.3  # 0.2 without ActualText, 0.36 per cluster, 1.0 per word


def test_word_spans_make_urdu_searchable_and_change_nothing_visible(built: Path, tmp_path: Path) -> None:
    """``words``: every Urdu word recovered; Persian no worse; pages pixel-identical to no ActualText."""
    for lang in ("ur", "fa"):
        pdfs = _mode_pdfs(built, tmp_path, lang, ("none", "clusters", "words"))
        text = "\n".join(TRANSLATIONS[lang])
        shares = {mode: extracted_word_share(text, pdf) for mode, pdf in pdfs.items()}
        images = {mode: _pixels(pdf) for mode, pdf in pdfs.items()}
        assert images["clusters"] == images["none"], lang
        assert images["words"] == images["none"], lang
        assert shares["words"] >= shares["none"], (lang, shares)
        assert shares["words"] >= shares["clusters"], (lang, shares)
        if lang == "ur":
            assert shares["none"] < 0.3 and shares["clusters"] < 0.5, shares
            assert shares["words"] == 1.0, shares
    # The words also come out in reading order, not just somewhere on the page.
    title = " ".join(text_words(TRANSLATIONS["ur"][0]))
    assert title in " ".join(text_words(pdftext(pdfs_ur := tmp_path / "ur-words.pdf")))
    assert title not in " ".join(text_words(pdftext(pdfs_ur.with_name("ur-clusters.pdf"))))


def _actual_texts(pdf: Path) -> list[tuple[bool, str]]:
    """(inside /ReversedChars, text) of every /ActualText span in the PDF's content streams."""
    found = []
    for match in re.finditer(
        rb"(/ReversedChars BMC\s*)?/Span <<\s*/ActualText\s*(?:<feff([0-9a-f]*)>|\(([^()\\\\]*)\))\s*>> BDC",
        inflated(pdf),
    ):
        inside, utf16, plain = match.groups()
        if utf16 is not None:
            found.append((inside is not None, bytes.fromhex(utf16.decode()).decode("utf-16-be")))
        else:
            found.append((inside is not None, plain.decode("latin-1")))
    return found


def test_word_spans_spell_rtl_words_in_drawing_order(built: Path, tmp_path: Path) -> None:
    pdf = _mode_pdfs(built, tmp_path, "ur", ("words",))["words"]
    spans = _actual_texts(pdf)
    reversed_words = {text[::-1] for inside, text in spans if inside}
    # Every Urdu word of the title is one span, reversed, inside /ReversedChars.
    assert set(TRANSLATIONS["ur"][0].split()) <= reversed_words, spans
    # Digits are a left-to-right run inside the Urdu line: logical order, not reversed.
    assert (False, "3") in spans
    # No span holds a space: words are separated by the space glyphs between spans.
    assert all(" " not in text for _inside, text in spans)


def test_word_spans_leave_lines_that_read_right_alone(built: Path, tmp_path: Path) -> None:
    """Persian Naskh maps glyph by glyph: its plain words get no spans (PDFium reads them better).

    Only words written with a ZWNJ, an empty glyph whose character extraction loses,
    get one (نخست‌وزیر).
    """
    pdfs = _mode_pdfs(built, tmp_path, "fa", ("clusters", "words"))
    marked = {text[::-1] for inside, text in _actual_texts(pdfs["words"]) if inside}
    sentences = {word for sentence in TRANSLATIONS["fa"][2:] for word in sentence.split()}
    plain = {word for word in sentences if "\u200c" not in word}
    assert not marked & plain, marked & plain
    assert {word.strip(".") for word in sentences - plain} <= marked
    # ... while the per-cluster mode marks every one of them.
    assert len(_actual_texts(pdfs["clusters"])) > 100


def test_drafts_marked_on_every_pdf_page(tmp_path: Path) -> None:
    long = LONG_ARTICLE + "".join(f"\nParagraph {n} of a long article about the miners.\n" for n in range(40))
    root = make_project(tmp_path / "press", reviewed=(), article=long)
    render(load_project(root), langs=["si"], formats=("pdf",), include_drafts=True, bilingual=False)
    pdf = root / "build" / "si" / "miners.pdf"
    pages = int(pdfinfo(pdf)["Pages"])
    assert pages >= 2
    for page in range(1, pages + 1):
        assert "Unreviewed draft" in pdftext(pdf, page), page


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press")
    with (root / "workflow.toml").open("a", encoding="utf-8") as handle:
        handle.write('[languages.ur]\nfont_files = ["NoSuchNastaliq-Regular.ttf"]\n')
    with pytest.raises(FontMissingError) as caught:
        render(load_project(root), langs=["ur"], formats=("pdf",))
    assert "NoSuchNastaliq-Regular.ttf" in str(caught.value)
    assert "apt-get install fonts-noto-core" in str(caught.value)
    assert not (root / "build" / "ur").exists()


def test_nastaliq_is_never_clipped_by_the_stylesheets(built: Path) -> None:
    css_dir = built / "build" / "css"
    urdu = (css_dir / "lang-ur.css").read_text("utf-8")
    heights = [float(v) for v in re.findall(r"line-height:\s*([0-9.]+)", urdu)]
    assert heights and min(heights) >= 2.2
    for css in css_dir.glob("*.css"):
        text = css.read_text("utf-8")
        assert "overflow: hidden" not in text and "overflow:hidden" not in text, css
        assert not re.search(r"(?<![-\w])(max-)?height:\s*[0-9.]+(px|pt|mm|em|rem)", text), css


def test_url_fetcher_is_locked_to_the_project(tmp_path: Path) -> None:
    inside = tmp_path / "project" / "img.png"
    inside.parent.mkdir()
    inside.write_bytes(b"\x89PNG fake")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    fetch = make_url_fetcher([tmp_path / "project"])
    assert fetch(inside.as_uri()).read() == b"\x89PNG fake"
    assert fetch("data:text/plain,hello").read() == b"hello"
    for url in (
        outside.as_uri(),
        (inside.parent / ".." / "secret.txt").as_uri(),
        "http://example.com/x.css",
        "https://example.com/font.ttf",
        "ftp://example.com/x",
        "file://otherhost/etc/passwd",
    ):
        with pytest.raises(FetchRefused):
            fetch(url)


def test_pdf_rendering_fetches_nothing_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile page asking for remote and outside files renders without fetching them."""
    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "outside.css"
    outside.write_text("body { color: red }", encoding="utf-8")
    asked: list[str] = []

    def no_network(*args: object, **kwargs: object) -> None:
        asked.append(str(args))
        raise OSError("network used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    page = (
        '<html lang="en"><head><link rel="stylesheet" href="http://example.com/x.css">'
        f'<link rel="stylesheet" href="{outside.as_uri()}"></head>'
        '<body><p>Hello</p><img src="https://example.com/a.png"><img src="file:///etc/hostname"></body></html>'
    )
    data = pdf_bytes(page, html_path=project / "page.html", allowed_roots=[project])
    assert data.startswith(b"%PDF")
    assert not asked


def test_parallel_render_writes_the_same_pages(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press")
    serial = render(
        load_project(root), ["fa", "si"], formats=("html", "pdf"), output_dir=tmp_path / "one", jobs=1
    )
    parallel = render(
        load_project(root), ["fa", "si"], formats=("html", "pdf"), output_dir=tmp_path / "two", jobs=2
    )
    names = sorted(p.relative_to(tmp_path / "one").as_posix() for p in serial.written)
    assert names == sorted(p.relative_to(tmp_path / "two").as_posix() for p in parallel.written)
    for name in names:
        if name.endswith(".html"):
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
        if name.endswith(".pdf"):
            assert pdfinfo(tmp_path / "one" / name)["Pages"] == pdfinfo(tmp_path / "two" / name)["Pages"]
    # Into the same folder (PDFs name images by their URL), every byte is the same.
    pdfs = {name: (tmp_path / "one" / name).read_bytes() for name in names if name.endswith(".pdf")}
    again = render(
        load_project(root), ["fa", "si"], formats=("pdf",), output_dir=tmp_path / "one", jobs=2, force=True
    )
    assert len(again.written) == len(pdfs)
    for name, data in pdfs.items():
        assert (tmp_path / "one" / name).read_bytes() == data, name


def test_pages_sharing_font_configurations_are_the_pages_each_would_be_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render shares WeasyPrint's font configurations between pages; not one PDF byte moves."""
    from weasyprint.text.fonts import FontConfiguration

    from pressroom.rendering.pdf import FontConfigs

    root = make_project(tmp_path / "press")
    article = (root / "source" / "miners.md").read_text("utf-8")
    (root / "source" / "second.md").write_text(article.replace("slug: miners", "slug: second"), "utf-8")
    for catalog in (root / "translations").glob("*/miners.po"):
        (catalog.parent / "second.po").write_bytes(catalog.read_bytes())
    made: list[object] = []
    original = FontConfigs.for_page

    def counting(self: FontConfigs, html_text: str) -> object:
        config = original(self, html_text)
        made.append(config)
        return config

    monkeypatch.setattr(FontConfigs, "for_page", counting)
    shared = render(load_project(root), formats=("pdf",), force=True, include_drafts=True)
    pdfs = sorted(p for p in shared.written if p.suffix == ".pdf")
    # One per language: both articles, article and bilingual pages, link the same stylesheets.
    assert len(pdfs) == 14 and len({id(c) for c in made}) == 4
    together = {p: p.read_bytes() for p in pdfs}
    monkeypatch.setattr(FontConfigs, "for_page", lambda self, html_text: FontConfiguration())
    alone = render(load_project(root), formats=("pdf",), force=True, include_drafts=True)
    assert sorted(p for p in alone.written if p.suffix == ".pdf") == pdfs
    for path in pdfs:
        assert path.read_bytes() == together[path], path


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_render_leaves_no_font_copies_behind(tmp_path: Path, jobs: int) -> None:
    """WeasyPrint copies every page's fonts into a temporary folder; none outlives the render."""
    import os
    import sys

    from conftest import REPO

    root = make_project(tmp_path / "press")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    command = [sys.executable, str(REPO / "workflow.py"), "--project", str(root), "-q", "render"]
    done = subprocess.run(
        [*command, "--format", "pdf", "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((root / "build").rglob("*.pdf"))) >= 4
    assert sorted(p.name for p in temporary.iterdir()) == []


def _page_number_x(pdf: Path, number: str) -> tuple[float, float]:
    """x of the page number on page 1, and the page width (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    width = float(re.search(r'<page width="([0-9.]+)"', out).group(1))  # type: ignore[union-attr]
    xs = [float(x) for x, y in re.findall(rf'xMin="([0-9.]+)" yMin="([0-9.]+)"[^>]*>{number}<', out)]
    return xs[-1], width


def test_rtl_pages_progress_right_to_left(built: Path) -> None:
    """An RTL document starts on a left page: page 1's number sits on the left, outer margin."""
    x, width = _page_number_x(built / "build" / "fa" / "miners.pdf", "۱")
    assert x < width / 2
    x, width = _page_number_x(built / "build" / "en" / "miners.pdf", "1")
    assert x > width / 2
